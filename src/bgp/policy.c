/*
 * Relationships, communities and action communities: see policy.h.
 *
 * Gao-Rexford (L. Gao, J. Rexford, "Stable Internet routing without
 * global coordination", 2001): prefer customer routes over peer routes
 * over provider routes, and export peer and provider routes to customers
 * only.  With every AS doing so and no provider cycle, BGP has one stable
 * outcome, which is what lets `check` predict it.
 */
#include "bgp/policy.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *bgp_role_name(enum bgp_role r)
{
	switch (r) {
	case BGP_ROLE_NONE:	return "none";
	case BGP_ROLE_CUSTOMER:	return "customer";
	case BGP_ROLE_PEER:	return "peer";
	case BGP_ROLE_PROVIDER:	return "provider";
	}
	return "?";
}

const char *bgp_role_phrase(enum bgp_role r)
{
	switch (r) {
	case BGP_ROLE_NONE:	return "a neighbour without a relationship";
	case BGP_ROLE_CUSTOMER:	return "a customer";
	case BGP_ROLE_PEER:	return "a peer";
	case BGP_ROLE_PROVIDER:	return "a provider";
	}
	return "?";
}

static const struct {
	const char *name;
	uint32_t value;
} well_known[] = {
	{ "no-export", BGP_COMM_NO_EXPORT },
	{ "no-advertise", BGP_COMM_NO_ADVERTISE },
	{ "no-export-subconfed", BGP_COMM_NO_EXPORT_SUBCONFED },
};

/* Decimal digits; the value saturates just above 32 bits. */
static int part(const char **s, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++)
		if ((v = v * 10 + (uint64_t)(*p - '0')) > 0x100000000ull)
			v = 0x100000000ull;
	*s = p;
	*out = v;
	return 0;
}

int bgp_comm_parse(const char *s, struct bgp_comm *out)
{
	uint64_t v[3], max;
	const char *p = s;
	size_t i, n = 0;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < sizeof(well_known) / sizeof(well_known[0]); i++) {
		if (strcmp(s, well_known[i].name) == 0) {
			out->a = well_known[i].value >> 16;
			out->b = well_known[i].value & 0xffff;
			return 0;
		}
	}
	for (;;) {
		if (n == 3 || part(&p, &v[n]) < 0)
			return -EINVAL;
		n++;
		if (*p == '\0')
			break;
		if (*p++ != ':')
			return -EINVAL;
	}
	if (n < 2)
		return -EINVAL;
	max = n == 2 ? 0xffff : 0xffffffffu;
	for (i = 0; i < n; i++)
		if (v[i] > max)
			return -ERANGE;
	out->large = n == 3;
	out->a = (uint32_t)v[0];
	out->b = (uint32_t)v[1];
	out->c = n == 3 ? (uint32_t)v[2] : 0;
	return 0;
}

void bgp_comm_format(struct buf *b, const struct bgp_comm *c)
{
	size_t i;

	if (c->large) {
		buf_printf(b, "%u:%u:%u", c->a, c->b, c->c);
		return;
	}
	for (i = 0; i < sizeof(well_known) / sizeof(well_known[0]); i++) {
		if (bgp_comm_std(c) == well_known[i].value) {
			buf_puts(b, well_known[i].name);
			return;
		}
	}
	buf_printf(b, "%u:%u", c->a, c->b);
}

bool bgp_comm_eq(const struct bgp_comm *x, const struct bgp_comm *y)
{
	return x->large == y->large && x->a == y->a && x->b == y->b &&
	       x->c == y->c;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static bool has_std(const struct bgp_comms *r, uint32_t v)
{
	size_t i;

	for (i = 0; i + 4 <= r->std_len; i += 4)
		if (get32(r->std + i) == v)
			return true;
	return false;
}

static bool bgp_comms_has(const struct bgp_comms *r, const struct bgp_comm *c)
{
	size_t i;

	if (!c->large)
		return has_std(r, bgp_comm_std(c));
	for (i = 0; i + 12 <= r->large_len; i += 12)
		if (get32(r->large + i) == c->a &&
		    get32(r->large + i + 4) == c->b &&
		    get32(r->large + i + 8) == c->c)
			return true;
	return false;
}

void bgp_policy_defaults(struct bgp_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->local_pref[BGP_ROLE_NONE] = BGP_LP_NONE;
	p->local_pref[BGP_ROLE_CUSTOMER] = BGP_LP_CUSTOMER;
	p->local_pref[BGP_ROLE_PEER] = BGP_LP_PEER;
	p->local_pref[BGP_ROLE_PROVIDER] = BGP_LP_PROVIDER;
}

/* Action communities are a service to customers: a peer or a provider
 * cannot steer us with them. */
static bool may_act(enum bgp_role from)
{
	return from == BGP_ROLE_CUSTOMER || from == BGP_ROLE_NONE;
}

uint32_t bgp_policy_import_lp(const struct bgp_policy *p, enum bgp_role from,
			      uint32_t link_lp, const struct bgp_comms *r,
			      const struct bgp_action **action)
{
	size_t i;

	*action = NULL;
	if (may_act(from)) {
		for (i = 0; i < p->nactions; i++) {
			const struct bgp_action *a = &p->actions[i];

			if (a->kind == BGP_ACTION_LOCAL_PREF &&
			    bgp_comms_has(r, &a->comm)) {
				*action = a;
				return a->value;
			}
		}
	}
	if (link_lp)
		return link_lp;
	return p->local_pref[from < BGP_ROLES ? from : BGP_ROLE_NONE];
}

enum bgp_hold bgp_policy_export(const struct bgp_policy *p,
				const struct bgp_route_src *r,
				enum bgp_role to, uint32_t to_as,
				const struct bgp_action **action)
{
	size_t i;

	*action = NULL;
	if (!r->local) {
		if (has_std(&r->comms, BGP_COMM_NO_ADVERTISE))
			return BGP_HOLD_NO_ADVERTISE;
		if (has_std(&r->comms, BGP_COMM_NO_EXPORT) ||
		    has_std(&r->comms, BGP_COMM_NO_EXPORT_SUBCONFED))
			return BGP_HOLD_NO_EXPORT;
		if ((r->from == BGP_ROLE_PEER || r->from == BGP_ROLE_PROVIDER) &&
		    (to == BGP_ROLE_PEER || to == BGP_ROLE_PROVIDER))
			return BGP_HOLD_VALLEY;
	}
	if (r->local || !may_act(r->from))
		return BGP_HOLD_NONE;
	for (i = 0; i < p->nactions; i++) {
		const struct bgp_action *a = &p->actions[i];

		if (a->kind == BGP_ACTION_NO_ANNOUNCE &&
		    (a->to_as == 0 || a->to_as == to_as) &&
		    bgp_comms_has(&r->comms, &a->comm)) {
			*action = a;
			return BGP_HOLD_ACTION;
		}
	}
	return BGP_HOLD_NONE;
}

unsigned bgp_policy_prepend(const struct bgp_policy *p,
			    const struct bgp_route_src *r, uint32_t to_as,
			    const struct bgp_action **action)
{
	unsigned best = 0;
	size_t i;

	*action = NULL;
	if (r->local || !may_act(r->from))
		return 0;
	for (i = 0; i < p->nactions; i++) {
		const struct bgp_action *a = &p->actions[i];

		if (a->kind == BGP_ACTION_PREPEND && a->value > best &&
		    (a->to_as == 0 || a->to_as == to_as) &&
		    bgp_comms_has(&r->comms, &a->comm)) {
			best = a->value;
			*action = a;
		}
	}
	return best;
}

uint32_t bgp_mrai_sent(struct bgp_mrai *m, uint64_t now_ms, uint32_t ms,
		       uint32_t rnd)
{
	uint64_t j;

	if (!ms)
		return 0;
	/* 0.75 + 0.25 * rnd / 2^32, in integers. */
	j = (uint64_t)ms * 3 / 4 + (((uint64_t)ms * rnd) >> 34);
	m->until_ms = now_ms + j;
	return (uint32_t)j;
}

void bgp_hold_format(struct buf *b, enum bgp_hold h, enum bgp_role from,
		     enum bgp_role to)
{
	switch (h) {
	case BGP_HOLD_NONE:
		buf_puts(b, "sent");
		return;
	case BGP_HOLD_SPLIT:
		buf_puts(b, "learned from this neighbour");
		return;
	case BGP_HOLD_LOOP:
		buf_puts(b, "its AS is on the path already");
		return;
	case BGP_HOLD_VALLEY:
		buf_printf(b, "valley-free: learned from %s, not sent to %s",
			   bgp_role_phrase(from), bgp_role_phrase(to));
		return;
	case BGP_HOLD_NO_EXPORT:
		buf_puts(b, "NO_EXPORT community: kept in this AS");
		return;
	case BGP_HOLD_NO_ADVERTISE:
		buf_puts(b, "NO_ADVERTISE community: sent to no one");
		return;
	case BGP_HOLD_ACTION:
		buf_puts(b, "the customer's action community: not announced to this AS");
		return;
	case BGP_HOLD_SELECTIVE:
		buf_puts(b, "the origin does not announce it to this neighbour");
		return;
	}
	buf_puts(b, "?");
}

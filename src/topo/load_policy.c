/*
 * The routing-policy keys of a lab file: relationships, LOCAL_PREF,
 * prepending, communities, MED, selective announcement, MRAI, action
 * communities (the model is in topo.h, the rules in bgp/policy.h).
 * Whatever one key tells on its own is checked here; what depends on the
 * kinds of a link's ends (a relationship with a user, a prepend on a link
 * without a POP) and relationship cycles are checked in validate.c.
 */
#include "topo/load_int.h"
#include "topo/topo.h"
#include "util/buf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define LP_MAX		4294967295ull

static bool load_u32(struct loader *L, const struct field *f, const char *ctx,
		     const char *what_value, uint32_t *out)
{
	char hint[64];
	yaml_node_t *v;
	uint64_t x;

	snprintf(hint, sizeof(hint), "write a %s, 0..4294967295", what_value);
	v = ld_field_scalar(L, f, ctx, hint);
	if (!v)
		return false;
	if (ld_parse_uint(ld_sval(v), ld_slen(v), LP_MAX, &x) < 0) {
		ld_report(L, ld_pos_of(v), "%s%s '%s' is not a %s; use 0..4294967295",
			  ctx, f->name, ld_qn(L, v), what_value);
		return false;
	}
	*out = (uint32_t)x;
	return true;
}

static bool load_bool(struct loader *L, const struct field *f, const char *ctx,
		      bool *out)
{
	yaml_node_t *v = ld_field_scalar(L, f, ctx, "write true or false");

	if (!v)
		return false;
	if (ld_scalar_is(v, "true") || ld_scalar_is(v, "false")) {
		*out = ld_scalar_is(v, "true");
		return true;
	}
	ld_report(L, ld_pos_of(v), "%s'%s' is true or false, not '%s'", ctx,
		  f->name, ld_qn(L, v));
	return false;
}

/* 0, 300ms, 30s: at most an hour, whole milliseconds. */
static bool load_mrai(struct loader *L, const struct field *f, const char *ctx,
		      uint32_t *ms)
{
	yaml_node_t *v = ld_field_scalar(L, f, ctx, "write a duration like 30s, or 0");
	const char *s;
	uint64_t us;
	int err;

	if (!v)
		return false;
	s = ld_sval(v);
	if (ld_scalar_is(v, "0")) {
		*ms = 0;
		return true;
	}
	if (ld_slen(v) && s[0] == '-') {
		ld_report(L, ld_pos_of(v), "%smrai %s is negative; use 0 (send at once) up to 1h",
			  ctx, ld_qn(L, v));
		return false;
	}
	if (ld_slen(v) > 1 && s[ld_slen(v) - 1] == 'h' &&
	    ld_parse_uint(s, ld_slen(v) - 1, 1000, &us) == 0) {
		if (us > 1) {
			ld_report(L, ld_pos_of(v), "%smrai %s is above an hour; use at most 1h (3600s)",
				  ctx, ld_qn(L, v));
			return false;
		}
		*ms = (uint32_t)us * 3600000u;
		return true;
	}
	err = ld_parse_quantity(s, ld_slen(v), ld_delay_units,
				(uint64_t)TOPO_MRAI_MAX_MS * 1000 * 1000, &us);
	if (err == -ENOENT)
		ld_report(L, ld_pos_of(v), "%smrai %s needs a unit (did you mean %ss?)",
			  ctx, ld_qn(L, v), ld_qn(L, v));
	else if (err == -EDOM || (!err && us % 1000))
		ld_report(L, ld_pos_of(v), "%smrai %s is finer than 1ms", ctx, ld_qn(L, v));
	else if (err == -ERANGE || (!err && us > (uint64_t)TOPO_MRAI_MAX_MS * 1000))
		ld_report(L, ld_pos_of(v), "%smrai %s is above an hour; use at most 1h (3600s)",
			  ctx, ld_qn(L, v));
	else if (err)
		ld_report(L, ld_pos_of(v), "%smrai '%s' is not a duration like 30s, 500ms or 0",
			  ctx, ld_qn(L, v));
	else {
		*ms = (uint32_t)(us / 1000);
		return true;
	}
	return false;
}

static bool load_prepend(struct loader *L, const struct field *f,
			 const char *ctx, unsigned *out)
{
	yaml_node_t *v = ld_field_scalar(L, f, ctx, "write a count, 0..16");
	uint64_t x;
	int err;

	if (!v)
		return false;
	err = ld_parse_uint(ld_sval(v), ld_slen(v), BGP_PREPEND_MAX, &x);
	if (err == -EINVAL) {
		ld_report(L, ld_pos_of(v), "%sprepend '%s' is not a count; use 0..16 extra copies of the AS",
			  ctx, ld_qn(L, v));
		return false;
	}
	if (err) {
		ld_report(L, ld_pos_of(v), "%sprepend %s is out of range; use 0..16: a few copies already move every user a prepend can move, and longer paths are filtered by many networks",
			  ctx, ld_qn(L, v));
		return false;
	}
	*out = (unsigned)x;
	return true;
}

static bool load_comm(struct loader *L, yaml_node_t *v, const char *ctx,
		      const char *key, struct bgp_comm *c)
{
	char tmp[64];
	int err;

	if (!ld_is_scalar(v) || ld_slen(v) == 0 || ld_slen(v) >= sizeof(tmp) ||
	    ld_slen(v) != strlen(ld_sval(v))) {
		ld_report(L, ld_pos_of(v), "%s%s: '%s' is not a community; write 65000:100, 13335:1:2 or no-export",
			  ctx, key, ld_is_scalar(v) ? ld_qn(L, v) : ld_what(v));
		return false;
	}
	memcpy(tmp, ld_sval(v), ld_slen(v) + 1);
	err = bgp_comm_parse(tmp, c);
	if (err == -ERANGE) {
		ld_report(L, ld_pos_of(v), "%s%s: community %s is out of range: each part of a:b is 0..65535 (RFC 1997), of a:b:c 0..4294967295 (RFC 8092)",
			  ctx, key, ld_qn(L, v));
		return false;
	}
	if (err) {
		ld_report(L, ld_pos_of(v), "%s%s: '%s' is not a community; write 65000:100, 13335:1:2 or no-export",
			  ctx, key, ld_qn(L, v));
		return false;
	}
	return true;
}

/* One community or a list of them. */
static bool load_comms(struct loader *L, const struct field *f, const char *ctx,
		       struct bgp_comm *out, size_t *n)
{
	yaml_node_item_t *it;
	bool ok = true;

	*n = 0;
	if (ld_is_null(f->val))
		return true;
	if (f->val->type != YAML_SEQUENCE_NODE)
		return (*n = load_comm(L, f->val, ctx, f->name, &out[0]));
	for (it = f->val->data.sequence.items.start;
	     it < f->val->data.sequence.items.top; it++) {
		yaml_node_t *v = ld_node_at(L, *it);

		if (!v)
			continue;
		if (*n == TOPO_COMMS_MAX) {
			ld_report(L, ld_pos_of(v), "%s%s: more than %d communities",
				  ctx, f->name, TOPO_COMMS_MAX);
			return false;
		}
		if (load_comm(L, v, ctx, f->name, &out[*n]))
			(*n)++;
		else
			ok = false;
	}
	return ok;
}

static const char *const role_keys[] = { "none", "customer", "peer", "provider" };

/* {customer: 200, peer: 100, provider: 50, none: 100} */
static void load_lp_map(struct loader *L, const struct field *f,
			const char *ctx, struct topo_policy *p)
{
	struct field k[BGP_ROLES];
	size_t r;

	if (f->val->type != YAML_MAPPING_NODE) {
		ld_report(L, ld_pos_of(f->val), "%s'local-pref' must be a mapping like {customer: 200, peer: 100, provider: 50}, not %s",
			  ctx, ld_what(f->val));
		return;
	}
	for (r = 0; r < BGP_ROLES; r++)
		k[r].name = role_keys[r];
	ld_fields_get(L, f->val, ctx, k, BGP_ROLES);
	for (r = 0; r < BGP_ROLES; r++)
		if (k[r].key && load_u32(L, &k[r], ctx, "LOCAL_PREF",
					 &p->local_pref[r]))
			p->given |= 1u << r;
}

void ld_policy_common(struct loader *L, const struct field *f, const char *ctx,
		      struct topo_policy *p)
{
	if (f[0].key)
		load_lp_map(L, &f[0], ctx, p);
	if (f[1].key && load_mrai(L, &f[1], ctx, &p->mrai_ms))
		p->given |= TOPO_POL_MRAI;
	if (f[2].key && load_bool(L, &f[2], ctx, &p->always_compare_med))
		p->given |= TOPO_POL_ACM;
	if (f[3].key && load_bool(L, &f[3], ctx, &p->multipath))
		p->given |= TOPO_POL_MULTIPATH;
}

void ld_policy_origin(struct loader *L, const struct field *f, const char *ctx,
		      struct topo_node *nd)
{
	if (f[0].key)
		load_prepend(L, &f[0], ctx, &nd->prepend);
	if (f[1].key)
		load_comms(L, &f[1], ctx, nd->comms, &nd->ncomms);
}

static const char *const action_hint =
	"write {community: \"2914:421\", prepend: 1, to: 1299}, {community: \"2914:666\", no-announce-to: 1299} or {community: \"2914:70\", local-pref: 70}";

static bool load_action(struct loader *L, yaml_node_t *item, size_t idx,
			const char *ctx, struct bgp_action *a)
{
	struct field f[] = {
		{ .name = "community" }, { .name = "prepend" },
		{ .name = "to" }, { .name = "no-announce-to" },
		{ .name = "local-pref" },
	};
	char c[96];
	unsigned kinds;
	uint32_t x;

	snprintf(c, sizeof(c), "%sactions: item %zu: ", ctx, idx);
	if (item->type != YAML_MAPPING_NODE) {
		ld_report(L, ld_pos_of(item), "%smust be a mapping, not %s; %s",
			  c, ld_what(item), action_hint);
		return false;
	}
	ld_fields_get(L, item, c, f, 5);
	memset(a, 0, sizeof(*a));
	if (!f[0].key) {
		ld_report(L, ld_pos_of(item), "%smissing 'community'; %s", c, action_hint);
		return false;
	}
	if (!load_comm(L, f[0].val, c, "community", &a->comm))
		return false;
	kinds = !!f[1].key + !!f[3].key + !!f[4].key;
	if (kinds != 1) {
		ld_report(L, ld_pos_of(item), "%s%s; %s", c,
			  kinds ? "one action per community: prepend, no-announce-to or local-pref"
				: "no action: give prepend, no-announce-to or local-pref",
			  action_hint);
		return false;
	}
	if (f[2].key && !f[1].key) {
		ld_report(L, ld_pos_of(f[2].key), "%s'to' goes with prepend (toward which AS)", c);
		return false;
	}
	if (f[1].key) {
		unsigned n;

		a->kind = BGP_ACTION_PREPEND;
		if (!load_prepend(L, &f[1], c, &n))
			return false;
		if (n == 0) {
			ld_report(L, ld_pos_of(f[1].val), "%sprepend 0 does nothing; use 1..16", c);
			return false;
		}
		a->value = n;
		if (f[2].key) {
			if (!load_u32(L, &f[2], c, "AS number", &x))
				return false;
			a->to_as = x;
		}
	} else if (f[3].key) {
		a->kind = BGP_ACTION_NO_ANNOUNCE;
		if (!load_u32(L, &f[3], c, "AS number", &x))
			return false;
		if (x == 0) {
			ld_report(L, ld_pos_of(f[3].val), "%sno-announce-to 0 is not an AS; to announce to no one, the customer sends no-export", c);
			return false;
		}
		a->to_as = x;
	} else {
		a->kind = BGP_ACTION_LOCAL_PREF;
		if (!load_u32(L, &f[4], c, "LOCAL_PREF", &a->value))
			return false;
	}
	return true;
}

void ld_policy_actions(struct loader *L, const struct field *f, const char *ctx,
		       struct topo_node *nd)
{
	yaml_node_item_t *it;
	size_t n, i;

	if (ld_is_null(f->val))
		return;
	if (f->val->type != YAML_SEQUENCE_NODE) {
		ld_report(L, ld_pos_of(f->val), "%s'actions' must be a list; %s",
			  ctx, action_hint);
		return;
	}
	n = (size_t)(f->val->data.sequence.items.top -
		     f->val->data.sequence.items.start);
	if (!n)
		return;
	if (n > TOPO_ACTIONS_MAX) {
		ld_report(L, ld_pos_of(f->val), "%s%zu action communities; at most %d",
			  ctx, n, TOPO_ACTIONS_MAX);
		return;
	}
	nd->actions = calloc(n, sizeof(*nd->actions));
	if (!nd->actions) {
		L->err = -ENOMEM;
		return;
	}
	for (it = f->val->data.sequence.items.start;
	     it < f->val->data.sequence.items.top; it++) {
		yaml_node_t *v = ld_node_at(L, *it);
		struct bgp_action *a = &nd->actions[nd->nactions];

		if (!v || !load_action(L, v, (size_t)(it - f->val->data.sequence.items.start) + 1,
				       ctx, a))
			continue;
		for (i = 0; i < nd->nactions; i++)
			if (bgp_comm_eq(&nd->actions[i].comm, &a->comm))
				break;
		if (i < nd->nactions) {
			uint8_t m[64];
			struct buf b;

			buf_init(&b, m, sizeof(m));
			bgp_comm_format(&b, &a->comm);
			ld_report(L, ld_pos_of(v), "%sactions: community %s is given twice",
				  ctx, buf_cstr(&b));
			continue;
		}
		nd->nactions++;
	}
}

static const char *const rel_names[] = { "provider", "customer", "peer" };

void ld_policy_link(struct loader *L, const struct field *f, const char *ctx,
		    struct topo_link *l)
{
	size_t i;
	yaml_node_t *v;

	if (f[0].key && (v = ld_field_scalar(L, &f[0], ctx,
					     "write provider, customer or peer"))) {
		for (i = 0; i < 3 && !ld_scalar_is(v, rel_names[i]); i++)
			;
		if (i < 3) {
			l->rel = (enum topo_rel)(i + 1);
			l->rel_pos = ld_pos_of(v);
		} else {
			ld_report_unknown(L, ld_pos_of(v), ctx, "rel", v, rel_names, 3);
		}
	}
	if (f[1].key && load_u32(L, &f[1], ctx, "LOCAL_PREF", &l->local_pref) &&
	    l->local_pref == 0)
		ld_report(L, ld_pos_of(f[1].val), "%slocal-pref 0 would make the link the last resort of every router; leave it out for the relationship's value, or use 1..4294967295",
			  ctx);
	if (f[2].key)
		l->mrai_given = load_mrai(L, &f[2], ctx, &l->mrai_ms);
	if (f[3].key)
		l->prepend_given = load_prepend(L, &f[3], ctx, &l->prepend);
	if (f[4].key)
		l->comms_given = load_comms(L, &f[4], ctx, l->comms, &l->ncomms);
	if (f[5].key)
		l->med_given = load_u32(L, &f[5], ctx, "MED", &l->med);
	if (f[6].key) {
		bool ann = true;

		if (load_bool(L, &f[6], ctx, &ann))
			l->no_announce = !ann;
	}
	for (i = 3; i < 7; i++) {
		if (f[i].key) {
			l->pop_pos = ld_pos_of(f[i].key);
			break;
		}
	}
}

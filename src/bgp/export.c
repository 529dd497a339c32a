/*
 * Export: once per event-loop pass (MRAI 0, RFC 4271 §9.2.1.1 with every
 * change of a pass batched), the prefixes whose best path changed go to
 * the kernel and to every established peer.
 *
 * For each peer the outgoing attributes are those of the best path with
 * our AS prepended, NEXT_HOP set to our address on the shared link, and
 * MED and LOCAL_PREF removed (§5.1.4, §5.1.5: neither crosses an AS
 * boundary).  A path is not sent back to the peer it came from, nor to a
 * peer whose AS is on it already (it would only be discarded there as a
 * loop).  Announcements sharing attributes are packed into as few UPDATEs
 * as fit in 4096 octets; withdrawals likewise.
 *
 * A path that cannot be sent as we would send it (our prepend makes its
 * AS_PATH too long, or its attributes no longer fit one UPDATE, RFC 4271
 * §9.2) is treated like one we may not send: a peer that has the prefix
 * from us gets a withdrawal, so it never keeps a path we no longer have.
 * The prefix counts as advertised only when an UPDATE will carry it.
 */
#include "bgp/speaker_int.h"
#include "bgp/aspath.h"
#include "bgp/fib.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int peer_out_push(struct bgp_peer *p, struct bgp_attrset *set,
			 const struct prefix4 *pfx)
{
	if (p->nout == p->capout) {
		size_t cap = p->capout ? p->capout * 2 : 64;
		struct bgp_out *v = realloc(p->out, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		p->out = v;
		p->capout = cap;
	}
	p->out[p->nout].set = set;
	p->out[p->nout].prefix = *pfx;
	p->nout++;
	return 0;
}

static bool export_allowed(const struct bgp_peer *p, const struct rib_path *best)
{
	const struct bgp_attrs *a;

	if (!best || best->peer == p->idx)
		return false;
	a = &best->attrs->attrs;
	return !aspath_contains(a->aspath, a->aspath_len, p->cfg.peer_as);
}

/* The attributes p gets for best, interned; NULL when they cannot be
 * built (a path too long to prepend to). */
static struct bgp_attrset *export_attrs(struct bgp_speaker *sp,
					const struct bgp_peer *p,
					const struct rib_path *best)
{
	struct bgp_attrs out = best->attrs->attrs;
	struct bgp_attrset *set;
	int n;

	n = aspath_prepend(out.aspath, out.aspath_len, sp->cfg.local_as,
			   sp->aspath_tmp, sizeof(sp->aspath_tmp));
	if (n < 0)
		return NULL;
	out.aspath = sp->aspath_tmp;
	out.aspath_len = (uint16_t)n;
	out.nexthop = p->cfg.local_addr;
	out.present |= BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP) |
		       BGP_ATTR_BIT(BGP_ATTR_ORIGIN) |
		       BGP_ATTR_BIT(BGP_ATTR_AS_PATH);
	out.present &= ~(BGP_ATTR_BIT(BGP_ATTR_MED) |
			 BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF));
	out.med = 0;
	out.local_pref = 0;
	out.mp_reach = out.mp_unreach = NULL;
	out.mp_reach_len = out.mp_unreach_len = 0;
	out.mp_nexthop = 0;
	if (rib_intern(sp->rib, &out, &set) < 0)
		return NULL;
	return set;
}

/*
 * Whether the attributes of set, with one prefix, fit one UPDATE for p.
 * Attributes well under the limit need no trial encoding: a 2-octet peer
 * gets at most 1.5 times AS_PATH (the narrowed path and AS4_PATH).
 */
static bool export_fits(const struct bgp_peer *p, const struct bgp_attrset *set)
{
	const struct bgp_attrs *a = &set->attrs;
	uint8_t msg[BGP_MAX_MSG];
	struct bgp_update_writer w;
	struct buf b;

	if ((size_t)a->aspath_len * 2 + a->communities_len + a->unknown_len +
	    64 < BGP_MAX_MSG / 2)
		return true;
	buf_init(&b, msg, sizeof(msg));
	bgp_upd_begin(&w, &b);
	return bgp_upd_attrs(&w, a, bgp_peer_as4(p)) == 0;
}

/* Decide what p must hear about e now, and queue it. */
static void export_to_peer(struct bgp_speaker *sp, struct bgp_peer *p,
			   struct rib_entry *e)
{
	struct prefix4 pfx = rib_entry_prefix(e);
	struct bgp_attrset *set = NULL;

	if (export_allowed(p, e->best)) {
		set = export_attrs(sp, p, e->best);
		if (!set || !export_fits(p, set)) {
			char buf[PREFIX4_STRLEN];

			bgp_log(sp, BGP_LOG_WARN, "peer %s: %s: attributes too "
				"large for one UPDATE after our prepend; %s",
				p->cfg.name, prefix4_str(&pfx, buf),
				rib_entry_adv_test(e, p->idx) ?
				"withdrawn instead" : "not sent");
			if (set)
				rib_attrset_unref(sp->rib, set);
			set = NULL;
		}
	}
	if (set) {
		if (peer_out_push(p, set, &pfx) < 0) {
			rib_attrset_unref(sp->rib, set);
			return;
		}
		if (!rib_entry_adv_test(e, p->idx))
			p->prefixes_tx++;
		rib_entry_adv_set(e, p->idx);
	} else if (rib_entry_adv_test(e, p->idx)) {
		if (peer_out_push(p, NULL, &pfx) < 0)
			return;
		rib_entry_adv_clear(e, p->idx);
		p->prefixes_tx--;
	}
}

static void export_fib(struct bgp_speaker *sp, struct rib_entry *e)
{
	struct prefix4 pfx = rib_entry_prefix(e);
	const struct rib_path *best = e->best;

	if (!sp->fib)
		return;
	if (best && best->peer != RIB_PEER_LOCAL)
		fib_route_replace(sp->fib, &pfx, best->attrs->attrs.nexthop);
	else
		fib_route_delete(sp->fib, &pfx);
}

static int export_entry(void *ctx, struct rib_entry *e)
{
	struct bgp_speaker *sp = ctx;
	size_t i;

	export_fib(sp, e);
	for (i = 0; i < sp->npeers; i++) {
		struct bgp_peer *p = sp->peers[i];

		/* A new session gets the whole table below instead. */
		if (bgp_peer_established(p) && !p->full_export)
			export_to_peer(sp, p, e);
	}
	return 0;
}

struct full_ctx {
	struct bgp_speaker *sp;
	struct bgp_peer *p;
};

static int export_full_entry(void *ctx, struct rib_entry *e)
{
	struct full_ctx *f = ctx;

	export_to_peer(f->sp, f->p, e);
	return 0;
}

static int out_cmp(const void *a, const void *b)
{
	const struct bgp_out *x = a, *y = b;
	uintptr_t sx = (uintptr_t)x->set, sy = (uintptr_t)y->set;

	if (sx != sy)
		return sx < sy ? -1 : 1;
	if (x->prefix.addr != y->prefix.addr)
		return x->prefix.addr < y->prefix.addr ? -1 : 1;
	return (int)x->prefix.len - (int)y->prefix.len;
}

static void emit(struct bgp_peer *p, struct bgp_update_writer *w,
		 uint8_t *msg)
{
	int len = bgp_upd_end(w);

	if (len > 0)
		bgp_peer_send_update(p, msg, (size_t)len);
}

/* Pack p's queued announcements and withdrawals into UPDATEs. */
static void export_emit(struct bgp_speaker *sp, struct bgp_peer *p)
{
	uint8_t msg[BGP_MAX_MSG];
	struct bgp_update_writer w;
	struct buf b;
	size_t i = 0, j;
	bool as4 = bgp_peer_as4(p);

	if (!p->nout)
		return;
	/* Withdrawals (set NULL) sort first, then one run per attribute set. */
	qsort(p->out, p->nout, sizeof(*p->out), out_cmp);
	while (i < p->nout && !p->out[i].set) {
		buf_init(&b, msg, sizeof(msg));
		bgp_upd_begin(&w, &b);
		for (j = i; j < p->nout && !p->out[j].set; j++)
			if (bgp_upd_withdraw(&w, &p->out[j].prefix) < 0)
				break;
		emit(p, &w, msg);
		i = j;
	}
	while (i < p->nout) {
		struct bgp_attrset *set = p->out[i].set;

		buf_init(&b, msg, sizeof(msg));
		bgp_upd_begin(&w, &b);
		if (bgp_upd_attrs(&w, &set->attrs, as4) < 0) {
			bgp_log(sp, BGP_LOG_WARN, "peer %s: attributes too large for "
				"one UPDATE; prefixes not sent", p->cfg.name);
			while (i < p->nout && p->out[i].set == set)
				i++;
			continue;
		}
		for (j = i; j < p->nout && p->out[j].set == set; j++)
			if (bgp_upd_nlri(&w, &p->out[j].prefix) < 0)
				break;
		emit(p, &w, msg);
		i = j;
	}
	for (i = 0; i < p->nout; i++)
		if (p->out[i].set)
			rib_attrset_unref(sp->rib, p->out[i].set);
	p->nout = 0;
	bgp_peer_flush(p);
}

void bgp_export_run(struct ev_loop *l, struct ev_defer *d, void *ctx)
{
	struct bgp_speaker *sp = ctx;
	size_t i;

	(void)l;
	(void)d;
	rib_drain(sp->rib, export_entry, sp);
	for (i = 0; i < sp->npeers; i++) {
		struct bgp_peer *p = sp->peers[i];
		struct full_ctx f = { sp, p };

		if (!bgp_peer_established(p))
			continue;
		if (p->full_export) {
			p->full_export = false;
			rib_walk(sp->rib, export_full_entry, &f);
		}
		export_emit(sp, p);
	}
	if (sp->fib)
		fib_commit(sp->fib);
}

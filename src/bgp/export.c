/*
 * Export: once per event-loop pass, the prefixes whose best path changed
 * go to the kernel and to every established peer.  With an MRAI on a
 * session (RFC 4271 §9.2.1.1) its announcements wait until the interval
 * since the last ones has passed, and then go out as the RIB has them
 * then; withdrawals are never held (as RFC 1771 had it and common
 * implementations do), so a withdrawal alone is as fast as without an
 * MRAI, and what slows down is the exploration of alternative paths:
 * path hunting.
 *
 * For each peer the outgoing attributes are those of the best path with
 * our AS prepended (more than once when the session's settings for our
 * shaped prefix, or a customer's action community, say so), NEXT_HOP set
 * to our address on the shared link, and MED and LOCAL_PREF removed
 * (§5.1.4, §5.1.5: neither crosses an AS boundary; the shaped prefix we
 * originate carries the session's MED and communities instead).  A path
 * is not sent back to the peer it came from, nor to a peer whose AS is on
 * it already (it would only be discarded there as a loop), nor where
 * policy holds it back (bgp/policy.h: relationships, well-known and
 * action communities, selective announcement).  Announcements sharing
 * attributes are packed into as few UPDATEs as fit in 4096 octets;
 * withdrawals likewise.
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

static bool is_shaped(const struct bgp_speaker *sp, const struct prefix4 *pfx)
{
	return sp->cfg.shaped.len && prefix4_eq(&sp->cfg.shaped, pfx);
}

enum bgp_hold bgp_export_hold(const struct bgp_speaker *sp,
			      const struct bgp_peer *p,
			      const struct rib_path *best,
			      const struct prefix4 *pfx, enum bgp_role *from,
			      struct bgp_route_src *src)
{
	const struct bgp_attrs *a = &best->attrs->attrs;
	const struct bgp_action *act;

	src->local = best->peer == RIB_PEER_LOCAL;
	src->from = src->local || !sp->by_idx[best->peer] ? BGP_ROLE_NONE
			: sp->by_idx[best->peer]->cfg.pol.role;
	bgp_attrs_comms(a, &src->comms);
	*from = src->from;
	if (best->peer == p->idx)
		return BGP_HOLD_SPLIT;
	if (aspath_contains(a->aspath, a->aspath_len, p->cfg.peer_as))
		return BGP_HOLD_LOOP;
	if (src->local && is_shaped(sp, pfx) && p->cfg.pol.shape.no_announce)
		return BGP_HOLD_SELECTIVE;
	return bgp_policy_export(&sp->cfg.policy, src, p->cfg.pol.role,
				 p->cfg.peer_as, &act);
}

/* Our AS n times in front of path, in sp->aspath_tmp; the new length,
 * or -1 when it would be too long. */
static int export_prepend(struct bgp_speaker *sp, const uint8_t *path,
			  size_t len, unsigned n, const uint8_t **out)
{
	unsigned i;
	int r = (int)len;

	*out = path;
	for (i = 0; i < n; i++) {
		uint8_t *dst = sp->aspath_tmp[i & 1];

		r = aspath_prepend(*out, (size_t)r, sp->cfg.local_as, dst,
				   sizeof(sp->aspath_tmp[0]));
		if (r < 0)
			return -1;
		*out = dst;
	}
	return r;
}

static void put32(uint8_t *q, uint32_t v)
{
	q[0] = (uint8_t)(v >> 24);
	q[1] = (uint8_t)(v >> 16);
	q[2] = (uint8_t)(v >> 8);
	q[3] = (uint8_t)v;
}

/* The session's communities on our own shaped announcement (which
 * carries none of its own). */
static void export_shape_comms(struct bgp_speaker *sp,
			       const struct bgp_shape *sh,
			       struct bgp_attrs *out)
{
	size_t i, ns = 0, nl = 0;

	for (i = 0; i < sh->ncomms && i < BGP_SHAPE_COMMS; i++) {
		const struct bgp_comm *c = &sh->comms[i];

		if (c->large) {
			uint8_t *q = sp->large_tmp + 3 + nl++ * 12;

			put32(q, c->a);
			put32(q + 4, c->b);
			put32(q + 8, c->c);
		} else {
			put32(sp->comm_tmp + ns++ * 4, bgp_comm_std(c));
		}
	}
	if (ns) {
		out->communities = sp->comm_tmp;
		out->communities_len = (uint16_t)(ns * 4);
		out->present |= BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES);
	}
	if (nl) {
		/* Optional transitive, in the passed-on block (attr.h). */
		sp->large_tmp[0] = BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE;
		sp->large_tmp[1] = BGP_ATTR_LARGE_COMMUNITY;
		sp->large_tmp[2] = (uint8_t)(nl * 12);
		out->unknown = sp->large_tmp;
		out->unknown_len = (uint16_t)(3 + nl * 12);
	}
}

/* The attributes p gets for best, interned; NULL when they cannot be
 * built (a path too long to prepend to). */
static struct bgp_attrset *export_attrs(struct bgp_speaker *sp,
					const struct bgp_peer *p,
					const struct rib_path *best,
					const struct prefix4 *pfx,
					const struct bgp_route_src *src)
{
	struct bgp_attrs out = best->attrs->attrs;
	const struct bgp_shape *sh = &p->cfg.pol.shape;
	const struct bgp_action *act;
	bool shaped = src->local && is_shaped(sp, pfx);
	struct bgp_attrset *set;
	unsigned n = 1;
	int len;

	n += shaped ? sh->prepend
		    : bgp_policy_prepend(&sp->cfg.policy, src, p->cfg.peer_as, &act);
	len = export_prepend(sp, out.aspath, out.aspath_len, n, &out.aspath);
	if (len < 0)
		return NULL;
	out.aspath_len = (uint16_t)len;
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
	if (shaped) {
		if (sh->med_given) {
			out.med = sh->med;
			out.present |= BGP_ATTR_BIT(BGP_ATTR_MED);
		}
		export_shape_comms(sp, sh, &out);
	}
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

static uint32_t next_rand(struct bgp_speaker *sp)
{
	uint64_t x = sp->rand_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	sp->rand_state = x;
	return (uint32_t)(x >> 32);
}

/* Hold pfx's announcement to p until the MRAI has passed. */
static void mrai_hold(struct bgp_speaker *sp, struct bgp_peer *p,
		      const struct prefix4 *pfx)
{
	uint64_t now = ev_now_ms();

	if (p->npend == p->cappend) {
		size_t cap = p->cappend ? p->cappend * 2 : 16;
		struct prefix4 *v = realloc(p->pend, cap * sizeof(*v));

		if (!v)
			return;
		p->pend = v;
		p->cappend = cap;
	}
	p->pend[p->npend++] = *pfx;
	if (!p->mrai_armed) {
		p->mrai_armed = true;
		ev_timer_arm(sp->ev, &p->mrai_timer,
			     p->mrai.until_ms > now ? p->mrai.until_ms - now : 0);
	}
}

/* Decide what p must hear about e now, and queue it; an announcement
 * waits while the MRAI is closed, unless it is being let out (open). */
static void export_to_peer(struct bgp_speaker *sp, struct bgp_peer *p,
			   struct rib_entry *e, bool open)
{
	struct prefix4 pfx = rib_entry_prefix(e);
	struct bgp_attrset *set = NULL;
	struct bgp_route_src src;
	enum bgp_role from;

	if (e->best && bgp_export_hold(sp, p, e->best, &pfx, &from, &src) ==
		       BGP_HOLD_NONE) {
		set = export_attrs(sp, p, e->best, &pfx, &src);
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
	if (set && !open && p->cfg.pol.mrai_ms &&
	    !bgp_mrai_open(&p->mrai, ev_now_ms())) {
		rib_attrset_unref(sp->rib, set);
		mrai_hold(sp, p, &pfx);
		return;
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
	if (best && best->peer != RIB_PEER_LOCAL && sp->cfg.multipath) {
		const struct rib_path *eq[FIB_MAX_NEXTHOPS];
		uint32_t nh[FIB_MAX_NEXTHOPS];
		size_t n = rib_entry_multipath(sp->rib, e, eq, FIB_MAX_NEXTHOPS), i;

		for (i = 0; i < n; i++)
			nh[i] = eq[i]->attrs->attrs.nexthop;
		fib_route_replace_multi(sp->fib, &pfx, nh, n);
	} else if (best && best->peer != RIB_PEER_LOCAL) {
		fib_route_replace(sp->fib, &pfx, best->attrs->attrs.nexthop);
	} else {
		fib_route_delete(sp->fib, &pfx);
	}
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
			export_to_peer(sp, p, e, false);
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

	export_to_peer(f->sp, f->p, e, false);
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
	size_t i = 0, j, announced = 0;
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
		p->withdrawn_tx += j - i;
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
		announced += j - i;
		i = j;
	}
	for (i = 0; i < p->nout; i++)
		if (p->out[i].set)
			rib_attrset_unref(sp->rib, p->out[i].set);
	p->nout = 0;
	p->announced_tx += announced;
	if (announced)
		bgp_mrai_sent(&p->mrai, ev_now_ms(), p->cfg.pol.mrai_ms,
			      next_rand(sp));
	bgp_peer_flush(p);
}

static int pfx_cmp(const void *a, const void *b)
{
	const struct prefix4 *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return (int)x->len - (int)y->len;
}

void bgp_export_mrai(struct ev_loop *l, struct ev_timer *t, void *ctx)
{
	struct bgp_peer *p = ctx;
	struct bgp_speaker *sp = p->sp;
	size_t i;

	(void)l;
	(void)t;
	p->mrai_armed = false;
	if (!bgp_peer_established(p)) {
		p->npend = 0;
		return;
	}
	qsort(p->pend, p->npend, sizeof(*p->pend), pfx_cmp);
	for (i = 0; i < p->npend; i++) {
		struct rib_entry *e;

		if (i && prefix4_eq(&p->pend[i], &p->pend[i - 1]))
			continue;
		e = rib_lookup(sp->rib, &p->pend[i]);
		if (e)
			export_to_peer(sp, p, e, true);
	}
	p->npend = 0;
	export_emit(sp, p);
}

void bgp_export_peer_reset(struct bgp_peer *p)
{
	ev_timer_stop(p->sp->ev, &p->mrai_timer);
	p->mrai_armed = false;
	p->mrai.until_ms = 0;
	p->npend = 0;
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
			p->shape_changed = false;
			rib_walk(sp->rib, export_full_entry, &f);
		}
		if (p->shape_changed) {
			struct rib_entry *e = rib_lookup(sp->rib, &sp->cfg.shaped);

			p->shape_changed = false;
			if (e)
				export_to_peer(sp, p, e, false);
		}
		export_emit(sp, p);
	}
	if (sp->fib)
		fib_commit(sp->fib);
}

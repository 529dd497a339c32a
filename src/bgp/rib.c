/*
 * Adj-RIBs-In and Loc-RIB (RFC 4271 §3.2, §9.1): per-prefix entries in a
 * PATRICIA tree and a hash table, per-peer path lists, the per-prefix rerun
 * of the decision process (§9.1.2) and the dirty queue feeding export.  See
 * rib.h for the entry lifetime rules.
 *
 * Import policy is §9.1.2's one mandatory rule: a path whose AS_PATH holds
 * our own AS is kept (so the Adj-RIB-In shows what the peer sent) but is
 * marked ineligible and never reaches the decision.  The caller may mark a
 * path ineligible for reasons only it can judge (an unresolvable next hop,
 * §9.1.2.1: rib_update_ineligible()).
 */
#include "bgp/rib.h"
#include "bgp/aspath.h"

#include <errno.h>
#include <stdlib.h>

#define HASH_MIN	64

struct rib {
	struct rib_conf conf;
	struct radix_tree tree;
	struct rib_entry **hash;	/* exact lookup, chained */
	size_t hmask;
	struct attrset_table sets;
	struct rib_peer peer[RIB_PEER_MAX + 1];
	struct rib_entry *qhead;
	struct rib_entry **qtail;
	size_t queued;
	size_t entries;
	size_t selected;
	size_t paths;
	size_t ineligible;
};

/* What the best path was before a change, to tell whether it moved. */
struct best_was {
	const struct bgp_attrset *attrs;	/* NULL: there was none */
	unsigned peer;
};

static struct rib_entry *entry_of(struct radix_node *n)
{
	return (struct rib_entry *)n;
}

static bool peer_ok(const struct rib *r, unsigned peer)
{
	return peer <= RIB_PEER_MAX && r->peer[peer].used;
}

static bool prefix_ok(const struct prefix4 *p)
{
	return p->len <= 32 && !(p->addr & ~prefix4_mask(p->len));
}

static size_t prefix_hash(uint32_t addr, unsigned len)
{
	uint64_t k = ((uint64_t)addr << 8 | len) * 0x9e3779b97f4a7c15ull;

	return (size_t)(k >> 29);
}

static struct rib_entry *hash_find(const struct rib *r,
				   const struct prefix4 *p)
{
	struct rib_entry *e = r->hash[prefix_hash(p->addr, p->len) & r->hmask];

	while (e && (e->node.addr != p->addr || e->node.len != p->len))
		e = e->hnext;
	return e;
}

/* Rehash into n buckets; on allocation failure keep the old table, which
 * still works, only with longer chains. */
static void hash_resize(struct rib *r, size_t n)
{
	struct rib_entry **nb = calloc(n, sizeof(*nb)), *e, *next;
	size_t i, h;

	if (!nb)
		return;
	for (i = 0; i <= r->hmask; i++) {
		for (e = r->hash[i]; e; e = next) {
			next = e->hnext;
			h = prefix_hash(e->node.addr, e->node.len) & (n - 1);
			e->hnext = nb[h];
			nb[h] = e;
		}
	}
	free(r->hash);
	r->hash = nb;
	r->hmask = n - 1;
}

static void hash_add(struct rib *r, struct rib_entry *e)
{
	size_t h = prefix_hash(e->node.addr, e->node.len) & r->hmask;

	e->hnext = r->hash[h];
	r->hash[h] = e;
	if (r->entries > r->hmask + 1)
		hash_resize(r, (r->hmask + 1) * 2);
}

static void hash_del(struct rib *r, struct rib_entry *e)
{
	struct rib_entry **pp;

	pp = &r->hash[prefix_hash(e->node.addr, e->node.len) & r->hmask];
	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	if (r->hmask + 1 > HASH_MIN && r->entries < (r->hmask + 1) / 8)
		hash_resize(r, (r->hmask + 1) / 2);
}

int rib_new(const struct rib_conf *conf, struct rib **out)
{
	struct rib *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	r->hash = calloc(HASH_MIN, sizeof(*r->hash));
	r->hmask = HASH_MIN - 1;
	if (!r->hash || attrset_table_init(&r->sets) < 0) {
		free(r->hash);
		free(r);
		return -ENOMEM;
	}
	r->conf = *conf;
	radix_init(&r->tree);
	r->qtail = &r->qhead;
	r->peer[RIB_PEER_LOCAL].used = true;
	r->peer[RIB_PEER_LOCAL].conf.asn = conf->local_as;
	r->peer[RIB_PEER_LOCAL].conf.bgp_id = conf->bgp_id;
	*out = r;
	return 0;
}

static void entry_free_all(struct radix_node *n, void *ctx)
{
	struct rib *r = ctx;
	struct rib_entry *e = entry_of(n);
	struct rib_path *p, *next;

	for (p = e->paths; p; p = next) {
		next = p->next;
		attrset_unref(&r->sets, p->attrs);
		free(p);
	}
	free(e);
}

void rib_free(struct rib *r)
{
	if (!r)
		return;
	radix_clear(&r->tree, entry_free_all, r);
	attrset_table_fini(&r->sets);
	free(r->hash);
	free(r);
}

int rib_peer_add(struct rib *r, const struct rib_peer_conf *conf)
{
	unsigned i;

	for (i = 1; i <= RIB_PEER_MAX; i++) {
		if (!r->peer[i].used) {
			r->peer[i].conf = *conf;
			r->peer[i].used = true;
			return (int)i;
		}
	}
	return -ENOSPC;
}

const struct rib_peer *rib_peer(const struct rib *r, unsigned idx)
{
	return peer_ok(r, idx) ? &r->peer[idx] : NULL;
}

int rib_peer_set_bgp_id(struct rib *r, unsigned peer, uint32_t bgp_id)
{
	if (peer == RIB_PEER_LOCAL || !peer_ok(r, peer))
		return -ENOENT;
	if (r->peer[peer].paths)
		return -EBUSY;
	r->peer[peer].conf.bgp_id = bgp_id;
	return 0;
}

/* The decision inputs for p, as the decision process saw them. */
static void rib_path_cand(const struct rib *r, const struct rib_path *p,
			  struct bgp_cand *c)
{
	const struct bgp_attrset *s = p->attrs;
	const struct rib_peer_conf *pc = &r->peer[p->peer].conf;
	bool local = p->peer == RIB_PEER_LOCAL;
	bool has_lp = s->attrs.present & BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF);

	/* LOCAL_PREF from an external peer is discarded on receipt
	 * (§5.1.5, RFC 7606 §7.5); what a path holds is what import policy
	 * gave it. */
	c->local_pref = has_lp ? s->attrs.local_pref : BGP_DEFAULT_LOCAL_PREF;
	c->med_any_as = r->conf.always_compare_med;
	c->aspath_len = s->aspath_count;
	c->med = s->attrs.med;
	/* An empty path (or one opening with an AS_SET) came from the
	 * speaker itself: its AS, or ours when it is an iBGP peer or us
	 * (§9.1.2.2 c, neighborAS()). */
	if (s->first_as)
		c->neighbor_as = s->first_as;
	else
		c->neighbor_as = pc->ebgp ? pc->asn : r->conf.local_as;
	c->bgp_id = pc->bgp_id;
	c->addr = pc->addr;
	c->origin = s->attrs.origin;
	c->ibgp = !local && !pc->ebgp;
	c->local = local;
	c->role = local ? 0 : pc->role;
}

static void enqueue(struct rib *r, struct rib_entry *e)
{
	if (e->flags & RIB_E_QUEUED)
		return;
	e->flags |= RIB_E_QUEUED;
	e->qnext = NULL;
	*r->qtail = e;
	r->qtail = &e->qnext;
	r->queued++;
}

static struct best_was best_was(const struct rib_entry *e)
{
	struct best_was w = { NULL, 0 };

	if (e->best) {
		w.attrs = e->best->attrs;
		w.peer = e->best->peer;
	}
	return w;
}

/*
 * Rerun the decision for e: fold bgp_decide_cmp() over the eligible paths
 * in peer order, then rank the winner against every other path so the step
 * recorded is the one that beat its closest competitor.
 */
static void entry_decide(struct rib *r, struct rib_entry *e,
			 struct best_was was)
{
	struct bgp_cand cand[RIB_PEER_MAX + 1];
	struct rib_path *path[RIB_PEER_MAX + 1], *p;
	enum bgp_decide_step step = BGP_DECIDE_NONE, s;
	size_t n = 0, i, b = 0;

	for (p = e->paths; p; p = p->next) {
		if (p->ineligible)
			continue;
		path[n] = p;
		rib_path_cand(r, p, &cand[n]);
		if (n && bgp_decide_cmp(&cand[n], &cand[b], NULL) < 0)
			b = n;
		n++;
	}
	if (n) {
		step = BGP_DECIDE_ONLY;
		for (i = 0; i < n; i++) {
			if (i == b)
				continue;
			bgp_decide_cmp(&cand[b], &cand[i], &s);
			if (s > step)
				step = s;
		}
	}
	if (e->best && !n)
		r->selected--;
	else if (!e->best && n)
		r->selected++;
	e->best = n ? path[b] : NULL;
	e->step = (uint8_t)step;
	if (r->conf.multipath ||
	    (!e->best ? was.attrs != NULL :
	     was.attrs != e->best->attrs || was.peer != e->best->peer))
		enqueue(r, e);
}

size_t rib_entry_multipath(const struct rib *r, const struct rib_entry *e,
			   const struct rib_path **out, size_t max)
{
	struct bgp_cand best, c;
	const struct rib_path *p;
	enum bgp_decide_step s;
	size_t n = 0;

	if (!e->best || !max)
		return 0;
	out[n++] = e->best;
	if (e->best->peer == RIB_PEER_LOCAL)
		return n;
	rib_path_cand(r, e->best, &best);
	for (p = e->paths; p && n < max; p = p->next) {
		if (p == e->best || p->ineligible || p->peer == RIB_PEER_LOCAL)
			continue;
		rib_path_cand(r, p, &c);
		bgp_decide_cmp(&best, &c, &s);
		if (s >= BGP_DECIDE_BGP_ID)
			out[n++] = p;
	}
	return n;
}

static bool entry_garbage(const struct rib_entry *e)
{
	return !e->paths && !e->adv &&
	       !(e->flags & (RIB_E_QUEUED | RIB_E_DRAINING));
}

bool rib_entry_gc(struct rib *r, struct rib_entry *e)
{
	if (!entry_garbage(e))
		return false;
	radix_delete(&r->tree, &e->node);
	r->entries--;
	hash_del(r, e);
	free(e);
	return true;
}

static int entry_get(struct rib *r, const struct prefix4 *p,
		     struct rib_entry **out)
{
	struct rib_entry *e = hash_find(r, p);
	int err;

	if (e) {
		*out = e;
		return 0;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->node.addr = p->addr;
	e->node.len = p->len;
	err = radix_insert(&r->tree, &e->node);
	if (err < 0) {
		free(e);
		return err;
	}
	r->entries++;
	hash_add(r, e);
	*out = e;
	return 0;
}

static enum rib_ineligible import_check(const struct rib *r, unsigned peer,
					const struct bgp_attrset *s,
					enum rib_ineligible why)
{
	if (why != RIB_ELIGIBLE)
		return why;
	if (peer != RIB_PEER_LOCAL && r->conf.local_as &&
	    aspath_contains(s->attrs.aspath, s->attrs.aspath_len,
			    r->conf.local_as))
		return RIB_INELIGIBLE_AS_LOOP;
	return RIB_ELIGIBLE;
}

static void count_ineligible(struct rib *r, struct rib_path *p, bool add)
{
	if (!p->ineligible)
		return;
	if (add) {
		r->ineligible++;
		r->peer[p->peer].ineligible++;
	} else {
		r->ineligible--;
		r->peer[p->peer].ineligible--;
	}
}

static int update(struct rib *r, unsigned peer, const struct prefix4 *p,
		  struct bgp_attrset *s, enum rib_ineligible why)
{
	struct rib_peer *pe = &r->peer[peer];
	struct rib_path **link, *path;
	struct bgp_attrset *old;
	struct rib_entry *e;
	struct best_was was;
	int err;

	if (!prefix_ok(p))
		return -EINVAL;
	err = entry_get(r, p, &e);
	if (err < 0)
		return err;
	for (link = &e->paths; *link && (*link)->peer < peer;
	     link = &(*link)->next)
		;
	was = best_was(e);
	path = *link;
	if (path && path->peer == peer) {
		if (path->attrs == s)
			return 0;
		old = path->attrs;
		count_ineligible(r, path, false);
		path->attrs = attrset_ref(s);
		path->ineligible = (uint8_t)import_check(r, peer, s, why);
		count_ineligible(r, path, true);
		entry_decide(r, e, was);
		/* Released only now, so a new set cannot reuse its address
		 * and pass for the old best. */
		attrset_unref(&r->sets, old);
		return 0;
	}
	path = malloc(sizeof(*path));
	if (!path) {
		rib_entry_gc(r, e);
		return -ENOMEM;
	}
	path->next = *link;
	*link = path;
	path->peer_next = pe->head;
	path->peer_pprev = &pe->head;
	if (pe->head)
		pe->head->peer_pprev = &path->peer_next;
	pe->head = path;
	path->entry = e;
	path->attrs = attrset_ref(s);
	path->peer = (uint8_t)peer;
	path->ineligible = (uint8_t)import_check(r, peer, s, why);
	count_ineligible(r, path, true);
	pe->paths++;
	r->paths++;
	entry_decide(r, e, was);
	return 0;
}

/* Unlink the path at *link from everything, rerun e's decision, free. */
static void path_remove(struct rib *r, struct rib_entry *e,
			struct rib_path **link)
{
	struct rib_path *path = *link;
	struct rib_peer *pe = &r->peer[path->peer];
	struct best_was was = best_was(e);

	*link = path->next;
	*path->peer_pprev = path->peer_next;
	if (path->peer_next)
		path->peer_next->peer_pprev = path->peer_pprev;
	count_ineligible(r, path, false);
	pe->paths--;
	r->paths--;
	/* e->best may still point at path: entry_decide() only replaces it. */
	entry_decide(r, e, was);
	attrset_unref(&r->sets, path->attrs);
	free(path);
	rib_entry_gc(r, e);
}

static int withdraw(struct rib *r, unsigned peer, const struct prefix4 *p)
{
	struct rib_entry *e;
	struct rib_path **link;

	if (!prefix_ok(p))
		return -EINVAL;
	e = hash_find(r, p);
	if (!e)
		return -ENOENT;
	for (link = &e->paths; *link; link = &(*link)->next) {
		if ((*link)->peer == peer) {
			path_remove(r, e, link);
			return 0;
		}
	}
	return -ENOENT;
}

int rib_intern(struct rib *r, const struct bgp_attrs *a,
	       struct bgp_attrset **out)
{
	return attrset_intern(&r->sets, a, out);
}

void rib_attrset_unref(struct rib *r, struct bgp_attrset *s)
{
	attrset_unref(&r->sets, s);
}

static int update_attrs(struct rib *r, unsigned peer,
			const struct prefix4 *p, const struct bgp_attrs *a)
{
	struct bgp_attrset *s;
	int err;

	if (!prefix_ok(p))
		return -EINVAL;
	err = attrset_intern(&r->sets, a, &s);
	if (err < 0)
		return err;
	err = update(r, peer, p, s, RIB_ELIGIBLE);
	attrset_unref(&r->sets, s);
	return err;
}

static int learned_peer_check(const struct rib *r, unsigned peer)
{
	if (peer == RIB_PEER_LOCAL)
		return -EINVAL;
	return peer_ok(r, peer) ? 0 : -ENOENT;
}

int rib_update(struct rib *r, unsigned peer, const struct prefix4 *p,
	       const struct bgp_attrs *a)
{
	int err = learned_peer_check(r, peer);

	return err < 0 ? err : update_attrs(r, peer, p, a);
}

int rib_update_set(struct rib *r, unsigned peer, const struct prefix4 *p,
		   struct bgp_attrset *s)
{
	int err = learned_peer_check(r, peer);

	return err < 0 ? err : update(r, peer, p, s, RIB_ELIGIBLE);
}

int rib_update_ineligible(struct rib *r, unsigned peer,
			  const struct prefix4 *p, struct bgp_attrset *s,
			  enum rib_ineligible why)
{
	int err = learned_peer_check(r, peer);

	return err < 0 ? err : update(r, peer, p, s, why);
}

int rib_withdraw(struct rib *r, unsigned peer, const struct prefix4 *p)
{
	int err = learned_peer_check(r, peer);

	return err < 0 ? err : withdraw(r, peer, p);
}

int rib_originate(struct rib *r, const struct prefix4 *p,
		  const struct bgp_attrs *a)
{
	return update_attrs(r, RIB_PEER_LOCAL, p, a);
}

int rib_unoriginate(struct rib *r, const struct prefix4 *p)
{
	return withdraw(r, RIB_PEER_LOCAL, p);
}

size_t rib_peer_flush(struct rib *r, unsigned peer)
{
	struct rib_path *path, **link;
	struct rib_entry *e;
	size_t n = 0;

	if (!peer_ok(r, peer))
		return 0;
	while ((path = r->peer[peer].head)) {
		e = path->entry;
		for (link = &e->paths; *link != path; link = &(*link)->next)
			;
		path_remove(r, e, link);
		n++;
	}
	return n;
}

struct rib_entry *rib_lookup(const struct rib *r, const struct prefix4 *p)
{
	return prefix_ok(p) ? hash_find(r, p) : NULL;
}

static bool has_best(const struct radix_node *n, void *ctx)
{
	return ((const struct rib_entry *)n)->best != NULL;
}

struct rib_entry *rib_match(const struct rib *r, uint32_t addr)
{
	struct radix_node *n = radix_match(&r->tree, addr, has_best, NULL);

	return n ? entry_of(n) : NULL;
}

struct rib_path *rib_entry_path(const struct rib_entry *e, unsigned peer)
{
	struct rib_path *p;

	for (p = e->paths; p && p->peer <= peer; p = p->next)
		if (p->peer == peer)
			return p;
	return NULL;
}

struct walk_ctx {
	rib_walk_fn fn;
	rib_path_fn path_fn;
	void *ctx;
	unsigned peer;
	struct rib *r;
};

static int walk_loc(struct radix_node *n, void *ctx)
{
	struct walk_ctx *w = ctx;
	struct rib_entry *e = entry_of(n);

	return e->best ? w->fn(w->ctx, e) : 0;
}

int rib_walk(struct rib *r, rib_walk_fn fn, void *ctx)
{
	struct walk_ctx w = { .fn = fn, .ctx = ctx };

	return radix_walk(&r->tree, walk_loc, &w);
}

static int walk_adj(struct radix_node *n, void *ctx)
{
	struct walk_ctx *w = ctx;
	struct rib_entry *e = entry_of(n);
	struct rib_path *p = rib_entry_path(e, w->peer);

	return p ? w->path_fn(w->ctx, e, p) : 0;
}

int rib_walk_adj_in(struct rib *r, unsigned peer, rib_path_fn fn,
		    void *ctx)
{
	struct walk_ctx w = { .path_fn = fn, .ctx = ctx, .peer = peer };

	if (!peer_ok(r, peer))
		return 0;
	return radix_walk(&r->tree, walk_adj, &w);
}

static int walk_adv_clear(struct radix_node *n, void *ctx)
{
	struct walk_ctx *w = ctx;
	struct rib_entry *e = entry_of(n);

	rib_entry_adv_clear(e, w->peer);
	rib_entry_gc(w->r, e);
	return 0;
}

void rib_peer_adv_clear(struct rib *r, unsigned peer)
{
	struct walk_ctx w = { .peer = peer, .r = r };

	radix_walk(&r->tree, walk_adv_clear, &w);
}

size_t rib_drain(struct rib *r, rib_drain_fn fn, void *ctx)
{
	struct rib_entry *e, *rest = r->qhead, **tail;
	size_t n = 0;
	int stop = 0;

	/* Detach the batch: what changes while it is handed out queues up
	 * behind it for the next drain. */
	r->qhead = NULL;
	r->qtail = &r->qhead;
	while (!stop && (e = rest)) {
		rest = e->qnext;
		e->qnext = NULL;
		e->flags = (uint8_t)((e->flags & ~RIB_E_QUEUED) |
				     RIB_E_DRAINING);
		r->queued--;
		stop = fn(ctx, e);
		e->flags &= (uint8_t)~RIB_E_DRAINING;
		n++;
		rib_entry_gc(r, e);
	}
	if (rest) {
		/* Stopped early: the undrained keep their place in front. */
		for (tail = &rest; *tail; tail = &(*tail)->qnext)
			;
		*tail = r->qhead;
		if (!r->qhead)
			r->qtail = tail;
		r->qhead = rest;
	}
	return n;
}

void rib_entry_explain(const struct rib *r, const struct rib_entry *e,
		       struct rib_explain *x)
{
	const struct rib_path *p;
	struct bgp_cand c;
	enum bgp_decide_step s;

	x->step = BGP_DECIDE_NONE;
	x->best = e->best;
	x->other = NULL;
	if (!e->best)
		return;
	x->step = BGP_DECIDE_ONLY;
	rib_path_cand(r, e->best, &x->best_cand);
	for (p = e->paths; p; p = p->next) {
		if (p == e->best || p->ineligible)
			continue;
		rib_path_cand(r, p, &c);
		bgp_decide_cmp(&x->best_cand, &c, &s);
		if (s > x->step) {
			x->step = s;
			x->other = p;
			x->other_cand = c;
		}
	}
}

const char *rib_ineligible_str(enum rib_ineligible why)
{
	switch (why) {
	case RIB_ELIGIBLE:		return "eligible";
	case RIB_INELIGIBLE_AS_LOOP:	return "AS path contains our AS";
	case RIB_INELIGIBLE_NH_MARTIAN:	return "next hop is a martian address";
	case RIB_INELIGIBLE_NH_OURS:	return "next hop is our own address";
	case RIB_INELIGIBLE_NH_OFF_LINK:
		return "next hop is not on the shared link";
	}
	return "unknown";
}

void rib_stats(const struct rib *r, struct rib_stats *st)
{
	st->prefixes = r->entries;
	st->selected = r->selected;
	st->paths = r->paths;
	st->ineligible = r->ineligible;
	st->attrsets = r->sets.count;
	st->queued = r->queued;
	st->mem = sizeof(*r) + (r->hmask + 1) * sizeof(*r->hash) +
		  r->entries * sizeof(struct rib_entry) +
		  r->paths * sizeof(struct rib_path) + radix_mem(&r->tree) +
		  attrset_table_mem(&r->sets);
}

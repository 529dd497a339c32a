/*
 * The catchment predictor (see predict.h): an asynchronous simulation of
 * BGP for the one anycast prefix, as in Griffin and Wilfong's model of
 * the Stable Paths Problem (T. Griffin, F. B. Shepherd, G. Wilfong, "The
 * stable paths problem and interdomain routing", 2002): a work queue of
 * routers; one whose Adj-RIB-In changed re-runs the decision process
 * (RFC 4271 §9.1) and sends its new best path, shaped by export policy,
 * to each neighbour.  Nothing else changes, so the queue runs dry exactly
 * when a stable outcome is reached.
 *
 * What each router does is its intent (topo/intent.h), read through the
 * rules of bgp/policy.h and bgp/decide.h:
 *
 *   origination  a POP's own path, first among its candidates (decide
 *                step 0); on each session as the intent says: not sent
 *                when announce is false, its AS 1 + prepend times, MED
 *                when given, the session's communities
 *   import       LOCAL_PREF by bgp_policy_import_lp(); a path holding
 *                the router's own AS is not eligible (§9.1.2)
 *   decision     bgp_decide_cmp() folded over the candidates in session
 *                order (the RIB's peer order), so MED's non-transitivity
 *                gives the routers' answer, not §9.1.2.2's elimination
 *   export       not back to the neighbour it came from, not to a
 *                neighbour whose AS is on the path, then
 *                bgp_policy_export(); our AS 1 + bgp_policy_prepend()
 *                times; no MED (it is non-transitive, §5.1.4);
 *                communities unchanged
 *
 * Each prediction runs twice, once with the routers queued in node order
 * and their UPDATEs sent in session order, once with both reversed.  A
 * run that needs more than its budget of activations has no stable
 * outcome (Gao-Rexford policies converge well within it); two runs that
 * settle differently mean the outcome depends on which UPDATE arrives
 * first.  One order that settles does not prove every order does: two
 * agreeing runs are reported as stable, which is the claim Gao and
 * Rexford's conditions guarantee for files that follow them.
 *
 * AS paths are interned segments (one router's AS, its copies, the rest
 * of the path), so a path is a pointer, equal paths are equal pointers,
 * and a run that oscillates reuses the segments it has made.
 */
#include "topo/predict.h"
#include "topo/intent.h"
#include "bgp/bgp.h"
#include "util/str.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BEST_NONE	(-1L)
#define BEST_LOCAL	(-2L)

/* Per router and session: the budget of activations before a run is
 * called unstable, and as many again to see who keeps changing. */
#define BUDGET_PER	32
#define BUDGET_MIN	256

struct seg {
	const struct seg *next;		/* toward the origin; NULL at it */
	const struct bgp_comms *comms;	/* the origin's, passed on unchanged */
	struct seg *hnext;
	size_t node;			/* the router that put its AS on */
	size_t link;			/* the link it sent the path over */
	size_t origin;			/* the POP at the end */
	uint32_t asn;
	uint32_t len;			/* AS path length with this segment */
	unsigned copies;		/* 1 + prepends */
};

#define SEG_CHUNK	1024

struct seg_chunk {
	struct seg_chunk *next;
	size_t used;
	struct seg v[SEG_CHUNK];
};

struct segs {
	struct seg **bucket;
	size_t mask;
	size_t count;
	struct seg_chunk *chunks;
};

/* What a neighbour last sent over a session. */
struct adv {
	const struct seg *path;		/* NULL: nothing */
	uint32_t med;
	bool med_given;
};

struct topo_predictor {
	const struct topo *t;
	struct topo_intent *in;		/* per node; users' stay empty */
	bool *router;
	size_t *soff;			/* node i's sessions: soff[i]..soff[i+1] */
	size_t nsess;
	const struct topo_intent_session **sess;
	size_t *rev;			/* session -> the same one, peer's end */
	uint32_t *bgp_id;
	struct bgp_comms *comms;	/* per session: what a POP attaches */
	uint8_t *wire;
	size_t *isp;			/* users: their ISP */
	size_t *user_link;		/* users: the link to it */
	size_t maxdeg;
	bool multipath;			/* some router has it */
};

/* One prediction's settings, what-ifs applied. */
struct scen {
	bool *up;			/* per node */
	bool *orig;			/* per node: originates the prefix */
	bool *announce;			/* per session */
	unsigned *copies;		/* per session: 1 + prepend */
};

struct run {
	struct adv *rx;			/* per session */
	long *best;			/* per node: a session, LOCAL, NONE */
	struct adv *held;		/* per node: the best's advertisement */
	size_t *queue;
	bool *queued;
	bool *moved;			/* best changed past the budget */
	size_t qhead, qlen;
	size_t activations;
	bool reverse;
	bool settled;
	int err;
};

/* The candidates of one decision. */
struct cands {
	struct bgp_cand *c;
	long *from;			/* a session or BEST_LOCAL */
	size_t n, b;
};

/* Segments. */

static size_t seg_hash(const struct seg *next, size_t node, size_t link,
		       unsigned copies, const struct bgp_comms *comms)
{
	uint64_t k = (uint64_t)(uintptr_t)next * 0x9e3779b97f4a7c15ull;

	k ^= ((uint64_t)node << 32 | link) * 0xc2b2ae3d27d4eb4full;
	k ^= (uint64_t)copies * 0x165667b19e3779f9ull;
	k ^= (uint64_t)(uintptr_t)comms * 0x27d4eb2f165667c5ull;
	return (size_t)(k ^ k >> 31);
}

static int segs_init(struct segs *s)
{
	memset(s, 0, sizeof(*s));
	s->bucket = calloc(256, sizeof(*s->bucket));
	s->mask = 255;
	return s->bucket ? 0 : -ENOMEM;
}

static void segs_fini(struct segs *s)
{
	struct seg_chunk *c, *next;

	for (c = s->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	free(s->bucket);
	memset(s, 0, sizeof(*s));
}

static void segs_grow(struct segs *s)
{
	size_t n = (s->mask + 1) * 2, i, h;
	struct seg **nb = calloc(n, sizeof(*nb)), *e, *next;

	/* A full table still works, with longer chains. */
	if (!nb)
		return;
	for (i = 0; i <= s->mask; i++) {
		for (e = s->bucket[i]; e; e = next) {
			next = e->hnext;
			h = seg_hash(e->next, e->node, e->link, e->copies,
				     e->comms) & (n - 1);
			e->hnext = nb[h];
			nb[h] = e;
		}
	}
	free(s->bucket);
	s->bucket = nb;
	s->mask = n - 1;
}

/* The one segment for these values; NULL when memory runs out. */
static const struct seg *seg_get(struct segs *s, const struct seg *next,
				 size_t node, size_t link, uint32_t asn,
				 unsigned copies, const struct bgp_comms *comms)
{
	size_t h = seg_hash(next, node, link, copies, comms) & s->mask;
	struct seg *e;

	for (e = s->bucket[h]; e; e = e->hnext)
		if (e->next == next && e->node == node && e->link == link &&
		    e->copies == copies && e->comms == comms)
			return e;
	if (!s->chunks || s->chunks->used == SEG_CHUNK) {
		struct seg_chunk *c = malloc(sizeof(*c));

		if (!c)
			return NULL;
		c->next = s->chunks;
		c->used = 0;
		s->chunks = c;
	}
	e = &s->chunks->v[s->chunks->used++];
	e->next = next;
	e->comms = comms;
	e->node = node;
	e->link = link;
	e->origin = next ? next->origin : node;
	e->asn = asn;
	e->copies = copies;
	e->len = (next ? next->len : 0) + copies;
	e->hnext = s->bucket[h];
	s->bucket[h] = e;
	if (++s->count > 2 * (s->mask + 1))
		segs_grow(s);
	return e;
}

static bool as_on_path(const struct seg *s, uint32_t asn)
{
	for (; s; s = s->next)
		if (s->asn == asn)
			return true;
	return false;
}

static bool adv_eq(const struct adv *a, const struct adv *b)
{
	return a->path == b->path && a->med_given == b->med_given &&
	       (!a->med_given || a->med == b->med);
}

/* The predictor. */

void topo_predictor_free(struct topo_predictor *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; p->in && i < p->t->nnodes; i++)
		topo_intent_free(&p->in[i]);
	free(p->in);
	free(p->router);
	free(p->soff);
	free(p->sess);
	free(p->rev);
	free(p->bgp_id);
	free(p->comms);
	free(p->wire);
	free(p->isp);
	free(p->user_link);
	free(p);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Session g's communities as a route carries them on the wire: standard
 * ones first, then large ones, into p->wire at *off. */
static void wire_comms(struct topo_predictor *p, size_t g, size_t *off)
{
	const struct topo_intent_session *s = p->sess[g];
	struct bgp_comms *c = &p->comms[g];
	uint8_t *std = p->wire + *off, *large;
	size_t i, nstd = 0, nlarge = 0;

	for (i = 0; i < s->ncomms; i++)
		if (!s->comms[i].large)
			put32(std + 4 * nstd++, bgp_comm_std(&s->comms[i]));
	large = std + 4 * nstd;
	for (i = 0; i < s->ncomms; i++) {
		if (!s->comms[i].large)
			continue;
		put32(large + 12 * nlarge, s->comms[i].a);
		put32(large + 12 * nlarge + 4, s->comms[i].b);
		put32(large + 12 * nlarge + 8, s->comms[i].c);
		nlarge++;
	}
	c->std = std;
	c->std_len = 4 * nstd;
	c->large = large;
	c->large_len = 12 * nlarge;
	*off += 4 * nstd + 12 * nlarge;
}

/*
 * Where the planner has numbered nothing yet (validation runs before it),
 * routers get its order as their BGP identifiers: it numbers them in node
 * order, so the decisions come out the same.
 */
static void number_routers(struct topo_predictor *p)
{
	const struct topo *t = p->t;
	uint32_t r = 0;
	size_t i;

	for (i = 0; i < t->nnodes; i++) {
		if (!p->router[i])
			continue;
		r++;
		p->bgp_id[i] = t->nodes[i].router_id ? t->nodes[i].router_id : r;
	}
}

/* Each user's ISP: the first ISP it links to, as the planner picks. */
static void find_isps(struct topo_predictor *p)
{
	const struct topo *t = p->t;
	size_t i, k;

	for (i = 0; i < t->nnodes; i++)
		p->isp[i] = p->user_link[i] = TOPO_NONE;
	for (k = 0; k < t->nlinks; k++) {
		const struct topo_link *l = &t->links[k];
		size_t e;

		for (e = 0; e < 2; e++) {
			size_t u = e ? l->b : l->a, v = e ? l->a : l->b;

			if (t->nodes[u].kind == TOPO_KIND_USER &&
			    t->nodes[v].kind == TOPO_KIND_ISP &&
			    p->isp[u] == TOPO_NONE) {
				p->isp[u] = v;
				p->user_link[u] = k;
			}
		}
	}
}

static int build_sessions(struct topo_predictor *p)
{
	const struct topo *t = p->t;
	size_t *end_a, *end_b, i, k, g = 0, off = 0, wire = 0;

	for (i = 0; i < t->nnodes; i++) {
		p->soff[i] = g;
		g += p->in[i].nsess;
		if (p->in[i].nsess > p->maxdeg)
			p->maxdeg = p->in[i].nsess;
		p->multipath |= p->router[i] && p->in[i].multipath;
	}
	p->soff[t->nnodes] = p->nsess = g;
	p->sess = calloc(g + 1, sizeof(*p->sess));
	p->rev = calloc(g + 1, sizeof(*p->rev));
	p->comms = calloc(g + 1, sizeof(*p->comms));
	end_a = calloc(t->nlinks + 1, sizeof(*end_a));
	end_b = calloc(t->nlinks + 1, sizeof(*end_b));
	if (!p->sess || !p->rev || !p->comms || !end_a || !end_b) {
		free(end_a);
		free(end_b);
		return -ENOMEM;
	}
	for (i = 0; i < t->nnodes; i++) {
		for (k = 0; k < p->in[i].nsess; k++) {
			const struct topo_intent_session *s = &p->in[i].sess[k];

			g = p->soff[i] + k;
			p->sess[g] = s;
			if (t->links[s->link].a == i)
				end_a[s->link] = g;
			else
				end_b[s->link] = g;
			wire += 12 * s->ncomms;
		}
	}
	for (g = 0; g < p->nsess; g++) {
		size_t l = p->sess[g]->link;

		p->rev[g] = end_a[l] == g ? end_b[l] : end_a[l];
	}
	free(end_a);
	free(end_b);
	p->wire = malloc(wire + 1);
	if (!p->wire)
		return -ENOMEM;
	for (g = 0; g < p->nsess; g++)
		wire_comms(p, g, &off);
	return 0;
}

int topo_predictor_new(const struct topo *t, struct topo_predictor **out)
{
	struct topo_predictor *p;
	size_t i;
	int err;

	*out = NULL;
	for (i = 0; i < t->nlinks; i++)
		if (t->links[i].a >= t->nnodes || t->links[i].b >= t->nnodes)
			return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->t = t;
	p->in = calloc(t->nnodes + 1, sizeof(*p->in));
	p->router = calloc(t->nnodes + 1, sizeof(*p->router));
	p->soff = calloc(t->nnodes + 1, sizeof(*p->soff));
	p->bgp_id = calloc(t->nnodes + 1, sizeof(*p->bgp_id));
	p->isp = calloc(t->nnodes + 1, sizeof(*p->isp));
	p->user_link = calloc(t->nnodes + 1, sizeof(*p->user_link));
	if (!p->in || !p->router || !p->soff || !p->bgp_id || !p->isp ||
	    !p->user_link) {
		err = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < t->nnodes; i++) {
		if (t->nodes[i].kind == TOPO_KIND_USER)
			continue;
		err = topo_intent_build(t, i, &p->in[i]);
		if (err < 0)
			goto fail;
		p->router[i] = true;
	}
	err = build_sessions(p);
	if (err < 0)
		goto fail;
	number_routers(p);
	find_isps(p);
	*out = p;
	return 0;
fail:
	topo_predictor_free(p);
	return err;
}

/* What-ifs. */

static void scen_free(struct scen *sc)
{
	free(sc->up);
	free(sc->orig);
	free(sc->announce);
	free(sc->copies);
}

/* The session of pop toward peer, or -1. */
static long session_to(const struct topo_predictor *p, size_t pop, size_t peer)
{
	size_t g;

	for (g = p->soff[pop]; g < p->soff[pop + 1]; g++)
		if (p->sess[g]->peer == peer)
			return (long)g;
	return -1;
}

static bool is_pop(const struct topo *t, size_t i)
{
	return i < t->nnodes && t->nodes[i].kind == TOPO_KIND_POP;
}

/* Check an origin what-if and return its sessions: [*lo, *hi). */
static int origin_sessions(const struct topo_predictor *p,
			   const struct topo_whatif_origin *o, size_t *lo,
			   size_t *hi)
{
	long g;

	if (!is_pop(p->t, o->pop))
		return -EINVAL;
	if (o->peer == TOPO_NONE) {
		*lo = p->soff[o->pop];
		*hi = p->soff[o->pop + 1];
		return 0;
	}
	g = session_to(p, o->pop, o->peer);
	if (g < 0)
		return -EINVAL;
	*lo = (size_t)g;
	*hi = (size_t)g + 1;
	return 0;
}

static int scen_build(const struct topo_predictor *p,
		      const struct topo_whatif *w, struct scen *sc)
{
	const struct topo *t = p->t;
	size_t i, g, lo, hi;

	memset(sc, 0, sizeof(*sc));
	sc->up = calloc(t->nnodes + 1, sizeof(*sc->up));
	sc->orig = calloc(t->nnodes + 1, sizeof(*sc->orig));
	sc->announce = calloc(p->nsess + 1, sizeof(*sc->announce));
	sc->copies = calloc(p->nsess + 1, sizeof(*sc->copies));
	if (!sc->up || !sc->orig || !sc->announce || !sc->copies)
		return -ENOMEM;
	for (i = 0; i < t->nnodes; i++) {
		sc->up[i] = p->router[i];
		sc->orig[i] = p->in[i].pop;
	}
	for (g = 0; g < p->nsess; g++) {
		sc->announce[g] = p->sess[g]->announce;
		sc->copies[g] = 1 + p->sess[g]->prepend;
	}
	if (!w)
		return 0;
	for (i = 0; i < w->ndown && i < TOPO_WHATIF_MAX; i++) {
		if (!is_pop(t, w->down[i]))
			return -EINVAL;
		sc->up[w->down[i]] = false;
	}
	for (i = 0; i < w->nprepend && i < TOPO_WHATIF_MAX; i++) {
		if (origin_sessions(p, &w->prepend[i], &lo, &hi) < 0 ||
		    w->prepend[i].prepend > BGP_PREPEND_MAX)
			return -EINVAL;
		for (g = lo; g < hi; g++)
			sc->copies[g] = 1 + w->prepend[i].prepend;
	}
	for (i = 0; i < w->nwithdraw && i < TOPO_WHATIF_MAX; i++) {
		if (origin_sessions(p, &w->withdraw[i], &lo, &hi) < 0)
			return -EINVAL;
		if (w->withdraw[i].peer == TOPO_NONE)
			sc->orig[w->withdraw[i].pop] = false;
		for (g = lo; g < hi; g++)
			sc->announce[g] = false;
	}
	return 0;
}

/* Decisions. */

/* Router i's candidates in session order, its own first (the RIB's peer
 * 0), folded as the RIB folds them: cs->b is the best. */
static void decide(const struct topo_predictor *p, const struct scen *sc,
		   const struct run *r, size_t i, struct cands *cs)
{
	const struct topo_intent *in = &p->in[i];
	size_t g;

	cs->n = cs->b = 0;
	if (sc->orig[i]) {
		struct bgp_cand *c = &cs->c[cs->n];

		memset(c, 0, sizeof(*c));
		c->local = true;
		c->local_pref = BGP_DEFAULT_LOCAL_PREF;
		c->neighbor_as = in->asn;
		c->bgp_id = p->bgp_id[i];
		c->origin = BGP_ORIGIN_IGP;
		c->med_any_as = in->always_compare_med;
		cs->from[cs->n++] = BEST_LOCAL;
	}
	for (g = p->soff[i]; g < p->soff[i + 1]; g++) {
		const struct topo_intent_session *s = p->sess[g];
		const struct adv *a = &r->rx[g];
		const struct bgp_action *act;
		struct bgp_cand *c = &cs->c[cs->n];

		if (!a->path || as_on_path(a->path, in->asn))
			continue;
		memset(c, 0, sizeof(*c));
		c->local_pref = bgp_policy_import_lp(&in->policy, s->role,
						     s->local_pref,
						     a->path->comms, &act);
		c->aspath_len = a->path->len;
		c->med = a->med_given ? a->med : 0;
		c->neighbor_as = a->path->asn;
		c->bgp_id = p->bgp_id[s->peer];
		c->addr = s->peer_addr;
		c->origin = BGP_ORIGIN_IGP;
		c->med_any_as = in->always_compare_med;
		if (cs->n && bgp_decide_cmp(c, &cs->c[cs->b], NULL) < 0)
			cs->b = cs->n;
		cs->from[cs->n++] = (long)g;
	}
}

/* What router i sends over session g, given its best. */
static struct adv export_to(const struct topo_predictor *p,
			    const struct scen *sc, struct run *r,
			    struct segs *segs, size_t i, size_t g)
{
	const struct topo_intent *in = &p->in[i];
	const struct topo_intent_session *s = p->sess[g];
	struct adv out = { NULL, 0, false };
	const struct bgp_action *act;
	struct bgp_route_src src;
	const struct seg *bp;
	long best = r->best[i];

	if (best == BEST_NONE)
		return out;
	if (best == BEST_LOCAL) {
		if (!sc->announce[g] || s->peer_as == in->asn)
			return out;
		out.path = seg_get(segs, NULL, i, s->link, in->asn,
				   sc->copies[g], &p->comms[g]);
		out.med_given = s->med_given;
		out.med = s->med;
	} else {
		bp = r->rx[best].path;
		if (p->sess[best]->peer == s->peer || as_on_path(bp, s->peer_as))
			return out;
		src.local = false;
		src.from = p->sess[best]->role;
		src.comms = *bp->comms;
		if (bgp_policy_export(&in->policy, &src, s->role, s->peer_as,
				      &act) != BGP_HOLD_NONE)
			return out;
		out.path = seg_get(segs, bp, i, s->link, in->asn,
				   1 + bgp_policy_prepend(&in->policy, &src,
							  s->peer_as, &act),
				   bp->comms);
	}
	if (!out.path)
		r->err = -ENOMEM;
	return out;
}

static void enqueue(const struct topo_predictor *p, struct run *r, size_t i)
{
	if (r->queued[i])
		return;
	r->queued[i] = true;
	r->queue[(r->qhead + r->qlen++) % (p->t->nnodes + 1)] = i;
}

/* Router i re-decides; when its best moved, it tells its neighbours. */
static void activate(const struct topo_predictor *p, const struct scen *sc,
		     struct run *r, struct segs *segs, struct cands *cs,
		     size_t i, bool watch)
{
	struct adv now = { NULL, 0, false };
	size_t n = p->soff[i + 1] - p->soff[i], k;
	long best;

	decide(p, sc, r, i, cs);
	best = cs->n ? cs->from[cs->b] : BEST_NONE;
	if (best >= 0)
		now = r->rx[best];
	if (best == r->best[i] && adv_eq(&now, &r->held[i]))
		return;
	r->best[i] = best;
	r->held[i] = now;
	if (watch)
		r->moved[i] = true;
	for (k = 0; k < n; k++) {
		size_t g = p->soff[i] + (r->reverse ? n - 1 - k : k);
		size_t peer = p->sess[g]->peer;
		struct adv a;

		if (!sc->up[peer])
			continue;
		a = export_to(p, sc, r, segs, i, g);
		if (adv_eq(&a, &r->rx[p->rev[g]]))
			continue;
		r->rx[p->rev[g]] = a;
		enqueue(p, r, peer);
	}
}

static void run_free(struct run *r)
{
	free(r->rx);
	free(r->best);
	free(r->held);
	free(r->queue);
	free(r->queued);
	free(r->moved);
}

static size_t budget_of(const struct topo_predictor *p)
{
	size_t routers = 0, i;

	for (i = 0; i < p->t->nnodes; i++)
		routers += p->router[i];
	return BUDGET_PER * (routers + p->nsess) + BUDGET_MIN;
}

/*
 * One run to the end of the queue, or to twice the budget: past the
 * budget it watches which routers still change their best path.  A run
 * that drains within the window was slow, not unstable.
 */
static int simulate(const struct topo_predictor *p, const struct scen *sc,
		    struct segs *segs, bool reverse, struct run *r)
{
	size_t n = p->t->nnodes, budget = budget_of(p), i, k;
	struct cands cs;

	memset(r, 0, sizeof(*r));
	r->reverse = reverse;
	r->rx = calloc(p->nsess + 1, sizeof(*r->rx));
	r->best = calloc(n + 1, sizeof(*r->best));
	r->held = calloc(n + 1, sizeof(*r->held));
	r->queue = calloc(n + 1, sizeof(*r->queue));
	r->queued = calloc(n + 1, sizeof(*r->queued));
	r->moved = calloc(n + 1, sizeof(*r->moved));
	cs.c = calloc(p->maxdeg + 1, sizeof(*cs.c));
	cs.from = calloc(p->maxdeg + 1, sizeof(*cs.from));
	if (!r->rx || !r->best || !r->held || !r->queue || !r->queued ||
	    !r->moved || !cs.c || !cs.from) {
		r->err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		r->best[i] = BEST_NONE;
		k = reverse ? n - 1 - i : i;
		if (sc->up[k])
			enqueue(p, r, k);
	}
	while (r->qlen && !r->err && r->activations < 2 * budget) {
		i = r->queue[r->qhead];
		r->qhead = (r->qhead + 1) % (n + 1);
		r->qlen--;
		r->queued[i] = false;
		activate(p, sc, r, segs, &cs, i, r->activations >= budget);
		r->activations++;
	}
	r->settled = !r->qlen;
out:
	free(cs.c);
	free(cs.from);
	return r->err;
}

/* Results. */

static int grow(void **v, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 64;
	void *nv;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	nv = realloc(*v, n * size);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = n;
	return 0;
}

#define GROW(r, arr, cap, need) \
	grow((void **)&(r)->arr, &(r)->cap, (need), sizeof(*(r)->arr))

void topo_predict_free(struct topo_predict *r)
{
	free(r->node);
	free(r->hop);
	free(r->link);
	free(r->as);
	free(r->pops);
	free(r->eq_from);
	free(r->eq_pop);
	memset(r, 0, sizeof(*r));
}

/* Record the path candidate `from` of router i as rt. */
static int route_fill(const struct topo_predictor *p, const struct run *run,
		      struct topo_predict *r, size_t i, long from,
		      const struct bgp_cand *c, struct topo_predict_route *rt)
{
	const struct seg *s;
	unsigned k;

	memset(rt, 0, sizeof(*rt));
	rt->valid = true;
	rt->cand = *c;
	rt->hop_off = r->nhop;
	rt->as_off = r->nas;
	if (from == BEST_LOCAL) {
		rt->from = TOPO_NONE;
		rt->pop = (long)i;
		return 0;
	}
	s = run->rx[from].path;
	rt->from = s->node;
	rt->pop = (long)s->origin;
	for (; s; s = s->next) {
		if (GROW(r, hop, caphop, r->nhop + 1) < 0 ||
		    GROW(r, link, caplink, r->nhop + 1) < 0 ||
		    GROW(r, as, capas, r->nas + s->copies) < 0)
			return -ENOMEM;
		r->hop[r->nhop] = s->node;
		r->link[r->nhop++] = s->link;
		for (k = 0; k < s->copies; k++)
			r->as[r->nas++] = s->asn;
		rt->nhops++;
		rt->nas += s->copies;
	}
	return 0;
}

/*
 * Router i's decision as the result shows it: the best, the step against
 * its closest competitor (as rib_entry_explain ranks them), and the
 * candidates equally good through MED (ties broken by router id or
 * address only).
 */
static int node_fill(const struct topo_predictor *p, const struct scen *sc,
		     const struct run *run, struct topo_predict *r,
		     struct cands *cs, size_t i)
{
	struct topo_predict_node *nd = &r->node[i];
	enum bgp_decide_step s;
	size_t k, rival = 0;
	int err;

	decide(p, sc, run, i, cs);
	nd->pop = -1;
	if (!cs->n)
		return 0;
	nd->route = true;
	nd->step = BGP_DECIDE_ONLY;
	nd->eq_off = r->neq;
	for (k = 0; k < cs->n; k++) {
		if (k != cs->b) {
			bgp_decide_cmp(&cs->c[cs->b], &cs->c[k], &s);
			if (s > nd->step) {
				nd->step = s;
				rival = k;
			}
			if (s <= BGP_DECIDE_MED)
				continue;
		}
		if (GROW(r, eq_from, capeq, r->neq + 1) < 0 ||
		    GROW(r, eq_pop, capeqpop, r->neq + 1) < 0)
			return -ENOMEM;
		if (cs->from[k] == BEST_LOCAL) {
			r->eq_from[r->neq] = TOPO_NONE;
			r->eq_pop[r->neq] = (long)i;
		} else {
			r->eq_from[r->neq] = run->rx[cs->from[k]].path->node;
			r->eq_pop[r->neq] = (long)run->rx[cs->from[k]].path->origin;
		}
		r->neq++;
		nd->neq++;
	}
	err = route_fill(p, run, r, i, cs->from[cs->b], &cs->c[cs->b], &nd->best);
	if (!err && nd->step > BGP_DECIDE_ONLY)
		err = route_fill(p, run, r, i, cs->from[rival], &cs->c[rival],
				 &nd->rival);
	nd->pop = nd->best.pop;
	return err;
}

/*
 * Whether router i's POP rests on a tie: its equally good candidates end
 * at different POPs, or one of them comes from a router that is tied
 * itself.  The candidates' senders are nearer the POPs (a shorter AS
 * path), so this ends; the state guards against a run that never settled.
 */
static bool tied(const struct topo_predict *r, unsigned char *state, size_t i)
{
	const struct topo_predict_node *nd = &r->node[i];
	bool t = false;
	size_t k;

	if (state[i] == 1)
		return false;
	if (state[i] > 1)
		return state[i] == 3;
	state[i] = 1;
	for (k = 0; k < nd->neq && !t; k++) {
		size_t e = nd->eq_off + k, from = r->eq_from[e];

		t = r->eq_pop[e] != r->eq_pop[nd->eq_off] ||
		    (from != TOPO_NONE && tied(r, state, from));
	}
	state[i] = t ? 3 : 2;
	return t;
}

/* The POPs router i's packets reach: at a multipath router over every
 * equally good candidate, elsewhere along the best. */
static void reach(const struct topo_predictor *p, const struct topo_predict *r,
		  size_t *seen, size_t stamp, bool *hit, size_t i)
{
	const struct topo_predict_node *nd = &r->node[i];
	size_t k;

	if (seen[i] == stamp || !nd->route)
		return;
	seen[i] = stamp;
	if (nd->best.from == TOPO_NONE) {
		hit[i] = true;
		return;
	}
	if (!p->in[i].multipath) {
		reach(p, r, seen, stamp, hit, nd->best.from);
		return;
	}
	for (k = 0; k < nd->neq; k++) {
		size_t from = r->eq_from[nd->eq_off + k];

		if (from == TOPO_NONE)
			hit[i] = true;
		else
			reach(p, r, seen, stamp, hit, from);
	}
}

static int pops_fill(const struct topo_predictor *p, struct topo_predict *r)
{
	size_t n = p->t->nnodes, i, k, *seen = calloc(n + 1, sizeof(*seen));
	bool *hit = calloc(n + 1, sizeof(*hit));
	int err = 0;

	if (!seen || !hit) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n && !err; i++) {
		struct topo_predict_node *nd = &r->node[i];

		if (!nd->route)
			continue;
		nd->pops_off = r->npops;
		if (!p->multipath) {
			err = GROW(r, pops, cappops, r->npops + 1);
			if (!err)
				r->pops[r->npops++] = nd->pop;
			nd->npops = 1;
			continue;
		}
		memset(hit, 0, n * sizeof(*hit));
		reach(p, r, seen, i + 1, hit, i);
		for (k = 0; k < n && !err; k++) {
			if (!hit[k])
				continue;
			err = GROW(r, pops, cappops, r->npops + 1);
			if (!err)
				r->pops[r->npops++] = (long)k;
			nd->npops++;
		}
		nd->ecmp = nd->npops > 1;
	}
out:
	free(seen);
	free(hit);
	return err;
}

/* A router's code as one run sees it. */
static void router_codes(const struct topo_predictor *p, struct topo_predict *r)
{
	size_t i;

	for (i = 0; i < p->t->nnodes; i++) {
		struct topo_predict_node *nd = &r->node[i];

		if (!p->router[i])
			continue;
		if (!nd->route)
			nd->catch = TOPO_CATCH_UNREACHABLE;
		else if (nd->ecmp)
			nd->catch = TOPO_CATCH_ECMP;
		else if (nd->tie)
			nd->catch = TOPO_CATCH_TIE;
		else
			nd->catch = nd->pop;
	}
}

/* Users take their ISP's. */
static void user_codes(const struct topo_predictor *p, struct topo_predict *r)
{
	size_t i;

	for (i = 0; i < p->t->nnodes; i++) {
		struct topo_predict_node *nd = &r->node[i];
		size_t isp = p->isp[i];

		if (p->router[i])
			continue;
		*nd = (struct topo_predict_node){ .isp = isp, .pop = -1,
			.catch = TOPO_CATCH_UNREACHABLE, .alt_pop = -1,
			.user_link = TOPO_NONE };
		if (isp == TOPO_NONE)
			continue;
		*nd = r->node[isp];
		nd->isp = isp;
		nd->user_link = p->user_link[i];
		nd->up = false;
		nd->neq = 0;
	}
}

static int collect(const struct topo_predictor *p, const struct scen *sc,
		   const struct run *run, struct topo_predict *r)
{
	size_t n = p->t->nnodes, i;
	unsigned char *state = calloc(n + 1, 1);
	struct cands cs;
	int err = 0;

	memset(r, 0, sizeof(*r));
	r->nnodes = n;
	r->node = calloc(n + 1, sizeof(*r->node));
	cs.c = calloc(p->maxdeg + 1, sizeof(*cs.c));
	cs.from = calloc(p->maxdeg + 1, sizeof(*cs.from));
	if (!r->node || !cs.c || !cs.from || !state) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct topo_predict_node *nd = &r->node[i];

		nd->isp = i;
		nd->user_link = TOPO_NONE;
		nd->pop = nd->alt_pop = -1;
		nd->up = sc->up[i];
		if (sc->up[i] && !err)
			err = node_fill(p, sc, run, r, &cs, i);
	}
	for (i = 0; i < n && !err; i++)
		if (r->node[i].route)
			r->node[i].tie = tied(r, state, i);
	if (!err)
		err = pops_fill(p, r);
out:
	free(cs.c);
	free(cs.from);
	free(state);
	return err;
}

int topo_predict_run(struct topo_predictor *p, const struct topo_whatif *w,
		     struct topo_predict *r)
{
	struct run fwd, rev;
	struct topo_predict other;
	struct segs segs;
	struct scen sc;
	size_t i;
	int err;

	memset(r, 0, sizeof(*r));
	memset(&sc, 0, sizeof(sc));
	memset(&other, 0, sizeof(other));
	memset(&fwd, 0, sizeof(fwd));
	memset(&rev, 0, sizeof(rev));
	err = segs_init(&segs);
	if (!err)
		err = scen_build(p, w, &sc);
	if (!err)
		err = simulate(p, &sc, &segs, false, &fwd);
	if (!err)
		err = simulate(p, &sc, &segs, true, &rev);
	if (!err)
		err = collect(p, &sc, &fwd, r);
	if (!err && fwd.settled && rev.settled)
		err = collect(p, &sc, &rev, &other);
	if (err)
		goto out;
	r->budget = budget_of(p);
	r->activations = fwd.activations;
	router_codes(p, r);
	if (!fwd.settled || !rev.settled) {
		r->outcome = TOPO_PREDICT_NO_STABLE;
		for (i = 0; i < p->t->nnodes; i++) {
			struct topo_predict_node *nd = &r->node[i];

			nd->flaps = (!fwd.settled && fwd.moved[i]) ||
				    (!rev.settled && rev.moved[i]);
			if (nd->flaps)
				nd->catch = TOPO_CATCH_UNSTABLE;
		}
	} else {
		router_codes(p, &other);
		/* Shared segments: the same path is the same pointer.  A
		 * router that settles on another path to the same POP keeps
		 * its code; the outcome still says it depends on timing. */
		for (i = 0; i < p->t->nnodes; i++) {
			struct topo_predict_node *nd = &r->node[i];

			if (fwd.best[i] == rev.best[i] &&
			    adv_eq(&fwd.held[i], &rev.held[i]))
				continue;
			r->outcome = TOPO_PREDICT_TIMING;
			nd->timing = true;
			nd->alt_pop = other.node[i].pop;
			if (nd->catch != other.node[i].catch)
				nd->catch = TOPO_CATCH_TIMING;
		}
	}
	user_codes(p, r);
out:
	if (err)
		topo_predict_free(r);
	topo_predict_free(&other);
	run_free(&fwd);
	run_free(&rev);
	scen_free(&sc);
	segs_fini(&segs);
	return err;
}

int topo_predict(const struct topo *t, const struct topo_whatif *w,
		 struct topo_predict *r)
{
	struct topo_predictor *p;
	int err = topo_predictor_new(t, &p);

	memset(r, 0, sizeof(*r));
	if (err)
		return err;
	err = topo_predict_run(p, w, r);
	topo_predictor_free(p);
	return err;
}

void topo_predict_links(const struct topo *t, const struct topo_predict *r,
			long *link_pop)
{
	size_t i, k;

	for (k = 0; k < t->nlinks; k++)
		link_pop[k] = -1;
	for (i = 0; i < t->nnodes && i < r->nnodes; i++) {
		const struct topo_predict_node *nd = &r->node[i], *isp;

		if (t->nodes[i].kind != TOPO_KIND_USER || nd->catch < 0)
			continue;
		isp = &r->node[nd->isp];
		if (link_pop[nd->user_link] < 0)
			link_pop[nd->user_link] = nd->catch;
		for (k = 0; k < isp->best.nhops; k++) {
			size_t l = r->link[isp->best.hop_off + k];

			if (link_pop[l] < 0)
				link_pop[l] = nd->catch;
		}
	}
}

int topo_predict_tie(const struct topo *t, const struct topo_predict *r,
		     size_t user, struct topo_tie *x)
{
	size_t n = r->nnodes, head = 0, tail = 0, i, k, *queue;
	bool *seen, *pop;
	int err = 0;

	if (user >= n || t->nodes[user].kind != TOPO_KIND_USER ||
	    r->node[user].catch != TOPO_CATCH_TIE ||
	    r->node[user].isp == TOPO_NONE)
		return -EINVAL;
	queue = calloc(n + 1, sizeof(*queue));
	seen = calloc(n + 1, sizeof(*seen));
	pop = calloc(n + 1, sizeof(*pop));
	if (!queue || !seen || !pop) {
		err = -ENOMEM;
		goto out;
	}
	memset(x, 0, sizeof(*x));
	x->isp = r->node[user].isp;
	x->hops = r->node[x->isp].best.cand.aspath_len;
	x->winner = r->node[x->isp].pop;
	x->decider = TOPO_NONE;
	/* Breadth first over the equally good paths: where they end are the
	 * tied POPs; the nearest router whose candidates end at different
	 * POPs is the one whose choice settles it. */
	queue[tail++] = x->isp;
	seen[x->isp] = true;
	while (head < tail) {
		const struct topo_predict_node *nd = &r->node[queue[head]];
		size_t u = queue[head++];
		bool split = false;

		for (k = 0; k < nd->neq; k++) {
			size_t e = nd->eq_off + k, from = r->eq_from[e];

			split |= r->eq_pop[e] != r->eq_pop[nd->eq_off];
			if (from == TOPO_NONE)
				pop[u] = true;
			else if (!seen[from]) {
				seen[from] = true;
				queue[tail++] = from;
			}
		}
		if (split && x->decider == TOPO_NONE) {
			x->decider = u;
			x->chosen = nd->best.from;
		}
	}
	if (x->decider == TOPO_NONE) {
		x->decider = x->isp;
		x->chosen = r->node[x->isp].best.from;
	}
	for (i = 0; i < n; i++) {
		if (!pop[i])
			continue;
		if (x->npops < TOPO_TIE_POPS)
			x->pops[x->npops] = (long)i;
		x->npops++;
	}
out:
	free(queue);
	free(seen);
	free(pop);
	return err;
}

/* What-ifs from the command line. */

static int say(char *msg, size_t cap, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int say(char *msg, size_t cap, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, cap, fmt, ap);
	va_end(ap);
	return err;
}

/* The node called name[0..len), or -1 after a sentence in msg. */
static long node_named(const struct topo *t, const char *name, size_t len,
		       char *msg, size_t cap)
{
	char buf[TOPO_NAME_MAX + 2];
	const char **names, *hint = NULL;
	long i;
	size_t k;

	if (!len) {
		say(msg, cap, 0, "a node name is missing");
		return -1;
	}
	snprintf(buf, sizeof(buf), "%.*s", (int)(len < sizeof(buf) - 1 ?
						  len : sizeof(buf) - 1), name);
	i = len < sizeof(buf) - 1 ? topo_node_find(t, buf) : -1;
	if (i >= 0)
		return i;
	names = calloc(t->nnodes + 1, sizeof(*names));
	if (names) {
		for (k = 0; k < t->nnodes; k++)
			names[k] = t->nodes[k].name;
		hint = str_suggest(buf, names, t->nnodes);
	}
	if (hint)
		say(msg, cap, 0, "lab '%s' has no node '%.*s' (did you mean '%s'?)",
		    t->name, (int)len, name, hint);
	else
		say(msg, cap, 0, "lab '%s' has no node '%.*s'", t->name,
		    (int)len, name);
	free(names);
	return -1;
}

static const char *a_kind(enum topo_kind k)
{
	return k == TOPO_KIND_ISP ? "an isp" : k == TOPO_KIND_USER ? "a user" :
	       "a pop";
}

static long pop_named(const struct topo *t, const char *name, size_t len,
		      char *msg, size_t cap)
{
	long i = node_named(t, name, len, msg, cap);

	if (i < 0)
		return -1;
	if (t->nodes[i].kind != TOPO_KIND_POP) {
		say(msg, cap, 0, "'%s' is %s, not a POP", t->nodes[i].name,
		    a_kind(t->nodes[i].kind));
		return -1;
	}
	return i;
}

/* The router peer of pop named name[0..len), or -1 after a sentence. */
static long peer_named(const struct topo *t, size_t pop, const char *name,
		       size_t len, char *msg, size_t cap)
{
	long i = node_named(t, name, len, msg, cap);
	size_t k, o = 0, shown = 0;
	char list[160] = "";

	if (i < 0)
		return -1;
	for (k = 0; k < t->nlinks; k++) {
		const struct topo_link *l = &t->links[k];
		size_t v;

		if (l->a != pop && l->b != pop)
			continue;
		v = topo_link_peer(l, pop);
		if (t->nodes[v].kind == TOPO_KIND_USER)
			continue;
		if ((long)v == i)
			return i;
		if (o < sizeof(list) - 20)
			o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s",
					      shown++ ? ", " : "", t->nodes[v].name);
	}
	say(msg, cap, 0, "'%s' is not a neighbour of %s%s%s%s", t->nodes[i].name,
	    t->nodes[pop].name, shown ? " (its neighbours: " : "", list,
	    shown ? ")" : "");
	return -1;
}

int topo_whatif_add(const struct topo *t, struct topo_whatif *w,
		    enum topo_whatif_kind k, const char *arg, char *msg,
		    size_t cap)
{
	const char *eq = strchr(arg, '='), *at = strchr(arg, '@');
	const char *end = arg + strlen(arg);
	struct topo_whatif_origin o = { 0, TOPO_NONE, 0 };
	size_t *n = k == TOPO_WHATIF_DOWN ? &w->ndown :
		    k == TOPO_WHATIF_PREPEND ? &w->nprepend : &w->nwithdraw;
	long pop, peer;

	msg[0] = '\0';
	if (*n >= TOPO_WHATIF_MAX)
		return say(msg, cap, -ENOSPC, "at most %d of these", TOPO_WHATIF_MAX);
	if (k == TOPO_WHATIF_DOWN) {
		pop = pop_named(t, arg, strlen(arg), msg, cap);
		if (pop < 0)
			return -EINVAL;
		w->down[w->ndown++] = (size_t)pop;
		return 0;
	}
	if (k == TOPO_WHATIF_PREPEND) {
		unsigned long v = 0;
		const char *d, *stop = at ? at : end;

		if (!eq || (at && at < eq))
			return say(msg, cap, -EINVAL, "write POP=N or POP=N@ISP, N extra copies of the POP's AS (0..%d)",
				   BGP_PREPEND_MAX);
		if (eq + 1 == stop)
			return say(msg, cap, -EINVAL, "the number of extra copies is missing: write POP=N, N in 0..%d",
				   BGP_PREPEND_MAX);
		for (d = eq + 1; d < stop; d++) {
			if (*d < '0' || *d > '9')
				return say(msg, cap, -EINVAL, "'%.*s' is not a number of extra copies: write POP=N, N in 0..%d",
					   (int)(stop - eq - 1), eq + 1, BGP_PREPEND_MAX);
			if (v <= BGP_PREPEND_MAX)
				v = v * 10 + (unsigned long)(*d - '0');
		}
		if (v > BGP_PREPEND_MAX)
			return say(msg, cap, -ERANGE, "prepend %.*s is out of range 0..%d",
				   (int)(stop - eq - 1), eq + 1, BGP_PREPEND_MAX);
		o.prepend = (unsigned)v;
		end = eq;
	} else if (eq) {
		return say(msg, cap, -EINVAL, "write POP or POP@ISP");
	}
	pop = pop_named(t, arg, (size_t)((at && at < end ? at : end) - arg),
			msg, cap);
	if (pop < 0)
		return -EINVAL;
	o.pop = (size_t)pop;
	if (at) {
		const char *pend = k == TOPO_WHATIF_PREPEND ? arg + strlen(arg) : end;

		peer = peer_named(t, o.pop, at + 1, (size_t)(pend - at - 1), msg, cap);
		if (peer < 0)
			return -EINVAL;
		o.peer = (size_t)peer;
	}
	if (k == TOPO_WHATIF_PREPEND)
		w->prepend[w->nprepend++] = o;
	else
		w->withdraw[w->nwithdraw++] = o;
	return 0;
}

bool topo_whatif_any(const struct topo_whatif *w)
{
	return w && (w->ndown || w->nprepend || w->nwithdraw);
}

void topo_whatif_format(const struct topo *t, const struct topo_whatif *w,
			struct buf *b)
{
	const char *sep = "";
	size_t i;

	if (!w)
		return;
	for (i = 0; i < w->ndown; i++, sep = ", ")
		buf_printf(b, "%s%s down", sep, t->nodes[w->down[i]].name);
	for (i = 0; i < w->nprepend; i++, sep = ", ") {
		const struct topo_whatif_origin *o = &w->prepend[i];

		buf_printf(b, "%s%s prepending %u", sep, t->nodes[o->pop].name,
			   o->prepend);
		if (o->peer != TOPO_NONE)
			buf_printf(b, " toward %s", t->nodes[o->peer].name);
	}
	for (i = 0; i < w->nwithdraw; i++, sep = ", ") {
		const struct topo_whatif_origin *o = &w->withdraw[i];

		buf_printf(b, "%s%s withdrawn", sep, t->nodes[o->pop].name);
		if (o->peer != TOPO_NONE)
			buf_printf(b, " from %s", t->nodes[o->peer].name);
	}
}

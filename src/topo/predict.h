/*
 * The catchment predictor: BGP for the anycast prefix, simulated over the
 * routers of a topology with the policy they apply, and where that leaves
 * every user.  Pure: no sockets, no clock, the same file always gives the
 * same answer.
 *
 * Every router is configured from its intent (topo/intent.h) and decides
 * with the same functions as the speaker: bgp/policy.h for import
 * LOCAL_PREF, export rules and action communities, bgp/decide.h folded
 * over the candidate paths in session order as the RIB folds it.  What it
 * cannot settle it names: a system with no stable outcome (the routers
 * would change their best paths forever, e.g. a dispute wheel built with
 * LOCAL_PREF actions) and one whose outcome depends on which UPDATE
 * arrives first (two orders of events settle differently).
 *
 * topo_catchment() and its friends in topo.h are this predictor seen the
 * old way: one code per node.
 */
#ifndef ANYCASTLAB_TOPO_PREDICT_H
#define ANYCASTLAB_TOPO_PREDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bgp/decide.h"
#include "topo/topo.h"
#include "util/buf.h"

/*
 * What-ifs: changes to the file for one prediction.  POPs down (the
 * router is not running), prepend overrides (extra copies of the POP's
 * AS on all its sessions, or on the one toward peer) and withdrawals (the
 * POP does not announce at all, or not to peer).  Later entries override
 * earlier ones for the same session.  A zeroed struct changes nothing.
 */
#define TOPO_WHATIF_MAX		32

struct topo_whatif_origin {
	size_t pop;
	size_t peer;			/* TOPO_NONE: every session */
	unsigned prepend;		/* prepend: extra copies */
};

struct topo_whatif {
	size_t down[TOPO_WHATIF_MAX];
	size_t ndown;
	struct topo_whatif_origin prepend[TOPO_WHATIF_MAX];
	size_t nprepend;
	struct topo_whatif_origin withdraw[TOPO_WHATIF_MAX];
	size_t nwithdraw;
};

enum topo_whatif_kind {
	TOPO_WHATIF_DOWN,		/* "POP" */
	TOPO_WHATIF_PREPEND,		/* "POP=N" or "POP=N@PEER" */
	TOPO_WHATIF_WITHDRAW,		/* "POP" or "POP@PEER" */
};

/*
 * Parse arg as a what-if of kind k and add it to w.  0; -EINVAL (not a
 * POP, no such node, not a neighbour, bad syntax), -ERANGE (a prepend
 * above BGP_PREPEND_MAX) or -ENOSPC (TOPO_WHATIF_MAX of that kind
 * already), with one sentence for a person in msg, e.g. "prepend 17 is
 * out of range 0..16".
 */
int topo_whatif_add(const struct topo *t, struct topo_whatif *w,
		    enum topo_whatif_kind k, const char *arg, char *msg,
		    size_t cap);
bool topo_whatif_any(const struct topo_whatif *w);
/* "syd down, lax prepending 2 toward comcast, fra withdrawn from dtag"
 * (errors latch in b). */
void topo_whatif_format(const struct topo *t, const struct topo_whatif *w,
			struct buf *b);

/* How the simulation ended. */
enum topo_predict_outcome {
	TOPO_PREDICT_STABLE,		/* one stable outcome */
	TOPO_PREDICT_NO_STABLE,		/* the activation budget ran out: the
					 * routers never settle */
	TOPO_PREDICT_TIMING,		/* settled, but another order of
					 * UPDATEs settles elsewhere */
};

/* A catchment code beyond topo.h's: a user whose ISP forwards over
 * several equally good paths (multipath) to more than one POP. */
#define TOPO_CATCH_ECMP		(-3L)
/* Its ISP's best path never settles (TOPO_PREDICT_NO_STABLE). */
#define TOPO_CATCH_UNSTABLE	(-4L)
/* Its POP depends on which UPDATE arrives first (TOPO_PREDICT_TIMING). */
#define TOPO_CATCH_TIMING	(-5L)

/* One path as a router holds it. */
struct topo_predict_route {
	bool valid;
	size_t from;			/* the neighbour that sent it; TOPO_NONE
					 * for the router's own origination */
	long pop;			/* where it ends */
	struct bgp_cand cand;		/* as the decision process saw it */
	/* The routers from `from` to the POP (hop[]), the links from this
	 * router onward (link[], same count), and the AS path as received,
	 * prepends included (as[]): windows into struct topo_predict. */
	size_t hop_off, nhops;
	size_t as_off, nas;
};

struct topo_predict_node {
	/* topo_catchment's code: a POP index or a TOPO_CATCH_* */
	long catch;
	/* Routers: the origin of the best path; users: their ISP's; -1 when
	 * there is none. */
	long pop;
	size_t isp;			/* users: their ISP (TOPO_NONE: none);
					 * routers: themselves */
	size_t user_link;		/* users: the link to their ISP */
	bool up;			/* routers: running (not --down) */
	bool route;			/* a best path for the prefix */
	/* Router id or peer address decides between equally good paths to
	 * different POPs, here or further along the path. */
	bool tie;
	bool ecmp;			/* multipath spreads over > 1 POP */
	bool flaps;			/* NO_STABLE: its best never settles */
	bool timing;			/* TIMING: settles elsewhere another time */
	long alt_pop;			/* TIMING: the POP of the other order */
	/* Why the best won: the step against the closest competitor. */
	enum bgp_decide_step step;
	struct topo_predict_route best, rival;
	/* The POPs its traffic reaches (pops[], node order): the best's,
	 * or the ECMP set's. */
	size_t pops_off, npops;
	/* The equally good candidates (through MED and AS path length):
	 * who sent each (TOPO_NONE: its own) and where it ends (eq_from[],
	 * eq_pop[]), in session order, the best among them. */
	size_t eq_off, neq;
};

struct topo_predict {
	enum topo_predict_outcome outcome;
	size_t activations;		/* router decisions in the order reported */
	size_t budget;			/* after which NO_STABLE */
	size_t nnodes;
	struct topo_predict_node *node;	/* one per t->nodes */
	size_t *hop, *link;
	uint32_t *as;
	long *pops;
	size_t *eq_from;
	long *eq_pop;
	size_t nhop, nas, npops, neq;	/* used */
	size_t caphop, caplink, capas, cappops, capeq, capeqpop;
};

/*
 * A predictor for t: every router's intent and the session graph, built
 * once for any number of predictions.  t must stay as it is meanwhile.
 * 0, -EINVAL when a link end is unresolved, -ENOMEM.
 */
struct topo_predictor;
int topo_predictor_new(const struct topo *t, struct topo_predictor **out);
void topo_predictor_free(struct topo_predictor *p);
/*
 * Predict with what-ifs w (NULL: none) into *r (free it with
 * topo_predict_free).  0, -EINVAL when w names a node that is not a POP
 * or a peer that is not its neighbour, -ENOMEM.
 */
int topo_predict_run(struct topo_predictor *p, const struct topo_whatif *w,
		     struct topo_predict *r);
/* The same in one call. */
int topo_predict(const struct topo *t, const struct topo_whatif *w,
		 struct topo_predict *r);
void topo_predict_free(struct topo_predict *r);

/*
 * link_pop (t->nlinks entries) gets, for every link a user's traffic
 * crosses on the way to its POP, that POP (the first user's, where
 * several cross), -1 elsewhere.  Users with no single POP cross nothing.
 */
void topo_predict_links(const struct topo *t, const struct topo_predict *r,
			long *link_pop);
/*
 * Explain user's TOPO_CATCH_TIE in r (see struct topo_tie).  0, -EINVAL
 * when the user is not tied there.
 */
int topo_predict_tie(const struct topo *t, const struct topo_predict *r,
		     size_t user, struct topo_tie *x);

/*
 * What `check` prints after the plan: the catchment table of world.yaml's
 * header (each user's POP, and for every POP the POP that answers while
 * it is down) under the what-ifs w (NULL: none), then for a file with
 * routing policy or what-ifs each user's path and, by name, what has no
 * stable outcome or depends on timing; then the ties explained.  A file
 * without either prints exactly what topo_print_catchment always did.
 */
void topo_print_prediction(const struct topo *t, const struct topo_whatif *w,
			   FILE *f);

#endif

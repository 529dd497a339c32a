/*
 * The BGP decision process (RFC 4271 §9.1.2): a total order over the
 * candidate paths for one prefix, and the step that settled it.
 *
 * A candidate is a flat record of the values the steps look at, already
 * adjusted by import policy (the effective LOCAL_PREF, a missing MED as 0),
 * so the comparison needs neither the RIB nor the attribute set.  decide.c
 * lists the steps and where we depart from the RFC.
 */
#ifndef ANYCASTLAB_BGP_DECIDE_H
#define ANYCASTLAB_BGP_DECIDE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/buf.h"

/* LOCAL_PREF given to a path that carries none or comes over eBGP. */
#define BGP_DEFAULT_LOCAL_PREF	100

/*
 * Why the best path won, in decision order: the step at which it beat its
 * closest competitor.  A later step means a closer race.
 */
enum bgp_decide_step {
	BGP_DECIDE_NONE = 0,	/* no eligible path: nothing won */
	BGP_DECIDE_ONLY,	/* the only eligible path */
	BGP_DECIDE_LOCAL,	/* (0) locally originated over learned */
	BGP_DECIDE_LOCAL_PREF,	/* (a) highest LOCAL_PREF */
	BGP_DECIDE_ASPATH,	/* (b) shortest AS_PATH */
	BGP_DECIDE_ORIGIN,	/* (c) lowest ORIGIN */
	BGP_DECIDE_MED,		/* (d) lowest MED, same neighbour AS */
	BGP_DECIDE_EBGP,	/* (e) eBGP over iBGP */
	BGP_DECIDE_BGP_ID,	/* (f) lowest BGP identifier */
	BGP_DECIDE_ADDR,	/* (g) lowest peer address */
	BGP_DECIDE_EQUAL,	/* no step tells them apart */
};

struct bgp_cand {
	uint32_t local_pref;	/* effective degree of preference */
	uint32_t aspath_len;	/* aspath_count(): an AS_SET counts 1 */
	uint32_t med;		/* 0 when the path carries none */
	uint32_t neighbor_as;	/* the AS the path was learned from */
	uint32_t bgp_id;	/* of the advertising speaker (ours if local) */
	uint32_t addr;		/* peer address, host order; 0 if local */
	uint8_t origin;		/* enum bgp_origin */
	bool ibgp;		/* learned over iBGP */
	bool local;		/* originated by this speaker */
	/* always-compare-med: MED decides between paths from different
	 * neighbour ASes too.  A router's setting: the same on all its
	 * candidates. */
	bool med_any_as;
	/* enum bgp_role of the neighbour it came from (0: none, or local),
	 * for explanations only: no step looks at it. */
	uint8_t role;
};

/*
 * < 0 when a is better, > 0 when b is, 0 when no step separates them.
 * *step (if step is not NULL) is the step that decided, BGP_DECIDE_EQUAL
 * for 0.  Swapping a and b flips the sign and keeps the step.
 */
int bgp_decide_cmp(const struct bgp_cand *a, const struct bgp_cand *b,
		   enum bgp_decide_step *step);

/* "shortest AS path", "lowest MED", ...; never NULL. */
const char *bgp_decide_step_str(enum bgp_decide_step step);

/*
 * The reason with the values that decided it, e.g. "shortest AS path
 * (1 < 2)" for best vs. its closest competitor other (ignored for NONE and
 * ONLY, may then be NULL).  Errors latch in b.
 */
void bgp_decide_format(struct buf *b, enum bgp_decide_step step,
		       const struct bgp_cand *best,
		       const struct bgp_cand *other);

#endif

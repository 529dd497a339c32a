/*
 * The routing information bases (RFC 4271 §3.2, §9): one Adj-RIB-In per
 * peer and the Loc-RIB, for IPv4 unicast.
 *
 * One entry per prefix sits in a PATRICIA tree (radix.h), for ordered
 * walks and longest-prefix match, and in a hash table, for the exact
 * lookups every UPDATE needs (one or two cache misses instead of one per
 * tree level).  The entry holds the paths received for the prefix, at most
 * one per peer, each pointing to an interned attribute set (attrset.h),
 * and the path the decision process (decide.h) picked.  Each peer also
 * threads its own paths on a list, so forgetting a peer costs O(its
 * paths), not O(table).
 *
 * Peers are small integers: 0 is this speaker (locally originated paths),
 * 1..RIB_PEER_MAX are registered with rib_peer_add().
 *
 * After every change to a prefix the decision process runs for that prefix
 * alone.  When its best path changes (appears, disappears, moves to another
 * peer or to other attributes) the entry joins the dirty queue, once, in
 * FIFO order; the event loop drains the queue once per pass with
 * rib_drain() to send UPDATEs and program the kernel.
 *
 * Entry lifetime.  An entry is freed by the RIB alone, when it holds no
 * path, is advertised to nobody (adv == 0) and is neither queued nor being
 * drained.  That is checked
 *   - at the end of rib_withdraw(), rib_unoriginate(), rib_peer_flush() and
 *     a failed rib_update(), for the entries they touched;
 *   - by rib_drain() after its callback returns, for that entry;
 *   - by rib_peer_adv_clear(), for every entry;
 *   - by rib_entry_gc(), which the caller uses after clearing adv bits
 *     anywhere other than inside a rib_drain() callback (there the drain
 *     does it).
 * A queued entry is never freed, so the queue never holds a freed entry,
 * and the entry a drain callback receives stays valid until it returns.
 *
 * Callbacks: a rib_walk() callback may set or clear adv bits and call
 * rib_entry_gc() on the entry it is given, and intern or release attribute
 * sets; it must not add or remove paths (the tree is being walked).  A
 * rib_drain() callback may do anything but drain.
 *
 * Library code: returns 0 or -errno, never logs.
 */
#ifndef ANYCASTLAB_BGP_RIB_H
#define ANYCASTLAB_BGP_RIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp/attr.h"
#include "bgp/attrset.h"
#include "bgp/decide.h"
#include "bgp/radix.h"
#include "util/ip.h"

#define RIB_PEER_LOCAL	0	/* paths this speaker originates */
#define RIB_PEER_MAX	64	/* learned-from peers: 1..RIB_PEER_MAX */

/* Why a path kept in an Adj-RIB-In takes no part in the decision. */
enum rib_ineligible {
	RIB_ELIGIBLE = 0,
	RIB_INELIGIBLE_AS_LOOP,	/* our AS is in its AS_PATH (§9.1.2) */
	/* Unresolvable next hop (§5.1.3, §9.1.2.1; bgp/nexthop.h): */
	RIB_INELIGIBLE_NH_MARTIAN,	/* 0/8, 127/8, 224/4, 240/4 */
	RIB_INELIGIBLE_NH_OURS,		/* our own address on the link */
	RIB_INELIGIBLE_NH_OFF_LINK,	/* not on the shared link */
};

struct rib_entry;

/* One peer's path for one prefix.  Read-only outside rib.c. */
struct rib_path {
	struct rib_path *next;		/* the prefix's paths, by peer index */
	struct rib_path *peer_next;	/* the peer's paths, any order */
	struct rib_path **peer_pprev;
	struct rib_entry *entry;
	struct bgp_attrset *attrs;
	uint8_t peer;
	uint8_t ineligible;		/* enum rib_ineligible */
};

#define RIB_E_QUEUED	0x01		/* on the dirty queue */
#define RIB_E_DRAINING	0x02		/* in a rib_drain() callback */

/*
 * One prefix.  Read-only outside rib.c, except adv, which belongs to the
 * export side (set and clear it with rib_entry_adv_*()).
 */
struct rib_entry {
	struct radix_node node;		/* the prefix; must stay first */
	struct rib_entry *hnext;	/* hash chain */
	struct rib_path *paths;
	struct rib_path *best;		/* NULL: no eligible path */
	struct rib_entry *qnext;	/* dirty queue */
	uint64_t adv;			/* peers it is advertised to */
	uint8_t step;			/* enum bgp_decide_step for best */
	uint8_t flags;			/* RIB_E_* */
};

struct rib_conf {
	uint32_t local_as;		/* for the loop check; 0: none */
	uint32_t bgp_id;		/* ours, host order */
	bool always_compare_med;	/* MED across neighbour ASes too */
	/* Every change to a prefix's paths queues it, not only a change of
	 * best path: the equal-cost set (rib_entry_multipath) may change
	 * while the best stays. */
	bool multipath;
};

struct rib_peer_conf {
	uint32_t asn;
	uint32_t bgp_id;		/* host order */
	uint32_t addr;			/* host order */
	bool ebgp;
	uint8_t role;			/* enum bgp_role, for explanations */
};

/* A registered peer: its facts and its Adj-RIB-In counters. */
struct rib_peer {
	struct rib_peer_conf conf;
	bool used;
	size_t paths;			/* paths held from it */
	size_t ineligible;		/* of which not in the decision */
	struct rib_path *head;		/* its paths */
};

struct rib_stats {
	size_t prefixes;		/* entries in the tree */
	size_t selected;		/* with a best path: the Loc-RIB */
	size_t paths;			/* all Adj-RIBs-In together */
	size_t ineligible;
	size_t attrsets;
	size_t queued;
	size_t mem;			/* bytes asked of malloc, estimated */
};

/* The best path, its closest competitor, and the step between them. */
struct rib_explain {
	enum bgp_decide_step step;
	const struct rib_path *best;	/* NULL: no eligible path */
	const struct rib_path *other;	/* NULL: no other eligible path */
	struct bgp_cand best_cand;
	struct bgp_cand other_cand;
};

struct rib;

/*
 * The best path and the paths equal to it through every step of the
 * decision before the BGP identifier (RFC 4271 §9.1.2.2 f): learned
 * paths of the same LOCAL_PREF, AS path length, origin, MED and kind of
 * session, whatever their neighbour AS.  At most max of them into out,
 * the best first; how many.  0 when there is no best path; 1 when the
 * best is locally originated or has no equal.
 */
size_t rib_entry_multipath(const struct rib *r, const struct rib_entry *e,
			   const struct rib_path **out, size_t max);

int rib_new(const struct rib_conf *conf, struct rib **out);
void rib_free(struct rib *r);

/* Register a peer; returns its index (1..RIB_PEER_MAX) or -ENOSPC.
 * Peers stay registered for the life of the RIB. */
int rib_peer_add(struct rib *r, const struct rib_peer_conf *conf);
/* NULL unless idx is RIB_PEER_LOCAL or registered. */
const struct rib_peer *rib_peer(const struct rib *r, unsigned idx);
/*
 * The peer's BGP Identifier, learnt from its OPEN when the session comes
 * up: the decision process ranks equal paths by it (RFC 4271 9.1.2.2 f).
 * Before the peer's first path only, so no decision already taken rests
 * on the old value: 0, -ENOENT (not registered) or -EBUSY (holds paths).
 */
int rib_peer_set_bgp_id(struct rib *r, unsigned peer, uint32_t bgp_id);

/*
 * Insert or replace peer's path for p (host bits zero).  Returns 0,
 * -EINVAL (bad prefix, or peer is RIB_PEER_LOCAL), -ENOENT (peer not
 * registered) or -ENOMEM (nothing changed).
 */
int rib_update(struct rib *r, unsigned peer, const struct prefix4 *p,
	       const struct bgp_attrs *a);
/* The same with attributes already interned (rib_intern()), so the
 * NLRI of one UPDATE share one lookup; the RIB takes its own reference. */
int rib_update_set(struct rib *r, unsigned peer, const struct prefix4 *p,
		   struct bgp_attrset *s);
/* The same for a path the caller found ineligible (why != RIB_ELIGIBLE):
 * kept in the Adj-RIB-In, never in the decision. */
int rib_update_ineligible(struct rib *r, unsigned peer,
			  const struct prefix4 *p, struct bgp_attrset *s,
			  enum rib_ineligible why);
/* Returns 0, or -ENOENT when peer holds no path for p. */
int rib_withdraw(struct rib *r, unsigned peer, const struct prefix4 *p);
/* Drop every path of peer (session down); returns how many. */
size_t rib_peer_flush(struct rib *r, unsigned peer);

/* Paths of this speaker (peer RIB_PEER_LOCAL); no loop check. */
int rib_originate(struct rib *r, const struct prefix4 *p,
		  const struct bgp_attrs *a);
int rib_unoriginate(struct rib *r, const struct prefix4 *p);

int rib_intern(struct rib *r, const struct bgp_attrs *a,
	       struct bgp_attrset **out);
void rib_attrset_unref(struct rib *r, struct bgp_attrset *s);

/* The entry for exactly p (with or without a best path), or NULL. */
struct rib_entry *rib_lookup(const struct rib *r, const struct prefix4 *p);
/* Longest-prefix match among entries with a best path, or NULL. */
struct rib_entry *rib_match(const struct rib *r, uint32_t addr);
/* peer's path in e, or NULL. */
struct rib_path *rib_entry_path(const struct rib_entry *e, unsigned peer);

static inline struct prefix4 rib_entry_prefix(const struct rib_entry *e)
{
	return radix_prefix(&e->node);
}

/*
 * Walks in prefix order.  fn returning nonzero stops the walk and is
 * returned.  rib_walk() visits the Loc-RIB (entries with a best path);
 * rib_walk_adj_in() visits peer's paths, which costs a walk of the tree.
 */
typedef int (*rib_walk_fn)(void *ctx, struct rib_entry *e);
typedef int (*rib_path_fn)(void *ctx, struct rib_entry *e,
			   struct rib_path *p);
int rib_walk(struct rib *r, rib_walk_fn fn, void *ctx);
int rib_walk_adj_in(struct rib *r, unsigned peer, rib_path_fn fn,
		    void *ctx);

/*
 * Hand each entry queued when the call starts to fn, oldest first, taking
 * it off the queue first; entries that change during the drain are queued
 * again for the next one.  fn returning nonzero stops after that entry and
 * leaves the rest queued, in order.  Returns the number handed out.
 */
typedef int (*rib_drain_fn)(void *ctx, struct rib_entry *e);
size_t rib_drain(struct rib *r, rib_drain_fn fn, void *ctx);

/* Free e if nothing holds it any more (see above); true if freed. */
bool rib_entry_gc(struct rib *r, struct rib_entry *e);
/* Clear peer's adv bit everywhere (session down) and free what that
 * leaves unheld.  Walks the whole tree. */
void rib_peer_adv_clear(struct rib *r, unsigned peer);

static inline uint64_t rib_peer_bit(unsigned peer)
{
	return peer >= 1 && peer <= RIB_PEER_MAX ? 1ull << (peer - 1) : 0;
}

static inline void rib_entry_adv_set(struct rib_entry *e, unsigned peer)
{
	e->adv |= rib_peer_bit(peer);
}

static inline void rib_entry_adv_clear(struct rib_entry *e, unsigned peer)
{
	e->adv &= ~rib_peer_bit(peer);
}

static inline bool rib_entry_adv_test(const struct rib_entry *e,
				      unsigned peer)
{
	return (e->adv & rib_peer_bit(peer)) != 0;
}

static inline bool rib_entry_queued(const struct rib_entry *e)
{
	return (e->flags & RIB_E_QUEUED) != 0;
}

/* Why e's best path won; feed the result to bgp_decide_format(). */
void rib_entry_explain(const struct rib *r, const struct rib_entry *e,
		       struct rib_explain *x);
const char *rib_ineligible_str(enum rib_ineligible why);

void rib_stats(const struct rib *r, struct rib_stats *st);

#endif

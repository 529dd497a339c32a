/*
 * The routing policy of the real Internet, pure: business relationships
 * and the Gao-Rexford rules (LOCAL_PREF by where a route came from,
 * valley-free export), communities (RFC 1997, RFC 8092) with the
 * well-known ones honoured, the action communities a transit provider
 * offers its customers, and what an origin sets per session (prepend,
 * MED, communities, selective announcement).
 *
 * The speaker (peer.c on import, export.c on export) and the catchment
 * predictor (topo/predict.c) decide with these same functions, so the
 * prediction and the routers cannot disagree on a rule.
 *
 * Communities are handled in wire form: standard ones as 4-octet values
 * (network order in a message), large ones as 12-octet triples.
 */
#ifndef ANYCASTLAB_BGP_POLICY_H
#define ANYCASTLAB_BGP_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/*
 * What a neighbour is to us.  NONE: no relationship given, the lab
 * without policy: every route is exported to it and it gets the default
 * LOCAL_PREF, as every link behaved before relationships existed.
 */
enum bgp_role {
	BGP_ROLE_NONE = 0,
	BGP_ROLE_CUSTOMER,	/* it buys transit from us */
	BGP_ROLE_PEER,		/* settlement-free peering */
	BGP_ROLE_PROVIDER,	/* we buy transit from it */
};
#define BGP_ROLES	4

/* "customer", "peer", "provider", "none". */
const char *bgp_role_name(enum bgp_role r);
/* "a customer", "a peer", "a provider", "a neighbour without a
 * relationship", for sentences. */
const char *bgp_role_phrase(enum bgp_role r);

/* RFC 1997 §3 well-known communities. */
#define BGP_COMM_NO_EXPORT		0xFFFFFF01u
#define BGP_COMM_NO_ADVERTISE		0xFFFFFF02u
#define BGP_COMM_NO_EXPORT_SUBCONFED	0xFFFFFF03u

/* One community: standard (a:b, 16 bits each) or large (a:b:c, RFC 8092). */
struct bgp_comm {
	bool large;
	uint32_t a, b, c;	/* c is 0 for a standard community */
};

/* Standard community value, a << 16 | b. */
static inline uint32_t bgp_comm_std(const struct bgp_comm *c)
{
	return c->a << 16 | (c->b & 0xffff);
}

/*
 * Parse "65000:100", "no-export", "no-advertise", "no-export-subconfed"
 * or "13335:1:2" (large).  0; -EINVAL when s is not a community at all;
 * -ERANGE when a part is out of range (65535 for standard parts,
 * 4294967295 for large ones).
 */
int bgp_comm_parse(const char *s, struct bgp_comm *out);
/* "65000:100", "no-export", "13335:1:2" into b (errors latch). */
void bgp_comm_format(struct buf *b, const struct bgp_comm *c);
bool bgp_comm_eq(const struct bgp_comm *x, const struct bgp_comm *y);

/* The communities of one route, in wire form (may be empty). */
struct bgp_comms {
	const uint8_t *std;	/* n × 4 octets, network order */
	size_t std_len;
	const uint8_t *large;	/* n × 12 octets, network order */
	size_t large_len;
};


/* What an action community asks of the provider that honours it. */
enum bgp_action_kind {
	BGP_ACTION_PREPEND,	/* prepend our AS value more times toward to_as */
	BGP_ACTION_NO_ANNOUNCE,	/* do not announce to to_as */
	BGP_ACTION_LOCAL_PREF,	/* set LOCAL_PREF to value on receipt */
};

struct bgp_action {
	struct bgp_comm comm;
	enum bgp_action_kind kind;
	uint32_t value;		/* prepend count, or LOCAL_PREF */
	uint32_t to_as;		/* PREPEND, NO_ANNOUNCE: 0 for every neighbour */
};

/* A router's policy, the same for all its sessions. */
struct bgp_policy {
	/* LOCAL_PREF of a route learned from a neighbour of each role. */
	uint32_t local_pref[BGP_ROLES];
	/* Action communities offered to customers (and to neighbours
	 * without a relationship): honoured only on routes they send. */
	const struct bgp_action *actions;
	size_t nactions;
};

/* Gao-Rexford's usual values: customer 200 > peer 100 > provider 50;
 * no relationship: 100, RFC 4271's customary default. */
#define BGP_LP_CUSTOMER		200u
#define BGP_LP_PEER		100u
#define BGP_LP_PROVIDER		50u
#define BGP_LP_NONE		100u
void bgp_policy_defaults(struct bgp_policy *p);

/*
 * LOCAL_PREF for a route received over eBGP from a neighbour of role
 * from: a LOCAL_PREF action community the route carries (when the
 * neighbour may use them: a customer, or no relationship), else the
 * session's own value (link_lp, 0: none), else the router's value for the
 * role.  *action gets the action applied, or NULL.
 */
uint32_t bgp_policy_import_lp(const struct bgp_policy *p, enum bgp_role from,
			      uint32_t link_lp, const struct bgp_comms *r,
			      const struct bgp_action **action);

/* Why a best path is not sent to a neighbour; NONE: it is sent. */
enum bgp_hold {
	BGP_HOLD_NONE = 0,
	BGP_HOLD_SPLIT,		/* learned from that neighbour */
	BGP_HOLD_LOOP,		/* its AS is on the path already */
	BGP_HOLD_VALLEY,	/* valley-free: from a peer or provider, to a
				 * peer or provider */
	BGP_HOLD_NO_EXPORT,	/* NO_EXPORT (or NO_EXPORT_SUBCONFED) */
	BGP_HOLD_NO_ADVERTISE,
	BGP_HOLD_ACTION,	/* a customer's "do not announce to" action */
	BGP_HOLD_SELECTIVE,	/* the origin does not announce it there */
};

/* Where a best path came from, as export sees it. */
struct bgp_route_src {
	bool local;			/* originated here */
	enum bgp_role from;		/* learned: the neighbour's role */
	struct bgp_comms comms;
};

/*
 * The rules that hold a learned route back from neighbour to (of AS
 * to_as), in this order: the well-known communities (RFC 1997 §3: there
 * are only eBGP sessions in a lab and no confederation, so NO_EXPORT and
 * NO_EXPORT_SUBCONFED both mean "to no one"), valley-free export (a route
 * from a customer, or one originated here, goes to everyone; one from a
 * peer or a provider to customers only; a neighbour without a
 * relationship, on either side, takes and gives everything), and a
 * NO_ANNOUNCE action community of a customer.  Split horizon, loops and
 * selective announcement are the caller's (it knows the neighbour and
 * the session).  *action gets the action applied, or NULL.
 */
enum bgp_hold bgp_policy_export(const struct bgp_policy *p,
				const struct bgp_route_src *r,
				enum bgp_role to, uint32_t to_as,
				const struct bgp_action **action);

/*
 * How many more times than once our AS goes on a learned route sent to
 * to_as: the largest PREPEND action of the customer's route that names
 * to_as or every neighbour (0 when none).  *action gets it, or NULL.
 */
unsigned bgp_policy_prepend(const struct bgp_policy *p,
			    const struct bgp_route_src *r, uint32_t to_as,
			    const struct bgp_action **action);

/*
 * The hold as a person reads it, e.g. "valley-free: learned from a
 * provider, not sent to a peer", "NO_EXPORT community".  from and to
 * name the roles for VALLEY; errors latch in b.
 */
void bgp_hold_format(struct buf *b, enum bgp_hold h, enum bgp_role from,
		     enum bgp_role to);

/*
 * The MinRouteAdvertisementIntervalTimer of one session (RFC 4271
 * §9.2.1.1), on a clock the caller reads: announcements may go when
 * now >= until_ms.  Per session, as implementations do, rather than per
 * destination.
 */
struct bgp_mrai {
	uint64_t until_ms;
};

static inline bool bgp_mrai_open(const struct bgp_mrai *m, uint64_t now_ms)
{
	return now_ms >= m->until_ms;
}

/*
 * Announcements went out at now_ms: close the interval for ms times a
 * factor uniform in [0.75, 1.0] (RFC 4271 §10 jitter), drawn from rnd.
 * Returns the interval chosen; ms 0 leaves it open.
 */
uint32_t bgp_mrai_sent(struct bgp_mrai *m, uint64_t now_ms, uint32_t ms,
		       uint32_t rnd);

/* Origins may prepend at most this many extra copies of their AS. */
#define BGP_PREPEND_MAX		16

#endif

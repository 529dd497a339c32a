/*
 * What one router does, computed once from a planned topology (pure):
 * the BGP sessions it opens, with every per-session setting, and the
 * prefixes it originates.  The built-in router is configured from it
 * (cli/router.c), BIRD's and FRR's configurations are rendered from it
 * (daemon/bird.c, daemon/frr.c); a new knob is a field here and a line
 * in each of them.
 */
#ifndef ANYCASTLAB_TOPO_INTENT_H
#define ANYCASTLAB_TOPO_INTENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "topo/topo.h"
#include "util/ip.h"

/* One BGP session, from this router's end: one per link to a router. */
struct topo_intent_session {
	size_t peer;			/* the node at the other end */
	const char *peer_name;
	size_t link;			/* index in t->links */
	uint32_t local_addr, peer_addr;
	uint32_t local_as, peer_as;
	bool passive;			/* wait for the peer to connect */
	unsigned hold_time;		/* seconds, 0: none */
	unsigned connect_retry;		/* seconds */
	unsigned send_hold_time;	/* seconds; 0: RFC 9687's default */
	uint32_t max_prefix;		/* 0: no limit */
	enum topo_max_prefix_action max_prefix_action;
	unsigned max_prefix_restart;	/* seconds */
	bool gtsm;			/* RFC 5082 TTL security */
	const char *password;		/* TCP-MD5 key, "" for none */
	/* Routing policy (bgp/policy.h). */
	enum bgp_role role;		/* what the peer is to this router */
	uint32_t local_pref;		/* for routes it sends: the link's, else
					 * the router's for the role */
	uint32_t mrai_ms;		/* link, else node, else defaults */
	/* A POP's announcement of the anycast prefix here: link, else node. */
	bool announce;
	unsigned prepend;		/* extra copies of its AS */
	bool med_given;
	uint32_t med;
	const struct bgp_comm *comms;
	size_t ncomms;
};

struct topo_intent {
	size_t node;
	const char *name;
	uint32_t asn, router_id;
	bool pop;
	bool passive;			/* every session of the node */
	bool unknown_attrs_discard;
	/* Originated: the loopback /32 (the router id) and the network of
	 * every link to a user.  A POP's anycast prefix is apart, since
	 * withdraw and announce act on it alone. */
	struct prefix4 *orig;
	size_t norig;
	struct prefix4 anycast;		/* a POP's; len 0 for others */
	struct topo_intent_session *sess;	/* in link order */
	size_t nsess;
	/* Settings every session shares, for a renderer that writes them
	 * once (a template): true when all sessions have GTSM. */
	bool gtsm_all;
	/* LOCAL_PREF by role and the node's action communities (pointing
	 * into the topology). */
	struct bgp_policy policy;
	bool always_compare_med;
	bool multipath;
	bool has_rel;			/* some session has a relationship */
};

/* 0, -EINVAL when node is not a router, -ENOMEM. */
int topo_intent_build(const struct topo *t, size_t node,
		      struct topo_intent *in);
void topo_intent_free(struct topo_intent *in);

#endif

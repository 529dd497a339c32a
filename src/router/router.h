/*
 * The per-node daemon (`anycastlab router`): one BGP speaker, for a POP an
 * HTTP responder, a link monitor and a control socket, on one event loop;
 * or, beside a POP's BIRD or FRR, the HTTP responder alone.
 * It is handed a finished configuration and runs inside the namespace it
 * was started in; it knows nothing of topology files.
 */
#ifndef ANYCASTLAB_ROUTER_ROUTER_H
#define ANYCASTLAB_ROUTER_ROUTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp/rib.h"
#include "bgp/speaker.h"
#include "util/ip.h"

struct dns_zone;

#define ROUTER_MAX_ORIG	16

#define ROUTER_MAX_ACTIONS	64

struct router_config {
	char lab[16];
	char node[16];
	char city[64];
	bool pop;			/* HTTP responder, anycast origin */
	/* A POP whose BGP another daemon (BIRD, FRR) speaks: serve HTTP
	 * and nothing else (no speaker, no FIB, no control socket). */
	bool http_only;
	uint32_t asn;
	uint32_t router_id;
	uint16_t hold_time;
	uint32_t connect_retry_ms;
	bool unknown_attrs_discard;	/* unknown-attributes: discard */
	/* Routing policy: LOCAL_PREF by role, action communities (in
	 * actions[]), always-compare-med. */
	struct bgp_policy policy;
	struct bgp_action actions[ROUTER_MAX_ACTIONS];
	bool always_compare_med;
	bool multipath;			/* ECMP in the kernel */
	struct bgp_peer_config peers[RIB_PEER_MAX];
	size_t npeers;
	struct prefix4 originate[ROUTER_MAX_ORIG];	/* besides the anycast */
	size_t norig;
	/* A POP's authoritative DNS: the lab's zone (finished, owned by the
	 * caller; NULL: no DNS) and the response-rate limit (rate 0: none). */
	const struct dns_zone *zone;
	unsigned dns_rate, dns_burst, dns_slip;
	struct prefix4 anycast;		/* POPs announce it */
	uint32_t anycast_addr;
	char ctl_path[160];		/* control socket */
	char pid_path[160];
	/*
	 * Start handshake with the process that spawned us (-1: none): we
	 * write 'R' once every socket is bound, then wait for 'G' before
	 * starting sessions, so a lab's routers all listen before any of
	 * them connects.
	 */
	int sync_fd;
};

/* Bind, drop privileges, run until SIGTERM/SIGINT; returns the exit code. */
int router_run(const struct router_config *rc);

#endif

/*
 * A running lab as its routers see it: every router's control socket is
 * asked for its status (sessions, where it sends anycast traffic; BIRD
 * and FRR are asked over theirs, see daemon.h), and the
 * catchment — which POP each user reaches — is derived by following each
 * hop's best next hop from the user's ISP to a POP.  This is the control
 * plane's view; ping and watch observe the data plane instead.
 */
#ifndef ANYCASTLAB_ORCH_SNAPSHOT_H
#define ANYCASTLAB_ORCH_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "topo/topo.h"

#define SNAP_MAX_SESS	64

struct snap_session {
	char peer[TOPO_NAME_MAX + 1];
	char state[16];
	bool established;
	uint64_t since_ms;
	uint64_t rx, tx;
	unsigned hold;		/* negotiated, seconds (when Established) */
	unsigned up_count;	/* times the session came up */
	bool up_count_known;	/* BIRD does not say */
	int as4;		/* 4-octet ASNs negotiated: 1, 0, -1 unknown */
	char last_error[160];
};

struct snap_router {
	bool external;		/* daemon: none, nothing to ask */
	bool answered;		/* its control socket replied */
	int error;		/* -errno when it did not */
	long pid;
	uint64_t up_ms;
	uint64_t rss_kb;
	uint64_t prefixes;
	char anycast[16];	/* POP: "announced" / "withdrawn" */
	char via[16];		/* anycast next hop, "local" or "none" */
	char path[160];		/* anycast AS path */
	struct snap_session sess[SNAP_MAX_SESS];
	size_t nsess;
};

struct snap_user {
	long isp;
	long pop;		/* -1: no route, or a loop */
	char path[160];		/* the ISP's AS path */
	char hops[256];		/* "comcast > lax" */
	bool external;		/* the path reaches a router we cannot ask */
};

struct lab_snapshot {
	struct snap_router *routers;	/* indexed like t->nodes */
	struct snap_user *users;	/* indexed like t->nodes */
	bool all_established;	/* sessions towards external routers aside */
	bool all_routed;	/* every user reaches a POP (unless its path
				 * goes through an external router) */
};

int snapshot_take(const char *lab, const struct topo *t, unsigned timeout_ms,
		  struct lab_snapshot *s);
void snapshot_free(struct lab_snapshot *s);

#endif

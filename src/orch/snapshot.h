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

#include "daemon/daemon.h"
#include "topo/topo.h"

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

/*
 * A running lab as the CLI shows it: the saved topology, checked against
 * the live kernel and processes (a namespace that vanished, a router that
 * died or is stopped, a link that lost carrier) and the routers' own view
 * of their sessions and the catchment.  Shared by status and graph.
 */
#ifndef ANYCASTLAB_ORCH_LIVE_H
#define ANYCASTLAB_ORCH_LIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "net/link.h"
#include "daemon/daemon.h"
#include "run/proc.h"
#include "orch/snapshot.h"
#include "topo/topo.h"

enum live_state {
	LIVE_OK,		/* user: namespace present */
	LIVE_RUNNING,
	LIVE_FROZEN,		/* SIGSTOPped */
	LIVE_STOPPED,		/* router process not running */
	LIVE_NO_NETNS,
	LIVE_EXTERNAL,		/* daemon: none: whatever runs there is yours */
	LIVE_PARTIAL,		/* FRR: zebra without bgpd, or the reverse */
	LIVE_NO_ROUTE,		/* user: its default route is gone */
};

struct live_node {
	enum live_state state;
	struct proc_id proc;		/* the BGP speaker's process */
	struct daemon_procs procs;	/* every process of the router */
};

struct live_link {
	bool known;		/* we could look (root) */
	struct link_state a, b;
	bool a_ok, b_ok;
};

struct live_lab {
	struct topo t;
	struct lab_snapshot snap;
	bool have_snap;
	bool complete;		/* `up` finished */
	long long since;
	struct live_node *nodes;
	struct live_link *links;
};

/* Load lab's saved topology and look at it live; 0 or -errno (then
 * live_free is still needed). */
int live_load(const char *lab, struct live_lab *L);
void live_free(struct live_lab *L);
const char *live_state_name(enum live_state s);
/* One end of a link: "up", "down", "no-carrier", "missing", "?". */
const char *live_link_side(bool known, bool ok, const struct link_state *s);
/* What router i says about its session with node j, or NULL. */
const struct snap_session *live_session(const struct live_lab *L, size_t i,
					size_t j);
/* A POP's condition: "announcing", "withdrawn", "frozen", "cut off ..." */
const char *live_pop_condition(const struct live_lab *L, size_t i, char *buf,
			       size_t n);

/* What is failed in the lab now, "telstra is down (...); syd-telstra is
 * cut", or "" when nothing is. */
const char *live_faults(const struct live_lab *L, char *buf, size_t n);

#endif

/*
 * Starting router processes.  The orchestrator forks; the child waits until
 * its pid is in the journal, then becomes `anycastlab router` in a session
 * of its own.  The router says 'R' once it listens and waits for 'G', so
 * all routers of a lab listen before any of them connects.  Other daemons
 * (BIRD, FRR) are started the same way by spawn_exec, except that the
 * child enters the node's namespace itself before it execs.
 */
#ifndef ANYCASTLAB_RUN_SPAWN_H
#define ANYCASTLAB_RUN_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "run/journal.h"
#include "run/proc.h"

struct spawned {
	const char *node;
	struct proc_id id;
	int sync;		/* our end of the start handshake */
	bool ready;
};

/* argv[0..5] = "anycastlab router --lab LAB --node NODE", NULL after;
 * returns 6, where the caller's options go.  down finds orphans by it. */
size_t spawn_router_argv(const char *lab, const char *node, const char **argv);
/* Fork and journal one router; it waits for spawn_release. */
int spawn_router(struct journal *j, const char *lab, const char *node,
		 bool lab_start, struct spawned *s);
/* Wait until every router said it listens; -ETIMEDOUT or -ECHILD (one
 * died first, *failed names it). */
int spawn_wait_ready(struct spawned *v, size_t n, unsigned timeout_ms,
		     size_t *failed);
/* A program to run as one process of a node's daemon. */
struct spawn_cmd {
	const char *node;		/* journaled as this node's ... */
	const char *role;		/* ... process of this role */
	const char *netns;		/* entered before exec */
	const char *log;		/* stdout and stderr, appended to */
	const char *const *argv;	/* argv[0]: the program's path */
	const char *path;		/* run this instead of argv[0] */
};

/* Fork, journal the child, let it exec; its identity in *id. */
int spawn_exec(struct journal *j, const struct spawn_cmd *c,
	       struct proc_id *id);
/* Let it connect. */
void spawn_release(struct spawned *s);
/* The last lines of a router's log, indented, to out. */
void spawn_log_tail(const char *lab, const char *node, unsigned lines,
		    FILE *out);

#endif

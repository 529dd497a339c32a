/*
 * Starting router processes.  The orchestrator forks; the child waits until
 * its pid is in the journal, then becomes `anycastlab router` in a session
 * of its own.  The router says 'R' once it listens and waits for 'G', so
 * all routers of a lab listen before any of them connects.
 */
#ifndef ANYCASTLAB_ORCH_SPAWN_H
#define ANYCASTLAB_ORCH_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "orch/journal.h"
#include "orch/proc.h"

struct spawned {
	const char *node;
	struct proc_id id;
	int sync;		/* our end of the start handshake */
	bool ready;
};

/* Fork and journal one router; it waits for spawn_release. */
int spawn_router(struct journal *j, const char *lab, const char *node,
		 bool lab_start, struct spawned *s);
/* Wait until every router said it listens; -ETIMEDOUT or -ECHILD (one
 * died first, *failed names it). */
int spawn_wait_ready(struct spawned *v, size_t n, unsigned timeout_ms,
		     size_t *failed);
/* Let it connect. */
void spawn_release(struct spawned *s);
/* The last lines of a router's log, indented, to out. */
void spawn_log_tail(const char *lab, const char *node, unsigned lines,
		    FILE *out);

#endif

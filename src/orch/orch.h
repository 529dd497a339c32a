/*
 * Orchestration: turn a planned topology into namespaces, links, addresses
 * and routers (orch_up), and remove a lab from its state directory alone
 * (orch_down).  Progress goes to the FILE * given (o->out, out); a
 * failure is -errno with its sentence in e (util/err.h).
 */
#ifndef ANYCASTLAB_ORCH_ORCH_H
#define ANYCASTLAB_ORCH_ORCH_H

#include <stdbool.h>
#include <stdio.h>

#include "topo/topo.h"
#include "util/err.h"

struct up_opts {
	const char *file;		/* the topology file, copied into state */
	bool force;			/* replace a lab of the same name */
	bool no_routers;		/* plumbing only: no BGP speakers */
	enum topo_daemon daemon;	/* DEFAULT: as the file says; else
					 * already applied to the topology
					 * (daemon_apply_default) */
	unsigned timeout_ms;		/* convergence wait */
	/* A lab that fails to converge (or is interrupted while it does)
	 * stays up for debugging instead of being removed. */
	bool keep_on_failure;
	FILE *out;
};

int orch_up(const struct topo *t, const struct up_opts *o, struct err *e);

/* Remove a lab.  *nothing is set when there was nothing to remove. */
int orch_down(const char *lab, FILE *out, bool *nothing, struct err *e);
/* Remove every lab, including ones whose `up` was killed half-way. */
int orch_down_all(FILE *out, bool *nothing, struct err *e);

/* Set by SIGINT/SIGTERM/SIGHUP while a long verb runs. */
extern volatile int orch_interrupted;

#endif

/*
 * Failures on demand, each reversible: crash a router (SIGKILL to every
 * process of it) and start it again; have a POP withdraw and re-announce
 * the anycast prefix; cut a link (both ends lose carrier) and heal it;
 * freeze a router (SIGSTOP: its links stay up, only the hold timer
 * notices) and thaw it.  A router is whatever its node runs: the
 * speaker table (daemon/daemon.h) is asked, never told apart.
 *
 * fault_do returns 0 with what it did in *done, or -errno with why not
 * in *e: -EINVAL for the wrong kind of node, -EALREADY for a state that
 * makes the request pointless, -ESRCH for a router that is not running.
 */
#ifndef ANYCASTLAB_ORCH_FAULT_H
#define ANYCASTLAB_ORCH_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/daemon.h"
#include "topo/topo.h"
#include "util/err.h"

enum fault_verb {
	FAULT_KILL,
	FAULT_REVIVE,
	FAULT_WITHDRAW,
	FAULT_ANNOUNCE,
	FAULT_CUT,
	FAULT_HEAL,
	FAULT_FREEZE,
	FAULT_THAW,
};

struct fault_done {
	char msg[256];		/* what it did, for a person */
	/* CLOCK_MONOTONIC ns of the moment it acted (the signal sent, the
	 * first link end set down, the request sent), for measuring from
	 * when the failure happened rather than when it was asked for. */
	uint64_t acted_ns;
};

/* How many nodes v takes: 2 for cut and heal, else 1. */
unsigned fault_nodes(enum fault_verb v);

/* Carry out v on node a (and b, for the link verbs). */
int fault_do(const char *lab, const struct topo *t, enum fault_verb v,
	     size_t a, size_t b, struct fault_done *done, struct err *e);

/*
 * A POP's announcement changed on some sessions while the lab runs:
 * withdraw from, announce to (npeers 0: every session) or prepend toward
 * the neighbours peers[] (node indices).  Each must be a router linked to
 * pop: -EINVAL naming the first that is not, before anything changes.
 */
int fault_shape(const char *lab, const struct topo *t, size_t pop,
		const struct daemon_shape *s, struct fault_done *done,
		struct err *e);

#endif

/*
 * Failures on demand, each reversible: crash a router (SIGKILL to every
 * process of it) and start it again; have a POP withdraw and re-announce
 * the anycast prefix; cut a link (both ends lose carrier) and heal it;
 * freeze a router (SIGSTOP: its links stay up, only the hold timer
 * notices) and thaw it.  A router is the built-in speaker, BIRD or FRR,
 * whichever its node runs.
 *
 * Each returns 0 with what it did in msg, or -errno with why not in msg:
 * -EINVAL for the wrong kind of node, -EALREADY for a state that makes
 * the request pointless, -ESRCH for a router that is not running.
 */
#ifndef ANYCASTLAB_ORCH_FAULT_H
#define ANYCASTLAB_ORCH_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "run/proc.h"
#include "topo/topo.h"

/* CLOCK_MONOTONIC ns of the last failure or repair actually carried out
 * (the signal sent, the link set down, the request sent), for measuring
 * from the moment it happened rather than from when it was asked for. */
extern uint64_t fault_acted_ns;

/* Whether the process is stopped (SIGSTOP). */
bool fault_frozen(const struct proc_id *id);

int fault_kill(const char *lab, const struct topo *t, size_t node,
	       char *msg, size_t n);
int fault_revive(const char *lab, const struct topo *t, size_t node,
		 char *msg, size_t n);
int fault_announce(const char *lab, const struct topo *t, size_t node,
		   bool on, char *msg, size_t n);
int fault_cut(const char *lab, const struct topo *t, size_t a, size_t b,
	      bool cut, char *msg, size_t n);
int fault_freeze(const char *lab, const struct topo *t, size_t node,
		 bool freeze, char *msg, size_t n);

#endif

/*
 * The anycast failover experiment, one run at a time (`anycastlab
 * failover POP`).
 *
 * Every user the POP serves (found by probing, not predicted) is probed
 * at a fixed interval.  Once each is steadily answered by the POP, the
 * failure is carried out (kill, withdraw, cut or freeze) by a child
 * process, so probing never pauses.  Each user's move is the time from
 * the failure until the first probe answered by its next POP was sent;
 * its outage, the time no probe was answered around it; lost probes are
 * counted too.  Then the failure is undone and every user must come
 * back.  The next POP is checked against the failover table in the
 * lab's topology file, when it has one.
 */
#ifndef ANYCASTLAB_ORCH_FAILOVER_H
#define ANYCASTLAB_ORCH_FAILOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/probe.h"
#include "topo/topo.h"

#define FAILOVER_MAX_USERS	64

enum failover_mode { FAILOVER_KILL, FAILOVER_WITHDRAW, FAILOVER_CUT,
		     FAILOVER_FREEZE };

/* "kill", "withdraw", "cut", "freeze"; parse: 0 or -EINVAL. */
const char *failover_mode_name(enum failover_mode m);
int failover_mode_parse(const char *s, enum failover_mode *m);

struct failover {
	const char *lab;
	const struct topo *t;
	size_t pop;
	enum failover_mode mode;
	enum probe_kind probe;	/* ICMP echoes, HTTP GETs or DNS queries */
	uint64_t interval_ns;
};

/* What one run observed of one user. */
struct failover_user {
	size_t node;
	long expect;		/* next POP per the topology's table, -1: none */
	bool moved, returned;
	long new_pop;
	uint64_t moved_ns;	/* failure -> first answer from new_pop sent */
	uint64_t back_ns;	/* restore -> first answer from the POP again */
	unsigned lost;		/* probes lost around the move */
	uint64_t outage_ns;	/* no probe answered, around the move */
};

/* Users answered by f->pop right now, into out (at most
 * FAILOVER_MAX_USERS): how many. */
size_t failover_users(const struct failover *f, size_t *out);

/*
 * One run over the users nodes[0..nu): u[] gets what each saw.  0, or
 * -errno when the probes could not start.  When a phase did not finish
 * in time, *why says which (the lab is left as it was found) and the
 * run returns 0 with it set; otherwise *why is NULL.
 */
int failover_run(const struct failover *f, const size_t *nodes, size_t nu,
		 struct failover_user *u, const char **why);

#endif

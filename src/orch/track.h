/*
 * One user's probes, answered or lost, turned into what a person watching
 * wants told: the first answer, a change of POP, an outage that ended at
 * the same POP, a silence of a second (said once per outage).  Shared by
 * `watch` and `web`, so both count an outage the same way.
 *
 * Every probe is resolved once, answered or timed out, but a timeout is
 * known only a timeout after the probe was sent, often after later probes
 * were answered.  So an outage is counted when it ends, by sequence
 * numbers: the probes sent between two answered ones are the ones it
 * lost.  A timeout of a probe older than the last answered one belongs to
 * an outage already told.
 */
#ifndef ANYCASTLAB_ORCH_TRACK_H
#define ANYCASTLAB_ORCH_TRACK_H

#include <stdbool.h>
#include <stdint.h>

#include "net/probe.h"

#define TRACK_NO_POP	(-2)	/* nothing answered yet */

enum track_kind {
	TRACK_NONE,		/* nothing to tell */
	TRACK_FIRST,		/* the first answer: to */
	TRACK_CHANGE,		/* another POP answers: from -> to */
	TRACK_OUTAGE,		/* probes lost, the same POP again */
	TRACK_SILENT,		/* no answer for a second, from the last POP */
};

struct track {
	uint64_t interval_ns;
	long pop;		/* last POP that answered, TRACK_NO_POP */
	uint64_t last_sent;	/* send time of that reply */
	uint16_t last_seq;	/* and its sequence number */
	unsigned lost_since;	/* timed out since, known so far */
	bool quiet_said;	/* TRACK_SILENT told for this outage */
	unsigned sent, answered, lost, changes;
	uint64_t longest;	/* ns, the longest outage */
};

struct track_event {
	enum track_kind kind;
	long from, to;		/* POP indices, -1 none */
	uint64_t gap_ns;	/* the outage: no probe got through */
	unsigned lost;		/* probes it lost */
};

void track_init(struct track *tr, uint64_t interval_ns);
/* One resolved probe; pop: the POP that answered it (answer_pop), -1 none. */
enum track_kind track_probe(struct track *tr, const struct probe_event *ev,
			    long pop, struct track_event *out);

#endif

#include "orch/track.h"

#include <string.h>

void track_init(struct track *tr, uint64_t interval_ns)
{
	memset(tr, 0, sizeof(*tr));
	tr->interval_ns = interval_ns;
	tr->pop = TRACK_NO_POP;
}

enum track_kind track_probe(struct track *tr, const struct probe_event *ev,
			    long pop, struct track_event *out)
{
	unsigned missing;
	uint64_t gap;

	memset(out, 0, sizeof(*out));
	out->from = out->to = -1;
	tr->sent++;
	if (!ev->answered) {
		tr->lost++;
		if (tr->pop != TRACK_NO_POP && (int16_t)(ev->seq - tr->last_seq) < 0)
			return TRACK_NONE;	/* counted when its outage ended */
		tr->lost_since++;
		if (tr->quiet_said ||
		    (uint64_t)tr->lost_since * tr->interval_ns < 1000000000ull)
			return TRACK_NONE;
		tr->quiet_said = true;
		out->kind = TRACK_SILENT;
		out->from = tr->pop == TRACK_NO_POP ? -1 : tr->pop;
		out->lost = tr->lost_since;
		return out->kind;
	}
	tr->answered++;
	/* An answer older than the last one (reordered) changes nothing. */
	if (tr->pop != TRACK_NO_POP && (int16_t)(ev->seq - tr->last_seq) <= 0)
		return TRACK_NONE;
	missing = tr->pop == TRACK_NO_POP ? 0 :
		  (unsigned)(uint16_t)(ev->seq - tr->last_seq) - 1;
	if (tr->pop == TRACK_NO_POP) {
		out->kind = TRACK_FIRST;
		out->to = pop;
	} else if (pop != tr->pop || missing) {
		/* The time no probe got through: from the last answered probe
		 * to this one, less the one interval that is normal. */
		gap = ev->sent_ns - tr->last_sent;
		gap = gap > tr->interval_ns && missing ? gap - tr->interval_ns : 0;
		if (gap > tr->longest)
			tr->longest = gap;
		if (pop != tr->pop)
			tr->changes++;
		out->kind = pop != tr->pop ? TRACK_CHANGE : TRACK_OUTAGE;
		out->from = tr->pop;
		out->to = pop;
		out->gap_ns = gap;
		out->lost = missing;
	}
	tr->pop = pop;
	tr->last_sent = ev->sent_ns;
	tr->last_seq = ev->seq;
	tr->lost_since = 0;
	tr->quiet_said = false;
	return out->kind;
}

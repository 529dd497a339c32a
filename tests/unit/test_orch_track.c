/*
 * A user's probes told as watch and web tell them: first answer, change,
 * outage at the same POP, one silence per outage, every lost probe counted
 * once, late timeouts of an outage already told ignored.
 */
#include <criterion/criterion.h>

#include "orch/track.h"

#define MS 1000000ull

static struct probe_event ev(uint16_t seq, bool answered)
{
	return (struct probe_event){ .seq = seq, .sent_ns = seq * MS,
				     .answered = answered };
}

Test(track, first_change_outage_and_silence)
{
	struct track tr;
	struct track_event te;
	struct probe_event e;
	uint16_t s;

	track_init(&tr, MS);
	e = ev(0, true);
	cr_assert_eq(track_probe(&tr, &e, 3, &te), TRACK_FIRST);
	cr_assert_eq(te.to, 3);
	e = ev(1, true);
	cr_assert_eq(track_probe(&tr, &e, 3, &te), TRACK_NONE);
	/* Probes 2..6 lost, 7 answered by another POP: one change, 5 lost,
	 * an outage of 6 ms less the normal interval. */
	e = ev(7, true);
	cr_assert_eq(track_probe(&tr, &e, 4, &te), TRACK_CHANGE);
	cr_assert_eq(te.from, 3);
	cr_assert_eq(te.to, 4);
	cr_assert_eq(te.lost, 5);
	cr_assert_eq(te.gap_ns, 5 * MS);
	/* Their timeouts arrive late: already counted. */
	for (s = 2; s < 7; s++) {
		e = ev(s, false);
		cr_assert_eq(track_probe(&tr, &e, -1, &te), TRACK_NONE);
	}
	/* A reordered older answer changes nothing. */
	e = ev(6, true);
	cr_assert_eq(track_probe(&tr, &e, 3, &te), TRACK_NONE);
	/* 8, 9 lost, 10 from the same POP: an outage. */
	e = ev(10, true);
	cr_assert_eq(track_probe(&tr, &e, 4, &te), TRACK_OUTAGE);
	cr_assert_eq(te.lost, 2);
	/* A second without answers is told once. */
	for (s = 11; s < 11 + 1000; s++) {
		e = ev(s, false);
		cr_assert_eq(track_probe(&tr, &e, -1, &te),
			     s == 11 + 999 ? TRACK_SILENT : TRACK_NONE, "seq %u", s);
	}
	cr_assert_eq(te.from, 4);
	cr_assert_eq(te.lost, 1000);
	e = ev(s, false);
	cr_assert_eq(track_probe(&tr, &e, -1, &te), TRACK_NONE);
	cr_assert_eq(tr.changes, 1);
	cr_assert_eq(tr.longest, 5 * MS);
	cr_assert_eq(tr.answered, 5);
}

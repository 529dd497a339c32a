/*
 * Journal records and process identity parsing: teardown after a crash
 * depends on reading back exactly what was written, and on refusing a
 * torn last line rather than misreading it.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "run/journal.h"
#include "run/proc.h"

Test(journal, parses_each_kind)
{
	struct journal_rec r;

	cr_assert_eq(journal_parse("netns world-syd", &r), 0);
	cr_assert_eq(r.kind, JOURNAL_NETNS);
	cr_assert_str_eq(r.name, "world-syd");
	cr_assert_eq(journal_parse("-netns world-syd", &r), 0);
	cr_assert_eq(r.kind, JOURNAL_NETNS_CANCEL);
	cr_assert_eq(journal_parse("proc telstra 4242 1234567", &r), 0);
	cr_assert_eq(r.kind, JOURNAL_PROC);
	cr_assert_str_eq(r.name, "telstra");
	cr_assert_eq(r.proc.pid, 4242);
	cr_assert_eq(r.proc.start, 1234567ull);
	cr_assert_eq(journal_parse("up 1764094000", &r), 0);
	cr_assert_eq(r.kind, JOURNAL_UP);
	cr_assert_eq(r.when, 1764094000ll);
	cr_assert_eq(journal_parse("etcns", &r), 0);
	cr_assert_eq(r.kind, JOURNAL_ETCNS);
	cr_assert_eq(journal_parse("etcns /etc", &r), -EINVAL);
}

Test(journal, refuses_torn_and_foreign_lines)
{
	static const char *const bad[] = {
		"", "netns", "netns ", "proc telstra", "proc telstra 42",
		"proc telstra -1 5", "proc telstra 0 5", "proc telstra 42 x",
		"proc telstra 42 5 extra", "netns a b", "up", "up soon",
		"route 1.2.3.0/24", "proc abcdefghijklmnopq 1 1",
		"netns aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	struct journal_rec r;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_neq(journal_parse(bad[i], &r), 0, "'%s' parsed", bad[i]);
}

Test(proc, start_time_survives_odd_command_names)
{
	/* Field 22 counted from the last ')': comm may hold ") (" itself. */
	static const char stat[] =
		"4242 (a) (b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 "
		"20 0 1 0 987654 1000 100 18446744073709551615";
	unsigned long long start;

	cr_assert_eq(proc_stat_start(stat, &start), 0);
	cr_assert_eq(start, 987654ull);
	cr_assert_neq(proc_stat_start("4242 (x) S 1 2", &start), 0);
	cr_assert_neq(proc_stat_start("no parenthesis", &start), 0);
}

Test(proc, reads_our_own_identity)
{
	struct proc_id me;

	cr_assert_eq(proc_id_get(getpid(), &me), 0);
	cr_assert_eq(me.pid, getpid());
	cr_assert_gt(me.start, 0);
	cr_assert(proc_id_alive(&me));
	me.start++;
	cr_assert_not(proc_id_alive(&me), "a different start time is another process");
}

/*
 * The link monitor against the kernel of the test's own namespace: it
 * only reads (a subscription and a dump), so it needs no privilege.
 * Every namespace has a loopback interface, and it is ifindex 1.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "net/linkmon.h"

struct seen {
	int lo_ifindex;
	unsigned reports;
};

static void on_link(void *ctx, int ifindex, const char *name, bool up)
{
	struct seen *s = ctx;

	(void)up;
	s->reports++;
	if (!strcmp(name, "lo"))
		s->lo_ifindex = ifindex;
}

Test(linkmon, open_reports_the_loopback_with_its_index)
{
	struct seen s = { 0 };
	struct linkmon *m = NULL;

	cr_assert_eq(linkmon_open(on_link, &s, &m), 0);
	cr_expect_geq(s.reports, 1);
	cr_expect_eq(s.lo_ifindex, 1);
	linkmon_close(m);
}

Test(linkmon, read_returns_once_nothing_is_pending)
{
	struct seen s = { 0 };
	struct linkmon *m = NULL;

	cr_assert_eq(linkmon_open(on_link, &s, &m), 0);
	cr_expect_geq(linkmon_fd(m), 0);
	/* Non-blocking: with no event queued it returns at once. */
	cr_expect_eq(linkmon_read(m), 0);
	linkmon_close(m);
}

Test(linkmon, close_takes_null)
{
	linkmon_close(NULL);
}

/*
 * Edit distance and "did you mean" suggestions.
 */
#include <criterion/criterion.h>

#include "util/str.h"

Test(str, distance)
{
	cr_assert_eq(str_distance("", ""), 0);
	cr_assert_eq(str_distance("asn", "asn"), 0);
	cr_assert_eq(str_distance("aasn", "asn"), 1);
	cr_assert_eq(str_distance("knid", "kind"), 1);	/* transposition */
	cr_assert_eq(str_distance("pop", "isp"), 2);
	cr_assert_eq(str_distance("", "abc"), 3);
}

Test(str, suggest_near_miss_only)
{
	static const char *const verbs[] = { "up", "down", "status", "check",
					     "exec", "routes" };

	cr_assert_str_eq(str_suggest("stauts", verbs, 6), "status");
	cr_assert_str_eq(str_suggest("dwon", verbs, 6), "down");
	cr_assert_str_eq(str_suggest("rout", verbs, 6), "routes");
	cr_assert_null(str_suggest("frobnicate", verbs, 6));
	cr_assert_null(str_suggest("x", verbs, 0));
}

/*
 * Control-socket records: what the router writes, the CLI reads back
 * exactly, and malformed input is refused rather than half-parsed.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "router/ctlmsg.h"

static void parse_ok(const char *s, struct ctl_rec *r)
{
	cr_assert_eq(ctl_parse(s, strlen(s), r), 0, "parse: %s", s);
}

Test(ctl, round_trip_with_quoting)
{
	char mem[512];
	struct buf b;
	struct ctl_rec r;

	buf_init(&b, mem, sizeof(mem));
	ctl_begin(&b, "route");
	ctl_put(&b, "prefix", "104.16.0.0/24");
	ctl_put(&b, "why", "shortest AS path (1 < 2)");
	ctl_put(&b, "odd", "a\"b\\c=d");
	ctl_put(&b, "empty", "");
	ctl_putf(&b, "n", "%u", 42u);
	cr_assert_eq(b.err, 0);
	cr_assert_str_eq(buf_cstr(&b), "route prefix=104.16.0.0/24 "
			 "why=\"shortest AS path (1 < 2)\" odd=\"a\\\"b\\\\c=d\" "
			 "empty=\"\" n=42");
	cr_assert_eq(ctl_parse((char *)mem, b.len, &r), 0);
	cr_assert_str_eq(r.kind, "route");
	cr_assert_eq(r.n, 5);
	cr_assert_str_eq(ctl_get(&r, "prefix"), "104.16.0.0/24");
	cr_assert_str_eq(ctl_get(&r, "why"), "shortest AS path (1 < 2)");
	cr_assert_str_eq(ctl_get(&r, "odd"), "a\"b\\c=d");
	cr_assert_str_eq(ctl_get(&r, "empty"), "");
	cr_assert_eq(ctl_get_u64(&r, "n", 0), 42);
	cr_assert_null(ctl_get(&r, "missing"));
}

Test(ctl, numbers_default_when_absent_or_bad)
{
	struct ctl_rec r;

	parse_ok("session up_ms=12 rx=-1 tx=3x", &r);
	cr_assert_eq(ctl_get_u64(&r, "up_ms", 7), 12);
	cr_assert_eq(ctl_get_u64(&r, "rx", 7), 7);
	cr_assert_eq(ctl_get_u64(&r, "tx", 7), 7);
	cr_assert_eq(ctl_get_u64(&r, "nope", 7), 7);
}

Test(ctl, a_plus_sign_is_not_a_number)
{
	struct ctl_rec r;

	parse_ok("session rx=+1 tx=+0", &r);
	cr_assert_eq(ctl_get_u64(&r, "rx", 7), 7);
	cr_assert_eq(ctl_get_u64(&r, "tx", 7), 7);
}

Test(ctl, kind_only_and_spaces)
{
	struct ctl_rec r;

	parse_ok("ok", &r);
	cr_assert_str_eq(r.kind, "ok");
	cr_assert_eq(r.n, 0);
	parse_ok("  ok   a=1   b=2  ", &r);
	cr_assert_eq(r.n, 2);
}

Test(ctl, malformed_lines_are_refused)
{
	static const char *const bad[] = {
		"", "   ", "=x", "route a", "route a=\"unterminated",
		"route a=\"x\"y", "route a=b\"c", "route a=b=c", "route =v",
		"route a=\"\\", "route a=\\x", "route a=\"q\x12\"",
		"route a=b\x01c", "route a=\"tab\there\"",
	};
	struct ctl_rec r;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_neq(ctl_parse(bad[i], strlen(bad[i]), &r), 0,
			      "'%s' parsed", bad[i]);
}

Test(ctl, field_limit_and_length_limit)
{
	char line[CTL_LINE_MAX + 16];
	struct ctl_rec r;
	size_t i, o;

	o = (size_t)sprintf(line, "x");
	for (i = 0; i < CTL_MAX_FIELDS; i++)
		o += (size_t)sprintf(line + o, " k%zu=v", i);
	cr_assert_eq(ctl_parse(line, o, &r), 0);
	cr_assert_eq(r.n, CTL_MAX_FIELDS);
	o += (size_t)sprintf(line + o, " one=more");
	cr_assert_neq(ctl_parse(line, o, &r), 0);
	memset(line, 'a', sizeof(line));
	cr_assert_neq(ctl_parse(line, CTL_LINE_MAX, &r), 0);
}

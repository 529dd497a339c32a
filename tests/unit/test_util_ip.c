/*
 * IPv4 address and prefix parsing: strictness matters because topology
 * errors are reported from these results.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <string.h>

#include "util/ip.h"

struct pcase {
	char in[24];	/* inline: Criterion re-executes the binary per case */
	int ret;
	uint32_t addr;
	uint8_t len;
};

ParameterizedTestParameters(ip, prefix_parse)
{
	static struct pcase cases[] = {
		{ "104.16.0.0/24", 0, 0x68100000, 24 },
		{ "0.0.0.0/0", 0, 0, 0 },
		{ "100.64.0.1/32", 0, 0x64400001, 32 },
		{ "104.16.0.1/24", -EDOM, 0x68100000, 24 },
		{ "104.16.0.0/33", -EINVAL, 0, 0 },
		{ "104.16.0.0/", -EINVAL, 0, 0 },
		{ "104.16.0.0/-1", -EINVAL, 0, 0 },
		{ "104.16.0.0/024", -EINVAL, 0, 0 },
		{ "104.16.0/24", -EINVAL, 0, 0 },
		{ "104.16.0.0", -EINVAL, 0, 0 },
		{ "/24", -EINVAL, 0, 0 },
		{ "300.1.1.1/8", -EINVAL, 0, 0 },
		{ "1.2.3.4/8x", -EINVAL, 0, 0 },
	};
	return cr_make_param_array(struct pcase, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct pcase *c, ip, prefix_parse)
{
	struct prefix4 p = { 0, 0 };
	int r = prefix4_parse(c->in, &p);

	cr_assert_eq(r, c->ret, "%s: got %d", c->in, r);
	if (r == 0 || r == -EDOM) {
		cr_assert_eq(p.addr, c->addr, "%s", c->in);
		cr_assert_eq(p.len, c->len, "%s", c->in);
	}
}

Test(ip, addr_parse_rejects_shorthand)
{
	uint32_t a;

	cr_assert_eq(ip4_parse("10.1", &a), -EINVAL);
	cr_assert_eq(ip4_parse("010.1.1.1", &a), -EINVAL);
	cr_assert_eq(ip4_parse("1.2.3.4 ", &a), -EINVAL);
	cr_assert_eq(ip4_parse("255.255.255.255", &a), 0);
	cr_assert_eq(a, 0xffffffffu);
}

Test(ip, format_round_trip)
{
	char s[PREFIX4_STRLEN];
	struct prefix4 p = { 0x64400002, 31 }, q;

	cr_assert_str_eq(prefix4_str(&p, s), "100.64.0.2/31");
	cr_assert_eq(prefix4_parse(s, &q), 0);
	cr_assert(prefix4_eq(&p, &q));
	cr_assert_str_eq(ip4_str(0, s), "0.0.0.0");
}

Test(ip, containment_and_overlap)
{
	struct prefix4 a = { 0x64400000, 10 }, b = { 0x647f0000, 24 },
		       c = { 0x68100000, 24 }, all = { 0, 0 };

	cr_assert(prefix4_covers(&a, &b));
	cr_assert_not(prefix4_covers(&b, &a));
	cr_assert(prefix4_overlaps(&b, &a));
	cr_assert_not(prefix4_overlaps(&a, &c));
	cr_assert(prefix4_contains(&c, 0x68100001));
	cr_assert_not(prefix4_contains(&c, 0x68100100));
	cr_assert(prefix4_covers(&all, &c));
	cr_assert_eq(prefix4_mask(0), 0);
	cr_assert_eq(prefix4_mask(32), 0xffffffffu);
}

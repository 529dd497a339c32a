/*
 * The decision process, one row per tie-breaker.  In each row a is better
 * than b at exactly the named step while b is better at the later steps
 * wherever the values allow, so a row also shows the order of the steps;
 * each row runs both ways round.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "bgp/aspath.h"
#include "bgp/bgp.h"
#include "bgp/decide.h"

struct dcase {
	char name[24];
	struct bgp_cand a;	/* the better one */
	struct bgp_cand b;
	enum bgp_decide_step step;
};

/* Field order: local_pref, aspath_len, med, neighbor_as, bgp_id, addr,
 * origin, ibgp, local. */
#define CAND(lp, len, med, nas, id, addr, origin, ibgp, local) \
	{ lp, len, med, nas, id, addr, origin, ibgp, local, false, 0 }
/* The same with always-compare-med. */
#define CAND_ACM(lp, len, med, nas, id, addr, origin, ibgp, local) \
	{ lp, len, med, nas, id, addr, origin, ibgp, local, true, 0 }

ParameterizedTestParameters(decide, one_row_per_tie_breaker)
{
	static struct dcase cases[] = {
		{ "a local_pref",
		  CAND(200, 3, 50, 1, 9, 9, BGP_ORIGIN_INCOMPLETE, true, false),
		  CAND(100, 1, 0, 1, 1, 0, BGP_ORIGIN_IGP, false, false),
		  BGP_DECIDE_LOCAL_PREF },
		{ "b aspath",
		  CAND(100, 1, 50, 1, 9, 9, BGP_ORIGIN_INCOMPLETE, true, false),
		  CAND(100, 2, 0, 1, 1, 0, BGP_ORIGIN_IGP, false, false),
		  BGP_DECIDE_ASPATH },
		{ "c origin igp<egp",
		  CAND(100, 2, 50, 1, 9, 9, BGP_ORIGIN_IGP, true, false),
		  CAND(100, 2, 0, 1, 1, 0, BGP_ORIGIN_EGP, false, false),
		  BGP_DECIDE_ORIGIN },
		{ "c origin egp<incomplete",
		  CAND(100, 2, 50, 1, 9, 9, BGP_ORIGIN_EGP, true, false),
		  CAND(100, 2, 0, 1, 1, 0, BGP_ORIGIN_INCOMPLETE, false, false),
		  BGP_DECIDE_ORIGIN },
		{ "d med same AS",
		  CAND(100, 2, 10, 7018, 9, 9, BGP_ORIGIN_IGP, true, false),
		  CAND(100, 2, 20, 7018, 1, 0, BGP_ORIGIN_IGP, false, false),
		  BGP_DECIDE_MED },
		{ "e ebgp",
		  CAND(100, 2, 0, 1, 9, 9, BGP_ORIGIN_IGP, false, false),
		  CAND(100, 2, 0, 1, 1, 1, BGP_ORIGIN_IGP, true, false),
		  BGP_DECIDE_EBGP },
		{ "0 local",
		  CAND(50, 2, 90, 1, 9, 9, BGP_ORIGIN_INCOMPLETE, false, true),
		  CAND(200, 1, 0, 1, 1, 1, BGP_ORIGIN_IGP, false, false),
		  BGP_DECIDE_LOCAL },
		{ "d acm",
		  CAND_ACM(100, 2, 10, 7018, 9, 9, BGP_ORIGIN_IGP, false, false),
		  CAND_ACM(100, 2, 20, 3356, 1, 0, BGP_ORIGIN_IGP, false, false),
		  BGP_DECIDE_MED },
		{ "d med other AS",
		  CAND(100, 2, 10, 7018, 0x0a000001, 9, BGP_ORIGIN_IGP, false, false),
		  CAND(100, 2, 20, 3356, 0x0a000002, 0, BGP_ORIGIN_IGP, false, false),
		  BGP_DECIDE_BGP_ID },
		{ "f bgp id",
		  CAND(100, 2, 0, 1, 0x0a000001, 9, BGP_ORIGIN_IGP, false,
		       false),
		  CAND(100, 2, 0, 1, 0x0a000002, 1, BGP_ORIGIN_IGP, false,
		       false),
		  BGP_DECIDE_BGP_ID },
		{ "g peer addr",
		  CAND(100, 2, 0, 1, 5, 0xc0000201, BGP_ORIGIN_IGP, false,
		       false),
		  CAND(100, 2, 0, 1, 5, 0xc0000202, BGP_ORIGIN_IGP, false,
		       false),
		  BGP_DECIDE_ADDR },
	};
	return cr_make_param_array(struct dcase, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct dcase *c, decide, one_row_per_tie_breaker)
{
	enum bgp_decide_step s1 = BGP_DECIDE_NONE, s2 = BGP_DECIDE_NONE;
	int ab = bgp_decide_cmp(&c->a, &c->b, &s1);
	int ba = bgp_decide_cmp(&c->b, &c->a, &s2);

	cr_assert_lt(ab, 0, "%s: a should win", c->name);
	cr_assert_gt(ba, 0, "%s: a should win the other way round", c->name);
	cr_assert_eq(s1, c->step, "%s: step %s", c->name,
		     bgp_decide_step_str(s1));
	cr_assert_eq(s2, c->step, "%s: step %s", c->name,
		     bgp_decide_step_str(s2));
}

Test(decide, med_not_compared_across_neighbour_as)
{
	/* a has the lower MED but from another AS: the MED is skipped and
	 * the lower BGP identifier of b decides. */
	struct bgp_cand a = CAND(100, 2, 10, 1221, 9, 9, 0, false, false);
	struct bgp_cand b = CAND(100, 2, 20, 7018, 1, 1, 0, false, false);
	enum bgp_decide_step s;

	cr_assert_gt(bgp_decide_cmp(&a, &b, &s), 0);
	cr_assert_eq(s, BGP_DECIDE_BGP_ID);
	cr_assert_lt(bgp_decide_cmp(&b, &a, &s), 0);
	cr_assert_eq(s, BGP_DECIDE_BGP_ID);

	/* The same pair from one AS: the MED decides. */
	b.neighbor_as = 1221;
	cr_assert_lt(bgp_decide_cmp(&a, &b, &s), 0);
	cr_assert_eq(s, BGP_DECIDE_MED);
}

Test(decide, as_set_counts_one)
{
	/* 1221 {7018 3356 174} is 2 long; 1221 7018 3356 is 3 long. */
	static const uint8_t with_set[] = {
		BGP_AS_SEQUENCE, 1, 0, 0, 0x04, 0xc5,
		BGP_AS_SET, 3, 0, 0, 0x1b, 0x6a, 0, 0, 0x0d, 0x1c,
		0, 0, 0, 0xae,
	};
	static const uint8_t seq[] = {
		BGP_AS_SEQUENCE, 3, 0, 0, 0x04, 0xc5, 0, 0, 0x1b, 0x6a,
		0, 0, 0x0d, 0x1c,
	};
	struct bgp_cand a = CAND(100, 0, 0, 1221, 9, 9, 0, false, false);
	struct bgp_cand b = CAND(100, 0, 0, 1221, 1, 1, 0, false, false);
	enum bgp_decide_step s;

	a.aspath_len = aspath_count(with_set, sizeof(with_set));
	b.aspath_len = aspath_count(seq, sizeof(seq));
	cr_assert_eq(a.aspath_len, 2);
	cr_assert_eq(b.aspath_len, 3);
	cr_assert_lt(bgp_decide_cmp(&a, &b, &s), 0);
	cr_assert_eq(s, BGP_DECIDE_ASPATH);
	cr_assert_gt(bgp_decide_cmp(&b, &a, &s), 0);
	cr_assert_eq(s, BGP_DECIDE_ASPATH);
}

Test(decide, equal_paths_compare_zero)
{
	struct bgp_cand a = CAND(100, 2, 0, 1, 5, 5, 0, false, false);
	struct bgp_cand b = a;
	enum bgp_decide_step s = BGP_DECIDE_NONE;

	cr_assert_eq(bgp_decide_cmp(&a, &b, &s), 0);
	cr_assert_eq(s, BGP_DECIDE_EQUAL);
	cr_assert_eq(bgp_decide_cmp(&b, &a, NULL), 0);
}

Test(decide, step_names_are_distinct)
{
	enum bgp_decide_step i, j;

	for (i = BGP_DECIDE_NONE; i <= BGP_DECIDE_EQUAL; i++) {
		cr_assert_not_null(bgp_decide_step_str(i));
		for (j = BGP_DECIDE_NONE; j < i; j++)
			cr_assert_str_neq(bgp_decide_step_str(i),
					  bgp_decide_step_str(j));
	}
	cr_assert_str_eq(bgp_decide_step_str(BGP_DECIDE_ASPATH),
			 "shortest AS path");
}

static const char *fmt(enum bgp_decide_step s, const struct bgp_cand *a,
		       const struct bgp_cand *b, char *mem, size_t n)
{
	struct buf b_;

	buf_init(&b_, mem, n);
	bgp_decide_format(&b_, s, a, b);
	return buf_cstr(&b_);
}

Test(decide, format_gives_the_deciding_values)
{
	struct bgp_cand a = CAND(200, 1, 10, 7018, 0x0a000001, 0xc0000201,
				 BGP_ORIGIN_IGP, false, false);
	struct bgp_cand b = CAND(100, 2, 20, 7018, 0x0a000002, 0xc0000202,
				 BGP_ORIGIN_INCOMPLETE, false, false);
	char mem[96];

	cr_assert_str_eq(fmt(BGP_DECIDE_ASPATH, &a, &b, mem, sizeof(mem)),
			 "shortest AS path (1 < 2)");
	cr_assert_str_eq(fmt(BGP_DECIDE_LOCAL_PREF, &a, &b, mem, sizeof(mem)),
			 "highest local preference (200 > 100)");
	cr_assert_str_eq(fmt(BGP_DECIDE_ORIGIN, &a, &b, mem, sizeof(mem)),
			 "lowest origin (IGP < incomplete)");
	cr_assert_str_eq(fmt(BGP_DECIDE_MED, &a, &b, mem, sizeof(mem)),
			 "lowest MED (10 < 20, AS7018)");
	cr_assert_str_eq(fmt(BGP_DECIDE_BGP_ID, &a, &b, mem, sizeof(mem)),
			 "lowest BGP identifier (10.0.0.1 < 10.0.0.2)");
	cr_assert_str_eq(fmt(BGP_DECIDE_ADDR, &a, &b, mem, sizeof(mem)),
			 "lowest peer address (192.0.2.1 < 192.0.2.2)");
	cr_assert_str_eq(fmt(BGP_DECIDE_ONLY, &a, NULL, mem, sizeof(mem)),
			 "only path");
}

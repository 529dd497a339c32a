/*
 * AS_PATH helpers (aspath.h): every function, on exact bytes, including
 * the RFC 6793 §4.2.3 reconstruction and the bounds of every writer.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <string.h>

#include "bgp/aspath.h"
#include "bgp/bgp.h"

#define SEQ	BGP_AS_SEQUENCE
#define SET	BGP_AS_SET
#define CSEQ	BGP_AS_CONFED_SEQUENCE
#define CSET	BGP_AS_CONFED_SET

/* One 4-octet AS number, big-endian. */
#define A4(x)	(uint8_t)((x) >> 24), (uint8_t)((x) >> 16), \
		(uint8_t)((x) >> 8), (uint8_t)(x)
#define A2(x)	(uint8_t)((x) >> 8), (uint8_t)(x)

/* --- aspath_check --- */

struct check_case {
	char name[64];		/* by value: workers get a copy */
	uint8_t bytes[24];
	size_t len;
	unsigned as_size;
	int want;
};

ParameterizedTestParameters(aspath, check)
{
	static struct check_case cases[] = {
		{ "empty path", { 0 }, 0, 4, 0 },
		{ "one sequence", { SEQ, 2, A4(1221), A4(13335) }, 10, 4, 0 },
		{ "set then sequence", { SET, 1, A4(7), SEQ, 1, A4(8) }, 12, 4,
		  0 },
		{ "confed segments", { CSEQ, 1, A4(1), CSET, 1, A4(2) }, 12, 4,
		  0 },
		{ "2-octet", { SEQ, 3, A2(1), A2(2), A2(3) }, 8, 2, 0 },
		{ "type 0", { 0, 1, A4(1) }, 6, 4, -EINVAL },
		{ "type 5", { 5, 1, A4(1) }, 6, 4, -EINVAL },
		{ "empty segment", { SEQ, 0 }, 2, 4, -EINVAL },
		{ "count past the end", { SEQ, 2, A4(1) }, 6, 4, -EINVAL },
		{ "count short of the end", { SEQ, 1, A4(1), A4(2) }, 10, 4,
		  -EINVAL },
		{ "lone type octet", { SEQ }, 1, 4, -EINVAL },
		{ "4-octet read as 2-octet", { SEQ, 1, A4(1) }, 6, 2,
		  -EINVAL },
	};

	return cr_make_param_array(struct check_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct check_case *c, aspath, check)
{
	cr_assert_eq(aspath_check(c->bytes, c->len, c->as_size), c->want,
		     "%s", c->name);
}

/* --- aspath_widen / aspath_narrow --- */

Test(aspath, widen_exact_bytes)
{
	const uint8_t in[] = { SEQ, 2, A2(1221), A2(23456), SET, 1, A2(7) };
	const uint8_t want[] = { SEQ, 2, A4(1221), A4(23456), SET, 1, A4(7) };
	uint8_t out[32];

	cr_assert_eq(aspath_widen(in, sizeof(in), out, sizeof(out)),
		     (int)sizeof(want));
	cr_assert_arr_eq(out, want, sizeof(want));
}

Test(aspath, widen_respects_cap)
{
	const uint8_t in[] = { SEQ, 2, A2(1), A2(2) };
	uint8_t out[10];

	cr_assert_eq(aspath_widen(in, sizeof(in), out, 9), -ENOSPC);
	cr_assert_eq(aspath_widen(in, sizeof(in), out, 10), 10);
	cr_assert_eq(aspath_widen(in, 0, out, 0), 0);
}

Test(aspath, narrow_maps_big_as_to_as_trans)
{
	const uint8_t in[] = { SEQ, 2, A4(65001), A4(4200000001u),
			       SET, 1, A4(70000) };
	const uint8_t want[] = { SEQ, 2, A2(65001), A2(23456), SET, 1,
				 A2(23456) };
	uint8_t out[16];
	bool lossy = false;

	cr_assert_eq(aspath_narrow(in, sizeof(in), out, sizeof(out), &lossy),
		     (int)sizeof(want));
	cr_assert_arr_eq(out, want, sizeof(want));
	cr_assert(lossy);
}

Test(aspath, narrow_without_loss)
{
	const uint8_t in[] = { SEQ, 1, A4(65535) };
	const uint8_t want[] = { SEQ, 1, A2(65535) };
	uint8_t out[4];
	bool lossy = true;

	cr_assert_eq(aspath_narrow(in, sizeof(in), out, sizeof(out), &lossy),
		     4);
	cr_assert_arr_eq(out, want, 4);
	cr_assert_not(lossy);
	cr_assert_eq(aspath_narrow(in, sizeof(in), out, 3, &lossy), -ENOSPC);
}

/* --- aspath_count / contains / first_as --- */

Test(aspath, count_sets_as_one_and_confeds_as_zero)
{
	const uint8_t p[] = { CSEQ, 2, A4(1), A4(2), SEQ, 2, A4(3), A4(4),
			      SET, 3, A4(5), A4(6), A4(7), CSET, 1, A4(8) };

	cr_assert_eq(aspath_count(p, sizeof(p)), 3);
	cr_assert_eq(aspath_count(p, 0), 0);
}

Test(aspath, contains_looks_in_every_segment)
{
	const uint8_t p[] = { SEQ, 1, A4(1221), SET, 2, A4(7018),
			      A4(4200000001u) };

	cr_assert(aspath_contains(p, sizeof(p), 1221));
	cr_assert(aspath_contains(p, sizeof(p), 4200000001u));
	cr_assert_not(aspath_contains(p, sizeof(p), 13335));
	cr_assert_not(aspath_contains(p, 0, 0));
}

Test(aspath, first_as_only_from_a_leading_sequence)
{
	const uint8_t seq[] = { SEQ, 2, A4(1221), A4(13335) };
	const uint8_t set[] = { SET, 1, A4(1221) };

	cr_assert_eq(aspath_first_as(seq, sizeof(seq)), 1221);
	cr_assert_eq(aspath_first_as(set, sizeof(set)), 0);
	cr_assert_eq(aspath_first_as(seq, 0), 0);
	cr_assert_eq(aspath_first_as(seq, 5), 0);
}

/* --- aspath_prepend --- */

Test(aspath, prepend_extends_leading_sequence)
{
	const uint8_t in[] = { SEQ, 1, A4(13335) };
	const uint8_t want[] = { SEQ, 2, A4(1221), A4(13335) };
	uint8_t out[16];

	cr_assert_eq(aspath_prepend(in, sizeof(in), 1221, out, sizeof(out)),
		     10);
	cr_assert_arr_eq(out, want, sizeof(want));
}

Test(aspath, prepend_in_place)
{
	uint8_t p[16] = { SEQ, 2, A4(7018), A4(13335) };
	const uint8_t want[] = { SEQ, 3, A4(1221), A4(7018), A4(13335) };

	cr_assert_eq(aspath_prepend(p, 10, 1221, p, sizeof(p)), 14);
	cr_assert_arr_eq(p, want, sizeof(want));
}

Test(aspath, prepend_new_segment_before_set_or_empty)
{
	const uint8_t in[] = { SET, 1, A4(7) };
	const uint8_t want[] = { SEQ, 1, A4(9), SET, 1, A4(7) };
	const uint8_t empty[1] = { 0 };
	uint8_t out[16];

	cr_assert_eq(aspath_prepend(in, sizeof(in), 9, out, sizeof(out)), 12);
	cr_assert_arr_eq(out, want, sizeof(want));
	cr_assert_eq(aspath_prepend(empty, 0, 9, out, sizeof(out)), 6);
	cr_assert_arr_eq(out, ((uint8_t[]){ SEQ, 1, A4(9) }), 6);
}

Test(aspath, prepend_full_sequence_starts_another)
{
	static uint8_t in[2 + 255 * 4], out[sizeof(in) + 6];
	unsigned i;

	in[0] = SEQ;
	in[1] = 255;
	for (i = 0; i < 255; i++)
		in[2 + i * 4 + 3] = (uint8_t)(i + 1);
	cr_assert_eq(aspath_prepend(in, sizeof(in), 9, out, sizeof(out)),
		     (int)sizeof(out));
	cr_assert_arr_eq(out, ((uint8_t[]){ SEQ, 1, A4(9), SEQ, 255 }), 8);
	cr_assert_arr_eq(out + 6, in, sizeof(in));
	cr_assert_eq(aspath_prepend(in, sizeof(in), 9, out, sizeof(out) - 1),
		     -ENOSPC);
}

Test(aspath, prepend_respects_cap)
{
	const uint8_t in[] = { SEQ, 1, A4(1) };
	uint8_t out[10];

	cr_assert_eq(aspath_prepend(in, sizeof(in), 2, out, 9), -ENOSPC);
	cr_assert_eq(aspath_prepend(in, sizeof(in), 2, out, 10), 10);
}

/* --- aspath_merge_as4 (RFC 6793 §4.2.3) --- */

Test(aspath, merge_replaces_as_trans_tail)
{
	/* AS_PATH from the 2-octet peer, widened; AS4_PATH has the two
	 * ASes that went through 4-octet speakers. */
	const uint8_t path[] = { SEQ, 3, A4(65001), A4(23456), A4(23456) };
	const uint8_t as4[] = { SEQ, 2, A4(4200000099u), A4(4200000001u) };
	const uint8_t want[] = { SEQ, 1, A4(65001),
				 SEQ, 2, A4(4200000099u), A4(4200000001u) };
	uint8_t out[64];

	cr_assert_eq(aspath_merge_as4(path, sizeof(path), as4, sizeof(as4),
				      out, sizeof(out)), (int)sizeof(want));
	cr_assert_arr_eq(out, want, sizeof(want));
}

Test(aspath, merge_ignores_longer_as4_path)
{
	const uint8_t path[] = { SEQ, 1, A4(23456) };
	const uint8_t as4[] = { SEQ, 2, A4(4200000099u), A4(4200000001u) };
	uint8_t out[64];

	cr_assert_eq(aspath_merge_as4(path, sizeof(path), as4, sizeof(as4),
				      out, sizeof(out)), (int)sizeof(path));
	cr_assert_arr_eq(out, path, sizeof(path));
}

Test(aspath, merge_equal_length_takes_as4_path)
{
	const uint8_t path[] = { SEQ, 2, A4(23456), A4(23456) };
	const uint8_t as4[] = { SEQ, 2, A4(4200000099u), A4(4200000001u) };
	uint8_t out[64];

	cr_assert_eq(aspath_merge_as4(path, sizeof(path), as4, sizeof(as4),
				      out, sizeof(out)), (int)sizeof(as4));
	cr_assert_arr_eq(out, as4, sizeof(as4));
}

Test(aspath, merge_counts_a_set_as_one)
{
	const uint8_t path[] = { SET, 2, A4(1), A4(2), SEQ, 1, A4(23456) };
	const uint8_t as4[] = { SEQ, 1, A4(4200000001u) };
	const uint8_t want[] = { SET, 2, A4(1), A4(2),
				 SEQ, 1, A4(4200000001u) };
	uint8_t out[64];

	cr_assert_eq(aspath_merge_as4(path, sizeof(path), as4, sizeof(as4),
				      out, sizeof(out)), (int)sizeof(want));
	cr_assert_arr_eq(out, want, sizeof(want));
}

Test(aspath, merge_keeps_leading_confed_segments)
{
	const uint8_t path[] = { CSEQ, 1, A4(64512), SEQ, 2, A4(65001),
				 A4(23456) };
	const uint8_t as4[] = { SEQ, 1, A4(4200000001u) };
	const uint8_t want[] = { CSEQ, 1, A4(64512), SEQ, 1, A4(65001),
				 SEQ, 1, A4(4200000001u) };
	uint8_t out[64];

	cr_assert_eq(aspath_merge_as4(path, sizeof(path), as4, sizeof(as4),
				      out, sizeof(out)), (int)sizeof(want));
	cr_assert_arr_eq(out, want, sizeof(want));
}

Test(aspath, merge_respects_cap)
{
	const uint8_t path[] = { SEQ, 2, A4(65001), A4(23456) };
	const uint8_t as4[] = { SEQ, 1, A4(4200000001u) };
	uint8_t out[64];

	/* 6 for the kept head, 6 for AS4_PATH. */
	cr_assert_eq(aspath_merge_as4(path, sizeof(path), as4, sizeof(as4),
				      out, 11), -ENOSPC);
	cr_assert_eq(aspath_merge_as4(path, sizeof(path), as4, sizeof(as4),
				      out, 12), 12);
	cr_assert_eq(aspath_merge_as4(path, sizeof(path), as4, sizeof(as4),
				      out, 5), -ENOSPC);
}

/* --- aspath_format --- */

Test(aspath, format_all_segment_kinds)
{
	const uint8_t p[] = { CSEQ, 1, A4(64512), SEQ, 2, A4(1221), A4(7018),
			      SET, 2, A4(3356), A4(4200000001u),
			      CSET, 1, A4(64513) };
	char s[128];
	int n = aspath_format(p, sizeof(p), s, sizeof(s));

	cr_assert_str_eq(s, "(64512) 1221 7018 {3356 4200000001} [64513]");
	cr_assert_eq(n, (int)strlen(s));
}

Test(aspath, format_truncates_like_snprintf)
{
	const uint8_t p[] = { SEQ, 2, A4(1221), A4(13335) };
	char s[6];

	cr_assert_eq(aspath_format(p, sizeof(p), s, sizeof(s)), 10);
	cr_assert_str_eq(s, "1221 ");
	cr_assert_eq(aspath_format(p, sizeof(p), NULL, 0), 10);
}

Test(aspath, format_empty_path)
{
	const uint8_t none[1] = { 0 };
	char s[4] = "xyz";

	cr_assert_eq(aspath_format(none, 0, s, sizeof(s)), 0);
	cr_assert_str_eq(s, "");
}

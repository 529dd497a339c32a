/*
 * The policy rules (bgp/policy.c): the Gao-Rexford export table, one row
 * for every source and every destination; LOCAL_PREF by relationship,
 * link and action community; the well-known communities; action
 * communities honoured for customers only; community syntax; the MRAI
 * interval with its jitter on a fake clock; and an origin's prepend
 * encoded for 2- and 4-octet peers.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "bgp/aspath.h"
#include "bgp/attr.h"
#include "bgp/bgp.h"
#include "bgp/msg.h"
#include "bgp/policy.h"

static void put32(uint8_t *q, uint32_t v)
{
	q[0] = (uint8_t)(v >> 24);
	q[1] = (uint8_t)(v >> 16);
	q[2] = (uint8_t)(v >> 8);
	q[3] = (uint8_t)v;
}

/* A route source with standard communities v[0..n). */
static struct bgp_route_src src(bool local, enum bgp_role from,
				const uint32_t *v, size_t n, uint8_t *mem)
{
	struct bgp_route_src s = { .local = local, .from = from };
	size_t i;

	for (i = 0; i < n; i++)
		put32(mem + i * 4, v[i]);
	s.comms.std = n ? mem : NULL;
	s.comms.std_len = n * 4;
	return s;
}

Test(policy, export_table_every_source_to_every_neighbour)
{
	/* Rows: originated here, then learned from NONE, CUSTOMER, PEER,
	 * PROVIDER; columns: to NONE, CUSTOMER, PEER, PROVIDER. */
	static const bool sent[5][4] = {
		{ true, true, true, true },	/* ours: to everyone */
		{ true, true, true, true },	/* no relationship: everywhere */
		{ true, true, true, true },	/* from a customer: everywhere */
		{ true, true, false, false },	/* from a peer: customers only */
		{ true, true, false, false },	/* from a provider: likewise */
	};
	struct bgp_policy p;
	uint8_t mem[4];
	int row, to;

	bgp_policy_defaults(&p);
	for (row = 0; row < 5; row++) {
		for (to = 0; to < BGP_ROLES; to++) {
			const struct bgp_action *act;
			struct bgp_route_src s = src(row == 0,
						     (enum bgp_role)(row ? row - 1 : 0),
						     NULL, 0, mem);
			enum bgp_hold h = bgp_policy_export(&p, &s, (enum bgp_role)to,
							    64500, &act);

			cr_assert_eq(h == BGP_HOLD_NONE, sent[row][to],
				     "row %d to %s: got hold %d", row,
				     bgp_role_name((enum bgp_role)to), h);
			if (!sent[row][to])
				cr_assert_eq(h, BGP_HOLD_VALLEY);
		}
	}
}

Test(policy, valley_hold_reads_as_a_sentence)
{
	uint8_t mem[128];
	struct buf b;

	buf_init(&b, mem, sizeof(mem));
	bgp_hold_format(&b, BGP_HOLD_VALLEY, BGP_ROLE_PROVIDER, BGP_ROLE_PEER);
	cr_assert_str_eq(buf_cstr(&b),
			 "valley-free: learned from a provider, not sent to a peer");
}

Test(policy, local_pref_by_role_link_and_action)
{
	static const struct bgp_action acts[] = {
		{ .comm = { .a = 3356, .b = 70 }, .kind = BGP_ACTION_LOCAL_PREF,
		  .value = 70 },
	};
	const struct bgp_action *act;
	struct bgp_policy p;
	struct bgp_route_src s;
	uint32_t c70 = 3356u << 16 | 70;
	uint8_t mem[4];

	bgp_policy_defaults(&p);
	p.actions = acts;
	p.nactions = 1;
	s = src(false, BGP_ROLE_NONE, NULL, 0, mem);
	cr_assert_eq(bgp_policy_import_lp(&p, BGP_ROLE_CUSTOMER, 0, &s.comms, &act), 200);
	cr_assert_eq(bgp_policy_import_lp(&p, BGP_ROLE_PEER, 0, &s.comms, &act), 100);
	cr_assert_eq(bgp_policy_import_lp(&p, BGP_ROLE_PROVIDER, 0, &s.comms, &act), 50);
	cr_assert_eq(bgp_policy_import_lp(&p, BGP_ROLE_NONE, 0, &s.comms, &act), 100);
	cr_assert_null(act);
	/* The link's value over the role's. */
	cr_assert_eq(bgp_policy_import_lp(&p, BGP_ROLE_PEER, 120, &s.comms, &act), 120);
	/* A customer's action community over both. */
	s = src(false, BGP_ROLE_CUSTOMER, &c70, 1, mem);
	cr_assert_eq(bgp_policy_import_lp(&p, BGP_ROLE_CUSTOMER, 200, &s.comms, &act), 70);
	cr_assert_eq(act, &acts[0]);
	/* A peer cannot steer us with it. */
	cr_assert_eq(bgp_policy_import_lp(&p, BGP_ROLE_PEER, 100, &s.comms, &act), 100);
	cr_assert_null(act);
}

Test(policy, well_known_communities)
{
	static const uint32_t ne = BGP_COMM_NO_EXPORT, na = BGP_COMM_NO_ADVERTISE,
			      nes = BGP_COMM_NO_EXPORT_SUBCONFED;
	const struct bgp_action *act;
	struct bgp_policy p;
	struct bgp_route_src s;
	uint8_t mem[4];

	bgp_policy_defaults(&p);
	s = src(false, BGP_ROLE_CUSTOMER, &ne, 1, mem);
	cr_assert_eq(bgp_policy_export(&p, &s, BGP_ROLE_CUSTOMER, 1, &act),
		     BGP_HOLD_NO_EXPORT);
	s = src(false, BGP_ROLE_CUSTOMER, &nes, 1, mem);
	cr_assert_eq(bgp_policy_export(&p, &s, BGP_ROLE_PEER, 1, &act),
		     BGP_HOLD_NO_EXPORT);
	s = src(false, BGP_ROLE_NONE, &na, 1, mem);
	cr_assert_eq(bgp_policy_export(&p, &s, BGP_ROLE_NONE, 1, &act),
		     BGP_HOLD_NO_ADVERTISE);
	/* The origin attaches them for its neighbour; it still sends. */
	s = src(true, BGP_ROLE_NONE, &ne, 1, mem);
	cr_assert_eq(bgp_policy_export(&p, &s, BGP_ROLE_PROVIDER, 1, &act),
		     BGP_HOLD_NONE);
}

Test(policy, action_communities_for_customers_only)
{
	static const struct bgp_action acts[] = {
		{ .comm = { .a = 2914, .b = 666 }, .kind = BGP_ACTION_NO_ANNOUNCE,
		  .to_as = 1299 },
		{ .comm = { .a = 2914, .b = 421 }, .kind = BGP_ACTION_PREPEND,
		  .value = 1, .to_as = 1299 },
		{ .comm = { .a = 2914, .b = 423 }, .kind = BGP_ACTION_PREPEND,
		  .value = 3 },
		{ .comm = { .large = true, .a = 2914, .b = 1, .c = 7 },
		  .kind = BGP_ACTION_NO_ANNOUNCE, .to_as = 3356 },
	};
	uint32_t v[2] = { 2914u << 16 | 666, 2914u << 16 | 421 };
	uint32_t w = 2914u << 16 | 423;
	const struct bgp_action *act;
	struct bgp_policy p;
	struct bgp_route_src s;
	uint8_t mem[8], big[12];

	bgp_policy_defaults(&p);
	p.actions = acts;
	p.nactions = 4;
	s = src(false, BGP_ROLE_CUSTOMER, v, 2, mem);
	cr_assert_eq(bgp_policy_export(&p, &s, BGP_ROLE_PEER, 1299, &act),
		     BGP_HOLD_ACTION);
	cr_assert_eq(act, &acts[0]);
	cr_assert_eq(bgp_policy_export(&p, &s, BGP_ROLE_PEER, 3356, &act),
		     BGP_HOLD_NONE);
	cr_assert_eq(bgp_policy_prepend(&p, &s, 1299, &act), 1);
	cr_assert_eq(bgp_policy_prepend(&p, &s, 3356, &act), 0);
	cr_assert_null(act);
	/* From a peer: neither honoured (and valley-free keeps it from
	 * peers anyway; toward a customer it goes as it came). */
	s = src(false, BGP_ROLE_PEER, v, 2, mem);
	cr_assert_eq(bgp_policy_export(&p, &s, BGP_ROLE_CUSTOMER, 1299, &act),
		     BGP_HOLD_NONE);
	cr_assert_eq(bgp_policy_prepend(&p, &s, 1299, &act), 0);
	/* "Every neighbour" prepends, the largest one applying. */
	s = src(false, BGP_ROLE_CUSTOMER, &w, 1, mem);
	cr_assert_eq(bgp_policy_prepend(&p, &s, 64500, &act), 3);
	cr_assert_eq(act, &acts[2]);
	/* A large community action. */
	s = src(false, BGP_ROLE_CUSTOMER, NULL, 0, mem);
	put32(big, 2914);
	put32(big + 4, 1);
	put32(big + 8, 7);
	s.comms.large = big;
	s.comms.large_len = 12;
	cr_assert_eq(bgp_policy_export(&p, &s, BGP_ROLE_PEER, 3356, &act),
		     BGP_HOLD_ACTION);
	cr_assert_eq(act, &acts[3]);
}

Test(policy, community_syntax)
{
	struct bgp_comm c;
	uint8_t mem[32];
	struct buf b;

	cr_assert_eq(bgp_comm_parse("65000:100", &c), 0);
	cr_assert(!c.large);
	cr_assert_eq(bgp_comm_std(&c), 65000u << 16 | 100);
	cr_assert_eq(bgp_comm_parse("13335:1:4294967295", &c), 0);
	cr_assert(c.large);
	cr_assert_eq(c.c, 4294967295u);
	cr_assert_eq(bgp_comm_parse("no-export", &c), 0);
	cr_assert_eq(bgp_comm_std(&c), BGP_COMM_NO_EXPORT);
	cr_assert_eq(bgp_comm_parse("65536:1", &c), -ERANGE);
	cr_assert_eq(bgp_comm_parse("1:65536", &c), -ERANGE);
	cr_assert_eq(bgp_comm_parse("1:2:4294967296", &c), -ERANGE);
	cr_assert_eq(bgp_comm_parse("1:2:99999999999999999999", &c), -ERANGE);
	cr_assert_eq(bgp_comm_parse("65000", &c), -EINVAL);
	cr_assert_eq(bgp_comm_parse("1:2:3:4", &c), -EINVAL);
	cr_assert_eq(bgp_comm_parse("a:b", &c), -EINVAL);
	cr_assert_eq(bgp_comm_parse("1::2", &c), -EINVAL);
	cr_assert_eq(bgp_comm_parse("-1:2", &c), -EINVAL);
	cr_assert_eq(bgp_comm_parse("", &c), -EINVAL);
	/* Well-known values print by name. */
	bgp_comm_parse("65535:65281", &c);
	buf_init(&b, mem, sizeof(mem));
	bgp_comm_format(&b, &c);
	cr_assert_str_eq(buf_cstr(&b), "no-export");
}

Test(policy, mrai_interval_with_jitter_on_a_fake_clock)
{
	struct bgp_mrai m = { 0 };
	uint32_t j;

	cr_assert(bgp_mrai_open(&m, 0));
	/* MRAI 0: never closes. */
	cr_assert_eq(bgp_mrai_sent(&m, 1000, 0, 12345), 0);
	cr_assert(bgp_mrai_open(&m, 1000));
	/* The smallest factor, 0.75. */
	j = bgp_mrai_sent(&m, 1000, 30000, 0);
	cr_assert_eq(j, 22500);
	cr_assert(!bgp_mrai_open(&m, 1000));
	cr_assert(!bgp_mrai_open(&m, 23499));
	cr_assert(bgp_mrai_open(&m, 23500));
	/* The largest, just under 1. */
	j = bgp_mrai_sent(&m, 0, 30000, 0xffffffffu);
	cr_assert(j >= 29999 && j < 30000, "got %u", j);
	/* Halfway: 0.875. */
	j = bgp_mrai_sent(&m, 0, 30000, 0x80000000u);
	cr_assert_eq(j, 26250);
}

/* An origin's prepend to a 2-octet peer: AS_TRANS on the wire, the true
 * path in AS4_PATH, and a 4-octet peer's decoder reads it back whole. */
Test(policy, prepend_encodes_for_two_and_four_octet_peers)
{
	const uint32_t as = 4200000001u;
	uint8_t p1[64], p2[64], msg[512], scratch[BGP_UPDATE_SCRATCH];
	const struct bgp_decode_ctx ctx2 = { .as4 = false, .ebgp = true,
					     .peer_as = as };
	struct bgp_attr_result r;
	struct bgp_attrs a, back;
	struct buf b;
	int n;

	n = aspath_prepend(NULL, 0, as, p1, sizeof(p1));
	cr_assert_gt(n, 0);
	n = aspath_prepend(p1, (size_t)n, as, p2, sizeof(p2));
	n = aspath_prepend(p2, (size_t)n, as, p1, sizeof(p1));
	cr_assert_eq(aspath_count(p1, (size_t)n), 3);
	memset(&a, 0, sizeof(a));
	a.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
		    BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	a.aspath = p1;
	a.aspath_len = (uint16_t)n;
	a.nexthop = 0x0a000001;
	buf_init(&b, msg, sizeof(msg));
	bgp_attrs_encode(&b, &a, false);
	cr_assert_eq(b.err, 0);
	/* AS_PATH of 3 × AS_TRANS (2 octets each) and an AS4_PATH. */
	cr_assert(memmem(msg, b.len, "\x02\x03\x5b\xa0\x5b\xa0\x5b\xa0", 8) != NULL);
	cr_assert(memchr(msg, BGP_ATTR_AS4_PATH, b.len) != NULL);
	cr_assert_eq(bgp_attrs_decode(msg, b.len, &ctx2, true, &back, scratch,
				      sizeof(scratch), &r), 0);
	cr_assert_eq(r.action, BGP_ACT_OK);
	cr_assert_eq(aspath_count(back.aspath, back.aspath_len), 3);
	cr_assert(aspath_contains(back.aspath, back.aspath_len, as));
	cr_assert_eq(aspath_first_as(back.aspath, back.aspath_len), as);
	/* To a 4-octet peer: the AS itself, no AS4_PATH. */
	buf_init(&b, msg, sizeof(msg));
	bgp_attrs_encode(&b, &a, true);
	cr_assert_eq(b.err, 0);
	cr_assert(memmem(msg, b.len, "\x02\x03\xfa\x56\xea\x01", 6) != NULL);
}

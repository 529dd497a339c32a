/*
 * Echo replies with a recorded route, as a raw ICMP socket returns them:
 * the bytes below are a real reply layout (IPv4 header with a NOP and a
 * 39-octet RR option, then ICMP), built field by field.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "net/probe.h"

static size_t build_reply(uint8_t *pkt, const uint32_t *rr, unsigned nrr,
			  uint16_t id, uint16_t seq, uint64_t ts)
{
	uint8_t icmp[64];
	size_t ilen, i;

	ilen = probe_build_request(icmp, sizeof(icmp), id, seq, ts);
	icmp[0] = 0;				/* echo reply */
	icmp[2] = icmp[3] = 0;
	{
		uint32_t sum = 0;

		for (i = 0; i + 1 < ilen; i += 2)
			sum += (uint32_t)(icmp[i] << 8 | icmp[i + 1]);
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		icmp[2] = (uint8_t)(~sum >> 8);
		icmp[3] = (uint8_t)~sum;
	}
	memset(pkt, 0, 60);
	pkt[0] = 0x4f;				/* version 4, 15 words */
	pkt[2] = (uint8_t)((60 + ilen) >> 8);
	pkt[3] = (uint8_t)(60 + ilen);
	pkt[8] = 62;
	pkt[9] = 1;				/* ICMP */
	pkt[12] = 104; pkt[13] = 16; pkt[14] = 0; pkt[15] = 1;
	probe_rr_option(pkt + 20);
	pkt[23] = (uint8_t)(4 + 4 * nrr);	/* pointer past the last */
	for (i = 0; i < nrr; i++) {
		pkt[24 + 4 * i] = (uint8_t)(rr[i] >> 24);
		pkt[25 + 4 * i] = (uint8_t)(rr[i] >> 16);
		pkt[26 + 4 * i] = (uint8_t)(rr[i] >> 8);
		pkt[27 + 4 * i] = (uint8_t)rr[i];
	}
	memcpy(pkt + 60, icmp, ilen);
	return 60 + ilen;
}

static long pop_of(void *ctx, uint32_t addr)
{
	(void)ctx;
	return addr == 0x64400018 ? 42 : -1;	/* 100.64.0.24: telstra's end */
}

Test(probe, parses_route_and_finds_the_pop)
{
	static const uint32_t rr[] = { 0x6440000c, 0x64400018, 0x68100001,
				       0x68100001, 0x6440000d, 0x6440000c };
	struct probe_reply r;
	uint8_t pkt[128];
	size_t len = build_reply(pkt, rr, 6, 0x1234, 7, 0x0102030405060708ull);

	cr_assert_eq(probe_parse_reply(pkt, len, &r), 0);
	cr_assert_eq(r.id, 0x1234);
	cr_assert_eq(r.seq, 7);
	cr_assert_eq(r.sent_ns, 0x0102030405060708ull);
	cr_assert_eq(r.src, 0x68100001);
	cr_assert_eq(r.nrr, 6);
	cr_assert_arr_eq(r.rr, rr, sizeof(rr));
	cr_assert_eq(probe_answering_pop(&r, 0x68100001, pop_of, NULL), 42);
}

Test(probe, no_anycast_in_route_means_no_pop)
{
	static const uint32_t rr[] = { 0x6440000c, 0x64400018 };
	struct probe_reply r;
	uint8_t pkt[128];
	size_t len = build_reply(pkt, rr, 2, 1, 1, 1);

	cr_assert_eq(probe_parse_reply(pkt, len, &r), 0);
	cr_assert_eq(probe_answering_pop(&r, 0x68100001, pop_of, NULL), -1);
}

Test(probe, refuses_what_is_not_our_echo_reply)
{
	static const uint32_t rr[] = { 1, 2 };
	struct probe_reply r;
	uint8_t pkt[128], bad[128];
	size_t len = build_reply(pkt, rr, 2, 1, 1, 1), i;

	for (i = 0; i < len; i++)		/* every truncation */
		cr_assert_neq(probe_parse_reply(pkt, i, &r), 0, "len %zu", i);
	memcpy(bad, pkt, len);
	bad[60] = 8;				/* an echo request */
	cr_assert_neq(probe_parse_reply(bad, len, &r), 0);
	memcpy(bad, pkt, len);
	bad[len - 1] ^= 0xff;			/* checksum no longer holds */
	cr_assert_neq(probe_parse_reply(bad, len, &r), 0);
	memcpy(bad, pkt, len);
	bad[69] = 'X';				/* not our magic */
	cr_assert_neq(probe_parse_reply(bad, len, &r), 0);
	memcpy(bad, pkt, len);
	bad[22] = 60;				/* option length past the header */
	cr_assert_neq(probe_parse_reply(bad, len, &r), 0);
	memcpy(bad, pkt, len);
	bad[0] = 0x44;				/* header shorter than 20 */
	cr_assert_neq(probe_parse_reply(bad, len, &r), 0);
}

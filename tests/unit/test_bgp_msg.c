/*
 * BGP message codec (msg.h): framing, every message type both ways on
 * exact bytes, the malformed inputs with the NOTIFICATION each must
 * produce, the UPDATE writer's packing, and real messages captured from
 * BIRD.
 *
 * The captured messages come from two BIRD 2.0.12 daemons (Debian 12
 * bird2 package) in a pair of network namespaces joined by a veth, read
 * off the wire with tcpdump on port 179.  Speaker A (router id 192.0.2.1)
 * ran two sessions towards B (AS 65002): one as AS 4200000001 with 4-octet
 * AS support on both sides, one as AS 65001 towards a B configured with
 * "enable as4 off", exporting routes prepended with 4200000099.  A
 * exported four static routes with MED 50 and two communities, then
 * withdrew three, then was shut down with "disable p4 <message>" and
 * "down".  One more comes from the interop tests (tests/interop): BIRD's
 * Cease for "disable al" with a message that is not UTF-8.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/aspath.h"
#include "bgp/msg.h"

#define MARKER	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, \
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff

/* --- captured from BIRD 2.0.12 --- */

/* A's OPEN on the 4-octet session: AS_TRANS in My AS, hold 90, id
 * 192.0.2.1; capabilities MP IPv4 unicast, route refresh, graceful
 * restart (120 s), 4-octet AS 4200000001, enhanced route refresh and
 * long-lived graceful restart (71, empty). */
static const uint8_t bird_open_as4[] = {
	MARKER,
	0x00, 0x35, 0x01, 0x04, 0x5b, 0xa0, 0x00, 0x5a,
	0xc0, 0x00, 0x02, 0x01, 0x18, 0x02, 0x16, 0x01,
	0x04, 0x00, 0x01, 0x00, 0x01, 0x02, 0x00, 0x40,
	0x02, 0x00, 0x78, 0x41, 0x04, 0xfa, 0x56, 0xea,
	0x01, 0x46, 0x00, 0x47, 0x00
};

/* B's OPEN with "enable as4 off": AS 65002, no AS4 capability. */
static const uint8_t bird_open_old[] = {
	MARKER,
	0x00, 0x2f, 0x01, 0x04, 0xfd, 0xea, 0x00, 0x5a,
	0xc0, 0x00, 0x02, 0x02, 0x12, 0x02, 0x10, 0x01,
	0x04, 0x00, 0x01, 0x00, 0x01, 0x02, 0x00, 0x40,
	0x02, 0x00, 0x78, 0x46, 0x00, 0x47, 0x00
};

static const uint8_t bird_keepalive[] = {
	MARKER,
	0x00, 0x13, 0x04
};

/* A's routes on the 4-octet session: ORIGIN IGP, AS_PATH 4200000001,
 * NEXT_HOP 192.0.2.1, MED 50, COMMUNITIES 65000:100 65000:200; NLRI
 * 198.51.100.0/24 203.0.113.128/26 104.16.0.0/24 203.0.113.0/25. */
static const uint8_t bird_update_as4[] = {
	MARKER,
	0x00, 0x4f, 0x02, 0x00, 0x00, 0x00, 0x26, 0x40,
	0x01, 0x01, 0x00, 0x40, 0x02, 0x06, 0x02, 0x01,
	0xfa, 0x56, 0xea, 0x01, 0x40, 0x03, 0x04, 0xc0,
	0x00, 0x02, 0x01, 0x80, 0x04, 0x04, 0x00, 0x00,
	0x00, 0x32, 0xc0, 0x08, 0x08, 0xfd, 0xe8, 0x00,
	0x64, 0xfd, 0xe8, 0x00, 0xc8, 0x18, 0xc6, 0x33,
	0x64, 0x1a, 0xcb, 0x00, 0x71, 0x80, 0x18, 0x68,
	0x10, 0x00, 0x19, 0xcb, 0x00, 0x71, 0x00
};

/* The same routes to the 2-octet B: AS_PATH 65001 23456, AS4_PATH
 * 65001 4200000099, NEXT_HOP 192.0.2.5, COMMUNITIES 65000:300. */
static const uint8_t bird_update_old[] = {
	MARKER,
	0x00, 0x51, 0x02, 0x00, 0x00, 0x00, 0x28, 0x40,
	0x01, 0x01, 0x00, 0x40, 0x02, 0x06, 0x02, 0x02,
	0xfd, 0xe9, 0x5b, 0xa0, 0x40, 0x03, 0x04, 0xc0,
	0x00, 0x02, 0x05, 0xc0, 0x08, 0x04, 0xfd, 0xe8,
	0x01, 0x2c, 0xc0, 0x11, 0x0a, 0x02, 0x02, 0x00,
	0x00, 0xfd, 0xe9, 0xfa, 0x56, 0xea, 0x63, 0x18,
	0xc6, 0x33, 0x64, 0x1a, 0xcb, 0x00, 0x71, 0x80,
	0x18, 0x68, 0x10, 0x00, 0x19, 0xcb, 0x00, 0x71,
	0x00
};

/* End-of-RIB: the empty UPDATE. */
static const uint8_t bird_eor[] = {
	MARKER,
	0x00, 0x17, 0x02, 0x00, 0x00, 0x00, 0x00
};

/* Three withdrawals after "disable st1". */
static const uint8_t bird_withdraw[] = {
	MARKER,
	0x00, 0x25, 0x02, 0x00, 0x0e, 0x18, 0xc6, 0x33,
	0x64, 0x1a, 0xcb, 0x00, 0x71, 0x80, 0x19, 0xcb,
	0x00, 0x71, 0x00, 0x00, 0x00
};

/* "disable p4 "Planned maintenance: anycast POP syd drained"": Cease /
 * Administrative Shutdown with an RFC 9003 Shutdown Communication. */
static const uint8_t bird_shutdown_text[] = {
	MARKER,
	0x00, 0x42, 0x03, 0x06, 0x02, 0x2c, 0x50, 0x6c,
	0x61, 0x6e, 0x6e, 0x65, 0x64, 0x20, 0x6d, 0x61,
	0x69, 0x6e, 0x74, 0x65, 0x6e, 0x61, 0x6e, 0x63,
	0x65, 0x3a, 0x20, 0x61, 0x6e, 0x79, 0x63, 0x61,
	0x73, 0x74, 0x20, 0x50, 0x4f, 0x50, 0x20, 0x73,
	0x79, 0x64, 0x20, 0x64, 0x72, 0x61, 0x69, 0x6e,
	0x65, 0x64
};

/* "down": Cease / Administrative Shutdown, no data. */
static const uint8_t bird_shutdown[] = {
	MARKER,
	0x00, 0x15, 0x03, 0x06, 0x02
};

/* birdc disable al "bad \xff\xfe text": BIRD sends the octets as they
 * are, a Shutdown Communication that is not UTF-8 (RFC 9003 §4). */
static const uint8_t bird_shutdown_not_utf8[] = {
	MARKER,
	0x00, 0x21, 0x03, 0x06, 0x02, 0x0b, 0x62, 0x61,
	0x64, 0x20, 0xff, 0xfe, 0x20, 0x74, 0x65, 0x78,
	0x74
};

/* B refusing a first configuration: OPEN / Bad Peer AS, data the AS4
 * capability's 4200000001. */
static const uint8_t bird_bad_peer_as[] = {
	MARKER,
	0x00, 0x19, 0x03, 0x02, 0x02, 0xfa, 0x56, 0xea,
	0x01
};

/* --- helpers --- */

#define ARRAY_SIZE(x)	(sizeof(x) / sizeof((x)[0]))

static const struct bgp_decode_ctx ctx_ebgp4 = {
	.as4 = true, .ebgp = true, .peer_as = 4200000001u,
};

/* Fill in a message: marker, length (unless given), type. */
static size_t mkmsg(uint8_t *m, uint8_t type, const uint8_t *body, size_t n)
{
	memset(m, 0xff, 16);
	m[16] = (uint8_t)((19 + n) >> 8);
	m[17] = (uint8_t)(19 + n);
	m[18] = type;
	if (n)
		memcpy(m + 19, body, n);
	return 19 + n;
}

static void assert_err(const struct bgp_error *e, uint8_t code,
		       uint8_t subcode)
{
	cr_assert_eq(e->code, code, "code %u, want %u (%s)", e->code, code,
		     e->reason);
	cr_assert_eq(e->subcode, subcode, "subcode %u, want %u (%s)",
		     e->subcode, subcode, e->reason);
	cr_assert_not_null(e->reason);
}

static void assert_err_data(const struct bgp_error *e, const uint8_t *data,
			    size_t len)
{
	cr_assert_eq(e->len, len, "data length %u, want %zu", e->len, len);
	if (len)
		cr_assert_arr_eq(e->data, data, len);
	else
		cr_assert_null(e->data);
}

/* Collect the prefixes of an NLRI encoding. */
static size_t prefixes(const uint8_t *p, size_t len, struct prefix4 *out,
		       size_t max)
{
	const uint8_t *end = p + len;
	size_t n = 0;

	while (n < max && bgp_nlri_next(&p, end, &out[n]))
		n++;
	return n;
}

static void assert_prefix(const struct prefix4 *p, const char *want)
{
	char s[PREFIX4_STRLEN];

	cr_assert_str_eq(prefix4_str(p, s), want);
}

/* --- framing --- */

Test(bgp_msg, frame_waits_for_a_whole_header)
{
	struct bgp_error e;
	size_t n;

	for (n = 0; n < BGP_HEADER_LEN; n++)
		cr_assert_eq(bgp_msg_frame(bird_update_as4, n, &e), 0);
}

Test(bgp_msg, frame_reports_length_before_the_body_arrives)
{
	struct bgp_error e;

	cr_assert_eq(bgp_msg_frame(bird_update_as4, 19, &e), 79);
	cr_assert_eq(bgp_msg_frame(bird_update_as4, 40, &e), 79);
}

/* A's whole stream on the 4-octet session, as one coalesced read. */
static size_t bird_stream(uint8_t *s)
{
	static const struct {
		const uint8_t *m;
		size_t n;
	} seq[] = {
		{ bird_open_as4, sizeof(bird_open_as4) },
		{ bird_keepalive, sizeof(bird_keepalive) },
		{ bird_update_as4, sizeof(bird_update_as4) },
		{ bird_eor, sizeof(bird_eor) },
		{ bird_keepalive, sizeof(bird_keepalive) },
		{ bird_withdraw, sizeof(bird_withdraw) },
		{ bird_shutdown_text, sizeof(bird_shutdown_text) },
	};
	size_t i, len = 0;

	for (i = 0; i < ARRAY_SIZE(seq); i++) {
		memcpy(s + len, seq[i].m, seq[i].n);
		len += seq[i].n;
	}
	return len;
}

static const uint8_t stream_types[] = { 1, 4, 2, 2, 4, 2, 3 };
static const size_t stream_lens[] = { 53, 19, 79, 23, 19, 37, 66 };

Test(bgp_msg, frame_walks_a_coalesced_read)
{
	uint8_t s[512];
	size_t len = bird_stream(s), off = 0, i = 0;
	struct bgp_error e;
	int n;

	while ((n = bgp_msg_frame(s + off, len - off, &e)) > 0) {
		cr_assert_lt(i, ARRAY_SIZE(stream_types));
		cr_assert_eq((size_t)n, stream_lens[i]);
		cr_assert_eq(bgp_msg_type(s + off), stream_types[i]);
		off += (size_t)n;
		i++;
	}
	cr_assert_eq(n, 0);
	cr_assert_eq(off, len);
	cr_assert_eq(i, ARRAY_SIZE(stream_types));
}

Test(bgp_msg, frame_across_partial_reads)
{
	/* Bytes arrive one at a time; a message is taken exactly when its
	 * last byte is in, and never before. */
	uint8_t s[512], rx[512];
	size_t len = bird_stream(s), have = 0, start = 0, got = 0, i;
	struct bgp_error e;

	for (i = 0; i < len; i++) {
		int n;

		rx[have++] = s[i];
		n = bgp_msg_frame(rx + start, have - start, &e);
		cr_assert_geq(n, 0);
		if (n > 0 && (size_t)n <= have - start) {
			cr_assert_eq((size_t)n, stream_lens[got]);
			cr_assert_eq(have - start, (size_t)n,
				     "message %zu taken late", got);
			start += (size_t)n;
			got++;
		}
	}
	cr_assert_eq(got, ARRAY_SIZE(stream_lens));
}

Test(bgp_msg, frame_bad_marker)
{
	uint8_t m[19];
	struct bgp_error e;

	memcpy(m, bird_keepalive, 19);
	m[7] = 0xfe;
	cr_assert_eq(bgp_msg_frame(m, sizeof(m), &e), -EBADMSG);
	assert_err(&e, BGP_ERR_HEADER, BGP_ERR_HDR_SYNC);
	assert_err_data(&e, NULL, 0);
}

struct len_case {
	uint16_t len;
	uint8_t type;
	int want;		/* the length, or -EBADMSG for 1/2 */
};

ParameterizedTestParameters(bgp_msg, frame_length)
{
	static struct len_case cases[] = {
		{ 0, BGP_MSG_KEEPALIVE, -EBADMSG },
		{ 18, BGP_MSG_KEEPALIVE, -EBADMSG },
		{ 4097, BGP_MSG_UPDATE, -EBADMSG },
		{ 0xffff, BGP_MSG_UPDATE, -EBADMSG },
		{ 28, BGP_MSG_OPEN, -EBADMSG },
		{ 29, BGP_MSG_OPEN, 29 },
		{ 22, BGP_MSG_UPDATE, -EBADMSG },
		{ 23, BGP_MSG_UPDATE, 23 },
		{ 4096, BGP_MSG_UPDATE, 4096 },
		{ 20, BGP_MSG_NOTIFICATION, -EBADMSG },
		{ 21, BGP_MSG_NOTIFICATION, 21 },
		{ 19, BGP_MSG_KEEPALIVE, 19 },
		{ 20, BGP_MSG_KEEPALIVE, -EBADMSG },
		{ 19, BGP_MSG_OPEN, -EBADMSG },
		{ 22, BGP_MSG_ROUTE_REFRESH, -EBADMSG },
		{ 23, BGP_MSG_ROUTE_REFRESH, 23 },
		{ 24, BGP_MSG_ROUTE_REFRESH, -EBADMSG },
	};

	return cr_make_param_array(struct len_case, cases, ARRAY_SIZE(cases));
}

ParameterizedTest(struct len_case *c, bgp_msg, frame_length)
{
	uint8_t m[19] = { MARKER, (uint8_t)(c->len >> 8), (uint8_t)c->len,
			  c->type };
	struct bgp_error e;

	cr_assert_eq(bgp_msg_frame(m, sizeof(m), &e), c->want,
		     "length %u type %u", c->len, c->type);
	if (c->want < 0) {
		/* RFC 4271 §6.1: the data is the erroneous Length field. */
		assert_err(&e, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH);
		assert_err_data(&e, m + 16, 2);
	}
}

Test(bgp_msg, frame_unknown_type)
{
	static const uint8_t types[] = { 0, 6, 255 };
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		uint8_t m[19] = { MARKER, 0, 19, types[i] };
		struct bgp_error e;

		cr_assert_eq(bgp_msg_frame(m, sizeof(m), &e), -EBADMSG);
		assert_err(&e, BGP_ERR_HEADER, BGP_ERR_HDR_TYPE);
		assert_err_data(&e, &types[i], 1);
	}
}

/* --- OPEN --- */

static const uint8_t our_open[] = {
	MARKER, 0x00, 0x2d, BGP_MSG_OPEN,
	0x04,			/* version */
	0x34, 0x17,		/* AS 13335 */
	0x00, 0x03,		/* hold time 3 */
	0x0a, 0x00, 0x00, 0x01,	/* BGP id 10.0.0.1 */
	0x10,			/* optional parameters length 16 */
	0x02, 0x0e,		/* capabilities, 14 octets */
	0x01, 0x04, 0x00, 0x01, 0x00, 0x01,	/* MP IPv4 unicast */
	0x02, 0x00,				/* route refresh */
	0x41, 0x04, 0x00, 0x00, 0x34, 0x17,	/* 4-octet AS 13335 */
};

static struct bgp_open open_13335(void)
{
	return (struct bgp_open){
		.version = 4, .my_as = 13335, .hold_time = 3,
		.bgp_id = 0x0a000001, .as4 = 13335, .cap_as4 = true,
		.cap_mp_ipv4 = true, .cap_route_refresh = true,
	};
}

static void assert_open_eq(const struct bgp_open *a, const struct bgp_open *b)
{
	cr_assert_eq(a->version, b->version);
	cr_assert_eq(a->my_as, b->my_as);
	cr_assert_eq(a->hold_time, b->hold_time);
	cr_assert_eq(a->bgp_id, b->bgp_id);
	cr_assert_eq(a->as4, b->as4);
	cr_assert_eq(a->cap_as4, b->cap_as4);
	cr_assert_eq(a->cap_mp_ipv4, b->cap_mp_ipv4);
	cr_assert_eq(a->cap_route_refresh, b->cap_route_refresh);
	cr_assert_eq(a->cap_enhanced_rr, b->cap_enhanced_rr);
	cr_assert_eq(a->cap_graceful_restart, b->cap_graceful_restart);
	cr_assert_eq(a->cap_add_path, b->cap_add_path);
	cr_assert_eq(a->unknown_caps, b->unknown_caps);
}

Test(bgp_msg, open_encode_exact_bytes)
{
	struct bgp_open o = open_13335();
	uint8_t mem[BGP_MAX_MSG];
	struct buf b;

	buf_init(&b, mem, sizeof(mem));
	bgp_msg_encode_open(&b, &o);
	cr_assert_eq(b.err, 0);
	cr_assert_eq(b.len, sizeof(our_open));
	cr_assert_arr_eq(mem, our_open, sizeof(our_open));
}

Test(bgp_msg, open_encode_4octet_as_sends_as_trans)
{
	struct bgp_open o = open_13335(), d;
	uint8_t mem[BGP_MAX_MSG];
	struct bgp_error e;
	struct buf b;

	o.as4 = 4200000001u;
	buf_init(&b, mem, sizeof(mem));
	bgp_msg_encode_open(&b, &o);
	cr_assert_eq(b.err, 0);
	cr_assert_arr_eq(mem + 20, ((uint8_t[]){ 0x5b, 0xa0 }), 2);
	cr_assert_arr_eq(mem + 39, ((uint8_t[]){ 0x41, 0x04, 0xfa, 0x56,
						 0xea, 0x01 }), 6);
	cr_assert_eq(bgp_msg_decode_open(mem, b.len, &d, &e), 0);
	cr_assert_eq(d.my_as, BGP_AS_TRANS);
	cr_assert_eq(d.as4, 4200000001u);
}

Test(bgp_msg, open_roundtrip)
{
	struct bgp_open cases[4];
	unsigned i;

	cases[0] = open_13335();
	cases[1] = open_13335();
	cases[1].as4 = 4200000001u;
	cases[1].my_as = BGP_AS_TRANS;
	cases[2] = open_13335();
	cases[2].cap_route_refresh = false;
	cases[2].hold_time = 0;
	cases[3] = (struct bgp_open){ .version = 4, .my_as = 65001,
				      .as4 = 65001, .hold_time = 90,
				      .bgp_id = 0xc0000201 };
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint8_t mem[BGP_MAX_MSG];
		struct bgp_open d;
		struct bgp_error e;
		struct buf b;

		buf_init(&b, mem, sizeof(mem));
		bgp_msg_encode_open(&b, &cases[i]);
		cr_assert_eq(b.err, 0);
		cr_assert_eq(bgp_msg_frame(mem, b.len, &e), (int)b.len);
		cr_assert_eq(bgp_msg_decode_open(mem, b.len, &d, &e), 0);
		assert_open_eq(&d, &cases[i]);
	}
}

Test(bgp_msg, open_decode_bird_4octet)
{
	struct bgp_open o;
	struct bgp_error e;

	cr_assert_eq(bgp_msg_decode_open(bird_open_as4, sizeof(bird_open_as4),
					 &o, &e), 0);
	cr_assert_eq(o.version, 4);
	cr_assert_eq(o.my_as, BGP_AS_TRANS);
	cr_assert_eq(o.hold_time, 90);
	cr_assert_eq(o.bgp_id, 0xc0000201);
	cr_assert_eq(o.as4, 4200000001u);
	cr_assert(o.cap_as4);
	cr_assert(o.cap_mp_ipv4);
	cr_assert(o.cap_route_refresh);
	cr_assert(o.cap_graceful_restart);
	cr_assert(o.cap_enhanced_rr);
	cr_assert_not(o.cap_add_path);
	cr_assert_eq(o.unknown_caps, 1);	/* long-lived GR */
}

Test(bgp_msg, open_decode_bird_2octet)
{
	struct bgp_open o;
	struct bgp_error e;

	cr_assert_eq(bgp_msg_decode_open(bird_open_old, sizeof(bird_open_old),
					 &o, &e), 0);
	cr_assert_eq(o.my_as, 65002);
	cr_assert_eq(o.as4, 65002);
	cr_assert_not(o.cap_as4);
	cr_assert(o.cap_mp_ipv4);
	cr_assert_eq(o.bgp_id, 0xc0000202);
}

/* OPEN body after My AS..BGP id: version 4, AS 65001, hold 90, id 1.2.3.4 */
#define OPEN_FIXED	0x04, 0xfd, 0xe9, 0x00, 0x5a, 0x01, 0x02, 0x03, 0x04

static int decode_open_body(const uint8_t *body, size_t n, struct bgp_open *o,
			    struct bgp_error *e)
{
	uint8_t m[BGP_MAX_MSG];
	size_t len = mkmsg(m, BGP_MSG_OPEN, body, n);

	return bgp_msg_decode_open(m, len, o, e);
}

Test(bgp_msg, open_capabilities_over_several_parameters)
{
	const uint8_t body[] = {
		OPEN_FIXED, 20,
		0x02, 0x06, 0x01, 0x04, 0x00, 0x01, 0x00, 0x01,
		0x02, 0x02, 0x02, 0x00,
		0x02, 0x06, 0x45, 0x04, 0x00, 0x01, 0x01, 0x03,	/* ADD-PATH */
	};
	struct bgp_open o;
	struct bgp_error e;

	cr_assert_eq(decode_open_body(body, sizeof(body), &o, &e), 0);
	cr_assert(o.cap_mp_ipv4);
	cr_assert(o.cap_route_refresh);
	cr_assert(o.cap_add_path);
	cr_assert_not(o.cap_as4);
	cr_assert_eq(o.as4, 65001);
}

Test(bgp_msg, open_without_parameters)
{
	const uint8_t body[] = { OPEN_FIXED, 0 };
	struct bgp_open o;
	struct bgp_error e;

	cr_assert_eq(decode_open_body(body, sizeof(body), &o, &e), 0);
	cr_assert_eq(o.as4, 65001);
	cr_assert_not(o.cap_mp_ipv4);
}

Test(bgp_msg, open_version_is_decoded_not_judged)
{
	const uint8_t body[] = { 0x03, 0xfd, 0xe9, 0x00, 0x5a, 1, 2, 3, 4, 0 };
	struct bgp_open o;
	struct bgp_error e;

	cr_assert_eq(decode_open_body(body, sizeof(body), &o, &e), 0);
	cr_assert_eq(o.version, 3);
}

Test(bgp_msg, open_unknown_and_other_family_capabilities_ignored)
{
	const uint8_t body[] = {
		OPEN_FIXED, 12,
		0x02, 0x0a,
		0x01, 0x04, 0x00, 0x02, 0x00, 0x01,	/* MP IPv6 unicast */
		0x49, 0x00,				/* FQDN (known) */
		0x80, 0x00,				/* private use */
	};
	struct bgp_open o;
	struct bgp_error e;

	cr_assert_eq(decode_open_body(body, sizeof(body), &o, &e), 0);
	cr_assert_not(o.cap_mp_ipv4);
	cr_assert_eq(o.unknown_caps, 1);
}

Test(bgp_msg, open_rfc9072_extended_parameters)
{
	const uint8_t body[] = {
		OPEN_FIXED, 255,
		0xff, 0x00, 0x0b,		/* extended, 11 octets */
		0x02, 0x00, 0x08,		/* capabilities, 8 */
		0x02, 0x00,
		0x41, 0x04, 0xfa, 0x56, 0xea, 0x01,
	};
	struct bgp_open o;
	struct bgp_error e;

	cr_assert_eq(decode_open_body(body, sizeof(body), &o, &e), 0);
	cr_assert(o.cap_route_refresh);
	cr_assert(o.cap_as4);
	cr_assert_eq(o.as4, 4200000001u);
}

struct open_bad {
	char name[64];		/* by value: workers get a copy */
	uint8_t body[40];
	size_t len;
	uint8_t subcode;
};

ParameterizedTestParameters(bgp_msg, open_malformed)
{
	static struct open_bad cases[] = {
		{ "optional parameters length past the end",
		  { OPEN_FIXED, 8, 0x02, 0x02, 0x02, 0x00 }, 14,
		  BGP_ERR_OPEN_UNSPEC },
		{ "optional parameters length short of the end",
		  { OPEN_FIXED, 2, 0x02, 0x02, 0x02, 0x00 }, 14,
		  BGP_ERR_OPEN_UNSPEC },
		{ "parameter length past the end",
		  { OPEN_FIXED, 4, 0x02, 0x05, 0x02, 0x00 }, 14,
		  BGP_ERR_OPEN_UNSPEC },
		{ "lone parameter type octet",
		  { OPEN_FIXED, 1, 0x02 }, 11, BGP_ERR_OPEN_UNSPEC },
		{ "capability length past the end",
		  { OPEN_FIXED, 6, 0x02, 0x04, 0x41, 0x04, 0x00, 0x00 }, 16,
		  BGP_ERR_OPEN_UNSPEC },
		{ "lone capability code",
		  { OPEN_FIXED, 3, 0x02, 0x01, 0x41 }, 13,
		  BGP_ERR_OPEN_UNSPEC },
		{ "4-octet AS capability of 2 octets",
		  { OPEN_FIXED, 6, 0x02, 0x04, 0x41, 0x02, 0xfd, 0xe9 }, 16,
		  BGP_ERR_OPEN_UNSPEC },
		{ "4-octet AS capability of 5 octets",
		  { OPEN_FIXED, 9, 0x02, 0x07, 0x41, 0x05, 0, 0, 0xfd, 0xe9,
		    0 }, 19, BGP_ERR_OPEN_UNSPEC },
		{ "multiprotocol capability of 3 octets",
		  { OPEN_FIXED, 7, 0x02, 0x05, 0x01, 0x03, 0, 1, 0 }, 17,
		  BGP_ERR_OPEN_UNSPEC },
		{ "route refresh capability with data",
		  { OPEN_FIXED, 5, 0x02, 0x03, 0x02, 0x01, 0 }, 15,
		  BGP_ERR_OPEN_UNSPEC },
		{ "authentication parameter (type 1)",
		  { OPEN_FIXED, 3, 0x01, 0x01, 0x00 }, 13,
		  BGP_ERR_OPEN_OPTPARAM },
		{ "unknown parameter after capabilities",
		  { OPEN_FIXED, 6, 0x02, 0x02, 0x02, 0x00, 0x07, 0x00 }, 16,
		  BGP_ERR_OPEN_OPTPARAM },
		{ "RFC 9072 header truncated",
		  { OPEN_FIXED, 2, 0xff, 0x00 }, 12, BGP_ERR_OPEN_UNSPEC },
		{ "RFC 9072 length past the end",
		  { OPEN_FIXED, 255, 0xff, 0x00, 0x09, 0x02, 0x00, 0x02,
		    0x02, 0x00 }, 18, BGP_ERR_OPEN_UNSPEC },
		{ "RFC 9072 parameter past the end",
		  { OPEN_FIXED, 255, 0xff, 0x00, 0x05, 0x02, 0x00, 0x03,
		    0x02, 0x00 }, 18, BGP_ERR_OPEN_UNSPEC },
	};

	return cr_make_param_array(struct open_bad, cases, ARRAY_SIZE(cases));
}

ParameterizedTest(struct open_bad *c, bgp_msg, open_malformed)
{
	struct bgp_open o;
	struct bgp_error e;

	cr_assert_eq(decode_open_body(c->body, c->len, &o, &e), -EBADMSG,
		     "%s", c->name);
	assert_err(&e, BGP_ERR_OPEN, c->subcode);
	assert_err_data(&e, NULL, 0);
}

Test(bgp_msg, open_too_short)
{
	struct bgp_open o;
	struct bgp_error e;

	cr_assert_eq(bgp_msg_decode_open(our_open, 28, &o, &e), -EBADMSG);
	assert_err(&e, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH);
	assert_err_data(&e, (const uint8_t[]){ 0, 28 }, 2);
}

/* --- KEEPALIVE --- */

Test(bgp_msg, keepalive_both_ways)
{
	uint8_t mem[32];
	struct bgp_error e;
	struct buf b;

	buf_init(&b, mem, sizeof(mem));
	bgp_msg_encode_keepalive(&b);
	cr_assert_eq(b.err, 0);
	cr_assert_eq(b.len, sizeof(bird_keepalive));
	cr_assert_arr_eq(mem, bird_keepalive, sizeof(bird_keepalive));
	cr_assert_eq(bgp_msg_decode_keepalive(mem, b.len, &e), 0);
}

Test(bgp_msg, keepalive_wrong_length)
{
	uint8_t m[20] = { MARKER, 0, 20, 4, 0 };
	struct bgp_error e;

	cr_assert_eq(bgp_msg_decode_keepalive(m, sizeof(m), &e), -EBADMSG);
	assert_err(&e, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH);
	assert_err_data(&e, (const uint8_t[]){ 0, 20 }, 2);
}

/* --- NOTIFICATION --- */

Test(bgp_msg, notification_encode_exact_bytes)
{
	const uint8_t attr[] = { 0x40, 0x01, 0x02, 0x00, 0x00 };
	struct bgp_error n = { .code = 3, .subcode = 5, .data = attr,
			       .len = sizeof(attr) };
	const uint8_t want[] = { MARKER, 0, 26, 3, 3, 5,
				 0x40, 0x01, 0x02, 0x00, 0x00 };
	uint8_t mem[64];
	struct buf b;

	buf_init(&b, mem, sizeof(mem));
	bgp_msg_encode_notification(&b, &n);
	cr_assert_eq(b.err, 0);
	cr_assert_eq(b.len, sizeof(want));
	cr_assert_arr_eq(mem, want, sizeof(want));
}

Test(bgp_msg, notification_roundtrip)
{
	const uint8_t data[] = { 0xfa, 0x56, 0xea, 0x01 };
	struct bgp_error n = { .code = 2, .subcode = 2, .data = data,
			       .len = sizeof(data) }, e;
	struct bgp_notification d;
	uint8_t mem[64];
	struct buf b;

	buf_init(&b, mem, sizeof(mem));
	bgp_msg_encode_notification(&b, &n);
	cr_assert_eq(b.len, sizeof(bird_bad_peer_as));
	cr_assert_arr_eq(mem, bird_bad_peer_as, sizeof(bird_bad_peer_as));
	cr_assert_eq(bgp_msg_decode_notification(mem, b.len, &d, &e), 0);
	cr_assert_eq(d.code, 2);
	cr_assert_eq(d.subcode, 2);
	cr_assert_eq(d.len, 4);
	cr_assert_arr_eq(d.data, data, 4);
	cr_assert_str_eq(d.text, "");
}

Test(bgp_msg, notification_data_capped_at_message_size)
{
	static uint8_t data[5000], mem[8192];
	struct bgp_error n = { .code = 3, .subcode = 9, .data = data,
			       .len = sizeof(data) }, e;
	struct buf b;

	buf_init(&b, mem, sizeof(mem));
	bgp_msg_encode_notification(&b, &n);
	cr_assert_eq(b.err, 0);
	cr_assert_eq(b.len, BGP_MAX_MSG);
	cr_assert_eq(bgp_msg_frame(mem, b.len, &e), BGP_MAX_MSG);
}

Test(bgp_msg, notification_decode_bird_shutdown_communication)
{
	struct bgp_notification n;
	struct bgp_error e;

	cr_assert_eq(bgp_msg_decode_notification(bird_shutdown_text,
						 sizeof(bird_shutdown_text),
						 &n, &e), 0);
	cr_assert_eq(n.code, BGP_ERR_CEASE);
	cr_assert_eq(n.subcode, BGP_CEASE_ADMIN_SHUTDOWN);
	cr_assert_eq(n.len, 45);
	cr_assert_str_eq(n.text, "Planned maintenance: anycast POP syd drained");
	cr_assert_not(n.text_malformed);
}

Test(bgp_msg, notification_decode_bird_plain_cease)
{
	struct bgp_notification n;
	struct bgp_error e;

	cr_assert_eq(bgp_msg_decode_notification(bird_shutdown,
						 sizeof(bird_shutdown), &n,
						 &e), 0);
	cr_assert_eq(n.code, BGP_ERR_CEASE);
	cr_assert_eq(n.subcode, BGP_CEASE_ADMIN_SHUTDOWN);
	cr_assert_eq(n.len, 0);
	cr_assert_null(n.data);
	cr_assert_str_eq(n.text, "");
	cr_assert_not(n.text_malformed);
}

Test(bgp_msg, notification_decode_bird_bad_peer_as)
{
	struct bgp_notification n;
	struct bgp_error e;

	cr_assert_eq(bgp_msg_decode_notification(bird_bad_peer_as,
						 sizeof(bird_bad_peer_as), &n,
						 &e), 0);
	cr_assert_eq(n.code, BGP_ERR_OPEN);
	cr_assert_eq(n.subcode, BGP_ERR_OPEN_PEER_AS);
	cr_assert_eq(n.len, 4);
	cr_assert_arr_eq(n.data, bird_bad_peer_as + 21, 4);
}

Test(bgp_msg, shutdown_encode_exact_bytes)
{
	uint8_t mem[128];
	struct buf b;

	buf_init(&b, mem, sizeof(mem));
	bgp_msg_encode_shutdown(&b, BGP_CEASE_ADMIN_SHUTDOWN,
				"Planned maintenance: anycast POP syd drained");
	cr_assert_eq(b.err, 0);
	cr_assert_eq(b.len, sizeof(bird_shutdown_text));
	cr_assert_arr_eq(mem, bird_shutdown_text, sizeof(bird_shutdown_text));
}

Test(bgp_msg, shutdown_without_text)
{
	const uint8_t want[] = { MARKER, 0, 22, 3, 6, 4, 0 };
	struct bgp_notification n;
	struct bgp_error e;
	uint8_t mem[64];
	struct buf b;

	buf_init(&b, mem, sizeof(mem));
	bgp_msg_encode_shutdown(&b, BGP_CEASE_ADMIN_RESET, NULL);
	cr_assert_eq(b.len, sizeof(want));
	cr_assert_arr_eq(mem, want, sizeof(want));
	cr_assert_eq(bgp_msg_decode_notification(mem, b.len, &n, &e), 0);
	cr_assert_eq(n.subcode, BGP_CEASE_ADMIN_RESET);
	cr_assert_str_eq(n.text, "");
	cr_assert_not(n.text_malformed);
}

Test(bgp_msg, shutdown_text_cut_at_255_on_a_character_boundary)
{
	/* 127 two-octet characters (254 octets), then one more: 256. */
	char text[300];
	struct bgp_notification n;
	struct bgp_error e;
	uint8_t mem[512];
	struct buf b;
	size_t i;

	for (i = 0; i < 128; i++) {
		text[2 * i] = (char)0xc3;	/* "é" */
		text[2 * i + 1] = (char)0xa9;
	}
	text[256] = '\0';
	buf_init(&b, mem, sizeof(mem));
	bgp_msg_encode_shutdown(&b, BGP_CEASE_ADMIN_SHUTDOWN, text);
	cr_assert_eq(mem[21], 254);
	cr_assert_eq(b.len, 22 + 254);
	cr_assert_eq(bgp_msg_decode_notification(mem, b.len, &n, &e), 0);
	cr_assert_eq(strlen(n.text), 254);
	cr_assert_not(n.text_malformed);
	cr_assert_arr_eq(n.text, text, 254);
}

Test(bgp_msg, shutdown_length_past_the_message)
{
	/* Length 20, only 3 octets follow: keep the code, drop the text,
	 * read nothing past the message. */
	uint8_t *m = malloc(25);
	struct bgp_notification n;
	struct bgp_error e;

	mkmsg(m, BGP_MSG_NOTIFICATION,
	      (const uint8_t[]){ 6, 2, 20, 'a', 'b', 'c' }, 6);
	cr_assert_eq(bgp_msg_decode_notification(m, 25, &n, &e), 0);
	cr_assert_eq(n.code, BGP_ERR_CEASE);
	cr_assert_eq(n.subcode, BGP_CEASE_ADMIN_SHUTDOWN);
	cr_assert_eq(n.len, 4);
	cr_assert_str_eq(n.text, "");
	cr_assert(n.text_malformed);
	free(m);
}

Test(bgp_msg, shutdown_length_one_past_the_message)
{
	uint8_t *m = malloc(24);
	struct bgp_notification n;
	struct bgp_error e;

	mkmsg(m, BGP_MSG_NOTIFICATION, (const uint8_t[]){ 6, 2, 3, 'a', 'b' },
	      5);
	cr_assert_eq(bgp_msg_decode_notification(m, 24, &n, &e), 0);
	cr_assert_eq(n.code, BGP_ERR_CEASE);
	cr_assert_str_eq(n.text, "");
	cr_assert(n.text_malformed);
	/* One octet less and it is exactly right. */
	m[21] = 2;
	cr_assert_eq(bgp_msg_decode_notification(m, 24, &n, &e), 0);
	cr_assert_str_eq(n.text, "ab");
	cr_assert_not(n.text_malformed);
	free(m);
}

Test(bgp_msg, shutdown_not_utf8)
{
	uint8_t m[32];
	size_t len = mkmsg(m, BGP_MSG_NOTIFICATION,
			   (const uint8_t[]){ 6, 4, 3, 'a', 0xc0, 0xaf }, 6);
	struct bgp_notification n;
	struct bgp_error e;

	cr_assert_eq(bgp_msg_decode_notification(m, len, &n, &e), 0);
	cr_assert_eq(n.subcode, BGP_CEASE_ADMIN_RESET);
	cr_assert_str_eq(n.text, "");
	cr_assert(n.text_malformed);
}

/* bgp_msg_notification_format into a fresh buffer, as a C string. */
static const char *notification_str(const uint8_t *m, size_t len)
{
	static char out[512];
	struct bgp_notification n;
	struct bgp_error e;
	struct buf b;

	cr_assert_eq(bgp_msg_decode_notification(m, len, &n, &e), 0);
	buf_init(&b, out, sizeof(out));
	bgp_msg_notification_format(&b, &n);
	cr_assert_eq(b.err, 0);
	return buf_cstr(&b);
}

Test(bgp_msg, notification_format_shutdown_communication)
{
	cr_assert_str_eq(notification_str(bird_shutdown_text,
					  sizeof(bird_shutdown_text)),
			 "6/2 (Cease, Administrative Shutdown): "
			 "\"Planned maintenance: anycast POP syd drained\"");
}

Test(bgp_msg, notification_format_without_text)
{
	cr_assert_str_eq(notification_str(bird_shutdown, sizeof(bird_shutdown)),
			 "6/2 (Cease, Administrative Shutdown)");
	cr_assert_str_eq(notification_str(bird_bad_peer_as,
					  sizeof(bird_bad_peer_as)),
			 "2/2 (OPEN Message Error, Bad Peer AS)");
}

/* The case BIRD showed: the peer's words must not vanish without a
 * trace; RFC 9003 §4 asks for a log line saying so. */
Test(bgp_msg, notification_format_says_shutdown_text_is_not_utf8)
{
	cr_assert_str_eq(notification_str(bird_shutdown_not_utf8,
					  sizeof(bird_shutdown_not_utf8)),
			 "6/2 (Cease, Administrative Shutdown), malformed "
			 "Shutdown Communication (RFC 9003): "
			 "0x0b62616420fffe2074657874");
}

Test(bgp_msg, notification_format_says_shutdown_length_is_wrong)
{
	uint8_t m[32];
	size_t len = mkmsg(m, BGP_MSG_NOTIFICATION,
			   (const uint8_t[]){ 6, 4, 20, 'a', 'b', 'c' }, 6);

	cr_assert_str_eq(notification_str(m, len),
			 "6/4 (Cease, Administrative Reset), malformed "
			 "Shutdown Communication (RFC 9003): 0x14616263");
}

Test(bgp_msg, notification_format_cuts_a_long_malformed_text)
{
	uint8_t body[2 + 256], m[BGP_HEADER_LEN + sizeof(body)];
	const char *s;
	size_t len;

	body[0] = 6;
	body[1] = 2;
	body[2] = 255;
	memset(body + 3, 0xff, 255);
	len = mkmsg(m, BGP_MSG_NOTIFICATION, body, sizeof(body));
	s = notification_str(m, len);
	/* 0x, the length octet and 31 more, then an ellipsis. */
	cr_assert(strstr(s, ": 0xffffffff") != NULL, "%s", s);
	cr_assert_eq(strlen(strstr(s, ": 0x")), 4 + 64 + 3, "%s", s);
	cr_assert_str_eq(s + strlen(s) - 3, "...");
}

Test(bgp_msg, notification_format_hides_control_characters)
{
	uint8_t m[32];
	size_t len = mkmsg(m, BGP_MSG_NOTIFICATION,
			   (const uint8_t[]){ 6, 2, 5, 'a', '\n', 'b', 0x1b,
					      0x7f }, 8);

	cr_assert_str_eq(notification_str(m, len),
			 "6/2 (Cease, Administrative Shutdown): \"a?b??\"");
}

Test(bgp_msg, notification_text_only_for_shutdown_and_reset)
{
	uint8_t m[32];
	size_t len = mkmsg(m, BGP_MSG_NOTIFICATION,
			   (const uint8_t[]){ 6, 3, 2, 'h', 'i' }, 5);
	struct bgp_notification n;
	struct bgp_error e;

	cr_assert_eq(bgp_msg_decode_notification(m, len, &n, &e), 0);
	cr_assert_str_eq(n.text, "");
	cr_assert_not(n.text_malformed);
	cr_assert_eq(n.len, 3);
}

Test(bgp_msg, notification_too_short)
{
	struct bgp_notification n;
	struct bgp_error e;

	cr_assert_eq(bgp_msg_decode_notification(bird_shutdown, 20, &n, &e),
		     -EBADMSG);
	assert_err(&e, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH);
}

/* --- ROUTE-REFRESH --- */

Test(bgp_msg, route_refresh_both_ways)
{
	const uint8_t want[] = { MARKER, 0, 23, 5, 0, 1, 0, 1 };
	uint8_t mem[32];
	struct bgp_error e;
	uint16_t afi = 0;
	uint8_t safi = 0;
	struct buf b;

	buf_init(&b, mem, sizeof(mem));
	bgp_msg_encode_route_refresh(&b, BGP_AFI_IPV4, BGP_SAFI_UNICAST);
	cr_assert_eq(b.err, 0);
	cr_assert_eq(b.len, sizeof(want));
	cr_assert_arr_eq(mem, want, sizeof(want));
	cr_assert_eq(bgp_msg_frame(mem, b.len, &e), 23);
	cr_assert_eq(bgp_msg_decode_route_refresh(mem, b.len, &afi, &safi, &e),
		     0);
	cr_assert_eq(afi, 1);
	cr_assert_eq(safi, 1);
}

Test(bgp_msg, route_refresh_wrong_length)
{
	uint8_t m[24] = { MARKER, 0, 24, 5, 0, 1, 0, 1, 0 };
	struct bgp_error e;
	uint16_t afi;
	uint8_t safi;

	cr_assert_eq(bgp_msg_decode_route_refresh(m, sizeof(m), &afi, &safi,
						  &e), -EBADMSG);
	assert_err(&e, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH);
	assert_err_data(&e, (const uint8_t[]){ 0, 24 }, 2);
}

/* --- UPDATE decode --- */

static uint8_t scratch[BGP_UPDATE_SCRATCH];

static int decode_update(const uint8_t *m, size_t len,
			 const struct bgp_decode_ctx *ctx, struct bgp_update *u,
			 struct bgp_error *e)
{
	return bgp_msg_decode_update(m, len, ctx, u, scratch, sizeof(scratch),
				     e);
}

/* UPDATE from withdrawn, attribute and NLRI parts. */
static size_t mkupdate(uint8_t *m, const uint8_t *w, size_t wlen,
		       const uint8_t *a, size_t alen, const uint8_t *n,
		       size_t nlen)
{
	size_t off = 19;

	memset(m, 0xff, 16);
	m[18] = BGP_MSG_UPDATE;
	m[off++] = (uint8_t)(wlen >> 8);
	m[off++] = (uint8_t)wlen;
	if (wlen)
		memcpy(m + off, w, wlen);
	off += wlen;
	m[off++] = (uint8_t)(alen >> 8);
	m[off++] = (uint8_t)alen;
	if (alen)
		memcpy(m + off, a, alen);
	off += alen;
	if (nlen)
		memcpy(m + off, n, nlen);
	off += nlen;
	m[16] = (uint8_t)(off >> 8);
	m[17] = (uint8_t)off;
	return off;
}

/* ORIGIN IGP, AS_PATH 4200000001, NEXT_HOP 192.0.2.1 (4-octet peer) */
static const uint8_t base_attrs[] = {
	0x40, 0x01, 0x01, 0x00,
	0x40, 0x02, 0x06, 0x02, 0x01, 0xfa, 0x56, 0xea, 0x01,
	0x40, 0x03, 0x04, 0xc0, 0x00, 0x02, 0x01,
};
static const uint8_t one_nlri[] = { 0x18, 0x68, 0x10, 0x00 };

static void assert_reset(const struct bgp_update *u, const struct bgp_error *e,
			 uint8_t code, uint8_t subcode)
{
	assert_err(e, code, subcode);
	cr_assert_eq(u->result.action, BGP_ACT_RESET);
	cr_assert_eq(u->result.err.code, code);
	cr_assert_eq(u->result.err.subcode, subcode);
}

Test(bgp_msg, update_decode_bird_4octet)
{
	struct bgp_update u;
	struct bgp_error e;
	struct prefix4 p[8];
	const struct bgp_attrs *a = &u.attrs;
	const uint8_t path[] = { 2, 1, 0xfa, 0x56, 0xea, 0x01 };
	const uint8_t comm[] = { 0xfd, 0xe8, 0x00, 0x64, 0xfd, 0xe8, 0x00, 0xc8 };

	cr_assert_eq(decode_update(bird_update_as4, sizeof(bird_update_as4),
				   &ctx_ebgp4, &u, &e), 0);
	cr_assert_eq(u.result.action, BGP_ACT_OK);
	cr_assert_not(u.end_of_rib);
	cr_assert_eq(u.withdrawn_len, 0);
	cr_assert_eq(a->present, BGP_ATTR_BIT(BGP_ATTR_ORIGIN) |
		     BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
		     BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP) |
		     BGP_ATTR_BIT(BGP_ATTR_MED) |
		     BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES));
	cr_assert_eq(a->origin, BGP_ORIGIN_IGP);
	cr_assert_eq(a->nexthop, 0xc0000201);
	cr_assert_eq(a->med, 50);
	cr_assert_eq(a->aspath_len, sizeof(path));
	cr_assert_arr_eq(a->aspath, path, sizeof(path));
	cr_assert_eq(a->communities_len, sizeof(comm));
	cr_assert_arr_eq(a->communities, comm, sizeof(comm));
	cr_assert_eq(a->unknown_len, 0);
	cr_assert_null(u.mp_nlri);
	cr_assert_null(u.mp_withdrawn);
	cr_assert_eq(prefixes(u.nlri, u.nlri_len, p, 8), 4);
	assert_prefix(&p[0], "198.51.100.0/24");
	assert_prefix(&p[1], "203.0.113.128/26");
	assert_prefix(&p[2], "104.16.0.0/24");
	assert_prefix(&p[3], "203.0.113.0/25");
}

Test(bgp_msg, update_decode_bird_2octet_merges_as4_path)
{
	const struct bgp_decode_ctx ctx = { .as4 = false, .ebgp = true,
					    .peer_as = 65001 };
	/* Both hold two AS numbers: AS4_PATH is taken whole. */
	const uint8_t path[] = { 2, 2, 0x00, 0x00, 0xfd, 0xe9,
				 0xfa, 0x56, 0xea, 0x63 };
	struct bgp_update u;
	struct bgp_error e;
	struct prefix4 p[8];
	char s[64];

	cr_assert_eq(decode_update(bird_update_old, sizeof(bird_update_old),
				   &ctx, &u, &e), 0);
	cr_assert_eq(u.result.action, BGP_ACT_OK);
	cr_assert_eq(u.attrs.aspath_len, sizeof(path));
	cr_assert_arr_eq(u.attrs.aspath, path, sizeof(path));
	aspath_format(u.attrs.aspath, u.attrs.aspath_len, s, sizeof(s));
	cr_assert_str_eq(s, "65001 4200000099");
	cr_assert_eq(u.attrs.nexthop, 0xc0000205);
	cr_assert_not(u.attrs.present & BGP_ATTR_BIT(BGP_ATTR_AS4_PATH));
	cr_assert_eq(prefixes(u.nlri, u.nlri_len, p, 8), 4);
}

Test(bgp_msg, update_decode_bird_end_of_rib)
{
	struct bgp_update u;
	struct bgp_error e;

	cr_assert_eq(decode_update(bird_eor, sizeof(bird_eor), &ctx_ebgp4, &u,
				   &e), 0);
	cr_assert(u.end_of_rib);
	cr_assert_eq(u.result.action, BGP_ACT_OK);
	cr_assert_eq(u.nlri_len + u.withdrawn_len, 0);
}

Test(bgp_msg, update_decode_bird_withdrawals)
{
	struct bgp_update u;
	struct bgp_error e;
	struct prefix4 p[8];

	cr_assert_eq(decode_update(bird_withdraw, sizeof(bird_withdraw),
				   &ctx_ebgp4, &u, &e), 0);
	cr_assert_not(u.end_of_rib);
	cr_assert_eq(u.nlri_len, 0);
	cr_assert_eq(u.attrs.present, 0);
	cr_assert_eq(prefixes(u.withdrawn, u.withdrawn_len, p, 8), 3);
	assert_prefix(&p[0], "198.51.100.0/24");
	assert_prefix(&p[1], "203.0.113.128/26");
	assert_prefix(&p[2], "203.0.113.0/25");
}

Test(bgp_msg, update_withdrawn_length_past_the_message)
{
	uint8_t m[64];
	size_t len = mkupdate(m, one_nlri, 4, NULL, 0, NULL, 0);
	struct bgp_update u;
	struct bgp_error e;

	m[20] = 7;	/* withdrawn length 7 of the 6 octets left */
	cr_assert_eq(decode_update(m, len, &ctx_ebgp4, &u, &e), -EBADMSG);
	assert_reset(&u, &e, BGP_ERR_UPDATE, BGP_ERR_UPD_ATTR_LIST);
	assert_err_data(&e, NULL, 0);
}

Test(bgp_msg, update_attribute_length_past_the_message)
{
	uint8_t m[128];
	size_t len = mkupdate(m, NULL, 0, base_attrs, sizeof(base_attrs),
			      one_nlri, 4);
	struct bgp_update u;
	struct bgp_error e;

	m[22] = (uint8_t)(sizeof(base_attrs) + 5);
	cr_assert_eq(decode_update(m, len, &ctx_ebgp4, &u, &e), -EBADMSG);
	assert_reset(&u, &e, BGP_ERR_UPDATE, BGP_ERR_UPD_ATTR_LIST);
}

struct nlri_bad {
	char name[64];		/* by value: workers get a copy */
	bool withdrawn;
	uint8_t bytes[8];
	size_t len;
};

ParameterizedTestParameters(bgp_msg, update_bad_prefix)
{
	static struct nlri_bad cases[] = {
		{ "NLRI /33", false, { 33, 1, 2, 3, 4, 5 }, 6 },
		{ "NLRI /24 cut short", false, { 24, 1, 2 }, 3 },
		{ "NLRI /8 then a bare length", false, { 8, 10, 32 }, 3 },
		{ "withdrawn /33", true, { 33, 1, 2, 3, 4, 5 }, 6 },
		{ "withdrawn /32 cut short", true, { 32, 1, 2, 3 }, 4 },
		{ "withdrawn /255", true, { 255 }, 1 },
	};

	return cr_make_param_array(struct nlri_bad, cases, ARRAY_SIZE(cases));
}

ParameterizedTest(struct nlri_bad *c, bgp_msg, update_bad_prefix)
{
	uint8_t m[128];
	size_t len = c->withdrawn ?
		mkupdate(m, c->bytes, c->len, NULL, 0, NULL, 0) :
		mkupdate(m, NULL, 0, base_attrs, sizeof(base_attrs), c->bytes,
			 c->len);
	struct bgp_update u;
	struct bgp_error e;

	cr_assert_eq(decode_update(m, len, &ctx_ebgp4, &u, &e), -EBADMSG,
		     "%s", c->name);
	assert_reset(&u, &e, BGP_ERR_UPDATE, BGP_ERR_UPD_NETWORK);
}

Test(bgp_msg, update_length_out_of_range)
{
	static uint8_t m[BGP_MAX_MSG + 1];
	struct bgp_update u;
	struct bgp_error e;

	mkupdate(m, NULL, 0, NULL, 0, NULL, 0);
	cr_assert_eq(decode_update(m, 22, &ctx_ebgp4, &u, &e), -EBADMSG);
	assert_reset(&u, &e, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH);
	cr_assert_eq(decode_update(m, sizeof(m), &ctx_ebgp4, &u, &e),
		     -EBADMSG);
	assert_reset(&u, &e, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH);
	assert_err_data(&e, (const uint8_t[]){ 0x10, 0x01 }, 2);
}

Test(bgp_msg, update_malformed_attribute_with_nlri_is_withdraw)
{
	uint8_t a[sizeof(base_attrs)], m[128];
	size_t len;
	struct bgp_update u;
	struct bgp_error e;

	memcpy(a, base_attrs, sizeof(a));
	a[3] = 7;	/* ORIGIN 7 */
	len = mkupdate(m, NULL, 0, a, sizeof(a), one_nlri, 4);
	cr_assert_eq(decode_update(m, len, &ctx_ebgp4, &u, &e), 0);
	cr_assert_eq(u.result.action, BGP_ACT_WITHDRAW);
	cr_assert_eq(u.result.type, BGP_ATTR_ORIGIN);
	cr_assert_eq(u.result.err.subcode, BGP_ERR_UPD_ORIGIN);
	cr_assert_eq(u.nlri_len, 4);
}

Test(bgp_msg, update_malformed_attribute_without_nlri_resets)
{
	/* RFC 7606 §5.2: nothing to withdraw, so no trust in the parse. */
	uint8_t a[sizeof(base_attrs)], m[128];
	size_t len;
	struct bgp_update u;
	struct bgp_error e;

	memcpy(a, base_attrs, sizeof(a));
	a[3] = 7;
	len = mkupdate(m, one_nlri, 4, a, sizeof(a), NULL, 0);
	cr_assert_eq(decode_update(m, len, &ctx_ebgp4, &u, &e), -EBADMSG);
	assert_reset(&u, &e, BGP_ERR_UPDATE, BGP_ERR_UPD_ATTR_LIST);
	cr_assert_eq(u.result.type, BGP_ATTR_ORIGIN);
}

/* ORIGIN, AS_PATH (no NEXT_HOP: MP_REACH_NLRI carries its own). */
#define MP_BASE	0x40, 0x01, 0x01, 0x00, \
		0x40, 0x02, 0x06, 0x02, 0x01, 0xfa, 0x56, 0xea, 0x01

Test(bgp_msg, update_mp_reach_ipv4_unicast)
{
	const uint8_t a[] = {
		MP_BASE,
		0x80, 0x0e, 0x0d, 0x00, 0x01, 0x01, 0x04, 0xc0, 0x00, 0x02,
		0x09, 0x00, 0x18, 0x68, 0x10, 0x00,
		0x80, 0x0f, 0x06, 0x00, 0x01, 0x01, 0x10, 0xc6, 0x33,
	};
	uint8_t m[128];
	size_t len = mkupdate(m, NULL, 0, a, sizeof(a), NULL, 0);
	struct bgp_update u;
	struct bgp_error e;
	struct prefix4 p[2];

	cr_assert_eq(decode_update(m, len, &ctx_ebgp4, &u, &e), 0);
	cr_assert_eq(u.result.action, BGP_ACT_OK);
	cr_assert_eq(u.mp_nexthop, 0xc0000209);
	cr_assert_eq(prefixes(u.mp_nlri, u.mp_nlri_len, p, 2), 1);
	assert_prefix(&p[0], "104.16.0.0/24");
	cr_assert_eq(prefixes(u.mp_withdrawn, u.mp_withdrawn_len, p, 2), 1);
	assert_prefix(&p[0], "198.51.0.0/16");
	cr_assert_eq(u.nlri_len, 0);
	cr_assert_not(u.end_of_rib);
}

Test(bgp_msg, update_mp_end_of_rib)
{
	const uint8_t a[] = { 0x80, 0x0f, 0x03, 0x00, 0x01, 0x01 };
	uint8_t m[64];
	size_t len = mkupdate(m, NULL, 0, a, sizeof(a), NULL, 0);
	struct bgp_update u;
	struct bgp_error e;

	cr_assert_eq(decode_update(m, len, &ctx_ebgp4, &u, &e), 0);
	cr_assert(u.end_of_rib);
	cr_assert_not_null(u.mp_withdrawn);
	cr_assert_eq(u.mp_withdrawn_len, 0);
}

Test(bgp_msg, update_mp_other_family_is_skipped)
{
	/* IPv6 unicast: 2001:db8::1 next hop, 2001:db8::/32. */
	const uint8_t a[] = {
		MP_BASE,
		0x80, 0x0e, 0x1a, 0x00, 0x02, 0x01, 0x10,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		0x00, 0x20, 0x20, 0x01, 0x0d, 0xb8,
	};
	uint8_t m[128];
	size_t len = mkupdate(m, NULL, 0, a, sizeof(a), NULL, 0);
	struct bgp_update u;
	struct bgp_error e;

	cr_assert_eq(decode_update(m, len, &ctx_ebgp4, &u, &e), 0);
	cr_assert_eq(u.result.action, BGP_ACT_OK);
	cr_assert_null(u.mp_nlri);
	cr_assert_null(u.mp_withdrawn);
}

struct mp_bad {
	char name[64];		/* by value: workers get a copy */
	uint8_t attr[24];
	size_t len;
	uint8_t subcode;
};

ParameterizedTestParameters(bgp_msg, update_mp_malformed)
{
	static struct mp_bad cases[] = {
		{ "MP_REACH_NLRI next hop of 16 for IPv4",
		  { 0x80, 0x0e, 0x15, 0x00, 0x01, 0x01, 0x10,
		    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
		    0x00 }, 24, BGP_ERR_UPD_OPTATTR },
		{ "MP_REACH_NLRI shorter than its header",
		  { 0x80, 0x0e, 0x04, 0x00, 0x01, 0x01, 0x04 }, 7,
		  BGP_ERR_UPD_OPTATTR },
		{ "MP_REACH_NLRI next hop past the attribute",
		  { 0x80, 0x0e, 0x07, 0x00, 0x01, 0x01, 0x04, 1, 2, 3 }, 10,
		  BGP_ERR_UPD_OPTATTR },
		{ "MP_REACH_NLRI prefix /40",
		  { 0x80, 0x0e, 0x0b, 0x00, 0x01, 0x01, 0x04, 10, 0, 0, 1,
		    0x00, 40, 10 }, 14, BGP_ERR_UPD_OPTATTR },
		{ "MP_UNREACH_NLRI prefix cut short",
		  { 0x80, 0x0f, 0x05, 0x00, 0x01, 0x01, 24, 10 }, 8,
		  BGP_ERR_UPD_OPTATTR },
		{ "MP_UNREACH_NLRI of 2 octets",
		  { 0x80, 0x0f, 0x02, 0x00, 0x01 }, 5, BGP_ERR_UPD_OPTATTR },
		{ "MP_REACH_NLRI marked transitive",
		  { 0xc0, 0x0e, 0x05, 0x00, 0x01, 0x01, 0x00, 0x00 }, 8,
		  BGP_ERR_UPD_FLAGS },
	};

	return cr_make_param_array(struct mp_bad, cases, ARRAY_SIZE(cases));
}

ParameterizedTest(struct mp_bad *c, bgp_msg, update_mp_malformed)
{
	uint8_t a[64], m[128];
	const uint8_t base[] = { MP_BASE };
	size_t len;
	struct bgp_update u;
	struct bgp_error e;

	memcpy(a, base, sizeof(base));
	memcpy(a + sizeof(base), c->attr, c->len);
	len = mkupdate(m, NULL, 0, a, sizeof(base) + c->len, NULL, 0);
	cr_assert_eq(decode_update(m, len, &ctx_ebgp4, &u, &e), -EBADMSG,
		     "%s", c->name);
	assert_reset(&u, &e, BGP_ERR_UPDATE, c->subcode);
	/* RFC 4271 §6.3: the data is the offending attribute. */
	assert_err_data(&e, m + 23 + sizeof(base), c->len);
}

Test(bgp_msg, update_repeated_mp_attribute_resets)
{
	const uint8_t a[] = {
		0x80, 0x0f, 0x03, 0x00, 0x01, 0x01,
		0x80, 0x0f, 0x03, 0x00, 0x01, 0x01,
	};
	uint8_t m[64];
	size_t len = mkupdate(m, NULL, 0, a, sizeof(a), NULL, 0);
	struct bgp_update u;
	struct bgp_error e;

	cr_assert_eq(decode_update(m, len, &ctx_ebgp4, &u, &e), -EBADMSG);
	assert_reset(&u, &e, BGP_ERR_UPDATE, BGP_ERR_UPD_ATTR_LIST);
	cr_assert_eq(u.result.type, BGP_ATTR_MP_UNREACH);
}

/*
 * An AS_PATH of 3,000 AS numbers needs 12,000 octets in 4-octet form
 * (6,000 in 2-octet form): no 4096-octet message can carry it.  Built
 * anyway, it must be refused cleanly wherever it is fed in.
 */
Test(bgp_msg, update_aspath_of_3000_asns_is_refused)
{
	static uint8_t m[16384];
	const size_t nas = 3000, plen = 12 * 2 + nas * 4;
	size_t off = 23, i, len;
	struct bgp_update u;
	struct bgp_error e;

	memset(m, 0xff, 16);
	m[18] = BGP_MSG_UPDATE;
	m[19] = m[20] = 0;
	memcpy(m + off, (const uint8_t[]){ 0x40, 0x01, 0x01, 0x00 }, 4);
	off += 4;
	m[off++] = 0x50;	/* transitive, extended length */
	m[off++] = BGP_ATTR_AS_PATH;
	m[off++] = (uint8_t)(plen >> 8);
	m[off++] = (uint8_t)plen;
	for (i = 0; i < nas; i++) {
		if (i % 255 == 0) {
			m[off++] = BGP_AS_SEQUENCE;
			m[off++] = (uint8_t)(nas - i < 255 ? nas - i : 255);
		}
		m[off++] = 0;
		m[off++] = 0;
		m[off++] = 0xfd;
		m[off++] = (uint8_t)(i % 200 + 1);
	}
	memcpy(m + off, (const uint8_t[]){ 0x40, 0x03, 0x04, 10, 0, 0, 1 }, 7);
	off += 7;
	m[21] = (uint8_t)((off - 23) >> 8);
	m[22] = (uint8_t)(off - 23);
	memcpy(m + off, one_nlri, 4);
	len = off + 4;
	m[16] = (uint8_t)(len >> 8);
	m[17] = (uint8_t)len;

	/* The framer refuses the length field (12,058 > 4096) ... */
	cr_assert_eq(bgp_msg_frame(m, len, &e), -EBADMSG);
	assert_err(&e, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH);
	assert_err_data(&e, m + 16, 2);
	/* ... and so does the decoder handed all of it. */
	cr_assert_eq(decode_update(m, len, &ctx_ebgp4, &u, &e), -EBADMSG);
	assert_reset(&u, &e, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH);
}

/* --- UPDATE writer --- */

static struct bgp_attrs attrs_13335(void)
{
	static const uint8_t path[] = { 2, 1, 0, 0, 0x34, 0x17 };

	return (struct bgp_attrs){
		.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) |
			   BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
			   BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP),
		.origin = BGP_ORIGIN_IGP,
		.nexthop = 0x0a000001,
		.aspath = path,
		.aspath_len = sizeof(path),
	};
}

static const struct prefix4 anycast = { 0x68100000, 24 };
static const struct prefix4 old_net = { 0xc6336400, 24 };

Test(bgp_msg, writer_exact_bytes)
{
	const uint8_t want[] = {
		MARKER, 0x00, 0x33, 0x02,
		0x00, 0x04, 0x18, 0xc6, 0x33, 0x64,		/* withdrawn */
		0x00, 0x14,
		0x40, 0x01, 0x01, 0x00,
		0x40, 0x02, 0x06, 0x02, 0x01, 0x00, 0x00, 0x34, 0x17,
		0x40, 0x03, 0x04, 0x0a, 0x00, 0x00, 0x01,
		0x18, 0x68, 0x10, 0x00,				/* NLRI */
	};
	struct bgp_attrs a = attrs_13335();
	struct bgp_update_writer w;
	uint8_t mem[BGP_MAX_MSG];
	struct buf b;

	buf_init(&b, mem, sizeof(mem));
	bgp_upd_begin(&w, &b);
	cr_assert_eq(bgp_upd_withdraw(&w, &old_net), 0);
	cr_assert_eq(bgp_upd_attrs(&w, &a, true), 0);
	cr_assert_eq(bgp_upd_nlri(&w, &anycast), 0);
	cr_assert_eq(bgp_upd_end(&w), (int)sizeof(want));
	cr_assert_eq(b.len, sizeof(want));
	cr_assert_arr_eq(mem, want, sizeof(want));
}

Test(bgp_msg, writer_empty_is_end_of_rib)
{
	struct bgp_update_writer w;
	uint8_t mem[64];
	struct buf b;

	buf_init(&b, mem, sizeof(mem));
	bgp_upd_begin(&w, &b);
	cr_assert_eq(bgp_upd_end(&w), 23);
	cr_assert_arr_eq(mem, bird_eor, sizeof(bird_eor));
}

Test(bgp_msg, writer_roundtrip)
{
	struct bgp_attrs a = attrs_13335();
	struct bgp_update_writer w;
	uint8_t mem[BGP_MAX_MSG];
	struct bgp_update u;
	struct bgp_error e;
	struct prefix4 p[4];
	struct buf b;
	int len;
	const struct bgp_decode_ctx ctx = { .as4 = true, .ebgp = true,
					    .peer_as = 13335 };

	buf_init(&b, mem, sizeof(mem));
	bgp_upd_begin(&w, &b);
	cr_assert_eq(bgp_upd_attrs(&w, &a, true), 0);
	cr_assert_eq(bgp_upd_nlri(&w, &anycast), 0);
	cr_assert_eq(bgp_upd_nlri(&w, &(struct prefix4){ 0, 0 }), 0);
	cr_assert_eq(bgp_upd_nlri(&w, &(struct prefix4){ 0x0a000001, 32 }),
		     0);
	len = bgp_upd_end(&w);
	cr_assert_gt(len, 0);
	cr_assert_eq(bgp_msg_frame(mem, (size_t)len, &e), len);
	cr_assert_eq(decode_update(mem, (size_t)len, &ctx, &u, &e), 0);
	cr_assert_eq(u.result.action, BGP_ACT_OK);
	cr_assert_eq(u.attrs.present, a.present);
	cr_assert_eq(u.attrs.nexthop, a.nexthop);
	cr_assert_eq(u.attrs.aspath_len, a.aspath_len);
	cr_assert_arr_eq(u.attrs.aspath, a.aspath, a.aspath_len);
	cr_assert_eq(prefixes(u.nlri, u.nlri_len, p, 4), 3);
	assert_prefix(&p[0], "104.16.0.0/24");
	assert_prefix(&p[1], "0.0.0.0/0");
	assert_prefix(&p[2], "10.0.0.1/32");
}

Test(bgp_msg, writer_packs_until_full_and_never_exceeds_4096)
{
	struct bgp_attrs a = attrs_13335();
	struct bgp_update_writer w;
	static uint8_t mem[2 * BGP_MAX_MSG];
	struct bgp_update u;
	struct bgp_error e;
	unsigned n = 0;
	struct buf b;
	int len, rc;

	buf_init(&b, mem, sizeof(mem));
	bgp_upd_begin(&w, &b);
	cr_assert_eq(bgp_upd_attrs(&w, &a, true), 0);
	while ((rc = bgp_upd_nlri(&w, &(struct prefix4){ 0x0a000000 + n,
							   32 })) == 0)
		n++;
	cr_assert_eq(rc, -ENOSPC);
	cr_assert_eq(b.err, 0);
	/* 23 + 2 + 20 octets of attributes, 5 per /32. */
	cr_assert_eq(n, (BGP_MAX_MSG - 23 - 20) / 5);
	len = bgp_upd_end(&w);
	cr_assert_leq(len, BGP_MAX_MSG);
	cr_assert_gt(len + 5, BGP_MAX_MSG);
	cr_assert_eq(decode_update(mem, (size_t)len, &ctx_ebgp4, &u, &e), 0);
	cr_assert_eq(u.nlri_len, 5 * n);
	/* A second message follows in the same buffer. */
	bgp_upd_begin(&w, &b);
	cr_assert_eq(bgp_upd_attrs(&w, &a, true), 0);
	cr_assert_eq(bgp_upd_nlri(&w, &(struct prefix4){ 0x0a000000 + n, 32 }),
		     0);
	cr_assert_eq(bgp_upd_end(&w), 23 + 20 + 5);
	cr_assert_eq(bgp_msg_frame(mem + len, b.len - (size_t)len, &e),
		     23 + 20 + 5);
}

Test(bgp_msg, writer_withdrawals_fill_a_message)
{
	struct bgp_update_writer w;
	uint8_t mem[BGP_MAX_MSG];
	struct bgp_update u;
	struct bgp_error e;
	unsigned n = 0;
	struct buf b;
	int len;

	buf_init(&b, mem, sizeof(mem));
	bgp_upd_begin(&w, &b);
	while (bgp_upd_withdraw(&w, &(struct prefix4){ n << 8, 24 }) == 0)
		n++;
	cr_assert_eq(n, (BGP_MAX_MSG - 23) / 4);
	len = bgp_upd_end(&w);
	cr_assert_leq(len, BGP_MAX_MSG);
	cr_assert_eq(decode_update(mem, (size_t)len, &ctx_ebgp4, &u, &e), 0);
	cr_assert_eq(u.withdrawn_len, 4 * n);
}

Test(bgp_msg, writer_rejects_calls_out_of_order)
{
	struct bgp_attrs a = attrs_13335();
	struct bgp_update_writer w;
	uint8_t mem[BGP_MAX_MSG];
	struct buf b;

	buf_init(&b, mem, sizeof(mem));
	bgp_upd_begin(&w, &b);
	cr_assert_eq(bgp_upd_nlri(&w, &anycast), -EINVAL);
	cr_assert_eq(bgp_upd_withdraw(&w, &(struct prefix4){ 0, 33 }),
		     -EINVAL);
	cr_assert_eq(bgp_upd_attrs(&w, &a, true), 0);
	cr_assert_eq(bgp_upd_attrs(&w, &a, true), -EINVAL);
	cr_assert_eq(bgp_upd_withdraw(&w, &old_net), -EINVAL);
	cr_assert_eq(bgp_upd_nlri(&w, &(struct prefix4){ 0, 40 }), -EINVAL);
	cr_assert_eq(bgp_upd_nlri(&w, &anycast), 0);
	cr_assert_eq(bgp_upd_end(&w), 23 + 20 + 4);
}

Test(bgp_msg, writer_attributes_too_large)
{
	static uint8_t comm[4072], mem[2 * BGP_MAX_MSG];
	struct bgp_attrs a = attrs_13335();
	struct bgp_update_writer w;
	struct bgp_update u;
	struct bgp_error e;
	struct buf b;
	size_t before;
	unsigned i;
	int len;

	a.present |= BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES);
	a.communities = comm;
	a.communities_len = sizeof(comm);
	buf_init(&b, mem, sizeof(mem));
	/* Alone they can never fit: no point starting another message. */
	bgp_upd_begin(&w, &b);
	before = b.len;
	cr_assert_eq(bgp_upd_attrs(&w, &a, true), -EMSGSIZE);
	cr_assert_eq(b.len, before);
	cr_assert_eq(b.err, 0);
	cr_assert_eq(bgp_upd_end(&w), 23);

	/* 4024 octets of attributes leave 49 for withdrawals and one /32;
	 * after 12 withdrawn /24s: finish this one, start another. */
	a.communities_len = 4000;
	before = b.len;
	bgp_upd_begin(&w, &b);
	for (i = 0; i < 12; i++)
		cr_assert_eq(bgp_upd_withdraw(&w, &(struct prefix4){
						      0x0a000000 + (i << 8),
						      24 }), 0);
	cr_assert_eq(bgp_upd_attrs(&w, &a, true), -ENOSPC);
	cr_assert_eq(b.err, 0);
	len = bgp_upd_end(&w);
	cr_assert_eq(len, 23 + 12 * 4);
	cr_assert_eq(decode_update(mem + before, (size_t)len, &ctx_ebgp4, &u,
				   &e), 0);
	cr_assert_eq(u.withdrawn_len, 12 * 4);
	cr_assert_eq(u.attrs.present, 0);

	/* The same attributes fit into a fresh message. */
	before = b.len;
	bgp_upd_begin(&w, &b);
	cr_assert_eq(bgp_upd_attrs(&w, &a, true), 0);
	cr_assert_eq(bgp_upd_nlri(&w, &anycast), 0);
	len = bgp_upd_end(&w);
	cr_assert_eq(len, 23 + 4024 + 4);
	cr_assert_eq(bgp_msg_frame(mem + before, (size_t)len, &e), len);
}

Test(bgp_msg, writer_respects_a_small_buffer)
{
	struct bgp_update_writer w;
	uint8_t mem[30];
	struct bgp_error e;
	struct buf b;

	buf_init(&b, mem, sizeof(mem));
	bgp_upd_begin(&w, &b);
	/* 21 octets, 4 for the prefix, 2 kept for the attribute length. */
	cr_assert_eq(bgp_upd_withdraw(&w, &old_net), 0);
	cr_assert_eq(bgp_upd_withdraw(&w, &anycast), -ENOSPC);
	cr_assert_eq(b.err, 0);
	cr_assert_eq(bgp_upd_end(&w), 27);
	cr_assert_eq(bgp_msg_frame(mem, 27, &e), 27);
}

Test(bgp_msg, writer_reports_a_buffer_too_small_for_the_header)
{
	struct bgp_update_writer w;
	uint8_t mem[10];
	struct buf b;

	buf_init(&b, mem, sizeof(mem));
	bgp_upd_begin(&w, &b);
	cr_assert_eq(bgp_upd_withdraw(&w, &old_net), -ENOSPC);
	cr_assert_eq(bgp_upd_end(&w), -ENOSPC);
}

/* --- NLRI iteration --- */

Test(bgp_msg, nlri_next_masks_host_bits_and_stops_on_garbage)
{
	const uint8_t good[] = { 0x1a, 0xcb, 0x00, 0x71, 0xff, 0x00 };
	const uint8_t bad[] = { 0x18, 0x0a, 0x00, 0x00, 0x21, 1, 2, 3, 4, 5 };
	const uint8_t *p = good;
	struct prefix4 pf;

	cr_assert(bgp_nlri_next(&p, good + sizeof(good), &pf));
	assert_prefix(&pf, "203.0.113.192/26");
	cr_assert(bgp_nlri_next(&p, good + sizeof(good), &pf));
	assert_prefix(&pf, "0.0.0.0/0");
	cr_assert_not(bgp_nlri_next(&p, good + sizeof(good), &pf));
	p = bad;
	cr_assert(bgp_nlri_next(&p, bad + sizeof(bad), &pf));
	cr_assert_not(bgp_nlri_next(&p, bad + sizeof(bad), &pf));
	cr_assert_eq(p, bad + sizeof(bad));
	cr_assert_eq(bgp_nlri_check(good, sizeof(good)), 0);
	cr_assert_eq(bgp_nlri_check(bad, sizeof(bad)), -EINVAL);
	cr_assert_eq(bgp_nlri_check(good, 3), -EMSGSIZE);
}

/* --- names --- */

Test(bgp_msg, names_for_logs)
{
	cr_assert_str_eq(bgp_msg_type_name(BGP_MSG_OPEN), "OPEN");
	cr_assert_str_eq(bgp_msg_type_name(BGP_MSG_ROUTE_REFRESH),
			 "ROUTE-REFRESH");
	cr_assert_str_eq(bgp_msg_type_name(9), "unknown");
	cr_assert_str_eq(bgp_err_code_name(BGP_ERR_CEASE), "Cease");
	cr_assert_str_eq(bgp_err_code_name(BGP_ERR_UPDATE),
			 "UPDATE Message Error");
	cr_assert_str_eq(bgp_err_code_name(0), "unknown error");
	cr_assert_str_eq(bgp_err_subcode_name(BGP_ERR_CEASE,
					      BGP_CEASE_ADMIN_SHUTDOWN),
			 "Administrative Shutdown");
	cr_assert_str_eq(bgp_err_subcode_name(BGP_ERR_HEADER,
					      BGP_ERR_HDR_LENGTH),
			 "Bad Message Length");
	cr_assert_str_eq(bgp_err_subcode_name(BGP_ERR_UPDATE,
					      BGP_ERR_UPD_ASPATH),
			 "Malformed AS_PATH");
	cr_assert_str_eq(bgp_err_subcode_name(BGP_ERR_OPEN,
					      BGP_ERR_OPEN_OPTPARAM),
			 "Unsupported Optional Parameter");
	cr_assert_str_eq(bgp_err_subcode_name(BGP_ERR_HOLD, 0), "Unspecific");
	cr_assert_str_eq(bgp_err_subcode_name(BGP_ERR_UPDATE, 12),
			 "unknown subcode");
	cr_assert_str_eq(bgp_err_subcode_name(BGP_ERR_UPDATE, 0),
			 "Unspecific");
}

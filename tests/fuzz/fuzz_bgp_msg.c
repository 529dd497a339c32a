/*
 * libFuzzer target for the BGP message codec (msg.h, attr.h).
 *
 * The input is what a peer might send: a byte stream that is framed with
 * bgp_msg_frame and cut into messages, each copied to a buffer of its exact
 * length (so a read past it is caught) and decoded by type.  UPDATEs are
 * decoded four ways (4-octet AS on and off, eBGP and iBGP); OPENs,
 * NOTIFICATIONs, ROUTE-REFRESHes and UPDATEs that survive are encoded
 * again and must decode to the same thing.  The input is also fed to the
 * attribute decoder as a raw attribute block.
 */
#include <stdlib.h>
#include <string.h>

#include "bgp/aspath.h"
#include "bgp/attr.h"
#include "bgp/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t scratch[BGP_UPDATE_SCRATCH];
static uint8_t scratch2[BGP_UPDATE_SCRATCH];

#define CHECK(x)	do { if (!(x)) abort(); } while (0)

static void fuzz_open(const uint8_t *m, size_t len)
{
	uint8_t out[BGP_MAX_MSG], out2[BGP_MAX_MSG];
	struct bgp_open o, d;
	struct bgp_error e;
	struct buf b, b2;

	if (bgp_msg_decode_open(m, len, &o, &e) < 0)
		return;
	buf_init(&b, out, sizeof(out));
	bgp_msg_encode_open(&b, &o);
	CHECK(b.err == 0);
	CHECK(bgp_msg_frame(out, b.len, &e) == (int)b.len);
	CHECK(bgp_msg_decode_open(out, b.len, &d, &e) == 0);
	CHECK(d.version == BGP_VERSION);
	CHECK(d.as4 == o.as4);
	CHECK(d.my_as == (o.as4 > 0xffff ? BGP_AS_TRANS : o.as4));
	CHECK(d.hold_time == o.hold_time && d.bgp_id == o.bgp_id);
	CHECK(d.cap_as4 == o.cap_as4 && d.cap_mp_ipv4 == o.cap_mp_ipv4 &&
	      d.cap_route_refresh == o.cap_route_refresh);
	CHECK(!d.cap_graceful_restart && !d.cap_add_path &&
	      !d.cap_enhanced_rr && d.unknown_caps == 0);
	/* A fixed point: encoding what was decoded gives the same bytes. */
	buf_init(&b2, out2, sizeof(out2));
	bgp_msg_encode_open(&b2, &d);
	CHECK(b2.len == b.len && memcmp(out, out2, b.len) == 0);
}

static void fuzz_notification(const uint8_t *m, size_t len)
{
	uint8_t out[BGP_MAX_MSG];
	struct bgp_notification n;
	struct bgp_error e, again;
	struct buf b;

	if (bgp_msg_decode_notification(m, len, &n, &e) < 0)
		return;
	CHECK(strlen(n.text) < sizeof(n.text));
	CHECK(!n.text[0] || !n.text_malformed);
	{
		/* What we log of it: bounded, and no control character. */
		char line[384];
		struct buf lb;
		size_t i;

		buf_init(&lb, line, sizeof(line));
		bgp_msg_notification_format(&lb, &n);
		buf_cstr(&lb);
		for (i = 0; line[i]; i++)
			CHECK((unsigned char)line[i] >= 0x20 && line[i] != 0x7f);
	}
	again = (struct bgp_error){ .code = n.code, .subcode = n.subcode,
				    .data = n.data, .len = n.len };
	buf_init(&b, out, sizeof(out));
	bgp_msg_encode_notification(&b, &again);
	CHECK(b.err == 0 && b.len == len);
	CHECK(memcmp(out + 16, m + 16, len - 16) == 0);
	(void)bgp_err_code_name(n.code);
	(void)bgp_err_subcode_name(n.code, n.subcode);
}

static void fuzz_route_refresh(const uint8_t *m, size_t len)
{
	uint8_t out[64];
	struct bgp_error e;
	uint16_t afi, afi2;
	uint8_t safi, safi2;
	struct buf b;

	if (bgp_msg_decode_route_refresh(m, len, &afi, &safi, &e) < 0)
		return;
	buf_init(&b, out, sizeof(out));
	bgp_msg_encode_route_refresh(&b, afi, safi);
	CHECK(bgp_msg_decode_route_refresh(out, b.len, &afi2, &safi2, &e) == 0);
	CHECK(afi == afi2 && safi == safi2);
}

static size_t count_prefixes(const uint8_t *p, size_t len)
{
	const uint8_t *end;
	struct prefix4 pf;
	size_t n = 0;

	if (!p)
		return 0;	/* absent: not even NULL + 0 */
	end = p + len;
	while (bgp_nlri_next(&p, end, &pf)) {
		CHECK(pf.len <= 32);
		CHECK((pf.addr & ~prefix4_mask(pf.len)) == 0);
		n++;
	}
	return n;
}

static bool same_bytes(const uint8_t *a, const uint8_t *b, size_t n)
{
	return n == 0 || memcmp(a, b, n) == 0;
}

/* Write a decoded UPDATE again and read it back with the same context. */
static void reencode_update(const struct bgp_update *u,
			    const struct bgp_decode_ctx *ctx)
{
	static uint8_t out[BGP_MAX_MSG];
	struct bgp_update_writer w;
	const uint8_t *p, *end;
	struct bgp_update v;
	struct bgp_error e;
	struct prefix4 pf;
	struct buf b;
	int len;

	buf_init(&b, out, sizeof(out));
	bgp_upd_begin(&w, &b);
	p = u->withdrawn;
	end = p + u->withdrawn_len;
	while (bgp_nlri_next(&p, end, &pf))
		if (bgp_upd_withdraw(&w, &pf) < 0)
			return;
	if (bgp_upd_attrs(&w, &u->attrs, ctx->as4) < 0)
		return;
	p = u->nlri;
	end = p + u->nlri_len;
	while (bgp_nlri_next(&p, end, &pf))
		if (bgp_upd_nlri(&w, &pf) < 0)
			return;
	len = bgp_upd_end(&w);
	CHECK(len > 0 && len <= BGP_MAX_MSG);
	CHECK(bgp_msg_frame(out, (size_t)len, &e) == len);
	CHECK(bgp_msg_decode_update(out, (size_t)len, ctx, &v, scratch2,
				    sizeof(scratch2), &e) == 0);
	CHECK(v.result.action == BGP_ACT_OK);
	CHECK(count_prefixes(v.withdrawn, v.withdrawn_len) ==
	      count_prefixes(u->withdrawn, u->withdrawn_len));
	CHECK(count_prefixes(v.nlri, v.nlri_len) ==
	      count_prefixes(u->nlri, u->nlri_len));
	CHECK(v.attrs.present == u->attrs.present);
	CHECK(v.attrs.communities_len == u->attrs.communities_len &&
	      same_bytes(v.attrs.communities, u->attrs.communities,
			 u->attrs.communities_len));
	CHECK(v.attrs.unknown_len == u->attrs.unknown_len &&
	      same_bytes(v.attrs.unknown, u->attrs.unknown,
			 u->attrs.unknown_len));
	/* The 2-octet round trip goes through AS_TRANS and AS4_PATH, which
	 * RFC 6793 makes lossy for odd paths; a 4-octet one must not be. */
	if (ctx->as4)
		CHECK(v.attrs.aspath_len == u->attrs.aspath_len &&
		      same_bytes(v.attrs.aspath, u->attrs.aspath,
				 u->attrs.aspath_len));
}

static void fuzz_update(const uint8_t *m, size_t len)
{
	static const struct bgp_decode_ctx ctxs[] = {
		{ .as4 = true, .ebgp = false },
		{ .as4 = false, .ebgp = false },
		{ .as4 = true, .ebgp = true, .peer_as = 65001 },
		{ .as4 = false, .ebgp = true, .peer_as = 65001 },
	};
	unsigned i;

	for (i = 0; i < sizeof(ctxs) / sizeof(ctxs[0]); i++) {
		struct bgp_update u;
		struct bgp_error e;
		int rc = bgp_msg_decode_update(m, len, &ctxs[i], &u, scratch,
					       sizeof(scratch), &e);

		if (rc < 0) {
			CHECK(u.result.action == BGP_ACT_RESET);
			CHECK(e.code == u.result.err.code &&
			      e.subcode == u.result.err.subcode);
			CHECK(e.len == 0 || e.data);
			continue;
		}
		CHECK(u.result.action != BGP_ACT_RESET);
		(void)count_prefixes(u.withdrawn, u.withdrawn_len);
		(void)count_prefixes(u.nlri, u.nlri_len);
		(void)count_prefixes(u.mp_nlri, u.mp_nlri_len);
		(void)count_prefixes(u.mp_withdrawn, u.mp_withdrawn_len);
		if (u.attrs.aspath_len) {
			char s[64];

			CHECK(aspath_check(u.attrs.aspath, u.attrs.aspath_len,
					   4) == 0);
			(void)aspath_format(u.attrs.aspath, u.attrs.aspath_len,
					    s, sizeof(s));
		}
		if (u.result.action < BGP_ACT_WITHDRAW)
			reencode_update(&u, &ctxs[i]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct bgp_decode_ctx raw_ctx[2] = {
		{ .as4 = true, .ebgp = true, .peer_as = 65001 },
		{ .as4 = false, .ebgp = false },
	};
	size_t off = 0;
	unsigned i;

	while (off < size) {
		struct bgp_error e;
		int n = bgp_msg_frame(data + off, size - off, &e);
		uint8_t *m;

		if (n < 0) {
			CHECK(e.code == BGP_ERR_HEADER && e.reason);
			break;
		}
		if (n == 0 || (size_t)n > size - off)
			break;
		CHECK(n >= BGP_HEADER_LEN && n <= BGP_MAX_MSG);
		m = malloc((size_t)n);
		if (!m)
			return 0;
		memcpy(m, data + off, (size_t)n);
		(void)bgp_msg_type_name(bgp_msg_type(m));
		switch (bgp_msg_type(m)) {
		case BGP_MSG_OPEN:
			fuzz_open(m, (size_t)n);
			break;
		case BGP_MSG_UPDATE:
			fuzz_update(m, (size_t)n);
			break;
		case BGP_MSG_NOTIFICATION:
			fuzz_notification(m, (size_t)n);
			break;
		case BGP_MSG_KEEPALIVE:
			CHECK(bgp_msg_decode_keepalive(m, (size_t)n, &e) == 0);
			break;
		case BGP_MSG_ROUTE_REFRESH:
			fuzz_route_refresh(m, (size_t)n);
			break;
		default:
			abort();	/* the framer let an unknown type by */
		}
		free(m);
		off += (size_t)n;
	}

	/* The whole input as an attribute block, both ways. */
	for (i = 0; i < 2; i++) {
		struct bgp_attrs a;
		struct bgp_attr_result r;
		int rc = bgp_attrs_decode(data, size, &raw_ctx[i], size & 1, &a,
					  scratch, sizeof(scratch), &r);

		CHECK((rc < 0) == (r.action == BGP_ACT_RESET));
		CHECK(r.err.reason);
	}
	return 0;
}

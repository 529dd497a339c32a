/*
 * The stub side: queries built octet for octet, run through the answer
 * engine and parsed back (A, NS, SOA, TXT, MX, AAAA, NSID), RFC 3597 text
 * for other types, and the replies a client must refuse: another id, QR
 * clear, another question, and every truncation of a good reply.
 */
#include "dns/client.h"

#include "dns/answer.h"
#include "dns/wire.h"
#include "dns/zone.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static struct dns_zone *z;
static const struct dns_ident ident = { "ams", "Amsterdam" };
static uint8_t out[65535];

static void setup(void)
{
	char why[256];

	z = dns_zone_new("cdn.example.com.");
	cr_assert_not_null(z);
	cr_assert_eq(dns_zone_add_default(z, "104.16.0.1", why, sizeof(why)), 0);
	cr_assert_eq(dns_zone_add(z, "www", "AAAA", 300, "2001:db8::80", why,
				  sizeof(why)), 0);
	cr_assert_eq(dns_zone_add(z, "t", "TXT", 300,
				  "\"v=1 \\\"q\\\"\" \"two\" \"\\007bell\"", why,
				  sizeof(why)), 0, "%s", why);
	cr_assert_eq(dns_zone_add(z, "@", "MX", 300, "5 mx.other.net.", why,
				  sizeof(why)), 0);
	cr_assert_eq(dns_zone_finish(z, NULL, why, sizeof(why)), 0);
}

static void teardown(void)
{
	dns_zone_free(z);
}

TestSuite(dns_client, .init = setup, .fini = teardown);

static size_t round_trip(const char *name, const struct dns_query_opts *o,
			 bool tcp, struct dns_reply *r)
{
	uint8_t q[512];
	struct dns_result res;
	int n = dns_query_build(q, sizeof(q), name, o);

	cr_assert_gt(n, 0);
	cr_assert_eq(dns_answer(z, &ident, q, (size_t)n, tcp, out,
				sizeof(out), &res), DNS_REPLY);
	cr_assert_eq(dns_reply_parse(out, res.len, o, name, r), 0, "%s", name);
	return res.len;
}

Test(dns_client, query_bytes)
{
	static const uint8_t want[] = {
		0xab, 0xcd, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1,
		3, 'w', 'w', 'w', 3, 'c', 'd', 'n', 7, 'e', 'x', 'a', 'm', 'p',
		'l', 'e', 3, 'c', 'o', 'm', 0, 0, 28, 0, 1,
		0, 0, 41, 0x10, 0x00, 0, 0, 0, 0, 0, 4, 0, 3, 0, 0,
	};
	struct dns_query_opts o = { .id = 0xabcd, .qtype = DNS_T_AAAA,
				    .nsid = true, .bufsize = 4096, .rd = true };
	uint8_t q[512];

	cr_assert_eq(dns_query_build(q, sizeof(q), "www.cdn.example.com", &o),
		     (int)sizeof(want));
	cr_assert_eq(memcmp(q, want, sizeof(want)), 0);
	o = (struct dns_query_opts){ .id = 1 };
	cr_assert_eq(dns_query_build(q, sizeof(q), "www.cdn.example.com", &o),
		     12 + 25);
	cr_assert_eq(q[2], 0, "RD only when asked");
	cr_assert_eq(q[33] << 8 | q[34], DNS_T_A);
	cr_assert_eq(q[35] << 8 | q[36], DNS_C_IN);
	cr_assert_eq(dns_query_build(q, sizeof(q), "a..b", &o), -EINVAL);
	cr_assert_eq(dns_query_build(q, 20, "www.cdn.example.com", &o), -ENOSPC);
}

Test(dns_client, a_and_aaaa)
{
	struct dns_query_opts o = { .id = 7, .rd = true };
	struct dns_reply r;

	round_trip("cdn.example.com", &o, false, &r);
	cr_assert_eq(r.id, 7);
	cr_assert(r.aa);
	cr_assert_eq(r.rcode, DNS_R_NOERROR);
	cr_assert_eq(r.n_an, 1);
	cr_assert_str_eq(r.an[0].name, "cdn.example.com.");
	cr_assert_str_eq(r.an[0].data, "104.16.0.1");
	cr_assert_eq(r.an[0].ttl, 60);
	o.qtype = DNS_T_AAAA;
	round_trip("www.cdn.example.com", &o, true, &r);
	cr_assert_str_eq(r.an[0].data, "2001:db8::80");
}

Test(dns_client, ns_with_glue)
{
	struct dns_query_opts o = { .id = 8, .qtype = DNS_T_NS };
	struct dns_reply r;

	round_trip("cdn.example.com", &o, false, &r);
	cr_assert_eq(r.n_an, 1);
	cr_assert_eq(r.an[0].type, DNS_T_NS);
	cr_assert_str_eq(r.an[0].data, "ns1.cdn.example.com.");
	cr_assert_eq(r.n_ar, 1);
}

Test(dns_client, soa_and_negative)
{
	struct dns_query_opts o = { .id = 9, .qtype = DNS_T_SOA };
	struct dns_reply r;

	round_trip("cdn.example.com", &o, false, &r);
	cr_assert_str_eq(r.an[0].data, "ns1.cdn.example.com. "
			 "hostmaster.cdn.example.com. 1 3600 600 86400 60");
	o.qtype = DNS_T_A;
	round_trip("nope.cdn.example.com", &o, false, &r);
	cr_assert_eq(r.rcode, DNS_R_NXDOMAIN);
	cr_assert_eq(r.n_ns, 1);
	cr_assert_eq(r.ns[0].type, DNS_T_SOA);
}

Test(dns_client, txt_and_mx)
{
	struct dns_query_opts o = { .id = 10, .qtype = DNS_T_TXT };
	struct dns_reply r;

	round_trip("t.cdn.example.com", &o, false, &r);
	cr_assert_str_eq(r.an[0].data, "\"v=1 \\\"q\\\"\" \"two\" \"\\007bell\"");
	o.qtype = DNS_T_MX;
	round_trip("cdn.example.com", &o, false, &r);
	cr_assert_str_eq(r.an[0].data, "5 mx.other.net.");
	cr_assert_eq(r.n_ar, 0, "no address for a target outside");
}

Test(dns_client, nsid_and_id_server)
{
	struct dns_query_opts o = { .id = 11, .nsid = true };
	struct dns_reply r;

	round_trip("cdn.example.com", &o, false, &r);
	cr_assert(r.edns);
	cr_assert_str_eq(r.nsid, "ams");
	o = (struct dns_query_opts){ .id = 12, .qtype = DNS_T_TXT,
				     .qclass = DNS_C_CH };
	round_trip("id.server", &o, false, &r);
	cr_assert_str_eq(r.an[0].data, "\"ams (Amsterdam)\"");
	cr_assert_eq(r.an[0].qclass, DNS_C_CH);
	cr_assert_not(r.edns);
	cr_assert_str_eq(r.nsid, "");
}

Test(dns_client, unknown_type_as_rfc3597)
{
	/* A hand-made reply with one TYPE999 record of 3 octets. */
	static const uint8_t m[] = {
		0, 5, 0x84, 0, 0, 1, 0, 1, 0, 0, 0, 0,
		1, 'x', 0, 0x03, 0xe7, 0, 1,
		0xc0, 12, 0x03, 0xe7, 0, 1, 0, 0, 0, 9, 0, 3, 0xde, 0xad, 0x01,
	};
	struct dns_query_opts o = { .id = 5, .qtype = 999 };
	struct dns_reply r;

	cr_assert_eq(dns_reply_parse(m, sizeof(m), &o, "x", &r), 0);
	cr_assert_str_eq(r.an[0].data, "\\# 3 dead01");
	cr_assert_eq(r.an[0].ttl, 9);
	cr_assert(r.aa);
}

Test(dns_client, rejects_bad_replies)
{
	struct dns_query_opts o = { .id = 13 }, other = { .id = 14 };
	struct dns_query_opts aaaa = { .id = 13, .qtype = DNS_T_AAAA };
	struct dns_reply r;
	uint8_t *copy;
	size_t len = round_trip("cdn.example.com", &o, false, &r), i;

	cr_assert_eq(dns_reply_parse(out, len, &other, "cdn.example.com", &r),
		     -ESRCH, "another id");
	cr_assert_eq(dns_reply_parse(out, len, &o, "www.cdn.example.com", &r),
		     -ESRCH, "another name");
	cr_assert_eq(dns_reply_parse(out, len, &aaaa, "cdn.example.com", &r),
		     -ESRCH, "another type");
	cr_assert_eq(dns_reply_parse(out, len, &o, "CDN.Example.COM", &r), 0,
		     "case does not matter");
	/* Every truncation, from an exact-size copy. */
	for (i = 0; i < len; i++) {
		copy = malloc(i ? i : 1);
		memcpy(copy, out, i);
		cr_assert_eq(dns_reply_parse(copy, i, &o, "cdn.example.com", &r),
			     -EBADMSG, "cut at %zu", i);
		free(copy);
	}
	/* A trailing octet. */
	out[len] = 0;
	cr_assert_eq(dns_reply_parse(out, len + 1, &o, "cdn.example.com", &r),
		     -EBADMSG);
	/* QR clear: a query, not a reply. */
	out[2] &= 0x7f;
	cr_assert_eq(dns_reply_parse(out, len, &o, "cdn.example.com", &r),
		     -EBADMSG);
}

Test(dns_client, extended_rcode_and_formerr_without_question)
{
	/* BADVERS: header rcode 0, OPT upper bits 1. */
	static const uint8_t bv[] = {
		0, 1, 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 1,
		1, 'x', 0, 0, 1, 0, 1,
		0, 0, 41, 0x04, 0xd0, 1, 0, 0, 0, 0, 0,
	};
	static const uint8_t fe[] = { 0, 1, 0x80, 1, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t ok_noq[] = { 0, 1, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	struct dns_query_opts o = { .id = 1 };
	struct dns_reply r;

	cr_assert_eq(dns_reply_parse(bv, sizeof(bv), &o, "x", &r), 0);
	cr_assert_eq(r.rcode, DNS_R_BADVERS);
	cr_assert(r.edns);
	cr_assert_eq(dns_reply_parse(fe, sizeof(fe), &o, "x", &r), 0);
	cr_assert_eq(r.rcode, DNS_R_FORMERR);
	cr_assert_eq(dns_reply_parse(ok_noq, sizeof(ok_noq), &o, "x", &r),
		     -EBADMSG);
}

Test(dns_client, rdata_of_the_wrong_length)
{
	/* An A record of 5 octets. */
	static const uint8_t m[] = {
		0, 5, 0x84, 0, 0, 1, 0, 1, 0, 0, 0, 0,
		1, 'x', 0, 0, 1, 0, 1,
		0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 9, 0, 5, 1, 2, 3, 4, 5,
	};
	/* A CNAME whose name runs past its RDATA. */
	static const uint8_t c[] = {
		0, 5, 0x84, 0, 0, 1, 0, 1, 0, 0, 0, 0,
		1, 'x', 0, 0, 1, 0, 1,
		0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 9, 0, 2, 1, 'y', 0,
	};
	struct dns_query_opts o = { .id = 5 };
	struct dns_reply r;

	cr_assert_eq(dns_reply_parse(m, sizeof(m), &o, "x", &r), -EBADMSG);
	cr_assert_eq(dns_reply_parse(c, sizeof(c), &o, "x", &r), -EBADMSG);
}

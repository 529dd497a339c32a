/*
 * The answer engine: every rcode path (NOERROR, NODATA and NXDOMAIN with
 * the SOA, REFUSED, NOTIMP, FORMERR, BADVERS, and the queries dropped),
 * CNAMEs, ANY, glue, CH identity, NSID, the EDNS size and truncation over
 * UDP and TCP, the question echoed in its own case, and the amplification
 * bound over a table of queries.  Replies are read back with the client's
 * parser (client.h) and checked octet by octet where it matters.
 */
#include "dns/answer.h"

#include "dns/client.h"
#include "dns/wire.h"
#include "dns/zone.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ID 0x1234

static struct dns_zone *z;
static const struct dns_ident ident = { "syd", "Sydney" };
static uint8_t out[65535];

static void add(const char *name, const char *type, uint32_t ttl,
		const char *data)
{
	char why[256];

	cr_assert_eq(dns_zone_add(z, name, type, ttl, data, why, sizeof(why)),
		     0, "%s %s %s: %s", name, type, data, why);
}

/*
 * cdn.example.com with an SOA whose minimum (30) is below its ttl (3600),
 * so negative answers show which one they took.
 */
static void setup(void)
{
	char why[256], txt[128];
	int i;

	z = dns_zone_new("cdn.example.com");
	cr_assert_not_null(z);
	add("@", "SOA", 3600, "ns1 hostmaster 7 3600 600 86400 30");
	add("@", "A", 60, "104.16.0.1");
	add("www", "A", 300, "104.16.0.2");
	add("www", "AAAA", 300, "2001:db8::2");
	add("alias", "CNAME", 120, "www");
	add("chain", "CNAME", 120, "alias");
	add("ext", "CNAME", 120, "www.other.org.");
	add("dangling", "CNAME", 120, "nothere");
	add("a.b.c", "A", 60, "1.2.3.4");
	add("@", "MX", 60, "10 mail");
	add("mail", "A", 60, "104.16.0.25");
	/* mid: about 700 octets of TXT; big: about 2000. */
	for (i = 0; i < 10; i++) {
		snprintf(txt, sizeof(txt), "\"mid-%02d-%s\"", i,
			 "0123456789012345678901234567890123456789012345678");
		add("mid", "TXT", 60, txt);
	}
	for (i = 0; i < 30; i++) {
		snprintf(txt, sizeof(txt), "\"big-%02d-%s\"", i,
			 "0123456789012345678901234567890123456789012345678");
		add("big", "TXT", 60, txt);
	}
	cr_assert_eq(dns_zone_finish(z, "104.16.0.53", why, sizeof(why)), 0,
		     "%s", why);
}

static void teardown(void)
{
	dns_zone_free(z);
}

TestSuite(dns_answer, .init = setup, .fini = teardown);

/* --- helpers ------------------------------------------------------------- */

struct qopt {
	uint16_t type, cls;
	int edns;		/* 0: no OPT; else the advertised size */
	bool nsid;
};

static size_t build(uint8_t *q, size_t cap, const char *name,
		    const struct qopt *o)
{
	struct dns_query_opts qo = {
		.id = ID, .qtype = o->type ? o->type : DNS_T_A,
		.qclass = o->cls ? o->cls : DNS_C_IN, .edns = o->edns != 0,
		.nsid = o->nsid, .bufsize = (uint16_t)o->edns, .rd = true,
	};
	int n = dns_query_build(q, cap, name, &qo);

	cr_assert_gt(n, 0, "%s", name);
	return (size_t)n;
}

/* Run raw q through the engine from a heap copy of its exact size. */
static struct dns_result run(const uint8_t *q, size_t qlen, bool tcp)
{
	uint8_t *copy = malloc(qlen ? qlen : 1);
	struct dns_result res;

	memcpy(copy, q, qlen);
	cr_assert_eq(dns_answer(z, &ident, copy, qlen, tcp, out,
				tcp ? sizeof(out) : 4096, &res), DNS_REPLY);
	free(copy);
	cr_assert_leq(res.len, tcp ? 65535 : 1232);
	cr_assert_eq(out[0] << 8 | out[1], q[0] << 8 | q[1], "id echoed");
	cr_assert(out[2] & 0x80, "QR set");
	cr_assert_not(out[3] & 0x80, "RA never set");
	return res;
}

static void ask(const char *name, const struct qopt *o, bool tcp,
		struct dns_reply *rep, struct dns_result *res)
{
	struct dns_query_opts qo = {
		.id = ID, .qtype = o->type ? o->type : DNS_T_A,
		.qclass = o->cls ? o->cls : DNS_C_IN,
	};
	uint8_t q[512];
	size_t qlen = build(q, sizeof(q), name, o);

	*res = run(q, qlen, tcp);
	cr_assert_eq(dns_reply_parse(out, res->len, &qo, name, rep), 0,
		     "%s: reply parses", name);
	cr_assert_eq(rep->rcode, res->rcode);
	cr_assert(rep->flags & DNS_F_RD, "RD copied");
	cr_assert_eq(rep->edns, o->edns != 0 && res->rcode != DNS_R_FORMERR);
}

static uint16_t hdr(int i)
{
	return (uint16_t)(out[2 * i] << 8 | out[2 * i + 1]);
}

/* --- NOERROR, NODATA, NXDOMAIN ------------------------------------------ */

Test(dns_answer, a_record)
{
	struct dns_reply r;
	struct dns_result res;

	ask("www.cdn.example.com", &(struct qopt){ 0 }, false, &r, &res);
	cr_assert_eq(r.rcode, DNS_R_NOERROR);
	cr_assert(r.aa);
	cr_assert_not(r.tc);
	cr_assert_eq(r.n_an, 1);
	cr_assert_str_eq(r.an[0].name, "www.cdn.example.com.");
	cr_assert_eq(r.an[0].type, DNS_T_A);
	cr_assert_eq(r.an[0].ttl, 300);
	cr_assert_str_eq(r.an[0].data, "104.16.0.2");
	cr_assert_eq(r.n_ns, 0);
	cr_assert_eq(res.qtype, DNS_T_A);
	/* 12 + question 25 + answer 2 + 10 + 4. */
	cr_assert_eq(res.len, 12 + 25 + 16);
}

Test(dns_answer, nodata_carries_soa_with_min_ttl)
{
	struct dns_reply r;
	struct dns_result res;

	ask("www.cdn.example.com", &(struct qopt){ .type = DNS_T_MX }, false,
	    &r, &res);
	cr_assert_eq(r.rcode, DNS_R_NOERROR);
	cr_assert(r.aa);
	cr_assert_eq(r.n_an, 0);
	cr_assert_eq(r.n_ns, 1);
	cr_assert_eq(r.ns[0].type, DNS_T_SOA);
	cr_assert_str_eq(r.ns[0].name, "cdn.example.com.");
	cr_assert_eq(r.ns[0].ttl, 30);
	cr_assert_str_eq(r.ns[0].data, "ns1.cdn.example.com. "
		"hostmaster.cdn.example.com. 7 3600 600 86400 30");
}

Test(dns_answer, nxdomain_carries_soa)
{
	struct dns_reply r;
	struct dns_result res;

	ask("nope.cdn.example.com", &(struct qopt){ 0 }, false, &r, &res);
	cr_assert_eq(r.rcode, DNS_R_NXDOMAIN);
	cr_assert(r.aa);
	cr_assert_eq(r.n_an, 0);
	cr_assert_eq(r.n_ns, 1);
	cr_assert_eq(r.ns[0].type, DNS_T_SOA);
	cr_assert_eq(r.ns[0].ttl, 30);
	ask("deep.under.www.cdn.example.com", &(struct qopt){ 0 }, false, &r,
	    &res);
	cr_assert_eq(r.rcode, DNS_R_NXDOMAIN);
}

Test(dns_answer, empty_non_terminal_is_nodata)
{
	struct dns_reply r;
	struct dns_result res;

	ask("b.c.cdn.example.com", &(struct qopt){ 0 }, false, &r, &res);
	cr_assert_eq(r.rcode, DNS_R_NOERROR);
	cr_assert_eq(r.n_an, 0);
	cr_assert_eq(r.n_ns, 1);
	ask("c.cdn.example.com", &(struct qopt){ 0 }, false, &r, &res);
	cr_assert_eq(r.rcode, DNS_R_NOERROR);
}

Test(dns_answer, unknown_type_is_nodata)
{
	struct dns_reply r;
	struct dns_result res;

	ask("www.cdn.example.com", &(struct qopt){ .type = 999 }, false, &r,
	    &res);
	cr_assert_eq(r.rcode, DNS_R_NOERROR);
	cr_assert_eq(r.n_an, 0);
	cr_assert_eq(r.n_ns, 1);
}

Test(dns_answer, class_any_answers_as_in)
{
	struct dns_reply r;
	struct dns_result res;

	ask("www.cdn.example.com", &(struct qopt){ .cls = DNS_C_ANY }, false,
	    &r, &res);
	cr_assert_eq(r.rcode, DNS_R_NOERROR);
	cr_assert_eq(r.n_an, 1);
	cr_assert_eq(r.an[0].qclass, DNS_C_IN);
}

/* --- CNAME, ANY, additional -------------------------------------------- */

Test(dns_answer, cname_followed_in_zone)
{
	struct dns_reply r;
	struct dns_result res;

	ask("alias.cdn.example.com", &(struct qopt){ 0 }, false, &r, &res);
	cr_assert_eq(r.rcode, DNS_R_NOERROR);
	cr_assert_eq(r.n_an, 2);
	cr_assert_eq(r.an[0].type, DNS_T_CNAME);
	cr_assert_str_eq(r.an[0].name, "alias.cdn.example.com.");
	cr_assert_str_eq(r.an[0].data, "www.cdn.example.com.");
	cr_assert_eq(r.an[1].type, DNS_T_A);
	cr_assert_str_eq(r.an[1].name, "www.cdn.example.com.");

	ask("chain.cdn.example.com", &(struct qopt){ .type = DNS_T_AAAA },
	    false, &r, &res);
	cr_assert_eq(r.n_an, 3);
	cr_assert_str_eq(r.an[2].data, "2001:db8::2");

	ask("alias.cdn.example.com", &(struct qopt){ .type = DNS_T_CNAME },
	    false, &r, &res);
	cr_assert_eq(r.n_an, 1);
	cr_assert_eq(r.an[0].type, DNS_T_CNAME);
}

Test(dns_answer, cname_out_of_zone_and_dangling)
{
	struct dns_reply r;
	struct dns_result res;

	ask("ext.cdn.example.com", &(struct qopt){ 0 }, false, &r, &res);
	cr_assert_eq(r.rcode, DNS_R_NOERROR);
	cr_assert_eq(r.n_an, 1);
	cr_assert_str_eq(r.an[0].data, "www.other.org.");
	cr_assert_eq(r.n_ns, 0);

	/* RFC 6604: the rcode is the chain's last name's. */
	ask("dangling.cdn.example.com", &(struct qopt){ 0 }, false, &r, &res);
	cr_assert_eq(r.rcode, DNS_R_NXDOMAIN);
	cr_assert_eq(r.n_an, 1);
	cr_assert_eq(r.n_ns, 1);
}

Test(dns_answer, any_is_one_rrset)
{
	struct dns_reply r;
	struct dns_result res;

	ask("www.cdn.example.com", &(struct qopt){ .type = DNS_T_ANY }, false,
	    &r, &res);
	cr_assert_eq(r.rcode, DNS_R_NOERROR);
	cr_assert_eq(r.n_an, 1);
	cr_assert_eq(r.an[0].type, DNS_T_A);
	ask("mid.cdn.example.com", &(struct qopt){ .type = DNS_T_ANY }, true,
	    &r, &res);
	cr_assert_eq(r.n_an, 10);
}

Test(dns_answer, apex_ns_with_glue_and_mx_with_address)
{
	struct dns_reply r;
	struct dns_result res;

	ask("cdn.example.com", &(struct qopt){ .type = DNS_T_NS }, false, &r,
	    &res);
	cr_assert_eq(r.n_an, 1);
	cr_assert_str_eq(r.an[0].data, "ns1.cdn.example.com.");
	cr_assert_eq(r.n_ar, 1);
	cr_assert_eq(hdr(5), 1);
	ask("cdn.example.com", &(struct qopt){ .type = DNS_T_MX }, false, &r,
	    &res);
	cr_assert_str_eq(r.an[0].data, "10 mail.cdn.example.com.");
	cr_assert_eq(r.n_ar, 1);
	ask("cdn.example.com", &(struct qopt){ .type = DNS_T_SOA }, false, &r,
	    &res);
	cr_assert_eq(r.n_an, 1);
	cr_assert_eq(r.an[0].ttl, 3600);
}

Test(dns_answer, question_case_echoed)
{
	struct dns_query_opts qo = { .id = ID };
	struct dns_reply r;
	struct dns_result res;
	uint8_t q[512];
	size_t qlen = build(q, sizeof(q), "WwW.cDn.ExAmple.COM",
			    &(struct qopt){ 0 });

	res = run(q, qlen, false);
	cr_assert_eq(memcmp(out + 12, q + 12, qlen - 12), 0);
	cr_assert_eq(dns_reply_parse(out, res.len, &qo, "www.cdn.example.com",
				     &r), 0);
	cr_assert_str_eq(r.an[0].name, "WwW.cDn.ExAmple.COM.");
}

/* --- REFUSED ---------------------------------------------------------------- */

Test(dns_answer, refused_outside_the_zone)
{
	static const char *const names[] = {
		"www.other.org", "example.com", ".", "xcdn.example.com",
	};
	struct dns_reply r;
	struct dns_result res;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ask(names[i], &(struct qopt){ 0 }, false, &r, &res);
		cr_assert_eq(r.rcode, DNS_R_REFUSED, "%s", names[i]);
		cr_assert_not(r.aa);
		cr_assert_eq(r.n_an + r.n_ns + r.n_ar, 0);
	}
}

Test(dns_answer, refused_unknown_class)
{
	struct dns_reply r;
	struct dns_result res;

	ask("www.cdn.example.com", &(struct qopt){ .cls = 4 }, false, &r, &res);
	cr_assert_eq(r.rcode, DNS_R_REFUSED);
	ask("www.cdn.example.com", &(struct qopt){ .cls = 254 }, false, &r, &res);
	cr_assert_eq(r.rcode, DNS_R_REFUSED);
}

Test(dns_answer, no_zone_transfers)
{
	struct dns_reply r;
	struct dns_result res;

	ask("cdn.example.com", &(struct qopt){ .type = DNS_T_AXFR }, false, &r,
	    &res);
	cr_assert_eq(r.rcode, DNS_R_NOTIMP);
	ask("cdn.example.com", &(struct qopt){ .type = DNS_T_IXFR }, false, &r,
	    &res);
	cr_assert_eq(r.rcode, DNS_R_NOTIMP);
	ask("cdn.example.com", &(struct qopt){ .type = DNS_T_AXFR }, true, &r,
	    &res);
	cr_assert_eq(r.rcode, DNS_R_REFUSED);
	cr_assert_eq(r.n_an, 0);
	ask("cdn.example.com", &(struct qopt){ .type = DNS_T_IXFR }, true, &r,
	    &res);
	cr_assert_eq(r.rcode, DNS_R_REFUSED);
}

/* --- class CH ----------------------------------------------------------------- */

Test(dns_answer, id_server_and_hostname_bind)
{
	struct dns_reply r;
	struct dns_result res;
	struct qopt ch = { .type = DNS_T_TXT, .cls = DNS_C_CH };

	ask("id.server", &ch, false, &r, &res);
	cr_assert_eq(r.rcode, DNS_R_NOERROR);
	cr_assert(r.aa);
	cr_assert_eq(r.n_an, 1);
	cr_assert_eq(r.an[0].qclass, DNS_C_CH);
	cr_assert_str_eq(r.an[0].data, "\"syd (Sydney)\"");
	ask("HOSTNAME.BIND", &ch, false, &r, &res);
	cr_assert(r.aa);
	cr_assert_str_eq(r.an[0].data, "\"syd\"");
	ch.type = DNS_T_ANY;
	ask("id.server", &ch, false, &r, &res);
	cr_assert_eq(r.n_an, 1);
	ch.type = DNS_T_A;
	ask("id.server", &ch, false, &r, &res);
	cr_assert_eq(r.rcode, DNS_R_NOERROR);
	cr_assert_eq(r.n_an, 0);
}

Test(dns_answer, id_server_without_city)
{
	static const struct dns_ident bare = { "fra", NULL };
	struct dns_query_opts qo = { .id = ID, .qtype = DNS_T_TXT,
				     .qclass = DNS_C_CH };
	struct dns_result res;
	struct dns_reply r;
	uint8_t q[512];
	int n = dns_query_build(q, sizeof(q), "id.server", &qo);

	cr_assert_eq(dns_answer(z, &bare, q, (size_t)n, false, out, 4096, &res),
		     DNS_REPLY);
	cr_assert_eq(dns_reply_parse(out, res.len, &qo, "id.server", &r), 0);
	cr_assert_str_eq(r.an[0].data, "\"fra\"");
	/* Nobody to be: refused. */
	cr_assert_eq(dns_answer(z, NULL, q, (size_t)n, false, out, 4096, &res),
		     DNS_REPLY);
	cr_assert_eq(res.rcode, DNS_R_REFUSED);
}

Test(dns_answer, other_ch_names_refused)
{
	static const char *const names[] = {
		"version.bind", "version.server", "authors.bind",
		"www.cdn.example.com",
	};
	struct qopt ch = { .type = DNS_T_TXT, .cls = DNS_C_CH };
	struct dns_reply r;
	struct dns_result res;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ask(names[i], &ch, false, &r, &res);
		cr_assert_eq(r.rcode, DNS_R_REFUSED, "%s", names[i]);
		cr_assert_eq(r.n_an, 0);
	}
}

/* --- EDNS ---------------------------------------------------------------------- */

Test(dns_answer, nsid_present_and_absent)
{
	struct dns_reply r;
	struct dns_result res;

	ask("www.cdn.example.com", &(struct qopt){ .edns = 1232, .nsid = true },
	    false, &r, &res);
	cr_assert(res.nsid);
	cr_assert_str_eq(r.nsid, "syd");
	ask("www.cdn.example.com", &(struct qopt){ .edns = 1232 }, false, &r,
	    &res);
	cr_assert_not(res.nsid);
	cr_assert_str_eq(r.nsid, "");
	ask("www.cdn.example.com", &(struct qopt){ 0 }, false, &r, &res);
	cr_assert_not(r.edns);
	cr_assert_eq(hdr(5), 0);
}

/* The OPT is the response's last 11 octets when there is no NSID. */
static void opt_tail(const struct dns_result *res, uint16_t *size,
		     uint32_t *ttl)
{
	const uint8_t *o = out + res->len - 11;

	cr_assert_eq(o[0], 0);
	cr_assert_eq(o[1] << 8 | o[2], DNS_T_OPT);
	*size = (uint16_t)(o[3] << 8 | o[4]);
	*ttl = (uint32_t)o[5] << 24 | (uint32_t)o[6] << 16 |
	       (uint32_t)o[7] << 8 | o[8];
}

Test(dns_answer, edns_size_echoed_as_ours)
{
	struct dns_reply r;
	struct dns_result res;
	uint16_t size;
	uint32_t ttl;

	ask("www.cdn.example.com", &(struct qopt){ .edns = 4096 }, false, &r,
	    &res);
	opt_tail(&res, &size, &ttl);
	cr_assert_eq(size, 1232);
	cr_assert_eq(ttl, 0);
	cr_assert_eq(hdr(5), 1);
}

Test(dns_answer, badvers)
{
	uint8_t q[512];
	size_t qlen = build(q, sizeof(q), "www.cdn.example.com",
			    &(struct qopt){ .edns = 1232 });
	struct dns_result res;
	uint16_t size;
	uint32_t ttl;

	/* The OPT ends ext rcode, version, flags (2), rdlength (2). */
	q[qlen - 5] = 1;
	res = run(q, qlen, false);
	cr_assert_eq(res.rcode, DNS_R_BADVERS);
	cr_assert_eq(hdr(1) & 0xf, 0, "low bits of 16 in the header");
	cr_assert_eq(hdr(1) & DNS_F_AA, 0);
	cr_assert_eq(hdr(2), 1, "the question is echoed");
	cr_assert_eq(hdr(3), 0, "and nothing answered");
	opt_tail(&res, &size, &ttl);
	cr_assert_eq(ttl >> 24, 1, "high bits in the OPT");
	cr_assert_eq((ttl >> 16) & 0xff, 0, "our version");
}

/* --- truncation ---------------------------------------------------------------- */

Test(dns_answer, tc_without_edns)
{
	struct dns_reply r;
	struct dns_result res;

	ask("mid.cdn.example.com", &(struct qopt){ .type = DNS_T_TXT }, false,
	    &r, &res);
	cr_assert(res.tc);
	cr_assert(r.tc);
	cr_assert_leq(res.len, 512);
	cr_assert_eq(r.n_an + r.n_ns + r.n_ar, 0);
	cr_assert_eq(hdr(2), 1, "question kept");
	cr_assert_eq(res.len, 12 + 25);
}

Test(dns_answer, edns_makes_room_up_to_1232)
{
	struct dns_reply r;
	struct dns_result res;

	ask("mid.cdn.example.com",
	    &(struct qopt){ .type = DNS_T_TXT, .edns = 4096 }, false, &r, &res);
	cr_assert_not(res.tc);
	cr_assert_gt(res.len, 512);
	cr_assert_leq(res.len, 1232);
	cr_assert_eq(r.n_an, 10);

	ask("big.cdn.example.com",
	    &(struct qopt){ .type = DNS_T_TXT, .edns = 4096, .nsid = true },
	    false, &r, &res);
	cr_assert(res.tc);
	cr_assert_leq(res.len, 1232);
	cr_assert(r.edns, "OPT kept when truncated");
	cr_assert_str_eq(r.nsid, "syd");
	cr_assert_eq(r.n_an, 0);

	/* An advertised size under 512 means 512. */
	ask("mid.cdn.example.com",
	    &(struct qopt){ .type = DNS_T_TXT, .edns = 100 }, false, &r, &res);
	cr_assert(res.tc);
	cr_assert_leq(res.len, 512);
}

Test(dns_answer, tcp_is_not_truncated)
{
	struct dns_reply r;
	struct dns_result res;

	ask("big.cdn.example.com", &(struct qopt){ .type = DNS_T_TXT }, true,
	    &r, &res);
	cr_assert_not(res.tc);
	cr_assert_gt(res.len, 1232);
	cr_assert_eq(r.n_an, 30);
}

Test(dns_answer, small_cap_lowers_the_limit)
{
	uint8_t q[512];
	size_t qlen = build(q, sizeof(q), "mid.cdn.example.com",
			    &(struct qopt){ .type = DNS_T_TXT });
	struct dns_result res;

	cr_assert_eq(dns_answer(z, &ident, q, qlen, true, out, 600, &res),
		     DNS_REPLY);
	cr_assert(res.tc);
	cr_assert_leq(res.len, 600);
}

/* --- NOTIMP, FORMERR, DROP --------------------------------------------------- */

Test(dns_answer, notimp_opcodes_echo_question)
{
	static const unsigned ops[] = { DNS_OP_IQUERY, DNS_OP_STATUS,
					DNS_OP_NOTIFY, DNS_OP_UPDATE, 3, 15 };
	uint8_t q[512];
	size_t qlen = build(q, sizeof(q), "cdn.example.com",
			    &(struct qopt){ .type = DNS_T_SOA }), i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		struct dns_result res;

		q[2] = (uint8_t)((q[2] & 0x87) | ops[i] << 3);
		res = run(q, qlen, false);
		cr_assert_eq(res.rcode, DNS_R_NOTIMP, "opcode %u", ops[i]);
		cr_assert_eq(DNS_F_OPCODE(hdr(1)), ops[i]);
		cr_assert_eq(hdr(2), 1);
		cr_assert_eq(res.len, qlen);
		cr_assert_eq(memcmp(out + 12, q + 12, qlen - 12), 0);
	}
}

struct formerr_case {
	const char *what;
	uint8_t m[300];
	size_t len;
	bool question;		/* echoed */
};

#define HDR(qd, an, ns, ar) 0x12, 0x34, 0x01, 0x00, 0, qd, 0, an, 0, ns, 0, ar
#define QWWW 3, 'w', 'w', 'w', 3, 'c', 'd', 'n', 7, 'e', 'x', 'a', 'm', 'p', \
	'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1
#define OPT 0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0

static const struct formerr_case formerrs[] = {
	{ "no question", { HDR(0, 0, 0, 0) }, 12, false },
	{ "two questions", { HDR(2, 0, 0, 0), QWWW, QWWW }, 12 + 50, false },
	{ "question cut short", { HDR(1, 0, 0, 0), QWWW }, 12 + 23, false },
	{ "trailing octets", { HDR(1, 0, 0, 0), QWWW, 0 }, 12 + 26, true },
	{ "additional missing", { HDR(1, 0, 0, 1), QWWW }, 12 + 25, true },
	{ "answer missing", { HDR(1, 1, 0, 0), QWWW }, 12 + 25, true },
	{ "record cut short", { HDR(1, 0, 0, 1), QWWW, 0, 0, 1, 0, 1, 0, 0,
				0, 0, 0, 4, 1 }, 12 + 25 + 12, true },
	{ "pointer loop", { HDR(1, 0, 0, 0), 0xc0, 12, 0, 1, 0, 1 }, 18, false },
	{ "forward pointer", { HDR(1, 0, 0, 0), 0xc0, 14, 1, 'a', 0, 0, 1, 0,
			       1 }, 21, false },
	{ "label of 64", { HDR(1, 0, 0, 0), 64 }, 13, false },
	{ "bad label type", { HDR(1, 0, 0, 0), 0x81, 'a', 0, 0, 1, 0, 1 }, 19,
	  false },
	{ "two OPTs", { HDR(1, 0, 0, 2), QWWW, OPT, OPT }, 12 + 25 + 22, true },
	{ "OPT not owned by the root", { HDR(1, 0, 0, 1), QWWW, 0xc0, 12, 0,
					 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0 },
	  12 + 25 + 12, true },
	{ "OPT in the answer section", { HDR(1, 1, 0, 0), QWWW, OPT },
	  12 + 25 + 11, true },
	{ "OPT option cut short", { HDR(1, 0, 0, 1), QWWW, 0, 0, 41, 0x04,
				    0xd0, 0, 0, 0, 0, 0, 3, 0, 3, 0 },
	  12 + 25 + 14, true },
	{ "bad name in additional", { HDR(1, 0, 0, 1), QWWW, 0x41, 0 },
	  12 + 25 + 2, true },
};

Test(dns_answer, formerr_cases)
{
	size_t i;

	for (i = 0; i < sizeof(formerrs) / sizeof(formerrs[0]); i++) {
		const struct formerr_case *c = &formerrs[i];
		struct dns_result res = run(c->m, c->len, false);

		cr_assert_eq(res.rcode, DNS_R_FORMERR, "%s", c->what);
		cr_assert_eq(hdr(0), 0x1234, "%s", c->what);
		cr_assert_eq(hdr(2), c->question ? 1 : 0, "%s", c->what);
		cr_assert_eq(hdr(3) + hdr(4) + hdr(5), 0, "%s", c->what);
		cr_assert_eq(res.len, c->question ? 12u + 25 : 12u, "%s",
			     c->what);
		cr_assert(hdr(1) & DNS_F_RD, "%s", c->what);
		cr_assert_eq(hdr(1) & DNS_F_AA, 0, "%s", c->what);
	}
}

Test(dns_answer, long_name_formerr)
{
	uint8_t q[400] = { HDR(1, 0, 0, 0) };
	size_t n = 12, i;
	struct dns_result res;

	/* Four labels of 63 and one of 1: 257 octets with the root. */
	for (i = 0; i < 4; i++) {
		q[n++] = 63;
		memset(q + n, 'x', 63);
		n += 63;
	}
	q[n++] = 1;
	q[n++] = 'y';
	q[n++] = 0;
	q[n++] = 0;
	q[n++] = 1;
	q[n++] = 0;
	q[n++] = 1;
	res = run(q, n, false);
	cr_assert_eq(res.rcode, DNS_R_FORMERR);
	cr_assert_eq(hdr(2), 0);
}

Test(dns_answer, drops_responses_and_runts)
{
	uint8_t q[512];
	size_t qlen = build(q, sizeof(q), "www.cdn.example.com",
			    &(struct qopt){ 0 }), i;
	struct dns_result res;

	for (i = 0; i < 12; i++)
		cr_assert_eq(dns_answer(z, &ident, q, i, false, out, 4096, &res),
			     DNS_DROP, "%zu octets", i);
	q[2] |= 0x80;
	cr_assert_eq(dns_answer(z, &ident, q, qlen, false, out, 4096, &res),
		     DNS_DROP);
	cr_assert_eq(dns_answer(z, &ident, q, qlen, true, out, 65535, &res),
		     DNS_DROP);
}

/* --- the amplification bound --------------------------------------------- */

Test(dns_answer, amplification_bound)
{
	static const struct {
		const char *name;
		struct qopt o;
	} t[] = {
		{ "www.cdn.example.com", { 0 } },
		{ "big.cdn.example.com", { .type = DNS_T_TXT } },
		{ "big.cdn.example.com", { .type = DNS_T_ANY } },
		{ "big.cdn.example.com", { .type = DNS_T_TXT, .edns = 65535 } },
		{ "big.cdn.example.com", { .type = DNS_T_TXT, .edns = 600 } },
		{ "big.cdn.example.com", { .type = DNS_T_ANY, .edns = 4096,
					   .nsid = true } },
		{ "mid.cdn.example.com", { .type = DNS_T_TXT, .edns = 1232 } },
		{ "cdn.example.com", { .type = DNS_T_ANY, .edns = 4096 } },
		{ "cdn.example.com", { .type = DNS_T_NS, .edns = 4096 } },
		{ "nope.cdn.example.com", { .edns = 4096 } },
		{ "www.other.org", { .edns = 4096 } },
		{ "id.server", { .type = DNS_T_TXT, .cls = DNS_C_CH } },
		{ "cdn.example.com", { .type = DNS_T_AXFR } },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint8_t q[512];
		size_t qlen = build(q, sizeof(q), t[i].name, &t[i].o);
		struct dns_result res = run(q, qlen, false);
		size_t limit = !t[i].o.edns ? 512 :
			       t[i].o.edns < 512 ? 512 :
			       t[i].o.edns > 1232 ? 1232 : (size_t)t[i].o.edns;

		cr_assert_leq(res.len, limit, "%s %u: %zu > %zu", t[i].name,
			      t[i].o.type, res.len, limit);
		if (res.rcode != DNS_R_NOERROR && res.rcode != DNS_R_NXDOMAIN)
			cr_assert_leq(res.len, qlen + 4 + 4 + 128, "%s", t[i].name);
		if (res.tc)
			cr_assert_leq(res.len, qlen + 4 + 128, "%s", t[i].name);
	}
}

/* --- the slip reply ------------------------------------------------------- */

Test(dns_answer, truncate_for_slip)
{
	uint8_t q[512];
	size_t qlen = build(q, sizeof(q), "www.cdn.example.com",
			    &(struct qopt){ .edns = 1232, .nsid = true });
	struct dns_result res = run(q, qlen, false);
	struct dns_query_opts qo = { .id = ID };
	struct dns_reply r;
	size_t n = dns_answer_truncate(out, res.len);

	cr_assert_gt(n, 0);
	cr_assert_lt(n, res.len);
	cr_assert_eq(dns_reply_parse(out, n, &qo, "www.cdn.example.com", &r), 0);
	cr_assert(r.tc);
	cr_assert_eq(r.n_an, 0);
	cr_assert(r.edns);
	cr_assert_str_eq(r.nsid, "syd");
	/* Not a response: left alone. */
	cr_assert_eq(dns_answer_truncate(q, qlen), 0);
}

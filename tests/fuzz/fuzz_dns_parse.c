/*
 * libFuzzer target: the DNS query parser and answer engine, driven the way
 * the server drives them, and the client's reply parser on the same bytes.
 *
 * Input: one octet choosing the output buffer (its low bits pick one of a
 * few capacities, so the "smaller cap lowers the limit" path is reached),
 * then the bytes of one datagram.  Each datagram is answered over UDP and
 * over TCP; every reply must:
 *   - be a well-formed message that walks to its exact end,
 *   - have QR set and echo the query's id,
 *   - be no longer than the UDP limit (1232, or the cap) over UDP,
 *   - for a query whose answer is an error, be no longer than the query
 *     plus one OPT with our NSID (no amplification),
 *   - survive dns_answer_truncate() as a shorter TC response.
 * The same bytes then go to dns_reply_parse(), which must not crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/answer.h"
#include "dns/client.h"
#include "dns/wire.h"
#include "dns/zone.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct dns_ident ident = { .pop = "syd", .city = "Sydney" };

static struct dns_zone *zone(void)
{
	static struct dns_zone *z;
	char why[256];

	if (z)
		return z;
	z = dns_zone_new("cdn.example.com.");
	if (!z || dns_zone_add_default(z, "104.16.0.1", why, sizeof(why)) < 0 ||
	    dns_zone_add(z, "www", "CNAME", 300, "cdn.example.com.", why,
			 sizeof(why)) < 0 ||
	    dns_zone_add(z, "big", "TXT", 60,
			 "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" "
			 "\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\" "
			 "\"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\"",
			 why, sizeof(why)) < 0 ||
	    dns_zone_finish(z, "104.16.0.1", why, sizeof(why)) < 0)
		abort();
	return z;
}

/* Walks a whole message: header, question, three record sections. */
static void check_wellformed(const uint8_t *m, size_t len)
{
	struct dns_header h;
	struct rbuf r;
	unsigned i, n;

	rbuf_init(&r, m, len);
	if (dns_header_read(&r, &h) < 0)
		abort();
	if (h.qd > 1)
		abort();
	for (i = 0; i < h.qd; i++) {
		if (dns_name_read(&r, NULL, NULL) < 0)
			abort();
		rbuf_take(&r, 4);
	}
	n = (unsigned)h.an + h.ns + h.ar;
	for (i = 0; i < n; i++) {
		uint16_t rdlen;

		if (dns_name_read(&r, NULL, NULL) < 0)
			abort();
		rbuf_take(&r, 8);
		rdlen = rbuf_u16(&r);
		rbuf_take(&r, rdlen);
	}
	if (r.err || rbuf_left(&r))
		abort();
}

static void check_reply(const uint8_t *q, size_t qlen, bool tcp,
			const uint8_t *out, size_t cap,
			const struct dns_result *res)
{
	static uint8_t copy[DNS_TCP_MAX];
	size_t limit = tcp ? DNS_TCP_MAX : DNS_EDNS_PAYLOAD;
	size_t cut;

	if (res->len < 12 || res->len > cap || res->len > limit)
		abort();
	if (!(out[2] << 8 & DNS_F_QR) || out[0] != q[0] || out[1] != q[1])
		abort();
	if (res->tc && tcp)
		abort();
	/* Errors carry at most the question and an OPT with our NSID. */
	if (res->rcode != DNS_R_NOERROR && res->rcode != DNS_R_NXDOMAIN &&
	    res->len > qlen + 11 + 4 + strlen(ident.pop)) {
		fprintf(stderr, "rcode %u: %zu octets for a %zu-octet query\n",
			res->rcode, res->len, qlen);
		abort();
	}
	check_wellformed(out, res->len);

	memcpy(copy, out, res->len);
	cut = dns_answer_truncate(copy, res->len);
	if (cut > res->len)
		abort();
	if (cut) {
		if (!(copy[2] & (DNS_F_TC >> 8)))
			abort();
		check_wellformed(copy, cut);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t caps[] = { 4096, 1232, 600, 512, 300, 100 };
	static uint8_t out[DNS_TCP_MAX];
	static struct dns_reply reply;
	const struct dns_query_opts opts = { .qtype = DNS_T_A, .edns = true };
	struct dns_result res;
	size_t cap;

	if (size < 1)
		return 0;
	cap = caps[data[0] % (sizeof(caps) / sizeof(caps[0]))];
	data++;
	size--;

	memset(&res, 0, sizeof(res));
	if (dns_answer(zone(), &ident, data, size, false, out, cap, &res) ==
	    DNS_REPLY)
		check_reply(data, size, false, out, cap, &res);
	memset(&res, 0, sizeof(res));
	if (dns_answer(zone(), &ident, data, size, true, out, sizeof(out),
		       &res) == DNS_REPLY)
		check_reply(data, size, true, out, sizeof(out), &res);

	(void)dns_reply_parse(data, size, &opts, "cdn.example.com", &reply);
	return 0;
}

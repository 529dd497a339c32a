/*
 * The authoritative answer engine: one query's bytes in, the response's
 * bytes out, for one zone (zone.h) and the POP's identity.  Pure: no
 * clock, no sockets, no allocation, no logging; the server (server.h)
 * only moves the bytes.
 *
 * What it follows: RFC 1035 §4 (messages) and §6.2 (answers), RFC 2181
 * (§9 TC, §10.1 CNAME), RFC 2308 (negative answers carry the SOA, with ttl
 * min(SOA ttl, SOA minimum)), RFC 4892 / RFC 5001 (id.server,
 * hostname.bind and NSID), RFC 6891 (EDNS: OPT echoed with our payload
 * size 1232, BADVERS for a version above 0, FORMERR for two OPTs or an
 * OPT not owned by the root), RFC 8482 (ANY answered with one RRset),
 * RFC 7766 (TCP: no 512 limit), RFC 5936 §4.2 (no zone transfers: AXFR
 * and IXFR are NOTIMP over UDP, REFUSED over TCP).
 *
 * What it never does: answer a response (QR=1) or anything shorter than a
 * header (DROP), recurse (RA stays clear), refer (names outside the zone
 * are REFUSED), expand wildcards.
 *
 * Amplification bound.  Over UDP the response is never longer than the
 * limit: 512 octets for a query without OPT, max(512, min(the query's
 * advertised size, 1232)) with one, so at most 1232 in every case; a
 * response that would be longer is cut to header, question and OPT, with
 * TC set (RFC 2181 §9), and the client retries over TCP.  Replies to
 * malformed queries (FORMERR, NOTIMP, REFUSED, BADVERS) carry at most
 * the header, the question and the OPT, so they are never longer than
 * the query plus 11 + 4 + the NSID.
 */
#ifndef ANYCASTLAB_DNS_ANSWER_H
#define ANYCASTLAB_DNS_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dns_zone;

#define DNS_UDP_PLAIN		512	/* RFC 1035 §4.2.1 */
#define DNS_EDNS_PAYLOAD	1232	/* our OPT's size, and the UDP cap */
#define DNS_TCP_MAX		65535	/* RFC 7766 §8: the length field */

/* Who answers id.server, hostname.bind and NSID; pop NULL: nobody. */
struct dns_ident {
	const char *pop;
	const char *city;	/* NULL when not known */
};

enum dns_verdict {
	DNS_DROP = 0,
	DNS_REPLY = 1,
};

struct dns_result {
	size_t len;		/* octets written to out */
	unsigned rcode;		/* extended included (BADVERS is 16) */
	bool tc;
	bool nsid;		/* the OPT carries our NSID */
	uint16_t qtype;		/* 0 when the question was unreadable */
};

/*
 * Answer the query q.  tcp: the limit is 65535; otherwise the UDP limit
 * above.  Writes the response into out (cap >= 65535 for TCP, >= 4096 for
 * UDP; a smaller cap lowers the limit).  DNS_DROP: send nothing.
 */
enum dns_verdict dns_answer(const struct dns_zone *z,
			    const struct dns_ident *id, const uint8_t *q,
			    size_t qlen, bool tcp, uint8_t *out, size_t cap,
			    struct dns_result *res);

/*
 * Cut a response answer() wrote down to header and question with TC set
 * (the rate limiter's slip reply, so a real client retries over TCP);
 * returns the new length, 0 if msg is no such response.
 */
size_t dns_answer_truncate(uint8_t *msg, size_t len);

#endif

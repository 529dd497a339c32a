/*
 * The DNS stub side of the lab: build one query, check and decode its
 * reply into presentation text, for `anycastlab dig`.  Pure: no sockets,
 * no clock; the caller sends and receives.  A reply is held to the same
 * checks the responder's parser applies to queries (answer.h): exact
 * section counts, no trailing octets, names read with the strict pointer
 * rules of wire.h.
 */
#ifndef ANYCASTLAB_DNS_CLIENT_H
#define ANYCASTLAB_DNS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Zero fields take the default in brackets. */
struct dns_query_opts {
	uint16_t id;
	uint16_t qtype;		/* [A] */
	uint16_t qclass;	/* [IN] */
	bool edns;		/* send an OPT (RFC 6891) */
	bool nsid;		/* ask for the NSID (RFC 5001); implies edns */
	uint16_t bufsize;	/* [1232] the OPT's payload size */
	bool rd;
};

/* The query's length (> 0) written to out, -EINVAL bad name, -ENOSPC. */
int dns_query_build(uint8_t *out, size_t cap, const char *name,
		    const struct dns_query_opts *o);

#define DNS_REPLY_MAX_RR 32

struct dns_rr_text {
	char name[256];		/* owner, absolute, escaped */
	uint16_t type, qclass;
	uint32_t ttl;
	char data[512];		/* RDATA in presentation form; cut if longer */
};

struct dns_reply {
	uint16_t id, flags;
	unsigned rcode;		/* extended included */
	bool tc, aa;
	bool edns;
	char nsid[128];		/* "" when none; printable, escaped */
	/*
	 * Records kept per section (at most DNS_REPLY_MAX_RR each; every
	 * record is checked either way); n_ar counts the additional records
	 * other than the OPT, which are checked but not kept.
	 */
	unsigned n_an, n_ns, n_ar;
	struct dns_rr_text an[DNS_REPLY_MAX_RR], ns[DNS_REPLY_MAX_RR];
};

/*
 * Parses a reply to a query built with o and name: checks QR, the id,
 * that the question matches (case-insensitively; a reply with an error
 * rcode may carry no question); decodes A, AAAA, NS, CNAME, SOA, MX, TXT
 * to presentation text, others as "\\# len hex" (RFC 3597).  0, -EBADMSG
 * on any malformation (QR clear included), -ESRCH on another id or
 * question, -EINVAL for a bad name.
 */
int dns_reply_parse(const uint8_t *m, size_t len,
		    const struct dns_query_opts *o, const char *name,
		    struct dns_reply *r);

#endif

/*
 * The DNS wire codec: header, names (with RFC 1035 §4.1.4 compression, read
 * and written), type and rcode names.  Pure: bytes in, structs out, no
 * sockets, no allocation, no logging.
 *
 * Names travel in uncompressed wire form everywhere outside this codec:
 * length-prefixed labels ending with the root's zero octet, at most
 * DNS_NAME_MAX octets in all (RFC 1035 §2.3.4).  Comparisons are ASCII
 * case-insensitive (RFC 4343).
 */
#ifndef ANYCASTLAB_DNS_WIRE_H
#define ANYCASTLAB_DNS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define DNS_NAME_MAX	255	/* wire octets incl. root */
#define DNS_LABEL_MAX	63
#define DNS_HEADER_LEN	12

enum dns_type {
	DNS_T_A = 1,
	DNS_T_NS = 2,
	DNS_T_CNAME = 5,
	DNS_T_SOA = 6,
	DNS_T_MX = 15,
	DNS_T_TXT = 16,
	DNS_T_AAAA = 28,
	DNS_T_OPT = 41,
	DNS_T_IXFR = 251,
	DNS_T_AXFR = 252,
	DNS_T_ANY = 255,
};

enum dns_class {
	DNS_C_IN = 1,
	DNS_C_CH = 3,
	DNS_C_ANY = 255,
};

enum dns_rcode {
	DNS_R_NOERROR = 0,
	DNS_R_FORMERR = 1,
	DNS_R_SERVFAIL = 2,
	DNS_R_NXDOMAIN = 3,
	DNS_R_NOTIMP = 4,
	DNS_R_REFUSED = 5,
	DNS_R_BADVERS = 16,	/* extended: needs the OPT's upper 8 bits */
};

/* RFC 1035 §4.1.1 opcodes, RFC 1996 NOTIFY, RFC 2136 UPDATE. */
enum dns_opcode {
	DNS_OP_QUERY = 0,
	DNS_OP_IQUERY = 1,
	DNS_OP_STATUS = 2,
	DNS_OP_NOTIFY = 4,
	DNS_OP_UPDATE = 5,
};

#define DNS_OPT_NSID	3	/* RFC 5001 */

struct dns_header {
	uint16_t id, flags, qd, an, ns, ar;	/* flags raw */
};

/* Header flag bits (RFC 1035 §4.1.1). */
#define DNS_F_QR		0x8000
#define DNS_F_AA		0x0400
#define DNS_F_TC		0x0200
#define DNS_F_RD		0x0100
#define DNS_F_RA		0x0080
#define DNS_F_OPCODE(f)		(((unsigned)(f) >> 11) & 0xfu)
#define DNS_F_MKOPCODE(op)	((uint16_t)(((unsigned)(op) & 0xfu) << 11))
#define DNS_F_RCODE(f)		((unsigned)(f) & 0xfu)

/* 0, or -EBADMSG when fewer than 12 octets are left. */
int dns_header_read(struct rbuf *r, struct dns_header *h);
void dns_header_write(struct buf *b, const struct dns_header *h);

/*
 * Read a possibly compressed name at r's offset into uncompressed wire form
 * (case kept; see dns_name_lower), advancing r past it.  out may be NULL to
 * check and skip the name.  Rejects: pointer loops, pointers at or after
 * the name's own start (forward pointers), pointers past the end or into
 * the header, labels > 63, names > 255, label type bits 01/10.  0 or
 * -EBADMSG.
 *
 * Every pointer must point before the start of the name and before the
 * previous pointer's target, so the walk always ends.
 */
int dns_name_read(struct rbuf *r, uint8_t out[DNS_NAME_MAX], size_t *outlen);
void dns_name_lower(uint8_t *name, size_t len);

/*
 * Text <-> wire: "cdn.example.com." / "cdn.example.com" (absolute either
 * way), "." the root, "\\." and "\\DDD" escapes (RFC 1035 §5.1); -EINVAL
 * with bad labels (empty inner label, >63, name >255, bad escape).
 */
int dns_name_from_text(const char *s, uint8_t out[DNS_NAME_MAX],
		       size_t *outlen);
/* Absolute, with the final dot; 0, -EBADMSG (bad wire) or -ENOSPC. */
int dns_name_to_text(const uint8_t *wire, size_t len, char *out, size_t cap);

/* Case-insensitive. */
bool dns_name_equal(const uint8_t *a, size_t alen, const uint8_t *b,
		    size_t blen);
/* name is zone or below it. */
bool dns_name_under(const uint8_t *name, size_t len, const uint8_t *zone,
		    size_t zlen);
/* Labels of a wire name, the root not counted. */
unsigned dns_name_labels(const uint8_t *name, size_t len);

/*
 * Name compression for writers: a small table of names already written in
 * this message (offsets < 0x3fff, relative to msg, where the message starts
 * in the writer's memory); dns_name_write emits the longest known suffix
 * as a pointer and remembers the new suffixes it wrote.  A writer that
 * rewinds its buf must put n back to what it was at that length.
 */
struct dns_compress {
	uint16_t off[64];
	unsigned n;
	const uint8_t *msg;
};

void dns_compress_init(struct dns_compress *c, const uint8_t *msg);
void dns_name_write(struct buf *b, struct dns_compress *c /* NULL: none */,
		    const uint8_t *name, size_t len);

const char *dns_type_name(uint16_t t);		/* "A", … or NULL */
int dns_type_from_name(const char *s);		/* also "TYPE123"; -EINVAL */
const char *dns_rcode_name(unsigned rc);	/* "NOERROR", "NXDOMAIN" … */

#endif

/*
 * AS_PATH helpers (RFC 4271 §4.3, §5.1.2, §9.1.2.2; RFC 6793 §4.2.3).
 *
 * Canonical form: the path's wire encoding with 4-octet AS numbers, a run
 * of segments (type u8, count u8, count × u32 big-endian).  Paths from a
 * 2-octet peer are widened on input and narrowed (AS_TRANS + AS4_PATH) on
 * output; everything in between sees one form.  All functions are pure and
 * take the path as (pointer, length); writers return the number of bytes
 * written or -ENOSPC, and never write past cap.
 */
#ifndef ANYCASTLAB_BGP_ASPATH_H
#define ANYCASTLAB_BGP_ASPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest canonical path we keep: a 4096-byte message widened. */
#define ASPATH_MAX	8192

/*
 * Syntax check of a wire path whose AS numbers are as_size (2 or 4) octets:
 * segment types 1-4, non-zero counts, segments exactly filling len.
 * Returns 0 or -EINVAL.
 */
int aspath_check(const uint8_t *p, size_t len, unsigned as_size);

/* Widen a checked 2-octet path to canonical form. */
int aspath_widen(const uint8_t *in, size_t len, uint8_t *out, size_t cap);

/*
 * Narrow a canonical path for a 2-octet peer: AS numbers above 65535
 * become AS_TRANS.  *lossy is set when any was replaced (AS4_PATH needed).
 */
int aspath_narrow(const uint8_t *in, size_t len, uint8_t *out, size_t cap,
		  bool *lossy);

/* Path length for the decision process: an AS_SET counts 1, confederation
 * segments count 0 (RFC 4271 §9.1.2.2 a, RFC 5065 §5.3). */
unsigned aspath_count(const uint8_t *p, size_t len);

/* True if asn appears anywhere in the path (loop detection, §9.1.2). */
bool aspath_contains(const uint8_t *p, size_t len, uint32_t asn);

/* First AS of a leading AS_SEQUENCE (the neighbour AS), or 0. */
uint32_t aspath_first_as(const uint8_t *p, size_t len);

/* Prepend asn, extending a leading AS_SEQUENCE that has room. */
int aspath_prepend(const uint8_t *in, size_t len, uint32_t asn,
		   uint8_t *out, size_t cap);

/*
 * RFC 6793 §4.2.3: rebuild the true path from an AS_PATH received from a
 * 2-octet speaker (already widened, AS_TRANS inside) and its AS4_PATH
 * (canonical).  When AS_PATH holds fewer AS numbers than AS4_PATH, the
 * AS4_PATH is ignored.
 */
int aspath_merge_as4(const uint8_t *path, size_t plen, const uint8_t *as4,
		     size_t a4len, uint8_t *out, size_t cap);

/* "1221 {7018 3356} 13335"; confederation segments in ( ) and [ ].
 * Returns the length the full text needs (like snprintf). */
int aspath_format(const uint8_t *p, size_t len, char *s, size_t n);

#endif

/*
 * IPv4 addresses and prefixes.  Everywhere inside anycastlab an address is a
 * uint32_t in host byte order; conversion happens only at the edges (wire
 * codecs, sockets, netlink).
 */
#ifndef ANYCASTLAB_UTIL_IP_H
#define ANYCASTLAB_UTIL_IP_H

#include <stdbool.h>
#include <stdint.h>

#define IP4_STRLEN	16	/* "255.255.255.255" + NUL */
#define PREFIX4_STRLEN	19	/* + "/32" */

struct prefix4 {
	uint32_t addr;		/* host order, host bits zero */
	uint8_t len;		/* 0..32 */
};

static inline uint32_t prefix4_mask(unsigned len)
{
	return len == 0 ? 0 : 0xffffffffu << (32 - len);
}

static inline bool prefix4_contains(const struct prefix4 *p, uint32_t a)
{
	return (a & prefix4_mask(p->len)) == p->addr;
}

static inline bool prefix4_covers(const struct prefix4 *outer,
				  const struct prefix4 *inner)
{
	return outer->len <= inner->len && prefix4_contains(outer, inner->addr);
}

static inline bool prefix4_overlaps(const struct prefix4 *a,
				    const struct prefix4 *b)
{
	return prefix4_covers(a, b) || prefix4_covers(b, a);
}

static inline bool prefix4_eq(const struct prefix4 *a, const struct prefix4 *b)
{
	return a->len == b->len && a->addr == b->addr;
}

/* Strict dotted quad; 0 or -EINVAL. */
int ip4_parse(const char *s, uint32_t *out);
/*
 * "a.b.c.d/len".  -EINVAL when malformed; -EDOM when host bits are set
 * (*out then holds the masked prefix, for a "did you mean").
 */
int prefix4_parse(const char *s, struct prefix4 *out);
const char *ip4_str(uint32_t a, char buf[IP4_STRLEN]);
const char *prefix4_str(const struct prefix4 *p, char buf[PREFIX4_STRLEN]);

#endif

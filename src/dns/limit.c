/*
 * Response-rate limiting (see limit.h).  Tokens are kept in thousandths
 * so that a rate of R per second refills R thousandths per millisecond
 * with no rounding drift; a bucket never holds more than burst responses.
 * The key is hashed with SipHash-2-4 (Aumasson and Bernstein), keyed with
 * the server's seed.
 */
#include "dns/limit.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#define MILLI	1000u

int dns_limit_init(struct dns_limit *l, unsigned rate, unsigned burst,
		   unsigned slip, uint64_t seed)
{
	memset(l, 0, sizeof(*l));
	if (!rate || !burst || rate > 4000000 || burst > 4000000)
		return -EINVAL;
	l->slot = calloc(DNS_LIMIT_SLOTS, sizeof(*l->slot));
	if (!l->slot)
		return -ENOMEM;
	l->rate = rate;
	l->burst = burst < rate ? rate : burst;
	l->slip = slip;
	l->seed[0] = seed ^ 0x736f6d6570736575ull;
	l->seed[1] = (seed * 0x9e3779b97f4a7c15ull) ^ 0x646f72616e646f6dull;
	return 0;
}

void dns_limit_free(struct dns_limit *l)
{
	free(l->slot);
	memset(l, 0, sizeof(*l));
}

static uint64_t rotl(uint64_t x, int b)
{
	return x << b | x >> (64 - b);
}

#define SIPROUND(v0, v1, v2, v3) do {					\
		v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32); \
		v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;			\
		v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;			\
		v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32); \
	} while (0)

/* SipHash-2-4 of exactly 16 octets. */
static uint64_t siphash16(const uint64_t k[2], const uint8_t in[16])
{
	uint64_t v0 = 0x736f6d6570736575ull ^ k[0];
	uint64_t v1 = 0x646f72616e646f6dull ^ k[1];
	uint64_t v2 = 0x6c7967656e657261ull ^ k[0];
	uint64_t v3 = 0x7465646279746573ull ^ k[1];
	uint64_t m;
	int i, j;

	for (i = 0; i < 2; i++) {
		m = 0;
		for (j = 7; j >= 0; j--)
			m = m << 8 | in[i * 8 + j];
		v3 ^= m;
		SIPROUND(v0, v1, v2, v3);
		SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	m = (uint64_t)16 << 56;
	v3 ^= m;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	v0 ^= m;
	v2 ^= 0xff;
	for (i = 0; i < 4; i++)
		SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

/* The client's network as 16 octets: ::ffff:a.b.c.0, or the IPv6 /56. */
static int limit_key(const struct sockaddr *sa, socklen_t len, uint8_t k[16])
{
	memset(k, 0, 16);
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

		k[10] = k[11] = 0xff;
		memcpy(&k[12], &s4->sin_addr, 3);
		return 0;
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			memcpy(k, &s6->sin6_addr, 15);
		} else {
			memcpy(k, &s6->sin6_addr, 7);
			k[15] = 6;	/* never equal to a mapped key */
		}
		return 0;
	}
	return -EAFNOSUPPORT;
}

enum dns_limit_verdict dns_limit_check(struct dns_limit *l,
				       const struct sockaddr *sa,
				       socklen_t salen, bool tcp,
				       uint64_t now_ms)
{
	struct dns_limit_bucket *bk;
	uint64_t full = (uint64_t)l->burst * MILLI, t;
	uint8_t key[16];

	if (tcp || !l->slot)
		return DNS_LIMIT_PASS;
	if (limit_key(sa, salen, key) < 0)
		return DNS_LIMIT_PASS;
	bk = &l->slot[siphash16(l->seed, key) % DNS_LIMIT_SLOTS];
	if (!bk->used) {
		bk->used = true;
		bk->tokens = (uint32_t)full;
		bk->last_ms = now_ms;
	} else if (now_ms > bk->last_ms) {
		/* A clock going backwards refills nothing. */
		uint64_t dt = now_ms - bk->last_ms;

		t = dt > full / l->rate ? full : bk->tokens + dt * l->rate;
		bk->tokens = (uint32_t)(t > full ? full : t);
		bk->last_ms = now_ms;
	}
	if (bk->tokens >= MILLI) {
		bk->tokens -= MILLI;
		bk->over = 0;
		return DNS_LIMIT_PASS;
	}
	bk->over++;
	if (l->slip && bk->over % l->slip == 0)
		return DNS_LIMIT_SLIP;
	return DNS_LIMIT_DROP;
}

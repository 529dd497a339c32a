/*
 * Per-client connection counts and the pressure-dependent idle timeout
 * (see limit.h).  The table is open addressing with linear probing, sized
 * so that it is never more than half full, with backward-shift deletion
 * (Knuth 6.4, Algorithm R): no tombstones, so a flood of short connections
 * from ever new addresses cannot slowly fill it.
 */
#include "http/limit.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

int http_limit_init(struct http_limit *l, unsigned max_conns,
		    unsigned per_client)
{
	size_t cap = 16;

	memset(l, 0, sizeof(*l));
	if (!max_conns || !per_client)
		return -EINVAL;
	while (cap <= 2 * (size_t)max_conns)
		cap *= 2;
	l->slot = calloc(cap, sizeof(*l->slot));
	if (!l->slot)
		return -ENOMEM;
	l->cap = cap;
	l->per_client = per_client;
	return 0;
}

void http_limit_free(struct http_limit *l)
{
	free(l->slot);
	memset(l, 0, sizeof(*l));
}

int http_limit_key(const struct sockaddr *sa, socklen_t len,
		   struct http_client_key *k)
{
	memset(k, 0, sizeof(*k));
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

		k->a[10] = k->a[11] = 0xff;
		memcpy(&k->a[12], &s4->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

		memcpy(k->a, &s6->sin6_addr, 16);
		if (!IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
			memset(&k->a[8], 0, 8);
		return 0;
	}
	return -EAFNOSUPPORT;
}

/* FNV-1a: the table only has to spread addresses, not resist anyone;
 * a client hurts only itself by choosing addresses that collide. */
static size_t key_hash(const struct http_client_key *k)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(k->a); i++) {
		h ^= k->a[i];
		h *= 16777619u;
	}
	return h;
}

/* The slot holding k, or the empty slot where it would go. */
static size_t key_find(const struct http_limit *l,
		       const struct http_client_key *k)
{
	size_t i = key_hash(k) & (l->cap - 1);

	while (l->slot[i].n && memcmp(&l->slot[i].key, k, sizeof(*k)))
		i = (i + 1) & (l->cap - 1);
	return i;
}

int http_limit_take(struct http_limit *l, const struct http_client_key *k)
{
	size_t i = key_find(l, k);

	if (l->slot[i].n >= l->per_client)
		return -EUSERS;
	if (!l->slot[i].n)
		l->slot[i].key = *k;
	l->slot[i].n++;
	return 0;
}

void http_limit_put(struct http_limit *l, const struct http_client_key *k)
{
	size_t mask = l->cap - 1, i = key_find(l, k), j, home;

	if (!l->slot[i].n || --l->slot[i].n)
		return;
	/* Slot i is empty now: pull back every later entry of its run that
	 * could not be found past the hole otherwise. */
	for (j = (i + 1) & mask; l->slot[j].n; j = (j + 1) & mask) {
		home = key_hash(&l->slot[j].key) & mask;
		/* Entry j stays when its home lies cyclically in (i, j]. */
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		l->slot[i] = l->slot[j];
		l->slot[j].n = 0;
		i = j;
	}
}

unsigned http_limit_count(const struct http_limit *l,
			  const struct http_client_key *k)
{
	return l->slot[key_find(l, k)].n;
}

bool http_limit_pressure(uint64_t conns, unsigned max_conns)
{
	return conns > max_conns / 2;
}

unsigned http_limit_idle_ms(uint64_t conns, unsigned max_conns,
			    unsigned idle_ms, unsigned pressure_ms)
{
	if (http_limit_pressure(conns, max_conns) && pressure_ms < idle_ms)
		return pressure_ms;
	return idle_ms;
}

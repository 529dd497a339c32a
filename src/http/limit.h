/*
 * Connection accounting for the HTTP responder: how many connections each
 * client address holds, and how long an idle connection may live given how
 * full the server is.  Pure: no sockets, no clock, no logging; the server
 * (server.c) asks before it keeps a connection and tells when it closes one.
 *
 * A client is its source address: an IPv4 address (v4-mapped IPv6 counts
 * as IPv4), or an IPv6 /64, since one IPv6 host is free to use every
 * address of its /64.
 */
#ifndef ANYCASTLAB_HTTP_LIMIT_H
#define ANYCASTLAB_HTTP_LIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct http_client_key {
	uint8_t a[16];		/* IPv4 as ::ffff:a.b.c.d; IPv6 /64, rest 0 */
};

struct http_limit_slot {
	struct http_client_key key;
	unsigned n;		/* 0: empty slot */
};

/* Counts per client: an open-addressing table, never more than half full. */
struct http_limit {
	struct http_limit_slot *slot;
	size_t cap;		/* power of two, > 2 * most clients at once */
	unsigned per_client;
};

/*
 * Room for max_conns connections, each from its own client at worst, and
 * at most per_client from any one.  0, -EINVAL (a zero), or -ENOMEM.
 */
int http_limit_init(struct http_limit *l, unsigned max_conns,
		    unsigned per_client);
void http_limit_free(struct http_limit *l);

/* The client a peer address belongs to; -EAFNOSUPPORT for other families. */
int http_limit_key(const struct sockaddr *sa, socklen_t len,
		   struct http_client_key *k);

/*
 * Count one more connection from k: 0, or -EUSERS when k already holds
 * per_client (nothing is counted then).  The caller never holds more
 * connections in all than max_conns, so the table never fills.
 */
int http_limit_take(struct http_limit *l, const struct http_client_key *k);
/* One connection from k has closed. */
void http_limit_put(struct http_limit *l, const struct http_client_key *k);
unsigned http_limit_count(const struct http_limit *l,
			  const struct http_client_key *k);

/*
 * The idle timeout of a connection while conns are open of max_conns:
 * idle_ms normally, pressure_ms (when shorter) once the server is more than
 * half full, so idle connections make room for clients that have something
 * to ask.
 */
unsigned http_limit_idle_ms(uint64_t conns, unsigned max_conns,
			    unsigned idle_ms, unsigned pressure_ms);
bool http_limit_pressure(uint64_t conns, unsigned max_conns);

#endif

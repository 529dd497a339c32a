/*
 * Response-rate limiting for the DNS responder, after the RRL of NSD and
 * Knot: a token bucket per client network (an IPv4 /24, an IPv6 /56; a
 * v4-mapped address counts as IPv4), so a spoofed flood aimed at a victim
 * through us is cut down to a trickle.  Over the limit, every slip-th
 * response still goes out as a truncated TC=1 reply, so a real client
 * behind a spoofed network retries over TCP (never limited: a TCP client
 * proved its address with the handshake).
 *
 * Pure: the caller passes the time in milliseconds.  The table is of fixed
 * size; a bucket is chosen by a hash keyed with a per-server random seed,
 * so an attacker cannot aim collisions; networks that collide share a
 * bucket.
 */
#ifndef ANYCASTLAB_DNS_LIMIT_H
#define ANYCASTLAB_DNS_LIMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define DNS_LIMIT_SLOTS		4096
#define DNS_LIMIT_DEF_RATE	200	/* responses per second */
#define DNS_LIMIT_DEF_BURST	400
#define DNS_LIMIT_DEF_SLIP	2

enum dns_limit_verdict {
	DNS_LIMIT_PASS,		/* send the response */
	DNS_LIMIT_SLIP,		/* send it truncated, TC=1 */
	DNS_LIMIT_DROP,		/* send nothing */
};

struct dns_limit_bucket {
	uint32_t tokens;	/* in thousandths of a response */
	uint32_t over;		/* responses over the limit, for the slip */
	uint64_t last_ms;	/* time of the last refill */
	bool used;
};

struct dns_limit {
	struct dns_limit_bucket *slot;	/* DNS_LIMIT_SLOTS of them */
	uint64_t seed[2];
	unsigned rate, burst, slip;
};

/*
 * rate responses per second with a burst of burst (both > 0; a burst
 * below rate is raised to it); slip: every slip-th limited response
 * slips, 0 never.  0, -EINVAL or -ENOMEM.
 */
int dns_limit_init(struct dns_limit *l, unsigned rate, unsigned burst,
		   unsigned slip, uint64_t seed);
void dns_limit_free(struct dns_limit *l);

/* May the response to the query from sa go out at now_ms? */
enum dns_limit_verdict dns_limit_check(struct dns_limit *l,
				       const struct sockaddr *sa,
				       socklen_t salen, bool tcp,
				       uint64_t now_ms);

#endif

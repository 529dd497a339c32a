/*
 * The authoritative DNS responder each POP runs on the anycast address:
 * UDP and TCP (RFC 7766) on the event loop around the pure answer engine
 * (answer.h) and response-rate limiter (limit.h).  Non-blocking and
 * single-threaded; every TCP client is bounded in time (idle timeout),
 * memory (input and output caps) and number, and UDP reads are budgeted
 * per wakeup, so no client can stall the loop or starve the others.
 *
 * The caller creates and binds the sockets in the namespace it wants
 * served, sets IP_PKTINFO / IPV6_RECVPKTINFO on UDP ones (so a reply
 * leaves from the address its query was sent to: an anycast address on
 * the loopback answers as itself), and listens on TCP ones.
 */
#ifndef ANYCASTLAB_DNS_SERVER_H
#define ANYCASTLAB_DNS_SERVER_H

#include <stdint.h>

struct ev_loop;
struct dns_zone;
struct dns_server;

/* Zero fields take the default in brackets. */
struct dns_config {
	const char *pop;		/* id.server, hostname.bind, NSID; copied */
	const char *city;		/* optional, copied */
	const struct dns_zone *zone;	/* finished; required, not copied */
	/* RRL [200/s, 400]; rate=~0u: none; every slip-th limited response
	 * slips (TC=1), 0 never: all dropped. */
	unsigned rate, burst, slip;
	unsigned max_tcp;		/* [256] connections open at once */
	unsigned tcp_idle_ms;		/* [10000] */
};

struct dns_stats {
	uint64_t udp_queries, tcp_queries;
	uint64_t replies;		/* sent */
	uint64_t dropped;		/* not answered: responses, short
					 * datagrams, RRL drops, send errors */
	uint64_t limited;		/* over the rate: slipped or dropped */
	uint64_t truncated;		/* sent with TC (slips included) */
	uint64_t formerr, refused, nxdomain, notimp;	/* by rcode sent */
	uint64_t tcp_conns_now;
};

/* NULL with errno set (EINVAL for a bad config, ENOMEM). */
struct dns_server *dns_server_new(struct ev_loop *loop,
				  const struct dns_config *cfg);
/* A bound, non-blocking UDP socket; the server owns it then.  0 or -errno. */
int dns_server_add_udp(struct dns_server *s, int fd);
/* A listening, non-blocking TCP socket; the server owns it then. */
int dns_server_add_tcp(struct dns_server *s, int listen_fd);
void dns_server_stats(const struct dns_server *s, struct dns_stats *out);
/* Close every connection and socket; NULL is a no-op. */
void dns_server_free(struct dns_server *s);

#endif

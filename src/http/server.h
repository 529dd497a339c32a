/*
 * The HTTP/1.1 responder each POP runs on the anycast address: connection
 * handling on the event loop around the pure parser (parse.h) and response
 * builder (resp.h).  Non-blocking and single-threaded; every client is
 * bounded in time (header and idle timeouts), memory (input and output
 * caps) and number, so no client can stall the loop or starve the others.
 * Number is bounded per client address as well as in all, and idle
 * connections give way to new ones when the server fills up, so a client
 * holding many idle connections cannot lock the others out.
 *
 * The caller creates, binds and listens on the sockets, in whatever network
 * namespace it wants served; the server only accepts on them.
 */
#ifndef ANYCASTLAB_HTTP_SERVER_H
#define ANYCASTLAB_HTTP_SERVER_H

#include <stddef.h>
#include <stdint.h>

struct ev_loop;
struct http_server;

/* Zero fields take the default in brackets. */
struct http_config {
	const char *pop;		/* X-Served-By; required, copied */
	const char *city;		/* optional, copied */
	unsigned max_conns;		/* [1024] open at once; more: closed */
	unsigned max_conns_per_client;	/* [max_conns / 2] from one IPv4
					 * address or IPv6 /64; more: closed */
	unsigned header_timeout_ms;	/* [5000] first octet to full request */
	unsigned idle_timeout_ms;	/* [10000] keep-alive, stalled writes */
	unsigned idle_pressure_ms;	/* [1000] the idle timeout instead,
					 * while over max_conns / 2 are open */
	size_t max_output;		/* [65536] unsent octets before we
					 * stop reading that client */
};

struct http_stats {
	uint64_t conns_now;
	uint64_t conns_total;		/* accepted, over-cap ones included */
	uint64_t conns_rejected;	/* closed at once: max_conns open,
					 * none of them idle */
	uint64_t conns_over_client;	/* closed at once: its client holds
					 * max_conns_per_client */
	uint64_t conns_evicted;		/* idle ones closed to make room */
	uint64_t timeouts;		/* header or idle timeout closes */
	uint64_t requests[6];		/* responses by class: [2] is 2xx */
};

/* NULL with errno set (EINVAL for a bad config, ENOMEM). */
struct http_server *http_server_new(struct ev_loop *loop,
				    const struct http_config *cfg);
/*
 * Serve a listening socket (non-blocking, already listening).  On success
 * the server owns it and closes it in http_server_free().  0 or -errno.
 */
int http_server_add_listener(struct http_server *s, int listen_fd);
void http_server_stats(const struct http_server *s, struct http_stats *out);
/* Close every connection and listener; NULL is a no-op. */
void http_server_free(struct http_server *s);

#endif

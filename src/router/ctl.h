/*
 * The router's control socket: a Unix stream socket in the lab's state
 * directory (outside every network namespace, so the CLI reaches it from
 * anywhere).  A client sends one request line; the router answers with
 * records (ctlmsg.h) and closes the connection.
 */
#ifndef ANYCASTLAB_ROUTER_CTL_H
#define ANYCASTLAB_ROUTER_CTL_H

#include "util/buf.h"
#include "util/dbuf.h"

struct ev_loop;
struct ctl_server;

/* Fill out with the answer to req (one line, no newline). */
typedef void (*ctl_handler)(void *ctx, const char *req, struct dbuf *out);

int ctl_server_new(struct ev_loop *l, const char *path, ctl_handler h,
		   void *ctx, struct ctl_server **out);
void ctl_server_free(struct ctl_server *s);

/* The record that ends every answer. */
#define CTL_END	"end"

/*
 * Client side, for the CLI and the orchestrator: send req to the socket at
 * path and call fn for every record of the answer (the end record aside).
 * timeout_ms bounds how long the router may stay silent.  Returns 0, or -errno
 * (-ECONNREFUSED / -ENOENT when no router listens there, -ETIMEDOUT, -EPIPE
 * when the answer stopped before its end record).
 */
struct ctl_rec;
typedef int (*ctl_rec_fn)(void *ctx, const struct ctl_rec *r);
int ctl_request(const char *path, const char *req, unsigned timeout_ms,
		ctl_rec_fn fn, void *ctx);

#endif

/*
 * What daemon.c needs from each backend (daemon_bird.c, daemon_frr.c),
 * one table per daemon, and the socket helpers they share.  Internal to
 * orch/.
 */
#ifndef ANYCASTLAB_DAEMON_DAEMON_INT_H
#define ANYCASTLAB_DAEMON_DAEMON_INT_H

#include <time.h>

#include "daemon/daemon.h"
#include "run/state.h"
#include "util/deadline.h"

#define DAEMON_ARGV_MAX	24

struct daemon_ops {
	const char *title;		/* "BIRD 2" */
	const char *package;		/* "bird2" */
	const char *const *roles;	/* in start order */
	size_t nroles;
	/* The programs' paths, per role, or NULL when not installed. */
	const char *(*program)(size_t role);
	/* Write the node's configuration files into the state directory. */
	int (*write_config)(const char *lab, const struct topo *t, size_t node);
	/* argv of role (argv[0] a path); strings live in store. */
	int (*argv)(const char *lab, const struct topo *t, size_t node,
		    size_t role, char store[][STATE_PATH_MAX],
		    const char **argv);
	/* 0 once the daemon answers on its control socket(s). */
	int (*ready)(const char *lab, const struct topo *t, size_t node);
	int (*status)(const char *lab, const struct topo *t, size_t node,
		      unsigned timeout_ms, struct snap_router *sr);
	int (*announce)(const char *lab, const struct topo *t, size_t node,
			bool on, char *err, size_t n);
	int (*routes)(const char *lab, const struct topo *t, size_t node,
		      const char *peer, daemon_route_fn fn, void *ctx,
		      char *err, size_t n);
	void (*hint)(const char *lab, const char *node, char *buf, size_t n);
};

extern const struct daemon_ops daemon_bird_ops;
extern const struct daemon_ops daemon_frr_ops;

/* The first of paths that is an executable file, or NULL. */
const char *daemon_find_program(const char *const *paths);

/* Connect to the Unix stream socket at path: fd or -errno. */
int daemon_sock_connect(const char *path);
/* Write all of p before the deadline. */
int daemon_sock_write(int fd, const void *p, size_t len,
		      const struct timespec *deadline);
/* Append what fd sends to raw until complete(raw) says a whole reply is
 * there (its length, returned) or the deadline passes (-ETIMEDOUT); the
 * peer closing first is -ECONNRESET. */
long daemon_sock_reply(int fd, struct dbuf *raw,
		       size_t (*complete)(const char *raw, size_t len),
		       const struct timespec *deadline);

/*
 * What router node originates, exactly as the built-in speaker does
 * (cli/router.c): its loopback /32 and the network of every link to a
 * user; the anycast prefix of a POP is left to the caller, since withdraw
 * and announce act on it alone.  Returns how many, at most max.
 */
size_t daemon_originated(const struct topo *t, size_t node,
			 struct prefix4 *out, size_t max);
/* The peer node whose planned address on a link of node is addr, or -1. */
long daemon_peer_by_addr(const struct topo *t, size_t node, uint32_t addr);
/* Copy src into dst of n bytes, cut to fit; NULL copies as "". */
void daemon_copy(char *dst, size_t n, const char *src);

#endif

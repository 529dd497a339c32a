/*
 * Kernel routes for the best paths of the Loc-RIB.  Changes are queued and
 * sent in batches (one sendmsg for many routes), every request ACKed;
 * routes carry protocol "bgp" so they are ours to replace and remove.
 *
 * The OS seam: router/fib_netlink.c talks rtnetlink through libmnl in the
 * router's namespace; tests link tests/fakes/fib_fake.c instead.
 */
#ifndef ANYCASTLAB_BGP_FIB_H
#define ANYCASTLAB_BGP_FIB_H

#include <stddef.h>
#include <stdint.h>

#include "util/ip.h"

struct fib;

/* Open in the caller's network namespace. */
int fib_open(struct fib **f);
void fib_close(struct fib *f);

/*
 * Told when the kernel refuses a change to prefix p (nexthop 0 for a
 * delete), with its -errno: once per prefix, not again for that prefix
 * until a change to it succeeds, so a route the kernel keeps refusing is
 * said once, not on every export pass.  Called from inside fib_commit.
 */
typedef void (*fib_error_fn)(void *ctx, const struct prefix4 *p,
			     uint32_t nexthop, int err);
void fib_set_error_cb(struct fib *f, fib_error_fn fn, void *ctx);

/* Queue a change; it is sent by fib_commit (or when the batch fills). */
int fib_route_replace(struct fib *f, const struct prefix4 *p, uint32_t nexthop);
int fib_route_delete(struct fib *f, const struct prefix4 *p);
/* Queue a multipath route over nexthop[0..n) (n >= 1; n == 1 is a plain
 * route): the kernel spreads flows over them (ECMP). */
#define FIB_MAX_NEXTHOPS	16
int fib_route_replace_multi(struct fib *f, const struct prefix4 *p,
			    const uint32_t *nexthop, size_t n);
/* Send what is queued and wait for every ACK.  Returns 0, or the first
 * error the kernel reported (the other changes still took effect). */
int fib_commit(struct fib *f);
/* Remove every route of ours (protocol bgp) from the main table: at start
 * (left by a crashed run) and at a clean shutdown. */
int fib_purge(struct fib *f);

#endif

/*
 * Link monitor: the admin and carrier state of every interface of the
 * caller's namespace, as rtnetlink announces it to RTNLGRP_LINK, over
 * libmnl (mnlsock.h).  It never blocks: its owner polls linkmon_fd and
 * calls linkmon_read when that is readable.
 */
#ifndef ANYCASTLAB_NET_LINKMON_H
#define ANYCASTLAB_NET_LINKMON_H

#include <stdbool.h>

struct linkmon;

/* Interface ifindex, called name, is up: IFF_UP and IFF_LOWER_UP; down
 * when either is off or the interface is gone. */
typedef void (*linkmon_fn)(void *ctx, int ifindex, const char *name, bool up);

/*
 * Subscribe to link events, then read every interface's current state
 * once, each reported through fn before this returns.  Subscribing
 * first means no change between the two is missed.
 */
int linkmon_open(linkmon_fn fn, void *ctx, struct linkmon **m);
void linkmon_close(struct linkmon *m);
int linkmon_fd(const struct linkmon *m);
/* Report every event pending, through fn; 0 once none is left, or
 * -errno (-ENOBUFS: the kernel dropped events, its queue was full). */
int linkmon_read(struct linkmon *m);

#endif

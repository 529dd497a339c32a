/*
 * What a router may do once it serves: it runs as a dedicated
 * unprivileged user ("anycastlab", or nobody where that user does not
 * exist) with three capabilities kept across the change of uid
 * (CAP_NET_ADMIN for its kernel routes, CAP_NET_BIND_SERVICE and
 * CAP_NET_RAW), no new privileges, and a seccomp filter that allows the
 * system calls a router needs and refuses every other (EPERM): no
 * namespace changes, no mounts, no files opened for writing, no exec.
 * Its sockets (BGP, HTTP, control, netlink) are all open before.
 */
#ifndef ANYCASTLAB_ROUTER_SANDBOX_H
#define ANYCASTLAB_ROUTER_SANDBOX_H

#include <sys/types.h>

#define SANDBOX_USER	"anycastlab"
#define SANDBOX_NOBODY	65534

/* The uid and gid routers run as. */
void sandbox_user(uid_t *uid, gid_t *gid);
/* Drop to that user with the three capabilities, then install the
 * filter.  0, or -errno (the process must then exit). */
int sandbox_enter(void);

#endif

/*
 * Named network namespaces, made the way `ip netns add` makes them: a
 * bind mount of the namespace on /run/netns/<name>, so `ip netns list` and
 * `ip netns exec` see them.  Entering a namespace affects only the calling
 * thread; netns_leave() returns it to the namespace the process started in.
 */
#ifndef ANYCASTLAB_NET_NETNS_H
#define ANYCASTLAB_NET_NETNS_H

#include <stdbool.h>

#define NETNS_RUN_DIR	"/run/netns"

/* Create /run/netns/<name> and return an O_CLOEXEC fd of the new namespace
 * in *fd.  -EEXIST when the name is taken. */
int netns_create(const char *name, int *fd);
/* Remove the name (lazy unmount + unlink); the kernel frees the namespace
 * when its last process and fd are gone.  -ENOENT when absent. */
int netns_delete(const char *name);
/* fd of an existing named namespace, or -errno. */
int netns_open(const char *name);
bool netns_exists(const char *name);
int netns_enter(int fd);
int netns_leave(void);
/* Move the process into the namespace behind fd for good: no fd on the
 * namespace it came from is kept (a router must hold nothing that
 * reaches the host's namespace).  netns_leave() fails after it. */
int netns_move(int fd);
/* socket(2) created inside the namespace behind fd. */
int netns_socket(int fd, int domain, int type, int protocol);

#endif

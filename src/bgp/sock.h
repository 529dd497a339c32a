/*
 * A session's socket options: GTSM (RFC 5082) and TCP-MD5 (RFC 2385).
 */
#ifndef ANYCASTLAB_BGP_SOCK_H
#define ANYCASTLAB_BGP_SOCK_H

#include <stdint.h>

#include "bgp/speaker.h"

/* Both on a session's socket, before connect() or on an accepted one, as
 * the peer's configuration asks; 0 or -errno. */
int bgp_sock_secure(int fd, const struct bgp_peer_config *pc);
/* The TCP-MD5 key for peer_addr on fd (a listener's too); "" sets none.
 * 0, -EINVAL for a key longer than the kernel takes, or -errno. */
int bgp_sock_md5(int fd, uint32_t peer_addr, const char *password);

#endif

/*
 * A session's socket options: GTSM (RFC 5082) and TCP-MD5 (RFC 2385).
 */
#include "bgp/sock.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

int bgp_sock_md5(int fd, uint32_t peer_addr, const char *password)
{
	struct tcp_md5sig md5;
	struct sockaddr_in *sa = (struct sockaddr_in *)&md5.tcpm_addr;
	size_t n = strlen(password);

	if (!n)
		return 0;
	if (n > TCP_MD5SIG_MAXKEYLEN)
		return -EINVAL;
	memset(&md5, 0, sizeof(md5));
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(peer_addr);
	md5.tcpm_keylen = (uint16_t)n;
	memcpy(md5.tcpm_key, password, n);
	if (setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &md5, sizeof(md5)) < 0)
		return -errno;
	return 0;
}

int bgp_sock_secure(int fd, const struct bgp_peer_config *pc)
{
	int ttl = 255, minttl = 254;

	if (pc->ttl_security &&
	    (setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) < 0 ||
	     setsockopt(fd, IPPROTO_IP, IP_MINTTL, &minttl, sizeof(minttl)) < 0))
		return -errno;
	return bgp_sock_md5(fd, pc->peer_addr, pc->password);
}

/*
 * IPv4 address and prefix parsing and formatting.
 */
#include "util/ip.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ip4_parse(const char *s, uint32_t *out)
{
	struct in_addr in;

	/* inet_pton rejects the shorthand and octal forms inet_aton allows. */
	if (inet_pton(AF_INET, s, &in) != 1)
		return -EINVAL;
	*out = ntohl(in.s_addr);
	return 0;
}

int prefix4_parse(const char *s, struct prefix4 *out)
{
	char tmp[IP4_STRLEN];
	const char *slash = strchr(s, '/');
	size_t n;
	char *end;
	long len;
	uint32_t a;

	if (!slash)
		return -EINVAL;
	n = (size_t)(slash - s);
	if (n == 0 || n >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (ip4_parse(tmp, &a) < 0)
		return -EINVAL;
	if (slash[1] < '0' || slash[1] > '9')
		return -EINVAL;
	errno = 0;
	len = strtol(slash + 1, &end, 10);
	if (errno || *end || len < 0 || len > 32 || end - (slash + 1) > 2)
		return -EINVAL;
	out->len = (uint8_t)len;
	out->addr = a & prefix4_mask((unsigned)len);
	return out->addr == a ? 0 : -EDOM;
}

const char *ip4_str(uint32_t a, char buf[IP4_STRLEN])
{
	/* Octets as unsigned char, so the compiler can see the text fits. */
	snprintf(buf, IP4_STRLEN, "%u.%u.%u.%u", (unsigned char)(a >> 24),
		 (unsigned char)(a >> 16), (unsigned char)(a >> 8),
		 (unsigned char)a);
	return buf;
}

const char *prefix4_str(const struct prefix4 *p, char buf[PREFIX4_STRLEN])
{
	char a[IP4_STRLEN];

	snprintf(buf, PREFIX4_STRLEN, "%s/%u", ip4_str(p->addr, a),
		 (unsigned char)(p->len > 32 ? 32 : p->len));
	return buf;
}

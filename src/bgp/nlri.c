/*
 * NLRI encodings (see nlri.h).
 */
#include "bgp/nlri.h"

#include <errno.h>

int bgp_nlri_check(const uint8_t *p, size_t len)
{
	size_t off = 0;

	while (off < len) {
		unsigned plen = p[off];

		if (plen > 32)
			return -EINVAL;
		if ((plen + 7) / 8 > len - off - 1)
			return -EMSGSIZE;
		off += 1 + (plen + 7) / 8;
	}
	return 0;
}

bool bgp_nlri_next(const uint8_t **p, const uint8_t *end, struct prefix4 *out)
{
	const uint8_t *q = *p;
	unsigned plen, n, i;
	uint32_t a = 0;

	if (!q || q >= end)
		return false;
	plen = q[0];
	n = (plen + 7) / 8;
	/* Validated input never fails here; anything else stops cleanly. */
	if (plen > 32 || n > (size_t)(end - q) - 1) {
		*p = end;
		return false;
	}
	for (i = 0; i < n; i++)
		a |= (uint32_t)q[1 + i] << (24 - 8 * i);
	out->addr = a & prefix4_mask(plen);
	out->len = (uint8_t)plen;
	*p = q + 1 + n;
	return true;
}

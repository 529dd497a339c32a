/*
 * What the BIRD and FRR rows share about routing policy (bgp/policy.h
 * has the rules): the communities of a route as `routes` shows them, the
 * router's own tag left out.
 *
 * The tag: BIRD and FRR keep no note of which neighbour a route came
 * from that their export filters can read, yet valley-free export and
 * the action communities depend on it.  So the import filter of every
 * session attaches the large community (own AS, DAEMON_TAG_FN, role of
 * the neighbour) and the export filters read it and remove it: it never
 * leaves the router.
 */
#include "daemon/daemon.h"
#include "daemon/daemon_int.h"

#include <stdio.h>
#include <string.h>

void daemon_comm_add(char *dst, size_t n, const char *tok, uint32_t asn)
{
	uint8_t mem[64];
	struct bgp_comm c;
	struct buf b;
	size_t len = strlen(dst);

	buf_init(&b, mem, sizeof(mem));
	/* FRR's name for RFC 1997's NO_EXPORT_SUBCONFED. */
	if (!strcmp(tok, "local-AS"))
		tok = "no-export-subconfed";
	if (bgp_comm_parse(tok, &c) == 0) {
		if (c.large && c.a == asn && c.b == DAEMON_TAG_FN)
			return;
		bgp_comm_format(&b, &c);
		tok = buf_cstr(&b);
	}
	/* Names the daemon knows and we do not (graceful-shutdown) stay;
	 * a community that does not fit whole is left out. */
	if (len + (len ? 1 : 0) + strlen(tok) < n)
		snprintf(dst + len, n - len, "%s%s", len ? " " : "", tok);
}

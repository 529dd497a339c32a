/*
 * libFuzzer target: what BIRD and FRR write back on their control
 * sockets, as the daemon backends read it.  The first byte picks the
 * parser; the rest is the reply.  Parsers must fail cleanly on anything,
 * never read past it, and never write outside their records.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon.h"
#include "util/json.h"
#include "orch/snapshot.h"
#include "util/dbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char world[] =
	"name: fz\n"
	"nodes:\n"
	"  p: {kind: pop, asn: 13335}\n"
	"  i: {kind: isp, asn: 64500, daemon: bird}\n"
	"  j: {kind: isp, asn: 64501, daemon: frr}\n"
	"  u: {kind: user}\n"
	"links:\n"
	"  - [u, i]\n"
	"  - [i, p]\n"
	"  - [i, j]\n";

static int count_route(void *ctx, const struct daemon_route *r)
{
	size_t *n = ctx;

	if (strnlen(r->prefix, sizeof(r->prefix)) == sizeof(r->prefix) ||
	    strnlen(r->nexthop, sizeof(r->nexthop)) == sizeof(r->nexthop) ||
	    strnlen(r->communities, sizeof(r->communities)) ==
	    sizeof(r->communities))
		abort();
	(*n)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct topo t;
	static bool loaded;
	struct snap_router sr;
	struct json_doc d;
	struct dbuf text;
	char *s;
	size_t n = 0;
	int code;

	if (!loaded) {
		struct topo_diags dg = { 0 };

		if (topo_load_buf("fz.yaml", world, sizeof(world) - 1, &t, &dg) < 0)
			abort();
		topo_diags_free(&dg);
		loaded = true;
	}
	if (size < 1)
		return 0;
	/* A NUL-terminated copy for the text parsers. */
	s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	memset(&sr, 0, sizeof(sr));
	switch (data[0] % 6) {
	case 0:
		if (json_parse(s, size - 1, &d) == 0) {
			const struct json_node *root = json_root(&d), *c;

			for (c = root ? json_first(&d, root) : NULL; c; c = json_next(&d, c))
				json_str(c, NULL);
			json_free(&d);
		}
		break;
	case 1:
		dbuf_init(&text);
		if (daemon_bird_reply_len(s, size - 1) <= size - 1)
			daemon_bird_reply_text(s, size - 1, &text, &code);
		dbuf_free(&text);
		break;
	case 2:
		daemon_bird_parse_protocols(s, &t, 1, 1000, &sr);
		daemon_bird_parse_anycast(s, &sr);
		daemon_bird_parse_count(s);
		break;
	case 3:
		daemon_bird_parse_routes(s, 1221, count_route, &n);
		break;
	case 4:
		daemon_frr_reply_len(s, size - 1);
		daemon_frr_parse_neighbors(s, size - 1, &t, 2, &sr);
		daemon_frr_parse_anycast(s, size - 1, &t, 2, &sr);
		daemon_frr_parse_statistics(s, size - 1, &sr);
		break;
	case 5:
		daemon_frr_parse_routes(s, size - 1, data[0] & 8, &t, 2,
					count_route, &n);
		break;
	}
	if (sr.nsess > SNAP_MAX_SESS)
		abort();
	free(s);
	return 0;
}

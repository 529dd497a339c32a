/*
 * RIB benchmark: a full table from one peer, then a better copy of it from
 * a second peer, then half of that withdrawn, then the first peer lost.
 * Each phase is timed on its own (the RIB changes, then the drain of the
 * dirty queue the export side would do), with the RSS after it.  Times are
 * wall clock and, in brackets, this process's CPU time, which stays honest
 * on a busy machine.
 *
 *   bench_rib [prefixes] [--set]
 *
 * --set interns each attribute set once up front and feeds the RIB with
 * rib_update_set(), as the session glue does for the NLRI of one UPDATE;
 * without it every prefix goes through rib_update() and its own lookup.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bgp/bgp.h"
#include "bgp/rib.h"

#define NSETS		1000
#define AS_A		65001
#define AS_B		65002
#define LOCAL_AS	64500

struct view {
	struct bgp_attrs a;
	uint8_t path[2 + 4 * 4];
	uint8_t comm[4];
};

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint32_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

struct stamp {
	double wall;
	double cpu;
};

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct stamp now(void)
{
	return (struct stamp){ clock_s(CLOCK_MONOTONIC),
			       clock_s(CLOCK_PROCESS_CPUTIME_ID) };
}

static struct stamp since(struct stamp t0)
{
	struct stamp t = now();

	return (struct stamp){ t.wall - t0.wall, t.cpu - t0.cpu };
}

/* VmRSS or VmHWM from /proc/self/status, in KiB. */
static long proc_kib(const char *key)
{
	char line[256];
	size_t n = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':')
			v = strtol(line + n + 1, NULL, 10);
	fclose(f);
	return v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void view_init(struct view *v, uint32_t nh, unsigned n,
		      const uint32_t *as, uint32_t community)
{
	unsigned i;

	memset(v, 0, sizeof(*v));
	v->a.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) |
		       BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
		       BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP) |
		       BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES);
	v->a.origin = BGP_ORIGIN_IGP;
	v->a.nexthop = nh;
	v->path[0] = BGP_AS_SEQUENCE;
	v->path[1] = (uint8_t)n;
	for (i = 0; i < n; i++)
		put32(v->path + 2 + 4 * i, as[i]);
	v->a.aspath = v->path;
	v->a.aspath_len = (uint16_t)(2 + 4 * n);
	put32(v->comm, community);
	v->a.communities = v->comm;
	v->a.communities_len = 4;
}

/* Roughly the shape of the IPv4 table: most /24, a tail up to /8. */
static uint8_t pick_len(void)
{
	uint32_t r = rng() % 100;

	if (r < 56)
		return 24;
	if (r < 66)
		return 23;
	if (r < 75)
		return 22;
	if (r < 82)
		return 21;
	if (r < 87)
		return 20;
	if (r < 91)
		return 19;
	if (r < 94)
		return 16;
	if (r < 97)
		return 18;
	if (r < 99)
		return 17;
	return (uint8_t)(8 + rng() % 8);
}

static int pfx_cmp(const void *x, const void *y)
{
	const struct prefix4 *a = x, *b = y;

	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	return (a->len > b->len) - (a->len < b->len);
}

/* n distinct prefixes in random order. */
static struct prefix4 *make_prefixes(size_t n)
{
	size_t have = 0, cap = n + n / 2, i, u;
	struct prefix4 *p = malloc(cap * sizeof(*p));

	if (!p)
		return NULL;
	while (have < n) {
		for (i = have; i < cap; i++) {
			p[i].len = pick_len();
			p[i].addr = rng() & prefix4_mask(p[i].len);
		}
		qsort(p, cap, sizeof(*p), pfx_cmp);
		for (u = 0, i = 0; i < cap; i++)
			if (!u || pfx_cmp(&p[u - 1], &p[i]))
				p[u++] = p[i];
		have = u;
	}
	for (i = n - 1; i > 0; i--) {
		size_t j = rng() % (i + 1);
		struct prefix4 t = p[i];

		p[i] = p[j];
		p[j] = t;
	}
	return p;
}

static uint32_t set_of(const struct prefix4 *p)
{
	uint32_t h = p->addr * 2654435761u ^ p->len;

	return (h ^ h >> 16) % NSETS;
}

static int drain_nop(void *ctx, struct rib_entry *e)
{
	size_t *with_best = ctx;

	if (e->best)
		(*with_best)++;
	return 0;
}

static void report(const char *phase, struct rib *r, size_t ops,
		   struct stamp t, struct stamp td, size_t drained)
{
	struct rib_stats st;
	double k = ops ? 1e9 / (double)ops : 0.0;

	rib_stats(r, &st);
	printf("%-18s %7zu ops %7.0f ms (%5.0f) %5.0f ns/op (%5.0f) | "
	       "drain %7zu %6.0f ms (%5.0f) %5.0f ns/op\n",
	       phase, ops, t.wall * 1e3, t.cpu * 1e3, t.wall * k, t.cpu * k,
	       drained, td.wall * 1e3, td.cpu * 1e3,
	       drained ? td.cpu * 1e9 / (double)drained : 0.0);
	printf("%-18s prefixes %7zu paths %7zu attrsets %5zu | "
	       "estimate %6.1f MiB, RSS %6.1f MiB\n", "",
	       st.prefixes, st.paths, st.attrsets,
	       (double)st.mem / 1048576.0,
	       (double)proc_kib("VmRSS") / 1024.0);
}

int main(int argc, char **argv)
{
	struct rib_conf conf = { LOCAL_AS, 0x0a0000fe, false, false };
	struct rib_peer_conf ca = { AS_A, 0x0a000001, 0xc0000201, true, 0 };
	struct rib_peer_conf cb = { AS_B, 0x0a000002, 0xc0000202, true, 0 };
	static struct view va[NSETS], vb[NSETS];
	struct bgp_attrset *sa[NSETS], *sb[NSETS];
	struct prefix4 *pfx;
	struct rib_stats st;
	struct rib *r;
	size_t n = 1000000, i, drained, with_best;
	int a, b, err = 0, use_set = 0;
	long rss0;
	struct stamp t, td;

	for (i = 1; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "--set"))
			use_set = 1;
		else
			n = strtoul(argv[i], NULL, 10);
	}
	pfx = make_prefixes(n);
	if (!pfx || rib_new(&conf, &r) < 0) {
		fprintf(stderr, "bench_rib: out of memory\n");
		return 1;
	}
	a = rib_peer_add(r, &ca);
	b = rib_peer_add(r, &cb);
	for (i = 0; i < NSETS; i++) {
		uint32_t pa[4] = { AS_A, 3356, 1000 + (uint32_t)i % 37,
				   20000 + (uint32_t)i };
		uint32_t pb[2] = { AS_B, 20000 + (uint32_t)i };

		view_init(&va[i], ca.addr, 4, pa,
			  (uint32_t)AS_A << 16 | (uint32_t)i);
		view_init(&vb[i], cb.addr, 2, pb,
			  (uint32_t)AS_B << 16 | (uint32_t)i);
		if (use_set && (rib_intern(r, &va[i].a, &sa[i]) < 0 ||
				rib_intern(r, &vb[i].a, &sb[i]) < 0)) {
			fprintf(stderr, "bench_rib: out of memory\n");
			return 1;
		}
	}
	rss0 = proc_kib("VmRSS");
	printf("bench_rib: %zu prefixes, %d attribute sets per peer, %s\n",
	       n, NSETS, use_set ? "rib_update_set" : "rib_update");
	printf("sizeof: entry %zu, path %zu, radix node %zu; RSS before "
	       "%.1f MiB\n", sizeof(struct rib_entry), sizeof(struct rib_path),
	       sizeof(struct radix_node), (double)rss0 / 1024.0);

#define DRAIN() do {							\
		with_best = 0;						\
		td = now();						\
		drained = rib_drain(r, drain_nop, &with_best);		\
		td = since(td);						\
	} while (0)

	/* 1. The full table from peer a. */
	t = now();
	for (i = 0; i < n && !err; i++) {
		uint32_t k = set_of(&pfx[i]);

		err = use_set ? rib_update_set(r, a, &pfx[i], sa[k])
			      : rib_update(r, a, &pfx[i], &va[k].a);
	}
	t = since(t);
	DRAIN();
	report("ingest (peer a)", r, n, t, td, drained);
	rib_stats(r, &st);
	printf("  %.0f bytes/prefix by RSS, %.0f by estimate\n",
	       (double)(proc_kib("VmRSS") - rss0) * 1024.0 / (double)n,
	       (double)st.mem / (double)n);

	/* 2. Peer b sends every prefix with a shorter path: all bests move. */
	t = now();
	for (i = 0; i < n && !err; i++) {
		uint32_t k = set_of(&pfx[i]);

		err = use_set ? rib_update_set(r, b, &pfx[i], sb[k])
			      : rib_update(r, b, &pfx[i], &vb[k].a);
	}
	t = since(t);
	DRAIN();
	report("replace (peer b)", r, n, t, td, drained);

	/* 3. Peer b withdraws half: those fall back to peer a. */
	t = now();
	for (i = 0; i < n / 2 && !err; i++)
		err = rib_withdraw(r, b, &pfx[i]);
	t = since(t);
	DRAIN();
	report("withdraw half (b)", r, n / 2, t, td, drained);

	/* 4. Peer a goes down: half the table loses its only path. */
	t = now();
	i = rib_peer_flush(r, a);
	t = since(t);
	DRAIN();
	report("flush peer a", r, i, t, td, drained);

	/* 5. And peer b: the table empties. */
	t = now();
	i = rib_peer_flush(r, b);
	t = since(t);
	DRAIN();
	report("flush peer b", r, i, t, td, drained);
	printf("peak RSS %.1f MiB\n", (double)proc_kib("VmHWM") / 1024.0);

	if (use_set)
		for (i = 0; i < NSETS; i++) {
			rib_attrset_unref(r, sa[i]);
			rib_attrset_unref(r, sb[i]);
		}
	rib_free(r);
	free(pfx);
	if (err) {
		fprintf(stderr, "bench_rib: %s\n", strerror(-err));
		return 1;
	}
	return 0;
}

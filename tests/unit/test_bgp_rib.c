/*
 * Attribute interning, the prefix tree and the RIB: what is stored, what
 * the decision process picks, when an entry reaches the dirty queue and
 * when it is freed.  The ASan build runs these too, so an entry used after
 * it was freed fails here.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/attrset.h"
#include "bgp/bgp.h"
#include "bgp/radix.h"
#include "bgp/rib.h"

#define LOCAL_AS	64500
#define LOCAL_ID	0x0a0000fe

/* Attributes with their own AS_PATH storage; pass by pointer only. */
struct tattrs {
	struct bgp_attrs a;
	uint8_t path[256];
	uint8_t comm[16];
};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* ORIGIN IGP, NEXT_HOP nh, AS_PATH: one AS_SEQUENCE of the n ASes given. */
static struct bgp_attrs *tattrs(struct tattrs *t, uint32_t nh, unsigned n,
				...)
{
	va_list ap;
	unsigned i;

	memset(t, 0, sizeof(*t));
	t->a.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) |
		       BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
		       BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	t->a.origin = BGP_ORIGIN_IGP;
	t->a.nexthop = nh;
	t->a.aspath = t->path;
	if (n) {
		t->path[0] = BGP_AS_SEQUENCE;
		t->path[1] = (uint8_t)n;
		va_start(ap, n);
		for (i = 0; i < n; i++)
			put32(t->path + 2 + 4 * i, va_arg(ap, uint32_t));
		va_end(ap);
		t->a.aspath_len = (uint16_t)(2 + 4 * n);
	}
	return &t->a;
}

/*
 * Criterion's workers end without running LeakSanitizer's exit check, so
 * tests ask for it themselves; the symbol exists only in sanitizer builds.
 */
int __lsan_do_recoverable_leak_check(void) __attribute__((weak));

static void no_leaks(void)
{
	if (__lsan_do_recoverable_leak_check)
		cr_assert_eq(__lsan_do_recoverable_leak_check(), 0,
			     "memory leaked (see the LeakSanitizer report)");
}

static struct prefix4 pfx(const char *s)
{
	struct prefix4 p;

	cr_assert_eq(prefix4_parse(s, &p), 0, "%s", s);
	return p;
}

/* ---------------------------------------------------------------- */
/* Interning                                                          */

Test(attrset, same_content_same_set)
{
	struct attrset_table t;
	struct tattrs x, y;
	struct bgp_attrset *s1, *s2;

	cr_assert_eq(attrset_table_init(&t), 0);
	cr_assert_eq(attrset_intern(&t, tattrs(&x, 1, 2, 1221u, 13335u), &s1),
		     0);
	/* Same content in different memory. */
	cr_assert_eq(attrset_intern(&t, tattrs(&y, 1, 2, 1221u, 13335u), &s2),
		     0);
	cr_assert_eq(s1, s2);
	cr_assert_eq(s1->refs, 2);
	cr_assert_eq(t.count, 1);
	/* The set keeps its own copy of the variable parts. */
	cr_assert_neq(s1->attrs.aspath, x.path);
	memset(x.path, 0xff, sizeof(x.path));
	cr_assert_eq(s1->attrs.aspath[0], BGP_AS_SEQUENCE);
	cr_assert_eq(s1->aspath_count, 2);
	cr_assert_eq(s1->first_as, 1221);

	attrset_unref(&t, s1);
	cr_assert_eq(t.count, 1);
	cr_assert_eq(s2->refs, 1);
	attrset_unref(&t, s2);
	cr_assert_eq(t.count, 0);
	cr_assert_eq(t.bytes, 0);
	attrset_table_fini(&t);
	no_leaks();
}

Test(attrset, different_content_different_set)
{
	struct attrset_table t;
	struct tattrs x;
	struct bgp_attrs a;
	struct bgp_attrset *s[6];
	unsigned i, j;

	cr_assert_eq(attrset_table_init(&t), 0);
	attrset_intern(&t, tattrs(&x, 1, 2, 1221u, 13335u), &s[0]);
	attrset_intern(&t, tattrs(&x, 1, 2, 1221u, 13336u), &s[1]);
	attrset_intern(&t, tattrs(&x, 2, 2, 1221u, 13335u), &s[2]);
	a = *tattrs(&x, 1, 2, 1221u, 13335u);
	a.present |= BGP_ATTR_BIT(BGP_ATTR_MED);
	a.med = 0;			/* MED 0 present differs from absent */
	attrset_intern(&t, &a, &s[3]);
	a.med = 5;
	attrset_intern(&t, &a, &s[4]);
	a = *tattrs(&x, 1, 2, 1221u, 13335u);
	put32(x.comm, 0xfde80001);
	a.present |= BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES);
	a.communities = x.comm;
	a.communities_len = 4;
	attrset_intern(&t, &a, &s[5]);
	for (i = 0; i < 6; i++)
		for (j = 0; j < i; j++)
			cr_assert_neq(s[i], s[j], "%u vs %u", i, j);
	cr_assert_eq(t.count, 6);
	cr_assert_eq(s[5]->attrs.communities_len, 4);
	cr_assert_eq(memcmp(s[5]->attrs.communities, x.comm, 4), 0);
	for (i = 0; i < 6; i++)
		attrset_unref(&t, s[i]);
	cr_assert_eq(t.count, 0);
	attrset_table_fini(&t);
	no_leaks();
}

Test(attrset, absent_scalars_do_not_split_sets)
{
	struct attrset_table t;
	struct tattrs x;
	struct bgp_attrs a;
	struct bgp_attrset *s1, *s2;

	cr_assert_eq(attrset_table_init(&t), 0);
	a = *tattrs(&x, 1, 1, 1221u);
	attrset_intern(&t, &a, &s1);
	a.med = 77;			/* garbage: MED bit is clear */
	a.local_pref = 5;
	attrset_intern(&t, &a, &s2);
	cr_assert_eq(s1, s2);
	cr_assert_eq(s1->attrs.med, 0);
	attrset_unref(&t, s1);
	attrset_unref(&t, s2);
	attrset_table_fini(&t);
	no_leaks();
}

Test(attrset, table_grows_and_shrinks_with_100k_sets)
{
	enum { N = 100000 };
	struct attrset_table t;
	struct bgp_attrset **s = calloc(N, sizeof(*s)), *again;
	struct tattrs x;
	struct bgp_attrs a;
	size_t i;

	cr_assert_not_null(s);
	cr_assert_eq(attrset_table_init(&t), 0);
	for (i = 0; i < N; i++) {
		a = *tattrs(&x, (uint32_t)i, 3, 1221u, (uint32_t)(i % 977),
			    (uint32_t)i);
		cr_assert_eq(attrset_intern(&t, &a, &s[i]), 0);
	}
	cr_assert_eq(t.count, N);
	/* Load at most 1 after growth. */
	cr_assert_geq(t.mask + 1, (size_t)N);
	for (i = 0; i < N; i++) {
		a = *tattrs(&x, (uint32_t)i, 3, 1221u, (uint32_t)(i % 977),
			    (uint32_t)i);
		cr_assert_eq(attrset_intern(&t, &a, &again), 0);
		cr_assert_eq(again, s[i], "set %zu found again", i);
		attrset_unref(&t, again);
	}
	cr_assert_eq(t.count, N);
	for (i = 0; i < N; i++)
		attrset_unref(&t, s[i]);
	cr_assert_eq(t.count, 0);
	cr_assert_leq(t.mask + 1, 64);
	attrset_table_fini(&t);
	free(s);
	no_leaks();
}

/* ---------------------------------------------------------------- */
/* Prefix tree                                                        */

struct tnode {
	struct radix_node n;
	int id;
};

static struct tnode *tnode(const char *s, int id)
{
	struct tnode *t = calloc(1, sizeof(*t));
	struct prefix4 p = pfx(s);

	cr_assert_not_null(t);
	t->n.addr = p.addr;
	t->n.len = p.len;
	t->id = id;
	return t;
}

static void tnode_free(struct radix_node *n, void *ctx)
{
	int *freed = ctx;

	if (freed)
		(*freed)++;
	free(n);
}

struct collect {
	char s[16][PREFIX4_STRLEN];
	size_t n;
};

static int collect_fn(struct radix_node *n, void *ctx)
{
	struct collect *c = ctx;
	struct prefix4 p = radix_prefix(n);

	prefix4_str(&p, c->s[c->n++]);
	return 0;
}

Test(radix, insert_lookup_delete)
{
	struct radix_tree t;
	struct tnode *a = tnode("10.0.0.0/24", 1);
	struct tnode *b = tnode("10.0.1.0/24", 2);
	struct tnode *c = tnode("10.0.0.0/23", 3);
	struct tnode *dup = tnode("10.0.0.0/24", 4);
	struct prefix4 p;

	radix_init(&t);
	cr_assert_eq(radix_insert(&t, &a->n), 0);
	cr_assert_eq(radix_insert(&t, &b->n), 0);
	/* Two /24 that part at bit 23 need a glue /23 above them. */
	cr_assert_eq(t.count, 2);
	cr_assert_eq(t.glue, 1);
	p = pfx("10.0.0.0/23");
	cr_assert_null(radix_lookup(&t, &p), "glue is not a prefix");
	/* The /23 takes the glue's place. */
	cr_assert_eq(radix_insert(&t, &c->n), 0);
	cr_assert_eq(t.glue, 0);
	cr_assert_eq(radix_lookup(&t, &p), &c->n);
	cr_assert_eq(radix_insert(&t, &dup->n), -EEXIST);
	p = pfx("10.0.0.0/24");
	cr_assert_eq(radix_lookup(&t, &p), &a->n);
	p = pfx("10.0.2.0/24");
	cr_assert_null(radix_lookup(&t, &p));
	p = pfx("10.0.0.0/22");
	cr_assert_null(radix_lookup(&t, &p));

	/* Deleting the branch point puts glue back. */
	radix_delete(&t, &c->n);
	cr_assert_eq(t.count, 2);
	cr_assert_eq(t.glue, 1);
	p = pfx("10.0.0.0/23");
	cr_assert_null(radix_lookup(&t, &p));
	radix_delete(&t, &a->n);
	cr_assert_eq(t.glue, 0, "glue with one child collapses");
	p = pfx("10.0.1.0/24");
	cr_assert_eq(radix_lookup(&t, &p), &b->n);
	/* Its slot of the top array holds it alone. */
	cr_assert_eq(t.top[0x0a00], &b->n);
	radix_delete(&t, &b->n);
	cr_assert_null(t.top[0x0a00]);
	cr_assert_eq(t.count, 0);
	cr_assert_eq(t.spare, 0, "reserve released with the prefixes");
	radix_clear(&t, NULL, NULL);
	free(a);
	free(b);
	free(c);
	free(dup);
	no_leaks();
}

Test(radix, rejects_host_bits)
{
	struct radix_tree t;
	struct tnode x = { .n = { .addr = 0x0a000001, .len = 24 } };

	radix_init(&t);
	cr_assert_eq(radix_insert(&t, &x.n), -EINVAL);
	x.n.len = 33;
	x.n.addr = 0;
	cr_assert_eq(radix_insert(&t, &x.n), -EINVAL);
	cr_assert_eq(t.count, 0);
	radix_clear(&t, NULL, NULL);
	no_leaks();
}

Test(radix, walk_in_prefix_order)
{
	static const char *in[] = {
		"11.0.0.0/8", "10.1.0.0/16", "0.0.0.0/0", "10.0.0.0/16",
		"255.255.255.255/32", "10.0.0.0/8", "128.0.0.0/1",
		"10.0.0.0/32", "10.0.0.0/15",
	};
	/* Short prefixes and /16-or-longer ones interleave. */
	static const char *want[] = {
		"0.0.0.0/0", "10.0.0.0/8", "10.0.0.0/15", "10.0.0.0/16",
		"10.0.0.0/32", "10.1.0.0/16", "11.0.0.0/8", "128.0.0.0/1",
		"255.255.255.255/32",
	};
	struct radix_tree t;
	struct collect c = { .n = 0 };
	size_t i;
	int freed = 0;

	radix_init(&t);
	for (i = 0; i < 9; i++)
		cr_assert_eq(radix_insert(&t, &tnode(in[i], (int)i)->n), 0);
	radix_walk(&t, collect_fn, &c);
	cr_assert_eq(c.n, 9);
	for (i = 0; i < 9; i++)
		cr_assert_str_eq(c.s[i], want[i], "position %zu", i);
	radix_clear(&t, tnode_free, &freed);
	cr_assert_eq(freed, 9);
	cr_assert_null(t.root);
	no_leaks();
}

static bool odd_id(const struct radix_node *n, void *ctx)
{
	return ((const struct tnode *)n)->id % 2 == 1;
}

Test(radix, longest_prefix_match_edges)
{
	struct radix_tree t;
	struct tnode *def = tnode("0.0.0.0/0", 1);
	struct tnode *net = tnode("104.16.0.0/24", 2);
	struct tnode *host = tnode("104.16.0.1/32", 3);
	struct tnode *top = tnode("255.255.255.255/32", 4);
	uint32_t a;

	radix_init(&t);
	cr_assert_null(radix_match(&t, 0, NULL, NULL), "empty tree");
	radix_insert(&t, &net->n);
	ip4_parse("104.16.0.9", &a);
	cr_assert_eq(radix_match(&t, a, NULL, NULL), &net->n);
	ip4_parse("104.16.1.1", &a);
	cr_assert_null(radix_match(&t, a, NULL, NULL), "no default yet");
	radix_insert(&t, &def->n);
	radix_insert(&t, &host->n);
	radix_insert(&t, &top->n);
	cr_assert_eq(radix_match(&t, a, NULL, NULL), &def->n);
	ip4_parse("104.16.0.1", &a);
	cr_assert_eq(radix_match(&t, a, NULL, NULL), &host->n);
	/* A filter skips the /32 and the /24 (even ids) for the /0. */
	cr_assert_eq(radix_match(&t, a, odd_id, NULL), &host->n);
	ip4_parse("104.16.0.2", &a);
	cr_assert_eq(radix_match(&t, a, odd_id, NULL), &def->n);
	cr_assert_eq(radix_match(&t, 0xffffffffu, NULL, NULL), &top->n);
	cr_assert_eq(radix_match(&t, 0xfffffffeu, NULL, NULL), &def->n);
	cr_assert_eq(radix_match(&t, 0, NULL, NULL), &def->n);
	radix_clear(&t, tnode_free, NULL);
	no_leaks();
}

static int delete_even(struct radix_node *n, void *ctx)
{
	struct radix_tree *t = ctx;

	if (((struct tnode *)n)->id % 2 == 0) {
		radix_delete(t, n);
		free(n);
	}
	return 0;
}

static int count_fn(struct radix_node *n, void *ctx)
{
	(*(size_t *)ctx)++;
	cr_assert_eq(((struct tnode *)n)->id % 2, 1);
	return 0;
}

Test(radix, walk_may_delete_the_node_it_visits)
{
	struct radix_tree t;
	size_t i, n = 0;
	char s[PREFIX4_STRLEN];

	radix_init(&t);
	for (i = 0; i < 512; i++) {
		struct prefix4 p = { (uint32_t)(i * 2654435761u),
				     (uint8_t)(16 + i % 17) };
		struct tnode *x;

		p.addr &= prefix4_mask(p.len);
		prefix4_str(&p, s);
		x = tnode(s, (int)i);
		if (radix_insert(&t, &x->n) < 0)
			free(x);
	}
	radix_walk(&t, delete_even, &t);
	radix_walk(&t, count_fn, &n);
	cr_assert_eq(n, t.count);
	cr_assert_gt(n, 0);
	cr_assert_lt(t.glue, t.count);
	radix_clear(&t, tnode_free, NULL);
	no_leaks();
}

/* A small, fixed-seed generator: the same sequence on every run. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static int pfx_cmp(const struct prefix4 *a, const struct prefix4 *b)
{
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	return (a->len > b->len) - (a->len < b->len);
}

struct check_walk {
	struct prefix4 last;
	size_t n;
};

static int check_order(struct radix_node *n, void *ctx)
{
	struct check_walk *w = ctx;
	struct prefix4 p = radix_prefix(n);

	if (w->n)
		cr_assert_lt(pfx_cmp(&w->last, &p), 0, "walk out of order");
	w->last = p;
	w->n++;
	return 0;
}

Test(radix, random_against_reference)
{
	enum { U = 1500, OPS = 40000 };
	static struct prefix4 uni[U];
	static bool in[U];
	static struct tnode node[U];
	struct radix_tree t;
	size_t i, k, present = 0;

	radix_init(&t);
	/* Clustered addresses with every length so prefixes nest a lot. */
	for (i = 0; i < U; i++) {
		uint8_t len = (uint8_t)(rng() % 33);
		uint32_t addr = 0x0a000000u | (rng() & 0x0003ffffu) << 6;

		if (i % 50 == 0)
			addr = rng();
		uni[i].len = len;
		uni[i].addr = addr & prefix4_mask(len);
	}
	for (k = 0; k < OPS; k++) {
		size_t j = rng() % U, m;
		struct radix_node *got, *want = NULL;
		uint32_t a;

		switch (rng() % 4) {
		case 0:
		case 1: {
			bool dup = false;

			for (m = 0; m < U; m++)
				if (in[m] && prefix4_eq(&uni[m], &uni[j]))
					dup = true;
			node[j].n.addr = uni[j].addr;
			node[j].n.len = uni[j].len;
			node[j].id = (int)j;
			if (dup && !in[j])
				cr_assert_eq(radix_insert(&t, &node[j].n),
					     -EEXIST);
			if (in[j] || dup)
				break;
			cr_assert_eq(radix_insert(&t, &node[j].n), 0);
			in[j] = true;
			present++;
			break;
		}
		case 2:
			if (in[j]) {
				radix_delete(&t, &node[j].n);
				in[j] = false;
				present--;
			}
			break;
		case 3:
			/* Exact lookup and LPM against a linear scan. */
			got = radix_lookup(&t, &uni[j]);
			for (m = 0; m < U; m++)
				if (in[m] && prefix4_eq(&uni[m], &uni[j]))
					want = &node[m].n;
			cr_assert_eq(got, want, "lookup at op %zu", k);
			a = uni[j].addr | (rng() & ~prefix4_mask(uni[j].len));
			want = NULL;
			for (m = 0; m < U; m++)
				if (in[m] && prefix4_contains(&uni[m], a) &&
				    (!want || uni[m].len > want->len))
					want = &node[m].n;
			cr_assert_eq(radix_match(&t, a, NULL, NULL), want,
				     "match at op %zu", k);
			break;
		}
		cr_assert_eq(t.count, present);
		cr_assert(t.count == 0 || t.glue < t.count);
		cr_assert_geq(t.glue + t.spare, t.count);
		if (k % 1000 == 0) {
			struct check_walk w = { .n = 0 };

			radix_walk(&t, check_order, &w);
			cr_assert_eq(w.n, present);
		}
	}
	radix_clear(&t, NULL, NULL);
	no_leaks();
}

/* ---------------------------------------------------------------- */
/* RIB                                                                */

static struct rib *rib;
static unsigned pa, pb, pc;	/* peers: AS1221, AS7018, AS1221 again */

static void rib_setup(void)
{
	struct rib_conf conf = { LOCAL_AS, LOCAL_ID, false, false };
	struct rib_peer_conf a = { 1221, 0x0a000001, 0xc0000201, true, 0 };
	struct rib_peer_conf b = { 7018, 0x0a000002, 0xc0000202, true, 0 };
	struct rib_peer_conf c = { 1221, 0x0a000003, 0xc0000203, true, 0 };

	cr_assert_eq(rib_new(&conf, &rib), 0);
	cr_assert_eq(rib_peer_add(rib, &a), 1);
	cr_assert_eq(rib_peer_add(rib, &b), 2);
	cr_assert_eq(rib_peer_add(rib, &c), 3);
	pa = 1;
	pb = 2;
	pc = 3;
}

static void rib_teardown(void)
{
	rib_free(rib);
	rib = NULL;
	no_leaks();
}

struct drained {
	struct prefix4 p[64];
	bool had_best[64];
	size_t n;
	size_t stop_after;		/* 0: never stop */
	bool advertise;			/* set peer pb's adv bit on best */
	bool gc_inside;			/* try rib_entry_gc() in the callback */
};

static int drain_fn(void *ctx, struct rib_entry *e)
{
	struct drained *d = ctx;

	if (d->n < 64) {
		d->p[d->n] = rib_entry_prefix(e);
		d->had_best[d->n] = e->best != NULL;
	}
	d->n++;
	cr_assert_not(rib_entry_queued(e));
	if (d->advertise) {
		if (e->best)
			rib_entry_adv_set(e, pb);
		else
			rib_entry_adv_clear(e, pb);
	}
	if (d->gc_inside)
		cr_assert_not(rib_entry_gc(rib, e), "no gc while draining");
	return d->stop_after && d->n >= d->stop_after;
}

static size_t drain(struct drained *d)
{
	memset(d, 0, sizeof(*d));
	return rib_drain(rib, drain_fn, d);
}

static struct rib_stats stats(void)
{
	struct rib_stats st;

	rib_stats(rib, &st);
	return st;
}

Test(rib, insert_then_replace)
{
	struct prefix4 p = pfx("104.16.0.0/24");
	struct tattrs x;
	struct rib_entry *e;
	struct drained d;
	struct rib_stats st;

	rib_setup();
	cr_assert_eq(rib_update(rib, pa, &p, tattrs(&x, 1, 2, 1221u, 13335u)),
		     0);
	e = rib_lookup(rib, &p);
	cr_assert_not_null(e);
	cr_assert_not_null(e->best);
	cr_assert_eq(e->best->peer, pa);
	cr_assert_eq(e->step, BGP_DECIDE_ONLY);
	cr_assert(rib_entry_queued(e));
	st = stats();
	cr_assert_eq(st.prefixes, 1);
	cr_assert_eq(st.selected, 1);
	cr_assert_eq(st.paths, 1);
	cr_assert_eq(st.attrsets, 1);
	cr_assert_eq(st.queued, 1);
	cr_assert_eq(rib_peer(rib, pa)->paths, 1);
	cr_assert_eq(rib_peer(rib, pb)->paths, 0);

	/* Replace before the drain: still queued once, old set released. */
	cr_assert_eq(rib_update(rib, pa, &p,
				tattrs(&x, 1, 3, 1221u, 3356u, 13335u)), 0);
	cr_assert_eq(stats().attrsets, 1);
	cr_assert_eq(stats().paths, 1);
	cr_assert_eq(e->best->attrs->aspath_count, 3);
	cr_assert_eq(drain(&d), 1);
	cr_assert_eq(stats().queued, 0);

	/* The same attributes again: nothing changed, nothing queued. */
	cr_assert_eq(rib_update(rib, pa, &p,
				tattrs(&x, 1, 3, 1221u, 3356u, 13335u)), 0);
	cr_assert_not(rib_entry_queued(e));
	/* New attributes from the same peer move the best path. */
	cr_assert_eq(rib_update(rib, pa, &p, tattrs(&x, 1, 1, 1221u)), 0);
	cr_assert(rib_entry_queued(e));
	cr_assert_eq(drain(&d), 1);
	cr_assert(prefix4_eq(&d.p[0], &p));
	rib_teardown();
}

Test(rib, better_path_queues_worse_path_does_not)
{
	struct prefix4 p = pfx("104.16.0.0/24");
	struct tattrs x;
	struct rib_entry *e;
	struct drained d;

	rib_setup();
	rib_update(rib, pa, &p, tattrs(&x, 1, 2, 1221u, 13335u));
	drain(&d);
	e = rib_lookup(rib, &p);

	/* Longer path from pb: best unchanged, but the reason is now the
	 * AS path length, not "only path". */
	rib_update(rib, pb, &p, tattrs(&x, 2, 3, 7018u, 174u, 13335u));
	cr_assert_not(rib_entry_queued(e));
	cr_assert_eq(e->best->peer, pa);
	cr_assert_eq(e->step, BGP_DECIDE_ASPATH);

	/* Shorter from pb: best moves, queued. */
	rib_update(rib, pb, &p, tattrs(&x, 2, 1, 7018u));
	cr_assert(rib_entry_queued(e));
	cr_assert_eq(e->best->peer, pb);
	cr_assert_eq(drain(&d), 1);

	/* Withdrawing the loser changes nothing visible. */
	cr_assert_eq(rib_withdraw(rib, pa, &p), 0);
	cr_assert_not(rib_entry_queued(e));
	cr_assert_eq(e->step, BGP_DECIDE_ONLY);
	cr_assert_eq(rib_withdraw(rib, pa, &p), -ENOENT);

	/* Withdrawing the winner leaves no best: queued. */
	cr_assert_eq(rib_withdraw(rib, pb, &p), 0);
	cr_assert(rib_entry_queued(e));
	cr_assert_null(e->best);
	cr_assert_eq(stats().selected, 0);
	cr_assert_eq(drain(&d), 1);
	cr_assert_not(d.had_best[0]);
	/* Nothing holds it any more: freed after the drain. */
	cr_assert_null(rib_lookup(rib, &p));
	cr_assert_eq(stats().prefixes, 0);
	cr_assert_eq(stats().attrsets, 0);
	rib_teardown();
}

Test(rib, queue_is_fifo_and_once)
{
	struct prefix4 p1 = pfx("10.0.0.0/8"), p2 = pfx("192.0.2.0/24"),
		       p3 = pfx("10.1.0.0/16");
	struct tattrs x;
	struct drained d;

	rib_setup();
	rib_update(rib, pa, &p1, tattrs(&x, 1, 1, 1221u));
	rib_update(rib, pa, &p2, tattrs(&x, 1, 1, 1221u));
	rib_update(rib, pa, &p3, tattrs(&x, 1, 1, 1221u));
	/* Changing p1 twice more does not queue it again or move it. */
	rib_update(rib, pa, &p1, tattrs(&x, 1, 2, 1221u, 1u));
	rib_update(rib, pb, &p1, tattrs(&x, 2, 1, 7018u));
	cr_assert_eq(stats().queued, 3);
	cr_assert_eq(drain(&d), 3);
	cr_assert(prefix4_eq(&d.p[0], &p1));
	cr_assert(prefix4_eq(&d.p[1], &p2));
	cr_assert(prefix4_eq(&d.p[2], &p3));
	cr_assert_eq(drain(&d), 0);
	rib_teardown();
}

Test(rib, drain_can_stop_and_keep_order)
{
	struct prefix4 p[4] = { pfx("10.0.0.0/24"), pfx("10.0.1.0/24"),
				pfx("10.0.2.0/24"), pfx("10.0.3.0/24") };
	struct tattrs x;
	struct drained d;
	size_t i;

	rib_setup();
	for (i = 0; i < 3; i++)
		rib_update(rib, pa, &p[i], tattrs(&x, 1, 1, 1221u));
	memset(&d, 0, sizeof(d));
	d.stop_after = 1;
	cr_assert_eq(rib_drain(rib, drain_fn, &d), 1);
	cr_assert(prefix4_eq(&d.p[0], &p[0]));
	cr_assert_eq(stats().queued, 2);
	/* Queued after the stop: goes behind the undrained two. */
	rib_update(rib, pa, &p[3], tattrs(&x, 1, 1, 1221u));
	cr_assert_eq(drain(&d), 3);
	cr_assert(prefix4_eq(&d.p[0], &p[1]));
	cr_assert(prefix4_eq(&d.p[1], &p[2]));
	cr_assert(prefix4_eq(&d.p[2], &p[3]));
	rib_teardown();
}

static int requeue_fn(void *ctx, struct rib_entry *e)
{
	struct tattrs x;
	struct prefix4 p = rib_entry_prefix(e);
	size_t *n = ctx;

	(*n)++;
	/* Changing the entry being drained queues it for the next drain. */
	rib_update(rib, pb, &p, tattrs(&x, 2, 1, 7018u));
	cr_assert(rib_entry_queued(e));
	return 0;
}

Test(rib, change_during_drain_waits_for_next_drain)
{
	struct prefix4 p = pfx("10.0.0.0/24");
	struct tattrs x;
	struct drained d;
	size_t n = 0;

	rib_setup();
	rib_update(rib, pa, &p, tattrs(&x, 1, 2, 1221u, 1u));
	cr_assert_eq(rib_drain(rib, requeue_fn, &n), 1);
	cr_assert_eq(n, 1);
	cr_assert_eq(stats().queued, 1);
	cr_assert_eq(drain(&d), 1);
	cr_assert_eq(rib_lookup(rib, &p)->best->peer, pb);
	rib_teardown();
}

Test(rib, loop_rejected_paths_are_kept_but_ineligible)
{
	struct prefix4 p = pfx("198.51.100.0/24");
	struct tattrs x;
	struct rib_entry *e;
	struct rib_path *path;
	struct drained d;

	rib_setup();
	cr_assert_eq(rib_update(rib, pa, &p,
				tattrs(&x, 1, 3, 1221u, LOCAL_AS, 65001u)),
		     0);
	e = rib_lookup(rib, &p);
	cr_assert_not_null(e);
	path = rib_entry_path(e, pa);
	cr_assert_not_null(path);
	cr_assert_eq(path->ineligible, RIB_INELIGIBLE_AS_LOOP);
	cr_assert_str_eq(rib_ineligible_str(path->ineligible),
			 "AS path contains our AS");
	cr_assert_null(e->best);
	cr_assert_not(rib_entry_queued(e), "no best before or after");
	cr_assert_eq(stats().ineligible, 1);
	cr_assert_eq(rib_peer(rib, pa)->ineligible, 1);
	cr_assert_eq(rib_peer(rib, pa)->paths, 1);
	cr_assert_null(rib_match(rib, p.addr | 1));

	/* A clean path from the same peer replaces it and is eligible. */
	rib_update(rib, pa, &p, tattrs(&x, 1, 2, 1221u, 65001u));
	cr_assert_eq(path->ineligible, RIB_ELIGIBLE);
	cr_assert_eq(e->best, path);
	cr_assert(rib_entry_queued(e));
	cr_assert_eq(stats().ineligible, 0);
	cr_assert_eq(rib_peer(rib, pa)->ineligible, 0);
	drain(&d);

	/* A looped path from pb next to it takes no part. */
	rib_update(rib, pb, &p, tattrs(&x, 2, 1, LOCAL_AS));
	cr_assert_eq(e->best, path);
	cr_assert_not(rib_entry_queued(e));
	cr_assert_eq(e->step, BGP_DECIDE_ONLY);
	rib_teardown();
}

/* A path the caller found unusable (a next hop the session cannot
 * resolve, §9.1.2.1) is kept with its reason, never best; a good path
 * from the same peer replaces it. */
Test(rib, caller_ineligible_paths_are_kept_but_never_best)
{
	struct prefix4 p = pfx("198.51.121.0/24");
	struct bgp_attrset *s;
	struct tattrs x;
	struct rib_entry *e;
	struct rib_path *path;
	struct drained d;

	rib_setup();
	cr_assert_eq(rib_update(rib, pb, &p, tattrs(&x, 2, 1, 7018u)), 0);
	e = rib_lookup(rib, &p);
	cr_assert_not_null(e);
	cr_assert_eq(e->best->peer, pb);
	drain(&d);
	cr_assert_eq(rib_intern(rib, tattrs(&x, 0x7f000001, 1, 1221u), &s), 0);
	cr_assert_eq(rib_update_ineligible(rib, pa, &p, s,
					   RIB_INELIGIBLE_NH_MARTIAN), 0);
	rib_attrset_unref(rib, s);
	path = rib_entry_path(e, pa);
	cr_assert_not_null(path);
	cr_assert_eq(path->ineligible, RIB_INELIGIBLE_NH_MARTIAN);
	cr_assert_eq(rib_peer(rib, pa)->ineligible, 1);
	cr_assert_eq(e->best->peer, pb, "the ineligible path never wins");
	cr_assert_not(rib_entry_queued(e));
	/* The only path left is the ineligible one: no best at all. */
	rib_withdraw(rib, pb, &p);
	cr_assert_null(e->best);
	cr_assert_null(rib_match(rib, p.addr | 1));
	drain(&d);
	rib_update(rib, pa, &p, tattrs(&x, 1, 1, 1221u));
	cr_assert_eq(path->ineligible, RIB_ELIGIBLE);
	cr_assert_eq(e->best, path);
	cr_assert_eq(stats().ineligible, 0);
	rib_teardown();
}

Test(rib, loop_only_entry_freed_on_withdraw)
{
	struct prefix4 p = pfx("198.51.100.0/24");
	struct tattrs x;

	rib_setup();
	rib_update(rib, pa, &p, tattrs(&x, 1, 2, 1221u, LOCAL_AS));
	cr_assert_eq(stats().prefixes, 1);
	cr_assert_eq(rib_withdraw(rib, pa, &p), 0);
	/* Never had a best, so never queued: freed at once. */
	cr_assert_null(rib_lookup(rib, &p));
	cr_assert_eq(stats().prefixes, 0);
	cr_assert_eq(stats().ineligible, 0);
	rib_teardown();
}

Test(rib, peer_flush_costs_its_paths)
{
	struct tattrs x;
	struct bgp_attrset *sa, *sb;
	struct prefix4 p;
	struct drained d;
	struct rib_stats st;
	size_t i;

	rib_setup();
	cr_assert_eq(rib_intern(rib, tattrs(&x, 1, 2, 1221u, 13335u), &sa), 0);
	cr_assert_eq(rib_intern(rib, tattrs(&x, 2, 3, 7018u, 1u, 13335u), &sb),
		     0);
	for (i = 0; i < 100; i++) {
		p.addr = 0x0a000000u | (uint32_t)i << 8;
		p.len = 24;
		cr_assert_eq(rib_update_set(rib, pa, &p, sa), 0);
		if (i % 2 == 0)
			cr_assert_eq(rib_update_set(rib, pb, &p, sb), 0);
	}
	rib_attrset_unref(rib, sa);
	rib_attrset_unref(rib, sb);
	drain(&d);
	cr_assert_eq(rib_peer(rib, pa)->paths, 100);
	cr_assert_eq(rib_peer(rib, pb)->paths, 50);
	cr_assert_eq(stats().paths, 150);
	cr_assert_eq(stats().attrsets, 2);

	cr_assert_eq(rib_peer_flush(rib, pa), 100);
	st = stats();
	cr_assert_eq(rib_peer(rib, pa)->paths, 0);
	cr_assert_eq(st.paths, 50);
	cr_assert_eq(st.selected, 50);
	cr_assert_eq(st.queued, 100, "every best moved or vanished");
	cr_assert_eq(st.attrsets, 1);
	cr_assert_eq(drain(&d), 100);
	st = stats();
	cr_assert_eq(st.prefixes, 50, "the 50 without paths are gone");
	p.addr = 0x0a000100u;
	cr_assert_null(rib_lookup(rib, &p));
	p.addr = 0x0a000200u;
	cr_assert_eq(rib_lookup(rib, &p)->best->peer, pb);
	cr_assert_eq(rib_peer_flush(rib, pa), 0);
	rib_teardown();
}

Test(rib, originate_and_unoriginate)
{
	struct prefix4 p = pfx("104.16.0.0/24");
	struct tattrs x;
	struct rib_entry *e;
	struct rib_explain why;
	struct drained d;
	char mem[80];
	struct buf b;

	rib_setup();
	rib_update(rib, pa, &p, tattrs(&x, 1, 2, 1221u, 13335u));
	drain(&d);
	/* An originated path wins first, at (0). */
	cr_assert_eq(rib_originate(rib, &p, tattrs(&x, 0, 0)), 0);
	e = rib_lookup(rib, &p);
	cr_assert_eq(e->best->peer, RIB_PEER_LOCAL);
	cr_assert_eq(e->step, BGP_DECIDE_LOCAL);
	cr_assert(rib_entry_queued(e));
	rib_entry_explain(rib, e, &why);
	cr_assert_eq(why.step, BGP_DECIDE_LOCAL);
	cr_assert_eq(why.best, e->best);
	cr_assert_eq(why.other, rib_entry_path(e, pa));
	cr_assert(why.best_cand.local);
	buf_init(&b, mem, sizeof(mem));
	bgp_decide_format(&b, why.step, &why.best_cand, &why.other_cand);
	cr_assert_str_eq(buf_cstr(&b), "locally originated");
	drain(&d);

	cr_assert_eq(rib_unoriginate(rib, &p), 0);
	cr_assert_eq(e->best->peer, pa);
	cr_assert(rib_entry_queued(e));
	cr_assert_eq(rib_unoriginate(rib, &p), -ENOENT);
	rib_teardown();
}

Test(rib, local_beats_learned_when_all_else_ties)
{
	struct prefix4 p = pfx("104.16.0.0/24");
	struct tattrs x;
	struct rib_entry *e;

	rib_setup();
	/* pa's identifier 10.0.0.1 is below ours (10.0.0.254), so (f)
	 * alone would pick pa; step (e') keeps the local path. */
	rib_update(rib, pa, &p, tattrs(&x, 1, 1, 1221u));
	rib_originate(rib, &p, tattrs(&x, 0, 1, 1221u));
	e = rib_lookup(rib, &p);
	cr_assert_eq(e->best->peer, RIB_PEER_LOCAL);
	cr_assert_eq(e->step, BGP_DECIDE_LOCAL);
	rib_teardown();
}

/* A speaker registers its peers before their OPENs arrive; the identifier
 * each OPEN gives is set when the session comes up, and ranks at (f). */
Test(rib, peer_bgp_id_set_when_the_session_comes_up)
{
	struct prefix4 p = pfx("104.16.0.0/24");
	struct tattrs x;
	struct rib_entry *e;

	rib_setup();
	/* pb (10.0.0.2, higher address) says 10.0.0.0 in its OPEN. */
	cr_assert_eq(rib_peer_set_bgp_id(rib, pb, 0x0a000000), 0);
	cr_assert_eq(rib_peer(rib, pb)->conf.bgp_id, 0x0a000000);
	rib_update(rib, pa, &p, tattrs(&x, 1, 2, 1221u, 13335u));
	rib_update(rib, pb, &p, tattrs(&x, 2, 2, 7018u, 13335u));
	e = rib_lookup(rib, &p);
	cr_assert_eq(e->best->peer, pb);
	cr_assert_eq(e->step, BGP_DECIDE_BGP_ID);
	/* Decisions taken rest on it: not while the peer holds paths. */
	cr_assert_eq(rib_peer_set_bgp_id(rib, pb, 0x0a0000ff), -EBUSY);
	cr_assert_eq(rib_peer(rib, pb)->conf.bgp_id, 0x0a000000);
	cr_assert_eq(rib_peer_set_bgp_id(rib, RIB_PEER_LOCAL, 1), -ENOENT);
	cr_assert_eq(rib_peer_set_bgp_id(rib, 60, 1), -ENOENT);
	rib_teardown();
}

Test(rib, import_local_pref_decides_and_missing_med_is_zero)
{
	struct prefix4 p = pfx("104.16.0.0/24");
	struct tattrs x;
	struct bgp_attrs a;
	struct rib_entry *e;
	struct rib_explain why;

	rib_setup();
	/* A path holds the LOCAL_PREF import policy gave it (a received
	 * one never gets past attr.c over eBGP): 500 beats a shorter path
	 * without one (100). */
	a = *tattrs(&x, 1, 3, 1221u, 1u, 13335u);
	a.present |= BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF);
	a.local_pref = 500;
	rib_update(rib, pa, &p, &a);
	rib_update(rib, pb, &p, tattrs(&x, 2, 2, 7018u, 13335u));
	e = rib_lookup(rib, &p);
	cr_assert_eq(e->best->peer, pa);
	cr_assert_eq(e->step, BGP_DECIDE_LOCAL_PREF);
	rib_withdraw(rib, pb, &p);

	/* pa and pc are both AS1221: pc sends MED 5, pa none (= 0). */
	rib_update(rib, pa, &p, tattrs(&x, 1, 2, 1221u, 13335u));
	a = *tattrs(&x, 3, 2, 1221u, 13335u);
	a.present |= BGP_ATTR_BIT(BGP_ATTR_MED);
	a.med = 5;
	rib_update(rib, pc, &p, &a);
	cr_assert_eq(e->best->peer, pa);
	cr_assert_eq(e->step, BGP_DECIDE_MED);
	rib_entry_explain(rib, e, &why);
	cr_assert_eq(why.best_cand.med, 0);
	cr_assert_eq(why.other_cand.med, 5);
	cr_assert_eq(why.best_cand.neighbor_as, 1221);

	/* MED 0 explicitly: a tie there, the BGP identifier decides. */
	a.med = 0;
	rib_update(rib, pc, &p, &a);
	cr_assert_eq(e->best->peer, pa);
	cr_assert_eq(e->step, BGP_DECIDE_BGP_ID);
	rib_teardown();
}

Test(rib, advertised_entry_outlives_its_paths_until_cleared)
{
	struct prefix4 p = pfx("104.16.0.0/24");
	struct tattrs x;
	struct rib_entry *e;
	struct drained d;

	rib_setup();
	rib_update(rib, pa, &p, tattrs(&x, 1, 1, 1221u));
	memset(&d, 0, sizeof(d));
	d.advertise = true;
	rib_drain(rib, drain_fn, &d);
	e = rib_lookup(rib, &p);
	cr_assert(rib_entry_adv_test(e, pb));

	/* Withdrawn and queued: not freed while queued, even with no path
	 * and the gc asked. */
	rib_withdraw(rib, pa, &p);
	cr_assert_eq(rib_lookup(rib, &p), e);
	cr_assert_not(rib_entry_gc(rib, e));
	/* A drain that does not clear the bit leaves it in place... */
	drain(&d);
	cr_assert_eq(rib_lookup(rib, &p), e);
	cr_assert_not(rib_entry_gc(rib, e));
	/* ...until the export side clears the bit and asks. */
	rib_entry_adv_clear(e, pb);
	cr_assert(rib_entry_gc(rib, e));
	cr_assert_null(rib_lookup(rib, &p));
	rib_teardown();
}

Test(rib, drain_frees_after_callback_clears_bit)
{
	struct prefix4 p = pfx("104.16.0.0/24");
	struct tattrs x;
	struct drained d;

	rib_setup();
	rib_update(rib, pa, &p, tattrs(&x, 1, 1, 1221u));
	memset(&d, 0, sizeof(d));
	d.advertise = true;
	rib_drain(rib, drain_fn, &d);
	rib_withdraw(rib, pa, &p);
	memset(&d, 0, sizeof(d));
	d.advertise = true;
	d.gc_inside = true;
	cr_assert_eq(rib_drain(rib, drain_fn, &d), 1);
	cr_assert_null(rib_lookup(rib, &p));
	rib_teardown();
}

Test(rib, peer_adv_clear_frees_what_it_releases)
{
	struct prefix4 p1 = pfx("10.0.0.0/24"), p2 = pfx("10.0.1.0/24");
	struct tattrs x;
	struct drained d;

	rib_setup();
	rib_update(rib, pa, &p1, tattrs(&x, 1, 1, 1221u));
	rib_update(rib, pa, &p2, tattrs(&x, 1, 1, 1221u));
	memset(&d, 0, sizeof(d));
	d.advertise = true;
	rib_drain(rib, drain_fn, &d);
	/* pa goes down; the drain does not clear pb's bits (pb "down"). */
	rib_peer_flush(rib, pa);
	drain(&d);
	cr_assert_eq(stats().prefixes, 2);
	rib_peer_adv_clear(rib, pb);
	cr_assert_eq(stats().prefixes, 0);
	rib_teardown();
}

Test(rib, update_then_withdraw_before_drain)
{
	struct prefix4 p = pfx("10.0.0.0/24");
	struct tattrs x;
	struct drained d;

	rib_setup();
	rib_update(rib, pa, &p, tattrs(&x, 1, 1, 1221u));
	rib_withdraw(rib, pa, &p);
	/* Still queued (its best appeared and vanished): kept until drained,
	 * handed out with no best, then freed. */
	cr_assert_not_null(rib_lookup(rib, &p));
	cr_assert_eq(drain(&d), 1);
	cr_assert_not(d.had_best[0]);
	cr_assert_null(rib_lookup(rib, &p));
	rib_teardown();
}

struct walked {
	char s[16][PREFIX4_STRLEN];
	unsigned peer[16];
	size_t n;
};

static int loc_fn(void *ctx, struct rib_entry *e)
{
	struct walked *w = ctx;
	struct prefix4 p = rib_entry_prefix(e);

	prefix4_str(&p, w->s[w->n]);
	w->peer[w->n++] = e->best->peer;
	return 0;
}

static int adj_fn(void *ctx, struct rib_entry *e, struct rib_path *path)
{
	struct walked *w = ctx;
	struct prefix4 p = rib_entry_prefix(e);

	prefix4_str(&p, w->s[w->n]);
	w->peer[w->n++] = path->peer;
	return 0;
}

static int stop_fn(void *ctx, struct rib_entry *e)
{
	return 42;
}

Test(rib, walks_are_ordered)
{
	static const char *in[] = { "192.0.2.0/24", "10.0.0.0/8",
				    "10.0.0.0/16", "0.0.0.0/0",
				    "203.0.113.0/24" };
	struct tattrs x;
	struct walked w = { .n = 0 };
	struct prefix4 p;
	size_t i;

	rib_setup();
	for (i = 0; i < 5; i++) {
		p = pfx(in[i]);
		rib_update(rib, i % 2 ? pa : pb, &p, tattrs(&x, 1, 1, 7018u));
	}
	/* A loop-rejected path: in pa's Adj-RIB-In, not in the Loc-RIB. */
	p = pfx("198.51.100.0/24");
	rib_update(rib, pa, &p, tattrs(&x, 1, 1, LOCAL_AS));

	cr_assert_eq(rib_walk(rib, loc_fn, &w), 0);
	cr_assert_eq(w.n, 5);
	cr_assert_str_eq(w.s[0], "0.0.0.0/0");
	cr_assert_str_eq(w.s[1], "10.0.0.0/8");
	cr_assert_str_eq(w.s[2], "10.0.0.0/16");
	cr_assert_str_eq(w.s[3], "192.0.2.0/24");
	cr_assert_str_eq(w.s[4], "203.0.113.0/24");

	w.n = 0;
	rib_walk_adj_in(rib, pa, adj_fn, &w);
	cr_assert_eq(w.n, 3);
	cr_assert_str_eq(w.s[0], "0.0.0.0/0");
	cr_assert_str_eq(w.s[1], "10.0.0.0/8");
	cr_assert_str_eq(w.s[2], "198.51.100.0/24");
	cr_assert_eq(w.peer[0], pa);

	cr_assert_eq(rib_walk(rib, stop_fn, NULL), 42);
	rib_teardown();
}

Test(rib, match_uses_selected_routes)
{
	struct prefix4 p8 = pfx("10.0.0.0/8"), p24 = pfx("10.0.0.0/24");
	struct tattrs x;
	uint32_t a;

	rib_setup();
	ip4_parse("10.0.0.7", &a);
	cr_assert_null(rib_match(rib, a));
	rib_update(rib, pa, &p8, tattrs(&x, 1, 1, 1221u));
	rib_update(rib, pa, &p24, tattrs(&x, 1, 1, LOCAL_AS));
	cr_assert_eq(rib_match(rib, a), rib_lookup(rib, &p8),
		     "the /24 has no eligible path");
	rib_update(rib, pb, &p24, tattrs(&x, 2, 1, 7018u));
	cr_assert_eq(rib_match(rib, a), rib_lookup(rib, &p24));
	rib_teardown();
}

Test(rib, argument_errors)
{
	struct prefix4 bad = { 0x0a000001, 24 }, p = pfx("10.0.0.0/24");
	struct tattrs x;
	struct rib_peer_conf c = { 65000, 1, 1, true, 0 };
	int i, idx;

	rib_setup();
	cr_assert_eq(rib_update(rib, pa, &bad, tattrs(&x, 1, 1, 1u)), -EINVAL);
	cr_assert_eq(rib_update(rib, RIB_PEER_LOCAL, &p, tattrs(&x, 1, 0)),
		     -EINVAL);
	cr_assert_eq(rib_update(rib, 9, &p, tattrs(&x, 1, 1, 1u)), -ENOENT);
	cr_assert_eq(rib_update(rib, 1000, &p, tattrs(&x, 1, 1, 1u)), -ENOENT);
	cr_assert_eq(rib_withdraw(rib, pa, &p), -ENOENT);
	cr_assert_null(rib_peer(rib, 9));
	cr_assert_not_null(rib_peer(rib, RIB_PEER_LOCAL));
	/* Three registered in setup; room for RIB_PEER_MAX in all. */
	for (i = 3; i < RIB_PEER_MAX; i++) {
		idx = rib_peer_add(rib, &c);
		cr_assert_eq(idx, i + 1);
	}
	cr_assert_eq(rib_peer_add(rib, &c), -ENOSPC);
	cr_assert_eq(rib_peer_bit(RIB_PEER_MAX), 1ull << 63);
	cr_assert_eq(rib_update(rib, RIB_PEER_MAX, &p, tattrs(&x, 1, 1, 1u)),
		     0);
	cr_assert_eq(stats().prefixes, 1);
	rib_teardown();
}

Test(rib, all_peers_compete)
{
	struct prefix4 p = pfx("104.16.0.0/24");
	struct rib_peer_conf c = { 65000, 0, 0, true, 0 };
	struct tattrs x;
	struct rib_entry *e;
	int i, idx, low = 0;

	rib_setup();
	for (i = 3; i < RIB_PEER_MAX; i++) {
		/* Identifiers below those of pa, pb and pc, falling as the
		 * index grows: the last one wins. */
		c.bgp_id = 0x09000000u - (uint32_t)i;
		c.addr = 0xc6120000u + (uint32_t)i;
		idx = rib_peer_add(rib, &c);
		cr_assert_gt(idx, 0);
		low = idx;
	}
	for (i = 1; i <= RIB_PEER_MAX; i++)
		cr_assert_eq(rib_update(rib, (unsigned)i, &p,
					tattrs(&x, (uint32_t)i, 1, 65000u)), 0);
	e = rib_lookup(rib, &p);
	cr_assert_eq(e->best->peer, low);
	cr_assert_eq(e->step, BGP_DECIDE_BGP_ID);
	cr_assert_eq(stats().paths, RIB_PEER_MAX);
	cr_assert_eq(stats().attrsets, RIB_PEER_MAX, "next hops differ");
	rib_teardown();
}

Test(rib, memory_estimate_tracks_contents)
{
	struct tattrs x;
	struct prefix4 p;
	struct drained d;
	size_t empty, full;
	uint32_t i;

	rib_setup();
	empty = stats().mem;
	for (i = 0; i < 1000; i++) {
		p.addr = 0x0a000000u | i << 8;
		p.len = 24;
		rib_update(rib, pa, &p, tattrs(&x, 1, 1, 1221u));
	}
	full = stats().mem;
	cr_assert_gt(full, empty + 1000 * (sizeof(struct rib_entry) +
					   sizeof(struct rib_path)));
	rib_peer_flush(rib, pa);
	drain(&d);
	cr_assert_eq(stats().prefixes, 0);
	cr_assert_lt(stats().mem, full);
	rib_teardown();
}

Test(rib, multipath_set_is_the_paths_equal_before_the_bgp_identifier)
{
	struct prefix4 p = pfx("104.16.0.0/24");
	const struct rib_path *eq[4];
	struct tattrs x;
	struct bgp_attrs a;
	struct rib_entry *e;

	rib_setup();
	rib_update(rib, pa, &p, tattrs(&x, 1, 2, 1221u, 13335u));
	rib_update(rib, pb, &p, tattrs(&x, 2, 2, 7018u, 13335u));
	rib_update(rib, pc, &p, tattrs(&x, 3, 3, 1221u, 1u, 13335u));
	e = rib_lookup(rib, &p);
	cr_assert_eq(e->step, BGP_DECIDE_BGP_ID);
	cr_assert_eq(rib_entry_multipath(rib, e, eq, 4), 2);
	cr_assert_eq(eq[0], e->best);
	cr_assert(eq[1] == rib_entry_path(e, pa) || eq[1] == rib_entry_path(e, pb));
	cr_assert_neq(eq[1], eq[0]);
	/* A higher MED from pa's AS does not split pa from pb (different
	 * neighbour ASes: MED not compared), but a LOCAL_PREF does. */
	a = *tattrs(&x, 2, 2, 7018u, 13335u);
	a.present |= BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF);
	a.local_pref = 150;
	rib_update(rib, pb, &p, &a);
	cr_assert_eq(rib_entry_multipath(rib, e, eq, 4), 1);
	cr_assert_eq(eq[0], rib_entry_path(e, pb));
	/* An originated path stands alone. */
	cr_assert_eq(rib_originate(rib, &p, tattrs(&x, 0, 0)), 0);
	cr_assert_eq(rib_entry_multipath(rib, e, eq, 4), 1);
	cr_assert_eq(eq[0]->peer, RIB_PEER_LOCAL);
	rib_teardown();
}

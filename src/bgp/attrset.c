/*
 * Interned path attribute sets (see attrset.h): a chained hash table of
 * refcounted copies, doubling when the load passes 1 and halving when it
 * drops below 1/8, so lookups stay O(1) on average whether the table holds
 * ten sets or a full Internet table's worth.
 */
#include "bgp/attrset.h"
#include "bgp/aspath.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MIN_BUCKETS	64

/*
 * Scalars that only mean something when their attribute is present are
 * zeroed.  MP_REACH_NLRI / MP_UNREACH_NLRI describe the message, not the
 * path (attr.h): they are no part of a set and their pointers into the
 * message must not outlive it.
 */
static void normalise(struct bgp_attrs *n, const struct bgp_attrs *a)
{
	*n = *a;
	n->present &= ~(BGP_ATTR_BIT(BGP_ATTR_MP_REACH) |
			BGP_ATTR_BIT(BGP_ATTR_MP_UNREACH));
	n->mp_reach = NULL;
	n->mp_reach_len = 0;
	n->mp_nexthop = 0;
	n->mp_unreach = NULL;
	n->mp_unreach_len = 0;
	if (!(a->present & BGP_ATTR_BIT(BGP_ATTR_ORIGIN)))
		n->origin = 0;
	if (!(a->present & BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP)))
		n->nexthop = 0;
	if (!(a->present & BGP_ATTR_BIT(BGP_ATTR_MED)))
		n->med = 0;
	if (!(a->present & BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF)))
		n->local_pref = 0;
	if (!(a->present & BGP_ATTR_BIT(BGP_ATTR_AGGREGATOR))) {
		n->aggr_as = 0;
		n->aggr_addr = 0;
	}
	if (!n->aspath_len)
		n->aspath = NULL;
	if (!n->communities_len)
		n->communities = NULL;
	if (!n->unknown_len)
		n->unknown = NULL;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 31);
}

static uint64_t mix_bytes(uint64_t h, const uint8_t *p, size_t n)
{
	uint64_t w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = mix(h, w);
	}
	w = 0;
	if (n)
		memcpy(&w, p, n);
	/* The length goes in too, so trailing zero bytes still count. */
	return mix(h, w ^ (uint64_t)n << 56);
}

static uint32_t attrs_hash(const struct bgp_attrs *a)
{
	uint64_t h = 0x51ed270b27a3c5f1ull;

	h = mix(h, (uint64_t)a->present << 32 | a->origin);
	h = mix(h, (uint64_t)a->nexthop << 32 | a->med);
	h = mix(h, (uint64_t)a->local_pref << 32 | a->aggr_as);
	h = mix(h, (uint64_t)a->aggr_addr << 32 | a->aspath_len);
	h = mix(h, (uint64_t)a->communities_len << 32 | a->unknown_len);
	h = mix_bytes(h, a->aspath, a->aspath_len);
	h = mix_bytes(h, a->communities, a->communities_len);
	h = mix_bytes(h, a->unknown, a->unknown_len);
	/* Final avalanche: bucket indices come from the low bits. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return (uint32_t)h;
}

static bool bytes_eq(const uint8_t *a, const uint8_t *b, size_t n)
{
	return n == 0 || memcmp(a, b, n) == 0;
}

static bool attrs_eq(const struct bgp_attrs *x, const struct bgp_attrs *y)
{
	return x->present == y->present && x->origin == y->origin &&
	       x->nexthop == y->nexthop && x->med == y->med &&
	       x->local_pref == y->local_pref && x->aggr_as == y->aggr_as &&
	       x->aggr_addr == y->aggr_addr &&
	       x->aspath_len == y->aspath_len &&
	       x->communities_len == y->communities_len &&
	       x->unknown_len == y->unknown_len &&
	       bytes_eq(x->aspath, y->aspath, x->aspath_len) &&
	       bytes_eq(x->communities, y->communities, x->communities_len) &&
	       bytes_eq(x->unknown, y->unknown, x->unknown_len);
}

static size_t set_size(const struct bgp_attrs *a)
{
	return sizeof(struct bgp_attrset) + (size_t)a->aspath_len +
	       a->communities_len + a->unknown_len;
}

/* Rehash into n buckets; on allocation failure keep the old table. */
static void resize(struct attrset_table *t, size_t n)
{
	struct bgp_attrset **nb = calloc(n, sizeof(*nb));
	size_t i;

	if (!nb)
		return;
	for (i = 0; i <= t->mask; i++) {
		struct bgp_attrset *s = t->bucket[i], *next;

		for (; s; s = next) {
			next = s->next;
			s->next = nb[s->hash & (n - 1)];
			nb[s->hash & (n - 1)] = s;
		}
	}
	free(t->bucket);
	t->bucket = nb;
	t->mask = n - 1;
}

int attrset_table_init(struct attrset_table *t)
{
	t->bucket = calloc(MIN_BUCKETS, sizeof(*t->bucket));
	if (!t->bucket)
		return -ENOMEM;
	t->mask = MIN_BUCKETS - 1;
	t->count = 0;
	t->bytes = 0;
	return 0;
}

void attrset_table_fini(struct attrset_table *t)
{
	free(t->bucket);
	t->bucket = NULL;
	t->mask = 0;
}

static struct bgp_attrset *set_new(const struct bgp_attrs *n, uint32_t hash)
{
	struct bgp_attrset *s = malloc(set_size(n));
	uint8_t *d;

	if (!s)
		return NULL;
	s->next = NULL;
	s->hash = hash;
	s->refs = 1;
	s->attrs = *n;
	d = s->data;
	if (n->aspath_len) {
		memcpy(d, n->aspath, n->aspath_len);
		s->attrs.aspath = d;
		d += n->aspath_len;
	}
	if (n->communities_len) {
		memcpy(d, n->communities, n->communities_len);
		s->attrs.communities = d;
		d += n->communities_len;
	}
	if (n->unknown_len) {
		memcpy(d, n->unknown, n->unknown_len);
		s->attrs.unknown = d;
	}
	s->aspath_count = aspath_count(s->attrs.aspath, s->attrs.aspath_len);
	s->first_as = aspath_first_as(s->attrs.aspath, s->attrs.aspath_len);
	return s;
}

int attrset_intern(struct attrset_table *t, const struct bgp_attrs *a,
		   struct bgp_attrset **out)
{
	struct bgp_attrs n;
	struct bgp_attrset *s, **head;
	uint32_t hash;

	normalise(&n, a);
	hash = attrs_hash(&n);
	head = &t->bucket[hash & t->mask];
	for (s = *head; s; s = s->next) {
		if (s->hash == hash && attrs_eq(&s->attrs, &n)) {
			*out = attrset_ref(s);
			return 0;
		}
	}
	s = set_new(&n, hash);
	if (!s)
		return -ENOMEM;
	s->next = *head;
	*head = s;
	t->count++;
	t->bytes += set_size(&n);
	if (t->count > t->mask + 1)
		resize(t, (t->mask + 1) * 2);
	*out = s;
	return 0;
}

void attrset_unref(struct attrset_table *t, struct bgp_attrset *s)
{
	struct bgp_attrset **pp;

	if (--s->refs)
		return;
	for (pp = &t->bucket[s->hash & t->mask]; *pp != s; pp = &(*pp)->next)
		;
	*pp = s->next;
	t->count--;
	t->bytes -= set_size(&s->attrs);
	free(s);
	if (t->mask + 1 > MIN_BUCKETS && t->count < (t->mask + 1) / 8)
		resize(t, (t->mask + 1) / 2);
}

size_t attrset_table_mem(const struct attrset_table *t)
{
	return (t->mask + 1) * sizeof(*t->bucket) + t->bytes;
}

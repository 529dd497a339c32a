/*
 * Interned path attribute sets.
 *
 * Most routes in a table share their attributes with many others (every
 * prefix of one origin AS seen through one neighbour), so the RIB stores
 * each distinct struct bgp_attrs once: a refcounted, immutable copy whose
 * variable parts (AS_PATH, COMMUNITIES, unknown transitive attributes)
 * live in the same allocation, found again through a hash table keyed by
 * content.  Paths then compare attributes by pointer.
 *
 * Interning normalises what is not present: a scalar whose bit is clear in
 * bgp_attrs.present is stored as 0, so stray values in a decoder's view do
 * not split sets.  Values the decision process needs per path are computed
 * once here (RFC 4271 §9.1.2.2).
 */
#ifndef ANYCASTLAB_BGP_ATTRSET_H
#define ANYCASTLAB_BGP_ATTRSET_H

#include <stddef.h>
#include <stdint.h>

#include "bgp/attr.h"

/* Read-only outside attrset.c. */
struct bgp_attrset {
	struct bgp_attrset *next;	/* hash chain */
	uint32_t hash;
	uint32_t refs;
	uint32_t aspath_count;		/* aspath_count(): decision length */
	uint32_t first_as;		/* aspath_first_as(): 0 if none */
	struct bgp_attrs attrs;		/* variable parts point into data */
	uint8_t data[];
};

struct attrset_table {
	struct bgp_attrset **bucket;
	size_t mask;			/* bucket count - 1 (a power of two) */
	size_t count;			/* live sets */
	size_t bytes;			/* of the live sets, headers included */
};

int attrset_table_init(struct attrset_table *t);
/* Frees the table; every set must have been released (count == 0). */
void attrset_table_fini(struct attrset_table *t);

/*
 * The set equal to *a, with one reference taken for the caller: an existing
 * one, or a new copy.  Returns 0 or -ENOMEM.
 */
int attrset_intern(struct attrset_table *t, const struct bgp_attrs *a,
		   struct bgp_attrset **out);

static inline struct bgp_attrset *attrset_ref(struct bgp_attrset *s)
{
	s->refs++;
	return s;
}

/* Drop a reference; the last one frees the set. */
void attrset_unref(struct attrset_table *t, struct bgp_attrset *s);

/* Bytes held by the table: buckets plus live sets. */
size_t attrset_table_mem(const struct attrset_table *t);

#endif

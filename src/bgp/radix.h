/*
 * A path-compressed binary trie (PATRICIA) over IPv4 prefixes.
 *
 * The tree is intrusive: the caller embeds a struct radix_node in its own
 * record (the RIB's per-prefix entry), so a prefix costs one allocation.
 * Where two prefixes diverge the tree adds a glue node of its own; glue
 * nodes always have two children, so there are fewer glue nodes than
 * prefixes.  The tree keeps spare glue nodes so that glue plus spares
 * never number fewer than prefixes, which makes deletion unable to fail:
 * removing a prefix that has two children needs a glue node to stand in
 * for it.
 *
 * The first 16 bits are level-compressed: prefixes of /16 and longer live
 * in one of 65536 subtrees picked by those bits (the array is allocated
 * on first use), shorter ones in a tree of their own.  In a full table an
 * insertion or deletion then visits about five nodes instead of twenty,
 * and with a large table each visit is likely a cache miss.
 *
 * Every operation follows one root-to-leaf path, at most 33 nodes (one per
 * prefix length), and nothing recurses.  Walks visit prefixes in
 * (address, length) order: 10.0.0.0/8, 10.0.0.0/16, 10.1.0.0/16, 11.0.0.0/8.
 */
#ifndef ANYCASTLAB_BGP_RADIX_H
#define ANYCASTLAB_BGP_RADIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/ip.h"

struct radix_node {
	struct radix_node *child[2];
	uint32_t addr;			/* host order, host bits zero */
	uint8_t len;
	uint8_t glue;			/* owned by the tree, holds no prefix */
};

#define RADIX_TOP_BITS	16

struct radix_tree {
	struct radix_node *root;	/* prefixes shorter than /16 */
	struct radix_node **top;	/* the rest, by their first 16 bits */
	size_t count;			/* prefixes (non-glue nodes) */
	size_t glue;			/* glue nodes in the tree */
	size_t spare;			/* reserved glue nodes, on free */
	struct radix_node *free;	/* linked through child[0] */
};

static inline struct prefix4 radix_prefix(const struct radix_node *n)
{
	return (struct prefix4){ .addr = n->addr, .len = n->len };
}

void radix_init(struct radix_tree *t);

/*
 * Empty the tree: fn (if not NULL) is called once for each prefix node,
 * which it may free; glue nodes and the reserve are released.
 */
void radix_clear(struct radix_tree *t, void (*fn)(struct radix_node *n,
						   void *ctx), void *ctx);

/* The node holding exactly p, or NULL. */
struct radix_node *radix_lookup(const struct radix_tree *t,
				const struct prefix4 *p);

/*
 * Link n, whose addr and len the caller has set (host bits zero), into the
 * tree.  Returns 0, -EEXIST when the prefix is already held, -EINVAL
 * when host bits are set or len > 32, or -ENOMEM; on error the tree is
 * unchanged.
 */
int radix_insert(struct radix_tree *t, struct radix_node *n);

/* Unlink n, which must be in the tree.  Cannot fail. */
void radix_delete(struct radix_tree *t, struct radix_node *n);

/*
 * Longest-prefix match: the most specific node containing addr for which
 * accept (if not NULL) returns true, or NULL.
 */
struct radix_node *radix_match(const struct radix_tree *t, uint32_t addr,
			       bool (*accept)(const struct radix_node *n,
					      void *ctx),
			       void *ctx);

/*
 * Visit every prefix node in order.  fn returning nonzero stops the walk
 * and is returned.  fn may radix_delete() the node it is given, and nothing
 * else: any other insertion or deletion during the walk is undefined.
 */
int radix_walk(struct radix_tree *t,
	       int (*fn)(struct radix_node *n, void *ctx), void *ctx);

/* Bytes held by the tree itself (glue nodes, reserve, the top array);
 * prefix nodes are the caller's. */
size_t radix_mem(const struct radix_tree *t);

#endif

/*
 * PATRICIA trie over IPv4 prefixes (see radix.h).  A node's children
 * extend its prefix by at least one bit: child[b] holds the prefixes whose
 * bit number len (counting from the most significant, 0) is b.  Every
 * operation first picks its subtree: the short-prefix tree, or one slot of
 * the top array; within a slot every node, glue included, is /16 or longer
 * because its prefixes share their first 16 bits.
 */
#include "bgp/radix.h"

#include <errno.h>
#include <stdlib.h>

#define TOP_SIZE	((size_t)1 << RADIX_TOP_BITS)

/* Deepest possible path is 33 nodes; a pre-order stack holds at most one
 * pending sibling per level plus the two children just pushed. */
#define WALK_STACK	40

static unsigned bit(uint32_t addr, unsigned i)
{
	return addr >> (31 - i) & 1;
}

static bool node_covers(const struct radix_node *n, uint32_t addr,
			unsigned len)
{
	return n->len <= len && (addr & prefix4_mask(n->len)) == n->addr;
}

/* The subtree a prefix belongs in. */
static struct radix_node *subtree(const struct radix_tree *t, uint32_t addr,
				  unsigned len)
{
	if (len < RADIX_TOP_BITS)
		return t->root;
	return t->top ? t->top[addr >> (32 - RADIX_TOP_BITS)] : NULL;
}

/* The link to that subtree; NULL if the top array does not exist. */
static struct radix_node **subtree_link(struct radix_tree *t, uint32_t addr,
					unsigned len)
{
	if (len < RADIX_TOP_BITS)
		return &t->root;
	return t->top ? &t->top[addr >> (32 - RADIX_TOP_BITS)] : NULL;
}

void radix_init(struct radix_tree *t)
{
	t->root = NULL;
	t->top = NULL;
	t->count = 0;
	t->glue = 0;
	t->spare = 0;
	t->free = NULL;
}

static struct radix_node *glue_get(struct radix_tree *t)
{
	struct radix_node *g = t->free;

	t->free = g->child[0];
	t->spare--;
	t->glue++;
	return g;
}

static void glue_put(struct radix_tree *t, struct radix_node *g)
{
	g->child[0] = t->free;
	t->free = g;
	t->spare++;
	t->glue--;
}

/*
 * Keep glue + spare >= prefixes: a tree of n prefixes has at most n - 1
 * glue nodes, so a deletion (which can add one) always finds a spare.
 */
static int glue_reserve(struct radix_tree *t, size_t prefixes)
{
	while (t->glue + t->spare < prefixes) {
		struct radix_node *g = malloc(sizeof(*g));

		if (!g)
			return -ENOMEM;
		g->child[0] = t->free;
		t->free = g;
		t->spare++;
	}
	return 0;
}

static void glue_trim(struct radix_tree *t)
{
	while (t->spare && t->glue + t->spare > t->count) {
		struct radix_node *g = t->free;

		t->free = g->child[0];
		t->spare--;
		free(g);
	}
}

struct radix_node *radix_lookup(const struct radix_tree *t,
				const struct prefix4 *p)
{
	struct radix_node *n = subtree(t, p->addr, p->len);

	while (n && node_covers(n, p->addr, p->len)) {
		if (n->len == p->len)
			return n->glue ? NULL : n;
		n = n->child[bit(p->addr, n->len)];
	}
	return NULL;
}

int radix_insert(struct radix_tree *t, struct radix_node *x)
{
	struct radix_node **link, *n, *g;
	unsigned c;
	uint32_t d;

	if (x->len > 32 || (x->addr & ~prefix4_mask(x->len)))
		return -EINVAL;
	if (x->len >= RADIX_TOP_BITS && !t->top) {
		/* calloc'd pages stay unbacked until a slot is written, so a
		 * small table pays for a few pages, not the whole array. */
		t->top = calloc(TOP_SIZE, sizeof(*t->top));
		if (!t->top)
			return -ENOMEM;
	}
	if (glue_reserve(t, t->count + 1) < 0)
		return -ENOMEM;
	link = subtree_link(t, x->addr, x->len);
	while ((n = *link) && node_covers(n, x->addr, x->len)) {
		if (n->len == x->len) {
			if (!n->glue)
				return -EEXIST;
			/* A branch point becomes a prefix: x replaces it. */
			x->glue = 0;
			x->child[0] = n->child[0];
			x->child[1] = n->child[1];
			*link = x;
			glue_put(t, n);
			t->count++;
			return 0;
		}
		link = &n->child[bit(x->addr, n->len)];
	}
	x->child[0] = x->child[1] = NULL;
	x->glue = 0;
	if (n) {
		/* n is not above x: x is above n, or they part at bit c. */
		d = x->addr ^ n->addr;
		c = d ? (unsigned)__builtin_clz(d) : 32;
		if (c > x->len)
			c = x->len;
		if (c > n->len)
			c = n->len;
		if (c == x->len) {
			x->child[bit(n->addr, c)] = n;
			*link = x;
		} else {
			g = glue_get(t);
			g->addr = x->addr & prefix4_mask(c);
			g->len = (uint8_t)c;
			g->glue = 1;
			g->child[bit(x->addr, c)] = x;
			g->child[bit(n->addr, c)] = n;
			*link = g;
		}
	} else {
		*link = x;
	}
	t->count++;
	return 0;
}

void radix_delete(struct radix_tree *t, struct radix_node *x)
{
	struct radix_node **link, **plink = NULL, *n, *c;

	link = subtree_link(t, x->addr, x->len);
	while ((n = *link) != x) {
		plink = link;
		link = &n->child[bit(x->addr, n->len)];
	}
	if (x->child[0] && x->child[1]) {
		/* Still a branch point: a glue node stands in. */
		n = glue_get(t);
		n->child[0] = x->child[0];
		n->child[1] = x->child[1];
		n->addr = x->addr;
		n->len = x->len;
		n->glue = 1;
		*link = n;
	} else {
		c = x->child[0] ? x->child[0] : x->child[1];
		*link = c;
		/* A glue parent left with one child has no reason to exist. */
		if (!c && plink && (*plink)->glue) {
			n = *plink;
			*plink = n->child[0] ? n->child[0] : n->child[1];
			glue_put(t, n);
		}
	}
	x->child[0] = x->child[1] = NULL;
	t->count--;
	glue_trim(t);
}

static struct radix_node *match_in(struct radix_node *n, uint32_t addr,
				   bool (*accept)(const struct radix_node *n,
						  void *ctx),
				   void *ctx)
{
	struct radix_node *best = NULL;

	while (n && node_covers(n, addr, 32)) {
		if (!n->glue && (!accept || accept(n, ctx)))
			best = n;
		if (n->len == 32)
			break;
		n = n->child[bit(addr, n->len)];
	}
	return best;
}

struct radix_node *radix_match(const struct radix_tree *t, uint32_t addr,
			       bool (*accept)(const struct radix_node *n,
					      void *ctx),
			       void *ctx)
{
	struct radix_node *n = NULL;

	/* Anything found in the slot is longer than anything in the
	 * short-prefix tree. */
	if (t->top)
		n = match_in(t->top[addr >> (32 - RADIX_TOP_BITS)], addr,
			     accept, ctx);
	return n ? n : match_in(t->root, addr, accept, ctx);
}

/*
 * Pre-order iteration of one subtree with an explicit stack.  A node's
 * children are pushed before the node is returned, so the caller may
 * delete the node it holds.
 */
struct iter {
	struct radix_node *stack[WALK_STACK];
	size_t sp;
};

static void iter_push(struct iter *it, struct radix_node *n)
{
	if (n)
		it->stack[it->sp++] = n;
}

static struct radix_node *iter_next(struct iter *it)
{
	struct radix_node *n;

	while (it->sp) {
		n = it->stack[--it->sp];
		iter_push(it, n->child[1]);
		iter_push(it, n->child[0]);
		if (!n->glue)
			return n;
	}
	return NULL;
}

/* The next prefix of the top array, moving on through the slots. */
static struct radix_node *top_next(const struct radix_tree *t,
				   struct iter *it, size_t *slot)
{
	struct radix_node *n;

	while (!(n = iter_next(it)) && t->top && *slot < TOP_SIZE)
		iter_push(it, t->top[(*slot)++]);
	return n;
}

static bool before(const struct radix_node *a, const struct radix_node *b)
{
	return a->addr < b->addr || (a->addr == b->addr && a->len < b->len);
}

int radix_walk(struct radix_tree *t,
	       int (*fn)(struct radix_node *n, void *ctx), void *ctx)
{
	struct iter s = { .sp = 0 }, l = { .sp = 0 };
	struct radix_node *sn, *ln;
	size_t slot = 0;
	int r;

	/* Merge the two ordered streams: short prefixes and the slots. */
	iter_push(&s, t->root);
	sn = iter_next(&s);
	ln = top_next(t, &l, &slot);
	while (sn || ln) {
		if (sn && (!ln || before(sn, ln))) {
			if ((r = fn(sn, ctx)))
				return r;
			sn = iter_next(&s);
		} else {
			if ((r = fn(ln, ctx)))
				return r;
			ln = top_next(t, &l, &slot);
		}
	}
	return 0;
}

static void clear_subtree(struct radix_node *root,
			  void (*fn)(struct radix_node *n, void *ctx),
			  void *ctx)
{
	struct radix_node *stack[WALK_STACK], *n;
	size_t sp = 0;

	if (root)
		stack[sp++] = root;
	while (sp) {
		n = stack[--sp];
		if (n->child[1])
			stack[sp++] = n->child[1];
		if (n->child[0])
			stack[sp++] = n->child[0];
		if (n->glue)
			free(n);
		else if (fn)
			fn(n, ctx);
	}
}

void radix_clear(struct radix_tree *t, void (*fn)(struct radix_node *n,
						   void *ctx), void *ctx)
{
	struct radix_node *n;
	size_t i;

	clear_subtree(t->root, fn, ctx);
	for (i = 0; t->top && i < TOP_SIZE; i++)
		clear_subtree(t->top[i], fn, ctx);
	free(t->top);
	while (t->free) {
		n = t->free;
		t->free = n->child[0];
		free(n);
	}
	radix_init(t);
}

size_t radix_mem(const struct radix_tree *t)
{
	return (t->glue + t->spare) * sizeof(struct radix_node) +
	       (t->top ? TOP_SIZE * sizeof(*t->top) : 0);
}

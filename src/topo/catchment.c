/*
 * Catchment prediction: which POP each node's packets to the anycast
 * address reach, from the topology alone.  It models what the routers do
 * with RFC 4271 path vectors when the only attribute that differs is the
 * AS_PATH length (§9.1.2.2 a): every POP originates the prefix and prefers
 * its own route over anything learnt, so it never carries another POP's
 * route onward; an ISP d hops from the nearest POP sees a path of d ASes
 * (the ISPs after it, then the POP's AS).  AS loop prevention never changes
 * a shortest path here, because ISPs have ASes of their own and a shortest
 * path never passes an ISP twice.
 *
 * So it is a breadth-first search from the POPs over ISP-to-ISP links.
 * Where BGP would break a tie between equally short paths to different
 * POPs by router id, this says TOPO_CATCH_TIE: a lab meant to show
 * catchment should not depend on that.  A tie is inherited: an ISP whose
 * shortest paths run through a tied neighbour is tied too.  For a tie,
 * topo_catchment_tie then says how the routers settle it: by the lowest
 * router id of the neighbours offering an equally short path (RFC 4271
 * §9.1.2.2 f), hop by hop from the POPs outward.
 */
#include "topo/topo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define UNSET	(-3L)

/* Two shortest paths meet: the same POP stays, different POPs tie. */
static long merge(long have, long add)
{
	if (have == UNSET)
		return add;
	return have == add ? have : TOPO_CATCH_TIE;
}

static bool is_isp(const struct topo *t, size_t i)
{
	return t->nodes[i].kind == TOPO_KIND_ISP;
}

/* The search; dist (t->nnodes entries) gets each ISP's AS hops to its
 * nearest POP, TOPO_NONE when it has none. */
static int catchment(const struct topo *t, long down_pop, long *user_pop,
		     size_t *dist)
{
	size_t *adj_off, *adj, *queue, head = 0, tail = 0, i;
	int err = 0;

	if (down_pop < -1 || (down_pop >= 0 &&
	    ((size_t)down_pop >= t->nnodes ||
	     t->nodes[down_pop].kind != TOPO_KIND_POP)))
		return -EINVAL;
	for (i = 0; i < t->nlinks; i++)
		if (t->links[i].a >= t->nnodes || t->links[i].b >= t->nnodes)
			return -EINVAL;
	adj_off = calloc(t->nnodes + 1, sizeof(*adj_off));
	adj = calloc(2 * t->nlinks + 1, sizeof(*adj));
	queue = calloc(t->nnodes + 1, sizeof(*queue));
	if (!adj_off || !adj || !queue) {
		err = -ENOMEM;
		goto out;
	}

	/* Neighbours of each node, in link order (adj_off[i]..adj_off[i+1]). */
	for (i = 0; i < t->nlinks; i++) {
		adj_off[t->links[i].a + 1]++;
		adj_off[t->links[i].b + 1]++;
	}
	for (i = 0; i < t->nnodes; i++)
		adj_off[i + 1] += adj_off[i];
	for (i = 0; i < t->nlinks; i++) {
		adj[adj_off[t->links[i].a]++] = t->links[i].b;
		adj[adj_off[t->links[i].b]++] = t->links[i].a;
	}
	for (i = t->nnodes; i > 0; i--)
		adj_off[i] = adj_off[i - 1];
	adj_off[0] = 0;

	for (i = 0; i < t->nnodes; i++) {
		user_pop[i] = UNSET;
		dist[i] = TOPO_NONE;
	}
	/* Hop 1: ISPs next to a POP that is up. */
	for (i = 0; i < t->nnodes; i++) {
		size_t k;

		if (t->nodes[i].kind != TOPO_KIND_POP || (long)i == down_pop)
			continue;
		user_pop[i] = (long)i;
		for (k = adj_off[i]; k < adj_off[i + 1]; k++) {
			size_t v = adj[k];

			if (!is_isp(t, v))
				continue;
			if (dist[v] == TOPO_NONE) {
				dist[v] = 1;
				queue[tail++] = v;
			}
			user_pop[v] = merge(user_pop[v], (long)i);
		}
	}
	/* FIFO order finishes every ISP at hop d before any at hop d + 1
	 * passes its POP on, so ties are complete when they propagate. */
	while (head < tail) {
		size_t u = queue[head++], k;

		for (k = adj_off[u]; k < adj_off[u + 1]; k++) {
			size_t v = adj[k];

			if (!is_isp(t, v))
				continue;
			if (dist[v] == TOPO_NONE) {
				dist[v] = dist[u] + 1;
				queue[tail++] = v;
				user_pop[v] = user_pop[u];
			} else if (dist[v] == dist[u] + 1) {
				user_pop[v] = merge(user_pop[v], user_pop[u]);
			}
		}
	}
	/* Users follow their ISP (the first one, should there be more). */
	for (i = 0; i < t->nnodes; i++) {
		size_t k;

		if (t->nodes[i].kind != TOPO_KIND_USER)
			continue;
		for (k = adj_off[i]; k < adj_off[i + 1]; k++) {
			if (is_isp(t, adj[k])) {
				user_pop[i] = user_pop[adj[k]];
				break;
			}
		}
	}
	for (i = 0; i < t->nnodes; i++)
		if (user_pop[i] == UNSET)
			user_pop[i] = TOPO_CATCH_UNREACHABLE;
out:
	free(adj_off);
	free(adj);
	free(queue);
	return err;
}

int topo_catchment(const struct topo *t, long down_pop, long *user_pop)
{
	size_t *dist = calloc(t->nnodes + 1, sizeof(*dist));
	int err;

	if (!dist)
		return -ENOMEM;
	err = catchment(t, down_pop, user_pop, dist);
	free(dist);
	return err;
}

/*
 * From node cur, the link one AS hop nearer to pop: to pop itself when cur
 * is next to it, else to an ISP that reaches pop one hop sooner.  Where
 * several do, BGP would pick by router id; the first link in the file is
 * drawn.  NULL when there is none (cannot happen on a search result).
 */
static const struct topo_link *step(const struct topo *t, const long *user_pop,
				    const size_t *dist, size_t cur, long pop)
{
	size_t k;

	for (k = 0; k < t->nlinks; k++) {
		const struct topo_link *l = &t->links[k];
		size_t v;

		if (l->a != cur && l->b != cur)
			continue;
		v = topo_link_peer(l, cur);
		if ((long)v == pop && dist[cur] == 1)
			return l;
		if (is_isp(t, v) && user_pop[v] == pop && dist[v] != TOPO_NONE &&
		    dist[v] + 1 == dist[cur])
			return l;
	}
	return NULL;
}

int topo_catchment_paths(const struct topo *t, long down_pop, long *user_pop,
			 long *link_pop)
{
	size_t *dist = calloc(t->nnodes + 1, sizeof(*dist)), i, k;
	int err;

	if (!dist)
		return -ENOMEM;
	err = catchment(t, down_pop, user_pop, dist);
	for (k = 0; k < t->nlinks; k++)
		link_pop[k] = -1;
	for (i = 0; !err && i < t->nnodes; i++) {
		const struct topo_link *l;
		long pop = user_pop[i];
		size_t cur = i, hops = 0;

		if (t->nodes[i].kind != TOPO_KIND_USER || pop < 0)
			continue;
		/* The user's link to its ISP, then hop by hop to the POP. */
		for (k = 0; k < t->nlinks; k++) {
			l = &t->links[k];
			if ((l->a == i || l->b == i) &&
			    is_isp(t, topo_link_peer(l, i)))
				break;
		}
		if (k == t->nlinks)
			continue;
		for (l = &t->links[k]; l && hops++ <= t->nnodes;
		     l = step(t, user_pop, dist, cur, pop)) {
			if (link_pop[l - t->links] < 0)
				link_pop[l - t->links] = pop;
			cur = topo_link_peer(l, cur);
			if ((long)cur == pop)
				break;
		}
	}
	free(dist);
	return err;
}

/* The POP a neighbour v of ISP u (dist d) offers on a shortest path, or
 * -1 when v offers none: a POP that is up, next to a hop-1 ISP; an ISP
 * one hop nearer, with the POP it picked. */
static long offer(const struct topo *t, const size_t *dist, const long *win,
		  long down_pop, size_t u, size_t v)
{
	if (dist[u] == 1)
		return t->nodes[v].kind == TOPO_KIND_POP && (long)v != down_pop ?
		       (long)v : -1;
	if (is_isp(t, v) && dist[v] != TOPO_NONE && dist[v] + 1 == dist[u])
		return win[v];
	return -1;
}

int topo_catchment_tie(const struct topo *t, long down_pop, size_t user,
		       struct topo_tie *x)
{
	size_t n = t->nnodes, *dist, *via, *queue, i, k, d, maxd = 0;
	size_t head = 0, tail = 0;
	long *pop, *win;
	bool *seen, *tied;
	int err;

	if (user >= n)
		return -EINVAL;
	pop = calloc(n + 1, sizeof(*pop));
	win = calloc(n + 1, sizeof(*win));
	dist = calloc(n + 1, sizeof(*dist));
	via = calloc(n + 1, sizeof(*via));
	queue = calloc(n + 1, sizeof(*queue));
	seen = calloc(n + 1, sizeof(*seen));
	tied = calloc(n + 1, sizeof(*tied));
	if (!pop || !win || !dist || !via || !queue || !seen || !tied) {
		err = -ENOMEM;
		goto out;
	}
	err = catchment(t, down_pop, pop, dist);
	if (err)
		goto out;
	if (t->nodes[user].kind != TOPO_KIND_USER || pop[user] != TOPO_CATCH_TIE) {
		err = -EINVAL;
		goto out;
	}
	memset(x, 0, sizeof(*x));
	/* The user's ISP: its first, as the search takes it. */
	x->isp = TOPO_NONE;
	for (k = 0; k < t->nlinks && x->isp == TOPO_NONE; k++) {
		const struct topo_link *l = &t->links[k];

		if ((l->a == user || l->b == user) &&
		    is_isp(t, topo_link_peer(l, user)))
			x->isp = topo_link_peer(l, user);
	}
	if (x->isp == TOPO_NONE || dist[x->isp] == TOPO_NONE) {
		err = -EINVAL;
		goto out;
	}
	x->hops = dist[x->isp];

	/* Each ISP's pick, nearest ISPs first: a neighbour's pick is final
	 * before anyone one hop further out looks at it. */
	for (i = 0; i < n; i++) {
		win[i] = -1;
		via[i] = TOPO_NONE;
		if (is_isp(t, i) && dist[i] != TOPO_NONE && dist[i] > maxd)
			maxd = dist[i];
	}
	for (d = 1; d <= maxd; d++) {
		for (k = 0; k < t->nlinks; k++) {
			const struct topo_link *l = &t->links[k];
			size_t e;

			for (e = 0; e < 2; e++) {
				size_t u = e ? l->b : l->a, v = e ? l->a : l->b;
				long o;

				if (!is_isp(t, u) || dist[u] != d)
					continue;
				o = offer(t, dist, win, down_pop, u, v);
				if (o < 0 || (via[u] != TOPO_NONE &&
				    t->nodes[v].router_id >= t->nodes[via[u]].router_id))
					continue;
				via[u] = v;
				win[u] = o;
			}
		}
	}
	x->winner = win[x->isp];

	/* Walk the shortest paths from the user's ISP, breadth first: the
	 * POPs at their ends tie; the nearest router whose neighbours offer
	 * different POPs is the one whose choice settles it. */
	x->decider = TOPO_NONE;
	queue[tail++] = x->isp;
	seen[x->isp] = true;
	while (head < tail) {
		size_t u = queue[head++];
		long first = -2;
		bool split = false;

		for (k = 0; k < t->nlinks; k++) {
			const struct topo_link *l = &t->links[k];
			size_t v;
			long o;

			if (l->a != u && l->b != u)
				continue;
			v = topo_link_peer(l, u);
			o = offer(t, dist, win, down_pop, u, v);
			if (o < 0)
				continue;
			split |= first != -2 && o != first;
			if (first == -2)
				first = o;
			if (dist[u] == 1)
				tied[v] = true;
			else if (!seen[v]) {
				seen[v] = true;
				queue[tail++] = v;
			}
		}
		if (split && x->decider == TOPO_NONE) {
			x->decider = u;
			x->chosen = via[u];
		}
	}
	if (x->decider == TOPO_NONE) {
		x->decider = x->isp;
		x->chosen = via[x->isp];
	}
	for (i = 0; i < n; i++) {
		if (!tied[i])
			continue;
		if (x->npops < TOPO_TIE_POPS)
			x->pops[x->npops] = (long)i;
		x->npops++;
	}
out:
	free(pop);
	free(win);
	free(dist);
	free(via);
	free(queue);
	free(seen);
	free(tied);
	return err;
}

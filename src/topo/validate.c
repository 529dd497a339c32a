/*
 * The checks that span a topology: whether the anycast address and the
 * address pools fit together and hold the lab, which AS numbers nodes may
 * share, and who may link to whom.  The lab runs eBGP only (each session
 * crosses an AS boundary), POPs all originate the anycast prefix, and a
 * user is a host behind exactly one ISP.
 *
 * The loader has already judged each value on its own.  What it rejected
 * is marked (has_kind false, asn 0, TOPO_NONE link ends, t->bad) and left
 * alone here, so one mistake is reported once.
 */
#include "dns/zone.h"
#include "topo/topo.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct checker {
	const struct topo *t;
	struct topo_diags *d;
	int err;			/* -ENOMEM, latched */
};

static void report(struct checker *c, struct topo_pos pos, const char *fmt,
		   ...) __attribute__((format(printf, 3, 4)));

static void report(struct checker *c, struct topo_pos pos, const char *fmt, ...)
{
	char msg[sizeof(((struct topo_diag *)0)->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (topo_diag_add(c->d, pos, "%s", msg) < 0)
		c->err = -ENOMEM;
}

static bool is_kind(const struct topo_node *n, enum topo_kind k)
{
	return n->has_kind && n->kind == k;
}

static bool is_router(const struct topo_node *n)
{
	return n->has_kind && n->kind != TOPO_KIND_USER;
}

/* Smallest m with 2^m >= n. */
static unsigned log2_ceil(uint64_t n)
{
	unsigned m = 0;

	while (m < 64 && (1ull << m) < n)
		m++;
	return m;
}

static void check_anycast(struct checker *c)
{
	const struct topo *t = c->t;
	char a[IP4_STRLEN], p[PREFIX4_STRLEN], e[IP4_STRLEN];
	uint32_t example;

	if (t->bad & (TOPO_BAD_ANYCAST_PREFIX | TOPO_BAD_ANYCAST_ADDR))
		return;
	if (prefix4_contains(&t->anycast_prefix, t->anycast_addr))
		return;
	example = t->anycast_prefix.addr + (t->anycast_prefix.len < 32);
	ip4_str(t->anycast_addr, a);
	prefix4_str(&t->anycast_prefix, p);
	ip4_str(example, e);
	if (t->anycast_addr_pos.line)
		report(c, t->anycast_addr_pos, "anycast: address %s is outside prefix %s; use an address in it, e.g. %s",
		       a, p, e);
	else
		report(c, t->anycast_prefix_pos, "anycast: the default address %s is outside prefix %s; set 'address', e.g. %s",
		       a, p, e);
}

static void dns_bad(void *ctx, size_t i, const char *why)
{
	struct checker *c = ctx;
	const struct topo_dns *d = &c->t->dns;

	if (i < d->nrecords)
		report(c, d->records[i].pos, "dns: record %u: %s",
		       d->records[i].nth, why);
	else
		report(c, d->zone_pos.line ? d->zone_pos : d->pos, "dns: %s",
		       why);
}

/* The dns: block makes a zone a POP can serve: build it as a POP would. */
static void check_dns(struct checker *c)
{
	const struct topo *t = c->t;
	const struct topo_dns *d = &t->dns;
	struct dns_zone *z;

	if (d->off || (t->bad & TOPO_BAD_ANYCAST_ADDR))
		return;
	if (d->rate && !d->burst)
		report(c, d->pos, "dns: burst 0 with a rate limit answers nobody; use a burst of at least 1, or rate-limit: 0");
	z = topo_dns_zone(t, dns_bad, c);
	if (!z && errno == ENOMEM)
		c->err = -ENOMEM;
	dns_zone_free(z);
}

struct range {
	const char *ctx, *name;
	const struct prefix4 *p;
	struct topo_pos pos;
	unsigned bad;
};

static int pos_cmp(struct topo_pos a, struct topo_pos b)
{
	if (a.line != b.line)
		return a.line < b.line ? -1 : 1;
	return a.col < b.col ? -1 : a.col > b.col;
}

static void check_overlaps(struct checker *c)
{
	const struct topo *t = c->t;
	const struct range r[3] = {
		{ "addressing: ", "links pool", &t->link_pool,
		  t->link_pool_pos, TOPO_BAD_LINK_POOL },
		{ "addressing: ", "loopbacks pool", &t->loopback_pool,
		  t->loopback_pool_pos, TOPO_BAD_LOOPBACK_POOL },
		{ "anycast: ", "prefix", &t->anycast_prefix,
		  t->anycast_prefix_pos, TOPO_BAD_ANYCAST_PREFIX },
	};
	static const char *const other_name[3] = {
		"the links pool", "the loopbacks pool", "the anycast prefix",
	};
	size_t i, j;

	for (i = 0; i < 3; i++) {
		for (j = i + 1; j < 3; j++) {
			const struct range *x = &r[i], *y = &r[j], *s;
			size_t si, oi;
			char a[PREFIX4_STRLEN], b[PREFIX4_STRLEN];

			if ((t->bad & (x->bad | y->bad)) ||
			    !prefix4_overlaps(x->p, y->p))
				continue;
			/* Blame the one written later: the other was there
			 * first.  A default is never to blame. */
			if (!y->pos.line || (x->pos.line &&
			    pos_cmp(x->pos, y->pos) > 0)) {
				si = i;
				oi = j;
			} else {
				si = j;
				oi = i;
			}
			s = &r[si];
			report(c, s->pos, "%s%s %s overlaps %s %s%s; links, loopbacks and anycast must not overlap",
			       s->ctx, s->name, prefix4_str(s->p, a),
			       other_name[oi], prefix4_str(r[oi].p, b),
			       r[oi].pos.line ? "" : " (the default)");
		}
	}
}

static void check_pool_sizes(struct checker *c, size_t routers)
{
	const struct topo *t = c->t;
	uint64_t cap;
	char p[PREFIX4_STRLEN];

	/* One /31 per link. */
	cap = t->link_pool.len <= 31 ? 1ull << (31 - t->link_pool.len) : 0;
	if (!(t->bad & TOPO_BAD_LINK_POOL) && t->nlinks > cap) {
		unsigned len = 31 - log2_ceil(t->nlinks);

		prefix4_str(&t->link_pool, p);
		if (t->link_pool_pos.line)
			report(c, t->link_pool_pos, "addressing: links pool %s holds %llu link%s (a /31 each) but the lab has %zu; use a /%u or larger",
			       p, (unsigned long long)cap, cap == 1 ? "" : "s",
			       t->nlinks, len);
		else
			report(c, t->links_pos, "the default links pool %s holds %llu links (a /31 each) but the lab has %zu; set addressing: links: to a /%u or larger",
			       p, (unsigned long long)cap, t->nlinks, len);
	}

	/* One /32 per router, from pool + 1 on. */
	cap = (1ull << (32 - t->loopback_pool.len)) - 1;
	if (!(t->bad & TOPO_BAD_LOOPBACK_POOL) && routers > cap) {
		unsigned len = 32 - log2_ceil((uint64_t)routers + 1);

		prefix4_str(&t->loopback_pool, p);
		if (t->loopback_pool_pos.line)
			report(c, t->loopback_pool_pos, "addressing: loopbacks pool %s holds %llu router id%s (a /32 each, from the second address on) but the lab has %zu routers; use a /%u or larger",
			       p, (unsigned long long)cap, cap == 1 ? "" : "s",
			       routers, len);
		else
			report(c, t->nodes_pos, "the default loopbacks pool %s holds %llu router ids (a /32 each) but the lab has %zu routers; set addressing: loopbacks: to a /%u or larger",
			       p, (unsigned long long)cap, routers, len);
	}
}

static int asn_cmp(const void *a, const void *b, void *arg)
{
	const struct topo_node *nodes = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;

	if (nodes[i].asn != nodes[j].asn)
		return nodes[i].asn < nodes[j].asn ? -1 : 1;
	return (i > j) - (i < j);
}

/*
 * POPs may share an AS (the CDN's), ISPs may not share one with anybody:
 * the lab's ISPs are separate networks, and a path through two routers of
 * one AS would be dropped by AS loop prevention.
 */
static void check_asns(struct checker *c, size_t *idx)
{
	const struct topo *t = c->t;
	size_t n = 0, i, j;

	for (i = 0; i < t->nnodes; i++)
		if (is_router(&t->nodes[i]) && t->nodes[i].asn)
			idx[n++] = i;
	qsort_r(idx, n, sizeof(*idx), asn_cmp, t->nodes);
	for (i = 0; i < n; i = j) {
		const struct topo_node *pop = NULL, *isp = NULL;
		size_t k;

		for (j = i; j < n && t->nodes[idx[j]].asn == t->nodes[idx[i]].asn; j++)
			if (!pop && is_kind(&t->nodes[idx[j]], TOPO_KIND_POP))
				pop = &t->nodes[idx[j]];
		for (k = i; k < j; k++) {
			const struct topo_node *x = &t->nodes[idx[k]];

			if (!is_kind(x, TOPO_KIND_ISP))
				continue;
			if (pop)
				report(c, x->asn_pos, "node '%s': asn %u is the AS of pop '%s'; an ISP needs an AS of its own",
				       x->name, x->asn, pop->name);
			else if (isp)
				report(c, x->asn_pos, "node '%s': asn %u is taken by ISP '%s' (%u:%u); every ISP needs an AS of its own",
				       x->name, x->asn, isp->name, isp->pos.line,
				       isp->pos.col);
			else
				isp = x;
		}
	}
}

static int link_cmp(const void *a, const void *b, void *arg)
{
	const struct topo_link *links = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	size_t ilo = links[i].a < links[i].b ? links[i].a : links[i].b;
	size_t ihi = links[i].a ^ links[i].b ^ ilo;
	size_t jlo = links[j].a < links[j].b ? links[j].a : links[j].b;
	size_t jhi = links[j].a ^ links[j].b ^ jlo;

	if (ilo != jlo)
		return ilo < jlo ? -1 : 1;
	if (ihi != jhi)
		return ihi < jhi ? -1 : 1;
	return (i > j) - (i < j);
}

static bool same_ends(const struct topo_link *x, const struct topo_link *y)
{
	return (x->a == y->a && x->b == y->b) || (x->a == y->b && x->b == y->a);
}

/* For every link that repeats an earlier one (in either order): that one. */
static void find_dup_links(const struct topo *t, size_t *idx, size_t *first)
{
	size_t n = 0, i, run = 0;

	for (i = 0; i < t->nlinks; i++) {
		const struct topo_link *l = &t->links[i];

		first[i] = TOPO_NONE;
		if (l->a != TOPO_NONE && l->b != TOPO_NONE && l->a != l->b)
			idx[n++] = i;
	}
	/* Sorted by end pair, then file order: a run of equal pairs starts
	 * with the link written first. */
	qsort_r(idx, n, sizeof(*idx), link_cmp, t->links);
	for (i = 1; i < n; i++) {
		if (same_ends(&t->links[idx[run]], &t->links[idx[i]]))
			first[idx[i]] = idx[run];
		else
			run = i;
	}
}

static void check_user_link(struct checker *c, const struct topo_link *l,
			    size_t u, size_t o, size_t *user_link)
{
	const struct topo *t = c->t;
	const struct topo_node *un = &t->nodes[u], *on = &t->nodes[o];

	if (!on->has_kind)
		return;
	if (on->kind != TOPO_KIND_ISP) {
		report(c, l->pos, "link [%s, %s]: user '%s' can only link to an ISP, and '%s' is a %s",
		       t->nodes[l->a].name, t->nodes[l->b].name, un->name,
		       on->name, topo_kind_name(on->kind));
		return;
	}
	if (user_link[u] != TOPO_NONE) {
		const struct topo_link *f = &t->links[user_link[u]];

		report(c, l->pos, "link [%s, %s]: user '%s' already links to ISP '%s' (%u:%u); a user has exactly one ISP",
		       t->nodes[l->a].name, t->nodes[l->b].name, un->name,
		       t->nodes[topo_link_peer(f, u)].name, f->pos.line,
		       f->pos.col);
		return;
	}
	user_link[u] = (size_t)(l - t->links);
}

static void check_links(struct checker *c, size_t *idx, size_t *first,
			size_t *user_link, bool *linked)
{
	const struct topo *t = c->t;
	size_t i;

	find_dup_links(t, idx, first);
	for (i = 0; i < t->nnodes; i++) {
		user_link[i] = TOPO_NONE;
		linked[i] = false;
	}
	for (i = 0; i < t->nlinks; i++) {
		const struct topo_link *l = &t->links[i];
		const struct topo_node *a, *b;

		if (l->a != TOPO_NONE)
			linked[l->a] = true;
		if (l->b != TOPO_NONE)
			linked[l->b] = true;
		if (l->a == TOPO_NONE || l->b == TOPO_NONE)
			continue;
		a = &t->nodes[l->a];
		b = &t->nodes[l->b];
		if (l->a == l->b) {
			report(c, l->pos, "link [%s, %s]: a node cannot link to itself",
			       a->name, b->name);
			continue;
		}
		if (first[i] != TOPO_NONE) {
			const struct topo_link *f = &t->links[first[i]];

			report(c, l->pos, "link [%s, %s]: duplicate of [%s, %s] (%u:%u); a link has no direction, list it once",
			       a->name, b->name, t->nodes[f->a].name,
			       t->nodes[f->b].name, f->pos.line, f->pos.col);
			continue;
		}
		/* An ISP sharing an AS was reported by check_asns. */
		if (is_kind(a, TOPO_KIND_POP) && is_kind(b, TOPO_KIND_POP) &&
		    a->asn && a->asn == b->asn)
			report(c, l->pos, "link [%s, %s]: both ends are in AS %u; the lab runs eBGP only, so linked routers need different AS numbers",
			       a->name, b->name, a->asn);
		if (a->passive && b->passive)
			report(c, l->pos, "link [%s, %s]: both routers are passive, so neither would open the BGP session; make one of them active",
			       a->name, b->name);
		if (is_kind(a, TOPO_KIND_USER) && is_kind(b, TOPO_KIND_USER))
			report(c, l->pos, "link [%s, %s]: two users cannot link; a user links to one ISP",
			       a->name, b->name);
		else if (is_kind(a, TOPO_KIND_USER))
			check_user_link(c, l, l->a, l->b, user_link);
		else if (is_kind(b, TOPO_KIND_USER))
			check_user_link(c, l, l->b, l->a, user_link);
	}
}

/*
 * An ISP in the same city makes a good example; else a placeholder.  isps
 * holds the ISPs that have a city, sorted by city then file order, so a
 * file with 100000 unlinked users does not scan every node for each.
 */
static const char *example_isp(const struct topo *t, const size_t *isps,
			       size_t nisps, const struct topo_node *n)
{
	size_t lo = 0, hi = nisps;

	if (!n->city)
		return "<isp>";
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(t->nodes[isps[mid]].city, n->city) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < nisps && strcmp(t->nodes[isps[lo]].city, n->city) == 0)
		return t->nodes[isps[lo]].name;
	return "<isp>";
}

static int city_cmp(const void *a, const void *b, void *arg)
{
	const struct topo_node *nodes = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int r = strcmp(nodes[i].city, nodes[j].city);

	if (r)
		return r;
	return (i > j) - (i < j);
}

static void check_unlinked(struct checker *c, const bool *linked, size_t *isps)
{
	const struct topo *t = c->t;
	size_t i, nisps = 0;

	for (i = 0; i < t->nnodes; i++)
		if (is_kind(&t->nodes[i], TOPO_KIND_ISP) && t->nodes[i].city)
			isps[nisps++] = i;
	qsort_r(isps, nisps, sizeof(*isps), city_cmp, t->nodes);
	for (i = 0; i < t->nnodes; i++) {
		const struct topo_node *n = &t->nodes[i];

		if (linked[i])
			continue;
		if (is_kind(n, TOPO_KIND_USER))
			report(c, n->pos, "node '%s': a user needs a link to its ISP, e.g. - [%s, %s]",
			       n->name, n->name, example_isp(t, isps, nisps, n));
		else if (is_kind(n, TOPO_KIND_POP))
			report(c, n->pos, "node '%s': a pop needs a link to an ISP, e.g. - [%s, %s]",
			       n->name, example_isp(t, isps, nisps, n), n->name);
	}
}

static void warn(struct checker *c, struct topo_pos pos, const char *fmt,
		 ...) __attribute__((format(printf, 3, 4)));

static void warn(struct checker *c, struct topo_pos pos, const char *fmt, ...)
{
	char msg[sizeof(((struct topo_diag *)0)->msg)];
	va_list ap;

	if (!c->d->warnings)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (topo_diag_warn(c->d, pos, "%s", msg) < 0)
		c->err = -ENOMEM;
}

static enum topo_daemon daemon_of(const struct topo *t,
				  const struct topo_node *n)
{
	if (n->daemon != TOPO_DAEMON_DEFAULT)
		return n->daemon;
	return t->daemon == TOPO_DAEMON_DEFAULT ? TOPO_DAEMON_BUILTIN : t->daemon;
}

/*
 * Nodes that load and start but cannot take part: an ISP with no link at
 * all (a router with no peer and no users), a `daemon: none` router with
 * no other router to peer with (whatever runs there has nobody to talk
 * to), and a user no POP can reach even with every POP up (`up` waits
 * for every user to reach a POP, so it would wait until it times out).
 * All are warnings, not errors: a lab may be meant to show a user left
 * without a path, and such files have always loaded.  Only a file whose
 * kinds and link ends all resolved gets the prediction.
 */
static void check_isolated(struct checker *c, const bool *linked,
			   bool *router_peer, long *pop)
{
	const struct topo *t = c->t;
	size_t i, k;

	for (i = 0; i < t->nnodes; i++) {
		router_peer[i] = false;
		if (!t->nodes[i].has_kind)
			return;
	}
	for (k = 0; k < t->nlinks; k++) {
		const struct topo_link *l = &t->links[k];

		if (l->a == TOPO_NONE || l->b == TOPO_NONE)
			return;
		if (is_router(&t->nodes[l->a]) && is_router(&t->nodes[l->b])) {
			router_peer[l->a] = true;
			router_peer[l->b] = true;
		}
	}
	for (i = 0; i < t->nnodes; i++) {
		const struct topo_node *n = &t->nodes[i];

		if (!is_router(n) || router_peer[i])
			continue;
		if (!linked[i] && is_kind(n, TOPO_KIND_ISP))
			warn(c, n->pos, "node '%s': an isp with no link is isolated: its router has no BGP peer and no users; link it to a POP or an ISP, e.g. - [%s, <pop>], or remove it",
			     n->name, n->name);
		else if (daemon_of(t, n) == TOPO_DAEMON_NONE)
			warn(c, n->pos, "node '%s': daemon: none, and no link to another router, so the daemon you run there has no BGP peer; link it to a POP or an ISP",
			     n->name);
	}
	if (topo_catchment(t, -1, pop) < 0)
		return;
	for (i = 0; i < t->nnodes; i++) {
		const struct topo_node *n = &t->nodes[i], *isp = NULL;

		if (!is_kind(n, TOPO_KIND_USER) || pop[i] != TOPO_CATCH_UNREACHABLE)
			continue;
		for (k = 0; k < t->nlinks && !isp; k++)
			if (t->links[k].a == i || t->links[k].b == i)
				isp = &t->nodes[topo_link_peer(&t->links[k], i)];
		if (!isp)
			continue;
		/* Whatever runs on a daemon: none ISP may route its users
		 * somewhere the prediction cannot know. */
		if (daemon_of(t, isp) == TOPO_DAEMON_NONE)
			warn(c, n->pos, "node '%s': no POP is reachable through ISP '%s' (daemon: none); only the daemon you run there can route it",
			     n->name, isp->name);
		else
			warn(c, n->pos, "node '%s': no POP is reachable through its ISP '%s', so 'up' waits for it until it times out; link '%s' to a POP or to an ISP that reaches one",
			       n->name, isp->name, isp->name);
	}
}

/*
 * GTSM takes both ends: one that sends with TTL 1 or 64 to one that
 * accepts only 254 and up never connects.  A daemon: none node brings its
 * own configuration, so its end is not checked.
 */
static void check_gtsm(struct checker *c)
{
	const struct topo *t = c->t;
	size_t i;

	for (i = 0; i < t->nlinks; i++) {
		const struct topo_link *l = &t->links[i];
		const struct topo_node *a, *b;
		struct topo_session sa, sb;

		if (l->a == TOPO_NONE || l->b == TOPO_NONE)
			continue;
		a = &t->nodes[l->a];
		b = &t->nodes[l->b];
		if (!is_router(a) || !is_router(b) || a->asn == b->asn ||
		    (a->daemon_given ? a->daemon : t->daemon) == TOPO_DAEMON_NONE ||
		    (b->daemon_given ? b->daemon : t->daemon) == TOPO_DAEMON_NONE)
			continue;
		topo_node_session(t, l->a, &sa);
		topo_node_session(t, l->b, &sb);
		if (sa.ttl_security != sb.ttl_security)
			report(c, l->pos, "link [%s, %s]: ttl-security is %s on '%s' and %s on '%s'; GTSM (RFC 5082) needs both ends or neither",
			       a->name, b->name, sa.ttl_security ? "true" : "false",
			       a->name, sb.ttl_security ? "true" : "false", b->name);
	}
}

/*
 * The policy keys of links: relationships and announcement settings need
 * routers at the right ends, and providers must not go round in a circle
 * (A provider of B provider of A): Gao-Rexford's guarantee of one stable
 * outcome rests on it, and no real AS buys transit from its own customer.
 */
static void check_link_policy(struct checker *c)
{
	const struct topo *t = c->t;
	size_t i;

	for (i = 0; i < t->nlinks; i++) {
		const struct topo_link *l = &t->links[i];
		const struct topo_node *a, *b, *u;
		bool pa, pb;

		if (l->a == TOPO_NONE || l->b == TOPO_NONE || l->a == l->b)
			continue;
		a = &t->nodes[l->a];
		b = &t->nodes[l->b];
		u = is_kind(a, TOPO_KIND_USER) ? a : is_kind(b, TOPO_KIND_USER) ? b : NULL;
		if (u && l->rel != TOPO_REL_NONE)
			report(c, l->rel_pos, "link [%s, %s]: %s is a user, and a user speaks no BGP: the link has no business relationship; remove 'rel'",
			       a->name, b->name, u->name);
		else if (u && (l->local_pref || l->mrai_given))
			report(c, l->pos, "link [%s, %s]: %s is a user, and a user speaks no BGP; remove '%s'",
			       a->name, b->name, u->name,
			       l->local_pref ? "local-pref" : "mrai");
		if (!l->pop_pos.line)
			continue;
		pa = is_kind(a, TOPO_KIND_POP);
		pb = is_kind(b, TOPO_KIND_POP);
		if (!pa && !pb)
			report(c, l->pop_pos, "link [%s, %s]: prepend, communities, med and announce are set by a POP on its own sessions, and neither end is a POP",
			       a->name, b->name);
		else if (pa && pb)
			report(c, l->pop_pos, "link [%s, %s]: both ends are POPs, so it is not clear whose announcement this sets; set it on a link from one POP to an ISP",
			       a->name, b->name);
	}
}

/* Provider -> customer edges as an adjacency list (CSR). */
static void check_rel_cycles(struct checker *c)
{
	const struct topo *t = c->t;
	size_t n = t->nnodes, i, *off, *to, *via, *stack, *it, sp, k;
	unsigned char *col;

	off = calloc(n + 2, sizeof(*off));
	to = calloc(t->nlinks + 1, sizeof(*to));
	via = calloc(t->nlinks + 1, sizeof(*via));
	stack = calloc(n + 1, sizeof(*stack));
	it = calloc(n + 1, sizeof(*it));
	col = calloc(n + 1, 1);
	if (!off || !to || !via || !stack || !it || !col) {
		c->err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < t->nlinks; i++) {
		const struct topo_link *l = &t->links[i];

		if (l->a == TOPO_NONE || l->b == TOPO_NONE || l->a == l->b)
			continue;
		if (l->rel == TOPO_REL_PROVIDER)
			off[l->a + 2]++;
		else if (l->rel == TOPO_REL_CUSTOMER)
			off[l->b + 2]++;
	}
	for (i = 0; i < n; i++)
		off[i + 2] += off[i + 1];
	for (i = 0; i < t->nlinks; i++) {
		const struct topo_link *l = &t->links[i];
		size_t p, q;

		if (l->a == TOPO_NONE || l->b == TOPO_NONE || l->a == l->b)
			continue;
		if (l->rel == TOPO_REL_PROVIDER)
			p = l->a, q = l->b;
		else if (l->rel == TOPO_REL_CUSTOMER)
			p = l->b, q = l->a;
		else
			continue;
		via[off[p + 1]] = i;
		to[off[p + 1]++] = q;
	}
	/* off[v] .. off[v + 1] are v's customers now. */
	for (i = 0; i < n; i++) {
		if (col[i])
			continue;
		sp = 0;
		stack[sp++] = i;
		it[i] = off[i];
		col[i] = 1;
		while (sp) {
			size_t v = stack[sp - 1];

			if (it[v] == off[v + 1]) {
				col[v] = 2;
				sp--;
				continue;
			}
			k = it[v]++;
			if (col[to[k]] == 0) {
				col[to[k]] = 1;
				it[to[k]] = off[to[k]];
				stack[sp++] = to[k];
			} else if (col[to[k]] == 1) {
				char msg[200];
				size_t j = sp, o = 0;

				/* The cycle is stack[j..sp) from to[k] back. */
				while (j > 0 && stack[j - 1] != to[k])
					j--;
				msg[0] = '\0';
				for (j = j ? j - 1 : 0; j < sp && o < sizeof(msg) - 40; j++)
					o += (size_t)snprintf(msg + o, sizeof(msg) - o,
							      "%s → ", t->nodes[stack[j]].name);
				snprintf(msg + o, sizeof(msg) - o, "%s", t->nodes[to[k]].name);
				report(c, t->links[via[k]].rel_pos, "relationship cycle: %s, each the provider of the next; a provider cannot also be its customer's customer",
				       msg);
				goto out;
			}
		}
	}
out:
	free(off);
	free(to);
	free(via);
	free(stack);
	free(it);
	free(col);
}

int topo_validate(const struct topo *t, struct topo_diags *d)
{
	struct checker c = { .t = t, .d = d };
	size_t e0 = d->errors, routers = 0, i, big;
	size_t *idx, *first, *user_link;
	bool *linked, *router_peer;
	long *pop;

	for (i = 0; i < t->nnodes; i++)
		routers += is_router(&t->nodes[i]);
	big = t->nnodes > t->nlinks ? t->nnodes : t->nlinks;
	idx = calloc(big + 1, sizeof(*idx));
	first = calloc(t->nlinks + 1, sizeof(*first));
	user_link = calloc(t->nnodes + 1, sizeof(*user_link));
	linked = calloc(t->nnodes + 1, sizeof(*linked));
	router_peer = calloc(t->nnodes + 1, sizeof(*router_peer));
	pop = calloc(t->nnodes + 1, sizeof(*pop));
	if (!idx || !first || !user_link || !linked || !router_peer || !pop) {
		c.err = -ENOMEM;
		goto out;
	}
	check_anycast(&c);
	check_dns(&c);
	check_overlaps(&c);
	check_pool_sizes(&c, routers);
	check_asns(&c, idx);
	check_links(&c, idx, first, user_link, linked);
	check_unlinked(&c, linked, idx);
	check_gtsm(&c);
	check_link_policy(&c);
	check_rel_cycles(&c);
	if (d->errors == e0)
		check_isolated(&c, linked, router_peer, pop);
out:
	free(idx);
	free(first);
	free(user_link);
	free(linked);
	free(router_peer);
	free(pop);
	if (c.err)
		return c.err;
	return d->errors > e0 ? -EINVAL : 0;
}

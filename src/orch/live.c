/*
 * A running lab as the CLI shows it (see live.h): state directory, kernel,
 * processes, and the routers' control sockets.
 */
#include "orch/live.h"
#include "net/link.h"
#include "net/netns.h"
#include "net/route.h"
#include "net/rtsock.h"
#include "run/journal.h"
#include "run/state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const node_state_str[] = {
	"ok", "running", "frozen", "stopped", "namespace missing", "external",
	"partly running", "broken: no default route",
};

const char *live_state_name(enum live_state s)
{
	return node_state_str[s];
}

static void live_nodes(struct live_lab *L, const struct journal_rec *v,
		       size_t n)
{
	size_t i, k;

	for (i = 0; i < L->t.nnodes; i++) {
		const struct topo_node *node = &L->t.nodes[i];
		struct live_node *nl = &L->nodes[i];

		if (!netns_exists(node->netns)) {
			nl->state = LIVE_NO_NETNS;
			continue;
		}
		if (node->kind == TOPO_KIND_USER) {
			nl->state = LIVE_OK;
			continue;
		}
		if (!daemon_managed(&L->t, i)) {
			nl->state = LIVE_EXTERNAL;
			continue;
		}
		/* Per process of its daemon, the newest record is the
		 * current one. */
		daemon_procs_find(v, n, &L->t, i, &nl->procs);
		nl->state = LIVE_STOPPED;
		if (!nl->procs.nalive)
			continue;
		if (nl->procs.nalive < nl->procs.n) {
			nl->state = LIVE_PARTIAL;
			continue;
		}
		nl->proc = nl->procs.id[nl->procs.speaker];
		nl->state = LIVE_FROZEN;
		for (k = 0; k < nl->procs.n; k++)
			if (!proc_stopped(nl->procs.id[k].pid))
				nl->state = LIVE_RUNNING;
	}
}

static void live_links(struct live_lab *L)
{
	struct nl_sock **sk;
	size_t i;

	if (geteuid() != 0)
		return;
	sk = calloc(L->t.nnodes, sizeof(*sk));
	if (!sk)
		return;
	for (i = 0; i < L->t.nnodes; i++) {
		int fd = netns_open(L->t.nodes[i].netns);

		if (fd < 0)
			continue;
		if (rtsock_open(fd, &sk[i]) < 0)
			sk[i] = NULL;
		close(fd);
	}
	for (i = 0; i < L->t.nlinks; i++) {
		const struct topo_link *l = &L->t.links[i];
		struct live_link *ll = &L->links[i];

		ll->known = true;
		ll->a_ok = sk[l->a] && link_get(sk[l->a], L->t.nodes[l->b].name,
						 &ll->a) == 0;
		ll->b_ok = sk[l->b] && link_get(sk[l->b], L->t.nodes[l->a].name,
						 &ll->b) == 0;
	}
	/* A user is only as good as its default route: the kernel drops it
	 * with the carrier of its link, and nothing but heal puts it back. */
	for (i = 0; i < L->t.nnodes; i++) {
		static const struct prefix4 any = { 0, 0 };
		uint32_t gw;

		if (L->t.nodes[i].kind == TOPO_KIND_USER &&
		    L->nodes[i].state == LIVE_OK &&
		    (!sk[i] || route_find(sk[i], &any, &gw) < 0))
			L->nodes[i].state = LIVE_NO_ROUTE;
	}
	for (i = 0; i < L->t.nnodes; i++)
		rtsock_close(sk[i]);
	free(sk);
}

int live_load(const char *lab, struct live_lab *L)
{
	struct journal_rec *v;
	size_t n, i;
	int r;

	memset(L, 0, sizeof(*L));
	r = state_load_topology(lab, &L->t);
	if (r < 0)
		return r;
	L->nodes = calloc(L->t.nnodes, sizeof(*L->nodes));
	L->links = calloc(L->t.nlinks + 1, sizeof(*L->links));
	if (!L->nodes || !L->links)
		return -ENOMEM;
	if (journal_load(lab, &v, &n) < 0)
		n = 0, v = NULL;
	for (i = 0; i < n; i++) {
		if (v[i].kind == JOURNAL_UP) {
			L->complete = true;
			L->since = v[i].when;
		}
	}
	live_nodes(L, v, n);
	live_links(L);
	free(v);
	L->have_snap = snapshot_take(lab, &L->t, 1000, &L->snap) == 0;
	return 0;
}

void live_free(struct live_lab *L)
{
	if (L->have_snap)
		snapshot_free(&L->snap);
	topo_free(&L->t);
	free(L->nodes);
	free(L->links);
}

const char *live_link_side(bool known, bool ok, const struct link_state *s)
{
	if (!known)
		return "?";
	if (!ok)
		return "missing";
	if (!s->up)
		return "down";
	return s->carrier ? "up" : "no-carrier";
}

/* What router i says about its session with node j, or NULL. */
const struct snap_session *live_session(const struct live_lab *L,
					       size_t i, size_t j)
{
	const struct snap_router *sr = &L->snap.routers[i];
	size_t k;

	if (!L->have_snap || !sr->answered)
		return NULL;
	for (k = 0; k < sr->nsess; k++)
		if (!strcmp(sr->sess[k].peer, L->t.nodes[j].name))
			return &sr->sess[k];
	return NULL;
}

const char *live_pop_condition(const struct live_lab *L, size_t i, char *buf,
				 size_t n)
{
	const struct live_node *nl = &L->nodes[i];
	const struct topo *t = &L->t;
	size_t k, cut = 0, links = 0;

	if (nl->state != LIVE_RUNNING) {
		snprintf(buf, n, "%s", nl->state == LIVE_FROZEN ? "frozen" :
			 nl->state == LIVE_STOPPED ? "down (router not running)" :
			 node_state_str[nl->state]);
		return buf;
	}
	for (k = 0; k < t->nlinks; k++) {
		const struct topo_link *l = &t->links[k];
		const struct link_state *st;

		if (l->a != i && l->b != i)
			continue;
		links++;
		st = l->a == i ? &L->links[k].a : &L->links[k].b;
		if (L->links[k].known && (!st->up || !st->carrier))
			cut++;
	}
	if (links && cut == links)
		snprintf(buf, n, "cut off (every link down)");
	else if (L->have_snap && !strcmp(L->snap.routers[i].anycast, "withdrawn"))
		snprintf(buf, n, "withdrawn");
	else if (cut)
		snprintf(buf, n, "announcing, %zu of %zu link%s down", cut, links,
			 links == 1 ? "" : "s");
	else
		snprintf(buf, n, "announcing");
	return buf;
}

/* Append "; what" to buf (or "what" when it is empty). */
static void live_add(char *buf, size_t n, const char *what, const char *name,
		     const char *name2)
{
	size_t w = strlen(buf);

	if (w + 2 >= n)
		return;
	snprintf(buf + w, n - w, "%s%s%s%s %s", w ? "; " : "", name,
		 name2 ? "-" : "", name2 ? name2 : "", what);
}

const char *live_faults(const struct live_lab *L, char *buf, size_t n)
{
	const struct topo *t = &L->t;
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < t->nnodes; i++) {
		const struct live_node *nl = &L->nodes[i];

		if (nl->state == LIVE_STOPPED)
			live_add(buf, n, "is down (its router is not running)",
				 t->nodes[i].name, NULL);
		else if (nl->state == LIVE_FROZEN)
			live_add(buf, n, "is frozen", t->nodes[i].name, NULL);
		else if (nl->state == LIVE_NO_NETNS)
			live_add(buf, n, "has lost its namespace", t->nodes[i].name,
				 NULL);
		else if (nl->state == LIVE_NO_ROUTE)
			live_add(buf, n, "has no default route", t->nodes[i].name,
				 NULL);
		else if (t->nodes[i].kind == TOPO_KIND_POP && L->have_snap &&
			 !strcmp(L->snap.routers[i].anycast, "withdrawn"))
			live_add(buf, n, "has withdrawn the anycast prefix",
				 t->nodes[i].name, NULL);
	}
	for (i = 0; i < t->nlinks; i++) {
		const struct live_link *ll = &L->links[i];

		if (ll->known && (!ll->a_ok || !ll->b_ok || !ll->a.up ||
				  !ll->b.up || !ll->a.carrier || !ll->b.carrier))
			live_add(buf, n, "is cut", t->nodes[t->links[i].a].name,
				 t->nodes[t->links[i].b].name);
	}
	return buf;
}

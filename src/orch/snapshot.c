/*
 * Lab snapshots from the routers' control sockets (see snapshot.h): the
 * built-in router's, or BIRD's and FRR's through daemon/daemon.h.
 */
#include "orch/snapshot.h"
#include "daemon/daemon.h"
#include "run/journal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

/* Follow next hops from the user's ISP until a POP answers locally. */
static void snap_trace(const struct topo *t, const struct lab_snapshot *s,
		       size_t user, struct snap_user *su)
{
	size_t cur = t->nodes[user].isp, hops = 0, k;
	int w;

	su->isp = (long)cur;
	su->pop = -1;
	copy(su->path, sizeof(su->path), s->routers[cur].path);
	w = snprintf(su->hops, sizeof(su->hops), "%s", t->nodes[cur].name);
	while (hops++ <= t->nnodes) {
		const struct snap_router *sr = &s->routers[cur];
		uint32_t nh;

		if (sr->external) {
			su->external = true;
			return;
		}
		if (!sr->answered)
			return;
		if (!strcmp(sr->via, "local")) {
			su->pop = t->nodes[cur].kind == TOPO_KIND_POP ? (long)cur : -1;
			return;
		}
		if (ip4_parse(sr->via, &nh) < 0)
			return;
		for (k = 0; k < t->nlinks; k++) {
			const struct topo_link *l = &t->links[k];

			if ((l->a == cur && l->addr_b == nh) ||
			    (l->b == cur && l->addr_a == nh))
				break;
		}
		if (k == t->nlinks)
			return;
		cur = topo_link_peer(&t->links[k], cur);
		if (w > 0 && (size_t)w < sizeof(su->hops))
			w += snprintf(su->hops + w, sizeof(su->hops) - (size_t)w,
				      " > %s", t->nodes[cur].name);
	}
}

int snapshot_take(const char *lab, const struct topo *t, unsigned timeout_ms,
		  struct lab_snapshot *s)
{
	struct journal_rec *jv = NULL;
	size_t i, k, jn = 0;

	memset(s, 0, sizeof(*s));
	s->routers = calloc(t->nnodes, sizeof(*s->routers));
	s->users = calloc(t->nnodes, sizeof(*s->users));
	if (!s->routers || !s->users) {
		snapshot_free(s);
		return -ENOMEM;
	}
	/* Some routers are known by their processes, from the journal. */
	for (i = 0; i < t->nnodes; i++)
		if (daemon_status_journal(t, i))
			break;
	if (i < t->nnodes && journal_load(lab, &jv, &jn) < 0)
		jn = 0;
	s->all_established = true;
	s->all_routed = true;
	for (i = 0; i < t->nnodes; i++) {
		struct snap_router *sr = &s->routers[i];

		if (t->nodes[i].kind == TOPO_KIND_USER)
			continue;
		sr->error = daemon_status(lab, t, i, jv, jn, timeout_ms, sr);
		if (sr->external)
			continue;
		sr->answered = sr->error == 0 && sr->pid > 0;
		if (!sr->answered)
			s->all_established = false;
		for (k = 0; k < sr->nsess; k++) {
			long peer = topo_node_find(t, sr->sess[k].peer);

			if (!sr->sess[k].established &&
			    (peer < 0 || daemon_managed(t, (size_t)peer)))
				s->all_established = false;
		}
	}
	for (i = 0; i < t->nnodes; i++) {
		if (t->nodes[i].kind != TOPO_KIND_USER)
			continue;
		snap_trace(t, s, i, &s->users[i]);
		if (s->users[i].pop < 0 && !s->users[i].external)
			s->all_routed = false;
	}
	free(jv);
	return 0;
}

void snapshot_free(struct lab_snapshot *s)
{
	free(s->routers);
	free(s->users);
	s->routers = NULL;
	s->users = NULL;
}

/*
 * Lab snapshots from the routers' control sockets (see snapshot.h): the
 * built-in router's, or BIRD's and FRR's through daemon/daemon.h.
 */
#include "orch/snapshot.h"
#include "daemon/daemon.h"
#include "run/journal.h"
#include "run/state.h"
#include "router/ctl.h"
#include "router/ctlmsg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static int snap_rec(void *ctx, const struct ctl_rec *r)
{
	struct snap_router *sr = ctx;

	if (!strcmp(r->kind, "router")) {
		sr->pid = (long)ctl_get_u64(r, "pid", 0);
		sr->up_ms = ctl_get_u64(r, "up_ms", 0);
		sr->rss_kb = ctl_get_u64(r, "rss_kb", 0);
		sr->prefixes = ctl_get_u64(r, "prefixes", 0);
		copy(sr->anycast, sizeof(sr->anycast), ctl_get(r, "anycast"));
		copy(sr->via, sizeof(sr->via), ctl_get(r, "anycast_via"));
		copy(sr->path, sizeof(sr->path), ctl_get(r, "anycast_path"));
	} else if (!strcmp(r->kind, "session") && sr->nsess < SNAP_MAX_SESS) {
		struct snap_session *ss = &sr->sess[sr->nsess++];

		copy(ss->peer, sizeof(ss->peer), ctl_get(r, "peer"));
		copy(ss->state, sizeof(ss->state), ctl_get(r, "state"));
		ss->established = !strcmp(ss->state, "Established");
		ss->since_ms = ctl_get_u64(r, "since_ms", 0);
		ss->rx = ctl_get_u64(r, "rx", 0);
		ss->tx = ctl_get_u64(r, "tx", 0);
		ss->hold = (unsigned)ctl_get_u64(r, "hold", 0);
		ss->up_count = (unsigned)ctl_get_u64(r, "established", 0);
		ss->up_count_known = true;
		ss->as4 = ctl_get(r, "as4") ? !strcmp(ctl_get(r, "as4"), "yes") : -1;
		copy(ss->last_error, sizeof(ss->last_error), ctl_get(r, "last_error"));
	}
	return 0;
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
	char path[STATE_PATH_MAX];
	struct journal_rec *jv = NULL;
	size_t i, k, jn = 0;

	memset(s, 0, sizeof(*s));
	s->routers = calloc(t->nnodes, sizeof(*s->routers));
	s->users = calloc(t->nnodes, sizeof(*s->users));
	if (!s->routers || !s->users) {
		snapshot_free(s);
		return -ENOMEM;
	}
	/* BIRD's and FRR's processes are known from the journal only. */
	for (i = 0; i < t->nnodes; i++)
		if (t->nodes[i].kind != TOPO_KIND_USER &&
		    (t->nodes[i].daemon == TOPO_DAEMON_BIRD ||
		     t->nodes[i].daemon == TOPO_DAEMON_FRR))
			break;
	if (i < t->nnodes && journal_load(lab, &jv, &jn) < 0)
		jn = 0;
	s->all_established = true;
	s->all_routed = true;
	for (i = 0; i < t->nnodes; i++) {
		struct snap_router *sr = &s->routers[i];

		if (t->nodes[i].kind == TOPO_KIND_USER)
			continue;
		if (t->nodes[i].daemon == TOPO_DAEMON_NONE) {
			sr->external = true;
			continue;
		}
		if (t->nodes[i].daemon != TOPO_DAEMON_BUILTIN) {
			struct daemon_procs dp;

			daemon_procs_find(jv, jn, t, i, &dp);
			sr->error = daemon_status(lab, t, i, &dp, timeout_ms, sr);
		} else if (router_state_file(lab, t->nodes[i].name, "sock", path,
					     sizeof(path)) == 0) {
			sr->error = ctl_request(path, "status", timeout_ms, snap_rec,
						sr);
		} else {
			sr->error = -ENAMETOOLONG;
		}
		sr->answered = sr->error == 0 && sr->pid > 0;
		if (!sr->answered)
			s->all_established = false;
		for (k = 0; k < sr->nsess; k++) {
			long peer = topo_node_find(t, sr->sess[k].peer);

			if (!sr->sess[k].established &&
			    (peer < 0 || t->nodes[peer].daemon != TOPO_DAEMON_NONE))
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

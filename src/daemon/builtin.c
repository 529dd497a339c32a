/*
 * anycastlab's own BGP speaker as a row of the speaker table: one
 * process per router (`anycastlab router`), started with a handshake so
 * that a whole lab's routers listen before any connects, and asked over
 * its control socket (router/ctl.h) for status, routes and the anycast
 * prefix.
 */
#include "daemon/daemon_int.h"
#include "router/ctl.h"
#include "router/ctlmsg.h"
#include "run/spawn.h"
#include "run/state.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const builtin_roles[] = { "" };

static int builtin_start(struct journal *j, const char *lab,
			 const struct topo *t, size_t node, bool lab_start,
			 struct daemon_procs *p, struct err *e)
{
	const char *name = t->nodes[node].name;
	int r;

	r = spawn_router(j, lab, name, lab_start, &p->hold);
	if (r < 0)
		return err_set(e, r, "cannot start the router of %s: %s", name,
			       strerror(-r));
	p->holding = true;
	p->n = 1;
	p->role[0] = builtin_roles[0];
	p->id[0] = p->hold.id;
	p->alive[0] = true;
	p->nalive = 1;
	return 0;
}

static int builtin_wait_ready(const char *lab, const struct topo *t,
			      size_t node, const struct daemon_procs *p,
			      unsigned timeout_ms)
{
	struct spawned s = p->hold;
	size_t failed = 0;

	(void)lab;
	(void)t;
	(void)node;
	return p->holding ? spawn_wait_ready(&s, 1, timeout_ms, &failed) :
	       -EINVAL;
}

static int sock_of(const char *lab, const struct topo *t, size_t node,
		   char path[STATE_PATH_MAX])
{
	return router_state_file(lab, t->nodes[node].name, "sock", path,
				 STATE_PATH_MAX);
}

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static int status_rec(void *ctx, const struct ctl_rec *r)
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
		sr->dns_known = ctl_get(r, "dns_udp") != NULL;
		sr->dns.udp = ctl_get_u64(r, "dns_udp", 0);
		sr->dns.tcp = ctl_get_u64(r, "dns_tcp", 0);
		sr->dns.replies = ctl_get_u64(r, "dns_replies", 0);
		sr->dns.dropped = ctl_get_u64(r, "dns_dropped", 0);
		sr->dns.limited = ctl_get_u64(r, "dns_limited", 0);
		sr->dns.truncated = ctl_get_u64(r, "dns_truncated", 0);
		sr->dns.nxdomain = ctl_get_u64(r, "dns_nxdomain", 0);
		sr->dns.refused = ctl_get_u64(r, "dns_refused", 0);
		sr->dns.formerr = ctl_get_u64(r, "dns_formerr", 0);
		sr->dns.notimp = ctl_get_u64(r, "dns_notimp", 0);
		sr->dns.tcp_conns = ctl_get_u64(r, "dns_tcp_conns", 0);
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
		ss->counters_known = true;
		ss->updates_rx = ctl_get_u64(r, "updates_rx", 0);
		ss->updates_tx = ctl_get_u64(r, "updates_tx", 0);
		ss->announced_rx = ctl_get_u64(r, "announced_rx", 0);
		ss->announced_tx = ctl_get_u64(r, "announced_tx", 0);
		ss->withdrawn_rx = ctl_get_u64(r, "withdrawn_rx", 0);
		ss->withdrawn_tx = ctl_get_u64(r, "withdrawn_tx", 0);
		copy(ss->role, sizeof(ss->role), ctl_get(r, "role"));
		ss->mrai_ms = (uint32_t)ctl_get_u64(r, "mrai_ms", 0);
	}
	return 0;
}

static int builtin_status(const char *lab, const struct topo *t, size_t node,
			  const struct daemon_procs *p, unsigned timeout_ms,
			  struct snap_router *sr)
{
	char path[STATE_PATH_MAX];

	(void)p;
	if (sock_of(lab, t, node, path) < 0)
		return -ENAMETOOLONG;
	return ctl_request(path, "status", timeout_ms, status_rec, sr);
}

struct answer {
	bool ok;
	char err[128];
};

static int answer_rec(void *ctx, const struct ctl_rec *r)
{
	struct answer *a = ctx;

	if (!strcmp(r->kind, "ok"))
		a->ok = true;
	else if (!strcmp(r->kind, "error"))
		copy(a->err, sizeof(a->err), ctl_get(r, "msg") ?
		     ctl_get(r, "msg") : "refused");
	return 0;
}

static int builtin_announce(const char *lab, const struct topo *t,
			    size_t node, bool on, struct err *e)
{
	const char *name = t->nodes[node].name;
	struct answer a = { 0 };
	char sock[STATE_PATH_MAX];
	int r;

	sock_of(lab, t, node, sock);
	r = ctl_request(sock, on ? "announce" : "withdraw", 3000, answer_rec, &a);
	if (r < 0)
		return err_set(e, -ESRCH, "the router of %s does not answer (%s)",
			       name, strerror(-r));
	if (!a.ok)
		return err_set(e, -EALREADY, "%s: %s", name, a.err);
	return 0;
}

static int builtin_shape(const char *lab, const struct topo *t, size_t node,
			 const struct daemon_shape *s, struct err *e)
{
	static const char *const ops[] = { "withdraw", "announce", "prepend" };
	const char *name = t->nodes[node].name;
	struct answer a = { 0 };
	char sock[STATE_PATH_MAX], req[CTL_LINE_MAX];
	size_t i, o;
	int r;

	o = (size_t)snprintf(req, sizeof(req), "%s", ops[s->op]);
	if (s->op == DAEMON_SHAPE_PREPEND)
		o += (size_t)snprintf(req + o, sizeof(req) - o, " %u", s->prepend);
	for (i = 0; i < s->npeers && o < sizeof(req); i++)
		o += (size_t)snprintf(req + o, sizeof(req) - o, " %s",
				      t->nodes[s->peers[i]].name);
	if (o >= sizeof(req))
		return err_set(e, -E2BIG, "%s: too many neighbours named", name);
	sock_of(lab, t, node, sock);
	r = ctl_request(sock, req, 3000, answer_rec, &a);
	if (r < 0)
		return err_set(e, -ESRCH, "the router of %s does not answer (%s)",
			       name, strerror(-r));
	if (!a.ok)
		return err_set(e, -EALREADY, "%s: %s", name, a.err);
	return 0;
}

struct routes_ctx {
	bool adj;
	daemon_route_fn fn;
	void *ctx;
	char error[256];
	int r;
};

static int routes_rec(void *ctx, const struct ctl_rec *r)
{
	struct routes_ctx *rc = ctx;
	struct daemon_route dr;

	if (!strcmp(r->kind, "error")) {
		copy(rc->error, sizeof(rc->error), ctl_get(r, "msg"));
		return 1;
	}
	if (strcmp(r->kind, rc->adj ? "path" : "route"))
		return 0;
	memset(&dr, 0, sizeof(dr));
	copy(dr.prefix, sizeof(dr.prefix), ctl_get(r, "prefix"));
	copy(dr.nexthop, sizeof(dr.nexthop), ctl_get(r, "nexthop"));
	copy(dr.from, sizeof(dr.from), ctl_get(r, "from"));
	copy(dr.aspath, sizeof(dr.aspath), ctl_get(r, "aspath"));
	copy(dr.origin, sizeof(dr.origin), ctl_get(r, "origin"));
	copy(dr.why, sizeof(dr.why), ctl_get(r, "why"));
	copy(dr.over, sizeof(dr.over), ctl_get(r, "over"));
	copy(dr.rejected, sizeof(dr.rejected), ctl_get(r, "rejected"));
	copy(dr.med, sizeof(dr.med), ctl_get(r, "med"));
	copy(dr.communities, sizeof(dr.communities), ctl_get(r, "communities"));
	copy(dr.held, sizeof(dr.held), ctl_get(r, "held"));
	dr.best = rc->adj ? ctl_get(r, "best") && !strcmp(ctl_get(r, "best"), "yes")
			  : true;
	dr.paths = rc->adj ? -1 : (long)ctl_get_u64(r, "paths", 0);
	dr.local_pref = ctl_get(r, "local_pref") ?
			(long)ctl_get_u64(r, "local_pref", 0) : -1;
	rc->r = rc->fn(rc->ctx, &dr);
	return rc->r < 0 ? 1 : 0;
}

static int builtin_routes(const char *lab, const struct topo *t, size_t node,
			  const char *peer, daemon_route_fn fn, void *ctx,
			  struct err *e)
{
	const char *name = t->nodes[node].name;
	struct routes_ctx rc = { .adj = peer != NULL, .fn = fn, .ctx = ctx };
	char sock[STATE_PATH_MAX], req[64];
	int r;

	sock_of(lab, t, node, sock);
	snprintf(req, sizeof(req), peer ? "adj-in %s" : "routes", peer);
	r = ctl_request(sock, req, 3000, routes_rec, &rc);
	if (rc.r < 0)
		return rc.r;
	if (rc.error[0])
		return err_set(e, -EINVAL, "%s", rc.error);
	if (r == -EPIPE)
		return err_set(e, r, "the answer of the router of %s was cut "
			       "short before its end: not printed", name);
	if (r < 0)
		return err_set(e, r, "the router of %s does not answer (%s); is it "
			       "running? see 'anycastlab status'", name,
			       strerror(-r));
	return 0;
}

static void builtin_hint(const char *lab, const char *node, char *buf,
			 size_t n)
{
	(void)lab;
	(void)node;
	copy(buf, n, "");
}

const struct daemon_ops daemon_builtin_ops = {
	.kind = TOPO_DAEMON_BUILTIN,
	.title = "anycastlab",
	.summary = "anycastlab (builtin)",
	.noun = "router",
	.managed = true,
	.held = true,
	.explains = true,
	.ordered = true,
	.roles = builtin_roles,
	.nroles = 1,
	.start = builtin_start,
	.wait_ready = builtin_wait_ready,
	.status = builtin_status,
	.announce = builtin_announce,
	.shape = builtin_shape,
	.routes = builtin_routes,
	.hint = builtin_hint,
};

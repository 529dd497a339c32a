/*
 * daemon: none as a row of the speaker table: anycastlab builds the
 * node's namespace and links and runs nothing there; the user brings a
 * BGP speaker of their own (anycastlab exec NODE -- ...), which
 * anycastlab neither starts nor asks.
 */
#include "daemon/daemon_int.h"

#include <errno.h>
#include <stdio.h>

static int none_start(struct journal *j, const char *lab,
		      const struct topo *t, size_t node, bool lab_start,
		      struct daemon_procs *p, struct err *e)
{
	(void)j;
	(void)lab;
	(void)lab_start;
	(void)p;
	return daemon_need_managed(t, node, e);
}

static int none_wait_ready(const char *lab, const struct topo *t,
			   size_t node, const struct daemon_procs *p,
			   unsigned timeout_ms)
{
	(void)lab;
	(void)t;
	(void)node;
	(void)p;
	(void)timeout_ms;
	return -EINVAL;
}

static int none_status(const char *lab, const struct topo *t, size_t node,
		       const struct daemon_procs *p, unsigned timeout_ms,
		       struct snap_router *sr)
{
	(void)lab;
	(void)t;
	(void)node;
	(void)p;
	(void)timeout_ms;
	sr->external = true;
	return 0;
}

static int none_announce(const char *lab, const struct topo *t, size_t node,
			 bool on, struct err *e)
{
	(void)lab;
	(void)on;
	return daemon_need_managed(t, node, e);
}

static int none_routes(const char *lab, const struct topo *t, size_t node,
		       const char *peer, daemon_route_fn fn, void *ctx,
		       struct err *e)
{
	(void)lab;
	(void)peer;
	(void)fn;
	(void)ctx;
	return err_set(e, -EOPNOTSUPP, "%s runs a daemon of your own (daemon: "
		       "none); ask it directly: anycastlab exec %s -- ...",
		       t->nodes[node].name, t->nodes[node].name);
}

static void none_hint(const char *lab, const char *node, char *buf, size_t n)
{
	(void)lab;
	snprintf(buf, n, "anycastlab exec %s -- ...", node);
}

const struct daemon_ops daemon_none_ops = {
	.kind = TOPO_DAEMON_NONE,
	.title = "your own daemon",
	.summary = "your own (none)",
	.noun = "daemon",
	.start = none_start,
	.wait_ready = none_wait_ready,
	.status = none_status,
	.announce = none_announce,
	.routes = none_routes,
	.hint = none_hint,
};

/*
 * `anycastlab routes NODE [--lab LAB] [--adj-in PEER] [--json]`: a
 * router's Loc-RIB (best path per prefix, and why it won), or the paths
 * one peer sent it, as the router itself reports them over its control
 * socket.  A node running BIRD or FRR is asked over that daemon's own
 * socket (`show route`, `show bgp ... json`), in the same columns.
 */
#include "cli/cli.h"
#include "orch/fault.h"
#include "daemon/daemon.h"
#include "run/state.h"
#include "router/ctl.h"
#include "router/ctlmsg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct routes_out {
	bool json;
	bool adj;
	size_t n;
	FILE *f;
};

static const char *val(const struct ctl_rec *r, const char *key)
{
	const char *v = ctl_get(r, key);

	return v ? v : "";
}

/* One route as JSON, the same shape whichever speaker told it: absent
 * facts are null, never "" or "-". */
struct json_route {
	const char *prefix, *nexthop, *from, *aspath, *origin;
	const char *why, *over, *rejected, *med;
	int best;		/* -1: not said */
	long paths;		/* -1: not said */
};

static void json_str_or_null(FILE *f, const char *s)
{
	if (s && *s)
		cli_json_str(f, s);
	else
		fputs("null", f);
}

static void json_route_print(FILE *f, bool first, const struct json_route *jr)
{
	bool local = !strcmp(jr->nexthop, "local");

	fprintf(f, "%s{\"prefix\":", first ? "" : ",");
	cli_json_str(f, jr->prefix);
	fputs(",\"nexthop\":", f);
	json_str_or_null(f, local ? NULL : jr->nexthop);
	fputs(",\"from\":", f);
	json_str_or_null(f, jr->from);
	fputs(",\"local\":", f);
	fputs(local || !strcmp(jr->from, "local") ? "true" : "false", f);
	fputs(",\"aspath\":", f);
	cli_json_aspath(f, jr->aspath);
	fputs(",\"origin\":", f);
	json_str_or_null(f, jr->origin);
	fputs(",\"med\":", f);
	fputs(jr->med && *jr->med ? jr->med : "null", f);
	fprintf(f, ",\"best\":%s", jr->best < 0 ? "null" : jr->best ? "true" : "false");
	if (jr->paths >= 0)
		fprintf(f, ",\"paths\":%ld", jr->paths);
	else
		fputs(",\"paths\":null", f);
	fputs(",\"why\":", f);
	json_str_or_null(f, jr->why);
	fputs(",\"over\":", f);
	json_str_or_null(f, jr->over);
	fputs(",\"rejected\":", f);
	json_str_or_null(f, jr->rejected);
	fputc('}', f);
}

static int routes_rec(void *ctx, const struct ctl_rec *r)
{
	struct routes_out *o = ctx;

	if (!strcmp(r->kind, "error")) {
		fprintf(stderr, "anycastlab routes: %s\n", val(r, "msg"));
		return 1;
	}
	if (strcmp(r->kind, o->adj ? "path" : "route"))
		return 0;
	if (o->json) {
		struct json_route jr = {
			.prefix = val(r, "prefix"), .nexthop = val(r, "nexthop"),
			.from = val(r, "from"), .aspath = val(r, "aspath"),
			.origin = val(r, "origin"), .why = ctl_get(r, "why"),
			.over = ctl_get(r, "over"), .rejected = ctl_get(r, "rejected"),
			.med = ctl_get(r, "med"),
			.best = o->adj ? !strcmp(val(r, "best"), "yes") : 1,
			.paths = o->adj ? -1 : (long)ctl_get_u64(r, "paths", 0),
		};

		json_route_print(o->f, o->n == 0, &jr);
	} else if (o->adj) {
		char why[64];

		snprintf(why, sizeof(why), "%s%s",
			 !strcmp(val(r, "best"), "yes") ? "best" : "",
			 ctl_get(r, "rejected") ? val(r, "rejected") : "");
		fprintf(o->f, "  %-18s %-15s %-24s %-10s %s\n", val(r, "prefix"),
			val(r, "nexthop"), val(r, "aspath")[0] ? val(r, "aspath") : "-",
			val(r, "origin"), why);
	} else {
		char why[200];

		snprintf(why, sizeof(why), "%s%s%s", val(r, "why"),
			 ctl_get(r, "over") ? " over " : "", val(r, "over"));
		fprintf(o->f, "  %-18s %-15s %-9s %-24s %-6s %s\n", val(r, "prefix"),
			val(r, "nexthop"), val(r, "from"),
			val(r, "aspath")[0] ? val(r, "aspath") : "(local)",
			val(r, "origin"), why);
	}
	o->n++;
	return 0;
}

/* A route of BIRD or FRR, in the built-in router's columns (what the
 * daemon does not say, why a path won, is left out). */
static int routes_daemon_rec(void *ctx, const struct daemon_route *dr)
{
	struct routes_out *o = ctx;

	if (o->json) {
		struct json_route jr = {
			.prefix = dr->prefix, .nexthop = dr->nexthop,
			.from = dr->from, .aspath = dr->aspath, .origin = dr->origin,
			.best = dr->best, .paths = -1,
		};

		json_route_print(o->f, o->n == 0, &jr);
	} else if (o->adj) {
		fprintf(o->f, "  %-18s %-15s %-24s %-10s %s\n", dr->prefix,
			dr->nexthop, dr->aspath[0] ? dr->aspath : "-",
			dr->origin[0] ? dr->origin : "-", dr->best ? "best" : "");
	} else {
		fprintf(o->f, "  %-18s %-15s %-9s %-24s %s\n", dr->prefix,
			dr->nexthop, dr->from, dr->aspath[0] ? dr->aspath : "(local)",
			dr->origin[0] ? dr->origin : "-");
	}
	o->n++;
	return 0;
}

/* BIRD lists networks in its hash order: collected, then sorted like the
 * built-in router's table (by address, then length). */
struct route_set {
	struct daemon_route *v;
	size_t n, cap;
};

static int route_collect(void *ctx, const struct daemon_route *dr)
{
	struct route_set *s = ctx;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct daemon_route *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *dr;
	return 0;
}

static int route_cmp(const void *a, const void *b)
{
	const struct daemon_route *x = a, *y = b;
	struct prefix4 px = { 0, 0 }, py = { 0, 0 };

	prefix4_parse(x->prefix, &px);
	prefix4_parse(y->prefix, &py);
	if (px.addr != py.addr)
		return px.addr < py.addr ? -1 : 1;
	if (px.len != py.len)
		return px.len < py.len ? -1 : 1;
	return y->best - x->best;
}

/* routes of a node that runs BIRD or FRR, asked over its own socket. */
static int routes_daemon(const struct cli_verb *v, const char *lab,
			 const struct topo *t, size_t node, const char *peer,
			 struct routes_out *o)
{
	const struct topo_node *n = &t->nodes[node];
	char hint[STATE_PATH_MAX + 32], err[256];
	struct route_set set = { 0 };
	size_t i;
	int r;

	if (peer) {
		long p = topo_node_find(t, peer);
		const struct topo_link *l = p >= 0 ?
			topo_link_find(t, node, (size_t)p) : NULL;

		if (!l || t->nodes[p].kind == TOPO_KIND_USER)
			return cli_error(v->name, "%s has no BGP session with %s",
					 n->name, peer);
	}
	daemon_cli_hint(lab, t, node, hint, sizeof(hint));
	o->adj = peer != NULL;
	if (o->json) {
		fprintf(o->f, "{\"node\":");
		cli_json_str(o->f, n->name);
		fprintf(o->f, ",\"daemon\":\"%s\",\"%s\":[", topo_daemon_name(n->daemon),
		       o->adj ? "adj_in" : "routes");
	} else if (o->adj) {
		fprintf(o->f, "paths %s accepted from %s (%s; %s):\n", n->name, peer,
		       daemon_title(n->daemon), hint);
		fprintf(o->f, "  %-18s %-15s %-24s %-10s %s\n", "PREFIX", "NEXT HOP",
		       "AS PATH", "ORIGIN", "");
	} else {
		fprintf(o->f, "best paths of %s (AS%u, %s; %s):\n", n->name, n->asn,
		       daemon_title(n->daemon), hint);
		fprintf(o->f, "  %-18s %-15s %-9s %-24s %s\n", "PREFIX", "NEXT HOP",
		       "FROM", "AS PATH", "ORIGIN");
	}
	r = daemon_routes(lab, t, node, peer, route_collect, &set, err,
			  sizeof(err));
	if (r == -ENOMEM)
		snprintf(err, sizeof(err), "out of memory");
	if (set.n)
		qsort(set.v, set.n, sizeof(*set.v), route_cmp);
	for (i = 0; i < set.n; i++)
		routes_daemon_rec(o, &set.v[i]);
	free(set.v);
	if (o->json)
		fputs("]}\n", o->f);
	if (r < 0)
		return cli_error(v->name, "%s", err);
	return 0;
}

/* Close the stream of *out and print what it gathered when rc is 0
 * (success), drop it otherwise; returns rc. */
static int routes_flush(struct routes_out *o, char **out, size_t *len, int rc)
{
	fclose(o->f);
	if (rc == 0 && *out)
		fwrite(*out, 1, *len, stdout);
	free(*out);
	return rc;
}

/* Whether peer is a router at the other end of one of node's links. */
static bool routes_is_peer(const struct topo *t, size_t node, const char *peer)
{
	size_t k;

	for (k = 0; k < t->nlinks; k++) {
		const struct topo_link *l = &t->links[k];
		size_t o;

		if (l->a != node && l->b != node)
			continue;
		o = topo_link_peer(l, node);
		if (t->nodes[o].kind != TOPO_KIND_USER &&
		    !strcmp(t->nodes[o].name, peer))
			return true;
	}
	return false;
}

/* "telstra, singtel" into buf: node's BGP peers. */
static void routes_peers(const struct topo *t, size_t node, char *buf,
			 size_t n)
{
	size_t k, w = 0;

	buf[0] = '\0';
	for (k = 0; k < t->nlinks && w < n; k++) {
		const struct topo_link *l = &t->links[k];
		size_t o;
		int r;

		if (l->a != node && l->b != node)
			continue;
		o = topo_link_peer(l, node);
		if (t->nodes[o].kind == TOPO_KIND_USER)
			continue;
		r = snprintf(buf + w, n - w, "%s%s", w ? ", " : "", t->nodes[o].name);
		if (r < 0)
			break;
		w += (size_t)r;
	}
	if (!buf[0])
		snprintf(buf, n, "none");
}

/* Whether every live process of node's router is stopped. */
static bool routes_frozen(const char *lab, const struct topo *t, size_t node)
{
	struct daemon_procs p;
	size_t k, frozen = 0;

	if (daemon_procs_load(lab, t, node, &p) < 0 || !p.nalive)
		return false;
	for (k = 0; k < p.n; k++)
		frozen += p.alive[k] && fault_frozen(&p.id[k]);
	return frozen == p.nalive;
}

int cli_routes(const struct cli_verb *v, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lab", required_argument, NULL, 'l' },
		{ "adj-in", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct routes_out o = { 0 };
	char *out = NULL, labname[TOPO_NAME_MAX + 1], sock[STATE_PATH_MAX], req[64];
	const char *lab = NULL, *peer = NULL;
	size_t outlen = 0;
	struct topo t;
	long node;
	int c, rc, r;

	while ((c = cli_getopt(v, argc, argv, "l:a:jh", opts, &rc)) != -1) {
		switch (c) {
		case CLI_OPT_EXIT:
			return rc;
		case 'l': lab = optarg; break;
		case 'a': peer = optarg; break;
		case 'j': o.json = true; break;
		}
	}
	if (argc - optind != 1)
		return cli_error(v->name, "needs one NODE (a router)"), 2;
	if (cli_lab_begin(v->name, lab, labname, sizeof(labname), &t))
		return 1;
	node = cli_find_node(v->name, &t, argv[optind]);
	if (node < 0) {
		topo_free(&t);
		return 1;
	}
	if (t.nodes[node].kind == TOPO_KIND_USER) {
		cli_error(v->name, "%s is a user: users have a default route and no "
			  "BGP; try 'anycastlab routes %s'", argv[optind],
			  t.nodes[t.nodes[node].isp].name);
		topo_free(&t);
		return 1;
	}
	if (peer && cli_find_node(v->name, &t, peer) < 0) {
		topo_free(&t);
		return 1;
	}
	if (peer && !routes_is_peer(&t, (size_t)node, peer)) {
		char list[256];

		routes_peers(&t, (size_t)node, list, sizeof(list));
		cli_error(v->name, "%s has no BGP session with %s; its peers are %s",
			  argv[optind], peer, list);
		topo_free(&t);
		return 1;
	}
	if (routes_frozen(labname, &t, (size_t)node)) {
		cli_error(v->name, "the router of %s is frozen (SIGSTOP): it answers "
			  "nothing until 'anycastlab thaw %s'", argv[optind],
			  argv[optind]);
		topo_free(&t);
		return 1;
	}
	if (t.nodes[node].daemon == TOPO_DAEMON_NONE) {
		cli_error(v->name, "%s runs a daemon of your own (daemon: none); "
			  "ask it directly: anycastlab exec %s -- ...",
			  argv[optind], argv[optind]);
		topo_free(&t);
		return 1;
	}
	/* Everything is printed once the router has answered: a router
	 * that does not answer gets one line, not a table's header. */
	o.f = open_memstream(&out, &outlen);
	if (!o.f) {
		topo_free(&t);
		return cli_error(v->name, "out of memory");
	}
	if (t.nodes[node].daemon != TOPO_DAEMON_BUILTIN) {
		r = routes_daemon(v, labname, &t, (size_t)node, peer, &o);
		topo_free(&t);
		return routes_flush(&o, &out, &outlen, r);
	}
	router_state_file(labname, t.nodes[node].name, "sock", sock, sizeof(sock));
	o.adj = peer != NULL;
	snprintf(req, sizeof(req), peer ? "adj-in %s" : "routes", peer);
	if (o.json) {
		fprintf(o.f, "{\"node\":");
		cli_json_str(o.f, t.nodes[node].name);
		fprintf(o.f, ",\"%s\":[", o.adj ? "adj_in" : "routes");
	} else if (o.adj) {
		fprintf(o.f, "paths %s received from %s (Adj-RIB-In):\n", t.nodes[node].name,
		       peer);
		fprintf(o.f, "  %-18s %-15s %-24s %-10s %s\n", "PREFIX", "NEXT HOP",
		       "AS PATH", "ORIGIN", "");
	} else {
		fprintf(o.f, "best paths of %s (AS%u, Loc-RIB):\n", t.nodes[node].name,
		       t.nodes[node].asn);
		fprintf(o.f, "  %-18s %-15s %-9s %-24s %-6s %s\n", "PREFIX", "NEXT HOP",
		       "FROM", "AS PATH", "ORIGIN", "WHY IT WON");
	}
	r = ctl_request(sock, req, 3000, routes_rec, &o);
	if (o.json)
		fputs("]}\n", o.f);
	topo_free(&t);
	if (r == -EPIPE)
		cli_error(v->name, "the answer of the router of %s was cut short "
			  "before its end: not printed", argv[optind]);
	else if (r < 0)
		cli_error(v->name, "the router of %s does not answer (%s); is it "
			  "running? see 'anycastlab status'", argv[optind],
			  strerror(-r));
	return routes_flush(&o, &out, &outlen, r ? 1 : 0);
}

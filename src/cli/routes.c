/*
 * `anycastlab routes NODE [--lab LAB] [--adj-in PEER] [--json]`: a
 * router's Loc-RIB (best path per prefix, and why it won), or the paths
 * one peer sent it, as the router itself reports them over its control
 * socket.  A node running BIRD or FRR is asked over that daemon's own
 * socket (`show route`, `show bgp ... json`), in the same columns.
 */
#include "cli/cli.h"
#include "daemon/daemon.h"
#include "topo/intent.h"
#include "run/state.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct routes_out {
	bool json;
	bool adj;
	bool explains;		/* the speaker says why each path won */
	size_t n;
	FILE *f;
};

/* One route as JSON, the same shape whichever speaker told it: absent
 * facts are null, never "" or "-". */
struct json_route {
	const char *prefix, *nexthop, *from, *aspath, *origin;
	const char *why, *over, *rejected, *med;
	long local_pref;	/* -1: not said */
	const char *communities, *held;
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

/* "a b c" as ["a","b","c"]; [] for "". */
static void json_words(FILE *f, const char *s)
{
	char w[64];
	size_t n;
	bool first = true;

	fputc('[', f);
	while (s && *s) {
		n = strcspn(s, " ");
		if (n && n < sizeof(w)) {
			memcpy(w, s, n);
			w[n] = '\0';
			fputs(first ? "" : ",", f);
			cli_json_str(f, w);
			first = false;
		}
		s += n;
		s += strspn(s, " ");
	}
	fputc(']', f);
}

/* "peer: why; peer: why" as [{"peer":..., "why":...}, ...]. */
static void json_held(FILE *f, const char *s)
{
	char item[512];
	bool first = true;
	size_t n;

	fputc('[', f);
	while (s && *s) {
		char *colon;

		n = strcspn(s, ";");
		if (n < sizeof(item)) {
			memcpy(item, s, n);
			item[n] = '\0';
			colon = strstr(item, ": ");
			if (colon) {
				*colon = '\0';
				fprintf(f, "%s{\"peer\":", first ? "" : ",");
				cli_json_str(f, item);
				fputs(",\"why\":", f);
				cli_json_str(f, colon + 2);
				fputc('}', f);
				first = false;
			}
		}
		s += n;
		s += strspn(s, "; ");
	}
	fputc(']', f);
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
	if (jr->local_pref >= 0)
		fprintf(f, ",\"local_pref\":%ld", jr->local_pref);
	else
		fputs(",\"local_pref\":null", f);
	fputs(",\"communities\":", f);
	json_words(f, jr->communities);
	fputs(",\"held\":", f);
	json_held(f, jr->held);
	fputc('}', f);
}

/*
 * Under a route, what policy did with it, when it did anything: its
 * communities, and each neighbour it is not sent to with the rule that
 * held it back.
 */
static void routes_policy_lines(FILE *f, const struct daemon_route *dr)
{
	const char *s = dr->held;
	size_t n;

	if (dr->communities[0])
		fprintf(f, "  %-18s communities %s\n", "", dr->communities);
	while (*s) {
		n = strcspn(s, ";");
		fprintf(f, "  %-18s not sent to %.*s\n", "", (int)n, s);
		s += n;
		s += strspn(s, "; ");
	}
}

/* One route, as JSON or in the columns of the node's speaker (one that
 * does not explain its choices has no WHY column). */
static int routes_print(void *ctx, const struct daemon_route *dr)
{
	struct routes_out *o = ctx;

	if (o->json) {
		struct json_route jr = {
			.prefix = dr->prefix, .nexthop = dr->nexthop,
			.from = dr->from, .aspath = dr->aspath,
			.origin = dr->origin, .why = dr->why, .over = dr->over,
			.rejected = dr->rejected, .med = dr->med,
			.local_pref = dr->local_pref,
			.communities = dr->communities, .held = dr->held,
			.best = dr->best, .paths = o->explains ? dr->paths : -1,
		};

		json_route_print(o->f, o->n == 0, &jr);
	} else if (o->adj) {
		char why[96];

		snprintf(why, sizeof(why), "%s%s", dr->best ? "best" : "",
			 dr->rejected);
		fprintf(o->f, "  %-18s %-15s %-24s %-10s %s\n", dr->prefix,
			dr->nexthop, dr->aspath[0] ? dr->aspath : "-",
			dr->origin[0] || o->explains ? dr->origin : "-", why);
		routes_policy_lines(o->f, dr);
	} else if (o->explains) {
		char why[200];

		snprintf(why, sizeof(why), "%s%s%s", dr->why,
			 dr->over[0] ? " over " : "", dr->over);
		fprintf(o->f, "  %-18s %-15s %-9s %-24s %-6s %s\n", dr->prefix,
			dr->nexthop, dr->from,
			dr->aspath[0] ? dr->aspath : "(local)", dr->origin, why);
		routes_policy_lines(o->f, dr);
	} else {
		fprintf(o->f, "  %-18s %-15s %-9s %-24s %s\n", dr->prefix,
			dr->nexthop, dr->from, dr->aspath[0] ? dr->aspath : "(local)",
			dr->origin[0] ? dr->origin : "-");
	}
	o->n++;
	return 0;
}

/*
 * Under the best paths, the router's sessions with what they carried
 * since it started, when its speaker counts that (the built-in one):
 * UPDATEs, and prefixes announced and withdrawn, each way.  Asked of the
 * router's status; nothing when it does not answer or does not count.
 */
static void routes_sessions(const char *lab, const struct topo *t,
			    size_t node, struct routes_out *o)
{
	struct snap_router *sr = calloc(1, sizeof(*sr));
	size_t i, shown = 0;

	if (!sr)
		return;
	if (daemon_status_journal(t, node) ||
	    daemon_status(lab, t, node, NULL, 0, 2000, sr) < 0 || sr->pid <= 0) {
		if (o->json)
			fputs(",\"sessions\":null", o->f);
		free(sr);
		return;
	}
	for (i = 0; i < sr->nsess; i++) {
		const struct snap_session *ss = &sr->sess[i];

		if (!ss->counters_known)
			continue;
		if (o->json) {
			fprintf(o->f, "%s{\"peer\":", shown ? "," : ",\"sessions\":[");
			cli_json_str(o->f, ss->peer);
			fputs(",\"role\":", o->f);
			json_str_or_null(o->f, ss->role);
			fputs(",\"state\":", o->f);
			cli_json_str(o->f, ss->state);
			fprintf(o->f, ",\"mrai_ms\":%u,\"updates\":{\"rx\":%llu,\"tx\":%llu},"
				"\"announced\":{\"rx\":%llu,\"tx\":%llu},"
				"\"withdrawn\":{\"rx\":%llu,\"tx\":%llu}}", ss->mrai_ms,
				(unsigned long long)ss->updates_rx,
				(unsigned long long)ss->updates_tx,
				(unsigned long long)ss->announced_rx,
				(unsigned long long)ss->announced_tx,
				(unsigned long long)ss->withdrawn_rx,
				(unsigned long long)ss->withdrawn_tx);
		} else {
			if (!shown)
				fprintf(o->f, "sessions of %s, since its router started:\n"
					"  %-15s %-9s %-12s %13s %15s %15s %8s\n",
					t->nodes[node].name, "PEER", "ROLE", "STATE",
					"UPDATES RX/TX", "ANNOUNCED RX/TX",
					"WITHDRAWN RX/TX", "MRAI");
			fprintf(o->f, "  %-15s %-9s %-12s %6llu/%-6llu %7llu/%-7llu %7llu/%-7llu %6ums\n",
				ss->peer, ss->role[0] ? ss->role : "-", ss->state,
				(unsigned long long)ss->updates_rx,
				(unsigned long long)ss->updates_tx,
				(unsigned long long)ss->announced_rx,
				(unsigned long long)ss->announced_tx,
				(unsigned long long)ss->withdrawn_rx,
				(unsigned long long)ss->withdrawn_tx, ss->mrai_ms);
		}
		shown++;
	}
	if (o->json)
		fputs(shown ? "]" : ",\"sessions\":null", o->f);
	free(sr);
}

/* The header of the table or JSON object, then every route. */
static int routes_show(const char *lab, const struct topo *t, size_t node,
		       const char *peer, struct routes_out *o, struct err *e)
{
	const struct topo_node *n = &t->nodes[node];
	char hint[STATE_PATH_MAX + 32], src[STATE_PATH_MAX + 64];
	int r;

	o->adj = peer != NULL;
	o->explains = daemon_explains(n->daemon);
	daemon_cli_hint(lab, t, node, hint, sizeof(hint));
	/* Where the table comes from: the RIB, or the daemon's own CLI. */
	if (o->explains)
		snprintf(src, sizeof(src), "%s", o->adj ? "Adj-RIB-In" : "Loc-RIB");
	else
		snprintf(src, sizeof(src), "%s; %s", daemon_title(n->daemon), hint);
	if (o->json) {
		fprintf(o->f, "{\"node\":");
		cli_json_str(o->f, n->name);
		if (daemon_named(n->daemon))
			fprintf(o->f, ",\"daemon\":\"%s\"", topo_daemon_name(n->daemon));
		fprintf(o->f, ",\"%s\":[", o->adj ? "adj_in" : "routes");
	} else if (o->adj) {
		fprintf(o->f, "paths %s %s from %s (%s):\n", n->name,
			o->explains ? "received" : "accepted", peer, src);
		fprintf(o->f, "  %-18s %-15s %-24s %-10s %s\n", "PREFIX", "NEXT HOP",
			"AS PATH", "ORIGIN", "");
	} else {
		fprintf(o->f, "best paths of %s (AS%u, %s):\n", n->name, n->asn, src);
		if (o->explains)
			fprintf(o->f, "  %-18s %-15s %-9s %-24s %-6s %s\n", "PREFIX",
				"NEXT HOP", "FROM", "AS PATH", "ORIGIN", "WHY IT WON");
		else
			fprintf(o->f, "  %-18s %-15s %-9s %-24s %s\n", "PREFIX",
				"NEXT HOP", "FROM", "AS PATH", "ORIGIN");
	}
	r = daemon_routes(lab, t, node, peer, routes_print, o, e);
	if (o->json)
		fputs("]", o->f);
	if (r == 0 && !o->adj)
		routes_sessions(lab, t, node, o);
	if (o->json)
		fputs("}\n", o->f);
	return r;
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

/* Whether node has a BGP session with peer; if not, its peers ("telstra,
 * singtel", or "none") in list. */
static bool routes_is_peer(const struct topo *t, size_t node, const char *peer,
			   char *list, size_t n)
{
	struct topo_intent in;
	size_t k, w = 0;
	bool found = false;

	list[0] = '\0';
	if (topo_intent_build(t, node, &in) < 0)
		return false;
	for (k = 0; k < in.nsess; k++) {
		int r;

		found |= !strcmp(in.sess[k].peer_name, peer);
		r = w < n ? snprintf(list + w, n - w, "%s%s", w ? ", " : "",
				     in.sess[k].peer_name) : -1;
		if (r > 0)
			w += (size_t)r;
	}
	topo_intent_free(&in);
	if (!list[0])
		snprintf(list, n, "none");
	return found;
}

/* Whether every live process of node's router is stopped. */
static bool routes_frozen(const char *lab, const struct topo *t, size_t node)
{
	struct daemon_procs p;

	if (daemon_procs_load(lab, t, node, &p) < 0 || !p.nalive)
		return false;
	return daemon_procs_frozen(&p) == p.nalive;
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
	char *out = NULL, labname[TOPO_NAME_MAX + 1], list[256];
	struct err e;
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
	if (peer && !routes_is_peer(&t, (size_t)node, peer, list, sizeof(list))) {
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
	/* Everything is printed once the router has answered: a router
	 * that does not answer gets one line, not a table's header. */
	o.f = open_memstream(&out, &outlen);
	if (!o.f) {
		topo_free(&t);
		return cli_error(v->name, "out of memory");
	}
	r = routes_show(labname, &t, (size_t)node, peer, &o, &e);
	topo_free(&t);
	if (r < 0)
		cli_error(v->name, "%s", e.msg);
	return routes_flush(&o, &out, &outlen, r ? 1 : 0);
}

/*
 * `anycastlab status [LAB] [--json]`: every lab from its state directory,
 * checked against the live kernel — a node whose namespace vanished, a
 * router that died, a link that lost carrier is reported, not hidden.
 */
#include "cli/cli.h"
#include "orch/live.h"
#include "run/state.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void print_sessions_text(const struct live_lab *L)
{
	const struct topo *t = &L->t;
	size_t k;

	if (!L->have_snap)
		return;
	printf("  %-32s %-25s %10s %6s %6s %13s  %s\n", "SESSION", "STATE", "FOR",
	       "RX", "TX", "UPDATES RX/TX", "LAST ERROR");
	for (k = 0; k < t->nlinks; k++) {
		const struct topo_link *l = &t->links[k];
		const struct snap_session *a, *b;
		char name[40], state[40], upd[48];

		if (t->nodes[l->a].kind == TOPO_KIND_USER ||
		    t->nodes[l->b].kind == TOPO_KIND_USER)
			continue;
		a = live_session(L, l->a, l->b);
		b = live_session(L, l->b, l->a);
		snprintf(name, sizeof(name), "%s - %s", t->nodes[l->a].name,
			 t->nodes[l->b].name);
		if (a && b && !strcmp(a->state, b->state))
			snprintf(state, sizeof(state), "%s", a->state);
		else
			snprintf(state, sizeof(state), "%s/%s", a ? a->state : "?",
				 b ? b->state : "?");
		if (a && a->counters_known)
			snprintf(upd, sizeof(upd), "%llu/%llu",
				 (unsigned long long)a->updates_rx,
				 (unsigned long long)a->updates_tx);
		else
			snprintf(upd, sizeof(upd), "-");
		printf("  %-32s %-25s %9.1fs %6llu %6llu %13s  %s\n", name, state,
		       a ? (double)a->since_ms / 1e3 : 0.0,
		       a ? (unsigned long long)a->rx : 0,
		       a ? (unsigned long long)a->tx : 0, upd,
		       a && a->last_error[0] ? a->last_error :
		       b && b->last_error[0] ? b->last_error : "");
	}
}

/* What each POP's DNS served, for the POPs that tell (built-in routers). */
static void print_dns_text(const struct live_lab *L)
{
	const struct topo *t = &L->t;
	bool head = false;
	size_t i;

	for (i = 0; L->have_snap && i < t->nnodes; i++) {
		const struct snap_router *r = &L->snap.routers[i];

		if (t->nodes[i].kind != TOPO_KIND_POP || !r->answered ||
		    !r->dns_known)
			continue;
		if (!head)
			printf("  %-15s %8s %8s %8s %8s %8s %8s %8s\n", "DNS",
			       "UDP", "TCP", "ANSWERED", "NXDOMAIN", "REFUSED",
			       "LIMITED", "DROPPED");
		head = true;
		printf("  %-15s %8llu %8llu %8llu %8llu %8llu %8llu %8llu\n",
		       t->nodes[i].name, (unsigned long long)r->dns.udp,
		       (unsigned long long)r->dns.tcp,
		       (unsigned long long)r->dns.replies,
		       (unsigned long long)r->dns.nxdomain,
		       (unsigned long long)r->dns.refused,
		       (unsigned long long)r->dns.limited,
		       (unsigned long long)r->dns.dropped);
	}
}

static void print_catchment_text(const struct live_lab *L)
{
	const struct topo *t = &L->t;
	char cond[64];
	size_t i, k;

	if (!L->have_snap)
		return;
	printf("  %-15s %-6s %-24s %s\n", "USER", "POP", "AS PATH",
	       "PATH (control plane)");
	for (i = 0; i < t->nnodes; i++) {
		const struct snap_user *su = &L->snap.users[i];

		if (t->nodes[i].kind != TOPO_KIND_USER)
			continue;
		if (L->nodes[i].state == LIVE_NO_ROUTE) {
			printf("  %-15s %-6s %-24s %s\n", t->nodes[i].name, "none",
			       "-", "(no default route: 'anycastlab heal' "
			       "restores it)");
			continue;
		}
		printf("  %-15s %-6s %-24s %s\n", t->nodes[i].name,
		       su->pop >= 0 ? t->nodes[su->pop].name : "none",
		       su->path[0] ? su->path : "-", su->hops);
	}
	printf("  POPs:");
	for (i = 0, k = 0; i < t->nnodes; i++)
		if (t->nodes[i].kind == TOPO_KIND_POP)
			printf("%s %s %s", k++ ? ";" : "", t->nodes[i].name,
			       live_pop_condition(L, i, cond, sizeof(cond)));
	printf("\n");
}

static void print_text(const struct live_lab *L)
{
	const struct topo *t = &L->t;
	char a[IP4_STRLEN], b[IP4_STRLEN], when[32] = "";
	size_t i, k;
	int nsw;

	if (L->complete) {
		time_t s = (time_t)L->since;
		struct tm tm;

		gmtime_r(&s, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	}
	printf("lab %s: %s%s (%zu node%s, %zu link%s; anycast %s on every POP)\n",
	       t->name, L->complete ? "up since " : "incomplete (up did not finish)",
	       when, t->nnodes, t->nnodes == 1 ? "" : "s", t->nlinks,
	       t->nlinks == 1 ? "" : "s", ip4_str(t->anycast_addr, a));
	for (i = 0, nsw = 9; i < t->nnodes; i++)
		if ((int)strlen(t->nodes[i].netns) > nsw)
			nsw = (int)strlen(t->nodes[i].netns);
	printf("  %-15s %-4s %-*s %-10s %-15s %s\n", "NODE", "KIND", nsw,
	       "NAMESPACE", "ASN", "ROUTER-ID", "STATE");
	for (i = 0; i < t->nnodes; i++) {
		const struct topo_node *n = &t->nodes[i];
		const struct live_node *nl = &L->nodes[i];
		char asn[16] = "-", state[160];

		if (n->asn)
			snprintf(asn, sizeof(asn), "%u", n->asn);
		if (nl->state == LIVE_RUNNING || nl->state == LIVE_FROZEN ||
		    nl->state == LIVE_PARTIAL) {
			char pids[96];

			daemon_procs_str(&nl->procs, pids, sizeof(pids));
			if (daemon_named(n->daemon))
				snprintf(state, sizeof(state), "%s (%s, %s)",
					 live_state_name(nl->state),
					 topo_daemon_name(n->daemon), pids);
			else
				snprintf(state, sizeof(state), "%s (%s)",
					 live_state_name(nl->state), pids);
		} else if (nl->state == LIVE_STOPPED && daemon_named(n->daemon)) {
			snprintf(state, sizeof(state), "%s (%s)",
				 live_state_name(nl->state),
				 topo_daemon_name(n->daemon));
		} else {
			snprintf(state, sizeof(state), "%s", live_state_name(nl->state));
		}
		printf("  %-15s %-4s %-*s %-10s %-15s %s\n", n->name,
		       topo_kind_name(n->kind), nsw, n->netns, asn,
		       n->router_id ? ip4_str(n->router_id, a) : "-", state);
	}
	printf("  %-33s %-33s %s\n", "LINK A", "LINK B", "STATE");
	for (k = 0; k < t->nlinks; k++) {
		const struct topo_link *l = &t->links[k];
		const struct live_link *ll = &L->links[k];
		char sa[48], sb[48];

		snprintf(sa, sizeof(sa), "%s %s/31", t->nodes[l->a].name,
			 ip4_str(l->addr_a, a));
		snprintf(sb, sizeof(sb), "%s %s/31", t->nodes[l->b].name,
			 ip4_str(l->addr_b, b));
		printf("  %-33s %-33s %s/%s\n", sa, sb,
		       live_link_side(ll->known, ll->a_ok, &ll->a),
		       live_link_side(ll->known, ll->b_ok, &ll->b));
	}
	print_sessions_text(L);
	print_dns_text(L);
	print_catchment_text(L);
}

static void print_json_session(const struct snap_session *s)
{
	if (!s) {
		printf("null");
		return;
	}
	printf("{\"state\":");
	cli_json_str(stdout, s->state);
	printf(",\"for_ms\":%llu,\"rx\":%llu,\"tx\":%llu,\"hold\":%u,"
	       "\"established\":", (unsigned long long)s->since_ms,
	       (unsigned long long)s->rx, (unsigned long long)s->tx, s->hold);
	if (s->up_count_known)
		printf("%u", s->up_count);
	else
		printf("null");
	printf(",\"as4\":%s,\"last_error\":",
	       s->as4 < 0 ? "null" : s->as4 ? "true" : "false");
	if (s->last_error[0])
		cli_json_str(stdout, s->last_error);
	else
		printf("null");
	printf(",\"role\":");
	if (s->role[0])
		cli_json_str(stdout, s->role);
	else
		printf("null");
	if (s->counters_known)
		printf(",\"mrai_ms\":%u,\"updates\":{\"rx\":%llu,\"tx\":%llu},"
		       "\"announced\":{\"rx\":%llu,\"tx\":%llu},"
		       "\"withdrawn\":{\"rx\":%llu,\"tx\":%llu}", s->mrai_ms,
		       (unsigned long long)s->updates_rx,
		       (unsigned long long)s->updates_tx,
		       (unsigned long long)s->announced_rx,
		       (unsigned long long)s->announced_tx,
		       (unsigned long long)s->withdrawn_rx,
		       (unsigned long long)s->withdrawn_tx);
	else
		printf(",\"mrai_ms\":null,\"updates\":null,\"announced\":null,"
		       "\"withdrawn\":null");
	printf("}");
}

static void print_json(const struct live_lab *L, bool first)
{
	const struct topo *t = &L->t;
	char a[IP4_STRLEN], b[IP4_STRLEN];
	size_t i;

	printf("%s{\"name\":", first ? "" : ",");
	cli_json_str(stdout, t->name);
	/* One buffer per address: both are formatted before printf runs. */
	printf(",\"complete\":%s,\"since\":", L->complete ? "true" : "false");
	if (L->complete) {
		struct timespec ts = { (time_t)L->since, 0 };
		char when[40];

		cli_json_str(stdout, cli_rfc3339(&ts, false, when, sizeof(when)));
	} else {
		printf("null");
	}
	printf(",\"anycast\":{\"prefix\":\"%s/%u\",\"address\":\"%s\"},"
	       "\"nodes\":[", ip4_str(t->anycast_prefix.addr, a),
	       t->anycast_prefix.len, ip4_str(t->anycast_addr, b));
	for (i = 0; i < t->nnodes; i++) {
		const struct topo_node *n = &t->nodes[i];
		const struct live_node *nl = &L->nodes[i];
		size_t k;
		bool firstaddr = true;

		printf("%s{\"name\":", i ? "," : "");
		cli_json_str(stdout, n->name);
		printf(",\"kind\":\"%s\",\"netns\":", topo_kind_name(n->kind));
		cli_json_str(stdout, n->netns);
		if (n->asn)
			printf(",\"asn\":%u,\"router_id\":", n->asn);
		else
			printf(",\"asn\":null,\"router_id\":");
		if (n->router_id)
			printf("\"%s\"", ip4_str(n->router_id, a));
		else
			printf("null");
		printf(",\"city\":");
		if (n->city)
			cli_json_str(stdout, n->city);
		else
			printf("null");
		printf(",\"addresses\":[");
		if (n->router_id) {
			printf("\"%s/32\"", ip4_str(n->router_id, a));
			firstaddr = false;
		}
		if (n->kind == TOPO_KIND_POP) {
			printf("%s\"%s/32\"", firstaddr ? "" : ",",
			       ip4_str(t->anycast_addr, a));
			firstaddr = false;
		}
		for (k = 0; k < t->nlinks; k++) {
			const struct topo_link *l = &t->links[k];

			if (l->a != i && l->b != i)
				continue;
			printf("%s\"%s/31\"", firstaddr ? "" : ",",
			       ip4_str(topo_link_addr(l, i), a));
			firstaddr = false;
		}
		printf("],\"state\":\"%s\",\"pid\":", live_state_name(nl->state));
		if (nl->state == LIVE_RUNNING || nl->state == LIVE_FROZEN)
			printf("%d", (int)nl->proc.pid);
		else
			printf("null");
		if (n->kind != TOPO_KIND_USER) {
			bool firstpid = true;

			/* Every live process of the router, by role. */
			printf(",\"daemon\":\"%s\",\"pids\":{",
			       topo_daemon_name(n->daemon));
			for (k = 0; k < nl->procs.n; k++) {
				if (!nl->procs.alive[k])
					continue;
				printf("%s\"%s\":%d", firstpid ? "" : ",",
				       nl->procs.role[k][0] ? nl->procs.role[k] :
				       "router", (int)nl->procs.id[k].pid);
				firstpid = false;
			}
			printf("}");
		}
		if (n->kind == TOPO_KIND_POP) {
			char cond[64];

			printf(",\"anycast\":");
			cli_json_str(stdout, live_pop_condition(L, i, cond, sizeof(cond)));
			printf(",\"dns\":");
			if (L->have_snap && L->snap.routers[i].answered &&
			    L->snap.routers[i].dns_known) {
				const struct snap_dns *d = &L->snap.routers[i].dns;

				printf("{\"udp_queries\":%llu,\"tcp_queries\":%llu,"
				       "\"answered\":%llu,\"dropped\":%llu,"
				       "\"limited\":%llu,\"truncated\":%llu,"
				       "\"nxdomain\":%llu,\"refused\":%llu,"
				       "\"formerr\":%llu,\"notimp\":%llu,"
				       "\"tcp_conns\":%llu}",
				       (unsigned long long)d->udp,
				       (unsigned long long)d->tcp,
				       (unsigned long long)d->replies,
				       (unsigned long long)d->dropped,
				       (unsigned long long)d->limited,
				       (unsigned long long)d->truncated,
				       (unsigned long long)d->nxdomain,
				       (unsigned long long)d->refused,
				       (unsigned long long)d->formerr,
				       (unsigned long long)d->notimp,
				       (unsigned long long)d->tcp_conns);
			} else {
				printf("null");
			}
		}
		if (n->kind != TOPO_KIND_USER && L->have_snap &&
		    L->snap.routers[i].answered)
			printf(",\"rss_kb\":%llu,\"prefixes\":%llu",
			       (unsigned long long)L->snap.routers[i].rss_kb,
			       (unsigned long long)L->snap.routers[i].prefixes);
		printf("}");
	}
	printf("],\"links\":[");
	for (i = 0; i < t->nlinks; i++) {
		const struct topo_link *l = &t->links[i];
		const struct live_link *ll = &L->links[i];

		printf("%s{\"a\":", i ? "," : "");
		cli_json_str(stdout, t->nodes[l->a].name);
		printf(",\"b\":");
		cli_json_str(stdout, t->nodes[l->b].name);
		printf(",\"a_addr\":\"%s/31\"", ip4_str(l->addr_a, a));
		printf(",\"b_addr\":\"%s/31\"", ip4_str(l->addr_b, a));
		printf(",\"a_state\":\"%s\",\"b_state\":\"%s\"",
		       live_link_side(ll->known, ll->a_ok, &ll->a),
		       live_link_side(ll->known, ll->b_ok, &ll->b));
		if (t->nodes[l->a].kind != TOPO_KIND_USER &&
		    t->nodes[l->b].kind != TOPO_KIND_USER) {
			const struct snap_session *sa = live_session(L, l->a, l->b);
			const struct snap_session *sb = live_session(L, l->b, l->a);

			printf(",\"session\":{\"a\":");
			print_json_session(sa);
			printf(",\"b\":");
			print_json_session(sb);
			printf("}");
		}
		printf("}");
	}
	printf("],\"catchment\":[");
	{
		bool none_yet = true;

		for (i = 0; L->have_snap && i < t->nnodes; i++) {
			const struct snap_user *su = &L->snap.users[i];

			if (t->nodes[i].kind != TOPO_KIND_USER)
				continue;
			printf("%s{\"user\":", none_yet ? "" : ",");
			cli_json_str(stdout, t->nodes[i].name);
			printf(",\"pop\":");
			if (su->pop >= 0 && L->nodes[i].state != LIVE_NO_ROUTE)
				cli_json_str(stdout, t->nodes[su->pop].name);
			else
				printf("null");
			printf(",\"aspath\":");
			cli_json_aspath(stdout, L->nodes[i].state == LIVE_NO_ROUTE ?
					"" : su->path);
			printf(",\"via\":");
			cli_json_hops(stdout, su->hops);
			printf("}");
			none_yet = false;
		}
	}
	printf("]}");
}

int cli_status(const struct cli_verb *v, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "lab", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char **labs = NULL, one[TOPO_NAME_MAX + 1];
	const char *lab = NULL;
	size_t n = 0, i, shown = 0;
	bool json = false;
	int c, rc, r, err = 0;

	while ((c = cli_getopt(v, argc, argv, "jl:h", opts, &rc)) != -1) {
		if (c == CLI_OPT_EXIT)
			return rc;
		if (c == 'j')
			json = true;
		if (c == 'l')
			lab = optarg;
	}
	if (argc - optind > 1 || (lab && argc - optind > 0))
		return cli_error(v->name, "takes at most one LAB"), 2;
	if (optind < argc)
		lab = argv[optind];
	/* Routers' sockets and links' carrier are root's to see: without
	 * them status would report what it cannot know. */
	if (!cli_privileged(v->name))
		return 1;
	if (lab || (getenv("ANYCASTLAB_LAB") && *getenv("ANYCASTLAB_LAB"))) {
		/* One lab: named, or $ANYCASTLAB_LAB; without either, every
		 * lab running. */
		if (cli_pick_lab(v->name, lab, one, sizeof(one)) < 0)
			return 1;
		labs = calloc(1, sizeof(*labs));
		if (!labs || !(labs[0] = strdup(one)))
			return cli_error(v->name, "out of memory");
		n = 1;
	} else if ((r = state_labs(&labs, &n)) < 0) {
		return cli_error(v->name, "cannot list labs: %s", strerror(-r));
	}
	if (json)
		printf("{\"labs\":[");
	else if (n == 0)
		printf("no lab is running\n");
	for (i = 0; i < n; i++) {
		struct live_lab L;

		r = live_load(labs[i], &L);
		if (r < 0) {
			cli_error(v->name, "lab '%s': cannot load its saved topology: %s",
				  labs[i], strerror(-r));
			err = 1;
			live_free(&L);
			continue;
		}
		if (json)
			print_json(&L, shown == 0);
		else
			print_text(&L);
		shown++;
		live_free(&L);
	}
	if (json)
		printf("]}\n");
	state_labs_free(labs, n);
	return err;
}

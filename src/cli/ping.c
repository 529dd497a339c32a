/*
 * `anycastlab ping USER` and `anycastlab watch USER`: ICMP echoes to the
 * anycast address from the user's namespace.  Which POP answered is read
 * from each reply's recorded route (net/probe.h), never predicted.
 * watch probes on its own timer (every 10 ms by default: iputils ping on
 * a HZ=250 kernel cannot go below 16 ms) and prints one line per change
 * of POP and per outage.
 */
#include "cli/cli.h"
#include "orch/answer.h"
#include "ev/ev.h"
#include "net/netns.h"
#include "net/probe.h"
#include "http/client.h"
#include "run/state.h"
#include "util/str.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int cli_probe_kind(const char *verb, const char *arg, enum probe_kind *k)
{
	if (!strcmp(arg, "http") || !strcmp(arg, "icmp") || !strcmp(arg, "dns")) {
		*k = arg[0] == 'h' ? PROBE_HTTP : arg[0] == 'd' ? PROBE_DNS :
		     PROBE_ICMP;
		return 0;
	}
	cli_error(verb, "--probe is http, dns or icmp, not '%s'", arg);
	return -EINVAL;
}

const char *cli_probe_what(enum probe_kind k)
{
	return k == PROBE_HTTP ?
		"HTTP GET http://104.16.0.1/ (what a browser sees: a "
		"stopped or killed POP answers none)" :
	       k == PROBE_DNS ?
		"DNS queries to 104.16.0.1 asking the NSID (what a resolver "
		"sees: a stopped or killed POP answers none)" :
		"ICMP echo (a stopped or killed POP's kernel still answers "
		"echoes until BGP moves traffic away)";
}

static const char *addr_owner(const struct topo *t, uint32_t addr)
{
	size_t k;

	for (k = 0; k < t->nlinks; k++) {
		if (t->links[k].addr_a == addr)
			return t->nodes[t->links[k].a].name;
		if (t->links[k].addr_b == addr)
			return t->nodes[t->links[k].b].name;
	}
	for (k = 0; k < t->nnodes; k++)
		if (t->nodes[k].router_id == addr)
			return t->nodes[k].name;
	return NULL;
}

static void cli_hops(const struct topo *t, const struct probe_reply *r, long pop,
	      char *buf, size_t n)
{
	const char *prev = NULL;
	size_t w = 0;
	unsigned i;

	buf[0] = '\0';
	for (i = 0; i < r->nrr; i++) {
		char ip[IP4_STRLEN];
		const char *name = r->rr[i] == t->anycast_addr && pop >= 0 ?
				   t->nodes[pop].name : addr_owner(t, r->rr[i]);

		if (!name)
			name = ip4_str(r->rr[i], ip);
		if (prev && !strcmp(prev, name))
			continue;	/* the POP records the anycast address twice */
		w += (size_t)snprintf(buf + w, w < n ? n - w : 0, "%s%s",
				      w ? " > " : "", name);
		if (w >= n)
			break;
		prev = name;
	}
	/* Record route has room for nine addresses: a longer way is cut
	 * there, and the POP behind it cannot be read from the echo. */
	if (r->nrr == PROBE_RR_MAX && w < n)
		snprintf(buf + w, n - w, " > ... (record route holds %d hops)",
			 PROBE_RR_MAX);
}

/* Open the user's namespace; -1 after an error message. */
static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

/*
 * The common start of ping and watch: load the lab, open USER's namespace
 * and make a prober for it on a new loop.  0, or 1 after an error message
 * with everything released.
 */
static int user_prober(const char *verb, const char *lab, const char *user,
		       struct topo *t, long *idx, uint64_t interval_ns,
		       uint64_t timeout_ns, enum probe_kind kind, probe_cb cb,
		       void *ctx,
		       struct ev_loop **l, struct prober **pr)
{
	char labname[TOPO_NAME_MAX + 1];
	int fd, r;

	if (cli_lab_begin(verb, lab, labname, sizeof(labname), t))
		return 1;
	fd = cli_user_netns(verb, t, user, idx);
	if (fd < 0) {
		topo_free(t);
		return 1;
	}
	*pr = NULL;
	*l = ev_loop_new();
	r = *l ? prober_new(*l, t->anycast_addr, interval_ns, timeout_ns, cb,
			    ctx, pr) : -ENOMEM;
	if (r == 0)
		r = prober_use(*pr, kind, topo_dns_origin(t));
	if (r == 0)
		r = prober_add(*pr, fd, (size_t)*idx);
	close(fd);
	if (r == 0)
		return 0;
	cli_error(verb, "cannot probe from %s: %s", user, strerror(-r));
	prober_free(*pr);
	if (*l)
		ev_loop_free(*l);
	topo_free(t);
	return 1;
}

/* ---- ping ---- */

struct ping_ctx {
	const struct topo *t;
	struct ev_loop *l;
	int nsfd;			/* the user's, for the fallback */
	unsigned count, answered, lost;
	uint64_t min, max, sum;
	unsigned per_pop[64];
};

static void ping_cb(void *ctx, const struct probe_event *ev)
{
	struct ping_ctx *p = ctx;
	char hops[256];
	long pop;

	if (!ev) {
		ev_loop_stop(p->l);
		return;
	}
	if (!ev->answered) {
		p->lost++;
		printf("seq %u: no reply\n", ev->seq + 1);
		fflush(stdout);
		return;
	}
	pop = probe_answering_pop(ev->reply, p->t->anycast_addr,
				  answer_pop_of_link_addr, (void *)p->t);
	cli_hops(p->t, ev->reply, pop, hops, sizeof(hops));
	/* The way is longer than record route can hold: the POP is asked
	 * instead, over HTTP from the same user. */
	if (pop < 0 && ev->reply->nrr == PROBE_RR_MAX && p->nsfd >= 0) {
		struct http_response_head h;
		char buf[4096];
		uint64_t el;
		long n = cli_http_get(p->nsfd, p->t->anycast_addr, "/", buf,
				      sizeof(buf), &el);

		if (n > 0 && http_response_head_parse(buf, (size_t)n, &h) == 0 &&
		    h.served_by[0])
			pop = topo_node_find(p->t, h.served_by);
		if (pop >= 0)
			snprintf(hops + strlen(hops), sizeof(hops) - strlen(hops),
				 "; POP named by HTTP X-Served-By");
	}
	p->answered++;
	if (pop >= 0 && pop < 64)
		p->per_pop[pop]++;
	if (!p->min || ev->rtt_ns < p->min)
		p->min = ev->rtt_ns;
	if (ev->rtt_ns > p->max)
		p->max = ev->rtt_ns;
	p->sum += ev->rtt_ns;
	printf("seq %u: reply from %s%s%s%s  rtt %.3f ms  hops %s\n", ev->seq + 1,
	       pop >= 0 ? p->t->nodes[pop].name : "an unknown POP",
	       pop >= 0 && p->t->nodes[pop].city ? " (" : "",
	       pop >= 0 && p->t->nodes[pop].city ? p->t->nodes[pop].city : "",
	       pop >= 0 && p->t->nodes[pop].city ? ")" : "", ms(ev->rtt_ns), hops);
	fflush(stdout);
}

static void on_sigint(struct ev_loop *l, int signo, void *ctx)
{
	struct prober *p = ctx;

	(void)signo;
	prober_stop(p);
	if (prober_done(p))
		ev_loop_stop(l);
}

/* ping --all: every user at once, one line each at the end. */
struct ping_all_user {
	size_t node;
	long pop;
	unsigned answered, lost;
	uint64_t sum;
	char hops[256];
};

struct ping_all {
	const struct topo *t;
	struct ev_loop *l;
	struct ping_all_user *u;
	size_t n;
};

static void ping_all_cb(void *ctx, const struct probe_event *ev)
{
	struct ping_all *pa = ctx;
	struct ping_all_user *u;

	if (!ev) {
		ev_loop_stop(pa->l);
		return;
	}
	if (ev->user >= pa->n)
		return;
	u = &pa->u[ev->user];
	if (!ev->answered) {
		u->lost++;
		return;
	}
	u->answered++;
	u->sum += ev->rtt_ns;
	u->pop = answer_pop(pa->t, ev);
	cli_hops(pa->t, ev->reply, u->pop, u->hops, sizeof(u->hops));
}

static int ping_all(const struct cli_verb *v, const char *lab, unsigned count,
		    double interval)
{
	char labname[TOPO_NAME_MAX + 1];
	struct ping_all pa = { 0 };
	struct prober *pr = NULL;
	struct topo t;
	size_t i;
	int r = 0, fd;
	long u;

	if (cli_lab_begin(v->name, lab, labname, sizeof(labname), &t))
		return 1;
	pa.t = &t;
	pa.u = calloc(t.nnodes ? t.nnodes : 1, sizeof(*pa.u));
	pa.l = ev_loop_new();
	if (!pa.u || !pa.l || prober_new(pa.l, t.anycast_addr,
					 (uint64_t)(interval * 1e9), 2000000000ull,
					 ping_all_cb, &pa, &pr) < 0) {
		r = cli_error(v->name, "out of memory");
		goto out;
	}
	for (i = 0; i < t.nnodes; i++) {
		if (t.nodes[i].kind != TOPO_KIND_USER)
			continue;
		fd = cli_user_netns(v->name, &t, t.nodes[i].name, &u);
		if (fd < 0) {
			r = 1;
			goto out;
		}
		pa.u[pa.n].node = i;
		pa.u[pa.n].pop = -1;
		if (prober_add(pr, fd, pa.n) == 0)
			pa.n++;
		close(fd);
	}
	printf("PING 104.16.0.1 from %zu users, %u echoes each, record route on\n",
	       pa.n, count);
	ev_signal_add(pa.l, SIGINT, on_sigint, pr);
	prober_start(pr, count);
	ev_loop_run(pa.l);
	printf("  %-15s %-6s %-14s %9s %5s  %s\n", "USER", "POP", "POP CITY",
	       "RTT AVG", "LOST", "HOPS");
	for (i = 0; i < pa.n; i++) {
		const struct ping_all_user *pu = &pa.u[i];
		const char *city = pu->pop >= 0 && t.nodes[pu->pop].city ?
				   t.nodes[pu->pop].city : "-";
		char rtt[24] = "-";

		if (pu->answered)
			snprintf(rtt, sizeof(rtt), "%.3f ms",
				 ms(pu->sum / pu->answered));
		printf("  %-15s %-6s ", t.nodes[pu->node].name,
		       pu->pop >= 0 ? t.nodes[pu->pop].name : "none");
		str_fpad(stdout, city, 14);
		printf(" %9s %5u  %s\n", rtt, pu->lost, pu->hops[0] ? pu->hops : "-");
		if (!pu->answered)
			r = 1;
	}
out:
	prober_free(pr);
	if (pa.l)
		ev_loop_free(pa.l);
	free(pa.u);
	topo_free(&t);
	return r;
}

int cli_ping(const struct cli_verb *v, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "interval", required_argument, NULL, 'i' },
		{ "all", no_argument, NULL, 'a' },
		{ "lab", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char ip[IP4_STRLEN];
	struct ping_ctx pc = { 0 };
	const char *lab = NULL;
	double interval = 1.0;
	struct prober *pr = NULL;
	struct topo t;
	long user, count = 4;
	bool all = false;
	int c, rc, i;
	char *end;

	while ((c = cli_getopt(v, argc, argv, "c:i:al:h", opts, &rc)) != -1) {
		switch (c) {
		case CLI_OPT_EXIT:
			return rc;
		case 'a':
			all = true;
			break;
		case 'c':
			count = strtol(optarg, &end, 10);
			if (*end || count < 1 || count > 1000000)
				return cli_error(v->name, "-c takes a count from 1 to "
						 "1000000, not '%s'", optarg), 2;
			break;
		case 'i':
			interval = strtod(optarg, &end);
			if (*end || !(interval >= 0.001 && interval <= 60))
				return cli_error(v->name, "-i takes seconds from 0.001 "
						 "to 60, not '%s'", optarg), 2;
			break;
		case 'l':
			lab = optarg;
			break;
		}
	}
	if (all && argc - optind == 0)
		return ping_all(v, lab, (unsigned)count, interval);
	if (argc - optind != 1)
		return cli_error(v->name, all ? "--all takes no USER" :
				 "needs one USER: anycastlab ping USER (or --all)"), 2;
	if (user_prober(v->name, lab, argv[optind], &t, &user,
			(uint64_t)(interval * 1e9), 2000000000ull, PROBE_ICMP, ping_cb,
			&pc, &pc.l, &pr))
		return 1;
	pc.t = &t;
	pc.count = (unsigned)count;
	pc.nsfd = netns_open(t.nodes[user].netns);
	printf("PING %s from %s%s%s%s, record route on\n",
	       ip4_str(t.anycast_addr, ip), t.nodes[user].name,
	       t.nodes[user].city ? " (" : "",
	       t.nodes[user].city ? t.nodes[user].city : "",
	       t.nodes[user].city ? ")" : "");
	ev_signal_add(pc.l, SIGINT, on_sigint, pr);
	prober_start(pr, pc.count);
	ev_loop_run(pc.l);
	/* After a ^C on a terminal, the summary starts on a line of its own. */
	if (pc.answered + pc.lost < pc.count && isatty(STDOUT_FILENO))
		printf("\n");
	printf("--- %u answered, %u lost", pc.answered, pc.lost);
	for (i = 0; i < 64 && (size_t)i < t.nnodes; i++)
		if (pc.per_pop[i])
			printf("; %s %u", t.nodes[i].name, pc.per_pop[i]);
	if (pc.answered)
		printf("; rtt min/avg/max %.3f/%.3f/%.3f ms", ms(pc.min),
		       ms(pc.sum / pc.answered), ms(pc.max));
	printf("\n");
	if (pc.nsfd >= 0)
		close(pc.nsfd);
	prober_free(pr);
	ev_loop_free(pc.l);
	topo_free(&t);
	return pc.answered ? 0 : 1;
}

/* ---- watch ---- */

struct watch_ctx {
	const struct topo *t;
	const char *lab;
	struct ev_loop *l;
	size_t user;
	bool json;
	bool all;			/* one of every user: lines name it */
	uint64_t interval_ns;
	long pop;			/* last POP that answered, -2: none yet */
	uint64_t last_sent;		/* send time of that reply */
	uint16_t last_seq;		/* and its sequence number */
	unsigned lost_since;		/* timed out since, known so far */
	bool quiet_said;		/* "no replies" printed for this outage */
	unsigned sent, answered, lost, changes;
	uint64_t longest;
};

/* Now: "12:00:01.234" for people, RFC 3339 with date and zone for
 * JSON. */
static void stamp(char *buf, size_t n, bool json)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (json) {
		cli_rfc3339(&ts, true, buf, n);
		return;
	}
	localtime_r(&ts.tv_sec, &tm);
	snprintf(buf, n, "%02d:%02d:%02d.%03ld", tm.tm_hour, tm.tm_min, tm.tm_sec,
		 ts.tv_nsec / 1000000);
}

static const char *pop_name(const struct topo *t, long pop)
{
	return pop >= 0 ? t->nodes[pop].name : "none";
}

/* A POP as a JSON value: its name, or null. */
static const char *pop_json(const struct topo *t, long pop, char *buf, size_t n)
{
	if (pop < 0)
		return "null";
	snprintf(buf, n, "\"%s\"", t->nodes[pop].name);
	return buf;
}

/* " (after 'kill syd' at 12:00:01.2)": the failure verb carried out last,
 * in the 30 s before now, as the likely cause of a change; "" if none. */
static const char *watch_cause(const struct watch_ctx *w, char *buf, size_t n)
{
	struct timespec now, when;
	char what[160];
	struct tm tm;

	buf[0] = '\0';
	clock_gettime(CLOCK_REALTIME, &now);
	if (!w->lab || state_event_last(w->lab, &now, 30000, what, sizeof(what),
					&when) < 0)
		return buf;
	localtime_r(&when.tv_sec, &tm);
	snprintf(buf, n, " (after '%s' at %02d:%02d:%02d.%01ld)", what, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, when.tv_nsec / 100000000);
	return buf;
}

/*
 * Every probe is resolved once, answered or timed out, but a timeout is
 * known only a timeout after the probe was sent, often after later
 * probes were answered.  So an outage is counted when it ends, by
 * sequence numbers: the probes sent between two answered ones are the
 * ones it lost.  A timeout of a probe older than the last answered one
 * belongs to an outage already told.
 */
struct watch_set {
	struct watch_ctx *w;	/* per probed user, by prober index */
	size_t n;
};

static void watch_one(struct watch_ctx *w, const struct probe_event *ev)
{
	const struct topo *t = w->t;
	char when[40], pj[24], pj2[24], who[24] = "", cause[224];
	unsigned missing;
	uint64_t gap;
	long pop;

	if (w->all)
		snprintf(who, sizeof(who), "%-10s ", t->nodes[w->user].name);
	w->sent++;
	stamp(when, sizeof(when), w->json);
	if (!ev->answered) {
		w->lost++;
		if (w->pop != -2 && (int16_t)(ev->seq - w->last_seq) < 0)
			return;		/* counted when its outage ended */
		w->lost_since++;
		if (!w->quiet_said && w->lost_since * w->interval_ns >= 1000000000ull) {
			w->quiet_said = true;
			if (w->json)
				printf("{\"time\":\"%s\",\"user\":\"%s\",\"event\":"
				       "\"silent\",\"from\":%s,\"lost\":%u}\n", when,
				       t->nodes[w->user].name,
				       pop_json(t, w->pop, pj, sizeof(pj)), w->lost_since);
			else
				printf("%s  %sno reply for 1 s (last from %s)%s...\n",
				       when, who, pop_name(t, w->pop),
				       watch_cause(w, cause, sizeof(cause)));
			fflush(stdout);
		}
		return;
	}
	w->answered++;
	/* An answer older than the last one (reordered) changes nothing. */
	if (w->pop != -2 && (int16_t)(ev->seq - w->last_seq) <= 0)
		return;
	pop = answer_pop(t, ev);
	missing = w->pop == -2 ? 0 : (unsigned)(uint16_t)(ev->seq - w->last_seq) - 1;
	if (w->pop == -2) {
		if (w->json)
			printf("{\"time\":\"%s\",\"user\":\"%s\",\"event\":\"first\","
			       "\"pop\":%s}\n", when, t->nodes[w->user].name,
			       pop_json(t, pop, pj, sizeof(pj)));
		else
			printf("%s  %sanswered by %s\n", when, who, pop_name(t, pop));
	} else if (pop != w->pop || missing) {
		/* The time no probe got through: from the last answered probe
		 * to this one, less the one interval that is normal. */
		gap = ev->sent_ns - w->last_sent;
		gap = gap > w->interval_ns && missing ? gap - w->interval_ns : 0;
		if (gap > w->longest)
			w->longest = gap;
		if (pop != w->pop)
			w->changes++;
		if (w->json)
			printf("{\"time\":\"%s\",\"user\":\"%s\",\"event\":\"%s\","
			       "\"from\":%s,\"to\":%s,\"outage_ms\":%.3f,"
			       "\"lost\":%u}\n", when, t->nodes[w->user].name,
			       pop != w->pop ? "change" : "outage",
			       pop_json(t, w->pop, pj, sizeof(pj)),
			       pop_json(t, pop, pj2, sizeof(pj2)), ms(gap), missing);
		else if (pop != w->pop && !missing)
			printf("%s  %s%s -> %s  no probe lost%s\n", when, who,
			       pop_name(t, w->pop), pop_name(t, pop),
			       watch_cause(w, cause, sizeof(cause)));
		else if (pop != w->pop)
			printf("%s  %s%s -> %s  outage %.1f ms, %u probe%s lost%s\n",
			       when, who, pop_name(t, w->pop), pop_name(t, pop),
			       ms(gap), missing, missing == 1 ? "" : "s",
			       watch_cause(w, cause, sizeof(cause)));
		else
			printf("%s  %soutage %.1f ms, %u probe%s lost, still %s%s\n",
			       when, who, ms(gap), missing, missing == 1 ? "" : "s",
			       pop_name(t, pop), watch_cause(w, cause, sizeof(cause)));
	}
	fflush(stdout);
	w->pop = pop;
	w->last_sent = ev->sent_ns;
	w->last_seq = ev->seq;
	w->lost_since = 0;
	w->quiet_said = false;
}

static void watch_cb(void *ctx, const struct probe_event *ev)
{
	struct watch_set *ws = ctx;

	if (!ev) {
		ev_loop_stop(ws->w[0].l);
		return;
	}
	if (ev->user < ws->n)
		watch_one(&ws->w[ev->user], ev);
}

static void watch_summary(const struct watch_ctx *w)
{
	const struct topo *t = w->t;

	if (w->json) {
		char when[40], pj[24];

		stamp(when, sizeof(when), true);
		printf("{\"time\":\"%s\",\"user\":\"%s\",\"event\":\"summary\","
		       "\"sent\":%u,\"answered\":%u,\"lost\":%u,\"changes\":%u,"
		       "\"longest_outage_ms\":%.3f,\"pop\":%s}\n", when,
		       t->nodes[w->user].name, w->sent, w->answered, w->lost,
		       w->changes, ms(w->longest), pop_json(t, w->pop, pj, sizeof(pj)));
	} else {
		printf("%s: %u probes, %u answered, %u lost; %u change%s of POP; "
		       "longest outage %.1f ms; now %s\n", t->nodes[w->user].name,
		       w->sent, w->answered, w->lost, w->changes,
		       w->changes == 1 ? "" : "s", ms(w->longest),
		       pop_name(t, w->pop));
	}
}

int cli_watch(const struct cli_verb *v, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ "probe", required_argument, NULL, 'p' },
		{ "all", no_argument, NULL, 'a' },
		{ "lab", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char labname[TOPO_NAME_MAX + 1];
	struct watch_set ws = { 0 };
	struct watch_ctx proto = { .pop = -2 };
	const char *lab = NULL;
	double interval_ms = 10;
	struct prober *pr = NULL;
	struct ev_loop *l = NULL;
	enum probe_kind http = PROBE_HTTP;
	bool all = false;
	uint64_t timeout_ns;
	struct topo t;
	size_t i;
	int c, rc, r = 0;
	char *end;

	while ((c = cli_getopt(v, argc, argv, "i:jp:al:h", opts, &rc)) != -1) {
		switch (c) {
		case CLI_OPT_EXIT:
			return rc;
		case 'p':
			if (cli_probe_kind(v->name, optarg, &http) < 0)
				return 2;
			break;
		case 'a':
			all = true;
			break;
		case 'i':
			interval_ms = strtod(optarg, &end);
			if (*end || !(interval_ms >= 0.1 && interval_ms <= 60000))
				return cli_error(v->name, "--interval takes milliseconds "
						 "from 0.1 to 60000, not '%s'", optarg), 2;
			break;
		case 'j':
			proto.json = true;
			break;
		case 'l':
			lab = optarg;
			break;
		}
	}
	if (argc - optind != (all ? 0 : 1))
		return cli_error(v->name, all ? "--all takes no USER" :
				 "needs one USER: anycastlab watch USER (or --all)"), 2;
	/* A probe unanswered for 100 intervals (at least 200 ms) is lost. */
	proto.interval_ns = (uint64_t)(interval_ms * 1e6);
	timeout_ns = proto.interval_ns * 100 > 200000000ull ?
		     proto.interval_ns * 100 : 200000000ull;
	if (cli_lab_begin(v->name, lab, labname, sizeof(labname), &t))
		return 1;
	ws.w = calloc(t.nnodes ? t.nnodes : 1, sizeof(*ws.w));
	l = ev_loop_new();
	if (!ws.w || !l || prober_new(l, t.anycast_addr, proto.interval_ns,
				      timeout_ns, watch_cb, &ws, &pr) < 0 ||
	    prober_use(pr, http, topo_dns_origin(&t)) < 0) {
		r = cli_error(v->name, "out of memory");
		goto out;
	}
	proto.t = &t;
	proto.lab = labname;
	proto.l = l;
	proto.all = all;
	for (i = 0; i < t.nnodes; i++) {
		long u;
		int fd;

		if (t.nodes[i].kind != TOPO_KIND_USER)
			continue;
		if (!all && strcmp(t.nodes[i].name, argv[optind]))
			continue;
		fd = cli_user_netns(v->name, &t, t.nodes[i].name, &u);
		if (fd < 0) {
			r = 1;
			goto out;
		}
		ws.w[ws.n] = proto;
		ws.w[ws.n].user = i;
		rc = prober_add(pr, fd, ws.n);
		close(fd);
		if (rc < 0) {
			r = cli_error(v->name, "cannot probe from %s: %s",
				      t.nodes[i].name, strerror(-rc));
			goto out;
		}
		ws.n++;
	}
	if (!ws.n) {
		/* Not a user: say what it is, as cli_find_node does. */
		long u;
		int fd = cli_user_netns(v->name, &t, argv[optind], &u);

		if (fd >= 0)
			close(fd);
		r = 1;
		goto out;
	}
	if (!proto.json)
		printf("watching 104.16.0.1 from %s every %g ms with %s; Ctrl-C "
		       "stops\n", all ? "every user" : t.nodes[ws.w[0].user].name,
		       interval_ms, cli_probe_what(http));
	fflush(stdout);
	ev_signal_add(l, SIGINT, on_sigint, pr);
	ev_signal_add(l, SIGTERM, on_sigint, pr);
	prober_start(pr, 0);
	ev_loop_run(l);
	/* After a ^C on a terminal, the summary starts on a line of its own. */
	if (!proto.json && isatty(STDOUT_FILENO))
		printf("\n");
	for (i = 0; i < ws.n; i++)
		watch_summary(&ws.w[i]);
out:
	prober_free(pr);
	if (l)
		ev_loop_free(l);
	free(ws.w);
	topo_free(&t);
	return r;
}

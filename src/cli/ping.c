/*
 * `anycastlab ping USER` and `anycastlab watch USER`: ICMP echoes to the
 * anycast address from the user's namespace.  Which POP answered is read
 * from each reply's recorded route (orch/probe.h), never predicted.
 * watch probes on its own timer (every 10 ms by default: iputils ping on
 * a HZ=250 kernel cannot go below 16 ms) and prints one line per change
 * of POP and per outage.
 */
#include "cli/cli.h"
#include "ev/ev.h"
#include "net/netns.h"
#include "orch/probe.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

long cli_pop_of_link_addr(void *ctx, uint32_t addr)
{
	const struct topo *t = ctx;
	size_t k;

	for (k = 0; k < t->nlinks; k++) {
		const struct topo_link *l = &t->links[k];

		if (l->addr_a == addr && t->nodes[l->b].kind == TOPO_KIND_POP)
			return (long)l->b;
		if (l->addr_b == addr && t->nodes[l->a].kind == TOPO_KIND_POP)
			return (long)l->a;
	}
	return -1;
}

long cli_event_pop(const struct topo *t, const struct probe_event *ev)
{
	long i;

	if (ev->served_by) {
		i = topo_node_find(t, ev->served_by);
		return i >= 0 && t->nodes[i].kind == TOPO_KIND_POP ? i : -1;
	}
	return probe_answering_pop(ev->reply, t->anycast_addr,
				   cli_pop_of_link_addr, (void *)t);
}

int cli_probe_kind(const char *verb, const char *arg, bool *http)
{
	if (!strcmp(arg, "http") || !strcmp(arg, "icmp")) {
		*http = arg[0] == 'h';
		return 0;
	}
	cli_error(verb, "--probe is http or icmp, not '%s'", arg);
	return -EINVAL;
}

const char *cli_probe_what(bool http)
{
	return http ? "HTTP GET http://104.16.0.1/ (what a browser sees: a "
		      "stopped or killed POP answers none)" :
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

void cli_hops(const struct topo *t, const struct probe_reply *r, long pop,
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
	if (r->nrr == PROBE_RR_MAX && w < n)
		snprintf(buf + w, n - w, " > ...");
}

/* Open the user's namespace; -1 after an error message. */
int cli_user_netns(const char *verb, const struct topo *t, const char *user,
		   long *idx)
{
	int fd;

	*idx = cli_find_node(verb, t, user);
	if (*idx < 0)
		return -1;
	if (t->nodes[*idx].kind != TOPO_KIND_USER) {
		cli_error(verb, "%s is %s %s, not a user: probes start at users",
			  user, t->nodes[*idx].kind == TOPO_KIND_ISP ? "an" : "a",
			  topo_kind_name(t->nodes[*idx].kind));
		return -1;
	}
	fd = netns_open(t->nodes[*idx].netns);
	if (fd < 0)
		cli_error(verb, "namespace %s is gone: %s", t->nodes[*idx].netns,
			  strerror(-fd));
	return fd;
}

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
		       uint64_t timeout_ns, bool http, probe_cb cb, void *ctx,
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
	if (r == 0 && http)
		r = prober_use_http(*pr);
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
				  cli_pop_of_link_addr, (void *)p->t);
	cli_hops(p->t, ev->reply, pop, hops, sizeof(hops));
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

int cli_ping(const struct cli_verb *v, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "interval", required_argument, NULL, 'i' },
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
	int c, rc, i;
	char *end;

	while ((c = cli_getopt(v, argc, argv, "c:i:l:h", opts, &rc)) != -1) {
		switch (c) {
		case CLI_OPT_EXIT:
			return rc;
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
	if (argc - optind != 1)
		return cli_error(v->name, "needs one USER: anycastlab ping USER"), 2;
	if (user_prober(v->name, lab, argv[optind], &t, &user,
			(uint64_t)(interval * 1e9), 2000000000ull, false, ping_cb,
			&pc, &pc.l, &pr))
		return 1;
	pc.t = &t;
	pc.count = (unsigned)count;
	printf("PING %s from %s (%s), record route on\n",
	       ip4_str(t.anycast_addr, ip), t.nodes[user].name,
	       t.nodes[user].city ? t.nodes[user].city : "-");
	ev_signal_add(pc.l, SIGINT, on_sigint, pr);
	prober_start(pr, pc.count);
	ev_loop_run(pc.l);
	printf("--- %u answered, %u lost", pc.answered, pc.lost);
	for (i = 0; i < 64 && (size_t)i < t.nnodes; i++)
		if (pc.per_pop[i])
			printf("; %s %u", t.nodes[i].name, pc.per_pop[i]);
	if (pc.answered)
		printf("; rtt min/avg/max %.3f/%.3f/%.3f ms", ms(pc.min),
		       ms(pc.sum / pc.answered), ms(pc.max));
	printf("\n");
	prober_free(pr);
	ev_loop_free(pc.l);
	topo_free(&t);
	return pc.answered ? 0 : 1;
}

/* ---- watch ---- */

struct watch_ctx {
	const struct topo *t;
	struct ev_loop *l;
	size_t user;
	bool json;
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

/*
 * Every probe is resolved once, answered or timed out, but a timeout is
 * known only a timeout after the probe was sent, often after later
 * probes were answered.  So an outage is counted when it ends, by
 * sequence numbers: the probes sent between two answered ones are the
 * ones it lost.  A timeout of a probe older than the last answered one
 * belongs to an outage already told.
 */
static void watch_cb(void *ctx, const struct probe_event *ev)
{
	struct watch_ctx *w = ctx;
	const struct topo *t = w->t;
	char when[40], pj[24], pj2[24];
	unsigned missing;
	uint64_t gap;
	long pop;

	if (!ev) {
		ev_loop_stop(w->l);
		return;
	}
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
				printf("%s  no reply for 1 s (last from %s)...\n", when,
				       pop_name(t, w->pop));
			fflush(stdout);
		}
		return;
	}
	w->answered++;
	/* An answer older than the last one (reordered) changes nothing. */
	if (w->pop != -2 && (int16_t)(ev->seq - w->last_seq) <= 0)
		return;
	pop = cli_event_pop(t, ev);
	missing = w->pop == -2 ? 0 : (unsigned)(uint16_t)(ev->seq - w->last_seq) - 1;
	if (w->pop == -2) {
		if (w->json)
			printf("{\"time\":\"%s\",\"user\":\"%s\",\"event\":\"first\","
			       "\"pop\":%s}\n", when, t->nodes[w->user].name,
			       pop_json(t, pop, pj, sizeof(pj)));
		else
			printf("%s  answered by %s\n", when, pop_name(t, pop));
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
			printf("%s  %s -> %s  no probe lost\n", when,
			       pop_name(t, w->pop), pop_name(t, pop));
		else if (pop != w->pop)
			printf("%s  %s -> %s  outage %.1f ms, %u probe%s lost\n", when,
			       pop_name(t, w->pop), pop_name(t, pop), ms(gap),
			       missing, missing == 1 ? "" : "s");
		else
			printf("%s  outage %.1f ms, %u probe%s lost, still %s\n", when,
			       ms(gap), missing, missing == 1 ? "" : "s",
			       pop_name(t, pop));
	}
	fflush(stdout);
	w->pop = pop;
	w->last_sent = ev->sent_ns;
	w->last_seq = ev->seq;
	w->lost_since = 0;
	w->quiet_said = false;
}

int cli_watch(const struct cli_verb *v, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ "probe", required_argument, NULL, 'p' },
		{ "lab", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct watch_ctx w = { .pop = -2 };
	bool http = true;
	const char *lab = NULL;
	double interval_ms = 10;
	struct prober *pr = NULL;
	struct topo t;
	long user;
	int c, rc;
	char *end;

	while ((c = cli_getopt(v, argc, argv, "i:jp:l:h", opts, &rc)) != -1) {
		switch (c) {
		case CLI_OPT_EXIT:
			return rc;
		case 'p':
			if (cli_probe_kind(v->name, optarg, &http) < 0)
				return 2;
			break;
		case 'i':
			interval_ms = strtod(optarg, &end);
			if (*end || !(interval_ms >= 0.1 && interval_ms <= 60000))
				return cli_error(v->name, "--interval takes milliseconds "
						 "from 0.1 to 60000, not '%s'", optarg), 2;
			break;
		case 'j':
			w.json = true;
			break;
		case 'l':
			lab = optarg;
			break;
		}
	}
	if (argc - optind != 1)
		return cli_error(v->name, "needs one USER: anycastlab watch USER"), 2;
	/* A probe unanswered for 100 intervals (at least 200 ms) is lost. */
	w.interval_ns = (uint64_t)(interval_ms * 1e6);
	if (user_prober(v->name, lab, argv[optind], &t, &user, w.interval_ns,
			w.interval_ns * 100 > 200000000ull ?
			w.interval_ns * 100 : 200000000ull, http, watch_cb, &w, &w.l,
			&pr))
		return 1;
	w.t = &t;
	w.user = (size_t)user;
	if (!w.json)
		printf("watching 104.16.0.1 from %s every %g ms with %s; Ctrl-C "
		       "stops\n", t.nodes[user].name, interval_ms,
		       cli_probe_what(http));
	fflush(stdout);
	ev_signal_add(w.l, SIGINT, on_sigint, pr);
	ev_signal_add(w.l, SIGTERM, on_sigint, pr);
	prober_start(pr, 0);
	ev_loop_run(w.l);
	if (w.json) {
		char when[40], pj[24];

		stamp(when, sizeof(when), true);
		printf("{\"time\":\"%s\",\"user\":\"%s\",\"event\":\"summary\","
		       "\"sent\":%u,\"answered\":%u,\"lost\":%u,\"changes\":%u,"
		       "\"longest_outage_ms\":%.3f,\"pop\":%s}\n", when,
		       t.nodes[user].name, w.sent, w.answered, w.lost, w.changes,
		       ms(w.longest), pop_json(&t, w.pop, pj, sizeof(pj)));
	}
	else
		printf("%s: %u probes, %u answered, %u lost; %u change%s of POP; "
		       "longest outage %.1f ms; now %s\n", t.nodes[user].name, w.sent,
		       w.answered, w.lost, w.changes, w.changes == 1 ? "" : "s",
		       ms(w.longest), pop_name(&t, w.pop));
	prober_free(pr);
	ev_loop_free(w.l);
	topo_free(&t);
	return 0;
}

/*
 * `anycastlab failover POP`: the anycast failover experiment, end to end.
 *
 * Every user the POP serves (found by probing, not predicted) is probed
 * at a fixed interval (1 ms by default).  Once each is steadily answered
 * by the POP, the failure is triggered (kill, withdraw, cut or freeze) by
 * a child process, so probing never pauses.  Each user's outage is the
 * time from the trigger until the first probe answered by its next POP
 * was sent: the POP's own service is gone from the trigger on (its HTTP
 * responder lives in the router process) even where its kernel still
 * answers echoes.  Lost probes are counted too.  Then the failure is
 * undone and every user must come back.  The next POP is checked against
 * the failover table in the lab's topology file, when it has one.
 */
#include "cli/cli.h"
#include "orch/live.h"
#include "ev/ev.h"
#include "net/netns.h"
#include "orch/fault.h"
#include "net/probe.h"
#include "run/state.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define FO_STEADY	20	/* consecutive answers that make a state steady */
#define FO_MAX_USERS	64

enum fo_mode { FO_KILL, FO_WITHDRAW, FO_CUT, FO_FREEZE };
static const char *const fo_mode_name[] = { "kill", "withdraw", "cut", "freeze" };

enum fo_phase { FO_WARMUP, FO_FAILED, FO_RESTORED, FO_DONE };

struct fo_user {
	size_t node;
	long expect;		/* next POP per the topology's table, -1: none */
	long pop;		/* POP of the last answer */
	unsigned streak;	/* consecutive answers from it */
	bool moved, returned;
	long new_pop;
	uint64_t moved_ns;	/* trigger -> first answer from new_pop sent */
	uint64_t back_ns;	/* restore -> first answer from the POP again */
	unsigned lost;		/* probes lost after the trigger */
	uint64_t answered_ns;	/* send time of the last answered probe */
	uint16_t answered_seq;	/* and its sequence number */
	uint64_t outage_ns;	/* no probe answered, around the move */
};

struct fo_run {
	const char *lab;
	const struct topo *t;
	size_t pop;
	enum fo_mode mode;
	struct ev_loop *l;
	struct prober *pr;
	struct fo_user *u;
	size_t nu;
	enum fo_phase phase;
	uint64_t trigger_ns, restore_ns;
	struct ev_timer deadline;
	uint64_t interval_ns;
	pid_t child;
	int acted_fd;		/* the child's report of when it acted */
	bool timed_out;
	const char *why;
};

/* Carry out (or undo) the failure in a child, so the loop keeps probing. */
static pid_t fo_act(struct fo_run *r, bool fail)
{
	const struct topo *t = r->t;
	char msg[256];
	int fds[2], ret = 0;
	pid_t pid;
	size_t k;

	r->acted_fd = -1;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid != 0) {
		close(fds[1]);
		r->acted_fd = pid > 0 ? fds[0] : -1;
		if (pid < 0)
			close(fds[0]);
		return pid;
	}
	close(fds[0]);
	switch (r->mode) {
	case FO_KILL:
		ret = fail ? fault_kill(r->lab, t, r->pop, msg, sizeof(msg)) :
			     fault_revive(r->lab, t, r->pop, msg, sizeof(msg));
		break;
	case FO_WITHDRAW:
		ret = fault_announce(r->lab, t, r->pop, !fail, msg, sizeof(msg));
		break;
	case FO_CUT:
		for (k = 0; k < t->nlinks && ret == 0; k++) {
			const struct topo_link *l = &t->links[k];

			if (l->a == r->pop || l->b == r->pop)
				ret = fault_cut(r->lab, t, l->a, l->b, fail, msg,
						sizeof(msg));
		}
		break;
	case FO_FREEZE:
		ret = fault_freeze(r->lab, t, r->pop, fail, msg, sizeof(msg));
		break;
	}
	if (ret < 0)
		fprintf(stderr, "anycastlab failover: %s\n", msg);
	else if (write(fds[1], &fault_acted_ns, sizeof(fault_acted_ns)) < 0)
		ret = -errno;
	_exit(ret < 0 ? 1 : 0);
}

/* Wait for the child; the moment it acted, or fallback if it did not say. */
static uint64_t fo_reap(struct fo_run *r, uint64_t fallback)
{
	uint64_t when = 0;

	if (r->child > 0)
		waitpid(r->child, NULL, 0);
	r->child = 0;
	if (r->acted_fd >= 0) {
		if (read(r->acted_fd, &when, sizeof(when)) != sizeof(when))
			when = 0;
		close(r->acted_fd);
		r->acted_fd = -1;
	}
	return when ? when : fallback;
}

static bool fo_all(const struct fo_run *r, bool (*pred)(const struct fo_run *,
						      const struct fo_user *))
{
	size_t i;

	for (i = 0; i < r->nu; i++)
		if (!pred(r, &r->u[i]))
			return false;
	return true;
}

static bool steady_on_pop(const struct fo_run *r, const struct fo_user *u)
{
	return u->pop == (long)r->pop && u->streak >= FO_STEADY;
}

static bool steady_elsewhere(const struct fo_run *r, const struct fo_user *u)
{
	return u->moved && u->pop != (long)r->pop && u->pop >= 0 &&
	       u->streak >= FO_STEADY;
}

static void fo_deadline(struct fo_run *r, uint64_t ms)
{
	ev_timer_arm(r->l, &r->deadline, ms);
}

static void fo_on_deadline(struct ev_loop *l, struct ev_timer *t, void *ctx)
{
	struct fo_run *r = ctx;

	(void)t;
	r->timed_out = true;
	r->why = r->phase == FO_WARMUP ? "users were not steadily answered by the POP" :
		 r->phase == FO_FAILED ? "users did not move to another POP" :
		 "users did not come back to the POP";
	r->phase = FO_DONE;
	prober_stop(r->pr);
	ev_loop_stop(l);
}

static void fo_cb(void *ctx, const struct probe_event *ev)
{
	struct fo_run *r = ctx;
	struct fo_user *u;
	long pop;

	if (!ev) {
		ev_loop_stop(r->l);
		return;
	}
	u = &r->u[ev->user];
	if (!ev->answered) {
		u->streak = 0;
		return;
	}
	pop = cli_event_pop(r->t, ev);
	u->streak = pop == u->pop ? u->streak + 1 : 1;
	u->pop = pop;
	if (r->phase == FO_FAILED && !u->moved && pop >= 0 && pop != (long)r->pop &&
	    ev->sent_ns >= r->trigger_ns) {
		u->moved = true;
		u->new_pop = pop;
		u->moved_ns = ev->sent_ns;	/* made relative once we know */
		/* What `watch` calls the outage and its lost probes: those
		 * sent between the last answer and this one (counted by
		 * sequence: their timeouts may come later). */
		u->lost = (unsigned)(uint16_t)(ev->seq - u->answered_seq) - 1;
		if (u->lost && ev->sent_ns > u->answered_ns + r->interval_ns)
			u->outage_ns = ev->sent_ns - u->answered_ns - r->interval_ns;
	}
	if ((int16_t)(ev->seq - u->answered_seq) > 0 || !u->answered_ns) {
		u->answered_ns = ev->sent_ns;
		u->answered_seq = ev->seq;
	}
	if (r->phase == FO_RESTORED && !u->returned && pop == (long)r->pop &&
	    ev->sent_ns >= r->restore_ns) {
		u->returned = true;
		u->back_ns = ev->sent_ns;
	}
	switch (r->phase) {
	case FO_WARMUP:
		if (fo_all(r, steady_on_pop)) {
			r->phase = FO_FAILED;
			r->trigger_ns = ev_now_ns();
			r->child = fo_act(r, true);
			/* A frozen router is noticed only by hold timers. */
			fo_deadline(r, (uint64_t)r->t->hold_time * 1000 + 10000);
		}
		break;
	case FO_FAILED:
		if (fo_all(r, steady_elsewhere)) {
			r->trigger_ns = fo_reap(r, r->trigger_ns);
			r->phase = FO_RESTORED;
			r->restore_ns = ev_now_ns();
			r->child = fo_act(r, false);
			fo_deadline(r, 30000);
		}
		break;
	case FO_RESTORED:
		if (fo_all(r, steady_on_pop)) {
			r->phase = FO_DONE;
			prober_stop(r->pr);
			ev_loop_stop(r->l);
		}
		break;
	case FO_DONE:
		break;
	}
}

/* The failover table of a topology file: header "#   user nearest | a b"
 * then "#   u-x  a | b a". */
static long table_expect(const char *lab, const struct topo *t, size_t user,
			 size_t pop)
{
	char path[STATE_PATH_MAX], line[512], cols[16][TOPO_NAME_MAX + 1];
	size_t ncols = 0, i;
	long found = -1;
	FILE *f;

	if (state_path(path, sizeof(path), lab, "topology.yaml") < 0)
		return -1;
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *bar = strchr(line, '|'), *tok, *save;
		char first[TOPO_NAME_MAX + 2] = "";

		if (line[0] != '#' || !bar)
			continue;
		sscanf(line + 1, "%16s", first);
		if (!strcmp(first, "user")) {
			ncols = 0;
			for (tok = strtok_r(bar + 1, " \t\n", &save); tok && ncols < 16;
			     tok = strtok_r(NULL, " \t\n", &save))
				snprintf(cols[ncols++], sizeof(cols[0]), "%s", tok);
			continue;
		}
		if (!ncols || strcmp(first, t->nodes[user].name))
			continue;
		i = 0;
		for (tok = strtok_r(bar + 1, " \t\n", &save); tok && i < ncols;
		     tok = strtok_r(NULL, " \t\n", &save), i++)
			if (!strcmp(cols[i], t->nodes[pop].name))
				found = topo_node_find(t, tok);
		break;
	}
	fclose(f);
	return found;
}

struct who_ctx {
	struct ev_loop *l;
	const struct topo *t;
	long answered_by[FO_MAX_USERS];
};

static void who_cb(void *ctx, const struct probe_event *ev)
{
	struct who_ctx *w = ctx;

	if (!ev) {
		ev_loop_stop(w->l);
		return;
	}
	if (ev->answered && ev->user < FO_MAX_USERS)
		w->answered_by[ev->user] = cli_event_pop(w->t, ev);
}

/* Add a prober entry for user; index is its position in u[]. */
static int fo_add_user(struct prober *pr, const struct topo *t, size_t node,
		       size_t index)
{
	int fd = netns_open(t->nodes[node].netns), r;

	if (fd < 0)
		return fd;
	r = prober_add(pr, fd, index);
	close(fd);
	return r;
}

/* Users answered by pop right now (three probes each, the last counts). */
static size_t fo_find_users(const struct topo *t, size_t pop, bool http,
			    size_t *out)
{
	struct who_ctx w = { .t = t };
	size_t users[FO_MAX_USERS], nu = 0, i, n = 0;
	struct prober *pr = NULL;

	w.l = ev_loop_new();
	if (!w.l || prober_new(w.l, t->anycast_addr, 5000000ull, 500000000ull,
			       who_cb, &w, &pr) < 0 || (http && prober_use_http(pr) < 0))
		goto out;
	for (i = 0; i < t->nnodes && nu < FO_MAX_USERS; i++) {
		if (t->nodes[i].kind != TOPO_KIND_USER)
			continue;
		w.answered_by[nu] = -1;
		if (fo_add_user(pr, t, i, nu) == 0)
			users[nu++] = i;
	}
	prober_start(pr, 3);
	ev_loop_run(w.l);
	for (i = 0; i < nu; i++)
		if (w.answered_by[i] == (long)pop)
			out[n++] = users[i];
out:
	prober_free(pr);
	if (w.l)
		ev_loop_free(w.l);
	return n;
}

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One median per user over the runs: as JSON members after json_open,
 * or as a text line. */
static void fo_medians(const struct topo *t, const size_t *nodes, size_t nu,
		       long runs, const double *v, const char *json_open,
		       const char *text_fmt)
{
	double col[100];
	size_t i;
	long run;

	if (json_open)
		printf("%s", json_open);
	else
		printf(text_fmt, runs, runs == 1 ? "" : "s");
	for (i = 0; i < nu; i++) {
		for (run = 0; run < runs; run++)
			col[run] = v[(size_t)run * nu + i];
		if (json_open)
			printf("%s\"%s\":%.3f", i ? "," : "", t->nodes[nodes[i]].name,
			       median(col, (size_t)runs));
		else
			printf(" %s %.1f ms", t->nodes[nodes[i]].name,
			       median(col, (size_t)runs));
	}
	if (!json_open)
		printf("\n");
}

int cli_failover(const struct cli_verb *v, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "mode", required_argument, NULL, 'm' },
		{ "runs", required_argument, NULL, 'r' },
		{ "interval", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ "probe", required_argument, NULL, 'p' },
		{ "lab", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char labname[TOPO_NAME_MAX + 1];
	bool http = true;
	double *moved = NULL;
	const char *lab = NULL, *user = NULL;
	enum fo_mode mode = FO_KILL;
	double interval_ms = 1;
	size_t nodes[FO_MAX_USERS], nu, i, k;
	double *outage = NULL;
	long runs = 1, pop, run;
	bool json = false, all_ok = true;
	struct topo t;
	int c, rc, r = 0;
	char *end;

	while ((c = cli_getopt(v, argc, argv, "u:m:r:i:jp:l:h", opts, &rc)) != -1) {
		switch (c) {
		case CLI_OPT_EXIT:
			return rc;
		case 'p':
			if (cli_probe_kind(v->name, optarg, &http) < 0)
				return 2;
			break;
		case 'u': user = optarg; break;
		case 'm':
			for (k = 0; k < 4 && strcmp(optarg, fo_mode_name[k]); k++)
				;
			if (k == 4)
				return cli_error(v->name, "--mode is one of kill, "
						 "withdraw, cut, freeze; not '%s'",
						 optarg), 2;
			mode = (enum fo_mode)k;
			break;
		case 'r':
			runs = strtol(optarg, &end, 10);
			if (*end || runs < 1 || runs > 100)
				return cli_error(v->name, "--runs takes 1 to 100, "
						 "not '%s'", optarg), 2;
			break;
		case 'i':
			interval_ms = strtod(optarg, &end);
			if (*end || !(interval_ms >= 0.1 && interval_ms <= 1000))
				return cli_error(v->name, "--interval takes milliseconds "
						 "from 0.1 to 1000, not '%s'", optarg), 2;
			break;
		case 'j': json = true; break;
		case 'l': lab = optarg; break;
		}
	}
	if (argc - optind != 1)
		return cli_error(v->name, "needs one POP: anycastlab failover POP"), 2;
	if (cli_lab_begin(v->name, lab, labname, sizeof(labname), &t))
		return 1;
	pop = cli_find_node(v->name, &t, argv[optind]);
	if (pop < 0)
		goto fail;
	if (t.nodes[pop].kind != TOPO_KIND_POP) {
		cli_error(v->name, "%s is not a POP", argv[optind]);
		goto fail;
	}
	nu = fo_find_users(&t, (size_t)pop, http, nodes);
	if (user) {
		long ui = cli_find_node(v->name, &t, user);

		if (ui < 0)
			goto fail;
		for (i = 0; i < nu && nodes[i] != (size_t)ui; i++)
			;
		if (i == nu) {
			cli_error(v->name, "%s is not answered by %s now (see "
				  "'anycastlab ping %s')", user, argv[optind], user);
			goto fail;
		}
		nodes[0] = (size_t)ui;
		nu = 1;
	}
	if (!nu) {
		struct live_lab L;
		char faults[512] = "";

		if (live_load(labname, &L) == 0)
			live_faults(&L, faults, sizeof(faults));
		live_free(&L);
		if (faults[0])
			cli_error(v->name, "no user is answered by %s now: %s",
				  argv[optind], faults);
		else
			cli_error(v->name, "no user is answered by %s now (it is "
				  "nobody's nearest POP)", argv[optind]);
		goto fail;
	}
	outage = calloc(nu * (size_t)runs, sizeof(*outage));
	moved = calloc(nu * (size_t)runs, sizeof(*moved));
	if (!outage || !moved)
		goto fail;
	if (json)
		printf("{\"pop\":\"%s\",\"mode\":\"%s\",\"probe\":\"%s\","
		       "\"interval_ms\":%g,\"runs\":[", t.nodes[pop].name,
		       fo_mode_name[mode], http ? "http" : "icmp", interval_ms);
	else
		printf("failover of %s (%s), %ld run%s, probing every %g ms from %zu "
		       "user%s with %s\n"
		       "  MOVED: from the failure to the first answer of the next POP;"
		       " OUTAGE: no probe answered\n"
		       "  %-3s %-15s %-5s %-5s %-8s %10s %10s %6s %10s\n",
		       t.nodes[pop].name, fo_mode_name[mode], runs, runs == 1 ? "" : "s",
		       interval_ms, nu, nu == 1 ? "" : "s", cli_probe_what(http),
		       "RUN", "USER", "FROM", "TO", "EXPECTED", "MOVED", "OUTAGE",
		       "LOST", "BACK");
	for (run = 1; run <= runs; run++) {
		struct fo_user u[FO_MAX_USERS];
		struct fo_run fr = {
			.lab = labname, .t = &t, .pop = (size_t)pop, .mode = mode,
			.u = u, .nu = nu,
		};

		memset(u, 0, sizeof(u));
		fr.l = ev_loop_new();
		fr.interval_ns = (uint64_t)(interval_ms * 1e6);
		if (!fr.l || prober_new(fr.l, t.anycast_addr, fr.interval_ns,
					1000000000ull, fo_cb, &fr, &fr.pr) < 0 ||
		    (http && prober_use_http(fr.pr) < 0)) {
			r = -ENOMEM;
			break;
		}
		ev_timer_init(&fr.deadline, fo_on_deadline, &fr);
		fr.acted_fd = -1;
		for (i = 0; i < nu; i++) {
			u[i].node = nodes[i];
			u[i].pop = -1;
			u[i].expect = table_expect(labname, &t, nodes[i], (size_t)pop);
			if (fo_add_user(fr.pr, &t, nodes[i], i) < 0)
				r = -EIO;
		}
		fo_deadline(&fr, 10000);
		prober_start(fr.pr, 0);
		if (r == 0)
			ev_loop_run(fr.l);
		if (fr.phase == FO_FAILED)
			fr.trigger_ns = fo_reap(&fr, fr.trigger_ns);
		else if (fr.restore_ns)
			fr.restore_ns = fo_reap(&fr, fr.restore_ns);
		/* From send times to delays after the moment of action. */
		for (i = 0; i < nu; i++) {
			u[i].moved_ns = u[i].moved && u[i].moved_ns > fr.trigger_ns ?
					u[i].moved_ns - fr.trigger_ns : 0;
			u[i].back_ns = u[i].returned && u[i].back_ns > fr.restore_ns ?
				       u[i].back_ns - fr.restore_ns : 0;
		}
		if (fr.timed_out) {
			/* Leave the lab as it was found. */
			if (fr.phase == FO_DONE && fr.restore_ns == 0 && fr.trigger_ns) {
				fr.child = fo_act(&fr, false);
				fo_reap(&fr, 0);
			}
			all_ok = false;
			if (!json)
				printf("  run %ld: %s in time\n", run, fr.why);
		}
		for (i = 0; i < nu; i++) {
			const char *to = u[i].moved ? t.nodes[u[i].new_pop].name : "-";
			const char *ex = u[i].expect >= 0 ? t.nodes[u[i].expect].name : "-";
			char jto[24] = "null", jex[24] = "null";
			bool ok = u[i].moved && u[i].returned &&
				  (u[i].expect < 0 || u[i].expect == u[i].new_pop);

			if (!ok)
				all_ok = false;
			if (u[i].moved)
				snprintf(jto, sizeof(jto), "\"%s\"", to);
			if (u[i].expect >= 0)
				snprintf(jex, sizeof(jex), "\"%s\"", ex);
			outage[(size_t)(run - 1) * nu + i] = ms(u[i].outage_ns);
			moved[(size_t)(run - 1) * nu + i] = ms(u[i].moved_ns);
			if (json)
				printf("%s{\"run\":%ld,\"user\":\"%s\",\"from\":\"%s\","
				       "\"to\":%s,\"expected\":%s,\"ok\":%s,"
				       "\"moved_ms\":%.3f,\"outage_ms\":%.3f,\"lost\":%u,"
				       "\"back_ms\":%.3f}",
				       run == 1 && i == 0 ? "" : ",", run,
				       t.nodes[u[i].node].name, t.nodes[pop].name, jto, jex,
				       ok ? "true" : "false", ms(u[i].moved_ns),
				       ms(u[i].outage_ns), u[i].lost, ms(u[i].back_ns));
			else
				printf("  %-3ld %-15s %-5s %-5s %-8s %7.1f ms %7.1f ms %6u "
				       "%7.0f ms%s\n",
				       run, t.nodes[u[i].node].name, t.nodes[pop].name, to,
				       ex, ms(u[i].moved_ns), ms(u[i].outage_ns), u[i].lost,
				       ms(u[i].back_ns),
				       ok ? "" : u[i].moved && u[i].expect >= 0 &&
				       u[i].expect != u[i].new_pop ? "  UNEXPECTED POP" :
				       !u[i].moved ? "  DID NOT MOVE" : "  DID NOT COME BACK");
		}
		fflush(stdout);
		prober_free(fr.pr);
		ev_loop_free(fr.l);
		if (fr.timed_out)
			break;
	}
	fo_medians(&t, nodes, nu, runs, outage, json ? "],\"median_outage_ms\":{" :
		   NULL, "  median outage over %ld run%s:");
	fo_medians(&t, nodes, nu, runs, moved, json ? "},\"median_moved_ms\":{" :
		   NULL, "  median time to move over %ld run%s:");
	if (json)
		printf("},\"ok\":%s}\n", all_ok ? "true" : "false");
	free(outage);
	free(moved);
	topo_free(&t);
	return r < 0 || !all_ok ? 1 : 0;
fail:
	free(outage);
	free(moved);
	topo_free(&t);
	return 1;
}

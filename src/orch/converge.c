/*
 * The last two phases of `up`: start one router per ISP and POP (the
 * built-in speaker, or BIRD or FRR as the node says; the built-in routers
 * all listen before any of them connects, and wait for the other daemons
 * to answer first), then wait until every BGP session is Established,
 * every user's traffic for the anycast prefix ends at a POP, no router's
 * best path or UPDATE count has changed for QUIET_MS, and every user's
 * echo to the anycast address comes back, and print the catchment.  On
 * timeout, name what is missing and show the tail of the logs that
 * explain it; `up` then removes the lab unless told to keep it.
 */
#include "orch/lab.h"
#include "daemon/daemon.h"
#include "ev/ev.h"
#include "net/netns.h"
#include "net/probe.h"
#include "orch/snapshot.h"
#include "run/spawn.h"
#include "run/state.h"
#include "util/str.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define READY_TIMEOUT_MS	10000

/*
 * Start the routers of every node whose row is (or is not) held, all at
 * once, then wait for each in turn until it answers.  Held routers (the
 * built-in one) start first and wait to connect until released, so that
 * every router listens before any connects; the others connect on their
 * own schedule once they run.
 */
static int lab_start_some(struct lab *lab, struct daemon_procs *dp,
			  bool held, size_t *started)
{
	const struct topo *t = lab->t;
	struct err e;
	size_t i;
	int r = 0;

	for (i = 0; i < t->nnodes && r == 0; i++) {
		if (!daemon_managed(t, i) || daemon_held(t, i) != held)
			continue;
		r = daemon_start(&lab->journal, t->name, t, i, true, &dp[i], &e);
		if (r < 0)
			lab_error(lab, r, "%s", e.msg);
		else
			(*started)++;
	}
	for (i = 0; i < t->nnodes && r == 0; i++) {
		if (!dp[i].n || daemon_held(t, i) != held)
			continue;
		r = daemon_wait_ready(t->name, t, i, &dp[i], READY_TIMEOUT_MS);
		if (r < 0) {
			lab_fail(lab, r, "the %s of %s %s; its log ends:",
				 daemon_noun(t->nodes[i].daemon), t->nodes[i].name,
				 r == -ETIMEDOUT ? "did not start in time" :
				 "exited while starting");
			lab_log_tail(lab, t->nodes[i].name);
		}
	}
	return r;
}

int lab_start_routers(struct lab *lab)
{
	const struct topo *t = lab->t;
	struct daemon_procs *dp;
	struct timespec t0;
	size_t i, n = 0;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	dp = calloc(t->nnodes, sizeof(*dp));
	if (!dp)
		return -ENOMEM;
	r = lab_start_some(lab, dp, true, &n);
	if (r == 0)
		r = lab_start_some(lab, dp, false, &n);
	/* Released even on failure: `down` stops them either way. */
	for (i = 0; i < t->nnodes; i++)
		daemon_release(&dp[i]);
	free(dp);
	if (r == 0)
		lab_phase(lab, "routers", n, &t0);
	return r;
}

static void print_catchment(const struct topo *t, const struct lab_snapshot *s,
			    FILE *out)
{
	char pfx[PREFIX4_STRLEN];
	size_t i;

	fprintf(out, "\ncatchment of %s (each user's ISP's best path):\n",
		prefix4_str(&t->anycast_prefix, pfx));
	fprintf(out, "  %-15s %-14s %-15s %-22s %-5s %s\n", "USER", "CITY", "ISP",
		"AS PATH", "POP", "POP CITY");
	for (i = 0; i < t->nnodes; i++) {
		const struct topo_node *u = &t->nodes[i];
		const struct snap_user *su = &s->users[i];

		if (u->kind != TOPO_KIND_USER)
			continue;
		fprintf(out, "  %-15s ", u->name);
		str_fpad(out, u->city ? u->city : "-", 14);
		fprintf(out, " %-15s %-22s %-5s %s\n", t->nodes[u->isp].name,
			su->path[0] ? su->path : "-",
			su->pop >= 0 ? t->nodes[su->pop].name :
			su->external ? "?" : "none",
			su->pop >= 0 && t->nodes[su->pop].city ?
			t->nodes[su->pop].city : su->external ?
			"(through a router of your own: daemon none)" : "-");
	}
}

static const struct snap_session *stuck_session(const struct topo *t,
						const struct lab_snapshot *s,
						size_t i, size_t j)
{
	const struct snap_router *sr = &s->routers[i];
	size_t k;

	for (k = 0; k < sr->nsess; k++)
		if (!strcmp(sr->sess[k].peer, t->nodes[j].name))
			return &sr->sess[k];
	return NULL;
}

static void print_stuck(const struct topo *t, const struct lab_snapshot *s,
			FILE *out)
{
	bool *bad = calloc(t->nnodes ? t->nnodes : 1, sizeof(*bad));
	size_t i, k;

	if (!bad)
		return;
	for (i = 0; i < t->nnodes; i++) {
		const struct snap_router *sr = &s->routers[i];

		if (t->nodes[i].kind == TOPO_KIND_USER || sr->external)
			continue;
		if (!sr->answered) {
			fprintf(out, "  %s: its router does not answer (%s)\n",
				t->nodes[i].name, strerror(-sr->error));
			bad[i] = true;
		}
	}
	/* Once per session, with both ends' view: one end may already
	 * say Established while the other still waits for a KEEPALIVE. */
	for (k = 0; k < t->nlinks; k++) {
		const struct topo_link *l = &t->links[k];
		const struct snap_session *a, *b;

		if (t->nodes[l->a].kind == TOPO_KIND_USER ||
		    t->nodes[l->b].kind == TOPO_KIND_USER ||
		    s->routers[l->a].external || s->routers[l->b].external)
			continue;
		a = stuck_session(t, s, l->a, l->b);
		b = stuck_session(t, s, l->b, l->a);
		if (a && a->established && b && b->established)
			continue;
		fprintf(out, "  session %s - %s: %s / %s%s%s\n", t->nodes[l->a].name,
			t->nodes[l->b].name, a ? a->state : "?", b ? b->state : "?",
			a && a->last_error[0] ? "; " : b && b->last_error[0] ? "; " : "",
			a && a->last_error[0] ? a->last_error :
			b && b->last_error[0] ? b->last_error : "");
		bad[l->a] = bad[l->b] = true;
	}
	for (i = 0; i < t->nnodes; i++) {
		if (t->nodes[i].kind != TOPO_KIND_USER || s->users[i].pop >= 0 ||
		    s->users[i].external)
			continue;
		fprintf(out, "  %s: no route to the anycast prefix (via %s)\n",
			t->nodes[i].name, s->users[i].hops);
		/* Its ISP is the router without a route: show why. */
		if (s->users[i].isp >= 0)
			bad[s->users[i].isp] = true;
	}
	for (i = 0; i < t->nnodes; i++) {
		if (!bad[i])
			continue;
		fprintf(out, "  log of %s ends:\n", t->nodes[i].name);
		spawn_log_tail(t->name, t->nodes[i].name, 5, out);
	}
	free(bad);
}

/* BGP sessions in the lab: links between two routers. */
static void stuck(struct lab *lab, FILE *f, const void *s)
{
	print_stuck(lab->t, s, f);
}

static size_t lab_sessions(const struct topo *t)
{
	size_t k, n = 0;

	for (k = 0; k < t->nlinks; k++)
		if (t->nodes[t->links[k].a].kind != TOPO_KIND_USER &&
		    t->nodes[t->links[k].b].kind != TOPO_KIND_USER)
			n++;
	return n;
}

#define ECHO_TIMEOUT_NS	200000000ull

/*
 * How long the routers' view must stay the same before the lab counts as
 * converged: a best path that arrives a little after the first one (a
 * slower daemon, a longer path found first) must not be reported as the
 * catchment.  A lab with MRAI set holds UPDATEs longer than this; its
 * convergence is the first quiet moment, and `routes` shows what follows.
 */
#define QUIET_MS	50

/* What must stay the same: every router's best path and UPDATE counts. */
static uint64_t snapshot_fingerprint(const struct topo *t,
				     const struct lab_snapshot *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i, j;

#define MIX(p, n) do { \
		const unsigned char *b_ = (const unsigned char *)(p); \
		for (size_t k_ = 0; k_ < (n); k_++) \
			h = (h ^ b_[k_]) * 0x100000001b3ull; \
	} while (0)
	for (i = 0; i < t->nnodes; i++) {
		const struct snap_router *r = &s->routers[i];

		MIX(r->via, strlen(r->via) + 1);
		MIX(r->path, strlen(r->path) + 1);
		MIX(r->anycast, strlen(r->anycast) + 1);
		for (j = 0; j < r->nsess; j++) {
			MIX(&r->sess[j].updates_rx, sizeof(uint64_t));
			MIX(&r->sess[j].updates_tx, sizeof(uint64_t));
		}
	}
#undef MIX
	return h;
}

struct echo_ctx {
	struct ev_loop *l;
	bool *back;		/* by user node index */
};

static void echo_cb(void *ctx, const struct probe_event *ev)
{
	struct echo_ctx *c = ctx;

	if (!ev)
		ev_loop_stop(c->l);
	else if (ev->answered)
		c->back[ev->user] = true;
}

/*
 * Whether one echo from every user (but those behind a router of the
 * user's own) to the anycast address comes back: 1, 0, or -errno.  The
 * way back counts too: every ISP may have its route to the anycast
 * prefix while a POP still waits for its route to a user's network.
 */
static int users_answer(const struct topo *t, const struct lab_snapshot *s)
{
	struct echo_ctx c = { 0 };
	struct prober *pr = NULL;
	bool all = true;
	size_t i, n = 0;
	int r, fd;

	c.back = calloc(t->nnodes, sizeof(*c.back));
	c.l = c.back ? ev_loop_new() : NULL;
	r = c.l ? prober_new(c.l, t->anycast_addr, 1000000ull, ECHO_TIMEOUT_NS,
			     echo_cb, &c, &pr) : -ENOMEM;
	for (i = 0; r == 0 && i < t->nnodes; i++) {
		if (t->nodes[i].kind != TOPO_KIND_USER || s->users[i].external)
			continue;
		fd = netns_open(t->nodes[i].netns);
		r = fd < 0 ? fd : prober_add(pr, fd, i);
		if (fd >= 0)
			close(fd);
		n++;
	}
	if (r == 0 && n) {
		prober_start(pr, 1);
		r = ev_loop_run(c.l);
	}
	for (i = 0; r == 0 && i < t->nnodes; i++)
		if (t->nodes[i].kind == TOPO_KIND_USER && !s->users[i].external)
			all &= c.back[i];
	prober_free(pr);
	if (c.l)
		ev_loop_free(c.l);
	free(c.back);
	return r < 0 ? r : all;
}

int lab_converge(struct lab *lab)
{
	const struct topo *t = lab->t;
	struct lab_snapshot s;
	struct timespec t0, nap = { 0, 5 * 1000 * 1000 };
	struct timespec same_since;
	uint64_t fp, last_fp = 0;
	char addr[IP4_STRLEN];
	bool settling = false, quiet;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		r = snapshot_take(t->name, t, 1000, &s);
		if (r < 0)
			return lab_fail(lab, r, "cannot ask the routers");
		quiet = false;
		if (s.all_established && s.all_routed) {
			fp = snapshot_fingerprint(t, &s);
			if (!settling || fp != last_fp) {
				last_fp = fp;
				settling = true;
				clock_gettime(CLOCK_MONOTONIC, &same_since);
			}
			quiet = lab_ms_since(&same_since) >= QUIET_MS;
		} else {
			settling = false;
		}
		if (quiet && (r = users_answer(t, &s)) != 0) {
			if (r > 0)
				break;
			snapshot_free(&s);
			return lab_fail(lab, r, "cannot probe from the users");
		}
		if (orch_interrupted || lab_ms_since(&t0) > lab->opts->timeout_ms) {
			if (orch_interrupted)
				lab_error(lab, -EINTR, "interrupted (%s) while "
					  "waiting for BGP to converge",
					  strsignal(orch_interrupted));
			else
				lab_error(lab, -ETIMEDOUT, "BGP did not converge "
					  "in %.1f s", lab_ms_since(&t0) / 1e3);
			if (lab->opts->keep_on_failure)
				err_add(lab->err, "; the lab stays up for debugging "
					"('anycastlab down %s' removes it):\n",
					t->name);
			else
				err_add(lab->err, " (--keep-on-failure keeps it for "
					"debugging):\n");
			if (quiet)
				err_add(lab->err, "  every ISP has a route to the "
					"anycast prefix, but some user's echo to %s "
					"does not come back\n",
					ip4_str(t->anycast_addr, addr));
			else if (settling)
				err_add(lab->err, "  every ISP has a route to the "
					"anycast prefix, but the routers' best paths "
					"kept changing\n");
			lab_err_from(lab, stuck, &s);
			snapshot_free(&s);
			return -ETIMEDOUT;
		}
		snapshot_free(&s);
		nanosleep(&nap, NULL);
	}
	lab_phase(lab, "convergence", lab_sessions(t), &t0);
	print_catchment(t, &s, lab->out);
	snapshot_free(&s);
	return 0;
}

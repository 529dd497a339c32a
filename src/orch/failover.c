/*
 * The failover experiment (see failover.h).
 */
#include "orch/failover.h"
#include "orch/answer.h"
#include "orch/fault.h"
#include "ev/ev.h"
#include "net/netns.h"
#include "net/probe.h"
#include "run/state.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define FO_STEADY	20	/* consecutive answers that make a state steady */

static const char *const mode_names[] = {
	[FAILOVER_KILL] = "kill", [FAILOVER_WITHDRAW] = "withdraw",
	[FAILOVER_CUT] = "cut", [FAILOVER_FREEZE] = "freeze",
};

const char *failover_mode_name(enum failover_mode m)
{
	return mode_names[m];
}

int failover_mode_parse(const char *s, enum failover_mode *m)
{
	size_t k;

	for (k = 0; k < sizeof(mode_names) / sizeof(mode_names[0]); k++) {
		if (!strcmp(s, mode_names[k])) {
			*m = (enum failover_mode)k;
			return 0;
		}
	}
	return -EINVAL;
}

enum fo_phase { FO_WARMUP, FO_FAILED, FO_RESTORED, FO_DONE };

/* A user's probing state, and what the run observed. */
struct fo_user {
	struct failover_user *out;
	long pop;		/* POP of the last answer */
	unsigned streak;	/* consecutive answers from it */
	uint64_t answered_ns;	/* send time of the last answered probe */
	uint16_t answered_seq;	/* and its sequence number */
};

struct fo_run {
	const struct failover *f;
	struct ev_loop *l;
	struct prober *pr;
	struct fo_user *u;
	size_t nu;
	enum fo_phase phase;
	uint64_t trigger_ns, restore_ns;
	struct ev_timer deadline;
	pid_t child;
	int acted_fd;		/* the child's report of when it acted */
	bool timed_out;
	const char *why;
};

/* Carry out (or undo) the failure in a child, so the loop keeps probing. */
static pid_t fo_act(struct fo_run *r, bool fail)
{
	const struct topo *t = r->f->t;
	static const enum fault_verb verbs[][2] = {
		[FAILOVER_KILL] = { FAULT_KILL, FAULT_REVIVE },
		[FAILOVER_WITHDRAW] = { FAULT_WITHDRAW, FAULT_ANNOUNCE },
		[FAILOVER_CUT] = { FAULT_CUT, FAULT_HEAL },
		[FAILOVER_FREEZE] = { FAULT_FREEZE, FAULT_THAW },
	};
	enum fault_verb v = verbs[r->f->mode][fail ? 0 : 1];
	struct fault_done done;
	uint64_t first = 0;
	int fds[2], ret = 0;
	struct err e;
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
	if (v == FAULT_CUT || v == FAULT_HEAL) {
		/* Every link of the POP; the failure began with the first. */
		for (k = 0; k < t->nlinks && ret == 0; k++) {
			const struct topo_link *l = &t->links[k];

			if (l->a != r->f->pop && l->b != r->f->pop)
				continue;
			ret = fault_do(r->f->lab, t, v, l->a, l->b, &done, &e);
			if (!first)
				first = done.acted_ns;
		}
		done.acted_ns = first;
	} else {
		ret = fault_do(r->f->lab, t, v, r->f->pop, 0, &done, &e);
	}
	if (ret < 0)
		fprintf(stderr, "anycastlab failover: %s\n", e.msg);
	else if (write(fds[1], &done.acted_ns, sizeof(done.acted_ns)) < 0)
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
	return u->pop == (long)r->f->pop && u->streak >= FO_STEADY;
}

static bool steady_elsewhere(const struct fo_run *r, const struct fo_user *u)
{
	return u->out->moved && u->pop != (long)r->f->pop && u->pop >= 0 &&
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
	pop = answer_pop(r->f->t, ev);
	u->streak = pop == u->pop ? u->streak + 1 : 1;
	u->pop = pop;
	if (r->phase == FO_FAILED && !u->out->moved && pop >= 0 &&
	    pop != (long)r->f->pop && ev->sent_ns >= r->trigger_ns) {
		u->out->moved = true;
		u->out->new_pop = pop;
		u->out->moved_ns = ev->sent_ns;	/* made relative once we know */
		/* What `watch` calls the outage and its lost probes: those
		 * sent between the last answer and this one (counted by
		 * sequence: their timeouts may come later). */
		u->out->lost = (unsigned)(uint16_t)(ev->seq - u->answered_seq) - 1;
		if (u->out->lost &&
		    ev->sent_ns > u->answered_ns + r->f->interval_ns)
			u->out->outage_ns = ev->sent_ns - u->answered_ns -
					    r->f->interval_ns;
	}
	if ((int16_t)(ev->seq - u->answered_seq) > 0 || !u->answered_ns) {
		u->answered_ns = ev->sent_ns;
		u->answered_seq = ev->seq;
	}
	if (r->phase == FO_RESTORED && !u->out->returned &&
	    pop == (long)r->f->pop && ev->sent_ns >= r->restore_ns) {
		u->out->returned = true;
		u->out->back_ns = ev->sent_ns;
	}
	switch (r->phase) {
	case FO_WARMUP:
		if (fo_all(r, steady_on_pop)) {
			r->phase = FO_FAILED;
			r->trigger_ns = ev_now_ns();
			r->child = fo_act(r, true);
			/* A frozen router is noticed only by hold timers. */
			fo_deadline(r, (uint64_t)r->f->t->hold_time * 1000 + 10000);
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

struct who_ctx {
	struct ev_loop *l;
	const struct topo *t;
	long answered_by[FAILOVER_MAX_USERS];
};

static void who_cb(void *ctx, const struct probe_event *ev)
{
	struct who_ctx *w = ctx;

	if (!ev) {
		ev_loop_stop(w->l);
		return;
	}
	if (ev->answered && ev->user < FAILOVER_MAX_USERS)
		w->answered_by[ev->user] = answer_pop(w->t, ev);
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
size_t failover_users(const struct failover *f, size_t *out)
{
	const struct topo *t = f->t;
	struct who_ctx w = { .t = t };
	size_t users[FAILOVER_MAX_USERS], nu = 0, i, n = 0;
	struct prober *pr = NULL;

	w.l = ev_loop_new();
	if (!w.l || prober_new(w.l, t->anycast_addr, 5000000ull, 500000000ull,
			       who_cb, &w, &pr) < 0 || prober_use(pr, f->probe, topo_dns_origin(t)) < 0)
		goto out;
	for (i = 0; i < t->nnodes && nu < FAILOVER_MAX_USERS; i++) {
		if (t->nodes[i].kind != TOPO_KIND_USER)
			continue;
		w.answered_by[nu] = -1;
		if (fo_add_user(pr, t, i, nu) == 0)
			users[nu++] = i;
	}
	prober_start(pr, 3);
	ev_loop_run(w.l);
	for (i = 0; i < nu; i++)
		if (w.answered_by[i] == (long)f->pop)
			out[n++] = users[i];
out:
	prober_free(pr);
	if (w.l)
		ev_loop_free(w.l);
	return n;
}

/* The next POP of user per the failover table of the lab's file. */
static long table_expect(const struct failover *f, size_t user)
{
	char path[STATE_PATH_MAX];
	long found;
	FILE *fp;

	if (state_path(path, sizeof(path), f->lab, "topology.yaml") < 0)
		return -1;
	fp = fopen(path, "re");
	if (!fp)
		return -1;
	found = topo_table_next_pop(fp, f->t, user, f->pop);
	fclose(fp);
	return found;
}

int failover_run(const struct failover *f, const size_t *nodes, size_t nu,
		 struct failover_user *out, const char **why)
{
	struct fo_user u[FAILOVER_MAX_USERS];
	struct fo_run fr = { .f = f, .u = u, .nu = nu, .acted_fd = -1 };
	size_t i;
	int r = 0;

	*why = NULL;
	if (nu > FAILOVER_MAX_USERS)
		return -E2BIG;
	memset(u, 0, sizeof(u));
	memset(out, 0, nu * sizeof(*out));
	fr.l = ev_loop_new();
	if (!fr.l || prober_new(fr.l, f->t->anycast_addr, f->interval_ns,
				1000000000ull, fo_cb, &fr, &fr.pr) < 0 ||
	    prober_use(fr.pr, f->probe, topo_dns_origin(f->t)) < 0) {
		if (fr.l)
			ev_loop_free(fr.l);
		return -ENOMEM;
	}
	ev_timer_init(&fr.deadline, fo_on_deadline, &fr);
	for (i = 0; i < nu; i++) {
		u[i].out = &out[i];
		u[i].pop = -1;
		out[i].node = nodes[i];
		out[i].expect = table_expect(f, nodes[i]);
		if (fo_add_user(fr.pr, f->t, nodes[i], i) < 0)
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
		out[i].moved_ns = out[i].moved && out[i].moved_ns > fr.trigger_ns ?
				  out[i].moved_ns - fr.trigger_ns : 0;
		out[i].back_ns = out[i].returned && out[i].back_ns > fr.restore_ns ?
				 out[i].back_ns - fr.restore_ns : 0;
	}
	if (fr.timed_out) {
		/* Leave the lab as it was found. */
		if (fr.phase == FO_DONE && fr.restore_ns == 0 && fr.trigger_ns) {
			fr.child = fo_act(&fr, false);
			fo_reap(&fr, 0);
		}
		*why = fr.why;
	}
	prober_free(fr.pr);
	ev_loop_free(fr.l);
	return r;
}

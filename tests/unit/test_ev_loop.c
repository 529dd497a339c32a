/*
 * Event loop: fd readiness, removal from inside callbacks (including an fd
 * whose event is still pending in the same batch), timer order and re-arm,
 * signals through signalfd, and the deferred-call ordering guarantee.
 * Pipes, eventfds and signals only; no sockets.
 */
#include "ev/ev.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

static struct ev_loop *loop;

static void setup(void)
{
	loop = ev_loop_new();
	cr_assert_not_null(loop);
}

static void teardown(void)
{
	ev_loop_free(loop);
	loop = NULL;
}

static int efd_ready(void)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	uint64_t one = 1;

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, &one, sizeof(one)), (ssize_t)sizeof(one));
	return fd;
}

/* --- file descriptors ---------------------------------------------------- */

struct io_rec {
	int calls;
	int fd;
	uint32_t events;
};

static void io_record(struct ev_loop *l, int fd, uint32_t events, void *ctx)
{
	struct io_rec *r = ctx;
	char c;

	r->calls++;
	r->fd = fd;
	r->events = events;
	if (events & EPOLLIN)
		cr_assert_eq(read(fd, &c, 1), 1);
}

Test(ev_io, readable_pipe_calls_back_once_per_byte, .init = setup,
     .fini = teardown)
{
	struct io_rec r = { 0 };
	int p[2];

	cr_assert_eq(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	cr_assert_eq(ev_io_add(loop, p[0], EPOLLIN, io_record, &r), 0);

	cr_assert_eq(ev_loop_once(loop, 0), 0);
	cr_expect_eq(r.calls, 0, "nothing written yet, no call");

	cr_assert_eq(write(p[1], "ab", 2), 2);
	cr_assert_eq(ev_loop_once(loop, 1000), 0);
	cr_expect_eq(r.calls, 1);
	cr_expect_eq(r.fd, p[0]);
	cr_expect(r.events & EPOLLIN);
	/* Level-triggered: the second byte is still there. */
	cr_assert_eq(ev_loop_once(loop, 1000), 0);
	cr_expect_eq(r.calls, 2);
	cr_assert_eq(ev_loop_once(loop, 0), 0);
	cr_expect_eq(r.calls, 2);

	cr_assert_eq(ev_io_del(loop, p[0]), 0);
	close(p[0]);
	close(p[1]);
}

Test(ev_io, mod_switches_interest, .init = setup, .fini = teardown)
{
	struct io_rec r = { 0 };
	int p[2];

	cr_assert_eq(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	cr_assert_eq(ev_io_add(loop, p[1], 0, io_record, &r), 0);
	cr_assert_eq(ev_loop_once(loop, 0), 0);
	cr_expect_eq(r.calls, 0, "no interest, no call");

	cr_assert_eq(ev_io_mod(loop, p[1], EPOLLOUT), 0);
	cr_assert_eq(ev_loop_once(loop, 1000), 0);
	cr_expect_eq(r.calls, 1);
	cr_expect(r.events & EPOLLOUT);

	cr_assert_eq(ev_io_del(loop, p[1]), 0);
	close(p[0]);
	close(p[1]);
}

Test(ev_io, bad_registrations_are_refused, .init = setup, .fini = teardown)
{
	struct io_rec r = { 0 };
	int p[2];

	cr_assert_eq(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	cr_expect_eq(ev_io_add(loop, -1, EPOLLIN, io_record, &r), -EINVAL);
	cr_expect_eq(ev_io_mod(loop, p[0], EPOLLIN), -ENOENT);
	cr_expect_eq(ev_io_del(loop, p[0]), -ENOENT);
	cr_expect_eq(ev_io_del(loop, 100000), -ENOENT);
	cr_assert_eq(ev_io_add(loop, p[0], EPOLLIN, io_record, &r), 0);
	cr_expect_eq(ev_io_add(loop, p[0], EPOLLIN, io_record, &r), -EEXIST);
	cr_expect_eq(ev_io_del(loop, p[0]), 0);
	cr_expect_eq(ev_io_del(loop, p[0]), -ENOENT);
	close(p[0]);
	close(p[1]);
	cr_expect_eq(ev_io_add(loop, p[0], EPOLLIN, io_record, &r), -EBADF);
}

Test(ev_io, fd_numbers_far_above_the_first_grow_the_table, .init = setup,
     .fini = teardown)
{
	struct io_rec r = { 0 };
	int p[2], hi;

	cr_assert_eq(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	cr_assert_eq(write(p[1], "x", 1), 1);
	hi = dup2(p[0], 900);
	cr_assert_eq(hi, 900);
	close(p[0]);
	close(p[1]);
	cr_assert_eq(ev_io_add(loop, hi, EPOLLIN, io_record, &r), 0);
	cr_assert_eq(ev_loop_once(loop, 1000), 0);
	cr_expect_eq(r.calls, 1);
	cr_expect_eq(r.fd, 900);
	ev_io_del(loop, hi);
	close(hi);
}

static void del_self(struct ev_loop *l, int fd, uint32_t events, void *ctx)
{
	int *calls = ctx;

	(*calls)++;
	cr_assert_eq(ev_io_del(l, fd), 0);
}

Test(ev_io, del_of_the_running_fd_stops_its_callbacks, .init = setup,
     .fini = teardown)
{
	int calls = 0;
	int fd = efd_ready();

	cr_assert_eq(ev_io_add(loop, fd, EPOLLIN, del_self, &calls), 0);
	cr_assert_eq(ev_loop_once(loop, 1000), 0);
	cr_assert_eq(ev_loop_once(loop, 0), 0);
	cr_assert_eq(ev_loop_once(loop, 0), 0);
	cr_expect_eq(calls, 1, "still readable, but deleted: called once");
	close(fd);
}

/*
 * Two fds ready in the same batch; whichever callback runs first deletes
 * and closes the other, and re-uses its fd number for a new, already
 * readable registration.  The stale event of the old registration must be
 * dropped: one call in the first pass, the new one only in the next pass.
 */
struct pair {
	int fd[2];
	int calls[2];
	int pass_calls;
	int fresh_calls;
	int fresh_fd;
};

static void fresh_cb(struct ev_loop *l, int fd, uint32_t events, void *ctx)
{
	struct pair *p = ctx;

	p->fresh_calls++;
	ev_io_del(l, fd);
}

static void pair_cb(struct ev_loop *l, int fd, uint32_t events, void *ctx)
{
	struct pair *p = ctx;
	int me = fd == p->fd[1];
	int other = p->fd[!me];
	int nfd;

	p->calls[me]++;
	p->pass_calls++;
	if (p->pass_calls > 1)
		return;
	cr_assert_eq(ev_io_del(l, other), 0);
	close(other);
	nfd = efd_ready();
	if (nfd != other) {
		cr_assert_eq(dup2(nfd, other), other);
		close(nfd);
		nfd = other;
	}
	p->fresh_fd = nfd;
	cr_assert_eq(ev_io_add(l, nfd, EPOLLIN, fresh_cb, p), 0);
	ev_io_del(l, fd);
}

Test(ev_io, del_drops_an_event_pending_in_the_same_batch, .init = setup,
     .fini = teardown)
{
	struct pair p = { .fresh_fd = -1 };
	int i;

	p.fd[0] = efd_ready();
	p.fd[1] = efd_ready();
	for (i = 0; i < 2; i++)
		cr_assert_eq(ev_io_add(loop, p.fd[i], EPOLLIN, pair_cb, &p), 0);

	cr_assert_eq(ev_loop_once(loop, 1000), 0);
	cr_expect_eq(p.pass_calls, 1, "the deleted fd was not called back");
	cr_expect_eq(p.calls[0] + p.calls[1], 1);
	cr_expect_eq(p.fresh_calls, 0,
		     "the stale event did not reach the new registration");

	cr_assert_eq(ev_loop_once(loop, 1000), 0);
	cr_expect_eq(p.fresh_calls, 1, "the new registration works");
	close(p.fd[0]);
	close(p.fd[1]);
}

/* --- timers -------------------------------------------------------------- */

#define LOG_MAX 64

struct tlog {
	int order[LOG_MAX];
	int n;
};

struct ttimer {
	struct ev_timer t;
	struct tlog *log;
	int id;
	uint64_t fired_at;
	int fired;
};

static void tlog_cb(struct ev_loop *l, struct ev_timer *t, void *ctx)
{
	struct ttimer *tt = ctx;

	tt->fired++;
	tt->fired_at = ev_now_ns();
	if (tt->log->n < LOG_MAX)
		tt->log->order[tt->log->n++] = tt->id;
}

static void run_for_ms(uint64_t ms)
{
	uint64_t end = ev_now_ns() + ms * 1000000u;

	while (ev_now_ns() < end)
		cr_assert_eq(ev_loop_once(loop, 1), 0);
}

struct order_case {
	unsigned delay_ms[5];
};

ParameterizedTestParameters(ev_timer, fire_in_deadline_order)
{
	static struct order_case cases[] = {
		{ { 1, 2, 3, 4, 5 } },
		{ { 5, 4, 3, 2, 1 } },
		{ { 3, 1, 5, 2, 4 } },
		{ { 2, 5, 1, 4, 3 } },
	};

	return cr_make_param_array(struct order_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct order_case *c, ev_timer, fire_in_deadline_order,
		  .init = setup, .fini = teardown)
{
	struct tlog log = { 0 };
	struct ttimer tt[5];
	int i;

	for (i = 0; i < 5; i++) {
		tt[i] = (struct ttimer){ .log = &log, .id = (int)c->delay_ms[i] };
		ev_timer_init(&tt[i].t, tlog_cb, &tt[i]);
		cr_assert_eq(ev_timer_arm(loop, &tt[i].t, c->delay_ms[i] * 3), 0);
		cr_expect(ev_timer_armed(&tt[i].t));
	}
	run_for_ms(30);
	cr_assert_eq(log.n, 5);
	for (i = 0; i < 5; i++) {
		cr_expect_eq(log.order[i], i + 1);
		cr_expect_not(ev_timer_armed(&tt[i].t));
	}
}

Test(ev_timer, equal_deadlines_fire_in_arming_order, .init = setup,
     .fini = teardown)
{
	struct tlog log = { 0 };
	struct ttimer tt[8];
	uint64_t when = ev_now_ns() + 2000000u;
	int i;

	for (i = 0; i < 8; i++) {
		tt[i] = (struct ttimer){ .log = &log, .id = i };
		ev_timer_init(&tt[i].t, tlog_cb, &tt[i]);
	}
	/* Arm out of index order; re-arming moves a timer to the back. */
	for (i = 7; i >= 0; i--)
		cr_assert_eq(ev_timer_arm_at(loop, &tt[i].t, when), 0);
	cr_assert_eq(ev_timer_arm_at(loop, &tt[7].t, when), 0);
	run_for_ms(10);
	cr_assert_eq(log.n, 8);
	for (i = 0; i < 7; i++)
		cr_expect_eq(log.order[i], 6 - i);
	cr_expect_eq(log.order[7], 7);
}

Test(ev_timer, never_fire_before_their_deadline, .init = setup,
     .fini = teardown)
{
	struct tlog log = { 0 };
	struct ttimer tt[4];
	uint64_t armed[4];
	static const unsigned delay_us[4] = { 100, 1000, 2500, 10000 };
	int i;

	for (i = 0; i < 4; i++) {
		tt[i] = (struct ttimer){ .log = &log, .id = i };
		ev_timer_init(&tt[i].t, tlog_cb, &tt[i]);
		armed[i] = ev_now_ns();
		ev_timer_arm_ns(loop, &tt[i].t, delay_us[i] * 1000u);
	}
	run_for_ms(30);
	for (i = 0; i < 4; i++) {
		cr_assert_eq(tt[i].fired, 1);
		cr_expect_geq(tt[i].fired_at, armed[i] + delay_us[i] * 1000u,
			      "timer %d fired early", i);
		/* Generous bound: sanitizers and busy CI machines. */
		cr_expect_lt(tt[i].fired_at - tt[i].t.when, 20000000u,
			     "timer %d fired %lu ns late", i,
			     (unsigned long)(tt[i].fired_at - tt[i].t.when));
	}
}

Test(ev_timer, stop_before_expiry_cancels, .init = setup, .fini = teardown)
{
	struct tlog log = { 0 };
	struct ttimer a = { .log = &log, .id = 1 }, b = { .log = &log, .id = 2 };

	ev_timer_init(&a.t, tlog_cb, &a);
	ev_timer_init(&b.t, tlog_cb, &b);
	ev_timer_arm(loop, &a.t, 1);
	ev_timer_arm(loop, &b.t, 2);
	ev_timer_stop(loop, &a.t);
	ev_timer_stop(loop, &a.t);	/* twice is harmless */
	cr_expect_not(ev_timer_armed(&a.t));
	run_for_ms(10);
	cr_expect_eq(a.fired, 0);
	cr_expect_eq(b.fired, 1);
}

Test(ev_timer, rearming_to_later_postpones, .init = setup, .fini = teardown)
{
	struct tlog log = { 0 };
	struct ttimer a = { .log = &log, .id = 1 };
	uint64_t t0 = ev_now_ns();

	ev_timer_init(&a.t, tlog_cb, &a);
	ev_timer_arm(loop, &a.t, 1);
	ev_timer_arm(loop, &a.t, 8);
	run_for_ms(4);
	cr_expect_eq(a.fired, 0, "the first deadline was replaced");
	run_for_ms(10);
	cr_expect_eq(a.fired, 1);
	cr_expect_geq(a.fired_at - t0, 8000000u);
}

/* A callback that stops a sibling which is due in the same expiry. */
struct killer {
	struct ev_timer t;
	struct ttimer *victim;
	int fired;
};

static void killer_cb(struct ev_loop *l, struct ev_timer *t, void *ctx)
{
	struct killer *k = ctx;

	k->fired++;
	ev_timer_stop(l, &k->victim->t);
}

Test(ev_timer, callback_stops_another_due_timer, .init = setup,
     .fini = teardown)
{
	struct tlog log = { 0 };
	struct ttimer victim = { .log = &log, .id = 2 };
	struct killer k = { .victim = &victim };
	uint64_t when = ev_now_ns() + 1000000u;

	ev_timer_init(&k.t, killer_cb, &k);
	ev_timer_init(&victim.t, tlog_cb, &victim);
	/* Same deadline, killer armed first: both due in the same pass. */
	ev_timer_arm_at(loop, &k.t, when);
	ev_timer_arm_at(loop, &victim.t, when);
	run_for_ms(10);
	cr_expect_eq(k.fired, 1);
	cr_expect_eq(victim.fired, 0);
	cr_expect_not(ev_timer_armed(&victim.t));
}

/* A callback that re-arms itself a number of times, with zero delay. */
struct repeater {
	struct ev_timer t;
	int left;
	int fired;
	uint64_t last_pass;
	uint64_t *pass;
	int same_pass;
};

static void repeat_cb(struct ev_loop *l, struct ev_timer *t, void *ctx)
{
	struct repeater *r = ctx;

	if (r->fired && r->last_pass == *r->pass)
		r->same_pass++;
	r->last_pass = *r->pass;
	r->fired++;
	if (--r->left > 0)
		cr_assert_eq(ev_timer_arm(l, t, 0), 0);
}

Test(ev_timer, zero_delay_rearm_from_callback_fires_next_pass, .init = setup,
     .fini = teardown)
{
	uint64_t pass = 0;
	struct repeater r = { .left = 5, .pass = &pass };
	int i;

	ev_timer_init(&r.t, repeat_cb, &r);
	ev_timer_arm(loop, &r.t, 0);
	for (i = 0; i < 50 && r.fired < 5; i++, pass++)
		cr_assert_eq(ev_loop_once(loop, 100), 0);
	cr_expect_eq(r.fired, 5);
	cr_expect_eq(r.same_pass, 0, "a re-armed timer fired twice in a pass");
	cr_expect_not(ev_timer_armed(&r.t));
}

/* Arms a new timer, earlier than everything else still pending. */
struct arming {
	struct ev_timer t;
	struct ttimer *child;
};

static void arming_cb(struct ev_loop *l, struct ev_timer *t, void *ctx)
{
	struct arming *a = ctx;

	ev_timer_arm(l, &a->child->t, 1);
}

Test(ev_timer, callback_arms_a_timer_earlier_than_the_rest, .init = setup,
     .fini = teardown)
{
	struct tlog log = { 0 };
	struct ttimer child = { .log = &log, .id = 1 };
	struct ttimer late = { .log = &log, .id = 2 };
	struct arming a = { .child = &child };

	ev_timer_init(&a.t, arming_cb, &a);
	ev_timer_init(&child.t, tlog_cb, &child);
	ev_timer_init(&late.t, tlog_cb, &late);
	ev_timer_arm(loop, &a.t, 1);
	ev_timer_arm(loop, &late.t, 20);
	run_for_ms(10);
	cr_expect_eq(child.fired, 1, "the timerfd moved to the new deadline");
	cr_expect_eq(late.fired, 0);
	run_for_ms(15);
	cr_expect_eq(late.fired, 1);
	cr_assert_eq(log.n, 2);
	cr_expect_eq(log.order[0], 1);
	cr_expect_eq(log.order[1], 2);
}

/* 10k timers, random deadlines, a random third stopped again. */
#define MANY 10000

struct many {
	struct ev_timer t;
	uint64_t when;
	uint64_t fired_at;
	int fired;
	bool stopped;
	uint64_t *last_when;
	int *out_of_order;
	int *total;
};

static void many_cb(struct ev_loop *l, struct ev_timer *t, void *ctx)
{
	struct many *m = ctx;

	m->fired++;
	m->fired_at = ev_now_ns();
	if (m->when < *m->last_when)
		(*m->out_of_order)++;
	*m->last_when = m->when;
	(*m->total)++;
}

Test(ev_timer, ten_thousand_timers, .init = setup, .fini = teardown,
     .timeout = 30)
{
	struct many *m = calloc(MANY, sizeof(*m));
	uint64_t last_when = 0, start = ev_now_ns();
	int out_of_order = 0, total = 0, expected = 0, i;
	unsigned seed = 12345;

	cr_assert_not_null(m);
	for (i = 0; i < MANY; i++) {
		m[i].last_when = &last_when;
		m[i].out_of_order = &out_of_order;
		m[i].total = &total;
		ev_timer_init(&m[i].t, many_cb, &m[i]);
		cr_assert_eq(ev_timer_arm_at(loop, &m[i].t,
					     start + (uint64_t)(rand_r(&seed) % 50000) * 1000u),
			     0);
		m[i].when = m[i].t.when;
	}
	for (i = 0; i < MANY; i++) {
		if (rand_r(&seed) % 3 == 0) {
			ev_timer_stop(loop, &m[i].t);
			m[i].stopped = true;
		} else {
			expected++;
		}
	}
	while (total < expected && ev_now_ns() - start < 5000000000u)
		cr_assert_eq(ev_loop_once(loop, 100), 0);

	cr_expect_eq(total, expected);
	cr_expect_eq(out_of_order, 0);
	for (i = 0; i < MANY; i++) {
		cr_expect_eq(m[i].fired, m[i].stopped ? 0 : 1, "timer %d", i);
		if (m[i].fired)
			cr_expect_geq(m[i].fired_at, m[i].when, "timer %d early", i);
	}
	free(m);
}

Test(ev_timer, free_leaves_pending_timers_unarmed)
{
	struct ev_loop *l = ev_loop_new();
	struct ev_timer t;

	cr_assert_not_null(l);
	ev_timer_init(&t, NULL, NULL);
	ev_timer_arm(l, &t, 1000);
	cr_expect(ev_timer_armed(&t));
	ev_loop_free(l);
	cr_expect_not(ev_timer_armed(&t));
}

/* --- signals ------------------------------------------------------------- */

struct sigrec {
	int calls;
	int signo;
};

static void sig_cb(struct ev_loop *l, int signo, void *ctx)
{
	struct sigrec *r = ctx;

	r->calls++;
	r->signo = signo;
}

static bool sig_blocked(int signo)
{
	sigset_t cur;

	sigprocmask(SIG_BLOCK, NULL, &cur);
	return sigismember(&cur, signo);
}

Test(ev_signal, raised_signal_reaches_its_callback)
{
	struct ev_loop *l = ev_loop_new();
	struct sigrec usr1 = { 0 }, usr2 = { 0 };

	cr_assert_not_null(l);
	cr_assert_not(sig_blocked(SIGUSR1));
	cr_assert_eq(ev_signal_add(l, SIGUSR1, sig_cb, &usr1), 0);
	cr_assert_eq(ev_signal_add(l, SIGUSR2, sig_cb, &usr2), 0);
	cr_expect(sig_blocked(SIGUSR1));

	cr_assert_eq(raise(SIGUSR1), 0);
	cr_assert_eq(ev_loop_once(l, 1000), 0);
	cr_expect_eq(usr1.calls, 1);
	cr_expect_eq(usr1.signo, SIGUSR1);
	cr_expect_eq(usr2.calls, 0);

	cr_assert_eq(raise(SIGUSR2), 0);
	cr_assert_eq(ev_loop_once(l, 1000), 0);
	cr_expect_eq(usr2.calls, 1);
	cr_expect_eq(usr2.signo, SIGUSR2);
	cr_expect_eq(usr1.calls, 1);

	ev_loop_free(l);
	cr_expect_not(sig_blocked(SIGUSR1), "free restores the signal mask");
	cr_expect_not(sig_blocked(SIGUSR2));
}

Test(ev_signal, adding_again_replaces_the_callback)
{
	struct ev_loop *l = ev_loop_new();
	struct sigrec a = { 0 }, b = { 0 };

	cr_assert_not_null(l);
	cr_assert_eq(ev_signal_add(l, SIGUSR1, sig_cb, &a), 0);
	cr_assert_eq(ev_signal_add(l, SIGUSR1, sig_cb, &b), 0);
	raise(SIGUSR1);
	cr_assert_eq(ev_loop_once(l, 1000), 0);
	cr_expect_eq(a.calls, 0);
	cr_expect_eq(b.calls, 1);
	ev_loop_free(l);
}

Test(ev_signal, invalid_signals_are_refused, .init = setup, .fini = teardown)
{
	struct sigrec r = { 0 };

	cr_expect_eq(ev_signal_add(loop, 0, sig_cb, &r), -EINVAL);
	cr_expect_eq(ev_signal_add(loop, SIGKILL, sig_cb, &r), -EINVAL);
	cr_expect_eq(ev_signal_add(loop, SIGSTOP, sig_cb, &r), -EINVAL);
	cr_expect_eq(ev_signal_add(loop, 65, sig_cb, &r), -EINVAL);
}

/* --- deferred calls ------------------------------------------------------ */

/* Event log: 'i' for an fd callback, 'a'..'z' for deferred calls. */
struct dlog {
	char s[64];
	size_t n;
};

static void dlog_put(struct dlog *g, char c)
{
	if (g->n + 1 < sizeof(g->s))
		g->s[g->n++] = c;
}

struct dtest {
	struct dlog log;
	struct ev_defer d[4];
	char name[4];
	int requeue[4];		/* times defer k queues itself again */
	int cancel_from[4];	/* defer k cancels defer cancel_from[k]-1 */
	int io_queues[8];	/* queued by each io callback, 'a'+idx */
	int nio;
};

static void d_cb(struct ev_loop *l, struct ev_defer *d, void *ctx)
{
	struct dtest *t = ctx;
	int k = (int)(d - t->d);

	dlog_put(&t->log, t->name[k]);
	if (t->requeue[k] > 0) {
		t->requeue[k]--;
		ev_defer(l, d);
	}
	if (t->cancel_from[k])
		ev_defer_cancel(l, &t->d[t->cancel_from[k] - 1]);
}

static void io_queue_cb(struct ev_loop *l, int fd, uint32_t events, void *ctx)
{
	struct dtest *t = ctx;
	uint64_t v;

	cr_assert_eq(read(fd, &v, sizeof(v)), (ssize_t)sizeof(v));
	dlog_put(&t->log, 'i');
	/* Every io callback queues defer 0 then 1: dedupe keeps one each. */
	ev_defer(l, &t->d[0]);
	ev_defer(l, &t->d[1]);
	ev_defer(l, &t->d[0]);
}

static void dtest_init(struct dtest *t)
{
	int k;

	memset(t, 0, sizeof(*t));
	for (k = 0; k < 4; k++) {
		t->name[k] = (char)('a' + k);
		ev_defer_init(&t->d[k], d_cb, t);
	}
}

Test(ev_defer, runs_after_every_event_of_the_pass, .init = setup,
     .fini = teardown)
{
	struct dtest t;
	int fds[3], i;

	dtest_init(&t);
	for (i = 0; i < 3; i++) {
		fds[i] = efd_ready();
		cr_assert_eq(ev_io_add(loop, fds[i], EPOLLIN, io_queue_cb, &t), 0);
	}
	cr_assert_eq(ev_loop_once(loop, 1000), 0);
	cr_expect_str_eq(t.log.s, "iiiab",
			 "three fd callbacks, then each deferred call once");
	cr_expect_not(ev_defer_queued(&t.d[0]));

	for (i = 0; i < 3; i++) {
		ev_io_del(loop, fds[i]);
		close(fds[i]);
	}
}

/* Timers and signals of a pass also come before its deferred calls. */
static void timer_queue_cb(struct ev_loop *l, struct ev_timer *tm, void *ctx)
{
	struct dtest *t = ctx;

	dlog_put(&t->log, 't');
	ev_defer(l, &t->d[2]);
}

static void sig_queue_cb(struct ev_loop *l, int signo, void *ctx)
{
	struct dtest *t = ctx;

	dlog_put(&t->log, 's');
	ev_defer(l, &t->d[3]);
}

Test(ev_defer, runs_after_timers_and_signals_of_the_pass)
{
	struct ev_loop *l = ev_loop_new();
	struct ev_timer tm;
	struct dtest t;
	uint64_t when;

	cr_assert_not_null(l);
	dtest_init(&t);
	ev_timer_init(&tm, timer_queue_cb, &t);
	cr_assert_eq(ev_signal_add(l, SIGUSR1, sig_queue_cb, &t), 0);
	when = ev_now_ns() + 1000000u;
	ev_timer_arm_at(l, &tm, when);
	while (ev_now_ns() < when + 1000000u)
		;
	/* Both the timerfd and the signalfd are ready for the same wait. */
	raise(SIGUSR1);
	cr_assert_eq(ev_loop_once(l, 1000), 0);
	cr_expect(strcmp(t.log.s, "tscd") == 0 || strcmp(t.log.s, "stdc") == 0,
		  "got \"%s\"", t.log.s);
	ev_loop_free(l);
}

Test(ev_defer, fifo_order_and_dedupe, .init = setup, .fini = teardown)
{
	struct dtest t;

	dtest_init(&t);
	ev_defer(loop, &t.d[2]);
	ev_defer(loop, &t.d[0]);
	ev_defer(loop, &t.d[2]);
	ev_defer(loop, &t.d[1]);
	ev_defer(loop, &t.d[0]);
	cr_expect(ev_defer_queued(&t.d[2]));
	cr_assert_eq(ev_loop_once(loop, -1), 0, "queued work: no sleeping");
	cr_expect_str_eq(t.log.s, "cab");
	cr_assert_eq(ev_loop_once(loop, 0), 0);
	cr_expect_str_eq(t.log.s, "cab", "each ran exactly once");
}

Test(ev_defer, requeued_from_a_deferred_call_runs_next_pass, .init = setup,
     .fini = teardown, .timeout = 5)
{
	struct dtest t;

	dtest_init(&t);
	t.requeue[0] = 2;
	ev_defer(loop, &t.d[0]);
	ev_defer(loop, &t.d[1]);
	/* -1 would block forever if the loop slept with work queued. */
	cr_assert_eq(ev_loop_once(loop, -1), 0);
	cr_expect_str_eq(t.log.s, "ab");
	cr_assert_eq(ev_loop_once(loop, -1), 0);
	cr_expect_str_eq(t.log.s, "aba");
	cr_assert_eq(ev_loop_once(loop, -1), 0);
	cr_expect_str_eq(t.log.s, "abaa");
	cr_expect_not(ev_defer_queued(&t.d[0]));
}

Test(ev_defer, cancel_before_and_during_the_drain, .init = setup,
     .fini = teardown)
{
	struct dtest t;

	dtest_init(&t);
	t.cancel_from[0] = 3;	/* a cancels c, queued behind it */
	ev_defer(loop, &t.d[0]);
	ev_defer(loop, &t.d[1]);
	ev_defer(loop, &t.d[2]);
	ev_defer(loop, &t.d[3]);
	ev_defer_cancel(loop, &t.d[1]);
	ev_defer_cancel(loop, &t.d[1]);	/* twice is harmless */
	cr_expect_not(ev_defer_queued(&t.d[1]));
	cr_assert_eq(ev_loop_once(loop, 0), 0);
	cr_expect_str_eq(t.log.s, "ad");
	cr_expect_not(ev_defer_queued(&t.d[2]));
	ev_defer(loop, &t.d[2]);
	cr_assert_eq(ev_loop_once(loop, 0), 0);
	cr_expect_str_eq(t.log.s, "adc", "a cancelled call can be queued again");
}

/* --- running and stopping ------------------------------------------------ */

struct stopper {
	struct ev_timer t;
	struct ev_defer d;
	bool deferred_ran;
};

static void stop_defer_cb(struct ev_loop *l, struct ev_defer *d, void *ctx)
{
	struct stopper *s = ctx;

	s->deferred_ran = true;
}

static void stop_timer_cb(struct ev_loop *l, struct ev_timer *t, void *ctx)
{
	struct stopper *s = ctx;

	ev_loop_stop(l);
	ev_defer(l, &s->d);
}

Test(ev_loop, stop_returns_after_the_pass_and_its_deferred_calls,
     .init = setup, .fini = teardown, .timeout = 5)
{
	struct stopper s = { 0 };

	ev_timer_init(&s.t, stop_timer_cb, &s);
	ev_defer_init(&s.d, stop_defer_cb, &s);
	ev_timer_arm(loop, &s.t, 2);
	cr_expect_eq(ev_loop_run(loop), 0);
	cr_expect(s.deferred_ran);
}

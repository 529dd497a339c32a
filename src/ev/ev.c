/*
 * Event loop (see ev.h): level-triggered epoll for file descriptors, a binary
 * min-heap of timers behind one absolute CLOCK_MONOTONIC timerfd, signalfd
 * for signals, and a FIFO of deferred calls drained after each pass.  The
 * shape is Redis ae_epoll.c; the timer heap and the deferred queue are ours.
 *
 * Removing an fd from inside a callback is the classic hazard of a batched
 * epoll_wait: its event may still sit, unread, further down the batch, and
 * the fd number may even have been reused by a new registration.  Each
 * registration therefore carries a generation number, packed with the fd
 * into epoll_event.data; an event whose generation no longer matches its
 * slot is stale and dropped.
 */
#include "ev/ev.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define EV_BATCH	256	/* epoll events per wait; the rest wait a pass */
#define EV_NSIG		65	/* signal numbers 1..64 */

struct ev_io {
	ev_io_cb cb;
	void *ctx;
	uint32_t events;
	uint32_t gen;		/* bumped on every del: stale events drop */
	bool used;
};

struct ev_sig {
	ev_signal_cb cb;
	void *ctx;
};

struct ev_loop {
	int epfd;
	int tfd;
	int sfd;

	struct ev_io *io;	/* indexed by fd */
	size_t nio;

	struct ev_timer **heap;	/* heap[0] is the earliest */
	size_t nheap, capheap;
	uint64_t seq;
	uint64_t tfd_when;	/* deadline the timerfd holds; 0: disarmed */
	bool in_timers;		/* expiring: defer re-arming the timerfd */
	uint64_t expire_now;	/* the instant being expired */

	struct ev_sig sig[EV_NSIG];
	sigset_t sigs;		/* signals routed to sfd */
	sigset_t blocked;	/* of those, the ones we blocked ourselves */

	struct ev_defer *dq_head, *dq_tail;	/* queued for the next drain */
	struct ev_defer *drain;			/* being drained now */

	bool stop;
};

uint64_t ev_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t ev_now_ms(void)
{
	return ev_now_ns() / 1000000u;
}

/* --- file descriptors ---------------------------------------------------- */

static uint64_t io_tag(int fd, uint32_t gen)
{
	return (uint64_t)gen << 32 | (uint32_t)fd;
}

static int io_grow(struct ev_loop *l, int fd)
{
	size_t n = l->nio ? l->nio : 64;
	struct ev_io *io;

	while (n <= (size_t)fd)
		n *= 2;
	io = realloc(l->io, n * sizeof(*io));
	if (!io)
		return -ENOMEM;
	memset(io + l->nio, 0, (n - l->nio) * sizeof(*io));
	l->io = io;
	l->nio = n;
	return 0;
}

int ev_io_add(struct ev_loop *l, int fd, uint32_t events, ev_io_cb cb,
	      void *ctx)
{
	struct epoll_event ev = { .events = events };
	struct ev_io *s;
	int r;

	if (fd < 0 || !cb)
		return -EINVAL;
	if ((size_t)fd >= l->nio) {
		r = io_grow(l, fd);
		if (r < 0)
			return r;
	}
	s = &l->io[fd];
	if (s->used)
		return -EEXIST;
	ev.data.u64 = io_tag(fd, s->gen);
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	s->cb = cb;
	s->ctx = ctx;
	s->events = events;
	s->used = true;
	return 0;
}

int ev_io_mod(struct ev_loop *l, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events };
	struct ev_io *s;

	if (fd < 0 || (size_t)fd >= l->nio || !l->io[fd].used)
		return -ENOENT;
	s = &l->io[fd];
	if (s->events == events)
		return 0;
	ev.data.u64 = io_tag(fd, s->gen);
	if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev) < 0)
		return -errno;
	s->events = events;
	return 0;
}

int ev_io_del(struct ev_loop *l, int fd)
{
	struct ev_io *s;

	if (fd < 0 || (size_t)fd >= l->nio || !l->io[fd].used)
		return -ENOENT;
	s = &l->io[fd];
	/*
	 * EBADF/ENOENT here mean the caller closed the fd first, which
	 * already took it out of the epoll set; the slot is cleared anyway.
	 */
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	s->used = false;
	s->cb = NULL;
	s->ctx = NULL;
	s->events = 0;
	s->gen++;
	return 0;
}

/* --- timers -------------------------------------------------------------- */

static bool timer_before(const struct ev_timer *a, const struct ev_timer *b)
{
	return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void heap_set(struct ev_loop *l, size_t i, struct ev_timer *t)
{
	l->heap[i] = t;
	t->slot = i + 1;
}

static void heap_up(struct ev_loop *l, size_t i)
{
	struct ev_timer *t = l->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!timer_before(t, l->heap[parent]))
			break;
		heap_set(l, i, l->heap[parent]);
		i = parent;
	}
	heap_set(l, i, t);
}

static void heap_down(struct ev_loop *l, size_t i)
{
	struct ev_timer *t = l->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= l->nheap)
			break;
		if (c + 1 < l->nheap && timer_before(l->heap[c + 1], l->heap[c]))
			c++;
		if (!timer_before(l->heap[c], t))
			break;
		heap_set(l, i, l->heap[c]);
		i = c;
	}
	heap_set(l, i, t);
}

static void heap_remove(struct ev_loop *l, struct ev_timer *t)
{
	size_t i = t->slot - 1;
	struct ev_timer *last = l->heap[--l->nheap];

	t->slot = 0;
	if (last == t)
		return;
	heap_set(l, i, last);
	if (i > 0 && timer_before(last, l->heap[(i - 1) / 2]))
		heap_up(l, i);
	else
		heap_down(l, i);
}

/*
 * Point the timerfd at the earliest deadline, touching it only when that
 * deadline changed.  While timers are being expired this waits until the
 * end, so a burst of re-arms costs one timerfd_settime.
 */
static void timer_sync(struct ev_loop *l)
{
	struct itimerspec its = { 0 };
	uint64_t when;

	if (l->in_timers)
		return;
	when = l->nheap ? l->heap[0]->when : 0;
	if (when == l->tfd_when)
		return;
	if (when) {
		its.it_value.tv_sec = (time_t)(when / 1000000000u);
		its.it_value.tv_nsec = (long)(when % 1000000000u);
	}
	/*
	 * Cannot fail with a valid fd and a normalised value; if it ever did,
	 * leaving tfd_when stale makes the next change retry.
	 */
	if (timerfd_settime(l->tfd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
		l->tfd_when = when;
}

void ev_timer_init(struct ev_timer *t, ev_timer_cb cb, void *ctx)
{
	memset(t, 0, sizeof(*t));
	t->cb = cb;
	t->ctx = ctx;
}

int ev_timer_arm_at(struct ev_loop *l, struct ev_timer *t, uint64_t when)
{
	/* 0 would disarm the timerfd; a timer armed while expiring waits. */
	if (when == 0)
		when = 1;
	if (l->in_timers && when <= l->expire_now)
		when = l->expire_now + 1;

	if (t->slot) {
		uint64_t old = t->when;

		t->when = when;
		t->seq = ++l->seq;
		if (when < old)
			heap_up(l, t->slot - 1);
		else
			heap_down(l, t->slot - 1);
	} else {
		if (l->nheap == l->capheap) {
			size_t cap = l->capheap ? l->capheap * 2 : 64;
			struct ev_timer **h;

			h = realloc(l->heap, cap * sizeof(*h));
			if (!h)
				return -ENOMEM;
			l->heap = h;
			l->capheap = cap;
		}
		t->when = when;
		t->seq = ++l->seq;
		l->heap[l->nheap] = t;
		t->slot = ++l->nheap;
		heap_up(l, l->nheap - 1);
	}
	timer_sync(l);
	return 0;
}

int ev_timer_arm_ns(struct ev_loop *l, struct ev_timer *t, uint64_t ns)
{
	uint64_t now = ev_now_ns();

	return ev_timer_arm_at(l, t, ns > UINT64_MAX - now ? UINT64_MAX
							 : now + ns);
}

int ev_timer_arm(struct ev_loop *l, struct ev_timer *t, uint64_t ms)
{
	return ev_timer_arm_ns(l, t, ms > UINT64_MAX / 1000000u
				     ? UINT64_MAX : ms * 1000000u);
}

void ev_timer_stop(struct ev_loop *l, struct ev_timer *t)
{
	if (!t->slot)
		return;
	heap_remove(l, t);
	timer_sync(l);
}

static void timers_expire(struct ev_loop *l, int fd, uint32_t events,
			  void *ctx)
{
	uint64_t ticks;

	/* Non-blocking: a spurious wake (deadline moved later) reads EAGAIN. */
	while (read(l->tfd, &ticks, sizeof(ticks)) < 0 && errno == EINTR)
		;
	/* The timerfd is spent until re-armed; forget what it held. */
	l->tfd_when = 0;
	l->in_timers = true;
	l->expire_now = ev_now_ns();
	/*
	 * Pop one at a time and re-read the top after every callback: a
	 * callback may stop, re-arm or arm any timer, itself included.
	 */
	while (l->nheap && l->heap[0]->when <= l->expire_now) {
		struct ev_timer *t = l->heap[0];

		heap_remove(l, t);
		t->cb(l, t, t->ctx);
	}
	l->in_timers = false;
	timer_sync(l);
}

/* --- signals ------------------------------------------------------------- */

static void signals_read(struct ev_loop *l, int fd, uint32_t events, void *ctx)
{
	struct signalfd_siginfo si;

	for (;;) {
		ssize_t n = read(l->sfd, &si, sizeof(si));

		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(si))
			break;
		if (si.ssi_signo < EV_NSIG && l->sig[si.ssi_signo].cb)
			l->sig[si.ssi_signo].cb(l, (int)si.ssi_signo,
						l->sig[si.ssi_signo].ctx);
	}
}

int ev_signal_add(struct ev_loop *l, int signo, ev_signal_cb cb, void *ctx)
{
	sigset_t one, old;
	int fd, r;

	if (signo <= 0 || signo >= EV_NSIG || signo == SIGKILL ||
	    signo == SIGSTOP || !cb)
		return -EINVAL;
	sigemptyset(&one);
	sigaddset(&one, signo);
	if (sigprocmask(SIG_BLOCK, &one, &old) < 0)
		return -errno;
	sigaddset(&l->sigs, signo);
	fd = signalfd(l->sfd, &l->sigs, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		goto out_unblock;
	}
	if (l->sfd < 0) {
		r = ev_io_add(l, fd, EPOLLIN, signals_read, NULL);
		if (r < 0) {
			close(fd);
			goto out_unblock;
		}
		l->sfd = fd;
	}
	if (!sigismember(&old, signo))
		sigaddset(&l->blocked, signo);
	l->sig[signo].cb = cb;
	l->sig[signo].ctx = ctx;
	return 0;

out_unblock:
	if (!l->sig[signo].cb)
		sigdelset(&l->sigs, signo);
	if (!sigismember(&old, signo))
		sigprocmask(SIG_UNBLOCK, &one, NULL);
	return r;
}

/* --- deferred calls ------------------------------------------------------ */

void ev_defer_init(struct ev_defer *d, ev_defer_cb cb, void *ctx)
{
	d->next = NULL;
	d->queued = false;
	d->cb = cb;
	d->ctx = ctx;
}

void ev_defer(struct ev_loop *l, struct ev_defer *d)
{
	if (d->queued)
		return;
	d->queued = true;
	d->next = NULL;
	if (l->dq_tail)
		l->dq_tail->next = d;
	else
		l->dq_head = d;
	l->dq_tail = d;
}

/* Unlink d from a singly linked list; true if it was there. */
static bool defer_unlink(struct ev_defer **head, struct ev_defer **tail,
			 struct ev_defer *d)
{
	struct ev_defer *prev = NULL, *p;

	for (p = *head; p; prev = p, p = p->next) {
		if (p != d)
			continue;
		if (prev)
			prev->next = p->next;
		else
			*head = p->next;
		if (tail && *tail == p)
			*tail = prev;
		p->next = NULL;
		return true;
	}
	return false;
}

void ev_defer_cancel(struct ev_loop *l, struct ev_defer *d)
{
	if (!d->queued)
		return;
	if (!defer_unlink(&l->dq_head, &l->dq_tail, d))
		defer_unlink(&l->drain, NULL, d);
	d->queued = false;
}

static void defers_run(struct ev_loop *l)
{
	/*
	 * Take the whole queue: what gets queued from here on belongs to the
	 * next pass.  ev_defer_cancel() finds entries still in l->drain.
	 */
	l->drain = l->dq_head;
	l->dq_head = l->dq_tail = NULL;
	while (l->drain) {
		struct ev_defer *d = l->drain;

		l->drain = d->next;
		d->next = NULL;
		d->queued = false;
		d->cb(l, d, d->ctx);
	}
}

/* --- the loop ------------------------------------------------------------ */

struct ev_loop *ev_loop_new(void)
{
	struct ev_loop *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->tfd = l->sfd = -1;
	sigemptyset(&l->sigs);
	sigemptyset(&l->blocked);
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0)
		goto out_free;
	l->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (l->tfd < 0)
		goto out_epoll;
	if (ev_io_add(l, l->tfd, EPOLLIN, timers_expire, NULL) < 0)
		goto out_tfd;
	return l;

out_tfd:
	close(l->tfd);
out_epoll:
	close(l->epfd);
out_free:
	free(l->io);
	free(l);
	return NULL;
}

void ev_loop_free(struct ev_loop *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->nheap; i++)
		l->heap[i]->slot = 0;
	while (l->dq_head) {
		struct ev_defer *d = l->dq_head;

		l->dq_head = d->next;
		d->next = NULL;
		d->queued = false;
	}
	if (l->sfd >= 0)
		close(l->sfd);
	sigprocmask(SIG_UNBLOCK, &l->blocked, NULL);
	close(l->tfd);
	close(l->epfd);
	free(l->heap);
	free(l->io);
	free(l);
}

int ev_loop_once(struct ev_loop *l, int timeout_ms)
{
	struct epoll_event evs[EV_BATCH];
	int n, i;

	if (l->dq_head)
		timeout_ms = 0;
	n = epoll_wait(l->epfd, evs, EV_BATCH, timeout_ms);
	if (n < 0) {
		if (errno != EINTR)
			return -errno;
		n = 0;
	}
	for (i = 0; i < n; i++) {
		int fd = (int)(uint32_t)evs[i].data.u64;
		uint32_t gen = (uint32_t)(evs[i].data.u64 >> 32);
		struct ev_io *s;

		/* Re-index every time: a callback may have grown l->io. */
		if ((size_t)fd >= l->nio)
			continue;
		s = &l->io[fd];
		if (!s->used || s->gen != gen)
			continue;
		s->cb(l, fd, evs[i].events, s->ctx);
	}
	defers_run(l);
	return 0;
}

int ev_loop_run(struct ev_loop *l)
{
	int r = 0;

	l->stop = false;
	while (!l->stop) {
		r = ev_loop_once(l, -1);
		if (r < 0)
			break;
	}
	l->stop = false;
	return r;
}

void ev_loop_stop(struct ev_loop *l)
{
	l->stop = true;
}

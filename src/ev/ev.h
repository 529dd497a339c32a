/*
 * Event loop: epoll for file descriptors, one timerfd driving a binary heap
 * of timers, signalfd for signals, and deferred calls run once at the end of
 * the current pass (used to batch work such as UPDATE generation: every
 * event ready in one epoll_wait is handled before any deferred call runs).
 * Single-threaded; knows nothing of any protocol.
 */
#ifndef ANYCASTLAB_EV_EV_H
#define ANYCASTLAB_EV_EV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ev_loop;
struct ev_timer;
struct ev_defer;

typedef void (*ev_io_cb)(struct ev_loop *l, int fd, uint32_t events, void *ctx);
typedef void (*ev_timer_cb)(struct ev_loop *l, struct ev_timer *t, void *ctx);
typedef void (*ev_signal_cb)(struct ev_loop *l, int signo, void *ctx);
typedef void (*ev_defer_cb)(struct ev_loop *l, struct ev_defer *d, void *ctx);

struct ev_timer {
	uint64_t when;		/* CLOCK_MONOTONIC ns; valid while armed */
	uint64_t seq;		/* arming order: equal deadlines fire FIFO */
	size_t slot;		/* heap index + 1; 0 when not armed */
	ev_timer_cb cb;
	void *ctx;
};

struct ev_defer {
	struct ev_defer *next;
	bool queued;
	ev_defer_cb cb;
	void *ctx;
};

struct ev_loop *ev_loop_new(void);
void ev_loop_free(struct ev_loop *l);

/* events are EPOLLIN / EPOLLOUT / ...; returns 0 or -errno. */
int ev_io_add(struct ev_loop *l, int fd, uint32_t events, ev_io_cb cb,
	      void *ctx);
int ev_io_mod(struct ev_loop *l, int fd, uint32_t events);
/*
 * Safe to call from any callback, for any fd, including the one running:
 * an event of fd still pending in the current pass is dropped.  Call it
 * before close(fd).
 */
int ev_io_del(struct ev_loop *l, int fd);

void ev_timer_init(struct ev_timer *t, ev_timer_cb cb, void *ctx);
/*
 * (Re)arm to fire after ms milliseconds / ns nanoseconds from now; returns
 * 0, or -ENOMEM when the heap could not grow (t is then left unarmed).
 * A timer armed from inside a timer callback never fires in that same pass,
 * so a zero delay cannot starve the loop.  Timers never fire early.
 */
int ev_timer_arm(struct ev_loop *l, struct ev_timer *t, uint64_t ms);
int ev_timer_arm_ns(struct ev_loop *l, struct ev_timer *t, uint64_t ns);
/* (Re)arm for an absolute CLOCK_MONOTONIC deadline in ns. */
int ev_timer_arm_at(struct ev_loop *l, struct ev_timer *t, uint64_t when);
/* Safe on an unarmed timer, and from any callback. */
void ev_timer_stop(struct ev_loop *l, struct ev_timer *t);
static inline bool ev_timer_armed(const struct ev_timer *t)
{
	return t->slot != 0;
}

/*
 * Block signo and deliver it through signalfd; adding a signal twice
 * replaces its callback.  ev_loop_free() unblocks the signals this loop
 * blocked (those the caller had blocked already stay blocked).
 */
int ev_signal_add(struct ev_loop *l, int signo, ev_signal_cb cb, void *ctx);

/*
 * One pass of ev_loop_run() is: epoll_wait; every ready fd callback, expired
 * timer and signal of that wait, in the order the kernel reported them; then
 * the deferred calls, in the order they were queued.  So a deferred call
 * sees the effect of every event of its pass.  Queuing d again before it
 * runs is a no-op (it runs once, at its first position).  A deferred call
 * queued while deferred calls run (itself included) runs in the next pass,
 * which then does not sleep in epoll_wait: the loop never blocks with work
 * queued, and a call that keeps re-queuing itself cannot starve I/O.
 */
void ev_defer_init(struct ev_defer *d, ev_defer_cb cb, void *ctx);
void ev_defer(struct ev_loop *l, struct ev_defer *d);
void ev_defer_cancel(struct ev_loop *l, struct ev_defer *d);
static inline bool ev_defer_queued(const struct ev_defer *d)
{
	return d->queued;
}

/*
 * Run until ev_loop_stop(); returns 0 or -errno from epoll_wait.  A stop
 * requested from a callback takes effect after the current pass, deferred
 * calls included.
 */
int ev_loop_run(struct ev_loop *l);
/* Run a single pass, waiting at most timeout_ms (-1: no limit). */
int ev_loop_once(struct ev_loop *l, int timeout_ms);
void ev_loop_stop(struct ev_loop *l);
/* Monotonic time in ns / ms, read fresh. */
uint64_t ev_now_ns(void);
uint64_t ev_now_ms(void);

#endif

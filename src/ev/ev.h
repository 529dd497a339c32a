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
/* Safe to call from any callback, for any fd, including the one running. */
int ev_io_del(struct ev_loop *l, int fd);

void ev_timer_init(struct ev_timer *t, ev_timer_cb cb, void *ctx);
/* (Re)arm to fire after ms milliseconds / ns nanoseconds from now. */
void ev_timer_arm(struct ev_loop *l, struct ev_timer *t, uint64_t ms);
void ev_timer_arm_ns(struct ev_loop *l, struct ev_timer *t, uint64_t ns);
void ev_timer_stop(struct ev_loop *l, struct ev_timer *t);
static inline bool ev_timer_armed(const struct ev_timer *t)
{
	return t->slot != 0;
}

/* Block signo and deliver it through signalfd. */
int ev_signal_add(struct ev_loop *l, int signo, ev_signal_cb cb, void *ctx);

void ev_defer_init(struct ev_defer *d, ev_defer_cb cb, void *ctx);
/* Queue d to run after the current pass; queuing twice runs it once. */
void ev_defer(struct ev_loop *l, struct ev_defer *d);
void ev_defer_cancel(struct ev_loop *l, struct ev_defer *d);

/* Run until ev_loop_stop(); returns 0 or -errno from epoll_wait. */
int ev_loop_run(struct ev_loop *l);
void ev_loop_stop(struct ev_loop *l);
/* Monotonic time in ns / ms, read fresh. */
uint64_t ev_now_ns(void);
uint64_t ev_now_ms(void);

#endif

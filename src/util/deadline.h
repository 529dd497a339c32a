/*
 * Deadlines on CLOCK_MONOTONIC for blocking I/O that must give up: the
 * CLI asking a router or a daemon over a Unix socket, the orchestrator
 * waiting for a daemon to answer.
 */
#ifndef ANYCASTLAB_UTIL_DEADLINE_H
#define ANYCASTLAB_UTIL_DEADLINE_H

#include <stdbool.h>
#include <time.h>

/* *d becomes ms milliseconds from now. */
void deadline_in(struct timespec *d, unsigned ms);
bool deadline_passed(const struct timespec *d);
/* Wait until fd has one of events (poll(2)) or d passes: 0 when it has
 * (or a signal came: look again), -ETIMEDOUT, or -errno. */
int deadline_poll(int fd, short events, const struct timespec *d);

#endif

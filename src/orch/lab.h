/*
 * What `up` holds while it builds a lab: per node a namespace fd and an
 * rtnetlink socket in that namespace, per link the interface indexes
 * given to its two ends.  Internal to orch/.
 */
#ifndef ANYCASTLAB_ORCH_LAB_H
#define ANYCASTLAB_ORCH_LAB_H

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "run/journal.h"
#include "orch/orch.h"
#include "topo/topo.h"
#include "util/err.h"

struct nl_sock;

struct lab {
	const struct topo *t;
	const struct up_opts *opts;
	FILE *out;			/* progress */
	struct err *err;		/* why it failed */
	struct journal journal;
	int *nsfd;
	struct nl_sock **sk;
	int *next_ifindex;
	int *ifindex_a, *ifindex_b;
};

/* Say "lab 'x': <what>: <strerror>" in lab->err and return err;
 * lab_error leaves out the strerror. */
int lab_fail(struct lab *lab, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int lab_error(struct lab *lab, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Add what fn writes to f after the sentence in lab->err: the
 * diagnosis that explains it. */
void lab_err_from(struct lab *lab,
		  void (*fn)(struct lab *lab, FILE *f, const void *arg),
		  const void *arg);
/* After "its log ends:", the last lines of node's log, in lab->err. */
void lab_log_tail(struct lab *lab, const char *node);
/* Have SIGINT/SIGTERM/SIGHUP set orch_interrupted while a lab is built. */
void lab_catch_signals(void);
void lab_phase(struct lab *lab, const char *what, size_t count,
	       const struct timespec *t0);
double lab_ms_since(const struct timespec *t0);

/* Spawn one router per ISP/POP node (spawn.c) and wait for BGP to
 * converge (converge.c). */
int lab_start_routers(struct lab *lab);
int lab_converge(struct lab *lab);

#endif

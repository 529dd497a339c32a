/*
 * What every step of building a lab shares (see lab.h): its failure
 * sentence, its progress lines, and the signals that interrupt it.
 */
#include "orch/lab.h"
#include "run/spawn.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

volatile int orch_interrupted;

static void orch_on_signal(int sig)
{
	orch_interrupted = sig;
}

void lab_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = orch_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A router that died must not take us with it when we write to
	 * its start handshake. */
	signal(SIGPIPE, SIG_IGN);
}

double lab_ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

void lab_phase(struct lab *lab, const char *what, size_t count,
	       const struct timespec *t0)
{
	fprintf(lab->out, "  %-12s %5zu  %8.1f ms\n", what, count,
		lab_ms_since(t0));
	fflush(lab->out);
}

static int lab_verr(struct lab *lab, int err, bool why, const char *fmt,
		    va_list ap)
{
	char what[ERR_MAX / 2];

	vsnprintf(what, sizeof(what), fmt, ap);
	return err_set(lab->err, err, "lab '%s': %s%s%s", lab->t->name, what,
		       why ? ": " : "", why ? strerror(-err) : "");
}

int lab_fail(struct lab *lab, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lab_verr(lab, err, true, fmt, ap);
	va_end(ap);
	return err;
}

int lab_error(struct lab *lab, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lab_verr(lab, err, false, fmt, ap);
	va_end(ap);
	return err;
}

void lab_err_from(struct lab *lab,
		  void (*fn)(struct lab *lab, FILE *f, const void *arg),
		  const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return;
	fn(lab, f, arg);
	fclose(f);
	if (buf && len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	err_add(lab->err, "%s", buf ? buf : "");
	free(buf);
}

static void log_tail(struct lab *lab, FILE *f, const void *node)
{
	fputc('\n', f);
	spawn_log_tail(lab->t->name, node, 8, f);
}

void lab_log_tail(struct lab *lab, const char *node)
{
	lab_err_from(lab, log_tail, node);
}

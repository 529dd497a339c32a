/*
 * The control socket against a slow reader and a short answer, with the
 * real server and client code (router/ctl.h) over a real Unix socket:
 *
 *   1. a server whose answer is 200,000 records, read by a client that
 *      takes about 7 s over it (longer than the server's 5 s timeout,
 *      with data moving all the time): every record and the end record
 *      arrive;
 *   2. a server that closes before its end record: ctl_request says
 *      -EPIPE instead of returning a short table.
 *
 * Prints TAP.  Run by tests/lab/control.sh; needs no root.
 */
#include "ev/ev.h"
#include "router/ctl.h"
#include "router/ctlmsg.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RECORDS	200000

static void big_answer(void *ctx, const char *req, struct dbuf *out)
{
	char line[64];
	int i, n;

	(void)ctx;
	(void)req;
	for (i = 0; i < RECORDS; i++) {
		n = snprintf(line, sizeof(line), "route n=%d\n", i);
		dbuf_append(out, line, (size_t)n);
	}
}

static void on_term(struct ev_loop *l, int signo, void *ctx)
{
	(void)signo;
	(void)ctx;
	ev_loop_stop(l);
}

static pid_t serve(const char *path)
{
	struct ctl_server *s;
	struct ev_loop *l;
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	l = ev_loop_new();
	if (!l || ctl_server_new(l, path, big_answer, NULL, &s) < 0)
		_exit(1);
	ev_signal_add(l, SIGTERM, on_term, NULL);
	ev_loop_run(l);
	ctl_server_free(s);
	_exit(0);
}

/* Read the answer 16 KiB at a time, 40 ms apart; count lines. */
static long slow_read(const char *path, int *ended)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timespec nap = { 0, 40 * 1000 * 1000 };
	char buf[16384], last[64] = "";
	size_t ll = 0;
	long lines = 0;
	ssize_t n, i;
	int fd;

	*ended = 0;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    write(fd, "routes\n", 7) != 7)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				last[ll < sizeof(last) ? ll : sizeof(last) - 1] = '\0';
				lines++;
				*ended = !strcmp(last, CTL_END);
				ll = 0;
			} else if (ll < sizeof(last) - 1) {
				last[ll++] = buf[i];
			}
		}
		nanosleep(&nap, NULL);
	}
	close(fd);
	return lines;
}

static int count_rec(void *ctx, const struct ctl_rec *r)
{
	(void)r;
	(*(long *)ctx)++;
	return 0;
}

/* A server that writes three records and closes, never an end. */
static pid_t serve_short(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, c;
	char req[64];
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 1) < 0)
		_exit(1);
	c = accept(fd, NULL, NULL);
	if (c < 0 || read(c, req, sizeof(req)) <= 0)
		_exit(1);
	if (write(c, "route n=1\nroute n=2\nroute n=3\n", 30) != 30)
		_exit(1);
	close(c);
	_exit(0);
}

int main(void)
{
	char dir[] = "/tmp/anycastlab-ctl.XXXXXX", path[64], path2[64];
	struct timespec t0, t1, nap = { 0, 100 * 1000 * 1000 };
	long lines, got = 0;
	int ended, r;
	pid_t srv;
	double s;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/big.sock", dir);
	snprintf(path2, sizeof(path2), "%s/short.sock", dir);
	srv = serve(path);
	nanosleep(&nap, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	lines = slow_read(path, &ended);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%s 1 - a slow reader (%.1f s) gets all %d records and the end "
	       "record (got %ld lines)\n", lines == RECORDS + 1 && ended ? "ok" :
	       "not ok", s, RECORDS, lines);
	printf("%s 2 - the read took longer than the server's 5 s timeout\n",
	       s > 5.0 ? "ok" : "not ok");
	r = ctl_request(path, "routes", 3000, count_rec, &got);
	printf("%s 3 - ctl_request reads the whole answer (%ld records, %d)\n",
	       r == 0 && got == RECORDS ? "ok" : "not ok", got, r);
	kill(srv, SIGTERM);
	waitpid(srv, NULL, 0);

	srv = serve_short(path2);
	nanosleep(&nap, NULL);
	got = 0;
	r = ctl_request(path2, "routes", 3000, count_rec, &got);
	printf("%s 4 - the records of a short answer arrive (%ld)\n",
	       got == 3 ? "ok" : "not ok", got);
	printf("%s 5 - and ctl_request reports it cut short (%s)\n",
	       r == -EPIPE ? "ok" : "not ok", strerror(-r));
	waitpid(srv, NULL, 0);
	unlink(path);
	unlink(path2);
	rmdir(dir);
	printf("1..5\n");
	return 0;
}

/*
 * Router processes: spawn, start handshake, log tails (see spawn.h).
 */
#include "run/spawn.h"
#include "run/state.h"
#include "net/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

size_t spawn_router_argv(const char *lab, const char *node, const char **argv)
{
	size_t i = 0;

	argv[i++] = "anycastlab";
	argv[i++] = "router";
	argv[i++] = "--lab";
	argv[i++] = lab;
	argv[i++] = "--node";
	argv[i++] = node;
	argv[i] = NULL;
	return i;
}

static void spawn_child(int fd, const char *lab, const char *node,
			bool lab_start)
{
	char c, fdarg[16];
	const char *argv[12];
	int devnull;
	size_t i;

	/* Not a step further until our pid is in the journal. */
	if (read(fd, &c, 1) != 1 || c != 'J')
		_exit(1);
	setsid();
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	devnull = open("/dev/null", O_RDWR);
	if (devnull >= 0) {
		dup2(devnull, 0);
		dup2(devnull, 1);
		dup2(devnull, 2);
		if (devnull > 2)
			close(devnull);
	}
	if (dup2(fd, 3) < 0)
		_exit(1);
	/* Nothing else of ours or of our caller's: a router holds only what
	 * it opens itself. */
	close_range(4, ~0u, 0);
	snprintf(fdarg, sizeof(fdarg), "%d", 3);
	i = spawn_router_argv(lab, node, argv);
	argv[i++] = "--sync";
	argv[i++] = fdarg;
	if (lab_start)
		argv[i++] = "--lab-start";
	argv[i] = NULL;
	execv("/proc/self/exe", (char *const *)argv);
	_exit(127);
}

int spawn_router(struct journal *j, const char *lab, const char *node,
		 bool lab_start, struct spawned *s)
{
	int sv[2], r;
	pid_t pid;

	memset(s, 0, sizeof(*s));
	s->node = node;
	s->sync = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(sv[0]);
		close(sv[1]);
		return r;
	}
	if (pid == 0) {
		close(sv[0]);
		spawn_child(sv[1], lab, node, lab_start);
	}
	close(sv[1]);
	r = proc_id_get(pid, &s->id);
	if (r == 0)
		r = journal_proc(j, node, &s->id);
	if (r < 0) {
		/* Closing the socket makes the child exit before it execs. */
		close(sv[0]);
		waitpid(pid, NULL, 0);
		return r;
	}
	if (write(sv[0], "J", 1) != 1) {
		r = -errno;
		close(sv[0]);
		return r;
	}
	s->sync = sv[0];
	return 0;
}

static void spawn_exec_child(int fd, const struct spawn_cmd *c)
{
	int devnull, ns, logfd;
	char ch;

	if (read(fd, &ch, 1) != 1 || ch != 'J')
		_exit(1);
	setsid();
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	logfd = open(c->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
		     0600);
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (logfd < 0 || devnull < 0 || dup2(devnull, 0) < 0 ||
	    dup2(logfd, 1) < 0 || dup2(logfd, 2) < 0)
		_exit(1);
	/* The daemon must never run in the caller's namespace: no way
	 * into the node's, no exec. */
	ns = netns_open(c->netns);
	if (ns < 0 || setns(ns, CLONE_NEWNET) < 0) {
		dprintf(2, "anycastlab: cannot enter namespace %s: %s\n",
			c->netns, strerror(ns < 0 ? -ns : errno));
		_exit(1);
	}
	/* Nothing of ours beyond stdio: an inherited namespace fd would
	 * keep another node's namespace alive after `down`. */
	close_range(3, ~0u, 0);
	execv(c->path ? c->path : c->argv[0], (char *const *)c->argv);
	dprintf(2, "anycastlab: cannot run %s: %s\n",
		c->path ? c->path : c->argv[0], strerror(errno));
	_exit(127);
}

int spawn_exec(struct journal *j, const struct spawn_cmd *c,
	       struct proc_id *id)
{
	int fds[2], r;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(fds[0]);
		close(fds[1]);
		return r;
	}
	if (pid == 0) {
		close(fds[1]);
		spawn_exec_child(fds[0], c);
	}
	close(fds[0]);
	r = proc_id_get(pid, id);
	if (r == 0)
		r = journal_daemon(j, c->node, c->role, id);
	if (r < 0) {
		/* Closing the pipe makes the child exit before it execs. */
		close(fds[1]);
		waitpid(pid, NULL, 0);
		return r;
	}
	r = write(fds[1], "J", 1) == 1 ? 0 : -errno;
	close(fds[1]);
	return r;
}

int spawn_wait_ready(struct spawned *v, size_t n, unsigned timeout_ms,
		     size_t *failed)
{
	struct pollfd *pfd;
	struct timespec t0, now;
	size_t i, left = 0;
	int r = 0;

	pfd = calloc(n ? n : 1, sizeof(*pfd));
	if (!pfd)
		return -ENOMEM;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++)
		if (!v[i].ready && v[i].sync >= 0)
			left++;
	while (left) {
		long ms;
		int k;

		for (i = 0; i < n; i++) {
			pfd[i].fd = v[i].ready ? -1 : v[i].sync;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (long)timeout_ms - ((now.tv_sec - t0.tv_sec) * 1000 +
					 (now.tv_nsec - t0.tv_nsec) / 1000000);
		if (ms <= 0) {
			r = -ETIMEDOUT;
			break;
		}
		k = poll(pfd, n, (int)ms);
		if (k < 0 && errno != EINTR) {
			r = -errno;
			break;
		}
		for (i = 0; i < n && k > 0; i++) {
			char c = 0;

			if (!pfd[i].revents)
				continue;
			if (read(v[i].sync, &c, 1) == 1 && c == 'R') {
				v[i].ready = true;
				left--;
				continue;
			}
			*failed = i;
			r = -ECHILD;
			goto out;
		}
	}
	if (r == -ETIMEDOUT)
		for (i = 0; i < n; i++)
			if (!v[i].ready)
				*failed = i;
out:
	free(pfd);
	return r;
}

void spawn_release(struct spawned *s)
{
	if (s->sync < 0)
		return;
	if (write(s->sync, "G", 1) != 1) {
		/* It is gone; `status` will say so. */
	}
	close(s->sync);
	s->sync = -1;
}

void spawn_log_tail(const char *lab, const char *node, unsigned lines,
		    FILE *out)
{
	char path[STATE_PATH_MAX], **ring;
	char line[512];
	unsigned n = 0, i;
	FILE *f;

	if (router_state_file(lab, node, "log", path, sizeof(path)) < 0)
		return;
	f = fopen(path, "re");
	if (!f) {
		fprintf(out, "    (no log at %s)\n", path);
		return;
	}
	ring = calloc(lines, sizeof(*ring));
	if (!ring) {
		fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		free(ring[n % lines]);
		ring[n % lines] = strdup(line);
		n++;
	}
	fclose(f);
	for (i = n > lines ? n - lines : 0; i < n; i++)
		if (ring[i % lines])
			fprintf(out, "    %s", ring[i % lines]);
	for (i = 0; i < lines; i++)
		free(ring[i]);
	free(ring);
}

/*
 * What the rows of daemons anycastlab executes from a configuration it
 * writes (BIRD, FRR) share: finding their programs, starting their
 * processes journaled in the node's namespace beside a POP's web server,
 * waiting for their control sockets, their status's pid and memory, and
 * the socket plumbing their clients use.
 */
#include "daemon/daemon.h"
#include "daemon/daemon_int.h"
#include "run/spawn.h"
#include "run/state.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

const char *daemon_find_program(const char *const *paths)
{
	struct stat st;
	size_t i;

	for (i = 0; paths[i]; i++)
		if (stat(paths[i], &st) == 0 && S_ISREG(st.st_mode) &&
		    access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

int daemon_exec_start(struct journal *j, const char *lab, const struct topo *t,
		      size_t node, bool lab_start, struct daemon_procs *p,
		      struct err *e)
{
	const struct daemon_ops *ops = daemon_row(t, node);
	const struct topo_node *nd = &t->nodes[node];
	char store[DAEMON_ARGV_MAX][STATE_PATH_MAX], log[STATE_PATH_MAX];
	char pidfile[STATE_PATH_MAX];
	const char *argv[DAEMON_ARGV_MAX + 1], *roles[DAEMON_MAX_PROCS];
	size_t i, nroles;
	int r;

	(void)lab_start;
	memset(p, 0, sizeof(*p));
	nroles = daemon_node_roles(t, node, roles, &p->speaker);
	r = router_state_file(lab, nd->name, "log", log, sizeof(log));
	if (r == 0)
		r = router_state_file(lab, nd->name, "http.pid", pidfile,
				      sizeof(pidfile));
	/* up has refused these before building anything; a revive of the
	 * saved topology gets the same sentence rather than a bare errno. */
	if (r == 0 && (r = daemon_check(t, node, e)) < 0)
		return r;
	if (r == 0)
		r = ops->write_config(lab, t, node);
	if (r < 0) {
		return err_set(e, r, "cannot write the %s configuration of "
			       "%s: %s", ops->title, nd->name, strerror(-r));
	}
	/* A killed web server leaves its pid file: readiness is a new one. */
	unlink(pidfile);
	for (i = 0; i < nroles; i++) {
		struct spawn_cmd c = {
			.node = nd->name, .role = roles[i], .netns = nd->netns,
			.log = log, .argv = argv,
		};

		p->role[i] = roles[i];
		p->n = i + 1;
		if (i < ops->nroles) {
			r = ops->argv(lab, t, node, i, store, argv);
		} else {
			/* Ourselves, as `anycastlab router --http-only`. */
			size_t k = spawn_router_argv(lab, nd->name, argv);

			argv[k++] = "--http-only";
			argv[k] = NULL;
			c.path = "/proc/self/exe";
			r = 0;
		}
		if (r == 0)
			r = spawn_exec(j, &c, &p->id[i]);
		if (r < 0) {
			err_set(e, r, "cannot start %s of %s: %s", roles[i],
				nd->name, strerror(-r));
			goto fail;
		}
		p->alive[i] = true;
		p->nalive++;
	}
	return 0;
fail:
	for (i = 0; i < p->n; i++)
		if (p->alive[i])
			proc_stop(&p->id[i], 1000);
	return r;
}

/* The web server beside a POP's daemon listens once its pid file names
 * it; true when the node has none. */
static bool http_ready(const char *lab, const struct topo *t, size_t node,
		       const struct daemon_procs *p)
{
	char path[STATE_PATH_MAX], line[32] = "";
	size_t i;
	FILE *f;

	for (i = 0; i < p->n; i++)
		if (!strcmp(p->role[i], DAEMON_HTTP_ROLE))
			break;
	if (i == p->n)
		return true;
	if (router_state_file(lab, t->nodes[node].name, "http.pid", path,
			      sizeof(path)) < 0)
		return false;
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	return atol(line) == (long)p->id[i].pid;
}

int daemon_exec_wait(const char *lab, const struct topo *t, size_t node,
		     const struct daemon_procs *p, unsigned timeout_ms)
{
	const struct daemon_ops *ops = daemon_row(t, node);
	struct timespec nap = { 0, 5 * 1000 * 1000 }, deadline;
	size_t i;

	deadline_in(&deadline, timeout_ms);
	for (;;) {
		for (i = 0; i < p->n; i++)
			if (!proc_id_alive(&p->id[i]))
				return -ECHILD;
		if (ops->ready(lab, t, node) == 0 && http_ready(lab, t, node, p))
			return 0;
		if (deadline_passed(&deadline))
			return -ETIMEDOUT;
		nanosleep(&nap, NULL);
	}
}

static uint64_t daemon_rss_kb(pid_t pid)
{
	char path[64];
	long pages, res;
	FILE *f;
	int k;

	snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	k = fscanf(f, "%ld %ld", &pages, &res);
	fclose(f);
	return k == 2 && res > 0 ?
	       (uint64_t)res * (uint64_t)(sysconf(_SC_PAGESIZE) / 1024) : 0;
}

int daemon_exec_status(const char *lab, const struct topo *t, size_t node,
		       const struct daemon_procs *p, unsigned timeout_ms,
		       struct snap_router *sr)
{
	size_t i;
	int r;

	if (p->nalive < p->n)
		return -ESRCH;
	r = daemon_row(t, node)->query(lab, t, node, timeout_ms, sr);
	if (r < 0)
		return r;
	/* The process that speaks BGP (bird, bgpd) is the one to name;
	 * memory counts every process of the node. */
	sr->pid = p->n ? p->id[p->speaker].pid : 0;
	sr->rss_kb = 0;
	for (i = 0; i < p->n; i++)
		sr->rss_kb += daemon_rss_kb(p->id[i].pid);
	return 0;
}

int daemon_sock_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

int daemon_sock_write(int fd, const void *p, size_t len,
		      const struct timespec *deadline)
{
	const char *c = p;
	ssize_t w;
	int r;

	while (len) {
		r = deadline_poll(fd, POLLOUT, deadline);
		if (r < 0)
			return r;
		w = send(fd, c, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		c += w;
		len -= (size_t)w;
	}
	return 0;
}

long daemon_sock_reply(int fd, struct dbuf *raw,
		       size_t (*complete)(const char *raw, size_t len),
		       const struct timespec *deadline)
{
	size_t done;
	ssize_t k;
	int r;

	for (;;) {
		done = dbuf_len(raw) ?
		       complete((const char *)dbuf_data(raw), dbuf_len(raw)) : 0;
		if (done)
			return (long)done;
		/* A full table of a lab is far smaller; anything this big is
		 * not a reply we understand. */
		if (dbuf_len(raw) > (64u << 20))
			return -EMSGSIZE;
		r = deadline_poll(fd, POLLIN, deadline);
		if (r < 0)
			return r;
		if (dbuf_reserve(raw, 65536) < 0)
			return -ENOMEM;
		k = recv(fd, raw->p + raw->tail, raw->cap - raw->tail, MSG_DONTWAIT);
		if (k < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		if (k == 0)
			return -ECONNRESET;
		dbuf_commit(raw, (size_t)k);
	}
}

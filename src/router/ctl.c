/*
 * Control socket server and client (see ctl.h).  The server never blocks
 * the router's loop: requests are read and answers written as the socket
 * allows, and a client that makes no progress for a timeout is dropped
 * (the timeout starts again whenever bytes move, so a long table reaches
 * a slow reader whole).  Every answer ends with an "end" record; a client
 * that sees the connection close without it has a truncated answer, which
 * is an error, never a short table.  Only root may ask (SO_PEERCRED), and
 * the socket file is 0600 whatever the umask.
 */
#include "router/ctl.h"
#include "router/ctlmsg.h"
#include "ev/ev.h"
#include "util/deadline.h"

#include <errno.h>
#include <stdbool.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define CTL_REQ_MAX	512
#define CTL_TIMEOUT_MS	5000

struct ctl_conn {
	struct ctl_server *s;
	int fd;
	char req[CTL_REQ_MAX];
	size_t reqlen;
	bool answered;
	struct dbuf out;
	struct ev_timer timeout;
};

struct ctl_server {
	struct ev_loop *l;
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	ctl_handler h;
	void *ctx;
};

static void ctl_conn_free(struct ctl_conn *c)
{
	ev_timer_stop(c->s->l, &c->timeout);
	ev_io_del(c->s->l, c->fd);
	close(c->fd);
	dbuf_free(&c->out);
	free(c);
}

static void ctl_conn_timeout(struct ev_loop *l, struct ev_timer *t, void *ctx)
{
	(void)l;
	(void)t;
	ctl_conn_free(ctx);
}

static void ctl_conn_io(struct ev_loop *l, int fd, uint32_t events, void *ctx)
{
	struct ctl_conn *c = ctx;
	char *nl;
	ssize_t n;

	(void)fd;
	if (!c->answered && (events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
		n = read(c->fd, c->req + c->reqlen, sizeof(c->req) - 1 - c->reqlen);
		if (n <= 0) {
			if (n < 0 && errno == EAGAIN)
				return;
			ctl_conn_free(c);
			return;
		}
		c->reqlen += (size_t)n;
		c->req[c->reqlen] = '\0';
		nl = strchr(c->req, '\n');
		if (!nl) {
			if (c->reqlen == sizeof(c->req) - 1)
				ctl_conn_free(c);	/* no line in 511 bytes */
			return;
		}
		*nl = '\0';
		c->answered = true;
		c->s->h(c->s->ctx, c->req, &c->out);
		dbuf_append(&c->out, CTL_END "\n", sizeof(CTL_END));
		ev_io_mod(l, c->fd, EPOLLOUT);
	}
	if (c->answered) {
		long w = dbuf_write_fd(&c->out, c->fd);

		if (w < 0 || !dbuf_len(&c->out)) {
			ctl_conn_free(c);
			return;
		}
		if (w > 0)
			ev_timer_arm(l, &c->timeout, CTL_TIMEOUT_MS);
	}
}

static void ctl_accept(struct ev_loop *l, int fd, uint32_t events, void *ctx)
{
	struct ctl_server *s = ctx;
	struct ctl_conn *c;
	int cfd;

	(void)events;
	while ((cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct ucred cr;
		socklen_t crlen = sizeof(cr);

		/* A router takes orders (withdraw, announce) from root only,
		 * even if someone loosened the socket file's mode. */
		if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) < 0 ||
		    cr.uid != 0) {
			close(cfd);
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(cfd);
			continue;
		}
		c->s = s;
		c->fd = cfd;
		dbuf_init(&c->out);
		ev_timer_init(&c->timeout, ctl_conn_timeout, c);
		if (ev_io_add(l, cfd, EPOLLIN, ctl_conn_io, c) < 0) {
			close(cfd);
			free(c);
			continue;
		}
		ev_timer_arm(l, &c->timeout, CTL_TIMEOUT_MS);
	}
}

int ctl_server_new(struct ev_loop *l, const char *path, ctl_handler h,
		   void *ctx, struct ctl_server **out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ctl_server *s;
	int r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->l = l;
	s->h = h;
	s->ctx = ctx;
	strcpy(s->path, path);
	strcpy(sa.sun_path, path);
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		r = -errno;
		goto out_free;
	}
	/* A socket left by a crashed router of the same node. */
	unlink(path);
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(path, 0600) < 0 || listen(s->fd, 16) < 0) {
		r = -errno;
		goto out_close;
	}
	r = ev_io_add(l, s->fd, EPOLLIN, ctl_accept, s);
	if (r < 0)
		goto out_unlink;
	*out = s;
	return 0;

out_unlink:
	unlink(path);
out_close:
	close(s->fd);
out_free:
	free(s);
	return r;
}

void ctl_server_free(struct ctl_server *s)
{
	if (!s)
		return;
	ev_io_del(s->l, s->fd);
	close(s->fd);
	unlink(s->path);
	free(s);
}

int ctl_request(const char *path, const char *req, unsigned timeout_ms,
		ctl_rec_fn fn, void *ctx)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	static struct ctl_rec rec;
	struct timespec deadline;
	char line[CTL_LINE_MAX + 1], buf[8192];
	size_t len = 0, reqlen = strlen(req);
	bool ended = false;
	int fd, r = 0;
	ssize_t n;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	deadline_in(&deadline, timeout_ms);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    write(fd, req, reqlen) != (ssize_t)reqlen || write(fd, "\n", 1) != 1) {
		r = -errno;
		goto out;
	}
	for (;;) {
		size_t i, start = 0;

		r = deadline_poll(fd, POLLIN, &deadline);
		if (r < 0)
			break;
		n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		/* The deadline bounds a silence, not a long answer. */
		deadline_in(&deadline, timeout_ms);
		if (n == 0) {
			/* Closed before its end record: cut short. */
			if (!ended)
				r = -EPIPE;
			break;
		}
		for (i = 0; i < (size_t)n; i++) {
			if (buf[i] != '\n')
				continue;
			if (len + (i - start) < sizeof(line)) {
				memcpy(line + len, buf + start, i - start);
				len += i - start;
				if (ctl_parse(line, len, &rec) < 0) {
					/* not a record: skipped */
				} else if (!strcmp(rec.kind, CTL_END)) {
					ended = true;
				} else if (fn) {
					r = fn(ctx, &rec);
					if (r)
						goto out;
				}
			}
			len = 0;
			start = i + 1;
		}
		if ((size_t)n > start) {
			size_t k = (size_t)n - start;

			if (len + k < sizeof(line)) {
				memcpy(line + len, buf + start, k);
				len += k;
			} else {
				len = sizeof(line);	/* too long: dropped */
			}
		}
	}
out:
	close(fd);
	return r;
}

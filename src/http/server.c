/*
 * HTTP/1.1 server glue (see server.h): accept, read, parse, answer, write,
 * on the event loop.  Connection management follows RFC 9112 §9: requests
 * on one connection are answered in order (§9.3.2 pipelining), persistence
 * as the request asks (§9.3), and closing is graceful (§9.6): after the last
 * response we shut down our side and keep reading, and discarding, for a
 * while, so that unread request bytes do not make the kernel answer with a
 * RST that destroys the response before the client has read it.
 *
 * Every client is bounded:
 *   - time: one timer per connection, meaning (by state) the header
 *     timeout (full request within header_timeout_ms of its first octet;
 *     slowloris), the idle timeout (keep-alive, or output not moving), or
 *     the lingering close;
 *   - memory: a fixed input buffer; once unsent output exceeds max_output
 *     the client is not read (nor its buffered requests answered) until
 *     it drains;
 *   - CPU: a read budget per wakeup, so a pipelining client yields to the
 *     others (epoll is level-triggered: it is called again next pass);
 *   - number: a client (an IPv4 address or IPv6 /64, limit.h) holding
 *     max_conns_per_client already has further connections accepted and
 *     closed at once, so the backlog drains instead of filling; so has
 *     anyone once max_conns are open and none of them is idle;
 *   - room for others: over half of max_conns open, a connection that
 *     falls idle gets idle_pressure_ms instead of idle_timeout_ms, and
 *     each new connection first closes those idle for longer than that
 *     (their timers were armed before the pressure), longest idle first,
 *     until no more than half are open; at max_conns it closes the
 *     longest idle one to take its place.  A client that floods idle
 *     connections therefore loses its own oldest first, and a fresh
 *     client is served.
 * When accept fails for want of descriptors (EMFILE and friends) the
 * listeners are paused for a moment rather than spun on.
 */
#include "http/server.h"

#include "ev/ev.h"
#include "http/limit.h"
#include "http/parse.h"
#include "http/resp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DEF_MAX_CONNS		1024
#define DEF_HEADER_MS		5000
#define DEF_IDLE_MS		10000
#define DEF_PRESSURE_MS		1000
#define DEF_MAX_OUTPUT		65536

#define CONN_IN_SIZE		4096
#define READ_BUDGET		65536	/* octets per connection per pass */
#define ACCEPT_BUDGET		64	/* accepts per listener per pass */
#define REAP_BUDGET		64	/* idle closes per accept */
#define LINGER_MS		2000
#define ACCEPT_PAUSE_MS		100
#define OUT_KEEP		16384	/* free larger idle output buffers */

enum conn_state {
	CONN_ACTIVE,		/* reading and answering requests */
	CONN_CLOSING,		/* flushing the last response */
	CONN_LINGER,		/* our side shut; draining the client's */
};

struct conn {
	struct http_server *srv;
	struct conn *prev, *next;
	int fd;
	enum conn_state state;
	bool in_request;	/* header timer running for this request */
	bool idle_listed;
	struct conn *iprev, *inext;	/* idle list, longest idle first */
	uint64_t idle_since;	/* ev_now_ms() when it went idle */
	struct http_client_key client;
	struct ev_timer timer;
	struct http_parser parser;
	char addr[INET6_ADDRSTRLEN];
	uint8_t *out;
	size_t out_off, out_len, out_cap;
	size_t in_off, in_len;
	uint8_t in[CONN_IN_SIZE];
};

struct http_server {
	struct ev_loop *loop;
	char *pop, *city;
	unsigned max_conns, per_client, header_ms, idle_ms, pressure_ms;
	size_t max_output;
	struct http_limit limit;
	/*
	 * Every idle connection, in the order it went idle; it may also hold
	 * connections that have since become busy, dropped when met, which
	 * spares every state change a list update.
	 */
	struct conn *idle_head, *idle_tail;
	int *listeners;
	size_t nlisteners;
	bool paused;
	struct ev_timer resume;
	struct conn *conns;
	struct http_stats st;
};

/* --- connections --------------------------------------------------------- */

static void idle_unlink(struct conn *c)
{
	struct http_server *s = c->srv;

	if (!c->idle_listed)
		return;
	if (c->iprev)
		c->iprev->inext = c->inext;
	else
		s->idle_head = c->inext;
	if (c->inext)
		c->inext->iprev = c->iprev;
	else
		s->idle_tail = c->iprev;
	c->iprev = c->inext = NULL;
	c->idle_listed = false;
}

static bool conn_is_idle(const struct conn *c)
{
	return c->state == CONN_ACTIVE && !c->in_request;
}

static void conn_close(struct conn *c)
{
	struct http_server *s = c->srv;

	idle_unlink(c);
	http_limit_put(&s->limit, &c->client);
	ev_io_del(s->loop, c->fd);
	ev_timer_stop(s->loop, &c->timer);
	close(c->fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	s->st.conns_now--;
	free(c->out);
	free(c);
}

static size_t out_pending(const struct conn *c)
{
	return c->out_len - c->out_off;
}

/* Interest follows state; ev_io_mod() is a no-op when nothing changes. */
static void conn_interest(struct conn *c)
{
	uint32_t ev = 0;

	switch (c->state) {
	case CONN_ACTIVE:
		if (out_pending(c) <= c->srv->max_output &&
		    c->in_len < CONN_IN_SIZE)
			ev |= EPOLLIN;
		if (out_pending(c))
			ev |= EPOLLOUT;
		break;
	case CONN_CLOSING:
		ev = EPOLLOUT;
		break;
	case CONN_LINGER:
		ev = EPOLLIN;
		break;
	}
	ev_io_mod(c->srv->loop, c->fd, ev);
}

static void timer_set(struct conn *c, unsigned ms)
{
	/* -ENOMEM leaves it unarmed; the next activity tries again. */
	ev_timer_arm(c->srv->loop, &c->timer, ms);
}

/* c has nothing to do but wait for its client: idle timer, end of list. */
static void conn_idle(struct conn *c)
{
	struct http_server *s = c->srv;

	timer_set(c, http_limit_idle_ms(s->st.conns_now, s->max_conns,
					s->idle_ms, s->pressure_ms));
	idle_unlink(c);
	c->idle_since = ev_now_ms();
	c->iprev = s->idle_tail;
	if (s->idle_tail)
		s->idle_tail->inext = c;
	else
		s->idle_head = c;
	s->idle_tail = c;
	c->idle_listed = true;
}

/* The longest idle connection, dropping busy ones met on the way. */
static struct conn *idle_oldest(struct http_server *s)
{
	while (s->idle_head && !conn_is_idle(s->idle_head))
		idle_unlink(s->idle_head);
	return s->idle_head;
}

/* Make room for one more response at the end of the output buffer. */
static int out_reserve(struct conn *c)
{
	size_t need = c->out_len + HTTP_RESP_MAX;
	uint8_t *p;

	if (c->out_off && c->out_off == c->out_len) {
		c->out_off = c->out_len = 0;
		need = HTTP_RESP_MAX;
	} else if (c->out_off > c->out_cap / 2) {
		memmove(c->out, c->out + c->out_off, out_pending(c));
		c->out_len -= c->out_off;
		c->out_off = 0;
		need = c->out_len + HTTP_RESP_MAX;
	}
	if (need <= c->out_cap)
		return 0;
	if (need < 2 * c->out_cap)
		need = 2 * c->out_cap;
	p = realloc(c->out, need);
	if (!p)
		return -ENOMEM;
	c->out = p;
	c->out_cap = need;
	return 0;
}

static void count_status(struct http_server *s, int status)
{
	if (status >= 100 && status < 600)
		s->st.requests[status / 100]++;
}

/* Queue an error response and move to closing; 0, or -ENOMEM. */
static int queue_error(struct conn *c, int status)
{
	struct http_site site = { c->srv->pop, c->srv->city, c->addr };
	struct buf b;

	c->state = CONN_CLOSING;
	c->in_off = c->in_len = 0;
	if (out_reserve(c) < 0)
		return -ENOMEM;
	buf_init(&b, c->out + c->out_len, c->out_cap - c->out_len);
	if (http_resp_error(&b, status, &site, time(NULL)) < 0)
		return -ENOMEM;
	c->out_len += b.len;
	count_status(c->srv, status);
	return 0;
}

static int queue_reply(struct conn *c)
{
	struct http_site site = { c->srv->pop, c->srv->city, c->addr };
	struct http_reply reply;
	struct buf b;

	if (out_reserve(c) < 0)
		return -ENOMEM;
	buf_init(&b, c->out + c->out_len, c->out_cap - c->out_len);
	if (http_resp_request(&b, &c->parser.req, &site, time(NULL),
			      &reply) < 0)
		return -ENOMEM;
	c->out_len += b.len;
	count_status(c->srv, reply.status);
	if (reply.close)
		c->state = CONN_CLOSING;
	return 0;
}

/*
 * Answer what the input buffer holds, in order, while output is under its
 * cap.  -1 if the connection had to be closed (c is gone).
 */
static int conn_process(struct conn *c)
{
	struct http_server *s = c->srv;

	while (c->state == CONN_ACTIVE && c->in_off < c->in_len &&
	       out_pending(c) <= s->max_output) {
		enum http_parse_result res;
		size_t used;

		res = http_parse(&c->parser, c->in + c->in_off,
				 c->in_len - c->in_off, &used);
		c->in_off += used;
		if (res == HTTP_PARSE_MORE)
			break;
		c->in_request = false;
		if (res == HTTP_PARSE_ERROR) {
			if (queue_error(c, c->parser.status) < 0)
				goto out_close;
			break;
		}
		if (queue_reply(c) < 0)
			goto out_close;
		http_parser_init(&c->parser);
	}

	if (c->in_off == c->in_len) {
		c->in_off = c->in_len = 0;
	} else if (c->in_off) {
		memmove(c->in, c->in + c->in_off, c->in_len - c->in_off);
		c->in_len -= c->in_off;
		c->in_off = 0;
	}

	if (c->state != CONN_ACTIVE)
		return 0;
	if (http_parser_started(&c->parser)) {
		/* Started within this read: near enough its first octet. */
		if (!c->in_request) {
			c->in_request = true;
			timer_set(c, s->header_ms);
		}
	} else {
		conn_idle(c);
	}
	return 0;

out_close:
	conn_close(c);
	return -1;
}

/* Our side is done: shut it, then drain the client's for a while. */
static int conn_linger(struct conn *c)
{
	if (shutdown(c->fd, SHUT_WR) < 0) {
		conn_close(c);
		return -1;
	}
	c->state = CONN_LINGER;
	timer_set(c, LINGER_MS);
	return 0;
}

/* Write what is pending.  -1 if the connection was closed. */
static int conn_flush(struct conn *c)
{
	bool progress = false;

	while (out_pending(c)) {
		ssize_t n = send(c->fd, c->out + c->out_off, out_pending(c),
				 MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			/* EPIPE, ECONNRESET...: nobody left to answer. */
			conn_close(c);
			return -1;
		}
		c->out_off += (size_t)n;
		progress = true;
	}
	if (!out_pending(c)) {
		c->out_off = c->out_len = 0;
		if (c->out_cap > OUT_KEEP) {
			free(c->out);
			c->out = NULL;
			c->out_cap = 0;
		}
	}
	if (c->state == CONN_CLOSING && !out_pending(c))
		return conn_linger(c);
	if (progress && conn_is_idle(c))
		conn_idle(c);
	return 0;
}

/* Read, discard, until EOF; bounded per pass like any read. */
static int conn_drain(struct conn *c)
{
	size_t budget = READ_BUDGET;

	while (budget) {
		ssize_t n = recv(c->fd, c->in, sizeof(c->in), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0)
			break;
		budget -= (size_t)n < budget ? (size_t)n : budget;
	}
	if (budget)
		conn_close(c);
	return budget ? -1 : 0;
}

/* Read and answer, up to the budget.  -1 if the connection was closed. */
static int conn_read(struct conn *c)
{
	size_t budget = READ_BUDGET;

	while (budget && c->state == CONN_ACTIVE &&
	       out_pending(c) <= c->srv->max_output &&
	       c->in_len < CONN_IN_SIZE) {
		ssize_t n = recv(c->fd, c->in + c->in_len,
				 CONN_IN_SIZE - c->in_len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			conn_close(c);
			return -1;
		}
		if (n == 0) {
			/*
			 * The client is done sending.  Whatever it sent in
			 * full is answered; a partial request never will be.
			 */
			c->state = CONN_CLOSING;
			break;
		}
		c->in_len += (size_t)n;
		budget -= (size_t)n < budget ? (size_t)n : budget;
		if (conn_process(c) < 0)
			return -1;
	}
	return 0;
}

/*
 * Alternate writing and answering held-back requests until the output is
 * over its cap again or nothing is held back.  Requests already read must
 * not wait for more input to arrive: there may be none.  Bounded by the
 * input buffer.  -1 if the connection was closed.
 */
static int conn_pump(struct conn *c)
{
	for (;;) {
		if (conn_flush(c) < 0)
			return -1;
		if (c->state != CONN_ACTIVE || c->in_off == c->in_len ||
		    out_pending(c) > c->srv->max_output)
			return 0;
		if (conn_process(c) < 0)
			return -1;
	}
}

static void conn_io(struct ev_loop *l, int fd, uint32_t events, void *ctx)
{
	struct conn *c = ctx;

	if (events & EPOLLERR) {
		conn_close(c);
		return;
	}
	if (c->state == CONN_LINGER) {
		conn_drain(c);
		return;
	}
	if (conn_pump(c) < 0)
		return;
	if ((events & (EPOLLIN | EPOLLHUP)) && conn_read(c) < 0)
		return;
	if (conn_pump(c) < 0)
		return;
	conn_interest(c);
}

static void conn_timeout(struct ev_loop *l, struct ev_timer *t, void *ctx)
{
	struct conn *c = ctx;

	if (c->state != CONN_ACTIVE) {
		/* Not reading its response, or not closing its side. */
		conn_close(c);
		return;
	}
	c->srv->st.timeouts++;
	if (!c->in_request) {
		/* Idle keep-alive, or output that has stopped moving. */
		conn_close(c);
		return;
	}
	/* RFC 9110 §15.5.9: tell a slow client why, then close. */
	if (queue_error(c, 408) < 0) {
		conn_close(c);
		return;
	}
	timer_set(c, LINGER_MS);
	if (conn_flush(c) < 0)
		return;
	conn_interest(c);
}

/* The local address as text; v4-mapped IPv6 shown as plain IPv4. */
static void local_addr(int fd, char *out, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	const void *a = NULL;
	int af = AF_UNSPEC;

	out[0] = '\0';
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
		return;
	if (ss.ss_family == AF_INET) {
		af = AF_INET;
		a = &((struct sockaddr_in *)&ss)->sin_addr;
	} else if (ss.ss_family == AF_INET6) {
		const struct in6_addr *a6 = &((struct sockaddr_in6 *)&ss)->sin6_addr;

		af = AF_INET6;
		a = a6;
		if (IN6_IS_ADDR_V4MAPPED(a6)) {
			af = AF_INET;
			a = &a6->s6_addr[12];
		}
	}
	if (!a || !inet_ntop(af, a, out, (socklen_t)len))
		out[0] = '\0';
}

static int conn_new(struct http_server *s, int fd,
		    const struct http_client_key *client)
{
	struct conn *c;
	int r;

	r = http_limit_take(&s->limit, client);
	if (r < 0)
		return r;
	c = calloc(1, sizeof(*c));
	if (!c) {
		http_limit_put(&s->limit, client);
		return -ENOMEM;
	}
	c->srv = s;
	c->fd = fd;
	c->client = *client;
	c->state = CONN_ACTIVE;
	http_parser_init(&c->parser);
	ev_timer_init(&c->timer, conn_timeout, c);
	local_addr(fd, c->addr, sizeof(c->addr));
	r = ev_io_add(s->loop, fd, EPOLLIN, conn_io, c);
	if (r < 0) {
		http_limit_put(&s->limit, client);
		free(c);
		return r;
	}
	c->next = s->conns;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
	s->st.conns_now++;
	conn_idle(c);
	return 0;
}

/*
 * Before one more connection: under pressure, close those idle for longer
 * than the pressure timeout, longest idle first, until the pressure is off
 * (at most REAP_BUDGET, so one accept stays cheap); then, at max_conns,
 * the longest idle one.  True if there is room.
 */
static bool conns_make_room(struct http_server *s)
{
	uint64_t now = ev_now_ms();
	struct conn *c;
	int i;

	for (i = 0; i < REAP_BUDGET &&
	     http_limit_pressure(s->st.conns_now, s->max_conns); i++) {
		c = idle_oldest(s);
		if (!c || now - c->idle_since < s->pressure_ms)
			break;
		s->st.timeouts++;
		conn_close(c);
	}
	if (s->st.conns_now < s->max_conns)
		return true;
	c = idle_oldest(s);
	if (!c)
		return false;
	s->st.conns_evicted++;
	conn_close(c);
	return true;
}

/* --- listeners ----------------------------------------------------------- */

static void listeners_set(struct http_server *s, uint32_t events)
{
	size_t i;

	for (i = 0; i < s->nlisteners; i++)
		ev_io_mod(s->loop, s->listeners[i], events);
}

static void accept_resume(struct ev_loop *l, struct ev_timer *t, void *ctx)
{
	struct http_server *s = ctx;

	s->paused = false;
	listeners_set(s, EPOLLIN);
}

/*
 * Out of descriptors or memory: the pending connection stays in the
 * backlog and the listener stays readable, so retrying now would spin.
 */
static void accept_pause(struct http_server *s)
{
	if (s->paused)
		return;
	s->paused = true;
	listeners_set(s, 0);
	ev_timer_arm(s->loop, &s->resume, ACCEPT_PAUSE_MS);
}

static void accept_cb(struct ev_loop *l, int lfd, uint32_t events, void *ctx)
{
	struct http_server *s = ctx;
	int i;

	for (i = 0; i < ACCEPT_BUDGET && !s->paused; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		struct http_client_key client;
		int fd = accept4(lfd, (struct sockaddr *)&ss, &sl,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			switch (errno) {
			case EINTR:
			case ECONNABORTED:
			case EPROTO:
			case EPERM:
				/* This connection failed; others may wait. */
				continue;
			case EMFILE:
			case ENFILE:
			case ENOBUFS:
			case ENOMEM:
				accept_pause(s);
				return;
			default:
				/* EAGAIN, or nothing better to do. */
				return;
			}
		}
		s->st.conns_total++;
		/* Not IP (cannot happen on our listeners): one shared client. */
		if (http_limit_key((struct sockaddr *)&ss, sl, &client) < 0)
			memset(&client, 0, sizeof(client));
		/* Checked first: a client at its cap must not evict others. */
		if (http_limit_count(&s->limit, &client) >= s->per_client) {
			s->st.conns_over_client++;
			close(fd);
			continue;
		}
		if (!conns_make_room(s)) {
			s->st.conns_rejected++;
			close(fd);
			continue;
		}
		if (conn_new(s, fd, &client) < 0) {
			close(fd);
			accept_pause(s);
			return;
		}
	}
}

int http_server_add_listener(struct http_server *s, int listen_fd)
{
	int *p;
	int r, fl;

	/* A blocking listener would stall the loop on a vanished client. */
	fl = fcntl(listen_fd, F_GETFL);
	if (fl < 0 || (!(fl & O_NONBLOCK) &&
		       fcntl(listen_fd, F_SETFL, fl | O_NONBLOCK) < 0))
		return -errno;
	p = realloc(s->listeners, (s->nlisteners + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	s->listeners = p;
	r = ev_io_add(s->loop, listen_fd, s->paused ? 0 : EPOLLIN, accept_cb, s);
	if (r < 0)
		return r;
	s->listeners[s->nlisteners++] = listen_fd;
	return 0;
}

/* --- server -------------------------------------------------------------- */

struct http_server *http_server_new(struct ev_loop *loop,
				    const struct http_config *cfg)
{
	struct http_site site = { cfg ? cfg->pop : NULL,
				  cfg ? cfg->city : NULL, NULL };
	struct http_server *s;

	if (!loop || http_site_check(&site) < 0) {
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		goto out_nomem;
	s->loop = loop;
	s->pop = strdup(cfg->pop);
	s->city = strdup(cfg->city ? cfg->city : "");
	if (!s->pop || !s->city)
		goto out_free;
	s->max_conns = cfg->max_conns ? cfg->max_conns : DEF_MAX_CONNS;
	s->per_client = cfg->max_conns_per_client ? cfg->max_conns_per_client
						   : (s->max_conns + 1) / 2;
	s->pressure_ms = cfg->idle_pressure_ms ? cfg->idle_pressure_ms
					       : DEF_PRESSURE_MS;
	if (http_limit_init(&s->limit, s->max_conns, s->per_client) < 0)
		goto out_free;
	s->header_ms = cfg->header_timeout_ms ? cfg->header_timeout_ms
					      : DEF_HEADER_MS;
	s->idle_ms = cfg->idle_timeout_ms ? cfg->idle_timeout_ms : DEF_IDLE_MS;
	s->max_output = cfg->max_output ? cfg->max_output : DEF_MAX_OUTPUT;
	ev_timer_init(&s->resume, accept_resume, s);
	return s;

out_free:
	free(s->pop);
	free(s->city);
	free(s);
out_nomem:
	errno = ENOMEM;
	return NULL;
}

void http_server_stats(const struct http_server *s, struct http_stats *out)
{
	*out = s->st;
}

void http_server_free(struct http_server *s)
{
	size_t i;

	if (!s)
		return;
	while (s->conns)
		conn_close(s->conns);
	for (i = 0; i < s->nlisteners; i++) {
		ev_io_del(s->loop, s->listeners[i]);
		close(s->listeners[i]);
	}
	ev_timer_stop(s->loop, &s->resume);
	http_limit_free(&s->limit);
	free(s->listeners);
	free(s->pop);
	free(s->city);
	free(s);
}

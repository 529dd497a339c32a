/*
 * BGP sessions over TCP: the glue between the pure FSM (fsm.c, RFC 4271
 * §8), the codec (msg.c) and the event loop.  It owns sockets, timers and
 * buffers, turns socket and timer events into FSM events, carries out the
 * actions the FSM returns, and resolves connection collisions (§6.8).
 *
 * A peer has at most two connections.  conn[0] is the session.  An
 * inbound connection that arrives while conn[0] waits for one (Idle,
 * Active) is taken by conn[0]; one that arrives while conn[0] has a
 * connection or is making one (Connect onwards) goes to conn[1], and when
 * OPENs have been received on both, §6.8 picks the survivor, which ends
 * up as conn[0].  The loser is retired without the automatic restart its FSM
 * would arm: the survivor carries on.
 *
 * Fast failure detection: the session drops at once when the peer closes
 * the connection (its process died) or when the kernel reports the link
 * down (bgp_peer_link); the hold timer covers everything else.
 */
#include "bgp/speaker_int.h"
#include "bgp/policy.h"
#include "bgp/sock.h"
#include "bgp/aspath.h"
#include "bgp/nexthop.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

/* Consecutive connect failures logged before going quiet. */
#define BGP_LOUD_FAILURES	2

static void conn_feed(struct bgp_conn *c, const struct bgp_fsm_event *ev);
static void conn_io(struct ev_loop *l, int fd, uint32_t events, void *ctx);
static void conn_timer(struct ev_loop *l, struct ev_timer *t, void *ctx);

static const char *peer_name(const struct bgp_peer *p)
{
	return p->cfg.name;
}

static void conn_watch(struct bgp_conn *c, uint32_t events)
{
	struct ev_loop *l = c->peer->sp->ev;

	if (c->fd < 0 || c->events == events)
		return;
	ev_io_mod(l, c->fd, events);
	c->events = events;
}

static void conn_close_fd(struct bgp_conn *c)
{
	if (c->fd < 0)
		return;
	ev_timer_stop(c->peer->sp->ev, &c->send_hold);
	c->tx_full = false;
	ev_io_del(c->peer->sp->ev, c->fd);
	close(c->fd);
	c->fd = -1;
	c->events = 0;
	c->connecting = false;
	c->rxlen = 0;
	/* Whatever was not sent goes with the connection. */
	dbuf_consume(&c->tx, dbuf_len(&c->tx));
}

static void conn_retire(struct bgp_conn *c)
{
	int i;

	conn_close_fd(c);
	for (i = 0; i < BGP_TIMER_COUNT; i++)
		ev_timer_stop(c->peer->sp->ev, &c->timer[i]);
	c->in_use = false;
	c->connect_failed = false;
}

static int conn_activate(struct bgp_conn *c)
{
	struct bgp_peer *p = c->peer;
	struct bgp_speaker *sp = p->sp;
	struct bgp_fsm_config cfg = {
		.local_as = sp->cfg.local_as,
		.local_id = sp->cfg.router_id,
		.peer_as = p->cfg.peer_as,
		.hold_time = sp->cfg.hold_time,
		.connect_retry_ms = sp->cfg.connect_retry_ms,
		.idle_hold_ms = sp->cfg.idle_hold_ms,
		.passive = p->cfg.passive,
		.allow_automatic_start = true,
	};

	conn_retire(c);
	if (!c->rx) {
		c->rx = malloc(BGP_RX_BUF);
		if (!c->rx)
			return -ENOMEM;
	}
	c->in_use = true;
	c->rxlen = 0;
	return bgp_fsm_init(&c->fsm, &cfg);
}

static uint32_t conn_send_hold_ms(const struct bgp_conn *c)
{
	uint32_t twice = 2 * c->fsm.hold_ms;

	if (c->peer->cfg.send_hold_ms)
		return c->peer->cfg.send_hold_ms;
	return twice > BGP_SEND_HOLD_MIN_MS ? twice : BGP_SEND_HOLD_MIN_MS;
}

static void conn_flush(struct bgp_conn *c)
{
	struct ev_loop *l = c->peer->sp->ev;
	long r;

	if (c->fd < 0 || c->connecting)
		return;
	if (!dbuf_len(&c->tx)) {
		ev_timer_stop(l, &c->send_hold);
		return;
	}
	r = dbuf_write_fd(&c->tx, c->fd);
	if (r < 0) {
		/* The read side sees the failure and feeds the FSM. */
		return;
	}
	if (!dbuf_len(&c->tx))
		ev_timer_stop(l, &c->send_hold);
	else if (r > 0 || !ev_timer_armed(&c->send_hold))
		ev_timer_arm(l, &c->send_hold, conn_send_hold_ms(c));
	conn_watch(c, dbuf_len(&c->tx) ? EPOLLIN | EPOLLOUT : EPOLLIN);
}

static void conn_send(struct bgp_conn *c, void (*enc)(struct buf *, const void *),
		      const void *arg)
{
	struct buf b;

	if (c->fd < 0 || dbuf_reserve(&c->tx, BGP_MAX_MSG) < 0)
		return;
	dbuf_writer(&c->tx, &b);
	enc(&b, arg);
	if (!b.err)
		dbuf_commit(&c->tx, b.len);
}

static void enc_open(struct buf *b, const void *arg)
{
	bgp_msg_encode_open(b, arg);
}

static void enc_keepalive(struct buf *b, const void *arg)
{
	(void)arg;
	bgp_msg_encode_keepalive(b);
}

static void enc_notification(struct buf *b, const void *arg)
{
	const struct bgp_error *e = arg;

	/* Tell a human on the other side why (RFC 9003). */
	if (e->code == BGP_ERR_CEASE && e->subcode == BGP_CEASE_ADMIN_SHUTDOWN &&
	    e->len == 0)
		bgp_msg_encode_shutdown(b, e->subcode, "anycastlab router stopped");
	else
		bgp_msg_encode_notification(b, e);
}

static void peer_set_error(struct bgp_peer *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void peer_set_error(struct bgp_peer *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->last_error, sizeof(p->last_error), fmt, ap);
	va_end(ap);
}

/* A peer that is down is retried forever; say so twice, then only when
 * it comes back. */
static void peer_connect_failed(struct bgp_peer *p, int err)
{
	peer_set_error(p, "connect: %s", strerror(err));
	if (++p->quiet_failures <= BGP_LOUD_FAILURES)
		bgp_log(p->sp, BGP_LOG_INFO, "peer %s: connect: %s%s", peer_name(p),
			strerror(err), p->quiet_failures == BGP_LOUD_FAILURES ?
			" (retrying quietly)" : "");
}

static void conn_connect(struct bgp_conn *c)
{
	struct bgp_peer *p = c->peer;
	struct sockaddr_in local = { .sin_family = AF_INET };
	struct sockaddr_in remote = { .sin_family = AF_INET };
	int one = 1, tos = IPTOS_PREC_INTERNETCONTROL, fd;

	if (!p->link_up) {
		peer_set_error(p, "link down");
		c->connect_failed = true;
		return;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	if (bgp_sock_secure(fd, &p->cfg) < 0)
		goto fail_close;
	local.sin_addr.s_addr = htonl(p->cfg.local_addr);
	remote.sin_addr.s_addr = htonl(p->cfg.peer_addr);
	remote.sin_port = htons(BGP_PORT);
	if (bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0)
		goto fail_close;
	if (connect(fd, (struct sockaddr *)&remote, sizeof(remote)) < 0 &&
	    errno != EINPROGRESS)
		goto fail_close;
	c->fd = fd;
	c->connecting = true;

	c->events = EPOLLOUT;
	if (ev_io_add(p->sp->ev, fd, EPOLLOUT, conn_io, c) < 0) {
		c->fd = -1;
		goto fail_close;
	}
	return;

fail_close:
	peer_connect_failed(p, errno);
	close(fd);
	c->connect_failed = true;
	return;
fail:
	peer_connect_failed(p, errno);
	c->connect_failed = true;
}

static void conn_timers(struct bgp_conn *c, const struct bgp_fsm_out *o)
{
	struct ev_loop *l = c->peer->sp->ev;
	int i;

	for (i = 0; i < BGP_TIMER_COUNT; i++) {
		if (o->timer[i].op == BGP_TIMER_STOP)
			ev_timer_stop(l, &c->timer[i]);
		else if (o->timer[i].op == BGP_TIMER_ARM)
			ev_timer_arm(l, &c->timer[i], o->timer[i].ms);
	}
}

static struct bgp_conn *conn_other(struct bgp_conn *c)
{
	struct bgp_peer *p = c->peer;

	return p->conn[0] == c ? p->conn[1] : p->conn[0];
}

/* Forget what was advertised to p: its session is gone. */
static void peer_adv_clear(struct bgp_peer *p)
{
	size_t i;

	rib_peer_adv_clear(p->sp->rib, p->idx);
	for (i = 0; i < p->nout; i++)
		if (p->out[i].set)
			rib_attrset_unref(p->sp->rib, p->out[i].set);
	p->nout = 0;
	p->prefixes_tx = 0;
	p->full_export = false;
	bgp_export_peer_reset(p);
}

static void peer_session_down(struct bgp_peer *p, struct bgp_conn *c,
			      const struct bgp_fsm_out *o)
{
	struct bgp_speaker *sp = p->sp;
	struct bgp_conn *other = conn_other(c);
	size_t n;

	/* The session lives on over the other connection (collision
	 * resolution closed this one): its routes stay. */
	if (other->in_use && other->fsm.state == BGP_STATE_ESTABLISHED)
		return;
	n = rib_peer_flush(sp->rib, p->idx);
	peer_adv_clear(p);
	bgp_log(sp, BGP_LOG_INFO, "peer %s: session down (%s), %zu prefixes withdrawn",
		peer_name(p), p->last_error[0] ? p->last_error :
		bgp_fsm_reason_name(o->reason), n);
	bgp_export_schedule(sp);
	(void)c;
}

static void conn_record_end(struct bgp_conn *c, const struct bgp_fsm_out *o)
{
	struct bgp_peer *p = c->peer;

	if (o->reason == BGP_FSM_REASON_NONE)
		return;
	if (p->error_set) {
		/* The glue ended the session and has said why. */
		p->error_set = false;
		return;
	}
	switch (o->reason) {
	case BGP_FSM_REASON_NOTIF_RECEIVED:
		/* conn_handle_msg wrote the details already. */
		break;
	case BGP_FSM_REASON_TCP_FAILED:
		if (!p->last_error[0])
			peer_set_error(p, "connection lost");
		break;
	default:
		if (o->actions & BGP_FSM_SEND_NOTIFICATION)
			peer_set_error(p, "%s: sent NOTIFICATION %u/%u (%s, %s)",
				       bgp_fsm_reason_name(o->reason),
				       o->notify.code, o->notify.subcode,
				       bgp_err_code_name(o->notify.code),
				       bgp_err_subcode_name(o->notify.code,
							    o->notify.subcode));
		else
			peer_set_error(p, "%s", bgp_fsm_reason_name(o->reason));
	}
}

static bool conn_is_loser(const struct bgp_conn *c, enum bgp_collision which)
{
	return which == BGP_COLLISION_CLOSE_BOTH ||
	       (which == BGP_COLLISION_CLOSE_INBOUND) == c->fsm.inbound;
}

/*
 * §6.8: an OPEN was accepted on c; if the peer's other connection has
 * seen its OPEN too, the one initiated by the speaker with the lower BGP
 * Identifier goes.  We apply that rule even when the other connection is
 * Established already (CollisionDetectEstablishedState on): both ends
 * then make the same choice whatever the timing, where "always close the
 * new one" lets each end keep a different connection when they connect
 * at the same moment, and both sessions die.
 */
static void peer_collision(struct bgp_peer *p, struct bgp_conn *c)
{
	struct bgp_conn *o = p->conn[0] == c ? p->conn[1] : p->conn[0];
	struct bgp_fsm_event dump = { .type = BGP_EV_OPEN_COLLISION_DUMP };
	struct bgp_speaker *sp = p->sp;
	enum bgp_collision which;

	if (!o->in_use || o->fd < 0 || (o->fsm.state != BGP_STATE_OPENCONFIRM &&
					o->fsm.state != BGP_STATE_ESTABLISHED))
		return;	/* OpenSent or earlier: its own OPEN decides later */
	if (c->fsm.inbound == o->fsm.inbound) {
		/* Both the same way: the peer restarted and connected
		 * again.  The newer connection is the live one. */
		bgp_log(sp, BGP_LOG_INFO, "peer %s: new connection replaces the "
			"old one", peer_name(p));
		conn_feed(o, &dump);
		return;
	}
	which = bgp_collision_resolve(sp->cfg.router_id, c->fsm.peer_id,
				      sp->cfg.local_as, c->fsm.peer_as);
	bgp_log(sp, BGP_LOG_INFO, "peer %s: connection collision; keeping the "
		"connection %s initiated (RFC 4271 6.8)", peer_name(p),
		which == BGP_COLLISION_CLOSE_OUTBOUND ? "the peer" : "we");
	if (conn_is_loser(o, which))
		conn_feed(o, &dump);
	if (conn_is_loser(c, which))
		conn_feed(c, &dump);
}

/* Keep conn[0] the session: promote conn[1] when conn[0] has died, and
 * retire a conn[1] that has failed. */
static void peer_tidy(struct bgp_peer *p)
{
	struct bgp_conn *c0 = p->conn[0], *c1 = p->conn[1];

	if (!c1->in_use)
		return;
	if (c1->fsm.state == BGP_STATE_IDLE) {
		conn_retire(c1);
		return;
	}
	if (c0->fsm.state == BGP_STATE_IDLE || !c0->in_use) {
		conn_retire(c0);
		p->conn[0] = c1;
		p->conn[1] = c0;
		p->since_ms = ev_now_ms();
	}
}

static void process_update(struct bgp_peer *p, const struct bgp_update *u);
static bool peer_max_prefix(struct bgp_peer *p, struct bgp_conn *c);

static void conn_apply(struct bgp_conn *c, const struct bgp_fsm_out *o)
{
	struct bgp_peer *p = c->peer;
	struct bgp_speaker *sp = p->sp;
	unsigned a = o->actions;

	conn_record_end(c, o);
	if (a & BGP_FSM_SEND_NOTIFICATION) {
		conn_send(c, enc_notification, &o->notify);
		conn_flush(c);
	}
	if (a & BGP_FSM_DROP)
		conn_close_fd(c);
	if (a & BGP_FSM_DOWN)
		peer_session_down(p, c, o);
	if (a & BGP_FSM_CONNECT)
		conn_connect(c);
	if (a & BGP_FSM_SEND_OPEN) {
		struct bgp_open open;

		bgp_fsm_local_open(&c->fsm, &open);
		conn_send(c, enc_open, &open);
	}
	if (a & BGP_FSM_SEND_KEEPALIVE)
		conn_send(c, enc_keepalive, NULL);
	conn_timers(c, o);
	if (a & BGP_FSM_OPEN_RECEIVED)
		peer_collision(p, c);
	if ((a & BGP_FSM_ESTABLISHED) && c->fsm.state == BGP_STATE_ESTABLISHED &&
	    conn_other(c)->in_use &&
	    conn_other(c)->fsm.state == BGP_STATE_ESTABLISHED) {
		/* Never two sessions with one peer: settle it now. */
		peer_collision(p, c);
		conn_flush(c);
		return;
	}
	if ((a & BGP_FSM_ESTABLISHED) && c->fsm.state == BGP_STATE_ESTABLISHED) {
		p->established_count++;
		p->last_error[0] = '\0';
		p->quiet_failures = 0;
		p->discards_logged = 0;	/* said once per session */
		p->full_export = true;
		/* Its paths are ranked by the identifier its OPEN gave
		 * (§9.1.2.2 f); the Adj-RIB-In is empty until its first
		 * UPDATE, which comes after this. */
		rib_peer_set_bgp_id(sp->rib, p->idx, c->fsm.peer_id);
		bgp_log(sp, BGP_LOG_INFO, "peer %s (%s AS%u): Established, hold "
			"time %us", peer_name(p),
			inet_ntoa((struct in_addr){ htonl(p->cfg.peer_addr) }),
			p->cfg.peer_as, c->fsm.hold_time);
		bgp_export_schedule(sp);
	}
	if ((a & BGP_FSM_PROCESS_UPDATE) && o->update &&
	    c->fsm.state == BGP_STATE_ESTABLISHED) {
		process_update(p, o->update);
		if (peer_max_prefix(p, c))
			return;
	}
	if (p->conn[0] == c && o->state != o->prev)
		p->since_ms = ev_now_ms();
	conn_flush(c);
}

static void conn_feed(struct bgp_conn *c, const struct bgp_fsm_event *ev)
{
	struct bgp_fsm_event fail = { .type = BGP_EV_TCP_FAILS };
	struct bgp_fsm_out o;

	if (!c->in_use || bgp_fsm_step(&c->fsm, ev, &o) < 0)
		return;
	conn_apply(c, &o);
	/* A connect that failed at once is TcpConnectionFails, fed only
	 * after the actions that asked for it are done. */
	while (c->in_use && c->connect_failed) {
		c->connect_failed = false;
		if (bgp_fsm_step(&c->fsm, &fail, &o) == 0)
			conn_apply(c, &o);
	}
	peer_tidy(c->peer);
}

static void conn_feed_type(struct bgp_conn *c, enum bgp_event type)
{
	struct bgp_fsm_event ev = { .type = type };

	conn_feed(c, &ev);
}

static void conn_timer(struct ev_loop *l, struct ev_timer *t, void *ctx)
{

	static const enum bgp_event ev[BGP_TIMER_COUNT] = {
		[BGP_TIMER_CONNECT_RETRY] = BGP_EV_CONNECT_RETRY_EXPIRED,
		[BGP_TIMER_HOLD] = BGP_EV_HOLD_EXPIRED,
		[BGP_TIMER_KEEPALIVE] = BGP_EV_KEEPALIVE_EXPIRED,
		[BGP_TIMER_IDLE_HOLD] = BGP_EV_IDLE_HOLD_EXPIRED,
	};
	struct bgp_conn *c = ctx;
	size_t i = (size_t)(t - c->timer);

	(void)l;
	if (i >= BGP_TIMER_COUNT)
		return;
	/* No automatic restart while the link is down: it restarts when
	 * the link comes back (bgp_peer_link). */
	if ((i == BGP_TIMER_IDLE_HOLD || i == BGP_TIMER_CONNECT_RETRY) &&
	    !c->peer->link_up)
		return;
	if (i == BGP_TIMER_HOLD)
		peer_set_error(c->peer, "hold timer expired");
	conn_feed_type(c, ev[i]);
}

/* Everything the FSM needs to know about one received message. */
static void conn_handle_msg(struct bgp_conn *c, const uint8_t *msg, size_t len)
{
	struct bgp_peer *p = c->peer;
	struct bgp_speaker *sp = p->sp;
	struct bgp_fsm_event ev = { 0 };
	struct bgp_update upd;
	struct bgp_error err;
	struct bgp_open open;
	struct bgp_notification n;
	struct buf what;
	char line[384];
	uint16_t afi;
	uint8_t safi;

	switch (bgp_msg_type(msg)) {
	case BGP_MSG_OPEN:
		if (bgp_msg_decode_open(msg, len, &open, &err) < 0) {
			bgp_log(sp, BGP_LOG_WARN, "peer %s: bad OPEN: %s", peer_name(p),
				err.reason ? err.reason : "malformed");
			ev.type = BGP_EV_OPEN_ERR;
			ev.err = &err;
		} else {
			ev.type = BGP_EV_OPEN;
			ev.open = &open;
		}
		break;
	case BGP_MSG_UPDATE:
		ev.type = BGP_EV_UPDATE;
		if (c->fsm.state != BGP_STATE_ESTABLISHED)
			break;
		{
			struct bgp_decode_ctx ctx = {
				.as4 = c->fsm.peer_as4,
				.ebgp = true,
				.peer_as = p->cfg.peer_as,
				.unknown_discard = sp->cfg.unknown_attrs_discard,
			};

			ev.update = &upd;
			if (bgp_msg_decode_update(msg, len, &ctx, &upd,
						  sp->scratch, sizeof(sp->scratch),
						  &err) < 0) {
				bgp_log(sp, BGP_LOG_WARN, "peer %s: malformed UPDATE "
					"(%s): resetting the session with "
					"NOTIFICATION %u/%u", peer_name(p),
					err.reason ? err.reason : "?", err.code,
					err.subcode);
				ev.type = BGP_EV_UPDATE_ERR;
				ev.err = &err;
			}
		}
		break;
	case BGP_MSG_NOTIFICATION:
		if (bgp_msg_decode_notification(msg, len, &n, &err) < 0) {
			memset(&n, 0, sizeof(n));
			n.code = msg[19];
			n.subcode = msg[20];
		}
		/* The log gets all of it; status what fits. */
		buf_init(&what, line, sizeof(line));
		bgp_msg_notification_format(&what, &n);
		peer_set_error(p, "received NOTIFICATION %s", buf_cstr(&what));
		bgp_log(sp, BGP_LOG_INFO, "peer %s: received NOTIFICATION %s",
			peer_name(p), buf_cstr(&what));
		ev.type = n.code == BGP_ERR_OPEN && n.subcode == BGP_ERR_OPEN_VERSION ?
			  BGP_EV_NOTIF_VER_ERR : BGP_EV_NOTIF;
		ev.code = n.code;
		ev.subcode = n.subcode;
		break;
	case BGP_MSG_KEEPALIVE:
		ev.type = BGP_EV_KEEPALIVE;
		break;
	case BGP_MSG_ROUTE_REFRESH:
		/* RFC 2918 §4: send the whole table again; not an FSM event. */
		if (c->fsm.state == BGP_STATE_ESTABLISHED &&
		    bgp_msg_decode_route_refresh(msg, len, &afi, &safi, &err) == 0 &&
		    afi == BGP_AFI_IPV4 && safi == BGP_SAFI_UNICAST) {
			p->full_export = true;
			bgp_export_schedule(sp);
		}
		return;
	default:
		return;		/* bgp_msg_frame let no other type through */
	}
	conn_feed(c, &ev);
}

static void conn_lost(struct bgp_conn *c, const char *why)
{
	struct bgp_peer *p = c->peer;

	if (c->fsm.state >= BGP_STATE_OPENSENT && !strstr(p->last_error, "NOTIFICATION"))
		peer_set_error(p, "%s", why);
	conn_close_fd(c);
	conn_feed_type(c, BGP_EV_TCP_FAILS);
}

/*
 * The peer takes nothing we send.  No NOTIFICATION can follow: the stream
 * is stuck in the middle of a message.  Reset (SO_LINGER 0) rather than
 * close, so the kernel drops the unsent bytes at once too.
 */
static void conn_abort(struct bgp_conn *c, const char *why)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct bgp_peer *p = c->peer;

	bgp_log(p->sp, BGP_LOG_WARN, "peer %s: %s, %zu bytes unsent: resetting "
		"the connection", peer_name(p), why, dbuf_len(&c->tx));
	if (c->fd >= 0)
		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	peer_set_error(p, "%s", why);
	conn_lost(c, why);
}

/* RFC 9687 SendHoldTimer_Expires. */
static void conn_send_hold(struct ev_loop *l, struct ev_timer *t, void *ctx)
{
	struct bgp_conn *c = ctx;
	char why[80];

	(void)l;
	(void)t;
	if (c->fd < 0 || !dbuf_len(&c->tx))
		return;
	snprintf(why, sizeof(why), "send hold timer expired (%u s without "
		 "progress, RFC 9687)", conn_send_hold_ms(c) / 1000);
	conn_abort(c, why);
}

static void conn_read(struct bgp_conn *c)
{
	struct bgp_error err;
	size_t off = 0;
	ssize_t n;
	int r;

	n = read(c->fd, c->rx + c->rxlen, BGP_RX_BUF - c->rxlen);
	if (n == 0) {
		conn_lost(c, "connection closed by the peer");
		return;
	}
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		conn_lost(c, strerror(errno));
		return;
	}
	c->rxlen += (size_t)n;
	while (c->in_use && c->fd >= 0) {
		r = bgp_msg_frame(c->rx + off, c->rxlen - off, &err);
		if (r == 0 || (r > 0 && (size_t)r > c->rxlen - off))
			break;
		if (r < 0) {
			struct bgp_fsm_event ev = { .type = BGP_EV_HEADER_ERR,
						    .err = &err };

			bgp_log(c->peer->sp, BGP_LOG_WARN, "peer %s: bad message "
				"header (%s)", peer_name(c->peer),
				err.reason ? err.reason : "?");
			conn_feed(c, &ev);
			return;
		}
		conn_handle_msg(c, c->rx + off, (size_t)r);
		off += (size_t)r;
	}
	if (!c->in_use || c->fd < 0)
		return;
	if (off) {
		memmove(c->rx, c->rx + off, c->rxlen - off);
		c->rxlen -= off;
	}
}

static void conn_io(struct ev_loop *l, int fd, uint32_t events, void *ctx)
{
	struct bgp_conn *c = ctx;
	socklen_t len = sizeof(int);
	int err = 0;

	(void)l;
	if (fd != c->fd)
		return;
	if (c->connecting) {
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err) {
			peer_connect_failed(c->peer, err);
			conn_close_fd(c);
			conn_feed_type(c, BGP_EV_TCP_FAILS);
			return;
		}
		c->connecting = false;
		conn_watch(c, EPOLLIN);
		conn_feed_type(c, BGP_EV_TCP_CR_ACKED);
		return;
	}
	if (events & EPOLLOUT)
		conn_flush(c);
	if (c->fd == fd && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		conn_read(c);
}

static void nlri_withdraw(struct bgp_peer *p, const uint8_t *nlri, size_t len)
{
	const uint8_t *end;
	struct prefix4 pfx;

	if (!nlri)
		return;		/* the field was absent */
	end = nlri + len;
	while (bgp_nlri_next(&nlri, end, &pfx)) {
		rib_withdraw(p->sp->rib, p->idx, &pfx);
		p->withdrawn_rx++;
	}
}

/*
 * §5.1.3, §9.1.2.1: a route whose next hop this single-hop session cannot
 * resolve (bgp_nexthop_check) is kept in the Adj-RIB-In, ineligible, so it
 * is never best, never exported and never installed.  what names the
 * attribute the next hop came from, for the log.
 */
static size_t nlri_update(struct bgp_peer *p, const uint8_t *nlri, size_t len,
			  const struct bgp_attrs *a, const char *what)
{
	struct bgp_speaker *sp = p->sp;
	enum rib_ineligible why;
	const uint8_t *end;
	struct bgp_attrset *set;
	struct prefix4 pfx;
	size_t n = 0;

	if (!nlri || !len)
		return 0;
	end = nlri + len;
	why = bgp_nexthop_check(a->nexthop, p->cfg.local_addr);
	if (why != RIB_ELIGIBLE)
		bgp_log(sp, BGP_LOG_WARN, "peer %s: UPDATE with unusable %s %s: "
			"treated as withdraw, kept ineligible in Adj-RIB-In (%s)",
			peer_name(p), what,
			inet_ntoa((struct in_addr){ htonl(a->nexthop) }),
			rib_ineligible_str(why));
	if (rib_intern(sp->rib, a, &set) < 0)
		return 0;
	while (bgp_nlri_next(&nlri, end, &pfx)) {
		if (why == RIB_ELIGIBLE)
			rib_update_set(sp->rib, p->idx, &pfx, set);
		else
			rib_update_ineligible(sp->rib, p->idx, &pfx, set, why);
		n++;
	}
	p->announced_rx += n;
	rib_attrset_unref(sp->rib, set);
	return n;
}

/*
 * Import policy: the LOCAL_PREF this path has with us, from the peer's
 * relationship, the session, or a LOCAL_PREF action community
 * (bgp/policy.h).  LOCAL_PREF sent over eBGP never gets this far
 * (attr.c discards it).
 */
static void peer_import(const struct bgp_peer *p, struct bgp_attrs *a)
{
	const struct bgp_action *act;
	struct bgp_comms comms;

	bgp_attrs_comms(a, &comms);
	a->local_pref = bgp_policy_import_lp(&p->sp->cfg.policy,
					     p->cfg.pol.role,
					     p->cfg.pol.local_pref, &comms, &act);
	a->present |= BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF);
}

static void process_update(struct bgp_peer *p, const struct bgp_update *u)
{
	struct bgp_speaker *sp = p->sp;
	struct bgp_attrs in = u->attrs;

	p->updates_rx++;
	nlri_withdraw(p, u->withdrawn, u->withdrawn_len);
	nlri_withdraw(p, u->mp_withdrawn, u->mp_withdrawn_len);
	if (u->result.action == BGP_ACT_WITHDRAW) {
		bgp_log(sp, BGP_LOG_WARN, "peer %s: UPDATE attribute %s: %s: "
			"treat-as-withdraw (RFC 7606)", peer_name(p),
			bgp_attr_name(u->result.type),
			u->result.err.reason ? u->result.err.reason : "malformed");
		nlri_withdraw(p, u->nlri, u->nlri_len);
		nlri_withdraw(p, u->mp_nlri, u->mp_nlri_len);
	} else {
		/* Said once per attribute type: a peer sending LOCAL_PREF
		 * over eBGP does so in every UPDATE. */
		if (u->result.action == BGP_ACT_DISCARD && u->result.type < 32 &&
		    !(p->discards_logged & (1u << u->result.type))) {
			p->discards_logged |= 1u << u->result.type;
			bgp_log(sp, BGP_LOG_WARN, "peer %s: UPDATE attribute %s: %s: "
				"attribute discarded (RFC 7606); not said again "
				"this session",
				peer_name(p), bgp_attr_name(u->result.type),
				u->result.err.reason ? u->result.err.reason :
				"malformed");
		}
		peer_import(p, &in);
		nlri_update(p, u->nlri, u->nlri_len, &in, "NEXT_HOP");
		if (u->mp_nlri_len) {
			struct bgp_attrs mp = in;

			mp.nexthop = u->mp_nexthop;
			mp.present |= BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
			nlri_update(p, u->mp_nlri, u->mp_nlri_len, &mp,
				    "MP_REACH_NLRI next hop");
		}
	}
	if (u->end_of_rib)
		bgp_log(sp, BGP_LOG_DEBUG, "peer %s: End-of-RIB", peer_name(p));
	bgp_export_schedule(sp);
}

/*
 * RFC 4486 section 4: more prefixes from the peer than max_prefix.  Checked
 * after each UPDATE, so the Adj-RIB-In holds at most the limit plus one
 * UPDATE's worth (about 1000 prefixes) when the session goes; the export
 * pass has not run in between, so none of the excess reaches the kernel.
 * The session ends through the FSM's existing UpdateMsgErr path (event
 * 28: send the given NOTIFICATION, drop, go Idle), fed the Cease; only
 * the restart differs, and that is the glue's timer to set.  True when
 * the session was ended (c's state is then Idle).
 */
static bool peer_max_prefix(struct bgp_peer *p, struct bgp_conn *c)
{
	struct bgp_speaker *sp = p->sp;
	const struct rib_peer *rp = rib_peer(sp->rib, p->idx);
	struct bgp_error err;
	struct bgp_fsm_event ev = { .type = BGP_EV_UPDATE_ERR, .err = &err };
	uint32_t lim = p->cfg.max_prefix;
	size_t n;

	if (!lim || !rp || rp->paths <= lim)
		return false;
	n = rp->paths;
	if (p->cfg.max_prefix_action == BGP_MAXPFX_WARN) {
		if (p->maxpfx_warned != p->established_count) {
			p->maxpfx_warned = p->established_count;
			bgp_log(sp, BGP_LOG_WARN, "peer %s: %zu prefixes, more than "
				"max-prefix %u (warn only; not said again this "
				"session)", peer_name(p), n, lim);
		}
		return false;
	}
	memset(&err, 0, sizeof(err));
	err.code = BGP_ERR_CEASE;
	err.subcode = BGP_CEASE_MAX_PREFIX;
	err.reason = "maximum number of prefixes reached";
	/* AFI (2 octets), SAFI (1), the upper bound (4). */
	err.store[0] = BGP_AFI_IPV4 >> 8;
	err.store[1] = BGP_AFI_IPV4 & 0xff;
	err.store[2] = BGP_SAFI_UNICAST;
	err.store[3] = (uint8_t)(lim >> 24);
	err.store[4] = (uint8_t)(lim >> 16);
	err.store[5] = (uint8_t)(lim >> 8);
	err.store[6] = (uint8_t)lim;
	err.data = err.store;
	err.len = 7;
	if (p->cfg.max_prefix_action == BGP_MAXPFX_RESTART) {
		peer_set_error(p, "max-prefix %u exceeded (%zu): sent NOTIFICATION "
			       "6/1; restart in %us", lim, n,
			       p->cfg.max_prefix_restart_ms / 1000);
		p->restart_at_ms = ev_now_ms() + p->cfg.max_prefix_restart_ms;
	} else {
		peer_set_error(p, "max-prefix %u exceeded (%zu): sent NOTIFICATION "
			       "6/1; stopped until the router restarts", lim, n);
	}
	bgp_log(sp, BGP_LOG_WARN, "peer %s: %zu prefixes, more than max-prefix %u: "
		"sending NOTIFICATION 6/1 (Cease, Maximum Number of Prefixes "
		"Reached)", peer_name(p), n, lim);
	p->error_set = true;
	conn_feed(c, &ev);
	if (c->in_use && c->fsm.state == BGP_STATE_IDLE) {
		if (p->cfg.max_prefix_action == BGP_MAXPFX_RESTART)
			ev_timer_arm(sp->ev, &c->timer[BGP_TIMER_IDLE_HOLD],
				     p->cfg.max_prefix_restart_ms);
		else
			conn_feed_type(c, BGP_EV_MANUAL_STOP);
	}
	return true;
}

int bgp_peer_new(struct bgp_speaker *sp, const struct bgp_peer_config *pc,
		 struct bgp_peer **out)
{
	struct bgp_peer *p;
	int i, k;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->sp = sp;
	p->cfg = *pc;
	p->link_up = true;
	ev_timer_init(&p->mrai_timer, bgp_export_mrai, p);
	for (k = 0; k < 2; k++) {
		struct bgp_conn *c = calloc(1, sizeof(*c));

		if (!c) {
			bgp_peer_free(p);
			return -ENOMEM;
		}
		c->peer = p;
		c->fd = -1;
		dbuf_init(&c->tx);
		for (i = 0; i < BGP_TIMER_COUNT; i++)
			ev_timer_init(&c->timer[i], conn_timer, c);
		ev_timer_init(&c->send_hold, conn_send_hold, c);
		p->conn[k] = c;
	}
	*out = p;
	return 0;
}

void bgp_peer_free(struct bgp_peer *p)
{
	size_t i;
	int k;

	if (!p)
		return;
	for (k = 0; k < 2; k++) {
		if (!p->conn[k])
			continue;
		conn_retire(p->conn[k]);
		free(p->conn[k]->rx);
		dbuf_free(&p->conn[k]->tx);
		free(p->conn[k]);
	}
	for (i = 0; i < p->nout; i++)
		if (p->out[i].set)
			rib_attrset_unref(p->sp->rib, p->out[i].set);
	free(p->out);
	ev_timer_stop(p->sp->ev, &p->mrai_timer);
	free(p->pend);
	free(p);
}

void bgp_peer_start(struct bgp_peer *p)
{
	struct bgp_conn *c = p->conn[0];

	if (conn_activate(c) < 0) {
		bgp_log(p->sp, BGP_LOG_ERR, "peer %s: cannot start: bad configuration",
			peer_name(p));
		return;
	}
	p->since_ms = ev_now_ms();
	/* Waiting first means Active with the ConnectRetryTimer running
	 * (event 5): the peer connects to us, or we to it when it fires. */
	conn_feed_type(c, p->cfg.passive || p->cfg.wait_first ?
		       BGP_EV_AUTO_START_PASSIVE : BGP_EV_MANUAL_START);
}

void bgp_peer_stop(struct bgp_peer *p)
{
	int k;

	for (k = 0; k < 2; k++) {
		struct bgp_conn *c = p->conn[k];

		if (!c->in_use)
			continue;
		conn_feed_type(c, BGP_EV_MANUAL_STOP);
		conn_retire(c);
	}
}

void bgp_peer_accept(struct bgp_peer *p, int fd)
{
	struct bgp_conn *c = p->conn[0];
	int one = 1, tos = IPTOS_PREC_INTERNETCONTROL;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	/* Inherited from the listener already; the TTL we send is set here
	 * too in case that one is shared with a peer without GTSM. */
	if (bgp_sock_secure(fd, &p->cfg) < 0) {
		close(fd);
		return;
	}
	/* max-prefix restart: not before the delay is over, whoever connects. */
	if (p->restart_at_ms && ev_now_ms() < p->restart_at_ms) {
		close(fd);
		return;
	}
	if (!c->in_use && conn_activate(c) < 0) {
		close(fd);
		return;
	}
	switch (c->fsm.state) {
	case BGP_STATE_IDLE:
		if (c->fsm.admin_down) {
			close(fd);
			return;
		}
		conn_close_fd(c);
		conn_feed_type(c, BGP_EV_AUTO_START_PASSIVE);
		break;
	case BGP_STATE_ACTIVE:
		break;
	default:
		c = p->conn[1];
		if (c->in_use || conn_activate(c) < 0) {
			close(fd);
			return;
		}
		conn_feed_type(c, BGP_EV_AUTO_START_PASSIVE);
		break;
	}
	if (!c->in_use || c->fsm.state != BGP_STATE_ACTIVE) {
		close(fd);
		return;
	}
	c->fd = fd;
	c->connecting = false;
	c->events = EPOLLIN;
	if (ev_io_add(p->sp->ev, fd, EPOLLIN, conn_io, c) < 0) {
		close(fd);
		c->fd = -1;
		conn_feed_type(c, BGP_EV_TCP_FAILS);
		return;
	}
	conn_feed_type(c, BGP_EV_TCP_CONFIRMED);
}

void bgp_peer_link(struct bgp_peer *p, bool up)
{
	struct bgp_conn *c;
	bool higher;
	int k;

	if (p->link_up == up)
		return;
	p->link_up = up;
	if (!up) {
		bgp_log(p->sp, BGP_LOG_INFO, "peer %s: link down", peer_name(p));
		peer_set_error(p, "link down");
		/* Like FRR's fast external fallover: no waiting for the hold
		 * timer when the kernel says the link is gone. */
		for (k = 1; k >= 0; k--) {
			c = p->conn[k];
			if (!c->in_use)
				continue;
			conn_close_fd(c);
			conn_feed_type(c, BGP_EV_TCP_FAILS);
		}
		return;
	}
	bgp_log(p->sp, BGP_LOG_INFO, "peer %s: link up", peer_name(p));
	/* Both ends see the carrier come back at the same moment: the end
	 * with the higher address lets the other connect first, so they do
	 * not collide (the same rule as when a lab starts). */
	higher = p->cfg.local_addr > p->cfg.peer_addr;
	c = p->conn[0];
	if (!c->in_use) {
		bgp_peer_start(p);
		return;
	}
	if (c->fsm.state == BGP_STATE_IDLE && !c->fsm.admin_down &&
	    (!p->restart_at_ms || ev_now_ms() >= p->restart_at_ms)) {
		ev_timer_stop(p->sp->ev, &c->timer[BGP_TIMER_IDLE_HOLD]);
		conn_feed_type(c, p->cfg.passive || higher ?
			       BGP_EV_AUTO_START_PASSIVE : BGP_EV_AUTO_START);
	} else if (c->fsm.state == BGP_STATE_ACTIVE && !higher &&
		   !p->cfg.passive) {
		/* Waiting for the peer; the lower end connects now. */
		ev_timer_stop(p->sp->ev, &c->timer[BGP_TIMER_CONNECT_RETRY]);
		conn_feed_type(c, BGP_EV_CONNECT_RETRY_EXPIRED);
	}
}

void bgp_peer_send_update(struct bgp_peer *p, const uint8_t *msg, size_t len)
{
	struct bgp_conn *c = p->conn[0];
	struct bgp_fsm_out o;

	if (c->fd < 0 || c->fsm.state != BGP_STATE_ESTABLISHED || c->tx_full)
		return;
	/* Let the socket take what it can before counting what is left. */
	if (dbuf_len(&c->tx) + len > BGP_TX_MAX)
		conn_flush(c);
	if (dbuf_len(&c->tx) + len > BGP_TX_MAX) {
		/* Reset by bgp_peer_flush, once the export pass is done with
		 * this peer's queue. */
		c->tx_full = true;
		return;
	}
	if (dbuf_append(&c->tx, msg, len) < 0)
		return;
	p->updates_tx++;
	bgp_fsm_msg_sent(&c->fsm, &o);
	conn_timers(c, &o);
}

void bgp_peer_flush(struct bgp_peer *p)
{
	struct bgp_conn *c = p->conn[0];
	char why[80];

	if (c->tx_full && c->fd >= 0) {
		snprintf(why, sizeof(why), "send buffer full (%u KiB): the peer "
			 "is not reading", BGP_TX_MAX / 1024);
		conn_abort(c, why);
		return;
	}
	conn_flush(c);
}

bool bgp_peer_established(const struct bgp_peer *p)
{
	const struct bgp_conn *c = p->conn[0];

	return c->in_use && c->fd >= 0 && c->fsm.state == BGP_STATE_ESTABLISHED;
}

bool bgp_peer_as4(const struct bgp_peer *p)
{
	return p->conn[0]->fsm.peer_as4;
}

/*
 * The BGP-4 finite state machine (RFC 4271 §8.2.2) as a step function:
 * switch on state, then event; the result is a set of actions and timer
 * operations for the glue to carry out.  Also OPEN checking (§6.2,
 * RFC 6286 §2.2), hold time negotiation (§4.2, §10) and connection
 * collision resolution (§6.8, RFC 6286 §2.3).  FSM error subcodes are
 * RFC 6608's.
 *
 * Optional session attributes (§8.1.1):
 *   AllowAutomaticStart      from the configuration
 *   PassiveTcpEstablishment  from the configuration
 *   IdleHoldTimer            on, a fixed delay from the configuration,
 *                            without DampPeerOscillations
 *   DampPeerOscillations, DelayOpen, SendNOTIFICATIONwithoutOPEN,
 *   CollisionDetectEstablishedState, TrackTcpState   off
 * AutomaticStop (8) and the events of the attributes that are off (4, 6,
 * 7, 12, 14, 15, 20) are not modelled; ManualStart with
 * PassiveTcpEstablishment set behaves as event 4.  The ConnectRetryCounter
 * is not kept: it only feeds peer oscillation damping.
 *
 * Deliberate departures from the per-state text of §8.2.2, each also noted
 * where it happens:
 *  - Automatic restart: every error that ends a connection attempt leads
 *    to Idle with the IdleHoldTimer armed; its expiry is AutomaticStart.
 *    An inbound connection in Idle (automatic start allowed, not stopped
 *    by hand) is taken as event 5 followed by event 17.
 *  - ManualStop in Idle is not ignored: it cancels the automatic restart.
 *  - PassiveTcpEstablishment never connects: the ConnectRetryTimer is not
 *    run for a passive peer (the RFC would connect when it expires).
 *  - A NOTIFICATION received in OpenSent is not answered with an FSM
 *    error: the peer has already closed the connection (§4.5).
 *  - An OPEN in OpenConfirm is an unexpected message (5/2): the §8.2.2
 *    text for event 19 there is collision detection against the other
 *    connection, which the glue does and signals with event 23.
 *  - A header error in Established sends the header error (§6.1), not an
 *    FSM error.
 *  - An FSM error raised by a timer event (9, 11, 13) is sent as 5/0
 *    (Unspecified): RFC 6608's state subcodes name unexpected messages.
 *  - OpenCollisionDump ends the attempt without automatic restart: the
 *    session goes on over the other connection.
 */
#include "bgp/fsm.h"

#include <errno.h>
#include <string.h>

static void out_begin(const struct bgp_fsm *f, struct bgp_fsm_out *out)
{
	memset(out, 0, sizeof(*out));
	out->prev = f->state;
	out->state = f->state;
}

static void timer_arm(struct bgp_fsm_out *out, enum bgp_timer t, uint32_t ms)
{
	out->timer[t].op = BGP_TIMER_ARM;
	out->timer[t].ms = ms;
}

static void timer_stop(struct bgp_fsm_out *out, enum bgp_timer t)
{
	out->timer[t].op = BGP_TIMER_STOP;
	out->timer[t].ms = 0;
}

static void set_state(struct bgp_fsm *f, struct bgp_fsm_out *out,
		      enum bgp_state s)
{
	f->state = s;
	out->state = s;
}

static void notify(struct bgp_fsm_out *out, uint8_t code, uint8_t subcode,
		   const char *why)
{
	memset(&out->notify, 0, sizeof(out->notify));
	out->notify.code = code;
	out->notify.subcode = subcode;
	out->notify.reason = why;
	out->actions |= BGP_FSM_SEND_NOTIFICATION;
}

/* The codec's error may carry its data in its own store: keep that data
 * valid by pointing at the copy's store instead. */
static void notify_copy(struct bgp_fsm_out *out, const struct bgp_error *e)
{
	out->notify = *e;
	if (e->data && e->data >= e->store &&
	    e->data < e->store + sizeof(e->store))
		out->notify.data = out->notify.store + (e->data - e->store);
	out->actions |= BGP_FSM_SEND_NOTIFICATION;
}

static bool auto_start_allowed(const struct bgp_fsm *f)
{
	return f->cfg.allow_automatic_start && !f->admin_down;
}

static void end_attempt(struct bgp_fsm *f, struct bgp_fsm_out *out,
			enum bgp_fsm_reason reason)
{
	out->actions |= BGP_FSM_DROP;
	out->reason = reason;
	f->last_reason = reason;
	f->last_sent = out->actions & BGP_FSM_SEND_NOTIFICATION;
	f->last_code = f->last_sent ? out->notify.code : 0;
	f->last_subcode = f->last_sent ? out->notify.subcode : 0;
}

/*
 * Drop the connection and go Idle.  "Sets the ConnectRetryTimer to zero"
 * (§8.2.2) is a stop; so is every other timer, but the IdleHoldTimer,
 * which is armed for an automatic restart unless restart is false or
 * automatic start is not allowed.
 */
static void to_idle(struct bgp_fsm *f, struct bgp_fsm_out *out,
		    enum bgp_fsm_reason reason, bool restart)
{
	if (f->state == BGP_STATE_ESTABLISHED)
		out->actions |= BGP_FSM_DOWN;
	end_attempt(f, out, reason);
	timer_stop(out, BGP_TIMER_CONNECT_RETRY);
	timer_stop(out, BGP_TIMER_HOLD);
	timer_stop(out, BGP_TIMER_KEEPALIVE);
	if (restart && auto_start_allowed(f))
		timer_arm(out, BGP_TIMER_IDLE_HOLD, f->cfg.idle_hold_ms);
	else
		timer_stop(out, BGP_TIMER_IDLE_HOLD);
	set_state(f, out, BGP_STATE_IDLE);
}

static void fail(struct bgp_fsm *f, struct bgp_fsm_out *out, uint8_t code,
		 uint8_t subcode, const char *why, enum bgp_fsm_reason reason)
{
	notify(out, code, subcode, why);
	to_idle(f, out, reason, true);
}

static void fail_with(struct bgp_fsm *f, struct bgp_fsm_out *out,
		      const struct bgp_error *e, enum bgp_fsm_reason reason)
{
	notify_copy(out, e);
	to_idle(f, out, reason, true);
}

/*
 * FSM Error.  RFC 6608 gives each state a subcode for an unexpected
 * message; anything else (a timer that should not be running) is 0.
 */
static void fsm_error(struct bgp_fsm *f, struct bgp_fsm_out *out,
		      bool message)
{
	uint8_t sub = BGP_ERR_FSM_UNSPEC;
	const char *why = "unexpected event";

	if (message) {
		switch (f->state) {
		case BGP_STATE_OPENSENT:
			sub = BGP_ERR_FSM_OPENSENT;
			why = "unexpected message in OpenSent";
			break;
		case BGP_STATE_OPENCONFIRM:
			sub = BGP_ERR_FSM_OPENCONFIRM;
			why = "unexpected message in OpenConfirm";
			break;
		default:
			sub = BGP_ERR_FSM_ESTABLISHED;
			why = "unexpected message in Established";
			break;
		}
	}
	fail(f, out, BGP_ERR_FSM, sub, why, BGP_FSM_REASON_FSM_ERR);
}

static void manual_stop(struct bgp_fsm *f, struct bgp_fsm_out *out)
{
	f->admin_down = true;
	/* No OPEN has been sent before OpenSent, so no NOTIFICATION either
	 * (SendNOTIFICATIONwithoutOPEN is off). */
	if (f->state >= BGP_STATE_OPENSENT)
		notify(out, BGP_ERR_CEASE, BGP_CEASE_ADMIN_SHUTDOWN,
		       "administrative shutdown");
	to_idle(f, out, BGP_FSM_REASON_MANUAL_STOP, false);
}

/* Event 23.  No automatic restart: the session goes on over the other
 * connection, which restarts by itself if it fails. */
static void collision_dump(struct bgp_fsm *f, struct bgp_fsm_out *out)
{
	if (f->state >= BGP_STATE_OPENSENT)
		notify(out, BGP_ERR_CEASE, BGP_CEASE_COLLISION,
		       "connection collision resolution");
	to_idle(f, out, BGP_FSM_REASON_COLLISION, false);
}

/* Events 24 and 25: the peer has closed; a NOTIFICATION is never
 * answered with another. */
static void notif_received(struct bgp_fsm *f, struct bgp_fsm_out *out,
			   const struct bgp_fsm_event *ev)
{
	to_idle(f, out, BGP_FSM_REASON_NOTIF_RECEIVED, true);
	f->last_code = ev->code;
	f->last_subcode = ev->subcode;
	f->last_sent = false;
}

static void keepalive_expired(const struct bgp_fsm *f,
			      struct bgp_fsm_out *out)
{
	out->actions |= BGP_FSM_SEND_KEEPALIVE;
	if (f->keepalive_ms)
		timer_arm(out, BGP_TIMER_KEEPALIVE, f->keepalive_ms);
}

/* "Restarts its HoldTimer, if the negotiated HoldTime value is non-zero"
 * (§8.2.2, Established, events 26 and 27). */
static void hold_restart(const struct bgp_fsm *f, struct bgp_fsm_out *out)
{
	if (f->hold_ms)
		timer_arm(out, BGP_TIMER_HOLD, f->hold_ms);
}

/*
 * Leave Idle (events 1, 3-5): listen, and connect unless the start is
 * passive.  The previous connection's OPEN is forgotten here, not on the
 * way into Idle, so the glue can still log it after DOWN.
 */
static void start(struct bgp_fsm *f, struct bgp_fsm_out *out, bool passive)
{
	memset(&f->peer, 0, sizeof(f->peer));
	f->peer_as = 0;
	f->peer_id = 0;
	f->peer_as4 = false;
	f->hold_time = 0;
	f->hold_ms = 0;
	f->keepalive_ms = 0;
	f->inbound = false;
	timer_stop(out, BGP_TIMER_IDLE_HOLD);
	if (passive) {
		/* Event 5 with a configured passive peer waits for good. */
		if (f->cfg.passive)
			timer_stop(out, BGP_TIMER_CONNECT_RETRY);
		else
			timer_arm(out, BGP_TIMER_CONNECT_RETRY,
				  f->cfg.connect_retry_ms);
		set_state(f, out, BGP_STATE_ACTIVE);
	} else {
		out->actions |= BGP_FSM_CONNECT;
		timer_arm(out, BGP_TIMER_CONNECT_RETRY,
			  f->cfg.connect_retry_ms);
		set_state(f, out, BGP_STATE_CONNECT);
	}
}

/* Events 16 and 17 in Connect or Active, DelayOpen off: send OPEN and
 * wait for the peer's under a large HoldTimer. */
static void tcp_up(struct bgp_fsm *f, struct bgp_fsm_out *out, bool inbound)
{
	f->inbound = inbound;
	timer_stop(out, BGP_TIMER_CONNECT_RETRY);
	out->actions |= BGP_FSM_SEND_OPEN;
	timer_arm(out, BGP_TIMER_HOLD, BGP_FSM_OPENSENT_HOLD_MS);
	set_state(f, out, BGP_STATE_OPENSENT);
}

/* Event 19 in OpenSent. */
static void open_received(struct bgp_fsm *f, struct bgp_fsm_out *out,
			  const struct bgp_open *o)
{
	struct bgp_error e;
	uint16_t hold;

	if (bgp_fsm_check_open(&f->cfg, o, &e) < 0) {
		/* Becomes event 22. */
		fail_with(f, out, &e, BGP_FSM_REASON_OPEN_ERR);
		return;
	}
	f->peer = *o;
	f->peer_as = o->cap_as4 ? o->as4 : o->my_as;
	f->peer_id = o->bgp_id;
	f->peer_as4 = o->cap_as4;
	/* §4.2: the smaller of ours and theirs; zero turns both timers off.
	 * §10: keepalives at a third of the hold time. */
	hold = o->hold_time < f->cfg.hold_time ? o->hold_time
					       : f->cfg.hold_time;
	f->hold_time = hold;
	f->hold_ms = (uint32_t)hold * 1000u;
	f->keepalive_ms = f->hold_ms / 3u;

	timer_stop(out, BGP_TIMER_CONNECT_RETRY);
	out->actions |= BGP_FSM_SEND_KEEPALIVE | BGP_FSM_OPEN_RECEIVED;
	if (hold) {
		timer_arm(out, BGP_TIMER_HOLD, f->hold_ms);
		timer_arm(out, BGP_TIMER_KEEPALIVE, f->keepalive_ms);
	} else {
		timer_stop(out, BGP_TIMER_HOLD);
		timer_stop(out, BGP_TIMER_KEEPALIVE);
	}
	set_state(f, out, BGP_STATE_OPENCONFIRM);
}

static void step_idle(struct bgp_fsm *f, const struct bgp_fsm_event *ev,
		      struct bgp_fsm_out *out)
{
	switch (ev->type) {
	case BGP_EV_MANUAL_START:
		f->admin_down = false;
		start(f, out, f->cfg.passive);
		break;
	case BGP_EV_MANUAL_STOP:
		/* §8.2.2 ignores it; here it also cancels a pending
		 * automatic restart. */
		f->admin_down = true;
		timer_stop(out, BGP_TIMER_IDLE_HOLD);
		break;
	case BGP_EV_AUTO_START:
	case BGP_EV_IDLE_HOLD_EXPIRED:
		if (auto_start_allowed(f))
			start(f, out, f->cfg.passive);
		break;
	case BGP_EV_AUTO_START_PASSIVE:
		if (auto_start_allowed(f))
			start(f, out, true);
		break;
	case BGP_EV_TCP_CONFIRMED:
		/* Accepting at once is what re-establishes a session the
		 * moment a crashed peer comes back. */
		if (auto_start_allowed(f)) {
			start(f, out, true);
			tcp_up(f, out, true);
		} else {
			out->actions |= BGP_FSM_DROP;
		}
		break;
	case BGP_EV_TCP_CR_ACKED:
		/* Idle refuses connections; nothing waits for this one. */
		out->actions |= BGP_FSM_DROP;
		break;
	default:
		/* "Any other event ... does not cause change in the state
		 * of the local system." */
		break;
	}
}

/* Connect and Active differ only in ConnectRetryTimer_Expires. */
static void step_connect(struct bgp_fsm *f, const struct bgp_fsm_event *ev,
			 struct bgp_fsm_out *out)
{
	switch (ev->type) {
	case BGP_EV_MANUAL_START:
	case BGP_EV_AUTO_START:
	case BGP_EV_AUTO_START_PASSIVE:
		break;
	case BGP_EV_MANUAL_STOP:
		manual_stop(f, out);
		break;
	case BGP_EV_CONNECT_RETRY_EXPIRED:
		/* A passive peer never connects (§8.2.2 would). */
		if (f->cfg.passive) {
			timer_stop(out, BGP_TIMER_CONNECT_RETRY);
			break;
		}
		/* Connect abandons the pending attempt; Active has none. */
		if (f->state == BGP_STATE_CONNECT)
			out->actions |= BGP_FSM_DROP;
		out->actions |= BGP_FSM_CONNECT;
		timer_arm(out, BGP_TIMER_CONNECT_RETRY,
			  f->cfg.connect_retry_ms);
		set_state(f, out, BGP_STATE_CONNECT);
		break;
	case BGP_EV_TCP_CR_ACKED:
		tcp_up(f, out, false);
		break;
	case BGP_EV_TCP_CONFIRMED:
		tcp_up(f, out, true);
		break;
	case BGP_EV_TCP_FAILS:
		/* Active restarts the ConnectRetryTimer on its way to Idle,
		 * where its expiry is ignored: stopping it is the same. */
		to_idle(f, out, BGP_FSM_REASON_TCP_FAILED, true);
		break;
	case BGP_EV_HEADER_ERR:
		/* No NOTIFICATION: SendNOTIFICATIONwithoutOPEN is off. */
		to_idle(f, out, BGP_FSM_REASON_HEADER_ERR, true);
		break;
	case BGP_EV_OPEN_ERR:
		to_idle(f, out, BGP_FSM_REASON_OPEN_ERR, true);
		break;
	case BGP_EV_OPEN_COLLISION_DUMP:
		collision_dump(f, out);
		break;
	case BGP_EV_NOTIF_VER_ERR:
	case BGP_EV_NOTIF:
		notif_received(f, out, ev);
		break;
	default:
		/* 10, 11, 13, 19, 26-28: no NOTIFICATION before OPEN. */
		to_idle(f, out, BGP_FSM_REASON_FSM_ERR, true);
		break;
	}
}

static void step_opensent(struct bgp_fsm *f, const struct bgp_fsm_event *ev,
			  struct bgp_fsm_out *out)
{
	switch (ev->type) {
	case BGP_EV_MANUAL_START:
	case BGP_EV_AUTO_START:
	case BGP_EV_AUTO_START_PASSIVE:
		break;
	case BGP_EV_MANUAL_STOP:
		manual_stop(f, out);
		break;
	case BGP_EV_HOLD_EXPIRED:
		fail(f, out, BGP_ERR_HOLD, 0, "hold timer expired",
		     BGP_FSM_REASON_HOLD_EXPIRED);
		break;
	case BGP_EV_TCP_CR_ACKED:
	case BGP_EV_TCP_CONFIRMED:
		/* A second connection: the glue tracks it (§6.8). */
		break;
	case BGP_EV_TCP_FAILS:
		/* With DelayOpen off, the one place §8.2.2 goes back to
		 * Active: listen, and connect again when the
		 * ConnectRetryTimer expires. */
		end_attempt(f, out, BGP_FSM_REASON_TCP_FAILED);
		timer_stop(out, BGP_TIMER_HOLD);
		timer_stop(out, BGP_TIMER_KEEPALIVE);
		if (f->cfg.passive)
			timer_stop(out, BGP_TIMER_CONNECT_RETRY);
		else
			timer_arm(out, BGP_TIMER_CONNECT_RETRY,
				  f->cfg.connect_retry_ms);
		set_state(f, out, BGP_STATE_ACTIVE);
		break;
	case BGP_EV_OPEN:
		open_received(f, out, ev->open);
		break;
	case BGP_EV_HEADER_ERR:
		fail_with(f, out, ev->err, BGP_FSM_REASON_HEADER_ERR);
		break;
	case BGP_EV_OPEN_ERR:
		fail_with(f, out, ev->err, BGP_FSM_REASON_OPEN_ERR);
		break;
	case BGP_EV_OPEN_COLLISION_DUMP:
		collision_dump(f, out);
		break;
	case BGP_EV_NOTIF_VER_ERR:
	case BGP_EV_NOTIF:
		/* §8.2.2 lists event 25 under "any other event" here, which
		 * would answer it with an FSM error. */
		notif_received(f, out, ev);
		break;
	case BGP_EV_KEEPALIVE:
	case BGP_EV_UPDATE:
	case BGP_EV_UPDATE_ERR:
		fsm_error(f, out, true);
		break;
	default:
		/* 9, 11, 13 */
		fsm_error(f, out, false);
		break;
	}
}

static void step_openconfirm(struct bgp_fsm *f,
			     const struct bgp_fsm_event *ev,
			     struct bgp_fsm_out *out)
{
	switch (ev->type) {
	case BGP_EV_MANUAL_START:
	case BGP_EV_AUTO_START:
	case BGP_EV_AUTO_START_PASSIVE:
	case BGP_EV_TCP_CR_ACKED:
	case BGP_EV_TCP_CONFIRMED:
		break;
	case BGP_EV_MANUAL_STOP:
		manual_stop(f, out);
		break;
	case BGP_EV_HOLD_EXPIRED:
		fail(f, out, BGP_ERR_HOLD, 0, "hold timer expired",
		     BGP_FSM_REASON_HOLD_EXPIRED);
		break;
	case BGP_EV_KEEPALIVE_EXPIRED:
		keepalive_expired(f, out);
		break;
	case BGP_EV_TCP_FAILS:
		to_idle(f, out, BGP_FSM_REASON_TCP_FAILED, true);
		break;
	case BGP_EV_OPEN:
		/* A second OPEN on this connection; see the file comment. */
		fsm_error(f, out, true);
		break;
	case BGP_EV_HEADER_ERR:
		fail_with(f, out, ev->err, BGP_FSM_REASON_HEADER_ERR);
		break;
	case BGP_EV_OPEN_ERR:
		fail_with(f, out, ev->err, BGP_FSM_REASON_OPEN_ERR);
		break;
	case BGP_EV_OPEN_COLLISION_DUMP:
		collision_dump(f, out);
		break;
	case BGP_EV_NOTIF_VER_ERR:
	case BGP_EV_NOTIF:
		notif_received(f, out, ev);
		break;
	case BGP_EV_KEEPALIVE:
		hold_restart(f, out);
		out->actions |= BGP_FSM_ESTABLISHED;
		set_state(f, out, BGP_STATE_ESTABLISHED);
		break;
	case BGP_EV_UPDATE:
	case BGP_EV_UPDATE_ERR:
		fsm_error(f, out, true);
		break;
	default:
		/* 9, 13 */
		fsm_error(f, out, false);
		break;
	}
}

static void step_established(struct bgp_fsm *f,
			     const struct bgp_fsm_event *ev,
			     struct bgp_fsm_out *out)
{
	switch (ev->type) {
	case BGP_EV_MANUAL_START:
	case BGP_EV_AUTO_START:
	case BGP_EV_AUTO_START_PASSIVE:
	case BGP_EV_TCP_CR_ACKED:
	case BGP_EV_TCP_CONFIRMED:
		break;
	case BGP_EV_MANUAL_STOP:
		manual_stop(f, out);
		break;
	case BGP_EV_HOLD_EXPIRED:
		fail(f, out, BGP_ERR_HOLD, 0, "hold timer expired",
		     BGP_FSM_REASON_HOLD_EXPIRED);
		break;
	case BGP_EV_KEEPALIVE_EXPIRED:
		keepalive_expired(f, out);
		break;
	case BGP_EV_TCP_FAILS:
		to_idle(f, out, BGP_FSM_REASON_TCP_FAILED, true);
		break;
	case BGP_EV_OPEN:
	case BGP_EV_OPEN_ERR:
		/* CollisionDetectEstablishedState is off: an OPEN here is
		 * just unexpected, valid or not. */
		fsm_error(f, out, true);
		break;
	case BGP_EV_HEADER_ERR:
		/* §8.2.2 files event 21 under "any other event" (FSM error);
		 * §6.1 requires the Message Header Error, which wins. */
		fail_with(f, out, ev->err, BGP_FSM_REASON_HEADER_ERR);
		break;
	case BGP_EV_OPEN_COLLISION_DUMP:
		collision_dump(f, out);
		break;
	case BGP_EV_NOTIF_VER_ERR:
	case BGP_EV_NOTIF:
		notif_received(f, out, ev);
		break;
	case BGP_EV_KEEPALIVE:
		hold_restart(f, out);
		break;
	case BGP_EV_UPDATE:
		out->actions |= BGP_FSM_PROCESS_UPDATE;
		out->update = ev->update;
		hold_restart(f, out);
		break;
	case BGP_EV_UPDATE_ERR:
		fail_with(f, out, ev->err, BGP_FSM_REASON_UPDATE_ERR);
		break;
	default:
		/* 9, 13 */
		fsm_error(f, out, false);
		break;
	}
}

int bgp_fsm_init(struct bgp_fsm *f, const struct bgp_fsm_config *cfg)
{
	if (!cfg->local_as || !cfg->local_id || !cfg->peer_as)
		return -EINVAL;
	/* §4.2: zero or at least three seconds. */
	if (cfg->hold_time == 1 || cfg->hold_time == 2)
		return -EINVAL;
	/* A zero delay cannot be armed (a zero timerfd is a disarm). */
	if (!cfg->passive && !cfg->connect_retry_ms)
		return -EINVAL;
	if (cfg->allow_automatic_start && !cfg->idle_hold_ms)
		return -EINVAL;
	memset(f, 0, sizeof(*f));
	f->cfg = *cfg;
	f->state = BGP_STATE_IDLE;
	return 0;
}

static bool event_valid(const struct bgp_fsm_event *ev)
{
	switch (ev->type) {
	case BGP_EV_OPEN:
		return ev->open != NULL;
	case BGP_EV_HEADER_ERR:
	case BGP_EV_OPEN_ERR:
	case BGP_EV_UPDATE_ERR:
		return ev->err != NULL;
	case BGP_EV_MANUAL_START:
	case BGP_EV_MANUAL_STOP:
	case BGP_EV_AUTO_START:
	case BGP_EV_AUTO_START_PASSIVE:
	case BGP_EV_CONNECT_RETRY_EXPIRED:
	case BGP_EV_HOLD_EXPIRED:
	case BGP_EV_KEEPALIVE_EXPIRED:
	case BGP_EV_IDLE_HOLD_EXPIRED:
	case BGP_EV_TCP_CR_ACKED:
	case BGP_EV_TCP_CONFIRMED:
	case BGP_EV_TCP_FAILS:
	case BGP_EV_OPEN_COLLISION_DUMP:
	case BGP_EV_NOTIF_VER_ERR:
	case BGP_EV_NOTIF:
	case BGP_EV_KEEPALIVE:
	case BGP_EV_UPDATE:
		return true;
	}
	return false;
}

int bgp_fsm_step(struct bgp_fsm *f, const struct bgp_fsm_event *ev,
		 struct bgp_fsm_out *out)
{
	out_begin(f, out);
	if (!event_valid(ev))
		return -EINVAL;

	switch (f->state) {
	case BGP_STATE_IDLE:
		step_idle(f, ev, out);
		break;
	case BGP_STATE_CONNECT:
	case BGP_STATE_ACTIVE:
		step_connect(f, ev, out);
		break;
	case BGP_STATE_OPENSENT:
		step_opensent(f, ev, out);
		break;
	case BGP_STATE_OPENCONFIRM:
		step_openconfirm(f, ev, out);
		break;
	case BGP_STATE_ESTABLISHED:
		step_established(f, ev, out);
		break;
	}
	return 0;
}

void bgp_fsm_msg_sent(const struct bgp_fsm *f, struct bgp_fsm_out *out)
{
	out_begin(f, out);
	if (f->state == BGP_STATE_ESTABLISHED && f->keepalive_ms)
		timer_arm(out, BGP_TIMER_KEEPALIVE, f->keepalive_ms);
}

void bgp_fsm_local_open(const struct bgp_fsm *f, struct bgp_open *o)
{
	memset(o, 0, sizeof(*o));
	o->version = BGP_VERSION;
	o->as4 = f->cfg.local_as;
	o->my_as = f->cfg.local_as > 0xffff ? BGP_AS_TRANS
					    : (uint16_t)f->cfg.local_as;
	o->hold_time = f->cfg.hold_time;
	o->bgp_id = f->cfg.local_id;
	o->cap_as4 = true;
	o->cap_mp_ipv4 = true;
	o->cap_route_refresh = true;
}

static int open_error(struct bgp_error *e, uint8_t subcode, const char *why)
{
	memset(e, 0, sizeof(*e));
	e->code = BGP_ERR_OPEN;
	e->subcode = subcode;
	e->reason = why;
	return -EBADMSG;
}

int bgp_fsm_check_open(const struct bgp_fsm_config *cfg,
		       const struct bgp_open *o, struct bgp_error *e)
{
	uint32_t as = o->cap_as4 ? o->as4 : o->my_as;

	if (o->version != BGP_VERSION) {
		/* §6.2: the data is the version we would accept, 2 octets;
		 * 4 is both our largest and our smallest. */
		open_error(e, BGP_ERR_OPEN_VERSION, "unsupported version");
		e->store[0] = 0;
		e->store[1] = BGP_VERSION;
		e->data = e->store;
		e->len = 2;
		return -EBADMSG;
	}
	/* A 2-octet speaker shows AS_TRANS for an AS above 65535, which
	 * then fails here, as RFC 6793 §4.1 intends.  AS 0 (RFC 7607) can
	 * never match the configured, non-zero AS. */
	if (as != cfg->peer_as)
		return open_error(e, BGP_ERR_OPEN_PEER_AS, "bad peer AS");
	if (o->hold_time == 1 || o->hold_time == 2)
		return open_error(e, BGP_ERR_OPEN_HOLDTIME,
				  "unacceptable hold time");
	/* RFC 6286 §2.2: never zero, and unique within an AS, so only an
	 * internal peer may not share our id. */
	if (o->bgp_id == 0)
		return open_error(e, BGP_ERR_OPEN_BGPID, "BGP identifier 0");
	if (as == cfg->local_as && o->bgp_id == cfg->local_id)
		return open_error(e, BGP_ERR_OPEN_BGPID,
				  "internal peer with our BGP identifier");
	return 0;
}

enum bgp_collision bgp_collision_resolve(uint32_t local_id,
					 uint32_t remote_id,
					 uint32_t local_as,
					 uint32_t remote_as)
{
	/*
	 * §6.8: if our id is the lower, close the connection we
	 * initiated and keep the one the peer initiated; otherwise the
	 * reverse.  Both sides reach the same answer, so exactly one
	 * connection survives.
	 */
	if (local_id != remote_id)
		return local_id < remote_id ? BGP_COLLISION_CLOSE_OUTBOUND
					    : BGP_COLLISION_CLOSE_INBOUND;
	/* RFC 6286 §2.3: equal ids (external peers only), the connection
	 * initiated by the larger AS is preserved. */
	if (local_as != remote_as)
		return local_as < remote_as ? BGP_COLLISION_CLOSE_OUTBOUND
					    : BGP_COLLISION_CLOSE_INBOUND;
	return BGP_COLLISION_CLOSE_BOTH;
}

const char *bgp_state_name(enum bgp_state s)
{
	static const char *const names[] = {
		[BGP_STATE_IDLE] = "Idle",
		[BGP_STATE_CONNECT] = "Connect",
		[BGP_STATE_ACTIVE] = "Active",
		[BGP_STATE_OPENSENT] = "OpenSent",
		[BGP_STATE_OPENCONFIRM] = "OpenConfirm",
		[BGP_STATE_ESTABLISHED] = "Established",
	};

	if ((unsigned)s >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[s];
}

const char *bgp_event_name(enum bgp_event ev)
{
	/* §8.1's names, indexed by §8.1's numbers. */
	static const char *const names[] = {
		[BGP_EV_MANUAL_START] = "ManualStart",
		[BGP_EV_MANUAL_STOP] = "ManualStop",
		[BGP_EV_AUTO_START] = "AutomaticStart",
		[BGP_EV_AUTO_START_PASSIVE] =
			"AutomaticStart_with_PassiveTcpEstablishment",
		[BGP_EV_CONNECT_RETRY_EXPIRED] = "ConnectRetryTimer_Expires",
		[BGP_EV_HOLD_EXPIRED] = "HoldTimer_Expires",
		[BGP_EV_KEEPALIVE_EXPIRED] = "KeepaliveTimer_Expires",
		[BGP_EV_IDLE_HOLD_EXPIRED] = "IdleHoldTimer_Expires",
		[BGP_EV_TCP_CR_ACKED] = "Tcp_CR_Acked",
		[BGP_EV_TCP_CONFIRMED] = "TcpConnectionConfirmed",
		[BGP_EV_TCP_FAILS] = "TcpConnectionFails",
		[BGP_EV_OPEN] = "BGPOpen",
		[BGP_EV_HEADER_ERR] = "BGPHeaderErr",
		[BGP_EV_OPEN_ERR] = "BGPOpenMsgErr",
		[BGP_EV_OPEN_COLLISION_DUMP] = "OpenCollisionDump",
		[BGP_EV_NOTIF_VER_ERR] = "NotifMsgVerErr",
		[BGP_EV_NOTIF] = "NotifMsg",
		[BGP_EV_KEEPALIVE] = "KeepAliveMsg",
		[BGP_EV_UPDATE] = "UpdateMsg",
		[BGP_EV_UPDATE_ERR] = "UpdateMsgErr",
	};

	if ((unsigned)ev >= sizeof(names) / sizeof(names[0]) || !names[ev])
		return "?";
	return names[ev];
}

const char *bgp_fsm_reason_name(enum bgp_fsm_reason r)
{
	static const char *const names[] = {
		[BGP_FSM_REASON_NONE] = "none",
		[BGP_FSM_REASON_MANUAL_STOP] = "stopped by hand",
		[BGP_FSM_REASON_TCP_FAILED] = "TCP connection failed",
		[BGP_FSM_REASON_HOLD_EXPIRED] = "hold timer expired",
		[BGP_FSM_REASON_NOTIF_RECEIVED] = "NOTIFICATION received",
		[BGP_FSM_REASON_HEADER_ERR] = "message header error",
		[BGP_FSM_REASON_OPEN_ERR] = "OPEN message error",
		[BGP_FSM_REASON_UPDATE_ERR] = "UPDATE message error",
		[BGP_FSM_REASON_FSM_ERR] = "unexpected event",
		[BGP_FSM_REASON_COLLISION] = "connection collision",
	};

	if ((unsigned)r >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[r];
}

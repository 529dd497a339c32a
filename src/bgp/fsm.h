/*
 * The BGP-4 finite state machine (RFC 4271 §8) as a pure step function,
 * with OPEN checking (§6.2, RFC 6286 §2.2), hold time negotiation (§4.2)
 * and connection collision resolution (§6.8, RFC 6286 §2.3).
 *
 * One struct bgp_fsm follows one TCP connection attempt.  bgp_fsm_step()
 * takes an event and says what to do: a set of actions, the NOTIFICATION
 * to send, and per named timer slot whether to leave, stop or (re)arm it.
 * It never touches a socket or a clock; the peer glue owns those, and owns
 * two instances while a connection collision is being resolved.
 *
 * Optional session attributes (§8.1.1) and their settings are listed at
 * the top of fsm.c.
 */
#ifndef ANYCASTLAB_BGP_FSM_H
#define ANYCASTLAB_BGP_FSM_H

#include <stdbool.h>
#include <stdint.h>

#include "bgp/attr.h"
#include "bgp/bgp.h"
#include "bgp/msg.h"

enum bgp_state {
	BGP_STATE_IDLE,
	BGP_STATE_CONNECT,
	BGP_STATE_ACTIVE,
	BGP_STATE_OPENSENT,
	BGP_STATE_OPENCONFIRM,
	BGP_STATE_ESTABLISHED,
};

/* Events keep their RFC 4271 §8.1 numbers. */
enum bgp_event {
	BGP_EV_MANUAL_START = 1,		/* 1 ManualStart */
	BGP_EV_MANUAL_STOP = 2,			/* 2 ManualStop */
	BGP_EV_AUTO_START = 3,			/* 3 AutomaticStart */
	/* 5 AutomaticStart_with_PassiveTcpEstablishment */
	BGP_EV_AUTO_START_PASSIVE = 5,
	BGP_EV_CONNECT_RETRY_EXPIRED = 9, /* 9 ConnectRetryTimer_Expires */
	BGP_EV_HOLD_EXPIRED = 10,		/* 10 HoldTimer_Expires */
	BGP_EV_KEEPALIVE_EXPIRED = 11,		/* 11 KeepaliveTimer_Expires */
	BGP_EV_IDLE_HOLD_EXPIRED = 13,		/* 13 IdleHoldTimer_Expires */
	/* 16 Tcp_CR_Acked: our outbound connection completed */
	BGP_EV_TCP_CR_ACKED = 16,
	/* 17 TcpConnectionConfirmed: an inbound connection was accepted */
	BGP_EV_TCP_CONFIRMED = 17,
	BGP_EV_TCP_FAILS = 18,			/* 18 TcpConnectionFails */
	BGP_EV_OPEN = 19,			/* 19 BGPOpen (ev.open) */
	BGP_EV_HEADER_ERR = 21,			/* 21 BGPHeaderErr (ev.err) */
	BGP_EV_OPEN_ERR = 22,			/* 22 BGPOpenMsgErr (ev.err) */
	BGP_EV_OPEN_COLLISION_DUMP = 23,	/* 23 OpenCollisionDump */
	/* 24 NotifMsgVerErr (ev.code, ev.subcode: what the peer sent) */
	BGP_EV_NOTIF_VER_ERR = 24,
	BGP_EV_NOTIF = 25,			/* 25 NotifMsg (ditto) */
	BGP_EV_KEEPALIVE = 26,			/* 26 KeepAliveMsg */
	BGP_EV_UPDATE = 27,			/* 27 UpdateMsg */
	BGP_EV_UPDATE_ERR = 28,			/* 28 UpdateMsgErr (ev.err) */
};

struct bgp_fsm_event {
	enum bgp_event type;
	const struct bgp_open *open;	/* BGP_EV_OPEN: the decoded OPEN */
	/* BGP_EV_UPDATE: the decoded UPDATE (NULL outside Established,
	 * where it is not decoded) */
	const struct bgp_update *update;
	/* BGP_EV_HEADER_ERR, _OPEN_ERR, _UPDATE_ERR: the NOTIFICATION the
	 * codec asks for (its data may point into the received message) */
	const struct bgp_error *err;
	uint8_t code, subcode;		/* BGP_EV_NOTIF, _NOTIF_VER_ERR */
};

/*
 * Actions, in an order the glue may carry them out: the NOTIFICATION is
 * written before the connection is closed, the old connection is closed
 * before a new one is opened.
 */
enum bgp_fsm_action {
	BGP_FSM_SEND_NOTIFICATION = 1u << 0,	/* out.notify */
	BGP_FSM_DROP = 1u << 1,		/* close this TCP connection */
	BGP_FSM_DOWN = 1u << 2,		/* left Established: flush its routes */
	BGP_FSM_CONNECT = 1u << 3,	/* initiate a TCP connection */
	BGP_FSM_SEND_OPEN = 1u << 4,	/* bgp_fsm_local_open() */
	BGP_FSM_SEND_KEEPALIVE = 1u << 5,
	/*
	 * A valid OPEN was accepted; the peer's values are in the fsm.  The
	 * glue runs collision detection (§6.8) against its other connection
	 * to this peer now, and feeds the loser BGP_EV_OPEN_COLLISION_DUMP.
	 */
	BGP_FSM_OPEN_RECEIVED = 1u << 6,
	BGP_FSM_ESTABLISHED = 1u << 7,	/* session up */
	BGP_FSM_PROCESS_UPDATE = 1u << 8,	/* hand the UPDATE to the RIB */
};

enum bgp_timer {
	BGP_TIMER_CONNECT_RETRY,
	BGP_TIMER_HOLD,
	BGP_TIMER_KEEPALIVE,
	BGP_TIMER_IDLE_HOLD,
	BGP_TIMER_COUNT,
};

enum bgp_timer_op {
	BGP_TIMER_LEAVE = 0,	/* as it is, running or not */
	BGP_TIMER_STOP,
	BGP_TIMER_ARM,		/* (re)start: expire ms from now */
};

struct bgp_timer_set {
	enum bgp_timer_op op;
	uint32_t ms;		/* BGP_TIMER_ARM: always > 0 */
};

/* Why a connection attempt ended, for the log and for status. */
enum bgp_fsm_reason {
	BGP_FSM_REASON_NONE = 0,
	BGP_FSM_REASON_MANUAL_STOP,
	BGP_FSM_REASON_TCP_FAILED,
	BGP_FSM_REASON_HOLD_EXPIRED,
	BGP_FSM_REASON_NOTIF_RECEIVED,	/* the peer sent a NOTIFICATION */
	BGP_FSM_REASON_HEADER_ERR,
	BGP_FSM_REASON_OPEN_ERR,
	BGP_FSM_REASON_UPDATE_ERR,
	BGP_FSM_REASON_FSM_ERR,		/* an event the state does not expect */
	BGP_FSM_REASON_COLLISION,	/* lost collision resolution (§6.8) */
};

struct bgp_fsm_out {
	unsigned actions;		/* enum bgp_fsm_action bits */
	enum bgp_state prev, state;
	struct bgp_timer_set timer[BGP_TIMER_COUNT];
	/*
	 * With BGP_FSM_SEND_NOTIFICATION.  data points into notify.store or
	 * into the event's err->data, so use it before the next receive.
	 */
	struct bgp_error notify;
	enum bgp_fsm_reason reason;	/* set when the attempt ended */
	/* With BGP_FSM_PROCESS_UPDATE: the event's UPDATE, to hand on. */
	const struct bgp_update *update;
};

struct bgp_fsm_config {
	uint32_t local_as;
	uint32_t local_id;		/* BGP Identifier, host order, not 0 */
	uint32_t peer_as;		/* the AS the peer must announce */
	uint16_t hold_time;		/* ours, seconds: 0 or >= 3 (lab: 3) */
	uint32_t connect_retry_ms;	/* > 0 unless passive */
	uint32_t idle_hold_ms;		/* automatic restart delay; > 0 */
	bool passive;			/* PassiveTcpEstablishment */
	bool allow_automatic_start;	/* AllowAutomaticStart */
};

/* HoldTimer in OpenSent: "a large value", 4 minutes suggested (§8.2.2). */
#define BGP_FSM_OPENSENT_HOLD_MS	240000u

struct bgp_fsm {
	struct bgp_fsm_config cfg;
	enum bgp_state state;
	bool admin_down;	/* ManualStop, and no ManualStart since */
	bool inbound;		/* accepted, not initiated by us */
	/*
	 * Set with BGP_FSM_OPEN_RECEIVED, valid until the FSM next leaves
	 * Idle: the peer's OPEN, its AS (4-octet when it sent the
	 * capability), the negotiated hold time (seconds; 0 means no hold
	 * or keepalive timers) and the timer values derived from it.
	 */
	struct bgp_open peer;
	uint32_t peer_as;
	uint32_t peer_id;
	bool peer_as4;
	uint16_t hold_time;
	uint32_t hold_ms;
	uint32_t keepalive_ms;	/* hold / 3 */
	/* How the last attempt ended (cf. bgpPeerLastError, RFC 4273): the
	 * NOTIFICATION we sent or the one we received, 0/0 if none. */
	enum bgp_fsm_reason last_reason;
	uint8_t last_code, last_subcode;
	bool last_sent;
};

/*
 * Idle, not administratively stopped.  -EINVAL when the configuration is
 * unusable (zero AS or id, hold time 1 or 2, a zero timer that would be
 * armed).  The configuration is copied.
 */
int bgp_fsm_init(struct bgp_fsm *f, const struct bgp_fsm_config *cfg);

/*
 * Feed one event.  out is filled from scratch: prev and state, actions,
 * timer operations, notify.  Returns 0, or -EINVAL (f unchanged, out a
 * no-op) for an unknown event or one missing its input.
 */
int bgp_fsm_step(struct bgp_fsm *f, const struct bgp_fsm_event *ev,
		 struct bgp_fsm_out *out);

/*
 * The glue sent an UPDATE: restart the KeepaliveTimer in Established
 * unless the negotiated hold time is zero (§8.2.2).  out as for step.
 */
void bgp_fsm_msg_sent(const struct bgp_fsm *f, struct bgp_fsm_out *out);

/* The OPEN to send for BGP_FSM_SEND_OPEN: version 4, our AS, hold time
 * and id; 4-octet AS, IPv4 unicast and route refresh capabilities. */
void bgp_fsm_local_open(const struct bgp_fsm *f, struct bgp_open *o);

/*
 * Semantic checks of a received OPEN against our configuration (§6.2,
 * RFC 6286 §2.2, RFC 6793): version, peer AS, hold time, BGP Identifier,
 * in that order.  0, or -EBADMSG with *e set to the NOTIFICATION.
 */
int bgp_fsm_check_open(const struct bgp_fsm_config *cfg,
		       const struct bgp_open *o, struct bgp_error *e);

/* Which of two colliding connections to close (§6.8). */
enum bgp_collision {
	BGP_COLLISION_CLOSE_OUTBOUND,	/* the one we initiated */
	BGP_COLLISION_CLOSE_INBOUND,	/* the one the peer initiated */
	/* equal ids and ASes: no rule applies (bgp_fsm_check_open rejects
	 * such an OPEN with 2/3 before it gets here) */
	BGP_COLLISION_CLOSE_BOTH,
};

/*
 * The connection initiated by the speaker with the higher BGP Identifier
 * survives (§6.8); with equal ids, the one initiated by the speaker with
 * the larger AS (RFC 6286 §2.3).  Ids in host order.  A collision with a
 * connection already Established always closes the new one
 * (CollisionDetectEstablishedState is off): the glue need not ask.
 */
enum bgp_collision bgp_collision_resolve(uint32_t local_id,
					 uint32_t remote_id,
					 uint32_t local_as,
					 uint32_t remote_as);

/* "Idle", "OpenSent", ...; "HoldTimer_Expires", ...; "hold timer expired".
 * Unknown values give "?". */
const char *bgp_state_name(enum bgp_state s);
const char *bgp_event_name(enum bgp_event ev);
const char *bgp_fsm_reason_name(enum bgp_fsm_reason r);

#endif

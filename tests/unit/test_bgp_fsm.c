/*
 * The BGP finite state machine (RFC 4271 §8.2.2), driven with no socket
 * and no clock: a transition table with one row per (state, event[,
 * setup]), then sequences, hold time negotiation (§4.2), OPEN checks
 * (§6.2, RFC 6286 §2.2) and collision resolution (§6.8, RFC 6286 §2.3).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <errno.h>
#include <string.h>

#include "bgp/fsm.h"

#define LOCAL_AS	65001u
#define PEER_AS		65002u
#define LOCAL_ID	0x0a000001u	/* 10.0.0.1 */
#define PEER_ID		0x0a000002u	/* 10.0.0.2 */
#define RETRY_MS	5000u
#define IDLE_HOLD_MS	7000u
#define PEER_HOLD	9

static struct bgp_fsm_config config(void)
{
	return (struct bgp_fsm_config){
		.local_as = LOCAL_AS,
		.local_id = LOCAL_ID,
		.peer_as = PEER_AS,
		.hold_time = 3,
		.connect_retry_ms = RETRY_MS,
		.idle_hold_ms = IDLE_HOLD_MS,
		.passive = false,
		.allow_automatic_start = true,
	};
}

static struct bgp_open peer_open(uint16_t hold)
{
	return (struct bgp_open){
		.version = 4,
		.my_as = PEER_AS,
		.hold_time = hold,
		.bgp_id = PEER_ID,
		.as4 = PEER_AS,
		.cap_as4 = true,
		.cap_mp_ipv4 = true,
		.cap_route_refresh = true,
	};
}

static void fsm_new(struct bgp_fsm *f, const struct bgp_fsm_config *cfg)
{
	cr_assert_eq(bgp_fsm_init(f, cfg), 0);
	cr_assert_eq(f->state, BGP_STATE_IDLE);
}

static void step(struct bgp_fsm *f, enum bgp_event type,
		 struct bgp_fsm_out *out)
{
	struct bgp_fsm_event ev = { .type = type };

	cr_assert_eq(bgp_fsm_step(f, &ev, out), 0, "%s rejected",
		     bgp_event_name(type));
}

static void step_open(struct bgp_fsm *f, const struct bgp_open *o,
		      struct bgp_fsm_out *out)
{
	struct bgp_fsm_event ev = { .type = BGP_EV_OPEN, .open = o };

	cr_assert_eq(bgp_fsm_step(f, &ev, out), 0);
}

static void step_notif(struct bgp_fsm *f, enum bgp_event type, uint8_t code,
		       uint8_t subcode, struct bgp_fsm_out *out)
{
	struct bgp_fsm_event ev = {
		.type = type, .code = code, .subcode = subcode,
	};

	cr_assert_eq(bgp_fsm_step(f, &ev, out), 0);
}

static void step_err(struct bgp_fsm *f, enum bgp_event type,
		     const struct bgp_error *e, struct bgp_fsm_out *out)
{
	struct bgp_fsm_event ev = { .type = type, .err = e };

	cr_assert_eq(bgp_fsm_step(f, &ev, out), 0);
}

static void assert_timer(const struct bgp_fsm_out *out, enum bgp_timer t,
			 enum bgp_timer_op op, uint32_t ms)
{
	cr_assert_eq(out->timer[t].op, op, "timer %d: op %d, want %d", t,
		     out->timer[t].op, op);
	cr_assert_eq(out->timer[t].ms, ms, "timer %d: %u ms, want %u", t,
		     out->timer[t].ms, ms);
}

static void assert_no_timers(const struct bgp_fsm_out *out)
{
	for (int t = 0; t < BGP_TIMER_COUNT; t++)
		assert_timer(out, t, BGP_TIMER_LEAVE, 0);
}

/* Drive a fresh FSM from Idle to Established over an outbound
 * connection, the peer offering hold time peer_hold. */
static void establish(struct bgp_fsm *f, const struct bgp_fsm_config *cfg,
		      uint16_t peer_hold)
{
	struct bgp_open o = peer_open(peer_hold);
	struct bgp_fsm_out out;

	fsm_new(f, cfg);
	step(f, BGP_EV_MANUAL_START, &out);
	step(f, BGP_EV_TCP_CR_ACKED, &out);
	step_open(f, &o, &out);
	cr_assert_eq(f->state, BGP_STATE_OPENCONFIRM);
	step(f, BGP_EV_KEEPALIVE, &out);
	cr_assert_eq(f->state, BGP_STATE_ESTABLISHED);
}

/* ------------------------------------------------------------------ */
/* The transition table                                               */
/* ------------------------------------------------------------------ */

enum setup {
	SETUP_DEFAULT,
	SETUP_PASSIVE,		/* PassiveTcpEstablishment */
	SETUP_STOPPED,		/* Idle after ManualStop */
	SETUP_NO_AUTO,		/* AllowAutomaticStart off */
	SETUP_HOLD0,		/* our hold time 0: no hold/keepalive timers */
	SETUP_BAD_OPEN,		/* event 19 carries version 3 */
};

struct row {
	enum bgp_state from;
	enum bgp_event ev;
	enum setup setup;
	enum bgp_state to;
	unsigned actions;
	uint8_t code, subcode;	/* when SEND_NOTIFICATION */
	struct bgp_timer_set t[BGP_TIMER_COUNT];
	enum bgp_fsm_reason reason;
};

/* The errors the table's events 21, 22 and 28 carry. */
#define HDR_CODE	BGP_ERR_HEADER
#define HDR_SUB		BGP_ERR_HDR_LENGTH
#define OPN_CODE	BGP_ERR_OPEN
#define OPN_SUB		BGP_ERR_OPEN_OPTPARAM
#define UPD_CODE	BGP_ERR_UPDATE
#define UPD_SUB		BGP_ERR_UPD_ATTR_LIST

#define NT	BGP_FSM_SEND_NOTIFICATION
#define DR	BGP_FSM_DROP
#define DN	BGP_FSM_DOWN
#define CN	BGP_FSM_CONNECT
#define SO	BGP_FSM_SEND_OPEN
#define SK	BGP_FSM_SEND_KEEPALIVE
#define OR	BGP_FSM_OPEN_RECEIVED
#define ES	BGP_FSM_ESTABLISHED
#define PU	BGP_FSM_PROCESS_UPDATE

#define LV	{ BGP_TIMER_LEAVE, 0 }
#define ST	{ BGP_TIMER_STOP, 0 }
#define AR(ms)	{ BGP_TIMER_ARM, (ms) }
/* Slots: ConnectRetry, Hold, Keepalive, IdleHold. */
#define TM(cr, ho, ka, ih)	{ cr, ho, ka, ih }
#define T_NONE		TM(LV, LV, LV, LV)
#define T_RESTART	TM(ST, ST, ST, AR(IDLE_HOLD_MS))
#define T_STOPALL	TM(ST, ST, ST, ST)
#define T_CONNECT	TM(AR(RETRY_MS), LV, LV, ST)
#define T_OPENSENT	TM(ST, AR(BGP_FSM_OPENSENT_HOLD_MS), LV, LV)
#define T_KA		TM(LV, LV, AR(1000), LV)
#define T_HOLD		TM(LV, AR(3000), LV, LV)

#define ROWX(setup, from, ev, to, act, code, sub, tm, why) \
	{ BGP_STATE_##from, BGP_EV_##ev, SETUP_##setup, BGP_STATE_##to, \
	  (act), (code), (sub), tm, BGP_FSM_REASON_##why }
#define ROW(from, ev, to, act, code, sub, tm, why) \
	{ BGP_STATE_##from, BGP_EV_##ev, SETUP_DEFAULT, BGP_STATE_##to, \
	  (act), (code), (sub), tm, BGP_FSM_REASON_##why }

static struct row rows[] = {
	/* Idle (§8.2.2): starts leave it, everything else is ignored,
	 * but for our automatic restart and inbound acceptance. */
	ROW(IDLE, MANUAL_START, CONNECT, CN, 0, 0, T_CONNECT, NONE),
	ROW(IDLE, MANUAL_STOP, IDLE, 0, 0, 0, TM(LV, LV, LV, ST), NONE),
	ROW(IDLE, AUTO_START, CONNECT, CN, 0, 0, T_CONNECT, NONE),
	ROW(IDLE, AUTO_START_PASSIVE, ACTIVE, 0, 0, 0, T_CONNECT, NONE),
	ROW(IDLE, CONNECT_RETRY_EXPIRED, IDLE, 0, 0, 0, T_NONE, NONE),
	ROW(IDLE, HOLD_EXPIRED, IDLE, 0, 0, 0, T_NONE, NONE),
	ROW(IDLE, KEEPALIVE_EXPIRED, IDLE, 0, 0, 0, T_NONE, NONE),
	ROW(IDLE, IDLE_HOLD_EXPIRED, CONNECT, CN, 0, 0, T_CONNECT, NONE),
	ROW(IDLE, TCP_CR_ACKED, IDLE, DR, 0, 0, T_NONE, NONE),
	ROW(IDLE, TCP_CONFIRMED, OPENSENT, SO, 0, 0,
	  TM(ST, AR(BGP_FSM_OPENSENT_HOLD_MS), LV, ST), NONE),
	ROW(IDLE, TCP_FAILS, IDLE, 0, 0, 0, T_NONE, NONE),
	ROW(IDLE, OPEN, IDLE, 0, 0, 0, T_NONE, NONE),
	ROW(IDLE, HEADER_ERR, IDLE, 0, 0, 0, T_NONE, NONE),
	ROW(IDLE, OPEN_ERR, IDLE, 0, 0, 0, T_NONE, NONE),
	ROW(IDLE, OPEN_COLLISION_DUMP, IDLE, 0, 0, 0, T_NONE, NONE),
	ROW(IDLE, NOTIF_VER_ERR, IDLE, 0, 0, 0, T_NONE, NONE),
	ROW(IDLE, NOTIF, IDLE, 0, 0, 0, T_NONE, NONE),
	ROW(IDLE, KEEPALIVE, IDLE, 0, 0, 0, T_NONE, NONE),
	ROW(IDLE, UPDATE, IDLE, 0, 0, 0, T_NONE, NONE),
	ROW(IDLE, UPDATE_ERR, IDLE, 0, 0, 0, T_NONE, NONE),
	/* Stopped by hand: only ManualStart leaves. */
	ROWX(STOPPED, IDLE, MANUAL_START, CONNECT, CN, 0, 0, T_CONNECT, NONE),
	ROWX(STOPPED, IDLE, AUTO_START, IDLE, 0, 0, 0, T_NONE, NONE),
	ROWX(STOPPED, IDLE, AUTO_START_PASSIVE, IDLE, 0, 0, 0, T_NONE, NONE),
	ROWX(STOPPED, IDLE, IDLE_HOLD_EXPIRED, IDLE, 0, 0, 0, T_NONE, NONE),
	ROWX(STOPPED, IDLE, TCP_CONFIRMED, IDLE, DR, 0, 0, T_NONE, NONE),
	/* AllowAutomaticStart off. */
	ROWX(NO_AUTO, IDLE, MANUAL_START, CONNECT, CN, 0, 0, T_CONNECT, NONE),
	ROWX(NO_AUTO, IDLE, AUTO_START, IDLE, 0, 0, 0, T_NONE, NONE),
	ROWX(NO_AUTO, IDLE, AUTO_START_PASSIVE, IDLE, 0, 0, 0, T_NONE, NONE),
	ROWX(NO_AUTO, IDLE, IDLE_HOLD_EXPIRED, IDLE, 0, 0, 0, T_NONE, NONE),
	ROWX(NO_AUTO, IDLE, TCP_CONFIRMED, IDLE, DR, 0, 0, T_NONE, NONE),
	/* Passive: wait in Active, no ConnectRetryTimer. */
	ROWX(PASSIVE, IDLE, MANUAL_START, ACTIVE, 0, 0, 0, TM(ST, LV, LV, ST),
	   NONE),
	ROWX(PASSIVE, IDLE, AUTO_START, ACTIVE, 0, 0, 0, TM(ST, LV, LV, ST),
	   NONE),
	ROWX(PASSIVE, IDLE, AUTO_START_PASSIVE, ACTIVE, 0, 0, 0,
	   TM(ST, LV, LV, ST), NONE),
	ROWX(PASSIVE, IDLE, IDLE_HOLD_EXPIRED, ACTIVE, 0, 0, 0,
	   TM(ST, LV, LV, ST), NONE),
	ROWX(PASSIVE, IDLE, TCP_CONFIRMED, OPENSENT, SO, 0, 0,
	   TM(ST, AR(BGP_FSM_OPENSENT_HOLD_MS), LV, ST), NONE),

	/* Connect: no OPEN sent yet, so errors send no NOTIFICATION. */
	ROW(CONNECT, MANUAL_START, CONNECT, 0, 0, 0, T_NONE, NONE),
	ROW(CONNECT, MANUAL_STOP, IDLE, DR, 0, 0, T_STOPALL, MANUAL_STOP),
	ROW(CONNECT, AUTO_START, CONNECT, 0, 0, 0, T_NONE, NONE),
	ROW(CONNECT, AUTO_START_PASSIVE, CONNECT, 0, 0, 0, T_NONE, NONE),
	ROW(CONNECT, CONNECT_RETRY_EXPIRED, CONNECT, DR | CN, 0, 0,
	  TM(AR(RETRY_MS), LV, LV, LV), NONE),
	ROW(CONNECT, HOLD_EXPIRED, IDLE, DR, 0, 0, T_RESTART, FSM_ERR),
	ROW(CONNECT, KEEPALIVE_EXPIRED, IDLE, DR, 0, 0, T_RESTART, FSM_ERR),
	ROW(CONNECT, IDLE_HOLD_EXPIRED, IDLE, DR, 0, 0, T_RESTART, FSM_ERR),
	ROW(CONNECT, TCP_CR_ACKED, OPENSENT, SO, 0, 0, T_OPENSENT, NONE),
	ROW(CONNECT, TCP_CONFIRMED, OPENSENT, SO, 0, 0, T_OPENSENT, NONE),
	ROW(CONNECT, TCP_FAILS, IDLE, DR, 0, 0, T_RESTART, TCP_FAILED),
	ROW(CONNECT, OPEN, IDLE, DR, 0, 0, T_RESTART, FSM_ERR),
	ROW(CONNECT, HEADER_ERR, IDLE, DR, 0, 0, T_RESTART, HEADER_ERR),
	ROW(CONNECT, OPEN_ERR, IDLE, DR, 0, 0, T_RESTART, OPEN_ERR),
	ROW(CONNECT, OPEN_COLLISION_DUMP, IDLE, DR, 0, 0, T_STOPALL, COLLISION),
	ROW(CONNECT, NOTIF_VER_ERR, IDLE, DR, 0, 0, T_RESTART, NOTIF_RECEIVED),
	ROW(CONNECT, NOTIF, IDLE, DR, 0, 0, T_RESTART, NOTIF_RECEIVED),
	ROW(CONNECT, KEEPALIVE, IDLE, DR, 0, 0, T_RESTART, FSM_ERR),
	ROW(CONNECT, UPDATE, IDLE, DR, 0, 0, T_RESTART, FSM_ERR),
	ROW(CONNECT, UPDATE_ERR, IDLE, DR, 0, 0, T_RESTART, FSM_ERR),

	/* Active (reached by event 5): like Connect, but a retry opens a
	 * connection without one to drop. */
	ROW(ACTIVE, MANUAL_START, ACTIVE, 0, 0, 0, T_NONE, NONE),
	ROW(ACTIVE, MANUAL_STOP, IDLE, DR, 0, 0, T_STOPALL, MANUAL_STOP),
	ROW(ACTIVE, AUTO_START, ACTIVE, 0, 0, 0, T_NONE, NONE),
	ROW(ACTIVE, AUTO_START_PASSIVE, ACTIVE, 0, 0, 0, T_NONE, NONE),
	ROW(ACTIVE, CONNECT_RETRY_EXPIRED, CONNECT, CN, 0, 0,
	  TM(AR(RETRY_MS), LV, LV, LV), NONE),
	ROW(ACTIVE, HOLD_EXPIRED, IDLE, DR, 0, 0, T_RESTART, FSM_ERR),
	ROW(ACTIVE, KEEPALIVE_EXPIRED, IDLE, DR, 0, 0, T_RESTART, FSM_ERR),
	ROW(ACTIVE, IDLE_HOLD_EXPIRED, IDLE, DR, 0, 0, T_RESTART, FSM_ERR),
	ROW(ACTIVE, TCP_CR_ACKED, OPENSENT, SO, 0, 0, T_OPENSENT, NONE),
	ROW(ACTIVE, TCP_CONFIRMED, OPENSENT, SO, 0, 0, T_OPENSENT, NONE),
	ROW(ACTIVE, TCP_FAILS, IDLE, DR, 0, 0, T_RESTART, TCP_FAILED),
	ROW(ACTIVE, OPEN, IDLE, DR, 0, 0, T_RESTART, FSM_ERR),
	ROW(ACTIVE, HEADER_ERR, IDLE, DR, 0, 0, T_RESTART, HEADER_ERR),
	ROW(ACTIVE, OPEN_ERR, IDLE, DR, 0, 0, T_RESTART, OPEN_ERR),
	ROW(ACTIVE, OPEN_COLLISION_DUMP, IDLE, DR, 0, 0, T_STOPALL, COLLISION),
	ROW(ACTIVE, NOTIF_VER_ERR, IDLE, DR, 0, 0, T_RESTART, NOTIF_RECEIVED),
	ROW(ACTIVE, NOTIF, IDLE, DR, 0, 0, T_RESTART, NOTIF_RECEIVED),
	ROW(ACTIVE, KEEPALIVE, IDLE, DR, 0, 0, T_RESTART, FSM_ERR),
	ROW(ACTIVE, UPDATE, IDLE, DR, 0, 0, T_RESTART, FSM_ERR),
	ROW(ACTIVE, UPDATE_ERR, IDLE, DR, 0, 0, T_RESTART, FSM_ERR),
	ROWX(PASSIVE, ACTIVE, CONNECT_RETRY_EXPIRED, ACTIVE, 0, 0, 0,
	   TM(ST, LV, LV, LV), NONE),
	ROWX(PASSIVE, ACTIVE, TCP_CONFIRMED, OPENSENT, SO, 0, 0, T_OPENSENT,
	   NONE),

	/* OpenSent: our OPEN is out, so errors are announced. */
	ROW(OPENSENT, MANUAL_START, OPENSENT, 0, 0, 0, T_NONE, NONE),
	ROW(OPENSENT, MANUAL_STOP, IDLE, NT | DR, BGP_ERR_CEASE,
	  BGP_CEASE_ADMIN_SHUTDOWN, T_STOPALL, MANUAL_STOP),
	ROW(OPENSENT, AUTO_START, OPENSENT, 0, 0, 0, T_NONE, NONE),
	ROW(OPENSENT, AUTO_START_PASSIVE, OPENSENT, 0, 0, 0, T_NONE, NONE),
	ROW(OPENSENT, CONNECT_RETRY_EXPIRED, IDLE, NT | DR, BGP_ERR_FSM,
	  BGP_ERR_FSM_UNSPEC, T_RESTART, FSM_ERR),
	ROW(OPENSENT, HOLD_EXPIRED, IDLE, NT | DR, BGP_ERR_HOLD, 0, T_RESTART,
	  HOLD_EXPIRED),
	ROW(OPENSENT, KEEPALIVE_EXPIRED, IDLE, NT | DR, BGP_ERR_FSM,
	  BGP_ERR_FSM_UNSPEC, T_RESTART, FSM_ERR),
	ROW(OPENSENT, IDLE_HOLD_EXPIRED, IDLE, NT | DR, BGP_ERR_FSM,
	  BGP_ERR_FSM_UNSPEC, T_RESTART, FSM_ERR),
	ROW(OPENSENT, TCP_CR_ACKED, OPENSENT, 0, 0, 0, T_NONE, NONE),
	ROW(OPENSENT, TCP_CONFIRMED, OPENSENT, 0, 0, 0, T_NONE, NONE),
	ROW(OPENSENT, TCP_FAILS, ACTIVE, DR, 0, 0, TM(AR(RETRY_MS), ST, ST, LV),
	  TCP_FAILED),
	ROW(OPENSENT, OPEN, OPENCONFIRM, SK | OR, 0, 0,
	  TM(ST, AR(3000), AR(1000), LV), NONE),
	ROW(OPENSENT, HEADER_ERR, IDLE, NT | DR, HDR_CODE, HDR_SUB, T_RESTART,
	  HEADER_ERR),
	ROW(OPENSENT, OPEN_ERR, IDLE, NT | DR, OPN_CODE, OPN_SUB, T_RESTART,
	  OPEN_ERR),
	ROW(OPENSENT, OPEN_COLLISION_DUMP, IDLE, NT | DR, BGP_ERR_CEASE,
	  BGP_CEASE_COLLISION, T_STOPALL, COLLISION),
	ROW(OPENSENT, NOTIF_VER_ERR, IDLE, DR, 0, 0, T_RESTART, NOTIF_RECEIVED),
	ROW(OPENSENT, NOTIF, IDLE, DR, 0, 0, T_RESTART, NOTIF_RECEIVED),
	ROW(OPENSENT, KEEPALIVE, IDLE, NT | DR, BGP_ERR_FSM,
	  BGP_ERR_FSM_OPENSENT, T_RESTART, FSM_ERR),
	ROW(OPENSENT, UPDATE, IDLE, NT | DR, BGP_ERR_FSM, BGP_ERR_FSM_OPENSENT,
	  T_RESTART, FSM_ERR),
	ROW(OPENSENT, UPDATE_ERR, IDLE, NT | DR, BGP_ERR_FSM,
	  BGP_ERR_FSM_OPENSENT, T_RESTART, FSM_ERR),
	ROWX(BAD_OPEN, OPENSENT, OPEN, IDLE, NT | DR, BGP_ERR_OPEN,
	   BGP_ERR_OPEN_VERSION, T_RESTART, OPEN_ERR),
	ROWX(HOLD0, OPENSENT, OPEN, OPENCONFIRM, SK | OR, 0, 0,
	   TM(ST, ST, ST, LV), NONE),
	ROWX(PASSIVE, OPENSENT, TCP_FAILS, ACTIVE, DR, 0, 0, TM(ST, ST, ST, LV),
	   TCP_FAILED),

	/* OpenConfirm. */
	ROW(OPENCONFIRM, MANUAL_START, OPENCONFIRM, 0, 0, 0, T_NONE, NONE),
	ROW(OPENCONFIRM, MANUAL_STOP, IDLE, NT | DR, BGP_ERR_CEASE,
	  BGP_CEASE_ADMIN_SHUTDOWN, T_STOPALL, MANUAL_STOP),
	ROW(OPENCONFIRM, AUTO_START, OPENCONFIRM, 0, 0, 0, T_NONE, NONE),
	ROW(OPENCONFIRM, AUTO_START_PASSIVE, OPENCONFIRM, 0, 0, 0, T_NONE,
	  NONE),
	ROW(OPENCONFIRM, CONNECT_RETRY_EXPIRED, IDLE, NT | DR, BGP_ERR_FSM,
	  BGP_ERR_FSM_UNSPEC, T_RESTART, FSM_ERR),
	ROW(OPENCONFIRM, HOLD_EXPIRED, IDLE, NT | DR, BGP_ERR_HOLD, 0,
	  T_RESTART, HOLD_EXPIRED),
	ROW(OPENCONFIRM, KEEPALIVE_EXPIRED, OPENCONFIRM, SK, 0, 0, T_KA, NONE),
	ROW(OPENCONFIRM, IDLE_HOLD_EXPIRED, IDLE, NT | DR, BGP_ERR_FSM,
	  BGP_ERR_FSM_UNSPEC, T_RESTART, FSM_ERR),
	ROW(OPENCONFIRM, TCP_CR_ACKED, OPENCONFIRM, 0, 0, 0, T_NONE, NONE),
	ROW(OPENCONFIRM, TCP_CONFIRMED, OPENCONFIRM, 0, 0, 0, T_NONE, NONE),
	ROW(OPENCONFIRM, TCP_FAILS, IDLE, DR, 0, 0, T_RESTART, TCP_FAILED),
	ROW(OPENCONFIRM, OPEN, IDLE, NT | DR, BGP_ERR_FSM,
	  BGP_ERR_FSM_OPENCONFIRM, T_RESTART, FSM_ERR),
	ROW(OPENCONFIRM, HEADER_ERR, IDLE, NT | DR, HDR_CODE, HDR_SUB,
	  T_RESTART, HEADER_ERR),
	ROW(OPENCONFIRM, OPEN_ERR, IDLE, NT | DR, OPN_CODE, OPN_SUB, T_RESTART,
	  OPEN_ERR),
	ROW(OPENCONFIRM, OPEN_COLLISION_DUMP, IDLE, NT | DR, BGP_ERR_CEASE,
	  BGP_CEASE_COLLISION, T_STOPALL, COLLISION),
	ROW(OPENCONFIRM, NOTIF_VER_ERR, IDLE, DR, 0, 0, T_RESTART,
	  NOTIF_RECEIVED),
	ROW(OPENCONFIRM, NOTIF, IDLE, DR, 0, 0, T_RESTART, NOTIF_RECEIVED),
	ROW(OPENCONFIRM, KEEPALIVE, ESTABLISHED, ES, 0, 0, T_HOLD, NONE),
	ROW(OPENCONFIRM, UPDATE, IDLE, NT | DR, BGP_ERR_FSM,
	  BGP_ERR_FSM_OPENCONFIRM, T_RESTART, FSM_ERR),
	ROW(OPENCONFIRM, UPDATE_ERR, IDLE, NT | DR, BGP_ERR_FSM,
	  BGP_ERR_FSM_OPENCONFIRM, T_RESTART, FSM_ERR),
	ROWX(HOLD0, OPENCONFIRM, KEEPALIVE_EXPIRED, OPENCONFIRM, SK, 0, 0,
	   T_NONE, NONE),
	ROWX(HOLD0, OPENCONFIRM, KEEPALIVE, ESTABLISHED, ES, 0, 0, T_NONE,
	     NONE),

	/* Established: every way out flushes the peer's routes. */
	ROW(ESTABLISHED, MANUAL_START, ESTABLISHED, 0, 0, 0, T_NONE, NONE),
	ROW(ESTABLISHED, MANUAL_STOP, IDLE, NT | DR | DN, BGP_ERR_CEASE,
	  BGP_CEASE_ADMIN_SHUTDOWN, T_STOPALL, MANUAL_STOP),
	ROW(ESTABLISHED, AUTO_START, ESTABLISHED, 0, 0, 0, T_NONE, NONE),
	ROW(ESTABLISHED, AUTO_START_PASSIVE, ESTABLISHED, 0, 0, 0, T_NONE,
	  NONE),
	ROW(ESTABLISHED, CONNECT_RETRY_EXPIRED, IDLE, NT | DR | DN, BGP_ERR_FSM,
	  BGP_ERR_FSM_UNSPEC, T_RESTART, FSM_ERR),
	ROW(ESTABLISHED, HOLD_EXPIRED, IDLE, NT | DR | DN, BGP_ERR_HOLD, 0,
	  T_RESTART, HOLD_EXPIRED),
	ROW(ESTABLISHED, KEEPALIVE_EXPIRED, ESTABLISHED, SK, 0, 0, T_KA, NONE),
	ROW(ESTABLISHED, IDLE_HOLD_EXPIRED, IDLE, NT | DR | DN, BGP_ERR_FSM,
	  BGP_ERR_FSM_UNSPEC, T_RESTART, FSM_ERR),
	ROW(ESTABLISHED, TCP_CR_ACKED, ESTABLISHED, 0, 0, 0, T_NONE, NONE),
	ROW(ESTABLISHED, TCP_CONFIRMED, ESTABLISHED, 0, 0, 0, T_NONE, NONE),
	ROW(ESTABLISHED, TCP_FAILS, IDLE, DR | DN, 0, 0, T_RESTART, TCP_FAILED),
	ROW(ESTABLISHED, OPEN, IDLE, NT | DR | DN, BGP_ERR_FSM,
	  BGP_ERR_FSM_ESTABLISHED, T_RESTART, FSM_ERR),
	ROW(ESTABLISHED, HEADER_ERR, IDLE, NT | DR | DN, HDR_CODE, HDR_SUB,
	  T_RESTART, HEADER_ERR),
	ROW(ESTABLISHED, OPEN_ERR, IDLE, NT | DR | DN, BGP_ERR_FSM,
	  BGP_ERR_FSM_ESTABLISHED, T_RESTART, FSM_ERR),
	ROW(ESTABLISHED, OPEN_COLLISION_DUMP, IDLE, NT | DR | DN, BGP_ERR_CEASE,
	  BGP_CEASE_COLLISION, T_STOPALL, COLLISION),
	ROW(ESTABLISHED, NOTIF_VER_ERR, IDLE, DR | DN, 0, 0, T_RESTART,
	  NOTIF_RECEIVED),
	ROW(ESTABLISHED, NOTIF, IDLE, DR | DN, 0, 0, T_RESTART, NOTIF_RECEIVED),
	ROW(ESTABLISHED, KEEPALIVE, ESTABLISHED, 0, 0, 0, T_HOLD, NONE),
	ROW(ESTABLISHED, UPDATE, ESTABLISHED, PU, 0, 0, T_HOLD, NONE),
	ROW(ESTABLISHED, UPDATE_ERR, IDLE, NT | DR | DN, UPD_CODE, UPD_SUB,
	  T_RESTART, UPDATE_ERR),
	ROWX(HOLD0, ESTABLISHED, KEEPALIVE_EXPIRED, ESTABLISHED, SK, 0, 0,
	   T_NONE, NONE),
	ROWX(HOLD0, ESTABLISHED, KEEPALIVE, ESTABLISHED, 0, 0, 0, T_NONE, NONE),
	ROWX(HOLD0, ESTABLISHED, UPDATE, ESTABLISHED, PU, 0, 0, T_NONE, NONE),
};

/* Bring a fresh FSM to the row's state the way a real session would. */
static void reach(struct bgp_fsm *f, const struct row *r)
{
	struct bgp_fsm_config cfg = config();
	struct bgp_open o = peer_open(PEER_HOLD);
	struct bgp_fsm_out out;

	if (r->setup == SETUP_PASSIVE)
		cfg.passive = true;
	if (r->setup == SETUP_NO_AUTO)
		cfg.allow_automatic_start = false;
	if (r->setup == SETUP_HOLD0)
		cfg.hold_time = 0;
	fsm_new(f, &cfg);

	if (r->from == BGP_STATE_IDLE) {
		if (r->setup == SETUP_STOPPED) {
			step(f, BGP_EV_MANUAL_START, &out);
			step(f, BGP_EV_MANUAL_STOP, &out);
		}
		return;
	}
	if (r->from == BGP_STATE_ACTIVE && !cfg.passive) {
		step(f, BGP_EV_AUTO_START_PASSIVE, &out);
		cr_assert_eq(f->state, BGP_STATE_ACTIVE);
		return;
	}
	step(f, BGP_EV_MANUAL_START, &out);
	if (r->from == f->state)
		return;
	step(f, cfg.passive ? BGP_EV_TCP_CONFIRMED : BGP_EV_TCP_CR_ACKED, &out);
	if (r->from == BGP_STATE_OPENSENT)
		return;
	step_open(f, &o, &out);
	if (r->from == BGP_STATE_OPENCONFIRM)
		return;
	step(f, BGP_EV_KEEPALIVE, &out);
	cr_assert_eq(f->state, BGP_STATE_ESTABLISHED);
}

ParameterizedTestParameters(bgp_fsm, transition)
{
	return cr_make_param_array(struct row, rows,
				   sizeof(rows) / sizeof(rows[0]));
}

ParameterizedTest(struct row *r, bgp_fsm, transition)
{
	struct bgp_fsm f;
	struct bgp_fsm_out out;
	struct bgp_open o = peer_open(PEER_HOLD);
	struct bgp_error e = { 0 };
	struct bgp_fsm_event ev = { .type = r->ev };
	const char *s = bgp_state_name(r->from);
	const char *en = bgp_event_name(r->ev);

	reach(&f, r);
	cr_assert_eq(f.state, r->from, "%s/%s: reached %s", s, en,
		     bgp_state_name(f.state));

	if (r->setup == SETUP_BAD_OPEN)
		o.version = 3;
	ev.open = &o;
	switch (r->ev) {
	case BGP_EV_HEADER_ERR:
		e.code = HDR_CODE;
		e.subcode = HDR_SUB;
		break;
	case BGP_EV_OPEN_ERR:
		e.code = OPN_CODE;
		e.subcode = OPN_SUB;
		break;
	case BGP_EV_UPDATE_ERR:
		e.code = UPD_CODE;
		e.subcode = UPD_SUB;
		break;
	case BGP_EV_NOTIF:
		ev.code = BGP_ERR_CEASE;
		ev.subcode = BGP_CEASE_ADMIN_RESET;
		break;
	case BGP_EV_NOTIF_VER_ERR:
		ev.code = BGP_ERR_OPEN;
		ev.subcode = BGP_ERR_OPEN_VERSION;
		break;
	default:
		break;
	}
	ev.err = &e;

	cr_assert_eq(bgp_fsm_step(&f, &ev, &out), 0);
	cr_assert_eq(out.prev, r->from, "%s/%s: prev", s, en);
	cr_assert_eq(out.state, r->to, "%s/%s: to %s, want %s", s, en,
		     bgp_state_name(out.state), bgp_state_name(r->to));
	cr_assert_eq(f.state, r->to, "%s/%s: fsm state", s, en);
	cr_assert_eq(out.actions, r->actions, "%s/%s: actions %#x, want %#x",
		     s, en, out.actions, r->actions);
	if (r->actions & BGP_FSM_SEND_NOTIFICATION) {
		cr_assert_eq(out.notify.code, r->code,
			     "%s/%s: code %u, want %u", s, en,
			     out.notify.code, r->code);
		cr_assert_eq(out.notify.subcode, r->subcode,
			     "%s/%s: subcode %u, want %u", s, en,
			     out.notify.subcode, r->subcode);
	}
	for (int t = 0; t < BGP_TIMER_COUNT; t++) {
		cr_assert_eq(out.timer[t].op, r->t[t].op,
			     "%s/%s: timer %d op %d, want %d", s, en, t,
			     out.timer[t].op, r->t[t].op);
		cr_assert_eq(out.timer[t].ms, r->t[t].ms,
			     "%s/%s: timer %d %u ms, want %u", s, en, t,
			     out.timer[t].ms, r->t[t].ms);
	}
	cr_assert_eq(out.reason, r->reason, "%s/%s: reason %s, want %s", s,
		     en, bgp_fsm_reason_name(out.reason),
		     bgp_fsm_reason_name(r->reason));
}

/* Every state meets every event the FSM models, at least once. */
Test(bgp_fsm, table_covers_every_state_and_event)
{
	static const enum bgp_event evs[] = {
		BGP_EV_MANUAL_START, BGP_EV_MANUAL_STOP, BGP_EV_AUTO_START,
		BGP_EV_AUTO_START_PASSIVE, BGP_EV_CONNECT_RETRY_EXPIRED,
		BGP_EV_HOLD_EXPIRED, BGP_EV_KEEPALIVE_EXPIRED,
		BGP_EV_IDLE_HOLD_EXPIRED, BGP_EV_TCP_CR_ACKED,
		BGP_EV_TCP_CONFIRMED, BGP_EV_TCP_FAILS, BGP_EV_OPEN,
		BGP_EV_HEADER_ERR, BGP_EV_OPEN_ERR,
		BGP_EV_OPEN_COLLISION_DUMP, BGP_EV_NOTIF_VER_ERR, BGP_EV_NOTIF,
		BGP_EV_KEEPALIVE, BGP_EV_UPDATE, BGP_EV_UPDATE_ERR,
	};

	for (int s = BGP_STATE_IDLE; s <= BGP_STATE_ESTABLISHED; s++) {
		for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++) {
			bool found = false;

			for (size_t j = 0; j < sizeof(rows) / sizeof(rows[0]);
			     j++)
				if (rows[j].from == (enum bgp_state)s &&
				    rows[j].ev == evs[i] &&
				    rows[j].setup == SETUP_DEFAULT)
					found = true;
			cr_assert(found, "no row for %s/%s",
				  bgp_state_name(s), bgp_event_name(evs[i]));
		}
	}
}

/* ------------------------------------------------------------------ */
/* Sequences                                                          */
/* ------------------------------------------------------------------ */

Test(bgp_fsm, happy_path_active_side)
{
	struct bgp_fsm_config cfg = config();
	struct bgp_open o = peer_open(PEER_HOLD);
	struct bgp_fsm f;
	struct bgp_fsm_out out;

	fsm_new(&f, &cfg);
	step(&f, BGP_EV_MANUAL_START, &out);
	cr_assert_eq(out.state, BGP_STATE_CONNECT);
	cr_assert_eq(out.actions, BGP_FSM_CONNECT);
	assert_timer(&out, BGP_TIMER_CONNECT_RETRY, BGP_TIMER_ARM, RETRY_MS);

	step(&f, BGP_EV_TCP_CR_ACKED, &out);
	cr_assert_eq(out.state, BGP_STATE_OPENSENT);
	cr_assert_eq(out.actions, BGP_FSM_SEND_OPEN);
	cr_assert_not(f.inbound);
	assert_timer(&out, BGP_TIMER_CONNECT_RETRY, BGP_TIMER_STOP, 0);
	assert_timer(&out, BGP_TIMER_HOLD, BGP_TIMER_ARM, 240000);

	step_open(&f, &o, &out);
	cr_assert_eq(out.prev, BGP_STATE_OPENSENT);
	cr_assert_eq(out.state, BGP_STATE_OPENCONFIRM);
	cr_assert_eq(out.actions,
		     BGP_FSM_SEND_KEEPALIVE | BGP_FSM_OPEN_RECEIVED);
	cr_assert_eq(f.peer_as, PEER_AS);
	cr_assert_eq(f.peer_id, PEER_ID);
	cr_assert(f.peer_as4);
	cr_assert(f.peer.cap_route_refresh);
	cr_assert_eq(f.hold_time, 3);
	cr_assert_eq(f.hold_ms, 3000);
	cr_assert_eq(f.keepalive_ms, 1000);
	assert_timer(&out, BGP_TIMER_HOLD, BGP_TIMER_ARM, 3000);
	assert_timer(&out, BGP_TIMER_KEEPALIVE, BGP_TIMER_ARM, 1000);

	step(&f, BGP_EV_KEEPALIVE, &out);
	cr_assert_eq(out.state, BGP_STATE_ESTABLISHED);
	cr_assert_eq(out.actions, BGP_FSM_ESTABLISHED);
	assert_timer(&out, BGP_TIMER_HOLD, BGP_TIMER_ARM, 3000);

	step(&f, BGP_EV_UPDATE, &out);
	cr_assert_eq(out.actions, BGP_FSM_PROCESS_UPDATE);
	assert_timer(&out, BGP_TIMER_HOLD, BGP_TIMER_ARM, 3000);
	{
		/* The decoded UPDATE goes in with the event and comes out
		 * with the action that processes it. */
		struct bgp_update u = { .nlri_len = 4 };
		struct bgp_fsm_event ev = { .type = BGP_EV_UPDATE, .update = &u };

		cr_assert_eq(bgp_fsm_step(&f, &ev, &out), 0);
		cr_assert_eq(out.actions, BGP_FSM_PROCESS_UPDATE);
		cr_assert_eq(out.update, &u);
		step(&f, BGP_EV_KEEPALIVE, &out);
		cr_assert_null(out.update, "no UPDATE with a KEEPALIVE");
	}
	step(&f, BGP_EV_KEEPALIVE_EXPIRED, &out);
	cr_assert_eq(out.actions, BGP_FSM_SEND_KEEPALIVE);
	assert_timer(&out, BGP_TIMER_KEEPALIVE, BGP_TIMER_ARM, 1000);
	cr_assert_eq(f.state, BGP_STATE_ESTABLISHED);
}

Test(bgp_fsm, happy_path_passive_side)
{
	struct bgp_fsm_config cfg = config();
	struct bgp_open o = peer_open(PEER_HOLD);
	struct bgp_fsm f;
	struct bgp_fsm_out out;

	cfg.passive = true;
	cfg.connect_retry_ms = 0;	/* never armed, so not needed */
	fsm_new(&f, &cfg);
	step(&f, BGP_EV_MANUAL_START, &out);
	cr_assert_eq(out.state, BGP_STATE_ACTIVE);
	cr_assert_eq(out.actions, 0, "a passive peer never connects");
	assert_timer(&out, BGP_TIMER_CONNECT_RETRY, BGP_TIMER_STOP, 0);

	step(&f, BGP_EV_TCP_CONFIRMED, &out);
	cr_assert_eq(out.state, BGP_STATE_OPENSENT);
	cr_assert_eq(out.actions, BGP_FSM_SEND_OPEN);
	cr_assert(f.inbound);

	step_open(&f, &o, &out);
	cr_assert_eq(out.state, BGP_STATE_OPENCONFIRM);
	cr_assert_eq(out.actions,
		     BGP_FSM_SEND_KEEPALIVE | BGP_FSM_OPEN_RECEIVED);

	step(&f, BGP_EV_KEEPALIVE, &out);
	cr_assert_eq(out.state, BGP_STATE_ESTABLISHED);
	cr_assert_eq(out.actions, BGP_FSM_ESTABLISHED);
}

Test(bgp_fsm, hold_timer_expiry_in_established)
{
	struct bgp_fsm_config cfg = config();
	struct bgp_fsm f;
	struct bgp_fsm_out out;

	establish(&f, &cfg, PEER_HOLD);
	step(&f, BGP_EV_HOLD_EXPIRED, &out);
	cr_assert_eq(out.prev, BGP_STATE_ESTABLISHED);
	cr_assert_eq(out.state, BGP_STATE_IDLE);
	cr_assert_eq(out.actions, BGP_FSM_SEND_NOTIFICATION | BGP_FSM_DROP |
				  BGP_FSM_DOWN);
	cr_assert_eq(out.notify.code, BGP_ERR_HOLD);
	cr_assert_eq(out.notify.subcode, 0);
	cr_assert_eq(out.notify.len, 0);
	cr_assert_eq(out.reason, BGP_FSM_REASON_HOLD_EXPIRED);
	assert_timer(&out, BGP_TIMER_HOLD, BGP_TIMER_STOP, 0);
	assert_timer(&out, BGP_TIMER_KEEPALIVE, BGP_TIMER_STOP, 0);
	assert_timer(&out, BGP_TIMER_IDLE_HOLD, BGP_TIMER_ARM, IDLE_HOLD_MS);
	cr_assert_eq(f.last_reason, BGP_FSM_REASON_HOLD_EXPIRED);
	cr_assert_eq(f.last_code, BGP_ERR_HOLD);
	cr_assert(f.last_sent);
	/* The peer is still known for the glue's log line. */
	cr_assert_eq(f.peer_id, PEER_ID);
}

Test(bgp_fsm, peer_notification_is_not_answered)
{
	struct bgp_fsm_config cfg = config();
	struct bgp_fsm f;
	struct bgp_fsm_out out;

	establish(&f, &cfg, PEER_HOLD);
	step_notif(&f, BGP_EV_NOTIF, BGP_ERR_CEASE, BGP_CEASE_ADMIN_SHUTDOWN,
		   &out);
	cr_assert_eq(out.state, BGP_STATE_IDLE);
	cr_assert_eq(out.actions, BGP_FSM_DROP | BGP_FSM_DOWN);
	cr_assert_eq(out.reason, BGP_FSM_REASON_NOTIF_RECEIVED);
	assert_timer(&out, BGP_TIMER_IDLE_HOLD, BGP_TIMER_ARM, IDLE_HOLD_MS);
	cr_assert_eq(f.last_code, BGP_ERR_CEASE);
	cr_assert_eq(f.last_subcode, BGP_CEASE_ADMIN_SHUTDOWN);
	cr_assert_not(f.last_sent);
}

Test(bgp_fsm, peer_notification_in_opensent_is_not_answered)
{
	struct bgp_fsm_config cfg = config();
	struct bgp_fsm f;
	struct bgp_fsm_out out;

	fsm_new(&f, &cfg);
	step(&f, BGP_EV_MANUAL_START, &out);
	step(&f, BGP_EV_TCP_CR_ACKED, &out);
	step_notif(&f, BGP_EV_NOTIF, BGP_ERR_OPEN, BGP_ERR_OPEN_PEER_AS, &out);
	cr_assert_eq(out.state, BGP_STATE_IDLE);
	cr_assert_eq(out.actions, BGP_FSM_DROP);
	cr_assert_eq(f.last_code, BGP_ERR_OPEN);
	cr_assert_eq(f.last_subcode, BGP_ERR_OPEN_PEER_AS);
}

/* ManualStop from each state, then proof that nothing restarts it
 * but ManualStart. */
struct stop_case {
	enum bgp_state from;
	unsigned actions;
};

ParameterizedTestParameters(bgp_fsm, manual_stop)
{
	static struct stop_case cases[] = {
		{ BGP_STATE_IDLE, 0 },
		{ BGP_STATE_CONNECT, BGP_FSM_DROP },
		{ BGP_STATE_ACTIVE, BGP_FSM_DROP },
		{ BGP_STATE_OPENSENT,
		  BGP_FSM_SEND_NOTIFICATION | BGP_FSM_DROP },
		{ BGP_STATE_OPENCONFIRM,
		  BGP_FSM_SEND_NOTIFICATION | BGP_FSM_DROP },
		{ BGP_STATE_ESTABLISHED, BGP_FSM_SEND_NOTIFICATION |
		  BGP_FSM_DROP | BGP_FSM_DOWN },
	};

	return cr_make_param_array(struct stop_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct stop_case *c, bgp_fsm, manual_stop)
{
	struct row r = { .from = c->from, .setup = SETUP_DEFAULT };
	struct bgp_fsm f;
	struct bgp_fsm_out out;

	reach(&f, &r);
	step(&f, BGP_EV_MANUAL_STOP, &out);
	cr_assert_eq(out.state, BGP_STATE_IDLE);
	cr_assert_eq(out.actions, c->actions);
	if (c->actions & BGP_FSM_SEND_NOTIFICATION) {
		cr_assert_eq(out.notify.code, BGP_ERR_CEASE);
		cr_assert_eq(out.notify.subcode, BGP_CEASE_ADMIN_SHUTDOWN);
	}
	assert_timer(&out, BGP_TIMER_IDLE_HOLD, BGP_TIMER_STOP, 0);
	cr_assert(f.admin_down);

	step(&f, BGP_EV_IDLE_HOLD_EXPIRED, &out);
	cr_assert_eq(out.state, BGP_STATE_IDLE);
	cr_assert_eq(out.actions, 0);
	step(&f, BGP_EV_AUTO_START, &out);
	cr_assert_eq(out.state, BGP_STATE_IDLE);
	step(&f, BGP_EV_TCP_CONFIRMED, &out);
	cr_assert_eq(out.state, BGP_STATE_IDLE);
	cr_assert_eq(out.actions, BGP_FSM_DROP, "inbound refused");

	step(&f, BGP_EV_MANUAL_START, &out);
	cr_assert_eq(out.state, BGP_STATE_CONNECT);
	cr_assert_not(f.admin_down);
}

Test(bgp_fsm, automatic_restart_after_error)
{
	struct bgp_fsm_config cfg = config();
	struct bgp_open o = peer_open(PEER_HOLD);
	struct bgp_fsm f;
	struct bgp_fsm_out out;

	establish(&f, &cfg, PEER_HOLD);
	step(&f, BGP_EV_TCP_FAILS, &out);
	cr_assert_eq(out.state, BGP_STATE_IDLE);
	assert_timer(&out, BGP_TIMER_IDLE_HOLD, BGP_TIMER_ARM, IDLE_HOLD_MS);

	/* Events other than the restart leave Idle alone meanwhile. */
	step(&f, BGP_EV_CONNECT_RETRY_EXPIRED, &out);
	cr_assert_eq(out.state, BGP_STATE_IDLE);
	cr_assert_eq(out.actions, 0);

	step(&f, BGP_EV_IDLE_HOLD_EXPIRED, &out);
	cr_assert_eq(out.state, BGP_STATE_CONNECT);
	cr_assert_eq(out.actions, BGP_FSM_CONNECT);
	assert_timer(&out, BGP_TIMER_CONNECT_RETRY, BGP_TIMER_ARM, RETRY_MS);
	assert_timer(&out, BGP_TIMER_IDLE_HOLD, BGP_TIMER_STOP, 0);
	/* The old session's OPEN is forgotten once a new attempt starts. */
	cr_assert_eq(f.peer_id, 0);
	cr_assert_eq(f.hold_ms, 0);

	step(&f, BGP_EV_TCP_CR_ACKED, &out);
	step_open(&f, &o, &out);
	step(&f, BGP_EV_KEEPALIVE, &out);
	cr_assert_eq(out.state, BGP_STATE_ESTABLISHED);
	cr_assert_eq(out.actions, BGP_FSM_ESTABLISHED);
}

Test(bgp_fsm, manual_stop_cancels_pending_restart)
{
	struct bgp_fsm_config cfg = config();
	struct bgp_fsm f;
	struct bgp_fsm_out out;

	establish(&f, &cfg, PEER_HOLD);
	step(&f, BGP_EV_HOLD_EXPIRED, &out);
	assert_timer(&out, BGP_TIMER_IDLE_HOLD, BGP_TIMER_ARM, IDLE_HOLD_MS);
	step(&f, BGP_EV_MANUAL_STOP, &out);
	cr_assert_eq(out.state, BGP_STATE_IDLE);
	cr_assert_eq(out.actions, 0);
	assert_timer(&out, BGP_TIMER_IDLE_HOLD, BGP_TIMER_STOP, 0);
	step(&f, BGP_EV_IDLE_HOLD_EXPIRED, &out);
	cr_assert_eq(out.state, BGP_STATE_IDLE);
}

Test(bgp_fsm, no_automatic_restart_when_not_allowed)
{
	struct bgp_fsm_config cfg = config();
	struct bgp_fsm f;
	struct bgp_fsm_out out;

	cfg.allow_automatic_start = false;
	cfg.idle_hold_ms = 0;
	establish(&f, &cfg, PEER_HOLD);
	step(&f, BGP_EV_HOLD_EXPIRED, &out);
	cr_assert_eq(out.state, BGP_STATE_IDLE);
	assert_timer(&out, BGP_TIMER_IDLE_HOLD, BGP_TIMER_STOP, 0);
}

Test(bgp_fsm, inbound_connection_while_idle)
{
	struct bgp_fsm_config cfg = config();
	struct bgp_open o = peer_open(PEER_HOLD);
	struct bgp_fsm f;
	struct bgp_fsm_out out;

	/* The peer crashed, came back and connects to us before our
	 * IdleHoldTimer runs out. */
	establish(&f, &cfg, PEER_HOLD);
	step(&f, BGP_EV_TCP_FAILS, &out);
	cr_assert_eq(f.state, BGP_STATE_IDLE);

	step(&f, BGP_EV_TCP_CONFIRMED, &out);
	cr_assert_eq(out.prev, BGP_STATE_IDLE);
	cr_assert_eq(out.state, BGP_STATE_OPENSENT);
	cr_assert_eq(out.actions, BGP_FSM_SEND_OPEN);
	cr_assert(f.inbound);
	assert_timer(&out, BGP_TIMER_IDLE_HOLD, BGP_TIMER_STOP, 0);
	assert_timer(&out, BGP_TIMER_CONNECT_RETRY, BGP_TIMER_STOP, 0);
	assert_timer(&out, BGP_TIMER_HOLD, BGP_TIMER_ARM,
		     BGP_FSM_OPENSENT_HOLD_MS);

	step_open(&f, &o, &out);
	step(&f, BGP_EV_KEEPALIVE, &out);
	cr_assert_eq(f.state, BGP_STATE_ESTABLISHED);
}

Test(bgp_fsm, update_before_established)
{
	struct bgp_fsm_config cfg = config();
	struct bgp_open o = peer_open(PEER_HOLD);
	struct bgp_fsm f;
	struct bgp_fsm_out out;

	fsm_new(&f, &cfg);
	step(&f, BGP_EV_MANUAL_START, &out);
	step(&f, BGP_EV_TCP_CR_ACKED, &out);
	step(&f, BGP_EV_UPDATE, &out);
	cr_assert_eq(out.state, BGP_STATE_IDLE);
	cr_assert_eq(out.actions, BGP_FSM_SEND_NOTIFICATION | BGP_FSM_DROP);
	cr_assert_eq(out.notify.code, BGP_ERR_FSM);
	cr_assert_eq(out.notify.subcode, BGP_ERR_FSM_OPENSENT);
	cr_assert_not_null(out.notify.reason);

	fsm_new(&f, &cfg);
	step(&f, BGP_EV_MANUAL_START, &out);
	step(&f, BGP_EV_TCP_CR_ACKED, &out);
	step_open(&f, &o, &out);
	step(&f, BGP_EV_UPDATE, &out);
	cr_assert_eq(out.state, BGP_STATE_IDLE);
	cr_assert_eq(out.notify.code, BGP_ERR_FSM);
	cr_assert_eq(out.notify.subcode, BGP_ERR_FSM_OPENCONFIRM);
	cr_assert_eq(out.reason, BGP_FSM_REASON_FSM_ERR);
}

Test(bgp_fsm, received_error_is_sent_with_its_data)
{
	struct bgp_fsm_config cfg = config();
	struct bgp_fsm f;
	struct bgp_fsm_out out;
	static const uint8_t msg[] = { 0x40, 0x01, 0x01, 0x07 };
	struct bgp_error own = {
		.code = BGP_ERR_HEADER, .subcode = BGP_ERR_HDR_LENGTH,
		.len = 2, .store = { 0x10, 0x01 },
	};
	struct bgp_error ext = {
		.code = BGP_ERR_UPDATE, .subcode = BGP_ERR_UPD_ORIGIN,
		.len = sizeof(msg), .data = msg,
	};

	/* Data held in the error's own store moves with the copy. */
	own.data = own.store;
	establish(&f, &cfg, PEER_HOLD);
	step_err(&f, BGP_EV_HEADER_ERR, &own, &out);
	cr_assert_eq(out.notify.code, BGP_ERR_HEADER);
	cr_assert_eq(out.notify.subcode, BGP_ERR_HDR_LENGTH);
	cr_assert_eq(out.notify.len, 2);
	cr_assert_eq(out.notify.data, out.notify.store);
	cr_assert_eq(out.notify.data[0], 0x10);
	cr_assert_eq(out.notify.data[1], 0x01);

	/* Data in the received message stays there. */
	establish(&f, &cfg, PEER_HOLD);
	step_err(&f, BGP_EV_UPDATE_ERR, &ext, &out);
	cr_assert_eq(out.notify.code, BGP_ERR_UPDATE);
	cr_assert_eq(out.notify.subcode, BGP_ERR_UPD_ORIGIN);
	cr_assert_eq(out.notify.data, msg);
	cr_assert_eq(out.notify.len, sizeof(msg));
}

Test(bgp_fsm, bad_open_in_opensent_sends_version_data)
{
	struct bgp_fsm_config cfg = config();
	struct bgp_open o = peer_open(PEER_HOLD);
	struct bgp_fsm f;
	struct bgp_fsm_out out;

	o.version = 5;
	fsm_new(&f, &cfg);
	step(&f, BGP_EV_MANUAL_START, &out);
	step(&f, BGP_EV_TCP_CR_ACKED, &out);
	step_open(&f, &o, &out);
	cr_assert_eq(out.state, BGP_STATE_IDLE);
	cr_assert_eq(out.actions, BGP_FSM_SEND_NOTIFICATION | BGP_FSM_DROP);
	cr_assert_eq(out.notify.code, BGP_ERR_OPEN);
	cr_assert_eq(out.notify.subcode, BGP_ERR_OPEN_VERSION);
	cr_assert_eq(out.notify.len, 2);
	cr_assert_eq(out.notify.data, out.notify.store);
	cr_assert_eq(out.notify.data[0], 0);
	cr_assert_eq(out.notify.data[1], 4);
	cr_assert_eq(out.reason, BGP_FSM_REASON_OPEN_ERR);
	cr_assert_eq(f.peer_id, 0, "a rejected OPEN is not recorded");
}

Test(bgp_fsm, tcp_failure_in_opensent_returns_to_active)
{
	struct bgp_fsm_config cfg = config();
	struct bgp_fsm f;
	struct bgp_fsm_out out;

	fsm_new(&f, &cfg);
	step(&f, BGP_EV_MANUAL_START, &out);
	step(&f, BGP_EV_TCP_CR_ACKED, &out);
	step(&f, BGP_EV_TCP_FAILS, &out);
	cr_assert_eq(out.state, BGP_STATE_ACTIVE);
	step(&f, BGP_EV_CONNECT_RETRY_EXPIRED, &out);
	cr_assert_eq(out.state, BGP_STATE_CONNECT);
	cr_assert_eq(out.actions, BGP_FSM_CONNECT);
}

Test(bgp_fsm, msg_sent_restarts_keepalive_in_established)
{
	struct bgp_fsm_config cfg = config();
	struct bgp_fsm f;
	struct bgp_fsm_out out;
	struct bgp_open o = peer_open(PEER_HOLD);

	fsm_new(&f, &cfg);
	bgp_fsm_msg_sent(&f, &out);
	cr_assert_eq(out.state, BGP_STATE_IDLE);
	assert_no_timers(&out);

	step(&f, BGP_EV_MANUAL_START, &out);
	step(&f, BGP_EV_TCP_CR_ACKED, &out);
	step_open(&f, &o, &out);
	bgp_fsm_msg_sent(&f, &out);
	assert_no_timers(&out);

	step(&f, BGP_EV_KEEPALIVE, &out);
	bgp_fsm_msg_sent(&f, &out);
	cr_assert_eq(out.actions, 0);
	cr_assert_eq(out.prev, BGP_STATE_ESTABLISHED);
	cr_assert_eq(out.state, BGP_STATE_ESTABLISHED);
	assert_timer(&out, BGP_TIMER_KEEPALIVE, BGP_TIMER_ARM, 1000);
	assert_timer(&out, BGP_TIMER_HOLD, BGP_TIMER_LEAVE, 0);

	cfg.hold_time = 0;
	establish(&f, &cfg, PEER_HOLD);
	bgp_fsm_msg_sent(&f, &out);
	assert_no_timers(&out);
}

Test(bgp_fsm, four_octet_peer)
{
	struct bgp_fsm_config cfg = config();
	struct bgp_open o = peer_open(PEER_HOLD);
	struct bgp_fsm f;
	struct bgp_fsm_out out;

	cfg.peer_as = 4200000000u;
	o.as4 = 4200000000u;
	o.my_as = BGP_AS_TRANS;
	fsm_new(&f, &cfg);
	step(&f, BGP_EV_MANUAL_START, &out);
	step(&f, BGP_EV_TCP_CR_ACKED, &out);
	step_open(&f, &o, &out);
	cr_assert_eq(out.state, BGP_STATE_OPENCONFIRM);
	cr_assert_eq(f.peer_as, 4200000000u);
	cr_assert(f.peer_as4);
}

Test(bgp_fsm, bad_input_is_rejected_without_effect)
{
	struct bgp_fsm_config cfg = config();
	struct bgp_fsm f;
	struct bgp_fsm_out out;
	static const enum bgp_event need_input[] = {
		BGP_EV_OPEN, BGP_EV_HEADER_ERR, BGP_EV_OPEN_ERR,
		BGP_EV_UPDATE_ERR,
	};
	static const int unknown[] = { 0, 4, 6, 7, 8, 12, 14, 15, 20, 29, 99 };

	fsm_new(&f, &cfg);
	step(&f, BGP_EV_MANUAL_START, &out);
	step(&f, BGP_EV_TCP_CR_ACKED, &out);
	for (size_t i = 0; i < sizeof(need_input) / sizeof(need_input[0]);
	     i++) {
		struct bgp_fsm_event ev = { .type = need_input[i] };

		cr_assert_eq(bgp_fsm_step(&f, &ev, &out), -EINVAL, "%s",
			     bgp_event_name(need_input[i]));
		cr_assert_eq(f.state, BGP_STATE_OPENSENT);
		cr_assert_eq(out.state, BGP_STATE_OPENSENT);
		cr_assert_eq(out.actions, 0);
		assert_no_timers(&out);
	}
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		struct bgp_fsm_event ev = {
			.type = (enum bgp_event)unknown[i],
		};

		cr_assert_eq(bgp_fsm_step(&f, &ev, &out), -EINVAL, "event %d",
			     unknown[i]);
		cr_assert_eq(f.state, BGP_STATE_OPENSENT);
		cr_assert_eq(out.actions, 0);
	}
}

/* ------------------------------------------------------------------ */
/* Hold time negotiation (§4.2)                                       */
/* ------------------------------------------------------------------ */

struct hold_case {
	uint16_t ours, theirs;
	bool rejected;		/* 2/6 */
	uint16_t hold;
	uint32_t hold_ms, keepalive_ms;
};

ParameterizedTestParameters(bgp_fsm, hold_negotiation)
{
	static struct hold_case cases[] = {
		{ 3, 9, false, 3, 3000, 1000 },
		{ 90, 3, false, 3, 3000, 1000 },
		{ 9, 3, false, 3, 3000, 1000 },
		{ 3, 3, false, 3, 3000, 1000 },
		{ 90, 90, false, 90, 90000, 30000 },
		{ 4, 180, false, 4, 4000, 1333 },
		{ 0, 0, false, 0, 0, 0 },
		{ 3, 0, false, 0, 0, 0 },
		{ 0, 9, false, 0, 0, 0 },
		{ 3, 1, true, 0, 0, 0 },
		{ 3, 2, true, 0, 0, 0 },
		{ 0, 1, true, 0, 0, 0 },
	};

	return cr_make_param_array(struct hold_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct hold_case *c, bgp_fsm, hold_negotiation)
{
	struct bgp_fsm_config cfg = config();
	struct bgp_open o = peer_open(c->theirs);
	struct bgp_fsm f;
	struct bgp_fsm_out out;

	cfg.hold_time = c->ours;
	fsm_new(&f, &cfg);
	step(&f, BGP_EV_MANUAL_START, &out);
	step(&f, BGP_EV_TCP_CR_ACKED, &out);
	step_open(&f, &o, &out);
	if (c->rejected) {
		cr_assert_eq(out.state, BGP_STATE_IDLE);
		cr_assert_eq(out.notify.code, BGP_ERR_OPEN);
		cr_assert_eq(out.notify.subcode, BGP_ERR_OPEN_HOLDTIME);
		return;
	}
	cr_assert_eq(out.state, BGP_STATE_OPENCONFIRM);
	cr_assert_eq(f.hold_time, c->hold, "%u/%u: hold %u, want %u",
		     c->ours, c->theirs, f.hold_time, c->hold);
	cr_assert_eq(f.hold_ms, c->hold_ms);
	cr_assert_eq(f.keepalive_ms, c->keepalive_ms);
	if (c->hold) {
		assert_timer(&out, BGP_TIMER_HOLD, BGP_TIMER_ARM, c->hold_ms);
		assert_timer(&out, BGP_TIMER_KEEPALIVE, BGP_TIMER_ARM,
			     c->keepalive_ms);
	} else {
		/* The OpenSent hold timer must not survive. */
		assert_timer(&out, BGP_TIMER_HOLD, BGP_TIMER_STOP, 0);
		assert_timer(&out, BGP_TIMER_KEEPALIVE, BGP_TIMER_STOP, 0);
	}

	step(&f, BGP_EV_KEEPALIVE, &out);
	cr_assert_eq(out.state, BGP_STATE_ESTABLISHED);
	if (c->hold)
		assert_timer(&out, BGP_TIMER_HOLD, BGP_TIMER_ARM, c->hold_ms);
	else
		assert_timer(&out, BGP_TIMER_HOLD, BGP_TIMER_LEAVE, 0);
	step(&f, BGP_EV_KEEPALIVE_EXPIRED, &out);
	cr_assert_eq(out.actions, BGP_FSM_SEND_KEEPALIVE);
	if (c->hold)
		assert_timer(&out, BGP_TIMER_KEEPALIVE, BGP_TIMER_ARM,
			     c->keepalive_ms);
	else
		assert_timer(&out, BGP_TIMER_KEEPALIVE, BGP_TIMER_LEAVE, 0);
}

/* ------------------------------------------------------------------ */
/* OPEN checks (§6.2, RFC 6286 §2.2, RFC 6793)                        */
/* ------------------------------------------------------------------ */

struct open_case {
	char what[32];
	uint8_t version;
	uint16_t my_as;
	uint32_t as4;
	bool cap_as4;
	uint16_t hold;
	uint32_t id;
	uint32_t cfg_peer_as;	/* the expected AS */
	uint8_t subcode;	/* 0: accepted */
};

ParameterizedTestParameters(bgp_fsm, check_open)
{
	static struct open_case cases[] = {
		{ "valid", 4, PEER_AS, PEER_AS, true, 9, PEER_ID, PEER_AS, 0 },
		{ "version 3", 3, PEER_AS, PEER_AS, true, 9, PEER_ID, PEER_AS,
		  BGP_ERR_OPEN_VERSION },
		{ "version 5", 5, PEER_AS, PEER_AS, true, 9, PEER_ID, PEER_AS,
		  BGP_ERR_OPEN_VERSION },
		{ "wrong AS (4-octet)", 4, 65003, 65003, true, 9, PEER_ID,
		  PEER_AS, BGP_ERR_OPEN_PEER_AS },
		{ "wrong AS (2-octet)", 4, 65003, 65003, false, 9, PEER_ID,
		  PEER_AS, BGP_ERR_OPEN_PEER_AS },
		{ "AS 0", 4, 0, 0, false, 9, PEER_ID, PEER_AS,
		  BGP_ERR_OPEN_PEER_AS },
		{ "2-octet speaker, right AS", 4, PEER_AS, 0, false, 9,
		  PEER_ID, PEER_AS, 0 },
		{ "capability wins over My AS", 4, BGP_AS_TRANS, PEER_AS, true,
		  9, PEER_ID, PEER_AS, 0 },
		{ "4-octet AS via capability", 4, BGP_AS_TRANS, 4200000000u,
		  true, 9, PEER_ID, 4200000000u, 0 },
		{ "4-octet AS, no capability", 4, BGP_AS_TRANS, BGP_AS_TRANS,
		  false, 9, PEER_ID, 4200000000u, BGP_ERR_OPEN_PEER_AS },
		{ "hold 1", 4, PEER_AS, PEER_AS, true, 1, PEER_ID, PEER_AS,
		  BGP_ERR_OPEN_HOLDTIME },
		{ "hold 2", 4, PEER_AS, PEER_AS, true, 2, PEER_ID, PEER_AS,
		  BGP_ERR_OPEN_HOLDTIME },
		{ "hold 0", 4, PEER_AS, PEER_AS, true, 0, PEER_ID, PEER_AS, 0 },
		{ "hold 3", 4, PEER_AS, PEER_AS, true, 3, PEER_ID, PEER_AS, 0 },
		{ "id 0", 4, PEER_AS, PEER_AS, true, 9, 0, PEER_AS,
		  BGP_ERR_OPEN_BGPID },
		{ "external peer with our id", 4, PEER_AS, PEER_AS, true, 9,
		  LOCAL_ID, PEER_AS, 0 },
		{ "internal peer with our id", 4, LOCAL_AS, LOCAL_AS, true, 9,
		  LOCAL_ID, LOCAL_AS, BGP_ERR_OPEN_BGPID },
		{ "internal peer, own id", 4, LOCAL_AS, LOCAL_AS, true, 9,
		  PEER_ID, LOCAL_AS, 0 },
		/* §6.2's order: version, AS, hold time, id. */
		{ "version before hold", 3, PEER_AS, PEER_AS, true, 1, 0,
		  PEER_AS, BGP_ERR_OPEN_VERSION },
		{ "AS before hold", 4, 65003, 65003, true, 1, 0, PEER_AS,
		  BGP_ERR_OPEN_PEER_AS },
		{ "hold before id", 4, PEER_AS, PEER_AS, true, 2, 0, PEER_AS,
		  BGP_ERR_OPEN_HOLDTIME },
	};

	return cr_make_param_array(struct open_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct open_case *c, bgp_fsm, check_open)
{
	struct bgp_fsm_config cfg = config();
	struct bgp_open o = {
		.version = c->version, .my_as = c->my_as, .as4 = c->as4,
		.cap_as4 = c->cap_as4, .hold_time = c->hold, .bgp_id = c->id,
	};
	struct bgp_error e;
	int rc;

	cfg.peer_as = c->cfg_peer_as;
	memset(&e, 0xa5, sizeof(e));
	rc = bgp_fsm_check_open(&cfg, &o, &e);
	if (!c->subcode) {
		cr_assert_eq(rc, 0, "%s: rejected %u/%u", c->what, e.code,
			     e.subcode);
		return;
	}
	cr_assert_eq(rc, -EBADMSG, "%s: accepted", c->what);
	cr_assert_eq(e.code, BGP_ERR_OPEN, "%s", c->what);
	cr_assert_eq(e.subcode, c->subcode, "%s: subcode %u, want %u",
		     c->what, e.subcode, c->subcode);
	cr_assert_not_null(e.reason, "%s", c->what);
	if (c->subcode == BGP_ERR_OPEN_VERSION) {
		/* §6.2: the largest version we support, 2 octets. */
		cr_assert_eq(e.len, 2);
		cr_assert_eq(e.data, e.store);
		cr_assert_eq(e.data[0], 0);
		cr_assert_eq(e.data[1], 4);
	} else {
		cr_assert_eq(e.len, 0, "%s", c->what);
	}
}

/* ------------------------------------------------------------------ */
/* Connection collisions (§6.8, RFC 6286 §2.3)                        */
/* ------------------------------------------------------------------ */

struct collision_case {
	uint32_t local_id, remote_id, local_as, remote_as;
	enum bgp_collision want;
};

ParameterizedTestParameters(bgp_fsm, collision_resolve)
{
	static struct collision_case cases[] = {
		/* Lower id: the peer's connection survives. */
		{ LOCAL_ID, PEER_ID, LOCAL_AS, PEER_AS,
		  BGP_COLLISION_CLOSE_OUTBOUND },
		/* Higher id: ours survives. */
		{ PEER_ID, LOCAL_ID, PEER_AS, LOCAL_AS,
		  BGP_COLLISION_CLOSE_INBOUND },
		/* Ids compare as unsigned host-order integers. */
		{ 0x7fffffffu, 0x80000000u, LOCAL_AS, PEER_AS,
		  BGP_COLLISION_CLOSE_OUTBOUND },
		{ 0xc0000001u, 0x0a000001u, LOCAL_AS, PEER_AS,
		  BGP_COLLISION_CLOSE_INBOUND },
		/* The AS does not matter while the ids differ. */
		{ LOCAL_ID, PEER_ID, PEER_AS, LOCAL_AS,
		  BGP_COLLISION_CLOSE_OUTBOUND },
		/* Equal ids: the larger AS's connection survives. */
		{ LOCAL_ID, LOCAL_ID, LOCAL_AS, PEER_AS,
		  BGP_COLLISION_CLOSE_OUTBOUND },
		{ LOCAL_ID, LOCAL_ID, PEER_AS, LOCAL_AS,
		  BGP_COLLISION_CLOSE_INBOUND },
		{ LOCAL_ID, LOCAL_ID, LOCAL_AS, LOCAL_AS,
		  BGP_COLLISION_CLOSE_BOTH },
	};

	return cr_make_param_array(struct collision_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct collision_case *c, bgp_fsm, collision_resolve)
{
	enum bgp_collision here, there;

	here = bgp_collision_resolve(c->local_id, c->remote_id, c->local_as,
				     c->remote_as);
	cr_assert_eq(here, c->want);
	/* The peer decides the mirror image, so exactly one connection
	 * (our outbound is its inbound) is closed. */
	there = bgp_collision_resolve(c->remote_id, c->local_id, c->remote_as,
				      c->local_as);
	if (here == BGP_COLLISION_CLOSE_OUTBOUND)
		cr_assert_eq(there, BGP_COLLISION_CLOSE_INBOUND);
	else if (here == BGP_COLLISION_CLOSE_INBOUND)
		cr_assert_eq(there, BGP_COLLISION_CLOSE_OUTBOUND);
	else
		cr_assert_eq(there, BGP_COLLISION_CLOSE_BOTH);
}

/*
 * The glue's view of a collision: our outbound connection is in
 * OpenConfirm when the peer's inbound one delivers its OPEN.
 */
static void collide(uint32_t local_id, struct bgp_fsm *out_conn,
		    struct bgp_fsm *in_conn)
{
	struct bgp_fsm_config cfg = config();
	struct bgp_open o = peer_open(PEER_HOLD);
	struct bgp_fsm_out out;

	cfg.local_id = local_id;
	fsm_new(out_conn, &cfg);
	step(out_conn, BGP_EV_MANUAL_START, &out);
	step(out_conn, BGP_EV_TCP_CR_ACKED, &out);
	step_open(out_conn, &o, &out);
	cr_assert_eq(out_conn->state, BGP_STATE_OPENCONFIRM);
	cr_assert_not(out_conn->inbound);

	fsm_new(in_conn, &cfg);
	step(in_conn, BGP_EV_TCP_CONFIRMED, &out);
	cr_assert(in_conn->inbound);
	step_open(in_conn, &o, &out);
	cr_assert(out.actions & BGP_FSM_OPEN_RECEIVED);
	cr_assert_eq(in_conn->state, BGP_STATE_OPENCONFIRM);
}

static void assert_dumped(struct bgp_fsm *f)
{
	struct bgp_fsm_out out;

	step(f, BGP_EV_OPEN_COLLISION_DUMP, &out);
	cr_assert_eq(out.state, BGP_STATE_IDLE);
	cr_assert_eq(out.actions, BGP_FSM_SEND_NOTIFICATION | BGP_FSM_DROP);
	cr_assert_eq(out.notify.code, BGP_ERR_CEASE);
	cr_assert_eq(out.notify.subcode, BGP_CEASE_COLLISION);
	cr_assert_eq(out.reason, BGP_FSM_REASON_COLLISION);
	/* The session lives on in the other connection. */
	assert_timer(&out, BGP_TIMER_IDLE_HOLD, BGP_TIMER_STOP, 0);
}

Test(bgp_fsm, collision_lower_id_keeps_peers_connection)
{
	struct bgp_fsm a, b;
	struct bgp_fsm_out out;

	collide(LOCAL_ID, &a, &b);
	cr_assert_eq(bgp_collision_resolve(LOCAL_ID, b.peer_id, LOCAL_AS,
					   b.peer_as),
		     BGP_COLLISION_CLOSE_OUTBOUND);
	assert_dumped(&a);
	step(&b, BGP_EV_KEEPALIVE, &out);
	cr_assert_eq(out.state, BGP_STATE_ESTABLISHED);
}

Test(bgp_fsm, collision_higher_id_keeps_our_connection)
{
	struct bgp_fsm a, b;
	struct bgp_fsm_out out;

	collide(0x0a0000ffu, &a, &b);
	cr_assert_eq(bgp_collision_resolve(0x0a0000ffu, b.peer_id, LOCAL_AS,
					   b.peer_as),
		     BGP_COLLISION_CLOSE_INBOUND);
	assert_dumped(&b);
	step(&a, BGP_EV_KEEPALIVE, &out);
	cr_assert_eq(out.state, BGP_STATE_ESTABLISHED);
}

Test(bgp_fsm, collision_dump_in_opensent)
{
	struct bgp_fsm_config cfg = config();
	struct bgp_fsm f;
	struct bgp_fsm_out out;

	/* §6.8 lets a speaker that knows the peer's id check OpenSent
	 * connections too. */
	fsm_new(&f, &cfg);
	step(&f, BGP_EV_MANUAL_START, &out);
	step(&f, BGP_EV_TCP_CR_ACKED, &out);
	cr_assert_eq(f.state, BGP_STATE_OPENSENT);
	assert_dumped(&f);
}

/* ------------------------------------------------------------------ */
/* Configuration, our OPEN, names                                     */
/* ------------------------------------------------------------------ */

/* One field changed from the working configuration per case. */
struct init_case {
	char what[32];
	uint32_t local_as, local_id, peer_as;
	uint16_t hold_time;
	uint32_t connect_retry_ms, idle_hold_ms;
	bool passive, allow_automatic_start;
	int rc;
};

ParameterizedTestParameters(bgp_fsm, init)
{
	static struct init_case cases[] = {
		{ "valid", LOCAL_AS, LOCAL_ID, PEER_AS, 3, RETRY_MS,
		  IDLE_HOLD_MS, false, true, 0 },
		{ "local AS 0", 0, LOCAL_ID, PEER_AS, 3, RETRY_MS,
		  IDLE_HOLD_MS, false, true, -EINVAL },
		{ "local id 0", LOCAL_AS, 0, PEER_AS, 3, RETRY_MS,
		  IDLE_HOLD_MS, false, true, -EINVAL },
		{ "peer AS 0", LOCAL_AS, LOCAL_ID, 0, 3, RETRY_MS,
		  IDLE_HOLD_MS, false, true, -EINVAL },
		{ "hold 1", LOCAL_AS, LOCAL_ID, PEER_AS, 1, RETRY_MS,
		  IDLE_HOLD_MS, false, true, -EINVAL },
		{ "hold 2", LOCAL_AS, LOCAL_ID, PEER_AS, 2, RETRY_MS,
		  IDLE_HOLD_MS, false, true, -EINVAL },
		{ "hold 0", LOCAL_AS, LOCAL_ID, PEER_AS, 0, RETRY_MS,
		  IDLE_HOLD_MS, false, true, 0 },
		{ "connect retry 0", LOCAL_AS, LOCAL_ID, PEER_AS, 3, 0,
		  IDLE_HOLD_MS, false, true, -EINVAL },
		{ "connect retry 0, passive", LOCAL_AS, LOCAL_ID, PEER_AS, 3,
		  0, IDLE_HOLD_MS, true, true, 0 },
		{ "idle hold 0", LOCAL_AS, LOCAL_ID, PEER_AS, 3, RETRY_MS, 0,
		  false, true, -EINVAL },
		{ "idle hold 0, no auto start", LOCAL_AS, LOCAL_ID, PEER_AS, 3,
		  RETRY_MS, 0, false, false, 0 },
	};

	return cr_make_param_array(struct init_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct init_case *c, bgp_fsm, init)
{
	struct bgp_fsm_config cfg = {
		.local_as = c->local_as,
		.local_id = c->local_id,
		.peer_as = c->peer_as,
		.hold_time = c->hold_time,
		.connect_retry_ms = c->connect_retry_ms,
		.idle_hold_ms = c->idle_hold_ms,
		.passive = c->passive,
		.allow_automatic_start = c->allow_automatic_start,
	};
	struct bgp_fsm f;

	cr_assert_eq(bgp_fsm_init(&f, &cfg), c->rc, "%s", c->what);
	if (c->rc)
		return;
	cr_assert_eq(f.state, BGP_STATE_IDLE);
	cr_assert_not(f.admin_down);
	cr_assert_eq(f.cfg.hold_time, c->hold_time);
}

Test(bgp_fsm, local_open)
{
	struct bgp_fsm_config cfg = config();
	struct bgp_fsm f;
	struct bgp_open o;

	fsm_new(&f, &cfg);
	bgp_fsm_local_open(&f, &o);
	cr_assert_eq(o.version, 4);
	cr_assert_eq(o.my_as, LOCAL_AS);
	cr_assert_eq(o.as4, LOCAL_AS);
	cr_assert_eq(o.hold_time, 3);
	cr_assert_eq(o.bgp_id, LOCAL_ID);
	cr_assert(o.cap_as4);
	cr_assert(o.cap_mp_ipv4);
	cr_assert(o.cap_route_refresh);

	cfg.local_as = 4200000000u;
	fsm_new(&f, &cfg);
	bgp_fsm_local_open(&f, &o);
	cr_assert_eq(o.my_as, BGP_AS_TRANS);
	cr_assert_eq(o.as4, 4200000000u);
}

Test(bgp_fsm, names)
{
	cr_assert_str_eq(bgp_state_name(BGP_STATE_IDLE), "Idle");
	cr_assert_str_eq(bgp_state_name(BGP_STATE_CONNECT), "Connect");
	cr_assert_str_eq(bgp_state_name(BGP_STATE_ACTIVE), "Active");
	cr_assert_str_eq(bgp_state_name(BGP_STATE_OPENSENT), "OpenSent");
	cr_assert_str_eq(bgp_state_name(BGP_STATE_OPENCONFIRM),
			 "OpenConfirm");
	cr_assert_str_eq(bgp_state_name(BGP_STATE_ESTABLISHED),
			 "Established");
	cr_assert_str_eq(bgp_state_name((enum bgp_state)6), "?");

	cr_assert_str_eq(bgp_event_name(BGP_EV_HOLD_EXPIRED),
			 "HoldTimer_Expires");
	cr_assert_str_eq(bgp_event_name(BGP_EV_TCP_CR_ACKED), "Tcp_CR_Acked");
	cr_assert_str_eq(bgp_event_name(BGP_EV_OPEN_COLLISION_DUMP),
			 "OpenCollisionDump");
	cr_assert_str_eq(bgp_event_name(BGP_EV_UPDATE_ERR), "UpdateMsgErr");
	cr_assert_str_eq(bgp_event_name((enum bgp_event)4), "?");
	cr_assert_str_eq(bgp_event_name((enum bgp_event)29), "?");
	cr_assert_str_eq(bgp_event_name((enum bgp_event)0), "?");

	for (int ev = 1; ev <= 28; ev++)
		cr_assert_not_null(bgp_event_name((enum bgp_event)ev));
	for (int r = BGP_FSM_REASON_NONE; r <= BGP_FSM_REASON_COLLISION; r++)
		cr_assert_str_neq(bgp_fsm_reason_name(r), "?");
	cr_assert_str_eq(bgp_fsm_reason_name(BGP_FSM_REASON_HOLD_EXPIRED),
			 "hold timer expired");
	cr_assert_str_eq(bgp_fsm_reason_name((enum bgp_fsm_reason)99), "?");
}

/*
 * Internals shared by speaker.c (listener, origination, introspection),
 * peer.c (sessions: sockets, FSM, timers, message I/O) and export.c (best
 * paths out to peers and the kernel); log.c reads the log callback from
 * struct bgp_speaker.  Not for use outside bgp/.
 */
#ifndef ANYCASTLAB_BGP_SPEAKER_INT_H
#define ANYCASTLAB_BGP_SPEAKER_INT_H

#include "bgp/aspath.h"
#include "bgp/fsm.h"
#include "bgp/log.h"
#include "bgp/msg.h"
#include "bgp/rib.h"
#include "bgp/speaker.h"
#include "ev/ev.h"
#include "util/dbuf.h"

#define BGP_RX_BUF	(32 * 1024)
/*
 * Output held for one connection beyond what its socket takes.  A peer
 * that reads keeps it near empty; one past it is not reading, and the
 * connection is reset rather than our memory grown (a full export of
 * 100,000 prefixes with distinct paths is about 5 MB).
 */
#define BGP_TX_MAX	(2u * 1024 * 1024)
/* RFC 9687: at least 8 minutes. */
#define BGP_SEND_HOLD_MIN_MS	480000u
#define BGP_MAX_ORIG	16

struct bgp_peer;

/* One TCP connection and the FSM that follows it (RFC 4271 §8). */
struct bgp_conn {
	struct bgp_peer *peer;
	bool in_use;
	int fd;			/* -1: none */
	bool connecting;	/* our connect() is in progress */
	bool connect_failed;	/* feed TcpConnectionFails once applied */
	uint32_t events;	/* what epoll watches now */
	struct bgp_fsm fsm;
	struct ev_timer timer[BGP_TIMER_COUNT];
	/* RFC 9687: running while output is pending and the socket takes
	 * none of it; restarted on every write that makes progress. */
	struct ev_timer send_hold;
	bool tx_full;		/* an UPDATE did not fit in BGP_TX_MAX */
	uint8_t *rx;		/* BGP_RX_BUF bytes while connected */
	size_t rxlen;
	struct dbuf tx;
};

/* One announcement queued for a peer by the export pass. */
struct bgp_out {
	struct bgp_attrset *set;	/* referenced; NULL: withdraw */
	struct prefix4 prefix;
};

struct bgp_peer {
	struct bgp_speaker *sp;
	struct bgp_peer_config cfg;
	unsigned idx;		/* RIB peer index */
	/*
	 * conn[0] is the session; conn[1] holds an inbound connection that
	 * arrived while conn[0] was past Active, until collision resolution
	 * (§6.8) keeps one of them, which then is conn[0].
	 */
	struct bgp_conn *conn[2];
	bool link_up;
	bool full_export;	/* send it the whole Loc-RIB next pass */
	uint64_t since_ms;	/* conn[0] entered its state */
	enum bgp_state shown_state;
	uint64_t updates_rx, updates_tx;
	uint64_t announced_rx, withdrawn_rx, announced_tx, withdrawn_tx;
	size_t prefixes_tx;
	/* MRAI (RFC 4271 §9.2.1.1): while mrai is closed, announcements
	 * wait in pend (prefixes, maybe repeated) and go out, as the RIB has
	 * them then, when mrai_timer fires. */
	struct bgp_mrai mrai;
	struct ev_timer mrai_timer;
	bool mrai_armed;
	struct prefix4 *pend;
	size_t npend, cappend;
	bool shape_changed;	/* send the shaped prefix again next pass */
	uint32_t established_count;
	char last_error[128];
	unsigned quiet_failures;	/* repeated connect failures not logged */
	uint32_t discards_logged;	/* attribute types whose discard we said
					 * this session */
	struct bgp_out *out;
	size_t nout, capout;
	/* max-prefix (RFC 4486): the session whose excess was said (warn),
	 * no connection accepted before restart_at_ms (restart), and
	 * last_error already says why the session is ending. */
	uint32_t maxpfx_warned;
	uint64_t restart_at_ms;
	bool error_set;
};

/* One listening socket: on a peer's local address. */
struct bgp_listener {
	int fd;
	uint32_t addr;
};

/* Connections from addresses that are not peers, for a bounded log. */
#define BGP_STRANGERS		16
#define BGP_STRANGER_LOG_MS	10000u
struct bgp_stranger {
	uint32_t addr;
	uint64_t last_ms;	/* its last line */
	uint32_t suppressed;	/* connections since, not logged */
};

struct bgp_speaker {
	struct ev_loop *ev;
	struct bgp_speaker_config cfg;
	struct fib *fib;
	struct rib *rib;
	struct bgp_peer *peers[RIB_PEER_MAX];
	size_t npeers;
	struct bgp_peer *by_idx[RIB_PEER_MAX + 1];
	struct bgp_listener listen[RIB_PEER_MAX];
	size_t nlisten;
	struct bgp_stranger strangers[BGP_STRANGERS];
	bool started;
	struct ev_defer export_defer;
	struct prefix4 orig[BGP_MAX_ORIG];
	size_t norig;
	/* Decoding room for the attributes of one received UPDATE. */
	uint8_t scratch[BGP_UPDATE_SCRATCH];
	uint8_t aspath_tmp[2][ASPATH_MAX + 8];
	/* An announcement's communities as we build them (export.c). */
	uint8_t comm_tmp[BGP_SHAPE_COMMS * 4];
	uint8_t large_tmp[4 + BGP_SHAPE_COMMS * 12];
	struct bgp_action *actions;	/* cfg.policy.actions, our copy */
	uint64_t rand_state;		/* MRAI jitter */
};

/* peer.c */
int bgp_peer_new(struct bgp_speaker *sp, const struct bgp_peer_config *pc,
		 struct bgp_peer **out);
void bgp_peer_free(struct bgp_peer *p);
void bgp_peer_start(struct bgp_peer *p);
void bgp_peer_stop(struct bgp_peer *p);	/* Cease, for shutdown */
void bgp_peer_accept(struct bgp_peer *p, int fd);
void bgp_peer_link(struct bgp_peer *p, bool up);
/* Queue an UPDATE already encoded in b (whole message) and count it. */
void bgp_peer_send_update(struct bgp_peer *p, const uint8_t *msg, size_t len);
void bgp_peer_flush(struct bgp_peer *p);
bool bgp_peer_established(const struct bgp_peer *p);
bool bgp_peer_as4(const struct bgp_peer *p);

/* Run the export (export.c) once the current events are handled: what
 * changed in the RIB, or a peer that came up, asks for it. */
static inline void bgp_export_schedule(struct bgp_speaker *sp)
{
	ev_defer(sp->ev, &sp->export_defer);
}

/* export.c */
void bgp_export_run(struct ev_loop *l, struct ev_defer *d, void *ctx);
/* The MRAI timer of a peer fired. */
void bgp_export_mrai(struct ev_loop *l, struct ev_timer *t, void *ctx);
/* A session went down: no held announcements, no timer. */
void bgp_export_peer_reset(struct bgp_peer *p);
enum bgp_hold bgp_export_hold(const struct bgp_speaker *sp,
			      const struct bgp_peer *p,
			      const struct rib_path *best,
			      const struct prefix4 *pfx, enum bgp_role *from,
			      struct bgp_route_src *src);


#endif

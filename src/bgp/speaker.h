/*
 * A BGP speaker: its peers' sessions over TCP (peer.c), the RIB, export of
 * best paths to peers and to the kernel (export.c).  It runs on an event
 * loop and knows nothing of namespaces, labs or the control socket; the
 * router daemon wires it up.
 *
 * Policy (explicit, RFC 8212; the rules are bgp/policy.h's): import every
 * IPv4 unicast route whose AS_PATH does not hold our AS, with the
 * LOCAL_PREF of the peer's relationship (or an action community's);
 * export every best path to every established peer except the one it
 * came from, peers whose AS is already on its path, and peers the
 * relationships, well-known communities or action communities hold it
 * back from; originate what bgp_speaker_originate() is given, the shaped
 * prefix (a POP's anycast prefix) as each session's bgp_shape says.
 */
#ifndef ANYCASTLAB_BGP_SPEAKER_H
#define ANYCASTLAB_BGP_SPEAKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp/fsm.h"
#include "bgp/policy.h"
#include "bgp/rib.h"
#include "util/buf.h"
#include "util/ip.h"

struct ev_loop;
struct fib;
struct bgp_speaker;

struct bgp_speaker_config {
	uint32_t local_as;
	uint32_t router_id;		/* host order */
	uint16_t hold_time;		/* seconds, 0 or >= 3 */
	uint32_t connect_retry_ms;
	uint32_t idle_hold_ms;
	/* Drop unknown optional transitive attributes on receipt instead of
	 * passing them on with Partial set (RFC 4271 §5). */
	bool unknown_attrs_discard;
	/* Log sink: one line, no newline.  NULL: silent. */
	void (*log)(void *ctx, int level, const char *line);
	void *log_ctx;
	/* LOCAL_PREF by role and the action communities offered (copied by
	 * bgp_speaker_new). */
	struct bgp_policy policy;
	bool always_compare_med;
	/* ECMP: install every path equal to the best through the MED and
	 * eBGP steps (rib_entry_multipath) as one multipath kernel route. */
	bool multipath;
	/* The prefix each session's bgp_shape applies to; len 0: none. */
	struct prefix4 shaped;
};

#define BGP_SHAPE_COMMS		8

/* How the shaped prefix is announced on one session. */
struct bgp_shape {
	bool no_announce;		/* selective announcement: not here */
	unsigned prepend;		/* extra copies of our AS, 0..16 */
	bool med_given;
	uint32_t med;
	struct bgp_comm comms[BGP_SHAPE_COMMS];
	size_t ncomms;
};

/* A session's policy. */
struct bgp_peer_policy {
	enum bgp_role role;		/* what the peer is to us */
	uint32_t local_pref;		/* for its routes; 0: the router's for
					 * the role */
	/* MinRouteAdvertisementInterval (RFC 4271 §9.2.1.1), ms, with the
	 * jitter of §10; 0: every change at once.  Withdrawals are never
	 * held. */
	uint32_t mrai_ms;
	struct bgp_shape shape;
};

/* RFC 4486 section 4: what to do when a peer sends more prefixes than
 * max_prefix. */
enum bgp_max_prefix_action {
	BGP_MAXPFX_RESTART,	/* Cease 1/1, restart after restart_ms */
	BGP_MAXPFX_WARN,	/* log once per session, keep going */
	BGP_MAXPFX_STOP,	/* Cease 1/1, no automatic restart */
};

#define BGP_PASSWORD_MAX	80	/* TCP_MD5SIG_MAXKEYLEN */

struct bgp_peer_config {
	char name[16];			/* neighbour; also its interface name */
	uint32_t local_addr;		/* host order */
	uint32_t peer_addr;
	uint32_t peer_as;
	bool passive;			/* never initiate a connection */
	/*
	 * Wait for the peer to connect first, and connect ourselves only
	 * after connect-retry.  Used on one side of every link when a whole
	 * lab starts at once, so both sides do not connect at the same time
	 * and collide (RFC 4271 §6.8 resolves that, at the cost of a retry).
	 */
	bool wait_first;
	uint32_t max_prefix;		/* 0: no limit */
	enum bgp_max_prefix_action max_prefix_action;
	uint32_t max_prefix_restart_ms;	/* > 0 for BGP_MAXPFX_RESTART */
	/* GTSM (RFC 5082): send with TTL 255, accept only TTL >= 254. */
	bool ttl_security;
	/* RFC 9687 SendHoldTimer, ms; 0: the RFC's 8 minutes or twice the
	 * negotiated hold time, whichever is larger. */
	uint32_t send_hold_ms;
	/* TCP-MD5 key (RFC 2385), "" for none.  Never logged. */
	char password[BGP_PASSWORD_MAX + 1];
	struct bgp_peer_policy pol;
};

int bgp_speaker_new(struct ev_loop *ev, const struct bgp_speaker_config *c,
		    struct fib *fib, struct bgp_speaker **out);
/* Send Cease to every established peer, flush, purge our kernel routes
 * when purge is set, and free everything. */
void bgp_speaker_free(struct bgp_speaker *sp, bool purge);

int bgp_speaker_add_peer(struct bgp_speaker *sp, const struct bgp_peer_config *pc);
/* Listen on addr:179; addr 0: on each peer's local address (one socket
 * per address, never the wildcard).  The fds are the speaker's. */
int bgp_speaker_listen(struct bgp_speaker *sp, uint32_t addr);
/* Start every peer's FSM. */
void bgp_speaker_start(struct bgp_speaker *sp);

/* Originate p with ORIGIN IGP and an empty AS_PATH; announced at once. */
int bgp_speaker_originate(struct bgp_speaker *sp, const struct prefix4 *p);
int bgp_speaker_unoriginate(struct bgp_speaker *sp, const struct prefix4 *p);

/*
 * Change how the shaped prefix is announced to peer i (prepend, selective
 * announcement, MED, communities): the peer gets one UPDATE (or a
 * withdrawal) in the next export pass, and the session stays up.
 * -ENOENT for no such peer.
 */
int bgp_speaker_set_shape(struct bgp_speaker *sp, size_t i,
			  const struct bgp_shape *shape);
const struct bgp_shape *bgp_speaker_shape(const struct bgp_speaker *sp,
					  size_t i);

/*
 * Why e's best path is not sent to peer i (BGP_HOLD_NONE: it is, or
 * would be once the session is up); *from gets the role of the peer the
 * path came from, for bgp_hold_format().
 */
enum bgp_hold bgp_speaker_export_hold(const struct bgp_speaker *sp,
				      const struct rib_entry *e, size_t i,
				      enum bgp_role *from);

/* The kernel says the interface called ifname went up or down (carrier
 * included): a peer on it goes down at once, and restarts when it is up. */
void bgp_speaker_link_event(struct bgp_speaker *sp, const char *ifname,
			    bool up);

/* Introspection for the control socket. */
struct bgp_peer_info {
	const char *name;
	uint32_t peer_addr, local_addr;
	uint32_t peer_as;
	uint32_t peer_id;		/* 0 until an OPEN was received */
	enum bgp_state state;
	uint64_t since_ms;		/* in this state since (monotonic) */
	uint16_t hold_time;		/* negotiated, when Established */
	bool link_up;
	bool as4;
	size_t prefixes_rx;		/* in its Adj-RIB-In */
	size_t prefixes_rx_ineligible;
	size_t prefixes_tx;		/* advertised to it now */
	uint64_t updates_rx, updates_tx;
	/* Since the router started: prefixes announced and withdrawn in
	 * UPDATEs, each way. */
	uint64_t announced_rx, withdrawn_rx, announced_tx, withdrawn_tx;
	enum bgp_role role;
	uint32_t mrai_ms;
	uint32_t established_count;
	char last_error[128];		/* how the last session ended */
	unsigned rib_idx;
};

size_t bgp_speaker_npeers(const struct bgp_speaker *sp);
void bgp_speaker_peer_info(const struct bgp_speaker *sp, size_t i,
			   struct bgp_peer_info *out);
/* Peer name for a RIB peer index ("local" for RIB_PEER_LOCAL). */
const char *bgp_speaker_peer_name(const struct bgp_speaker *sp, unsigned idx);
struct rib *bgp_speaker_rib(struct bgp_speaker *sp);

#endif

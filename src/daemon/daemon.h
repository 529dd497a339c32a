/*
 * A node's BGP speaker, whichever it runs: anycastlab's own (builtin),
 * BIRD 2, FRR, or one of the user's (none).  Each kind is one row of a
 * table (daemon_int.h); everything below finds the node's row and asks
 * it, so no caller tells the kinds apart.  For a
 * node with `daemon: bird` or `daemon: frr` the orchestrator writes the
 * daemon's configuration from the topology (the same sessions, timers and
 * originations the built-in speaker would have), runs its processes in the
 * node's namespace, journaled before they run like the built-in router,
 * and asks it what the other verbs need over its own control socket: the
 * CLI socket birdc talks to, the vty sockets vtysh talks to.
 *
 * A node's files, in /run/anycastlab/<lab>/:
 *
 *   builtin  N.pid N.sock N.log
 *   bird     N.bird.conf N.bird.ctl (birdc -s) N.pid N.log
 *   frr      N.frr/ (zebra.conf bgpd.conf zebra.pid bgpd.pid zebra.vty
 *            bgpd.vty zserv.api; vtysh --vty_socket) N.log
 *
 * A POP on BIRD or FRR also runs `anycastlab router --http-only`, the web
 * server the built-in router has inside: N.http.pid, written once it
 * listens.  Every process of a node writes its output to N.log.
 */
#ifndef ANYCASTLAB_DAEMON_DAEMON_H
#define ANYCASTLAB_DAEMON_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "run/journal.h"
#include "run/proc.h"
#include "run/spawn.h"
#include "topo/topo.h"
#include "util/dbuf.h"
#include "util/err.h"

#define DAEMON_MAX_PROCS	3

/* What a router reports of itself: the status record of a snapshot. */
#define SNAP_MAX_SESS	64

struct snap_session {
	char peer[TOPO_NAME_MAX + 1];
	char state[16];
	bool established;
	uint64_t since_ms;
	uint64_t rx, tx;
	unsigned hold;		/* negotiated, seconds (when Established) */
	unsigned up_count;	/* times the session came up */
	bool up_count_known;	/* BIRD does not say */
	int as4;		/* 4-octet ASNs negotiated: 1, 0, -1 unknown */
	char last_error[160];
	/* Since the router started, when the daemon says (counters_known):
	 * UPDATE messages, prefixes announced and withdrawn, each way. */
	bool counters_known;
	uint64_t updates_rx, updates_tx;
	uint64_t announced_rx, announced_tx, withdrawn_rx, withdrawn_tx;
	char role[12];		/* what the peer is to this router; "" unknown */
	uint32_t mrai_ms;
};

struct snap_router {
	bool external;		/* daemon: none, nothing to ask */
	bool answered;		/* its control socket replied */
	int error;		/* -errno when it did not */
	long pid;
	uint64_t up_ms;
	uint64_t rss_kb;
	uint64_t prefixes;
	char anycast[16];	/* POP: "announced" / "withdrawn" */
	char via[16];		/* anycast next hop, "local" or "none" */
	char path[160];		/* anycast AS path */
	struct snap_session sess[SNAP_MAX_SESS];
	size_t nsess;
	/* A built-in POP's DNS server (dns_stats), when it told. */
	bool dns_known;
	struct snap_dns {
		uint64_t udp, tcp, replies, dropped, limited, truncated;
		uint64_t nxdomain, refused, formerr, notimp, tcp_conns;
	} dns;
};


/* Names in a generated BIRD configuration: the BGP protocol towards node
 * "x-y" is peer_x_y ('-' is not allowed in a BIRD symbol and '_' is not
 * allowed in a node name, so the mapping is one to one). */
#define DAEMON_BIRD_PEER_PREFIX	"peer_"
#define DAEMON_BIRD_ANYCAST	"anycast"
#define DAEMON_BIRD_OWN		"own"

/*
 * The tag a BIRD or FRR router puts on every route it learns when its
 * policy needs to know where a route came from (relationships, action
 * communities): the large community (its own AS, DAEMON_TAG_FN, role),
 * the role what the neighbour is to it (enum bgp_role: 0 none,
 * 1 customer, 2 peer, 3 provider).  Its export filters read it and
 * remove it, so it never goes on the wire, and `routes` does not show
 * it.  A topology that attaches a community of that shape itself is
 * refused for those routers (daemon_check).
 */
#define DAEMON_TAG_FN		4294967295u

/*
 * The processes node runs, in start order, by the role written in the
 * journal: "" for the built-in router; BIRD's or FRR's processes, and on a
 * POP then "http", anycastlab's web server beside them.  Returns how many
 * (0 for daemon: none); *speaker is the index of the one that speaks BGP.
 */
size_t daemon_node_roles(const struct topo *t, size_t node,
			 const char *roles[DAEMON_MAX_PROCS], size_t *speaker);
/* The facts of a kind's row. */
/* "BIRD 2", "FRR", "anycastlab", "your own daemon" for messages. */
const char *daemon_title(enum topo_daemon d);
/* "the <noun> of syd": "router" for anycastlab's own, else the title. */
const char *daemon_noun(enum topo_daemon d);
/* How `up` counts it: "anycastlab (builtin)", "BIRD 2", "your own (none)". */
const char *daemon_summary(enum topo_daemon d);
/* Whether messages and status name the daemon beside its pids. */
bool daemon_named(enum topo_daemon d);
/* Whether its routes say why each path won (and what lost). */
bool daemon_explains(enum topo_daemon d);
/* Whether anycastlab starts, stops and asks it (all but none). */
bool daemon_kind_managed(enum topo_daemon d);
/* The Debian package that provides d, NULL when none is needed. */
const char *daemon_package(enum topo_daemon d);
/* 0 when d's programs are installed, -ENOENT when not.  They are looked
 * for where Debian puts them, or at $ANYCASTLAB_BIRD (the bird program)
 * and in $ANYCASTLAB_FRR_DIR (zebra and bgpd) when those are set. */
int daemon_installed(enum topo_daemon d);
/* The kinds, in the table's order: i from 0 to daemon_nkinds() - 1. */
size_t daemon_nkinds(void);
enum topo_daemon daemon_kind(size_t i);

/* The role of a process whose program is named prog ("bird", "bgpd"),
 * among the daemons anycastlab executes; NULL when none. */
const char *daemon_program_role(const char *prog);

/* Whether node is a router anycastlab manages (not a user, not none). */
bool daemon_managed(const struct topo *t, size_t node);
/* 0 for a managed router; -EINVAL and why in e for one that runs a
 * daemon of the user's own. */
int daemon_need_managed(const struct topo *t, size_t node, struct err *e);

/*
 * Apply a lab-wide default (up --daemon): every router that does not name
 * its own daemon runs d.  DEFAULT changes nothing.
 */
void daemon_apply_default(struct topo *t, enum topo_daemon d);

/*
 * Whether node's daemon can do what the topology asks of it: 0, or
 * -EOPNOTSUPP with the sentence in e ("bird cannot set an MRAI (node
 * ntt, mrai 30s): ...").  `check` and `up` ask before anything else.
 */
int daemon_check(const struct topo *t, size_t node, struct err *e);
/* daemon_check for every router, each refusal an error at its node in
 * d: how many, or -ENOMEM. */
int daemon_check_topo(const struct topo *t, struct topo_diags *d);

/*
 * Configuration text, pure (the tests compare it byte for byte): BIRD's
 * bird.conf, FRR's bgpd.conf and zebra.conf for router node of t.
 * 0, -EINVAL when node is not a router, or -EOPNOTSUPP when the daemon
 * cannot do what the topology asks (daemon_check says why).
 */
int daemon_bird_config(const struct topo *t, size_t node, FILE *f);
int daemon_frr_bgpd_config(const struct topo *t, size_t node, FILE *f);
int daemon_frr_zebra_config(const struct topo *t, size_t node, FILE *f);

/*
 * Whether the journaled process id of role ("" for the built-in router,
 * "http", "bird", "zebra", "bgpd") is one anycastlab started in namespace
 * netns (NULL when unknown): see proc_is_ours.  Nothing else is signalled.
 */
bool daemon_proc_ours(const char *netns, const char *role,
		      const struct proc_id *id);

/* The processes of one node's router, from the journal: per role the
 * newest journaled process. */
struct daemon_procs {
	size_t n;				/* roles of its daemon */
	const char *role[DAEMON_MAX_PROCS];
	size_t speaker;				/* the process speaking BGP */
	struct proc_id id[DAEMON_MAX_PROCS];	/* pid 0: never started */
	bool alive[DAEMON_MAX_PROCS];
	size_t nalive;
	/* A held start (daemon_held): the handshake until daemon_release. */
	struct spawned hold;
	bool holding;
};

void daemon_procs_find(const struct journal_rec *v, size_t nv,
		       const struct topo *t, size_t node,
		       struct daemon_procs *p);
int daemon_procs_load(const char *lab, const struct topo *t, size_t node,
		      struct daemon_procs *p);
/* How many of its live processes are stopped (frozen). */
size_t daemon_procs_frozen(const struct daemon_procs *p);
/* "pid 4242" or "zebra pid 4242, bgpd pid 4243" (alive ones only). */
void daemon_procs_str(const struct daemon_procs *p, char *buf, size_t n);

/*
 * Start node's router: write its configuration, fork each process,
 * journal it, then let it exec in the node's namespace.  The started
 * processes go to *p.  On failure those already started are stopped
 * again, and why is in e.  lab_start: the whole lab starts at once (the
 * built-in router then lets the end with the higher address wait).
 */
int daemon_start(struct journal *j, const char *lab, const struct topo *t,
		 size_t node, bool lab_start, struct daemon_procs *p,
		 struct err *e);
/* Wait until it answers: 0, -ETIMEDOUT, or -ECHILD when one of its
 * processes exited first. */
int daemon_wait_ready(const char *lab, const struct topo *t, size_t node,
		      const struct daemon_procs *p, unsigned timeout_ms);
/* Whether node's router, once ready, waits for daemon_release before it
 * connects to its peers (so that a lab's routers all listen first). */
bool daemon_held(const struct topo *t, size_t node);
void daemon_release(struct daemon_procs *p);
/* What a dead FRR process leaves outside the lab's state directory
 * (/var/tmp/frr/<role>.<pid>), removed once the process is gone. */
void daemon_proc_gone(const char *role, const struct proc_id *id);

/*
 * Ask a running router for the status record of a snapshot: sessions,
 * where anycast traffic goes and its AS path, prefixes, anycast state,
 * pid and memory (its processes found in the journal's records v).  0,
 * or -errno when it does not answer; a router that is not anycastlab's
 * to ask is sr->external.
 */
int daemon_status(const char *lab, const struct topo *t, size_t node,
		  const struct journal_rec *v, size_t nv, unsigned timeout_ms,
		  struct snap_router *sr);
/* Whether daemon_status of node reads the journal records v: asking a
 * lab's routers, the journal is loaded once if any needs it. */
bool daemon_status_journal(const struct topo *t, size_t node);
/* Withdraw (on false) or announce the anycast prefix on a POP: 0,
 * -EALREADY when it already is, -ESRCH when it does not answer, or
 * -errno; why in e. */
int daemon_announce(const char *lab, const struct topo *t, size_t node,
		    bool on, struct err *e);

/* A POP's announcement on some of its sessions, changed live. */
enum daemon_shape_op {
	DAEMON_SHAPE_WITHDRAW,		/* not to these neighbours */
	DAEMON_SHAPE_ANNOUNCE,		/* to these neighbours (only these,
					 * when it was withdrawn everywhere) */
	DAEMON_SHAPE_PREPEND,		/* prepend extra copies toward them */
};

struct daemon_shape {
	enum daemon_shape_op op;
	unsigned prepend;
	const size_t *peers;		/* node indices; none: every session */
	size_t npeers;
};

/* Change it: 0, -EALREADY when nothing changes, -EOPNOTSUPP when the
 * node's daemon cannot (why in e), -ESRCH when it does not answer. */
int daemon_shape(const char *lab, const struct topo *t, size_t node,
		 const struct daemon_shape *s, struct err *e);

/* An AS path as text: as many four-octet ASes as a 4,096-octet UPDATE
 * can carry, each up to 10 digits and a space. */
#define DAEMON_ASPATH_MAX	(1024 * 11)

/* Communities of one route as text: a route may carry many; those that
 * do not fit are left out. */
#define DAEMON_COMMS_TEXT	512

/* One route as `routes` shows it. */
struct daemon_route {
	char prefix[20];
	char nexthop[16];	/* "local" for an originated prefix */
	char from[TOPO_NAME_MAX + 1];	/* peer node, or "local" */
	char aspath[DAEMON_ASPATH_MAX];
	char origin[12];	/* igp, egp, incomplete */
	bool best;
	/* What a speaker that explains its choices says (else ""/-1). */
	char why[128];		/* why it won */
	char over[TOPO_NAME_MAX + 1];	/* the peer whose path lost */
	char rejected[64];	/* why an Adj-RIB-In path was refused */
	char med[16];
	long paths;		/* paths known for the prefix */
	/* Standard then large communities, "65000:1 no-export 13335:1:2"
	 * (the router's own tag left out), "" for none. */
	char communities[DAEMON_COMMS_TEXT];
	long local_pref;	/* -1: not said */
	/* Neighbours policy keeps this best path from, and why:
	 * "ntt: valley-free: ...; optus: ..." ("" none, or not said). */
	char held[768];
};

typedef int (*daemon_route_fn)(void *ctx, const struct daemon_route *r);
/* Best paths (peer NULL), or every path accepted from peer, one call
 * each, ordered by prefix.  0, or -errno with why in e. */
int daemon_routes(const char *lab, const struct topo *t, size_t node,
		  const char *peer, daemon_route_fn fn, void *ctx,
		  struct err *e);
/* The command a user can run to ask the daemon directly. */
void daemon_cli_hint(const char *lab, const struct topo *t, size_t node,
		     char *buf, size_t n);

/*
 * The daemons' control protocols and what they print, parsed (pure,
 * tested against captured output).
 */
/* BIRD's CLI socket: a reply is lines "NNNN-text" and " text", ended by
 * one "NNNN text".  Bytes of the complete reply at raw, 0 while more is
 * needed. */
size_t daemon_bird_reply_len(const char *raw, size_t len);
/* The reply's text as birdc prints it (codes removed), NUL-terminated in
 * text; *code is the reply's code: its last line's (8xxx, 9xxx errors),
 * or, when that is the bare 0000 that ends a reply, its first line's
 * (0009 disabled, 1007 a route, ...). */
int daemon_bird_reply_text(const char *raw, size_t len, struct dbuf *text,
			   int *code);
/* `show protocols all`, `show route <anycast> primary all` and `show
 * route count` of node's BIRD into sr; now_s dates the sessions. */
int daemon_bird_parse_protocols(const char *text, const struct topo *t,
				size_t node, uint64_t now_s,
				struct snap_router *sr);
void daemon_bird_parse_anycast(const char *text, struct snap_router *sr);
long daemon_bird_parse_count(const char *text);
/* `show route [protocol P] all`: every route, fn once each; asn is the
 * router's, whose tag is left out of the communities. */
int daemon_bird_parse_routes(const char *text, uint32_t asn,
			     daemon_route_fn fn, void *ctx);

/* FRR's vty socket: a reply ends with three NUL bytes and the command's
 * status.  Bytes of the complete reply, 0 while more is needed. */
size_t daemon_frr_reply_len(const char *raw, size_t len);
/* `show bgp neighbors json`, `show bgp ipv4 unicast <anycast> json`,
 * `show bgp ipv4 unicast statistics json` of node's FRR into sr. */
int daemon_frr_parse_neighbors(const char *json, size_t len,
			       const struct topo *t, size_t node,
			       struct snap_router *sr);
int daemon_frr_parse_anycast(const char *json, size_t len,
			     const struct topo *t, size_t node,
			     struct snap_router *sr);
int daemon_frr_parse_statistics(const char *json, size_t len,
				struct snap_router *sr);
/* `show bgp ipv4 unicast json [detail]` (best paths, or every path with
 * all) and `show bgp ipv4 unicast neighbors X routes json`; the
 * communities (detail only) without node's tag. */
int daemon_frr_parse_routes(const char *json, size_t len, bool all,
			    const struct topo *t, size_t node,
			    daemon_route_fn fn, void *ctx);

#endif

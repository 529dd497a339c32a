/*
 * BIRD 2 and FRR as a node's BGP speaker, beside anycastlab's own.  For a
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
#include "orch/snapshot.h"
#include "topo/topo.h"
#include "util/dbuf.h"

#define DAEMON_MAX_PROCS	3

/* Names in a generated BIRD configuration: the BGP protocol towards node
 * "x-y" is peer_x_y ('-' is not allowed in a BIRD symbol and '_' is not
 * allowed in a node name, so the mapping is one to one). */
#define DAEMON_BIRD_PEER_PREFIX	"peer_"
#define DAEMON_BIRD_ANYCAST	"anycast"
#define DAEMON_BIRD_OWN		"own"

/*
 * The processes node runs, in start order, by the role written in the
 * journal: "" for the built-in router; BIRD's or FRR's processes, and on a
 * POP then "http", anycastlab's web server beside them.  Returns how many
 * (0 for daemon: none); *speaker is the index of the one that speaks BGP.
 */
size_t daemon_node_roles(const struct topo *t, size_t node,
			 const char *roles[DAEMON_MAX_PROCS], size_t *speaker);
/* "BIRD 2", "FRR", "anycastlab" for messages. */
const char *daemon_title(enum topo_daemon d);
/* The Debian package that provides d, NULL for builtin and none. */
const char *daemon_package(enum topo_daemon d);
/* 0 when d's programs are installed, -ENOENT when not.  They are looked
 * for where Debian puts them, or at $ANYCASTLAB_BIRD (the bird program)
 * and in $ANYCASTLAB_FRR_DIR (zebra and bgpd) when those are set. */
int daemon_installed(enum topo_daemon d);

/*
 * Apply a lab-wide default (up --daemon): every router that does not name
 * its own daemon runs d.  DEFAULT changes nothing.
 */
void daemon_apply_default(struct topo *t, enum topo_daemon d);

/*
 * Configuration text, pure (the tests compare it byte for byte): BIRD's
 * bird.conf, FRR's bgpd.conf and zebra.conf for router node of t.
 * 0, or -EINVAL when node is not a router.
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
};

void daemon_procs_find(const struct journal_rec *v, size_t nv,
		       const struct topo *t, size_t node,
		       struct daemon_procs *p);
int daemon_procs_load(const char *lab, const struct topo *t, size_t node,
		      struct daemon_procs *p);
/* "pid 4242" or "zebra pid 4242, bgpd pid 4243" (alive ones only). */
void daemon_procs_str(const struct daemon_procs *p, char *buf, size_t n);

/*
 * Start node's daemon (bird or frr): write its configuration, fork each
 * process, journal it, then let it exec in the node's namespace.  The
 * started processes go to *p.  On failure those already started are
 * stopped again, and why is in err.
 */
int daemon_start(struct journal *j, const char *lab, const struct topo *t,
		 size_t node, struct daemon_procs *p, char *err, size_t n);
/* Wait until the daemon answers on its control sockets: 0, -ETIMEDOUT,
 * or -ECHILD when one of its processes exited first. */
int daemon_wait_ready(const char *lab, const struct topo *t, size_t node,
		      const struct daemon_procs *p, unsigned timeout_ms);
/* What a dead FRR process leaves outside the lab's state directory
 * (/var/tmp/frr/<role>.<pid>), removed once the process is gone. */
void daemon_proc_gone(const char *role, const struct proc_id *id);

/*
 * Ask a running daemon for the status record of a snapshot: sessions,
 * where anycast traffic goes and its AS path, prefixes, anycast state.
 * pid and rss come from p.  0, or -errno when it does not answer.
 */
int daemon_status(const char *lab, const struct topo *t, size_t node,
		  const struct daemon_procs *p, unsigned timeout_ms,
		  struct snap_router *sr);
/* Withdraw (on false) or announce the anycast prefix on a POP: 0,
 * -EALREADY when it already is, or -errno; why in err. */
int daemon_announce(const char *lab, const struct topo *t, size_t node,
		    bool on, char *err, size_t n);

/* One route as `routes` shows it. */
struct daemon_route {
	char prefix[20];
	char nexthop[16];	/* "local" for an originated prefix */
	char from[TOPO_NAME_MAX + 1];	/* peer node, or "local" */
	char aspath[160];
	char origin[12];	/* igp, egp, incomplete */
	bool best;
};

typedef int (*daemon_route_fn)(void *ctx, const struct daemon_route *r);
/* Best paths (peer NULL), or every path accepted from peer, one call
 * each.  0, or -errno with why in err. */
int daemon_routes(const char *lab, const struct topo *t, size_t node,
		  const char *peer, daemon_route_fn fn, void *ctx, char *err,
		  size_t n);
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
/* `show route [protocol P] all`: every route, fn once each. */
int daemon_bird_parse_routes(const char *text, daemon_route_fn fn,
			     void *ctx);

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
/* `show bgp ipv4 unicast json` (best paths, or every path with all)
 * and `show bgp ipv4 unicast neighbors X routes json`. */
int daemon_frr_parse_routes(const char *json, size_t len, bool all,
			    const struct topo *t, size_t node,
			    daemon_route_fn fn, void *ctx);

#endif

/*
 * What daemon.c needs from each backend (daemon_bird.c, daemon_frr.c),
 * one table per daemon, and the socket helpers they share.  Internal to
 * orch/.
 */
#ifndef ANYCASTLAB_DAEMON_DAEMON_INT_H
#define ANYCASTLAB_DAEMON_DAEMON_INT_H

#include <time.h>

#include "daemon/daemon.h"
#include "run/state.h"
#include "topo/intent.h"
#include "util/deadline.h"
#include "util/err.h"

#define DAEMON_ARGV_MAX	24

/*
 * One row per speaker kind: everything the rest of anycastlab needs to
 * know or do about a node's router, whichever daemon it runs.  Callers
 * outside daemon/ go through daemon.h, which finds the node's row.
 */
struct daemon_ops {
	enum topo_daemon kind;
	const char *title;		/* "BIRD 2", for messages */
	const char *summary;		/* in up's "routers run" line */
	const char *noun;		/* "the <noun> of syd did not start" */
	const char *package;		/* Debian package, NULL: none needed */
	bool managed;			/* false: anycastlab runs and asks
					 * nothing (daemon: none) */
	bool held;			/* its processes wait for
					 * daemon_release before connecting */
	bool named;			/* named beside its pids */
	bool http_beside;		/* a POP runs anycastlab's web
					 * server beside it */
	bool explains;			/* its routes say why each path won */
	bool ordered;			/* it lists routes by prefix itself */
	bool status_procs;		/* its status needs its processes
					 * (from the journal) */
	const char *const *roles;	/* in start order */
	size_t nroles;
	/* The programs' paths, per role, or NULL when not installed; NULL
	 * for anycastlab's own. */
	const char *(*program)(size_t role);
	/* The system user its processes drop to, NULL: anycastlab's. */
	const char *user;
	/* Clean what a dead process of role leaves outside the lab. */
	void (*gone)(const char *role, const struct proc_id *id);

	/* Start node's processes, journaled before they run; why not in e. */
	int (*start)(struct journal *j, const char *lab, const struct topo *t,
		     size_t node, bool lab_start, struct daemon_procs *p,
		     struct err *e);
	/* 0 once it answers, -ETIMEDOUT, -ECHILD when a process exited. */
	int (*wait_ready)(const char *lab, const struct topo *t, size_t node,
			  const struct daemon_procs *p, unsigned timeout_ms);
	int (*status)(const char *lab, const struct topo *t, size_t node,
		      const struct daemon_procs *p, unsigned timeout_ms,
		      struct snap_router *sr);
	int (*announce)(const char *lab, const struct topo *t, size_t node,
			bool on, struct err *e);
	/* Per-session announcement on a running lab (selective announce,
	 * withdraw, prepend): NULL when the row cannot. */
	int (*shape)(const char *lab, const struct topo *t, size_t node,
		     const struct daemon_shape *s, struct err *e);
	int (*routes)(const char *lab, const struct topo *t, size_t node,
		      const char *peer, daemon_route_fn fn, void *ctx,
		      struct err *e);
	/* The command a user can run to ask it directly; "" for none. */
	void (*hint)(const char *lab, const char *node, char *buf, size_t n);
	/* What in node's intent it cannot do exactly, as a sentence in buf
	 * (returned), or NULL when it can do all of it; NULL for a kind
	 * that can do everything. */
	const char *(*cannot)(const struct topo *t, const struct topo_intent *in,
			      char *buf, size_t cap);

	/* A daemon anycastlab executes from a configuration it writes
	 * (BIRD, FRR): used by daemon_exec_start and daemon_exec_wait. */
	int (*write_config)(const char *lab, const struct topo *t, size_t node);
	/* argv of role (argv[0] a path); strings live in store. */
	int (*argv)(const char *lab, const struct topo *t, size_t node,
		    size_t role, char store[][STATE_PATH_MAX],
		    const char **argv);
	/* 0 once the daemon answers on its control socket(s). */
	int (*ready)(const char *lab, const struct topo *t, size_t node);
	/* Its status over its control socket (daemon_exec_status adds
	 * what the journal knows: pid, memory). */
	int (*query)(const char *lab, const struct topo *t, size_t node,
		     unsigned timeout_ms, struct snap_router *sr);
};

/* The role of anycastlab's web server beside a POP's daemon. */
#define DAEMON_HTTP_ROLE	"http"

/* The row of node's kind. */
const struct daemon_ops *daemon_row(const struct topo *t, size_t node);

extern const struct daemon_ops daemon_builtin_ops;
extern const struct daemon_ops daemon_bird_ops;
extern const struct daemon_ops daemon_frr_ops;
extern const struct daemon_ops daemon_none_ops;

/* Start and wait for a daemon executed from its own configuration
 * (rows with write_config and argv), beside a POP's web server. */
int daemon_exec_start(struct journal *j, const char *lab, const struct topo *t,
		      size_t node, bool lab_start, struct daemon_procs *p,
		      struct err *e);
int daemon_exec_wait(const char *lab, const struct topo *t, size_t node,
		     const struct daemon_procs *p, unsigned timeout_ms);
/* An executed daemon's status: -ESRCH unless all its processes live,
 * then its query, with pid and memory from p. */
int daemon_exec_status(const char *lab, const struct topo *t, size_t node,
		       const struct daemon_procs *p, unsigned timeout_ms,
		       struct snap_router *sr);

/* The first of paths that is an executable file, or NULL. */
const char *daemon_find_program(const char *const *paths);

/* Connect to the Unix stream socket at path: fd or -errno. */
int daemon_sock_connect(const char *path);
/* Write all of p before the deadline. */
int daemon_sock_write(int fd, const void *p, size_t len,
		      const struct timespec *deadline);
/* Append what fd sends to raw until complete(raw) says a whole reply is
 * there (its length, returned) or the deadline passes (-ETIMEDOUT); the
 * peer closing first is -ECONNRESET. */
long daemon_sock_reply(int fd, struct dbuf *raw,
		       size_t (*complete)(const char *raw, size_t len),
		       const struct timespec *deadline);

/*
 * policy.c: routing policy as BIRD's and FRR's renderers share it.
 */
/* LOCAL_PREF both give a route learned over eBGP unless told otherwise
 * (BIRD's default bgp_local_pref, FRR's bgp default local-preference). */
#define DAEMON_DEFAULT_LP	100u
/* Learned routes carry the tag (DAEMON_TAG_FN): some rule on export
 * depends on where a route came from. */
bool daemon_pol_tagged(const struct topo_intent *in);
/* Session s honours LOCAL_PREF action communities. */
bool daemon_pol_lp_actions(const struct topo_intent *in,
			   const struct topo_intent_session *s);
/* Action a is a NO_ANNOUNCE or PREPEND toward session s's AS (or every
 * neighbour's). */
bool daemon_pol_toward(const struct bgp_action *a,
		       const struct topo_intent_session *s);
/* Some action is (daemon_pol_toward). */
bool daemon_pol_export_actions(const struct topo_intent *in,
			       const struct topo_intent_session *s);
/* Session s needs an import filter of its own (tag, LOCAL_PREF). */
bool daemon_pol_import(const struct topo_intent *in,
		       const struct topo_intent_session *s);
/* A POP announces the anycast prefix on s other than plainly. */
bool daemon_pol_announce(const struct topo_intent *in,
			 const struct topo_intent_session *s);
/* Session s needs an export filter of its own. */
bool daemon_pol_export(const struct topo_intent *in,
		       const struct topo_intent_session *s);
/* Any policy at all: false renders the lab without policy. */
bool daemon_pol_any(const struct topo_intent *in);
/* "30s", or "1500ms" when not whole seconds. */
const char *daemon_ms_str(uint32_t ms, char *buf, size_t n);
/* The first session whose MRAI bad() refuses, or NULL; *same: all
 * sessions have the same MRAI. */
const struct topo_intent_session *daemon_pol_mrai(const struct topo_intent *in,
						  bool (*bad)(uint32_t ms),
						  bool *same);
/* The refusals BIRD and FRR share (unknown-attributes: discard, a
 * community in the tag's space), kind "bird" or "frr", title "BIRD 2":
 * the sentence in buf, or NULL. */
const char *daemon_pol_cannot(const struct topo *t,
			      const struct topo_intent *in, const char *kind,
			      const char *title, char *buf, size_t cap);
/* Append community tok as the daemon printed it ("65000:1",
 * "13335:1:2", "no-export", FRR's "local-AS") to the text dst of n
 * bytes in our spelling, unless it is the tag of AS asn. */
void daemon_comm_add(char *dst, size_t n, const char *tok, uint32_t asn);

/*
 * live.c: a POP's announcement as changed on a running lab, for the
 * daemons configured from a file.  daemon_live_load applies the changes
 * so far to in (built from the topology) and gives each session's
 * generation in gen[in->nsess] (0: unchanged; gen may be NULL);
 * daemon_live_change applies s as the built-in router does (withdrawn:
 * the POP withdrew the anycast prefix everywhere, so an announce goes to
 * the named neighbours only), marks the sessions it changes, steps their
 * generation and counts them; daemon_live_save keeps in's sessions;
 * daemon_live_forget drops them (the node starts from its topology).
 * daemon_live_parse_line reads one line of the file: pure.
 */
int daemon_live_load(const char *lab, const struct topo *t, size_t node,
		     struct topo_intent *in, unsigned *gen);
size_t daemon_live_change(struct topo_intent *in, const struct daemon_shape *s,
			  bool withdrawn, bool *changed, unsigned *gen);
int daemon_live_save(const char *lab, const struct topo *t, size_t node,
		     const struct topo_intent *in, const unsigned *gen);
void daemon_live_forget(const char *lab, const struct topo *t, size_t node);
int daemon_live_parse_line(const char *line, char *peer, size_t n,
			   bool *announce, unsigned *prepend, unsigned *gen);

/* The peer node whose planned address on a link of node is addr, or -1. */
long daemon_peer_by_addr(const struct topo *t, size_t node, uint32_t addr);
/* Copy src into dst of n bytes, cut to fit; NULL copies as "". */
void daemon_copy(char *dst, size_t n, const char *src);

#endif

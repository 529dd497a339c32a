/*
 * Topology model: what a lab file says (topo_load), whether it makes sense
 * (topo_validate), and what it means on a machine (topo_plan): namespace
 * names, interface names, addresses, router ids.  Pure: no netlink, no
 * root, deterministic (the same file always gives the same plan).
 *
 * File format (YAML), every key optional unless marked:
 *
 *   name: world                    # required; lab name, namespace prefix
 *   anycast:
 *     prefix: 104.16.0.0/24        # announced by every POP
 *     address: 104.16.0.1          # on lo in every POP
 *   addressing:
 *     links: 100.64.0.0/16         # one /31 per link, in file order
 *     loopbacks: 100.127.0.0/24    # one /32 per router: its router id
 *   defaults:
 *     hold-time: 3                 # BGP hold time, seconds (0 or 3..65535)
 *     connect-retry: 1             # seconds between connection attempts
 *     daemon: builtin              # builtin | bird | frr | none
 *     max-prefix: 10000            # per session; 0: no limit   (also per node)
 *     max-prefix-action: restart   # restart | warn | stop      (also per node)
 *     max-prefix-restart: 30       # seconds before a restart   (also per node)
 *     ttl-security: true           # GTSM, RFC 5082             (also per node)
 *     password: s3cret             # TCP-MD5, RFC 2385          (also per link)
 *     send-hold-time: 0            # RFC 9687, seconds; 0: max(480, 2 x hold)
 *   nodes:                         # required
 *     syd: {kind: pop, asn: 13335, city: Sydney, lat: -33.87, lon: 151.21}
 *     x:   {kind: isp, asn: 64500, passive: true}   # never connects first
 *     y:   {kind: isp, asn: 64501, unknown-attributes: discard}
 *                                  # pass (default): unknown optional
 *                                  # transitive attributes go on with
 *                                  # Partial set; discard: dropped
 *   links:                         # [a, b] or {endpoints: [a, b], delay: 2ms}
 *     - [telstra, syd]
 *     - {endpoints: [telstra, optus], delay: 2ms, loss: 0.5%, rate: 10mbit}
 *
 * Names (lab and nodes) are [a-z0-9-], start with a letter, at most 15
 * characters.  kind is pop, isp or user; pops and isps need an asn
 * (1..4294967294, not 23456 or 65535), users have none.  delay takes us, ms
 * or s; loss a percentage; rate bit, kbit, mbit or gbit.
 */
#ifndef ANYCASTLAB_TOPO_TOPO_H
#define ANYCASTLAB_TOPO_TOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bgp/policy.h"
#include "util/ip.h"

/* Interface names are the peer's node name: IFNAMSIZ - 1. */
#define TOPO_NAME_MAX	15
/* Namespace "<lab>-<node>". */
#define TOPO_NETNS_MAX	(TOPO_NAME_MAX + 1 + TOPO_NAME_MAX)
/* No node: a link end that named no known node, a router's isp. */
#define TOPO_NONE	((size_t)-1)

enum topo_kind {
	TOPO_KIND_POP,
	TOPO_KIND_ISP,
	TOPO_KIND_USER,
};

enum topo_daemon {
	TOPO_DAEMON_DEFAULT,	/* as defaults.daemon says */
	TOPO_DAEMON_BUILTIN,
	TOPO_DAEMON_BIRD,
	TOPO_DAEMON_FRR,
	/* anycastlab builds the node's namespace and links and runs no
	 * daemon there: bring your own (anycastlab exec NODE -- ...). */
	TOPO_DAEMON_NONE,
};

/*
 * What a router does with a peer that sends more prefixes than
 * max-prefix (RFC 4486 section 4): Cease 1/1 and a restart after
 * max-prefix-restart seconds, a warning once per session, or Cease and no
 * restart until the router is restarted.
 */
enum topo_max_prefix_action {
	TOPO_MAXPFX_RESTART,
	TOPO_MAXPFX_WARN,
	TOPO_MAXPFX_STOP,
};

#define TOPO_MAXPFX_DEFAULT		10000u
#define TOPO_MAXPFX_RESTART_DEFAULT	30u
/* TCP_MD5SIG_MAXKEYLEN */
#define TOPO_PASSWORD_MAX		80

/* Session settings of a router's BGP sessions, lab-wide (defaults:) or
 * for one node; given says which of them the file set there. */
struct topo_session {
	uint32_t max_prefix;		/* 0: no limit */
	enum topo_max_prefix_action max_prefix_action;
	uint16_t max_prefix_restart;	/* seconds, >= 1 */
	bool ttl_security;		/* GTSM on single-hop eBGP */
	unsigned given;			/* TOPO_SESS_* */
};

enum {
	TOPO_SESS_MAX_PREFIX = 1 << 0,
	TOPO_SESS_ACTION = 1 << 1,
	TOPO_SESS_RESTART = 1 << 2,
	TOPO_SESS_TTL = 1 << 3,
};

/*
 * A link's business relationship (rel:), said of its first endpoint:
 * `rel: provider` means a is b's provider, `rel: customer` that a is b's
 * customer, `rel: peer` settlement-free peering.  NONE: not given.
 */
enum topo_rel {
	TOPO_REL_NONE,
	TOPO_REL_PROVIDER,
	TOPO_REL_CUSTOMER,
	TOPO_REL_PEER,
};

/* Communities one origin attaches (per node or per link). */
#define TOPO_COMMS_MAX		8
/* Action communities one ISP offers. */
#define TOPO_ACTIONS_MAX	64
/* MRAI: at most an hour. */
#define TOPO_MRAI_MAX_MS	3600000u

/* Policy settings a router takes from defaults: or sets itself; given
 * says which of them a node set (TOPO_POL_*). */
struct topo_policy {
	uint32_t local_pref[BGP_ROLES];	/* by the neighbour's role */
	uint32_t mrai_ms;
	bool always_compare_med;
	bool multipath;
	unsigned given;
};

enum {
	TOPO_POL_LP_CUSTOMER = 1 << BGP_ROLE_CUSTOMER,
	TOPO_POL_LP_PEER = 1 << BGP_ROLE_PEER,
	TOPO_POL_LP_PROVIDER = 1 << BGP_ROLE_PROVIDER,
	TOPO_POL_LP_NONE = 1 << BGP_ROLE_NONE,
	TOPO_POL_MRAI = 1 << 4,
	TOPO_POL_ACM = 1 << 5,
	TOPO_POL_MULTIPATH = 1 << 6,
};

/* 1-based line and column in the file, 0 when unknown. */
struct topo_pos {
	unsigned line;
	unsigned col;
};

struct topo_node {
	char name[TOPO_NAME_MAX + 1];
	enum topo_kind kind;
	uint32_t asn;			/* 0 for users */
	char *city;			/* NULL when not given */
	double lat, lon;
	bool has_lat, has_lon;
	enum topo_daemon daemon;	/* resolved by topo_plan; users keep
					   TOPO_DAEMON_DEFAULT (they run none) */
	bool daemon_given;		/* the node says daemon: itself, which
					 * a lab-wide default never overrides */
	bool passive;			/* router: never opens a BGP connection,
					 * waits for the peer to */
	/* router: unknown-attributes: discard (RFC 4271 §5 passes unknown
	 * optional transitive attributes on; this drops them on receipt) */
	bool unknown_attrs_discard;
	struct topo_pos unknown_attrs_pos;	/* the value, 0:0 when absent */
	struct topo_pos pos;		/* the node's key */
	struct topo_pos asn_pos;	/* the asn value, 0:0 when absent */
	/* kind was given and known; false only while a broken file is
	 * being checked, so checks that depend on the kind skip the node */
	bool has_kind;
	struct topo_session session;	/* what it sets over defaults: */
	struct topo_policy policy;	/* likewise */
	/* A POP's announcement of the anycast prefix on every session,
	 * unless its link says otherwise: extra copies of its AS, and
	 * communities. */
	unsigned prepend;
	struct bgp_comm comms[TOPO_COMMS_MAX];
	size_t ncomms;
	/* An ISP's action communities, offered to its customers. */
	struct bgp_action *actions;
	size_t nactions;
	struct topo_pos policy_pos;	/* first policy key, for messages */

	/* plan */
	char netns[TOPO_NETNS_MAX + 1];
	uint32_t router_id;		/* loopback /32; 0 for users */
	uint32_t gateway;		/* users: the ISP's address on the link */
	size_t isp;			/* users: index of their ISP; TOPO_NONE
					   for routers */
};

struct topo_link {
	size_t a, b;			/* node indices, in file order; TOPO_NONE
					   only while a broken file is checked */
	struct topo_pos pos;		/* the list item */
	uint32_t delay_us;		/* netem, 0 = none */
	uint32_t loss_ppm;		/* netem loss, parts per million */
	uint64_t rate_bps;		/* tbf/netem rate, 0 = unlimited */
	/* TCP-MD5 key of the session on this link; "" = defaults'. */
	char password[TOPO_PASSWORD_MAX + 1];
	enum topo_rel rel;
	struct topo_pos rel_pos;	/* the value, 0:0 when absent */
	uint32_t local_pref;		/* both ends, for routes over it; 0: none */
	uint32_t mrai_ms;
	bool mrai_given;
	/* The POP end's announcement of the anycast prefix on this link
	 * (links with a POP only): over its node's settings. */
	bool no_announce;		/* announce: false */
	bool prepend_given;
	unsigned prepend;
	bool med_given;
	uint32_t med;
	bool comms_given;
	struct bgp_comm comms[TOPO_COMMS_MAX];
	size_t ncomms;
	struct topo_pos pop_pos;	/* first POP-only key, 0:0 when none */

	/* plan */
	struct prefix4 net;		/* the /31 */
	uint32_t addr_a, addr_b;	/* a's and b's address on it */
};

/*
 * The zone every POP serves on the anycast address (the file's dns:
 * block).  Records are kept as written and checked by building the zone
 * (topo_dns_zone) in validate.c, so a bad one is reported at its line.
 */
#define TOPO_DNS_ORIGIN_DEFAULT	"cdn.example.com."
#define TOPO_DNS_TTL_DEFAULT	60
#define TOPO_DNS_RATE_DEFAULT	200	/* responses/s per /24 (RRL) */
#define TOPO_DNS_BURST_DEFAULT	400
#define TOPO_DNS_SLIP_DEFAULT	2
#define TOPO_DNS_RECORDS_MAX	1024

struct topo_dns_record {
	char *name, *type, *data;	/* as written */
	uint32_t ttl;			/* 0: the block's ttl */
	bool ttl_given;
	unsigned nth;			/* 1-based place in the file's list */
	struct topo_pos pos;		/* of the record */
	struct topo_pos data_pos;	/* of its data */
};

struct topo_dns {
	bool off;			/* dns: off: the POPs serve no DNS */
	char *zone;			/* NULL: TOPO_DNS_ORIGIN_DEFAULT */
	struct topo_pos zone_pos;
	uint32_t ttl;			/* for records without their own */
	struct topo_dns_record *records;
	size_t nrecords;
	uint32_t rate;			/* 0: no rate limit */
	uint32_t burst, slip;
	bool given;			/* the file has a dns: block */
	struct topo_pos pos;		/* of its key */
};

enum topo_bad {
	TOPO_BAD_ANYCAST_PREFIX = 1 << 0,
	TOPO_BAD_ANYCAST_ADDR = 1 << 1,
	TOPO_BAD_LINK_POOL = 1 << 2,
	TOPO_BAD_LOOPBACK_POOL = 1 << 3,
};

struct topo {
	char *file;			/* path as given, for messages */
	char name[TOPO_NAME_MAX + 1];
	struct prefix4 anycast_prefix;
	uint32_t anycast_addr;
	struct prefix4 link_pool;
	struct prefix4 loopback_pool;
	uint16_t hold_time;
	uint16_t connect_retry;
	enum topo_daemon daemon;	/* default for routers */
	struct topo_session session;	/* defaults: for every router */
	char password[TOPO_PASSWORD_MAX + 1];	/* defaults:, "" none */
	uint16_t send_hold_time;	/* seconds; 0: RFC 9687's default */
	struct topo_policy policy;	/* defaults: for every router */
	struct topo_dns dns;

	struct topo_node *nodes;
	size_t nnodes;
	struct topo_link *links;
	size_t nlinks;

	/* Settings the file gave but the loader rejected (already reported);
	 * only while a broken file is checked, so checks needing them skip. */
	unsigned bad;			/* TOPO_BAD_* */

	/* Where the file sets these (0:0 when defaulted), for messages. */
	struct topo_pos anycast_prefix_pos, anycast_addr_pos;
	struct topo_pos link_pool_pos, loopback_pool_pos;
	struct topo_pos nodes_pos, links_pos;
};

/*
 * One problem found in a file: "file:line:col: error: message".  An error
 * stops the lab; a warning names something that loads and runs but can
 * hardly be what the author meant (an ISP with no link at all), and only
 * callers that ask for warnings get them.
 */
enum topo_severity {
	TOPO_SEV_ERROR,
	TOPO_SEV_WARNING,
};

struct topo_diag {
	struct topo_pos pos;
	enum topo_severity sev;
	char msg[256];
	/* What to do about it, for a person (static text, or NULL): printed
	 * by topo_diags_report as a "note:" line after the message, so the
	 * message itself stays the one line tools and tests compare. */
	const char *hint;
};

struct topo_diags {
	struct topo_diag *v;
	size_t n, cap;
	size_t errors;			/* how many of v[] are errors */
	bool warnings;			/* set by the caller: record warnings too
					 * (check, up); off, a clean file leaves
					 * d empty, as it always did */
};

/* `check` and `up` print this many diagnostics, then "... and N more". */
#define TOPO_DIAGS_SHOWN	20

void topo_diags_free(struct topo_diags *d);
/* Record an error at pos; 0 or -ENOMEM.  The message is cut at 255 bytes. */
int topo_diag_add(struct topo_diags *d, struct topo_pos pos,
		  const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Record a warning at pos when d->warnings asks for them; 0 or -ENOMEM. */
int topo_diag_warn(struct topo_diags *d, struct topo_pos pos,
		   const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Order by position; problems at the same place keep the order found. */
void topo_diags_sort(struct topo_diags *d);
/* Print every diagnostic as "file:line:col: error: msg" (or "warning:"),
 * as ordered. */
void topo_diags_print(const struct topo_diags *d, const char *file, FILE *f);
/*
 * What a person reads: the first max diagnostics as topo_diags_print
 * writes them, each followed by "file:line:col: note: <hint>" when it
 * has a hint, then "... and N more errors" (and warnings) for the rest,
 * then, when there are errors, "file: N errors<after>" with the exact
 * count.  Warnings alone get no summary line.
 */
void topo_diags_report(const struct topo_diags *d, const char *file,
		       size_t max, const char *after, FILE *f);

/*
 * Load, validate and plan.  Returns 0; -EINVAL with every problem found
 * appended to *d, sorted by position (the topology is then freed); or
 * another -errno when the file cannot be read or memory runs out (nothing
 * added to *d).  A YAML syntax error is the one problem reported alone.
 * With d->warnings set, warnings are appended too, and a file with
 * warnings but no error loads (0).
 */
int topo_load_file(const char *path, struct topo *t, struct topo_diags *d);
int topo_load_buf(const char *file, const char *data, size_t len,
		  struct topo *t, struct topo_diags *d);
void topo_free(struct topo *t);

struct dns_zone;
/*
 * The zone the POPs serve, built and finished from t->dns: the records
 * given, then what a resolver needs that they lack (the apex address
 * record, SOA, NS and its address, as in dns_zone_add_default), or the
 * default zone when no record is given.  Each problem goes to bad() as
 * one sentence, with the index of the record at fault (nrecords when it
 * is the zone's); after any, NULL (errno EINVAL, or ENOMEM with no call).
 */
typedef void topo_dns_bad_fn(void *ctx, size_t record, const char *why);
struct dns_zone *topo_dns_zone(const struct topo *t, topo_dns_bad_fn *bad,
			       void *ctx);
const char *topo_dns_origin(const struct topo *t);

/*
 * The checks that span nodes and links (AS numbers, who links to whom,
 * address pools), on a model the loader filled in.  Adds one diagnostic per
 * problem; 0, -EINVAL when it found any, or -ENOMEM.
 */
int topo_validate(const struct topo *t, struct topo_diags *d);
/*
 * Derive namespaces, addresses, router ids, user gateways and daemons.
 * Needs a topology that passed topo_validate; 0, or -EINVAL when the pools
 * cannot hold the lab or a link end is unresolved.
 */
int topo_plan(struct topo *t);

/*
 * Whether s is a valid lab or node name: [a-z0-9-], a letter first, no
 * '-' last, 1 to TOPO_NAME_MAX bytes.  Every name that reaches a path,
 * a namespace or a command line as root is checked with this first.
 */
bool topo_name_valid(const char *s);

/* Index of the node called name, or -1. */
long topo_node_find(const struct topo *t, const char *name);
/* The link between nodes i and j, or NULL. */
const struct topo_link *topo_link_find(const struct topo *t, size_t i,
				       size_t j);
/* Node i's address on link l (l must touch i), and the node at the
 * other end. */
uint32_t topo_link_addr(const struct topo_link *l, size_t i);
size_t topo_link_peer(const struct topo_link *l, size_t i);

/* Node i's session settings: its own over the lab's defaults. */
void topo_node_session(const struct topo *t, size_t i, struct topo_session *out);
/* Node i's policy settings: its own over the lab's defaults. */
void topo_node_policy(const struct topo *t, size_t i, struct topo_policy *out);
/* What the node at the other end of link l is to node self. */
enum bgp_role topo_link_role(const struct topo_link *l, size_t self);
/*
 * Whether the file sets anything that makes BGP choose otherwise than by
 * AS path length alone: a relationship, a LOCAL_PREF (per link, per
 * router, in defaults), an origin's prepend, communities, MED or
 * announce: false, action communities, always-compare-med or multipath.
 * MRAI changes when, not what, and does not count.
 */
bool topo_has_policy(const struct topo *t);
/* The TCP-MD5 key of link l's session, "" for none. */
const char *topo_link_password(const struct topo *t, const struct topo_link *l);
/*
 * GTSM on the session node self has with node other: self's ttl-security,
 * single-hop eBGP (different ASes), and other runs a daemon anycastlab
 * configures the same way.  A `daemon: none` peer brings its own
 * configuration: only its own ttl-security: true says it does GTSM.
 */
bool topo_session_gtsm(const struct topo *t, size_t self, size_t other);
const char *topo_max_prefix_action_name(enum topo_max_prefix_action a);

const char *topo_kind_name(enum topo_kind k);
const char *topo_daemon_name(enum topo_daemon d);
/*
 * The failover table a topology file may carry in a comment, a header
 * "#   user nearest | a b" then rows "#   u-x  a | b a": the POP that
 * answers user while pop is down, read from the file f, or -1 when the
 * table does not say.
 */
long topo_table_next_pop(FILE *f, const struct topo *t, size_t user,
			 size_t pop);
/* "builtin", "bird", "frr", "none" into *d: 0, or -EINVAL. */
int topo_daemon_parse(const char *s, enum topo_daemon *d);

/*
 * Predicted catchment: for every node, the POP its traffic to the anycast
 * address reaches while POP down_pop (a node index, or -1 for none) is out.
 * Models BGP path selection by shortest AS path with loop prevention: POPs
 * originate the prefix and prefer their own route, so paths cross ISPs
 * only.  user_pop holds t->nnodes entries: a POP's index,
 * TOPO_CATCH_UNREACHABLE, or TOPO_CATCH_TIE when two different POPs are
 * equally near anywhere on the shortest paths (BGP then picks by router
 * id; topo_catchment_tie says which POP that gives).  0, -EINVAL when down_pop is
 * not a POP or a link end is unresolved, or -ENOMEM.
 */
#define TOPO_CATCH_UNREACHABLE	(-1L)
#define TOPO_CATCH_TIE		(-2L)
int topo_catchment(const struct topo *t, long down_pop, long *user_pop);
/*
 * The same, and the way there: link_pop (t->nlinks entries) gets, for
 * every link on a user's shortest path to its POP, that POP's index; -1
 * for links no user's traffic crosses.  Among equally short paths to the
 * same POP the first link in the file is taken.
 */
int topo_catchment_paths(const struct topo *t, long down_pop, long *user_pop,
			 long *link_pop);

/*
 * How the routers settle a tie the prediction marks TOPO_CATCH_TIE.  BGP
 * goes past AS_PATH length to the BGP identifier of the advertising
 * neighbour (RFC 4271 section 9.1.2.2 f: the lowest router id wins; the
 * planner's router ids are unique, so the peer address of step g never
 * decides): every ISP takes the path of its lowest-id neighbour among
 * those equally near, and passes that one on.
 */
#define TOPO_TIE_POPS	8
struct topo_tie {
	size_t isp;			/* the user's ISP */
	size_t hops;			/* its AS path length to the tied POPs */
	long winner;			/* the POP the routers pick */
	size_t decider;			/* the router whose choice settles it */
	size_t chosen;			/* the neighbour it prefers there */
	size_t npops;			/* how many POPs are equally near */
	long pops[TOPO_TIE_POPS];	/* the first of them, in node order */
};
/*
 * Explain user's tie while POP down_pop (or -1) is out.  Needs a planned
 * topology (router ids).  0; -EINVAL when user is not tied there or a link
 * end is unresolved; -ENOMEM.
 */
int topo_catchment_tie(const struct topo *t, long down_pop, size_t user,
		       struct topo_tie *x);

/* The resolved plan as text (what `anycastlab check` prints). */
void topo_print_plan(const struct topo *t, FILE *f);
/* The catchment topo_catchment predicts, in the format of world.yaml's
 * table: nearest POP per user and the POP for each single failure; then,
 * for the first TOPO_DIAGS_SHOWN ties, which POPs tie and which one the
 * routers pick (topo_catchment_tie). */
void topo_print_catchment(const struct topo *t, FILE *f);
/* A link's netem and rate settings, "delay 2ms, loss 0.5%, rate 10mbit"
 * with sep between name and value, in buf; "" when it has none. */
const char *topo_netem_str(const struct topo_link *l, const char *sep,
			   char *buf, size_t cap);
/* The topology back as YAML that loads to the same plan. */
void topo_print_yaml(const struct topo *t, FILE *f);

/*
 * What a drawing shows on top of the topology (graph.c).  Every array may
 * be NULL and is indexed like t->nodes or t->links.
 */
struct topo_view {
	const char *caption;		/* second title line, or NULL */
	const long *user_pop;		/* users: the POP they reach, < 0 none */
	const char *const *note;	/* nodes: what is wrong ("killed",
					 * "withdrawn"); NULL or "" when fine */
	const bool *link_cut;		/* links: carrier lost */
	const long *link_pop;		/* links: the POP whose users' traffic
					 * crosses it, < 0 none */
};

enum topo_graph {
	TOPO_GRAPH_DOT,			/* Graphviz */
	TOPO_GRAPH_MERMAID,		/* Mermaid flowchart (renders on GitHub) */
};

/* The lab drawn with view v (NULL: the bare topology). */
void topo_print_graph(const struct topo *t, const struct topo_view *v,
		      enum topo_graph g, FILE *f);

#endif

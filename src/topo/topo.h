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
 *     daemon: builtin              # builtin | bird | frr
 *   nodes:                         # required
 *     syd: {kind: pop, asn: 13335, city: Sydney, lat: -33.87, lon: 151.21}
 *   links:                         # [a, b] or {endpoints: [a, b], delay: 2ms}
 *     - [telstra, syd]
 */
#ifndef ANYCASTLAB_TOPO_TOPO_H
#define ANYCASTLAB_TOPO_TOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/ip.h"

/* Interface names are the peer's node name: IFNAMSIZ - 1. */
#define TOPO_NAME_MAX	15
/* Namespace "<lab>-<node>". */
#define TOPO_NETNS_MAX	(TOPO_NAME_MAX + 1 + TOPO_NAME_MAX)

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
	enum topo_daemon daemon;	/* resolved by topo_plan */
	struct topo_pos pos;		/* the node's key */

	/* plan */
	char netns[TOPO_NETNS_MAX + 1];
	uint32_t router_id;		/* loopback /32; 0 for users */
	uint32_t gateway;		/* users: the ISP's address on the link */
	size_t isp;			/* users: index of their ISP */
};

struct topo_link {
	size_t a, b;			/* node indices, in file order */
	struct topo_pos pos;		/* the list item */
	uint32_t delay_us;		/* netem, 0 = none */
	uint32_t loss_ppm;		/* netem loss, parts per million */
	uint64_t rate_bps;		/* tbf/netem rate, 0 = unlimited */

	/* plan */
	struct prefix4 net;		/* the /31 */
	uint32_t addr_a, addr_b;	/* a's and b's address on it */
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

	struct topo_node *nodes;
	size_t nnodes;
	struct topo_link *links;
	size_t nlinks;
};

/* One problem found in a file: "file:line:col: message". */
struct topo_diag {
	struct topo_pos pos;
	char msg[256];
};

struct topo_diags {
	struct topo_diag *v;
	size_t n, cap;
};

void topo_diags_free(struct topo_diags *d);
/* Print every diagnostic as "file:line:col: error: msg", in file order. */
void topo_diags_print(const struct topo_diags *d, const char *file, FILE *f);

/*
 * Load, validate and plan.  Returns 0; -EINVAL with every problem found in
 * *d (the topology is then freed); or another -errno when the file cannot
 * be read (nothing in *d).
 */
int topo_load_file(const char *path, struct topo *t, struct topo_diags *d);
int topo_load_buf(const char *file, const char *data, size_t len,
		  struct topo *t, struct topo_diags *d);
void topo_free(struct topo *t);

/* Index of the node called name, or -1. */
long topo_node_find(const struct topo *t, const char *name);
/* The link between nodes i and j, or NULL. */
const struct topo_link *topo_link_find(const struct topo *t, size_t i,
				       size_t j);
/* Node i's address on link l (l must touch i), and the node at the
 * other end. */
uint32_t topo_link_addr(const struct topo_link *l, size_t i);
size_t topo_link_peer(const struct topo_link *l, size_t i);

const char *topo_kind_name(enum topo_kind k);
const char *topo_daemon_name(enum topo_daemon d);

/* The resolved plan as text (what `anycastlab check` prints). */
void topo_print_plan(const struct topo *t, FILE *f);
/* The topology back as YAML that loads to the same plan. */
void topo_print_yaml(const struct topo *t, FILE *f);

#endif

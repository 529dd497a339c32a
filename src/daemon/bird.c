/*
 * BIRD 2 as a node's BGP speaker: its configuration generated from the
 * topology, its command line, and a client of its CLI socket (the
 * protocol birdc speaks) with parsers for what `show protocols all` and
 * `show route ... all` print.
 *
 * The configuration gives BIRD the built-in speaker's behaviour: one eBGP
 * session per link to another router, local and peer address from the
 * plan, the loopback as router id, the same originations, best paths
 * re-advertised with next hop self, only BGP routes in the kernel FIB, a
 * session dropped the moment its link loses carrier, and timers short
 * enough that a revived or healed peer is back within about a second.
 * Each choice is explained in the generated file itself.
 */
#include "daemon/daemon.h"
#include "daemon/daemon_int.h"
#include "topo/intent.h"
#include "run/state.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Debian's bird2 package makes this user; without it BIRD stays root. */
#define BIRD_USER	"bird"

static const char *const bird_roles[] = { "bird" };

static const char *const bird_paths[] = {
	"/usr/sbin/bird", "/usr/local/sbin/bird", "/sbin/bird", NULL,
};

static const char *bird_program(size_t role)
{
	const char *env = getenv("ANYCASTLAB_BIRD");
	const char *one[2] = { env, NULL };

	(void)role;
	/* A BIRD of your own (a build of another version) instead. */
	return daemon_find_program(env && *env ? one : bird_paths);
}

/* "peer_" + the node name with '-' as '_'. */
static void bird_peer_sym(const char *node, char *buf, size_t n)
{
	size_t i;

	snprintf(buf, n, DAEMON_BIRD_PEER_PREFIX "%s", node);
	for (i = 0; buf[i]; i++)
		if (buf[i] == '-')
			buf[i] = '_';
}

/* The node a BGP protocol name stands for, "" when it is not a peer. */
static void bird_sym_peer(const char *sym, char *buf, size_t n)
{
	size_t i, pl = strlen(DAEMON_BIRD_PEER_PREFIX);

	buf[0] = '\0';
	if (strncmp(sym, DAEMON_BIRD_PEER_PREFIX, pl))
		return;
	snprintf(buf, n, "%s", sym + pl);
	for (i = 0; buf[i]; i++)
		if (buf[i] == '_')
			buf[i] = '-';
}

/* A community as a BIRD literal: (a, b) or (a, b, c). */
static const char *bird_comm(const struct bgp_comm *c, char *buf, size_t n)
{
	if (c->large)
		snprintf(buf, n, "(%u, %u, %u)", c->a, c->b, c->c);
	else
		snprintf(buf, n, "(%u, %u)", c->a, c->b & 0xffff);
	return buf;
}

static const char *bird_comm_attr(const struct bgp_comm *c)
{
	return c->large ? "bgp_large_community" : "bgp_community";
}

/* "lab_in_x_y" for the session to node "x-y". */
static void bird_filter_sym(const char *dir, const char *node, char *buf,
			    size_t n)
{
	size_t i, k = strlen(dir);

	snprintf(buf, n, "%s%s", dir, node);
	for (i = k; buf[i]; i++)
		if (buf[i] == '-')
			buf[i] = '_';
}

static void bird_prepend(FILE *f, const char *indent, uint32_t asn,
			 unsigned times)
{
	unsigned i;

	for (i = 0; i < times; i++)
		fprintf(f, "%sbgp_path.prepend(%u);\n", indent, asn);
}

/* The import filter of session x: the tag, then LOCAL_PREF (a LOCAL_PREF
 * action community first, in the order the node lists them). */
static void bird_import(FILE *f, const struct topo_intent *in,
			const struct topo_intent_session *x)
{
	char sym[TOPO_NAME_MAX + 16], c[48];
	const char *els = "";
	size_t i;

	bird_filter_sym("lab_in_", x->peer_name, sym, sizeof(sym));
	fprintf(f, "\n# From %s, %s:\n"
		"# %sLOCAL_PREF %u%s.\n"
		"filter %s {\n", x->peer_name, bgp_role_phrase(x->role),
		daemon_pol_tagged(in) ? "the tag, " : "", x->local_pref,
		daemon_pol_lp_actions(in, x) ?
		" (or its LOCAL_PREF action community's)" : "", sym);
	if (daemon_pol_tagged(in))
		fprintf(f, "\tbgp_large_community.delete([(%u, %u, *)]);\n"
			"\tbgp_large_community.add((%u, %u, %d));\n", in->asn,
			DAEMON_TAG_FN, in->asn, DAEMON_TAG_FN, (int)x->role);
	for (i = 0; daemon_pol_lp_actions(in, x) && i < in->policy.nactions; i++) {
		const struct bgp_action *a = &in->policy.actions[i];

		if (a->kind != BGP_ACTION_LOCAL_PREF)
			continue;
		fprintf(f, "\t%sif %s ~ %s then bgp_local_pref = %u;\n", els,
			bird_comm(&a->comm, c, sizeof(c)), bird_comm_attr(&a->comm),
			a->value);
		els = "else ";
	}
	fprintf(f, "\t%sbgp_local_pref = %u;\n"
		"\taccept;\n"
		"}\n", els, x->local_pref);
}

/* The PREPEND actions toward session x's AS, largest first: the largest
 * one the route carries is the one applied. */
static void bird_action_prepends(FILE *f, const struct topo_intent *in,
				 const struct topo_intent_session *x)
{
	const char *els = "";
	unsigned best, prev = ~0u;
	char c[48];
	size_t i;

	for (;;) {
		best = 0;
		for (i = 0; i < in->policy.nactions; i++) {
			const struct bgp_action *a = &in->policy.actions[i];

			if (a->kind == BGP_ACTION_PREPEND && a->value < prev &&
			    a->value > best && daemon_pol_toward(a, x))
				best = a->value;
		}
		if (!best)
			return;
		for (i = 0; i < in->policy.nactions; i++) {
			const struct bgp_action *a = &in->policy.actions[i];

			if (a->kind != BGP_ACTION_PREPEND || a->value != best ||
			    !daemon_pol_toward(a, x))
				continue;
			fprintf(f, "\t\t\t%sif %s ~ %s then {\n", els,
				bird_comm(&a->comm, c, sizeof(c)),
				bird_comm_attr(&a->comm));
			bird_prepend(f, "\t\t\t\t", in->asn, best);
			fprintf(f, "\t\t\t}\n");
			els = "else ";
		}
		prev = best;
	}
}

/* The export filter of session x: the rules for learned routes (valley-
 * free, the customers' action communities, the tag removed), then how a
 * POP announces the anycast prefix here. */
static void bird_export(FILE *f, const struct topo_intent *in,
			const struct topo_intent_session *x)
{
	char sym[TOPO_NAME_MAX + 16], c[48];
	bool up = x->role == BGP_ROLE_PEER || x->role == BGP_ROLE_PROVIDER;
	size_t i;

	bird_filter_sym("lab_out_", x->peer_name, sym, sizeof(sym));
	fprintf(f, "\n# To %s, %s.\n"
		"filter %s {\n"
		"\tif !(source ~ [RTS_STATIC, RTS_BGP]) then reject;\n",
		x->peer_name, bgp_role_phrase(x->role), sym);
	if (daemon_pol_tagged(in)) {
		fprintf(f, "\tif source = RTS_BGP then {\n");
		if (up)
			fprintf(f, "\t\t# Valley-free: what a peer or a provider sent goes to\n"
				"\t\t# customers only.\n"
				"\t\tif bgp_large_community ~ [(%u, %u, %d..%d)] then reject;\n",
				in->asn, DAEMON_TAG_FN, BGP_ROLE_PEER, BGP_ROLE_PROVIDER);
		if (daemon_pol_export_actions(in, x))
			fprintf(f, "\t\t# Action communities, honoured on what customers (and\n"
				"\t\t# neighbours without a relationship) sent.\n"
				"\t\tif bgp_large_community ~ [(%u, %u, %d..%d)] then {\n",
				in->asn, DAEMON_TAG_FN, BGP_ROLE_NONE, BGP_ROLE_CUSTOMER);
		for (i = 0; i < in->policy.nactions; i++) {
			const struct bgp_action *a = &in->policy.actions[i];

			if (a->kind == BGP_ACTION_NO_ANNOUNCE &&
			    daemon_pol_toward(a, x))
				fprintf(f, "\t\t\tif %s ~ %s then reject;\n",
					bird_comm(&a->comm, c, sizeof(c)),
					bird_comm_attr(&a->comm));
		}
		bird_action_prepends(f, in, x);
		if (daemon_pol_export_actions(in, x))
			fprintf(f, "\t\t}\n");
		fprintf(f, "\t\t# The tag stays on this router.\n"
			"\t\tbgp_large_community.delete([(%u, %u, *)]);\n"
			"\t}\n", in->asn, DAEMON_TAG_FN);
	}
	if (daemon_pol_announce(in, x) && !x->announce) {
		fprintf(f, "\t# announce: false on this link.\n"
			"\tif proto = \"" DAEMON_BIRD_ANYCAST "\" then reject;\n");
	} else if (daemon_pol_announce(in, x)) {
		fprintf(f, "\t# The anycast prefix as this link announces it.\n"
			"\tif proto = \"" DAEMON_BIRD_ANYCAST "\" then {\n");
		bird_prepend(f, "\t\t", in->asn, x->prepend);
		if (x->med_given)
			fprintf(f, "\t\tbgp_med = %u;\n", x->med);
		for (i = 0; i < x->ncomms; i++)
			fprintf(f, "\t\t%s.add(%s);\n", bird_comm_attr(&x->comms[i]),
				bird_comm(&x->comms[i], c, sizeof(c)));
		fprintf(f, "\t}\n");
	}
	fprintf(f, "\taccept;\n"
		"}\n");
}

static bool bird_mrai_bad(uint32_t ms)
{
	return ms != 0;
}

static const char *bird_cannot(const struct topo *t,
			       const struct topo_intent *in, char *buf,
			       size_t cap)
{
	const struct topo_intent_session *x;
	char d[24];
	bool same;

	if (daemon_pol_cannot(t, in, "bird", "BIRD 2", buf, cap))
		return buf;
	x = daemon_pol_mrai(in, bird_mrai_bad, &same);
	if (x) {
		snprintf(buf, cap, "bird cannot set an MRAI (node %s, mrai %s%s%s): "
			 "BIRD 2 has no MinRouteAdvertisementInterval; use daemon: "
			 "builtin or frr for this node", in->name,
			 daemon_ms_str(x->mrai_ms, d, sizeof(d)),
			 same ? "" : " toward ", same ? "" : x->peer_name);
		return buf;
	}
	return NULL;
}

/* node's configuration; with lab, its sessions as changed live, and the
 * anycast protocol disabled when off (withdrawn everywhere: BIRD reading
 * its configuration again enables what its CLI disabled). */
static int bird_config(const char *lab, bool off, const struct topo *t,
		       size_t node, FILE *f)
{
	const struct topo_node *n = &t->nodes[node];
	char a[IP4_STRLEN], b[PREFIX4_STRLEN], sym[TOPO_NAME_MAX + 16];
	char why[512];
	unsigned hold = t->hold_time;
	const struct topo_intent_session *ss;
	struct topo_intent in;
	size_t i;
	int r;

	r = topo_intent_build(t, node, &in);
	if (r < 0)
		return r;
	if (lab && (r = daemon_live_load(lab, t, node, &in, NULL)) < 0) {
		topo_intent_free(&in);
		return r;
	}
	/* Refuse rather than run a router that differs (daemon_check
	 * says why to the user). */
	if (bird_cannot(t, &in, why, sizeof(why))) {
		topo_intent_free(&in);
		return -EOPNOTSUPP;
	}
	/* The template's limits: max-prefix is the node's, the same on
	 * every session. */
	ss = in.nsess ? &in.sess[0] : NULL;
	fprintf(f, "# BIRD 2 configuration of %s (%s, AS%u) in lab %s, written by\n"
		"# anycastlab from the lab's topology every time the node starts.\n\n",
		n->name, topo_kind_name(n->kind), n->asn, t->name);
	fprintf(f, "# stderr is the node's log file.\n"
		"log stderr all;\n"
		"router id %s;\n", ip4_str(n->router_id, a));
	fprintf(f, "# Seconds since the epoch: anycastlab reads them to tell how long\n"
		"# a session has been in its state.\n"
		"timeformat protocol \"%%s\";\n\n");
	fprintf(f, "# Interfaces and their carrier, from netlink events as they come.\n"
		"protocol device {\n}\n\n");
	fprintf(f, "# The kernel FIB gets the best BGP paths and nothing else: the\n"
		"# connected routes are the kernel's own, and what this router\n"
		"# originates is only announced.\n"
		"protocol kernel {\n");
	/* BIRD's limit is 16 next hops unless told; 255 at most. */
	if (in.multipath)
		fprintf(f, "\t# multipath: true: the best path and those as good as it\n"
			"\t# (the same LOCAL_PREF, AS path length, origin and MED)\n"
			"\t# make one ECMP route.\n");
	if (in.multipath && in.nsess > 16)
		fprintf(f, "\tmerge paths on limit %zu;\n", in.nsess < 255 ? in.nsess : 255);
	else if (in.multipath)
		fprintf(f, "\tmerge paths on;\n");
	fprintf(f, "\tipv4 {\n"
		"\t\timport none;\n"
		"\t\texport where source = RTS_BGP;\n"
		"\t};\n"
		"}\n\n");
	fprintf(f, "# Originated as by anycastlab's own speaker: the loopback (the\n"
		"# router id)%s.\n"
		"protocol static " DAEMON_BIRD_OWN " {\n"
		"\tipv4;\n", in.norig > 1 ?
		" and the networks of the users behind this router" : "");
	for (i = 0; i < in.norig; i++)
		fprintf(f, "\troute %s unreachable;\n", prefix4_str(&in.orig[i], b));
	fprintf(f, "}\n\n");
	if (in.pop)
		fprintf(f, "# The anycast prefix, alone in its protocol: withdraw and\n"
			"# announce disable and enable it.\n"
			"protocol static " DAEMON_BIRD_ANYCAST " {\n"
			"%s"
			"\tipv4;\n"
			"\troute %s unreachable;\n"
			"}\n\n", off ? "\t# Withdrawn everywhere now.\n\tdisabled;\n" : "",
			prefix4_str(&in.anycast, b));
	fprintf(f, "# RFC 8212: without explicit policies BIRD neither accepts nor\n"
		"# sends anything on an eBGP session.  In: every path (AS-path loop\n"
		"# detection already drops the ones through this AS).  Out: what this\n"
		"# router originates and its best paths, never a kernel route.\n"
		"filter lab_in {\n"
		"\taccept;\n"
		"}\n\n"
		"filter lab_out {\n"
		"\tif source ~ [RTS_STATIC, RTS_BGP] then accept;\n"
		"\treject;\n"
		"}\n\n");
	if (daemon_pol_any(&in))
		fprintf(f, "# Routing policy, as anycastlab's own speaker applies it: the\n"
			"# sessions below with filters of their own.  NO_EXPORT and\n"
			"# NO_ADVERTISE are BIRD's to honour (interpret communities, on\n"
			"# by default), a MED is never passed on to another AS (BIRD sends\n"
			"# only one an export filter sets), communities are.  Ties go to\n"
			"# the lowest router id, then the lowest peer address (BIRD's\n"
			"# default), and what this router originates wins by its static\n"
			"# protocols' preference.\n");
	if (daemon_pol_tagged(&in))
		fprintf(f, "#\n"
			"# Every learned route carries the tag (%u, %u, ROLE):\n"
			"# what the neighbour that sent it is to this router, 0 no\n"
			"# relationship, 1 customer, 2 peer, 3 provider.  The export\n"
			"# filters read it and remove it, so it never leaves this router.\n",
			in.asn, DAEMON_TAG_FN);
	if (daemon_pol_any(&in))
		fprintf(f, "\n");
	fprintf(f, "template bgp lab_peer {\n"
		"\t# A link that loses carrier drops its session at once, as FRR's\n"
		"\t# fast external failover and anycastlab's own speaker do.\n"
		"\tcheck link yes;\n");
	if (hold)
		fprintf(f, "\t# From the topology: hold time %us, a keepalive every %us.\n"
			"\thold time %u;\n"
			"\tkeepalive time %u;\n"
			"\t# An OPEN that has not come within the hold time will not come\n"
			"\t# (the peer is frozen or gone): start over instead of waiting\n"
			"\t# BIRD's default of 240 s.\n"
			"\tstartup hold time %u;\n", hold, hold / 3, hold, hold / 3, hold);
	else
		fprintf(f, "\t# From the topology: no hold timer and no keepalives.\n"
			"\thold time 0;\n");
	fprintf(f, "\t# BIRD waits at least 1 s before it connects (its minimum); then\n"
		"\t# it retries every connect-retry of the topology.\n"
		"\tconnect delay time 1;\n"
		"\tconnect retry time %u;\n"
		"\t# No back-off after an error (BIRD's default is 60 s, doubling to\n"
		"\t# 300 s, and refuses the peer meanwhile): a thawed or healed peer\n"
		"\t# is accepted at once; the connect delay paces any reconnect loop.\n"
		"\terror wait time 0, 0;\n"
		"\t# A killed router must look like one: no graceful restart keeps\n"
		"\t# its routes.\n"
		"\tgraceful restart off;\n"
		"\tlong lived graceful restart off;\n", t->connect_retry);
	if (in.passive)
		fprintf(f, "\t# passive: true in the topology: the peers connect.\n"
			"\tpassive on;\n");
	/* GTSM in the template when every session has it, else per peer. */
	if (in.gtsm_all)
		fprintf(f, "\t# GTSM (RFC 5082): send with TTL 255, accept 255 only.\n"
			"\tttl security on;\n");
	if (in.always_compare_med)
		fprintf(f, "\t# always-compare-med: MEDs decide between paths from\n"
			"\t# different neighbour ASes too.\n"
			"\tmed metric on;\n");
	fprintf(f, "\tipv4 {\n"
		"\t\timport filter lab_in;\n"
		"\t\texport filter lab_out;\n"
		"\t\t# Peers reach everything through this router's address on\n"
		"\t\t# their link, as with the built-in speaker (eBGP's default).\n"
		"\t\tnext hop self;\n");
	if (ss && ss->max_prefix) {
		/* BIRD restarts at once (after error wait time, 0 here): it
		 * has no delay of its own for a limit. */
		fprintf(f, "\t\t# max-prefix of the topology: Cease 6/1 (RFC 4486) past it.\n"
			"\t\timport limit %u action %s;\n", ss->max_prefix,
			ss->max_prefix_action == TOPO_MAXPFX_WARN ? "warn" :
			ss->max_prefix_action == TOPO_MAXPFX_STOP ? "disable" :
			"restart");
	}
	fprintf(f, "\t};\n"
		"}\n");
	for (i = 0; i < in.nsess; i++) {
		const struct topo_intent_session *x = &in.sess[i];
		bool im = daemon_pol_import(&in, x), ex = daemon_pol_export(&in, x);

		if (im)
			bird_import(f, &in, x);
		if (ex)
			bird_export(f, &in, x);
		bird_peer_sym(x->peer_name, sym, sizeof(sym));
		fprintf(f, "\nprotocol bgp %s from lab_peer {\n"
			"\tdescription \"%s\";\n", sym, x->peer_name);
		fprintf(f, "\tlocal %s as %u;\n", ip4_str(x->local_addr, a),
			x->local_as);
		fprintf(f, "\tneighbor %s as %u;\n", ip4_str(x->peer_addr, a),
			x->peer_as);
		if (!in.gtsm_all && x->gtsm)
			fprintf(f, "\t# GTSM (RFC 5082): send with TTL 255, accept 255 only.\n"
				"\tttl security on;\n");
		/* The loader allows no quote or backslash in it. */
		if (x->password[0])
			fprintf(f, "\tpassword \"%s\";\n", x->password);
		if (im || ex) {
			fprintf(f, "\tipv4 {\n");
			if (im) {
				bird_filter_sym("lab_in_", x->peer_name, sym, sizeof(sym));
				fprintf(f, "\t\timport filter %s;\n", sym);
			}
			if (ex) {
				bird_filter_sym("lab_out_", x->peer_name, sym, sizeof(sym));
				fprintf(f, "\t\texport filter %s;\n", sym);
			}
			fprintf(f, "\t};\n");
		}
		fprintf(f, "}\n");
	}
	topo_intent_free(&in);
	return ferror(f) ? -EIO : 0;
}

int daemon_bird_config(const struct topo *t, size_t node, FILE *f)
{
	return bird_config(NULL, false, t, node, f);
}

static int bird_file(const char *lab, const char *node, const char *ext,
		     char *buf)
{
	return router_state_file(lab, node, ext, buf, STATE_PATH_MAX);
}

struct bird_gen {
	const char *lab;
	bool off;
	const struct topo *t;
	size_t node;
};

static int bird_gen(void *ctx, FILE *f)
{
	const struct bird_gen *g = ctx;

	return bird_config(g->lab, g->off, g->t, g->node, f);
}

/* bird.conf, readable by BIRD's user. */
static int bird_write_conf(const char *lab, bool off, const struct topo *t,
			   size_t node)
{
	struct bird_gen g = { lab, off, t, node };
	char path[STATE_PATH_MAX];
	int r = bird_file(lab, t->nodes[node].name, "bird.conf", path);

	if (r < 0)
		return r;
	return state_write_file(path, getpwnam(BIRD_USER), bird_gen, &g);
}

static int bird_write_config(const char *lab, const struct topo *t, size_t node)
{
	char path[STATE_PATH_MAX];
	struct passwd *pw = getpwnam(BIRD_USER);
	int r, fd;

	/* BIRD drops to its user before it writes its pid file, which must
	 * then be there, writable, in our directory. */
	if (pw) {
		r = bird_file(lab, t->nodes[node].name, "pid", path);
		if (r < 0)
			return r;
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
			  O_NOFOLLOW, 0600);
		if (fd < 0)
			return -errno;
		r = fchown(fd, pw->pw_uid, pw->pw_gid) < 0 ? -errno : 0;
		close(fd);
		if (r < 0)
			return r;
	}
	/* A node that starts, starts from its topology. */
	daemon_live_forget(lab, t, node);
	return bird_write_conf(lab, false, t, node);
}

static int bird_argv(const char *lab, const struct topo *t, size_t node,
		     size_t role, char store[][STATE_PATH_MAX], const char **argv)
{
	const char *name = t->nodes[node].name;
	const char *prog = bird_program(role);
	size_t i = 0;

	if (!prog)
		return -ENOENT;
	if (bird_file(lab, name, "bird.conf", store[0]) < 0 ||
	    bird_file(lab, name, "bird.ctl", store[1]) < 0 ||
	    bird_file(lab, name, "pid", store[2]) < 0)
		return -ENAMETOOLONG;
	/* In the foreground, so the process we journal is BIRD itself. */
	argv[i++] = prog;
	argv[i++] = "-f";
	argv[i++] = "-c";
	argv[i++] = store[0];
	argv[i++] = "-s";
	argv[i++] = store[1];
	argv[i++] = "-P";
	argv[i++] = store[2];
	/* Like the built-in router, keep only the network capabilities:
	 * BIRD does that when it drops to its own user. */
	if (getpwnam(BIRD_USER)) {
		argv[i++] = "-u";
		argv[i++] = BIRD_USER;
		argv[i++] = "-g";
		argv[i++] = BIRD_USER;
	}
	argv[i] = NULL;
	return 0;
}

size_t daemon_bird_reply_len(const char *raw, size_t len)
{
	size_t i = 0, eol;

	while (i < len) {
		const char *nl = memchr(raw + i, '\n', len - i);

		if (!nl)
			return 0;
		eol = (size_t)(nl - raw);
		if (eol - i >= 4 && isdigit((unsigned char)raw[i]) &&
		    isdigit((unsigned char)raw[i + 1]) &&
		    isdigit((unsigned char)raw[i + 2]) &&
		    isdigit((unsigned char)raw[i + 3]) &&
		    (eol - i == 4 || raw[i + 4] == ' '))
			return eol + 1;
		i = eol + 1;
	}
	return 0;
}

int daemon_bird_reply_text(const char *raw, size_t len, struct dbuf *text,
			   int *code)
{
	size_t i = 0, eol;
	int r = 0, first = -1;

	*code = -1;
	while (i < len && r == 0) {
		const char *nl = memchr(raw + i, '\n', len - i);
		const char *line = raw + i, *body = line;
		size_t ll;

		eol = nl ? (size_t)(nl - raw) : len;
		ll = eol - i;
		if (ll >= 4 && isdigit((unsigned char)line[0]) &&
		    isdigit((unsigned char)line[1]) &&
		    isdigit((unsigned char)line[2]) &&
		    isdigit((unsigned char)line[3]) &&
		    (ll == 4 || line[4] == ' ' || line[4] == '-')) {
			int c = (line[0] - '0') * 1000 + (line[1] - '0') * 100 +
				(line[2] - '0') * 10 + (line[3] - '0');

			body = ll > 5 ? line + 5 : line + ll;
			/* Code 0 closes a reply without saying anything. */
			if (c != 0 || body < line + ll)
				r = dbuf_append(text, body, (size_t)(line + ll - body));
			if (r == 0 && (c != 0 || body < line + ll))
				r = dbuf_append(text, "\n", 1);
			if (first < 0)
				first = c;
			if (ll == 4 || line[4] == ' ') {
				/* "0009-anycast: disabled" then "0000": the
				 * answer is the first code, 0 just ends it. */
				*code = c ? c : first;
				break;
			}
		} else if (ll && line[0] == '+') {
			/* An asynchronous message, not part of the reply. */
		} else {
			body = ll && line[0] == ' ' ? line + 1 : line;
			r = dbuf_append(text, body, (size_t)(line + ll - body));
			if (r == 0)
				r = dbuf_append(text, "\n", 1);
		}
		i = eol + 1;
	}
	if (r == 0)
		r = dbuf_append(text, "", 1);
	if (r == 0)
		text->tail--;	/* the NUL terminates, it is not text */
	return r;
}

/* One connection to BIRD's CLI: the hello, then each command in turn,
 * its reply as text into texts[i] and its final code into codes[i]. */
static int bird_cli(const char *sock, const char *const *cmds, size_t n,
		    struct dbuf *texts, int *codes, unsigned timeout_ms)
{
	struct timespec deadline;
	struct dbuf raw;
	size_t i;
	long len;
	int fd, r = 0;

	deadline_in(&deadline, timeout_ms);
	fd = daemon_sock_connect(sock);
	if (fd < 0)
		return fd;
	dbuf_init(&raw);
	len = daemon_sock_reply(fd, &raw, daemon_bird_reply_len, &deadline);
	if (len < 0) {
		r = (int)len;
		goto out;
	}
	dbuf_consume(&raw, (size_t)len);
	for (i = 0; i < n; i++) {
		r = daemon_sock_write(fd, cmds[i], strlen(cmds[i]), &deadline);
		if (r == 0)
			r = daemon_sock_write(fd, "\n", 1, &deadline);
		if (r < 0)
			break;
		len = daemon_sock_reply(fd, &raw, daemon_bird_reply_len, &deadline);
		if (len < 0) {
			r = (int)len;
			break;
		}
		r = daemon_bird_reply_text((const char *)dbuf_data(&raw),
					   (size_t)len, &texts[i], &codes[i]);
		if (r < 0)
			break;
		dbuf_consume(&raw, (size_t)len);
	}
out:
	dbuf_free(&raw);
	close(fd);
	return r;
}

static const char *text_of(const struct dbuf *d)
{
	return d->p ? (const char *)dbuf_data(d) : "";
}

static int bird_ready(const char *lab, const struct topo *t, size_t node)
{
	char sock[STATE_PATH_MAX];
	int r = bird_file(lab, t->nodes[node].name, "bird.ctl", sock);

	if (r < 0)
		return r;
	return bird_cli(sock, NULL, 0, NULL, NULL, 500);
}

/* "  Key:   value" -> value when line (indentation stripped) starts with
 * key, else NULL. */
static const char *kv(const char *line, const char *key)
{
	size_t k = strlen(key);

	if (strncmp(line, key, k))
		return NULL;
	line += k;
	while (*line == ' ' || *line == '\t')
		line++;
	return line;
}

int daemon_bird_parse_protocols(const char *text, const struct topo *t,
				size_t node, uint64_t now_s,
				struct snap_router *sr)
{
	struct snap_session *cur = NULL;
	const char *p = text;
	char line[512];
	size_t i;

	while (*p) {
		size_t ll = strcspn(p, "\n");
		const char *s = line, *v;

		snprintf(line, sizeof(line), "%.*s", (int)(ll < sizeof(line) ?
			 ll : sizeof(line) - 1), p);
		p += ll + (p[ll] == '\n');
		if (line[0] && line[0] != ' ' && line[0] != '\t') {
			char name[64], proto[16], table[32], state[16], info[64] = "";
			unsigned long long since = 0;
			int k;

			cur = NULL;
			k = sscanf(line, "%63s %15s %31s %15s %llu %63[^\n]", name,
				   proto, table, state, &since, info);
			if (k < 4 || !strcmp(name, "Name"))
				continue;
			if (!strcmp(proto, "Static") &&
			    !strcmp(name, DAEMON_BIRD_ANYCAST)) {
				daemon_copy(sr->anycast, sizeof(sr->anycast),
					    !strcmp(state, "up") ? "announced" :
					    "withdrawn");
				continue;
			}
			if (strcmp(proto, "BGP") || sr->nsess >= SNAP_MAX_SESS)
				continue;
			cur = &sr->sess[sr->nsess++];
			memset(cur, 0, sizeof(*cur));
			cur->as4 = -1;
			bird_sym_peer(name, cur->peer, sizeof(cur->peer));
			/* The BGP state comes below; a disabled protocol
			 * has none. */
			daemon_copy(cur->state, sizeof(cur->state), "Idle");
			if (k >= 5 && since <= now_s)
				cur->since_ms = (now_s - since) * 1000;
			continue;
		}
		if (!cur)
			continue;
		while (*s == ' ' || *s == '\t')
			s++;
		if ((v = kv(s, "BGP state:"))) {
			daemon_copy(cur->state, sizeof(cur->state), v);
			cur->established = !strcmp(v, "Established");
		} else if ((v = kv(s, "Neighbor address:"))) {
			uint32_t addr;
			long peer;

			/* The plan, not the protocol's name, says who it is. */
			if (ip4_parse(v, &addr) == 0 &&
			    (peer = daemon_peer_by_addr(t, node, addr)) >= 0)
				daemon_copy(cur->peer, sizeof(cur->peer),
					    t->nodes[peer].name);
		} else if ((v = kv(s, "Session:"))) {
			/* "external AS4": 4-octet AS numbers negotiated. */
			cur->as4 = strstr(v, "AS4") != NULL;
		} else if ((v = kv(s, "Hold timer:"))) {
			/* "2.229/3": time left / negotiated hold time. */
			const char *slash = strchr(v, '/');

			if (slash)
				cur->hold = (unsigned)strtoul(slash + 1, NULL, 10);
		} else if ((v = kv(s, "Last error:"))) {
			daemon_copy(cur->last_error, sizeof(cur->last_error), v);
		} else if ((v = kv(s, "Routes:"))) {
			unsigned long long in = 0, out = 0;

			if (sscanf(v, "%llu imported, %llu exported", &in, &out) == 2) {
				cur->rx = in;
				cur->tx = out;
			}
		}
	}
	/* An error that is history once the session is up is not news. */
	for (i = 0; i < sr->nsess; i++)
		if (sr->sess[i].established)
			sr->sess[i].last_error[0] = '\0';
	return 0;
}

/* One route block of `show route ... all`: its header line and the
 * indented lines after it. */
struct bird_block {
	char prefix[20];
	char proto[64];
	char type[16];
	bool best;
	char via[16];
	char aspath[160];
	char origin[12];
	char comms[DAEMON_COMMS_TEXT];	/* standard ones */
	char large[DAEMON_COMMS_TEXT];
	int list;		/* 1, 2: a long set goes on in lines "\t\t(...)" */
	long local_pref;
};

/* "(65000,1) (65535,65281)" or "(1221, 4294967295, 2) ...", as BIRD
 * prints community sets, into dst in our spelling. */
static void bird_comms_add(char *dst, size_t n, const char *v, uint32_t asn)
{
	const char *p = v;

	while ((p = strchr(p, '('))) {
		unsigned long x[3];
		char tok[40], *end;
		size_t k = 0;

		p++;
		while (k < 3) {
			x[k] = strtoul(p, &end, 10);
			if (end == p)
				break;
			k++;
			p = end + strspn(end, ", ");
		}
		if (k == 2)
			snprintf(tok, sizeof(tok), "%lu:%lu", x[0], x[1]);
		else if (k == 3)
			snprintf(tok, sizeof(tok), "%lu:%lu:%lu", x[0], x[1], x[2]);
		else
			continue;
		daemon_comm_add(dst, n, tok, asn);
	}
}

static void bird_block_emit(const struct bird_block *b, daemon_route_fn fn,
			    void *ctx, int *r)
{
	struct daemon_route dr;
	size_t len;

	if (*r || !b->prefix[0] || !b->proto[0])
		return;
	memset(&dr, 0, sizeof(dr));
	daemon_copy(dr.prefix, sizeof(dr.prefix), b->prefix);
	bird_sym_peer(b->proto, dr.from, sizeof(dr.from));
	if (!dr.from[0]) {
		/* Our static protocols: what this router originates. */
		daemon_copy(dr.from, sizeof(dr.from), "local");
		daemon_copy(dr.nexthop, sizeof(dr.nexthop), "local");
	} else {
		daemon_copy(dr.nexthop, sizeof(dr.nexthop), b->via);
	}
	daemon_copy(dr.aspath, sizeof(dr.aspath), b->aspath);
	daemon_copy(dr.origin, sizeof(dr.origin), b->origin);
	daemon_copy(dr.communities, sizeof(dr.communities), b->comms);
	len = strlen(dr.communities);
	if (b->large[0] && len + 1 + strlen(b->large) < sizeof(dr.communities))
		snprintf(dr.communities + len, sizeof(dr.communities) - len,
			 "%s%s", len ? " " : "", b->large);
	dr.local_pref = b->local_pref;
	dr.best = b->best;
	*r = fn(ctx, &dr);
}

int daemon_bird_parse_routes(const char *text, uint32_t asn,
			     daemon_route_fn fn, void *ctx)
{
	struct bird_block b;
	const char *p = text;
	char line[512], prefix[20] = "";
	int r = 0;

	memset(&b, 0, sizeof(b));
	b.local_pref = -1;
	while (*p && r == 0) {
		size_t ll = strcspn(p, "\n"), i;
		const char *v, *s = line;

		snprintf(line, sizeof(line), "%.*s", (int)(ll < sizeof(line) ?
			 ll : sizeof(line) - 1), p);
		p += ll + (p[ll] == '\n');
		if (!line[0] || !strncmp(line, "Table ", 6))
			continue;
		if (line[0] != '\t') {
			/* "PREFIX TYPE [PROTO TIME] * (PREF) ..." or, for
			 * another path of the same prefix, the same without
			 * PREFIX, indented with spaces. */
			char type[16] = "", proto[64] = "";

			bird_block_emit(&b, fn, ctx, &r);
			memset(&b, 0, sizeof(b));
			b.local_pref = -1;
			if (line[0] != ' ' && sscanf(line, "%19s", prefix) != 1)
				continue;
			s = line + (line[0] == ' ' ? 0 : strlen(prefix));
			if (sscanf(s, " %15s [%63[^] ]", type, proto) != 2)
				continue;
			daemon_copy(b.prefix, sizeof(b.prefix), prefix);
			daemon_copy(b.type, sizeof(b.type), type);
			daemon_copy(b.proto, sizeof(b.proto), proto);
			v = strchr(s, ']');
			b.best = v && !strncmp(v, "] * ", 4);
			/* Older BIRDs print a single next hop on this line. */
			v = strstr(s, " via ");
			if (v)
				sscanf(v, " via %15s", b.via);
			continue;
		}
		while (*s == '\t' || *s == ' ')
			s++;
		if (*s == '(' && b.list) {
			bird_comms_add(b.list == 1 ? b.comms : b.large,
				       sizeof(b.comms), s, asn);
			continue;
		}
		b.list = 0;
		if (!strncmp(s, "via ", 4)) {
			if (!b.via[0])
				sscanf(s, "via %15s", b.via);
		} else if ((v = kv(s, "BGP.as_path:"))) {
			daemon_copy(b.aspath, sizeof(b.aspath), v);
		} else if ((v = kv(s, "BGP.origin:"))) {
			for (i = 0; v[i] && i + 1 < sizeof(b.origin); i++)
				b.origin[i] = (char)tolower((unsigned char)v[i]);
			b.origin[i] = '\0';
		} else if ((v = kv(s, "BGP.local_pref:"))) {
			b.local_pref = strtol(v, NULL, 10);
		} else if ((v = kv(s, "BGP.community:"))) {
			bird_comms_add(b.comms, sizeof(b.comms), v, asn);
			b.list = 1;
		} else if ((v = kv(s, "BGP.large_community:"))) {
			bird_comms_add(b.large, sizeof(b.large), v, asn);
			b.list = 2;
		}
	}
	bird_block_emit(&b, fn, ctx, &r);
	return r;
}

static int anycast_route(void *ctx, const struct daemon_route *r)
{
	struct snap_router *sr = ctx;

	if (!r->best)
		return 0;
	daemon_copy(sr->via, sizeof(sr->via), r->nexthop);
	daemon_copy(sr->path, sizeof(sr->path), r->aspath);
	return 1;
}

void daemon_bird_parse_anycast(const char *text, struct snap_router *sr)
{
	daemon_copy(sr->via, sizeof(sr->via), "none");
	sr->path[0] = '\0';
	daemon_bird_parse_routes(text, 0, anycast_route, sr);
}

long daemon_bird_parse_count(const char *text)
{
	const char *p = strstr(text, " networks in table master4");
	long n = 0, mul = 1;

	int digits = 0;

	/* "5 of 5 routes for 5 networks in table master4" */
	while (p && p > text && isdigit((unsigned char)p[-1])) {
		if (++digits > 15)
			return -1;	/* no table is that large */
		n += (p[-1] - '0') * mul;
		mul *= 10;
		p--;
	}
	return p ? n : -1;
}

static int bird_status(const char *lab, const struct topo *t, size_t node,
		       unsigned timeout_ms, struct snap_router *sr)
{
	char sock[STATE_PATH_MAX], anycast[64 + PREFIX4_STRLEN], pfx[PREFIX4_STRLEN];
	const char *cmds[3];
	struct dbuf texts[3];
	int codes[3], r;
	long count;
	size_t i;

	r = bird_file(lab, t->nodes[node].name, "bird.ctl", sock);
	if (r < 0)
		return r;
	snprintf(anycast, sizeof(anycast), "show route %s primary all",
		 prefix4_str(&t->anycast_prefix, pfx));
	cmds[0] = "show protocols all";
	cmds[1] = anycast;
	cmds[2] = "show route count";
	for (i = 0; i < 3; i++)
		dbuf_init(&texts[i]);
	r = bird_cli(sock, cmds, 3, texts, codes, timeout_ms);
	if (r == 0) {
		daemon_bird_parse_protocols(text_of(&texts[0]), t, node,
					    (uint64_t)time(NULL), sr);
		daemon_bird_parse_anycast(text_of(&texts[1]), sr);
		count = daemon_bird_parse_count(text_of(&texts[2]));
		sr->prefixes = count > 0 ? (uint64_t)count : 0;
	}
	for (i = 0; i < 3; i++)
		dbuf_free(&texts[i]);
	return r;
}

static int bird_announce(const char *lab, const struct topo *t, size_t node,
			 bool on, struct err *e)
{
	char sock[STATE_PATH_MAX];
	const char *cmd = on ? "enable " DAEMON_BIRD_ANYCAST :
			  "disable " DAEMON_BIRD_ANYCAST;
	struct dbuf text;
	int code = -1, r;

	r = bird_file(lab, t->nodes[node].name, "bird.ctl", sock);
	if (r < 0)
		return r;
	dbuf_init(&text);
	r = bird_cli(sock, &cmd, 1, &text, &code, 3000);
	if (r < 0) {
		snprintf(e->msg, sizeof(e->msg), "BIRD of %s does not answer (%s)",
			 t->nodes[node].name, strerror(-r));
		r = -ESRCH;
	} else if (code == 8 || code == 10) {
		/* 0008 already disabled, 0010 already enabled */
		snprintf(e->msg, sizeof(e->msg), "%s: %s", t->nodes[node].name,
			 on ? "already announced" : "already withdrawn");
		r = -EALREADY;
	} else if (code != 9 && code != 11) {
		snprintf(e->msg, sizeof(e->msg), "%s: BIRD says: %.*s", t->nodes[node].name,
			 (int)strcspn(text_of(&text), "\n"), text_of(&text));
		r = -EIO;
	}
	dbuf_free(&text);
	return r;
}

/* Whether the anycast protocol is up (announced) in BIRD's words: 1, 0,
 * or -errno. */
static int bird_anycast_up(const char *sock)
{
	const char *cmd = "show protocols " DAEMON_BIRD_ANYCAST;
	char name[64], proto[32], table[32], state[16];
	const char *line;
	struct dbuf text;
	int code = -1, r;

	dbuf_init(&text);
	r = bird_cli(sock, &cmd, 1, &text, &code, 3000);
	if (r == 0)
		r = -EPROTO;
	for (line = text_of(&text); r == -EPROTO && *line;
	     line += strcspn(line, "\n") + !!line[strcspn(line, "\n")]) {
		if (sscanf(line, "%63s %31s %31s %15s", name, proto, table,
			   state) == 4 && !strcmp(name, DAEMON_BIRD_ANYCAST))
			r = !strcmp(state, "up");
	}
	dbuf_free(&text);
	return r;
}

/* A live change of the POP's announcement: bird.conf rendered again
 * with every change so far and BIRD told to read it (its export filters
 * change, the sessions stay up, the routes go out again through them);
 * an announce from withdrawn-everywhere enables the anycast protocol
 * with them. */
static int bird_shape(const char *lab, const struct topo *t, size_t node,
		      const struct daemon_shape *s, struct err *e)
{
	const char *name = t->nodes[node].name;
	const char *cmd = "configure";
	char sock[STATE_PATH_MAX];
	struct topo_intent in;
	unsigned *gen = NULL;
	bool *changed = NULL;
	struct dbuf text;
	int code = -1, up, r;
	size_t n = 0;

	r = bird_file(lab, name, "bird.ctl", sock);
	if (r < 0)
		return r;
	up = bird_anycast_up(sock);
	if (up < 0)
		return err_set(e, -ESRCH, "BIRD of %s does not answer (%s)", name,
			       strerror(-up));
	r = topo_intent_build(t, node, &in);
	if (r < 0)
		return err_set(e, r, "%s: %s", name, strerror(-r));
	changed = calloc(in.nsess + 1, sizeof(*changed));
	gen = calloc(in.nsess + 1, sizeof(*gen));
	r = changed && gen ? daemon_live_load(lab, t, node, &in, gen) : -ENOMEM;
	if (r == 0)
		n = daemon_live_change(&in, s, !up, changed, gen);
	if (r == 0 && !n && (up || s->op != DAEMON_SHAPE_ANNOUNCE)) {
		r = err_set(e, -EALREADY, "%s: %s", name,
			    s->op == DAEMON_SHAPE_PREPEND ? "prepend unchanged" :
			    s->op == DAEMON_SHAPE_ANNOUNCE ? "already announced" :
			    "already withdrawn");
		goto out;
	}
	if (r == 0)
		r = daemon_live_save(lab, t, node, &in, gen);
	if (r == 0)
		r = bird_write_conf(lab, !up && s->op != DAEMON_SHAPE_ANNOUNCE,
				    t, node);
	if (r < 0) {
		err_set(e, r, "%s: cannot write its configuration: %s", name,
			strerror(-r));
		goto out;
	}
	dbuf_init(&text);
	r = bird_cli(sock, &cmd, 1, &text, &code, 5000);
	/* 0003 Reconfigured, 0019 nothing to do (no filter changed). */
	if (r < 0)
		r = err_set(e, -ESRCH, "BIRD of %s does not answer (%s)", name,
			    strerror(-r));
	else if (code != 3 && code != 19)
		r = err_set(e, -EIO, "%s: BIRD says: %.*s", name,
			    (int)strcspn(text_of(&text), "\n"), text_of(&text));
	dbuf_free(&text);
out:
	free(changed);
	free(gen);
	topo_intent_free(&in);
	return r;
}

static int bird_routes(const char *lab, const struct topo *t, size_t node,
		       const char *peer, daemon_route_fn fn, void *ctx,
		       struct err *e)
{
	char sock[STATE_PATH_MAX], cmd[96], sym[TOPO_NAME_MAX + 8];
	const char *c = cmd;
	struct dbuf text;
	int code = -1, r;

	r = bird_file(lab, t->nodes[node].name, "bird.ctl", sock);
	if (r < 0)
		return r;
	if (peer) {
		bird_peer_sym(peer, sym, sizeof(sym));
		snprintf(cmd, sizeof(cmd), "show route protocol %s all", sym);
	} else {
		snprintf(cmd, sizeof(cmd), "show route primary all");
	}
	dbuf_init(&text);
	r = bird_cli(sock, &c, 1, &text, &code, 5000);
	if (r < 0) {
		snprintf(e->msg, sizeof(e->msg), "the BIRD of %s does not answer (%s); is it "
			 "running? see 'anycastlab status'", t->nodes[node].name,
			 strerror(-r));
	} else if (code >= 8000) {
		snprintf(e->msg, sizeof(e->msg), "BIRD of %s says: %.*s", t->nodes[node].name,
			 (int)strcspn(text_of(&text), "\n"), text_of(&text));
		r = -EIO;
	} else {
		r = daemon_bird_parse_routes(text_of(&text), t->nodes[node].asn,
					     fn, ctx);
	}
	dbuf_free(&text);
	return r;
}

static void bird_hint(const char *lab, const char *node, char *buf, size_t n)
{
	char sock[STATE_PATH_MAX];

	if (bird_file(lab, node, "bird.ctl", sock) < 0)
		sock[0] = '\0';
	snprintf(buf, n, "birdc -s %s", sock);
}

const struct daemon_ops daemon_bird_ops = {
	.kind = TOPO_DAEMON_BIRD,
	.title = "BIRD 2",
	.summary = "BIRD 2",
	.noun = "BIRD 2",
	.package = "bird2",
	.managed = true,
	.named = true,
	.http_beside = true,
	.status_procs = true,
	.roles = bird_roles,
	.nroles = 1,
	.program = bird_program,
	.user = "bird",
	.write_config = bird_write_config,
	.argv = bird_argv,
	.ready = bird_ready,
	.start = daemon_exec_start,
	.wait_ready = daemon_exec_wait,
	.status = daemon_exec_status,
	.query = bird_status,
	.announce = bird_announce,
	.shape = bird_shape,
	.routes = bird_routes,
	.hint = bird_hint,
	.cannot = bird_cannot,
};

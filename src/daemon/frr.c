/*
 * FRR as a node's BGP speaker: zebra (which owns the kernel FIB) and bgpd,
 * each in the foreground with its own pid file, vty socket directory and
 * zserv socket in the node's directory of the lab state, their
 * configuration generated from the topology, and a client of bgpd's vty
 * socket (the protocol vtysh speaks: a command ended by NUL, a reply
 * ended by three NULs and the command's status) with parsers for the JSON
 * that `show bgp ... json` prints.
 *
 * The configuration gives bgpd the built-in speaker's behaviour: one eBGP
 * session per link to another router, local and peer address from the
 * plan, the loopback as router id, the same originations with next hop
 * self, updates sent at once, and a session dropped the moment its link
 * loses carrier (fast external failover, FRR's default).  Each choice is
 * explained in the generated file itself.
 */
#include "daemon/daemon.h"
#include "daemon/daemon_int.h"
#include "topo/intent.h"
#include "util/json.h"
#include "run/state.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* FRR drops to this user after start; its files must be writable by it.
 * It cannot run as root: the vty group (frrvty) has to include the user. */
#define FRR_USER	"frr"

static const char *const frr_roles[] = { "zebra", "bgpd" };

static const char *const zebra_paths[] = {
	"/usr/lib/frr/zebra", "/usr/libexec/frr/zebra", "/usr/local/sbin/zebra",
	"/usr/sbin/zebra", NULL,
};
static const char *const bgpd_paths[] = {
	"/usr/lib/frr/bgpd", "/usr/libexec/frr/bgpd", "/usr/local/sbin/bgpd",
	"/usr/sbin/bgpd", NULL,
};

static const char *frr_program(size_t role)
{
	static char path[2][STATE_PATH_MAX];
	const char *env = getenv("ANYCASTLAB_FRR_DIR");
	const char *one[2] = { path[role ? 1 : 0], NULL };

	/* FRR's daemons from another directory (a build of your own). */
	if (env && *env) {
		snprintf(path[role ? 1 : 0], sizeof(path[0]), "%s/%s", env,
			 frr_roles[role ? 1 : 0]);
		return daemon_find_program(one);
	}
	return daemon_find_program(role == 0 ? zebra_paths : bgpd_paths);
}

static void frr_header(const struct topo *t, const struct topo_node *n,
		       const char *daemon, FILE *f)
{
	fprintf(f, "! FRR configuration of %s (%s, AS%u) in lab %s, for %s,\n"
		"! written by anycastlab from the lab's topology every time the\n"
		"! node starts.\n"
		"frr defaults traditional\n"
		"hostname %s\n"
		"! stdout is the node's log file.\n"
		"log stdout informational\n"
		"!\n", n->name, topo_kind_name(n->kind), n->asn, t->name, daemon,
		n->name);
}

int daemon_frr_zebra_config(const struct topo *t, size_t node, FILE *f)
{
	if (t->nodes[node].kind == TOPO_KIND_USER)
		return -EINVAL;
	frr_header(t, &t->nodes[node], "zebra", f);
	fprintf(f, "! zebra installs what bgpd chooses; the connected routes are the\n"
		"! kernel's own, and nothing is redistributed into BGP.\n");
	return ferror(f) ? -EIO : 0;
}

/* A community as FRR writes it: "65000:1", "13335:1:2". */
static const char *frr_comm(const struct bgp_comm *c, char *buf, size_t n)
{
	if (c->large)
		snprintf(buf, n, "%u:%u:%u", c->a, c->b, c->c);
	else
		snprintf(buf, n, "%u:%u", c->a, c->b & 0xffff);
	return buf;
}

static const char *frr_comm_match(const struct bgp_comm *c)
{
	return c->large ? "large-community" : "community";
}

/* The lists the route-maps match: the tag by role, the action
 * communities (lab-act-N, N their place in the node's list), what this
 * router originates (an empty AS path) and the anycast prefix. */
static void frr_lists(FILE *f, const struct topo_intent *in)
{
	char c[48], p[PREFIX4_STRLEN];
	bool anycast = false;
	size_t i;
	int r;

	if (daemon_pol_tagged(in)) {
		fprintf(f, "! Every learned route carries the tag %u:%u:ROLE:\n"
			"! what the neighbour that sent it is to this router, 0 no\n"
			"! relationship, 1 customer, 2 peer, 3 provider.  The route-maps\n"
			"! out read it and remove it, so it never leaves this router.\n", in->asn,
			DAEMON_TAG_FN);
		for (r = 0; r < BGP_ROLES; r++)
			fprintf(f, "bgp large-community-list standard lab-tag seq %d permit %u:%u:%d\n",
				(r + 1) * 5, in->asn, DAEMON_TAG_FN, r);
		fprintf(f, "bgp large-community-list standard lab-tag-up seq 5 permit %u:%u:%d\n"
			"bgp large-community-list standard lab-tag-up seq 10 permit %u:%u:%d\n"
			"bgp large-community-list standard lab-tag-down seq 5 permit %u:%u:%d\n"
			"bgp large-community-list standard lab-tag-down seq 10 permit %u:%u:%d\n",
			in->asn, DAEMON_TAG_FN, BGP_ROLE_PEER, in->asn, DAEMON_TAG_FN,
			BGP_ROLE_PROVIDER, in->asn, DAEMON_TAG_FN, BGP_ROLE_NONE,
			in->asn, DAEMON_TAG_FN, BGP_ROLE_CUSTOMER);
	}
	if (in->policy.nactions)
		fprintf(f, "! The action communities this router honours.\n");
	for (i = 0; i < in->policy.nactions; i++) {
		const struct bgp_comm *a = &in->policy.actions[i].comm;

		fprintf(f, "bgp %s-list standard lab-act-%zu seq 5 permit %s\n",
			frr_comm_match(a), i + 1, frr_comm(a, c, sizeof(c)));
	}
	for (i = 0; i < in->nsess; i++)
		anycast |= daemon_pol_announce(in, &in->sess[i]);
	if (anycast)
		fprintf(f, "! The anycast prefix as this router originates it (learned\n"
			"! copies have an AS path).\n"
			"bgp as-path access-list lab-local seq 5 permit ^$\n"
			"ip prefix-list lab-anycast seq 5 permit %s\n",
			prefix4_str(&in->anycast, p));
	fprintf(f, "!\n");
}

/* "lab-in-x": the route-map of session x's direction. */
static const char *frr_map(const char *dir, const struct topo_intent_session *x,
			   char *buf, size_t n)
{
	snprintf(buf, n, "lab-%s-%s", dir, x->peer_name);
	return buf;
}

/* Session x's route-map out as changed live for the gen-th time
 * ("lab-out-x-live2"); gen 0: as the topology has it. */
static const char *frr_map_out(const struct topo_intent_session *x,
			       unsigned gen, char *buf, size_t n)
{
	if (!gen)
		return frr_map("out", x, buf, n);
	snprintf(buf, n, "lab-out-%s-live%u", x->peer_name, gen);
	return buf;
}

static void frr_tag_add(FILE *f, const struct topo_intent *in,
			const struct topo_intent_session *x)
{
	if (daemon_pol_tagged(in))
		fprintf(f, " set large-community %u:%u:%d additive\n", in->asn,
			DAEMON_TAG_FN, (int)x->role);
}

/* Session x's route-map in: an old tag goes (none should come), then
 * LOCAL_PREF (a LOCAL_PREF action community first, in the node's
 * order) and the tag.  The first entry that matches decides. */
static void frr_import(FILE *f, const struct topo_intent *in,
		       const struct topo_intent_session *x)
{
	char m[TOPO_NAME_MAX + 16];
	unsigned seq = 10;
	size_t i;

	frr_map("in", x, m, sizeof(m));
	fprintf(f, "! From %s, %s:\n"
		"! %sLOCAL_PREF %u%s.\n", x->peer_name, bgp_role_phrase(x->role),
		daemon_pol_tagged(in) ? "the tag, " : "", x->local_pref,
		daemon_pol_lp_actions(in, x) ?
		" (or its LOCAL_PREF action community's)" : "");
	if (daemon_pol_tagged(in)) {
		fprintf(f, "route-map %s permit %u\n"
			" set large-comm-list lab-tag delete\n"
			" on-match next\n"
			"exit\n", m, seq);
		seq += 10;
	}
	for (i = 0; daemon_pol_lp_actions(in, x) && i < in->policy.nactions; i++) {
		const struct bgp_action *a = &in->policy.actions[i];

		if (a->kind != BGP_ACTION_LOCAL_PREF)
			continue;
		fprintf(f, "route-map %s permit %u\n"
			" match %s lab-act-%zu\n"
			" set local-preference %u\n", m, seq,
			frr_comm_match(&a->comm), i + 1, a->value);
		frr_tag_add(f, in, x);
		fprintf(f, "exit\n");
		seq += 10;
	}
	fprintf(f, "route-map %s permit %u\n"
		" set local-preference %u\n", m, seq, x->local_pref);
	frr_tag_add(f, in, x);
	fprintf(f, "exit\n"
		"!\n");
}

/* Session x's route-map out, whose entries are tried in order and the
 * first that matches decides: valley-free, the customers' NO_ANNOUNCE
 * and PREPEND actions (the largest that applies), the tag removed from
 * every other learned route, then how a POP announces the anycast
 * prefix here, and everything else as it is. */
static void frr_export(FILE *f, const struct topo_intent *in,
		       const struct topo_intent_session *x, unsigned gen)
{
	char m[TOPO_NAME_MAX + 32];
	unsigned seq = 10, best, prev = ~0u, k;
	size_t i;

	frr_map_out(x, gen, m, sizeof(m));
	fprintf(f, "! To %s, %s.\n", x->peer_name, bgp_role_phrase(x->role));
	if (daemon_pol_tagged(in) &&
	    (x->role == BGP_ROLE_PEER || x->role == BGP_ROLE_PROVIDER)) {
		fprintf(f, "! Valley-free: what a peer or a provider sent goes to customers\n"
			"! only.\n"
			"route-map %s deny %u\n"
			" match large-community lab-tag-up\n"
			"exit\n", m, seq);
		seq += 10;
	}
	for (i = 0; daemon_pol_tagged(in) && i < in->policy.nactions; i++) {
		const struct bgp_action *a = &in->policy.actions[i];

		if (a->kind != BGP_ACTION_NO_ANNOUNCE || !daemon_pol_toward(a, x))
			continue;
		fprintf(f, "route-map %s deny %u\n"
			" match large-community lab-tag-down\n"
			" match %s lab-act-%zu\n"
			"exit\n", m, seq, frr_comm_match(&a->comm), i + 1);
		seq += 10;
	}
	while (daemon_pol_tagged(in)) {
		best = 0;
		for (i = 0; i < in->policy.nactions; i++) {
			const struct bgp_action *a = &in->policy.actions[i];

			if (a->kind == BGP_ACTION_PREPEND && a->value < prev &&
			    a->value > best && daemon_pol_toward(a, x))
				best = a->value;
		}
		if (!best)
			break;
		for (i = 0; i < in->policy.nactions; i++) {
			const struct bgp_action *a = &in->policy.actions[i];

			if (a->kind != BGP_ACTION_PREPEND || a->value != best ||
			    !daemon_pol_toward(a, x))
				continue;
			fprintf(f, "route-map %s permit %u\n"
				" match large-community lab-tag-down\n"
				" match %s lab-act-%zu\n"
				" set as-path prepend", m, seq,
				frr_comm_match(&a->comm), i + 1);
			for (k = 0; k < best; k++)
				fprintf(f, " %u", in->asn);
			fprintf(f, "\n"
				" set large-comm-list lab-tag delete\n"
				"exit\n");
			seq += 10;
		}
		prev = best;
	}
	if (daemon_pol_tagged(in)) {
		fprintf(f, "route-map %s permit %u\n"
			" match large-community lab-tag\n"
			" set large-comm-list lab-tag delete\n"
			"exit\n", m, seq);
		seq += 10;
	}
	if (daemon_pol_announce(in, x)) {
		char c[48];

		fprintf(f, "route-map %s %s %u\n"
			" match ip address prefix-list lab-anycast\n"
			" match as-path lab-local\n", m,
			x->announce ? "permit" : "deny", seq);
		if (x->announce && x->prepend) {
			fprintf(f, " set as-path prepend");
			for (k = 0; k < x->prepend; k++)
				fprintf(f, " %u", in->asn);
			fprintf(f, "\n");
		}
		if (x->announce && x->med_given)
			fprintf(f, " set metric %u\n", x->med);
		/* One set line per kind: a second one would replace the
		 * first. */
		for (k = 0; x->announce && k < 2; k++) {
			bool any = false;

			for (i = 0; i < x->ncomms; i++) {
				if (x->comms[i].large != (k == 1))
					continue;
				fprintf(f, "%s %s", any ? "" : k ? " set large-community" :
					" set community", frr_comm(&x->comms[i], c, sizeof(c)));
				any = true;
			}
			if (any)
				fprintf(f, " additive\n");
		}
		fprintf(f, "exit\n");
		seq += 10;
	}
	fprintf(f, "route-map %s permit %u\n"
		"exit\n"
		"!\n", m, seq);
}

/* FRR's advertisement-interval: whole seconds, at most 600. */
static bool frr_mrai_bad(uint32_t ms)
{
	return ms % 1000 || ms > 600000;
}

static const char *frr_cannot(const struct topo *t,
			      const struct topo_intent *in, char *buf,
			      size_t cap)
{
	const struct topo_intent_session *x;
	char d[24];
	bool same;

	if (daemon_pol_cannot(t, in, "frr", "FRR", buf, cap))
		return buf;
	x = daemon_pol_mrai(in, frr_mrai_bad, &same);
	if (x) {
		snprintf(buf, cap, "frr cannot set an MRAI of %s (node %s%s%s): FRR's "
			 "advertisement-interval is %s; use %s, or daemon: builtin "
			 "for this node", daemon_ms_str(x->mrai_ms, d, sizeof(d)),
			 in->name, same ? "" : ", toward ", same ? "" : x->peer_name,
			 x->mrai_ms % 1000 ? "in whole seconds" : "600 seconds at most",
			 x->mrai_ms % 1000 ? "a whole number of seconds" : "at most 600s");
		return buf;
	}
	return NULL;
}

int daemon_frr_bgpd_config(const struct topo *t, size_t node, FILE *f)
{
	const struct topo_node *n = &t->nodes[node];
	char a[IP4_STRLEN], b[IP4_STRLEN], p[PREFIX4_STRLEN];
	char m[TOPO_NAME_MAX + 16], why[512];
	unsigned hold = t->hold_time;
	struct topo_intent in;
	bool pol, mrai = false;
	size_t i, k;
	int r;

	r = topo_intent_build(t, node, &in);
	if (r < 0)
		return r;
	/* Refuse rather than differ (daemon_check says why to the user). */
	if (frr_cannot(t, &in, why, sizeof(why))) {
		topo_intent_free(&in);
		return -EOPNOTSUPP;
	}
	pol = daemon_pol_any(&in);
	for (k = 0; k < in.nsess; k++)
		mrai |= in.sess[k].mrai_ms != 0;
	frr_header(t, n, "bgpd", f);
	fprintf(f, "! RFC 8212: without policies FRR neither accepts nor sends anything\n"
		"! on an eBGP session.  In: every path (AS-path loop detection\n"
		"! already drops the ones through this AS).  Out: what this router\n"
		"! originates and its best paths; bgpd holds nothing else, since no\n"
		"! other route is redistributed into it.\n"
		"route-map lab-in permit 10\n"
		"exit\n"
		"!\n"
		"route-map lab-out permit 10\n"
		"exit\n"
		"!\n");
	if (pol) {
		fprintf(f, "! Routing policy, as anycastlab's own speaker applies it: the\n"
			"! sessions below with route-maps of their own.  NO_EXPORT and\n"
			"! NO_ADVERTISE are FRR's to honour, a MED is never passed on to\n"
			"! another AS (FRR removes it), communities are (FRR sends\n"
			"! standard and large ones by default).\n");
		frr_lists(f, &in);
		for (k = 0; k < in.nsess; k++) {
			if (daemon_pol_import(&in, &in.sess[k]))
				frr_import(f, &in, &in.sess[k]);
			if (daemon_pol_export(&in, &in.sess[k]))
				frr_export(f, &in, &in.sess[k], 0);
		}
	}
	fprintf(f, "router bgp %u\n"
		" bgp router-id %s\n"
		" bgp log-neighbor-changes\n"
		" ! Originate the networks below whether or not zebra has a route\n"
		" ! for them (a POP holds the anycast address, not the prefix).\n"
		" no bgp network import-check\n"
		" ! A killed router must look like one: no graceful restart keeps\n"
		" ! its routes.\n"
		" bgp graceful-restart-disable\n"
		" ! Updates to a peer that comes up go out at once, not after\n"
		" ! the default second spent grouping peers that share them.\n"
		" coalesce-time 0\n", n->asn, ip4_str(n->router_id, a));
	if (pol)
		fprintf(f, " ! Ties go to the lowest router id, then the lowest peer address,\n"
			" ! as with anycastlab's own speaker; FRR would keep the older of\n"
			" ! two eBGP paths.  What this router originates wins by its weight.\n"
			" bgp bestpath compare-routerid\n");
	if (in.always_compare_med)
		fprintf(f, " ! always-compare-med: MEDs decide between paths from different\n"
			" ! neighbour ASes too.\n"
			" bgp always-compare-med\n");
	if (in.multipath)
		fprintf(f, " ! multipath: true: paths as good as the best one but for their\n"
			" ! AS path (of the same length) share the traffic.\n"
			" bgp bestpath as-path multipath-relax\n");
	if (hold)
		fprintf(f, " ! From the topology: a keepalive every %us, hold time %us.\n"
			" timers bgp %u %u\n", hold / 3, hold, hold / 3, hold);
	else
		fprintf(f, " ! From the topology: no hold timer and no keepalives.\n"
			" timers bgp 0 0\n");
	if (mrai)
		fprintf(f, " ! Per peer: the addresses of the plan; connect-retry and MRAI\n"
			" ! of the topology (0: updates sent at once, as anycastlab's own\n"
			" ! speaker does).  Fast external failover, on by default, drops a\n"
			" ! session as soon as its link loses carrier.\n");
	else
		fprintf(f, " ! Per peer: the addresses of the plan; connect-retry of the\n"
			" ! topology; updates sent at once (no MRAI), as anycastlab's own\n"
			" ! speaker does.  Fast external failover, on by default, drops a\n"
			" ! session as soon as its link loses carrier.\n");
	for (k = 0; k < in.nsess; k++) {
		const struct topo_intent_session *x = &in.sess[k];

		ip4_str(x->peer_addr, a);
		fprintf(f, " neighbor %s remote-as %u\n"
			" neighbor %s description %s\n"
			" neighbor %s update-source %s\n"
			" neighbor %s timers connect %u\n"
			" neighbor %s advertisement-interval %u\n", a, x->peer_as, a,
			x->peer_name, a, ip4_str(x->local_addr, b), a,
			x->connect_retry, a, x->mrai_ms / 1000);
		if (x->passive)
			fprintf(f, " neighbor %s passive\n", a);
		if (x->gtsm)
			fprintf(f, " neighbor %s ttl-security hops 1\n", a);
		if (x->password[0])
			fprintf(f, " neighbor %s password %s\n", a, x->password);
	}
	fprintf(f, " !\n"
		" address-family ipv4 unicast\n");
	fprintf(f, "  ! Originated as by anycastlab's own speaker: the loopback (the\n"
		"  ! router id)%s%s.\n", in.norig > 1 ?
		", the networks of the users behind this router" : "",
		in.pop ? " and the anycast prefix (withdraw and\n"
		"  ! announce remove and restore its network statement)" : "");
	for (i = 0; i < in.norig; i++)
		fprintf(f, "  network %s\n", prefix4_str(&in.orig[i], p));
	if (in.pop)
		fprintf(f, "  network %s\n", prefix4_str(&in.anycast, p));
	/* One path per session at most. */
	if (in.multipath)
		fprintf(f, "  maximum-paths %zu\n", in.nsess < 2 ? 1 :
			in.nsess < 256 ? in.nsess : 256);
	for (k = 0; k < in.nsess; k++) {
		const struct topo_intent_session *x = &in.sess[k];

		ip4_str(x->peer_addr, a);
		fprintf(f, "  neighbor %s activate\n"
			"  neighbor %s next-hop-self\n", a, a);
		fprintf(f, "  neighbor %s route-map %s in\n", a,
			pol && daemon_pol_import(&in, x) ? frr_map("in", x, m, sizeof(m)) :
			"lab-in");
		fprintf(f, "  neighbor %s route-map %s out\n", a,
			pol && daemon_pol_export(&in, x) ? frr_map("out", x, m, sizeof(m)) :
			"lab-out");
		/* FRR's restart interval is in minutes: the topology's seconds
		 * rounded up. */
		if (x->max_prefix && x->max_prefix_action == TOPO_MAXPFX_WARN)
			fprintf(f, "  neighbor %s maximum-prefix %u warning-only\n",
				a, x->max_prefix);
		else if (x->max_prefix && x->max_prefix_action == TOPO_MAXPFX_STOP)
			fprintf(f, "  neighbor %s maximum-prefix %u\n", a,
				x->max_prefix);
		else if (x->max_prefix)
			fprintf(f, "  neighbor %s maximum-prefix %u restart %u\n", a,
				x->max_prefix, (x->max_prefix_restart + 59) / 60);
	}
	topo_intent_free(&in);
	fprintf(f, " exit-address-family\n"
		"exit\n");
	return ferror(f) ? -EIO : 0;
}

/* "<state>/<lab>/<node>.frr[/<file>]" */
static int frr_file(const char *lab, const char *node, const char *file,
		    char *buf)
{
	char dir[STATE_PATH_MAX];
	int r = router_state_file(lab, node, "frr", dir, sizeof(dir));

	if (r < 0)
		return r;
	r = snprintf(buf, STATE_PATH_MAX, "%s%s%s", dir, file ? "/" : "",
		     file ? file : "");
	return r < 0 || r >= STATE_PATH_MAX ? -ENAMETOOLONG : 0;
}

struct frr_gen {
	const struct topo *t;
	size_t node;
	int (*gen)(const struct topo *, size_t, FILE *);
};

static int frr_gen_one(void *ctx, FILE *f)
{
	const struct frr_gen *g = ctx;

	return g->gen(g->t, g->node, f);
}

static int frr_write_one(const char *lab, const struct topo *t, size_t node,
			 const char *name,
			 int (*gen)(const struct topo *, size_t, FILE *))
{
	struct frr_gen g = { t, node, gen };
	char path[STATE_PATH_MAX];
	int r = frr_file(lab, t->nodes[node].name, name, path);

	if (r < 0)
		return r;
	/* zebra and bgpd read it as FRR's user. */
	return state_write_file(path, getpwnam(FRR_USER), frr_gen_one, &g);
}

static int frr_write_config(const char *lab, const struct topo *t, size_t node)
{
	char dir[STATE_PATH_MAX];
	struct passwd *pw;
	int r = frr_file(lab, t->nodes[node].name, NULL, dir);

	if (r < 0)
		return r;
	pw = getpwnam(FRR_USER);
	if (!pw)
		return -ENOENT;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	/* zebra and bgpd write their pid files and sockets here. */
	if (chown(dir, pw->pw_uid, pw->pw_gid) < 0)
		return -errno;
	/* A node that starts, starts from its topology. */
	daemon_live_forget(lab, t, node);
	r = frr_write_one(lab, t, node, "zebra.conf", daemon_frr_zebra_config);
	if (r == 0)
		r = frr_write_one(lab, t, node, "bgpd.conf", daemon_frr_bgpd_config);
	return r;
}

static int frr_argv(const char *lab, const struct topo *t, size_t node,
		    size_t role, char store[][STATE_PATH_MAX], const char **argv)
{
	const char *name = t->nodes[node].name, *prog = frr_program(role);
	const char *d = frr_roles[role];
	char file[32];
	size_t i = 0;

	if (!prog)
		return -ENOENT;
	snprintf(file, sizeof(file), "%s.conf", d);
	if (frr_file(lab, name, file, store[0]) < 0)
		return -ENAMETOOLONG;
	snprintf(file, sizeof(file), "%s.pid", d);
	if (frr_file(lab, name, file, store[1]) < 0 ||
	    frr_file(lab, name, "zserv.api", store[2]) < 0 ||
	    frr_file(lab, name, NULL, store[3]) < 0)
		return -ENAMETOOLONG;
	/* Without -d both stay in the foreground: the processes we journal
	 * are zebra and bgpd themselves. */
	argv[i++] = prog;
	argv[i++] = "-f";
	argv[i++] = store[0];
	argv[i++] = "-i";
	argv[i++] = store[1];
	argv[i++] = "-z";
	argv[i++] = store[2];
	argv[i++] = "--vty_socket";
	argv[i++] = store[3];
	/* No vty on TCP: the node's vty sockets are enough. */
	argv[i++] = "-P";
	argv[i++] = "0";
	argv[i++] = "-u";
	argv[i++] = FRR_USER;
	argv[i++] = "-g";
	argv[i++] = FRR_USER;
	argv[i] = NULL;
	return 0;
}

size_t daemon_frr_reply_len(const char *raw, size_t len)
{
	const char *z = len ? memchr(raw, '\0', len) : NULL;
	size_t at;

	/* Output is text; the first NUL starts the trailer. */
	if (!z)
		return 0;
	at = (size_t)(z - raw);
	if (len - at < 4)
		return 0;
	return raw[at + 1] == '\0' && raw[at + 2] == '\0' ? at + 4 : 0;
}

/* One connection to a daemon's vty socket: each command in turn, its
 * output into outs[i] (NUL-terminated; NULL: dropped), its status into
 * rets[i] (0: success). */
static int frr_vty(const char *sock, const char *const *cmds, size_t n,
		   struct dbuf *outs, int *rets, unsigned timeout_ms)
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
	for (i = 0; i < n && r == 0; i++) {
		r = daemon_sock_write(fd, cmds[i], strlen(cmds[i]) + 1, &deadline);
		if (r < 0)
			break;
		len = daemon_sock_reply(fd, &raw, daemon_frr_reply_len, &deadline);
		if (len < 0) {
			r = (int)len;
			break;
		}
		if (rets)
			rets[i] = (unsigned char)dbuf_data(&raw)[len - 1];
		if (outs) {
			r = dbuf_append(&outs[i], dbuf_data(&raw), (size_t)len - 3);
			if (r == 0)
				outs[i].tail--;	/* keep the NUL, not as text */
		}
		dbuf_consume(&raw, (size_t)len);
	}
	dbuf_free(&raw);
	close(fd);
	return r;
}

static const char *out_text(const struct dbuf *d)
{
	return d->p ? (const char *)dbuf_data(d) : "";
}

static int frr_ready(const char *lab, const struct topo *t, size_t node)
{
	static const char *const cmd = "show version";
	char sock[STATE_PATH_MAX];
	size_t i;
	int r;

	/* Both answer once they have read their configuration. */
	for (i = 0; i < 2; i++) {
		char file[32];

		snprintf(file, sizeof(file), "%s.vty", frr_roles[i]);
		r = frr_file(lab, t->nodes[node].name, file, sock);
		if (r == 0)
			r = frr_vty(sock, &cmd, 1, NULL, NULL, 500);
		if (r < 0)
			return r;
	}
	return 0;
}

static void lower(char *dst, size_t n, const char *src)
{
	size_t i;

	for (i = 0; src[i] && i + 1 < n; i++)
		dst[i] = (char)tolower((unsigned char)src[i]);
	dst[i] = '\0';
}

int daemon_frr_parse_neighbors(const char *json, size_t len,
			       const struct topo *t, size_t node,
			       struct snap_router *sr)
{
	const struct json_node *root, *nb;
	struct json_doc d;
	int r = json_parse(json, len, &d);

	if (r < 0)
		return r;
	root = json_root(&d);
	for (nb = json_first(&d, root); nb && sr->nsess < SNAP_MAX_SESS;
	     nb = json_next(&d, nb)) {
		const struct json_node *af;
		struct snap_session *ss;
		const char *caps;
		uint32_t addr;
		long peer;

		if (nb->type != JSON_OBJECT || !nb->key ||
		    ip4_parse(nb->key, &addr) < 0)
			continue;
		ss = &sr->sess[sr->nsess++];
		memset(ss, 0, sizeof(*ss));
		peer = daemon_peer_by_addr(t, node, addr);
		daemon_copy(ss->peer, sizeof(ss->peer), peer >= 0 ?
			    t->nodes[peer].name :
			    json_str(json_get(&d, nb, "nbrDesc"), nb->key));
		daemon_copy(ss->state, sizeof(ss->state),
			    json_str(json_get(&d, nb, "bgpState"), "Idle"));
		ss->established = !strcmp(ss->state, "Established");
		ss->since_ms = json_u64(json_get(&d, nb, ss->established ?
						 "bgpTimerUpMsec" :
						 "lastResetTimerMsecs"), 0);
		af = json_get(&d, json_get(&d, nb, "addressFamilyInfo"),
			      "ipv4Unicast");
		ss->up_count = (unsigned)json_u64(json_get(&d, nb,
						 "connectionsEstablished"), 0);
		ss->up_count_known = true;
		if (ss->established)
			ss->hold = (unsigned)(json_u64(json_get(&d, nb,
					      "bgpTimerHoldTimeMsecs"), 0) / 1000);
		caps = json_str(json_get(&d, json_get(&d, nb,
			"neighborCapabilities"), "4byteAs"), NULL);
		/* Both sides must have said it; FRR lists it only when
		 * the session came up. */
		ss->as4 = !caps ? -1 : !strcmp(caps, "advertisedAndReceived");
		ss->rx = json_u64(json_get(&d, af, "acceptedPrefixCounter"), 0);
		ss->tx = json_u64(json_get(&d, af, "sentPrefixCounter"), 0);
		if (!ss->established)
			daemon_copy(ss->last_error, sizeof(ss->last_error),
				    json_str(json_get(&d, nb, "lastResetDueTo"), ""));
	}
	json_free(&d);
	return 0;
}

/* A path this router originates (a network statement). */
static bool frr_path_local(const struct json_doc *d, const struct json_node *p)
{
	const char *peer;

	if (json_bool(json_get(d, p, "sourced"), false) ||
	    json_bool(json_get(d, p, "local"), false))
		return true;
	peer = json_str(json_get(d, json_get(d, p, "peer"), "peerId"), NULL);
	if (!peer)
		peer = json_str(json_get(d, p, "peerId"), "");
	return !strcmp(peer, "0.0.0.0") || !strcmp(peer, "(unspec)");
}

int daemon_frr_parse_anycast(const char *json, size_t len,
			     const struct topo *t, size_t node,
			     struct snap_router *sr)
{
	const struct json_node *p;
	struct json_doc d;
	bool sourced = false;
	int r;

	daemon_copy(sr->via, sizeof(sr->via), "none");
	sr->path[0] = '\0';
	r = json_parse(json, len, &d);
	if (r < 0)
		return r;
	for (p = json_first(&d, json_get(&d, json_root(&d), "paths")); p;
	     p = json_next(&d, p)) {
		bool local = frr_path_local(&d, p);

		/* Withdrawn, and gone once bgpd has processed it. */
		if (json_bool(json_get(&d, p, "removed"), false))
			continue;

		sourced |= local;
		if (!json_bool(json_get(&d, json_get(&d, p, "bestpath"), "overall"),
			       false))
			continue;
		if (local) {
			daemon_copy(sr->via, sizeof(sr->via), "local");
		} else {
			daemon_copy(sr->via, sizeof(sr->via),
				    json_str(json_get(&d, json_first(&d,
						json_get(&d, p, "nexthops")), "ip"),
					     "none"));
			daemon_copy(sr->path, sizeof(sr->path),
				    json_str(json_get(&d, json_get(&d, p, "aspath"),
						      "string"), ""));
		}
	}
	if (t->nodes[node].kind == TOPO_KIND_POP)
		daemon_copy(sr->anycast, sizeof(sr->anycast),
			    sourced ? "announced" : "withdrawn");
	json_free(&d);
	return 0;
}

int daemon_frr_parse_statistics(const char *json, size_t len,
				struct snap_router *sr)
{
	struct json_doc d;
	int r = json_parse(json, len, &d);

	if (r < 0)
		return r;
	sr->prefixes = json_u64(json_get(&d, json_first(&d,
			json_get(&d, json_root(&d), "ipv4Unicast")),
			"totalPrefixes"), 0);
	json_free(&d);
	return 0;
}

/* A community string of FRR's ("65000:1 no-export", "13335:1:2") into
 * dst in our spelling, without the tag of AS asn. */
static void frr_comms_add(char *dst, size_t n, const char *v, uint32_t asn)
{
	char tok[64];

	while (v && *v) {
		size_t k = strcspn(v, " ");

		if (k && k < sizeof(tok)) {
			memcpy(tok, v, k);
			tok[k] = '\0';
			daemon_comm_add(dst, n, tok, asn);
		}
		v += k + (v[k] == ' ');
	}
}

int daemon_frr_parse_routes(const char *json, size_t len, bool all,
			    const struct topo *t, size_t node,
			    daemon_route_fn fn, void *ctx)
{
	const struct json_node *pfx, *p, *x, *lp;
	uint32_t asn = t->nodes[node].asn;
	struct json_doc d;
	int r = json_parse(json, len, &d);

	if (r < 0)
		return r;
	/* What a path without a LOCAL_PREF of its own is ranked by. */
	lp = json_get(&d, json_root(&d), "defaultLocPrf");
	for (pfx = json_first(&d, json_get(&d, json_root(&d), "routes"));
	     pfx && r == 0; pfx = json_next(&d, pfx)) {
		for (p = json_first(&d, pfx); p && r == 0; p = json_next(&d, p)) {
			struct daemon_route dr;
			const char *peer;
			uint32_t addr;
			long n;

			/* `json detail` opens each prefix's list with the
			 * prefix's own object; paths have an origin. */
			if (!json_get(&d, p, "origin"))
				continue;
			memset(&dr, 0, sizeof(dr));
			/* The table: "bestpath": true; detail: {"overall"}. */
			x = json_get(&d, p, "bestpath");
			dr.best = x && x->type == JSON_OBJECT ?
				  json_bool(json_get(&d, x, "overall"), false) :
				  json_bool(x, false);
			if ((!all && !dr.best) ||
			    json_bool(json_get(&d, p, "removed"), false))
				continue;
			daemon_copy(dr.prefix, sizeof(dr.prefix), pfx->key);
			peer = json_str(json_get(&d, p, "peerId"), NULL);
			if (!peer)
				peer = json_str(json_get(&d, json_get(&d, p, "peer"),
							 "peerId"), "");
			if (frr_path_local(&d, p)) {
				daemon_copy(dr.from, sizeof(dr.from), "local");
				daemon_copy(dr.nexthop, sizeof(dr.nexthop), "local");
			} else {
				n = ip4_parse(peer, &addr) == 0 ?
				    daemon_peer_by_addr(t, node, addr) : -1;
				daemon_copy(dr.from, sizeof(dr.from),
					    n >= 0 ? t->nodes[n].name : peer);
				daemon_copy(dr.nexthop, sizeof(dr.nexthop),
					    json_str(json_get(&d, json_first(&d,
						json_get(&d, p, "nexthops")), "ip"),
						     ""));
				daemon_copy(dr.aspath, sizeof(dr.aspath),
					    json_str(json_get(&d, p, "path"),
						     json_str(json_get(&d, json_get(&d, p,
							"aspath"), "string"), "")));
			}
			lower(dr.origin, sizeof(dr.origin),
			      json_str(json_get(&d, p, "origin"), ""));
			x = json_get(&d, p, "locPrf");
			dr.local_pref = x ? (long)json_u64(x, 0) :
					lp ? (long)json_u64(lp, 0) : -1;
			frr_comms_add(dr.communities, sizeof(dr.communities),
				      json_str(json_get(&d, json_get(&d, p,
						"community"), "string"), NULL), asn);
			frr_comms_add(dr.communities, sizeof(dr.communities),
				      json_str(json_get(&d, json_get(&d, p,
						"largeCommunity"), "string"), NULL), asn);
			r = fn(ctx, &dr);
		}
	}
	json_free(&d);
	return r;
}

static int frr_bgpd_sock(const char *lab, const struct topo *t, size_t node,
			 char *sock)
{
	return frr_file(lab, t->nodes[node].name, "bgpd.vty", sock);
}

static int frr_status(const char *lab, const struct topo *t, size_t node,
		      unsigned timeout_ms, struct snap_router *sr)
{
	char sock[STATE_PATH_MAX], anycast[64 + PREFIX4_STRLEN], pfx[PREFIX4_STRLEN];
	const char *cmds[3];
	struct dbuf outs[3];
	size_t i;
	int r;

	r = frr_bgpd_sock(lab, t, node, sock);
	if (r < 0)
		return r;
	snprintf(anycast, sizeof(anycast), "show bgp ipv4 unicast %s json",
		 prefix4_str(&t->anycast_prefix, pfx));
	cmds[0] = "show bgp neighbors json";
	cmds[1] = anycast;
	cmds[2] = "show bgp ipv4 unicast statistics json";
	for (i = 0; i < 3; i++)
		dbuf_init(&outs[i]);
	r = frr_vty(sock, cmds, 3, outs, NULL, timeout_ms);
	if (r == 0)
		r = daemon_frr_parse_neighbors(out_text(&outs[0]),
					       dbuf_len(&outs[0]), t, node, sr);
	/* A prefix bgpd does not hold is printed as an empty object or not
	 * at all: nowhere to send it. */
	if (r == 0 && daemon_frr_parse_anycast(out_text(&outs[1]),
					       dbuf_len(&outs[1]), t, node, sr) < 0)
		daemon_copy(sr->via, sizeof(sr->via), "none");
	if (r == 0)
		daemon_frr_parse_statistics(out_text(&outs[2]), dbuf_len(&outs[2]),
					    sr);
	for (i = 0; i < 3; i++)
		dbuf_free(&outs[i]);
	return r;
}

/* Whether the POP announces the anycast prefix (its network statement
 * is in): 1, 0, or -ESRCH (why in e). */
static int frr_anycast_on(const char *lab, const struct topo *t, size_t node,
			  const char *sock, struct err *e)
{
	char show[64 + PREFIX4_STRLEN], pfx[PREFIX4_STRLEN];
	const char *q = show;
	struct snap_router sr;
	struct dbuf out;
	int r;

	snprintf(show, sizeof(show), "show bgp ipv4 unicast %s json",
		 prefix4_str(&t->anycast_prefix, pfx));
	dbuf_init(&out);
	memset(&sr, 0, sizeof(sr));
	r = frr_vty(sock, &q, 1, &out, NULL, 3000);
	if (r == 0)
		daemon_frr_parse_anycast(out_text(&out), dbuf_len(&out), t, node, &sr);
	dbuf_free(&out);
	if (r < 0)
		return err_set(e, -ESRCH, "the FRR of %s does not answer (%s)",
			       t->nodes[node].name, strerror(-r));
	return !strcmp(sr.anycast, "announced");
}

/* Commands to bgpd, every one of which must succeed: 0, -ESRCH when it
 * does not answer, -EIO when it refuses one (why in e). */
static int frr_configure(const char *sock, const char *name,
			 const char *const *cmds, size_t n, struct err *e)
{
	int *rets = calloc(n + 1, sizeof(*rets)), r;
	size_t i;

	if (!rets)
		return err_set(e, -ENOMEM, "%s: %s", name, strerror(ENOMEM));
	r = frr_vty(sock, cmds, n, NULL, rets, 3000);
	if (r < 0)
		r = err_set(e, -ESRCH, "the FRR of %s does not answer (%s)", name,
			    strerror(-r));
	for (i = 0; r == 0 && i < n; i++)
		if (rets[i])
			r = err_set(e, -EIO, "%s: FRR refused '%s' (status %d)",
				    name, cmds[i], rets[i]);
	free(rets);
	return r;
}

static int frr_announce(const char *lab, const struct topo *t, size_t node,
			bool on, struct err *e)
{
	char sock[STATE_PATH_MAX], pfx[PREFIX4_STRLEN], bgp[32], net[48];
	const char *cmds[6];
	int r;

	r = frr_bgpd_sock(lab, t, node, sock);
	if (r < 0)
		return r;
	r = frr_anycast_on(lab, t, node, sock, e);
	if (r < 0)
		return r;
	if (r == on)
		return err_set(e, -EALREADY, "%s: %s", t->nodes[node].name,
			       on ? "already announced" : "already withdrawn");
	prefix4_str(&t->anycast_prefix, pfx);
	snprintf(bgp, sizeof(bgp), "router bgp %u", t->nodes[node].asn);
	snprintf(net, sizeof(net), "%snetwork %s", on ? "" : "no ", pfx);
	cmds[0] = "enable";
	cmds[1] = "configure terminal";
	cmds[2] = bgp;
	cmds[3] = "address-family ipv4 unicast";
	cmds[4] = net;
	cmds[5] = "end";
	return frr_configure(sock, t->nodes[node].name, cmds, 6, e);
}

/* The commands that give session x of in its route-map out of
 * generation gen in place of its current one (cur) and send what
 * changes: into a NUL-separated list in d. */
static int frr_rebind(struct dbuf *d, const struct topo_intent *in,
		      const struct topo_intent_session *x, unsigned gen,
		      const char *cur)
{
	char a[IP4_STRLEN], m[TOPO_NAME_MAX + 32], p[PREFIX4_STRLEN], *text = NULL;
	size_t len = 0, i, k;
	FILE *f = open_memstream(&text, &len);
	int r = 0;

	if (!f)
		return -errno;
	ip4_str(x->peer_addr, a);
	fprintf(f, "configure terminal\n"
		"bgp as-path access-list lab-local seq 5 permit ^$\n"
		"ip prefix-list lab-anycast seq 5 permit %s\n",
		prefix4_str(&in->anycast, p));
	frr_export(f, in, x, gen);
	fprintf(f, "router bgp %u\n"
		"address-family ipv4 unicast\n"
		"neighbor %s route-map %s out\n"
		"end\n", in->asn, a, frr_map_out(x, gen, m, sizeof(m)));
	if (strcmp(cur, "lab-out"))
		fprintf(f, "configure terminal\n"
			"no route-map %s\n"
			"end\n", cur);
	if (fclose(f) != 0)
		r = -EIO;
	/* One command a line; FRR's comments stay out. */
	for (i = 0; r == 0 && i < len; i = k + 1) {
		k = i + strcspn(text + i, "\n");
		if (k > i && text[i] != '!')
			r = dbuf_append(d, text + i, k - i);
		if (r == 0 && k > i && text[i] != '!')
			r = dbuf_append(d, "", 1);
	}
	free(text);
	return r;
}

/* A live change of the POP's announcement: each session it changes gets
 * a new route-map out, written with every change so far, in place of
 * the old one (which then goes), so no moment sends by half a policy;
 * FRR sends the peer what the new one changes without a reset.  An
 * announce from withdrawn-everywhere puts the network back after. */
static int frr_shape(const char *lab, const struct topo *t, size_t node,
		     const struct daemon_shape *s, struct err *e)
{
	typedef char map_name[TOPO_NAME_MAX + 32];
	const char *name = t->nodes[node].name, **cmds = NULL;
	char sock[STATE_PATH_MAX];
	struct topo_intent in;
	map_name *cur = NULL;
	unsigned *gen = NULL;
	bool *changed = NULL, pol;
	struct dbuf d;
	size_t n = 0, i, nc = 0;
	int on, r;

	r = frr_bgpd_sock(lab, t, node, sock);
	if (r < 0)
		return r;
	on = frr_anycast_on(lab, t, node, sock, e);
	if (on < 0)
		return on;
	r = topo_intent_build(t, node, &in);
	if (r < 0)
		return err_set(e, r, "%s: %s", name, strerror(-r));
	/* As bgpd.conf was written: from the topology. */
	pol = daemon_pol_any(&in);
	dbuf_init(&d);
	changed = calloc(in.nsess + 1, sizeof(*changed));
	gen = calloc(in.nsess + 1, sizeof(*gen));
	cur = calloc(in.nsess + 1, sizeof(*cur));
	r = changed && gen && cur ? daemon_live_load(lab, t, node, &in, gen) :
	    -ENOMEM;
	if (r < 0) {
		err_set(e, r, "%s: %s", name, strerror(-r));
		goto out;
	}
	/* The route-map each session has now. */
	for (i = 0; i < in.nsess; i++) {
		if (gen[i] || (pol && daemon_pol_export(&in, &in.sess[i])))
			frr_map_out(&in.sess[i], gen[i], cur[i], sizeof(cur[i]));
		else
			snprintf(cur[i], sizeof(cur[i]), "lab-out");
	}
	n = daemon_live_change(&in, s, !on, changed, gen);
	if (!n && (on || s->op != DAEMON_SHAPE_ANNOUNCE)) {
		r = err_set(e, -EALREADY, "%s: %s", name,
			    s->op == DAEMON_SHAPE_PREPEND ? "prepend unchanged" :
			    s->op == DAEMON_SHAPE_ANNOUNCE ? "already announced" :
			    "already withdrawn");
		goto out;
	}
	r = dbuf_append(&d, "enable", 7);
	for (i = 0; r == 0 && i < in.nsess; i++)
		if (changed[i])
			r = frr_rebind(&d, &in, &in.sess[i], gen[i], cur[i]);
	/* The list as an array of commands. */
	for (i = 0; r == 0 && i < dbuf_len(&d); i++)
		nc += dbuf_data(&d)[i] == '\0';
	cmds = r == 0 ? calloc(nc + 1, sizeof(*cmds)) : NULL;
	if (r == 0 && !cmds)
		r = -ENOMEM;
	for (i = 0, nc = 0; r == 0 && i < dbuf_len(&d); nc++) {
		cmds[nc] = (const char *)dbuf_data(&d) + i;
		i += strlen(cmds[nc]) + 1;
	}
	if (r < 0) {
		err_set(e, r, "%s: %s", name, strerror(-r));
		goto out;
	}
	r = frr_configure(sock, name, cmds, nc, e);
	if (r == 0)
		r = daemon_live_save(lab, t, node, &in, gen);
	if (r == 0 && !on && s->op == DAEMON_SHAPE_ANNOUNCE)
		r = frr_announce(lab, t, node, true, e);
out:
	free(cmds);
	dbuf_free(&d);
	free(cur);
	free(changed);
	free(gen);
	topo_intent_free(&in);
	return r;
}

/* The paths of one peer, out of the whole table. */
struct frr_from {
	const char *peer;
	daemon_route_fn fn;
	void *ctx;
};

static int frr_from_peer(void *ctx, const struct daemon_route *r)
{
	const struct frr_from *ff = ctx;

	return strcmp(r->from, ff->peer) ? 0 : ff->fn(ff->ctx, r);
}

static int frr_routes(const char *lab, const struct topo *t, size_t node,
		      const char *peer, daemon_route_fn fn, void *ctx,
		      struct err *e)
{
	/* Detail, for the communities and LOCAL_PREF of each path; `neighbors
	 * X routes` has no detail in FRR 8.4, so a peer's paths are those of
	 * the whole table that came from it. */
	static const char *const cmd = "show bgp ipv4 unicast json detail";
	struct frr_from ff = { peer, fn, ctx };
	char sock[STATE_PATH_MAX];
	struct dbuf out;
	long p;
	int r, ret = 0;
	size_t k;

	r = frr_bgpd_sock(lab, t, node, sock);
	if (r < 0)
		return r;
	if (peer) {
		p = topo_node_find(t, peer);
		for (k = 0; p >= 0 && k < t->nlinks; k++)
			if ((t->links[k].a == node && t->links[k].b == (size_t)p) ||
			    (t->links[k].b == node && t->links[k].a == (size_t)p))
				break;
		if (p < 0 || k == t->nlinks) {
			snprintf(e->msg, sizeof(e->msg), "%s has no session with %s",
				 t->nodes[node].name, peer);
			return -ENOENT;
		}
	}
	dbuf_init(&out);
	r = frr_vty(sock, &cmd, 1, &out, &ret, 5000);
	if (r < 0) {
		snprintf(e->msg, sizeof(e->msg), "the FRR of %s does not answer (%s); is it "
			 "running? see 'anycastlab status'", t->nodes[node].name,
			 strerror(-r));
	} else if (ret) {
		snprintf(e->msg, sizeof(e->msg), "FRR of %s says: %.*s", t->nodes[node].name,
			 (int)strcspn(out_text(&out), "\n"), out_text(&out));
		r = -EIO;
	} else {
		r = daemon_frr_parse_routes(out_text(&out), dbuf_len(&out),
					    peer != NULL, t, node,
					    peer ? frr_from_peer : fn,
					    peer ? (void *)&ff : ctx);
	}
	dbuf_free(&out);
	return r;
}

static void frr_hint(const char *lab, const char *node, char *buf, size_t n)
{
	char dir[STATE_PATH_MAX];

	if (frr_file(lab, node, NULL, dir) < 0)
		dir[0] = '\0';
	snprintf(buf, n, "vtysh --vty_socket %s", dir);
}

static void frr_gone(const char *role, const struct proc_id *id)
{
	char dir[64], path[64 + 256 + 2], st[256] = "", *p;
	struct dirent *de;
	FILE *f;
	DIR *d;

	/* FRR's daemons keep a crash log buffer in /var/tmp/frr/<name>.<pid>
	 * and remove it when they exit cleanly; a SIGKILL leaves it. */
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)id->pid);
	f = fopen(path, "re");
	if (f) {
		if (!fgets(st, sizeof(st), f))
			st[0] = '\0';
		fclose(f);
	}
	/* "4242 (bgpd) S ...": the pid was taken by another FRR process,
	 * alive, whose directory this now is. */
	snprintf(path, sizeof(path), "(%s) ", role);
	p = strstr(st, path);
	if (p && p[strlen(path)] != 'Z' && p[strlen(path)] != 'X')
		return;
	snprintf(dir, sizeof(dir), "/var/tmp/frr/%s.%d", role, (int)id->pid);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' && (!de->d_name[1] ||
		    (de->d_name[1] == '.' && !de->d_name[2])))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

const struct daemon_ops daemon_frr_ops = {
	.kind = TOPO_DAEMON_FRR,
	.title = "FRR",
	.summary = "FRR",
	.noun = "FRR",
	.package = "frr",
	.managed = true,
	.named = true,
	.http_beside = true,
	.status_procs = true,
	.roles = frr_roles,
	.nroles = 2,
	.program = frr_program,
	.user = "frr",
	.gone = frr_gone,
	.write_config = frr_write_config,
	.argv = frr_argv,
	.ready = frr_ready,
	.start = daemon_exec_start,
	.wait_ready = daemon_exec_wait,
	.status = daemon_exec_status,
	.query = frr_status,
	.announce = frr_announce,
	.shape = frr_shape,
	.routes = frr_routes,
	.hint = frr_hint,
	.cannot = frr_cannot,
};

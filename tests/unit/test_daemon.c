/*
 * BIRD 2 and FRR as a node's router: the configurations generated from a
 * small lab, from nodes of the world lab and from a lab with every
 * routing-policy knob (tests/golden/policy.yaml), byte for byte against
 * tests/golden/daemon-*.conf (ANYCASTLAB_GOLDEN_UPDATE=1 rewrites them,
 * to be reviewed); what each daemon cannot do, refused in one sentence;
 * and the parsers of what the daemons answer on their control sockets,
 * against replies captured from BIRD 2.0.12 and FRR 8.4.4 running the
 * world lab (tests/golden/daemon-*.raw: the bytes as the sockets sent
 * them, codes and trailers included) and, for communities, against text
 * written to the formats of those versions' sources.  Also the JSON
 * reader those parsers use, the journal's daemon records, and the rule
 * that a node's own daemon: wins over up --daemon.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon.h"
#include "daemon/daemon_int.h"
#include "run/journal.h"
#include "util/json.h"
#include "topo/topo.h"
#include "slurp.h"

#define GOLDEN_DIR	SOURCE_ROOT "/tests/golden"

static const char small_yaml[] =
	"name: small\n"
	"defaults:\n"
	"  hold-time: 9\n"
	"  connect-retry: 2\n"
	"nodes:\n"
	"  p: {kind: pop, asn: 13335, city: Sydney}\n"
	"  i: {kind: isp, asn: 64500}\n"
	"  j: {kind: isp, asn: 4200000001, passive: true, daemon: frr}\n"
	"  u: {kind: user}\n"
	"  v: {kind: user}\n"
	"links:\n"
	"  - [u, i]\n"
	"  - [v, i]\n"
	"  - [i, p]\n"
	"  - [i, j]\n"
	"  - [j, p]\n";

static void load_small(struct topo *t)
{
	struct topo_diags d = { 0 };

	cr_assert_eq(topo_load_buf("small.yaml", small_yaml, strlen(small_yaml),
				   t, &d), 0);
	topo_diags_free(&d);
}

static void load_world(struct topo *t)
{
	struct topo_diags d = { 0 };

	cr_assert_eq(topo_load_file(SOURCE_ROOT "/topologies/world.yaml", t, &d), 0);
	topo_diags_free(&d);
}

/* The Internet of relationships (topologies/internet.yaml). */
static void load_internet(struct topo *t)
{
	struct topo_diags d = { 0 };

	cr_assert_eq(topo_load_file(SOURCE_ROOT "/topologies/internet.yaml", t, &d), 0);
	topo_diags_free(&d);
}

/* Every policy knob (tests/golden/policy.yaml). */
static void load_policy(struct topo *t)
{
	struct topo_diags d = { 0 };

	cr_assert_eq(topo_load_file(GOLDEN_DIR "/policy.yaml", t, &d), 0);
	topo_diags_free(&d);
}

static size_t node_of(const struct topo *t, const char *name)
{
	long i = topo_node_find(t, name);

	cr_assert_geq(i, 0, "no node %s", name);
	return (size_t)i;
}

/* ---- configurations ---- */

static void conf_free(struct criterion_test_params *p)
{
	cr_free(p->params);
}

/* Arrays, not pointers: each case runs in a process of its own, where
 * the parent's addresses mean nothing. */
struct conf_case {
	char lab[12];		/* "small", "world", "policy", "internet" */
	char node[TOPO_NAME_MAX + 1];
	char kind[8];		/* "bird", "bgpd", "zebra" */
};

ParameterizedTestParameters(daemon_config, matches_golden)
{
	static const struct conf_case cases[] = {
		{ "small", "p", "bird" }, { "small", "p", "bgpd" },
		{ "small", "i", "bird" }, { "small", "i", "bgpd" },
		{ "small", "i", "zebra" },
		{ "small", "j", "bird" }, { "small", "j", "bgpd" },
		{ "world", "telstra", "bird" }, { "world", "telstra", "bgpd" },
		{ "world", "syd", "bird" }, { "world", "syd", "bgpd" },
		{ "world", "ntt", "bird" }, { "world", "ntt", "bgpd" },
		/* BIRD only where no MRAI is asked of it */
		{ "policy", "pa", "bird" }, { "policy", "pa", "bgpd" },
		{ "policy", "pb", "bgpd" },
		{ "policy", "t1", "bird" }, { "policy", "t1", "bgpd" },
		{ "policy", "t2", "bgpd" },
		{ "policy", "e", "bird" }, { "policy", "e", "bgpd" },
		/* a tier-1 with action communities, a regional ISP, a POP
		 * with a provider and a peer */
		{ "internet", "lumen", "bird" }, { "internet", "lumen", "bgpd" },
		{ "internet", "optus", "bird" }, { "internet", "optus", "bgpd" },
		{ "internet", "syd", "bird" }, { "internet", "syd", "bgpd" },
	};
	size_t n = sizeof(cases) / sizeof(cases[0]);
	struct conf_case *shared = cr_malloc(sizeof(cases));

	cr_assert_not_null(shared);
	memcpy(shared, cases, sizeof(cases));
	return cr_make_param_array(struct conf_case, shared, n, conf_free);
}

ParameterizedTest(struct conf_case *c, daemon_config, matches_golden)
{
	const char *update = getenv("ANYCASTLAB_GOLDEN_UPDATE");
	char path[512], *got = NULL, *want;
	size_t len = 0, wlen;
	struct topo t;
	FILE *f;
	int r;

	if (!strcmp(c->lab, "small"))
		load_small(&t);
	else if (!strcmp(c->lab, "policy"))
		load_policy(&t);
	else if (!strcmp(c->lab, "internet"))
		load_internet(&t);
	else
		load_world(&t);
	f = open_memstream(&got, &len);
	cr_assert_not_null(f);
	if (!strcmp(c->kind, "bird"))
		r = daemon_bird_config(&t, node_of(&t, c->node), f);
	else if (!strcmp(c->kind, "bgpd"))
		r = daemon_frr_bgpd_config(&t, node_of(&t, c->node), f);
	else
		r = daemon_frr_zebra_config(&t, node_of(&t, c->node), f);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(r, 0);
	snprintf(path, sizeof(path), GOLDEN_DIR "/daemon-%s-%s.%s.conf", c->lab,
		 c->node, c->kind);
	if (update && !strcmp(update, "1")) {
		f = fopen(path, "w");
		cr_assert_not_null(f, "cannot write %s", path);
		fputs(got, f);
		cr_assert_eq(fclose(f), 0);
	} else {
		want = slurp(path, &wlen);
		cr_assert_not_null(want, "%s is missing; run with "
				   "ANYCASTLAB_GOLDEN_UPDATE=1 and review it", path);
		cr_assert_str_eq(got, want, "%s differs:\n--- got\n%s--- want\n%s",
				 path, got, want);
		free(want);
	}
	free(got);
	topo_free(&t);
}

/* What the golden files must say, whatever their wording: the policy
 * the built-in speaker has, here for a POP with users elsewhere. */
Test(daemon_config, bird_has_the_builtin_policy)
{
	char *got = NULL;
	size_t len = 0;
	struct topo t;
	FILE *f;

	load_world(&t);
	f = open_memstream(&got, &len);
	cr_assert_eq(daemon_bird_config(&t, node_of(&t, "telstra"), f), 0);
	fclose(f);
	cr_assert_not_null(strstr(got, "router id 100.127.0.13;"));
	/* loopback and the /31 of u-syd, nothing else originated */
	cr_assert_not_null(strstr(got, "\troute 100.127.0.13/32 unreachable;\n"
				  "\troute 100.64.0.12/31 unreachable;\n}"));
	cr_assert_null(strstr(got, "protocol static anycast"));
	cr_assert_not_null(strstr(got, "export where source = RTS_BGP;"));
	cr_assert_not_null(strstr(got, "check link yes;"));
	cr_assert_not_null(strstr(got, "hold time 3;"));
	cr_assert_not_null(strstr(got, "connect retry time 1;"));
	cr_assert_not_null(strstr(got, "next hop self;"));
	cr_assert_not_null(strstr(got, "protocol bgp peer_syd from lab_peer {\n"
				  "\tdescription \"syd\";\n"
				  "\tlocal 100.64.0.24 as 1221;\n"
				  "\tneighbor 100.64.0.25 as 13335;\n}"));
	cr_assert_not_null(strstr(got, "neighbor 100.64.0.32 as 7473;"));
	cr_assert_not_null(strstr(got, "neighbor 100.64.0.42 as 2914;"));
	cr_assert_null(strstr(got, "u-syd"), "a user is no BGP peer");
	free(got);
	topo_free(&t);
}

Test(daemon_config, no_hold_timer_and_names_with_dashes)
{
	static const char yaml[] =
		"name: h0\n"
		"defaults: {hold-time: 0}\n"
		"nodes:\n"
		"  pop-a: {kind: pop, asn: 13335}\n"
		"  isp-b: {kind: isp, asn: 64500}\n"
		"links:\n"
		"  - [isp-b, pop-a]\n";
	struct topo_diags d = { 0 };
	char *got = NULL;
	size_t len = 0;
	struct topo t;
	FILE *f;

	cr_assert_eq(topo_load_buf("h0.yaml", yaml, strlen(yaml), &t, &d), 0);
	f = open_memstream(&got, &len);
	cr_assert_eq(daemon_bird_config(&t, node_of(&t, "isp-b"), f), 0);
	cr_assert_eq(daemon_frr_bgpd_config(&t, node_of(&t, "isp-b"), f), 0);
	fclose(f);
	cr_assert_not_null(strstr(got, "\thold time 0;\n"));
	cr_assert_null(strstr(got, "keepalive time"));
	cr_assert_null(strstr(got, "startup hold time"));
	cr_assert_not_null(strstr(got, " timers bgp 0 0\n"));
	/* '-' is no BIRD symbol character; the description keeps the name */
	cr_assert_not_null(strstr(got, "protocol bgp peer_pop_a from lab_peer {\n"
				  "\tdescription \"pop-a\";"));
	free(got);
	topo_diags_free(&d);
	topo_free(&t);
}

Test(daemon_config, users_have_none)
{
	struct topo t;
	FILE *f = fopen("/dev/null", "w");

	load_world(&t);
	cr_assert_eq(daemon_bird_config(&t, node_of(&t, "u-syd"), f), -EINVAL);
	cr_assert_eq(daemon_frr_bgpd_config(&t, node_of(&t, "u-syd"), f), -EINVAL);
	cr_assert_eq(daemon_frr_zebra_config(&t, node_of(&t, "u-syd"), f), -EINVAL);
	fclose(f);
	topo_free(&t);
}

/* unknown-attributes: discard is something neither BIRD nor FRR can
 * do: the generators refuse, writing nothing, rather than run a router
 * that passes the attributes on anyway. */
Test(daemon_config, unknown_attributes_discard_is_refused)
{
	struct topo t;
	char *got = NULL;
	size_t len = 0, n;
	FILE *f;

	load_world(&t);
	n = node_of(&t, "telstra");
	f = open_memstream(&got, &len);
	cr_assert_eq(daemon_bird_config(&t, n, f), 0);
	cr_assert_eq(daemon_frr_bgpd_config(&t, n, f), 0);
	fclose(f);
	cr_assert_gt(len, 0);
	free(got);
	t.nodes[n].unknown_attrs_discard = true;
	got = NULL;
	f = open_memstream(&got, &len);
	cr_assert_eq(daemon_bird_config(&t, n, f), -EOPNOTSUPP);
	cr_assert_eq(daemon_frr_bgpd_config(&t, n, f), -EOPNOTSUPP);
	fclose(f);
	cr_assert_eq(len, 0, "nothing written: %s", got);
	free(got);
	topo_free(&t);
}

/* What the routers of a lab with policy must say, whatever the wording
 * of the golden files. */
static char *render(const struct topo *t, const char *node, bool frr)
{
	char *got = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&got, &len);

	cr_assert_not_null(f);
	if (frr)
		cr_assert_eq(daemon_frr_bgpd_config(t, node_of(t, node), f), 0);
	else
		cr_assert_eq(daemon_bird_config(t, node_of(t, node), f), 0);
	fclose(f);
	return got;
}

Test(daemon_config, policy_knobs)
{
	struct topo t;
	char *s;

	load_policy(&t);
	s = render(&t, "t1", false);
	cr_assert_not_null(strstr(s, "\tmed metric on;\n"));
	cr_assert_not_null(strstr(s, "\tmerge paths on;\n"));
	/* a customer's route: tagged 1, LOCAL_PREF by action first */
	cr_assert_not_null(strstr(s, "\tbgp_large_community.add((2914, 4294967295, 1));\n"
				  "\tif (2914, 70) ~ bgp_community then bgp_local_pref = 70;\n"
				  "\telse if (2914, 0, 80) ~ bgp_large_community then bgp_local_pref = 80;\n"
				  "\telse bgp_local_pref = 200;\n"));
	/* toward the peer t2 (AS1299): valley-free, no-announce, and the
	 * larger prepend before the smaller */
	cr_assert_not_null(strstr(s, "if bgp_large_community ~ [(2914, 4294967295, 2..3)] then reject;"));
	cr_assert_not_null(strstr(s, "if (2914, 666) ~ bgp_community then reject;"));
	cr_assert_lt(strstr(s, "(2914, 423) ~"), strstr(s, "(2914, 421) ~"));
	cr_assert_not_null(strstr(s, "bgp_large_community.delete([(2914, 4294967295, *)]);\n\t}\n\taccept;"));
	free(s);
	s = render(&t, "pa", false);
	/* the link's prepend and MED, the node's communities; none to t2 */
	cr_assert_not_null(strstr(s, "\tif proto = \"anycast\" then {\n"
				  "\t\tbgp_path.prepend(13335);\n"
				  "\t\tbgp_path.prepend(13335);\n"
				  "\t\tbgp_med = 20;\n"
				  "\t\tbgp_community.add((13335, 100));\n"
				  "\t\tbgp_large_community.add((13335, 1, 1));\n"));
	cr_assert_not_null(strstr(s, "\tif proto = \"anycast\" then reject;\n"));
	free(s);
	s = render(&t, "t2", true);
	cr_assert_not_null(strstr(s, " bgp bestpath compare-routerid\n"));
	cr_assert_not_null(strstr(s, " neighbor 100.64.0.7 advertisement-interval 1\n"));
	cr_assert_not_null(strstr(s, " neighbor 100.64.0.8 advertisement-interval 2\n"));
	cr_assert_not_null(strstr(s, "route-map lab-in-pb permit 20\n"
				  " set local-preference 300\n"
				  " set large-community 1299:4294967295:1 additive\n"));
	cr_assert_not_null(strstr(s, " set as-path prepend 1299 1299\n"));
	free(s);
	s = render(&t, "t1", true);
	cr_assert_not_null(strstr(s, " bgp always-compare-med\n"));
	cr_assert_not_null(strstr(s, " bgp bestpath as-path multipath-relax\n"));
	cr_assert_not_null(strstr(s, "  maximum-paths 4\n"));
	free(s);
	s = render(&t, "pb", true);
	/* one set line per kind, or the second would replace the first */
	cr_assert_not_null(strstr(s, " set community 2914:421 65535:65281 additive\n"
				  " set large-community 2914:0:80 additive\n"));
	free(s);
	topo_free(&t);
	/* Without policy, FRR breaks ties as it always did here. */
	load_world(&t);
	s = render(&t, "telstra", true);
	cr_assert_null(strstr(s, "compare-routerid"));
	cr_assert_null(strstr(s, "lab-tag"));
	free(s);
	topo_free(&t);
}

/* ---- what a daemon cannot do ---- */

static const char cannot_yaml[] =
	"name: lab\n"
	"defaults: {mrai: 30s}\n"
	"nodes:\n"
	"  p: {kind: pop, asn: 13335, daemon: bird}\n"
	"  i: {kind: isp, asn: 1221, daemon: frr, mrai: 1500ms}\n"
	"  j: {kind: isp, asn: 1222, daemon: frr, mrai: 900s}\n"
	"  q: {kind: pop, asn: 13335, daemon: frr, mrai: 2s}\n"
	"  b: {kind: isp, asn: 1224, daemon: bird, mrai: 0,"
	" unknown-attributes: discard}\n"
	"  k: {kind: isp, asn: 1223, daemon: builtin}\n"
	"  u: {kind: user}\n"
	"links:\n"
	"  - [i, p]\n"
	"  - [j, p]\n"
	"  - [u, i]\n"
	"  - [b, k]\n"
	"  - {endpoints: [k, q], rel: provider, communities: \"13335:4294967295:7\"}\n"
	"  - {endpoints: [k, p], mrai: 0}\n";

/* daemon_check of node: its sentence, "" when it can. */
static const char *cannot_of(const struct topo *t, const char *node)
{
	static struct err e;
	int r;

	e.msg[0] = '\0';
	r = daemon_check(t, node_of(t, node), &e);
	cr_assert(r == 0 || r == -EOPNOTSUPP, "%s: %d", node, r);
	cr_assert_eq(r == 0, e.msg[0] == '\0', "%s: %s", node, e.msg);
	return e.msg;
}

Test(daemon_cannot, sentences)
{
	struct topo_diags d = { 0 };
	struct topo t;

	cr_assert_eq(topo_load_buf("lab.yaml", cannot_yaml, strlen(cannot_yaml),
				   &t, &d), 0);
	cr_assert_str_eq(cannot_of(&t, "p"),
			 "bird cannot set an MRAI (node p, mrai 30s toward i): BIRD 2 "
			 "has no MinRouteAdvertisementInterval; use daemon: builtin "
			 "or frr for this node");
	cr_assert_str_eq(cannot_of(&t, "i"),
			 "frr cannot set an MRAI of 1500ms (node i): FRR's "
			 "advertisement-interval is in whole seconds; use a whole "
			 "number of seconds, or daemon: builtin for this node");
	cr_assert_str_eq(cannot_of(&t, "j"),
			 "frr cannot set an MRAI of 900s (node j): FRR's "
			 "advertisement-interval is 600 seconds at most; use at most "
			 "600s, or daemon: builtin for this node");
	cr_assert_str_eq(cannot_of(&t, "b"),
			 "bird cannot discard unknown attributes (node b, "
			 "unknown-attributes: discard): BIRD 2 passes unknown optional "
			 "transitive attributes on and has no setting to drop them; "
			 "use daemon: builtin or unknown-attributes: pass");
	cr_assert_str_eq(cannot_of(&t, "q"),
			 "frr cannot pass on the large community 13335:4294967295:7 of "
			 "link [k, q] (node q): anycastlab reserves 13335:4294967295:* "
			 "on a BIRD or FRR router of AS13335 for its own tag; give it "
			 "another middle number");
	/* anycastlab's own router does all of it; a user runs nothing */
	cr_assert_str_eq(cannot_of(&t, "k"), "");
	cr_assert_str_eq(cannot_of(&t, "u"), "");
	/* check: one error at each node that cannot */
	cr_assert_eq(daemon_check_topo(&t, &d), 5);
	cr_assert_eq(d.errors, 5);
	cr_assert_eq(d.v[0].pos.line, 4);
	topo_diags_free(&d);
	topo_free(&t);
}

/* The renderers refuse what daemon_check refuses, writing nothing, and
 * write what it lets through. */
Test(daemon_cannot, the_renderers_agree)
{
	static const char *const nodes[] = { "p", "i", "j", "q", "b" };
	struct topo_diags d = { 0 };
	struct topo t;
	char *got = NULL;
	size_t len = 0, i;
	FILE *f;

	cr_assert_eq(topo_load_buf("lab.yaml", cannot_yaml, strlen(cannot_yaml),
				   &t, &d), 0);
	for (i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		size_t n = node_of(&t, nodes[i]);
		int want_bird, want_frr;

		f = open_memstream(&got, &len);
		t.nodes[n].daemon = TOPO_DAEMON_BIRD;
		want_bird = daemon_check(&t, n, &(struct err){ 0 });
		t.nodes[n].daemon = TOPO_DAEMON_FRR;
		want_frr = daemon_check(&t, n, &(struct err){ 0 });
		cr_assert_eq(daemon_bird_config(&t, n, f), want_bird, "%s", nodes[i]);
		cr_assert_eq(daemon_frr_bgpd_config(&t, n, f), want_frr, "%s", nodes[i]);
		fclose(f);
		if (want_bird && want_frr)
			cr_assert_eq(len, 0, "%s: nothing written: %s", nodes[i], got);
		free(got);
		got = NULL;
	}
	topo_diags_free(&d);
	topo_free(&t);
}

/* ---- choosing daemons ---- */

Test(daemon_choice, a_nodes_own_daemon_wins_over_the_default)
{
	struct topo t;

	load_small(&t);
	cr_assert_eq(t.nodes[node_of(&t, "i")].daemon, TOPO_DAEMON_BUILTIN);
	cr_assert_eq(t.nodes[node_of(&t, "j")].daemon, TOPO_DAEMON_FRR);
	daemon_apply_default(&t, TOPO_DAEMON_DEFAULT);
	cr_assert_eq(t.nodes[node_of(&t, "i")].daemon, TOPO_DAEMON_BUILTIN);
	daemon_apply_default(&t, TOPO_DAEMON_BIRD);
	cr_assert_eq(t.daemon, TOPO_DAEMON_BIRD);
	cr_assert_eq(t.nodes[node_of(&t, "p")].daemon, TOPO_DAEMON_BIRD);
	cr_assert_eq(t.nodes[node_of(&t, "i")].daemon, TOPO_DAEMON_BIRD);
	cr_assert_eq(t.nodes[node_of(&t, "j")].daemon, TOPO_DAEMON_FRR);
	cr_assert_eq(t.nodes[node_of(&t, "u")].daemon, TOPO_DAEMON_DEFAULT);
	topo_free(&t);
}

/* The roles node runs with daemon d, joined by ','; its speaker's index. */
static const char *roles_of(struct topo *t, const char *node,
			    enum topo_daemon d, size_t *speaker)
{
	static char buf[64];
	const char *roles[DAEMON_MAX_PROCS];
	size_t i, n, w = 0;

	t->nodes[node_of(t, node)].daemon = d;
	n = daemon_node_roles(t, node_of(t, node), roles, speaker);
	buf[0] = '\0';
	for (i = 0; i < n; i++)
		w += (size_t)snprintf(buf + w, sizeof(buf) - w, "%s%s",
				      i ? "," : "", roles[i]);
	return buf;
}

Test(daemon_choice, roles_and_packages)
{
	struct topo t;
	size_t sp;

	load_small(&t);
	cr_assert_eq(t.nodes[node_of(&t, "p")].kind, TOPO_KIND_POP);
	cr_assert_eq(t.nodes[node_of(&t, "i")].kind, TOPO_KIND_ISP);
	cr_assert_str_eq(roles_of(&t, "i", TOPO_DAEMON_BUILTIN, &sp), "");
	cr_assert_eq(sp, 0);
	cr_assert_str_eq(roles_of(&t, "p", TOPO_DAEMON_BUILTIN, &sp), "");
	cr_assert_str_eq(roles_of(&t, "i", TOPO_DAEMON_BIRD, &sp), "bird");
	cr_assert_eq(sp, 0);
	cr_assert_str_eq(roles_of(&t, "i", TOPO_DAEMON_FRR, &sp), "zebra,bgpd");
	cr_assert_eq(sp, 1);
	/* A POP on BIRD or FRR also runs our web server, after the daemon. */
	cr_assert_str_eq(roles_of(&t, "p", TOPO_DAEMON_BIRD, &sp), "bird,http");
	cr_assert_eq(sp, 0);
	cr_assert_str_eq(roles_of(&t, "p", TOPO_DAEMON_FRR, &sp),
			 "zebra,bgpd,http");
	cr_assert_eq(sp, 1);
	cr_assert_str_eq(roles_of(&t, "p", TOPO_DAEMON_NONE, &sp), "");
	cr_assert_eq(daemon_node_roles(&t, node_of(&t, "u"),
				       (const char *[DAEMON_MAX_PROCS]){ 0 }, &sp), 0);
	topo_free(&t);
	cr_assert_str_eq(daemon_package(TOPO_DAEMON_BIRD), "bird2");
	cr_assert_str_eq(daemon_package(TOPO_DAEMON_FRR), "frr");
	cr_assert_null(daemon_package(TOPO_DAEMON_BUILTIN));
	cr_assert_eq(daemon_installed(TOPO_DAEMON_BUILTIN), 0);
}

Test(daemon_choice, processes_from_the_journal)
{
	struct journal_rec v[4];
	struct daemon_procs p;
	struct topo t;

	load_small(&t);
	t.nodes[node_of(&t, "i")].daemon = TOPO_DAEMON_FRR;
	cr_assert_eq(journal_parse("daemon i zebra 4250 100", &v[0]), 0);
	cr_assert_eq(journal_parse("daemon i bgpd 4251 100", &v[1]), 0);
	cr_assert_eq(journal_parse("daemon i bgpd 4260 200", &v[2]), 0);
	cr_assert_eq(journal_parse("proc p 4270 300", &v[3]), 0);
	daemon_procs_find(v, 4, &t, node_of(&t, "i"), &p);
	cr_assert_eq(p.n, 2);
	cr_assert_str_eq(p.role[0], "zebra");
	cr_assert_eq(p.id[0].pid, 4250);
	/* the newest bgpd is the current one */
	cr_assert_eq(p.id[1].pid, 4260);
	cr_assert_eq(p.id[1].start, 200ull);
	cr_assert_eq(p.speaker, 1);
	daemon_procs_find(v, 4, &t, node_of(&t, "p"), &p);
	cr_assert_eq(p.n, 1);
	cr_assert_eq(p.id[0].pid, 4270);
	/* A POP on FRR: its web server is a process of the node too, and
	 * bgpd is still the one speaking BGP. */
	t.nodes[node_of(&t, "p")].daemon = TOPO_DAEMON_FRR;
	cr_assert_eq(journal_parse("daemon p zebra 4280 400", &v[0]), 0);
	cr_assert_eq(journal_parse("daemon p bgpd 4281 400", &v[1]), 0);
	cr_assert_eq(journal_parse("daemon p http 4282 400", &v[2]), 0);
	daemon_procs_find(v, 3, &t, node_of(&t, "p"), &p);
	cr_assert_eq(p.n, 3);
	cr_assert_str_eq(p.role[2], "http");
	cr_assert_eq(p.id[2].pid, 4282);
	cr_assert_eq(p.speaker, 1);
	cr_assert_eq(p.id[p.speaker].pid, 4281);
	topo_free(&t);
}

Test(journal, daemon_records)
{
	static const char *const bad[] = {
		"daemon i", "daemon i bgpd", "daemon i bgpd 42",
		"daemon i bgpd 42 5 extra", "daemon i BGPD 42 5",
		"daemon i bgpd-x 42 5", "daemon i toolongrole 42 5",
		"daemon i bgpd 0 5", "daemon i bgpd 42 -1",
		"daemon abcdefghijklmnopq bgpd 1 1",
	};
	struct journal_rec r;
	size_t i;

	cr_assert_eq(journal_parse("daemon telstra bgpd 4250 123460", &r), 0);
	cr_assert_eq(r.kind, JOURNAL_PROC);
	cr_assert_str_eq(r.name, "telstra");
	cr_assert_str_eq(r.role, "bgpd");
	cr_assert_eq(r.proc.pid, 4250);
	cr_assert_eq(r.proc.start, 123460ull);
	cr_assert_eq(journal_parse("proc syd 4242 123456", &r), 0);
	cr_assert_str_eq(r.role, "");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_neq(journal_parse(bad[i], &r), 0, "'%s' parsed", bad[i]);
}

/* ---- BIRD's CLI socket ---- */

struct raw {
	char *p;
	size_t len;
};

static struct raw raw_load(const char *name)
{
	char path[512];
	struct raw r;

	snprintf(path, sizeof(path), GOLDEN_DIR "/daemon-%s.raw", name);
	r.p = slurp(path, &r.len);
	cr_assert_not_null(r.p, "cannot read %s", path);
	return r;
}

/* The text birdc would print for a captured reply. */
static char *bird_text(const char *name, int *code)
{
	struct raw r = raw_load(name);
	struct dbuf text;
	char *s;

	cr_assert_eq(daemon_bird_reply_len(r.p, r.len), r.len,
		     "%s: the reply should end exactly at its last line", name);
	dbuf_init(&text);
	cr_assert_eq(daemon_bird_reply_text(r.p, r.len, &text, code), 0);
	s = strndup((const char *)dbuf_data(&text), dbuf_len(&text));
	cr_assert_not_null(s);
	dbuf_free(&text);
	free(r.p);
	return s;
}

Test(bird_cli, a_reply_ends_at_its_first_final_line)
{
	static const char two[] = "0009-anycast: disabled\n0000 \n0001 BIRD ready.\n";
	static const char part[] = "1007-Table master4:\n 104.16.0.0/24  unicast";
	struct dbuf text;
	int code;

	cr_assert_eq(daemon_bird_reply_len(two, strlen(two)), 29);
	cr_assert_eq(daemon_bird_reply_len(part, strlen(part)), 0);
	cr_assert_eq(daemon_bird_reply_len("0000", 4), 0, "no newline yet");
	cr_assert_eq(daemon_bird_reply_len("8001 Network not found\n", 23), 23);
	dbuf_init(&text);
	cr_assert_eq(daemon_bird_reply_text(two, 29, &text, &code), 0);
	cr_assert_eq(code, 9, "the answer is 0009, 0000 only ends it");
	cr_assert_str_eq((const char *)dbuf_data(&text), "anycast: disabled\n");
	dbuf_free(&text);
}

Test(bird_cli, codes_of_captured_replies)
{
	int code;
	char *s;

	s = bird_text("bird-syd-withdrawn-disable", &code);
	cr_assert_eq(code, 8);
	cr_assert_str_eq(s, "anycast: already disabled\n");
	free(s);
	s = bird_text("bird-syd-enable", &code);
	cr_assert_eq(code, 10);
	free(s);
	s = bird_text("bird-syd-withdrawn-anycast", &code);
	cr_assert_eq(code, 8001);
	cr_assert_str_eq(s, "Network not found\n");
	free(s);
	s = bird_text("bird-telstra-anycast", &code);
	cr_assert_eq(code, 1007);
	/* continuation lines lose the one space that marks them */
	cr_assert_not_null(strstr(s, "Table master4:\n104.16.0.0/24        unicast "
				  "[peer_syd "));
	cr_assert_not_null(strstr(s, "\n\tvia 100.64.0.25 on syd\n"));
	free(s);
}

Test(bird_parse, sessions_of_an_isp)
{
	struct snap_router sr;
	struct topo t;
	int code;
	char *s;

	load_world(&t);
	memset(&sr, 0, sizeof(sr));
	s = bird_text("bird-telstra-protocols", &code);
	cr_assert_eq(daemon_bird_parse_protocols(s, &t, node_of(&t, "telstra"),
						 1795637921, &sr), 0);
	cr_assert_eq(sr.nsess, 3);
	cr_assert_str_eq(sr.sess[0].peer, "syd");
	cr_assert_str_eq(sr.sess[1].peer, "singtel");
	cr_assert_str_eq(sr.sess[2].peer, "ntt");
	cr_assert(sr.sess[0].established && sr.sess[1].established &&
		  sr.sess[2].established);
	cr_assert_str_eq(sr.sess[2].state, "Established");
	cr_assert_eq(sr.sess[0].since_ms, 10000);
	cr_assert_eq(sr.sess[0].rx, 2);
	cr_assert_eq(sr.sess[0].tx, 20);
	cr_assert_eq(sr.sess[2].rx, 19);
	cr_assert_eq(sr.sess[2].tx, 7);
	/* "Session: external AS4" and "Hold timer: 2.229/3" */
	cr_assert_eq(sr.sess[0].as4, 1);
	cr_assert_eq(sr.sess[0].hold, 3);
	cr_assert_not(sr.sess[0].up_count_known, "BIRD does not count them");
	cr_assert_str_eq(sr.anycast, "", "an ISP has no anycast protocol");
	free(s);
	topo_free(&t);
}

Test(bird_parse, a_session_whose_peer_was_killed)
{
	struct snap_router sr;
	struct topo t;
	int code;
	char *s;

	load_world(&t);
	memset(&sr, 0, sizeof(sr));
	s = bird_text("bird-telstra-syd-down-protocols", &code);
	daemon_bird_parse_protocols(s, &t, node_of(&t, "telstra"), 1795637921, &sr);
	cr_assert_eq(sr.nsess, 3);
	cr_assert_str_eq(sr.sess[0].peer, "syd");
	cr_assert_not(sr.sess[0].established);
	cr_assert_str_eq(sr.sess[0].state, "Active");
	cr_assert_str_eq(sr.sess[0].last_error, "Socket: Connection closed");
	cr_assert_eq(sr.sess[0].rx, 0, "its channel is down: no Routes line");
	cr_assert_eq(sr.sess[0].as4, -1, "no session, nothing negotiated");
	cr_assert_eq(sr.sess[0].hold, 0);
	cr_assert(sr.sess[1].established);
	cr_assert_str_eq(sr.sess[1].last_error, "");
	free(s);
	s = bird_text("bird-telstra-syd-down-anycast", &code);
	daemon_bird_parse_anycast(s, &sr);
	cr_assert_str_eq(sr.via, "100.64.0.32");
	cr_assert_str_eq(sr.path, "7473 13335");
	free(s);
	topo_free(&t);
}

Test(bird_parse, anycast_of_an_isp_and_a_pop)
{
	struct snap_router sr;
	struct topo t;
	int code;
	char *s;

	load_world(&t);
	memset(&sr, 0, sizeof(sr));
	s = bird_text("bird-telstra-anycast", &code);
	daemon_bird_parse_anycast(s, &sr);
	cr_assert_str_eq(sr.via, "100.64.0.25");
	cr_assert_str_eq(sr.path, "13335");
	free(s);
	s = bird_text("bird-syd-anycast", &code);
	daemon_bird_parse_anycast(s, &sr);
	cr_assert_str_eq(sr.via, "local");
	cr_assert_str_eq(sr.path, "");
	free(s);
	s = bird_text("bird-syd-withdrawn-anycast", &code);
	daemon_bird_parse_anycast(s, &sr);
	cr_assert_str_eq(sr.via, "none");
	free(s);
	s = bird_text("bird-syd-protocols", &code);
	memset(&sr, 0, sizeof(sr));
	daemon_bird_parse_protocols(s, &t, node_of(&t, "syd"), 1795637921, &sr);
	cr_assert_str_eq(sr.anycast, "announced");
	cr_assert_eq(sr.nsess, 1);
	cr_assert_str_eq(sr.sess[0].peer, "telstra");
	free(s);
	s = bird_text("bird-syd-withdrawn-protocols", &code);
	memset(&sr, 0, sizeof(sr));
	daemon_bird_parse_protocols(s, &t, node_of(&t, "syd"), 1795637921, &sr);
	cr_assert_str_eq(sr.anycast, "withdrawn");
	free(s);
	topo_free(&t);
}

Test(bird_parse, route_count)
{
	int code;
	char *s = bird_text("bird-telstra-count", &code);

	cr_assert_eq(daemon_bird_parse_count(s), 22);
	cr_assert_eq(daemon_bird_parse_count("nothing here"), -1);
	free(s);
}

struct route_log {
	struct daemon_route r[64];
	size_t n;
};

static int log_route(void *ctx, const struct daemon_route *r)
{
	struct route_log *l = ctx;

	cr_assert_lt(l->n, 64);
	l->r[l->n++] = *r;
	return 0;
}

static const struct daemon_route *find_route(const struct route_log *l,
					     const char *prefix, bool best)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->r[i].prefix, prefix) && l->r[i].best == best)
			return &l->r[i];
	return NULL;
}

Test(bird_parse, best_paths_and_one_peers_paths)
{
	const struct daemon_route *r;
	struct route_log l = { .n = 0 };
	int code;
	char *s;

	s = bird_text("bird-telstra-routes", &code);
	cr_assert_eq(daemon_bird_parse_routes(s, 1221, log_route, &l), 0);
	cr_assert_eq(l.n, 22, "one best path per network");
	r = find_route(&l, "104.16.0.0/24", true);
	cr_assert_not_null(r);
	cr_assert_str_eq(r->nexthop, "100.64.0.25");
	cr_assert_str_eq(r->from, "syd");
	cr_assert_str_eq(r->aspath, "13335");
	cr_assert_str_eq(r->origin, "igp");
	r = find_route(&l, "100.64.0.12/31", true);
	cr_assert_not_null(r);
	cr_assert_str_eq(r->from, "local");
	cr_assert_str_eq(r->nexthop, "local");
	free(s);
	l.n = 0;
	s = bird_text("bird-telstra-adjin", &code);
	cr_assert_eq(daemon_bird_parse_routes(s, 1221, log_route, &l), 0);
	cr_assert_eq(l.n, 19);
	r = find_route(&l, "104.16.0.0/24", false);
	cr_assert_not_null(r, "singtel's path to the anycast prefix, not the best");
	cr_assert_str_eq(r->from, "singtel");
	cr_assert_str_eq(r->aspath, "7473 13335");
	free(s);
}

/* Communities and LOCAL_PREF as BIRD 2.0.12 prints them (nest/rt-attr.c:
 * a set too long for one line goes on in lines "\t\t(...)"), the
 * router's own tag left out, another AS's kept. */
Test(bird_parse, communities_without_the_tag)
{
	static const char text[] =
		"Table master4:\n"
		"104.16.0.0/24        unicast [peer_pa 20:18:31.249] * (100) [AS13335i]\n"
		"\tvia 100.64.0.1 on pa\n"
		"\tType: BGP univ\n"
		"\tBGP.origin: IGP\n"
		"\tBGP.as_path: 13335 13335 13335\n"
		"\tBGP.next_hop: 100.64.0.1\n"
		"\tBGP.med: 20\n"
		"\tBGP.local_pref: 200\n"
		"\tBGP.community: (13335,100) (65535,65281)\n"
		"\t\t(65535,65283) (2914,421)\n"
		"\tBGP.large_community: (2914, 4294967295, 1) (13335, 1, 1)\n"
		"\t\t(1299, 4294967295, 2)\n"
		"                     unicast [peer_t2 20:18:32.100] (100) [AS13335i]\n"
		"\tvia 100.64.0.9 on t2\n"
		"\tType: BGP univ\n"
		"\tBGP.origin: IGP\n"
		"\tBGP.as_path: 1299 13335\n"
		"\tBGP.next_hop: 100.64.0.9\n"
		"\tBGP.local_pref: 120\n"
		"\tBGP.large_community: (2914, 4294967295, 2)\n"
		"100.127.0.3/32       unreachable [own 20:18:30.000] * (200)\n"
		"\tType: static univ\n";
	struct route_log l = { .n = 0 };
	const struct daemon_route *r;

	cr_assert_eq(daemon_bird_parse_routes(text, 2914, log_route, &l), 0);
	cr_assert_eq(l.n, 3);
	r = find_route(&l, "104.16.0.0/24", true);
	cr_assert_not_null(r);
	cr_assert_str_eq(r->from, "pa");
	cr_assert_eq(r->local_pref, 200);
	cr_assert_str_eq(r->communities, "13335:100 no-export no-export-subconfed "
			 "2914:421 13335:1:1 1299:4294967295:2");
	r = find_route(&l, "104.16.0.0/24", false);
	cr_assert_not_null(r);
	cr_assert_str_eq(r->from, "t2");
	cr_assert_eq(r->local_pref, 120);
	cr_assert_str_eq(r->communities, "", "only the tag: nothing to show");
	r = find_route(&l, "100.127.0.3/32", true);
	cr_assert_not_null(r);
	cr_assert_str_eq(r->from, "local");
	cr_assert_eq(r->local_pref, -1, "a static route has none");
	cr_assert_str_eq(r->communities, "");
}

/* ---- FRR's vty socket ---- */

/* A captured reply: its JSON text (without the trailer) and status. */
static char *frr_json(const char *name, size_t *len, int *status)
{
	struct raw r = raw_load(name);
	size_t n = daemon_frr_reply_len(r.p, r.len);

	cr_assert_eq(n, r.len, "%s: the reply should end at its trailer", name);
	*status = (unsigned char)r.p[n - 1];
	*len = n - 4;
	r.p[*len] = '\0';
	return r.p;
}

Test(frr_vty, a_reply_ends_with_three_nuls_and_a_status)
{
	static const char ok[] = "{\n}\n\0\0\0\0more";
	static const char bad[] = "% Unknown command\n\0\0\0\2";

	cr_assert_eq(daemon_frr_reply_len(ok, sizeof(ok) - 1), 8);
	cr_assert_eq(daemon_frr_reply_len(ok, 6), 0);
	cr_assert_eq(daemon_frr_reply_len(bad, sizeof(bad) - 1), sizeof(bad) - 1);
	cr_assert_eq(daemon_frr_reply_len("text", 4), 0);
	cr_assert_eq(daemon_frr_reply_len("a\0b\0", 4), 0, "not a trailer");
}

Test(frr_parse, captured_status_codes)
{
	size_t len;
	int st;
	char *s;

	s = frr_json("frr-syd-withdrawn-bad", &len, &st);
	cr_assert_eq(st, 2, "CMD_ERR_NO_MATCH");
	free(s);
	s = frr_json("frr-telstra-neighbors", &len, &st);
	cr_assert_eq(st, 0);
	free(s);
}

Test(frr_parse, sessions_of_an_isp)
{
	struct snap_router sr;
	struct topo t;
	size_t len;
	int st;
	char *s;

	load_world(&t);
	memset(&sr, 0, sizeof(sr));
	s = frr_json("frr-telstra-neighbors", &len, &st);
	cr_assert_eq(daemon_frr_parse_neighbors(s, len, &t, node_of(&t, "telstra"),
						&sr), 0);
	cr_assert_eq(sr.nsess, 3);
	cr_assert_str_eq(sr.sess[0].peer, "syd");
	cr_assert_str_eq(sr.sess[1].peer, "singtel");
	cr_assert_str_eq(sr.sess[2].peer, "ntt");
	cr_assert(sr.sess[0].established && sr.sess[1].established &&
		  sr.sess[2].established);
	cr_assert_eq(sr.sess[0].since_ms, 1000);
	cr_assert_eq(sr.sess[0].rx, 2);
	cr_assert_eq(sr.sess[0].tx, 22);
	cr_assert_eq(sr.sess[2].rx, 19);
	cr_assert_eq(sr.sess[0].as4, 1);
	cr_assert_eq(sr.sess[0].hold, 3);
	cr_assert(sr.sess[0].up_count_known);
	cr_assert_eq(sr.sess[0].up_count, 1);
	cr_assert_str_eq(sr.sess[0].last_error, "", "history once it is up");
	free(s);
	memset(&sr, 0, sizeof(sr));
	s = frr_json("frr-telstra-syd-down-neighbors", &len, &st);
	daemon_frr_parse_neighbors(s, len, &t, node_of(&t, "telstra"), &sr);
	cr_assert_str_eq(sr.sess[0].peer, "syd");
	cr_assert_not(sr.sess[0].established);
	cr_assert_str_eq(sr.sess[0].state, "Idle");
	cr_assert_str_eq(sr.sess[0].last_error, "Peer closed the session");
	cr_assert_eq(sr.sess[0].hold, 0, "not negotiated while Idle");
	cr_assert_eq(sr.sess[0].since_ms, 1000);
	cr_assert(sr.sess[1].established);
	free(s);
	topo_free(&t);
}

Test(frr_parse, anycast_of_an_isp_and_a_pop)
{
	struct snap_router sr;
	struct topo t;
	size_t len;
	int st;
	char *s;

	load_world(&t);
	memset(&sr, 0, sizeof(sr));
	s = frr_json("frr-telstra-anycast", &len, &st);
	cr_assert_eq(daemon_frr_parse_anycast(s, len, &t, node_of(&t, "telstra"),
					      &sr), 0);
	cr_assert_str_eq(sr.via, "100.64.0.25");
	cr_assert_str_eq(sr.path, "13335");
	cr_assert_str_eq(sr.anycast, "");
	free(s);
	s = frr_json("frr-telstra-syd-down-anycast", &len, &st);
	daemon_frr_parse_anycast(s, len, &t, node_of(&t, "telstra"), &sr);
	cr_assert_str_eq(sr.via, "100.64.0.32");
	cr_assert_str_eq(sr.path, "7473 13335");
	free(s);
	s = frr_json("frr-syd-anycast", &len, &st);
	daemon_frr_parse_anycast(s, len, &t, node_of(&t, "syd"), &sr);
	cr_assert_str_eq(sr.via, "local");
	cr_assert_str_eq(sr.path, "");
	cr_assert_str_eq(sr.anycast, "announced");
	free(s);
	s = frr_json("frr-syd-withdrawn-anycast", &len, &st);
	daemon_frr_parse_anycast(s, len, &t, node_of(&t, "syd"), &sr);
	cr_assert_str_eq(sr.via, "none");
	cr_assert_str_eq(sr.anycast, "withdrawn");
	free(s);
	topo_free(&t);
}

Test(frr_parse, a_withdrawn_path_not_yet_processed_is_gone)
{
	static const char json[] =
		"{\"prefix\":\"104.16.0.0/24\",\"paths\":[{\"aspath\":{\"string\":"
		"\"Local\"},\"removed\":true,\"valid\":false,\"sourced\":true,"
		"\"local\":true,\"bestpath\":{\"overall\":true},\"nexthops\":[{\"ip\":"
		"\"0.0.0.0\"}],\"peer\":{\"peerId\":\"0.0.0.0\"}}]}";
	struct snap_router sr;
	struct topo t;

	load_world(&t);
	memset(&sr, 0, sizeof(sr));
	cr_assert_eq(daemon_frr_parse_anycast(json, strlen(json), &t,
					      node_of(&t, "syd"), &sr), 0);
	cr_assert_str_eq(sr.anycast, "withdrawn");
	cr_assert_str_eq(sr.via, "none");
	topo_free(&t);
}

Test(frr_parse, prefixes_and_routes)
{
	const struct daemon_route *r;
	struct route_log l = { .n = 0 };
	struct snap_router sr;
	struct topo t;
	size_t len;
	int st;
	char *s;

	load_world(&t);
	memset(&sr, 0, sizeof(sr));
	s = frr_json("frr-telstra-statistics", &len, &st);
	cr_assert_eq(daemon_frr_parse_statistics(s, len, &sr), 0);
	cr_assert_eq(sr.prefixes, 22);
	free(s);
	s = frr_json("frr-telstra-routes", &len, &st);
	cr_assert_eq(daemon_frr_parse_routes(s, len, false, &t,
					     node_of(&t, "telstra"), log_route,
					     &l), 0);
	cr_assert_eq(l.n, 22);
	r = find_route(&l, "104.16.0.0/24", true);
	cr_assert_not_null(r);
	cr_assert_str_eq(r->nexthop, "100.64.0.25");
	cr_assert_str_eq(r->from, "syd");
	cr_assert_str_eq(r->aspath, "13335");
	cr_assert_str_eq(r->origin, "igp");
	r = find_route(&l, "100.127.0.13/32", true);
	cr_assert_not_null(r);
	cr_assert_str_eq(r->from, "local");
	cr_assert_str_eq(r->nexthop, "local");
	free(s);
	l.n = 0;
	s = frr_json("frr-telstra-adjin", &len, &st);
	cr_assert_eq(daemon_frr_parse_routes(s, len, true, &t,
					     node_of(&t, "telstra"), log_route,
					     &l), 0);
	cr_assert_eq(l.n, 19);
	r = find_route(&l, "104.16.0.0/24", false);
	cr_assert_not_null(r);
	cr_assert_str_eq(r->from, "singtel");
	cr_assert_str_eq(r->aspath, "7473 13335");
	free(s);
	topo_free(&t);
}

/* `show bgp ipv4 unicast json detail` as FRR 8.4's bgp_show_table and
 * route_vty_out_detail write it: each prefix's list opens with the
 * prefix's own object; a path has "locPrf" only when something set it
 * (else the table's defaultLocPrf ranks it). */
Test(frr_parse, detail_communities_without_the_tag)
{
	static const char json[] =
		"{\n \"vrfId\": 0,\n \"vrfName\": \"default\",\n \"tableVersion\": 9,\n"
		" \"routerId\": \"100.127.0.4\",\n \"defaultLocPrf\": 100,\n"
		" \"localAS\": 1299,\n \"routes\": { \"104.16.0.0/24\": ["
		"{\"prefix\":\"104.16.0.0/24\",\"version\":4,\"advertisedTo\":"
		"{\"100.64.0.3\":{\"hostname\":\"pa\"}}},"
		"{\"aspath\":{\"string\":\"13335\",\"segments\":[{\"type\":\"as-sequence\","
		"\"list\":[13335]}],\"length\":1},\"origin\":\"IGP\",\"locPrf\":300,"
		"\"valid\":true,\"version\":4,\"bestpath\":{\"overall\":true,"
		"\"selectionReason\":\"Router ID\"},\"community\":{\"string\":"
		"\"1299:666 no-export local-AS\",\"list\":[\"1299:666\",\"noExport\","
		"\"localAs\"]},\"largeCommunity\":{\"string\":\"1299:2914:1 "
		"1299:4294967295:1\",\"list\":[\"1299:2914:1\",\"1299:4294967295:1\"]},"
		"\"nexthops\":[{\"ip\":\"100.64.0.7\",\"afi\":\"ipv4\",\"used\":true}],"
		"\"peer\":{\"peerId\":\"100.64.0.7\",\"routerId\":\"100.127.0.2\","
		"\"type\":\"external\"}},"
		"{\"aspath\":{\"string\":\"2914 13335\",\"segments\":[],\"length\":2},"
		"\"origin\":\"IGP\",\"valid\":true,\"version\":4,\"largeCommunity\":"
		"{\"string\":\"1299:4294967295:2\",\"list\":[\"1299:4294967295:2\"]},"
		"\"nexthops\":[{\"ip\":\"100.64.0.8\"}],\"peer\":{\"peerId\":"
		"\"100.64.0.8\",\"routerId\":\"100.127.0.3\",\"type\":\"external\"}}]\n"
		",\"100.127.0.4/32\": [{\"prefix\":\"100.127.0.4/32\",\"version\":1},"
		"{\"aspath\":{\"string\":\"Local\",\"segments\":[],\"length\":0},"
		"\"origin\":\"IGP\",\"metric\":0,\"weight\":32768,\"valid\":true,"
		"\"sourced\":true,\"local\":true,\"bestpath\":{\"overall\":true},"
		"\"nexthops\":[{\"ip\":\"0.0.0.0\"}],\"peer\":{\"peerId\":\"0.0.0.0\"}}]"
		" }\n}\n";
	struct route_log l = { .n = 0 };
	const struct daemon_route *r;
	struct topo t;
	size_t n;

	load_policy(&t);
	n = node_of(&t, "t2");
	cr_assert_eq(daemon_frr_parse_routes(json, strlen(json), false, &t, n,
					     log_route, &l), 0);
	cr_assert_eq(l.n, 2, "the best paths only, no prefix object");
	r = find_route(&l, "104.16.0.0/24", true);
	cr_assert_not_null(r);
	cr_assert_str_eq(r->from, "pb");
	cr_assert_str_eq(r->nexthop, "100.64.0.7");
	cr_assert_str_eq(r->aspath, "13335");
	cr_assert_str_eq(r->origin, "igp");
	cr_assert_eq(r->local_pref, 300);
	cr_assert_str_eq(r->communities, "1299:666 no-export no-export-subconfed "
			 "1299:2914:1");
	r = find_route(&l, "100.127.0.4/32", true);
	cr_assert_not_null(r);
	cr_assert_str_eq(r->from, "local");
	l.n = 0;
	cr_assert_eq(daemon_frr_parse_routes(json, strlen(json), true, &t, n,
					     log_route, &l), 0);
	cr_assert_eq(l.n, 3);
	r = find_route(&l, "104.16.0.0/24", false);
	cr_assert_not_null(r);
	cr_assert_str_eq(r->from, "t1");
	cr_assert_str_eq(r->aspath, "2914 13335");
	cr_assert_eq(r->local_pref, 100, "no locPrf: the default");
	cr_assert_str_eq(r->communities, "");
	topo_free(&t);
}

/* ---- JSON ---- */

Test(json, values_and_lookups)
{
	static const char doc[] =
		" {\"a\": [1, -2.5e1, true, false, null, \"x\\\"y\\\\\\/\\u00e9\\ud83d\\ude00\"],"
		"  \"b\": {\"c\": {}}, \"\": 0, \"big\": 1e300}\n";
	const struct json_node *a, *e;
	struct json_doc d;

	cr_assert_eq(json_parse(doc, strlen(doc), &d), 0);
	a = json_get(&d, json_root(&d), "a");
	cr_assert_not_null(a);
	cr_assert_eq(a->type, JSON_ARRAY);
	e = json_first(&d, a);
	cr_assert_eq(json_u64(e, 9), 1);
	e = json_next(&d, e);
	cr_assert_eq(e->num, -25.0);
	cr_assert_eq(json_u64(e, 9), 9, "negative is no u64");
	e = json_next(&d, e);
	cr_assert(json_bool(e, false));
	e = json_next(&d, e);
	cr_assert_not(json_bool(e, true));
	e = json_next(&d, e);
	cr_assert_eq(e->type, JSON_NULL);
	e = json_next(&d, e);
	cr_assert_str_eq(json_str(e, ""), "x\"y\\/\xc3\xa9\xf0\x9f\x98\x80");
	cr_assert_null(json_next(&d, e));
	cr_assert_not_null(json_get(&d, json_get(&d, json_root(&d), "b"), "c"));
	cr_assert_null(json_first(&d, json_get(&d, json_get(&d, json_root(&d),
							      "b"), "c")));
	cr_assert_eq(json_u64(json_get(&d, json_root(&d), ""), 7), 0);
	cr_assert_eq(json_u64(json_get(&d, json_root(&d), "big"), 7), 7);
	cr_assert_null(json_get(&d, json_root(&d), "nope"));
	cr_assert_null(json_get(&d, a, "a"), "an array has no members");
	cr_assert_str_eq(json_str(a, "def"), "def");
	json_free(&d);
}

Test(json, refuses_what_is_not_one_value)
{
	static const char *const bad[] = {
		"", " ", "{", "}", "[1,]", "{\"a\"}", "{\"a\":}", "{a:1}", "[1 2]",
		"\"open", "\"\\x\"", "\"\\u12\"", "01", "1.", "-", "tru", "nul",
		"{} {}", "\"tab\there\"", "[1e999]",
	};
	struct json_doc d;
	char deep[2 * JSON_MAX_DEPTH + 3];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(json_parse(bad[i], strlen(bad[i]), &d), -EINVAL,
			     "'%s' parsed", bad[i]);
	memset(deep, '[', JSON_MAX_DEPTH + 1);
	memset(deep + JSON_MAX_DEPTH + 1, ']', JSON_MAX_DEPTH + 1);
	cr_assert_eq(json_parse(deep, 2 * (JSON_MAX_DEPTH + 1), &d), -EINVAL,
		     "nesting beyond the limit");
	cr_assert_eq(json_parse(deep + 1, 2 * JSON_MAX_DEPTH, &d), 0);
	json_free(&d);
	cr_assert_eq(json_parse("7", 1, &d), 0, "a number at the very end");
	cr_assert_eq(json_root(&d)->num, 7.0);
	json_free(&d);
}

/* ---- live changes of a POP's announcement (daemon/live.c) ---- */

Test(daemon_live, session_lines)
{
	char peer[16];
	unsigned prepend = 99, gen = 99;
	bool ann = false;

	cr_assert_eq(daemon_live_parse_line("lumen announce 3 2\n", peer,
					    sizeof(peer), &ann, &prepend, &gen), 0);
	cr_assert_str_eq(peer, "lumen");
	cr_assert(ann);
	cr_assert_eq(prepend, 3);
	cr_assert_eq(gen, 2);
	cr_assert_eq(daemon_live_parse_line("telia withdraw 0 7", peer,
					    sizeof(peer), &ann, &prepend, &gen), 0);
	cr_assert(!ann);
	cr_assert_eq(gen, 7);
	/* Every field checked: what is not a session line is skipped. */
	static const char *const bad[] = {
		"", "lumen", "lumen announce", "lumen announce 3", "lumen up 3 1",
		"lumen announce 17 1", "lumen announce -1 1", "lumen announce 3 x",
		"lumen announce 3 1 extra", " announce 3 1", "lumen announce 3  1",
		"averyveryverylongpeername announce 1 1", "lumen announce 99999999999999999999 1",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(daemon_live_parse_line(bad[i], peer, sizeof(peer), &ann,
						    &prepend, &gen), -EINVAL,
			     "'%s' parses", bad[i]);
}

static void live_sessions(struct topo_intent *in, struct topo_intent_session *s,
			  size_t n)
{
	static const char *const names[] = { "lumen", "telia", "comcast" };

	memset(in, 0, sizeof(*in));
	memset(s, 0, n * sizeof(*s));
	for (size_t i = 0; i < n; i++) {
		s[i].peer = 10 + i;
		s[i].peer_name = names[i];
		s[i].announce = true;
	}
	in->sess = s;
	in->nsess = n;
	in->pop = true;
}

Test(daemon_live, changes_as_the_builtin_router_makes_them)
{
	struct topo_intent in;
	struct topo_intent_session s[3];
	unsigned gen[3] = { 0 };
	bool ch[3];
	size_t lumen = 10, comcast = 12;
	struct daemon_shape p3 = { DAEMON_SHAPE_PREPEND, 3, &lumen, 1 };
	struct daemon_shape all2 = { DAEMON_SHAPE_PREPEND, 2, NULL, 0 };
	struct daemon_shape wd = { DAEMON_SHAPE_WITHDRAW, 0, &lumen, 1 };
	struct daemon_shape an = { DAEMON_SHAPE_ANNOUNCE, 0, &comcast, 1 };

	live_sessions(&in, s, 3);
	cr_assert_eq(daemon_live_change(&in, &p3, false, ch, gen), 1);
	cr_assert(ch[0] && !ch[1] && !ch[2]);
	cr_assert_eq(s[0].prepend, 3);
	cr_assert_eq(gen[0], 1);
	/* The same again changes nothing. */
	cr_assert_eq(daemon_live_change(&in, &p3, false, ch, gen), 0);
	cr_assert_eq(gen[0], 1);
	/* No neighbour named: every session. */
	cr_assert_eq(daemon_live_change(&in, &all2, false, ch, gen), 3);
	cr_assert(s[0].prepend == 2 && s[1].prepend == 2 && s[2].prepend == 2);
	cr_assert_eq(daemon_live_change(&in, &wd, false, ch, gen), 1);
	cr_assert(!s[0].announce && s[1].announce);
	cr_assert_eq(daemon_live_change(&in, &wd, false, ch, gen), 0);
	/* Announce while announcing: to the named one, the rest as they are. */
	cr_assert_eq(daemon_live_change(&in, &an, false, ch, gen), 0);
	/* From withdrawn everywhere: the named ones only. */
	cr_assert_eq(daemon_live_change(&in, &an, true, ch, gen), 1);
	cr_assert(!s[0].announce && !s[1].announce && s[2].announce);
	cr_assert(!ch[0] && ch[1] && !ch[2]);
	cr_assert_eq(gen[1], 2);
}

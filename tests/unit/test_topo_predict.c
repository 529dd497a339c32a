/*
 * The catchment predictor (topo/predict.h) on topologies small enough to
 * work out by hand: each test says in its comment what BGP must do and
 * why, then asserts the predictor's answer (a user's POP, its ISP's AS
 * path, the decision step), and most run the same file again without the
 * setting under test to show that the setting is what moved the user.
 *
 * Then the predictor against the model it replaced: in a file without
 * routing policy, the codes of topo_catchment must be those of a
 * breadth-first search by AS path length (tie wherever two POPs are
 * equally near, a tie inherited along shortest paths), for every file
 * in topologies/ and tests/golden/ that loads and for generated ones,
 * with every POP down in turn.  And a generated 1,000-router Internet
 * with relationships must settle, quickly.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "topo/predict.h"
#include "topo/topo.h"
#include "slurp.h"

static int try_load(const char *yaml, size_t len, struct topo *t)
{
	struct topo_diags d = { 0 };
	int err = topo_load_buf("test.yaml", yaml, len, t, &d);

	topo_diags_free(&d);
	return err;
}

static void load(const char *yaml, struct topo *t)
{
	struct topo_diags d = { 0 };
	int err = topo_load_buf("test.yaml", yaml, strlen(yaml), t, &d);

	cr_assert_eq(err, 0, "load: %d, first problem: %s", err,
		     d.n ? d.v[0].msg : "-");
	topo_diags_free(&d);
}

static size_t node(const struct topo *t, const char *name)
{
	long i = topo_node_find(t, name);

	cr_assert_geq(i, 0, "no node %s", name);
	return (size_t)i;
}

static const char *code_str(const struct topo *t, long code)
{
	if (code >= 0)
		return t->nodes[code].name;
	switch (code) {
	case TOPO_CATCH_TIE:		return "tie";
	case TOPO_CATCH_ECMP:		return "ecmp";
	case TOPO_CATCH_UNSTABLE:	return "flap";
	case TOPO_CATCH_TIMING:		return "race";
	}
	return "-";
}

/* Where user goes in r: a POP's name, "tie", "ecmp", "flap", "race", "-". */
static const char *where(const struct topo *t, const struct topo_predict *r,
			 const char *user)
{
	return code_str(t, r->node[node(t, user)].catch);
}

/* The AS path user's ISP holds, "64501 13335". */
static const char *path_of(const struct topo *t, const struct topo_predict *r,
			   const char *user)
{
	static char buf[256];
	const struct topo_predict_node *nd = &r->node[node(t, user)];
	const struct topo_predict_route *rt;
	size_t k, o = 0;

	buf[0] = '\0';
	cr_assert_neq(nd->isp, TOPO_NONE);
	rt = &r->node[nd->isp].best;
	for (k = 0; k < rt->nas && o < sizeof(buf) - 12; k++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%u",
				      k ? " " : "", r->as[rt->as_off + k]);
	return buf;
}

static void predict(const struct topo *t, const struct topo_whatif *w,
		    struct topo_predict *r)
{
	cr_assert_eq(topo_predict(t, w, r), 0);
}

static void whatif(const struct topo *t, struct topo_whatif *w,
		   enum topo_whatif_kind k, const char *arg)
{
	char msg[256];

	cr_assert_eq(topo_whatif_add(t, w, k, arg, msg, sizeof(msg)), 0,
		     "%s: %s", arg, msg);
}

/* The file's catchment for user with every relationship and policy key
 * of the text cut out: the same links, shortest AS path. */
static void expect_plain(const char *yaml, const char *user, const char *pop)
{
	char *plain = strdup(yaml), *p;
	struct topo_predict r;
	struct topo t;

	cr_assert_not_null(plain);
	/* "{endpoints: [a, b], rel: x}" -> "[a, b]" and policy keys go. */
	while ((p = strstr(plain, "{endpoints: "))) {
		char *open = p + strlen("{endpoints: "), *close = strchr(open, ']');
		char *end = strchr(close, '}');

		memmove(p, open, (size_t)(close - open + 1));
		memmove(p + (close - open + 1), end + 1, strlen(end + 1) + 1);
	}
	load(plain, &t);
	cr_assert_not(topo_has_policy(&t), "%s", plain);
	predict(&t, NULL, &r);
	cr_assert_str_eq(where(&t, &r, user), pop, "without policy");
	topo_predict_free(&r);
	topo_free(&t);
	free(plain);
}

/*
 * Valley-free export makes a user polarize onto a farther POP.  a is x's
 * customer; x peers with y, y with z.  y hears a from its peer x and may
 * give it to customers only, so z, y's peer, never hears it.  z reaches b
 * through its provider q instead, four ASes away where a would have been
 * three: without relationships z takes a.
 *
 *   a -c- x =p= y =p= z -c- q -c- r -p- s -p- b      (-c-: customer of)
 */
#define VALLEY "name: lab\nnodes:\n" \
	"  a: {kind: pop, asn: 13335}\n  b: {kind: pop, asn: 13335}\n" \
	"  x: {kind: isp, asn: 64501}\n  y: {kind: isp, asn: 64502}\n" \
	"  z: {kind: isp, asn: 64503}\n  q: {kind: isp, asn: 64504}\n" \
	"  r: {kind: isp, asn: 64505}\n  s: {kind: isp, asn: 64506}\n" \
	"  uz: {kind: user}\n  uy: {kind: user}\n" \
	"links:\n" \
	"  - {endpoints: [a, x], rel: customer}\n" \
	"  - {endpoints: [x, y], rel: peer}\n" \
	"  - {endpoints: [y, z], rel: peer}\n" \
	"  - {endpoints: [z, q], rel: customer}\n" \
	"  - {endpoints: [q, r], rel: customer}\n" \
	"  - {endpoints: [r, s], rel: provider}\n" \
	"  - {endpoints: [b, s], rel: customer}\n" \
	"  - [uz, z]\n  - [uy, y]\n"

Test(predict, valley_free_sends_a_user_to_a_farther_pop)
{
	struct topo_whatif w = { .ndown = 0 };
	struct topo_predict r;
	struct topo t;

	load(VALLEY, &t);
	cr_assert(topo_has_policy(&t));
	predict(&t, NULL, &r);
	cr_assert_eq(r.outcome, TOPO_PREDICT_STABLE);
	cr_assert_str_eq(where(&t, &r, "uz"), "b");
	cr_assert_str_eq(path_of(&t, &r, "uz"), "64504 64505 64506 13335");
	cr_assert_str_eq(where(&t, &r, "uy"), "a");
	cr_assert_str_eq(path_of(&t, &r, "uy"), "64501 13335");
	/* y's own peer z holds b only from its provider: not for y. */
	topo_predict_free(&r);
	whatif(&t, &w, TOPO_WHATIF_DOWN, "a");
	predict(&t, &w, &r);
	cr_assert_str_eq(where(&t, &r, "uy"), "-");
	cr_assert_not(r.node[node(&t, "y")].route);
	topo_predict_free(&r);
	topo_free(&t);
	expect_plain(VALLEY, "uz", "a");
}

/*
 * LOCAL_PREF by relationship beats a shorter path: z hears a from its
 * provider y (two ASes, LOCAL_PREF 50) and b from its customer m (three
 * ASes, 200) and takes b, at the LOCAL_PREF step.
 */
#define LP_REL "name: lab\nnodes:\n" \
	"  a: {kind: pop, asn: 13335}\n  b: {kind: pop, asn: 13335}\n" \
	"  y: {kind: isp, asn: 64502}\n  z: {kind: isp, asn: 64503}\n" \
	"  m: {kind: isp, asn: 64504}\n  n: {kind: isp, asn: 64505}\n" \
	"  uz: {kind: user}\n" \
	"links:\n" \
	"  - {endpoints: [y, z], rel: provider}\n" \
	"  - {endpoints: [a, y], rel: customer}\n" \
	"  - {endpoints: [z, m], rel: provider}\n" \
	"  - {endpoints: [m, n], rel: provider}\n" \
	"  - {endpoints: [b, n], rel: customer}\n" \
	"  - [uz, z]\n"

Test(predict, customer_route_beats_a_shorter_provider_route)
{
	const struct topo_predict_node *z;
	struct topo_predict r;
	struct topo t;

	load(LP_REL, &t);
	predict(&t, NULL, &r);
	cr_assert_str_eq(where(&t, &r, "uz"), "b");
	cr_assert_str_eq(path_of(&t, &r, "uz"), "64504 64505 13335");
	z = &r.node[node(&t, "z")];
	cr_assert_eq(z->step, BGP_DECIDE_LOCAL_PREF);
	cr_assert_eq(z->best.cand.local_pref, BGP_LP_CUSTOMER);
	cr_assert_eq(z->rival.cand.local_pref, BGP_LP_PROVIDER);
	cr_assert_eq(z->rival.pop, (long)node(&t, "a"));
	topo_predict_free(&r);
	topo_free(&t);
	expect_plain(LP_REL, "uz", "a");
}

/*
 * Prepending moves exactly the users whose alternative becomes shorter.
 *
 *   a - x - y - b        ux on x, uy on y
 *   a - w                uw on w: a is all w has
 *
 * One extra copy at a makes x's two paths equally long (a tie, settled
 * by router id); two move ux to b.  uy stays on b, and uw stays on a
 * whatever a prepends: it cannot be moved.  The override toward one ISP
 * moves that ISP's users only.
 */
#define PREPEND "name: lab\nnodes:\n" \
	"  a: {kind: pop, asn: 13335}\n  b: {kind: pop, asn: 13335}\n" \
	"  x: {kind: isp, asn: 64501}\n  y: {kind: isp, asn: 64502}\n" \
	"  w: {kind: isp, asn: 64503}\n" \
	"  ux: {kind: user}\n  uy: {kind: user}\n  uw: {kind: user}\n" \
	"links: [[a, x], [x, y], [y, b], [a, w], [ux, x], [uy, y], [uw, w]]\n"

Test(predict, prepend_moves_exactly_the_users_it_should)
{
	static const char *const ux[] = { "a", "tie", "b", "b" };
	struct topo_predict r;
	struct topo t;
	char arg[16];
	unsigned n;

	load(PREPEND, &t);
	for (n = 0; n < 4; n++) {
		struct topo_whatif w = { .ndown = 0 };

		snprintf(arg, sizeof(arg), "a=%u", n);
		whatif(&t, &w, TOPO_WHATIF_PREPEND, arg);
		predict(&t, &w, &r);
		cr_assert_str_eq(where(&t, &r, "ux"), ux[n], "%s", arg);
		cr_assert_str_eq(where(&t, &r, "uy"), "b", "%s", arg);
		cr_assert_str_eq(where(&t, &r, "uw"), "a", "%s", arg);
		topo_predict_free(&r);
	}
	{
		struct topo_whatif w = { .ndown = 0 };

		whatif(&t, &w, TOPO_WHATIF_PREPEND, "a=16");
		predict(&t, &w, &r);
		cr_assert_str_eq(path_of(&t, &r, "uw"),
				 "13335 13335 13335 13335 13335 13335 13335 13335 13335 "
				 "13335 13335 13335 13335 13335 13335 13335 13335");
		topo_predict_free(&r);
	}
	{
		struct topo_whatif w = { .ndown = 0 };

		whatif(&t, &w, TOPO_WHATIF_PREPEND, "a=3@w");
		predict(&t, &w, &r);
		cr_assert_str_eq(where(&t, &r, "ux"), "a");
		cr_assert_str_eq(path_of(&t, &r, "ux"), "13335");
		cr_assert_str_eq(path_of(&t, &r, "uw"), "13335 13335 13335 13335");
		topo_predict_free(&r);
	}
	{
		struct topo_whatif w = { .ndown = 0 };

		whatif(&t, &w, TOPO_WHATIF_PREPEND, "a=3@x");
		predict(&t, &w, &r);
		cr_assert_str_eq(where(&t, &r, "ux"), "b");
		cr_assert_str_eq(path_of(&t, &r, "uw"), "13335");
		topo_predict_free(&r);
	}
	topo_free(&t);
}

/* The same, said in the file: a POP's prepend, a link's over it. */
Test(predict, prepend_in_the_file)
{
	static const char yaml[] = "name: lab\nnodes:\n"
		"  a: {kind: pop, asn: 13335, prepend: 2}\n  b: {kind: pop, asn: 13335}\n"
		"  x: {kind: isp, asn: 64501}\n  y: {kind: isp, asn: 64502}\n"
		"  w: {kind: isp, asn: 64503}\n"
		"  ux: {kind: user}\n  uy: {kind: user}\n  uw: {kind: user}\n"
		"links:\n  - [a, x]\n  - [x, y]\n  - [y, b]\n"
		"  - {endpoints: [a, w], prepend: 0}\n"
		"  - [ux, x]\n  - [uy, y]\n  - [uw, w]\n";
	struct topo_predict r;
	struct topo t;

	load(yaml, &t);
	predict(&t, NULL, &r);
	cr_assert_str_eq(where(&t, &r, "ux"), "b");
	cr_assert_str_eq(path_of(&t, &r, "uw"), "13335");
	topo_predict_free(&r);
	topo_free(&t);
}

/*
 * Selective announcement: with announce: false on [a, x], x hears a only
 * through y... which prefers b, so x goes to b; --withdraw a@x says the
 * same, and --withdraw a takes a away from w too.
 */
Test(predict, selective_announcement_and_withdrawals)
{
	static const char yaml[] = "name: lab\nnodes:\n"
		"  a: {kind: pop, asn: 13335}\n  b: {kind: pop, asn: 13335}\n"
		"  x: {kind: isp, asn: 64501}\n  y: {kind: isp, asn: 64502}\n"
		"  w: {kind: isp, asn: 64503}\n"
		"  ux: {kind: user}\n  uy: {kind: user}\n  uw: {kind: user}\n"
		"links:\n  - {endpoints: [a, x], announce: false}\n  - [x, y]\n  - [y, b]\n"
		"  - [a, w]\n  - [ux, x]\n  - [uy, y]\n  - [uw, w]\n";
	struct topo_whatif w = { .ndown = 0 };
	struct topo_predict r;
	struct topo t, plain;

	load(yaml, &t);
	predict(&t, NULL, &r);
	cr_assert_str_eq(where(&t, &r, "ux"), "b");
	cr_assert_str_eq(path_of(&t, &r, "ux"), "64502 13335");
	cr_assert_str_eq(where(&t, &r, "uw"), "a");
	topo_predict_free(&r);
	topo_free(&t);

	load(PREPEND, &plain);
	whatif(&plain, &w, TOPO_WHATIF_WITHDRAW, "a@x");
	predict(&plain, &w, &r);
	cr_assert_str_eq(where(&plain, &r, "ux"), "b");
	cr_assert_str_eq(where(&plain, &r, "uw"), "a");
	topo_predict_free(&r);
	memset(&w, 0, sizeof(w));
	whatif(&plain, &w, TOPO_WHATIF_WITHDRAW, "a");
	predict(&plain, &w, &r);
	cr_assert_str_eq(where(&plain, &r, "ux"), "b");
	cr_assert_str_eq(where(&plain, &r, "uw"), "-");
	/* Withdrawn is not down: the router runs, with nothing of its own. */
	cr_assert(r.node[node(&plain, "a")].up);
	cr_assert_not(r.node[node(&plain, "a")].route);
	topo_predict_free(&r);
	topo_free(&plain);
}

/*
 * NO_EXPORT (RFC 1997): a sends its route to x with no-export; x uses it
 * but gives it to no one, so y, which would take a through x (two ASes),
 * goes the long way to b (three).  Without the community y takes a.
 *
 *   a - x - y - v - w - b
 */
#define NO_EXPORT "name: lab\nnodes:\n" \
	"  a: {kind: pop, asn: 13335}\n  b: {kind: pop, asn: 13335}\n" \
	"  x: {kind: isp, asn: 64501}\n  y: {kind: isp, asn: 64502}\n" \
	"  v: {kind: isp, asn: 64503}\n  w: {kind: isp, asn: 64504}\n" \
	"  ux: {kind: user}\n  uy: {kind: user}\n" \
	"links:\n  - {endpoints: [a, x], communities: [no-export]}\n" \
	"  - [x, y]\n  - [y, v]\n  - [v, w]\n  - [w, b]\n" \
	"  - [ux, x]\n  - [uy, y]\n"

Test(predict, no_export_keeps_a_route_in_the_first_as)
{
	struct topo_predict r;
	struct topo t;

	load(NO_EXPORT, &t);
	predict(&t, NULL, &r);
	cr_assert_str_eq(where(&t, &r, "ux"), "a");
	cr_assert_str_eq(where(&t, &r, "uy"), "b");
	cr_assert_str_eq(path_of(&t, &r, "uy"), "64503 64504 13335");
	topo_predict_free(&r);
	topo_free(&t);
	expect_plain(NO_EXPORT, "uy", "a");
}

/*
 * Action communities x offers its customer a (bgp/policy.h): prepend
 * toward one AS, do not announce to one AS, set LOCAL_PREF.
 *
 *   a - x - y - v - w - b      uy on y
 *       x - z                  uz on z
 */
#define ACTIONS(comm) "name: lab\nnodes:\n" \
	"  a: {kind: pop, asn: 13335}\n  b: {kind: pop, asn: 13335}\n" \
	"  x: {kind: isp, asn: 64501, actions: [" \
	"{community: \"64501:3\", prepend: 3, to: 64502}, " \
	"{community: \"64501:666\", no-announce-to: 64502}]}\n" \
	"  y: {kind: isp, asn: 64502}\n  z: {kind: isp, asn: 64503}\n" \
	"  v: {kind: isp, asn: 64504}\n  w: {kind: isp, asn: 64505}\n" \
	"  uy: {kind: user}\n  uz: {kind: user}\n" \
	"links:\n  - {endpoints: [a, x], communities: [\"" comm "\"]}\n" \
	"  - [x, y]\n  - [x, z]\n  - [y, v]\n  - [v, w]\n  - [w, b]\n" \
	"  - [uy, y]\n  - [uz, z]\n"

Test(predict, action_prepend_toward_one_as)
{
	struct topo_predict r;
	struct topo t;

	/* A community x offers no action for: y takes a, two ASes away. */
	load(ACTIONS("64501:1"), &t);
	predict(&t, NULL, &r);
	cr_assert_str_eq(where(&t, &r, "uy"), "a");
	cr_assert_str_eq(path_of(&t, &r, "uy"), "64501 13335");
	topo_predict_free(&r);
	topo_free(&t);

	/* Three more copies of 64501 toward 64502: five ASes lose to three. */
	load(ACTIONS("64501:3"), &t);
	predict(&t, NULL, &r);
	cr_assert_str_eq(where(&t, &r, "uy"), "b");
	cr_assert_eq(r.node[node(&t, "y")].rival.cand.aspath_len, 5);
	cr_assert_str_eq(where(&t, &r, "uz"), "a");
	cr_assert_str_eq(path_of(&t, &r, "uz"), "64501 13335");
	topo_predict_free(&r);
	topo_free(&t);
}

Test(predict, action_no_announce_to_one_as)
{
	struct topo_predict r;
	struct topo t;

	load(ACTIONS("64501:666"), &t);
	predict(&t, NULL, &r);
	cr_assert_str_eq(where(&t, &r, "uy"), "b");
	cr_assert_eq(r.node[node(&t, "y")].step, BGP_DECIDE_ONLY);
	cr_assert_str_eq(where(&t, &r, "uz"), "a");
	topo_predict_free(&r);
	topo_free(&t);
}

/* A LOCAL_PREF action: a asks x for LOCAL_PREF 70, below the 100 of q's
 * longer path to b.  Without the community x keeps a, one AS away. */
#define ACTION_LP(comm) "name: lab\nnodes:\n" \
	"  a: {kind: pop, asn: 13335}\n  b: {kind: pop, asn: 13335}\n" \
	"  x: {kind: isp, asn: 64501, actions: [{community: \"64501:70\", local-pref: 70}]}\n" \
	"  q: {kind: isp, asn: 64502}\n  ux: {kind: user}\n" \
	"links:\n  - {endpoints: [a, x], communities: [\"" comm "\"]}\n" \
	"  - [x, q]\n  - [q, b]\n  - [ux, x]\n"

Test(predict, action_local_pref)
{
	const struct topo_predict_node *x;
	struct topo_predict r;
	struct topo t;

	load(ACTION_LP("64501:70"), &t);
	predict(&t, NULL, &r);
	cr_assert_str_eq(where(&t, &r, "ux"), "b");
	x = &r.node[node(&t, "x")];
	cr_assert_eq(x->step, BGP_DECIDE_LOCAL_PREF);
	cr_assert_eq(x->rival.cand.local_pref, 70);
	topo_predict_free(&r);
	topo_free(&t);

	load(ACTION_LP("64501:71"), &t);
	predict(&t, NULL, &r);
	cr_assert_str_eq(where(&t, &r, "ux"), "a");
	topo_predict_free(&r);
	topo_free(&t);
}

/*
 * MED (RFC 4271 9.1.2.2 c) decides between paths from the same
 * neighbour AS only: x hears a and b, both AS 13335, with MED 50 and 10
 * and takes b, though a has the lower router id.
 */
Test(predict, med_within_one_neighbour_as)
{
	static const char yaml[] = "name: lab\nnodes:\n"
		"  a: {kind: pop, asn: 13335}\n  b: {kind: pop, asn: 13335}\n"
		"  x: {kind: isp, asn: 64501}\n  ux: {kind: user}\n"
		"links:\n  - {endpoints: [a, x], med: 50}\n"
		"  - {endpoints: [b, x], med: 10}\n  - [ux, x]\n";
	struct topo_predict r;
	struct topo t;

	load(yaml, &t);
	predict(&t, NULL, &r);
	cr_assert_str_eq(where(&t, &r, "ux"), "b");
	cr_assert_eq(r.node[node(&t, "x")].step, BGP_DECIDE_MED);
	topo_predict_free(&r);
	topo_free(&t);
}

/*
 * a (AS 13335, MED 50) and c (AS 64999, MED 5) are different neighbour
 * ASes: their MEDs are not compared and the lower router id, a's, wins;
 * with always-compare-med on x, c's lower MED does.
 */
#define ACM(x) "name: lab\nnodes:\n" \
	"  a: {kind: pop, asn: 13335}\n  c: {kind: pop, asn: 64999}\n" \
	"  x: {kind: isp, asn: 64501" x "}\n  ux: {kind: user}\n" \
	"links:\n  - {endpoints: [a, x], med: 50}\n" \
	"  - {endpoints: [c, x], med: 5}\n  - [ux, x]\n"

Test(predict, med_across_ases_with_always_compare_med)
{
	struct topo_predict r;
	struct topo t;

	load(ACM(""), &t);
	predict(&t, NULL, &r);
	cr_assert_str_eq(where(&t, &r, "ux"), "tie");
	cr_assert_eq(r.node[node(&t, "x")].pop, (long)node(&t, "a"));
	cr_assert_eq(r.node[node(&t, "x")].step, BGP_DECIDE_BGP_ID);
	topo_predict_free(&r);
	topo_free(&t);

	load(ACM(", always-compare-med: true"), &t);
	predict(&t, NULL, &r);
	cr_assert_str_eq(where(&t, &r, "ux"), "c");
	cr_assert_eq(r.node[node(&t, "x")].step, BGP_DECIDE_MED);
	topo_predict_free(&r);
	topo_free(&t);
}

/*
 * MED is not transitive, and the routers fold the comparison over their
 * paths in session order; the predictor must give their answer.  x hears
 * a (13335, MED 50), c (64999) and b (13335, MED 10), in that order,
 * router ids rising a < c < b.  The fold: a beats c by router id, then b
 * beats a by MED: b.  RFC 4271's elimination would drop a by MED first
 * and then pick c over b by router id.
 */
Test(predict, med_fold_in_session_order)
{
	static const char yaml[] = "name: lab\nnodes:\n"
		"  a: {kind: pop, asn: 13335}\n  c: {kind: pop, asn: 64999}\n"
		"  b: {kind: pop, asn: 13335}\n"
		"  x: {kind: isp, asn: 64501}\n  ux: {kind: user}\n"
		"links:\n  - {endpoints: [a, x], med: 50}\n  - [c, x]\n"
		"  - {endpoints: [b, x], med: 10}\n  - [ux, x]\n";
	struct topo_predict r;
	struct topo t;

	load(yaml, &t);
	predict(&t, NULL, &r);
	cr_assert_eq(r.node[node(&t, "x")].pop, (long)node(&t, "b"));
	topo_predict_free(&r);
	topo_free(&t);
}

/*
 * A dispute wheel (Griffin, Shepherd, Wilfong): x, y and z each prefer
 * the path that entered the ring at their clockwise neighbour (x: y's,
 * y: z's, z: x's) over their own direct path, and that over anything
 * else.  The preference is set by LOCAL_PREF action communities on the
 * entry points' communities: a link's local-pref alone cannot build it,
 * as it applies at both ends of a link and so ranks the link the same
 * for both neighbours.  If x goes direct, z goes through x, so y goes
 * direct, so x leaves its direct path for y's: there is no stable
 * outcome and the routers change their paths forever.
 */
#define WHEEL "name: lab\nnodes:\n" \
	"  p: {kind: pop, asn: 13335}\n" \
	"  x: {kind: isp, asn: 64501, actions: [{community: \"13335:2\", local-pref: 300}]}\n" \
	"  y: {kind: isp, asn: 64502, actions: [{community: \"13335:3\", local-pref: 300}]}\n" \
	"  z: {kind: isp, asn: 64503, actions: [{community: \"13335:1\", local-pref: 300}]}\n" \
	"  ux: {kind: user}\n  uy: {kind: user}\n  uz: {kind: user}\n" \
	"links:\n" \
	"  - {endpoints: [p, x], communities: [\"13335:1\"]}\n" \
	"  - {endpoints: [p, y], communities: [\"13335:2\"]}\n" \
	"  - {endpoints: [p, z], communities: [\"13335:3\"]}\n" \
	"  - [x, y]\n  - [y, z]\n  - [z, x]\n" \
	"  - [ux, x]\n  - [uy, y]\n  - [uz, z]\n"

Test(predict, dispute_wheel_has_no_stable_outcome)
{
	static const char *const isp[] = { "x", "y", "z" };
	static const char *const user[] = { "ux", "uy", "uz" };
	struct topo_predict r;
	struct topo t;
	char *out = NULL;
	size_t len = 0, i;
	FILE *f;

	load(WHEEL, &t);
	predict(&t, NULL, &r);
	cr_assert_eq(r.outcome, TOPO_PREDICT_NO_STABLE);
	cr_assert_gt(r.activations, r.budget);
	for (i = 0; i < 3; i++) {
		cr_assert(r.node[node(&t, isp[i])].flaps, "%s", isp[i]);
		cr_assert_str_eq(where(&t, &r, user[i]), "flap");
	}
	cr_assert_not(r.node[node(&t, "p")].flaps);
	topo_predict_free(&r);

	f = open_memstream(&out, &len);
	cr_assert_not_null(f);
	topo_print_catchment(&t, f);
	fclose(f);
	cr_assert_not_null(strstr(out, "#   ux      flap    |"), "%s", out);
	cr_assert_not_null(strstr(out, "  no stable outcome: the best paths of x, y and z never settle"),
			   "%s", out);
	free(out);
	topo_free(&t);

	/* Break the wheel at one spoke: z's preference goes, and it settles. */
	{
		char *yaml = strdup(WHEEL), *p = strstr(yaml, "\"13335:1\", local-pref: 300");

		memcpy(p, "\"13335:9\"", 9);
		load(yaml, &t);
		predict(&t, NULL, &r);
		cr_assert_eq(r.outcome, TOPO_PREDICT_STABLE);
		cr_assert_str_eq(where(&t, &r, "uz"), "p");
		topo_predict_free(&r);
		topo_free(&t);
		free(yaml);
	}
}

/*
 * A timing-dependent outcome (the DISAGREE gadget): the link [x, y]
 * carries local-pref 300 at both ends, so x prefers whatever y has over
 * its own POP a, and y whatever x has over b.  Two stable outcomes: both
 * at a (y through x), or both at b.  Which one the lab ends in depends
 * on which UPDATE arrives first: a's at x, or b's at y.
 */
Test(predict, disagree_depends_on_which_update_arrives_first)
{
	static const char yaml[] = "name: lab\nnodes:\n"
		"  a: {kind: pop, asn: 13335}\n  b: {kind: pop, asn: 13335}\n"
		"  x: {kind: isp, asn: 64501}\n  y: {kind: isp, asn: 64502}\n"
		"  ux: {kind: user}\n  uy: {kind: user}\n"
		"links:\n  - [a, x]\n  - [b, y]\n"
		"  - {endpoints: [x, y], local-pref: 300}\n"
		"  - [ux, x]\n  - [uy, y]\n";
	const struct topo_predict_node *ux;
	struct topo_whatif w = { .ndown = 0 };
	struct topo_predict r;
	struct topo t;
	long a, b;

	load(yaml, &t);
	a = (long)node(&t, "a");
	b = (long)node(&t, "b");
	predict(&t, NULL, &r);
	cr_assert_eq(r.outcome, TOPO_PREDICT_TIMING);
	cr_assert_str_eq(where(&t, &r, "ux"), "race");
	cr_assert_str_eq(where(&t, &r, "uy"), "race");
	ux = &r.node[node(&t, "ux")];
	cr_assert((ux->pop == a && ux->alt_pop == b) ||
		  (ux->pop == b && ux->alt_pop == a));
	/* Both users together, whichever way it goes. */
	cr_assert_eq(r.node[node(&t, "uy")].pop, ux->pop);
	topo_predict_free(&r);

	/* With b down there is one outcome: both at a. */
	whatif(&t, &w, TOPO_WHATIF_DOWN, "b");
	predict(&t, &w, &r);
	cr_assert_eq(r.outcome, TOPO_PREDICT_STABLE);
	cr_assert_str_eq(where(&t, &r, "uy"), "a");
	cr_assert_str_eq(path_of(&t, &r, "uy"), "64501 13335");
	topo_predict_free(&r);
	topo_free(&t);
}

/* Multipath: x has two equally good paths, to a and to b, and forwards
 * over both; without multipath that is a tie the router id settles. */
Test(predict, multipath_spreads_a_user_over_two_pops)
{
	static const char yaml[] = "name: lab\nnodes:\n"
		"  a: {kind: pop, asn: 13335}\n  b: {kind: pop, asn: 13335}\n"
		"  x: {kind: isp, asn: 64501, multipath: true}\n"
		"  y: {kind: isp, asn: 64502}\n"
		"  ux: {kind: user}\n  uy: {kind: user}\n"
		"links: [[a, x], [b, x], [y, x], [ux, x], [uy, y]]\n";
	const struct topo_predict_node *ux;
	struct topo_predict r;
	struct topo t;

	load(yaml, &t);
	predict(&t, NULL, &r);
	ux = &r.node[node(&t, "ux")];
	cr_assert_str_eq(where(&t, &r, "ux"), "ecmp");
	cr_assert_eq(ux->npops, 2);
	cr_assert_eq(r.pops[ux->pops_off], (long)node(&t, "a"));
	cr_assert_eq(r.pops[ux->pops_off + 1], (long)node(&t, "b"));
	/* y has one path, x's best, and no multipath of its own: but its
	 * packets go to x, which spreads them. */
	cr_assert_str_eq(where(&t, &r, "uy"), "ecmp");
	topo_predict_free(&r);
	topo_free(&t);
}

/* The what-ifs a person gets wrong, each with one sentence. */
Test(predict, whatif_errors)
{
	static const struct {
		enum topo_whatif_kind k;
		const char *arg;
		int err;
		const char *msg;
	} v[] = {
		{ TOPO_WHATIF_PREPEND, "a=17", -ERANGE, "prepend 17 is out of range 0..16" },
		{ TOPO_WHATIF_PREPEND, "a=99999999999", -ERANGE, "prepend 99999999999 is out of range 0..16" },
		{ TOPO_WHATIF_PREPEND, "zzz=1", -EINVAL, "lab 'lab' has no node 'zzz'" },
		{ TOPO_WHATIF_PREPEND, "ax=1", -EINVAL, "lab 'lab' has no node 'ax' (did you mean 'a'?)" },
		{ TOPO_WHATIF_PREPEND, "x=1", -EINVAL, "'x' is an isp, not a POP" },
		{ TOPO_WHATIF_PREPEND, "a=1@y", -EINVAL, "'y' is not a neighbour of a (its neighbours: x, w)" },
		{ TOPO_WHATIF_PREPEND, "a=1@ux", -EINVAL, "'ux' is not a neighbour of a (its neighbours: x, w)" },
		{ TOPO_WHATIF_PREPEND, "a", -EINVAL, "write POP=N or POP=N@ISP, N extra copies of the POP's AS (0..16)" },
		{ TOPO_WHATIF_PREPEND, "a=", -EINVAL, "the number of extra copies is missing: write POP=N, N in 0..16" },
		{ TOPO_WHATIF_PREPEND, "a=two", -EINVAL, "'two' is not a number of extra copies: write POP=N, N in 0..16" },
		{ TOPO_WHATIF_WITHDRAW, "a=1", -EINVAL, "write POP or POP@ISP" },
		{ TOPO_WHATIF_WITHDRAW, "uw", -EINVAL, "'uw' is a user, not a POP" },
		{ TOPO_WHATIF_WITHDRAW, "b@x", -EINVAL, "'x' is not a neighbour of b (its neighbours: y)" },
		{ TOPO_WHATIF_DOWN, "y", -EINVAL, "'y' is an isp, not a POP" },
	};
	struct topo_whatif w = { .ndown = 0 };
	struct topo t;
	char msg[256];
	size_t i;

	load(PREPEND, &t);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		cr_assert_eq(topo_whatif_add(&t, &w, v[i].k, v[i].arg, msg, sizeof(msg)),
			     v[i].err, "%s: %s", v[i].arg, msg);
		cr_assert_str_eq(msg, v[i].msg, "%s", v[i].arg);
	}
	cr_assert_not(topo_whatif_any(&w));
	for (i = 0; i < TOPO_WHATIF_MAX; i++)
		whatif(&t, &w, TOPO_WHATIF_DOWN, "a");
	cr_assert_eq(topo_whatif_add(&t, &w, TOPO_WHATIF_DOWN, "b", msg, sizeof(msg)),
		     -ENOSPC);
	topo_free(&t);
}

Test(predict, whatif_format)
{
	struct topo_whatif w = { .ndown = 0 };
	uint8_t mem[256];
	struct topo t;
	struct buf b;

	load(PREPEND, &t);
	whatif(&t, &w, TOPO_WHATIF_DOWN, "b");
	whatif(&t, &w, TOPO_WHATIF_PREPEND, "a=2@w");
	whatif(&t, &w, TOPO_WHATIF_WITHDRAW, "a@x");
	buf_init(&b, mem, sizeof(mem));
	topo_whatif_format(&t, &w, &b);
	cr_assert_str_eq(buf_cstr(&b), "b down, a prepending 2 toward w, a withdrawn from x");
	topo_free(&t);
}

/* The predictor and the routers read the same intent: a router with no
 * policy at all gets every path, default LOCAL_PREF. */
Test(predict, world_has_no_policy_and_one_outcome)
{
	char *yaml;
	struct topo_predict r;
	struct topo t;
	size_t len, i;

	yaml = slurp(SOURCE_ROOT "/topologies/world.yaml", &len);
	cr_assert_not_null(yaml);
	cr_assert_eq(try_load(yaml, len, &t), 0);
	free(yaml);
	cr_assert_not(topo_has_policy(&t));
	predict(&t, NULL, &r);
	cr_assert_eq(r.outcome, TOPO_PREDICT_STABLE);
	for (i = 0; i < t.nnodes; i++)
		if (t.nodes[i].kind != TOPO_KIND_USER)
			cr_assert(r.node[i].route, "%s", t.nodes[i].name);
	cr_assert_str_eq(path_of(&t, &r, "u-jnb"), "9498 13335");
	topo_predict_free(&r);
	topo_free(&t);
}

/*
 * The model the predictor replaced, as it was: breadth first from the
 * POPs over ISP-to-ISP links; an ISP d hops out takes the POPs of its
 * neighbours d - 1 hops out, a tie where they differ or are tied.
 */
#define UNSET	(-9L)

static long merge(long have, long add)
{
	if (have == UNSET)
		return add;
	return have == add ? have : TOPO_CATCH_TIE;
}

static void shortest_path_model(const struct topo *t, long down, long *pop)
{
	size_t n = t->nnodes, *dist = calloc(n + 1, sizeof(*dist));
	size_t *queue = calloc(n + 1, sizeof(*queue)), head = 0, tail = 0, i, k;

	cr_assert(dist && queue);
	for (i = 0; i < n; i++) {
		pop[i] = UNSET;
		dist[i] = TOPO_NONE;
	}
	for (i = 0; i < n; i++) {
		if (t->nodes[i].kind != TOPO_KIND_POP || (long)i == down)
			continue;
		pop[i] = (long)i;
		for (k = 0; k < t->nlinks; k++) {
			const struct topo_link *l = &t->links[k];
			size_t v;

			if (l->a != i && l->b != i)
				continue;
			v = topo_link_peer(l, i);
			if (t->nodes[v].kind != TOPO_KIND_ISP)
				continue;
			if (dist[v] == TOPO_NONE) {
				dist[v] = 1;
				queue[tail++] = v;
			}
			pop[v] = merge(pop[v], (long)i);
		}
	}
	while (head < tail) {
		size_t u = queue[head++];

		for (k = 0; k < t->nlinks; k++) {
			const struct topo_link *l = &t->links[k];
			size_t v;

			if (l->a != u && l->b != u)
				continue;
			v = topo_link_peer(l, u);
			if (t->nodes[v].kind != TOPO_KIND_ISP)
				continue;
			if (dist[v] == TOPO_NONE) {
				dist[v] = dist[u] + 1;
				queue[tail++] = v;
				pop[v] = pop[u];
			} else if (dist[v] == dist[u] + 1) {
				pop[v] = merge(pop[v], pop[u]);
			}
		}
	}
	for (i = 0; i < n; i++) {
		if (t->nodes[i].kind != TOPO_KIND_USER)
			continue;
		for (k = 0; k < t->nlinks; k++) {
			const struct topo_link *l = &t->links[k];

			if ((l->a == i || l->b == i) &&
			    t->nodes[topo_link_peer(l, i)].kind == TOPO_KIND_ISP) {
				pop[i] = pop[topo_link_peer(l, i)];
				break;
			}
		}
	}
	for (i = 0; i < n; i++)
		if (pop[i] == UNSET)
			pop[i] = TOPO_CATCH_UNREACHABLE;
	free(dist);
	free(queue);
}

/* Every node's code, with each POP down in turn and none; the number of
 * POP cells compared. */
static size_t agree(const struct topo *t, const char *what)
{
	long *got = calloc(t->nnodes + 1, sizeof(*got));
	long *want = calloc(t->nnodes + 1, sizeof(*want)), down;
	size_t i, cells = 0;

	cr_assert(got && want);
	cr_assert_not(topo_has_policy(t), "%s", what);
	for (down = -1; down < (long)t->nnodes; down++) {
		if (down >= 0 && t->nodes[down].kind != TOPO_KIND_POP)
			continue;
		cr_assert_eq(topo_catchment(t, down, got), 0);
		shortest_path_model(t, down, want);
		for (i = 0; i < t->nnodes; i++) {
			cr_assert_eq(got[i], want[i], "%s, %s down: %s: predicted %s, shortest path says %s",
				     what, down >= 0 ? t->nodes[down].name : "nothing",
				     t->nodes[i].name, code_str(t, got[i]),
				     code_str(t, want[i]));
			cells++;
		}
	}
	free(got);
	free(want);
	return cells;
}

/* Every .yaml under dir that loads, compared; how many. */
static size_t agree_dir(const char *dir)
{
	char path[768];
	struct dirent *e;
	size_t files = 0, len;
	DIR *d = opendir(dir);

	cr_assert_not_null(d, "%s", dir);
	while ((e = readdir(d))) {
		struct topo t;
		char *yaml;
		size_t n = strlen(e->d_name);

		if (n <= 5 || strcmp(e->d_name + n - 5, ".yaml"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		yaml = slurp(path, &len);
		cr_assert_not_null(yaml);
		if (try_load(yaml, len, &t) == 0) {
			if (!topo_has_policy(&t)) {
				agree(&t, path);
				files++;
			}
			topo_free(&t);
		}
		free(yaml);
	}
	closedir(d);
	return files;
}

Test(predict, agrees_with_shortest_path_on_the_repositorys_files)
{
	cr_assert_geq(agree_dir(SOURCE_ROOT "/topologies"), 1);
	cr_assert_geq(agree_dir(SOURCE_ROOT "/tests/golden"), 5);
	cr_assert_geq(agree_dir(SOURCE_ROOT "/tests/golden/check"), 5);
}

static uint64_t rng_state;

static unsigned rng(unsigned n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (unsigned)((rng_state * 0x2545f4914f6cdd1dull) >> 33) % n;
}

/* A text that grows; aborts when memory runs out. */
struct text {
	char *s;
	size_t len, cap;
};

static void put(struct text *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct text *x, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(x->s + x->len, x->cap - x->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < x->cap - x->len)
			break;
		x->cap = x->cap ? x->cap * 2 : 4096;
		x->s = realloc(x->s, x->cap);
		cr_assert_not_null(x->s);
	}
	x->len += (size_t)n;
}

/*
 * A random lab without policy: POPs of the CDN's AS and of others, ISPs
 * linked at random (some not at all), POPs on one or two ISPs and now
 * and then on each other, users behind random ISPs.
 */
static void random_lab(struct text *x, unsigned seed)
{
	unsigned pops = 2 + rng(5), isps = 3 + rng(14), users = 1 + rng(10);
	unsigned i, j, edges;
	bool *linked = calloc((pops + isps) * (pops + isps), sizeof(*linked));

	cr_assert_not_null(linked);
	x->len = 0;
	put(x, "name: gen%u\nnodes:\n", seed);
	for (i = 0; i < pops; i++)
		put(x, "  p%u: {kind: pop, asn: %u}\n", i, rng(3) ? 13335 : 64900 + i);
	for (i = 0; i < isps; i++)
		put(x, "  i%u: {kind: isp, asn: %u}\n", i, 64512 + i);
	for (i = 0; i < users; i++)
		put(x, "  u%u: {kind: user}\n", i);
	put(x, "links:\n");
#define LINKED(a, b) linked[(a) * (pops + isps) + (b)]
	edges = isps + rng(2 * isps);
	for (i = 0; i < edges; i++) {
		unsigned a = rng(isps), b = rng(isps);

		if (a == b || LINKED(pops + a, pops + b))
			continue;
		LINKED(pops + a, pops + b) = LINKED(pops + b, pops + a) = true;
		put(x, "  - [i%u, i%u]\n", a, b);
	}
	for (i = 0; i < pops; i++) {
		for (j = rng(2); j < 2; j++) {
			unsigned b = rng(isps);

			if (LINKED(i, pops + b))
				continue;
			LINKED(i, pops + b) = true;
			put(x, "  - [p%u, i%u]\n", i, b);
		}
		if (i && !rng(4))
			put(x, "  - [p%u, p%u]\n", i, rng(i));
	}
	for (i = 0; i < users; i++)
		put(x, "  - [u%u, i%u]\n", i, rng(isps));
#undef LINKED
	free(linked);
}

Test(predict, agrees_with_shortest_path_on_generated_labs)
{
	struct text x = { NULL, 0, 0 };
	size_t loaded = 0, cells = 0;
	unsigned seed;

	for (seed = 1; seed <= 300; seed++) {
		struct topo t;

		rng_state = 0x9e3779b97f4a7c15ull * seed;
		random_lab(&x, seed);
		/* Two POPs linked may share an AS, which a lab refuses. */
		if (try_load(x.s, x.len, &t) != 0)
			continue;
		cells += agree(&t, x.s);
		loaded++;
		topo_free(&t);
	}
	free(x.s);
	cr_assert_geq(loaded, 150, "only %zu generated labs loaded", loaded);
	cr_assert_geq(cells, 10000);
}

/*
 * The Internet's shape at scale, as scripts/gen-topology --rel makes it:
 * a clique of tier-1 peers, every other ISP a customer of one or two
 * ISPs before it, now and then a peering lower down, POPs customers of
 * their ISP, users behind ISPs; 1,000 routers.
 */
static void internet(struct text *x, unsigned pops, unsigned isps,
		     unsigned users)
{
	unsigned i, j, tier1 = 6;

	x->len = 0;
	put(x, "name: big\naddressing:\n  links: 100.64.0.0/16\n"
	    "  loopbacks: 100.127.0.0/22\nnodes:\n");
	for (i = 0; i < pops; i++)
		put(x, "  p%u: {kind: pop, asn: 13335}\n", i);
	for (i = 0; i < isps; i++)
		put(x, "  i%u: {kind: isp, asn: %u}\n", i, 64512 + i);
	for (i = 0; i < users; i++)
		put(x, "  u%u: {kind: user}\n", i);
	put(x, "links:\n");
	for (i = 0; i < tier1; i++)
		for (j = i + 1; j < tier1; j++)
			put(x, "  - {endpoints: [i%u, i%u], rel: peer}\n", i, j);
	for (i = tier1; i < isps; i++) {
		unsigned p = rng(i), q = rng(i);

		put(x, "  - {endpoints: [i%u, i%u], rel: customer}\n", i, p);
		if (q != p && rng(2))
			put(x, "  - {endpoints: [i%u, i%u], rel: customer}\n", i, q);
		else
			q = p;
		/* A peering with the ISP before it, when not its provider. */
		if (!rng(4) && i - 1 != p && i - 1 != q && i - 1 >= tier1)
			put(x, "  - {endpoints: [i%u, i%u], rel: peer}\n", i, i - 1);
	}
	for (i = 0; i < pops; i++)
		put(x, "  - {endpoints: [p%u, i%u], rel: customer}\n", i, (i * 7) % isps);
	for (i = 0; i < users; i++)
		put(x, "  - [u%u, i%u]\n", i, i % isps);
}

Test(predict, thousand_routers_with_relationships_settle_fast)
{
	struct text x = { NULL, 0, 0 };
	struct topo_predictor *p;
	struct topo_predict r;
	struct topo t;
	clock_t c0, c1;
	size_t i, routers = 0, reached = 0;

	rng_state = 0x2545f4914f6cdd1dull;
	internet(&x, 334, 666, 2000);
	cr_assert_eq(try_load(x.s, x.len, &t), 0);
	free(x.s);
	for (i = 0; i < t.nnodes; i++)
		routers += t.nodes[i].kind != TOPO_KIND_USER;
	cr_assert_eq(routers, 1000);
	cr_assert_eq(topo_predictor_new(&t, &p), 0);
	c0 = clock();
	cr_assert_eq(topo_predict_run(p, NULL, &r), 0);
	c1 = clock();
	cr_assert_eq(r.outcome, TOPO_PREDICT_STABLE);
	cr_assert_lt(r.activations, r.budget);
	/* Gao-Rexford: every AS reaches the customer POPs somehow. */
	for (i = 0; i < t.nnodes; i++)
		reached += t.nodes[i].kind == TOPO_KIND_USER && r.node[i].pop >= 0;
	cr_assert_eq(reached, 2000);
	/* Both orders of a 1,000-router run, well under a second even in a
	 * sanitizer build; a plain build takes a few milliseconds. */
	cr_assert_lt((double)(c1 - c0) / CLOCKS_PER_SEC, 1.0,
		     "%.3f s of CPU", (double)(c1 - c0) / CLOCKS_PER_SEC);
	topo_predict_free(&r);
	topo_predictor_free(p);
	topo_free(&t);
}

/*
 * What `anycastlab check` shows a person, end to end: the diagnostics as
 * topo_diags_report prints them (warnings beside errors, a note with what
 * to do after a YAML syntax error, at most TOPO_DIAGS_SHOWN of them and
 * the exact count of the rest), then for a good file the plan and the
 * predicted catchment with its ties explained; for a file whose routers'
 * daemons cannot do what it asks (daemon_check), those errors instead.
 *
 * Golden files: every tests/golden/check/<name>.yaml must print exactly
 * tests/golden/check/<name>.out (stderr's part first, as a terminal shows
 * it).  ANYCASTLAB_GOLDEN_UPDATE=1 rewrites them; read the diff.  The
 * one-line-per-diagnostic form of the .out files in tests/golden stays.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon.h"
#include "topo/topo.h"
#include "slurp.h"

#define CHECK_DIR	"tests/golden/check"

struct golden {
	char name[128];
};

static int golden_cmp(const void *a, const void *b)
{
	return strcmp(((const struct golden *)a)->name,
		      ((const struct golden *)b)->name);
}

static void golden_free(struct criterion_test_params *p)
{
	cr_free(p->params);
}

ParameterizedTestParameters(check, golden)
{
	DIR *dir = opendir(SOURCE_ROOT "/" CHECK_DIR);
	struct golden *v = NULL, *shared;
	struct dirent *e;
	size_t n = 0, cap = 0;

	if (!dir)
		return cr_make_param_array(struct golden, NULL, 0, NULL);
	while ((e = readdir(dir))) {
		size_t len = strlen(e->d_name);

		if (len <= 5 || len - 5 >= sizeof(v->name) ||
		    strcmp(e->d_name + len - 5, ".yaml") != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			v = realloc(v, cap * sizeof(*v));
			if (!v)
				abort();
		}
		memset(&v[n], 0, sizeof(v[n]));
		memcpy(v[n].name, e->d_name, len - 5);
		n++;
	}
	closedir(dir);
	qsort(v, n, sizeof(*v), golden_cmp);
	shared = cr_malloc(n * sizeof(*shared) + 1);
	if (!shared)
		abort();
	if (n)
		memcpy(shared, v, n * sizeof(*v));
	free(v);
	return cr_make_param_array(struct golden, shared, n, golden_free);
}

/* Load text as `check` does (warnings wanted) and print what it prints. */
static char *check_text(const char *file, const char *data, size_t len,
			int *err)
{
	struct topo_diags d = { .warnings = true };
	struct topo t;
	char *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);

	cr_assert_not_null(f);
	*err = topo_load_buf(file, data, len, &t, &d);
	if (*err == 0 || *err == -EINVAL)
		topo_diags_report(&d, file, TOPO_DIAGS_SHOWN, "", f);
	if (*err == 0) {
		struct topo_diags dd = { .warnings = true };

		if (daemon_check_topo(&t, &dd) > 0) {
			topo_diags_report(&dd, file, TOPO_DIAGS_SHOWN, "", f);
			*err = -EOPNOTSUPP;
		}
		topo_diags_free(&dd);
	}
	if (*err == 0) {
		topo_print_plan(&t, f);
		topo_print_catchment(&t, f);
	}
	if (*err == 0 || *err == -EOPNOTSUPP)
		topo_free(&t);
	fclose(f);
	topo_diags_free(&d);
	return out;
}

ParameterizedTest(struct golden *g, check, golden)
{
	char rel[256], path[512], out_path[512], *data, *got, *want;
	const char *update = getenv("ANYCASTLAB_GOLDEN_UPDATE");
	size_t len;
	int err;

	snprintf(rel, sizeof(rel), CHECK_DIR "/%s.yaml", g->name);
	snprintf(path, sizeof(path), SOURCE_ROOT "/%s", rel);
	snprintf(out_path, sizeof(out_path), SOURCE_ROOT "/" CHECK_DIR "/%s.out",
		 g->name);
	data = slurp(path, &len);
	cr_assert_not_null(data, "cannot read %s", path);
	got = check_text(rel, data, len, &err);
	free(data);
	if (update && strcmp(update, "1") == 0) {
		FILE *f = fopen(out_path, "w");

		cr_assert_not_null(f, "cannot write %s", out_path);
		fputs(got, f);
		cr_assert_eq(fclose(f), 0);
		free(got);
		return;
	}
	want = slurp(out_path, &len);
	cr_assert_not_null(want, "%s is missing; run with ANYCASTLAB_GOLDEN_UPDATE=1 and review it",
			   out_path);
	cr_assert_str_eq(got, want, "%s differs from %s:\n--- got\n%s--- want\n%s",
			 rel, out_path, got, want);
	free(got);
	free(want);
}

/* The scan must find the files, or every case above vanishes. */
Test(check, has_cases)
{
	char path[512];
	size_t len;
	char *want;

	snprintf(path, sizeof(path), SOURCE_ROOT "/" CHECK_DIR "/yaml-tab.out");
	want = slurp(path, &len);
	cr_assert_not_null(want);
	cr_assert_not_null(strstr(want, ":3:1: note: tabs are not allowed"));
	free(want);
}

#define ISOLATED "name: lab\nnodes:\n  p: {kind: pop, asn: 13335}\n" \
	"  i: {kind: isp, asn: 1221}\n  ext: {kind: isp, asn: 64500}\n" \
	"links:\n  - [i, p]\n"

/* Warnings go only to callers that ask: the others see a clean file, as
 * before, and an isolated node never turns a good file bad. */
Test(check, warnings_only_when_asked)
{
	struct topo_diags quiet = { 0 }, loud = { .warnings = true };
	struct topo t;

	cr_assert_eq(topo_load_buf("lab.yaml", ISOLATED, strlen(ISOLATED), &t,
				   &quiet), 0);
	topo_free(&t);
	cr_assert_eq(quiet.n, 0);

	cr_assert_eq(topo_load_buf("lab.yaml", ISOLATED, strlen(ISOLATED), &t,
				   &loud), 0);
	cr_assert_eq(t.nnodes, 3, "the lab loads whole");
	topo_free(&t);
	cr_assert_eq(loud.n, 1);
	cr_assert_eq(loud.errors, 0);
	cr_assert_eq(loud.v[0].sev, TOPO_SEV_WARNING);
	cr_assert_eq(loud.v[0].pos.line, 5);
	cr_assert_eq(loud.v[0].pos.col, 3);
	cr_assert_not_null(strstr(loud.v[0].msg, "node 'ext'"));
	topo_diags_free(&loud);
}

/* A warning beside errors leaves the error lines exactly as they were. */
Test(check, errors_print_the_same_with_warnings)
{
	static const char yaml[] = "name: lab\ndefaults:\n  hold-time: 1\n"
		"nodes:\n  p: {kind: pop, asn: 13335}\n  i: {kind: isp, asn: 1221}\n"
		"  ext: {kind: isp, asn: 64500}\nlinks:\n  - [i, p]\n";
	struct topo_diags quiet = { 0 }, loud = { .warnings = true };
	char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0, i;
	FILE *fa = open_memstream(&a, &alen), *fb = open_memstream(&b, &blen);
	struct topo t;

	cr_assert_eq(topo_load_buf("lab.yaml", yaml, strlen(yaml), &t, &quiet),
		     -EINVAL);
	cr_assert_eq(topo_load_buf("lab.yaml", yaml, strlen(yaml), &t, &loud),
		     -EINVAL);
	cr_assert_eq(quiet.n, 1);
	cr_assert_eq(loud.n, 2);
	cr_assert_eq(loud.errors, 1);
	topo_diags_print(&quiet, "lab.yaml", fa);
	for (i = 0; i < loud.n; i++)
		if (loud.v[i].sev == TOPO_SEV_ERROR)
			topo_diags_print(&(struct topo_diags){ .v = &loud.v[i], .n = 1 },
					 "lab.yaml", fb);
	fclose(fa);
	fclose(fb);
	cr_assert_str_eq(a, b);
	cr_assert(strncmp(a, "lab.yaml:3:14: error: defaults: hold-time 1", 43) == 0,
		  "%s", a);
	free(a);
	free(b);
	topo_diags_free(&quiet);
	topo_diags_free(&loud);
}

/* A file of many broken users: N errors in memory, the report stops after
 * TOPO_DIAGS_SHOWN and counts the rest exactly. */
static char *broken_users(size_t n, const char *user, size_t *len)
{
	char *yaml = NULL;
	FILE *f = open_memstream(&yaml, len);
	size_t i;

	cr_assert_not_null(f);
	fputs("name: big\nnodes:\n  isp1: {kind: isp, asn: 64500, city: Springfield}\n"
	      "  pop1: {kind: pop, asn: 13335}\n", f);
	for (i = 0; i < n; i++)
		fprintf(f, "  user-%zu: %s\n", i, user);
	fputs("links:\n  - [isp1, pop1]\n", f);
	fclose(f);
	return yaml;
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

Test(check, report_stops_after_twenty_and_counts_the_rest, .timeout = 60)
{
	size_t len;
	char *yaml = broken_users(100000, "{kind: usr}", &len), *out;
	const char *more;
	int err;

	out = check_text("big.yaml", yaml, len, &err);
	cr_assert_eq(err, -EINVAL);
	cr_assert_eq(count_lines(out), TOPO_DIAGS_SHOWN + 2, "%s", out);
	cr_assert(strncmp(out, "big.yaml:5:18: error: node 'user-0': unknown kind 'usr'", 55) == 0,
		  "%s", out);
	more = strstr(out, "\n... and 99980 more errors\nbig.yaml: 100000 errors\n");
	cr_assert_not_null(more, "%s", out);
	cr_assert_str_eq(more + strlen("\n... and 99980 more errors\nbig.yaml: 100000 errors\n"), "");
	free(out);
	free(yaml);
}

/*
 * 100000 users with no link: each error suggests an ISP of the same city,
 * which used to scan every node for every user (minutes).  It must take
 * about as long as loading the file.
 */
Test(check, many_unlinked_users_are_fast, .timeout = 10)
{
	size_t len;
	char *yaml = broken_users(100000, "{kind: user, city: Springfield}", &len);
	char *out;
	int err;

	out = check_text("big.yaml", yaml, len, &err);
	cr_assert_eq(err, -EINVAL);
	cr_assert_not_null(strstr(out, "big.yaml:5:3: error: node 'user-0': a user needs a link to its ISP, e.g. - [user-0, isp1]\n"),
			   "%s", out);
	cr_assert_not_null(strstr(out, "\nbig.yaml: 100000 errors\n"), "%s", out);
	free(out);
	free(yaml);
}

/* A YAML syntax error keeps libyaml's words and position, and gains a
 * note saying what to do; the diagnostic itself is unchanged. */
Test(check, tab_gets_a_note)
{
	static const char yaml[] = "name: lab\nnodes:\n\tp: {kind: pop}\n";
	struct topo_diags d = { .warnings = true };
	struct topo t;

	cr_assert_eq(topo_load_buf("lab.yaml", yaml, strlen(yaml), &t, &d), -EINVAL);
	cr_assert_eq(d.n, 1);
	cr_assert_str_eq(d.v[0].msg, "invalid YAML: found character that cannot start any token (while scanning for the next token at 3:1)");
	cr_assert_not_null(d.v[0].hint);
	cr_assert_str_eq(d.v[0].hint, "tabs are not allowed for indentation in YAML; use spaces");
	topo_diags_free(&d);
}

static void load_ok(const char *yaml, struct topo *t)
{
	struct topo_diags d = { 0 };

	cr_assert_eq(topo_load_buf("lab.yaml", yaml, strlen(yaml), t, &d), 0,
		     "%s", d.n ? d.v[0].msg : "-");
	topo_diags_free(&d);
}

#define TIE_BODY "  ntt: {kind: isp, asn: 2914}\n  u-tyo: {kind: user}\n" \
	"links:\n  - [u-tyo, ntt]\n  - [ntt, sin]\n  - [ntt, syd]\n"

/* One ISP, two POPs one hop away: the POP with the lower router id wins,
 * whichever way round the file numbers them (RFC 4271 9.1.2.2 f). */
Test(check, tie_goes_to_the_lower_router_id_both_orders)
{
	static const char syd_first[] = "name: lab\nnodes:\n"
		"  syd: {kind: pop, asn: 13335}\n  sin: {kind: pop, asn: 13335}\n" TIE_BODY;
	static const char sin_first[] = "name: lab\nnodes:\n"
		"  sin: {kind: pop, asn: 13335}\n  syd: {kind: pop, asn: 13335}\n" TIE_BODY;
	struct topo_tie x;
	struct topo t;
	long u, pop[8];

	load_ok(syd_first, &t);
	u = topo_node_find(&t, "u-tyo");
	cr_assert_eq(topo_catchment(&t, -1, pop), 0);
	cr_assert_eq(pop[u], TOPO_CATCH_TIE);
	cr_assert_eq(topo_catchment_tie(&t, -1, (size_t)u, &x), 0);
	cr_assert_eq(x.winner, topo_node_find(&t, "syd"));
	cr_assert_eq(x.decider, (size_t)topo_node_find(&t, "ntt"));
	cr_assert_eq(x.hops, 1);
	cr_assert_eq(x.npops, 2);
	topo_free(&t);

	load_ok(sin_first, &t);
	u = topo_node_find(&t, "u-tyo");
	cr_assert_eq(topo_catchment_tie(&t, -1, (size_t)u, &x), 0);
	cr_assert_eq(x.winner, topo_node_find(&t, "sin"));
	cr_assert_eq(t.nodes[x.winner].router_id, 0x647f0001);
	/* No tie with one of them down: nothing to explain. */
	cr_assert_eq(topo_catchment_tie(&t, topo_node_find(&t, "sin"), (size_t)u, &x),
		     -EINVAL);
	topo_free(&t);
}

/* A tie two hops out is settled where the paths part: optus hears syd via
 * telstra and sin via singtel, and takes telstra's, the lower router id. */
Test(check, tie_is_settled_where_the_paths_part)
{
	char path[512], *yaml;
	struct topo_tie x;
	struct topo t;
	size_t len;

	snprintf(path, sizeof(path), SOURCE_ROOT "/" CHECK_DIR "/tie-via-isp.yaml");
	yaml = slurp(path, &len);
	cr_assert_not_null(yaml);
	load_ok(yaml, &t);
	free(yaml);
	cr_assert_eq(topo_catchment_tie(&t, -1, (size_t)topo_node_find(&t, "u-mel"), &x), 0);
	cr_assert_eq(x.isp, (size_t)topo_node_find(&t, "optus"));
	cr_assert_eq(x.decider, (size_t)topo_node_find(&t, "optus"));
	cr_assert_eq(x.chosen, (size_t)topo_node_find(&t, "telstra"));
	cr_assert_eq(x.winner, topo_node_find(&t, "syd"));
	cr_assert_eq(x.hops, 2);
	cr_assert_eq(x.npops, 2);
	cr_assert_eq(x.pops[0], topo_node_find(&t, "syd"));
	cr_assert_eq(x.pops[1], topo_node_find(&t, "sin"));
	/* A user that is not tied has nothing to explain. */
	cr_assert_eq(topo_catchment_tie(&t, -1, (size_t)topo_node_find(&t, "u-syd"), &x),
		     -EINVAL);
	topo_free(&t);
}

/*
 * Golden files for what `anycastlab check` prints.  Every
 * tests/golden/<name>.yaml found at run time is one test case: loading it
 * must print exactly tests/golden/<name>.out, the plan when the file is
 * valid, else every diagnostic, with the file named as given relative to
 * the repository root.
 *
 * To regenerate after an intended change, run the test with
 * ANYCASTLAB_GOLDEN_UPDATE=1 (it then rewrites every .out and passes), and
 * read the diff before committing it.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo/topo.h"
#include "slurp.h"

#define GOLDEN_DIR	"tests/golden"

struct golden {
	char name[128];			/* without .yaml */
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

ParameterizedTestParameters(golden, matches_out)
{
	DIR *dir = opendir(SOURCE_ROOT "/" GOLDEN_DIR);
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
			cap = cap ? cap * 2 : 64;
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
	/* Test cases run in other processes: parameters live in Criterion's
	 * shared memory. */
	shared = cr_malloc(n * sizeof(*shared) + 1);
	if (!shared)
		abort();
	if (n)
		memcpy(shared, v, n * sizeof(*v));
	free(v);
	return cr_make_param_array(struct golden, shared, n, golden_free);
}

/* What `anycastlab check <file>` prints, for a file read from disk. */
static char *check_output(const char *rel)
{
	char path[512], *data, *out = NULL;
	struct topo_diags d = { 0 };
	struct topo t;
	size_t len, outlen = 0;
	FILE *f;
	int err;

	snprintf(path, sizeof(path), "%s/%s", SOURCE_ROOT, rel);
	data = slurp(path, &len);
	cr_assert_not_null(data, "cannot read %s", path);
	f = open_memstream(&out, &outlen);
	cr_assert_not_null(f);
	err = topo_load_buf(rel, data, len, &t, &d);
	if (err == 0) {
		cr_assert_eq(d.n, 0);
		topo_print_plan(&t, f);
		topo_free(&t);
	} else {
		cr_assert_eq(err, -EINVAL, "%s: load failed with %d", rel, err);
		cr_assert_gt(d.n, 0, "%s: -EINVAL without a diagnostic", rel);
		topo_diags_print(&d, rel, f);
	}
	fclose(f);
	topo_diags_free(&d);
	free(data);
	return out;
}

ParameterizedTest(struct golden *g, golden, matches_out)
{
	char yaml[256], out_path[512];
	char *got, *want;
	const char *update = getenv("ANYCASTLAB_GOLDEN_UPDATE");
	size_t len;

	snprintf(yaml, sizeof(yaml), GOLDEN_DIR "/%s.yaml", g->name);
	snprintf(out_path, sizeof(out_path), SOURCE_ROOT "/" GOLDEN_DIR "/%s.out",
		 g->name);
	got = check_output(yaml);
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
			 yaml, out_path, got, want);
	free(got);
	free(want);
}

/* The directory scan must find the files, or every case above vanishes. */
Test(golden, has_cases)
{
	char *out = check_output(GOLDEN_DIR "/world.yaml");

	cr_assert(strncmp(out, "lab world:", 10) == 0);
	free(out);
}

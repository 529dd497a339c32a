/*
 * libFuzzer target for the topology loader (topo_load_buf): any bytes must
 * either load or be rejected with positioned diagnostics, never crash,
 * leak or trip a sanitizer.  What loads must also survive the rest of the
 * pipeline: the plan prints, the YAML printer's output loads back to the
 * very same plan, and the catchment predictor runs with every POP down.
 */
#include "topo/topo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *print_plan(const struct topo *t)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		abort();
	topo_print_plan(t, f);
	fclose(f);
	return out;
}

static void check_round_trip(const struct topo *t)
{
	struct topo_diags d = { 0 };
	char *yaml = NULL, *plan, *again;
	size_t len = 0;
	struct topo t2;
	FILE *f = open_memstream(&yaml, &len);

	if (!f)
		abort();
	topo_print_yaml(t, f);
	fclose(f);
	if (topo_load_buf("printed.yaml", yaml, len, &t2, &d) != 0) {
		fprintf(stderr, "printed YAML does not load:\n%s", yaml);
		topo_diags_print(&d, "printed.yaml", stderr);
		abort();
	}
	plan = print_plan(t);
	again = print_plan(&t2);
	if (strcmp(plan, again) != 0) {
		fprintf(stderr, "round trip changed the plan:\n%s---\n%s", plan, again);
		abort();
	}
	free(plan);
	free(again);
	free(yaml);
	topo_free(&t2);
}

static void check_catchment(const struct topo *t)
{
	long *pop = calloc(t->nnodes + 1, sizeof(*pop)), down;

	if (!pop)
		return;
	for (down = -1; down < (long)t->nnodes; down++) {
		if (down >= 0 && t->nodes[down].kind != TOPO_KIND_POP)
			continue;
		if (topo_catchment(t, down, pop) != 0)
			abort();
	}
	free(pop);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct topo_diags d = { 0 };
	struct topo t;
	FILE *sink;
	size_t i;
	int err;

	err = topo_load_buf("fuzz.yaml", (const char *)data, size, &t, &d);
	if (err == 0) {
		if (d.n)
			abort();
		check_round_trip(&t);
		check_catchment(&t);
		topo_free(&t);
		return 0;
	}
	if (err != -EINVAL && err != -ENOMEM)
		abort();
	/* A rejected file always says why, and where. */
	if (err == -EINVAL && d.n == 0)
		abort();
	for (i = 0; i < d.n; i++)
		if (!d.v[i].pos.line || !d.v[i].msg[0] ||
		    (i && (d.v[i].pos.line < d.v[i - 1].pos.line ||
			   (d.v[i].pos.line == d.v[i - 1].pos.line &&
			    d.v[i].pos.col < d.v[i - 1].pos.col))))
			abort();
	sink = fopen("/dev/null", "w");
	if (sink) {
		topo_diags_print(&d, "fuzz.yaml", sink);
		fclose(sink);
	}
	topo_diags_free(&d);
	return 0;
}

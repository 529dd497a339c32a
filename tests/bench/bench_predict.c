/*
 * Predictor benchmark: one topology file, the predictor built once, then
 * the prediction without what-ifs (both orders of events, as every
 * prediction runs) a number of times, and the whole catchment table
 * `check` prints (one prediction per POP down, plus the first).  Times
 * are wall clock and, in brackets, this process's CPU time.
 *
 *   bench_predict FILE [runs]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "topo/predict.h"
#include "topo/topo.h"

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct topo_diags d = { 0 };
	struct topo_predictor *p;
	struct topo_predict r;
	double *wall, *cpu, w0, c0;
	size_t i, routers = 0, pops = 0, runs = argc > 2 ? strtoul(argv[2], NULL, 10) : 11;
	struct topo t;
	FILE *null;
	int err;

	if (argc < 2 || !runs) {
		fprintf(stderr, "usage: bench_predict FILE [runs]\n");
		return 2;
	}
	err = topo_load_file(argv[1], &t, &d);
	topo_diags_free(&d);
	if (err) {
		fprintf(stderr, "bench_predict: %s: %s\n", argv[1], strerror(-err));
		return 1;
	}
	for (i = 0; i < t.nnodes; i++) {
		routers += t.nodes[i].kind != TOPO_KIND_USER;
		pops += t.nodes[i].kind == TOPO_KIND_POP;
	}
	wall = calloc(runs, sizeof(*wall));
	cpu = calloc(runs, sizeof(*cpu));
	null = fopen("/dev/null", "w");
	if (!wall || !cpu || !null || topo_predictor_new(&t, &p) < 0) {
		fprintf(stderr, "bench_predict: out of memory\n");
		return 1;
	}
	for (i = 0; i < runs; i++) {
		w0 = clock_s(CLOCK_MONOTONIC);
		c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
		if (topo_predict_run(p, NULL, &r) < 0) {
			fprintf(stderr, "bench_predict: out of memory\n");
			return 1;
		}
		wall[i] = clock_s(CLOCK_MONOTONIC) - w0;
		cpu[i] = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
		if (i + 1 < runs)
			topo_predict_free(&r);
	}
	qsort(wall, runs, sizeof(*wall), cmp_double);
	qsort(cpu, runs, sizeof(*cpu), cmp_double);
	printf("%zu routers, %zu links, %zu POPs: one prediction %.1f ms (CPU %.1f ms), median of %zu; %s, %zu decisions\n",
	       routers, t.nlinks, pops, wall[runs / 2] * 1e3, cpu[runs / 2] * 1e3,
	       runs, r.outcome == TOPO_PREDICT_STABLE ? "stable" :
	       r.outcome == TOPO_PREDICT_TIMING ? "depends on timing" :
	       "no stable outcome", r.activations);
	topo_predict_free(&r);
	topo_predictor_free(p);
	w0 = clock_s(CLOCK_MONOTONIC);
	c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	topo_print_catchment(&t, null);
	printf("check's catchment table (%zu predictions): %.1f ms (CPU %.1f ms)\n",
	       pops + 1, (clock_s(CLOCK_MONOTONIC) - w0) * 1e3,
	       (clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0) * 1e3);
	fclose(null);
	free(wall);
	free(cpu);
	topo_free(&t);
	return 0;
}

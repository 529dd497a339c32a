/*
 * `anycastlab failover POP`: the failover experiment (orch/failover.h),
 * its options, and its table: one line per run and user, then the
 * medians over the runs.
 */
#include "cli/cli.h"
#include "orch/failover.h"
#include "orch/live.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One median per user over the runs: as JSON members after json_open,
 * or as a text line. */
static void fo_medians(const struct topo *t, const size_t *nodes, size_t nu,
		       long runs, const double *v, const char *json_open,
		       const char *text_fmt)
{
	double col[100];
	size_t i;
	long run;

	if (json_open)
		printf("%s", json_open);
	else
		printf(text_fmt, runs, runs == 1 ? "" : "s");
	for (i = 0; i < nu; i++) {
		for (run = 0; run < runs; run++)
			col[run] = v[(size_t)run * nu + i];
		if (json_open)
			printf("%s\"%s\":%.3f", i ? "," : "", t->nodes[nodes[i]].name,
			       median(col, (size_t)runs));
		else
			printf(" %s %.1f ms", t->nodes[nodes[i]].name,
			       median(col, (size_t)runs));
	}
	if (!json_open)
		printf("\n");
}

int cli_failover(const struct cli_verb *v, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "mode", required_argument, NULL, 'm' },
		{ "runs", required_argument, NULL, 'r' },
		{ "interval", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ "probe", required_argument, NULL, 'p' },
		{ "lab", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char labname[TOPO_NAME_MAX + 1];
	enum probe_kind http = PROBE_HTTP;
	double *moved = NULL;
	const char *lab = NULL, *user = NULL;
	enum failover_mode mode = FAILOVER_KILL;
	struct failover f;
	double interval_ms = 1;
	size_t nodes[FAILOVER_MAX_USERS], nu, i;
	double *outage = NULL;
	long runs = 1, pop, run;
	bool json = false, all_ok = true;
	struct topo t;
	int c, rc, r = 0;
	char *end;

	while ((c = cli_getopt(v, argc, argv, "u:m:r:i:jp:l:h", opts, &rc)) != -1) {
		switch (c) {
		case CLI_OPT_EXIT:
			return rc;
		case 'p':
			if (cli_probe_kind(v->name, optarg, &http) < 0)
				return 2;
			break;
		case 'u': user = optarg; break;
		case 'm':
			if (failover_mode_parse(optarg, &mode) < 0)
				return cli_error(v->name, "--mode is one of kill, "
						 "withdraw, cut, freeze; not '%s'",
						 optarg), 2;
			break;
		case 'r':
			runs = strtol(optarg, &end, 10);
			if (*end || runs < 1 || runs > 100)
				return cli_error(v->name, "--runs takes 1 to 100, "
						 "not '%s'", optarg), 2;
			break;
		case 'i':
			interval_ms = strtod(optarg, &end);
			if (*end || !(interval_ms >= 0.1 && interval_ms <= 1000))
				return cli_error(v->name, "--interval takes milliseconds "
						 "from 0.1 to 1000, not '%s'", optarg), 2;
			break;
		case 'j': json = true; break;
		case 'l': lab = optarg; break;
		}
	}
	if (argc - optind != 1)
		return cli_error(v->name, "needs one POP: anycastlab failover POP"), 2;
	if (cli_lab_begin(v->name, lab, labname, sizeof(labname), &t))
		return 1;
	pop = cli_find_node(v->name, &t, argv[optind]);
	if (pop < 0)
		goto fail;
	if (t.nodes[pop].kind != TOPO_KIND_POP) {
		cli_error(v->name, "%s is not a POP", argv[optind]);
		goto fail;
	}
	if (http == PROBE_DNS && t.dns.off) {
		cli_error(v->name, "lab '%s' serves no DNS (dns: off)", labname);
		goto fail;
	}
	f = (struct failover){
		.lab = labname, .t = &t, .pop = (size_t)pop, .mode = mode,
		.probe = http, .interval_ns = (uint64_t)(interval_ms * 1e6),
	};
	nu = failover_users(&f, nodes);
	/* The users' addresses share a few /24s: more queries a second than
	 * the POPs' response-rate limit lets through would read as outages. */
	if (http == PROBE_DNS && t.dns.rate &&
	    (double)nu * 1000.0 / interval_ms > (double)t.dns.rate) {
		cli_error(v->name, "--probe dns: %zu user%s every %g ms is %.0f "
			  "queries/s, above the zone's rate limit of %u/s per /24, "
			  "so the limiter would drop probes; set dns: {rate-limit: 0} "
			  "in the file, or --interval %.0f or more", nu,
			  nu == 1 ? "" : "s", interval_ms,
			  (double)nu * 1000.0 / interval_ms, t.dns.rate,
			  (double)nu * 1000.0 / t.dns.rate + 0.5);
		goto fail;
	}
	if (user) {
		long ui = cli_find_node(v->name, &t, user);

		if (ui < 0)
			goto fail;
		for (i = 0; i < nu && nodes[i] != (size_t)ui; i++)
			;
		if (i == nu) {
			cli_error(v->name, "%s is not answered by %s now (see "
				  "'anycastlab ping %s')", user, argv[optind], user);
			goto fail;
		}
		nodes[0] = (size_t)ui;
		nu = 1;
	}
	if (!nu) {
		struct live_lab L;
		char faults[512] = "";

		if (live_load(labname, &L) == 0)
			live_faults(&L, faults, sizeof(faults));
		live_free(&L);
		if (faults[0])
			cli_error(v->name, "no user is answered by %s now: %s",
				  argv[optind], faults);
		else
			cli_error(v->name, "no user is answered by %s now (it is "
				  "nobody's nearest POP)", argv[optind]);
		goto fail;
	}
	outage = calloc(nu * (size_t)runs, sizeof(*outage));
	moved = calloc(nu * (size_t)runs, sizeof(*moved));
	if (!outage || !moved)
		goto fail;
	if (json)
		printf("{\"pop\":\"%s\",\"mode\":\"%s\",\"probe\":\"%s\","
		       "\"interval_ms\":%g,\"runs\":[", t.nodes[pop].name,
		       failover_mode_name(mode), http == PROBE_HTTP ? "http" :
		       http == PROBE_DNS ? "dns" : "icmp", interval_ms);
	else
		printf("failover of %s (%s), %ld run%s, probing every %g ms from %zu "
		       "user%s with %s\n"
		       "  MOVED: from the failure to the first answer of the next POP;"
		       " OUTAGE: no probe answered\n"
		       "  %-3s %-15s %-5s %-5s %-8s %10s %10s %6s %10s\n",
		       t.nodes[pop].name, failover_mode_name(mode), runs, runs == 1 ? "" : "s",
		       interval_ms, nu, nu == 1 ? "" : "s", cli_probe_what(http),
		       "RUN", "USER", "FROM", "TO", "EXPECTED", "MOVED", "OUTAGE",
		       "LOST", "BACK");
	for (run = 1; run <= runs; run++) {
		struct failover_user u[FAILOVER_MAX_USERS];
		const char *why;

		r = failover_run(&f, nodes, nu, u, &why);
		if (r < 0)
			break;
		if (why) {
			all_ok = false;
			if (!json)
				printf("  run %ld: %s in time\n", run, why);
		}
		for (i = 0; i < nu; i++) {
			const char *to = u[i].moved ? t.nodes[u[i].new_pop].name : "-";
			const char *ex = u[i].expect >= 0 ? t.nodes[u[i].expect].name : "-";
			char jto[24] = "null", jex[24] = "null";
			bool ok = u[i].moved && u[i].returned &&
				  (u[i].expect < 0 || u[i].expect == u[i].new_pop);

			if (!ok)
				all_ok = false;
			if (u[i].moved)
				snprintf(jto, sizeof(jto), "\"%s\"", to);
			if (u[i].expect >= 0)
				snprintf(jex, sizeof(jex), "\"%s\"", ex);
			outage[(size_t)(run - 1) * nu + i] = ms(u[i].outage_ns);
			moved[(size_t)(run - 1) * nu + i] = ms(u[i].moved_ns);
			if (json)
				printf("%s{\"run\":%ld,\"user\":\"%s\",\"from\":\"%s\","
				       "\"to\":%s,\"expected\":%s,\"ok\":%s,"
				       "\"moved_ms\":%.3f,\"outage_ms\":%.3f,\"lost\":%u,"
				       "\"back_ms\":%.3f}",
				       run == 1 && i == 0 ? "" : ",", run,
				       t.nodes[u[i].node].name, t.nodes[pop].name, jto, jex,
				       ok ? "true" : "false", ms(u[i].moved_ns),
				       ms(u[i].outage_ns), u[i].lost, ms(u[i].back_ns));
			else
				printf("  %-3ld %-15s %-5s %-5s %-8s %7.1f ms %7.1f ms %6u "
				       "%7.0f ms%s\n",
				       run, t.nodes[u[i].node].name, t.nodes[pop].name, to,
				       ex, ms(u[i].moved_ns), ms(u[i].outage_ns), u[i].lost,
				       ms(u[i].back_ns),
				       ok ? "" : u[i].moved && u[i].expect >= 0 &&
				       u[i].expect != u[i].new_pop ? "  UNEXPECTED POP" :
				       !u[i].moved ? "  DID NOT MOVE" : "  DID NOT COME BACK");
		}
		fflush(stdout);
		if (why)
			break;
	}
	fo_medians(&t, nodes, nu, runs, outage, json ? "],\"median_outage_ms\":{" :
		   NULL, "  median outage over %ld run%s:");
	fo_medians(&t, nodes, nu, runs, moved, json ? "},\"median_moved_ms\":{" :
		   NULL, "  median time to move over %ld run%s:");
	if (json)
		printf("},\"ok\":%s}\n", all_ok ? "true" : "false");
	free(outage);
	free(moved);
	topo_free(&t);
	return r < 0 || !all_ok ? 1 : 0;
fail:
	free(outage);
	free(moved);
	topo_free(&t);
	return 1;
}

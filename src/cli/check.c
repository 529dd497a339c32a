/*
 * `anycastlab check [FILE]`: load, validate and plan a topology; print the
 * plan, or every problem found.  Needs no privileges.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/*
 * The catchment the file predicts (topo_catchment: shortest AS path, as
 * BGP will choose): each user's nearest POP, and where it goes when any
 * one POP fails.  The format is the one world.yaml's header uses, so it
 * can be pasted there.  "tie" marks two POPs equally near: BGP then
 * breaks the tie by router id, and a small change could move the user.
 */
/* One table cell: padded, except the last of a line. */
static void cell(const char *s, bool last)
{
	printf(last ? " %s" : " %-4s", s);
}

static void print_catchment(const struct topo *t)
{
	size_t i, k, npop = 0, ties = 0, users = 0, last = 0;
	long *pop, **down;

	pop = calloc(t->nnodes + 1, sizeof(*pop));
	down = calloc(t->nnodes + 1, sizeof(*down));
	if (!pop || !down || topo_catchment(t, -1, pop) < 0)
		goto out;
	for (i = 0; i < t->nnodes; i++) {
		if (t->nodes[i].kind != TOPO_KIND_POP)
			continue;
		down[i] = calloc(t->nnodes, sizeof(**down));
		if (!down[i] || topo_catchment(t, (long)i, down[i]) < 0)
			goto out;
		npop++;
		last = i;
	}
	printf("\npredicted catchment (shortest AS path): each user's nearest POP,\n"
	       "and the POP that answers it when the POP atop a column is down\n"
	       "#   %-7s nearest |", "user");
	for (k = 0; k < t->nnodes; k++)
		if (down[k])
			cell(t->nodes[k].name, k == last);
	printf("\n");
	for (i = 0; i < t->nnodes; i++) {
		if (t->nodes[i].kind != TOPO_KIND_USER)
			continue;
		users++;
		printf("#   %-7s %-7s |", t->nodes[i].name,
		       pop[i] >= 0 ? t->nodes[pop[i]].name :
		       pop[i] == TOPO_CATCH_TIE ? "tie" : "-");
		ties += pop[i] == TOPO_CATCH_TIE;
		for (k = 0; k < t->nnodes; k++) {
			if (!down[k])
				continue;
			cell(down[k][i] >= 0 ? t->nodes[down[k][i]].name :
			     down[k][i] == TOPO_CATCH_TIE ? "tie" : "-", k == last);
			ties += down[k][i] == TOPO_CATCH_TIE;
		}
		printf("\n");
	}
	if (!users || !npop)
		printf("  (no %s)\n", users ? "POPs" : "users");
	else if (ties)
		printf("  %zu tie%s: BGP picks by router id there\n", ties,
		       ties == 1 ? "" : "s");
out:
	for (i = 0; down && i < t->nnodes; i++)
		free(down[i]);
	free(down);
	free(pop);
}

int cli_check(const struct cli_verb *v, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct topo_diags d = { 0 };
	struct topo t;
	const char *file;
	int c, rc, r;

	while ((c = cli_getopt(v, argc, argv, "h", opts, &rc)) != -1)
		if (c == CLI_OPT_EXIT)
			return rc;
	if (argc - optind > 1)
		return cli_error(v->name, "takes one FILE, got %d arguments",
				 argc - optind), 2;
	file = optind < argc ? argv[optind] : cli_default_topology();
	r = topo_load_file(file, &t, &d);
	if (r == -EINVAL) {
		topo_diags_print(&d, file, stderr);
		fprintf(stderr, "%s: %zu error%s\n", file, d.n, d.n == 1 ? "" : "s");
		topo_diags_free(&d);
		return 1;
	}
	topo_diags_free(&d);
	if (r < 0)
		return cli_error(v->name, "cannot read %s: %s", file, strerror(-r));
	topo_print_plan(&t, stdout);
	print_catchment(&t);
	topo_free(&t);
	return 0;
}

/*
 * `anycastlab check [FILE]`: load, validate and plan a topology; print the
 * plan, or every problem found.  Needs no privileges.
 */
#include "cli/cli.h"

#include <errno.h>
#include <string.h>

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
	topo_print_catchment(&t, stdout);
	topo_free(&t);
	return 0;
}

/*
 * `anycastlab check [FILE]`: load, validate and plan a topology; print the
 * plan, or every problem found.  Needs no privileges.
 */
#include "cli/cli.h"

int cli_check(const struct cli_verb *v, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct topo t;
	const char *file;
	int c, rc;

	while ((c = cli_getopt(v, argc, argv, "h", opts, &rc)) != -1)
		if (c == CLI_OPT_EXIT)
			return rc;
	if (argc - optind > 1)
		return cli_error(v->name, "takes one FILE, got %d arguments",
				 argc - optind), 2;
	file = optind < argc ? argv[optind] : cli_default_topology();
	if (cli_load_file(v->name, file, "", &t))
		return 1;
	topo_print_plan(&t, stdout);
	topo_print_catchment(&t, stdout);
	topo_free(&t);
	return 0;
}

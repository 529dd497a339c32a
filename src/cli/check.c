/*
 * `anycastlab check [FILE] [--down POP] [--prepend POP=N[@ISP]]
 * [--withdraw POP[@ISP]]`: load, validate and plan a topology; print the
 * plan and the catchment predicted under the what-ifs, or every problem
 * found.  Needs no privileges.
 */
#include "cli/cli.h"

int cli_check(const struct cli_verb *v, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "down", required_argument, NULL, 'd' },
		{ "prepend", required_argument, NULL, 'p' },
		{ "withdraw", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_whatifs wa = { .n = 0 };
	struct topo_whatif w;
	struct topo t;
	const char *file;
	int c, rc;

	while ((c = cli_getopt(v, argc, argv, "d:p:w:h", opts, &rc)) != -1) {
		if (c == CLI_OPT_EXIT)
			return rc;
		rc = cli_whatif_keep(v->name, &wa, c == 'd' ? TOPO_WHATIF_DOWN :
				     c == 'p' ? TOPO_WHATIF_PREPEND :
				     TOPO_WHATIF_WITHDRAW, optarg);
		if (rc)
			return rc;
	}
	if (argc - optind > 1)
		return cli_error(v->name, "takes one FILE, got %d arguments",
				 argc - optind), 2;
	file = optind < argc ? argv[optind] : cli_default_topology();
	if (cli_load_file(v->name, file, "", &t))
		return 1;
	rc = cli_whatif_parse(v->name, &t, &wa, &w);
	if (!rc) {
		topo_print_plan(&t, stdout);
		topo_print_prediction(&t, &w, stdout);
	}
	topo_free(&t);
	return rc;
}

/*
 * `anycastlab check [FILE] [--down POP] [--prepend POP=N[@ISP]]
 * [--withdraw POP[@ISP]]`: load, validate and plan a topology; print the
 * plan and the catchment predicted under the what-ifs, or every problem
 * found, among them what a router's daemon (BIRD, FRR) cannot do as the
 * topology asks.  Needs no privileges.
 */
#include "cli/cli.h"
#include "daemon/daemon.h"

#include <string.h>

/* Each router whose daemon cannot do what the file asks, as an error at
 * the node, like the file's own problems: 1 when there is any. */
static int check_daemons(const char *verb, const char *file,
			 const struct topo *t)
{
	struct topo_diags d = { .warnings = true };
	int n = daemon_check_topo(t, &d);

	if (n > 0)
		topo_diags_report(&d, file, TOPO_DIAGS_SHOWN, "", stderr);
	topo_diags_free(&d);
	if (n < 0)
		cli_error(verb, "%s", strerror(-n));
	return n != 0;
}

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
	if (check_daemons(v->name, file, &t)) {
		topo_free(&t);
		return 1;
	}
	rc = cli_whatif_parse(v->name, &t, &wa, &w);
	if (!rc) {
		topo_print_plan(&t, stdout);
		topo_print_prediction(&t, &w, stdout);
	}
	topo_free(&t);
	return rc;
}

/*
 * `anycastlab check [FILE]`: load, validate and plan a topology; print the
 * plan, or every problem found, among them what a router's daemon (BIRD,
 * FRR) cannot do as the topology asks.  Needs no privileges.
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
	if (check_daemons(v->name, file, &t)) {
		topo_free(&t);
		return 1;
	}
	topo_print_plan(&t, stdout);
	topo_print_catchment(&t, stdout);
	topo_free(&t);
	return 0;
}

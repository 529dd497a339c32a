/*
 * `anycastlab up [FILE] [--daemon D]` and `anycastlab down [LAB] [--all]`.
 */
#include "cli/cli.h"
#include "daemon/daemon.h"
#include "orch/orch.h"
#include "run/state.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int cli_up(const struct cli_verb *v, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "no-routers", no_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "daemon", required_argument, NULL, 'd' },
		{ "keep-on-failure", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct up_opts o = { .timeout_ms = 30000, .out = stdout };
	struct err e;
	struct topo t;
	int c, rc, r;
	char *end;

	while ((c = cli_getopt(v, argc, argv, "fnt:d:kh", opts, &rc)) != -1) {
		switch (c) {
		case CLI_OPT_EXIT:
			return rc;
		case 'd':
			/* Every kind but none: a lab-wide "bring your own"
			 * would leave no router to ask. */
			if (topo_daemon_parse(optarg, &o.daemon) < 0 ||
			    !daemon_kind_managed(o.daemon))
				return cli_error(v->name, "--daemon is builtin, bird or "
						 "frr, not '%s'", optarg), 2;
			break;
		case 'f':
			o.force = true;
			break;
		case 'n':
			o.no_routers = true;
			break;
		case 'k':
			o.keep_on_failure = true;
			break;
		case 't': {
			double s = strtod(optarg, &end);

			if (*end || s <= 0 || s > 3600)
				return cli_error(v->name, "--timeout takes seconds "
						 "(0 < SEC <= 3600), not '%s'", optarg), 2;
			o.timeout_ms = (unsigned)(s * 1000);
			break;
		}
		}
	}
	if (argc - optind > 1)
		return cli_error(v->name, "takes one FILE, got %d arguments",
				 argc - optind), 2;
	o.file = optind < argc ? argv[optind] : cli_default_topology();
	if (cli_load_file(v->name, o.file, "; nothing was changed", &t))
		return 1;
	if (!cli_privileged(v->name)) {
		topo_free(&t);
		return 1;
	}
	/* A node's own daemon: still wins over the lab-wide choice. */
	daemon_apply_default(&t, o.daemon);
	r = orch_up(&t, &o, &e);
	topo_free(&t);
	if (r < 0)
		printf("anycastlab: %s\n", e.msg);
	return r < 0 ? 1 : 0;
}

int cli_down(const struct cli_verb *v, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "lab", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char lab[TOPO_NAME_MAX + 1];
	const char *name = NULL;
	bool all = false, nothing;
	struct err e;
	int c, rc, r;

	while ((c = cli_getopt(v, argc, argv, "al:h", opts, &rc)) != -1) {
		if (c == CLI_OPT_EXIT)
			return rc;
		if (c == 'a')
			all = true;
		if (c == 'l')
			name = optarg;
	}
	if (argc - optind > 1 || (all && (argc - optind > 0 || name)) ||
	    (name && argc - optind > 0))
		return cli_error(v->name, "takes one LAB, or --all"), 2;
	if (!cli_privileged(v->name))
		return 1;
	if (all) {
		r = orch_down_all(stdout, &nothing, &e);
		if (r < 0)
			printf("anycastlab: %s\n", e.msg);
		if (nothing)
			printf("no lab is running; nothing to do\n");
		return r < 0 ? 1 : 0;
	}
	/* LAB, --lab LAB, $ANYCASTLAB_LAB, the only lab running: a lab
	 * that is not running is nothing to do, however it was named. */
	if (!name && optind < argc)
		name = argv[optind];
	if (!name && getenv("ANYCASTLAB_LAB") && *getenv("ANYCASTLAB_LAB"))
		name = getenv("ANYCASTLAB_LAB");
	if (name) {
		if (!topo_name_valid(name))
			return cli_bad_lab(v->name, name) + 1;
		snprintf(lab, sizeof(lab), "%s", name);
	} else {
		char **labs;
		size_t n;

		if (state_labs(&labs, &n) == 0 && n == 0) {
			printf("no lab is running; nothing to do\n");
			return 0;
		}
		if (n)
			state_labs_free(labs, n);
		if (cli_pick_lab(v->name, NULL, lab, sizeof(lab)) < 0)
			return 1;
	}
	r = orch_down(lab, stdout, &nothing, &e);
	if (r < 0)
		printf("anycastlab: %s\n", e.msg);
	if (nothing)
		printf("lab '%s' is not running; nothing to do\n", lab);
	return r < 0 ? 1 : 0;
}

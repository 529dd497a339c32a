/*
 * The failure verbs: kill/revive, withdraw/announce, cut/heal,
 * freeze/thaw.  Each acts on a running lab, prints what it did, and exits
 * non-zero with one clear line for an unknown node or the wrong kind of
 * node; asked for what is so already, it says so and exits 0.
 */
#include "cli/cli.h"
#include "orch/fault.h"
#include "run/state.h"

#include <errno.h>
#include <string.h>

static int fault_verb(const struct cli_verb *v, int argc, char **argv,
		      enum fault_verb fv)
{
	static const struct option opts[] = {
		{ "lab", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char labname[TOPO_NAME_MAX + 1];
	const char *lab = NULL;
	const char *name = v->name;
	unsigned nodes = fault_nodes(fv);
	struct fault_done done;
	struct err e;
	long a, b = -1;
	struct topo t;
	int c, rc, r;

	while ((c = cli_getopt(v, argc, argv, "l:h", opts, &rc)) != -1) {
		if (c == CLI_OPT_EXIT)
			return rc;
		if (c == 'l')
			lab = optarg;
	}
	if (argc - optind != (int)nodes)
		return cli_error(name, nodes == 2 ? "needs two nodes: anycastlab %s A B"
				 : "needs one node: anycastlab %s NODE", name), 2;
	if (cli_lab_begin(name, lab, labname, sizeof(labname), &t))
		return 1;
	a = cli_find_node(name, &t, argv[optind]);
	if (a >= 0 && nodes == 2)
		b = cli_find_node(name, &t, argv[optind + 1]);
	if (a < 0 || (nodes == 2 && b < 0)) {
		topo_free(&t);
		return 1;
	}
	r = fault_do(labname, &t, fv, (size_t)a, (size_t)(b < 0 ? 0 : b), &done,
		     &e);
	/* What watch --all names as the cause of what follows. */
	if (r == 0) {
		char what[64];

		snprintf(what, sizeof(what), "%s %s%s%s", name, argv[optind],
			 nodes == 2 ? " " : "", nodes == 2 ? argv[optind + 1] : "");
		state_event_add(labname, what);
	}
	topo_free(&t);
	/* Asking for what is so already is not an error: it says so, like
	 * `ip link set up` on a link that is up. */
	if (r < 0 && r != -EALREADY)
		return cli_error(name, "%s", e.msg);
	printf("%s\n", r < 0 ? e.msg : done.msg);
	return 0;
}

/* One handler per verb. */
int cli_kill(const struct cli_verb *v, int argc, char **argv)
{
	return fault_verb(v, argc, argv, FAULT_KILL);
}

int cli_revive(const struct cli_verb *v, int argc, char **argv)
{
	return fault_verb(v, argc, argv, FAULT_REVIVE);
}

int cli_withdraw(const struct cli_verb *v, int argc, char **argv)
{
	return fault_verb(v, argc, argv, FAULT_WITHDRAW);
}

int cli_announce(const struct cli_verb *v, int argc, char **argv)
{
	return fault_verb(v, argc, argv, FAULT_ANNOUNCE);
}

int cli_cut(const struct cli_verb *v, int argc, char **argv)
{
	return fault_verb(v, argc, argv, FAULT_CUT);
}

int cli_heal(const struct cli_verb *v, int argc, char **argv)
{
	return fault_verb(v, argc, argv, FAULT_HEAL);
}

int cli_freeze(const struct cli_verb *v, int argc, char **argv)
{
	return fault_verb(v, argc, argv, FAULT_FREEZE);
}

int cli_thaw(const struct cli_verb *v, int argc, char **argv)
{
	return fault_verb(v, argc, argv, FAULT_THAW);
}

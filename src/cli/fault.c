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
		      int nodes)
{
	static const struct option opts[] = {
		{ "lab", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char labname[TOPO_NAME_MAX + 1], msg[256];
	const char *lab = NULL;
	const char *name = v->name;
	long a, b = -1;
	struct topo t;
	int c, rc, r;

	while ((c = cli_getopt(v, argc, argv, "l:h", opts, &rc)) != -1) {
		if (c == CLI_OPT_EXIT)
			return rc;
		if (c == 'l')
			lab = optarg;
	}
	if (argc - optind != nodes)
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
	if (!strcmp(name, "kill"))
		r = fault_kill(labname, &t, (size_t)a, msg, sizeof(msg));
	else if (!strcmp(name, "revive"))
		r = fault_revive(labname, &t, (size_t)a, msg, sizeof(msg));
	else if (!strcmp(name, "withdraw") || !strcmp(name, "announce"))
		r = fault_announce(labname, &t, (size_t)a, name[0] == 'a', msg,
				   sizeof(msg));
	else if (!strcmp(name, "cut") || !strcmp(name, "heal"))
		r = fault_cut(labname, &t, (size_t)a, (size_t)b, name[0] == 'c',
			      msg, sizeof(msg));
	else
		r = fault_freeze(labname, &t, (size_t)a, name[0] == 'f', msg,
				 sizeof(msg));
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
		return cli_error(name, "%s", msg);
	printf("%s\n", msg);
	return 0;
}

int cli_fault1(const struct cli_verb *v, int argc, char **argv)
{
	return fault_verb(v, argc, argv, 1);
}

int cli_fault2(const struct cli_verb *v, int argc, char **argv)
{
	return fault_verb(v, argc, argv, 2);
}

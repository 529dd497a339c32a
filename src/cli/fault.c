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
#include <stdlib.h>
#include <string.h>

/* Neighbours one --to / --from may name. */
#define RIB_MAX_NAMES	64

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

/*
 * withdraw POP --from ISP..., announce POP --to ISP..., prepend POP N
 * [--to ISP...]: the announcement on some sessions.  Names may repeat the
 * option or come comma-separated.
 */
static int shape_verb(const struct cli_verb *v, int argc, char **argv,
		      enum daemon_shape_op op)
{
	static const struct option opts[] = {
		{ "lab", required_argument, NULL, 'l' },
		{ "to", required_argument, NULL, 't' },
		{ "from", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = v->name, *lab = NULL;
	const char *opt = op == DAEMON_SHAPE_WITHDRAW ? "--from" : "--to";
	char labname[TOPO_NAME_MAX + 1], *names[RIB_MAX_NAMES];
	size_t peers[RIB_MAX_NAMES], npeers = 0, nnames = 0, i;
	int want = op == DAEMON_SHAPE_PREPEND ? 2 : 1;
	struct daemon_shape sh = { .op = op };
	struct fault_done done;
	struct err e;
	struct topo t;
	long pop;
	int c, rc, r;

	while ((c = cli_getopt(v, argc, argv, "l:t:f:h", opts, &rc)) != -1) {
		char *save = NULL, *tok;

		if (c == CLI_OPT_EXIT)
			return rc;
		if (c == 'l') {
			lab = optarg;
			continue;
		}
		if ((c == 'f') != (op == DAEMON_SHAPE_WITHDRAW))
			return cli_error(name, "%s takes %s ISP, not %s", name, opt,
					 c == 'f' ? "--from" : "--to"), 2;
		for (tok = strtok_r(optarg, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if (nnames == RIB_MAX_NAMES)
				return cli_error(name, "%s: at most %d neighbours",
						 opt, RIB_MAX_NAMES), 2;
			names[nnames++] = tok;
		}
	}
	if (argc - optind != want)
		return cli_error(name, op == DAEMON_SHAPE_PREPEND ?
				 "needs a POP and a count: anycastlab prepend POP N [--to ISP]" :
				 "needs one node: anycastlab %s POP [%s ISP...]", name, opt), 2;
	if (op == DAEMON_SHAPE_PREPEND) {
		const char *n = argv[optind + 1];
		char *end;
		unsigned long x = strtoul(n, &end, 10);

		if (!*n || *end || n[0] == '-')
			return cli_error(name, "N '%s' is not a count; use 0..16 (0 removes the prepend)", n), 2;
		if (x > BGP_PREPEND_MAX)
			return cli_error(name, "N %s is out of range: use 0..16; a few copies already move every user a prepend can move, and longer paths are filtered by many networks", n), 2;
		sh.prepend = (unsigned)x;
	}
	if (cli_lab_begin(name, lab, labname, sizeof(labname), &t))
		return 1;
	pop = cli_find_node(name, &t, argv[optind]);
	for (i = 0; pop >= 0 && i < nnames; i++) {
		long q = topo_node_find(&t, names[i]);

		if (q < 0) {
			cli_error(name, "%s %s: no node '%s' in lab %s", opt,
				  names[i], names[i], labname);
			pop = -1;
			break;
		}
		if (!topo_link_find(&t, (size_t)pop, (size_t)q) ||
		    t.nodes[q].kind == TOPO_KIND_USER) {
			cli_error(name, "%s %s: %s is not a neighbour of %s", opt,
				  names[i], names[i], t.nodes[pop].name);
			pop = -1;
			break;
		}
		peers[npeers++] = (size_t)q;
	}
	if (pop < 0) {
		topo_free(&t);
		return 1;
	}
	sh.peers = peers;
	sh.npeers = npeers;
	r = fault_shape(labname, &t, (size_t)pop, &sh, &done, &e);
	if (r == 0) {
		char what[128];
		size_t o;

		o = (size_t)snprintf(what, sizeof(what), "%s %s", name, argv[optind]);
		if (op == DAEMON_SHAPE_PREPEND)
			o += (size_t)snprintf(what + o, sizeof(what) - o, " %u", sh.prepend);
		for (i = 0; i < nnames && o < sizeof(what); i++)
			o += (size_t)snprintf(what + o, sizeof(what) - o, " %s %s",
					      opt, names[i]);
		state_event_add(labname, what);
	}
	topo_free(&t);
	if (r < 0 && r != -EALREADY)
		return cli_error(name, "%s", e.msg);
	printf("%s\n", r < 0 ? e.msg : done.msg);
	return 0;
}

/* Whether a withdraw/announce command line names neighbours. */
static bool names_peers(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strncmp(argv[i], "--to", 4) || !strncmp(argv[i], "--from", 6))
			return true;
	return false;
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
	if (names_peers(argc, argv))
		return shape_verb(v, argc, argv, DAEMON_SHAPE_WITHDRAW);
	return fault_verb(v, argc, argv, FAULT_WITHDRAW);
}

int cli_announce(const struct cli_verb *v, int argc, char **argv)
{
	if (names_peers(argc, argv))
		return shape_verb(v, argc, argv, DAEMON_SHAPE_ANNOUNCE);
	return fault_verb(v, argc, argv, FAULT_ANNOUNCE);
}

int cli_prepend(const struct cli_verb *v, int argc, char **argv)
{
	return shape_verb(v, argc, argv, DAEMON_SHAPE_PREPEND);
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

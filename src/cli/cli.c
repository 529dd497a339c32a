/*
 * The verb table, `--help`, and dispatch.  Every verb has a one-line
 * summary, a usage block with an example, and a "did you mean" for typos
 * in its name and its options.
 */
#include "cli/cli.h"
#include "util/str.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <sys/capability.h>
#include <sys/stat.h>

static const struct cli_verb verbs[] = {
	{ "up", "build a lab and start its routers",
	  "up [FILE] [--force] [--no-routers] [--daemon D] [--timeout SEC]\n"
	  "   [--keep-on-failure]\n"
	  "  FILE          topology (default: the world lab, topologies/world.yaml)\n"
	  "  --force       replace a running lab of the same name\n"
	  "  --no-routers  namespaces, links and addresses only\n"
	  "  --daemon D    what every router runs unless its node says otherwise:\n"
	  "                builtin (anycastlab's own BGP speaker), bird (BIRD 2)\n"
	  "                or frr (FRR's zebra and bgpd)\n"
	  "  --timeout SEC how long to wait for BGP to converge (default 30)\n"
	  "  --keep-on-failure  keep a lab that did not converge (or whose wait\n"
	  "                was interrupted) for debugging; by default it is\n"
	  "                removed like one that failed to build",
	  "sudo anycastlab up topologies/world.yaml", cli_up, false },
	{ "down", "remove a lab and everything it created",
	  "down [LAB | --lab LAB] [--all]\n"
	  "  LAB     the lab to remove (default: $ANYCASTLAB_LAB, else the only\n"
	  "          running one); one that is not running is nothing to do\n"
	  "  --all   remove every lab, including ones left by a crash",
	  "sudo anycastlab down world", cli_down, false },
	{ "status", "show labs, nodes, links and their live state",
	  "status [LAB | --lab LAB] [--json]\n"
	  "  LAB     one lab (default: $ANYCASTLAB_LAB, else every running lab)\n"
	  "  --json  machine-readable output",
	  "sudo anycastlab status world --json", cli_status, false },
	{ "check", "validate a topology file and print its plan",
	  "check [FILE] [--down POP] [--prepend POP=N[@ISP]] [--withdraw POP[@ISP]]\n"
	  "  FILE          topology (default: the world lab); no root needed\n"
	  "  --down POP    predict the catchment with POP down\n"
	  "  --prepend POP=N[@ISP]\n"
	  "                N extra copies (0..16) of POP's AS on all its\n"
	  "                sessions, or only on the one toward ISP\n"
	  "  --withdraw POP[@ISP]\n"
	  "                POP announces nothing, or nothing to ISP\n"
	  "                (each of the three may repeat; they add up)",
	  "anycastlab check topologies/world.yaml --prepend syd=2", cli_check, false },
	{ "graph", "draw a lab and its catchment (Graphviz DOT or Mermaid)",
	  "graph [FILE] [--down POP] [--prepend POP=N[@ISP]] [--withdraw POP[@ISP]] [--format F]\n"
	  "graph --lab LAB [--format dot|mermaid]\n"
	  "  FILE          topology (default: the world lab); the catchment\n"
	  "                drawn is the one predicted by BGP with the file's\n"
	  "                routing policy (shortest AS path when it has none)\n"
	  "  --down POP, --prepend POP=N[@ISP], --withdraw POP[@ISP]\n"
	  "                predict it with these changes, as check does\n"
	  "  --lab LAB     draw a running lab as its routers see it now:\n"
	  "                failed routers grey, cut links red\n"
	  "  --format F    dot (default; render with 'dot -Tsvg') or mermaid",
	  "anycastlab graph --down syd | dot -Tsvg > world.svg", cli_graph, false },
	{ "exec", "run a command inside a node's namespace",
	  "exec NODE [--lab LAB] -- CMD [ARGS...]\n"
	  "  exits with the command's exit status, like 'ip netns exec'",
	  "sudo anycastlab exec u-syd -- ip route", cli_exec, false },
	{ "routes", "show a router's best paths, and why each won",
	  "routes NODE [--lab LAB] [--adj-in PEER] [--json]\n"
	  "  NODE           an ISP or POP\n"
	  "  --adj-in PEER  the paths PEER sent (Adj-RIB-In), rejected ones too\n"
	  "  --json         machine-readable output",
	  "sudo anycastlab routes telstra", cli_routes, false },
	{ "ping", "ping the anycast address from a user; see which POP answers",
	  "ping USER [-c COUNT] [-i SECONDS] [--lab LAB]\n"
	  "ping --all [-c COUNT] [-i SECONDS] [--lab LAB]\n"
	  "  --all  every user at once, one line each: POP, RTT, hops\n"
	  "  every reply names the POP that answered and the hops the echo\n"
	  "  took, read from its record-route option",
	  "sudo anycastlab ping u-syd -c 3", cli_ping, false },
	{ "curl", "fetch http://104.16.0.1/ from a user; see which POP served it",
	  "curl USER [PATH] [--lab LAB]\n"
	  "curl --all [PATH] [--lab LAB]   every user, one line each\n"
	  "  --name NAME  resolve NAME through the lab's DNS first (from the\n"
	  "               user), say which POP answered, then GET http://NAME/\n"
	  "  prints the status, X-Served-By (the POP) and the time taken",
	  "sudo anycastlab curl u-syd", cli_curl, false },
	{ "dig", "ask the lab's anycast DNS from a user; see which POP answered",
	  "dig USER [NAME] [TYPE] [--tcp] [--json] [--lab LAB]\n"
	  "dig --all [NAME] [TYPE] [--tcp] [--json] [--lab LAB]\n"
	  "  NAME defaults to the lab's zone, TYPE to A; id.server and\n"
	  "  hostname.bind are asked as CH TXT.  The query asks for the NSID,\n"
	  "  which names the POP that answered; a truncated answer is asked\n"
	  "  again over TCP.  --all: every user at once, one line each",
	  "sudo anycastlab dig u-syd", cli_dig, false },
	{ "watch", "probe continuously and report every change of POP and outage",
	  "watch USER|--all [--interval MS] [--probe http|dns|icmp] [--json] [--lab LAB]\n"
	  "  --all          every user at once; each change names the failure\n"
	  "                 verb carried out just before it, as its likely cause\n"
	  "  --interval MS  time between probes (default 10)\n"
	  "  --probe P      http (default): GET http://104.16.0.1/, answered by\n"
	  "                 the POP's web server, so a frozen or killed POP is\n"
	  "                 an outage, as a browser sees it; icmp: echoes, which\n"
	  "                 a frozen or killed POP's kernel still answers until\n"
	  "                 BGP moves the traffic\n"
	  "  --json         one JSON object per event",
	  "sudo anycastlab watch u-syd --interval 1", cli_watch, false },
	{ "failover", "measure how long users of a POP are cut off when it fails",
	  "failover POP [--user USER] [--mode kill|withdraw|cut|freeze] [--runs N]\n"
	  "         [--interval MS] [--probe http|dns|icmp] [--json] [--lab LAB]\n"
	  "  --probe P  http (default), dns (NSID names the POP) or icmp, as\n"
	  "             for watch; MOVED is the time\n"
	  "             from the failure to the next POP's first answer, OUTAGE\n"
	  "             the time no probe was answered\n"
	  "  probes every user of POP (or USER), fails the POP, measures each\n"
	  "  user's outage until its next POP answers, restores the POP and\n"
	  "  checks that the users come back",
	  "sudo anycastlab failover syd --mode kill --runs 5", cli_failover, false },
	{ "kill", "crash a router (SIGKILL); its peers see the session die",
	  "kill NODE [--lab LAB]", "sudo anycastlab kill syd", cli_kill, false },
	{ "revive", "start a killed router again",
	  "revive NODE [--lab LAB]", "sudo anycastlab revive syd", cli_revive, false },
	{ "withdraw", "have a POP withdraw the anycast prefix (graceful), from every neighbour or some",
	  "withdraw POP [--from ISP]... [--lab LAB]", "sudo anycastlab withdraw syd --from telstra", cli_withdraw, false },
	{ "announce", "have a POP announce the anycast prefix again, to every neighbour or some",
	  "announce POP [--to ISP]... [--lab LAB]", "sudo anycastlab announce syd --to telstra", cli_announce, false },
	{ "prepend", "have a POP prepend its AS N more times, toward every neighbour or some (0 removes it)",
	  "prepend POP N [--to ISP]... [--lab LAB]", "sudo anycastlab prepend syd 2 --to telstra", cli_prepend, false },
	{ "cut", "cut the link between two nodes (both ends lose carrier)",
	  "cut A B [--lab LAB]", "sudo anycastlab cut telstra syd", cli_cut, false },
	{ "heal", "bring a cut link back",
	  "heal A B [--lab LAB]", "sudo anycastlab heal telstra syd", cli_heal, false },
	{ "freeze", "stop a router (SIGSTOP) with its links up: only hold timers notice",
	  "freeze NODE [--lab LAB]", "sudo anycastlab freeze syd", cli_freeze, false },
	{ "thaw", "let a frozen router run again (SIGCONT)",
	  "thaw NODE [--lab LAB]", "sudo anycastlab thaw syd", cli_thaw, false },
	{ "router", "the BGP speaker of one node (started by up and revive)",
	  "router --lab LAB --node NODE [--sync FD] [--lab-start] [--http-only]",
	  "sudo anycastlab router --lab world --node syd", cli_router, true },
};

#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

static void cli_help(FILE *f)
{
	size_t i;

	fputs("usage: anycastlab VERB [ARGS...]\n\n"
	      "Build a small Internet of network namespaces where six CDN POPs\n"
	      "share one anycast address, and watch BGP route every user to the\n"
	      "nearest one.\n\nverbs:\n", f);
	for (i = 0; i < NVERBS; i++)
		if (!verbs[i].hidden)
			fprintf(f, "  %-10s %s\n", verbs[i].name, verbs[i].summary);
	fputs("\n'anycastlab VERB --help' shows a verb's options and an example.\n",
	      f);
}

/* roff text: a backslash is \e, a '.' or '\'' opening a line is
 * escaped, and '-' is \- so options copy and paste as ASCII. */
static void man_text(const char *s, bool line_start, FILE *f)
{
	for (; *s; s++) {
		if (line_start && (*s == '.' || *s == '\''))
			fputs("\\&", f);
		line_start = *s == '\n';
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
	}
}

/*
 * `anycastlab help --man`: the manual page, written from the verb table
 * at build time (meson runs it), so it lists what the binary does.
 */
static void cli_man(FILE *f)
{
	size_t i;

	fprintf(f, ".\\\" Generated by 'anycastlab help --man' from the verb table; do not edit.\n"
		".TH ANYCASTLAB 1 \"\" \"anycastlab %s\" \"User Commands\"\n"
		".SH NAME\nanycastlab \\- anycast in a lab of network namespaces, with BGP\n"
		".SH SYNOPSIS\n.B anycastlab\n.I VERB\n.RI [ ARGS ...]\n"
		".br\n.B anycastlab\n.IR VERB \" \" \\-\\-help\n"
		".SH DESCRIPTION\n"
		"anycastlab builds a small Internet inside one Linux machine: users, ISP\n"
		"routers and CDN POPs, each in its own network namespace, joined by veth\n"
		"links.  Every POP holds the same anycast address and announces its prefix\n"
		"over BGP; each ISP keeps the shortest AS path, so each user reaches its\n"
		"nearest POP.  Every ISP and POP runs a BGP speaker as a real process\n"
		"(anycastlab's own, or BIRD 2 or FRR), so killing one is a real crash.\n"
		".PP\n"
		"Verbs that act on a running lab take\n.BR \\-\\-lab \" \" \\fILAB\\fR,\n"
		"default to\n.BR ANYCASTLAB_LAB ,\nand otherwise to the only running lab.\n"
		"Everything but\n.B check\nand\n.B graph\nof a file needs root\n"
		"(CAP_SYS_ADMIN and CAP_NET_ADMIN).\n"
		".SH VERBS\n", ANYCASTLAB_VERSION);
	for (i = 0; i < NVERBS; i++) {
		const struct cli_verb *v = &verbs[i];
		const char *line, *end;
		bool opts = false;

		if (v->hidden)
			continue;
		/* Usage lines that start in column 0 are synopses, the
		 * indented ones options, kept as aligned as on a terminal. */
		fputs(".TP\n", f);
		for (line = v->usage; *line; line = *end ? end + 1 : end) {
			char buf[256];
			size_t n;

			end = strchr(line, '\n');
			if (!end)
				end = line + strlen(line);
			n = (size_t)(end - line) < sizeof(buf) - 1 ?
			    (size_t)(end - line) : sizeof(buf) - 1;
			memcpy(buf, line, n);
			buf[n] = '\0';
			if (buf[0] != ' ') {
				fputs(line == v->usage ? "" : ".br\n", f);
				fputs(".B anycastlab ", f);
				man_text(buf, false, f);
				fputc('\n', f);
				continue;
			}
			if (!opts) {
				fputs(".br\n", f);
				man_text(v->summary, true, f);
				fputs(".\n.nf\n", f);
				opts = true;
			}
			man_text(buf + 2, true, f);
			fputc('\n', f);
		}
		if (opts)
			fputs(".fi\n", f);
		else {
			fputs(".br\n", f);
			man_text(v->summary, true, f);
			fputs(".\n", f);
		}
		fputs(".br\nExample:\n.B ", f);
		man_text(v->example, false, f);
		fputc('\n', f);
	}
	fputs(".SH TOPOLOGY FILES\n"
	      "A lab is described in YAML: a\n.B name\n"
	      "and\n.B nodes\n(each of kind pop, isp or user), and\n.BR links .\n"
	      "The world lab,\n.IR world.yaml ,\n"
	      "is the default when a verb takes a FILE and none is given.\n"
	      ".B anycastlab check\n"
	      "validates a file without root: it prints every error and warning as\n"
	      ".IR file : line : col :,\n"
	      "then the plan and the catchment each user will see.\n"
	      ".SH ENVIRONMENT\n"
	      ".TP\n.B ANYCASTLAB_LAB\nthe lab a verb acts on when it names none\n"
	      ".TP\n.B ANYCASTLAB_BIRD\nthe bird program to run for routers with daemon: bird\n"
	      ".TP\n.B ANYCASTLAB_FRR_DIR\nwhere zebra and bgpd are, for routers with daemon: frr\n"
	      ".SH FILES\n"
	      ".TP\n.I /run/anycastlab/LAB/\n"
	      "a running lab's state: its topology, a journal of what it made, and per\n"
	      "router a log, a pid file and a control socket\n"
	      ".TP\n.I " ANYCASTLAB_DATADIR "/topologies/world.yaml\n"
	      "the world lab (also looked for in ../share/anycastlab next to the binary)\n"
	      ".SH EXIT STATUS\n"
	      "0 on success, 1 when the verb failed, 2 for a usage error.\n"
	      ".SH SEE ALSO\n"
	      ".BR ip-netns (8),\n.BR bird (8),\n.BR bgpd (8)\n", f);
}

static void cli_usage(const struct cli_verb *v, FILE *f)
{
	const char *line = v->usage, *nl;
	bool first = true;
	int len;

	/* Each synopsis line (one that does not start with a space) names
	 * the program; option lines are indented. */
	while (*line) {
		nl = strchr(line, '\n');
		len = nl ? (int)(nl - line) : (int)strlen(line);
		if (line[0] == ' ')
			fprintf(f, "%.*s\n", len, line);
		else
			fprintf(f, "%s anycastlab %.*s\n", first ? "usage:" : "      ",
				len, line);
		first = false;
		line += len + (nl ? 1 : 0);
	}
	/* Root's prompt for what needs root, as on a fresh root shell. */
	if (!strncmp(v->example, "sudo ", 5))
		fprintf(f, "\n%s.\n\nexample (as root):\n  # %s\n", v->summary,
			v->example + 5);
	else
		fprintf(f, "\n%s.\n\nexample:\n  $ %s\n", v->summary, v->example);
}

int cli_error(const char *verb, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "anycastlab%s%s: ", verb ? " " : "", verb ? verb : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int cli_getopt(const struct cli_verb *v, int argc, char **argv,
	       const char *shortopts, const struct option *longopts, int *rc)
{
	const char *names[32];
	const char *bad, *hint;
	char spec[64];
	size_t n = 0;
	int c, i;

	/* ':' reports a missing value; '+' (stop at the first non-option)
	 * only works as the very first character. */
	if (shortopts[0] == '+')
		snprintf(spec, sizeof(spec), "+:%s", shortopts + 1);
	else
		snprintf(spec, sizeof(spec), ":%s", shortopts);
	opterr = 0;
	c = getopt_long(argc, argv, spec, longopts, NULL);
	if (c != '?' && c != ':') {
		if (c == 'h') {
			cli_usage(v, stdout);
			*rc = 0;
			return CLI_OPT_EXIT;
		}
		return c;
	}
	bad = argv[optind - 1];
	if (c == ':') {
		cli_error(v->name, "option '%s' needs a value", bad);
		*rc = 2;
		return CLI_OPT_EXIT;
	}
	for (i = 0; longopts && longopts[i].name && n < 32; i++)
		names[n++] = longopts[i].name;
	hint = NULL;
	if (!strncmp(bad, "--", 2)) {
		char word[64];

		snprintf(word, sizeof(word), "%s", bad + 2);
		word[strcspn(word, "=")] = '\0';
		hint = str_suggest(word, names, n);
	}
	if (hint)
		cli_error(v->name, "unknown option '%s' (did you mean '--%s'?)",
			  bad, hint);
	else
		cli_error(v->name, "unknown option '%s'; see 'anycastlab %s --help'",
			  bad, v->name);
	*rc = 2;
	return CLI_OPT_EXIT;
}

bool cli_privileged(const char *verb)
{
	cap_flag_value_t admin = CAP_CLEAR, net = CAP_CLEAR;
	cap_t caps = cap_get_proc();

	if (caps) {
		cap_get_flag(caps, CAP_SYS_ADMIN, CAP_EFFECTIVE, &admin);
		cap_get_flag(caps, CAP_NET_ADMIN, CAP_EFFECTIVE, &net);
		cap_free(caps);
	}
	if (admin == CAP_SET && net == CAP_SET)
		return true;
	cli_error(verb, "needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN, to manage "
		  "network namespaces): run 'anycastlab %s' as root", verb);
	return false;
}

mode_t cli_caller_umask;

int cli_main(int argc, char **argv)
{
	const char *names[NVERBS], *hint;
	size_t i, n = 0;

	/* Whatever the caller's umask, what a lab writes as root (state,
	 * journal, logs, control sockets) is root's alone. */
	cli_caller_umask = umask(077);

	/* `anycastlab --lab X VERB ...` is `ANYCASTLAB_LAB=X anycastlab VERB
	 * ...`: the lab every verb then acts on unless it names another. */
	while (argc >= 2 && (!strcmp(argv[1], "--lab") ||
			     !strncmp(argv[1], "--lab=", 6))) {
		const char *lab = argv[1][5] == '=' ? argv[1] + 6 : argv[2];

		if (!lab) {
			cli_error(NULL, "option '--lab' needs a value");
			return 2;
		}
		setenv("ANYCASTLAB_LAB", lab, 1);
		argc -= argv[1][5] == '=' ? 1 : 2;
		argv += argv[1][5] == '=' ? 1 : 2;
	}
	if (argc < 2) {
		cli_help(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "help") && argc == 3 && !strcmp(argv[2], "--man")) {
		cli_man(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		cli_help(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("anycastlab %s\n", ANYCASTLAB_VERSION);
		return 0;
	}
	for (i = 0; i < NVERBS; i++) {
		if (!strcmp(argv[1], verbs[i].name))
			return verbs[i].run(&verbs[i], argc - 1, argv + 1);
		if (!verbs[i].hidden)
			names[n++] = verbs[i].name;
	}
	hint = str_suggest(argv[1], names, n);
	if (argv[1][0] == '-')
		cli_error(NULL, "unknown option '%s'; see 'anycastlab --help'",
			  argv[1]);
	else if (hint)
		cli_error(NULL, "unknown verb '%s' (did you mean '%s'?)", argv[1],
			  hint);
	else
		cli_error(NULL, "unknown verb '%s'; see 'anycastlab --help'",
			  argv[1]);
	return 2;
}

/*
 * Command-line front end: the verb table, argument parsing and help, and
 * the helpers every verb shares (lab and node lookup, privilege check).
 */
#ifndef ANYCASTLAB_CLI_CLI_H
#define ANYCASTLAB_CLI_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "topo/predict.h"
#include "topo/topo.h"

int cli_main(int argc, char **argv);
/* The umask anycastlab was started with; it runs with 077, and gives the
 * caller's back to the commands `exec` runs. */
extern mode_t cli_caller_umask;

struct cli_verb {
	const char *name;
	const char *summary;	/* one line for `anycastlab --help` */
	const char *usage;	/* synopsis and options */
	const char *example;	/* one example command line */
	int (*run)(const struct cli_verb *v, int argc, char **argv);
	bool hidden;		/* internal verbs (router) */
};

/*
 * getopt_long over argv for verb v, with "did you mean" for unknown
 * options and --help handled.  Returns the option, -1 at the end, or
 * CLI_OPT_EXIT with *rc set (help printed: 0; bad option: 2).
 */
#define CLI_OPT_EXIT	(-2)
int cli_getopt(const struct cli_verb *v, int argc, char **argv,
	       const char *shortopts, const struct option *longopts, int *rc);

/* One clear line and false when we lack CAP_SYS_ADMIN / CAP_NET_ADMIN. */
bool cli_privileged(const char *verb);
/* Print "anycastlab VERB: <msg>" to stderr; returns 1 (the exit code). */
int cli_error(const char *verb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "'x' is not a lab name (...)" on stderr; returns 1. */
int cli_bad_lab(const char *verb, const char *lab);
/* The lab a verb acts on: lab if given (it must be a valid name), else
 * the only running one. */
int cli_pick_lab(const char *verb, const char *lab, char *buf, size_t n);
/* Load a running lab's saved topology, or explain why not (returns 1). */
int cli_load_lab(const char *verb, const char *lab, struct topo *t);
/* What every verb acting on a running lab does first: check privileges,
 * pick the lab (--lab, $ANYCASTLAB_LAB, the only one running), load its
 * saved topology.  0, or 1 after one line on stderr. */
int cli_lab_begin(const char *verb, const char *lab, char *name, size_t n,
		  struct topo *t);
/* Index of node name in t, or -1 after printing an error with the
 * closest name. */
long cli_find_node(const char *verb, const struct topo *t, const char *name);
/* Load, validate and plan a topology file: 0 (after printing any
 * warnings), or 1 after printing the first TOPO_DIAGS_SHOWN problems and
 * how many more ("FILE: N errors" then after), or why it cannot be read. */
int cli_load_file(const char *verb, const char *file, const char *after,
		  struct topo *t);
/*
 * What-if options (--down POP, --prepend POP=N[@ISP], --withdraw
 * POP[@ISP]) as given, kept until the topology they name is loaded.
 */
#define CLI_WHATIF_MAX	(3 * TOPO_WHATIF_MAX)
struct cli_whatifs {
	enum topo_whatif_kind kind[CLI_WHATIF_MAX];
	const char *arg[CLI_WHATIF_MAX];
	size_t n;
};
/* Keep one: 0, or 2 (the exit code) after an error line. */
int cli_whatif_keep(const char *verb, struct cli_whatifs *a,
		    enum topo_whatif_kind k, const char *arg);
/* Parse them all against t into w: 0, or 2 after one line for each bad
 * value, naming the option and the value. */
int cli_whatif_parse(const char *verb, const struct topo *t,
		     const struct cli_whatifs *a, struct topo_whatif *w);
/* The default topology file (world.yaml next to the binary, or installed). */
const char *cli_default_topology(void);

/* The namespace of a user, open (an fd), its node index in *idx; -1
 * after an error line for a node that is not a user. */
int cli_user_netns(const char *verb, const struct topo *t, const char *user,
		   long *idx);
/* GET http://dst/path from the namespace behind nsfd: the response's
 * length in buf, or -errno; *elapsed in ns. */
long cli_http_get(int nsfd, uint32_t dst, const char *path, char *buf,
		  size_t cap, uint64_t *elapsed);
/* The same with a Host header of host (NULL: the address). */
long cli_http_get_host(int nsfd, uint32_t dst, const char *host,
		       const char *path, char *buf, size_t cap,
		       uint64_t *elapsed);
/* A DNS answer from cli_dns_ask. */
#include "dns/client.h"
struct cli_dns_answer {
	struct dns_reply reply;		/* the POP's name in reply.nsid */
	uint64_t rtt_ns;
	bool tcp;			/* the answer came over TCP */
	bool retried_tcp;		/* ... after a truncated UDP one */
};
/* Ask dst for name (type, class; NSID asked) from the namespace behind
 * nsfd: over UDP (twice, 1 s each), over TCP when truncated or tcp.
 * 0 with *a filled in; -errno (-ETIMEDOUT, -ECONNREFUSED, -EBADMSG). */
int cli_dns_ask(int nsfd, uint32_t dst, const char *name, uint16_t qtype,
		uint16_t qclass, bool tcp, struct cli_dns_answer *a);
/* --probe http|icmp into *http; -EINVAL after an error line. */
#include "net/probe.h"
int cli_probe_kind(const char *verb, const char *arg, enum probe_kind *k);
/* One line on what a probe kind sees, for the verbs' headers. */
const char *cli_probe_what(enum probe_kind k);

/* ts as RFC 3339 local time with its zone, "2026-12-02T05:39:05.292+00:00"
 * (milliseconds when ms). */
struct timespec;
const char *cli_rfc3339(const struct timespec *ts, bool ms, char *buf,
			size_t n);
/* JSON string with escapes. */
void cli_json_str(FILE *f, const char *s);
/* An AS path as a JSON array of numbers ("9498 13335" -> [9498,13335];
 * "" -> []). */
void cli_json_aspath(FILE *f, const char *path);
/* Hops "telstra > syd" as a JSON array of node names. */
void cli_json_hops(FILE *f, const char *hops);

/* Verbs. */
int cli_check(const struct cli_verb *v, int argc, char **argv);
int cli_graph(const struct cli_verb *v, int argc, char **argv);
int cli_up(const struct cli_verb *v, int argc, char **argv);
int cli_down(const struct cli_verb *v, int argc, char **argv);
int cli_status(const struct cli_verb *v, int argc, char **argv);
int cli_exec(const struct cli_verb *v, int argc, char **argv);
int cli_dig(const struct cli_verb *v, int argc, char **argv);
int cli_router(const struct cli_verb *v, int argc, char **argv);
int cli_routes(const struct cli_verb *v, int argc, char **argv);
int cli_kill(const struct cli_verb *v, int argc, char **argv);
int cli_revive(const struct cli_verb *v, int argc, char **argv);
int cli_withdraw(const struct cli_verb *v, int argc, char **argv);
int cli_announce(const struct cli_verb *v, int argc, char **argv);
int cli_prepend(const struct cli_verb *v, int argc, char **argv);
int cli_cut(const struct cli_verb *v, int argc, char **argv);
int cli_heal(const struct cli_verb *v, int argc, char **argv);
int cli_freeze(const struct cli_verb *v, int argc, char **argv);
int cli_thaw(const struct cli_verb *v, int argc, char **argv);
int cli_ping(const struct cli_verb *v, int argc, char **argv);
int cli_watch(const struct cli_verb *v, int argc, char **argv);
int cli_failover(const struct cli_verb *v, int argc, char **argv);
int cli_curl(const struct cli_verb *v, int argc, char **argv);

#endif

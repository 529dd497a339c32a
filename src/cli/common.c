/*
 * Helpers shared by the verbs: which lab, which node, which topology file.
 */
#include "cli/cli.h"
#include "net/netns.h"
#include "run/state.h"
#include "util/str.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int cli_bad_lab(const char *verb, const char *lab)
{
	return cli_error(verb, "'%s' is not a lab name (a-z, 0-9 and '-', a "
			 "letter first, at most %d characters)", lab,
			 TOPO_NAME_MAX);
}

int cli_pick_lab(const char *verb, const char *lab, char *buf, size_t n)
{
	char **v, list[512] = "";
	size_t k, i;
	int r;

	/* --lab, else $ANYCASTLAB_LAB, else the only running lab. */
	if (!lab && getenv("ANYCASTLAB_LAB") && *getenv("ANYCASTLAB_LAB"))
		lab = getenv("ANYCASTLAB_LAB");
	if (lab) {
		if (!topo_name_valid(lab))
			return cli_bad_lab(verb, lab), -EINVAL;
		if (!state_exists(lab)) {
			const char *hint = NULL;

			if (state_labs(&v, &k) == 0) {
				hint = str_suggest(lab, (const char *const *)v, k);
				if (hint)
					cli_error(verb, "no lab '%s' is running (did you "
						  "mean '%s'?)", lab, hint);
				state_labs_free(v, k);
			}
			if (!hint)
				cli_error(verb, "no lab '%s' is running", lab);
			return -ENOENT;
		}
		snprintf(buf, n, "%s", lab);
		return 0;
	}
	r = state_labs(&v, &k);
	if (r < 0)
		return cli_error(verb, "cannot list labs: %s", strerror(-r)), r;
	if (k == 1) {
		snprintf(buf, n, "%s", v[0]);
		r = 0;
	} else if (k == 0) {
		cli_error(verb, "no lab is running (start one with 'sudo anycastlab up')");
		r = -ENOENT;
	} else {
		for (i = 0; i < k; i++) {
			strncat(list, i ? ", " : "", sizeof(list) - strlen(list) - 1);
			strncat(list, v[i], sizeof(list) - strlen(list) - 1);
		}
		cli_error(verb, "%zu labs are running (%s); say which with --lab "
			  "or ANYCASTLAB_LAB", k, list);
		r = -EEXIST;
	}
	state_labs_free(v, k);
	return r;
}

int cli_load_lab(const char *verb, const char *lab, struct topo *t)
{
	int r = state_load_topology(lab, t);

	if (r < 0)
		return cli_error(verb, "lab '%s': cannot load its saved topology "
				 "(%s/%s/topology.yaml): %s", lab, STATE_ROOT, lab,
				 strerror(-r));
	return 0;
}

long cli_find_node(const char *verb, const struct topo *t, const char *name)
{
	const char **names;
	const char *hint;
	long i = topo_node_find(t, name);
	size_t k;

	if (i >= 0)
		return i;
	names = calloc(t->nnodes ? t->nnodes : 1, sizeof(*names));
	if (names) {
		for (k = 0; k < t->nnodes; k++)
			names[k] = t->nodes[k].name;
		hint = str_suggest(name, names, t->nnodes);
		free(names);
		if (hint) {
			cli_error(verb, "lab '%s' has no node '%s' (did you mean '%s'?)",
				  t->name, name, hint);
			return -1;
		}
	}
	cli_error(verb, "lab '%s' has no node '%s'", t->name, name);
	return -1;
}

int cli_load_file(const char *verb, const char *file, const char *after,
		  struct topo *t)
{
	struct topo_diags d = { .warnings = true };
	int r = topo_load_file(file, t, &d);

	/* Errors stop the verb; warnings alone are printed and it goes on.
	 * A file of 100000 mistakes shows the first few and the count. */
	if (r == 0 || r == -EINVAL)
		topo_diags_report(&d, file, TOPO_DIAGS_SHOWN, after, stderr);
	topo_diags_free(&d);
	if (r < 0 && r != -EINVAL)
		cli_error(verb, "cannot read %s: %s", file, strerror(-r));
	return r < 0;
}

static const char *whatif_opt(enum topo_whatif_kind k)
{
	switch (k) {
	case TOPO_WHATIF_DOWN:		return "--down";
	case TOPO_WHATIF_PREPEND:	return "--prepend";
	case TOPO_WHATIF_WITHDRAW:	return "--withdraw";
	}
	return "?";
}

int cli_whatif_keep(const char *verb, struct cli_whatifs *a,
		    enum topo_whatif_kind k, const char *arg)
{
	if (a->n == CLI_WHATIF_MAX)
		return cli_error(verb, "%s %s: at most %d what-ifs in all",
				 whatif_opt(k), arg, CLI_WHATIF_MAX), 2;
	a->kind[a->n] = k;
	a->arg[a->n++] = arg;
	return 0;
}

int cli_whatif_parse(const char *verb, const struct topo *t,
		     const struct cli_whatifs *a, struct topo_whatif *w)
{
	char msg[256];
	size_t i;
	int rc = 0;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < a->n; i++) {
		if (topo_whatif_add(t, w, a->kind[i], a->arg[i], msg,
				    sizeof(msg)) == 0)
			continue;
		cli_error(verb, "%s %s: %s", whatif_opt(a->kind[i]), a->arg[i],
			  msg);
		rc = 2;
	}
	return rc;
}

const char *cli_default_topology(void)
{
	static char path[PATH_MAX];
	static const char *const rel[] = {
		"/../topologies/world.yaml",	/* build/anycastlab */
		"/../../topologies/world.yaml",	/* build/src/anycastlab */
		/* <prefix>/sbin/anycastlab finds <prefix>/share/anycastlab,
		 * wherever the tree was installed (DESTDIR, a moved prefix). */
		"/" ANYCASTLAB_REL_DATADIR "/topologies/world.yaml",
	};
	char exe[PATH_MAX];
	ssize_t n;
	size_t i;
	char *slash;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			char tmp[PATH_MAX + 64];
			int w;

			/* No relative data directory: the build gave an
			 * absolute one, only ANYCASTLAB_DATADIR below. */
			if (!ANYCASTLAB_REL_DATADIR[0] && i == 2)
				continue;
			w = snprintf(tmp, sizeof(tmp), "%s%s", exe, rel[i]);

			/* Say "/src/anycastlab/topologies/world.yaml", not
			 * ".../build/../topologies/world.yaml". */
			if (w > 0 && (size_t)w < sizeof(tmp) && realpath(tmp, path))
				return path;
		}
	}
	snprintf(path, sizeof(path), "%s/topologies/world.yaml",
		 ANYCASTLAB_DATADIR);
	return path;
}

void cli_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

const char *cli_rfc3339(const struct timespec *ts, bool ms, char *buf,
			size_t n)
{
	char date[32], zone[8];
	struct tm tm;

	localtime_r(&ts->tv_sec, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);	/* +0100 */
	if (ms)
		snprintf(buf, n, "%s.%03ld%.3s:%s", date, ts->tv_nsec / 1000000,
			 zone, zone + 3);
	else
		snprintf(buf, n, "%s%.3s:%s", date, zone, zone + 3);
	return buf;
}

void cli_json_aspath(FILE *f, const char *path)
{
	const char *p = path;
	bool first = true;
	char *end;

	fputc('[', f);
	/* "9498 13335", "1221,13335", "64500 {1 2}": the ASNs in order
	 * (an AS_SET's members flattened into the list). */
	while (p && *p) {
		unsigned long as;

		if (*p < '0' || *p > '9') {
			p++;
			continue;
		}
		as = strtoul(p, &end, 10);
		fprintf(f, "%s%lu", first ? "" : ",", as);
		first = false;
		p = end;
	}
	fputc(']', f);
}

void cli_json_hops(FILE *f, const char *hops)
{
	char name[TOPO_NAME_MAX + 1];
	const char *p = hops;
	bool first = true;
	size_t n;

	/* "telstra > syd": the node names in order. */
	fputc('[', f);
	while (p && *p) {
		while (*p == ' ' || *p == '>')
			p++;
		n = strcspn(p, " >");
		if (!n)
			break;
		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		fputs(first ? "" : ",", f);
		cli_json_str(f, name);
		first = false;
		p += n;
	}
	fputc(']', f);
}

int cli_lab_begin(const char *verb, const char *lab, char *name, size_t n,
		  struct topo *t)
{
	if (!cli_privileged(verb))
		return 1;
	if (cli_pick_lab(verb, lab, name, n) < 0)
		return 1;
	return cli_load_lab(verb, name, t);
}

int cli_user_netns(const char *verb, const struct topo *t, const char *user,
		   long *idx)
{
	int fd;

	*idx = cli_find_node(verb, t, user);
	if (*idx < 0)
		return -1;
	if (t->nodes[*idx].kind != TOPO_KIND_USER) {
		cli_error(verb, "%s is %s %s, not a user: probes start at users",
			  user, t->nodes[*idx].kind == TOPO_KIND_ISP ? "an" : "a",
			  topo_kind_name(t->nodes[*idx].kind));
		return -1;
	}
	fd = netns_open(t->nodes[*idx].netns);
	if (fd < 0)
		cli_error(verb, "namespace %s is gone: %s", t->nodes[*idx].netns,
			  strerror(-fd));
	return fd;
}

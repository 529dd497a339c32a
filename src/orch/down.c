/*
 * Teardown of a lab from its state directory: stop its processes (those in
 * the journal, and any other process living in one of its namespaces),
 * delete its namespaces (which takes their veths with them) and remove the
 * state directory.  Works when the topology file is gone or was edited,
 * and when `up` was killed half-way; running it twice is harmless.
 */
#include "orch/orch.h"
#include "daemon/daemon.h"
#include "run/etcns.h"
#include "run/journal.h"
#include "run/proc.h"
#include "run/state.h"
#include "net/netns.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define DOWN_MAX_NS	4096
#define DOWN_MAX_PROCS	4096

struct down_set {
	char (*ns)[TOPO_NETNS_MAX + 1];
	size_t nns;
};

static void down_add_ns(struct down_set *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nns; i++)
		if (!strcmp(s->ns[i], name))
			return;
	if (s->nns < DOWN_MAX_NS && strlen(name) <= TOPO_NETNS_MAX)
		strcpy(s->ns[s->nns++], name);
}

/* Is there another lab whose name makes it the owner of netns? ("a-b-c"
 * belongs to lab "a-b", not to lab "a", when both exist.) */
static bool down_other_owner(const char *lab, const char *netns,
			     char **labs, size_t nlabs)
{
	size_t i, ll = strlen(lab);

	for (i = 0; i < nlabs; i++) {
		size_t l = strlen(labs[i]);

		if (l > ll && !strncmp(netns, labs[i], l) && netns[l] == '-')
			return true;
	}
	return false;
}

/*
 * Orphans found by name: /run/netns entries "<lab>-<node>" that neither
 * the journal nor the saved topology mention (a journal cut short, a
 * topology file that changed between two `up`s).
 */
static void down_scan_prefix(const char *lab, struct down_set *s)
{
	size_t ll = strlen(lab), nlabs = 0;
	char **labs = NULL;
	struct dirent *de;
	DIR *d;

	d = opendir(NETNS_RUN_DIR);
	if (!d)
		return;
	state_labs(&labs, &nlabs);
	while ((de = readdir(d))) {
		const char *rest;

		if (strncmp(de->d_name, lab, ll) || de->d_name[ll] != '-')
			continue;
		rest = de->d_name + ll + 1;
		if (!*rest || strlen(rest) > TOPO_NAME_MAX ||
		    rest[strspn(rest, "abcdefghijklmnopqrstuvwxyz0123456789-")])
			continue;
		if (down_other_owner(lab, de->d_name, labs, nlabs))
			continue;
		down_add_ns(s, de->d_name);
	}
	closedir(d);
	state_labs_free(labs, nlabs);
}

/*
 * Namespaces of this lab: those its journal says it created.  With
 * orphans, also /run/netns entries named "<lab>-<node>" that the journal
 * does not mention (`down --all` after a crash).
 */
static void down_collect_ns(const char *lab, const struct journal_rec *v,
			    size_t n, bool orphans, struct down_set *s)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		if (v[i].kind != JOURNAL_NETNS)
			continue;
		for (k = i + 1; k < n; k++)
			if (v[k].kind == JOURNAL_NETNS_CANCEL &&
			    !strcmp(v[k].name, v[i].name))
				break;
		if (k == n)
			down_add_ns(s, v[i].name);
	}
	if (orphans)
		down_scan_prefix(lab, s);
}

static size_t down_stop_procs(const char *lab, const struct journal_rec *v,
			      size_t n, const struct down_set *s)
{
	unsigned long long *inos;
	struct proc_id *procs;
	size_t i, k = 0, found, stopped = 0;

	/* Recorded routers first, newest first (FRR's bgpd before its
	 * zebra): they get SIGTERM and shut down cleanly. */
	for (i = n; i-- > 0;) {
		char netns[2 * (TOPO_NAME_MAX + 1) + 8];

		if (v[i].kind != JOURNAL_PROC)
			continue;
		snprintf(netns, sizeof(netns), "%s-%s", lab, v[i].name);
		/* A pid in the journal is only a hint: signalled only when
		 * it is our program, of our user, in our namespace. */
		if (daemon_proc_ours(netns, v[i].role, &v[i].proc)) {
			proc_stop(&v[i].proc, 1000);
			stopped++;
		}
		daemon_proc_gone(v[i].role, &v[i].proc);
	}
	/* Then anything else still running inside the lab's namespaces. */
	inos = calloc(s->nns ? s->nns : 1, sizeof(*inos));
	procs = calloc(DOWN_MAX_PROCS, sizeof(*procs));
	if (!inos || !procs)
		goto out;
	for (i = 0; i < s->nns; i++) {
		char path[sizeof(NETNS_RUN_DIR) + TOPO_NETNS_MAX + 2];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, s->ns[i]);
		if (stat(path, &st) == 0)
			inos[k++] = (unsigned long long)st.st_ino;
	}
	found = k ? proc_in_netns(inos, k, procs, DOWN_MAX_PROCS) : 0;
	for (i = 0; i < found; i++)
		if (proc_stop(&procs[i], 500) == 0)
			stopped++;
out:
	free(procs);
	free(inos);
	return stopped;
}

/* The failures of one `down`, one line each: the first sets e, the
 * others (had: an earlier one) follow it. */
static void down_err(struct err *e, int had, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void down_err(struct err *e, int had, const char *fmt, ...)
{
	char line[ERR_MAX / 4];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (had)
		err_add(e, "\nanycastlab: %s", line);
	else
		err_set(e, 0, "%s", line);
}

static int down_lab(const char *lab, bool orphans, FILE *out, bool *nothing,
		    struct err *e)
{
	struct down_set s = { 0 };
	struct journal_rec *v = NULL;
	struct timespec t0, t1;
	size_t n = 0, i, deleted = 0, procs;
	unsigned files;
	bool had_state;
	int r, err = 0;

	char why[160];

	*nothing = false;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = state_check(lab, why, sizeof(why));
	if (r < 0) {
		return err_set(e, r, "lab '%s': refusing to act on its state: "
			       "%s (remove it by hand once you know whose it is)",
			       lab, why);
	}
	had_state = state_exists(lab);
	s.ns = calloc(DOWN_MAX_NS, sizeof(*s.ns));
	if (!s.ns)
		return -ENOMEM;
	r = journal_load(lab, &v, &n);
	if (r < 0)
		fprintf(out, "anycastlab: lab '%s': cannot read its journal (%s); "
			"removing what its name points to\n", lab, strerror(-r));
	down_collect_ns(lab, v, n, orphans, &s);
	/* The users' resolv.conf files, orphans of a lost journal too. */
	for (i = 0; i < n && v[i].kind != JOURNAL_ETCNS; i++)
		;
	files = etcns_remove_lab(lab, i < n);
	if (!had_state && s.nns == 0 && !files) {
		*nothing = true;
		goto out;
	}
	procs = down_stop_procs(lab, v, n, &s);
	for (i = 0; i < s.nns; i++) {
		r = netns_delete(s.ns[i]);
		if (r == 0)
			deleted++;
		else if (r != -ENOENT) {
			down_err(e, err, "lab '%s': cannot delete namespace %s: %s",
				 lab, s.ns[i], strerror(-r));
			err = r;
		}
	}
	r = state_remove(lab);
	if (r < 0) {
		down_err(e, err, "lab '%s': cannot remove %s/%s: %s", lab,
			 STATE_ROOT, lab, strerror(-r));
		err = r;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(out, "lab '%s' removed: %zu namespaces, %zu processes stopped "
		"in %.0f ms\n", lab, deleted, procs,
		(double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		(double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
out:
	free(v);
	free(s.ns);
	return err;
}

int orch_down(const char *lab, FILE *out, bool *nothing, struct err *e)
{
	e->msg[0] = '\0';
	return down_lab(lab, false, out, nothing, e);
}

/*
 * The lab a BIRD or FRR process belongs to, from the files of the lab
 * state its command line names ("bird -f -c /run/anycastlab/LAB/..."):
 * 0 and the name in lab, or -ENOENT.
 */
static int down_daemon_lab(const char *cmd, size_t len, char *lab, size_t n,
			   const char **role)
{
	static const char root[] = STATE_ROOT "/";
	const char *base = strrchr(cmd, '/');
	size_t off, l;

	base = base ? base + 1 : cmd;
	*role = daemon_program_role(base);
	if (!*role)
		return -ENOENT;
	for (off = strlen(cmd) + 1; off < len; off += strlen(cmd + off) + 1) {
		const char *a = cmd + off + sizeof(root) - 1;

		if (strlen(cmd + off) < sizeof(root) ||
		    strncmp(cmd + off, root, sizeof(root) - 1))
			continue;
		l = strcspn(a, "/");
		if (!l || l >= n || a[l] != '/')
			continue;
		memcpy(lab, a, l);
		lab[l] = '\0';
		return 0;
	}
	return -ENOENT;
}

/*
 * Routers whose lab has no state directory any more: found by their
 * command line, "anycastlab router --lab LAB ...", or BIRD's and FRR's
 * naming files of the lab's state.  Returns how many were stopped; the
 * lab names go to labs (for the name-prefix scan).
 */
static size_t down_stray_routers(char labs[][TOPO_NAME_MAX + 1], size_t *nlabs,
				 size_t max)
{
	struct dirent *de;
	size_t stopped = 0;
	DIR *d;

	d = opendir("/proc");
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char path[64], cmd[1024], dlab[TOPO_NAME_MAX + 1];
		const char *lab = NULL, *role = "";
		struct proc_id id;
		size_t len, off, k;
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		FILE *f;

		if (*end || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
		f = fopen(path, "re");
		if (!f)
			continue;
		len = fread(cmd, 1, sizeof(cmd) - 1, f);
		fclose(f);
		cmd[len] = '\0';
		if (down_daemon_lab(cmd, len, dlab, sizeof(dlab), &role) == 0) {
			lab = dlab;
		} else {
			/* argv: anycastlab router --lab LAB ... */
			if (strcmp(cmd, "anycastlab"))
				continue;
			off = strlen(cmd) + 1;
			if (off >= len || strcmp(cmd + off, "router"))
				continue;
			off += strlen(cmd + off) + 1;
			if (off < len && !strcmp(cmd + off, "--lab")) {
				off += strlen(cmd + off) + 1;
				if (off < len)
					lab = cmd + off;
			}
		}
		/* A command line is anyone's to write: only a valid lab name,
		 * and only a process of our program run by our routers' user
		 * (or BIRD's, FRR's), is believed. */
		if (!lab || !topo_name_valid(lab) || state_exists(lab))
			continue;
		if (proc_id_get((pid_t)pid, &id) < 0 ||
		    !daemon_proc_ours(NULL, role, &id))
			continue;
		if (proc_stop(&id, 1000) == 0)
			stopped++;
		for (k = 0; k < *nlabs; k++)
			if (!strcmp(labs[k], lab))
				break;
		if (k == *nlabs && *nlabs < max)
			strcpy(labs[(*nlabs)++], lab);
	}
	closedir(d);
	return stopped;
}

int orch_down_all(FILE *out, bool *nothing, struct err *e)
{
	char stray[64][TOPO_NAME_MAX + 1];
	size_t nstray = 0, n, i, procs;
	struct err one;
	char **labs;
	int r, err = 0;
	bool none;

	*nothing = true;
	e->msg[0] = '\0';
	r = state_labs(&labs, &n);
	if (r < 0)
		return err_set(e, r, "cannot list labs: %s", strerror(-r));
	for (i = 0; i < n; i++) {
		r = down_lab(labs[i], true, out, &none, &one);
		if (r < 0)
			down_err(e, err, "%s", one.msg);
		if (r < 0)
			err = r;
		if (!none)
			*nothing = false;
	}
	state_labs_free(labs, n);
	/* Routers of labs whose state directory is gone, and the namespaces
	 * named after those labs. */
	procs = down_stray_routers(stray, &nstray, 64);
	for (i = 0; i < nstray; i++) {
		r = down_lab(stray[i], true, out, &none, &one);
		if (r < 0)
			down_err(e, err, "%s", one.msg);
		if (r < 0)
			err = r;
	}
	if (procs || nstray) {
		fprintf(out, "stopped %zu router processes of %zu labs that had no "
			"state directory\n", procs, nstray);
		*nothing = false;
	}
	return err;
}

/*
 * Lab journal (see journal.h).  Each record is one write(2) of a whole
 * line to an O_APPEND file on tmpfs: a crash leaves complete lines, and a
 * torn last line fails to parse and is skipped.
 */
#include "run/journal.h"
#include "run/state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* "<lab>-<node>": a namespace name of ours, never a path. */
static bool journal_netns_name_ok(const char *s)
{
	size_t len = strlen(s);

	return len >= 3 && len <= TOPO_NETNS_MAX && s[0] >= 'a' && s[0] <= 'z' &&
	       s[len - 1] != '-' && strchr(s, '-') &&
	       !s[strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-")];
}

int journal_parse(const char *line, struct journal_rec *r)
{
	char kind[8], name[TOPO_NETNS_MAX + 2], role[JOURNAL_ROLE_MAX + 2];
	long long a, b;
	int pid, n = 0;

	memset(r, 0, sizeof(*r));
	if (sscanf(line, "%7s%n", kind, &n) != 1)
		return -EINVAL;
	line += n;
	if (!strcmp(kind, "netns") || !strcmp(kind, "-netns")) {
		if (sscanf(line, " %32s %n", name, &n) != 1 || line[n] ||
		    strlen(name) > TOPO_NETNS_MAX || !journal_netns_name_ok(name))
			return -EINVAL;
		r->kind = kind[0] == '-' ? JOURNAL_NETNS_CANCEL : JOURNAL_NETNS;
		strcpy(r->name, name);
		return 0;
	}
	if (!strcmp(kind, "proc")) {
		if (sscanf(line, " %16s %d %lld %n", name, &pid, &a, &n) != 3 ||
		    line[n] || !topo_name_valid(name) || pid <= 1 || a <= 0)
			return -EINVAL;
		r->kind = JOURNAL_PROC;
		strcpy(r->name, name);
		r->proc.pid = pid;
		r->proc.start = (unsigned long long)a;
		return 0;
	}
	if (!strcmp(kind, "daemon")) {
		if (sscanf(line, " %16s %8s %d %lld %n", name, role, &pid, &a,
			   &n) != 4 || line[n] || !topo_name_valid(name) ||
		    !*role || strlen(role) > JOURNAL_ROLE_MAX ||
		    role[strspn(role, "abcdefghijklmnopqrstuvwxyz")] ||
		    pid <= 1 || a <= 0)
			return -EINVAL;
		r->kind = JOURNAL_PROC;
		strcpy(r->name, name);
		strcpy(r->role, role);
		r->proc.pid = pid;
		r->proc.start = (unsigned long long)a;
		return 0;
	}
	if (!strcmp(kind, "etcns")) {
		if (line[strspn(line, " ")])
			return -EINVAL;
		r->kind = JOURNAL_ETCNS;
		return 0;
	}
	if (!strcmp(kind, "up")) {
		if (sscanf(line, " %lld %n", &b, &n) != 1 || line[n])
			return -EINVAL;
		r->kind = JOURNAL_UP;
		r->when = b;
		return 0;
	}
	return -EINVAL;
}

int journal_open(struct journal *j, const char *lab)
{
	char p[STATE_PATH_MAX];
	int r = state_path(p, sizeof(p), lab, "journal");

	if (r < 0)
		return r;
	j->fd = open(p, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
		     0600);
	return j->fd < 0 ? -errno : 0;
}

void journal_close(struct journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
}

static int journal_write(struct journal *j, const char *line, int len)
{
	ssize_t w;

	if (len < 0)
		return -EINVAL;
	w = write(j->fd, line, (size_t)len);
	if (w < 0)
		return -errno;
	return w == len ? 0 : -EIO;
}

int journal_netns(struct journal *j, const char *netns)
{
	char line[64];

	return journal_write(j, line, snprintf(line, sizeof(line), "netns %s\n",
					       netns));
}

int journal_netns_cancel(struct journal *j, const char *netns)
{
	char line[64];

	return journal_write(j, line, snprintf(line, sizeof(line), "-netns %s\n",
					       netns));
}

int journal_proc(struct journal *j, const char *node, const struct proc_id *p)
{
	char line[96];

	return journal_write(j, line, snprintf(line, sizeof(line),
					       "proc %s %d %llu\n", node,
					       (int)p->pid, p->start));
}

int journal_daemon(struct journal *j, const char *node, const char *role,
		   const struct proc_id *p)
{
	char line[96];

	if (!*role || strlen(role) > JOURNAL_ROLE_MAX ||
	    role[strspn(role, "abcdefghijklmnopqrstuvwxyz")])
		return -EINVAL;
	return journal_write(j, line, snprintf(line, sizeof(line),
					       "daemon %s %s %d %llu\n", node,
					       role, (int)p->pid, p->start));
}

int journal_etcns(struct journal *j)
{
	return journal_write(j, "etcns\n", 6);
}

int journal_up(struct journal *j)
{
	char line[48];

	return journal_write(j, line, snprintf(line, sizeof(line), "up %lld\n",
					       (long long)time(NULL)));
}

int journal_load(const char *lab, struct journal_rec **v, size_t *n)
{
	char p[STATE_PATH_MAX], line[256], why[160];
	struct journal_rec *recs = NULL, *nr;
	size_t k = 0, cap = 0, ll = strlen(lab);
	FILE *f;
	int r = state_path(p, sizeof(p), lab, "journal");

	*v = NULL;
	*n = 0;
	if (r == 0)
		r = state_check(lab, why, sizeof(why));
	if (r < 0)
		return r;
	f = fopen(p, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (fgets(line, sizeof(line), f)) {
		struct journal_rec rec;

		line[strcspn(line, "\n")] = '\0';
		if (journal_parse(line, &rec) < 0)
			continue;
		/* This lab's namespaces only: "<lab>-<node>". */
		if ((rec.kind == JOURNAL_NETNS || rec.kind == JOURNAL_NETNS_CANCEL) &&
		    (strncmp(rec.name, lab, ll) || rec.name[ll] != '-' ||
		     !topo_name_valid(rec.name + ll + 1)))
			continue;
		if (k == cap) {
			cap = cap ? cap * 2 : 64;
			nr = realloc(recs, cap * sizeof(*recs));
			if (!nr) {
				free(recs);
				fclose(f);
				return -ENOMEM;
			}
			recs = nr;
		}
		recs[k++] = rec;
	}
	fclose(f);
	*v = recs;
	*n = k;
	return 0;
}

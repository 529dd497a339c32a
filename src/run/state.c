/*
 * The lab state directory (see state.h).
 */
#include "run/state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/*
 * Every directory of the tree is root's and no one else may write it or
 * list it: 0711, where the x bit lets BIRD and FRR, which drop to their
 * own users, reach the files we made for them (their pid file, their
 * subdirectory).  Files are 0600 whatever the umask.
 */
#define STATE_DIR_MODE	0711

/* A name that may become part of a path: a lab or node name, or a file
 * name of ours ("journal", "syd.http.pid"): no '/', no leading '.'. */
static bool state_component_ok(const char *s)
{
	return s && *s && s[0] != '.' && !strchr(s, '/');
}

static int state_dir_ok(const char *p, bool ours, char *why, size_t n)
{
	struct stat st;

	if (lstat(p, &st) < 0)
		return -errno;
	if (S_ISLNK(st.st_mode)) {
		snprintf(why, n, "%s is a symbolic link", p);
		return -ELOOP;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(why, n, "%s is not a directory", p);
		return -ENOTDIR;
	}
	if (st.st_uid != 0) {
		snprintf(why, n, "%s belongs to uid %u, not root", p,
			 (unsigned)st.st_uid);
		return -EPERM;
	}
	/* Nobody else may write (plant a journal, swap a file for a link);
	 * a parent like /tmp may be sticky, a directory of ours not.  The
	 * files in ours are 0600, so reading the directory shows names at
	 * most. */
	if ((st.st_mode & 0022) && (ours || !(st.st_mode & S_ISVTX))) {
		snprintf(why, n, "%s has mode %04o: others may write in it", p,
			 (unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

int state_check(const char *lab, char *why, size_t n)
{
	char p[STATE_PATH_MAX], parent[STATE_PATH_MAX], *slash;
	int r;

	snprintf(parent, sizeof(parent), "%s", STATE_ROOT);
	slash = strrchr(parent, '/');
	if (slash && slash != parent)
		*slash = '\0';
	r = state_dir_ok(parent, false, why, n);
	if (r == 0)
		r = state_dir_ok(STATE_ROOT, true, why, n);
	if (r == 0 && lab) {
		r = state_path(p, sizeof(p), lab, NULL);
		if (r == 0)
			r = state_dir_ok(p, true, why, n);
	}
	if (r == -ENOENT)
		return 0;	/* nothing there yet: nothing to trust */
	if (r < 0 && r != -ELOOP && r != -ENOTDIR && r != -EPERM)
		snprintf(why, n, "cannot check %s: %s", lab ? p : STATE_ROOT,
			 strerror(-r));
	return r;
}

int state_path(char *buf, size_t n, const char *lab, const char *file)
{
	int r;

	if (!topo_name_valid(lab) || (file && !state_component_ok(file)))
		return -EINVAL;
	if (file)
		r = snprintf(buf, n, "%s/%s/%s", STATE_ROOT, lab, file);
	else
		r = snprintf(buf, n, "%s/%s", STATE_ROOT, lab);
	return r < 0 || (size_t)r >= n ? -ENAMETOOLONG : 0;
}

int router_state_file(const char *lab, const char *node, const char *ext,
		      char *buf, size_t n)
{
	int r;

	if (!topo_name_valid(lab) || !topo_name_valid(node) ||
	    !state_component_ok(ext))
		return -EINVAL;
	r = snprintf(buf, n, "%s/%s/%s.%s", STATE_ROOT, lab, node, ext);
	return r < 0 || (size_t)r >= n ? -ENAMETOOLONG : 0;
}

bool state_exists(const char *lab)
{
	char p[STATE_PATH_MAX];
	struct stat st;

	return state_path(p, sizeof(p), lab, NULL) == 0 && lstat(p, &st) == 0 &&
	       S_ISDIR(st.st_mode);
}

int state_create(const char *lab)
{
	char p[STATE_PATH_MAX];
	int r = state_path(p, sizeof(p), lab, NULL);

	char why[160];

	if (r < 0)
		return r;
	if (mkdir(STATE_ROOT, STATE_DIR_MODE) < 0 && errno != EEXIST)
		return -errno;
	r = state_check(NULL, why, sizeof(why));
	if (r < 0)
		return r;
	/* Made by an older anycastlab, or under a umask: ours to tighten. */
	if (chmod(STATE_ROOT, STATE_DIR_MODE) < 0)
		return -errno;
	if (mkdir(p, STATE_DIR_MODE) < 0)
		return -errno;
	/* mkdir applied the umask; the mode is ours to set. */
	if (chmod(p, STATE_DIR_MODE) < 0)
		return -errno;
	return state_check(lab, why, sizeof(why));
}

/* Empty directory p and remove it; depth bounds the subdirectories
 * followed (a node's FRR keeps its files in one). */
static int state_rmtree(const char *p, int depth)
{
	char f[STATE_PATH_MAX + 256];
	struct dirent *de;
	int r = 0;
	DIR *d;

	d = opendir(p);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(f, sizeof(f), "%s/%s", p, de->d_name);
		if (de->d_type == DT_DIR && depth > 0) {
			int e = state_rmtree(f, depth - 1);

			if (e < 0)
				r = e;
		} else if (unlink(f) < 0 && errno != ENOENT) {
			r = -errno;
		}
	}
	closedir(d);
	if (rmdir(p) < 0 && errno != ENOENT)
		return -errno;
	return r;
}

int state_remove(const char *lab)
{
	char p[STATE_PATH_MAX];
	int r = state_path(p, sizeof(p), lab, NULL);

	char why[160];

	if (r < 0)
		return r;
	r = state_check(lab, why, sizeof(why));
	if (r < 0)
		return r;
	return state_rmtree(p, 1);
}

int state_write_file(const char *path, const struct passwd *owner,
		     int (*gen)(void *ctx, FILE *f), void *ctx)
{
	char tmp[STATE_PATH_MAX + 8];
	FILE *f;
	int fd, r;

	r = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (r < 0 || (size_t)r >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0)
		return -errno;
	if (owner && fchown(fd, owner->pw_uid, owner->pw_gid) < 0) {
		r = -errno;
		close(fd);
		unlink(tmp);
		return r;
	}
	f = fdopen(fd, "w");
	if (!f) {
		r = -errno;
		close(fd);
		unlink(tmp);
		return r;
	}
	r = gen(ctx, f);
	if (ferror(f) && r == 0)
		r = -EIO;
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

/* The topology file, copied as it is. */
static int state_gen_copy(void *ctx, FILE *f)
{
	char chunk[8192];
	int in = *(const int *)ctx, r = 0;
	ssize_t n;

	while ((n = read(in, chunk, sizeof(chunk))) > 0)
		if (fwrite(chunk, 1, (size_t)n, f) != (size_t)n) {
			r = -EIO;
			break;
		}
	if (n < 0)
		r = -errno;
	return r;
}

int state_save_topology(const char *lab, const char *src)
{
	char p[STATE_PATH_MAX];
	int in, r;

	r = state_path(p, sizeof(p), lab, "topology.yaml");
	if (r < 0)
		return r;
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	r = state_write_file(p, NULL, state_gen_copy, &in);
	close(in);
	return r;
}

static int state_gen_daemons(void *ctx, FILE *f)
{
	const struct topo *t = ctx;
	size_t i;

	fprintf(f, "default %s\n", topo_daemon_name(t->daemon));
	for (i = 0; i < t->nnodes; i++)
		if (t->nodes[i].kind != TOPO_KIND_USER)
			fprintf(f, "%s %s\n", t->nodes[i].name,
				topo_daemon_name(t->nodes[i].daemon));
	return 0;
}

int state_save_daemons(const char *lab, const struct topo *t)
{
	char p[STATE_PATH_MAX];
	int r = state_path(p, sizeof(p), lab, "daemons");

	if (r < 0)
		return r;
	return state_write_file(p, NULL, state_gen_daemons, (void *)t);
}

int state_parse_daemon_line(const char *line, char *node, size_t n,
			    enum topo_daemon *d)
{
	char name[32], daemon[16];

	if (sscanf(line, "%31s %15s", name, daemon) != 2 ||
	    topo_daemon_parse(daemon, d) < 0 || strlen(name) >= n)
		return -EINVAL;
	strcpy(node, name);
	return 0;
}

/* What `up` recorded wins over the file: the daemons it started are the
 * ones status, the failure verbs and down must deal with.  A lab built
 * before the record existed keeps what its file says. */
static void state_apply_daemons(const char *lab, struct topo *t)
{
	char p[STATE_PATH_MAX], line[64], name[32];
	enum topo_daemon d;
	FILE *f;
	long i;

	if (state_path(p, sizeof(p), lab, "daemons") < 0)
		return;
	f = fopen(p, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (state_parse_daemon_line(line, name, sizeof(name), &d) < 0)
			continue;
		if (!strcmp(name, "default")) {
			t->daemon = d;
			continue;
		}
		i = topo_node_find(t, name);
		if (i >= 0 && t->nodes[i].kind != TOPO_KIND_USER)
			t->nodes[i].daemon = d;
	}
	fclose(f);
}

int state_load_topology(const char *lab, struct topo *t)
{
	char p[STATE_PATH_MAX];
	struct topo_diags d = { 0 };
	char why[160];
	int r = state_path(p, sizeof(p), lab, "topology.yaml");

	if (r == 0)
		r = state_check(lab, why, sizeof(why));
	if (r < 0)
		return r;
	r = topo_load_file(p, t, &d);
	topo_diags_free(&d);
	if (r == 0)
		state_apply_daemons(lab, t);
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int state_labs(char ***names, size_t *n)
{
	struct dirent *de;
	char **v = NULL;
	size_t k = 0, cap = 0;
	DIR *d;

	char why[160];
	int r;

	*names = NULL;
	*n = 0;
	r = state_check(NULL, why, sizeof(why));
	if (r < 0)
		return r;
	d = opendir(STATE_ROOT);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		/* Only what could be a lab of ours; a name that is not a
		 * lab name never reaches a path or a namespace. */
		if (de->d_type != DT_DIR || !topo_name_valid(de->d_name))
			continue;
		if (k == cap) {
			char **nv;

			cap = cap ? cap * 2 : 8;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				goto nomem;
			v = nv;
		}
		v[k] = strdup(de->d_name);
		if (!v[k])
			goto nomem;
		k++;
	}
	closedir(d);
	if (k)
		qsort(v, k, sizeof(*v), cmp_str);
	*names = v;
	*n = k;
	return 0;
nomem:
	closedir(d);
	state_labs_free(v, k);
	return -ENOMEM;
}

void state_labs_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int state_event_add(const char *lab, const char *what)
{
	char p[STATE_PATH_MAX], line[192];
	struct timespec ts;
	int fd, n, r = state_path(p, sizeof(p), lab, "events");

	if (r < 0)
		return r;
	clock_gettime(CLOCK_REALTIME, &ts);
	n = snprintf(line, sizeof(line), "%lld.%09ld %s\n", (long long)ts.tv_sec,
		     ts.tv_nsec, what);
	if (n < 0 || (size_t)n >= sizeof(line) || strchr(what, '\n'))
		return -EINVAL;
	fd = open(p, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	r = write(fd, line, (size_t)n) == n ? 0 : -EIO;
	close(fd);
	return r;
}

int state_event_last(const char *lab, const struct timespec *before,
		     unsigned within_ms, char *what, size_t n,
		     struct timespec *when)
{
	char p[STATE_PATH_MAX], line[192], text[160];
	long long sec;
	long nsec;
	int r = state_path(p, sizeof(p), lab, "events"), found = -ENOENT;
	FILE *f;

	if (r < 0)
		return r;
	f = fopen(p, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		long long ms_before;

		if (sscanf(line, "%lld.%ld %159[^\n]", &sec, &nsec, text) != 3)
			continue;
		ms_before = ((long long)before->tv_sec - sec) * 1000 +
			    (before->tv_nsec - nsec) / 1000000;
		if (ms_before < 0 || ms_before > within_ms)
			continue;
		snprintf(what, n, "%s", text);
		when->tv_sec = (time_t)sec;
		when->tv_nsec = nsec;
		found = 0;
	}
	fclose(f);
	return found;
}

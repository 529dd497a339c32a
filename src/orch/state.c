/*
 * The lab state directory (see state.h).
 */
#include "orch/state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int state_path(char *buf, size_t n, const char *lab, const char *file)
{
	int r;

	if (file)
		r = snprintf(buf, n, "%s/%s/%s", STATE_ROOT, lab, file);
	else
		r = snprintf(buf, n, "%s/%s", STATE_ROOT, lab);
	return r < 0 || (size_t)r >= n ? -ENAMETOOLONG : 0;
}

int router_state_file(const char *lab, const char *node, const char *ext,
		      char *buf, size_t n)
{
	int r = snprintf(buf, n, "%s/%s/%s.%s", STATE_ROOT, lab, node, ext);

	return r < 0 || (size_t)r >= n ? -ENAMETOOLONG : 0;
}

bool state_exists(const char *lab)
{
	char p[STATE_PATH_MAX];
	struct stat st;

	return state_path(p, sizeof(p), lab, NULL) == 0 && stat(p, &st) == 0 &&
	       S_ISDIR(st.st_mode);
}

int state_create(const char *lab)
{
	char p[STATE_PATH_MAX];
	int r = state_path(p, sizeof(p), lab, NULL);

	if (r < 0)
		return r;
	if (mkdir(STATE_ROOT, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (mkdir(p, 0755) < 0)
		return -errno;
	return 0;
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

	if (r < 0)
		return r;
	return state_rmtree(p, 1);
}

int state_save_topology(const char *lab, const char *src)
{
	char p[STATE_PATH_MAX], tmp[STATE_PATH_MAX + 8], chunk[8192];
	int in, out, r = 0;
	ssize_t n;

	r = state_path(p, sizeof(p), lab, "topology.yaml");
	if (r < 0)
		return r;
	snprintf(tmp, sizeof(tmp), "%s.tmp", p);
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		r = -errno;
		close(in);
		return r;
	}
	while ((n = read(in, chunk, sizeof(chunk))) > 0) {
		if (write(out, chunk, (size_t)n) != n) {
			r = -EIO;
			break;
		}
	}
	if (n < 0)
		r = -errno;
	close(in);
	if (close(out) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, p) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

int state_save_daemons(const char *lab, const struct topo *t)
{
	char p[STATE_PATH_MAX], tmp[STATE_PATH_MAX + 8];
	size_t i;
	FILE *f;
	int r = state_path(p, sizeof(p), lab, "daemons");

	if (r < 0)
		return r;
	snprintf(tmp, sizeof(tmp), "%s.tmp", p);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fprintf(f, "default %s\n", topo_daemon_name(t->daemon));
	for (i = 0; i < t->nnodes; i++)
		if (t->nodes[i].kind != TOPO_KIND_USER)
			fprintf(f, "%s %s\n", t->nodes[i].name,
				topo_daemon_name(t->nodes[i].daemon));
	if (ferror(f))
		r = -EIO;
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, p) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

static int daemon_by_name(const char *s, enum topo_daemon *d)
{
	static const enum topo_daemon all[] = {
		TOPO_DAEMON_BUILTIN, TOPO_DAEMON_BIRD, TOPO_DAEMON_FRR,
		TOPO_DAEMON_NONE,
	};
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (!strcmp(s, topo_daemon_name(all[i]))) {
			*d = all[i];
			return 0;
		}
	}
	return -EINVAL;
}

int state_parse_daemon_line(const char *line, char *node, size_t n,
			    enum topo_daemon *d)
{
	char name[32], daemon[16];

	if (sscanf(line, "%31s %15s", name, daemon) != 2 ||
	    daemon_by_name(daemon, d) < 0 || strlen(name) >= n)
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
	int r = state_path(p, sizeof(p), lab, "topology.yaml");

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

	*names = NULL;
	*n = 0;
	d = opendir(STATE_ROOT);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
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

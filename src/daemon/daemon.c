/*
 * Daemons other than the built-in speaker (see daemon.h): what is common
 * to BIRD and FRR — which processes a node runs and which of them are
 * alive, starting them journaled in the node's namespace, waiting for
 * their control sockets, and the socket plumbing their clients share.
 * What differs (configuration, command lines, the control protocols and
 * what the daemons print) is in daemon_bird.c and daemon_frr.c.
 */
#include "daemon/daemon.h"
#include "daemon/daemon_int.h"
#include "run/spawn.h"
#include "run/state.h"
#include "net/netns.h"
#include "router/sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define HTTP_ROLE	"http"

static const struct daemon_ops *daemon_ops_of(enum topo_daemon d)
{
	switch (d) {
	case TOPO_DAEMON_BIRD:
		return &daemon_bird_ops;
	case TOPO_DAEMON_FRR:
		return &daemon_frr_ops;
	default:
		return NULL;
	}
}

size_t daemon_node_roles(const struct topo *t, size_t node,
			 const char *roles[DAEMON_MAX_PROCS], size_t *speaker)
{
	const struct topo_node *nd = &t->nodes[node];
	const struct daemon_ops *ops = daemon_ops_of(nd->daemon);
	size_t n = 0;

	*speaker = 0;
	if (!ops) {
		if (nd->kind == TOPO_KIND_USER || nd->daemon != TOPO_DAEMON_BUILTIN)
			return 0;
		roles[n++] = "";
		return n;
	}
	for (; n < ops->nroles && n < DAEMON_MAX_PROCS; n++)
		roles[n] = ops->roles[n];
	*speaker = n - 1;
	if (nd->kind == TOPO_KIND_POP && n < DAEMON_MAX_PROCS)
		roles[n++] = HTTP_ROLE;
	return n;
}

const char *daemon_title(enum topo_daemon d)
{
	const struct daemon_ops *ops = daemon_ops_of(d);

	return ops ? ops->title : d == TOPO_DAEMON_NONE ? "your own daemon" :
	       "anycastlab";
}

const char *daemon_package(enum topo_daemon d)
{
	const struct daemon_ops *ops = daemon_ops_of(d);

	return ops ? ops->package : NULL;
}

int daemon_installed(enum topo_daemon d)
{
	const struct daemon_ops *ops = daemon_ops_of(d);
	size_t i;

	for (i = 0; ops && i < ops->nroles; i++)
		if (!ops->program(i))
			return -ENOENT;
	return 0;
}

void daemon_apply_default(struct topo *t, enum topo_daemon d)
{
	size_t i;

	if (d == TOPO_DAEMON_DEFAULT)
		return;
	t->daemon = d;
	for (i = 0; i < t->nnodes; i++)
		if (t->nodes[i].kind != TOPO_KIND_USER && !t->nodes[i].daemon_given)
			t->nodes[i].daemon = d;
}

const char *daemon_find_program(const char *const *paths)
{
	struct stat st;
	size_t i;

	for (i = 0; paths[i]; i++)
		if (stat(paths[i], &st) == 0 && S_ISREG(st.st_mode) &&
		    access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

void daemon_copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

/* The program a process of role runs, and the user it runs as besides
 * root: ourselves for the built-in router and the web server, BIRD's and
 * FRR's programs as their users. */
static void daemon_role_owner(const char *role, char *prog, size_t n,
			      uid_t *uid)
{
	static const char *const daemon_users[][2] = {
		{ "bird", "bird" }, { "zebra", "frr" }, { "bgpd", "frr" },
	};
	char exe[PATH_MAX], *base;
	struct passwd *pw;
	gid_t gid;
	ssize_t k;
	size_t i;

	for (i = 0; i < sizeof(daemon_users) / sizeof(daemon_users[0]); i++) {
		if (strcmp(role, daemon_users[i][0]))
			continue;
		snprintf(prog, n, "%s", role);
		pw = getpwnam(daemon_users[i][1]);
		*uid = pw ? pw->pw_uid : 0;
		return;
	}
	sandbox_user(uid, &gid);
	k = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[k > 0 ? k : 0] = '\0';
	if (k > 10 && !strcmp(exe + k - 10, " (deleted)"))
		exe[k - 10] = '\0';
	base = strrchr(exe, '/');
	snprintf(prog, n, "%s", base ? base + 1 : "anycastlab");
}

bool daemon_proc_ours(const char *netns, const char *role,
		      const struct proc_id *id)
{
	char prog[64], path[sizeof(NETNS_RUN_DIR) + TOPO_NETNS_MAX + 2];
	unsigned long long ino = 0;
	struct stat st;
	uid_t uid, owner;

	daemon_role_owner(role, prog, sizeof(prog), &uid);
	if (netns) {
		snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, netns);
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    stat(path, &st) == 0)
			ino = (unsigned long long)st.st_ino;
	}
	if (ino)
		return proc_is_ours(id, prog, uid, ino);
	/* No namespace to compare with: only a process of the daemon's own
	 * user, which root alone can start, is ours. */
	return uid != 0 && proc_is_ours(id, prog, uid, 0) &&
	       proc_owner(id->pid, &owner) == 0 && owner == uid;
}

void daemon_procs_find(const struct journal_rec *v, size_t nv,
		       const struct topo *t, size_t node,
		       struct daemon_procs *p)
{
	const char *roles[DAEMON_MAX_PROCS];
	size_t r, k;

	memset(p, 0, sizeof(*p));
	p->n = daemon_node_roles(t, node, roles, &p->speaker);
	for (r = 0; r < p->n; r++) {
		p->role[r] = roles[r];
		/* The newest record of a role is its current process. */
		for (k = nv; k-- > 0;) {
			if (v[k].kind != JOURNAL_PROC ||
			    strcmp(v[k].name, t->nodes[node].name) ||
			    strcmp(v[k].role, roles[r]))
				continue;
			p->id[r] = v[k].proc;
			p->alive[r] = daemon_proc_ours(t->nodes[node].netns,
						       roles[r], &v[k].proc);
			p->nalive += p->alive[r];
			break;
		}
	}
}

int daemon_procs_load(const char *lab, const struct topo *t, size_t node,
		      struct daemon_procs *p)
{
	struct journal_rec *v;
	size_t n;
	int r = journal_load(lab, &v, &n);

	if (r < 0)
		return r;
	daemon_procs_find(v, n, t, node, p);
	free(v);
	return 0;
}

void daemon_procs_str(const struct daemon_procs *p, char *buf, size_t n)
{
	size_t i, w = 0;

	buf[0] = '\0';
	for (i = 0; i < p->n && w < n; i++) {
		int k;

		if (!p->alive[i])
			continue;
		k = snprintf(buf + w, n - w, "%s%s%spid %d", w ? ", " : "",
			     p->role[i][0] && p->n > 1 ? p->role[i] : "",
			     p->role[i][0] && p->n > 1 ? " " : "", (int)p->id[i].pid);
		if (k < 0)
			break;
		w += (size_t)k;
	}
}

int daemon_start(struct journal *j, const char *lab, const struct topo *t,
		 size_t node, struct daemon_procs *p, char *err, size_t n)
{
	const struct daemon_ops *ops = daemon_ops_of(t->nodes[node].daemon);
	const struct topo_node *nd = &t->nodes[node];
	char store[DAEMON_ARGV_MAX][STATE_PATH_MAX], log[STATE_PATH_MAX];
	char pidfile[STATE_PATH_MAX];
	const char *argv[DAEMON_ARGV_MAX + 1], *roles[DAEMON_MAX_PROCS];
	size_t i, nroles;
	int r;

	memset(p, 0, sizeof(*p));
	if (!ops) {
		snprintf(err, n, "%s runs no daemon anycastlab starts", nd->name);
		return -EINVAL;
	}
	nroles = daemon_node_roles(t, node, roles, &p->speaker);
	r = router_state_file(lab, nd->name, "log", log, sizeof(log));
	if (r == 0)
		r = router_state_file(lab, nd->name, "http.pid", pidfile,
				      sizeof(pidfile));
	if (r == 0)
		r = ops->write_config(lab, t, node);
	if (r == -EOPNOTSUPP && nd->unknown_attrs_discard) {
		snprintf(err, n, "node '%s': unknown-attributes: discard cannot "
			 "be expressed for %s, which passes unknown optional "
			 "transitive attributes on and has no setting to drop "
			 "them; use daemon: builtin or unknown-attributes: pass",
			 nd->name, ops->title);
		return r;
	}
	if (r < 0) {
		snprintf(err, n, "cannot write the %s configuration of %s: %s",
			 ops->title, nd->name, strerror(-r));
		return r;
	}
	/* A killed web server leaves its pid file: readiness is a new one. */
	unlink(pidfile);
	for (i = 0; i < nroles; i++) {
		struct spawn_cmd c = {
			.node = nd->name, .role = roles[i], .netns = nd->netns,
			.log = log, .argv = argv,
		};

		p->role[i] = roles[i];
		p->n = i + 1;
		if (i < ops->nroles) {
			r = ops->argv(lab, t, node, i, store, argv);
		} else {
			/* Ourselves, as `anycastlab router --http-only`. */
			size_t k = spawn_router_argv(lab, nd->name, argv);

			argv[k++] = "--http-only";
			argv[k] = NULL;
			c.path = "/proc/self/exe";
			r = 0;
		}
		if (r == 0)
			r = spawn_exec(j, &c, &p->id[i]);
		if (r < 0) {
			snprintf(err, n, "cannot start %s of %s: %s", roles[i],
				 nd->name, strerror(-r));
			goto fail;
		}
		p->alive[i] = true;
		p->nalive++;
	}
	return 0;
fail:
	for (i = 0; i < p->n; i++)
		if (p->alive[i])
			proc_stop(&p->id[i], 1000);
	return r;
}

/* The web server beside a POP's daemon listens once its pid file names
 * it; true when the node has none. */
static bool http_ready(const char *lab, const struct topo *t, size_t node,
		       const struct daemon_procs *p)
{
	char path[STATE_PATH_MAX], line[32] = "";
	size_t i;
	FILE *f;

	for (i = 0; i < p->n; i++)
		if (!strcmp(p->role[i], HTTP_ROLE))
			break;
	if (i == p->n)
		return true;
	if (router_state_file(lab, t->nodes[node].name, "http.pid", path,
			      sizeof(path)) < 0)
		return false;
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	return atol(line) == (long)p->id[i].pid;
}

int daemon_wait_ready(const char *lab, const struct topo *t, size_t node,
		      const struct daemon_procs *p, unsigned timeout_ms)
{
	const struct daemon_ops *ops = daemon_ops_of(t->nodes[node].daemon);
	struct timespec nap = { 0, 5 * 1000 * 1000 }, deadline;
	size_t i;

	if (!ops)
		return -EINVAL;
	deadline_in(&deadline, timeout_ms);
	for (;;) {
		for (i = 0; i < p->n; i++)
			if (!proc_id_alive(&p->id[i]))
				return -ECHILD;
		if (ops->ready(lab, t, node) == 0 && http_ready(lab, t, node, p))
			return 0;
		if (deadline_passed(&deadline))
			return -ETIMEDOUT;
		nanosleep(&nap, NULL);
	}
}

void daemon_proc_gone(const char *role, const struct proc_id *id)
{
	char dir[64], path[64 + 256 + 2], st[256] = "", *p;
	struct dirent *de;
	FILE *f;
	DIR *d;

	/* FRR's daemons keep a crash log buffer in /var/tmp/frr/<name>.<pid>
	 * and remove it when they exit cleanly; a SIGKILL leaves it. */
	if ((strcmp(role, "zebra") && strcmp(role, "bgpd")) || proc_id_alive(id))
		return;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)id->pid);
	f = fopen(path, "re");
	if (f) {
		if (!fgets(st, sizeof(st), f))
			st[0] = '\0';
		fclose(f);
	}
	/* "4242 (bgpd) S ...": the pid was taken by another FRR process,
	 * alive, whose directory this now is. */
	snprintf(path, sizeof(path), "(%s) ", role);
	p = strstr(st, path);
	if (p && p[strlen(path)] != 'Z' && p[strlen(path)] != 'X')
		return;
	snprintf(dir, sizeof(dir), "/var/tmp/frr/%s.%d", role, (int)id->pid);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' && (!de->d_name[1] ||
		    (de->d_name[1] == '.' && !de->d_name[2])))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static uint64_t daemon_rss_kb(pid_t pid)
{
	char path[64];
	long pages, res;
	FILE *f;
	int k;

	snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	k = fscanf(f, "%ld %ld", &pages, &res);
	fclose(f);
	return k == 2 && res > 0 ?
	       (uint64_t)res * (uint64_t)(sysconf(_SC_PAGESIZE) / 1024) : 0;
}

int daemon_status(const char *lab, const struct topo *t, size_t node,
		  const struct daemon_procs *p, unsigned timeout_ms,
		  struct snap_router *sr)
{
	const struct daemon_ops *ops = daemon_ops_of(t->nodes[node].daemon);
	size_t i;
	int r;

	if (!ops)
		return -EINVAL;
	if (p->nalive < p->n)
		return -ESRCH;
	r = ops->status(lab, t, node, timeout_ms, sr);
	if (r < 0)
		return r;
	/* The process that speaks BGP (bird, bgpd) is the one to name;
	 * memory counts every process of the node. */
	sr->pid = p->n ? p->id[p->speaker].pid : 0;
	sr->rss_kb = 0;
	for (i = 0; i < p->n; i++)
		sr->rss_kb += daemon_rss_kb(p->id[i].pid);
	return 0;
}

int daemon_announce(const char *lab, const struct topo *t, size_t node,
		    bool on, char *err, size_t n)
{
	const struct daemon_ops *ops = daemon_ops_of(t->nodes[node].daemon);

	if (!ops) {
		snprintf(err, n, "%s runs no daemon anycastlab starts",
			 t->nodes[node].name);
		return -EINVAL;
	}
	return ops->announce(lab, t, node, on, err, n);
}

int daemon_routes(const char *lab, const struct topo *t, size_t node,
		  const char *peer, daemon_route_fn fn, void *ctx, char *err,
		  size_t n)
{
	const struct daemon_ops *ops = daemon_ops_of(t->nodes[node].daemon);

	if (!ops) {
		snprintf(err, n, "%s runs no daemon anycastlab starts",
			 t->nodes[node].name);
		return -EINVAL;
	}
	return ops->routes(lab, t, node, peer, fn, ctx, err, n);
}

void daemon_cli_hint(const char *lab, const struct topo *t, size_t node,
		     char *buf, size_t n)
{
	const struct daemon_ops *ops = daemon_ops_of(t->nodes[node].daemon);

	if (ops)
		ops->hint(lab, t->nodes[node].name, buf, n);
	else
		daemon_copy(buf, n, "");
}

size_t daemon_originated(const struct topo *t, size_t node,
			 struct prefix4 *out, size_t max)
{
	size_t k, n = 0;

	if (max && t->nodes[node].router_id) {
		out[n].addr = t->nodes[node].router_id;
		out[n++].len = 32;
	}
	for (k = 0; k < t->nlinks && n < max; k++) {
		const struct topo_link *l = &t->links[k];

		if ((l->a == node || l->b == node) &&
		    t->nodes[topo_link_peer(l, node)].kind == TOPO_KIND_USER)
			out[n++] = l->net;
	}
	return n;
}

long daemon_peer_by_addr(const struct topo *t, size_t node, uint32_t addr)
{
	size_t k;

	for (k = 0; k < t->nlinks; k++) {
		const struct topo_link *l = &t->links[k];

		if (l->a != node && l->b != node)
			continue;
		if (topo_link_addr(l, topo_link_peer(l, node)) == addr)
			return (long)topo_link_peer(l, node);
	}
	return -1;
}

int daemon_sock_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

int daemon_sock_write(int fd, const void *p, size_t len,
		      const struct timespec *deadline)
{
	const char *c = p;
	ssize_t w;
	int r;

	while (len) {
		r = deadline_poll(fd, POLLOUT, deadline);
		if (r < 0)
			return r;
		w = send(fd, c, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		c += w;
		len -= (size_t)w;
	}
	return 0;
}

long daemon_sock_reply(int fd, struct dbuf *raw,
		       size_t (*complete)(const char *raw, size_t len),
		       const struct timespec *deadline)
{
	size_t done;
	ssize_t k;
	int r;

	for (;;) {
		done = dbuf_len(raw) ?
		       complete((const char *)dbuf_data(raw), dbuf_len(raw)) : 0;
		if (done)
			return (long)done;
		/* A full table of a lab is far smaller; anything this big is
		 * not a reply we understand. */
		if (dbuf_len(raw) > (64u << 20))
			return -EMSGSIZE;
		r = deadline_poll(fd, POLLIN, deadline);
		if (r < 0)
			return r;
		if (dbuf_reserve(raw, 65536) < 0)
			return -ENOMEM;
		k = recv(fd, raw->p + raw->tail, raw->cap - raw->tail, MSG_DONTWAIT);
		if (k < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		if (k == 0)
			return -ECONNRESET;
		dbuf_commit(raw, (size_t)k);
	}
}

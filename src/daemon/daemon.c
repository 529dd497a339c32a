/*
 * The speaker table (see daemon.h) and what its rows share: which
 * processes a node runs and which of them are alive, starting a daemon
 * journaled in the node's namespace, waiting for its control sockets,
 * and the socket plumbing the clients of BIRD and FRR share.  What each
 * kind does differently is its row: builtin.c, bird.c, frr.c, none.c.
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

/* The table: one row per kind, in the order `up` names them. */
static const struct daemon_ops *const daemon_table[] = {
	&daemon_builtin_ops, &daemon_bird_ops, &daemon_frr_ops,
	&daemon_none_ops,
};

#define DAEMON_NKINDS	(sizeof(daemon_table) / sizeof(daemon_table[0]))

/* d's row; DEFAULT (never left on a planned router) reads as builtin. */
static const struct daemon_ops *row(enum topo_daemon d)
{
	size_t i;

	for (i = 0; i < DAEMON_NKINDS; i++)
		if (daemon_table[i]->kind == d)
			return daemon_table[i];
	return &daemon_builtin_ops;
}

static const struct daemon_ops *node_row(const struct topo *t, size_t node)
{
	return row(t->nodes[node].daemon);
}

size_t daemon_nkinds(void)
{
	return DAEMON_NKINDS;
}

enum topo_daemon daemon_kind(size_t i)
{
	return daemon_table[i < DAEMON_NKINDS ? i : 0]->kind;
}

size_t daemon_node_roles(const struct topo *t, size_t node,
			 const char *roles[DAEMON_MAX_PROCS], size_t *speaker)
{
	const struct daemon_ops *ops = node_row(t, node);
	size_t n = 0;

	*speaker = 0;
	if (t->nodes[node].kind == TOPO_KIND_USER)
		return 0;
	for (; n < ops->nroles && n < DAEMON_MAX_PROCS; n++)
		roles[n] = ops->roles[n];
	if (n)
		*speaker = n - 1;
	if (ops->http_beside && t->nodes[node].kind == TOPO_KIND_POP &&
	    n < DAEMON_MAX_PROCS)
		roles[n++] = HTTP_ROLE;
	return n;
}

const char *daemon_title(enum topo_daemon d)
{
	return row(d)->title;
}

const char *daemon_noun(enum topo_daemon d)
{
	return row(d)->noun;
}

const char *daemon_summary(enum topo_daemon d)
{
	return row(d)->summary;
}

bool daemon_named(enum topo_daemon d)
{
	return row(d)->named;
}

bool daemon_explains(enum topo_daemon d)
{
	return row(d)->explains;
}

bool daemon_kind_managed(enum topo_daemon d)
{
	return d != TOPO_DAEMON_DEFAULT && row(d)->managed;
}

const char *daemon_package(enum topo_daemon d)
{
	return row(d)->package;
}

int daemon_installed(enum topo_daemon d)
{
	const struct daemon_ops *ops = row(d);
	size_t i;

	for (i = 0; ops->program && i < ops->nroles; i++)
		if (!ops->program(i))
			return -ENOENT;
	return 0;
}

bool daemon_managed(const struct topo *t, size_t node)
{
	return t->nodes[node].kind != TOPO_KIND_USER && node_row(t, node)->managed;
}

int daemon_need_managed(const struct topo *t, size_t node, struct err *e)
{
	if (node_row(t, node)->managed)
		return 0;
	return err_set(e, -EINVAL, "%s runs a daemon of your own (daemon: %s): "
		       "anycastlab does not manage it", t->nodes[node].name,
		       topo_daemon_name(t->nodes[node].daemon));
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

const char *daemon_program_role(const char *prog)
{
	size_t i, k;

	for (i = 0; i < DAEMON_NKINDS; i++)
		for (k = 0; daemon_table[i]->program && k < daemon_table[i]->nroles; k++)
			if (!strcmp(prog, daemon_table[i]->roles[k]))
				return daemon_table[i]->roles[k];
	return NULL;
}

/* The row one of whose processes has role, or NULL ("http", ""). */
static const struct daemon_ops *role_row(const char *role)
{
	size_t i, k;

	for (i = 0; i < DAEMON_NKINDS; i++)
		for (k = 0; daemon_table[i]->program && k < daemon_table[i]->nroles; k++)
			if (!strcmp(role, daemon_table[i]->roles[k]))
				return daemon_table[i];
	return NULL;
}

/* The program a process of role runs, and the user it runs as besides
 * root: ourselves for the built-in router and the web server, the
 * executed daemons' programs as their rows' users. */
static void daemon_role_owner(const char *role, char *prog, size_t n,
			      uid_t *uid)
{
	const struct daemon_ops *ops = role_row(role);
	char exe[PATH_MAX], *base;
	struct passwd *pw;
	gid_t gid;
	ssize_t k;

	if (ops) {
		snprintf(prog, n, "%s", role);
		pw = ops->user ? getpwnam(ops->user) : NULL;
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

size_t daemon_procs_frozen(const struct daemon_procs *p)
{
	size_t k, n = 0;

	for (k = 0; k < p->n; k++)
		n += p->alive[k] && proc_stopped(p->id[k].pid);
	return n;
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

int daemon_exec_start(struct journal *j, const char *lab, const struct topo *t,
		      size_t node, bool lab_start, struct daemon_procs *p,
		      struct err *e)
{
	const struct daemon_ops *ops = node_row(t, node);
	const struct topo_node *nd = &t->nodes[node];
	char store[DAEMON_ARGV_MAX][STATE_PATH_MAX], log[STATE_PATH_MAX];
	char pidfile[STATE_PATH_MAX];
	const char *argv[DAEMON_ARGV_MAX + 1], *roles[DAEMON_MAX_PROCS];
	size_t i, nroles;
	int r;

	(void)lab_start;
	memset(p, 0, sizeof(*p));
	nroles = daemon_node_roles(t, node, roles, &p->speaker);
	r = router_state_file(lab, nd->name, "log", log, sizeof(log));
	if (r == 0)
		r = router_state_file(lab, nd->name, "http.pid", pidfile,
				      sizeof(pidfile));
	if (r == 0)
		r = ops->write_config(lab, t, node);
	if (r == -EOPNOTSUPP && nd->unknown_attrs_discard) {
		err_set(e, r, "node '%s': unknown-attributes: discard cannot "
			 "be expressed for %s, which passes unknown optional "
			 "transitive attributes on and has no setting to drop "
			 "them; use daemon: builtin or unknown-attributes: pass",
			 nd->name, ops->title);
		return r;
	}
	if (r < 0) {
		return err_set(e, r, "cannot write the %s configuration of "
			       "%s: %s", ops->title, nd->name, strerror(-r));
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
			err_set(e, r, "cannot start %s of %s: %s", roles[i],
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

int daemon_exec_wait(const char *lab, const struct topo *t, size_t node,
		     const struct daemon_procs *p, unsigned timeout_ms)
{
	const struct daemon_ops *ops = node_row(t, node);
	struct timespec nap = { 0, 5 * 1000 * 1000 }, deadline;
	size_t i;

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
	const struct daemon_ops *ops = role_row(role);

	if (ops && ops->gone && !proc_id_alive(id))
		ops->gone(role, id);
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

int daemon_exec_status(const char *lab, const struct topo *t, size_t node,
		       const struct daemon_procs *p, unsigned timeout_ms,
		       struct snap_router *sr)
{
	size_t i;
	int r;

	if (p->nalive < p->n)
		return -ESRCH;
	r = node_row(t, node)->query(lab, t, node, timeout_ms, sr);
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

/* The rows' operations, for any node: */

int daemon_start(struct journal *j, const char *lab, const struct topo *t,
		 size_t node, bool lab_start, struct daemon_procs *p,
		 struct err *e)
{
	int r = daemon_need_managed(t, node, e);

	memset(p, 0, sizeof(*p));
	return r < 0 ? r : node_row(t, node)->start(j, lab, t, node, lab_start,
						    p, e);
}

int daemon_wait_ready(const char *lab, const struct topo *t, size_t node,
		      const struct daemon_procs *p, unsigned timeout_ms)
{
	const struct daemon_ops *ops = node_row(t, node);

	return ops->managed ? ops->wait_ready(lab, t, node, p, timeout_ms) :
	       -EINVAL;
}

bool daemon_held(const struct topo *t, size_t node)
{
	return node_row(t, node)->held;
}

void daemon_release(struct daemon_procs *p)
{
	if (p->holding)
		spawn_release(&p->hold);
	p->holding = false;
}

int daemon_status(const char *lab, const struct topo *t, size_t node,
		  const struct daemon_procs *p, unsigned timeout_ms,
		  struct snap_router *sr)
{
	return node_row(t, node)->status(lab, t, node, p, timeout_ms, sr);
}

int daemon_announce(const char *lab, const struct topo *t, size_t node,
		    bool on, struct err *e)
{
	return node_row(t, node)->announce(lab, t, node, on, e);
}

/* Collected, then ordered by address and length (BIRD lists networks
 * in its hash order), the best path of a prefix first. */
struct route_set {
	struct daemon_route *v;
	size_t n, cap;
};

static int route_collect(void *ctx, const struct daemon_route *dr)
{
	struct route_set *s = ctx;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct daemon_route *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *dr;
	return 0;
}

static int route_cmp(const void *a, const void *b)
{
	const struct daemon_route *x = a, *y = b;
	struct prefix4 px = { 0, 0 }, py = { 0, 0 };

	prefix4_parse(x->prefix, &px);
	prefix4_parse(y->prefix, &py);
	if (px.addr != py.addr)
		return px.addr < py.addr ? -1 : 1;
	if (px.len != py.len)
		return px.len < py.len ? -1 : 1;
	return y->best - x->best;
}

int daemon_routes(const char *lab, const struct topo *t, size_t node,
		  const char *peer, daemon_route_fn fn, void *ctx,
		  struct err *e)
{
	struct route_set set = { 0 };
	size_t i;
	int r;

	r = node_row(t, node)->routes(lab, t, node, peer, route_collect, &set,
				      e);
	if (r == -ENOMEM)
		err_set(e, r, "out of memory");
	if (set.n)
		qsort(set.v, set.n, sizeof(*set.v), route_cmp);
	for (i = 0; i < set.n && r == 0; i++)
		r = fn(ctx, &set.v[i]);
	free(set.v);
	return r;
}

void daemon_cli_hint(const char *lab, const struct topo *t, size_t node,
		     char *buf, size_t n)
{
	node_row(t, node)->hint(lab, t->nodes[node].name, buf, n);
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

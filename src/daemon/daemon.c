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

const struct daemon_ops *daemon_row(const struct topo *t, size_t node)
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
	const struct daemon_ops *ops = daemon_row(t, node);
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
		roles[n++] = DAEMON_HTTP_ROLE;
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
	return t->nodes[node].kind != TOPO_KIND_USER && daemon_row(t, node)->managed;
}

int daemon_need_managed(const struct topo *t, size_t node, struct err *e)
{
	if (daemon_row(t, node)->managed)
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

void daemon_proc_gone(const char *role, const struct proc_id *id)
{
	const struct daemon_ops *ops = role_row(role);

	if (ops && ops->gone && !proc_id_alive(id))
		ops->gone(role, id);
}

/* The rows' operations, for any node: */

int daemon_check(const struct topo *t, size_t node, struct err *e)
{
	const struct daemon_ops *ops = daemon_row(t, node);
	struct topo_intent in;
	char msg[512];
	const char *why;
	int r;

	if (t->nodes[node].kind == TOPO_KIND_USER || !ops->cannot)
		return 0;
	r = topo_intent_build(t, node, &in);
	if (r < 0)
		return err_set(e, r, "%s: %s", t->nodes[node].name, strerror(-r));
	why = ops->cannot(t, &in, msg, sizeof(msg));
	topo_intent_free(&in);
	return why ? err_set(e, -EOPNOTSUPP, "%s", why) : 0;
}

int daemon_check_topo(const struct topo *t, struct topo_diags *d)
{
	struct err e;
	size_t i;
	int n = 0, r;

	for (i = 0; i < t->nnodes; i++) {
		r = daemon_check(t, i, &e);
		if (r == -ENOMEM)
			return r;
		if (r == 0)
			continue;
		if (topo_diag_add(d, t->nodes[i].pos, "%s", e.msg) < 0)
			return -ENOMEM;
		n++;
	}
	return n;
}

int daemon_start(struct journal *j, const char *lab, const struct topo *t,
		 size_t node, bool lab_start, struct daemon_procs *p,
		 struct err *e)
{
	int r = daemon_need_managed(t, node, e);

	memset(p, 0, sizeof(*p));
	return r < 0 ? r : daemon_row(t, node)->start(j, lab, t, node, lab_start,
						    p, e);
}

int daemon_wait_ready(const char *lab, const struct topo *t, size_t node,
		      const struct daemon_procs *p, unsigned timeout_ms)
{
	const struct daemon_ops *ops = daemon_row(t, node);

	return ops->managed ? ops->wait_ready(lab, t, node, p, timeout_ms) :
	       -EINVAL;
}

bool daemon_held(const struct topo *t, size_t node)
{
	return daemon_row(t, node)->held;
}

void daemon_release(struct daemon_procs *p)
{
	if (p->holding)
		spawn_release(&p->hold);
	p->holding = false;
}

int daemon_status(const char *lab, const struct topo *t, size_t node,
		  const struct journal_rec *v, size_t nv, unsigned timeout_ms,
		  struct snap_router *sr)
{
	const struct daemon_ops *ops = daemon_row(t, node);
	struct daemon_procs p;

	memset(&p, 0, sizeof(p));
	if (ops->status_procs)
		daemon_procs_find(v, nv, t, node, &p);
	return ops->status(lab, t, node, &p, timeout_ms, sr);
}

bool daemon_status_journal(const struct topo *t, size_t node)
{
	return daemon_managed(t, node) && daemon_row(t, node)->status_procs;
}

int daemon_shape(const char *lab, const struct topo *t, size_t node,
		 const struct daemon_shape *s, struct err *e)
{
	const struct daemon_ops *o = daemon_row(t, node);

	if (!o->shape)
		return err_set(e, -EOPNOTSUPP, "%s runs %s, whose announcement anycastlab cannot change while the lab runs; set prepend, announce and communities in the file and run up again",
			       t->nodes[node].name, o->title);
	return o->shape(lab, t, node, s, e);
}

int daemon_announce(const char *lab, const struct topo *t, size_t node,
		    bool on, struct err *e)
{
	return daemon_row(t, node)->announce(lab, t, node, on, e);
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
	const struct daemon_ops *ops = daemon_row(t, node);
	struct route_set set = { 0 };
	size_t i;
	int r;

	/* A table in the RIB's order streams through: it can be large. */
	if (ops->ordered)
		return ops->routes(lab, t, node, peer, fn, ctx, e);
	r = ops->routes(lab, t, node, peer, route_collect, &set, e);
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
	daemon_row(t, node)->hint(lab, t->nodes[node].name, buf, n);
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


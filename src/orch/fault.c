/*
 * Failure injection (see fault.h).  Signals go only to the router
 * processes recorded in the lab's journal (one for the built-in speaker
 * and BIRD, zebra and bgpd for FRR), checked by pid and start time; links
 * are cut by setting both ends down through netlink in their namespaces.
 * BIRD and FRR withdraw and announce through their own control sockets.
 */
#include "orch/fault.h"
#include "daemon/daemon.h"
#include "run/journal.h"
#include "run/spawn.h"
#include "run/state.h"
#include "net/link.h"
#include "net/netns.h"
#include "net/route.h"
#include "net/rtsock.h"
#include "router/ctl.h"
#include "router/ctlmsg.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

uint64_t fault_acted_ns;

static void acted(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	fault_acted_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int say(char *msg, size_t n, int r, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int say(char *msg, size_t n, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, n, fmt, ap);
	va_end(ap);
	return r;
}

bool fault_frozen(const struct proc_id *id)
{
	char path[64], buf[512], *p;
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)id->pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && (p[2] == 'T' || p[2] == 't');
}

static int need_router(const struct topo *t, size_t node, char *msg, size_t n)
{
	if (t->nodes[node].kind == TOPO_KIND_USER)
		return say(msg, n, -EINVAL, "%s is a user: it runs no router",
			   t->nodes[node].name);
	if (t->nodes[node].daemon == TOPO_DAEMON_NONE)
		return say(msg, n, -EINVAL, "%s runs a daemon of your own "
			   "(daemon: none): anycastlab does not manage it",
			   t->nodes[node].name);
	return 0;
}

/* What runs: "pid 4242", "BIRD 2, pid 4242", "FRR, zebra pid 4250, bgpd
 * pid 4251". */
static void who(const struct topo *t, size_t node, const struct daemon_procs *p,
		char *buf, size_t n)
{
	char pids[96];

	daemon_procs_str(p, pids, sizeof(pids));
	if (t->nodes[node].daemon == TOPO_DAEMON_BUILTIN)
		snprintf(buf, n, "%s", pids);
	else
		snprintf(buf, n, "%s, %s", daemon_title(t->nodes[node].daemon), pids);
}

/* Wait (up to a second each) until the processes are gone, then clean
 * what they leave behind outside the lab. */
static void wait_gone(const struct daemon_procs *p)
{
	struct timespec ts = { 0, 500 * 1000 };
	size_t k;
	int i;

	for (k = 0; k < p->n; k++) {
		if (!p->alive[k])
			continue;
		for (i = 0; i < 2000 && proc_id_alive(&p->id[k]); i++)
			nanosleep(&ts, NULL);
		daemon_proc_gone(p->role[k], &p->id[k]);
	}
}

int fault_kill(const char *lab, const struct topo *t, size_t node,
	       char *msg, size_t n)
{
	const char *name = t->nodes[node].name;
	struct daemon_procs p;
	char desc[192];
	size_t k;
	int r = 0, e;

	r = need_router(t, node, msg, n);
	if (r < 0)
		return r;
	if (daemon_procs_load(lab, t, node, &p) < 0 || !p.nalive)
		return say(msg, n, -ESRCH, "the router of %s is not running "
			   "('anycastlab revive %s' starts it)", name, name);
	who(t, node, &p, desc, sizeof(desc));
	/* The BGP speaker first (FRR's bgpd starts last): its peers see
	 * the crash, whatever order the rest dies in. */
	for (k = p.n; k-- > 0;) {
		if (!p.alive[k])
			continue;
		e = proc_kill(&p.id[k], SIGKILL);
		if (e < 0 && r == 0)
			r = e;
	}
	acted();
	if (r < 0)
		return say(msg, n, r, "cannot kill the router of %s: %s", name,
			   strerror(-r));
	/* Return once it is gone, so what follows sees it dead. */
	wait_gone(&p);
	return say(msg, n, 0, "killed the router of %s (%s) with SIGKILL",
		   name, desc);
}

int fault_revive(const char *lab, const struct topo *t, size_t node,
		 char *msg, size_t n)
{
	const char *name = t->nodes[node].name;
	struct daemon_procs p;
	struct journal j;
	struct spawned s;
	char desc[192], err[256];
	size_t failed = 0, k;
	bool frozen = false;
	int r;

	r = need_router(t, node, msg, n);
	if (r < 0)
		return r;
	r = daemon_procs_load(lab, t, node, &p);
	if (r < 0)
		return say(msg, n, r, "cannot read the journal: %s", strerror(-r));
	for (k = 0; k < p.n; k++)
		frozen |= p.alive[k] && fault_frozen(&p.id[k]);
	if (p.n && p.nalive == p.n) {
		who(t, node, &p, desc, sizeof(desc));
		return say(msg, n, -EALREADY, "the router of %s is running already "
			   "(%s)%s", name, desc, frozen ?
			   "; it is frozen: 'anycastlab thaw' wakes it" : "");
	}
	/* Half an FRR (zebra without bgpd, or the reverse) is restarted
	 * whole, from the same configuration. */
	for (k = 0; k < p.n; k++) {
		if (p.alive[k]) {
			proc_stop(&p.id[k], 1000);
			daemon_proc_gone(p.role[k], &p.id[k]);
		}
	}
	r = journal_open(&j, lab);
	if (r < 0)
		return say(msg, n, r, "cannot write the journal: %s", strerror(-r));
	if (t->nodes[node].daemon != TOPO_DAEMON_BUILTIN) {
		r = daemon_start(&j, lab, t, node, &p, err, sizeof(err));
		journal_close(&j);
		if (r < 0)
			return say(msg, n, r, "%s", err);
		r = daemon_wait_ready(lab, t, node, &p, 10000);
		acted();
		if (r < 0)
			return say(msg, n, r, "the %s of %s did not start; see "
				   "%s/%s/%s.log", daemon_title(t->nodes[node].daemon),
				   name, STATE_ROOT, lab, name);
		who(t, node, &p, desc, sizeof(desc));
		return say(msg, n, 0, "revived the router of %s (%s)", name, desc);
	}
	r = spawn_router(&j, lab, name, false, &s);
	journal_close(&j);
	if (r < 0)
		return say(msg, n, r, "cannot start the router of %s: %s", name,
			   strerror(-r));
	r = spawn_wait_ready(&s, 1, 10000, &failed);
	spawn_release(&s);
	acted();
	if (r < 0)
		return say(msg, n, r, "the router of %s did not start; see %s/%s/%s.log",
			   name, STATE_ROOT, lab, name);
	return say(msg, n, 0, "revived the router of %s (pid %d)", name,
		   (int)s.id.pid);
}

struct ctl_answer {
	bool ok;
	char err[128];
};

static int answer_rec(void *ctx, const struct ctl_rec *r)
{
	struct ctl_answer *a = ctx;

	if (!strcmp(r->kind, "ok"))
		a->ok = true;
	else if (!strcmp(r->kind, "error"))
		snprintf(a->err, sizeof(a->err), "%s",
			 ctl_get(r, "msg") ? ctl_get(r, "msg") : "refused");
	return 0;
}

int fault_announce(const char *lab, const struct topo *t, size_t node,
		   bool on, char *msg, size_t n)
{
	const char *name = t->nodes[node].name;
	struct ctl_answer a = { 0 };
	char sock[STATE_PATH_MAX];
	int r;

	if (t->nodes[node].daemon == TOPO_DAEMON_NONE)
		return need_router(t, node, msg, n);
	if (t->nodes[node].kind != TOPO_KIND_POP)
		return say(msg, n, -EINVAL, "%s is %s %s: only a POP announces the "
			   "anycast prefix", name,
			   t->nodes[node].kind == TOPO_KIND_ISP ? "an" : "a",
			   topo_kind_name(t->nodes[node].kind));
	if (t->nodes[node].daemon != TOPO_DAEMON_BUILTIN) {
		acted();
		r = daemon_announce(lab, t, node, on, msg, n);
		if (r < 0)
			return r;
		return say(msg, n, 0, "%s %s the anycast prefix", name,
			   on ? "announces" : "withdrew");
	}
	router_state_file(lab, name, "sock", sock, sizeof(sock));
	acted();
	r = ctl_request(sock, on ? "announce" : "withdraw", 3000, answer_rec, &a);
	if (r < 0)
		return say(msg, n, -ESRCH, "the router of %s does not answer (%s)",
			   name, strerror(-r));
	if (!a.ok)
		return say(msg, n, -EALREADY, "%s: %s", name, a.err);
	return say(msg, n, 0, "%s %s the anycast prefix", name,
		   on ? "announces" : "withdrew");
}

/* An rtnetlink socket in node's namespace. */
static int node_rtsock(const struct topo *t, size_t node, struct nl_sock **sk)
{
	int fd = netns_open(t->nodes[node].netns), r;

	if (fd < 0)
		return fd;
	r = rtsock_open(fd, sk);
	close(fd);
	return r;
}

static int link_end(const struct topo *t, size_t node, size_t peer, bool up)
{
	struct nl_sock *sk;
	int r, ifi;

	r = node_rtsock(t, node, &sk);
	if (r < 0)
		return r;
	ifi = link_index(sk, t->nodes[peer].name);
	r = ifi < 0 ? ifi : link_set_up(sk, ifi, up);
	rtsock_close(sk);
	return r;
}

static int link_is_up(const struct topo *t, size_t node, size_t peer)
{
	struct link_state st;
	struct nl_sock *sk;
	int r;

	r = node_rtsock(t, node, &sk);
	if (r < 0)
		return r;
	r = link_get(sk, t->nodes[peer].name, &st);
	rtsock_close(sk);
	return r < 0 ? r : st.up;
}

/*
 * The routes `up` installed over a link that the kernel dropped with the
 * carrier: a user's default route via its ISP.  1 when one was put back,
 * 0 when it was there, or -errno.
 */
static int restore_routes(const struct topo *t, size_t node)
{
	static const struct prefix4 any = { 0, 0 };
	const struct topo_node *nd = &t->nodes[node];
	struct nl_sock *sk;
	uint32_t gw;
	int r;

	if (nd->kind != TOPO_KIND_USER)
		return 0;
	r = node_rtsock(t, node, &sk);
	if (r < 0)
		return r;
	r = route_find(sk, &any, &gw);
	if (r == 0 && gw == nd->gateway) {
		rtsock_close(sk);
		return 0;
	}
	r = route_replace(sk, &any, nd->gateway, 0);
	rtsock_close(sk);
	return r < 0 ? r : 1;
}

int fault_cut(const char *lab, const struct topo *t, size_t a, size_t b,
	      bool cut, char *msg, size_t n)
{
	const char *an = t->nodes[a].name, *bn = t->nodes[b].name;
	const char *fixed = NULL;
	int ua, ub, r, ra = 0, rb = 0;

	(void)lab;
	if (!topo_link_find(t, a, b))
		return say(msg, n, -ENOENT, "there is no link between %s and %s",
			   an, bn);
	ua = link_is_up(t, a, b);
	ub = link_is_up(t, b, a);
	if (ua < 0 || ub < 0)
		return say(msg, n, ua < 0 ? ua : ub, "cannot read link %s-%s: %s",
			   an, bn, strerror(-(ua < 0 ? ua : ub)));
	if (cut && !ua && !ub)
		return say(msg, n, -EALREADY, "link %s-%s is cut already", an, bn);
	if (cut || !(ua && ub)) {
		/* The moment of the failure is the instant before the first
		 * end changes, not after. */
		acted();
		r = link_end(t, a, b, !cut);
		if (r == 0)
			r = link_end(t, b, a, !cut);
		if (r < 0)
			return say(msg, n, r, "cannot set link %s-%s %s: %s", an,
				   bn, cut ? "down" : "up", strerror(-r));
		if (cut)
			return say(msg, n, 0, "cut link %s-%s: both ends are down",
				   an, bn);
	}
	/* Healing, or asked to heal a link that is up: whatever `up` routed
	 * over it comes back either way. */
	ra = restore_routes(t, a);
	rb = restore_routes(t, b);
	if (ra < 0 || rb < 0)
		return say(msg, n, ra < 0 ? ra : rb, "link %s-%s is up, but the "
			   "default route of %s could not be restored: %s", an, bn,
			   ra < 0 ? an : bn, strerror(-(ra < 0 ? ra : rb)));
	if (ra > 0 || rb > 0)
		fixed = ra > 0 ? an : bn;
	if (ua && ub)
		return fixed ? say(msg, n, 0, "link %s-%s is not cut; restored the "
				   "default route of %s", an, bn, fixed) :
		       say(msg, n, -EALREADY, "link %s-%s is not cut", an, bn);
	return fixed ? say(msg, n, 0, "healed link %s-%s: both ends are up, and "
			   "%s has its default route again", an, bn, fixed) :
	       say(msg, n, 0, "healed link %s-%s: both ends are up", an, bn);
}

int fault_freeze(const char *lab, const struct topo *t, size_t node,
		 bool freeze, char *msg, size_t n)
{
	const char *name = t->nodes[node].name;
	struct daemon_procs p;
	size_t k, stopped = 0;
	int r = 0, e;

	r = need_router(t, node, msg, n);
	if (r < 0)
		return r;
	if (daemon_procs_load(lab, t, node, &p) < 0 || !p.nalive)
		return say(msg, n, -ESRCH, "the router of %s is not running", name);
	for (k = 0; k < p.n; k++)
		stopped += p.alive[k] && fault_frozen(&p.id[k]);
	if ((freeze && stopped == p.nalive) || (!freeze && !stopped))
		return say(msg, n, -EALREADY, "the router of %s is %s", name,
			   freeze ? "frozen already" : "not frozen");
	for (k = p.n; k-- > 0;) {
		if (!p.alive[k])
			continue;
		e = proc_kill(&p.id[k], freeze ? SIGSTOP : SIGCONT);
		if (e < 0 && r == 0)
			r = e;
	}
	acted();
	if (r < 0)
		return say(msg, n, r, "cannot signal the router of %s: %s", name,
			   strerror(-r));
	return say(msg, n, 0, freeze ?
		   "froze the router of %s (SIGSTOP): its links stay up, only the "
		   "hold timer will notice" : "thawed the router of %s (SIGCONT)",
		   name);
}

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
#include "run/state.h"
#include "net/link.h"
#include "net/netns.h"
#include "net/route.h"
#include "net/rtsock.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int did(struct fault_done *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int did(struct fault_done *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	return 0;
}

static int need_router(const struct topo *t, size_t node, struct err *e)
{
	if (t->nodes[node].kind == TOPO_KIND_USER)
		return err_set(e, -EINVAL, "%s is a user: it runs no router",
			       t->nodes[node].name);
	return daemon_need_managed(t, node, e);
}

/* What runs: "pid 4242", "BIRD 2, pid 4242", "FRR, zebra pid 4250, bgpd
 * pid 4251". */
static void who(const struct topo *t, size_t node, const struct daemon_procs *p,
		char *buf, size_t n)
{
	char pids[96];

	daemon_procs_str(p, pids, sizeof(pids));
	if (daemon_named(t->nodes[node].daemon))
		snprintf(buf, n, "%s, %s", daemon_title(t->nodes[node].daemon), pids);
	else
		snprintf(buf, n, "%s", pids);
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

static int fault_kill(const char *lab, const struct topo *t, size_t node,
		      struct fault_done *d, struct err *e)
{
	const char *name = t->nodes[node].name;
	struct daemon_procs p;
	char desc[192];
	size_t k;
	int r = 0, x;

	r = need_router(t, node, e);
	if (r < 0)
		return r;
	if (daemon_procs_load(lab, t, node, &p) < 0 || !p.nalive)
		return err_set(e, -ESRCH, "the router of %s is not running "
			       "('anycastlab revive %s' starts it)", name, name);
	who(t, node, &p, desc, sizeof(desc));
	/* The BGP speaker first (FRR's bgpd starts last): its peers see
	 * the crash, whatever order the rest dies in. */
	for (k = p.n; k-- > 0;) {
		if (!p.alive[k])
			continue;
		x = proc_kill(&p.id[k], SIGKILL);
		if (x < 0 && r == 0)
			r = x;
	}
	d->acted_ns = now_ns();
	if (r < 0)
		return err_set(e, r, "cannot kill the router of %s: %s", name,
			       strerror(-r));
	/* Return once it is gone, so what follows sees it dead. */
	wait_gone(&p);
	return did(d, "killed the router of %s (%s) with SIGKILL", name, desc);
}

static int fault_revive(const char *lab, const struct topo *t, size_t node,
			struct fault_done *d, struct err *e)
{
	const char *name = t->nodes[node].name;
	struct daemon_procs p;
	struct journal j;
	char desc[192];
	size_t k;
	int r;

	r = need_router(t, node, e);
	if (r < 0)
		return r;
	r = daemon_procs_load(lab, t, node, &p);
	if (r < 0)
		return err_set(e, r, "cannot read the journal: %s", strerror(-r));
	if (p.n && p.nalive == p.n) {
		who(t, node, &p, desc, sizeof(desc));
		return err_set(e, -EALREADY, "the router of %s is running already "
			       "(%s)%s", name, desc, daemon_procs_frozen(&p) ?
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
		return err_set(e, r, "cannot write the journal: %s", strerror(-r));
	r = daemon_start(&j, lab, t, node, false, &p, e);
	journal_close(&j);
	if (r < 0)
		return r;
	r = daemon_wait_ready(lab, t, node, &p, 10000);
	daemon_release(&p);
	d->acted_ns = now_ns();
	if (r < 0)
		return err_set(e, r, "the %s of %s did not start; see %s/%s/%s.log",
			       daemon_noun(t->nodes[node].daemon), name,
			       STATE_ROOT, lab, name);
	who(t, node, &p, desc, sizeof(desc));
	return did(d, "revived the router of %s (%s)", name, desc);
}

static int fault_announce(const char *lab, const struct topo *t, size_t node,
			  bool on, struct fault_done *d, struct err *e)
{
	const char *name = t->nodes[node].name;
	int r;

	r = daemon_need_managed(t, node, e);
	if (r < 0)
		return r;
	if (t->nodes[node].kind != TOPO_KIND_POP)
		return err_set(e, -EINVAL, "%s is %s %s: only a POP announces the "
			       "anycast prefix", name,
			       t->nodes[node].kind == TOPO_KIND_ISP ? "an" : "a",
			       topo_kind_name(t->nodes[node].kind));
	d->acted_ns = now_ns();
	r = daemon_announce(lab, t, node, on, e);
	if (r < 0)
		return r;
	return did(d, "%s %s the anycast prefix", name,
		   on ? "announces" : "withdrew");
}

int fault_shape(const char *lab, const struct topo *t, size_t pop,
		const struct daemon_shape *s, struct fault_done *d,
		struct err *e)
{
	const char *name = t->nodes[pop].name;
	char list[512];
	size_t i, o = 0;
	int r;

	memset(d, 0, sizeof(*d));
	e->msg[0] = '\0';
	r = daemon_need_managed(t, pop, e);
	if (r < 0)
		return r;
	if (t->nodes[pop].kind != TOPO_KIND_POP)
		return err_set(e, -EINVAL, "%s is %s %s: only a POP announces the "
			       "anycast prefix", name,
			       t->nodes[pop].kind == TOPO_KIND_ISP ? "an" : "a",
			       topo_kind_name(t->nodes[pop].kind));
	for (i = 0; i < s->npeers; i++) {
		size_t q = s->peers[i];
		const struct topo_link *l = topo_link_find(t, pop, q);

		if (!l || t->nodes[q].kind == TOPO_KIND_USER)
			return err_set(e, -EINVAL, "%s is not a neighbour of %s",
				       t->nodes[q].name, name);
		o += (size_t)snprintf(list + o, o < sizeof(list) ? sizeof(list) - o : 0,
				      "%s%s", i ? ", " : "", t->nodes[q].name);
	}
	if (s->op == DAEMON_SHAPE_PREPEND && s->prepend > BGP_PREPEND_MAX)
		return err_set(e, -EINVAL, "prepend %u is out of range 0..16", s->prepend);
	d->acted_ns = now_ns();
	r = daemon_shape(lab, t, pop, s, e);
	if (r < 0)
		return r;
	if (!s->npeers)
		snprintf(list, sizeof(list), "every neighbour");
	switch (s->op) {
	case DAEMON_SHAPE_WITHDRAW:
		return did(d, "%s withdrew the anycast prefix from %s", name, list);
	case DAEMON_SHAPE_ANNOUNCE:
		return did(d, "%s announces the anycast prefix to %s", name, list);
	case DAEMON_SHAPE_PREPEND:
		if (!s->prepend)
			return did(d, "%s no longer prepends toward %s", name, list);
		return did(d, "%s prepends its AS %u more time%s toward %s", name,
			   s->prepend, s->prepend == 1 ? "" : "s", list);
	}
	return 0;
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

static int fault_cut(const struct topo *t, size_t a, size_t b, bool cut,
		     struct fault_done *d, struct err *e)
{
	const char *an = t->nodes[a].name, *bn = t->nodes[b].name;
	const char *fixed = NULL;
	int ua, ub, r, ra = 0, rb = 0;

	if (!topo_link_find(t, a, b))
		return err_set(e, -ENOENT, "there is no link between %s and %s",
			   an, bn);
	ua = link_is_up(t, a, b);
	ub = link_is_up(t, b, a);
	if (ua < 0 || ub < 0)
		return err_set(e, ua < 0 ? ua : ub, "cannot read link %s-%s: %s",
			   an, bn, strerror(-(ua < 0 ? ua : ub)));
	if (cut && !ua && !ub)
		return err_set(e, -EALREADY, "link %s-%s is cut already", an, bn);
	if (cut || !(ua && ub)) {
		/* The moment of the failure is the instant before the first
		 * end changes, not after. */
		d->acted_ns = now_ns();
		r = link_end(t, a, b, !cut);
		if (r == 0)
			r = link_end(t, b, a, !cut);
		if (r < 0)
			return err_set(e, r, "cannot set link %s-%s %s: %s", an,
				   bn, cut ? "down" : "up", strerror(-r));
		if (cut)
			return did(d, "cut link %s-%s: both ends are down",
				   an, bn);
	}
	/* Healing, or asked to heal a link that is up: whatever `up` routed
	 * over it comes back either way. */
	ra = restore_routes(t, a);
	rb = restore_routes(t, b);
	if (ra < 0 || rb < 0)
		return err_set(e, ra < 0 ? ra : rb, "link %s-%s is up, but the "
			   "default route of %s could not be restored: %s", an, bn,
			   ra < 0 ? an : bn, strerror(-(ra < 0 ? ra : rb)));
	if (ra > 0 || rb > 0)
		fixed = ra > 0 ? an : bn;
	if (ua && ub)
		return fixed ? did(d, "link %s-%s is not cut; restored the "
				   "default route of %s", an, bn, fixed) :
		       err_set(e, -EALREADY, "link %s-%s is not cut", an, bn);
	return fixed ? did(d, "healed link %s-%s: both ends are up, and "
			   "%s has its default route again", an, bn, fixed) :
	       did(d, "healed link %s-%s: both ends are up", an, bn);
}

static int fault_freeze(const char *lab, const struct topo *t, size_t node,
			bool freeze, struct fault_done *d, struct err *e)
{
	const char *name = t->nodes[node].name;
	struct daemon_procs p;
	size_t k, stopped;
	int r = 0, x;

	r = need_router(t, node, e);
	if (r < 0)
		return r;
	if (daemon_procs_load(lab, t, node, &p) < 0 || !p.nalive)
		return err_set(e, -ESRCH, "the router of %s is not running", name);
	stopped = daemon_procs_frozen(&p);
	if ((freeze && stopped == p.nalive) || (!freeze && !stopped))
		return err_set(e, -EALREADY, "the router of %s is %s", name,
			   freeze ? "frozen already" : "not frozen");
	for (k = p.n; k-- > 0;) {
		if (!p.alive[k])
			continue;
		x = proc_kill(&p.id[k], freeze ? SIGSTOP : SIGCONT);
		if (x < 0 && r == 0)
			r = x;
	}
	d->acted_ns = now_ns();
	if (r < 0)
		return err_set(e, r, "cannot signal the router of %s: %s", name,
			   strerror(-r));
	return did(d, freeze ?
		   "froze the router of %s (SIGSTOP): its links stay up, only the "
		   "hold timer will notice" : "thawed the router of %s (SIGCONT)",
		   name);
}

unsigned fault_nodes(enum fault_verb v)
{
	return v == FAULT_CUT || v == FAULT_HEAL ? 2 : 1;
}

int fault_do(const char *lab, const struct topo *t, enum fault_verb v,
	     size_t a, size_t b, struct fault_done *done, struct err *e)
{
	memset(done, 0, sizeof(*done));
	e->msg[0] = '\0';
	switch (v) {
	case FAULT_KILL:
		return fault_kill(lab, t, a, done, e);
	case FAULT_REVIVE:
		return fault_revive(lab, t, a, done, e);
	case FAULT_WITHDRAW:
	case FAULT_ANNOUNCE:
		return fault_announce(lab, t, a, v == FAULT_ANNOUNCE, done, e);
	case FAULT_CUT:
	case FAULT_HEAL:
		return fault_cut(t, a, b, v == FAULT_CUT, done, e);
	case FAULT_FREEZE:
	case FAULT_THAW:
		return fault_freeze(lab, t, a, v == FAULT_FREEZE, done, e);
	}
	return err_set(e, -EINVAL, "no such failure");
}

/*
 * Failure injection (see fault.h).  Signals go only to the router process
 * recorded in the lab's journal, checked by pid and start time; links are
 * cut by setting both ends down through netlink in their namespaces.
 */
#include "orch/fault.h"
#include "orch/journal.h"
#include "orch/spawn.h"
#include "orch/state.h"
#include "net/link.h"
#include "net/netns.h"
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

int fault_router(const char *lab, const char *node, struct proc_id *id)
{
	struct journal_rec *v;
	size_t n, i;
	int r;

	r = journal_load(lab, &v, &n);
	if (r < 0)
		return r;
	r = -ESRCH;
	for (i = n; i-- > 0;) {
		if (v[i].kind != JOURNAL_PROC || strcmp(v[i].name, node))
			continue;
		if (proc_id_alive(&v[i].proc)) {
			*id = v[i].proc;
			r = 0;
		}
		break;
	}
	free(v);
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

int fault_kill(const char *lab, const struct topo *t, size_t node,
	       char *msg, size_t n)
{
	const char *name = t->nodes[node].name;
	struct proc_id id;
	int r, i;

	r = need_router(t, node, msg, n);
	if (r < 0)
		return r;
	if (fault_router(lab, name, &id) < 0)
		return say(msg, n, -ESRCH, "the router of %s is not running "
			   "('anycastlab revive %s' starts it)", name, name);
	r = proc_kill(&id, SIGKILL);
	acted();
	if (r < 0)
		return say(msg, n, r, "cannot kill the router of %s: %s", name,
			   strerror(-r));
	/* Return once it is gone, so what follows sees it dead. */
	for (i = 0; i < 2000 && proc_id_alive(&id); i++) {
		struct timespec ts = { 0, 500 * 1000 };

		nanosleep(&ts, NULL);
	}
	return say(msg, n, 0, "killed the router of %s (pid %d) with SIGKILL",
		   name, (int)id.pid);
}

int fault_revive(const char *lab, const struct topo *t, size_t node,
		 char *msg, size_t n)
{
	const char *name = t->nodes[node].name;
	struct journal j;
	struct spawned s;
	struct proc_id id;
	size_t failed = 0;
	int r;

	r = need_router(t, node, msg, n);
	if (r < 0)
		return r;
	if (fault_router(lab, name, &id) == 0)
		return say(msg, n, -EALREADY, "the router of %s is running already "
			   "(pid %d)%s", name, (int)id.pid, fault_frozen(&id) ?
			   "; it is frozen: 'anycastlab thaw' wakes it" : "");
	r = journal_open(&j, lab);
	if (r < 0)
		return say(msg, n, r, "cannot write the journal: %s", strerror(-r));
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

static int link_end(const struct topo *t, size_t node, size_t peer, bool up)
{
	struct nl_sock *sk;
	int fd, r, ifi;

	fd = netns_open(t->nodes[node].netns);
	if (fd < 0)
		return fd;
	r = rtsock_open(fd, &sk);
	close(fd);
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
	int fd, r;

	fd = netns_open(t->nodes[node].netns);
	if (fd < 0)
		return fd;
	r = rtsock_open(fd, &sk);
	close(fd);
	if (r < 0)
		return r;
	r = link_get(sk, t->nodes[peer].name, &st);
	rtsock_close(sk);
	return r < 0 ? r : st.up;
}

int fault_cut(const char *lab, const struct topo *t, size_t a, size_t b,
	      bool cut, char *msg, size_t n)
{
	const char *an = t->nodes[a].name, *bn = t->nodes[b].name;
	int ua, ub, r;

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
	if (!cut && ua && ub)
		return say(msg, n, -EALREADY, "link %s-%s is not cut", an, bn);
	r = link_end(t, a, b, !cut);
	acted();
	if (r == 0)
		r = link_end(t, b, a, !cut);
	if (r < 0)
		return say(msg, n, r, "cannot set link %s-%s %s: %s", an, bn,
			   cut ? "down" : "up", strerror(-r));
	return say(msg, n, 0, cut ? "cut link %s-%s: both ends are down" :
		   "healed link %s-%s: both ends are up", an, bn);
}

int fault_freeze(const char *lab, const struct topo *t, size_t node,
		 bool freeze, char *msg, size_t n)
{
	const char *name = t->nodes[node].name;
	struct proc_id id;
	int r;

	r = need_router(t, node, msg, n);
	if (r < 0)
		return r;
	if (fault_router(lab, name, &id) < 0)
		return say(msg, n, -ESRCH, "the router of %s is not running", name);
	if (fault_frozen(&id) == freeze)
		return say(msg, n, -EALREADY, "the router of %s is %s", name,
			   freeze ? "frozen already" : "not frozen");
	r = proc_kill(&id, freeze ? SIGSTOP : SIGCONT);
	acted();
	if (r < 0)
		return say(msg, n, r, "cannot signal the router of %s: %s", name,
			   strerror(-r));
	return say(msg, n, 0, freeze ?
		   "froze the router of %s (SIGSTOP): its links stay up, only the "
		   "hold timer will notice" : "thawed the router of %s (SIGCONT)",
		   name);
}

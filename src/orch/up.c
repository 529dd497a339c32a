/*
 * Bring a lab up: the plan becomes namespaces, veth pairs, addresses,
 * sysctls and routes, in that order, each object journaled before it is
 * created.  Any failure, or SIGINT/SIGTERM/SIGHUP, removes everything made
 * so far (orch_down) before returning.  Nothing is ever created in, or
 * routed to, the caller's own namespace: veths are born inside their
 * namespaces (IFLA_NET_NS_FD).
 */
#include "orch/orch.h"
#include "daemon/daemon.h"
#include "run/etcns.h"
#include "run/journal.h"
#include "orch/lab.h"
#include "run/state.h"
#include "net/addr.h"
#include "net/link.h"
#include "net/netns.h"
#include "net/route.h"
#include "net/rtsock.h"
#include "net/sysctl.h"
#include "net/tc.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static int lab_check_interrupt(struct lab *lab)
{
	if (!orch_interrupted)
		return 0;
	return err_set(lab->err, -EINTR, "interrupted (%s)",
		       strsignal(orch_interrupted));
}

/* Namespaces want one fd each, plus a netlink socket each. */
static void lab_raise_fd_limit(size_t nodes)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	if (rl.rlim_cur < rl.rlim_max && rl.rlim_cur < nodes * 3 + 64) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int lab_sysctls(const struct topo *t, size_t node)
{
	const struct topo_node *n = &t->nodes[node];
	struct topo_policy pol;
	static const char *const common[][2] = {
		/* Anycast: a POP's replies come from 104.16.0.1 and may leave
		 * on any link, and an ISP may forward them from a link that is
		 * not its best path back to that source; strict reverse-path
		 * filtering would drop them. */
		{ "net/ipv4/conf/all/rp_filter", "0" },
		{ "net/ipv4/conf/default/rp_filter", "0" },
		/* The lab is IPv4 only: no link-local addresses, DAD or
		 * router solicitations on every veth. */
		{ "net/ipv6/conf/all/disable_ipv6", "1" },
		{ "net/ipv6/conf/default/disable_ipv6", "1" },
	};
	size_t i;
	int r;

	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
		r = sysctl_write(common[i][0], common[i][1]);
		if (r < 0 && r != -ENOENT)
			return r;
	}
	if (n->kind == TOPO_KIND_USER)
		return 0;
	/* multipath: spread flows by their ports too, so the flows of one
	 * user can reach different POPs. */
	topo_node_policy(t, node, &pol);
	if (pol.multipath) {
		r = sysctl_write("net/ipv4/fib_multipath_hash_policy", "1");
		if (r < 0 && r != -ENOENT)
			return r;
	}
	return sysctl_write("net/ipv4/ip_forward", "1");
}

static int lab_namespaces(struct lab *lab)
{
	const struct topo *t = lab->t;
	struct timespec t0;
	size_t i;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < t->nnodes; i++) {
		const struct topo_node *n = &t->nodes[i];

		r = lab_check_interrupt(lab);
		if (r < 0)
			return r;
		/* Someone else's namespace of that name is not ours to take,
		 * nor, when we fail, to remove. */
		if (netns_exists(n->netns))
			return lab_fail(lab, -EEXIST, "namespace %s already exists "
					"(made outside this lab? 'ip netns delete %s' "
					"removes it)", n->netns, n->netns);
		r = journal_netns(&lab->journal, n->netns);
		if (r < 0)
			return lab_fail(lab, r, "cannot write the journal");
		r = netns_create(n->netns, &lab->nsfd[i]);
		if (r < 0) {
			if (r == -EEXIST)
				journal_netns_cancel(&lab->journal, n->netns);
			return lab_fail(lab, r, "cannot create namespace %s",
					n->netns);
		}
		r = netns_enter(lab->nsfd[i]);
		if (r == 0) {
			r = lab_sysctls(t, i);
			if (netns_leave() < 0)
				r = -EIO;
		}
		if (r < 0)
			return lab_fail(lab, r, "cannot set sysctls in %s",
					n->netns);
		r = rtsock_open(lab->nsfd[i], &lab->sk[i]);
		if (r < 0)
			return lab_fail(lab, r, "cannot open netlink in %s",
					n->netns);
		r = link_set_up(lab->sk[i], 1, true);
		if (r < 0)
			return lab_fail(lab, r, "cannot set lo up in %s",
					n->netns);
		lab->next_ifindex[i] = 2;
	}
	lab_phase(lab, "namespaces", t->nnodes, &t0);
	return 0;
}

/*
 * Every user's resolv.conf names the anycast DNS, under /etc/netns/<ns>/,
 * where `ip netns exec` and `anycastlab exec` find it: users resolve the
 * CDN's name the way the lesson tells, through the POP BGP picks.
 */
static int lab_resolv_conf(struct lab *lab)
{
	const struct topo *t = lab->t;
	size_t i;
	int r;

	if (t->dns.off)
		return 0;
	if (!etcns_root_exists()) {
		r = journal_etcns(&lab->journal);
		if (r < 0)
			return lab_fail(lab, r, "cannot write the journal");
	}
	for (i = 0; i < t->nnodes; i++) {
		const struct topo_node *n = &t->nodes[i];

		if (n->kind != TOPO_KIND_USER)
			continue;
		r = etcns_resolv_write(t->name, n->netns, t->anycast_addr, NULL);
		if (r == -EEXIST) {
			fprintf(lab->out, "anycastlab: %s/%s/resolv.conf is not "
				"the lab's; left as it is\n", ETCNS_ROOT,
				n->netns);
			continue;
		}
		if (r < 0)
			return lab_fail(lab, r, "cannot write %s/%s/resolv.conf",
					ETCNS_ROOT, n->netns);
	}
	return 0;
}

static int lab_links(struct lab *lab)
{
	const struct topo *t = lab->t;
	struct timespec t0;
	size_t i;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < t->nlinks; i++) {
		const struct topo_link *l = &t->links[i];
		const struct topo_node *a = &t->nodes[l->a], *b = &t->nodes[l->b];
		struct veth_end ea = { lab->sk[l->a], lab->nsfd[l->a], b->name,
				       lab->next_ifindex[l->a] };
		struct veth_end eb = { lab->sk[l->b], lab->nsfd[l->b], a->name,
				       lab->next_ifindex[l->b] };

		r = lab_check_interrupt(lab);
		if (r < 0)
			return r;
		r = link_veth_add(&ea, &eb);
		if (r < 0)
			return lab_fail(lab, r, "cannot create link %s-%s",
					a->name, b->name);
		lab->ifindex_a[i] = lab->next_ifindex[l->a]++;
		lab->ifindex_b[i] = lab->next_ifindex[l->b]++;
	}
	lab_phase(lab, "links", t->nlinks, &t0);
	return 0;
}

static int lab_addresses(struct lab *lab)
{
	const struct topo *t = lab->t;
	struct timespec t0;
	size_t i, count = 0;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < t->nlinks; i++) {
		const struct topo_link *l = &t->links[i];

		r = addr_add(lab->sk[l->a], lab->ifindex_a[i], l->addr_a, 31);
		if (r == 0)
			r = addr_add(lab->sk[l->b], lab->ifindex_b[i], l->addr_b, 31);
		if (r < 0)
			return lab_fail(lab, r, "cannot address link %s-%s",
					t->nodes[l->a].name, t->nodes[l->b].name);
		count += 2;
	}
	for (i = 0; i < t->nnodes; i++) {
		const struct topo_node *n = &t->nodes[i];

		if (n->router_id) {
			r = addr_add(lab->sk[i], 1, n->router_id, 32);
			if (r < 0)
				return lab_fail(lab, r, "cannot add the loopback of %s",
						n->name);
			count++;
		}
		if (n->kind == TOPO_KIND_POP) {
			r = addr_add(lab->sk[i], 1, t->anycast_addr, 32);
			if (r < 0)
				return lab_fail(lab, r, "cannot add the anycast "
						"address to %s", n->name);
			count++;
		}
	}
	lab_phase(lab, "addresses", count, &t0);
	return 0;
}

static int lab_routes(struct lab *lab)
{
	static const struct prefix4 any = { 0, 0 };
	const struct topo *t = lab->t;
	struct timespec t0;
	size_t i, count = 0;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < t->nnodes; i++) {
		const struct topo_node *n = &t->nodes[i];

		if (n->kind != TOPO_KIND_USER)
			continue;
		r = route_add(lab->sk[i], &any, n->gateway, 0);
		if (r < 0)
			return lab_fail(lab, r, "cannot add the default route of %s",
					n->name);
		count++;
	}
	lab_phase(lab, "routes", count, &t0);
	return 0;
}

/* Link emulation is best effort: a kernel without sch_netem gets a
 * warning per link, never a failed lab. */
static void lab_emulation(struct lab *lab)
{
	const struct topo *t = lab->t;
	struct timespec t0;
	size_t i, count = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < t->nlinks; i++) {
		const struct topo_link *l = &t->links[i];
		const char *an = t->nodes[l->a].name, *bn = t->nodes[l->b].name;
		bool netem = false, warned_netem = false, warned_rate = false;
		int side;

		if (!l->delay_us && !l->loss_ppm && !l->rate_bps)
			continue;
		for (side = 0; side < 2; side++) {
			struct nl_sock *sk = lab->sk[side ? l->b : l->a];
			int ifi = side ? lab->ifindex_b[i] : lab->ifindex_a[i];
			int r;

			netem = false;
			if (l->delay_us || l->loss_ppm) {
				r = tc_netem_add(sk, ifi, l->delay_us, l->loss_ppm);
				netem = r == 0;
				if (r < 0 && !warned_netem)
					fprintf(lab->out, "anycastlab: warning: link %s-%s: "
						"delay/loss not applied: %s\n", an, bn,
						r == -ENOENT || r == -EOPNOTSUPP ?
						"this kernel has no netem qdisc (sch_netem)" :
						strerror(-r));
				warned_netem |= r < 0;
			}
			if (l->rate_bps) {
				r = tc_rate_add(sk, ifi, netem, l->rate_bps);
				if (r < 0 && !warned_rate)
					fprintf(lab->out, "anycastlab: warning: link %s-%s: "
						"rate not applied: %s\n", an, bn, strerror(-r));
				warned_rate |= r < 0;
			}
		}
		count++;
	}
	if (count)
		lab_phase(lab, "emulation", count, &t0);
}

static void lab_release(struct lab *lab)
{
	size_t i;

	for (i = 0; lab->sk && i < lab->t->nnodes; i++)
		rtsock_close(lab->sk[i]);
	for (i = 0; lab->nsfd && i < lab->t->nnodes; i++)
		if (lab->nsfd[i] >= 0)
			close(lab->nsfd[i]);
	free(lab->sk);
	free(lab->nsfd);
	free(lab->next_ifindex);
	free(lab->ifindex_a);
	free(lab->ifindex_b);
	journal_close(&lab->journal);
}

static int lab_alloc(struct lab *lab, const struct topo *t, FILE *out)
{
	size_t i;

	memset(lab, 0, sizeof(*lab));
	lab->t = t;
	lab->out = out;
	lab->journal.fd = -1;
	lab->nsfd = calloc(t->nnodes, sizeof(*lab->nsfd));
	lab->sk = calloc(t->nnodes, sizeof(*lab->sk));
	lab->next_ifindex = calloc(t->nnodes, sizeof(*lab->next_ifindex));
	lab->ifindex_a = calloc(t->nlinks + 1, sizeof(*lab->ifindex_a));
	lab->ifindex_b = calloc(t->nlinks + 1, sizeof(*lab->ifindex_b));
	if (!lab->nsfd || !lab->sk || !lab->next_ifindex || !lab->ifindex_a ||
	    !lab->ifindex_b)
		return -ENOMEM;
	for (i = 0; i < t->nnodes; i++)
		lab->nsfd[i] = -1;
	return 0;
}

/*
 * Every daemon the routers need must be installed before anything is
 * built: a lab half made of routers that cannot start helps nobody.
 */
static int lab_check_daemons(const struct topo *t, struct err *e)
{
	size_t k, i, users;
	int r = 0;

	e->msg[0] = '\0';
	for (k = 0; k < daemon_nkinds(); k++) {
		enum topo_daemon d = daemon_kind(k);

		if (daemon_installed(d) == 0)
			continue;
		for (i = 0, users = 0; i < t->nnodes; i++) {
			if (t->nodes[i].kind == TOPO_KIND_USER ||
			    t->nodes[i].daemon != d)
				continue;
			if (users == 0)
				err_add(e, "%slab '%s':", r ? "anycastlab: " : "",
					t->name);
			if (users < 6)
				err_add(e, "%s %s", users ? "," : "",
					t->nodes[i].name);
			users++;
		}
		if (!users)
			continue;
		if (users > 6)
			err_add(e, " and %zu more", users - 6);
		err_add(e, " %s %s, which is not installed here: install the %s "
			"package ('scripts/deps interop', as root, installs BIRD 2 and "
			"FRR from Debian)\n", users == 1 ? "runs" : "run",
			daemon_title(d), daemon_package(d));
		r = -ENOENT;
	}
	if (r < 0)
		err_add(e, "anycastlab: lab '%s': nothing was built", t->name);
	return r;
}

/*
 * Nor is a router whose daemon cannot do what the topology asks of it
 * (an MRAI on BIRD): refused here, every one of them, before anything
 * is built, rather than half a lab that differs from the file.
 */
static int lab_check_policy(const struct topo *t, struct err *e)
{
	struct err one;
	size_t i;
	int r = 0, k;

	e->msg[0] = '\0';
	for (i = 0; i < t->nnodes; i++) {
		k = daemon_check(t, i, &one);
		if (k == 0)
			continue;
		err_add(e, "%slab '%s': %s\n", r ? "anycastlab: " : "", t->name,
			one.msg);
		if (!r || k == -ENOMEM)
			r = k;
	}
	if (r < 0)
		err_add(e, "anycastlab: lab '%s': nothing was built", t->name);
	return r;
}

/* Which daemon the routers run, when it is not only the built-in one. */
static void lab_print_daemons(const struct topo *t, FILE *out)
{
	size_t count[8] = { 0 }, i, k, nk = daemon_nkinds(), others = 0;
	bool first = true;

	for (i = 0; i < t->nnodes; i++)
		for (k = 0; k < nk && k < 8; k++)
			if (t->nodes[i].kind != TOPO_KIND_USER &&
			    t->nodes[i].daemon == daemon_kind(k))
				count[k]++;
	/* The table's first row is anycastlab's own. */
	for (k = 1; k < nk && k < 8; k++)
		others += count[k];
	if (!others)
		return;
	fprintf(out, "  routers run");
	for (k = 0; k < nk && k < 8; k++) {
		if (!count[k])
			continue;
		fprintf(out, "%s %zu %s", first ? "" : ",", count[k],
			daemon_summary(daemon_kind(k)));
		first = false;
	}
	fprintf(out, "\n");
}

int orch_up(const struct topo *t, const struct up_opts *o, struct err *e)
{
	struct timespec t0;
	struct lab lab;
	bool nothing;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	lab_raise_fd_limit(t->nnodes);
	if (!o->no_routers) {
		r = lab_check_daemons(t, e);
		if (r == 0)
			r = lab_check_policy(t, e);
		if (r < 0)
			return r;
	}
	if (state_exists(t->name)) {
		if (!o->force) {
			return err_set(e, -EEXIST, "lab '%s' already exists; "
				       "remove it with 'anycastlab down %s' or "
				       "replace it with 'anycastlab up --force'",
				       t->name, t->name);
		}
		r = orch_down(t->name, o->out, &nothing, e);
		if (r < 0)
			return r;
	}
	r = lab_alloc(&lab, t, o->out);
	lab.err = e;
	if (r < 0) {
		err_set(e, r, "lab '%s': %s", t->name, strerror(-r));
		goto out;
	}
	lab.opts = o;
	lab_catch_signals();
	r = state_create(t->name);
	if (r < 0) {
		lab_fail(&lab, r, "cannot create %s/%s", STATE_ROOT, t->name);
		goto out;
	}
	r = journal_open(&lab.journal, t->name);
	if (r == 0)
		r = state_save_topology(t->name, o->file);
	if (r == 0)
		r = state_save_daemons(t->name, t);
	if (r < 0) {
		lab_fail(&lab, r, "cannot write the lab state");
		goto out_down;
	}
	fprintf(o->out, "building lab '%s' from %s: %zu node%s, %zu link%s\n",
		t->name, o->file, t->nnodes, t->nnodes == 1 ? "" : "s",
		t->nlinks, t->nlinks == 1 ? "" : "s");
	if (!o->no_routers)
		lab_print_daemons(t, o->out);
	r = lab_namespaces(&lab);
	if (r == 0)
		r = lab_resolv_conf(&lab);
	if (r == 0)
		r = lab_links(&lab);
	if (r == 0)
		r = lab_addresses(&lab);
	if (r == 0)
		r = lab_routes(&lab);
	if (r == 0)
		lab_emulation(&lab);
	if (r == 0)
		r = lab_check_interrupt(&lab);
	if (r == 0 && !o->no_routers)
		r = lab_start_routers(&lab);
	if (r < 0)
		goto out_down;
	journal_up(&lab.journal);
	if (!o->no_routers)
		r = lab_converge(&lab);
	/* A lab that did not converge is removed like one that failed to
	 * build, unless asked to keep it for debugging. */
	if (r < 0 && !o->keep_on_failure)
		goto out_down;
	if (r == 0)
		fprintf(o->out, "\nlab '%s' is up%s in %.2f s\n", t->name,
			o->no_routers ? " (no routers)" : " and converged",
			lab_ms_since(&t0) / 1e3);
	goto out;

out_down:
	fprintf(o->out, "anycastlab: removing what was built of lab '%s'\n",
		t->name);
	lab_release(&lab);
	/* What went wrong stays the sentence to tell, whatever the
	 * unwinding meets. */
	{
		struct err unwind;

		if (orch_down(t->name, o->out, &nothing, &unwind) < 0)
			err_add(e, "\nanycastlab: %s", unwind.msg);
	}
	return r;
out:
	lab_release(&lab);
	return r;
}

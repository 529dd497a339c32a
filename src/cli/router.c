/*
 * `anycastlab router --lab LAB --node NODE`: the daemon every ISP and POP
 * runs, started by `up` and `revive`.  With --http-only it is the web
 * server of a POP whose BGP speaker is BIRD or FRR.  This verb turns the lab's saved
 * topology into the router's configuration, moves into the node's
 * namespace with its log as stderr, and hands over to router_run().
 */
#include "cli/cli.h"
#include "dns/zone.h"
#include "net/netns.h"
#include "run/state.h"
#include "router/router.h"
#include "topo/intent.h"
#include "util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static int router_config_build(const struct topo *t, size_t self, bool lab_start,
			       struct router_config *rc)
{
	const struct topo_node *n = &t->nodes[self];
	struct topo_intent in;
	size_t i;
	int r;

	memset(rc, 0, sizeof(*rc));
	r = topo_intent_build(t, self, &in);
	if (r < 0)
		return r;
	snprintf(rc->lab, sizeof(rc->lab), "%s", t->name);
	snprintf(rc->node, sizeof(rc->node), "%s", in.name);
	snprintf(rc->city, sizeof(rc->city), "%s", n->city ? n->city : "");
	rc->pop = in.pop;
	rc->asn = in.asn;
	rc->router_id = in.router_id;
	rc->hold_time = t->hold_time;
	rc->connect_retry_ms = (uint32_t)t->connect_retry * 1000;
	rc->unknown_attrs_discard = in.unknown_attrs_discard;
	rc->anycast = t->anycast_prefix;
	rc->anycast_addr = t->anycast_addr;
	rc->sync_fd = -1;
	rc->policy = in.policy;
	if (in.policy.nactions > ROUTER_MAX_ACTIONS) {
		topo_intent_free(&in);
		return -E2BIG;
	}
	memcpy(rc->actions, in.policy.actions,
	       in.policy.nactions * sizeof(*rc->actions));
	rc->policy.actions = rc->actions;
	rc->always_compare_med = in.always_compare_med;
	rc->multipath = in.multipath;
	for (i = 0; i < in.norig && rc->norig < ROUTER_MAX_ORIG; i++)
		rc->originate[rc->norig++] = in.orig[i];
	if (in.nsess > RIB_PEER_MAX) {
		topo_intent_free(&in);
		return -ENOSPC;
	}
	for (i = 0; i < in.nsess; i++) {
		const struct topo_intent_session *s = &in.sess[i];
		struct bgp_peer_config *pc = &rc->peers[rc->npeers++];

		snprintf(pc->name, sizeof(pc->name), "%s", s->peer_name);
		pc->local_addr = s->local_addr;
		pc->peer_addr = s->peer_addr;
		pc->peer_as = s->peer_as;
		pc->passive = s->passive;
		/* When the whole lab starts at once, the end with the higher
		 * address lets the other connect first: no collisions. */
		pc->wait_first = lab_start && pc->local_addr > pc->peer_addr;
		pc->max_prefix = s->max_prefix;
		pc->max_prefix_action =
			s->max_prefix_action == TOPO_MAXPFX_WARN ? BGP_MAXPFX_WARN :
			s->max_prefix_action == TOPO_MAXPFX_STOP ? BGP_MAXPFX_STOP :
			BGP_MAXPFX_RESTART;
		pc->max_prefix_restart_ms = (uint32_t)s->max_prefix_restart * 1000;
		pc->ttl_security = s->gtsm;
		pc->send_hold_ms = (uint32_t)s->send_hold_time * 1000;
		snprintf(pc->password, sizeof(pc->password), "%s", s->password);
		pc->pol.role = s->role;
		pc->pol.local_pref = s->local_pref;
		pc->pol.mrai_ms = s->mrai_ms;
		pc->pol.shape.no_announce = in.pop && !s->announce;
		pc->pol.shape.prepend = s->prepend;
		pc->pol.shape.med_given = s->med_given;
		pc->pol.shape.med = s->med;
		pc->pol.shape.ncomms = s->ncomms < BGP_SHAPE_COMMS ? s->ncomms
								    : BGP_SHAPE_COMMS;
		memcpy(pc->pol.shape.comms, s->comms,
		       pc->pol.shape.ncomms * sizeof(*s->comms));
	}
	topo_intent_free(&in);
	return 0;
}

static void zone_bad(void *ctx, size_t record, const char *why)
{
	(void)ctx;
	(void)record;
	log_err("the zone: %s", why);
}

int cli_router(const struct cli_verb *v, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lab", required_argument, NULL, 'l' },
		{ "node", required_argument, NULL, 'n' },
		{ "sync", required_argument, NULL, 's' },
		{ "lab-start", no_argument, NULL, 'S' },
		{ "http-only", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *lab = NULL, *node = NULL;
	struct router_config rc;
	char path[STATE_PATH_MAX];
	bool lab_start = false, http_only = false;
	int c, rc_exit, sync_fd = -1, logfd, nsfd, r;
	struct dns_zone *zone = NULL;
	struct topo t;
	struct rlimit rl;
	long self;

	while ((c = cli_getopt(v, argc, argv, "l:n:s:SHh", opts, &rc_exit)) != -1) {
		switch (c) {
		case CLI_OPT_EXIT:
			return rc_exit;
		case 'l': lab = optarg; break;
		case 'n': node = optarg; break;
		case 's': sync_fd = atoi(optarg); break;
		case 'S': lab_start = true; break;
		case 'H': http_only = true; break;
		}
	}
	if (!lab || !node)
		return cli_error(v->name, "needs --lab LAB and --node NODE"), 2;
	if (!topo_name_valid(lab))
		return cli_bad_lab(v->name, lab) + 1;
	if (!cli_privileged(v->name))
		return 1;
	if (cli_load_lab(v->name, lab, &t))
		return 1;
	self = cli_find_node(v->name, &t, node);
	if (self < 0)
		return 1;
	if (t.nodes[self].kind == TOPO_KIND_USER)
		return cli_error(v->name, "node '%s' is a user: users run no router",
				 node);
	if (http_only && t.nodes[self].kind != TOPO_KIND_POP)
		return cli_error(v->name, "--http-only: node '%s' is not a POP",
				 node);
	if (router_state_file(lab, node, "log", path, sizeof(path)) < 0)
		return cli_error(v->name, "state path too long");
	logfd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
		     0600);
	if (logfd < 0)
		return cli_error(v->name, "cannot open %s: %s", path, strerror(errno));
	dup2(logfd, 2);
	close(logfd);
	log_open(t.nodes[self].name, 2, LOG_LVL_INFO);
	r = router_config_build(&t, (size_t)self, lab_start, &rc);
	if (r == -E2BIG) {
		log_err("too many action communities (at most %d)",
			ROUTER_MAX_ACTIONS);
		return 1;
	}
	if (r < 0) {
		log_err("too many peers (at most %d)", RIB_PEER_MAX);
		return 1;
	}
	rc.sync_fd = sync_fd;
	rc.http_only = http_only;
	if (rc.pop && !t.dns.off) {
		/* The file was checked as it loaded, zone included. */
		zone = topo_dns_zone(&t, zone_bad, NULL);
		if (!zone)
			return 1;
		rc.zone = zone;
		rc.dns_rate = t.dns.rate;
		rc.dns_burst = t.dns.burst;
		rc.dns_slip = t.dns.slip;
	}
	/* Beside BIRD, whose pid file is N.pid, the web server has its own;
	 * it is written once port 80 is bound, which is what `up` waits for. */
	if (router_state_file(lab, node, http_only ? "http.pid" : "pid",
			      rc.pid_path, sizeof(rc.pid_path)) < 0 ||
	    router_state_file(lab, node, "sock", rc.ctl_path, sizeof(rc.ctl_path)) < 0) {
		log_err("state path too long");
		return 1;
	}
	nsfd = netns_open(t.nodes[self].netns);
	if (nsfd < 0 || netns_move(nsfd) < 0) {
		log_err("cannot enter namespace %s: %s", t.nodes[self].netns,
			strerror(nsfd < 0 ? -nsfd : errno));
		return 1;
	}
	close(nsfd);
	topo_free(&t);
	/* Many HTTP clients at once want many descriptors. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	rc_exit = router_run(&rc);
	dns_zone_free(zone);
	return rc_exit;
}

/*
 * Router intent: the sessions and originations every speaker is
 * configured from, read back from small hand-checked labs and from the
 * world lab.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo/intent.h"
#include "slurp.h"

static void load_ok(const char *yaml, struct topo *t)
{
	struct topo_diags d = { 0 };
	int err = topo_load_buf("lab.yaml", yaml, strlen(yaml), t, &d);

	cr_assert_eq(err, 0, "load failed (%d): %s", err, d.n ? d.v[0].msg : "");
}

static const char *pfx(const struct prefix4 *p)
{
	static char buf[4][PREFIX4_STRLEN];
	static unsigned i;

	return prefix4_str(p, buf[i++ % 4]);
}

static const char *ip(uint32_t a)
{
	static char buf[4][IP4_STRLEN];
	static unsigned i;

	return ip4_str(a, buf[i++ % 4]);
}

#define SMALL \
	"name: lab\n" \
	"addressing: {links: 10.9.8.0/24, loopbacks: 10.255.0.0/24}\n" \
	"defaults: {max-prefix: 500, max-prefix-action: warn, password: k1,\n" \
	"  send-hold-time: 5, hold-time: 9, connect-retry: 2}\n" \
	"nodes:\n" \
	"  p: {kind: pop, asn: 1}\n" \
	"  i: {kind: isp, asn: 2, passive: true}\n" \
	"  j: {kind: isp, asn: 3, max-prefix: 7, max-prefix-action: stop}\n" \
	"  u: {kind: user}\n" \
	"links:\n" \
	"  - [i, p]\n" \
	"  - [u, i]\n" \
	"  - {endpoints: [i, j], password: k2}\n" \
	"  - [p, j]\n"

Test(intent, isp_sessions_and_originations)
{
	struct topo_intent in;
	struct topo t;
	long i;

	load_ok(SMALL, &t);
	i = topo_node_find(&t, "i");
	cr_assert_eq(topo_intent_build(&t, (size_t)i, &in), 0);
	cr_assert_str_eq(in.name, "i");
	cr_assert_eq(in.asn, 2);
	cr_assert_not(in.pop);
	cr_assert_eq(in.anycast.len, 0, "only a POP has the anycast prefix");
	/* Its loopback, then the network of its link to u. */
	cr_assert_eq(in.norig, 2);
	cr_assert_eq(in.orig[0].addr, t.nodes[i].router_id);
	cr_assert_eq(in.orig[0].len, 32);
	cr_assert_str_eq(pfx(&in.orig[1]), pfx(&t.links[1].net));
	/* Sessions in link order: p, then j; none with the user. */
	cr_assert_eq(in.nsess, 2);
	cr_assert_str_eq(in.sess[0].peer_name, "p");
	cr_assert_str_eq(in.sess[1].peer_name, "j");
	cr_assert_eq(in.sess[0].link, 0);
	cr_assert_eq(in.sess[1].link, 2);
	cr_assert_str_eq(ip(in.sess[0].local_addr), "10.9.8.0");
	cr_assert_str_eq(ip(in.sess[0].peer_addr), "10.9.8.1");
	cr_assert_eq(in.sess[0].local_as, 2);
	cr_assert_eq(in.sess[0].peer_as, 1);
	cr_assert_eq(in.sess[1].peer_as, 3);
	cr_assert(in.sess[0].passive && in.sess[1].passive);
	cr_assert_eq(in.sess[0].hold_time, 9);
	cr_assert_eq(in.sess[0].connect_retry, 2);
	cr_assert_eq(in.sess[0].send_hold_time, 5);
	cr_assert_eq(in.sess[0].max_prefix, 500);
	cr_assert_eq(in.sess[0].max_prefix_action, TOPO_MAXPFX_WARN);
	cr_assert_str_eq(in.sess[0].password, "k1");
	cr_assert_str_eq(in.sess[1].password, "k2", "the link's key wins");
	/* GTSM is on by default for single-hop eBGP between our routers. */
	cr_assert(in.sess[0].gtsm && in.sess[1].gtsm);
	cr_assert(in.gtsm_all);
	topo_intent_free(&in);
	topo_free(&t);
}

Test(intent, pop_has_the_anycast_prefix_apart)
{
	struct topo_intent in;
	struct topo t;
	long p, j;

	load_ok(SMALL, &t);
	p = topo_node_find(&t, "p");
	cr_assert_eq(topo_intent_build(&t, (size_t)p, &in), 0);
	cr_assert(in.pop);
	cr_assert_str_eq(pfx(&in.anycast), "104.16.0.0/24");
	cr_assert_eq(in.norig, 1, "a POP without users originates its loopback");
	cr_assert_eq(in.nsess, 2);
	cr_assert_not(in.sess[0].passive);
	cr_assert_str_eq(in.sess[0].peer_name, "i");
	cr_assert_str_eq(in.sess[1].peer_name, "j");
	topo_intent_free(&in);
	j = topo_node_find(&t, "j");
	cr_assert_eq(topo_intent_build(&t, (size_t)j, &in), 0);
	cr_assert_eq(in.sess[0].max_prefix, 7);
	cr_assert_eq(in.sess[0].max_prefix_action, TOPO_MAXPFX_STOP);
	topo_intent_free(&in);
	topo_free(&t);
}

Test(intent, user_has_none)
{
	struct topo_intent in;
	struct topo t;

	load_ok(SMALL, &t);
	cr_assert_eq(topo_intent_build(&t, (size_t)topo_node_find(&t, "u"), &in),
		     -EINVAL);
	cr_assert_null(in.sess);
	topo_free(&t);
}

/* In the world lab, every link between routers is one session at each
 * end, with the two ends' addresses crossed, and every user's network
 * is originated by exactly its ISP. */
Test(intent, world_sessions_pair_up)
{
	size_t n, i, k, m, sessions = 0, links = 0, users = 0, origs = 0, len;
	char *yaml = slurp(SOURCE_ROOT "/topologies/world.yaml", &len);
	struct topo_intent *in;
	struct topo t;

	cr_assert_not_null(yaml);
	load_ok(yaml, &t);
	free(yaml);
	n = t.nnodes;
	in = calloc(n, sizeof(*in));
	for (i = 0; i < n; i++) {
		if (t.nodes[i].kind == TOPO_KIND_USER) {
			users++;
			continue;
		}
		cr_assert_eq(topo_intent_build(&t, i, &in[i]), 0);
		sessions += in[i].nsess;
		origs += in[i].norig - 1;
	}
	for (k = 0; k < t.nlinks; k++)
		links += t.nodes[t.links[k].a].kind != TOPO_KIND_USER &&
			 t.nodes[t.links[k].b].kind != TOPO_KIND_USER;
	cr_assert_gt(links, 0);
	cr_assert_eq(sessions, 2 * links);
	cr_assert_eq(origs, users, "each user's network, once");
	for (i = 0; i < n; i++) {
		for (k = 0; k < in[i].nsess; k++) {
			const struct topo_intent_session *s = &in[i].sess[k];
			const struct topo_intent *o = &in[s->peer];
			bool found = false;

			for (m = 0; m < o->nsess; m++)
				found |= o->sess[m].peer == i &&
					 o->sess[m].local_addr == s->peer_addr &&
					 o->sess[m].peer_addr == s->local_addr &&
					 o->sess[m].peer_as == s->local_as;
			cr_assert(found, "%s-%s has one end only", in[i].name,
				  s->peer_name);
		}
	}
	for (i = 0; i < n; i++)
		topo_intent_free(&in[i]);
	free(in);
	topo_free(&t);
}

/*
 * Router intent (see intent.h).
 */
#include "topo/intent.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int topo_intent_build(const struct topo *t, size_t node,
		      struct topo_intent *in)
{
	const struct topo_node *n = &t->nodes[node];
	struct topo_session ss;
	struct topo_policy pol;
	size_t k, links = 0;

	memset(in, 0, sizeof(*in));
	if (node >= t->nnodes || n->kind == TOPO_KIND_USER)
		return -EINVAL;
	for (k = 0; k < t->nlinks; k++)
		links += t->links[k].a == node || t->links[k].b == node;
	in->orig = calloc(links + 1, sizeof(*in->orig));
	in->sess = calloc(links ? links : 1, sizeof(*in->sess));
	if (!in->orig || !in->sess) {
		topo_intent_free(in);
		return -ENOMEM;
	}
	in->node = node;
	in->name = n->name;
	in->asn = n->asn;
	in->router_id = n->router_id;
	in->pop = n->kind == TOPO_KIND_POP;
	in->passive = n->passive;
	in->unknown_attrs_discard = n->unknown_attrs_discard;
	if (in->pop)
		in->anycast = t->anycast_prefix;
	/* Every router announces its loopback, so each POP can also be
	 * reached on an address of its own. */
	in->orig[in->norig].addr = n->router_id;
	in->orig[in->norig++].len = 32;
	topo_node_session(t, node, &ss);
	topo_node_policy(t, node, &pol);
	bgp_policy_defaults(&in->policy);
	memcpy(in->policy.local_pref, pol.local_pref, sizeof(pol.local_pref));
	in->policy.actions = n->actions;
	in->policy.nactions = n->nactions;
	in->always_compare_med = pol.always_compare_med;
	in->multipath = pol.multipath;
	in->gtsm_all = true;
	for (k = 0; k < t->nlinks; k++) {
		const struct topo_link *l = &t->links[k];
		struct topo_intent_session *s;
		size_t peer;

		if (l->a != node && l->b != node)
			continue;
		peer = topo_link_peer(l, node);
		if (t->nodes[peer].kind == TOPO_KIND_USER) {
			/* An ISP originates its users' networks. */
			in->orig[in->norig++] = l->net;
			continue;
		}
		s = &in->sess[in->nsess++];
		s->peer = peer;
		s->peer_name = t->nodes[peer].name;
		s->link = k;
		s->local_addr = topo_link_addr(l, node);
		s->peer_addr = topo_link_addr(l, peer);
		s->local_as = n->asn;
		s->peer_as = t->nodes[peer].asn;
		s->passive = n->passive;
		s->hold_time = t->hold_time;
		s->connect_retry = t->connect_retry;
		s->send_hold_time = t->send_hold_time;
		s->max_prefix = ss.max_prefix;
		s->max_prefix_action = ss.max_prefix_action;
		s->max_prefix_restart = ss.max_prefix_restart;
		s->gtsm = topo_session_gtsm(t, node, peer);
		s->password = topo_link_password(t, l);
		in->gtsm_all &= s->gtsm;
		s->role = topo_link_role(l, node);
		in->has_rel |= s->role != BGP_ROLE_NONE;
		s->local_pref = l->local_pref ? l->local_pref
					      : pol.local_pref[s->role];
		s->mrai_ms = l->mrai_given ? l->mrai_ms : pol.mrai_ms;
		if (in->pop) {
			s->announce = !l->no_announce;
			s->prepend = l->prepend_given ? l->prepend : n->prepend;
			s->med_given = l->med_given;
			s->med = l->med;
			s->comms = l->comms_given ? l->comms : n->comms;
			s->ncomms = l->comms_given ? l->ncomms : n->ncomms;
		}
	}
	return 0;
}

void topo_intent_free(struct topo_intent *in)
{
	free(in->orig);
	free(in->sess);
	in->orig = NULL;
	in->sess = NULL;
	in->norig = in->nsess = 0;
}

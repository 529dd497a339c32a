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

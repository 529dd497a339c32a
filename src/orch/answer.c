/*
 * Which POP answered a probe (see answer.h).
 */
#include "orch/answer.h"

long answer_pop_of_link_addr(void *ctx, uint32_t addr)
{
	const struct topo *t = ctx;
	size_t k;

	for (k = 0; k < t->nlinks; k++) {
		const struct topo_link *l = &t->links[k];

		if (l->addr_a == addr && t->nodes[l->b].kind == TOPO_KIND_POP)
			return (long)l->b;
		if (l->addr_b == addr && t->nodes[l->a].kind == TOPO_KIND_POP)
			return (long)l->a;
	}
	return -1;
}

long answer_pop(const struct topo *t, const struct probe_event *ev)
{
	long i;

	if (ev->served_by) {
		i = topo_node_find(t, ev->served_by);
		return i >= 0 && t->nodes[i].kind == TOPO_KIND_POP ? i : -1;
	}
	return probe_answering_pop(ev->reply, t->anycast_addr,
				   answer_pop_of_link_addr, (void *)t);
}

/*
 * The planner: from a validated topology to what gets built.  Every name
 * and address is derived, in file order, so the same file always gives the
 * same plan:
 *
 *   namespace      <lab>-<node>
 *   interface      on X toward Y, named Y (node names fit IFNAMSIZ)
 *   link k         the k-th /31 of the links pool; the first node listed
 *                  gets the even address, the second the odd one
 *   router r       (pops and isps, counted in node order) router id
 *                  loopbacks pool + 1 + r, on lo as a /32
 *   user           default route via its ISP's address on their link
 */
#include "topo/topo.h"

#include <errno.h>
#include <stdio.h>

int topo_plan(struct topo *t)
{
	uint64_t link_cap, router_cap;
	size_t i, r = 0, routers = 0;

	for (i = 0; i < t->nlinks; i++)
		if (t->links[i].a >= t->nnodes || t->links[i].b >= t->nnodes)
			return -EINVAL;
	for (i = 0; i < t->nnodes; i++)
		routers += t->nodes[i].kind != TOPO_KIND_USER;
	link_cap = t->link_pool.len <= 31 ? 1ull << (31 - t->link_pool.len) : 0;
	router_cap = (1ull << (32 - t->loopback_pool.len)) - 1;
	if (t->nlinks > link_cap || routers > router_cap)
		return -EINVAL;
	if (t->daemon == TOPO_DAEMON_DEFAULT)
		t->daemon = TOPO_DAEMON_BUILTIN;

	for (i = 0; i < t->nnodes; i++) {
		struct topo_node *n = &t->nodes[i];

		snprintf(n->netns, sizeof(n->netns), "%s-%s", t->name, n->name);
		n->gateway = 0;
		n->isp = TOPO_NONE;
		if (n->kind == TOPO_KIND_USER) {
			n->router_id = 0;
			n->daemon = TOPO_DAEMON_DEFAULT;
			continue;
		}
		n->router_id = t->loopback_pool.addr + 1 + (uint32_t)r++;
		if (n->daemon == TOPO_DAEMON_DEFAULT)
			n->daemon = t->daemon;
	}

	for (i = 0; i < t->nlinks; i++) {
		struct topo_link *l = &t->links[i];
		struct topo_node *a = &t->nodes[l->a], *b = &t->nodes[l->b];

		l->net.addr = t->link_pool.addr + 2 * (uint32_t)i;
		l->net.len = 31;
		l->addr_a = l->net.addr;
		l->addr_b = l->net.addr + 1;
		if (a->kind == TOPO_KIND_USER && b->kind == TOPO_KIND_ISP &&
		    a->isp == TOPO_NONE) {
			a->isp = l->b;
			a->gateway = l->addr_b;
		} else if (b->kind == TOPO_KIND_USER &&
			   a->kind == TOPO_KIND_ISP && b->isp == TOPO_NONE) {
			b->isp = l->a;
			b->gateway = l->addr_a;
		}
	}
	return 0;
}

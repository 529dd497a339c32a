/*
 * Catchment prediction, one code per node: the predictor of predict.c
 * seen the way check, graph and validation have always read it.
 *
 * In a file without routing policy every LOCAL_PREF is the same, so BGP
 * picks by AS path length (RFC 4271 §9.1.2.2 a) and then by the router id
 * of the advertising neighbour (f).  Where that last step decides between
 * paths to different POPs, here or at a router further along, the code is
 * TOPO_CATCH_TIE, not the POP the routers pick: a lab meant to show
 * catchment should not depend on how router ids happen to be numbered.
 * topo_catchment_tie says which POP that gives and where it is decided.
 */
#include "topo/predict.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* One POP down, or none: what the old interface can say. */
static int predict_down(const struct topo *t, long down_pop,
			struct topo_predict *r)
{
	struct topo_whatif w;

	memset(r, 0, sizeof(*r));
	memset(&w, 0, sizeof(w));
	if (down_pop < -1 || (down_pop >= 0 &&
	    ((size_t)down_pop >= t->nnodes ||
	     t->nodes[down_pop].kind != TOPO_KIND_POP)))
		return -EINVAL;
	if (down_pop >= 0)
		w.down[w.ndown++] = (size_t)down_pop;
	return topo_predict(t, &w, r);
}

int topo_catchment(const struct topo *t, long down_pop, long *user_pop)
{
	struct topo_predict r;
	size_t i;
	int err = predict_down(t, down_pop, &r);

	if (err)
		return err;
	for (i = 0; i < t->nnodes; i++)
		user_pop[i] = r.node[i].catch;
	topo_predict_free(&r);
	return 0;
}

int topo_catchment_paths(const struct topo *t, long down_pop, long *user_pop,
			 long *link_pop)
{
	struct topo_predict r;
	size_t i;
	int err = predict_down(t, down_pop, &r);

	if (err)
		return err;
	for (i = 0; i < t->nnodes; i++)
		user_pop[i] = r.node[i].catch;
	topo_predict_links(t, &r, link_pop);
	topo_predict_free(&r);
	return 0;
}

int topo_catchment_tie(const struct topo *t, long down_pop, size_t user,
		       struct topo_tie *x)
{
	struct topo_predict r;
	int err;

	if (user >= t->nnodes)
		return -EINVAL;
	err = predict_down(t, down_pop, &r);
	if (err)
		return err;
	err = topo_predict_tie(t, &r, user, x);
	topo_predict_free(&r);
	return err;
}

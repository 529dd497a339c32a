/*
 * Drawings (topo_print_graph) and the paths they colour
 * (topo_catchment_paths).  The paths are checked as paths: from every user,
 * the links marked with its POP must lead, one after another, to that POP
 * and nowhere else, for the world lab whole and with each POP down.  The
 * drawings of the world lab are golden files (tests/golden/world.dot and
 * world-syd-down.mmd; ANYCASTLAB_GOLDEN_UPDATE=1 rewrites them), and the
 * marks a running lab adds — a failed node, a cut link, a user with no
 * route — and the escaping of free text are checked in both formats.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo/topo.h"
#include "slurp.h"

#define WORLD_REL	"topologies/world.yaml"

/* Load a file of the repository under its relative name, so what is
 * printed does not depend on where the checkout is. */
static void load_rel(const char *rel, struct topo *t)
{
	struct topo_diags d = { 0 };
	char path[512], *data;
	size_t len;
	int err;

	snprintf(path, sizeof(path), "%s/%s", SOURCE_ROOT, rel);
	data = slurp(path, &len);
	cr_assert_not_null(data, "cannot read %s", path);
	err = topo_load_buf(rel, data, len, t, &d);
	cr_assert_eq(err, 0, "%s: %d (%zu problems)", rel, err, d.n);
	topo_diags_free(&d);
	free(data);
}

static void load_text(const char *text, struct topo *t)
{
	struct topo_diags d = { 0 };
	int err = topo_load_buf("test.yaml", text, strlen(text), t, &d);

	cr_assert_eq(err, 0, "load: %d, first problem: %s", err,
		     d.n ? d.v[0].msg : "-");
	topo_diags_free(&d);
}

static char *draw(const struct topo *t, const struct topo_view *v,
		  enum topo_graph g)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	cr_assert_not_null(f);
	topo_print_graph(t, v, g, f);
	cr_assert_eq(fclose(f), 0);
	return out;
}

/* Over links marked pop only, user u reaches pop. */
static bool reaches(const struct topo *t, const long *link_pop, size_t u,
		    long pop)
{
	bool *seen = calloc(t->nnodes, sizeof(*seen)), grew = true, r;
	size_t k;

	cr_assert_not_null(seen);
	seen[u] = true;
	while (grew && !seen[pop]) {
		grew = false;
		for (k = 0; k < t->nlinks; k++) {
			const struct topo_link *l = &t->links[k];

			if (link_pop[k] != pop || seen[l->a] == seen[l->b])
				continue;
			seen[l->a] = seen[l->b] = true;
			grew = true;
		}
	}
	r = seen[pop];
	free(seen);
	return r;
}

/* The links marked pop form a tree: as many links as nodes touched,
 * less one, so no loop and no stray link. */
static void tree(const struct topo *t, const long *link_pop, long pop)
{
	bool *touched = calloc(t->nnodes, sizeof(*touched));
	size_t k, links = 0, nodes = 0;

	cr_assert_not_null(touched);
	for (k = 0; k < t->nlinks; k++) {
		if (link_pop[k] != pop)
			continue;
		links++;
		touched[t->links[k].a] = touched[t->links[k].b] = true;
	}
	for (k = 0; k < t->nnodes; k++)
		nodes += touched[k];
	if (links)
		cr_assert_eq(links, nodes - 1, "%s: %zu links over %zu nodes",
			     t->nodes[pop].name, links, nodes);
	free(touched);
}

Test(graph, every_users_marked_links_lead_to_its_pop)
{
	struct topo t;
	long *pop, *want, *lp;
	long down;

	load_rel(WORLD_REL, &t);
	pop = calloc(t.nnodes, sizeof(*pop));
	want = calloc(t.nnodes, sizeof(*want));
	lp = calloc(t.nlinks, sizeof(*lp));
	cr_assert(pop && want && lp);
	for (down = -1; down < (long)t.nnodes; down++) {
		size_t i, users = 0;

		if (down >= 0 && t.nodes[down].kind != TOPO_KIND_POP)
			continue;
		cr_assert_eq(topo_catchment_paths(&t, down, pop, lp), 0);
		cr_assert_eq(topo_catchment(&t, down, want), 0);
		for (i = 0; i < t.nnodes; i++) {
			if (t.nodes[i].kind != TOPO_KIND_USER)
				continue;
			cr_assert_eq(pop[i], want[i], "%s", t.nodes[i].name);
			cr_assert_geq(pop[i], 0, "%s", t.nodes[i].name);
			cr_assert(reaches(&t, lp, i, pop[i]),
				     "%s (down %s): marked links do not lead to %s",
				     t.nodes[i].name,
				     down >= 0 ? t.nodes[down].name : "none",
				     t.nodes[pop[i]].name);
			users++;
		}
		cr_assert_gt(users, 0);
		for (i = 0; i < t.nnodes; i++)
			if (t.nodes[i].kind == TOPO_KIND_POP)
				tree(&t, lp, (long)i);
		/* A POP that is down carries nobody. */
		for (i = 0; down >= 0 && i < t.nlinks; i++)
			cr_assert_neq(lp[i], down);
	}
	free(pop);
	free(want);
	free(lp);
	topo_free(&t);
}

/* The world table's syd column: u-syd goes telstra > singtel > sin. */
Test(graph, syd_down_sends_u_syd_through_singtel)
{
	struct topo t;
	long *pop, *lp, syd, sin, telstra, singtel;

	load_rel(WORLD_REL, &t);
	pop = calloc(t.nnodes, sizeof(*pop));
	lp = calloc(t.nlinks, sizeof(*lp));
	cr_assert(pop && lp);
	syd = topo_node_find(&t, "syd");
	sin = topo_node_find(&t, "sin");
	telstra = topo_node_find(&t, "telstra");
	singtel = topo_node_find(&t, "singtel");
	cr_assert(syd >= 0 && sin >= 0 && telstra >= 0 && singtel >= 0);

	cr_assert_eq(topo_catchment_paths(&t, -1, pop, lp), 0);
	cr_assert_eq(lp[topo_link_find(&t, telstra, syd) - t.links], syd);
	cr_assert_eq(lp[topo_link_find(&t, telstra, singtel) - t.links], -1);

	cr_assert_eq(topo_catchment_paths(&t, syd, pop, lp), 0);
	cr_assert_eq(pop[topo_node_find(&t, "u-syd")], sin);
	cr_assert_eq(lp[topo_link_find(&t, telstra, syd) - t.links], -1);
	cr_assert_eq(lp[topo_link_find(&t, telstra, singtel) - t.links], sin);
	cr_assert_eq(lp[topo_link_find(&t, singtel, sin) - t.links], sin);
	free(pop);
	free(lp);
	topo_free(&t);
}

Test(graph, down_pop_must_be_a_pop)
{
	struct topo t;
	long pop[32], lp[64];

	load_rel(WORLD_REL, &t);
	cr_assert_leq(t.nnodes, 32);
	cr_assert_leq(t.nlinks, 64);
	cr_assert_eq(topo_catchment_paths(&t, topo_node_find(&t, "telstra"),
					  pop, lp), -EINVAL);
	cr_assert_eq(topo_catchment_paths(&t, (long)t.nnodes, pop, lp), -EINVAL);
	topo_free(&t);
}

static void golden(const char *name, const char *got)
{
	const char *update = getenv("ANYCASTLAB_GOLDEN_UPDATE");
	char path[512], *want;
	size_t len;

	snprintf(path, sizeof(path), "%s/tests/golden/%s", SOURCE_ROOT, name);
	if (update && !strcmp(update, "1")) {
		FILE *f = fopen(path, "w");

		cr_assert_not_null(f, "cannot write %s", path);
		fputs(got, f);
		cr_assert_eq(fclose(f), 0);
		return;
	}
	want = slurp(path, &len);
	cr_assert_not_null(want, "%s is missing; run with "
			   "ANYCASTLAB_GOLDEN_UPDATE=1 and review it", path);
	cr_assert_str_eq(got, want, "%s differs (ANYCASTLAB_GOLDEN_UPDATE=1 "
			 "rewrites it)", name);
	free(want);
}

/* What `anycastlab graph [--down POP]` draws for the world lab. */
static void world_golden(const char *down, enum topo_graph g, const char *file)
{
	char caption[96];
	struct topo_view v = { 0 };
	const char **note;
	struct topo t;
	long *pop, *lp, d = -1;
	char *out;

	load_rel(WORLD_REL, &t);
	pop = calloc(t.nnodes, sizeof(*pop));
	lp = calloc(t.nlinks, sizeof(*lp));
	note = calloc(t.nnodes, sizeof(*note));
	cr_assert(pop && lp && note);
	if (down) {
		d = topo_node_find(&t, down);
		cr_assert_geq(d, 0);
		note[d] = "down";
	}
	cr_assert_eq(topo_catchment_paths(&t, d, pop, lp), 0);
	snprintf(caption, sizeof(caption), "catchment predicted by shortest "
		 "AS path%s%s%s", down ? " with " : "", down ? down : "",
		 down ? " down" : "");
	v.caption = caption;
	v.user_pop = pop;
	v.link_pop = lp;
	v.note = note;
	out = draw(&t, &v, g);
	golden(file, out);
	free(out);
	free(pop);
	free(lp);
	free(note);
	topo_free(&t);
}

Test(graph, world_dot_golden)
{
	world_golden(NULL, TOPO_GRAPH_DOT, "world.dot");
}

Test(graph, world_syd_down_mermaid_golden)
{
	world_golden("syd", TOPO_GRAPH_MERMAID, "world-syd-down.mmd");
}

static const char tiny[] =
	"name: tiny\n"
	"nodes:\n"
	"  edge: {kind: pop, asn: 64500, city: 'Quote \"q\" \\ back'}\n"
	"  isp: {kind: isp, asn: 64501}\n"
	"  alice: {kind: user}\n"
	"links:\n"
	"  - [alice, isp]\n"
	"  - [isp, edge]\n";

Test(graph, free_text_is_escaped)
{
	struct topo t;
	char *out;

	load_text(tiny, &t);
	out = draw(&t, NULL, TOPO_GRAPH_DOT);
	cr_assert_not_null(strstr(out, "edge\\nQuote \\\"q\\\" \\\\ back\\nAS64500"),
			   "%s", out);
	free(out);
	out = draw(&t, NULL, TOPO_GRAPH_MERMAID);
	cr_assert_not_null(strstr(out, "edge<br/>Quote #quot;q#quot; \\ back"),
			   "%s", out);
	free(out);
	topo_free(&t);
}

/* A running lab's marks: the POP failed, its link cut, the user lost. */
Test(graph, failed_node_cut_link_and_lost_user)
{
	struct topo_view v = { 0 };
	const char *note[3] = { "down", NULL, NULL };
	long pop[3] = { -1, -1, -1 }, lp[2] = { -1, -1 };
	bool cut[2] = { false, true };
	struct topo t;
	char *out;

	load_text(tiny, &t);
	cr_assert_eq(topo_node_find(&t, "edge"), 0);
	cr_assert_eq(topo_node_find(&t, "alice"), 2);
	v.note = note;
	v.user_pop = pop;
	v.link_pop = lp;
	v.link_cut = cut;
	v.caption = "now";
	out = draw(&t, &v, TOPO_GRAPH_DOT);
	cr_assert_not_null(strstr(out, "\\nnow\""), "%s", out);
	cr_assert_not_null(strstr(out, "\"edge\" [shape=box3d, label=\"edge\\n"
				  "Quote \\\"q\\\" \\\\ back\\nAS64500\\ndown\", "
				  "style=\"filled,dashed\", fillcolor=\"#dddddd\""),
			   "%s", out);
	cr_assert_not_null(strstr(out, "\"alice\" [shape=box, label=\"alice\\n"
				  "→ no route\", style=\"filled,dashed\", "
				  "color=\"#d62728\"]"), "%s", out);
	cr_assert_not_null(strstr(out, "\"isp\" -- \"edge\" [label=\"100.64.0.2/31"
				  "\\ncut\", style=dashed, color=\"#d62728\""),
			   "%s", out);
	free(out);

	out = draw(&t, &v, TOPO_GRAPH_MERMAID);
	cr_assert_not_null(strstr(out, "  n1 -.-|\"100.64.0.2/31 cut\"| n0\n"),
			   "%s", out);
	cr_assert_not_null(strstr(out, "  class n0 down\n"), "%s", out);
	cr_assert_not_null(strstr(out, "  linkStyle 1 stroke:#d62728,"
				  "stroke-dasharray:4 3\n"), "%s", out);
	cr_assert_null(strstr(out, "linkStyle 0"), "%s", out);
	free(out);

	/* The same user reaching the POP: its colour, its link thick. */
	note[0] = NULL;
	cut[1] = false;
	pop[2] = 0;
	lp[0] = lp[1] = 0;
	out = draw(&t, &v, TOPO_GRAPH_DOT);
	cr_assert_not_null(strstr(out, "\"alice\" [shape=box, label=\"alice\\n"
				  "→ edge\", fillcolor=\"#c6dbef\", "
				  "color=\"#1f77b4\"]"), "%s", out);
	cr_assert_not_null(strstr(out, "\"alice\" -- \"isp\" [label=\"100.64.0.0/31\", "
				  "color=\"#1f77b4\", penwidth=3]"), "%s", out);
	free(out);
	out = draw(&t, &v, TOPO_GRAPH_MERMAID);
	cr_assert_not_null(strstr(out, "  class n0,n2 c0\n"), "%s", out);
	cr_assert_not_null(strstr(out, "  n2 ===|\"100.64.0.0/31\"| n1\n"),
			   "%s", out);
	free(out);
	topo_free(&t);
}

/* A link's netem settings are in its label, as check prints them. */
Test(graph, link_label_carries_netem_settings)
{
	static const char text[] =
		"name: slow\n"
		"nodes:\n"
		"  edge: {kind: pop, asn: 64500}\n"
		"  isp: {kind: isp, asn: 64501}\n"
		"links:\n"
		"  - {endpoints: [isp, edge], delay: 2ms, loss: 0.5%, rate: 10mbit}\n";
	struct topo t;
	char *out;

	load_text(text, &t);
	out = draw(&t, NULL, TOPO_GRAPH_DOT);
	cr_assert_not_null(strstr(out, "[label=\"100.64.0.0/31\\ndelay 2ms, "
				  "loss 0.5%, rate 10mbit\"]"), "%s", out);
	free(out);
	out = draw(&t, NULL, TOPO_GRAPH_MERMAID);
	cr_assert_not_null(strstr(out, "|\"100.64.0.0/31 delay 2ms, loss 0.5%, "
				  "rate 10mbit\"|"), "%s", out);
	free(out);
	topo_free(&t);
}

Test(graph, bare_topology_has_no_catchment)
{
	struct topo t;
	char *out;

	load_text(tiny, &t);
	out = draw(&t, NULL, TOPO_GRAPH_DOT);
	cr_assert_null(strstr(out, "→"), "%s", out);
	cr_assert_null(strstr(out, "penwidth=3"), "%s", out);
	cr_assert_not_null(strstr(out, "graph \"tiny\" {\n"), "%s", out);
	cr_assert_eq(out[strlen(out) - 2], '}');
	free(out);
	topo_free(&t);
}

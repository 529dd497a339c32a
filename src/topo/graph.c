/*
 * Drawings of a lab: the topology as Graphviz DOT or as a Mermaid
 * flowchart, with the catchment on top — each POP gets a colour, each user
 * the colour of the POP it reaches, the links its traffic crosses are drawn
 * thick in that colour, failed nodes grey and cut links red and dashed.
 * Who reaches what comes from the caller (the prediction for a file, the
 * routers' own view for a running lab); this file only draws.  Pure and
 * deterministic: colours follow the POPs' order in the file.
 */
#include "topo/topo.h"

#include <string.h>

struct colour {
	const char *stroke, *fill;
};

/* Distinct hues, light fills for readable labels; POP k gets k mod 8. */
static const struct colour palette[] = {
	{ "#1f77b4", "#c6dbef" }, { "#d62728", "#f7c6c5" },
	{ "#2ca02c", "#c7e9c0" }, { "#ff7f0e", "#fdd0a2" },
	{ "#9467bd", "#dadaeb" }, { "#8c564b", "#e7cbb8" },
	{ "#e377c2", "#f9d2ea" }, { "#17becf", "#c5eff3" },
};
#define NPALETTE	(sizeof(palette) / sizeof(palette[0]))

#define GREY_STROKE	"#666666"
#define GREY_FILL	"#dddddd"
#define LINK_COLOUR	"#999999"
#define CUT_COLOUR	"#d62728"

/* The colour of POP index pop: by its rank among the POPs. */
static const struct colour *pop_colour(const struct topo *t, long pop)
{
	size_t rank = 0, i;

	if (pop < 0 || (size_t)pop >= t->nnodes ||
	    t->nodes[pop].kind != TOPO_KIND_POP)
		return NULL;
	for (i = 0; i < (size_t)pop; i++)
		if (t->nodes[i].kind == TOPO_KIND_POP)
			rank++;
	return &palette[rank % NPALETTE];
}

static const char *view_note(const struct topo_view *v, size_t i)
{
	return v && v->note && v->note[i] && v->note[i][0] ? v->note[i] : NULL;
}

static long view_user_pop(const struct topo_view *v, size_t i)
{
	return v && v->user_pop ? v->user_pop[i] : -1;
}

static bool view_cut(const struct topo_view *v, size_t k)
{
	return v && v->link_cut && v->link_cut[k];
}

static long view_link_pop(const struct topo_view *v, size_t k)
{
	return v && v->link_pop ? v->link_pop[k] : -1;
}

/* The colour node i is drawn in: its own for a POP, its POP's for a user
 * that reaches one; NULL for plain (ISPs, lost users). */
static const struct colour *node_colour(const struct topo *t,
					const struct topo_view *v, size_t i)
{
	if (t->nodes[i].kind == TOPO_KIND_POP)
		return pop_colour(t, (long)i);
	if (t->nodes[i].kind == TOPO_KIND_USER)
		return pop_colour(t, view_user_pop(v, i));
	return NULL;
}

/*
 * Label lines joined by sep, each escaped for the format: DOT strings
 * escape '"' and '\'; Mermaid strings take '"' as an entity.  Cities are
 * free text from the file, everything else is ours.
 */
static void put_escaped(const char *s, enum topo_graph g, FILE *f)
{
	for (; *s; s++) {
		if (*s == '"')
			fputs(g == TOPO_GRAPH_DOT ? "\\\"" : "#quot;", f);
		else if (*s == '\\' && g == TOPO_GRAPH_DOT)
			fputs("\\\\", f);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

static void put_label(const struct topo *t, const struct topo_view *v,
		      size_t i, enum topo_graph g, FILE *f)
{
	const struct topo_node *n = &t->nodes[i];
	const char *sep = g == TOPO_GRAPH_DOT ? "\\n" : "<br/>";
	const char *note = view_note(v, i);
	long pop = view_user_pop(v, i);

	fputs(n->name, f);
	if (n->city) {
		fputs(sep, f);
		put_escaped(n->city, g, f);
	}
	if (n->asn)
		fprintf(f, "%sAS%u", sep, n->asn);
	if (n->kind == TOPO_KIND_USER && v && v->user_pop)
		fprintf(f, "%s→ %s", sep, pop >= 0 ? t->nodes[pop].name :
			pop == TOPO_CATCH_TIE ? "tie" : "no route");
	if (note) {
		fputs(sep, f);
		put_escaped(note, g, f);
	}
}

static void put_link_label(const struct topo_link *l, const struct topo_view *v,
			   size_t k, const char *sep, FILE *f)
{
	char net[IP4_STRLEN], netem[96];

	fprintf(f, "%s/%u", ip4_str(l->net.addr, net), l->net.len);
	if (topo_netem_str(l, " ", netem, sizeof(netem))[0])
		fprintf(f, "%s%s", sep, netem);
	if (view_cut(v, k))
		fprintf(f, "%scut", sep);
}

static void title(const struct topo *t, const struct topo_view *v,
		  const char *sep, FILE *f)
{
	char a[IP4_STRLEN], p[IP4_STRLEN];

	fprintf(f, "%s: anycast %s in %s/%u", t->name, ip4_str(t->anycast_addr, a),
		ip4_str(t->anycast_prefix.addr, p), t->anycast_prefix.len);
	if (v && v->caption) {
		fputs(sep, f);
		fputs(v->caption, f);
	}
}

static void print_dot(const struct topo *t, const struct topo_view *v, FILE *f)
{
	size_t i, k;

	fprintf(f, "// lab '%s'%s%s: render with dot -Tsvg (or neato, fdp)\n",
		t->name, t->file ? " from " : "", t->file ? t->file : "");
	fprintf(f, "graph \"%s\" {\n\tgraph [label=\"", t->name);
	title(t, v, "\\n", f);
	fputs("\", labelloc=t, fontname=\"Helvetica\", rankdir=LR, "
	      "overlap=false, splines=true];\n"
	      "\tnode [fontname=\"Helvetica\", fontsize=10, style=filled, "
	      "fillcolor=white];\n"
	      "\tedge [fontname=\"Helvetica\", fontsize=8, color=\"" LINK_COLOUR
	      "\"];\n", f);
	for (i = 0; i < t->nnodes; i++) {
		const struct topo_node *n = &t->nodes[i];
		const struct colour *c = node_colour(t, v, i);
		bool down = view_note(v, i) != NULL;

		fprintf(f, "\t\"%s\" [shape=%s, label=\"", n->name,
			n->kind == TOPO_KIND_POP ? "box3d" :
			n->kind == TOPO_KIND_ISP ? "ellipse" : "box");
		put_label(t, v, i, TOPO_GRAPH_DOT, f);
		fputc('"', f);
		if (down)
			fputs(", style=\"filled,dashed\", fillcolor=\"" GREY_FILL
			      "\", color=\"" GREY_STROKE "\"", f);
		else if (c)
			fprintf(f, ", fillcolor=\"%s\", color=\"%s\"%s", c->fill,
				c->stroke, n->kind == TOPO_KIND_POP ?
				", penwidth=2" : "");
		else if (n->kind == TOPO_KIND_USER && v && v->user_pop)
			fputs(", style=\"filled,dashed\", color=\"" CUT_COLOUR "\"",
			      f);
		fputs("];\n", f);
	}
	for (k = 0; k < t->nlinks; k++) {
		const struct topo_link *l = &t->links[k];
		const struct colour *c = pop_colour(t, view_link_pop(v, k));

		fprintf(f, "\t\"%s\" -- \"%s\" [label=\"", t->nodes[l->a].name,
			t->nodes[l->b].name);
		put_link_label(l, v, k, "\\n", f);
		fputc('"', f);
		if (view_cut(v, k))
			fputs(", style=dashed, color=\"" CUT_COLOUR "\", fontcolor=\""
			      CUT_COLOUR "\"", f);
		else if (c)
			fprintf(f, ", color=\"%s\", penwidth=3", c->stroke);
		fputs("];\n", f);
	}
	fputs("}\n", f);
}

/* Mermaid ids are n<index>: node names may hold '-', which it reads as
 * part of an arrow. */
static void print_mermaid(const struct topo *t, const struct topo_view *v,
			  FILE *f)
{
	size_t i, k, r;
	bool any;

	fputs("---\ntitle: \"", f);
	title(t, v, " — ", f);
	fputs("\"\n---\nflowchart LR\n", f);
	for (i = 0; i < t->nnodes; i++) {
		const struct topo_node *n = &t->nodes[i];

		fprintf(f, "  n%zu%s\"", i, n->kind == TOPO_KIND_POP ? "[[" :
			n->kind == TOPO_KIND_ISP ? "([" : "[");
		put_label(t, v, i, TOPO_GRAPH_MERMAID, f);
		fprintf(f, "\"%s\n", n->kind == TOPO_KIND_POP ? "]]" :
			n->kind == TOPO_KIND_ISP ? "])" : "]");
	}
	for (k = 0; k < t->nlinks; k++) {
		const struct topo_link *l = &t->links[k];

		fprintf(f, "  n%zu %s|\"", l->a, view_cut(v, k) ? "-.-" :
			view_link_pop(v, k) >= 0 ? "===" : "---");
		put_link_label(l, v, k, " ", f);
		fprintf(f, "\"| n%zu\n", l->b);
	}
	/* One class per POP colour in use, then the grey of failed nodes. */
	for (r = 0; r < NPALETTE; r++) {
		any = false;
		for (i = 0; i < t->nnodes; i++) {
			const struct colour *c = node_colour(t, v, i);

			if (!c || c != &palette[r] || view_note(v, i))
				continue;
			if (!any)
				fprintf(f, "  classDef c%zu fill:%s,stroke:%s,"
					"stroke-width:2px\n  class ", r, c->fill,
					c->stroke);
			fprintf(f, "%sn%zu", any ? "," : "", i);
			any = true;
		}
		if (any)
			fprintf(f, " c%zu\n", r);
	}
	any = false;
	for (i = 0; i < t->nnodes; i++) {
		if (!view_note(v, i))
			continue;
		if (!any)
			fputs("  classDef down fill:" GREY_FILL ",stroke:" GREY_STROKE
			      ",stroke-dasharray:4 3\n  class ", f);
		fprintf(f, "%sn%zu", any ? "," : "", i);
		any = true;
	}
	if (any)
		fputs(" down\n", f);
	/* linkStyle numbers links in the order they were declared. */
	for (k = 0; k < t->nlinks; k++) {
		const struct colour *c = pop_colour(t, view_link_pop(v, k));

		if (view_cut(v, k))
			fprintf(f, "  linkStyle %zu stroke:" CUT_COLOUR
				",stroke-dasharray:4 3\n", k);
		else if (c)
			fprintf(f, "  linkStyle %zu stroke:%s,stroke-width:3px\n",
				k, c->stroke);
	}
}

void topo_print_graph(const struct topo *t, const struct topo_view *v,
		      enum topo_graph g, FILE *f)
{
	if (g == TOPO_GRAPH_MERMAID)
		print_mermaid(t, v, f);
	else
		print_dot(t, v, f);
}

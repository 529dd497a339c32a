/*
 * `anycastlab graph [FILE] [--down POP] [--prepend POP=N[@ISP]]
 * [--withdraw POP[@ISP]] | --lab LAB  [--format dot|mermaid]`: draw a
 * lab.  From a file, the catchment is the prediction (topo/predict.h),
 * under the what-ifs given; from a running lab it is what the
 * routers say now, with failed routers greyed and cut links in red, so a
 * drawing taken after `kill` shows where the users went.
 */
#include "cli/cli.h"
#include "orch/live.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct view_buf {
	struct topo_view v;
	long *user_pop, *link_pop;
	const char **note;
	bool *link_cut;
	char (*notebuf)[64];
};

static int view_alloc(struct view_buf *b, const struct topo *t)
{
	memset(b, 0, sizeof(*b));
	b->user_pop = calloc(t->nnodes, sizeof(*b->user_pop));
	b->link_pop = calloc(t->nlinks + 1, sizeof(*b->link_pop));
	b->note = calloc(t->nnodes, sizeof(*b->note));
	b->link_cut = calloc(t->nlinks + 1, sizeof(*b->link_cut));
	b->notebuf = calloc(t->nnodes, sizeof(*b->notebuf));
	if (!b->user_pop || !b->link_pop || !b->note || !b->link_cut ||
	    !b->notebuf)
		return -ENOMEM;
	for (size_t k = 0; k < t->nlinks; k++)
		b->link_pop[k] = -1;
	b->v.user_pop = b->user_pop;
	b->v.link_pop = b->link_pop;
	b->v.note = b->note;
	b->v.link_cut = b->link_cut;
	return 0;
}

static void view_free(struct view_buf *b)
{
	free(b->user_pop);
	free(b->link_pop);
	free(b->note);
	free(b->link_cut);
	free(b->notebuf);
}

/* Colour link (i, j) with pop unless it already carries another POP's
 * users (then the first one drawn wins). */
static void mark_link(const struct topo *t, struct view_buf *b, size_t i,
		      size_t j, long pop)
{
	const struct topo_link *l = topo_link_find(t, i, j);

	if (l && b->link_pop[l - t->links] < 0)
		b->link_pop[l - t->links] = pop;
}

/* A user's control-plane path, "telstra > syd", as links to colour. */
static void mark_path(const struct topo *t, struct view_buf *b, size_t user,
		      const char *hops, long pop)
{
	char buf[256], *save = NULL, *name;
	size_t prev = user;
	long cur;

	snprintf(buf, sizeof(buf), "%s", hops);
	for (name = strtok_r(buf, " >", &save); name;
	     name = strtok_r(NULL, " >", &save)) {
		cur = topo_node_find(t, name);
		if (cur < 0)
			return;
		mark_link(t, b, prev, (size_t)cur, pop);
		prev = (size_t)cur;
	}
}

static void view_live(const struct live_lab *L, struct view_buf *b)
{
	const struct topo *t = &L->t;
	size_t i, k;

	for (i = 0; i < t->nnodes; i++) {
		const struct live_node *nl = &L->nodes[i];
		const struct topo_node *n = &t->nodes[i];
		char *note = b->notebuf[i];

		if (n->kind == TOPO_KIND_POP && nl->state == LIVE_RUNNING) {
			live_pop_condition(L, i, note, sizeof(b->notebuf[i]));
			if (!strncmp(note, "announcing", 10))
				note[0] = '\0';
		} else if (nl->state == LIVE_STOPPED) {
			snprintf(note, sizeof(b->notebuf[i]), "down");
		} else if (nl->state != LIVE_OK && nl->state != LIVE_RUNNING &&
			   nl->state != LIVE_EXTERNAL) {
			snprintf(note, sizeof(b->notebuf[i]), "%s",
				 live_state_name(nl->state));
		}
		b->note[i] = note;
	}
	for (k = 0; k < t->nlinks; k++) {
		const struct live_link *ll = &L->links[k];

		b->link_cut[k] = ll->known &&
			(!ll->a_ok || !ll->b_ok || !ll->a.up || !ll->a.carrier ||
			 !ll->b.up || !ll->b.carrier);
	}
	if (!L->have_snap) {
		b->v.user_pop = NULL;
		b->v.caption = "the routers did not answer: topology only";
		return;
	}
	b->v.caption = "catchment as the routers see it now";
	for (i = 0; i < t->nnodes; i++) {
		const struct snap_user *su = &L->snap.users[i];

		if (t->nodes[i].kind != TOPO_KIND_USER)
			continue;
		b->user_pop[i] = su->pop;
		if (su->pop >= 0)
			mark_path(t, b, i, su->hops, su->pop);
	}
}

static int graph_lab(const struct cli_verb *v, const char *lab,
		     enum topo_graph g)
{
	char name[TOPO_NAME_MAX + 1];
	struct view_buf b;
	struct live_lab L;
	int r;

	/* The routers' sockets and the links' state are root's to see. */
	if (!cli_privileged(v->name) ||
	    cli_pick_lab(v->name, lab, name, sizeof(name)) < 0)
		return 1;
	r = live_load(name, &L);
	if (r < 0) {
		live_free(&L);
		return cli_error(v->name, "lab '%s': cannot load its saved "
				 "topology: %s", name, strerror(-r));
	}
	if (view_alloc(&b, &L.t) < 0) {
		view_free(&b);
		live_free(&L);
		return cli_error(v->name, "out of memory");
	}
	view_live(&L, &b);
	topo_print_graph(&L.t, &b.v, g, stdout);
	view_free(&b);
	live_free(&L);
	return 0;
}

/* The caption of a drawing from a file: how it was predicted, under
 * which what-ifs. */
static void file_caption(const struct topo *t, const struct topo_whatif *w,
			 char *out, size_t cap)
{
	struct buf b;

	buf_init(&b, out, cap);
	buf_puts(&b, topo_has_policy(t) ? "catchment predicted by BGP policy" :
		 "catchment predicted by shortest AS path");
	if (topo_whatif_any(w)) {
		buf_puts(&b, " with ");
		topo_whatif_format(t, w, &b);
	}
	buf_cstr(&b);
}

static int graph_file(const struct cli_verb *v, const char *file,
		      const struct cli_whatifs *wa, enum topo_graph g)
{
	char caption[256];
	struct topo_whatif w;
	struct topo_predict r;
	struct view_buf b;
	struct topo t;
	size_t i;
	int rc;

	if (cli_load_file(v->name, file, "", &t))
		return 1;
	rc = cli_whatif_parse(v->name, &t, wa, &w);
	if (rc)
		goto out;
	rc = 1;
	if (view_alloc(&b, &t) < 0 || topo_predict(&t, &w, &r) < 0) {
		cli_error(v->name, "out of memory");
		goto out_view;
	}
	for (i = 0; i < t.nnodes; i++)
		b.user_pop[i] = r.node[i].catch;
	topo_predict_links(&t, &r, b.link_pop);
	topo_predict_free(&r);
	for (i = 0; i < w.ndown; i++)
		b.note[w.down[i]] = "down";
	for (i = 0; i < w.nwithdraw; i++)
		if (w.withdraw[i].peer == TOPO_NONE && !b.note[w.withdraw[i].pop])
			b.note[w.withdraw[i].pop] = "withdrawn";
	file_caption(&t, &w, caption, sizeof(caption));
	b.v.caption = caption;
	topo_print_graph(&t, &b.v, g, stdout);
	rc = 0;
out_view:
	view_free(&b);
out:
	topo_free(&t);
	return rc;
}

int cli_graph(const struct cli_verb *v, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lab", required_argument, NULL, 'l' },
		{ "down", required_argument, NULL, 'd' },
		{ "prepend", required_argument, NULL, 'p' },
		{ "withdraw", required_argument, NULL, 'w' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_whatifs wa = { .n = 0 };
	const char *lab = NULL;
	enum topo_graph g = TOPO_GRAPH_DOT;
	int c, rc;

	while ((c = cli_getopt(v, argc, argv, "l:d:p:w:f:h", opts, &rc)) != -1) {
		if (c == CLI_OPT_EXIT)
			return rc;
		if (c == 'l') {
			lab = optarg;
		} else if (c == 'd' || c == 'p' || c == 'w') {
			rc = cli_whatif_keep(v->name, &wa, c == 'd' ? TOPO_WHATIF_DOWN :
					     c == 'p' ? TOPO_WHATIF_PREPEND :
					     TOPO_WHATIF_WITHDRAW, optarg);
			if (rc)
				return rc;
		} else if (!strcmp(optarg, "dot"))
			g = TOPO_GRAPH_DOT;
		else if (!strcmp(optarg, "mermaid"))
			g = TOPO_GRAPH_MERMAID;
		else
			return cli_error(v->name, "--format: '%s' is not dot or "
					 "mermaid", optarg), 2;
	}
	if (argc - optind > 1)
		return cli_error(v->name, "takes one FILE, got %d arguments",
				 argc - optind), 2;
	if (lab && (optind < argc || wa.n))
		return cli_error(v->name, "--lab draws a running lab; it takes "
				 "no FILE and no --down, --prepend or --withdraw"), 2;
	if (lab)
		return graph_lab(v, lab, g);
	return graph_file(v, optind < argc ? argv[optind] :
			  cli_default_topology(), &wa, g);
}

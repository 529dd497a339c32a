/*
 * The default lab, topologies/world.yaml, against the story it tells.  The
 * file opens with a catchment table in a comment,
 *
 *   #   user    nearest | lax  fra  syd ...
 *   #   u-nyc   lax     | gru  lax  lax ...
 *
 * (each user's nearest POP, then the POP that answers it while the POP
 * named atop a column is down).  The table is read from the file, not
 * copied here, so the file and its promise cannot drift apart: the
 * catchment predicted from the links must match every cell, with no tie.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo/topo.h"

#define WORLD		SOURCE_ROOT "/topologies/world.yaml"
#define MAX_COLS	16
#define MAX_ROWS	64
#define WORD		32

struct table {
	char pops[MAX_COLS][WORD];	/* column heads: the POP down */
	size_t ncols;
	struct {
		char user[WORD];
		char nearest[WORD];
		char down[MAX_COLS][WORD];
	} rows[MAX_ROWS];
	size_t nrows;
};

/* The words of a comment line, "|" included; 0 if not a comment. */
static size_t comment_words(const char *line, char w[][WORD], size_t max)
{
	size_t n = 0;

	while (*line == ' ')
		line++;
	if (*line != '#')
		return 0;
	line++;
	while (n < max) {
		size_t len;

		line += strspn(line, " \t\r\n");
		len = strcspn(line, " \t\r\n");
		if (!len)
			break;
		cr_assert_lt(len, WORD);
		memcpy(w[n], line, len);
		w[n][len] = '\0';
		n++;
		line += len;
	}
	return n;
}

static void read_table(struct table *tab)
{
	char line[512], w[MAX_COLS + 3][WORD];
	FILE *f = fopen(WORLD, "r");
	bool in_table = false;
	size_t i;

	cr_assert_not_null(f, "cannot open " WORLD);
	memset(tab, 0, sizeof(*tab));
	while (fgets(line, sizeof(line), f)) {
		size_t n = comment_words(line, w, MAX_COLS + 3);

		if (!in_table) {
			if (n >= 4 && strcmp(w[0], "user") == 0 &&
			    strcmp(w[1], "nearest") == 0 && strcmp(w[2], "|") == 0) {
				for (i = 3; i < n; i++)
					strcpy(tab->pops[tab->ncols++], w[i]);
				in_table = true;
			}
			continue;
		}
		/* The table ends at the first line that is not a row. */
		if (n != tab->ncols + 3 || strcmp(w[2], "|") != 0)
			break;
		cr_assert_lt(tab->nrows, MAX_ROWS);
		strcpy(tab->rows[tab->nrows].user, w[0]);
		strcpy(tab->rows[tab->nrows].nearest, w[1]);
		for (i = 0; i < tab->ncols; i++)
			strcpy(tab->rows[tab->nrows].down[i], w[i + 3]);
		tab->nrows++;
	}
	fclose(f);
	cr_assert(in_table, WORLD " has no catchment table (\"#   user    nearest | ...\")");
	cr_assert_gt(tab->nrows, 0, "the catchment table has no rows");
}

static void load_world(struct topo *t)
{
	struct topo_diags d = { 0 };

	cr_assert_eq(topo_load_file(WORLD, t, &d), 0, "world.yaml does not load: %s",
		     d.n ? d.v[0].msg : "");
}

static long node_of_kind(const struct topo *t, const char *name,
			 enum topo_kind kind)
{
	long i = topo_node_find(t, name);

	cr_assert_geq(i, 0, "the table names '%s', which is not a node", name);
	cr_assert_eq(t->nodes[i].kind, kind, "'%s' is a %s, the table needs a %s",
		     name, topo_kind_name(t->nodes[i].kind), topo_kind_name(kind));
	return i;
}

static const char *pop_name(const struct topo *t, long p)
{
	if (p == TOPO_CATCH_TIE)
		return "(a tie)";
	if (p == TOPO_CATCH_UNREACHABLE)
		return "(nothing)";
	return t->nodes[p].name;
}

Test(world, table_covers_every_user_and_pop)
{
	struct table tab;
	struct topo t;
	size_t i, j, users = 0, pops = 0;

	read_table(&tab);
	load_world(&t);
	for (i = 0; i < t.nnodes; i++) {
		bool found = false;

		if (t.nodes[i].kind == TOPO_KIND_USER) {
			users++;
			for (j = 0; j < tab.nrows; j++)
				found |= strcmp(tab.rows[j].user, t.nodes[i].name) == 0;
			cr_assert(found, "user %s has no row in the table", t.nodes[i].name);
		} else if (t.nodes[i].kind == TOPO_KIND_POP) {
			pops++;
			for (j = 0; j < tab.ncols; j++)
				found |= strcmp(tab.pops[j], t.nodes[i].name) == 0;
			cr_assert(found, "pop %s has no column in the table", t.nodes[i].name);
		}
	}
	cr_assert_eq(tab.nrows, users);
	cr_assert_eq(tab.ncols, pops);
	topo_free(&t);
}

Test(world, nearest_pop_matches_table)
{
	struct table tab;
	struct topo t;
	long *got;
	size_t r;

	read_table(&tab);
	load_world(&t);
	got = calloc(t.nnodes, sizeof(*got));
	cr_assert_eq(topo_catchment(&t, -1, got), 0);
	for (r = 0; r < tab.nrows; r++) {
		long u = node_of_kind(&t, tab.rows[r].user, TOPO_KIND_USER);
		long p = node_of_kind(&t, tab.rows[r].nearest, TOPO_KIND_POP);

		cr_assert_eq(got[u], p, "%s reaches %s, the table says %s",
			     tab.rows[r].user, pop_name(&t, got[u]),
			     tab.rows[r].nearest);
	}
	free(got);
	topo_free(&t);
}

Test(world, pop_down_matches_table)
{
	struct table tab;
	struct topo t;
	long *got;
	size_t r, c;

	read_table(&tab);
	load_world(&t);
	got = calloc(t.nnodes, sizeof(*got));
	for (c = 0; c < tab.ncols; c++) {
		long down = node_of_kind(&t, tab.pops[c], TOPO_KIND_POP);

		cr_assert_eq(topo_catchment(&t, down, got), 0);
		for (r = 0; r < tab.nrows; r++) {
			long u = node_of_kind(&t, tab.rows[r].user, TOPO_KIND_USER);
			long p = node_of_kind(&t, tab.rows[r].down[c], TOPO_KIND_POP);

			cr_assert_neq(p, down, "the table sends %s to %s while %s is down",
				      tab.rows[r].user, tab.rows[r].down[c], tab.pops[c]);
			cr_assert_eq(got[u], p, "with %s down, %s reaches %s, the table says %s",
				     tab.pops[c], tab.rows[r].user,
				     pop_name(&t, got[u]), tab.rows[r].down[c]);
		}
	}
	free(got);
	topo_free(&t);
}

/* The whole table, as a picture: no user has two equally near POPs. */
Test(world, no_ties_anywhere)
{
	struct topo t;
	long *got, down;
	size_t i;

	load_world(&t);
	got = calloc(t.nnodes, sizeof(*got));
	for (down = -1; down < (long)t.nnodes; down++) {
		if (down >= 0 && t.nodes[down].kind != TOPO_KIND_POP)
			continue;
		cr_assert_eq(topo_catchment(&t, down, got), 0);
		for (i = 0; i < t.nnodes; i++)
			if (t.nodes[i].kind == TOPO_KIND_USER)
				cr_assert_geq(got[i], 0, "%s: %s with %s down",
					      t.nodes[i].name, pop_name(&t, got[i]),
					      down < 0 ? "nothing" : t.nodes[down].name);
	}
	free(got);
	topo_free(&t);
}

Test(world, story)
{
	struct topo t;
	long *got;
	size_t i, j, users = 0, elsewhere = 0;
	bool sydney = false;

	load_world(&t);
	for (i = 0; i < t.nnodes; i++) {
		const struct topo_node *n = &t.nodes[i];

		cr_assert_not_null(n->city, "%s has no city", n->name);
		cr_assert(n->has_lat && n->has_lon, "%s has no lat/lon", n->name);
		if (n->kind != TOPO_KIND_USER)
			continue;
		users++;
		sydney |= strcmp(n->city, "Sydney") == 0;
		for (j = 0; j < i; j++)
			if (t.nodes[j].kind == TOPO_KIND_USER)
				cr_assert_str_neq(t.nodes[j].city, n->city,
						  "%s and %s share a city",
						  t.nodes[j].name, n->name);
	}
	cr_assert_geq(users, 6);
	cr_assert(sydney, "no user in Sydney");

	/* The point of the lab: the nearest POP in AS hops is not always
	 * in the user's city. */
	got = calloc(t.nnodes, sizeof(*got));
	cr_assert_eq(topo_catchment(&t, -1, got), 0);
	for (i = 0; i < t.nnodes; i++)
		if (t.nodes[i].kind == TOPO_KIND_USER && got[i] >= 0 &&
		    strcmp(t.nodes[got[i]].city, t.nodes[i].city) != 0)
			elsewhere++;
	cr_assert_geq(elsewhere, 2);
	free(got);
	topo_free(&t);
}

Test(world, six_pops_one_address)
{
	struct topo t;
	size_t i, pops = 0;
	char a[IP4_STRLEN];

	load_world(&t);
	for (i = 0; i < t.nnodes; i++)
		pops += t.nodes[i].kind == TOPO_KIND_POP;
	cr_assert_eq(pops, 6);
	cr_assert_str_eq(ip4_str(t.anycast_addr, a), "104.16.0.1");
	cr_assert(prefix4_contains(&t.anycast_prefix, t.anycast_addr));
	topo_free(&t);
}

/*
 * What `anycastlab check` prints for the world lab is, line for line, the
 * table in the file's header: the header can be regenerated, and a reader
 * adding a POP sees the new table in the same form.
 */
Test(world, printed_catchment_is_the_header_table)
{
	char *printed = NULL, line[512];
	size_t len = 0, n = 0;
	struct topo t;
	FILE *mem, *f;

	load_world(&t);
	mem = open_memstream(&printed, &len);
	cr_assert_not_null(mem);
	topo_print_catchment(&t, mem);
	fclose(mem);
	f = fopen(WORLD, "r");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f)) {
		if ((strncmp(line, "#   u", 5) && strncmp(line, "#   user ", 9)) ||
		    !strchr(line, '|'))
			continue;	/* not a table row */
		cr_assert_not_null(strstr(printed, line), "header line not printed: %s"
				   "printed:\n%s", line, printed);
		n++;
	}
	fclose(f);
	cr_assert_eq(n, 8, "the header table has a heading and 7 users, found %zu", n);
	free(printed);
	topo_free(&t);
}

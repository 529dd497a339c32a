/*
 * The failover table a topology file may carry in a comment (see
 * topo.h): which POP answers each user while one POP is down.
 */
#include "topo/topo.h"

#include <stdio.h>
#include <string.h>

long topo_table_next_pop(FILE *f, const struct topo *t, size_t user,
			 size_t pop)
{
	char line[512], cols[16][TOPO_NAME_MAX + 1];
	size_t ncols = 0, i;
	long found = -1;

	while (fgets(line, sizeof(line), f)) {
		char *bar = strchr(line, '|'), *tok, *save;
		char first[TOPO_NAME_MAX + 2] = "";

		if (line[0] != '#' || !bar)
			continue;
		sscanf(line + 1, "%16s", first);
		if (!strcmp(first, "user")) {
			ncols = 0;
			for (tok = strtok_r(bar + 1, " \t\n", &save); tok && ncols < 16;
			     tok = strtok_r(NULL, " \t\n", &save))
				snprintf(cols[ncols++], sizeof(cols[0]), "%s", tok);
			continue;
		}
		if (!ncols || strcmp(first, t->nodes[user].name))
			continue;
		i = 0;
		for (tok = strtok_r(bar + 1, " \t\n", &save); tok && i < ncols;
		     tok = strtok_r(NULL, " \t\n", &save), i++)
			if (!strcmp(cols[i], t->nodes[pop].name))
				found = topo_node_find(t, tok);
		break;
	}
	return found;
}

/*
 * A POP's announcement as changed on a running lab (prepend, announce,
 * withdraw toward some neighbours), for the daemons that are configured
 * from a file (BIRD, FRR): the changes so far are kept in the node's
 * state file "<node>.shape", so that the next change renders the
 * sessions with every earlier one.  The built-in router keeps them in
 * its own memory instead.  A node that starts again starts from the
 * topology, as a revived built-in router does: the file goes then.
 *
 * The file: one line per session, "PEER announce|withdraw PREPEND GEN",
 * GEN counting the session's changes (a daemon may name what it renders
 * for the session by it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgp/policy.h"
#include "daemon/daemon_int.h"

int daemon_live_parse_line(const char *line, char *peer, size_t n,
			   bool *announce, unsigned *prepend, unsigned *gen)
{
	const char *p = line;
	unsigned long v[2];
	size_t len, k;
	char *end;

	len = strcspn(p, " ");
	if (!len || len >= n || p[len] != ' ')
		return -EINVAL;
	memcpy(peer, p, len);
	peer[len] = '\0';
	p += len + 1;
	if (!strncmp(p, "announce ", 9))
		*announce = true;
	else if (!strncmp(p, "withdraw ", 9))
		*announce = false;
	else
		return -EINVAL;
	p += 9;
	for (k = 0; k < 2; k++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		errno = 0;
		v[k] = strtoul(p, &end, 10);
		if (errno || v[k] > (k ? 1000000ul : BGP_PREPEND_MAX))
			return -EINVAL;
		if (k == 0 && *end != ' ')
			return -EINVAL;
		p = end + (k == 0);
	}
	if (*end && strcmp(end, "\n"))
		return -EINVAL;
	*prepend = (unsigned)v[0];
	*gen = (unsigned)v[1];
	return 0;
}

static int live_path(const char *lab, const struct topo *t, size_t node,
		     char *buf)
{
	return router_state_file(lab, t->nodes[node].name, "shape", buf,
				 STATE_PATH_MAX);
}

int daemon_live_load(const char *lab, const struct topo *t, size_t node,
		     struct topo_intent *in, unsigned *gen)
{
	char path[STATE_PATH_MAX], line[128], peer[TOPO_NAME_MAX + 1];
	unsigned prepend, g;
	bool announce;
	size_t i;
	FILE *f;
	int r;

	for (i = 0; gen && i < in->nsess; i++)
		gen[i] = 0;
	r = live_path(lab, t, node, path);
	if (r < 0)
		return r;
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (fgets(line, sizeof(line), f)) {
		if (daemon_live_parse_line(line, peer, sizeof(peer), &announce,
					   &prepend, &g) < 0)
			continue;
		for (i = 0; i < in->nsess; i++) {
			if (strcmp(in->sess[i].peer_name, peer))
				continue;
			in->sess[i].announce = announce;
			in->sess[i].prepend = prepend;
			if (gen)
				gen[i] = g;
		}
	}
	fclose(f);
	return 0;
}

struct live_gen {
	const struct topo_intent *in;
	const unsigned *gen;
};

static int live_write(void *ctx, FILE *f)
{
	const struct live_gen *g = ctx;
	size_t i;

	for (i = 0; i < g->in->nsess; i++) {
		const struct topo_intent_session *x = &g->in->sess[i];

		fprintf(f, "%s %s %u %u\n", x->peer_name,
			x->announce ? "announce" : "withdraw", x->prepend,
			g->gen[i]);
	}
	return 0;
}

int daemon_live_save(const char *lab, const struct topo *t, size_t node,
		     const struct topo_intent *in, const unsigned *gen)
{
	struct live_gen g = { in, gen };
	char path[STATE_PATH_MAX];
	int r = live_path(lab, t, node, path);

	if (r < 0)
		return r;
	return state_write_file(path, NULL, live_write, &g);
}

void daemon_live_forget(const char *lab, const struct topo *t, size_t node)
{
	char path[STATE_PATH_MAX];

	if (live_path(lab, t, node, path) == 0)
		unlink(path);
}

size_t daemon_live_change(struct topo_intent *in, const struct daemon_shape *s,
			  bool withdrawn, bool *changed, unsigned *gen)
{
	size_t i, k, n = 0;

	for (i = 0; i < in->nsess; i++) {
		struct topo_intent_session *x = &in->sess[i];
		bool named = !s->npeers;

		changed[i] = false;
		for (k = 0; k < s->npeers && !named; k++)
			named = s->peers[k] == x->peer;
		switch (s->op) {
		case DAEMON_SHAPE_PREPEND:
			if (!named || x->prepend == s->prepend)
				continue;
			x->prepend = s->prepend;
			break;
		case DAEMON_SHAPE_ANNOUNCE:
			/* From withdrawn everywhere: to the named ones only. */
			if (withdrawn && x->announce != named)
				x->announce = named;
			else if (!withdrawn && named && !x->announce)
				x->announce = true;
			else
				continue;
			break;
		case DAEMON_SHAPE_WITHDRAW:
			if (!named || !x->announce)
				continue;
			x->announce = false;
			break;
		}
		changed[i] = true;
		gen[i]++;
		n++;
	}
	return n;
}

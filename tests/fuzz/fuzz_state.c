/*
 * libFuzzer target: one line of a lab's "daemons" file, as `down` and
 * `status` read it as root (state_parse_daemon_line), and one line of a
 * POP's live announcement file ("<node>.shape", daemon_live_parse_line),
 * which `prepend`, `announce` and `withdraw` read as root.  What parses names a
 * real daemon and a node that fits the caller's buffer, holding no space;
 * written back as state_save_daemons writes it, it parses the same.  Each
 * input is tried with the loader's buffer and with a short one.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon_int.h"
#include "run/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *line, size_t n)
{
	char node[32], node2[32], out[64];
	enum topo_daemon d, d2;
	size_t i, len;

	memset(node, 0x55, sizeof(node));
	if (state_parse_daemon_line(line, node, n, &d) < 0)
		return;
	len = strnlen(node, sizeof(node));
	if (!len || len >= n)
		abort();
	for (i = 0; i < len; i++)
		if (isspace((unsigned char)node[i]))
			abort();
	if (d != TOPO_DAEMON_BUILTIN && d != TOPO_DAEMON_BIRD &&
	    d != TOPO_DAEMON_FRR && d != TOPO_DAEMON_NONE)
		abort();
	snprintf(out, sizeof(out), "%s %s\n", node, topo_daemon_name(d));
	if (state_parse_daemon_line(out, node2, n, &d2) < 0 ||
	    strcmp(node, node2) || d != d2)
		abort();
}

/* A session line that parses names a peer that fits, a prepend within
 * range, and says the same written back as live.c writes it. */
static void check_live(const char *line, size_t n)
{
	char peer[32], peer2[32], out[96];
	unsigned prepend, gen, prepend2, gen2;
	bool ann, ann2;
	size_t len;

	if (daemon_live_parse_line(line, peer, n, &ann, &prepend, &gen) < 0)
		return;
	len = strnlen(peer, sizeof(peer));
	if (!len || len >= n || strchr(peer, ' ') || prepend > 16)
		abort();
	snprintf(out, sizeof(out), "%s %s %u %u\n", peer,
		 ann ? "announce" : "withdraw", prepend, gen);
	if (daemon_live_parse_line(out, peer2, n, &ann2, &prepend2, &gen2) < 0 ||
	    strcmp(peer, peer2) || ann != ann2 || prepend != prepend2 ||
	    gen != gen2)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line;

	/* As fgets hands it over: at most 63 octets, NUL-terminated. */
	if (size > 63)
		size = 63;
	line = malloc(size + 1);
	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	check(line, 32);
	check(line, 8);
	check_live(line, 16);
	check_live(line, 4);
	free(line);
	return 0;
}

/*
 * libFuzzer target: one line of a lab's "daemons" file, as `down` and
 * `status` read it as root (state_parse_daemon_line).  What parses names a
 * real daemon and a node that fits the caller's buffer, holding no space;
 * written back as state_save_daemons writes it, it parses the same.  Each
 * input is tried with the loader's buffer and with a short one.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	free(line);
	return 0;
}

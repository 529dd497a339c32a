/*
 * libFuzzer target: one line of a lab's journal, as `down` and `status`
 * read it as root.  A record that parses must be one the writer could
 * have written: bounded names, a lowercase role, a positive pid; written
 * back in the writer's format, it parses to the same record.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same(const struct journal_rec *a, const struct journal_rec *b)
{
	if (a->kind != b->kind || strcmp(a->name, b->name) ||
	    strcmp(a->role, b->role) || a->proc.pid != b->proc.pid ||
	    a->proc.start != b->proc.start || a->when != b->when)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct journal_rec r, r2;
	char out[160];
	char *line;
	int n = -1;

	/* A line as journal_load hands it over: text up to a NUL. */
	line = malloc(size + 1);
	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	if (journal_parse(line, &r) < 0)
		goto out;
	if (memchr(r.name, '\0', sizeof(r.name)) == NULL ||
	    memchr(r.role, '\0', sizeof(r.role)) == NULL)
		abort();
	switch (r.kind) {
	case JOURNAL_NETNS:
	case JOURNAL_NETNS_CANCEL:
		if (!r.name[0] || strlen(r.name) > TOPO_NETNS_MAX || r.role[0])
			abort();
		n = snprintf(out, sizeof(out), "%snetns %s",
			     r.kind == JOURNAL_NETNS_CANCEL ? "-" : "", r.name);
		break;
	case JOURNAL_PROC:
		if (!r.name[0] || strlen(r.name) > TOPO_NAME_MAX ||
		    r.proc.pid <= 0 ||
		    r.role[strspn(r.role, "abcdefghijklmnopqrstuvwxyz")])
			abort();
		if (r.role[0])
			n = snprintf(out, sizeof(out), "daemon %s %s %d %llu",
				     r.name, r.role, (int)r.proc.pid,
				     r.proc.start);
		else
			n = snprintf(out, sizeof(out), "proc %s %d %llu",
				     r.name, (int)r.proc.pid, r.proc.start);
		break;
	case JOURNAL_ETCNS:
		if (r.name[0] || r.role[0])
			abort();
		n = snprintf(out, sizeof(out), "etcns");
		break;
	case JOURNAL_UP:
		if (r.name[0])
			abort();
		n = snprintf(out, sizeof(out), "up %lld", r.when);
		break;
	default:
		abort();
	}
	if (n < 0 || (size_t)n >= sizeof(out) || journal_parse(out, &r2) < 0)
		abort();
	same(&r, &r2);
out:
	free(line);
	return 0;
}

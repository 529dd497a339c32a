/*
 * The control-socket record format shared by the router (writer) and the
 * CLI (reader).  A reply is a sequence of lines, each a record:
 *
 *   session peer=telstra addr=100.64.0.12 as=1221 state=Established up_ms=5120
 *   route prefix=104.16.0.0/24 nexthop=100.64.0.13 aspath=1221,13335 why="only path"
 *
 * The first word is the record kind; then key=value pairs.  A value with
 * a space, quote, backslash or '=' is written in double quotes with \" and
 * \\ escapes.  Parsing is pure and bounded: it is fed whatever a socket
 * returned, and it is a fuzz target.
 */
#ifndef ANYCASTLAB_ROUTER_CTLMSG_H
#define ANYCASTLAB_ROUTER_CTLMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define CTL_MAX_FIELDS	32
#define CTL_LINE_MAX	4096

struct ctl_field {
	const char *key;
	const char *val;
};

struct ctl_rec {
	const char *kind;
	struct ctl_field f[CTL_MAX_FIELDS];
	size_t n;
	char store[CTL_LINE_MAX];	/* the unescaped text the pointers use */
};

/* Parse one line (no newline).  0, or -EINVAL for a malformed line
 * (unterminated quote, missing '=', too many fields, too long). */
int ctl_parse(const char *line, size_t len, struct ctl_rec *r);
/* Value of key, or NULL. */
const char *ctl_get(const struct ctl_rec *r, const char *key);
/* Unsigned value of key, or def when absent or not a number. */
uint64_t ctl_get_u64(const struct ctl_rec *r, const char *key, uint64_t def);

/* Writer side: start a record, add fields, end it with a newline. */
void ctl_begin(struct buf *b, const char *kind);
void ctl_put(struct buf *b, const char *key, const char *val);
void ctl_putf(struct buf *b, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ctl_end(struct buf *b);

#endif

/*
 * The one error convention of orch/ and daemon/: a function that can
 * fail returns 0 or -errno and, when it fails, leaves one sentence for a
 * person in the struct err its caller passed.  Nothing below the CLI
 * prints an error or leaves one in a global; the caller decides where
 * the sentence goes (a terminal, a JSON field, a child's pipe).
 */
#ifndef ANYCASTLAB_UTIL_ERR_H
#define ANYCASTLAB_UTIL_ERR_H

#include <stdarg.h>

#define ERR_MAX	8192

struct err {
	char msg[ERR_MAX];
};

/* Set e's sentence (printf-style) and return r, so that a failing path
 * is one line: return err_set(e, -ENOENT, "no link %s-%s", a, b). */
int err_set(struct err *e, int r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Append to e's sentence (a log tail after "its log ends:"). */
void err_add(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif

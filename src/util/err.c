/*
 * Error sentences (see err.h).
 */
#include "util/err.h"

#include <stdio.h>
#include <string.h>

static int err_vset(struct err *e, int r, const char *fmt, va_list ap)
{
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	return r;
}

int err_set(struct err *e, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, r, fmt, ap);
	va_end(ap);
	return r;
}

void err_add(struct err *e, const char *fmt, ...)
{
	size_t len = strlen(e->msg);
	va_list ap;

	if (len + 1 >= sizeof(e->msg))
		return;
	va_start(ap, fmt);
	vsnprintf(e->msg + len, sizeof(e->msg) - len, fmt, ap);
	va_end(ap);
}

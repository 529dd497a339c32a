/*
 * The speaker's log lines, handed to the callback of its configuration.
 */
#include "bgp/log.h"
#include "bgp/speaker_int.h"

#include <stdarg.h>
#include <stdio.h>

void bgp_log(const struct bgp_speaker *sp, int level, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!sp->cfg.log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	sp->cfg.log(sp->cfg.log_ctx, level, line);
}

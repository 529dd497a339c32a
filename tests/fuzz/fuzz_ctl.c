/*
 * libFuzzer target: control-socket record parsing.  Every line that
 * parses must survive a write/parse round trip unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "router/ctlmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ctl_rec r, r2;
	static char mem[CTL_LINE_MAX * 3];
	struct buf b;
	size_t i;

	if (ctl_parse((const char *)data, size, &r) < 0)
		return 0;
	buf_init(&b, mem, sizeof(mem));
	ctl_begin(&b, r.kind);
	for (i = 0; i < r.n; i++)
		ctl_put(&b, r.f[i].key, r.f[i].val);
	if (b.err || ctl_parse(mem, b.len, &r2) < 0)
		abort();
	if (strcmp(r.kind, r2.kind) || r.n != r2.n)
		abort();
	for (i = 0; i < r.n; i++)
		if (strcmp(r.f[i].key, r2.f[i].key) ||
		    strcmp(r.f[i].val, r2.f[i].val))
			abort();
	return 0;
}

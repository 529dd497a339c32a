/*
 * libFuzzer target: control-socket record parsing.  Every line that
 * parses must survive a write/parse round trip unchanged, and the readers
 * the CLI applies to a parsed record (ctl_get, ctl_get_u64) must agree with
 * its fields: the first field of a key wins, and a number is all digits.
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
	for (i = 0; i < r.n; i++) {
		const char *v = ctl_get(&r, r.f[i].key);
		size_t j;

		for (j = 0; j < i && strcmp(r.f[j].key, r.f[i].key); j++)
			;
		if (v != r.f[j].val)
			abort();
		if (ctl_get_u64(&r, r.f[i].key, 7) != 7 &&
		    (!*v || v[strspn(v, "0123456789")]))
			abort();
	}
	if (ctl_get(&r, "no such key") || ctl_get_u64(&r, "", 9) != 9)
		abort();
	return 0;
}

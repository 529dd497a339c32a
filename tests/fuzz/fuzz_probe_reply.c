/*
 * libFuzzer target: echo replies with a recorded route, as read from a
 * raw socket inside a user's namespace.
 */
#include <stdint.h>
#include <stdlib.h>

#include "net/probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static long any_pop(void *ctx, uint32_t addr)
{
	(void)ctx;
	return (long)(addr & 7);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct probe_reply r;

	if (probe_parse_reply(data, size, &r) == 0) {
		if (r.nrr > PROBE_RR_MAX)
			abort();
		probe_answering_pop(&r, 0x68100001, any_pop, NULL);
	}
	return 0;
}

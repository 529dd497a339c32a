/*
 * libFuzzer target: HTTP response head parsing (anycastlab curl).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_response_head h;

	if (http_response_head_parse((const char *)data, size, &h) == 0) {
		if (h.head_len > size || h.status < 100 || h.status > 599)
			abort();
		if (strlen(h.served_by) >= sizeof(h.served_by) ||
		    strlen(h.reason) >= sizeof(h.reason))
			abort();
	}
	return 0;
}

/*
 * libFuzzer target: the HTTP request parser, driven the way the server
 * drives it (pipelined requests, parser re-initialised after each one).
 *
 * Input: two octets, little-endian, choosing a cut point, then the bytes a
 * client sends.  They are parsed whole and again cut in two at that point;
 * both runs must produce the same sequence of outcomes, or the parser is
 * not truly incremental.  Every outcome must also satisfy the request
 * invariants and produce a response that fits HTTP_RESP_MAX.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/parse.h"
#include "http/resp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct run {
	struct http_parser p;
	uint64_t hash;		/* of every outcome, in order */
	unsigned outcomes;
	size_t off;		/* absolute offset of the next octet */
	bool failed;
};

static const struct http_site site = {
	.pop = "syd", .city = "Sydney", .addr = "104.16.0.1",
};

static void mix(struct run *r, const void *v, size_t n)
{
	const uint8_t *b = v;
	size_t i;

	for (i = 0; i < n; i++) {
		r->hash ^= b[i];
		r->hash *= 0x100000001b3ull;
	}
}

static void check_request(const struct http_request *q)
{
	if (q->target_len == 0 || q->target_len > HTTP_MAX_TARGET ||
	    q->target[q->target_len] != '\0' ||
	    strlen(q->target) != q->target_len)
		abort();
	if (q->has_path &&
	    (q->path_off > q->target_len ||
	     q->path_len > q->target_len - q->path_off))
		abort();
	if (q->version != 10 && q->version != 11)
		abort();
	if (q->content_length > HTTP_MAX_BODY)
		abort();
}

static void outcome(struct run *r, enum http_parse_result res)
{
	static uint8_t mem[HTTP_RESP_MAX];
	const struct http_request *q = &r->p.req;
	struct http_reply reply;
	struct buf b;

	r->outcomes++;
	mix(r, &res, sizeof(res));
	mix(r, &r->off, sizeof(r->off));
	buf_init(&b, mem, sizeof(mem));
	if (res == HTTP_PARSE_ERROR) {
		mix(r, &r->p.status, sizeof(r->p.status));
		if (http_resp_error(&b, r->p.status, &site, 0) < 0)
			abort();
		return;
	}
	check_request(q);
	mix(r, &q->method, sizeof(q->method));
	mix(r, &q->version, sizeof(q->version));
	mix(r, &q->keep_alive, sizeof(q->keep_alive));
	mix(r, &q->content_length, sizeof(q->content_length));
	mix(r, &q->has_path, sizeof(q->has_path));
	mix(r, &q->path_off, sizeof(q->path_off));
	mix(r, &q->path_len, sizeof(q->path_len));
	mix(r, q->target, q->target_len);
	if (http_resp_request(&b, q, &site, 0, &reply) < 0)
		abort();
}

/* One read's worth of input, as the server would process it. */
static void feed(struct run *r, const uint8_t *d, size_t n)
{
	while (!r->failed) {
		enum http_parse_result res;
		size_t used;

		res = http_parse(&r->p, d, n, &used);
		if (used > n)
			abort();
		d += used;
		n -= used;
		r->off += used;
		if (res == HTTP_PARSE_MORE) {
			if (n)
				abort();
			return;
		}
		outcome(r, res);
		if (res == HTTP_PARSE_ERROR) {
			r->failed = true;
			return;
		}
		http_parser_init(&r->p);
		if (!n)
			return;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct run whole, split;
	size_t cut;

	if (size < 2)
		return 0;
	cut = (size_t)(data[0] | data[1] << 8);
	data += 2;
	size -= 2;
	cut = size ? cut % (size + 1) : 0;

	memset(&whole, 0, sizeof(whole));
	memset(&split, 0, sizeof(split));
	http_parser_init(&whole.p);
	http_parser_init(&split.p);

	feed(&whole, data, size);
	feed(&split, data, cut);
	feed(&split, data + cut, size - cut);

	if (whole.outcomes != split.outcomes || whole.hash != split.hash ||
	    whole.failed != split.failed)
		abort();
	/* A request still in progress must be in the same state too. */
	if (!whole.failed &&
	    http_parser_started(&whole.p) != http_parser_started(&split.p))
		abort();
	return 0;
}

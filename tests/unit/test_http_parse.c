/*
 * HTTP request parser and response builder: one table row per request
 * shape (RFC 9112 §2-§6 and the limits of parse.h), each also parsed split
 * at every byte boundary and one octet at a time; pipelining and body
 * skipping; exact responses for the routes and the error codes.
 */
#include "http/parse.h"
#include "http/resp.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- helpers ------------------------------------------------------------- */

/* Feed n octets from an exact-size heap copy, so ASan sees any overread. */
static enum http_parse_result feed(struct http_parser *p, const void *s,
				   size_t n, size_t *used)
{
	void *copy = malloc(n ? n : 1);
	enum http_parse_result r;

	cr_assert_not_null(copy);
	memcpy(copy, s, n);
	r = http_parse(p, copy, n, used);
	free(copy);
	return r;
}

static enum http_parse_result parse_whole(struct http_parser *p,
					  const char *s, size_t n,
					  size_t *used)
{
	http_parser_init(p);
	return feed(p, s, n, used);
}

/*
 * Parse s fed as the given chunks (cut points ascending); the total
 * consumed is returned through used.  Stops at the first non-MORE result.
 */
static enum http_parse_result parse_cuts(struct http_parser *p,
					 const char *s, size_t n,
					 const size_t *cuts, size_t ncuts,
					 size_t *used)
{
	enum http_parse_result r = HTTP_PARSE_MORE;
	size_t off = 0, i, u;

	http_parser_init(p);
	for (i = 0; i <= ncuts; i++) {
		size_t end = i < ncuts ? cuts[i] : n;

		r = feed(p, s + off, end - off, &u);
		off += u;
		if (r != HTTP_PARSE_MORE)
			break;
		cr_assert_eq(u, end - (off - u), "MORE consumes everything");
	}
	*used = off;
	return r;
}

static void expect_same(const struct http_parser *a, size_t ua,
			enum http_parse_result ra,
			const struct http_parser *b, size_t ub,
			enum http_parse_result rb, const char *how)
{
	cr_expect_eq(ra, rb, "%s: result", how);
	cr_expect_eq(ua, ub, "%s: consumed", how);
	if (ra == HTTP_PARSE_ERROR && rb == HTTP_PARSE_ERROR)
		cr_expect_eq(a->status, b->status, "%s: status", how);
	if (ra == HTTP_PARSE_DONE && rb == HTTP_PARSE_DONE) {
		cr_expect_eq(a->req.method, b->req.method, "%s", how);
		cr_expect_eq(a->req.version, b->req.version, "%s", how);
		cr_expect_str_eq(a->req.target, b->req.target, "%s", how);
		cr_expect_eq(a->req.keep_alive, b->req.keep_alive, "%s", how);
		cr_expect_eq(a->req.content_length, b->req.content_length,
			     "%s", how);
		cr_expect_eq(a->req.has_path, b->req.has_path, "%s", how);
		cr_expect_eq(a->req.path_off, b->req.path_off, "%s", how);
		cr_expect_eq(a->req.path_len, b->req.path_len, "%s", how);
	}
}

/* Whole vs. every two-way split vs. one octet at a time. */
static void check_incremental(const char *s, size_t n)
{
	struct http_parser *whole = malloc(sizeof(*whole));
	struct http_parser *part = malloc(sizeof(*part));
	size_t *cuts = malloc((n + 1) * sizeof(*cuts));
	enum http_parse_result rw, rp;
	size_t uw, up, i;

	cr_assert(whole && part && cuts);
	rw = parse_whole(whole, s, n, &uw);
	for (i = 0; i <= n; i++) {
		char how[32];

		snprintf(how, sizeof(how), "split at %zu", i);
		rp = parse_cuts(part, s, n, &i, 1, &up);
		expect_same(whole, uw, rw, part, up, rp, how);
	}
	for (i = 0; i < n; i++)
		cuts[i] = i + 1;
	rp = parse_cuts(part, s, n, cuts, n ? n - 1 : 0, &up);
	expect_same(whole, uw, rw, part, up, rp, "octet by octet");
	free(cuts);
	free(part);
	free(whole);
}

/* --- the table ----------------------------------------------------------- */

/* Inline strings: Criterion re-executes the binary for every case. */
struct pcase {
	char name[48];
	char in[160];
	size_t len;		/* 0: strlen(in) */
	int status;		/* 0: expect DONE */
	/* For DONE: */
	enum http_method method;
	unsigned version;
	bool keep_alive;
	bool has_path;
	char path[16];
	uint64_t content_length;
};

#define OK11(n, s, p)	{ n, s, 0, 0, HTTP_METHOD_GET, 11, true, true, p, 0 }
#define BAD(n, s, st)	{ n, s, 0, st, 0, 0, false, false, "", 0 }
#define BADN(n, s, st)	{ n, s, sizeof(s) - 1, st, 0, 0, false, false, "", 0 }
#define H		"Host: 104.16.0.1\r\n"

static struct pcase pcases[] = {
	OK11("get root", "GET / HTTP/1.1\r\n" H "\r\n", "/"),
	OK11("query is cut off", "GET /health?x=1&y HTTP/1.1\r\n" H "\r\n",
	     "/health"),
	OK11("absolute form", "GET http://104.16.0.1/health?q HTTP/1.1\r\n"
	     H "\r\n", "/health"),
	OK11("absolute form, scheme case", "GET HTTPS://h:443/a HTTP/1.1\r\n"
	     H "\r\n", "/a"),
	OK11("absolute form, empty path", "GET http://h HTTP/1.1\r\n" H "\r\n",
	     ""),
	OK11("one leading empty line", "\r\nGET / HTTP/1.1\r\n" H "\r\n", "/"),
	OK11("value OWS", "GET / HTTP/1.1\r\nHost: \t h \t\r\nX:\r\n"
	     "Y:  a  b  \r\n\r\n", "/"),
	OK11("empty Host", "GET / HTTP/1.1\r\nHost:\r\n\r\n", "/"),
	OK11("Host with port and IPv6", "GET / HTTP/1.1\r\n"
	     "Host: [2001:db8::1]:8080\r\n\r\n", "/"),
	OK11("obs-text in a value", "GET / HTTP/1.1\r\n" H
	     "X-Name: caf\xc3\xa9\r\n\r\n", "/"),
	OK11("field names are case-insensitive", "GET / HTTP/1.1\r\n"
	     "hOsT: x\r\nCONNECTION: Keep-Alive\r\n\r\n", "/"),
	OK11("minor version above 1", "GET / HTTP/1.7\r\n" H "\r\n", "/"),
	OK11("unknown Connection options", "GET / HTTP/1.1\r\n" H
	     "Connection: upgrade, x-close, closed\r\n\r\n", "/"),
	OK11("Content-Length: 0", "GET / HTTP/1.1\r\n" H
	     "Content-Length: 0\r\n\r\n", "/"),
	{ "HEAD", "HEAD /health HTTP/1.1\r\n" H "\r\n", 0, 0,
	  HTTP_METHOD_HEAD, 11, true, true, "/health", 0 },
	{ "other method", "POST /x HTTP/1.1\r\n" H "\r\n", 0, 0,
	  HTTP_METHOD_OTHER, 11, true, true, "/x", 0 },
	{ "methods are case-sensitive", "get / HTTP/1.1\r\n" H "\r\n", 0, 0,
	  HTTP_METHOD_OTHER, 11, true, true, "/", 0 },
	{ "long method", "GETTYSBURG-ADDRESS-FOUR-SCORE / HTTP/1.1\r\n" H
	  "\r\n", 0, 0, HTTP_METHOD_OTHER, 11, true, true, "/", 0 },
	{ "asterisk form", "OPTIONS * HTTP/1.1\r\n" H "\r\n", 0, 0,
	  HTTP_METHOD_OTHER, 11, true, false, "", 0 },
	{ "authority form", "CONNECT h:443 HTTP/1.1\r\n" H "\r\n", 0, 0,
	  HTTP_METHOD_OTHER, 11, true, false, "", 0 },
	{ "other scheme", "GET ftp://h/ HTTP/1.1\r\n" H "\r\n", 0, 0,
	  HTTP_METHOD_GET, 11, true, false, "", 0 },
	{ "1.0 closes", "GET / HTTP/1.0\r\n\r\n", 0, 0,
	  HTTP_METHOD_GET, 10, false, true, "/", 0 },
	{ "1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
	  0, 0, HTTP_METHOD_GET, 10, true, true, "/", 0 },
	{ "1.1 close", "GET / HTTP/1.1\r\n" H "Connection: close\r\n\r\n",
	  0, 0, HTTP_METHOD_GET, 11, false, true, "/", 0 },
	{ "close in a list", "GET / HTTP/1.1\r\n" H
	  "Connection: foo ,\t Close , bar\r\n\r\n", 0, 0,
	  HTTP_METHOD_GET, 11, false, true, "/", 0 },
	{ "close wins over keep-alive", "GET / HTTP/1.0\r\n"
	  "Connection: keep-alive\r\nConnection: close\r\n\r\n", 0, 0,
	  HTTP_METHOD_GET, 10, false, true, "/", 0 },
	{ "body", "GET / HTTP/1.1\r\n" H "Content-Length: 5\r\n\r\nhello", 0, 0,
	  HTTP_METHOD_GET, 11, true, true, "/", 5 },
	{ "equal Content-Length twice", "POST / HTTP/1.1\r\n" H
	  "Content-Length: 3\r\ncontent-length: 3\r\n\r\nabc", 0, 0,
	  HTTP_METHOD_OTHER, 11, true, true, "/", 3 },
	{ "equal Content-Length list", "GET / HTTP/1.1\r\n" H
	  "Content-Length: 2 ,2,\t2\r\n\r\nab", 0, 0,
	  HTTP_METHOD_GET, 11, true, true, "/", 2 },

	BAD("empty line only, twice", "\r\n\r\n", 400),
	BAD("two leading empty lines", "\r\n\r\nGET / HTTP/1.1\r\n" H "\r\n",
	    400),
	BAD("bare LF request line", "GET / HTTP/1.1\n" H "\r\n", 400),
	BAD("bare LF header", "GET / HTTP/1.1\r\nHost: x\n\r\n", 400),
	BAD("bare LF ends head", "GET / HTTP/1.1\r\n" H "\n", 400),
	BAD("bare CR in value", "GET / HTTP/1.1\r\nX: a\rb\r\n" H "\r\n", 400),
	BAD("bare CR at start", "\rGET / HTTP/1.1\r\n" H "\r\n", 400),
	BADN("garbage", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 400),
	BAD("space before method", " GET / HTTP/1.1\r\n" H "\r\n", 400),
	BAD("invalid method token", "G(T / HTTP/1.1\r\n" H "\r\n", 400),
	BADN("NUL in method", "GE\0T / HTTP/1.1\r\n", 400),
	BAD("two spaces", "GET  / HTTP/1.1\r\n" H "\r\n", 400),
	BAD("tab separator", "GET\t/ HTTP/1.1\r\n" H "\r\n", 400),
	BAD("no version (0.9)", "GET /\r\n\r\n", 400),
	BADN("NUL in target", "GET /\0 HTTP/1.1\r\n", 400),
	BAD("fragment in target", "GET /#x HTTP/1.1\r\n" H "\r\n", 400),
	BAD("non-ASCII target", "GET /caf\xc3\xa9 HTTP/1.1\r\n" H "\r\n", 400),
	BAD("lower-case version", "GET / http/1.1\r\n" H "\r\n", 400),
	BAD("short version", "GET / HTTP/1\r\n" H "\r\n", 400),
	BAD("two-digit minor", "GET / HTTP/1.10\r\n" H "\r\n", 400),
	BAD("space after version", "GET / HTTP/1.1 \r\n" H "\r\n", 400),
	BAD("HTTP/2", "GET / HTTP/2.0\r\n" H "\r\n", 505),
	BAD("h2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
	BAD("HTTP/0.9 spelled out", "GET / HTTP/0.9\r\n\r\n", 505),
	BAD("missing Host in 1.1", "GET / HTTP/1.1\r\nX: y\r\n\r\n", 400),
	BAD("two Hosts", "GET / HTTP/1.1\r\n" H "Host: b\r\n\r\n", 400),
	BAD("space in Host", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
	BAD("userinfo in Host", "GET / HTTP/1.1\r\nHost: u@h\r\n\r\n", 400),
	BAD("space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400),
	BAD("tab before colon", "GET / HTTP/1.1\r\n" H "X\t: y\r\n\r\n", 400),
	BAD("empty field name", "GET / HTTP/1.1\r\n" H ": y\r\n\r\n", 400),
	BAD("invalid field name", "GET / HTTP/1.1\r\n" H "X(y): z\r\n\r\n",
	    400),
	BAD("no colon", "GET / HTTP/1.1\r\n" H "Xyz\r\n\r\n", 400),
	BAD("obs-fold", "GET / HTTP/1.1\r\n" H "X: a\r\n b\r\n\r\n", 400),
	BAD("whitespace before first field", "GET / HTTP/1.1\r\n " H "\r\n",
	    400),
	BADN("NUL in value", "GET / HTTP/1.1\r\nX: a\0b\r\n", 400),
	BAD("DEL in value", "GET / HTTP/1.1\r\nX: a\x7f\r\n", 400),
	BAD("control in value", "GET / HTTP/1.1\r\nX: a\x1b[m\r\n", 400),
	BAD("conflicting Content-Length", "GET / HTTP/1.1\r\n" H
	    "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
	BAD("conflicting list", "GET / HTTP/1.1\r\n" H
	    "Content-Length: 3, 4\r\n\r\n", 400),
	BAD("empty Content-Length", "GET / HTTP/1.1\r\n" H
	    "Content-Length:\r\n\r\n", 400),
	BAD("signed Content-Length", "GET / HTTP/1.1\r\n" H
	    "Content-Length: +3\r\n\r\n", 400),
	BAD("negative Content-Length", "GET / HTTP/1.1\r\n" H
	    "Content-Length: -1\r\n\r\n", 400),
	BAD("hex Content-Length", "GET / HTTP/1.1\r\n" H
	    "Content-Length: 0x10\r\n\r\n", 400),
	BAD("split digits", "GET / HTTP/1.1\r\n" H
	    "Content-Length: 1 2\r\n\r\n", 400),
	BAD("trailing comma", "GET / HTTP/1.1\r\n" H
	    "Content-Length: 1,\r\n\r\n", 400),
	BAD("empty list element", "GET / HTTP/1.1\r\n" H
	    "Content-Length: ,1\r\n\r\n", 400),
	BAD("body over 64 KiB", "GET / HTTP/1.1\r\n" H
	    "Content-Length: 65537\r\n\r\n", 413),
	BAD("Content-Length overflow", "GET / HTTP/1.1\r\n" H
	    "Content-Length: 99999999999999999999999999\r\n\r\n", 413),
	BAD("chunked", "POST / HTTP/1.1\r\n" H
	    "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501),
	BAD("any Transfer-Encoding", "GET / HTTP/1.0\r\n"
	    "transfer-encoding: identity\r\n\r\n", 501),
	BAD("Transfer-Encoding and Content-Length", "POST / HTTP/1.1\r\n" H
	    "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n", 501),
	BAD("Transfer-Encoding with space before colon", "POST / HTTP/1.1\r\n"
	    H "Transfer-Encoding : chunked\r\n\r\n", 400),
};

ParameterizedTestParameters(http_parse, table)
{
	return cr_make_param_array(struct pcase, pcases,
				   sizeof(pcases) / sizeof(pcases[0]));
}

static size_t pcase_len(const struct pcase *c)
{
	return c->len ? c->len : strlen(c->in);
}

ParameterizedTest(struct pcase *c, http_parse, table)
{
	struct http_parser p;
	size_t n = pcase_len(c), used;
	enum http_parse_result r;

	r = parse_whole(&p, c->in, n, &used);
	if (c->status) {
		cr_assert_eq(r, HTTP_PARSE_ERROR, "%s: result %d", c->name, r);
		cr_expect_eq(p.status, c->status, "%s: status %d", c->name,
			     p.status);
		cr_expect_leq(used, n);
		return;
	}
	cr_assert_eq(r, HTTP_PARSE_DONE, "%s: result %d status %d", c->name, r,
		     p.status);
	cr_expect_eq(used, n, "%s: consumed %zu of %zu", c->name, used, n);
	cr_expect_eq(p.req.method, c->method, "%s", c->name);
	cr_expect_eq(p.req.version, c->version, "%s", c->name);
	cr_expect_eq(p.req.keep_alive, c->keep_alive, "%s", c->name);
	cr_expect_eq(p.req.content_length, c->content_length, "%s", c->name);
	cr_expect_eq(p.req.has_path, c->has_path, "%s", c->name);
	if (c->has_path) {
		cr_expect_eq(p.req.path_len, strlen(c->path), "%s", c->name);
		cr_expect_eq(memcmp(p.req.target + p.req.path_off, c->path,
				    p.req.path_len), 0, "%s", c->name);
	}
}

ParameterizedTestParameters(http_parse, split_anywhere)
{
	return cr_make_param_array(struct pcase, pcases,
				   sizeof(pcases) / sizeof(pcases[0]));
}

ParameterizedTest(struct pcase *c, http_parse, split_anywhere)
{
	check_incremental(c->in, pcase_len(c));
}

/* --- limits -------------------------------------------------------------- */

/* "GET /aaa...a HTTP/1.1" with a target of exactly n octets. */
static char *target_request(size_t n)
{
	char *s = malloc(n + 64);

	cr_assert_not_null(s);
	memcpy(s, "GET /", 5);
	memset(s + 5, 'a', n - 1);
	strcpy(s + 4 + n, " HTTP/1.1\r\nHost: h\r\n\r\n");
	return s;
}

Test(http_parse, target_of_2048_octets_is_accepted)
{
	struct http_parser p;
	char *s = target_request(HTTP_MAX_TARGET);
	size_t used;

	cr_assert_eq(parse_whole(&p, s, strlen(s), &used), HTTP_PARSE_DONE);
	cr_expect_eq(p.req.target_len, HTTP_MAX_TARGET);
	cr_expect_eq(strlen(p.req.target), HTTP_MAX_TARGET);
	free(s);
}

Test(http_parse, target_of_2049_octets_is_414_without_waiting)
{
	struct http_parser p;
	char *s = target_request(HTTP_MAX_TARGET + 1);
	size_t used;

	cr_assert_eq(parse_whole(&p, s, strlen(s), &used), HTTP_PARSE_ERROR);
	cr_expect_eq(p.status, 414);
	cr_expect_eq(used, 4 + HTTP_MAX_TARGET + 1, "stops at the octet over");
	free(s);
}

Test(http_parse, request_line_over_8k_is_414)
{
	struct http_parser p;
	char *s = malloc(HTTP_MAX_LINE + 64);
	size_t used;

	cr_assert_not_null(s);
	memset(s, 'X', HTTP_MAX_LINE);
	strcpy(s + HTTP_MAX_LINE, " / HTTP/1.1\r\n");
	cr_assert_eq(parse_whole(&p, s, strlen(s), &used), HTTP_PARSE_ERROR);
	cr_expect_eq(p.status, 414);
	free(s);
}

/* A request whose header section is exactly n octets (final CRLF included). */
static char *head_request(size_t n)
{
	static const char line[] = "GET / HTTP/1.1\r\n";
	static const char host[] = "Host: h\r\nX: ";
	char *s = malloc(n + 64);
	size_t fill = n - (sizeof(host) - 1) - 4;

	cr_assert_not_null(s);
	strcpy(s, line);
	strcat(s, host);
	memset(s + strlen(s), 'v', fill);
	strcpy(s + sizeof(line) - 1 + sizeof(host) - 1 + fill, "\r\n\r\n");
	return s;
}

Test(http_parse, header_section_of_8k_is_accepted_one_more_is_431)
{
	struct http_parser p;
	char *ok = head_request(HTTP_MAX_HEAD);
	char *big = head_request(HTTP_MAX_HEAD + 1);
	size_t used;

	cr_expect_eq(parse_whole(&p, ok, strlen(ok), &used), HTTP_PARSE_DONE);
	cr_expect_eq(used, strlen("GET / HTTP/1.1\r\n") + HTTP_MAX_HEAD);
	cr_expect_eq(parse_whole(&p, big, strlen(big), &used), HTTP_PARSE_ERROR);
	cr_expect_eq(p.status, 431);
	free(ok);
	free(big);
}

Test(http_parse, hundred_kilobyte_header_is_431_after_8k)
{
	struct http_parser p;
	size_t n = 100 * 1024, used;
	char *s = malloc(n);

	cr_assert_not_null(s);
	memcpy(s, "GET / HTTP/1.1\r\nX-Big: ", 23);
	memset(s + 23, 'b', n - 23);
	cr_assert_eq(parse_whole(&p, s, n, &used), HTTP_PARSE_ERROR);
	cr_expect_eq(p.status, 431);
	cr_expect_leq(used, 16 + HTTP_MAX_HEAD + 1);
	free(s);
}

static char *fields_request(unsigned nfields)
{
	char *s = malloc(64 + nfields * 16);
	size_t off;
	unsigned i;

	cr_assert_not_null(s);
	off = (size_t)sprintf(s, "GET / HTTP/1.1\r\nHost: h\r\n");
	for (i = 1; i < nfields; i++)
		off += (size_t)sprintf(s + off, "X-%u: v\r\n", i);
	strcpy(s + off, "\r\n");
	return s;
}

Test(http_parse, sixty_four_fields_are_accepted_65_are_431)
{
	struct http_parser p;
	char *ok = fields_request(HTTP_MAX_FIELDS);
	char *many = fields_request(HTTP_MAX_FIELDS + 1);
	size_t used;

	cr_expect_eq(parse_whole(&p, ok, strlen(ok), &used), HTTP_PARSE_DONE);
	cr_expect_eq(parse_whole(&p, many, strlen(many), &used),
		     HTTP_PARSE_ERROR);
	cr_expect_eq(p.status, 431);
	free(ok);
	free(many);
}

/* --- framing: pipelining and bodies -------------------------------------- */

Test(http_parse, body_of_64k_is_skipped)
{
	static const char head[] =
		"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 65536\r\n\r\n";
	size_t n = sizeof(head) - 1 + HTTP_MAX_BODY, used;
	char *s = malloc(n + 1);
	struct http_parser p;

	cr_assert_not_null(s);
	memcpy(s, head, sizeof(head) - 1);
	memset(s + sizeof(head) - 1, 'b', HTTP_MAX_BODY);
	cr_expect_eq(parse_whole(&p, s, n - 1, &used), HTTP_PARSE_MORE);
	cr_expect_eq(parse_whole(&p, s, n, &used), HTTP_PARSE_DONE);
	cr_expect_eq(used, n);
	cr_expect_eq(p.req.content_length, HTTP_MAX_BODY);
	free(s);
}

Test(http_parse, pipelined_requests_parse_in_order)
{
	static const char in[] =
		"GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
		"HEAD /b HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nBODY"
		"GET /c HTTP/1.0\r\n\r\n"
		"GET /d HTT";
	static const char *const targets[] = { "/a", "/b", "/c" };
	struct http_parser p;
	size_t off = 0, used, n = sizeof(in) - 1;
	int i;

	for (i = 0; i < 3; i++) {
		http_parser_init(&p);
		cr_assert_eq(http_parse(&p, in + off, n - off, &used),
			     HTTP_PARSE_DONE, "request %d", i);
		cr_expect_str_eq(p.req.target, targets[i]);
		off += used;
	}
	cr_expect_eq(p.req.keep_alive, false);
	http_parser_init(&p);
	cr_expect_eq(http_parse(&p, in + off, n - off, &used), HTTP_PARSE_MORE);
	cr_expect_eq(off + used, n);
	cr_expect(http_parser_started(&p));
}

Test(http_parse, body_is_skipped_across_reads)
{
	static const char head[] =
		"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n";
	struct http_parser p;
	size_t used;

	http_parser_init(&p);
	cr_assert_eq(http_parse(&p, head, sizeof(head) - 1, &used),
		     HTTP_PARSE_MORE, "waits for the body");
	cr_assert_eq(http_parse(&p, "0123", 4, &used), HTTP_PARSE_MORE);
	cr_assert_eq(http_parse(&p, "456789GET", 9, &used), HTTP_PARSE_DONE);
	cr_expect_eq(used, 6, "the next request's octets are left alone");
	cr_expect_eq(p.req.content_length, 10);
}

Test(http_parse, a_finished_parser_consumes_nothing_more)
{
	static const char in[] = "GET / HTTP/1.0\r\n\r\nGET / HTTP/1.0\r\n\r\n";
	struct http_parser p;
	size_t used;

	http_parser_init(&p);
	cr_expect_not(http_parser_started(&p));
	cr_assert_eq(http_parse(&p, in, sizeof(in) - 1, &used), HTTP_PARSE_DONE);
	cr_assert_eq(http_parse(&p, in, sizeof(in) - 1, &used), HTTP_PARSE_DONE);
	cr_expect_eq(used, 0);

	http_parser_init(&p);
	cr_assert_eq(http_parse(&p, "\0", 1, &used), HTTP_PARSE_ERROR);
	cr_assert_eq(http_parse(&p, in, sizeof(in) - 1, &used),
		     HTTP_PARSE_ERROR);
	cr_expect_eq(used, 0);
	cr_expect_eq(p.status, 400);
}

Test(http_parse, empty_input_is_more)
{
	struct http_parser p;
	size_t used = 99;

	http_parser_init(&p);
	cr_expect_eq(http_parse(&p, "", 0, &used), HTTP_PARSE_MORE);
	cr_expect_eq(used, 0);
	cr_expect_not(http_parser_started(&p));
}

/*
 * Every single-octet value at every position of a valid request: the
 * parser must never crash, and every outcome must be split-invariant.
 */
Test(http_parse, every_octet_everywhere_is_split_invariant, .timeout = 60)
{
	static const char base[] = "GET /h?q HTTP/1.1\r\nHost: a\r\n"
				   "Content-Length: 1\r\nConnection: close\r\n\r\nx";
	char s[sizeof(base)];
	struct http_parser a, b;
	size_t i, ua, ub, half;
	unsigned c;

	for (i = 0; i < sizeof(base) - 1; i++) {
		for (c = 0; c < 256; c++) {
			enum http_parse_result ra, rb;

			memcpy(s, base, sizeof(base));
			s[i] = (char)c;
			ra = parse_whole(&a, s, sizeof(base) - 1, &ua);
			half = i;
			rb = parse_cuts(&b, s, sizeof(base) - 1, &half, 1, &ub);
			expect_same(&a, ua, ra, &b, ub, rb, "mutated");
		}
	}
}

/* --- responses ----------------------------------------------------------- */

static const struct http_site syd = {
	.pop = "syd", .city = "Sydney", .addr = "104.16.0.1",
};

/* Sun, 06 Nov 1994 08:49:37 GMT, the RFC's own example. */
#define T_RFC	((time_t)784111777)

static struct http_request parsed(const char *in)
{
	struct http_parser p;
	size_t used;

	cr_assert_eq(parse_whole(&p, in, strlen(in), &used), HTTP_PARSE_DONE,
		     "%s", in);
	return p.req;
}

static char out[HTTP_RESP_MAX + 1];

static const char *respond(const char *in, struct http_reply *reply)
{
	struct http_request req = parsed(in);
	struct buf b;

	buf_init(&b, out, HTTP_RESP_MAX);
	cr_assert_eq(http_resp_request(&b, &req, &syd, T_RFC, reply), 0);
	return buf_cstr(&b);
}

Test(http_resp, get_root_names_the_pop)
{
	struct http_reply r;
	const char *s = respond("GET / HTTP/1.1\r\nHost: x\r\n\r\n", &r);

	cr_expect_str_eq(s,
		"HTTP/1.1 200 OK\r\n"
		"Server: anycastlab\r\n"
		"Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
		"X-Served-By: syd\r\n"
		"Content-Type: text/plain; charset=utf-8\r\n"
		"Content-Length: 51\r\n"
		"Connection: keep-alive\r\n"
		"\r\n"
		"anycastlab POP syd (Sydney) answered on 104.16.0.1\n");
	cr_expect_eq(r.status, 200);
	cr_expect_not(r.close);
}

Test(http_resp, head_has_the_same_head_and_no_body)
{
	struct http_reply r;
	char get[HTTP_RESP_MAX + 1];
	const char *s;
	size_t headlen;

	strcpy(get, respond("GET / HTTP/1.1\r\nHost: x\r\n\r\n", &r));
	s = respond("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n", &r);
	headlen = (size_t)(strstr(get, "\r\n\r\n") + 4 - get);
	cr_expect_eq(strlen(s), headlen);
	cr_expect_eq(strncmp(s, get, headlen), 0);
	cr_expect_eq(r.status, 200);
}

Test(http_resp, health_says_ok)
{
	struct http_reply r;
	const char *s = respond("GET /health?from=watch HTTP/1.1\r\nHost: x\r\n"
				"\r\n", &r);

	cr_expect_eq(r.status, 200);
	cr_expect_not_null(strstr(s, "Content-Length: 3\r\n"));
	cr_expect_eq(strcmp(s + strlen(s) - 7, "\r\n\r\nok\n"), 0, "%s", s);
}

Test(http_resp, unknown_path_is_404_and_keeps_the_connection)
{
	struct http_reply r;
	const char *s = respond("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", &r);

	cr_expect_eq(r.status, 404);
	cr_expect_not(r.close);
	cr_expect_eq(strncmp(s, "HTTP/1.1 404 Not Found\r\n", 24), 0);
	cr_expect_not_null(strstr(s, "X-Served-By: syd\r\n"));
	cr_expect_not_null(strstr(s, "Connection: keep-alive\r\n"));
	cr_expect_not_null(strstr(s, "\r\n\r\n404 Not Found\n"));
}

Test(http_resp, other_methods_are_405_with_allow)
{
	struct http_reply r;
	const char *s = respond("DELETE / HTTP/1.1\r\nHost: x\r\n\r\n", &r);

	cr_expect_eq(r.status, 405);
	cr_expect_eq(strncmp(s, "HTTP/1.1 405 Method Not Allowed\r\n", 33), 0);
	cr_expect_not_null(strstr(s, "Allow: GET, HEAD\r\n"));
}

Test(http_resp, asterisk_form_get_is_400_and_closes)
{
	struct http_reply r;
	const char *s;
	struct http_request req = parsed("GET ftp://h/ HTTP/1.1\r\nHost: x\r\n"
					 "\r\n");
	struct buf b;

	buf_init(&b, out, HTTP_RESP_MAX);
	cr_assert_eq(http_resp_request(&b, &req, &syd, T_RFC, &r), 0);
	s = buf_cstr(&b);
	cr_expect_eq(r.status, 400);
	cr_expect(r.close);
	cr_expect_not_null(strstr(s, "Connection: close\r\n"));
}

Test(http_resp, http10_closes_unless_asked)
{
	struct http_reply r;
	const char *s = respond("GET / HTTP/1.0\r\n\r\n", &r);

	cr_expect(r.close);
	cr_expect_eq(strncmp(s, "HTTP/1.1 200 OK\r\n", 17), 0);
	cr_expect_not_null(strstr(s, "Connection: close\r\n"));
	s = respond("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", &r);
	cr_expect_not(r.close);
	cr_expect_not_null(strstr(s, "Connection: keep-alive\r\n"));
}

struct ecase {
	int status;
	char line[64];
};

ParameterizedTestParameters(http_resp, errors_close_and_name_the_pop)
{
	static struct ecase cases[] = {
		{ 400, "HTTP/1.1 400 Bad Request\r\n" },
		{ 408, "HTTP/1.1 408 Request Timeout\r\n" },
		{ 413, "HTTP/1.1 413 Content Too Large\r\n" },
		{ 414, "HTTP/1.1 414 URI Too Long\r\n" },
		{ 431, "HTTP/1.1 431 Request Header Fields Too Large\r\n" },
		{ 501, "HTTP/1.1 501 Not Implemented\r\n" },
		{ 505, "HTTP/1.1 505 HTTP Version Not Supported\r\n" },
	};

	return cr_make_param_array(struct ecase, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct ecase *c, http_resp, errors_close_and_name_the_pop)
{
	char body[64];
	struct buf b;
	const char *s;

	buf_init(&b, out, HTTP_RESP_MAX);
	cr_assert_eq(http_resp_error(&b, c->status, &syd, T_RFC), 0);
	s = buf_cstr(&b);
	cr_expect_eq(strncmp(s, c->line, strlen(c->line)), 0, "%s", s);
	cr_expect_not_null(strstr(s, "X-Served-By: syd\r\n"));
	cr_expect_not_null(strstr(s, "Connection: close\r\n"));
	snprintf(body, sizeof(body), "\r\n\r\n%d %s\n", c->status,
		 http_resp_reason(c->status));
	cr_expect_not_null(strstr(s, body));
}

Test(http_resp, city_and_address_are_optional)
{
	static const struct http_site bare = { .pop = "ams" };
	struct http_request req = parsed("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
	struct http_reply r;
	struct buf b;
	const char *s;

	buf_init(&b, out, HTTP_RESP_MAX);
	cr_assert_eq(http_resp_request(&b, &req, &bare, T_RFC, &r), 0);
	s = buf_cstr(&b);
	cr_expect_not_null(strstr(s, "\r\n\r\nanycastlab POP ams\n"), "%s", s);
}

Test(http_resp, unsafe_site_strings_are_refused)
{
	static const struct http_site bad[] = {
		{ .pop = "" },
		{ .pop = NULL },
		{ .pop = "syd\r\nSet-Cookie: x" },
		{ .pop = "syd", .city = "Syd\tney" },
		{ .pop = "syd", .addr = "104.16.0.1\n" },
		{ .pop = "a-name-well-over-sixty-four-octets-long-which-no-"
			 "topology-would-use" },
	};
	struct http_request req = parsed("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
	struct http_reply r;
	struct buf b;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(http_site_check(&bad[i]), -EINVAL, "site %zu", i);
		buf_init(&b, out, HTTP_RESP_MAX);
		cr_expect_eq(http_resp_request(&b, &req, &bad[i], T_RFC, &r),
			     -EINVAL);
		cr_expect_eq(b.len, 0);
	}
	cr_expect_eq(http_site_check(&syd), 0);
}

Test(http_resp, a_utf8_city_goes_into_the_body_but_never_a_header)
{
	static const struct http_site gru = { .pop = "gru", .city = "S\xc3\xa3o Paulo",
					      .addr = "104.16.0.1" };
	static const struct http_site bad = { .pop = "gr\xc3\xba" };
	struct http_request req = parsed("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
	struct http_reply r;
	struct buf b;

	cr_assert_eq(http_site_check(&gru), 0);
	buf_init(&b, out, HTTP_RESP_MAX);
	cr_assert_eq(http_resp_request(&b, &req, &gru, T_RFC, &r), 0);
	cr_assert_not_null(strstr(buf_cstr(&b), "anycastlab POP gru (S\xc3\xa3o Paulo) "
				  "answered on 104.16.0.1\n"));
	cr_assert_eq(http_site_check(&bad), -EINVAL);
}

Test(http_resp, short_buffer_is_enospc_and_writes_nothing)
{
	struct http_request req = parsed("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
	struct http_reply r;
	struct buf b;

	buf_init(&b, out, 100);
	cr_expect_eq(http_resp_request(&b, &req, &syd, T_RFC, &r), -ENOSPC);
	cr_expect_eq(b.len, 0);
}

struct dcase {
	time_t t;
	char s[HTTP_DATE_LEN + 1];
};

ParameterizedTestParameters(http_resp, imf_fixdate)
{
	static struct dcase cases[] = {
		{ 0, "Thu, 01 Jan 1970 00:00:00 GMT" },
		{ 784111777, "Sun, 06 Nov 1994 08:49:37 GMT" },
		{ 951782400, "Tue, 29 Feb 2000 00:00:00 GMT" },
		{ 1735689599, "Tue, 31 Dec 2024 23:59:59 GMT" },
		{ 4102444800, "Fri, 01 Jan 2100 00:00:00 GMT" },
	};

	return cr_make_param_array(struct dcase, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct dcase *c, http_resp, imf_fixdate)
{
	char d[HTTP_DATE_LEN + 1];

	cr_expect_str_eq(http_resp_date(d, c->t), c->s);
	cr_expect_eq(strlen(d), HTTP_DATE_LEN);
}

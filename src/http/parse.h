/*
 * Incremental HTTP/1.x request parser (RFC 9112 §2-§7, RFC 9110 §5, §7.2,
 * §8.6).  Pure: bytes in, a request or a status code out; no allocation, no
 * I/O, no clock.  It consumes input one octet at a time, so a request split
 * at any byte boundary parses exactly as when it arrives whole, and nothing
 * of the input needs to be kept between calls.
 *
 * Deliberately strict, because the responder sits behind nothing and must
 * not be confused into a different message framing than a proxy in front of
 * it would see: no Transfer-Encoding at all, one Content-Length value, CRLF
 * line ends only, no obs-fold, no whitespace before a colon.
 */
#ifndef ANYCASTLAB_HTTP_PARSE_H
#define ANYCASTLAB_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_MAX_TARGET		2048	/* request-target octets, else 414 */
#define HTTP_MAX_LINE		8192	/* request-line octets, else 414 */
#define HTTP_MAX_HEAD		8192	/* header section octets, else 431 */
#define HTTP_MAX_FIELDS		64	/* header field lines, else 431 */
#define HTTP_MAX_BODY		65536	/* Content-Length, else 413 */

enum http_method {
	HTTP_METHOD_OTHER,	/* a valid token we do not implement */
	HTTP_METHOD_GET,
	HTTP_METHOD_HEAD,
};

struct http_request {
	enum http_method method;
	unsigned version;	/* 10 or 11 (any HTTP/1.x with x >= 1) */
	char target[HTTP_MAX_TARGET + 1];	/* NUL-terminated */
	size_t target_len;
	/* Path of an origin- or absolute-form target, query cut off. */
	size_t path_off, path_len;
	bool has_path;		/* false for asterisk- and authority-form */
	bool keep_alive;	/* from version and Connection (RFC 9112 §9.3) */
	uint64_t content_length;	/* body octets, skipped by the parser */
};

enum http_parse_result {
	HTTP_PARSE_MORE,	/* all input consumed, request incomplete */
	HTTP_PARSE_DONE,	/* request (and its body) complete */
	HTTP_PARSE_ERROR,	/* see http_parser.status; close after it */
};

struct http_parser {
	/* Result; valid after HTTP_PARSE_DONE / HTTP_PARSE_ERROR. */
	struct http_request req;
	int status;		/* 400, 413, 414, 431, 501 or 505 */

	/* Private state. */
	unsigned state;
	bool started;		/* any octet of this request seen */
	size_t line_len;	/* request-line octets so far */
	size_t head_len;	/* header section octets so far */
	unsigned fields;
	size_t vpos;		/* version octets matched */
	char tok[24];		/* method / field name / list element, lower */
	size_t tok_len;
	unsigned field;		/* which field's value is being read */
	unsigned sub;		/* state inside that value */
	uint64_t num;		/* Content-Length element being read */
	bool seen_host, seen_length, conn_close, conn_keep_alive;
	uint64_t body_left;
};

void http_parser_init(struct http_parser *p);
/*
 * Feed len octets.  *used receives how many were consumed: all of them for
 * HTTP_PARSE_MORE; up to the end of the request's body for HTTP_PARSE_DONE
 * (the rest belongs to the next request: call http_parser_init() and feed
 * it again); up to and including the offending octet for HTTP_PARSE_ERROR.
 * Once done or failed, further calls consume nothing and repeat the result.
 */
enum http_parse_result http_parse(struct http_parser *p, const void *data,
				  size_t len, size_t *used);
/* True once any octet of the current request has been consumed. */
static inline bool http_parser_started(const struct http_parser *p)
{
	return p->started;
}

#endif

/*
 * HTTP/1.x request parser (see parse.h): a byte-at-a-time state machine over
 * RFC 9112 §3 (request line), §5 (field lines) and §6 (body framing).  It
 * remembers only what the responder acts on: method, target, version, Host
 * presence, Connection options and Content-Length; every other field is
 * checked for syntax and dropped.
 *
 * Where the RFCs let a recipient choose, this chooses to reject:
 *   - a bare LF or a bare CR ends nothing (§2.2): 400;
 *   - whitespace before the colon (§5.1) and obs-fold (§5.2): 400;
 *   - Transfer-Encoding of any kind (§6.1): 501, since a body we cannot
 *     frame is a body we must not guess at;
 *   - a Content-Length list whose values differ, or that is not a list of
 *     decimal numbers (RFC 9110 §8.6): 400; equal values are accepted;
 *   - a second Host, or an HTTP/1.1 request without one (§3.2): 400.
 * One empty line before the request line is skipped (§2.2), no more.
 */
#include "http/parse.h"

#include <string.h>
#include <strings.h>

enum {
	S_START,		/* before the request line */
	S_START_LF,		/* CR of a leading empty line seen */
	S_START_AGAIN,		/* after the one empty line we skip */
	S_METHOD,
	S_TARGET_START,
	S_TARGET,
	S_VERSION,
	S_LINE_CR,
	S_LINE_LF,
	S_FIELD_START,
	S_NAME,
	S_VALUE_OWS,
	S_VALUE,
	S_VALUE_LF,
	S_HEAD_LF,
	S_BODY,
	S_DONE,
	S_ERROR,
};

/* The fields whose values matter; everything else is F_OTHER. */
enum {
	F_OTHER,
	F_HOST,
	F_LENGTH,
	F_CONNECTION,
};

enum { HOST_IN, HOST_WS };
enum { CL_START, CL_DIGITS, CL_AFTER };
enum { CONN_WS, CONN_TOK, CONN_TRAIL, CONN_BAD };

static const char version_prefix[] = "HTTP/";

/* RFC 9110 §5.6.2 tchar. */
static bool is_tchar(uint8_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c);
}

static bool is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

/*
 * RFC 3986 characters a request-target may hold: unreserved, sub-delims,
 * ":" "@" "/" "?" "%" and the brackets of an IPv6 authority.  Anything
 * else ('"', '<', '\\', '#', controls, non-ASCII...) is a 400.
 */
static bool is_target_char(uint8_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c && strchr("-._~!$&'()*+,;=:@/?%[]", c);
}

/* RFC 9110 §7.2: Host = uri-host [ ":" port ], no userinfo. */
static bool is_host_char(uint8_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c && strchr("-._~!$&'()*+,;=:%[]", c);
}

/* RFC 9110 §5.5 field-vchar, SP and HTAB. */
static bool is_value_char(uint8_t c)
{
	return c == '\t' || (c >= ' ' && c != 0x7f);
}

static bool is_ws(uint8_t c)
{
	return c == ' ' || c == '\t';
}

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c;
}

static void tok_reset(struct http_parser *p)
{
	p->tok_len = 0;
}

/* Names longer than the buffer just stop matching anything we know. */
static void tok_put(struct http_parser *p, uint8_t c)
{
	if (p->tok_len < sizeof(p->tok))
		p->tok[p->tok_len] = (char)c;
	if (p->tok_len <= sizeof(p->tok))
		p->tok_len++;
}

static bool tok_is(const struct http_parser *p, const char *s)
{
	size_t n = strlen(s);

	return p->tok_len == n && memcmp(p->tok, s, n) == 0;
}

static enum http_parse_result fail(struct http_parser *p, int status)
{
	p->state = S_ERROR;
	p->status = status;
	return HTTP_PARSE_ERROR;
}

void http_parser_init(struct http_parser *p)
{
	memset(p, 0, sizeof(*p));
	p->state = S_START;
}

/* Path of an origin-form or http(s) absolute-form target (RFC 9112 §3.2). */
static void find_path(struct http_request *r)
{
	const char *t = r->target, *end = t + r->target_len, *s, *q;
	size_t i = 0;

	if (t[0] == '/') {
		s = t;
	} else {
		static const char *const schemes[] = { "http://", "https://" };
		size_t k;

		s = NULL;
		for (k = 0; k < 2; k++) {
			size_t n = strlen(schemes[k]);

			if (r->target_len >= n &&
			    strncasecmp(t, schemes[k], n) == 0) {
				i = n;
				break;
			}
		}
		if (!i)
			return;
		/* Skip the authority; an empty path means "/". */
		s = t + i;
		while (s < end && *s != '/' && *s != '?')
			s++;
	}
	q = memchr(s, '?', (size_t)(end - s));
	r->path_off = (size_t)(s - t);
	r->path_len = (size_t)((q ? q : end) - s);
	r->has_path = true;
}

static enum http_parse_result line_done(struct http_parser *p)
{
	const char *v = p->tok;

	/* tok holds the two version digits (RFC 9112 §2.3). */
	if (v[0] != '1')
		return fail(p, 505);
	p->req.version = v[1] == '0' ? 10 : 11;
	p->state = S_FIELD_START;
	return HTTP_PARSE_MORE;
}

static enum http_parse_result name_done(struct http_parser *p)
{
	p->sub = 0;
	p->field = F_OTHER;
	if (tok_is(p, "host")) {
		if (p->seen_host)
			return fail(p, 400);
		p->seen_host = true;
		p->field = F_HOST;
		p->sub = HOST_IN;
	} else if (tok_is(p, "content-length")) {
		p->field = F_LENGTH;
		p->sub = CL_START;
	} else if (tok_is(p, "transfer-encoding")) {
		return fail(p, 501);
	} else if (tok_is(p, "connection")) {
		p->field = F_CONNECTION;
		p->sub = CONN_WS;
		tok_reset(p);
	}
	return HTTP_PARSE_MORE;
}

static enum http_parse_result length_commit(struct http_parser *p)
{
	if (p->seen_length && p->num != p->req.content_length)
		return fail(p, 400);
	p->seen_length = true;
	p->req.content_length = p->num;
	return HTTP_PARSE_MORE;
}

static void conn_commit(struct http_parser *p)
{
	if (p->sub == CONN_BAD)
		return;
	if (tok_is(p, "close"))
		p->conn_close = true;
	else if (tok_is(p, "keep-alive"))
		p->conn_keep_alive = true;
}

/* One octet of a field value, leading whitespace already skipped. */
static enum http_parse_result value_char(struct http_parser *p, uint8_t c)
{
	switch (p->field) {
	case F_HOST:
		if (is_ws(c))
			p->sub = HOST_WS;
		else if (p->sub == HOST_WS || !is_host_char(c))
			return fail(p, 400);
		break;
	case F_LENGTH:
		if (is_digit(c) && p->sub != CL_AFTER) {
			unsigned d = (unsigned)(c - '0');

			if (p->sub == CL_START)
				p->num = 0;
			/* Saturate: anything this large is a 413 anyway. */
			if (p->num > (UINT64_MAX - d) / 10)
				p->num = UINT64_MAX;
			else
				p->num = p->num * 10 + d;
			p->sub = CL_DIGITS;
		} else if (is_ws(c)) {
			if (p->sub == CL_DIGITS)
				p->sub = CL_AFTER;
		} else if (c == ',' && p->sub != CL_START) {
			p->sub = CL_START;
			return length_commit(p);
		} else {
			return fail(p, 400);
		}
		break;
	case F_CONNECTION:
		if (c == ',') {
			conn_commit(p);
			tok_reset(p);
			p->sub = CONN_WS;
		} else if (is_ws(c)) {
			if (p->sub == CONN_TOK)
				p->sub = CONN_TRAIL;
		} else if (is_tchar(c) &&
			   (p->sub == CONN_WS || p->sub == CONN_TOK)) {
			tok_put(p, lower(c));
			p->sub = CONN_TOK;
		} else {
			p->sub = CONN_BAD;
		}
		break;
	}
	return HTTP_PARSE_MORE;
}

static enum http_parse_result value_octet(struct http_parser *p, uint8_t c)
{
	if (c == '\r') {
		p->state = S_VALUE_LF;
		return HTTP_PARSE_MORE;
	}
	if (!is_value_char(c))
		return fail(p, 400);
	return value_char(p, c);
}

static enum http_parse_result field_done(struct http_parser *p)
{
	switch (p->field) {
	case F_LENGTH:
		/* Empty value, or a list ending in a comma. */
		if (p->sub == CL_START)
			return fail(p, 400);
		return length_commit(p);
	case F_CONNECTION:
		conn_commit(p);
		break;
	}
	return HTTP_PARSE_MORE;
}

static enum http_parse_result head_done(struct http_parser *p)
{
	struct http_request *r = &p->req;

	if (r->version == 11 && !p->seen_host)
		return fail(p, 400);
	if (r->content_length > HTTP_MAX_BODY)
		return fail(p, 413);
	r->keep_alive = !p->conn_close &&
			(r->version == 11 || p->conn_keep_alive);
	find_path(r);
	p->body_left = r->content_length;
	if (p->body_left) {
		p->state = S_BODY;
		return HTTP_PARSE_MORE;
	}
	p->state = S_DONE;
	return HTTP_PARSE_DONE;
}

static enum http_parse_result step(struct http_parser *p, uint8_t c)
{
	struct http_request *r = &p->req;

	p->started = true;
	if (p->state >= S_METHOD && p->state <= S_LINE_LF &&
	    ++p->line_len > HTTP_MAX_LINE)
		return fail(p, 414);
	if (p->state >= S_FIELD_START && p->state <= S_HEAD_LF &&
	    ++p->head_len > HTTP_MAX_HEAD)
		return fail(p, 431);

	switch (p->state) {
	case S_START:
	case S_START_AGAIN:
		if (c == '\r' && p->state == S_START) {
			p->state = S_START_LF;
			break;
		}
		if (!is_tchar(c))
			return fail(p, 400);
		p->state = S_METHOD;
		p->line_len = 1;
		tok_put(p, c);
		break;
	case S_START_LF:
		if (c != '\n')
			return fail(p, 400);
		p->state = S_START_AGAIN;
		break;
	case S_METHOD:
		if (c == ' ') {
			/* RFC 9110 §9.1: method names are case-sensitive. */
			if (tok_is(p, "GET"))
				r->method = HTTP_METHOD_GET;
			else if (tok_is(p, "HEAD"))
				r->method = HTTP_METHOD_HEAD;
			else
				r->method = HTTP_METHOD_OTHER;
			tok_reset(p);
			p->state = S_TARGET_START;
		} else if (is_tchar(c)) {
			tok_put(p, c);
		} else {
			return fail(p, 400);
		}
		break;
	case S_TARGET_START:
	case S_TARGET:
		if (c == ' ' && p->state == S_TARGET) {
			r->target[r->target_len] = '\0';
			p->state = S_VERSION;
			p->vpos = 0;
			break;
		}
		if (!is_target_char(c))
			return fail(p, 400);
		if (r->target_len == HTTP_MAX_TARGET)
			return fail(p, 414);
		r->target[r->target_len++] = (char)c;
		p->state = S_TARGET;
		break;
	case S_VERSION:
		/* "HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 §2.3). */
		if (p->vpos < 5) {
			if (c != (uint8_t)version_prefix[p->vpos])
				return fail(p, 400);
		} else if (p->vpos == 5 || p->vpos == 7) {
			if (!is_digit(c))
				return fail(p, 400);
			p->tok[p->vpos == 5 ? 0 : 1] = (char)c;
		} else if (c != '.') {
			return fail(p, 400);
		}
		if (++p->vpos == 8)
			p->state = S_LINE_CR;
		break;
	case S_LINE_CR:
		if (c != '\r')
			return fail(p, 400);
		p->state = S_LINE_LF;
		break;
	case S_LINE_LF:
		if (c != '\n')
			return fail(p, 400);
		return line_done(p);
	case S_FIELD_START:
		if (c == '\r') {
			p->state = S_HEAD_LF;
			break;
		}
		/* SP/HTAB here is obs-fold, or junk after the request line. */
		if (!is_tchar(c))
			return fail(p, 400);
		if (++p->fields > HTTP_MAX_FIELDS)
			return fail(p, 431);
		tok_reset(p);
		tok_put(p, lower(c));
		p->state = S_NAME;
		break;
	case S_NAME:
		if (c == ':') {
			p->state = S_VALUE_OWS;
			return name_done(p);
		}
		if (!is_tchar(c))
			return fail(p, 400);
		tok_put(p, lower(c));
		break;
	case S_VALUE_OWS:
		if (is_ws(c))
			break;
		p->state = S_VALUE;
		return value_octet(p, c);
	case S_VALUE:
		return value_octet(p, c);
	case S_VALUE_LF:
		if (c != '\n')
			return fail(p, 400);
		p->state = S_FIELD_START;
		return field_done(p);
	case S_HEAD_LF:
		if (c != '\n')
			return fail(p, 400);
		return head_done(p);
	}
	return HTTP_PARSE_MORE;
}

enum http_parse_result http_parse(struct http_parser *p, const void *data,
				  size_t len, size_t *used)
{
	const uint8_t *in = data;
	enum http_parse_result res = HTTP_PARSE_MORE;
	size_t i = 0;

	if (p->state == S_DONE || p->state == S_ERROR) {
		*used = 0;
		return p->state == S_DONE ? HTTP_PARSE_DONE : HTTP_PARSE_ERROR;
	}
	while (i < len) {
		if (p->state == S_BODY) {
			size_t n = len - i;

			/* Bodies are skipped, never looked at (RFC 9112 §6.3). */
			if (n > p->body_left)
				n = (size_t)p->body_left;
			p->body_left -= n;
			i += n;
			if (!p->body_left) {
				p->state = S_DONE;
				res = HTTP_PARSE_DONE;
				break;
			}
			continue;
		}
		res = step(p, in[i++]);
		if (res != HTTP_PARSE_MORE)
			break;
	}
	*used = i;
	return res;
}

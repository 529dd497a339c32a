/*
 * HTTP/1.1 responses (see resp.h).  Every response, errors included, names
 * the POP in X-Served-By, since answering "which POP got this?" is what the
 * responder is for.  We always speak HTTP/1.1 in the status line, also to
 * 1.0 clients (RFC 9110 §2.5); persistence follows the request (RFC 9112
 * §9.3), and every error closes, since after a framing error we cannot know
 * where the next request would begin.
 */
#include "http/resp.h"

#include <errno.h>
#include <string.h>

enum body_kind {
	BODY_POP,	/* "anycastlab POP syd (Sydney) answered on ..." */
	BODY_HEALTH,	/* "ok" */
	BODY_STATUS,	/* "404 Not Found" */
};

const char *http_resp_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	}
	return "Unknown";
}

/* strftime's %a and %b follow the locale; the wire format must not. */
const char *http_resp_date(char out[HTTP_DATE_LEN + 1], time_t now)
{
	static const char days[7][4] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
	};
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
	};
	struct tm tm;
	struct buf b;

	buf_init(&b, out, HTTP_DATE_LEN + 1);
	if (!gmtime_r(&now, &tm) || tm.tm_year + 1900 > 9999 ||
	    tm.tm_year + 1900 < 0) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = 70;
		tm.tm_mday = 1;
		tm.tm_wday = 4;
	}
	buf_printf(&b, "%s, %02d %s %04d %02d:%02d:%02d GMT",
		   days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
		   tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	buf_cstr(&b);
	return out;
}

/*
 * Header values must be printable ASCII (no CR/LF injection).  The city
 * only goes into the body, which is UTF-8 (Content-Type says so), so it
 * may hold non-ASCII octets ("São Paulo"), never control characters.
 */
static bool printable(const char *s, bool need, bool utf8)
{
	size_t n = 0;

	if (!s)
		return !need;
	for (; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];

		if (n >= HTTP_SITE_NAME_MAX || c < 0x20 || c == 0x7f ||
		    (c > 0x7f && !utf8))
			return false;
	}
	return n > 0 || !need;
}

int http_site_check(const struct http_site *site)
{
	if (!site || !printable(site->pop, true, false) ||
	    !printable(site->city, false, true) || !printable(site->addr, false, false))
		return -EINVAL;
	return 0;
}

static void put_head(struct buf *b, int status, const struct http_site *site,
		     time_t now, size_t body_len, bool close)
{
	char date[HTTP_DATE_LEN + 1];

	buf_printf(b, "HTTP/1.1 %d %s\r\n", status, http_resp_reason(status));
	buf_puts(b, "Server: anycastlab\r\n");
	buf_printf(b, "Date: %s\r\n", http_resp_date(date, now));
	buf_printf(b, "X-Served-By: %s\r\n", site->pop);
	buf_puts(b, "Content-Type: text/plain; charset=utf-8\r\n");
	buf_printf(b, "Content-Length: %zu\r\n", body_len);
	if (status == 405)
		buf_puts(b, "Allow: GET, HEAD\r\n");
	buf_printf(b, "Connection: %s\r\n\r\n", close ? "close" : "keep-alive");
}

static void put_pop_body(struct buf *b, const struct http_site *site)
{
	buf_printf(b, "anycastlab POP %s", site->pop);
	if (site->city && *site->city)
		buf_printf(b, " (%s)", site->city);
	if (site->addr && *site->addr)
		buf_printf(b, " answered on %s", site->addr);
	buf_puts(b, "\n");
}

/*
 * Write head and body; the body is built first, into the tail of b, so its
 * length is known; then moved behind the head.  HEAD gets the same head.
 */
static int respond(struct buf *b, int status, enum body_kind kind,
		   const struct http_site *site, time_t now, bool close,
		   bool head_only)
{
	char body[HTTP_RESP_MAX / 2];
	struct buf bb;
	size_t start = b->len;

	if (http_site_check(site) < 0)
		return -EINVAL;
	buf_init(&bb, body, sizeof(body));
	if (kind == BODY_HEALTH)
		buf_puts(&bb, "ok\n");
	else if (kind == BODY_POP)
		put_pop_body(&bb, site);
	else
		buf_printf(&bb, "%d %s\n", status, http_resp_reason(status));
	if (bb.err)
		return bb.err;
	put_head(b, status, site, now, bb.len, close);
	if (!head_only)
		buf_put(b, bb.p, bb.len);
	if (b->err) {
		b->len = start;
		return b->err;
	}
	return 0;
}

static bool path_is(const struct http_request *req, const char *path)
{
	size_t n = strlen(path);

	return req->path_len == n &&
	       memcmp(req->target + req->path_off, path, n) == 0;
}

int http_resp_request(struct buf *b, const struct http_request *req,
		      const struct http_site *site, time_t now,
		      struct http_reply *reply)
{
	bool head_only = req->method == HTTP_METHOD_HEAD;
	enum body_kind kind = BODY_STATUS;
	int status;

	if (req->method == HTTP_METHOD_OTHER) {
		status = 405;
	} else if (!req->has_path) {
		status = 400;	/* "*" or authority-form with GET/HEAD */
	} else if (req->path_len == 0 || path_is(req, "/")) {
		/* RFC 9110 §4.2.3: an empty path is "/". */
		status = 200;
		kind = BODY_POP;
	} else if (path_is(req, "/health")) {
		status = 200;
		kind = BODY_HEALTH;
	} else {
		status = 404;
	}

	reply->status = status;
	reply->close = !req->keep_alive || status == 400;
	return respond(b, status, kind, site, now, reply->close, head_only);
}

int http_resp_error(struct buf *b, int status, const struct http_site *site,
		    time_t now)
{
	return respond(b, status, BODY_STATUS, site, now, true, false);
}

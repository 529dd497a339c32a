/*
 * HTTP/1.1 response builder for the POP responder (RFC 9110 §6.6.1 Date,
 * §10.2.1 Allow, §15 status codes; RFC 9112 §4 status line, §9.3 and §9.6
 * connection persistence).  Pure: a parsed request, the POP's identity and
 * the wall-clock time in, one complete response out.  Routing lives here
 * too: GET/HEAD of / and /health, 404 elsewhere, 405 for other methods.
 */
#ifndef ANYCASTLAB_HTTP_RESP_H
#define ANYCASTLAB_HTTP_RESP_H

#include "http/parse.h"
#include "util/buf.h"

#include <stdbool.h>
#include <time.h>

/* Every response fits this, given a site that passes http_site_check(). */
#define HTTP_RESP_MAX		1024
#define HTTP_SITE_NAME_MAX	64	/* pop, city and addr, each */
#define HTTP_DATE_LEN		29	/* "Sun, 06 Nov 1994 08:49:37 GMT" */

struct http_site {
	const char *pop;	/* "syd": the X-Served-By value */
	const char *city;	/* "Sydney"; NULL or "" leaves it out */
	const char *addr;	/* local address the request came in on */
};

struct http_reply {
	int status;
	bool close;		/* close the connection after this response */
};

/*
 * 0 if every string is printable ASCII of at most HTTP_SITE_NAME_MAX
 * octets (pop also non-empty), else -EINVAL: they go into header fields.
 */
int http_site_check(const struct http_site *site);

/* Answer a parsed request; 0, -EINVAL (bad site) or -ENOSPC (b full). */
int http_resp_request(struct buf *b, const struct http_request *req,
		      const struct http_site *site, time_t now,
		      struct http_reply *reply);
/* An error response (parse failure, timeout); it always closes. */
int http_resp_error(struct buf *b, int status, const struct http_site *site,
		    time_t now);

/* Reason phrase; "Unknown" for codes the responder never sends. */
const char *http_resp_reason(int status);
/* IMF-fixdate (RFC 9110 §5.6.7), locale-independent; returns out. */
const char *http_resp_date(char out[HTTP_DATE_LEN + 1], time_t now);

#endif

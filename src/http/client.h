/*
 * The client side of the HTTP/1.1 responder, for `anycastlab curl`: a
 * pure parser of a response's status line and header fields (RFC 9112
 * §4, §5).  Bytes in, a struct out; bounded and a fuzz target.
 */
#ifndef ANYCASTLAB_HTTP_CLIENT_H
#define ANYCASTLAB_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

struct http_response_head {
	int status;			/* 100..599 */
	char reason[64];
	char served_by[32];		/* X-Served-By, "" when absent */
	long content_length;		/* -1 when absent */
	size_t head_len;		/* octets up to and including CRLF CRLF */
};

/* 0 when the head is complete and well formed, -EAGAIN when more octets
 * are needed, -EINVAL when it is not an HTTP/1.x response head. */
int http_response_head_parse(const char *buf, size_t len,
			     struct http_response_head *h);

#endif

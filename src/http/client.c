/*
 * Response head parsing (see client.h).  Only what `anycastlab curl`
 * reports: status, reason, X-Served-By and Content-Length; every other
 * field is checked for shape and skipped.
 */
#include "http/client.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HEAD_MAX	16384

static void copy_field(char *dst, size_t n, const char *v, size_t vlen)
{
	while (vlen && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	if (vlen >= n)
		vlen = n - 1;
	memcpy(dst, v, vlen);
	dst[vlen] = '\0';
}

int http_response_head_parse(const char *buf, size_t len,
			     struct http_response_head *h)
{
	const char *end = NULL, *line, *eol;
	size_t i, scan = len < HEAD_MAX ? len : HEAD_MAX;

	memset(h, 0, sizeof(*h));
	h->content_length = -1;
	for (i = 0; i + 3 < scan; i++) {
		if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' &&
		    buf[i + 3] == '\n') {
			end = buf + i + 2;	/* the last field's CRLF */
			break;
		}
	}
	if (!end)
		return len >= HEAD_MAX ? -EINVAL : -EAGAIN;
	h->head_len = (size_t)(end - buf) + 2;
	/* "HTTP/1.x NNN reason" */
	if (end - buf < 12 || memcmp(buf, "HTTP/1.", 7) ||
	    (buf[7] != '0' && buf[7] != '1') || buf[8] != ' ')
		return -EINVAL;
	for (i = 9; i < 12; i++)
		if (buf[i] < '0' || buf[i] > '9')
			return -EINVAL;
	h->status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
	if (h->status < 100 || h->status > 599)
		return -EINVAL;
	eol = memchr(buf, '\r', (size_t)(end - buf));
	if (!eol || eol[1] != '\n' || (eol > buf + 12 && buf[12] != ' '))
		return -EINVAL;
	if (eol > buf + 13)
		copy_field(h->reason, sizeof(h->reason), buf + 13,
			   (size_t)(eol - buf - 13));
	for (line = eol + 2; line < end; line = eol + 2) {
		const char *colon;

		eol = memchr(line, '\r', (size_t)(end - line));
		if (!eol || eol[1] != '\n')
			return -EINVAL;
		colon = memchr(line, ':', (size_t)(eol - line));
		if (!colon || colon == line)
			return -EINVAL;
		for (i = 0; line + i < colon; i++)
			if (line[i] == ' ' || line[i] == '\t' ||
			    (unsigned char)line[i] < 0x21)
				return -EINVAL;
		if ((size_t)(colon - line) == 11 && !strncasecmp(line, "X-Served-By", 11))
			copy_field(h->served_by, sizeof(h->served_by), colon + 1,
				   (size_t)(eol - colon - 1));
		else if ((size_t)(colon - line) == 14 &&
			 !strncasecmp(line, "Content-Length", 14)) {
			char num[24];
			char *e;

			copy_field(num, sizeof(num), colon + 1, (size_t)(eol - colon - 1));
			h->content_length = strtol(num, &e, 10);
			if (!num[0] || *e || h->content_length < 0)
				return -EINVAL;
		}
	}
	return 0;
}

/*
 * Response heads as anycastlab curl reads them.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "http/client.h"

static int parse(const char *s, struct http_response_head *h)
{
	return http_response_head_parse(s, strlen(s), h);
}

Test(http_client, reads_status_pop_and_length)
{
	struct http_response_head h;
	const char *s = "HTTP/1.1 200 OK\r\nServer: anycastlab\r\n"
			"x-served-by:  syd \r\nContent-Length: 51\r\n\r\nbody";

	cr_assert_eq(parse(s, &h), 0);
	cr_assert_eq(h.status, 200);
	cr_assert_str_eq(h.reason, "OK");
	cr_assert_str_eq(h.served_by, "syd");
	cr_assert_eq(h.content_length, 51);
	cr_assert_eq(h.head_len, strlen(s) - 4);
}

Test(http_client, incomplete_head_asks_for_more)
{
	struct http_response_head h;

	cr_assert_eq(parse("HTTP/1.1 200 OK\r\nX-Served-By: syd\r\n", &h), -EAGAIN);
	cr_assert_eq(parse("", &h), -EAGAIN);
}

Test(http_client, malformed_heads_are_refused)
{
	static const char *const bad[] = {
		"HTTP/2 200 OK\r\n\r\n", "HTTP/1.1 20 OK\r\n\r\n",
		"HTTP/1.1 999 Odd\r\n\r\n", "HTTP/1.1 200OK\r\n\r\n",
		"HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
		"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: -4\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 4x\r\n\r\n",
		"SSH-2.0-OpenSSH\r\n\r\n",
	};
	struct http_response_head h;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(parse(bad[i], &h), -EINVAL, "'%s' parsed", bad[i]);
}

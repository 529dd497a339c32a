/*
 * Bounded byte buffers with a sticky error (see buf.h).  The pattern is
 * OpenBGPD's ibuf: callers write everything, then check one flag.
 */
#include "util/buf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void buf_init(struct buf *b, void *mem, size_t cap)
{
	b->p = mem;
	b->len = 0;
	b->cap = cap;
	b->err = 0;
}

void buf_put(struct buf *b, const void *src, size_t n)
{
	if (b->err)
		return;
	if (n > b->cap - b->len) {
		b->err = -ENOSPC;
		return;
	}
	if (n)
		memcpy(b->p + b->len, src, n);
	b->len += n;
}

void buf_put_u8(struct buf *b, uint8_t v)
{
	buf_put(b, &v, 1);
}

void buf_put_u16(struct buf *b, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	buf_put(b, x, 2);
}

void buf_put_u32(struct buf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 8), (uint8_t)v };

	buf_put(b, x, 4);
}

void buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

static void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	size_t room;
	int n;

	if (b->err)
		return;
	room = b->cap - b->len;
	n = vsnprintf((char *)b->p + b->len, room, fmt, ap);
	/* vsnprintf needs room for its NUL; the NUL itself is not counted. */
	if (n < 0 || (size_t)n >= room) {
		b->err = -ENOSPC;
		return;
	}
	b->len += (size_t)n;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

size_t buf_reserve(struct buf *b, size_t n)
{
	size_t off = b->len;

	if (b->err)
		return 0;
	if (n > b->cap - b->len) {
		b->err = -ENOSPC;
		return 0;
	}
	memset(b->p + b->len, 0, n);
	b->len += n;
	return off;
}

void buf_patch_u8(struct buf *b, size_t off, uint8_t v)
{
	if (b->err || off + 1 > b->len)
		return;
	b->p[off] = v;
}

void buf_patch_u16(struct buf *b, size_t off, uint16_t v)
{
	if (b->err || off + 2 > b->len)
		return;
	b->p[off] = (uint8_t)(v >> 8);
	b->p[off + 1] = (uint8_t)v;
}

const char *buf_cstr(struct buf *b)
{
	if (b->cap == 0)
		return "";
	if (b->len < b->cap) {
		b->p[b->len] = '\0';
	} else {
		b->err = -ENOSPC;
		b->p[b->cap - 1] = '\0';
	}
	return (const char *)b->p;
}

void rbuf_init(struct rbuf *r, const void *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->off = 0;
	r->err = false;
}

const uint8_t *rbuf_take(struct rbuf *r, size_t n)
{
	const uint8_t *p;

	if (r->err || n > r->len - r->off) {
		r->err = true;
		return NULL;
	}
	p = r->p + r->off;
	r->off += n;
	return p;
}

uint8_t rbuf_u8(struct rbuf *r)
{
	const uint8_t *p = rbuf_take(r, 1);

	return p ? p[0] : 0;
}

uint16_t rbuf_u16(struct rbuf *r)
{
	const uint8_t *p = rbuf_take(r, 2);

	return p ? (uint16_t)(p[0] << 8 | p[1]) : 0;
}

uint32_t rbuf_u32(struct rbuf *r)
{
	const uint8_t *p = rbuf_take(r, 4);

	return p ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		   (uint32_t)p[2] << 8 | p[3] : 0;
}

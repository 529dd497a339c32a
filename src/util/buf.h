/*
 * Bounded byte buffers with a sticky error.
 *
 * A writer (struct buf) appends into caller memory and latches its first
 * error instead of returning one per call, so an encoder writes a whole
 * message and checks once at the end.  A reader (struct rbuf) walks a byte
 * range the same way: reads past the end yield zeros and set the error,
 * so a decoder can never step outside its input.
 */
#ifndef ANYCASTLAB_UTIL_BUF_H
#define ANYCASTLAB_UTIL_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
	uint8_t *p;
	size_t len;
	size_t cap;
	int err;		/* 0, or -ENOSPC once anything did not fit */
};

void buf_init(struct buf *b, void *mem, size_t cap);
void buf_put(struct buf *b, const void *src, size_t n);
void buf_put_u8(struct buf *b, uint8_t v);
void buf_put_u16(struct buf *b, uint16_t v);	/* network order */
void buf_put_u32(struct buf *b, uint32_t v);	/* network order */
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Reserve n bytes to fill in later (a length field); returns their offset. */
size_t buf_reserve(struct buf *b, size_t n);
void buf_patch_u8(struct buf *b, size_t off, uint8_t v);
void buf_patch_u16(struct buf *b, size_t off, uint16_t v);
/* NUL-terminate text written so far (not counted in len); returns b->p. */
const char *buf_cstr(struct buf *b);

static inline size_t buf_room(const struct buf *b)
{
	return b->err ? 0 : b->cap - b->len;
}

struct rbuf {
	const uint8_t *p;
	size_t len;
	size_t off;
	bool err;		/* set by any read past the end */
};

void rbuf_init(struct rbuf *r, const void *p, size_t len);
uint8_t rbuf_u8(struct rbuf *r);
uint16_t rbuf_u16(struct rbuf *r);
uint32_t rbuf_u32(struct rbuf *r);
/* Pointer to the next n bytes and skip them; NULL (and err) if short. */
const uint8_t *rbuf_take(struct rbuf *r, size_t n);

static inline size_t rbuf_left(const struct rbuf *r)
{
	return r->len - r->off;
}

#endif

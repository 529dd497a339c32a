/*
 * A growable byte queue: append at the tail, consume from the head.  Used
 * for socket output that may not be written at once (BGP sessions, HTTP
 * replies, control-socket answers).
 */
#ifndef ANYCASTLAB_UTIL_DBUF_H
#define ANYCASTLAB_UTIL_DBUF_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

struct dbuf {
	uint8_t *p;
	size_t head, tail, cap;
};

void dbuf_init(struct dbuf *d);
void dbuf_free(struct dbuf *d);
/* Make room for n more bytes; 0 or -ENOMEM. */
int dbuf_reserve(struct dbuf *d, size_t n);
/* A struct buf over the free space (after dbuf_reserve); commit what was
 * written with dbuf_commit(d, b.len). */
void dbuf_writer(struct dbuf *d, struct buf *b);
void dbuf_commit(struct dbuf *d, size_t n);
int dbuf_append(struct dbuf *d, const void *p, size_t n);
void dbuf_consume(struct dbuf *d, size_t n);

static inline size_t dbuf_len(const struct dbuf *d)
{
	return d->tail - d->head;
}

static inline const uint8_t *dbuf_data(const struct dbuf *d)
{
	return d->p + d->head;
}

/* write(2) as much as the fd takes: bytes written, 0 on EAGAIN, -errno. */
long dbuf_write_fd(struct dbuf *d, int fd);

#endif

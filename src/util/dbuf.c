/*
 * Growable byte queue (see dbuf.h).  Consumed space is reclaimed by moving
 * the live bytes to the front when that avoids growing.
 */
#include "util/dbuf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void dbuf_init(struct dbuf *d)
{
	d->p = NULL;
	d->head = d->tail = d->cap = 0;
}

void dbuf_free(struct dbuf *d)
{
	free(d->p);
	dbuf_init(d);
}

int dbuf_reserve(struct dbuf *d, size_t n)
{
	size_t live = d->tail - d->head, cap;
	uint8_t *np;

	if (d->cap - d->tail >= n)
		return 0;
	if (d->head && d->cap - live >= n) {
		memmove(d->p, d->p + d->head, live);
		d->head = 0;
		d->tail = live;
		return 0;
	}
	cap = d->cap ? d->cap : 4096;
	while (cap - live < n) {
		if (cap > SIZE_MAX / 2)
			return -ENOMEM;
		cap *= 2;
	}
	np = malloc(cap);
	if (!np)
		return -ENOMEM;
	if (live)
		memcpy(np, d->p + d->head, live);
	free(d->p);
	d->p = np;
	d->head = 0;
	d->tail = live;
	d->cap = cap;
	return 0;
}

void dbuf_writer(struct dbuf *d, struct buf *b)
{
	buf_init(b, d->p ? d->p + d->tail : NULL, d->cap - d->tail);
}

void dbuf_commit(struct dbuf *d, size_t n)
{
	d->tail += n;
}

int dbuf_append(struct dbuf *d, const void *p, size_t n)
{
	int r;

	if (!n)
		return 0;	/* d->p may still be NULL */
	r = dbuf_reserve(d, n);

	if (r < 0)
		return r;
	memcpy(d->p + d->tail, p, n);
	d->tail += n;
	return 0;
}

void dbuf_consume(struct dbuf *d, size_t n)
{
	d->head += n;
	if (d->head >= d->tail)
		d->head = d->tail = 0;
}

long dbuf_write_fd(struct dbuf *d, int fd)
{
	long total = 0;

	while (dbuf_len(d)) {
		ssize_t w = send(fd, dbuf_data(d), dbuf_len(d), MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == ENOTSOCK) {
				w = write(fd, dbuf_data(d), dbuf_len(d));
				if (w >= 0)
					goto advanced;
				if (errno == EAGAIN)
					break;
			}
			return -errno;
		}
advanced:
		dbuf_consume(d, (size_t)w);
		total += w;
	}
	return total;
}

/*
 * Deadlines on CLOCK_MONOTONIC (see deadline.h).
 */
#include "util/deadline.h"

#include <errno.h>
#include <poll.h>

void deadline_in(struct timespec *d, unsigned ms)
{
	clock_gettime(CLOCK_MONOTONIC, d);
	d->tv_sec += ms / 1000;
	d->tv_nsec += (long)(ms % 1000) * 1000000;
	if (d->tv_nsec >= 1000000000) {
		d->tv_sec++;
		d->tv_nsec -= 1000000000;
	}
}

/* Milliseconds until d, rounded down; <= 0 once it passed. */
static long deadline_left_ms(const struct timespec *d)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (d->tv_sec - now.tv_sec) * 1000 +
	       (d->tv_nsec - now.tv_nsec) / 1000000;
}

bool deadline_passed(const struct timespec *d)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > d->tv_sec ||
	       (now.tv_sec == d->tv_sec && now.tv_nsec >= d->tv_nsec);
}

int deadline_poll(int fd, short events, const struct timespec *d)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	long ms = deadline_left_ms(d);
	int r;

	if (ms <= 0)
		return -ETIMEDOUT;
	r = poll(&pfd, 1, (int)ms);
	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	return r == 0 ? -ETIMEDOUT : 0;
}

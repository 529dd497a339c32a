/*
 * A fib.h that records instead of programming the kernel: tests read back
 * what the speaker would have installed.
 */
#include "fib_fake.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct fib {
};

struct fib_fake_route fib_fake_routes[FIB_FAKE_MAX];
size_t fib_fake_nroutes;
unsigned fib_fake_commits;

static long fib_fake_find(const struct prefix4 *p)
{
	size_t i;

	for (i = 0; i < fib_fake_nroutes; i++)
		if (prefix4_eq(&fib_fake_routes[i].prefix, p))
			return (long)i;
	return -1;
}

void fib_fake_reset(void)
{
	fib_fake_nroutes = 0;
	fib_fake_commits = 0;
}

const struct fib_fake_route *fib_fake_lookup(const struct prefix4 *p)
{
	long i = fib_fake_find(p);

	return i < 0 ? NULL : &fib_fake_routes[i];
}

int fib_open(struct fib **f)
{
	*f = calloc(1, sizeof(**f));
	return *f ? 0 : -ENOMEM;
}

void fib_close(struct fib *f)
{
	free(f);
}

/* The fake never refuses anything. */
void fib_set_error_cb(struct fib *f, fib_error_fn fn, void *ctx)
{
	(void)f;
	(void)fn;
	(void)ctx;
}

int fib_route_replace(struct fib *f, const struct prefix4 *p, uint32_t nexthop)
{
	long i = fib_fake_find(p);

	if (i < 0) {
		if (fib_fake_nroutes == FIB_FAKE_MAX)
			return -ENOSPC;
		i = (long)fib_fake_nroutes++;
		fib_fake_routes[i].prefix = *p;
	}
	fib_fake_routes[i].nexthop = nexthop;
	fib_fake_routes[i].nnexthops = 1;
	fib_fake_routes[i].nexthops[0] = nexthop;
	return 0;
}

int fib_route_replace_multi(struct fib *f, const struct prefix4 *p,
			    const uint32_t *nexthop, size_t n)
{
	long i;
	size_t k;

	if (!n)
		return -EINVAL;
	if (fib_route_replace(f, p, nexthop[0]) < 0)
		return -ENOSPC;
	i = fib_fake_find(p);
	fib_fake_routes[i].nnexthops = n > FIB_MAX_NEXTHOPS ? FIB_MAX_NEXTHOPS : n;
	for (k = 0; k < fib_fake_routes[i].nnexthops; k++)
		fib_fake_routes[i].nexthops[k] = nexthop[k];
	return 0;
}

int fib_route_delete(struct fib *f, const struct prefix4 *p)
{
	long i = fib_fake_find(p);

	if (i >= 0)
		fib_fake_routes[i] = fib_fake_routes[--fib_fake_nroutes];
	return 0;
}

int fib_commit(struct fib *f)
{
	fib_fake_commits++;
	return 0;
}

int fib_purge(struct fib *f)
{
	fib_fake_nroutes = 0;
	return 0;
}

/*
 * Inspection side of the fake fib.h used by unit tests.
 */
#ifndef ANYCASTLAB_TESTS_FIB_FAKE_H
#define ANYCASTLAB_TESTS_FIB_FAKE_H

#include "bgp/fib.h"

#define FIB_FAKE_MAX	4096

struct fib_fake_route {
	struct prefix4 prefix;
	uint32_t nexthop;		/* the first */
	uint32_t nexthops[FIB_MAX_NEXTHOPS];
	size_t nnexthops;
};

extern struct fib_fake_route fib_fake_routes[FIB_FAKE_MAX];
extern size_t fib_fake_nroutes;
extern unsigned fib_fake_commits;

void fib_fake_reset(void);
const struct fib_fake_route *fib_fake_lookup(const struct prefix4 *p);

#endif

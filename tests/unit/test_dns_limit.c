/*
 * Response-rate limiting with a fake clock: the burst, the refill at the
 * rate, the slip every Nth, aggregation per IPv4 /24 and IPv6 /56, and
 * TCP never limited.
 */
#include "dns/limit.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

static struct sockaddr_in v4(const char *s)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(5353) };

	cr_assert_eq(inet_pton(AF_INET, s, &sa.sin_addr), 1);
	return sa;
}

static struct sockaddr_in6 v6(const char *s)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };

	cr_assert_eq(inet_pton(AF_INET6, s, &sa.sin6_addr), 1);
	return sa;
}

static enum dns_limit_verdict check4(struct dns_limit *l, const char *a,
				     uint64_t now)
{
	struct sockaddr_in sa = v4(a);

	return dns_limit_check(l, (struct sockaddr *)&sa, sizeof(sa), false,
			       now);
}

static enum dns_limit_verdict check6(struct dns_limit *l, const char *a,
				     uint64_t now)
{
	struct sockaddr_in6 sa = v6(a);

	return dns_limit_check(l, (struct sockaddr *)&sa, sizeof(sa), false,
			       now);
}

/* How many of n checks at now pass. */
static unsigned passes(struct dns_limit *l, const char *a, unsigned n,
		       uint64_t now)
{
	unsigned i, p = 0;

	for (i = 0; i < n; i++)
		p += check4(l, a, now) == DNS_LIMIT_PASS;
	return p;
}

Test(dns_limit, burst_then_refill_at_the_rate)
{
	struct dns_limit l;

	cr_assert_eq(dns_limit_init(&l, 200, 400, 2, 42), 0);
	cr_assert_eq(passes(&l, "198.51.100.7", 1000, 0), 400);
	/* 200/s: one response per 5 ms. */
	cr_assert_eq(passes(&l, "198.51.100.7", 10, 4), 0);
	cr_assert_eq(passes(&l, "198.51.100.7", 10, 5), 1);
	cr_assert_eq(passes(&l, "198.51.100.7", 30, 105), 20);
	/* A second idle refills 200; the bucket holds no more than the burst. */
	cr_assert_eq(passes(&l, "198.51.100.7", 1000, 1105), 200);
	cr_assert_eq(passes(&l, "198.51.100.7", 1000, 1000000), 400);
	dns_limit_free(&l);
}

Test(dns_limit, clock_going_back_refills_nothing)
{
	struct dns_limit l;

	cr_assert_eq(dns_limit_init(&l, 10, 10, 0, 1), 0);
	cr_assert_eq(passes(&l, "192.0.2.1", 20, 10000), 10);
	cr_assert_eq(passes(&l, "192.0.2.1", 20, 5000), 0);
	cr_assert_eq(passes(&l, "192.0.2.1", 20, 10100), 1);
	dns_limit_free(&l);
}

Test(dns_limit, slip_every_nth)
{
	struct dns_limit l;
	unsigned i, slips = 0, drops = 0;

	cr_assert_eq(dns_limit_init(&l, 1, 1, 3, 7), 0);
	cr_assert_eq(check4(&l, "203.0.113.1", 0), DNS_LIMIT_PASS);
	for (i = 1; i <= 9; i++) {
		enum dns_limit_verdict v = check4(&l, "203.0.113.1", 0);

		cr_assert_eq(v, i % 3 == 0 ? DNS_LIMIT_SLIP : DNS_LIMIT_DROP,
			     "limited response %u", i);
		slips += v == DNS_LIMIT_SLIP;
		drops += v == DNS_LIMIT_DROP;
	}
	cr_assert_eq(slips, 3);
	cr_assert_eq(drops, 6);
	dns_limit_free(&l);

	/* slip 0: never; slip 1: always. */
	cr_assert_eq(dns_limit_init(&l, 1, 1, 0, 7), 0);
	check4(&l, "203.0.113.1", 0);
	for (i = 0; i < 10; i++)
		cr_assert_eq(check4(&l, "203.0.113.1", 0), DNS_LIMIT_DROP);
	dns_limit_free(&l);
	cr_assert_eq(dns_limit_init(&l, 1, 1, 1, 7), 0);
	check4(&l, "203.0.113.1", 0);
	for (i = 0; i < 10; i++)
		cr_assert_eq(check4(&l, "203.0.113.1", 0), DNS_LIMIT_SLIP);
	dns_limit_free(&l);
}

Test(dns_limit, ipv4_per_24)
{
	struct dns_limit l;

	cr_assert_eq(dns_limit_init(&l, 5, 5, 0, 99), 0);
	cr_assert_eq(passes(&l, "198.51.100.1", 3, 0), 3);
	cr_assert_eq(passes(&l, "198.51.100.200", 3, 0), 2, "same /24");
	cr_assert_eq(check6(&l, "::ffff:198.51.100.9", 0), DNS_LIMIT_DROP,
		     "v4-mapped counts as the same /24");
	cr_assert_eq(passes(&l, "198.51.101.1", 5, 0), 5, "next /24");
	dns_limit_free(&l);
}

Test(dns_limit, ipv6_per_56)
{
	struct dns_limit l;
	unsigned i, p = 0;

	cr_assert_eq(dns_limit_init(&l, 5, 5, 0, 99), 0);
	for (i = 0; i < 5; i++)
		cr_assert_eq(check6(&l, "2001:db8:1:200::1", 0), DNS_LIMIT_PASS);
	/* Same /56 (2001:db8:1:2xx::), any host, any /64 within. */
	cr_assert_eq(check6(&l, "2001:db8:1:2ff:abcd::1", 0), DNS_LIMIT_DROP);
	cr_assert_eq(check6(&l, "2001:db8:1:200::ffff", 0), DNS_LIMIT_DROP);
	/* The next /56 has its own bucket (unless the hash collides). */
	for (i = 0; i < 5; i++)
		p += check6(&l, "2001:db8:1:300::1", 0) == DNS_LIMIT_PASS;
	cr_assert_eq(p, 5);
	dns_limit_free(&l);
}

Test(dns_limit, tcp_never_limited)
{
	struct dns_limit l;
	struct sockaddr_in sa = v4("192.0.2.9");
	unsigned i;

	cr_assert_eq(dns_limit_init(&l, 1, 1, 2, 5), 0);
	for (i = 0; i < 1000; i++)
		cr_assert_eq(dns_limit_check(&l, (struct sockaddr *)&sa,
					     sizeof(sa), true, 0),
			     DNS_LIMIT_PASS);
	dns_limit_free(&l);
}

Test(dns_limit, other_families_pass_and_bad_init)
{
	struct dns_limit l;
	struct sockaddr sa = { .sa_family = AF_UNIX };

	cr_assert_eq(dns_limit_init(&l, 0, 1, 2, 5), -EINVAL);
	cr_assert_eq(dns_limit_init(&l, 1, 0, 2, 5), -EINVAL);
	cr_assert_eq(dns_limit_init(&l, 1, 1, 2, 5), 0);
	cr_assert_eq(dns_limit_check(&l, &sa, sizeof(sa), false, 0),
		     DNS_LIMIT_PASS);
	dns_limit_free(&l);
}

Test(dns_limit, networks_spread_over_the_table)
{
	struct dns_limit l;
	unsigned i, p = 0;

	/* 256 networks in 4096 buckets: few share one. */
	cr_assert_eq(dns_limit_init(&l, 1, 1, 0, 1), 0);
	for (i = 0; i < 256; i++) {
		char s[32];

		snprintf(s, sizeof(s), "10.0.%u.1", i);
		p += check4(&l, s, 0) == DNS_LIMIT_PASS;
	}
	cr_assert_geq(p, 230);
	dns_limit_free(&l);
}

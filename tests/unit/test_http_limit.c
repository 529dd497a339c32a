/*
 * The HTTP responder's connection accounting: counts per client address
 * (an IPv4 address, an IPv6 /64), the table's deletions, and the idle
 * timeout under pressure.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "http/limit.h"

static struct http_client_key v4(uint32_t a)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(a) };
	struct http_client_key k;

	cr_assert_eq(http_limit_key((struct sockaddr *)&sa, sizeof(sa), &k), 0);
	return k;
}

static struct http_client_key v6(const char *s)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };
	struct http_client_key k;

	cr_assert_eq(inet_pton(AF_INET6, s, &sa.sin6_addr), 1);
	cr_assert_eq(http_limit_key((struct sockaddr *)&sa, sizeof(sa), &k), 0);
	return k;
}

Test(http_limit, one_client_stops_at_its_cap_others_do_not)
{
	struct http_limit l;
	struct http_client_key a = v4(0x64400001), b = v4(0x64400002);
	unsigned i;

	cr_assert_eq(http_limit_init(&l, 1024, 64), 0);
	for (i = 0; i < 64; i++)
		cr_assert_eq(http_limit_take(&l, &a), 0);
	cr_assert_eq(http_limit_take(&l, &a), -EUSERS);
	cr_assert_eq(http_limit_count(&l, &a), 64);
	cr_assert_eq(http_limit_take(&l, &b), 0);
	cr_assert_eq(http_limit_count(&l, &b), 1);
	http_limit_put(&l, &a);
	cr_assert_eq(http_limit_count(&l, &a), 63);
	cr_assert_eq(http_limit_take(&l, &a), 0);
	cr_assert_eq(http_limit_take(&l, &a), -EUSERS);
	http_limit_free(&l);
}

Test(http_limit, ipv6_counts_per_64_and_mapped_v4_as_v4)
{
	struct http_limit l;
	struct http_client_key a = v6("2001:db8:1:2::1"), b = v6("2001:db8:1:2:ffff::9");
	struct http_client_key c = v6("2001:db8:1:3::1"), m = v6("::ffff:100.64.0.1");
	struct http_client_key p = v4(0x64400001);

	cr_assert_eq(http_limit_init(&l, 16, 2), 0);
	cr_assert_eq(http_limit_take(&l, &a), 0);
	cr_assert_eq(http_limit_take(&l, &b), 0);
	cr_assert_eq(http_limit_take(&l, &a), -EUSERS, "one /64 is one client");
	cr_assert_eq(http_limit_take(&l, &c), 0, "the next /64 is another");
	cr_assert_eq(http_limit_take(&l, &m), 0);
	cr_assert_eq(http_limit_count(&l, &p), 1, "v4-mapped is the IPv4 address");
	http_limit_free(&l);
}

Test(http_limit, other_families_and_zero_limits_are_refused)
{
	struct sockaddr sa = { .sa_family = AF_UNIX };
	struct http_client_key k;
	struct http_limit l;

	cr_assert_eq(http_limit_key(&sa, sizeof(sa), &k), -EAFNOSUPPORT);
	cr_assert_eq(http_limit_init(&l, 0, 1), -EINVAL);
	cr_assert_eq(http_limit_init(&l, 1, 0), -EINVAL);
}

/*
 * Many clients coming and going, in a small table full of collisions:
 * every count stays right after every deletion, and an empty table is
 * all empty slots (deletion leaves nothing behind).
 */
Test(http_limit, counts_survive_deletions_in_crowded_runs)
{
	enum { MAX = 64, N = 64 };
	unsigned want[N] = { 0 }, seed = 1, i, step;
	struct http_limit l;
	size_t s;

	cr_assert_eq(http_limit_init(&l, MAX, 3), 0);
	for (step = 0; step < 20000; step++) {
		struct http_client_key k;
		unsigned total = 0;

		seed = seed * 1103515245u + 12345u;
		i = (seed >> 16) % N;
		k = v4(0x0a000000 + i * 7919);
		for (s = 0; s < N; s++)
			total += want[s];

		if ((seed >> 8) & 1) {
			if (total < MAX) {
				int r = http_limit_take(&l, &k);

				cr_assert_eq(r, want[i] < 3 ? 0 : -EUSERS);
				if (!r)
					want[i]++;
			}
		} else if (want[i]) {
			http_limit_put(&l, &k);
			want[i]--;
		}
		for (s = 0; s < N; s++) {
			struct http_client_key q = v4(0x0a000000 + (unsigned)s * 7919);

			cr_assert_eq(http_limit_count(&l, &q), want[s],
				     "step %u, client %zu", step, s);
		}
	}
	for (i = 0; i < N; i++) {
		struct http_client_key k = v4(0x0a000000 + i * 7919);

		while (want[i]--)
			http_limit_put(&l, &k);
	}
	for (s = 0; s < l.cap; s++)
		cr_assert_eq(l.slot[s].n, 0);
	http_limit_free(&l);
}

Test(http_limit, idle_timeout_shortens_over_half_full)
{
	cr_assert_eq(http_limit_idle_ms(0, 1024, 10000, 1000), 10000);
	cr_assert_eq(http_limit_idle_ms(512, 1024, 10000, 1000), 10000);
	cr_assert_eq(http_limit_idle_ms(513, 1024, 10000, 1000), 1000);
	cr_assert_eq(http_limit_idle_ms(1024, 1024, 10000, 1000), 1000);
	cr_assert_eq(http_limit_idle_ms(1024, 1024, 500, 1000), 500,
		     "never longer than the idle timeout");
	cr_assert(!http_limit_pressure(512, 1024));
	cr_assert(http_limit_pressure(513, 1024));
}

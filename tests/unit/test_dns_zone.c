/*
 * The zone: the lab's default zone, relative and absolute names, every
 * kind of bad record with the sentence it gets, CNAME exclusivity, and
 * what finishing adds.
 */
#include "dns/zone.h"

#include "dns/wire.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

static struct dns_zone *zone(void)
{
	struct dns_zone *z = dns_zone_new("cdn.example.com.");

	cr_assert_not_null(z);
	return z;
}

static size_t find(const struct dns_zone *z, const char *name,
		   const struct dns_rr **rr)
{
	uint8_t w[DNS_NAME_MAX];
	size_t n;

	cr_assert_eq(dns_name_from_text(name, w, &n), 0);
	return dns_zone_find(z, w, n, rr);
}

/* The one record of type at name. */
static const struct dns_rr *one(const struct dns_zone *z, const char *name,
				uint16_t type)
{
	const struct dns_rr *rr, *hit = NULL;
	size_t n = find(z, name, &rr), i;

	for (i = 0; i < n; i++) {
		if (rr[i].type == type) {
			cr_assert_null(hit, "%s: two of type %u", name, type);
			hit = &rr[i];
		}
	}
	cr_assert_not_null(hit, "%s: no record of type %u", name, type);
	return hit;
}

Test(dns_zone, default_zone)
{
	struct dns_zone *z = zone();
	const struct dns_rr *r;
	char why[256];
	static const uint8_t soa[] = {
		3, 'n', 's', '1', 3, 'c', 'd', 'n', 7, 'e', 'x', 'a', 'm', 'p',
		'l', 'e', 3, 'c', 'o', 'm', 0,
		10, 'h', 'o', 's', 't', 'm', 'a', 's', 't', 'e', 'r', 3, 'c', 'd',
		'n', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
		0, 0, 0, 1, 0, 0, 0x0e, 0x10, 0, 0, 0x02, 0x58,
		0, 1, 0x51, 0x80, 0, 0, 0, 60,
	};
	size_t olen;

	cr_assert_eq(dns_zone_add_default(z, "104.16.0.1", why, sizeof(why)),
		     0, "%s", why);
	cr_assert_eq(dns_zone_finish(z, NULL, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(dns_zone_count(z), 4);
	r = one(z, "cdn.example.com", DNS_T_SOA);
	cr_assert_eq(r->ttl, 60);
	cr_assert_eq(r->rdlen, sizeof(soa));
	cr_assert_eq(memcmp(r->rdata, soa, sizeof(soa)), 0);
	cr_assert_eq(dns_zone_soa(z), r);
	r = one(z, "cdn.example.com", DNS_T_NS);
	cr_assert_eq(r->rdlen, 21);
	cr_assert_eq(memcmp(r->rdata, soa, 21), 0);
	r = one(z, "ns1.cdn.example.com", DNS_T_A);
	cr_assert_eq(memcmp(r->rdata, "\x68\x10\x00\x01", 4), 0);
	r = one(z, "CDN.example.com", DNS_T_A);
	cr_assert_eq(r->ttl, 60);
	cr_assert_eq(memcmp(dns_zone_origin(z, &olen), soa + 4, 17), 0);
	cr_assert_eq(olen, 17);
	dns_zone_free(z);
}

Test(dns_zone, default_zone_ipv6)
{
	struct dns_zone *z = zone();
	char why[256];

	cr_assert_eq(dns_zone_add_default(z, "2001:db8::53", why, sizeof(why)),
		     0, "%s", why);
	cr_assert_eq(dns_zone_finish(z, NULL, why, sizeof(why)), 0);
	cr_assert_eq(one(z, "ns1.cdn.example.com", DNS_T_AAAA)->rdlen, 16);
	dns_zone_free(z);
}

Test(dns_zone, bad_origin)
{
	errno = 0;
	cr_assert_null(dns_zone_new("a..b"));
	cr_assert_eq(errno, EINVAL);
	cr_assert_null(dns_zone_new(""));
}

Test(dns_zone, relative_absolute_and_apex_names)
{
	struct dns_zone *z = zone();
	char why[256];

	cr_assert_eq(dns_zone_add(z, "www", "A", 300, "104.16.0.2", why,
				  sizeof(why)), 0, "%s", why);
	cr_assert_eq(dns_zone_add(z, "img.cdn.example.com.", "AAAA", 300,
				  "2001:db8::1", why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(dns_zone_add(z, "@", "MX", 300, "10 mail", why,
				  sizeof(why)), 0, "%s", why);
	cr_assert_eq(dns_zone_add(z, "a.b.c", "TXT", 300,
				  "\"hello world\" bare \"q\\\"x\" \"\\065\"", why,
				  sizeof(why)), 0, "%s", why);
	cr_assert_eq(dns_zone_add(z, "alias", "CNAME", 300, "www.other.org.",
				  why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(dns_zone_finish(z, "104.16.0.53", why, sizeof(why)), 0,
		     "%s", why);
	cr_assert_eq(one(z, "www.cdn.example.com", DNS_T_A)->ttl, 300);
	cr_assert_eq(one(z, "img.cdn.example.com", DNS_T_AAAA)->rdlen, 16);
	cr_assert_eq(memcmp(one(z, "cdn.example.com", DNS_T_MX)->rdata,
			    "\0\12\4mail\3cdn\7example\3com", 24), 0);
	{
		const struct dns_rr *t = one(z, "a.b.c.cdn.example.com", DNS_T_TXT);
		static const uint8_t want[] = "\13hello world\4bare\3q\"x\1A";

		cr_assert_eq(t->rdlen, sizeof(want) - 1);
		cr_assert_eq(memcmp(t->rdata, want, sizeof(want) - 1), 0);
	}
	cr_assert_eq(memcmp(one(z, "alias.cdn.example.com", DNS_T_CNAME)->rdata,
			    "\3www\5other\3org", 15), 0);
	/* Finishing added SOA, NS and the glue. */
	one(z, "cdn.example.com", DNS_T_SOA);
	one(z, "cdn.example.com", DNS_T_NS);
	one(z, "ns1.cdn.example.com", DNS_T_A);
	cr_assert_eq(dns_zone_count(z), 8);
	dns_zone_free(z);
}

Test(dns_zone, empty_non_terminal_and_lookups)
{
	struct dns_zone *z = zone();
	const struct dns_rr *rr;
	uint8_t w[DNS_NAME_MAX];
	size_t n;
	char why[256];

	cr_assert_eq(dns_zone_add(z, "a.b.c", "A", 60, "1.2.3.4", why,
				  sizeof(why)), 0);
	cr_assert_eq(dns_zone_finish(z, "1.1.1.1", why, sizeof(why)), 0);
	cr_assert_eq(find(z, "b.c.cdn.example.com", &rr), 0);
	dns_name_from_text("b.c.cdn.example.com", w, &n);
	cr_assert(dns_zone_has_below(z, w, n));
	dns_name_from_text("a.b.c.cdn.example.com", w, &n);
	cr_assert_not(dns_zone_has_below(z, w, n));
	cr_assert_eq(find(z, "A.B.C.CDN.EXAMPLE.COM", &rr), 1);
	dns_zone_free(z);
}

struct bad_rr {
	const char *name, *type, *data;
	uint32_t ttl;
	const char *why;
};

Test(dns_zone, bad_records_say_why)
{
	static const struct bad_rr c[] = {
		{ "www.other.org.", "A", "1.2.3.4", 60,
		  "www.other.org. is outside the zone cdn.example.com." },
		{ "example.com.", "A", "1.2.3.4", 60,
		  "example.com. is outside the zone cdn.example.com." },
		{ "www", "A", "1.2.3", 60, "\"1.2.3\" is not an IPv4 address" },
		{ "www", "A", "1.2.3.4 5", 60,
		  "\"1.2.3.4 5\" is not an IPv4 address" },
		{ "www", "AAAA", "1.2.3.4", 60,
		  "\"1.2.3.4\" is not an IPv6 address" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "A", "1.2.3.4", 60,
		  "label \"aaaaaaaaaaaaaaaa…\" is longer than 63 octets" },
		{ "a..b", "A", "1.2.3.4", 60, "\"a..b\" has an empty label" },
		{ "", "A", "1.2.3.4", 60, "a name cannot be empty" },
		{ "www", "SRV", "0 0 80 x", 60,
		  "type \"SRV\" is not one of A, AAAA, NS, CNAME, MX, TXT, SOA" },
		{ "www", "A", "1.2.3.4", 0x80000000u,
		  "ttl 2147483648 is larger than 2147483647" },
		{ "@", "MX", "mail", 60,
		  "\"mail\" does not start with a preference 0-65535" },
		{ "@", "MX", "65536 mail", 60,
		  "\"65536 mail\" does not start with a preference 0-65535" },
		{ "@", "MX", "10", 60, "the mail exchanger is missing" },
		{ "@", "MX", "10 a b", 60, "\"10 a b\" has more than a MX record takes" },
		{ "t", "TXT", "\"open", 60, "unterminated quote in TXT data" },
		{ "t", "TXT", "", 60, "a TXT record needs at least one string" },
		{ "t", "TXT", "\\999", 60, "bad \\DDD escape in TXT data" },
		{ "www", "CNAME", "a..b", 60, "\"a..b\" has an empty label" },
		{ "sub", "NS", "ns.elsewhere.net.", 60,
		  "NS records below the apex (a delegation of sub.cdn.example.com.) are not served" },
		{ "www", "SOA", "a b 1 2 3 4 5", 60,
		  "an SOA record belongs at the zone apex cdn.example.com., not at www.cdn.example.com." },
		{ "@", "SOA", "a b 1 2 3 4", 60,
		  "the SOA minimum is missing or not a number 0-4294967295" },
		{ "@", "SOA", "a b 1 2 x 4 5", 60,
		  "the SOA retry is missing or not a number 0-4294967295" },
	};
	struct dns_zone *z = zone();
	char why[256];
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		why[0] = 'X';
		cr_expect_eq(dns_zone_add(z, c[i].name, c[i].type, c[i].ttl,
					  c[i].data, why, sizeof(why)), -EINVAL,
			     "%s %s %s", c[i].name, c[i].type, c[i].data);
		cr_expect_str_eq(why, c[i].why);
	}
	cr_assert_eq(dns_zone_count(z), 0);
	dns_zone_free(z);
}

Test(dns_zone, txt_string_over_255)
{
	struct dns_zone *z = zone();
	char data[300], why[256];

	memset(data, 'x', 256);
	data[256] = '\0';
	cr_assert_eq(dns_zone_add(z, "t", "TXT", 60, data, why, sizeof(why)),
		     -EINVAL);
	cr_assert_str_eq(why, "a TXT string is longer than 255 octets");
	data[255] = '\0';
	cr_assert_eq(dns_zone_add(z, "t", "TXT", 60, data, why, sizeof(why)), 0);
	dns_zone_free(z);
}

Test(dns_zone, name_over_255)
{
	struct dns_zone *z = zone();
	char name[400], why[256];
	size_t i;

	/* 60 labels of "abc." relative: 240 + 17 origin octets > 255. */
	for (i = 0; i < 60; i++)
		memcpy(name + 4 * i, "abc.", 4);
	name[4 * 60 - 1] = '\0';
	cr_assert_eq(dns_zone_add(z, name, "A", 60, "1.2.3.4", why,
				  sizeof(why)), -EINVAL);
	cr_assert(strstr(why, "is longer than 255 octets"), "%s", why);
	dns_zone_free(z);
}

Test(dns_zone, cname_conflicts)
{
	struct dns_zone *z = zone();
	char why[256];

	cr_assert_eq(dns_zone_add(z, "www", "A", 60, "1.2.3.4", why,
				  sizeof(why)), 0);
	cr_assert_eq(dns_zone_add(z, "www", "CNAME", 60, "other.org.", why,
				  sizeof(why)), -EINVAL);
	cr_assert_str_eq(why, "a CNAME cannot share its name with other records "
			      "(www.cdn.example.com.)");
	cr_assert_eq(dns_zone_add(z, "alias", "CNAME", 60, "www", why,
				  sizeof(why)), 0);
	cr_assert_eq(dns_zone_add(z, "alias", "TXT", 60, "x", why,
				  sizeof(why)), -EINVAL);
	cr_assert_str_eq(why, "a CNAME cannot share its name with other records "
			      "(alias.cdn.example.com.)");
	cr_assert_eq(dns_zone_add(z, "ALIAS", "CNAME", 60, "img", why,
				  sizeof(why)), -EINVAL, "a second CNAME");
	/* The same record again is no conflict: it is already there. */
	cr_assert_eq(dns_zone_add(z, "alias", "CNAME", 60, "www", why,
				  sizeof(why)), 0);
	cr_assert_eq(dns_zone_count(z), 2);
	/* A CNAME at the apex collides with the SOA finishing adds. */
	cr_assert_eq(dns_zone_add(z, "@", "CNAME", 60, "www", why,
				  sizeof(why)), 0);
	cr_assert_eq(dns_zone_finish(z, "1.1.1.1", why, sizeof(why)), -EINVAL);
	cr_assert(strstr(why, "a CNAME cannot share its name"), "%s", why);
	dns_zone_free(z);
}

Test(dns_zone, finish_needs_an_address_without_ns)
{
	struct dns_zone *z = zone();
	char why[256];

	cr_assert_eq(dns_zone_finish(z, NULL, why, sizeof(why)), -EINVAL);
	cr_assert_str_eq(why, "the zone cdn.example.com. has no NS record and "
			      "no address for ns1.cdn.example.com.");
	dns_zone_free(z);
}

Test(dns_zone, second_soa_and_finished_zone)
{
	struct dns_zone *z = zone();
	char why[256];

	cr_assert_eq(dns_zone_add(z, "@", "SOA", 60, "ns1 host 1 2 3 4 5", why,
				  sizeof(why)), 0, "%s", why);
	cr_assert_eq(dns_zone_add(z, "@", "SOA", 60, "ns1 host 2 2 3 4 5", why,
				  sizeof(why)), -EINVAL);
	cr_assert_str_eq(why, "the zone already has an SOA record");
	cr_assert_eq(dns_zone_add(z, "@", "NS", 60, "ns.elsewhere.net.", why,
				  sizeof(why)), 0);
	cr_assert_eq(dns_zone_finish(z, NULL, why, sizeof(why)), 0, "%s", why);
	/* No glue added for an NS the zone already had. */
	cr_assert_eq(dns_zone_count(z), 2);
	cr_assert_eq(dns_zone_add(z, "www", "A", 60, "1.2.3.4", why,
				  sizeof(why)), -EBUSY);
	dns_zone_free(z);
}

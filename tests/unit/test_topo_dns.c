/*
 * The dns: block: what loads into the model, the zone the POPs build from
 * it (topo_dns_zone, looked up with the answer engine's own lookups), and
 * the printed file loading back to the same records.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/wire.h"
#include "dns/zone.h"
#include "topo/topo.h"

static const char lab[] =
	"name: dz\n"
	"dns:\n"
	"  zone: CDN.example.com\n"
	"  ttl: 300\n"
	"  rate-limit: 50\n"
	"  burst: 60\n"
	"  slip: 0\n"
	"  records:\n"
	"    - {name: www, type: CNAME, data: \"@\"}\n"
	"    - {name: \"@\", type: TXT, data: one \"IP\" for everyone}\n"
	"    - {name: mail, type: A, data: 104.16.0.9, ttl: 30}\n"
	"nodes:\n"
	"  syd: {kind: pop, asn: 13335}\n"
	"  telstra: {kind: isp, asn: 1221}\n"
	"links:\n"
	"  - [syd, telstra]\n";

static void load_ok(const char *yaml, struct topo *t)
{
	struct topo_diags d = { 0 };
	int r = topo_load_buf("lab.yaml", yaml, strlen(yaml), t, &d);

	if (r) {
		topo_diags_print(&d, "lab.yaml", stderr);
		cr_assert_fail("lab.yaml does not load: %d", r);
	}
	topo_diags_free(&d);
}

static void never(void *ctx, size_t i, const char *why)
{
	(void)ctx;
	cr_assert_fail("record %zu: %s", i, why);
}

/* The records name owns, of type, and the first one's ttl. */
static size_t owned(const struct dns_zone *z, const char *name, uint16_t type,
		    uint32_t *ttl, const uint8_t **rdata, uint16_t *rdlen)
{
	const struct dns_rr *rr;
	uint8_t w[DNS_NAME_MAX];
	size_t n, len, i, k = 0;

	cr_assert_eq(dns_name_from_text(name, w, &len), 0);
	n = dns_zone_find(z, w, len, &rr);
	for (i = 0; i < n; i++) {
		if (rr[i].type != type)
			continue;
		if (!k++) {
			if (ttl)
				*ttl = rr[i].ttl;
			if (rdata)
				*rdata = rr[i].rdata, *rdlen = rr[i].rdlen;
		}
	}
	return k;
}

Test(topo_dns, model)
{
	struct topo t;

	load_ok(lab, &t);
	cr_assert_str_eq(topo_dns_origin(&t), "CDN.example.com.");
	cr_assert_eq(t.dns.ttl, 300);
	cr_assert_eq(t.dns.rate, 50);
	cr_assert_eq(t.dns.burst, 60);
	cr_assert_eq(t.dns.slip, 0);
	cr_assert_eq(t.dns.nrecords, 3);
	cr_assert_str_eq(t.dns.records[1].type, "TXT");
	cr_assert_eq(t.dns.records[2].nth, 3);
	cr_assert(t.dns.records[2].ttl_given);
	topo_free(&t);
}

Test(topo_dns, zone_from_the_file)
{
	const uint8_t *rd;
	uint16_t rdlen;
	struct dns_zone *z;
	struct topo t;
	uint32_t ttl;

	load_ok(lab, &t);
	z = topo_dns_zone(&t, never, NULL);
	cr_assert_not_null(z);
	/* The apex address nobody wrote, with the block's ttl. */
	cr_assert_eq(owned(z, "cdn.example.com.", DNS_T_A, &ttl, &rd, &rdlen), 1);
	cr_assert_eq(ttl, 300);
	cr_assert_eq(rdlen, 4);
	cr_assert_eq(memcmp(rd, "\x68\x10\x00\x01", 4), 0);
	/* SOA and NS with its glue, as a resolver wants them. */
	cr_assert_eq(owned(z, "cdn.example.com.", DNS_T_SOA, NULL, NULL, NULL), 1);
	cr_assert_eq(owned(z, "cdn.example.com.", DNS_T_NS, NULL, NULL, NULL), 1);
	cr_assert_eq(owned(z, "ns1.cdn.example.com.", DNS_T_A, NULL, NULL, NULL), 1);
	/* TXT written bare is one string, quotes inside kept. */
	cr_assert_eq(owned(z, "cdn.example.com.", DNS_T_TXT, NULL, &rd, &rdlen), 1);
	cr_assert_eq(rdlen, 1 + strlen("one \"IP\" for everyone"));
	cr_assert_eq(memcmp(rd + 1, "one \"IP\" for everyone", rdlen - 1u), 0);
	cr_assert_eq(owned(z, "www.cdn.example.com.", DNS_T_CNAME, &ttl, NULL, NULL), 1);
	cr_assert_eq(ttl, 300);
	cr_assert_eq(owned(z, "mail.cdn.example.com.", DNS_T_A, &ttl, &rd, &rdlen), 1);
	cr_assert_eq(ttl, 30);
	cr_assert_eq(rd[3], 9);
	dns_zone_free(z);
	topo_free(&t);
}

Test(topo_dns, default_zone_and_off)
{
	static const char bare[] =
		"name: dz\nanycast: {prefix: 198.18.0.0/24, address: 198.18.0.53}\n"
		"nodes: {syd: {kind: pop, asn: 13335}, telstra: {kind: isp, asn: 1221}}\n"
		"links: [[syd, telstra]]\n";
	const uint8_t *rd;
	uint16_t rdlen;
	struct dns_zone *z;
	struct topo t;
	char *off;

	load_ok(bare, &t);
	cr_assert_not(t.dns.given);
	cr_assert_eq(t.dns.rate, TOPO_DNS_RATE_DEFAULT);
	z = topo_dns_zone(&t, never, NULL);
	cr_assert_not_null(z);
	cr_assert_eq(owned(z, "cdn.example.com.", DNS_T_A, NULL, &rd, &rdlen), 1);
	cr_assert_eq(memcmp(rd, "\xc6\x12\x00\x35", 4), 0, "the file's anycast address");
	dns_zone_free(z);
	topo_free(&t);

	off = malloc(sizeof(bare) + 16);
	cr_assert_not_null(off);
	snprintf(off, sizeof(bare) + 16, "%sdns: off\n", bare);
	load_ok(off, &t);
	cr_assert(t.dns.off);
	topo_free(&t);
	free(off);
}

struct seen {
	size_t n;
	size_t rec[8];
	char why[8][256];
};

static void collect(void *ctx, size_t i, const char *why)
{
	struct seen *s = ctx;

	if (s->n < 8) {
		s->rec[s->n] = i;
		snprintf(s->why[s->n], sizeof(s->why[0]), "%s", why);
	}
	s->n++;
}

Test(topo_dns, every_bad_record_is_named)
{
	struct topo t;
	struct seen s = { 0 };

	/* Built by hand: the loader would refuse these before we got here. */
	load_ok(lab, &t);
	free(t.dns.records[0].data);
	t.dns.records[0].data = strdup("www.other.org.");	/* a CNAME may leave */
	free(t.dns.records[2].data);
	t.dns.records[2].data = strdup("104.16.0");
	free(t.dns.records[1].name);
	t.dns.records[1].name = strdup("x.other.org.");
	cr_assert_null(topo_dns_zone(&t, collect, &s));
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(s.n, 2);
	cr_assert_eq(s.rec[0], 1);
	cr_assert(strstr(s.why[0], "outside the zone"), "%s", s.why[0]);
	cr_assert_eq(s.rec[1], 2);
	cr_assert(strstr(s.why[1], "not an IPv4 address"), "%s", s.why[1]);
	topo_free(&t);
}

Test(topo_dns, printed_file_loads_back)
{
	struct topo t, t2;
	char *yaml = NULL;
	size_t len = 0, i;
	FILE *f;

	load_ok(lab, &t);
	f = open_memstream(&yaml, &len);
	cr_assert_not_null(f);
	topo_print_yaml(&t, f);
	fclose(f);
	load_ok(yaml, &t2);
	cr_assert_str_eq(topo_dns_origin(&t2), topo_dns_origin(&t));
	cr_assert_eq(t2.dns.ttl, t.dns.ttl);
	cr_assert_eq(t2.dns.rate, t.dns.rate);
	cr_assert_eq(t2.dns.burst, t.dns.burst);
	cr_assert_eq(t2.dns.slip, t.dns.slip);
	cr_assert_eq(t2.dns.nrecords, t.dns.nrecords);
	for (i = 0; i < t.dns.nrecords; i++) {
		cr_assert_str_eq(t2.dns.records[i].name, t.dns.records[i].name);
		cr_assert_str_eq(t2.dns.records[i].type, t.dns.records[i].type);
		cr_assert_str_eq(t2.dns.records[i].data, t.dns.records[i].data);
		cr_assert_eq(t2.dns.records[i].ttl_given, t.dns.records[i].ttl_given);
		cr_assert_eq(t2.dns.records[i].ttl, t.dns.records[i].ttl);
	}
	free(yaml);
	topo_free(&t2);
	topo_free(&t);
}

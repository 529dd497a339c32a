/*
 * The zone (see zone.h): presentation text parsed into wire-form records
 * (RFC 1035 §5.1 names and character-strings, §3.3 RDATA layouts, RFC 3596
 * AAAA), checked record by record with a reason a person can act on, then
 * sorted by owner and type so a lookup is a binary search.
 */
#include "dns/zone.h"

#include "dns/wire.h"
#include "util/buf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZONE_MAX_RR	65536
#define TTL_MAX		0x7fffffffu	/* RFC 2181 §8 */

struct dns_zone {
	uint8_t origin[DNS_NAME_MAX];
	size_t olen;
	char otext[1024];	/* origin in presentation form, for reasons */
	struct dns_rr *rr;
	size_t n, cap;
	bool finished;
	const struct dns_rr *soa;
};

static void why_set(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void why_set(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (!why || !whylen)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

struct dns_zone *dns_zone_new(const char *origin)
{
	struct dns_zone *z;
	uint8_t w[DNS_NAME_MAX];
	size_t n;

	if (!origin || dns_name_from_text(origin, w, &n) < 0) {
		errno = EINVAL;
		return NULL;
	}
	z = calloc(1, sizeof(*z));
	if (!z) {
		errno = ENOMEM;
		return NULL;
	}
	dns_name_lower(w, n);
	memcpy(z->origin, w, n);
	z->olen = n;
	dns_name_to_text(w, n, z->otext, sizeof(z->otext));
	return z;
}

void dns_zone_free(struct dns_zone *z)
{
	size_t i;

	if (!z)
		return;
	for (i = 0; i < z->n; i++)
		free((void *)z->rr[i].name);
	free(z->rr);
	free(z);
}

const uint8_t *dns_zone_origin(const struct dns_zone *z, size_t *len)
{
	if (len)
		*len = z->olen;
	return z->origin;
}

size_t dns_zone_count(const struct dns_zone *z)
{
	return z->n;
}

/* --- names in text -------------------------------------------------------- */

/*
 * A name from the zone's text, absolute or relative to the origin (or "@"),
 * with the reason when it is not one.
 */
static int zone_name(const struct dns_zone *z, const char *s,
		     uint8_t out[DNS_NAME_MAX], size_t *outlen, char *why,
		     size_t whylen)
{
	uint8_t rel[DNS_NAME_MAX];
	size_t llen = 0, total = 1, n, i = 0, lstart = 0;
	bool absolute = false;

	if (strcmp(s, "@") == 0) {
		memcpy(out, z->origin, z->olen);
		*outlen = z->olen;
		return 0;
	}
	if (!*s) {
		why_set(why, whylen, "a name cannot be empty");
		return -EINVAL;
	}
	if (strcmp(s, ".") == 0) {
		out[0] = 0;
		*outlen = 1;
		return 0;
	}
	/* Labels first, for a reason that names the one at fault. */
	for (;;) {
		if (s[i] == '.' || !s[i]) {
			if (llen > DNS_LABEL_MAX) {
				why_set(why, whylen,
					"label \"%.16s…\" is longer than 63 octets",
					s + lstart);
				return -EINVAL;
			}
			if (!llen && (s[i] == '.' || i > 0)) {
				why_set(why, whylen,
					"\"%s\" has an empty label", s);
				return -EINVAL;
			}
			total += llen + 1;
			if (!s[i] || !s[i + 1]) {
				absolute = s[i] == '.';
				break;
			}
			llen = 0;
			lstart = ++i;
			continue;
		}
		if (s[i] == '\\' && s[i + 1])
			i += (s[i + 1] >= '0' && s[i + 1] <= '9') ? 4 : 2;
		else
			i++;
		if (i > strlen(s))
			i = strlen(s);
		llen++;
	}
	if (total > DNS_NAME_MAX) {
		why_set(why, whylen, "name \"%.32s…\" is longer than 255 octets",
			s);
		return -EINVAL;
	}
	if (dns_name_from_text(s, rel, &n) < 0) {
		why_set(why, whylen, "\"%s\" is not a valid domain name", s);
		return -EINVAL;
	}
	if (absolute) {
		memcpy(out, rel, n);
		*outlen = n;
		return 0;
	}
	/* Drop rel's root and append the origin. */
	if (n - 1 + z->olen > DNS_NAME_MAX) {
		why_set(why, whylen, "name \"%.32s….%s\" is longer than 255 "
			"octets", s, z->otext);
		return -EINVAL;
	}
	memcpy(out, rel, n - 1);
	memcpy(out + n - 1, z->origin, z->olen);
	*outlen = n - 1 + z->olen;
	return 0;
}

/* --- record data ----------------------------------------------------------- */

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* The next whitespace-separated word of *p into tok; false when none. */
static bool next_word(const char **p, char *tok, size_t cap)
{
	const char *s = skip_space(*p);
	size_t n = 0;

	if (!*s)
		return false;
	while (*s && *s != ' ' && *s != '\t') {
		if (n + 1 < cap)
			tok[n++] = *s;
		s++;
	}
	tok[n] = '\0';
	*p = s;
	return n + 1 < cap || !*s;
}

static bool parse_u32(const char *s, uint32_t *v)
{
	char *end;
	unsigned long long x;

	if (!*s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (*end || errno || x > 0xffffffffull)
		return false;
	*v = (uint32_t)x;
	return true;
}

/* A TXT record's character-strings (RFC 1035 §3.3.14, §5.1). */
static int txt_data(const char *s, struct buf *b, char *why, size_t whylen)
{
	const char *p = skip_space(s);
	unsigned strings = 0;

	while (*p) {
		bool quoted = *p == '"';
		size_t lenpos = buf_reserve(b, 1), n = 0;

		if (quoted)
			p++;
		while (*p && (quoted ? *p != '"' : (*p != ' ' && *p != '\t'))) {
			unsigned c = (unsigned char)*p++;

			if (c == '\\') {
				if (p[0] >= '0' && p[0] <= '9') {
					if (!(p[1] >= '0' && p[1] <= '9') ||
					    !(p[2] >= '0' && p[2] <= '9') ||
					    (c = (unsigned)(p[0] - '0') * 100 +
						 (unsigned)(p[1] - '0') * 10 +
						 (unsigned)(p[2] - '0')) > 255) {
						why_set(why, whylen,
							"bad \\DDD escape in TXT data");
						return -EINVAL;
					}
					p += 3;
				} else if (*p) {
					c = (unsigned char)*p++;
				} else {
					why_set(why, whylen,
						"TXT data ends in a backslash");
					return -EINVAL;
				}
			}
			buf_put_u8(b, (uint8_t)c);
			n++;
		}
		if (quoted) {
			if (*p != '"') {
				why_set(why, whylen,
					"unterminated quote in TXT data");
				return -EINVAL;
			}
			p++;
		}
		if (n > 255) {
			why_set(why, whylen,
				"a TXT string is longer than 255 octets");
			return -EINVAL;
		}
		buf_patch_u8(b, lenpos, (uint8_t)n);
		strings++;
		p = skip_space(p);
	}
	if (!strings) {
		why_set(why, whylen, "a TXT record needs at least one string");
		return -EINVAL;
	}
	return 0;
}

static int name_data(const struct dns_zone *z, const char **p, struct buf *b,
		     const char *what, char *why, size_t whylen)
{
	char tok[1024];
	uint8_t w[DNS_NAME_MAX];
	size_t n;

	if (!next_word(p, tok, sizeof(tok))) {
		why_set(why, whylen, "%s is missing", what);
		return -EINVAL;
	}
	if (zone_name(z, tok, w, &n, why, whylen) < 0)
		return -EINVAL;
	buf_put(b, w, n);
	return 0;
}

static bool at_end(const char *p)
{
	return !*skip_space(p);
}

/* data in presentation form to RDATA; 0 or -EINVAL + why. */
static int rdata_from_text(const struct dns_zone *z, uint16_t type,
			   const char *data, struct buf *b, char *why,
			   size_t whylen)
{
	const char *p = data;
	char tok[256];
	uint8_t a[16];
	uint32_t v;
	int i;

	switch (type) {
	case DNS_T_A:
	case DNS_T_AAAA:
		if (!next_word(&p, tok, sizeof(tok)) || !at_end(p) ||
		    inet_pton(type == DNS_T_A ? AF_INET : AF_INET6, tok, a) != 1) {
			why_set(why, whylen, "\"%s\" is not an IPv%c address",
				data, type == DNS_T_A ? '4' : '6');
			return -EINVAL;
		}
		buf_put(b, a, type == DNS_T_A ? 4 : 16);
		return 0;
	case DNS_T_NS:
	case DNS_T_CNAME:
		if (name_data(z, &p, b, "the target name", why, whylen) < 0)
			return -EINVAL;
		break;
	case DNS_T_MX:
		if (!next_word(&p, tok, sizeof(tok)) || !parse_u32(tok, &v) ||
		    v > 65535) {
			why_set(why, whylen,
				"\"%s\" does not start with a preference 0-65535",
				data);
			return -EINVAL;
		}
		buf_put_u16(b, (uint16_t)v);
		if (name_data(z, &p, b, "the mail exchanger", why, whylen) < 0)
			return -EINVAL;
		break;
	case DNS_T_TXT:
		return txt_data(data, b, why, whylen);
	case DNS_T_SOA:
		if (name_data(z, &p, b, "the SOA mname", why, whylen) < 0 ||
		    name_data(z, &p, b, "the SOA rname", why, whylen) < 0)
			return -EINVAL;
		for (i = 0; i < 5; i++) {
			static const char *const f[] = {
				"serial", "refresh", "retry", "expire", "minimum",
			};

			if (!next_word(&p, tok, sizeof(tok)) ||
			    !parse_u32(tok, &v)) {
				why_set(why, whylen,
					"the SOA %s is missing or not a number 0-4294967295",
					f[i]);
				return -EINVAL;
			}
			buf_put_u32(b, v);
		}
		break;
	default:
		return -EINVAL;
	}
	if (!at_end(p)) {
		why_set(why, whylen, "\"%s\" has more than a %s record takes",
			data, dns_type_name(type));
		return -EINVAL;
	}
	return 0;
}

/* --- adding ----------------------------------------------------------------- */

static bool rr_same_name(const struct dns_rr *r, const uint8_t *name,
			 size_t len)
{
	return dns_name_equal(r->name, r->nlen, name, len);
}

static int zone_insert(struct dns_zone *z, const uint8_t *name, size_t nlen,
		       uint16_t type, uint32_t ttl, const uint8_t *rd,
		       size_t rdlen)
{
	struct dns_rr *r;
	uint8_t *mem;

	if (z->n == z->cap) {
		size_t cap = z->cap ? z->cap * 2 : 16;
		struct dns_rr *nr = realloc(z->rr, cap * sizeof(*nr));

		if (!nr)
			return -ENOMEM;
		z->rr = nr;
		z->cap = cap;
	}
	mem = malloc(nlen + rdlen + 1);
	if (!mem)
		return -ENOMEM;
	memcpy(mem, name, nlen);
	dns_name_lower(mem, nlen);
	if (rdlen)
		memcpy(mem + nlen, rd, rdlen);
	r = &z->rr[z->n++];
	r->name = mem;
	r->nlen = (uint8_t)nlen;
	r->type = type;
	r->ttl = ttl;
	r->rdata = mem + nlen;
	r->rdlen = (uint16_t)rdlen;
	return 0;
}

int dns_zone_add(struct dns_zone *z, const char *name, const char *type,
		 uint32_t ttl, const char *data, char *why, size_t whylen)
{
	static uint8_t rd[65535];
	uint8_t owner[DNS_NAME_MAX];
	char otext[1024];
	size_t olen, i;
	struct buf b;
	bool apex;
	int t;

	if (why && whylen)
		why[0] = '\0';
	if (z->finished) {
		why_set(why, whylen, "the zone %s is already complete", z->otext);
		return -EBUSY;
	}
	if (!name || !type || !data) {
		why_set(why, whylen, "a record needs a name, a type and data");
		return -EINVAL;
	}
	if (zone_name(z, name, owner, &olen, why, whylen) < 0)
		return -EINVAL;
	dns_name_to_text(owner, olen, otext, sizeof(otext));
	if (!dns_name_under(owner, olen, z->origin, z->olen)) {
		why_set(why, whylen, "%s is outside the zone %s", otext,
			z->otext);
		return -EINVAL;
	}
	t = dns_type_from_name(type);
	if (t != DNS_T_A && t != DNS_T_AAAA && t != DNS_T_NS &&
	    t != DNS_T_CNAME && t != DNS_T_MX && t != DNS_T_TXT &&
	    t != DNS_T_SOA) {
		why_set(why, whylen,
			"type \"%s\" is not one of A, AAAA, NS, CNAME, MX, TXT, SOA",
			type);
		return -EINVAL;
	}
	if (ttl > TTL_MAX) {
		why_set(why, whylen, "ttl %u is larger than 2147483647", ttl);
		return -EINVAL;
	}
	buf_init(&b, rd, sizeof(rd));
	if (rdata_from_text(z, (uint16_t)t, data, &b, why, whylen) < 0)
		return -EINVAL;
	if (b.err) {
		why_set(why, whylen, "the record data is longer than 65535 octets");
		return -EINVAL;
	}
	apex = dns_name_equal(owner, olen, z->origin, z->olen);

	if (t == DNS_T_SOA && !apex) {
		why_set(why, whylen,
			"an SOA record belongs at the zone apex %s, not at %s",
			z->otext, otext);
		return -EINVAL;
	}
	if (t == DNS_T_NS && !apex) {
		why_set(why, whylen,
			"NS records below the apex (a delegation of %s) are not served",
			otext);
		return -EINVAL;
	}
	for (i = 0; i < z->n; i++) {
		const struct dns_rr *r = &z->rr[i];

		if (r->type == t && r->rdlen == b.len &&
		    memcmp(r->rdata, rd, b.len) == 0 &&
		    rr_same_name(r, owner, olen))
			return 0;	/* RFC 2181 §5: a set has no duplicates */
	}
	for (i = 0; i < z->n; i++) {
		const struct dns_rr *r = &z->rr[i];

		if (t == DNS_T_SOA && r->type == DNS_T_SOA) {
			why_set(why, whylen, "the zone already has an SOA record");
			return -EINVAL;
		}
		if (!rr_same_name(r, owner, olen))
			continue;
		if (t == DNS_T_CNAME || r->type == DNS_T_CNAME) {
			why_set(why, whylen,
				"a CNAME cannot share its name with other records (%s)",
				otext);
			return -EINVAL;
		}
	}
	if (z->n >= ZONE_MAX_RR) {
		why_set(why, whylen, "the zone has %u records, the most it can hold",
			ZONE_MAX_RR);
		return -EINVAL;
	}
	if (zone_insert(z, owner, olen, (uint16_t)t, ttl, rd, b.len) < 0) {
		why_set(why, whylen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

static bool addr_is_v6(const char *addr)
{
	return addr && strchr(addr, ':');
}

static int add_soa(struct dns_zone *z, char *why, size_t whylen)
{
	return dns_zone_add(z, "@", "SOA", 60,
			    "ns1 hostmaster 1 3600 600 86400 60", why, whylen);
}

static int add_ns(struct dns_zone *z, const char *addr, char *why,
		  size_t whylen)
{
	int err;

	err = dns_zone_add(z, "@", "NS", 60, "ns1", why, whylen);
	if (!err)
		err = dns_zone_add(z, "ns1", addr_is_v6(addr) ? "AAAA" : "A",
				   60, addr, why, whylen);
	return err;
}

int dns_zone_add_default(struct dns_zone *z, const char *addr, char *why,
			 size_t whylen)
{
	int err;

	if (!addr) {
		why_set(why, whylen, "the default zone needs an address");
		return -EINVAL;
	}
	err = add_soa(z, why, whylen);
	if (!err)
		err = add_ns(z, addr, why, whylen);
	if (!err)
		err = dns_zone_add(z, "@", addr_is_v6(addr) ? "AAAA" : "A", 60,
				   addr, why, whylen);
	return err;
}

/* --- freezing and lookups -------------------------------------------------- */

static int name_cmp(const uint8_t *a, size_t alen, const uint8_t *b,
		    size_t blen)
{
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return memcmp(a, b, alen);
}

static int rr_cmp(const void *pa, const void *pb)
{
	const struct dns_rr *a = pa, *b = pb;
	int c = name_cmp(a->name, a->nlen, b->name, b->nlen);

	if (c)
		return c;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	/* Stable within a set: the order the records were added. */
	return a < b ? -1 : a > b;
}

int dns_zone_finish(struct dns_zone *z, const char *ns_addr, char *why,
		    size_t whylen)
{
	bool has_soa = false, has_ns = false, has_addr = false;
	uint8_t ns1[DNS_NAME_MAX];
	size_t i, n1;
	int err;

	if (why && whylen)
		why[0] = '\0';
	if (z->finished)
		return 0;
	for (i = 0; i < z->n; i++) {
		if (z->rr[i].type == DNS_T_SOA)
			has_soa = true;
		if (z->rr[i].type == DNS_T_NS)
			has_ns = true;	/* only ever at the apex */
	}
	if (!has_soa && (err = add_soa(z, why, whylen)) < 0)
		return err;
	if (!has_ns) {
		if (!ns_addr) {
			why_set(why, whylen,
				"the zone %s has no NS record and no address for ns1.%s",
				z->otext, z->otext);
			return -EINVAL;
		}
		err = dns_zone_add(z, "@", "NS", 60, "ns1", why, whylen);
		if (err < 0)
			return err;
		/* The glue, unless ns1 has its address already. */
		zone_name(z, "ns1", ns1, &n1, NULL, 0);
		for (i = 0; i < z->n; i++)
			if (rr_same_name(&z->rr[i], ns1, n1) &&
			    (z->rr[i].type == DNS_T_A ||
			     z->rr[i].type == DNS_T_AAAA))
				has_addr = true;
		if (!has_addr &&
		    (err = dns_zone_add(z, "ns1",
					addr_is_v6(ns_addr) ? "AAAA" : "A", 60,
					ns_addr, why, whylen)) < 0)
			return err;
	}
	qsort(z->rr, z->n, sizeof(*z->rr), rr_cmp);
	for (i = 0; i < z->n; i++)
		if (z->rr[i].type == DNS_T_SOA)
			z->soa = &z->rr[i];
	z->finished = true;
	return 0;
}

size_t dns_zone_find(const struct dns_zone *z, const uint8_t *name,
		     size_t len, const struct dns_rr **first)
{
	uint8_t key[DNS_NAME_MAX];
	size_t lo = 0, hi = z->n, n = 0;

	*first = NULL;
	if (!z->finished || len > DNS_NAME_MAX)
		return 0;
	memcpy(key, name, len);
	dns_name_lower(key, len);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (name_cmp(z->rr[mid].name, z->rr[mid].nlen, key, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo + n < z->n &&
	       name_cmp(z->rr[lo + n].name, z->rr[lo + n].nlen, key, len) == 0)
		n++;
	if (n)
		*first = &z->rr[lo];
	return n;
}

bool dns_zone_has_below(const struct dns_zone *z, const uint8_t *name,
			size_t len)
{
	size_t i;

	for (i = 0; i < z->n; i++)
		if (z->rr[i].nlen > len &&
		    dns_name_under(z->rr[i].name, z->rr[i].nlen, name, len))
			return true;
	return false;
}

const struct dns_rr *dns_zone_soa(const struct dns_zone *z)
{
	return z->soa;
}

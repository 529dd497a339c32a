/*
 * The dns: block of a lab file: the zone every POP serves on the anycast
 * address, its records and the response-rate limit (the model is struct
 * topo_dns in topo.h).  What each key tells on its own is checked here;
 * whether the records make a zone (names inside it, addresses that are
 * addresses, CNAME exclusivity) is checked in validate.c by building it.
 */
#include "topo/load_int.h"
#include "topo/topo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define DNS_TTL_MAX	2147483647ull	/* RFC 2181 §8 */
#define DNS_RATE_MAX	1000000ull

static const char record_hint[] =
	"write e.g. {name: www, type: CNAME, data: \"@\"}";

static char *dup_scalar(struct loader *L, const yaml_node_t *v)
{
	char *s = strndup(ld_sval(v), ld_slen(v));

	if (!s)
		L->err = -ENOMEM;
	return s;
}

static bool load_count(struct loader *L, const struct field *f,
		       const char *ctx, uint64_t max, const char *hint,
		       uint32_t *out)
{
	yaml_node_t *v = ld_field_scalar(L, f, ctx, hint);
	uint64_t x;

	if (!v)
		return false;
	if (ld_parse_uint(ld_sval(v), ld_slen(v), max, &x) < 0) {
		ld_report(L, ld_pos_of(v), "%s%s '%s' is not a whole number 0..%llu",
			  ctx, f->name, ld_qn(L, v), (unsigned long long)max);
		return false;
	}
	*out = (uint32_t)x;
	return true;
}

/* A text field of a record: a non-empty scalar without NUL octets. */
static char *load_text(struct loader *L, const struct field *f,
		       const char *ctx, const char *hint)
{
	yaml_node_t *v = ld_field_scalar(L, f, ctx, hint);

	if (!v)
		return NULL;
	if (ld_slen(v) != strlen(ld_sval(v))) {
		ld_report(L, ld_pos_of(v), "%s%s holds a NUL character", ctx,
			  f->name);
		return NULL;
	}
	return dup_scalar(L, v);
}

static bool load_record(struct loader *L, yaml_node_t *v, size_t nth,
			struct topo_dns_record *r)
{
	struct field f[] = {
		{ .name = "name" }, { .name = "type" }, { .name = "data" },
		{ .name = "ttl" },
	};
	char ctx[48];

	snprintf(ctx, sizeof(ctx), "dns: record %zu: ", nth);
	r->nth = (unsigned)nth;
	if (v->type != YAML_MAPPING_NODE) {
		ld_report(L, ld_pos_of(v), "%sa record is a mapping, not %s; %s",
			  ctx, ld_what(v), record_hint);
		return false;
	}
	ld_fields_get(L, v, ctx, f, 4);
	r->pos = ld_pos_of(v);
	if (!f[0].key || !f[1].key || !f[2].key) {
		char miss[32] = "";
		size_t i;

		for (i = 0; i < 3; i++)
			if (!f[i].key && !f[i].hinted)
				snprintf(miss + strlen(miss), sizeof(miss) - strlen(miss),
					 "%s%s", miss[0] ? " and " : "", f[i].name);
		if (miss[0])
			ld_report(L, r->pos, "%smissing %s; %s", ctx, miss,
				  record_hint);
		return false;
	}
	r->name = load_text(L, &f[0], ctx, "write a name in the zone, or @ for the zone itself");
	r->type = load_text(L, &f[1], ctx, "write A, AAAA, CNAME, MX, NS, TXT or SOA");
	r->data = load_text(L, &f[2], ctx, "write the record's data, e.g. 104.16.0.1");
	if (f[2].val)
		r->data_pos = ld_pos_of(f[2].val);
	if (f[3].key)
		r->ttl_given = load_count(L, &f[3], ctx, DNS_TTL_MAX,
					  "write seconds, e.g. ttl: 300",
					  &r->ttl);
	return r->name && r->type && r->data && (!f[3].key || r->ttl_given);
}

static void load_records(struct loader *L, const struct field *f)
{
	struct topo_dns *d = &L->t->dns;
	yaml_node_item_t *it;
	size_t n;

	if (ld_is_null(f->val))
		return;
	if (f->val->type != YAML_SEQUENCE_NODE) {
		ld_report(L, ld_pos_of(f->val), "dns: 'records' must be a list; %s",
			  record_hint);
		return;
	}
	n = (size_t)(f->val->data.sequence.items.top -
		     f->val->data.sequence.items.start);
	if (n > TOPO_DNS_RECORDS_MAX) {
		ld_report(L, ld_pos_of(f->val), "dns: %zu records; at most %d",
			  n, TOPO_DNS_RECORDS_MAX);
		return;
	}
	if (!n)
		return;
	d->records = calloc(n, sizeof(*d->records));
	if (!d->records) {
		L->err = -ENOMEM;
		return;
	}
	for (it = f->val->data.sequence.items.start;
	     it < f->val->data.sequence.items.top; it++) {
		yaml_node_t *v = ld_node_at(L, *it);
		struct topo_dns_record *r = &d->records[d->nrecords];

		if (!v)
			continue;
		if (load_record(L, v, (size_t)(it - f->val->data.sequence.items.start) + 1, r)) {
			d->nrecords++;
			continue;
		}
		free(r->name);
		free(r->type);
		free(r->data);
		memset(r, 0, sizeof(*r));
	}
}

void ld_dns(struct loader *L, const struct field *sec)
{
	static const char ctx[] = "dns: ";
	struct field f[] = {
		{ .name = "zone" }, { .name = "ttl" }, { .name = "records" },
		{ .name = "rate-limit" }, { .name = "burst" }, { .name = "slip" },
	};
	struct topo_dns *d = &L->t->dns;
	yaml_node_t *v;

	d->given = true;
	d->pos = ld_pos_of(sec->key);
	if (ld_is_null(sec->val))
		return;
	if (ld_scalar_is(sec->val, "off") || ld_scalar_is(sec->val, "false")) {
		d->off = true;
		return;
	}
	if (sec->val->type != YAML_MAPPING_NODE) {
		ld_report(L, ld_pos_of(sec->val), "'dns' must be a mapping (zone, ttl, records, rate-limit, burst, slip) or off, not %s",
			  ld_what(sec->val));
		return;
	}
	ld_fields_get(L, sec->val, ctx, f, 6);
	if (f[0].key && (v = ld_field_scalar(L, &f[0], ctx, "write a domain name, e.g. zone: cdn.example.com."))) {
		size_t n = ld_slen(v);

		/* Kept absolute, the way it is printed and served. */
		d->zone = malloc(n + 2);
		if (!d->zone) {
			L->err = -ENOMEM;
			return;
		}
		memcpy(d->zone, ld_sval(v), n);
		d->zone[n] = '\0';
		if (!n || d->zone[n - 1] != '.')
			strcat(d->zone, ".");
		d->zone_pos = ld_pos_of(v);
	}
	if (f[1].key)
		load_count(L, &f[1], ctx, DNS_TTL_MAX, "write seconds, e.g. ttl: 300",
			   &d->ttl);
	if (f[2].key)
		load_records(L, &f[2]);
	if (f[3].key)
		load_count(L, &f[3], ctx, DNS_RATE_MAX,
			   "write responses per second per /24, or 0 for no limit",
			   &d->rate);
	if (f[4].key)
		load_count(L, &f[4], ctx, DNS_RATE_MAX, "write a number of responses",
			   &d->burst);
	if (f[5].key)
		load_count(L, &f[5], ctx, 10, "write 0 (drop every response over the rate) up to 10",
			   &d->slip);
}

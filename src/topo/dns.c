/*
 * The zone of a lab file's dns: block, built with the POPs' own zone code
 * (dns/zone.h), so `check` refuses exactly what a POP would.
 */
#include "dns/zone.h"
#include "topo/topo.h"
#include "util/ip.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *topo_dns_origin(const struct topo *t)
{
	return t->dns.zone ? t->dns.zone : TOPO_DNS_ORIGIN_DEFAULT;
}

static bool is_apex(const struct topo *t, const char *name)
{
	const char *o = topo_dns_origin(t);
	size_t n = strlen(name), on = strlen(o);

	if (strcmp(name, "@") == 0)
		return true;
	if (n && name[n - 1] == '.')
		n--;
	if (on && o[on - 1] == '.')
		on--;
	return n == on && strncasecmp(name, o, n) == 0;
}

/* TXT data written without quotes is one string: quote it. */
static const char *txt_data(const char *data, char *buf, size_t cap)
{
	size_t i, n = 0;

	if (data[0] == '"')
		return data;
	for (i = 0; data[i] && n + 3 < cap; i++) {
		if (data[i] == '"' || data[i] == '\\')
			buf[n++ + 1] = '\\';
		buf[n++ + 1] = data[i];
	}
	if (data[i])
		return data;	/* too long to quote: let the zone say so */
	buf[0] = '"';
	buf[n + 1] = '"';
	buf[n + 2] = '\0';
	return buf;
}

static bool failed(int r, topo_dns_bad_fn *bad, void *ctx, size_t i,
		   const char *why)
{
	if (r == -ENOMEM)
		return true;
	if (r < 0)
		bad(ctx, i, why);
	return r < 0;
}

struct dns_zone *topo_dns_zone(const struct topo *t, topo_dns_bad_fn *bad,
			       void *ctx)
{
	const struct topo_dns *d = &t->dns;
	char addr[IP4_STRLEN], quoted[1024], why[256];
	bool apex_addr = false, any = false;
	struct dns_zone *z;
	size_t i;
	int r;

	ip4_str(t->anycast_addr, addr);
	z = dns_zone_new(topo_dns_origin(t));
	if (!z) {
		if (errno == ENOMEM)
			return NULL;
		snprintf(why, sizeof(why), "the zone \"%s\" is not a domain name",
			 topo_dns_origin(t));
		bad(ctx, d->nrecords, why);
		errno = EINVAL;
		return NULL;
	}
	if (!d->nrecords) {
		r = dns_zone_add_default(z, addr, why, sizeof(why));
		if (failed(r, bad, ctx, d->nrecords, why))
			goto fail;
	}
	for (i = 0; i < d->nrecords; i++) {
		const struct topo_dns_record *rr = &d->records[i];
		const char *data = rr->data;

		if (strcasecmp(rr->type, "TXT") == 0)
			data = txt_data(rr->data, quoted, sizeof(quoted));
		r = dns_zone_add(z, rr->name, rr->type,
				 rr->ttl_given ? rr->ttl : d->ttl, data, why,
				 sizeof(why));
		if (r == -ENOMEM)
			goto fail;
		any |= failed(r, bad, ctx, i, why);
		if (r == 0 && is_apex(t, rr->name) &&
		    (strcasecmp(rr->type, "A") == 0 ||
		     strcasecmp(rr->type, "AAAA") == 0))
			apex_addr = true;
	}
	if (any)
		goto fail;
	if (d->nrecords && !apex_addr) {
		r = dns_zone_add(z, "@", "A", d->ttl, addr, why, sizeof(why));
		if (failed(r, bad, ctx, d->nrecords, why))
			goto fail;
	}
	r = dns_zone_finish(z, addr, why, sizeof(why));
	if (failed(r, bad, ctx, d->nrecords, why))
		goto fail;
	return z;
fail:
	r = errno == ENOMEM ? ENOMEM : EINVAL;
	dns_zone_free(z);
	errno = r;
	return NULL;
}

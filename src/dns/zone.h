/*
 * The zone a POP serves: records built from presentation text, checked as
 * they come (RFC 1035 §5 forms, RFC 2181 §10.1 CNAME exclusivity), then
 * frozen for the answer engine (answer.h), which looks names up here.
 * Pure: no sockets, no clock, no logging.
 *
 * What a zone may hold: A, AAAA, NS (at the apex only: this server never
 * delegates, so it never refers), CNAME, MX, TXT and one SOA at the apex.
 * No wildcards.  Names are kept lowercased.
 */
#ifndef ANYCASTLAB_DNS_ZONE_H
#define ANYCASTLAB_DNS_ZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dns_zone;	/* opaque */

/* NULL + errno (EINVAL bad name, ENOMEM). */
struct dns_zone *dns_zone_new(const char *origin);

/*
 * Add one record.  name: absolute, or relative to the origin, or "@".
 * type: "A" "AAAA" "NS" "CNAME" "MX" "TXT" "SOA".  data: presentation form
 * ("104.16.0.1"; "10 mail.example.com."; "\"text\" \"more\""; SOA
 * "mname rname serial refresh retry expire minimum"); names in data may be
 * relative to the origin too.  ttl in seconds (at most 2^31 - 1).
 * 0, or -EINVAL with a one-sentence reason in why (e.g. "www.other.org. is
 * outside the zone cdn.example.com.", "\"1.2.3\" is not an IPv4 address",
 * "a CNAME cannot share its name with other records"); -EBUSY once
 * finished, -ENOMEM.  A record already in the zone is not added twice.
 */
int dns_zone_add(struct dns_zone *z, const char *name, const char *type,
		 uint32_t ttl, const char *data, char *why, size_t whylen);

/*
 * The default zone of the lab for origin (e.g. "cdn.example.com."):
 * SOA (ns1.<origin> hostmaster.<origin> 1 3600 600 86400 60), NS
 * ns1.<origin>, ns1.<origin> A <addr>, <origin> A <addr>; ttl 60.
 * An IPv6 addr gives AAAA records instead.
 */
int dns_zone_add_default(struct dns_zone *z, const char *addr, char *why,
			 size_t whylen);

/*
 * Check and freeze: adds SOA and NS at the apex (as in the default) when
 * missing, given the anycast address for the NS glue (NULL when the zone
 * has its NS already); -EINVAL + why.
 */
int dns_zone_finish(struct dns_zone *z, const char *ns_addr, char *why,
		    size_t whylen);

const uint8_t *dns_zone_origin(const struct dns_zone *z, size_t *len);
size_t dns_zone_count(const struct dns_zone *z);
void dns_zone_free(struct dns_zone *z);

/* --- lookups, for the answer engine (a finished zone only) --------------- */

/* One record; rdata in uncompressed wire form. */
struct dns_rr {
	const uint8_t *name;
	uint8_t nlen;
	uint16_t type;
	uint32_t ttl;
	uint16_t rdlen;
	const uint8_t *rdata;
};

/*
 * The records owned by name (any case), sorted by type: *first and how
 * many; 0 when name owns none.
 */
size_t dns_zone_find(const struct dns_zone *z, const uint8_t *name,
		     size_t len, const struct dns_rr **first);
/* Some record is owned strictly below name (an empty non-terminal's test). */
bool dns_zone_has_below(const struct dns_zone *z, const uint8_t *name,
			size_t len);
/* The apex SOA. */
const struct dns_rr *dns_zone_soa(const struct dns_zone *z);

#endif

/*
 * Path attributes of one UPDATE, decoded (RFC 4271 §4.3, §5; RFC 6793;
 * RFC 1997; RFC 7606), and the attribute table that decodes, validates and
 * encodes them.
 *
 * struct bgp_attrs is a view: variable-length parts point into memory the
 * caller owns (the received message, or the decoder's scratch space for a
 * widened AS_PATH).  The RIB copies it once into an interned attribute set
 * (rib.h), so identical paths are stored once.
 *
 * Addresses are host byte order (util/ip.h); AS_PATH is canonical 4-octet
 * form (aspath.h); COMMUNITIES are the raw 4-octet values in wire order.
 */
#ifndef ANYCASTLAB_BGP_ATTR_H
#define ANYCASTLAB_BGP_ATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp/bgp.h"
#include "util/buf.h"

/* bgp_attrs.present: bit (1u << type) for each attribute held. */
#define BGP_ATTR_BIT(t)		(1u << (t))

struct bgp_attrs {
	uint32_t present;
	uint8_t origin;			/* enum bgp_origin */
	uint32_t nexthop;
	uint32_t med;
	uint32_t local_pref;
	uint32_t aggr_as;		/* AGGREGATOR, 4-octet after merge */
	uint32_t aggr_addr;
	const uint8_t *aspath;		/* canonical; may be empty (len 0) */
	uint16_t aspath_len;
	const uint8_t *communities;	/* n × 4 octets */
	uint16_t communities_len;
	/*
	 * Optional transitive attributes passed on without being
	 * interpreted, re-encoded back to back (flags, type, length, value)
	 * in type order: unknown ones with PARTIAL set (§5, RFC 7606 §2),
	 * and known ones the table checked (extended and large communities,
	 * Tunnel Encapsulation, ...) with their flags as received.
	 */
	const uint8_t *unknown;
	uint16_t unknown_len;
	/*
	 * MP_REACH_NLRI / MP_UNREACH_NLRI (RFC 4760) for IPv4 unicast, the
	 * only family we negotiate; other families are skipped.  They
	 * describe the message rather than the path: NULL when absent, the
	 * NLRI bytes (validated like the NLRI field) otherwise, and the
	 * encoder never writes them.  bgp_msg_decode_update copies them
	 * into struct bgp_update.
	 */
	const uint8_t *mp_reach;
	uint16_t mp_reach_len;
	uint32_t mp_nexthop;		/* host order */
	const uint8_t *mp_unreach;
	uint16_t mp_unreach_len;
};

/* RFC 7606 outcomes, mildest first so the worst of several is the max. */
enum bgp_attr_action {
	BGP_ACT_OK = 0,
	BGP_ACT_DISCARD,	/* attribute discard: drop it, keep the route */
	BGP_ACT_WITHDRAW,	/* treat-as-withdraw: every NLRI withdrawn */
	BGP_ACT_RESET,		/* session reset with the NOTIFICATION given */
};

/*
 * An error found while decoding: the NOTIFICATION to send if the session
 * is reset, and a short static reason for the log.  data points into the
 * received message (the offending attribute, RFC 4271 §6.3) or into store.
 */
struct bgp_error {
	uint8_t code;
	uint8_t subcode;
	uint16_t len;
	const uint8_t *data;
	uint8_t store[8];
	const char *reason;
};

/*
 * The outcome of decoding an attribute block.  For DISCARD and WITHDRAW,
 * err still holds the RFC 4271 code/subcode that would have been sent, and
 * its reason, for the log.
 */
struct bgp_attr_result {
	enum bgp_attr_action action;	/* the worst outcome seen */
	uint8_t type;			/* attribute that caused it */
	unsigned discarded;		/* attributes dropped (attribute discard) */
	struct bgp_error err;		/* NOTIFICATION when action == RESET */
};

/* How to read an UPDATE from this peer. */
struct bgp_decode_ctx {
	bool as4;		/* 4-octet AS negotiated with this peer */
	bool ebgp;
	uint32_t peer_as;	/* checked against the first AS (RFC 7606 §7.2) */
	/* Drop unknown optional transitive attributes on receipt instead
	 * of passing them on with Partial set (RFC 4271 §5). */
	bool unknown_discard;
};

/*
 * The attribute table (one row per known type: flags, length rule,
 * decode, encode, RFC 7606 outcome on error).  Decode an attribute block
 * into *a; scratch holds what must be rewritten (widened AS_PATH, merged
 * AS4_PATH, re-encoded unknown transitive attributes).  nlri_present says
 * whether the NLRI field has prefixes: then a missing mandatory attribute
 * matters (RFC 7606 §3 d), as it does with reachable MP_REACH_NLRI.
 * Returns 0 (see r->action) or -EBADMSG when r->action is RESET.
 *
 * Resets beyond the table's own: a treat-as-withdraw with no reachable
 * NLRI at all (RFC 7606 §5.2, 3/1), a block longer than any UPDATE could
 * carry (3/1), and scratch too small for the rewrite (Cease/Out of
 * Resources; BGP_UPDATE_SCRATCH in msg.h is always enough).
 */
int bgp_attrs_decode(const uint8_t *p, size_t len,
		     const struct bgp_decode_ctx *ctx, bool nlri_present,
		     struct bgp_attrs *a, uint8_t *scratch, size_t scratch_len,
		     struct bgp_attr_result *r);

/*
 * Encode *a as a path attribute block for a peer with or without 4-octet
 * AS support, in ascending type order, extended length above 255 octets.
 * A 2-octet peer gets AS_TRANS, plus AS4_PATH / AS4_AGGREGATOR only when
 * some AS number needs them (RFC 6793 §4.2.2).  MP_* fields are not
 * encoded; LOCAL_PREF is written whenever present (leaving it out for an
 * external peer is the exporter's call).  Errors latch in b: -ENOSPC, or
 * -EINVAL when a->unknown is not a well-formed block in type order.
 */
void bgp_attrs_encode(struct buf *b, const struct bgp_attrs *a, bool as4);

/*
 * The route's communities in wire form (bgp/policy.h): COMMUNITIES, and
 * LARGE_COMMUNITY found among the attributes passed on in a->unknown.
 */
struct bgp_comms;
void bgp_attrs_comms(const struct bgp_attrs *a, struct bgp_comms *out);

/* "ORIGIN", "AS4_PATH", ...; "unknown" for types without a table row. */
const char *bgp_attr_name(uint8_t type);

#endif

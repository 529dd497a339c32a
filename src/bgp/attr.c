/*
 * Path attributes: the attribute table, the attribute block decoder and
 * encoder (RFC 4271 §4.3, §5, §6.3; RFC 1997; RFC 4760 §3, §4, §7;
 * RFC 5065 §5; RFC 6793 §4.2, §6; RFC 7606 §3-§5, §7; RFC 7607; and the
 * length rules of RFC 4360, 4456, 5701, 6368, 7311, 8092, 9012, 9234).
 *
 * attr_table[] holds one row per attribute type we know: the Optional and
 * Transitive bits it must carry, its length rule, its decode and encode
 * functions, and the RFC 7606 outcome when it is malformed.  The block
 * walker only frames attributes, weeds out duplicates and unknown types,
 * and applies whatever outcome the row names; of several errors the worst
 * outcome wins (RFC 7606 §3 h), the first of equal ones is reported.
 *
 * Optional transitive attributes we check but do not interpret (extended
 * and large communities, Tunnel Encapsulation, ...) are passed on as
 * received once their row found them well-formed, so nothing malformed
 * of a type we know reaches the next router; unknown ones are passed on
 * with Partial set (RFC 4271 §5), or dropped when the session says so
 * (ctx->unknown_discard).  Optional non-transitive ones we have no use
 * for (RFC 4456's, AIGP) are checked, then dropped.
 */
#include "bgp/attr.h"
#include "bgp/policy.h"
#include "bgp/aspath.h"
#include "bgp/nlri.h"

#include <errno.h>
#include <string.h>

#define ARRAY_SIZE(x)	(sizeof(x) / sizeof((x)[0]))
#define ATTR_OT		(BGP_ATTR_F_OPTIONAL | BGP_ATTR_F_TRANSITIVE)

enum attr_len_rule {
	ATTR_LEN_ANY,		/* the decoder checks */
	ATTR_LEN_FIXED,		/* exactly row.len octets */
	ATTR_LEN_AGGR,		/* 8 octets from a 4-octet peer, else 6 */
	ATTR_LEN_QUADS,		/* a non-zero multiple of 4 */
	ATTR_LEN_MULT,		/* a non-zero multiple of row.len */
	ATTR_LEN_MIN,		/* at least row.len octets */
};

/* Attributes dropped unread, before any check (row.ignore). */
#define ATTR_IGN_EBGP	0x01	/* from an external peer */
#define ATTR_IGN_AS4	0x02	/* from a 4-octet AS peer */

/* Decoding state of one attribute block. */
struct attr_dec {
	const struct bgp_decode_ctx *ctx;
	struct bgp_attrs *a;
	struct bgp_attr_result *r;
	uint8_t *scratch;
	size_t cap;
	size_t used;
	/* Set by a decoder that fails: RFC 4271 §6.3 subcode and reason. */
	uint8_t subcode;
	const char *why;
	bool nomem;
	/* RFC 6793 §4.2.3 input from a 2-octet peer, merged after the walk. */
	const uint8_t *as4_path;
	uint16_t as4_path_len;
	bool has_as4_path;
	bool has_as4_aggr;
	uint32_t as4_aggr_as;
	uint32_t as4_aggr_addr;
	/* MP_REACH_NLRI of a family we skip, with NLRI: still reachable NLRI
	 * for RFC 7606 §3 d and §5.2. */
	bool mp_reach_other;
	/* Attributes to pass on, by type: keep[t] is the offset of the one
	 * kept in the block; in known, those a row checked (sent as
	 * received, without Partial added). */
	uint32_t kept[8];
	uint32_t known[8];
	uint16_t keep[256];
	const uint8_t *block;
};

struct attr_row {
	const char *name;
	uint8_t flags;		/* the Optional and Transitive bits wanted */
	uint8_t len_rule;	/* enum attr_len_rule */
	uint8_t len;
	uint8_t on_error;	/* enum bgp_attr_action when malformed */
	uint8_t ignore;		/* ATTR_IGN_* */
	bool pass;		/* passed on as received once decoded */
	int (*decode)(struct attr_dec *d, const uint8_t *v, size_t n);
	/* Writes the attribute if a (and the peer) call for it. */
	void (*encode)(struct buf *b, const struct bgp_attrs *a, bool as4);
};

static uint32_t get16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static bool bit_test(const uint32_t *set, unsigned n)
{
	return set[n / 32] & (1u << (n % 32));
}

static void bit_set(uint32_t *set, unsigned n)
{
	set[n / 32] |= 1u << (n % 32);
}

/*
 * Record an outcome.  The worst action wins; of equal ones the first is
 * kept, so the log names the attribute that went wrong first.
 */
static void attr_outcome(struct attr_dec *d, enum bgp_attr_action act,
			 uint8_t type, uint8_t code, uint8_t subcode,
			 const uint8_t *data, size_t dlen, const char *why)
{
	struct bgp_attr_result *r = d->r;

	if (act == BGP_ACT_DISCARD)
		r->discarded++;
	if (act <= r->action)
		return;
	r->action = act;
	r->type = type;
	r->err.code = code;
	r->err.subcode = subcode;
	r->err.data = dlen ? data : NULL;
	r->err.len = (uint16_t)dlen;
	r->err.reason = why;
}

static void attr_reset(struct attr_dec *d, uint8_t type, uint8_t code,
		       uint8_t subcode, const uint8_t *data, size_t dlen,
		       const char *why)
{
	attr_outcome(d, BGP_ACT_RESET, type, code, subcode, data, dlen, why);
}

static int attr_bad(struct attr_dec *d, uint8_t subcode, const char *why)
{
	d->subcode = subcode;
	d->why = why;
	return -1;
}

static int attr_nomem(struct attr_dec *d)
{
	d->nomem = true;
	return -1;
}

/* Room in scratch, or NULL (a NULL scratch of size 0 is allowed). */
static uint8_t *attr_room(struct attr_dec *d)
{
	return d->scratch ? d->scratch + d->used : NULL;
}

/* --- decoders: v/n is the attribute value, its length already checked
 * against the row's rule --- */

static int dec_origin(struct attr_dec *d, const uint8_t *v, size_t n)
{
	if (v[0] > BGP_ORIGIN_INCOMPLETE)
		return attr_bad(d, BGP_ERR_UPD_ORIGIN, "undefined ORIGIN value");
	d->a->origin = v[0];
	d->a->present |= BGP_ATTR_BIT(BGP_ATTR_ORIGIN);
	return 0;
}

static bool aspath_has_confed(const uint8_t *p, size_t len)
{
	size_t off = 0;

	while (off + 2 <= len) {
		if (p[off] == BGP_AS_CONFED_SEQUENCE ||
		    p[off] == BGP_AS_CONFED_SET)
			return true;
		off += 2 + (size_t)p[off + 1] * 4;
	}
	return false;
}

static int dec_aspath(struct attr_dec *d, const uint8_t *v, size_t n)
{
	const struct bgp_decode_ctx *ctx = d->ctx;
	const uint8_t *path = v;
	size_t len = n;

	if (aspath_check(v, n, ctx->as4 ? 4 : 2) < 0)
		return attr_bad(d, BGP_ERR_UPD_ASPATH, "malformed AS_PATH");
	if (!ctx->as4 && n) {
		/* A 2-octet peer's path is widened once, here; everything
		 * after this sees the canonical 4-octet form. */
		int w = aspath_widen(v, n, attr_room(d), d->cap - d->used);

		if (w < 0)
			return attr_nomem(d);
		path = attr_room(d);
		len = (size_t)w;
		d->used += len;
	}
	/*
	 * RFC 5065 §5: confederation segments from a neighbour outside our
	 * confederation make AS_PATH malformed.  We are in none, so from an
	 * external peer they are never valid; kept, they would also be
	 * passed on to other external peers, which treat our UPDATE as
	 * malformed in turn.
	 */
	if (ctx->ebgp && aspath_has_confed(path, len))
		return attr_bad(d, BGP_ERR_UPD_ASPATH,
				"AS_PATH holds confederation segments");
	/* RFC 7607 §2: AS 0 makes AS_PATH malformed. */
	if (aspath_contains(path, len, 0))
		return attr_bad(d, BGP_ERR_UPD_ASPATH, "AS_PATH holds AS 0");
	if (ctx->ebgp) {
		/* RFC 4271 §6.3: the leftmost AS must be the neighbour's;
		 * a 2-octet peer can only say AS_TRANS for a 4-octet one. */
		uint32_t want = ctx->peer_as;

		if (!ctx->as4 && want > 0xffff)
			want = BGP_AS_TRANS;
		if (aspath_first_as(path, len) != want)
			return attr_bad(d, BGP_ERR_UPD_ASPATH,
					"AS_PATH does not start with the peer AS");
	}
	d->a->aspath = path;
	d->a->aspath_len = (uint16_t)len;
	d->a->present |= BGP_ATTR_BIT(BGP_ATTR_AS_PATH);
	return 0;
}

static int dec_nexthop(struct attr_dec *d, const uint8_t *v, size_t n)
{
	uint32_t nh = get32(v);

	/*
	 * RFC 4271 §6.3: a semantically wrong NEXT_HOP gets the route
	 * ignored, without a NOTIFICATION.  Only the checks that need no
	 * local knowledge live here: "this network", loopback, multicast
	 * and class E can never be a neighbour.  Whether it is one of our
	 * own addresses is for the caller, which knows them.
	 */
	if ((nh >> 24) == 0 || (nh >> 24) == 127 || nh >= 0xe0000000u)
		return attr_bad(d, BGP_ERR_UPD_NEXTHOP,
				"NEXT_HOP is not a unicast host address");
	d->a->nexthop = nh;
	d->a->present |= BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	return 0;
}

static int dec_med(struct attr_dec *d, const uint8_t *v, size_t n)
{
	d->a->med = get32(v);
	d->a->present |= BGP_ATTR_BIT(BGP_ATTR_MED);
	return 0;
}

static int dec_local_pref(struct attr_dec *d, const uint8_t *v, size_t n)
{
	d->a->local_pref = get32(v);
	d->a->present |= BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF);
	return 0;
}

static int dec_atomic(struct attr_dec *d, const uint8_t *v, size_t n)
{
	d->a->present |= BGP_ATTR_BIT(BGP_ATTR_ATOMIC_AGGREGATE);
	return 0;
}

static int dec_aggregator(struct attr_dec *d, const uint8_t *v, size_t n)
{
	uint32_t as = n == 8 ? get32(v) : get16(v);

	/* RFC 7607 §2. */
	if (as == 0)
		return attr_bad(d, BGP_ERR_UPD_OPTATTR, "AGGREGATOR holds AS 0");
	d->a->aggr_as = as;
	d->a->aggr_addr = get32(v + n - 4);
	d->a->present |= BGP_ATTR_BIT(BGP_ATTR_AGGREGATOR);
	return 0;
}

static int dec_communities(struct attr_dec *d, const uint8_t *v, size_t n)
{
	d->a->communities = v;
	d->a->communities_len = (uint16_t)n;
	d->a->present |= BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES);
	return 0;
}

/*
 * MP_REACH_NLRI (RFC 4760 §3): AFI, SAFI, next hop length and address, a
 * reserved octet, NLRI.  Only IPv4 unicast is looked into; any error in
 * it is fatal (RFC 7606 §7.11, §7.12; RFC 4760 §7: Optional Attribute
 * Error), since we have no other family to disable instead.
 */
static int dec_mp_reach(struct attr_dec *d, const uint8_t *v, size_t n)
{
	size_t nhlen, nlen;
	const uint8_t *nlri;

	if (n < 5)
		return attr_bad(d, BGP_ERR_UPD_OPTATTR,
				"MP_REACH_NLRI shorter than its header");
	nhlen = v[3];
	if (n < 5 + nhlen)
		return attr_bad(d, BGP_ERR_UPD_OPTATTR,
				"MP_REACH_NLRI next hop past the attribute");
	nlri = v + 5 + nhlen;
	nlen = n - 5 - nhlen;
	if (get16(v) != BGP_AFI_IPV4 || v[2] != BGP_SAFI_UNICAST) {
		if (nlen)
			d->mp_reach_other = true;
		return 0;
	}
	/* An IPv6 next hop (RFC 8950) needs a capability we never send. */
	if (nhlen != 4)
		return attr_bad(d, BGP_ERR_UPD_OPTATTR,
				"MP_REACH_NLRI next hop length is not 4");
	if (bgp_nlri_check(nlri, nlen) < 0)
		return attr_bad(d, BGP_ERR_UPD_OPTATTR,
				"malformed NLRI in MP_REACH_NLRI");
	d->a->mp_reach = nlri;
	d->a->mp_reach_len = (uint16_t)nlen;
	d->a->mp_nexthop = get32(v + 4);
	return 0;
}

/* MP_UNREACH_NLRI (RFC 4760 §4): AFI, SAFI, withdrawn NLRI. */
static int dec_mp_unreach(struct attr_dec *d, const uint8_t *v, size_t n)
{
	if (n < 3)
		return attr_bad(d, BGP_ERR_UPD_OPTATTR,
				"MP_UNREACH_NLRI shorter than its header");
	if (get16(v) != BGP_AFI_IPV4 || v[2] != BGP_SAFI_UNICAST)
		return 0;
	if (bgp_nlri_check(v + 3, n - 3) < 0)
		return attr_bad(d, BGP_ERR_UPD_OPTATTR,
				"malformed NLRI in MP_UNREACH_NLRI");
	d->a->mp_unreach = v + 3;
	d->a->mp_unreach_len = (uint16_t)(n - 3);
	return 0;
}

/* AS4_PATH from a 2-octet peer (RFC 6793 §6: malformed means discard). */
static int dec_as4_path(struct attr_dec *d, const uint8_t *v, size_t n)
{
	/* RFC 7606 §4: only AS_PATH and ATOMIC_AGGREGATE may be empty. */
	if (n == 0 || aspath_check(v, n, 4) < 0)
		return attr_bad(d, BGP_ERR_UPD_OPTATTR, "malformed AS4_PATH");
	if (aspath_has_confed(v, n))
		return attr_bad(d, BGP_ERR_UPD_OPTATTR,
				"AS4_PATH holds confederation segments");
	if (aspath_contains(v, n, 0))
		return attr_bad(d, BGP_ERR_UPD_OPTATTR, "AS4_PATH holds AS 0");
	d->as4_path = v;
	d->as4_path_len = (uint16_t)n;
	d->has_as4_path = true;
	return 0;
}

static int dec_as4_aggregator(struct attr_dec *d, const uint8_t *v, size_t n)
{
	if (get32(v) == 0)
		return attr_bad(d, BGP_ERR_UPD_OPTATTR,
				"AS4_AGGREGATOR holds AS 0");
	d->as4_aggr_as = get32(v);
	d->as4_aggr_addr = get32(v + 4);
	d->has_as4_aggr = true;
	return 0;
}

/* A value the row's length rule already checked: nothing to read. */
static int dec_opaque(struct attr_dec *d, const uint8_t *v, size_t n)
{
	(void)d;
	(void)v;
	(void)n;
	return 0;
}

/*
 * Tunnel Encapsulation (RFC 9012 §2): TLVs of Tunnel Type (2 octets),
 * Length (2) and sub-TLVs, each of Type (1), Length (1 octet for types
 * 0-127, 2 for 128-255) and Value.  Lengths that do not add up exactly
 * make the attribute malformed (RFC 9012 §13: treat-as-withdraw).
 */
static int dec_tunnel_encap(struct attr_dec *d, const uint8_t *v, size_t n)
{
	size_t off = 0;

	if (n == 0)
		return attr_bad(d, BGP_ERR_UPD_OPTATTR,
				"Tunnel Encapsulation without a TLV");
	while (off < n) {
		size_t tlen, soff;

		if (n - off < 4)
			return attr_bad(d, BGP_ERR_UPD_OPTATTR,
					"Tunnel Encapsulation TLV header cut short");
		tlen = get16(v + off + 2);
		off += 4;
		if (tlen > n - off)
			return attr_bad(d, BGP_ERR_UPD_OPTATTR,
					"Tunnel Encapsulation TLV runs past the attribute");
		for (soff = 0; soff < tlen;) {
			const uint8_t *sub = v + off + soff;
			size_t hl = sub[0] < 128 ? 2 : 3, sl;

			if (tlen - soff < hl)
				return attr_bad(d, BGP_ERR_UPD_OPTATTR,
						"Tunnel Encapsulation sub-TLV header cut short");
			sl = hl == 2 ? sub[1] : get16(sub + 1);
			if (sl > tlen - soff - hl)
				return attr_bad(d, BGP_ERR_UPD_OPTATTR,
						"Tunnel Encapsulation sub-TLV runs past its TLV");
			soff += hl + sl;
		}
		off += tlen;
	}
	return 0;
}

/*
 * AIGP (RFC 7311 §3): TLVs of Type (1 octet), Length (2, header included)
 * and Value; the AIGP TLV (type 1) is 11 octets.  We are in no AIGP
 * administrative domain, so even a good one is dropped (§3.3); a bad one
 * is logged as malformed, with the same outcome (§3.2: attribute discard).
 */
static int dec_aigp(struct attr_dec *d, const uint8_t *v, size_t n)
{
	size_t off = 0;

	while (off < n) {
		size_t tl;

		if (n - off < 3)
			return attr_bad(d, BGP_ERR_UPD_OPTATTR,
					"AIGP TLV header cut short");
		tl = get16(v + off + 1);
		if (tl < 3 || tl > n - off)
			return attr_bad(d, BGP_ERR_UPD_OPTATTR,
					"AIGP TLV length does not fit the attribute");
		if (v[off] == 1 && tl != 11)
			return attr_bad(d, BGP_ERR_UPD_OPTATTR,
					"AIGP TLV of type 1 is not 11 octets");
		off += tl;
	}
	return 0;
}

/* --- encoders --- */

static void put_hdr(struct buf *b, uint8_t flags, uint8_t type, size_t len)
{
	if (len > 0xffff) {
		b->err = -ENOSPC;
		return;
	}
	if (len > 255) {
		buf_put_u8(b, flags | BGP_ATTR_F_EXTLEN);
		buf_put_u8(b, type);
		buf_put_u16(b, (uint16_t)len);
	} else {
		buf_put_u8(b, flags & ~BGP_ATTR_F_EXTLEN);
		buf_put_u8(b, type);
		buf_put_u8(b, (uint8_t)len);
	}
}

static bool has(const struct bgp_attrs *a, unsigned type)
{
	return a->present & BGP_ATTR_BIT(type);
}

static void enc_origin(struct buf *b, const struct bgp_attrs *a, bool as4)
{
	if (!has(a, BGP_ATTR_ORIGIN))
		return;
	put_hdr(b, BGP_ATTR_F_TRANSITIVE, BGP_ATTR_ORIGIN, 1);
	buf_put_u8(b, a->origin);
}

/* Length of the 2-octet form of a canonical path. */
static size_t narrow_len(const uint8_t *p, size_t len)
{
	size_t off = 0, n = 0;

	while (off + 2 <= len) {
		n += 2 + (size_t)p[off + 1] * 2;
		off += 2 + (size_t)p[off + 1] * 4;
	}
	return n;
}

/*
 * True if AS4_PATH would tell a 2-octet peer something AS_PATH cannot
 * (RFC 6793 §4.2.2): an AS number above 65535 outside the confederation
 * segments, which AS4_PATH may not carry.
 */
static bool needs_as4_path(const uint8_t *p, size_t len)
{
	size_t off = 0;

	while (off + 2 <= len) {
		unsigned type = p[off], count = p[off + 1], k;
		bool confed = type == BGP_AS_CONFED_SEQUENCE ||
			      type == BGP_AS_CONFED_SET;

		off += 2;
		for (k = 0; k < count && off + 4 <= len; k++, off += 4)
			if (!confed && get32(p + off) > 0xffff)
				return true;
	}
	return false;
}

static void enc_aspath(struct buf *b, const struct bgp_attrs *a, bool as4)
{
	const uint8_t *p = a->aspath;
	size_t len = a->aspath_len, off = 0;

	if (!has(a, BGP_ATTR_AS_PATH))
		return;
	if (as4) {
		put_hdr(b, BGP_ATTR_F_TRANSITIVE, BGP_ATTR_AS_PATH, len);
		if (len)
			buf_put(b, p, len);
		return;
	}
	put_hdr(b, BGP_ATTR_F_TRANSITIVE, BGP_ATTR_AS_PATH,
		narrow_len(p, len));
	while (off + 2 <= len) {
		unsigned count = p[off + 1], k;

		buf_put_u8(b, p[off]);
		buf_put_u8(b, (uint8_t)count);
		off += 2;
		for (k = 0; k < count; k++, off += 4) {
			uint32_t as = off + 4 <= len ? get32(p + off) : 0;

			buf_put_u16(b, as > 0xffff ? BGP_AS_TRANS :
				    (uint16_t)as);
		}
	}
}

static void enc_nexthop(struct buf *b, const struct bgp_attrs *a, bool as4)
{
	if (!has(a, BGP_ATTR_NEXT_HOP))
		return;
	put_hdr(b, BGP_ATTR_F_TRANSITIVE, BGP_ATTR_NEXT_HOP, 4);
	buf_put_u32(b, a->nexthop);
}

static void enc_med(struct buf *b, const struct bgp_attrs *a, bool as4)
{
	if (!has(a, BGP_ATTR_MED))
		return;
	put_hdr(b, BGP_ATTR_F_OPTIONAL, BGP_ATTR_MED, 4);
	buf_put_u32(b, a->med);
}

static void enc_local_pref(struct buf *b, const struct bgp_attrs *a, bool as4)
{
	if (!has(a, BGP_ATTR_LOCAL_PREF))
		return;
	put_hdr(b, BGP_ATTR_F_TRANSITIVE, BGP_ATTR_LOCAL_PREF, 4);
	buf_put_u32(b, a->local_pref);
}

static void enc_atomic(struct buf *b, const struct bgp_attrs *a, bool as4)
{
	if (has(a, BGP_ATTR_ATOMIC_AGGREGATE))
		put_hdr(b, BGP_ATTR_F_TRANSITIVE, BGP_ATTR_ATOMIC_AGGREGATE, 0);
}

static void enc_aggregator(struct buf *b, const struct bgp_attrs *a, bool as4)
{
	if (!has(a, BGP_ATTR_AGGREGATOR))
		return;
	put_hdr(b, ATTR_OT, BGP_ATTR_AGGREGATOR, as4 ? 8 : 6);
	if (as4)
		buf_put_u32(b, a->aggr_as);
	else
		buf_put_u16(b, a->aggr_as > 0xffff ? BGP_AS_TRANS :
			    (uint16_t)a->aggr_as);
	buf_put_u32(b, a->aggr_addr);
}

static void enc_communities(struct buf *b, const struct bgp_attrs *a, bool as4)
{
	if (!has(a, BGP_ATTR_COMMUNITIES))
		return;
	put_hdr(b, ATTR_OT, BGP_ATTR_COMMUNITIES, a->communities_len);
	if (a->communities_len)
		buf_put(b, a->communities, a->communities_len);
}

/*
 * RFC 6793 §4.2.2: a 2-octet peer gets AS4_PATH only when AS_PATH lost
 * something to AS_TRANS, and never with confederation segments.
 */
static void enc_as4_path(struct buf *b, const struct bgp_attrs *a, bool as4)
{
	const uint8_t *p = a->aspath;
	size_t len = a->aspath_len, off, n = 0;

	if (as4 || !has(a, BGP_ATTR_AS_PATH) || !needs_as4_path(p, len))
		return;
	for (off = 0; off + 2 <= len; off += 2 + (size_t)p[off + 1] * 4)
		if (p[off] == BGP_AS_SET || p[off] == BGP_AS_SEQUENCE)
			n += 2 + (size_t)p[off + 1] * 4;
	put_hdr(b, ATTR_OT, BGP_ATTR_AS4_PATH, n);
	for (off = 0; off + 2 <= len; off += 2 + (size_t)p[off + 1] * 4) {
		size_t seg = 2 + (size_t)p[off + 1] * 4;

		if (p[off] != BGP_AS_SET && p[off] != BGP_AS_SEQUENCE)
			continue;
		if (seg > len - off) {
			b->err = -ENOSPC;	/* not canonical: refuse */
			return;
		}
		buf_put(b, p + off, seg);
	}
}

static void enc_as4_aggregator(struct buf *b, const struct bgp_attrs *a,
			       bool as4)
{
	if (as4 || !has(a, BGP_ATTR_AGGREGATOR) || a->aggr_as <= 0xffff)
		return;
	put_hdr(b, ATTR_OT, BGP_ATTR_AS4_AGGREGATOR, 8);
	buf_put_u32(b, a->aggr_as);
	buf_put_u32(b, a->aggr_addr);
}

/*
 * The table.  Outcomes per RFC 7606 §7 (section numbers per row), which
 * also applies to conflicting Optional/Transitive flags (§3 c): the
 * attribute counts as malformed and gets its row's outcome, as BIRD and
 * FRR do.
 */
static const struct attr_row attr_table[] = {
	[BGP_ATTR_ORIGIN] = {		/* §7.1 */
		.name = "ORIGIN", .flags = BGP_ATTR_F_TRANSITIVE,
		.len_rule = ATTR_LEN_FIXED, .len = 1,
		.on_error = BGP_ACT_WITHDRAW,
		.decode = dec_origin, .encode = enc_origin,
	},
	[BGP_ATTR_AS_PATH] = {		/* §7.2 */
		.name = "AS_PATH", .flags = BGP_ATTR_F_TRANSITIVE,
		.len_rule = ATTR_LEN_ANY,
		.on_error = BGP_ACT_WITHDRAW,
		.decode = dec_aspath, .encode = enc_aspath,
	},
	[BGP_ATTR_NEXT_HOP] = {		/* §7.3 */
		.name = "NEXT_HOP", .flags = BGP_ATTR_F_TRANSITIVE,
		.len_rule = ATTR_LEN_FIXED, .len = 4,
		.on_error = BGP_ACT_WITHDRAW,
		.decode = dec_nexthop, .encode = enc_nexthop,
	},
	[BGP_ATTR_MED] = {		/* §7.4 */
		.name = "MULTI_EXIT_DISC", .flags = BGP_ATTR_F_OPTIONAL,
		.len_rule = ATTR_LEN_FIXED, .len = 4,
		.on_error = BGP_ACT_WITHDRAW,
		.decode = dec_med, .encode = enc_med,
	},
	[BGP_ATTR_LOCAL_PREF] = {	/* §7.5: ignored from eBGP */
		.name = "LOCAL_PREF", .flags = BGP_ATTR_F_TRANSITIVE,
		.len_rule = ATTR_LEN_FIXED, .len = 4,
		.on_error = BGP_ACT_WITHDRAW, .ignore = ATTR_IGN_EBGP,
		.decode = dec_local_pref, .encode = enc_local_pref,
	},
	[BGP_ATTR_ATOMIC_AGGREGATE] = {	/* §7.6 */
		.name = "ATOMIC_AGGREGATE", .flags = BGP_ATTR_F_TRANSITIVE,
		.len_rule = ATTR_LEN_FIXED, .len = 0,
		.on_error = BGP_ACT_DISCARD,
		.decode = dec_atomic, .encode = enc_atomic,
	},
	[BGP_ATTR_AGGREGATOR] = {	/* §7.7 */
		.name = "AGGREGATOR", .flags = ATTR_OT,
		.len_rule = ATTR_LEN_AGGR,
		.on_error = BGP_ACT_DISCARD,
		.decode = dec_aggregator, .encode = enc_aggregator,
	},
	[BGP_ATTR_COMMUNITIES] = {	/* §7.8 */
		.name = "COMMUNITIES", .flags = ATTR_OT,
		.len_rule = ATTR_LEN_QUADS,
		.on_error = BGP_ACT_WITHDRAW,
		.decode = dec_communities, .encode = enc_communities,
	},
	[BGP_ATTR_ORIGINATOR_ID] = {	/* §7.9; we reflect nothing */
		.name = "ORIGINATOR_ID", .flags = BGP_ATTR_F_OPTIONAL,
		.len_rule = ATTR_LEN_FIXED, .len = 4,
		.on_error = BGP_ACT_WITHDRAW,
		.decode = dec_opaque,
	},
	[BGP_ATTR_CLUSTER_LIST] = {	/* §7.10; we reflect nothing */
		.name = "CLUSTER_LIST", .flags = BGP_ATTR_F_OPTIONAL,
		.len_rule = ATTR_LEN_QUADS,
		.on_error = BGP_ACT_WITHDRAW,
		.decode = dec_opaque,
	},
	[BGP_ATTR_MP_REACH] = {		/* §7.11, RFC 4760 §7 */
		.name = "MP_REACH_NLRI", .flags = BGP_ATTR_F_OPTIONAL,
		.len_rule = ATTR_LEN_ANY,
		.on_error = BGP_ACT_RESET,
		.decode = dec_mp_reach,
	},
	[BGP_ATTR_MP_UNREACH] = {	/* §7.12, RFC 4760 §7 */
		.name = "MP_UNREACH_NLRI", .flags = BGP_ATTR_F_OPTIONAL,
		.len_rule = ATTR_LEN_ANY,
		.on_error = BGP_ACT_RESET,
		.decode = dec_mp_unreach,
	},
	[BGP_ATTR_EXT_COMMUNITIES] = {	/* §7.14, RFC 4360 §2 */
		.name = "EXTENDED_COMMUNITIES", .flags = ATTR_OT,
		.len_rule = ATTR_LEN_MULT, .len = 8,
		.on_error = BGP_ACT_WITHDRAW, .pass = true,
		.decode = dec_opaque,
	},
	[BGP_ATTR_AS4_PATH] = {		/* RFC 6793 §6 */
		.name = "AS4_PATH", .flags = ATTR_OT,
		.len_rule = ATTR_LEN_ANY,
		.on_error = BGP_ACT_DISCARD, .ignore = ATTR_IGN_AS4,
		.decode = dec_as4_path, .encode = enc_as4_path,
	},
	[BGP_ATTR_AS4_AGGREGATOR] = {	/* RFC 6793 §6 */
		.name = "AS4_AGGREGATOR", .flags = ATTR_OT,
		.len_rule = ATTR_LEN_FIXED, .len = 8,
		.on_error = BGP_ACT_DISCARD, .ignore = ATTR_IGN_AS4,
		.decode = dec_as4_aggregator, .encode = enc_as4_aggregator,
	},
	[BGP_ATTR_TUNNEL_ENCAP] = {	/* RFC 9012 §13 */
		.name = "TUNNEL_ENCAPSULATION", .flags = ATTR_OT,
		.len_rule = ATTR_LEN_ANY,
		.on_error = BGP_ACT_WITHDRAW, .pass = true,
		.decode = dec_tunnel_encap,
	},
	[BGP_ATTR_IPV6_EXT_COMMUNITIES] = {	/* §7.15, RFC 5701 */
		.name = "IPV6_EXTENDED_COMMUNITIES", .flags = ATTR_OT,
		.len_rule = ATTR_LEN_MULT, .len = 20,
		.on_error = BGP_ACT_WITHDRAW, .pass = true,
		.decode = dec_opaque,
	},
	[BGP_ATTR_AIGP] = {		/* RFC 7311 §3.2, §3.3 */
		.name = "AIGP", .flags = BGP_ATTR_F_OPTIONAL,
		.len_rule = ATTR_LEN_ANY,
		.on_error = BGP_ACT_DISCARD,
		.decode = dec_aigp,
	},
	[BGP_ATTR_LARGE_COMMUNITY] = {	/* RFC 8092 §6 */
		.name = "LARGE_COMMUNITY", .flags = ATTR_OT,
		.len_rule = ATTR_LEN_MULT, .len = 12,
		.on_error = BGP_ACT_WITHDRAW, .pass = true,
		.decode = dec_opaque,
	},
	[BGP_ATTR_OTC] = {		/* RFC 9234 §5 */
		.name = "OTC", .flags = ATTR_OT,
		.len_rule = ATTR_LEN_FIXED, .len = 4,
		.on_error = BGP_ACT_WITHDRAW, .pass = true,
		.decode = dec_opaque,
	},
	[BGP_ATTR_ATTR_SET] = {		/* §7.16, RFC 6368 §5: an origin AS */
		.name = "ATTR_SET", .flags = ATTR_OT,
		.len_rule = ATTR_LEN_MIN, .len = 4,
		.on_error = BGP_ACT_WITHDRAW, .pass = true,
		.decode = dec_opaque,
	},
};

static const struct attr_row *attr_row(unsigned type)
{
	if (type >= ARRAY_SIZE(attr_table) || !attr_table[type].name)
		return NULL;
	return &attr_table[type];
}

const char *bgp_attr_name(uint8_t type)
{
	const struct attr_row *row = attr_row(type);

	return row ? row->name : "unknown";
}

static bool attr_len_ok(const struct attr_row *row, size_t n, bool as4)
{
	switch (row->len_rule) {
	case ATTR_LEN_FIXED:
		return n == row->len;
	case ATTR_LEN_AGGR:
		return n == (as4 ? 8u : 6u);
	case ATTR_LEN_QUADS:
		return n && n % 4 == 0;
	case ATTR_LEN_MULT:
		return n && n % row->len == 0;
	case ATTR_LEN_MIN:
		return n >= row->len;
	default:
		return true;
	}
}

/* One known attribute: at is its header, hlen + n octets in all. */
static void attr_apply(struct attr_dec *d, const struct attr_row *row,
		       uint8_t type, const uint8_t *at, size_t hlen, size_t n)
{
	const struct bgp_decode_ctx *ctx = d->ctx;
	uint8_t flags = at[0];

	if ((row->ignore & ATTR_IGN_EBGP) && ctx->ebgp) {
		/* RFC 4271 §5.1.5, RFC 7606 §7.5. */
		attr_outcome(d, BGP_ACT_DISCARD, type, BGP_ERR_UPDATE,
			     BGP_ERR_UPD_ATTR_LIST, NULL, 0,
			     "LOCAL_PREF from an external peer");
		return;
	}
	if ((row->ignore & ATTR_IGN_AS4) && ctx->as4) {
		/* RFC 6793 §6: a NEW speaker has no use for them. */
		attr_outcome(d, BGP_ACT_DISCARD, type, BGP_ERR_UPDATE,
			     BGP_ERR_UPD_OPTATTR, NULL, 0,
			     "AS4 attribute from a 4-octet AS peer");
		return;
	}
	/* RFC 7606 §3 c: only Optional and Transitive count; Partial on a
	 * well-known attribute is harmless. */
	if ((flags ^ row->flags) & ATTR_OT) {
		attr_outcome(d, row->on_error, type, BGP_ERR_UPDATE,
			     BGP_ERR_UPD_FLAGS, at, hlen + n,
			     "conflicting attribute flags");
		return;
	}
	if (!attr_len_ok(row, n, ctx->as4)) {
		attr_outcome(d, row->on_error, type, BGP_ERR_UPDATE,
			     BGP_ERR_UPD_LENGTH, at, hlen + n,
			     "wrong attribute length");
		return;
	}
	d->nomem = false;
	if (row->decode(d, at + hlen, n) == 0) {
		if (row->pass) {
			bit_set(d->kept, type);
			bit_set(d->known, type);
			d->keep[type] = (uint16_t)(at - d->block);
		}
		return;
	}
	if (d->nomem)
		attr_reset(d, type, BGP_ERR_CEASE, BGP_CEASE_OUT_OF_RESOURCES,
			   NULL, 0, "scratch space too small");
	else
		attr_outcome(d, row->on_error, type, BGP_ERR_UPDATE,
			     d->subcode, at, hlen + n, d->why);
}

/* RFC 6793 §4.2.3: rebuild AS_PATH and AGGREGATOR from a 2-octet peer. */
static void attr_merge_as4(struct attr_dec *d)
{
	struct bgp_attrs *a = d->a;
	int n;

	/* An AGGREGATOR that is not AS_TRANS was made by a 2-octet
	 * speaker after whatever set AS4_*: both are stale then. */
	if (has(a, BGP_ATTR_AGGREGATOR) && a->aggr_as != BGP_AS_TRANS)
		return;
	if (d->has_as4_aggr && has(a, BGP_ATTR_AGGREGATOR)) {
		a->aggr_as = d->as4_aggr_as;
		a->aggr_addr = d->as4_aggr_addr;
	}
	/* An empty AS_PATH holds fewer AS numbers than any AS4_PATH we
	 * accepted, so AS4_PATH would be ignored anyway. */
	if (!d->has_as4_path || !has(a, BGP_ATTR_AS_PATH) || !a->aspath_len)
		return;
	n = aspath_merge_as4(a->aspath, a->aspath_len, d->as4_path,
			     d->as4_path_len, attr_room(d), d->cap - d->used);
	if (n < 0) {
		attr_reset(d, BGP_ATTR_AS4_PATH, BGP_ERR_CEASE,
			   BGP_CEASE_OUT_OF_RESOURCES, NULL, 0,
			   "scratch space too small");
		return;
	}
	/*
	 * The neighbour's own AS was checked in AS_PATH; an AS4_PATH as long
	 * as AS_PATH would replace it with something else.  Such an AS4_PATH
	 * cannot be right (the peer is a 2-octet speaker and prepends to
	 * AS_PATH only): discard it, as RFC 6793 §6 does a malformed one.
	 */
	if (d->ctx->ebgp &&
	    aspath_first_as(attr_room(d), (size_t)n) != d->ctx->peer_as) {
		attr_outcome(d, BGP_ACT_DISCARD, BGP_ATTR_AS4_PATH,
			     BGP_ERR_UPDATE, BGP_ERR_UPD_OPTATTR, NULL, 0,
			     "AS4_PATH would replace the peer AS");
		return;
	}
	a->aspath = attr_room(d);
	a->aspath_len = (uint16_t)n;
	d->used += (size_t)n;
}

/*
 * Optional transitive attributes to pass on, re-encoded here in type
 * order: unknown ones with Partial set (RFC 4271 §5), checked known ones
 * with the flags they came with.  d->keep[t] is the offset of the one
 * kept of type t.
 */
static void attr_keep_unknown(struct attr_dec *d, const uint8_t *p)
{
	size_t start = d->used;
	struct buf b;
	unsigned t;

	buf_init(&b, attr_room(d), d->cap - d->used);
	for (t = 0; t < 256; t++) {
		const uint8_t *at;
		size_t hlen, n;

		if (!bit_test(d->kept, t))
			continue;
		at = p + d->keep[t];
		hlen = at[0] & BGP_ATTR_F_EXTLEN ? 4 : 3;
		n = hlen == 4 ? get16(at + 2) : at[2];
		/* The low four flag bits MUST be zero when sent (§4.3). */
		put_hdr(&b, (at[0] | (bit_test(d->known, t) ? 0 :
				      BGP_ATTR_F_PARTIAL)) & 0xf0,
			(uint8_t)t, n);
		buf_put(&b, at + hlen, n);
	}
	if (b.err) {
		attr_reset(d, 0, BGP_ERR_CEASE, BGP_CEASE_OUT_OF_RESOURCES,
			   NULL, 0, "scratch space too small");
		return;
	}
	if (b.len) {
		d->a->unknown = d->scratch + start;
		d->a->unknown_len = (uint16_t)b.len;
		d->used += b.len;
	}
}

int bgp_attrs_decode(const uint8_t *p, size_t len,
		     const struct bgp_decode_ctx *ctx, bool nlri_present,
		     struct bgp_attrs *a, uint8_t *scratch, size_t scratch_len,
		     struct bgp_attr_result *r)
{
	struct attr_dec d = {
		.ctx = ctx, .a = a, .r = r,
		.scratch = scratch, .cap = scratch ? scratch_len : 0,
		.block = p,
	};
	uint32_t seen[8] = { 0 };
	size_t off = 0;
	bool reachable;

	memset(a, 0, sizeof(*a));
	memset(r, 0, sizeof(*r));
	r->err.reason = "no error";

	/* Offsets below are 16-bit; no valid UPDATE has a larger block. */
	if (len > BGP_MAX_MSG - BGP_UPDATE_MIN) {
		attr_reset(&d, 0, BGP_ERR_UPDATE, BGP_ERR_UPD_ATTR_LIST,
			   NULL, 0,
			   "attribute block larger than any UPDATE");
		return -EBADMSG;
	}
	while (off < len) {
		const uint8_t *at = p + off;
		const struct attr_row *row;
		size_t hlen, n;
		uint8_t type;

		/*
		 * RFC 7606 §4: an attribute header or value running past the
		 * block is treat-as-withdraw, the Total Path Attribute
		 * Length still finds the NLRI.  Nothing after it can be
		 * parsed, so the walk ends here.
		 */
		hlen = at[0] & BGP_ATTR_F_EXTLEN ? 4 : 3;
		if (len - off < hlen) {
			attr_outcome(&d, BGP_ACT_WITHDRAW, len - off >= 2 ?
				     at[1] : 0, BGP_ERR_UPDATE,
				     BGP_ERR_UPD_ATTR_LIST, NULL, 0,
				     "attribute header past the attribute block");
			break;
		}
		type = at[1];
		n = hlen == 4 ? get16(at + 2) : at[2];
		if (n > len - off - hlen) {
			attr_outcome(&d, BGP_ACT_WITHDRAW, type, BGP_ERR_UPDATE,
				     BGP_ERR_UPD_ATTR_LIST, NULL, 0,
				     "attribute runs past the attribute block");
			break;
		}
		off += hlen + n;

		/* RFC 7606 §3 g: keep the first of a type, except that two
		 * MP_* cannot be told apart safely. */
		if (bit_test(seen, type)) {
			if (type == BGP_ATTR_MP_REACH ||
			    type == BGP_ATTR_MP_UNREACH) {
				attr_reset(&d, type, BGP_ERR_UPDATE,
					   BGP_ERR_UPD_ATTR_LIST, NULL, 0,
					   "repeated MP_REACH_NLRI or MP_UNREACH_NLRI");
				break;
			}
			attr_outcome(&d, BGP_ACT_DISCARD, type, BGP_ERR_UPDATE,
				     BGP_ERR_UPD_ATTR_LIST, NULL, 0,
				     "repeated attribute");
			continue;
		}
		bit_set(seen, type);

		row = attr_row(type);
		if (row) {
			attr_apply(&d, row, type, at, hlen, n);
		} else if (!(at[0] & BGP_ATTR_F_OPTIONAL)) {
			/* RFC 4271 §6.3, kept by RFC 7606. */
			attr_reset(&d, type, BGP_ERR_UPDATE,
				   BGP_ERR_UPD_UNKNOWN_WK, at, hlen + n,
				   "unrecognized well-known attribute");
		} else if ((at[0] & BGP_ATTR_F_TRANSITIVE) &&
			   !ctx->unknown_discard) {
			bit_set(d.kept, type);
			d.keep[type] = (uint16_t)(at - p);
		}
		/* Unknown optional non-transitive: dropped (RFC 4271 §5);
		 * unknown transitive too when the session says so. */
		if (r->action == BGP_ACT_RESET)
			return -EBADMSG;
	}
	if (r->action == BGP_ACT_RESET)
		return -EBADMSG;

	reachable = nlri_present || (a->mp_reach && a->mp_reach_len) ||
		    d.mp_reach_other;
	if (reachable) {
		/* RFC 7606 §3 d; NEXT_HOP only for the NLRI field (RFC 4760
		 * §3 makes it optional for MP_REACH_NLRI). */
		static const uint8_t mandatory[] = {
			BGP_ATTR_ORIGIN, BGP_ATTR_AS_PATH, BGP_ATTR_NEXT_HOP,
		};
		unsigned i;

		for (i = 0; i < ARRAY_SIZE(mandatory); i++) {
			uint8_t t = mandatory[i];

			if (has(a, t) || bit_test(seen, t) ||
			    (t == BGP_ATTR_NEXT_HOP && !nlri_present))
				continue;
			r->err.store[0] = t;
			attr_outcome(&d, BGP_ACT_WITHDRAW, t, BGP_ERR_UPDATE,
				     BGP_ERR_UPD_MISSING_WK, r->err.store, 1,
				     "missing well-known mandatory attribute");
		}
	}
	if (r->action < BGP_ACT_WITHDRAW) {
		if (!ctx->as4)
			attr_merge_as4(&d);
		if (r->action != BGP_ACT_RESET)
			attr_keep_unknown(&d, p);
	}
	/*
	 * RFC 7606 §5.2: attributes with no reachable NLRI leave no route to
	 * withdraw, and no confidence that the NLRI were found at all; like
	 * BIRD, reset instead.
	 */
	if (r->action == BGP_ACT_WITHDRAW && !reachable) {
		uint8_t type = r->type;

		r->action = BGP_ACT_OK;
		attr_reset(&d, type, BGP_ERR_UPDATE, BGP_ERR_UPD_ATTR_LIST,
			   NULL, 0, "malformed attribute and no reachable NLRI");
	}
	return r->action == BGP_ACT_RESET ? -EBADMSG : 0;
}

void bgp_attrs_comms(const struct bgp_attrs *a, struct bgp_comms *out)
{
	const uint8_t *u = a->unknown;
	size_t ulen = a->unknown_len, off = 0;

	out->std = a->communities;
	out->std_len = a->communities_len;
	out->large = NULL;
	out->large_len = 0;
	while (u && ulen - off >= 3) {
		size_t hlen = u[off] & BGP_ATTR_F_EXTLEN ? 4 : 3;
		size_t n;

		if (ulen - off < hlen)
			return;
		n = hlen == 4 ? get16(u + off + 2) : u[off + 2];
		if (n > ulen - off - hlen)
			return;
		if (u[off + 1] == BGP_ATTR_LARGE_COMMUNITY) {
			out->large = u + off + hlen;
			out->large_len = n;
			return;
		}
		off += hlen + n;
	}
}

void bgp_attrs_encode(struct buf *b, const struct bgp_attrs *a, bool as4)
{
	const uint8_t *u = a->unknown_len ? a->unknown : NULL;
	size_t ulen = u ? a->unknown_len : 0, uoff = 0;
	unsigned t;

	/* RFC 4271 §5: "SHOULD" be in ascending type order; known and
	 * passed-on unknown attributes interleave. */
	for (t = 0; t < 256; t++) {
		const struct attr_row *row = attr_row(t);

		if (row && row->encode)
			row->encode(b, a, as4);
		while (ulen - uoff >= 3 && u[uoff + 1] == t) {
			size_t hlen = u[uoff] & BGP_ATTR_F_EXTLEN ? 4 : 3;
			size_t n;

			if (ulen - uoff < hlen)
				break;
			n = hlen == 4 ? get16(u + uoff + 2) : u[uoff + 2];
			if (n > ulen - uoff - hlen)
				break;
			buf_put(b, u + uoff, hlen + n);
			uoff += hlen + n;
		}
	}
	/* Not in type order or not well-formed: refuse rather than send a
	 * block the peer would have to reset over. */
	if (uoff != ulen)
		b->err = -EINVAL;
}

/*
 * BGP-4 message codec: framing and the header checks of RFC 4271 §4.1 and
 * §6.1; OPEN with capabilities (§4.2, §6.2; RFC 5492, RFC 4760 §8,
 * RFC 2918, RFC 6793, RFC 9072); KEEPALIVE (§4.4); NOTIFICATION (§4.5)
 * with the Shutdown Communication of RFC 9003; ROUTE-REFRESH (RFC 2918
 * §3); UPDATE (§4.3, §6.3, RFC 7606 §3, §5) and the UPDATE writer.
 * Path attributes themselves are attr.c's.
 *
 * Every decoder takes the framed message, header included, and checks
 * its length again, so it is safe on any input, not only on what
 * bgp_msg_frame let through.
 */
#include "bgp/msg.h"

#include <errno.h>
#include <string.h>

static const uint8_t bgp_marker[BGP_MARKER_LEN] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int msg_error(struct bgp_error *e, uint8_t code, uint8_t subcode,
		     const uint8_t *data, size_t len, const char *reason)
{
	memset(e, 0, sizeof(*e));
	e->code = code;
	e->subcode = subcode;
	e->data = len ? data : NULL;
	e->len = (uint16_t)len;
	e->reason = reason;
	return -EBADMSG;
}

/* RFC 4271 §6.1: Bad Message Length carries the erroneous Length field;
 * kept in e->store, so the receive buffer may go away. */
static int msg_bad_length(struct bgp_error *e, size_t len, const char *reason)
{
	msg_error(e, BGP_ERR_HEADER, BGP_ERR_HDR_LENGTH, NULL, 0, reason);
	e->store[0] = (uint8_t)(len >> 8);
	e->store[1] = (uint8_t)len;
	e->data = e->store;
	e->len = 2;
	return -EBADMSG;
}

/* Copy an error, keeping data valid when it points into store. */
static void msg_error_copy(struct bgp_error *to, const struct bgp_error *from)
{
	*to = *from;
	if (from->data == from->store)
		to->data = to->store;
}

static size_t msg_begin(struct buf *b, uint8_t type)
{
	size_t start = b->len;

	buf_put(b, bgp_marker, sizeof(bgp_marker));
	buf_put_u16(b, 0);
	buf_put_u8(b, type);
	return start;
}

static void msg_end(struct buf *b, size_t start)
{
	size_t len = b->len - start;

	if (!b->err && len > BGP_MAX_MSG)
		b->err = -ENOSPC;
	buf_patch_u16(b, start + BGP_MARKER_LEN, (uint16_t)len);
}

int bgp_msg_frame(const uint8_t *p, size_t len, struct bgp_error *e)
{
	uint16_t mlen;
	uint8_t type;
	bool ok;

	if (len < BGP_HEADER_LEN)
		return 0;
	if (memcmp(p, bgp_marker, BGP_MARKER_LEN) != 0)
		return msg_error(e, BGP_ERR_HEADER, BGP_ERR_HDR_SYNC, NULL, 0,
				 "marker is not all ones");
	mlen = get16(p + BGP_MARKER_LEN);
	type = p[18];
	if (mlen < BGP_HEADER_LEN || mlen > BGP_MAX_MSG)
		return msg_bad_length(e, mlen, "message length out of range");
	switch (type) {
	case BGP_MSG_OPEN:
		ok = mlen >= BGP_OPEN_MIN;
		break;
	case BGP_MSG_UPDATE:
		ok = mlen >= BGP_UPDATE_MIN;
		break;
	case BGP_MSG_NOTIFICATION:
		ok = mlen >= BGP_NOTIFICATION_MIN;
		break;
	case BGP_MSG_KEEPALIVE:
		ok = mlen == BGP_KEEPALIVE_LEN;
		break;
	case BGP_MSG_ROUTE_REFRESH:
		/* No ORF (RFC 5291) is negotiated, so nothing follows. */
		ok = mlen == BGP_ROUTE_REFRESH_LEN;
		break;
	default:
		msg_error(e, BGP_ERR_HEADER, BGP_ERR_HDR_TYPE, NULL, 0,
			  "unknown message type");
		e->store[0] = type;
		e->data = e->store;
		e->len = 1;
		return -EBADMSG;
	}
	if (!ok)
		return msg_bad_length(e, mlen, "wrong length for the type");
	return mlen;
}

/* --- OPEN --- */

void bgp_msg_encode_open(struct buf *b, const struct bgp_open *o)
{
	size_t start = msg_begin(b, BGP_MSG_OPEN);
	size_t optlen, caplen;

	/* We speak only version 4, whatever o->version says. */
	buf_put_u8(b, BGP_VERSION);
	buf_put_u16(b, o->as4 > 0xffff ? BGP_AS_TRANS : (uint16_t)o->as4);
	buf_put_u16(b, o->hold_time);
	buf_put_u32(b, o->bgp_id);
	optlen = buf_reserve(b, 1);
	if (o->cap_mp_ipv4 || o->cap_route_refresh || o->cap_as4) {
		/* One Capabilities parameter holding them all (RFC 5492 §4
		 * allows either; every speaker reads this form). */
		buf_put_u8(b, BGP_OPT_CAPABILITIES);
		caplen = buf_reserve(b, 1);
		if (o->cap_mp_ipv4) {
			buf_put_u8(b, BGP_CAP_MP);
			buf_put_u8(b, 4);
			buf_put_u16(b, BGP_AFI_IPV4);
			buf_put_u8(b, 0);
			buf_put_u8(b, BGP_SAFI_UNICAST);
		}
		if (o->cap_route_refresh) {
			buf_put_u8(b, BGP_CAP_ROUTE_REFRESH);
			buf_put_u8(b, 0);
		}
		if (o->cap_as4) {
			buf_put_u8(b, BGP_CAP_AS4);
			buf_put_u8(b, 4);
			buf_put_u32(b, o->as4);
		}
		buf_patch_u8(b, caplen, (uint8_t)(b->len - caplen - 1));
	}
	buf_patch_u8(b, optlen, (uint8_t)(b->len - optlen - 1));
	msg_end(b, start);
}

/*
 * OPEN errors.  RFC 4271 §6.2 gives Unsupported Optional Parameter (2/4)
 * for a parameter type we do not know, and Unspecific (2/0) for one we
 * know but find malformed.  Inconsistent lengths inside the OPEN are the
 * latter: the header Length itself is in range, so §6.1 does not apply
 * (BIRD answers a parameter length that disagrees with the message with
 * 1/2; OpenBGPD, and we, with 2/0).  A capability whose length runs past
 * its parameter, and a malformed MP, route refresh or AS4 capability (the
 * three we act on), are malformed Capabilities parameters: 2/0 as in
 * BIRD, where OpenBGPD would ignore a bad AS4 capability and might then
 * take AS_TRANS for the peer's AS.
 */
static int open_caps(const uint8_t *p, size_t len, struct bgp_open *o,
		     struct bgp_error *e)
{
	size_t off = 0;

	while (off < len) {
		uint8_t code, clen;
		const uint8_t *v;

		if (len - off < 2 || (size_t)p[off + 1] > len - off - 2)
			return msg_error(e, BGP_ERR_OPEN, BGP_ERR_OPEN_UNSPEC,
					 NULL, 0,
					 "capability runs past its parameter");
		code = p[off];
		clen = p[off + 1];
		v = p + off + 2;
		off += 2 + (size_t)clen;
		switch (code) {
		case BGP_CAP_MP:
			if (clen != 4)
				return msg_error(e, BGP_ERR_OPEN,
						 BGP_ERR_OPEN_UNSPEC, NULL, 0,
						 "multiprotocol capability length is not 4");
			if (get16(v) == BGP_AFI_IPV4 &&
			    v[3] == BGP_SAFI_UNICAST)
				o->cap_mp_ipv4 = true;
			break;
		case BGP_CAP_ROUTE_REFRESH:
			if (clen != 0)
				return msg_error(e, BGP_ERR_OPEN,
						 BGP_ERR_OPEN_UNSPEC, NULL, 0,
						 "route refresh capability length is not 0");
			o->cap_route_refresh = true;
			break;
		case BGP_CAP_AS4:
			if (clen != 4)
				return msg_error(e, BGP_ERR_OPEN,
						 BGP_ERR_OPEN_UNSPEC, NULL, 0,
						 "4-octet AS capability length is not 4");
			o->cap_as4 = true;
			o->as4 = get32(v);
			break;
		case BGP_CAP_GRACEFUL_RESTART:
			o->cap_graceful_restart = true;
			break;
		case BGP_CAP_ADD_PATH:
			o->cap_add_path = true;
			break;
		case BGP_CAP_ENHANCED_RR:
			o->cap_enhanced_rr = true;
			break;
		case BGP_CAP_FQDN:
			/* Known, harmless, of no use to us. */
			break;
		default:
			/* RFC 5492 §5: ignore what we do not understand. */
			if (o->unknown_caps < UINT8_MAX)
				o->unknown_caps++;
			break;
		}
	}
	return 0;
}

int bgp_msg_decode_open(const uint8_t *msg, size_t len, struct bgp_open *o,
			struct bgp_error *e)
{
	const uint8_t *p, *end;
	size_t optlen;
	bool ext = false;

	memset(o, 0, sizeof(*o));
	if (len < BGP_OPEN_MIN || len > BGP_MAX_MSG)
		return msg_bad_length(e, len, "OPEN length out of range");
	o->version = msg[19];
	o->my_as = get16(msg + 20);
	o->hold_time = get16(msg + 22);
	o->bgp_id = get32(msg + 24);
	optlen = msg[28];
	p = msg + 29;
	end = msg + len;
	/*
	 * RFC 9072 §2: a first parameter of type 255 announces the extended
	 * form, a 2-octet length for the block and for each parameter.
	 */
	if (optlen && len > 29 && p[0] == 255) {
		if (len < 32)
			return msg_error(e, BGP_ERR_OPEN, BGP_ERR_OPEN_UNSPEC,
					 NULL, 0,
					 "extended optional parameters header truncated");
		optlen = get16(p + 1);
		p += 3;
		ext = true;
	}
	if (optlen != (size_t)(end - p))
		return msg_error(e, BGP_ERR_OPEN, BGP_ERR_OPEN_UNSPEC, NULL, 0,
				 "optional parameters length does not match the message");
	while (p < end) {
		size_t hlen = ext ? 3 : 2, plen;
		int rc;

		if ((size_t)(end - p) < hlen)
			return msg_error(e, BGP_ERR_OPEN, BGP_ERR_OPEN_UNSPEC,
					 NULL, 0,
					 "optional parameter header truncated");
		plen = ext ? get16(p + 1) : p[1];
		if (plen > (size_t)(end - p) - hlen)
			return msg_error(e, BGP_ERR_OPEN, BGP_ERR_OPEN_UNSPEC,
					 NULL, 0,
					 "optional parameter runs past the message");
		if (p[0] != BGP_OPT_CAPABILITIES)
			/* RFC 4271 §6.2 names no data for this one. */
			return msg_error(e, BGP_ERR_OPEN, BGP_ERR_OPEN_OPTPARAM,
					 NULL, 0,
					 "unsupported optional parameter");
		rc = open_caps(p + hlen, plen, o, e);
		if (rc < 0)
			return rc;
		p += hlen + plen;
	}
	if (!o->cap_as4)
		o->as4 = o->my_as;
	return 0;
}

/* --- KEEPALIVE --- */

void bgp_msg_encode_keepalive(struct buf *b)
{
	msg_end(b, msg_begin(b, BGP_MSG_KEEPALIVE));
}

int bgp_msg_decode_keepalive(const uint8_t *msg, size_t len,
			     struct bgp_error *e)
{
	if (len != BGP_KEEPALIVE_LEN)
		return msg_bad_length(e, len, "KEEPALIVE length is not 19");
	return 0;
}

/* --- NOTIFICATION --- */

void bgp_msg_encode_notification(struct buf *b, const struct bgp_error *n)
{
	size_t start = msg_begin(b, BGP_MSG_NOTIFICATION);
	size_t len = n->data ? n->len : 0;

	buf_put_u8(b, n->code);
	buf_put_u8(b, n->subcode);
	/* Never exceed the message size, whatever the data (e.g. a huge
	 * attribute quoted back per §6.3). */
	if (len > BGP_MAX_MSG - BGP_NOTIFICATION_MIN)
		len = BGP_MAX_MSG - BGP_NOTIFICATION_MIN;
	if (len)
		buf_put(b, n->data, len);
	msg_end(b, start);
}

void bgp_msg_encode_shutdown(struct buf *b, uint8_t subcode, const char *text)
{
	size_t start = msg_begin(b, BGP_MSG_NOTIFICATION);
	size_t len = text ? strlen(text) : 0;

	buf_put_u8(b, BGP_ERR_CEASE);
	buf_put_u8(b, subcode);
	/* RFC 9003 §2: at most 255 octets; cut before a UTF-8
	 * continuation octet so no character is split. */
	if (len > 255) {
		len = 255;
		while (len && ((uint8_t)text[len] & 0xc0) == 0x80)
			len--;
	}
	buf_put_u8(b, (uint8_t)len);
	if (len)
		buf_put(b, text, len);
	msg_end(b, start);
}

/* Well-formed UTF-8 (RFC 3629): no overlongs, surrogates or > U+10FFFF. */
static bool utf8_valid(const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t c = s[i];
		size_t k, more;
		uint8_t lo = 0x80, hi = 0xbf;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			more = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			more = 2;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			more = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		} else {
			return false;
		}
		if (more > n - i - 1)
			return false;
		for (k = 1; k <= more; k++) {
			uint8_t t = s[i + k];

			if (t < (k == 1 ? lo : 0x80) ||
			    t > (k == 1 ? hi : 0xbf))
				return false;
		}
		i += more + 1;
	}
	return true;
}

int bgp_msg_decode_notification(const uint8_t *msg, size_t len,
				struct bgp_notification *n,
				struct bgp_error *e)
{
	memset(n, 0, sizeof(*n));
	if (len < BGP_NOTIFICATION_MIN || len > BGP_MAX_MSG)
		return msg_bad_length(e, len, "NOTIFICATION length out of range");
	n->code = msg[19];
	n->subcode = msg[20];
	n->len = (uint16_t)(len - BGP_NOTIFICATION_MIN);
	n->data = n->len ? msg + BGP_NOTIFICATION_MIN : NULL;
	if (n->code == BGP_ERR_CEASE && n->len &&
	    (n->subcode == BGP_CEASE_ADMIN_SHUTDOWN ||
	     n->subcode == BGP_CEASE_ADMIN_RESET)) {
		size_t tlen = n->data[0];

		/* RFC 9003 §2, §4: a length past the message or text that
		 * is not UTF-8 leaves the code intact and the text out. */
		if (tlen > (size_t)n->len - 1 ||
		    !utf8_valid(n->data + 1, tlen)) {
			n->text_malformed = true;
		} else {
			memcpy(n->text, n->data + 1, tlen);
			n->text[tlen] = '\0';
		}
	}
	return 0;
}

/* At most this many octets of a malformed Shutdown Communication are
 * shown in hex: enough to see what went wrong, short enough for a line. */
#define BGP_SHUTDOWN_HEX_MAX	32

void bgp_msg_notification_format(struct buf *b,
				 const struct bgp_notification *n)
{
	size_t i, shown;

	buf_printf(b, "%u/%u (%s, %s)", n->code, n->subcode,
		   bgp_err_code_name(n->code),
		   bgp_err_subcode_name(n->code, n->subcode));
	if (n->text[0]) {
		buf_puts(b, ": \"");
		for (i = 0; n->text[i]; i++) {
			uint8_t c = (uint8_t)n->text[i];

			buf_put_u8(b, c < 0x20 || c == 0x7f ? '?' : c);
		}
		buf_puts(b, "\"");
	} else if (n->text_malformed) {
		/*
		 * RFC 9003 §4: an invalid Length or UTF-8 sequence SHOULD be
		 * logged for the operator; the Communication itself MAY be,
		 * in hex.  The data starts with the Length octet.
		 */
		shown = n->len < BGP_SHUTDOWN_HEX_MAX ? n->len :
							 BGP_SHUTDOWN_HEX_MAX;
		buf_puts(b, ", malformed Shutdown Communication (RFC 9003): 0x");
		for (i = 0; i < shown; i++)
			buf_printf(b, "%02x", n->data[i]);
		if (shown < n->len)
			buf_puts(b, "...");
	}
}

/* --- ROUTE-REFRESH --- */

void bgp_msg_encode_route_refresh(struct buf *b, uint16_t afi, uint8_t safi)
{
	size_t start = msg_begin(b, BGP_MSG_ROUTE_REFRESH);

	buf_put_u16(b, afi);
	buf_put_u8(b, 0);	/* reserved; RFC 7313 subtype 0, a request */
	buf_put_u8(b, safi);
	msg_end(b, start);
}

int bgp_msg_decode_route_refresh(const uint8_t *msg, size_t len,
				 uint16_t *afi, uint8_t *safi,
				 struct bgp_error *e)
{
	if (len != BGP_ROUTE_REFRESH_LEN)
		return msg_bad_length(e, len, "ROUTE-REFRESH length is not 23");
	*afi = get16(msg + 19);
	*safi = msg[22];
	return 0;
}

/* --- UPDATE --- */

static int upd_reset(struct bgp_update *u, struct bgp_error *e, uint8_t code,
		     uint8_t subcode, const char *reason)
{
	msg_error(e, code, subcode, NULL, 0, reason);
	u->result.action = BGP_ACT_RESET;
	msg_error_copy(&u->result.err, e);
	return -EBADMSG;
}

/*
 * RFC 4271 §6.3 names Invalid Network Field for a syntactically wrong NLRI
 * field and RFC 7606 §3 i and §5.3 extend the check, and the reset, to
 * Withdrawn Routes.  We use 3/10 for both ways a prefix can be wrong
 * (longer than 32, or cut off by the field's end); BIRD sends 3/1 for the
 * latter, RFC 4271 has no subcode closer than 3/10 for either.
 */
static int upd_check_nlri(struct bgp_update *u, struct bgp_error *e,
			  const uint8_t *p, size_t len, bool withdrawn)
{
	int rc = bgp_nlri_check(p, len);

	if (rc == 0)
		return 0;
	return upd_reset(u, e, BGP_ERR_UPDATE, BGP_ERR_UPD_NETWORK,
			 rc == -EINVAL ?
			 (withdrawn ? "withdrawn prefix longer than 32" :
				      "NLRI prefix longer than 32") :
			 (withdrawn ? "withdrawn prefix truncated" :
				      "NLRI prefix truncated"));
}

int bgp_msg_decode_update(const uint8_t *msg, size_t len,
			  const struct bgp_decode_ctx *ctx,
			  struct bgp_update *u, uint8_t *scratch,
			  size_t scratch_len, struct bgp_error *e)
{
	const struct bgp_attrs *a = &u->attrs;
	size_t wlen, alen, nlen;
	const uint8_t *attrs;
	int rc;

	memset(u, 0, sizeof(*u));
	u->result.err.reason = "no error";
	if (len < BGP_UPDATE_MIN || len > BGP_MAX_MSG) {
		msg_bad_length(e, len, "UPDATE length out of range");
		u->result.action = BGP_ACT_RESET;
		msg_error_copy(&u->result.err, e);
		return -EBADMSG;
	}
	/* RFC 4271 §6.3: lengths that overrun the message are Malformed
	 * Attribute List, and RFC 7606 §3 b keeps that a reset. */
	wlen = get16(msg + 19);
	if (wlen > len - BGP_UPDATE_MIN)
		return upd_reset(u, e, BGP_ERR_UPDATE, BGP_ERR_UPD_ATTR_LIST,
				 "withdrawn routes length past the message");
	alen = get16(msg + 21 + wlen);
	if (alen > len - BGP_UPDATE_MIN - wlen)
		return upd_reset(u, e, BGP_ERR_UPDATE, BGP_ERR_UPD_ATTR_LIST,
				 "path attribute length past the message");
	attrs = msg + 23 + wlen;
	nlen = len - BGP_UPDATE_MIN - wlen - alen;
	u->withdrawn = msg + 21;
	u->withdrawn_len = (uint16_t)wlen;
	u->nlri = attrs + alen;
	u->nlri_len = (uint16_t)nlen;
	/* Both fields must parse before treat-as-withdraw can be trusted
	 * (RFC 7606 §3 j), so check them first. */
	if (upd_check_nlri(u, e, u->withdrawn, wlen, true) < 0 ||
	    upd_check_nlri(u, e, u->nlri, nlen, false) < 0)
		return -EBADMSG;
	if (wlen == 0 && alen == 0 && nlen == 0) {
		u->end_of_rib = true;
		return 0;
	}
	rc = bgp_attrs_decode(attrs, alen, ctx, nlen > 0, &u->attrs, scratch,
			      scratch_len, &u->result);
	if (rc < 0) {
		msg_error_copy(e, &u->result.err);
		return -EBADMSG;
	}
	u->mp_nlri = a->mp_reach;
	u->mp_nlri_len = a->mp_reach_len;
	u->mp_nexthop = a->mp_nexthop;
	u->mp_withdrawn = a->mp_unreach;
	u->mp_withdrawn_len = a->mp_unreach_len;
	/* RFC 4724 §2: the MP form of End-of-RIB is an UPDATE holding just
	 * an empty MP_UNREACH_NLRI for the family. */
	if (wlen == 0 && nlen == 0 && a->mp_unreach && !a->mp_unreach_len &&
	    !a->mp_reach && !a->present && !a->unknown_len &&
	    u->result.action == BGP_ACT_OK && u->result.discarded == 0)
		u->end_of_rib = true;
	return 0;
}

/* --- UPDATE writer --- */

static size_t upd_size(const struct bgp_update_writer *w)
{
	return w->b->len - w->start;
}

/* Octets one prefix takes in NLRI encoding, or 0 if it is not a prefix. */
static size_t upd_prefix_len(const struct prefix4 *p)
{
	return p->len > 32 ? 0 : 1 + ((size_t)p->len + 7) / 8;
}

static void upd_put_prefix(struct buf *b, const struct prefix4 *p)
{
	uint32_t a = p->addr & prefix4_mask(p->len);
	unsigned i;

	buf_put_u8(b, p->len);
	for (i = 0; i < ((unsigned)p->len + 7) / 8; i++)
		buf_put_u8(b, (uint8_t)(a >> (24 - 8 * i)));
}

/* Whether n more octets fit, in the message and in the buffer. */
static bool upd_fits(const struct bgp_update_writer *w, size_t n)
{
	return upd_size(w) + n <= BGP_MAX_MSG && buf_room(w->b) >= n;
}

void bgp_upd_begin(struct bgp_update_writer *w, struct buf *b)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
	w->start = msg_begin(b, BGP_MSG_UPDATE);
	w->wlen_off = buf_reserve(b, 2);
}

int bgp_upd_withdraw(struct bgp_update_writer *w, const struct prefix4 *p)
{
	size_t n = upd_prefix_len(p);

	if (w->b->err)
		return -ENOSPC;
	if (w->attrs_done || !n)
		return -EINVAL;
	/* Leave room for the Total Path Attribute Length still to come. */
	if (!upd_fits(w, n + 2))
		return -ENOSPC;
	upd_put_prefix(w->b, p);
	w->nwithdrawn++;
	return 0;
}

int bgp_upd_attrs(struct bgp_update_writer *w, const struct bgp_attrs *a,
		  bool as4)
{
	struct buf *b = w->b;
	size_t save = b->len;
	int err;

	if (b->err)
		return -ENOSPC;
	if (w->attrs_done)
		return -EINVAL;
	w->alen_off = buf_reserve(b, 2);
	bgp_attrs_encode(b, a, as4);
	/* The attributes must leave room for at least one /32: a message
	 * with attributes and no NLRI is what RFC 7606 §5.2 distrusts. */
	if (!b->err && upd_size(w) + 5 <= BGP_MAX_MSG && buf_room(b) >= 5) {
		buf_patch_u16(b, w->alen_off,
			      (uint16_t)(b->len - w->alen_off - 2));
		w->attrs_done = true;
		return 0;
	}
	/* Undo, so what was written before stays a valid message. */
	err = b->err;
	b->len = save;
	b->err = 0;
	if (err == -EINVAL)
		return -EINVAL;
	return w->nwithdrawn ? -ENOSPC : -EMSGSIZE;
}

int bgp_upd_nlri(struct bgp_update_writer *w, const struct prefix4 *p)
{
	size_t n = upd_prefix_len(p);

	if (w->b->err)
		return -ENOSPC;
	if (!w->attrs_done || !n)
		return -EINVAL;
	if (!upd_fits(w, n))
		return -ENOSPC;
	upd_put_prefix(w->b, p);
	w->nnlri++;
	return 0;
}

int bgp_upd_end(struct bgp_update_writer *w)
{
	struct buf *b = w->b;

	if (!w->attrs_done) {
		w->alen_off = b->len;
		buf_put_u16(b, 0);
	}
	if (b->err)
		return -ENOSPC;
	buf_patch_u16(b, w->wlen_off,
		      (uint16_t)(w->alen_off - w->wlen_off - 2));
	msg_end(b, w->start);
	if (b->err)
		return -ENOSPC;
	return (int)upd_size(w);
}

/* --- names for logs --- */

const char *bgp_msg_type_name(uint8_t type)
{
	switch (type) {
	case BGP_MSG_OPEN:
		return "OPEN";
	case BGP_MSG_UPDATE:
		return "UPDATE";
	case BGP_MSG_NOTIFICATION:
		return "NOTIFICATION";
	case BGP_MSG_KEEPALIVE:
		return "KEEPALIVE";
	case BGP_MSG_ROUTE_REFRESH:
		return "ROUTE-REFRESH";
	default:
		return "unknown";
	}
}

const char *bgp_err_code_name(uint8_t code)
{
	switch (code) {
	case BGP_ERR_HEADER:
		return "Message Header Error";
	case BGP_ERR_OPEN:
		return "OPEN Message Error";
	case BGP_ERR_UPDATE:
		return "UPDATE Message Error";
	case BGP_ERR_HOLD:
		return "Hold Timer Expired";
	case BGP_ERR_FSM:
		return "Finite State Machine Error";
	case BGP_ERR_CEASE:
		return "Cease";
	case BGP_ERR_ROUTE_REFRESH:
		return "ROUTE-REFRESH Message Error";
	case 8:
		return "Send Hold Timer Expired";	/* RFC 9687 */
	default:
		return "unknown error";
	}
}

static const char *const subcode_header[] = {
	[BGP_ERR_HDR_SYNC] = "Connection Not Synchronized",
	[BGP_ERR_HDR_LENGTH] = "Bad Message Length",
	[BGP_ERR_HDR_TYPE] = "Bad Message Type",
};

static const char *const subcode_open[] = {
	[BGP_ERR_OPEN_UNSPEC] = "Unspecific",
	[BGP_ERR_OPEN_VERSION] = "Unsupported Version Number",
	[BGP_ERR_OPEN_PEER_AS] = "Bad Peer AS",
	[BGP_ERR_OPEN_BGPID] = "Bad BGP Identifier",
	[BGP_ERR_OPEN_OPTPARAM] = "Unsupported Optional Parameter",
	[5] = "Authentication Failure",		/* deprecated */
	[BGP_ERR_OPEN_HOLDTIME] = "Unacceptable Hold Time",
	[BGP_ERR_OPEN_CAPABILITY] = "Unsupported Capability",
	[8] = "Role Mismatch",			/* RFC 9234 */
};

static const char *const subcode_update[] = {
	[BGP_ERR_UPD_ATTR_LIST] = "Malformed Attribute List",
	[BGP_ERR_UPD_UNKNOWN_WK] = "Unrecognized Well-known Attribute",
	[BGP_ERR_UPD_MISSING_WK] = "Missing Well-known Attribute",
	[BGP_ERR_UPD_FLAGS] = "Attribute Flags Error",
	[BGP_ERR_UPD_LENGTH] = "Attribute Length Error",
	[BGP_ERR_UPD_ORIGIN] = "Invalid ORIGIN Attribute",
	[7] = "AS Routing Loop",		/* deprecated */
	[BGP_ERR_UPD_NEXTHOP] = "Invalid NEXT_HOP Attribute",
	[BGP_ERR_UPD_OPTATTR] = "Optional Attribute Error",
	[BGP_ERR_UPD_NETWORK] = "Invalid Network Field",
	[BGP_ERR_UPD_ASPATH] = "Malformed AS_PATH",
};

static const char *const subcode_fsm[] = {	/* RFC 6608 */
	[BGP_ERR_FSM_UNSPEC] = "Unspecified Error",
	[BGP_ERR_FSM_OPENSENT] = "Receive Unexpected Message in OpenSent State",
	[BGP_ERR_FSM_OPENCONFIRM] =
		"Receive Unexpected Message in OpenConfirm State",
	[BGP_ERR_FSM_ESTABLISHED] =
		"Receive Unexpected Message in Established State",
};

static const char *const subcode_cease[] = {	/* RFC 4486, 8538, 9384 */
	[BGP_CEASE_MAX_PREFIX] = "Maximum Number of Prefixes Reached",
	[BGP_CEASE_ADMIN_SHUTDOWN] = "Administrative Shutdown",
	[BGP_CEASE_PEER_DECONFIGURED] = "Peer De-configured",
	[BGP_CEASE_ADMIN_RESET] = "Administrative Reset",
	[BGP_CEASE_CONN_REJECTED] = "Connection Rejected",
	[BGP_CEASE_CONFIG_CHANGE] = "Other Configuration Change",
	[BGP_CEASE_COLLISION] = "Connection Collision Resolution",
	[BGP_CEASE_OUT_OF_RESOURCES] = "Out of Resources",
	[9] = "Hard Reset",
	[10] = "BFD Down",
};

static const char *const subcode_rr[] = {	/* RFC 7313 */
	[1] = "Invalid Message Length",
};

#define SUBCODE(tab, sub) \
	((sub) < sizeof(tab) / sizeof((tab)[0]) ? (tab)[sub] : NULL)

const char *bgp_err_subcode_name(uint8_t code, uint8_t subcode)
{
	const char *s = NULL;

	switch (code) {
	case BGP_ERR_HEADER:
		s = SUBCODE(subcode_header, subcode);
		break;
	case BGP_ERR_OPEN:
		s = SUBCODE(subcode_open, subcode);
		break;
	case BGP_ERR_UPDATE:
		s = SUBCODE(subcode_update, subcode);
		break;
	case BGP_ERR_FSM:
		s = SUBCODE(subcode_fsm, subcode);
		break;
	case BGP_ERR_CEASE:
		s = SUBCODE(subcode_cease, subcode);
		break;
	case BGP_ERR_ROUTE_REFRESH:
		s = SUBCODE(subcode_rr, subcode);
		break;
	default:
		break;
	}
	if (s)
		return s;
	return subcode == 0 ? "Unspecific" : "unknown subcode";
}

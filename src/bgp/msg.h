/*
 * BGP-4 message codec (RFC 4271 §4, RFC 5492, RFC 6793, RFC 2918,
 * RFC 9003, RFC 7606).
 *
 * Pure: bytes in, structs out, a NOTIFICATION (struct bgp_error) on error.
 * No sockets, no clock, no allocation, no logging.  Decoders never read
 * outside (msg, len); encoders write whole messages, header included, into
 * a struct buf and leave its sticky error set when the message did not fit.
 * Encoders and decoders come in pairs: decode(encode(x)) == x.
 */
#ifndef ANYCASTLAB_BGP_MSG_H
#define ANYCASTLAB_BGP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp/attr.h"
#include "bgp/bgp.h"
#include "bgp/nlri.h"
#include "util/buf.h"
#include "util/ip.h"

/*
 * Framing.  Looks at the start of a receive buffer holding len bytes.
 * Returns 0 when fewer than 19 bytes are there, the total length of the
 * first message (19..4096) once its header is complete and valid (marker,
 * length bounds, known type, the type's minimum length), or -EBADMSG with
 * *e set (1/1, 1/2 or 1/3 with the data RFC 4271 §6.1 asks for).  The
 * caller waits until that many bytes are buffered, then decodes by type.
 */
int bgp_msg_frame(const uint8_t *p, size_t len, struct bgp_error *e);

/* Type of a framed message (byte 18). */
static inline uint8_t bgp_msg_type(const uint8_t *msg)
{
	return msg[18];
}

struct bgp_open {
	uint8_t version;
	uint16_t my_as;		/* the 2-octet field: AS_TRANS if as4 > 65535 */
	uint16_t hold_time;
	uint32_t bgp_id;	/* host order */
	uint32_t as4;		/* the speaker's AS: from the AS4 capability,
				 * else my_as */
	bool cap_as4;		/* RFC 6793 */
	bool cap_mp_ipv4;	/* RFC 4760, AFI 1 SAFI 1 */
	bool cap_route_refresh;	/* RFC 2918 */
	bool cap_enhanced_rr;	/* RFC 7313 (accepted, never advertised) */
	bool cap_graceful_restart;	/* RFC 4724 (accepted, never advertised) */
	bool cap_add_path;	/* RFC 7911 (accepted, never advertised) */
	uint8_t unknown_caps;	/* capabilities ignored (RFC 5492 §5) */
};

/*
 * Encode an OPEN advertising what o says: MP IPv4 unicast, 4-octet AS
 * (with o->as4), route refresh.  my_as is derived from as4, and the
 * version is always 4.  Other capabilities are never advertised.
 */
void bgp_msg_encode_open(struct buf *b, const struct bgp_open *o);
/*
 * Decode and syntax-check an OPEN: optional parameter and capability
 * lengths, AS4 capability length 4; the RFC 9072 extended form is read
 * too.  A length that does not add up or a malformed capability we use
 * is OPEN/Unspecific (2/0), a parameter other than Capabilities is 2/4
 * (the reasoning is in msg.c).  Semantic checks against our
 * configuration (version, peer AS, hold time, BGP id) are the FSM's
 * (bgp_fsm_check_open).  0 or -EBADMSG with *e set.
 */
int bgp_msg_decode_open(const uint8_t *msg, size_t len, struct bgp_open *o,
			struct bgp_error *e);

void bgp_msg_encode_keepalive(struct buf *b);
int bgp_msg_decode_keepalive(const uint8_t *msg, size_t len,
			     struct bgp_error *e);

struct bgp_notification {
	uint8_t code;
	uint8_t subcode;
	const uint8_t *data;	/* into the message */
	uint16_t len;
	/* RFC 9003 Shutdown Communication (Cease 2 and 4), NUL-terminated,
	 * empty when absent or when its length byte overruns the message. */
	char text[256];
	/* A Shutdown Communication was there but unusable (length past the
	 * message, or not UTF-8): RFC 9003 §4 asks for a log line. */
	bool text_malformed;
};

void bgp_msg_encode_notification(struct buf *b, const struct bgp_error *n);
/* Encode Cease/subcode with an RFC 9003 Shutdown Communication. */
void bgp_msg_encode_shutdown(struct buf *b, uint8_t subcode, const char *text);
int bgp_msg_decode_notification(const uint8_t *msg, size_t len,
				struct bgp_notification *n,
				struct bgp_error *e);
/*
 * What a received NOTIFICATION says, as text for a log line or status:
 * "6/2 (Cease, Administrative Shutdown): \"text\"".  The text is the
 * peer's, so control characters are written as '?'.  A Shutdown
 * Communication that is there but unusable (text_malformed) is said to
 * be malformed, with its octets in hex, as RFC 9003 §4 asks, instead of
 * vanishing.  Errors latch in b.
 */
void bgp_msg_notification_format(struct buf *b,
				 const struct bgp_notification *n);

/* ROUTE-REFRESH (RFC 2918): AFI/SAFI. */
void bgp_msg_encode_route_refresh(struct buf *b, uint16_t afi, uint8_t safi);
int bgp_msg_decode_route_refresh(const uint8_t *msg, size_t len,
				 uint16_t *afi, uint8_t *safi,
				 struct bgp_error *e);

struct bgp_update {
	const uint8_t *withdrawn;	/* validated NLRI encoding */
	uint16_t withdrawn_len;
	const uint8_t *nlri;		/* validated NLRI encoding */
	uint16_t nlri_len;
	struct bgp_attrs attrs;
	/* OK (possibly after attribute discards) or WITHDRAW, meaning every
	 * prefix in nlri must be handled as withdrawn (RFC 7606 §2). */
	struct bgp_attr_result result;
	bool end_of_rib;		/* an empty UPDATE, or one holding only
					 * an empty IPv4 MP_UNREACH_NLRI
					 * (RFC 4724 §2) */
	/*
	 * IPv4 unicast carried in MP_REACH_NLRI / MP_UNREACH_NLRI (RFC 4760):
	 * validated NLRI encodings like nlri and withdrawn, NULL when the
	 * attribute is absent.  Reachable ones use mp_nexthop (host order),
	 * not the NEXT_HOP attribute.  A result of WITHDRAW covers them too.
	 */
	const uint8_t *mp_nlri;
	uint16_t mp_nlri_len;
	uint32_t mp_nexthop;
	const uint8_t *mp_withdrawn;
	uint16_t mp_withdrawn_len;
};

/*
 * Decode an UPDATE.  scratch (at least BGP_UPDATE_SCRATCH bytes) holds the
 * widened AS_PATH and re-encoded unknown attributes that u->attrs points
 * to.  Returns 0 when the session survives (u->result.action is OK,
 * DISCARD or WITHDRAW), or -EBADMSG with *e set when it must be reset.
 *
 * The worst case for scratch, from a 2-octet peer, is the widened AS_PATH
 * (twice its wire size), the AS_PATH rebuilt from it and AS4_PATH (RFC 6793
 * §4.2.3, as large again) and the unknown attributes: five messages' worth.
 * A smaller scratch that turns out too small resets with Cease/Out of
 * Resources rather than overflowing.
 */
#define BGP_UPDATE_SCRATCH	(5 * BGP_MAX_MSG)
int bgp_msg_decode_update(const uint8_t *msg, size_t len,
			  const struct bgp_decode_ctx *ctx,
			  struct bgp_update *u, uint8_t *scratch,
			  size_t scratch_len, struct bgp_error *e);

/*
 * UPDATE writer for export: withdrawals first, then attributes once, then
 * as many NLRI as fit.  Each add returns 0, or -ENOSPC when that prefix
 * would push the message past 4096 octets (the message so far stays
 * valid: finish it and start another).  bgp_upd_end patches the lengths
 * and returns the message length, or -ENOSPC if the buf overflowed.
 *
 * The buf's capacity counts too: an add that would not fit in it is
 * -ENOSPC as well, and leaves the buf without an error.  bgp_upd_attrs
 * also needs room for one /32 after the attributes; when the attributes
 * could not fit even in an UPDATE without withdrawals it returns
 * -EMSGSIZE (starting another message will not help), and -EINVAL for a
 * malformed a->unknown.  Calls out of order (a withdrawal after the
 * attributes, NLRI before them) and prefix lengths over 32 are -EINVAL.
 */
struct bgp_update_writer {
	struct buf *b;
	size_t start;		/* offset of the marker */
	size_t wlen_off;	/* withdrawn routes length field */
	size_t alen_off;	/* total path attribute length field */
	unsigned nwithdrawn;
	unsigned nnlri;
	bool attrs_done;
};

void bgp_upd_begin(struct bgp_update_writer *w, struct buf *b);
int bgp_upd_withdraw(struct bgp_update_writer *w, const struct prefix4 *p);
/* Encode attrs for a peer with (as4) or without 4-octet AS support; a
 * 2-octet peer gets AS_TRANS and AS4_PATH / AS4_AGGREGATOR (RFC 6793 §4.2.2). */
int bgp_upd_attrs(struct bgp_update_writer *w, const struct bgp_attrs *a,
		  bool as4);
int bgp_upd_nlri(struct bgp_update_writer *w, const struct prefix4 *p);
int bgp_upd_end(struct bgp_update_writer *w);

/* Human names for logs: "OPEN", "Cease", "Administrative Shutdown". */
const char *bgp_msg_type_name(uint8_t type);
const char *bgp_err_code_name(uint8_t code);
const char *bgp_err_subcode_name(uint8_t code, uint8_t subcode);

#endif

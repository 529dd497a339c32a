/*
 * Query building and reply decoding (see client.h): RFC 1035 §4.1 layout,
 * §3.3 RDATA in the §5.1 presentation forms, RFC 3596 AAAA, RFC 6891 OPT
 * with the extended rcode, RFC 5001 NSID, RFC 3597 §5 for the rest.
 */
#include "dns/client.h"

#include "dns/wire.h"
#include "util/buf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

int dns_query_build(uint8_t *out, size_t cap, const char *name,
		    const struct dns_query_opts *o)
{
	uint8_t w[DNS_NAME_MAX];
	struct dns_header h = { 0 };
	bool edns = o->edns || o->nsid;
	struct buf b;
	size_t n;

	if (!name || dns_name_from_text(name, w, &n) < 0)
		return -EINVAL;
	h.id = o->id;
	h.flags = o->rd ? DNS_F_RD : 0;
	h.qd = 1;
	h.ar = edns ? 1 : 0;
	buf_init(&b, out, cap);
	dns_header_write(&b, &h);
	buf_put(&b, w, n);
	buf_put_u16(&b, o->qtype ? o->qtype : DNS_T_A);
	buf_put_u16(&b, o->qclass ? o->qclass : DNS_C_IN);
	if (edns) {
		buf_put_u8(&b, 0);
		buf_put_u16(&b, DNS_T_OPT);
		buf_put_u16(&b, o->bufsize ? o->bufsize : 1232);
		buf_put_u32(&b, 0);
		buf_put_u16(&b, o->nsid ? 4 : 0);
		if (o->nsid) {
			buf_put_u16(&b, DNS_OPT_NSID);
			buf_put_u16(&b, 0);
		}
	}
	if (b.err)
		return b.err;
	return (int)b.len;
}

/* --- decoding ----------------------------------------------------------------- */

/* Printable ASCII as is, the rest as \DDD; quote and backslash escaped. */
static void put_escaped(struct buf *b, const uint8_t *p, size_t n, bool quoted)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] < 0x20 || p[i] >= 0x7f)
			buf_printf(b, "\\%03u", p[i]);
		else if (p[i] == '\\' || (quoted && p[i] == '"'))
			buf_printf(b, "\\%c", p[i]);
		else
			buf_put_u8(b, p[i]);
	}
}

/* A name in the message (compressed or not) at r, as text into b. */
static int put_name(struct buf *b, struct rbuf *r)
{
	uint8_t w[DNS_NAME_MAX];
	char t[DNS_NAME_MAX * 4 + 2];
	size_t n;

	if (dns_name_read(r, w, &n) < 0)
		return -EBADMSG;
	if (dns_name_to_text(w, n, t, sizeof(t)) < 0)
		return -EBADMSG;
	buf_puts(b, t);
	return 0;
}

/*
 * RDATA of rdlen octets at r's offset (names may point anywhere earlier
 * in the message) into b; r ends just past it.  -EBADMSG when the data
 * does not have its type's shape or length.
 */
static int rdata_text(struct buf *b, struct rbuf *r, uint16_t type,
		      uint16_t rdlen)
{
	size_t end = r->off + rdlen, i;
	char a[INET6_ADDRSTRLEN];
	struct rbuf sub = *r;
	const uint8_t *p;

	if (rdlen > rbuf_left(r))
		return -EBADMSG;
	/* Names inside may not run past the RDATA. */
	sub.len = end;
	switch (type) {
	case DNS_T_A:
	case DNS_T_AAAA:
		if (rdlen != (type == DNS_T_A ? 4 : 16))
			return -EBADMSG;
		inet_ntop(type == DNS_T_A ? AF_INET : AF_INET6, r->p + r->off,
			  a, sizeof(a));
		buf_puts(b, a);
		sub.off = end;
		break;
	case DNS_T_NS:
	case DNS_T_CNAME:
		if (put_name(b, &sub) < 0)
			return -EBADMSG;
		break;
	case DNS_T_MX:
		buf_printf(b, "%u ", rbuf_u16(&sub));
		if (sub.err || put_name(b, &sub) < 0)
			return -EBADMSG;
		break;
	case DNS_T_SOA:
		if (put_name(b, &sub) < 0)
			return -EBADMSG;
		buf_put_u8(b, ' ');
		if (put_name(b, &sub) < 0)
			return -EBADMSG;
		for (i = 0; i < 5; i++)
			buf_printf(b, " %u", rbuf_u32(&sub));
		if (sub.err)
			return -EBADMSG;
		break;
	case DNS_T_TXT:
		if (!rdlen)
			return -EBADMSG;
		while (sub.off < end) {
			uint8_t l = rbuf_u8(&sub);

			p = rbuf_take(&sub, l);
			if (!p)
				return -EBADMSG;
			if (b->len)
				buf_put_u8(b, ' ');
			buf_put_u8(b, '"');
			put_escaped(b, p, l, true);
			buf_put_u8(b, '"');
		}
		break;
	default:
		p = rbuf_take(&sub, rdlen);
		buf_printf(b, "\\# %u", rdlen);
		if (rdlen)
			buf_put_u8(b, ' ');
		for (i = 0; i < rdlen; i++)
			buf_printf(b, "%02x", p[i]);
		break;
	}
	if (sub.off != end)
		return -EBADMSG;
	r->off = end;
	return 0;
}

static int opt_parse(struct dns_reply *rep, uint32_t ttl, struct rbuf *r,
		     uint16_t rdlen)
{
	const uint8_t *d = rbuf_take(r, rdlen);
	struct rbuf o;

	if (!d)
		return -EBADMSG;
	rep->edns = true;
	rep->rcode |= (ttl >> 24) << 4;
	rbuf_init(&o, d, rdlen);
	while (rbuf_left(&o)) {
		uint16_t code = rbuf_u16(&o), len = rbuf_u16(&o);
		const uint8_t *v = rbuf_take(&o, len);
		struct buf t;

		if (!v || o.err)
			return -EBADMSG;
		if (code != DNS_OPT_NSID)
			continue;
		buf_init(&t, rep->nsid, sizeof(rep->nsid));
		put_escaped(&t, v, len, false);
		buf_cstr(&t);
	}
	return 0;
}

int dns_reply_parse(const uint8_t *m, size_t len,
		    const struct dns_query_opts *o, const char *name,
		    struct dns_reply *rep)
{
	uint8_t want[DNS_NAME_MAX], got[DNS_NAME_MAX];
	size_t wlen, glen;
	struct dns_header h;
	struct rbuf r;
	unsigned i, total, opts = 0;

	memset(rep, 0, sizeof(*rep));
	if (!name || dns_name_from_text(name, want, &wlen) < 0)
		return -EINVAL;
	rbuf_init(&r, m, len);
	if (dns_header_read(&r, &h) < 0 || !(h.flags & DNS_F_QR))
		return -EBADMSG;
	rep->id = h.id;
	rep->flags = h.flags;
	rep->rcode = DNS_F_RCODE(h.flags);
	rep->tc = h.flags & DNS_F_TC;
	rep->aa = h.flags & DNS_F_AA;
	if (h.qd > 1 || (h.qd == 0 && rep->rcode == DNS_R_NOERROR))
		return -EBADMSG;
	if (h.qd == 1) {
		uint16_t qt, qc;

		if (dns_name_read(&r, got, &glen) < 0)
			return -EBADMSG;
		qt = rbuf_u16(&r);
		qc = rbuf_u16(&r);
		if (r.err)
			return -EBADMSG;
		if (!dns_name_equal(got, glen, want, wlen) ||
		    qt != (o->qtype ? o->qtype : DNS_T_A) ||
		    qc != (o->qclass ? o->qclass : DNS_C_IN))
			return -ESRCH;
	}
	if (h.id != o->id)
		return -ESRCH;
	total = (unsigned)h.an + h.ns + h.ar;
	for (i = 0; i < total; i++) {
		struct dns_rr_text rt;
		struct buf db;
		uint16_t rdlen;
		size_t nlen;

		if (dns_name_read(&r, got, &nlen) < 0)
			return -EBADMSG;
		rt.type = rbuf_u16(&r);
		rt.qclass = rbuf_u16(&r);
		rt.ttl = rbuf_u32(&r);
		rdlen = rbuf_u16(&r);
		if (r.err || rdlen > rbuf_left(&r))
			return -EBADMSG;
		if (rt.type == DNS_T_OPT) {
			if (i < (unsigned)h.an + h.ns || nlen != 1 || ++opts > 1 ||
			    opt_parse(rep, rt.ttl, &r, rdlen) < 0)
				return -EBADMSG;
			continue;
		}
		/* -ENOSPC leaves the name cut, still terminated. */
		dns_name_to_text(got, nlen, rt.name, sizeof(rt.name));
		buf_init(&db, rt.data, sizeof(rt.data));
		if (rdata_text(&db, &r, rt.type, rdlen) < 0)
			return -EBADMSG;
		buf_cstr(&db);
		if (i < h.an) {
			if (rep->n_an < DNS_REPLY_MAX_RR)
				rep->an[rep->n_an++] = rt;
		} else if (i < (unsigned)h.an + h.ns) {
			if (rep->n_ns < DNS_REPLY_MAX_RR)
				rep->ns[rep->n_ns++] = rt;
		} else {
			rep->n_ar++;
		}
	}
	if (rbuf_left(&r))
		return -EBADMSG;
	return 0;
}

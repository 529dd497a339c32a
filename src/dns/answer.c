/*
 * The answer engine (see answer.h for the RFCs and the amplification
 * bound).  A query is parsed whole first (header, question, every record
 * of the other sections, exactly to the last octet), then answered into a
 * writer whose capacity is the transport's limit less the OPT we owe, so
 * that the OPT always fits and only the sections can overflow: then the
 * response is cut back to the question and TC is set.  The additional
 * section is optional data (RFC 2181 §9): when it alone does not fit it
 * is left out without TC.
 */
#include "dns/answer.h"

#include "dns/wire.h"
#include "dns/zone.h"
#include "util/buf.h"

#include <string.h>

#define CNAME_CHAIN_MAX	8
#define NSID_MAX	128	/* octets of our name sent as NSID */
#define OPT_FIXED	11	/* root, type, class, ttl, rdlength */

struct query {
	struct dns_header h;
	bool has_q;		/* the question was read */
	uint8_t qname[DNS_NAME_MAX];	/* case as sent (RFC 4343, 0x20) */
	size_t qnlen;
	uint16_t qtype, qclass;
	bool edns;		/* exactly one well-formed OPT */
	uint16_t udp_size;
	uint8_t version;
	bool do_bit;
	bool want_nsid;
};

struct writer {
	struct buf b;
	struct dns_compress c;
	uint16_t an, ns, ar;
	bool aa;
	unsigned rcode;
};

/* --- the query ------------------------------------------------------------- */

static int opt_read(struct query *q, uint16_t cls, uint32_t ttl,
		    const uint8_t *rd, uint16_t rdlen)
{
	struct rbuf r;

	q->udp_size = cls;
	q->version = (uint8_t)(ttl >> 16);
	q->do_bit = ttl & 0x8000;
	rbuf_init(&r, rd, rdlen);
	while (rbuf_left(&r)) {
		uint16_t code = rbuf_u16(&r), len = rbuf_u16(&r);

		if (!rbuf_take(&r, len) || r.err)
			return -1;
		if (code == DNS_OPT_NSID)
			q->want_nsid = true;
		/* Other options: ignored (RFC 6891 §6.1.2). */
	}
	return 0;
}

/* DNS_R_NOERROR when q is a well-formed QUERY, else the rcode owed. */
static unsigned query_parse(const uint8_t *m, size_t len, struct query *q)
{
	struct rbuf r;
	unsigned i, total, opts = 0;

	memset(q, 0, sizeof(*q));
	rbuf_init(&r, m, len);
	dns_header_read(&r, &q->h);
	if (q->h.qd == 1 &&
	    dns_name_read(&r, q->qname, &q->qnlen) == 0 &&
	    rbuf_left(&r) >= 4) {
		q->qtype = rbuf_u16(&r);
		q->qclass = rbuf_u16(&r);
		q->has_q = true;
	}
	/* Other opcodes carry other sections; none is ours to read. */
	if (DNS_F_OPCODE(q->h.flags) != DNS_OP_QUERY)
		return DNS_R_NOTIMP;
	if (!q->has_q)
		return DNS_R_FORMERR;
	total = (unsigned)q->h.an + q->h.ns + q->h.ar;
	for (i = 0; i < total; i++) {
		size_t nlen;
		uint16_t type, cls, rdlen;
		uint32_t ttl;
		const uint8_t *rd;

		if (dns_name_read(&r, NULL, &nlen) < 0)
			return DNS_R_FORMERR;
		type = rbuf_u16(&r);
		cls = rbuf_u16(&r);
		ttl = rbuf_u32(&r);
		rdlen = rbuf_u16(&r);
		rd = rbuf_take(&r, rdlen);
		if (r.err || !rd)
			return DNS_R_FORMERR;
		if (type != DNS_T_OPT)
			continue;
		/* RFC 6891 §6.1.1: one OPT, in additional, owned by root. */
		if (i < (unsigned)q->h.an + q->h.ns || nlen != 1 || ++opts > 1 ||
		    opt_read(q, cls, ttl, rd, rdlen) < 0)
			return DNS_R_FORMERR;
	}
	if (rbuf_left(&r))
		return DNS_R_FORMERR;	/* more than the counts declare */
	q->edns = opts == 1;
	return DNS_R_NOERROR;
}

/* --- writing records --------------------------------------------------------- */

/* RDATA with its names compressed (RFC 3597 §4: only the RFC 1035 types). */
static void put_rdata(struct writer *w, uint16_t type, const uint8_t *rd,
		      uint16_t rdlen)
{
	size_t at = buf_reserve(&w->b, 2), start = w->b.len;
	unsigned cn = w->c.n;
	uint8_t name[DNS_NAME_MAX];
	struct rbuf r;
	size_t n;

	rbuf_init(&r, rd, rdlen);
	switch (type) {
	case DNS_T_NS:
	case DNS_T_CNAME:
	case DNS_T_MX:
	case DNS_T_SOA:
		if (type == DNS_T_MX)
			buf_put_u16(&w->b, rbuf_u16(&r));
		if (dns_name_read(&r, name, &n) < 0)
			goto raw;
		dns_name_write(&w->b, &w->c, name, n);
		if (type == DNS_T_SOA) {
			if (dns_name_read(&r, name, &n) < 0)
				goto raw;
			dns_name_write(&w->b, &w->c, name, n);
		}
		buf_put(&w->b, r.p + r.off, rbuf_left(&r));
		break;
	default:
	raw:
		/* Zone data is checked when added, so this is every other type. */
		if (!w->b.err)
			w->b.len = start;
		w->c.n = cn;
		buf_put(&w->b, rd, rdlen);
		break;
	}
	buf_patch_u16(&w->b, at, (uint16_t)(w->b.len - start));
}

static void put_rr(struct writer *w, const uint8_t *owner, size_t olen,
		   uint16_t type, uint16_t cls, uint32_t ttl,
		   const uint8_t *rd, uint16_t rdlen)
{
	dns_name_write(&w->b, &w->c, owner, olen);
	buf_put_u16(&w->b, type);
	buf_put_u16(&w->b, cls);
	buf_put_u32(&w->b, ttl);
	put_rdata(w, type, rd, rdlen);
}

static void put_zone_rr(struct writer *w, const uint8_t *owner, size_t olen,
			const struct dns_rr *rr)
{
	put_rr(w, owner, olen, rr->type, DNS_C_IN, rr->ttl, rr->rdata,
	       rr->rdlen);
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* RFC 2308 §3: the SOA in authority, its ttl capped by its minimum. */
static void put_negative_soa(struct writer *w, const struct dns_zone *z)
{
	const struct dns_rr *soa = dns_zone_soa(z);
	uint32_t ttl, min;

	if (!soa || soa->rdlen < 20)
		return;
	ttl = soa->ttl;
	min = get_u32(soa->rdata + soa->rdlen - 4);
	put_rr(w, soa->name, soa->nlen, DNS_T_SOA, DNS_C_IN,
	       ttl < min ? ttl : min, soa->rdata, soa->rdlen);
	w->ns++;
}

/* The target name in a record's RDATA (NS, CNAME, MX); 0 if none. */
static size_t rdata_target(const struct dns_rr *rr, uint8_t out[DNS_NAME_MAX])
{
	struct rbuf r;
	size_t n;

	rbuf_init(&r, rr->rdata, rr->rdlen);
	if (rr->type == DNS_T_MX)
		rbuf_u16(&r);
	if (dns_name_read(&r, out, &n) < 0)
		return 0;
	return n;
}

/* Addresses of the in-zone targets of NS and MX answers (RFC 1035 §3.3.9, §3.3.11). */
static void put_additional(struct writer *w, const struct dns_zone *z,
			   const struct dns_rr *set, size_t n)
{
	uint8_t t[DNS_NAME_MAX];
	const struct dns_rr *rr;
	size_t i, j, tlen, k;

	for (i = 0; i < n; i++) {
		if (set[i].type != DNS_T_NS && set[i].type != DNS_T_MX)
			continue;
		tlen = rdata_target(&set[i], t);
		if (!tlen)
			continue;
		k = dns_zone_find(z, t, tlen, &rr);
		for (j = 0; j < k; j++) {
			if (rr[j].type != DNS_T_A && rr[j].type != DNS_T_AAAA)
				continue;
			put_zone_rr(w, rr[j].name, rr[j].nlen, &rr[j]);
			w->ar++;
		}
	}
}

/* --- answering ----------------------------------------------------------------- */

/*
 * Class IN: the answer and authority sections, and the additional records
 * for them in *addl / *naddl.  RFC 1034 §4.3.2 without referrals or
 * wildcards: follow CNAMEs inside the zone, NODATA when the name exists
 * (empty non-terminals too), NXDOMAIN when it does not.
 */
static void answer_in(struct writer *w, const struct dns_zone *z,
		      const struct query *q, const struct dns_rr **addl,
		      size_t *naddl)
{
	uint8_t target[DNS_NAME_MAX];
	const uint8_t *name = q->qname;
	size_t nlen = q->qnlen, zlen;
	const uint8_t *zname = dns_zone_origin(z, &zlen);
	unsigned chain;

	w->aa = true;
	for (chain = 0; ; chain++) {
		const struct dns_rr *rr, *cname = NULL;
		size_t n = dns_zone_find(z, name, nlen, &rr), i, first = n, k = 0;

		if (!n) {
			if (!dns_zone_has_below(z, name, nlen))
				w->rcode = DNS_R_NXDOMAIN;
			put_negative_soa(w, z);
			return;
		}
		for (i = 0; i < n; i++)
			if (rr[i].type == DNS_T_CNAME)
				cname = &rr[i];
		if (cname && q->qtype != DNS_T_CNAME && q->qtype != DNS_T_ANY) {
			put_zone_rr(w, name, nlen, cname);
			w->an++;
			nlen = rdata_target(cname, target);
			name = target;
			if (!nlen || chain + 1 >= CNAME_CHAIN_MAX ||
			    !dns_name_under(name, nlen, zname, zlen))
				return;
			continue;
		}
		/* RFC 8482 §4.2: ANY gets one RRset, the first by type. */
		for (i = 0; i < n; i++) {
			if (q->qtype == DNS_T_ANY ? rr[i].type == rr[0].type
						  : rr[i].type == q->qtype) {
				if (first == n)
					first = i;
				k++;
			}
		}
		if (!k) {
			put_negative_soa(w, z);
			return;
		}
		for (i = first; i < first + k; i++) {
			put_zone_rr(w, name, nlen, &rr[i]);
			w->an++;
		}
		*addl = rr + first;
		*naddl = k;
		return;
	}
}

static bool name_is(const struct query *q, const char *text)
{
	uint8_t w[DNS_NAME_MAX];
	size_t n;

	return dns_name_from_text(text, w, &n) == 0 &&
	       dns_name_equal(q->qname, q->qnlen, w, n);
}

/* Class CH: who we are (RFC 4892 §2), nothing else. */
static void answer_ch(struct writer *w, const struct dns_ident *id,
		      const struct query *q)
{
	uint8_t rd[256];
	struct buf t;
	bool idsrv = name_is(q, "id.server."), host = name_is(q, "hostname.bind.");

	if ((!idsrv && !host) || !id || !id->pop) {
		w->rcode = DNS_R_REFUSED;	/* version.bind among them */
		return;
	}
	w->aa = true;
	if (q->qtype != DNS_T_TXT && q->qtype != DNS_T_ANY)
		return;				/* NODATA */
	buf_init(&t, rd + 1, sizeof(rd) - 1);
	if (idsrv && id->city)
		buf_printf(&t, "%s (%s)", id->pop, id->city);
	else
		buf_puts(&t, id->pop);
	if (t.err) {
		/* Cut to one character-string's worth. */
		t.err = 0;
		t.len = sizeof(rd) - 1;
	}
	rd[0] = (uint8_t)t.len;
	put_rr(w, q->qname, q->qnlen, DNS_T_TXT, DNS_C_CH, 0, rd,
	       (uint16_t)(t.len + 1));
	w->an++;
}

static void rewind_to(struct writer *w, size_t len, unsigned cn)
{
	w->b.err = 0;
	w->b.len = len;
	w->c.n = cn;
}

enum dns_verdict dns_answer(const struct dns_zone *z,
			    const struct dns_ident *id, const uint8_t *m,
			    size_t mlen, bool tcp, uint8_t *out, size_t cap,
			    struct dns_result *res)
{
	const struct dns_rr *addl = NULL;
	size_t naddl = 0, limit, optlen = 0, nsidlen = 0, qend, aend;
	struct dns_header h;
	struct query q;
	struct writer w;
	unsigned rcode, qcn, acn;
	bool tc = false, nsid = false;

	memset(res, 0, sizeof(*res));
	if (mlen < DNS_HEADER_LEN || (m[2] & 0x80))
		return DNS_DROP;		/* short, or a response */
	rcode = query_parse(m, mlen, &q);
	if (rcode != DNS_R_NOERROR)
		q.edns = false;			/* we echo no OPT then */
	else if (q.edns && q.version > 0)
		rcode = DNS_R_BADVERS;

	if (tcp)
		limit = DNS_TCP_MAX;
	else if (!q.edns)
		limit = DNS_UDP_PLAIN;
	else
		limit = q.udp_size < DNS_UDP_PLAIN ? DNS_UDP_PLAIN :
			q.udp_size > DNS_EDNS_PAYLOAD ? DNS_EDNS_PAYLOAD :
			q.udp_size;
	if (limit > cap)
		limit = cap;
	if (q.edns) {
		nsid = q.want_nsid && id && id->pop && *id->pop;
		if (nsid) {
			nsidlen = strlen(id->pop);
			if (nsidlen > NSID_MAX)
				nsidlen = NSID_MAX;
		}
		optlen = OPT_FIXED + (nsid ? 4 + nsidlen : 0);
	}
	/* Header, the longest question and the OPT fit in 512 always. */
	if (limit < DNS_HEADER_LEN + (q.has_q ? q.qnlen + 4 : 0) + optlen)
		return DNS_DROP;

	memset(&w, 0, sizeof(w));
	buf_init(&w.b, out, limit - optlen);
	dns_compress_init(&w.c, out);
	buf_reserve(&w.b, DNS_HEADER_LEN);
	if (q.has_q) {
		dns_name_write(&w.b, &w.c, q.qname, q.qnlen);
		buf_put_u16(&w.b, q.qtype);
		buf_put_u16(&w.b, q.qclass);
	}
	qend = w.b.len;
	qcn = w.c.n;
	w.rcode = rcode;

	if (rcode == DNS_R_NOERROR) {
		if (q.qclass == DNS_C_CH) {
			answer_ch(&w, id, &q);
		} else if (q.qclass != DNS_C_IN && q.qclass != DNS_C_ANY) {
			w.rcode = DNS_R_REFUSED;
		} else if (q.qtype == DNS_T_AXFR || q.qtype == DNS_T_IXFR) {
			w.rcode = tcp ? DNS_R_REFUSED : DNS_R_NOTIMP;
		} else {
			size_t zlen;
			const uint8_t *zn = dns_zone_origin(z, &zlen);

			if (!dns_name_under(q.qname, q.qnlen, zn, zlen))
				w.rcode = DNS_R_REFUSED;
			else
				answer_in(&w, z, &q, &addl, &naddl);
		}
	}
	if (w.b.err) {
		/* RFC 2181 §9: the sections did not fit; say so. */
		rewind_to(&w, qend, qcn);
		w.an = w.ns = 0;
		addl = NULL;
		tc = true;
	}
	aend = w.b.len;
	acn = w.c.n;
	if (addl) {
		put_additional(&w, z, addl, naddl);
		if (w.b.err) {
			rewind_to(&w, aend, acn);
			w.ar = 0;
		}
	}

	if (q.edns) {
		unsigned ext = w.rcode >> 4;

		w.b.cap = limit;
		buf_put_u8(&w.b, 0);
		buf_put_u16(&w.b, DNS_T_OPT);
		buf_put_u16(&w.b, DNS_EDNS_PAYLOAD);
		buf_put_u32(&w.b, (uint32_t)ext << 24 | (q.do_bit ? 0x8000 : 0));
		buf_put_u16(&w.b, (uint16_t)(nsid ? 4 + nsidlen : 0));
		if (nsid) {
			buf_put_u16(&w.b, DNS_OPT_NSID);
			buf_put_u16(&w.b, (uint16_t)nsidlen);
			buf_put(&w.b, id->pop, nsidlen);
		}
		w.ar++;
	}
	if (w.b.err)
		return DNS_DROP;		/* cannot happen: sized above */

	h.id = q.h.id;
	h.flags = DNS_F_QR | DNS_F_MKOPCODE(DNS_F_OPCODE(q.h.flags)) |
		  (q.h.flags & DNS_F_RD) | (w.aa ? DNS_F_AA : 0) |
		  (tc ? DNS_F_TC : 0) | (uint16_t)(w.rcode & 0xf);
	h.qd = q.has_q ? 1 : 0;
	h.an = w.an;
	h.ns = w.ns;
	h.ar = w.ar;
	{
		struct buf hb;

		buf_init(&hb, out, DNS_HEADER_LEN);
		dns_header_write(&hb, &h);
	}
	res->len = w.b.len;
	res->rcode = w.rcode;
	res->tc = tc;
	res->nsid = nsid;
	res->qtype = q.has_q ? q.qtype : 0;
	return DNS_REPLY;
}

size_t dns_answer_truncate(uint8_t *msg, size_t len)
{
	struct dns_header h;
	struct rbuf r;
	size_t qend, optoff = 0, optlen = 0;
	unsigned i;
	struct buf b;

	rbuf_init(&r, msg, len);
	if (dns_header_read(&r, &h) < 0 || !(h.flags & DNS_F_QR) || h.qd > 1)
		return 0;
	if (h.qd == 1) {
		if (dns_name_read(&r, NULL, NULL) < 0 || !rbuf_take(&r, 4))
			return 0;
	}
	qend = r.off;
	/* Keep the OPT (RFC 6891 §7: a reply to an EDNS query has one). */
	for (i = 0; i < (unsigned)h.an + h.ns + h.ar; i++) {
		size_t start = r.off;
		uint16_t type, rdlen;

		if (dns_name_read(&r, NULL, NULL) < 0)
			return 0;
		type = rbuf_u16(&r);
		rbuf_take(&r, 6);
		rdlen = rbuf_u16(&r);
		if (!rbuf_take(&r, rdlen) || r.err)
			return 0;
		if (type == DNS_T_OPT) {
			optoff = start;
			optlen = r.off - start;
		}
	}
	if (optlen)
		memmove(msg + qend, msg + optoff, optlen);
	h.flags |= DNS_F_TC;
	h.an = h.ns = 0;
	h.ar = optlen ? 1 : 0;
	buf_init(&b, msg, DNS_HEADER_LEN);
	dns_header_write(&b, &h);
	return qend + optlen;
}

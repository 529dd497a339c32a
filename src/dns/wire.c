/*
 * The DNS wire codec (see wire.h): RFC 1035 §4.1 header and names, §4.1.4
 * message compression, §5.1 presentation escapes, RFC 3597 §5 TYPEnnn.
 */
#include "dns/wire.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int dns_header_read(struct rbuf *r, struct dns_header *h)
{
	if (rbuf_left(r) < DNS_HEADER_LEN || r->err)
		return -EBADMSG;
	h->id = rbuf_u16(r);
	h->flags = rbuf_u16(r);
	h->qd = rbuf_u16(r);
	h->an = rbuf_u16(r);
	h->ns = rbuf_u16(r);
	h->ar = rbuf_u16(r);
	return 0;
}

void dns_header_write(struct buf *b, const struct dns_header *h)
{
	buf_put_u16(b, h->id);
	buf_put_u16(b, h->flags);
	buf_put_u16(b, h->qd);
	buf_put_u16(b, h->an);
	buf_put_u16(b, h->ns);
	buf_put_u16(b, h->ar);
}

/* --- names --------------------------------------------------------------- */

int dns_name_read(struct rbuf *r, uint8_t out[DNS_NAME_MAX], size_t *outlen)
{
	const uint8_t *m = r->p;
	size_t pos = r->off, lim = r->off, end = 0, n = 0;
	bool jumped = false;

	if (r->err)
		return -EBADMSG;
	for (;;) {
		uint8_t l;

		if (pos >= r->len)
			return -EBADMSG;
		l = m[pos];
		if ((l & 0xc0) == 0xc0) {
			size_t to;

			if (pos + 1 >= r->len)
				return -EBADMSG;
			to = (size_t)(l & 0x3f) << 8 | m[pos + 1];
			/*
			 * Strictly backwards, before everything seen so far,
			 * and never into the header, which holds no name: so
			 * a query's question, the first name, has no pointer.
			 */
			if (to >= lim || to < DNS_HEADER_LEN)
				return -EBADMSG;
			if (!jumped)
				end = pos + 2;
			jumped = true;
			lim = to;
			pos = to;
			continue;
		}
		if (l & 0xc0)
			return -EBADMSG;	/* 01 and 10: RFC 6891 §5 */
		if (n + 1 + l > DNS_NAME_MAX || pos + 1 + l > r->len)
			return -EBADMSG;
		if (out)
			memcpy(out + n, m + pos, 1 + (size_t)l);
		n += 1 + (size_t)l;
		pos += 1 + (size_t)l;
		if (!l)
			break;
	}
	r->off = jumped ? end : pos;
	if (outlen)
		*outlen = n;
	return 0;
}

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

void dns_name_lower(uint8_t *name, size_t len)
{
	size_t i = 0;

	while (i < len && name[i]) {
		size_t l = name[i], j;

		for (j = i + 1; j <= i + l && j < len; j++)
			name[j] = lower(name[j]);
		i += l + 1;
	}
}

int dns_name_from_text(const char *s, uint8_t out[DNS_NAME_MAX],
		       size_t *outlen)
{
	size_t n = 0, lab = 0;	/* lab: offset of the current label's length */

	if (!s || !*s)
		return -EINVAL;
	if (strcmp(s, ".") == 0) {
		out[0] = 0;
		*outlen = 1;
		return 0;
	}
	out[0] = 0;
	n = 1;
	while (*s) {
		unsigned c = (unsigned char)*s++;

		if (c == '.') {
			if (n == lab + 1)
				return -EINVAL;		/* empty label */
			if (n >= DNS_NAME_MAX)
				return -EINVAL;
			lab = n;
			out[n++] = 0;
			continue;
		}
		if (c == '\\') {
			if (s[0] >= '0' && s[0] <= '9') {
				if (!(s[1] >= '0' && s[1] <= '9') ||
				    !(s[2] >= '0' && s[2] <= '9'))
					return -EINVAL;
				c = (unsigned)(s[0] - '0') * 100 +
				    (unsigned)(s[1] - '0') * 10 +
				    (unsigned)(s[2] - '0');
				if (c > 255)
					return -EINVAL;
				s += 3;
			} else if (*s) {
				c = (unsigned char)*s++;
			} else {
				return -EINVAL;
			}
		}
		if (out[lab] == DNS_LABEL_MAX || n >= DNS_NAME_MAX)
			return -EINVAL;
		out[n++] = (uint8_t)c;
		out[lab]++;
	}
	/* "a.b" and "a.b." alike: close with the root unless already there. */
	if (out[lab] != 0) {
		if (n >= DNS_NAME_MAX)
			return -EINVAL;
		out[n++] = 0;
	}
	*outlen = n;
	return 0;
}

int dns_name_to_text(const uint8_t *wire, size_t len, char *out, size_t cap)
{
	struct buf b;
	size_t i = 0;

	buf_init(&b, out, cap);
	if (len == 0)
		return -EBADMSG;
	if (wire[0] == 0) {
		buf_puts(&b, ".");
	}
	while (i < len && wire[i]) {
		size_t l = wire[i], j;

		if (l > DNS_LABEL_MAX || i + 1 + l >= len)
			return -EBADMSG;
		for (j = i + 1; j <= i + l; j++) {
			uint8_t c = wire[j];

			if (c == '.' || c == '\\' || c == '"' || c == '(' ||
			    c == ')' || c == ';' || c == '@' || c == '$')
				buf_printf(&b, "\\%c", c);
			else if (c <= 0x20 || c >= 0x7f)
				buf_printf(&b, "\\%03u", c);
			else
				buf_put_u8(&b, c);
		}
		buf_put_u8(&b, '.');
		i += l + 1;
	}
	if (i >= len)
		return -EBADMSG;	/* no root octet */
	buf_cstr(&b);
	return b.err;
}

bool dns_name_equal(const uint8_t *a, size_t alen, const uint8_t *b,
		    size_t blen)
{
	size_t i;

	if (alen != blen)
		return false;
	/* Length octets are below 64, so folding them is harmless. */
	for (i = 0; i < alen; i++)
		if (lower(a[i]) != lower(b[i]))
			return false;
	return true;
}

bool dns_name_under(const uint8_t *name, size_t len, const uint8_t *zone,
		    size_t zlen)
{
	size_t i = 0;

	while (i < len) {
		if (len - i == zlen)
			return dns_name_equal(name + i, zlen, zone, zlen);
		if (!name[i])
			break;
		i += (size_t)name[i] + 1;
	}
	return false;
}

unsigned dns_name_labels(const uint8_t *name, size_t len)
{
	size_t i = 0;
	unsigned n = 0;

	while (i < len && name[i]) {
		i += (size_t)name[i] + 1;
		n++;
	}
	return n;
}

/* --- compression --------------------------------------------------------- */

void dns_compress_init(struct dns_compress *c, const uint8_t *msg)
{
	c->n = 0;
	c->msg = msg;
}

/* Does the name written at off (bytes we wrote, so well formed) equal s? */
static bool written_equal(const struct dns_compress *c, size_t msglen,
			  uint16_t off, const uint8_t *s, size_t slen)
{
	uint8_t tmp[DNS_NAME_MAX];
	struct rbuf r;
	size_t n;

	rbuf_init(&r, c->msg, msglen);
	r.off = off;
	if (dns_name_read(&r, tmp, &n) < 0)
		return false;
	return dns_name_equal(tmp, n, s, slen);
}

void dns_name_write(struct buf *b, struct dns_compress *c,
		    const uint8_t *name, size_t len)
{
	size_t msglen, here, i = 0, hit = len;
	uint16_t ptr = 0;
	unsigned k;

	if (b->err)
		return;
	if (!c || c->msg < b->p || c->msg > b->p + b->len) {
		buf_put(b, name, len);
		return;
	}
	msglen = (size_t)(b->p + b->len - c->msg);
	/* Longest suffix first: the whole name, then without its first label. */
	while (i < len && name[i] && hit == len) {
		for (k = 0; k < c->n; k++) {
			if (written_equal(c, msglen, c->off[k], name + i,
					  len - i)) {
				hit = i;
				ptr = c->off[k];
				break;
			}
		}
		if (hit == len)
			i += (size_t)name[i] + 1;
	}
	here = msglen;
	if (hit == len) {
		buf_put(b, name, len);
	} else {
		buf_put(b, name, hit);
		buf_put_u16(b, (uint16_t)(0xc000 | ptr));
	}
	if (b->err)
		return;
	/* Remember the labels just written as new suffixes. */
	for (i = 0; i < hit && name[i]; i += (size_t)name[i] + 1) {
		if (here + i < 0x3fff &&
		    c->n < sizeof(c->off) / sizeof(c->off[0]))
			c->off[c->n++] = (uint16_t)(here + i);
	}
}

/* --- names of things ----------------------------------------------------- */

static const struct {
	uint16_t t;
	const char *name;
} types[] = {
	{ DNS_T_A, "A" },	{ DNS_T_NS, "NS" },	{ DNS_T_CNAME, "CNAME" },
	{ DNS_T_SOA, "SOA" },	{ 12, "PTR" },		{ 13, "HINFO" },
	{ DNS_T_MX, "MX" },	{ DNS_T_TXT, "TXT" },	{ DNS_T_AAAA, "AAAA" },
	{ 33, "SRV" },		{ 35, "NAPTR" },	{ 39, "DNAME" },
	{ DNS_T_OPT, "OPT" },	{ 43, "DS" },		{ 46, "RRSIG" },
	{ 47, "NSEC" },		{ 48, "DNSKEY" },	{ 50, "NSEC3" },
	{ 64, "SVCB" },		{ 65, "HTTPS" },	{ 250, "TSIG" },
	{ DNS_T_IXFR, "IXFR" },	{ DNS_T_AXFR, "AXFR" },	{ DNS_T_ANY, "ANY" },
	{ 257, "CAA" },
};

const char *dns_type_name(uint16_t t)
{
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].t == t)
			return types[i].name;
	return NULL;
}

int dns_type_from_name(const char *s)
{
	size_t i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcasecmp(types[i].name, s) == 0)
			return types[i].t;
	if (strncasecmp(s, "TYPE", 4) == 0 && s[4] >= '0' && s[4] <= '9') {
		char *end;
		unsigned long v = strtoul(s + 4, &end, 10);

		if (*end || v > 65535 || (s[4] == '0' && s[5]))
			return -EINVAL;
		return (int)v;
	}
	return -EINVAL;
}

const char *dns_rcode_name(unsigned rc)
{
	static const char *const names[] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
		"REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH",
		"NOTZONE", NULL, NULL, NULL, NULL, NULL, "BADVERS",
	};

	if (rc < sizeof(names) / sizeof(names[0]))
		return names[rc];
	return NULL;
}

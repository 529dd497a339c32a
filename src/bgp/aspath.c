/*
 * AS_PATH helpers: syntax check, 2/4-octet conversion, decision length,
 * loop check, prepend, RFC 6793 §4.2.3 reconstruction, text form.
 * See aspath.h for the canonical representation.
 */
#include "bgp/aspath.h"
#include "bgp/bgp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int aspath_check(const uint8_t *p, size_t len, unsigned as_size)
{
	size_t off = 0;

	while (off < len) {
		unsigned type, count;

		if (len - off < 2)
			return -EINVAL;
		type = p[off];
		count = p[off + 1];
		if (type < BGP_AS_SET || type > BGP_AS_CONFED_SET || count == 0)
			return -EINVAL;
		off += 2;
		if ((size_t)count * as_size > len - off)
			return -EINVAL;
		off += (size_t)count * as_size;
	}
	return 0;
}

int aspath_widen(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	size_t i = 0, o = 0;

	while (i + 2 <= len) {
		unsigned count = in[i + 1], k;

		if (o + 2 + (size_t)count * 4 > cap)
			return -ENOSPC;
		out[o++] = in[i];
		out[o++] = in[i + 1];
		i += 2;
		for (k = 0; k < count && i + 2 <= len; k++, i += 2, o += 4)
			put32(out + o, (uint32_t)in[i] << 8 | in[i + 1]);
	}
	return (int)o;
}

int aspath_narrow(const uint8_t *in, size_t len, uint8_t *out, size_t cap,
		  bool *lossy)
{
	size_t i = 0, o = 0;

	*lossy = false;
	while (i + 2 <= len) {
		unsigned count = in[i + 1], k;

		if (o + 2 + (size_t)count * 2 > cap)
			return -ENOSPC;
		out[o++] = in[i];
		out[o++] = in[i + 1];
		i += 2;
		for (k = 0; k < count && i + 4 <= len; k++, i += 4) {
			uint32_t as = get32(in + i);

			if (as > 0xffff) {
				as = BGP_AS_TRANS;
				*lossy = true;
			}
			out[o++] = (uint8_t)(as >> 8);
			out[o++] = (uint8_t)as;
		}
	}
	return (int)o;
}

unsigned aspath_count(const uint8_t *p, size_t len)
{
	size_t off = 0;
	unsigned n = 0;

	while (off + 2 <= len) {
		unsigned type = p[off], count = p[off + 1];

		if (type == BGP_AS_SEQUENCE)
			n += count;
		else if (type == BGP_AS_SET)
			n += 1;
		off += 2 + (size_t)count * 4;
	}
	return n;
}

bool aspath_contains(const uint8_t *p, size_t len, uint32_t asn)
{
	size_t off = 0;

	while (off + 2 <= len) {
		unsigned count = p[off + 1], k;

		off += 2;
		for (k = 0; k < count && off + 4 <= len; k++, off += 4)
			if (get32(p + off) == asn)
				return true;
	}
	return false;
}

uint32_t aspath_first_as(const uint8_t *p, size_t len)
{
	if (len < 6 || p[0] != BGP_AS_SEQUENCE || p[1] == 0)
		return 0;
	return get32(p + 2);
}

int aspath_prepend(const uint8_t *in, size_t len, uint32_t asn,
		   uint8_t *out, size_t cap)
{
	/* Both branches move the old path before writing the new head, so
	 * in and out may be the same buffer. */
	if (len >= 2 && in[0] == BGP_AS_SEQUENCE && in[1] < 255) {
		uint8_t count = in[1];

		if (len + 4 > cap)
			return -ENOSPC;
		memmove(out + 6, in + 2, len - 2);
		out[0] = BGP_AS_SEQUENCE;
		out[1] = (uint8_t)(count + 1);
		put32(out + 2, asn);
		return (int)len + 4;
	}
	if (len + 6 > cap)
		return -ENOSPC;
	if (len)
		memmove(out + 6, in, len);
	out[0] = BGP_AS_SEQUENCE;
	out[1] = 1;
	put32(out + 2, asn);
	return (int)len + 6;
}

/* AS numbers counted for §4.2.3: as aspath_count, confederations ignored. */
static unsigned as4_count(const uint8_t *p, size_t len)
{
	return aspath_count(p, len);
}

int aspath_merge_as4(const uint8_t *path, size_t plen, const uint8_t *as4,
		     size_t a4len, uint8_t *out, size_t cap)
{
	unsigned n2 = as4_count(path, plen), n4 = as4_count(as4, a4len);
	unsigned need;
	size_t off = 0, o = 0;

	if (n2 < n4) {
		if (plen > cap)
			return -ENOSPC;
		memcpy(out, path, plen);
		return (int)plen;
	}
	/* Take n2 - n4 AS numbers (and confederation segments around them)
	 * from the front of AS_PATH, then all of AS4_PATH. */
	need = n2 - n4;
	while (off + 2 <= plen) {
		unsigned type = path[off], count = path[off + 1], take, k;
		bool confed = type == BGP_AS_CONFED_SEQUENCE ||
			      type == BGP_AS_CONFED_SET;

		if (need == 0 && !confed)
			break;
		if (confed)
			take = count;
		else if (type == BGP_AS_SET)
			take = count;	/* a set counts one: all or nothing */
		else
			take = count < need ? count : need;
		if (o + 2 + (size_t)take * 4 > cap)
			return -ENOSPC;
		out[o++] = (uint8_t)type;
		out[o++] = (uint8_t)take;
		for (k = 0; k < take; k++, o += 4)
			memcpy(out + o, path + off + 2 + (size_t)k * 4, 4);
		if (!confed)
			need -= type == BGP_AS_SET ? 1 : take;
		off += 2 + (size_t)count * 4;
		if (need == 0 && !confed && take < count)
			break;
	}
	if (o + a4len > cap)
		return -ENOSPC;
	memcpy(out + o, as4, a4len);
	o += a4len;
	return (int)o;
}

int aspath_format(const uint8_t *p, size_t len, char *s, size_t n)
{
	static const char open[] = { 0, '{', 0, '(', '[' };
	static const char close[] = { 0, '}', 0, ')', ']' };
	size_t off = 0, w = 0;

#define EMIT(...) do {							\
		int r_ = snprintf(w < n ? s + w : NULL, w < n ? n - w : 0, \
				  __VA_ARGS__);				\
		if (r_ > 0)						\
			w += (size_t)r_;				\
	} while (0)
	if (n)
		s[0] = '\0';
	while (off + 2 <= len) {
		unsigned type = p[off], count = p[off + 1], k;

		if (type > BGP_AS_CONFED_SET)
			type = BGP_AS_SEQUENCE;
		if (w)
			EMIT(" ");
		if (open[type])
			EMIT("%c", open[type]);
		off += 2;
		for (k = 0; k < count && off + 4 <= len; k++, off += 4)
			EMIT("%s%u", k ? " " : "", get32(p + off));
		if (close[type])
			EMIT("%c", close[type]);
	}
#undef EMIT
	return (int)w;
}

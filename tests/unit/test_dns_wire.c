/*
 * The DNS wire codec: names read with compression (RFC 1035 §4.1.4's own
 * example), every malformed name rejected, text <-> wire with escapes,
 * the compressing writer's exact bytes, header and type names.
 */
#include "dns/wire.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* --- reading ------------------------------------------------------------- */

/* RFC 1035 §4.1.4: F.ISI.ARPA at 20, FOO.F.ISI.ARPA at 40, ARPA at 64, root at 92. */
static void rfc1035_msg(uint8_t m[100])
{
	static const uint8_t fisi[] = { 1, 'F', 3, 'I', 'S', 'I',
					4, 'A', 'R', 'P', 'A', 0 };
	static const uint8_t foo[] = { 3, 'F', 'O', 'O', 0xc0, 20 };
	static const uint8_t arpa[] = { 0xc0, 26 };

	memset(m, 0, 100);
	memcpy(m + 20, fisi, sizeof(fisi));
	memcpy(m + 40, foo, sizeof(foo));
	memcpy(m + 64, arpa, sizeof(arpa));
	m[92] = 0;
}

static void read_at(const uint8_t *m, size_t len, size_t off,
		    const char *want, size_t want_end)
{
	uint8_t w[DNS_NAME_MAX];
	char t[1024];
	struct rbuf r;
	size_t n;

	rbuf_init(&r, m, len);
	r.off = off;
	cr_assert_eq(dns_name_read(&r, w, &n), 0, "at %zu", off);
	cr_assert_eq(dns_name_to_text(w, n, t, sizeof(t)), 0);
	cr_assert_str_eq(t, want);
	cr_assert_eq(r.off, want_end, "at %zu: ends at %zu", off, r.off);
}

Test(dns_wire, rfc1035_compression_example)
{
	uint8_t m[100];

	rfc1035_msg(m);
	read_at(m, sizeof(m), 20, "F.ISI.ARPA.", 32);
	read_at(m, sizeof(m), 40, "FOO.F.ISI.ARPA.", 46);
	read_at(m, sizeof(m), 64, "ARPA.", 66);
	read_at(m, sizeof(m), 92, ".", 93);
}

Test(dns_wire, pointer_chain)
{
	/* After a header: c at 12; b.<ptr 12> at 15; a.<ptr 15> at 19. */
	const uint8_t m[] = { [12] = 1, 'c', 0, 1, 'b', 0xc0, 12, 1, 'a',
			      0xc0, 15 };

	read_at(m, sizeof(m), 19, "a.b.c.", 23);
}

Test(dns_wire, pointer_into_the_header)
{
	/* A question whose name points at the header's octets: the header
	 * holds no name, and reading it as one would expand a tiny query. */
	const uint8_t m[] = { 0, 1, 1, 'a', 1, 'b', 1, 'c', 0, 0, 0, 0,
			      1, 'x', 0xc0, 2, 0, 1, 0, 1 };
	uint8_t w[DNS_NAME_MAX];
	struct rbuf r;
	size_t n;

	rbuf_init(&r, m, sizeof(m));
	r.off = 12;
	cr_assert_eq(dns_name_read(&r, w, &n), -EBADMSG);
}

Test(dns_wire, out_may_be_null)
{
	uint8_t m[100];
	struct rbuf r;
	size_t n = 0;

	rfc1035_msg(m);
	rbuf_init(&r, m, sizeof(m));
	r.off = 40;
	cr_assert_eq(dns_name_read(&r, NULL, &n), 0);
	cr_assert_eq(n, 16);
	cr_assert_eq(r.off, 46);
}

struct bad_name {
	const char *what;
	uint8_t m[300];
	size_t len, off;
};

static struct bad_name *bad_name_cases(size_t *n)
{
	static struct bad_name c[] = {
		{ "pointer loop", { 1, 'a', 0xc0, 4, 0xc0, 0 }, 6, 4 },
		{ "self pointer", { 0xc0, 0 }, 2, 0 },
		{ "self pointer later", { 0, 0, 0xc0, 2 }, 4, 2 },
		{ "forward pointer", { 0xc0, 2, 1, 'a', 0 }, 5, 0 },
		{ "pointer into own labels", { 1, 'a', 0xc0, 0 }, 4, 0 },
		{ "pointer past the end", { 0, 1, 'a', 0xc0, 0x3f }, 5, 1 },
		{ "half a pointer", { 1, 'a', 0xc0 }, 3, 0 },
		{ "label type 01", { 0x41, 'a', 0 }, 3, 0 },
		{ "label type 10", { 0x81, 'a', 0 }, 3, 0 },
		{ "label past the end", { 5, 'a', 'b' }, 3, 0 },
		{ "no root", { 1, 'a' }, 2, 0 },
		{ "empty input", { 0 }, 0, 0 },
	};

	*n = sizeof(c) / sizeof(c[0]);
	return c;
}

Test(dns_wire, bad_names_rejected)
{
	size_t n, i;
	struct bad_name *c = bad_name_cases(&n);

	for (i = 0; i < n; i++) {
		uint8_t w[DNS_NAME_MAX];
		uint8_t *copy = malloc(c[i].len ? c[i].len : 1);
		struct rbuf r;
		size_t wl;

		memcpy(copy, c[i].m, c[i].len);
		rbuf_init(&r, copy, c[i].len);
		r.off = c[i].off;
		cr_expect_eq(dns_name_read(&r, w, &wl), -EBADMSG, "%s",
			     c[i].what);
		cr_expect_eq(r.off, c[i].off, "%s: offset moved", c[i].what);
		free(copy);
	}
}

Test(dns_wire, label_64_rejected)
{
	uint8_t m[70] = { 0 };
	uint8_t w[DNS_NAME_MAX];
	struct rbuf r;
	size_t n;

	/* 64 in the length octet is 0x40: type bits 01. */
	m[0] = 64;
	memset(m + 1, 'a', 64);
	rbuf_init(&r, m, 66);
	cr_assert_eq(dns_name_read(&r, w, &n), -EBADMSG);
	m[0] = 63;
	m[64] = 0;
	rbuf_init(&r, m, 65);
	cr_assert_eq(dns_name_read(&r, w, &n), 0);
	cr_assert_eq(n, 65);
}

/* Labels of 63 to total octets, root included. */
static size_t long_name(uint8_t *m, size_t total)
{
	size_t n = 0;

	while (total - n - 1 > 0) {
		size_t l = total - n - 2 < 63 ? total - n - 2 : 63;

		m[n] = (uint8_t)l;
		memset(m + n + 1, 'x', l);
		n += l + 1;
	}
	m[n++] = 0;
	return n;
}

Test(dns_wire, name_255_ok_256_rejected)
{
	uint8_t m[300], w[DNS_NAME_MAX];
	struct rbuf r;
	size_t n, len;

	len = long_name(m, 255);
	cr_assert_eq(len, 255);
	rbuf_init(&r, m, len);
	cr_assert_eq(dns_name_read(&r, w, &n), 0);
	cr_assert_eq(n, 255);
	len = long_name(m, 256);
	cr_assert_eq(len, 256);
	rbuf_init(&r, m, len);
	cr_assert_eq(dns_name_read(&r, w, &n), -EBADMSG);
}

Test(dns_wire, name_256_through_pointer_rejected)
{
	/* 250 octets of labels at 0 (without root, pointer to a 6-octet name). */
	uint8_t m[400];
	uint8_t w[DNS_NAME_MAX];
	struct rbuf r;
	size_t n, i = 0, at;

	m[i++] = 4;
	memcpy(m + i, "name", 4);
	i += 4;
	m[i++] = 0;		/* "name." at 0, 6 octets */
	at = i;
	while (i - at < 250) {
		size_t l = 250 - (i - at) - 1 < 63 ? 250 - (i - at) - 1 : 63;

		m[i++] = (uint8_t)l;
		memset(m + i, 'y', l);
		i += l;
	}
	m[i++] = 0xc0;
	m[i++] = 0;
	/* 250 + 6 = 256 octets expanded. */
	rbuf_init(&r, m, i);
	r.off = at;
	cr_assert_eq(dns_name_read(&r, w, &n), -EBADMSG);
}

/* --- text ----------------------------------------------------------------- */

struct text_case {
	const char *text;
	uint8_t wire[32];
	size_t len;
	const char *back;	/* dns_name_to_text of it */
};

/* A plain loop, not a parameterized test: the cases hold pointers. */
Test(dns_wire, text_good)
{
	static const struct text_case c[] = {
		{ "cdn.example.com.", "\3cdn\7example\3com", 17, "cdn.example.com." },
		{ "cdn.example.com", "\3cdn\7example\3com", 17, "cdn.example.com." },
		{ ".", "", 1, "." },
		{ "a\\.b.c", "\3a.b\1c", 7, "a\\.b.c." },
		{ "\\065\\066.", "\2AB", 4, "AB." },
		{ "sp\\032ce", "\5sp ce", 7, "sp\\032ce." },
		{ "back\\\\slash", "\12back\\slash", 12, "back\\\\slash." },
		{ "\\000", { 1, 0, 0 }, 3, "\\000." },
	};
	uint8_t w[DNS_NAME_MAX];
	char t[1024];
	size_t n, i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		cr_assert_eq(dns_name_from_text(c[i].text, w, &n), 0, "%s",
			     c[i].text);
		cr_assert_eq(n, c[i].len, "%s: %zu", c[i].text, n);
		cr_assert_eq(memcmp(w, c[i].wire, n), 0, "%s", c[i].text);
		cr_assert_eq(dns_name_to_text(w, n, t, sizeof(t)), 0);
		cr_assert_str_eq(t, c[i].back);
	}
}

Test(dns_wire, text_bad)
{
	static const char *const bad[] = {
		"", "..", "a..b", ".a", "a.b..", "\\", "a\\1", "a\\25", "\\256",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com",
	};
	uint8_t w[DNS_NAME_MAX];
	char big[300];
	size_t n, i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(dns_name_from_text(bad[i], w, &n), -EINVAL, "%s",
			     bad[i]);
	/* 63 is fine; 127 labels of "a" are 255 octets; one more is not. */
	memset(big, 'a', 63);
	strcpy(big + 63, ".com");
	cr_assert_eq(dns_name_from_text(big, w, &n), 0);
	for (i = 0; i < 127; i++) {
		big[2 * i] = 'a';
		big[2 * i + 1] = '.';
	}
	big[254] = '\0';
	cr_assert_eq(dns_name_from_text(big, w, &n), 0);
	cr_assert_eq(n, 255);
	big[254] = 'b';
	big[255] = '\0';
	cr_assert_eq(dns_name_from_text(big, w, &n), -EINVAL);
}

Test(dns_wire, to_text_small_buffer)
{
	uint8_t w[DNS_NAME_MAX];
	char t[8];
	size_t n;

	cr_assert_eq(dns_name_from_text("cdn.example.com", w, &n), 0);
	cr_assert_eq(dns_name_to_text(w, n, t, sizeof(t)), -ENOSPC);
	cr_assert_eq(strlen(t), 7);
}

Test(dns_wire, equal_and_under)
{
	uint8_t a[DNS_NAME_MAX], b[DNS_NAME_MAX], z[DNS_NAME_MAX];
	size_t an, bn, zn;

	dns_name_from_text("WwW.CDN.example.COM", a, &an);
	dns_name_from_text("www.cdn.example.com.", b, &bn);
	dns_name_from_text("cdn.example.com", z, &zn);
	cr_assert(dns_name_equal(a, an, b, bn));
	cr_assert(dns_name_under(a, an, z, zn));
	cr_assert(dns_name_under(z, zn, z, zn));
	cr_assert_not(dns_name_under(z, zn, a, an));
	dns_name_from_text("xcdn.example.com", b, &bn);
	cr_assert_not(dns_name_under(b, bn, z, zn));
	dns_name_from_text(".", b, &bn);
	cr_assert(dns_name_under(a, an, b, bn));
	cr_assert_eq(dns_name_labels(a, an), 4);
	dns_name_lower(a, an);
	cr_assert_eq(memcmp(a, "\3www\3cdn\7example\3com", an), 0);
}

/* --- writing --------------------------------------------------------------- */

Test(dns_wire, compression_exact_bytes)
{
	static const uint8_t want[] = {
		/* 12: www.cdn.example.com. */
		3, 'w', 'w', 'w', 3, 'c', 'd', 'n', 7, 'e', 'x', 'a', 'm', 'p',
		'l', 'e', 3, 'c', 'o', 'm', 0,
		/* 33: ns1 + pointer to cdn.example.com (16) */
		3, 'n', 's', '1', 0xc0, 16,
		/* 39: pointer to the whole first name, any case */
		0xc0, 12,
		/* 41: mail.example.com: mail + pointer to example.com (20) */
		4, 'm', 'a', 'i', 'l', 0xc0, 20,
		/* 48: other.org. none to share */
		5, 'o', 't', 'h', 'e', 'r', 3, 'o', 'r', 'g', 0,
		/* 59: x.org: x + pointer to org (54) */
		1, 'x', 0xc0, 54,
		/* 63: root */
		0,
	};
	static const char *const names[] = {
		"www.cdn.example.com", "ns1.cdn.example.com", "WWW.cdn.example.com",
		"mail.example.com", "other.org", "x.org", ".",
	};
	static const size_t at[] = { 12, 33, 39, 41, 48, 59, 63 };
	uint8_t mem[128];
	struct dns_compress c;
	struct buf b;
	size_t i;

	buf_init(&b, mem, sizeof(mem));
	dns_compress_init(&c, mem);
	buf_reserve(&b, 12);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint8_t w[DNS_NAME_MAX];
		size_t n;

		cr_assert_eq(dns_name_from_text(names[i], w, &n), 0);
		cr_assert_eq(b.len, at[i], "%s at %zu", names[i], b.len);
		dns_name_write(&b, &c, w, n);
	}
	cr_assert_eq(b.err, 0);
	cr_assert_eq(b.len, 12 + sizeof(want));
	cr_assert_eq(memcmp(mem + 12, want, sizeof(want)), 0);

	/* And reading them back gives the names. */
	read_at(mem, b.len, 12, "www.cdn.example.com.", 33);
	read_at(mem, b.len, 33, "ns1.cdn.example.com.", 39);
	read_at(mem, b.len, 39, "www.cdn.example.com.", 41);
	read_at(mem, b.len, 41, "mail.example.com.", 48);
	read_at(mem, b.len, 48, "other.org.", 59);
	read_at(mem, b.len, 59, "x.org.", 63);
}

Test(dns_wire, writer_without_table_and_full_buffer)
{
	uint8_t mem[16], w[DNS_NAME_MAX];
	struct dns_compress c;
	struct buf b;
	size_t n;

	dns_name_from_text("a.b", w, &n);
	buf_init(&b, mem, sizeof(mem));
	dns_name_write(&b, NULL, w, n);
	dns_name_write(&b, NULL, w, n);
	cr_assert_eq(b.len, 10);
	cr_assert_eq(memcmp(mem, "\1a\1b\0\1a\1b\0", 10), 0);

	buf_init(&b, mem, 4);
	dns_compress_init(&c, mem);
	dns_name_write(&b, &c, w, n);
	cr_assert_eq(b.err, -ENOSPC);
	cr_assert_eq(c.n, 0, "nothing remembered of a name not written");
}

/* --- header and names of things ------------------------------------------ */

Test(dns_wire, header_round_trip)
{
	const struct dns_header h = { 0xbeef, DNS_F_QR | DNS_F_AA |
					      DNS_F_MKOPCODE(DNS_OP_NOTIFY) | 3,
				      1, 2, 3, 4 };
	struct dns_header g;
	uint8_t mem[12];
	struct buf b;
	struct rbuf r;

	buf_init(&b, mem, sizeof(mem));
	dns_header_write(&b, &h);
	cr_assert_eq(b.len, 12);
	rbuf_init(&r, mem, 12);
	cr_assert_eq(dns_header_read(&r, &g), 0);
	cr_assert_eq(memcmp(&g, &h, sizeof(h)), 0);
	cr_assert_eq(DNS_F_OPCODE(g.flags), DNS_OP_NOTIFY);
	cr_assert_eq(DNS_F_RCODE(g.flags), 3);
	rbuf_init(&r, mem, 11);
	cr_assert_eq(dns_header_read(&r, &g), -EBADMSG);
}

Test(dns_wire, type_and_rcode_names)
{
	cr_assert_str_eq(dns_type_name(DNS_T_AAAA), "AAAA");
	cr_assert_null(dns_type_name(4242));
	cr_assert_eq(dns_type_from_name("mx"), DNS_T_MX);
	cr_assert_eq(dns_type_from_name("TYPE123"), 123);
	cr_assert_eq(dns_type_from_name("TYPE65535"), 65535);
	cr_assert_eq(dns_type_from_name("TYPE65536"), -EINVAL);
	cr_assert_eq(dns_type_from_name("TYPE"), -EINVAL);
	cr_assert_eq(dns_type_from_name("TYPE01"), -EINVAL);
	cr_assert_eq(dns_type_from_name("BOGUS"), -EINVAL);
	cr_assert_str_eq(dns_rcode_name(DNS_R_NXDOMAIN), "NXDOMAIN");
	cr_assert_str_eq(dns_rcode_name(DNS_R_BADVERS), "BADVERS");
	cr_assert_null(dns_rcode_name(12));
}

/*
 * Bounded writer and reader: the sticky error is the whole point, so every
 * test checks both the bytes and the error state.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "util/buf.h"

Test(buf, writes_network_order)
{
	uint8_t mem[16];
	struct buf b;

	buf_init(&b, mem, sizeof(mem));
	buf_put_u8(&b, 0x01);
	buf_put_u16(&b, 0x0203);
	buf_put_u32(&b, 0x04050607);
	cr_assert_eq(b.err, 0);
	cr_assert_eq(b.len, 7);
	cr_assert_arr_eq(mem, ((uint8_t[]){ 1, 2, 3, 4, 5, 6, 7 }), 7);
}

Test(buf, overflow_latches_and_keeps_prefix)
{
	uint8_t mem[4];
	struct buf b;

	buf_init(&b, mem, sizeof(mem));
	buf_put_u16(&b, 0xaabb);
	buf_put_u32(&b, 0x11223344);	/* does not fit */
	buf_put_u8(&b, 0xcc);		/* would fit, but the error is sticky */
	cr_assert_eq(b.err, -ENOSPC);
	cr_assert_eq(b.len, 2);
	cr_assert_eq(buf_room(&b), 0);
}

Test(buf, reserve_and_patch)
{
	uint8_t mem[8];
	struct buf b;
	size_t off;

	buf_init(&b, mem, sizeof(mem));
	off = buf_reserve(&b, 2);
	buf_put_u8(&b, 9);
	buf_patch_u16(&b, off, 0x0102);
	cr_assert_eq(b.len, 3);
	cr_assert_arr_eq(mem, ((uint8_t[]){ 1, 2, 9 }), 3);
}

Test(buf, printf_counts_without_nul_and_detects_truncation)
{
	char mem[8];
	struct buf b;

	buf_init(&b, mem, sizeof(mem));
	buf_printf(&b, "%d-%s", 42, "ab");
	cr_assert_eq(b.len, 5);
	cr_assert_str_eq(buf_cstr(&b), "42-ab");
	buf_printf(&b, "%s", "xyz");	/* 8 bytes + NUL: no room */
	cr_assert_eq(b.err, -ENOSPC);
	cr_assert_eq(b.len, 5);
}

Test(rbuf, reads_and_stops_at_end)
{
	static const uint8_t in[] = { 1, 2, 3, 4, 5, 6, 7 };
	struct rbuf r;

	rbuf_init(&r, in, sizeof(in));
	cr_assert_eq(rbuf_u8(&r), 1);
	cr_assert_eq(rbuf_u16(&r), 0x0203);
	cr_assert_eq(rbuf_u32(&r), 0x04050607);
	cr_assert_not(r.err);
	cr_assert_eq(rbuf_left(&r), 0);
	cr_assert_eq(rbuf_u8(&r), 0);
	cr_assert(r.err);
}

Test(rbuf, short_read_yields_zero_and_does_not_advance)
{
	static const uint8_t in[] = { 0xff, 0xff, 0xff };
	struct rbuf r;

	rbuf_init(&r, in, sizeof(in));
	cr_assert_eq(rbuf_u32(&r), 0);
	cr_assert(r.err);
	cr_assert_eq(r.off, 0);
	cr_assert_null(rbuf_take(&r, 1));	/* sticky */
}

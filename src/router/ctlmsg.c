/*
 * Control-socket records (see ctlmsg.h).
 */
#include "router/ctlmsg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool ctl_bare(const char *v)
{
	if (!*v)
		return false;
	for (; *v; v++)
		if (*v == ' ' || *v == '"' || *v == '\\' || *v == '=' ||
		    (unsigned char)*v < 0x20 || *v == 0x7f)
			return false;
	return true;
}

void ctl_begin(struct buf *b, const char *kind)
{
	buf_puts(b, kind);
}

void ctl_put(struct buf *b, const char *key, const char *val)
{
	buf_put_u8(b, ' ');
	buf_puts(b, key);
	buf_put_u8(b, '=');
	if (ctl_bare(val)) {
		buf_puts(b, val);
		return;
	}
	buf_put_u8(b, '"');
	for (; *val; val++) {
		unsigned char c = (unsigned char)*val;

		if (c == '"' || c == '\\') {
			buf_put_u8(b, '\\');
			buf_put_u8(b, c);
		} else if (c == '\n' || c == '\r' || c == '\t') {
			buf_put_u8(b, ' ');
		} else if (c >= 0x20 && c != 0x7f) {
			buf_put_u8(b, c);
		}
	}
	buf_put_u8(b, '"');
}

void ctl_putf(struct buf *b, const char *key, const char *fmt, ...)
{
	char v[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	ctl_put(b, key, v);
}

void ctl_end(struct buf *b)
{
	buf_put_u8(b, '\n');
}

static bool ctl_keychar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '-' || (c >= 'A' && c <= 'Z');
}

int ctl_parse(const char *line, size_t len, struct ctl_rec *r)
{
	size_t i = 0, o = 0;

	r->n = 0;
	r->kind = NULL;
	if (len >= sizeof(r->store))
		return -EINVAL;
	/* kind */
	while (i < len && line[i] == ' ')
		i++;
	if (i == len || !ctl_keychar(line[i]))
		return -EINVAL;
	r->kind = r->store;
	while (i < len && ctl_keychar(line[i]))
		r->store[o++] = line[i++];
	r->store[o++] = '\0';
	for (;;) {
		struct ctl_field *f;

		while (i < len && line[i] == ' ')
			i++;
		if (i == len)
			return 0;
		if (r->n == CTL_MAX_FIELDS || !ctl_keychar(line[i]))
			return -EINVAL;
		f = &r->f[r->n];
		f->key = r->store + o;
		while (i < len && ctl_keychar(line[i]))
			r->store[o++] = line[i++];
		r->store[o++] = '\0';
		if (i == len || line[i] != '=')
			return -EINVAL;
		i++;
		f->val = r->store + o;
		if (i < len && line[i] == '"') {
			i++;
			for (;;) {
				if (i == len)
					return -EINVAL;	/* unterminated */
				if (line[i] == '"') {
					i++;
					break;
				}
				if (line[i] == '\\') {
					if (++i == len)
						return -EINVAL;
				}
				/* Records are lines of text: the writer never
				 * puts a control character in, nor may a
				 * reader take one. */
				if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
					return -EINVAL;
				r->store[o++] = line[i++];
			}
			if (i < len && line[i] != ' ')
				return -EINVAL;
		} else {
			while (i < len && line[i] != ' ') {
				if (line[i] == '"' || line[i] == '\\' ||
				    line[i] == '=' || (unsigned char)line[i] < 0x20 ||
				    line[i] == 0x7f)
					return -EINVAL;
				r->store[o++] = line[i++];
			}
		}
		r->store[o++] = '\0';
		r->n++;
	}
}

const char *ctl_get(const struct ctl_rec *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (!strcmp(r->f[i].key, key))
			return r->f[i].val;
	return NULL;
}

uint64_t ctl_get_u64(const struct ctl_rec *r, const char *key, uint64_t def)
{
	const char *v = ctl_get(r, key);
	char *end;
	unsigned long long x;

	/* Digits only, as the writer puts them: strtoull alone would also
	 * take a sign (and wrap "-1" round). */
	if (!v || !*v || v[strspn(v, "0123456789")])
		return def;
	errno = 0;
	x = strtoull(v, &end, 10);
	return errno || *end ? def : (uint64_t)x;
}

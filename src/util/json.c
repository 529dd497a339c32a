/*
 * JSON reader (see json.h).  Recursive descent over a private copy of the
 * text: strings are unescaped in place (the result is never longer than
 * the escaped form) and NUL-terminated where their closing quote was, so
 * nodes point into the copy and nothing else is allocated per value.
 */
#include "util/json.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct jp {
	struct json_doc *d;
	char *p, *end;
	unsigned depth;
	int err;
};

static void jp_ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
				 *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static long jp_node(struct jp *j, enum json_type type)
{
	struct json_doc *d = j->d;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		struct json_node *v = realloc(d->v, cap * sizeof(*v));

		if (!v) {
			j->err = -ENOMEM;
			return -1;
		}
		d->v = v;
		d->cap = cap;
	}
	memset(&d->v[d->n], 0, sizeof(d->v[0]));
	d->v[d->n].type = type;
	d->v[d->n].child = -1;
	d->v[d->n].next = -1;
	return (long)d->n++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int jp_hex4(struct jp *j, const char *p, unsigned *out)
{
	unsigned v = 0;
	int i, h;

	if (j->end - p < 4)
		return -EINVAL;
	for (i = 0; i < 4; i++) {
		h = hexval(p[i]);
		if (h < 0)
			return -EINVAL;
		v = v << 4 | (unsigned)h;
	}
	*out = v;
	return 0;
}

/* Write code point cp as UTF-8 at w; returns the bytes written. */
static size_t utf8_put(char *w, unsigned cp)
{
	if (cp < 0x80) {
		w[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		w[0] = (char)(0xc0 | cp >> 6);
		w[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		w[0] = (char)(0xe0 | cp >> 12);
		w[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		w[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	w[0] = (char)(0xf0 | cp >> 18);
	w[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	w[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	w[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* At the opening quote: unescape in place, return the text. */
static const char *jp_string(struct jp *j)
{
	char *start = ++j->p, *w = start;
	unsigned cp, lo;

	while (j->p < j->end) {
		char c = *j->p;

		if (c == '"') {
			*w = '\0';
			j->p++;
			return start;
		}
		if ((unsigned char)c < 0x20)
			break;
		if (c != '\\') {
			*w++ = c;
			j->p++;
			continue;
		}
		if (j->end - j->p < 2)
			break;
		c = j->p[1];
		j->p += 2;
		switch (c) {
		case '"': *w++ = '"'; break;
		case '\\': *w++ = '\\'; break;
		case '/': *w++ = '/'; break;
		case 'b': *w++ = '\b'; break;
		case 'f': *w++ = '\f'; break;
		case 'n': *w++ = '\n'; break;
		case 'r': *w++ = '\r'; break;
		case 't': *w++ = '\t'; break;
		case 'u':
			if (jp_hex4(j, j->p, &cp) < 0)
				goto bad;
			j->p += 4;
			/* A surrogate pair is 12 bytes of escapes for 4 of
			 * UTF-8; a lone surrogate becomes U+FFFD (3 for 6). */
			if (cp >= 0xd800 && cp < 0xdc00 && j->end - j->p >= 6 &&
			    j->p[0] == '\\' && j->p[1] == 'u' &&
			    jp_hex4(j, j->p + 2, &lo) == 0 &&
			    lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				j->p += 6;
			} else if (cp >= 0xd800 && cp < 0xe000) {
				cp = 0xfffd;
			}
			w += utf8_put(w, cp);
			break;
		default:
			goto bad;
		}
	}
bad:
	j->err = -EINVAL;
	return NULL;
}

static bool jp_digit(const struct jp *j, const char *p)
{
	return p < j->end && *p >= '0' && *p <= '9';
}

/* RFC 8259 6: -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)? */
static int jp_number(struct jp *j, double *out)
{
	char *p = j->p, *e, save;

	if (p < j->end && *p == '-')
		p++;
	if (!jp_digit(j, p))
		return -EINVAL;
	if (*p++ != '0')
		while (jp_digit(j, p))
			p++;
	if (p < j->end && *p == '.') {
		if (!jp_digit(j, ++p))
			return -EINVAL;
		while (jp_digit(j, p))
			p++;
	}
	if (p < j->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < j->end && (*p == '+' || *p == '-'))
			p++;
		if (!jp_digit(j, p))
			return -EINVAL;
		while (jp_digit(j, p))
			p++;
	}
	/* strtod needs a terminator; the byte after a number is structure
	 * or whitespace, restored at once. */
	if (p == j->end)
		return -EINVAL;
	save = *p;
	*p = '\0';
	*out = strtod(j->p, &e);
	*p = save;
	if (e != p || !isfinite(*out))
		return -EINVAL;
	j->p = p;
	return 0;
}

static bool jp_word(struct jp *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n))
		return false;
	j->p += n;
	return true;
}

static long jp_value(struct jp *j);

/* At '{' or '['. */
static long jp_container(struct jp *j, bool obj)
{
	long self = jp_node(j, obj ? JSON_OBJECT : JSON_ARRAY), last = -1, kid;
	char close = obj ? '}' : ']';
	const char *key = NULL;

	if (self < 0)
		return -1;
	if (++j->depth > JSON_MAX_DEPTH) {
		j->err = -EINVAL;
		return -1;
	}
	j->p++;
	jp_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		j->depth--;
		return self;
	}
	for (;;) {
		jp_ws(j);
		if (obj) {
			if (j->p >= j->end || *j->p != '"' || !(key = jp_string(j)))
				goto bad;
			jp_ws(j);
			if (j->p >= j->end || *j->p != ':')
				goto bad;
			j->p++;
		}
		kid = jp_value(j);
		if (kid < 0)
			return -1;
		j->d->v[kid].key = obj ? key : NULL;
		if (last < 0)
			j->d->v[self].child = kid;
		else
			j->d->v[last].next = kid;
		last = kid;
		jp_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == close) {
			j->p++;
			j->depth--;
			return self;
		}
		goto bad;
	}
bad:
	if (!j->err)
		j->err = -EINVAL;
	return -1;
}

static long jp_value(struct jp *j)
{
	long self;
	double num;

	jp_ws(j);
	if (j->p >= j->end)
		goto bad;
	switch (*j->p) {
	case '{':
		return jp_container(j, true);
	case '[':
		return jp_container(j, false);
	case '"': {
		const char *s = jp_string(j);

		if (!s)
			return -1;
		self = jp_node(j, JSON_STRING);
		if (self >= 0)
			j->d->v[self].str = s;
		return self;
	}
	case 't':
	case 'f': {
		bool b = jp_word(j, "true");

		if (!b && !jp_word(j, "false"))
			goto bad;
		self = jp_node(j, JSON_BOOL);
		if (self >= 0)
			j->d->v[self].b = b;
		return self;
	}
	case 'n':
		if (!jp_word(j, "null"))
			goto bad;
		return jp_node(j, JSON_NULL);
	default:
		if (jp_number(j, &num) < 0)
			goto bad;
		self = jp_node(j, JSON_NUMBER);
		if (self >= 0)
			j->d->v[self].num = num;
		return self;
	}
bad:
	if (!j->err)
		j->err = -EINVAL;
	return -1;
}

int json_parse(const char *text, size_t len, struct json_doc *d)
{
	struct jp j = { .d = d };

	memset(d, 0, sizeof(*d));
	/* One spare byte: a number at the very end needs a terminator. */
	d->text = malloc(len + 1);
	if (!d->text)
		return -ENOMEM;
	memcpy(d->text, text, len);
	d->text[len] = ' ';
	j.p = d->text;
	j.end = d->text + len + 1;
	if (jp_value(&j) >= 0) {
		jp_ws(&j);
		if (j.p != j.end)
			j.err = -EINVAL;
	}
	if (j.err) {
		json_free(d);
		return j.err;
	}
	return 0;
}

void json_free(struct json_doc *d)
{
	free(d->v);
	free(d->text);
	memset(d, 0, sizeof(*d));
}

const struct json_node *json_root(const struct json_doc *d)
{
	return d->n ? &d->v[0] : NULL;
}

const struct json_node *json_first(const struct json_doc *d,
				   const struct json_node *n)
{
	if (!n || (n->type != JSON_OBJECT && n->type != JSON_ARRAY) ||
	    n->child < 0)
		return NULL;
	return &d->v[n->child];
}

const struct json_node *json_next(const struct json_doc *d,
				  const struct json_node *n)
{
	return n && n->next >= 0 ? &d->v[n->next] : NULL;
}

const struct json_node *json_get(const struct json_doc *d,
				 const struct json_node *o, const char *key)
{
	const struct json_node *k;

	if (!o || o->type != JSON_OBJECT)
		return NULL;
	for (k = json_first(d, o); k; k = json_next(d, k))
		if (k->key && !strcmp(k->key, key))
			return k;
	return NULL;
}

const char *json_str(const struct json_node *n, const char *def)
{
	return n && n->type == JSON_STRING ? n->str : def;
}

uint64_t json_u64(const struct json_node *n, uint64_t def)
{
	if (!n || n->type != JSON_NUMBER || n->num < 0 || n->num >= 1.8e19)
		return def;
	return (uint64_t)n->num;
}

bool json_bool(const struct json_node *n, bool def)
{
	return n && n->type == JSON_BOOL ? n->b : def;
}

/*
 * The YAML loader.  libyaml composes the whole file into a document tree
 * first; the tree keeps the line and column of every node, and every
 * duplicate mapping key (libyaml does not reject them), so the walk below
 * can point at anything it dislikes.  Whatever one section of the file
 * tells on its own is checked here: unknown and duplicate keys, names,
 * kinds, AS numbers, prefixes, timers, netem strings, the shape of each
 * link and the nodes it names.  Every problem is recorded and the walk
 * goes on; only a YAML syntax error stops it, because libyaml cannot go on
 * after one.  topo_validate (validate.c) then checks what spans nodes and
 * links, and topo_plan (plan.c) derives the addresses.
 */
#include "topo/load_int.h"
#include "topo/topo.h"
#include "util/str.h"

#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct topo_pos ld_pos_of(const yaml_node_t *n)
{
	struct topo_pos p = { (unsigned)n->start_mark.line + 1,
			      (unsigned)n->start_mark.column + 1 };

	return p;
}

void ld_report(struct loader *L, struct topo_pos pos, const char *fmt, ...)
{
	char msg[sizeof(((struct topo_diag *)0)->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (topo_diag_add(L->d, pos, "%s", msg) < 0)
		L->err = -ENOMEM;
}

yaml_node_t *ld_node_at(struct loader *L, int i)
{
	return yaml_document_get_node(L->doc, i);
}

const char *ld_sval(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

size_t ld_slen(const yaml_node_t *n)
{
	return n->data.scalar.length;
}

bool ld_is_scalar(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE;
}

/* "key:" with nothing after it, or an explicit null. */
bool ld_is_null(const yaml_node_t *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	size_t i;

	if (!ld_is_scalar(n) || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (ld_slen(n) == strlen(nulls[i]) &&
		    memcmp(ld_sval(n), nulls[i], ld_slen(n)) == 0)
			return true;
	return false;
}

/* A scalar equal to lit over its whole length (keys may hold a NUL). */
bool ld_scalar_is(const yaml_node_t *n, const char *lit)
{
	return ld_is_scalar(n) && ld_slen(n) == strlen(lit) &&
	       memcmp(ld_sval(n), lit, ld_slen(n)) == 0;
}

const char *ld_what(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a list";
	default:
		return ld_is_null(n) ? "empty" : "a single value";
	}
}

/*
 * User text for a message: cut on a character boundary, with control
 * characters shown as '?' so a message always stays one printable line.
 */
static const char *ld_quote(struct loader *L, const char *s, size_t len)
{
	char *out = L->q[L->qi++ % 4];
	size_t i = 0, o = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t w = 1;

		if (c >= 0xc0)
			for (w = 1; i + w < len && w < 4 &&
			     ((unsigned char)s[i + w] & 0xc0) == 0x80; w++)
				;
		if (o + w > QUOTE_MAX) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (c < 0x20 || c == 0x7f) {
			out[o++] = '?';
		} else {
			memcpy(out + o, s + i, w);
			o += w;
		}
		i += w;
	}
	out[o] = '\0';
	return out;
}

const char *ld_qn(struct loader *L, const yaml_node_t *n)
{
	return ld_quote(L, ld_sval(n), ld_slen(n));
}

/* Exact match ignoring case first (POP for pop), then a near miss. */
static const char *suggest(const char *word, const char *const *cands,
			   size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(word, cands[i]) == 0)
			return cands[i];
	return str_suggest(word, cands, n);
}

/* "a, b or c" */
/* "a, b or c"; when they do not all fit in cap - 48, the first ones
 * and "and N more (README.md lists them)". */
static void list_words(char *out, size_t cap, const char *const *w, size_t n)
{
	size_t i, o = 0, room = cap > 96 ? cap - 48 : cap / 2;

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";

		if (o + strlen(sep) + strlen(w[i]) >= room) {
			snprintf(out + o, cap - o, " and %zu more (README.md lists them)",
				 n - i);
			return;
		}
		o += (size_t)snprintf(out + o, cap - o, "%s%s", sep, w[i]);
	}
}

/* Returns the suggestion made, or NULL. */
const char *ld_report_unknown(struct loader *L, struct topo_pos pos,
				  const char *ctx, const char *thing,
				  const yaml_node_t *word,
				  const char *const *cands, size_t n)
{
	const char *s = suggest(ld_sval(word), cands, n);
	char expected[208];

	if (s) {
		ld_report(L, pos, "%sunknown %s '%s' (did you mean '%s'?)", ctx,
		       thing, ld_qn(L, word), s);
		return s;
	}
	list_words(expected, sizeof(expected), cands, n);
	ld_report(L, pos, "%sunknown %s '%s' (expected %s)", ctx, thing,
	       ld_qn(L, word), expected);
	return NULL;
}

/*
 * Match a mapping's keys against the ones it may hold: report unknown keys
 * (with a suggestion) and repeated ones; fill in where each known key is.
 */
void ld_fields_get(struct loader *L, yaml_node_t *map, const char *ctx,
		       struct field *f, size_t n)
{
	const char *cands[LD_FIELDS_MAX];
	yaml_node_pair_t *p;
	size_t i;

	for (i = 0; i < n; i++) {
		f[i].key = f[i].val = NULL;
		f[i].hinted = false;
		cands[i] = f[i].name;
	}
	if (map->type != YAML_MAPPING_NODE)
		return;
	for (p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = ld_node_at(L, p->key), *v = ld_node_at(L, p->value);

		if (!k || !v)
			continue;
		if (!ld_is_scalar(k)) {
			ld_report(L, ld_pos_of(k), "%skeys must be names, not %s",
			       ctx, ld_what(k));
			continue;
		}
		for (i = 0; i < n && !ld_scalar_is(k, f[i].name); i++)
			;
		if (i == n) {
			const char *s = ld_report_unknown(L, ld_pos_of(k), ctx, "key",
						       k, cands, n);

			for (i = 0; s && i < n; i++)
				if (f[i].name == s)
					f[i].hinted = true;
			continue;
		}
		if (f[i].key) {
			struct topo_pos first = ld_pos_of(f[i].key);

			ld_report(L, ld_pos_of(k), "%sduplicate key '%s' (first at %u:%u)",
			       ctx, f[i].name, first.line, first.col);
			continue;
		}
		f[i].key = k;
		f[i].val = v;
	}
}

/*
 * A field that must hold a single, non-empty value.  Returns the value, or
 * NULL after saying what is wrong.
 */
yaml_node_t *ld_field_scalar(struct loader *L, const struct field *f,
				 const char *ctx, const char *hint)
{
	if (ld_is_null(f->val)) {
		ld_report(L, ld_pos_of(f->key), "%s'%s' is empty; %s", ctx, f->name,
		       hint);
		return NULL;
	}
	if (!ld_is_scalar(f->val)) {
		ld_report(L, ld_pos_of(f->val), "%s'%s' must be a single value, not %s; %s",
		       ctx, f->name, ld_what(f->val), hint);
		return NULL;
	}
	return f->val;
}

/* Digits only, as YAML 1.2 reads an integer; "-" only to say it is too small. */
int ld_parse_uint(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	bool neg = false;
	size_t i = 0;

	if (len && s[0] == '-') {
		neg = true;
		i = 1;
	}
	if (i == len)
		return -EINVAL;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - 9) / 10)
			v = UINT64_MAX;
		else
			v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if ((neg && v) || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/*
 * Decimal degrees: sign, digits, optional fraction; no exponent, no
 * infinity.  strtod_l in the C locale, so a user's LC_NUMERIC cannot turn
 * "34.05" into 34.
 */
static int parse_degrees(const char *s, size_t len, double *out)
{
	char tmp[64];
	size_t i = 0, digits = 0;
	locale_t c;
	char *end;

	if (len >= sizeof(tmp))
		return -EINVAL;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (i < len && s[i] == '.')
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
	if (i != len || digits == 0)
		return -EINVAL;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	if (!c)
		return -ENOMEM;
	*out = strtod_l(tmp, &end, c);
	freelocale(c);
	return *end ? -EINVAL : 0;
}


const struct unit ld_delay_units[] = {
	{ "us", 1 }, { "ms", 1000 }, { "s", 1000000 }, { NULL, 0 },
};
static const struct unit loss_units[] = {
	{ "%", 10000 }, { NULL, 0 },
};
static const struct unit rate_units[] = {
	{ "bit", 1 }, { "kbit", 1000 }, { "mbit", 1000000 },
	{ "gbit", 1000000000 }, { NULL, 0 },
};

/*
 * A number with a unit, as tc writes them ("2ms", "0.5%", "10mbit"), into
 * whole base units.  -EINVAL when malformed, -ENOENT when the unit is
 * missing, -EDOM when finer than one base unit, -ERANGE above max.
 */
int ld_parse_quantity(const char *s, size_t len, const struct unit *u,
			  uint64_t max, uint64_t *out)
{
	uint64_t ip = 0, frac = 0, scale = 1, v;
	size_t i = 0, ndig = 0;

	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, ndig++)
		ip = ip > (UINT64_MAX - 9) / 10 ? UINT64_MAX :
		     ip * 10 + (uint64_t)(s[i] - '0');
	if (ndig == 0)
		return -EINVAL;
	if (i < len && s[i] == '.') {
		size_t nfrac = 0;

		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, nfrac++) {
			if (nfrac == 9)
				return -EDOM;
			frac = frac * 10 + (uint64_t)(s[i] - '0');
			scale *= 10;
		}
		if (nfrac == 0)
			return -EINVAL;
	}
	if (i == len)
		return -ENOENT;
	for (; u->name; u++)
		if (strlen(u->name) == len - i &&
		    strncasecmp(s + i, u->name, len - i) == 0)
			break;
	if (!u->name)
		return -EINVAL;
	if (ip > max / u->mult)
		return -ERANGE;
	/* frac < 10^9 and mult <= 10^9: the product fits in 64 bits. */
	if (frac * u->mult % scale)
		return -EDOM;
	v = ip * u->mult + frac * u->mult / scale;
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/*
 * Lab and node names: [a-z0-9-], a letter first, no '-' last, at most 15
 * bytes (node names become interface names, IFNAMSIZ - 1).  Reports every
 * rule broken; true when none is.
 */
static bool name_check(struct loader *L, const yaml_node_t *n,
		       const char *what_name, const char *why_short, bool node)
{
	const char *s = ld_sval(n);
	size_t len = ld_slen(n), i;
	char fixed[TOPO_NAME_MAX + 1];
	bool chars_ok = true, ok = true;

	if (len == 0) {
		ld_report(L, ld_pos_of(n), "%s is empty", what_name);
		return false;
	}
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			chars_ok = false;
	if (!chars_ok) {
		/* Offer the name with case and separators fixed, when that
		 * alone makes it valid. */
		bool can_fix = len <= TOPO_NAME_MAX;

		for (i = 0; can_fix && i < len; i++) {
			char c = s[i];

			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			else if (c == '_' || c == ' ' || c == '.')
				c = '-';
			if (!((c >= 'a' && c <= 'z') ||
			      (c >= '0' && c <= '9') || c == '-'))
				can_fix = false;
			fixed[i] = c;
		}
		if (can_fix) {
			fixed[len] = '\0';
			can_fix = fixed[0] >= 'a' && fixed[0] <= 'z' &&
				  fixed[len - 1] != '-';
		}
		if (can_fix)
			ld_report(L, ld_pos_of(n), "%s '%s' may only use a-z, 0-9 and '-' (did you mean '%s'?)",
			       what_name, ld_qn(L, n), fixed);
		else
			ld_report(L, ld_pos_of(n), "%s '%s' may only use a-z, 0-9 and '-'",
			       what_name, ld_qn(L, n));
		ok = false;
	}
	/* An upper-case first letter is the character rule's business. */
	if ((s[0] >= '0' && s[0] <= '9') || s[0] == '-') {
		ld_report(L, ld_pos_of(n), "%s '%s' must start with a letter",
		       what_name, ld_qn(L, n));
		ok = false;
	}
	if (s[len - 1] == '-') {
		ld_report(L, ld_pos_of(n), "%s '%s' must not end with '-'",
		       what_name, ld_qn(L, n));
		ok = false;
	}
	if (len > TOPO_NAME_MAX) {
		ld_report(L, ld_pos_of(n), "%s '%s' is too long: %zu characters, at most %d%s",
		       what_name, ld_qn(L, n), len, TOPO_NAME_MAX, why_short);
		ok = false;
	}
	if (node && ld_scalar_is(n, "lo")) {
		ld_report(L, ld_pos_of(n), "node name 'lo' is taken by the loopback interface; pick another");
		ok = false;
	}
	/* An interface named so would collide with the kernel's
	 * /proc/sys/net/ipv4/conf/{all,default}. */
	if (node && (ld_scalar_is(n, "all") || ld_scalar_is(n, "default"))) {
		ld_report(L, ld_pos_of(n), "node name '%s' is reserved by the kernel (net.ipv4.conf.%s); pick another",
		       ld_sval(n), ld_sval(n));
		ok = false;
	}
	return ok;
}

static void load_name(struct loader *L, const struct field *f)
{
	yaml_node_t *v = ld_field_scalar(L, f, "", "name the lab, e.g. name: world");
	size_t len;

	if (!v)
		return;
	name_check(L, v, "lab name", " (it prefixes every namespace name)",
		   false);
	len = ld_slen(v) < TOPO_NAME_MAX ? ld_slen(v) : TOPO_NAME_MAX;
	memcpy(L->t->name, ld_sval(v), len);
	L->t->name[len] = '\0';
}

/* A prefix setting; false after reporting. */
static bool load_prefix(struct loader *L, const struct field *f,
			const char *ctx, const char *what_name,
			const char *example, struct prefix4 *out,
			struct topo_pos *pos)
{
	char hint[64], text[PREFIX4_STRLEN];
	struct prefix4 p;
	yaml_node_t *v;
	int err;

	if (!f->key)
		return true;
	snprintf(hint, sizeof(hint), "write a prefix like %s", example);
	v = ld_field_scalar(L, f, ctx, hint);
	if (!v)
		return false;
	err = ld_slen(v) == strlen(ld_sval(v)) ? prefix4_parse(ld_sval(v), &p) : -EINVAL;
	if (err == -EDOM) {
		ld_report(L, ld_pos_of(v), "%s%s %s has host bits set (did you mean %s?)",
		       ctx, what_name, ld_qn(L, v), prefix4_str(&p, text));
		return false;
	}
	if (err) {
		ld_report(L, ld_pos_of(v), "%s%s '%s' is not an IPv4 prefix like %s",
		       ctx, what_name, ld_qn(L, v), example);
		return false;
	}
	*out = p;
	*pos = ld_pos_of(v);
	return true;
}

static void load_anycast(struct loader *L, const struct field *sec)
{
	static const char ctx[] = "anycast: ";
	struct field f[] = { { .name = "prefix" }, { .name = "address" } };
	struct topo *t = L->t;
	yaml_node_t *v;
	uint32_t a;

	if (ld_is_null(sec->val))
		return;
	if (sec->val->type != YAML_MAPPING_NODE) {
		ld_report(L, ld_pos_of(sec->val), "'anycast' must be a mapping with prefix and address, not %s",
		       ld_what(sec->val));
		return;
	}
	ld_fields_get(L, sec->val, ctx, f, 2);
	if (!load_prefix(L, &f[0], ctx, "prefix", "104.16.0.0/24",
			 &t->anycast_prefix, &t->anycast_prefix_pos))
		t->bad |= TOPO_BAD_ANYCAST_PREFIX;
	if (!f[1].key)
		return;
	v = ld_field_scalar(L, &f[1], ctx, "write an address like 104.16.0.1");
	if (!v) {
		t->bad |= TOPO_BAD_ANYCAST_ADDR;
		return;
	}
	if (ld_slen(v) != strlen(ld_sval(v)) || ip4_parse(ld_sval(v), &a) < 0) {
		ld_report(L, ld_pos_of(v), "%saddress '%s' is not an IPv4 address like 104.16.0.1",
		       ctx, ld_qn(L, v));
		t->bad |= TOPO_BAD_ANYCAST_ADDR;
		return;
	}
	t->anycast_addr = a;
	t->anycast_addr_pos = ld_pos_of(v);
}

static void load_addressing(struct loader *L, const struct field *sec)
{
	static const char ctx[] = "addressing: ";
	struct field f[] = { { .name = "links" }, { .name = "loopbacks" } };
	struct topo *t = L->t;

	if (ld_is_null(sec->val))
		return;
	if (sec->val->type != YAML_MAPPING_NODE) {
		ld_report(L, ld_pos_of(sec->val), "'addressing' must be a mapping with links and loopbacks, not %s",
		       ld_what(sec->val));
		return;
	}
	ld_fields_get(L, sec->val, ctx, f, 2);
	if (!load_prefix(L, &f[0], ctx, "links pool", "100.64.0.0/16",
			 &t->link_pool, &t->link_pool_pos))
		t->bad |= TOPO_BAD_LINK_POOL;
	if (!load_prefix(L, &f[1], ctx, "loopbacks pool", "100.127.0.0/24",
			 &t->loopback_pool, &t->loopback_pool_pos))
		t->bad |= TOPO_BAD_LOOPBACK_POOL;
}

static const char *const daemon_names[] = { "builtin", "bird", "frr", "none" };
static const enum topo_daemon daemon_values[] = {
	TOPO_DAEMON_BUILTIN, TOPO_DAEMON_BIRD, TOPO_DAEMON_FRR, TOPO_DAEMON_NONE,
};

static bool load_daemon(struct loader *L, const struct field *f,
			const char *ctx, enum topo_daemon *out)
{
	yaml_node_t *v = ld_field_scalar(L, f, ctx, "write builtin, bird, frr or none");
	size_t i;

	if (!v)
		return false;
	for (i = 0; i < 4; i++) {
		if (ld_scalar_is(v, daemon_names[i])) {
			*out = daemon_values[i];
			return true;
		}
	}
	ld_report_unknown(L, ld_pos_of(v), ctx, "daemon", v, daemon_names, 4);
	return false;
}

/*
 * BGP session settings, in defaults: and in a node (4 fields in this
 * order) and the TCP-MD5 password, in defaults: and in a link.
 */
#define SESSION_FIELDS \
	{ .name = "max-prefix" }, { .name = "max-prefix-action" }, \
	{ .name = "max-prefix-restart" }, { .name = "ttl-security" }
#define SESSION_NFIELDS	4
/* A node's fields: kind .. passive (0-6), the session keys, then this. */
#define UA_FIELD	(7 + SESSION_NFIELDS)
/* Then the policy keys of routers, of POPs, and an ISP's actions. */
#define POL_FIELD	(UA_FIELD + 1)
#define ORIGIN_FIELD	(POL_FIELD + LD_POLICY_NFIELDS)
#define ACTIONS_FIELD	(ORIGIN_FIELD + LD_ORIGIN_NFIELDS)
#define NODE_NFIELDS	(ACTIONS_FIELD + 1)
#define MAX_PREFIX_MAX	4294967295ull

static const char *const maxpfx_action_names[] = { "restart", "warn", "stop" };

static void load_session(struct loader *L, const struct field *f,
			 const char *ctx, struct topo_session *s)
{
	yaml_node_t *v;
	uint64_t x;
	size_t i;
	int err;

	if (f[0].key && (v = ld_field_scalar(L, &f[0], ctx,
					  "write a number of prefixes, 0 for no limit"))) {
		err = ld_parse_uint(ld_sval(v), ld_slen(v), MAX_PREFIX_MAX, &x);
		if (err)
			ld_report(L, ld_pos_of(v), "%smax-prefix '%s' is not a number of prefixes; use 0 (no limit) .. 4294967295",
			       ctx, ld_qn(L, v));
		else {
			s->max_prefix = (uint32_t)x;
			s->given |= TOPO_SESS_MAX_PREFIX;
		}
	}
	if (f[1].key && (v = ld_field_scalar(L, &f[1], ctx, "write restart, warn or stop"))) {
		for (i = 0; i < 3 && !ld_scalar_is(v, maxpfx_action_names[i]); i++)
			;
		if (i < 3) {
			s->max_prefix_action = (enum topo_max_prefix_action)i;
			s->given |= TOPO_SESS_ACTION;
		} else {
			ld_report_unknown(L, ld_pos_of(v), ctx, "max-prefix-action", v,
				       maxpfx_action_names, 3);
		}
	}
	if (f[2].key && (v = ld_field_scalar(L, &f[2], ctx, "write seconds: 1..65535"))) {
		err = ld_parse_uint(ld_sval(v), ld_slen(v), RETRY_MAX, &x);
		if (err || x == 0)
			ld_report(L, ld_pos_of(v), "%smax-prefix-restart '%s' is not a number of seconds; use 1..65535",
			       ctx, ld_qn(L, v));
		else {
			s->max_prefix_restart = (uint16_t)x;
			s->given |= TOPO_SESS_RESTART;
		}
	}
	if (f[3].key && (v = ld_field_scalar(L, &f[3], ctx, "write true or false"))) {
		if (ld_scalar_is(v, "true") || ld_scalar_is(v, "false")) {
			s->ttl_security = ld_scalar_is(v, "true");
			s->given |= TOPO_SESS_TTL;
		} else {
			ld_report(L, ld_pos_of(v), "%s'ttl-security' is true or false, not '%s'",
			       ctx, ld_qn(L, v));
		}
	}
}

/* Printable ASCII without blanks, quotes or backslashes: it goes into
 * BIRD's and FRR's configuration files as it is. */
static void load_password(struct loader *L, const struct field *f,
			  const char *ctx, char *out)
{
	yaml_node_t *v = ld_field_scalar(L, f, ctx, "write the TCP-MD5 key");
	const char *p;
	size_t i, n;

	if (!v)
		return;
	p = ld_sval(v);
	n = ld_slen(v);
	if (n > TOPO_PASSWORD_MAX) {
		ld_report(L, ld_pos_of(v), "%spassword is %zu characters long; at most %d (RFC 2385 keys, TCP_MD5SIG)",
		       ctx, n, TOPO_PASSWORD_MAX);
		return;
	}
	for (i = 0; i < n; i++)
		if (p[i] <= ' ' || p[i] > '~' || p[i] == '"' || p[i] == '\'' ||
		    p[i] == '\\' || p[i] == '#')
			break;
	if (i < n) {
		/* Never echo the key itself. */
		ld_report(L, ld_pos_of(v), "%spassword holds a character other than printable ASCII without blanks, quotes, '#' or '\\'",
		       ctx);
		return;
	}
	memcpy(out, p, n);
	out[n] = '\0';
}

static void load_defaults(struct loader *L, const struct field *sec)
{
	static const char ctx[] = "defaults: ";
	struct field f[] = {
		{ .name = "hold-time" },
		{ .name = "connect-retry" },
		{ .name = "daemon" },
		SESSION_FIELDS, { .name = "password" },
		{ .name = "send-hold-time" },
		LD_POLICY_FIELDS,
	};
	struct topo *t = L->t;
	yaml_node_t *v;
	uint64_t x;
	int err;

	if (ld_is_null(sec->val))
		return;
	if (sec->val->type != YAML_MAPPING_NODE) {
		ld_report(L, ld_pos_of(sec->val), "'defaults' must be a mapping (hold-time, connect-retry, daemon), not %s",
		       ld_what(sec->val));
		return;
	}
	ld_fields_get(L, sec->val, ctx, f, 5 + SESSION_NFIELDS + LD_POLICY_NFIELDS);
	if (f[0].key &&
	    (v = ld_field_scalar(L, &f[0], ctx, "write seconds: 0 or 3..65535"))) {
		err = ld_parse_uint(ld_sval(v), ld_slen(v), HOLD_TIME_MAX, &x);
		if (err == -EINVAL)
			ld_report(L, ld_pos_of(v), "%shold-time '%s' is not a number of seconds; use 0 or 3..65535",
			       ctx, ld_qn(L, v));
		else if (err)
			ld_report(L, ld_pos_of(v), "%shold-time %s is out of range; use 0 or 3..65535 seconds",
			       ctx, ld_qn(L, v));
		else if (x == 1 || x == 2)
			ld_report(L, ld_pos_of(v), "%shold-time %s is too short; use 0 (no keepalives) or at least 3 (RFC 4271 section 4.2)",
			       ctx, ld_qn(L, v));
		else
			t->hold_time = (uint16_t)x;
	}
	if (f[1].key &&
	    (v = ld_field_scalar(L, &f[1], ctx, "write seconds: 1..65535"))) {
		err = ld_parse_uint(ld_sval(v), ld_slen(v), RETRY_MAX, &x);
		if (err == -EINVAL)
			ld_report(L, ld_pos_of(v), "%sconnect-retry '%s' is not a number of seconds; use 1..65535",
			       ctx, ld_qn(L, v));
		else if (err || x == 0)
			ld_report(L, ld_pos_of(v), "%sconnect-retry %s is out of range; use 1..65535 seconds",
			       ctx, ld_qn(L, v));
		else
			t->connect_retry = (uint16_t)x;
	}
	if (f[2].key)
		load_daemon(L, &f[2], ctx, &t->daemon);
	load_session(L, &f[3], ctx, &t->session);
	t->session.given = 0;	/* given says what a node overrides */
	if (f[3 + SESSION_NFIELDS].key)
		load_password(L, &f[3 + SESSION_NFIELDS], ctx, t->password);
	if (f[4 + SESSION_NFIELDS].key &&
	    (v = ld_field_scalar(L, &f[4 + SESSION_NFIELDS], ctx,
			      "write seconds: 0 (RFC 9687's default) or 1..65535"))) {
		err = ld_parse_uint(ld_sval(v), ld_slen(v), RETRY_MAX, &x);
		if (err)
			ld_report(L, ld_pos_of(v), "%ssend-hold-time '%s' is not a number of seconds; use 0 (RFC 9687's default) or 1..65535",
			       ctx, ld_qn(L, v));
		else
			t->send_hold_time = (uint16_t)x;
	}
	ld_policy_common(L, &f[5 + SESSION_NFIELDS], ctx, &t->policy);
	t->policy.given = 0;	/* given says what a node overrides */
}

static void load_asn(struct loader *L, const struct field *f, const char *ctx,
		     struct topo_node *nd)
{
	yaml_node_t *v = ld_field_scalar(L, f, ctx, "write the AS number, 1..4294967294");
	const char *s;
	uint64_t x;
	int err;

	if (!v)
		return;
	s = ld_sval(v);
	err = ld_parse_uint(s, ld_slen(v), ASN_MAX + 1, &x);
	if (err == -EINVAL) {
		/* "AS13335" is how people write it in prose. */
		if (ld_slen(v) > 2 && strncasecmp(s, "as", 2) == 0 &&
		    ld_parse_uint(s + 2, ld_slen(v) - 2, ASN_MAX, &x) == 0)
			ld_report(L, ld_pos_of(v), "%sasn '%s' is not an integer (did you mean %s?)",
			       ctx, ld_qn(L, v), ld_quote(L, s + 2, ld_slen(v) - 2));
		else
			ld_report(L, ld_pos_of(v), "%sasn '%s' is not an integer; write plain digits, 1..4294967294",
			       ctx, ld_qn(L, v));
		return;
	}
	if (err || x > ASN_MAX) {
		ld_report(L, ld_pos_of(v), "%sasn %s is out of range; use 1..4294967294",
		       ctx, ld_qn(L, v));
		return;
	}
	if (x == 0) {
		ld_report(L, ld_pos_of(v), "%sasn 0 is reserved (RFC 7607); use 1..4294967294",
		       ctx);
		return;
	}
	if (x == 23456) {
		ld_report(L, ld_pos_of(v), "%sasn 23456 is AS_TRANS, reserved (RFC 6793); pick another",
		       ctx);
		return;
	}
	if (x == 65535 || x == ASN_MAX) {
		ld_report(L, ld_pos_of(v), "%sasn %s is reserved (RFC 7300); pick another",
		       ctx, ld_qn(L, v));
		return;
	}
	nd->asn = (uint32_t)x;
	nd->asn_pos = ld_pos_of(v);
}

/* One line of printable text: it goes back out inside a YAML string. */
static bool city_ok(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			return false;
		/* U+0085, U+2028, U+2029: YAML line breaks, folded on reload. */
		if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] == 0x85)
			return false;
		if (c == 0xe2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] == 0xa8 ||
		     (unsigned char)s[i + 2] == 0xa9))
			return false;
	}
	return true;
}

static void load_degrees(struct loader *L, const struct field *f,
			 const char *ctx, double lim, double *out, bool *has)
{
	char hint[48];
	yaml_node_t *v;
	double x;
	int err;

	snprintf(hint, sizeof(hint), "write degrees in -%g..%g", lim, lim);
	v = ld_field_scalar(L, f, ctx, hint);
	if (!v)
		return;
	err = parse_degrees(ld_sval(v), ld_slen(v), &x);
	if (err == -ENOMEM) {
		L->err = err;
		return;
	}
	if (err) {
		ld_report(L, ld_pos_of(v), "%s%s '%s' is not a decimal number; write degrees in -%g..%g",
		       ctx, f->name, ld_qn(L, v), lim, lim);
		return;
	}
	if (x < -lim || x > lim) {
		ld_report(L, ld_pos_of(v), "%s%s %s is out of range; use -%g..%g",
		       ctx, f->name, ld_qn(L, v), lim, lim);
		return;
	}
	*out = x;
	*has = true;
}

static const char *const kind_names[] = { "pop", "isp", "user" };
static const char *const unknown_attrs_names[] = { "pass", "discard" };

/* unknown-attributes: pass | discard (RFC 4271 §5). */
static void load_unknown_attrs(struct loader *L, const struct field *f,
			       const char *ctx, struct topo_node *nd)
{
	yaml_node_t *v = ld_field_scalar(L, f, ctx, "write pass or discard");

	if (!v)
		return;
	nd->unknown_attrs_pos = ld_pos_of(v);
	if (ld_scalar_is(v, "discard"))
		nd->unknown_attrs_discard = true;
	else if (!ld_scalar_is(v, "pass"))
		ld_report_unknown(L, ld_pos_of(v), ctx, "unknown-attributes value", v,
			       unknown_attrs_names, 2);
}

static void load_node(struct loader *L, yaml_node_t *key, yaml_node_t *val,
		      struct topo_node *nd)
{
	struct field f[] = {
		{ .name = "kind" }, { .name = "asn" },
		{ .name = "city" }, { .name = "lat" },
		{ .name = "lon" }, { .name = "daemon" },
		{ .name = "passive" },
		SESSION_FIELDS,
		{ .name = "unknown-attributes" },
		LD_POLICY_FIELDS, LD_ORIGIN_FIELDS, { .name = "actions" },
	};
	char ctx[QUOTE_MAX + 16];
	size_t len = ld_slen(key) < TOPO_NAME_MAX ? ld_slen(key) : TOPO_NAME_MAX;
	yaml_node_t *v;
	size_t i;

	memcpy(nd->name, ld_sval(key), len);
	nd->name[len] = '\0';
	nd->pos = ld_pos_of(key);
	nd->isp = TOPO_NONE;
	snprintf(ctx, sizeof(ctx), "node '%s': ", ld_qn(L, key));

	if (!ld_is_null(val) && val->type != YAML_MAPPING_NODE) {
		/* "syd: pop" says the kind; show where it goes. */
		for (i = 0; i < 3 && !ld_scalar_is(val, kind_names[i]); i++)
			;
		if (i < 3)
			ld_report(L, ld_pos_of(val), "%ssettings must be a mapping, not %s (did you mean {kind: %s}?)",
			       ctx, ld_what(val), kind_names[i]);
		else
			ld_report(L, ld_pos_of(val), "%ssettings must be a mapping like {kind: pop, asn: 13335}, not %s",
			       ctx, ld_what(val));
		return;
	}
	ld_fields_get(L, val, ctx, f, NODE_NFIELDS);

	if (!f[0].key) {
		if (!f[0].hinted)
			ld_report(L, ld_pos_of(key), "%smissing 'kind' (pop, isp or user)",
			       ctx);
	} else if ((v = ld_field_scalar(L, &f[0], ctx, "write pop, isp or user"))) {
		for (i = 0; i < 3 && !ld_scalar_is(v, kind_names[i]); i++)
			;
		if (i < 3) {
			nd->kind = (enum topo_kind)i;
			nd->has_kind = true;
		} else {
			ld_report_unknown(L, ld_pos_of(v), ctx, "kind", v, kind_names, 3);
		}
	}

	if (nd->has_kind && nd->kind == TOPO_KIND_USER) {
		if (f[1].key)
			ld_report(L, ld_pos_of(f[1].key), "%sa user has no 'asn' (only pop and isp nodes speak BGP); remove it",
			       ctx);
		if (f[5].key)
			ld_report(L, ld_pos_of(f[5].key), "%sa user runs no daemon; remove 'daemon'",
			       ctx);
		if (f[6].key)
			ld_report(L, ld_pos_of(f[6].key), "%sa user speaks no BGP; remove 'passive'",
			       ctx);
		for (i = 7; i < 7 + SESSION_NFIELDS; i++)
			if (f[i].key)
				ld_report(L, ld_pos_of(f[i].key), "%sa user speaks no BGP; remove '%s'",
				       ctx, f[i].name);
		if (f[UA_FIELD].key)
			ld_report(L, ld_pos_of(f[UA_FIELD].key), "%sa user speaks no BGP; remove 'unknown-attributes'",
			       ctx);
	} else {
		load_session(L, &f[7], ctx, &nd->session);
		if (f[1].key)
			load_asn(L, &f[1], ctx, nd);
		else if (nd->has_kind && !f[1].hinted)
			ld_report(L, ld_pos_of(key), "%smissing 'asn': a%s %s speaks BGP and needs an AS number, 1..4294967294",
			       ctx, nd->kind == TOPO_KIND_ISP ? "n" : "",
			       kind_names[nd->kind]);
		if (f[5].key)
			nd->daemon_given = load_daemon(L, &f[5], ctx, &nd->daemon);
		if (f[6].key && (v = ld_field_scalar(L, &f[6], ctx, "write true or false"))) {
			if (ld_scalar_is(v, "true"))
				nd->passive = true;
			else if (!ld_scalar_is(v, "false"))
				ld_report(L, ld_pos_of(v), "%s'passive' is true or false, not '%s'",
				       ctx, ld_qn(L, v));
		}
		if (f[UA_FIELD].key)
			load_unknown_attrs(L, &f[UA_FIELD], ctx, nd);
		ld_policy_common(L, &f[POL_FIELD], ctx, &nd->policy);
		for (i = ORIGIN_FIELD; i < ORIGIN_FIELD + LD_ORIGIN_NFIELDS; i++)
			if (f[i].key && nd->has_kind && nd->kind != TOPO_KIND_POP)
				ld_report(L, ld_pos_of(f[i].key), "%s'%s' is a POP's: only a POP originates the anycast prefix",
					  ctx, f[i].name);
		if (!nd->has_kind || nd->kind == TOPO_KIND_POP)
			ld_policy_origin(L, &f[ORIGIN_FIELD], ctx, nd);
		if (f[ACTIONS_FIELD].key && nd->has_kind && nd->kind != TOPO_KIND_ISP)
			ld_report(L, ld_pos_of(f[ACTIONS_FIELD].key), "%saction communities are a transit provider's service to its customers: only an isp node offers them",
				  ctx);
		else if (f[ACTIONS_FIELD].key)
			ld_policy_actions(L, &f[ACTIONS_FIELD], ctx, nd);
		for (i = POL_FIELD; i < NODE_NFIELDS && !nd->policy_pos.line; i++)
			if (f[i].key)
				nd->policy_pos = ld_pos_of(f[i].key);
	}

	if (f[2].key && (v = ld_field_scalar(L, &f[2], ctx,
					  "leave it out or name the city"))) {
		if (ld_slen(v) == 0) {
			ld_report(L, ld_pos_of(v), "%s'city' is empty; leave it out or name the city",
			       ctx);
		} else if (!city_ok(ld_sval(v), ld_slen(v))) {
			ld_report(L, ld_pos_of(v), "%scity '%s' holds a control character or line break; keep it to one line of text",
			       ctx, ld_qn(L, v));
		} else {
			nd->city = strdup(ld_sval(v));
			if (!nd->city)
				L->err = -ENOMEM;
		}
	}
	if (f[3].key)
		load_degrees(L, &f[3], ctx, 90, &nd->lat, &nd->has_lat);
	if (f[4].key)
		load_degrees(L, &f[4], ctx, 180, &nd->lon, &nd->has_lon);
	if (f[3].key && !f[4].key)
		ld_report(L, ld_pos_of(f[3].key), "%s'lat' without 'lon'; give both or neither",
		       ctx);
	if (f[4].key && !f[3].key)
		ld_report(L, ld_pos_of(f[4].key), "%s'lon' without 'lat'; give both or neither",
		       ctx);
}

static int byname_cmp(const void *a, const void *b, void *arg)
{
	const char **names = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = strcmp(names[i], names[j]);

	/* Equal names keep file order: the first one is the real node. */
	return c ? c : (i > j) - (i < j);
}

static void load_nodes(struct loader *L, const struct field *sec)
{
	yaml_node_t *map = sec->val;
	struct topo *t = L->t;
	yaml_node_pair_t *p;
	yaml_node_t **keys, **vals;
	size_t n = 0, i, j;
	bool *dup;

	if (ld_is_null(map) || (map->type == YAML_MAPPING_NODE &&
	    map->data.mapping.pairs.top == map->data.mapping.pairs.start)) {
		ld_report(L, ld_pos_of(sec->key), "'nodes' is empty; add the lab's nodes, e.g. syd: {kind: pop, asn: 13335}");
		return;
	}
	if (map->type != YAML_MAPPING_NODE) {
		ld_report(L, ld_pos_of(map), "'nodes' must be a mapping of node name to settings, not %s",
		       ld_what(map));
		return;
	}
	n = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
	keys = calloc(n, sizeof(*keys));
	vals = calloc(n, sizeof(*vals));
	dup = calloc(n, sizeof(*dup));
	L->names = calloc(n, sizeof(*L->names));
	L->byname = calloc(n, sizeof(*L->byname));
	t->nodes = calloc(n, sizeof(*t->nodes));
	if (!keys || !vals || !dup || !L->names || !L->byname || !t->nodes) {
		L->err = -ENOMEM;
		goto out;
	}

	/* Collect the names first, so a duplicate is known before any node
	 * is loaded and links can name nodes in any order. */
	for (i = 0, p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = ld_node_at(L, p->key), *v = ld_node_at(L, p->value);

		if (!k || !v)
			continue;
		if (!ld_is_scalar(k)) {
			ld_report(L, ld_pos_of(k), "node names must be names, not %s",
			       ld_what(k));
			continue;
		}
		keys[i] = k;
		vals[i] = v;
		L->names[i] = ld_sval(k);
		L->byname[i] = i;
		i++;
	}
	n = i;
	/* Sorted by name, then file order: each run of one name starts with
	 * the node written first. */
	qsort_r(L->byname, n, sizeof(*L->byname), byname_cmp, L->names);
	for (i = 1, j = 0; i < n; i++) {
		size_t first = L->byname[j], b = L->byname[i];
		struct topo_pos at;

		if (strcmp(L->names[first], L->names[b]) != 0) {
			j = i;
			continue;
		}
		at = ld_pos_of(keys[first]);
		dup[b] = true;
		ld_report(L, ld_pos_of(keys[b]), "duplicate node '%s' (first at %u:%u); node names must be unique",
		       ld_qn(L, keys[b]), at.line, at.col);
	}

	/* Load the first of each name, in file order, and renumber. */
	for (i = 0, j = 0; i < n; i++) {
		if (dup[i])
			continue;
		name_check(L, keys[i], "node name", " (it becomes an interface name)",
			   true);
		load_node(L, keys[i], vals[i], &t->nodes[j]);
		L->names[j] = L->names[i];
		j++;
	}
	t->nnodes = j;
	for (i = 0; i < t->nnodes; i++)
		L->byname[i] = i;
	qsort_r(L->byname, t->nnodes, sizeof(*L->byname), byname_cmp, L->names);
out:
	free(keys);
	free(vals);
	free(dup);
}

/* A node by the name the file wrote, or TOPO_NONE. */
static size_t lookup(struct loader *L, const char *name)
{
	size_t lo = 0, hi = L->t->nnodes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, L->names[L->byname[mid]]);

		if (c == 0)
			return L->byname[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return TOPO_NONE;
}

static size_t load_endpoint(struct loader *L, yaml_node_t *n, const char *ctx)
{
	size_t i = L->names ? lookup(L, ld_sval(n)) : TOPO_NONE;
	const char *s;

	if (i != TOPO_NONE && ld_slen(n) == strlen(ld_sval(n)))
		return i;
	s = L->names ? str_suggest(ld_sval(n), L->names, L->t->nnodes) : NULL;
	if (s)
		ld_report(L, ld_pos_of(n), "%sunknown node '%s' (did you mean '%s'?)",
		       ctx, ld_qn(L, n), ld_quote(L, s, strlen(s)));
	else
		ld_report(L, ld_pos_of(n), "%sunknown node '%s' (no such node under 'nodes')",
		       ctx, ld_qn(L, n));
	return TOPO_NONE;
}

/* Two names, [a, b]: what both link forms hold. */
static bool endpoints_ok(struct loader *L, const yaml_node_t *seq)
{
	yaml_node_t *a, *b;

	if (seq->type != YAML_SEQUENCE_NODE ||
	    seq->data.sequence.items.top - seq->data.sequence.items.start != 2)
		return false;
	a = ld_node_at(L, seq->data.sequence.items.start[0]);
	b = ld_node_at(L, seq->data.sequence.items.start[1]);
	/* Not ld_is_null(): "null" is a fine node name. */
	return a && b && ld_is_scalar(a) && ld_is_scalar(b) && ld_slen(a) && ld_slen(b);
}

/* What a malformed link item is, for the message. */
static const char *describe_item(struct loader *L, const yaml_node_t *n,
				 char *buf, size_t cap)
{
	size_t len, i;

	if (n->type == YAML_SEQUENCE_NODE) {
		len = (size_t)(n->data.sequence.items.top -
			       n->data.sequence.items.start);
		if (len != 2) {
			snprintf(buf, cap, "a list of %zu", len);
			return buf;
		}
		for (i = 0; i < 2; i++) {
			yaml_node_t *x = ld_node_at(L, n->data.sequence.items.start[i]);

			if (x && (!ld_is_scalar(x) || ld_slen(x) == 0)) {
				snprintf(buf, cap, "a list holding %s",
					 ld_is_scalar(x) ? "an empty name" : ld_what(x));
				return buf;
			}
		}
	}
	if (ld_is_null(n))
		return "empty";
	if (ld_is_scalar(n)) {
		snprintf(buf, cap, "'%s'", ld_qn(L, n));
		return buf;
	}
	return ld_what(n);
}

static void report_link_shape(struct loader *L, const yaml_node_t *n,
			      size_t idx)
{
	char buf[QUOTE_MAX + 32];

	/* "- u-syd, telstra" is a list item missing its brackets. */
	if (ld_is_scalar(n) && memchr(ld_sval(n), ',', ld_slen(n)))
		ld_report(L, ld_pos_of(n), "links: item %zu must be [a, b] or {endpoints: [a, b], delay: 2ms}, not %s (did you mean [%s]?)",
		       idx, describe_item(L, n, buf, sizeof(buf)), ld_qn(L, n));
	else
		ld_report(L, ld_pos_of(n), "links: item %zu must be [a, b] or {endpoints: [a, b], delay: 2ms}, not %s",
		       idx, describe_item(L, n, buf, sizeof(buf)));
}

static void load_netem(struct loader *L, const struct field *f,
		       const char *ctx, struct topo_link *l)
{
	yaml_node_t *v;
	uint64_t x;
	int err;

	if (f[0].key && (v = ld_field_scalar(L, &f[0], ctx, "write a duration like 2ms"))) {
		err = ld_parse_quantity(ld_sval(v), ld_slen(v), ld_delay_units, DELAY_MAX_US, &x);
		if (err == -ENOENT)
			ld_report(L, ld_pos_of(v), "%sdelay %s needs a unit (did you mean %sms?)",
			       ctx, ld_qn(L, v), ld_qn(L, v));
		else if (err == -EDOM)
			ld_report(L, ld_pos_of(v), "%sdelay %s is finer than 1us", ctx, ld_qn(L, v));
		else if (err == -ERANGE)
			ld_report(L, ld_pos_of(v), "%sdelay %s is too long; at most 60s", ctx, ld_qn(L, v));
		else if (err)
			ld_report(L, ld_pos_of(v), "%sdelay '%s' is not a duration like 2ms, 500us or 1s",
			       ctx, ld_qn(L, v));
		else
			l->delay_us = (uint32_t)x;
	}
	if (f[1].key && (v = ld_field_scalar(L, &f[1], ctx, "write a percentage like 0.5%"))) {
		err = ld_parse_quantity(ld_sval(v), ld_slen(v), loss_units, LOSS_MAX_PPM, &x);
		if (err == -ENOENT)
			ld_report(L, ld_pos_of(v), "%sloss %s needs a unit (did you mean %s%%?)",
			       ctx, ld_qn(L, v), ld_qn(L, v));
		else if (err == -EDOM)
			ld_report(L, ld_pos_of(v), "%sloss %s is finer than 0.0001%%", ctx, ld_qn(L, v));
		else if (err == -ERANGE)
			ld_report(L, ld_pos_of(v), "%sloss %s is more than 100%%", ctx, ld_qn(L, v));
		else if (err)
			ld_report(L, ld_pos_of(v), "%sloss '%s' is not a percentage like 0.5%%",
			       ctx, ld_qn(L, v));
		else
			l->loss_ppm = (uint32_t)x;
	}
	if (f[2].key && (v = ld_field_scalar(L, &f[2], ctx, "write a rate like 10mbit"))) {
		err = ld_parse_quantity(ld_sval(v), ld_slen(v), rate_units, RATE_MAX_BPS, &x);
		if (err == -ENOENT)
			ld_report(L, ld_pos_of(v), "%srate %s needs a unit (did you mean %smbit?)",
			       ctx, ld_qn(L, v), ld_qn(L, v));
		else if (err == -EDOM)
			ld_report(L, ld_pos_of(v), "%srate %s is finer than 1bit", ctx, ld_qn(L, v));
		else if (err == -ERANGE)
			ld_report(L, ld_pos_of(v), "%srate %s is too high; at most 1000gbit", ctx, ld_qn(L, v));
		else if (err)
			ld_report(L, ld_pos_of(v), "%srate '%s' is not a rate like 100kbit, 10mbit or 1gbit",
			       ctx, ld_qn(L, v));
		else if (x == 0)
			ld_report(L, ld_pos_of(v), "%srate %s would stop all traffic; leave it out for no limit",
			       ctx, ld_qn(L, v));
		else
			l->rate_bps = x;
	}
}

static void load_link(struct loader *L, yaml_node_t *item, size_t idx)
{
	struct field f[] = {
		{ .name = "delay" }, { .name = "loss" },
		{ .name = "rate" }, { .name = "endpoints" },
		{ .name = "password" }, LD_LINK_POLICY_FIELDS,
	};
	struct topo_link *l = &L->t->links[L->t->nlinks];
	yaml_node_t *ep = NULL, *a, *b;
	char ctx[2 * QUOTE_MAX + 32], buf[QUOTE_MAX + 32];
	yaml_node_pair_t *p;

	/* a rejected item may have left settings behind */
	memset(l, 0, sizeof(*l));
	if (item->type == YAML_SEQUENCE_NODE) {
		ep = item;
	} else if (item->type == YAML_MAPPING_NODE) {
		/* The endpoints name the link in every other message. */
		for (p = item->data.mapping.pairs.start;
		     p < item->data.mapping.pairs.top && !ep; p++) {
			yaml_node_t *k = ld_node_at(L, p->key);

			if (k && ld_scalar_is(k, "endpoints"))
				ep = ld_node_at(L, p->value);
		}
	}
	if (ep && endpoints_ok(L, ep)) {
		a = ld_node_at(L, ep->data.sequence.items.start[0]);
		b = ld_node_at(L, ep->data.sequence.items.start[1]);
		snprintf(ctx, sizeof(ctx), "link [%s, %s]: ", ld_qn(L, a), ld_qn(L, b));
	} else {
		a = b = NULL;
		snprintf(ctx, sizeof(ctx), "links: item %zu: ", idx);
	}

	if (item->type == YAML_MAPPING_NODE) {
		ld_fields_get(L, item, ctx, f, 5 + LD_LINK_POLICY_NFIELDS);
		if (!f[3].key) {
			if (!f[3].hinted)
				ld_report(L, ld_pos_of(item), "%smissing 'endpoints', e.g. {endpoints: [a, b], delay: 2ms}",
				       ctx);
		} else if (!a) {
			ld_report(L, ld_pos_of(f[3].val), "%s'endpoints' must be two node names, [a, b], not %s",
			       ctx, describe_item(L, f[3].val, buf, sizeof(buf)));
		}
		load_netem(L, f, ctx, l);
		if (f[4].key)
			load_password(L, &f[4], ctx, l->password);
		ld_policy_link(L, &f[5], ctx, l);
	} else if (!a) {
		report_link_shape(L, item, idx);
	}
	/* Without two names there is nothing to check the link against. */
	if (!a)
		return;
	l->pos = ld_pos_of(item);
	l->a = a ? load_endpoint(L, a, ctx) : TOPO_NONE;
	l->b = b ? load_endpoint(L, b, ctx) : TOPO_NONE;
	L->t->nlinks++;
}

static void load_links(struct loader *L, const struct field *sec)
{
	yaml_node_t *seq = sec->val;
	yaml_node_item_t *it;
	size_t n;

	if (ld_is_null(seq))
		return;
	if (seq->type != YAML_SEQUENCE_NODE) {
		ld_report(L, ld_pos_of(seq), "'links' must be a list of [a, b] items, not %s",
		       ld_what(seq));
		return;
	}
	n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
	if (n == 0)
		return;
	L->t->links = calloc(n, sizeof(*L->t->links));
	if (!L->t->links) {
		L->err = -ENOMEM;
		return;
	}
	for (it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++) {
		yaml_node_t *item = ld_node_at(L, *it);

		if (item)
			load_link(L, item, (size_t)(it - seq->data.sequence.items.start) + 1);
	}
}

static void load_top(struct loader *L, yaml_node_t *root)
{
	struct field f[] = {
		{ .name = "name" }, { .name = "anycast" },
		{ .name = "addressing" }, { .name = "defaults" },
		{ .name = "nodes" }, { .name = "links" },
		{ .name = "dns" },
	};

	if (root->type != YAML_MAPPING_NODE) {
		ld_report(L, ld_pos_of(root), "the top level must be a mapping (name: ..., nodes: ..., links: ...), not %s",
		       ld_what(root));
		return;
	}
	ld_fields_get(L, root, "", f, 7);
	if (f[0].key)
		load_name(L, &f[0]);
	else if (!f[0].hinted)
		ld_report(L, ld_pos_of(root), "missing 'name': name the lab, e.g. name: world");
	if (f[1].key)
		load_anycast(L, &f[1]);
	if (f[2].key)
		load_addressing(L, &f[2]);
	if (f[3].key)
		load_defaults(L, &f[3]);
	if (f[4].key) {
		L->t->nodes_pos = ld_pos_of(f[4].key);
		load_nodes(L, &f[4]);
	} else if (!f[4].hinted) {
		ld_report(L, ld_pos_of(root), "missing 'nodes': a lab needs nodes, e.g. nodes: {syd: {kind: pop, asn: 13335}}");
	}
	if (f[5].key) {
		L->t->links_pos = ld_pos_of(f[5].key);
		load_links(L, &f[5]);
	}
	if (f[6].key)
		ld_dns(L, &f[6]);
}

/* libyaml reports a bad byte by offset only; find its line and column. */
static struct topo_pos pos_at_offset(const char *data, size_t len, size_t off)
{
	struct topo_pos p = { 1, 1 };
	size_t i;

	for (i = 0; i < off && i < len; i++) {
		unsigned char c = (unsigned char)data[i];

		if (c == '\n' || (c == '\r' && (i + 1 >= len || data[i + 1] != '\n'))) {
			p.line++;
			p.col = 1;
		} else if ((c & 0xc0) != 0x80 && c != '\r') {
			p.col++;
		}
	}
	return p;
}

/* The byte at pos (1-based line, column counted in characters), or 0. */
static unsigned char char_at(const char *data, size_t len, struct topo_pos pos)
{
	unsigned line = 1, col = 1;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)data[i];

		if (line == pos.line && col == pos.col)
			return c;
		if (c == '\n') {
			line++;
			col = 1;
		} else if ((c & 0xc0) != 0x80) {
			col++;
		}
	}
	return 0;
}

/*
 * libyaml says what its grammar missed, not what the person did.  For the
 * messages people meet most, what they most likely did and what to write
 * instead; NULL for the rest.  c is the character libyaml stopped at.
 */
static const char *syntax_hint(const char *problem, const char *context,
			       unsigned char c)
{
	static const struct {
		const char *problem, *context, *hint;
	} hints[] = {
		{ "found a tab character that violates indentation", NULL,
		  "tabs are not allowed for indentation in YAML; use spaces" },
		{ "found a tab character where an indentation space is expected", NULL,
		  "tabs are not allowed for indentation in YAML; use spaces" },
		{ "found unexpected end of stream", "while scanning a quoted scalar",
		  "a quoted value is never closed; add the closing quote (\" or ') on the line it starts" },
		{ "found unknown escape character", NULL,
		  "in double quotes a backslash starts an escape; write \\\\ for a backslash, or use single quotes" },
		{ "did not find expected key", NULL,
		  "this line is indented differently from the keys of its mapping; indent every key of a mapping, and every '- ' item of a list, by the same number of spaces" },
		{ "mapping values are not allowed in this context", NULL,
		  "a ': ' here starts a key where none can start: quote a value that holds ': ' (city: \"a: b\"), indent this line like the keys beside it, or add the ':' missing on the line before" },
		{ "could not find expected ':'", NULL,
		  "a key needs a ':' and a space after it, e.g. kind: pop" },
		{ "did not find expected ',' or '}'", NULL,
		  "a {...} mapping needs ',' between its entries and a closing '}'" },
		{ "did not find expected ',' or ']'", NULL,
		  "a [...] list needs ',' between its items and a closing ']'" },
		{ "block sequence entries are not allowed in this context", NULL,
		  "a '- ' item starts its own line, indented under its key" },
		{ "found undefined alias", NULL,
		  "'*' starts an alias in YAML; quote a value that starts with '*'" },
	};
	size_t i;

	if (strcmp(problem, "found character that cannot start any token") == 0) {
		if (c == '\t')
			return "tabs are not allowed for indentation in YAML; use spaces";
		if (c == '@' || c == '`')
			return "'@' and '`' cannot start a plain value in YAML; put the value in quotes";
		if (c == '%')
			return "'%' cannot start a plain value in YAML; put the value in quotes";
		return NULL;
	}
	for (i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		if (strcmp(problem, hints[i].problem) == 0 &&
		    (!hints[i].context ||
		     (context && strcmp(context, hints[i].context) == 0)))
			return hints[i].hint;
	return NULL;
}

static int report_syntax(struct loader *L, const yaml_parser_t *ps,
			 const char *data, size_t len)
{
	struct topo_pos pos = { (unsigned)ps->problem_mark.line + 1,
				(unsigned)ps->problem_mark.column + 1 };
	const char *problem = ps->problem ? ps->problem : "syntax error";
	size_t off;

	switch (ps->error) {
	case YAML_MEMORY_ERROR:
		return -ENOMEM;
	case YAML_READER_ERROR:
		off = ps->problem_offset;
		if (strstr(problem, "UTF-8") && off < len) {
			/* libyaml points at the byte that broke the sequence;
			 * the user wants the character it belongs to. */
			size_t j = off;

			while (j > 0 && off - j < 3 &&
			       ((unsigned char)data[j] & 0xc0) != 0xc0 &&
			       ((unsigned char)data[j - 1] & 0x80))
				j--;
			if (((unsigned char)data[j] & 0xc0) == 0xc0)
				off = j;
			ld_report(L, pos_at_offset(data, len, off), "not UTF-8 text: byte 0x%02x starts no valid character; save the file as UTF-8",
			       (unsigned char)data[off]);
		} else if (ps->problem_value != -1) {
			ld_report(L, pos_at_offset(data, len, off), "invalid YAML: %s (U+%04X)",
			       problem, (unsigned)ps->problem_value);
		} else {
			ld_report(L, pos_at_offset(data, len, off), "invalid YAML: %s",
			       problem);
		}
		break;
	default:
		/* libyaml's words for an anchor defined twice read oddly. */
		if (ps->error == YAML_COMPOSER_ERROR && ps->context &&
		    strcmp(problem, "second occurrence") == 0)
			ld_report(L, pos, "invalid YAML: anchor defined twice (first at %u:%u)",
			       (unsigned)ps->context_mark.line + 1,
			       (unsigned)ps->context_mark.column + 1);
		else if (ps->context)
			ld_report(L, pos, "invalid YAML: %s (%s at %u:%u)", problem,
			       ps->context, (unsigned)ps->context_mark.line + 1,
			       (unsigned)ps->context_mark.column + 1);
		else
			ld_report(L, pos, "invalid YAML: %s", problem);
		if (!L->err && L->d->n)
			L->d->v[L->d->n - 1].hint = syntax_hint(problem,
				ps->context, char_at(data, len, pos));
		break;
	}
	return L->err ? L->err : -EINVAL;
}

/*
 * libyaml's scanner does work in proportion to the nesting depth for every
 * token, so a file of 100000 '[' keeps it busy for minutes.  A first pass
 * over the events refuses anything nested deeper than DEPTH_MAX before the
 * document is composed; it also meets any syntax error first.
 */
static int check_depth(struct loader *L, const char *data, size_t len)
{
	yaml_parser_t ps;
	yaml_event_t ev;
	unsigned depth = 0;
	int err = 0;

	if (!yaml_parser_initialize(&ps))
		return -ENOMEM;
	yaml_parser_set_input_string(&ps, (const unsigned char *)data, len);
	yaml_parser_set_encoding(&ps, YAML_UTF8_ENCODING);
	for (;;) {
		yaml_event_type_t type;

		if (!yaml_parser_parse(&ps, &ev)) {
			err = report_syntax(L, &ps, data, len);
			break;
		}
		type = ev.type;
		if (type == YAML_SEQUENCE_START_EVENT ||
		    type == YAML_MAPPING_START_EVENT) {
			if (++depth > DEPTH_MAX) {
				struct topo_pos pos = {
					(unsigned)ev.start_mark.line + 1,
					(unsigned)ev.start_mark.column + 1,
				};

				ld_report(L, pos, "invalid YAML: nested more than %d levels deep; a lab file needs 4",
				       DEPTH_MAX);
				err = L->err ? L->err : -EINVAL;
				yaml_event_delete(&ev);
				break;
			}
		} else if (type == YAML_SEQUENCE_END_EVENT ||
			   type == YAML_MAPPING_END_EVENT) {
			depth--;
		}
		yaml_event_delete(&ev);
		if (type == YAML_STREAM_END_EVENT)
			break;
	}
	yaml_parser_delete(&ps);
	return err;
}

/*
 * File → model.  0 with the problems found in d (none when the file is
 * fine), -EINVAL after a YAML syntax error (nothing else is reported), or
 * -ENOMEM.
 */
static int topo_parse(const char *data, size_t len, struct topo *t,
		      struct topo_diags *d)
{
	struct loader L = { .t = t, .d = d };
	yaml_document_t doc, extra;
	yaml_parser_t ps;
	yaml_node_t *root;
	int err;

	err = check_depth(&L, data, len);
	if (err)
		return err;
	if (!yaml_parser_initialize(&ps))
		return -ENOMEM;
	yaml_parser_set_input_string(&ps, (const unsigned char *)data, len);
	/* Positions are counted in UTF-8; a UTF-16 file is an error. */
	yaml_parser_set_encoding(&ps, YAML_UTF8_ENCODING);
	if (!yaml_parser_load(&ps, &doc)) {
		err = report_syntax(&L, &ps, data, len);
		yaml_parser_delete(&ps);
		return err;
	}
	if (!yaml_parser_load(&ps, &extra)) {
		err = report_syntax(&L, &ps, data, len);
		goto out_doc;
	}
	root = yaml_document_get_root_node(&extra);
	if (root)
		ld_report(&L, ld_pos_of(root), "a second YAML document; a lab file holds one");
	yaml_document_delete(&extra);

	L.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	/* "---" alone, or only comments: nothing to load either way. */
	if (!root || ld_is_null(root)) {
		struct topo_pos start = { 1, 1 };

		ld_report(&L, start, "empty file: a lab needs at least 'name' and 'nodes'");
	} else {
		load_top(&L, root);
	}
	err = L.err;
	free(L.names);
	free(L.byname);
out_doc:
	yaml_document_delete(&doc);
	yaml_parser_delete(&ps);
	return err;
}

static void topo_defaults(struct topo *t)
{
	t->anycast_prefix.addr = 0x68100000;	/* 104.16.0.0/24 */
	t->anycast_prefix.len = 24;
	t->anycast_addr = 0x68100001;		/* 104.16.0.1 */
	t->link_pool.addr = 0x64400000;		/* 100.64.0.0/16 */
	t->link_pool.len = 16;
	t->loopback_pool.addr = 0x647f0000;	/* 100.127.0.0/24 */
	t->loopback_pool.len = 24;
	t->hold_time = 3;
	t->connect_retry = 1;
	t->daemon = TOPO_DAEMON_BUILTIN;
	t->session.max_prefix = TOPO_MAXPFX_DEFAULT;
	t->session.max_prefix_action = TOPO_MAXPFX_RESTART;
	t->session.max_prefix_restart = TOPO_MAXPFX_RESTART_DEFAULT;
	t->session.ttl_security = true;
	t->policy.local_pref[BGP_ROLE_NONE] = BGP_LP_NONE;
	t->policy.local_pref[BGP_ROLE_CUSTOMER] = BGP_LP_CUSTOMER;
	t->policy.local_pref[BGP_ROLE_PEER] = BGP_LP_PEER;
	t->policy.local_pref[BGP_ROLE_PROVIDER] = BGP_LP_PROVIDER;
	t->dns.ttl = TOPO_DNS_TTL_DEFAULT;
	t->dns.rate = TOPO_DNS_RATE_DEFAULT;
	t->dns.burst = TOPO_DNS_BURST_DEFAULT;
	t->dns.slip = TOPO_DNS_SLIP_DEFAULT;
}

int topo_load_buf(const char *file, const char *data, size_t len,
		  struct topo *t, struct topo_diags *d)
{
	size_t n0 = d->n, e0 = d->errors;
	int err;

	memset(t, 0, sizeof(*t));
	if (!data)
		data = "";
	/* Some editors start UTF-8 files with a byte order mark; libyaml,
	 * told the encoding, would take it for text on the first line. */
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		len -= 3;
	}
	topo_defaults(t);
	t->file = strdup(file);
	if (!t->file)
		return -ENOMEM;
	err = topo_parse(data, len, t, d);
	if (err == 0 || err == -EINVAL) {
		if (err == 0) {
			err = topo_validate(t, d);
			if (err == -EINVAL)
				err = 0;
		}
		/* Warnings alone leave the file good. */
		if (err == 0 && d->errors > e0)
			err = -EINVAL;
	}
	if (err == 0)
		err = topo_plan(t);
	if (d->n > n0) {
		struct topo_diags mine = { .v = d->v + n0, .n = d->n - n0,
					    .cap = d->n - n0 };

		topo_diags_sort(&mine);
	}
	if (err)
		topo_free(t);
	/* Out of memory: a partial list of problems would mislead. */
	if (err && err != -EINVAL) {
		d->n = n0;
		d->errors = e0;
	}
	return err;
}

int topo_load_file(const char *path, struct topo *t, struct topo_diags *d)
{
	size_t len = 0, cap = 0;
	char *data = NULL;
	FILE *f;
	int err;

	f = fopen(path, "re");
	if (!f)
		return -errno;
	for (;;) {
		size_t n;

		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 65536;
			char *p = realloc(data, ncap);

			if (!p) {
				err = -ENOMEM;
				goto out;
			}
			data = p;
			cap = ncap;
		}
		n = fread(data + len, 1, cap - len, f);
		len += n;
		if (n == 0) {
			if (ferror(f)) {
				err = errno ? -errno : -EIO;
				goto out;
			}
			break;
		}
	}
	err = topo_load_buf(path, data, len, t, d);
out:
	free(data);
	fclose(f);
	return err;
}

/*
 * The loader: every way the format lets a lab be written (block and flow
 * style, both link forms, comments, quoting, anchors), what ends up in the
 * model, positions in messages (UTF-8 and CRLF included), and inputs that
 * are empty, not a mapping, huge or deeply nested.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo/topo.h"

static int load(const char *yaml, struct topo *t, struct topo_diags *d)
{
	return topo_load_buf("lab.yaml", yaml, strlen(yaml), t, d);
}

static char *plan_text(const struct topo *t)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	cr_assert_not_null(f);
	topo_print_plan(t, f);
	fclose(f);
	return out;
}

/* Load text that must be valid; fails the test with the messages if not. */
static void load_ok(const char *yaml, struct topo *t)
{
	struct topo_diags d = { 0 };
	int err = load(yaml, t, &d);

	if (err) {
		char *out = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&out, &len);

		topo_diags_print(&d, "lab.yaml", f);
		fclose(f);
		cr_assert_fail("load failed (%d):\n%s", err, out);
	}
	cr_assert_eq(d.n, 0);
}

static char *diags_of(const char *yaml, size_t len)
{
	struct topo_diags d = { 0 };
	struct topo t;
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);

	cr_assert_eq(topo_load_buf("lab.yaml", yaml, len, &t, &d), -EINVAL);
	topo_diags_print(&d, "lab.yaml", f);
	fclose(f);
	topo_diags_free(&d);
	return out;
}

static const char flow_lab[] =
	"name: lab\n"
	"nodes: {p: {kind: pop, asn: 64500, city: Paris, lat: 48.86, lon: 2.35},"
	" i: {kind: isp, asn: 64501}, u: {kind: user}}\n"
	"links: [[u, i], {endpoints: [i, p], delay: 2ms}]\n";

static const char block_lab[] =
	"# the same lab, written out long-hand\n"
	"name: lab   # trailing comment\n"
	"\n"
	"nodes:\n"
	"  # a comment between keys\n"
	"  p:\n"
	"    kind: pop\n"
	"    asn: 64500\n"
	"    city: Paris\n"
	"    lat: 48.86\n"
	"    lon: 2.35\n"
	"  i:\n"
	"    kind: isp\n"
	"    asn: 64501\n"
	"  u:\n"
	"    kind: user\n"
	"links:\n"
	"  - - u\n"
	"    - i\n"
	"  - endpoints:\n"
	"      - i\n"
	"      - p\n"
	"    delay: 2ms\n";

Test(load, flow_and_block_style_agree)
{
	struct topo a, b;
	char *pa, *pb;

	load_ok(flow_lab, &a);
	load_ok(block_lab, &b);
	pa = plan_text(&a);
	pb = plan_text(&b);
	cr_assert_str_eq(pa, pb);
	free(pa);
	free(pb);
	topo_free(&a);
	topo_free(&b);
}

Test(load, model_fields)
{
	struct topo t;
	const struct topo_node *p, *u;

	load_ok(block_lab, &t);
	cr_assert_str_eq(t.file, "lab.yaml");
	cr_assert_str_eq(t.name, "lab");
	cr_assert_eq(t.nnodes, 3);
	cr_assert_eq(t.nlinks, 2);
	p = &t.nodes[0];
	u = &t.nodes[2];
	cr_assert_str_eq(p->name, "p");
	cr_assert_eq(p->kind, TOPO_KIND_POP);
	cr_assert_eq(p->asn, 64500);
	cr_assert_str_eq(p->city, "Paris");
	cr_assert(p->has_lat && p->has_lon);
	cr_assert_float_eq(p->lat, 48.86, 1e-12);
	cr_assert_float_eq(p->lon, 2.35, 1e-12);
	cr_assert_eq(p->pos.line, 6);
	cr_assert_eq(p->pos.col, 3);
	cr_assert_eq(p->asn_pos.line, 8);
	cr_assert_eq(p->asn_pos.col, 10);
	cr_assert_eq(u->kind, TOPO_KIND_USER);
	cr_assert_eq(u->asn, 0);
	cr_assert_null(u->city);
	cr_assert(!u->has_lat && !u->has_lon);
	cr_assert_eq(t.links[0].a, 2);
	cr_assert_eq(t.links[0].b, 1);
	cr_assert_eq(t.links[0].pos.line, 18);
	cr_assert_eq(t.links[0].pos.col, 5);
	cr_assert_eq(t.links[0].delay_us, 0);
	cr_assert_eq(t.links[1].a, 1);
	cr_assert_eq(t.links[1].b, 0);
	cr_assert_eq(t.links[1].delay_us, 2000);
	cr_assert_eq(t.nodes_pos.line, 4);
	cr_assert_eq(t.links_pos.line, 17);
	topo_free(&t);
}

Test(load, defaults_when_sections_are_absent)
{
	struct topo t;
	char a[PREFIX4_STRLEN];

	load_ok(flow_lab, &t);
	cr_assert_str_eq(prefix4_str(&t.anycast_prefix, a), "104.16.0.0/24");
	cr_assert_eq(t.anycast_addr, 0x68100001);
	cr_assert_str_eq(prefix4_str(&t.link_pool, a), "100.64.0.0/16");
	cr_assert_str_eq(prefix4_str(&t.loopback_pool, a), "100.127.0.0/24");
	cr_assert_eq(t.hold_time, 3);
	cr_assert_eq(t.connect_retry, 1);
	cr_assert_eq(t.daemon, TOPO_DAEMON_BUILTIN);
	cr_assert_eq(t.anycast_prefix_pos.line, 0);
	cr_assert_eq(t.link_pool_pos.line, 0);
	topo_free(&t);
}

Test(load, every_setting)
{
	struct topo t;
	char a[PREFIX4_STRLEN];

	load_ok("name: full\n"
		"anycast: {prefix: 198.51.100.0/24, address: 198.51.100.7}\n"
		"addressing: {links: 10.0.0.0/24, loopbacks: 10.1.0.0/24}\n"
		"defaults: {hold-time: 0, connect-retry: 30, daemon: frr}\n"
		"nodes:\n"
		"  p: {kind: pop, asn: 4200000000, daemon: bird}\n"
		"  i: {kind: isp, asn: 1}\n"
		"links:\n"
		"  - {endpoints: [i, p], delay: 1s, loss: 100%, rate: 1000gbit}\n", &t);
	cr_assert_str_eq(prefix4_str(&t.anycast_prefix, a), "198.51.100.0/24");
	cr_assert_eq(t.anycast_addr, 0xc6336407);
	cr_assert_str_eq(prefix4_str(&t.link_pool, a), "10.0.0.0/24");
	cr_assert_str_eq(prefix4_str(&t.loopback_pool, a), "10.1.0.0/24");
	cr_assert_eq(t.hold_time, 0);
	cr_assert_eq(t.connect_retry, 30);
	cr_assert_eq(t.daemon, TOPO_DAEMON_FRR);
	cr_assert_eq(t.nodes[0].daemon, TOPO_DAEMON_BIRD);
	cr_assert_eq(t.nodes[1].daemon, TOPO_DAEMON_FRR);
	cr_assert_eq(t.nodes[0].asn, 4200000000u);
	cr_assert_eq(t.links[0].delay_us, 1000000);
	cr_assert_eq(t.links[0].loss_ppm, 1000000);
	cr_assert_eq(t.links[0].rate_bps, 1000000000000ull);
	cr_assert_eq(t.anycast_prefix_pos.line, 2);
	cr_assert_eq(t.anycast_prefix_pos.col, 19);
	cr_assert_eq(t.anycast_addr_pos.col, 45);
	topo_free(&t);
}

struct netem_case {
	const char *text;
	uint32_t delay_us, loss_ppm;
	uint64_t rate_bps;
};

Test(load, netem_units)
{
	static const struct netem_case cases[] = {
		{ "delay: 2ms", 2000, 0, 0 },
		{ "delay: 500us", 500, 0, 0 },
		{ "delay: 1s", 1000000, 0, 0 },
		{ "delay: 1.25ms", 1250, 0, 0 },
		{ "delay: 0ms", 0, 0, 0 },
		{ "delay: 60s", 60000000, 0, 0 },
		{ "delay: 2MS", 2000, 0, 0 },
		{ "loss: 0.5%", 0, 5000, 0 },
		{ "loss: 0.0001%", 0, 1, 0 },
		{ "loss: 3%", 0, 30000, 0 },
		{ "rate: 10mbit", 0, 0, 10000000 },
		{ "rate: 1gbit", 0, 0, 1000000000 },
		{ "rate: 100kbit", 0, 0, 100000 },
		{ "rate: 1.5mbit", 0, 0, 1500000 },
		{ "rate: 9600bit", 0, 0, 9600 },
		{ "rate: 10Mbit", 0, 0, 10000000 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char yaml[256];
		struct topo t;

		snprintf(yaml, sizeof(yaml),
			 "name: lab\nnodes: {p: {kind: pop, asn: 1}, i: {kind: isp, asn: 2}}\n"
			 "links: [{endpoints: [i, p], %s}]\n", cases[i].text);
		load_ok(yaml, &t);
		cr_assert_eq(t.links[0].delay_us, cases[i].delay_us, "%s", cases[i].text);
		cr_assert_eq(t.links[0].loss_ppm, cases[i].loss_ppm, "%s", cases[i].text);
		cr_assert_eq(t.links[0].rate_bps, cases[i].rate_bps, "%s", cases[i].text);
		topo_free(&t);
	}
}

Test(load, quoted_and_plain_scalars)
{
	struct topo t;

	load_ok("name: 'lab'\n"
		"nodes:\n"
		"  \"p\": {kind: 'pop', asn: \"64500\", city: 'It''s here'}\n"
		"  i: {kind: isp, asn: 64501, city: \"Tab\\u00e9 \\\"quoted\\\"\"}\n"
		"links: [['i', \"p\"]]\n", &t);
	cr_assert_str_eq(t.nodes[0].name, "p");
	cr_assert_eq(t.nodes[0].asn, 64500);
	cr_assert_str_eq(t.nodes[0].city, "It's here");
	cr_assert_str_eq(t.nodes[1].city, "Tab\xc3\xa9 \"quoted\"");
	topo_free(&t);
}

Test(load, utf8_city_names)
{
	struct topo t;

	load_ok("name: lab\n"
		"nodes:\n"
		"  gru: {kind: pop, asn: 13335, city: São Paulo}\n"
		"  vivo: {kind: isp, asn: 26599, city: \"Zürich – Ørsted 東京\"}\n"
		"links: [[vivo, gru]]\n", &t);
	cr_assert_str_eq(t.nodes[0].city, "S\xc3\xa3o Paulo");
	cr_assert_str_eq(t.nodes[1].city, "Zürich – Ørsted 東京");
	topo_free(&t);
}

/* Columns count characters, not bytes: "ã" is one column. */
Test(load, positions_count_characters)
{
	static const char yaml[] =
		"name: lab\nnodes:\n  gru: {kind: pop, city: São Paulo, asn: x}\n"
		"  i: {kind: isp, asn: 1}\nlinks: [[i, gru]]\n";
	char *got = diags_of(yaml, strlen(yaml));

	/* "  gru: {kind: pop, city: São Paulo, asn: " is 41 characters. */
	cr_assert_str_eq(got, "lab.yaml:3:42: error: node 'gru': asn 'x' is not an integer; write plain digits, 1..4294967294\n");
	free(got);
}

Test(load, positions_with_crlf)
{
	static const char yaml[] =
		"name: lab\r\nnodes:\r\n  p: {kind: pop, asn: 64500}\r\n"
		"  i: {kind: isp, asn: 64501, lat: 100, lon: 0}\r\nlinks:\r\n  - [i, p]\r\n";
	char *got = diags_of(yaml, strlen(yaml));

	cr_assert_str_eq(got, "lab.yaml:4:35: error: node 'i': lat 100 is out of range; use -90..90\n");
	free(got);
}

Test(load, position_of_bad_byte)
{
	static const char yaml[] = "name: lab\nnodes:\n  # caf\xc3\n  p: {kind: pop}\n";
	char *got = diags_of(yaml, strlen(yaml));

	cr_assert_str_eq(got, "lab.yaml:3:8: error: not UTF-8 text: byte 0xc3 starts no valid character; save the file as UTF-8\n");
	free(got);
}

Test(load, nul_byte_in_input)
{
	static const char yaml[] = "name: lab\nnodes: {p: {kind: pop}}\0\n";
	char *got = diags_of(yaml, sizeof(yaml) - 1);

	cr_assert_str_eq(got, "lab.yaml:2:24: error: invalid YAML: control characters are not allowed (U+0000)\n");
	free(got);
}

/* Only len bytes are read: what follows in memory is not the file. */
Test(load, reads_only_len_bytes)
{
	static const char yaml[] = "name: lab\nnodes: {p: {kind: pop, asn: 1}, i: {kind: isp, asn: 2}}\n"
				   "links: [[i, p]]\nTRAILING GARBAGE: [";
	struct topo_diags d = { 0 };
	struct topo t;

	cr_assert_eq(topo_load_buf("lab.yaml", yaml, strchr(yaml, 'T') - yaml, &t, &d), 0);
	topo_free(&t);
}

Test(load, empty_input)
{
	char *got = diags_of("", 0);

	cr_assert_str_eq(got, "lab.yaml:1:1: error: empty file: a lab needs at least 'name' and 'nodes'\n");
	free(got);
	got = diags_of("\n\n   \n", 6);
	cr_assert_str_eq(got, "lab.yaml:1:1: error: empty file: a lab needs at least 'name' and 'nodes'\n");
	free(got);
	got = diags_of("---\n...\n", 8);
	cr_assert_str_eq(got, "lab.yaml:1:1: error: empty file: a lab needs at least 'name' and 'nodes'\n");
	free(got);
}

Test(load, top_level_not_a_mapping)
{
	char *got = diags_of("\n\n\"just text\"\n", 14);

	cr_assert_str_eq(got, "lab.yaml:3:1: error: the top level must be a mapping (name: ..., nodes: ..., links: ...), not a single value\n");
	free(got);
	got = diags_of("[1, 2]", 6);
	cr_assert_str_eq(got, "lab.yaml:1:1: error: the top level must be a mapping (name: ..., nodes: ..., links: ...), not a list\n");
	free(got);
}

Test(load, anchors_and_aliases)
{
	struct topo t;

	load_ok("name: lab\n"
		"nodes:\n"
		"  p1: &pop {kind: pop, asn: 64500}\n"
		"  p2: *pop\n"
		"  i: {kind: isp, asn: &as 64501}\n"
		"links:\n"
		"  - &l [i, p1]\n"
		"  - [i, p2]\n", &t);
	cr_assert_eq(t.nnodes, 3);
	cr_assert_eq(t.nodes[1].kind, TOPO_KIND_POP);
	cr_assert_eq(t.nodes[1].asn, 64500);
	topo_free(&t);
}

Test(load, undefined_alias_is_a_syntax_error)
{
	static const char yaml[] = "name: lab\nnodes: *nodes\n";
	char *got = diags_of(yaml, strlen(yaml));

	cr_assert_str_eq(got, "lab.yaml:2:8: error: invalid YAML: found undefined alias\n");
	free(got);
}

/* A node may be called "null"; links name it and printing keeps it. */
Test(load, node_called_null)
{
	struct topo t;

	load_ok("name: lab\nnodes: {null: {kind: pop, asn: 1}, i: {kind: isp, asn: 2}}\n"
		"links: [[i, null]]\n", &t);
	cr_assert_str_eq(t.nodes[0].name, "null");
	cr_assert_eq(t.links[0].b, 0);
	topo_free(&t);
}

Test(load, empty_links_and_sections)
{
	struct topo t;

	load_ok("name: lab\nanycast:\naddressing:\ndefaults:\nnodes:\n"
		"  i: {kind: isp, asn: 1}\nlinks:\n", &t);
	cr_assert_eq(t.nlinks, 0);
	cr_assert_eq(t.hold_time, 3);
	topo_free(&t);
}

Test(load, lookups)
{
	struct topo t;
	const struct topo_link *l;

	load_ok(flow_lab, &t);
	cr_assert_eq(topo_node_find(&t, "p"), 0);
	cr_assert_eq(topo_node_find(&t, "u"), 2);
	cr_assert_eq(topo_node_find(&t, "x"), -1);
	l = topo_link_find(&t, 1, 0);
	cr_assert_eq(l, &t.links[1]);
	cr_assert_eq(topo_link_find(&t, 0, 1), l);
	cr_assert_null(topo_link_find(&t, 0, 2));
	cr_assert_eq(topo_link_peer(l, 0), 1);
	cr_assert_eq(topo_link_peer(l, 1), 0);
	cr_assert_eq(topo_link_addr(l, 1), l->addr_a);
	cr_assert_eq(topo_link_addr(l, 0), l->addr_b);
	cr_assert_str_eq(topo_kind_name(TOPO_KIND_POP), "pop");
	cr_assert_str_eq(topo_kind_name(TOPO_KIND_ISP), "isp");
	cr_assert_str_eq(topo_kind_name(TOPO_KIND_USER), "user");
	cr_assert_str_eq(topo_daemon_name(TOPO_DAEMON_BUILTIN), "builtin");
	cr_assert_str_eq(topo_daemon_name(TOPO_DAEMON_BIRD), "bird");
	cr_assert_str_eq(topo_daemon_name(TOPO_DAEMON_FRR), "frr");
	topo_free(&t);
}

Test(load, file_errors)
{
	struct topo_diags d = { 0 };
	struct topo t;

	cr_assert_eq(topo_load_file("/nonexistent/lab.yaml", &t, &d), -ENOENT);
	cr_assert_eq(d.n, 0);
	cr_assert_eq(topo_load_file("/", &t, &d), -EISDIR);
	cr_assert_eq(d.n, 0);
}

Test(load, file_names_itself_in_messages)
{
	struct topo_diags d = { 0 };
	struct topo t;

	cr_assert_eq(topo_load_file(SOURCE_ROOT "/topologies/world.yaml", &t, &d), 0);
	cr_assert_str_eq(t.file, SOURCE_ROOT "/topologies/world.yaml");
	topo_free(&t);
}

/* Diagnostics are appended: earlier ones survive, new ones are sorted. */
Test(load, diags_append)
{
	struct topo_diags d = { 0 };
	struct topo_pos far = { 100, 1 };
	struct topo t;

	topo_diag_add(&d, far, "earlier");
	cr_assert_eq(load("name: x\nnodes: {p: {kind: pop}}\n", &t, &d), -EINVAL);
	cr_assert_eq(d.n, 3);
	cr_assert_str_eq(d.v[0].msg, "earlier");
	cr_assert_eq(d.v[1].pos.line, 2);
	cr_assert_str_eq(d.v[1].msg, "node 'p': missing 'asn': a pop speaks BGP and needs an AS number, 1..4294967294");
	cr_assert_str_eq(d.v[2].msg, "node 'p': a pop needs a link to an ISP, e.g. - [<isp>, p]");
	topo_diags_free(&d);
	cr_assert_eq(d.n, 0);
	cr_assert_null(d.v);
}

/* A big lab loads, and fast enough (lookups are not quadratic). */
Test(load, huge_lab, .timeout = 30)
{
	char *yaml = NULL;
	size_t len = 0, i, n = 4000;
	FILE *f = open_memstream(&yaml, &len);
	struct topo t;
	char a[IP4_STRLEN];

	fputs("name: big\naddressing: {links: 10.0.0.0/16, loopbacks: 10.1.0.0/16}\nnodes:\n", f);
	fputs("  p: {kind: pop, asn: 64500}\n", f);
	for (i = 0; i < n; i++)
		fprintf(f, "  isp%zu: {kind: isp, asn: %zu}\n  u%zu: {kind: user}\n",
			i, 100000 + i, i);
	fputs("links:\n", f);
	for (i = 0; i < n; i++)
		fprintf(f, "  - [isp%zu, %s]\n  - [u%zu, isp%zu]\n", i,
			i ? "isp0" : "p", i, i);
	fclose(f);
	load_ok(yaml, &t);
	cr_assert_eq(t.nnodes, 2 * n + 1);
	cr_assert_eq(t.nlinks, 2 * n);
	cr_assert_str_eq(ip4_str(t.nodes[2 * n - 1].router_id, a), "10.1.15.161");
	cr_assert_str_eq(ip4_str(t.links[2 * n - 1].addr_b, a), "10.0.62.127");
	topo_free(&t);
	free(yaml);
}

static char *nested(const char *head, size_t depth, const char *tail)
{
	size_t hl = strlen(head), i;
	char *yaml = malloc(hl + 2 * depth + strlen(tail) + 1), *p;

	cr_assert_not_null(yaml);
	memcpy(yaml, head, hl);
	p = yaml + hl;
	for (i = 0; i < depth; i++)
		*p++ = '[';
	for (i = 0; i < depth; i++)
		*p++ = ']';
	strcpy(p, tail);
	return yaml;
}

/*
 * Deep nesting is refused before libyaml composes it (its scanner slows
 * down with every level: 100000 levels took minutes), and fast.
 */
Test(load, deep_nesting, .timeout = 10)
{
	char *yaml = nested("name: lab\nextra: ", 100000, "\nnodes: {i: {kind: isp, asn: 1}}\n");
	char *got = diags_of(yaml, strlen(yaml));

	/* The top-level mapping is level 1: the 64th '[' is level 65. */
	cr_assert_str_eq(got, "lab.yaml:2:71: error: invalid YAML: nested more than 64 levels deep; a lab file needs 4\n");
	free(got);
	free(yaml);
}

Test(load, deep_nesting_in_links, .timeout = 10)
{
	char *yaml = nested("name: lab\nnodes: {i: {kind: isp, asn: 1}}\nlinks:\n  - ", 50000, "\n");
	char *got = diags_of(yaml, strlen(yaml));

	cr_assert_str_eq(got, "lab.yaml:4:67: error: invalid YAML: nested more than 64 levels deep; a lab file needs 4\n");
	free(got);
	free(yaml);
}

Test(load, nesting_at_the_limit)
{
	char *yaml = nested("name: lab\nextra: ", 63, "\nnodes: {i: {kind: isp, asn: 1}}\n");
	char *got = diags_of(yaml, strlen(yaml));

	cr_assert_str_eq(got, "lab.yaml:2:1: error: unknown key 'extra' (expected name, anycast, addressing, defaults, nodes, links or dns)\n");
	free(got);
	free(yaml);
}

/* An alias may point at the node being defined; nothing loops. */
Test(load, recursive_alias)
{
	static const char yaml[] = "name: lab\nnodes: {i: {kind: isp, asn: 1}}\nlinks: &l [*l, *l]\n";
	char *got = diags_of(yaml, strlen(yaml));

	cr_assert_str_eq(got,
		"lab.yaml:3:8: error: links: item 1 must be [a, b] or {endpoints: [a, b], delay: 2ms}, not a list holding a list\n"
		"lab.yaml:3:8: error: links: item 2 must be [a, b] or {endpoints: [a, b], delay: 2ms}, not a list holding a list\n");
	free(got);
}

/* Editors on some systems begin UTF-8 files with a byte order mark. */
Test(load, utf8_bom)
{
	static const char yaml[] = "\xef\xbb\xbfname: Lab\nnodes: {i: {kind: isp, asn: 1}}\n";
	char *got = diags_of(yaml, strlen(yaml));

	cr_assert_str_eq(got, "lab.yaml:1:7: error: lab name 'Lab' may only use a-z, 0-9 and '-' (did you mean 'lab'?)\n");
	free(got);
}

Test(load, utf16_refused)
{
	static const char yaml[] = "\xff\xfen\0a\0m\0e\0";
	char *got = diags_of(yaml, sizeof(yaml) - 1);

	cr_assert_str_eq(got, "lab.yaml:1:1: error: not UTF-8 text: byte 0xff starts no valid character; save the file as UTF-8\n");
	free(got);
}

Test(load, anchor_defined_twice)
{
	static const char yaml[] = "name: lab\nnodes: {a: &x {kind: isp, asn: 1}, b: &x {kind: isp, asn: 2}}\n";
	char *got = diags_of(yaml, strlen(yaml));

	cr_assert_str_eq(got, "lab.yaml:2:39: error: invalid YAML: anchor defined twice (first at 2:12)\n");
	free(got);
}

/* Session keys: built-in defaults, defaults: over them, a node over
 * defaults:, a link's password over the lab's; and back through the YAML
 * printer to the same settings. */
Test(load, session_keys)
{
	static const char yaml[] =
		"name: s\n"
		"defaults: {max-prefix: 500, max-prefix-action: warn, password: lab-key,\n"
		"  send-hold-time: 5}\n"
		"nodes:\n"
		"  p: {kind: pop, asn: 1, max-prefix-restart: 7, ttl-security: false}\n"
		"  i: {kind: isp, asn: 2, max-prefix: 0, max-prefix-action: stop,\n"
		"      ttl-security: false}\n"
		"  j: {kind: isp, asn: 3, daemon: none}\n"
		"links:\n"
		"  - [p, i]\n"
		"  - {endpoints: [i, j], password: link-key}\n";
	struct topo t, t2, t0;
	struct topo_session s;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	load_ok("name: z\nnodes: {p: {kind: pop, asn: 1}, i: {kind: isp, asn: 2}}\n"
		"links: [[p, i]]\n", &t0);
	topo_node_session(&t0, 0, &s);
	cr_assert_eq(s.max_prefix, 10000);
	cr_assert_eq(s.max_prefix_action, TOPO_MAXPFX_RESTART);
	cr_assert_eq(s.max_prefix_restart, 30);
	cr_assert(s.ttl_security);
	cr_assert_str_empty(topo_link_password(&t0, &(struct topo_link){ 0 }));
	topo_free(&t0);

	load_ok(yaml, &t);
	topo_node_session(&t, 0, &s);
	cr_assert_eq(s.max_prefix, 500);
	cr_assert_eq(s.max_prefix_action, TOPO_MAXPFX_WARN);
	cr_assert_eq(s.max_prefix_restart, 7);
	cr_assert_not(s.ttl_security);
	topo_node_session(&t, 1, &s);
	cr_assert_eq(s.max_prefix, 0);
	cr_assert_eq(s.max_prefix_action, TOPO_MAXPFX_STOP);
	cr_assert_not(s.ttl_security);
	cr_assert_eq(s.max_prefix_restart, 30);
	cr_assert_str_eq(topo_link_password(&t, &t.links[0]), "lab-key");
	cr_assert_str_eq(topo_link_password(&t, &t.links[1]), "link-key");

	f = open_memstream(&out, &len);
	topo_print_yaml(&t, f);
	fclose(f);
	load_ok(out, &t2);
	for (size_t i = 0; i < 3; i++) {
		struct topo_session a, b;

		topo_node_session(&t, i, &a);
		topo_node_session(&t2, i, &b);
		cr_assert_eq(a.max_prefix, b.max_prefix, "%zu", i);
		cr_assert_eq(a.max_prefix_action, b.max_prefix_action, "%zu", i);
		cr_assert_eq(a.max_prefix_restart, b.max_prefix_restart, "%zu", i);
		cr_assert_eq(a.ttl_security, b.ttl_security, "%zu", i);
	}
	cr_assert_str_eq(topo_link_password(&t2, &t2.links[1]), "link-key");
	cr_assert_eq(t.send_hold_time, 5);
	cr_assert_eq(t2.send_hold_time, 5);
	cr_assert_str_eq(topo_link_password(&t2, &t2.links[0]), "lab-key");
	free(out);
	topo_free(&t);
	topo_free(&t2);
}

Test(load, session_key_errors)
{
	static const char yaml[] =
		"name: s\n"
		"defaults: {max-prefix: lots, password: \"has space\"}\n"
		"nodes:\n"
		"  p: {kind: pop, asn: 1, max-prefix-action: reboot, ttl-security: yes}\n"
		"  u: {kind: user, max-prefix: 5}\n"
		"links:\n"
		"  - [p, u]\n";
	char *got = diags_of(yaml, strlen(yaml));

	cr_assert(strstr(got, "lab.yaml:2:24: error: defaults: max-prefix 'lots' is not a number of prefixes"), "%s", got);
	cr_assert(strstr(got, "lab.yaml:2:40: error: defaults: password holds a character other than"), "%s", got);
	cr_assert(strstr(got, "unknown max-prefix-action 'reboot' (did you mean 'restart'?)") ||
		  strstr(got, "unknown max-prefix-action 'reboot' (expected restart, warn or stop)"), "%s", got);
	cr_assert(strstr(got, "'ttl-security' is true or false, not 'yes'"), "%s", got);
	cr_assert(strstr(got, "node 'u': a user speaks no BGP; remove 'max-prefix'"), "%s", got);
	/* The key is never echoed. */
	cr_assert_null(strstr(got, "has space"), "%s", got);
	free(got);
}

/* GTSM on one end only is refused (test_topo_validate); a daemon: none
 * end brings its own configuration and is not checked, and the session
 * towards it has GTSM only when it says ttl-security: true itself. */
Test(load, gtsm_towards_daemon_none)
{
	struct topo t;

	load_ok("name: g\nnodes:\n  p: {kind: pop, asn: 1}\n"
		"  i: {kind: isp, asn: 2, daemon: none}\n"
		"  j: {kind: isp, asn: 3, daemon: none, ttl-security: true}\n"
		"  k: {kind: isp, asn: 4}\n"
		"links: [[p, i], [p, j], [p, k]]\n", &t);
	cr_assert_not(topo_session_gtsm(&t, 0, 1));
	cr_assert(topo_session_gtsm(&t, 0, 2));
	cr_assert(topo_session_gtsm(&t, 0, 3));
	cr_assert(topo_session_gtsm(&t, 3, 0));
	topo_free(&t);
	load_ok("name: g\nnodes:\n  p: {kind: pop, asn: 1, ttl-security: false}\n"
		"  i: {kind: isp, asn: 2, daemon: none}\nlinks: [[p, i]]\n", &t);
	cr_assert_not(topo_session_gtsm(&t, 0, 1));
	topo_free(&t);
}

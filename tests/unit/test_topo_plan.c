/*
 * The planner and the printers: the same file always gives the same plan;
 * links take /31s and routers /32s in file order, up to the exact edge of
 * their pools; interfaces are named after the peer; users get their ISP's
 * address as gateway; the YAML printer loads back to the same plan; and
 * the catchment predictor on small, hand-checked graphs.
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

static void load_ok(const char *yaml, struct topo *t)
{
	struct topo_diags d = { 0 };
	int err = load(yaml, t, &d);

	cr_assert_eq(err, 0, "load failed (%d): %s", err,
		     d.n ? d.v[0].msg : "");
}

static char *plan_text(const struct topo *t)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	topo_print_plan(t, f);
	fclose(f);
	return out;
}

static char *yaml_text(const struct topo *t)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	topo_print_yaml(t, f);
	fclose(f);
	return out;
}

static char *file_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;

	cr_assert_not_null(f, "%s", path);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = malloc((size_t)len + 1);
	cr_assert_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

static const char *ip(uint32_t a)
{
	static char buf[4][IP4_STRLEN];
	static unsigned i;

	return ip4_str(a, buf[i++ % 4]);
}

Test(plan, deterministic)
{
	char *yaml = file_text(SOURCE_ROOT "/topologies/world.yaml");
	struct topo a, b;
	char *pa, *pb, *ya, *yb;

	load_ok(yaml, &a);
	load_ok(yaml, &b);
	pa = plan_text(&a);
	pb = plan_text(&b);
	ya = yaml_text(&a);
	yb = yaml_text(&b);
	cr_assert_str_eq(pa, pb);
	cr_assert_str_eq(ya, yb);
	cr_assert(memcmp(a.links, b.links, a.nlinks * sizeof(*a.links)) == 0);
	free(pa);
	free(pb);
	free(ya);
	free(yb);
	topo_free(&a);
	topo_free(&b);
	free(yaml);
}

#define THREE_LINKS \
	"nodes:\n" \
	"  p: {kind: pop, asn: 1}\n" \
	"  i: {kind: isp, asn: 2}\n" \
	"  u: {kind: user}\n" \
	"  v: {kind: user}\n" \
	"links: [[i, p], [u, i], [i, v]]\n"

Test(plan, links_pool_exactly_big_enough)
{
	struct topo t;

	/* A /30 holds two /31s; three links need a /29: .0 to .7. */
	load_ok("name: lab\naddressing: {links: 10.9.8.0/29}\n" THREE_LINKS, &t);
	cr_assert_str_eq(ip(t.links[0].addr_a), "10.9.8.0");
	cr_assert_str_eq(ip(t.links[0].addr_b), "10.9.8.1");
	cr_assert_str_eq(ip(t.links[1].addr_a), "10.9.8.2");
	cr_assert_str_eq(ip(t.links[2].addr_a), "10.9.8.4");
	cr_assert_str_eq(ip(t.links[2].addr_b), "10.9.8.5");
	cr_assert_eq(t.links[2].net.len, 31);
	cr_assert_str_eq(ip(t.links[2].net.addr), "10.9.8.4");
	topo_free(&t);
}

Test(plan, links_pool_one_too_small)
{
	struct topo_diags d = { 0 };
	struct topo t;

	cr_assert_eq(load("name: lab\naddressing: {links: 10.9.8.0/30}\n" THREE_LINKS, &t, &d), -EINVAL);
	cr_assert_eq(d.n, 1);
	cr_assert_str_eq(d.v[0].msg, "addressing: links pool 10.9.8.0/30 holds 2 links (a /31 each) but the lab has 3; use a /29 or larger");
	topo_diags_free(&d);
}

Test(plan, links_pool_31_and_32)
{
	struct topo_diags d = { 0 };
	struct topo t;

	load_ok("name: lab\naddressing: {links: 10.0.0.6/31}\n"
		"nodes: {p: {kind: pop, asn: 1}, i: {kind: isp, asn: 2}}\nlinks: [[p, i]]\n", &t);
	cr_assert_str_eq(ip(t.links[0].addr_a), "10.0.0.6");
	cr_assert_str_eq(ip(t.links[0].addr_b), "10.0.0.7");
	topo_free(&t);
	cr_assert_eq(load("name: lab\naddressing: {links: 10.0.0.6/32}\n"
			  "nodes: {p: {kind: pop, asn: 1}, i: {kind: isp, asn: 2}}\nlinks: [[p, i]]\n",
			  &t, &d), -EINVAL);
	cr_assert_str_eq(d.v[0].msg, "addressing: links pool 10.0.0.6/32 holds 0 links (a /31 each) but the lab has 1; use a /31 or larger");
	topo_diags_free(&d);
}

Test(plan, loopbacks_pool_edges)
{
	struct topo_diags d = { 0 };
	struct topo t;

	/* A /30 gives .1 .2 .3: three routers fit, the pool's first
	 * address is never a router id. */
	load_ok("name: lab\naddressing: {loopbacks: 10.255.0.4/30}\n"
		"nodes: {p: {kind: pop, asn: 1}, u: {kind: user}, i: {kind: isp, asn: 2}, j: {kind: isp, asn: 3}}\n"
		"links: [[i, p], [j, p], [u, i]]\n", &t);
	cr_assert_str_eq(ip(t.nodes[0].router_id), "10.255.0.5");
	cr_assert_eq(t.nodes[1].router_id, 0);
	cr_assert_str_eq(ip(t.nodes[2].router_id), "10.255.0.6");
	cr_assert_str_eq(ip(t.nodes[3].router_id), "10.255.0.7");
	topo_free(&t);

	cr_assert_eq(load("name: lab\naddressing: {loopbacks: 10.255.0.4/30}\n"
			  "nodes: {p: {kind: pop, asn: 1}, i: {kind: isp, asn: 2}, j: {kind: isp, asn: 3}, k: {kind: isp, asn: 4}}\n"
			  "links: [[i, p], [j, p], [k, p]]\n", &t, &d), -EINVAL);
	cr_assert_eq(d.n, 1);
	cr_assert_str_eq(d.v[0].msg, "addressing: loopbacks pool 10.255.0.4/30 holds 3 router ids (a /32 each, from the second address on) but the lab has 4 routers; use a /29 or larger");
	topo_diags_free(&d);

	/* A /31 holds one router id: its odd address. */
	load_ok("name: lab\naddressing: {loopbacks: 10.255.0.8/31}\n"
		"nodes: {i: {kind: isp, asn: 2}}\n", &t);
	cr_assert_str_eq(ip(t.nodes[0].router_id), "10.255.0.9");
	topo_free(&t);
}

Test(plan, pools_off_a_16_boundary)
{
	struct topo t;

	load_ok("name: lab\naddressing: {links: 192.168.77.64/26, loopbacks: 192.168.78.128/25}\n"
		THREE_LINKS, &t);
	cr_assert_str_eq(ip(t.links[0].addr_a), "192.168.77.64");
	cr_assert_str_eq(ip(t.links[1].addr_a), "192.168.77.66");
	cr_assert_str_eq(ip(t.links[2].addr_b), "192.168.77.69");
	cr_assert_str_eq(ip(t.nodes[0].router_id), "192.168.78.129");
	cr_assert_str_eq(ip(t.nodes[1].router_id), "192.168.78.130");
	topo_free(&t);
}

/* The /31 math must carry across octets. */
Test(plan, link_addresses_cross_octets)
{
	char *yaml = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&yaml, &len);
	struct topo t;

	fputs("name: lab\naddressing: {links: 10.0.0.0/23}\nnodes:\n  p: {kind: pop, asn: 1}\n", f);
	for (i = 0; i < 200; i++)
		fprintf(f, "  i%zu: {kind: isp, asn: %zu}\n", i, i + 10);
	fputs("links:\n", f);
	for (i = 0; i < 200; i++)
		fprintf(f, "  - [i%zu, p]\n", i);
	fclose(f);
	load_ok(yaml, &t);
	cr_assert_str_eq(ip(t.links[127].addr_b), "10.0.0.255");
	cr_assert_str_eq(ip(t.links[128].addr_a), "10.0.1.0");
	cr_assert_str_eq(ip(t.links[199].addr_b), "10.0.1.143");
	topo_free(&t);
	free(yaml);
}

Test(plan, names_and_interfaces)
{
	struct topo t;
	const struct topo_link *l;

	load_ok("name: abcdefghijklmno\nnodes:\n"
		"  pop-in-sydney-1: {kind: pop, asn: 1}\n"
		"  isp: {kind: isp, asn: 2}\n"
		"links: [[isp, pop-in-sydney-1]]\n", &t);
	cr_assert_str_eq(t.nodes[0].netns, "abcdefghijklmno-pop-in-sydney-1");
	cr_assert_eq(strlen(t.nodes[0].netns), TOPO_NETNS_MAX);
	cr_assert_str_eq(t.nodes[1].netns, "abcdefghijklmno-isp");
	/* On isp, the interface toward the pop is named after the pop. */
	l = topo_link_find(&t, 1, 0);
	cr_assert_str_eq(t.nodes[topo_link_peer(l, 1)].name, "pop-in-sydney-1");
	cr_assert_str_eq(t.nodes[topo_link_peer(l, 0)].name, "isp");
	topo_free(&t);
}

Test(plan, router_ids_in_file_order_skip_users)
{
	struct topo t;

	load_ok("name: lab\nnodes:\n"
		"  u1: {kind: user}\n"
		"  i: {kind: isp, asn: 2}\n"
		"  u2: {kind: user}\n"
		"  p: {kind: pop, asn: 1}\n"
		"links: [[u1, i], [u2, i], [p, i]]\n", &t);
	cr_assert_eq(t.nodes[0].router_id, 0);
	cr_assert_str_eq(ip(t.nodes[1].router_id), "100.127.0.1");
	cr_assert_eq(t.nodes[2].router_id, 0);
	cr_assert_str_eq(ip(t.nodes[3].router_id), "100.127.0.2");
	topo_free(&t);
}

Test(plan, user_gateways_either_end)
{
	struct topo t;

	load_ok("name: lab\nnodes:\n"
		"  p: {kind: pop, asn: 1}\n"
		"  i: {kind: isp, asn: 2}\n"
		"  j: {kind: isp, asn: 3}\n"
		"  u: {kind: user}\n"
		"  v: {kind: user}\n"
		"links: [[i, p], [j, p], [u, i], [j, v]]\n", &t);
	/* u is listed first: it gets .4, i gets .5. */
	cr_assert_eq(t.nodes[3].isp, 1);
	cr_assert_str_eq(ip(t.nodes[3].gateway), "100.64.0.5");
	/* j is listed first: j gets .6, v gets .7. */
	cr_assert_eq(t.nodes[4].isp, 2);
	cr_assert_str_eq(ip(t.nodes[4].gateway), "100.64.0.6");
	cr_assert_eq(t.nodes[0].isp, TOPO_NONE);
	cr_assert_eq(t.nodes[0].gateway, 0);
	topo_free(&t);
}

Test(plan, daemons_resolved)
{
	struct topo t;

	load_ok("name: lab\ndefaults: {daemon: bird}\nnodes:\n"
		"  p: {kind: pop, asn: 1}\n"
		"  i: {kind: isp, asn: 2, daemon: frr}\n"
		"  u: {kind: user}\n"
		"links: [[i, p], [u, i]]\n", &t);
	cr_assert_eq(t.daemon, TOPO_DAEMON_BIRD);
	cr_assert_eq(t.nodes[0].daemon, TOPO_DAEMON_BIRD);
	cr_assert_eq(t.nodes[1].daemon, TOPO_DAEMON_FRR);
	cr_assert_eq(t.nodes[2].daemon, TOPO_DAEMON_DEFAULT);
	topo_free(&t);
}

Test(plan, text_of_a_small_lab)
{
	static const char want[] =
		"lab tiny: 1 pop, 1 isp, 1 user, 2 links\n"
		"  anycast         104.16.0.1 in 104.16.0.0/24, on lo of every pop\n"
		"  links pool      100.64.0.0/16, 2 of 32768 /31s used\n"
		"  loopbacks pool  100.127.0.0/24, 2 of 255 router ids used\n"
		"  hold-time       0, no keepalives\n"
		"  connect-retry   1s\n"
		"  daemon          builtin\n"
		"  dns             cdn.example.com., default records, at most 200 answers/s per /24\n"
		"\n"
		"nodes (3):\n"
		"  NAME   KIND  NAMESPACE   ASN  ROUTER ID    GATEWAY           DAEMON   CITY\n"
		"  edge   pop   tiny-edge     1  100.127.0.1  -                 builtin  Oslo\n"
		"  isp    isp   tiny-isp      2  100.127.0.2  -                 bird     -\n"
		"  alice  user  tiny-alice    -  -            100.64.0.1 (isp)  -        -\n"
		"\n"
		"links (2):\n"
		"  A:IFACE    ADDRESS            B:IFACE    ADDRESS        NETEM\n"
		"  alice:isp  100.64.0.0/31  <-> isp:alice  100.64.0.1/31\n"
		"  isp:edge   100.64.0.2/31  <-> edge:isp   100.64.0.3/31  delay 2.5ms, loss 0.01%, rate 64kbit\n";
	struct topo t;
	char *got;

	load_ok("name: tiny\ndefaults: {hold-time: 0}\nnodes:\n"
		"  edge: {kind: pop, asn: 1, city: Oslo}\n"
		"  isp: {kind: isp, asn: 2, daemon: bird}\n"
		"  alice: {kind: user}\n"
		"links:\n  - [alice, isp]\n"
		"  - {endpoints: [isp, edge], delay: 2500us, loss: 0.01%, rate: 64000bit}\n", &t);
	got = plan_text(&t);
	cr_assert_str_eq(got, want, "--- got\n%s--- want\n%s", got, want);
	free(got);
	topo_free(&t);
}

/* print_yaml → load → the same plan, byte for byte. */
static void round_trip(const char *yaml)
{
	struct topo a, b;
	char *pa, *pb, *ya, *yb;

	load_ok(yaml, &a);
	ya = yaml_text(&a);
	load_ok(ya, &b);
	pa = plan_text(&a);
	pb = plan_text(&b);
	cr_assert_str_eq(pa, pb, "--- yaml\n%s", ya);
	/* And the printed YAML is a fixed point. */
	yb = yaml_text(&b);
	cr_assert_str_eq(ya, yb);
	free(pa);
	free(pb);
	free(ya);
	free(yb);
	topo_free(&a);
	topo_free(&b);
}

Test(plan, round_trip_golden_labs)
{
	static const char *const files[] = {
		SOURCE_ROOT "/topologies/world.yaml",
		SOURCE_ROOT "/tests/golden/tiny.yaml",
		SOURCE_ROOT "/tests/golden/netem.yaml",
	};
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *yaml = file_text(files[i]);

		round_trip(yaml);
		free(yaml);
	}
}

Test(plan, round_trip_awkward_values)
{
	round_trip("name: \"null\"\n"
		   "defaults: {daemon: frr, hold-time: 0, connect-retry: 65535}\n"
		   "nodes:\n"
		   "  null: {kind: pop, asn: 4294967294, city: \"quote \\\" and \\\\ backslash\", lat: 0.30000000000000004, lon: -0.000001}\n"
		   "  yes: {kind: isp, asn: 1, daemon: builtin, city: \"  spaces  \", lat: -90, lon: 180}\n"
		   "  u: {kind: user, city: \"#not a comment: {x}\", lat: +1., lon: 1}\n"
		   "links:\n"
		   "  - {endpoints: [yes, null], delay: 0.001ms, loss: 0.0001%, rate: 1bit}\n"
		   "  - {endpoints: [u, yes], delay: 59.999999s, loss: 99.9999%, rate: 999999999999bit}\n");
}

Test(plan, round_trip_lat_fractions)
{
	round_trip("name: lab\nnodes:\n"
		   "  p: {kind: pop, asn: 1, lat: 33.333333333333336, lon: -179.99999999999997}\n"
		   "  i: {kind: isp, asn: 2, lat: 0.1, lon: 0.7}\n"
		   "links: [[i, p]]\n");
}

Test(plan, yaml_text)
{
	static const char want[] =
		"name: tiny\n\n"
		"anycast:\n  prefix: 104.16.0.0/24\n  address: 104.16.0.1\n\n"
		"addressing:\n  links: 100.64.0.0/16\n  loopbacks: 100.127.0.0/24\n\n"
		"defaults:\n  hold-time: 3\n  connect-retry: 1\n  daemon: builtin\n\n"
		"nodes:\n"
		"  edge: {kind: pop, asn: 1, city: \"Oslo\", lat: 59.91, lon: 10.75}\n"
		"  isp: {kind: isp, asn: 2, daemon: bird}\n"
		"  alice: {kind: user}\n\n"
		"links:\n"
		"  - [alice, isp]\n"
		"  - {endpoints: [isp, edge], delay: 1.5ms, rate: 2.5gbit}\n";
	struct topo t;
	char *got;

	load_ok("name: tiny\nnodes:\n"
		"  edge: {kind: pop, asn: 1, city: Oslo, lat: 59.91, lon: 10.75}\n"
		"  isp: {kind: isp, asn: 2, daemon: bird}\n"
		"  alice: {kind: user}\n"
		"links:\n  - [alice, isp]\n"
		"  - {endpoints: [isp, edge], delay: 1500us, rate: 2500mbit}\n", &t);
	got = yaml_text(&t);
	cr_assert_str_eq(got, want, "--- got\n%s--- want\n%s", got, want);
	free(got);
	topo_free(&t);
}

/* Catchment on graphs small enough to check by hand. */
static void catchment(const char *yaml, long down, const char *const *want)
{
	struct topo t;
	long *got;
	size_t i;

	load_ok(yaml, &t);
	got = calloc(t.nnodes, sizeof(*got));
	cr_assert_eq(topo_catchment(&t, down, got), 0);
	for (i = 0; i < t.nnodes; i++) {
		const char *name = got[i] >= 0 ? t.nodes[got[i]].name :
				   got[i] == TOPO_CATCH_TIE ? "tie" : "none";

		cr_assert_str_eq(name, want[i], "node %s", t.nodes[i].name);
	}
	free(got);
	topo_free(&t);
}

/*   a(pop) - i1 - i2 - i3 - b(pop)      u1 on i1, u2 on i2, u3 on i3 */
#define LINE \
	"name: lab\nnodes:\n" \
	"  a: {kind: pop, asn: 1}\n  b: {kind: pop, asn: 1}\n" \
	"  i1: {kind: isp, asn: 11}\n  i2: {kind: isp, asn: 12}\n  i3: {kind: isp, asn: 13}\n" \
	"  u1: {kind: user}\n  u2: {kind: user}\n  u3: {kind: user}\n" \
	"links: [[i1, a], [i1, i2], [i2, i3], [i3, b], [u1, i1], [u2, i2], [u3, i3]]\n"

Test(catchment, nearest_and_tie)
{
	static const char *const want[] = { "a", "b", "a", "tie", "b", "a", "tie", "b" };

	catchment(LINE, -1, want);
}

Test(catchment, pop_down)
{
	static const char *const want[] = { "none", "b", "b", "b", "b", "b", "b", "b" };

	catchment(LINE, 0, want);
}

/*
 * A tie is inherited: i4 is two hops from a and from b, but only through
 * i2, which is itself tied; u4 behind i4 is tied too, though i4 has one
 * neighbour only.
 */
Test(catchment, tie_inherited)
{
	static const char *const want[] = { "a", "b", "a", "tie", "b", "tie", "a", "tie", "b" };

	catchment("name: lab\nnodes:\n"
		  "  a: {kind: pop, asn: 1}\n  b: {kind: pop, asn: 1}\n"
		  "  i1: {kind: isp, asn: 11}\n  i2: {kind: isp, asn: 12}\n  i3: {kind: isp, asn: 13}\n"
		  "  i4: {kind: isp, asn: 14}\n"
		  "  u1: {kind: user}\n  u4: {kind: user}\n  u3: {kind: user}\n"
		  "links: [[i1, a], [i1, i2], [i2, i3], [i3, b], [i2, i4], [u1, i1], [u4, i4], [u3, i3]]\n",
		  -1, want);
}

/* Two equal paths to the same POP are no tie. */
Test(catchment, same_pop_two_ways)
{
	static const char *const want[] = { "a", "a", "a", "a", "a" };

	catchment("name: lab\nnodes:\n"
		  "  a: {kind: pop, asn: 1}\n"
		  "  i1: {kind: isp, asn: 11}\n  i2: {kind: isp, asn: 12}\n  i3: {kind: isp, asn: 13}\n"
		  "  u: {kind: user}\n"
		  "links: [[i1, a], [i2, a], [i3, i1], [i3, i2], [u, i3]]\n",
		  -1, want);
}

/* POPs originate but never carry another POP's route: a - b - i. */
Test(catchment, pops_do_not_transit)
{
	static const char *const want[] = { "a", "b", "b", "b" };

	catchment("name: lab\nnodes:\n"
		  "  a: {kind: pop, asn: 1}\n  b: {kind: pop, asn: 2}\n"
		  "  i: {kind: isp, asn: 11}\n  u: {kind: user}\n"
		  "links: [[a, b], [i, b], [u, i]]\n", -1, want);
}

Test(catchment, unreachable)
{
	static const char *const want[] = { "a", "a", "none", "a", "none" };

	catchment("name: lab\nnodes:\n"
		  "  a: {kind: pop, asn: 1}\n  i1: {kind: isp, asn: 11}\n  i2: {kind: isp, asn: 12}\n"
		  "  u1: {kind: user}\n  u2: {kind: user}\n"
		  "links: [[i1, a], [u1, i1], [u2, i2]]\n", -1, want);
}

Test(catchment, bad_down_pop)
{
	struct topo t;
	long got[8];

	load_ok(LINE, &t);
	cr_assert_eq(topo_catchment(&t, 2, got), -EINVAL);	/* an isp */
	cr_assert_eq(topo_catchment(&t, 8, got), -EINVAL);	/* past the end */
	cr_assert_eq(topo_catchment(&t, -2, got), -EINVAL);
	cr_assert_eq(topo_catchment(&t, 1, got), 0);
	topo_free(&t);
}

/* When the pool is the default, the message says where to set it. */
Test(plan, default_loopbacks_pool_too_small)
{
	struct topo_diags d = { 0 };
	char *yaml = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&yaml, &len);
	struct topo t;

	fputs("name: lab\nnodes:\n", f);
	for (i = 0; i < 256; i++)
		fprintf(f, "  i%zu: {kind: isp, asn: %zu}\n", i, i + 1);
	fclose(f);
	cr_assert_eq(load(yaml, &t, &d), -EINVAL);
	cr_assert_eq(d.n, 1);
	cr_assert_eq(d.v[0].pos.line, 2);
	cr_assert_eq(d.v[0].pos.col, 1);
	cr_assert_str_eq(d.v[0].msg, "the default loopbacks pool 100.127.0.0/24 holds 255 router ids (a /32 each) but the lab has 256 routers; set addressing: loopbacks: to a /23 or larger");
	topo_diags_free(&d);
	free(yaml);
}

Test(plan, default_links_pool_too_small, .timeout = 60)
{
	struct topo_diags d = { 0 };
	char *yaml = NULL;
	size_t len = 0, i, n = 32770;
	FILE *f = open_memstream(&yaml, &len);
	struct topo t;

	fputs("name: lab\naddressing: {loopbacks: 10.0.0.0/8}\nnodes:\n", f);
	for (i = 0; i < n; i++)
		fprintf(f, "  i%zu: {kind: isp, asn: %zu}\n", i, i + 100000);
	fputs("links:\n", f);
	for (i = 1; i < n; i++)
		fprintf(f, "  - [i%zu, i%zu]\n", i - 1, i);
	fclose(f);
	cr_assert_eq(load(yaml, &t, &d), -EINVAL);
	cr_assert_eq(d.n, 1);
	cr_assert_eq(d.v[0].pos.line, 4 + n);	/* the links: key */
	cr_assert_str_eq(d.v[0].msg, "the default links pool 100.64.0.0/16 holds 32768 links (a /31 each) but the lab has 32769; set addressing: links: to a /15 or larger");
	topo_diags_free(&d);
	free(yaml);
}

/* unknown-attributes survives print_yaml → load; pass is the default and
 * is not printed. */
Test(plan, round_trip_unknown_attributes)
{
	struct topo a, b;
	char *ya;

	load_ok("name: lab\nnodes:\n"
		"  p: {kind: pop, asn: 64500, unknown-attributes: discard}\n"
		"  i: {kind: isp, asn: 64501, unknown-attributes: pass}\n"
		"links:\n  - [i, p]\n", &a);
	cr_assert(a.nodes[0].unknown_attrs_discard);
	cr_assert_not(a.nodes[1].unknown_attrs_discard);
	cr_assert_eq(a.nodes[0].unknown_attrs_pos.line, 3);
	cr_assert_eq(a.nodes[0].unknown_attrs_pos.col, 50);
	ya = yaml_text(&a);
	cr_assert(strstr(ya, "p: {kind: pop, asn: 64500, unknown-attributes: discard"),
		  "%s", ya);
	cr_assert_not(strstr(ya, "unknown-attributes: pass"), "%s", ya);
	load_ok(ya, &b);
	cr_assert(b.nodes[0].unknown_attrs_discard);
	cr_assert_not(b.nodes[1].unknown_attrs_discard);
	free(ya);
	topo_free(&a);
	topo_free(&b);
}

/*
 * Validation: one row per kind of mistake, each asserting the exact
 * diagnostics (position and message, in file order) that `anycastlab
 * check` prints for it, and files with many mistakes reporting all of
 * them, in file order.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo/topo.h"

struct row {
	const char *what;
	const char *yaml;
	const char *want;		/* every line topo_diags_print writes */
};

/* A valid two-router lab, to which a row adds its one mistake. */
#define HEAD	"name: lab\nnodes:\n"
#define PI	"  p: {kind: pop, asn: 64500}\n  i: {kind: isp, asn: 64501}\n"
#define LINK_IP	"links:\n  - [i, p]\n"

static const struct row rows[] = {
	{ "rel on a link to a user",
	  HEAD PI "  u: {kind: user}\nlinks:\n  - [i, p]\n  - {endpoints: [i, u], rel: provider}\n",
	  "lab.yaml:8:30: error: link [i, u]: u is a user, and a user speaks no BGP: the link has no business relationship; remove 'rel'\n" },
	{ "relationship cycle",
	  HEAD PI "  j: {kind: isp, asn: 64502}\n  k: {kind: isp, asn: 64503}\nlinks:\n  - [i, p]\n  - {endpoints: [i, j], rel: provider}\n  - {endpoints: [j, k], rel: provider}\n  - {endpoints: [i, k], rel: customer}\n",
	  "lab.yaml:11:30: error: relationship cycle: i → j → k → i, each the provider of the next; a provider cannot also be its customer's customer\n" },
	{ "prepend above 16",
	  HEAD PI "  q: {kind: pop, asn: 64503, prepend: 17}\nlinks:\n  - [i, p]\n  - [i, q]\n",
	  "lab.yaml:5:39: error: node 'q': prepend 17 is out of range; use 0..16: a few copies already move every user a prepend can move, and longer paths are filtered by many networks\n" },
	{ "communities out of range",
	  HEAD PI "  q: {kind: pop, asn: 64503, communities: [\"65536:1\", \"1:2:4294967296\", \"x\"]}\nlinks:\n  - [i, p]\n  - [i, q]\n",
	  "lab.yaml:5:44: error: node 'q': communities: community 65536:1 is out of range: each part of a:b is 0..65535 (RFC 1997), of a:b:c 0..4294967295 (RFC 8092)\nlab.yaml:5:55: error: node 'q': communities: community 1:2:4294967296 is out of range: each part of a:b is 0..65535 (RFC 1997), of a:b:c 0..4294967295 (RFC 8092)\nlab.yaml:5:73: error: node 'q': communities: 'x' is not a community; write 65000:100, 13335:1:2 or no-export\n" },
	{ "actions on a pop",
	  HEAD PI "  q: {kind: pop, asn: 64503, actions: [{community: \"1:1\", local-pref: 5}]}\nlinks:\n  - [i, p]\n  - [i, q]\n",
	  "lab.yaml:5:30: error: node 'q': action communities are a transit provider's service to its customers: only an isp node offers them\n" },
	{ "mrai out of range",
	  HEAD PI "  j: {kind: isp, asn: 64502, mrai: -1s}\n  k: {kind: isp, asn: 64503, mrai: 2h}\n  l: {kind: isp, asn: 64504, mrai: 3601s}\n  m: {kind: isp, asn: 64505, mrai: 30}\nlinks:\n  - [i, p]\n  - [i, j]\n  - [i, k]\n  - [i, l]\n  - [i, m]\n",
	  "lab.yaml:5:36: error: node 'j': mrai -1s is negative; use 0 (send at once) up to 1h\nlab.yaml:6:36: error: node 'k': mrai 2h is above an hour; use at most 1h (3600s)\nlab.yaml:7:36: error: node 'l': mrai 3601s is above an hour; use at most 1h (3600s)\nlab.yaml:8:36: error: node 'm': mrai 30 needs a unit (did you mean 30s?)\n" },
	{ "unknown rel",
	  HEAD PI "links:\n  - {endpoints: [i, p], rel: transit}\n",
	  "lab.yaml:6:30: error: link [i, p]: unknown rel 'transit' (expected provider, customer or peer)\n" },
	{ "prepend on a link without a pop",
	  HEAD PI "  j: {kind: isp, asn: 64502}\nlinks:\n  - [i, p]\n  - {endpoints: [i, j], prepend: 1}\n",
	  "lab.yaml:8:25: error: link [i, j]: prepend, communities, med and announce are set by a POP on its own sessions, and neither end is a POP\n" },
	{ "prepend on an isp",
	  HEAD PI "  j: {kind: isp, asn: 64502, prepend: 1}\nlinks:\n  - [i, p]\n  - [i, j]\n",
	  "lab.yaml:5:30: error: node 'j': 'prepend' is a POP's: only a POP originates the anycast prefix\n" },
	{ "malformed actions",
	  HEAD PI "  j: {kind: isp, asn: 64502, actions: [{prepend: 1}, {community: \"1:1\", prepend: 1, local-pref: 3}, {community: \"1:2\", prepend: 17}]}\nlinks:\n  - [i, p]\n  - [i, j]\n",
	  "lab.yaml:5:40: error: node 'j': actions: item 1: missing 'community'; write {community: \"2914:421\", prepend: 1, to: 1299}, {community: \"2914:666\", no-announce-to: 1299} or {community: \"2914:70\", local-pref: 70}\nlab.yaml:5:54: error: node 'j': actions: item 2: one action per community: prepend, no-announce-to or local-pref; write {community: \"2914:421\", prepend: 1, to: 1299}, {community: \"2914:666\", no-announce-to: 1299} or {community: \"2914:70\", local-pref: 70}\nlab.yaml:5:129: error: node 'j': actions: item 3: prepend 17 is out of range; use 0..16: a few copies already move every user a prepend can move, and longer paths are filtered by many networks\n" },
	{ "yaml syntax error stops there",
	  "name: lab\nnodes:\n  p: {kind: pop\n  bad: [\n",
	  "lab.yaml:4:6: error: invalid YAML: did not find expected ',' or '}' (while parsing a flow mapping at 3:6)\n" },
	{ "tab indentation",
	  "name: lab\nnodes:\n\tp: {kind: pop}\n",
	  "lab.yaml:3:1: error: invalid YAML: found character that cannot start any token (while scanning for the next token at 3:1)\n" },
	{ "invalid utf-8",
	  "name: lab\nnodes:\n  p: {kind: pop, city: Z\xfcrich}\n",
	  "lab.yaml:3:25: error: not UTF-8 text: byte 0xfc starts no valid character; save the file as UTF-8\n" },
	{ "empty file", "",
	  "lab.yaml:1:1: error: empty file: a lab needs at least 'name' and 'nodes'\n" },
	{ "only comments", "# nothing\n\n# yet\n",
	  "lab.yaml:1:1: error: empty file: a lab needs at least 'name' and 'nodes'\n" },
	{ "top level is a list", "- name: lab\n",
	  "lab.yaml:1:1: error: the top level must be a mapping (name: ..., nodes: ..., links: ...), not a list\n" },
	{ "top level is a scalar", "lab\n",
	  "lab.yaml:1:1: error: the top level must be a mapping (name: ..., nodes: ..., links: ...), not a single value\n" },
	{ "second document", HEAD PI LINK_IP "---\nname: two\n",
	  "lab.yaml:8:1: error: a second YAML document; a lab file holds one\n" },
	{ "unknown top-level key, near miss", HEAD PI "link:\n  - [i, p]\n",
	  "lab.yaml:3:3: error: node 'p': a pop needs a link to an ISP, e.g. - [<isp>, p]\n"
	  "lab.yaml:5:1: error: unknown key 'link' (did you mean 'links'?)\n" },
	{ "unknown top-level key, far off", "name: lab\nowner: me\nnodes:\n" PI LINK_IP,
	  "lab.yaml:2:1: error: unknown key 'owner' (expected name, anycast, addressing, defaults, nodes, links or dns)\n" },
	{ "unknown anycast key", "name: lab\nanycast: {prefix: 104.16.0.0/24, adress: 104.16.0.1}\nnodes:\n" PI LINK_IP,
	  "lab.yaml:2:34: error: anycast: unknown key 'adress' (did you mean 'address'?)\n" },
	{ "unknown addressing key", "name: lab\naddressing: {link: 10.0.0.0/24}\nnodes:\n" PI LINK_IP,
	  "lab.yaml:2:14: error: addressing: unknown key 'link' (did you mean 'links'?)\n" },
	{ "unknown defaults key", "name: lab\ndefaults: {hold: 3}\nnodes:\n" PI LINK_IP,
	  "lab.yaml:2:12: error: defaults: unknown key 'hold' (did you mean 'hold-time'?)\n" },
	{ "unknown node key", HEAD "  syd: {kind: pop, aasn: 13335}\n  i: {kind: isp, asn: 64501}\nlinks:\n  - [i, syd]\n",
	  "lab.yaml:3:20: error: node 'syd': unknown key 'aasn' (did you mean 'asn'?)\n" },
	{ "unknown link key", HEAD PI "links:\n  - {endpoints: [i, p], jitter: 1ms}\n",
	  "lab.yaml:6:25: error: link [i, p]: unknown key 'jitter' (expected delay, loss, rate, endpoints, password, rel, local-pref, mrai, prepend, communities, med or announce)\n" },
	{ "GTSM on one end only", HEAD "  p: {kind: pop, asn: 64500, ttl-security: false}\n  i: {kind: isp, asn: 64501}\n" LINK_IP,
	  "lab.yaml:6:5: error: link [i, p]: ttl-security is true on 'i' and false on 'p'; GTSM (RFC 5082) needs both ends or neither\n" },
	{ "duplicate top-level key", "name: lab\nnodes:\n" PI LINK_IP "name: again\n",
	  "lab.yaml:7:1: error: duplicate key 'name' (first at 1:1)\n" },
	{ "duplicate node key", HEAD "  p: {kind: pop, asn: 64500, kind: isp}\n  i: {kind: isp, asn: 64501}\n" LINK_IP,
	  "lab.yaml:3:30: error: node 'p': duplicate key 'kind' (first at 3:7)\n" },
	{ "missing name", "nodes:\n" PI LINK_IP,
	  "lab.yaml:1:1: error: missing 'name': name the lab, e.g. name: world\n" },
	{ "empty name", "name:\nnodes:\n" PI LINK_IP,
	  "lab.yaml:1:1: error: 'name' is empty; name the lab, e.g. name: world\n" },
	{ "lab name too long", "name: a-lab-with-a-long-name\nnodes:\n" PI LINK_IP,
	  "lab.yaml:1:7: error: lab name 'a-lab-with-a-long-name' is too long: 22 characters, at most 15 (it prefixes every namespace name)\n" },
	{ "lab name of 15 is fine, 16 is not", "name: abcdefghijklmnop\nnodes:\n" PI LINK_IP,
	  "lab.yaml:1:7: error: lab name 'abcdefghijklmnop' is too long: 16 characters, at most 15 (it prefixes every namespace name)\n" },
	{ "lab name characters", "name: My.Lab\nnodes:\n" PI LINK_IP,
	  "lab.yaml:1:7: error: lab name 'My.Lab' may only use a-z, 0-9 and '-' (did you mean 'my-lab'?)\n" },
	{ "lab name starts with a digit", "name: 1lab\nnodes:\n" PI LINK_IP,
	  "lab.yaml:1:7: error: lab name '1lab' must start with a letter\n" },
	{ "lab name ends with a dash", "name: lab-\nnodes:\n" PI LINK_IP,
	  "lab.yaml:1:7: error: lab name 'lab-' must not end with '-'\n" },
	{ "node name too long", HEAD "  p: {kind: pop, asn: 64500}\n  transit-provider: {kind: isp, asn: 64501}\nlinks:\n  - [transit-provider, p]\n",
	  "lab.yaml:4:3: error: node name 'transit-provider' is too long: 16 characters, at most 15 (it becomes an interface name)\n" },
	{ "node name characters", HEAD "  p: {kind: pop, asn: 64500}\n  my_isp: {kind: isp, asn: 64501}\nlinks:\n  - [my_isp, p]\n",
	  "lab.yaml:4:3: error: node name 'my_isp' may only use a-z, 0-9 and '-' (did you mean 'my-isp'?)\n" },
	{ "node name starting with a dash", HEAD "  p: {kind: pop, asn: 64500}\n  -i: {kind: isp, asn: 64501}\nlinks:\n  - [-i, p]\n",
	  "lab.yaml:4:3: error: node name '-i' must start with a letter\n" },
	{ "node name lo", HEAD "  p: {kind: pop, asn: 64500}\n  lo: {kind: isp, asn: 64501}\nlinks:\n  - [lo, p]\n",
	  "lab.yaml:4:3: error: node name 'lo' is taken by the loopback interface; pick another\n" },
	{ "duplicate node", HEAD PI "  p: {kind: pop, asn: 64500}\n" LINK_IP,
	  "lab.yaml:5:3: error: duplicate node 'p' (first at 3:3); node names must be unique\n" },
	{ "missing nodes", "name: lab\n",
	  "lab.yaml:1:1: error: missing 'nodes': a lab needs nodes, e.g. nodes: {syd: {kind: pop, asn: 13335}}\n" },
	{ "empty nodes", "name: lab\nnodes: {}\n",
	  "lab.yaml:2:1: error: 'nodes' is empty; add the lab's nodes, e.g. syd: {kind: pop, asn: 13335}\n" },
	{ "missing kind", HEAD "  p: {asn: 64500}\n  i: {kind: isp, asn: 64501}\n" LINK_IP,
	  "lab.yaml:3:3: error: node 'p': missing 'kind' (pop, isp or user)\n" },
	{ "unknown kind", HEAD "  p: {kind: cdn, asn: 64500}\n  i: {kind: isp, asn: 64501}\n" LINK_IP,
	  "lab.yaml:3:13: error: node 'p': unknown kind 'cdn' (expected pop, isp or user)\n" },
	{ "kind near miss", HEAD "  p: {kind: Pop, asn: 64500}\n  i: {kind: isp, asn: 64501}\n" LINK_IP,
	  "lab.yaml:3:13: error: node 'p': unknown kind 'Pop' (did you mean 'pop'?)\n" },
	{ "missing asn on an isp", HEAD "  p: {kind: pop, asn: 64500}\n  i: {kind: isp}\n" LINK_IP,
	  "lab.yaml:4:3: error: node 'i': missing 'asn': an isp speaks BGP and needs an AS number, 1..4294967294\n" },
	{ "asn zero", HEAD "  p: {kind: pop, asn: 0}\n  i: {kind: isp, asn: 64501}\n" LINK_IP,
	  "lab.yaml:3:23: error: node 'p': asn 0 is reserved (RFC 7607); use 1..4294967294\n" },
	{ "asn AS_TRANS", HEAD "  p: {kind: pop, asn: 23456}\n  i: {kind: isp, asn: 64501}\n" LINK_IP,
	  "lab.yaml:3:23: error: node 'p': asn 23456 is AS_TRANS, reserved (RFC 6793); pick another\n" },
	{ "asn 65535", HEAD "  p: {kind: pop, asn: 65535}\n  i: {kind: isp, asn: 64501}\n" LINK_IP,
	  "lab.yaml:3:23: error: node 'p': asn 65535 is reserved (RFC 7300); pick another\n" },
	{ "asn 4294967295", HEAD "  p: {kind: pop, asn: 4294967295}\n  i: {kind: isp, asn: 64501}\n" LINK_IP,
	  "lab.yaml:3:23: error: node 'p': asn 4294967295 is reserved (RFC 7300); pick another\n" },
	{ "asn 4294967294 is fine, 4294967296 is not", HEAD "  p: {kind: pop, asn: 4294967294}\n  i: {kind: isp, asn: 4294967296}\n" LINK_IP,
	  "lab.yaml:4:23: error: node 'i': asn 4294967296 is out of range; use 1..4294967294\n" },
	{ "asn negative", HEAD "  p: {kind: pop, asn: -1}\n  i: {kind: isp, asn: 64501}\n" LINK_IP,
	  "lab.yaml:3:23: error: node 'p': asn -1 is out of range; use 1..4294967294\n" },
	{ "asn not an integer", HEAD "  p: {kind: pop, asn: 64500.0}\n  i: {kind: isp, asn: 64501}\n" LINK_IP,
	  "lab.yaml:3:23: error: node 'p': asn '64500.0' is not an integer; write plain digits, 1..4294967294\n" },
	{ "asn written AS64500", HEAD "  p: {kind: pop, asn: AS64500}\n  i: {kind: isp, asn: 64501}\n" LINK_IP,
	  "lab.yaml:3:23: error: node 'p': asn 'AS64500' is not an integer (did you mean 64500?)\n" },
	{ "asn on a user", HEAD PI "  u: {kind: user, asn: 64502}\nlinks:\n  - [i, p]\n  - [u, i]\n",
	  "lab.yaml:5:19: error: node 'u': a user has no 'asn' (only pop and isp nodes speak BGP); remove it\n" },
	{ "two ISPs with one AS", HEAD PI "  j: {kind: isp, asn: 64501}\nlinks:\n  - [i, p]\n  - [j, p]\n",
	  "lab.yaml:5:23: error: node 'j': asn 64501 is taken by ISP 'i' (4:3); every ISP needs an AS of its own\n" },
	{ "an ISP in the POPs' AS", HEAD PI "  j: {kind: isp, asn: 64500}\nlinks:\n  - [i, p]\n  - [j, i]\n",
	  "lab.yaml:5:23: error: node 'j': asn 64500 is the AS of pop 'p'; an ISP needs an AS of its own\n" },
	{ "link inside one AS", HEAD PI "  q: {kind: pop, asn: 64500}\nlinks:\n  - [i, p]\n  - [q, p]\n",
	  "lab.yaml:8:5: error: link [q, p]: both ends are in AS 64500; the lab runs eBGP only, so linked routers need different AS numbers\n" },
	{ "link to an unknown node", HEAD PI "links:\n  - [i, pp]\n  - [i, p]\n",
	  "lab.yaml:6:9: error: link [i, pp]: unknown node 'pp' (did you mean 'p'?)\n" },
	{ "link to an unknown node, no near miss", HEAD PI "links:\n  - [i, p]\n  - [i, elsewhere]\n",
	  "lab.yaml:7:9: error: link [i, elsewhere]: unknown node 'elsewhere' (no such node under 'nodes')\n" },
	{ "self-link", HEAD PI "links:\n  - [i, p]\n  - [p, p]\n",
	  "lab.yaml:7:5: error: link [p, p]: a node cannot link to itself\n" },
	{ "duplicate link, same order", HEAD PI "links:\n  - [i, p]\n  - [i, p]\n",
	  "lab.yaml:7:5: error: link [i, p]: duplicate of [i, p] (6:5); a link has no direction, list it once\n" },
	{ "duplicate link, other order", HEAD PI "links:\n  - [i, p]\n  - {endpoints: [p, i], delay: 1ms}\n",
	  "lab.yaml:7:5: error: link [p, i]: duplicate of [i, p] (6:5); a link has no direction, list it once\n" },
	{ "link of three", HEAD PI "links:\n  - [i, p, i]\n",
	  "lab.yaml:3:3: error: node 'p': a pop needs a link to an ISP, e.g. - [<isp>, p]\n"
	  "lab.yaml:6:5: error: links: item 1 must be [a, b] or {endpoints: [a, b], delay: 2ms}, not a list of 3\n" },
	{ "link without brackets", HEAD PI "links:\n  - i, p\n",
	  "lab.yaml:3:3: error: node 'p': a pop needs a link to an ISP, e.g. - [<isp>, p]\n"
	  "lab.yaml:6:5: error: links: item 1 must be [a, b] or {endpoints: [a, b], delay: 2ms}, not 'i, p' (did you mean [i, p]?)\n" },
	{ "link mapping without endpoints", HEAD PI "links:\n  - [i, p]\n  - {delay: 2ms}\n",
	  "lab.yaml:7:5: error: links: item 2: missing 'endpoints', e.g. {endpoints: [a, b], delay: 2ms}\n" },
	{ "link endpoints key misspelt", HEAD PI "links:\n  - [i, p]\n  - {endpoint: [i, p], delay: 1ms}\n",
	  "lab.yaml:7:6: error: links: item 2: unknown key 'endpoint' (did you mean 'endpoints'?)\n" },
	{ "link endpoints not a pair", HEAD PI "links:\n  - [i, p]\n  - {endpoints: i}\n",
	  "lab.yaml:7:17: error: links: item 2: 'endpoints' must be two node names, [a, b], not 'i'\n" },
	{ "links not a list", HEAD PI "links:\n  i: p\n",
	  "lab.yaml:3:3: error: node 'p': a pop needs a link to an ISP, e.g. - [<isp>, p]\n"
	  "lab.yaml:6:3: error: 'links' must be a list of [a, b] items, not a mapping\n" },
	{ "user linked to a pop", HEAD PI "  u: {kind: user}\nlinks:\n  - [i, p]\n  - [u, p]\n",
	  "lab.yaml:8:5: error: link [u, p]: user 'u' can only link to an ISP, and 'p' is a pop\n" },
	{ "user linked to a user", HEAD PI "  u: {kind: user}\n  v: {kind: user}\nlinks:\n  - [i, p]\n  - [u, i]\n  - [v, i]\n  - [u, v]\n",
	  "lab.yaml:11:5: error: link [u, v]: two users cannot link; a user links to one ISP\n" },
	{ "user with two ISPs", HEAD PI "  j: {kind: isp, asn: 64502}\n  u: {kind: user}\nlinks:\n  - [i, p]\n  - [j, p]\n  - [u, i]\n  - [u, j]\n",
	  "lab.yaml:11:5: error: link [u, j]: user 'u' already links to ISP 'i' (10:5); a user has exactly one ISP\n" },
	{ "user with no link", HEAD PI "  u: {kind: user}\n" LINK_IP,
	  "lab.yaml:5:3: error: node 'u': a user needs a link to its ISP, e.g. - [u, <isp>]\n" },
	{ "pop with no link", HEAD PI "  q: {kind: pop, asn: 64500}\n" LINK_IP,
	  "lab.yaml:5:3: error: node 'q': a pop needs a link to an ISP, e.g. - [<isp>, q]\n" },
	{ "anycast address outside the prefix", "name: lab\nanycast:\n  prefix: 104.16.0.0/24\n  address: 104.16.1.1\nnodes:\n" PI LINK_IP,
	  "lab.yaml:4:12: error: anycast: address 104.16.1.1 is outside prefix 104.16.0.0/24; use an address in it, e.g. 104.16.0.1\n" },
	{ "anycast prefix with host bits", "name: lab\nanycast:\n  prefix: 104.16.0.1/24\nnodes:\n" PI LINK_IP,
	  "lab.yaml:3:11: error: anycast: prefix 104.16.0.1/24 has host bits set (did you mean 104.16.0.0/24?)\n" },
	{ "anycast prefix malformed", "name: lab\nanycast:\n  prefix: 104.16.0.0\nnodes:\n" PI LINK_IP,
	  "lab.yaml:3:11: error: anycast: prefix '104.16.0.0' is not an IPv4 prefix like 104.16.0.0/24\n" },
	{ "anycast address malformed", "name: lab\nanycast:\n  address: 104.16.0.1/32\nnodes:\n" PI LINK_IP,
	  "lab.yaml:3:12: error: anycast: address '104.16.0.1/32' is not an IPv4 address like 104.16.0.1\n" },
	{ "links pool with host bits", "name: lab\naddressing:\n  links: 10.0.0.1/24\nnodes:\n" PI LINK_IP,
	  "lab.yaml:3:10: error: addressing: links pool 10.0.0.1/24 has host bits set (did you mean 10.0.0.0/24?)\n" },
	{ "loopbacks pool malformed", "name: lab\naddressing:\n  loopbacks: 10.0.0/24\nnodes:\n" PI LINK_IP,
	  "lab.yaml:3:14: error: addressing: loopbacks pool '10.0.0/24' is not an IPv4 prefix like 100.127.0.0/24\n" },
	{ "links pool overlaps loopbacks pool", "name: lab\naddressing:\n  links: 10.0.0.0/16\n  loopbacks: 10.0.200.0/24\nnodes:\n" PI LINK_IP,
	  "lab.yaml:4:14: error: addressing: loopbacks pool 10.0.200.0/24 overlaps the links pool 10.0.0.0/16; links, loopbacks and anycast must not overlap\n" },
	{ "anycast prefix inside the default links pool", "name: lab\nanycast:\n  prefix: 100.64.1.0/24\n  address: 100.64.1.1\nnodes:\n" PI LINK_IP,
	  "lab.yaml:3:11: error: anycast: prefix 100.64.1.0/24 overlaps the links pool 100.64.0.0/16 (the default); links, loopbacks and anycast must not overlap\n" },
	{ "links pool too small", "name: lab\naddressing:\n  links: 10.0.0.0/31\nnodes:\n" PI "  u: {kind: user}\nlinks:\n  - [i, p]\n  - [u, i]\n",
	  "lab.yaml:3:10: error: addressing: links pool 10.0.0.0/31 holds 1 link (a /31 each) but the lab has 2; use a /30 or larger\n" },
	{ "loopbacks pool too small", "name: lab\naddressing:\n  loopbacks: 10.0.0.0/32\nnodes:\n" PI LINK_IP,
	  "lab.yaml:3:14: error: addressing: loopbacks pool 10.0.0.0/32 holds 0 router ids (a /32 each, from the second address on) but the lab has 2 routers; use a /30 or larger\n" },
	{ "hold-time 1", "name: lab\ndefaults: {hold-time: 1}\nnodes:\n" PI LINK_IP,
	  "lab.yaml:2:23: error: defaults: hold-time 1 is too short; use 0 (no keepalives) or at least 3 (RFC 4271 section 4.2)\n" },
	{ "hold-time 2", "name: lab\ndefaults: {hold-time: 2}\nnodes:\n" PI LINK_IP,
	  "lab.yaml:2:23: error: defaults: hold-time 2 is too short; use 0 (no keepalives) or at least 3 (RFC 4271 section 4.2)\n" },
	{ "hold-time out of range", "name: lab\ndefaults: {hold-time: 65536}\nnodes:\n" PI LINK_IP,
	  "lab.yaml:2:23: error: defaults: hold-time 65536 is out of range; use 0 or 3..65535 seconds\n" },
	{ "hold-time not a number", "name: lab\ndefaults: {hold-time: 3s}\nnodes:\n" PI LINK_IP,
	  "lab.yaml:2:23: error: defaults: hold-time '3s' is not a number of seconds; use 0 or 3..65535\n" },
	{ "connect-retry 0", "name: lab\ndefaults: {connect-retry: 0}\nnodes:\n" PI LINK_IP,
	  "lab.yaml:2:27: error: defaults: connect-retry 0 is out of range; use 1..65535 seconds\n" },
	{ "connect-retry too big", "name: lab\ndefaults: {connect-retry: 100000}\nnodes:\n" PI LINK_IP,
	  "lab.yaml:2:27: error: defaults: connect-retry 100000 is out of range; use 1..65535 seconds\n" },
	{ "lat out of range", HEAD "  p: {kind: pop, asn: 64500, lat: -90.5, lon: 0}\n  i: {kind: isp, asn: 64501}\n" LINK_IP,
	  "lab.yaml:3:35: error: node 'p': lat -90.5 is out of range; use -90..90\n" },
	{ "lon out of range", HEAD "  p: {kind: pop, asn: 64500, lat: 0, lon: 181}\n  i: {kind: isp, asn: 64501}\n" LINK_IP,
	  "lab.yaml:3:43: error: node 'p': lon 181 is out of range; use -180..180\n" },
	{ "lat not a number", HEAD "  p: {kind: pop, asn: 64500, lat: 33S, lon: 151}\n  i: {kind: isp, asn: 64501}\n" LINK_IP,
	  "lab.yaml:3:35: error: node 'p': lat '33S' is not a decimal number; write degrees in -90..90\n" },
	{ "lon without lat", HEAD "  p: {kind: pop, asn: 64500, lon: 151}\n  i: {kind: isp, asn: 64501}\n" LINK_IP,
	  "lab.yaml:3:30: error: node 'p': 'lon' without 'lat'; give both or neither\n" },
	{ "delay with a space", HEAD PI "links:\n  - {endpoints: [i, p], delay: 2 ms}\n",
	  "lab.yaml:6:32: error: link [i, p]: delay '2 ms' is not a duration like 2ms, 500us or 1s\n" },
	{ "delay without a unit", HEAD PI "links:\n  - {endpoints: [i, p], delay: 2}\n",
	  "lab.yaml:6:32: error: link [i, p]: delay 2 needs a unit (did you mean 2ms?)\n" },
	{ "delay in minutes", HEAD PI "links:\n  - {endpoints: [i, p], delay: 1m}\n",
	  "lab.yaml:6:32: error: link [i, p]: delay '1m' is not a duration like 2ms, 500us or 1s\n" },
	{ "loss without a percent sign", HEAD PI "links:\n  - {endpoints: [i, p], loss: 0.5}\n",
	  "lab.yaml:6:31: error: link [i, p]: loss 0.5 needs a unit (did you mean 0.5%?)\n" },
	{ "loss over 100%", HEAD PI "links:\n  - {endpoints: [i, p], loss: 100.1%}\n",
	  "lab.yaml:6:31: error: link [i, p]: loss 100.1% is more than 100%\n" },
	{ "rate in bytes", HEAD PI "links:\n  - {endpoints: [i, p], rate: 10MB}\n",
	  "lab.yaml:6:31: error: link [i, p]: rate '10MB' is not a rate like 100kbit, 10mbit or 1gbit\n" },
	{ "rate zero", HEAD PI "links:\n  - {endpoints: [i, p], rate: 0kbit}\n",
	  "lab.yaml:6:31: error: link [i, p]: rate 0kbit would stop all traffic; leave it out for no limit\n" },
	{ "unknown daemon", HEAD "  p: {kind: pop, asn: 64500, daemon: frrouting}\n  i: {kind: isp, asn: 64501}\n" LINK_IP,
	  "lab.yaml:3:38: error: node 'p': unknown daemon 'frrouting' (expected builtin, bird, frr or none)\n" },
	{ "unknown default daemon", "name: lab\ndefaults: {daemon: bird2}\nnodes:\n" PI LINK_IP,
	  "lab.yaml:2:20: error: defaults: unknown daemon 'bird2' (did you mean 'bird'?)\n" },
	{ "daemon on a user", HEAD PI "  u: {kind: user, daemon: builtin}\nlinks:\n  - [i, p]\n  - [u, i]\n",
	  "lab.yaml:5:19: error: node 'u': a user runs no daemon; remove 'daemon'\n" },
	{ "city empty", HEAD "  p: {kind: pop, asn: 64500, city: ''}\n  i: {kind: isp, asn: 64501}\n" LINK_IP,
	  "lab.yaml:3:36: error: node 'p': 'city' is empty; leave it out or name the city\n" },
	{ "city with a line break", HEAD "  p: {kind: pop, asn: 64500, city: \"a\\nb\"}\n  i: {kind: isp, asn: 64501}\n" LINK_IP,
	  "lab.yaml:3:36: error: node 'p': city 'a?b' holds a control character or line break; keep it to one line of text\n" },
};

#define NROWS	(sizeof(rows) / sizeof(rows[0]))

/* Cases run in fresh processes: pass row numbers, not pointers. */
ParameterizedTestParameters(validate, reports_exactly)
{
	static size_t idx[NROWS];
	size_t i;

	for (i = 0; i < NROWS; i++)
		idx[i] = i;
	return cr_make_param_array(size_t, idx, NROWS);
}

/* Load text as "lab.yaml"; returns the printed diagnostics, "" if none. */
static char *diags_of(const char *yaml, int *err)
{
	struct topo_diags d = { 0 };
	struct topo t;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	cr_assert_not_null(f);
	*err = topo_load_buf("lab.yaml", yaml, strlen(yaml), &t, &d);
	if (*err == 0)
		topo_free(&t);
	topo_diags_print(&d, "lab.yaml", f);
	fclose(f);
	topo_diags_free(&d);
	return out;
}

ParameterizedTest(size_t *i, validate, reports_exactly)
{
	const struct row *r = &rows[*i];
	int err;
	char *got = diags_of(r->yaml, &err);

	cr_assert_eq(err, -EINVAL, "%s: load returned %d", r->what, err);
	cr_assert_str_eq(got, r->want, "%s:\n--- got\n%s--- want\n%s", r->what,
			 got, r->want);
	free(got);
}

/* The rows above are all mistakes in an otherwise valid lab. */
Test(validate, base_lab_is_valid)
{
	int err;
	char *got = diags_of(HEAD PI LINK_IP, &err);

	cr_assert_eq(err, 0);
	cr_assert_str_eq(got, "");
	free(got);
}

Test(validate, many_errors_all_reported_in_order)
{
	static const char yaml[] =
		"name: Lab\n"					/* 1 */
		"anycast: {prefix: 100.64.0.0/10, address: 11.0.0.1}\n"
		"defaults: {hold-time: 2, conect-retry: 1}\n"
		"nodes:\n"
		"  syd: {kind: pop, asn: 13335, lat: 91, lon: 0}\n" /* 5 */
		"  telstra: {kind: isp, asn: 13335}\n"
		"  optus: {kind: ips, asn: 4804}\n"
		"  u-syd: {kind: user, asn: 1}\n"
		"  u-mel: {kind: user}\n"
		"  syd: {kind: pop}\n"				/* 10 */
		"links:\n"
		"  - [u-syd, telstrra]\n"
		"  - [telstra, telstra]\n"
		"  - {endpoints: [optus, syd], delay: 2 ms}\n"
		"  - [syd, telstra]\n"				/* 15 */
		"  - [telstra, syd]\n"
		"  - [u-syd, syd, x]\n";
	static const char want[] =
		"lab.yaml:1:7: error: lab name 'Lab' may only use a-z, 0-9 and '-' (did you mean 'lab'?)\n"
		"lab.yaml:2:19: error: anycast: prefix 100.64.0.0/10 overlaps the links pool 100.64.0.0/16 (the default); links, loopbacks and anycast must not overlap\n"
		"lab.yaml:2:19: error: anycast: prefix 100.64.0.0/10 overlaps the loopbacks pool 100.127.0.0/24 (the default); links, loopbacks and anycast must not overlap\n"
		"lab.yaml:2:43: error: anycast: address 11.0.0.1 is outside prefix 100.64.0.0/10; use an address in it, e.g. 100.64.0.1\n"
		"lab.yaml:3:23: error: defaults: hold-time 2 is too short; use 0 (no keepalives) or at least 3 (RFC 4271 section 4.2)\n"
		"lab.yaml:3:26: error: defaults: unknown key 'conect-retry' (did you mean 'connect-retry'?)\n"
		"lab.yaml:5:37: error: node 'syd': lat 91 is out of range; use -90..90\n"
		"lab.yaml:6:29: error: node 'telstra': asn 13335 is the AS of pop 'syd'; an ISP needs an AS of its own\n"
		"lab.yaml:7:17: error: node 'optus': unknown kind 'ips' (did you mean 'isp'?)\n"
		"lab.yaml:8:23: error: node 'u-syd': a user has no 'asn' (only pop and isp nodes speak BGP); remove it\n"
		"lab.yaml:9:3: error: node 'u-mel': a user needs a link to its ISP, e.g. - [u-mel, <isp>]\n"
		"lab.yaml:10:3: error: duplicate node 'syd' (first at 5:3); node names must be unique\n"
		"lab.yaml:12:13: error: link [u-syd, telstrra]: unknown node 'telstrra' (did you mean 'telstra'?)\n"
		"lab.yaml:13:5: error: link [telstra, telstra]: a node cannot link to itself\n"
		"lab.yaml:14:38: error: link [optus, syd]: delay '2 ms' is not a duration like 2ms, 500us or 1s\n"
		"lab.yaml:16:5: error: link [telstra, syd]: duplicate of [syd, telstra] (15:5); a link has no direction, list it once\n"
		"lab.yaml:17:5: error: links: item 6 must be [a, b] or {endpoints: [a, b], delay: 2ms}, not a list of 3\n";
	int err;
	char *got = diags_of(yaml, &err);

	cr_assert_eq(err, -EINVAL);
	cr_assert_str_eq(got, want, "--- got\n%s--- want\n%s", got, want);
	free(got);
}

/* A syntax error anywhere hides everything else: libyaml cannot go on. */
Test(validate, syntax_error_alone)
{
	int err;
	char *got = diags_of("name: Bad\nnodes:\n  p: {kind: popp}\nlinks: [[a, b]\n", &err);

	cr_assert_eq(err, -EINVAL);
	cr_assert_str_eq(got, "lab.yaml:5:1: error: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at 4:8)\n");
	free(got);
}

/* Hundreds of problems still come out sorted, and none is lost. */
Test(validate, many_problems_sorted)
{
	char *yaml = NULL, *got;
	size_t len = 0, i, lines = 0;
	unsigned prev = 0;
	FILE *f = open_memstream(&yaml, &len);
	int err;

	fputs("name: lab\nnodes:\n", f);
	for (i = 0; i < 200; i++)
		fprintf(f, "  n%zu: {kind: pop, asn: %s}\n", i, i % 2 ? "0" : "x");
	fclose(f);
	got = diags_of(yaml, &err);
	cr_assert_eq(err, -EINVAL);
	for (char *p = got; *p; p = strchr(p, '\n') + 1) {
		unsigned line = (unsigned)strtoul(p + strlen("lab.yaml:"), NULL, 10);

		cr_assert_geq(line, prev);
		prev = line;
		lines++;
	}
	/* one bad asn and one missing link per node */
	cr_assert_eq(lines, 400);
	free(got);
	free(yaml);
}

Test(validate, diag_without_position_prints_file_only)
{
	struct topo_diags d = { 0 };
	struct topo_pos none = { 0, 0 };
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	cr_assert_eq(topo_diag_add(&d, none, "cannot %s", "tell"), 0);
	topo_diags_print(&d, "x.yaml", f);
	fclose(f);
	cr_assert_str_eq(out, "x.yaml: error: cannot tell\n");
	free(out);
	topo_diags_free(&d);
}

Test(validate, long_messages_are_cut)
{
	struct topo_diags d = { 0 };
	struct topo_pos p = { 1, 1 };
	char big[600];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cr_assert_eq(topo_diag_add(&d, p, "%s", big), 0);
	cr_assert_eq(strlen(d.v[0].msg), sizeof(d.v[0].msg) - 1);
	topo_diags_free(&d);
}

/* User text inside messages is cut and made printable. */
Test(validate, quoted_text_is_cut)
{
	int err;
	char *got = diags_of(HEAD PI "links:\n  - [i, p]\n  - [i, aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\n", &err);

	cr_assert_eq(err, -EINVAL);
	cr_assert_str_eq(got, "lab.yaml:7:9: error: link [i, aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...]: unknown node 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' (no such node under 'nodes')\n");
	free(got);
}

/* topo_validate on a model built in code, without the loader. */
Test(validate, model_built_in_code)
{
	struct topo_node nodes[2] = {
		{ .name = "p", .kind = TOPO_KIND_POP, .asn = 64500,
		  .has_kind = true, .pos = { 1, 1 }, .asn_pos = { 1, 5 } },
		{ .name = "i", .kind = TOPO_KIND_ISP, .asn = 64500,
		  .has_kind = true, .pos = { 2, 1 }, .asn_pos = { 2, 5 } },
	};
	struct topo_link link = { .a = 0, .b = 1, .pos = { 3, 1 } };
	struct topo t = {
		.anycast_prefix = { 0x68100000, 24 }, .anycast_addr = 0x68100001,
		.link_pool = { 0x64400000, 16 }, .loopback_pool = { 0x647f0000, 24 },
		.nodes = nodes, .nnodes = 2, .links = &link, .nlinks = 1,
	};
	struct topo_diags d = { 0 };

	cr_assert_eq(topo_validate(&t, &d), -EINVAL);
	cr_assert_eq(d.n, 1);
	cr_assert_eq(d.v[0].pos.line, 2);
	cr_assert_eq(d.v[0].pos.col, 5);
	cr_assert_str_eq(d.v[0].msg, "node 'i': asn 64500 is the AS of pop 'p'; an ISP needs an AS of its own");
	topo_diags_free(&d);
	nodes[1].asn = 64501;
	cr_assert_eq(topo_validate(&t, &d), 0);
	cr_assert_eq(d.n, 0);
}

/*
 * Printers: the resolved plan as aligned text (what `anycastlab check`
 * shows: settings, then a node table, then a link table), and the topology
 * back as YAML that loads to the same plan.  Both are deterministic: column
 * widths come from the data, nothing from the clock or the environment, and
 * numbers are printed in the C locale.
 */
#include "topo/predict.h"

#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

struct unit {
	const char *name;
	uint64_t mult;
};

static const struct unit delay_units[] = {
	{ "s", 1000000 }, { "ms", 1000 }, { "us", 1 }, { NULL, 0 },
};
static const struct unit rate_units[] = {
	{ "gbit", 1000000000 }, { "mbit", 1000000 }, { "kbit", 1000 },
	{ "bit", 1 }, { NULL, 0 },
};

/*
 * In the largest unit not above the value, with the fraction it needs
 * ("1.5ms", "2.5mbit"): how tc prints them, and what the loader reads.
 */
static const char *fmt_unit(uint64_t v, const struct unit *u, char *buf,
			    size_t cap)
{
	uint64_t frac;
	int digits = 0;

	while (u[1].name && v < u->mult)
		u++;
	frac = v % u->mult;
	if (!frac) {
		snprintf(buf, cap, "%llu%s", (unsigned long long)(v / u->mult),
			 u->name);
		return buf;
	}
	for (uint64_t m = u->mult; m > 1; m /= 10)
		digits++;
	while (frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	snprintf(buf, cap, "%llu.%0*llu%s", (unsigned long long)(v / u->mult),
		 digits, (unsigned long long)frac, u->name);
	return buf;
}

static const char *fmt_delay(uint32_t us, char *buf, size_t cap)
{
	return fmt_unit(us, delay_units, buf, cap);
}

static const char *fmt_rate(uint64_t bps, char *buf, size_t cap)
{
	return fmt_unit(bps, rate_units, buf, cap);
}

/* Percent with up to four decimals: the loader keeps parts per million. */
static const char *fmt_loss(uint32_t ppm, char *buf, size_t cap)
{
	unsigned frac = ppm % 10000;
	int digits = 4;

	if (frac == 0) {
		snprintf(buf, cap, "%u%%", ppm / 10000);
		return buf;
	}
	while (frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	snprintf(buf, cap, "%u.%0*u%%", ppm / 10000, digits, frac);
	return buf;
}

/* "delay 2ms, loss 0.5%, rate 10mbit", or "" when the link has none. */
const char *topo_netem_str(const struct topo_link *l, const char *sep,
			   char *buf, size_t cap)
{
	char v[32];
	size_t o = 0;

	buf[0] = '\0';
	if (l->delay_us)
		o += (size_t)snprintf(buf + o, cap - o, "delay%s%s", sep,
				      fmt_delay(l->delay_us, v, sizeof(v)));
	if (l->loss_ppm && o < cap)
		o += (size_t)snprintf(buf + o, cap - o, "%sloss%s%s",
				      o ? ", " : "", sep,
				      fmt_loss(l->loss_ppm, v, sizeof(v)));
	if (l->rate_bps && o < cap)
		snprintf(buf + o, cap - o, "%srate%s%s", o ? ", " : "", sep,
			 fmt_rate(l->rate_bps, v, sizeof(v)));
	return buf;
}

static size_t max_sz(size_t a, size_t b)
{
	return a > b ? a : b;
}

static const char *fmt_gateway(const struct topo *t, const struct topo_node *n,
			       char *buf, size_t cap)
{
	char a[IP4_STRLEN];

	if (n->kind != TOPO_KIND_USER || n->isp == TOPO_NONE)
		return "-";
	snprintf(buf, cap, "%s (%s)", ip4_str(n->gateway, a),
		 t->nodes[n->isp].name);
	return buf;
}

static void print_nodes(const struct topo *t, FILE *f)
{
	size_t wname = 4, wkind = 4, wns = 9, wasn = 3, wrid = 9, wgw = 7;
	size_t wd = 6, i;
	char buf[64], rid[IP4_STRLEN];

	for (i = 0; i < t->nnodes; i++) {
		const struct topo_node *n = &t->nodes[i];

		wname = max_sz(wname, strlen(n->name));
		wns = max_sz(wns, strlen(n->netns));
		if (n->asn)
			wasn = max_sz(wasn, (size_t)snprintf(buf, sizeof(buf), "%u", n->asn));
		if (n->router_id)
			wrid = max_sz(wrid, strlen(ip4_str(n->router_id, rid)));
		wgw = max_sz(wgw, strlen(fmt_gateway(t, n, buf, sizeof(buf))));
		if (n->kind != TOPO_KIND_USER)
			wd = max_sz(wd, strlen(topo_daemon_name(n->daemon)) +
					(n->passive ? 9 : 0));
	}
	fprintf(f, "nodes (%zu):\n", t->nnodes);
	fprintf(f, "  %-*s  %-*s  %-*s  %*s  %-*s  %-*s  %-*s  CITY\n",
		(int)wname, "NAME", (int)wkind, "KIND", (int)wns, "NAMESPACE",
		(int)wasn, "ASN", (int)wrid, "ROUTER ID", (int)wgw, "GATEWAY",
		(int)wd, "DAEMON");
	for (i = 0; i < t->nnodes; i++) {
		const struct topo_node *n = &t->nodes[i];
		char asn[16];

		char daemon[32];

		if (n->asn)
			snprintf(asn, sizeof(asn), "%u", n->asn);
		else
			strcpy(asn, "-");
		snprintf(daemon, sizeof(daemon), "%s%s",
			 n->kind == TOPO_KIND_USER ? "-" : topo_daemon_name(n->daemon),
			 n->passive ? ", passive" : "");
		fprintf(f, "  %-*s  %-*s  %-*s  %*s  %-*s  %-*s  %-*s  %s\n",
			(int)wname, n->name, (int)wkind, topo_kind_name(n->kind),
			(int)wns, n->netns, (int)wasn, asn, (int)wrid,
			n->router_id ? ip4_str(n->router_id, rid) : "-",
			(int)wgw, fmt_gateway(t, n, buf, sizeof(buf)), (int)wd,
			daemon, n->city ? n->city : "-");
	}
}

/* "node:iface", the interface being named after the node at the far end. */
static size_t end_width(const struct topo *t, const struct topo_link *l,
			size_t i)
{
	return strlen(t->nodes[i].name) + 1 +
	       strlen(t->nodes[topo_link_peer(l, i)].name);
}

static void print_links(const struct topo *t, FILE *f)
{
	size_t wa = 7, waddr = 7, wb = 7, i;
	bool any_netem = false;
	char a[PREFIX4_STRLEN + 8], b[PREFIX4_STRLEN + 8], ip[IP4_STRLEN];
	char netem[96];

	for (i = 0; i < t->nlinks; i++) {
		const struct topo_link *l = &t->links[i];

		wa = max_sz(wa, end_width(t, l, l->a));
		wb = max_sz(wb, end_width(t, l, l->b));
		snprintf(a, sizeof(a), "%s/31", ip4_str(l->addr_a, ip));
		waddr = max_sz(waddr, strlen(a));
		snprintf(b, sizeof(b), "%s/31", ip4_str(l->addr_b, ip));
		waddr = max_sz(waddr, strlen(b));
		any_netem |= l->delay_us || l->loss_ppm || l->rate_bps;
	}
	fprintf(f, "links (%zu):\n", t->nlinks);
	if (t->nlinks && any_netem)
		fprintf(f, "  %-*s  %-*s      %-*s  %-*s  NETEM\n",
			(int)wa, "A:IFACE", (int)waddr, "ADDRESS", (int)wb,
			"B:IFACE", (int)waddr, "ADDRESS");
	else if (t->nlinks)
		fprintf(f, "  %-*s  %-*s      %-*s  ADDRESS\n",
			(int)wa, "A:IFACE", (int)waddr, "ADDRESS", (int)wb,
			"B:IFACE");
	for (i = 0; i < t->nlinks; i++) {
		const struct topo_link *l = &t->links[i];
		const struct topo_node *na = &t->nodes[l->a], *nb = &t->nodes[l->b];
		char ea[2 * TOPO_NAME_MAX + 2], eb[2 * TOPO_NAME_MAX + 2];

		snprintf(ea, sizeof(ea), "%s:%s", na->name, nb->name);
		snprintf(eb, sizeof(eb), "%s:%s", nb->name, na->name);
		snprintf(a, sizeof(a), "%s/31", ip4_str(l->addr_a, ip));
		snprintf(b, sizeof(b), "%s/31", ip4_str(l->addr_b, ip));
		topo_netem_str(l, " ", netem, sizeof(netem));
		if (netem[0])
			fprintf(f, "  %-*s  %-*s  <-> %-*s  %-*s  %s\n",
				(int)wa, ea, (int)waddr, a, (int)wb, eb,
				(int)waddr, b, netem);
		else
			fprintf(f, "  %-*s  %-*s  <-> %-*s  %s\n",
				(int)wa, ea, (int)waddr, a, (int)wb, eb, b);
	}
}

static void print_dns(const struct topo *t, FILE *f)
{
	const struct topo_dns *d = &t->dns;

	if (d->off) {
		fputs("  dns             off\n", f);
		return;
	}
	fprintf(f, "  dns             %s, ",
		topo_dns_origin(t));
	if (d->nrecords)
		fprintf(f, "%zu record%s from the file", d->nrecords,
			d->nrecords == 1 ? "" : "s");
	else
		fputs("default records", f);
	if (d->rate)
		fprintf(f, ", at most %u answers/s per /24\n", d->rate);
	else
		fputs(", no rate limit\n", f);
}

void topo_print_plan(const struct topo *t, FILE *f)
{
	char p[PREFIX4_STRLEN], a[IP4_STRLEN];
	size_t i, routers = 0, pops = 0, isps = 0, users = 0;
	unsigned long long link_cap, rid_cap;

	for (i = 0; i < t->nnodes; i++) {
		pops += t->nodes[i].kind == TOPO_KIND_POP;
		isps += t->nodes[i].kind == TOPO_KIND_ISP;
		users += t->nodes[i].kind == TOPO_KIND_USER;
	}
	routers = pops + isps;
	link_cap = t->link_pool.len <= 31 ? 1ull << (31 - t->link_pool.len) : 0;
	rid_cap = (1ull << (32 - t->loopback_pool.len)) - 1;

	fprintf(f, "lab %s: %zu pop%s, %zu isp%s, %zu user%s, %zu link%s\n",
		t->name, pops, pops == 1 ? "" : "s", isps, isps == 1 ? "" : "s",
		users, users == 1 ? "" : "s", t->nlinks,
		t->nlinks == 1 ? "" : "s");
	fprintf(f, "  anycast         %s in %s, on lo of every pop\n",
		ip4_str(t->anycast_addr, a), prefix4_str(&t->anycast_prefix, p));
	fprintf(f, "  links pool      %s, %zu of %llu /31s used\n",
		prefix4_str(&t->link_pool, p), t->nlinks, link_cap);
	fprintf(f, "  loopbacks pool  %s, %zu of %llu router ids used\n",
		prefix4_str(&t->loopback_pool, p), routers, rid_cap);
	if (t->hold_time)
		fprintf(f, "  hold-time       %us, keepalive every %us\n",
			t->hold_time, t->hold_time / 3);
	else
		fprintf(f, "  hold-time       0, no keepalives\n");
	fprintf(f, "  connect-retry   %us\n", t->connect_retry);
	fprintf(f, "  daemon          %s\n", topo_daemon_name(t->daemon));
	print_dns(t, f);
	fputc('\n', f);
	print_nodes(t, f);
	fputc('\n', f);
	print_links(t, f);
}

/* YAML double-quoted text; the loader let in no control characters. */
static void put_quoted(const char *s, FILE *f)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* Names are [a-z0-9-]; only "null" reads back as something else. */
static void put_name(const char *s, FILE *f)
{
	if (strcmp(s, "null") == 0)
		put_quoted(s, f);
	else
		fputs(s, f);
}

/* The shortest decimal that reads back as the same double. */
static void put_degrees(double v, FILE *f)
{
	char buf[64];
	locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	locale_t old = c ? uselocale(c) : (locale_t)0;
	int prec;

	for (prec = 0; prec < 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*f", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	if (prec == 17)
		snprintf(buf, sizeof(buf), "%.17f", v);
	if (c) {
		uselocale(old);
		freelocale(c);
	}
	fputs(buf, f);
}

/* Session keys: a node's when it gave them, the lab's when they are not
 * the built-in defaults (so files that never set them print as before). */
static void put_session(const struct topo_session *s, bool node,
			const char *pre, const char *post, FILE *f)
{
	if (node ? (s->given & TOPO_SESS_MAX_PREFIX) :
		   s->max_prefix != TOPO_MAXPFX_DEFAULT)
		fprintf(f, "%smax-prefix: %u%s", pre, s->max_prefix, post);
	if (node ? (s->given & TOPO_SESS_ACTION) :
		   s->max_prefix_action != TOPO_MAXPFX_RESTART)
		fprintf(f, "%smax-prefix-action: %s%s", pre,
			topo_max_prefix_action_name(s->max_prefix_action), post);
	if (node ? (s->given & TOPO_SESS_RESTART) :
		   s->max_prefix_restart != TOPO_MAXPFX_RESTART_DEFAULT)
		fprintf(f, "%smax-prefix-restart: %u%s", pre,
			s->max_prefix_restart, post);
	if (node ? (s->given & TOPO_SESS_TTL) : !s->ttl_security)
		fprintf(f, "%sttl-security: %s%s", pre,
			s->ttl_security ? "true" : "false", post);
}

/* The dns: block, when the file has one. */
static void put_dns(const struct topo *t, FILE *f)
{
	const struct topo_dns *d = &t->dns;
	size_t i;

	if (!d->given)
		return;
	if (d->off) {
		fputs("\ndns: off\n", f);
		return;
	}
	fputs("\ndns:\n", f);
	fputs("  zone: ", f);
	put_quoted(topo_dns_origin(t), f);
	fprintf(f, "\n  ttl: %u\n  rate-limit: %u\n  burst: %u\n  slip: %u\n",
		d->ttl, d->rate, d->burst, d->slip);
	if (!d->nrecords)
		return;
	fputs("  records:\n", f);
	for (i = 0; i < d->nrecords; i++) {
		const struct topo_dns_record *r = &d->records[i];

		fputs("    - {name: ", f);
		put_quoted(r->name, f);
		fputs(", type: ", f);
		put_quoted(r->type, f);
		fputs(", data: ", f);
		put_quoted(r->data, f);
		if (r->ttl_given)
			fprintf(f, ", ttl: %u", r->ttl);
		fputs("}\n", f);
	}
}

void topo_print_yaml(const struct topo *t, FILE *f)
{
	char p[PREFIX4_STRLEN], a[IP4_STRLEN], netem[96];
	size_t i;

	fputs("name: ", f);
	put_name(t->name, f);
	fputs("\n\nanycast:\n", f);
	fprintf(f, "  prefix: %s\n", prefix4_str(&t->anycast_prefix, p));
	fprintf(f, "  address: %s\n", ip4_str(t->anycast_addr, a));
	fputs("\naddressing:\n", f);
	fprintf(f, "  links: %s\n", prefix4_str(&t->link_pool, p));
	fprintf(f, "  loopbacks: %s\n", prefix4_str(&t->loopback_pool, p));
	fputs("\ndefaults:\n", f);
	fprintf(f, "  hold-time: %u\n", t->hold_time);
	fprintf(f, "  connect-retry: %u\n", t->connect_retry);
	fprintf(f, "  daemon: %s\n", topo_daemon_name(t->daemon));
	put_session(&t->session, false, "  ", "\n", f);
	if (t->password[0]) {
		fputs("  password: ", f);
		put_quoted(t->password, f);
		fputs("\n", f);
	}
	if (t->send_hold_time)
		fprintf(f, "  send-hold-time: %u\n", t->send_hold_time);

	fputs("\nnodes:\n", f);
	for (i = 0; i < t->nnodes; i++) {
		const struct topo_node *n = &t->nodes[i];

		fputs("  ", f);
		put_name(n->name, f);
		fprintf(f, ": {kind: %s", topo_kind_name(n->kind));
		if (n->kind != TOPO_KIND_USER)
			fprintf(f, ", asn: %u", n->asn);
		if (n->kind != TOPO_KIND_USER && n->daemon != t->daemon &&
		    n->daemon != TOPO_DAEMON_DEFAULT)
			fprintf(f, ", daemon: %s", topo_daemon_name(n->daemon));
		if (n->passive)
			fputs(", passive: true", f);
		put_session(&n->session, true, ", ", "", f);
		if (n->unknown_attrs_discard)
			fputs(", unknown-attributes: discard", f);
		if (n->city) {
			fputs(", city: ", f);
			put_quoted(n->city, f);
		}
		if (n->has_lat) {
			fputs(", lat: ", f);
			put_degrees(n->lat, f);
		}
		if (n->has_lon) {
			fputs(", lon: ", f);
			put_degrees(n->lon, f);
		}
		fputs("}\n", f);
	}

	put_dns(t, f);
	if (!t->nlinks)
		return;
	fputs("\nlinks:\n", f);
	for (i = 0; i < t->nlinks; i++) {
		const struct topo_link *l = &t->links[i];

		topo_netem_str(l, ": ", netem, sizeof(netem));
		fputs(netem[0] || l->password[0] ? "  - {endpoints: [" : "  - [", f);
		put_name(t->nodes[l->a].name, f);
		fputs(", ", f);
		put_name(t->nodes[l->b].name, f);
		if (netem[0] || l->password[0]) {
			fprintf(f, "]%s%s", netem[0] ? ", " : "", netem);
			if (l->password[0]) {
				fputs(", password: ", f);
				put_quoted(l->password, f);
			}
			fputs("}\n", f);
		} else {
			fputs("]\n", f);
		}
	}
}

/*
 * The catchment the file predicts (predict.c) as a table in the format of
 * world.yaml's header, so it can be pasted there: each user's POP, and
 * where it goes when any one POP fails.  "tie" marks a user whose POP the
 * routers pick by router id: a small change could move it; below the
 * table, which POPs tie and which one wins.
 *
 * A file without routing policy, predicted without what-ifs, prints what
 * it always printed.  Otherwise the heading says what was predicted, and
 * after the table come each user's path (its ISP's best AS path, the
 * routers on it, and the decision step that beat the runner-up) and, by
 * name, what the routers cannot settle: "flap" (no stable outcome),
 * "race" (which UPDATE arrives first decides), "ecmp" (multipath over
 * paths to several POPs).
 */

/* One column: the POP down atop it (-1: "nearest"), each node's code,
 * and what to say about an outcome that is not stable. */
struct column {
	long down;
	long *code;
	char *note;
};

struct catch_table {
	const struct topo *t;
	struct topo_predictor *p;
	const struct topo_whatif *base;
	struct column *col;
	size_t ncol;
	bool legacy;
};

/* One table cell: padded, except the last of a line. */
static void cell(FILE *f, const char *s, bool last)
{
	fprintf(f, last ? " %s" : " %-4s", s);
}

static const char *code_name(const struct topo *t, long code)
{
	if (code >= 0)
		return t->nodes[code].name;
	switch (code) {
	case TOPO_CATCH_TIE:		return "tie";
	case TOPO_CATCH_ECMP:		return "ecmp";
	case TOPO_CATCH_UNSTABLE:	return "flap";
	case TOPO_CATCH_TIMING:		return "race";
	}
	return "-";
}

/* "a", "a and b", "a, b and c", "a, b, ... and 3 more". */
static void put_names(const struct topo *t, const long *v, size_t n,
		      size_t max, FILE *f)
{
	size_t shown = n < max ? n : max, i;

	for (i = 0; i < shown; i++) {
		if (i && i + 1 == shown && shown == n)
			fputs(" and ", f);
		else if (i)
			fputs(", ", f);
		fputs(t->nodes[v[i]].name, f);
	}
	if (shown < n)
		fprintf(f, " and %zu more", n - shown);
}

static void print_pops(const struct topo *t, const struct topo_tie *x, FILE *f)
{
	put_names(t, x->pops, x->npops, TOPO_TIE_POPS, f);
}

/* The prediction of column down (a POP, or -1) over the base what-ifs. */
static int column_run(const struct catch_table *tb, long down,
		      struct topo_predict *r)
{
	struct topo_whatif w;

	memset(&w, 0, sizeof(w));
	if (tb->base)
		w = *tb->base;
	if (down >= 0) {
		if (w.ndown >= TOPO_WHATIF_MAX)
			return -ENOSPC;
		w.down[w.ndown++] = (size_t)down;
	}
	return topo_predict_run(tb->p, &w, r);
}

/* " with syd down" for a column, "" for the first. */
static void put_with(const struct topo *t, long down, FILE *f)
{
	if (down >= 0)
		fprintf(f, " with %s down", t->nodes[down].name);
}

/* What to say about a prediction that did not settle on one outcome. */
static char *outcome_note(const struct topo *t, const struct topo_predict *r,
			  long down)
{
	char *out = NULL;
	size_t len = 0, i, n = 0;
	long *who = calloc(t->nnodes + 1, sizeof(*who));
	FILE *f;

	if (!who || r->outcome == TOPO_PREDICT_STABLE ||
	    !(f = open_memstream(&out, &len))) {
		free(who);
		return NULL;
	}
	for (i = 0; i < t->nnodes; i++)
		if (t->nodes[i].kind != TOPO_KIND_USER &&
		    (r->outcome == TOPO_PREDICT_NO_STABLE ? r->node[i].flaps :
		     r->node[i].timing))
			who[n++] = (long)i;
	if (r->outcome == TOPO_PREDICT_NO_STABLE) {
		fputs("  no stable outcome", f);
		put_with(t, down, f);
		fputs(": the best paths of ", f);
		put_names(t, who, n, 8, f);
		fprintf(f, " never settle (still changing after %zu decisions); users behind them: flap\n",
			2 * r->budget);
	} else {
		fputs("  depends on timing", f);
		put_with(t, down, f);
		fputs(": which UPDATE arrives first decides the best paths of ", f);
		put_names(t, who, n, 8, f);
		fputs("; users whose POP changes with it: race\n", f);
	}
	fclose(f);
	free(who);
	return out;
}

/*
 * One line per tie cell, nearest column first: which POPs are equally
 * near, and which the routers pick and why.  "tie" in the table is only
 * a warning that a small change could move the user; this says where it
 * goes today.
 */
static void print_tie(const struct topo *t, const struct topo_predict *r,
		      size_t user, long down_pop, FILE *f)
{
	char rid[IP4_STRLEN];
	struct topo_tie x;

	if (topo_predict_tie(t, r, user, &x) < 0)
		return;
	if (down_pop >= 0)
		fprintf(f, "  %s, %s down: tie: ", t->nodes[user].name,
			t->nodes[down_pop].name);
	else
		fprintf(f, "  %s: tie: ", t->nodes[user].name);
	print_pops(t, &x, f);
	fprintf(f, " at %zu hop%s; %s wins ", x.hops, x.hops == 1 ? "" : "s",
		x.winner >= 0 ? t->nodes[x.winner].name : "-");
	ip4_str(t->nodes[x.chosen].router_id, rid);
	if (x.decider == x.isp && (long)x.chosen == x.winner)
		fprintf(f, "(lower router id %s)\n", rid);
	else
		fprintf(f, "(%s prefers %s: lower router id %s)\n",
			t->nodes[x.decider].name, t->nodes[x.chosen].name, rid);
}

static void print_ties(const struct catch_table *tb, size_t ties, FILE *f)
{
	const struct topo *t = tb->t;
	size_t i, c, shown = 0;

	for (i = 0; i < t->nnodes && shown < TOPO_DIAGS_SHOWN; i++) {
		if (t->nodes[i].kind != TOPO_KIND_USER)
			continue;
		for (c = 0; c < tb->ncol && shown < TOPO_DIAGS_SHOWN; c++) {
			struct topo_predict r;

			if (tb->col[c].code[i] != TOPO_CATCH_TIE ||
			    column_run(tb, tb->col[c].down, &r) < 0)
				continue;
			print_tie(t, &r, i, tb->col[c].down, f);
			topo_predict_free(&r);
			shown++;
		}
	}
	if (shown < ties)
		fprintf(f, "  ... and %zu more tie%s\n", ties - shown,
			ties - shown == 1 ? "" : "s");
}

/* "7922 13335 (comcast > lax)": the AS path and the routers on it. */
static void put_route(const struct topo *t, const struct topo_predict *r,
		      size_t isp, const struct topo_predict_route *rt, FILE *f)
{
	size_t k;

	for (k = 0; k < rt->nas; k++)
		fprintf(f, "%s%u", k ? " " : "", r->as[rt->as_off + k]);
	fprintf(f, "%s(%s", rt->nas ? " " : "", t->nodes[isp].name);
	for (k = 0; k < rt->nhops; k++)
		fprintf(f, " > %s", t->nodes[r->hop[rt->hop_off + k]].name);
	fputs(")", f);
}

/* A user's line under the table: its POP, then how its ISP got there. */
static void print_path(const struct topo *t, const struct topo_predict *r,
		       size_t u, FILE *f)
{
	const struct topo_predict_node *nd = &r->node[u], *in;
	uint8_t mem[160];
	struct buf b;

	fprintf(f, "  %-7s %-7s ", t->nodes[u].name, code_name(t, nd->catch));
	if (nd->isp == TOPO_NONE) {
		fputs("no ISP\n", f);
		return;
	}
	in = &r->node[nd->isp];
	switch (nd->catch) {
	case TOPO_CATCH_UNSTABLE:
		fprintf(f, "%s's best path never settles\n", t->nodes[nd->isp].name);
		return;
	case TOPO_CATCH_UNREACHABLE:
		fprintf(f, "no route at %s\n", t->nodes[nd->isp].name);
		return;
	case TOPO_CATCH_TIMING:
		fprintf(f, "%s or %s: which UPDATE reaches %s first decides\n",
			code_name(t, nd->pop), code_name(t, nd->alt_pop),
			t->nodes[nd->isp].name);
		return;
	}
	if (nd->catch == TOPO_CATCH_ECMP) {
		fputs("multipath to ", f);
		put_names(t, r->pops + nd->pops_off, nd->npops, TOPO_TIE_POPS, f);
		fputs("; best ", f);
	}
	put_route(t, r, nd->isp, &in->best, f);
	buf_init(&b, mem, sizeof(mem));
	bgp_decide_format(&b, in->step, &in->best.cand,
			  in->rival.valid ? &in->rival.cand : NULL);
	fprintf(f, ": %s", buf_cstr(&b));
	if (in->rival.valid) {
		fputs(" over ", f);
		put_route(t, r, nd->isp, &in->rival, f);
	}
	fputs("\n", f);
}

static void table_free(struct catch_table *tb)
{
	size_t c;

	for (c = 0; tb->col && c < tb->ncol; c++) {
		free(tb->col[c].code);
		free(tb->col[c].note);
	}
	free(tb->col);
	topo_predictor_free(tb->p);
}

static bool is_down(const struct topo_whatif *w, size_t i)
{
	size_t k;

	for (k = 0; w && k < w->ndown; k++)
		if (w->down[k] == i)
			return true;
	return false;
}

/* Every column's codes; the first column's whole prediction in *first. */
static int table_fill(struct catch_table *tb, struct topo_predict *first)
{
	const struct topo *t = tb->t;
	size_t i, c;
	int err;

	tb->col = calloc(t->nnodes + 1, sizeof(*tb->col));
	if (!tb->col)
		return -ENOMEM;
	tb->col[tb->ncol++].down = -1;
	for (i = 0; i < t->nnodes; i++)
		if (t->nodes[i].kind == TOPO_KIND_POP && !is_down(tb->base, i) &&
		    (!tb->base || tb->base->ndown < TOPO_WHATIF_MAX))
			tb->col[tb->ncol++].down = (long)i;
	for (c = 0; c < tb->ncol; c++) {
		struct topo_predict r;

		tb->col[c].code = calloc(t->nnodes + 1, sizeof(long));
		if (!tb->col[c].code)
			return -ENOMEM;
		err = column_run(tb, tb->col[c].down, &r);
		if (err)
			return err;
		for (i = 0; i < t->nnodes; i++)
			tb->col[c].code[i] = r.node[i].catch;
		if (!tb->legacy)
			tb->col[c].note = outcome_note(t, &r, tb->col[c].down);
		if (c)
			topo_predict_free(&r);
		else
			*first = r;
	}
	return 0;
}

void topo_print_prediction(const struct topo *t, const struct topo_whatif *w,
			   FILE *f)
{
	struct catch_table tb = { .t = t, .base = w };
	struct topo_predict first;
	size_t i, c, ties = 0, users = 0, npop = 0;
	bool policy = topo_has_policy(t);

	memset(&first, 0, sizeof(first));
	tb.legacy = !policy && !topo_whatif_any(w);
	if (topo_predictor_new(t, &tb.p) < 0 || table_fill(&tb, &first) < 0)
		goto out;
	if (tb.legacy) {
		fprintf(f, "\npredicted catchment (shortest AS path): each user's nearest POP,\n");
	} else {
		fprintf(f, "\npredicted catchment (BGP%s): each user's POP,\n",
			policy ? " with the file's routing policy" :
				 ", shortest AS path");
	}
	fprintf(f, "and the POP that answers it when the POP atop a column is down\n");
	if (topo_whatif_any(w)) {
		uint8_t mem[1024];
		struct buf b;

		buf_init(&b, mem, sizeof(mem));
		topo_whatif_format(t, w, &b);
		fprintf(f, "what if: %s\n", buf_cstr(&b));
	}
	fprintf(f, "#   %-7s nearest |", "user");
	for (c = 1; c < tb.ncol; c++)
		cell(f, t->nodes[tb.col[c].down].name, c + 1 == tb.ncol);
	fprintf(f, "\n");
	for (i = 0; i < t->nnodes; i++) {
		npop += t->nodes[i].kind == TOPO_KIND_POP;
		if (t->nodes[i].kind != TOPO_KIND_USER)
			continue;
		users++;
		fprintf(f, "#   %-7s %-7s |", t->nodes[i].name,
			code_name(t, tb.col[0].code[i]));
		for (c = 0; c < tb.ncol; c++) {
			if (c)
				cell(f, code_name(t, tb.col[c].code[i]),
				     c + 1 == tb.ncol);
			ties += tb.col[c].code[i] == TOPO_CATCH_TIE;
		}
		fprintf(f, "\n");
	}
	if (!users || !npop) {
		fprintf(f, "  (no %s)\n", users ? "POPs" : "users");
		goto out;
	}
	if (!tb.legacy) {
		fprintf(f, "each user's path: its ISP's best AS path, the routers on it, and the\n"
			"step of the decision process that beat the next best\n");
		for (i = 0; i < t->nnodes; i++)
			if (t->nodes[i].kind == TOPO_KIND_USER)
				print_path(t, &first, i, f);
		for (c = 0; c < tb.ncol; c++)
			if (tb.col[c].note)
				fputs(tb.col[c].note, f);
	}
	if (ties) {
		fprintf(f, "  %zu tie%s: BGP picks by router id there\n", ties,
			ties == 1 ? "" : "s");
		print_ties(&tb, ties, f);
	}
out:
	topo_predict_free(&first);
	table_free(&tb);
}

void topo_print_catchment(const struct topo *t, FILE *f)
{
	topo_print_prediction(t, NULL, f);
}

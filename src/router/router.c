/*
 * The router daemon: wires a BGP speaker, the kernel FIB, a link monitor,
 * for POPs the HTTP responder, and the control socket onto one event loop.
 *
 * Start-up order matters: every socket is bound while we still have the
 * privileges to bind, then every capability but CAP_NET_ADMIN (kernel
 * routes), CAP_NET_BIND_SERVICE and CAP_NET_RAW is dropped, then we tell
 * the orchestrator we are listening and wait for its go before connecting
 * to anyone.
 */
#include "router/router.h"
#include "router/ctl.h"
#include "router/ctlmsg.h"
#include "router/sandbox.h"
#include "bgp/aspath.h"
#include "bgp/decide.h"
#include "bgp/fib.h"
#include "dns/server.h"
#include "dns/zone.h"
#include "ev/ev.h"
#include "http/server.h"
#include "net/linkmon.h"
#include "util/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

struct router {
	const struct router_config *rc;
	struct ev_loop *ev;
	struct fib *fib;
	struct bgp_speaker *sp;
	struct http_server *http;
	struct dns_server *dns;
	struct ctl_server *ctl;
	struct linkmon *mon;
	bool announcing;
	uint64_t start_ms;
};

static void router_bgp_log(void *ctx, int level, const char *line)
{
	static const enum log_level map[] = {
		LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG,
	};

	(void)ctx;
	log_msg(map[level < 0 || level > 3 ? 3 : level], "%s", line);
}

/* ---- link monitor: carrier and admin state of every interface ---- */

static void router_link_event(void *ctx, int ifindex, const char *name, bool up)
{
	struct router *r = ctx;

	(void)ifindex;
	bgp_speaker_link_event(r->sp, name, up);
}

static void router_link_io(struct ev_loop *l, int fd, uint32_t events, void *ctx)
{
	struct router *r = ctx;

	(void)l;
	(void)fd;
	(void)events;
	/* -ENOBUFS: events were lost; a session on a link that went down
	 * meanwhile still fails by its hold timer. */
	linkmon_read(r->mon);
}

/* Subscribe to link events, then read the current state once. */
static int router_link_monitor(struct router *r)
{
	int ret;

	ret = linkmon_open(router_link_event, r, &r->mon);
	if (ret < 0)
		return ret;
	return ev_io_add(r->ev, linkmon_fd(r->mon), EPOLLIN, router_link_io, r);
}

/* ---- control socket answers ---- */

static void put_ip(struct buf *b, const char *key, uint32_t a)
{
	char s[IP4_STRLEN];

	ctl_put(b, key, ip4_str(a, s));
}

static void put_prefix(struct buf *b, const char *key, const struct prefix4 *p)
{
	char s[PREFIX4_STRLEN];

	ctl_put(b, key, prefix4_str(p, s));
}

static const char *origin_str(uint8_t o)
{
	return o == BGP_ORIGIN_IGP ? "igp" : o == BGP_ORIGIN_EGP ? "egp" :
	       "incomplete";
}

/* "65000:100 no-export 13335:1:2": the route's communities, if any. */
static void put_comms(struct buf *b, const struct bgp_attrs *a)
{
	char mem[1024];
	struct bgp_comms c;
	struct buf t;
	size_t i;

	bgp_attrs_comms(a, &c);
	if (!c.std_len && !c.large_len)
		return;
	buf_init(&t, mem, sizeof(mem));
	for (i = 0; i + 4 <= c.std_len; i += 4) {
		struct bgp_comm x = {
			.a = (uint32_t)c.std[i] << 8 | c.std[i + 1],
			.b = (uint32_t)c.std[i + 2] << 8 | c.std[i + 3],
		};

		if (t.len)
			buf_puts(&t, " ");
		bgp_comm_format(&t, &x);
	}
	for (i = 0; i + 12 <= c.large_len; i += 12) {
		const uint8_t *q = c.large + i;
		struct bgp_comm x = { .large = true };

		x.a = (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
		x.b = (uint32_t)q[4] << 24 | (uint32_t)q[5] << 16 | (uint32_t)q[6] << 8 | q[7];
		x.c = (uint32_t)q[8] << 24 | (uint32_t)q[9] << 16 | (uint32_t)q[10] << 8 | q[11];
		if (t.len)
			buf_puts(&t, " ");
		bgp_comm_format(&t, &x);
	}
	if (!t.err)
		ctl_put(b, "communities", buf_cstr(&t));
}

static void put_path(struct buf *b, const struct bgp_attrs *a)
{
	char path[1024];

	aspath_format(a->aspath, a->aspath_len, path, sizeof(path));
	ctl_put(b, "aspath", path);
	ctl_put(b, "origin", origin_str(a->origin));
	if (a->present & BGP_ATTR_BIT(BGP_ATTR_MED))
		ctl_putf(b, "med", "%u", a->med);
	put_comms(b, a);
}

/* Every reply record goes through one bounded line buffer. */
#define REC_BEGIN(out, b, mem, kind) \
	do { buf_init(&(b), (mem), sizeof(mem)); ctl_begin(&(b), (kind)); } while (0)

static void rec_end(struct dbuf *out, struct buf *b)
{
	ctl_end(b);
	if (!b->err)
		dbuf_append(out, b->p, b->len);
}

static void answer_status(struct router *r, struct dbuf *out)
{
	const struct router_config *rc = r->rc;
	uint64_t now = ev_now_ms();
	struct rib_stats st;
	struct http_stats hs;
	char mem[CTL_LINE_MAX];
	struct buf b;
	size_t i;
	long rss_kb = 0;
	FILE *f;

	f = fopen("/proc/self/statm", "re");
	if (f) {
		long pages, res;

		if (fscanf(f, "%ld %ld", &pages, &res) == 2)
			rss_kb = res * (sysconf(_SC_PAGESIZE) / 1024);
		fclose(f);
	}
	rib_stats(bgp_speaker_rib(r->sp), &st);
	REC_BEGIN(out, b, mem, "router");
	ctl_put(&b, "node", rc->node);
	ctl_putf(&b, "asn", "%u", rc->asn);
	put_ip(&b, "id", rc->router_id);
	ctl_putf(&b, "pid", "%d", (int)getpid());
	ctl_putf(&b, "up_ms", "%llu", (unsigned long long)(now - r->start_ms));
	ctl_putf(&b, "prefixes", "%zu", st.selected);
	ctl_putf(&b, "paths", "%zu", st.paths);
	ctl_putf(&b, "attrsets", "%zu", st.attrsets);
	ctl_putf(&b, "rss_kb", "%ld", rss_kb);
	if (rc->pop)
		ctl_put(&b, "anycast", r->announcing ? "announced" : "withdrawn");
	{
		/* Where this router sends traffic for the anycast prefix. */
		struct rib_entry *e = rib_lookup(bgp_speaker_rib(r->sp), &rc->anycast);
		char path[512];

		if (!e || !e->best) {
			ctl_put(&b, "anycast_via", "none");
		} else if (e->best->peer == RIB_PEER_LOCAL) {
			ctl_put(&b, "anycast_via", "local");
		} else {
			const struct bgp_attrs *a = &e->best->attrs->attrs;

			put_ip(&b, "anycast_via", a->nexthop);
			aspath_format(a->aspath, a->aspath_len, path, sizeof(path));
			ctl_put(&b, "anycast_path", path);
		}
	}
	if (r->http) {
		http_server_stats(r->http, &hs);
		ctl_putf(&b, "http_requests", "%llu",
			 (unsigned long long)(hs.requests[1] + hs.requests[2] +
					      hs.requests[3] + hs.requests[4] +
					      hs.requests[5]));
		ctl_putf(&b, "http_conns", "%llu", (unsigned long long)hs.conns_now);
	}
	rec_end(out, &b);
	for (i = 0; i < bgp_speaker_npeers(r->sp); i++) {
		struct bgp_peer_info pi;

		bgp_speaker_peer_info(r->sp, i, &pi);
		REC_BEGIN(out, b, mem, "session");
		ctl_put(&b, "peer", pi.name);
		put_ip(&b, "addr", pi.peer_addr);
		put_ip(&b, "local", pi.local_addr);
		ctl_putf(&b, "as", "%u", pi.peer_as);
		ctl_put(&b, "state", bgp_state_name(pi.state));
		ctl_putf(&b, "since_ms", "%llu",
			 (unsigned long long)(now - pi.since_ms));
		ctl_put(&b, "link", pi.link_up ? "up" : "down");
		ctl_putf(&b, "hold", "%u", pi.hold_time);
		ctl_putf(&b, "rx", "%zu", pi.prefixes_rx);
		ctl_putf(&b, "rx_rejected", "%zu", pi.prefixes_rx_ineligible);
		ctl_putf(&b, "tx", "%zu", pi.prefixes_tx);
		ctl_putf(&b, "updates_rx", "%llu", (unsigned long long)pi.updates_rx);
		ctl_putf(&b, "updates_tx", "%llu", (unsigned long long)pi.updates_tx);
		ctl_putf(&b, "announced_rx", "%llu", (unsigned long long)pi.announced_rx);
		ctl_putf(&b, "withdrawn_rx", "%llu", (unsigned long long)pi.withdrawn_rx);
		ctl_putf(&b, "announced_tx", "%llu", (unsigned long long)pi.announced_tx);
		ctl_putf(&b, "withdrawn_tx", "%llu", (unsigned long long)pi.withdrawn_tx);
		ctl_put(&b, "role", bgp_role_name(pi.role));
		ctl_putf(&b, "mrai_ms", "%u", pi.mrai_ms);
		if (rc->pop) {
			const struct bgp_shape *sh = bgp_speaker_shape(r->sp, i);

			ctl_put(&b, "anycast", !r->announcing || sh->no_announce ?
				"withdrawn" : "announced");
			ctl_putf(&b, "prepend", "%u", sh->prepend);
		}
		ctl_putf(&b, "established", "%u", pi.established_count);
		if (pi.state == BGP_STATE_ESTABLISHED)
			ctl_put(&b, "as4", pi.as4 ? "yes" : "no");
		if (pi.last_error[0])
			ctl_put(&b, "last_error", pi.last_error);
		rec_end(out, &b);
	}
}

struct routes_ctx {
	struct router *r;
	struct dbuf *out;
	unsigned peer;		/* adj-in: whose paths */
};

/* "peer: reason; peer: reason" for each neighbour policy keeps the best
 * path from: not the one it came from, nor one already on its path (loop
 * prevention, not policy). */
static void put_held(struct router *r, const struct rib_entry *e,
		     struct buf *b)
{
	char mem[2048];
	struct buf t;
	size_t i;

	buf_init(&t, mem, sizeof(mem));
	for (i = 0; i < bgp_speaker_npeers(r->sp); i++) {
		enum bgp_role from;
		enum bgp_hold h = bgp_speaker_export_hold(r->sp, e, i, &from);

		if (h == BGP_HOLD_NONE || h == BGP_HOLD_SPLIT || h == BGP_HOLD_LOOP)
			continue;
		if (t.len)
			buf_puts(&t, "; ");
		buf_printf(&t, "%s: ", r->rc->peers[i].name);
		bgp_hold_format(&t, h, from, r->rc->peers[i].pol.role);
	}
	if (t.len && !t.err)
		ctl_put(b, "held", buf_cstr(&t));
}

static int answer_route(void *ctx, struct rib_entry *e)
{
	struct routes_ctx *x = ctx;
	struct rib *rib = bgp_speaker_rib(x->r->sp);
	struct prefix4 pfx = rib_entry_prefix(e);
	const struct rib_path *best = e->best;
	char mem[CTL_LINE_MAX], why[256];
	struct rib_explain ex;
	struct buf b, wb;
	size_t npaths = 0;
	const struct rib_path *p;

	if (!best)
		return 0;
	for (p = e->paths; p; p = p->next)
		npaths++;
	rib_entry_explain(rib, e, &ex);
	buf_init(&wb, why, sizeof(why));
	bgp_decide_format(&wb, ex.step, &ex.best_cand,
			  ex.other ? &ex.other_cand : NULL);
	REC_BEGIN(x->out, b, mem, "route");
	put_prefix(&b, "prefix", &pfx);
	ctl_put(&b, "from", bgp_speaker_peer_name(x->r->sp, best->peer));
	if (best->peer == RIB_PEER_LOCAL)
		ctl_put(&b, "nexthop", "local");
	else
		put_ip(&b, "nexthop", best->attrs->attrs.nexthop);
	put_path(&b, &best->attrs->attrs);
	ctl_putf(&b, "paths", "%zu", npaths);
	if (best->attrs->attrs.present & BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF))
		ctl_putf(&b, "local_pref", "%u", best->attrs->attrs.local_pref);
	put_held(x->r, e, &b);
	ctl_put(&b, "why", buf_cstr(&wb));
	if (ex.other)
		ctl_put(&b, "over", bgp_speaker_peer_name(x->r->sp, ex.other->peer));
	rec_end(x->out, &b);
	return 0;
}

static int answer_adj_path(void *ctx, struct rib_entry *e, struct rib_path *p)
{
	struct routes_ctx *x = ctx;
	struct prefix4 pfx = rib_entry_prefix(e);
	char mem[CTL_LINE_MAX];
	struct buf b;

	REC_BEGIN(x->out, b, mem, "path");
	put_prefix(&b, "prefix", &pfx);
	ctl_put(&b, "from", bgp_speaker_peer_name(x->r->sp, p->peer));
	put_ip(&b, "nexthop", p->attrs->attrs.nexthop);
	put_path(&b, &p->attrs->attrs);
	ctl_put(&b, "best", e->best == p ? "yes" : "no");
	if (p->ineligible)
		ctl_put(&b, "rejected", rib_ineligible_str(p->ineligible));
	rec_end(x->out, &b);
	return 0;
}

static void answer_line(struct dbuf *out, const char *kind, const char *msg)
{
	char mem[CTL_LINE_MAX];
	struct buf b;

	REC_BEGIN(out, b, mem, kind);
	if (msg)
		ctl_put(&b, "msg", msg);
	rec_end(out, &b);
}

static void router_announce(struct router *r, bool on)
{
	const struct router_config *rc = r->rc;

	if (on)
		bgp_speaker_originate(r->sp, &rc->anycast);
	else
		bgp_speaker_unoriginate(r->sp, &rc->anycast);
	r->announcing = on;
	log_info("anycast prefix %s", on ? "announced" : "withdrawn");
}

#define SHAPE_WORDS	(RIB_PEER_MAX + 2)

/* Peer index by name, or -1. */
static long router_peer(const struct router *r, const char *name)
{
	size_t i;

	for (i = 0; i < bgp_speaker_npeers(r->sp); i++)
		if (!strcmp(r->rc->peers[i].name, name))
			return (long)i;
	return -1;
}

/*
 * "withdraw [PEER...]", "announce [PEER...]", "prepend N [PEER...]":
 * the anycast prefix everywhere, or on the sessions named (selective
 * announcement, prepend per session).  Every name is checked before
 * anything changes; each change is one UPDATE per session, no reset.
 */
static void router_shape_request(struct router *r, const char *req,
				 struct dbuf *out)
{
	char copy[CTL_LINE_MAX], *w[SHAPE_WORDS], *save = NULL, *tok;
	bool named[RIB_PEER_MAX] = { false };
	size_t np = bgp_speaker_npeers(r->sp), nw = 0, i, first = 1;
	unsigned prepend = 0;
	bool changed = false;
	char msg[160];

	snprintf(copy, sizeof(copy), "%s", req);
	for (tok = strtok_r(copy, " ", &save); tok && nw < SHAPE_WORDS;
	     tok = strtok_r(NULL, " ", &save))
		w[nw++] = tok;
	if (tok || nw == 0) {
		answer_line(out, "error", "too many words");
		return;
	}
	if (strcmp(w[0], "withdraw") && strcmp(w[0], "announce") &&
	    strcmp(w[0], "prepend")) {
		answer_line(out, "error", "unknown request");
		return;
	}
	if (!strcmp(w[0], "prepend")) {
		char *end;
		unsigned long n = nw > 1 ? strtoul(w[1], &end, 10) : 0;

		if (nw < 2 || *end || n > BGP_PREPEND_MAX) {
			answer_line(out, "error", "prepend takes a count, 0..16");
			return;
		}
		prepend = (unsigned)n;
		first = 2;
	}
	for (i = first; i < nw; i++) {
		long k = router_peer(r, w[i]);

		if (k < 0) {
			snprintf(msg, sizeof(msg), "%s is not a neighbour", w[i]);
			answer_line(out, "error", msg);
			return;
		}
		named[k] = true;
	}
	if (first == nw)
		for (i = 0; i < np; i++)
			named[i] = true;
	if (!strcmp(w[0], "withdraw") && first == nw) {
		if (!r->announcing) {
			answer_line(out, "error", "already withdrawn");
			return;
		}
		router_announce(r, false);
		answer_line(out, "ok", NULL);
		return;
	}
	if (!strcmp(w[0], "announce") && !r->announcing) {
		/* From withdrawn: to the named ones only (all when none). */
		for (i = 0; i < np; i++) {
			struct bgp_shape sh = *bgp_speaker_shape(r->sp, i);

			sh.no_announce = !named[i];
			bgp_speaker_set_shape(r->sp, i, &sh);
		}
		router_announce(r, true);
		answer_line(out, "ok", NULL);
		return;
	}
	for (i = 0; i < np; i++) {
		struct bgp_shape sh = *bgp_speaker_shape(r->sp, i);

		if (!named[i])
			continue;
		if (w[0][0] == 'p') {
			if (sh.prepend == prepend)
				continue;
			sh.prepend = prepend;
		} else {
			bool no = w[0][0] == 'w';

			if (sh.no_announce == no)
				continue;
			sh.no_announce = no;
		}
		bgp_speaker_set_shape(r->sp, i, &sh);
		if (w[0][0] == 'p')
			log_info("anycast prefix toward %s: prepend %u",
				 r->rc->peers[i].name, prepend);
		else
			log_info("anycast prefix toward %s: %s",
				 r->rc->peers[i].name,
				 sh.no_announce ? "withdrawn" : "announced");
		changed = true;
	}
	if (!changed) {
		answer_line(out, "error", w[0][0] == 'p' ? "prepend unchanged" :
			    w[0][0] == 'a' ? "already announced" : "already withdrawn");
		return;
	}
	answer_line(out, "ok", NULL);
}

static void router_ctl(void *ctx, const char *req, struct dbuf *out)
{
	struct router *r = ctx;
	struct routes_ctx x = { r, out, 0 };

	if (!strcmp(req, "status")) {
		answer_status(r, out);
	} else if (!strcmp(req, "routes")) {
		rib_walk(bgp_speaker_rib(r->sp), answer_route, &x);
	} else if (!strncmp(req, "adj-in ", 7)) {
		size_t i;

		for (i = 0; i < bgp_speaker_npeers(r->sp); i++) {
			struct bgp_peer_info pi;

			bgp_speaker_peer_info(r->sp, i, &pi);
			if (!strcmp(pi.name, req + 7)) {
				x.peer = pi.rib_idx;
				rib_walk_adj_in(bgp_speaker_rib(r->sp), x.peer,
						answer_adj_path, &x);
				return;
			}
		}
		answer_line(out, "error", "no such peer");
	} else if (!strncmp(req, "withdraw", 8) || !strncmp(req, "announce", 8) ||
		   !strncmp(req, "prepend ", 8)) {
		if (!r->rc->pop) {
			answer_line(out, "error", "only a POP announces the anycast prefix");
			return;
		}
		router_shape_request(r, req, out);
	} else if (!strcmp(req, "ping")) {
		answer_line(out, "ok", NULL);
	} else {
		answer_line(out, "error", "unknown request");
	}
}

/* ---- start-up ---- */

/* A socket of type bound to port on every address of the POP. */
static int router_bind_any(int type, uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd, one = 1, ret;

	fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* UDP: the address a query came to, so the answer leaves from the
	 * anycast address and not from the link's. */
	if ((type == SOCK_DGRAM &&
	     setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 1024) < 0)) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

static int router_listen_http(struct router *r)
{
	struct http_config hc = { .pop = r->rc->node, .city = r->rc->city };
	int fd, ret;

	r->http = http_server_new(r->ev, &hc);
	if (!r->http)
		return -errno;
	fd = router_bind_any(SOCK_STREAM, 80);
	if (fd < 0)
		return fd;
	ret = http_server_add_listener(r->http, fd);
	if (ret < 0)
		close(fd);
	return ret;
}

/*
 * The POP's authoritative DNS, UDP and TCP port 53, beside its HTTP
 * responder: the lab's zone (the file's dns: block, by default
 * cdn.example.com. with its SOA, NS and the anycast address), the same on
 * every POP; id.server, hostname.bind and NSID name the POP.
 */
static int router_listen_dns(struct router *r)
{
	struct dns_config dc = {
		.pop = r->rc->node, .city = r->rc->city, .zone = r->rc->zone,
		.rate = r->rc->dns_rate ? r->rc->dns_rate : ~0u,
		.burst = r->rc->dns_burst, .slip = r->rc->dns_slip,
	};
	int fd, ret;

	if (!dc.zone)
		return 0;
	r->dns = dns_server_new(r->ev, &dc);
	if (!r->dns)
		return -errno;
	fd = router_bind_any(SOCK_DGRAM, 53);
	ret = fd < 0 ? fd : dns_server_add_udp(r->dns, fd);
	if (ret < 0) {
		if (fd >= 0)
			close(fd);
		return ret;
	}
	fd = router_bind_any(SOCK_STREAM, 53);
	ret = fd < 0 ? fd : dns_server_add_tcp(r->dns, fd);
	if (ret < 0 && fd >= 0)
		close(fd);
	return ret;
}

static void router_on_signal(struct ev_loop *l, int signo, void *ctx)
{
	(void)ctx;
	log_info("%s: shutting down", strsignal(signo));
	ev_loop_stop(l);
}

static int router_write_pid(const char *path)
{
	char line[32];
	int fd, n, ret = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0)
		return -errno;
	n = snprintf(line, sizeof(line), "%d\n", (int)getpid());
	if (write(fd, line, (size_t)n) != n)
		ret = -EIO;
	close(fd);
	return ret;
}

static int router_sync(const struct router_config *rc)
{
	char c = 'R';
	ssize_t n;

	if (rc->sync_fd < 0)
		return 0;
	if (write(rc->sync_fd, &c, 1) != 1)
		return -errno;
	do
		n = read(rc->sync_fd, &c, 1);
	while (n < 0 && errno == EINTR);
	close(rc->sync_fd);
	/* EOF: whoever started us is gone before saying go; run anyway so
	 * `down` finds a router it can stop, not a stuck one. */
	return 0;
}

/* Once per prefix until the kernel takes a change to it (fib.h). */
static void router_fib_error(void *ctx, const struct prefix4 *p,
			     uint32_t nexthop, int err)
{
	char pb[PREFIX4_STRLEN], nb[IP4_STRLEN];

	(void)ctx;
	if (nexthop)
		log_warn("fib: the kernel refused %s via %s: %s (not said again "
			 "for this prefix until it succeeds)",
			 prefix4_str(p, pb), ip4_str(nexthop, nb), strerror(-err));
	else
		log_warn("fib: the kernel refused to remove %s: %s (not said "
			 "again for this prefix until it succeeds)",
			 prefix4_str(p, pb), strerror(-err));
}

/* The BGP speaker, its kernel routes and its listening socket. */
static int router_setup_bgp(struct router *r)
{
	const struct router_config *rc = r->rc;
	struct bgp_speaker_config sc = {
		.local_as = rc->asn,
		.router_id = rc->router_id,
		.hold_time = rc->hold_time,
		.connect_retry_ms = rc->connect_retry_ms,
		.idle_hold_ms = rc->connect_retry_ms,
		.unknown_attrs_discard = rc->unknown_attrs_discard,
		.log = router_bgp_log,
		.policy = rc->policy,
		.always_compare_med = rc->always_compare_med,
		.multipath = rc->multipath,
	};
	size_t i;
	int ret;

	if (rc->pop)
		sc.shaped = rc->anycast;
	ret = fib_open(&r->fib);
	if (ret < 0)
		return log_err("cannot open the kernel routing table: %s",
			       strerror(-ret)), ret;
	/* Routes a crashed predecessor installed are stale now. */
	fib_purge(r->fib);
	fib_set_error_cb(r->fib, router_fib_error, r);
	ret = bgp_speaker_new(r->ev, &sc, r->fib, &r->sp);
	if (ret < 0)
		return ret;
	for (i = 0; i < rc->npeers; i++) {
		ret = bgp_speaker_add_peer(r->sp, &rc->peers[i]);
		if (ret < 0)
			return log_err("peer %s: %s", rc->peers[i].name,
				       strerror(-ret)), ret;
	}
	ret = bgp_speaker_listen(r->sp, 0);
	if (ret < 0)
		return log_err("cannot listen on port 179: %s", strerror(-ret)), ret;
	return 0;
}

/* What the speaker needs once it listens: links watched, the control
 * socket, its own prefixes. */
static int router_setup_control(struct router *r)
{
	const struct router_config *rc = r->rc;
	size_t i;
	int ret;

	ret = router_link_monitor(r);
	if (ret < 0)
		return log_err("cannot watch links: %s", strerror(-ret)), ret;
	ret = ctl_server_new(r->ev, rc->ctl_path, router_ctl, r, &r->ctl);
	if (ret < 0)
		return log_err("cannot create %s: %s", rc->ctl_path,
			       strerror(-ret)), ret;
	for (i = 0; i < rc->norig; i++)
		bgp_speaker_originate(r->sp, &rc->originate[i]);
	if (rc->pop)
		router_announce(r, true);
	return 0;
}

static int router_setup(struct router *r)
{
	const struct router_config *rc = r->rc;
	int ret;

	if (!rc->http_only) {
		ret = router_setup_bgp(r);
		if (ret < 0)
			return ret;
	}
	if (rc->pop) {
		ret = router_listen_http(r);
		if (ret < 0)
			return log_err("cannot listen on port 80: %s",
				       strerror(-ret)), ret;
		ret = router_listen_dns(r);
		if (ret < 0)
			return log_err("cannot serve DNS on port 53: %s",
				       strerror(-ret)), ret;
	}
	if (!rc->http_only) {
		ret = router_setup_control(r);
		if (ret < 0)
			return ret;
	}
	ev_signal_add(r->ev, SIGTERM, router_on_signal, r);
	ev_signal_add(r->ev, SIGINT, router_on_signal, r);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	return 0;
}

int router_run(const struct router_config *rc)
{
	struct router r = { .rc = rc };
	char id[IP4_STRLEN];
	int ret;

	r.ev = ev_loop_new();
	if (!r.ev)
		return 1;
	r.start_ms = ev_now_ms();
	if (rc->http_only)
		log_info("starting: HTTP%s only (another daemon speaks BGP here)",
			 rc->zone ? " and DNS" : "");
	else
		log_info("starting: AS%u, router id %s, %zu peers%s", rc->asn,
			 ip4_str(rc->router_id, id), rc->npeers,
			 rc->pop ? ", POP" : "");
	ret = router_setup(&r);
	if (ret == 0)
		ret = router_write_pid(rc->pid_path);
	if (ret == 0) {
		ret = sandbox_enter();
		if (ret < 0)
			log_err("cannot drop privileges: %s", strerror(-ret));
	}
	if (ret == 0)
		ret = router_sync(rc);
	if (ret == 0) {
		if (r.sp)
			bgp_speaker_start(r.sp);
		ret = ev_loop_run(r.ev);
	}
	bgp_speaker_free(r.sp, true);
	http_server_free(r.http);
	dns_server_free(r.dns);
	ctl_server_free(r.ctl);
	linkmon_close(r.mon);
	fib_close(r.fib);
	ev_loop_free(r.ev);
	unlink(rc->pid_path);
	log_info("stopped");
	return ret < 0 ? 1 : 0;
}

/*
 * The speaker: RIB, listeners, locally originated prefixes and the peers.
 * See speaker.h for the policy; sessions live in peer.c, export in
 * export.c.
 *
 * Session security: a listening socket on each peer's local address (never
 * the wildcard), the TCP-MD5 key of every peer on it (RFC 2385, so the
 * kernel drops unsigned SYNs), and the GTSM minimum TTL (RFC 5082 section
 * 3: single-hop peers send with TTL 255, we accept 254 and up).
 * Connections from anyone else are closed, and said in the log at most
 * once per source per 10 s.
 */
#include "bgp/speaker_int.h"
#include "bgp/sock.h"
#include "bgp/fib.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

int bgp_speaker_new(struct ev_loop *ev, const struct bgp_speaker_config *c,
		    struct fib *fib, struct bgp_speaker **out)
{
	struct rib_conf rc = {
		.local_as = c->local_as, .bgp_id = c->router_id,
		.always_compare_med = c->always_compare_med,
		.multipath = c->multipath,
	};
	struct bgp_speaker *sp;
	int r;

	sp = calloc(1, sizeof(*sp));
	if (!sp)
		return -ENOMEM;
	sp->ev = ev;
	sp->cfg = *c;
	sp->fib = fib;
	if (c->policy.nactions) {
		sp->actions = calloc(c->policy.nactions, sizeof(*sp->actions));
		if (!sp->actions) {
			free(sp);
			return -ENOMEM;
		}
		memcpy(sp->actions, c->policy.actions,
		       c->policy.nactions * sizeof(*sp->actions));
	}
	sp->cfg.policy.actions = sp->actions;
	/* MRAI jitter: different routers draw differently. */
	sp->rand_state = ((uint64_t)c->router_id << 32 | 0x9e3779b9u) ^
			 ev_now_ns();
	if (!sp->rand_state)
		sp->rand_state = 1;
	r = rib_new(&rc, &sp->rib);
	if (r < 0) {
		free(sp->actions);
		free(sp);
		return r;
	}
	ev_defer_init(&sp->export_defer, bgp_export_run, sp);
	*out = sp;
	return 0;
}

void bgp_speaker_free(struct bgp_speaker *sp, bool purge)
{
	size_t i;

	if (!sp)
		return;
	for (i = 0; i < sp->npeers; i++)
		bgp_peer_stop(sp->peers[i]);
	ev_defer_cancel(sp->ev, &sp->export_defer);
	for (i = 0; i < sp->nlisten; i++) {
		ev_io_del(sp->ev, sp->listen[i].fd);
		close(sp->listen[i].fd);
	}
	for (i = 0; i < sp->npeers; i++)
		bgp_peer_free(sp->peers[i]);
	if (purge && sp->fib)
		fib_purge(sp->fib);
	rib_free(sp->rib);
	free(sp->actions);
	free(sp);
}

int bgp_speaker_add_peer(struct bgp_speaker *sp, const struct bgp_peer_config *pc)
{
	struct rib_peer_conf rc = {
		.asn = pc->peer_as,
		.addr = pc->peer_addr,
		.ebgp = pc->peer_as != sp->cfg.local_as,
		.role = (uint8_t)pc->pol.role,
	};
	struct bgp_peer *p;
	int idx, r;

	if (sp->npeers == RIB_PEER_MAX)
		return -ENOSPC;
	idx = rib_peer_add(sp->rib, &rc);
	if (idx < 0)
		return idx;
	r = bgp_peer_new(sp, pc, &p);
	if (r < 0)
		return r;
	p->idx = (unsigned)idx;
	sp->peers[sp->npeers++] = p;
	sp->by_idx[idx] = p;
	if (sp->started)
		bgp_peer_start(p);
	return 0;
}

/* At most one line per source per BGP_STRANGER_LOG_MS, saying how many
 * connections went unsaid; the least recently logged source makes room. */
static void speaker_stranger(struct bgp_speaker *sp, struct in_addr from)
{
	uint32_t a = ntohl(from.s_addr);
	uint64_t now = ev_now_ms();
	struct bgp_stranger *s = NULL, *old = &sp->strangers[0];
	char more[48] = "";
	size_t i;

	for (i = 0; i < BGP_STRANGERS; i++) {
		if (sp->strangers[i].addr == a && sp->strangers[i].last_ms) {
			s = &sp->strangers[i];
			break;
		}
		if (sp->strangers[i].last_ms < old->last_ms)
			old = &sp->strangers[i];
	}
	if (s && now - s->last_ms < BGP_STRANGER_LOG_MS) {
		s->suppressed++;
		return;
	}
	if (!s) {
		s = old;
		s->addr = a;
		s->suppressed = 0;
	}
	if (s->suppressed)
		snprintf(more, sizeof(more), " (and %u more not logged)",
			 s->suppressed);
	bgp_log(sp, BGP_LOG_WARN, "connection from %s: not a configured peer; "
		"closed%s", inet_ntoa(from), more);
	s->last_ms = now ? now : 1;
	s->suppressed = 0;
}

static void speaker_accept(struct ev_loop *l, int fd, uint32_t events, void *ctx)
{
	struct bgp_speaker *sp = ctx;
	struct sockaddr_in sa, la;
	socklen_t len;
	uint32_t from, to;
	size_t i;
	int c;

	(void)l;
	(void)events;
	for (;;) {
		len = sizeof(sa);
		c = accept4(fd, (struct sockaddr *)&sa, &len,
			    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (c < 0)
			return;
		len = sizeof(la);
		if (getsockname(c, (struct sockaddr *)&la, &len) < 0) {
			close(c);
			continue;
		}
		from = ntohl(sa.sin_addr.s_addr);
		to = ntohl(la.sin_addr.s_addr);
		/* A peer is an address pair: the link it is configured on. */
		for (i = 0; i < sp->npeers; i++)
			if (sp->peers[i]->cfg.peer_addr == from &&
			    sp->peers[i]->cfg.local_addr == to)
				break;
		if (i == sp->npeers) {
			speaker_stranger(sp, sa.sin_addr);
			close(c);
			continue;
		}
		bgp_peer_accept(sp->peers[i], c);
	}
}

static int speaker_listen_one(struct bgp_speaker *sp, uint32_t addr)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd, one = 1, minttl = 254, ttl = 255, r;
	bool gtsm = addr != 0;
	size_t i;

	if (sp->nlisten == RIB_PEER_MAX)
		return -ENOSPC;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* The address may come up after us (a link still being made). */
	setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one));
	/* Keys and the minimum TTL must be on the listener: they are
	 * checked on the SYN, before there is a connection to set them on. */
	for (i = 0; i < sp->npeers; i++) {
		const struct bgp_peer_config *pc = &sp->peers[i]->cfg;

		if (addr && pc->local_addr != addr)
			continue;
		gtsm = gtsm && pc->ttl_security;
		r = bgp_sock_md5(fd, pc->peer_addr, pc->password);
		if (r < 0)
			goto fail;
	}
	/* The SYN-ACK goes out with the listener's TTL. */
	if (gtsm && (setsockopt(fd, IPPROTO_IP, IP_MINTTL, &minttl,
				sizeof(minttl)) < 0 ||
		     setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) < 0)) {
		r = -errno;
		goto fail;
	}
	sa.sin_addr.s_addr = htonl(addr);
	sa.sin_port = htons(BGP_PORT);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 64) < 0) {
		r = -errno;
		goto fail;
	}
	r = ev_io_add(sp->ev, fd, EPOLLIN, speaker_accept, sp);
	if (r < 0)
		goto fail;
	sp->listen[sp->nlisten].fd = fd;
	sp->listen[sp->nlisten++].addr = addr;
	return 0;
fail:
	close(fd);
	return r;
}

int bgp_speaker_listen(struct bgp_speaker *sp, uint32_t addr)
{
	size_t i, k;
	int r;

	if (addr)
		return speaker_listen_one(sp, addr);
	for (i = 0; i < sp->npeers; i++) {
		uint32_t a = sp->peers[i]->cfg.local_addr;

		for (k = 0; k < sp->nlisten && sp->listen[k].addr != a; k++)
			;
		if (k < sp->nlisten)
			continue;
		r = speaker_listen_one(sp, a);
		if (r < 0)
			return r;
	}
	return 0;
}

void bgp_speaker_start(struct bgp_speaker *sp)
{
	size_t i;

	sp->started = true;
	for (i = 0; i < sp->npeers; i++)
		bgp_peer_start(sp->peers[i]);
	bgp_export_schedule(sp);
}

static bool bgp_speaker_originates(const struct bgp_speaker *sp,
				   const struct prefix4 *p)
{
	size_t i;

	for (i = 0; i < sp->norig; i++)
		if (prefix4_eq(&sp->orig[i], p))
			return true;
	return false;
}

int bgp_speaker_originate(struct bgp_speaker *sp, const struct prefix4 *p)
{
	struct bgp_attrs a;
	int r;

	if (bgp_speaker_originates(sp, p))
		return 0;
	if (sp->norig == BGP_MAX_ORIG)
		return -ENOSPC;
	memset(&a, 0, sizeof(a));
	a.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH);
	a.origin = BGP_ORIGIN_IGP;
	r = rib_originate(sp->rib, p, &a);
	if (r < 0)
		return r;
	sp->orig[sp->norig++] = *p;
	bgp_export_schedule(sp);
	return 0;
}

int bgp_speaker_unoriginate(struct bgp_speaker *sp, const struct prefix4 *p)
{
	size_t i;
	int r;

	for (i = 0; i < sp->norig; i++)
		if (prefix4_eq(&sp->orig[i], p))
			break;
	if (i == sp->norig)
		return -ENOENT;
	r = rib_unoriginate(sp->rib, p);
	sp->orig[i] = sp->orig[--sp->norig];
	bgp_export_schedule(sp);
	return r == -ENOENT ? 0 : r;
}

void bgp_speaker_link_event(struct bgp_speaker *sp, const char *ifname, bool up)
{
	size_t i;

	for (i = 0; i < sp->npeers; i++)
		if (!strcmp(sp->peers[i]->cfg.name, ifname))
			bgp_peer_link(sp->peers[i], up);
}

size_t bgp_speaker_npeers(const struct bgp_speaker *sp)
{
	return sp->npeers;
}

void bgp_speaker_peer_info(const struct bgp_speaker *sp, size_t i,
			   struct bgp_peer_info *out)
{
	const struct bgp_peer *p = sp->peers[i];
	const struct bgp_conn *c = p->conn[0];
	const struct rib_peer *rp = rib_peer(sp->rib, p->idx);

	memset(out, 0, sizeof(*out));
	out->name = p->cfg.name;
	out->peer_addr = p->cfg.peer_addr;
	out->local_addr = p->cfg.local_addr;
	out->peer_as = p->cfg.peer_as;
	out->state = c->in_use ? c->fsm.state : BGP_STATE_IDLE;
	out->since_ms = p->since_ms;
	out->link_up = p->link_up;
	if (out->state >= BGP_STATE_OPENCONFIRM) {
		out->peer_id = c->fsm.peer_id;
		out->hold_time = c->fsm.hold_time;
		out->as4 = c->fsm.peer_as4;
	}
	if (rp) {
		out->prefixes_rx = rp->paths - rp->ineligible;
		out->prefixes_rx_ineligible = rp->ineligible;
	}
	out->prefixes_tx = p->prefixes_tx;
	out->updates_rx = p->updates_rx;
	out->updates_tx = p->updates_tx;
	out->announced_rx = p->announced_rx;
	out->withdrawn_rx = p->withdrawn_rx;
	out->announced_tx = p->announced_tx;
	out->withdrawn_tx = p->withdrawn_tx;
	out->role = p->cfg.pol.role;
	out->mrai_ms = p->cfg.pol.mrai_ms;
	out->established_count = p->established_count;
	snprintf(out->last_error, sizeof(out->last_error), "%s", p->last_error);
	out->rib_idx = p->idx;
}

int bgp_speaker_set_shape(struct bgp_speaker *sp, size_t i,
			  const struct bgp_shape *shape)
{
	struct bgp_peer *p;

	if (i >= sp->npeers)
		return -ENOENT;
	p = sp->peers[i];
	p->cfg.pol.shape = *shape;
	p->shape_changed = true;
	bgp_export_schedule(sp);
	return 0;
}

const struct bgp_shape *bgp_speaker_shape(const struct bgp_speaker *sp,
					  size_t i)
{
	return i < sp->npeers ? &sp->peers[i]->cfg.pol.shape : NULL;
}

enum bgp_hold bgp_speaker_export_hold(const struct bgp_speaker *sp,
				      const struct rib_entry *e, size_t i,
				      enum bgp_role *from)
{
	struct prefix4 pfx = rib_entry_prefix(e);
	struct bgp_route_src src;

	*from = BGP_ROLE_NONE;
	if (!e->best || i >= sp->npeers)
		return BGP_HOLD_NONE;
	return bgp_export_hold(sp, sp->peers[i], e->best, &pfx, from, &src);
}

const char *bgp_speaker_peer_name(const struct bgp_speaker *sp, unsigned idx)
{
	if (idx == RIB_PEER_LOCAL)
		return "local";
	if (idx <= RIB_PEER_MAX && sp->by_idx[idx])
		return sp->by_idx[idx]->cfg.name;
	return "?";
}

struct rib *bgp_speaker_rib(struct bgp_speaker *sp)
{
	return sp->rib;
}


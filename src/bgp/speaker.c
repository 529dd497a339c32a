/*
 * The speaker: RIB, listener, locally originated prefixes and the peers.
 * See speaker.h for the policy; sessions live in peer.c, export in
 * export.c.
 */
#include "bgp/speaker_int.h"
#include "bgp/fib.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

void bgp_log(const struct bgp_speaker *sp, int level, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!sp->cfg.log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	sp->cfg.log(sp->cfg.log_ctx, level, line);
}

int bgp_speaker_new(struct ev_loop *ev, const struct bgp_speaker_config *c,
		    struct fib *fib, struct bgp_speaker **out)
{
	struct rib_conf rc = { .local_as = c->local_as, .bgp_id = c->router_id };
	struct bgp_speaker *sp;
	int r;

	sp = calloc(1, sizeof(*sp));
	if (!sp)
		return -ENOMEM;
	sp->ev = ev;
	sp->cfg = *c;
	sp->fib = fib;
	sp->listen_fd = -1;
	r = rib_new(&rc, &sp->rib);
	if (r < 0) {
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
	if (sp->listen_fd >= 0) {
		ev_io_del(sp->ev, sp->listen_fd);
		close(sp->listen_fd);
	}
	for (i = 0; i < sp->npeers; i++)
		bgp_peer_free(sp->peers[i]);
	if (purge && sp->fib)
		fib_purge(sp->fib);
	rib_free(sp->rib);
	free(sp);
}

int bgp_speaker_add_peer(struct bgp_speaker *sp, const struct bgp_peer_config *pc)
{
	struct rib_peer_conf rc = {
		.asn = pc->peer_as,
		.addr = pc->peer_addr,
		.ebgp = pc->peer_as != sp->cfg.local_as,
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

static void speaker_accept(struct ev_loop *l, int fd, uint32_t events, void *ctx)
{
	struct bgp_speaker *sp = ctx;
	struct sockaddr_in sa;
	socklen_t len;
	uint32_t from;
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
		from = ntohl(sa.sin_addr.s_addr);
		for (i = 0; i < sp->npeers; i++)
			if (sp->peers[i]->cfg.peer_addr == from)
				break;
		if (i == sp->npeers) {
			bgp_log(sp, BGP_LOG_WARN, "connection from %s: not a "
				"configured peer; closed", inet_ntoa(sa.sin_addr));
			close(c);
			continue;
		}
		bgp_peer_accept(sp->peers[i], c);
	}
}

int bgp_speaker_listen(struct bgp_speaker *sp, uint32_t addr)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd, one = 1, r;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin_addr.s_addr = htonl(addr);
	sa.sin_port = htons(BGP_PORT);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 64) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	r = ev_io_add(sp->ev, fd, EPOLLIN, speaker_accept, sp);
	if (r < 0) {
		close(fd);
		return r;
	}
	sp->listen_fd = fd;
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

bool bgp_speaker_originates(const struct bgp_speaker *sp, const struct prefix4 *p)
{
	size_t i;

	for (i = 0; i < sp->norig; i++)
		if (prefix4_eq(&sp->orig[i], p))
			return true;
	return false;
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
	out->established_count = p->established_count;
	snprintf(out->last_error, sizeof(out->last_error), "%s", p->last_error);
	out->rib_idx = p->idx;
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

const struct fib_stats *bgp_speaker_fib_stats(const struct bgp_speaker *sp)
{
	return sp->fib ? fib_stats(sp->fib) : NULL;
}

uint32_t bgp_speaker_local_as(const struct bgp_speaker *sp)
{
	return sp->cfg.local_as;
}

/*
 * Data-plane probes: ICMP echo requests to the anycast address from inside
 * user namespaces, each carrying the IP record-route option (RFC 791
 * §3.1), so every reply says which routers the echo crossed, and so which
 * POP answered it — evidence from the packet itself, never from the
 * control plane.  One raw socket per user; ids tell concurrent probers
 * apart.  Sending runs on absolute deadlines of an event-loop timer, so
 * a 1 ms interval really is 1 ms.
 */
#ifndef ANYCASTLAB_NET_PROBE_H
#define ANYCASTLAB_NET_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROBE_RR_MAX	9	/* addresses record-route has room for */

/* One echo reply, parsed (pure: probe_parse_reply). */
struct probe_reply {
	uint16_t id, seq;
	uint32_t src;			/* who replied (the anycast address) */
	uint32_t rr[PROBE_RR_MAX];	/* recorded route, in order */
	unsigned nrr;
	uint64_t sent_ns;		/* timestamp we put in the payload */
	uint8_t ttl;
};

/*
 * Parse an IPv4 packet as read from a raw ICMP socket.  0 for an echo
 * reply carrying our magic; -EINVAL for anything else (other ICMP types,
 * truncated or malformed headers or options).  Never reads past len.
 */
int probe_parse_reply(const uint8_t *pkt, size_t len, struct probe_reply *r);
/* The 40-octet IP options block asking for record route. */
void probe_rr_option(uint8_t opt[40]);
/* Build an echo request with id, seq and timestamp; returns its length. */
size_t probe_build_request(uint8_t *buf, size_t cap, uint16_t id,
			   uint16_t seq, uint64_t now_ns);

/*
 * The POP that answered: the address recorded just before the first
 * appearance of the anycast address is the last router's address on its
 * link to the POP.  pop_of_link_addr maps such an address to the POP's
 * index (or -1).  Returns the index, or -1.
 */
long probe_answering_pop(const struct probe_reply *r, uint32_t anycast,
			 long (*pop_of_link_addr)(void *ctx, uint32_t addr),
			 void *ctx);

struct ev_loop;
struct prober;

struct probe_event {
	size_t user;		/* index given to prober_add */
	uint16_t seq;
	uint64_t sent_ns;
	bool answered;		/* false: timed out */
	uint64_t rtt_ns;
	const struct probe_reply *reply;	/* ICMP: the echo reply */
	const char *served_by;		/* HTTP: X-Served-By; DNS: the NSID */
};

/* One call per probe answered or timed out; ev is NULL once, when a
 * counted run has every probe resolved. */
typedef void (*probe_cb)(void *ctx, const struct probe_event *ev);

int prober_new(struct ev_loop *l, uint32_t dst, uint64_t interval_ns,
	       uint64_t timeout_ns, probe_cb cb, void *ctx, struct prober **out);
/*
 * What a probe is, chosen before any user is added.  ICMP: an echo.
 * HTTP: GET http://<dst>/, answered by a response with X-Served-By.
 * DNS: a query for dns_name (the lab's zone) asking for the NSID, answered by a
 * NOERROR reply naming the POP.  A router that is stopped (frozen) or
 * gone answers no HTTP and no DNS, where its kernel would still answer
 * echoes.
 */
enum probe_kind {
	PROBE_ICMP,
	PROBE_HTTP,
	PROBE_DNS,
};
int prober_use(struct prober *p, enum probe_kind kind, const char *dns_name);
/* Probe from the namespace behind nsfd; index is handed back in events. */
int prober_add(struct prober *p, int nsfd, size_t index);
/* Start sending: every user every interval, until count probes each
 * (0: no limit) or prober_stop. */
void prober_start(struct prober *p, unsigned count);
void prober_stop(struct prober *p);
bool prober_done(const struct prober *p);	/* count reached, all answered or timed out */
void prober_free(struct prober *p);

#endif

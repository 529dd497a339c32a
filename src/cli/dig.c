/*
 * `anycastlab dig USER [NAME] [TYPE]`: one DNS query from the user's
 * namespace to the anycast address, asking for the NSID (RFC 5001), so
 * the answer says which POP gave it; over UDP, again over TCP when the
 * answer comes back truncated (RFC 7766 §5).  --all asks from every user:
 * the same answer for everyone, from a different POP for each.
 */
#include "cli/cli.h"
#include "dns/client.h"
#include "dns/wire.h"
#include "net/netns.h"
#include "topo/topo.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DIG_TIMEOUT_MS	1000
#define DIG_TRIES	2

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int wait_in(int fd, uint64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t now = now_ns();
	int r;

	if (now >= deadline)
		return -ETIMEDOUT;
	r = poll(&p, 1, (int)((deadline - now) / 1000000) + 1);
	return r < 0 ? -errno : r == 0 ? -ETIMEDOUT : 0;
}

/* One exchange over UDP: the reply's length, or -errno. */
static long ask_udp(int nsfd, uint32_t dst, const uint8_t *q, size_t qlen,
		    uint16_t id, uint8_t *buf, size_t cap)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(53),
				  .sin_addr.s_addr = htonl(dst) };
	uint64_t deadline = now_ns() + DIG_TIMEOUT_MS * 1000000ull;
	long r;
	int fd;

	fd = netns_socket(nsfd, AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    send(fd, q, qlen, 0) != (ssize_t)qlen) {
		r = -errno;
		goto out;
	}
	for (;;) {
		ssize_t n;

		r = wait_in(fd, deadline);
		if (r < 0)
			break;
		n = recv(fd, buf, cap, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		/* Someone else's datagram is not our answer: keep waiting. */
		if (n >= 2 && (buf[0] << 8 | buf[1]) == id) {
			r = n;
			break;
		}
	}
out:
	close(fd);
	return r;
}

static int io_all(int fd, void *p, size_t n, bool out, uint64_t deadline)
{
	uint8_t *b = p;
	size_t done = 0;

	while (done < n) {
		ssize_t k;

		if (!out) {
			int r = wait_in(fd, deadline);

			if (r < 0)
				return r;
		}
		k = out ? send(fd, b + done, n - done, MSG_NOSIGNAL)
			: recv(fd, b + done, n - done, 0);
		if (k < 0 && (errno == EAGAIN || errno == EINTR) && !out)
			continue;
		if (k <= 0)
			return k < 0 ? -errno : -ECONNRESET;
		done += (size_t)k;
	}
	return 0;
}

/* The same over TCP, two-octet length first (RFC 1035 §4.2.2). */
static long ask_tcp(int nsfd, uint32_t dst, const uint8_t *q, size_t qlen,
		    uint8_t *buf, size_t cap)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(53),
				  .sin_addr.s_addr = htonl(dst) };
	uint64_t deadline = now_ns() + DIG_TIMEOUT_MS * 2000000ull;
	struct timeval tv = { .tv_sec = DIG_TIMEOUT_MS / 1000 * 2 };
	uint8_t len[2] = { (uint8_t)(qlen >> 8), (uint8_t)qlen };
	long r;
	int fd;

	fd = netns_socket(nsfd, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		goto out;
	}
	r = io_all(fd, len, 2, true, deadline);
	if (r == 0)
		r = io_all(fd, (void *)q, qlen, true, deadline);
	if (r == 0)
		r = io_all(fd, len, 2, false, deadline);
	if (r == 0) {
		size_t n = (size_t)(len[0] << 8 | len[1]);

		r = n > cap ? -EMSGSIZE : io_all(fd, buf, n, false, deadline);
		if (r == 0)
			r = (long)n;
	}
out:
	close(fd);
	return r;
}

int cli_dns_ask(int nsfd, uint32_t dst, const char *name, uint16_t qtype,
		uint16_t qclass, bool tcp, struct cli_dns_answer *a)
{
	static uint8_t buf[65535];
	struct dns_query_opts o = { .qtype = qtype, .qclass = qclass,
				    .nsid = true };
	uint8_t q[512];
	uint64_t t0;
	long n = -ETIMEDOUT;
	int qlen, i;

	memset(a, 0, sizeof(*a));
	if (getrandom(&o.id, sizeof(o.id), 0) != sizeof(o.id))
		o.id = (uint16_t)now_ns();
	qlen = dns_query_build(q, sizeof(q), name, &o);
	if (qlen < 0)
		return qlen;
	t0 = now_ns();
	for (i = 0; !tcp && i < DIG_TRIES && n == -ETIMEDOUT; i++) {
		t0 = now_ns();
		n = ask_udp(nsfd, dst, q, (size_t)qlen, o.id, buf, sizeof(buf));
	}
	if (!tcp && n > 0 &&
	    dns_reply_parse(buf, (size_t)n, &o, name, &a->reply) == 0 &&
	    !a->reply.tc) {
		a->rtt_ns = now_ns() - t0;
		return 0;
	}
	if (!tcp && n < 0)
		return (int)n;
	/* Truncated (or asked for): the whole answer over TCP. */
	a->retried_tcp = !tcp;
	a->tcp = true;
	t0 = now_ns();
	n = ask_tcp(nsfd, dst, q, (size_t)qlen, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	a->rtt_ns = now_ns() - t0;
	n = dns_reply_parse(buf, (size_t)n, &o, name, &a->reply);
	return n < 0 ? (int)n : 0;
}

struct dig_args {
	const char *name;
	uint16_t qtype, qclass;
	bool tcp, json;
};

static const char *class_name(uint16_t c)
{
	return c == DNS_C_IN ? "IN" : c == DNS_C_CH ? "CH" : "ANY";
}

static void json_rrs(const struct dns_rr_text *rr, unsigned n)
{
	unsigned i;

	putchar('[');
	for (i = 0; i < n; i++) {
		const char *tn = dns_type_name(rr[i].type);

		printf("%s{\"name\":", i ? "," : "");
		cli_json_str(stdout, rr[i].name);
		printf(",\"ttl\":%u,\"class\":\"%s\",\"type\":", rr[i].ttl,
		       class_name(rr[i].qclass));
		if (tn)
			cli_json_str(stdout, tn);
		else
			printf("\"TYPE%u\"", rr[i].type);
		printf(",\"data\":");
		cli_json_str(stdout, rr[i].data);
		putchar('}');
	}
	putchar(']');
}

/* The answer's data, comma-separated, for the one-line forms. */
static void answer_list(const struct dns_reply *r, char *buf, size_t cap)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < r->n_an && len + 1 < cap; i++)
		len += (size_t)snprintf(buf + len, cap - len, "%s%s",
					i ? ", " : "", r->an[i].data);
	if (!r->n_an)
		snprintf(buf, cap, "-");
}

static void json_one(const struct topo *t, const char *user,
		     const struct dig_args *d, int err,
		     const struct cli_dns_answer *a)
{
	long pop = err == 0 && a->reply.nsid[0] ? topo_node_find(t, a->reply.nsid) : -1;
	const char *tn = dns_type_name(d->qtype);

	printf("{\"user\":");
	cli_json_str(stdout, user);
	printf(",\"name\":");
	cli_json_str(stdout, d->name);
	printf(",\"type\":");
	if (tn)
		cli_json_str(stdout, tn);
	else
		printf("\"TYPE%u\"", d->qtype);
	printf(",\"class\":\"%s\",\"server\":\"", class_name(d->qclass));
	{
		char ip[IP4_STRLEN];

		printf("%s\"", ip4_str(t->anycast_addr, ip));
	}
	if (err) {
		printf(",\"error\":");
		cli_json_str(stdout, strerror(-err));
		printf("}");
		return;
	}
	printf(",\"rcode\":");
	cli_json_str(stdout, dns_rcode_name(a->reply.rcode));
	printf(",\"aa\":%s,\"transport\":\"%s\",\"retried_tcp\":%s,\"pop\":",
	       a->reply.aa ? "true" : "false", a->tcp ? "tcp" : "udp",
	       a->retried_tcp ? "true" : "false");
	if (a->reply.nsid[0])
		cli_json_str(stdout, a->reply.nsid);
	else
		printf("null");
	printf(",\"city\":");
	if (pop >= 0 && t->nodes[pop].city)
		cli_json_str(stdout, t->nodes[pop].city);
	else
		printf("null");
	printf(",\"rtt_ms\":%.3f,\"answer\":", (double)a->rtt_ns / 1e6);
	json_rrs(a->reply.an, a->reply.n_an);
	printf(",\"authority\":");
	json_rrs(a->reply.ns, a->reply.n_ns);
	printf("}");
}

static const char *pop_city(const struct topo *t, const char *pop)
{
	long i = pop[0] ? topo_node_find(t, pop) : -1;

	return i >= 0 && t->nodes[i].city ? t->nodes[i].city : NULL;
}

static void text_one(const struct topo *t, const char *user,
		     const struct dig_args *d, const struct cli_dns_answer *a)
{
	const struct dns_reply *r = &a->reply;
	const char *city = pop_city(t, r->nsid);
	const char *tn = dns_type_name(d->qtype);
	unsigned i;

	printf("%s: %s %s %s -> %s%s, answered by %s%s%s%s in %.2f ms%s\n",
	       user, d->name, class_name(d->qclass), tn ? tn : "?",
	       dns_rcode_name(r->rcode), r->aa ? " (authoritative)" : "",
	       r->nsid[0] ? r->nsid : "(no NSID)", city ? " (" : "",
	       city ? city : "", city ? ")" : "", (double)a->rtt_ns / 1e6,
	       a->retried_tcp ? ", over TCP after a truncated UDP answer" :
	       a->tcp ? ", over TCP" : "");
	for (i = 0; i < r->n_an; i++)
		printf("  %-24s %6u  %s  %-5s %s\n", r->an[i].name, r->an[i].ttl,
		       class_name(r->an[i].qclass),
		       dns_type_name(r->an[i].type) ? dns_type_name(r->an[i].type) : "?",
		       r->an[i].data);
	for (i = 0; i < r->n_ns; i++)
		printf("  %-24s %6u  %s  %-5s %s   (authority)\n", r->ns[i].name,
		       r->ns[i].ttl, class_name(r->ns[i].qclass),
		       dns_type_name(r->ns[i].type) ? dns_type_name(r->ns[i].type) : "?",
		       r->ns[i].data);
}

static int dig_user(const char *verb, const struct topo *t, size_t i,
		    const struct dig_args *d, struct cli_dns_answer *a)
{
	long idx;
	int fd, r;

	fd = cli_user_netns(verb, t, t->nodes[i].name, &idx);
	if (fd < 0)
		return -EINVAL;
	r = cli_dns_ask(fd, t->anycast_addr, d->name, d->qtype, d->qclass,
			d->tcp, a);
	close(fd);
	return r;
}

/* s left-aligned in width columns, counting characters, not octets. */
static void put_col(const char *s, int width)
{
	int chars = 0;
	const char *p;

	for (p = s; *p; p++)
		chars += ((unsigned char)*p & 0xc0) != 0x80;
	fputs(s, stdout);
	for (; chars < width; chars++)
		putchar(' ');
}

static int dig_all(const char *verb, const struct topo *t,
		   const struct dig_args *d)
{
	struct cli_dns_answer *a;
	char first[256] = "", ans[256], pops[2048] = "";
	size_t i, users = 0, answered = 0, npops = 0;
	bool same = true;
	int *err, rc = 0;

	a = calloc(t->nnodes, sizeof(*a));
	err = calloc(t->nnodes, sizeof(*err));
	if (!a || !err) {
		free(a);
		free(err);
		return cli_error(verb, "out of memory");
	}
	for (i = 0; i < t->nnodes; i++) {
		if (t->nodes[i].kind != TOPO_KIND_USER)
			continue;
		users++;
		err[i] = dig_user(verb, t, i, d, &a[i]);
		if (err[i])
			continue;
		answered++;
		answer_list(&a[i].reply, ans, sizeof(ans));
		if (!first[0])
			snprintf(first, sizeof(first), "%s", ans);
		else if (strcmp(first, ans))
			same = false;
		if (a[i].reply.nsid[0] && !strstr(pops, a[i].reply.nsid)) {
			snprintf(pops + strlen(pops), sizeof(pops) - strlen(pops),
				 " %s ", a[i].reply.nsid);
			npops++;
		}
	}
	if (d->json) {
		size_t k = 0;

		printf("{\"lab\":");
		cli_json_str(stdout, t->name);
		printf(",\"users\":[");
		for (i = 0; i < t->nnodes; i++) {
			if (t->nodes[i].kind != TOPO_KIND_USER)
				continue;
			printf("%s", k++ ? "," : "");
			json_one(t, t->nodes[i].name, d, err[i], &a[i]);
		}
		printf("],\"same_answer\":%s,\"pops\":%zu}\n",
		       same && answered == users ? "true" : "false", npops);
	} else {
		printf("%-8s  %-22s  %-8s  %-18s  %-5s  %-13s  %s\n", "USER", "NAME",
		       "RCODE", "ANSWER", "POP", "CITY", "RTT");
		for (i = 0; i < t->nnodes; i++) {
			const char *city;

			if (t->nodes[i].kind != TOPO_KIND_USER)
				continue;
			if (err[i]) {
				printf("%-8s  %-22s  %s\n", t->nodes[i].name,
				       d->name, strerror(-err[i]));
				continue;
			}
			answer_list(&a[i].reply, ans, sizeof(ans));
			city = pop_city(t, a[i].reply.nsid);
			printf("%-8s  %-22s  %-8s  %-18s  %-5s  ",
			       t->nodes[i].name, d->name,
			       dns_rcode_name(a[i].reply.rcode), ans,
			       a[i].reply.nsid[0] ? a[i].reply.nsid : "-");
			put_col(city ? city : "-", 13);
			printf("  %.2f ms\n", (double)a[i].rtt_ns / 1e6);
		}
		if (answered == users && same)
			printf("\nthe same answer for all %zu users (%s), from %zu POP%s\n",
			       users, first, npops, npops == 1 ? "" : "s");
		else
			printf("\n%zu of %zu users answered%s\n", answered, users,
			       same ? "" : "; the answers differ");
	}
	if (answered < users)
		rc = 1;
	free(a);
	free(err);
	return rc;
}

int cli_dig(const struct cli_verb *v, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "tcp", no_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "lab", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char labname[TOPO_NAME_MAX + 1], origin[256];
	struct dig_args d = { .qtype = DNS_T_A, .qclass = DNS_C_IN };
	const char *lab = NULL, *user = NULL;
	struct cli_dns_answer a;
	bool all = false, type_given = false;
	int c, rc, r, k, nargs;
	struct topo t;
	uint8_t w[DNS_NAME_MAX];
	size_t wl;

	while ((c = cli_getopt(v, argc, argv, "atjl:h", opts, &rc)) != -1) {
		switch (c) {
		case CLI_OPT_EXIT: return rc;
		case 'a': all = true; break;
		case 't': d.tcp = true; break;
		case 'j': d.json = true; break;
		case 'l': lab = optarg; break;
		}
	}
	nargs = argc - optind;
	if (nargs < (all ? 0 : 1) || nargs > (all ? 2 : 3))
		return cli_error(v->name, all ? "--all takes no USER, only NAME and TYPE" :
				 "needs a USER and, optionally, a NAME and a TYPE"), 2;
	k = optind;
	if (!all)
		user = argv[k++];
	if (k < argc)
		d.name = argv[k++];
	if (k < argc) {
		r = dns_type_from_name(argv[k]);
		if (r <= 0) {
			return cli_error(v->name, "TYPE '%s' is not a record type "
					 "(A, AAAA, NS, SOA, CNAME, MX, TXT, ANY "
					 "or TYPEnnn)", argv[k]), 2;
		}
		d.qtype = (uint16_t)r;
		type_given = true;
	}
	if (d.name && dns_name_from_text(d.name, w, &wl) < 0)
		return cli_error(v->name, "NAME '%s' is not a domain name", d.name), 2;
	if (cli_lab_begin(v->name, lab, labname, sizeof(labname), &t))
		return 1;
	if (!d.name) {
		snprintf(origin, sizeof(origin), "%s", topo_dns_origin(&t));
		d.name = origin;
	}
	/* The names operators ask an instance for (RFC 4892) are CHAOS. */
	if (!strcasecmp(d.name, "id.server") || !strcasecmp(d.name, "id.server.") ||
	    !strcasecmp(d.name, "hostname.bind") || !strcasecmp(d.name, "hostname.bind.")) {
		d.qclass = DNS_C_CH;
		if (!type_given)
			d.qtype = DNS_T_TXT;
	}
	if (t.dns.off) {
		topo_free(&t);
		return cli_error(v->name, "lab '%s' serves no DNS (dns: off)", labname);
	}
	if (all) {
		rc = dig_all(v->name, &t, &d);
	} else {
		long idx;
		int fd = cli_user_netns(v->name, &t, user, &idx);

		if (fd < 0) {
			topo_free(&t);
			return 1;
		}
		r = cli_dns_ask(fd, t.anycast_addr, d.name, d.qtype, d.qclass,
				d.tcp, &a);
		close(fd);
		if (d.json) {
			json_one(&t, t.nodes[idx].name, &d, r, &a);
			putchar('\n');
		} else if (r < 0) {
			char ip[IP4_STRLEN];

			cli_error(v->name, "%s from %s to %s: %s", d.name, user,
				  ip4_str(t.anycast_addr, ip), strerror(-r));
		} else {
			text_one(&t, t.nodes[idx].name, &d, &a);
		}
		rc = r < 0;
	}
	topo_free(&t);
	return rc;
}

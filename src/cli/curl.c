/*
 * `anycastlab curl USER [PATH]`: a real HTTP request from the user's
 * namespace to the anycast address; prints the status, the POP that
 * served it (X-Served-By) and the time it took.
 */
#include "cli/cli.h"
#include "dns/wire.h"
#include "http/client.h"
#include "net/netns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CURL_TIMEOUT_MS	3000

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int wait_fd(int fd, short ev, uint64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = ev };
	uint64_t now = now_ns();
	int r;

	if (now >= deadline)
		return -ETIMEDOUT;
	r = poll(&p, 1, (int)((deadline - now) / 1000000) + 1);
	return r < 0 ? -errno : r == 0 ? -ETIMEDOUT : 0;
}

/* One request, the whole response into buf; returns its length or -errno. */
long cli_http_get_host(int nsfd, uint32_t dst, const char *host,
		       const char *path, char *buf, size_t cap,
		       uint64_t *elapsed)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(80) };
	uint64_t t0 = now_ns(), deadline = t0 + CURL_TIMEOUT_MS * 1000000ull;
	char req[512];
	size_t got = 0;
	int fd, r, one = 1, n;

	fd = netns_socket(nsfd, AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	sa.sin_addr.s_addr = htonl(dst);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
		r = -errno;
		goto out;
	}
	r = wait_fd(fd, POLLOUT, deadline);
	if (r == 0) {
		socklen_t len = sizeof(int);
		int err = 0;

		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
		r = -err;
	}
	if (r < 0)
		goto out;
	n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s\r\n"
		     "User-Agent: anycastlab\r\nConnection: close\r\n\r\n", path,
		     host ? host : inet_ntoa(sa.sin_addr));
	if (n < 0 || (size_t)n >= sizeof(req) || write(fd, req, (size_t)n) != n) {
		r = -EIO;
		goto out;
	}
	for (;;) {
		ssize_t k;

		r = wait_fd(fd, POLLIN, deadline);
		if (r < 0)
			break;
		k = read(fd, buf + got, cap - 1 - got);
		if (k < 0 && errno == EAGAIN)
			continue;
		if (k <= 0) {
			r = k < 0 ? -errno : 0;
			break;
		}
		got += (size_t)k;
		if (got == cap - 1)
			break;
	}
	if (r == 0 || (r == -ECONNRESET && got)) {
		*elapsed = now_ns() - t0;
		buf[got] = '\0';
		r = (int)got;
	}
out:
	close(fd);
	return r;
}

long cli_http_get(int nsfd, uint32_t dst, const char *path, char *buf,
		  size_t cap, uint64_t *elapsed)
{
	return cli_http_get_host(nsfd, dst, NULL, path, buf, cap, elapsed);
}

/*
 * name's address as the lab's DNS gives it to user (the first A record of
 * the answer, after any CNAME), and the POP that answered: one line
 * saying so.  0, or 1 after an error line.
 */
static int curl_resolve(const char *verb, const struct topo *t, int fd,
			const char *user, const char *name, uint32_t *addr)
{
	struct cli_dns_answer a;
	unsigned i;
	int r;

	r = cli_dns_ask(fd, t->anycast_addr, name, DNS_T_A, DNS_C_IN, false, &a);
	if (r < 0)
		return cli_error(verb, "%s: resolving %s through the lab's DNS: %s",
				 user, name, strerror(-r));
	for (i = 0; i < a.reply.n_an; i++)
		if (a.reply.an[i].type == DNS_T_A &&
		    ip4_parse(a.reply.an[i].data, addr) == 0)
			break;
	if (i == a.reply.n_an)
		return cli_error(verb, "%s: %s has no address (%s, answered by %s)",
				 user, name, dns_rcode_name(a.reply.rcode),
				 a.reply.nsid[0] ? a.reply.nsid : "a POP without NSID");
	printf("%s: %s -> %s (answered by %s in %.2f ms)\n", user, name,
	       a.reply.an[i].data, a.reply.nsid[0] ? a.reply.nsid : "?",
	       (double)a.rtt_ns / 1e6);
	return 0;
}

/* GET path from user; one line (and with body, the body); 0 when the
 * answer was 2xx or 3xx. */
static int curl_one(const char *verb, const struct topo *t, const char *user,
		    const char *name, const char *path, bool body)
{
	char buf[65536], ip[IP4_STRLEN];
	struct http_response_head h;
	uint64_t elapsed = 0;
	uint32_t addr = t->anycast_addr;
	long idx, n, pop;
	int fd;

	fd = cli_user_netns(verb, t, user, &idx);
	if (fd < 0)
		return 1;
	if (name && curl_resolve(verb, t, fd, t->nodes[idx].name, name, &addr)) {
		close(fd);
		return 1;
	}
	n = cli_http_get_host(fd, addr, name, path, buf, sizeof(buf), &elapsed);
	close(fd);
	if (n < 0) {
		cli_error(verb, "http://%s%s from %s: %s",
			  name ? name : ip4_str(addr, ip), path, user,
			  strerror((int)-n));
		return 1;
	}
	if (http_response_head_parse(buf, (size_t)n, &h) < 0) {
		cli_error(verb, "http://%s%s from %s: not an HTTP response",
			  name ? name : ip4_str(addr, ip), path, user);
		return 1;
	}
	pop = h.served_by[0] ? topo_node_find(t, h.served_by) : -1;
	printf("%s: GET http://%s%s -> %d %s from %s%s%s%s in %.2f ms\n",
	       t->nodes[idx].name, name ? name : ip4_str(addr, ip), path, h.status,
	       h.reason, h.served_by[0] ? h.served_by : "(no X-Served-By)",
	       pop >= 0 && t->nodes[pop].city ? " (" : "",
	       pop >= 0 && t->nodes[pop].city ? t->nodes[pop].city : "",
	       pop >= 0 && t->nodes[pop].city ? ")" : "", (double)elapsed / 1e6);
	if (body && (size_t)n > h.head_len)
		printf("%s%s", buf + h.head_len,
		       buf[n - 1] == '\n' ? "" : "\n");
	return h.status >= 200 && h.status < 400 ? 0 : 1;
}

int cli_curl(const struct cli_verb *v, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "name", required_argument, NULL, 'n' },
		{ "lab", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char labname[TOPO_NAME_MAX + 1];
	const char *lab = NULL, *path = "/", *name = NULL;
	bool all = false;
	struct topo t;
	int c, rc, r = 0;
	size_t i;

	while ((c = cli_getopt(v, argc, argv, "an:l:h", opts, &rc)) != -1) {
		if (c == CLI_OPT_EXIT)
			return rc;
		if (c == 'n')
			name = optarg;
		if (c == 'l')
			lab = optarg;
		if (c == 'a')
			all = true;
	}
	if (all ? argc - optind > 1 : argc - optind < 1 || argc - optind > 2)
		return cli_error(v->name, all ? "--all takes no USER, only a PATH" :
				 "needs a USER and, optionally, a PATH"), 2;
	if (argc - optind == (all ? 1 : 2))
		path = argv[argc - 1];
	if (path[0] != '/' || strlen(path) > 256 || strpbrk(path, " \r\n"))
		return cli_error(v->name, "PATH must start with '/', hold no spaces "
				 "and be at most 256 characters"), 2;
	if (name) {
		uint8_t w[DNS_NAME_MAX];
		size_t wl;

		if (dns_name_from_text(name, w, &wl) < 0 || strpbrk(name, " \r\n"))
			return cli_error(v->name, "--name '%s' is not a domain name",
					 name), 2;
	}
	if (cli_lab_begin(v->name, lab, labname, sizeof(labname), &t))
		return 1;
	if (!all) {
		r = curl_one(v->name, &t, argv[optind], name, path, true);
	} else {
		for (i = 0; i < t.nnodes; i++)
			if (t.nodes[i].kind == TOPO_KIND_USER &&
			    curl_one(v->name, &t, t.nodes[i].name, name, path, false))
				r = 1;
	}
	topo_free(&t);
	return r;
}

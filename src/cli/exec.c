/*
 * `anycastlab exec NODE [--lab LAB] -- CMD ARGS...`: what `ip netns exec`
 * does — enter the node's network namespace, give the command a private
 * mount namespace with a fresh /sys so /sys/class/net shows the node's own
 * interfaces and /etc/netns/<ns>/<file> bound over /etc/<file> (a user's
 * resolv.conf naming the lab's DNS), and exec it, so its exit status is
 * ours.
 */
#include "cli/cli.h"
#include "net/netns.h"
#include "run/etcns.h"

#include <dirent.h>
#include <stdio.h>
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* Each /etc/netns/<ns>/<file> over /etc/<file>, as `ip netns exec` does. */
static void exec_bind_etc(const char *ns)
{
	char dir[sizeof(ETCNS_ROOT) + 64];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), ETCNS_ROOT "/%s", ns);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		char from[sizeof(dir) + 256], to[sizeof("/etc/") + 256];

		if (de->d_name[0] == '.')
			continue;
		snprintf(from, sizeof(from), "%s/%s", dir, de->d_name);
		snprintf(to, sizeof(to), "/etc/%s", de->d_name);
		if (mount(from, to, "none", MS_BIND, NULL) < 0)
			cli_error("exec", "cannot bind %s over %s: %s", from, to,
				  strerror(errno));
	}
	closedir(d);
}

static void exec_remount(const char *ns)
{
	/* Best effort, as in iproute2: without it /sys is stale and /etc
	 * the host's. */
	if (unshare(CLONE_NEWNS) < 0)
		return;
	if (mount("", "/", "none", MS_SLAVE | MS_REC, NULL) < 0)
		return;
	exec_bind_etc(ns);
	if (umount2("/sys", MNT_DETACH) < 0)
		return;
	mount("sysfs", "/sys", "sysfs", 0, NULL);
}

int cli_exec(const struct cli_verb *v, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lab", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char labname[TOPO_NAME_MAX + 1], ns[TOPO_NETNS_MAX + 1];
	const char *lab = NULL;
	struct topo t;
	long node;
	int c, rc, fd;

	/* '+': stop at the first non-option so the command keeps its own. */
	while ((c = cli_getopt(v, argc, argv, "+l:h", opts, &rc)) != -1) {
		if (c == CLI_OPT_EXIT)
			return rc;
		if (c == 'l')
			lab = optarg;
	}
	if (optind >= argc)
		return cli_error(v->name, "needs a NODE and a command: "
				 "anycastlab exec NODE -- CMD"), 2;
	/* NODE may come before --lab: parse the rest once more. */
	{
		const char *name = argv[optind++];

		while ((c = cli_getopt(v, argc, argv, "+l:h", opts, &rc)) != -1) {
			if (c == CLI_OPT_EXIT)
				return rc;
			if (c == 'l')
				lab = optarg;
		}
		if (optind >= argc)
			return cli_error(v->name, "needs a command after the node: "
					 "anycastlab exec %s -- CMD", name), 2;
		if (!cli_privileged(v->name))
			return 1;
		if (cli_pick_lab(v->name, lab, labname, sizeof(labname)) < 0)
			return 1;
		if (cli_load_lab(v->name, labname, &t))
			return 1;
		node = cli_find_node(v->name, &t, name);
		if (node < 0) {
			topo_free(&t);
			return 1;
		}
		fd = netns_open(t.nodes[node].netns);
		if (fd < 0) {
			cli_error(v->name, "namespace %s of node %s is gone: %s",
				  t.nodes[node].netns, name, strerror(-fd));
			topo_free(&t);
			return 1;
		}
		snprintf(ns, sizeof(ns), "%s", t.nodes[node].netns);
		topo_free(&t);
	}
	if (netns_move(fd) < 0)
		return cli_error(v->name, "cannot enter the namespace: %s",
				 strerror(errno));
	close(fd);
	exec_remount(ns);
	umask(cli_caller_umask);
	execvp(argv[optind], argv + optind);
	cli_error(v->name, "cannot run '%s': %s", argv[optind], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}

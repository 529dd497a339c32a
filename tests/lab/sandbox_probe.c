/*
 * Enters the router's sandbox (router/sandbox.h) the way a router does,
 * then tries what a router must still do and what a parser bug turned
 * into code would try, and prints one line per attempt:
 *
 *   allowed socket-inet
 *   refused open-write EPERM
 *
 * tests/lab/security.sh runs it as root and reads the lines.  It is not
 * part of anycastlab.
 */
#include "router/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

static void say(const char *what, int r)
{
	if (r >= 0)
		printf("allowed %s\n", what);
	else
		printf("refused %s %s\n", what, strerrorname_np(errno) ?
		       strerrorname_np(errno) : "?");
}

int main(int argc, char **argv)
{
	char path[512];
	int r;

	if (argc != 2) {
		fprintf(stderr, "usage: sandbox_probe DIR\n");
		return 2;
	}
	r = sandbox_enter();
	if (r < 0) {
		printf("sandbox_enter failed: %s\n", strerror(-r));
		return 1;
	}
	printf("uid %d\n", (int)getuid());
	say("open-read", open("/proc/self/statm", O_RDONLY | O_CLOEXEC));
	say("socket-inet", socket(AF_INET, SOCK_STREAM, 0));
	say("socket-netlink", socket(AF_NETLINK, SOCK_RAW, 0));
	snprintf(path, sizeof(path), "%s/written-by-router", argv[1]);
	say("open-write", open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
	say("socket-packet", socket(AF_PACKET, SOCK_RAW, 0));
	say("unshare-net", unshare(CLONE_NEWNET));
	say("setns", setns(0, CLONE_NEWNET));
	say("mount", mount("none", argv[1], "tmpfs", 0, NULL));
	say("unlink", unlink(argv[1]));
	say("setuid-root", setuid(0));
	say("execve", execl("/bin/true", "true", (char *)NULL));
	return 0;
}

/*
 * Named network namespaces (see netns.h).  Creation follows iproute2's
 * netns_add(): make /run/netns a shared mount point so the bind mounts
 * propagate to other mount namespaces, create an empty file, unshare the
 * network namespace and bind /proc/thread-self/ns/net onto the file.
 */
#include "net/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static int netns_home = -1;	/* the namespace the process started in */

static int netns_home_fd(void)
{
	if (netns_home < 0)
		netns_home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	return netns_home < 0 ? -errno : netns_home;
}

/* A namespace name is one path component of /run/netns: never "..",
 * never a '/'. */
static int netns_path(char *buf, size_t n, const char *name)
{
	int r;

	if (!name || !*name || name[0] == '.' || strchr(name, '/') ||
	    strlen(name) >= NAME_MAX)
		return -EINVAL;
	r = snprintf(buf, n, "%s/%s", NETNS_RUN_DIR, name);
	return r < 0 || (size_t)r >= n ? -ENAMETOOLONG : 0;
}

/* /run/netns itself: a root-owned directory, not a symbolic link to
 * somewhere else, before anything in it is unmounted or unlinked. */
static int netns_dir_check(void)
{
	struct stat st;

	if (lstat(NETNS_RUN_DIR, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return S_ISLNK(st.st_mode) ? -ELOOP : -ENOTDIR;
	if (st.st_uid != 0 || (st.st_mode & 0022))
		return -EPERM;
	return 0;
}

static int netns_prepare_dir(void)
{
	static bool done;
	bool bound = false;

	if (done)
		return 0;
	if (mkdir(NETNS_RUN_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (netns_dir_check() < 0)
		return -EPERM;
	/*
	 * As iproute2 does: make /run/netns shared so namespace mounts made
	 * now show up in every mount namespace, binding the directory onto
	 * itself first when it is not a mount point yet (EINVAL).
	 */
	while (mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL) < 0) {
		if (errno != EINVAL || bound)
			return -errno;
		if (mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none",
			  MS_BIND | MS_REC, NULL) < 0)
			return -errno;
		bound = true;
	}
	done = true;
	return 0;
}

int netns_create(const char *name, int *fd)
{
	char path[PATH_MAX];
	int home, f, r;

	home = netns_home_fd();
	if (home < 0)
		return home;
	r = netns_path(path, sizeof(path), name);
	if (r < 0)
		return r;
	r = netns_prepare_dir();
	if (r < 0)
		return r;
	f = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (f < 0)
		return -errno;
	close(f);
	if (unshare(CLONE_NEWNET) < 0) {
		r = -errno;
		goto out_unlink;
	}
	if (mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL) < 0) {
		r = -errno;
		goto out_home;
	}
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0) {
		r = -errno;
		goto out_umount;
	}
	if (setns(home, CLONE_NEWNET) < 0) {
		r = -errno;
		close(f);
		goto out_umount;
	}
	*fd = f;
	return 0;

out_umount:
	umount2(path, MNT_DETACH);
out_home:
	setns(home, CLONE_NEWNET);
out_unlink:
	unlink(path);
	return r;
}

int netns_delete(const char *name)
{
	char path[PATH_MAX];
	struct stat st;
	int r = netns_path(path, sizeof(path), name);

	if (r == 0)
		r = netns_dir_check();
	if (r < 0)
		return r;
	/* Only a file of its own, never what a link points to. */
	if (lstat(path, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EPERM;
	/* EINVAL: not mounted (a file left by a crash between create and
	 * mount); the unlink below still removes it. */
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return -errno;
	if (unlink(path) < 0)
		return -errno;
	return 0;
}

int netns_open(const char *name)
{
	char path[PATH_MAX];
	int r = netns_path(path, sizeof(path), name), fd;

	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

bool netns_exists(const char *name)
{
	char path[PATH_MAX];

	return netns_path(path, sizeof(path), name) == 0 &&
	       access(path, F_OK) == 0;
}

int netns_enter(int fd)
{
	int home = netns_home_fd();

	if (home < 0)
		return home;
	return setns(fd, CLONE_NEWNET) < 0 ? -errno : 0;
}

int netns_move(int fd)
{
	if (setns(fd, CLONE_NEWNET) < 0)
		return -errno;
	if (netns_home >= 0) {
		close(netns_home);
		netns_home = -1;
	}
	return 0;
}

int netns_leave(void)
{
	int home = netns_home_fd();

	if (home < 0)
		return home;
	return setns(home, CLONE_NEWNET) < 0 ? -errno : 0;
}

int netns_socket(int fd, int domain, int type, int protocol)
{
	int r, s;

	r = netns_enter(fd);
	if (r < 0)
		return r;
	s = socket(domain, type, protocol);
	r = s < 0 ? -errno : s;
	if (netns_leave() < 0) {
		if (s >= 0)
			close(s);
		return -EIO;
	}
	return r;
}

/*
 * sysctl writes through /proc/sys (see sysctl.h).
 */
#include "net/sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int sysctl_write(const char *path, const char *value)
{
	char full[PATH_MAX];
	size_t n = strlen(value);
	ssize_t w;
	int fd, r;

	r = snprintf(full, sizeof(full), "/proc/sys/%s", path);
	if (r < 0 || (size_t)r >= sizeof(full))
		return -ENAMETOOLONG;
	fd = open(full, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	w = write(fd, value, n);
	r = w < 0 ? -errno : (size_t)w == n ? 0 : -EIO;
	close(fd);
	return r;
}

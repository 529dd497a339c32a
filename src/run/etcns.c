#include "run/etcns.h"
#include "util/ip.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MARKER	"# anycastlab lab "

bool etcns_root_exists(void)
{
	struct stat st;

	return stat(ETCNS_ROOT, &st) == 0 && S_ISDIR(st.st_mode);
}

static void marker(char *buf, size_t cap, const char *lab)
{
	snprintf(buf, cap, MARKER "%s: written by up, removed by down\n", lab);
}

/* Whether path is a regular file of ours for lab: 1, 0 not ours, -errno. */
static int ours(const char *path, const char *lab)
{
	char want[128], got[128];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	marker(want, sizeof(want), lab);
	n = read(fd, got, strlen(want));
	close(fd);
	return n == (ssize_t)strlen(want) && memcmp(got, want, (size_t)n) == 0;
}

/* A directory every user may read, whatever the umask; one that exists
 * is left as it is. */
static int mkdir_readable(const char *path)
{
	if (mkdir(path, 0755) < 0)
		return errno == EEXIST ? 0 : -errno;
	return chmod(path, 0755) < 0 ? -errno : 0;
}

int etcns_resolv_write(const char *lab, const char *ns, uint32_t addr,
		       const char *search)
{
	char dir[sizeof(ETCNS_ROOT) + 64], path[sizeof(dir) + 16];
	char tmp[sizeof(path) + 8], head[128], a[IP4_STRLEN];
	FILE *f;
	int r;

	r = mkdir_readable(ETCNS_ROOT);
	if (r < 0)
		return r;
	snprintf(dir, sizeof(dir), ETCNS_ROOT "/%s", ns);
	r = mkdir_readable(dir);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "%s/resolv.conf", dir);
	r = ours(path, lab);
	if (r == 0)
		return -EEXIST;
	if (r < 0 && r != -ENOENT)
		return r;
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	f = fopen(tmp, "wxe");
	if (!f && errno == EEXIST && unlink(tmp) == 0)
		f = fopen(tmp, "wxe");
	if (!f)
		return -errno;
	marker(head, sizeof(head), lab);
	fputs(head, f);
	fprintf(f, "# The lab's anycast DNS: every POP answers here.\n");
	fprintf(f, "nameserver %s\n", ip4_str(addr, a));
	if (search)
		fprintf(f, "search %s\n", search);
	/* A POP that fails is gone for a resolver until BGP moves the
	 * address: retry soon. */
	fprintf(f, "options timeout:1 attempts:3 edns0\n");
	if (fchmod(fileno(f), 0644) < 0 || fflush(f) != 0 || ferror(f)) {
		r = -errno;
		fclose(f);
		unlink(tmp);
		return r ? r : -EIO;
	}
	if (fclose(f) != 0 || rename(tmp, path) < 0) {
		r = -errno;
		unlink(tmp);
		return r;
	}
	return 0;
}

unsigned etcns_remove_lab(const char *lab, bool made_root)
{
	size_t ll = strlen(lab);
	unsigned removed = 0;
	struct dirent *de;
	DIR *d;

	d = opendir(ETCNS_ROOT);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char dir[sizeof(ETCNS_ROOT) + 300], path[sizeof(dir) + 16];

		if (strncmp(de->d_name, lab, ll) != 0 || de->d_name[ll] != '-')
			continue;
		snprintf(dir, sizeof(dir), ETCNS_ROOT "/%s", de->d_name);
		snprintf(path, sizeof(path), "%s/resolv.conf", dir);
		if (ours(path, lab) != 1 || unlink(path) < 0)
			continue;
		removed++;
		rmdir(dir);	/* only when empty: anyone else's files stay */
	}
	closedir(d);
	if (made_root)
		rmdir(ETCNS_ROOT);
	return removed;
}

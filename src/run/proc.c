/*
 * Process identity, signalling and discovery through /proc (see proc.h).
 */
#include "run/proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int proc_stat_start(const char *stat, unsigned long long *start)
{
	/* comm (field 2) may hold spaces and parentheses: count fields
	 * from the last ')'.  Field 3 follows it; start time is field 22. */
	const char *p = strrchr(stat, ')');
	int field = 2;
	char *end;

	if (!p)
		return -EINVAL;
	p++;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		field++;
		if (field == 22) {
			errno = 0;
			*start = strtoull(p, &end, 10);
			if (errno || end == p)
				return -EINVAL;
			return 0;
		}
		while (*p && *p != ' ')
			p++;
	}
	return -EINVAL;
}

/* Read /proc/<pid>/stat: start time, and whether it is a zombie (which
 * has released everything and only waits for a parent to reap it; a
 * container's init may never do that). */
static int proc_stat_read(pid_t pid, struct proc_id *id, bool *zombie)
{
	char path[64], buf[1024], *p;
	ssize_t n;
	int fd, r;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	r = n < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		return r;
	buf[n] = '\0';
	id->pid = pid;
	p = strrchr(buf, ')');
	*zombie = p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
	return proc_stat_start(buf, &id->start);
}

int proc_id_get(pid_t pid, struct proc_id *id)
{
	bool zombie;

	return proc_stat_read(pid, id, &zombie);
}

bool proc_id_alive(const struct proc_id *id)
{
	struct proc_id now;
	bool zombie;

	if (id->pid <= 0 || proc_stat_read(id->pid, &now, &zombie) < 0)
		return false;
	return now.start == id->start && !zombie;
}

int proc_kill(const struct proc_id *id, int sig)
{
	if (!proc_id_alive(id))
		return -ESRCH;
	return kill(id->pid, sig) < 0 ? -errno : 0;
}

static bool proc_gone(const struct proc_id *id)
{
	waitpid(id->pid, NULL, WNOHANG);
	return !proc_id_alive(id);
}

int proc_stop(const struct proc_id *id, unsigned grace_ms)
{
	struct timespec ts = { 0, 2 * 1000 * 1000 };
	unsigned waited = 0;

	if (proc_kill(id, SIGTERM) < 0)
		return 0;
	/* A stopped (frozen) process cannot act on SIGTERM until it runs. */
	proc_kill(id, SIGCONT);
	while (waited < grace_ms) {
		if (proc_gone(id))
			return 0;
		nanosleep(&ts, NULL);
		waited += 2;
	}
	if (proc_kill(id, SIGKILL) < 0)
		return 0;
	for (waited = 0; waited < 2000; waited += 2) {
		if (proc_gone(id))
			return 0;
		nanosleep(&ts, NULL);
	}
	return -ETIMEDOUT;
}

int proc_owner(pid_t pid, uid_t *uid)
{
	char path[64], line[256];
	unsigned long r, e;
	int found = -ESRCH;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Uid: %lu %lu", &r, &e) == 2) {
			*uid = (uid_t)e;
			found = 0;
			break;
		}
	}
	fclose(f);
	return found;
}

static bool proc_exe_named(pid_t pid, const char *name)
{
	static const char deleted[] = " (deleted)";
	char path[64], exe[PATH_MAX], *base;
	size_t len;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	/* A binary rebuilt under a running process is "... (deleted)". */
	len = (size_t)n;
	if (len > sizeof(deleted) - 1 &&
	    !strcmp(exe + len - (sizeof(deleted) - 1), deleted))
		exe[len - (sizeof(deleted) - 1)] = '\0';
	base = strrchr(exe, '/');
	return !strcmp(base ? base + 1 : exe, name);
}

/* Inode of the network namespace of pid (0 when unreadable). */
static unsigned long long proc_netns_ino(pid_t pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if (stat(path, &st) < 0)
		return 0;
	return (unsigned long long)st.st_ino;
}

bool proc_is_ours(const struct proc_id *id, const char *prog, uid_t uid,
		  unsigned long long netns_ino)
{
	uid_t owner;

	if (!proc_id_alive(id) || proc_owner(id->pid, &owner) < 0 ||
	    (owner != 0 && owner != uid) || !proc_exe_named(id->pid, prog))
		return false;
	return !netns_ino || proc_netns_ino(id->pid) == netns_ino;
}

size_t proc_in_netns(const unsigned long long *inos, size_t n,
		     struct proc_id *out, size_t max)
{
	struct dirent *de;
	size_t found = 0, i;
	pid_t self = getpid();
	DIR *d;

	d = opendir("/proc");
	if (!d)
		return 0;
	while ((de = readdir(d)) && found < max) {
		unsigned long long ino;
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0 || pid == self)
			continue;
		ino = proc_netns_ino((pid_t)pid);
		if (!ino)
			continue;
		for (i = 0; i < n; i++) {
			if (inos[i] == ino) {
				if (proc_id_get((pid_t)pid, &out[found]) == 0)
					found++;
				break;
			}
		}
	}
	closedir(d);
	return found;
}

bool proc_stopped(pid_t pid)
{
	char path[64], buf[512], *p;
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && (p[2] == 'T' || p[2] == 't');
}

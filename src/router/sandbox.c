/*
 * The router's sandbox (see sandbox.h): capabilities kept across setuid
 * with PR_SET_KEEPCAPS, then made effective again; PR_SET_NO_NEW_PRIVS;
 * a libseccomp allow-list.
 *
 * open(2) is allowed for reading only (the router reads /proc/self/statm
 * for its status); socket(2) only for the families a router speaks (IPv4,
 * netlink for routes and link events, Unix for nothing new but glibc's
 * own needs).  A sanitizer build (the test suite's) refuses only what
 * must never happen, since its runtime needs much a router does not.
 */
#include "router/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define SANDBOX_SANITIZED 1
#endif
#endif

void sandbox_user(uid_t *uid, gid_t *gid)
{
	struct passwd *pw = getpwnam(SANDBOX_USER);

	*uid = pw ? pw->pw_uid : SANDBOX_NOBODY;
	*gid = pw ? pw->pw_gid : SANDBOX_NOBODY;
}

static const cap_value_t sandbox_caps[] = {
	CAP_NET_ADMIN, CAP_NET_BIND_SERVICE, CAP_NET_RAW,
};
#define NCAPS	(sizeof(sandbox_caps) / sizeof(sandbox_caps[0]))

/* Permitted and effective: the three, plus what changing the uid takes
 * while it is still to be done. */
static int sandbox_set_caps(bool for_setuid)
{
	cap_value_t all[NCAPS + 2];
	cap_t caps = cap_init();
	size_t n = 0, i;
	int r = 0;

	if (!caps)
		return -ENOMEM;
	for (i = 0; i < NCAPS; i++)
		all[n++] = sandbox_caps[i];
	if (for_setuid) {
		all[n++] = CAP_SETUID;
		all[n++] = CAP_SETGID;
	}
	if (cap_set_flag(caps, CAP_PERMITTED, (int)n, all, CAP_SET) < 0 ||
	    cap_set_flag(caps, CAP_EFFECTIVE, (int)n, all, CAP_SET) < 0 ||
	    cap_set_proc(caps) < 0)
		r = -errno;
	cap_free(caps);
	return r;
}

static bool sandbox_kept(cap_value_t c)
{
	size_t i;

	for (i = 0; i < NCAPS; i++)
		if (sandbox_caps[i] == c)
			return true;
	return false;
}

static int sandbox_drop_uid(void)
{
	cap_value_t c;
	uid_t uid;
	gid_t gid;
	int r;

	/* Out of the bounding set first (that needs CAP_SETPCAP). */
	for (c = 0; c <= CAP_LAST_CAP; c++)
		if (!sandbox_kept(c) && cap_drop_bound(c) < 0 && errno != EINVAL)
			return -errno;
	r = sandbox_set_caps(true);
	if (r < 0)
		return r;
	sandbox_user(&uid, &gid);
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return -errno;
	if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(uid, uid, uid) < 0)
		return -errno;
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return -errno;
	/* setuid cleared the effective set; the permitted one survived. */
	return sandbox_set_caps(false);
}

static int sandbox_allow(scmp_filter_ctx f, const char *name)
{
	int nr = seccomp_syscall_resolve_name(name);

	/* A call this architecture does not have is nothing to allow. */
	if (nr == __NR_SCMP_ERROR)
		return 0;
	return seccomp_rule_add(f, SCMP_ACT_ALLOW, nr, 0);
}

static int sandbox_filter(void)
{
	static const char *const allow[] = {
		/* I/O on what is open already, and the event loop */
		"read", "write", "readv", "writev", "pread64", "close", "fcntl",
		"lseek", "fstat", "newfstatat", "statx", "epoll_create1",
		"epoll_ctl", "epoll_wait", "epoll_pwait", "poll", "ppoll",
		"timerfd_create", "timerfd_settime", "timerfd_gettime",
		"signalfd4", "eventfd2", "dup", "dup3",
		/* sockets: BGP sessions, HTTP clients, control, netlink */
		"bind", "listen", "accept", "accept4", "connect", "getsockopt",
		"setsockopt", "getsockname", "getpeername", "sendto", "recvfrom",
		"sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "shutdown",
		/* memory, time, signals, identity, exit */
		"brk", "mmap", "munmap", "mremap", "mprotect", "madvise",
		"clock_gettime", "clock_nanosleep", "nanosleep", "gettimeofday",
		"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack",
		"getpid", "gettid", "getuid", "geteuid", "getgid", "getegid",
		"getrandom", "futex", "sched_yield", "restart_syscall", "uname",
		"prlimit64", "getrlimit", "exit", "exit_group", "kill", "tgkill",
	};
	/* A sanitizer's runtime does what no router does (LeakSanitizer
	 * stops the world from a thread of its own, reports go to files):
	 * there the filter refuses only what must never happen. */
	static const char *const never[] = {
		"unshare", "setns", "mount", "umount2", "pivot_root", "chroot",
		"execve", "execveat", "setuid", "setgid", "setreuid", "setresuid",
		"setregid", "setresgid", "init_module", "finit_module",
		"delete_module", "kexec_load", "reboot", "swapon",
	};
	scmp_filter_ctx f;
	size_t i;
	int r = 0;

#ifdef SANDBOX_SANITIZED
	f = seccomp_init(SCMP_ACT_ALLOW);
	if (!f)
		return -ENOMEM;
	for (i = 0; i < sizeof(never) / sizeof(never[0]) && r == 0; i++) {
		int nr = seccomp_syscall_resolve_name(never[i]);

		if (nr != __NR_SCMP_ERROR)
			r = seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM), nr, 0);
	}
	(void)allow;
	goto load;
#else
	(void)never;
#endif
	f = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	if (!f)
		return -ENOMEM;
	for (i = 0; i < sizeof(allow) / sizeof(allow[0]) && r == 0; i++)
		r = sandbox_allow(f, allow[i]);
	/* Files: read only, never created. */
	if (r == 0)
		r = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
				     SCMP_A2(SCMP_CMP_MASKED_EQ,
					     O_ACCMODE | O_CREAT | O_TRUNC,
					     O_RDONLY));
	/* Sockets of the families a router uses. */
	if (r == 0)
		r = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
				     SCMP_A0(SCMP_CMP_EQ, AF_INET));
	if (r == 0)
		r = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
				     SCMP_A0(SCMP_CMP_EQ, AF_NETLINK));
	if (r == 0)
		r = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
				     SCMP_A0(SCMP_CMP_EQ, AF_UNIX));
#ifdef SANDBOX_SANITIZED
load:
#endif
	if (r == 0)
		r = seccomp_load(f);
	seccomp_release(f);
	return r;
}

int sandbox_enter(void)
{
	int r;

	r = sandbox_drop_uid();
	if (r < 0)
		return r;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return sandbox_filter();
}

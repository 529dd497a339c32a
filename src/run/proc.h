/*
 * Process identity that survives pid reuse: a pid plus its start time
 * (field 22 of /proc/<pid>/stat).  Signals go only to the process that
 * was recorded, never to whatever later got the same pid.
 */
#ifndef ANYCASTLAB_RUN_PROC_H
#define ANYCASTLAB_RUN_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct proc_id {
	pid_t pid;
	unsigned long long start;	/* clock ticks after boot */
};

/* Parse the start time out of a /proc/<pid>/stat line (pure). */
int proc_stat_start(const char *stat, unsigned long long *start);
int proc_id_get(pid_t pid, struct proc_id *id);
bool proc_id_alive(const struct proc_id *id);
/* Whether pid is stopped (SIGSTOP, or traced). */
bool proc_stopped(pid_t pid);
/* Signal id if it is still the recorded process; -ESRCH otherwise. */
int proc_kill(const struct proc_id *id, int sig);
/* SIGTERM, wait up to grace_ms for exit, then SIGKILL (and reap if it is
 * our child).  Returns 0 once the process is gone. */
int proc_stop(const struct proc_id *id, unsigned grace_ms);
/* Effective uid of pid, from /proc/<pid>/status. */
int proc_owner(pid_t pid, uid_t *uid);
/*
 * Whether id is a process a lab may signal: still the recorded process,
 * owned by root or uid, running a program called prog, and living in the
 * network namespace netns_ino (0: not checked).  A journal names pids;
 * only this makes them ours.
 */
bool proc_is_ours(const struct proc_id *id, const char *prog, uid_t uid,
		  unsigned long long netns_ino);
/*
 * Every process (other than ourselves) whose network namespace is one of
 * inos[0..n).  Fills at most max ids; returns how many were found.
 */
size_t proc_in_netns(const unsigned long long *inos, size_t n,
		     struct proc_id *out, size_t max);

#endif

/*
 * A lab's state on disk: /run/anycastlab/<lab>/ holds a copy of the
 * topology file it was built from, the daemon each router runs (which `up
 * --daemon` may have chosen instead of the file), the journal of
 * everything created, and per router a pid file, a log and a control
 * socket (see daemon/daemon.h for BIRD's and FRR's files).  `down` and
 * `status` work from this directory alone.
 */
#ifndef ANYCASTLAB_RUN_STATE_H
#define ANYCASTLAB_RUN_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "topo/topo.h"

#define STATE_ROOT	"/run/anycastlab"
#define STATE_PATH_MAX	160

/*
 * Whether the state tree can be trusted: /run/anycastlab and (when lab is
 * not NULL) its lab directory must be real directories, not symbolic
 * links, owned by root, that no one else may read or write; their parent
 * must not be writable by others.  0 (also when they do not exist yet),
 * or -ELOOP, -ENOTDIR, -EPERM with the reason in why.  Every function
 * below that reads or removes state checks this first.
 */
int state_check(const char *lab, char *why, size_t n);
/* "/run/anycastlab/<lab>[/<file>]" into buf; -EINVAL when lab is not a
 * lab name or file holds a '/', -ENAMETOOLONG if it can't fit. */
int state_path(char *buf, size_t n, const char *lab, const char *file);
bool state_exists(const char *lab);
/* Create the lab's directory; -EEXIST if it is there already. */
int state_create(const char *lab);
/* Remove the directory and everything in it; 0 if it was not there. */
int state_remove(const char *lab);
/* Copy the topology file into the state directory. */
int state_save_topology(const char *lab, const char *src);
/*
 * Write a file of the state directory whole or not at all: gen writes it
 * to "<path>.tmp" (0600, owned by owner when not NULL: BIRD and FRR read
 * their configuration as their own users), which then replaces path.
 */
struct passwd;
int state_write_file(const char *path, const struct passwd *owner,
		     int (*gen)(void *ctx, FILE *f), void *ctx);
/* Record the daemon of every router of t ("daemons": "<node> <daemon>"
 * lines after "default <daemon>"). */
int state_save_daemons(const char *lab, const struct topo *t);
/* One line of "daemons": the node ("default" for the lab-wide one), at
 * most n - 1 characters, into node, and its daemon; -EINVAL if the line
 * is not one.  Pure; a fuzz target, since `down` and `status` read the
 * file as root. */
int state_parse_daemon_line(const char *line, char *node, size_t n,
			    enum topo_daemon *d);
/* Load the lab's saved topology (as it was when the lab was built), each
 * router running the daemon recorded for it. */
int state_load_topology(const char *lab, struct topo *t);

/* "/run/anycastlab/<lab>/<node>.<ext>": a router's pid, log or socket;
 * -EINVAL unless lab and node are names and ext holds no '/'. */
int router_state_file(const char *lab, const char *node, const char *ext,
		      char *buf, size_t n);

/* Names of every lab with a state directory, sorted; free with
 * state_labs_free. */
int state_labs(char ***names, size_t *n);
void state_labs_free(char **names, size_t n);

/*
 * The lab's event log ("events"): one line per failure or repair a verb
 * carried out ("kill syd"), with the wall-clock time, so that what
 * watches a lab can name the cause of what it sees.  state_event_last
 * finds the newest event at most within_ms before *before: 0, or -ENOENT.
 */
struct timespec;
int state_event_add(const char *lab, const char *what);
int state_event_last(const char *lab, const struct timespec *before,
		     unsigned within_ms, char *what, size_t n,
		     struct timespec *when);

#endif

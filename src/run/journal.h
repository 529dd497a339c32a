/*
 * The journal of a lab: one line per object, written before the object is
 * created (a namespace) or before it is let run (a process), so teardown
 * after a crash at any point removes exactly what exists.
 *
 *   netns world-syd
 *   proc syd 4242 123456
 *   daemon telstra bgpd 4250 123460
 *   etcns
 *   up 1764094000
 *
 * "proc" is a node's built-in router; "daemon" one process of a node's
 * BIRD or FRR, named by its role (bird, zebra, bgpd), since a node may run
 * several.  A namespace whose creation failed is cancelled by "-netns
 * <name>", so teardown never removes a namespace that someone else made.
 */
#ifndef ANYCASTLAB_RUN_JOURNAL_H
#define ANYCASTLAB_RUN_JOURNAL_H

#include <stddef.h>

#include "run/proc.h"
#include "topo/topo.h"

enum journal_kind {
	JOURNAL_NETNS,
	JOURNAL_PROC,
	JOURNAL_UP,		/* `up` finished */
	JOURNAL_NETNS_CANCEL,	/* that namespace was not created by us */
	JOURNAL_ETCNS,		/* /etc/netns was made by this lab */
};

#define JOURNAL_ROLE_MAX	7

struct journal_rec {
	enum journal_kind kind;
	char name[TOPO_NETNS_MAX + 1];	/* namespace, or node of a proc */
	char role[JOURNAL_ROLE_MAX + 1];	/* "" for the built-in router */
	struct proc_id proc;
	long long when;
};

/* Parse one line (without its newline); -EINVAL when it is not a record.
 * Strict: names are names ([a-z0-9-], never a path), pids above 1 with a
 * start time. */
int journal_parse(const char *line, struct journal_rec *r);

struct journal {
	int fd;
};

int journal_open(struct journal *j, const char *lab);
void journal_close(struct journal *j);
int journal_netns(struct journal *j, const char *netns);
int journal_netns_cancel(struct journal *j, const char *netns);
int journal_proc(struct journal *j, const char *node, const struct proc_id *p);
/* One process of a node's daemon: role is [a-z], at most 7 letters. */
int journal_daemon(struct journal *j, const char *node, const char *role,
		   const struct proc_id *p);
/* Written before `up` makes /etc/netns, which did not exist (etcns.h). */
int journal_etcns(struct journal *j);
int journal_up(struct journal *j);

/* Every valid record of lab, in order (namespaces only those named
 * "<lab>-<node>"); 0 records when there is no journal; an error when the
 * state directory cannot be trusted (state_check). */
int journal_load(const char *lab, struct journal_rec **v, size_t *n);

#endif

/*
 * Per-namespace files under /etc/netns/<ns>/, which `ip netns exec` and
 * `anycastlab exec` bind over /etc/<file> inside the namespace: the users'
 * resolv.conf, naming the lab's anycast DNS.
 *
 * A file is ours when its first line is the marker naming the lab; a file
 * that is not ours is never overwritten or removed.  /etc/netns itself is
 * removed only when `up` made it (the journal says so) and it is empty.
 */
#ifndef ANYCASTLAB_RUN_ETCNS_H
#define ANYCASTLAB_RUN_ETCNS_H

#include <stdbool.h>
#include <stdint.h>

#define ETCNS_ROOT	"/etc/netns"

/* Whether ETCNS_ROOT exists (a directory). */
bool etcns_root_exists(void);

/*
 * Write /etc/netns/<ns>/resolv.conf naming nameserver addr, search domain
 * search (NULL: none), making the directories.  0; -EEXIST when a
 * resolv.conf that is not ours is there (left alone); -errno.
 */
int etcns_resolv_write(const char *lab, const char *ns, uint32_t addr,
		       const char *search);

/*
 * Remove every /etc/netns/<lab>-*\/resolv.conf of ours, and the directory
 * when that leaves it empty; then /etc/netns itself when made_root and
 * empty.  Returns how many files it removed.
 */
unsigned etcns_remove_lab(const char *lab, bool made_root);

#endif

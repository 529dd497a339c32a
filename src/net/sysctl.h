/*
 * Kernel parameters, written through /proc/sys; those below net/ belong
 * to the network namespace of the calling thread.
 */
#ifndef ANYCASTLAB_NET_SYSCTL_H
#define ANYCASTLAB_NET_SYSCTL_H

/* Write a sysctl (path below /proc/sys) in the caller's namespace. */
int sysctl_write(const char *path, const char *value);

#endif

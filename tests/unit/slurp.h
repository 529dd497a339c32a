/*
 * For unit tests that compare with files of the repository (golden
 * outputs, captured daemon replies): a whole file in memory.
 */
#ifndef ANYCASTLAB_TESTS_SLURP_H
#define ANYCASTLAB_TESTS_SLURP_H

#include <stdio.h>
#include <stdlib.h>

/* The file at path, NUL-terminated, its length in *len; NULL when it
 * cannot be read.  Free it. */
static inline char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *nbuf;
	size_t cap = 0, n;

	*len = 0;
	if (!f)
		return NULL;
	do {
		if (*len + 4096 > cap) {
			cap = cap ? cap * 2 : 8192;
			nbuf = realloc(buf, cap + 1);
			if (!nbuf) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nbuf;
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n > 0);
	fclose(f);
	buf[*len] = '\0';
	return buf;
}

#endif

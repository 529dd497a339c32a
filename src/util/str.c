/*
 * Edit distance and typo suggestions (the "did you mean" of git and kmod).
 */
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

size_t str_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *d, i, j, r;

	if (la > 64 || lb > 64)
		return la > lb ? la : lb;
	d = calloc((la + 1) * (lb + 1), sizeof(*d));
	if (!d)
		return la > lb ? la : lb;
#define D(x, y) d[(x) * (lb + 1) + (y)]
	for (i = 0; i <= la; i++)
		D(i, 0) = i;
	for (j = 0; j <= lb; j++)
		D(0, j) = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = D(i - 1, j) + 1;

			if (D(i, j - 1) + 1 < v)
				v = D(i, j - 1) + 1;
			if (D(i - 1, j - 1) + cost < v)
				v = D(i - 1, j - 1) + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && D(i - 2, j - 2) + 1 < v)
				v = D(i - 2, j - 2) + 1;
			D(i, j) = v;
		}
	}
	r = D(la, lb);
#undef D
	free(d);
	return r;
}

const char *str_suggest(const char *word, const char *const *cands, size_t n)
{
	size_t wl = strlen(word), best_d = (size_t)-1, limit, i, nprefix = 0;
	const char *best = NULL, *prefix = NULL;

	limit = wl / 3 > 0 ? wl / 3 : 1;
	if (limit > 3)
		limit = 3;
	for (i = 0; i < n; i++) {
		size_t dist = str_distance(word, cands[i]);

		if (dist < best_d) {
			best_d = dist;
			best = cands[i];
		}
		if (wl > 0 && strncmp(word, cands[i], wl) == 0) {
			nprefix++;
			prefix = cands[i];
		}
	}
	if (best && best_d <= limit)
		return best;
	return nprefix == 1 ? prefix : NULL;
}

static size_t str_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)	/* not a continuation */
			n++;
	return n;
}

void str_fpad(FILE *f, const char *s, size_t width)
{
	size_t w = str_width(s);

	fputs(s, f);
	while (w++ < width)
		fputc(' ', f);
}

/*
 * Small string helpers: edit distance for "did you mean" suggestions.
 */
#ifndef ANYCASTLAB_UTIL_STR_H
#define ANYCASTLAB_UTIL_STR_H

#include <stddef.h>
#include <stdio.h>

/* Optimal string alignment distance (Levenshtein plus transpositions). */
size_t str_distance(const char *a, const char *b);
/*
 * The candidate closest to word, or NULL when none is close enough to be a
 * plausible typo (distance at most a third of the word, at least 1; or the
 * word is a prefix of exactly one candidate).
 */
const char *str_suggest(const char *word, const char *const *cands, size_t n);

/* Print s left-aligned in a field of width characters, UTF-8 aware. */
void str_fpad(FILE *f, const char *s, size_t width);

#endif

// SPDX-License-Identifier: GPL-2.0
/* "did you mean": optimal string alignment distance, as git's help.c. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "suggest.h"

/* words longer than this are no command or option name */
#define SUGGEST_MAX 64

/* edits (insert, delete, change, swap two neighbours) from @a to @b */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t d[SUGGEST_MAX + 1][SUGGEST_MAX + 1];

	if (la > SUGGEST_MAX || lb > SUGGEST_MAX)
		return SIZE_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

const char *suggest_word(const char *typed, const char *const *words, size_t nr)
{
	size_t len = strlen(typed), limit = len / 3 ? len / 3 : 1;
	size_t i, best = SIZE_MAX, dist, prefixes = 0;
	const char *found = NULL;

	if (!len)
		return NULL;
	for (i = 0; i < nr; i++) {
		if (!words[i])
			continue;
		dist = !strncmp(words[i], typed, len) ?
			       0 :
			       distance(typed, words[i]);
		/* the start of two words: no guess between them */
		if (!dist && ++prefixes > 1)
			return NULL;
		if (dist <= limit && dist < best) {
			best = dist;
			found = words[i];
		}
	}
	return found;
}

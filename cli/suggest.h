/* SPDX-License-Identifier: GPL-2.0 */
/* "did you mean": the nearest of a few known words to a mistyped one. */
#ifndef _MEMPLUG_SUGGEST_H_
#define _MEMPLUG_SUGGEST_H_

#include <stddef.h>

/*
 * The word of @words (@nr of them, NULL entries skipped) that @typed is
 * most likely a typo of: the one word it is the start of, or at most a
 * third of its letters (and at least one) inserted, deleted, changed or
 * swapped.  NULL when no word is that near, or it starts two words.
 */
const char *suggest_word(const char *typed, const char *const *words,
			 size_t nr);

#endif /* _MEMPLUG_SUGGEST_H_ */

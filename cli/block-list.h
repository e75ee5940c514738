/* SPDX-License-Identifier: GPL-2.0 */
/* Block lists on the command line (a pure parser, also fuzzed). */
#ifndef _MEMPLUG_BLOCK_LIST_H_
#define _MEMPLUG_BLOCK_LIST_H_

#include <stdbool.h>

/*
 * The form alone: "memoryN", "memoryN-M" or "memoryN-memoryM", N and M in
 * canonical decimal (digits only, no sign, space or leading zero, no
 * overflow); true and the ids, in any order
 */
bool block_list_form(const char *name, unsigned long *first,
		     unsigned long *last);
/* a block list in that form with N <= M: true and the ids */
bool parse_block_list(const char *name, unsigned long *first,
		      unsigned long *last);

/* "memoryN" alone, N as above: true and N */
bool parse_block_name(const char *name, unsigned long *id);

#endif /* _MEMPLUG_BLOCK_LIST_H_ */

/* SPDX-License-Identifier: GPL-2.0 */
/* Block lists on the command line (a pure parser, also fuzzed). */
#ifndef _MEMPLUG_BLOCK_LIST_H_
#define _MEMPLUG_BLOCK_LIST_H_

#include <stdbool.h>

/* "memoryN", "memoryN-M" or "memoryN-memoryM", N <= M: true and the ids */
bool parse_block_list(const char *name, unsigned long *first,
		      unsigned long *last);

#endif /* _MEMPLUG_BLOCK_LIST_H_ */

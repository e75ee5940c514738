// SPDX-License-Identifier: GPL-2.0
/* Block lists on the command line: memoryN, memoryN-M, memoryN-memoryM. */
#include <string.h>
#include "block-list.h"

/* canonical decimal: digits, no leading zero, no overflow */
static const char *number(const char *p, unsigned long *val)
{
	unsigned long v = 0;

	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
		return NULL;
	for (; *p >= '0' && *p <= '9'; p++)
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (unsigned long)(*p - '0'), &v))
			return NULL;
	*val = v;
	return p;
}

bool block_list_form(const char *name, unsigned long *first,
		     unsigned long *last)
{
	const char *p;

	if (strncmp(name, "memory", 6))
		return false;
	p = number(name + 6, first);
	if (!p)
		return false;
	*last = *first;
	if (*p == '-') {
		p++;
		if (!strncmp(p, "memory", 6))
			p += 6;
		p = number(p, last);
		if (!p)
			return false;
	}
	return !*p;
}

bool parse_block_list(const char *name, unsigned long *first,
		      unsigned long *last)
{
	return block_list_form(name, first, last) && *last >= *first;
}

bool parse_block_name(const char *name, unsigned long *id)
{
	unsigned long last;

	return !strchr(name, '-') && block_list_form(name, id, &last);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A map from strings to numbers, open addressing: what memplug.conf uses
 * to find sections and keys and to spot duplicates in linear time.  A key
 * may be added more than once (strmap_next visits every value).
 */
#ifndef _MEMPLUG_STRMAP_H_
#define _MEMPLUG_STRMAP_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap_slot {
	char *key; /* NULL: empty */
	uint32_t hash;
	unsigned int value;
};

struct strmap {
	struct strmap_slot *slots;
	size_t size; /* a power of two, or 0 */
	size_t nr;
};

/* adds a copy of @key with @value; returns 0 or -ENOMEM */
int strmap_add(struct strmap *m, const char *key, unsigned int value);
/*
 * The next value of @key, starting with *@pos = 0; returns false when there
 * is none left.
 */
bool strmap_next(const struct strmap *m, const char *key, size_t *pos,
		 unsigned int *value);
/* the first value of @key */
static inline bool strmap_get(const struct strmap *m, const char *key,
			      unsigned int *value)
{
	size_t pos = 0;

	return strmap_next(m, key, &pos, value);
}
void strmap_release(struct strmap *m);

#endif /* _MEMPLUG_STRMAP_H_ */

// SPDX-License-Identifier: GPL-2.0
/* Strings to numbers in linear time: open addressing, FNV-1a, linear probe. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "strmap.h"

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void place(struct strmap_slot *slots, size_t size,
		  const struct strmap_slot *s)
{
	size_t i = s->hash & (size - 1);

	while (slots[i].key)
		i = (i + 1) & (size - 1);
	slots[i] = *s;
}

/* at most half full, so that probes stay short */
static int grow(struct strmap *m)
{
	size_t size = m->size ? m->size * 2 : 64, i;
	struct strmap_slot *slots;

	if (size < m->size || size > SIZE_MAX / sizeof(*slots))
		return -ENOMEM;
	slots = calloc(size, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	for (i = 0; i < m->size; i++)
		if (m->slots[i].key)
			place(slots, size, &m->slots[i]);
	free(m->slots);
	m->slots = slots;
	m->size = size;
	return 0;
}

int strmap_add(struct strmap *m, const char *key, unsigned int value)
{
	struct strmap_slot s;

	if ((m->nr + 1) * 2 > m->size && grow(m))
		return -ENOMEM;
	s.key = strdup(key);
	if (!s.key)
		return -ENOMEM;
	s.hash = hash_str(key);
	s.value = value;
	place(m->slots, m->size, &s);
	m->nr++;
	return 0;
}

bool strmap_next(const struct strmap *m, const char *key, size_t *pos,
		 unsigned int *value)
{
	uint32_t hash;
	size_t i;

	if (!m->size)
		return false;
	hash = hash_str(key);
	/* *pos counts the probes done: the walk goes on where it stopped */
	for (i = (hash + *pos) & (m->size - 1); m->slots[i].key;
	     i = (i + 1) & (m->size - 1)) {
		++*pos;
		if (m->slots[i].hash == hash && !strcmp(m->slots[i].key, key)) {
			*value = m->slots[i].value;
			return true;
		}
	}
	return false;
}

void strmap_release(struct strmap *m)
{
	size_t i;

	for (i = 0; i < m->size; i++)
		free(m->slots[i].key);
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

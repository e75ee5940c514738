// SPDX-License-Identifier: GPL-2.0
/* One parser per word, for the command line and memplug.conf alike. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "vocab.h"

bool vocab_bool(const char *s, bool *val)
{
	static const char *const yes[] = { "yes", "true", "1" };
	static const char *const no[] = { "no", "false", "0" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(s, yes[i])) {
			*val = true;
			return true;
		}
		if (!strcasecmp(s, no[i])) {
			*val = false;
			return true;
		}
	}
	return false;
}

bool vocab_mode(const char *s, enum memplug_mode *mode)
{
	if (!strcasecmp(s, "system-ram"))
		*mode = MEMPLUG_MODE_SYSTEM_RAM;
	else if (!strcasecmp(s, "devdax"))
		*mode = MEMPLUG_MODE_DEVDAX;
	else
		return false;
	return true;
}

bool vocab_zone(const char *s, enum memplug_zone *zone)
{
	enum memplug_zone z = memplug_zone_from_name(s);

	if (!strcasecmp(s, "kernel"))
		z = MEMPLUG_ZONE_NORMAL;
	if (z == MEMPLUG_ZONE_UNKNOWN)
		return false;
	*zone = z;
	return true;
}

bool vocab_online_zone(const char *s, enum memplug_online_type *type)
{
	enum memplug_zone z;

	if (!strcasecmp(s, "auto")) {
		*type = MEMPLUG_ONLINE_AUTO;
		return true;
	}
	if (!vocab_zone(s, &z))
		return false;
	if (z == MEMPLUG_ZONE_MOVABLE)
		*type = MEMPLUG_ONLINE_MOVABLE;
	else if (z == MEMPLUG_ZONE_NORMAL)
		*type = MEMPLUG_ONLINE_KERNEL;
	else
		return false;
	return true;
}

bool vocab_order(const char *s, enum memplug_order *order)
{
	char lower[16];
	size_t i, len = strlen(s);

	if (len >= sizeof(lower))
		return false;
	for (i = 0; i <= len; i++)
		lower[i] =
			(char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	*order = memplug_order_from_name(lower);
	return *order != MEMPLUG_ORDER_UNKNOWN;
}

static bool digits(const char *s, const char *set)
{
	return *s && !s[strspn(s, set)];
}

static bool to_u64(const char *s, int base, uint64_t *val)
{
	char *end;

	errno = 0;
	*val = strtoull(s, &end, base);
	return !errno && !*end;
}

bool vocab_address(const char *s, uint64_t *val)
{
	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X') ||
	    !digits(s + 2, "0123456789abcdefABCDEF"))
		return false;
	return to_u64(s + 2, 16, val);
}

/* never octal, as strtoull's base 0 would read "010"; never signs */
bool vocab_number(const char *s, uint64_t *val)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return vocab_address(s, val);
	if (!digits(s, "0123456789") || (s[0] == '0' && s[1]))
		return false;
	return to_u64(s, 10, val);
}

bool vocab_long(const char *s, long min, long max, long *val)
{
	uint64_t v;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return false;
	if (!vocab_number(s, &v) || min < 0 || v < (uint64_t)min ||
	    v > (uint64_t)max)
		return false;
	*val = (long)v;
	return true;
}

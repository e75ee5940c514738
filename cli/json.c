// SPDX-License-Identifier: GPL-2.0
/* JSON output: json-c builds every byte; sizes optionally for humans. */
#include <errno.h>
#include <stdio.h>
#include "memplug.h"
#include "text.h"

struct json_object *json_size(uint64_t bytes, bool human)
{
	static const char *const units[] = { "B",   "KiB", "MiB",
					     "GiB", "TiB", "PiB" };
	char buf[32];
	double v = (double)bytes;
	int u = 0;

	if (!human)
		return json_object_new_int64((int64_t)bytes);
	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	if (v == (double)(uint64_t)v)
		snprintf(buf, sizeof(buf), "%llu %s", (unsigned long long)v,
			 units[u]);
	else
		snprintf(buf, sizeof(buf), "%.2f %s", v, units[u]);
	return json_object_new_string(buf);
}

struct json_object *json_int_or_null(long long val, bool valid)
{
	return valid ? json_object_new_int64(val) : NULL;
}

struct json_object *json_string_or_null(const char *text)
{
	return text ? json_object_new_string(text) : NULL;
}

/* the errno of the first failed write of JSON, 0 while none failed */
static int print_errno;

void json_print(struct json_object *obj)
{
	const char *text;

	json_clean(obj); /* kernel text may hold bytes that are not UTF-8 */
	text = json_object_to_json_string_ext(
		obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			     JSON_C_TO_STRING_NOSLASHESCAPE);

	if ((puts(text) == EOF || fflush(stdout)) && !print_errno)
		print_errno = errno ? errno : EIO;
}

int json_print_errno(void)
{
	return print_errno;
}

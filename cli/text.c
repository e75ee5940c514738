// SPDX-License-Identifier: GPL-2.0
/*
 * Text that came from kernel files, made safe for where it goes: error
 * lines never carry control characters or escape sequences to a terminal,
 * and JSON strings are always valid UTF-8 (json-c escapes the rest).
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "text.h"

/* the length of the valid UTF-8 sequence at @s, 0 if there is none */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* no overlong form, no surrogate, nothing above U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

char *text_clean(const char *text, bool for_json)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t len = strlen(text), o = 0, n;
	char *out = malloc(len * 3 + 1);

	if (!out)
		return NULL;
	while (*s) {
		n = utf8_len(s);
		if (!n) { /* an invalid byte */
			if (for_json) {
				memcpy(out + o, "\xef\xbf\xbd", 3); /* U+FFFD */
				o += 3;
			} else {
				out[o++] = '?';
			}
			s++;
		} else if (!for_json &&
			   (*s < 0x20 || *s == 0x7f ||
			    (n == 2 && s[0] == 0xc2 && s[1] < 0xa0) ||
			    (n == 3 && s[0] == 0xe2 && s[1] == 0x80 &&
			     (s[2] == 0xa8 || s[2] == 0xa9)))) {
			/* C0, DEL, C1, and U+2028/U+2029: the line and
			 * paragraph separators break a line too */
			out[o++] = '?';
			s += n;
		} else {
			memcpy(out + o, s, n);
			o += n;
			s += n;
		}
	}
	out[o] = '\0';
	return out;
}

bool name_ok(const char *name)
{
	size_t len = strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz"
				  "0123456789._:-");

	return len && len <= NAME_MAX && !name[len] && name[0] != '-' &&
	       name[0] != '.';
}

void text_vline(FILE *out, const char *format, va_list args)
{
	char *line = NULL, *clean;
	size_t len;

	if (vasprintf(&line, format, args) < 0)
		return;
	len = strlen(line);
	while (len && line[len - 1] == '\n')
		line[--len] = '\0';
	clean = text_clean(line, false);
	fprintf(out, "%s\n", clean ? clean : "memplug: (unprintable message)");
	free(clean);
	free(line);
}

void text_line(FILE *out, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	text_vline(out, format, args);
	va_end(args);
}

void json_clean(struct json_object *obj)
{
	size_t i, n;

	switch (json_object_get_type(obj)) {
	case json_type_object: {
		json_object_object_foreach(obj, key, val)
		{
			(void)key; /* keys are memplug's own */
			json_clean(val);
		}
		break;
	}
	case json_type_array:
		n = json_object_array_length(obj);
		for (i = 0; i < n; i++)
			json_clean(json_object_array_get_idx(obj, i));
		break;
	case json_type_string: {
		const char *s = json_object_get_string(obj);
		char *clean = text_clean(s, true);

		if (clean && strcmp(clean, s))
			json_object_set_string(obj, clean);
		free(clean);
		break;
	}
	default:
		break;
	}
}

/* SPDX-License-Identifier: GPL-2.0 */
/* Text from kernel files made safe for terminals and for JSON. */
#ifndef _MEMPLUG_TEXT_H_
#define _MEMPLUG_TEXT_H_

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>

/*
 * A copy of @text (malloc'd, NULL when out of memory): bytes that are not
 * UTF-8 become U+FFFD (@for_json) or '?'; for a terminal, control
 * characters (C0, DEL, C1) become '?' too.
 */
char *text_clean(const char *text, bool for_json);
/*
 * @name is a kernel object name as memplug takes one (dax0.0, namespace0.0,
 * region1, PNP0C80:00, memory33-47): letters, digits, '.', '_', ':' and
 * '-', not first '-' or '.', at most NAME_MAX bytes.  Anything else is
 * never a device memplug lists for completion or acts on: no shell or
 * terminal metacharacter, white space or option.
 */
bool name_ok(const char *name);
/* one line on @out: the formatted text cleaned for a terminal, "\n" */
void text_line(FILE *out, const char *format, ...)
	__attribute__((format(printf, 2, 3)));
void text_vline(FILE *out, const char *format, va_list args);
/* every string below @obj made valid UTF-8 */
void json_clean(struct json_object *obj);

#endif /* _MEMPLUG_TEXT_H_ */

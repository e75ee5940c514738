// SPDX-License-Identifier: GPL-2.0
/* One target's report: steps, warnings, timings, the error, the result. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "action.h"
#include "text.h"

void report_init(struct report *r, const char *target)
{
	memset(r, 0, sizeof(*r));
	r->target = target;
	r->obj = json_object_new_object();
	json_object_object_add(r->obj, "target",
			       json_object_new_string(target));
	r->steps = json_object_new_array();
	r->warnings = json_object_new_array();
	r->timings = json_object_new_object();
	r->failed = json_object_new_array();
	r->result = "unchanged";
}

static void add_line(struct json_object *arr, const char *fmt, va_list args)
{
	char buf[512];

	vsnprintf(buf, sizeof(buf), fmt, args);
	json_object_array_add(arr, json_object_new_string(buf));
}

void report_step(struct report *r, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	add_line(r->steps, fmt, args);
	va_end(args);
}

void report_warn(struct report *r, const char *code, const char *fmt, ...)
{
	va_list args;
	char buf[512];

	va_start(args, fmt);
	vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	json_object_array_add(r->warnings, json_warning(code, buf));
	text_line(stderr, "memplug: %s: warning: %s", r->target, buf);
}

void report_time(struct report *r, const char *phase, uint64_t ns)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.3f", (double)ns / 1e6);
	json_object_object_add(r->timings, phase,
			       json_object_new_double_s((double)ns / 1e6, buf));
}

void report_shape(struct report *r, const char *action)
{
	static const char *const keys[] = { "source", "before", "after" };
	size_t i;

	if (!json_object_object_get_ex(r->obj, "action", NULL))
		json_object_object_add(r->obj, "action",
				       json_object_new_string(action));
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!json_object_object_get_ex(r->obj, keys[i], NULL))
			json_object_object_add(r->obj, keys[i], NULL);
}

int report_fail(struct report *r, int exit, const char *result, const char *fmt,
		...)
{
	va_list args;
	char buf[512];

	va_start(args, fmt);
	vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	json_object_object_add(r->obj, "error", json_object_new_string(buf));
	text_line(stderr, "memplug: %s: %s", r->target, buf);
	r->exit = exit;
	r->result = result;
	return exit;
}

int report_applied(struct memplug_ctx *ctx, struct report *r, int rc)
{
	if (rc)
		return report_fail(r, r->changed ? EXIT_PARTIAL : EXIT_ERROR,
				   r->changed ? "partial" : "error", "%s",
				   memplug_get_error(ctx));
	r->changed = true;
	if (memplug_scan(ctx))
		return report_fail(r, EXIT_PARTIAL, "partial",
				   "rescan after the change failed: %s",
				   memplug_get_error(ctx));
	return EXIT_OK;
}

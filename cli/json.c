// SPDX-License-Identifier: GPL-2.0
/* JSON output: json-c builds every value; sizes optionally for humans;
 * arrays of many rows printed as they are made. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/printbuf.h>
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

struct json_object *json_command_root(void)
{
	struct json_object *root = json_object_new_object();

	json_object_object_add(root, "format_version",
			       json_object_new_int(JSON_FORMAT_VERSION));
	return root;
}

struct json_object *json_int_or_null(long long val, bool valid)
{
	return valid ? json_object_new_int64(val) : NULL;
}

struct json_object *json_string_or_null(const char *text)
{
	return text ? json_object_new_string(text) : NULL;
}

struct json_object *json_warning(const char *code, const char *message)
{
	struct json_object *w = json_object_new_object();

	json_object_object_add(w, "code", json_object_new_string(code));
	json_object_object_add(w, "message", json_object_new_string(message));
	return w;
}

struct json_object *json_collect_warnings(struct json_object *items,
					  const char *key)
{
	struct json_object *all = json_object_new_array(), *item, *ws, *w, *c;
	size_t i, j, n = json_object_array_length(items);

	for (i = 0; i < n; i++) {
		item = json_object_array_get_idx(items, i);
		if (!json_object_object_get_ex(item, "warnings", &ws))
			continue;
		for (j = 0; j < json_object_array_length(ws); j++) {
			w = json_object_array_get_idx(ws, j);
			c = json_object_new_object();
			json_object_object_add(
				c, key,
				json_object_get(
					json_object_object_get(item, key)));
			json_object_object_foreach(w, k, v)
				json_object_object_add(c, k,
						       json_object_get(v));
			json_object_array_add(all, c);
		}
	}
	return all;
}

/* the errno of the first failed write of JSON, 0 while none failed */
static int print_errno;
/* json_print() is running: a streamed array may hand text to stdout */
static bool printing;

static void print_failed(void)
{
	if (!print_errno)
		print_errno = errno ? errno : EIO;
}

void json_print(struct json_object *obj)
{
	const char *text;

	json_clean(obj); /* kernel text may hold bytes that are not UTF-8 */
	printing = true;
	text = json_object_to_json_string_ext(
		obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			     JSON_C_TO_STRING_NOSLASHESCAPE);
	printing = false;
	if (puts(text) == EOF || fflush(stdout))
		print_failed();
}

struct array_stream {
	json_array_next_fn *next;
	void *data;
};

/* text printed this far is written out once it reaches this size */
#define STREAM_FLUSH_BYTES (64 * 1024)

static void indent(struct printbuf *pb, int level, int flags)
{
	if (!(flags & JSON_C_TO_STRING_PRETTY))
		return;
	while (level-- > 0) {
		if (flags & JSON_C_TO_STRING_PRETTY_TAB)
			printbuf_strappend(pb, "\t");
		else
			printbuf_strappend(pb, "  ");
	}
}

/*
 * @text (@len bytes) printed by json-c at level 0, appended at @level:
 * pretty text indents each line by its level and nothing else, so every
 * line after the first gets @pad (the indent of @level) in front.
 */
static void append_at_level(struct printbuf *pb, const char *text, size_t len,
			    const char *pad, int padlen)
{
	const char *end = text + len, *nl;

	while ((nl = memchr(text, '\n', end - text))) {
		printbuf_memappend_fast(pb, text, nl + 1 - text);
		printbuf_memappend_fast(pb, pad, padlen);
		text = nl + 1;
	}
	printbuf_memappend_fast(pb, text, end - text);
}

/*
 * The array as json-c prints one (json_object_array_to_json_string() of
 * json-c 0.16), elements made, printed and freed one at a time.  Under
 * json_print() the text so far goes to stdout in pieces: stdout gets the
 * same bytes, and the whole text never sits in memory.
 */
static int array_stream_print(struct json_object *jso, struct printbuf *pb,
			      int level, int flags)
{
	struct array_stream *st = json_object_get_userdata(jso);
	bool pretty = flags & JSON_C_TO_STRING_PRETTY;
	struct json_object *val;
	bool had_children = false;
	struct printbuf *pad = printbuf_new();
	const char *text;
	size_t len;

	if (!pad)
		return -1;
	indent(pad, level + 1, flags);

	printbuf_strappend(pb, "[");
	if (pretty)
		printbuf_strappend(pb, "\n");
	while ((val = st->next(st->data))) {
		if (had_children) {
			printbuf_strappend(pb, ",");
			if (pretty)
				printbuf_strappend(pb, "\n");
		}
		had_children = true;
		if (flags & JSON_C_TO_STRING_SPACED && !pretty)
			printbuf_strappend(pb, " ");
		printbuf_memappend_fast(pb, pad->buf, pad->bpos);
		json_clean(val); /* made after json_print() cleaned the rest */
		text = json_object_to_json_string_length(val, flags, &len);
		append_at_level(pb, text, len, pad->buf, pad->bpos);
		json_object_put(val);
		if (printing && pb->bpos >= STREAM_FLUSH_BYTES) {
			if (fwrite(pb->buf, 1, pb->bpos, stdout) !=
			    (size_t)pb->bpos)
				print_failed();
			printbuf_reset(pb);
		}
	}
	printbuf_free(pad);
	if (pretty) {
		if (had_children)
			printbuf_strappend(pb, "\n");
		indent(pb, level, flags);
	}
	if (flags & JSON_C_TO_STRING_SPACED && !pretty)
		return printbuf_strappend(pb, " ]");
	return printbuf_strappend(pb, "]");
}

static void array_stream_free(struct json_object *jso, void *userdata)
{
	free(userdata);
}

struct json_object *json_array_stream(json_array_next_fn *next, void *data)
{
	struct json_object *arr = json_object_new_array();
	struct array_stream *st = malloc(sizeof(*st));

	if (!arr || !st) {
		free(st);
		return arr;
	}
	st->next = next;
	st->data = data;
	json_object_set_serializer(arr, array_stream_print, st,
				   array_stream_free);
	return arr;
}

int json_print_errno(void)
{
	return print_errno;
}

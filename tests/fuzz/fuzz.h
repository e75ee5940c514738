/* SPDX-License-Identifier: GPL-2.0 */
/* What the fuzz targets share: a NUL-terminated copy of the input, a ctx. */
#ifndef _MEMPLUG_FUZZ_H_
#define _MEMPLUG_FUZZ_H_

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the input as a C string (it may hold NULs: the string ends at the first) */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	return text;
}

/* a context whose root exists nowhere: parsers never touch the disk */
static inline struct memplug_ctx *fuzz_ctx(void)
{
	struct memplug_ctx *ctx;

	if (memplug_new(&ctx, "/nonexistent/memplug-fuzz"))
		abort();
	memplug_set_log_priority(ctx, 0);
	return ctx;
}

#endif /* _MEMPLUG_FUZZ_H_ */

// SPDX-License-Identifier: GPL-2.0
/* Fuzz block lists as given on the command line (memoryN-M). */
#include <stdio.h>
#include "block-list.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), back[64], alt[96];
	unsigned long first, last;

	/* what is accepted is canonical: printing it back gives the input */
	if (parse_block_list(text, &first, &last)) {
		if (first > last)
			abort();
		snprintf(back, sizeof(back), "memory%lu", first);
		if (first != last || strcmp(back, text)) {
			snprintf(back, sizeof(back), "memory%lu-%lu", first,
				 last);
			snprintf(alt, sizeof(alt), "memory%lu-memory%lu", first,
				 last);
			if (strcmp(back, text) && strcmp(alt, text))
				abort();
		}
	}
	/* --block: memoryN alone, canonical too */
	if (parse_block_name(text, &first)) {
		snprintf(back, sizeof(back), "memory%lu", first);
		if (strcmp(back, text))
			abort();
	}
	free(text);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/* Fuzz directory names: memoryN blocks, nodeN nodes. */
#include <stdio.h>
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), back[64];
	unsigned long id;
	int node;

	/* a block name is canonical: printing the id gives it back */
	if (block_name_id(text, &id)) {
		snprintf(back, sizeof(back), "memory%lu", id);
		if (strcmp(back, text))
			abort();
	}
	node = name_number(text, "node");
	if (node < -1)
		abort();
	free(text);
	return 0;
}

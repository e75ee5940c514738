// SPDX-License-Identifier: GPL-2.0
/* Fuzz /proc/cmdline: the parameters memplug looks for. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	static const char *const keys[] = { "parallel_hotplug_ratio",
					    "memory_hotplug.memmap_on_memory",
					    "memhp_default_state" };
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *val = cmdline_param(text, keys[i]);

		/* the value follows "key=" inside the text */
		if (val && (val < text + strlen(keys[i]) + 1 ||
			    val > text + strlen(text) || val[-1] != '='))
			abort();
	}
	free(text);
	return 0;
}

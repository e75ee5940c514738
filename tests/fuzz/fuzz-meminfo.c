// SPDX-License-Identifier: GPL-2.0
/* Fuzz a node's meminfo (MemTotal) and /proc/vmstat counters. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	long long total = meminfo_total_parse(text);

	if (total < -1 || (total > 0 && total % 1024))
		abort();
	vmstat_value(text, "nr_memmap_pages");
	vmstat_value(text, "nr_memmap_boot_pages");
	free(text);
	return 0;
}

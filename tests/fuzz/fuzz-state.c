// SPDX-License-Identifier: GPL-2.0
/* Fuzz a block's state and valid_zones text. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	enum memplug_block_state state = block_state_parse(text);
	enum memplug_zone first;
	unsigned int mask = zone_mask_parse(text, &first);

	if (state > MEMPLUG_BLOCK_UNKNOWN)
		abort();
	/* a mask names only known zones, and the first zone is in it */
	if (mask >> MEMPLUG_ZONE_UNKNOWN)
		abort();
	if (mask ? !(mask & (1u << first)) : first != MEMPLUG_ZONE_UNKNOWN)
		abort();
	free(text);
	return 0;
}

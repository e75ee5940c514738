// SPDX-License-Identifier: GPL-2.0
/*
 * Memory blocks through the public API (fixture states: 128 MiB blocks,
 * boot blocks 0-15 (0 reads valid_zones "none"), dax0.0's blocks 33-36
 * online Movable, 37 online Normal, 38 going-offline, 39-42 offline
 * "Movable Normal", 43-47 offline "Normal Movable"), and state writes,
 * which on a tree land in its files.
 */
#include <fcntl.h>
#include <unistd.h>
#include "capi.h"

#define MiB (1ULL << 20)

static void read_state(const char *root, unsigned long id, char *buf,
		       size_t size)
{
	char path[4096];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path),
		 "%s/sys/devices/system/memory/memory%lu/state", root, id);
	fd = open(path, O_RDONLY);
	n = fd < 0 ? -1 : read(fd, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	struct memplug_ctx *ctx = open_tree(argc > 1 ? argv[1] : NULL);
	struct memplug_block *b, *prev = NULL;
	unsigned long n = 0;
	bool ascending = true;
	char text[64];

	memplug_block_foreach(ctx, b) {
		if (prev &&
		    memplug_block_get_id(b) <= memplug_block_get_id(prev))
			ascending = false;
		prev = b;
		n++;
	}
	CHECK_INT(n, 31, "blocks: 16 boot, 15 of dax0.0");
	CHECK(ascending, "blocks iterate in address order");
	CHECK(memplug_block_get_by_id(ctx, 20) == NULL, "no memory20");

	b = memplug_block_get_by_id(ctx, 33);
	CHECK(b != NULL, "memory33");
	CHECK(memplug_block_get_ctx(b) == ctx, "a block reaches its ctx");
	CHECK_INT(memplug_block_get_start(b), 33 * 128 * MiB, "start");
	CHECK_INT(memplug_block_get_size(b), 128 * MiB, "size");
	CHECK_INT(memplug_block_get_state(b), MEMPLUG_BLOCK_ONLINE, "online");
	CHECK_INT(memplug_block_get_zone(b), MEMPLUG_ZONE_MOVABLE, "Movable");
	CHECK_INT(memplug_block_get_node(b), 0, "node 0");
	CHECK_STR(memplug_source_get_name(memplug_block_get_source(b)),
		  "dax0.0", "its source");

	b = memplug_block_get_by_id(ctx, 37);
	CHECK_INT(memplug_block_get_zone(b), MEMPLUG_ZONE_NORMAL,
		  "memory37 online Normal");
	b = memplug_block_get_by_id(ctx, 38);
	CHECK_INT(memplug_block_get_state(b), MEMPLUG_BLOCK_GOING_OFFLINE,
		  "memory38 going-offline");
	CHECK_STR(memplug_block_state_name(memplug_block_get_state(b)),
		  "going-offline", "state name");

	b = memplug_block_get_by_id(ctx, 39);
	CHECK_INT(memplug_block_get_state(b), MEMPLUG_BLOCK_OFFLINE,
		  "memory39 offline");
	CHECK_STR(memplug_block_get_valid_zones(b), "Movable Normal",
		  "valid_zones of an offline block");
	CHECK_INT(memplug_block_get_zone(b), MEMPLUG_ZONE_MOVABLE,
		  "the zone a plain online picks");
	CHECK(memplug_block_can_online_to(b, MEMPLUG_ZONE_NORMAL),
	      "memory39 may go Normal");
	CHECK(!memplug_block_can_online_to(b, MEMPLUG_ZONE_DMA32),
	      "memory39 may not go DMA32");
	CHECK(!memplug_block_can_online_to(memplug_block_get_by_id(ctx, 33),
					   MEMPLUG_ZONE_MOVABLE),
	      "an online block cannot be onlined");
	CHECK_INT(memplug_block_get_zone(memplug_block_get_by_id(ctx, 43)),
		  MEMPLUG_ZONE_NORMAL, "memory43 would go Normal");
	CHECK_INT(memplug_block_get_zone(memplug_block_get_by_id(ctx, 0)),
		  MEMPLUG_ZONE_NONE, "memory0 spans zones: none");
	CHECK(memplug_block_is_removable(memplug_block_get_by_id(ctx, 33)) !=
		      MEMPLUG_UNKNOWN,
	      "removable is known");

	CHECK_STR(memplug_zone_name(MEMPLUG_ZONE_DMA32), "DMA32", "zone name");
	CHECK_INT(memplug_zone_from_name("movable"), MEMPLUG_ZONE_MOVABLE,
		  "zone names are case-insensitive");
	CHECK_INT(memplug_zone_from_name("Highmem"), MEMPLUG_ZONE_UNKNOWN,
		  "unknown zone name");

	/* writes: on a tree the state file takes what the kernel is told */
	b = memplug_block_get_by_id(ctx, 33);
	CHECK_INT(memplug_block_offline(b), 0, "offline memory33");
	CHECK_INT(memplug_block_get_state(b), MEMPLUG_BLOCK_OFFLINE,
		  "memory33 is offline in the model");
	read_state(argv[1], 33, text, sizeof(text));
	CHECK_STR(text, "offline", "memory33/state written");
	CHECK_INT(memplug_block_online(b, MEMPLUG_ONLINE_KERNEL), 0,
		  "online memory33 to a kernel zone");
	CHECK_INT(memplug_block_get_zone(b), MEMPLUG_ZONE_NORMAL,
		  "memory33 Normal in the model");
	read_state(argv[1], 33, text, sizeof(text));
	CHECK_STR(text, "online_kernel", "memory33/state written");
	CHECK_STR(memplug_online_type_name(MEMPLUG_ONLINE_MOVABLE),
		  "online_movable", "online type name");
	CHECK_INT(memplug_online_type_zone(MEMPLUG_ONLINE_AUTO),
		  MEMPLUG_ZONE_UNKNOWN, "auto has no zone of its own");
	CHECK_INT(memplug_block_refresh(b), 0, "refresh re-reads the block");
	return done(ctx);
}

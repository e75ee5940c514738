// SPDX-License-Identifier: GPL-2.0
/* memplug list: block accounting and memmap placement, as one JSON object. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "builtin.h"
#include "list-table.h"
#include "online-path.h"
#include "vocab.h"

struct list_opts {
	bool devices;
	bool blocks;
	bool human;
	bool summary;
	const char *device;
	long node; /* -1: any */
	enum memplug_zone zone; /* MEMPLUG_ZONE_UNKNOWN: any */
	struct list_table_opts table;
};

enum {
	OPT_DEVICES,
	OPT_BLOCKS,
	OPT_DEVICE,
	OPT_NODE,
	OPT_ZONE,
	OPT_HUMAN,
	OPT_SUMMARY,
	OPT_TABLE,
	OPT_OUTPUT,
	OPT_PAIRS,
	OPT_RAW,
	OPT_NOHEADINGS,
	OPT_BYTES,
};

static const struct cli_option list_options[] = {
	[OPT_DEVICES] = { "devices", 'D', NULL, "only dax devices" },
	[OPT_BLOCKS] = { "memory-blocks", 'M', NULL,
			 "one row per memory block in memory_blocks" },
	[OPT_DEVICE] = { "device", 'd', "NAME",
			 "filter by dax device, namespace or CXL region" },
	[OPT_NODE] = { "node", 'n', "N", "filter by NUMA node" },
	[OPT_ZONE] = { "zone", 'z', "ZONE",
		       "filter by zone (DMA, DMA32, Normal, Movable, none; any case)" },
	[OPT_HUMAN] = { "human", 'u', NULL, "sizes as strings (\"128 MiB\")" },
	[OPT_SUMMARY] = { "summary", 's', NULL,
			  "only the system and summary objects are filled" },
	[OPT_TABLE] = { "table", 't', NULL,
			"a table (sources, or blocks with -M), not JSON" },
	[OPT_OUTPUT] = { "output", 'o', "COLUMNS",
			 "table columns, comma-separated; +COLUMNS adds" },
	[OPT_PAIRS] = { "pairs", 0, NULL, "table as NAME=\"value\" pairs" },
	[OPT_RAW] = { "raw", 0, NULL, "table columns not aligned" },
	[OPT_NOHEADINGS] = { "noheadings", 0, NULL,
			     "table without the header line" },
	[OPT_BYTES] = { "bytes", 'b', NULL, "table sizes in bytes" },
	OPT_END,
};

static int list_option(int index, const char *arg, void *data)
{
	struct list_opts *o = data;

	switch (index) {
	case OPT_DEVICES:
		o->devices = true;
		break;
	case OPT_BLOCKS:
		o->blocks = true;
		break;
	case OPT_DEVICE:
		o->device = arg;
		break;
	case OPT_NODE:
		return cli_parse_long("list", "node", arg, 0, VOCAB_NODE_MAX,
				      &o->node);
	case OPT_ZONE:
		if (!vocab_zone(arg, &o->zone))
			return cli_usage_error("list",
					       "invalid --zone '%s': want %s",
					       arg, VOCAB_WANT_ZONE);
		break;
	case OPT_HUMAN:
		o->human = true;
		break;
	case OPT_SUMMARY:
		o->summary = true;
		break;
	case OPT_OUTPUT:
		o->table.columns = arg;
		break;
	case OPT_PAIRS:
		o->table.pairs = true;
		break;
	case OPT_RAW:
		o->table.raw = true;
		break;
	case OPT_NOHEADINGS:
		o->table.noheadings = true;
		break;
	case OPT_BYTES:
		o->table.bytes = true;
		break;
	}
	/* every table option asks for a table */
	if (index >= OPT_TABLE)
		o->table.enabled = true;
	return 0;
}

/* argv[1..] holds one of @a, @b */
static bool has_arg(int argc, char **argv, const char *a, const char *b)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], a) || !strcmp(argv[i], b))
			return true;
	return false;
}

/* done by cli_parse(): --help (then the table columns follow) or --list-opts */
static bool is_help(int argc, char **argv)
{
	return has_arg(argc, argv, "-h", "--help");
}

static bool block_matches(struct memplug_block *block,
			  const struct list_opts *o)
{
	struct memplug_source *src = memplug_block_get_source(block);

	if (o->node >= 0 && memplug_block_get_node(block) != o->node)
		return false;
	if (o->zone != MEMPLUG_ZONE_UNKNOWN) {
		if (memplug_block_get_state(block) == MEMPLUG_BLOCK_ONLINE) {
			if (memplug_block_get_zone(block) != o->zone)
				return false;
		} else if (!memplug_block_can_online_to(block, o->zone)) {
			return false;
		}
	}
	if (o->device && (!src || !memplug_source_has_name(src, o->device)))
		return false;
	if (o->devices &&
	    (!src || memplug_source_get_type(src) != MEMPLUG_SOURCE_DAX))
		return false;
	return true;
}

static bool source_matches(struct memplug_source *src,
			   const struct list_opts *o)
{
	unsigned long i, n = memplug_source_get_nr_blocks(src);

	if (o->devices && memplug_source_get_type(src) != MEMPLUG_SOURCE_DAX)
		return false;
	if (o->device && !memplug_source_has_name(src, o->device))
		return false;
	if (o->node < 0 && o->zone == MEMPLUG_ZONE_UNKNOWN)
		return true;
	if (o->zone == MEMPLUG_ZONE_UNKNOWN &&
	    memplug_source_get_target_node(src) == o->node)
		return true;
	for (i = 0; i < n; i++)
		if (block_matches(memplug_source_get_block(src, i), o))
			return true;
	return false;
}

/* what the system as a whole warns of, "source": null */
static void system_warnings(struct memplug_ctx *ctx, struct json_object *all)
{
	struct json_object *w = NULL, *one;

	if (!memplug_parallel_onlining_requested(ctx) ||
	    memplug_has_parallel_onlining(ctx) ||
	    !memplug_get_parallel_hotplug_ratio(ctx))
		return;
	one = json_warning(
		"parallel-unconfirmed",
		"parallel_hotplug_ratio= is on the kernel command line, but the running kernel shows no parallel onlining (no parameter file, no deferred_online_memory): memplug onlines in its own order");
	w = json_object_new_object();
	json_object_object_add(w, "source", NULL);
	json_object_object_foreach(one, k, v)
		json_object_object_add(w, k, json_object_get(v));
	json_object_put(one);
	json_object_array_add(all, w);
}

static struct json_object *system_json(struct memplug_ctx *ctx,
				       const struct list_opts *o)
{
	struct json_object *sys = json_object_new_object();
	struct json_object *caps = json_object_new_object();
	enum memplug_tristate knob = memplug_has_dax_memmap_knob(ctx);
	/* reads kallsyms only when the command line asks for parallel */
	bool parallel = memplug_probe_parallel_onlining(ctx);
	struct online_path path = online_path_choose(ctx, -1);
	long ratio = memplug_get_parallel_hotplug_ratio(ctx);
	long long memmap = memplug_get_nr_memmap_pages(ctx);
	long long boot = memplug_get_nr_memmap_boot_pages(ctx);
	long amr = memplug_get_auto_movable_ratio(ctx);

	json_object_object_add(
		sys, "sysfs_root",
		json_object_new_string(memplug_get_sysfs_root(ctx)));
	json_object_object_add(
		sys, "kernel",
		json_string_or_null(memplug_get_kernel_release(ctx)));
	json_object_object_add(sys, "block_size_bytes",
			       json_size(memplug_get_block_size(ctx),
					 o->human));
	json_object_object_add(
		sys, "auto_online_blocks",
		json_string_or_null(memplug_get_auto_online_blocks(ctx)));
	json_object_object_add(
		sys, "memmap_on_memory",
		json_string_or_null(memplug_get_memmap_on_memory(ctx)));
	json_object_object_add(
		sys, "online_policy",
		json_string_or_null(memplug_get_online_policy(ctx)));
	json_object_object_add(sys, "auto_movable_ratio",
			       json_int_or_null(amr, amr >= 0));
	json_object_object_add(caps, "dax_memmap_on_memory",
			       knob == MEMPLUG_UNKNOWN ?
				       NULL :
				       json_object_new_boolean(knob ==
							       MEMPLUG_YES));
	json_object_object_add(caps, "parallel_onlining",
			       json_object_new_boolean(parallel));
	json_object_object_add(
		caps, "parallel_requested",
		json_object_new_boolean(
			memplug_parallel_onlining_requested(ctx)));
	json_object_object_add(caps, "parallel_hotplug_ratio",
			       json_int_or_null(ratio, ratio >= 0));
	json_object_object_add(
		caps, "parallel_evidence",
		json_string_or_null(memplug_get_parallel_evidence(ctx)));
	json_object_object_add(
		caps, "linear_onlining",
		json_object_new_boolean(memplug_has_linear_onlining(ctx)));
	json_object_object_add(
		caps, "linear_evidence",
		json_string_or_null(memplug_get_linear_evidence(ctx)));
	json_object_object_add(caps, "nr_memmap_pages",
			       json_object_new_boolean(memmap >= 0));
	json_object_object_add(
		caps, "memory_probe",
		json_object_new_boolean(memplug_has_memory_probe(ctx)));
	json_object_object_add(sys, "capabilities", caps);
	/* what reconfigure --mode=system-ram does by default here, and why */
	json_object_object_add(
		sys, "online_path",
		json_object_new_string(online_method_name(path.method)));
	json_object_object_add(sys, "online_path_reason",
			       json_object_new_string(path.reason));
	json_object_object_add(
		sys, "online_order",
		json_object_new_string(memplug_order_name(memplug_order_resolve(
			MEMPLUG_ORDER_DEFAULT, MEMPLUG_OP_ONLINE))));
	json_object_object_add(
		sys, "offline_order",
		json_object_new_string(memplug_order_name(memplug_order_resolve(
			MEMPLUG_ORDER_DEFAULT, MEMPLUG_OP_OFFLINE))));
	json_object_object_add(sys, "nr_memmap_pages",
			       json_int_or_null(memmap, memmap >= 0));
	json_object_object_add(sys, "nr_memmap_boot_pages",
			       json_int_or_null(boot, boot >= 0));
	return sys;
}

static struct json_object *summary_json(struct memplug_ctx *ctx,
					const struct list_opts *o)
{
	unsigned long states[4] = { 0 };
	struct zone_counts zones = { { 0 } };
	struct json_object *sum = json_object_new_object();
	uint64_t bs = memplug_get_block_size(ctx), memmap[3] = { 0 };
	struct memplug_block *block;
	unsigned long total = 0;

	memplug_block_foreach(ctx, block) {
		struct memplug_source *src = memplug_block_get_source(block);
		enum memplug_block_state state = memplug_block_get_state(block);
		struct memplug_memmap m;

		if (!block_matches(block, o))
			continue;
		total++;
		states[state]++;
		if (state == MEMPLUG_BLOCK_ONLINE)
			zone_counts_add(&zones, memplug_block_get_zone(block));
		memplug_source_get_memmap(src, &m);
		if (memplug_source_get_type(src) != MEMPLUG_SOURCE_BOOT)
			memmap[m.location] += memplug_get_memmap_size(ctx, bs);
	}
	json_object_object_add(sum, "total_memblocks",
			       json_object_new_int64(total));
	json_object_object_add(
		sum, "online_memblocks",
		json_object_new_int64(states[MEMPLUG_BLOCK_ONLINE]));
	json_object_object_add(
		sum, "offline_memblocks",
		json_object_new_int64(states[MEMPLUG_BLOCK_OFFLINE]));
	json_object_object_add(
		sum, "going_offline_memblocks",
		json_object_new_int64(states[MEMPLUG_BLOCK_GOING_OFFLINE]));
	json_object_object_add(sum, "total_bytes",
			       json_size(total * bs, o->human));
	json_object_object_add(sum, "online_bytes",
			       json_size(states[MEMPLUG_BLOCK_ONLINE] * bs,
					 o->human));
	json_object_object_add(sum, "zones", json_zone_counts(&zones));
	json_object_object_add(sum, "hotplug_memmap_self_bytes",
			       json_size(memmap[MEMPLUG_MEMMAP_SELF],
					 o->human));
	json_object_object_add(sum, "hotplug_memmap_node_bytes",
			       json_size(memmap[MEMPLUG_MEMMAP_NODE],
					 o->human));
	json_object_object_add(sum, "hotplug_memmap_unknown_bytes",
			       json_size(memmap[MEMPLUG_MEMMAP_UNKNOWN],
					 o->human));
	return sum;
}

static struct json_object *nodes_json(struct memplug_ctx *ctx,
				      const struct list_opts *o)
{
	struct json_object *arr = json_object_new_array();
	struct memplug_node *node;

	memplug_node_foreach(ctx, node) {
		struct json_object *obj, *zones = json_object_new_array();
		long long total = memplug_node_get_mem_total(node);
		int z;

		if (o->node >= 0 && memplug_node_get_id(node) != o->node) {
			json_object_put(zones);
			continue;
		}
		obj = json_object_new_object();
		json_object_object_add(
			obj, "node",
			json_object_new_int(memplug_node_get_id(node)));
		json_object_object_add(obj, "mem_total_bytes",
				       total < 0 ? NULL :
						   json_size(total, o->human));
		json_object_object_add(
			obj, "memory_block_count",
			json_object_new_int64(
				memplug_node_get_nr_blocks(node)));
		/* the names before format_version 2's renames: deprecated */
		json_object_object_add(obj, "mem_total",
				       json_object_get(json_object_object_get(
					       obj, "mem_total_bytes")));
		json_object_object_add(obj, "memory_blocks",
				       json_object_get(json_object_object_get(
					       obj, "memory_block_count")));
		json_object_object_add(
			obj, "online_memblocks",
			json_object_new_int64(
				memplug_node_get_nr_online(node)));
		for (z = 0; z < MEMPLUG_ZONE_NONE; z++) {
			struct memplug_zone_pages p;
			struct json_object *zo;

			if (!memplug_node_get_zone_pages(node, z, &p))
				continue;
			zo = json_object_new_object();
			json_object_object_add(
				zo, "zone",
				json_object_new_string(memplug_zone_name(z)));
			json_object_object_add(
				zo, "present_pages",
				json_object_new_int64(p.present));
			json_object_object_add(
				zo, "managed_pages",
				json_object_new_int64(p.managed));
			json_object_object_add(
				zo, "spanned_pages",
				json_object_new_int64(p.spanned));
			json_object_array_add(zones, zo);
		}
		json_object_object_add(obj, "zones", zones);
		json_object_array_add(arr, obj);
	}
	return arr;
}

static struct json_object *namespaces_json(struct memplug_ctx *ctx,
					   const struct list_opts *o)
{
	struct json_object *arr = json_object_new_array();
	struct memplug_namespace *ns;

	memplug_namespace_foreach(ctx, ns) {
		struct json_object *obj;
		const char *dax = memplug_namespace_get_dax(ns);
		int numa = memplug_namespace_get_numa_node(ns);
		int target = memplug_namespace_get_target_node(ns);

		if (o->device &&
		    strcmp(o->device, memplug_namespace_get_name(ns)) &&
		    (!dax || strcmp(o->device, dax)))
			continue;
		if (o->node >= 0 && target != o->node && numa != o->node)
			continue;
		obj = json_object_new_object();
		json_object_object_add(
			obj, "namespace",
			json_object_new_string(memplug_namespace_get_name(ns)));
		json_object_object_add(
			obj, "mode",
			json_string_or_null(memplug_namespace_get_mode(ns)));
		json_object_object_add(obj, "size",
				       json_size(memplug_namespace_get_size(ns),
						 o->human));
		json_object_object_add(
			obj, "map",
			json_string_or_null(memplug_namespace_get_map(ns)));
		json_object_object_add(obj, "numa_node",
				       json_int_or_null(numa, numa >= 0));
		json_object_object_add(obj, "target_node",
				       json_int_or_null(target, target >= 0));
		json_object_object_add(obj, "dax", json_string_or_null(dax));
		json_object_array_add(arr, obj);
	}
	return arr;
}

static struct json_object *regions_json(struct memplug_ctx *ctx,
					const struct list_opts *o)
{
	struct json_object *arr = json_object_new_array();
	struct memplug_region *r;

	memplug_region_foreach(ctx, r) {
		struct json_object *obj;
		const char *dax = memplug_region_get_dax(r);
		uint64_t res = 0;
		bool has_res = memplug_region_get_resource(r, &res);
		char buf[32];

		if (o->device &&
		    strcmp(o->device, memplug_region_get_name(r)) &&
		    (!dax || strcmp(o->device, dax)))
			continue;
		obj = json_object_new_object();
		json_object_object_add(
			obj, "region",
			json_object_new_string(memplug_region_get_name(r)));
		json_object_object_add(
			obj, "mode",
			json_string_or_null(memplug_region_get_mode(r)));
		json_object_object_add(obj, "size",
				       json_size(memplug_region_get_size(r),
						 o->human));
		snprintf(buf, sizeof(buf), "%#llx", (unsigned long long)res);
		json_object_object_add(obj, "resource",
				       has_res ? json_object_new_string(buf) :
						 NULL);
		json_object_object_add(obj, "committed",
				       json_object_new_boolean(
					       memplug_region_is_committed(r)));
		json_object_object_add(obj, "dax", json_string_or_null(dax));
		json_object_array_add(arr, obj);
	}
	return arr;
}

/* memory_blocks rows, made one at a time while they print */
struct block_rows {
	struct memplug_block *next;
	const struct list_opts *o;
	struct json_object *row; /* one object, filled for each block */
};

static struct json_object *next_block_row(void *data)
{
	struct block_rows *rows = data;
	struct memplug_block *block = rows->next;

	while (block && !block_matches(block, rows->o))
		block = memplug_block_get_next(block);
	if (!block)
		return NULL;
	rows->next = memplug_block_get_next(block);
	rows->row = json_block(rows->row, block, rows->o->human);
	return json_object_get(rows->row);
}

/* the same rows as real objects: the table reads the whole array */
static struct json_object *block_rows_array(struct block_rows *rows)
{
	struct json_object *arr = json_object_new_array();
	struct json_object *row;

	while ((row = next_block_row(rows))) {
		json_object_array_add(arr, row);
		json_object_put(rows->row);
		rows->row = NULL;
	}
	return arr;
}

int cmd_list(int argc, char **argv, struct cli_context *cli)
{
	struct list_opts o = { .node = -1, .zone = MEMPLUG_ZONE_UNKNOWN };
	struct memplug_ctx *ctx = cli->ctx;
	struct json_object *root, *sources, *blocks, *warnings;
	struct memplug_source *src;
	struct block_rows rows = { .o = &o };
	bool done;
	int first, rc;

	/* for the completion of -o: the columns of the table asked for */
	if (has_arg(argc, argv, "--list-columns", "--list-columns")) {
		list_table_columns(stdout, has_arg(argc, argv, "-M",
						   "--memory-blocks"));
		return EXIT_OK;
	}
	rc = cli_parse(argc, argv, "list", "[options]", list_options,
		       list_option, &o, &first, &done);
	if (rc || done) {
		if (!rc && is_help(argc, argv))
			list_table_help(stdout);
		return rc;
	}
	if (first < argc)
		return cli_usage_error("list", "unexpected argument '%s'",
				       argv[first]);
	if (o.summary && o.table.enabled)
		return cli_usage_error(
			"list",
			"--summary is JSON only: the table options (--table, -o, --pairs, --raw, --noheadings, --bytes) show sources or blocks");
	rc = memplug_scan(ctx);
	if (rc)
		return cli_error(EXIT_ERROR, "%s", memplug_get_error(ctx));
	if (o.device && !memplug_source_get_by_name(ctx, o.device)) {
		bool known = false;
		struct memplug_namespace *ns;
		struct memplug_region *r;

		memplug_namespace_foreach(ctx, ns)
			known |= !strcmp(memplug_namespace_get_name(ns),
					 o.device);
		memplug_region_foreach(ctx, r)
			known |= !strcmp(memplug_region_get_name(r), o.device);
		if (!known)
			return cli_error(EXIT_ERROR, "no device '%s'",
					 o.device);
	}

	root = json_command_root();
	json_object_object_add(root, "system", system_json(ctx, &o));
	json_object_object_add(root, "summary", summary_json(ctx, &o));
	json_object_object_add(root, "nodes",
			       o.summary ? json_object_new_array() :
					   nodes_json(ctx, &o));
	sources = json_object_new_array();
	if (!o.summary)
		memplug_source_foreach(ctx, src)
			if (source_matches(src, &o))
				json_object_array_add(
					sources, json_source(src, o.human));
	json_object_object_add(root, "sources", sources);
	json_object_object_add(root, "namespaces",
			       o.summary ? json_object_new_array() :
					   namespaces_json(ctx, &o));
	json_object_object_add(root, "regions",
			       o.summary ? json_object_new_array() :
					   regions_json(ctx, &o));
	rows.next = memplug_block_get_first(ctx);
	if (!o.blocks || o.summary)
		blocks = json_object_new_array();
	else if (o.table.enabled)
		blocks = block_rows_array(&rows);
	else
		blocks = json_array_stream(next_block_row, &rows);
	json_object_object_add(root, "memory_blocks", blocks);
	warnings = json_collect_warnings(sources, "source");
	system_warnings(ctx, warnings);
	json_object_object_add(root, "warnings", warnings);
	if (o.table.enabled)
		rc = list_table_print(root, o.blocks, &o.table);
	else
		json_print(root);
	json_object_put(root);
	json_object_put(rows.row);
	return rc;
}

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# memplug-textfile.sh [DIR]
#
# Write memplug's view of hot-pluggable memory as Prometheus metrics for the
# node_exporter textfile collector (--collector.textfile.directory=DIR,
# default /var/lib/prometheus/node-exporter).  node_exporter itself has no
# memory-block, zone-of-device or memmap metrics.
#
# Run it as root (dax address ranges and /proc/iomem are root-only; without
# root, device memory is counted as boot memory), e.g. from a systemd timer
# or cron every minute.  It only reads: `memplug list` takes no lock.
#
# The file is replaced atomically (written to a temporary file in DIR, then
# renamed), so node_exporter never reads half a file.  Samples carry no
# timestamps.  When memplug fails, only memplug_list_success 0 is written.
#
# Environment: MEMPLUG (the binary, default memplug from PATH),
# MEMPLUG_SYSFS_ROOT (passed on to memplug).  Needs jq.
#
# Metrics:
#   memplug_list_success                               1 if memplug list succeeded
#   memplug_block_size_bytes                           memory block size
#   memplug_system_info{kernel,auto_online_blocks,memmap_on_memory,online_policy} 1
#   memplug_source_info{source,type,mode,namespace,region} 1
#   memplug_source_memblocks{source,type,state}        blocks by state
#   memplug_source_zone_memblocks{source,zone}         online blocks by zone
#   memplug_source_memmap_bytes{source,location,basis} memmap size and placement
#   memplug_node_mem_total_bytes{node}                 node MemTotal
#   memplug_node_zone_pages{node,zone,kind}            kind="present|managed|spanned"

set -eu

dir=${1:-/var/lib/prometheus/node-exporter}
memplug=${MEMPLUG:-memplug}
out=$dir/memplug.prom

command -v jq >/dev/null 2>&1 || { echo "memplug-textfile: jq not found" >&2; exit 1; }
[ -d "$dir" ] || { echo "memplug-textfile: no directory '$dir'" >&2; exit 1; }

# a dot-name without .prom: the collector ignores it until the rename
tmp=$(mktemp "$dir/.memplug.prom.XXXXXX")
trap 'rm -f "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

if json=$("$memplug" list); then
	printf '%s\n' "$json" | jq -r '
def esc: tostring | gsub("\\\\"; "\\\\") | gsub("\n"; "\\n") | gsub("\""; "\\\"");
def labels(o): "{" + ([o | to_entries[] | "\(.key)=\"\(.value // "" | esc)\""] | join(",")) + "}";
def family(name; help): "# HELP \(name) \(help)", "# TYPE \(name) gauge";

family("memplug_list_success"; "1 if memplug list succeeded."),
"memplug_list_success 1",

family("memplug_block_size_bytes"; "Memory block size in bytes."),
"memplug_block_size_bytes \(.system.block_size_bytes)",

family("memplug_system_info"; "Kernel memory hotplug settings as labels."),
"memplug_system_info" + labels(.system | {kernel, auto_online_blocks, memmap_on_memory, online_policy}) + " 1",

family("memplug_source_info"; "Memory sources (devices and boot memory) as labels."),
(.sources[] | "memplug_source_info" + labels({source, type, mode, namespace, region}) + " 1"),

family("memplug_source_memblocks"; "Memory blocks of a source by state."),
(.sources[] as $s | $s.states | to_entries[] |
	"memplug_source_memblocks" + labels({source: $s.source, type: $s.type, state: .key}) + " \(.value)"),

family("memplug_source_zone_memblocks"; "Online memory blocks of a source by zone."),
(.sources[] as $s | $s.zones | to_entries[] |
	"memplug_source_zone_memblocks" + labels({source: $s.source, zone: .key}) + " \(.value)"),

family("memplug_source_memmap_bytes"; "Size of the memmap (struct pages) of a source, by where it lives (self = on the memory itself, node:N = in RAM of node N) and whether that was predicted or observed."),
(.sources[] | "memplug_source_memmap_bytes" + labels({source, location: .memmap_location, basis: .memmap_basis}) + " \(.memmap_bytes)"),

family("memplug_node_mem_total_bytes"; "MemTotal of a NUMA node in bytes."),
(.nodes[] | select(.mem_total != null) | "memplug_node_mem_total_bytes" + labels({node}) + " \(.mem_total)"),

family("memplug_node_zone_pages"; "Pages (4 KiB) of a zone of a NUMA node; present - managed includes memmap placed on hot-added memory."),
(.nodes[] as $n | $n.zones[] as $z | ("present", "managed", "spanned") as $k |
	"memplug_node_zone_pages" + labels({node: $n.node, zone: $z.zone, kind: $k}) + " \($z[$k + "_pages"])")
' > "$tmp"
else
	printf '%s\n' \
		'# HELP memplug_list_success 1 if memplug list succeeded.' \
		'# TYPE memplug_list_success gauge' \
		'memplug_list_success 0' > "$tmp"
fi

chmod 0644 "$tmp"	# mktemp makes it 0600; node_exporter runs as another user
mv -f "$tmp" "$out"
trap - EXIT

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memplug.conf: the targets `memplug apply` converges, read from INI files
 * with libiniparser, validated strictly, every error naming file:line.
 * It lives in the CLI, as daxctl's config does: files and policy are the
 * command's input; libmemplug only answers what a device's identity is.
 */
#ifndef _MEMPLUG_CONF_H_
#define _MEMPLUG_CONF_H_

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>
#include <libmemplug.h>

/* bounds for untrusted input */
#define CONFIG_MAX_FILE_SIZE (64 * 1024)
#define CONFIG_MAX_FILES 256
#define CONFIG_MAX_LINE 1000
#define CONFIG_MAX_SERIALS 16

/* how a section names its target; the kind is the section's first word */
enum config_kind {
	CONFIG_NAMESPACE, /* [namespace LABEL] uuid = ... */
	CONFIG_REGION, /* [region LABEL] hpa = ... and/or memdevs = ... */
	CONFIG_DAX, /* [dax LABEL] resource = ... */
	CONFIG_DEVICE, /* [device NAME]: a kernel name, warned about */
	CONFIG_DAXCTL, /* [reconfigure-device LABEL] nvdimm.uuid = ... */
};

enum config_memmap {
	CONFIG_MEMMAP_KEEP, /* leave the dax device's knob as it is */
	CONFIG_MEMMAP_YES,
	CONFIG_MEMMAP_NO,
};

/* one bit per setting that a section (or [defaults]) gave explicitly */
enum config_key_bit {
	CONFIG_SET_MODE = 1 << 0,
	CONFIG_SET_ZONE = 1 << 1,
	CONFIG_SET_MEMMAP = 1 << 2,
	CONFIG_SET_ONLINE = 1 << 3,
	CONFIG_SET_ORDER = 1 << 4,
	CONFIG_SET_TIMEOUT = 1 << 5,
};

/* what to make of a target; [defaults] fills what a section leaves out */
struct config_settings {
	enum memplug_mode mode; /* SYSTEM_RAM or DEVDAX */
	enum memplug_online_type zone;
	enum config_memmap memmap;
	bool online;
	enum memplug_order order;
	long timeout_s;
	unsigned int set; /* enum config_key_bit */
};

struct config_target {
	char *section; /* as iniparser names it: lower case, trimmed */
	const char *file; /* points into config.files */
	unsigned int line; /* of the [section] header */
	enum config_kind kind;
	/* identity: which fields are valid depends on @kind */
	char uuid[37]; /* canonical lower case */
	bool has_hpa;
	uint64_t hpa;
	unsigned int nr_serials;
	uint64_t serials[CONFIG_MAX_SERIALS]; /* sorted */
	uint64_t resource;
	char *device; /* CONFIG_DEVICE: daxX.Y, namespaceX.Y, regionN */
	int target_node; /* guard, -1 when none */
	struct config_settings settings; /* merged with [defaults] */
};

struct config {
	char **files; /* every file read, in order */
	unsigned int nr_files;
	bool explicit_path; /* --config or $MEMPLUG_CONFIG */
	const char *path; /* what was searched: a file or a directory */
	struct config_settings defaults;
	struct config_target *targets;
	unsigned int nr_targets, cap_targets;
	struct json_object *warnings; /* array of strings */
};

/* the settings every target starts from before [defaults] */
void config_settings_init(struct config_settings *s);

/*
 * Read @path (a file, or a directory whose *.conf are read in byte order),
 * or, when @path is NULL, $MEMPLUG_CONFIG, else the default files
 * (@sysconfdir/memplug.conf and @sysconfdir/memplug.conf.d/ *.conf).
 * Missing default files are no error.  Returns 0, or EXIT_USAGE after one
 * line "memplug: FILE:LINE: what: why" on stderr.  Warnings go to stderr
 * and to cfg->warnings.
 */
int config_load(struct config *cfg, const char *path, const char *sysconfdir);
void config_release(struct config *cfg);

/* a target's identity, for messages and JSON: "uuid 1234-..." */
void config_identity(const struct config_target *t, char *buf, size_t len);
/* the merged configuration as JSON (memplug config show) */
struct json_object *config_to_json(const struct config *cfg);

const char *config_kind_name(enum config_kind kind);
const char *config_memmap_name(enum config_memmap memmap);
const char *config_zone_name(enum memplug_online_type zone);

#endif /* _MEMPLUG_CONF_H_ */

// SPDX-License-Identifier: GPL-2.0
/* memplug.conf: files, iniparser, validation of sections, keys and values. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <iniparser/iniparser.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uuid/uuid.h>
#include "conf.h"
#include "conf-file.h"
#include "memplug.h"
#include "strmap.h"
#include "text.h"
#include "vocab.h"

static const char *const kind_names[] = {
	[CONFIG_NAMESPACE] = "namespace",
	[CONFIG_REGION] = "region",
	[CONFIG_DAX] = "dax",
	[CONFIG_DEVICE] = "device",
	[CONFIG_DAXCTL] = "reconfigure-device",
};

const char *config_kind_name(enum config_kind kind)
{
	return kind_names[kind];
}

const char *config_memmap_name(enum config_memmap memmap)
{
	static const char *const names[] = { "keep", "yes", "no" };

	return names[memmap];
}

/* the config spelling of a zone, as reconfigure's --zone */
const char *config_zone_name(enum memplug_online_type zone)
{
	switch (zone) {
	case MEMPLUG_ONLINE_MOVABLE:
		return "movable";
	case MEMPLUG_ONLINE_KERNEL:
		return "normal";
	default:
		return "auto";
	}
}

void config_settings_init(struct config_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->mode = MEMPLUG_MODE_SYSTEM_RAM;
	s->zone = MEMPLUG_ONLINE_MOVABLE;
	s->memmap = CONFIG_MEMMAP_KEEP;
	s->online = true;
	s->order = MEMPLUG_ORDER_DEFAULT;
	s->timeout_s = 120;
}

/* ---- values ------------------------------------------------------------- */

/* where a value came from, for error messages */
struct where {
	const struct config_file *cf;
	const char *section;
	const char *key;
	const char *value;
};

static int bad_value(const struct where *w, const char *want)
{
	return config_error(w->cf->path,
			    config_file_line(w->cf, w->section, w->key),
			    "bad value '%s' for %s in [%s]: want %s", w->value,
			    w->key, w->section, want);
}

static int parse_u64(const struct where *w, uint64_t *val)
{
	if (!vocab_number(w->value, val))
		return bad_value(w, VOCAB_WANT_NUMBER);
	return 0;
}

static int parse_address(const struct where *w, uint64_t *val)
{
	if (!vocab_address(w->value, val))
		return bad_value(w, VOCAB_WANT_ADDRESS);
	return 0;
}

static int parse_long(const struct where *w, long min, long max, long *val)
{
	char want[96];

	snprintf(want, sizeof(want),
		 "a whole number from %ld to %ld, no leading zero", min, max);
	if (!vocab_long(w->value, min, max, val))
		return bad_value(w, want);
	return 0;
}

static int parse_bool(const struct where *w, bool *val)
{
	if (!vocab_bool(w->value, val))
		return bad_value(w, VOCAB_WANT_BOOL);
	return 0;
}

static int parse_uuid(const struct where *w, char *out)
{
	uuid_t u;

	if (strlen(w->value) != 36 || uuid_parse(w->value, u))
		return bad_value(w, "a uuid like 8d5d5ba2-3f63-4c0a-...");
	uuid_unparse_lower(u, out);
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* "0x1234, 0x5678" or white-space separated */
static int parse_serials(const struct where *w, struct config_target *t)
{
	char *copy = strdup(w->value), *tok, *save = NULL;
	struct where one = *w;
	unsigned int i;
	int rc = 0;

	if (!copy)
		return config_error(w->cf->path, 0, "out of memory");
	t->nr_serials = 0;
	for (tok = strtok_r(copy, ", \t", &save); tok;
	     tok = strtok_r(NULL, ", \t", &save)) {
		if (t->nr_serials == CONFIG_MAX_SERIALS) {
			rc = bad_value(w, "at most 16 serial numbers");
			goto out;
		}
		one.value = tok;
		rc = parse_u64(&one, &t->serials[t->nr_serials]);
		if (rc)
			goto out;
		t->nr_serials++;
	}
	if (!t->nr_serials) {
		rc = bad_value(w, "one or more memdev serial numbers");
		goto out;
	}
	qsort(t->serials, t->nr_serials, sizeof(t->serials[0]), cmp_u64);
	for (i = 1; i < t->nr_serials; i++)
		if (t->serials[i] == t->serials[i - 1]) {
			rc = bad_value(w, "each serial number once");
			goto out;
		}
out:
	free(copy);
	return rc;
}

/* daxX.Y, namespaceX.Y, regionN: what memplug reconfigure takes */
static bool valid_kernel_name(const char *name)
{
	static const char *const dotted[] = { "dax", "namespace" };
	const char *p = NULL;
	size_t i;

	for (i = 0; i < 2; i++)
		if (!strncmp(name, dotted[i], strlen(dotted[i])))
			p = name + strlen(dotted[i]);
	if (p) {
		if (!isdigit((unsigned char)*p))
			return false;
		p += strspn(p, "0123456789");
		if (*p++ != '.' || !isdigit((unsigned char)*p))
			return false;
		return p[strspn(p, "0123456789")] == '\0';
	}
	if (strncmp(name, "region", 6) || !isdigit((unsigned char)name[6]))
		return false;
	return name[6 + strspn(name + 6, "0123456789")] == '\0';
}

/* ---- sections ------------------------------------------------------------ */

/* a setting key of [defaults] and of every target section except daxctl's */
static int parse_setting(const struct where *w, struct config_settings *s,
			 bool *known)
{
	*known = true;
	if (!strcmp(w->key, "mode")) {
		if (!vocab_mode(w->value, &s->mode))
			return bad_value(w, VOCAB_WANT_MODE);
		s->set |= CONFIG_SET_MODE;
	} else if (!strcmp(w->key, "zone")) {
		if (!vocab_online_zone(w->value, &s->zone))
			return bad_value(w, VOCAB_WANT_ONLINE_ZONE);
		s->set |= CONFIG_SET_ZONE;
	} else if (!strcmp(w->key, "memmap_on_memory")) {
		bool on;

		if (!strcasecmp(w->value, "keep"))
			s->memmap = CONFIG_MEMMAP_KEEP;
		else if (vocab_bool(w->value, &on))
			s->memmap = on ? CONFIG_MEMMAP_YES : CONFIG_MEMMAP_NO;
		else
			return bad_value(w, "yes, no or keep");
		s->set |= CONFIG_SET_MEMMAP;
	} else if (!strcmp(w->key, "online")) {
		if (parse_bool(w, &s->online))
			return EXIT_USAGE;
		s->set |= CONFIG_SET_ONLINE;
	} else if (!strcmp(w->key, "order")) {
		if (!vocab_order(w->value, &s->order))
			return bad_value(w, VOCAB_WANT_ORDER);
		s->set |= CONFIG_SET_ORDER;
	} else if (!strcmp(w->key, "timeout")) {
		if (parse_long(w, 0, VOCAB_TIMEOUT_MAX, &s->timeout_s))
			return EXIT_USAGE;
		s->set |= CONFIG_SET_TIMEOUT;
	} else {
		*known = false;
	}
	return 0;
}

static int unknown_key(const struct where *w)
{
	return config_error(w->cf->path,
			    config_file_line(w->cf, w->section, w->key),
			    "unknown key '%s' in [%s]", w->key, w->section);
}

/* identity and guard keys of a target section */
static int parse_identity(const struct where *w, struct config_target *t,
			  bool *known)
{
	long node;

	*known = true;
	if (!strcmp(w->key, "target_node") && t->kind != CONFIG_DAXCTL) {
		if (parse_long(w, 0, VOCAB_NODE_MAX, &node))
			return EXIT_USAGE;
		t->target_node = (int)node;
	} else if (t->kind == CONFIG_NAMESPACE && !strcmp(w->key, "uuid")) {
		return parse_uuid(w, t->uuid);
	} else if (t->kind == CONFIG_DAXCTL && !strcmp(w->key, "nvdimm.uuid")) {
		return parse_uuid(w, t->uuid);
	} else if (t->kind == CONFIG_REGION && !strcmp(w->key, "hpa")) {
		if (parse_address(w, &t->hpa))
			return EXIT_USAGE;
		t->has_hpa = true;
	} else if (t->kind == CONFIG_REGION && !strcmp(w->key, "memdevs")) {
		return parse_serials(w, t);
	} else if (t->kind == CONFIG_DAX && !strcmp(w->key, "resource")) {
		return parse_address(w, &t->resource);
	} else {
		*known = false;
	}
	return 0;
}

/* daxctl's keys, with daxctl's meaning: online and movable are booleans */
static int parse_daxctl(const struct where *w, struct config_target *t,
			bool *known)
{
	struct config_settings *s = &t->settings;
	bool movable = true;

	*known = true;
	if (!strcmp(w->key, "mode")) {
		bool mode_known;

		return parse_setting(w, s, &mode_known);
	} else if (!strcmp(w->key, "online")) {
		if (parse_bool(w, &s->online))
			return EXIT_USAGE;
		s->set |= CONFIG_SET_ONLINE;
	} else if (!strcmp(w->key, "movable")) {
		if (parse_bool(w, &movable))
			return EXIT_USAGE;
		/* daxctl --no-movable writes online_kernel */
		s->zone = movable ? MEMPLUG_ONLINE_MOVABLE :
				    MEMPLUG_ONLINE_KERNEL;
		s->set |= CONFIG_SET_ZONE;
	} else {
		*known = false;
	}
	return 0;
}

static int section_kind(const struct config_file *cf, const char *section,
			const char **label, int *kind)
{
	unsigned int line = config_file_line(cf, section, NULL);
	size_t len = strcspn(section, " \t");
	unsigned int k;

	*label = section + len + strspn(section + len, " \t");
	if (!strcmp(section, "defaults")) {
		*kind = -1;
		return 0;
	}
	for (k = 0; k < sizeof(kind_names) / sizeof(kind_names[0]); k++)
		if (strlen(kind_names[k]) == len &&
		    !strncmp(section, kind_names[k], len)) {
			if (!**label)
				return config_error(
					cf->path, line,
					"[%s] needs a name: [%s NAME]", section,
					section);
			*kind = (int)k;
			return 0;
		}
	return config_error(
		cf->path, line,
		"unknown section [%s]: want [defaults], [namespace NAME], [region NAME], [dax NAME], [device KERNEL-NAME] or [reconfigure-device NAME]",
		section);
}

static int add_warning(struct config *cfg, const char *path, unsigned int line,
		       const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int add_warning(struct config *cfg, const char *path, unsigned int line,
		       const char *fmt, ...)
{
	char msg[512], full[1024];
	va_list args;

	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	snprintf(full, sizeof(full), "%s:%u: %s", path, line, msg);
	/* printed by config_load once the whole configuration is good */
	json_object_array_add(cfg->warnings, json_object_new_string(full));
	return 0;
}

static int check_target(struct config *cfg, const struct config_file *cf,
			struct config_target *t, const char *label)
{
	const char *missing = NULL;

	switch (t->kind) {
	case CONFIG_NAMESPACE:
	case CONFIG_DAXCTL:
		if (!t->uuid[0])
			missing = t->kind == CONFIG_DAXCTL ?
					  "nvdimm.uuid = UUID" :
					  "uuid = UUID";
		break;
	case CONFIG_REGION:
		if (!t->has_hpa && !t->nr_serials)
			missing = "hpa = ADDRESS and/or memdevs = SERIAL...";
		break;
	case CONFIG_DAX:
		if (!config_file_line(cf, t->section, "resource"))
			missing = "resource = ADDRESS";
		break;
	case CONFIG_DEVICE:
		if (!valid_kernel_name(label))
			return config_error(
				cf->path, t->line,
				"[%s]: '%s' is not a kernel device name (daxX.Y, namespaceX.Y or regionN)",
				t->section, label);
		t->device = strdup(label);
		if (!t->device)
			return config_error(cf->path, t->line, "out of memory");
		add_warning(
			cfg, cf->path, t->line,
			"[%s] names %s by its kernel name, which can change between boots; name it by uuid, hpa, memdevs or resource instead",
			t->section, label);
		break;
	}
	if (missing)
		return config_error(cf->path, t->line, "[%s] needs %s",
				    t->section, missing);
	if (t->settings.mode == MEMPLUG_MODE_DEVDAX &&
	    (t->settings.set & (CONFIG_SET_ZONE | CONFIG_SET_MEMMAP |
				CONFIG_SET_ONLINE | CONFIG_SET_ORDER)))
		return config_error(
			cf->path, t->line,
			"[%s] has mode = devdax: zone, memmap_on_memory, online and order mean nothing there",
			t->section);
	return 0;
}

/* one section of one file into @t, or into cfg->defaults */
static int parse_section(struct config *cfg, const struct config_file *cf,
			 unsigned int header, bool *seen_defaults)
{
	const char *section = cf->lines[header].section;
	struct config_target *t = NULL;
	struct config_settings *s;
	const char *label;
	unsigned int i;
	int kind = -1, rc;

	rc = section_kind(cf, section, &label, &kind);
	if (rc)
		return rc;
	if (kind < 0) {
		if (*seen_defaults)
			return config_error(cf->path,
					    config_file_line(cf, section, NULL),
					    "duplicate section [defaults]");
		*seen_defaults = true;
		s = &cfg->defaults;
	} else {
		if (cfg->nr_targets == cfg->cap_targets) {
			unsigned int cap =
				cfg->cap_targets ? cfg->cap_targets * 2 : 16;

			t = reallocarray(cfg->targets, cap, sizeof(*t));
			if (!t)
				return config_error(cf->path, 0,
						    "out of memory");
			cfg->targets = t;
			cfg->cap_targets = cap;
		}
		t = &cfg->targets[cfg->nr_targets++];
		memset(t, 0, sizeof(*t));
		t->section = strdup(section);
		if (!t->section)
			return config_error(cf->path, 0, "out of memory");
		t->file = cf->path;
		t->line = config_file_line(cf, section, NULL);
		t->kind = (enum config_kind)kind;
		t->target_node = -1;
		config_settings_init(&t->settings);
		s = &t->settings;
	}

	/* its keys follow the header, up to the next section */
	for (i = header + 1; i < cf->nr_lines && cf->lines[i].key; i++) {
		const struct config_line *l = &cf->lines[i];
		struct where w = { cf, section, l->key, NULL };
		bool known = false;

		w.value = l->value;
		if (t && t->kind == CONFIG_DAXCTL) {
			rc = parse_daxctl(&w, t, &known);
			if (!rc && !known)
				rc = parse_identity(&w, t, &known);
		} else {
			rc = parse_setting(&w, s, &known);
			if (!rc && !known && t)
				rc = parse_identity(&w, t, &known);
		}
		if (rc)
			return rc;
		if (!known)
			return unknown_key(&w);
	}
	return t ? check_target(cfg, cf, t, label) : 0;
}

static char *captured_error;

static int capture_iniparser_error(const char *fmt, ...)
{
	va_list args;
	char *msg = NULL;

	va_start(args, fmt);
	if (vasprintf(&msg, fmt, args) < 0)
		msg = NULL;
	va_end(args);
	if (msg && !captured_error)
		captured_error = msg;
	else
		free(msg);
	return 0;
}

/*
 * iniparser parses the exact bytes that were checked: it reads them from a
 * memfd, never from the path again (the file could change in between).
 */
static dictionary *ini_load(const struct config_file *cf)
{
	char path[64];
	dictionary *d = NULL;
	size_t off = 0;
	ssize_t n;
	int fd;

	fd = memfd_create("memplug.conf", MFD_CLOEXEC);
	/* a sandbox may deny memfd_create (udev's seccomp filter) */
	if (fd < 0)
		fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return NULL;
	while (off < cf->size) {
		n = write(fd, cf->buf + off, cf->size - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto out;
		off += (size_t)n;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	iniparser_set_error_callback(capture_iniparser_error);
	d = iniparser_load(path);
	iniparser_set_error_callback(NULL);
out:
	close(fd);
	return d;
}

/*
 * The pre-scan and iniparser must have read the same file: every section
 * and key iniparser holds is one the pre-scan found on a line of its own,
 * and every one the pre-scan found is in iniparser's dictionary.  Values
 * are iniparser's (it unquotes them and drops inline comments).
 */
static int check_agreement(struct config_file *cf, const dictionary *d)
{
	unsigned int i, seen = 0;
	ssize_t j;

	for (j = 0; j < d->size; j++) {
		const char *entry = d->key[j];
		struct config_line *l;

		if (!entry)
			continue;
		l = config_file_find(cf, entry);
		if (!l || l->seen)
			return config_error(
				cf->path, 0,
				"iniparser reads %s [%s] that is not on a line of its own",
				strchr(entry, ':') ? "a key" : "a section",
				entry);
		l->seen = true;
		l->value = d->val[j] ? d->val[j] : "";
		seen++;
	}
	for (i = 0; i < cf->nr_lines && seen != cf->nr_lines; i++) {
		const struct config_line *l = &cf->lines[i];

		if (l->seen)
			continue;
		if (l->key)
			return config_error(
				cf->path, l->line,
				"iniparser does not read key '%s' in [%s] here",
				l->key, l->section);
		return config_error(cf->path, l->line,
				    "iniparser does not read section [%s] here",
				    l->section);
	}
	return 0;
}

static int load_file(struct config *cfg, const char *path, bool optional,
		     bool *seen_defaults)
{
	struct config_file cf;
	dictionary *d;
	char **files;
	unsigned int i;
	int rc;

	if (cfg->nr_files >= CONFIG_MAX_FILES)
		return config_error(path, 0, "more than %d configuration files",
				    CONFIG_MAX_FILES);
	rc = config_file_read(&cf, path);
	if (rc == -ENOENT && optional)
		return 0;
	if (rc == -ENOENT)
		return config_error(path, 0, "no such file");
	if (rc)
		goto out;
	files = reallocarray(cfg->files, cfg->nr_files + 1, sizeof(*files));
	if (!files) {
		rc = config_error(path, 0, "out of memory");
		goto out;
	}
	cfg->files = files;
	cfg->files[cfg->nr_files] = strdup(path);
	if (!cfg->files[cfg->nr_files]) {
		rc = config_error(path, 0, "out of memory");
		goto out;
	}
	cf.path = cfg->files[cfg->nr_files++];

	errno = 0;
	d = ini_load(&cf);
	if (!d) {
		rc = config_error(cf.path, 0, "iniparser cannot parse it: %s",
				  captured_error ? captured_error :
				  errno		 ? strerror(errno) :
						   "it gives no reason");
		free(captured_error);
		captured_error = NULL;
		goto out;
	}
	rc = check_agreement(&cf, d);
	for (i = 0; i < cf.nr_lines && !rc; i++)
		if (!cf.lines[i].key)
			rc = parse_section(cfg, &cf, i, seen_defaults);
	iniparser_freedict(d);
out:
	config_file_release(&cf);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* DIR/ *.conf in byte order; a missing directory is fine when @optional */
static int load_dir(struct config *cfg, const char *dir, bool optional,
		    bool *seen_defaults)
{
	char **names = NULL, *path;
	unsigned int nr = 0, i;
	struct dirent *de;
	int rc = 0;
	DIR *dh;

	dh = opendir(dir);
	if (!dh && errno == ENOENT && optional)
		return 0;
	if (!dh)
		return config_error(dir, 0, "cannot read directory: %s",
				    strerror(errno));
	while ((de = readdir(dh))) {
		size_t len = strlen(de->d_name);
		char **n;

		if (de->d_name[0] == '.' || len < 6 ||
		    strcmp(de->d_name + len - 5, ".conf"))
			continue;
		if (nr >= CONFIG_MAX_FILES) {
			rc = config_error(dir, 0,
					  "more than %d configuration files",
					  CONFIG_MAX_FILES);
			goto out;
		}
		n = reallocarray(names, nr + 1, sizeof(*names));
		if (!n || !(n[nr] = strdup(de->d_name))) {
			if (n)
				names = n;
			rc = config_error(dir, 0, "out of memory");
			goto out;
		}
		names = n;
		nr++;
	}
	if (nr)
		qsort(names, nr, sizeof(*names), cmp_str);
	for (i = 0; i < nr && !rc; i++) {
		if (asprintf(&path, "%s/%s", dir, names[i]) < 0) {
			rc = config_error(dir, 0, "out of memory");
			break;
		}
		rc = load_file(cfg, path, false, seen_defaults);
		free(path);
	}
out:
	for (i = 0; i < nr; i++)
		free(names[i]);
	free(names);
	closedir(dh);
	return rc;
}

/* two sections that would match the same device, known without devices */
static bool same_identity(const struct config_target *a,
			  const struct config_target *b)
{
	bool a_ns = a->kind == CONFIG_NAMESPACE || a->kind == CONFIG_DAXCTL;
	bool b_ns = b->kind == CONFIG_NAMESPACE || b->kind == CONFIG_DAXCTL;

	if (a_ns || b_ns)
		return a_ns && b_ns && !strcmp(a->uuid, b->uuid);
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case CONFIG_REGION:
		if (a->has_hpa && b->has_hpa)
			return a->hpa == b->hpa;
		return a->nr_serials && a->nr_serials == b->nr_serials &&
		       !memcmp(a->serials, b->serials,
			       a->nr_serials * sizeof(a->serials[0]));
	case CONFIG_DAX:
		return a->resource == b->resource;
	case CONFIG_DEVICE:
		return !strcmp(a->device, b->device);
	default:
		return false;
	}
}

static void merge_defaults(struct config_settings *s,
			   const struct config_settings *d)
{
	if (!(s->set & CONFIG_SET_MODE))
		s->mode = d->mode;
	if (!(s->set & CONFIG_SET_ZONE))
		s->zone = d->zone;
	if (!(s->set & CONFIG_SET_MEMMAP))
		s->memmap = d->memmap;
	if (!(s->set & CONFIG_SET_ONLINE))
		s->online = d->online;
	if (!(s->set & CONFIG_SET_ORDER))
		s->order = d->order;
	if (!(s->set & CONFIG_SET_TIMEOUT))
		s->timeout_s = d->timeout_s;
}

/* room for "s " and 16 serial numbers of up to 16 hex digits and a comma */
#define IDENTITY_KEY_MAX (CONFIG_MAX_SERIALS * 17 + 8)

/*
 * The strings under which two targets that same_identity() pairs meet: a
 * region is filed under its hpa and under its memdevs, so one lookup per
 * key finds every section it may clash with.
 */
static unsigned int identity_keys(const struct config_target *t,
				  char keys[2][IDENTITY_KEY_MAX])
{
	unsigned int n = 0, i;
	int len;

	switch (t->kind) {
	case CONFIG_NAMESPACE:
	case CONFIG_DAXCTL:
		snprintf(keys[n++], IDENTITY_KEY_MAX, "u %s", t->uuid);
		break;
	case CONFIG_REGION:
		if (t->has_hpa)
			snprintf(keys[n++], IDENTITY_KEY_MAX, "h %" PRIx64,
				 t->hpa);
		if (t->nr_serials) {
			len = snprintf(keys[n], IDENTITY_KEY_MAX, "s");
			for (i = 0; i < t->nr_serials; i++)
				len += snprintf(keys[n] + len,
						IDENTITY_KEY_MAX - (size_t)len,
						" %" PRIx64, t->serials[i]);
			n++;
		}
		break;
	case CONFIG_DAX:
		snprintf(keys[n++], IDENTITY_KEY_MAX, "r %" PRIx64,
			 t->resource);
		break;
	case CONFIG_DEVICE:
		snprintf(keys[n++], IDENTITY_KEY_MAX, "d %s", t->device);
		break;
	}
	return n;
}

/* a section name or an identity that an earlier section has already */
static int check_unique(struct config *cfg, unsigned int i,
			struct strmap *sections, struct strmap *ids)
{
	const struct config_target *t = &cfg->targets[i], *o;
	char keys[2][IDENTITY_KEY_MAX];
	unsigned int n, k, j;
	size_t pos;

	if (strmap_get(sections, t->section, &j)) {
		o = &cfg->targets[j];
		return config_error(t->file, t->line,
				    "duplicate section [%s] (first at %s:%u)",
				    t->section, o->file, o->line);
	}
	n = identity_keys(t, keys);
	for (k = 0; k < n; k++) {
		for (pos = 0; strmap_next(ids, keys[k], &pos, &j);) {
			o = &cfg->targets[j];
			if (same_identity(t, o))
				return config_error(
					t->file, t->line,
					"[%s] matches the same device as [%s] (%s:%u)",
					t->section, o->section, o->file,
					o->line);
		}
	}
	if (strmap_add(sections, t->section, i))
		return config_error(t->file, t->line, "out of memory");
	for (k = 0; k < n; k++)
		if (strmap_add(ids, keys[k], i))
			return config_error(t->file, t->line, "out of memory");
	return 0;
}

/* duplicates across all files, in linear time; then [defaults] merged */
static int finish(struct config *cfg)
{
	struct strmap sections = { 0 }, ids = { 0 };
	unsigned int i;
	int rc = 0;

	for (i = 0; i < cfg->nr_targets && !rc; i++) {
		rc = check_unique(cfg, i, &sections, &ids);
		merge_defaults(&cfg->targets[i].settings, &cfg->defaults);
	}
	strmap_release(&sections);
	strmap_release(&ids);
	return rc;
}

int config_load(struct config *cfg, const char *path, const char *sysconfdir)
{
	bool seen_defaults = false;
	char *file = NULL, *dir = NULL;
	struct stat st;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	config_settings_init(&cfg->defaults);
	cfg->warnings = json_object_new_array();
	if (!path) {
		path = secure_getenv("MEMPLUG_CONFIG");
		if (path && !*path)
			return config_error("$MEMPLUG_CONFIG", 0, "is empty");
	}
	if (path) {
		cfg->explicit_path = true;
		cfg->path = path;
		if (stat(path, &st) < 0)
			return config_error(path, 0, "%s", strerror(errno));
		if (S_ISDIR(st.st_mode))
			rc = load_dir(cfg, path, false, &seen_defaults);
		else
			rc = load_file(cfg, path, false, &seen_defaults);
	} else {
		cfg->path = sysconfdir;
		if (asprintf(&file, "%s/memplug.conf", sysconfdir) < 0 ||
		    asprintf(&dir, "%s/memplug.conf.d", sysconfdir) < 0)
			return config_error(sysconfdir, 0, "out of memory");
		rc = load_file(cfg, file, true, &seen_defaults);
		if (!rc)
			rc = load_dir(cfg, dir, true, &seen_defaults);
		free(file);
		free(dir);
	}
	if (!rc)
		rc = finish(cfg);
	if (!rc) {
		size_t i, n = json_object_array_length(cfg->warnings);

		for (i = 0; i < n; i++)
			text_line(stderr, "memplug: warning: %s",
				  json_object_get_string(
					  json_object_array_get_idx(
						  cfg->warnings, i)));
	}
	return rc;
}

void config_release(struct config *cfg)
{
	unsigned int i;

	for (i = 0; i < cfg->nr_targets; i++) {
		free(cfg->targets[i].section);
		free(cfg->targets[i].device);
	}
	free(cfg->targets);
	for (i = 0; i < cfg->nr_files; i++)
		free(cfg->files[i]);
	free(cfg->files);
	json_object_put(cfg->warnings);
	memset(cfg, 0, sizeof(*cfg));
}

void config_identity(const struct config_target *t, char *buf, size_t len)
{
	int n = 0;
	unsigned int i;

	switch (t->kind) {
	case CONFIG_NAMESPACE:
	case CONFIG_DAXCTL:
		snprintf(buf, len, "uuid %s", t->uuid);
		break;
	case CONFIG_REGION:
		buf[0] = '\0';
		if (t->has_hpa)
			n = snprintf(buf, len, "hpa %#" PRIx64, t->hpa);
		for (i = 0; i < t->nr_serials && n >= 0 && (size_t)n < len; i++)
			n += snprintf(buf + n, len - (size_t)n, "%s%#" PRIx64,
				      i ? "," : (n ? " memdevs " : "memdevs "),
				      t->serials[i]);
		break;
	case CONFIG_DAX:
		snprintf(buf, len, "resource %#" PRIx64, t->resource);
		break;
	case CONFIG_DEVICE:
		snprintf(buf, len, "device %s", t->device);
		break;
	}
}

static struct json_object *hex(uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%#" PRIx64, v);
	return json_object_new_string(buf);
}

static void settings_to_json(struct json_object *o,
			     const struct config_settings *s)
{
	json_object_object_add(
		o, "mode", json_object_new_string(memplug_mode_name(s->mode)));
	json_object_object_add(
		o, "zone", json_object_new_string(config_zone_name(s->zone)));
	json_object_object_add(
		o, "memmap_on_memory",
		json_object_new_string(config_memmap_name(s->memmap)));
	json_object_object_add(o, "online", json_object_new_boolean(s->online));
	json_object_object_add(
		o, "order",
		json_object_new_string(memplug_order_name(s->order)));
	json_object_object_add(o, "timeout",
			       json_object_new_int64(s->timeout_s));
}

struct json_object *config_to_json(const struct config *cfg)
{
	struct json_object *root = json_command_root();
	struct json_object *files = json_object_new_array();
	struct json_object *targets = json_object_new_array();
	struct json_object *defaults = json_object_new_object();
	unsigned int i, j;

	json_object_object_add(root, "path",
			       json_object_new_string(cfg->path ? cfg->path :
								  ""));
	for (i = 0; i < cfg->nr_files; i++)
		json_object_array_add(files,
				      json_object_new_string(cfg->files[i]));
	json_object_object_add(root, "files", files);
	settings_to_json(defaults, &cfg->defaults);
	json_object_object_add(root, "defaults", defaults);
	for (i = 0; i < cfg->nr_targets; i++) {
		const struct config_target *t = &cfg->targets[i];
		struct json_object *o = json_object_new_object();
		struct json_object *match = json_object_new_object();

		json_object_object_add(o, "section",
				       json_object_new_string(t->section));
		json_object_object_add(o, "file",
				       json_object_new_string(t->file));
		json_object_object_add(o, "line",
				       json_object_new_int64(t->line));
		json_object_object_add(
			o, "kind",
			json_object_new_string(config_kind_name(t->kind)));
		switch (t->kind) {
		case CONFIG_NAMESPACE:
		case CONFIG_DAXCTL:
			json_object_object_add(match, "uuid",
					       json_object_new_string(t->uuid));
			break;
		case CONFIG_REGION:
			if (t->has_hpa)
				json_object_object_add(match, "hpa",
						       hex(t->hpa));
			if (t->nr_serials) {
				struct json_object *a = json_object_new_array();

				for (j = 0; j < t->nr_serials; j++)
					json_object_array_add(
						a, hex(t->serials[j]));
				json_object_object_add(match, "memdevs", a);
			}
			break;
		case CONFIG_DAX:
			json_object_object_add(match, "resource",
					       hex(t->resource));
			break;
		case CONFIG_DEVICE:
			json_object_object_add(
				match, "device",
				json_object_new_string(t->device));
			break;
		}
		json_object_object_add(match, "target_node",
				       json_int_or_null(t->target_node,
							t->target_node >= 0));
		json_object_object_add(o, "match", match);
		settings_to_json(o, &t->settings);
		json_object_array_add(targets, o);
	}
	json_object_object_add(root, "targets", targets);
	json_object_object_add(root, "warnings",
			       json_object_get(cfg->warnings));
	return root;
}

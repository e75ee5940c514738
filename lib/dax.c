// SPDX-License-Identifier: LGPL-2.1
/*
 * Dax device mode changes.  On the live kernel libdaxctl binds and unbinds
 * (and libkmod loads the drivers first); on any other sysfs root the same
 * driver files are written directly, which is what tests model.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "private.h"
#include "lazy.h"

static void load_module(struct memplug_ctx *ctx, const char *name)
{
	const struct lazy_kmod *km = lazy_kmod(ctx);
	struct kmod_module *mod = NULL;
	struct kmod_ctx *kctx;
	int rc;

	/* libdaxctl loads the driver too: a failure here is not fatal */
	if (!km) {
		dbg(ctx, "load module %s: %s\n", name, memplug_get_error(ctx));
		clear_error(ctx);
		return;
	}
	kctx = km->kmod_new(NULL, NULL);
	if (!kctx)
		return;
	rc = km->kmod_module_new_from_name(kctx, name, &mod);
	if (!rc)
		rc = km->kmod_module_probe_insert_module(mod, 0, NULL, NULL,
							 NULL, NULL);
	if (rc)
		dbg(ctx, "load module %s: %s\n", name, strerror(-rc));
	km->kmod_module_unref(mod);
	km->kmod_unref(kctx);
}

static int tree_write(struct memplug_source *src, const char *fmt,
		      const char *driver)
{
	char *path = root_path(src->ctx, fmt, driver);
	int rc;

	if (!path)
		return -ENOMEM;
	rc = write_text(src->ctx, path, src->name);
	free(path);
	return rc;
}

/* the tree's stand-in for the driver core: unbind, new_id, bind */
static int tree_bind(struct memplug_source *src, const char *driver)
{
	char *link =
		root_path(src->ctx, SYSFS_DAX "/devices/%s/driver", src->name);
	char *cur = link ? link_basename(src->ctx, link) : NULL;
	int rc = 0;

	free(link);
	if (cur)
		rc = tree_write(src, SYSFS_DAX "/drivers/%s/unbind", cur);
	free(cur);
	if (!rc && driver)
		rc = tree_write(src, SYSFS_DAX "/drivers/%s/new_id", driver);
	if (!rc && driver)
		rc = tree_write(src, SYSFS_DAX "/drivers/%s/bind", driver);
	return rc;
}

static struct daxctl_dev *find_dev(const struct lazy_daxctl *dx,
				   struct daxctl_ctx *dctx, const char *name)
{
	struct daxctl_region *region;
	struct daxctl_dev *dev;

	for (region = dx->daxctl_region_get_first(dctx); region;
	     region = dx->daxctl_region_get_next(region))
		for (dev = dx->daxctl_dev_get_first(region); dev;
		     dev = dx->daxctl_dev_get_next(dev))
			if (!strcmp(dx->daxctl_dev_get_devname(dev), name))
				return dev;
	return NULL;
}

enum dax_op { DAX_RAM, DAX_DEVDAX, DAX_DISABLE };

static int live_op(struct memplug_source *src, enum dax_op op)
{
	struct memplug_ctx *ctx = src->ctx;
	const struct lazy_daxctl *dx = lazy_daxctl(ctx);
	struct daxctl_ctx *dctx;
	struct daxctl_dev *dev;
	int rc;

	if (!dx)
		return -ELIBACC;
	if (op == DAX_RAM)
		load_module(ctx, "kmem");
	else if (op == DAX_DEVDAX)
		load_module(ctx, "device_dax");
	rc = dx->daxctl_new(&dctx);
	if (rc)
		return set_error(ctx, -rc, "libdaxctl");
	dev = find_dev(dx, dctx, src->name);
	if (!dev) {
		rc = set_error(ctx, ENODEV, "%s", src->name);
		goto out;
	}
	if (op == DAX_DISABLE || dx->daxctl_dev_is_enabled(dev)) {
		rc = dx->daxctl_dev_disable(dev);
		if (rc) {
			rc = set_error(ctx, -rc, "%s: disable", src->name);
			goto out;
		}
	}
	if (op == DAX_RAM)
		rc = dx->daxctl_dev_enable_ram(dev);
	else if (op == DAX_DEVDAX)
		rc = dx->daxctl_dev_enable_devdax(dev);
	if (rc)
		rc = set_error(ctx, -rc, "%s: bind to %s", src->name,
			       op == DAX_RAM ? "kmem" : "device_dax");
out:
	dx->daxctl_unref(dctx);
	return rc;
}

static bool any_online(struct memplug_source *src)
{
	unsigned long i;

	for (i = 0; i < src->nr_blocks; i++) {
		block_refresh(src->blocks[i]); /* sets no error */
		if (src->blocks[i]->state != MEMPLUG_BLOCK_OFFLINE)
			return true;
	}
	return false;
}

/*
 * The dax devices memplug unplugged this boot (daxX.Y/state), one name a
 * line in run/memplug/unplugged: monitoring tells a device unplugged on
 * purpose from one whose memory went missing.
 */
#define RECORD_UNPLUGGED "unplugged"

static bool record_has(const char *text, const char *name)
{
	size_t len = strlen(name);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, name, len) && (p[len] == '\n' || !p[len]))
			return true;
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return false;
}

static void record_unplugged(struct memplug_source *src, bool unplugged)
{
	char *old = run_read(src->ctx, RECORD_UNPLUGGED), *text, *line, *save;
	size_t len = (old ? strlen(old) : 0) + strlen(src->name) + 3, used = 0;

	if (!old && !unplugged)
		return;
	text = calloc(1, len);
	for (line = old && text ? strtok_r(old, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save))
		if (strcmp(line, src->name))
			used += (size_t)snprintf(text + used, len - used,
						 "%s\n", line);
	if (text && unplugged)
		snprintf(text + used, len - used, "%s\n", src->name);
	if (!text || run_write(src->ctx, RECORD_UNPLUGGED, text, 0644, true))
		dbg(src->ctx, "%s: cannot record the unplug\n", src->name);
	free(text);
	free(old);
}

MEMPLUG_EXPORT bool memplug_dax_unplugged_by_memplug(struct memplug_source *src)
{
	char *text = run_read(src->ctx, RECORD_UNPLUGGED);
	bool found = text && record_has(text, src->name);

	free(text);
	return found;
}

static int dax_op(struct memplug_source *src, enum dax_op op)
{
	static const char *const drivers[] = { "kmem", "device_dax", NULL };
	static const char *const ops[] = { "bind to kmem", "bind to device_dax",
					   "unbind" };
	int rc;

	clear_error(src->ctx);
	if (src->type != MEMPLUG_SOURCE_DAX)
		return set_error(src->ctx, EINVAL, "%s is not a dax device",
				 src->name);
	/* unbinding kmem with online memory leaks the range until reboot */
	if (src->mode == MEMPLUG_MODE_SYSTEM_RAM && op != DAX_RAM &&
	    any_online(src))
		return set_error(src->ctx, EBUSY,
				 "%s: memory blocks still online", src->name);
	record_unplugged(src, false); /* a bind puts the memory back */
	if (memplug_is_live(src->ctx))
		rc = live_op(src, op);
	else
		rc = tree_bind(src, drivers[op]);
	return fail(src->ctx, rc, "%s: %s", src->name, ops[op]);
}

MEMPLUG_EXPORT int memplug_dax_enable_ram(struct memplug_source *src)
{
	return dax_op(src, DAX_RAM);
}

MEMPLUG_EXPORT int memplug_dax_enable_devdax(struct memplug_source *src)
{
	return dax_op(src, DAX_DEVDAX);
}

MEMPLUG_EXPORT int memplug_dax_disable(struct memplug_source *src)
{
	return dax_op(src, DAX_DISABLE);
}

MEMPLUG_EXPORT int memplug_dax_set_memmap_knob(struct memplug_source *src,
					       bool on)
{
	struct memplug_ctx *ctx = src->ctx;
	char *path = root_path(ctx, SYSFS_DAX "/devices/%s/memmap_on_memory",
			       src->name);
	int rc;

	clear_error(ctx);
	if (!path)
		return fail(ctx, -ENOMEM, "%s: memmap_on_memory", src->name);
	rc = write_text(ctx, path, on ? "1" : "0");
	if (rc)
		rc = set_error(ctx, -rc, "%s: write %s", src->name, path);
	else
		src->memmap_knob = on ? MEMPLUG_YES : MEMPLUG_NO;
	free(path);
	return rc;
}

MEMPLUG_EXPORT int memplug_dax_set_state(struct memplug_source *src,
					 enum memplug_dax_state state)
{
	struct memplug_ctx *ctx = src->ctx;
	const char *word = memplug_dax_state_name(state);
	char *path;
	int rc;

	clear_error(ctx);
	if (!word || state == MEMPLUG_DAX_STATE_OFFLINE)
		return set_error(ctx, EINVAL, "%s: state %s cannot be written",
				 src->name, word ? word : "unknown");
	if (src->type != MEMPLUG_SOURCE_DAX ||
	    src->dax_state == MEMPLUG_DAX_STATE_NONE)
		return set_error(
			ctx, EOPNOTSUPP,
			"%s: the kernel has no dax state file (Linux 7.3+, kmem bound)",
			src->name);
	path = root_path(ctx, SYSFS_DAX "/devices/%s/state", src->name);
	if (!path)
		return fail(ctx, -ENOMEM, "%s: state", src->name);
	rc = write_text(ctx, path, word);
	if (rc) {
		rc = set_error(ctx, -rc, "%s: write %s to %s", src->name, word,
			       path);
	} else {
		src->dax_state = state;
		record_unplugged(src, state == MEMPLUG_DAX_STATE_UNPLUGGED);
	}
	free(path);
	return rc;
}

/* /proc/PID/fd/N -> /dev/daxX.Y, or a mapping of it in /proc/PID/maps */
static bool pid_uses(struct memplug_ctx *ctx, const char *pid,
		     const char *devpath)
{
	char *path = root_path(ctx, "proc/%s/fd", pid), line[512];
	size_t dlen = strlen(devpath);
	bool found = false;
	struct dirent *de;
	DIR *dir;
	FILE *f;
	int fd;

	dir = path ? root_opendir(ctx, path) : NULL;
	while (dir && !found && (de = readdir(dir))) {
		char target[256];
		ssize_t len;

		if (de->d_name[0] == '.')
			continue;
		len = readlinkat(dirfd(dir), de->d_name, target,
				 sizeof(target) - 1);
		if (len > 0) {
			target[len] = '\0';
			found = !strcmp(target, devpath);
		}
	}
	if (dir)
		closedir(dir);
	free(path);
	path = root_path(ctx, "proc/%s/maps", pid);
	fd = !found && path ? root_open_read(ctx, AT_FDCWD, path) : -1;
	f = fd >= 0 ? fdopen(fd, "r") : NULL;
	if (!f && fd >= 0)
		close(fd);
	while (f && !found && fgets(line, sizeof(line), f)) {
		char *p = strstr(line, devpath);

		found = p && (p[dlen] == '\n' || p[dlen] == ' ' || !p[dlen]);
	}
	if (f)
		fclose(f);
	free(path);
	return found;
}

MEMPLUG_EXPORT int memplug_dax_user(struct memplug_source *src)
{
	struct memplug_ctx *ctx = src->ctx;
	char *path = root_path(ctx, "proc"), devpath[64];
	struct dirent *de;
	int pid = 0;
	DIR *dir;

	snprintf(devpath, sizeof(devpath), "/dev/%s", src->name);
	dir = path ? root_opendir(ctx, path) : NULL;
	free(path);
	if (!dir)
		return -1;
	while (!pid && (de = readdir(dir))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		if (atoi(de->d_name) != getpid() &&
		    pid_uses(ctx, de->d_name, devpath))
			pid = atoi(de->d_name);
	}
	closedir(dir);
	return pid;
}

/*
 * The path that parallel deferred onlining speeds up: the kernel onlines
 * the whole range inside one add_memory call when auto_online_blocks says
 * so.  Against SIGKILL (OOM killer, a stop timeout) the original value is
 * journaled durably first, and the next memplug that takes the lock
 * restores it (memplug_lock); other signals are the caller's to hold.
 */
MEMPLUG_EXPORT int memplug_dax_enable_ram_online(struct memplug_source *src,
						 enum memplug_online_type type)
{
	struct memplug_ctx *ctx = src->ctx;
	char *path = root_path(ctx, SYSFS_MEMORY "/auto_online_blocks");
	char *saved;
	bool restored = false;
	int rc;

	clear_error(ctx);
	saved = journal_aob_pending(ctx);
	/* a leftover journal holds the true original, not what reads now */
	if (!saved && path)
		saved = read_text(ctx, path);
	if (!saved) {
		rc = set_error(ctx, errno, "cannot read %s", path ? path : "");
		free(path);
		return rc;
	}
	rc = journal_aob_save(ctx, saved);
	if (rc) {
		free(saved);
		free(path);
		return fail(ctx, rc, "journal auto_online_blocks");
	}
	rc = write_text(ctx, path, memplug_online_type_name(type));
	if (rc) {
		rc = set_error(ctx, -rc, "write %s", path);
		restored = true; /* unchanged */
	} else {
		rc = dax_op(src, DAX_RAM);
		restored = !write_text(ctx, path, saved);
		if (!restored)
			err(ctx, "could not restore %s to %s\n", path, saved);
	}
	/* the journal goes only once the original is back */
	if (restored)
		journal_aob_clear(ctx);
	free(saved);
	free(path);
	return rc;
}

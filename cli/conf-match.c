// SPDX-License-Identifier: GPL-2.0
/* Resolve memplug.conf sections to the dax devices present now. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "conf-file.h"
#include "conf-match.h"
#include "memplug.h"
#include "text.h"

void conf_where(const struct config_target *t, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%u", t->file, t->line);
}

static struct memplug_namespace *find_namespace(struct memplug_ctx *ctx,
						const char *name)
{
	struct memplug_namespace *ns;

	if (!name)
		return NULL;
	memplug_namespace_foreach(ctx, ns)
		if (!strcmp(memplug_namespace_get_name(ns), name))
			return ns;
	return NULL;
}

static struct memplug_region *find_region(struct memplug_ctx *ctx,
					  const char *name)
{
	struct memplug_region *region;

	if (!name)
		return NULL;
	memplug_region_foreach(ctx, region)
		if (!strcmp(memplug_region_get_name(region), name))
			return region;
	return NULL;
}

static bool same_uuid(const char *a, const char *b)
{
	return a && b && !strcasecmp(a, b);
}

/* the label's uuid, or the devdax info block's (what ndctl list prints) */
static bool namespace_has_uuid(struct memplug_namespace *ns, const char *uuid)
{
	return same_uuid(memplug_namespace_get_uuid(ns), uuid) ||
	       same_uuid(memplug_namespace_get_dax_uuid(ns), uuid);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static bool region_matches(struct memplug_region *region,
			   const struct config_target *t)
{
	uint64_t serials[CONFIG_MAX_SERIALS], hpa;
	unsigned int n, i;

	if (t->has_hpa &&
	    (!memplug_region_get_resource(region, &hpa) || hpa != t->hpa))
		return false;
	if (!t->nr_serials)
		return true;
	n = memplug_region_get_nr_memdevs(region);
	if (n != t->nr_serials)
		return false;
	for (i = 0; i < n; i++)
		if (!memplug_region_get_memdev_serial(region, i, &serials[i]))
			return false;
	qsort(serials, n, sizeof(serials[0]), cmp_u64);
	return !memcmp(serials, t->serials, n * sizeof(serials[0]));
}

/* does section @t name dax device @src? */
static bool source_matches(struct memplug_ctx *ctx,
			   const struct config_target *t,
			   struct memplug_source *src)
{
	const char *ns_name = memplug_source_get_namespace(src);
	const char *region_name = memplug_source_get_region(src);
	struct memplug_namespace *ns;
	struct memplug_region *region;

	switch (t->kind) {
	case CONFIG_NAMESPACE:
	case CONFIG_DAXCTL:
		ns = find_namespace(ctx, ns_name);
		return ns && namespace_has_uuid(ns, t->uuid);
	case CONFIG_REGION:
		region = find_region(ctx, region_name);
		return region && region_matches(region, t);
	case CONFIG_DAX:
		return memplug_source_has_range(src) &&
		       memplug_source_get_start(src) == t->resource;
	case CONFIG_DEVICE:
		return !strcmp(memplug_source_get_name(src), t->device) ||
		       (ns_name && !strcmp(ns_name, t->device)) ||
		       (region_name && !strcmp(region_name, t->device));
	}
	return false;
}

/* a namespace with the section's uuid that has no dax device (fsdax...) */
static struct memplug_namespace *
namespace_not_devdax(struct memplug_ctx *ctx, const struct config_target *t)
{
	struct memplug_namespace *ns;

	if (t->kind != CONFIG_NAMESPACE && t->kind != CONFIG_DAXCTL &&
	    !(t->kind == CONFIG_DEVICE && !strncmp(t->device, "namespace", 9)))
		return NULL;
	memplug_namespace_foreach(ctx, ns) {
		bool named = t->kind == CONFIG_DEVICE ?
				     !strcmp(memplug_namespace_get_name(ns),
					     t->device) :
				     namespace_has_uuid(ns, t->uuid);

		if (named && !memplug_namespace_get_dax(ns))
			return ns;
	}
	return NULL;
}

bool conf_match_holds(struct memplug_ctx *ctx, const struct config_target *t,
		      const char *device)
{
	struct memplug_source *src;
	unsigned int n = 0;
	bool named = false;

	memplug_source_foreach(ctx, src) {
		if (memplug_source_get_type(src) != MEMPLUG_SOURCE_DAX ||
		    !source_matches(ctx, t, src))
			continue;
		n++;
		named |= !strcmp(memplug_source_get_name(src), device);
	}
	return n == 1 && named;
}

static void note(struct json_object *notes, const struct config_target *t,
		 const char *what)
{
	char where[512], id[256], msg[1024];

	conf_where(t, where, sizeof(where));
	config_identity(t, id, sizeof(id));
	snprintf(msg, sizeof(msg), "%s: [%s] (%s) %s", where, t->section, id,
		 what);
	text_line(stderr, "memplug: %s", msg);
	if (notes)
		json_object_array_add(notes, json_object_new_string(msg));
}

static int add_match(struct conf_match **out, unsigned int *nr,
		     const struct config_target *t, struct memplug_source *src,
		     const char *device)
{
	struct conf_match *m = reallocarray(*out, *nr + 1, sizeof(**out));

	if (!m)
		return cli_error(EXIT_ERROR, "out of memory");
	*out = m;
	m = &m[(*nr)++];
	memset(m, 0, sizeof(*m));
	m->target = t;
	m->source = src;
	snprintf(m->device, sizeof(m->device), "%s", device);
	return EXIT_OK;
}

int conf_match_all(struct memplug_ctx *ctx, const struct config *cfg,
		   struct conf_match **out, unsigned int *nr,
		   struct json_object *notes)
{
	unsigned int i, j;
	int rc;

	*out = NULL;
	*nr = 0;
	for (i = 0; i < cfg->nr_targets; i++) {
		const struct config_target *t = &cfg->targets[i];
		struct memplug_source *src, *found = NULL;
		struct memplug_namespace *ns;
		struct conf_match *m;
		int node;

		memplug_source_foreach(ctx, src) {
			if (memplug_source_get_type(src) !=
				    MEMPLUG_SOURCE_DAX ||
			    !source_matches(ctx, t, src))
				continue;
			if (found)
				return config_error(
					t->file, t->line,
					"[%s] matches two devices, %s and %s",
					t->section,
					memplug_source_get_name(found),
					memplug_source_get_name(src));
			found = src;
		}
		if (!found) {
			ns = namespace_not_devdax(ctx, t);
			if (!ns) {
				note(notes, t,
				     "matches no device present: skipped");
				continue;
			}
			rc = add_match(out, nr, t, NULL,
				       memplug_namespace_get_name(ns));
			if (rc)
				return rc;
			m = &(*out)[*nr - 1];
			snprintf(
				m->refused, sizeof(m->refused),
				"%s is in %s mode: memplug apply never converts a namespace (its data would be lost); make it devdax with ndctl create-namespace -f -e %s -m devdax",
				m->device, memplug_namespace_get_mode(ns),
				m->device);
			continue;
		}
		for (j = 0; j < *nr; j++) {
			const struct config_target *o = (*out)[j].target;

			if ((*out)[j].source != found)
				continue;
			return config_error(
				t->file, t->line,
				"[%s] and [%s] (%s:%u) match the same device %s",
				t->section, o->section, o->file, o->line,
				memplug_source_get_name(found));
		}
		rc = add_match(out, nr, t, found,
			       memplug_source_get_name(found));
		if (rc)
			return rc;
		node = memplug_source_get_target_node(found);
		if (t->target_node >= 0 && node != t->target_node)
			snprintf(
				(*out)[*nr - 1].refused,
				sizeof((*out)[*nr - 1].refused),
				"%s would become node %d, the section's target_node is %d",
				memplug_source_get_name(found), node,
				t->target_node);
	}
	return EXIT_OK;
}

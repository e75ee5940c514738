// SPDX-License-Identifier: LGPL-2.1
/*
 * raw/fsdax namespace -> devdax through libndctl, the way
 * `ndctl create-namespace -f -e NAME -m devdax` does it: disable (which
 * invalidates any old info block), claim with the region's dax seed, enable.
 */
#include <errno.h>
#include <string.h>
#include <uuid/uuid.h>
#include "private.h"
#include "lazy.h"

#define DEVDAX_ALIGN (2UL << 20)

static struct ndctl_namespace *find_ns(const struct lazy_ndctl *nd,
				       struct ndctl_ctx *nctx, const char *name)
{
	struct ndctl_namespace *ndns;
	struct ndctl_region *region;
	struct ndctl_bus *bus;

	for (bus = nd->ndctl_bus_get_first(nctx); bus;
	     bus = nd->ndctl_bus_get_next(bus))
		for (region = nd->ndctl_region_get_first(bus); region;
		     region = nd->ndctl_region_get_next(region))
			for (ndns = nd->ndctl_namespace_get_first(region); ndns;
			     ndns = nd->ndctl_namespace_get_next(ndns))
				if (!strcmp(nd->ndctl_namespace_get_devname(
						    ndns),
					    name))
					return ndns;
	return NULL;
}

static int to_devdax(struct memplug_namespace *ns)
{
	struct memplug_ctx *ctx = ns->ctx;
	const struct lazy_ndctl *nd;
	const char *name = ns->name;
	struct ndctl_namespace *ndns;
	struct ndctl_region *region;
	struct ndctl_ctx *nctx;
	struct ndctl_dax *dax;
	uuid_t uuid;
	int rc;

	if (!memplug_is_live(ctx))
		return set_error(
			ctx, EOPNOTSUPP,
			"%s: namespace conversion needs the live kernel (sysfs root /)",
			name);
	nd = lazy_ndctl(ctx);
	if (!nd)
		return -ELIBACC;
	rc = nd->ndctl_new(&nctx);
	if (rc)
		return set_error(ctx, -rc, "libndctl");
	ndns = find_ns(nd, nctx, name);
	if (!ndns) {
		rc = set_error(ctx, ENODEV, "no namespace %s", name);
		goto out;
	}
	if (nd->ndctl_namespace_get_dax(ndns)) {
		rc = 0; /* already devdax */
		goto out;
	}
	region = nd->ndctl_namespace_get_region(ndns);
	rc = nd->ndctl_namespace_disable_safe(ndns);
	if (rc) {
		rc = set_error(ctx, -rc, "%s: disable (mounted or in use?)",
			       name);
		goto out;
	}
	dax = nd->ndctl_region_get_dax_seed(region);
	if (!dax) {
		rc = set_error(ctx, ENXIO, "%s: region has no dax seed", name);
		goto out;
	}
	uuid_generate(uuid);
	nd->ndctl_dax_set_uuid(dax, uuid);
	nd->ndctl_dax_set_location(dax, NDCTL_PFN_LOC_PMEM);
	if (nd->ndctl_dax_has_align(dax))
		nd->ndctl_dax_set_align(dax, DEVDAX_ALIGN);
	rc = nd->ndctl_dax_set_namespace(dax, ndns);
	if (!rc)
		rc = nd->ndctl_dax_enable(dax);
	if (rc) {
		rc = set_error(ctx, -rc, "%s: enable as devdax", name);
		/* leave it usable as it was: a raw namespace again */
		nd->ndctl_dax_set_namespace(dax, NULL);
		nd->ndctl_namespace_enable(ndns);
	}
out:
	nd->ndctl_unref(nctx);
	return rc;
}

MEMPLUG_EXPORT int memplug_namespace_to_devdax(struct memplug_namespace *ns)
{
	clear_error(ns->ctx);
	return fail(ns->ctx, to_devdax(ns), "%s: to devdax", ns->name);
}

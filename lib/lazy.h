/* SPDX-License-Identifier: LGPL-2.1 */
/*
 * libdaxctl, libndctl and libkmod, opened on first use (lazy.c): the
 * functions memplug calls, each with the prototype of the library's own
 * header.  Only dax.c and namespace.c, which change devices on the live
 * kernel, include this.
 */
#ifndef MEMPLUG_LAZY_H
#define MEMPLUG_LAZY_H

#include <daxctl/libdaxctl.h>
#include <ndctl/libndctl.h>
#include <libkmod.h>

struct memplug_ctx;

/* each library's functions, once: X(name) makes both the struct's field
 * and lazy.c's lookup of it */
#define LAZY_DAXCTL(X)             \
	X(daxctl_new)              \
	X(daxctl_unref)            \
	X(daxctl_region_get_first) \
	X(daxctl_region_get_next)  \
	X(daxctl_dev_get_first)    \
	X(daxctl_dev_get_next)     \
	X(daxctl_dev_get_devname)  \
	X(daxctl_dev_is_enabled)   \
	X(daxctl_dev_disable)      \
	X(daxctl_dev_enable_ram)   \
	X(daxctl_dev_enable_devdax)

#define LAZY_NDCTL(X)                   \
	X(ndctl_new)                    \
	X(ndctl_unref)                  \
	X(ndctl_bus_get_first)          \
	X(ndctl_bus_get_next)           \
	X(ndctl_region_get_first)       \
	X(ndctl_region_get_next)        \
	X(ndctl_namespace_get_first)    \
	X(ndctl_namespace_get_next)     \
	X(ndctl_namespace_get_devname)  \
	X(ndctl_namespace_get_dax)      \
	X(ndctl_namespace_get_region)   \
	X(ndctl_namespace_disable_safe) \
	X(ndctl_namespace_enable)       \
	X(ndctl_region_get_dax_seed)    \
	X(ndctl_dax_set_uuid)           \
	X(ndctl_dax_set_location)       \
	X(ndctl_dax_has_align)          \
	X(ndctl_dax_set_align)          \
	X(ndctl_dax_set_namespace)      \
	X(ndctl_dax_enable)

#define LAZY_KMOD(X)                       \
	X(kmod_new)                        \
	X(kmod_unref)                      \
	X(kmod_module_new_from_name)       \
	X(kmod_module_probe_insert_module) \
	X(kmod_module_unref)

/* a pointer typed as the header declares the function */
#define LAZY_FIELD(name) __typeof__(&name) name;

struct lazy_daxctl {
	LAZY_DAXCTL(LAZY_FIELD)
};

struct lazy_ndctl {
	LAZY_NDCTL(LAZY_FIELD)
};

struct lazy_kmod {
	LAZY_KMOD(LAZY_FIELD)
};

/* the functions, loaded once per process; NULL + the error set on @ctx */
const struct lazy_daxctl *lazy_daxctl(struct memplug_ctx *ctx);
const struct lazy_ndctl *lazy_ndctl(struct memplug_ctx *ctx);
const struct lazy_kmod *lazy_kmod(struct memplug_ctx *ctx);

#endif

// SPDX-License-Identifier: LGPL-2.1
/*
 * libdaxctl, libndctl and libkmod are needed only to change a device on
 * the live kernel, yet linking them loads them and libcrypto, libzstd,
 * liblzma and libudev behind them into every process: about 4 ms of every
 * command (list, the completion's target list, the exporter every minute).
 * They are opened with dlopen() by their sonames the first time a change
 * needs one, and each function is looked up once into a struct of
 * pointers typed by the library's own header (lazy.h).  Each soname is
 * also declared in an ELF .note.dlopen (elf-note.h), so that packaging
 * sees the dependencies that DT_NEEDED no longer shows.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "private.h"
#include "lazy.h"
#include "elf-note.h"

/* one function to look up: its name and its field in the library's struct */
struct lazy_sym {
	const char *name;
	size_t offset;
};

/*
 * dlsym() returns the function's address as a void *; POSIX requires that
 * it converts to the function's pointer type, which here has the same
 * size, so its bytes are copied into the field the table names.
 */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)),
	       "a function pointer is not the size of dlsym()'s void *");

/* the field of @fn in @type holds the header's type of &fn */
#define LAZY_CHECK(type, fn)                                                  \
	_Static_assert(__builtin_types_compatible_p(                          \
			       __typeof__(((type *)0)->fn), __typeof__(&fn)), \
		       #fn ": the field is not typed as the header declares");
#define LAZY_SYM(type, fn) { #fn, offsetof(type, fn) },

#define DAXCTL_CHECK(fn) LAZY_CHECK(struct lazy_daxctl, fn)
#define NDCTL_CHECK(fn) LAZY_CHECK(struct lazy_ndctl, fn)
#define KMOD_CHECK(fn) LAZY_CHECK(struct lazy_kmod, fn)
LAZY_DAXCTL(DAXCTL_CHECK)
LAZY_NDCTL(NDCTL_CHECK)
LAZY_KMOD(KMOD_CHECK)

#define DAXCTL_SYM(fn) LAZY_SYM(struct lazy_daxctl, fn)
#define NDCTL_SYM(fn) LAZY_SYM(struct lazy_ndctl, fn)
#define KMOD_SYM(fn) LAZY_SYM(struct lazy_kmod, fn)
static const struct lazy_sym daxctl_syms[] = { LAZY_DAXCTL(DAXCTL_SYM) };
static const struct lazy_sym ndctl_syms[] = { LAZY_NDCTL(NDCTL_SYM) };
static const struct lazy_sym kmod_syms[] = { LAZY_KMOD(KMOD_SYM) };

struct lazy_lib {
	const char *soname;
	const struct lazy_sym *syms;
	size_t nr_syms;
	void *fns; /* the library's struct, filled by dlsym_many() */
	size_t size; /* of that struct */
	pthread_once_t once;
	bool ok;
	char why[256]; /* why it could not be loaded */
};

/*
 * LAZY_LIB - a library: the soname that dlopen() opens is the one its
 * .note.dlopen declares, written once.
 */
#define LAZY_LIB(var, name, description, priority, so, table, fields) \
	ELF_NOTE_DLOPEN(var##_note, name, description, priority, so); \
	static struct lazy_lib var = {                                \
		.soname = so,                                         \
		.syms = table,                                        \
		.nr_syms = sizeof(table) / sizeof(table[0]),          \
		.fns = &fields,                                       \
		.size = sizeof(fields),                               \
		.once = PTHREAD_ONCE_INIT,                            \
	}

static struct lazy_daxctl daxctl_fns;
static struct lazy_ndctl ndctl_fns;
static struct lazy_kmod kmod_fns;

LAZY_LIB(daxctl_lib, "daxctl",
	 "Bind dax devices to kmem or device_dax on the live kernel",
	 ELF_NOTE_DLOPEN_RECOMMENDED, "libdaxctl.so.1", daxctl_syms,
	 daxctl_fns);
LAZY_LIB(ndctl_lib, "ndctl",
	 "Convert nvdimm namespaces to devdax on the live kernel",
	 ELF_NOTE_DLOPEN_SUGGESTED, "libndctl.so.6", ndctl_syms, ndctl_fns);
LAZY_LIB(kmod_lib, "kmod",
	 "Load the kmem and device_dax modules before a dax bind",
	 ELF_NOTE_DLOPEN_SUGGESTED, "libkmod.so.2", kmod_syms, kmod_fns);

/* every function of @lib from @handle into its struct; false and why */
static bool dlsym_many(struct lazy_lib *lib, void *handle)
{
	size_t i;

	for (i = 0; i < lib->nr_syms; i++) {
		void *sym = dlsym(handle, lib->syms[i].name);

		if (!sym) {
			snprintf(lib->why, sizeof(lib->why), "%s: no %s",
				 lib->soname, lib->syms[i].name);
			return false;
		}
		memcpy((char *)lib->fns + lib->syms[i].offset, &sym,
		       sizeof(sym));
	}
	return true;
}

static void load(struct lazy_lib *lib)
{
	void *handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	const char *err;

	if (!handle) {
		err = dlerror();
		snprintf(lib->why, sizeof(lib->why), "%s",
			 err ? err : "cannot be loaded");
		return;
	}
	if (!dlsym_many(lib, handle)) {
		memset(lib->fns, 0, lib->size);
		dlclose(handle);
		return;
	}
	lib->ok = true; /* never closed: the functions stay valid */
}

static void load_daxctl(void)
{
	load(&daxctl_lib);
}

static void load_ndctl(void)
{
	load(&ndctl_lib);
}

static void load_kmod(void)
{
	load(&kmod_lib);
}

static bool get(struct memplug_ctx *ctx, struct lazy_lib *lib, void (*fn)(void))
{
	pthread_once(&lib->once, fn);
	if (lib->ok)
		return true;
	set_error(ctx, ELIBACC, "%s", lib->why);
	return false;
}

const struct lazy_daxctl *lazy_daxctl(struct memplug_ctx *ctx)
{
	return get(ctx, &daxctl_lib, load_daxctl) ? &daxctl_fns : NULL;
}

const struct lazy_ndctl *lazy_ndctl(struct memplug_ctx *ctx)
{
	return get(ctx, &ndctl_lib, load_ndctl) ? &ndctl_fns : NULL;
}

const struct lazy_kmod *lazy_kmod(struct memplug_ctx *ctx)
{
	return get(ctx, &kmod_lib, load_kmod) ? &kmod_fns : NULL;
}

// SPDX-License-Identifier: LGPL-2.1
/*
 * libdaxctl, libndctl and libkmod are needed only to change a device on
 * the live kernel, yet linking them loads them and libcrypto, libzstd,
 * liblzma and libudev behind them into every process: about 4 ms of every
 * command (list, the completion's target list, the exporter every minute).
 * They are opened with dlopen() by their sonames the first time a change
 * needs one, and each function is looked up once.  The prototypes come
 * from the libraries' own headers (lazy.h).
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include "private.h"
#include "lazy.h"

struct lazy_lib {
	const char *soname;
	const char *const *names; /* in the order of the struct's fields */
	void **fns;
	size_t nr;
	pthread_once_t once;
	bool ok;
	char why[256]; /* why it could not be loaded */
};

#define LAZY_NAME(name) #name,

/* in the order of the structs' fields: lazy.h's lists make both */
static const char *const daxctl_names[] = { LAZY_DAXCTL(LAZY_NAME) };
static const char *const ndctl_names[] = { LAZY_NDCTL(LAZY_NAME) };
static const char *const kmod_names[] = { LAZY_KMOD(LAZY_NAME) };

static struct lazy_daxctl daxctl_fns;
static struct lazy_ndctl ndctl_fns;
static struct lazy_kmod kmod_fns;

#define LIB(so, names, fns)                                                 \
	{                                                                   \
		so, names, (void **)&fns, sizeof(names) / sizeof(names[0]), \
			PTHREAD_ONCE_INIT, false, ""                        \
	}

static struct lazy_lib libs[] = {
	LIB("libdaxctl.so.1", daxctl_names, daxctl_fns),
	LIB("libndctl.so.6", ndctl_names, ndctl_fns),
	LIB("libkmod.so.2", kmod_names, kmod_fns),
};

static void load(struct lazy_lib *lib)
{
	void *handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	const char *err;
	size_t i;

	if (!handle) {
		err = dlerror();
		snprintf(lib->why, sizeof(lib->why), "%s",
			 err ? err : "cannot be loaded");
		return;
	}
	for (i = 0; i < lib->nr; i++) {
		/* POSIX: a function pointer goes through dlsym's void * */
		lib->fns[i] = dlsym(handle, lib->names[i]);
		if (!lib->fns[i]) {
			snprintf(lib->why, sizeof(lib->why), "%s: no %s",
				 lib->soname, lib->names[i]);
			dlclose(handle);
			return;
		}
	}
	lib->ok = true; /* never closed: the functions stay valid */
}

static void load_daxctl(void)
{
	load(&libs[0]);
}

static void load_ndctl(void)
{
	load(&libs[1]);
}

static void load_kmod(void)
{
	load(&libs[2]);
}

static void *get(struct memplug_ctx *ctx, struct lazy_lib *lib,
		 void (*fn)(void))
{
	pthread_once(&lib->once, fn);
	if (lib->ok)
		return lib->fns;
	set_error(ctx, ELIBACC, "%s", lib->why);
	return NULL;
}

const struct lazy_daxctl *lazy_daxctl(struct memplug_ctx *ctx)
{
	return get(ctx, &libs[0], load_daxctl);
}

const struct lazy_ndctl *lazy_ndctl(struct memplug_ctx *ctx)
{
	return get(ctx, &libs[1], load_ndctl);
}

const struct lazy_kmod *lazy_kmod(struct memplug_ctx *ctx)
{
	return get(ctx, &libs[2], load_kmod);
}

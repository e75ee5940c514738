// SPDX-License-Identifier: GPL-2.0
/*
 * lib/lazy.c's typed symbol tables: after the first use each field of a
 * library's struct holds the address dlsym() gives for the function of
 * the field's name, so no table entry fills another function's field.
 * Opens libdaxctl, libndctl and libkmod; calls none of their functions.
 */
#include <dlfcn.h>
#include <stdio.h>
#include "private.h"
#include "lazy.h"

static struct memplug_ctx ctx;
static int failed, checked;

static void check(const char *soname, const char *name, void *field)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_NOLOAD);
	void *sym = h ? dlsym(h, name) : NULL;

	checked++;
	if (!sym || field != sym) {
		printf("FAIL: %s: %s is %p, dlsym says %p\n", soname, name,
		       field, sym);
		failed++;
	}
	if (h)
		dlclose(h);
}

int main(void)
{
	const struct lazy_daxctl *dx = lazy_daxctl(&ctx);
	const struct lazy_ndctl *nd = lazy_ndctl(&ctx);
	const struct lazy_kmod *km = lazy_kmod(&ctx);

	if (!dx || !nd || !km) {
		printf("FAIL: a library did not load: %s\n", ctx.log.error);
		return 1;
	}
	if (lazy_daxctl(&ctx) != dx) {
		printf("FAIL: a second lazy_daxctl() loaded again\n");
		failed++;
	}
#define CHECK_DAXCTL(fn) check("libdaxctl.so.1", #fn, (void *)dx->fn);
#define CHECK_NDCTL(fn) check("libndctl.so.6", #fn, (void *)nd->fn);
#define CHECK_KMOD(fn) check("libkmod.so.2", #fn, (void *)km->fn);
	LAZY_DAXCTL(CHECK_DAXCTL)
	LAZY_NDCTL(CHECK_NDCTL)
	LAZY_KMOD(CHECK_KMOD)
	printf("%s: %d functions, %d wrong\n", failed ? "FAIL" : "ok", checked,
	       failed);
	return failed ? 1 : 0;
}

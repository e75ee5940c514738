// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz memplug.conf (cli/conf.c, cli/conf-file.c) against iniparser: every
 * file that config_load() accepts must have exactly the sections iniparser
 * reads from it, and the pre-scan exactly iniparser's sections and keys.
 */
#include <fcntl.h>
#include <iniparser/iniparser.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "conf.h"
#include "conf-file.h"
#include "strmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/memplug-fuzz-config.XXXXXX";
static char path[sizeof(dir) + 16];
static FILE *devnull;

static int quiet(const char *fmt, ...)
{
	(void)fmt;
	return 0;
}

static void cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

/* a directory of the fuzzer's own, mode 0700: memplug trusts it */
static void setup(void)
{
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/f.conf", dir);
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		abort();
	atexit(cleanup);
}

static void write_input(const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
}

/* what config_load() and iniparser make of an accepted file must agree */
static void check(const struct config *cfg)
{
	struct config_file cf;
	struct strmap targets = { 0 };
	unsigned int i, v, nsec = 0, nentries = 0;
	bool defaults = false;
	dictionary *d;
	ssize_t j;

	iniparser_set_error_callback(quiet);
	d = iniparser_load(path);
	iniparser_set_error_callback(NULL);
	if (!d)
		abort(); /* accepted, yet iniparser cannot read it */
	for (i = 0; i < cfg->nr_targets; i++)
		if (strmap_add(&targets, cfg->targets[i].section, i))
			abort();
	for (j = 0; j < d->size; j++) {
		const char *entry = d->key[j];

		if (!entry)
			continue;
		nentries++;
		if (strchr(entry, ':'))
			continue;
		nsec++;
		if (!strcmp(entry, "defaults"))
			defaults = true;
		else if (!strmap_get(&targets, entry, &v))
			abort(); /* a section iniparser reads, memplug not */
	}
	/* the targets are unique: the counts make the sets equal */
	if (nsec != cfg->nr_targets + defaults)
		abort();
	/* and the pre-scan's sections and keys are iniparser's */
	if (config_file_read(&cf, path))
		abort();
	if (cf.nr_lines != nentries)
		abort();
	for (i = 0; i < cf.nr_lines; i++) {
		char *entry = NULL;

		if (cf.lines[i].key) {
			if (asprintf(&entry, "%s:%s", cf.lines[i].section,
				     cf.lines[i].key) < 0)
				abort();
		} else {
			entry = strdup(cf.lines[i].section);
		}
		if (!entry || iniparser_find_entry(d, entry) != 1)
			abort();
		free(entry);
	}
	config_file_release(&cf);
	strmap_release(&targets);
	iniparser_freedict(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	FILE *err = stderr;
	int rc;

	if (!devnull)
		setup();
	write_input(data, size);
	/* one error line per input would flood the log: stdio's stderr only */
	stderr = devnull;
	rc = config_load(&cfg, path, dir);
	if (!rc)
		check(&cfg);
	stderr = err;
	config_release(&cfg);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/* Fuzz /proc/kallsyms lines: is deferred_online_memory defined? */
#include <sys/mman.h>
#include <unistd.h>
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	int found;

	if (fd < 0)
		fd = memfd_create("kallsyms", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 0) ||
	    pwrite(fd, data, size, 0) != (ssize_t)size ||
	    lseek(fd, 0, SEEK_SET))
		abort();
	found = kallsyms_fd_has(fd, "deferred_online_memory", 1 << 20);
	if (found < 0 && size <= 1 << 20)
		abort();
	/* a match is a whole name: " name\n" or " name\t" is in the input */
	if (found && !memmem(data, size, " deferred_online_memory\n", 24) &&
	    !memmem(data, size, " deferred_online_memory\t", 24))
		abort();
	return 0;
}

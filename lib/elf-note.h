/* SPDX-License-Identifier: LGPL-2.1 */
/*
 * ELF dlopen metadata (the UAPI group's "ELF dlopen metadata"
 * specification, as systemd and kmod emit it): a note in the section
 * .note.dlopen, owner "FDO", type 0x407c0c0a, whose descriptor is a
 * NUL-terminated JSON array naming a library the code opens with
 * dlopen().  Packaging tools read it to turn such a library into a
 * dependency that no DT_NEEDED entry shows; readelf --notes prints it.
 */
#ifndef MEMPLUG_ELF_NOTE_H
#define MEMPLUG_ELF_NOTE_H

#include <stdint.h>

#define ELF_NOTE_DLOPEN_OWNER "FDO"
#define ELF_NOTE_DLOPEN_TYPE UINT32_C(0x407c0c0a)

/* what a library is to the features that need it (the spec's words) */
#define ELF_NOTE_DLOPEN_REQUIRED "required"
#define ELF_NOTE_DLOPEN_RECOMMENDED "recommended"
#define ELF_NOTE_DLOPEN_SUGGESTED "suggested"

/*
 * ELF_NOTE_DLOPEN - one note for one library, in a static object @var.
 * @feature, @description, @priority and @soname are string literals with
 * nothing JSON would have to escape.  The note header and the 4-byte
 * owner keep the descriptor 4-aligned; the object's size rounds the
 * descriptor's padding up to 4 as a note needs.
 */
#define ELF_NOTE_DLOPEN(var, feature, description, priority, soname)          \
	__attribute__((used, section(".note.dlopen"), aligned(4)))            \
	ELF_NOTE_NO_REDZONE static const struct {                             \
		uint32_t namesz, descsz, type;                                \
		char owner[sizeof(ELF_NOTE_DLOPEN_OWNER)];                    \
		char json[sizeof(ELF_NOTE_DLOPEN_JSON(feature, description,   \
						      priority, soname))];    \
	} var = {                                                             \
		sizeof(ELF_NOTE_DLOPEN_OWNER),                                \
		sizeof(ELF_NOTE_DLOPEN_JSON(feature, description, priority,   \
					    soname)),                         \
		ELF_NOTE_DLOPEN_TYPE,                                         \
		ELF_NOTE_DLOPEN_OWNER,                                        \
		ELF_NOTE_DLOPEN_JSON(feature, description, priority, soname), \
	}

/* clang's ASan pads globals, a note in a section too: the notes must
 * follow each other with nothing between (GCC leaves such globals alone) */
#if defined(__clang__)
#define ELF_NOTE_NO_REDZONE __attribute__((no_sanitize("address")))
#else
#define ELF_NOTE_NO_REDZONE
#endif

#define ELF_NOTE_DLOPEN_JSON(feature, description, priority, soname)   \
	"[{\"feature\":\"" feature "\",\"description\":\"" description \
	"\",\"priority\":\"" priority "\",\"soname\":[\"" soname "\"]}]"

#endif

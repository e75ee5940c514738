/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One parser per word a user types: the command line and memplug.conf
 * read booleans, modes, zones, online types, numbers and addresses with
 * these, so a spelling accepted in one place is accepted in the other,
 * with the same ranges.  Each returns false for anything else; the
 * VOCAB_WANT_* strings say what was wanted, for the caller's error line.
 */
#ifndef _MEMPLUG_VOCAB_H_
#define _MEMPLUG_VOCAB_H_

#include <stdbool.h>
#include <stdint.h>
#include <libmemplug.h>

/* ranges shared by options and config keys */
#define VOCAB_TIMEOUT_MAX 86400 /* --timeout, timeout = : seconds, 0..this */
#define VOCAB_WAIT_MAX 86400 /* --wait: seconds, 0..this */
#define VOCAB_NODE_MAX 4095 /* --node, target_node = */

/* yes/no, true/false, 1/0, in any case */
#define VOCAB_WANT_BOOL "yes or no (true/false, 1/0)"
bool vocab_bool(const char *s, bool *val);

/* system-ram or devdax, in any case */
#define VOCAB_WANT_MODE "system-ram or devdax"
bool vocab_mode(const char *s, enum memplug_mode *mode);

/*
 * The zone a write puts blocks in: movable, normal (or kernel), or auto
 * (the kernel's online_policy decides), in any case, so the names list
 * prints (Movable, Normal) are accepted as they are.
 */
#define VOCAB_WANT_ONLINE_ZONE "movable, normal or auto"
bool vocab_online_zone(const char *s, enum memplug_online_type *type);

/* a zone as list prints it: DMA, DMA32, Normal (or kernel), Movable, none */
#define VOCAB_WANT_ZONE "DMA, DMA32, Normal, Movable or none"
bool vocab_zone(const char *s, enum memplug_zone *zone);

/* descending, ascending, hole-first or default, in any case */
#define VOCAB_WANT_ORDER "descending, ascending, hole-first or default"
bool vocab_order(const char *s, enum memplug_order *order);

/* decimal digits, no sign, no leading zero, within [min, max] */
bool vocab_long(const char *s, long min, long max, long *val);

/* "0x" and hex digits, or decimal digits without a leading zero */
#define VOCAB_WANT_NUMBER "a number (0x... or decimal, no leading zero)"
bool vocab_number(const char *s, uint64_t *val);

/* a physical address: "0x" and hex digits only (as /proc/iomem and
 * cxl list print them; "4000000000" is refused, not read as decimal) */
#define VOCAB_WANT_ADDRESS "a hex address starting with 0x"
bool vocab_address(const char *s, uint64_t *val);

#endif /* _MEMPLUG_VOCAB_H_ */

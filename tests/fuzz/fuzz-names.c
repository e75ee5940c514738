// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz names: memoryN blocks and nodeN nodes as the library reads them,
 * kernel object names as the CLI accepts them (name_ok()) and the text it
 * prints of any name (text_clean()).
 */
#include <locale.h>
#include <stdio.h>
#include <wchar.h>
#include <wctype.h>
#include "fuzz.h"
#include "text.h"

/* what a shell or a terminal gives a meaning to */
static const char meta[] = "$`'\"\\ \t\n;&|<>()*?[]{}~#!=%^,/";

/* @s is valid UTF-8 (glibc's decoder, not memplug's) with no C0, DEL or C1 */
static bool terminal_safe(const char *s)
{
	mbstate_t st = { 0 };
	size_t left = strlen(s), n;
	wchar_t wc;

	while (left) {
		n = mbrtowc(&wc, s, left, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0 ||
		    iswcntrl((wint_t)wc) || (wc >= 0x7f && wc < 0xa0))
			return false;
		s += n;
		left -= n;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), back[64], *clean;
	unsigned long id;
	int node;

	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		abort();
	/* a block name is canonical: printing the id gives it back */
	if (block_name_id(text, &id)) {
		snprintf(back, sizeof(back), "memory%lu", id);
		if (strcmp(back, text))
			abort();
	}
	node = name_number(text, "node");
	if (node < -1)
		abort();
	/* a name memplug accepts means nothing to a shell or a terminal */
	if (name_ok(text) &&
	    (strpbrk(text, meta) || text[0] == '-' || !terminal_safe(text)))
		abort();
	/* what memplug prints of any text is safe, and a name is unchanged */
	clean = text_clean(text, false);
	if (!clean || !terminal_safe(clean) ||
	    (name_ok(text) && strcmp(clean, text)))
		abort();
	free(clean);
	clean = text_clean(text, true);
	if (!clean || mbstowcs(NULL, clean, 0) == (size_t)-1)
		abort();
	free(clean);
	free(text);
	return 0;
}

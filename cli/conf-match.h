/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which present device each memplug.conf section names: identities
 * (namespace uuid, region HPA base and memdev serials, dax resource,
 * kernel name) resolved against the scanned model.
 */
#ifndef _MEMPLUG_CONF_MATCH_H_
#define _MEMPLUG_CONF_MATCH_H_

#include "conf.h"

/* one section whose device is present */
struct conf_match {
	const struct config_target *target;
	struct memplug_source *source; /* the dax device; NULL if refused */
	char device[64]; /* its name, or the namespace/region refused */
	char refused[512]; /* why it must not be touched, "" if fine */
};

/*
 * Match every section of @cfg against the scanned model of @ctx.  Sections
 * whose device is absent are noted on stderr (and in @notes when not
 * NULL).  Returns EXIT_OK with the matches in @out (caller frees), or
 * EXIT_USAGE after "memplug: FILE:LINE: ..." when two sections match one
 * device.  A section whose device is present but must not be touched (a
 * namespace not in devdax mode, a target_node guard that fails) is a match
 * with @refused set.
 */
int conf_match_all(struct memplug_ctx *ctx, const struct config *cfg,
		   struct conf_match **out, unsigned int *nr,
		   struct json_object *notes);

/* does section @t name dax device @device, and only it, in the model now? */
bool conf_match_holds(struct memplug_ctx *ctx, const struct config_target *t,
		      const char *device);

/* "FILE:LINE" of a section */
void conf_where(const struct config_target *t, char *buf, size_t len);

#endif /* _MEMPLUG_CONF_MATCH_H_ */

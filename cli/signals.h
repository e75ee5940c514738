/* SPDX-License-Identifier: GPL-2.0 */
/* The CLI's signal policy (signals.c). */
#ifndef _MEMPLUG_SIGNALS_H_
#define _MEMPLUG_SIGNALS_H_

#include <signal.h>

/* SIGALRM in @ms (at least 1 us), interrupting a blocked write */
void alarm_arm(unsigned int ms);
void alarm_disarm(void);
/* hold SIGINT, SIGTERM and SIGHUP; @old is what to release to */
void signals_hold(sigset_t *old);
void signals_release(const sigset_t *old);

#endif

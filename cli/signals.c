// SPDX-License-Identifier: GPL-2.0
/*
 * The CLI's signal policy, which the library leaves to its caller: an
 * alarm that interrupts a kernel write blocked past a deadline, and the
 * signals held while a kernel setting is changed and restored.
 */
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include "signals.h"

static void on_alarm(int sig)
{
	(void)sig; /* only makes a blocked write return EINTR */
}

void alarm_arm(unsigned int ms)
{
	struct sigaction sa;
	struct itimerval timer = { 0 };

	/* no SA_RESTART: the interrupted write fails instead of resuming */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	timer.it_value.tv_sec = ms / 1000;
	timer.it_value.tv_usec = (ms % 1000) * 1000;
	if (!timer.it_value.tv_sec && !timer.it_value.tv_usec)
		timer.it_value.tv_usec = 1;
	setitimer(ITIMER_REAL, &timer, NULL);
}

void alarm_disarm(void)
{
	struct itimerval timer = { 0 };

	setitimer(ITIMER_REAL, &timer, NULL);
	signal(SIGALRM, SIG_DFL);
}

void signals_hold(sigset_t *old)
{
	sigset_t hold;

	sigemptyset(&hold);
	sigaddset(&hold, SIGINT);
	sigaddset(&hold, SIGTERM);
	sigaddset(&hold, SIGHUP);
	sigprocmask(SIG_BLOCK, &hold, old);
}

void signals_release(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

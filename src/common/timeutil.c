/* Time helpers shared by server, store and logging. */
#include "common/timeutil.h"

#include <stdio.h>
#include <time.h>

int64_t time_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double time_monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

void time_format_iso(int64_t ms, char *out, size_t size)
{
	/* A batch of contacts shares one timestamp: format it once. */
	static _Thread_local int64_t last_ms = -1;
	static _Thread_local char last[64];
	if (ms == last_ms) {
		snprintf(out, size, "%s", last);
		return;
	}
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	snprintf(last, sizeof(last), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
	last_ms = ms;
	snprintf(out, size, "%s", last);
}

/* Wall-clock time in milliseconds and the cloud's ISO-8601 format. */
#ifndef DIALBOOK_TIMEUTIL_H
#define DIALBOOK_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

int64_t time_now_ms(void);
double time_monotonic_ms(void);
/* Writes "2023-08-24T19:50:23.953Z"; out needs 25 bytes. */
void time_format_iso(int64_t ms, char *out, size_t size);

#endif

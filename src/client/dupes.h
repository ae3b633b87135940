/* Duplicate contact ids in constant memory: a Bloom filter in the first
 * pass marks ids that may repeat; a second pass over the file confirms them
 * exactly, keeping only those candidates. */
#ifndef DIALBOOK_CLIENT_DUPES_H
#define DIALBOOK_CLIENT_DUPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dupes;

struct dupes *dupes_new(void);
void dupes_free(struct dupes *d);
/* First pass: notes an id; true when it may have been seen before. */
bool dupes_note(struct dupes *d, const char *id, size_t len);
size_t dupes_candidates(const struct dupes *d);
/* Second pass: for a candidate id, the line it was first seen on (0 the
 * first time it is seen now), else 0 without storing it. */
unsigned long dupes_confirm(struct dupes *d, const char *id, size_t len, unsigned long line);

#endif

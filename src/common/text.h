/* Small string helpers: UTF-8 checks, trimming, case folding, identifiers. */
#ifndef DIALBOOK_TEXT_H
#define DIALBOOK_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#define UUID_STR_LEN 37 /* 36 characters and the terminator */

/* Returns the number of code points, or -1 when s[0..len) is not valid UTF-8. */
long utf8_count(const char *s, size_t len);
/* True when s holds a C0/C1 control character or DEL. */
bool text_has_control(const char *s, size_t len);
/* Returns a new string without leading and trailing ASCII white space. */
char *text_trim_dup(const char *s);
/* ASCII-folded copy: the key names are compared by. Caller frees. */
char *text_fold_dup(const char *s);
/* Writes a new random (version 4) UUID, lower case. */
void text_uuid_new(char out[UUID_STR_LEN]);
/* A time-ordered UUID (version 7): ids made in a row sort in creation
 * order, so bulk inserts append to the index instead of scattering. */
void text_uuid7_new(char out[UUID_STR_LEN]);
/* Returns a malloc'd copy of the first n bytes; never NULL on success. */
char *text_ndup(const char *s, size_t n);

/* Cuts a multi-byte sequence left incomplete at the end of s by a
 * truncating snprintf, so the string stays valid UTF-8. */
void utf8_trim_partial(char *s);
#endif

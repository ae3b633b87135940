/* The PostgreSQL backend (libpq): for several dialbookd on one database. */
#ifndef DIALBOOK_PG_STORE_H
#define DIALBOOK_PG_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

/* Whether location is a libpq connection URI (postgresql://, postgres://). */
bool pg_location_is(const char *location);
/* uri with its password (userinfo or password= parameter) masked as
 * "***", for messages and logs; truncated to size. */
void pg_location_redact(const char *uri, char *out, size_t size);
/* Connects to uri and brings the schema up to date (servers starting at
 * once migrate one at a time). STORE_FAILED with one line in err that
 * says what libpq said, never the password. */
int pg_store_open(const char *uri, const struct store_options *opt, struct store **out, char *err,
		  size_t err_size);

#endif

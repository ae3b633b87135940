/* The embedded default backend: SQLite in WAL mode. */
#ifndef DIALBOOK_SQLITE_STORE_H
#define DIALBOOK_SQLITE_STORE_H

#include "store/store.h"

int sqlite_store_open(const char *path, const struct store_options *opt, struct store **out,
		      char *err, size_t err_size);

#endif

/* The store facade's backups: whole-database copies to and from a file,
 * for `dialbookd backup` and `dialbookd restore` (contracts: store.h).
 * A file of its own rather than store.c: the backup path is an
 * operator's tool, not a request's. */
#include "store/store.h"
#include "store/store_backend.h"
#include "store/postgres/pg_store.h"

#include <stdio.h>

const char *store_location_backend(const char *location)
{
	return pg_location_is(location) ? "postgresql" : "sqlite";
}

/* Every call starts with no failure recorded (as store.c's begin). */
static const struct store_ops *begin(struct store *s, char *err, size_t err_size)
{
	s->failure.fault = STORE_FAULT_NONE;
	s->failure.detail[0] = '\0';
	if (err && err_size)
		err[0] = '\0';
	return s->ops;
}

int store_backup(struct store *s, const char *path, char *err, size_t err_size)
{
	char none[1];
	if (!err) {
		err = none;
		err_size = sizeof(none);
	}
	if (!path || !path[0]) {
		snprintf(err, err_size, "no backup file named");
		return STORE_FAILED;
	}
	return begin(s, err, err_size)->backup_to(s, path, err, err_size);
}

int store_restore(struct store *s, const char *path, char *err, size_t err_size)
{
	char none[1];
	if (!err) {
		err = none;
		err_size = sizeof(none);
	}
	if (!path || !path[0]) {
		snprintf(err, err_size, "no backup file named");
		return STORE_FAILED;
	}
	return begin(s, err, err_size)->restore_from(s, path, err, err_size);
}

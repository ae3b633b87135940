/* Backups of a PostgreSQL database are pg_dump's and pg_restore's job
 * (docs/operations.md): they copy a consistent snapshot while servers
 * run, and a restore needs the database's owner, not a dialbookd. */
#include "store/postgres/pg_internal.h"

#include <stdio.h>

int pg_backup_to(struct store *base, const char *path, char *err, size_t err_size)
{
	(void)base;
	(void)path;
	snprintf(err, err_size, "a PostgreSQL database is backed up with pg_dump");
	return STORE_UNSUPPORTED;
}

int pg_restore_from(struct store *base, const char *path, char *err, size_t err_size)
{
	(void)base;
	(void)path;
	snprintf(err, err_size, "a PostgreSQL database is restored with pg_restore");
	return STORE_UNSUPPORTED;
}

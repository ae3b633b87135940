/* Snapshots (the control API) are not kept by the PostgreSQL backend yet:
 * store.h lets a backend answer STORE_UNSUPPORTED. (A database cannot be
 * copied with CREATE DATABASE ... TEMPLATE while servers are connected to
 * it; table copies into a snapshot schema would do.) */
#include "store/postgres/pg_internal.h"

int pg_snapshot_save(struct store *base, const char *name)
{
	(void)base;
	(void)name;
	return STORE_UNSUPPORTED;
}

int pg_snapshot_restore(struct store *base, const char *name)
{
	(void)base;
	(void)name;
	return STORE_UNSUPPORTED;
}

/* Shared rate-limit counts: one row per key and window, added to by every
 * server on the database (api/ratelimit.c syncs its local counts here). */
#include "store/sqlite/sqlite_internal.h"

static int add_one(struct sqlite_store *s, int64_t window_start, const struct rate_count *c,
		   int64_t *total)
{
	sqlite3_stmt *st = sql_stmt(s, c->delta ? SQL_RATE_ADD : SQL_RATE_GET);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_text(st, 1, c->key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, window_start);
	if (c->delta)
		sqlite3_bind_int64(st, 3, c->delta);
	int step = sqlite3_step(st);
	*total = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	int rc = step == SQLITE_ROW || step == SQLITE_DONE ? STORE_OK : sql_fail(s, "rate_add");
	sqlite3_reset(st);
	return rc;
}

int sqlite_rate_counts_add(struct store *base, int64_t window_start, const struct rate_count *in,
			   size_t n, int64_t expire_before, int64_t *totals)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	if (sql_exec(s, SQL_BEGIN))
		return STORE_FAILED;
	int rc = STORE_OK;
	for (size_t i = 0; i < n && rc == STORE_OK; i++)
		rc = add_one(s, window_start, &in[i], &totals[i]);
	sqlite3_stmt *st = rc == STORE_OK ? sql_stmt(s, SQL_RATE_EXPIRE) : NULL;
	if (st) {
		sqlite3_bind_int64(st, 1, expire_before);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = sql_fail(s, "rate_expire");
		sqlite3_reset(st);
	} else if (rc == STORE_OK) {
		rc = STORE_FAILED;
	}
	return sql_end(s, rc);
}

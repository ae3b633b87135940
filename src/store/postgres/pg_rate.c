/* Shared rate-limit counts in PostgreSQL: one row per key and window,
 * added to by every server on the database (api/ratelimit.c syncs its
 * local counts here). An add is an INSERT ... ON CONFLICT DO UPDATE: its
 * row lock makes concurrent adds queue, none lost. Keys are added in
 * sorted order, so servers adding the same keys never wait on each other
 * in a circle; a deadlock all the same (PostgreSQL breaks it) runs the
 * call again (pg_call_retry). */
#include "store/postgres/pg_internal.h"

#include <stdlib.h>
#include <string.h>

static int add_one(struct pg_store *s, int64_t window_start, const struct rate_count *c,
		   int64_t *total)
{
	struct pg_params p = {0};
	pp_text(&p, c->key);
	pp_int(&p, window_start);
	if (c->delta)
		pp_int(&p, c->delta);
	PGresult *r = pg_run(s, c->delta ? PG_SQL_RATE_ADD : PG_SQL_RATE_GET, &p, false);
	if (!r)
		return pg_fail(s, "rate_add");
	*total = PQntuples(r) ? pg_int(r, 0, 0) : 0;
	PQclear(r);
	return STORE_OK;
}

/* order: the indexes of in, by key. */
static int add_once(struct pg_store *s, int64_t window_start, const struct rate_count *in,
		    const struct rate_count *const *order, size_t n, int64_t expire_before,
		    int64_t *totals)
{
	if (pg_begin(s))
		return STORE_FAILED;
	int rc = STORE_OK;
	for (size_t i = 0; i < n && rc == STORE_OK; i++)
		rc = add_one(s, window_start, order[i], &totals[order[i] - in]);
	struct pg_params p = {0};
	pp_int(&p, expire_before);
	if (rc == STORE_OK)
		rc = pg_exec(s, PG_SQL_RATE_EXPIRE, &p, "rate_expire");
	return pg_end(s, rc);
}

static int by_key(const void *a, const void *b)
{
	const struct rate_count *x = *(const struct rate_count *const *)a;
	const struct rate_count *y = *(const struct rate_count *const *)b;
	return strcmp(x->key, y->key);
}

int pg_rate_counts_add(struct store *base, int64_t window_start, const struct rate_count *in,
		       size_t n, int64_t expire_before, int64_t *totals)
{
	struct pg_store *s = (struct pg_store *)base;
	/* Pointers into in, sorted: the rows are added in key order. */
	const struct rate_count **order =
		malloc((n ? n : 1) *
		       sizeof(const struct rate_count *)); /* NOLINT(bugprone-sizeof-expression) */
	if (!order)
		return store_fail_record(&base->failure, "postgres", "rate_add", STORE_FAULT_MEMORY,
					 "out of memory");
	for (size_t i = 0; i < n; i++)
		order[i] = &in[i];
	qsort(order, n, sizeof(*order), by_key); /* NOLINT(bugprone-sizeof-expression) */
	int rc;
	PG_CALL(s, rc, add_once(s, window_start, in, order, n, expire_before, totals));
	free(order);
	return rc;
}

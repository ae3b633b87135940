/* The one way PostgreSQL keeps a versioned named document of an
 * organization (templates, filters): the kinds differ only in their
 * statements and in a filter's list column, so one copy of the
 * transactions and their retries serves both. */
#include "store/postgres/pg_docs.h"

#include <stdlib.h>
#include <string.h>

int pg_doc_count_check(struct pg_store *s, const struct pg_doc_kind *k, const char *org_id,
		       size_t n, unsigned max_per_org)
{
	struct pg_params p = {0};
	pp_text(&p, org_id);
	PGresult *r = pg_run(s, k->count, &p, false);
	int rc = r ? STORE_OK : pg_fail(s, k->count_op);
	if (rc == STORE_OK && pg_int(r, 0, 0) + (int64_t)n > (int64_t)max_per_org)
		rc = STORE_LIMIT;
	PQclear(r);
	return rc;
}

int pg_doc_insert(struct pg_store *s, const struct pg_doc_kind *k, const struct pg_doc *d)
{
	struct pg_params q = {0};
	pp_text(&q, d->id);
	pp_text(&q, d->org_id);
	if (d->list_id)
		pp_text(&q, d->list_id);
	pp_text(&q, d->name);
	pp_text(&q, d->name_key);
	pp_int(&q, d->version);
	pp_int(&q, d->date_created);
	pp_int(&q, d->date_modified);
	pp_text(&q, d->doc);
	PGresult *r = pg_run(s, k->insert, &q, false);
	int rc = r ? STORE_OK : pg_write_failed(s, k->create_op);
	PQclear(r);
	return rc;
}

static int get_once(struct pg_store *s, const struct pg_doc_kind *k, const char *org_id,
		    const char *id, pg_doc_read_fn read, void *out)
{
	struct pg_params p = {0};
	pp_text(&p, org_id);
	pp_text(&p, id);
	PGresult *r = pg_run(s, k->get, &p, false);
	if (!r)
		return pg_fail(s, k->get_op);
	int rc = !PQntuples(r) ? STORE_NOT_FOUND : read ? read(r, 0, out) : STORE_OK;
	PQclear(r);
	return rc;
}

int pg_doc_get(struct pg_store *s, const struct pg_doc_kind *k, const char *org_id, const char *id,
	       pg_doc_read_fn read, void *out)
{
	int rc;
	PG_CALL(s, rc, get_once(s, k, org_id, id, read, out));
	return rc;
}

/* A compare-and-set on the version: of two updates from one version the
 * second waits for the first's row lock, then finds the version changed. */
static int update_once(struct pg_store *s, const struct pg_doc_kind *k, const struct pg_doc *d,
		       int64_t expected_version)
{
	struct pg_params p = {0};
	pp_text(&p, d->org_id);
	pp_text(&p, d->id);
	pp_text(&p, d->name);
	pp_text(&p, d->name_key);
	pp_int(&p, d->version);
	pp_int(&p, d->date_modified);
	pp_text(&p, d->doc);
	pp_int(&p, expected_version);
	if (pg_begin(s))
		return STORE_FAILED;
	PGresult *r = pg_run(s, k->update, &p, false);
	int rc = r ? STORE_OK : pg_write_failed(s, k->update_op);
	/* No row: gone, or changed by someone else since it was read. */
	if (rc == STORE_OK && strcmp(PQcmdTuples(r), "1") != 0) {
		rc = get_once(s, k, d->org_id, d->id, NULL, NULL);
		if (rc == STORE_OK)
			rc = STORE_STALE;
	}
	PQclear(r);
	return pg_end(s, rc);
}

int pg_doc_update(struct pg_store *s, const struct pg_doc_kind *k, const struct pg_doc *d,
		  const json_t *json, int64_t expected_version)
{
	char *doc = json_dumps(json, JSON_COMPACT);
	if (!doc)
		return store_fail_record(&s->base.failure, "postgres", k->update_op,
					 STORE_FAULT_MEMORY, "out of memory");
	struct pg_doc with = *d;
	with.doc = doc;
	int rc;
	PG_CALL(s, rc, update_once(s, k, &with, expected_version));
	free(doc);
	return rc;
}

static int delete_many_once(struct pg_store *s, const struct pg_doc_kind *k, const char *org_id,
			    const char *const *ids, size_t n, const char **missing)
{
	*missing = NULL;
	if (pg_begin(s))
		return STORE_FAILED;
	int rc = STORE_OK;
	for (size_t i = 0; i < n && rc == STORE_OK; i++) {
		struct pg_params p = {0};
		pp_text(&p, org_id);
		pp_text(&p, ids[i]);
		PGresult *r = pg_run(s, k->del, &p, false);
		if (!r) {
			rc = pg_fail(s, k->delete_op);
		} else if (strcmp(PQcmdTuples(r), "1") != 0) {
			rc = STORE_NOT_FOUND;
			*missing = ids[i];
		}
		PQclear(r);
	}
	return pg_end(s, rc);
}

int pg_doc_delete_many(struct pg_store *s, const struct pg_doc_kind *k, const char *org_id,
		       const char *const *ids, size_t n, const char **missing)
{
	int rc;
	PG_CALL(s, rc, delete_many_once(s, k, org_id, ids, n, missing));
	return rc;
}

static int scan_once(struct pg_store *s, const struct pg_doc_kind *k, const char *org_id,
		     PGresult **out)
{
	struct pg_params p = {0};
	pp_text(&p, org_id);
	*out = pg_run(s, k->scan, &p, false);
	return *out ? STORE_OK : pg_fail(s, k->scan_op);
}

int pg_doc_scan(struct pg_store *s, const struct pg_doc_kind *k, const char *org_id,
		pg_doc_row_fn row, void *ctx)
{
	PGresult *r = NULL;
	int rc;
	PG_CALL(s, rc, scan_once(s, k, org_id, &r));
	for (int i = 0; rc == STORE_OK && i < PQntuples(r); i++) {
		int stop = 0;
		rc = row(r, i, ctx, &stop);
		if (stop)
			break;
	}
	PQclear(r);
	return rc;
}

/* Contact lists in PostgreSQL: one row per list, the writable fields kept
 * as a JSON document next to the columns that are searched or kept
 * unique, and the list's size kept with its contacts' writes. */
#include "store/postgres/pg_internal.h"

#include <stdlib.h>
#include <string.h>

static int read_list(const PGresult *r, int row, struct contact_list *out)
{
	memset(out, 0, sizeof(*out));
	pg_copy_text(r, row, 0, out->id, sizeof(out->id));
	pg_copy_text(r, row, 1, out->org_id, sizeof(out->org_id));
	pg_copy_text(r, row, 2, out->division_id, sizeof(out->division_id));
	const char *name = PQgetvalue(r, row, 3);
	out->name = text_ndup(name, strlen(name));
	out->version = pg_int(r, row, 4);
	out->date_created = pg_int(r, row, 5);
	out->date_modified = pg_int(r, row, 6);
	out->doc = json_loads(PQgetvalue(r, row, 7), 0, NULL);
	return out->doc ? STORE_OK : STORE_FAILED;
}

/* The count and the insert under the org's lock, so the limit holds; the
 * name's key is unique by its index (a taken one: STORE_CONFLICT). */
static int list_create_once(struct pg_store *s, const struct contact_list *cl, const char *name_key,
			    const char *doc, unsigned max_per_org)
{
	if (pg_begin(s))
		return STORE_FAILED;
	int rc = pg_org_lock(s, cl->org_id);
	struct pg_params p = {0};
	pp_text(&p, cl->org_id);
	PGresult *r = rc == STORE_OK ? pg_run(s, PG_SQL_LIST_COUNT, &p, false) : NULL;
	if (rc == STORE_OK && !r)
		rc = pg_fail(s, "list_count");
	if (rc == STORE_OK && pg_int(r, 0, 0) >= (int64_t)max_per_org)
		rc = STORE_LIMIT;
	PQclear(r);
	if (rc == STORE_OK) {
		struct pg_params q = {0};
		pp_text(&q, cl->id);
		pp_text(&q, cl->org_id);
		pp_text(&q, cl->division_id);
		pp_text(&q, cl->name);
		pp_text(&q, name_key);
		pp_int(&q, cl->version);
		pp_int(&q, cl->date_created);
		pp_int(&q, cl->date_modified);
		pp_text(&q, doc);
		r = pg_run(s, PG_SQL_LIST_INSERT, &q, false);
		rc = r ? STORE_OK : pg_write_failed(s, "list_create");
		PQclear(r);
	}
	return pg_end(s, rc);
}

int pg_list_create(struct store *base, const struct contact_list *cl, const char *name_key,
		   unsigned max_per_org)
{
	struct pg_store *s = (struct pg_store *)base;
	char *doc = json_dumps(cl->doc, JSON_COMPACT);
	if (!doc)
		return store_fail_record(&base->failure, "postgres", "list_create",
					 STORE_FAULT_MEMORY, "out of memory");
	int rc;
	PG_CALL(s, rc, list_create_once(s, cl, name_key, doc, max_per_org));
	free(doc);
	return rc;
}

static int list_get_once(struct pg_store *s, const char *org_id, const char *id,
			 struct contact_list *out)
{
	struct pg_params p = {0};
	pp_text(&p, org_id);
	pp_text(&p, id);
	PGresult *r = pg_run(s, PG_SQL_LIST_GET, &p, false);
	if (!r)
		return pg_fail(s, "list_get");
	int rc = PQntuples(r) ? read_list(r, 0, out) : STORE_NOT_FOUND;
	PQclear(r);
	return rc;
}

int pg_list_get(struct store *base, const char *org_id, const char *id, struct contact_list *out)
{
	struct pg_store *s = (struct pg_store *)base;
	int rc;
	PG_CALL(s, rc, list_get_once(s, org_id, id, out));
	return rc;
}

/* A compare-and-set on the version: of two updates from one version the
 * second waits for the first's row lock, then finds the version changed. */
static int list_update_once(struct pg_store *s, const struct contact_list *cl, const char *name_key,
			    const char *doc, int64_t expected_version)
{
	struct pg_params p = {0};
	pp_text(&p, cl->org_id);
	pp_text(&p, cl->id);
	pp_text(&p, cl->name);
	pp_text(&p, name_key);
	pp_int(&p, cl->version);
	pp_int(&p, cl->date_modified);
	pp_text(&p, doc);
	pp_int(&p, expected_version);
	if (pg_begin(s))
		return STORE_FAILED;
	PGresult *r = pg_run(s, PG_SQL_LIST_UPDATE, &p, false);
	int rc = r ? STORE_OK : pg_write_failed(s, "list_update");
	if (rc == STORE_OK && strcmp(PQcmdTuples(r), "1") != 0) {
		/* No row: gone, or changed by someone else since it was read. */
		rc = pg_list_exists(s, cl->org_id, cl->id);
		if (rc == STORE_OK)
			rc = STORE_STALE;
	}
	PQclear(r);
	return pg_end(s, rc);
}

int pg_list_update(struct store *base, const struct contact_list *cl, const char *name_key,
		   int64_t expected_version)
{
	struct pg_store *s = (struct pg_store *)base;
	char *doc = json_dumps(cl->doc, JSON_COMPACT);
	if (!doc)
		return store_fail_record(&base->failure, "postgres", "list_update",
					 STORE_FAULT_MEMORY, "out of memory");
	int rc;
	PG_CALL(s, rc, list_update_once(s, cl, name_key, doc, expected_version));
	free(doc);
	return rc;
}

/* Runs a DELETE ... RETURNING of job rows and keeps their blobs' keys. */
static int delete_returning(struct pg_store *s, enum pg_sql id, const struct pg_params *p,
			    struct pg_keys *keys)
{
	PGresult *r = pg_run(s, id, p, false);
	if (!r)
		return pg_fail(s, "jobs_delete");
	pg_keys_collect(r, keys);
	PQclear(r);
	return STORE_OK;
}

/* Deletes a list, its contacts and its jobs; the caller holds the
 * transaction. */
static int delete_one(struct pg_store *s, const char *org_id, const char *id, struct pg_keys *keys)
{
	int64_t key = 0;
	int rc = pg_list_key(s, org_id, id, true, &key, NULL);
	if (rc != STORE_OK)
		return rc;
	struct pg_params k = {0};
	pp_int(&k, key);
	if ((rc = pg_exec(s, PG_SQL_LIST_CONTACTS_DELETE, &k, "list_contacts_delete")) ||
	    (rc = pg_exec(s, PG_SQL_LIST_DELETE, &k, "list_delete")))
		return rc;
	struct pg_params p = {0};
	pp_text(&p, org_id);
	pp_text(&p, id);
	if ((rc = pg_exec(s, PG_SQL_LIST_FILTERS_DELETE, &p, "list_filters_delete")) ||
	    (rc = delete_returning(s, PG_SQL_LIST_IMPORTS_DELETE, &p, keys)))
		return rc;
	return delete_returning(s, PG_SQL_LIST_EXPORTS_DELETE, &p, keys);
}

static int list_delete_many_once(struct pg_store *s, const char *org_id, const char *const *ids,
				 size_t n, const char **missing, struct pg_keys *keys)
{
	pg_keys_report(keys, NULL, NULL); /* an earlier attempt's */
	*missing = NULL;
	if (pg_begin(s))
		return STORE_FAILED;
	int rc = STORE_OK;
	for (size_t i = 0; i < n && rc == STORE_OK; i++) {
		rc = delete_one(s, org_id, ids[i], keys);
		if (rc == STORE_NOT_FOUND)
			*missing = ids[i];
	}
	return pg_end(s, rc);
}

int pg_list_delete_many(struct store *base, const char *org_id, const char *const *ids, size_t n,
			const char **missing, store_key_cb files, void *ctx)
{
	struct pg_store *s = (struct pg_store *)base;
	struct pg_keys keys = {0};
	int rc;
	PG_CALL(s, rc, list_delete_many_once(s, org_id, ids, n, missing, &keys));
	/* Blobs are reported only once the rows naming them are gone for good. */
	pg_keys_report(&keys, rc == STORE_OK ? files : NULL, ctx);
	return rc;
}

/* An organization's lists are few (a limit caps them): one result. */
static int list_scan_once(struct pg_store *s, const char *org_id, PGresult **out)
{
	struct pg_params p = {0};
	pp_text(&p, org_id);
	*out = pg_run(s, PG_SQL_LIST_SCAN, &p, false);
	return *out ? STORE_OK : pg_fail(s, "list_scan");
}

int pg_list_scan(struct store *base, const char *org_id, store_list_cb cb, void *ctx)
{
	struct pg_store *s = (struct pg_store *)base;
	PGresult *r = NULL;
	int rc;
	PG_CALL(s, rc, list_scan_once(s, org_id, &r));
	for (int i = 0; rc == STORE_OK && i < PQntuples(r); i++) {
		struct contact_list cl;
		rc = read_list(r, i, &cl);
		int stop = rc == STORE_OK ? cb(&cl, ctx) : 1;
		contact_list_release(&cl);
		if (stop)
			break;
	}
	PQclear(r);
	return rc;
}

int pg_list_size(struct store *base, const char *org_id, const char *list_id, int64_t *out)
{
	struct pg_store *s = (struct pg_store *)base;
	int64_t key = 0;
	int rc;
	PG_CALL(s, rc, pg_list_key(s, org_id, list_id, false, &key, out));
	return rc;
}

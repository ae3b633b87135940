/* Contact list filters in PostgreSQL: one row per filter, naming its
 * list, the writable fields kept as a JSON document (as lists' are). A
 * list's filters are deleted with it (pg_lists.c). */
#include "store/postgres/pg_internal.h"

#include <stdlib.h>
#include <string.h>

static int read_filter(const PGresult *r, int row, struct contact_filter *out)
{
	memset(out, 0, sizeof(*out));
	pg_copy_text(r, row, 0, out->id, sizeof(out->id));
	pg_copy_text(r, row, 1, out->org_id, sizeof(out->org_id));
	pg_copy_text(r, row, 2, out->list_id, sizeof(out->list_id));
	const char *name = PQgetvalue(r, row, 3);
	out->name = text_ndup(name, strlen(name));
	out->version = pg_int(r, row, 4);
	out->date_created = pg_int(r, row, 5);
	out->date_modified = pg_int(r, row, 6);
	out->doc = json_loads(PQgetvalue(r, row, 7), 0, NULL);
	return out->doc ? STORE_OK : STORE_FAILED;
}

/* The list locked (so it cannot be deleted before this commits), the
 * count under the org's lock, then the insert. */
static int create_once(struct pg_store *s, const struct contact_filter *f, const char *name_key,
		       const char *doc, unsigned max_per_org)
{
	if (pg_begin(s))
		return STORE_FAILED;
	int64_t key = 0;
	int rc = pg_list_key(s, f->org_id, f->list_id, true, &key, NULL);
	if (rc == STORE_OK)
		rc = pg_org_lock(s, f->org_id);
	struct pg_params p = {0};
	pp_text(&p, f->org_id);
	PGresult *r = rc == STORE_OK ? pg_run(s, PG_SQL_FILTER_COUNT, &p, false) : NULL;
	if (rc == STORE_OK && !r)
		rc = pg_fail(s, "filter_count");
	if (rc == STORE_OK && pg_int(r, 0, 0) >= (int64_t)max_per_org)
		rc = STORE_LIMIT;
	PQclear(r);
	if (rc == STORE_OK) {
		struct pg_params q = {0};
		pp_text(&q, f->id);
		pp_text(&q, f->org_id);
		pp_text(&q, f->list_id);
		pp_text(&q, f->name);
		pp_text(&q, name_key);
		pp_int(&q, f->version);
		pp_int(&q, f->date_created);
		pp_int(&q, f->date_modified);
		pp_text(&q, doc);
		r = pg_run(s, PG_SQL_FILTER_INSERT, &q, false);
		rc = r ? STORE_OK : pg_write_failed(s, "filter_create");
		PQclear(r);
	}
	return pg_end(s, rc);
}

int pg_filter_create(struct store *base, const struct contact_filter *f, const char *name_key,
		     unsigned max_per_org)
{
	struct pg_store *s = (struct pg_store *)base;
	char *doc = json_dumps(f->doc, JSON_COMPACT);
	if (!doc)
		return store_fail_record(&base->failure, "postgres", "filter_create",
					 STORE_FAULT_MEMORY, "out of memory");
	int rc;
	PG_CALL(s, rc, create_once(s, f, name_key, doc, max_per_org));
	free(doc);
	return rc;
}

static int get_once(struct pg_store *s, const char *org_id, const char *id,
		    struct contact_filter *out)
{
	struct pg_params p = {0};
	pp_text(&p, org_id);
	pp_text(&p, id);
	PGresult *r = pg_run(s, PG_SQL_FILTER_GET, &p, false);
	if (!r)
		return pg_fail(s, "filter_get");
	int rc = PQntuples(r) ? read_filter(r, 0, out) : STORE_NOT_FOUND;
	PQclear(r);
	return rc;
}

int pg_filter_get(struct store *base, const char *org_id, const char *id,
		  struct contact_filter *out)
{
	struct pg_store *s = (struct pg_store *)base;
	int rc;
	PG_CALL(s, rc, get_once(s, org_id, id, out));
	return rc;
}

/* A compare-and-set on the version, as pg_lists.c's. */
static int update_once(struct pg_store *s, const struct contact_filter *f, const char *name_key,
		       const char *doc, int64_t expected_version)
{
	struct pg_params p = {0};
	pp_text(&p, f->org_id);
	pp_text(&p, f->id);
	pp_text(&p, f->name);
	pp_text(&p, name_key);
	pp_int(&p, f->version);
	pp_int(&p, f->date_modified);
	pp_text(&p, doc);
	pp_int(&p, expected_version);
	if (pg_begin(s))
		return STORE_FAILED;
	PGresult *r = pg_run(s, PG_SQL_FILTER_UPDATE, &p, false);
	int rc = r ? STORE_OK : pg_write_failed(s, "filter_update");
	if (rc == STORE_OK && strcmp(PQcmdTuples(r), "1") != 0) {
		struct contact_filter cur;
		rc = get_once(s, f->org_id, f->id, &cur);
		if (rc == STORE_OK) {
			contact_filter_release(&cur);
			rc = STORE_STALE;
		}
	}
	PQclear(r);
	return pg_end(s, rc);
}

int pg_filter_update(struct store *base, const struct contact_filter *f, const char *name_key,
		     int64_t expected_version)
{
	struct pg_store *s = (struct pg_store *)base;
	char *doc = json_dumps(f->doc, JSON_COMPACT);
	if (!doc)
		return store_fail_record(&base->failure, "postgres", "filter_update",
					 STORE_FAULT_MEMORY, "out of memory");
	int rc;
	PG_CALL(s, rc, update_once(s, f, name_key, doc, expected_version));
	free(doc);
	return rc;
}

static int delete_many_once(struct pg_store *s, const char *org_id, const char *const *ids,
			    size_t n, const char **missing)
{
	*missing = NULL;
	if (pg_begin(s))
		return STORE_FAILED;
	int rc = STORE_OK;
	for (size_t i = 0; i < n && rc == STORE_OK; i++) {
		struct pg_params p = {0};
		pp_text(&p, org_id);
		pp_text(&p, ids[i]);
		PGresult *r = pg_run(s, PG_SQL_FILTER_DELETE, &p, false);
		if (!r) {
			rc = pg_fail(s, "filter_delete");
		} else if (strcmp(PQcmdTuples(r), "1") != 0) {
			rc = STORE_NOT_FOUND;
			*missing = ids[i];
		}
		PQclear(r);
	}
	return pg_end(s, rc);
}

int pg_filter_delete_many(struct store *base, const char *org_id, const char *const *ids, size_t n,
			  const char **missing)
{
	struct pg_store *s = (struct pg_store *)base;
	int rc;
	PG_CALL(s, rc, delete_many_once(s, org_id, ids, n, missing));
	return rc;
}

/* An organization's filters are few (a limit caps them): one result. */
static int scan_once(struct pg_store *s, const char *org_id, PGresult **out)
{
	struct pg_params p = {0};
	pp_text(&p, org_id);
	*out = pg_run(s, PG_SQL_FILTER_SCAN, &p, false);
	return *out ? STORE_OK : pg_fail(s, "filter_scan");
}

int pg_filter_scan(struct store *base, const char *org_id, store_filter_cb cb, void *ctx)
{
	struct pg_store *s = (struct pg_store *)base;
	PGresult *r = NULL;
	int rc;
	PG_CALL(s, rc, scan_once(s, org_id, &r));
	for (int i = 0; rc == STORE_OK && i < PQntuples(r); i++) {
		struct contact_filter f;
		rc = read_filter(r, i, &f);
		int stop = rc == STORE_OK ? cb(&f, ctx) : 1;
		contact_filter_release(&f);
		if (stop)
			break;
	}
	PQclear(r);
	return rc;
}

/* Contact list templates in PostgreSQL: one row per template, the
 * writable fields kept as a JSON document, as lists' are (pg_lists.c). */
#include "store/postgres/pg_internal.h"

#include <stdlib.h>
#include <string.h>

static int read_template(const PGresult *r, int row, struct contact_list *out)
{
	memset(out, 0, sizeof(*out));
	pg_copy_text(r, row, 0, out->id, sizeof(out->id));
	pg_copy_text(r, row, 1, out->org_id, sizeof(out->org_id));
	const char *name = PQgetvalue(r, row, 2);
	out->name = text_ndup(name, strlen(name));
	out->version = pg_int(r, row, 3);
	out->date_created = pg_int(r, row, 4);
	out->date_modified = pg_int(r, row, 5);
	out->doc = json_loads(PQgetvalue(r, row, 6), 0, NULL);
	return out->doc ? STORE_OK : STORE_FAILED;
}

static int insert_one(struct pg_store *s, const struct contact_list *t, const char *name_key,
		      const char *doc)
{
	struct pg_params q = {0};
	pp_text(&q, t->id);
	pp_text(&q, t->org_id);
	pp_text(&q, t->name);
	pp_text(&q, name_key);
	pp_int(&q, t->version);
	pp_int(&q, t->date_created);
	pp_int(&q, t->date_modified);
	pp_text(&q, doc);
	PGresult *r = pg_run(s, PG_SQL_TEMPLATE_INSERT, &q, false);
	int rc = r ? STORE_OK : pg_write_failed(s, "template_create");
	PQclear(r);
	return rc;
}

/* The count and the inserts under the org's lock, so the limit holds;
 * names are unique by their index (a taken one: STORE_CONFLICT). */
static int create_once(struct pg_store *s, const struct contact_list *ts,
		       const char *const *name_keys, char **docs, size_t n, unsigned max_per_org,
		       size_t *bad)
{
	if (pg_begin(s))
		return STORE_FAILED;
	int rc = pg_org_lock(s, ts[0].org_id);
	struct pg_params p = {0};
	pp_text(&p, ts[0].org_id);
	PGresult *r = rc == STORE_OK ? pg_run(s, PG_SQL_TEMPLATE_COUNT, &p, false) : NULL;
	if (rc == STORE_OK && !r)
		rc = pg_fail(s, "template_count");
	if (rc == STORE_OK && pg_int(r, 0, 0) + (int64_t)n > (int64_t)max_per_org)
		rc = STORE_LIMIT;
	PQclear(r);
	for (size_t i = 0; i < n && rc == STORE_OK; i++)
		if ((rc = insert_one(s, &ts[i], name_keys[i], docs[i])) == STORE_CONFLICT)
			*bad = i;
	return pg_end(s, rc);
}

int pg_template_create(struct store *base, const struct contact_list *ts,
		       const char *const *name_keys, size_t n, unsigned max_per_org, size_t *bad)
{
	struct pg_store *s = (struct pg_store *)base;
	char **docs = calloc(n, sizeof(*docs));
	int rc = docs ? STORE_OK : STORE_FAILED;
	for (size_t i = 0; i < n && rc == STORE_OK; i++)
		if (!(docs[i] = json_dumps(ts[i].doc, JSON_COMPACT)))
			rc = STORE_FAILED;
	if (rc == STORE_OK)
		PG_CALL(s, rc, create_once(s, ts, name_keys, docs, n, max_per_org, bad));
	else
		rc = store_fail_record(&base->failure, "postgres", "template_create",
				       STORE_FAULT_MEMORY, "out of memory");
	for (size_t i = 0; docs && i < n; i++)
		free(docs[i]);
	free(docs);
	return rc;
}

static int get_once(struct pg_store *s, const char *org_id, const char *id,
		    struct contact_list *out)
{
	struct pg_params p = {0};
	pp_text(&p, org_id);
	pp_text(&p, id);
	PGresult *r = pg_run(s, PG_SQL_TEMPLATE_GET, &p, false);
	if (!r)
		return pg_fail(s, "template_get");
	int rc = PQntuples(r) ? read_template(r, 0, out) : STORE_NOT_FOUND;
	PQclear(r);
	return rc;
}

int pg_template_get(struct store *base, const char *org_id, const char *id,
		    struct contact_list *out)
{
	struct pg_store *s = (struct pg_store *)base;
	int rc;
	PG_CALL(s, rc, get_once(s, org_id, id, out));
	return rc;
}

/* A compare-and-set on the version: of two updates from one version the
 * second waits for the first's row lock, then finds the version changed. */
static int update_once(struct pg_store *s, const struct contact_list *t, const char *name_key,
		       const char *doc, int64_t expected_version)
{
	struct pg_params p = {0};
	pp_text(&p, t->org_id);
	pp_text(&p, t->id);
	pp_text(&p, t->name);
	pp_text(&p, name_key);
	pp_int(&p, t->version);
	pp_int(&p, t->date_modified);
	pp_text(&p, doc);
	pp_int(&p, expected_version);
	if (pg_begin(s))
		return STORE_FAILED;
	PGresult *r = pg_run(s, PG_SQL_TEMPLATE_UPDATE, &p, false);
	int rc = r ? STORE_OK : pg_write_failed(s, "template_update");
	if (rc == STORE_OK && strcmp(PQcmdTuples(r), "1") != 0) {
		/* No row: gone, or changed by someone else since it was read. */
		struct contact_list cur;
		rc = get_once(s, t->org_id, t->id, &cur);
		if (rc == STORE_OK) {
			contact_list_release(&cur);
			rc = STORE_STALE;
		}
	}
	PQclear(r);
	return pg_end(s, rc);
}

int pg_template_update(struct store *base, const struct contact_list *t, const char *name_key,
		       int64_t expected_version)
{
	struct pg_store *s = (struct pg_store *)base;
	char *doc = json_dumps(t->doc, JSON_COMPACT);
	if (!doc)
		return store_fail_record(&base->failure, "postgres", "template_update",
					 STORE_FAULT_MEMORY, "out of memory");
	int rc;
	PG_CALL(s, rc, update_once(s, t, name_key, doc, expected_version));
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
		PGresult *r = pg_run(s, PG_SQL_TEMPLATE_DELETE, &p, false);
		if (!r) {
			rc = pg_fail(s, "template_delete");
		} else if (strcmp(PQcmdTuples(r), "1") != 0) {
			rc = STORE_NOT_FOUND;
			*missing = ids[i];
		}
		PQclear(r);
	}
	return pg_end(s, rc);
}

int pg_template_delete_many(struct store *base, const char *org_id, const char *const *ids,
			    size_t n, const char **missing)
{
	struct pg_store *s = (struct pg_store *)base;
	int rc;
	PG_CALL(s, rc, delete_many_once(s, org_id, ids, n, missing));
	return rc;
}

/* An organization's templates are few (a limit caps them): one result. */
static int scan_once(struct pg_store *s, const char *org_id, PGresult **out)
{
	struct pg_params p = {0};
	pp_text(&p, org_id);
	*out = pg_run(s, PG_SQL_TEMPLATE_SCAN, &p, false);
	return *out ? STORE_OK : pg_fail(s, "template_scan");
}

int pg_template_scan(struct store *base, const char *org_id, store_list_cb cb, void *ctx)
{
	struct pg_store *s = (struct pg_store *)base;
	PGresult *r = NULL;
	int rc;
	PG_CALL(s, rc, scan_once(s, org_id, &r));
	for (int i = 0; rc == STORE_OK && i < PQntuples(r); i++) {
		struct contact_list t;
		rc = read_template(r, i, &t);
		int stop = rc == STORE_OK ? cb(&t, ctx) : 1;
		contact_list_release(&t);
		if (stop)
			break;
	}
	PQclear(r);
	return rc;
}

/* Contacts in PostgreSQL: one table keyed by (list key, id), the list's
 * size kept in contact_lists in the same transactions. A write locks the
 * list's row first (its size and limit), then, when it adds contacts, the
 * organization (its contact sum): see pg_internal.h. Large batches go
 * through COPY (pg_copy.c). */
#include "store/postgres/pg_internal.h"
#include "store/postgres/pg_copy.h"

#include <stdlib.h>
#include <string.h>

/* The list's limits, counted in the transaction that adds: the list's
 * size (its row is locked) and the org's sum (under the org's lock). */
static int check_limits(struct pg_store *s, const char *org_id, int64_t key, int64_t size,
			size_t added, const struct contact_limits *lim)
{
	if (!added)
		return STORE_OK;
	int rc = pg_org_lock(s, org_id);
	if (rc)
		return rc;
	struct pg_params p = {0};
	pp_text(&p, org_id);
	PGresult *r = pg_run(s, PG_SQL_ORG_CONTACTS, &p, false);
	if (!r)
		return pg_fail(s, "org_contacts");
	int64_t org_total = pg_int(r, 0, 0);
	PQclear(r);
	if (size + (int64_t)added > lim->per_list || org_total + (int64_t)added > lim->per_org)
		return STORE_LIMIT;
	struct pg_params q = {0};
	pp_int(&q, key);
	pp_int(&q, (int64_t)added);
	return pg_exec(s, PG_SQL_LIST_SIZE_ADD, &q, "list_size_add");
}

/* Inserts, or replaces when the id exists (keeping dateCreated and, as
 * store.h says, the system state not given). */
static int upsert_one(struct pg_store *s, int64_t key, const struct contact_row *c, size_t *added)
{
	struct pg_params p = {0};
	pp_int(&p, key);
	pp_text(&p, c->id);
	pp_bytes(&p, c->packed, c->packed_len);
	pp_bool(&p, c->callable);
	pp_text(&p, c->meta);
	pp_int(&p, c->date_created);
	pp_int(&p, c->date_modified);
	pp_bool(&p, c->callable_given);
	pp_bool(&p, c->clear_system);
	PGresult *r = pg_run(s, PG_SQL_CONTACT_UPSERT, &p, false);
	if (!r)
		return pg_fail(s, "contact_upsert");
	*added += PQntuples(r) && pg_bool(r, 0, 0);
	PQclear(r);
	return STORE_OK;
}

static int upsert_once(struct pg_store *s, const char *org_id, const char *list_id,
		       const struct contact_row *rows, size_t n, const struct contact_limits *lim,
		       size_t *added)
{
	int64_t key = 0, size = 0;
	*added = 0;
	if (pg_begin(s))
		return STORE_FAILED;
	int rc = pg_list_key(s, org_id, list_id, true, &key, &size);
	if (rc == STORE_OK && n >= PG_COPY_MIN_ROWS && !pg_copy_has_duplicates(rows, n))
		rc = pg_copy_upsert(s, key, rows, n, added);
	else
		for (size_t i = 0; rc == STORE_OK && i < n; i++)
			rc = upsert_one(s, key, &rows[i], added);
	if (rc == STORE_OK)
		rc = check_limits(s, org_id, key, size, *added, lim);
	rc = pg_end(s, rc);
	if (rc != STORE_OK)
		*added = 0;
	return rc;
}

int pg_contacts_upsert(struct store *base, const char *org_id, const char *list_id,
		       const struct contact_row *rows, size_t n, const struct contact_limits *lim,
		       size_t *added)
{
	struct pg_store *s = (struct pg_store *)base;
	int rc;
	PG_CALL(s, rc, upsert_once(s, org_id, list_id, rows, n, lim, added));
	return rc;
}

/* A contact of a binary result, lent: pointers into r. */
static void lend_record(const PGresult *r, int row, struct contact_record *c)
{
	c->id = PQgetvalue(r, row, 0);
	c->packed = PQgetvalue(r, row, 1);
	c->packed_len = (size_t)PQgetlength(r, row, 1);
	c->callable = pg_bin_bool(r, row, 2);
	c->meta = PQgetisnull(r, row, 3) ? NULL : PQgetvalue(r, row, 3);
	c->date_created = pg_bin_int(r, row, 4);
	c->date_modified = pg_bin_int(r, row, 5);
}

static char *dup_bytes(const char *p, size_t len)
{
	char *d = malloc(len + 1);
	if (!d)
		abort();
	memcpy(d, p, len);
	d[len] = '\0';
	return d;
}

static int contact_get_once(struct pg_store *s, const char *org_id, const char *list_id,
			    const char *id, struct contact_record *out)
{
	struct pg_params p = {0};
	pp_text(&p, org_id);
	pp_text(&p, list_id);
	pp_text(&p, id);
	PGresult *r = pg_run(s, PG_SQL_CONTACT_GET, &p, true);
	if (!r)
		return pg_fail(s, "contact_get");
	int rc = PQntuples(r) ? STORE_OK : STORE_NOT_FOUND;
	if (rc == STORE_OK) {
		struct contact_record lent;
		lend_record(r, 0, &lent);
		*out = lent;
		out->id = dup_bytes(lent.id, strlen(lent.id));
		out->packed = dup_bytes(lent.packed, lent.packed_len);
		out->meta = lent.meta ? dup_bytes(lent.meta, strlen(lent.meta)) : NULL;
	}
	PQclear(r);
	return rc;
}

/* One statement: the list is the org's and holds the contact. */
int pg_contact_get(struct store *base, const char *org_id, const char *list_id, const char *id,
		   struct contact_record *out)
{
	struct pg_store *s = (struct pg_store *)base;
	memset(out, 0, sizeof(*out));
	int rc;
	PG_CALL(s, rc, contact_get_once(s, org_id, list_id, id, out));
	return rc;
}

/* ids as a PostgreSQL array literal: each element double-quoted, with
 * its backslashes and quotes escaped (ids may hold any byte but NUL).
 * Owned by the caller; NULL without memory. */
static char *text_array(const char *const *ids, size_t n)
{
	size_t size = 3;
	for (size_t i = 0; i < n; i++)
		size += 2 * strlen(ids[i]) + 3;
	char *out = malloc(size), *p = out;
	if (!out)
		return NULL;
	*p++ = '{';
	for (size_t i = 0; i < n; i++) {
		if (i)
			*p++ = ',';
		*p++ = '"';
		for (const char *c = ids[i]; *c; c++) {
			if (*c == '"' || *c == '\\')
				*p++ = '\\';
			*p++ = *c;
		}
		*p++ = '"';
	}
	*p++ = '}';
	*p = '\0';
	return out;
}

static int contacts_get_once(struct pg_store *s, const char *org_id, const char *list_id,
			     const char *ids_array, store_contact_cb cb, void *ctx)
{
	int64_t key = 0;
	int rc = pg_list_key(s, org_id, list_id, false, &key, NULL);
	if (rc != STORE_OK)
		return rc;
	struct pg_params p = {0};
	pp_int(&p, key);
	pp_text(&p, ids_array);
	PGresult *r = pg_run(s, PG_SQL_CONTACTS_GET, &p, true);
	if (!r)
		return pg_fail(s, "contacts_get");
	for (int row = 0; row < PQntuples(r); row++) {
		struct contact_record lent;
		lend_record(r, row, &lent);
		if (cb(&lent, ctx))
			break;
	}
	PQclear(r);
	return STORE_OK;
}

/* One statement for all the ids: a 1,000-contact add reads its answer in
 * one round trip rather than 1,000. */
int pg_contacts_get(struct store *base, const char *org_id, const char *list_id,
		    const char *const *ids, size_t n, store_contact_cb cb, void *ctx)
{
	struct pg_store *s = (struct pg_store *)base;
	char *array = text_array(ids, n);
	if (!array)
		return store_fail_record(&base->failure, "postgres", "contacts_get",
					 STORE_FAULT_MEMORY, "out of memory");
	int rc;
	PG_CALL(s, rc, contacts_get_once(s, org_id, list_id, array, cb, ctx));
	free(array);
	return rc;
}

static int delete_once(struct pg_store *s, const char *org_id, const char *list_id,
		       const char *const *ids, size_t n, size_t *deleted)
{
	int64_t key = 0;
	*deleted = 0;
	if (pg_begin(s))
		return STORE_FAILED;
	int rc = pg_list_key(s, org_id, list_id, true, &key, NULL);
	for (size_t i = 0; rc == STORE_OK && i < n; i++) {
		struct pg_params p = {0};
		pp_int(&p, key);
		pp_text(&p, ids[i]);
		PGresult *r = pg_run(s, PG_SQL_CONTACT_DELETE, &p, false);
		if (!r) {
			rc = pg_fail(s, "contact_delete");
			break;
		}
		*deleted += (size_t)strtoull(PQcmdTuples(r), NULL, 10);
		PQclear(r);
	}
	if (rc == STORE_OK && *deleted) {
		struct pg_params q = {0};
		pp_int(&q, key);
		pp_int(&q, -(int64_t)*deleted);
		rc = pg_exec(s, PG_SQL_LIST_SIZE_ADD, &q, "list_size_add");
	}
	rc = pg_end(s, rc);
	if (rc != STORE_OK)
		*deleted = 0;
	return rc;
}

int pg_contacts_delete(struct store *base, const char *org_id, const char *list_id,
		       const char *const *ids, size_t n, size_t *deleted)
{
	struct pg_store *s = (struct pg_store *)base;
	int rc;
	PG_CALL(s, rc, delete_once(s, org_id, list_id, ids, n, deleted));
	return rc;
}

static int clear_once(struct pg_store *s, const char *org_id, const char *list_id)
{
	int64_t key = 0;
	if (pg_begin(s))
		return STORE_FAILED;
	int rc = pg_list_key(s, org_id, list_id, true, &key, NULL);
	struct pg_params p = {0};
	pp_int(&p, key);
	if (rc == STORE_OK)
		rc = pg_exec(s, PG_SQL_LIST_CONTACTS_DELETE, &p, "contacts_clear");
	pp_int(&p, 0);
	if (rc == STORE_OK)
		rc = pg_exec(s, PG_SQL_LIST_SIZE_SET, &p, "list_size_set");
	return pg_end(s, rc);
}

int pg_contacts_clear(struct store *base, const char *org_id, const char *list_id)
{
	struct pg_store *s = (struct pg_store *)base;
	int rc;
	PG_CALL(s, rc, clear_once(s, org_id, list_id));
	return rc;
}

/* One snapshot (a read-only REPEATABLE READ transaction) read through a
 * cursor, a few thousand rows at a time: memory does not grow with the
 * list. Once a record was handed out, a failure is not retried. */
static int scan_once(struct pg_store *s, const char *org_id, const char *list_id,
		     store_contact_cb cb, void *ctx, bool *delivered)
{
	int64_t key = 0;
	if (pg_exec(s, PG_SQL_BEGIN_SNAPSHOT, NULL, "contacts_scan"))
		return STORE_FAILED;
	int rc = pg_list_key(s, org_id, list_id, false, &key, NULL);
	struct pg_params p = {0};
	pp_int(&p, key);
	if (rc == STORE_OK)
		rc = pg_exec(s, PG_SQL_CONTACTS_SCAN_OPEN, &p, "contacts_scan");
	bool stop = false;
	while (rc == STORE_OK && !stop) {
		PGresult *r = pg_run(s, PG_SQL_CONTACTS_SCAN_FETCH, NULL, true);
		if (!r) {
			if (*delivered)
				s->retry = PG_RETRY_NONE;
			rc = pg_fail(s, "contacts_scan");
			break;
		}
		int rows = PQntuples(r);
		for (int i = 0; i < rows && !stop; i++) {
			struct contact_record c;
			lend_record(r, i, &c);
			*delivered = true;
			stop = cb(&c, ctx) != 0;
		}
		PQclear(r);
		if (!rows)
			break;
	}
	if (rc != STORE_OK)
		return pg_end(s, rc);
	/* A read-only transaction: its end cannot lose anything. */
	pg_end(s, STORE_FAILED);
	return STORE_OK;
}

int pg_contacts_scan(struct store *base, const char *org_id, const char *list_id,
		     store_contact_cb cb, void *ctx)
{
	struct pg_store *s = (struct pg_store *)base;
	bool delivered = false;
	int rc;
	PG_CALL(s, rc, scan_once(s, org_id, list_id, cb, ctx, &delivered));
	return rc;
}

/* Contacts in SQLite: one WITHOUT ROWID table clustered by (list, id), and
 * the list's size kept in contact_lists in the same transactions. */
#include "store/sqlite/sqlite_internal.h"

#include <stdlib.h>
#include <string.h>

int sql_list_key(struct sqlite_store *s, const char *org_id, const char *list_id, int64_t *key,
		 int64_t *size)
{
	sqlite3_stmt *st = sql_stmt(s, SQL_LIST_KEY);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_text(st, 1, org_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, list_id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*key = sqlite3_column_int64(st, 0);
		if (size)
			*size = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return step == SQLITE_ROW    ? STORE_OK
	       : step == SQLITE_DONE ? STORE_NOT_FOUND
				     : sql_fail(s, "list_key");
}

int sqlite_list_size(struct store *base, const char *org_id, const char *list_id, int64_t *out)
{
	int64_t key = 0;
	return sql_list_key((struct sqlite_store *)base, org_id, list_id, &key, out);
}

static int add_size(struct sqlite_store *s, int64_t key, int64_t delta)
{
	sqlite3_stmt *st = sql_stmt(s, SQL_LIST_SIZE_ADD);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_int64(st, 1, key);
	sqlite3_bind_int64(st, 2, delta);
	int step = sqlite3_step(st);
	sqlite3_reset(st);
	return step == SQLITE_DONE ? STORE_OK : sql_fail(s, "list_size_add");
}

static int org_contacts(struct sqlite_store *s, const char *org_id, int64_t *out)
{
	sqlite3_stmt *st = sql_stmt(s, SQL_ORG_CONTACTS);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_text(st, 1, org_id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return step == SQLITE_ROW ? STORE_OK : sql_fail(s, "org_contacts");
}

static void bind_row(sqlite3_stmt *st, int64_t key, const struct contact_row *r)
{
	sqlite3_bind_int64(st, 1, key);
	sqlite3_bind_text(st, 2, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, r->packed, (int)r->packed_len, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, r->callable);
	if (r->meta)
		sqlite3_bind_text(st, 5, r->meta, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 5);
}

/* Inserts, or replaces when the id exists (keeping dateCreated and, as
 * store.h says, the system state not given). */
static int upsert_one(struct sqlite_store *s, int64_t key, const struct contact_row *r,
		      bool *inserted)
{
	sqlite3_stmt *st = sql_stmt(s, SQL_CONTACT_INSERT);
	if (!st)
		return STORE_FAILED;
	bind_row(st, key, r);
	sqlite3_bind_int64(st, 6, r->date_created);
	sqlite3_bind_int64(st, 7, r->date_modified);
	if (sqlite3_step(st) != SQLITE_DONE)
		return sql_fail(s, "contact_insert");
	*inserted = sqlite3_changes(s->db) == 1;
	if (*inserted)
		return STORE_OK;
	st = sql_stmt(s, SQL_CONTACT_REPLACE);
	if (!st)
		return STORE_FAILED;
	bind_row(st, key, r);
	sqlite3_bind_int64(st, 6, r->date_modified);
	sqlite3_bind_int(st, 7, r->clear_system);
	sqlite3_bind_int(st, 8, r->callable_given);
	return sqlite3_step(st) == SQLITE_DONE ? STORE_OK : sql_fail(s, "contact_replace");
}

int sqlite_contacts_upsert(struct store *base, const char *org_id, const char *list_id,
			   const struct contact_row *rows, size_t n,
			   const struct contact_limits *lim, size_t *added)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	int64_t key = 0, size = 0, org_total = 0;
	*added = 0;
	if (sql_exec(s, SQL_BEGIN))
		return STORE_FAILED;
	int rc = sql_list_key(s, org_id, list_id, &key, &size);
	for (size_t i = 0; rc == STORE_OK && i < n; i++) {
		bool inserted = false;
		rc = upsert_one(s, key, &rows[i], &inserted);
		*added += inserted;
	}
	if (rc == STORE_OK && *added > 0) {
		rc = org_contacts(s, org_id, &org_total);
		if (rc == STORE_OK && (size + (int64_t)*added > lim->per_list ||
				       org_total + (int64_t)*added > lim->per_org))
			rc = STORE_LIMIT;
		if (rc == STORE_OK)
			rc = add_size(s, key, (int64_t)*added);
	}
	rc = sql_end(s, rc);
	if (rc != STORE_OK)
		*added = 0;
	return rc;
}

static void lend_record(sqlite3_stmt *st, struct contact_record *r)
{
	r->id = (char *)sqlite3_column_text(st, 0);
	r->packed = (char *)sqlite3_column_blob(st, 1);
	r->packed_len = (size_t)sqlite3_column_bytes(st, 1);
	r->callable = sqlite3_column_int(st, 2) != 0;
	r->meta = (char *)sqlite3_column_text(st, 3);
	r->date_created = sqlite3_column_int64(st, 4);
	r->date_modified = sqlite3_column_int64(st, 5);
}

/* One statement: the list is the org's and holds the contact. */
int sqlite_contact_get(struct store *base, const char *org_id, const char *list_id, const char *id,
		       struct contact_record *out)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *st = sql_stmt(s, SQL_CONTACT_GET);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_text(st, 1, org_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, list_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		struct contact_record lent;
		lend_record(st, &lent);
		*out = lent;
		out->id = strdup(lent.id);
		out->packed = malloc(lent.packed_len + 1);
		if (!out->id || !out->packed)
			abort();
		memcpy(out->packed, lent.packed, lent.packed_len);
		out->meta = lent.meta ? strdup(lent.meta) : NULL;
	}
	sqlite3_reset(st);
	return step == SQLITE_ROW    ? STORE_OK
	       : step == SQLITE_DONE ? STORE_NOT_FOUND
				     : sql_fail(s, "contact_get");
}

/* Local reads cost no round trip: one prepared statement per id. */
int sqlite_contacts_get(struct store *base, const char *org_id, const char *list_id,
			const char *const *ids, size_t n, store_contact_cb cb, void *ctx)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	int rc = sql_list_exists(s, org_id, list_id);
	bool stop = false;
	for (size_t i = 0; rc == STORE_OK && !stop && i < n; i++) {
		sqlite3_stmt *st = sql_stmt(s, SQL_CONTACT_GET);
		if (!st)
			return STORE_FAILED;
		sqlite3_bind_text(st, 1, org_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, list_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, ids[i], -1, SQLITE_STATIC);
		int step = sqlite3_step(st);
		if (step == SQLITE_ROW) {
			struct contact_record lent;
			lend_record(st, &lent);
			stop = cb(&lent, ctx) != 0;
		} else if (step != SQLITE_DONE) {
			rc = sql_fail(s, "contacts_get");
		}
		sqlite3_reset(st);
	}
	return rc;
}

static int delete_ids(struct sqlite_store *s, int64_t key, const char *const *ids, size_t n,
		      size_t *deleted)
{
	*deleted = 0;
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *st = sql_stmt(s, SQL_CONTACT_DELETE);
		if (!st)
			return STORE_FAILED;
		sqlite3_bind_int64(st, 1, key);
		sqlite3_bind_text(st, 2, ids[i], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			return sql_fail(s, "contact_delete");
		*deleted += (size_t)sqlite3_changes(s->db);
	}
	return *deleted ? add_size(s, key, -(int64_t)*deleted) : STORE_OK;
}

int sqlite_contacts_delete(struct store *base, const char *org_id, const char *list_id,
			   const char *const *ids, size_t n, size_t *deleted)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	int64_t key = 0;
	*deleted = 0;
	if (sql_exec(s, SQL_BEGIN))
		return STORE_FAILED;
	int rc = sql_list_key(s, org_id, list_id, &key, NULL);
	if (rc == STORE_OK)
		rc = delete_ids(s, key, ids, n, deleted);
	rc = sql_end(s, rc);
	if (rc != STORE_OK)
		*deleted = 0;
	return rc;
}

/* Runs a statement bound to the list's rowid (and value, when given). */
static int step_key(struct sqlite_store *s, enum sql_statement id, int64_t key,
		    const int64_t *value, const char *what)
{
	sqlite3_stmt *st = sql_stmt(s, id);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_int64(st, 1, key);
	if (value)
		sqlite3_bind_int64(st, 2, *value);
	int rc = sqlite3_step(st) == SQLITE_DONE ? STORE_OK : sql_fail(s, what);
	sqlite3_reset(st);
	return rc;
}

int sqlite_contacts_clear(struct store *base, const char *org_id, const char *list_id)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	int64_t key = 0;
	const int64_t zero = 0;
	if (sql_exec(s, SQL_BEGIN))
		return STORE_FAILED;
	int rc = sql_list_key(s, org_id, list_id, &key, NULL);
	if (rc == STORE_OK)
		rc = step_key(s, SQL_CONTACTS_CLEAR, key, NULL, "contacts_clear");
	if (rc == STORE_OK)
		rc = step_key(s, SQL_LIST_SIZE_SET, key, &zero, "list_size_set");
	return sql_end(s, rc);
}

int sqlite_contacts_scan(struct store *base, const char *org_id, const char *list_id,
			 store_contact_cb cb, void *ctx)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	int64_t key = 0;
	int rc = sql_list_key(s, org_id, list_id, &key, NULL);
	if (rc != STORE_OK)
		return rc;
	sqlite3_stmt *st = sql_stmt(s, SQL_CONTACTS_SCAN);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_int64(st, 1, key);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct contact_record r;
		lend_record(st, &r);
		if (cb(&r, ctx))
			break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = sql_fail(s, "contacts_scan");
	sqlite3_reset(st);
	return rc;
}

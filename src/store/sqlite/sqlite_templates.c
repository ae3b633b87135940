/* Contact list templates in SQLite: one row per template, the writable
 * fields kept as a JSON document, as lists' are (sqlite_lists.c). */
#include "store/sqlite/sqlite_internal.h"

#include <stdlib.h>
#include <string.h>

static int read_template(sqlite3_stmt *st, struct contact_list *out)
{
	memset(out, 0, sizeof(*out));
	sql_copy_text(st, 0, out->id, sizeof(out->id));
	sql_copy_text(st, 1, out->org_id, sizeof(out->org_id));
	const char *name = (const char *)sqlite3_column_text(st, 2);
	out->name = text_ndup(name ? name : "", name ? strlen(name) : 0);
	out->version = sqlite3_column_int64(st, 3);
	out->date_created = sqlite3_column_int64(st, 4);
	out->date_modified = sqlite3_column_int64(st, 5);
	const char *doc = (const char *)sqlite3_column_text(st, 6);
	out->doc = doc ? json_loads(doc, 0, NULL) : NULL;
	return out->doc ? STORE_OK : STORE_FAILED;
}

static int insert_one(struct sqlite_store *s, const struct contact_list *t, const char *name_key)
{
	char *doc = json_dumps(t->doc, JSON_COMPACT);
	if (!doc)
		return store_fail_record(&s->base.failure, "sqlite", "template_create",
					 STORE_FAULT_MEMORY, "out of memory");
	sqlite3_stmt *st = sql_stmt(s, SQL_TEMPLATE_INSERT);
	int rc = STORE_FAILED;
	if (st) {
		sqlite3_bind_text(st, 1, t->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, t->org_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, t->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, name_key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, t->version);
		sqlite3_bind_int64(st, 6, t->date_created);
		sqlite3_bind_int64(st, 7, t->date_modified);
		sqlite3_bind_text(st, 8, doc, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? STORE_OK
						     : sql_write_failed(s, "template_create");
		sqlite3_reset(st);
	}
	free(doc);
	return rc;
}

int sqlite_template_create(struct store *base, const struct contact_list *ts,
			   const char *const *name_keys, size_t n, unsigned max_per_org,
			   size_t *bad)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	/* Count and inserts in one write transaction, so the limit holds. */
	if (sql_exec(s, SQL_BEGIN))
		return STORE_FAILED;
	sqlite3_stmt *st = sql_stmt(s, SQL_TEMPLATE_COUNT);
	int rc = st ? STORE_OK : STORE_FAILED;
	if (st) {
		sqlite3_bind_text(st, 1, ts[0].org_id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW)
			rc = sql_fail(s, "template_count");
		else if (sqlite3_column_int64(st, 0) + (int64_t)n > (int64_t)max_per_org)
			rc = STORE_LIMIT;
		sqlite3_reset(st);
	}
	for (size_t i = 0; i < n && rc == STORE_OK; i++)
		if ((rc = insert_one(s, &ts[i], name_keys[i])) == STORE_CONFLICT)
			*bad = i;
	return sql_end(s, rc);
}

int sqlite_template_get(struct store *base, const char *org_id, const char *id,
			struct contact_list *out)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = sql_stmt(s, SQL_TEMPLATE_GET);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_text(st, 1, org_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	int rc = step == SQLITE_ROW    ? read_template(st, out)
		 : step == SQLITE_DONE ? STORE_NOT_FOUND
				       : sql_fail(s, "template_get");
	sqlite3_reset(st);
	return rc;
}

/* A compare-and-set on the version in one statement; when it changes no
 * row, a read inside the same transaction says whether the template is
 * gone or was changed by someone else. */
int sqlite_template_update(struct store *base, const struct contact_list *t, const char *name_key,
			   int64_t expected_version)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char *doc = json_dumps(t->doc, JSON_COMPACT);
	if (!doc)
		return store_fail_record(&base->failure, "sqlite", "template_update",
					 STORE_FAULT_MEMORY, "out of memory");
	if (sql_exec(s, SQL_BEGIN)) {
		free(doc);
		return STORE_FAILED;
	}
	sqlite3_stmt *st = sql_stmt(s, SQL_TEMPLATE_UPDATE);
	int rc = STORE_FAILED, changed = 0;
	if (st) {
		sqlite3_bind_text(st, 1, t->org_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, t->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, t->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, name_key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, t->version);
		sqlite3_bind_int64(st, 6, t->date_modified);
		sqlite3_bind_text(st, 7, doc, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 8, expected_version);
		rc = sqlite3_step(st) == SQLITE_DONE ? STORE_OK
						     : sql_write_failed(s, "template_update");
		changed = sqlite3_changes(s->db);
		sqlite3_reset(st);
	}
	free(doc);
	if (rc == STORE_OK && changed != 1) {
		struct contact_list cur;
		rc = sqlite_template_get(base, t->org_id, t->id, &cur);
		if (rc == STORE_OK) {
			contact_list_release(&cur);
			rc = STORE_STALE;
		}
	}
	return sql_end(s, rc);
}

int sqlite_template_delete_many(struct store *base, const char *org_id, const char *const *ids,
				size_t n, const char **missing)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	if (sql_exec(s, SQL_BEGIN))
		return STORE_FAILED;
	int rc = STORE_OK;
	for (size_t i = 0; i < n && rc == STORE_OK; i++) {
		sqlite3_stmt *st = sql_stmt(s, SQL_TEMPLATE_DELETE);
		if (!st) {
			rc = STORE_FAILED;
			break;
		}
		sqlite3_bind_text(st, 1, org_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, ids[i], -1, SQLITE_STATIC);
		int step = sqlite3_step(st);
		int changed = sqlite3_changes(s->db);
		sqlite3_reset(st);
		if (step != SQLITE_DONE)
			rc = sql_fail(s, "template_delete");
		else if (!changed) {
			rc = STORE_NOT_FOUND;
			*missing = ids[i];
		}
	}
	return sql_end(s, rc);
}

int sqlite_template_scan(struct store *base, const char *org_id, store_list_cb cb, void *ctx)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = sql_stmt(s, SQL_TEMPLATE_SCAN);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_text(st, 1, org_id, -1, SQLITE_STATIC);
	int step, rc = STORE_OK;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct contact_list t;
		rc = read_template(st, &t);
		int stop = rc == STORE_OK ? cb(&t, ctx) : 1;
		contact_list_release(&t);
		if (stop)
			break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = sql_fail(s, "template_scan");
	sqlite3_reset(st);
	return rc;
}

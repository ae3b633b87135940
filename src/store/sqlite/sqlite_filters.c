/* Contact list filters in SQLite: one row per filter, naming its list,
 * the writable fields kept as a JSON document (as lists' are). A list's
 * filters are deleted with it (sqlite_lists.c). */
#include "store/sqlite/sqlite_internal.h"

#include <stdlib.h>
#include <string.h>

static int read_filter(sqlite3_stmt *st, struct contact_filter *out)
{
	memset(out, 0, sizeof(*out));
	sql_copy_text(st, 0, out->id, sizeof(out->id));
	sql_copy_text(st, 1, out->org_id, sizeof(out->org_id));
	sql_copy_text(st, 2, out->list_id, sizeof(out->list_id));
	const char *name = (const char *)sqlite3_column_text(st, 3);
	out->name = text_ndup(name ? name : "", name ? strlen(name) : 0);
	out->version = sqlite3_column_int64(st, 4);
	out->date_created = sqlite3_column_int64(st, 5);
	out->date_modified = sqlite3_column_int64(st, 6);
	const char *doc = (const char *)sqlite3_column_text(st, 7);
	out->doc = doc ? json_loads(doc, 0, NULL) : NULL;
	return out->doc ? STORE_OK : STORE_FAILED;
}

/* In the caller's transaction: the list exists, the count is under the
 * cap, then the insert. */
static int create_in(struct sqlite_store *s, const struct contact_filter *f, const char *name_key,
		     const char *doc, unsigned max_per_org)
{
	int rc = sql_list_exists(s, f->org_id, f->list_id);
	if (rc != STORE_OK)
		return rc;
	sqlite3_stmt *st = sql_stmt(s, SQL_FILTER_COUNT);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_text(st, 1, f->org_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		rc = sql_fail(s, "filter_count");
	else if (sqlite3_column_int64(st, 0) >= (int64_t)max_per_org)
		rc = STORE_LIMIT;
	sqlite3_reset(st);
	if (rc != STORE_OK)
		return rc;
	if (!(st = sql_stmt(s, SQL_FILTER_INSERT)))
		return STORE_FAILED;
	sqlite3_bind_text(st, 1, f->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, f->org_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, f->list_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, f->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, name_key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, f->version);
	sqlite3_bind_int64(st, 7, f->date_created);
	sqlite3_bind_int64(st, 8, f->date_modified);
	sqlite3_bind_text(st, 9, doc, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? STORE_OK : sql_write_failed(s, "filter_create");
	sqlite3_reset(st);
	return rc;
}

int sqlite_filter_create(struct store *base, const struct contact_filter *f, const char *name_key,
			 unsigned max_per_org)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char *doc = json_dumps(f->doc, JSON_COMPACT);
	if (!doc)
		return store_fail_record(&base->failure, "sqlite", "filter_create",
					 STORE_FAULT_MEMORY, "out of memory");
	int rc = STORE_FAILED;
	if (sql_exec(s, SQL_BEGIN) == STORE_OK)
		rc = sql_end(s, create_in(s, f, name_key, doc, max_per_org));
	free(doc);
	return rc;
}

int sqlite_filter_get(struct store *base, const char *org_id, const char *id,
		      struct contact_filter *out)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = sql_stmt(s, SQL_FILTER_GET);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_text(st, 1, org_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	int rc = step == SQLITE_ROW    ? read_filter(st, out)
		 : step == SQLITE_DONE ? STORE_NOT_FOUND
				       : sql_fail(s, "filter_get");
	sqlite3_reset(st);
	return rc;
}

/* A compare-and-set on the version; when no row changes, a read in the
 * same transaction tells a filter gone from one changed meanwhile. */
int sqlite_filter_update(struct store *base, const struct contact_filter *f, const char *name_key,
			 int64_t expected_version)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char *doc = json_dumps(f->doc, JSON_COMPACT);
	if (!doc)
		return store_fail_record(&base->failure, "sqlite", "filter_update",
					 STORE_FAULT_MEMORY, "out of memory");
	if (sql_exec(s, SQL_BEGIN)) {
		free(doc);
		return STORE_FAILED;
	}
	sqlite3_stmt *st = sql_stmt(s, SQL_FILTER_UPDATE);
	int rc = STORE_FAILED, changed = 0;
	if (st) {
		sqlite3_bind_text(st, 1, f->org_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, f->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, f->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, name_key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, f->version);
		sqlite3_bind_int64(st, 6, f->date_modified);
		sqlite3_bind_text(st, 7, doc, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 8, expected_version);
		rc = sqlite3_step(st) == SQLITE_DONE ? STORE_OK
						     : sql_write_failed(s, "filter_update");
		changed = sqlite3_changes(s->db);
		sqlite3_reset(st);
	}
	free(doc);
	if (rc == STORE_OK && changed != 1) {
		struct contact_filter cur;
		rc = sqlite_filter_get(base, f->org_id, f->id, &cur);
		if (rc == STORE_OK) {
			contact_filter_release(&cur);
			rc = STORE_STALE;
		}
	}
	return sql_end(s, rc);
}

int sqlite_filter_delete_many(struct store *base, const char *org_id, const char *const *ids,
			      size_t n, const char **missing)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	if (sql_exec(s, SQL_BEGIN))
		return STORE_FAILED;
	int rc = STORE_OK;
	for (size_t i = 0; i < n && rc == STORE_OK; i++) {
		sqlite3_stmt *st = sql_stmt(s, SQL_FILTER_DELETE);
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
			rc = sql_fail(s, "filter_delete");
		else if (!changed) {
			rc = STORE_NOT_FOUND;
			*missing = ids[i];
		}
	}
	return sql_end(s, rc);
}

int sqlite_filter_scan(struct store *base, const char *org_id, store_filter_cb cb, void *ctx)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = sql_stmt(s, SQL_FILTER_SCAN);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_text(st, 1, org_id, -1, SQLITE_STATIC);
	int step, rc = STORE_OK;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct contact_filter f;
		rc = read_filter(st, &f);
		int stop = rc == STORE_OK ? cb(&f, ctx) : 1;
		contact_filter_release(&f);
		if (stop)
			break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = sql_fail(s, "filter_scan");
	sqlite3_reset(st);
	return rc;
}

/* Contact lists in SQLite: one row per list, the writable fields kept as a
 * JSON document next to the columns that are searched or kept unique. */
#include "store/sqlite/sqlite_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_list(sqlite3_stmt *st, struct contact_list *out)
{
	memset(out, 0, sizeof(*out));
	sql_copy_text(st, 0, out->id, sizeof(out->id));
	sql_copy_text(st, 1, out->org_id, sizeof(out->org_id));
	sql_copy_text(st, 2, out->division_id, sizeof(out->division_id));
	const char *name = (const char *)sqlite3_column_text(st, 3);
	out->name = text_ndup(name ? name : "", name ? strlen(name) : 0);
	out->version = sqlite3_column_int64(st, 4);
	out->date_created = sqlite3_column_int64(st, 5);
	out->date_modified = sqlite3_column_int64(st, 6);
	const char *doc = (const char *)sqlite3_column_text(st, 7);
	out->doc = doc ? json_loads(doc, 0, NULL) : NULL;
	return out->doc ? STORE_OK : STORE_FAILED;
}

static int count_lists(struct sqlite_store *s, const char *org_id, int64_t *out)
{
	sqlite3_stmt *st = sql_stmt(s, SQL_LIST_COUNT);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_text(st, 1, org_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		return sql_fail(s, "list_count");
	*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return STORE_OK;
}

int sqlite_list_create(struct store *base, const struct contact_list *cl, const char *name_key,
		       unsigned max_per_org)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char *doc = json_dumps(cl->doc, JSON_COMPACT);
	int rc = STORE_FAILED;
	int64_t count = 0;
	if (!doc)
		return store_fail_record(&base->failure, "sqlite", "list_create",
					 STORE_FAULT_MEMORY, "out of memory");
	/* Count and insert in one write transaction, so the limit holds. */
	if (sql_exec(s, SQL_BEGIN))
		goto out;
	if ((rc = count_lists(s, cl->org_id, &count)) == STORE_OK && count >= max_per_org)
		rc = STORE_LIMIT;
	sqlite3_stmt *st = rc == STORE_OK ? sql_stmt(s, SQL_LIST_INSERT) : NULL;
	if (rc == STORE_OK && !st)
		rc = STORE_FAILED;
	if (st) {
		sqlite3_bind_text(st, 1, cl->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, cl->org_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, cl->division_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, cl->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, name_key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 6, cl->version);
		sqlite3_bind_int64(st, 7, cl->date_created);
		sqlite3_bind_int64(st, 8, cl->date_modified);
		sqlite3_bind_text(st, 9, doc, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? STORE_OK
						     : sql_write_failed(s, "list_create");
		sqlite3_reset(st);
	}
	rc = sql_end(s, rc);
out:
	free(doc);
	return rc;
}

int sqlite_list_get(struct store *base, const char *org_id, const char *id,
		    struct contact_list *out)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = sql_stmt(s, SQL_LIST_GET);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_text(st, 1, org_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	int rc = step == SQLITE_ROW    ? read_list(st, out)
		 : step == SQLITE_DONE ? STORE_NOT_FOUND
				       : sql_fail(s, "list_get");
	sqlite3_reset(st);
	return rc;
}

int sqlite_list_update(struct store *base, const struct contact_list *cl, const char *name_key,
		       int64_t expected_version)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char *doc = json_dumps(cl->doc, JSON_COMPACT);
	if (!doc)
		return store_fail_record(&base->failure, "sqlite", "list_update",
					 STORE_FAULT_MEMORY, "out of memory");
	sqlite3_stmt *st = sql_stmt(s, SQL_LIST_UPDATE);
	if (!st) {
		free(doc);
		return STORE_FAILED;
	}
	sqlite3_bind_text(st, 1, cl->org_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, cl->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, cl->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, name_key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, cl->version);
	sqlite3_bind_int64(st, 6, cl->date_modified);
	sqlite3_bind_text(st, 7, doc, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, expected_version);
	int rc = sqlite3_step(st) == SQLITE_DONE ? STORE_OK : sql_write_failed(s, "list_update");
	int changed = sqlite3_changes(s->db);
	sqlite3_reset(st);
	free(doc);
	if (rc != STORE_OK || changed == 1)
		return rc;
	/* No row: gone, or changed by someone else since it was read. A
	 * single UPDATE is its own transaction, so the two may disagree only
	 * when the list was deleted between them: then it is gone. */
	rc = sql_list_exists(s, cl->org_id, cl->id);
	return rc == STORE_OK ? STORE_STALE : rc;
}

/* The list's import and export rows (their files are kept in *paths) and
 * its filters. */
static int delete_jobs(struct sqlite_store *s, const char *org_id, const char *id,
		       struct sql_paths *paths)
{
	sqlite3_stmt *f = sql_stmt(s, SQL_LIST_FILTERS_DELETE);
	if (!f)
		return STORE_FAILED;
	sqlite3_bind_text(f, 1, org_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(f, 2, id, -1, SQLITE_STATIC);
	int step = sqlite3_step(f);
	sqlite3_reset(f);
	if (step != SQLITE_DONE)
		return sql_fail(s, "list_filters_delete");
	static const enum sql_statement which[] = {SQL_LIST_IMPORTS_DELETE,
						   SQL_LIST_EXPORTS_DELETE};
	for (size_t i = 0; i < sizeof(which) / sizeof(which[0]); i++) {
		sqlite3_stmt *st = sql_stmt(s, which[i]);
		if (!st)
			return STORE_FAILED;
		sqlite3_bind_text(st, 1, org_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
		if (sql_paths_collect(s, st, paths) != STORE_OK)
			return STORE_FAILED;
	}
	return STORE_OK;
}

/* Deletes a list, its contacts and its jobs; the caller holds the
 * transaction. */
static int delete_one(struct sqlite_store *s, const char *org_id, const char *id,
		      struct sql_paths *paths)
{
	sqlite3_stmt *st = sql_stmt(s, SQL_LIST_CONTACTS_DELETE);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_text(st, 1, org_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return sql_fail(s, "list_contacts_delete");
	st = sql_stmt(s, SQL_LIST_DELETE);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_text(st, 1, org_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	int changed = sqlite3_changes(s->db);
	sqlite3_reset(st);
	if (step != SQLITE_DONE)
		return sql_fail(s, "list_delete");
	if (!changed)
		return STORE_NOT_FOUND;
	return delete_jobs(s, org_id, id, paths);
}

int sqlite_list_delete_many(struct store *base, const char *org_id, const char *const *ids,
			    size_t n, const char **missing, store_key_cb files, void *ctx)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	struct sql_paths paths = {0};
	*missing = NULL;
	if (sql_exec(s, SQL_BEGIN))
		return STORE_FAILED;
	int rc = STORE_OK;
	for (size_t i = 0; i < n && rc == STORE_OK; i++) {
		rc = delete_one(s, org_id, ids[i], &paths);
		if (rc == STORE_NOT_FOUND)
			*missing = ids[i];
	}
	if (rc == STORE_OK)
		rc = sql_exec(s, SQL_COMMIT);
	else
		sql_exec(s, SQL_ROLLBACK);
	/* Files are reported only once the rows naming them are gone for good. */
	sql_paths_report(&paths, rc == STORE_OK ? files : NULL, ctx);
	return rc;
}

int sqlite_list_scan(struct store *base, const char *org_id, store_list_cb cb, void *ctx)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = sql_stmt(s, SQL_LIST_SCAN);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_text(st, 1, org_id, -1, SQLITE_STATIC);
	int step, rc = STORE_OK;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct contact_list cl;
		rc = read_list(st, &cl);
		int stop = rc == STORE_OK ? cb(&cl, ctx) : 1;
		contact_list_release(&cl);
		if (stop)
			break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = sql_fail(s, "list_scan");
	sqlite3_reset(st);
	return rc;
}

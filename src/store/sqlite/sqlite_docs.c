/* The one way SQLite keeps a versioned named document of an organization
 * (templates, filters): the kinds differ only in their statements and in
 * a filter's list column, so one copy of the transactions serves both. */
#include "store/sqlite/sqlite_docs.h"

#include <stdlib.h>

int sql_doc_count_check(struct sqlite_store *s, const struct sql_doc_kind *k, const char *org_id,
			size_t n, unsigned max_per_org)
{
	sqlite3_stmt *st = sql_stmt(s, k->count);
	if (!st)
		return STORE_FAILED;
	int rc = STORE_OK;
	sqlite3_bind_text(st, 1, org_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		rc = sql_fail(s, k->count_op);
	else if (sqlite3_column_int64(st, 0) + (int64_t)n > (int64_t)max_per_org)
		rc = STORE_LIMIT;
	sqlite3_reset(st);
	return rc;
}

int sql_doc_insert(struct sqlite_store *s, const struct sql_doc_kind *k, const struct sql_doc *d)
{
	char *doc = json_dumps(d->doc, JSON_COMPACT);
	if (!doc)
		return store_fail_record(&s->base.failure, "sqlite", k->create_op,
					 STORE_FAULT_MEMORY, "out of memory");
	sqlite3_stmt *st = sql_stmt(s, k->insert);
	int rc = STORE_FAILED;
	if (st) {
		/* A kind with a list has it third; the rest follow one later. */
		int i = 1;
		sqlite3_bind_text(st, i++, d->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, i++, d->org_id, -1, SQLITE_STATIC);
		if (d->list_id)
			sqlite3_bind_text(st, i++, d->list_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, i++, d->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, i++, d->name_key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, i++, d->version);
		sqlite3_bind_int64(st, i++, d->date_created);
		sqlite3_bind_int64(st, i++, d->date_modified);
		sqlite3_bind_text(st, i, doc, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? STORE_OK : sql_write_failed(s, k->create_op);
		sqlite3_reset(st);
	}
	free(doc);
	return rc;
}

int sql_doc_get(struct sqlite_store *s, const struct sql_doc_kind *k, const char *org_id,
		const char *id, sql_doc_read_fn read, void *out)
{
	sqlite3_stmt *st = sql_stmt(s, k->get);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_text(st, 1, org_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	int rc = step == SQLITE_ROW    ? (read ? read(st, out) : STORE_OK)
		 : step == SQLITE_DONE ? STORE_NOT_FOUND
				       : sql_fail(s, k->get_op);
	sqlite3_reset(st);
	return rc;
}

/* A compare-and-set on the version in one statement; when it changes no
 * row, a read inside the same transaction says whether the document is
 * gone or was changed by someone else. */
int sql_doc_update(struct sqlite_store *s, const struct sql_doc_kind *k, const struct sql_doc *d,
		   int64_t expected_version)
{
	char *doc = json_dumps(d->doc, JSON_COMPACT);
	if (!doc)
		return store_fail_record(&s->base.failure, "sqlite", k->update_op,
					 STORE_FAULT_MEMORY, "out of memory");
	if (sql_exec(s, SQL_BEGIN)) {
		free(doc);
		return STORE_FAILED;
	}
	sqlite3_stmt *st = sql_stmt(s, k->update);
	int rc = STORE_FAILED, changed = 0;
	if (st) {
		sqlite3_bind_text(st, 1, d->org_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, d->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, d->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, d->name_key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, d->version);
		sqlite3_bind_int64(st, 6, d->date_modified);
		sqlite3_bind_text(st, 7, doc, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 8, expected_version);
		rc = sqlite3_step(st) == SQLITE_DONE ? STORE_OK : sql_write_failed(s, k->update_op);
		changed = sqlite3_changes(s->db);
		sqlite3_reset(st);
	}
	free(doc);
	if (rc == STORE_OK && changed != 1) {
		rc = sql_doc_get(s, k, d->org_id, d->id, NULL, NULL);
		if (rc == STORE_OK)
			rc = STORE_STALE;
	}
	return sql_end(s, rc);
}

int sql_doc_delete_many(struct sqlite_store *s, const struct sql_doc_kind *k, const char *org_id,
			const char *const *ids, size_t n, const char **missing)
{
	if (sql_exec(s, SQL_BEGIN))
		return STORE_FAILED;
	int rc = STORE_OK;
	for (size_t i = 0; i < n && rc == STORE_OK; i++) {
		sqlite3_stmt *st = sql_stmt(s, k->del);
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
			rc = sql_fail(s, k->delete_op);
		else if (!changed) {
			rc = STORE_NOT_FOUND;
			*missing = ids[i];
		}
	}
	return sql_end(s, rc);
}

int sql_doc_scan(struct sqlite_store *s, const struct sql_doc_kind *k, const char *org_id,
		 sql_doc_row_fn row, void *ctx)
{
	sqlite3_stmt *st = sql_stmt(s, k->scan);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_text(st, 1, org_id, -1, SQLITE_STATIC);
	int step, rc = STORE_OK;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int stop = 0;
		rc = row(st, ctx, &stop);
		if (stop)
			break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = sql_fail(s, k->scan_op);
	sqlite3_reset(st);
	return rc;
}

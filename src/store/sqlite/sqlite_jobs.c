/* Import and export jobs in SQLite. */
#include "store/sqlite/sqlite_internal.h"

#include <stdlib.h>
#include <string.h>

#include "common/timeutil.h"

int sql_paths_collect(struct sqlite_store *s, sqlite3_stmt *st, struct sql_paths *p)
{
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		for (int col = 0; col < sqlite3_column_count(st); col++) {
			const unsigned char *t = sqlite3_column_text(st, col);
			if (!t || !*t)
				continue;
			if (p->n == p->cap) {
				p->cap = p->cap ? p->cap * 2 : 8;
				p->v = realloc(p->v, p->cap * sizeof(*p->v));
				if (!p->v)
					abort();
			}
			p->v[p->n] = strdup((const char *)t);
			if (!p->v[p->n])
				abort();
			p->n++;
		}
	}
	sqlite3_reset(st);
	return step == SQLITE_DONE ? STORE_OK : sql_fail(s, "job_files");
}

void sql_paths_report(struct sql_paths *p, store_path_cb cb, void *ctx)
{
	for (size_t i = 0; i < p->n; i++) {
		if (cb)
			cb(p->v[i], ctx);
		free(p->v[i]);
	}
	free(p->v);
	memset(p, 0, sizeof(*p));
}

static void bind_import(sqlite3_stmt *st, const struct import_job *j)
{
	sqlite3_bind_text(st, 1, j->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, j->org_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, j->list_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, (int)j->state);
	sqlite3_bind_int64(st, 5, j->total);
	sqlite3_bind_int64(st, 6, j->completed);
	sqlite3_bind_int64(st, 7, j->failed);
	sqlite3_bind_int64(st, 8, j->blank);
	sqlite3_bind_text(st, 9, j->failure_reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, j->failure_detail, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, j->file_path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, j->rejects_path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, j->contact_id_column, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 14, j->date_created);
	sqlite3_bind_int64(st, 15, j->date_modified);
	sqlite3_bind_int(st, 16, j->clear_system_data);
	sqlite3_bind_text(st, 17, j->ignored_columns, -1, SQLITE_STATIC);
}

static void read_import(sqlite3_stmt *st, struct import_job *j)
{
	memset(j, 0, sizeof(*j));
	sql_copy_text(st, 0, j->id, sizeof(j->id));
	sql_copy_text(st, 1, j->org_id, sizeof(j->org_id));
	sql_copy_text(st, 2, j->list_id, sizeof(j->list_id));
	j->state = (enum job_state)sqlite3_column_int(st, 3);
	j->total = sqlite3_column_int64(st, 4);
	j->completed = sqlite3_column_int64(st, 5);
	j->failed = sqlite3_column_int64(st, 6);
	j->blank = sqlite3_column_int64(st, 7);
	sql_copy_text(st, 8, j->failure_reason, sizeof(j->failure_reason));
	sql_copy_text(st, 9, j->failure_detail, sizeof(j->failure_detail));
	sql_copy_text(st, 10, j->file_path, sizeof(j->file_path));
	sql_copy_text(st, 11, j->rejects_path, sizeof(j->rejects_path));
	sql_copy_text(st, 12, j->contact_id_column, sizeof(j->contact_id_column));
	j->date_created = sqlite3_column_int64(st, 13);
	j->date_modified = sqlite3_column_int64(st, 14);
	j->clear_system_data = sqlite3_column_int(st, 15) != 0;
	sql_copy_text(st, 16, j->ignored_columns, sizeof(j->ignored_columns));
}

static int step_done(struct sqlite_store *s, sqlite3_stmt *st, const char *what)
{
	int step = sqlite3_step(st);
	sqlite3_reset(st);
	return step == SQLITE_DONE ? STORE_OK : sql_fail(s, what);
}

/* An UPDATE of one row by id: STORE_NOT_FOUND when there was none. */
static int update_one(struct sqlite_store *s, sqlite3_stmt *st, const char *what)
{
	int step = sqlite3_step(st);
	int changed = sqlite3_changes(s->db);
	sqlite3_reset(st);
	if (step != SQLITE_DONE)
		return sql_fail(s, what);
	return changed ? STORE_OK : STORE_NOT_FOUND;
}

int sqlite_import_add(struct store *base, const struct import_job *job)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	if (sql_exec(s, SQL_BEGIN))
		return STORE_FAILED;
	sqlite3_stmt *st = sql_stmt(s, SQL_IMPORT_ACTIVE);
	int rc = STORE_FAILED;
	if (st) {
		sqlite3_bind_text(st, 1, job->list_id, -1, SQLITE_STATIC);
		int step = sqlite3_step(st);
		sqlite3_reset(st);
		rc = step == SQLITE_ROW	   ? STORE_CONFLICT
		     : step == SQLITE_DONE ? STORE_OK
					   : sql_fail(s, "import_active");
	}
	if (rc == STORE_OK && (st = sql_stmt(s, SQL_IMPORT_INSERT))) {
		bind_import(st, job);
		rc = step_done(s, st, "import_add");
	}
	if (rc == STORE_OK)
		return sql_exec(s, SQL_COMMIT);
	sql_exec(s, SQL_ROLLBACK);
	return rc;
}

int sqlite_import_update(struct store *base, const struct import_job *job)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = sql_stmt(s, SQL_IMPORT_UPDATE);
	if (!st)
		return STORE_FAILED;
	bind_import(st, job);
	return update_one(s, st, "import_update");
}

static int get_one(struct sqlite_store *s, enum sql_statement id, const char *key, void *out,
		   void (*read)(sqlite3_stmt *, void *))
{
	sqlite3_stmt *st = sql_stmt(s, id);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		read(st, out);
	sqlite3_reset(st);
	return step == SQLITE_ROW    ? STORE_OK
	       : step == SQLITE_DONE ? STORE_NOT_FOUND
				     : sql_fail(s, "job_get");
}

static void read_import_cb(sqlite3_stmt *st, void *out)
{
	read_import(st, out);
}

int sqlite_import_get(struct store *base, const char *id, struct import_job *out)
{
	return get_one((struct sqlite_store *)base, SQL_IMPORT_GET, id, out, read_import_cb);
}

int sqlite_import_latest(struct store *base, const char *list_id, struct import_job *out)
{
	return get_one((struct sqlite_store *)base, SQL_IMPORT_LATEST, list_id, out,
		       read_import_cb);
}

int sqlite_jobs_interrupt(struct store *base, int64_t *count)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = sql_stmt(s, SQL_IMPORTS_INTERRUPT);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_int64(st, 1, time_now_ms());
	int rc = step_done(s, st, "jobs_interrupt");
	*count = sqlite3_changes(s->db);
	if (rc == STORE_OK && (st = sql_stmt(s, SQL_EXPORTS_INTERRUPT))) {
		sqlite3_bind_int64(st, 1, time_now_ms());
		rc = step_done(s, st, "exports_interrupt");
	}
	return rc;
}

static void bind_export(sqlite3_stmt *st, const struct export_job *j)
{
	sqlite3_bind_text(st, 1, j->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, j->org_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, j->list_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, (int)j->state);
	sqlite3_bind_int64(st, 5, j->rows);
	sqlite3_bind_text(st, 6, j->file_path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, j->failure_detail, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, j->date_created);
	sqlite3_bind_int64(st, 9, j->date_modified);
}

static void read_export(sqlite3_stmt *st, void *out)
{
	struct export_job *j = out;
	memset(j, 0, sizeof(*j));
	sql_copy_text(st, 0, j->id, sizeof(j->id));
	sql_copy_text(st, 1, j->org_id, sizeof(j->org_id));
	sql_copy_text(st, 2, j->list_id, sizeof(j->list_id));
	j->state = (enum job_state)sqlite3_column_int(st, 3);
	j->rows = sqlite3_column_int64(st, 4);
	sql_copy_text(st, 5, j->file_path, sizeof(j->file_path));
	sql_copy_text(st, 6, j->failure_detail, sizeof(j->failure_detail));
	j->date_created = sqlite3_column_int64(st, 7);
	j->date_modified = sqlite3_column_int64(st, 8);
}

/* Whether the org is below max_active exports pending or running. */
static int exports_below(struct sqlite_store *s, const char *org_id, unsigned max_active)
{
	if (!max_active)
		return STORE_OK;
	sqlite3_stmt *st = sql_stmt(s, SQL_EXPORTS_ACTIVE);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_text(st, 1, org_id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	int64_t active = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (step != SQLITE_ROW)
		return sql_fail(s, "exports_active");
	return active < (int64_t)max_active ? STORE_OK : STORE_LIMIT;
}

int sqlite_export_add(struct store *base, const struct export_job *job, unsigned max_active)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	if (sql_exec(s, SQL_BEGIN))
		return STORE_FAILED;
	int rc = exports_below(s, job->org_id, max_active);
	sqlite3_stmt *st;
	if (rc == STORE_OK && (st = sql_stmt(s, SQL_EXPORT_INSERT))) {
		bind_export(st, job);
		rc = step_done(s, st, "export_add");
	} else if (rc == STORE_OK) {
		rc = STORE_FAILED;
	}
	if (rc == STORE_OK)
		return sql_exec(s, SQL_COMMIT);
	sql_exec(s, SQL_ROLLBACK);
	return rc;
}

int sqlite_export_update(struct store *base, const struct export_job *job)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = sql_stmt(s, SQL_EXPORT_UPDATE);
	if (!st)
		return STORE_FAILED;
	bind_export(st, job);
	return update_one(s, st, "export_update");
}

int sqlite_export_get(struct store *base, const char *id, struct export_job *out)
{
	return get_one((struct sqlite_store *)base, SQL_EXPORT_GET, id, out, read_export);
}

int sqlite_export_latest(struct store *base, const char *list_id, struct export_job *out)
{
	return get_one((struct sqlite_store *)base, SQL_EXPORT_LATEST, list_id, out, read_export);
}

int sqlite_jobs_prune(struct store *base, const char *list_id, store_path_cb files, void *ctx)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	static const enum sql_statement which[] = {SQL_IMPORTS_PRUNE, SQL_EXPORTS_PRUNE};
	struct sql_paths paths = {0};
	if (sql_exec(s, SQL_BEGIN))
		return STORE_FAILED;
	int rc = STORE_OK;
	for (size_t i = 0; i < sizeof(which) / sizeof(which[0]) && rc == STORE_OK; i++) {
		sqlite3_stmt *st = sql_stmt(s, which[i]);
		if (!st) {
			rc = STORE_FAILED;
			break;
		}
		sqlite3_bind_text(st, 1, list_id, -1, SQLITE_STATIC);
		rc = sql_paths_collect(s, st, &paths);
	}
	if (rc == STORE_OK)
		rc = sql_exec(s, SQL_COMMIT);
	else
		sql_exec(s, SQL_ROLLBACK);
	sql_paths_report(&paths, rc == STORE_OK ? files : NULL, ctx);
	return rc;
}

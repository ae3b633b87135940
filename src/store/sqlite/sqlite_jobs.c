/* Import and export jobs in SQLite. */
#include "store/sqlite/sqlite_internal.h"

#include <stdlib.h>
#include <string.h>

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

void sql_paths_report(struct sql_paths *p, store_key_cb cb, void *ctx)
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
	sql_bind_state(st, 4, j->state);
	sqlite3_bind_int64(st, 5, j->total);
	sqlite3_bind_int64(st, 6, j->completed);
	sqlite3_bind_int64(st, 7, j->failed);
	sqlite3_bind_int64(st, 8, j->blank);
	sqlite3_bind_text(st, 9, j->failure_reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, j->failure_detail, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, j->upload_key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, j->rejects_key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, j->contact_id_column, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 14, j->date_created);
	sqlite3_bind_int64(st, 15, j->date_modified);
	sqlite3_bind_int(st, 16, j->clear_system_data);
	sqlite3_bind_text(st, 17, j->ignored_columns, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 18, j->owner, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 19, j->lease_expires_at);
}

static int read_import(struct sqlite_store *s, sqlite3_stmt *st, void *out)
{
	struct import_job *j = out;
	memset(j, 0, sizeof(*j));
	sql_copy_text(st, 0, j->id, sizeof(j->id));
	sql_copy_text(st, 1, j->org_id, sizeof(j->org_id));
	sql_copy_text(st, 2, j->list_id, sizeof(j->list_id));
	j->total = sqlite3_column_int64(st, 4);
	j->completed = sqlite3_column_int64(st, 5);
	j->failed = sqlite3_column_int64(st, 6);
	j->blank = sqlite3_column_int64(st, 7);
	sql_copy_text(st, 8, j->failure_reason, sizeof(j->failure_reason));
	sql_copy_text(st, 9, j->failure_detail, sizeof(j->failure_detail));
	sql_copy_text(st, 10, j->upload_key, sizeof(j->upload_key));
	sql_copy_text(st, 11, j->rejects_key, sizeof(j->rejects_key));
	sql_copy_text(st, 12, j->contact_id_column, sizeof(j->contact_id_column));
	j->date_created = sqlite3_column_int64(st, 13);
	j->date_modified = sqlite3_column_int64(st, 14);
	j->clear_system_data = sqlite3_column_int(st, 15) != 0;
	sql_copy_text(st, 16, j->ignored_columns, sizeof(j->ignored_columns));
	sql_copy_text(st, 17, j->owner, sizeof(j->owner));
	j->lease_expires_at = sqlite3_column_int64(st, 18);
	return sql_read_state(s, st, 3, &j->state);
}

static int step_done(struct sqlite_store *s, sqlite3_stmt *st, const char *what)
{
	int step = sqlite3_step(st);
	int rc = step == SQLITE_DONE ? STORE_OK : sql_fail(s, what);
	sqlite3_reset(st);
	return rc;
}

/* An UPDATE of one row by id: STORE_NOT_FOUND when there was none. */
static int update_one(struct sqlite_store *s, sqlite3_stmt *st, const char *what)
{
	int step = sqlite3_step(st);
	int changed = sqlite3_changes(s->db);
	int rc = step != SQLITE_DONE ? sql_fail(s, what) : changed ? STORE_OK : STORE_NOT_FOUND;
	sqlite3_reset(st);
	return rc;
}

/* Whether the list has an import pending or running: STORE_CONFLICT. */
static int import_idle(struct sqlite_store *s, const char *list_id)
{
	sqlite3_stmt *st = sql_stmt(s, SQL_IMPORT_ACTIVE);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_text(st, 1, list_id, -1, SQLITE_STATIC);
	sql_bind_active(st, 2);
	int step = sqlite3_step(st);
	int rc = step == SQLITE_ROW    ? STORE_CONFLICT
		 : step == SQLITE_DONE ? STORE_OK
				       : sql_fail(s, "import_active");
	sqlite3_reset(st);
	return rc;
}

/* Inserts a job row with `bind`, in a transaction that has checked. */
static int insert(struct sqlite_store *s, enum sql_statement id, const void *job,
		  void (*bind)(sqlite3_stmt *, const void *), const char *what)
{
	sqlite3_stmt *st = sql_stmt(s, id);
	if (!st)
		return STORE_FAILED;
	bind(st, job);
	int rc = sqlite3_step(st) == SQLITE_DONE ? STORE_OK : sql_write_failed(s, what);
	sqlite3_reset(st);
	return rc;
}

static void bind_import_cb(sqlite3_stmt *st, const void *job)
{
	bind_import(st, job);
}

int sqlite_import_add(struct store *base, const struct import_job *job)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	if (sql_exec(s, SQL_BEGIN))
		return STORE_FAILED;
	int rc = sql_list_exists(s, job->org_id, job->list_id);
	if (rc == STORE_OK)
		rc = import_idle(s, job->list_id);
	if (rc == STORE_OK)
		rc = insert(s, SQL_IMPORT_INSERT, job, bind_import_cb, "import_add");
	return sql_end(s, rc);
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

/* One job row by (key, org): org NULL stands for any organization. */
static int get_one(struct sqlite_store *s, enum sql_statement id, const char *key,
		   const char *org_id, void *out,
		   int (*read)(struct sqlite_store *, sqlite3_stmt *, void *))
{
	sqlite3_stmt *st = sql_stmt(s, id);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sql_bind_str(st, 2, org_id);
	int step = sqlite3_step(st);
	int rc = step == SQLITE_ROW    ? read(s, st, out)
		 : step == SQLITE_DONE ? STORE_NOT_FOUND
				       : sql_fail(s, "job_get");
	sqlite3_reset(st);
	return rc;
}

int sqlite_import_get(struct store *base, const char *org_id, const char *id,
		      struct import_job *out)
{
	return get_one((struct sqlite_store *)base, SQL_IMPORT_GET, id, org_id, out, read_import);
}

int sqlite_import_latest(struct store *base, const char *org_id, const char *list_id,
			 struct import_job *out)
{
	return get_one((struct sqlite_store *)base, SQL_IMPORT_LATEST, list_id, org_id, out,
		       read_import);
}

/* Fails one table's running jobs whose lease ended (IMPORTS_EXPIRE or
 * EXPORTS_EXPIRE); *changed counts them. */
static int expire_table(struct sqlite_store *s, enum sql_statement id,
			const struct job_interruption *why, bool import, int64_t *changed)
{
	sqlite3_stmt *st = sql_stmt(s, id);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_int64(st, 1, why->at);
	sql_bind_state(st, 2, JOB_FAILED);
	int idx = 3;
	if (import)
		sqlite3_bind_text(st, idx++, why->import_reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, idx++, import ? why->import_detail : why->export_detail, -1,
			  SQLITE_STATIC);
	sql_bind_state(st, idx, JOB_RUNNING);
	int rc = step_done(s, st, "jobs_expire");
	*changed = sqlite3_changes(s->db);
	return rc;
}

int sqlite_jobs_expire(struct store *base, const struct job_interruption *why, int64_t *count)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	if (sql_exec(s, SQL_BEGIN))
		return STORE_FAILED;
	int64_t imports = 0, exports = 0;
	int rc = expire_table(s, SQL_IMPORTS_EXPIRE, why, true, &imports);
	if (rc == STORE_OK)
		rc = expire_table(s, SQL_EXPORTS_EXPIRE, why, false, &exports);
	rc = sql_end(s, rc);
	*count = rc == STORE_OK ? imports : 0;
	return rc;
}

/* Claims the oldest pending row of one table: STORE_NOT_FOUND when none. */
static int claim_one(struct sqlite_store *s, enum sql_statement id, const struct job_lease *lease,
		     struct job_claimed *out)
{
	sqlite3_stmt *st = sql_stmt(s, id);
	if (!st)
		return STORE_FAILED;
	sql_bind_state(st, 1, JOB_RUNNING);
	sqlite3_bind_text(st, 2, lease->owner, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, lease->expires_at);
	sql_bind_state(st, 4, JOB_PENDING);
	int step = sqlite3_step(st);
	int rc = STORE_NOT_FOUND;
	if (step == SQLITE_ROW) {
		sql_copy_text(st, 0, out->id, sizeof(out->id));
		sql_copy_text(st, 1, out->org_id, sizeof(out->org_id));
		sql_copy_text(st, 2, out->list_id, sizeof(out->list_id));
		step = sqlite3_step(st); /* RETURNING: runs the UPDATE to its end */
		rc = step == SQLITE_DONE ? STORE_OK : sql_fail(s, "job_claim");
	} else if (step != SQLITE_DONE) {
		rc = sql_fail(s, "job_claim");
	}
	sqlite3_reset(st);
	return rc;
}

int sqlite_job_claim(struct store *base, const struct job_lease *lease, struct job_claimed *out)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	struct job_claimed got = {0};
	/* BEGIN IMMEDIATE: the one writer, so the row picked is still
	 * pending when it is taken, whoever else claims at once. */
	if (sql_exec(s, SQL_BEGIN))
		return STORE_FAILED;
	got.kind = STORE_JOB_IMPORT;
	int rc = claim_one(s, SQL_IMPORT_CLAIM, lease, &got);
	if (rc == STORE_NOT_FOUND) {
		got.kind = STORE_JOB_EXPORT;
		rc = claim_one(s, SQL_EXPORT_CLAIM, lease, &got);
	}
	if (rc == STORE_NOT_FOUND) {
		sql_end(s, rc);
		return STORE_NOT_FOUND;
	}
	rc = sql_end(s, rc);
	if (rc == STORE_OK)
		*out = got;
	return rc;
}

int sqlite_jobs_renew(struct store *base, const struct job_lease *lease, int64_t *renewed)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	static const enum sql_statement which[] = {SQL_IMPORTS_RENEW, SQL_EXPORTS_RENEW};
	if (sql_exec(s, SQL_BEGIN))
		return STORE_FAILED;
	int rc = STORE_OK;
	int64_t n = 0;
	for (size_t i = 0; i < sizeof(which) / sizeof(which[0]) && rc == STORE_OK; i++) {
		sqlite3_stmt *st = sql_stmt(s, which[i]);
		if (!st) {
			rc = STORE_FAILED;
			break;
		}
		sql_bind_state(st, 1, JOB_RUNNING);
		sqlite3_bind_text(st, 2, lease->owner, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, lease->expires_at);
		rc = step_done(s, st, "jobs_renew");
		n += sqlite3_changes(s->db);
	}
	rc = sql_end(s, rc);
	*renewed = rc == STORE_OK ? n : 0;
	return rc;
}

static void bind_export(sqlite3_stmt *st, const void *job)
{
	const struct export_job *j = job;
	sqlite3_bind_text(st, 1, j->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, j->org_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, j->list_id, -1, SQLITE_STATIC);
	sql_bind_state(st, 4, j->state);
	sqlite3_bind_int64(st, 5, j->rows);
	sqlite3_bind_text(st, 6, j->file_key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, j->failure_detail, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, j->date_created);
	sqlite3_bind_int64(st, 9, j->date_modified);
	sqlite3_bind_text(st, 10, j->owner, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, j->lease_expires_at);
}

static int read_export(struct sqlite_store *s, sqlite3_stmt *st, void *out)
{
	struct export_job *j = out;
	memset(j, 0, sizeof(*j));
	sql_copy_text(st, 0, j->id, sizeof(j->id));
	sql_copy_text(st, 1, j->org_id, sizeof(j->org_id));
	sql_copy_text(st, 2, j->list_id, sizeof(j->list_id));
	j->rows = sqlite3_column_int64(st, 4);
	sql_copy_text(st, 5, j->file_key, sizeof(j->file_key));
	sql_copy_text(st, 6, j->failure_detail, sizeof(j->failure_detail));
	j->date_created = sqlite3_column_int64(st, 7);
	j->date_modified = sqlite3_column_int64(st, 8);
	sql_copy_text(st, 9, j->owner, sizeof(j->owner));
	j->lease_expires_at = sqlite3_column_int64(st, 10);
	return sql_read_state(s, st, 3, &j->state);
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
	sql_bind_active(st, 2);
	int step = sqlite3_step(st);
	int64_t active = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	int rc = step != SQLITE_ROW		? sql_fail(s, "exports_active")
		 : active < (int64_t)max_active ? STORE_OK
						: STORE_LIMIT;
	sqlite3_reset(st);
	return rc;
}

int sqlite_export_add(struct store *base, const struct export_job *job, unsigned max_active)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	if (sql_exec(s, SQL_BEGIN))
		return STORE_FAILED;
	int rc = sql_list_exists(s, job->org_id, job->list_id);
	if (rc == STORE_OK)
		rc = exports_below(s, job->org_id, max_active);
	if (rc == STORE_OK)
		rc = insert(s, SQL_EXPORT_INSERT, job, bind_export, "export_add");
	return sql_end(s, rc);
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

int sqlite_export_get(struct store *base, const char *org_id, const char *id,
		      struct export_job *out)
{
	return get_one((struct sqlite_store *)base, SQL_EXPORT_GET, id, org_id, out, read_export);
}

int sqlite_export_latest(struct store *base, const char *org_id, const char *list_id,
			 struct export_job *out)
{
	return get_one((struct sqlite_store *)base, SQL_EXPORT_LATEST, list_id, org_id, out,
		       read_export);
}

int sqlite_jobs_prune(struct store *base, const char *org_id, const char *list_id,
		      store_key_cb files, void *ctx)
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
		sqlite3_bind_text(st, 2, org_id, -1, SQLITE_STATIC);
		sql_bind_finished(st, 3);
		rc = sql_paths_collect(s, st, &paths);
	}
	rc = sql_end(s, rc);
	sql_paths_report(&paths, rc == STORE_OK ? files : NULL, ctx);
	return rc;
}

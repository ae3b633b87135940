/* Import and export jobs in PostgreSQL: one import per list and the
 * export cap are checked under the list's row lock and the org's lock;
 * claims take the oldest pending row with FOR UPDATE SKIP LOCKED, so
 * that servers claiming at once take different jobs. */
#include "store/postgres/pg_internal.h"

#include <stdlib.h>
#include <string.h>

void pg_keys_collect(const PGresult *r, struct pg_keys *k)
{
	for (int row = 0; row < PQntuples(r); row++) {
		for (int col = 0; col < PQnfields(r); col++) {
			const char *t = PQgetvalue(r, row, col);
			if (PQgetisnull(r, row, col) || !*t)
				continue;
			if (k->n == k->cap) {
				k->cap = k->cap ? k->cap * 2 : 8;
				k->v = realloc(k->v, k->cap * sizeof(*k->v));
				if (!k->v)
					abort();
			}
			k->v[k->n] = strdup(t);
			if (!k->v[k->n])
				abort();
			k->n++;
		}
	}
}

void pg_keys_report(struct pg_keys *k, store_key_cb cb, void *ctx)
{
	for (size_t i = 0; i < k->n; i++) {
		if (cb)
			cb(k->v[i], ctx);
		free(k->v[i]);
	}
	free(k->v);
	memset(k, 0, sizeof(*k));
}

static void import_params(struct pg_params *p, const struct import_job *j)
{
	pp_text(p, j->id);
	pp_text(p, j->org_id);
	pp_text(p, j->list_id);
	pp_state(p, j->state);
	pp_int(p, j->total);
	pp_int(p, j->completed);
	pp_int(p, j->failed);
	pp_int(p, j->blank);
	pp_text(p, j->failure_reason);
	pp_text(p, j->failure_detail);
	pp_text(p, j->upload_key);
	pp_text(p, j->rejects_key);
	pp_text(p, j->contact_id_column);
	pp_int(p, j->date_created);
	pp_int(p, j->date_modified);
	pp_bool(p, j->clear_system_data);
	pp_text(p, j->ignored_columns);
	pp_text(p, j->owner);
	pp_int(p, j->lease_expires_at);
}

static int read_import(struct pg_store *s, const PGresult *r, void *out)
{
	struct import_job *j = out;
	memset(j, 0, sizeof(*j));
	pg_copy_text(r, 0, 0, j->id, sizeof(j->id));
	pg_copy_text(r, 0, 1, j->org_id, sizeof(j->org_id));
	pg_copy_text(r, 0, 2, j->list_id, sizeof(j->list_id));
	j->total = pg_int(r, 0, 4);
	j->completed = pg_int(r, 0, 5);
	j->failed = pg_int(r, 0, 6);
	j->blank = pg_int(r, 0, 7);
	pg_copy_text(r, 0, 8, j->failure_reason, sizeof(j->failure_reason));
	pg_copy_text(r, 0, 9, j->failure_detail, sizeof(j->failure_detail));
	pg_copy_text(r, 0, 10, j->upload_key, sizeof(j->upload_key));
	pg_copy_text(r, 0, 11, j->rejects_key, sizeof(j->rejects_key));
	pg_copy_text(r, 0, 12, j->contact_id_column, sizeof(j->contact_id_column));
	j->date_created = pg_int(r, 0, 13);
	j->date_modified = pg_int(r, 0, 14);
	j->clear_system_data = pg_bool(r, 0, 15);
	pg_copy_text(r, 0, 16, j->ignored_columns, sizeof(j->ignored_columns));
	pg_copy_text(r, 0, 17, j->owner, sizeof(j->owner));
	j->lease_expires_at = pg_int(r, 0, 18);
	return pg_read_state(s, r, 0, 3, &j->state);
}

static void export_params(struct pg_params *p, const struct export_job *j)
{
	pp_text(p, j->id);
	pp_text(p, j->org_id);
	pp_text(p, j->list_id);
	pp_state(p, j->state);
	pp_int(p, j->rows);
	pp_text(p, j->file_key);
	pp_text(p, j->failure_detail);
	pp_int(p, j->date_created);
	pp_int(p, j->date_modified);
	pp_text(p, j->owner);
	pp_int(p, j->lease_expires_at);
}

static int read_export(struct pg_store *s, const PGresult *r, void *out)
{
	struct export_job *j = out;
	memset(j, 0, sizeof(*j));
	pg_copy_text(r, 0, 0, j->id, sizeof(j->id));
	pg_copy_text(r, 0, 1, j->org_id, sizeof(j->org_id));
	pg_copy_text(r, 0, 2, j->list_id, sizeof(j->list_id));
	j->rows = pg_int(r, 0, 4);
	pg_copy_text(r, 0, 5, j->file_key, sizeof(j->file_key));
	pg_copy_text(r, 0, 6, j->failure_detail, sizeof(j->failure_detail));
	j->date_created = pg_int(r, 0, 7);
	j->date_modified = pg_int(r, 0, 8);
	pg_copy_text(r, 0, 9, j->owner, sizeof(j->owner));
	j->lease_expires_at = pg_int(r, 0, 10);
	return pg_read_state(s, r, 0, 3, &j->state);
}

/* Inserts a job row, in a transaction that has checked. */
static int insert(struct pg_store *s, enum pg_sql id, const struct pg_params *p, const char *what)
{
	PGresult *r = pg_run(s, id, p, false);
	if (!r)
		return pg_write_failed(s, what);
	PQclear(r);
	return STORE_OK;
}

/* Whether the list has an import pending or running: STORE_CONFLICT. */
static int import_idle(struct pg_store *s, const char *list_id)
{
	struct pg_params p = {0};
	pp_text(&p, list_id);
	pp_state(&p, JOB_PENDING);
	pp_state(&p, JOB_RUNNING);
	PGresult *r = pg_run(s, PG_SQL_IMPORT_ACTIVE, &p, false);
	if (!r)
		return pg_fail(s, "import_active");
	int rc = PQntuples(r) ? STORE_CONFLICT : STORE_OK;
	PQclear(r);
	return rc;
}

/* The list's row lock makes "one import per list" hold: adders of one
 * list queue on it, and each sees the one before. */
static int import_add_once(struct pg_store *s, const struct import_job *job)
{
	int64_t key = 0;
	if (pg_begin(s))
		return STORE_FAILED;
	int rc = pg_list_key(s, job->org_id, job->list_id, true, &key, NULL);
	if (rc == STORE_OK)
		rc = import_idle(s, job->list_id);
	if (rc == STORE_OK) {
		struct pg_params p = {0};
		import_params(&p, job);
		rc = insert(s, PG_SQL_IMPORT_INSERT, &p, "import_add");
	}
	return pg_end(s, rc);
}

int pg_import_add(struct store *base, const struct import_job *job)
{
	struct pg_store *s = (struct pg_store *)base;
	int rc;
	PG_CALL(s, rc, import_add_once(s, job));
	return rc;
}

/* An UPDATE of one row by id, in a transaction of its own: STORE_NOT_FOUND
 * when there was none. */
static int update_one(struct pg_store *s, enum pg_sql id, const struct pg_params *p,
		      const char *what)
{
	if (pg_begin(s))
		return STORE_FAILED;
	PGresult *r = pg_run(s, id, p, false);
	int rc = !r ? pg_fail(s, what) : strcmp(PQcmdTuples(r), "0") ? STORE_OK : STORE_NOT_FOUND;
	PQclear(r);
	return pg_end(s, rc);
}

int pg_import_update(struct store *base, const struct import_job *j)
{
	struct pg_store *s = (struct pg_store *)base;
	struct pg_params p = {0};
	pp_text(&p, j->id);
	pp_text(&p, j->org_id);
	pp_state(&p, j->state);
	pp_int(&p, j->total);
	pp_int(&p, j->completed);
	pp_int(&p, j->failed);
	pp_int(&p, j->blank);
	pp_text(&p, j->failure_reason);
	pp_text(&p, j->failure_detail);
	pp_int(&p, j->date_modified);
	pp_text(&p, j->ignored_columns);
	pp_text(&p, j->owner);
	int rc;
	PG_CALL(s, rc, update_one(s, PG_SQL_IMPORT_UPDATE, &p, "import_update"));
	return rc;
}

/* One job row by (key, org): org NULL stands for any organization. */
static int get_once(struct pg_store *s, enum pg_sql id, const char *key, const char *org_id,
		    void *out, int (*read)(struct pg_store *, const PGresult *, void *))
{
	struct pg_params p = {0};
	pp_text(&p, key);
	pp_text(&p, org_id);
	PGresult *r = pg_run(s, id, &p, false);
	if (!r)
		return pg_fail(s, "job_get");
	int rc = PQntuples(r) ? read(s, r, out) : STORE_NOT_FOUND;
	PQclear(r);
	return rc;
}

int pg_import_get(struct store *base, const char *org_id, const char *id, struct import_job *out)
{
	struct pg_store *s = (struct pg_store *)base;
	int rc;
	PG_CALL(s, rc, get_once(s, PG_SQL_IMPORT_GET, id, org_id, out, read_import));
	return rc;
}

int pg_import_latest(struct store *base, const char *org_id, const char *list_id,
		     struct import_job *out)
{
	struct pg_store *s = (struct pg_store *)base;
	int rc;
	PG_CALL(s, rc, get_once(s, PG_SQL_IMPORT_LATEST, list_id, org_id, out, read_import));
	return rc;
}

/* Whether the org is below max_active exports pending or running (the
 * caller holds the org's lock). */
static int exports_below(struct pg_store *s, const char *org_id, unsigned max_active)
{
	struct pg_params p = {0};
	pp_text(&p, org_id);
	pp_state(&p, JOB_PENDING);
	pp_state(&p, JOB_RUNNING);
	PGresult *r = pg_run(s, PG_SQL_EXPORTS_ACTIVE, &p, false);
	if (!r)
		return pg_fail(s, "exports_active");
	int rc = pg_int(r, 0, 0) < (int64_t)max_active ? STORE_OK : STORE_LIMIT;
	PQclear(r);
	return rc;
}

static int export_add_once(struct pg_store *s, const struct export_job *job, unsigned max_active)
{
	if (pg_begin(s))
		return STORE_FAILED;
	int rc = pg_list_exists(s, job->org_id, job->list_id);
	if (rc == STORE_OK && max_active && (rc = pg_org_lock(s, job->org_id)) == STORE_OK)
		rc = exports_below(s, job->org_id, max_active);
	if (rc == STORE_OK) {
		struct pg_params p = {0};
		export_params(&p, job);
		rc = insert(s, PG_SQL_EXPORT_INSERT, &p, "export_add");
	}
	return pg_end(s, rc);
}

int pg_export_add(struct store *base, const struct export_job *job, unsigned max_active)
{
	struct pg_store *s = (struct pg_store *)base;
	int rc;
	PG_CALL(s, rc, export_add_once(s, job, max_active));
	return rc;
}

int pg_export_update(struct store *base, const struct export_job *j)
{
	struct pg_store *s = (struct pg_store *)base;
	struct pg_params p = {0};
	pp_text(&p, j->id);
	pp_text(&p, j->org_id);
	pp_state(&p, j->state);
	pp_int(&p, j->rows);
	pp_text(&p, j->failure_detail);
	pp_int(&p, j->date_modified);
	pp_text(&p, j->owner);
	int rc;
	PG_CALL(s, rc, update_one(s, PG_SQL_EXPORT_UPDATE, &p, "export_update"));
	return rc;
}

int pg_export_get(struct store *base, const char *org_id, const char *id, struct export_job *out)
{
	struct pg_store *s = (struct pg_store *)base;
	int rc;
	PG_CALL(s, rc, get_once(s, PG_SQL_EXPORT_GET, id, org_id, out, read_export));
	return rc;
}

int pg_export_latest(struct store *base, const char *org_id, const char *list_id,
		     struct export_job *out)
{
	struct pg_store *s = (struct pg_store *)base;
	int rc;
	PG_CALL(s, rc, get_once(s, PG_SQL_EXPORT_LATEST, list_id, org_id, out, read_export));
	return rc;
}

/* Concurrent prunes: a row two of them would delete is deleted by the
 * first; the second waits for its lock, finds it gone and skips it. */
static int prune_once(struct pg_store *s, const char *org_id, const char *list_id,
		      struct pg_keys *keys)
{
	static const enum pg_sql which[] = {PG_SQL_IMPORTS_PRUNE, PG_SQL_EXPORTS_PRUNE};
	pg_keys_report(keys, NULL, NULL); /* an earlier attempt's */
	if (pg_begin(s))
		return STORE_FAILED;
	int rc = STORE_OK;
	for (size_t i = 0; i < sizeof(which) / sizeof(which[0]) && rc == STORE_OK; i++) {
		struct pg_params p = {0};
		pp_text(&p, list_id);
		pp_text(&p, org_id);
		pp_state(&p, JOB_DONE);
		pp_state(&p, JOB_FAILED);
		PGresult *r = pg_run(s, which[i], &p, false);
		if (!r) {
			rc = pg_fail(s, "jobs_prune");
			break;
		}
		pg_keys_collect(r, keys);
		PQclear(r);
	}
	return pg_end(s, rc);
}

int pg_jobs_prune(struct store *base, const char *org_id, const char *list_id, store_key_cb files,
		  void *ctx)
{
	struct pg_store *s = (struct pg_store *)base;
	struct pg_keys keys = {0};
	int rc;
	PG_CALL(s, rc, prune_once(s, org_id, list_id, &keys));
	pg_keys_report(&keys, rc == STORE_OK ? files : NULL, ctx);
	return rc;
}

/* Claims the oldest pending row of one table: STORE_NOT_FOUND when none. */
static int claim_one(struct pg_store *s, enum pg_sql id, const struct job_lease *lease,
		     struct job_claimed *out)
{
	struct pg_params p = {0};
	pp_state(&p, JOB_RUNNING);
	pp_text(&p, lease->owner);
	pp_int(&p, lease->expires_at);
	pp_state(&p, JOB_PENDING);
	PGresult *r = pg_run(s, id, &p, false);
	if (!r)
		return pg_fail(s, "job_claim");
	int rc = PQntuples(r) ? STORE_OK : STORE_NOT_FOUND;
	if (rc == STORE_OK) {
		pg_copy_text(r, 0, 0, out->id, sizeof(out->id));
		pg_copy_text(r, 0, 1, out->org_id, sizeof(out->org_id));
		pg_copy_text(r, 0, 2, out->list_id, sizeof(out->list_id));
	}
	PQclear(r);
	return rc;
}

static int claim_once(struct pg_store *s, const struct job_lease *lease, struct job_claimed *got)
{
	if (pg_begin(s))
		return STORE_FAILED;
	got->kind = STORE_JOB_IMPORT;
	int rc = claim_one(s, PG_SQL_IMPORT_CLAIM, lease, got);
	if (rc == STORE_NOT_FOUND) {
		got->kind = STORE_JOB_EXPORT;
		rc = claim_one(s, PG_SQL_EXPORT_CLAIM, lease, got);
	}
	if (rc == STORE_NOT_FOUND) {
		pg_end(s, rc);
		return STORE_NOT_FOUND;
	}
	return pg_end(s, rc);
}

int pg_job_claim(struct store *base, const struct job_lease *lease, struct job_claimed *out)
{
	struct pg_store *s = (struct pg_store *)base;
	struct job_claimed got = {0};
	int rc;
	PG_CALL(s, rc, claim_once(s, lease, &got));
	if (rc == STORE_OK)
		*out = got;
	return rc;
}

/* Rows an UPDATE touched, inside the caller's transaction. */
static int update_count(struct pg_store *s, enum pg_sql id, const struct pg_params *p,
			int64_t *changed, const char *what)
{
	PGresult *r = pg_run(s, id, p, false);
	if (!r)
		return pg_fail(s, what);
	*changed += strtoll(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return STORE_OK;
}

static int renew_once(struct pg_store *s, const struct job_lease *lease, int64_t *renewed)
{
	struct pg_params p = {0};
	pp_state(&p, JOB_RUNNING);
	pp_text(&p, lease->owner);
	pp_int(&p, lease->expires_at);
	*renewed = 0;
	if (pg_begin(s))
		return STORE_FAILED;
	int rc = update_count(s, PG_SQL_IMPORTS_RENEW, &p, renewed, "jobs_renew");
	if (rc == STORE_OK)
		rc = update_count(s, PG_SQL_EXPORTS_RENEW, &p, renewed, "jobs_renew");
	rc = pg_end(s, rc);
	if (rc != STORE_OK)
		*renewed = 0;
	return rc;
}

int pg_jobs_renew(struct store *base, const struct job_lease *lease, int64_t *renewed)
{
	struct pg_store *s = (struct pg_store *)base;
	int rc;
	PG_CALL(s, rc, renew_once(s, lease, renewed));
	return rc;
}

static int expire_once(struct pg_store *s, const struct job_interruption *why, int64_t *count)
{
	struct pg_params i = {0}, e = {0};
	int64_t exports = 0;
	pp_int(&i, why->at);
	pp_state(&i, JOB_FAILED);
	pp_text(&i, why->import_reason);
	pp_text(&i, why->import_detail);
	pp_state(&i, JOB_RUNNING);
	pp_int(&e, why->at);
	pp_state(&e, JOB_FAILED);
	pp_text(&e, why->export_detail);
	pp_state(&e, JOB_RUNNING);
	*count = 0;
	if (pg_begin(s))
		return STORE_FAILED;
	int rc = update_count(s, PG_SQL_IMPORTS_EXPIRE, &i, count, "jobs_expire");
	if (rc == STORE_OK)
		rc = update_count(s, PG_SQL_EXPORTS_EXPIRE, &e, &exports, "jobs_expire");
	rc = pg_end(s, rc);
	if (rc != STORE_OK)
		*count = 0;
	return rc;
}

int pg_jobs_expire(struct store *base, const struct job_interruption *why, int64_t *count)
{
	struct pg_store *s = (struct pg_store *)base;
	int rc;
	PG_CALL(s, rc, expire_once(s, why, count));
	return rc;
}

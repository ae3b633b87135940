/* The store facade: the only caller of a backend's table of functions.
 * Each wrapper checks what a broken caller could get wrong (a missing
 * tenant), derives what the domain decides (a list name's key, from the
 * model) and hands the call to the backend. Contracts: store.h. */
#include "store/store.h"
#include "store/store_backend.h"
#include "store/sqlite/sqlite_store.h"
#include "store/postgres/pg_store.h"
#include "common/log.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	int value;
	const char *key, *text;
} statuses[] = {
#define X(id, value, key, text) {value, key, text},
	STORE_STATUS_TABLE(X)
#undef X
};

#define STATUS_COUNT (sizeof(statuses) / sizeof(statuses[0]))

const char *store_status_name(int status)
{
	for (size_t i = 0; i < STATUS_COUNT; i++)
		if (statuses[i].value == status)
			return statuses[i].text;
	return "store failure";
}

const char *store_status_key(int status)
{
	for (size_t i = 0; i < STATUS_COUNT; i++)
		if (statuses[i].value == status)
			return statuses[i].key;
	return "failed";
}

static const struct {
	const char *key, *text;
	int retry_after;
} faults[] = {
#define X(id, key, text, retry) [id] = {key, text, retry},
	STORE_FAULT_TABLE(X)
#undef X
};

#define FAULT_COUNT (sizeof(faults) / sizeof(faults[0]))

static enum store_fault fault_known(enum store_fault f)
{
	return (unsigned)f < FAULT_COUNT ? f : STORE_FAULT_INTERNAL;
}

const char *store_fault_key(enum store_fault f)
{
	return faults[fault_known(f)].key;
}

const char *store_fault_text(enum store_fault f)
{
	return faults[fault_known(f)].text;
}

int store_fault_retry_after(enum store_fault f)
{
	return faults[fault_known(f)].retry_after;
}

int store_fail_record(struct store_failure *rec, const char *backend, const char *op,
		      enum store_fault fault, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	/* The analyzer misses the va_start above (a false positive of clang 14). */
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
	vsnprintf(rec->detail, sizeof(rec->detail), fmt, ap);
	va_end(ap);
	rec->fault = fault_known(fault);
	log_error("event=store_error backend=%s op=%s fault=%s error=\"%s\"", backend, op,
		  store_fault_key(rec->fault), rec->detail);
	return STORE_FAILED;
}

const struct store_failure *store_last_failure(const struct store *s)
{
	static const struct store_failure no_connection = {
		STORE_FAULT_UNAVAILABLE, "no connection to the database could be opened"};
	return s ? &s->failure : &no_connection;
}

const struct store_failure *store_blob_last_failure(const struct store_blob *b)
{
	return &b->failure;
}

/* Every call starts with no failure recorded, so store_last_failure never
 * reports an earlier call's reason. */
static const struct store_ops *begin(struct store *s)
{
	s->failure.fault = STORE_FAULT_NONE;
	s->failure.detail[0] = '\0';
	return s->ops;
}

const char *store_ops_missing(const struct store_ops *ops)
{
#define X(op)                                                                                      \
	if (!ops->op)                                                                              \
		return #op;
	STORE_OPS(X)
#undef X
	return NULL;
}

/* A backend that lacks an operation is refused at open, by the name of
 * what it lacks, rather than crashing on the first call to it. */
static int check_complete(struct store **s, char *err, size_t err_size)
{
	const char *missing = store_ops_missing((*s)->ops);
	if (!missing)
		return STORE_OK;
	snprintf(err, err_size, "the %s store backend lacks the operation %s", (*s)->ops->name,
		 missing);
	if ((*s)->ops->close)
		(*s)->ops->close(*s);
	*s = NULL;
	return STORE_FAILED;
}

int store_open(const char *location, struct store **out, char *err, size_t err_size)
{
	return store_open_with(location, NULL, out, err, err_size);
}

int store_open_with(const char *location, const struct store_options *opt, struct store **out,
		    char *err, size_t err_size)
{
	struct store_options o = opt ? *opt : (struct store_options){0};
	if (!o.lock_wait_ms)
		o.lock_wait_ms = STORE_LOCK_WAIT_MS_DEFAULT;
	struct store *s = NULL;
	*out = NULL;
	/* A libpq connection URI is PostgreSQL; anything else a SQLite path. */
	int rc = pg_location_is(location) ? pg_store_open(location, &o, &s, err, err_size)
					  : sqlite_store_open(location, &o, &s, err, err_size);
	if (rc != STORE_OK)
		return rc;
	if (check_complete(&s, err, err_size) != STORE_OK)
		return STORE_FAILED;
	if (store_trace_wanted()) {
		s = store_trace_wrap(s);
		if (!s) {
			snprintf(err, err_size, "out of memory");
			return STORE_FAILED;
		}
		if (check_complete(&s, err, err_size) != STORE_OK)
			return STORE_FAILED;
	}
	*out = s;
	return STORE_OK;
}

void store_location_redact(const char *location, char *out, size_t size)
{
	if (pg_location_is(location))
		pg_location_redact(location, out, size);
	else
		snprintf(out, size, "%s", location);
}

void store_close(struct store *s)
{
	if (s)
		s->ops->close(s);
}

void contact_record_release(struct contact_record *r)
{
	if (!r)
		return;
	free(r->id);
	free(r->packed);
	free(r->meta);
	memset(r, 0, sizeof(*r));
}

int store_org_add(struct store *s, const struct org *org)
{
	assert(org && org->id[0]);
	return begin(s)->org_add(s, org);
}

int store_org_get(struct store *s, const char *id, struct org *out)
{
	assert(id);
	return begin(s)->org_get(s, id, out);
}

int store_org_get_by_name(struct store *s, const char *name, struct org *out)
{
	assert(name);
	return begin(s)->org_get_by_name(s, name, out);
}

int store_org_count(struct store *s, int64_t *out)
{
	return begin(s)->org_count(s, out);
}

int store_org_scan(struct store *s, store_org_cb cb, void *ctx)
{
	assert(cb);
	return begin(s)->org_scan(s, cb, ctx);
}

int store_client_add(struct store *s, const struct oauth_client *c)
{
	assert(c && c->id[0] && c->org_id[0]);
	return begin(s)->client_add(s, c);
}

int store_client_get(struct store *s, const char *id, struct oauth_client *out)
{
	assert(id);
	return begin(s)->client_get(s, id, out);
}

int store_client_list(struct store *s, store_client_cb cb, void *ctx)
{
	return begin(s)->client_list(s, cb, ctx);
}

int store_client_revoke(struct store *s, const char *id)
{
	assert(id);
	return begin(s)->client_revoke(s, id);
}

int store_token_add(struct store *s, const char *hash, const struct token_info *t)
{
	assert(hash && t && t->org_id[0]);
	return begin(s)->token_add(s, hash, t);
}

int store_token_get(struct store *s, const char *hash, struct token_info *out)
{
	assert(hash);
	return begin(s)->token_get(s, hash, out);
}

int store_tokens_expire(struct store *s, int64_t now_ms, int64_t *deleted)
{
	int64_t n = 0;
	int rc = begin(s)->tokens_expire(s, now_ms, &n);
	if (deleted)
		*deleted = rc == STORE_OK ? n : 0;
	return rc;
}

int store_client_tokens_expire(struct store *s, const char *client_id, int64_t now_ms,
			       int64_t *expired)
{
	assert(client_id);
	int64_t n = 0;
	int rc = begin(s)->client_tokens_expire(s, client_id, now_ms, &n);
	if (expired)
		*expired = rc == STORE_OK ? n : 0;
	return rc;
}

/* The uniqueness key of a list's name is the model's rule; the backend
 * only keeps it unique per organization. */
static int list_write(struct store *s, const struct contact_list *cl, bool create,
		      unsigned max_per_org, int64_t expected_version)
{
	assert(cl && cl->org_id[0] && cl->name);
	begin(s);
	char *key = contact_list_name_key(cl->name);
	if (!key)
		return store_fail_record(&s->failure, "facade", "list_write", STORE_FAULT_MEMORY,
					 "out of memory");
	int rc = create ? begin(s)->list_create(s, cl, key, max_per_org)
			: begin(s)->list_update(s, cl, key, expected_version);
	free(key);
	return rc;
}

int store_list_create(struct store *s, const struct contact_list *cl, unsigned max_per_org)
{
	return list_write(s, cl, true, max_per_org, 0);
}

int store_list_get(struct store *s, const char *org_id, const char *id, struct contact_list *out)
{
	assert(org_id && id);
	return begin(s)->list_get(s, org_id, id, out);
}

int store_list_update(struct store *s, const struct contact_list *cl, int64_t expected_version)
{
	return list_write(s, cl, false, 0, expected_version);
}

int store_list_delete(struct store *s, const char *org_id, const char *id, store_key_cb files,
		      void *ctx)
{
	const char *missing;
	return store_list_delete_many(s, org_id, &id, 1, &missing, files, ctx);
}

int store_list_delete_many(struct store *s, const char *org_id, const char *const *ids, size_t n,
			   const char **missing, store_key_cb files, void *ctx)
{
	assert(org_id && (ids || !n) && missing);
	*missing = NULL;
	return begin(s)->list_delete_many(s, org_id, ids, n, missing, files, ctx);
}

int store_list_scan(struct store *s, const char *org_id, store_list_cb cb, void *ctx)
{
	assert(org_id && cb);
	return begin(s)->list_scan(s, org_id, cb, ctx);
}

/* Templates: the names' keys are the model's rule, as for lists. */
int store_template_create(struct store *s, const struct contact_list *ts, size_t n,
			  unsigned max_per_org, size_t *bad)
{
	assert(ts && n > 0);
	begin(s);
	size_t unused;
	if (!bad)
		bad = &unused;
	*bad = 0;
	char **keys = calloc(n, sizeof(*keys));
	int rc = keys ? STORE_OK : STORE_FAILED;
	for (size_t i = 0; i < n && rc == STORE_OK; i++) {
		assert(ts[i].org_id[0] && ts[i].name && strcmp(ts[i].org_id, ts[0].org_id) == 0);
		if (!(keys[i] = contact_list_name_key(ts[i].name)))
			rc = STORE_FAILED;
	}
	if (rc == STORE_OK)
		rc = begin(s)->template_create(s, ts, (const char *const *)keys, n, max_per_org,
					       bad);
	else
		rc = store_fail_record(&s->failure, "facade", "template_create", STORE_FAULT_MEMORY,
				       "out of memory");
	for (size_t i = 0; keys && i < n; i++)
		free(keys[i]);
	free(keys);
	return rc;
}

int store_template_get(struct store *s, const char *org_id, const char *id,
		       struct contact_list *out)
{
	assert(org_id && id && out);
	return begin(s)->template_get(s, org_id, id, out);
}

int store_template_update(struct store *s, const struct contact_list *t, int64_t expected_version)
{
	assert(t && t->org_id[0] && t->name);
	begin(s);
	char *key = contact_list_name_key(t->name);
	if (!key)
		return store_fail_record(&s->failure, "facade", "template_update",
					 STORE_FAULT_MEMORY, "out of memory");
	int rc = begin(s)->template_update(s, t, key, expected_version);
	free(key);
	return rc;
}

int store_template_delete_many(struct store *s, const char *org_id, const char *const *ids,
			       size_t n, const char **missing)
{
	assert(org_id && (ids || !n) && missing);
	*missing = NULL;
	return begin(s)->template_delete_many(s, org_id, ids, n, missing);
}

int store_template_scan(struct store *s, const char *org_id, store_list_cb cb, void *ctx)
{
	assert(org_id && cb);
	return begin(s)->template_scan(s, org_id, cb, ctx);
}

void contact_filter_release(struct contact_filter *f)
{
	if (!f)
		return;
	free(f->name);
	json_decref(f->doc);
	memset(f, 0, sizeof(*f));
}

/* Filters: the names' keys are the model's rule, as for lists. */
static int filter_write(struct store *s, const struct contact_filter *f, bool create,
			unsigned max_per_org, int64_t expected_version)
{
	assert(f && f->org_id[0] && f->list_id[0] && f->name);
	begin(s);
	char *key = contact_list_name_key(f->name);
	if (!key)
		return store_fail_record(&s->failure, "facade", "filter_write", STORE_FAULT_MEMORY,
					 "out of memory");
	int rc = create ? begin(s)->filter_create(s, f, key, max_per_org)
			: begin(s)->filter_update(s, f, key, expected_version);
	free(key);
	return rc;
}

int store_filter_create(struct store *s, const struct contact_filter *f, unsigned max_per_org)
{
	return filter_write(s, f, true, max_per_org, 0);
}

int store_filter_get(struct store *s, const char *org_id, const char *id,
		     struct contact_filter *out)
{
	assert(org_id && id && out);
	return begin(s)->filter_get(s, org_id, id, out);
}

int store_filter_update(struct store *s, const struct contact_filter *f, int64_t expected_version)
{
	return filter_write(s, f, false, 0, expected_version);
}

int store_filter_delete_many(struct store *s, const char *org_id, const char *const *ids, size_t n,
			     const char **missing)
{
	assert(org_id && (ids || !n) && missing);
	*missing = NULL;
	return begin(s)->filter_delete_many(s, org_id, ids, n, missing);
}

int store_filter_scan(struct store *s, const char *org_id, store_filter_cb cb, void *ctx)
{
	assert(org_id && cb);
	return begin(s)->filter_scan(s, org_id, cb, ctx);
}

int store_list_size(struct store *s, const char *org_id, const char *list_id, int64_t *out)
{
	assert(org_id && list_id);
	return begin(s)->list_size(s, org_id, list_id, out);
}

int store_contacts_upsert(struct store *s, const char *org_id, const char *list_id,
			  const struct contact_row *rows, size_t n,
			  const struct contact_limits *lim, size_t *added)
{
	assert(org_id && list_id && lim && added && (rows || !n));
	*added = 0;
	return begin(s)->contacts_upsert(s, org_id, list_id, rows, n, lim, added);
}

int store_contact_get(struct store *s, const char *org_id, const char *list_id, const char *id,
		      struct contact_record *out)
{
	assert(org_id && list_id && id && out);
	return begin(s)->contact_get(s, org_id, list_id, id, out);
}

int store_contact_delete(struct store *s, const char *org_id, const char *list_id, const char *id)
{
	size_t deleted = 0;
	int rc = store_contacts_delete(s, org_id, list_id, &id, 1, &deleted);
	return rc == STORE_OK && deleted == 0 ? STORE_NOT_FOUND : rc;
}

int store_contacts_delete(struct store *s, const char *org_id, const char *list_id,
			  const char *const *ids, size_t n, size_t *deleted)
{
	assert(org_id && list_id && (ids || !n) && deleted);
	*deleted = 0;
	return begin(s)->contacts_delete(s, org_id, list_id, ids, n, deleted);
}

int store_contacts_clear(struct store *s, const char *org_id, const char *list_id)
{
	assert(org_id && list_id);
	return begin(s)->contacts_clear(s, org_id, list_id);
}

int store_contacts_get(struct store *s, const char *org_id, const char *list_id,
		       const char *const *ids, size_t n, store_contact_cb cb, void *ctx)
{
	assert(org_id && list_id && cb && (ids || n == 0));
	return begin(s)->contacts_get(s, org_id, list_id, ids, n, cb, ctx);
}

int store_contacts_scan(struct store *s, const char *org_id, const char *list_id,
			store_contact_cb cb, void *ctx)
{
	assert(org_id && list_id && cb);
	return begin(s)->contacts_scan(s, org_id, list_id, cb, ctx);
}

int store_import_add(struct store *s, const struct import_job *job)
{
	assert(job && job->id[0] && job->org_id[0] && job->list_id[0]);
	return begin(s)->import_add(s, job);
}

int store_import_update(struct store *s, const struct import_job *job)
{
	assert(job && job->id[0] && job->org_id[0]);
	return begin(s)->import_update(s, job);
}

int store_import_get(struct store *s, const char *org_id, const char *id, struct import_job *out)
{
	assert(org_id && id);
	return begin(s)->import_get(s, org_id, id, out);
}

int store_import_latest(struct store *s, const char *org_id, const char *list_id,
			struct import_job *out)
{
	assert(org_id && list_id);
	return begin(s)->import_latest(s, org_id, list_id, out);
}

int store_export_add(struct store *s, const struct export_job *job, unsigned max_active)
{
	assert(job && job->id[0] && job->org_id[0] && job->list_id[0]);
	return begin(s)->export_add(s, job, max_active);
}

int store_export_update(struct store *s, const struct export_job *job)
{
	assert(job && job->id[0] && job->org_id[0]);
	return begin(s)->export_update(s, job);
}

int store_export_get(struct store *s, const char *org_id, const char *id, struct export_job *out)
{
	assert(org_id && id);
	return begin(s)->export_get(s, org_id, id, out);
}

int store_export_latest(struct store *s, const char *org_id, const char *list_id,
			struct export_job *out)
{
	assert(org_id && list_id);
	return begin(s)->export_latest(s, org_id, list_id, out);
}

int store_jobs_prune(struct store *s, const char *org_id, const char *list_id, store_key_cb files,
		     void *ctx)
{
	assert(org_id && list_id);
	return begin(s)->jobs_prune(s, org_id, list_id, files, ctx);
}

int store_import_get_any_org(struct store *s, const char *id, struct import_job *out)
{
	assert(id);
	return begin(s)->import_get(s, NULL, id, out);
}

int store_export_get_any_org(struct store *s, const char *id, struct export_job *out)
{
	assert(id);
	return begin(s)->export_get(s, NULL, id, out);
}

int store_job_claim(struct store *s, const struct job_lease *lease, struct job_claimed *out)
{
	assert(lease && lease->owner && *lease->owner && out);
	return begin(s)->job_claim(s, lease, out);
}

int store_jobs_renew(struct store *s, const struct job_lease *lease, int64_t *renewed)
{
	assert(lease && lease->owner && *lease->owner);
	int64_t ignored;
	return begin(s)->jobs_renew(s, lease, renewed ? renewed : &ignored);
}

int store_jobs_expire(struct store *s, const struct job_interruption *why, int64_t *count)
{
	assert(why && why->import_reason && why->import_detail && why->export_detail && count);
	*count = 0;
	return begin(s)->jobs_expire(s, why, count);
}

/* Keys become file names in the SQLite backend and object names in
 * others: a small alphabet, no path, no hidden name. */
static bool blob_key_valid(const char *key)
{
	size_t len = key ? strlen(key) : 0;
	if (len == 0 || len > STORE_BLOB_KEY_MAX || key[0] == '.')
		return false;
	/* A blob being written may be kept as "<key>.part" (SQLite). */
	if (len >= 5 && strcmp(key + len - 5, ".part") == 0)
		return false;
	return strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") ==
	       len;
}

/* A caller's bug: the key is never logged, it may be anything. */
static int blob_key_refused(struct store *s, const char *key)
{
	begin(s);
	return store_fail_record(&s->failure, "facade", "blob", STORE_FAULT_INTERNAL,
				 "invalid blob key of %zu bytes", key ? strlen(key) : 0);
}

int store_blob_create(struct store *s, const char *key, struct store_blob **out)
{
	assert(out);
	*out = NULL;
	if (!blob_key_valid(key))
		return blob_key_refused(s, key);
	return begin(s)->blob_create(s, key, out);
}

int store_blob_write(struct store_blob *b, const void *data, size_t len)
{
	assert(b && !b->finished);
	b->failure.fault = STORE_FAULT_NONE;
	return len ? b->ops->write(b, data, len) : STORE_OK;
}

int store_blob_finish(struct store_blob *b)
{
	assert(b && !b->finished);
	b->failure.fault = STORE_FAULT_NONE;
	int rc = b->ops->finish(b);
	if (rc == STORE_OK)
		b->finished = true;
	return rc;
}

void store_blob_close(struct store_blob *b)
{
	if (b)
		b->ops->close(b);
}

int store_blob_open(struct store *s, const char *key, struct store_blob_read *out)
{
	assert(out);
	if (!blob_key_valid(key))
		return blob_key_refused(s, key);
	return begin(s)->blob_open(s, key, out);
}

int store_blob_delete(struct store *s, const char *key)
{
	if (!blob_key_valid(key))
		return blob_key_refused(s, key);
	return begin(s)->blob_delete(s, key);
}

int store_blob_sweep(struct store *s, store_blob_keep_cb keep, void *ctx, unsigned *seen,
		     unsigned *deleted)
{
	assert(keep);
	unsigned seen_, deleted_;
	seen_ = deleted_ = 0;
	int rc = begin(s)->blob_sweep(s, keep, ctx, &seen_, &deleted_);
	if (seen)
		*seen = seen_;
	if (deleted)
		*deleted = deleted_;
	return rc;
}

/* Names become file names in the SQLite backend: a small alphabet. */
static bool snapshot_name_valid(const char *name)
{
	size_t len = name ? strlen(name) : 0;
	return len > 0 && len <= STORE_SNAPSHOT_NAME_MAX &&
	       strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") ==
		       len;
}

static int snapshot_name_refused(struct store *s, const char *name)
{
	begin(s);
	return store_fail_record(&s->failure, "facade", "snapshot", STORE_FAULT_INTERNAL,
				 "invalid snapshot name of %zu bytes", name ? strlen(name) : 0);
}

int store_rate_counts_add(struct store *s, int64_t window_start, const struct rate_count *in,
			  size_t n, int64_t expire_before, int64_t *totals)
{
	assert(n == 0 || (in && totals));
	return begin(s)->rate_counts_add(s, window_start, in, n, expire_before, totals);
}

int store_snapshot_save(struct store *s, const char *name)
{
	if (!snapshot_name_valid(name))
		return snapshot_name_refused(s, name);
	return begin(s)->snapshot_save(s, name);
}

int store_snapshot_restore(struct store *s, const char *name)
{
	if (!snapshot_name_valid(name))
		return snapshot_name_refused(s, name);
	return begin(s)->snapshot_restore(s, name);
}

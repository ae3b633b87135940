/* Job blobs (store_blob_*; files of <db>.files/ in the SQLite backend)
 * have a lifetime and an owner (DESIGN.md §7). Each is named after the
 * job it belongs to: <import id>.upload.csv
 * and <import id>.rejects.csv, <export id>.export.csv, and the ".part"
 * of the last two while written (blobs: store_blob_*). A sweep looks each one up and deletes those
 * no job needs any more: half-received uploads (no row), the upload of an import that ended or was
 * interrupted, the half-written file of an export that failed, the files of jobs deleted with their
 * list or replaced by a newer job, and exports and rejected rows older than --retention.
 *
 * Whoever writes a blob holds it (an upload being received, a job
 * writing its output), and so does a reader as far as the backend can; the
 * store's sweep (store_blob_sweep) asks about a blob only while it holds
 * it. So no age rule is needed, a crash is swept at the next start, and a
 * server sharing the store is never robbed of a blob it is writing. */
#include "jobs/jobs.h"
#include "common/log.h"
#include "common/timeutil.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum file_kind {
	FILE_UPLOAD,
	FILE_REJECTS,
	FILE_REJECTS_PART,
	FILE_EXPORT,
	FILE_EXPORT_PART,
	FILE_OTHER
};

static const struct {
	const char *suffix;
	enum file_kind kind;
} suffixes[] = {
	{".upload.csv", FILE_UPLOAD},
	{".upload.csv.part", FILE_UPLOAD}, /* no row names it before it is finished */
	{".rejects.csv", FILE_REJECTS},
	{".export.csv", FILE_EXPORT},
	{".export.csv.part", FILE_EXPORT_PART},
	{".rejects.csv.part", FILE_REJECTS_PART},
};

int job_file_remove(const char *key, void *ctx)
{
	store_blob_delete(ctx, key); /* a failure is logged; the sweep retries */
	return 0;
}

bool job_file_expired(const struct db_limits *limits, int64_t finished_ms, int64_t now_ms)
{
	return now_ms - finished_ms >= limits->file_retention_s * 1000;
}

/* The job a file name belongs to: "<36-character id><suffix>". Names that
 * are not dialbookd's are left alone. */
static enum file_kind classify(const char *name, char id[UUID_STR_LEN])
{
	size_t len = strlen(name), idlen = UUID_STR_LEN - 1;
	if (len <= idlen || strspn(name, "0123456789abcdef-") != idlen)
		return FILE_OTHER;
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		if (strcmp(name + idlen, suffixes[i].suffix) == 0) {
			memcpy(id, name, idlen);
			id[idlen] = '\0';
			return suffixes[i].kind;
		}
	}
	return FILE_OTHER;
}

/* Whether a job still needs the file; true as well when the store cannot
 * say (a file is never deleted on a guess). The sweeper acts for no
 * organization: it looks jobs up by the id in the file's name. */
static bool needed(struct store *s, const struct job_env *env, enum file_kind kind, const char *id,
		   int64_t now)
{
	struct import_job im;
	struct export_job ex;
	int rc;
	if (kind == FILE_UPLOAD || kind == FILE_REJECTS || kind == FILE_REJECTS_PART) {
		rc = store_import_get_any_org(s, id, &im);
		if (rc != STORE_OK)
			return rc != STORE_NOT_FOUND;
		/* An upload is read by the import, then no more; rejected rows
		 * being written are finished (or dropped) by their import. */
		if (kind != FILE_REJECTS)
			return job_state_active(im.state);
		return job_state_active(im.state) ||
		       !job_file_expired(env->limits, im.date_modified, now);
	}
	rc = store_export_get_any_org(s, id, &ex);
	if (rc != STORE_OK)
		return rc != STORE_NOT_FOUND;
	if (kind == FILE_EXPORT_PART)
		return job_state_active(ex.state);
	/* Renamed into place just before the row says DONE. */
	return job_state_active(ex.state) ||
	       (ex.state == JOB_DONE && !job_file_expired(env->limits, ex.date_modified, now));
}

struct sweep {
	struct store *s;
	const struct job_env *env;
	int64_t now;
};

/* Asked by the store of each blob no one holds: the lock is the store's
 * (a writer that holds its blob adds its row before it lets go, so a row
 * missing now is missing for good). Names that are not dialbookd's stay. */
static bool keep_blob(const char *key, bool finished, void *ctx)
{
	const struct sweep *w = ctx;
	char name[STORE_BLOB_KEY_MAX + 8], id[UUID_STR_LEN];
	snprintf(name, sizeof(name), "%s%s", key, finished ? "" : ".part");
	enum file_kind kind = classify(name, id);
	bool keep = kind == FILE_OTHER || needed(w->s, w->env, kind, id, w->now);
	if (!keep)
		log_debug("event=file_swept file=%s", name);
	return keep;
}

unsigned jobs_sweep(struct store *s, const struct job_env *env)
{
	double started = time_monotonic_ms();
	struct sweep w = {.s = s, .env = env, .now = time_now_ms()};
	unsigned seen = 0, deleted = 0;
	if (store_blob_sweep(s, keep_blob, &w, &seen, &deleted) != STORE_OK) {
		log_warn("event=sweep_failed");
		return 0;
	}
	if (deleted)
		log_info("event=files_swept deleted=%u kept=%u retention_s=%lld duration_ms=%.0f",
			 deleted, seen - deleted, (long long)env->limits->file_retention_s,
			 time_monotonic_ms() - started);
	return deleted;
}

struct sweeper {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping;
	struct store_pool *pool;
	struct job_env env;
	unsigned interval_s;
};

static void *sweep_loop(void *arg)
{
	struct sweeper *w = arg;
	pthread_mutex_lock(&w->lock);
	while (!w->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += w->interval_s;
		while (!w->stopping && pthread_cond_timedwait(&w->wake, &w->lock, &until) == 0)
			;
		if (w->stopping)
			break;
		pthread_mutex_unlock(&w->lock);
		struct store *s = store_pool_get(w->pool);
		if (s)
			jobs_sweep(s, &w->env);
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct sweeper *sweeper_start(struct store_pool *pool, const struct job_env *env,
			      unsigned interval_s)
{
	struct store *s = store_pool_get(pool);
	if (s)
		jobs_sweep(s, env);
	struct sweeper *w = calloc(1, sizeof(*w));
	if (!w)
		abort();
	w->pool = pool;
	w->env = *env;
	w->interval_s = interval_s;
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&w->wake, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&w->thread, NULL, sweep_loop, w) != 0) {
		log_error("event=sweeper_failed error=\"cannot start its thread\"");
		pthread_cond_destroy(&w->wake);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return NULL;
	}
	return w;
}

void sweeper_stop(struct sweeper *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

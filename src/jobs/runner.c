/* A queue of job ids under one mutex, and worker threads that take them.
 * Each worker says which list its job is for, so that deleting the list
 * stops the job at once. */
#include "jobs/jobs.h"
#include "common/log.h"
#include "common/text.h"
#include "common/timeutil.h"

#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

struct queued {
	struct queued *next;
	enum job_kind kind;
	char org_id[UUID_STR_LEN];
	char id[UUID_STR_LEN];
	char list_id[UUID_STR_LEN];
};

struct worker {
	struct job_runner *r;
	pthread_t thread;
	char list_id[UUID_STR_LEN]; /* of the job it runs; empty when idle */
	atomic_bool dropped;
};

struct job_runner {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct queued *head, *tail;
	bool stopping;
	struct store_pool *pool;
	struct job_env env;
	struct worker *workers;
	unsigned count;
};

bool job_should_stop(const struct job_env *env)
{
	return atomic_load(env->cancel) || (env->dropped && atomic_load(env->dropped));
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct job_runner *r = w->r;
	struct job_env env = r->env;
	env.dropped = &w->dropped;
	for (;;) {
		pthread_mutex_lock(&r->lock);
		while (!r->head && !r->stopping)
			pthread_cond_wait(&r->wake, &r->lock);
		if (r->stopping) {
			pthread_mutex_unlock(&r->lock);
			return NULL;
		}
		struct queued *q = r->head;
		r->head = q->next;
		if (!r->head)
			r->tail = NULL;
		snprintf(w->list_id, sizeof(w->list_id), "%s", q->list_id);
		atomic_store(&w->dropped, false);
		pthread_mutex_unlock(&r->lock);
		struct store *s = store_pool_get(r->pool);
		if (s) {
			if (q->kind == JOB_IMPORT)
				import_run(s, &env, q->org_id, q->id);
			else
				export_run(s, &env, q->org_id, q->id);
		}
		pthread_mutex_lock(&r->lock);
		w->list_id[0] = '\0';
		pthread_mutex_unlock(&r->lock);
		free(q);
	}
}

struct job_runner *job_runner_start(struct store_pool *pool, unsigned threads,
				    const struct job_env *env)
{
	struct job_runner *r = calloc(1, sizeof(*r));
	if (!r)
		abort();
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->wake, NULL);
	r->pool = pool;
	r->env = *env;
	r->workers = calloc(threads, sizeof(*r->workers));
	if (!r->workers)
		abort();
	for (unsigned i = 0; i < threads; i++) {
		struct worker *w = &r->workers[r->count];
		w->r = r;
		atomic_init(&w->dropped, false);
		if (pthread_create(&w->thread, NULL, work, w) == 0)
			r->count++;
	}
	return r;
}

void job_runner_submit(struct job_runner *r, enum job_kind kind, const char *org_id, const char *id,
		       const char *list_id)
{
	struct queued *q = calloc(1, sizeof(*q));
	if (!q)
		abort();
	q->kind = kind;
	snprintf(q->org_id, sizeof(q->org_id), "%s", org_id);
	snprintf(q->id, sizeof(q->id), "%s", id);
	snprintf(q->list_id, sizeof(q->list_id), "%s", list_id);
	pthread_mutex_lock(&r->lock);
	if (r->tail)
		r->tail->next = q;
	else
		r->head = q;
	r->tail = q;
	pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->lock);
}

void job_runner_drop_list(struct job_runner *r, const char *list_id)
{
	/* Queued jobs of the list need nothing: their rows are gone, so they
	 * end as soon as they start. */
	pthread_mutex_lock(&r->lock);
	for (unsigned i = 0; i < r->count; i++)
		if (strcmp(r->workers[i].list_id, list_id) == 0)
			atomic_store(&r->workers[i].dropped, true);
	pthread_mutex_unlock(&r->lock);
}

void job_runner_stop(struct job_runner *r)
{
	if (!r)
		return;
	atomic_store(r->env.cancel, true);
	pthread_mutex_lock(&r->lock);
	r->stopping = true;
	pthread_cond_broadcast(&r->wake);
	pthread_mutex_unlock(&r->lock);
	for (unsigned i = 0; i < r->count; i++)
		pthread_join(r->workers[i].thread, NULL);
	/* Jobs still queued stay pending in the store: the next start marks
	 * them interrupted. */
	while (r->head) {
		struct queued *q = r->head;
		r->head = q->next;
		log_info("event=job_dropped kind=%s id=%s",
			 q->kind == JOB_IMPORT ? "import" : "export", q->id);
		free(q);
	}
	pthread_cond_destroy(&r->wake);
	pthread_mutex_destroy(&r->lock);
	free(r->workers);
	free(r);
}

int jobs_interrupt(struct store *s, int64_t *count)
{
	/* The reason is the cloud's vocabulary; the words say what to do. */
	const struct job_interruption why = {
		.import_reason = "INTERRUPTED",
		.import_detail = "dialbookd stopped while the import ran; rows committed before "
				 "that are kept. Upload the file again (with contact-id-name, a "
				 "re-run is idempotent)",
		.export_detail = JOB_EXPORT_STOPPED,
		.at = time_now_ms(),
	};
	return store_jobs_interrupt(s, &why, count);
}

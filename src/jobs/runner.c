/* A queue of job ids under one mutex, and worker threads that take them. */
#include "jobs/jobs.h"
#include "common/log.h"
#include "common/text.h"

#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

struct queued {
	struct queued *next;
	enum job_kind kind;
	char id[UUID_STR_LEN];
};

struct job_runner {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct queued *head, *tail;
	bool stopping;
	struct store_pool *pool;
	struct job_env env;
	pthread_t *threads;
	unsigned count;
};

static void *work(void *arg)
{
	struct job_runner *r = arg;
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
		pthread_mutex_unlock(&r->lock);
		struct store *s = store_pool_get(r->pool);
		if (s) {
			if (q->kind == JOB_IMPORT)
				import_run(s, &r->env, q->id);
			else
				export_run(s, &r->env, q->id);
		}
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
	r->threads = calloc(threads, sizeof(pthread_t));
	if (!r->threads)
		abort();
	for (unsigned i = 0; i < threads; i++)
		if (pthread_create(&r->threads[i], NULL, work, r) == 0)
			r->count++;
	return r;
}

void job_runner_submit(struct job_runner *r, enum job_kind kind, const char *id)
{
	struct queued *q = calloc(1, sizeof(*q));
	if (!q)
		abort();
	q->kind = kind;
	snprintf(q->id, sizeof(q->id), "%s", id);
	pthread_mutex_lock(&r->lock);
	if (r->tail)
		r->tail->next = q;
	else
		r->head = q;
	r->tail = q;
	pthread_cond_signal(&r->wake);
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
		pthread_join(r->threads[i], NULL);
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
	free(r->threads);
	free(r);
}

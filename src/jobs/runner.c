/* Worker threads that claim jobs from the store, and a keeper that holds
 * this server's leases. The store is the queue: any server on the database
 * may claim a job any server accepted, so a submit here is only a hint that
 * wakes a worker at once instead of at its next poll. Each worker says which
 * list its job is for, so that deleting the list stops the job at once. */
#include "jobs/jobs.h"
#include "common/log.h"
#include "common/text.h"
#include "common/timeutil.h"

#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct worker {
	struct job_runner *r;
	pthread_t thread;
	char list_id[UUID_STR_LEN]; /* of the job it runs; empty when idle */
	atomic_bool dropped;
};

struct job_runner {
	pthread_mutex_t lock;
	pthread_cond_t wake; /* on CLOCK_MONOTONIC */
	unsigned long hints; /* submits so far: a worker that saw them all may sleep */
	bool stopping, keeper_stopping;
	struct store_pool *pool;
	struct job_env env;
	struct worker *workers;
	unsigned count;
	pthread_t keeper;
	bool keeper_started;
};

bool job_runner_busy(struct job_runner *r)
{
	bool busy = false;
	pthread_mutex_lock(&r->lock);
	for (unsigned i = 0; i < r->count && !busy; i++)
		busy = r->workers[i].list_id[0] != '\0';
	pthread_mutex_unlock(&r->lock);
	return busy;
}

bool job_should_stop(const struct job_env *env)
{
	return atomic_load(env->cancel) || (env->dropped && atomic_load(env->dropped));
}

/* Waits on r->wake until ms have passed or something wakes it; r->lock held. */
static void wait_ms(struct job_runner *r, int64_t ms)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&r->wake, &r->lock, &until);
}

static void run_claimed(struct worker *w, struct store *s, const struct job_env *env,
			const struct job_claimed *c)
{
	struct job_runner *r = w->r;
	pthread_mutex_lock(&r->lock);
	snprintf(w->list_id, sizeof(w->list_id), "%s", c->list_id);
	atomic_store(&w->dropped, false);
	pthread_mutex_unlock(&r->lock);
	log_info("event=job_claimed kind=%s id=%s owner=%s",
		 c->kind == STORE_JOB_IMPORT ? "import" : "export", c->id, env->owner);
	if (c->kind == STORE_JOB_IMPORT)
		import_run(s, env, c->org_id, c->id);
	else
		export_run(s, env, c->org_id, c->id);
	pthread_mutex_lock(&r->lock);
	w->list_id[0] = '\0';
	pthread_mutex_unlock(&r->lock);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct job_runner *r = w->r;
	struct job_env env = r->env;
	env.dropped = &w->dropped;
	pthread_mutex_lock(&r->lock);
	while (!r->stopping) {
		unsigned long seen = r->hints;
		pthread_mutex_unlock(&r->lock);
		struct store *s = store_pool_get(r->pool);
		struct job_claimed c;
		const struct job_lease lease = {env.owner, time_now_ms() + env.lease_ms};
		int rc = s ? store_job_claim(s, &lease, &c) : STORE_FAILED;
		if (rc == STORE_OK)
			run_claimed(w, s, &env, &c);
		pthread_mutex_lock(&r->lock);
		/* Nothing to claim: sleep until a submit here or the next poll,
		 * which finds the jobs other servers accepted. */
		if (rc != STORE_OK && !r->stopping && r->hints == seen)
			wait_ms(r, DB_JOB_POLL_MS);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* Renews this server's leases, then fails the running jobs whose lease
 * ran out (their server died), whoever held them. */
static void keep_leases(struct store *s, const struct job_env *env)
{
	int64_t now = time_now_ms();
	const struct job_lease lease = {env->owner, now + env->lease_ms};
	if (store_jobs_renew(s, &lease, NULL) != STORE_OK)
		log_error("event=job_lease_renew_failed owner=%s", env->owner);
	int64_t failed = 0;
	if (jobs_expire(s, now, &failed) == STORE_OK && failed > 0)
		log_warn("event=imports_interrupted count=%lld", (long long)failed);
}

static void *keeper(void *arg)
{
	struct job_runner *r = arg;
	/* Three renewals per lease: one may wait out a busy store. */
	int64_t tick = r->env.lease_ms / 3 > 0 ? r->env.lease_ms / 3 : 1;
	pthread_mutex_lock(&r->lock);
	while (!r->keeper_stopping) {
		wait_ms(r, tick);
		if (r->keeper_stopping)
			break;
		pthread_mutex_unlock(&r->lock);
		struct store *s = store_pool_get(r->pool);
		if (s)
			keep_leases(s, &r->env);
		pthread_mutex_lock(&r->lock);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

struct job_runner *job_runner_start(struct store_pool *pool, unsigned threads,
				    const struct job_env *env)
{
	struct job_runner *r = calloc(1, sizeof(*r));
	if (!r)
		abort();
	pthread_mutex_init(&r->lock, NULL);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&r->wake, &attr);
	pthread_condattr_destroy(&attr);
	r->pool = pool;
	r->env = *env;
	/* At start, before any claim: what dead servers left running. */
	struct store *s = store_pool_get(pool);
	if (s)
		keep_leases(s, env);
	r->keeper_started = pthread_create(&r->keeper, NULL, keeper, r) == 0;
	if (!r->keeper_started)
		log_error("event=job_keeper_failed error=\"cannot start its thread\"");
	r->workers = calloc(threads, sizeof(*r->workers));
	if (!r->workers)
		abort();
	for (unsigned i = 0; r->keeper_started && i < threads; i++) {
		struct worker *w = &r->workers[r->count];
		w->r = r;
		atomic_init(&w->dropped, false);
		if (pthread_create(&w->thread, NULL, work, w) == 0)
			r->count++;
	}
	return r;
}

void job_runner_wake(struct job_runner *r)
{
	pthread_mutex_lock(&r->lock);
	r->hints++;
	pthread_cond_broadcast(&r->wake);
	pthread_mutex_unlock(&r->lock);
}

void job_runner_drop_list(struct job_runner *r, const char *list_id)
{
	/* Pending jobs of the list need nothing: their rows are gone, so no
	 * one claims them. */
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
	/* The keeper last: the leases hold while the workers wind down.
	 * Pending jobs stay pending in the store for any server to claim. */
	pthread_mutex_lock(&r->lock);
	r->keeper_stopping = true;
	pthread_cond_broadcast(&r->wake);
	pthread_mutex_unlock(&r->lock);
	if (r->keeper_started)
		pthread_join(r->keeper, NULL);
	pthread_cond_destroy(&r->wake);
	pthread_mutex_destroy(&r->lock);
	free(r->workers);
	free(r);
}

int jobs_expire(struct store *s, int64_t now_ms, int64_t *count)
{
	/* The reason is the cloud's vocabulary; the words say what to do. */
	const struct job_interruption why = {
		.import_reason = "INTERRUPTED",
		.import_detail = "the dialbookd running the import stopped; rows committed before "
				 "that are kept. Upload the file again (with contact-id-name, a "
				 "re-run is idempotent)",
		.export_detail = JOB_EXPORT_STOPPED,
		.at = now_ms,
	};
	return store_jobs_expire(s, &why, count);
}

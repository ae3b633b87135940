/* Background jobs: CSV imports and exports, run by a small pool of worker
 * threads, each with its own store connection; and the sweeper, which
 * gives the files they leave in <db>.files/ a lifetime (DESIGN.md §7). */
#ifndef DIALBOOK_JOBS_H
#define DIALBOOK_JOBS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/limits.h"
#include "jobs/pacing.h"
#include "store/pool.h"
#include "store/store.h"

/* Why an export failed when dialbookd stopped under it. */
#define JOB_EXPORT_STOPPED "dialbookd stopped during the export; start a new one"

struct job_env {
	const struct db_limits *limits;
	atomic_bool *cancel;  /* set when the server stops */
	atomic_bool *dropped; /* this job's list was deleted (set per run; may be NULL) */
	const char *owner;    /* this server's instance id, random per start: its leases */
	int64_t lease_ms;     /* how long a claimed job is held without renewal; --job-lease */
	const struct job_pacer *pacer; /* NULL: every import immediate (pacing.h) */
};

struct job_runner;

/* Fails the running jobs whose lease expired (jobs_expire), then starts a
 * keeper thread that renews this server's leases every lease_ms / 3 and
 * fails expired ones, and `threads` workers that claim pending jobs from
 * the store (any server's), polling every DB_JOB_POLL_MS. */
struct job_runner *job_runner_start(struct store_pool *pool, unsigned threads,
				    const struct job_env *env);
/* A job was added to the store: wakes an idle worker now rather than at
 * its next poll. Only a hint: whichever server claims first runs it. */
void job_runner_wake(struct job_runner *r);
/* The list was deleted: its running jobs stop at their next check (rows in
 * this process; a job elsewhere stops when its row is found gone). */
void job_runner_drop_list(struct job_runner *r, const char *list_id);
/* Whether a worker of this runner is running a job now. */
bool job_runner_busy(struct job_runner *r);
/* Asks running jobs to stop at their next batch and waits for the workers. */
void job_runner_stop(struct job_runner *r);

/* Whether the job should stop: the server stops, or its list was deleted. */
bool job_should_stop(const struct job_env *env);
/* Deletes the blob a job row named, by its key (a store_key_cb; ctx is
 * the store). */
int job_file_remove(const char *key, void *ctx);
/* Whether a finished job's files have outlived --retention at `now_ms`. */
bool job_file_expired(const struct db_limits *limits, int64_t finished_ms, int64_t now_ms);

/* The sweeper: deletes the blobs no job needs (store_blob_sweep) — expired
 * exports and rejected rows, blobs of finished or interrupted jobs,
 * half-received uploads. A blob someone holds (an upload being received, a
 * job at work, in any process) is never taken. One pass; returns blobs
 * deleted. */
unsigned jobs_sweep(struct store *s, const struct job_env *env);
struct sweeper;
/* Sweeps once before it returns (at start: what a crash left), then every
 * interval_s seconds in a thread of its own. */
struct sweeper *sweeper_start(struct store_pool *pool, const struct job_env *env,
			      unsigned interval_s);
void sweeper_stop(struct sweeper *w);

/* Runs one job of org_id to its end, recording progress and the outcome
 * in the store. */
void import_run(struct store *s, const struct job_env *env, const char *org_id, const char *job_id);
void export_run(struct store *s, const struct job_env *env, const char *org_id, const char *job_id);

/* The running imports and exports whose lease ended before now_ms (their
 * server died) fail, imports with the reason INTERRUPTED (DESIGN.md §3.15)
 * and words that say what to do; a job another live server holds is never
 * touched. Not taken over: an import's batches are committed as it goes.
 * *count says how many imports. A store_status. */
int jobs_expire(struct store *s, int64_t now_ms, int64_t *count);

#endif

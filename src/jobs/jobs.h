/* Background jobs: CSV imports and exports, run by a small pool of worker
 * threads, each with its own store connection. */
#ifndef DIALBOOK_JOBS_H
#define DIALBOOK_JOBS_H

#include <stdatomic.h>
#include <stdbool.h>

#include "common/limits.h"
#include "store/pool.h"
#include "store/store.h"

enum job_kind { JOB_IMPORT, JOB_EXPORT };

struct job_env {
	const struct db_limits *limits;
	const char *files_dir; /* uploads, rejected rows and exports live here */
	atomic_bool *cancel;   /* set when the server stops */
};

struct job_runner;

struct job_runner *job_runner_start(struct store_pool *pool, unsigned threads,
				    const struct job_env *env);
void job_runner_submit(struct job_runner *r, enum job_kind kind, const char *id);
/* Asks running jobs to stop at their next batch and waits for the workers. */
void job_runner_stop(struct job_runner *r);

/* Runs one job to its end, recording progress and the outcome in the store. */
void import_run(struct store *s, const struct job_env *env, const char *job_id);
void export_run(struct store *s, const struct job_env *env, const char *job_id);

#endif

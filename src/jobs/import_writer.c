/* One mutex and condition: the reader waits only when the writer is still
 * busy with the previous batch. */
#include "jobs/import_writer.h"
#include "common/log.h"
#include "common/timeutil.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct import_writer {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct import_batch batches[2];
	struct import_batch *todo; /* handed over, not yet taken */
	bool busy;		   /* a batch is being written */
	bool closing;
	bool failed;
	char reason[64], detail[512];
	struct store *s;
	struct import_job job; /* the writer's copy, for progress */
	char org_id[UUID_STR_LEN], list_id[UUID_STR_LEN];
	struct contact_limits lim;
	unsigned long long file_size;
	int64_t imported;
};

char *import_batch_take(struct import_batch *b, size_t n, size_t *off)
{
	if (b->arena_len + n > b->arena_cap) {
		size_t cap = b->arena_cap ? b->arena_cap : (1u << 20);
		while (cap < b->arena_len + n)
			cap *= 2;
		b->arena = realloc(b->arena, cap);
		if (!b->arena)
			abort();
		b->arena_cap = cap;
	}
	*off = b->arena_len;
	b->arena_len += n;
	return b->arena + *off;
}

static int write_batch(struct import_writer *w, struct import_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		b->rows[i].id = b->arena + b->id_off[i];
		b->rows[i].packed = b->arena + b->packed_off[i];
		b->rows[i].meta =
			b->meta_off[i] == IMPORT_NO_META ? NULL : b->arena + b->meta_off[i];
	}
	size_t added;
	int rc = b->n ? store_contacts_upsert(w->s, w->org_id, w->list_id, b->rows, b->n, &w->lim,
					      &added)
		      : STORE_OK;
	if (rc == STORE_LIMIT) {
		snprintf(w->reason, sizeof(w->reason), "CONTACT_LIMIT_EXCEEDED");
		snprintf(w->detail, sizeof(w->detail),
			 "the next %zu rows would pass the limit of %lld contacts a list or %lld "
			 "an organization; the %lld rows before them were imported",
			 b->n, (long long)w->lim.per_list, (long long)w->lim.per_org,
			 (long long)w->imported);
	} else if (rc == STORE_NOT_FOUND) {
		snprintf(w->reason, sizeof(w->reason), "LIST_DELETED");
		snprintf(w->detail, sizeof(w->detail),
			 "the contact list was deleted during the import");
	} else if (rc != STORE_OK) {
		snprintf(w->reason, sizeof(w->reason), "STORE_ERROR");
		snprintf(w->detail, sizeof(w->detail), "the store failed; see the server log");
	}
	if (rc != STORE_OK)
		return -1;
	w->imported += (int64_t)b->n;
	/* Progress: the total is estimated from the share of the file read. */
	w->job.completed = b->completed;
	w->job.failed = b->failed;
	w->job.blank = b->blank;
	w->job.total =
		b->total ? b->total
		: b->offset
			? (int64_t)((double)b->completed * (double)w->file_size / (double)b->offset)
			: b->completed;
	if (w->job.total < b->completed)
		w->job.total = b->completed;
	w->job.date_modified = time_now_ms();
	rc = store_import_update(w->s, &w->job);
	if (rc != STORE_OK && rc != STORE_NOT_FOUND) /* not found: deleted with its list */
		log_error("event=import_progress_lost import_id=%s", w->job.id);
	return 0;
}

static void *run(void *arg)
{
	struct import_writer *w = arg;
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->todo && !w->closing)
			pthread_cond_wait(&w->changed, &w->lock);
		if (!w->todo)
			break;
		struct import_batch *b = w->todo;
		w->todo = NULL;
		w->busy = true;
		pthread_mutex_unlock(&w->lock);
		int rc = write_batch(w, b);
		b->n = 0;
		b->arena_len = 0;
		pthread_mutex_lock(&w->lock);
		w->busy = false;
		if (rc)
			w->failed = true;
		pthread_cond_broadcast(&w->changed);
		if (rc)
			break;
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct import_writer *import_writer_start(struct store *s, const struct import_job *job,
					  const char *org_id, const char *list_id,
					  const struct contact_limits *lim,
					  unsigned long long file_size)
{
	struct import_writer *w = calloc(1, sizeof(*w));
	if (!w)
		abort();
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->changed, NULL);
	w->s = s;
	w->job = *job;
	snprintf(w->org_id, sizeof(w->org_id), "%s", org_id);
	snprintf(w->list_id, sizeof(w->list_id), "%s", list_id);
	w->lim = *lim;
	w->file_size = file_size;
	if (pthread_create(&w->thread, NULL, run, w) != 0)
		abort();
	return w;
}

struct import_batch *import_writer_first(struct import_writer *w)
{
	return &w->batches[0];
}

struct import_batch *import_writer_submit(struct import_writer *w, struct import_batch *b)
{
	pthread_mutex_lock(&w->lock);
	while ((w->todo || w->busy) && !w->failed)
		pthread_cond_wait(&w->changed, &w->lock);
	bool failed = w->failed;
	if (!failed) {
		w->todo = b;
		pthread_cond_broadcast(&w->changed);
	}
	pthread_mutex_unlock(&w->lock);
	if (failed)
		return NULL;
	return b == &w->batches[0] ? &w->batches[1] : &w->batches[0];
}

int import_writer_finish(struct import_writer *w, struct import_batch *last, int64_t *imported,
			 char reason[64], char detail[512])
{
	if (last && last->n)
		import_writer_submit(w, last);
	pthread_mutex_lock(&w->lock);
	w->closing = true;
	pthread_cond_broadcast(&w->changed);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	int rc = w->failed ? -1 : 0;
	if (rc) {
		snprintf(reason, 64, "%s", w->reason);
		snprintf(detail, 512, "%s", w->detail);
	}
	*imported = w->imported;
	for (int i = 0; i < 2; i++)
		free(w->batches[i].arena);
	pthread_cond_destroy(&w->changed);
	pthread_mutex_destroy(&w->lock);
	free(w);
	return rc;
}

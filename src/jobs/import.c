/* The CSV import job. The file is read once, streaming: the header is
 * matched to the list's columns, each row is checked by the same contact
 * validator as the API, good rows are committed in batches and bad ones
 * written to a rejected-rows CSV with their line and reason. A writer
 * thread commits one batch while this one checks the next: memory is
 * bounded by two batches, whatever the file's size. */
#include "jobs/jobs.h"
#include "api/metrics.h"
#include "common/log.h"
#include "common/text.h"
#include "common/timeutil.h"
#include "csv/csv_reader.h"
#include "csv/csv_writer.h"
#include "jobs/import_writer.h"
#include "csv/contact_csv.h"
#include "model/contact.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct importer {
	struct store *s;
	const struct job_env *env;
	struct import_job job;
	struct contact_list list;
	struct contact_schema schema;
	int fd;
	unsigned long long file_size;
	struct csv_reader *reader;

	struct contact_csv check;     /* the header's mapping, the row checks */
	struct import_writer *writer; /* commits batches while this thread reads */
	struct import_batch *batch;   /* the batch being filled */

	struct store_blob *rejects; /* finished with the import, held until its final state */
	struct csv_writer rw;
	int64_t imported;
	bool gone; /* the job's row was deleted (with its list) */
	bool rejects_done;

	/* Paced (pacing.h): the plan, the file's rows counted first, when the
	 * rows began, and when progress was last handed to the writer. */
	bool paced;
	struct import_pace pace;
	int64_t total, flushed_rows;
	double rows_started_ms, flushed_ms;
};

static void save(struct importer *im)
{
	im->job.date_modified = time_now_ms();
	int rc = store_import_update(im->s, &im->job);
	if (rc == STORE_NOT_FOUND)
		im->gone = true;
	else if (rc != STORE_OK)
		log_error("event=import_progress_lost import_id=%s", im->job.id);
}

static int fail(struct importer *im, const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct importer *im, const char *reason, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(im->job.failure_detail, sizeof(im->job.failure_detail), fmt, ap);
	va_end(ap);
	utf8_trim_partial(im->job.failure_detail);
	snprintf(im->job.failure_reason, sizeof(im->job.failure_reason), "%s", reason);
	im->job.state = JOB_FAILED;
	log_warn("event=import_failed import_id=%s reason=%s", im->job.id, reason);
	return -1;
}

static int blob_sink(void *ctx, const char *data, size_t len)
{
	return store_blob_write(ctx, data, len) == STORE_OK ? 0 : -1;
}

/* rec NULL: the reader could not split the record; its raw bytes are kept. */
static void reject(struct importer *im, const struct csv_record *rec, unsigned long line,
		   unsigned long column, const char *why)
{
	im->job.failed++;
	if (!im->rejects) {
		if (store_blob_create(im->s, im->job.rejects_key, &im->rejects) != STORE_OK) {
			log_error("event=rejects_file_failed import_id=%s", im->job.id);
			return;
		}
		csv_writer_init(&im->rw, blob_sink, im->rejects);
		contact_csv_rejects_header(&im->rw, &im->check);
	}
	if (rec)
		contact_csv_rejects_row(&im->rw, line, column, why, rec);
	else
		contact_csv_rejects_raw(&im->rw, line, column, why, im->reader);
}

/* Hands the last batch over and waits for the writer; its failure, if any,
 * becomes the import's. */
static int finish_writer(struct importer *im)
{
	if (!im->writer)
		return 0;
	struct import_batch *b = im->batch;
	b->completed = im->job.completed;
	b->failed = im->job.failed;
	b->blank = im->job.blank;
	b->offset = csv_reader_offset(im->reader);
	char reason[64], detail[512];
	int rc = import_writer_finish(im->writer, b, &im->imported, reason, detail);
	im->writer = NULL;
	im->batch = NULL;
	return rc ? fail(im, reason, "%s", detail) : 0;
}

static int read_header(struct importer *im)
{
	struct csv_record rec;
	struct csv_error err;
	int rc = csv_reader_next(im->reader, &rec, &err);
	if (rc == 0)
		return fail(im, "EMPTY_FILE", "the file is empty: it needs a header row");
	if (rc < 0)
		return fail(im, "INVALID_HEADER", "line %lu, column %lu: %s", err.line, err.column,
			    err.message);
	struct contact_csv_failure why = {0};
	const char *id_name = im->job.contact_id_column[0] ? im->job.contact_id_column : NULL;
	if (contact_csv_header(&im->check, &im->schema, &rec, id_name, im->env->limits->max_columns,
			       &why)) {
		if (why.line)
			return fail(im, why.reason, "line %lu, column %lu: %s", why.line,
				    why.column, why.detail);
		return fail(im, why.reason, "%s", why.detail);
	}
	if (im->check.ignored) {
		struct strbuf names = {0};
		contact_csv_ignored_json(&im->check, &names, sizeof(im->job.ignored_columns));
		memcpy(im->job.ignored_columns, names.data, names.len + 1);
		strbuf_release(&names);
	}
	return 0;
}

static void process_row(struct importer *im, const struct csv_record *rec, int64_t now)
{
	char why[256];
	int bad;
	struct contact_csv_row row;
	if (contact_csv_row(&im->check, rec, &row, &bad, why, sizeof(why))) {
		const struct csv_field *f = bad >= 0 ? &rec->fields[bad] : NULL;
		reject(im, rec, f ? f->line : rec->line,
		       bad >= 0 ? csv_field_column(rec, (size_t)bad) : 1, why);
		return;
	}
	struct import_batch *b = im->batch;
	size_t n = b->n;
	char *idp = import_batch_take(b, (row.id ? row.id_len : UUID_STR_LEN) + 1, &b->id_off[n]);
	if (row.id) {
		memcpy(idp, row.id, row.id_len);
		idp[row.id_len] = '\0';
	} else {
		text_uuid7_new(idp);
	}
	size_t ncols = im->schema.count;
	size_t bound = contact_pack_bound(im->check.lens, ncols);
	char *packed = import_batch_take(b, bound, &b->packed_off[n]);
	struct contact_row *r = &b->rows[n];
	r->packed_len = contact_pack_to(packed, im->check.values, im->check.lens, ncols);
	b->arena_len -= bound - r->packed_len;
	b->meta_off[n] = IMPORT_NO_META;
	if (row.meta) {
		char *text = json_dumps(row.meta, JSON_COMPACT);
		size_t len = strlen(text) + 1;
		memcpy(import_batch_take(b, len, &b->meta_off[n]), text, len);
		free(text);
	}
	r->callable = row.callable;
	r->callable_given = row.callable_given;
	r->clear_system = im->job.clear_system_data;
	r->date_created = r->date_modified = now;
	b->n++;
}

/* Hands the batch being filled to the writer (which commits it and saves
 * progress); 0, or -1 when the writer failed (the import's failure). */
static int submit_batch(struct importer *im)
{
	struct import_batch *b = im->batch;
	if (!b) /* the writer failed and kept it: finish says why */
		return -1;
	b->completed = im->job.completed;
	b->failed = im->job.failed;
	b->blank = im->job.blank;
	b->offset = csv_reader_offset(im->reader);
	b->total = im->total;
	if (!(im->batch = import_writer_submit(im->writer, b))) {
		im->batch = b; /* the writer failed: finish says why */
		b->n = 0;
		return finish_writer(im);
	}
	return 0;
}

/* The server stops or the list was deleted: the import ends here, what
 * was read before `line` committed. Returns -1. */
static int stop_here(struct importer *im, unsigned long line)
{
	if (finish_writer(im))
		return -1;
	if (!atomic_load(im->env->cancel))
		return fail(im, "LIST_DELETED", "the contact list was deleted during the import");
	return fail(im, "INTERRUPTED",
		    "dialbookd stopped during the import; rows before line %lu were imported",
		    line);
}

/* A paced import counts its rows first, so that its progress and the
 * failure percentage are exact: one more pass over the file (paced imports
 * are tests' imports, small). */
static int64_t count_rows(struct importer *im)
{
	struct store_blob_read again;
	if (store_blob_open(im->s, im->job.upload_key, &again) != STORE_OK)
		return 0;
	int fd = again.fd;
	struct csv_reader *r = csv_reader_new(csv_read_fd, &fd);
	struct csv_record rec;
	struct csv_error err;
	int64_t rows = 0;
	int rc = csv_reader_next(r, &rec, &err); /* the header */
	while (rc != 0 && (rc = csv_reader_next(r, &rec, &err)) != 0) {
		if (rc > 0 && rec.blank)
			continue;
		rows++;
		if (rc < 0 && csv_reader_failed(r))
			break;
	}
	csv_reader_free(r);
	close(fd);
	return rows;
}

static void pace_start(struct importer *im)
{
	const struct job_pacer *p = im->env->pacer;
	im->paced = p && p->import_plan(p->ctx, im->job.org_id, im->job.list_id, &im->pace);
	if (!im->paced)
		return;
	im->total = count_rows(im);
	im->job.total = im->total;
	save(im);
	im->rows_started_ms = im->flushed_ms = time_monotonic_ms();
	log_info("event=import_paced import_id=%s mode=%d rows=%lld fail_at_percent=%d", im->job.id,
		 (int)im->pace.mode, (long long)im->total, im->pace.fail_at_percent);
}

/* The planned failure, once `completed` rows reach its share of the file. */
static bool pace_fails(struct importer *im)
{
	return im->paced && im->pace.fail_at_percent >= 0 &&
	       im->job.completed >= im->total * im->pace.fail_at_percent / 100;
}

static int pace_fail(struct importer *im)
{
	if (finish_writer(im))
		return -1;
	return fail(im, im->pace.failure_reason,
		    "failed at %d%% as the control API's progression asked (%lld of %lld rows "
		    "read; the rows before were imported)",
		    im->pace.fail_at_percent, (long long)im->job.completed, (long long)im->total);
}

/* Before the next data row of a paced import: waits until its plan lets
 * it read one, handing what was read to the writer while it waits (so
 * importstatus shows progress), and stopping when the server stops or the
 * list goes. 0 to read on; -1: the import ended here. */
static int pace_row(struct importer *im, unsigned long line)
{
	if (pace_fails(im))
		return pace_fail(im);
	const struct job_pacer *p = im->env->pacer;
	for (;;) {
		if (job_should_stop(im->env))
			return stop_here(im, line);
		bool go;
		if (im->pace.mode == IMPORT_PACE_RATE)
			go = (double)im->job.completed <
			     (time_monotonic_ms() - im->rows_started_ms) *
				     im->pace.rows_per_second / 1000.0;
		else if (im->pace.mode == IMPORT_PACE_MANUAL)
			go = p->take_rows(p->ctx, im->job.org_id, im->job.list_id, 1) == 1;
		else
			go = true;
		if (go)
			return 0;
		double now = time_monotonic_ms();
		/* What was read since the last hand-over, at most 5 times a
		 * second: a held import writes nothing while nothing moves. */
		if (now - im->flushed_ms >= 200 && im->job.completed > im->flushed_rows) {
			if (submit_batch(im))
				return -1;
			im->flushed_ms = now;
			im->flushed_rows = im->job.completed;
		}
		usleep(20000);
	}
}

static int read_rows(struct importer *im)
{
	struct csv_record rec;
	struct csv_error err;
	int rc;
	int64_t now = time_now_ms();
	struct contact_limits lim = {im->env->limits->max_contacts_per_list,
				     im->env->limits->max_contacts_per_org};
	im->writer = import_writer_start(im->s, &im->job, im->list.org_id, im->list.id, &lim,
					 im->file_size);
	im->batch = import_writer_first(im->writer);
	while ((rc = csv_reader_next(im->reader, &rec, &err)) != 0) {
		if (rc < 0) {
			if (csv_reader_failed(im->reader)) {
				/* The record that stopped the file is kept too. */
				reject(im, NULL, err.line, err.column, err.message);
				return finish_writer(im) ? -1
							 : fail(im, "INVALID_FILE",
								"line %lu, column %lu: %s; rows "
								"before it were imported",
								err.line, err.column, err.message);
			}
			if (im->paced && pace_row(im, err.line))
				return -1;
			im->job.completed++;
			reject(im, NULL, err.line, err.column, err.message);
			continue;
		}
		if (rec.blank) {
			im->job.blank++;
			continue;
		}
		if (im->paced && pace_row(im, rec.line))
			return -1;
		im->job.completed++;
		process_row(im, &rec, now);
		if (im->batch->n < IMPORT_BATCH_ROWS)
			continue;
		if (submit_batch(im))
			return -1;
		if (job_should_stop(im->env))
			return stop_here(im, rec.line + rec.lines);
		now = time_now_ms();
	}
	if (pace_fails(im)) /* the share was the whole file */
		return pace_fail(im);
	return finish_writer(im);
}

static void importer_release(struct importer *im)
{
	finish_writer(im); /* only does something when an error path skipped it */
	if (im->rejects && !im->rejects_done) {
		im->rejects_done = true;
		if (csv_writer_finish(&im->rw) || store_blob_finish(im->rejects) != STORE_OK)
			log_error("event=rejects_file_failed import_id=%s", im->job.id);
	}
	csv_reader_free(im->reader);
	if (im->fd >= 0)
		close(im->fd);
	contact_csv_release(&im->check);
	contact_schema_release(&im->schema);
	contact_list_release(&im->list);
}

static int start(struct importer *im)
{
	int rc = store_list_get(im->s, im->job.org_id, im->job.list_id, &im->list);
	if (rc == STORE_NOT_FOUND)
		return fail(im, "LIST_DELETED", "the contact list no longer exists");
	if (rc != STORE_OK || contact_schema_init(&im->schema, im->list.doc, im->env->limits))
		return fail(im, "STORE_ERROR", "the store failed; see the server log");
	struct store_blob_read upload;
	rc = store_blob_open(im->s, im->job.upload_key, &upload);
	if (rc != STORE_OK)
		return fail(im, "STORE_ERROR", "the uploaded file is %s",
			    rc == STORE_NOT_FOUND ? "gone" : "unreadable; see the server log");
	im->fd = upload.fd;
	im->file_size = (unsigned long long)upload.size;
	im->reader = csv_reader_new(csv_read_fd, &im->fd);
	return 0;
}

void import_run(struct store *s, const struct job_env *env, const char *org_id, const char *job_id)
{
	struct importer *im = calloc(1, sizeof(*im));
	if (!im)
		abort();
	im->s = s;
	im->env = env;
	im->fd = -1;
	if (store_import_get(s, org_id, job_id, &im->job) != STORE_OK) {
		log_error("event=import_missing import_id=%s", job_id);
		free(im);
		return;
	}
	double started = time_monotonic_ms();
	im->job.state = JOB_RUNNING;
	save(im);
	if (start(im) == 0 && read_header(im) == 0) {
		pace_start(im);
		if (read_rows(im) == 0) {
			im->job.state = JOB_DONE;
			im->job.total = im->job.completed;
		}
	}
	/* Paced or not (a header that fails comes before the plan): the
	 * list's credit goes with its import. */
	if (env->pacer && env->pacer->import_ended)
		env->pacer->import_ended(env->pacer->ctx, im->job.list_id);
	importer_release(im);
	store_blob_delete(s,
			  im->job.upload_key); /* before the final state, which clients wait for */
	/* Counted before a client can see the outcome, so a scrape after it has it. */
	metrics_job_finished(METRICS_IMPORT, im->job.state == JOB_DONE, im->imported,
			     im->job.failed);
	save(im);
	store_blob_close(im->rejects); /* the row says it is final: the sweep may judge it */
	if (im->gone)		       /* deleted with its list: so are its rejected rows */
		store_blob_delete(s, im->job.rejects_key);
	else if (store_jobs_prune(s, im->job.org_id, im->job.list_id, job_file_remove, s) !=
		 STORE_OK)
		log_warn("event=import_prune_failed list_id=%s", im->job.list_id);
	log_info("event=import_finished import_id=%s list_id=%s state=%s rows=%lld imported=%lld "
		 "rejected=%lld blank=%lld duration_ms=%.0f",
		 im->job.id, im->job.list_id, im->job.state == JOB_DONE ? "done" : "failed",
		 (long long)im->job.completed, (long long)im->imported, (long long)im->job.failed,
		 (long long)im->job.blank, time_monotonic_ms() - started);
	free(im);
}

/* The export job: the list's contacts streamed to a CSV file shaped like the
 * cloud's exports (UTF-8 BOM, quoted header cells, inin-outbound-id first,
 * then the list's columns, then the system state columns of
 * model/contact_state.h), so that an export re-imports into a list with
 * the same columns, barred numbers included. Written as the blob the job
 * row names (store_blob_*), invisible until finished and held until the
 * row says DONE, so that no sweep takes it; a newer export of the list
 * then replaces the older one's blob. */
#include "jobs/jobs.h"
#include "api/metrics.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "csv/csv_writer.h"
#include "model/contact.h"
#include "model/contact_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct exporter {
	struct csv_writer w;
	const struct contact_schema *schema;
	char **values;
	struct state_column *state;
	size_t state_count;
	int64_t rows;
	bool damaged;
	const struct job_env *env;
};

static int write_row(const struct contact_record *r, void *ctx)
{
	struct exporter *x = ctx;
	if (contact_unpack(r->packed, r->packed_len, x->schema->count, x->values)) {
		x->damaged = true;
		return 1;
	}
	csv_writer_field(&x->w, r->id, strlen(r->id), false);
	for (size_t i = 0; i < x->schema->count; i++) {
		csv_writer_field(&x->w, x->values[i], strlen(x->values[i]), false);
		free(x->values[i]);
	}
	json_t *meta = r->meta ? json_loads(r->meta, 0, NULL) : NULL;
	for (size_t i = 0; i < x->state_count; i++) {
		const char *v = state_column_value(x->schema, &x->state[i], r->callable, meta);
		csv_writer_field(&x->w, v, strlen(v), false);
	}
	json_decref(meta);
	csv_writer_end_row(&x->w);
	x->rows++;
	/* Checked now and then: stopping the server or deleting the list ends
	 * a long export. */
	return (x->rows & 0x3FF) == 0 && job_should_stop(x->env) ? 1 : 0;
}

static int blob_sink(void *ctx, const char *data, size_t len)
{
	return store_blob_write(ctx, data, len) == STORE_OK ? 0 : -1;
}

static int export_file(struct store *s, const struct job_env *env, struct export_job *job,
		       const struct contact_list *list, struct store_blob *blob)
{
	struct contact_schema schema;
	if (contact_schema_init(&schema, list->doc, env->limits))
		return -1;
	struct exporter *x = calloc(1, sizeof(*x));
	if (!x)
		abort();
	x->schema = &schema;
	x->env = env;
	x->values = calloc(schema.count, sizeof(char *));
	if (!x->values)
		abort();
	csv_writer_init(&x->w, blob_sink, blob);
	csv_writer_raw(&x->w, "\xEF\xBB\xBF", 3);
	csv_writer_field(&x->w, "inin-outbound-id", 16, true);
	for (size_t i = 0; i < schema.count; i++)
		csv_writer_field(&x->w, schema.columns[i].name, strlen(schema.columns[i].name),
				 true);
	x->state_count = state_columns_of(&schema, NULL, 0);
	x->state = calloc(x->state_count, sizeof(*x->state));
	if (!x->state)
		abort();
	state_columns_of(&schema, x->state, x->state_count);
	struct strbuf name = {0};
	for (size_t i = 0; i < x->state_count; i++) {
		name.len = 0;
		state_column_name(&schema, &x->state[i], &name);
		csv_writer_field(&x->w, name.data, name.len, true);
	}
	strbuf_release(&name);
	csv_writer_end_row(&x->w);
	int rc = store_contacts_scan(s, list->org_id, list->id, write_row, x);
	bool cancelled = job_should_stop(env);
	int wrc = csv_writer_finish(&x->w);
	if (!wrc && rc == STORE_OK && !x->damaged && !cancelled &&
	    store_blob_finish(blob) != STORE_OK)
		wrc = -1;
	job->rows = x->rows;
	if (rc != STORE_OK || x->damaged || wrc || cancelled)
		snprintf(job->failure_detail, sizeof(job->failure_detail), "%s",
			 !cancelled ? (wrc ? "writing the export file failed (disk full?)"
					   : "reading the contacts failed; see the server log")
			 : atomic_load(env->cancel)
				 ? JOB_EXPORT_STOPPED
				 : "the contact list was deleted during the export");
	else
		rc = 0;
	free(x->values);
	free(x->state);
	free(x);
	contact_schema_release(&schema);
	return rc == 0 && !cancelled && !wrc ? 0 : -1;
}

void export_run(struct store *s, const struct job_env *env, const char *org_id, const char *job_id)
{
	struct export_job job;
	if (store_export_get(s, org_id, job_id, &job) != STORE_OK) {
		log_error("event=export_missing export_id=%s", job_id);
		return;
	}
	double started = time_monotonic_ms();
	struct contact_list list;
	struct store_blob *blob = NULL;
	int rc = store_list_get(s, job.org_id, job.list_id, &list);
	if (rc == STORE_OK) {
		rc = store_blob_create(s, job.file_key, &blob);
		if (rc == STORE_OK)
			rc = export_file(s, env, &job, &list, blob);
		else
			snprintf(job.failure_detail, sizeof(job.failure_detail),
				 "cannot write the export file; see the server log");
		contact_list_release(&list);
	} else {
		snprintf(job.failure_detail, sizeof(job.failure_detail),
			 "the contact list no longer exists");
	}
	job.state = rc == 0 ? JOB_DONE : JOB_FAILED;
	job.date_modified = time_now_ms();
	/* Counted before a client can see the outcome, so a scrape after it has it. */
	metrics_job_finished(METRICS_EXPORT, rc == 0, rc == 0 ? job.rows : 0, 0);
	int urc = store_export_update(s, &job);
	store_blob_close(blob);	    /* the row says DONE (or FAILED: the blob goes) */
	if (urc == STORE_NOT_FOUND) /* the list was deleted meanwhile: so is the file */
		store_blob_delete(s, job.file_key);
	else if (urc != STORE_OK)
		log_error("event=export_state_lost export_id=%s", job.id);
	else if (rc == 0 &&
		 store_jobs_prune(s, job.org_id, job.list_id, job_file_remove, s) != STORE_OK)
		log_warn("event=export_prune_failed list_id=%s", job.list_id);
	log_info(
		"event=export_finished export_id=%s list_id=%s state=%s rows=%lld duration_ms=%.0f",
		job.id, job.list_id, rc == 0 ? "done" : "failed", (long long)job.rows,
		time_monotonic_ms() - started);
}

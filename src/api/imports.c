/* Import status: the cloud's ImportStatus, plus failedRecords, the reason in
 * words, the file's ignored columns and where to download the rejected rows. */
#include "api/api.h"

#include <stdio.h>
#include <string.h>

json_t *import_status_json(struct api_ctx *c, const char *list_id)
{
	struct import_job j;
	int rc = store_import_latest(c->store, c->org.id, list_id, &j);
	if (rc == STORE_NOT_FOUND) /* never imported: nothing is in progress */
		return json_pack("{s:i,s:i,s:i}", "totalRecords", 0, "completedRecords", 0,
				 "percentComplete", 100);
	if (rc != STORE_OK)
		return NULL;
	int64_t total = j.total > j.completed ? j.total : j.completed;
	int64_t percent = j.state == JOB_DONE ? 100 : total ? j.completed * 100 / total : 0;
	if (j.state != JOB_DONE && percent > 99)
		percent = 99; /* 100 means finished, to Terraform */
	json_t *out = json_object();
	if (j.state == JOB_PENDING || j.state == JOB_RUNNING)
		json_object_set_new(out, "state", json_string("IN_PROGRESS"));
	else if (j.state == JOB_FAILED)
		json_object_set_new(out, "state", json_string("FAILED"));
	json_object_set_new(out, "totalRecords", json_integer(total));
	json_object_set_new(out, "completedRecords", json_integer(j.completed));
	json_object_set_new(out, "percentComplete", json_integer(percent));
	if (j.state == JOB_FAILED) {
		json_object_set_new(out, "failureReason", json_string(j.failure_reason));
		json_object_set_new(out, "failureDetail", json_string(j.failure_detail));
	}
	json_object_set_new(out, "failedRecords", json_integer(j.failed));
	json_object_set_new(out, "blankRecords", json_integer(j.blank));
	if (j.failed > 0) {
		/* Absolute, from --public-url, like an export's uri: a client
		 * follows it as it is. */
		char uri[600];
		snprintf(uri, sizeof(uri), "%s/api/v2/downloads/%s",
			 c->srv->public_url ? c->srv->public_url : "", j.id);
		json_object_set_new(out, "rejectedRowsUri", json_string(uri));
	}
	json_t *ignored = j.ignored_columns[0] ? json_loads(j.ignored_columns, 0, NULL) : NULL;
	if (ignored) /* a warning: the file's columns that are not the list's */
		json_object_set_new(out, "ignoredColumns", ignored);
	json_object_set_new(out, "importId", json_string(j.id));
	return out;
}

int importstatus_get(struct api_ctx *c)
{
	struct contact_list cl;
	if (api_load_list(c, c->req->params[0], &cl))
		return -1;
	contact_list_release(&cl);
	json_t *status = import_status_json(c, c->req->params[0]);
	return status ? api_reply(c, 200, status) : api_store_failed(c);
}

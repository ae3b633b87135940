/* Exports and downloads: POST .../export starts a job, GET .../export says
 * where the file is once it is ready, GET /api/v2/downloads/{id} streams
 * it (or an import's rejected rows) to the same organization only (the
 * store finds no other organization's job), until --retention has passed
 * (410 after that; jobs/sweeper.c deletes it). */
#include "api/control.h"
#include "api/listing.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "jobs/jobs.h"

#include <stdio.h>
#include <string.h>

#define DOWNLOADS "/api/v2/downloads/"

int exports_start(struct api_ctx *c)
{
	/* The body is optional; when present it must be an object without
	 * members dialbook does not know (it knows none yet). */
	if (c->req->body_len) {
		json_error_t err;
		json_t *body = json_loadb(c->req->body, c->req->body_len, JSON_DECODE_ANY, &err);
		if (!body)
			return api_malformed_json(c, &err);
		const char *first =
			json_is_object(body) ? json_object_iter_key(json_object_iter(body)) : NULL;
		bool ok = json_is_object(body) && !first;
		char name[64] = "";
		if (first)
			snprintf(name, sizeof(name), "%s", first);
		json_decref(body);
		if (!ok) {
			if (name[0])
				problem_add_detail(&c->problem, "INVALID_PROPERTY", name);
			return problem_set(&c->problem, 400, "invalid.property",
					   "the export request takes an empty object {}%s%s",
					   name[0] ? "; unknown property: " : "", name);
		}
	}
	struct contact_list cl;
	if (api_load_list(c, c->req->params[0], &cl))
		return -1;
	struct export_job job;
	memset(&job, 0, sizeof(job));
	text_uuid_new(job.id);
	snprintf(job.org_id, sizeof(job.org_id), "%s", c->org.id);
	snprintf(job.list_id, sizeof(job.list_id), "%s", cl.id);
	snprintf(job.file_key, sizeof(job.file_key), "%s.export.csv", job.id);
	job.state = JOB_PENDING; /* until a server claims it */
	job.date_created = job.date_modified = time_now_ms();
	contact_list_release(&cl);
	unsigned max = c->srv->limits.max_exports_per_org;
	int rc = store_export_add(c->store, &job, max);
	if (rc == STORE_NOT_FOUND) /* deleted since it was read */
		return api_not_found(c, "contact list", job.list_id);
	if (rc == STORE_LIMIT)
		return api_cap_reached(c, "exports pending or running", max,
				       "--max-exports-per-org");
	if (rc != STORE_OK)
		return api_store_failed(c);
	job_runner_wake(c->srv->jobs);
	if (c->srv->control) /* "not ready for N polls" counts from here */
		control_export_started(c->srv->control, job.org_id, job.list_id);
	char uri[96];
	snprintf(uri, sizeof(uri), DOWNLOADS "%s", job.id);
	return api_reply(c, 200, json_pack("{s:s,s:s}", "id", job.id, "selfUri", uri));
}

/* The absolute URL of a download: --public-url, never the request's Host
 * (a Host of the client's choosing would be echoed to whoever follows the
 * link). */
static void download_url(struct api_ctx *c, const char *id, char *out, size_t size)
{
	snprintf(out, size, "%s" DOWNLOADS "%s", c->srv->public_url ? c->srv->public_url : "", id);
}

static bool expired(struct api_ctx *c, int64_t finished_ms)
{
	return job_file_expired(&c->srv->limits, finished_ms, time_now_ms());
}

/* --retention in words: "24h", "90m", "2s". */
static void retention_text(struct api_ctx *c, char *out, size_t size)
{
	int64_t s = c->srv->limits.file_retention_s;
	if (s % 3600 == 0)
		snprintf(out, size, "%lldh", (long long)(s / 3600));
	else if (s % 60 == 0)
		snprintf(out, size, "%lldm", (long long)(s / 60));
	else
		snprintf(out, size, "%llds", (long long)s);
}

/* 410: the file outlived --retention (the cloud's links expire too). */
static int gone(struct api_ctx *c, const char *what, const char *id, const char *list_id,
		const char *advice)
{
	char kept[32];
	retention_text(c, kept, sizeof(kept));
	return problem_set(&c->problem, 410, "resource.expired",
			   "The requested resource is gone: %s %.64s of contact list %.64s "
			   "expired; dialbookd keeps exports and rejected rows for %s "
			   "(--retention). %s",
			   what, id, list_id, kept, advice);
}

int exports_get(struct api_ctx *c)
{
	bool download;
	if (api_query_bool(c, "download", false, &download))
		return -1;
	struct contact_list cl;
	if (api_load_list(c, c->req->params[0], &cl))
		return -1;
	contact_list_release(&cl);
	/* Held by the control API's progression: answered as the cloud
	 * answers an export that is not ready. */
	if (c->srv->control && control_export_held(c->srv->control, c->req->params[0]))
		return problem_set(&c->problem, 404, "not.found",
				   "The requested resource was not found: the export is still "
				   "running; try again shortly");
	struct export_job job;
	int rc = store_export_latest(c->store, c->org.id, c->req->params[0], &job);
	if (rc != STORE_OK && rc != STORE_NOT_FOUND)
		return api_store_failed(c);
	if (rc == STORE_NOT_FOUND || job.state != JOB_DONE) {
		const char *why = rc == STORE_NOT_FOUND
					  ? "no export was started; POST to this path first"
				  : job.state == JOB_FAILED
					  ? job.failure_detail
					  : "the export is still running; try again shortly";
		return problem_set(&c->problem, 404, "not.found",
				   "The requested resource was not found: %s", why);
	}
	if (expired(c, job.date_modified)) {
		char kept[32];
		retention_text(c, kept, sizeof(kept));
		return problem_set(&c->problem, 404, "not.found",
				   "The requested resource was not found: the latest export "
				   "expired; exports are kept for %s (--retention). POST to this "
				   "path for a new one",
				   kept);
	}
	char url[300], when[32];
	download_url(c, job.id, url, sizeof(url));
	if (download) {
		http_response_header(c->res, "Location", "%s", url);
		return api_reply(c, 303, NULL);
	}
	time_format_iso(job.date_modified, when, sizeof(when));
	return api_reply(c, 200, json_pack("{s:s,s:s}", "uri", url, "exportTimestamp", when));
}

static int file_gone(struct api_ctx *c)
{
	return problem_set(&c->problem, 404, "not.found",
			   "The requested resource was not found: the file is gone");
}

/* The response streams the descriptor (and closes it). A backend that
 * keeps blobs elsewhere would give a reader, streamed by callback. */
static int send_fd(struct api_ctx *c, int fd, uint64_t size, const char *name)
{
	c->res->status = 200;
	c->res->fd = fd;
	c->res->fd_used = true;
	c->res->fd_size = (unsigned long long)size;
	c->res->raw_type = "text/csv; charset=utf-8";
	http_response_header(c->res, "Content-Disposition", "attachment; filename=\"%s\"", name);
	return 0;
}

static int send_blob(struct api_ctx *c, const char *key, const char *name)
{
	struct store_blob_read r;
	int rc = store_blob_open(c->store, key, &r);
	if (rc == STORE_NOT_FOUND) {
		log_error("event=download_missing key=%s", key);
		return file_gone(c);
	}
	if (rc != STORE_OK)
		return api_store_failed(c);
	return send_fd(c, r.fd, r.size, name);
}

int downloads_get(struct api_ctx *c)
{
	bool redirect;
	if (api_query_bool(c, "issueRedirect", true, &redirect))
		return -1;
	const char *id = c->req->params[0];
	struct export_job ex;
	struct import_job im;
	char name[96];
	int rc = store_export_get(c->store, c->org.id, id, &ex);
	if (rc == STORE_OK && ex.state == JOB_DONE) {
		if (expired(c, ex.date_modified))
			return gone(c, "export", id, ex.list_id,
				    "Start a new export with POST "
				    "/api/v2/outbound/contactlists/{id}/export");
		if (!redirect) {
			char url[300];
			download_url(c, id, url, sizeof(url));
			return api_reply(c, 200, json_pack("{s:s}", "url", url));
		}
		snprintf(name, sizeof(name), "contactlist-%s.csv", ex.list_id);
		return send_blob(c, ex.file_key, name);
	}
	if (rc != STORE_OK && rc != STORE_NOT_FOUND)
		return api_store_failed(c);
	rc = store_import_get(c->store, c->org.id, id, &im);
	if (rc == STORE_OK && im.failed > 0 && (im.state == JOB_DONE || im.state == JOB_FAILED)) {
		if (expired(c, im.date_modified))
			return gone(c, "the rejected rows of import", id, im.list_id,
				    "Run `dialbook validate --rejects` on the file, or import "
				    "it again");
		snprintf(name, sizeof(name), "rejected-rows-%s.csv", im.id);
		return send_blob(c, im.rejects_key, name);
	}
	if (rc != STORE_OK && rc != STORE_NOT_FOUND)
		return api_store_failed(c);
	return api_not_found(c, "download", id);
}

/* Files both ways: the multipart upload, import polling, and export with
 * its download streamed to disk. */
#include "client/client_internal.h"

#include <errno.h>
#include <stdbool.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What an upload sends; its form is built for each attempt. The file
 * part comes from a path (libcurl reads it) or from a source, which is
 * rewound before every attempt but the first. */
struct upload {
	const char *list_id;
	const char *contact_id_name;
	const char *csv_path;
	const struct dialbook_source *src;
	int64_t sent; /* of the source, this attempt */
	bool failed;  /* the source failed or gave other than its size */
	int built;
};

static size_t source_read(char *buf, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	int64_t want = u->src->size;
	int64_t got = u->src->read(u->src->ctx, buf, size * n);
	if (got < 0 || (want >= 0 && (u->sent + got > want || (got == 0 && u->sent < want)))) {
		u->failed = true;
		return CURL_READFUNC_ABORT;
	}
	u->sent += got;
	return (size_t)got;
}

static curl_mime *upload_form(struct dialbook_client *c, void *ctx)
{
	struct upload *u = ctx;
	if (u->built++ && u->src && (!u->src->rewind || u->src->rewind(u->src->ctx)))
		return NULL;
	u->sent = 0;
	curl_mime *mime = curl_mime_init(c->curl);
	curl_mimepart *part = curl_mime_addpart(mime);
	curl_mime_name(part, "id");
	curl_mime_data(part, u->list_id, CURL_ZERO_TERMINATED);
	part = curl_mime_addpart(mime);
	curl_mime_name(part, "fileType");
	curl_mime_data(part, "contactlist", CURL_ZERO_TERMINATED);
	if (u->contact_id_name && *u->contact_id_name) {
		part = curl_mime_addpart(mime);
		curl_mime_name(part, "contact-id-name");
		curl_mime_data(part, u->contact_id_name, CURL_ZERO_TERMINATED);
	}
	part = curl_mime_addpart(mime);
	curl_mime_name(part, "file");
	curl_mime_type(part, "text/csv");
	if (u->src) {
		curl_mime_data_cb(part, u->src->size >= 0 ? (curl_off_t)u->src->size : -1,
				  source_read, NULL, NULL, u);
		curl_mime_filename(part, u->src->file_name && *u->src->file_name ? u->src->file_name
										 : "contacts.csv");
	} else {
		curl_mime_filedata(part, u->csv_path); /* streamed from disk by libcurl */
	}
	return mime;
}

/* Sends the form; on success hands out the import's correlation id. */
static int upload_send(struct dialbook_client *c, struct upload *u, char **correlation_id,
		       struct dialbook_error *err)
{
	char *answer = NULL;
	struct client_form form = {upload_form, u};
	int rc = client_call(c, "POST", "/uploads/v2/contactlist", NULL, &form, &answer, NULL, err);
	if (rc)
		return rc;
	json_t *j = json_loads(answer, 0, NULL);
	const char *cid = json_string_value(json_object_get(j, "correlationId"));
	if (correlation_id)
		*correlation_id = cid ? strdup(cid) : NULL;
	json_decref(j);
	free(answer);
	return DIALBOOK_OK;
}

int dialbook_upload(struct dialbook_client *c, const char *list_id, const char *csv_path,
		    const char *contact_id_name, char **correlation_id, struct dialbook_error *err)
{
	if (!list_id || !*list_id || !csv_path)
		return client_fail(err, DIALBOOK_EINVAL, 0, "a list id and a file are required");
	if (access(csv_path, R_OK) != 0)
		return client_fail(err, DIALBOOK_EIO, 0, "%s: %s", csv_path, strerror(errno));
	struct upload u = {
		.list_id = list_id, .contact_id_name = contact_id_name, .csv_path = csv_path};
	return upload_send(c, &u, correlation_id, err);
}

int dialbook_upload_source(struct dialbook_client *c, const char *list_id,
			   const struct dialbook_source *src, const char *contact_id_name,
			   char **correlation_id, struct dialbook_error *err)
{
	if (!list_id || !*list_id || !src || !src->read)
		return client_fail(err, DIALBOOK_EINVAL, 0,
				   "a list id and a source with a read function are required");
	struct upload u = {.list_id = list_id, .contact_id_name = contact_id_name, .src = src};
	int rc = upload_send(c, &u, correlation_id, err);
	if (rc && u.failed)
		return client_fail(err, DIALBOOK_EIO, 0,
				   "%s: reading the file failed while it was uploaded, or it "
				   "changed size",
				   src->file_name ? src->file_name : "the file");
	return rc;
}

static void copy_str(char *dst, size_t size, json_t *v)
{
	snprintf(dst, size, "%s", json_string_value(v) ? json_string_value(v) : "");
}

int dialbook_import_status(struct dialbook_client *c, const char *list_id,
			   struct dialbook_import_status *out, struct dialbook_error *err)
{
	char path[CLIENT_PATH_MAX], *answer = NULL;
	memset(out, 0, sizeof(*out));
	if (client_list_path(path, sizeof(path), list_id, "/importstatus", NULL, err))
		return DIALBOOK_EINVAL;
	int rc = dialbook_request(c, "GET", path, NULL, &answer, NULL, err);
	if (rc)
		return rc;
	json_t *j = json_loads(answer, 0, NULL);
	free(answer);
	if (!json_is_object(j)) {
		json_decref(j);
		return client_fail(err, DIALBOOK_EPROTO, 200, "importstatus is not a JSON object");
	}
	const char *state = json_string_value(json_object_get(j, "state"));
	out->in_progress = state && strcmp(state, "IN_PROGRESS") == 0;
	out->failed = state && strcmp(state, "FAILED") == 0;
	out->total_records = json_integer_value(json_object_get(j, "totalRecords"));
	out->completed_records = json_integer_value(json_object_get(j, "completedRecords"));
	out->percent_complete = (int)json_integer_value(json_object_get(j, "percentComplete"));
	out->failed_records = json_integer_value(json_object_get(j, "failedRecords"));
	copy_str(out->failure_reason, sizeof(out->failure_reason),
		 json_object_get(j, "failureReason"));
	copy_str(out->failure_detail, sizeof(out->failure_detail),
		 json_object_get(j, "failureDetail"));
	copy_str(out->rejected_rows_uri, sizeof(out->rejected_rows_uri),
		 json_object_get(j, "rejectedRowsUri"));
	json_decref(j);
	return DIALBOOK_OK;
}

/* Polling of a job: waits 50 ms, doubling up to 1 s, until the deadline. */
struct poller {
	double deadline;
	unsigned wait_ms;
};

static struct poller poller_start(double timeout_s)
{
	return (struct poller){client_now() + (timeout_s > 0 ? timeout_s : 86400), 50};
}

/* Sleeps before the next poll; false once the deadline has passed. */
static bool poller_wait(struct poller *p)
{
	if (client_now() > p->deadline)
		return false;
	usleep(p->wait_ms * 1000);
	if (p->wait_ms < 1000)
		p->wait_ms *= 2;
	return true;
}

int dialbook_import_wait(struct dialbook_client *c, const char *list_id, double timeout_s,
			 void (*progress)(void *ctx, const struct dialbook_import_status *s),
			 void *ctx, struct dialbook_import_status *out, struct dialbook_error *err)
{
	struct poller p = poller_start(timeout_s);
	for (;;) {
		int rc = dialbook_import_status(c, list_id, out, err);
		if (rc)
			return rc;
		if (progress)
			progress(ctx, out);
		if (!out->in_progress)
			return DIALBOOK_OK;
		if (!poller_wait(&p))
			return client_fail(err, DIALBOOK_ETIMEOUT, 0,
					   "the import was still running after %.0f s", timeout_s);
	}
}

static size_t to_file(char *ptr, size_t size, size_t n, void *f)
{
	return fwrite(ptr, size, n, f) * size;
}

/* Downloads an absolute or relative uri into f (the file tmp), which it
 * closes, then renames tmp to path; on failure tmp is removed. */
static int download(struct dialbook_client *c, const char *uri, FILE *f, const char *tmp,
		    const char *path, int64_t *bytes, struct dialbook_error *err)
{
	char url[1024], auth[600];
	if (strncmp(uri, "http://", 7) == 0 || strncmp(uri, "https://", 8) == 0)
		snprintf(url, sizeof(url), "%s", uri);
	else
		snprintf(url, sizeof(url), "%s%s", c->api_base, uri);
	/* The download URL may point elsewhere (the cloud's storage): the
	 * token goes only to the API's own host. */
	struct curl_slist *headers = NULL;
	if (strncmp(url, c->api_base, strlen(c->api_base)) == 0) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", c->token);
		headers = curl_slist_append(NULL, auth);
	}
	CURL *h = c->curl;
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, to_file);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, f);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	CURLcode rc = curl_easy_perform(h);
	long status = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_off_t got = 0;
	curl_easy_getinfo(h, CURLINFO_SIZE_DOWNLOAD_T, &got);
	curl_slist_free_all(headers);
	int closed = fclose(f);
	if (rc != CURLE_OK || status != 200 || closed != 0) {
		if (rc == CURLE_OK && closed == 0 && status >= 400) {
			/* The server's ErrorBody (gone: 410, unknown: 404) says why. */
			char body[4096];
			FILE *again = fopen(tmp, "rb");
			size_t n = again ? fread(body, 1, sizeof(body) - 1, again) : 0;
			if (again)
				fclose(again);
			body[n] = '\0';
			unlink(tmp);
			return client_http_error(err, status, body);
		}
		unlink(tmp);
		if (rc != CURLE_OK)
			return client_fail(err, DIALBOOK_ENET, 0, "%s: %s", url,
					   curl_easy_strerror(rc));
		if (closed != 0)
			return client_fail(err, DIALBOOK_EIO, 0, "%s: %s", tmp, strerror(errno));
		return client_fail(err, DIALBOOK_EHTTP, status, "the download answered HTTP %ld",
				   status);
	}
	if (rename(tmp, path) != 0) {
		unlink(tmp);
		return client_fail(err, DIALBOOK_EIO, 0, "%s: %s", path, strerror(errno));
	}
	if (bytes)
		*bytes = (int64_t)got;
	return DIALBOOK_OK;
}

/* Asks for an export at path and waits until its answer (with the uri) is ready. */
static int wait_for_export(struct dialbook_client *c, const char *path, double timeout_s,
			   char **answer, struct dialbook_error *err)
{
	int rc = dialbook_request(c, "POST", path, "{}", NULL, NULL, err);
	if (rc)
		return rc;
	struct poller p = poller_start(timeout_s);
	struct dialbook_error local;
	for (;;) {
		long status = 0;
		rc = dialbook_request(c, "GET", path, NULL, answer, &status, &local);
		if (rc == DIALBOOK_OK)
			return DIALBOOK_OK;
		if (!(rc == DIALBOOK_EHTTP && local.http_status == 404)) {
			if (err)
				*err = local;
			return rc;
		}
		if (!poller_wait(&p))
			return client_fail(err, DIALBOOK_ETIMEOUT, 0,
					   "the export was not ready after %.0f s", timeout_s);
	}
}

int dialbook_export(struct dialbook_client *c, const char *list_id, const char *out_path,
		    double timeout_s, int64_t *bytes, struct dialbook_error *err)
{
	char path[CLIENT_PATH_MAX], tmp[1100], *answer = NULL;
	if (!out_path)
		return client_fail(err, DIALBOOK_EINVAL, 0, "an output file is required");
	if (client_list_path(path, sizeof(path), list_id, "/export", NULL, err))
		return DIALBOOK_EINVAL;
	int n = snprintf(tmp, sizeof(tmp), "%s.part", out_path);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return client_fail(err, DIALBOOK_EINVAL, 0, "the output path is too long");
	/* Opened before the export is asked for, so that an output file that
	 * cannot be written fails at once, not after the server's work. */
	FILE *f = fopen(tmp, "wb");
	if (!f)
		return client_fail(err, DIALBOOK_EIO, 0, "%s: %s", tmp, strerror(errno));
	int rc = wait_for_export(c, path, timeout_s, &answer, err);
	if (rc) {
		fclose(f);
		unlink(tmp);
		return rc;
	}
	json_t *j = json_loads(answer, 0, NULL);
	free(answer);
	const char *uri = json_string_value(json_object_get(j, "uri"));
	if (uri) {
		rc = download(c, uri, f, tmp, out_path, bytes, err);
	} else {
		fclose(f);
		unlink(tmp);
		rc = client_fail(err, DIALBOOK_EPROTO, 200, "the export answer has no uri");
	}
	json_decref(j);
	return rc;
}

/* The output's temporary twin (path.part), opened for writing. */
static FILE *open_part(const char *out_path, char *tmp, size_t size, struct dialbook_error *err)
{
	int n = snprintf(tmp, size, "%s.part", out_path);
	if (n < 0 || (size_t)n >= size) {
		client_fail(err, DIALBOOK_EINVAL, 0, "the output path is too long");
		return NULL;
	}
	FILE *f = fopen(tmp, "wb");
	if (!f)
		client_fail(err, DIALBOOK_EIO, 0, "%s: %s", tmp, strerror(errno));
	return f;
}

int dialbook_download(struct dialbook_client *c, const char *uri, const char *out_path,
		      int64_t *bytes, struct dialbook_error *err)
{
	char tmp[1100];
	if (!c || !uri || !*uri || !out_path || !*out_path)
		return client_fail(err, DIALBOOK_EINVAL, 0,
				   "a URI and an output file are required");
	if (uri[0] != '/' && strncmp(uri, "http://", 7) != 0 && strncmp(uri, "https://", 8) != 0)
		return client_fail(err, DIALBOOK_EINVAL, 0,
				   "%.200s: not a URI the server handed out (http://, https:// "
				   "or a path starting with /)",
				   uri);
	int rc = client_ensure_token(c, err);
	if (rc)
		return rc;
	FILE *f = open_part(out_path, tmp, sizeof(tmp), err);
	if (!f)
		return err ? err->code : DIALBOOK_EIO;
	return download(c, uri, f, tmp, out_path, bytes, err);
}

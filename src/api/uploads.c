/* POST /uploads/v2/contactlist: a multipart form with the fields id,
 * fileType=contactlist, contact-id-name and file, in any order. The file is
 * streamed into a blob of the store as it arrives (never held in memory),
 * then an import job takes it; the answer is {"correlationId": <import id>}.
 *
 * An upload holds its blob until an import job's row names it, so that no
 * sweep takes it (jobs/sweeper.c). An organization has at most
 * --max-uploads-per-org uploads in flight. The list is checked as soon as
 * the id field has been read: an upload to a list that is not the
 * caller's stops there, and what was written is deleted. */
#include "api/api.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "jobs/jobs.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct upload {
	struct http_upload base;
	struct api_server *srv;
	char org_id[UUID_STR_LEN];
	char job_id[UUID_STR_LEN];
	char key[STORE_BLOB_KEY_MAX + 1];
	struct store_blob *blob;
	bool has_file;
	int refused;	/* 404 or 409: the list was refused as soon as id was read */
	char field[64]; /* the form field being read */
	unsigned long long bytes;
	char list_id[129];
	char file_type[65];
	char contact_id_name[DB_MAX_COLUMN_NAME_CHARS * 4 + 1];
	char clear_system_data[8];
	char error[256];
	bool store_failed; /* writing the blob failed: store_blob_last_failure says why */
	unsigned given;	   /* the fields whose value has begun (given_twice) */
};

/* Uploads in flight per organization. In memory: an upload in flight is a
 * connection of this process (several servers each apply the cap). */
struct org_uploads {
	char org_id[UUID_STR_LEN];
	unsigned count;
};

static pthread_mutex_t in_flight_lock = PTHREAD_MUTEX_INITIALIZER;
static struct org_uploads *in_flight; /* at most one entry per connection */
static size_t in_flight_n, in_flight_cap;

static struct org_uploads *in_flight_find(const char *org_id)
{
	for (size_t i = 0; i < in_flight_n; i++)
		if (strcmp(in_flight[i].org_id, org_id) == 0)
			return &in_flight[i];
	return NULL;
}

/* Takes one of the org's upload slots; false when all max are taken. */
static bool slot_take(const char *org_id, unsigned max)
{
	pthread_mutex_lock(&in_flight_lock);
	struct org_uploads *o = in_flight_find(org_id);
	bool ok = !o || o->count < max;
	if (ok && !o) {
		if (in_flight_n == in_flight_cap) {
			in_flight_cap = in_flight_cap ? in_flight_cap * 2 : 16;
			in_flight = realloc(in_flight, in_flight_cap * sizeof(*in_flight));
			if (!in_flight)
				abort();
		}
		o = &in_flight[in_flight_n++];
		snprintf(o->org_id, sizeof(o->org_id), "%s", org_id);
		o->count = 0;
	}
	if (ok)
		o->count++;
	pthread_mutex_unlock(&in_flight_lock);
	return ok;
}

static void slot_give_back(const char *org_id)
{
	pthread_mutex_lock(&in_flight_lock);
	struct org_uploads *o = in_flight_find(org_id);
	if (o && --o->count == 0) {
		*o = in_flight[--in_flight_n];
		if (!in_flight_n) {
			free(in_flight);
			in_flight = NULL;
			in_flight_cap = 0;
		}
	}
	pthread_mutex_unlock(&in_flight_lock);
}

/* Deletes what was received; the upload takes no more of the body. */
static void discard_file(struct upload *u)
{
	store_blob_close(u->blob); /* unfinished: nothing is left */
	u->blob = NULL;
}

/* The list named by id, checked once the field is complete: 0 when it is
 * a list of the caller's organization that takes imports. */
static int check_list(struct upload *u)
{
	struct store *s = store_pool_get(u->srv->pool);
	if (!s)
		return 0; /* the finish says why */
	struct contact_list cl;
	int rc = store_list_get(s, u->org_id, u->list_id, &cl);
	if (rc == STORE_NOT_FOUND) {
		u->refused = 404;
	} else if (rc == STORE_OK) {
		const char *status = json_string_value(json_object_get(cl.doc, "status"));
		if (status && strcmp(status, "INACTIVE") == 0)
			u->refused = 409;
		contact_list_release(&cl);
	}
	if (!u->refused)
		return 0;
	log_info("event=upload_refused list_id=%.64s status=%d bytes=%llu", u->list_id, u->refused,
		 u->bytes);
	discard_file(u);
	return -1;
}

/* Appends to a small text field; too long is an error, not a cut. */
static int append(struct upload *u, char *dst, size_t size, const char *name, const char *data,
		  size_t len)
{
	size_t have = strlen(dst);
	if (have + len >= size) {
		snprintf(u->error, sizeof(u->error), "the form field %s is longer than %zu bytes",
			 name, size - 1);
		return -1;
	}
	memcpy(dst + have, data, len);
	dst[have + len] = '\0';
	return 0;
}

/* A field given twice is refused, not concatenated: which value counts
 * would be a guess. Bit i of u->given is fields[i]; a part's first bytes
 * arrive at offset 0 (an empty duplicate goes unnoticed, and harmless). */
static int given_twice(struct upload *u, const char *name, size_t size, unsigned long long offset)
{
	static const char *const fields[] = {"id", "fileType", "contact-id-name", "clearSystemData",
					     "file"};
	if (offset != 0 || size == 0)
		return 0;
	for (unsigned i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (strcmp(name, fields[i]) != 0)
			continue;
		if (u->given & (1u << i)) {
			snprintf(u->error, sizeof(u->error),
				 "the form field %s is given twice; send each field once", name);
			return -1;
		}
		u->given |= 1u << i;
	}
	return 0;
}

static int on_part(struct http_upload *base, const char *name, const char *filename,
		   const char *data, size_t size)
{
	struct upload *u = (struct upload *)base;
	(void)filename;
	if (given_twice(u, name, size, base->part_offset))
		return -1;
	if (strcmp(name, u->field) != 0) { /* a new field: the one before is complete */
		if (strcmp(u->field, "id") == 0 && u->list_id[0] && check_list(u))
			return -1;
		snprintf(u->field, sizeof(u->field), "%s", name);
	}
	if (strcmp(name, "file") == 0) {
		u->has_file = true;
		if (!u->blob || store_blob_write(u->blob, data, size) != STORE_OK) {
			u->store_failed = true; /* the finish answers 503 with the reason */
			return -1;
		}
		u->bytes += (unsigned long long)size;
		return 0;
	}
	if (strcmp(name, "id") == 0)
		return append(u, u->list_id, sizeof(u->list_id), name, data, size);
	if (strcmp(name, "fileType") == 0)
		return append(u, u->file_type, sizeof(u->file_type), name, data, size);
	if (strcmp(name, "contact-id-name") == 0)
		return append(u, u->contact_id_name, sizeof(u->contact_id_name), name, data, size);
	if (strcmp(name, "clearSystemData") == 0)
		return append(u, u->clear_system_data, sizeof(u->clear_system_data), name, data,
			      size);
	snprintf(u->error, sizeof(u->error),
		 "%.64s is not a field of a contact list upload; the fields are id, fileType, "
		 "contact-id-name, clearSystemData and file",
		 name);
	return -1;
}

static void on_release(struct http_upload *base)
{
	struct upload *u = (struct upload *)base;
	store_blob_close(u->blob); /* dropped unless finished */
	slot_give_back(u->org_id);
	free(u);
}

int uploads_begin(struct api_ctx *c, struct http_upload **out)
{
	const char *type = c->req->header(c->req, "Content-Type");
	if (!type || strncasecmp(type, "multipart/form-data", 19) != 0)
		return problem_set(&c->problem, 415, "unsupported.media.type",
				   "Unsupported Media Type: upload the file as multipart/form-data "
				   "with the fields id, fileType=contactlist and file");
	unsigned max = c->srv->limits.max_uploads_per_org;
	if (!slot_take(c->org.id, max))
		return api_cap_reached(c, "uploads in flight", max, "--max-uploads-per-org");
	struct upload *u = calloc(1, sizeof(*u));
	if (!u)
		abort();
	u->base.part = on_part;
	u->base.release = on_release;
	u->srv = c->srv;
	snprintf(u->org_id, sizeof(u->org_id), "%s", c->org.id);
	text_uuid_new(u->job_id);
	snprintf(u->key, sizeof(u->key), "%s.upload.csv", u->job_id);
	if (store_blob_create(c->store, u->key, &u->blob) != STORE_OK) {
		log_error("event=upload_open_failed key=%s", u->key);
		slot_give_back(u->org_id);
		free(u);
		return api_store_failed(c);
	}
	*out = &u->base;
	return 0;
}

static int bad_field(struct api_ctx *c, const char *field, const char *message)
{
	problem_add_detail(&c->problem, "INVALID_VALUE", field);
	return problem_set(&c->problem, 400, "invalid.value", "%s", message);
}

static int list_inactive(struct api_ctx *c)
{
	return problem_set(&c->problem, 409, "general.conflict",
			   "the contact list is INACTIVE and refuses imports; set its status to "
			   "ACTIVE first");
}

int uploads_finish(struct api_ctx *c)
{
	const struct http_request *req = c->req;
	struct upload *u = (struct upload *)req->upload;
	if (!u) /* only reachable when the upload could not start */
		return api_store_failed(c);
	if (u->refused == 404)
		return api_not_found(c, "contact list", u->list_id);
	if (u->refused)
		return list_inactive(c);
	if (u->store_failed)
		return api_store_failure(c, store_blob_last_failure(u->blob));
	if (req->upload_malformed)
		return problem_set(
			&c->problem, 400, "bad.request",
			"the multipart body is malformed (a missing or broken boundary?); "
			"send a multipart/form-data form");
	if (u->error[0])
		return problem_set(&c->problem, 400, "bad.request", "%s", u->error);
	if (!u->list_id[0])
		return bad_field(c, "id", "the form field id (the contact list's id) is required");
	if (strcmp(u->file_type, "contactlist") != 0)
		return bad_field(c, "fileType", "the form field fileType must be contactlist");
	if (!u->has_file)
		return bad_field(c, "file", "the form field file (the CSV file) is required");
	bool clear_system = strcasecmp(u->clear_system_data, "true") == 0;
	if (!clear_system && u->clear_system_data[0] &&
	    strcasecmp(u->clear_system_data, "false") != 0)
		return bad_field(c, "clearSystemData",
				 "the form field clearSystemData must be true or false");
	struct contact_list cl;
	if (api_load_list(c, u->list_id, &cl))
		return -1;
	const char *status = json_string_value(json_object_get(cl.doc, "status"));
	bool inactive = status && strcmp(status, "INACTIVE") == 0;
	char list_id[UUID_STR_LEN];
	snprintf(list_id, sizeof(list_id), "%s", cl.id);
	contact_list_release(&cl);
	if (inactive)
		return list_inactive(c);
	if (store_blob_finish(u->blob) != STORE_OK)
		return api_store_failure(c, store_blob_last_failure(u->blob));
	struct import_job job;
	memset(&job, 0, sizeof(job));
	snprintf(job.id, sizeof(job.id), "%s", u->job_id);
	snprintf(job.org_id, sizeof(job.org_id), "%s", c->org.id);
	snprintf(job.list_id, sizeof(job.list_id), "%s", list_id);
	snprintf(job.upload_key, sizeof(job.upload_key), "%s", u->key);
	snprintf(job.rejects_key, sizeof(job.rejects_key), "%s.rejects.csv", u->job_id);
	snprintf(job.contact_id_column, sizeof(job.contact_id_column), "%s", u->contact_id_name);
	job.clear_system_data = clear_system;
	job.state = JOB_PENDING;
	job.date_created = job.date_modified = time_now_ms();
	int rc = store_import_add(c->store, &job);
	if (rc != STORE_OK) /* finished, but no row names it */
		store_blob_delete(c->store, u->key);
	if (rc == STORE_NOT_FOUND) /* deleted since it was read */
		return api_not_found(c, "contact list", list_id);
	if (rc == STORE_CONFLICT)
		return problem_set(&c->problem, 409, "general.conflict",
				   "an import into this contact list is already running; wait for "
				   "its importstatus to finish");
	if (rc != STORE_OK)
		return api_store_failed(c);
	/* The row names the blob now: the hold may go. */
	store_blob_close(u->blob);
	u->blob = NULL;
	job_runner_wake(c->srv->jobs);
	log_info("event=import_queued import_id=%s list_id=%s bytes=%llu correlation_id=%s", job.id,
		 job.list_id, u->bytes, req->correlation_id);
	return api_reply(c, 200, json_pack("{s:s}", "correlationId", job.id));
}

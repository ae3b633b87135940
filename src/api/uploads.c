/* POST /uploads/v2/contactlist: a multipart form with the fields id,
 * fileType=contactlist, contact-id-name and file, in any order. The file is
 * streamed to disk as it arrives (never held in memory), then an import
 * job takes it; the answer is {"correlationId": <import id>}. */
#include "api/api.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "jobs/jobs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct upload {
	struct http_upload base;
	char org_id[UUID_STR_LEN];
	char job_id[UUID_STR_LEN];
	char path[512];
	int fd;
	bool kept; /* handed to an import job: not deleted on release */
	bool has_file;
	unsigned long long bytes;
	char list_id[129];
	char file_type[65];
	char contact_id_name[DB_MAX_COLUMN_NAME_CHARS * 4 + 1];
	char clear_system_data[8];
	char error[256];
};

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

static int on_part(struct http_upload *base, const char *name, const char *filename,
		   const char *data, size_t size)
{
	struct upload *u = (struct upload *)base;
	(void)filename;
	if (strcmp(name, "file") == 0) {
		u->has_file = true;
		while (size) {
			ssize_t n = write(u->fd, data, size);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				snprintf(u->error, sizeof(u->error),
					 "the server could not store the upload: %s",
					 strerror(n < 0 ? errno : ENOSPC));
				return -1;
			}
			data += n;
			size -= (size_t)n;
			u->bytes += (unsigned long long)n;
		}
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
	if (u->fd >= 0)
		close(u->fd);
	if (!u->kept)
		unlink(u->path);
	free(u);
}

int uploads_begin(struct api_ctx *c, struct http_upload **out)
{
	const char *type = c->req->header(c->req, "Content-Type");
	if (!type || strncasecmp(type, "multipart/form-data", 19) != 0)
		return problem_set(&c->problem, 415, "unsupported.media.type",
				   "Unsupported Media Type: upload the file as multipart/form-data "
				   "with the fields id, fileType=contactlist and file");
	struct upload *u = calloc(1, sizeof(*u));
	if (!u)
		abort();
	u->base.part = on_part;
	u->base.release = on_release;
	snprintf(u->org_id, sizeof(u->org_id), "%s", c->org.id);
	text_uuid_new(u->job_id);
	snprintf(u->path, sizeof(u->path), "%s/%s.upload.csv", c->srv->files_dir, u->job_id);
	u->fd = open(u->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (u->fd < 0) {
		log_error("event=upload_open_failed path=%s error=\"%s\"", u->path,
			  strerror(errno));
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

int uploads_finish(struct api_ctx *c)
{
	const struct http_request *req = c->req;
	struct upload *u = (struct upload *)req->upload;
	if (!u) /* only reachable when the upload could not start */
		return api_store_failed(c);
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
	if (!clear_system && u->clear_system_data[0] && strcasecmp(u->clear_system_data, "false"))
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
		return problem_set(&c->problem, 409, "general.conflict",
				   "the contact list is INACTIVE and refuses imports; set its "
				   "status to ACTIVE first");
	if (fsync(u->fd) != 0 || close(u->fd) != 0) {
		u->fd = -1;
		return api_store_failed(c);
	}
	u->fd = -1;
	struct import_job job;
	memset(&job, 0, sizeof(job));
	snprintf(job.id, sizeof(job.id), "%s", u->job_id);
	snprintf(job.org_id, sizeof(job.org_id), "%s", c->org.id);
	snprintf(job.list_id, sizeof(job.list_id), "%s", list_id);
	snprintf(job.file_path, sizeof(job.file_path), "%s", u->path);
	snprintf(job.rejects_path, sizeof(job.rejects_path), "%s/%s.rejects.csv", c->srv->files_dir,
		 u->job_id);
	snprintf(job.contact_id_column, sizeof(job.contact_id_column), "%s", u->contact_id_name);
	job.clear_system_data = clear_system;
	job.state = JOB_PENDING;
	job.date_created = job.date_modified = time_now_ms();
	int rc = c->store->ops->import_add(c->store, &job);
	if (rc == STORE_CONFLICT)
		return problem_set(&c->problem, 409, "general.conflict",
				   "an import into this contact list is already running; wait for "
				   "its importstatus to finish");
	if (rc != STORE_OK)
		return api_store_failed(c);
	u->kept = true;
	job_runner_submit(c->srv->jobs, JOB_IMPORT, job.id);
	log_info("event=import_queued import_id=%s list_id=%s bytes=%llu correlation_id=%s", job.id,
		 job.list_id, u->bytes, req->correlation_id);
	return api_reply(c, 200, json_pack("{s:s}", "correlationId", job.id));
}

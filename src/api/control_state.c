/* State (docs/control-api.md): reset one organization or all, snapshots
 * of the whole database, a client's tokens expired now. Each goes through
 * the store facade; a job of a deleted list stops at its next check. */
#include "api/control_internal.h"
#include "common/timeutil.h"
#include "jobs/jobs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ids {
	char (*v)[UUID_STR_LEN];
	size_t n, cap;
};

static void ids_add(struct ids *ids, const char *id)
{
	if (ids->n == ids->cap) {
		ids->cap = ids->cap ? ids->cap * 2 : 16;
		ids->v = realloc(ids->v, ids->cap * sizeof(*ids->v));
		if (!ids->v)
			abort();
	}
	snprintf(ids->v[ids->n++], UUID_STR_LEN, "%s", id);
}

static int add_list(const struct contact_list *cl, void *ctx)
{
	ids_add(ctx, cl->id);
	return 0;
}

static int add_org(const struct org *o, void *ctx)
{
	ids_add(ctx, o->id);
	return 0;
}

/* Deletes every list of the org (contacts, jobs and their blobs with them)
 * and stops this server's jobs on them; *lists counts them. */
static int reset_org(struct api_ctx *c, const char *org_id, int64_t *lists)
{
	struct ids l = {0};
	int rc = store_list_scan(c->store, org_id, add_list, &l);
	if (rc == STORE_OK && l.n) {
		const char **v = malloc(l.n * sizeof(*v));
		if (!v)
			abort();
		for (size_t i = 0; i < l.n; i++) {
			v[i] = l.v[i];
			if (c->srv->jobs)
				job_runner_drop_list(c->srv->jobs, l.v[i]);
		}
		const char *missing = NULL;
		rc = store_list_delete_many(c->store, org_id, v, l.n, &missing, job_file_remove,
					    c->store);
		/* A list deleted meanwhile by someone else: scan again, once. */
		if (rc == STORE_NOT_FOUND) {
			free(v);
			free(l.v);
			return reset_org(c, org_id, lists);
		}
		free(v);
		if (rc == STORE_OK)
			*lists += (int64_t)l.n;
	}
	free(l.v);
	return rc;
}

int control_reset(struct api_ctx *c)
{
	json_t *body;
	if (control_body(c, true, &body) ||
	    field_check(body, control_reset_fields, FIELD_CREATE, "a reset", "", &c->problem))
		return -1;
	const char *org_id = json_string_value(json_object_get(body, "organizationId"));
	struct ids orgs = {0};
	int rc;
	if (org_id) {
		struct org o;
		rc = store_org_get(c->store, org_id, &o);
		if (rc == STORE_NOT_FOUND)
			return problem_set(&c->problem, 404, "not.found",
					   "The requested resource was not found: no organization "
					   "with id %.64s (organizationId)",
					   org_id);
		if (rc == STORE_OK)
			ids_add(&orgs, org_id);
	} else {
		rc = store_org_scan(c->store, add_org, &orgs);
	}
	int64_t lists = 0;
	for (size_t i = 0; rc == STORE_OK && i < orgs.n; i++)
		rc = reset_org(c, orgs.v[i], &lists);
	size_t count = orgs.n;
	free(orgs.v);
	if (rc != STORE_OK)
		return api_store_failed(c);
	if (!org_id) {
		struct control *ctl = c->srv->control;
		control_faults_clear(ctl);
		control_progress_clear(ctl);
		control_journal_clear(ctl);
	}
	return api_reply(c, 200,
			 json_pack("{s:I,s:I}", "organizations", (json_int_t)count, "contactLists",
				   (json_int_t)lists));
}

static bool name_ok(const char *s)
{
	size_t len = strlen(s);
	return len > 0 && len <= STORE_SNAPSHOT_NAME_MAX &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == len;
}

static int bad_name(struct api_ctx *c, const char *name)
{
	return control_bad(c, "name",
			   "name must be 1 to %d characters of A-Z, a-z, 0-9, _ and -; got "
			   "\"%.80s\"",
			   STORE_SNAPSHOT_NAME_MAX, name);
}

static int unsupported(struct api_ctx *c)
{
	return problem_set(&c->problem, 501, "not.implemented",
			   "this server's store keeps no snapshots (SQLite only, and not an "
			   "in-memory database)");
}

/* A snapshot never holds, and a restore never pulls the rows from under,
 * a job this server runs: its lease would be renewed for a job that runs
 * nowhere, or its writes land in the restored data. */
static int jobs_running(struct api_ctx *c, const char *why)
{
	if (!c->srv->jobs || !job_runner_busy(c->srv->jobs))
		return 0;
	return problem_set(&c->problem, 409, "general.conflict",
			   "an import or export is running on this server and %s; wait for it "
			   "to end (importstatus), or reset first",
			   why);
}

int control_snapshot_save(struct api_ctx *c)
{
	json_t *body;
	if (control_body(c, false, &body) ||
	    field_check(body, control_snapshot_fields, FIELD_CREATE, "a snapshot", "", &c->problem))
		return -1;
	const char *name = json_string_value(json_object_get(body, "name"));
	if (!name_ok(name))
		return bad_name(c, name);
	if (jobs_running(c, "a snapshot would catch it half-way"))
		return -1;
	int rc = store_snapshot_save(c->store, name);
	if (rc == STORE_UNSUPPORTED)
		return unsupported(c);
	if (rc != STORE_OK)
		return api_store_failed(c);
	char when[32];
	time_format_iso(time_now_ms(), when, sizeof(when));
	return api_reply(c, 201, json_pack("{s:s,s:s}", "name", name, "dateCreated", when));
}

int control_snapshot_restore(struct api_ctx *c)
{
	const char *name = c->req->params[0];
	if (!name_ok(name))
		return bad_name(c, name);
	if (jobs_running(c, "a restore would pull its data from under it"))
		return -1;
	int rc = store_snapshot_restore(c->store, name);
	if (rc == STORE_UNSUPPORTED)
		return unsupported(c);
	if (rc == STORE_NOT_FOUND)
		return problem_set(&c->problem, 404, "not.found",
				   "The requested resource was not found: no snapshot named %.64s "
				   "(POST /_dialbook/snapshots saves one)",
				   name);
	if (rc != STORE_OK)
		return api_store_failed(c);
	return api_reply(c, 200, json_pack("{s:s}", "name", name));
}

int control_expire_tokens(struct api_ctx *c)
{
	const char *id = c->req->params[0];
	int64_t n;
	int rc = store_client_tokens_expire(c->store, id, time_now_ms(), &n);
	if (rc == STORE_NOT_FOUND)
		return problem_set(&c->problem, 404, "not.found",
				   "The requested resource was not found: no OAuth client with id "
				   "%.64s",
				   id);
	if (rc != STORE_OK)
		return api_store_failed(c);
	return api_reply(c, 200,
			 json_pack("{s:s,s:I}", "clientId", id, "expiredTokens", (json_int_t)n));
}

/* /api/v2/outbound/contactlists: create, read, list, update, delete, bulk
 * delete, and the division views. Rules: DESIGN.md §3. */
#include "api/listing.h"
#include "api/resource.h"
#include "common/timeutil.h"
#include "jobs/jobs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE "/api/v2/outbound/contactlists"

/* The size and import status of a read, when asked for. */
static int extras_for(struct api_ctx *c, const char *list_id, bool size, bool import_status,
		      struct contact_list_extras *x)
{
	memset(x, 0, sizeof(*x));
	int64_t n = 0;
	if (size) {
		if (store_list_size(c->store, c->org.id, list_id, &n) != STORE_OK)
			return api_store_failed(c);
		x->size = json_integer(n);
	}
	if (import_status && !(x->import_status = import_status_json(c, list_id)))
		return api_store_failed(c);
	return 0;
}

static void extras_release(struct contact_list_extras *x)
{
	json_decref(x->size);
	json_decref(x->import_status);
}

static int check_division(struct api_ctx *c, const char *division_id, const char *expected)
{
	if (!division_id || strcmp(division_id, expected) == 0)
		return 0;
	problem_add_detail(&c->problem, "INVALID_VALUE", "division.id");
	return problem_set(&c->problem, 400, "invalid.value",
			   "division.id %.64s is not a division of this organization; omit "
			   "division to use the Home division (%s)",
			   division_id, expected);
}

static int name_taken(struct api_ctx *c, const char *name)
{
	problem_add_detail(&c->problem, "DUPLICATE_VALUE", "name");
	return problem_set(&c->problem, 409, "general.conflict",
			   "The request conflicts with the current state of the target resource: "
			   "a contact list named \"%.256s\" already exists in this organization "
			   "(names are compared case-insensitively); choose another name",
			   name);
}

int contactlists_create(struct api_ctx *c)
{
	struct contact_list_input in;
	if (contact_list_parse(c->body, FIELD_CREATE, &c->srv->limits, NULL, &in, &c->problem))
		return -1;
	int rc = -1;
	struct contact_list cl;
	memset(&cl, 0, sizeof(cl));
	if (check_division(c, in.division_id, c->org.home_division_id))
		goto out;
	text_uuid_new(cl.id);
	snprintf(cl.org_id, sizeof(cl.org_id), "%s", c->org.id);
	snprintf(cl.division_id, sizeof(cl.division_id), "%s", c->org.home_division_id);
	cl.name = strdup(in.name);
	cl.version = 1;
	cl.date_created = cl.date_modified = time_now_ms();
	cl.doc = json_incref(in.doc);
	switch (store_list_create(c->store, &cl, c->srv->limits.max_lists_per_org)) {
	case STORE_OK:
		break;
	case STORE_CONFLICT:
		name_taken(c, cl.name);
		goto out;
	case STORE_LIMIT:
		problem_put(&c->problem, "limit",
			    json_pack("{s:s,s:s,s:I}", "key", "max.contact.lists", "namespace",
				      "outbound", "value",
				      (json_int_t)c->srv->limits.max_lists_per_org));
		problem_set(&c->problem, 400, "max.entity.count.reached",
			    "this organization already has the maximum of %u contact lists; "
			    "delete one first",
			    c->srv->limits.max_lists_per_org);
		goto out;
	default:
		api_store_failed(c);
		goto out;
	}
	bool rest = c->srv->profile == PROFILE_REST;
	if (rest)
		http_response_header(c->res, "Location", BASE "/%s", cl.id);
	rc = api_reply(c, rest ? 201 : 200, contact_list_to_json(&cl, NULL));
out:
	contact_list_release(&cl);
	contact_list_input_release(&in);
	return rc;
}

int api_load_list(struct api_ctx *c, const char *id, struct contact_list *cl)
{
	int rc = store_list_get(c->store, c->org.id, id, cl);
	if (rc == STORE_NOT_FOUND)
		return api_not_found(c, "contact list", id);
	return rc == STORE_OK ? 0 : api_store_failed(c);
}

typedef json_t *(*encode_fn)(const struct contact_list *cl, const struct contact_list_extras *x);

static int get_with(struct api_ctx *c, encode_fn encode)
{
	bool size, status;
	if (api_query_bool(c, "includeSize", false, &size) ||
	    api_query_bool(c, "includeImportStatus", false, &status))
		return -1;
	struct contact_list cl;
	if (api_load_list(c, c->req->params[0], &cl))
		return -1;
	struct contact_list_extras x;
	int rc = extras_for(c, cl.id, size, status, &x);
	if (rc == 0)
		api_reply(c, 200, encode(&cl, &x));
	extras_release(&x);
	contact_list_release(&cl);
	return rc;
}

int contactlists_get(struct api_ctx *c)
{
	return get_with(c, contact_list_to_json);
}

int contactlists_update(struct api_ctx *c)
{
	struct contact_list cur;
	if (api_load_list(c, c->req->params[0], &cur))
		return -1;
	struct contact_list_input in;
	int rc = -1;
	if (contact_list_parse(c->body, FIELD_UPDATE, &c->srv->limits, &cur, &in, &c->problem)) {
		contact_list_release(&cur);
		return -1;
	}
	if (contact_list_check_update(&cur, &in, &c->problem) ||
	    check_division(c, in.division_id, cur.division_id))
		goto out;
	struct contact_list next = cur;
	next.name = (char *)in.name;
	next.doc = in.doc;
	next.version = cur.version + 1;
	next.date_modified = time_now_ms();
	int st = store_list_update(c->store, &next, cur.version);
	if (st == STORE_OK)
		rc = api_reply(c, 200, contact_list_to_json(&next, NULL));
	else if (st == STORE_CONFLICT)
		name_taken(c, in.name);
	else
		api_update_refused(c, st, "contact list", cur.id, in.version);
out:
	contact_list_input_release(&in);
	contact_list_release(&cur);
	return rc;
}

/* A list's jobs and their files go with it: exports and rejected rows stop
 * being downloadable, and a job running for the list stops. */
static int delete_lists(struct api_ctx *c, const char *const *ids, size_t n, const char **missing)
{
	int rc = store_list_delete_many(c->store, c->org.id, ids, n, missing, job_file_remove,
					c->store);
	if (rc == STORE_OK)
		for (size_t i = 0; i < n; i++)
			job_runner_drop_list(c->srv->jobs, ids[i]);
	return rc;
}

int contactlists_delete(struct api_ctx *c)
{
	return api_delete_one(c, "contact list", delete_lists);
}

int contactlists_delete_many(struct api_ctx *c)
{
	return api_delete_by_query(c, "contact list", "contact lists", delete_lists);
}

static int list_with(struct api_ctx *c, const char *base, encode_fn encode)
{
	struct listing_query q;
	if (listing_query_parse(c, &q)) {
		listing_query_release(&q);
		return -1;
	}
	struct listing_collected col = {.q = &q};
	int rc = -1;
	size_t first;
	if (store_list_scan(c->store, c->org.id, listing_collect, &col) != STORE_OK) {
		api_store_failed(c);
		goto out;
	}
	listing_sort(&q, col.items, col.count);
	if (listing_page_first(c, &q, col.count, &first))
		goto out;
	json_t *entities = json_array();
	for (size_t i = first; i < col.count && i < first + q.page_size; i++) {
		struct contact_list_extras x;
		if (extras_for(c, col.items[i].id, q.include_size, q.include_import_status, &x)) {
			json_decref(entities);
			goto out;
		}
		json_array_append_new(entities, encode(&col.items[i], &x));
		extras_release(&x);
	}
	rc = api_reply(c, 200, listing_envelope(c, &q, base, entities, col.count));
out:
	listing_collected_release(&col);
	listing_query_release(&q);
	return rc;
}

int contactlists_list(struct api_ctx *c)
{
	return list_with(c, BASE, contact_list_to_json);
}

int divisionviews_list(struct api_ctx *c)
{
	return list_with(c, BASE "/divisionviews", contact_list_division_view);
}

int divisionviews_get(struct api_ctx *c)
{
	return get_with(c, contact_list_division_view);
}

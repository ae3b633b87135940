/* The answers contact lists, templates and filters share (resource.h):
 * written once, as they were the same words in each handler file. */
#include "api/resource.h"

#include "api/listing.h"

#include <stdio.h>
#include <string.h>

int api_delete_one(struct api_ctx *c, const char *what, api_delete_fn del)
{
	const char *id = c->req->params[0];
	const char *missing;
	int rc = del(c, &id, 1, &missing);
	if (rc == STORE_NOT_FOUND)
		return api_not_found(c, what, id);
	if (rc != STORE_OK)
		return api_store_failed(c);
	return api_reply(c, c->srv->profile == PROFILE_REST ? 204 : 200, NULL);
}

int api_delete_by_query(struct api_ctx *c, const char *what, const char *plural, api_delete_fn del)
{
	char *ids[DB_MAX_BULK_IDS];
	size_t n = 0;
	int rc = -1;
	if (listing_query_ids(c, "id", ids, DB_MAX_BULK_IDS, &n))
		goto out;
	if (n == 0) {
		problem_add_detail(&c->problem, "REQUIRED", "id");
		problem_set(&c->problem, 400, "invalid.value",
			    "id is required: name the %s to delete as ?id=a,b or ?id=a&id=b",
			    plural);
		goto out;
	}
	const char *missing;
	int st = del(c, (const char *const *)ids, n, &missing);
	if (st == STORE_NOT_FOUND) {
		api_not_found(c, what, missing);
		snprintf(c->problem.message + strlen(c->problem.message),
			 sizeof(c->problem.message) - strlen(c->problem.message),
			 "; nothing was deleted");
		goto out;
	}
	if (st != STORE_OK) {
		api_store_failed(c);
		goto out;
	}
	rc = api_reply(c, 204, NULL);
out:
	listing_ids_release(ids, n);
	return rc;
}

int api_update_refused(struct api_ctx *c, int st, const char *what, const char *id, int64_t version)
{
	switch (st) {
	case STORE_STALE:
		problem_add_detail(&c->problem, "INVALID_VALUE", "version");
		return problem_set(
			&c->problem, 409, "general.conflict",
			"The %s version [%lld] does not match the current version: it "
			"changed while this update was in flight; read it again and retry",
			what, (long long)version);
	case STORE_NOT_FOUND:
		return api_not_found(c, what, id);
	default:
		return api_store_failed(c);
	}
}

int api_bulk_ids_body(struct api_ctx *c, json_t **ids)
{
	if (!json_is_object(c->body))
		return problem_set(&c->problem, 400, "bad.request",
				   "the request body must be a JSON object: {\"ids\": [...]}");
	const char *key;
	json_t *v;
	json_object_foreach(c->body, key, v)
	{
		if (strcmp(key, "ids") != 0) {
			problem_add_detail(&c->problem, "INVALID_PROPERTY", key);
			return problem_set(&c->problem, 400, "invalid.property",
					   "%.64s is not a property of the request; it takes ids",
					   key);
		}
	}
	*ids = json_object_get(c->body, "ids");
	return 0;
}

int api_bulk_ids_strings(struct api_ctx *c, const json_t *ids)
{
	size_t i;
	const json_t *v;
	json_array_foreach(ids, i, v)
	{
		if (!json_is_string(v)) {
			char field[32];
			snprintf(field, sizeof(field), "ids[%zu]", i);
			return problem_detail_set(&c->problem, field, "%s must be a string", field);
		}
	}
	return 0;
}

json_t *api_one_page(json_t *entities)
{
	size_t n = json_array_size(entities);
	return json_pack("{s:o,s:I,s:i,s:I,s:i}", "entities", entities, "pageSize",
			 (json_int_t)(n ? n : 1), "pageNumber", 1, "total", (json_int_t)n,
			 "pageCount", 1);
}

/* /api/v2/outbound/contactlistfilters: saved filters of a contact list —
 * create, read, list, update, delete, bulk retrieve (the preview is
 * contact_search.c's). A filter's clauses are checked against its list's
 * columns by the search's own compiler (contact_filter_check); a list's
 * filters are deleted with it (store.h). Model and paths: the pinned SDK;
 * rules: docs/api-rules.md, "Contact list filters". */
#include "api/contacts.h"
#include "api/listing.h"
#include "api/resource.h"
#include "common/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE  "/api/v2/outbound/contactlistfilters"
#define LISTS "/api/v2/outbound/contactlists/"
#define WHAT  "a contact list filter"

/* Members the record holds itself, never kept in its document. */
static const char *const record_members[] = {
	"id", "dateCreated", "dateModified", "version", "contactList", "selfUri", NULL};

static json_t *filter_json(const struct contact_filter *f)
{
	char created[32], modified[32], uri[128], list_uri[128];
	time_format_iso(f->date_created, created, sizeof(created));
	time_format_iso(f->date_modified, modified, sizeof(modified));
	snprintf(uri, sizeof(uri), BASE "/%s", f->id);
	snprintf(list_uri, sizeof(list_uri), LISTS "%s", f->list_id);
	json_t *computed =
		json_pack("{s:s,s:s,s:s,s:I,s:{s:s,s:s},s:s}", "id", f->id, "dateCreated", created,
			  "dateModified", modified, "version", (json_int_t)f->version,
			  "contactList", "id", f->list_id, "selfUri", list_uri, "selfUri", uri);
	json_t *out = field_encode(contact_list_filter_fields, f->doc, computed);
	json_decref(computed);
	return out;
}

static int name_taken(struct api_ctx *c, const char *name)
{
	problem_add_detail(&c->problem, "DUPLICATE_VALUE", "name");
	return problem_set(&c->problem, 409, "general.conflict",
			   "The request conflicts with the current state of the target resource: "
			   "a contact list filter named \"%.256s\" already exists in this "
			   "organization (names are compared case-insensitively); choose another "
			   "name",
			   name);
}

/* The body's checks shared by create and update; *doc gets the members
 * to store (name trimmed, defaults filled in). */
static int parse(struct api_ctx *c, enum field_mode mode, const char *list_id, json_t **doc)
{
	*doc = NULL;
	if (field_check(c->body, contact_list_filter_fields, mode, WHAT, "", &c->problem))
		return -1;
	if (json_object_get(c->body, "contactListTemplate")) {
		problem_add_detail(&c->problem, "INVALID_VALUE", "contactListTemplate");
		return problem_set(&c->problem, 400, "invalid.value",
				   "contactListTemplate: filters of contact list templates are not "
				   "served by dialbook; name a contact list in contactList");
	}
	char *name = text_trim_dup(json_string_value(json_object_get(c->body, "name")));
	long chars = utf8_count(name, strlen(name));
	if (chars > DB_MAX_NAME_CHARS) {
		free(name);
		return problem_detail_set(&c->problem, "name",
					  "name is %ld characters long after trimming; the limit "
					  "is %d",
					  chars, DB_MAX_NAME_CHARS);
	}
	if (contact_filter_check(c, list_id, c->body)) {
		free(name);
		return -1;
	}
	*doc = json_deep_copy(c->body);
	for (const char *const *m = record_members; *m; m++)
		json_object_del(*doc, *m);
	json_object_set_new(*doc, "name", json_string(name));
	free(name);
	if (!json_object_get(*doc, "clauses"))
		json_object_set_new(*doc, "clauses", json_array());
	if (!json_object_get(*doc, "filterType"))
		json_object_set_new(*doc, "filterType", json_string("AND"));
	if (!json_object_get(*doc, "sourceType"))
		json_object_set_new(*doc, "sourceType", json_string("ContactList"));
	return 0;
}

static const char *body_list_id(const struct api_ctx *c)
{
	return json_string_value(json_object_get(json_object_get(c->body, "contactList"), "id"));
}

int filters_create(struct api_ctx *c)
{
	json_t *doc;
	if (parse(c, FIELD_CREATE, body_list_id(c), &doc))
		return -1;
	struct contact_filter f;
	memset(&f, 0, sizeof(f));
	text_uuid_new(f.id);
	snprintf(f.org_id, sizeof(f.org_id), "%s", c->org.id);
	snprintf(f.list_id, sizeof(f.list_id), "%s", body_list_id(c));
	f.name = strdup(json_string_value(json_object_get(doc, "name")));
	f.version = 1;
	f.date_created = f.date_modified = time_now_ms();
	f.doc = doc;
	int rc = -1;
	switch (store_filter_create(c->store, &f, c->srv->limits.max_lists_per_org)) {
	case STORE_OK: {
		bool rest = c->srv->profile == PROFILE_REST;
		if (rest)
			http_response_header(c->res, "Location", BASE "/%s", f.id);
		rc = api_reply(c, rest ? 201 : 200, filter_json(&f));
		break;
	}
	case STORE_CONFLICT:
		name_taken(c, f.name);
		break;
	case STORE_NOT_FOUND: /* the list went meanwhile */
		problem_add_detail(&c->problem, "INVALID_VALUE", "contactList.id");
		api_not_found(c, "contact list", f.list_id);
		break;
	case STORE_LIMIT:
		problem_put(&c->problem, "limit",
			    json_pack("{s:s,s:s,s:I}", "key", "max.contact.list.filters",
				      "namespace", "outbound", "value",
				      (json_int_t)c->srv->limits.max_lists_per_org));
		problem_set(&c->problem, 400, "max.entity.count.reached",
			    "this organization already has the maximum of %u contact list "
			    "filters; delete one first",
			    c->srv->limits.max_lists_per_org);
		break;
	default:
		api_store_failed(c);
	}
	contact_filter_release(&f);
	return rc;
}

static int load(struct api_ctx *c, const char *id, struct contact_filter *f)
{
	int rc = store_filter_get(c->store, c->org.id, id, f);
	if (rc == STORE_NOT_FOUND)
		return api_not_found(c, "contact list filter", id);
	return rc == STORE_OK ? 0 : api_store_failed(c);
}

int filters_get(struct api_ctx *c)
{
	struct contact_filter f;
	if (load(c, c->req->params[0], &f))
		return -1;
	int rc = api_reply(c, 200, filter_json(&f));
	contact_filter_release(&f);
	return rc;
}

/* Version required and equal, as a list's; the list cannot change (the
 * clauses were checked against its columns). */
static int check_update(struct api_ctx *c, const struct contact_filter *cur)
{
	const char *id = json_string_value(json_object_get(c->body, "id"));
	if (id && strcmp(id, cur->id) != 0)
		return problem_detail_set(&c->problem, "id",
					  "the id in the body (%.64s) does not match the id in the "
					  "path (%s); ids cannot be changed",
					  id, cur->id);
	const char *list = body_list_id(c);
	if (list && strcmp(list, cur->list_id) != 0)
		return problem_detail_set(
			&c->problem, "contactList.id",
			"contactList.id (%.64s) differs from the filter's list "
			"(%s); a filter's list cannot change: create a filter for "
			"the other list",
			list, cur->list_id);
	json_t *v = json_object_get(c->body, "version");
	if (!v) {
		problem_add_detail(&c->problem, "REQUIRED", "version");
		return problem_set(&c->problem, 400, "invalid.value",
				   "version is required when updating %s; send the version of "
				   "your last read (the current version is %lld)",
				   WHAT, (long long)cur->version);
	}
	if (json_integer_value(v) != cur->version) {
		problem_add_detail(&c->problem, "INVALID_VALUE", "version");
		return problem_set(
			&c->problem, 409, "general.conflict",
			"The contact list filter version [%lld] does not match the "
			"current version [%lld]; read it again and retry with its version",
			(long long)json_integer_value(v), (long long)cur->version);
	}
	return 0;
}

int filters_update(struct api_ctx *c)
{
	struct contact_filter cur;
	if (load(c, c->req->params[0], &cur))
		return -1;
	json_t *doc = NULL;
	int rc = -1;
	if (!json_is_object(c->body) || check_update(c, &cur) ||
	    parse(c, FIELD_UPDATE, cur.list_id, &doc)) {
		if (!c->problem.status)
			problem_set(&c->problem, 400, "bad.request",
				    "the request body must be a JSON object describing %s", WHAT);
		goto out;
	}
	struct contact_filter next = cur;
	next.name = (char *)json_string_value(json_object_get(doc, "name"));
	next.doc = doc;
	next.version = cur.version + 1;
	next.date_modified = time_now_ms();
	int st = store_filter_update(c->store, &next, cur.version);
	if (st == STORE_OK)
		rc = api_reply(c, 200, filter_json(&next));
	else if (st == STORE_CONFLICT)
		name_taken(c, next.name);
	else
		api_update_refused(c, st, "contact list filter", cur.id, cur.version);
out:
	json_decref(doc);
	contact_filter_release(&cur);
	return rc;
}

static int delete_filters(struct api_ctx *c, const char *const *ids, size_t n, const char **missing)
{
	return store_filter_delete_many(c->store, c->org.id, ids, n, missing);
}

int filters_delete(struct api_ctx *c)
{
	return api_delete_one(c, "contact list filter", delete_filters);
}

/* {"ids": [...]}: the filters that exist, in the order asked; unknown ids
 * (and another organization's) are left out. */
int filters_bulk_retrieve(struct api_ctx *c)
{
	json_t *ids, *v;
	if (api_bulk_ids_body(c, &ids))
		return -1;
	size_t n = json_array_size(ids), i;
	if (!json_is_array(ids) || n == 0 || n > DB_MAX_BULK_IDS)
		return problem_detail_set(&c->problem, "ids",
					  "ids is required: an array of 1 to %d filter ids",
					  DB_MAX_BULK_IDS);
	if (api_bulk_ids_strings(c, ids))
		return -1;
	json_t *entities = json_array();
	json_array_foreach(ids, i, v)
	{
		struct contact_filter f;
		int st = store_filter_get(c->store, c->org.id, json_string_value(v), &f);
		if (st == STORE_OK) {
			json_array_append_new(entities, filter_json(&f));
			contact_filter_release(&f);
		} else if (st != STORE_NOT_FOUND) {
			json_decref(entities);
			return api_store_failed(c);
		}
	}
	return api_reply(c, 200, api_one_page(entities));
}

/* Filters collected as the listing's records (id, name, dates; doc: the
 * filter's JSON), so the lists' name filters, sorts and paging apply. */
struct collected {
	struct listing_collected base;
	const char *list_id; /* contactListId, or NULL */
};

static int collect(const struct contact_filter *f, void *ctx)
{
	struct collected *col = ctx;
	if (col->list_id && strcmp(col->list_id, f->list_id) != 0)
		return 0;
	struct contact_list as_list;
	memset(&as_list, 0, sizeof(as_list));
	snprintf(as_list.id, sizeof(as_list.id), "%s", f->id);
	as_list.name = f->name;
	as_list.date_created = f->date_created;
	as_list.date_modified = f->date_modified;
	if (!listing_matches(col->base.q, &as_list))
		return 0;
	struct contact_list *copy = listing_collected_add(&col->base);
	*copy = as_list;
	copy->name = strdup(f->name);
	copy->doc = filter_json(f);
	return 0;
}

int filters_list(struct api_ctx *c)
{
	struct listing_query q;
	if (listing_query_parse(c, &q)) {
		listing_query_release(&q);
		return -1;
	}
	struct collected col = {.base = {.q = &q},
				.list_id = http_query_get(c->req, "contactListId")};
	struct listing_collected *all = &col.base;
	int rc = -1;
	size_t first;
	if (store_filter_scan(c->store, c->org.id, collect, &col) != STORE_OK) {
		api_store_failed(c);
		goto out;
	}
	listing_sort(&q, all->items, all->count);
	if (listing_page_first(c, &q, all->count, &first))
		goto out;
	json_t *entities = json_array();
	for (size_t i = first; i < all->count && i < first + q.page_size; i++)
		json_array_append(entities, all->items[i].doc);
	rc = api_reply(c, 200, listing_envelope(c, &q, BASE, entities, all->count));
out:
	listing_collected_release(all);
	listing_query_release(&q);
	return rc;
}

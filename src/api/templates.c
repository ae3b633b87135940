/* /api/v2/outbound/contactlisttemplates: create (one, or up to 100 at
 * once), read, list, update, delete (one or many) and bulk retrieve. A
 * template has a contact list's shape and column rules (model/contactlist.c
 * with the template's table) and no contacts. Paths, model and statuses:
 * the pinned SDK's OutboundApi.js and index.d.ts; rules where the cloud
 * is silent: docs/api-rules.md, "Contact list templates". */
#include "api/listing.h"
#include "api/resource.h"
#include "common/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE "/api/v2/outbound/contactlisttemplates"
#define KIND (&contact_list_kind_template)

static int name_taken(struct api_ctx *c, const char *name, const char *field)
{
	problem_add_detail(&c->problem, "DUPLICATE_VALUE", field);
	return problem_set(&c->problem, 409, "general.conflict",
			   "The request conflicts with the current state of the target resource: "
			   "a contact list template named \"%.256s\" already exists in this "
			   "organization (names are compared case-insensitively); choose another "
			   "name",
			   name);
}

static int over_limit(struct api_ctx *c)
{
	unsigned max = c->srv->limits.max_lists_per_org;
	problem_put(&c->problem, "limit",
		    json_pack("{s:s,s:s,s:I}", "key", "max.contact.list.templates", "namespace",
			      "outbound", "value", (json_int_t)max));
	return problem_set(&c->problem, 400, "max.entity.count.reached",
			   "this organization would hold more than the maximum of %u contact list "
			   "templates (the same cap as contact lists); delete some first",
			   max);
}

/* The problem of element i of a bulk body: its fields and message say
 * which element ("[3].columnNames"). */
static void at_index(struct problem *p, size_t i)
{
	size_t n;
	json_t *d;
	json_array_foreach(p->details, n, d)
	{
		const char *f = json_string_value(json_object_get(d, "fieldName"));
		char buf[256];
		snprintf(buf, sizeof(buf), "[%zu]%s%s", i, f && f[0] != '[' ? "." : "", f ? f : "");
		json_object_set_new(d, "fieldName", json_string(buf));
	}
	/* The prefix takes at most 24 bytes: the message's end may go. */
	char msg[sizeof(p->message)];
	snprintf(msg, sizeof(msg), "[%zu]: %.*s", i, (int)sizeof(msg) - 32, p->message);
	memcpy(p->message, msg, sizeof(msg));
}

/* A new template from a validated body; *t owns its members. */
static void fill_new(struct api_ctx *c, const struct contact_list_input *in, int64_t now,
		     struct contact_list *t)
{
	memset(t, 0, sizeof(*t));
	text_uuid_new(t->id);
	snprintf(t->org_id, sizeof(t->org_id), "%s", c->org.id);
	t->name = strdup(in->name);
	t->version = 1;
	t->date_created = t->date_modified = now;
	t->doc = json_incref(in->doc);
}

/* Stores ts[0..n-1] at once; answers the refusal when it fails. `bulk`:
 * a conflict names the element. */
static int create_all(struct api_ctx *c, const struct contact_list *ts, size_t n, bool bulk)
{
	size_t bad = 0;
	switch (store_template_create(c->store, ts, n, c->srv->limits.max_lists_per_org, &bad)) {
	case STORE_OK:
		return 0;
	case STORE_CONFLICT: {
		char field[32];
		snprintf(field, sizeof(field), bulk ? "[%zu].name" : "name", bad);
		return name_taken(c, ts[bad].name, field);
	}
	case STORE_LIMIT:
		return over_limit(c);
	default:
		return api_store_failed(c);
	}
}

int templates_create(struct api_ctx *c)
{
	struct contact_list_input in;
	if (contact_list_parse_as(KIND, c->body, FIELD_CREATE, &c->srv->limits, NULL, &in,
				  &c->problem))
		return -1;
	struct contact_list t;
	fill_new(c, &in, time_now_ms(), &t);
	int rc = create_all(c, &t, 1, false);
	if (rc == 0) {
		bool rest = c->srv->profile == PROFILE_REST;
		if (rest)
			http_response_header(c->res, "Location", BASE "/%s", t.id);
		rc = api_reply(c, rest ? 201 : 200, contact_list_to_json_as(KIND, &t));
	}
	contact_list_release(&t);
	contact_list_input_release(&in);
	return rc;
}

/* The listing envelope of one page holding every template given. */
static json_t *page_of(const struct contact_list *ts, size_t n)
{
	json_t *entities = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(entities, contact_list_to_json_as(KIND, &ts[i]));
	return api_one_page(entities);
}

/* The array body of bulk/add or bulk/retrieve's ids: 1 to DB_MAX_BULK_IDS. */
static int check_batch(struct api_ctx *c, const json_t *arr, const char *field, const char *what)
{
	size_t n = json_array_size(arr);
	if (!json_is_array(arr))
		return problem_detail_set(&c->problem, field, "%s must be an array of %s",
					  field[0] ? field : "the request body", what);
	if (n == 0 || n > DB_MAX_BULK_IDS)
		return problem_detail_set(&c->problem, field, "%s holds %zu %s; give 1 to %d",
					  field[0] ? field : "the request body", n, what,
					  DB_MAX_BULK_IDS);
	return 0;
}

/* All or nothing: one bad template refuses the batch, naming it. */
int templates_bulk_add(struct api_ctx *c)
{
	if (check_batch(c, c->body, "", "contact list templates"))
		return -1;
	size_t n = json_array_size(c->body);
	struct contact_list *ts = calloc(n, sizeof(*ts));
	if (!ts)
		abort();
	int rc = -1;
	size_t made = 0;
	int64_t now = time_now_ms();
	for (; made < n; made++) {
		struct contact_list_input in;
		if (contact_list_parse_as(KIND, json_array_get(c->body, made), FIELD_CREATE,
					  &c->srv->limits, NULL, &in, &c->problem)) {
			at_index(&c->problem, made);
			goto out;
		}
		fill_new(c, &in, now, &ts[made]);
		contact_list_input_release(&in);
	}
	if (create_all(c, ts, n, true) == 0)
		rc = api_reply(c, 200, page_of(ts, n));
out:
	for (size_t i = 0; i < made; i++)
		contact_list_release(&ts[i]);
	free(ts);
	return rc;
}

static int load(struct api_ctx *c, const char *id, struct contact_list *t)
{
	int rc = store_template_get(c->store, c->org.id, id, t);
	if (rc == STORE_NOT_FOUND)
		return api_not_found(c, "contact list template", id);
	return rc == STORE_OK ? 0 : api_store_failed(c);
}

int templates_get(struct api_ctx *c)
{
	struct contact_list t;
	if (load(c, c->req->params[0], &t))
		return -1;
	int rc = api_reply(c, 200, contact_list_to_json_as(KIND, &t));
	contact_list_release(&t);
	return rc;
}

/* {"ids": [...]}: the templates that exist, in the order asked; unknown
 * ids (and another organization's) are left out, as contacts/bulk does. */
int templates_bulk_retrieve(struct api_ctx *c)
{
	json_t *ids, *v;
	if (api_bulk_ids_body(c, &ids))
		return -1;
	if (!ids) {
		problem_add_detail(&c->problem, "REQUIRED", "ids");
		return problem_set(&c->problem, 400, "invalid.value",
				   "ids is required: the templates to get");
	}
	if (check_batch(c, ids, "ids", "ids") || api_bulk_ids_strings(c, ids))
		return -1;
	size_t n = json_array_size(ids), found = 0, i;
	struct contact_list *ts = calloc(n, sizeof(*ts));
	if (!ts)
		abort();
	int rc = 0;
	json_array_foreach(ids, i, v)
	{
		int st = store_template_get(c->store, c->org.id, json_string_value(v), &ts[found]);
		if (st == STORE_OK)
			found++;
		else if (st != STORE_NOT_FOUND) {
			rc = api_store_failed(c);
			break;
		}
	}
	if (rc == 0)
		rc = api_reply(c, 200, page_of(ts, found));
	for (i = 0; i < found; i++)
		contact_list_release(&ts[i]);
	free(ts);
	return rc;
}

int templates_update(struct api_ctx *c)
{
	struct contact_list cur;
	if (load(c, c->req->params[0], &cur))
		return -1;
	struct contact_list_input in;
	int rc = -1;
	if (contact_list_parse_as(KIND, c->body, FIELD_UPDATE, &c->srv->limits, &cur, &in,
				  &c->problem)) {
		contact_list_release(&cur);
		return -1;
	}
	if (contact_list_check_update_as(KIND, &cur, &in, &c->problem))
		goto out;
	struct contact_list next = cur;
	next.name = (char *)in.name;
	next.doc = in.doc;
	next.version = cur.version + 1;
	next.date_modified = time_now_ms();
	int st = store_template_update(c->store, &next, cur.version);
	if (st == STORE_OK)
		rc = api_reply(c, 200, contact_list_to_json_as(KIND, &next));
	else if (st == STORE_CONFLICT)
		name_taken(c, in.name, "name");
	else
		api_update_refused(c, st, "contact list template", cur.id, in.version);
out:
	contact_list_input_release(&in);
	contact_list_release(&cur);
	return rc;
}

static int delete_templates(struct api_ctx *c, const char *const *ids, size_t n,
			    const char **missing)
{
	return store_template_delete_many(c->store, c->org.id, ids, n, missing);
}

int templates_delete(struct api_ctx *c)
{
	return api_delete_one(c, "contact list template", delete_templates);
}

int templates_delete_many(struct api_ctx *c)
{
	return api_delete_by_query(c, "contact list template", "contact list templates",
				   delete_templates);
}

int templates_list(struct api_ctx *c)
{
	struct listing_query q;
	if (listing_query_parse(c, &q)) {
		listing_query_release(&q);
		return -1;
	}
	struct listing_collected col = {.q = &q};
	int rc = -1;
	size_t first;
	if (store_template_scan(c->store, c->org.id, listing_collect, &col) != STORE_OK) {
		api_store_failed(c);
		goto out;
	}
	listing_sort(&q, col.items, col.count);
	if (listing_page_first(c, &q, col.count, &first))
		goto out;
	json_t *entities = json_array();
	for (size_t i = first; i < col.count && i < first + q.page_size; i++)
		json_array_append_new(entities, contact_list_to_json_as(KIND, &col.items[i]));
	rc = api_reply(c, 200, listing_envelope(c, &q, BASE, entities, col.count));
out:
	listing_collected_release(&col);
	listing_query_release(&q);
	return rc;
}

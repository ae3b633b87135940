/* /api/v2/outbound/contactlists/{id}/contacts...: add (an upsert by id),
 * read, replace, delete, bulk read, clear. Search is in contact_search.c. */
#include "api/contacts.h"
#include "api/listing.h"
#include "common/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CONTACTS_PER_CALL 1000

void contact_scope_release(struct contact_scope *sc)
{
	contact_schema_release(&sc->schema);
	contact_list_release(&sc->list);
}

int contact_scope_load(struct api_ctx *c, bool writing, struct contact_scope *sc)
{
	return contact_scope_load_id(c, c->req->params[0], writing, sc);
}

int contact_scope_load_id(struct api_ctx *c, const char *list_id, bool writing,
			  struct contact_scope *sc)
{
	memset(sc, 0, sizeof(*sc));
	if (api_load_list(c, list_id, &sc->list))
		return -1;
	if (contact_schema_init(&sc->schema, sc->list.doc, &c->srv->limits)) {
		contact_scope_release(sc);
		return api_store_failed(c);
	}
	const char *status = json_string_value(json_object_get(sc->list.doc, "status"));
	if (writing && status && strcmp(status, "INACTIVE") == 0) {
		contact_scope_release(sc);
		problem_add_detail(&c->problem, "INVALID_VALUE", "status");
		return problem_set(&c->problem, 409, "general.conflict",
				   "The request conflicts with the current state of the target "
				   "resource: the contact list is INACTIVE and refuses contact "
				   "changes; set its status to ACTIVE first");
	}
	return 0;
}

int contact_from_record(const struct contact_scope *sc, const struct contact_record *r,
			struct contact *out)
{
	memset(out, 0, sizeof(*out));
	out->values = calloc(sc->schema.count, sizeof(char *));
	if (!out->values)
		abort();
	if (contact_unpack(r->packed, r->packed_len, sc->schema.count, out->values)) {
		free(out->values);
		out->values = NULL;
		return -1;
	}
	out->id = strdup(r->id);
	out->callable = r->callable;
	out->meta = r->meta ? json_loads(r->meta, 0, NULL) : NULL;
	out->date_created = r->date_created;
	out->date_modified = r->date_modified;
	return 0;
}

json_t *contact_record_json(const struct contact_scope *sc, const struct contact_record *r)
{
	struct contact ct;
	if (contact_from_record(sc, r, &ct))
		return NULL;
	json_t *out = contact_to_json(&ct, &sc->schema, sc->list.id);
	contact_release(&ct, sc->schema.count);
	return out;
}

static int contact_limit(struct api_ctx *c)
{
	problem_put(&c->problem, "limit",
		    json_pack("{s:s,s:s,s:I}", "key", "max.contacts", "namespace", "outbound",
			      "value", (json_int_t)c->srv->limits.max_contacts_per_list));
	return problem_set(&c->problem, 400, "max.entity.count.reached",
			   "adding these contacts would pass the limit of %lld contacts a list or "
			   "%lld an organization; nothing was added",
			   (long long)c->srv->limits.max_contacts_per_list,
			   (long long)c->srv->limits.max_contacts_per_org);
}

/* Stores parsed contacts (filling in missing ids); clear_system is the
 * cloud's clearSystemData. */
static int store_contacts(struct api_ctx *c, struct contact_scope *sc, struct contact *cts,
			  size_t n, bool clear_system)
{
	struct contact_row *rows = calloc(n, sizeof(*rows));
	char **packed = calloc(n, sizeof(char *));
	char **meta = calloc(n, sizeof(char *));
	size_t *lens = calloc(sc->schema.count, sizeof(size_t));
	if (!rows || !packed || !meta || !lens)
		abort();
	int64_t now = time_now_ms();
	for (size_t i = 0; i < n; i++) {
		if (!cts[i].id) {
			cts[i].id = malloc(UUID_STR_LEN);
			text_uuid7_new(cts[i].id);
		}
		for (size_t k = 0; k < sc->schema.count; k++)
			lens[k] = strlen(cts[i].values[k]);
		packed[i] =
			contact_pack(cts[i].values, lens, sc->schema.count, &rows[i].packed_len);
		meta[i] = cts[i].meta ? json_dumps(cts[i].meta, JSON_COMPACT) : NULL;
		rows[i].id = cts[i].id;
		rows[i].packed = packed[i];
		rows[i].callable = cts[i].callable;
		rows[i].callable_given = cts[i].callable_given;
		rows[i].clear_system = clear_system;
		rows[i].meta = meta[i];
		rows[i].date_created = rows[i].date_modified = now;
	}
	struct contact_limits lim = {c->srv->limits.max_contacts_per_list,
				     c->srv->limits.max_contacts_per_org};
	size_t added;
	int st = store_contacts_upsert(c->store, c->org.id, sc->list.id, rows, n, &lim, &added);
	for (size_t i = 0; i < n; i++) {
		free(packed[i]);
		free(meta[i]);
	}
	free(rows);
	free(packed);
	free(meta);
	free(lens);
	if (st == STORE_LIMIT)
		return contact_limit(c);
	if (st == STORE_NOT_FOUND)
		return api_not_found(c, "contact list", sc->list.id);
	return st == STORE_OK ? 0 : api_store_failed(c);
}

/* Appends each contact as stored: an update's answer shows what a GET
 * would (the original dateCreated, the system state kept). */
struct stored_reply {
	struct contact_scope *sc;
	struct strbuf *out;
	size_t written;
	bool failed;
};

static int write_stored(const struct contact_record *r, void *ctx)
{
	struct stored_reply *w = ctx;
	struct contact ct;
	if (contact_from_record(w->sc, r, &ct)) {
		w->failed = true;
		return 1;
	}
	if (w->written++)
		strbuf_addc(w->out, ',');
	contact_write_json(w->out, &ct, &w->sc->schema, w->sc->list.id);
	contact_release(&ct, w->sc->schema.count);
	return 0;
}

static int reply_stored(struct api_ctx *c, struct contact_scope *sc, struct contact *cts, size_t n,
			bool array)
{
	const char **ids = malloc(n * sizeof(*ids));
	if (!ids)
		abort();
	for (size_t i = 0; i < n; i++)
		ids[i] = cts[i].id;
	struct strbuf out = {0};
	struct stored_reply w = {sc, &out, 0, false};
	if (array)
		strbuf_addc(&out, '[');
	int st = store_contacts_get(c->store, c->org.id, sc->list.id, ids, n, write_stored, &w);
	free(ids);
	/* Each was just written: one missing was deleted meanwhile. */
	if (st != STORE_OK || w.failed || w.written != n) {
		strbuf_release(&out);
		return api_store_failed(c);
	}
	if (array)
		strbuf_addc(&out, ']');
	c->res->status = 200;
	c->res->raw = strbuf_detach(&out, &c->res->raw_len);
	c->res->raw_type = "application/json";
	return 0;
}

int contacts_add(struct api_ctx *c)
{
	bool flag, clear_system;
	if (api_query_bool(c, "priority", false, &flag) ||
	    api_query_bool(c, "clearSystemData", false, &clear_system) ||
	    api_query_bool(c, "doNotQueue", false, &flag))
		return -1;
	if (!json_is_array(c->body))
		return problem_set(&c->problem, 400, "bad.request",
				   "the body must be a JSON array of contacts");
	size_t n = json_array_size(c->body);
	if (n == 0 || n > MAX_CONTACTS_PER_CALL) {
		problem_put(&c->problem, "limit",
			    json_pack("{s:s,s:s,s:i}", "key", "max.contacts.per.request",
				      "namespace", "outbound", "value", MAX_CONTACTS_PER_CALL));
		return problem_set(&c->problem, 400, "invalid.value",
				   "send 1 to %d contacts per call; this one has %zu",
				   MAX_CONTACTS_PER_CALL, n);
	}
	struct contact_scope sc;
	if (contact_scope_load(c, true, &sc))
		return -1;
	struct contact *cts = calloc(n, sizeof(*cts));
	if (!cts)
		abort();
	int rc = -1;
	size_t parsed = 0;
	for (; parsed < n; parsed++) {
		char path[32];
		snprintf(path, sizeof(path), "[%zu]", parsed);
		if (contact_parse(json_array_get(c->body, parsed), &sc.schema, sc.list.id, path,
				  &cts[parsed], &c->problem))
			goto out;
	}
	if (store_contacts(c, &sc, cts, n, clear_system))
		goto out;
	rc = reply_stored(c, &sc, cts, n, true);
out:
	for (size_t i = 0; i < parsed; i++)
		contact_release(&cts[i], sc.schema.count);
	free(cts);
	contact_scope_release(&sc);
	return rc;
}

static int get_record(struct api_ctx *c, struct contact_scope *sc, const char *id,
		      struct contact_record *r)
{
	int st = store_contact_get(c->store, c->org.id, sc->list.id, id, r);
	if (st == STORE_NOT_FOUND)
		return api_not_found(c, "contact", id);
	return st == STORE_OK ? 0 : api_store_failed(c);
}

int contacts_get(struct api_ctx *c)
{
	struct contact_scope sc;
	if (contact_scope_load(c, false, &sc))
		return -1;
	struct contact_record r;
	int rc = -1;
	if (get_record(c, &sc, c->req->params[1], &r) == 0) {
		json_t *body = contact_record_json(&sc, &r);
		rc = body ? api_reply(c, 200, body) : api_store_failed(c);
		contact_record_release(&r);
	}
	contact_scope_release(&sc);
	return rc;
}

int contacts_update(struct api_ctx *c)
{
	struct contact_scope sc;
	if (contact_scope_load(c, true, &sc))
		return -1;
	const char *id = c->req->params[1];
	struct contact ct;
	struct contact_record r;
	int rc = -1;
	if (get_record(c, &sc, id, &r))
		goto out_scope;
	contact_record_release(&r);
	if (contact_parse(c->body, &sc.schema, sc.list.id, "", &ct, &c->problem))
		goto out_scope;
	if (ct.id && strcmp(ct.id, id) != 0) {
		problem_add_detail(&c->problem, "INVALID_VALUE", "id");
		problem_set(&c->problem, 400, "invalid.value",
			    "the id in the body (%.64s) does not match the id in the path (%.64s)",
			    ct.id, id);
		goto out;
	}
	if (!ct.id)
		ct.id = strdup(id);
	if (store_contacts(c, &sc, &ct, 1, false))
		goto out;
	rc = reply_stored(c, &sc, &ct, 1, false);
out:
	contact_release(&ct, sc.schema.count);
out_scope:
	contact_scope_release(&sc);
	return rc;
}

static int deleted_reply(struct api_ctx *c)
{
	return api_reply(c, c->srv->profile == PROFILE_REST ? 204 : 200, NULL);
}

int contacts_delete(struct api_ctx *c)
{
	struct contact_scope sc;
	if (contact_scope_load(c, true, &sc))
		return -1;
	int st = store_contact_delete(c->store, c->org.id, sc.list.id, c->req->params[1]);
	contact_scope_release(&sc);
	if (st == STORE_NOT_FOUND)
		return api_not_found(c, "contact", c->req->params[1]);
	return st == STORE_OK ? deleted_reply(c) : api_store_failed(c);
}

int contacts_delete_many(struct api_ctx *c)
{
	char *ids[MAX_CONTACTS_PER_CALL];
	size_t n = 0;
	int rc = -1;
	struct contact_scope sc = {0};
	if (listing_query_ids(c, "contactIds", ids, MAX_CONTACTS_PER_CALL, &n))
		goto out;
	if (n == 0) {
		problem_add_detail(&c->problem, "REQUIRED", "contactIds");
		problem_set(&c->problem, 400, "invalid.value",
			    "contactIds is required: name the contacts to delete as "
			    "?contactIds=a,b");
		goto out;
	}
	if (contact_scope_load(c, true, &sc))
		goto out;
	size_t deleted;
	if (store_contacts_delete(c->store, c->org.id, sc.list.id, (const char *const *)ids, n,
				  &deleted) != STORE_OK) {
		api_store_failed(c);
		goto out;
	}
	rc = deleted_reply(c);
out:
	contact_scope_release(&sc);
	listing_ids_release(ids, n);
	return rc;
}

int contacts_bulk_get(struct api_ctx *c)
{
	if (!json_is_array(c->body) || json_array_size(c->body) > MAX_CONTACTS_PER_CALL)
		return problem_set(&c->problem, 400, "bad.request",
				   "the body must be a JSON array of at most %d contact ids",
				   MAX_CONTACTS_PER_CALL);
	size_t i;
	json_t *v;
	json_array_foreach(c->body, i, v)
	{
		if (!json_is_string(v))
			return problem_set(&c->problem, 400, "invalid.value",
					   "[%zu] must be a contact id (a string)", i);
	}
	struct contact_scope sc;
	if (contact_scope_load(c, false, &sc))
		return -1;
	json_t *out = json_array();
	int rc = 0;
	json_array_foreach(c->body, i, v)
	{
		struct contact_record r;
		int st = store_contact_get(c->store, c->org.id, sc.list.id, json_string_value(v),
					   &r);
		if (st == STORE_NOT_FOUND)
			continue; /* like the cloud: ids that do not exist are left out */
		if (st != STORE_OK) {
			rc = api_store_failed(c);
			break;
		}
		json_t *one = contact_record_json(&sc, &r);
		contact_record_release(&r);
		if (one)
			json_array_append_new(out, one);
	}
	contact_scope_release(&sc);
	if (rc) {
		json_decref(out);
		return rc;
	}
	return api_reply(c, 200, out);
}

int contacts_clear(struct api_ctx *c)
{
	struct contact_scope sc;
	if (contact_scope_load(c, true, &sc))
		return -1;
	int st = store_contacts_clear(c->store, c->org.id, sc.list.id);
	contact_scope_release(&sc);
	return st == STORE_OK ? api_reply(c, 204, NULL) : api_store_failed(c);
}

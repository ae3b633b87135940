/* GET /api/v2/docs/openapi.json: an OpenAPI 3.0 document made from the
 * route table and the field tables, so it cannot disagree with what the
 * server checks and answers. */
#include "api/api.h"
#include "api/control.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static json_t *schema_of_table(const struct field *table);

static json_t *ref_to(const char *name)
{
	char ref[128];
	snprintf(ref, sizeof(ref), "#/components/schemas/%s", name);
	return json_pack("{s:s}", "$ref", ref);
}

static json_t *scalar_schema(enum field_type t)
{
	switch (t) {
	case FT_STRING:
		return json_pack("{s:s}", "type", "string");
	case FT_INTEGER:
		return json_pack("{s:s,s:s}", "type", "integer", "format", "int64");
	case FT_NUMBER:
		return json_pack("{s:s}", "type", "number");
	case FT_BOOLEAN:
		return json_pack("{s:s}", "type", "boolean");
	case FT_OBJECT:
		return json_pack("{s:s,s:b}", "type", "object", "additionalProperties", 1);
	case FT_ARRAY:
		return json_pack("{s:s,s:{}}", "type", "array", "items");
	}
	return json_object();
}

static json_t *enum_of(const char *const *values)
{
	json_t *e = json_array();
	for (; *values; values++)
		json_array_append_new(e, json_string(*values));
	return e;
}

/* The schema of one field: its type, limits, enumeration and flags. */
static json_t *schema_of_field(const struct field *f)
{
	json_t *s;
	if (f->type == FT_OBJECT && f->ref) {
		s = json_pack("{s:[o]}", "allOf", ref_to(f->ref));
	} else if (f->type == FT_OBJECT && f->props) {
		s = schema_of_table(f->props);
	} else if (f->type == FT_ARRAY) {
		json_t *items = f->ref	   ? ref_to(f->ref)
				: f->props ? schema_of_table(f->props)
					   : scalar_schema(f->item_type);
		if (f->enum_values)
			json_object_set_new(items, "enum", enum_of(f->enum_values));
		s = json_pack("{s:s,s:o}", "type", "array", "items", items);
		if (f->max)
			json_object_set_new(s, "maxItems", json_integer(f->max));
	} else {
		s = scalar_schema(f->type);
		if (f->type == FT_STRING && f->max)
			json_object_set_new(s, "maxLength", json_integer(f->max));
		if (f->enum_values)
			json_object_set_new(s, "enum", enum_of(f->enum_values));
	}
	if (f->flags & F_WRITE_ONLY) /* refused in bodies, never answered */
		json_object_set_new(s, "writeOnly", json_true());
	else if (f->flags & F_READONLY)
		json_object_set_new(s, "readOnly", json_true());
	if (f->flags & F_EXTENSION)
		json_object_set_new(s, "x-dialbook-extension", json_true());
	/* The update rules of the field, from its flags: the document says
	 * what a PUT may change and what it keeps. */
	char text[1024];
	snprintf(text, sizeof(text), "%s%s%s%s%s", f->description ? f->description : "",
		 f->fixed ? " Fixed after creation: a PUT that changes it is 400 " : "",
		 f->fixed ? f->fixed->code : "", f->fixed ? "." : "",
		 (f->flags & F_KEEP) ? " A PUT that leaves it out keeps the stored value." : "");
	if (f->fixed)
		json_object_set_new(s, "x-dialbook-fixed-after-creation",
				    json_string(f->fixed->code));
	if (text[0])
		json_object_set_new(s, "description", json_string(text));
	return s;
}

static json_t *schema_of_table(const struct field *table)
{
	json_t *props = json_object(), *required = json_array();
	for (const struct field *f = table; f->name; f++) {
		json_object_set_new(props, f->name, schema_of_field(f));
		if (f->flags & F_REQUIRED)
			json_array_append_new(required, json_string(f->name));
	}
	json_t *s = json_pack("{s:s,s:o}", "type", "object", "properties", props);
	if (json_array_size(required))
		json_object_set_new(s, "required", required);
	else
		json_decref(required);
	return s;
}

static void add_schemas(json_t *schemas, const struct api_schema *table)
{
	for (const struct api_schema *s = table; s->name; s++) {
		json_t *one = s->fields ? schema_of_table(s->fields) : scalar_schema(FT_STRING);
		if (s->array)
			one = json_pack("{s:s,s:o}", "type", "array", "items", one);
		json_object_set_new(one, "description", json_string(s->description));
		json_object_set_new(schemas, s->name, one);
	}
}

static json_t *components(bool control)
{
	json_t *schemas = json_object();
	add_schemas(schemas, api_schemas);
	if (control)
		add_schemas(schemas, control_schemas);
	json_object_set_new(schemas, "OAuthError",
			    json_pack("{s:s,s:{s:{s:s},s:{s:s},s:{s:s}}}", "type", "object",
				      "properties", "error", "type", "string", "description",
				      "type", "string", "error_description", "type", "string"));
	json_t *scopes = json_pack(
		"{s:s,s:s,s:s,s:s,s:s,s:s}", "outbound", "every outbound permission",
		"outbound:readonly", "every view permission", "outbound:contactlist:write",
		"add, edit and delete contact lists", "outbound:contactlist:read",
		"view contact lists", "outbound:contact:write", "add, edit and delete contacts",
		"outbound:contact:read", "view contacts");
	json_t *security = json_pack(
		"{s:{s:s,s:s,s:{s:{s:s,s:o}}}}", "oauth2", "type", "oauth2", "description",
		"Client credentials: POST /oauth/token with Basic auth or form fields.", "flows",
		"clientCredentials", "tokenUrl", "/oauth/token", "scopes", scopes);
	if (control)
		json_object_set_new(
			security, "dialbookControl",
			json_pack("{s:s,s:s,s:s}", "type", "http", "scheme", "bearer",
				  "description",
				  "The control token dialbookd --control-api logs at start and "
				  "writes as DIALBOOK_CONTROL_TOKEN (docs/control-api.md)."));
	return json_pack("{s:o,s:o}", "schemas", schemas, "securitySchemes", security);
}

/* getApiV2OutboundContactlistsContactListId: unique and readable. */
static void operation_id(const struct api_route *r, char *out, size_t size)
{
	size_t o = (size_t)snprintf(out, size, "%s", r->http.method);
	for (size_t i = 0; out[i]; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
	bool up = true;
	for (const char *p = r->http.pattern; *p && o + 1 < size; p++) {
		if (!isalnum((unsigned char)*p)) {
			up = true;
			continue;
		}
		out[o++] = up ? (char)toupper((unsigned char)*p) : *p;
		up = false;
	}
	out[o] = '\0';
}

static json_t *content(const char *type, json_t *schema)
{
	return json_pack("{s:{s:o}}", type, "schema", schema);
}

static json_t *response_schema(const char *name)
{
	return ref_to(name);
}

static json_t *operation(const struct api_route *r, bool control)
{
	char id[256], description[512] = "";
	operation_id(r, id, sizeof(id));
	json_t *op = json_pack("{s:s,s:s}", "summary", r->summary, "operationId", id);
	json_t *params = json_array();
	for (const char *p = strchr(r->http.pattern, '{'); p; p = strchr(p + 1, '{')) {
		char name[64];
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(p + 1, "}"), p + 1);
		json_array_append_new(params,
				      json_pack("{s:s,s:s,s:b,s:{s:s}}", "name", name, "in", "path",
						"required", 1, "schema", "type", "string"));
	}
	for (const struct field *q = r->query; q && q->name; q++) {
		json_t *s = schema_of_field(q);
		json_t *desc = json_incref(json_object_get(s, "description"));
		json_object_del(s, "description");
		json_t *param = json_pack("{s:s,s:s,s:b,s:o}", "name", q->name, "in", "query",
					  "required", (q->flags & F_REQUIRED) != 0, "schema", s);
		if (desc)
			json_object_set_new(param, "description", desc);
		if (q->type == FT_ARRAY) { /* comma-joined or repeated */
			json_object_set_new(param, "style", json_string("form"));
			json_object_set_new(param, "explode", json_true());
		}
		json_array_append_new(params, param);
	}
	if (json_array_size(params))
		json_object_set_new(op, "parameters", params);
	else
		json_decref(params);
	if (r->request) {
		const char *type = strcmp(r->request, "TokenRequest") == 0
					   ? "application/x-www-form-urlencoded"
				   : strcmp(r->request, "ContactListUpload") == 0
					   ? "multipart/form-data"
					   : "application/json";
		bool required = strcmp(r->request, "ContactsExportRequest") != 0;
		json_object_set_new(op, "requestBody",
				    json_pack("{s:b,s:o}", "required", required, "content",
					      content(type, ref_to(r->request))));
	}
	json_t *responses = json_object();
	char status[8];
	snprintf(status, sizeof(status), "%d", r->status);
	json_t *ok = json_pack("{s:s}", "description",
			       r->status == 201	  ? "Created (200 with --profile genesys)"
			       : r->status == 204 ? "Done (200 with --profile genesys)"
						  : "OK");
	if (r->response)
		json_object_set_new(ok, "content",
				    content("application/json", response_schema(r->response)));
	else if (r->handler == docs_page || r->handler == docs_file)
		json_object_set_new(ok, "content",
				    content("text/html", json_pack("{s:s}", "type", "string")));
	else if (r->handler == downloads_get)
		json_object_set_new(ok, "content",
				    content("text/csv", json_pack("{s:s}", "type", "string")));
	else if (r->handler == docs_openapi)
		json_object_set_new(ok, "content",
				    content("application/json", scalar_schema(FT_OBJECT)));
	json_object_set_new(responses, status, ok);
	bool oauth = r->handler == oauth_token;
	static const struct {
		const char *status, *why;
	} errors[] = {
		{"400", "Bad input: the message says what, where and what to do"},
		{"401", "No token, or an unknown or expired one"},
		{"403", "A permission is missing"},
		{"404", "Not found (or another organization's)"},
		{"409", "Conflicts with the current state"},
		{"413", "The body is over the size limit"},
		{"415", "The body's media type is wrong"},
		{"429", "Over the rate limit: retry after Retry-After seconds"},
		{"503", "The store failed, or the server is busy: retry after Retry-After seconds"},
	};
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		if (oauth && strcmp(errors[i].status, "400") != 0 &&
		    strcmp(errors[i].status, "401") != 0)
			continue;
		json_object_set_new(responses, errors[i].status,
				    json_pack("{s:s,s:o}", "description", errors[i].why, "content",
					      content("application/json",
						      ref_to(oauth ? "OAuthError" : "ErrorBody"))));
	}
	json_object_set_new(op, "responses", responses);
	if (control) {
		json_object_set_new(op, "security", json_pack("[{s:[]}]", "dialbookControl"));
		json_object_set_new(op, "description",
				    json_string("dialbook's control API (dialbookd --control-api): "
						"for tests, never the cloud's. See "
						"docs/control-api.md."));
	} else if (!(r->flags & API_PUBLIC)) {
		json_object_set_new(op, "security", json_pack("[{s:[]}]", "oauth2"));
		char perms[256];
		permission_missing(r->need, 0, perms, sizeof(perms));
		snprintf(description, sizeof(description), "Permission: %s.",
			 perms[0] ? perms : "a token of the same organization");
		json_object_set_new(op, "description", json_string(description));
	}
	const char *tag =
		control ? "dialbook control"
		: oauth ? "OAuth"
		: r->handler == docs_openapi || r->handler == docs_page || r->handler == docs_file
			? "Documentation"
		: strstr(r->http.pattern, "contacts") ? "Contacts"
		: strstr(r->http.pattern, "export") || strstr(r->http.pattern, "import") ||
				strstr(r->http.pattern, "upload") ||
				strstr(r->http.pattern, "download")
			? "Imports and exports"
			: "Contact lists";
	json_object_set_new(op, "tags", json_pack("[s]", tag));
	return op;
}

static void add_paths(json_t *paths, const struct api_route *table, size_t count, bool control)
{
	for (size_t i = 0; i < count; i++) {
		const struct api_route *r = &table[i];
		json_t *item = json_object_get(paths, r->http.pattern);
		if (!item) {
			item = json_object();
			json_object_set_new(paths, r->http.pattern, item);
		}
		char method[16];
		snprintf(method, sizeof(method), "%s", r->http.method);
		for (char *m = method; *m; m++)
			*m = (char)tolower((unsigned char)*m);
		json_object_set_new(item, method, operation(r, control));
	}
}

static json_t *document(bool control)
{
	json_t *paths = json_object();
	add_paths(paths, api_routes, api_route_count, false);
	if (control)
		add_paths(paths, control_routes, control_route_count, true);
	return json_pack(
		"{s:s,s:{s:s,s:s,s:s},s:[{s:s}],s:o,s:o}", "openapi", "3.0.3", "info", "title",
		"dialbook: the Genesys Cloud contact-list API", "version", "0.1.0", "description",
		"What dialbookd serves. Rules where the cloud is silent: docs/api-rules.md.",
		"servers", "url", "/", "paths", paths, "components", components(control));
}

json_t *api_openapi_document(void)
{
	return document(false);
}

int docs_openapi(struct api_ctx *c)
{
	/* The control API is listed only where it is served. */
	return api_reply(c, 200, document(c->srv->control != NULL));
}

/* The API document against the tables it is made from: every field of
 * every schema's table is in the document with its flags, the document has
 * no property the tables lack, and every route is a documented operation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"

/* The object schema under `s`, following `items` for arrays. */
static json_t *object_of(json_t *s)
{
	if (json_object_get(s, "items"))
		s = json_object_get(s, "items");
	return s;
}

static bool in_array(json_t *arr, const char *name)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		if (strcmp(json_string_value(v), name) == 0)
			return true;
	}
	return false;
}

/* Checks a schema against its table, recursively into nested tables. */
static void check_table(json_t *schema, const struct field *table, const char *where)
{
	json_t *props = json_object_get(schema, "properties");
	json_t *required = json_object_get(schema, "required");
	size_t count = 0;
	for (const struct field *f = table; f->name; f++, count++) {
		json_t *p = json_object_get(props, f->name);
		if (!p)
			fail_msg("%s: field %s of the table is missing from the document", where,
				 f->name);
		bool ro = json_is_true(json_object_get(p, "readOnly"));
		bool wo = json_is_true(json_object_get(p, "writeOnly"));
		if (wo != ((f->flags & F_WRITE_ONLY) != 0) ||
		    ro != ((f->flags & F_READONLY) && !(f->flags & F_WRITE_ONLY)))
			fail_msg("%s.%s: readOnly/writeOnly disagree with the table", where,
				 f->name);
		if (in_array(required, f->name) != ((f->flags & F_REQUIRED) != 0))
			fail_msg("%s.%s: required disagrees with the table", where, f->name);
		/* Fields fixed after creation say so, with the code of the refusal. */
		const char *code =
			json_string_value(json_object_get(p, "x-dialbook-fixed-after-creation"));
		const char *text = json_string_value(json_object_get(p, "description"));
		bool says_fixed = text && strstr(text, "Fixed after creation");
		if ((f->fixed != NULL) != (code != NULL) || (f->fixed != NULL) != says_fixed ||
		    (f->fixed && (strcmp(code, f->fixed->code) != 0 || !strstr(text, code))))
			fail_msg("%s.%s: fixed after creation disagrees with the table", where,
				 f->name);
		if (f->props && !f->ref) {
			char inner[256];
			snprintf(inner, sizeof(inner), "%s.%s", where, f->name);
			check_table(object_of(p), f->props, inner);
		}
	}
	if (json_object_size(props) != count)
		fail_msg("%s: the document has %zu properties, the table %zu", where,
			 json_object_size(props), count);
}

static void schemas_match_their_tables(void **state)
{
	(void)state;
	json_t *doc = api_openapi_document();
	json_t *schemas = json_object_get(json_object_get(doc, "components"), "schemas");
	size_t n = 0;
	for (const struct api_schema *s = api_schemas; s->name; s++, n++) {
		json_t *schema = json_object_get(schemas, s->name);
		if (!schema)
			fail_msg("schema %s is missing", s->name);
		if (s->fields)
			check_table(object_of(schema), s->fields, s->name);
	}
	assert_true(n >= 15);
	/* The contact list's fixed fields are there to be checked. */
	json_t *phone = json_object_get(
		json_object_get(json_object_get(schemas, "ContactList"), "properties"),
		"phoneColumns");
	assert_string_equal(
		json_string_value(json_object_get(phone, "x-dialbook-fixed-after-creation")),
		"cannot.update.phone.columns");
	/* The resources' own tables are the ones documented. */
	for (const struct api_schema *s = api_schemas; s->name; s++) {
		if (strcmp(s->name, "ContactList") == 0)
			assert_ptr_equal(s->fields, contact_list_fields);
		if (strcmp(s->name, "ErrorBody") == 0)
			assert_ptr_equal(s->fields, error_body_fields);
	}
	json_decref(doc);
}

static void every_route_is_an_operation(void **state)
{
	(void)state;
	json_t *doc = api_openapi_document();
	json_t *paths = json_object_get(doc, "paths");
	for (size_t i = 0; i < api_route_count; i++) {
		const struct api_route *r = &api_routes[i];
		char method[16];
		snprintf(method, sizeof(method), "%s", r->http.method);
		for (char *m = method; *m; m++)
			*m = (char)tolower((unsigned char)*m);
		json_t *op = json_object_get(json_object_get(paths, r->http.pattern), method);
		if (!op)
			fail_msg("%s %s is not documented", r->http.method, r->http.pattern);
		size_t params = 0;
		for (const struct field *q = r->query; q && q->name; q++)
			params++;
		for (const char *p = strchr(r->http.pattern, '{'); p; p = strchr(p + 1, '{'))
			params++;
		assert_int_equal(json_array_size(json_object_get(op, "parameters")), params);
		assert_non_null(json_object_get(op, "responses"));
		if (!(r->flags & API_PUBLIC))
			assert_non_null(json_object_get(op, "security"));
		if (r->request)
			assert_non_null(
				json_object_get(json_object_get(doc, "components"), "schemas"));
	}
	json_decref(doc);
}

static void references_resolve(void **state)
{
	(void)state;
	json_t *doc = api_openapi_document();
	char *text = json_dumps(doc, 0);
	json_t *schemas = json_object_get(json_object_get(doc, "components"), "schemas");
	for (const char *p = strstr(text, "#/components/schemas/"); p;
	     p = strstr(p + 1, "#/components/schemas/")) {
		char name[96];
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(p + 21, "\""), p + 21);
		if (!json_object_get(schemas, name))
			fail_msg("$ref to an unknown schema %s", name);
	}
	free(text);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(schemas_match_their_tables),
		cmocka_unit_test(every_route_is_an_operation),
		cmocka_unit_test(references_resolve),
	};
	return cmocka_run_group_tests_name("openapi", tests, NULL, NULL);
}

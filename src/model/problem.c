/* Builds the cloud's ErrorBody. Go clients require `details` to be an array
 * of objects and `messageParams` a map, so both are always present. */
#include "model/problem.h"
#include "common/text.h"
#include "model/field.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void problem_init(struct problem *p)
{
	memset(p, 0, sizeof(*p));
}

void problem_release(struct problem *p)
{
	if (!p)
		return;
	json_decref(p->details);
	json_decref(p->extra);
	problem_init(p);
}

static void vset(struct problem *p, int status, const char *code, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static void vset(struct problem *p, int status, const char *code, const char *fmt, va_list ap)
{
	p->status = status;
	snprintf(p->code, sizeof(p->code), "%s", code);
	/* clang 14 misses the callers' va_start: */
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
	vsnprintf(p->message, sizeof(p->message), fmt, ap);
	utf8_trim_partial(p->message);
}

int problem_set(struct problem *p, int status, const char *code, const char *fmt, ...)
{
	if (!p)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vset(p, status, code, fmt, ap);
	va_end(ap);
	return -1;
}

int problem_detail_set(struct problem *p, const char *field, const char *fmt, ...)
{
	if (!p)
		return -1;
	problem_add_detail(p, "INVALID_VALUE", field);
	va_list ap;
	va_start(ap, fmt);
	vset(p, 400, "invalid.value", fmt, ap);
	va_end(ap);
	return -1;
}

void problem_add_detail(struct problem *p, const char *error_code, const char *field_name)
{
	if (!p)
		return;
	if (!p->details)
		p->details = json_array();
	json_t *d = json_object();
	json_object_set_new(d, "errorCode", json_string(error_code));
	if (field_name)
		json_object_set_new(d, "fieldName", json_string(field_name));
	json_array_append_new(p->details, d);
}

void problem_put(struct problem *p, const char *key, json_t *value)
{
	if (!p) {
		json_decref(value);
		return;
	}
	if (!p->extra)
		p->extra = json_object();
	json_object_set_new(p->extra, key, value);
}

static const struct field detail_fields[] = {
	{"errorCode", FT_STRING, 0,
	 .description = "e.g. INVALID_VALUE, REQUIRED, INVALID_PROPERTY"},
	{"fieldName", FT_STRING, 0,
	 .description = "The field, with its path: phoneColumns[0].columnName"},
	{"entityId", FT_STRING, 0, .description = "Not used by dialbook."},
	{"entityName", FT_STRING, 0, .description = "Not used by dialbook."},
	{0},
};

static const struct field limit_fields[] = {
	{"key", FT_STRING, 0, .description = "The limit, e.g. max.contact.lists"},
	{"namespace", FT_STRING, 0, .description = "outbound"},
	{"value", FT_INTEGER, 0, .description = "The limit's value."},
	{0},
};

const struct field error_body_fields[] = {
	{"message", FT_STRING, F_REQUIRED, .description = "What was wrong, where, and what to do."},
	{"code", FT_STRING, F_REQUIRED, .description = "The cloud's code, e.g. invalid.value."},
	{"status", FT_INTEGER, F_REQUIRED, .description = "The HTTP status."},
	{"messageWithParams", FT_STRING, 0, .description = "The message (no parameters)."},
	{"messageParams", FT_OBJECT, 0, .description = "Always an object (Go clients need one)."},
	{"contextId", FT_STRING, 0, .description = "Equals the inin-correlation-id header."},
	{"details", FT_ARRAY, 0, FT_OBJECT, detail_fields,
	 .description = "One entry per offending field; always an array."},
	{"errors", FT_ARRAY, 0, FT_OBJECT, .description = "Always empty."},
	{"limit", FT_OBJECT, 0, .props = limit_fields,
	 .description = "The limit that was reached, when one was."},
	{0},
};

json_t *problem_to_json(const struct problem *p, const char *context_id)
{
	json_t *c = json_object();
	json_object_set_new(c, "message", json_string(p->message));
	json_object_set_new(c, "code", json_string(p->code));
	json_object_set_new(c, "status", json_integer(p->status));
	json_object_set_new(c, "messageWithParams", json_string(p->message));
	json_object_set_new(c, "messageParams", json_object());
	if (context_id)
		json_object_set_new(c, "contextId", json_string(context_id));
	json_object_set_new(c, "details", p->details ? json_copy(p->details) : json_array());
	json_object_set_new(c, "errors", json_array());
	json_t *body = field_encode(error_body_fields, p->extra, c);
	json_decref(c);
	return body;
}

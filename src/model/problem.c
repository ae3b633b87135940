/* Builds the cloud's ErrorBody. Go clients require `details` to be an array
 * of objects and `messageParams` a map, so both are always present. */
#include "model/problem.h"
#include "common/text.h"

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

int problem_set(struct problem *p, int status, const char *code, const char *fmt, ...)
{
	if (!p)
		return -1;
	p->status = status;
	snprintf(p->code, sizeof(p->code), "%s", code);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->message, sizeof(p->message), fmt, ap);
	va_end(ap);
	utf8_trim_partial(p->message);
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

json_t *problem_to_json(const struct problem *p, const char *context_id)
{
	json_t *body = json_object();
	json_object_set_new(body, "message", json_string(p->message));
	json_object_set_new(body, "code", json_string(p->code));
	json_object_set_new(body, "status", json_integer(p->status));
	json_object_set_new(body, "messageWithParams", json_string(p->message));
	json_object_set_new(body, "messageParams", json_object());
	if (context_id)
		json_object_set_new(body, "contextId", json_string(context_id));
	json_object_set_new(body, "details", p->details ? json_copy(p->details) : json_array());
	json_object_set_new(body, "errors", json_array());
	if (p->extra)
		json_object_update(body, p->extra);
	return body;
}

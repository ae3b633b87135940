/* The generic half of validation and encoding, driven by field tables.
 * Resource files add the rules that relate one field to another. */
#include "model/field.h"
#include "common/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *field_type_name(enum field_type t)
{
	switch (t) {
	case FT_STRING:
		return "string";
	case FT_INTEGER:
		return "integer";
	case FT_NUMBER:
		return "number";
	case FT_BOOLEAN:
		return "boolean";
	case FT_OBJECT:
		return "object";
	case FT_ARRAY:
		return "array";
	}
	return "?";
}

static const char *json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "?";
}

const struct field *field_find(const struct field *table, const char *name)
{
	for (const struct field *f = table; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

/* Edit distance, capped: enough to suggest "columnNames" for "columnName". */
static unsigned distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return 99;
	unsigned row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned prev = row[0];
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned cur = row[j];
			unsigned cost = (a[i - 1] | 32) == (b[j - 1] | 32) ? 0 : 1;
			unsigned best = prev + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[lb];
}

static const char *suggest(const struct field *table, const char *name)
{
	const char *best = NULL;
	unsigned best_d = 3;
	for (const struct field *f = table; f->name; f++) {
		unsigned d = distance(name, f->name);
		if (d < best_d) {
			best_d = d;
			best = f->name;
		}
	}
	return best;
}

/* "path.name", or "name" at the top; cut to fit. On the hot path of every
 * contact of an import, hence no snprintf. */
static void join_path(char *out, size_t size, const char *path, const char *name)
{
	size_t lp = strlen(path), ln = strlen(name), o = 0;
	if (lp + 1 >= size)
		lp = size - 2;
	memcpy(out, path, lp);
	o = lp;
	if (lp)
		out[o++] = '.';
	if (o + ln >= size)
		ln = size - o - 1;
	memcpy(out + o, name, ln);
	out[o + ln] = '\0';
	utf8_trim_partial(out);
}

static int refuse_unknown(json_t *obj, const struct field *table, const char *what,
			  const char *path, struct problem *p)
{
	const char *key;
	json_t *val;
	json_object_foreach(obj, key, val)
	{
		if (field_find(table, key))
			continue;
		char where[256];
		join_path(where, sizeof(where), path, key);
		const char *hint = suggest(table, key);
		problem_add_detail(p, "INVALID_PROPERTY", where);
		if (hint)
			return problem_set(p, 400, "invalid.property",
					   "%s is not a property of %s; did you mean %s?", where,
					   what, hint);
		return problem_set(p, 400, "invalid.property",
				   "%s is not a property of %s; remove it from the request body",
				   where, what);
	}
	return 0;
}

/* All read-only fields at once: one details entry per offending field. */
static int refuse_read_only(json_t *obj, const struct field *table, const char *what,
			    const char *path, struct problem *p)
{
	char names[512] = "";
	size_t used = 0;
	int count = 0;
	for (const struct field *f = table; f->name; f++) {
		if (!(f->flags & F_READONLY) || !json_object_get(obj, f->name))
			continue;
		char where[256];
		join_path(where, sizeof(where), path, f->name);
		problem_add_detail(p, "INVALID_VALUE", where);
		int n = snprintf(names + used, sizeof(names) - used, "%s%s", count ? ", " : "",
				 where);
		if (n > 0 && (size_t)n < sizeof(names) - used)
			used += (size_t)n;
		count++;
	}
	if (count == 0)
		return 0;
	return problem_set(p, 400, "invalid.value",
			   "%s %s assigned by the server and cannot be supplied when creating %s; "
			   "remove %s from the request body",
			   names, count == 1 ? "is" : "are", what, count == 1 ? "it" : "them");
}

static int check_value(json_t *v, const struct field *f, enum field_mode mode, const char *what,
		       const char *where, struct problem *p);

static int check_type(const json_t *v, enum field_type t)
{
	switch (t) {
	case FT_STRING:
		return json_is_string(v);
	case FT_INTEGER:
		return json_is_integer(v);
	case FT_NUMBER:
		return json_is_number(v);
	case FT_BOOLEAN:
		return json_is_boolean(v);
	case FT_OBJECT:
		return json_is_object(v);
	case FT_ARRAY:
		return json_is_array(v);
	}
	return 0;
}

/* "ACTIVE, INACTIVE": an enumeration's values, for messages. */
static void allowed_values(const struct field *f, char *out, size_t size)
{
	size_t used = 0;
	out[0] = '\0';
	for (const char *const *e = f->enum_values; *e; e++) {
		int n = snprintf(out + used, size - used, "%s%s", e == f->enum_values ? "" : ", ",
				 *e);
		if (n > 0 && (size_t)n < size - used)
			used += (size_t)n;
	}
}

static int check_string(json_t *v, const struct field *f, const char *where, struct problem *p)
{
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	long chars = utf8_count(s, len);
	/* Every refusal below names its field in details, as the cloud's do. */
	if (f->max && chars > (long)f->max)
		return problem_detail_set(p, where, "%s is %ld characters long; the limit is %u",
					  where, chars, f->max);
	if ((f->flags & F_NO_CONTROL) && text_has_control(s, len))
		return problem_detail_set(p, where,
					  "%s contains a control character (such as a tab or "
					  "newline); remove it",
					  where);
	if (f->flags & F_NOT_BLANK) {
		size_t i = 0;
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == len)
			return problem_detail_set(p, where, "%s must not be blank", where);
	}
	if (!f->enum_values)
		return 0;
	for (const char *const *e = f->enum_values; *e; e++) {
		if (strcasecmp(*e, s) == 0) {
			/* Rewritten in the table's spelling: clients send either case. */
			json_string_set(v, *e);
			return 0;
		}
	}
	char allowed[256];
	allowed_values(f, allowed, sizeof(allowed));
	return problem_detail_set(
		p, where,
		"Value [%.100s] is not valid for field type [%s]. Allowable values are: %s", s,
		where, allowed);
}

static int check_array(json_t *v, const struct field *f, enum field_mode mode, const char *what,
		       const char *where, struct problem *p)
{
	size_t n = json_array_size(v);
	if (f->max && n > f->max)
		return problem_detail_set(p, where, "%s has %zu entries; the limit is %u", where, n,
					  f->max);
	struct field item = {.name = f->name,
			     .type = f->item_type,
			     .flags = f->flags & (F_NO_CONTROL | F_NOT_BLANK),
			     .props = f->props,
			     .enum_values = f->enum_values};
	for (size_t i = 0; i < n; i++) {
		char at[256];
		snprintf(at, sizeof(at), "%s[%zu]", where, i);
		json_t *elem = json_array_get(v, i);
		if (json_is_null(elem))
			return problem_detail_set(p, at, "%s must not be null", at);
		if (check_value(elem, &item, mode, what, at, p))
			return -1;
	}
	return 0;
}

static int check_value(json_t *v, const struct field *f, enum field_mode mode, const char *what,
		       const char *where, struct problem *p)
{
	if (!check_type(v, f->type)) {
		problem_add_detail(p, "INVALID_VALUE", where);
		/* An enumeration names its values whatever the wrong value was:
		 * `"status": 1` deserves the same help as `"status": "on"`. */
		char allowed[256] = "";
		if (f->enum_values) {
			snprintf(allowed, sizeof(allowed), ". Allowable values are: ");
			allowed_values(f, allowed + strlen(allowed),
				       sizeof(allowed) - strlen(allowed));
		}
		return problem_set(
			p, 400, "invalid.value", "%s must be %s %s, not %s%s", where,
			f->type == FT_ARRAY || f->type == FT_OBJECT || f->type == FT_INTEGER ? "an"
											     : "a",
			field_type_name(f->type), json_kind(v), allowed);
	}
	switch (f->type) {
	case FT_STRING:
		return check_string(v, f, where, p);
	case FT_ARRAY:
		return check_array(v, f, mode, what, where, p);
	case FT_OBJECT:
		return f->props ? field_check(v, f->props, mode, what, where, p) : 0;
	default:
		return 0;
	}
}

int field_check(json_t *obj, const struct field *table, enum field_mode mode, const char *what,
		const char *path, struct problem *p)
{
	if (!json_is_object(obj))
		return problem_set(p, 400, "invalid.value", "%s must be a JSON object, not %s",
				   path[0] ? path : "the request body", json_kind(obj));
	/* null means "not given": dropped so later rules see one shape. */
	const char *key;
	json_t *val;
	void *tmp;
	json_object_foreach_safe(obj, tmp, key, val)
	{
		if (json_is_null(val))
			json_object_del(obj, key);
	}
	if (refuse_unknown(obj, table, what, path, p))
		return -1;
	if (mode == FIELD_CREATE && refuse_read_only(obj, table, what, path, p))
		return -1;
	for (const struct field *f = table; f->name; f++) {
		json_t *v = json_object_get(obj, f->name);
		if (!v && !(f->flags & F_REQUIRED))
			continue;
		char where[256];
		join_path(where, sizeof(where), path, f->name);
		if (!v) {
			if (f->flags & F_REQUIRED) {
				problem_add_detail(p, "REQUIRED", where);
				return problem_set(p, 400, "invalid.value", "%s is required",
						   where);
			}
			continue;
		}
		if (check_value(v, f, mode, what, where, p))
			return -1;
	}
	return 0;
}

void field_drop_unset_columns(json_t *obj, const struct field *table)
{
	for (const struct field *f = table; f->name; f++) {
		json_t *v = json_object_get(obj, f->name);
		if (!v)
			continue;
		if ((f->flags & F_COLUMN) && !(f->flags & F_REQUIRED) && json_is_string(v) &&
		    json_string_length(v) == 0) {
			json_object_del(obj, f->name);
		} else if (f->props && json_is_object(v)) {
			field_drop_unset_columns(v, f->props);
		} else if (f->props && json_is_array(v)) {
			size_t i;
			json_t *item;
			json_array_foreach(v, i, item)
			{
				if (json_is_object(item))
					field_drop_unset_columns(item, f->props);
			}
		}
	}
}

json_t *field_empty_value(const struct field *f)
{
	switch (f->type) {
	case FT_STRING:
		return json_string("");
	case FT_ARRAY:
		return json_array();
	case FT_BOOLEAN:
		return json_false();
	default:
		return NULL;
	}
}

/* Same items in any order, each item of `a` matched by its own item of `b`. */
static bool same_items(const json_t *a, const json_t *b)
{
	size_t n = json_array_size(a);
	if (n != json_array_size(b))
		return false;
	bool *used = calloc(n ? n : 1, sizeof(*used));
	bool same = used != NULL;
	for (size_t i = 0; same && i < n; i++) {
		size_t j = 0;
		while (j < n &&
		       (used[j] || !json_equal(json_array_get(a, i), json_array_get(b, j))))
			j++;
		same = j < n;
		if (same)
			used[j] = true;
	}
	free(used);
	return same;
}

bool field_same_value(const struct field *f, const json_t *a, const json_t *b)
{
	json_t *empty = field_empty_value(f);
	if (!a)
		a = empty;
	if (!b)
		b = empty;
	bool same;
	if (!a || !b)
		same = a == b;
	else if (f->type == FT_ARRAY && f->item_type == FT_OBJECT)
		same = same_items(a, b);
	else
		same = json_equal(a, b);
	json_decref(empty);
	return same;
}

json_t *field_encode(const struct field *table, const json_t *doc, const json_t *computed)
{
	json_t *out = json_object();
	for (const struct field *f = table; f->name; f++) {
		if (f->flags & F_WRITE_ONLY)
			continue;
		json_t *v = doc ? json_object_get(doc, f->name) : NULL;
		if (!v && computed)
			v = json_object_get(computed, f->name);
		if (v)
			json_object_set(out, f->name, v);
		else if (f->flags & F_ALWAYS)
			json_object_set_new(out, f->name, field_empty_value(f));
	}
	return out;
}

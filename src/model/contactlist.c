/* Contact list rules that relate fields to each other: the two column
 * views (cloud's columnNames/phoneColumns/... and dialbook's
 * columnDefinitions), column references, name trimming and update rules.
 * Per-field rules live in the table (contactlist_fields.c): shapes, which
 * strings name columns (F_COLUMN), what a PUT that leaves a field out
 * keeps (F_KEEP) and what cannot change after creation (.fixed). */
#include "model/contactlist.h"
#include "model/system_columns.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/timeutil.h"

char *contact_list_name_key(const char *name)
{
	return text_fold_dup(name);
}

void contact_list_release(struct contact_list *cl)
{
	if (!cl)
		return;
	free(cl->name);
	json_decref(cl->doc);
	memset(cl, 0, sizeof(*cl));
}

void contact_list_input_release(struct contact_list_input *in)
{
	if (!in)
		return;
	json_decref(in->doc);
	free(in->id);
	free(in->division_id);
	memset(in, 0, sizeof(*in));
}

/* The spelling of `name` in columnNames, matched case-insensitively. */
static const char *find_column(const json_t *names, const char *name)
{
	size_t i;
	json_t *v;
	json_array_foreach(names, i, v)
	{
		if (strcasecmp(json_string_value(v), name) == 0)
			return json_string_value(v);
	}
	return NULL;
}

json_t *contact_list_column_entry(const json_t *arr, const char *key, const char *column)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		const char *s = json_string_value(json_object_get(v, key));
		if (s && strcasecmp(s, column) == 0)
			return v;
	}
	return NULL;
}

/* The data type a specification gives a column ("NUMERIC"...), or NULL. */
static const char *spec_type(const json_t *doc, const char *column)
{
	return json_string_value(json_object_get(
		contact_list_column_entry(json_object_get(doc, "columnDataTypeSpecifications"),
					  "columnName", column),
		"columnDataType"));
}

/* A copy of the stored list's entry for `column`, to keep its labels and
 * limits when the cloud view is derived again on update; NULL if none. */
static json_t *previous_entry(const json_t *previous, const char *field, const char *column)
{
	json_t *e =
		contact_list_column_entry(json_object_get(previous, field), "columnName", column);
	return e ? json_deep_copy(e) : NULL;
}

static int reserved_name(const char *where, const char *name, struct problem *p)
{
	problem_add_detail(p, "INVALID_VALUE", where);
	return problem_set(p, 400, "invalid.value",
			   "%s (\"%.128s\") is reserved for the export's system columns (such as "
			   "inin-outbound-id, ContactCallable or Callable-<column>); a column of "
			   "that name would make exports ambiguous and their re-import wrong: "
			   "choose another name",
			   where, name);
}

/* The rules of the names themselves. `defs` says the names came from
 * columnDefinitions, so messages point there; `fresh` that the list is
 * being created (a stored list keeps the names it was created with). */
static int check_column_names(const json_t *names, const struct db_limits *lim, bool defs,
			      bool fresh, struct problem *p)
{
	size_t n = json_array_size(names);
	if (n == 0) {
		problem_add_detail(p, "INVALID_VALUE", "columnNames");
		return problem_set(
			p, 400, "invalid.value",
			"columnNames is empty; a contact list needs at least one column");
	}
	if (n > lim->max_columns) {
		problem_add_detail(p, "CONTACT_COLUMNS_LIMIT_EXCEEDED", "columnNames");
		problem_put(p, "limit",
			    json_pack("{s:s,s:s,s:I}", "key", "max.columns", "namespace",
				      "outbound", "value", (json_int_t)lim->max_columns));
		return problem_set(p, 400, "invalid.value",
				   "a contact list has at most %u columns; columnNames has %zu",
				   lim->max_columns, n);
	}
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(names, i));
		long chars = utf8_count(s, strlen(s));
		char where[64];
		snprintf(where, sizeof(where),
			 defs ? "columnDefinitions[%zu].name" : "columnNames[%zu]", i);
		if (strspn(s, " \t") == strlen(s))
			return problem_set(p, 400, "invalid.value", "%s must not be blank", where);
		if (chars > (long)lim->max_column_name_chars)
			return problem_set(p, 400, "invalid.value",
					   "%s is %ld characters long; column names are limited "
					   "to %u",
					   where, chars, lim->max_column_name_chars);
		if (strchr(s, '\\'))
			return problem_set(p, 400, "invalid.value",
					   "%s (\"%.128s\") contains a backslash, which column "
					   "names cannot hold",
					   where, s);
		if (fresh && system_column_name(s, strlen(s)))
			return reserved_name(where, s, p);
		for (size_t j = 0; j < i; j++) {
			const char *t = json_string_value(json_array_get(names, j));
			if (strcasecmp(s, t) == 0)
				return problem_set(p, 400, "invalid.value",
						   "%s (\"%.128s\") repeats column %zu; column "
						   "names must be unique, compared "
						   "case-insensitively",
						   where, s, j);
		}
	}
	return 0;
}

/* A column reference must name a column; stored in the list's spelling. */
static int check_ref(json_t *obj, const char *key, const json_t *names, const char *where,
		     struct problem *p)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return 0;
	const char *found = find_column(names, json_string_value(v));
	if (!found) {
		problem_add_detail(p, "INVALID_VALUE", where);
		return problem_set(p, 400, "invalid.value",
				   "%s names the column \"%.128s\", which is not in columnNames",
				   where, json_string_value(v));
	}
	json_object_set_new(obj, key, json_string(found));
	return 0;
}

/* Every F_COLUMN string of obj, and of the objects in it, must name a
 * column; `path` is obj's own ("" at the top). */
static int check_refs(json_t *obj, const struct field *table, const json_t *names, const char *path,
		      struct problem *p)
{
	for (const struct field *f = table; f->name; f++) {
		json_t *v = json_object_get(obj, f->name);
		if (!v)
			continue;
		char where[192];
		snprintf(where, sizeof(where), "%s%s%s", path, path[0] ? "." : "", f->name);
		if ((f->flags & F_COLUMN) && check_ref(obj, f->name, names, where, p))
			return -1;
		if (f->props && json_is_object(v) && check_refs(v, f->props, names, where, p))
			return -1;
		size_t i;
		json_t *item;
		json_array_foreach(f->props ? v : NULL, i, item)
		{
			char at[224];
			snprintf(at, sizeof(at), "%s[%zu]", where, i);
			if (check_refs(item, f->props, names, at, p))
				return -1;
		}
	}
	return 0;
}

/* A column named twice in one array, or an entry whose time column and its
 * alias name different columns: the list would not say which one counts. */
static int check_column_array(json_t *doc, const char *field, const char *time_key,
			      const char *alias, struct problem *p)
{
	json_t *arr = json_object_get(doc, field);
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		const char *t = json_string_value(json_object_get(v, time_key));
		const char *u = json_string_value(json_object_get(v, alias));
		if (t && u && strcmp(t, u) != 0) {
			char where[160];
			snprintf(where, sizeof(where), "%s[%zu].%s", field, i, alias);
			problem_add_detail(p, "INVALID_VALUE", where);
			return problem_set(p, 400, "invalid.value",
					   "%s (\"%.128s\") and %s (\"%.128s\") of %s[%zu] name "
					   "different columns; send one of them",
					   alias, u, time_key, t, field, i);
		}
		for (size_t j = 0; j < i; j++) {
			const char *a = json_string_value(json_object_get(v, "columnName"));
			const char *b = json_string_value(
				json_object_get(json_array_get(arr, j), "columnName"));
			if (strcmp(a, b) == 0)
				return problem_set(p, 400, "invalid.value",
						   "%s[%zu] repeats the column \"%.128s\" of "
						   "%s[%zu]",
						   field, i, a, field, j);
		}
	}
	return 0;
}

static int check_data_types(json_t *doc, struct problem *p)
{
	json_t *arr = json_object_get(doc, "columnDataTypeSpecifications");
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		char where[96];
		snprintf(where, sizeof(where), "columnDataTypeSpecifications[%zu]", i);
		json_t *min = json_object_get(v, "min"), *max = json_object_get(v, "max");
		if (min && max && json_number_value(min) > json_number_value(max))
			return problem_set(p, 400, "invalid.value",
					   "%s: min (%g) is above max (%g)", where,
					   json_number_value(min), json_number_value(max));
		json_t *ml = json_object_get(v, "maxLength");
		if (ml &&
		    (json_integer_value(ml) < 1 || json_integer_value(ml) > DB_MAX_VALUE_CHARS))
			return problem_set(p, 400, "invalid.value",
					   "%s.maxLength must be between 1 and %d", where,
					   DB_MAX_VALUE_CHARS);
		for (size_t j = 0; j < i; j++) {
			const char *a = json_string_value(json_object_get(v, "columnName"));
			const char *b = json_string_value(
				json_object_get(json_array_get(arr, j), "columnName"));
			if (strcmp(a, b) == 0)
				return problem_set(p, 400, "invalid.value",
						   "%s repeats the column \"%.128s\"", where, a);
		}
	}
	return 0;
}

static const char *cloud_kind(const json_t *doc, const char *column)
{
	if (contact_list_column_entry(json_object_get(doc, "phoneColumns"), "columnName", column))
		return "phone";
	if (contact_list_column_entry(json_object_get(doc, "emailColumns"), "columnName", column))
		return "email";
	const char *t = spec_type(doc, column);
	if (t && strcmp(t, "NUMERIC") == 0)
		return "numeric";
	if (t && strcmp(t, "TIMESTAMP") == 0)
		return "timestamp";
	return "text";
}

/* columnDefinitions from the cloud's view; `required` kept from `previous`. */
static json_t *definitions_from_cloud(const json_t *doc, const json_t *previous)
{
	json_t *defs = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(doc, "columnNames"), i, v)
	{
		const char *name = json_string_value(v);
		json_array_append_new(
			defs, json_pack("{s:s,s:s,s:b}", "name", name, "type",
					cloud_kind(doc, name), "required",
					json_is_true(json_object_get(
						contact_list_column_entry(previous, "name", name),
						"required"))));
	}
	return defs;
}

static json_t *names_of_kind(const json_t *defs, const char *kind)
{
	json_t *out = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(defs, i, v)
	{
		if (strcmp(json_string_value(json_object_get(v, "type")), kind) == 0)
			json_array_append(out, json_object_get(v, "name"));
	}
	return out;
}

/* True when `arr` (objects with `key`) names exactly the columns in `names`. */
static bool same_columns(const json_t *arr, const char *key, const json_t *names)
{
	size_t count = 0, i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		const char *s = json_string_value(json_object_get(v, key));
		if (!s || !find_column(names, s))
			return false;
		count++;
	}
	return count == json_array_size(names);
}

/* Whether a column of definition type `kind` may carry a specification of
 * type `have`: the one its kind implies; TEXT for text columns; any for
 * phone and e-mail columns, which the cloud may also type. */
static bool spec_agrees(const char *kind, const char *have)
{
	if (strcmp(kind, "numeric") == 0)
		return strcmp(have, "NUMERIC") == 0;
	if (strcmp(kind, "timestamp") == 0)
		return strcmp(have, "TIMESTAMP") == 0;
	if (strcmp(kind, "text") == 0)
		return strcmp(have, "TEXT") == 0;
	return true;
}

static int disagree(const char *what_differs, struct problem *p)
{
	problem_add_detail(p, "INVALID_VALUE", "columnDefinitions");
	return problem_set(p, 400, "invalid.value",
			   "columnDefinitions and %s disagree; send one view of the columns, or "
			   "make both name the same columns",
			   what_differs);
}

/* Fills in the cloud view from columnDefinitions, or checks the parts of
 * it the client also sent. */

static int cloud_from_definitions(json_t *doc, const json_t *defs, const json_t *previous,
				  struct problem *p)
{
	json_t *names = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(defs, i, v)
	{
		json_array_append(names, json_object_get(v, "name"));
		if (!json_object_get(v, "type"))
			json_object_set_new(v, "type", json_string("text"));
		if (!json_object_get(v, "required"))
			json_object_set_new(v, "required", json_false());
	}
	json_t *given = json_object_get(doc, "columnNames");
	if (given && !json_equal(given, names)) {
		json_decref(names);
		return disagree("columnNames", p);
	}
	json_object_set_new(doc, "columnNames", names);

	static const struct {
		const char *field, *kind, *label;
	} views[] = {{"phoneColumns", "phone", "cell"}, {"emailColumns", "email", "work"}};
	for (size_t k = 0; k < 2; k++) {
		json_t *want = names_of_kind(defs, views[k].kind);
		json_t *have = json_object_get(doc, views[k].field);
		if (have) {
			bool ok = same_columns(have, "columnName", want);
			json_decref(want);
			if (!ok)
				return disagree(views[k].field, p);
			continue;
		}
		json_t *arr = json_array();
		json_array_foreach(want, i, v)
		{
			json_t *kept =
				previous_entry(previous, views[k].field, json_string_value(v));
			json_array_append_new(arr, kept ? kept
							: json_pack("{s:O,s:s}", "columnName", v,
								    "type", views[k].label));
		}
		json_decref(want);
		json_object_set_new(doc, views[k].field, arr);
	}

	/* Specifications the client sent must agree with the definitions;
	 * numeric and timestamp columns without one get one. */
	json_array_foreach(defs, i, v)
	{
		const char *kind = json_string_value(json_object_get(v, "type"));
		const char *name = json_string_value(json_object_get(v, "name"));
		const char *want = strcmp(kind, "numeric") == 0	    ? "NUMERIC"
				   : strcmp(kind, "timestamp") == 0 ? "TIMESTAMP"
								    : NULL;
		const char *have = spec_type(doc, name);
		if (have) {
			if (!spec_agrees(kind, have))
				return disagree("columnDataTypeSpecifications", p);
			continue;
		}
		if (!want)
			continue;
		json_t *arr = json_object_get(doc, "columnDataTypeSpecifications");
		if (!arr) {
			arr = json_array();
			json_object_set_new(doc, "columnDataTypeSpecifications", arr);
		}
		json_t *kept = previous_entry(previous, "columnDataTypeSpecifications", name);
		if (kept &&
		    strcmp(json_string_value(json_object_get(kept, "columnDataType")), want) != 0)
			json_decref(kept), kept = NULL;
		json_array_append_new(arr, kept ? kept
						: json_pack("{s:s,s:s}", "columnName", name,
							    "columnDataType", want));
	}
	return 0;
}

/* The column arrays whose entries name a time column twice over (the
 * cloud's model has both spellings): `alias` says what `time_key` says. */
static const struct {
	const char *field, *time_key, *alias;
} time_aliases[] = {
	{"phoneColumns", "callableTimeColumnName", "callableTimeColumn"},
	{"emailColumns", "contactableTimeColumnName", "contactableTimeColumn"},
	{"whatsAppColumns", "contactableTimeColumnName", "contactableTimeColumn"},
};

/* A copy of a column array with each alias folded into its time key, so
 * that an entry sent with the other spelling is the same entry. Owned. */
static json_t *fold_time_aliases(const char *field, const json_t *arr)
{
	json_t *copy = json_deep_copy(arr);
	for (size_t k = 0; k < sizeof(time_aliases) / sizeof(time_aliases[0]); k++) {
		if (strcmp(field, time_aliases[k].field) != 0)
			continue;
		size_t i;
		json_t *v;
		json_array_foreach(copy, i, v)
		{
			json_t *u = json_object_get(v, time_aliases[k].alias);
			if (u && !json_object_get(v, time_aliases[k].time_key))
				json_object_set(v, time_aliases[k].time_key, u);
			json_object_del(v, time_aliases[k].alias);
		}
	}
	return copy;
}

/* Refuses a change to a field fixed after creation (0 when unchanged). */
static int refuse_fixed_change(const struct field *f, const json_t *stored, const json_t *given,
			       struct problem *p)
{
	if (!f->fixed)
		return 0;
	json_t *was = stored ? fold_time_aliases(f->name, stored) : NULL;
	json_t *now = given ? fold_time_aliases(f->name, given) : NULL;
	bool same = field_same_value(f, was, now);
	json_decref(was);
	json_decref(now);
	if (same)
		return 0;
	problem_add_detail(p, "INVALID_VALUE", f->name);
	return problem_set(p, 400, f->fixed->code,
			   "An attempt was made to update a ContactList in an invalid way. "
			   "Details: %s (%s cannot change after creation; create a new list "
			   "instead)",
			   f->fixed->what, f->name);
}

/* Checked once the columns are derived and their references spelled as
 * the list spells them, so that an echo never counts as a change; what
 * passes is stored exactly as before (entries in their first order). */
static int refuse_fixed_changes(const struct field *table, json_t *doc, const json_t *stored,
				struct problem *p)
{
	for (const struct field *f = table; f->name; f++) {
		if (!f->fixed)
			continue;
		json_t *was = json_object_get(stored, f->name);
		if (refuse_fixed_change(f, was, json_object_get(doc, f->name), p))
			return -1;
		if (was)
			json_object_set_new(doc, f->name, json_deep_copy(was));
		else
			json_object_del(doc, f->name);
	}
	return 0;
}

static int reconcile_columns(const struct field *table, json_t *doc, const struct db_limits *lim,
			     const struct contact_list *current, struct problem *p)
{
	json_t *defs = json_object_get(doc, "columnDefinitions");
	if (!defs && !json_object_get(doc, "columnNames")) {
		problem_add_detail(p, "REQUIRED", "columnNames");
		return problem_set(p, 400, "invalid.value",
				   "columnNames is required: give the list's columns as "
				   "columnNames (with phoneColumns/emailColumns) or as "
				   "columnDefinitions");
	}
	if (defs && cloud_from_definitions(doc, defs, current ? current->doc : NULL, p))
		return -1;
	json_t *names = json_object_get(doc, "columnNames");
	/* Before the references, which renamed columns would break: the answer
	 * names the real mistake. */
	if (current && refuse_fixed_change(field_find(table, "columnNames"),
					   json_object_get(current->doc, "columnNames"), names, p))
		return -1;
	if (check_column_names(names, lim, defs != NULL, current == NULL, p))
		return -1;
	if (!json_object_get(doc, "phoneColumns"))
		json_object_set_new(doc, "phoneColumns", json_array());
	if (!json_object_get(doc, "emailColumns"))
		json_object_set_new(doc, "emailColumns", json_array());
	if (check_refs(doc, table, names, "", p) ||
	    check_column_array(doc, "phoneColumns", "callableTimeColumnName", "callableTimeColumn",
			       p) ||
	    check_column_array(doc, "emailColumns", "contactableTimeColumnName",
			       "contactableTimeColumn", p) ||
	    check_column_array(doc, "whatsAppColumns", "contactableTimeColumnName",
			       "contactableTimeColumn", p) ||
	    check_data_types(doc, p))
		return -1;
	if (!defs) {
		json_t *previous =
			current ? json_object_get(current->doc, "columnDefinitions") : NULL;
		json_object_set_new(doc, "columnDefinitions",
				    definitions_from_cloud(doc, previous));
	}
	return 0;
}

static int take_name(json_t *doc, const struct db_limits *lim, struct problem *p)
{
	(void)lim;
	char *trimmed = text_trim_dup(json_string_value(json_object_get(doc, "name")));
	long chars = utf8_count(trimmed, strlen(trimmed));
	int rc = 0;
	if (chars > DB_MAX_NAME_CHARS) {
		problem_add_detail(p, "INVALID_VALUE", "name");
		rc = problem_set(p, 400, "invalid.value",
				 "name is %ld characters long after trimming; the limit is %d",
				 chars, DB_MAX_NAME_CHARS);
	} else {
		json_object_set_new(doc, "name", json_string(trimmed));
	}
	free(trimmed);
	return rc;
}

/* Members that never reach the stored document: server-owned, or kept in
 * the record's own columns. */
static const char *const record_members[] = {
	"id",	"contactListId", "dateCreated", "dateModified", "selfUri",
	"size", "importStatus",	 "version",	"division",	NULL,
};

static const char *const cloud_view[] = {"columnNames", "phoneColumns", "emailColumns",
					 "columnDataTypeSpecifications", NULL};

/* SDKs and Terraform PUT back the whole object they read, so an update
 * carries both column views and usually only one was edited: the view
 * equal to the stored one is an echo and gives way to the other. */
static void drop_echoed_view(json_t *doc, const struct contact_list *current)
{
	json_t *defs = json_object_get(doc, "columnDefinitions");
	if (!defs || !json_object_get(doc, "columnNames"))
		return;
	bool defs_echo = json_equal(defs, json_object_get(current->doc, "columnDefinitions"));
	bool cloud_echo = true;
	for (const char *const *f = cloud_view; *f; f++) {
		json_t *given = json_object_get(doc, *f);
		if (given && !json_equal(given, json_object_get(current->doc, *f)))
			cloud_echo = false;
	}
	/* Both echoed: the cloud view decides, and the definitions derived
	 * from it are the stored ones (their required flags are kept). */
	if (defs_echo)
		json_object_del(doc, "columnDefinitions");
	else if (cloud_echo && !defs_echo)
		for (const char *const *f = cloud_view; *f; f++)
			json_object_del(doc, *f);
}

/* "" references inside the entries of the list's arrays (phoneColumns[]
 * ...), not at the top, where "" and an omitted field differ on update. */
static void drop_unset_in_entries(const struct field *table, json_t *doc)
{
	for (const struct field *f = table; f->name; f++) {
		size_t i;
		json_t *item;
		json_array_foreach(f->props ? json_object_get(doc, f->name) : NULL, i, item)
		{
			field_drop_unset_columns(item, f->props);
		}
	}
}

static bool in_cloud_view(const char *field)
{
	for (const char *const *f = cloud_view; *f; f++)
		if (strcmp(*f, field) == 0)
			return true;
	return false;
}

/* The stored specifications that still agree with the definitions sent:
 * a column whose type the definitions changed loses its old one. */
static json_t *specs_agreeing(const json_t *specs, const json_t *defs)
{
	json_t *out = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(specs, i, v)
	{
		const char *kind = json_string_value(json_object_get(
			contact_list_column_entry(
				defs, "name", json_string_value(json_object_get(v, "columnName"))),
			"type"));
		const char *have = json_string_value(json_object_get(v, "columnDataType"));
		/* A definition without a type is a text one (filled in later). */
		if (have && spec_agrees(kind ? kind : "text", have))
			json_array_append_new(out, json_deep_copy(v));
	}
	return out;
}

/* On update, an F_KEEP field the body left out keeps its stored value. When
 * columnDefinitions was sent, the cloud view's columns are derived from it
 * instead, but specifications it cannot express are kept. */
static void keep_omitted(const struct field *table, json_t *doc, const json_t *stored)
{
	json_t *defs = json_object_get(doc, "columnDefinitions");
	for (const struct field *f = table; f->name; f++) {
		json_t *v = json_object_get(stored, f->name);
		if (!(f->flags & F_KEEP) || !v || json_object_get(doc, f->name))
			continue;
		if (!defs || !in_cloud_view(f->name))
			json_object_set_new(doc, f->name, json_deep_copy(v));
		else if (strcmp(f->name, "columnDataTypeSpecifications") == 0)
			json_object_set_new(doc, f->name, specs_agreeing(v, defs));
	}
}

const struct contact_list_kind contact_list_kind_list = {
	contact_list_fields, "a contact list", "contact list", "/api/v2/outbound/contactlists/"};

int contact_list_parse(json_t *body, enum field_mode mode, const struct db_limits *lim,
		       const struct contact_list *current, struct contact_list_input *in,
		       struct problem *p)
{
	return contact_list_parse_as(&contact_list_kind_list, body, mode, lim, current, in, p);
}

int contact_list_parse_as(const struct contact_list_kind *kind, json_t *body, enum field_mode mode,
			  const struct db_limits *lim, const struct contact_list *current,
			  struct contact_list_input *in, struct problem *p)
{
	const struct field *table = kind->fields;
	memset(in, 0, sizeof(*in));
	if (!json_is_object(body))
		return problem_set(p, 400, "bad.request",
				   "the request body must be a JSON object describing %s",
				   kind->what);
	in->doc = json_deep_copy(body);
	json_t *doc = in->doc;
	if (field_check(doc, table, mode, kind->what, "", p))
		goto fail;
	if (mode == FIELD_UPDATE) {
		const char *id = json_string_value(json_object_get(doc, "id"));
		if (!id)
			id = json_string_value(json_object_get(doc, "contactListId"));
		in->id = id ? strdup(id) : NULL;
	}
	json_t *version = json_object_get(doc, "version");
	if (version) {
		in->has_version = true;
		in->version = json_integer_value(version);
	}
	const char *division =
		json_string_value(json_object_get(json_object_get(doc, "division"), "id"));
	in->division_id = division ? strdup(division) : NULL;
	for (const char *const *m = record_members; *m; m++)
		json_object_del(doc, *m);

	/* An empty reference inside an entry is no reference; at the top it
	 * clears the field, so it stays until omitted fields are filled in. */
	drop_unset_in_entries(table, doc);
	if (current) {
		drop_echoed_view(doc, current);
		keep_omitted(table, doc, current->doc);
	}
	field_drop_unset_columns(doc, table);
	if (take_name(doc, lim, p) || reconcile_columns(table, doc, lim, current, p) ||
	    (current && refuse_fixed_changes(table, doc, current->doc, p)))
		goto fail;
	if (json_object_get(doc, "zipCodeColumnName") &&
	    !json_is_true(json_object_get(doc, "automaticTimeZoneMapping"))) {
		problem_add_detail(p, "INVALID_VALUE", "zipCodeColumnName");
		problem_set(p, 400, "invalid.value",
			    "zipCodeColumnName needs automaticTimeZoneMapping set to true");
		goto fail;
	}
	if (!json_object_get(doc, "trimWhitespace"))
		json_object_set_new(doc, "trimWhitespace", json_true());
	if (field_find(table, "status") && !json_object_get(doc, "status"))
		json_object_set_new(doc, "status", json_string("ACTIVE"));
	in->name = json_string_value(json_object_get(doc, "name"));
	return 0;
fail:
	contact_list_input_release(in);
	return -1;
}

int contact_list_check_update(const struct contact_list *current,
			      const struct contact_list_input *in, struct problem *p)
{
	return contact_list_check_update_as(&contact_list_kind_list, current, in, p);
}

int contact_list_check_update_as(const struct contact_list_kind *kind,
				 const struct contact_list *current,
				 const struct contact_list_input *in, struct problem *p)
{
	if (in->id && strcmp(in->id, current->id) != 0) {
		problem_add_detail(p, "INVALID_VALUE", "id");
		return problem_set(p, 400, "invalid.value",
				   "the id in the body (%.64s) does not match the id in the path "
				   "(%s); ids cannot be changed",
				   in->id, current->id);
	}
	if (!in->has_version) {
		problem_add_detail(p, "REQUIRED", "version");
		return problem_set(p, 400, "invalid.value",
				   "version is required when updating %s; send the version of "
				   "your last read (the current version is %lld)",
				   kind->what, (long long)current->version);
	}
	if (in->version != current->version) {
		problem_add_detail(p, "INVALID_VALUE", "version");
		return problem_set(p, 409, "general.conflict",
				   "The %s version [%lld] does not match the current version "
				   "[%lld]; read it again and retry with its version",
				   kind->noun, (long long)in->version, (long long)current->version);
	}
	return 0;
}

static json_t *division_ref(const char *division_id)
{
	char uri[96];
	snprintf(uri, sizeof(uri), "/api/v2/authorization/divisions/%s", division_id);
	return json_pack("{s:s,s:s,s:s}", "id", division_id, "name", "Home", "selfUri", uri);
}

static json_t *computed_members(const struct contact_list *cl, const struct contact_list_extras *x,
				const char *uri_prefix)
{
	char created[32], modified[32], uri[128];
	time_format_iso(cl->date_created, created, sizeof(created));
	time_format_iso(cl->date_modified, modified, sizeof(modified));
	snprintf(uri, sizeof(uri), "%s%s", uri_prefix, cl->id);
	json_t *c = json_pack("{s:s,s:s,s:s,s:I,s:o,s:s}", "id", cl->id, "dateCreated", created,
			      "dateModified", modified, "version", (json_int_t)cl->version,
			      "division", division_ref(cl->division_id), "selfUri", uri);
	if (x && x->size)
		json_object_set(c, "size", x->size);
	if (x && x->import_status)
		json_object_set(c, "importStatus", x->import_status);
	return c;
}

json_t *contact_list_to_json_as(const struct contact_list_kind *kind, const struct contact_list *cl)
{
	json_t *c = computed_members(cl, NULL, kind->uri_prefix);
	json_t *out = field_encode(kind->fields, cl->doc, c);
	json_decref(c);
	return out;
}

json_t *contact_list_to_json(const struct contact_list *cl, const struct contact_list_extras *x)
{
	json_t *c = computed_members(cl, x, "/api/v2/outbound/contactlists/");
	json_t *out = field_encode(contact_list_fields, cl->doc, c);
	json_decref(c);
	return out;
}

json_t *contact_list_division_view(const struct contact_list *cl,
				   const struct contact_list_extras *x)
{
	json_t *c = computed_members(cl, x, "/api/v2/outbound/contactlists/divisionviews/");
	json_t *out = field_encode(contact_list_view_fields, cl->doc, c);
	json_decref(c);
	return out;
}

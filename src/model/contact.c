/* The contact resource: its field table, the schema compiled from a list,
 * per-value checks, the JSON codec and the packed storage form. */
#include "model/contact.h"
#include "model/contactlist.h"
#include "common/text.h"
#include "common/timeutil.h"
#include "common/uri.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct field contact_fields[] = {
	{"id", FT_STRING, F_NO_CONTROL | F_NOT_BLANK, .max = 256,
	 .description = "The contact's id: yours, or generated when absent. Adding a contact "
			"with an existing id replaces it."},
	{"name", FT_STRING, 0, .max = 256, .description = "A display name."},
	{"contactListId", FT_STRING, F_REQUIRED, .max = 64,
	 .description = "The list the contact belongs to; must match the path."},
	{"data", FT_OBJECT, F_REQUIRED,
	 .description = "Column name to string value. Names match the list's columns "
			"case-insensitively; missing columns are empty."},
	{"callRecords", FT_OBJECT, F_READONLY, .description = "Not kept by dialbook."},
	{"callable", FT_BOOLEAN, 0,
	 .description = "Whether the contact may be dialled (default true)."},
	{"phoneNumberStatus", FT_OBJECT, 0, .description = "Phone column name to {callable}."},
	{"contactableStatus", FT_OBJECT, 0,
	 .description = "Voice, SMS or Email to {contactable, columnStatus}."},
	{"contactColumnTimeZones", FT_OBJECT, F_READONLY, .description = "Not kept by dialbook."},
	{"configurationOverrides", FT_OBJECT, F_READONLY, .description = "Not kept by dialbook."},
	{"dateCreated", FT_STRING, F_READONLY, .description = "ISO-8601 UTC."},
	{"selfUri", FT_STRING, F_READONLY,
	 .description = "/api/v2/outbound/contactlists/{contactListId}/contacts/{id}"},
	{0},
};

void contact_schema_release(struct contact_schema *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->count; i++)
		free(s->columns[i].name);
	free(s->columns);
	memset(s, 0, sizeof(*s));
}

int contact_schema_init(struct contact_schema *s, const json_t *doc, const struct db_limits *lim)
{
	memset(s, 0, sizeof(*s));
	const json_t *defs = json_object_get(doc, "columnDefinitions");
	size_t n = json_array_size(defs);
	if (n == 0)
		return -1;
	s->columns = calloc(n, sizeof(*s->columns));
	if (!s->columns)
		abort();
	s->count = n;
	s->trim = !json_is_false(json_object_get(doc, "trimWhitespace"));
	s->max_value_chars = lim->max_value_chars;
	const json_t *specs = json_object_get(doc, "columnDataTypeSpecifications");
	for (size_t i = 0; i < n; i++) {
		const json_t *d = json_array_get(defs, i);
		struct column_rule *c = &s->columns[i];
		const char *name = json_string_value(json_object_get(d, "name"));
		const char *type = json_string_value(json_object_get(d, "type"));
		c->name = strdup(name ? name : "");
		c->required = json_is_true(json_object_get(d, "required"));
		c->kind = !type				   ? KIND_TEXT
			  : strcmp(type, "phone") == 0	   ? KIND_PHONE
			  : strcmp(type, "email") == 0	   ? KIND_EMAIL
			  : strcmp(type, "numeric") == 0   ? KIND_NUMERIC
			  : strcmp(type, "timestamp") == 0 ? KIND_TIMESTAMP
							   : KIND_TEXT;
		const json_t *spec = contact_list_column_entry(specs, "columnName", c->name);
		if (spec) {
			json_t *v;
			if ((v = json_object_get(spec, "min")))
				c->has_min = true, c->min = json_number_value(v);
			if ((v = json_object_get(spec, "max")))
				c->has_max = true, c->max = json_number_value(v);
			if ((v = json_object_get(spec, "maxLength")))
				c->max_length = (long)json_integer_value(v);
		}
		c->byte_limit = s->max_value_chars;
		if (c->max_length > 0 && (size_t)c->max_length < c->byte_limit)
			c->byte_limit = (size_t)c->max_length;
	}
	return 0;
}

int contact_schema_find(const struct contact_schema *s, const char *name, size_t len)
{
	for (size_t i = 0; i < s->count; i++)
		if (strlen(s->columns[i].name) == len &&
		    strncasecmp(s->columns[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

size_t contact_value_trim(const struct contact_schema *s, const char **v, size_t len)
{
	const char *p = *v;
	if (!s->trim || len == 0 ||
	    (p[0] != ' ' && p[0] != '\t' && p[len - 1] != ' ' && p[len - 1] != '\t'))
		return len; /* the common case: nothing to trim */
	while (len && (*p == ' ' || *p == '\t')) {
		p++;
		len--;
	}
	while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	*v = p;
	return len;
}

/* Quotes a value for a message, cut to a readable length. */
static void quoted(const char *v, size_t len, char *out, size_t size)
{
	size_t n = len > 40 ? 40 : len;
	snprintf(out, size, "\"%.*s%s\"", (int)n, v, len > 40 ? "..." : "");
	utf8_trim_partial(out);
}

int contact_value_check(const struct contact_schema *s, size_t col, const char *v, size_t len,
			char *why, size_t why_size)
{
	const struct column_rule *c = &s->columns[col];
	char q[64];
	if (len == 0) {
		if (!c->required)
			return 0;
		snprintf(why, why_size, "required value is blank");
		return -1;
	}
	/* Callers hand over valid UTF-8 (the CSV reader and jansson check it),
	 * so characters need counting only when the bytes could pass a limit. */
	if (len > c->byte_limit) {
		long chars = utf8_count(v, len);
		if (chars > (long)s->max_value_chars) {
			snprintf(why, why_size, "value is %ld characters long; the limit is %u",
				 chars, s->max_value_chars);
			return -1;
		}
		if (c->max_length > 0 && chars > c->max_length) {
			snprintf(why, why_size,
				 "value is %ld characters long; the column allows %ld", chars,
				 c->max_length);
			return -1;
		}
	}
	double d;
	switch (c->kind) {
	case KIND_TEXT:
		return 0;
	case KIND_PHONE: {
		if (contact_is_phone(v, len))
			return 0;
		const char *hint = contact_phone_hint(v, len);
		quoted(v, len, q, sizeof(q));
		snprintf(why, why_size, "not a phone number: %s%s", q, hint ? hint : "");
		return -1;
	}
	case KIND_EMAIL:
		if (contact_is_email(v, len))
			return 0;
		quoted(v, len, q, sizeof(q));
		snprintf(why, why_size, "not an e-mail address: %s", q);
		return -1;
	case KIND_NUMERIC:
		if (!contact_is_number(v, len, c->has_min || c->has_max ? &d : NULL)) {
			quoted(v, len, q, sizeof(q));
			snprintf(why, why_size, "not a number: %s", q);
			return -1;
		}
		if ((c->has_min && d < c->min) || (c->has_max && d > c->max)) {
			quoted(v, len, q, sizeof(q));
			snprintf(why, why_size, "%s is outside the column's range [%g, %g]", q,
				 c->has_min ? c->min : -HUGE_VAL, c->has_max ? c->max : HUGE_VAL);
			return -1;
		}
		return 0;
	case KIND_TIMESTAMP:
		if (contact_is_timestamp(v, len))
			return 0;
		quoted(v, len, q, sizeof(q));
		snprintf(why, why_size, "not an ISO-8601 timestamp (2024-05-31T09:30:00Z): %s", q);
		return -1;
	}
	return 0;
}

void contact_release(struct contact *c, size_t ncols)
{
	if (!c)
		return;
	free(c->id);
	if (c->values)
		for (size_t i = 0; i < ncols; i++)
			free(c->values[i]);
	free(c->values);
	json_decref(c->meta);
	memset(c, 0, sizeof(*c));
}

/* A refusal of one status entry, with its path as the detail's field. */
static int bad_status(struct problem *p, const char *field, const char *what)
{
	problem_add_detail(p, "INVALID_VALUE", field);
	return problem_set(p, 400, "invalid.value", "%s %s", field, what);
}

/* {"<flag>": true|false}, the one shape of a column's status entry. */
static int status_flag(json_t *v, const char *flag, const char *field, struct problem *p,
		       json_t **out)
{
	json_t *b = json_is_object(v) ? json_object_get(v, flag) : NULL;
	if (!json_is_boolean(b) || json_object_size(v) != 1) {
		char shape[64];
		snprintf(shape, sizeof(shape), "must be {\"%s\": true|false}", flag);
		return bad_status(p, field, shape);
	}
	*out = json_pack("{s:b}", flag, json_is_true(b));
	return 0;
}

/* column -> {flag}: keys name columns of `kind`, matched case-insensitively
 * and stored in the list's spelling, so the export finds them. */
static int column_statuses(json_t *map, const struct contact_schema *s, enum column_kind kind,
			   const char *flag, const char *path, struct problem *p, json_t **out)
{
	char field[512];
	if (!json_is_object(map))
		return bad_status(p, path, "must be an object of column names");
	*out = json_object();
	const char *key;
	json_t *v;
	json_object_foreach(map, key, v)
	{
		snprintf(field, sizeof(field), "%s.%.128s", path, key);
		int col = contact_schema_find(s, key, strlen(key));
		json_t *entry = NULL;
		if (col < 0 || s->columns[col].kind != kind)
			return bad_status(p, field,
					  kind == KIND_PHONE
						  ? "is not a phone column of this contact list"
						  : "is not an e-mail column of this contact list");
		if (json_object_get(*out, s->columns[col].name))
			return bad_status(p, field,
					  "names a column a second time (column names match "
					  "case-insensitively)");
		if (status_flag(v, flag, field, p, &entry))
			return -1;
		json_object_set_new(*out, s->columns[col].name, entry);
	}
	return 0;
}

static const struct {
	const char *name;
	enum column_kind kind; /* of the columns its columnStatus names */
} media[] = {{"Voice", KIND_PHONE}, {"SMS", KIND_PHONE}, {"Email", KIND_EMAIL}};

/* One medium of contactableStatus: {contactable?, columnStatus?}. */
static int medium_status(json_t *v, const struct contact_schema *s, enum column_kind kind,
			 const char *path, struct problem *p, json_t **out)
{
	char field[320];
	if (!json_is_object(v))
		return bad_status(p, path,
				  "must be {\"contactable\": true|false, "
				  "\"columnStatus\": {column: {\"contactable\": ...}}}");
	*out = json_object();
	const char *key;
	json_t *m;
	json_object_foreach(v, key, m)
	{
		snprintf(field, sizeof(field), "%s.%.64s", path, key);
		json_t *entry = NULL;
		if (strcmp(key, "contactable") == 0 && json_is_boolean(m))
			entry = json_incref(m);
		else if (strcmp(key, "columnStatus") == 0) {
			int rc = column_statuses(m, s, kind, "contactable", field, p, &entry);
			if (rc) {
				json_decref(entry);
				return -1;
			}
		} else
			return bad_status(
				p, field,
				strcmp(key, "contactable") == 0
					? "must be true or false"
					: "is not a member: the members are contactable and "
					  "columnStatus");
		json_object_set_new(*out, key, entry);
	}
	return 0;
}

/* phoneNumberStatus and contactableStatus, checked and normalised into
 * out->meta (a contact's system state: kept by updates, see store.h). */
static int parse_status_maps(json_t *body, const struct contact_schema *s, const char *path,
			     struct contact *out, struct problem *p)
{
	char field[96];
	json_t *v = json_object_get(body, "phoneNumberStatus"), *norm = NULL;
	snprintf(field, sizeof(field), "%sphoneNumberStatus", path);
	int rc = v ? column_statuses(v, s, KIND_PHONE, "callable", field, p, &norm) : 0;
	if (norm && !rc)
		json_object_set(out->meta, "phoneNumberStatus", norm);
	json_decref(norm);
	if (rc)
		return -1;
	json_t *cs = json_object_get(body, "contactableStatus");
	if (!cs)
		return 0;
	snprintf(field, sizeof(field), "%scontactableStatus", path);
	if (!json_is_object(cs))
		return bad_status(p, field, "must be an object of media (Voice, SMS, Email)");
	json_t *all = json_object();
	const char *key;
	json_object_foreach(cs, key, v)
	{
		char at[192];
		snprintf(at, sizeof(at), "%s.%.64s", field, key);
		size_t m = 0;
		while (m < sizeof(media) / sizeof(media[0]) && strcmp(key, media[m].name) != 0)
			m++;
		norm = NULL;
		if (m == sizeof(media) / sizeof(media[0]))
			rc = bad_status(p, at,
					"is not a medium: the media are Voice, SMS and Email");
		else
			rc = medium_status(v, s, media[m].kind, at, p, &norm);
		if (rc) {
			json_decref(norm);
			json_decref(all);
			return -1;
		}
		json_object_set_new(all, key, norm);
	}
	json_object_set_new(out->meta, "contactableStatus", all);
	return 0;
}

static int parse_data(json_t *data, const struct contact_schema *s, const char *path,
		      struct contact *out, struct problem *p)
{
	const char *key;
	json_t *v;
	json_object_foreach(data, key, v)
	{
		size_t klen = strlen(key);
		int col = contact_schema_find(s, key, klen);
		char field[256];
		snprintf(field, sizeof(field), "%sdata.%.128s", path, key);
		if (col < 0) {
			problem_add_detail(p, "INVALID_VALUE", field);
			return problem_set(p, 400, "invalid.value",
					   "%s: \"%.128s\" is not a column of this contact list",
					   field, key);
		}
		if (out->values[col]) {
			problem_add_detail(p, "INVALID_VALUE", field);
			return problem_set(p, 400, "invalid.value",
					   "%s names the column \"%s\" a second time (column names "
					   "match case-insensitively)",
					   field, s->columns[col].name);
		}
		if (!json_is_string(v)) {
			problem_add_detail(p, "INVALID_VALUE", field);
			return problem_set(p, 400, "invalid.value",
					   "%s must be a string; send numbers and dates as text",
					   field);
		}
		const char *text = json_string_value(v);
		size_t len = contact_value_trim(s, &text, json_string_length(v));
		out->values[col] = text_ndup(text, len);
	}
	for (size_t i = 0; i < s->count; i++) {
		if (!out->values[i])
			out->values[i] = strdup("");
		char why[160];
		if (contact_value_check(s, i, out->values[i], strlen(out->values[i]), why,
					sizeof(why))) {
			char field[256];
			snprintf(field, sizeof(field), "%sdata.%s", path, s->columns[i].name);
			problem_add_detail(p, "INVALID_VALUE", field);
			return problem_set(p, 400, "invalid.value", "%s: %s", field, why);
		}
	}
	return 0;
}

int contact_parse(json_t *body, const struct contact_schema *s, const char *list_id,
		  const char *path, struct contact *out, struct problem *p)
{
	memset(out, 0, sizeof(*out));
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "%s%s", path, path[0] ? "." : "");
	if (field_check(body, contact_fields, FIELD_UPDATE, "a contact", path, p))
		return -1;
	const char *given_list = json_string_value(json_object_get(body, "contactListId"));
	if (strcmp(given_list, list_id) != 0) {
		char field[96];
		snprintf(field, sizeof(field), "%scontactListId", prefix);
		problem_add_detail(p, "INVALID_VALUE", field);
		return problem_set(p, 400, "invalid.value",
				   "%s (%.64s) is not the list in the path (%s)", field, given_list,
				   list_id);
	}
	out->values = calloc(s->count, sizeof(char *));
	if (!out->values)
		abort();
	out->meta = json_object();
	if (parse_status_maps(body, s, prefix, out, p) ||
	    parse_data(json_object_get(body, "data"), s, prefix, out, p)) {
		contact_release(out, s->count);
		return -1;
	}
	const char *id = json_string_value(json_object_get(body, "id"));
	out->id = id ? strdup(id) : NULL;
	json_t *callable = json_object_get(body, "callable");
	out->callable_given = json_is_boolean(callable);
	out->callable = !json_is_false(callable);
	json_t *name = json_object_get(body, "name");
	if (name && !json_is_null(name)) /* null means "not given" */
		json_object_set(out->meta, "name", name);
	if (json_object_size(out->meta) == 0) {
		json_decref(out->meta);
		out->meta = NULL;
	}
	return 0;
}

json_t *contact_to_json(const struct contact *c, const struct contact_schema *s,
			const char *list_id)
{
	/* One encoder: the text writer; jansson only reads its output back. */
	struct strbuf out = {0};
	contact_write_json(&out, c, s, list_id);
	json_t *v = json_loadb(out.data, out.len, 0, NULL);
	strbuf_release(&out);
	return v;
}

size_t contact_pack_bound(const size_t *lens, size_t n)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += lens[i] + 5; /* a varint of a size_t below 2^35 */
	return total;
}

size_t contact_pack_to(char *out, const char *const *values, const size_t *lens, size_t n)
{
	unsigned char *buf = (unsigned char *)out;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = lens[i];
		do {
			unsigned char byte = len & 0x7F;
			len >>= 7;
			buf[o++] = byte | (len ? 0x80 : 0);
		} while (len);
		memcpy(buf + o, values[i], lens[i]);
		o += lens[i];
	}
	return o;
}

static void write_key(struct strbuf *out, const char *key, bool *first)
{
	if (!*first)
		strbuf_addc(out, ',');
	*first = false;
	strbuf_add_json_string(out, key, strlen(key));
	strbuf_addc(out, ':');
}

void contact_write_json(struct strbuf *out, const struct contact *c, const struct contact_schema *s,
			const char *list_id)
{
	bool first = true;
	char created[32];
	strbuf_addc(out, '{');
	for (const struct field *f = contact_fields; f->name; f++) {
		const char *k = f->name;
		json_t *kept = c->meta ? json_object_get(c->meta, k) : NULL;
		if (kept) {
			char *text = json_dumps(kept, JSON_COMPACT | JSON_ENCODE_ANY);
			write_key(out, k, &first);
			strbuf_adds(out, text);
			free(text);
		} else if (strcmp(k, "id") == 0) {
			write_key(out, k, &first);
			strbuf_add_json_string(out, c->id, strlen(c->id));
		} else if (strcmp(k, "contactListId") == 0) {
			write_key(out, k, &first);
			strbuf_add_json_string(out, list_id, strlen(list_id));
		} else if (strcmp(k, "data") == 0) {
			write_key(out, k, &first);
			strbuf_addc(out, '{');
			for (size_t i = 0; i < s->count; i++) {
				if (i)
					strbuf_addc(out, ',');
				strbuf_add_json_string(out, s->columns[i].name,
						       strlen(s->columns[i].name));
				strbuf_addc(out, ':');
				strbuf_add_json_string(out, c->values[i], strlen(c->values[i]));
			}
			strbuf_addc(out, '}');
		} else if (strcmp(k, "callable") == 0) {
			write_key(out, k, &first);
			strbuf_adds(out, c->callable ? "true" : "false");
		} else if (strcmp(k, "dateCreated") == 0) {
			write_key(out, k, &first);
			time_format_iso(c->date_created, created, sizeof(created));
			strbuf_add_json_string(out, created, strlen(created));
		} else if (strcmp(k, "selfUri") == 0) {
			write_key(out, k, &first);
			strbuf_adds(out, "\"/api/v2/outbound/contactlists/");
			strbuf_adds(out, list_id);
			strbuf_adds(out, "/contacts/");
			/* The id is user text: percent-encoded, it is one path segment
			 * (and plain ASCII, which needs no JSON escaping). */
			uri_segment_encode(out, c->id, strlen(c->id));
			strbuf_addc(out, '"');
		}
	}
	strbuf_addc(out, '}');
}

char *contact_pack(char *const *values, const size_t *lens, size_t n, size_t *out_len)
{
	char *buf = malloc(contact_pack_bound(lens, n) + 1);
	if (!buf)
		abort();
	*out_len = contact_pack_to(buf, (const char *const *)values, lens, n);
	return buf;
}

int contact_unpack(const char *blob, size_t len, size_t n, char **values)
{
	const unsigned char *b = (const unsigned char *)blob;
	size_t o = 0;
	memset(values, 0, n * sizeof(*values));
	for (size_t i = 0; i < n; i++) {
		size_t vlen = 0;
		unsigned shift = 0;
		for (;;) {
			if (o >= len || shift > 28)
				goto bad;
			unsigned char byte = b[o++];
			vlen |= (size_t)(byte & 0x7F) << shift;
			if (!(byte & 0x80))
				break;
			shift += 7;
		}
		if (vlen > len - o)
			goto bad;
		values[i] = text_ndup(blob + o, vlen);
		o += vlen;
	}
	if (o == len)
		return 0;
bad:
	for (size_t i = 0; i < n; i++) {
		free(values[i]);
		values[i] = NULL;
	}
	return -1;
}

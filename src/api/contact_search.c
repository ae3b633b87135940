/* POST .../contacts/search: ContactListingRequest evaluated over the list's
 * contacts in one pass. Without sorts only the requested page is kept;
 * with sorts a bounded buffer of the best pageNumber*pageSize rows is, and
 * that window is bounded too. The pass is heavy work: it holds a slot and
 * stops at the request's deadline (heavy.h). */
#include "api/contacts.h"
#include "api/heavy.h"
#include "model/compare.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const filter_types[] = {"AND", "OR", NULL};
static const char *const column_types[] = {"numeric", "alphabetic", NULL};
static const char *const operators[] = {
	"EQUALS",
	"LESS_THAN",
	"LESS_THAN_EQUALS",
	"GREATER_THAN",
	"GREATER_THAN_EQUALS",
	"CONTAINS",
	"BEGINS_WITH",
	"ENDS_WITH",
	"BEFORE",
	"AFTER",
	"BETWEEN",
	"IN",
	NULL,
};
static const char *const directions[] = {"ASC", "DESC", NULL};

static const struct field range_fields[] = {
	{"min", FT_STRING, 0, .max = 512, .description = "Lower bound of BETWEEN."},
	{"max", FT_STRING, 0, .max = 512, .description = "Upper bound of BETWEEN."},
	{"minInclusive", FT_BOOLEAN, 0, .description = "Default true."},
	{"maxInclusive", FT_BOOLEAN, 0, .description = "Default true."},
	{"inSet", FT_ARRAY, 0, FT_STRING, .max = 1000, .description = "Values of IN."},
	{0},
};

static const struct field predicate_fields[] = {
	{"column", FT_STRING, F_REQUIRED, .max = 128, .description = "A column of the list."},
	{"columnType", FT_STRING, 0, .enum_values = column_types,
	 .description = "numeric compares as numbers (007 equals 7); alphabetic as text, "
			"case-insensitively. Absent: the column's type decides. Timestamp "
			"columns compare as instants."},
	{"operator", FT_STRING, F_REQUIRED, .enum_values = operators, .description = "Comparison."},
	{"value", FT_STRING, 0, .max = 512, .description = "The operand of most operators."},
	{"range", FT_OBJECT, 0, .props = range_fields, .description = "For BETWEEN and IN."},
	{"inverted", FT_BOOLEAN, 0, .description = "Negates the predicate."},
	{0},
};

static const struct field clause_fields[] = {
	{"filterType", FT_STRING, 0, .enum_values = filter_types,
	 .description = "AND (default) or OR."},
	{"predicates", FT_ARRAY, F_REQUIRED, FT_OBJECT, predicate_fields, .max = 50,
	 .description = "Predicates combined by filterType."},
	{0},
};

static const struct field criteria_fields[] = {
	{"filterType", FT_STRING, 0, .enum_values = filter_types,
	 .description = "AND (default) or OR."},
	{"clauses", FT_ARRAY, 0, FT_OBJECT, clause_fields, .max = 50,
	 .description = "Clauses combined by filterType."},
	{0},
};

static const struct field sort_fields[] = {
	{"fieldName", FT_STRING, F_REQUIRED, .max = 128, .description = "A column of the list."},
	{"direction", FT_STRING, 0, .enum_values = directions,
	 .description = "ASC (default) or DESC."},
	{"numeric", FT_BOOLEAN, 0, .description = "Compare as numbers."},
	{0},
};

const struct field contact_search_fields[] = {
	{"pageNumber", FT_INTEGER, 0, .description = "From 1 (default 1)."},
	{"pageSize", FT_INTEGER, 0, .description = "1 to 100 (default 25)."},
	{"contactSorts", FT_ARRAY, 0, FT_OBJECT, sort_fields, .max = 10,
	 .description = "Sort keys, most significant first; ties are broken by id."},
	{"criteria", FT_OBJECT, 0, .props = criteria_fields, .description = "The filter."},
	{"contactListFilterId", FT_STRING, 0, .max = 64,
	 .description = "A saved filter of this list, instead of criteria."},
	{0},
};

static const char *const source_types[] = {"ContactList", NULL};

/* The SDK's ContactListFilter (index.d.ts of purecloud-platform-client-v2
 * 262.0.0); clauses and predicates are a search's. Only filters of a
 * contact list are served (not of a template). */
const struct field contact_list_filter_fields[] = {
	{"id", FT_STRING, F_READONLY, .description = "Assigned by the server."},
	{"name", FT_STRING, F_REQUIRED | F_NO_CONTROL | F_NOT_BLANK, .max = 256,
	 .description = "1-256 characters."},
	{"dateCreated", FT_STRING, F_READONLY, .description = "ISO-8601 UTC."},
	{"dateModified", FT_STRING, F_READONLY, .description = "ISO-8601 UTC."},
	{"version", FT_INTEGER, 0, .description = "The filter's version."},
	{"contactList", FT_OBJECT, F_REQUIRED, .props = cl_ref_fields,
	 .description = "The contact list whose contacts the filter selects."},
	{"contactListTemplate", FT_OBJECT, 0, .props = cl_ref_fields,
	 .description = "Not served: filters of templates are refused (400)."},
	{"sourceType", FT_STRING, 0, .enum_values = source_types,
	 .description = "ContactList, the only source served."},
	{"clauses", FT_ARRAY, 0, FT_OBJECT, clause_fields, .max = 50,
	 .description = "Clauses combined by filterType; each column must be one of the "
			"list's."},
	{"filterType", FT_STRING, 0, .enum_values = filter_types,
	 .description = "AND (default) or OR."},
	{"selfUri", FT_STRING, F_READONLY,
	 .description = "/api/v2/outbound/contactlistfilters/{id}"},
	{0},
};

const struct field filter_preview_fields[] = {
	{"filteredContacts", FT_INTEGER, 0, .description = "Contacts the filter selects."},
	{"totalContacts", FT_INTEGER, 0, .description = "Contacts of the list."},
	{"preview", FT_ARRAY, 0, FT_OBJECT, .ref = "DialerContact",
	 .description = "The first 25 selected contacts, in id order."},
	{0},
};

enum op {
	OP_EQ,
	OP_LT,
	OP_LE,
	OP_GT,
	OP_GE,
	OP_CONTAINS,
	OP_BEGINS,
	OP_ENDS,
	OP_BEFORE,
	OP_AFTER,
	OP_BETWEEN,
	OP_IN
};

/* What a predicate compares: values, never their spelling (007 is 7,
 * 12:00+02:00 is 10:00Z, "ANN" is "ann"). */
enum domain { DOMAIN_TEXT, DOMAIN_NUMBER, DOMAIN_INSTANT };

/* A value read the way its predicate compares it. */
struct operand {
	const char *text;
	struct value_number number;
	struct value_instant instant;
};

struct predicate {
	int col;
	enum op op;
	enum domain domain;
	bool inverted, min_inclusive, max_inclusive;
	struct operand value, min, max;
	/* IN: the set, sorted, as const char * / value_number / value_instant
	 * (by domain), so a contact costs a binary search, not 1,000 compares. */
	void *set;
	size_t set_count;
};

struct clause {
	bool any; /* OR */
	struct predicate *preds;
	size_t count;
};

struct sort_key {
	int col;
	bool desc, numeric;
};

struct search {
	struct contact_scope sc;
	bool any;
	struct clause *clauses;
	size_t clause_count;
	struct sort_key sorts[10];
	size_t sort_count;
	size_t page_size, first;
	size_t matches;
	json_t *page;	      /* unsorted: the page being filled */
	struct contact *kept; /* sorted: the best rows so far */
	size_t kept_count, kept_cap;
	struct heavy_slot slot;
	size_t read; /* contacts the pass has seen */
	bool failed, timed_out;
	json_t *saved; /* a saved filter's clauses: the predicates point into them */
};

static int column_of(struct api_ctx *c, const struct contact_schema *s, const char *name,
		     const char *where)
{
	int col = contact_schema_find(s, name, strlen(name));
	if (col < 0) {
		problem_add_detail(&c->problem, "INVALID_VALUE", where);
		return problem_set(&c->problem, 400, "invalid.value",
				   "%s: \"%.128s\" is not a column of this contact list", where,
				   name);
	}
	return col;
}

/* The comparators of each domain, over elements of an IN set; an operand
 * lends the matching member as the key. */
static int text_order(const void *a, const void *b)
{
	return value_text_compare(*(const char *const *)a, *(const char *const *)b);
}

static int number_order(const void *a, const void *b)
{
	return value_number_compare(a, b);
}

static int instant_order(const void *a, const void *b)
{
	return value_instant_compare(a, b);
}

static int (*const domain_order[])(const void *, const void *) = {
	[DOMAIN_TEXT] = text_order,
	[DOMAIN_NUMBER] = number_order,
	[DOMAIN_INSTANT] = instant_order,
};
static const size_t domain_size[] = {
	[DOMAIN_TEXT] = sizeof(const char *),
	[DOMAIN_NUMBER] = sizeof(struct value_number),
	[DOMAIN_INSTANT] = sizeof(struct value_instant),
};
static const char *const domain_name[] = {
	[DOMAIN_TEXT] = "as text",
	[DOMAIN_NUMBER] = "as numbers",
	[DOMAIN_INSTANT] = "as instants",
};

static const void *operand_key(const struct operand *o, enum domain d)
{
	return d == DOMAIN_NUMBER    ? (const void *)&o->number
	       : d == DOMAIN_INSTANT ? (const void *)&o->instant
				     : (const void *)&o->text;
}

/* Reads v as domain d compares it; false when it is not such a value (any
 * text is text). */
static bool operand_read(enum domain d, const char *v, struct operand *out)
{
	out->text = v;
	if (d == DOMAIN_NUMBER)
		return value_number_parse(v, strlen(v), &out->number);
	if (d == DOMAIN_INSTANT)
		return value_instant_parse(v, strlen(v), &out->instant);
	return true;
}

static int operand_compare(enum domain d, const struct operand *a, const struct operand *b)
{
	return domain_order[d](operand_key(a, d), operand_key(b, d));
}

static bool is_text_operator(enum op op)
{
	return op == OP_CONTAINS || op == OP_BEGINS || op == OP_ENDS;
}

/* The request's columnType when it says numeric; otherwise the list's
 * column type. columnType has no timestamp value, so a timestamp column
 * compares instants under alphabetic too: that is what clients send for
 * dates. CONTAINS, BEGINS_WITH and ENDS_WITH always match text. */
static enum domain domain_of(enum op op, const char *type, enum column_kind kind)
{
	if (is_text_operator(op))
		return DOMAIN_TEXT;
	if (type && strcmp(type, "numeric") == 0)
		return DOMAIN_NUMBER;
	if (kind == KIND_TIMESTAMP)
		return DOMAIN_INSTANT;
	if (!type && kind == KIND_NUMERIC)
		return DOMAIN_NUMBER;
	return DOMAIN_TEXT;
}

/* 400 invalid.value with a detail naming `field`, the path of the bad part. */
__attribute__((format(printf, 3, 4))) static int refuse(struct api_ctx *c, const char *field,
							const char *fmt, ...)
{
	char message[512];
	va_list ap;
	va_start(ap, fmt);
	/* The analyzer misses the va_start above (a false positive of clang 14). */
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	problem_add_detail(&c->problem, "INVALID_VALUE", field);
	return problem_set(&c->problem, 400, "invalid.value", "%s", message);
}

/* Reads one operand of the request (value, range.min/max, an inSet entry)
 * at path `field`; a number or timestamp that is not one is refused. */
static int operand_compile(struct api_ctx *c, const struct search *s, const struct predicate *p,
			   const char *v, const char *field, struct operand *out)
{
	if (operand_read(p->domain, v, out))
		return 0;
	const char *column = s->sc.schema.columns[p->col].name;
	if (p->domain == DOMAIN_NUMBER)
		return refuse(c, field,
			      "%s must be a number for a numeric predicate (it compares column "
			      "\"%.128s\" as numbers), not \"%.64s\"; send columnType alphabetic "
			      "to compare text",
			      field, column, v);
	return refuse(c, field,
		      "%s must be an ISO-8601 timestamp such as 2024-05-31T09:30:00Z (column "
		      "\"%.128s\" holds timestamps), not \"%.64s\"",
		      field, column, v);
}

static int between_compile(struct api_ctx *c, const struct search *s, struct predicate *p,
			   const json_t *range, const char *where)
{
	char field[192];
	const char *min = json_string_value(json_object_get(range, "min"));
	const char *max = json_string_value(json_object_get(range, "max"));
	if (!min || !max) {
		snprintf(field, sizeof(field), "%s.range%s", where,
			 !range ? ""
			 : !min ? ".min"
				: ".max");
		return refuse(c, field, "%s is missing: BETWEEN needs range.min and range.max",
			      field);
	}
	snprintf(field, sizeof(field), "%s.range.min", where);
	if (operand_compile(c, s, p, min, field, &p->min))
		return -1;
	snprintf(field, sizeof(field), "%s.range.max", where);
	if (operand_compile(c, s, p, max, field, &p->max))
		return -1;
	if (operand_compare(p->domain, &p->min, &p->max) > 0) {
		snprintf(field, sizeof(field), "%s.range", where);
		return refuse(c, field,
			      "%s: min \"%.64s\" is greater than max \"%.64s\" (compared %s), so "
			      "nothing could match; swap them",
			      field, min, max, domain_name[p->domain]);
	}
	return 0;
}

/* Reads range.inSet into a sorted array of the domain's values. */
static int in_compile(struct api_ctx *c, const struct search *s, struct predicate *p,
		      const json_t *range, const char *where)
{
	char field[192];
	const json_t *set = json_object_get(range, "inSet");
	if (!json_is_array(set)) {
		snprintf(field, sizeof(field), "%s.range.inSet", where);
		return refuse(c, field, "%s is missing: IN needs range.inSet, the values to match",
			      field);
	}
	size_t n = json_array_size(set), size = domain_size[p->domain];
	char *values = calloc(n + 1, size);
	if (!values)
		abort();
	for (size_t i = 0; i < n; i++) {
		const char *v = json_string_value(json_array_get(set, i));
		struct operand o;
		snprintf(field, sizeof(field), "%s.range.inSet[%zu]", where, i);
		if (!v) {
			free(values);
			return refuse(c, field, "%s must be a string", field);
		}
		if (operand_compile(c, s, p, v, field, &o)) {
			free(values);
			return -1;
		}
		memcpy(values + i * size, operand_key(&o, p->domain), size);
	}
	if (n > 1)
		qsort(values, n, size, domain_order[p->domain]);
	p->set = values;
	p->set_count = n;
	return 0;
}

static int value_compile(struct api_ctx *c, const struct search *s, struct predicate *p,
			 const json_t *j, const char *type, const char *where)
{
	char field[192];
	snprintf(field, sizeof(field), "%s.value", where);
	const char *v = json_string_value(json_object_get(j, "value"));
	if (!v)
		return refuse(c, field, "%s is missing: %s needs a value", field, operators[p->op]);
	if (is_text_operator(p->op) && type && strcmp(type, "numeric") == 0) {
		snprintf(field, sizeof(field), "%s.operator", where);
		return refuse(c, field,
			      "%s: %s matches text and cannot compare numbers; send columnType "
			      "alphabetic (or leave it out) to match the value as written",
			      field, operators[p->op]);
	}
	return operand_compile(c, s, p, v, field, &p->value);
}

static int compile_predicate(struct api_ctx *c, struct search *s, json_t *j, const char *where,
			     struct predicate *p)
{
	char at[160];
	snprintf(at, sizeof(at), "%s.column", where);
	p->col = column_of(c, &s->sc.schema, json_string_value(json_object_get(j, "column")), at);
	if (p->col < 0)
		return -1;
	const char *op = json_string_value(json_object_get(j, "operator"));
	for (int i = 0; operators[i]; i++)
		if (strcmp(op, operators[i]) == 0)
			p->op = (enum op)i;
	const char *type = json_string_value(json_object_get(j, "columnType"));
	enum column_kind kind = s->sc.schema.columns[p->col].kind;
	p->domain = domain_of(p->op, type, kind);
	if (p->domain == DOMAIN_NUMBER && kind == KIND_TIMESTAMP) {
		/* No timestamp is a number: the predicate could never match. */
		snprintf(at, sizeof(at), "%s.columnType", where);
		return refuse(
			c, at,
			"%s: column \"%.128s\" holds timestamps, which never compare as "
			"numbers; leave columnType out (or send alphabetic) to compare instants",
			at, s->sc.schema.columns[p->col].name);
	}
	p->inverted = json_is_true(json_object_get(j, "inverted"));
	json_t *range = json_object_get(j, "range");
	p->min_inclusive = !json_is_false(json_object_get(range, "minInclusive"));
	p->max_inclusive = !json_is_false(json_object_get(range, "maxInclusive"));
	if (p->op == OP_BETWEEN)
		return between_compile(c, s, p, range, where);
	if (p->op == OP_IN)
		return in_compile(c, s, p, range, where);
	return value_compile(c, s, p, j, type, where);
}

/* What a search may ask for at most, checked before any of it is compiled:
 * its cost grows with contacts × predicates, and its memory with the IN
 * values. */
static int check_size(struct api_ctx *c, const json_t *clauses, const char *prefix)
{
	const struct db_limits *l = &c->srv->limits;
	size_t predicates = 0, values = 0;
	char crossing[128] = "";
	for (size_t i = 0; i < json_array_size(clauses); i++) {
		const json_t *preds = json_object_get(json_array_get(clauses, i), "predicates");
		predicates += json_array_size(preds);
		for (size_t j = 0; j < json_array_size(preds); j++) {
			const json_t *range = json_object_get(json_array_get(preds, j), "range");
			values += json_array_size(json_object_get(range, "inSet"));
			if (values > l->max_search_in_values && !crossing[0])
				snprintf(crossing, sizeof(crossing),
					 "%sclauses[%zu].predicates[%zu].range.inSet", prefix, i,
					 j);
		}
	}
	char where[32];
	snprintf(where, sizeof(where), "%sclauses", prefix);
	if (predicates > l->max_search_predicates)
		return refuse(c, where,
			      "%s hold %zu predicates in all; a search may have at most %u (the "
			      "limit of predicates per search). Put the values of one column into "
			      "one IN predicate, or split the search",
			      where, predicates, l->max_search_predicates);
	if (crossing[0])
		return refuse(c, crossing,
			      "%s: the IN sets of this search hold %zu values in all; a search may "
			      "hold at most %u (the limit of IN values per search), and this set "
			      "goes past it. Split the search",
			      crossing, values, l->max_search_in_values);
	return 0;
}

/* A sorted search keeps its best pageNumber × pageSize matches while it
 * reads: that window is bounded, like the cloud's deep paging. Unsorted
 * pages keep nothing but the page, so they may go deeper. */
static int check_window(struct api_ctx *c, const struct search *s)
{
	unsigned window = c->srv->limits.max_search_window;
	if (s->sort_count == 0 || s->first + s->page_size <= window)
		return 0;
	return refuse(c, "pageNumber",
		      "pageNumber %zu with pageSize %zu reaches match %zu of a sorted search; a "
		      "sorted search pages through its first %u matches only (pageNumber × "
		      "pageSize ≤ %u, the limit of the sorted window). Narrow the criteria, or "
		      "reverse the sort to reach the other end",
		      s->first / s->page_size + 1, s->page_size, s->first + s->page_size, window,
		      window);
}

static int compile_criteria(struct api_ctx *c, struct search *s, const json_t *criteria,
			    const char *prefix);

static int compile(struct api_ctx *c, struct search *s)
{
	json_t *body = c->body;
	json_t *ps = json_object_get(body, "pageSize"), *pn = json_object_get(body, "pageNumber");
	json_int_t size = ps ? json_integer_value(ps) : DB_DEFAULT_PAGE_SIZE;
	json_int_t number = pn ? json_integer_value(pn) : 1;
	if (size < 1 || size > (json_int_t)c->srv->limits.max_page_size)
		return problem_set(&c->problem, 400, "invalid.value",
				   "pageSize must be between 1 and %u",
				   c->srv->limits.max_page_size);
	if (number < 1 || number > 1000000)
		return problem_set(&c->problem, 400, "invalid.value",
				   "pageNumber must be between 1 and 1000000");
	s->page_size = (size_t)size;
	s->first = (size_t)(number - 1) * s->page_size;
	if (compile_criteria(c, s, json_object_get(body, "criteria"), "criteria."))
		return -1;
	json_t *sorts = json_object_get(body, "contactSorts");
	for (size_t i = 0; i < json_array_size(sorts); i++) {
		json_t *j = json_array_get(sorts, i);
		char where[64];
		snprintf(where, sizeof(where), "contactSorts[%zu].fieldName", i);
		int col = column_of(c, &s->sc.schema,
				    json_string_value(json_object_get(j, "fieldName")), where);
		if (col < 0)
			return -1;
		const char *dir = json_string_value(json_object_get(j, "direction"));
		s->sorts[s->sort_count++] =
			(struct sort_key){col, dir && strcmp(dir, "DESC") == 0,
					  json_is_true(json_object_get(j, "numeric"))};
	}
	return check_window(c, s);
}

/* {filterType, clauses} (a search's criteria, a filter's top level)
 * against the list's columns; `prefix` starts the paths that name a bad
 * part ("criteria." or ""). */
static int compile_criteria(struct api_ctx *c, struct search *s, const json_t *criteria,
			    const char *prefix)
{
	const char *ft = json_string_value(json_object_get(criteria, "filterType"));
	s->any = ft && strcmp(ft, "OR") == 0;
	json_t *clauses = json_object_get(criteria, "clauses");
	if (check_size(c, clauses, prefix))
		return -1;
	/* A second call (a saved filter instead of absent criteria) replaces
	 * the empty set of the first. */
	assert(s->clause_count == 0);
	free(s->clauses);
	s->clause_count = json_array_size(clauses);
	s->clauses = calloc(s->clause_count + 1, sizeof(*s->clauses));
	if (!s->clauses)
		abort();
	for (size_t i = 0; i < s->clause_count; i++) {
		json_t *cl = json_array_get(clauses, i);
		struct clause *k = &s->clauses[i];
		const char *cft = json_string_value(json_object_get(cl, "filterType"));
		k->any = cft && strcmp(cft, "OR") == 0;
		json_t *preds = json_object_get(cl, "predicates");
		k->preds = calloc(json_array_size(preds) + 1, sizeof(*k->preds));
		if (!k->preds)
			abort();
		for (size_t j = 0; j < json_array_size(preds); j++) {
			char where[96];
			snprintf(where, sizeof(where), "%sclauses[%zu].predicates[%zu]", prefix, i,
				 j);
			if (compile_predicate(c, s, json_array_get(preds, j), where, &k->preds[j]))
				return -1;
			k->count++;
		}
	}
	return 0;
}

/* Text operators match the value as written, case-insensitively. */
static bool text_match(enum op op, const char *v, const char *pattern)
{
	if (op == OP_CONTAINS)
		return strcasestr(v, pattern) != NULL;
	size_t lv = strlen(v), lp = strlen(pattern);
	if (op == OP_BEGINS)
		return strncasecmp(v, pattern, lp) == 0;
	return lv >= lp && strcasecmp(v + lv - lp, pattern) == 0;
}

/* The predicate before `inverted`. A stored value that is not a value of
 * the domain ("abc" against numbers) never matches. A blank is a missing
 * value: it has no order, even as text, so only EQUALS "" and IN [""] find it. */
static bool predicate_test(const struct predicate *p, const char *v)
{
	if (is_text_operator(p->op))
		return text_match(p->op, v, p->value.text);
	struct operand x;
	if ((!*v && p->op != OP_EQ && p->op != OP_IN) || !operand_read(p->domain, v, &x))
		return false;
	if (p->op == OP_IN)
		return p->set_count > 0 &&
		       bsearch(operand_key(&x, p->domain), p->set, p->set_count,
			       domain_size[p->domain], domain_order[p->domain]) != NULL;
	if (p->op == OP_BETWEEN) {
		int lo = operand_compare(p->domain, &x, &p->min);
		int hi = operand_compare(p->domain, &x, &p->max);
		return (p->min_inclusive ? lo >= 0 : lo > 0) &&
		       (p->max_inclusive ? hi <= 0 : hi < 0);
	}
	int r = operand_compare(p->domain, &x, &p->value);
	switch (p->op) {
	case OP_EQ:
		return r == 0;
	case OP_LT:
	case OP_BEFORE:
		return r < 0;
	case OP_LE:
		return r <= 0;
	case OP_GT:
	case OP_AFTER:
		return r > 0;
	case OP_GE:
		return r >= 0;
	default:
		return false; /* the text operators, BETWEEN and IN are handled above */
	}
}

static bool predicate_holds(const struct predicate *p, char *const *values)
{
	bool r = predicate_test(p, values[p->col]);
	return p->inverted ? !r : r;
}

static bool matches(const struct search *s, char *const *values)
{
	if (s->clause_count == 0)
		return true;
	for (size_t i = 0; i < s->clause_count; i++) {
		const struct clause *k = &s->clauses[i];
		bool ok = !k->any;
		for (size_t j = 0; j < k->count; j++) {
			bool h = predicate_holds(&k->preds[j], values);
			if (k->any && h) {
				ok = true;
				break;
			}
			if (!k->any && !h) {
				ok = false;
				break;
			}
		}
		if (s->any && ok)
			return true;
		if (!s->any && !ok)
			return false;
	}
	return !s->any;
}

static _Thread_local const struct search *sorting;

static int compare_contacts(const void *pa, const void *pb)
{
	const struct contact *a = pa, *b = pb;
	for (size_t i = 0; i < sorting->sort_count; i++) {
		const struct sort_key *k = &sorting->sorts[i];
		const char *x = a->values[k->col], *y = b->values[k->col];
		int r;
		double dx, dy;
		if (k->numeric) {
			bool nx = contact_is_number(x, strlen(x), &dx);
			bool ny = contact_is_number(y, strlen(y), &dy);
			/* Values that are not numbers sort after every number,
			 * whichever the direction. */
			if (nx != ny)
				return (int)ny - (int)nx;
			r = nx ? (dx > dy) - (dx < dy) : 0;
		} else {
			r = strcasecmp(x, y);
		}
		if (r)
			return k->desc ? -r : r;
	}
	return strcmp(a->id, b->id);
}

static void keep_best(struct search *s, size_t limit)
{
	sorting = s;
	if (s->kept_count > 1) /* kept is NULL while nothing matched */
		qsort(s->kept, s->kept_count, sizeof(*s->kept), compare_contacts);
	sorting = NULL;
	while (s->kept_count > limit)
		contact_release(&s->kept[--s->kept_count], s->sc.schema.count);
}

static int visit(const struct contact_record *r, void *ctx)
{
	struct search *s = ctx;
	if (heavy_expired(&s->slot)) {
		s->timed_out = true;
		return 1;
	}
	s->read++;
	struct contact ct;
	if (contact_from_record(&s->sc, r, &ct)) {
		s->failed = true;
		return 1;
	}
	if (!matches(s, ct.values)) {
		contact_release(&ct, s->sc.schema.count);
		return 0;
	}
	size_t index = s->matches++;
	if (s->sort_count == 0) {
		if (index >= s->first && index < s->first + s->page_size)
			json_array_append_new(s->page,
					      contact_to_json(&ct, &s->sc.schema, s->sc.list.id));
		contact_release(&ct, s->sc.schema.count);
		return 0;
	}
	size_t limit = s->first + s->page_size;
	if (s->kept_count == s->kept_cap) {
		if (s->kept_cap >= 2 * limit && s->kept_cap > 0) {
			keep_best(s, limit);
		} else {
			s->kept_cap = s->kept_cap ? s->kept_cap * 2 : 64;
			s->kept = realloc(s->kept, s->kept_cap * sizeof(*s->kept));
			if (!s->kept)
				abort();
		}
	}
	s->kept[s->kept_count++] = ct;
	return 0;
}

static void search_release(struct search *s)
{
	for (size_t i = 0; i < s->clause_count; i++) {
		for (size_t j = 0; j < s->clauses[i].count; j++)
			free(s->clauses[i].preds[j].set);
		free(s->clauses[i].preds);
	}
	free(s->clauses);
	for (size_t i = 0; i < s->kept_count; i++)
		contact_release(&s->kept[i], s->sc.schema.count);
	free(s->kept);
	json_decref(s->page);
	json_decref(s->saved);
	contact_scope_release(&s->sc);
	heavy_leave(&s->slot);
}

/* contactListFilterId: a saved filter of the list stands for criteria. */
static int use_saved_filter(struct api_ctx *c, struct search *s)
{
	const char *id = json_string_value(json_object_get(c->body, "contactListFilterId"));
	if (!id)
		return 0;
	if (json_object_get(c->body, "criteria"))
		return refuse(c, "contactListFilterId",
			      "contactListFilterId and criteria are both given; send one: the "
			      "saved filter's clauses, or criteria");
	struct contact_filter f;
	int st = store_filter_get(c->store, c->org.id, id, &f);
	if (st == STORE_NOT_FOUND) {
		problem_add_detail(&c->problem, "INVALID_VALUE", "contactListFilterId");
		return api_not_found(c, "contact list filter", id);
	}
	if (st != STORE_OK)
		return api_store_failed(c);
	int rc = 0;
	if (strcmp(f.list_id, s->sc.list.id) != 0)
		rc = refuse(c, "contactListFilterId",
			    "contactListFilterId %.64s is a filter of another contact list (%s)",
			    id, f.list_id);
	else
		rc = compile_criteria(c, s, (s->saved = json_incref(f.doc)), "contactListFilter.");
	contact_filter_release(&f);
	return rc;
}

int contact_filter_check(struct api_ctx *c, const char *list_id, const json_t *filter)
{
	struct search s;
	memset(&s, 0, sizeof(s));
	if (contact_scope_load_id(c, list_id, false, &s.sc)) {
		if (c->problem.status == 404)
			problem_add_detail(&c->problem, "INVALID_VALUE", "contactList.id");
		return -1;
	}
	int rc = compile_criteria(c, &s, filter, "");
	search_release(&s);
	return rc;
}

int contacts_search(struct api_ctx *c)
{
	if (field_check(c->body, contact_search_fields, FIELD_UPDATE, "a contact search", "",
			&c->problem))
		return -1;
	struct search s;
	memset(&s, 0, sizeof(s));
	if (contact_scope_load(c, false, &s.sc))
		return -1;
	int rc = -1;
	s.page = json_array();
	if (compile(c, &s) || use_saved_filter(c, &s) ||
	    heavy_enter(c, "a contact search", &s.slot))
		goto out;
	if (store_contacts_scan(c->store, c->org.id, s.sc.list.id, visit, &s) != STORE_OK ||
	    s.failed) {
		api_store_failed(c);
		goto out;
	}
	if (s.timed_out) {
		char detail[256];
		snprintf(detail, sizeof(detail),
			 "it had read %zu of the list's contacts; nothing was kept. Narrow the "
			 "search (fewer or more selective predicates, no sort, a smaller page) or "
			 "retry when the server is less busy",
			 s.read);
		heavy_timed_out(c, &s.slot, "the contact search", detail);
		goto out;
	}
	if (s.sort_count) {
		keep_best(&s, s.first + s.page_size);
		for (size_t i = s.first; i < s.kept_count; i++)
			json_array_append_new(
				s.page, contact_to_json(&s.kept[i], &s.sc.schema, s.sc.list.id));
	}
	size_t pages = (s.matches + s.page_size - 1) / s.page_size;
	json_t *out = json_pack("{s:O,s:I,s:I,s:I,s:I,s:I}", "entities", s.page, "pageSize",
				(json_int_t)s.page_size, "pageNumber",
				(json_int_t)s.first / (json_int_t)s.page_size + 1, "total",
				(json_int_t)s.matches, "contactsCount", (json_int_t)s.matches,
				"pageCount", (json_int_t)pages);
	rc = api_reply(c, 200, out);
out:
	search_release(&s);
	return rc;
}

/* POST /api/v2/outbound/contactlistfilters/preview: the contacts a filter
 * not yet saved selects, counted in one pass as a search (heavy work),
 * with the first page of them. */
int contactlistfilters_preview(struct api_ctx *c)
{
	if (field_check(c->body, contact_list_filter_fields, FIELD_UPDATE, "a contact list filter",
			"", &c->problem))
		return -1;
	if (json_object_get(c->body, "contactListTemplate"))
		return refuse(c, "contactListTemplate",
			      "contactListTemplate: filters of contact list templates are not "
			      "served by dialbook; name a contact list in contactList");
	const char *list_id =
		json_string_value(json_object_get(json_object_get(c->body, "contactList"), "id"));
	struct search s;
	memset(&s, 0, sizeof(s));
	if (contact_scope_load_id(c, list_id, false, &s.sc)) {
		if (c->problem.status == 404)
			problem_add_detail(&c->problem, "INVALID_VALUE", "contactList.id");
		return -1;
	}
	int rc = -1;
	s.page = json_array();
	s.page_size = DB_DEFAULT_PAGE_SIZE;
	if (compile_criteria(c, &s, c->body, "") ||
	    heavy_enter(c, "a contact list filter preview", &s.slot))
		goto out;
	if (store_contacts_scan(c->store, c->org.id, s.sc.list.id, visit, &s) != STORE_OK ||
	    s.failed) {
		api_store_failed(c);
		goto out;
	}
	if (s.timed_out) {
		char detail[256];
		snprintf(detail, sizeof(detail),
			 "it had read %zu of the list's contacts; nothing was kept. Narrow the "
			 "filter or retry when the server is less busy",
			 s.read);
		heavy_timed_out(c, &s.slot, "the filter preview", detail);
		goto out;
	}
	rc = api_reply(c, 200,
		       json_pack("{s:I,s:I,s:O}", "filteredContacts", (json_int_t)s.matches,
				 "totalContacts", (json_int_t)s.read, "preview", s.page));
out:
	search_release(&s);
	return rc;
}

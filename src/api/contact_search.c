/* POST .../contacts/search: ContactListingRequest evaluated over the list's
 * contacts in one pass. Without sorts only the requested page is kept;
 * with sorts a bounded buffer of the best pageNumber*pageSize rows is. */
#include "api/contacts.h"

#include <math.h>
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
	 .description = "numeric compares as numbers; alphabetic (default) as text, "
			"case-insensitively."},
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

struct predicate {
	int col;
	enum op op;
	bool numeric, inverted, min_inclusive, max_inclusive;
	const char *value, *min, *max;
	double nvalue, nmin, nmax;
	const json_t *in_set;
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
	bool failed;
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

static int need_number(struct api_ctx *c, const char *v, double *out, const char *where)
{
	if (v && contact_is_number(v, strlen(v), out))
		return 0;
	return problem_set(&c->problem, 400, "invalid.value",
			   "%s must be a number for a numeric predicate", where);
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
	p->numeric = type && strcmp(type, "numeric") == 0;
	p->inverted = json_is_true(json_object_get(j, "inverted"));
	p->value = json_string_value(json_object_get(j, "value"));
	json_t *range = json_object_get(j, "range");
	p->min = json_string_value(json_object_get(range, "min"));
	p->max = json_string_value(json_object_get(range, "max"));
	p->min_inclusive = !json_is_false(json_object_get(range, "minInclusive"));
	p->max_inclusive = !json_is_false(json_object_get(range, "maxInclusive"));
	p->in_set = json_object_get(range, "inSet");
	if (p->op == OP_BETWEEN) {
		if (!p->min || !p->max)
			return problem_set(&c->problem, 400, "invalid.value",
					   "%s: BETWEEN needs range.min and range.max", where);
		snprintf(at, sizeof(at), "%s.range", where);
		if (p->numeric &&
		    (need_number(c, p->min, &p->nmin, at) || need_number(c, p->max, &p->nmax, at)))
			return -1;
	} else if (p->op == OP_IN) {
		if (!p->in_set)
			return problem_set(&c->problem, 400, "invalid.value",
					   "%s: IN needs range.inSet", where);
	} else {
		if (!p->value)
			return problem_set(&c->problem, 400, "invalid.value",
					   "%s: %s needs a value", where, op);
		snprintf(at, sizeof(at), "%s.value", where);
		if (p->numeric && p->op <= OP_GE && need_number(c, p->value, &p->nvalue, at))
			return -1;
	}
	return 0;
}

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
	json_t *criteria = json_object_get(body, "criteria");
	const char *ft = json_string_value(json_object_get(criteria, "filterType"));
	s->any = ft && strcmp(ft, "OR") == 0;
	json_t *clauses = json_object_get(criteria, "clauses");
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
			snprintf(where, sizeof(where), "criteria.clauses[%zu].predicates[%zu]", i,
				 j);
			if (compile_predicate(c, s, json_array_get(preds, j), where, &k->preds[j]))
				return -1;
			k->count++;
		}
	}
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
	return 0;
}

static int text_compare(const char *a, const char *b)
{
	return strcasecmp(a, b);
}

static bool predicate_holds(const struct predicate *p, char *const *values)
{
	const char *v = values[p->col];
	bool r = false;
	double d;
	bool is_num = p->numeric && contact_is_number(v, strlen(v), &d);
	switch (p->op) {
	case OP_EQ:
		r = p->numeric ? is_num && d == p->nvalue : text_compare(v, p->value) == 0;
		break;
	case OP_LT:
		r = p->numeric ? is_num && d < p->nvalue : text_compare(v, p->value) < 0;
		break;
	case OP_LE:
		r = p->numeric ? is_num && d <= p->nvalue : text_compare(v, p->value) <= 0;
		break;
	case OP_GT:
		r = p->numeric ? is_num && d > p->nvalue : text_compare(v, p->value) > 0;
		break;
	case OP_GE:
		r = p->numeric ? is_num && d >= p->nvalue : text_compare(v, p->value) >= 0;
		break;
	case OP_CONTAINS:
		r = strcasestr(v, p->value) != NULL;
		break;
	case OP_BEGINS:
		r = strncasecmp(v, p->value, strlen(p->value)) == 0;
		break;
	case OP_ENDS: {
		size_t lv = strlen(v), lp = strlen(p->value);
		r = lv >= lp && strcasecmp(v + lv - lp, p->value) == 0;
		break;
	}
	case OP_BEFORE: /* ISO-8601 text orders like time */
		r = *v && strcmp(v, p->value) < 0;
		break;
	case OP_AFTER:
		r = *v && strcmp(v, p->value) > 0;
		break;
	case OP_BETWEEN:
		if (p->numeric) {
			r = is_num && (p->min_inclusive ? d >= p->nmin : d > p->nmin) &&
			    (p->max_inclusive ? d <= p->nmax : d < p->nmax);
		} else {
			int lo = text_compare(v, p->min), hi = text_compare(v, p->max);
			r = (p->min_inclusive ? lo >= 0 : lo > 0) &&
			    (p->max_inclusive ? hi <= 0 : hi < 0);
		}
		break;
	case OP_IN: {
		size_t i;
		json_t *e;
		json_array_foreach(p->in_set, i, e)
		{
			if (text_compare(v, json_string_value(e)) == 0) {
				r = true;
				break;
			}
		}
		break;
	}
	}
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
	qsort(s->kept, s->kept_count, sizeof(*s->kept), compare_contacts);
	sorting = NULL;
	while (s->kept_count > limit)
		contact_release(&s->kept[--s->kept_count], s->sc.schema.count);
}

static int visit(const struct contact_record *r, void *ctx)
{
	struct search *s = ctx;
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
	for (size_t i = 0; i < s->clause_count; i++)
		free(s->clauses[i].preds);
	free(s->clauses);
	for (size_t i = 0; i < s->kept_count; i++)
		contact_release(&s->kept[i], s->sc.schema.count);
	free(s->kept);
	json_decref(s->page);
	contact_scope_release(&s->sc);
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
	if (compile(c, &s))
		goto out;
	if (c->store->ops->contacts_scan(c->store, s.sc.list.id, visit, &s) != STORE_OK ||
	    s.failed) {
		api_store_failed(c);
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

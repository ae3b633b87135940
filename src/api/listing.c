/* Listing queries. Lists per organization are bounded (1,000 by default),
 * so filtering, sorting and paging happen here, once, for every backend,
 * rather than being re-implemented in each backend's query language. */
#include "api/listing.h"
#include "api/heavy.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const filter_names[] = {
	"Equals",	   "RegEx",	  "Contains",		"Prefix",     "LessThan",
	"LessThanEqualTo", "GreaterThan", "GreaterThanEqualTo", "BeginsWith", "EndsWith",
};

static int bad_param(struct api_ctx *c, const char *name, const char *value, const char *allowed)
{
	problem_add_detail(&c->problem, "INVALID_VALUE", name);
	return problem_set(&c->problem, 400, "invalid.value",
			   "Value [%.100s] is not valid for field type [%s]. Allowable values are: "
			   "%s",
			   value, name, allowed);
}

static int parse_count(struct api_ctx *c, const char *name, unsigned def, unsigned max,
		       unsigned *out)
{
	const char *v = http_query_get(c->req, name);
	*out = def;
	if (!v)
		return 0;
	char allowed[48];
	snprintf(allowed, sizeof(allowed), "whole numbers from 1 to %u", max);
	if (!*v || strspn(v, "0123456789") != strlen(v) || strlen(v) > 9)
		return bad_param(c, name, v, allowed);
	unsigned long n = strtoul(v, NULL, 10);
	if (n < 1 || n > max)
		return bad_param(c, name, v, allowed);
	*out = (unsigned)n;
	return 0;
}

void listing_ids_release(char **ids, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(ids[i]);
}

int listing_query_ids(struct api_ctx *c, const char *name, char **out, size_t max, size_t *count)
{
	*count = 0;
	for (size_t i = 0; i < c->req->query_count; i++) {
		if (strcmp(c->req->query[i].key, name) != 0)
			continue;
		const char *v = c->req->query[i].value;
		while (*v) {
			size_t len = strcspn(v, ",");
			if (len > 0) {
				if (*count == max)
					return problem_set(&c->problem, 400, "invalid.value",
							   "%s lists more than %zu values", name,
							   max);
				out[(*count)++] = text_ndup(v, len);
			}
			v += len;
			if (*v == ',')
				v++;
		}
	}
	return 0;
}

/* A RegEx name filter (PCRE2 syntax), compiled once per request. Its
 * memory is capped while it compiles; matching one name is bounded by
 * PCRE2's match, depth and heap limits, and all of them by the request's
 * deadline. The names are matched in a pass of their own while the query
 * is parsed, holding a heavy slot, so that a limit hit or the deadline is
 * a refusal rather than a page with lists missing; the listing's own scan
 * then looks the verdicts up. */
struct capped_memory {
	size_t used, cap;
	bool refused;
};

struct regex_verdict {
	char list_id[UUID_STR_LEN];
	bool matched;
};

struct listing_regex {
	struct capped_memory memory; /* outlives code, which frees through it */
	pcre2_code *code;
	pcre2_match_context *limits;
	pcre2_match_data *match;
	struct heavy_slot slot;
	int failure; /* a PCRE2 error of a match (a limit hit), or REGEX_TIMED_OUT */
	struct regex_verdict *verdicts; /* sorted by id once the pass is over */
	size_t tested, cap;
};

#define REGEX_TIMED_OUT 1

/* Each block keeps its size in front of it, so that a free gives it back. */
union capped_header {
	size_t size;
	max_align_t align;
};

static void *capped_malloc(size_t size, void *data)
{
	struct capped_memory *m = data;
	if (size > m->cap - m->used) {
		m->refused = true;
		return NULL;
	}
	union capped_header *h = malloc(sizeof(*h) + size);
	if (!h)
		return NULL;
	h->size = size;
	m->used += size;
	return h + 1;
}

static void capped_free(void *p, void *data)
{
	if (!p)
		return;
	struct capped_memory *m = data;
	union capped_header *h = (union capped_header *)p - 1;
	m->used -= h->size;
	free(h);
}

static void regex_free(struct listing_regex *re)
{
	if (!re)
		return;
	heavy_leave(&re->slot);
	free(re->verdicts);
	pcre2_match_data_free(re->match);
	pcre2_match_context_free(re->limits);
	pcre2_code_free(re->code);
	free(re);
}

/* 400 invalid.value naming `name`. */
__attribute__((format(printf, 2, 3))) static int regex_refuse(struct api_ctx *c, const char *fmt,
							      ...)
{
	char message[512];
	va_list ap;
	va_start(ap, fmt);
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	problem_add_detail(&c->problem, "INVALID_VALUE", "name");
	return problem_set(&c->problem, 400, "invalid.value", "%s", message);
}

/* Why a pattern did not compile: PCRE2's words and offset, and the limit
 * when it was one of dialbook's. */
static int regex_compile_failed(struct api_ctx *c, const struct listing_regex *re, int error,
				size_t offset)
{
	char why[160];
	if (pcre2_get_error_message(error, (PCRE2_UCHAR *)why, sizeof(why)) < 0)
		snprintf(why, sizeof(why), "error %d", error);
	if (re->memory.refused)
		return regex_refuse(c,
				    "name: the regular expression needs more than %u bytes to "
				    "compile (the limit of a RegEx's memory; PCRE2: %s at offset "
				    "%zu). Use fewer or smaller counted repeats such as {1,100}",
				    DB_REGEX_COMPILE_BYTES, why, offset);
	if (error == PCRE2_ERROR_PARENTHESES_NEST_TOO_DEEP)
		return regex_refuse(c,
				    "name: the regular expression nests parentheses more than %d "
				    "deep (the limit) at offset %zu",
				    DB_REGEX_MAX_NESTING, offset);
	if (error == PCRE2_ERROR_PATTERN_TOO_LARGE || error == PCRE2_ERROR_PATTERN_TOO_COMPLICATED)
		return regex_refuse(c,
				    "name: the regular expression is too large once compiled (the "
				    "limit of PCRE2's compiled size; PCRE2: %s at offset %zu). Use "
				    "fewer or smaller counted repeats such as {1,100}",
				    why, offset);
	return regex_refuse(c,
			    "name is not a valid regular expression (PCRE2 syntax): %s at offset "
			    "%zu",
			    why, offset);
}

/* The PCRE2 objects of one pattern: compiled whole-name (anchored at both
 * ends, like the cloud's Java matches()), case-insensitive, UTF-8. */
static int regex_build(struct api_ctx *c, struct listing_regex *re, const char *pattern)
{
	re->memory.cap = DB_REGEX_COMPILE_BYTES;
	pcre2_general_context *memory =
		pcre2_general_context_create(capped_malloc, capped_free, &re->memory);
	pcre2_compile_context *cc = memory ? pcre2_compile_context_create(memory) : NULL;
	int error = PCRE2_ERROR_HEAP_FAILED;
	PCRE2_SIZE offset = 0;
	if (cc) {
		pcre2_set_max_pattern_length(cc, DB_MAX_REGEX_BYTES);
		pcre2_set_parens_nest_limit(cc, DB_REGEX_MAX_NESTING);
		re->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
					 PCRE2_UTF | PCRE2_CASELESS | PCRE2_ANCHORED |
						 PCRE2_ENDANCHORED | PCRE2_NEVER_BACKSLASH_C,
					 &error, &offset, cc);
	}
	pcre2_compile_context_free(cc);
	pcre2_general_context_free(memory);
	if (!re->code)
		return regex_compile_failed(c, re, error, offset);
	re->limits = pcre2_match_context_create(NULL);
	re->match = pcre2_match_data_create(1, NULL);
	if (!re->limits || !re->match)
		abort();
	pcre2_set_match_limit(re->limits, DB_REGEX_MATCH_LIMIT);
	pcre2_set_depth_limit(re->limits, DB_REGEX_DEPTH_LIMIT);
	pcre2_set_heap_limit(re->limits, DB_REGEX_HEAP_KIB);
	return 0;
}

static bool regex_test(struct listing_regex *re, const char *name, int *error)
{
	int rc = pcre2_match(re->code, (PCRE2_SPTR)name, PCRE2_ZERO_TERMINATED, 0, 0, re->match,
			     re->limits);
	*error = rc < 0 && rc != PCRE2_ERROR_NOMATCH ? rc : 0;
	return rc >= 0;
}

/* store_list_cb of the RegEx pass: stops at a limit or the deadline. */
static int regex_visit(const struct contact_list *cl, void *ctx)
{
	struct listing_regex *re = ctx;
	if (heavy_expired(&re->slot)) {
		re->failure = REGEX_TIMED_OUT;
		return 1;
	}
	bool matched = regex_test(re, cl->name, &re->failure);
	if (re->failure)
		return 1;
	if (re->tested == re->cap) {
		re->cap = re->cap ? re->cap * 2 : 64;
		re->verdicts = realloc(re->verdicts, re->cap * sizeof(*re->verdicts));
		if (!re->verdicts)
			abort();
	}
	struct regex_verdict *v = &re->verdicts[re->tested++];
	snprintf(v->list_id, sizeof(v->list_id), "%s", cl->id);
	v->matched = matched;
	return 0;
}

static int verdict_order(const void *a, const void *b)
{
	return strcmp(((const struct regex_verdict *)a)->list_id,
		      ((const struct regex_verdict *)b)->list_id);
}

/* Why the RegEx pass stopped: the limit it hit, or the deadline. */
static int regex_failed(struct api_ctx *c, const struct listing_regex *re)
{
	if (re->failure == REGEX_TIMED_OUT) {
		char detail[160];
		snprintf(detail, sizeof(detail),
			 "it had matched %zu of the organization's lists. Simplify the expression",
			 re->tested);
		return heavy_timed_out(c, &re->slot, "a RegEx listing", detail);
	}
	const char *advice = "Nested quantifiers such as (a+)+ backtrack exponentially; "
			     "rewrite the expression without them";
	if (re->failure == PCRE2_ERROR_MATCHLIMIT)
		return regex_refuse(c,
				    "name: the regular expression took more than %d backtracking "
				    "steps on a list's name (the match limit) and was stopped. %s",
				    DB_REGEX_MATCH_LIMIT, advice);
	if (re->failure == PCRE2_ERROR_DEPTHLIMIT)
		return regex_refuse(c,
				    "name: the regular expression backtracked more than %d levels "
				    "deep on a list's name (the depth limit) and was stopped. %s",
				    DB_REGEX_DEPTH_LIMIT, advice);
	if (re->failure == PCRE2_ERROR_HEAPLIMIT || re->failure == PCRE2_ERROR_NOMEMORY)
		return regex_refuse(c,
				    "name: the regular expression needed more than %d KiB to match "
				    "a list's name (the heap limit) and was stopped. %s",
				    DB_REGEX_HEAP_KIB, advice);
	char why[160];
	if (pcre2_get_error_message(re->failure, (PCRE2_UCHAR *)why, sizeof(why)) < 0)
		snprintf(why, sizeof(why), "error %d", re->failure);
	return regex_refuse(c, "name: the regular expression could not be matched: %s", why);
}

/* Compiles a RegEx filter, then matches every name of the organization in
 * a heavy slot. An invalid pattern is refused even when the server is busy. */
static int regex_compile(struct api_ctx *c, struct listing_query *q)
{
	size_t len = strlen(q->name);
	if (len > DB_MAX_REGEX_BYTES)
		return regex_refuse(
			c,
			"name: a RegEx pattern is at most %d bytes (the limit); this one "
			"has %zu",
			DB_MAX_REGEX_BYTES, len);
	struct listing_regex *re = calloc(1, sizeof(*re));
	if (!re)
		abort();
	q->regex = re;
	if (regex_build(c, re, q->name) || heavy_enter(c, "a RegEx listing", &re->slot))
		return -1;
	if (store_list_scan(c->store, c->org.id, regex_visit, re) != STORE_OK)
		return api_store_failed(c);
	if (re->failure)
		return regex_failed(c, re);
	heavy_leave(&re->slot);
	if (re->tested > 1)
		qsort(re->verdicts, re->tested, sizeof(*re->verdicts), verdict_order);
	return 0;
}

/* The pass's verdict on a list; a list it did not see (created since) is
 * matched now, and a limit hit then simply does not match. */
static bool regex_matches(struct listing_regex *re, const struct contact_list *cl)
{
	struct regex_verdict key = {.matched = false};
	snprintf(key.list_id, sizeof(key.list_id), "%s", cl->id);
	const struct regex_verdict *v =
		re->tested ? bsearch(&key, re->verdicts, re->tested, sizeof(key), verdict_order)
			   : NULL;
	int error;
	return v ? v->matched : regex_test(re, cl->name, &error);
}

static int parse_filter(struct api_ctx *c, struct listing_query *q)
{
	const char *v = http_query_get(c->req, "filterType");
	q->filter = FILTER_PREFIX;
	if (v) {
		size_t i;
		for (i = 0; i < sizeof(filter_names) / sizeof(filter_names[0]); i++)
			if (strcasecmp(v, filter_names[i]) == 0)
				break;
		if (i == sizeof(filter_names) / sizeof(filter_names[0]))
			return bad_param(c, "filterType", v,
					 "Equals, RegEx, Contains, Prefix, LessThan, "
					 "LessThanEqualTo, GreaterThan, GreaterThanEqualTo, "
					 "BeginsWith, EndsWith");
		q->filter = (enum name_filter)i;
	}
	q->name = http_query_get(c->req, "name");
	if (q->name && q->filter == FILTER_REGEX)
		return 0; /* listing_query_parse matches it last */
	if (q->name && strlen(q->name) > DB_MAX_NAME_CHARS)
		return problem_set(&c->problem, 400, "invalid.value",
				   "name is longer than %d characters", DB_MAX_NAME_CHARS);
	return 0;
}

static int parse_sort(struct api_ctx *c, struct listing_query *q)
{
	const char *by = http_query_get(c->req, "sortBy");
	static const char *const keys[] = {"name", "id", "dateCreated", "dateModified"};
	q->sort = SORT_NAME;
	if (by) {
		size_t i;
		for (i = 0; i < 4; i++)
			if (strcasecmp(by, keys[i]) == 0)
				break;
		if (i == 4)
			return bad_param(c, "sortBy", by, "name, id, dateCreated, dateModified");
		q->sort = (enum sort_key)i;
	}
	const char *order = http_query_get(c->req, "sortOrder");
	q->descending = false;
	if (order) {
		if (strcasecmp(order, "descending") == 0 || strcasecmp(order, "desc") == 0 ||
		    strcasecmp(order, "d") == 0)
			q->descending = true;
		else if (strcasecmp(order, "ascending") != 0 && strcasecmp(order, "asc") != 0 &&
			 strcasecmp(order, "a") != 0)
			return bad_param(c, "sortOrder", order, "ascending, descending");
	}
	return 0;
}

int listing_query_parse(struct api_ctx *c, struct listing_query *q)
{
	memset(q, 0, sizeof(*q));
	if (parse_count(c, "pageSize", DB_DEFAULT_PAGE_SIZE, c->srv->limits.max_page_size,
			&q->page_size) ||
	    parse_count(c, "pageNumber", 1, 1000000, &q->page_number) || parse_filter(c, q) ||
	    parse_sort(c, q) || listing_query_ids(c, "id", q->ids, LISTING_MAX_IDS, &q->id_count) ||
	    listing_query_ids(c, "divisionId", q->division_ids, LISTING_MAX_IDS,
			      &q->division_count) ||
	    api_query_bool(c, "includeSize", false, &q->include_size) ||
	    api_query_bool(c, "includeImportStatus", false, &q->include_import_status) ||
	    api_query_bool(c, "allowEmptyResult", false, &q->allow_empty))
		return -1;
	/* Last: a typo elsewhere is refused before the heavy work. */
	if (q->name && q->filter == FILTER_REGEX)
		return regex_compile(c, q);
	return 0;
}

void listing_query_release(struct listing_query *q)
{
	regex_free(q->regex);
	listing_ids_release(q->ids, q->id_count);
	listing_ids_release(q->division_ids, q->division_count);
	memset(q, 0, sizeof(*q));
}

static bool in_set(char *const *set, size_t n, const char *value)
{
	if (n == 0)
		return true;
	for (size_t i = 0; i < n; i++)
		if (strcmp(set[i], value) == 0)
			return true;
	return false;
}

static bool name_matches(const struct listing_query *q, const char *name)
{
	size_t nl = strlen(name), vl = strlen(q->name);
	int cmp = strcasecmp(name, q->name);
	switch (q->filter) {
	case FILTER_EQUALS:
		return cmp == 0;
	case FILTER_REGEX:
		return false; /* listing_matches asks the RegEx pass */
	case FILTER_CONTAINS:
		return strcasestr(name, q->name) != NULL;
	case FILTER_PREFIX:
	case FILTER_BEGINS_WITH:
		return strncasecmp(name, q->name, vl) == 0;
	case FILTER_ENDS_WITH:
		return nl >= vl && strcasecmp(name + nl - vl, q->name) == 0;
	case FILTER_LESS_THAN:
		return cmp < 0;
	case FILTER_LESS_THAN_EQUAL:
		return cmp <= 0;
	case FILTER_GREATER_THAN:
		return cmp > 0;
	case FILTER_GREATER_THAN_EQUAL:
		return cmp >= 0;
	}
	return false;
}

bool listing_matches(const struct listing_query *q, const struct contact_list *cl)
{
	if (q->regex ? !regex_matches(q->regex, cl) : q->name && !name_matches(q, cl->name))
		return false;
	return in_set(q->ids, q->id_count, cl->id) &&
	       in_set(q->division_ids, q->division_count, cl->division_id);
}

static _Thread_local const struct listing_query *sorting;

static int compare(const void *pa, const void *pb)
{
	const struct contact_list *a = pa, *b = pb;
	int r = 0;
	switch (sorting->sort) {
	case SORT_NAME:
		r = strcasecmp(a->name, b->name);
		break;
	case SORT_ID:
		break;
	case SORT_DATE_CREATED:
		r = (a->date_created > b->date_created) - (a->date_created < b->date_created);
		break;
	case SORT_DATE_MODIFIED:
		r = (a->date_modified > b->date_modified) - (a->date_modified < b->date_modified);
		break;
	}
	if (r == 0) /* ids break ties: pages never overlap */
		r = strcmp(a->id, b->id);
	return sorting->descending ? -r : r;
}

void listing_sort(const struct listing_query *q, struct contact_list *items, size_t n)
{
	if (n == 0)
		return;
	sorting = q;
	qsort(items, n, sizeof(*items), compare);
	sorting = NULL;
}

static void url_encode(const char *s, char *out, size_t size)
{
	static const char hexd[] = "0123456789ABCDEF";
	size_t o = 0;
	for (; *s && o + 4 < size; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
			out[o++] = (char)ch;
		} else {
			out[o++] = '%';
			out[o++] = hexd[ch >> 4];
			out[o++] = hexd[ch & 15];
		}
	}
	out[o] = '\0';
}

static json_t *page_uri(struct api_ctx *c, const char *base, unsigned size, unsigned number)
{
	char uri[2048];
	int used = snprintf(uri, sizeof(uri), "%s?pageSize=%u&pageNumber=%u", base, size, number);
	for (size_t i = 0; i < c->req->query_count && used > 0 && (size_t)used < sizeof(uri); i++) {
		const struct http_kv *kv = &c->req->query[i];
		if (strcmp(kv->key, "pageSize") == 0 || strcmp(kv->key, "pageNumber") == 0)
			continue;
		char k[128], v[768];
		url_encode(kv->key, k, sizeof(k));
		url_encode(kv->value, v, sizeof(v));
		used += snprintf(uri + used, sizeof(uri) - (size_t)used, "&%s=%s", k, v);
	}
	return json_string(uri);
}

json_t *listing_envelope(struct api_ctx *c, const struct listing_query *q, const char *base_path,
			 json_t *entities, size_t total)
{
	unsigned pages = (unsigned)((total + q->page_size - 1) / q->page_size);
	json_t *out = json_object();
	json_object_set_new(out, "entities", entities);
	json_object_set_new(out, "pageSize", json_integer(q->page_size));
	json_object_set_new(out, "pageNumber", json_integer(q->page_number));
	json_object_set_new(out, "total", json_integer((json_int_t)total));
	json_object_set_new(out, "firstUri", page_uri(c, base_path, q->page_size, 1));
	if (q->page_number > 1 && q->page_number - 1 <= (pages ? pages : 1))
		json_object_set_new(out, "previousUri",
				    page_uri(c, base_path, q->page_size, q->page_number - 1));
	if (q->page_number < pages)
		json_object_set_new(out, "nextUri",
				    page_uri(c, base_path, q->page_size, q->page_number + 1));
	json_object_set_new(out, "lastUri",
			    page_uri(c, base_path, q->page_size, pages ? pages : 1));
	json_object_set_new(out, "selfUri", page_uri(c, base_path, q->page_size, q->page_number));
	json_object_set_new(out, "pageCount", json_integer(pages));
	return out;
}

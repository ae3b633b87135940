/* Listing queries. Lists per organization are bounded (1,000 by default),
 * so filtering, sorting and paging happen here, once, for every backend,
 * rather than being re-implemented in each backend's query language. */
#include "api/listing.h"

#include <errno.h>
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
	if (q->name && strlen(q->name) > DB_MAX_NAME_CHARS)
		return problem_set(&c->problem, 400, "invalid.value",
				   "name is longer than %d characters", DB_MAX_NAME_CHARS);
	if (q->name && q->filter == FILTER_REGEX) {
		/* Whole-name match, like the cloud's Java matches(). */
		char pattern[DB_MAX_NAME_CHARS + 8];
		snprintf(pattern, sizeof(pattern), "^(%s)$", q->name);
		int rc = regcomp(&q->regex, pattern, REG_EXTENDED | REG_ICASE | REG_NOSUB);
		if (rc != 0) {
			char why[128];
			regerror(rc, &q->regex, why, sizeof(why));
			regfree(&q->regex);
			problem_add_detail(&c->problem, "INVALID_VALUE", "name");
			return problem_set(&c->problem, 400, "invalid.value",
					   "name is not a valid regular expression (POSIX "
					   "extended): %s",
					   why);
		}
		q->regex_ready = true;
	}
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
	return 0;
}

void listing_query_release(struct listing_query *q)
{
	if (q->regex_ready)
		regfree(&q->regex);
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
		return regexec(&q->regex, name, 0, NULL, 0) == 0;
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
	if (q->name && !name_matches(q, cl->name))
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

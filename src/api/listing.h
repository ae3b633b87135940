/* Listing query parameters (paging, name filter, ids, sorting) and the
 * cloud's listing envelope, shared by contact lists and division views. */
#ifndef DIALBOOK_LISTING_H
#define DIALBOOK_LISTING_H

#include <stdbool.h>

#include "api/api.h"

#define LISTING_MAX_IDS 100

enum name_filter {
	FILTER_EQUALS,
	FILTER_REGEX,
	FILTER_CONTAINS,
	FILTER_PREFIX,
	FILTER_LESS_THAN,
	FILTER_LESS_THAN_EQUAL,
	FILTER_GREATER_THAN,
	FILTER_GREATER_THAN_EQUAL,
	FILTER_BEGINS_WITH,
	FILTER_ENDS_WITH,
};

enum sort_key { SORT_NAME, SORT_ID, SORT_DATE_CREATED, SORT_DATE_MODIFIED };

struct listing_query {
	unsigned page_size, page_number;
	const char *name; /* NULL: no name filter */
	enum name_filter filter;
	struct listing_regex *regex; /* FILTER_REGEX with a name: its verdicts */
	char *ids[LISTING_MAX_IDS];
	size_t id_count;
	char *division_ids[LISTING_MAX_IDS];
	size_t division_count;
	enum sort_key sort;
	bool descending;
	bool include_size, include_import_status, allow_empty;
};

/* Parses and checks the listing's query parameters (the dispatcher has
 * already refused parameters the route does not take). A RegEx name filter
 * is matched against the organization's lists here, as heavy work: a limit
 * it hits is a 400, the deadline a 503, no slot free a 503. */
int listing_query_parse(struct api_ctx *c, struct listing_query *q);
void listing_query_release(struct listing_query *q);
bool listing_matches(const struct listing_query *q, const struct contact_list *cl);
void listing_sort(const struct listing_query *q, struct contact_list *items, size_t n);
/* Values of an array parameter, comma-joined and/or repeated. */
int listing_query_ids(struct api_ctx *c, const char *name, char **out, size_t max, size_t *count);
void listing_ids_release(char **ids, size_t count);
/* The envelope: entities (taken) plus paging members and URIs. */
json_t *listing_envelope(struct api_ctx *c, const struct listing_query *q, const char *base_path,
			 json_t *entities, size_t total);

/* Records gathered from a store scan for a listing (listing_page.c). */
struct listing_collected {
	const struct listing_query *q;
	struct contact_list *items;
	size_t count, cap;
};

/* A new slot at the end of col->items, for the caller to fill. */
struct contact_list *listing_collected_add(struct listing_collected *col);
/* A store_list_cb: keeps a copy of each record col->q matches. */
int listing_collect(const struct contact_list *cl, void *ctx);
void listing_collected_release(struct listing_collected *col);
/* *first: the index of the page's first record; -1 (a 400) when the page
 * is past the last one and the query does not allow an empty page. */
int listing_page_first(struct api_ctx *c, const struct listing_query *q, size_t count,
		       size_t *first);

#endif

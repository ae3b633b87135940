/* A listing's records gathered from a store scan, and the page of them a
 * query asks for: one copy for contact lists, templates and filters, so
 * their paging answers the same. */
#include "api/listing.h"

#include <stdlib.h>
#include <string.h>

struct contact_list *listing_collected_add(struct listing_collected *col)
{
	if (col->count == col->cap) {
		col->cap = col->cap ? col->cap * 2 : 32;
		col->items = realloc(col->items, col->cap * sizeof(*col->items));
		if (!col->items)
			abort();
	}
	return &col->items[col->count++];
}

int listing_collect(const struct contact_list *cl, void *ctx)
{
	struct listing_collected *col = ctx;
	if (!listing_matches(col->q, cl))
		return 0;
	struct contact_list *copy = listing_collected_add(col);
	*copy = *cl;
	copy->name = strdup(cl->name);
	copy->doc = json_incref(cl->doc);
	return 0;
}

void listing_collected_release(struct listing_collected *col)
{
	for (size_t i = 0; i < col->count; i++)
		contact_list_release(&col->items[i]);
	free(col->items);
}

int listing_page_first(struct api_ctx *c, const struct listing_query *q, size_t count,
		       size_t *first)
{
	*first = (size_t)(q->page_number - 1) * q->page_size;
	if (*first >= count && count > 0 && !q->allow_empty) {
		problem_add_detail(&c->problem, "INVALID_VALUE", "pageNumber");
		return problem_set(&c->problem, 400, "invalid.value",
				   "pageNumber %u is past the last page (%zu); pass "
				   "allowEmptyResult=true to get an empty page instead",
				   q->page_number, (count + q->page_size - 1) / q->page_size);
	}
	return 0;
}

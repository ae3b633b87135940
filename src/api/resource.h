/* Answers shared by the versioned, named resources of an organization
 * (contact lists, templates, filters): what a store refusal of an update
 * or a delete means over HTTP, and the ids body of bulk/retrieve. One
 * copy, so the three keep answering alike (resource.c). */
#ifndef DIALBOOK_API_RESOURCE_H
#define DIALBOOK_API_RESOURCE_H

#include "api/api.h"

/* Deletes ids[0..n-1] of the caller's org, all or none; a store code,
 * *missing naming the id absent on STORE_NOT_FOUND. */
typedef int (*api_delete_fn)(struct api_ctx *c, const char *const *ids, size_t n,
			     const char **missing);

/* DELETE .../{id}: `what` ("contact list") names the resource. */
int api_delete_one(struct api_ctx *c, const char *what, api_delete_fn del);
/* DELETE ?id=a,b: all or none; `plural` words the missing ids' 400. */
int api_delete_by_query(struct api_ctx *c, const char *what, const char *plural, api_delete_fn del);
/* An update the store refused with st (not STORE_CONFLICT, whose words
 * are the resource's): 409 for a version changed meanwhile, 404, 503. */
int api_update_refused(struct api_ctx *c, int st, const char *what, const char *id,
		       int64_t version);
/* bulk/retrieve's body: an object with ids alone; *ids (lent) may be NULL. */
int api_bulk_ids_body(struct api_ctx *c, json_t **ids);
/* Each of ids is a string; else a 400 naming ids[i]. */
int api_bulk_ids_strings(struct api_ctx *c, const json_t *ids);
/* The listing envelope of one page holding all of entities (taken). */
json_t *api_one_page(json_t *entities);

#endif

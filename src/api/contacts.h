/* Shared by the contact handlers: the list a request works on, compiled
 * into a schema, and conversion of stored contacts to JSON. */
#ifndef DIALBOOK_API_CONTACTS_H
#define DIALBOOK_API_CONTACTS_H

#include "api/api.h"
#include "model/contact.h"

extern const struct field contact_search_fields[];
/* The SDK's ContactListFilter: its clauses are a search's (contact_search.c). */
extern const struct field contact_list_filter_fields[];
extern const struct field filter_preview_fields[];
/* Checks a filter's filterType and clauses against the columns of the
 * caller's list `list_id`: 0, or -1 with the refusal set (400 naming the
 * predicate's part; 404 naming contactList.id). */
int contact_filter_check(struct api_ctx *c, const char *list_id, const json_t *filter);

struct contact_scope {
	struct contact_list list;
	struct contact_schema schema;
};

/* Loads the list named by the path (params[0]); `writing` refuses an
 * INACTIVE list with 409. */
int contact_scope_load(struct api_ctx *c, bool writing, struct contact_scope *sc);
/* The same for the list `list_id` (a body's reference). */
int contact_scope_load_id(struct api_ctx *c, const char *list_id, bool writing,
			  struct contact_scope *sc);
void contact_scope_release(struct contact_scope *sc);
int contact_from_record(const struct contact_scope *sc, const struct contact_record *r,
			struct contact *out);
/* NULL when the stored record is damaged. */
json_t *contact_record_json(const struct contact_scope *sc, const struct contact_record *r);

#endif

/* The contact list resource: its record, its validation rules and its JSON
 * form. Pure: no I/O, no store. */
#ifndef DIALBOOK_CONTACTLIST_H
#define DIALBOOK_CONTACTLIST_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "common/limits.h"
#include "common/text.h"
#include "model/field.h"

extern const struct field contact_list_fields[];
extern const struct field contact_list_view_fields[];
extern const struct field import_status_fields[];
/* The tables of a list's nested objects, shared with the template's. */
extern const struct field cl_ref_fields[];
extern const struct field cl_phone_column_fields[];
extern const struct field cl_contactable_column_fields[];
extern const struct field cl_data_type_spec_fields[];
extern const struct field cl_column_definition_fields[];

/* A stored contact list. `doc` holds the client-writable fields, already
 * validated and normalised (both column views, defaults filled in). */
struct contact_list {
	char id[UUID_STR_LEN];
	char org_id[UUID_STR_LEN];
	char division_id[UUID_STR_LEN];
	char *name;
	int64_t version;
	int64_t date_created; /* ms since the epoch */
	int64_t date_modified;
	json_t *doc;
};

void contact_list_release(struct contact_list *cl);

/* What a list's name is compared by: names are unique per organization
 * case-insensitively (DESIGN.md §3.6), ASCII letters folded. The store
 * keeps this key unique; it never derives it. Caller frees; NULL when out
 * of memory. */
char *contact_list_name_key(const char *name);

/* What a create or update body asked for, after validation. */
struct contact_list_input {
	json_t *doc;	  /* owned: the normalised writable fields */
	const char *name; /* lent from doc: trimmed */
	bool has_version;
	int64_t version;
	char *id;	   /* update only: the body's id or contactListId, or NULL */
	char *division_id; /* division.id from the body, or NULL */
};

void contact_list_input_release(struct contact_list_input *in);

/* A resource with a contact list's shape and rules: the list itself, or
 * a contact list template (the same columns, no contacts). `fields` is
 * its table; `what` names it in messages ("a contact list"), `noun`
 * without the article; `uri_prefix` is its selfUri up to the id. */
struct contact_list_kind {
	const struct field *fields;
	const char *what;
	const char *noun;
	const char *uri_prefix;
};

extern const struct contact_list_kind contact_list_kind_list;
/* ContactListTemplate of the SDK (index.d.ts): a list's fields without
 * division, importStatus, size and dateExpiration; no field is fixed after
 * creation, as a template holds no contacts (contactlist_template_fields.c). */
extern const struct contact_list_kind contact_list_kind_template;
extern const struct field contact_list_template_fields[];

/* Validates a create (FIELD_CREATE) or update (FIELD_UPDATE) body. On
 * update, `current` supplies the F_KEEP fields the body left out, and a
 * change to a field fixed after creation is refused with its
 * cannot.update.* code. */
int contact_list_parse(json_t *body, enum field_mode mode, const struct db_limits *lim,
		       const struct contact_list *current, struct contact_list_input *in,
		       struct problem *p);

/* contact_list_parse for a kind of resource: its table decides. */
int contact_list_parse_as(const struct contact_list_kind *kind, json_t *body, enum field_mode mode,
			  const struct db_limits *lim, const struct contact_list *current,
			  struct contact_list_input *in, struct problem *p);

/* The rules of an update that need the stored record: id matching the
 * path, version present and equal. */
int contact_list_check_update(const struct contact_list *current,
			      const struct contact_list_input *in, struct problem *p);
int contact_list_check_update_as(const struct contact_list_kind *kind,
				 const struct contact_list *current,
				 const struct contact_list_input *in, struct problem *p);

/* Extra members of a read, each NULL when not asked for. */
struct contact_list_extras {
	json_t *size;	       /* borrowed */
	json_t *import_status; /* borrowed */
};

json_t *contact_list_to_json(const struct contact_list *cl, const struct contact_list_extras *x);
/* The JSON form of a record of `kind` (no extras). Caller owns it. */
json_t *contact_list_to_json_as(const struct contact_list_kind *kind,
				const struct contact_list *cl);
/* The object of `arr` whose `key` names `column` (case-insensitively), or
 * NULL: a column's entry in phoneColumns, columnDataTypeSpecifications... */
json_t *contact_list_column_entry(const json_t *arr, const char *key, const char *column);
/* The divisionviews shape: id, name, division, columns, selfUri. */
json_t *contact_list_division_view(const struct contact_list *cl,
				   const struct contact_list_extras *x);

#endif

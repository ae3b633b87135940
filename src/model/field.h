/* Field tables: one per resource, the single source of truth for a
 * resource's JSON shape. The validator, the JSON encoder and (later) the
 * OpenAPI document all walk the same table. */
#ifndef DIALBOOK_FIELD_H
#define DIALBOOK_FIELD_H

#include <stdbool.h>
#include <jansson.h>

#include "model/problem.h"

enum field_type { FT_STRING, FT_INTEGER, FT_NUMBER, FT_BOOLEAN, FT_OBJECT, FT_ARRAY };

enum field_flag {
	F_READONLY = 1 << 0,   /* assigned by the server; refused on create */
	F_REQUIRED = 1 << 1,   /* must be present (and not null) */
	F_EXTENSION = 1 << 2,  /* dialbook's, not in the cloud's model */
	F_WRITE_ONLY = 1 << 3, /* recognised on input, never emitted */
	F_NO_CONTROL = 1 << 4, /* strings: control characters refused */
	F_NOT_BLANK = 1 << 5,  /* strings: must hold more than white space */
	/* Strings: names a column of the resource; "" means "not set" unless
	 * the field is also F_REQUIRED. */
	F_COLUMN = 1 << 6,
	/* Update: an omitted field keeps its stored value (null is omitted);
	 * clients clear it with an empty value. */
	F_KEEP = 1 << 7,
	/* Always answered: when unset, as the empty value of its type ("",
	 * [] or false), the way the cloud answers. */
	F_ALWAYS = 1 << 8,
};

/* How an update that changes a field fixed after creation is refused. */
struct field_fixed {
	const char *code; /* "cannot.update.phone.columns" */
	const char *what; /* the cloud's words: "Phone number columns are different" */
};

struct field {
	const char *name;
	enum field_type type;
	unsigned flags;
	enum field_type item_type;	/* FT_ARRAY: type of the items */
	const struct field *props;	/* FT_OBJECT, or FT_ARRAY of objects; ends with {0} */
	unsigned max;			/* strings: characters; arrays: items; 0 = no limit */
	const char *const *enum_values; /* strings: allowed values, NULL-terminated */
	const char *description;
	const char *ref; /* objects (or arrays of them) described by a named schema */
	/* Set when the field cannot change after creation. */
	const struct field_fixed *fixed;
};

enum field_mode { FIELD_CREATE, FIELD_UPDATE };

/* A table's entry by name (exact), or NULL. */
const struct field *field_find(const struct field *table, const char *name);

/* Checks obj against table: unknown properties, read-only fields (create
 * mode), types, required fields, lengths and enumerations. Enumerated
 * strings are rewritten in the table's spelling, so obj is normalised in
 * place. `what` names the resource in messages ("a contact list"); `path`
 * is the prefix for nested field names ("" at the top). */
int field_check(json_t *obj, const struct field *table, enum field_mode mode, const char *what,
		const char *path, struct problem *p);

/* Builds the output object in table order, taking each field from `doc`,
 * else from `computed`; F_WRITE_ONLY fields are never emitted. */
json_t *field_encode(const struct field *table, const json_t *doc, const json_t *computed);

const char *field_type_name(enum field_type t);

/* Removes optional F_COLUMN members holding "" from obj and the objects
 * nested in it: the cloud answers "" for a column reference it has not
 * got, and clients send that back. */
void field_drop_unset_columns(json_t *obj, const struct field *table);

/* The value an unset F_ALWAYS field is answered with, or NULL for types
 * that have none. The caller owns it. */
json_t *field_empty_value(const struct field *f);

/* True when two values of field f are the same: arrays of objects in any
 * order, anything else exactly; a missing value equals the empty one. */
bool field_same_value(const struct field *f, const json_t *a, const json_t *b);

/* The ErrorBody's fields, in output order (problem.c): its encoder and the
 * API document both use them. */
extern const struct field error_body_fields[];

#endif

/* Contacts: the one validator every path uses (the API, the import job and
 * the CLI), driven by a list's columns compiled into a schema. Pure. */
#ifndef DIALBOOK_CONTACT_H
#define DIALBOOK_CONTACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "common/limits.h"
#include "common/strbuf.h"
#include "model/field.h"

extern const struct field contact_fields[];

enum column_kind { KIND_TEXT, KIND_PHONE, KIND_EMAIL, KIND_NUMERIC, KIND_TIMESTAMP };

struct column_rule {
	char *name; /* the list's spelling */
	enum column_kind kind;
	bool required;
	bool has_min, has_max;
	double min, max;
	long max_length;   /* 0: none beyond the global value limit */
	size_t byte_limit; /* values this long in bytes might break a limit */
};

struct contact_schema {
	struct column_rule *columns;
	size_t count;
	bool trim;		  /* trimWhitespace */
	unsigned max_value_chars; /* 512 by default */
};

/* Compiles the list's stored document (both column views, as the model
 * keeps them). Returns 0, or -1 when the document is not a list's. */
int contact_schema_init(struct contact_schema *s, const json_t *list_doc,
			const struct db_limits *lim);
void contact_schema_release(struct contact_schema *s);
/* Index of a column, matched case-insensitively, or -1. */
int contact_schema_find(const struct contact_schema *s, const char *name, size_t len);

/* Trims a value in place per the schema (returns the new length). */
size_t contact_value_trim(const struct contact_schema *s, const char **v, size_t len);
/* Checks one (already trimmed, valid UTF-8) value of column `col`. Returns 0, or -1 with
 * a reason such as `not a phone number: "12ab"` in why. */
int contact_value_check(const struct contact_schema *s, size_t col, const char *v, size_t len,
			char *why, size_t why_size);

bool contact_is_phone(const char *v, size_t len);
/* When a value that is not a phone number looks like one a spreadsheet or
 * pandas rewrote (a decimal, scientific notation): what happened and how to
 * avoid it, as a static string; NULL otherwise. */
const char *contact_phone_hint(const char *v, size_t len);
bool contact_is_email(const char *v, size_t len);
bool contact_is_number(const char *v, size_t len, double *out);
bool contact_is_timestamp(const char *v, size_t len);

/* A contact ready for the store: values in column order. */
struct contact {
	char *id;
	char **values; /* schema->count strings, owned */
	bool callable;
	bool callable_given; /* the body had `callable`: an update keeps the stored one otherwise */
	/* name, phoneNumberStatus and contactableStatus when given: owned, or NULL */
	json_t *meta;
	int64_t date_created, date_modified;
};

void contact_release(struct contact *c, size_t ncols);

/* Validates one WritableDialerContact body for the list `list_id`; on
 * success fills *out (id left NULL when the body has none). `path` prefixes
 * field names in messages ("[3]" for the fourth contact of a batch). */
int contact_parse(json_t *body, const struct contact_schema *s, const char *list_id,
		  const char *path, struct contact *out, struct problem *p);

/* The DialerContact JSON of a stored contact. */
json_t *contact_to_json(const struct contact *c, const struct contact_schema *s,
			const char *list_id);
/* The same JSON, written as text (in table order) straight into out. */
void contact_write_json(struct strbuf *out, const struct contact *c, const struct contact_schema *s,
			const char *list_id);

/* Values packed for storage: per column a varint length, then the bytes. */
char *contact_pack(char *const *values, const size_t *lens, size_t n, size_t *out_len);
/* The most bytes packing these values can take, and packing into out. */
size_t contact_pack_bound(const size_t *lens, size_t n);
size_t contact_pack_to(char *out, const char *const *values, const size_t *lens, size_t n);
/* Unpacks into n malloc'd strings; -1 when the blob is malformed. */
int contact_unpack(const char *blob, size_t len, size_t n, char **values);

#endif

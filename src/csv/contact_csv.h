/* A contact file checked against a list: the header matched to the list's
 * columns, each row's values checked by the contact validator. The one
 * piece of code behind the server's imports and `dialbook validate`, so a
 * file the CLI accepts is a file the server imports. Pure. */
#ifndef DIALBOOK_CONTACT_CSV_H
#define DIALBOOK_CONTACT_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "csv/csv_reader.h"
#include "model/contact.h"

#define CONTACT_CSV_ID_COLUMN	    "inin-outbound-id"
#define CONTACT_CSV_CALLABLE_COLUMN "ContactCallable"
#define CONTACT_CSV_MAX_ID	    256

struct contact_csv {
	const struct contact_schema *schema;
	size_t file_cols;
	int *map;	     /* file column -> schema column, or -1 */
	int id_col;	     /* file column holding contact ids, or -1 */
	int callable_col;    /* file column ContactCallable, or -1 */
	char **header;	     /* the file's header cells */
	const char **values; /* per schema column, for the last row checked */
	size_t *lens;
};

/* Why a header fails a whole import: a failureReason (e.g. MISSING_COLUMNS)
 * and a sentence saying what and where. */
struct contact_csv_failure {
	char reason[64];
	unsigned long line, column; /* where, when it is one place; 0 otherwise */
	char detail[512];	    /* what, without the place */
};

/* Matches the header record to the schema. `contact_id_name` may be NULL.
 * Returns 0, or -1 with *why filled. */
int contact_csv_header(struct contact_csv *c, const struct contact_schema *schema,
		       const struct csv_record *header, const char *contact_id_name,
		       unsigned max_columns, struct contact_csv_failure *why);
void contact_csv_release(struct contact_csv *c);

/* A row that passed: values (per schema column, trimmed) are in c->values
 * and c->lens, lent until the next call. */
struct contact_csv_row {
	const char *id; /* NULL when the file has no id column */
	size_t id_len;
	bool callable;
};

/* Checks one data record. Returns 0, or -1 with the 0-based field that failed
 * (or -1 for the whole row) in *bad_field and the reason in why. */
int contact_csv_row(struct contact_csv *c, const struct csv_record *rec,
		    struct contact_csv_row *out, int *bad_field, char *why, size_t why_size);

/* The rejected-rows file, the same from the server and the CLI: a header
 * of line, column, reason and the file's own header, then one row per
 * rejected record (rec may be NULL when the record could not be read). */
struct csv_writer;
void contact_csv_rejects_header(struct csv_writer *w, const struct contact_csv *c);
void contact_csv_rejects_row(struct csv_writer *w, unsigned long line, unsigned long column,
			     const char *why, const struct csv_record *rec);

#endif

/* A contact file checked against a list: the header matched to the list's
 * columns, each row's values checked by the contact validator. The one
 * piece of code behind the server's imports and `dialbook validate`, so a
 * file the CLI accepts is a file the server imports. Pure. */
#ifndef DIALBOOK_CONTACT_CSV_H
#define DIALBOOK_CONTACT_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "common/strbuf.h"
#include "csv/csv_reader.h"
#include "model/contact.h"
#include "model/contact_state.h"

#define CONTACT_CSV_ID_COLUMN "inin-outbound-id"
#define CONTACT_CSV_MAX_ID    256

/* What a header cell that is not one of the list's columns is. */
enum contact_csv_role {
	CONTACT_CSV_ID_ONLY = -1, /* the id column, not a column of the list */
	CONTACT_CSV_IGNORED = -2, /* not the list's: accepted and ignored (reported) */
	CONTACT_CSV_STATE = -3,	  /* a system state column (model/contact_state.h) */
};

struct contact_csv {
	const struct contact_schema *schema;
	size_t file_cols;
	int *map;		    /* file column -> schema column, or a contact_csv_role */
	struct state_column *state; /* per file column, where map is CONTACT_CSV_STATE */
	int id_col;		    /* file column holding contact ids, or -1 */
	size_t ignored;		    /* how many columns are CONTACT_CSV_IGNORED */
	char **header;		    /* the file's header cells */
	const char **values;	    /* per schema column, for the last row checked */
	size_t *lens;
	json_t *meta; /* the last row's state columns, owned */
};

/* Why a header fails a whole import: a failureReason (e.g. MISSING_COLUMNS)
 * and a sentence saying what and where. */
struct contact_csv_failure {
	char reason[64];
	unsigned long line, column; /* where, when it is one place; 0 otherwise */
	char detail[512];	    /* what, without the place */
};

/* Matches the header record to the schema, as the cloud's append does
 * (help article "Append records to a contact list"): names match
 * case-insensitively, in any order; every column of the list must be
 * there (MISSING_COLUMNS names each missing one), so no stored value is
 * blanked for want of its column; other columns are ignored (counted in
 * c->ignored, named by contact_csv_ignored_json); `contact_id_name` (may
 * be NULL) must name a column of the file (MISSING_CUSTOM_ID). Returns 0,
 * or -1 with *why filled. */
int contact_csv_header(struct contact_csv *c, const struct contact_schema *schema,
		       const struct csv_record *header, const char *contact_id_name,
		       unsigned max_columns, struct contact_csv_failure *why);
void contact_csv_release(struct contact_csv *c);

/* The ignored columns' names as a JSON array of strings, as many as fit in
 * max bytes (the array stays valid); appended to out. */
void contact_csv_ignored_json(const struct contact_csv *c, struct strbuf *out, size_t max);

/* A row that passed: values (per schema column, trimmed) are in c->values
 * and c->lens, lent until the next call. */
struct contact_csv_row {
	const char *id; /* NULL when the file has no id column */
	size_t id_len;
	bool callable;	     /* true unless the row's ContactCallable says 0 */
	bool callable_given; /* the row had a ContactCallable value */
	const json_t *meta;  /* phoneNumberStatus/contactableStatus given by the row, or NULL;
				lent until the next call */
};

/* Checks one data record. Returns 0, or -1 with the 0-based field that failed
 * (or -1 for the whole row) in *bad_field and the reason in why. */
int contact_csv_row(struct contact_csv *c, const struct csv_record *rec,
		    struct contact_csv_row *out, int *bad_field, char *why, size_t why_size);

/* The rejected-rows file, the same from the server and the CLI: a header
 * of line, column, reason and the file's own header, then one row per
 * rejected record with the record's own data, nothing dropped: its fields,
 * or, when the record could not be split (a stray quote, invalid UTF-8),
 * its raw bytes as read (csv_reader_last_raw) in one field. */
struct csv_writer;
void contact_csv_rejects_header(struct csv_writer *w, const struct contact_csv *c);
void contact_csv_rejects_row(struct csv_writer *w, unsigned long line, unsigned long column,
			     const char *why, const struct csv_record *rec);
/* A record the reader could not split: `reader` gives its raw bytes. */
void contact_csv_rejects_raw(struct csv_writer *w, unsigned long line, unsigned long column,
			     const char *why, const struct csv_reader *reader);

#endif

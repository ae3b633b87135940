/* The checks of a contact file against a list, as dialbookd's import makes
 * them: the engine behind `dialbook validate`, `dialbook contacts import`
 * and libdialbook's dialbook_validate_* API, so all three report the same
 * problems. Not public: callers outside libdialbook use dialbook.h. */
#ifndef DIALBOOK_CLIENT_VALIDATE_ENGINE_H
#define DIALBOOK_CLIENT_VALIDATE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csv/contact_csv.h"
#include "csv/csv_decoder.h"
#include "dialbook/dialbook.h"

/* The file's bytes: a descriptor (a file or standard input), or memory;
 * converted from an encoding when one is given. */
struct vsource {
	int fd; /* -1 for memory */
	bool owns_fd;
	const char *data; /* memory: lent by the caller */
	size_t len, pos;
	struct csv_decoder *decoder; /* NULL without an encoding */
	csv_read_fn read;
	void *ctx;
};

/* Opens path ("-": standard input) or data/len. Returns 0, or
 * DIALBOOK_EIO (a file that cannot be opened) / DIALBOOK_EINVAL (an
 * encoding iconv does not know) with err->message saying which. */
int vsource_open_path(struct vsource *s, const char *path, const char *encoding,
		      struct dialbook_error *err);
int vsource_open_bytes(struct vsource *s, const char *data, size_t len, const char *encoding,
		       struct dialbook_error *err);
void vsource_close(struct vsource *s);

/* A list definition (ContactList JSON in either column form, as read back
 * from a server or written by hand; an object with only its columns, or a
 * bare array of column definitions) through the server's own rules.
 * Returns 0, or DIALBOOK_EINVAL with err->message naming origin (a file
 * name, a list id): "origin:3:7: not valid JSON: ..." or "origin: not a
 * contact list definition: ...". */
int validate_schema_load(const char *json_text, const char *origin, struct contact_schema *schema,
			 struct dialbook_error *err);

/* What the engine tells its caller about each problem, as it finds it.
 * rec is the record (NULL when the reader could not split it: its raw bytes
 * are the reader's, csv_reader_last_raw); rejected is true when the row is
 * one the import would reject. Everything is lent for the call only. */
struct validate_hooks {
	void (*problem)(void *ctx, const struct dialbook_problem *p, bool rejected,
			const struct contact_csv *check, const struct csv_record *rec,
			const struct csv_reader *reader);
	void *ctx;
};

struct validate_counts {
	uint64_t rows, invalid, blank;
	bool header_ok;
	bool byte_order_mark;
	bool duplicates_unchecked; /* the input could not be read twice (a pipe) */
};

/* Checks the whole input: header, then every row; with contact_id_name,
 * a second pass confirms repeated ids (when the input can be rewound).
 * Returns 0 (look at counts), or a DIALBOOK_E* code when the input could
 * not be read at all. */
int validate_engine_run(struct vsource *src, const struct contact_schema *schema,
			const char *contact_id_name, const struct validate_hooks *hooks,
			struct validate_counts *counts);

#endif

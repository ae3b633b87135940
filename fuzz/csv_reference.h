/* A reference CSV reader for the fuzz comparison: the rules of
 * src/csv/csv_reader.h written for clarity, one byte at a time over the
 * whole input held in memory, with no index, no buffer and no SIMD. The
 * fast reader must answer exactly what this one answers, call for call. */
#ifndef DIALBOOK_CSV_REFERENCE_H
#define DIALBOOK_CSV_REFERENCE_H

#include <stdbool.h>
#include <stddef.h>

#define REF_MAX_FIELDS 4096

struct ref_field {
	const char *raw; /* from its first byte (its opening quote when quoted) */
	size_t raw_len;	 /* bytes of the field as written, quotes included */
	bool quoted;
	unsigned long line, column; /* where it starts: 1-based line, character column */
	unsigned long long offset;  /* byte offset of its first byte in the input */
};

/* What one call of csv_reader_next gives, and what the reader says after it. */
struct ref_result {
	int rc; /* 1 a record, 0 the end, -1 an error */
	/* rc == 1 */
	struct ref_field *fields; /* count of them, lent until the next call */
	size_t count;
	unsigned long line, lines;
	bool blank, nul;
	/* rc == -1 */
	unsigned long err_line, err_column;
	char message[192];
	/* after every call */
	bool has_raw; /* the raw record (csv_reader_last_raw) */
	const char *raw;
	size_t raw_len;
	unsigned long long record_offset; /* csv_record_offset */
	unsigned long long consumed;	  /* csv_reader_offset */
	bool failed, had_bom;
};

struct ref_reader {
	const char *data;
	size_t len, pos; /* pos: where the next record starts */
	unsigned long line;
	bool started, failed, had_bom;
	unsigned long long consumed, raw_offset;
	struct ref_field fields[REF_MAX_FIELDS];
};

void ref_reader_init(struct ref_reader *r, const char *data, size_t len);
/* The next call's answer. */
void ref_reader_next(struct ref_reader *r, struct ref_result *out);
/* A field's value: the raw bytes without its quotes, "" pairs made one. */
size_t ref_field_value(const struct ref_field *f, char *out);

#endif

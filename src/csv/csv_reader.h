/* A streaming RFC 4180 reader: one record at a time from a read callback,
 * memory bounded by the longest record, exact line and column positions
 * for every field and every error. Pure: it never opens files itself. */
#ifndef DIALBOOK_CSV_READER_H
#define DIALBOOK_CSV_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define CSV_MAX_RECORD (16u << 20) /* bytes of one record: a bound on memory */
#define CSV_MAX_FIELDS 4096

struct csv_field {
	const char *data; /* unescaped, not NUL-terminated; valid until the next call */
	size_t len;
	unsigned long line; /* 1-based physical line where the field starts */
	bool quoted;
};

struct csv_reader;

struct csv_record {
	struct csv_field *fields;
	size_t count;
	unsigned long line;  /* first physical line of the record */
	unsigned long lines; /* physical lines it spans */
	/* No content: an empty line (count 0), or delimiters only, every field
	 * empty and unquoted (`,,`; the fields are there). Quoted empties
	 * (`"",""`) are values someone wrote, so not blank. */
	bool blank;
	bool nul; /* some field holds a NUL byte: checked once a record, not per field */
	const struct csv_reader *reader; /* for csv_field_column */
};

/* The 1-based character column where field i starts, on its line. Counted
 * when asked (for error reports), not for every field; valid until the
 * next csv_reader_next. */
unsigned long csv_field_column(const struct csv_record *rec, size_t i);

/* Byte offsets in the input the reader was given (its first byte is 0, a
 * byte order mark included): where field i of the record starts (its
 * opening quote when quoted), and where the record last returned, or
 * failed on, starts. For reports that point into the file; valid until the
 * next csv_reader_next. */
unsigned long long csv_field_offset(const struct csv_record *rec, size_t i);
unsigned long long csv_record_offset(const struct csv_reader *r);

struct csv_error {
	unsigned long line, column;
	char message[192];
};

/* Fills buf with up to size bytes; returns the count, 0 at the end, -1 on error. */
typedef ssize_t (*csv_read_fn)(void *ctx, char *buf, size_t size);

/* A csv_read_fn over a file descriptor: ctx points at the int. */
ssize_t csv_read_fd(void *ctx, char *buf, size_t size);

struct csv_reader *csv_reader_new(csv_read_fn read, void *ctx);
void csv_reader_free(struct csv_reader *r);

/* Reads the next record. Returns 1 with *out set, 0 at the end of input, or
 * -1 with *err set. After an error in one record (a stray quote, invalid
 * UTF-8) reading resumes at the next record; after a fatal one (an
 * unterminated quote, an oversized record, a read error, input that is
 * UTF-16 or UTF-32 rather than UTF-8) it returns 0. Invalid UTF-8 is
 * reported with a guess of the file's real encoding. */
int csv_reader_next(struct csv_reader *r, struct csv_record *out, struct csv_error *err);

/* The raw bytes of the record the last csv_reader_next call returned or
 * failed on, from its first byte to its end, line ending excluded, as read
 * (quotes and "" pairs kept, not unescaped), so that a rejected row can be
 * kept whole. After a per-record error (a stray quote, invalid UTF-8) the
 * record ends where reading resumes: the end of the physical line of the
 * error. After an unterminated quote: everything from the quote's record to
 * the end of input. Lent until the next call; never more than
 * CSV_MAX_RECORD bytes. Returns 0, or -1 (data NULL, len 0) when there are
 * none: before the first call, at the end of input, after an oversized
 * record or a read error. */
int csv_reader_last_raw(const struct csv_reader *r, const char **data, size_t *len);

/* True once the reader has stopped for good after an error. */
bool csv_reader_failed(const struct csv_reader *r);
/* Bytes consumed so far (after the BOM), for progress reporting. */
unsigned long long csv_reader_offset(const struct csv_reader *r);
/* Whether the input began with a UTF-8 byte order mark (which was skipped). */
bool csv_reader_had_bom(const struct csv_reader *r);

#endif

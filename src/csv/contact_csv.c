/* Header rules are DESIGN §3.15; row rules are the contact validator's. */
#include "csv/contact_csv.h"
#include "common/text.h"
#include "csv/csv_writer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define UNKNOWN_COLUMN (-2) /* a header cell that is not a column of the list */

static int failed(struct contact_csv_failure *why, const char *reason, unsigned long line,
		  unsigned long column, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int failed(struct contact_csv_failure *why, const char *reason, unsigned long line,
		  unsigned long column, const char *fmt, ...)
{
	snprintf(why->reason, sizeof(why->reason), "%s", reason);
	why->line = line;
	why->column = column;
	va_list ap;
	va_start(ap, fmt);
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): clang 14 misses va_start */
	vsnprintf(why->detail, sizeof(why->detail), fmt, ap);
	va_end(ap);
	utf8_trim_partial(why->detail);
	return -1;
}

void contact_csv_release(struct contact_csv *c)
{
	if (!c)
		return;
	for (size_t i = 0; c->header && i < c->file_cols; i++)
		free(c->header[i]);
	free(c->header);
	free(c->map);
	free(c->state);
	free(c->values);
	free(c->lens);
	json_decref(c->meta);
	memset(c, 0, sizeof(*c));
}

/* Excel's delimiter hint, `sep=,` (read as the fields "sep=" and ""), or
 * `sep=;` and the like (one field). */
static bool excel_sep_line(const struct csv_record *rec)
{
	const struct csv_field *f = rec->fields;
	if (rec->count < 1 || f[0].len < 4 || strncasecmp(f[0].data, "sep=", 4) != 0)
		return false;
	return (rec->count == 1 && f[0].len == 5) ||
	       (rec->count == 2 && f[0].len == 4 && f[1].len == 0);
}

/* The role of one header cell: a column of the list, the id column, a
 * state column or an ignored one. */
static int header_role(struct contact_csv *c, size_t i, size_t len, const char *id_name)
{
	const char *name = c->header[i];
	int col = contact_schema_find(c->schema, name, len);
	bool is_id = id_name ? strcasecmp(name, id_name) == 0
			     : strcasecmp(name, CONTACT_CSV_ID_COLUMN) == 0;
	if (is_id)
		c->id_col = (int)i;
	if (col >= 0)
		return col;
	if (is_id)
		return CONTACT_CSV_ID_ONLY;
	if (state_column_parse(c->schema, name, len, &c->state[i]))
		return CONTACT_CSV_STATE;
	c->ignored++;
	return CONTACT_CSV_IGNORED;
}

/* Every column of the list must be in the file; names them all. */
static int check_missing(const struct contact_csv *c, size_t cols, struct contact_csv_failure *why)
{
	struct strbuf names = {0};
	size_t missing = 0;
	for (size_t k = 0; k < c->schema->count; k++) {
		bool present = false;
		for (size_t i = 0; i < cols && !present; i++)
			present = c->map[i] == (int)k;
		if (present)
			continue;
		strbuf_adds(&names, missing++ ? ", \"" : "\"");
		strbuf_adds(&names, c->schema->columns[k].name);
		strbuf_addc(&names, '"');
	}
	int rc = 0;
	if (missing)
		rc = failed(why, "MISSING_COLUMNS", 1, 1,
			    "the file lacks %s of the contact list: %.400s; a file must hold "
			    "every column of the list, in any order and letter case (more "
			    "columns are fine)",
			    missing == 1 ? "a column" : "columns", names.data);
	strbuf_release(&names);
	return rc;
}

int contact_csv_header(struct contact_csv *c, const struct contact_schema *schema,
		       const struct csv_record *rec, const char *id_name, unsigned max_columns,
		       struct contact_csv_failure *why)
{
	memset(c, 0, sizeof(*c));
	c->schema = schema;
	c->id_col = -1;
	if (rec->blank)
		return failed(why, "INVALID_HEADER", 1, 1,
			      "the first line is blank: the file must start with its header row");
	if (excel_sep_line(rec)) {
		char sep = rec->count == 2 ? ',' : rec->fields[0].data[4];
		if (sep == ',')
			return failed(why, "INVALID_HEADER", 1, 1,
				      "the first line is \"sep=,\", Excel's delimiter hint, not a "
				      "header row: delete that line so the file starts with its "
				      "header (the cloud does not read the hint either)");
		return failed(why, "INVALID_HEADER", 1, 1,
			      "the first line is \"sep=%c\", Excel's hint that the file is "
			      "delimited by '%c': contact files are comma-delimited; save it "
			      "again as \"CSV UTF-8 (Comma delimited)\"",
			      sep, sep);
	}
	c->file_cols = rec->count;
	c->map = calloc(rec->count, sizeof(int));
	c->state = calloc(rec->count, sizeof(*c->state));
	c->header = calloc(rec->count, sizeof(char *));
	c->values = calloc(schema->count, sizeof(char *));
	c->lens = calloc(schema->count, sizeof(size_t));
	if (!c->map || !c->state || !c->header || !c->values || !c->lens)
		abort();
	size_t user_cols = 0;
	for (size_t i = 0; i < rec->count; i++) {
		/* Spaces around a name are not part of it (" id " is id). */
		const char *cell = rec->fields[i].data;
		size_t len = rec->fields[i].len;
		while (len && (*cell == ' ' || *cell == '\t'))
			cell++, len--;
		while (len && (cell[len - 1] == ' ' || cell[len - 1] == '\t'))
			len--;
		c->header[i] = text_ndup(cell, len);
		const char *name = c->header[i];
		if (len == 0)
			return failed(why, "INVALID_HEADER", 1, csv_field_column(rec, i),
				      "a header cell is empty");
		if (memchr(cell, '\0', len))
			return failed(why, "INVALID_HEADER", 1, csv_field_column(rec, i),
				      "a header cell holds a NUL byte (0x00)");
		if (utf8_count(name, len) > DB_MAX_COLUMN_NAME_CHARS)
			return failed(why, "COLUMN_NAME_TOO_LONG", 1, csv_field_column(rec, i),
				      "a column name is longer than %d characters",
				      DB_MAX_COLUMN_NAME_CHARS);
		for (size_t j = 0; j < i; j++)
			if (strcasecmp(c->header[j], name) == 0)
				return failed(why, "DUPLICATE_COLUMNS", 1, csv_field_column(rec, i),
					      "the column \"%.128s\" appears twice (fields %zu and "
					      "%zu; names match case-insensitively)",
					      name, j + 1, i + 1);
		c->map[i] = header_role(c, i, len, id_name);
		user_cols += c->map[i] >= 0 || c->map[i] == CONTACT_CSV_IGNORED;
	}
	/* Too many columns is the cloud's reason, before naming missing ones. */
	if (user_cols > max_columns)
		return failed(why, "CONTACT_COLUMNS_LIMIT_EXCEEDED", 1, 1,
			      "the header has %zu columns; a contact list has at most %u",
			      user_cols, max_columns);
	if (id_name && c->id_col < 0)
		return failed(why, "MISSING_CUSTOM_ID", 1, 1,
			      "the contact-id-name column \"%.128s\" is not in the header",
			      id_name);
	return check_missing(c, rec->count, why);
}

void contact_csv_ignored_json(const struct contact_csv *c, struct strbuf *out, size_t max)
{
	size_t start = out->len;
	strbuf_addc(out, '[');
	for (size_t i = 0; i < c->file_cols; i++) {
		if (c->map[i] != CONTACT_CSV_IGNORED)
			continue;
		size_t before = out->len;
		if (out->data[out->len - 1] != '[')
			strbuf_addc(out, ',');
		strbuf_add_json_string(out, c->header[i], strlen(c->header[i]));
		if (out->len - start + 1 > max) {
			out->len = before; /* the rest do not fit */
			break;
		}
	}
	strbuf_addc(out, ']');
	out->data[out->len] = '\0';
}

void contact_csv_rejects_header(struct csv_writer *w, const struct contact_csv *c)
{
	csv_writer_field(w, "line", 4, false);
	csv_writer_field(w, "column", 6, false);
	csv_writer_field(w, "reason", 6, false);
	for (size_t i = 0; i < c->file_cols; i++)
		csv_writer_field(w, c->header[i], strlen(c->header[i]), false);
	csv_writer_end_row(w);
}

static void rejects_where(struct csv_writer *w, unsigned long line, unsigned long column,
			  const char *why)
{
	char num[32];
	int n = snprintf(num, sizeof(num), "%lu", line);
	csv_writer_field(w, num, (size_t)n, false);
	n = snprintf(num, sizeof(num), "%lu", column);
	csv_writer_field(w, num, (size_t)n, false);
	csv_writer_field(w, why, strlen(why), false);
}

void contact_csv_rejects_row(struct csv_writer *w, unsigned long line, unsigned long column,
			     const char *why, const struct csv_record *rec)
{
	rejects_where(w, line, column, why);
	for (size_t i = 0; rec && i < rec->count; i++)
		csv_writer_field(w, rec->fields[i].data, rec->fields[i].len, false);
	csv_writer_end_row(w);
}

void contact_csv_rejects_raw(struct csv_writer *w, unsigned long line, unsigned long column,
			     const char *why, const struct csv_reader *reader)
{
	const char *raw;
	size_t len;
	rejects_where(w, line, column, why);
	if (csv_reader_last_raw(reader, &raw, &len) == 0)
		csv_writer_field(w, raw, len, false);
	csv_writer_end_row(w);
}

int contact_csv_row(struct contact_csv *c, const struct csv_record *rec,
		    struct contact_csv_row *out, int *bad_field, char *why, size_t why_size)
{
	const struct contact_schema *s = c->schema;
	*bad_field = -1;
	if (rec->count != c->file_cols) {
		snprintf(why, why_size, "the row has %zu field%s; the header has %zu", rec->count,
			 rec->count == 1 ? "" : "s", c->file_cols);
		return -1;
	}
	for (size_t k = 0; k < s->count; k++) {
		c->values[k] = "";
		c->lens[k] = 0;
	}
	json_decref(c->meta);
	c->meta = NULL;
	memset(out, 0, sizeof(*out));
	out->callable = true;
	for (size_t i = 0; i < rec->count; i++) {
		const char *v = rec->fields[i].data;
		/* Stored values are C strings: a NUL would cut the value short. */
		const char *nul = rec->nul ? memchr(v, '\0', rec->fields[i].len) : NULL;
		if (nul) {
			*bad_field = (int)i;
			snprintf(why, why_size,
				 "a NUL byte (0x00) at byte %zu of the field: a value cannot hold "
				 "one; remove it",
				 (size_t)(nul - v) + 1);
			return -1;
		}
		size_t len = contact_value_trim(s, &v, rec->fields[i].len);
		int k = c->map[i];
		if ((int)i == c->id_col) {
			out->id = v;
			out->id_len = len;
			/* The API's rule (contact_fields: 1-256 characters, no controls). */
			const char *bad = len == 0 ? "is blank"
					  : utf8_count(v, len) > CONTACT_CSV_MAX_ID
						  ? "is longer than 256 characters"
					  : text_has_control(v, len) ? "holds a control character"
								     : NULL;
			if (bad) {
				*bad_field = (int)i;
				snprintf(why, why_size, "the contact id %s", bad);
				return -1;
			}
		}
		if (k == CONTACT_CSV_STATE &&
		    state_column_apply(s, &c->state[i], v, len, &out->callable,
				       &out->callable_given, &c->meta)) {
			*bad_field = (int)i;
			snprintf(why, why_size, "%.128s must be 1, 0, true, false or empty",
				 c->header[i]);
			return -1;
		}
		if (k < 0)
			continue;
		char reason[320];
		if (contact_value_check(s, (size_t)k, v, len, reason, sizeof(reason))) {
			*bad_field = (int)i;
			snprintf(why, why_size, "column \"%s\": %s", s->columns[k].name, reason);
			return -1;
		}
		c->values[k] = v;
		c->lens[k] = len;
	}
	out->meta = c->meta;
	return 0;
}

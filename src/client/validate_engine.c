/* The validation engine: a contact file's header and rows through the
 * import's own checks (csv/contact_csv.c), each problem handed to the
 * caller's hook with its place (line, column, field, byte offset) and a
 * code. `dialbook validate` prints what it is given; dialbook_validate_*
 * keeps it. */
#include "client/validate_engine.h"
#include "client/dupes.h"
#include "common/limits.h"
#include "model/contactlist.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void fail(struct dialbook_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct dialbook_error *err, int code, const char *fmt, ...)
{
	if (!err)
		return;
	memset(err, 0, sizeof(*err));
	err->code = code;
	va_list ap;
	va_start(ap, fmt);
	/* The analyzer misses the va_start above (a false positive of clang 14). */
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}

static ssize_t read_memory(void *ctx, char *buf, size_t size)
{
	struct vsource *s = ctx;
	size_t n = s->len - s->pos < size ? s->len - s->pos : size;
	memcpy(buf, s->data + s->pos, n);
	s->pos += n;
	return (ssize_t)n;
}

static int with_encoding(struct vsource *s, const char *encoding, struct dialbook_error *err)
{
	s->read = s->fd >= 0 ? csv_read_fd : read_memory;
	s->ctx = s->fd >= 0 ? (void *)&s->fd : (void *)s;
	if (!encoding)
		return 0;
	s->decoder = csv_decoder_new(encoding, s->read, s->ctx);
	if (!s->decoder) {
		fail(err, DIALBOOK_EINVAL, "encoding %.900s: not an encoding iconv knows",
		     encoding);
		vsource_close(s);
		return DIALBOOK_EINVAL;
	}
	s->read = csv_decoder_read;
	s->ctx = s->decoder;
	return 0;
}

int vsource_open_path(struct vsource *s, const char *path, const char *encoding,
		      struct dialbook_error *err)
{
	memset(s, 0, sizeof(*s));
	bool in = strcmp(path, "-") == 0;
	s->fd = in ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0) {
		fail(err, DIALBOOK_EIO, "%.900s: %s", path, strerror(errno));
		return DIALBOOK_EIO;
	}
	s->owns_fd = !in;
	return with_encoding(s, encoding, err);
}

int vsource_open_bytes(struct vsource *s, const char *data, size_t len, const char *encoding,
		       struct dialbook_error *err)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->data = data ? data : "";
	s->len = data ? len : 0;
	return with_encoding(s, encoding, err);
}

/* Back to the first byte: 0, or -1 on a pipe. */
static int vsource_rewind(struct vsource *s)
{
	if (s->fd >= 0 && lseek(s->fd, 0, SEEK_SET) != 0)
		return -1;
	s->pos = 0;
	if (s->decoder)
		csv_decoder_reset(s->decoder);
	return 0;
}

void vsource_close(struct vsource *s)
{
	csv_decoder_free(s->decoder);
	s->decoder = NULL;
	if (s->owns_fd && s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->owns_fd = false;
}

int validate_schema_load(const char *json_text, const char *origin, struct contact_schema *schema,
			 struct dialbook_error *err)
{
	json_error_t jerr;
	json_t *body = json_loads(json_text, 0, &jerr);
	if (!body) {
		char where[300];
		snprintf(where, sizeof(where), "%.256s:%d:%d", origin, jerr.line, jerr.column);
		fail(err, DIALBOOK_EINVAL, "%s: not valid JSON: %s", where, jerr.text);
		return DIALBOOK_EINVAL;
	}
	/* What a person has before the list exists: a bare array of column
	 * definitions, or an object with only columns. The name matters to the
	 * server, not to the checks. */
	if (json_is_array(body)) {
		json_t *wrapped =
			json_pack("{s:s,s:o}", "name", "validate", "columnDefinitions", body);
		body = wrapped;
	} else if (json_is_object(body) && !json_object_get(body, "name")) {
		json_object_set_new(body, "name", json_string("validate"));
	}
	struct db_limits limits;
	db_limits_init(&limits);
	struct contact_list_input in;
	struct problem p;
	problem_init(&p);
	/* Update mode: a definition read back from a server carries id, version... */
	int rc = contact_list_parse(body, FIELD_UPDATE, &limits, NULL, &in, &p);
	json_decref(body);
	if (rc) {
		fail(err, DIALBOOK_EINVAL, "%s: not a contact list definition: %s", origin,
		     p.message);
		problem_release(&p);
		return DIALBOOK_EINVAL;
	}
	rc = contact_schema_init(schema, in.doc, &limits);
	contact_list_input_release(&in);
	if (rc) {
		fail(err, DIALBOOK_EINVAL, "%s: not a contact list definition: %s", origin,
		     "its columns cannot be checked");
		return DIALBOOK_EINVAL;
	}
	return 0;
}

/* One run: the hooks, the counts, the reader and the header's mapping. */
struct run {
	const struct validate_hooks *hooks;
	struct validate_counts *counts;
	struct contact_csv check;
	struct csv_reader *reader;
};

static void report(struct run *r, const char *severity, const char *code, const char *message,
		   unsigned long line, unsigned long column, long field, uint64_t offset,
		   bool rejected, const struct csv_record *rec)
{
	struct dialbook_problem p = {
		.severity = severity,
		.code = code,
		.message = message,
		.field_name = field >= 0 && r->check.header && (size_t)field < r->check.file_cols
				      ? r->check.header[field]
				      : NULL,
		.field_index = field,
		.line = line,
		.column = column,
		.offset = offset,
	};
	r->hooks->problem(r->hooks->ctx, &p, rejected, &r->check, rec, r->reader);
}

/* Reads a record; when the encoding's conversion is what stopped the
 * reader, the error is the decoder's, with the bad byte's offset. */
static int next_record(struct run *r, const struct vsource *src, struct csv_record *rec,
		       struct csv_error *err)
{
	int rc = csv_reader_next(r->reader, rec, err);
	const struct csv_error *own = src->decoder ? csv_decoder_error(src->decoder) : NULL;
	if (rc < 0 && csv_reader_failed(r->reader) && own)
		*err = *own;
	return rc;
}

static void check_header(struct run *r, const struct vsource *src,
			 const struct contact_schema *schema, const char *id_name)
{
	struct csv_record rec;
	struct csv_error err;
	int rc = next_record(r, src, &rec, &err);
	if (rc == 0) {
		report(r, "error", "EMPTY_FILE",
		       "EMPTY_FILE: the file is empty: it needs a header row", 1, 1, -1, 0, false,
		       NULL);
		return;
	}
	if (rc < 0) {
		char msg[300];
		snprintf(msg, sizeof(msg), "INVALID_HEADER: %s", err.message);
		report(r, "error", "INVALID_HEADER", msg, err.line, err.column, -1,
		       csv_record_offset(r->reader), false, NULL);
		return;
	}
	struct contact_csv_failure why = {0};
	struct db_limits limits;
	db_limits_init(&limits);
	if (contact_csv_header(&r->check, schema, &rec, id_name, limits.max_columns, &why)) {
		char msg[700];
		snprintf(msg, sizeof(msg), "%s: %s", why.reason, why.detail);
		report(r, "error", why.reason, msg, why.line ? why.line : 1,
		       why.column ? why.column : 1, -1, 0, false, NULL);
		return;
	}
	r->counts->header_ok = true;
	/* Columns that are not the list's are imported by nobody: say so. */
	for (size_t i = 0; i < r->check.file_cols; i++) {
		if (r->check.map[i] != CONTACT_CSV_IGNORED)
			continue;
		char msg[700];
		snprintf(msg, sizeof(msg),
			 "IGNORED_COLUMN: \"%.512s\" is not a column of the contact list; imports "
			 "ignore it",
			 r->check.header[i]);
		report(r, "warning", "IGNORED_COLUMN", msg, 1, csv_field_column(&rec, i), (long)i,
		       csv_field_offset(&rec, i), false, &rec);
	}
}

/* Second pass for a contact id column: the candidates, confirmed. */
static void confirm_duplicates(struct run *r, struct vsource *src, struct dupes *d)
{
	struct csv_reader *first = r->reader;
	r->reader = csv_reader_new(src->read, src->ctx);
	struct csv_record rec;
	struct csv_error err;
	int rc;
	bool header = true;
	while ((rc = csv_reader_next(r->reader, &rec, &err)) != 0) {
		if (rc < 0 || rec.blank)
			continue;
		if (header) {
			header = false;
			continue;
		}
		struct contact_csv_row row;
		int bad;
		char why[256];
		if (contact_csv_row(&r->check, &rec, &row, &bad, why, sizeof(why)) || !row.id)
			continue;
		unsigned long seen = dupes_confirm(d, row.id, row.id_len, rec.line);
		if (!seen)
			continue;
		size_t col = (size_t)r->check.id_col;
		char msg[400];
		snprintf(msg, sizeof(msg),
			 "contact id \"%.*s\" repeats line %lu (the import keeps the last)",
			 (int)(row.id_len > 64 ? 64 : row.id_len), row.id, seen);
		report(r, "error", "DUPLICATE_CONTACT_ID", msg, rec.fields[col].line,
		       csv_field_column(&rec, col), (long)col, csv_field_offset(&rec, col), true,
		       &rec);
		r->counts->invalid++;
	}
	csv_reader_free(r->reader);
	r->reader = first;
}

int validate_engine_run(struct vsource *src, const struct contact_schema *schema,
			const char *id_name, const struct validate_hooks *hooks,
			struct validate_counts *counts)
{
	memset(counts, 0, sizeof(*counts));
	struct run r = {.hooks = hooks, .counts = counts};
	r.reader = csv_reader_new(src->read, src->ctx);
	struct dupes *d = id_name ? dupes_new() : NULL;
	check_header(&r, src, schema, id_name);
	struct csv_record rec;
	struct csv_error err;
	int rc;
	while (counts->header_ok && (rc = next_record(&r, src, &rec, &err)) != 0) {
		if (rc < 0) {
			bool fatal = csv_reader_failed(r.reader);
			counts->rows++;
			counts->invalid++;
			report(&r, "error", fatal ? "INVALID_FILE" : "INVALID_RECORD", err.message,
			       err.line, err.column, -1, csv_record_offset(r.reader), true, NULL);
			continue;
		}
		if (rec.blank) {
			counts->blank++;
			report(&r, "warning", "BLANK_ROW", "blank row (imports skip it)", rec.line,
			       1, -1, csv_record_offset(r.reader), false, &rec);
			continue;
		}
		counts->rows++;
		struct contact_csv_row row;
		int bad;
		char why[256];
		if (contact_csv_row(&r.check, &rec, &row, &bad, why, sizeof(why))) {
			const struct csv_field *f = bad >= 0 ? &rec.fields[bad] : NULL;
			counts->invalid++;
			report(&r, "error", f ? "INVALID_VALUE" : "INVALID_ROW", why,
			       f ? f->line : rec.line, f ? csv_field_column(&rec, (size_t)bad) : 1,
			       bad,
			       f ? csv_field_offset(&rec, (size_t)bad)
				 : csv_record_offset(r.reader),
			       true, &rec);
			continue;
		}
		if (d && row.id)
			dupes_note(d, row.id, row.id_len);
	}
	counts->byte_order_mark = csv_reader_had_bom(r.reader);
	csv_reader_free(r.reader);
	r.reader = NULL;
	if (d && dupes_candidates(d) > 0) {
		if (vsource_rewind(src) == 0)
			confirm_duplicates(&r, src, d);
		else
			counts->duplicates_unchecked = true;
	}
	dupes_free(d);
	contact_csv_release(&r.check);
	return 0;
}

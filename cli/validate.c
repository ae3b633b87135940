/* Validation of a contact file, with its report: the engine of `dialbook
 * validate`. */
#include "cli/validate.h"
#include "cli/cli.h"
#include "cli/dupes.h"
#include "model/contactlist.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void problem(struct report *r, const char *kind, unsigned long line, unsigned long column,
		    const char *message)
{
	r->problems++;
	if (kind[0] == 'w')
		r->warnings++;
	if (r->printed >= r->max_errors)
		return;
	r->printed++;
	if (r->json)
		json_array_append_new(r->errors, json_pack("{s:s,s:I,s:I,s:s}", "severity", kind,
							   "line", (json_int_t)line, "column",
							   (json_int_t)column, "message", message));
	else
		fprintf(r->out, "%s:%lu:%lu: %s: %s\n", r->file, line, column, kind, message);
}

/* rec NULL: the reader could not split the record; its raw bytes are kept. */
static void reject(struct report *r, const struct contact_csv *check, unsigned long line,
		   unsigned long column, const char *why, const struct csv_record *rec,
		   const struct csv_reader *reader)
{
	if (!r->rejects)
		return;
	if (!r->rejects_started) {
		contact_csv_rejects_header(&r->rw, check);
		r->rejects_started = true;
	}
	if (rec)
		contact_csv_rejects_row(&r->rw, line, column, why, rec);
	else
		contact_csv_rejects_raw(&r->rw, line, column, why, reader);
}

/* The list's definition, through the same rules as the server's. */
int cli_load_schema(const char *json_text, const char *origin, struct contact_schema *schema)
{
	json_error_t jerr;
	json_t *body = json_loads(json_text, 0, &jerr);
	if (!body) {
		fprintf(stderr, "dialbook: %s:%d:%d: not valid JSON: %s\n", origin, jerr.line,
			jerr.column, jerr.text);
		return EXIT_INVALID;
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
		fprintf(stderr, "dialbook: %s: not a contact list definition: %s\n", origin,
			p.message);
		problem_release(&p);
		return EXIT_INVALID;
	}
	rc = contact_schema_init(schema, in.doc, &limits);
	contact_list_input_release(&in);
	return rc ? EXIT_INVALID : EXIT_DONE;
}

/* Reads a record; when the --encoding conversion is what stopped the
 * reader, the error is the decoder's, with the bad byte's offset. */
static int next_record(struct csv_reader *reader, const struct cli_input *in,
		       struct csv_record *rec, struct csv_error *err)
{
	int rc = csv_reader_next(reader, rec, err);
	if (rc < 0 && csv_reader_failed(reader))
		*err = *cli_input_error(in, err);
	return rc;
}

/* Second pass for --contact-id-name: the candidates, confirmed. */
static int confirm_duplicates(struct report *r, struct dupes *d, const char *path,
			      struct contact_csv *check, const struct contact_schema *schema)
{
	struct cli_input in;
	if (cli_input_open(&in, path, r->encoding))
		return -1;
	struct csv_reader *reader = csv_reader_new(in.read, in.ctx);
	struct csv_record rec;
	struct csv_error err;
	int rc;
	bool header = true;
	while ((rc = csv_reader_next(reader, &rec, &err)) != 0) {
		if (rc < 0 || rec.blank)
			continue;
		if (header) {
			header = false;
			continue;
		}
		struct contact_csv_row row;
		int bad;
		char why[256];
		if (contact_csv_row(check, &rec, &row, &bad, why, sizeof(why)) || !row.id)
			continue;
		unsigned long first = dupes_confirm(d, row.id, row.id_len, rec.line);
		if (!first)
			continue;
		const struct csv_field *f = &rec.fields[check->id_col];
		char msg[400];
		snprintf(msg, sizeof(msg),
			 "contact id \"%.*s\" repeats line %lu (the import keeps the last)",
			 (int)(row.id_len > 64 ? 64 : row.id_len), row.id, first);
		unsigned long column = csv_field_column(&rec, (size_t)check->id_col);
		problem(r, "error", f->line, column, msg);
		reject(r, check, f->line, column, msg, &rec, reader);
		r->invalid++;
	}
	(void)schema;
	csv_reader_free(reader);
	cli_input_close(&in);
	return 0;
}

int cli_validate_run(struct report *r, const char *path, const struct contact_schema *schema,
		     const char *id_name)
{
	struct cli_input in;
	if (cli_input_open(&in, path, r->encoding))
		return EXIT_INVALID;
	struct csv_reader *reader = csv_reader_new(in.read, in.ctx);
	struct contact_csv check;
	memset(&check, 0, sizeof(check));
	struct dupes *d = id_name ? dupes_new() : NULL;
	struct csv_record rec;
	struct csv_error err;
	int rc = next_record(reader, &in, &rec, &err);
	bool header_ok = false;
	if (rc == 0) {
		problem(r, "error", 1, 1, "EMPTY_FILE: the file is empty: it needs a header row");
	} else if (rc < 0) {
		char msg[300];
		snprintf(msg, sizeof(msg), "INVALID_HEADER: %s", err.message);
		problem(r, "error", err.line, err.column, msg);
	} else {
		struct contact_csv_failure why = {0};
		struct db_limits limits;
		db_limits_init(&limits);
		if (contact_csv_header(&check, schema, &rec, id_name, limits.max_columns, &why)) {
			char msg[700];
			snprintf(msg, sizeof(msg), "%s: %s", why.reason, why.detail);
			problem(r, "error", why.line ? why.line : 1, why.column ? why.column : 1,
				msg);
		} else {
			header_ok = true;
		}
		/* Columns that are not the list's are imported by nobody: say so. */
		for (size_t i = 0; header_ok && i < check.file_cols; i++) {
			if (check.map[i] != CONTACT_CSV_IGNORED)
				continue;
			char msg[700];
			snprintf(msg, sizeof(msg),
				 "IGNORED_COLUMN: \"%.512s\" is not a column of the contact "
				 "list; imports ignore it",
				 check.header[i]);
			problem(r, "warning", 1, csv_field_column(&rec, i), msg);
		}
	}
	r->bom = csv_reader_had_bom(reader);
	while (header_ok && (rc = next_record(reader, &in, &rec, &err)) != 0) {
		if (rc < 0) {
			r->rows++;
			r->invalid++;
			problem(r, "error", err.line, err.column, err.message);
			reject(r, &check, err.line, err.column, err.message, NULL, reader);
			continue;
		}
		if (rec.blank) {
			r->blank++;
			problem(r, "warning", rec.line, 1, "blank row (imports skip it)");
			continue;
		}
		r->rows++;
		struct contact_csv_row row;
		int bad;
		char why[256];
		if (contact_csv_row(&check, &rec, &row, &bad, why, sizeof(why))) {
			const struct csv_field *f = bad >= 0 ? &rec.fields[bad] : NULL;
			unsigned long line = f ? f->line : rec.line;
			unsigned long column = f ? csv_field_column(&rec, (size_t)bad) : 1;
			r->invalid++;
			problem(r, "error", line, column, why);
			reject(r, &check, line, column, why, &rec, reader);
			continue;
		}
		if (d && row.id)
			dupes_note(d, row.id, row.id_len);
	}
	csv_reader_free(reader);
	bool from_stdin = in.fd == STDIN_FILENO;
	cli_input_close(&in);
	if (d && dupes_candidates(d) > 0) {
		if (from_stdin)
			fprintf(stderr, "dialbook: repeated contact ids are checked only in files, "
					"not on standard input\n");
		else
			confirm_duplicates(r, d, path, &check, schema);
	}
	dupes_free(d);
	contact_csv_release(&check);
	return header_ok ? EXIT_DONE : EXIT_INVALID;
}

static const char *plural(unsigned long long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

void cli_validate_summary(struct report *r, bool header_ok)
{
	unsigned long long valid = r->rows - r->invalid;
	unsigned long not_printed = r->problems - r->printed;
	unsigned long errors = r->problems - r->warnings;
	if (r->json) {
		json_t *out = json_pack(
			"{s:s,s:b,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o}", "file", r->file, "headerOk",
			header_ok, "rows", (json_int_t)r->rows, "valid", (json_int_t)valid,
			"invalid", (json_int_t)r->invalid, "blank", (json_int_t)r->blank,
			"errorCount", (json_int_t)errors, "warningCount", (json_int_t)r->warnings,
			"notPrinted", (json_int_t)not_printed, "problems", r->errors);
		json_object_set_new(out, "byteOrderMark", json_boolean(r->bom));
		r->errors = NULL;
		char *text = json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER);
		fprintf(r->out, "%s\n", text);
		free(text);
		json_decref(out);
		return;
	}
	fprintf(r->out, "%s: %llu %s: %llu valid, %llu invalid; %llu blank %s; %lu %s, %lu %s",
		r->file, r->rows, plural(r->rows, "row", "rows"), valid, r->invalid, r->blank,
		plural(r->blank, "row", "rows"), errors, plural(errors, "error", "errors"),
		r->warnings, plural(r->warnings, "warning", "warnings"));
	if (not_printed)
		fprintf(r->out, " (%lu not printed; see --max-errors)", not_printed);
	fprintf(r->out, "%s\n", header_ok ? "" : "; the header is not importable");
}

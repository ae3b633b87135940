/* The report of `dialbook validate` (and of `contacts import`, which
 * validates first): libdialbook's validation engine, the same as
 * dialbook_validate_*, printed like a compiler's messages. */
#include "cli/validate.h"
#include "cli/cli.h"
#include "client/validate_engine.h"

#include <stdlib.h>
#include <string.h>

/* The message without the `column "NAME": ` the import's reason starts
 * with, when the report names the field anyway. */
static const char *without_column(const char *message, const char *field)
{
	size_t n = field ? strlen(field) : 0;
	if (field && strncmp(message, "column \"", 8) == 0 && strncmp(message + 8, field, n) == 0 &&
	    strncmp(message + 8 + n, "\": ", 3) == 0)
		return message + 8 + n + 3;
	return message;
}

static void problem(struct report *r, const struct dialbook_problem *p)
{
	r->problems++;
	if (p->severity[0] == 'w')
		r->warnings++;
	if (r->printed >= r->max_errors)
		return;
	r->printed++;
	if (r->json) {
		/* Every place: line, character column, field (name and 1-based
		 * number), byte offset. */
		json_t *o = json_pack("{s:s,s:s,s:I,s:I}", "severity", p->severity, "code", p->code,
				      "line", (json_int_t)p->line, "column", (json_int_t)p->column);
		if (p->field_index >= 0) {
			json_object_set_new(o, "field",
					    p->field_name ? json_string(p->field_name)
							  : json_null());
			json_object_set_new(o, "fieldNumber", json_integer(p->field_index + 1));
		}
		json_object_set_new(o, "offset", json_integer((json_int_t)p->offset));
		json_object_set_new(o, "message", json_string(p->message));
		json_array_append_new(r->errors, o);
	} else if (p->field_index >= 0 && p->field_name) {
		fprintf(r->out, "%s:%lu: field \"%s\" (%ld): %s: %s\n", r->file, p->line,
			p->field_name, p->field_index + 1, p->severity,
			without_column(p->message, p->field_name));
	} else if (p->column > 1) { /* a place on the line: a stray quote, a bad byte */
		fprintf(r->out, "%s:%lu: character %lu: %s: %s\n", r->file, p->line, p->column,
			p->severity, p->message);
	} else {
		fprintf(r->out, "%s:%lu: %s: %s\n", r->file, p->line, p->severity, p->message);
	}
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
	struct dialbook_error err;
	if (validate_schema_load(json_text, origin, schema, &err) == 0)
		return EXIT_DONE;
	fprintf(stderr, "dialbook: %s\n", err.message);
	return EXIT_INVALID;
}

/* The engine's hook: each problem printed, its row written to --rejects. */
static void on_problem(void *ctx, const struct dialbook_problem *p, bool rejected,
		       const struct contact_csv *check, const struct csv_record *rec,
		       const struct csv_reader *reader)
{
	struct report *r = ctx;
	problem(r, p);
	if (rejected)
		reject(r, check, p->line, p->column, p->message, rec, reader);
}

int cli_validate_run(struct report *r, const char *path, const struct contact_schema *schema,
		     const char *id_name)
{
	struct vsource src;
	struct dialbook_error err;
	if (vsource_open_path(&src, path, r->encoding, &err)) {
		fprintf(stderr, "dialbook: %s\n", err.message);
		return EXIT_USAGE; /* a file named wrong: the command line's fault */
	}
	struct validate_hooks hooks = {.problem = on_problem, .ctx = r};
	struct validate_counts counts;
	validate_engine_run(&src, schema, id_name, &hooks, &counts);
	vsource_close(&src);
	r->rows = counts.rows;
	r->invalid = counts.invalid;
	r->blank = counts.blank;
	r->bom = counts.byte_order_mark;
	if (counts.duplicates_unchecked)
		fprintf(stderr, "dialbook: repeated contact ids are checked only in files, "
				"not on standard input\n");
	return counts.header_ok ? EXIT_DONE : EXIT_INVALID;
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

/* dialbook validate: the server's import checks, run locally, streaming,
 * with every problem reported like a compiler's. */
#include "cli/cli.h"
#include "cli/dupes.h"
#include "csv/contact_csv.h"
#include "csv/csv_writer.h"
#include "model/contactlist.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
	"usage: dialbook validate (--list LIST.json | --list-id ID) [options] FILE.csv\n"
	"\n"
	"Checks a contact file exactly as dialbookd's import does, without uploading it:\n"
	"the header against the list's columns (case-insensitive; duplicates, missing\n"
	"required columns, the 50-column and 128-character limits), every value (required,\n"
	"512 characters, phone, e-mail, numeric, timestamp), UTF-8, quoting and field\n"
	"counts. Problems are printed as FILE:LINE:COLUMN: error: ..., then a summary.\n"
	"Exit status 0 only when the file would import with no rejected row.\n"
	"\n"
	"  --list LIST.json         the list's definition: a ContactList (columnNames,\n"
	"                           phoneColumns, ...) or columnDefinitions\n"
	"  --list-id ID             fetch the definition from the server instead\n"
	"  --contact-id-name COL    the column holding contact ids; also reports ids that\n"
	"                           repeat (reads the file twice when some may)\n"
	"  --max-errors N           print at most N problems (default 100; all are counted)\n"
	"  --rejects OUT.csv        write the rejected rows with line, column and reason\n"
	"  --json                   one JSON summary on stdout instead of the text "
	"report\n" CLI_TARGET_HELP;

struct report {
	const char *file;
	unsigned long max_errors, printed, problems;
	unsigned long long rows, invalid, blank;
	bool json;
	json_t *errors; /* --json: the printed problems */
	FILE *rejects;
	struct csv_writer rw;
	bool rejects_started;
};

static void problem(struct report *r, const char *kind, unsigned long line, unsigned long column,
		    const char *message)
{
	r->problems++;
	if (r->printed >= r->max_errors)
		return;
	r->printed++;
	if (r->json)
		json_array_append_new(r->errors, json_pack("{s:s,s:I,s:I,s:s}", "severity", kind,
							   "line", (json_int_t)line, "column",
							   (json_int_t)column, "message", message));
	else
		printf("%s:%lu:%lu: %s: %s\n", r->file, line, column, kind, message);
}

static int write_file(void *ctx, const char *data, size_t len)
{
	return fwrite(data, 1, len, ctx) == len ? 0 : -1;
}

static void reject(struct report *r, const struct contact_csv *check, unsigned long line,
		   unsigned long column, const char *why, const struct csv_record *rec)
{
	if (!r->rejects)
		return;
	if (!r->rejects_started) {
		contact_csv_rejects_header(&r->rw, check);
		r->rejects_started = true;
	}
	contact_csv_rejects_row(&r->rw, line, column, why, rec);
}

static ssize_t read_fd(void *ctx, char *buf, size_t size)
{
	ssize_t n;
	do
		n = read(*(int *)ctx, buf, size);
	while (n < 0 && errno == EINTR);
	return n;
}

/* The list's definition, through the same rules as the server's. */
static int load_schema(const char *json_text, const char *origin, struct contact_schema *schema)
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

/* Second pass for --contact-id-name: the candidates, confirmed. */
static int confirm_duplicates(struct report *r, struct dupes *d, const char *path,
			      struct contact_csv *check, const struct contact_schema *schema)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct csv_reader *reader = csv_reader_new(read_fd, &fd);
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
		reject(r, check, f->line, column, msg, &rec);
		r->invalid++;
	}
	(void)schema;
	csv_reader_free(reader);
	close(fd);
	return 0;
}

static int run(struct report *r, const char *path, const struct contact_schema *schema,
	       const char *id_name)
{
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "dialbook: %s: %s\n", path, strerror(errno));
		return EXIT_INVALID;
	}
	struct csv_reader *reader = csv_reader_new(read_fd, &fd);
	struct contact_csv check;
	memset(&check, 0, sizeof(check));
	struct dupes *d = id_name ? dupes_new() : NULL;
	struct csv_record rec;
	struct csv_error err;
	int rc = csv_reader_next(reader, &rec, &err);
	bool header_ok = false;
	if (rc == 0) {
		problem(r, "error", 1, 1, "EMPTY_FILE: the file is empty: it needs a header row");
	} else if (rc < 0) {
		char msg[300];
		snprintf(msg, sizeof(msg), "INVALID_HEADER: %s", err.message);
		problem(r, "error", err.line, err.column, msg);
	} else {
		struct contact_csv_failure why;
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
	}
	while (header_ok && (rc = csv_reader_next(reader, &rec, &err)) != 0) {
		if (rc < 0) {
			r->rows++;
			r->invalid++;
			problem(r, "error", err.line, err.column, err.message);
			reject(r, &check, err.line, err.column, err.message, NULL);
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
			reject(r, &check, line, column, why, &rec);
			continue;
		}
		if (d && row.id)
			dupes_note(d, row.id, row.id_len);
	}
	csv_reader_free(reader);
	if (fd != STDIN_FILENO)
		close(fd);
	if (d && dupes_candidates(d) > 0) {
		if (fd == STDIN_FILENO)
			fprintf(stderr, "dialbook: repeated contact ids are checked only in files, "
					"not on standard input\n");
		else
			confirm_duplicates(r, d, path, &check, schema);
	}
	dupes_free(d);
	contact_csv_release(&check);
	return header_ok ? EXIT_DONE : EXIT_INVALID;
}

static void summary(struct report *r, bool header_ok)
{
	unsigned long long valid = r->rows - r->invalid;
	unsigned long not_printed = r->problems - r->printed;
	if (r->json) {
		json_t *out =
			json_pack("{s:s,s:b,s:I,s:I,s:I,s:I,s:I,s:I,s:o}", "file", r->file,
				  "headerOk", header_ok, "rows", (json_int_t)r->rows, "valid",
				  (json_int_t)valid, "invalid", (json_int_t)r->invalid, "blank",
				  (json_int_t)r->blank, "problems", (json_int_t)r->problems,
				  "notPrinted", (json_int_t)not_printed, "errors", r->errors);
		r->errors = NULL;
		char *text = json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER);
		printf("%s\n", text);
		free(text);
		json_decref(out);
		return;
	}
	printf("%s: %llu rows: %llu valid, %llu invalid; %llu blank rows; %lu problems", r->file,
	       r->rows, valid, r->invalid, r->blank, r->problems);
	if (not_printed)
		printf(" (%lu not printed; see --max-errors)", not_printed);
	printf("%s\n", header_ok ? "" : "; the header is not importable");
}

int cmd_validate(int argc, char **argv)
{
	static const struct option options[] = {
		{"list", required_argument, NULL, 'l'},
		{"list-id", required_argument, NULL, 'i'},
		{"contact-id-name", required_argument, NULL, 'c'},
		{"max-errors", required_argument, NULL, 'm'},
		{"rejects", required_argument, NULL, 'r'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		CLI_TARGET_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	const char *list_file = NULL, *list_id = NULL, *id_name = NULL, *rejects = NULL;
	struct report r = {.max_errors = 100};
	struct cli_target target = {0};
	opterr = 0;
	optind = 1;
	int opt;
	while ((opt = getopt_long(argc, argv, ":", options, NULL)) != -1) {
		if (cli_target_option(&target, opt, optarg))
			continue;
		switch (opt) {
		case 'l':
			list_file = optarg;
			break;
		case 'i':
			list_id = optarg;
			break;
		case 'c':
			id_name = optarg;
			break;
		case 'm': {
			char *end;
			errno = 0;
			unsigned long v = strtoul(optarg, &end, 10);
			if (!*optarg || *end || errno || optarg[0] == '-')
				return cli_usage("validate", "--max-errors wants a number, got %s",
						 optarg);
			r.max_errors = v;
			break;
		}
		case 'r':
			rejects = optarg;
			break;
		case 'j':
			r.json = true;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_DONE;
		default:
			return cli_bad_option("validate", opt, argv);
		}
	}
	if (optind + 1 != argc)
		return cli_usage("validate", optind == argc ? "name the CSV file to check"
							    : "check one file at a time");
	if (!list_file == !list_id)
		return cli_usage("validate", "give the list as --list LIST.json or --list-id ID");
	r.file = argv[optind];

	struct contact_schema schema;
	char *definition = NULL;
	int rc;
	if (list_file) {
		if (!(definition = cli_read_file(list_file, 1u << 20)))
			return EXIT_INVALID;
		rc = load_schema(definition, list_file, &schema);
	} else {
		struct dialbook_client *client;
		if ((rc = cli_connect(&target, &client)))
			return rc;
		struct dialbook_error err;
		int code = dialbook_list_get(client, list_id, &definition, &err);
		dialbook_client_free(client);
		if (code)
			return cli_fail("cannot fetch the list", code, &err);
		rc = load_schema(definition, list_id, &schema);
	}
	free(definition);
	if (rc)
		return rc;
	if (rejects) {
		if (!(r.rejects = fopen(rejects, "w"))) {
			fprintf(stderr, "dialbook: %s: %s\n", rejects, strerror(errno));
			contact_schema_release(&schema);
			return EXIT_INVALID;
		}
		csv_writer_init(&r.rw, write_file, r.rejects);
	}
	static char out_buf[1 << 16];
	setvbuf(stdout, out_buf, _IOFBF, sizeof(out_buf));
	r.errors = r.json ? json_array() : NULL;
	rc = run(&r, r.file, &schema, id_name);
	bool header_ok = rc == EXIT_DONE;
	if (rc == EXIT_INVALID && r.problems == 0) { /* the file could not be opened */
		contact_schema_release(&schema);
		if (r.rejects)
			fclose(r.rejects);
		json_decref(r.errors);
		return rc;
	}
	summary(&r, header_ok);
	json_decref(r.errors);
	if (r.rejects && (csv_writer_finish(&r.rw) || fclose(r.rejects))) {
		fprintf(stderr, "dialbook: %s: writing failed\n", rejects);
		rc = EXIT_INVALID;
	}
	contact_schema_release(&schema);
	fflush(stdout);
	return header_ok && r.invalid == 0 ? EXIT_DONE : EXIT_INVALID;
}

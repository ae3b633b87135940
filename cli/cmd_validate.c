/* dialbook validate: the server's import checks, run locally, streaming,
 * with every problem reported like a compiler's. */
#include "cli/cli.h"
#include "cli/validate.h"

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
	"  --encoding NAME          the file's encoding when it is not UTF-8 (windows-1252,\n"
	"                           latin1, utf-16, utf-16le... any name iconv knows): it is\n"
	"                           converted to UTF-8 as it is read; lines and columns are\n"
	"                           the file's own\n"
	"  --json                   one JSON summary on stdout instead of the text "
	"report\n" CLI_TARGET_HELP;

int cmd_validate(int argc, char **argv)
{
	static const struct option options[] = {
		{"list", required_argument, NULL, 'l'},
		{"list-id", required_argument, NULL, 'i'},
		{"contact-id-name", required_argument, NULL, 'c'},
		{"max-errors", required_argument, NULL, 'm'},
		{"rejects", required_argument, NULL, 'r'},
		{"encoding", required_argument, NULL, 'e'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		CLI_TARGET_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	const char *list_file = NULL, *list_id = NULL, *id_name = NULL, *rejects = NULL;
	struct report r = {.max_errors = 100, .out = stdout};
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
		case 'e':
			if (cli_check_encoding("validate", optarg))
				return EXIT_USAGE;
			r.encoding = optarg;
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
		rc = cli_load_schema(definition, list_file, &schema);
	} else {
		struct dialbook_client *client;
		if ((rc = cli_connect(&target, &client)))
			return rc;
		struct dialbook_error err;
		int code = dialbook_list_get(client, list_id, &definition, &err);
		dialbook_client_free(client);
		if (code)
			return cli_fail("cannot fetch the list", code, &err);
		rc = cli_load_schema(definition, list_id, &schema);
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
		csv_writer_init(&r.rw, csv_sink_stdio, r.rejects);
	}
	static char out_buf[1 << 16];
	setvbuf(stdout, out_buf, _IOFBF, sizeof(out_buf));
	r.errors = r.json ? json_array() : NULL;
	rc = cli_validate_run(&r, r.file, &schema, id_name);
	bool header_ok = rc == EXIT_DONE;
	if (rc == EXIT_INVALID && r.problems == 0) { /* the file could not be opened */
		contact_schema_release(&schema);
		if (r.rejects)
			fclose(r.rejects);
		json_decref(r.errors);
		return rc;
	}
	cli_validate_summary(&r, header_ok);
	json_decref(r.errors);
	bool written = !r.rejects || (csv_writer_finish(&r.rw) == 0 && fclose(r.rejects) == 0);
	if (!written)
		fprintf(stderr, "dialbook: %s: writing failed\n", rejects);
	contact_schema_release(&schema);
	fflush(stdout);
	return header_ok && written && r.invalid == 0 ? EXIT_DONE : EXIT_INVALID;
}

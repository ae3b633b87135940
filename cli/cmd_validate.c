/* dialbook validate: the server's import checks, run locally, streaming,
 * with every problem reported like a compiler's. */
#include "cli/cli.h"
#include "cli/validate.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
	"usage: dialbook validate --list LIST [options] FILE.csv\n"
	"\n"
	"Checks a contact file exactly as dialbookd's import does, without uploading it:\n"
	"the header against the list's columns (case-insensitive; duplicates, missing\n"
	"required columns, the 50-column and 128-character limits), every value (required,\n"
	"512 characters, phone, e-mail, numeric, timestamp), UTF-8, quoting and field\n"
	"counts. Problems are printed as FILE:LINE: field \"NAME\" (N): error: ... (N is\n"
	"the field's number, from 1), then a summary. Exit status 0 only when the file\n"
	"would import with no rejected row.\n"
	"\n"
	"  --list LIST              the list's columns: a JSON file holding a ContactList\n"
	"                           (columnNames, phoneColumns... or columnDefinitions),\n"
	"                           {\"columnDefinitions\": [...]} or a bare array of column\n"
	"                           definitions; or the id of a list on the server\n"
	"  --list-id ID             the id of a list on the server (the same as --list ID)\n"
	"  --contact-id-name COL    the column holding contact ids; also reports ids that\n"
	"                           repeat (reads the file twice when some may)\n"
	"  --max-errors N           print at most N problems (default " CLI_STR(
		CLI_DEFAULT_MAX_ERRORS) "; all are counted)\n"
					"  --rejects OUT.csv        write the rejected rows with "
					"line, "
					"column and reason\n"
					"  --encoding NAME          the file's encoding when it is "
					"not UTF-8 "
					"(windows-1252,\n"
					"                           latin1, utf-16, utf-16le... "
					"any name "
					"iconv knows): it is\n"
					"                           converted to UTF-8 as it is "
					"read; lines "
					"and columns are\n"
					"                           the file's own\n"
					"  --json                   one JSON summary on stdout "
					"instead of the "
					"text report:\n"
					"                           each problem with severity, "
					"code, line, "
					"column (the\n"
					"                           character), field, "
					"fieldNumber, offset "
					"(the byte), message\n"
					"  -h, --help               this help\n" CLI_TARGET_HELP
					"\n" CLI_EXIT_HELP;

/* A value of --list that names a file, not a list id: it exists, or it
 * looks like a path. */
static bool names_a_file(const char *value)
{
	size_t n = strlen(value);
	return access(value, F_OK) == 0 || strchr(value, '/') ||
	       (n > 5 && strcmp(value + n - 5, ".json") == 0);
}

int cli_list_schema(const char *value, struct cli_target *target, struct contact_schema *schema)
{
	char *definition = NULL;
	int rc;
	if (names_a_file(value)) {
		if (!(definition = cli_read_file(value, 1u << 20)))
			return EXIT_USAGE;
		rc = cli_load_schema(definition, value, schema);
	} else {
		struct dialbook_client *client;
		if ((rc = cli_connect(target, &client)))
			return rc;
		struct dialbook_error err;
		int code = dialbook_list_get(client, value, &definition, &err);
		dialbook_client_free(client);
		if (code == DIALBOOK_EHTTP && err.http_status == 404) {
			fprintf(stderr,
				"dialbook: --list %s: neither a file nor the id of a list on the "
				"server (`dialbook lists ls` shows them)\n",
				value);
			return EXIT_USAGE;
		}
		if (code)
			return cli_fail("cannot fetch the list", code, &err);
		rc = cli_load_schema(definition, value, schema);
	}
	free(definition);
	return rc;
}

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
	struct report r = {.max_errors = CLI_DEFAULT_MAX_ERRORS, .out = stdout};
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
		return cli_usage("validate", "give the list as --list LIST.json (or a list id), or "
					     "--list-id ID; not both");
	r.file = argv[optind];

	/* The file first: a name that is wrong costs no request. */
	if (strcmp(r.file, "-") != 0 && access(r.file, R_OK) != 0) {
		fprintf(stderr, "dialbook: %s: %s; name a file that exists\n", r.file,
			strerror(errno));
		return EXIT_USAGE;
	}
	struct contact_schema schema;
	int rc = cli_list_schema(list_file ? list_file : list_id, &target, &schema);
	if (rc)
		return rc;
	if (rejects) {
		if (!(r.rejects = fopen(rejects, "w"))) {
			fprintf(stderr, "dialbook: %s: %s\n", rejects, strerror(errno));
			contact_schema_release(&schema);
			return EXIT_USAGE;
		}
		csv_writer_init(&r.rw, csv_sink_stdio, r.rejects);
	}
	static char out_buf[1 << 16];
	setvbuf(stdout, out_buf, _IOFBF, sizeof(out_buf));
	r.errors = r.json ? json_array() : NULL;
	rc = cli_validate_run(&r, r.file, &schema, id_name);
	bool header_ok = rc == EXIT_DONE;
	if (rc == EXIT_USAGE) { /* the file could not be opened */
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

/* The dialbook command line: shared helpers of the commands. Results go to
 * stdout, progress and errors to stderr. */
#ifndef DIALBOOK_CLI_H
#define DIALBOOK_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <sys/types.h>

#include "csv/csv_decoder.h"
#include "dialbook/dialbook.h"

/* The exit status table (CLI_EXIT_HELP, README.md "Exit status"). */
enum cli_exit {
	EXIT_DONE = 0,	  /* done */
	EXIT_INVALID = 1, /* invalid data: rows that would be rejected, data the server refused */
	EXIT_USAGE = 2,	  /* usage: a bad flag or argument, a file or id that does not exist */
	EXIT_SERVER = 3,  /* server or network failure: unreachable, 5xx, 429 after retries */
	EXIT_AUTH = 4,	  /* credentials refused, or not allowed (HTTP 401, 403) */
};

#define CLI_EXIT_HELP                                                                              \
	"exit status:\n"                                                                           \
	"  0  done\n"                                                                              \
	"  1  invalid data: rows that would be rejected, data the server refused (400, 409)\n"     \
	"  2  usage error: a bad flag or argument, a file or an id that does not exist\n"          \
	"  3  server or network failure: unreachable, 5xx, still 429 after retries\n"              \
	"  4  authentication failed: wrong client id or secret, or not allowed (401, 403)\n"

/* Problems a validation report prints by default, in `validate` and in
 * `contacts import` alike (all are counted). */
#define CLI_DEFAULT_MAX_ERRORS 20
#define CLI_STR2(x)	       #x
#define CLI_STR(x)	       CLI_STR2(x)

/* Where and who: from flags, else the environment, else the file that
 * `dialbook login` writes. */
struct cli_target {
	const char *base_url, *region, *client_id, *client_secret;
};

/* The options every command that talks to a server takes. */
#define CLI_TARGET_OPTIONS                                                                         \
	{"base-url", required_argument, NULL, 1001}, {"region", required_argument, NULL, 1002},    \
		{"client-id", required_argument, NULL, 1003},                                      \
	{                                                                                          \
		"client-secret", required_argument, NULL, 1004                                     \
	}

#define CLI_TARGET_HELP                                                                            \
	"  --base-url URL       a dialbookd (http://127.0.0.1:8080) or any API base URL\n"         \
	"  --region NAME        a Genesys Cloud region instead, such as us_east_1\n"               \
	"  --client-id ID, --client-secret SECRET\n"                                               \
	"                       OAuth client credentials\n"                                        \
	"  (or DIALBOOK_BASE_URL / DIALBOOK_REGION, DIALBOOK_CLIENT_ID, DIALBOOK_CLIENT_SECRET,\n" \
	"   or what `dialbook login` saved)\n"

/* Takes a CLI_TARGET_OPTIONS value; returns true when `opt` was one. */
bool cli_target_option(struct cli_target *t, int opt, const char *value);
/* Fills what flags left out, then connects. Returns 0, or an exit code
 * after printing why. */
int cli_connect(struct cli_target *t, struct dialbook_client **out);
/* The file `dialbook login` writes ($XDG_CONFIG_HOME/dialbook/credentials). */
void cli_credentials_path(char *out, size_t size);

/* Prints "dialbook: <message> (see `dialbook <cmd> --help`)" and returns 2. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints a libdialbook error and returns its exit code (1 for data the
 * server refused, 3 for server, network and authentication failures). */
int cli_fail(const char *what, int code, const struct dialbook_error *err);
/* Reads a whole (small) file; NULL with the reason printed. */
char *cli_read_file(const char *path, size_t max);
/* Common getopt loop pieces: -h/--help printing `help` (returns -1). */
int cli_bad_option(const char *cmd, int opt, char **argv);

/* Actions: `dialbook CMD --help` prints help (returns 0); no action is a
 * usage error (2); otherwise -1 and argv[1] is the action. */
int cli_show_help_or_verb(const char *cmd, const char *help, int argc, char **argv,
			  const char *actions);
/* Pretty (or compact) JSON on stdout; other text as it is. */
void cli_print_json(const char *text, bool pretty);

/* A contact file read as UTF-8: its bytes as they are, or converted on the
 * fly from the encoding --encoding names. read(ctx) is the csv_read_fn. */
struct cli_input {
	const char *path;
	int fd;
	struct csv_decoder *decoder; /* NULL without an encoding */
	csv_read_fn read;
	void *ctx;
};

/* The usage error for an --encoding iconv does not know (2), or 0. */
int cli_check_encoding(const char *cmd, const char *encoding);
/* Opens path ("-": standard input), converting from encoding unless it is
 * NULL. Returns 0, or -1 after printing why. */
int cli_input_open(struct cli_input *in, const char *path, const char *encoding);
/* Back to the first byte (not on a pipe): 0 or -1. */
int cli_input_rewind(struct cli_input *in);
/* The bytes the input gives in all, read once and rewound; -1 on failure. */
int64_t cli_input_measure(struct cli_input *in);
void cli_input_close(struct cli_input *in);
/* What to report after the CSV reader failed with err: the decoder's own
 * error (the bad byte's offset, line and column) when it was the cause. */
const struct csv_error *cli_input_error(const struct cli_input *in, const struct csv_error *err);

/* The contact list for `validate --list VALUE`: a file when VALUE names
 * one (a ContactList, {"columnDefinitions": [...]} or a bare array), else a
 * list id fetched from the server. Returns 0 with *schema filled, or an
 * exit code after printing why. */
struct contact_schema;
int cli_list_schema(const char *value, struct cli_target *target, struct contact_schema *schema);

int cmd_validate(int argc, char **argv);
int cmd_download(int argc, char **argv);
int cmd_login(int argc, char **argv);
int cmd_lists(int argc, char **argv);
int cmd_contacts(int argc, char **argv);

#endif

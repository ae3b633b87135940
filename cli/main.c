/* dialbook: the command table. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static const char help[] =
	"usage: dialbook COMMAND [ARGS]\n"
	"\n"
	"  validate   check a CSV file against a contact list's columns, before uploading\n"
	"  login      check and save client credentials for the other commands\n"
	"  lists      create, get, ls, update, rm contact lists\n"
	"  contacts   add, get, rm, import, export contacts\n"
	"  download   download a URI the server handed out (rejected rows, an export)\n"
	"\n"
	"`dialbook COMMAND --help` tells more. Results go to stdout, progress and errors to\n"
	"stderr.\n"
	"\n" CLI_EXIT_HELP;

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{"validate", cmd_validate}, {"login", cmd_login},	{"lists", cmd_lists},
	{"contacts", cmd_contacts}, {"download", cmd_download},
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(help, stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(help, stdout);
		return EXIT_DONE;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	return cli_usage(
		NULL, "unknown command %s; commands are validate, login, lists, contacts, download",
		argv[1]);
}

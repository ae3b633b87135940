/* dialbook download URI -o FILE: any URI the server handed out (an
 * export's uri, an import's rejectedRowsUri), with the saved credentials,
 * so that no one needs curl and a token for it. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static const char help[] =
	"usage: dialbook download URI -o FILE\n"
	"\n"
	"Downloads a URI the server handed out (an export's uri, an import's\n"
	"rejectedRowsUri) to FILE, written as FILE.part and renamed when complete. The\n"
	"token is sent only to the server's own host.\n"
	"\n"
	"  -o, --output FILE    where to write it\n"
	"  -h, --help           this help\n" CLI_TARGET_HELP "\n" CLI_EXIT_HELP;

int cmd_download(int argc, char **argv)
{
	static const struct option options[] = {
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		CLI_TARGET_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	const char *output = NULL;
	struct cli_target target = {0};
	opterr = 0;
	optind = 1;
	int opt;
	while ((opt = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		if (cli_target_option(&target, opt, optarg))
			continue;
		switch (opt) {
		case 'o':
			output = optarg;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_DONE;
		default:
			return cli_bad_option("download", opt, argv);
		}
	}
	if (optind + 1 != argc)
		return cli_usage("download", optind == argc ? "name the URI to download"
							    : "download one URI at a time");
	if (!output)
		return cli_usage("download", "say where to write it: -o FILE");
	const char *uri = argv[optind];
	if (uri[0] != '/' && strncmp(uri, "http://", 7) != 0 && strncmp(uri, "https://", 8) != 0)
		return cli_usage("download",
				 "%s is not a URI the server hands out (http://..., https://... "
				 "or /api/v2/downloads/...)",
				 uri);
	struct dialbook_client *c;
	int rc = cli_connect(&target, &c);
	if (rc)
		return rc;
	struct dialbook_error err;
	int64_t bytes = 0;
	int code = dialbook_download(c, uri, output, &bytes, &err);
	dialbook_client_free(c);
	if (code)
		return cli_fail("the download failed", code, &err);
	printf("downloaded to %s (%lld bytes)\n", output, (long long)bytes);
	return EXIT_DONE;
}

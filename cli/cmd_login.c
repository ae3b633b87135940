/* dialbook login: checks credentials against the server and saves them
 * (mode 0600) for the other commands. */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char help[] =
	"usage: dialbook login [--base-url URL | --region NAME] [--client-id ID]\n"
	"                      [--client-secret SECRET] [--json]\n"
	"\n"
	"Gets a token with the client credentials, and saves where and who to\n"
	"$XDG_CONFIG_HOME/dialbook/credentials (~/.config/dialbook/credentials), readable\n"
	"by you only, for the other commands.\n"
	"\n"
	"  --json               print where and who as JSON\n"
	"  -h, --help           this help\n" CLI_TARGET_HELP "\n" CLI_EXIT_HELP;

static int mkdirs(const char *path)
{
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s", path);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

static int save(const char *path, const struct cli_target *t)
{
	if (mkdirs(path))
		return -1;
	char tmp[1100];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return -1;
	}
	fprintf(f, "# written by `dialbook login`\n");
	if (t->base_url)
		fprintf(f, "DIALBOOK_BASE_URL=%s\n", t->base_url);
	else
		fprintf(f, "DIALBOOK_REGION=%s\n", t->region);
	fprintf(f, "DIALBOOK_CLIENT_ID=%s\nDIALBOOK_CLIENT_SECRET=%s\n", t->client_id,
		t->client_secret);
	if (fclose(f) != 0)
		return -1;
	return rename(tmp, path);
}

int cmd_login(int argc, char **argv)
{
	static const struct option options[] = {
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		CLI_TARGET_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	struct cli_target t = {0};
	bool json = false;
	opterr = 0;
	optind = 1;
	int opt;
	while ((opt = getopt_long(argc, argv, ":", options, NULL)) != -1) {
		if (cli_target_option(&t, opt, optarg))
			continue;
		if (opt == 'j') {
			json = true;
		} else if (opt == 'h') {
			fputs(help, stdout);
			return EXIT_DONE;
		} else {
			return cli_bad_option("login", opt, argv);
		}
	}
	if (optind != argc)
		return cli_usage("login", "unexpected argument %s", argv[optind]);
	struct dialbook_client *c;
	int rc = cli_connect(&t, &c);
	if (rc)
		return rc;
	struct dialbook_error err;
	int code = dialbook_login(c, &err);
	long left = dialbook_token_seconds_left(c);
	dialbook_client_free(c);
	if (code)
		return cli_fail("login failed", code, &err);
	char path[1024];
	cli_credentials_path(path, sizeof(path));
	if (save(path, &t)) {
		fprintf(stderr, "dialbook: logged in, but %s could not be written: %s\n", path,
			strerror(errno));
		return EXIT_USAGE;
	}
	const char *where = t.base_url ? t.base_url : t.region;
	if (json) {
		json_t *out = json_pack("{s:s,s:s,s:I,s:s}", "server", where, "clientId",
					t.client_id, "expiresIn", (json_int_t)left, "saved", path);
		char *text = json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER);
		printf("%s\n", text);
		free(text);
		json_decref(out);
	} else {
		printf("logged in to %s as %s; the token lasts %ld s; saved to %s\n", where,
		       t.client_id, left, path);
	}
	return EXIT_DONE;
}

/* Connecting, credentials, and how errors are printed. */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

int cli_usage(const char *cmd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "dialbook: %s (see `dialbook%s%s --help`)\n", msg, cmd ? " " : "",
		cmd ? cmd : "");
	return EXIT_USAGE;
}

int cli_bad_option(const char *cmd, int opt, char **argv)
{
	if (opt == ':')
		return cli_usage(cmd, "%s needs a value", argv[optind - 1]);
	return cli_usage(cmd, "unknown option %s", argv[optind - 1]);
}

int cli_fail(const char *what, int code, const struct dialbook_error *err)
{
	const char *msg = err && err->message[0] ? err->message : dialbook_strerror(code);
	fprintf(stderr, "dialbook: %s: %s", what, msg);
	if (err && err->http_status)
		fprintf(stderr, " (HTTP %ld%s%s%s%s)", err->http_status,
			err->api_code[0] ? " " : "", err->api_code,
			err->context_id[0] ? ", correlation id " : "", err->context_id);
	fputc('\n', stderr);
	/* The table of CLI_EXIT_HELP: credentials, then what names nothing
	 * (an unknown id, a file), then data the server refused; the rest is
	 * the server's or the network's. */
	long status = err ? err->http_status : 0;
	if (code == DIALBOOK_EAUTH || (code == DIALBOOK_EHTTP && (status == 401 || status == 403)))
		return EXIT_AUTH;
	if (code == DIALBOOK_EINVAL || code == DIALBOOK_EIO ||
	    (code == DIALBOOK_EHTTP && status == 404))
		return EXIT_USAGE;
	if (code == DIALBOOK_EHTTP && status >= 400 && status < 500 && status != 429)
		return EXIT_INVALID;
	return EXIT_SERVER;
}

bool cli_target_option(struct cli_target *t, int opt, const char *value)
{
	switch (opt) {
	case 1001:
		t->base_url = value;
		return true;
	case 1002:
		t->region = value;
		return true;
	case 1003:
		t->client_id = value;
		return true;
	case 1004:
		t->client_secret = value;
		return true;
	}
	return false;
}

void cli_credentials_path(char *out, size_t size)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	if (xdg && *xdg)
		snprintf(out, size, "%s/dialbook/credentials", xdg);
	else
		snprintf(out, size, "%s/.config/dialbook/credentials", home ? home : ".");
}

/* Values saved by `dialbook login`; they live as long as the process. */
static char saved[4][512];

static void load_saved(struct cli_target *t)
{
	char path[1024];
	cli_credentials_path(path, sizeof(path));
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	static const char *const keys[] = {"DIALBOOK_BASE_URL=", "DIALBOOK_REGION=",
					   "DIALBOOK_CLIENT_ID=", "DIALBOOK_CLIENT_SECRET="};
	const char **fields[] = {&t->base_url, &t->region, &t->client_id, &t->client_secret};
	char line[600];
	bool any_place = t->base_url || t->region;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		for (int k = 0; k < 4; k++) {
			size_t kl = strlen(keys[k]);
			if (strncmp(line, keys[k], kl) != 0 || *fields[k])
				continue;
			/* A place given on the command line is not mixed with a saved one. */
			if (k < 2 && any_place)
				continue;
			snprintf(saved[k], sizeof(saved[k]), "%s", line + kl);
			*fields[k] = saved[k];
		}
	}
	fclose(f);
}

static void on_retry(void *ctx, const struct dialbook_error *why, double wait_s)
{
	(void)ctx;
	fprintf(stderr, "dialbook: %s; retrying in %.1f s\n",
		why->http_status == 429 ? "rate limited by the server (HTTP 429)" : why->message,
		wait_s);
}

int cli_connect(struct cli_target *t, struct dialbook_client **out)
{
	if (!t->base_url && !t->region) {
		t->base_url = getenv("DIALBOOK_BASE_URL");
		t->region = t->base_url ? NULL : getenv("DIALBOOK_REGION");
	}
	if (!t->client_id)
		t->client_id = getenv("DIALBOOK_CLIENT_ID");
	if (!t->client_secret)
		t->client_secret = getenv("DIALBOOK_CLIENT_SECRET");
	load_saved(t);
	if (!t->base_url && !t->region) {
		fprintf(stderr, "dialbook: no server: give --base-url or --region (or set "
				"DIALBOOK_BASE_URL, or run `dialbook login`)\n");
		return EXIT_USAGE;
	}
	if (!t->client_id || !t->client_secret) {
		fprintf(stderr, "dialbook: no client credentials: give --client-id and "
				"--client-secret (or set DIALBOOK_CLIENT_ID and "
				"DIALBOOK_CLIENT_SECRET, or run `dialbook login`)\n");
		return EXIT_USAGE;
	}
	struct dialbook_options opt = {.base_url = t->base_url,
				       .region = t->base_url ? NULL : t->region,
				       .client_id = t->client_id,
				       .client_secret = t->client_secret,
				       .on_retry = on_retry};
	struct dialbook_error err;
	int rc = dialbook_client_new(&opt, out, &err);
	if (rc) {
		fprintf(stderr, "dialbook: %s\n", err.message);
		return EXIT_USAGE;
	}
	return EXIT_DONE;
}

char *cli_read_file(const char *path, size_t max)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "dialbook: %s: %s; name a file that exists\n", path,
			strerror(errno));
		return NULL;
	}
	char *buf = malloc(max + 1);
	size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
	int bad = ferror(f);
	fclose(f);
	if (!buf || bad) {
		fprintf(stderr, "dialbook: %s: cannot read it\n", path);
		free(buf);
		return NULL;
	}
	if (n > max) {
		fprintf(stderr, "dialbook: %s: larger than %zu bytes\n", path, max);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

int cli_show_help_or_verb(const char *cmd, const char *help, int argc, char **argv,
			  const char *actions)
{
	if (argc >= 2 && argv[1][0] != '-')
		return -1;
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(help, stdout);
		return EXIT_DONE;
	}
	return cli_usage(cmd, "say what to do: %s", actions);
}

void cli_print_json(const char *text, bool pretty)
{
	json_t *j = json_loads(text, 0, NULL);
	char *out =
		j ? json_dumps(j, (pretty ? JSON_INDENT(2) : JSON_COMPACT) | JSON_PRESERVE_ORDER)
		  : NULL;
	printf("%s\n", out ? out : text);
	free(out);
	json_decref(j);
}

int cli_check_encoding(const char *cmd, const char *encoding)
{
	if (csv_decoder_supports(encoding))
		return 0;
	return cli_usage(
		cmd,
		"--encoding %s: not an encoding iconv knows (such as windows-1252, latin1, "
		"utf-16; `iconv -l` lists them)",
		encoding);
}

int cli_input_open(struct cli_input *in, const char *path, const char *encoding)
{
	memset(in, 0, sizeof(*in));
	in->path = path;
	in->fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (in->fd < 0) {
		fprintf(stderr, "dialbook: %s: %s\n", path, strerror(errno));
		return -1;
	}
	in->read = csv_read_fd;
	in->ctx = &in->fd;
	if (encoding) {
		in->decoder = csv_decoder_new(encoding, csv_read_fd, &in->fd);
		if (!in->decoder) { /* checked with the flags: not expected here */
			fprintf(stderr, "dialbook: --encoding %s: not an encoding iconv knows\n",
				encoding);
			cli_input_close(in);
			return -1;
		}
		in->read = csv_decoder_read;
		in->ctx = in->decoder;
	}
	return 0;
}

int cli_input_rewind(struct cli_input *in)
{
	if (lseek(in->fd, 0, SEEK_SET) != 0)
		return -1;
	if (in->decoder)
		csv_decoder_reset(in->decoder);
	return 0;
}

int64_t cli_input_measure(struct cli_input *in)
{
	static char buf[1 << 16];
	int64_t total = 0;
	ssize_t n;
	while ((n = in->read(in->ctx, buf, sizeof(buf))) > 0)
		total += n;
	return n < 0 || cli_input_rewind(in) ? -1 : total;
}

void cli_input_close(struct cli_input *in)
{
	csv_decoder_free(in->decoder);
	in->decoder = NULL;
	if (in->fd > STDIN_FILENO)
		close(in->fd);
	in->fd = -1;
}

const struct csv_error *cli_input_error(const struct cli_input *in, const struct csv_error *err)
{
	const struct csv_error *own = in->decoder ? csv_decoder_error(in->decoder) : NULL;
	return own ? own : err;
}

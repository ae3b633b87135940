/* dialbook contacts add|get|rm|import|export */
#include "cli/cli.h"
#include "cli/validate.h"
#include "model/contact.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The help texts, put together from one line per flag so that the group's
 * help and each action's say the same. */
// clang-format off
#define H_LIST_ID   "  --list-id ID       the contact list\n"
#define H_ADD       "  --data COL=VALUE   a value of the contact (repeat it)\n" \
		    "  --from FILE.json   a contact or an array of contacts\n"
#define H_IMPORT    "  --contact-id-name COL  the column holding contact ids\n" \
		    "  --skip-invalid     upload even with invalid rows (the server rejects them)\n" \
		    "  --rejects FILE     download the rows the server rejected to FILE (CSV: line,\n" \
		    "                     column, reason, then the row); written only when some were\n" \
		    "  --progress MODE    auto (default: a bar when stderr is a terminal, else json),\n" \
		    "                     bar, json (one JSON line a step on stderr: {\"phase\",\n" \
		    "                     \"completedRecords\", \"totalRecords\", \"percentComplete\",\n" \
		    "                     \"elapsedSeconds\"}), or none\n" \
		    "  --via upload|api   the multipart upload (default) or contact calls\n" \
		    "  --parallel N       --via api: connections at once, 1 to 64 (default 4)\n" \
		    "  --max-errors N     problems the validation prints (default " \
		    CLI_STR(CLI_DEFAULT_MAX_ERRORS) "; all are counted)\n" \
		    "  --encoding NAME    the file's encoding when it is not UTF-8 (windows-1252,\n" \
		    "                     latin1, utf-16... any name iconv knows): validated and sent\n" \
		    "                     as UTF-8, converted as it is read\n"
#define H_EXPORT    "  -o, --output FILE  where to write the CSV\n"
#define H_FOOTER    "  --json             machine output\n" \
		    "  -h, --help         this help\n" \
		    "\n" CLI_TARGET_HELP "\n" CLI_EXIT_HELP
#define U_ADD       "dialbook contacts add --list-id ID (--data COL=VALUE... | --from CONTACTS.json)\n"
#define U_GET       "dialbook contacts get --list-id ID CONTACT_ID\n"
#define U_RM        "dialbook contacts rm --list-id ID CONTACT_ID...\n"
#define U_IMPORT    "dialbook contacts import --list-id ID [--contact-id-name COL] [--skip-invalid]\n" \
		    "                                [--rejects FILE] [--progress auto|bar|json|none]\n" \
		    "                                [--via upload|api] [--parallel N] [--encoding NAME]\n" \
		    "                                [--max-errors N] FILE.csv\n"
#define U_EXPORT    "dialbook contacts export --list-id ID -o FILE.csv\n"
#define T_IMPORT    "import validates the file first (as `dialbook validate` does) and refuses it, with\n" \
		    "the report, when a row is invalid, unless --skip-invalid (the server then skips\n" \
		    "those rows). It uploads through the multipart endpoint and follows the import;\n" \
		    "--via api sends 1,000-contact calls over --parallel N connections instead.\n"

static const char help[] =
	"usage: " U_ADD "       " U_GET "       " U_RM "       " U_IMPORT "       " U_EXPORT
	"\n" T_IMPORT
	"`dialbook contacts ACTION --help` tells about one action.\n"
	"\n" H_LIST_ID
	"add:\n" H_ADD
	"import:\n" H_IMPORT
	"export:\n" H_EXPORT
	"\n" H_FOOTER;

/* `dialbook contacts ACTION --help`: that action's help only. */
static const struct {
	const char *verb, *text;
} verb_help[] = {
	{"add", "usage: " U_ADD "\nAdds (or, by id, replaces) contacts and prints their ids.\n\n"
		H_LIST_ID H_ADD H_FOOTER},
	{"get", "usage: " U_GET "\nPrints the contact as JSON.\n\n" H_LIST_ID H_FOOTER},
	{"rm", "usage: " U_RM "\nDeletes the contacts, printing \"deleted ID\" for each.\n\n"
	       H_LIST_ID H_FOOTER},
	{"import", "usage: " U_IMPORT "\n" T_IMPORT "\n" H_LIST_ID H_IMPORT H_FOOTER},
	{"export", "usage: " U_EXPORT "\nWaits for the list's export and downloads it to FILE.csv.\n\n"
		   H_LIST_ID H_EXPORT H_FOOTER},
};
// clang-format on

static const char *help_of(const char *verb)
{
	for (size_t i = 0; i < sizeof(verb_help) / sizeof(verb_help[0]); i++)
		if (strcmp(verb, verb_help[i].verb) == 0)
			return verb_help[i].text;
	return help;
}

enum progress_mode { PROGRESS_AUTO, PROGRESS_BAR, PROGRESS_JSON, PROGRESS_NONE };

struct args {
	const char *list_id, *from, *id_name, *via, *output, *encoding, *rejects;
	enum progress_mode progress;
	const char *data[64];
	size_t ndata;
	bool skip_invalid, json;
	unsigned parallel;
	unsigned long max_errors;
	struct cli_target target;
	int first;
};

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option options[] = {
		{"list-id", required_argument, NULL, 'l'},
		{"from", required_argument, NULL, 'f'},
		{"data", required_argument, NULL, 'd'},
		{"contact-id-name", required_argument, NULL, 'c'},
		{"skip-invalid", no_argument, NULL, 's'},
		{"via", required_argument, NULL, 'v'},
		{"parallel", required_argument, NULL, 'p'},
		{"output", required_argument, NULL, 'o'},
		{"max-errors", required_argument, NULL, 'm'},
		{"encoding", required_argument, NULL, 'e'},
		{"rejects", required_argument, NULL, 'r'},
		{"progress", required_argument, NULL, 'P'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		CLI_TARGET_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	memset(a, 0, sizeof(*a));
	a->parallel = 4;
	a->max_errors = CLI_DEFAULT_MAX_ERRORS;
	a->via = "upload";
	opterr = 0;
	optind = 1;
	int opt;
	while ((opt = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		if (cli_target_option(&a->target, opt, optarg))
			continue;
		char *end;
		switch (opt) {
		case 'l':
			a->list_id = optarg;
			break;
		case 'f':
			a->from = optarg;
			break;
		case 'd':
			if (a->ndata == 64 || !strchr(optarg, '='))
				return cli_usage("contacts",
						 "--data wants COLUMN=VALUE (at most 64)");
			a->data[a->ndata++] = optarg;
			break;
		case 'c':
			a->id_name = optarg;
			break;
		case 's':
			a->skip_invalid = true;
			break;
		case 'v':
			if (strcmp(optarg, "upload") != 0 && strcmp(optarg, "api") != 0)
				return cli_usage("contacts", "--via is upload or api, not %s",
						 optarg);
			a->via = optarg;
			break;
		case 'p':
			errno = 0;
			a->parallel = (unsigned)strtoul(optarg, &end, 10);
			if (!*optarg || *end || errno || a->parallel < 1 || a->parallel > 64)
				return cli_usage("contacts", "--parallel wants 1 to 64, got %s",
						 optarg);
			break;
		case 'o':
			a->output = optarg;
			break;
		case 'm':
			errno = 0;
			a->max_errors = strtoul(optarg, &end, 10);
			if (!*optarg || *end || errno || optarg[0] == '-')
				return cli_usage("contacts", "--max-errors wants a number, got %s",
						 optarg);
			break;
		case 'e':
			if (cli_check_encoding("contacts", optarg))
				return EXIT_USAGE;
			a->encoding = optarg;
			break;
		case 'r':
			a->rejects = optarg;
			break;
		case 'P': {
			static const char *const modes[] = {"auto", "bar", "json", "none"};
			size_t m = 0;
			while (m < 4 && strcmp(optarg, modes[m]) != 0)
				m++;
			if (m == 4)
				return cli_usage("contacts",
						 "--progress is auto, bar, json or none, not %s",
						 optarg);
			a->progress = (enum progress_mode)m;
			break;
		}
		case 'j':
			a->json = true;
			break;
		case 'h':
			fputs(help_of(argv[0]), stdout);
			return -1;
		default:
			return cli_bad_option("contacts", opt, argv);
		}
	}
	a->first = optind;
	return 0;
}

static int add(struct args *a, struct dialbook_client *c)
{
	json_t *body;
	if (a->from) {
		char *text = cli_read_file(a->from, 512000);
		if (!text)
			return EXIT_USAGE;
		json_error_t jerr;
		body = json_loads(text, 0, &jerr);
		if (!body)
			fprintf(stderr, "dialbook: %s:%d:%d: not valid JSON: %s\n", a->from,
				jerr.line, jerr.column, jerr.text);
		free(text);
		if (!body)
			return EXIT_INVALID;
		if (json_is_object(body)) { /* one contact */
			json_t *arr = json_array();
			json_array_append_new(arr, body);
			body = arr;
		}
		size_t i;
		json_t *v;
		json_array_foreach(body, i, v)
		{
			if (json_is_object(v) && !json_object_get(v, "contactListId"))
				json_object_set_new(v, "contactListId", json_string(a->list_id));
		}
	} else {
		json_t *data = json_object();
		for (size_t i = 0; i < a->ndata; i++) {
			const char *eq = strchr(a->data[i], '=');
			char key[256];
			snprintf(key, sizeof(key), "%.*s", (int)(eq - a->data[i]), a->data[i]);
			json_object_set_new(data, key, json_string(eq + 1));
		}
		body = json_pack("[{s:s,s:o}]", "contactListId", a->list_id, "data", data);
	}
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	char *added = NULL;
	struct dialbook_error err;
	int code = dialbook_contacts_add(c, a->list_id, text, &added, &err);
	free(text);
	if (code)
		return cli_fail("cannot add the contacts", code, &err);
	json_t *j = json_loads(added, 0, NULL);
	if (a->json) {
		printf("%s\n", added);
	} else {
		size_t i;
		json_t *v;
		json_array_foreach(j, i, v)
		{
			printf("%s\n", json_string_value(json_object_get(v, "id")));
		}
	}
	json_decref(j);
	free(added);
	return EXIT_DONE;
}

/* Progress: a bar on a terminal, or one JSON line a step for scripts and
 * notebooks (which see nothing of a bar), on stderr either way. */
struct progress {
	enum progress_mode mode; /* BAR, JSON or NONE: AUTO is resolved */
	double started;
	long long last_done;
	bool shown;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct progress progress_start(enum progress_mode mode)
{
	if (mode == PROGRESS_AUTO)
		mode = isatty(STDERR_FILENO) ? PROGRESS_BAR : PROGRESS_JSON;
	return (struct progress){mode, now_s(), -1, false};
}

/* A phase's first line ("upload"): what is sent. */
static void progress_phase(struct progress *p, const char *phase, const char *file)
{
	if (p->mode == PROGRESS_BAR) {
		fprintf(stderr, "%sing %s...\n", strcmp(phase, "upload") == 0 ? "upload" : phase,
			file);
	} else if (p->mode == PROGRESS_JSON) {
		json_t *o = json_pack("{s:s,s:s}", "phase", phase, "file", file);
		char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (text)
			fprintf(stderr, "%s\n", text);
		free(text);
		json_decref(o);
	}
	fflush(stderr);
}

static void draw(struct progress *p, const char *phase, long long done, long long total)
{
	if (p->mode == PROGRESS_NONE)
		return;
	double elapsed = now_s() - p->started;
	double rate = elapsed > 0 ? (double)done / elapsed : 0;
	int pct = total > 0 ? (int)(done * 100 / total) : 0;
	if (pct > 100)
		pct = 100;
	if (p->mode == PROGRESS_JSON) {
		if (done == p->last_done) /* a poll that saw no change is no step */
			return;
		p->last_done = done;
		fprintf(stderr,
			"{\"phase\":\"%s\",\"completedRecords\":%lld,\"totalRecords\":%lld,"
			"\"percentComplete\":%d,\"elapsedSeconds\":%.3f}\n",
			phase, done, total, pct, elapsed);
		fflush(stderr);
		return;
	}
	p->shown = true;
	char bar[31];
	for (int i = 0; i < 30; i++)
		bar[i] = i < pct * 30 / 100 ? '#' : '.';
	bar[30] = '\0';
	double eta = rate > 0 && total > done ? (double)(total - done) / rate : 0;
	fprintf(stderr, "\r[%s] %3d%% %lld/%lld rows  %.0f rows/s  ETA %.0f s ", bar, pct, done,
		total, rate, eta);
	fflush(stderr);
}

static void progress_end(struct progress *p)
{
	if (p->mode == PROGRESS_BAR && p->shown)
		fputc('\n', stderr);
}

static void on_import_progress(void *ctx, const struct dialbook_import_status *s)
{
	draw(ctx, "import", (long long)s->completed_records, (long long)s->total_records);
}

static int64_t source_read(void *ctx, char *buf, size_t size)
{
	struct cli_input *in = ctx;
	return in->read(in->ctx, buf, size);
}

static int source_rewind(void *ctx)
{
	return cli_input_rewind(ctx);
}

/* --encoding: the server gets UTF-8, converted a second time as it is
 * sent, so that no converted copy of the file is left on disk. A first
 * reading measures it, so that the upload states its length (as the
 * cloud's upload endpoint may want) and can start over when sent again. */
static int upload_converted(struct args *a, struct dialbook_client *c, const char *file,
			    char **correlation, struct dialbook_error *err)
{
	struct cli_input in;
	int64_t size = cli_input_open(&in, file, a->encoding) ? -1 : cli_input_measure(&in);
	int code;
	if (size < 0) {
		memset(err, 0, sizeof(*err));
		code = err->code = DIALBOOK_EIO;
		snprintf(err->message, sizeof(err->message), "%s: cannot read it again", file);
	} else {
		const char *slash = strrchr(file, '/');
		struct dialbook_source src = {slash ? slash + 1 : file, size, source_read,
					      source_rewind, &in};
		code = dialbook_upload_source(c, a->list_id, &src, a->id_name, correlation, err);
	}
	cli_input_close(&in);
	return code;
}

static int import_upload(struct args *a, struct dialbook_client *c, const char *file)
{
	char *correlation = NULL;
	struct dialbook_error err;
	struct progress p = progress_start(a->progress);
	progress_phase(&p, "upload", file);
	int code = a->encoding
			   ? upload_converted(a, c, file, &correlation, &err)
			   : dialbook_upload(c, a->list_id, file, a->id_name, &correlation, &err);
	if (code)
		return cli_fail("the upload failed", code, &err);
	struct dialbook_import_status st;
	code = dialbook_import_wait(c, a->list_id, 0, on_import_progress, &p, &st, &err);
	progress_end(&p);
	if (code) {
		free(correlation);
		return cli_fail("cannot follow the import", code, &err);
	}
	if (a->json) {
		json_t *out = json_pack("{s:s,s:b,s:I,s:I,s:I,s:s,s:s,s:s}", "importId",
					correlation ? correlation : "", "failed", st.failed,
					"totalRecords", (json_int_t)st.total_records,
					"completedRecords", (json_int_t)st.completed_records,
					"failedRecords", (json_int_t)st.failed_records,
					"failureReason", st.failure_reason, "failureDetail",
					st.failure_detail, "rejectedRowsUri", st.rejected_rows_uri);
		char *text = json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER);
		printf("%s\n", text);
		free(text);
		json_decref(out);
	} else if (!st.failed) {
		printf("imported %lld of %lld rows",
		       (long long)(st.completed_records - st.failed_records),
		       (long long)st.total_records);
		if (st.failed_records)
			printf("; %lld rejected (%s)", (long long)st.failed_records,
			       st.rejected_rows_uri);
		printf("\n");
	}
	free(correlation);
	/* --rejects: the rows the server rejected, fetched here so that no one
	 * needs curl and a token for them. */
	if (a->rejects && !st.failed && st.failed_records && st.rejected_rows_uri[0]) {
		int64_t bytes = 0;
		code = dialbook_download(c, st.rejected_rows_uri, a->rejects, &bytes, &err);
		if (code)
			return cli_fail("cannot download the rejected rows", code, &err);
		if (!a->json)
			printf("rejected rows written to %s\n", a->rejects);
	} else if (a->rejects && !st.failed && !a->json) {
		printf("no row was rejected; %s was not written\n", a->rejects);
	}
	if (st.failed) {
		fprintf(stderr, "dialbook: the import failed: %s: %s\n", st.failure_reason,
			st.failure_detail);
		return EXIT_INVALID;
	}
	/* With --skip-invalid, rejected rows were expected. */
	return st.failed_records && !a->skip_invalid ? EXIT_INVALID : EXIT_DONE;
}

/* --via api: batches of 1,000 contacts, sent by `parallel` threads. */
struct batch_queue {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	char *items[16];
	size_t head, count;
	bool closed, failed;
	int fail_code;
	struct dialbook_error err;
	long long sent;
	const char *list_id;
	struct progress *progress;
	long long total;
};

struct sender_arg {
	struct batch_queue *q;
	struct dialbook_client *client; /* one connection per thread */
};

static void *sender(void *arg)
{
	struct batch_queue *q = ((struct sender_arg *)arg)->q;
	struct dialbook_client *c = ((struct sender_arg *)arg)->client;
	int code = 0;
	struct dialbook_error err;
	for (;;) {
		pthread_mutex_lock(&q->lock);
		while (!q->count && !q->closed && !q->failed)
			pthread_cond_wait(&q->changed, &q->lock);
		if (code && !q->failed) {
			q->failed = true;
			q->fail_code = code;
			q->err = err;
			pthread_cond_broadcast(&q->changed);
		}
		if (q->failed || (!q->count && q->closed)) {
			pthread_mutex_unlock(&q->lock);
			break;
		}
		char *body = q->items[q->head];
		q->head = (q->head + 1) % 16;
		q->count--;
		pthread_cond_broadcast(&q->changed);
		pthread_mutex_unlock(&q->lock);
		char *answer = NULL;
		code = dialbook_contacts_add(c, q->list_id, body, &answer, &err);
		json_t *added = answer ? json_loads(answer, 0, NULL) : NULL;
		size_t n = json_array_size(added);
		json_decref(added);
		free(answer);
		free(body);
		pthread_mutex_lock(&q->lock);
		q->sent += (long long)n;
		draw(q->progress, "api", q->sent, q->total);
		pthread_mutex_unlock(&q->lock);
	}
	return NULL;
}

static bool queue_push(struct batch_queue *q, char *body)
{
	pthread_mutex_lock(&q->lock);
	while (q->count == 16 && !q->failed)
		pthread_cond_wait(&q->changed, &q->lock);
	bool ok = !q->failed;
	if (ok) {
		q->items[(q->head + q->count) % 16] = body;
		q->count++;
		pthread_cond_broadcast(&q->changed);
	}
	pthread_mutex_unlock(&q->lock);
	if (!ok)
		free(body);
	return ok;
}

static int import_api(struct args *a, const char *file, const struct contact_schema *schema,
		      long long total)
{
	struct cli_input in;
	if (cli_input_open(&in, file, a->encoding))
		return EXIT_INVALID;
	struct progress p = progress_start(a->progress);
	progress_phase(&p, "api", file);
	struct batch_queue q = {.list_id = a->list_id, .progress = &p, .total = total};
	pthread_mutex_init(&q.lock, NULL);
	pthread_cond_init(&q.changed, NULL);
	pthread_t threads[64];
	struct sender_arg args[64];
	for (unsigned i = 0; i < a->parallel; i++) {
		args[i].q = &q;
		if (cli_connect(&a->target, &args[i].client)) {
			for (unsigned k = 0; k < i; k++)
				dialbook_client_free(args[k].client);
			cli_input_close(&in);
			return EXIT_USAGE;
		}
	}
	for (unsigned i = 0; i < a->parallel; i++)
		pthread_create(&threads[i], NULL, sender, &args[i]);
	struct csv_reader *reader = csv_reader_new(in.read, in.ctx);
	struct contact_csv check;
	memset(&check, 0, sizeof(check));
	struct csv_record rec;
	struct csv_error cerr;
	int rc = csv_reader_next(reader, &rec, &cerr);
	struct contact_csv_failure why = {0};
	bool ok = rc > 0 && contact_csv_header(&check, schema, &rec, a->id_name, 50, &why) == 0;
	json_t *batch = json_array();
	while (ok && (rc = csv_reader_next(reader, &rec, &cerr)) != 0) {
		struct contact_csv_row row;
		int bad;
		char reason[256];
		if (rc < 0 || rec.blank ||
		    contact_csv_row(&check, &rec, &row, &bad, reason, sizeof(reason)))
			continue; /* reported by the validation; skipped as the server would */
		json_t *data = json_object();
		for (size_t k = 0; k < schema->count; k++)
			json_object_set_new(data, schema->columns[k].name,
					    json_stringn(check.values[k], check.lens[k]));
		json_t *contact = json_pack("{s:s,s:o}", "contactListId", a->list_id, "data", data);
		if (row.callable_given)
			json_object_set_new(contact, "callable", json_boolean(row.callable));
		/* The row's state columns, as the server's import reads them. */
		json_object_update(contact, (json_t *)row.meta);
		if (row.id)
			json_object_set_new(contact, "id", json_stringn(row.id, row.id_len));
		json_array_append_new(batch, contact);
		if (json_array_size(batch) == 1000) {
			ok = queue_push(&q, json_dumps(batch, JSON_COMPACT));
			json_array_clear(batch);
		}
	}
	if (ok && json_array_size(batch))
		queue_push(&q, json_dumps(batch, JSON_COMPACT));
	json_decref(batch);
	pthread_mutex_lock(&q.lock);
	q.closed = true;
	pthread_cond_broadcast(&q.changed);
	pthread_mutex_unlock(&q.lock);
	for (unsigned i = 0; i < a->parallel; i++) {
		pthread_join(threads[i], NULL);
		dialbook_client_free(args[i].client);
	}
	progress_end(&p);
	csv_reader_free(reader);
	contact_csv_release(&check);
	cli_input_close(&in);
	pthread_cond_destroy(&q.changed);
	pthread_mutex_destroy(&q.lock);
	if (q.failed)
		return cli_fail("adding contacts failed", q.fail_code, &q.err);
	if (a->json)
		printf("{\"sent\":%lld}\n", q.sent);
	else
		printf("added %lld contacts through the API\n", q.sent);
	return EXIT_DONE;
}

static int import(struct args *a, struct dialbook_client *c, const char *file)
{
	char *definition = NULL;
	struct dialbook_error err;
	int code = dialbook_list_get(c, a->list_id, &definition, &err);
	if (code)
		return cli_fail("cannot read the list", code, &err);
	struct contact_schema schema;
	int rc = cli_load_schema(definition, a->list_id, &schema);
	free(definition);
	if (rc)
		return rc;
	/* The server's own checks first: nothing is sent when they fail. */
	struct report r = {
		.out = stderr, .file = file, .max_errors = a->max_errors, .encoding = a->encoding};
	rc = cli_validate_run(&r, file, &schema, a->id_name);
	if (rc || (r.invalid && !a->skip_invalid)) {
		cli_validate_summary(&r, rc == EXIT_DONE);
		if (rc == EXIT_DONE)
			fprintf(stderr, "dialbook: nothing was imported; fix the rows above, or "
					"pass --skip-invalid to import the valid ones\n");
		contact_schema_release(&schema);
		return EXIT_INVALID;
	}
	if (strcmp(a->via, "api") == 0)
		rc = import_api(a, file, &schema, (long long)(r.rows - r.invalid));
	else
		rc = import_upload(a, c, file);
	contact_schema_release(&schema);
	return rc;
}

int cmd_contacts(int argc, char **argv)
{
	int shown = cli_show_help_or_verb("contacts", help, argc, argv,
					  "add, get, rm, import or export");
	if (shown >= 0)
		return shown;
	const char *verb = argv[1];
	struct args a;
	int rc = parse(argc - 1, argv + 1, &a);
	if (rc)
		return rc < 0 ? EXIT_DONE : rc;
	char **rest = argv + 1 + a.first;
	int nrest = argc - 1 - a.first;
	enum { ADD, GET, RM, IMPORT, EXPORT, VERBS } v;
	static const char *const verbs[VERBS] = {"add", "get", "rm", "import", "export"};
	for (v = ADD; v < VERBS; v++)
		if (strcmp(verb, verbs[v]) == 0)
			break;
	if (v == VERBS)
		return cli_usage("contacts",
				 "unknown action %s; actions are add, get, rm, import, export",
				 verb);
	if (!a.list_id)
		return cli_usage("contacts", "%s needs --list-id", verb);
	if (v == ADD && (nrest || (!a.from == !a.ndata)))
		return cli_usage("contacts", "add takes --data COL=VALUE... or --from FILE");
	if (v == GET && nrest != 1)
		return cli_usage("contacts", "get needs one contact id");
	if (v == RM && nrest == 0)
		return cli_usage("contacts", "rm needs the ids of the contacts to delete");
	if (v == IMPORT && nrest != 1)
		return cli_usage("contacts", "import needs one CSV file");
	if (v == EXPORT && (nrest || !a.output))
		return cli_usage("contacts", "export needs -o FILE.csv");
	if (v != IMPORT && (a.rejects || a.progress || a.skip_invalid))
		return cli_usage("contacts",
				 "--rejects, --progress and --skip-invalid are for import");
	if (v == IMPORT && a.rejects && strcmp(a.via, "api") == 0)
		return cli_usage("contacts",
				 "--rejects is for --via upload: the API adds no rejected "
				 "rows (the validation leaves invalid rows out)");
	/* --rejects somewhere that cannot be written: said before the import, not after. */
	if (v == IMPORT && a.rejects) {
		char dir[1024];
		snprintf(dir, sizeof(dir), "%s", a.rejects);
		char *slash = strrchr(dir, '/');
		if (slash)
			slash[slash == dir ? 1 : 0] = '\0';
		if (access(slash ? dir : ".", W_OK) != 0)
			return cli_usage("contacts", "--rejects %s: %s cannot be written (%s)",
					 a.rejects, slash ? dir : "the current directory",
					 strerror(errno));
	}
	/* A file named wrong costs no request. */
	if (v == IMPORT && strcmp(rest[0], "-") != 0 && access(rest[0], R_OK) != 0) {
		fprintf(stderr, "dialbook: %s: %s; name a file that exists\n", rest[0],
			strerror(errno));
		return EXIT_USAGE;
	}
	struct dialbook_client *c;
	if ((rc = cli_connect(&a.target, &c)))
		return rc;
	struct dialbook_error err;
	int code;
	switch (v) {
	case ADD:
		rc = add(&a, c);
		break;
	case GET: {
		char *text = NULL;
		code = dialbook_contact_get(c, a.list_id, rest[0], &text, &err);
		rc = code ? cli_fail("cannot read the contact", code, &err) : EXIT_DONE;
		if (!code)
			cli_print_json(text, true);
		free(text);
		break;
	}
	case RM:
		rc = EXIT_DONE;
		for (int i = 0; i < nrest; i++) {
			code = dialbook_contact_delete(c, a.list_id, rest[i], &err);
			if (code)
				rc = cli_fail(rest[i], code, &err);
			else
				printf("deleted %s\n", rest[i]);
		}
		break;
	case IMPORT:
		rc = import(&a, c, rest[0]);
		break;
	case EXPORT:
	default: {
		int64_t bytes = 0;
		if (isatty(STDERR_FILENO))
			fprintf(stderr, "exporting...\n");
		code = dialbook_export(c, a.list_id, a.output, 0, &bytes, &err);
		rc = code ? cli_fail("the export failed", code, &err) : EXIT_DONE;
		if (!code)
			printf("exported to %s (%lld bytes)\n", a.output, (long long)bytes);
	}
	}
	dialbook_client_free(c);
	return rc;
}

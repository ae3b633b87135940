/* `dialbookd [flags]`: serve until SIGINT or SIGTERM, then let in-flight
 * requests finish and close the database cleanly. */
#include "api/api.h"
#include "api/ratelimit.h"
#include "jobs/jobs.h"
#include "common/log.h"
#include "server/cli.h"
#include "server/provision.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char serve_help[] =
	"usage: dialbookd [--listen HOST:PORT] [--db PATH] [--profile rest|genesys]\n"
	"                 [--rate-limit N] [--threads N] [--log-level LEVEL]\n"
	"                 [--token-ttl SECONDS] [--max-upload-bytes N] [--dev-client-file FILE]\n"
	"       dialbookd org add NAME [--db PATH]\n"
	"       dialbookd client add|list|revoke ... (see dialbookd client --help)\n"
	"\n"
	"Serves the Genesys Cloud contact-list API.\n"
	"\n"
	"  --listen HOST:PORT   address to listen on (default 127.0.0.1:8080; port 0 picks a\n"
	"                       free one, logged as event=listening)\n"
	"  --db PATH            SQLite database, created if missing (default " DEFAULT_DB ")\n"
	"  --profile P          rest (default): creates answer 201 with Location, deletes 204;\n"
	"                       genesys: status codes exactly as the cloud (200)\n"
	"  --rate-limit N       requests per minute per token (default 300; 0 = off)\n"
	"  --rate-window SECONDS  the rate limit's window (default 60)\n"
	"  --threads N          worker threads (default: the number of cores)\n"
	"  --jobs N             background import/export threads (default 2)\n"
	"  --log-level LEVEL    debug, info (default), warn or error\n"
	"  --token-ttl SECONDS  lifetime of access tokens (default 86399)\n"
	"  --max-upload-bytes N largest CSV upload (default 1073741824, 1 GiB)\n"
	"  --docs-dir DIR       the API page's files (default: api-page next to dialbookd)\n"
	"  --max-contacts-per-list N, --max-contacts-per-org N\n"
	"                       contact limits (defaults 1000000 and 5000000, the cloud's)\n"
	"  --dev-client-file F  on first start (empty database) create the organization\n"
	"                       \"default\" and a client with grant outbound, and write its\n"
	"                       credentials to F (mode 0600); later starts print them again\n"
	"  --help               this text\n";

struct serve_args {
	char host[256];
	unsigned port;
	const char *db;
	enum api_profile profile;
	unsigned rate_limit;
	unsigned threads;
	unsigned jobs;
	unsigned rate_window;
	unsigned token_ttl;
	unsigned long long max_upload;
	unsigned long long max_per_list, max_per_org;
	const char *dev_client_file;
	const char *docs_dir;
};

static int parse_uint(const char *s, unsigned max, unsigned *out)
{
	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 9)
		return -1;
	unsigned long v = strtoul(s, NULL, 10);
	if (v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int parse_count(const char *s, unsigned long long *out)
{
	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 18)
		return -1;
	unsigned long long v = strtoull(s, NULL, 10);
	if (v == 0)
		return -1;
	*out = v;
	return 0;
}

static int parse_listen(const char *s, struct serve_args *a)
{
	const char *colon = strrchr(s, ':');
	if (!colon || colon == s || parse_uint(colon + 1, 65535, &a->port))
		return -1;
	size_t len = (size_t)(colon - s);
	if (s[0] == '[' && colon[-1] == ']') { /* [::1]:8080 */
		s++;
		len -= 2;
	}
	if (len == 0 || len >= sizeof(a->host))
		return -1;
	memcpy(a->host, s, len);
	a->host[len] = '\0';
	return 0;
}

static int parse_args(int argc, char **argv, struct serve_args *a)
{
	static const struct option options[] = {
		{"listen", required_argument, NULL, 'l'},
		{"db", required_argument, NULL, 'd'},
		{"profile", required_argument, NULL, 'p'},
		{"rate-limit", required_argument, NULL, 'r'},
		{"threads", required_argument, NULL, 't'},
		{"jobs", required_argument, NULL, 'j'},
		{"rate-window", required_argument, NULL, 'W'},
		{"log-level", required_argument, NULL, 'v'},
		{"dev-client-file", required_argument, NULL, 'f'},
		{"token-ttl", required_argument, NULL, 'T'},
		{"max-upload-bytes", required_argument, NULL, 'U'},
		{"docs-dir", required_argument, NULL, 'D'},
		{"max-contacts-per-list", required_argument, NULL, 'L'},
		{"max-contacts-per-org", required_argument, NULL, 'O'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	snprintf(a->host, sizeof(a->host), "127.0.0.1");
	a->port = 8080;
	a->db = DEFAULT_DB;
	a->profile = PROFILE_REST;
	a->rate_limit = DB_RATE_LIMIT_PER_MINUTE;
	a->token_ttl = DB_TOKEN_TTL_SECONDS;
	a->max_upload = DB_MAX_UPLOAD_BYTES;
	a->max_per_list = DB_MAX_CONTACTS_PER_LIST;
	a->max_per_org = DB_MAX_CONTACTS_PER_ORG;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	a->threads = cores > 0 ? (unsigned)cores : 2;
	a->jobs = 2;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":", options, NULL)) != -1) {
		enum log_level level;
		switch (c) {
		case 'l':
			if (parse_listen(optarg, a))
				return usage_error(NULL, "--listen wants HOST:PORT, got %s",
						   optarg);
			break;
		case 'd':
			a->db = optarg;
			break;
		case 'p':
			if (strcmp(optarg, "rest") == 0)
				a->profile = PROFILE_REST;
			else if (strcmp(optarg, "genesys") == 0)
				a->profile = PROFILE_GENESYS;
			else
				return usage_error(NULL, "--profile is rest or genesys, not %s",
						   optarg);
			break;
		case 'r':
			if (parse_uint(optarg, 100000000, &a->rate_limit))
				return usage_error(
					NULL, "--rate-limit wants a whole number, got %s", optarg);
			break;
		case 't':
			if (parse_uint(optarg, 1024, &a->threads) || a->threads == 0)
				return usage_error(NULL, "--threads wants 1 to 1024, got %s",
						   optarg);
			break;
		case 'W':
			if (parse_uint(optarg, 86400, &a->rate_window) || a->rate_window == 0)
				return usage_error(NULL,
						   "--rate-window wants 1 to 86400 seconds, got %s",
						   optarg);
			break;
		case 'j':
			if (parse_uint(optarg, 64, &a->jobs) || a->jobs == 0)
				return usage_error(NULL, "--jobs wants 1 to 64, got %s", optarg);
			break;
		case 'v':
			if (log_level_parse(optarg, &level))
				return usage_error(NULL,
						   "--log-level is debug, info, warn or error, not "
						   "%s",
						   optarg);
			log_set_level(level);
			break;
		case 'f':
			a->dev_client_file = optarg;
			break;
		case 'D': {
			/* Said at start rather than as a 404 on the first page view. */
			struct stat st;
			if (strlen(optarg) >= 512 || stat(optarg, &st) != 0 || !S_ISDIR(st.st_mode))
				return usage_error(NULL,
						   "--docs-dir wants an existing directory, got %s",
						   optarg);
			a->docs_dir = optarg;
			break;
		}
		case 'T':
			if (parse_uint(optarg, 315360000, &a->token_ttl) || a->token_ttl == 0)
				return usage_error(NULL,
						   "--token-ttl wants seconds (1 or more), got %s",
						   optarg);
			break;
		case 'U':
		case 'L':
		case 'O': {
			unsigned long long *dst = c == 'U'   ? &a->max_upload
						  : c == 'L' ? &a->max_per_list
							     : &a->max_per_org;
			const char *flag = c == 'U'   ? "--max-upload-bytes"
					   : c == 'L' ? "--max-contacts-per-list"
						      : "--max-contacts-per-org";
			if (parse_count(optarg, dst))
				return usage_error(NULL, "%s wants a whole number above 0, got %s",
						   flag, optarg);
			break;
		}
		case 'h':
			fputs(serve_help, stdout);
			return -1;
		case ':':
			return usage_error(NULL, "%s needs a value", argv[optind - 1]);
		default:
			return usage_error(NULL, "unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error(NULL, "unexpected argument %s", argv[optind]);
	return 0;
}

/* Reads KEY=VALUE from the dev client file; 0 when both were found. */
static int read_dev_file(const char *path, char *id, size_t id_size, char *secret,
			 size_t secret_size)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[512];
	id[0] = secret[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strncmp(line, "DIALBOOK_CLIENT_ID=", 19) == 0)
			snprintf(id, id_size, "%s", line + 19);
		else if (strncmp(line, "DIALBOOK_CLIENT_SECRET=", 23) == 0)
			snprintf(secret, secret_size, "%s", line + 23);
	}
	fclose(f);
	return id[0] && secret[0] ? 0 : -1;
}

static int write_dev_file(const char *path, const char *id, const char *secret,
			  const char *base_url)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	fchmod(fd, 0600);
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return -1;
	}
	fprintf(f,
		"# dialbook development client (organization \"default\", grant outbound)\n"
		"DIALBOOK_CLIENT_ID=%s\nDIALBOOK_CLIENT_SECRET=%s\nDIALBOOK_BASE_URL=%s\n",
		id, secret, base_url);
	return fclose(f) == 0 ? 0 : -1;
}

static void print_dev_banner(const char *id, const char *secret, const char *base_url,
			     const char *path)
{
	printf("\n"
	       "dialbook development client (organization \"default\", grant outbound),\n"
	       "also in %s:\n"
	       "  client id:     %s\n"
	       "  client secret: %s\n"
	       "\n"
	       "Get a token with curl:\n"
	       "  curl -s -u '%s:%s' -d grant_type=client_credentials %s/oauth/token\n"
	       "\n"
	       "Or with Python:\n"
	       "  import requests\n"
	       "  tok = requests.post('%s/oauth/token', auth=('%s', '%s'),\n"
	       "                      data={'grant_type': "
	       "'client_credentials'}).json()['access_token']\n"
	       "  requests.get('%s/api/v2/outbound/contactlists',\n"
	       "               headers={'Authorization': 'Bearer ' + tok}).json()\n"
	       "\n",
	       path, id, secret, id, secret, base_url, base_url, id, secret, base_url);
	fflush(stdout);
}

/* First start on an empty database: the default organization and a client. */
static int bootstrap_dev_client(struct store *s, const char *path, const char *base_url)
{
	int64_t orgs;
	char id[512], secret[512];
	if (s->ops->org_count(s, &orgs) != STORE_OK)
		return -1;
	if (orgs > 0) {
		if (read_dev_file(path, id, sizeof(id), secret, sizeof(secret)) == 0)
			print_dev_banner(id, secret, base_url, path);
		else
			log_warn("event=dev_client_missing file=%s hint=\"the database is not new, "
				 "so no client was created; use dialbookd client add\"",
				 path);
		return 0;
	}
	struct oauth_client client;
	char fresh[SECRET_STR_LEN], err[512];
	if (provision_client(s, "default", "development client", "outbound", &client, fresh, err,
			     sizeof(err))) {
		log_error("event=dev_client_failed error=\"%s\"", err);
		return -1;
	}
	if (write_dev_file(path, client.id, fresh, base_url)) {
		log_error("event=dev_client_file_failed file=%s error=\"%s\"", path,
			  strerror(errno));
		return -1;
	}
	print_dev_banner(client.id, fresh, base_url, path);
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	struct serve_args a;
	memset(&a, 0, sizeof(a));
	int rc = parse_args(argc, argv, &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (credentials_init()) {
		log_error("event=startup_failed error=\"libsodium failed to initialise\"");
		return 3;
	}
	struct api_server api = {.profile = a.profile};
	db_limits_init(&api.limits);
	api.limits.rate_limit_per_minute = a.rate_limit;
	api.limits.token_ttl_seconds = a.token_ttl;
	api.limits.max_contacts_per_list = (int64_t)a.max_per_list;
	api.limits.max_contacts_per_org = (int64_t)a.max_per_org;
	char err[512];
	if (store_pool_new(a.db, &api.pool, err, sizeof(err)) != STORE_OK) {
		log_error("event=startup_failed error=\"%s\"", err);
		return 3;
	}
	api.rate = rate_limiter_new(a.rate_limit, a.rate_window);
	/* Uploads, rejected rows and exports sit next to the database. */
	char files_dir[600];
	snprintf(files_dir, sizeof(files_dir), "%s.files", a.db);
	if (mkdir(files_dir, 0700) != 0 && errno != EEXIST) {
		log_error("event=startup_failed error=\"cannot create %s: %s\"", files_dir,
			  strerror(errno));
		store_pool_free(api.pool);
		rate_limiter_free(api.rate);
		return 3;
	}
	api.files_dir = files_dir;
	/* The API page sits next to the binary unless told otherwise. */
	char docs_dir[600];
	if (a.docs_dir) {
		snprintf(docs_dir, sizeof(docs_dir), "%s", a.docs_dir);
	} else {
		ssize_t n = readlink("/proc/self/exe", docs_dir, sizeof(docs_dir) - 16);
		char *slash = n > 0 ? memrchr(docs_dir, '/', (size_t)n) : NULL;
		if (slash)
			snprintf(slash, sizeof(docs_dir) - (size_t)(slash - docs_dir), "/api-page");
		else
			snprintf(docs_dir, sizeof(docs_dir), "api-page");
	}
	api.docs_dir = docs_dir;
	int64_t interrupted = 0;
	struct store *main_store = store_pool_get(api.pool);
	if (main_store->ops->jobs_interrupt(main_store, &interrupted) == STORE_OK &&
	    interrupted > 0)
		log_warn("event=imports_interrupted count=%lld", (long long)interrupted);
	static atomic_bool cancel;
	atomic_store(&cancel, false);
	struct job_env env = {.limits = &api.limits, .files_dir = files_dir, .cancel = &cancel};

	/* Signals are taken by sigwait below; worker threads inherit the mask. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct http_server_config hc = {
		.host = a.host,
		.port = a.port,
		.threads = a.threads,
		.max_connections = DB_MAX_CONNECTIONS,
		.connection_timeout_s = DB_CONNECTION_TIMEOUT_S,
		.max_body = api.limits.max_json_body,
		.max_upload = a.max_upload,
		.upload_begin = api_upload_begin,
		.dispatch = api_dispatch,
		.dispatch_ctx = &api,
	};
	struct http_server *http = NULL;
	/* After signals are blocked: the workers inherit the mask. */
	api.jobs = job_runner_start(api.pool, a.jobs, &env);
	rc = 3;
	if (http_server_start(&hc, &http, err, sizeof(err))) {
		log_error("event=startup_failed error=\"%s\"", err);
		goto out;
	}
	unsigned port = http_server_port(http);
	char base_url[300];
	snprintf(base_url, sizeof(base_url),
		 strchr(a.host, ':') ? "http://[%s]:%u" : "http://%s:%u", a.host, port);
	if (a.dev_client_file &&
	    bootstrap_dev_client(store_pool_get(api.pool), a.dev_client_file, base_url))
		goto out;
	log_info("event=listening address=%s port=%u db=%s profile=%s threads=%u rate_limit=%u",
		 a.host, port, a.db, a.profile == PROFILE_REST ? "rest" : "genesys", a.threads,
		 a.rate_limit);
	int sig = 0;
	sigwait(&stop, &sig);
	log_info("event=stopping signal=%s", sig == SIGINT ? "SIGINT" : "SIGTERM");
	rc = 0;
out:
	http_server_stop(http, 10000);
	job_runner_stop(api.jobs);
	store_pool_free(api.pool);
	rate_limiter_free(api.rate);
	if (rc == 0)
		log_info("event=stopped");
	return rc;
}

/* `dialbookd [flags]`: serve until SIGINT or SIGTERM, then let in-flight
 * requests finish and close the database cleanly. */
#include "api/api.h"
#include "api/control.h"
#include "api/metrics.h"
#include "api/ratelimit.h"
#include "jobs/jobs.h"
#include "common/log.h"
#include "server/cli.h"
#include "server/provision.h"
#include "server/control_setup.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char serve_help[] =
	"usage: dialbookd [--listen HOST:PORT] [--db PATH|URI] [--profile rest|genesys]\n"
	"                 [--rate-limit N] [--threads N] [--log-level LEVEL]\n"
	"                 [--log-format text|json] [--metrics-token TOKEN]\n"
	"                 [--token-ttl SECONDS] [--max-upload-bytes N] [--dev-client-file FILE]\n"
	"                 [--retention DURATION] [--control-api [--control-token-file FILE]]\n"
	"       dialbookd org add NAME [--db PATH|URI]\n"
	"       dialbookd client add|list|revoke ... (see dialbookd client --help)\n"
	"       dialbookd backup --db PATH OUT, dialbookd restore --db PATH IN\n"
	"\n"
	"Serves the Genesys Cloud contact-list API.\n"
	"\n"
	"  --listen HOST:PORT   address to listen on (default 127.0.0.1:8080; port 0 picks a\n"
	"                       free one, logged as event=listening)\n"
	"  --db PATH|URI        SQLite database, created if missing (default " DEFAULT_DB "),\n"
	"                       or a PostgreSQL connection URI (postgresql://user:password@\n"
	"                       host:port/database, or postgres://...) shared by servers\n"
	"  --profile P          rest (default): creates answer 201 with Location, deletes 204;\n"
	"                       genesys: status codes exactly as the cloud (200)\n"
	"  --rate-limit N       requests per minute per token (default 300; 0 = off)\n"
	"  --rate-window SECONDS  the rate limit's window (default 60)\n"
	"  --threads N          worker threads (default: the number of cores)\n"
	"  --jobs N             background import/export threads (default 2)\n"
	"  --log-level LEVEL    debug, info (default), warn or error\n"
	"  --log-format F       text (default): key=value lines; json: one JSON object a\n"
	"                       line with the same keys (docs/operations.md)\n"
	"  --metrics-token TOKEN  GET /metrics (Prometheus) wants \"Authorization: Bearer\n"
	"                       TOKEN\" (16 or more characters); without it, /metrics is\n"
	"                       served to loopback clients only\n"
	"  --token-ttl SECONDS  lifetime of access tokens (default 86399)\n"
	"  --max-upload-bytes N largest CSV upload (default 1073741824, 1 GiB)\n"
	"  --docs-dir DIR       the API page's files (default: api-page next to dialbookd)\n"
	"  --max-contacts-per-list N, --max-contacts-per-org N\n"
	"                       contact limits (defaults 1000000 and 5000000, the cloud's)\n"
	"  --request-deadline-ms N  how long one contact search or RegEx listing may work\n"
	"                       (default 10000); past it the answer is 503 request.timeout\n"
	"  --heavy-slots N      contact searches and RegEx listings served at once (default\n"
	"                       --threads minus 1, at least 1); more are refused with 503\n"
	"  --retention DURATION how long exports and rejected rows stay downloadable\n"
	"                       (default 24h; seconds, or a number with s, m, h or d)\n"
	"  --sweep-interval DURATION  how often files no job needs are deleted (default 60s)\n"
	"  --db-lock-wait-ms N  how long a write waits for another writer's lock (default\n"
	"                       10000); past it the request answers 503 service.unavailable\n"
	"  --job-lease DURATION how long a job stays claimed by a server that stopped\n"
	"                       renewing it (default 30s); then any server fails it\n"
	"  --max-uploads-per-org N, --max-exports-per-org N\n"
	"                       uploads in flight and exports pending or running at once\n"
	"                       per organization (default 4 each; more is 429)\n"
	"  --dev-client-file F  on first start (empty database) create the organization\n"
	"                       \"default\" and a client with grant outbound, and write its\n"
	"                       credentials to F (mode 0600); later starts print them again\n"
	"  --public-url URL     how clients reach this server (default http://HOST:PORT of\n"
	"                       --listen, https with --tls-cert): absolute URIs in answers\n"
	"                       start with it, never with the request's Host\n"
	"  --tls-cert FILE, --tls-key FILE\n"
	"                       serve HTTPS with this PEM certificate (chain) and its key\n"
	"  --max-connections N  connections at once (default 1024)\n"
	"  --max-connections-per-address N\n"
	"                       connections at once from one client address (default 32)\n"
	"  --header-timeout SECONDS\n"
	"                       a request's line and headers must arrive within this, however\n"
	"                       slowly the client sends them (default 10)\n"
	"  --control-api        serve the control API under /_dialbook/ for tests: fault\n"
	"                       rules, import and export progression, reset, snapshots,\n"
	"                       token expiry, a request journal (docs/control-api.md). Its\n"
	"                       token is logged at start (event=control_api) and written as\n"
	"                       DIALBOOK_CONTROL_TOKEN into --dev-client-file. Refused on an\n"
	"                       address that is not loopback, unless --control-api-remote\n"
	"  --control-api-remote serve it on any --listen address (anyone who can reach it\n"
	"                       and holds the token controls the server)\n"
	"  --control-token-file F  also write DIALBOOK_CONTROL_TOKEN=<token> to F (mode 0600)\n"
	"  --journal-size N     requests the control API's journal keeps (default 1000;\n"
	"                       0 = none)\n"
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
	unsigned deadline_ms, heavy_slots; /* heavy_slots 0: threads - 1 */
	unsigned retention_s, sweep_interval_s, job_lease_s;
	unsigned max_uploads, max_exports;
	unsigned db_lock_wait_ms;
	const char *dev_client_file;
	const char *docs_dir;
	const char *public_url; /* NULL: from --listen */
	const char *tls_cert, *tls_key;
	unsigned max_connections, max_per_address, header_timeout_s;
	bool control_api, control_remote; /* the control API (api/control.h) */
	const char *control_token_file;
	unsigned journal_size;
	bool journal_size_given;
};

/* Options of the HTTP front (issue 9), long only. */
enum {
	OPT_PUBLIC_URL = 0x300,
	OPT_TLS_CERT,
	OPT_TLS_KEY,
	OPT_MAX_CONNECTIONS,
	OPT_MAX_PER_ADDRESS,
	OPT_HEADER_TIMEOUT,
};

/* An absolute http(s) URL without query, fragment, white space or control
 * characters; a trailing '/' is dropped when the URL is used. */
static bool public_url_ok(const char *s)
{
	size_t len = strlen(s);
	size_t scheme = strncmp(s, "https://", 8) == 0 ? 8 : strncmp(s, "http://", 7) == 0 ? 7 : 0;
	if (!scheme || len == scheme || len > DB_MAX_PUBLIC_URL || s[scheme] == '/')
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= 0x20 || *p == 0x7F || *p == '?' || *p == '#')
			return false;
	return true;
}

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

/* Options with no short form: the files' lifetime and caps. */
enum {
	OPT_RETENTION = 0x200,
	OPT_SWEEP_INTERVAL,
	OPT_JOB_LEASE,
	OPT_MAX_UPLOADS,
	OPT_MAX_EXPORTS,
	OPT_DB_LOCK_WAIT,
};

/* Seconds from "90", "90s", "15m", "24h" or "7d", within 1..max. */
static int parse_duration(const char *s, unsigned max, unsigned *out)
{
	size_t digits = strspn(s, "0123456789");
	if (digits == 0 || digits > 9 || (s[digits] && s[digits + 1]))
		return -1;
	unsigned long unit = 1;
	switch (s[digits]) {
	case '\0':
	case 's':
		break;
	case 'm':
		unit = 60;
		break;
	case 'h':
		unit = 3600;
		break;
	case 'd':
		unit = 86400;
		break;
	default:
		return -1;
	}
	unsigned long long v = strtoull(s, NULL, 10) * unit;
	if (v == 0 || v > max)
		return -1;
	*out = (unsigned)v;
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

/* Options of bounded requests (issue 9), long only. */
enum { OPT_REQUEST_DEADLINE = 0x400, OPT_HEAVY_SLOTS };

/* Options of the control API (issue 12), long only. */
enum { OPT_CONTROL_API = 0x500, OPT_CONTROL_REMOTE, OPT_CONTROL_TOKEN_FILE, OPT_JOURNAL_SIZE };
/* Options for operators (issue 13 item 6), long only. */
enum { OPT_LOG_FORMAT = 0x600, OPT_METRICS_TOKEN };

/* A bearer token as HTTP carries it: printable ASCII, no space; long
 * enough not to be guessed. */
static bool metrics_token_ok(const char *t)
{
	size_t n = strlen(t);
	for (size_t i = 0; i < n; i++)
		if (t[i] <= ' ' || t[i] > '~')
			return false;
	return n >= 16;
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
		{"log-format", required_argument, NULL, OPT_LOG_FORMAT},
		{"metrics-token", required_argument, NULL, OPT_METRICS_TOKEN},
		{"dev-client-file", required_argument, NULL, 'f'},
		{"public-url", required_argument, NULL, OPT_PUBLIC_URL},
		{"tls-cert", required_argument, NULL, OPT_TLS_CERT},
		{"tls-key", required_argument, NULL, OPT_TLS_KEY},
		{"max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS},
		{"max-connections-per-address", required_argument, NULL, OPT_MAX_PER_ADDRESS},
		{"header-timeout", required_argument, NULL, OPT_HEADER_TIMEOUT},
		{"token-ttl", required_argument, NULL, 'T'},
		{"max-upload-bytes", required_argument, NULL, 'U'},
		{"docs-dir", required_argument, NULL, 'D'},
		{"max-contacts-per-list", required_argument, NULL, 'L'},
		{"max-contacts-per-org", required_argument, NULL, 'O'},
		{"request-deadline-ms", required_argument, NULL, OPT_REQUEST_DEADLINE},
		{"heavy-slots", required_argument, NULL, OPT_HEAVY_SLOTS},
		{"retention", required_argument, NULL, OPT_RETENTION},
		{"sweep-interval", required_argument, NULL, OPT_SWEEP_INTERVAL},
		{"job-lease", required_argument, NULL, OPT_JOB_LEASE},
		{"max-uploads-per-org", required_argument, NULL, OPT_MAX_UPLOADS},
		{"max-exports-per-org", required_argument, NULL, OPT_MAX_EXPORTS},
		{"db-lock-wait-ms", required_argument, NULL, OPT_DB_LOCK_WAIT},
		{"control-api", no_argument, NULL, OPT_CONTROL_API},
		{"control-api-remote", no_argument, NULL, OPT_CONTROL_REMOTE},
		{"control-token-file", required_argument, NULL, OPT_CONTROL_TOKEN_FILE},
		{"journal-size", required_argument, NULL, OPT_JOURNAL_SIZE},
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
	a->deadline_ms = DB_REQUEST_DEADLINE_MS;
	a->db_lock_wait_ms = STORE_LOCK_WAIT_MS_DEFAULT;
	a->retention_s = DB_FILE_RETENTION_S;
	a->sweep_interval_s = DB_SWEEP_INTERVAL_S;
	a->job_lease_s = DB_JOB_LEASE_S;
	a->max_uploads = DB_MAX_UPLOADS_PER_ORG;
	a->max_exports = DB_MAX_EXPORTS_PER_ORG;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	a->threads = cores > 0 ? (unsigned)cores : 2;
	a->jobs = 2;
	a->max_connections = DB_MAX_CONNECTIONS;
	a->max_per_address = DB_MAX_CONNECTIONS_PER_ADDRESS;
	a->header_timeout_s = DB_HEADER_TIMEOUT_S;
	a->journal_size = CONTROL_JOURNAL_DEFAULT;
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
		case OPT_LOG_FORMAT: {
			enum log_format format;
			if (log_format_parse(optarg, &format))
				return usage_error(NULL, "--log-format is text or json, not %s",
						   optarg);
			log_set_format(format);
			break;
		}
		case OPT_METRICS_TOKEN:
			if (!metrics_token_ok(optarg))
				return usage_error(NULL,
						   "--metrics-token wants 16 or more printable "
						   "characters without spaces, got %zu characters",
						   strlen(optarg));
			metrics_set_token(optarg);
			break;
		case 'f':
			a->dev_client_file = optarg;
			break;
		case OPT_PUBLIC_URL:
			if (!public_url_ok(optarg))
				return usage_error(
					NULL,
					"--public-url wants an absolute http:// or https:// "
					"URL without query or fragment, at most %d "
					"characters (such as https://dialbook.example.com), "
					"got %s",
					DB_MAX_PUBLIC_URL, optarg);
			a->public_url = optarg;
			break;
		case OPT_TLS_CERT:
			a->tls_cert = optarg;
			break;
		case OPT_TLS_KEY:
			a->tls_key = optarg;
			break;
		case OPT_MAX_CONNECTIONS:
			if (parse_uint(optarg, DB_MAX_CONNECTIONS_LIMIT, &a->max_connections) ||
			    a->max_connections == 0)
				return usage_error(NULL, "--max-connections wants 1 to %d, got %s",
						   DB_MAX_CONNECTIONS_LIMIT, optarg);
			break;
		case OPT_MAX_PER_ADDRESS:
			if (parse_uint(optarg, DB_MAX_CONNECTIONS_LIMIT, &a->max_per_address) ||
			    a->max_per_address == 0)
				return usage_error(
					NULL, "--max-connections-per-address wants 1 to %d, got %s",
					DB_MAX_CONNECTIONS_LIMIT, optarg);
			break;
		case OPT_HEADER_TIMEOUT:
			if (parse_uint(optarg, DB_MAX_HEADER_TIMEOUT_S, &a->header_timeout_s) ||
			    a->header_timeout_s == 0)
				return usage_error(NULL,
						   "--header-timeout wants 1 to %d seconds, got %s",
						   DB_MAX_HEADER_TIMEOUT_S, optarg);
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
		case OPT_RETENTION:
			if (parse_duration(optarg, DB_MAX_FILE_RETENTION_S, &a->retention_s))
				return usage_error(
					NULL,
					"--retention wants a duration from 1s to 366d "
					"(seconds, or a number with s, m, h or d such as "
					"24h or 90m), got %s",
					optarg);
			break;
		case OPT_SWEEP_INTERVAL:
			if (parse_duration(optarg, 86400, &a->sweep_interval_s))
				return usage_error(
					NULL,
					"--sweep-interval wants a duration from 1s to 1d "
					"(seconds, or a number with s, m, h or d), got %s",
					optarg);
			break;
		case OPT_DB_LOCK_WAIT:
			if (parse_uint(optarg, DB_MAX_DB_LOCK_WAIT_MS, &a->db_lock_wait_ms) ||
			    a->db_lock_wait_ms == 0)
				return usage_error(NULL, "--db-lock-wait-ms wants 1 to %d, got %s",
						   DB_MAX_DB_LOCK_WAIT_MS, optarg);
			break;
		case OPT_JOB_LEASE:
			if (parse_duration(optarg, DB_MAX_JOB_LEASE_S, &a->job_lease_s))
				return usage_error(NULL,
						   "--job-lease wants a duration from 1s to 1h "
						   "(seconds, or a number with s, m or h), got %s",
						   optarg);
			break;
		case OPT_MAX_UPLOADS:
		case OPT_MAX_EXPORTS: {
			bool up = c == OPT_MAX_UPLOADS;
			unsigned *dst = up ? &a->max_uploads : &a->max_exports;
			if (parse_uint(optarg, 10000, dst) || *dst == 0)
				return usage_error(NULL, "%s wants 1 to 10000, got %s",
						   up ? "--max-uploads-per-org"
						      : "--max-exports-per-org",
						   optarg);
			break;
		}
		case OPT_REQUEST_DEADLINE:
			if (parse_uint(optarg, DB_MAX_REQUEST_DEADLINE_MS, &a->deadline_ms) ||
			    a->deadline_ms == 0)
				return usage_error(NULL,
						   "--request-deadline-ms wants 1 to %d, got %s",
						   DB_MAX_REQUEST_DEADLINE_MS, optarg);
			break;
		case OPT_HEAVY_SLOTS:
			if (parse_uint(optarg, 1024, &a->heavy_slots) || a->heavy_slots == 0)
				return usage_error(NULL, "--heavy-slots wants 1 to 1024, got %s",
						   optarg);
			break;
		case OPT_CONTROL_API:
			a->control_api = true;
			break;
		case OPT_CONTROL_REMOTE:
			a->control_remote = true;
			break;
		case OPT_CONTROL_TOKEN_FILE:
			a->control_token_file = optarg;
			break;
		case OPT_JOURNAL_SIZE:
			if (parse_uint(optarg, CONTROL_JOURNAL_MAX, &a->journal_size))
				return usage_error(NULL, "--journal-size wants 0 to %d, got %s",
						   CONTROL_JOURNAL_MAX, optarg);
			a->journal_size_given = true;
			break;
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
	if (!a->control_api &&
	    (a->control_remote || a->control_token_file || a->journal_size_given))
		return usage_error(NULL, "%s is an option of the control API: add --control-api",
				   a->control_remote	   ? "--control-api-remote"
				   : a->control_token_file ? "--control-token-file"
							   : "--journal-size");
	/* Whoever reaches the control API with its token can inject faults,
	 * reset and restore: only on this machine unless asked for. */
	if (a->control_api && !a->control_remote && !control_host_is_loopback(a->host))
		return usage_error(
			NULL,
			"--control-api is served only on a loopback address (127.0.0.1, "
			"::1, localhost), and --listen is %s; add --control-api-remote to "
			"serve it there anyway",
			a->host);
	if (!a->tls_cert != !a->tls_key)
		return usage_error(NULL, "--tls-cert and --tls-key go together: give both files, "
					 "or neither for plain HTTP");
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
	if (store_org_count(s, &orgs) != STORE_OK)
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

/* Reads a PEM file of --tls-cert or --tls-key whole, NUL-terminated, into
 * *out (the caller frees it); `marker` is the line it must hold. */
static int read_pem(const char *flag, const char *path, const char *marker, char **out)
{
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		log_error("event=startup_failed error=\"cannot read %s %s: %s\"", flag, path,
			  strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 || st.st_size > (off_t)DB_MAX_TLS_FILE_BYTES) {
		log_error("event=startup_failed error=\"%s %s is not a PEM file of 1 to %u bytes\"",
			  flag, path, DB_MAX_TLS_FILE_BYTES);
		close(fd);
		return -1;
	}
	char *text = calloc(1, (size_t)st.st_size + 1);
	if (!text)
		abort();
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, text + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got != (size_t)st.st_size || !strstr(text, marker)) {
		log_error("event=startup_failed error=\"%s %s holds no PEM %s (a line \"%s\")\"",
			  flag, path, strstr(marker, "KEY") ? "private key" : "certificate",
			  marker);
		sodium_memzero(text, (size_t)st.st_size);
		free(text);
		return -1;
	}
	*out = text;
	return 0;
}

/* The control token, once: in the log and in the files that were asked for. */
static int start_control(const struct serve_args *a, const struct control *ctl)
{
	const char *files[] = {a->dev_client_file, a->control_token_file};
	for (size_t i = 0; i < 2; i++) {
		if (files[i] && control_token_write(files[i], control_token(ctl))) {
			log_error("event=startup_failed error=\"cannot write the control token to "
				  "%s: "
				  "%s\"",
				  files[i], strerror(errno));
			return -1;
		}
	}
	log_info("event=control_api token=%s remote=%s journal=%u token_files=%s%s%s",
		 control_token(ctl), a->control_remote ? "true" : "false", a->journal_size,
		 a->dev_client_file ? a->dev_client_file : "",
		 a->dev_client_file && a->control_token_file ? "," : "",
		 a->control_token_file ? a->control_token_file : "");
	return 0;
}

/* --public-url without a trailing '/', or http(s)://HOST:PORT of --listen. */
static void public_url_of(const struct serve_args *a, unsigned port, char *out, size_t size)
{
	if (a->public_url) {
		snprintf(out, size, "%s", a->public_url);
		size_t n = strlen(out);
		while (n && out[n - 1] == '/')
			out[--n] = '\0';
		return;
	}
	const char *scheme = a->tls_cert ? "https" : "http";
	snprintf(out, size, strchr(a->host, ':') ? "%s://[%s]:%u" : "%s://%s:%u", scheme, a->host,
		 port);
}

int cmd_serve(int argc, char **argv)
{
	struct serve_args a;
	memset(&a, 0, sizeof(a));
	int rc = parse_args(argc, argv, &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	/* Everything dialbookd creates (the database, its -wal and -shm, the
	 * files directory, uploads, exports, rejected rows) holds personal
	 * data: readable by the service user only. Set before any thread. */
	umask(077);
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
	api.limits.request_deadline_ms = a.deadline_ms;
	/* Heavy work runs on threads of its own (one per slot): by default one
	 * fewer than the workers, so that a core is left for everything else. */
	api.limits.heavy_slots = a.heavy_slots	 ? a.heavy_slots
				 : a.threads > 1 ? a.threads - 1
						 : DB_HEAVY_SLOTS_MIN;
	api.limits.file_retention_s = a.retention_s;
	api.limits.max_uploads_per_org = a.max_uploads;
	api.limits.max_exports_per_org = a.max_exports;
	char err[512];
	/* The default database lives in var/ (as `make run`'s): made when missing. */
	if (strcmp(a.db, DEFAULT_DB) == 0 && mkdir("var", 0700) != 0 && errno != EEXIST) {
		log_error("event=startup_failed error=\"var: %s\"", strerror(errno));
		return 3;
	}
	const struct store_options store_opt = {.lock_wait_ms = a.db_lock_wait_ms};
	store_set_call_observer(metrics_store_call); /* before any connection */
	if (store_pool_new(a.db, &store_opt, &api.pool, err, sizeof(err)) != STORE_OK) {
		log_error("event=startup_failed error=\"%s\"", err);
		return 3;
	}
	api.rate = rate_limiter_new(a.rate_limit, a.rate_window);
	/* The API page sits next to the binary unless told otherwise. */
	char docs_dir[600];
	if (a.docs_dir) {
		snprintf(docs_dir, sizeof(docs_dir), "%s", a.docs_dir);
	} else {
		/* A build tree's: api-page beside the binary; an installed one's:
		 * <prefix>/share/dialbook/api-page, from <prefix>/bin. */
		ssize_t n = readlink("/proc/self/exe", docs_dir, sizeof(docs_dir) - 40);
		char *slash = n > 0 ? memrchr(docs_dir, '/', (size_t)n) : NULL;
		size_t room = slash ? sizeof(docs_dir) - (size_t)(slash - docs_dir) : 0;
		struct stat st;
		if (!slash) {
			snprintf(docs_dir, sizeof(docs_dir), "api-page");
		} else {
			snprintf(slash, room, "/api-page");
			if (stat(docs_dir, &st) != 0)
				snprintf(slash, room, "/../share/dialbook/api-page");
		}
	}
	api.docs_dir = docs_dir;
	static atomic_bool cancel;
	atomic_store(&cancel, false);
	/* This process's name on the leases of the jobs it runs: a restart is
	 * another server, which waits for the old leases to expire. */
	char instance_id[UUID_STR_LEN];
	text_uuid_new(instance_id);
	struct job_env env = {.limits = &api.limits,
			      .cancel = &cancel,
			      .owner = instance_id,
			      .lease_ms = (int64_t)a.job_lease_s * 1000};
	if (a.control_api) {
		api.control = control_new(&api, a.journal_size);
		env.pacer = control_pacer(api.control);
	}

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
		.max_connections = a.max_connections,
		.max_connections_per_address = a.max_per_address,
		.connection_timeout_s = DB_CONNECTION_TIMEOUT_S,
		.header_timeout_s = a.header_timeout_s,
		.max_body = api.limits.max_json_body,
		.max_upload = a.max_upload,
		.upload_begin = api_upload_begin,
		.is_heavy = api_is_heavy,
		.heavy_threads = api.limits.heavy_slots,
		.dispatch = api_dispatch,
		.dispatch_ctx = &api,
		.request_done = metrics_request_done,
		.connection_count = metrics_connection,
	};
	struct http_server *http = NULL;
	char *tls_cert = NULL, *tls_key = NULL; /* PEM text, read before serving */
	/* After signals are blocked: the workers inherit the mask. */
	api.jobs = job_runner_start(api.pool, a.jobs, &env);
	/* Before serving: what a crash left behind is gone by the first request. */
	struct sweeper *sweeper = sweeper_start(api.pool, &env, a.sweep_interval_s);
	rc = 3;
	/* Every server on the database counts into one budget per caller. */
	if (rate_limiter_share(api.rate, api.pool)) {
		log_error("event=startup_failed error=\"cannot start the rate limit's thread\"");
		goto out;
	}
	if (a.tls_cert &&
	    (read_pem("--tls-cert", a.tls_cert, "-----BEGIN CERTIFICATE-----", &tls_cert) ||
	     read_pem("--tls-key", a.tls_key, "PRIVATE KEY-----", &tls_key)))
		goto out;
	hc.tls_cert_pem = tls_cert;
	hc.tls_key_pem = tls_key;
	char base_url[DB_MAX_PUBLIC_URL + 80];
	public_url_of(&a, a.port, base_url, sizeof(base_url));
	api.public_url = base_url;
	if (http_server_start(&hc, &http, err, sizeof(err))) {
		log_error("event=startup_failed error=\"%s\"", err);
		goto out;
	}
	unsigned port = http_server_port(http);
	if (a.port == 0) /* now known; no client could have asked before */
		public_url_of(&a, port, base_url, sizeof(base_url));
	if (a.dev_client_file &&
	    bootstrap_dev_client(store_pool_get(api.pool), a.dev_client_file, base_url))
		goto out;
	if (api.control && start_control(&a, api.control))
		goto out;
	char db_shown[512]; /* never the password of a PostgreSQL URI */
	store_location_redact(a.db, db_shown, sizeof(db_shown));
	log_info("event=listening address=%s port=%u db=%s profile=%s threads=%u rate_limit=%u "
		 "public_url=%s tls=%s max_connections=%u max_connections_per_address=%u "
		 "header_timeout_s=%u",
		 a.host, port, db_shown, a.profile == PROFILE_REST ? "rest" : "genesys", a.threads,
		 a.rate_limit, base_url, tls_cert ? "on" : "off", a.max_connections,
		 a.max_per_address, a.header_timeout_s);
	int sig = 0;
	sigwait(&stop, &sig);
	log_info("event=stopping signal=%s", sig == SIGINT ? "SIGINT" : "SIGTERM");
	rc = 0;
out:
	http_server_stop(http, 10000);
	if (tls_key)
		sodium_memzero(tls_key, strlen(tls_key));
	free(tls_key);
	free(tls_cert);
	sweeper_stop(sweeper);
	job_runner_stop(api.jobs);
	control_free(api.control);   /* after the jobs, which pace through it */
	rate_limiter_free(api.rate); /* its thread uses the pool */
	store_pool_free(api.pool);
	if (rc == 0)
		log_info("event=stopped");
	return rc;
}

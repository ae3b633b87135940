/* `dialbookd org ...` and `dialbookd client ...`: administration straight
 * on the database, safe while a server runs on it (SQLite WAL, busy wait;
 * PostgreSQL transactions). */
#include "server/cli.h"
#include "server/provision.h"

#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <sys/stat.h>
#include "common/timeutil.h"
#include <stdio.h>
#include <string.h>

static const char org_help[] =
	"usage: dialbookd org add NAME [--db PATH|URI] [--create]\n"
	"\n"
	"Creates an organization (a tenant: its lists are invisible to the others).\n"
	"Prints its id. An existing organization of that name is an error.\n"
	"\n"
	"  --db PATH|URI  the database: a SQLite file, or a PostgreSQL connection URI\n"
	"                 (postgresql://user:password@host:port/database); default\n"
	"                 " DEFAULT_DB " (the one `make run` serves)\n"
	"  --create       create the SQLite database when it does not exist (without it,\n"
	"                 a missing database is an error: nothing is created silently)\n"
	"  --help         this text\n";

static const char client_help[] =
	"usage: dialbookd client add --org NAME --name NAME --grant G[,G...] [--db PATH|URI]\n"
	"                            [--create]\n"
	"       dialbookd client list [--db PATH|URI]\n"
	"       dialbookd client revoke ID [--db PATH|URI]\n"
	"\n"
	"add     creates an OAuth client (and the organization if missing) and prints\n"
	"        {\"client_id\", \"client_secret\", \"org\", \"grants\"}. The secret is shown\n"
	"        only once: dialbook keeps a hash of it.\n"
	"list    prints the clients as a JSON array (never their secrets).\n"
	"revoke  disables a client and its tokens at once.\n"
	"\n"
	"Grants: permissions such as outbound:contactList:add, with * wildcards\n"
	"(outbound:contactList:*), or the scopes outbound, outbound:readonly,\n"
	"outbound:contactlist:write, outbound:contactlist:read, outbound:contact:write,\n"
	"outbound:contact:read.\n"
	"\n"
	"  --db PATH|URI  the database: a SQLite file, or a PostgreSQL connection URI\n"
	"                 (postgresql://user:password@host:port/database); default\n"
	"                 " DEFAULT_DB " (the one `make run` serves)\n"
	"  --create       create the SQLite database when it does not exist (without it,\n"
	"                 a missing database is an error: nothing is created silently)\n"
	"  --help         this text\n";

struct admin_args {
	const char *db, *org, *name, *grant;
	bool create;
	const char *positional[2];
	int positional_count;
};

/* Parses the flags of org/client commands; returns -1 for --help (printed),
 * 2 after a usage error, 0 otherwise. */
static int parse(const char *command, const char *help, int argc, char **argv, struct admin_args *a)
{
	static const struct option options[] = {
		{"db", required_argument, NULL, 'd'},
		{"org", required_argument, NULL, 'o'},
		{"name", required_argument, NULL, 'n'},
		{"grant", required_argument, NULL, 'g'},
		{"create", no_argument, NULL, 'C'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	memset(a, 0, sizeof(*a));
	a->db = DEFAULT_DB;
	opterr = 0;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, ":", options, NULL)) != -1) {
		switch (c) {
		case 'd':
			a->db = optarg;
			break;
		case 'o':
			a->org = optarg;
			break;
		case 'n':
			a->name = optarg;
			break;
		case 'g':
			a->grant = optarg;
			break;
		case 'C':
			a->create = true;
			break;
		case 'h':
			fputs(help, stdout);
			return -1;
		case ':':
			return usage_error(command, "%s needs a value", argv[optind - 1]);
		default:
			return usage_error(command, "unknown option %s", argv[optind - 1]);
		}
	}
	for (int i = optind; i < argc; i++) {
		if (a->positional_count == 2)
			return usage_error(command, "unexpected argument %s", argv[i]);
		a->positional[a->positional_count++] = argv[i];
	}
	return 0;
}

/* Opens the database of a->db. A SQLite file that does not exist is
 * refused unless --create: an administration command run in the wrong
 * directory must not start a new, empty database (and print `[]`). */
static struct store *open_store(const struct admin_args *a)
{
	const char *path = a->db; /* DEFAULT_DB unless --db */
	assert(path);
	bool uri = strncmp(path, "postgres://", 11) == 0 || strncmp(path, "postgresql://", 13) == 0;
	struct stat st;
	if (!uri && stat(path, &st) != 0) {
		if (!a->create) {
			fprintf(stderr,
				"dialbookd: %s: no such database; give --db PATH of the server's "
				"database, start dialbookd on it once, or pass --create\n",
				path);
			return NULL;
		}
		char dir[1024];
		snprintf(dir, sizeof(dir), "%s", path);
		char *slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
				fprintf(stderr, "dialbookd: %s: %s\n", dir, strerror(errno));
				return NULL;
			}
		}
	}
	struct store *s;
	char err[512];
	if (store_open(path, &s, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "dialbookd: %s\n", err);
		return NULL;
	}
	return s;
}

int cmd_org(int argc, char **argv)
{
	struct admin_args a;
	int rc = parse("org", org_help, argc, argv, &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (a.positional_count == 0 || strcmp(a.positional[0], "add") != 0)
		return usage_error("org", "expected `org add NAME`");
	if (a.positional_count != 2)
		return usage_error("org", "org add needs the organization's NAME");
	if (a.grant || a.org || a.name)
		return usage_error("org", "org add takes only NAME, --db and --create");
	struct store *s = open_store(&a);
	if (!s)
		return 3;
	struct org org;
	bool created = false;
	char err[512];
	rc = provision_org(s, a.positional[1], &org, &created, err, sizeof(err));
	if (rc == 0 && !created) {
		snprintf(err, sizeof(err), "an organization named %s already exists (id %s)",
			 org.name, org.id);
		rc = 1;
	}
	if (rc)
		fprintf(stderr, "dialbookd: %s\n", err);
	else
		printf("%s\n", org.id);
	store_close(s);
	return rc;
}

static json_t *grants_array(const char *grants)
{
	json_t *arr = json_array();
	char copy[1024];
	snprintf(copy, sizeof(copy), "%s", grants);
	char *save = NULL;
	for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
		json_array_append_new(arr, json_string(t));
	return arr;
}

static void print_json(json_t *v)
{
	char *text = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	printf("%s\n", text);
	free(text);
	json_decref(v);
}

static int client_add(struct admin_args *a)
{
	if (!a->org || !a->name || !a->grant)
		return usage_error("client", "client add needs --org, --name and --grant");
	if (a->positional_count != 1)
		return usage_error("client", "client add takes no arguments besides its flags");
	if (credentials_init())
		return 3;
	struct store *s = open_store(a);
	if (!s)
		return 3;
	struct oauth_client client;
	char secret[SECRET_STR_LEN], err[512];
	int rc = provision_client(s, a->org, a->name, a->grant, &client, secret, err, sizeof(err));
	store_close(s);
	if (rc == 1)
		return usage_error("client", "%s", err);
	if (rc) {
		fprintf(stderr, "dialbookd: %s\n", err);
		return rc;
	}
	print_json(json_pack("{s:s,s:s,s:s,s:o}", "client_id", client.id, "client_secret", secret,
			     "org", client.org_name, "grants", grants_array(client.grants)));
	return 0;
}

static int add_to_array(const struct oauth_client *c, void *ctx)
{
	char created[32];
	time_format_iso(c->date_created, created, sizeof(created));
	json_array_append_new(ctx, json_pack("{s:s,s:s,s:s,s:o,s:s,s:b}", "client_id", c->id,
					     "name", c->name, "org", c->org_name, "grants",
					     grants_array(c->grants), "dateCreated", created,
					     "revoked", c->revoked));
	return 0;
}

int cmd_client(int argc, char **argv)
{
	struct admin_args a;
	int rc = parse("client", client_help, argc, argv, &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	const char *verb = a.positional_count ? a.positional[0] : "";
	if (strcmp(verb, "add") == 0)
		return client_add(&a);
	if (strcmp(verb, "list") == 0) {
		if (a.positional_count != 1 || a.org || a.name || a.grant)
			return usage_error("client", "client list takes only --db");
		struct store *s = open_store(&a);
		if (!s)
			return 3;
		json_t *arr = json_array();
		rc = store_client_list(s, add_to_array, arr);
		store_close(s);
		if (rc != STORE_OK) {
			json_decref(arr);
			fprintf(stderr, "dialbookd: the database failed to list clients\n");
			return 3;
		}
		print_json(arr);
		return 0;
	}
	if (strcmp(verb, "revoke") == 0) {
		if (a.positional_count != 2)
			return usage_error("client", "client revoke needs the client ID");
		struct store *s = open_store(&a);
		if (!s)
			return 3;
		rc = store_client_revoke(s, a.positional[1]);
		store_close(s);
		if (rc == STORE_NOT_FOUND) {
			fprintf(stderr, "dialbookd: no client with id %s\n", a.positional[1]);
			return 1;
		}
		if (rc != STORE_OK) {
			fprintf(stderr, "dialbookd: the database failed to revoke the client\n");
			return 3;
		}
		printf("revoked %s\n", a.positional[1]);
		return 0;
	}
	return usage_error("client", "expected `client add`, `client list` or `client revoke ID`");
}

/* dialbook lists create|get|ls|update|rm */
#include "cli/cli.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LISTS_COLUMN_HELP                                                                          \
	"  --column NAME:TYPE[:required]   TYPE is text, phone, email, numeric or timestamp;\n"    \
	"                                  e.g. --column phone:phone:required --column "           \
	"email:email\n"                                                                            \
	"  --from LIST.json                a ContactList body (either column form)\n"              \
	"  --status ACTIVE|INACTIVE        the list's status\n"

#define LISTS_FOOTER                                                                               \
	"  --json                          machine output\n"                                       \
	"  -h, --help                      this help\n"                                            \
	"\n" CLI_TARGET_HELP "\n" CLI_EXIT_HELP

static const char help[] =
	"usage: dialbook lists create (--name NAME --column COL... | --from LIST.json)\n"
	"                             [--status ACTIVE|INACTIVE] [--json]\n"
	"       dialbook lists get ID [--json]\n"
	"       dialbook lists ls [--name TEXT] [--json]\n"
	"       dialbook lists update ID [--name NAME] [--status S] [--from LIST.json] [--json]\n"
	"       dialbook lists rm ID...\n"
	"\n"
	"  --name NAME                     create, update: the list's name; ls: only the lists\n"
	"                                  whose name contains NAME\n" LISTS_COLUMN_HELP "\n"
	"create prints the new list's id (the whole list with --json); get prints the list;\n"
	"ls prints one list a line: its id, a tab, its name; update prints the id and the\n"
	"new version. `dialbook lists ACTION --help` tells about one action.\n"
	"\n" LISTS_FOOTER;

/* `dialbook lists ACTION --help`: that action's help only. */
static const struct {
	const char *verb, *text;
} verb_help[] = {
	{"create",
	 "usage: dialbook lists create (--name NAME --column COL... | --from LIST.json)\n"
	 "                             [--status ACTIVE|INACTIVE] [--json]\n"
	 "\n"
	 "Creates a contact list and prints its id (the whole list with --json).\n"
	 "\n"
	 "  --name NAME                     the list's name\n" LISTS_COLUMN_HELP LISTS_FOOTER},
	{"get", "usage: dialbook lists get ID [--json]\n"
		"\n"
		"Prints the list ID as JSON, indented (on one line with --json).\n"
		"\n" LISTS_FOOTER},
	{"ls", "usage: dialbook lists ls [--name TEXT] [--json]\n"
	       "\n"
	       "Prints every list, one a line: its id, a tab, its name (a JSON array with\n"
	       "--json).\n"
	       "\n"
	       "  --name TEXT                     only the lists whose name contains "
	       "TEXT\n" LISTS_FOOTER},
	{"update", "usage: dialbook lists update ID [--name NAME] [--status S] [--from LIST.json] "
		   "[--json]\n"
		   "\n"
		   "Changes the list ID (read first, so that its version is the current one) and\n"
		   "prints its id and new version: \"ID version 2\".\n"
		   "\n"
		   "  --name NAME                     the new name\n"
		   "  --from LIST.json                fields to change, as a ContactList body\n"
		   "  --status ACTIVE|INACTIVE        the new status\n" LISTS_FOOTER},
	{"rm", "usage: dialbook lists rm ID...\n"
	       "\n"
	       "Deletes the lists, printing \"deleted ID\" for each.\n"
	       "\n" LISTS_FOOTER},
};

static const char *help_of(const char *verb)
{
	for (size_t i = 0; i < sizeof(verb_help) / sizeof(verb_help[0]); i++)
		if (strcmp(verb, verb_help[i].verb) == 0)
			return verb_help[i].text;
	return help;
}

struct args {
	const char *name, *status, *from;
	const char *columns[64];
	size_t ncolumns;
	bool json;
	struct cli_target target;
	int first; /* optind after the flags */
};

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option options[] = {
		{"name", required_argument, NULL, 'n'},
		{"status", required_argument, NULL, 's'},
		{"from", required_argument, NULL, 'f'},
		{"column", required_argument, NULL, 'c'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		CLI_TARGET_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	memset(a, 0, sizeof(*a));
	opterr = 0;
	optind = 1;
	int opt;
	while ((opt = getopt_long(argc, argv, ":", options, NULL)) != -1) {
		if (cli_target_option(&a->target, opt, optarg))
			continue;
		switch (opt) {
		case 'n':
			a->name = optarg;
			break;
		case 's':
			a->status = optarg;
			break;
		case 'f':
			a->from = optarg;
			break;
		case 'c':
			if (a->ncolumns == 64)
				return cli_usage("lists", "at most 64 --column flags");
			a->columns[a->ncolumns++] = optarg;
			break;
		case 'j':
			a->json = true;
			break;
		case 'h':
			fputs(help_of(argv[0]), stdout);
			return -1;
		default:
			return cli_bad_option("lists", opt, argv);
		}
	}
	a->first = optind;
	return 0;
}

/* "name:type[:required]" as a columnDefinitions entry. */
static json_t *column_definition(const char *spec)
{
	char copy[512];
	snprintf(copy, sizeof(copy), "%s", spec);
	char *type = strchr(copy, ':');
	char *req = type ? strchr(type + 1, ':') : NULL;
	if (type)
		*type++ = '\0';
	if (req)
		*req++ = '\0';
	static const char *const kinds[] = {"text", "phone", "email", "numeric", "timestamp"};
	bool known = !type;
	for (size_t i = 0; type && i < 5; i++)
		known |= strcmp(type, kinds[i]) == 0;
	if (!copy[0] || !known || (req && strcmp(req, "required") != 0))
		return NULL;
	return json_pack("{s:s,s:s,s:b}", "name", copy, "type", type ? type : "text", "required",
			 req != NULL);
}

/* The request body of create and update; NULL after printing why, with
 * *code the exit status (2: a --column or a --from file that cannot be
 * read, 1: a --from file that is not a JSON object). */
static char *body_from(const struct args *a, json_t *base, int *code)
{
	*code = EXIT_USAGE;
	json_t *body = base ? json_incref(base) : json_object();
	if (a->from) {
		char *text = cli_read_file(a->from, 512000);
		if (!text) {
			json_decref(body);
			return NULL;
		}
		*code = EXIT_INVALID;
		json_error_t jerr;
		json_t *j = json_loads(text, 0, &jerr);
		if (!j)
			fprintf(stderr, "dialbook: %s:%d:%d: not valid JSON: %s\n", a->from,
				jerr.line, jerr.column, jerr.text);
		free(text);
		if (!j || !json_is_object(j)) {
			if (j)
				fprintf(stderr, "dialbook: %s: must hold a JSON object\n", a->from);
			json_decref(j);
			json_decref(body);
			return NULL;
		}
		json_object_update(body, j);
		json_decref(j);
		*code = EXIT_USAGE;
	}
	if (a->name)
		json_object_set_new(body, "name", json_string(a->name));
	if (a->status)
		json_object_set_new(body, "status", json_string(a->status));
	if (a->ncolumns) {
		json_t *defs = json_array();
		for (size_t i = 0; i < a->ncolumns; i++) {
			json_t *d = column_definition(a->columns[i]);
			if (!d) {
				cli_usage("lists",
					  "--column wants NAME:TYPE[:required] with TYPE one "
					  "of text, phone, email, numeric, timestamp; got %s",
					  a->columns[i]);
				json_decref(defs);
				json_decref(body);
				return NULL;
			}
			json_array_append_new(defs, d);
		}
		json_object_set_new(body, "columnDefinitions", defs);
	}
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	return text;
}

static int create(struct args *a, struct dialbook_client *c)
{
	if (!a->from && (!a->name || !a->ncolumns))
		return cli_usage("lists", "create needs --name and --column (or --from LIST.json)");
	int why;
	char *body = body_from(a, NULL, &why);
	if (!body)
		return why;
	char *created = NULL;
	struct dialbook_error err;
	int code = dialbook_list_create(c, body, &created, &err);
	free(body);
	if (code)
		return cli_fail("cannot create the list", code, &err);
	json_t *j = json_loads(created, 0, NULL);
	if (a->json)
		cli_print_json(created, false);
	else
		printf("%s\n", json_string_value(json_object_get(j, "id")));
	json_decref(j);
	free(created);
	return EXIT_DONE;
}

static int list_all(struct args *a, struct dialbook_client *c)
{
	json_t *all = json_array();
	for (int page = 1;; page++) {
		char *text = NULL;
		struct dialbook_error err;
		int code = dialbook_list_page(c, a->name, page, 100, &text, &err);
		if (code) {
			json_decref(all);
			return cli_fail("cannot list the contact lists", code, &err);
		}
		json_t *j = json_loads(text, 0, NULL);
		free(text);
		json_t *entities = json_object_get(j, "entities");
		json_array_extend(all, entities);
		bool more = json_object_get(j, "nextUri") != NULL && json_array_size(entities) > 0;
		json_decref(j);
		if (!more)
			break;
	}
	if (a->json) {
		char *out = json_dumps(all, JSON_COMPACT | JSON_PRESERVE_ORDER);
		printf("%s\n", out);
		free(out);
	} else {
		size_t i;
		json_t *v;
		json_array_foreach(all, i, v)
		{
			printf("%s\t%s\n", json_string_value(json_object_get(v, "id")),
			       json_string_value(json_object_get(v, "name")));
		}
	}
	json_decref(all);
	return EXIT_DONE;
}

static int update(struct args *a, struct dialbook_client *c, const char *id)
{
	char *current = NULL;
	struct dialbook_error err;
	int code = dialbook_list_get(c, id, &current, &err);
	if (code)
		return cli_fail("cannot read the list", code, &err);
	json_t *base = json_loads(current, 0, NULL);
	free(current);
	int why;
	char *body = body_from(a, base, &why);
	json_decref(base);
	if (!body)
		return why;
	char *updated = NULL;
	code = dialbook_list_update(c, id, body, &updated, &err);
	free(body);
	if (code)
		return cli_fail("cannot update the list", code, &err);
	json_t *j = json_loads(updated, 0, NULL);
	if (a->json)
		cli_print_json(updated, false);
	else
		printf("%s version %lld\n", id,
		       (long long)json_integer_value(json_object_get(j, "version")));
	json_decref(j);
	free(updated);
	return EXIT_DONE;
}

int cmd_lists(int argc, char **argv)
{
	int shown =
		cli_show_help_or_verb("lists", help, argc, argv, "create, get, ls, update or rm");
	if (shown >= 0)
		return shown;
	const char *verb = argv[1];
	struct args a;
	int rc = parse(argc - 1, argv + 1, &a);
	if (rc)
		return rc < 0 ? EXIT_DONE : rc;
	char **rest = argv + 1 + a.first;
	int nrest = argc - 1 - a.first;
	bool is_create = strcmp(verb, "create") == 0, is_ls = strcmp(verb, "ls") == 0;
	bool is_get = strcmp(verb, "get") == 0, is_update = strcmp(verb, "update") == 0;
	bool is_rm = strcmp(verb, "rm") == 0;
	if (!is_create && !is_ls && !is_get && !is_update && !is_rm)
		return cli_usage("lists",
				 "unknown action %s; actions are create, get, ls, update, rm",
				 verb);
	if ((is_create || is_ls) && nrest)
		return cli_usage("lists", "unexpected argument %s", rest[0]);
	if ((is_get || is_update) && nrest != 1)
		return cli_usage("lists", "%s needs one list id", verb);
	if (is_rm && nrest == 0)
		return cli_usage("lists", "rm needs the ids of the lists to delete");
	struct dialbook_client *c;
	if ((rc = cli_connect(&a.target, &c)))
		return rc;
	if (is_create) {
		rc = create(&a, c);
	} else if (is_ls) {
		rc = list_all(&a, c);
	} else if (is_get) {
		char *text = NULL;
		struct dialbook_error err;
		int code = dialbook_list_get(c, rest[0], &text, &err);
		rc = code ? cli_fail("cannot read the list", code, &err) : EXIT_DONE;
		if (!code)
			cli_print_json(text, !a.json);
		free(text);
	} else if (is_update) {
		rc = update(&a, c, rest[0]);
	} else {
		rc = EXIT_DONE;
		for (int i = 0; i < nrest; i++) {
			struct dialbook_error err;
			int code = dialbook_list_delete(c, rest[i], &err);
			if (code) {
				rc = cli_fail(rest[i], code, &err);
				continue;
			}
			printf("deleted %s\n", rest[i]);
		}
	}
	dialbook_client_free(c);
	return rc;
}

/* The control API's core: its state and token, its route table, how its
 * requests are authenticated, and helpers its handlers share. */
#include "api/control_internal.h"
#include "common/log.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CTL "/_dialbook"

struct control *control_new(struct api_server *srv, unsigned journal_size)
{
	struct control *ctl = calloc(1, sizeof(*ctl));
	if (!ctl)
		abort();
	unsigned char raw[CONTROL_TOKEN_LEN / 2];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(ctl->token, sizeof(ctl->token), raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
	ctl->srv = srv;
	pthread_mutex_init(&ctl->faults_lock, NULL);
	pthread_mutex_init(&ctl->progress_lock, NULL);
	pthread_mutex_init(&ctl->journal_lock, NULL);
	ctl->journal_size = journal_size;
	control_progress_init(ctl);
	return ctl;
}

void control_free(struct control *ctl)
{
	if (!ctl)
		return;
	control_faults_clear(ctl);
	control_progress_clear(ctl);
	control_journal_free(ctl);
	pthread_mutex_destroy(&ctl->faults_lock);
	pthread_mutex_destroy(&ctl->progress_lock);
	pthread_mutex_destroy(&ctl->journal_lock);
	sodium_memzero(ctl->token, sizeof(ctl->token));
	free(ctl);
}

const char *control_token(const struct control *ctl)
{
	return ctl->token;
}

const struct job_pacer *control_pacer(struct control *ctl)
{
	return &ctl->pacer;
}

bool control_path(const char *path)
{
	return strncmp(path, CTL, sizeof(CTL) - 1) == 0 &&
	       (path[sizeof(CTL) - 1] == '\0' || path[sizeof(CTL) - 1] == '/');
}

int control_admit(struct api_ctx *c)
{
	const char *given = http_bearer_token(c->req);
	const char *mine = c->srv->control->token;
	if (!given) {
		http_response_header(c->res, "WWW-Authenticate",
				     "Bearer realm=\"dialbook control\"");
		return problem_set(&c->problem, 401, "authentication.required",
				   "No control token given: the control API wants \"Authorization: "
				   "Bearer <control token>\", the token dialbookd logged at start "
				   "(event=control_api) and wrote as DIALBOOK_CONTROL_TOKEN");
	}
	/* Constant time: the comparison says nothing of how much matched. */
	if (strlen(given) != CONTROL_TOKEN_LEN ||
	    sodium_memcmp(given, mine, CONTROL_TOKEN_LEN) != 0) {
		http_response_header(c->res, "WWW-Authenticate",
				     "Bearer realm=\"dialbook control\", error=\"invalid_token\"");
		return problem_set(&c->problem, 401, "bad.credentials",
				   "Invalid control token: the control API takes only the control "
				   "token of this dialbookd start (64 hex characters, "
				   "DIALBOOK_CONTROL_TOKEN), never an OAuth access token");
	}
	return 0;
}

int control_bad(struct api_ctx *c, const char *field, const char *fmt, ...)
{
	char what[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return problem_detail_set(&c->problem, field, "%s (%s %s)", what, c->req->method,
				  c->req->path);
}

int control_body(struct api_ctx *c, bool optional, json_t **out)
{
	*out = NULL;
	const struct http_request *req = c->req;
	if (!req->body || req->body_len == 0) {
		if (optional) {
			*out = c->body = json_object(); /* released by the dispatcher */
			return 0;
		}
		return problem_set(&c->problem, 400, "bad.request",
				   "The request body is empty; send a JSON object (%s %s)",
				   req->method, req->path);
	}
	const char *type = req->header(req, "Content-Type");
	if (!type || strncasecmp(type, "application/json", 16) != 0 ||
	    (type[16] && type[16] != ';' && type[16] != ' '))
		return problem_set(&c->problem, 415, "unsupported.media.type",
				   "Unsupported Media Type: the body must be JSON; send "
				   "\"Content-Type: application/json\"");
	json_error_t err;
	json_t *body = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &err);
	if (!body)
		return api_malformed_json(c, &err);
	c->body = body; /* released by the dispatcher */
	*out = body;
	return 0;
}

struct find_list {
	struct store *s;
	const char *id;
	struct org *org;
	int rc;
};

static int find_in_org(const struct org *o, void *ctx)
{
	struct find_list *f = ctx;
	struct contact_list cl;
	int rc = store_list_get(f->s, o->id, f->id, &cl);
	if (rc == STORE_OK) {
		contact_list_release(&cl);
		*f->org = *o;
	}
	f->rc = rc;
	return rc != STORE_NOT_FOUND; /* found, or failed: stop */
}

int control_find_list(struct api_ctx *c, const char *id, struct org *org)
{
	struct find_list f = {c->store, id, org, STORE_NOT_FOUND};
	int rc = store_org_scan(c->store, find_in_org, &f);
	if (rc == STORE_OK)
		rc = f.rc;
	if (rc == STORE_NOT_FOUND)
		return problem_set(&c->problem, 404, "not.found",
				   "The requested resource was not found: no contact list with id "
				   "%.64s in any organization",
				   id);
	return rc == STORE_OK ? 0 : api_store_failed(c);
}

/* The control routes: no OAuth permission (the control token), no
 * API_JSON_BODY (handlers read bodies themselves: some are optional). */
#define CONTROL_ROUTE(m, p, h, sum, req, res, st)                                                  \
	{                                                                                          \
		{m, CTL p}, h, 0, 0, .summary = sum, .request = req, .response = res, .status = st \
	}

const struct api_route control_routes[] = {
	CONTROL_ROUTE("POST", "/faults", control_faults_add,
		      "Add a fault rule (an error, a dropped connection or a delay for matching "
		      "requests)",
		      "FaultRule", "FaultRule", 201),
	CONTROL_ROUTE("GET", "/faults", control_faults_list,
		      "The fault rules, with how often each fired", NULL, "FaultRuleListing", 200),
	CONTROL_ROUTE("DELETE", "/faults", control_faults_delete_all, "Delete every fault rule",
		      NULL, NULL, 204),
	CONTROL_ROUTE("DELETE", "/faults/{id}", control_faults_delete, "Delete a fault rule", NULL,
		      NULL, 204),
	CONTROL_ROUTE("GET", "/progression", control_progress_list,
		      "The import and export progression settings", NULL, "ProgressionListing",
		      200),
	CONTROL_ROUTE("DELETE", "/progression", control_progress_delete_all,
		      "Delete every progression setting and manual credit", NULL, NULL, 204),
	CONTROL_ROUTE("PUT", "/progression/organizations/{organizationId}",
		      control_progress_put_org,
		      "Set an organization's import and export progression", "Progression",
		      "Progression", 200),
	CONTROL_ROUTE("DELETE", "/progression/organizations/{organizationId}",
		      control_progress_delete_org, "Delete an organization's progression setting",
		      NULL, NULL, 204),
	CONTROL_ROUTE("PUT", "/progression/contactlists/{contactListId}", control_progress_put_list,
		      "Set a contact list's import and export progression", "Progression",
		      "Progression", 200),
	CONTROL_ROUTE("DELETE", "/progression/contactlists/{contactListId}",
		      control_progress_delete_list, "Delete a contact list's progression setting",
		      NULL, NULL, 204),
	CONTROL_ROUTE("POST", "/progression/contactlists/{contactListId}/advance",
		      control_progress_advance, "Let the list's manual import read N more rows",
		      "AdvanceRequest", "AdvanceAnswer", 200),
	CONTROL_ROUTE("POST", "/reset", control_reset,
		      "Delete the lists, contacts and jobs of one organization or of all",
		      "ResetRequest", "ResetAnswer", 200),
	CONTROL_ROUTE("POST", "/snapshots", control_snapshot_save,
		      "Save the whole database under a name", "Snapshot", "Snapshot", 201),
	CONTROL_ROUTE("POST", "/snapshots/{name}/restore", control_snapshot_restore,
		      "Replace the whole database with a snapshot", NULL, "Snapshot", 200),
	CONTROL_ROUTE("POST", "/clients/{clientId}/expire-tokens", control_expire_tokens,
		      "Expire every access token of an OAuth client now", NULL, "ExpiredTokens",
		      200),
	{{"GET", CTL "/journal"},
	 control_journal_get,
	 0,
	 0,
	 .summary = "The last requests this server answered (never their data)",
	 .query = control_journal_query,
	 .response = "Journal",
	 .status = 200},
	CONTROL_ROUTE("DELETE", "/journal", control_journal_delete, "Clear the request journal",
		      NULL, NULL, 204),
};

const size_t control_route_count = sizeof(control_routes) / sizeof(control_routes[0]);

const struct api_schema control_schemas[] = {
	{"FaultRule", control_fault_fields, false, "A fault rule (control API)."},
	{"FaultRuleListing", control_fault_listing_fields, false, "The fault rules."},
	{"Progression", control_progression_fields, false,
	 "How an organization's or a list's imports and exports move along."},
	{"ProgressionListing", control_progression_listing_fields, false, "Every setting."},
	{"AdvanceRequest", control_advance_fields, false, "Rows a manual import may read."},
	{"AdvanceAnswer", control_advance_answer_fields, false, "The list's credit."},
	{"ResetRequest", control_reset_fields, false, "Empty: everything; or one organization."},
	{"ResetAnswer", control_reset_answer_fields, false, "What was reset."},
	{"Snapshot", control_snapshot_fields, false, "A named copy of the whole database."},
	{"ExpiredTokens", control_expire_answer_fields, false, "Tokens expired now."},
	{"JournalEntry", control_journal_entry_fields, false, "One request, without its data."},
	{"Journal", control_journal_fields, false, "Requests, oldest first."},
	{NULL, NULL, false, NULL},
};

/* Every request passes here: route, rate limit, authentication,
 * permission, body checks, then the handler. Every refusal is an
 * ErrorBody whose contextId is the request's correlation id. */
#include "api/api.h"
#include "api/control.h"
#include "api/metrics.h"
#include "api/ratelimit.h"
#include "auth/credentials.h"
#include "common/log.h"
#include "common/timeutil.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int api_reply(struct api_ctx *c, int status, json_t *body)
{
	c->res->status = status;
	c->res->json = body;
	return 0;
}

int api_not_found(struct api_ctx *c, const char *what, const char *id)
{
	return problem_set(&c->problem, 404, "not.found",
			   "The requested resource was not found: no %s with id %.64s in this "
			   "organization",
			   what, id);
}

int api_malformed_json(struct api_ctx *c, const json_error_t *err)
{
	/* jansson's own words name its flag; say what the body holds instead. */
	const char *what = json_error_code(err) == json_error_null_character
				   ? "a string holds \\u0000 (a NUL character), which no value "
				     "may hold"
				   : err->text;
	return problem_set(&c->problem, 400, "bad.request",
			   "The request could not be understood by the server due to malformed "
			   "syntax: %s at line %d, column %d of the JSON body",
			   what, err->line, err->column);
}

int api_cap_reached(struct api_ctx *c, const char *what, unsigned max, const char *flag)
{
	http_response_header(c->res, "Retry-After", "%d", DB_CAP_RETRY_AFTER_S);
	return problem_set(&c->problem, 429, "too.many.requests",
			   "this organization already has %u %s, the most it may have at once "
			   "(%s); retry when one has finished",
			   max, what, flag);
}

int api_store_failure(struct api_ctx *c, const struct store_failure *f)
{
	/* A backend that failed without saying why is a fault of ours. */
	enum store_fault fault = f->fault == STORE_FAULT_NONE ? STORE_FAULT_INTERNAL : f->fault;
	int retry = store_fault_retry_after(fault);
	log_error("event=store_failed correlation_id=%s fault=%s error=\"%s\"",
		  c->req->correlation_id, store_fault_key(fault), f->detail);
	http_response_header(c->res, "Retry-After", "%d", retry);
	return problem_set(&c->problem, 503, "service.unavailable",
			   "the store could not complete the request (%s: %s); nothing of it was "
			   "stored. It was logged with this request's correlation id; retry in %d "
			   "seconds",
			   store_fault_key(fault), store_fault_text(fault), retry);
}

int api_store_failed(struct api_ctx *c)
{
	return api_store_failure(c, store_last_failure(c->store));
}

int api_query_bool(struct api_ctx *c, const char *name, bool def, bool *out)
{
	const char *v = http_query_get(c->req, name);
	*out = def;
	if (!v)
		return 0;
	if (strcasecmp(v, "true") == 0) {
		*out = true;
		return 0;
	}
	if (strcasecmp(v, "false") == 0) {
		*out = false;
		return 0;
	}
	problem_add_detail(&c->problem, "INVALID_VALUE", name);
	return problem_set(&c->problem, 400, "invalid.value",
			   "Value [%.64s] is not valid for field type [%s]. Allowable values are: "
			   "true, false",
			   v, name);
}

/* Whether a token has the shape of those dialbook issues (43 characters of
 * base64url); if not, *why says what is wrong with it, so that a refusal
 * points at how the header was built, not at getting a new token. */
static bool token_well_formed(const char *t, char *why, size_t why_size)
{
	size_t len = strlen(t);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)t[i];
		if (isalnum(ch) || ch == '-' || ch == '_')
			continue;
		snprintf(why, why_size, "it holds %s at character %zu",
			 ch == ' ' || ch == '\t'   ? "white space"
			 : ch < 0x20 || ch >= 0x7F ? "a byte that is not printable ASCII"
						   : "a character outside base64url",
			 i + 1);
		return false;
	}
	if (len != SECRET_STR_LEN - 1) {
		snprintf(why, why_size, "it has %zu characters", len);
		return false;
	}
	return true;
}

static int authenticate(struct api_ctx *c, const char *token_hash)
{
	struct problem *p = &c->problem;
	if (!token_hash) {
		http_response_header(c->res, "WWW-Authenticate", "Bearer realm=\"dialbook\"");
		return problem_set(p, 401, "authentication.required",
				   "No authentication bearer token specified in authorization "
				   "header. Get a token from POST /oauth/token and send "
				   "\"Authorization: Bearer <token>\"");
	}
	char why[96];
	if (!token_well_formed(http_bearer_token(c->req), why, sizeof(why))) {
		http_response_header(c->res, "WWW-Authenticate",
				     "Bearer realm=\"dialbook\", error=\"invalid_token\"");
		return problem_set(p, 401, "bad.credentials",
				   "Invalid login credentials. The bearer token is malformed: %s; "
				   "dialbook's tokens are 43 characters of base64url (A-Z, a-z, "
				   "0-9, - and _). Check how the Authorization header is built: "
				   "\"Authorization: Bearer <access_token>\"",
				   why);
	}
	int rc = store_token_get(c->store, token_hash, &c->token);
	if (rc == STORE_OK && c->token.expires_at <= time_now_ms())
		rc = STORE_NOT_FOUND;
	if (rc == STORE_OK)
		rc = store_org_get(c->store, c->token.org_id, &c->org);
	if (rc == STORE_NOT_FOUND) {
		http_response_header(c->res, "WWW-Authenticate",
				     "Bearer realm=\"dialbook\", error=\"invalid_token\"");
		return problem_set(p, 401, "bad.credentials",
				   "Invalid login credentials. The bearer token is unknown, "
				   "expired or revoked; get a new one from POST /oauth/token");
	}
	return rc == STORE_OK ? 0 : api_store_failed(c);
}

static int authorize(struct api_ctx *c, permission_set need)
{
	if ((need & ~c->token.permissions) == 0)
		return 0;
	char missing[512];
	permission_missing(need, c->token.permissions, missing, sizeof(missing));
	http_response_header(c->res, "WWW-Authenticate",
			     "Bearer realm=\"dialbook\", error=\"insufficient_scope\", "
			     "scope=\"%s\"",
			     missing);
	problem_add_detail(&c->problem, "MISSING_PERMISSIONS", NULL);
	return problem_set(&c->problem, 403, "missing.permissions",
			   "Unable to perform the requested action. You are missing the "
			   "following permission(s): %s",
			   missing);
}

static bool is_json_type(const char *type)
{
	if (!type)
		return false;
	size_t n = strcspn(type, ";");
	while (n && type[n - 1] == ' ')
		n--;
	return n == 16 && strncasecmp(type, "application/json", 16) == 0;
}

static int parse_json_body(struct api_ctx *c)
{
	const struct http_request *req = c->req;
	struct problem *p = &c->problem;
	if (!is_json_type(req->header(req, "Content-Type")))
		return problem_set(p, 415, "unsupported.media.type",
				   "Unsupported Media Type: the body must be JSON; send "
				   "\"Content-Type: application/json\"");
	if (!req->body || req->body_len == 0)
		return problem_set(p, 400, "bad.request",
				   "The request body is empty; send a JSON object");
	json_error_t err;
	c->body = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
			     &err);
	if (!c->body)
		return api_malformed_json(c, &err);
	return 0;
}

static void rate_limit_headers(struct http_response *res, const struct rate_verdict *v)
{
	http_response_header(res, "inin-ratelimit-allowed", "%u", v->limit);
	http_response_header(res, "inin-ratelimit-count", "%u", v->count);
	http_response_header(res, "inin-ratelimit-reset", "%u", v->reset_s);
}

/* Every query parameter must be one of the route's (a typo such as
 * "pagesize" is caught, not ignored). */
static int check_query(struct api_ctx *c, const struct api_route *route)
{
	for (size_t i = 0; i < c->req->query_count; i++) {
		const char *key = c->req->query[i].key;
		if (route->query && field_find(route->query, key))
			continue;
		char list[512] = "";
		size_t used = 0;
		for (const struct field *q = route->query; q && q->name; q++) {
			int n = snprintf(list + used, sizeof(list) - used, "%s%s", used ? ", " : "",
					 q->name);
			if (n > 0 && (size_t)n < sizeof(list) - used)
				used += (size_t)n;
		}
		problem_add_detail(&c->problem, "INVALID_PROPERTY", key);
		if (!used)
			return problem_set(&c->problem, 400, "invalid.value",
					   "%.64s is not a query parameter of this endpoint; it "
					   "takes none",
					   key);
		return problem_set(
			&c->problem, 400, "invalid.value",
			"%.64s is not a query parameter of this endpoint; it accepts: %s", key,
			list);
	}
	return 0;
}

/* Size and query limits, authentication, permission, query parameters. */
static int admit(struct api_ctx *c, const struct api_route *route, const char *token_hash)
{
	const struct http_request *req = c->req;
	if (req->body_too_large)
		return problem_set(&c->problem, 413, "request.entity.too.large",
				   "The request is over the size limit. Maximum bytes: %zu",
				   req->body_limit);
	if (req->query_overflow)
		return problem_set(&c->problem, 400, "bad.request",
				   "too many query parameters (the limit is %d)", HTTP_MAX_QUERY);
	if (!(route->flags & API_PUBLIC) &&
	    (authenticate(c, token_hash) || authorize(c, route->need)))
		return -1;
	return check_query(c, route);
}

/* A path segment that does not percent-decode (to UTF-8 without NUL) names
 * nothing: say which segment, as sent, and how to write it. */
static int bad_segment(struct api_ctx *c, const struct route_match *m)
{
	problem_add_detail(&c->problem, "INVALID_VALUE", m->bad_name[0] ? m->bad_name : "path");
	if (m->bad_name[0])
		return problem_set(&c->problem, 400, "bad.request",
				   "the %s path segment \"%s\" is not valid percent-encoding: %s. "
				   "Encode each byte outside A-Za-z0-9-._~ of an id as %%XX, once "
				   "(a literal %% is %%25)",
				   m->bad_name, m->bad_text, m->bad_reason);
	return problem_set(&c->problem, 400, "bad.request",
			   "path segment %zu \"%s\" is not valid percent-encoding: %s. Encode "
			   "each byte outside A-Za-z0-9-._~ as %%XX, once (a literal %% is %%25)",
			   m->bad_position, m->bad_text, m->bad_reason);
}

/* Routing, limits, authentication and permission; then, for an upload's
 * first bytes, the upload's start, or else the body checks and the handler. */
static int serve(struct api_ctx *c, const char *token_hash, struct http_upload **begun)
{
	const struct http_request *req = c->req;
	struct problem *p = &c->problem;
	struct route_match m;
	/* /_dialbook/ is the control API's when it is on: its own routes and
	 * token; else those paths are unknown like any other. */
	bool control = c->srv->control && control_path(req->path);
	const struct api_route *table = control ? control_routes : api_routes;
	size_t count = control ? control_route_count : api_route_count;
	enum route_result rr =
		router_match(table, count, sizeof(table[0]), req->method, req->path, &m);
	if (rr == ROUTE_BAD_SEGMENT)
		return bad_segment(c, &m);
	if (rr == ROUTE_NOT_FOUND)
		return problem_set(p, 404, "not.found",
				   "The requested resource was not found: %s %.200s is not an "
				   "endpoint of dialbook (see /api/v2/docs)",
				   req->method, req->path);
	if (rr == ROUTE_WRONG_METHOD) {
		http_response_header(c->res, "Allow", "%s", m.allow);
		return problem_set(p, 405, "method.not.allowed",
				   "%s is not allowed on %.200s; allowed: %s", req->method,
				   req->path, m.allow);
	}
	const struct api_route *route = &table[m.index];
	struct http_request routed = *req;
	memcpy(routed.params, m.params, sizeof(m.params));
	routed.param_count = m.param_count;
	c->req = &routed;
	int rc = control ? (control_admit(c) || check_query(c, route) ? -1 : 0)
			 : admit(c, route, token_hash);
	/* Fault rules act once the caller is known, before any work; an
	 * upload's completion was judged at its start. */
	if (rc == 0 && !control && c->srv->control && !req->upload)
		rc = control_fault(c);
	if (rc == 0) {
		if (begun)
			rc = uploads_begin(c, begun);
		else if ((route->flags & API_JSON_BODY) && parse_json_body(c))
			rc = -1;
		else
			rc = route->handler(c);
	}
	c->req = req;
	return rc;
}

static bool routes_to(const struct http_request *req, const char *pattern);

/* Rate limiting and the store connection, shared by both entry points.
 * `count` is false for the completion of an upload counted at its start. */
static int prelude(struct api_ctx *c, bool count, char token_hash[HASH_HEX_LEN], bool *has_token)
{
	const struct http_request *req = c->req;
	const char *token = http_bearer_token(req);
	*has_token = token != NULL;
	if (token)
		credentials_hash(token, strlen(token), token_hash);
	/* Token requests count against the address whatever Authorization
	 * says: a made-up bearer token must not open a fresh budget (oauth.c
	 * counts each client id too). */
	bool by_token = token && !routes_to(req, "/oauth/token");
	char key[80];
	snprintf(key, sizeof(key), "%s%s",
		 by_token ? "t:" : "ip:", by_token ? token_hash : req->client_addr);
	struct rate_verdict verdict;
	rate_limiter_hit(c->srv->rate, key, time_now_ms(), count, &verdict);
	rate_limit_headers(c->res, &verdict);
	if (!verdict.allowed) {
		metrics_rate_limited();
		http_response_header(c->res, "Retry-After", "%u", verdict.reset_s);
		return problem_set(
			&c->problem, 429, "too.many.requests",
			"Rate limit exceeded the maximum. Retry the request in [%u] seconds",
			verdict.reset_s);
	}
	if (!(c->store = store_pool_get(c->srv->pool)))
		return api_store_failed(c);
	return 0;
}

static void answer_problem(struct api_ctx *c)
{
	if (c->problem.status == 0)
		api_store_failed(c);
	json_decref(c->res->json);
	c->res->status = c->problem.status;
	c->res->json = problem_to_json(&c->problem, c->req->correlation_id);
	/* A 503 is a limit doing its job (busy, deadline, stopping): worth a
	 * warning, not an error. */
	if (c->problem.status == 503)
		log_warn("event=request_refused correlation_id=%s message=\"%s\"",
			 c->req->correlation_id, c->problem.message);
	else if (c->problem.status >= 500)
		log_error("event=request_failed correlation_id=%s message=\"%s\"",
			  c->req->correlation_id, c->problem.message);
}

/* Whether req is a health probe (API_PROBE): a balancer's, answered
 * without the rate limit and whatever the store's state. */
static bool is_probe(const struct http_request *req)
{
	struct route_match m;
	return router_match(api_routes, api_route_count, sizeof(api_routes[0]), req->method,
			    req->path, &m) == ROUTE_FOUND &&
	       (api_routes[m.index].flags & API_PROBE);
}

/* A control request needs a store connection, and no rate limit. */
static int control_prelude(struct api_ctx *c)
{
	return (c->store = store_pool_get(c->srv->pool)) ? 0 : api_store_failed(c);
}

void api_dispatch(void *ctx, const struct http_request *req, struct http_response *res)
{
	struct api_ctx c = {.req = req, .res = res, .srv = ctx};
	problem_init(&c.problem);
	char token_hash[HASH_HEX_LEN];
	bool has_token = false;
	bool control = c.srv->control && control_path(req->path);
	int rc = control	  ? control_prelude(&c)
		 : !is_probe(req) ? prelude(&c, req->upload == NULL, token_hash, &has_token)
				  : 0;
	if (rc || serve(&c, has_token ? token_hash : NULL, NULL))
		answer_problem(&c);
	if (c.srv->control && !control)
		control_journal_record(&c);
	json_decref(c.body);
	problem_release(&c.problem);
}

/* Whether the router takes the request for the route `pattern`, in any
 * spelling of its path ("/uploads/v2/contactlist/", percent-encoded). */
static bool routes_to(const struct http_request *req, const char *pattern)
{
	struct route_match m;
	return router_match(api_routes, api_route_count, sizeof(api_routes[0]), req->method,
			    req->path, &m) == ROUTE_FOUND &&
	       strcmp(api_routes[m.index].http.pattern, pattern) == 0;
}

/* An upload is streamed, never buffered as JSON. */
static bool is_upload(const struct http_request *req)
{
	return routes_to(req, API_UPLOAD_PATH);
}

struct http_upload *api_upload_begin(void *ctx, const struct http_request *req,
				     struct http_response *res)
{
	if (!is_upload(req))
		return NULL; /* an ordinary request */
	struct api_ctx c = {.req = req, .res = res, .srv = ctx};
	problem_init(&c.problem);
	char token_hash[HASH_HEX_LEN];
	bool has_token;
	struct http_upload *u = NULL;
	if (prelude(&c, true, token_hash, &has_token) ||
	    serve(&c, has_token ? token_hash : NULL, &u)) {
		answer_problem(&c);
		if (c.srv->control) /* refused at its start: its only record */
			control_journal_record(&c);
		u = NULL;
	} else {
		memset(res, 0, sizeof(*res)); /* accepted: the body streams in */
	}
	problem_release(&c.problem);
	return u;
}

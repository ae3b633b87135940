/* The API layer: handlers get a parsed request, a store connection and the
 * caller's identity, and either fill the response or record a problem.
 * They never see libmicrohttpd or SQL. */
#ifndef DIALBOOK_API_H
#define DIALBOOK_API_H

#include <stdatomic.h>
#include <stdbool.h>

#include "auth/permissions.h"
#include "common/limits.h"
#include "http/http.h"
#include "http/router.h"
#include "model/problem.h"
#include "store/pool.h"
#include "store/store.h"
#include "model/contactlist.h"

enum api_profile { PROFILE_REST, PROFILE_GENESYS };

struct rate_limiter;
struct job_runner;
struct control;

#define API_UPLOAD_PATH "/uploads/v2/contactlist"

struct api_server {
	struct store_pool *pool;
	struct db_limits limits;
	enum api_profile profile;
	struct rate_limiter *rate;
	struct job_runner *jobs;
	const char *docs_dir; /* the API page's files; NULL: not installed */
	/* Absolute URIs start with this (--public-url), never with Host. */
	const char *public_url;
	atomic_uint heavy_busy;	 /* slots of heavy work taken (heavy.c) */
	struct control *control; /* --control-api (api/control.h); NULL: off */
};

struct api_ctx {
	const struct http_request *req;
	struct http_response *res;
	struct api_server *srv;
	struct store *store;
	struct token_info token; /* the caller, on authenticated routes */
	struct org org;		 /* the caller's organization */
	json_t *body;		 /* parsed JSON body on API_JSON_BODY routes */
	struct problem problem;
	char fault_id[UUID_STR_LEN]; /* the control API's rule that answered; "" */
};

typedef int (*api_handler)(struct api_ctx *c);

enum api_route_flag {
	API_PUBLIC = 1 << 0,	/* no bearer token needed */
	API_JSON_BODY = 1 << 1, /* the body must be a JSON document */
	API_HEAVY = 1 << 2,	/* the handler is heavy work (api/heavy.h) */
	/* A listing: heavy work when its name filter is a RegEx (listing.h). */
	API_HEAVY_REGEX = 1 << 3,
	/* A health probe: no rate limit, no store connection before the handler. */
	API_PROBE = 1 << 4,
};

struct api_route {
	struct http_route http; /* first: the router reads it */
	api_handler handler;
	permission_set need;
	unsigned flags;
	/* What the OpenAPI document and the query check are made from. */
	const char *summary;
	const struct field *query; /* the query parameters; NULL: none */
	const char *request;	   /* schema of the body (see api_schemas), or NULL */
	const char *response;	   /* schema of the answer, or NULL for none */
	int status;		   /* success status with --profile rest */
};

/* Named schemas of the OpenAPI document: each a field table. */
struct api_schema {
	const char *name;
	const struct field *fields;
	bool array; /* the schema is an array of these objects */
	const char *description;
};

extern const struct api_schema api_schemas[];
/* The OpenAPI 3.0 document of every route (openapi.c). */
json_t *api_openapi_document(void);
int docs_openapi(struct api_ctx *c);
int health_live(struct api_ctx *c);
int health_ready(struct api_ctx *c);
int docs_page(struct api_ctx *c);
int docs_file(struct api_ctx *c);

extern const struct api_route api_routes[];
extern const size_t api_route_count;

/* The http_dispatch_fn of dialbookd; ctx is a struct api_server. */
void api_dispatch(void *ctx, const struct http_request *req, struct http_response *res);
/* The http_upload_begin_fn: accepts or refuses an upload at its headers. */
struct http_upload *api_upload_begin(void *ctx, const struct http_request *req,
				     struct http_response *res);
/* The http_heavy_fn: whether a complete request routes to heavy work, by
 * the route's flags and the query alone (heavy.c). */
bool api_is_heavy(void *ctx, const struct http_request *req);
/* Starts an upload for an admitted request (uploads.c). */
int uploads_begin(struct api_ctx *c, struct http_upload **out);

/* Helpers for handlers. */
int api_reply(struct api_ctx *c, int status, json_t *body);
int api_not_found(struct api_ctx *c, const char *what, const char *id);
/* api_store_failure for the last call on c->store (no connection: unavailable). */
int api_store_failed(struct api_ctx *c);
/* 503 service.unavailable with Retry-After, naming the kind of failure f
 * (store.h); the backend's words go to the log with the correlation id. */
int api_store_failure(struct api_ctx *c, const struct store_failure *f);
/* 429 with Retry-After: the organization already has `max` of `what` (e.g.
 * "uploads in flight") at once, as `flag` allows. Returns -1. */
int api_cap_reached(struct api_ctx *c, const char *what, unsigned max, const char *flag);
/* 400 bad.request for a body jansson could not parse: what and where
 * (line and column of the body). Returns -1. */
int api_malformed_json(struct api_ctx *c, const json_error_t *err);
/* Loads a list of the caller's organization; 404 (never 403) otherwise. */
int api_load_list(struct api_ctx *c, const char *id, struct contact_list *cl);
/* The cloud's ImportStatus of a list (its latest import), or NULL when the
 * store failed. */
json_t *import_status_json(struct api_ctx *c, const char *list_id);
/* Parses a boolean query argument ("true"/"false"); absent gives def. */
int api_query_bool(struct api_ctx *c, const char *name, bool def, bool *out);

/* Handlers. */
int oauth_token(struct api_ctx *c);
int contactlists_create(struct api_ctx *c);
int contactlists_list(struct api_ctx *c);
int contactlists_get(struct api_ctx *c);
int contactlists_update(struct api_ctx *c);
int contactlists_delete(struct api_ctx *c);
int contactlists_delete_many(struct api_ctx *c);
int divisionviews_list(struct api_ctx *c);
int divisionviews_get(struct api_ctx *c);
int templates_create(struct api_ctx *c);
int templates_bulk_add(struct api_ctx *c);
int templates_bulk_retrieve(struct api_ctx *c);
int templates_list(struct api_ctx *c);
int templates_get(struct api_ctx *c);
int templates_update(struct api_ctx *c);
int templates_delete(struct api_ctx *c);
int templates_delete_many(struct api_ctx *c);
int contactlistfilters_preview(struct api_ctx *c);
int filters_create(struct api_ctx *c);
int filters_get(struct api_ctx *c);
int filters_list(struct api_ctx *c);
int filters_update(struct api_ctx *c);
int filters_delete(struct api_ctx *c);
int filters_bulk_retrieve(struct api_ctx *c);
int contacts_add(struct api_ctx *c);
int contacts_get(struct api_ctx *c);
int contacts_update(struct api_ctx *c);
int contacts_delete(struct api_ctx *c);
int contacts_delete_many(struct api_ctx *c);
int contacts_bulk_get(struct api_ctx *c);
int contacts_search(struct api_ctx *c);
int contacts_clear(struct api_ctx *c);
int importstatus_get(struct api_ctx *c);
int uploads_finish(struct api_ctx *c);
int exports_start(struct api_ctx *c);
int exports_get(struct api_ctx *c);
int downloads_get(struct api_ctx *c);

#endif

/* POST /oauth/token: the client credentials grant (RFC 6749 §4.4). Errors
 * use the OAuth shape, with the cloud's `description` beside RFC 6749's
 * `error_description`. */
#include "api/api.h"
#include "api/metrics.h"
#include "api/ratelimit.h"
#include "auth/credentials.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "http/form.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct credentials {
	char id[400]; /* as large as a decoded header: nothing is cut */
	char secret[400];
	bool from_basic;
};

static int oauth_error(struct api_ctx *c, int status, const char *error, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int oauth_error(struct api_ctx *c, int status, const char *error, const char *fmt, ...)
{
	char text[512];
	va_list ap;
	va_start(ap, fmt);
	/* The analyzer misses the va_start above (a false positive of clang 14). */
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	http_response_header(c->res, "Cache-Control", "no-store");
	http_response_header(c->res, "Pragma", "no-cache");
	api_reply(c, status,
		  json_pack("{s:s,s:s,s:s}", "error", error, "description", text,
			    "error_description", text));
	return 1; /* answered: the caller stops */
}

/* RFC 6749 §5.2: a failed Basic authentication is answered with a challenge.
 * An unknown client id, a revoked client and a wrong secret get this one
 * answer, so that the answer does not tell which client ids exist. */
static int client_refused(struct api_ctx *c, const struct credentials *cr)
{
	if (cr->from_basic)
		http_response_header(c->res, "WWW-Authenticate", "Basic realm=\"dialbook\"");
	return oauth_error(c, 401, "invalid_client",
			   "client authentication failed: the client id and secret do not "
			   "match an active client");
}

/* Basic auth or form fields; both at once must agree. */
static int read_credentials(struct api_ctx *c, const struct form *f, struct credentials *cr)
{
	memset(cr, 0, sizeof(*cr));
	const char *auth = c->req->header(c->req, "Authorization");
	if (auth && strncasecmp(auth, "Basic ", 6) == 0) {
		const char *b64 = auth + 6;
		while (*b64 == ' ')
			b64++;
		unsigned char decoded[400];
		size_t len = 0;
		if (sodium_base642bin(decoded, sizeof(decoded) - 1, b64, strlen(b64), NULL, &len,
				      NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
			return oauth_error(c, 400, "invalid_request",
					   "the Authorization header is not valid Basic "
					   "credentials (base64 of client_id:client_secret)");
		decoded[len] = '\0';
		char *colon = memchr(decoded, ':', len);
		if (!colon || memchr(decoded, '\0', len))
			return oauth_error(c, 400, "invalid_request",
					   "Basic credentials must be base64 of "
					   "client_id:client_secret");
		*colon = '\0';
		snprintf(cr->id, sizeof(cr->id), "%s", (char *)decoded);
		snprintf(cr->secret, sizeof(cr->secret), "%s", colon + 1);
		cr->from_basic = true;
		sodium_memzero(decoded, sizeof(decoded));
	}
	int rep_id, rep_secret;
	const char *id = form_get(f, "client_id", &rep_id);
	const char *secret = form_get(f, "client_secret", &rep_secret);
	if (rep_id || rep_secret)
		return oauth_error(c, 400, "invalid_request",
				   "client_id and client_secret may each be given once");
	if (cr->from_basic && (id || secret))
		return oauth_error(c, 400, "invalid_request",
				   "send the client credentials either in the Authorization header "
				   "or in the form, not both");
	if (!cr->from_basic) {
		if (!id || !secret)
			return oauth_error(c, 401, "invalid_client",
					   "client credentials are required: use HTTP Basic auth "
					   "(client_id:client_secret) or the client_id and "
					   "client_secret form fields");
		if (strlen(id) >= sizeof(cr->id) || strlen(secret) >= sizeof(cr->secret))
			return client_refused(c, cr);
		snprintf(cr->id, sizeof(cr->id), "%s", id);
		snprintf(cr->secret, sizeof(cr->secret), "%s", secret);
	}
	return 0;
}

/* Each client id has its own budget of token requests (besides its
 * address's, counted by the dispatcher), so guessing one client's secret
 * from many addresses is as slow as from one. */
static int client_rate_limited(struct api_ctx *c, const struct credentials *cr)
{
	char hash[HASH_HEX_LEN], key[HASH_HEX_LEN + 8];
	credentials_hash(cr->id, strlen(cr->id), hash);
	snprintf(key, sizeof(key), "c:%s", hash);
	struct rate_verdict v;
	rate_limiter_hit(c->srv->rate, key, time_now_ms(), true, &v);
	if (v.allowed)
		return 0;
	metrics_rate_limited();
	http_response_header(c->res, "Retry-After", "%u", v.reset_s);
	return problem_set(&c->problem, 429, "too.many.requests",
			   "Rate limit exceeded the maximum for this client's token requests. "
			   "Retry the request in [%u] seconds",
			   v.reset_s);
}

static int check_client(struct api_ctx *c, const struct credentials *cr, struct oauth_client *cl)
{
	if (client_rate_limited(c, cr))
		return -1;
	int rc = store_client_get(c->store, cr->id, cl);
	if (rc != STORE_OK && rc != STORE_NOT_FOUND)
		return api_store_failed(c);
	/* The secret is hashed whether or not the client exists: the time of
	 * the answer does not tell either. */
	char hash[HASH_HEX_LEN];
	credentials_hash(cr->secret, strlen(cr->secret), hash);
	if (rc == STORE_NOT_FOUND || cl->revoked || !credentials_hash_equal(hash, cl->secret_hash))
		return client_refused(c, cr);
	return 0;
}

int oauth_token(struct api_ctx *c)
{
	const struct http_request *req = c->req;
	const char *type = req->header(req, "Content-Type");
	if (!type || strncasecmp(type, "application/x-www-form-urlencoded", 33) != 0) {
		oauth_error(c, 400, "invalid_request",
			    "the token request must be a form: send Content-Type: "
			    "application/x-www-form-urlencoded with "
			    "grant_type=client_credentials");
		return 0;
	}
	struct form f;
	char err[128];
	if (form_parse(req->body ? req->body : "", req->body_len, &f, err, sizeof(err))) {
		form_release(&f);
		oauth_error(c, 400, "invalid_request", "%s", err);
		return 0;
	}
	struct credentials cr;
	struct oauth_client client;
	const char *grant = form_get(&f, "grant_type", NULL);
	if (!grant) {
		oauth_error(c, 400, "invalid_request",
			    "grant_type is required; dialbook supports client_credentials");
		goto out;
	}
	if (strcmp(grant, "client_credentials") != 0) {
		oauth_error(c, 400, "unsupported_grant_type",
			    "grant_type %.64s is not supported; use client_credentials", grant);
		goto out;
	}
	if (read_credentials(c, &f, &cr) || check_client(c, &cr, &client))
		goto out;

	permission_set granted, asked;
	char scratch[1100];
	const char *bad;
	if (grant_list_parse(client.grants, &granted, scratch, sizeof(scratch), &bad)) {
		log_warn("event=client_grants_invalid client_id=%s grant=\"%s\"", client.id, bad);
		granted = 0;
	}
	asked = granted;
	const char *scope = form_get(&f, "scope", NULL);
	if (scope && strspn(scope, " ") == strlen(scope))
		scope = NULL; /* an empty scope (Swagger UI sends one) narrows nothing */
	if (scope && grant_list_parse(scope, &asked, scratch, sizeof(scratch), &bad)) {
		oauth_error(c, 400, "invalid_scope",
			    "scope %.64s is not a permission or scope dialbook knows", bad);
		goto out;
	}
	if (asked & ~granted) {
		char missing[512];
		permission_missing(asked, granted, missing, sizeof(missing));
		oauth_error(c, 400, "invalid_scope",
			    "the requested scope exceeds the client's grants: %s is not "
			    "granted",
			    missing);
		goto out;
	}
	char token[SECRET_STR_LEN], hash[HASH_HEX_LEN];
	credentials_new_secret(token);
	credentials_hash(token, strlen(token), hash);
	struct token_info info;
	memset(&info, 0, sizeof(info));
	snprintf(info.client_id, sizeof(info.client_id), "%s", client.id);
	snprintf(info.org_id, sizeof(info.org_id), "%s", client.org_id);
	info.permissions = asked;
	int64_t now = time_now_ms();
	info.expires_at = now + c->srv->limits.token_ttl_seconds * 1000;
	/* Expired tokens are swept as new ones are issued: the table stays
	 * small without a timer. */
	if (store_tokens_expire(c->store, now, NULL) != STORE_OK ||
	    store_token_add(c->store, hash, &info) != STORE_OK) {
		api_store_failed(c);
		goto out;
	}
	http_response_header(c->res, "Cache-Control", "no-store");
	http_response_header(c->res, "Pragma", "no-cache");
	api_reply(c, 200,
		  json_pack("{s:s,s:s,s:I}", "access_token", token, "token_type", "bearer",
			    "expires_in", (json_int_t)c->srv->limits.token_ttl_seconds));
	sodium_memzero(token, sizeof(token));
out:
	form_release(&f);
	return c->res->status ? 0 : -1; /* -1: a problem (store failure) is recorded */
}

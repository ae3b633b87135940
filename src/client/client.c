/* libdialbook's core: regions, the token, and one HTTP exchange with
 * retries. libcurl underneath, one easy handle per client (connections are
 * reused between calls). */
#include "client/client_internal.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_RETRIES	   5
#define DEFAULT_TIMEOUT_MS 60000
#define RENEW_MARGIN_S	   60.0 /* renew a token this long before it expires */
#define MAX_RESPONSE	   (64u << 20)

static const struct {
	const char *region, *domain;
} regions[] = {
	{"us_east_1", "mypurecloud.com"},	{"us_east_2", "use2.us-gov-pure.cloud"},
	{"us_west_2", "usw2.pure.cloud"},	{"ca_central_1", "cac1.pure.cloud"},
	{"sa_east_1", "sae1.pure.cloud"},	{"mx_central_1", "mxc1.pure.cloud"},
	{"eu_west_1", "mypurecloud.ie"},	{"eu_west_2", "euw2.pure.cloud"},
	{"eu_central_1", "mypurecloud.de"},	{"eu_central_2", "euc2.pure.cloud"},
	{"me_central_1", "mec1.pure.cloud"},	{"ap_south_1", "aps1.pure.cloud"},
	{"ap_southeast_1", "apse1.pure.cloud"}, {"ap_southeast_2", "mypurecloud.com.au"},
	{"ap_northeast_1", "mypurecloud.jp"},	{"ap_northeast_2", "apne2.pure.cloud"},
	{"ap_northeast_3", "apne3.pure.cloud"},
};

const char *dialbook_strerror(int code)
{
	switch (code) {
	case DIALBOOK_OK:
		return "success";
#define X(name, value, text)                                                                       \
	case DIALBOOK_##name:                                                                      \
		return text;
		DIALBOOK_ERRNO_MAP(X)
#undef X
	}
	return "unknown error";
}

const char *dialbook_err_name(int code)
{
	switch (code) {
	case DIALBOOK_OK:
		return "DIALBOOK_OK";
#define X(name, value, text)                                                                       \
	case DIALBOOK_##name:                                                                      \
		return "DIALBOOK_" #name;
		DIALBOOK_ERRNO_MAP(X)
#undef X
	}
	return "DIALBOOK_UNKNOWN";
}

static _Thread_local char region_url[128];

const char *dialbook_region_api(const char *region)
{
	for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
		if (strcmp(region, regions[i].region) == 0) {
			snprintf(region_url, sizeof(region_url), "https://api.%s",
				 regions[i].domain);
			return region_url;
		}
	}
	return NULL;
}

double client_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int client_fail(struct dialbook_error *err, int code, long http_status, const char *fmt, ...)
{
	char message[sizeof(((struct dialbook_error *)0)->message)];
	va_list ap;
	va_start(ap, fmt);
	/* The analyzer misses the va_start above (a false positive of clang 14). */
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	if (err) {
		memset(err, 0, sizeof(*err));
		err->code = code;
		err->http_status = http_status;
		memcpy(err->message, message, sizeof(message));
	}
	return code;
}

int client_http_error(struct dialbook_error *err, long status, const char *body)
{
	int code = status == 401 || status == 403 ? DIALBOOK_EAUTH : DIALBOOK_EHTTP;
	json_t *j = body ? json_loads(body, 0, NULL) : NULL;
	const char *msg = json_string_value(json_object_get(j, "message"));
	if (!msg) /* an OAuth error */
		msg = json_string_value(json_object_get(j, "error_description"));
	client_fail(err, code, status, "%s", msg ? msg : "the server answered HTTP %ld");
	if (err && !msg)
		snprintf(err->message, sizeof(err->message), "the server answered HTTP %ld",
			 status);
	if (err) {
		const char *api = json_string_value(json_object_get(j, "code"));
		if (!api)
			api = json_string_value(json_object_get(j, "error"));
		snprintf(err->api_code, sizeof(err->api_code), "%s", api ? api : "");
		const char *field = json_string_value(json_object_get(
			json_array_get(json_object_get(j, "details"), 0), "fieldName"));
		snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
		const char *ctx = json_string_value(json_object_get(j, "contextId"));
		snprintf(err->context_id, sizeof(err->context_id), "%s", ctx ? ctx : "");
	}
	json_decref(j);
	return code;
}

int client_escape(const char *s, char *out, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	/* Dot-segments are encoded, as the server's selfUri does (src/common/uri.c):
	 * libcurl would remove a bare "." or ".." from the path. */
	bool dots = strcmp(s, ".") == 0 || strcmp(s, "..") == 0;
	size_t o = 0;
	for (; *s; s++) {
		if (o + 4 > size) {
			out[0] = '\0';
			return -1;
		}
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || (c == '.' && !dots) || c == '~') {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return 0;
}

int client_list_path(char *out, size_t size, const char *list_id, const char *tail,
		     const char *contact_id, struct dialbook_error *err)
{
	char id[CLIENT_PATH_MAX / 4], cid[CLIENT_PATH_MAX / 2] = "";
	if (!list_id || !*list_id || (contact_id && !*contact_id))
		return client_fail(err, DIALBOOK_EINVAL, 0, "an id is required");
	if (client_escape(list_id, id, sizeof(id)) ||
	    (contact_id && client_escape(contact_id, cid, sizeof(cid))))
		return client_fail(err, DIALBOOK_EINVAL, 0, "an id is too long");
	int n = snprintf(out, size, "/api/v2/outbound/contactlists/%s%s%s%s", id, tail,
			 contact_id ? "/" : "", cid);
	if (n < 0 || (size_t)n >= size)
		return client_fail(err, DIALBOOK_EINVAL, 0, "an id is too long");
	return 0;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void set_base(char *dst, size_t size, const char *url)
{
	snprintf(dst, size, "%s", url);
	size_t n = strlen(dst);
	while (n && dst[n - 1] == '/')
		dst[--n] = '\0';
}

int dialbook_client_new(const struct dialbook_options *opt, struct dialbook_client **out,
			struct dialbook_error *err)
{
	*out = NULL;
	if (!opt || (!opt->base_url && !opt->region))
		return client_fail(err, DIALBOOK_EINVAL, 0,
				   "say where the API is: a base URL or a region name");
	if (opt->base_url && strncmp(opt->base_url, "http://", 7) != 0 &&
	    strncmp(opt->base_url, "https://", 8) != 0)
		return client_fail(err, DIALBOOK_EINVAL, 0,
				   "the base URL %.200s must start with http:// or https://",
				   opt->base_url);
	const char *api = opt->base_url;
	if (!api && !(api = dialbook_region_api(opt->region)))
		return client_fail(err, DIALBOOK_EINVAL, 0,
				   "unknown region %.64s (regions look like us_east_1, eu_west_1)",
				   opt->region);
	static int curl_ready;
	if (!curl_ready) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		curl_ready = 1;
	}
	struct dialbook_client *c = calloc(1, sizeof(*c));
	if (!c || !(c->curl = curl_easy_init())) {
		free(c);
		return client_fail(err, DIALBOOK_ENOMEM, 0, "out of memory");
	}
	set_base(c->api_base, sizeof(c->api_base), api);
	set_base(c->login_base, sizeof(c->login_base), api);
	if (!opt->base_url) /* the cloud logs in at login.<domain> */
		snprintf(c->login_base, sizeof(c->login_base), "https://login.%s", api + 12);
	c->client_id = dup_or_null(opt->client_id);
	c->client_secret = dup_or_null(opt->client_secret);
	c->max_retries = opt->max_retries > 0 ? opt->max_retries : DEFAULT_RETRIES;
	c->timeout_ms = opt->timeout_ms > 0 ? opt->timeout_ms : DEFAULT_TIMEOUT_MS;
	c->on_retry = opt->on_retry;
	c->on_retry_ctx = opt->on_retry_ctx;
	*out = c;
	return DIALBOOK_OK;
}

void dialbook_client_free(struct dialbook_client *c)
{
	if (!c)
		return;
	curl_easy_cleanup(c->curl);
	if (c->client_secret) {
		memset(c->client_secret, 0, strlen(c->client_secret));
		free(c->client_secret);
	}
	free(c->client_id);
	memset(c->token, 0, sizeof(c->token));
	free(c);
}

void dialbook_free(void *p)
{
	free(p);
}

struct body {
	char *data;
	size_t len;
	int too_big;
};

static size_t collect(char *ptr, size_t size, size_t n, void *ctx)
{
	struct body *b = ctx;
	size_t add = size * n;
	if (b->len + add > MAX_RESPONSE) {
		b->too_big = 1;
		return 0;
	}
	char *grown = realloc(b->data, b->len + add + 1);
	if (!grown)
		return 0;
	b->data = grown;
	memcpy(b->data + b->len, ptr, add);
	b->len += add;
	b->data[b->len] = '\0';
	return add;
}

struct headers_seen {
	long retry_after;
};

static size_t on_header(char *buf, size_t size, size_t n, void *ctx)
{
	struct headers_seen *h = ctx;
	size_t len = size * n;
	if (len > 12 && strncasecmp(buf, "Retry-After:", 12) == 0)
		h->retry_after = strtol(buf + 12, NULL, 10);
	return len;
}

/* One exchange, no retries. Returns the HTTP status, or -1 (err set) when
 * there was none. */
static long exchange(struct dialbook_client *c, const char *method, const char *url,
		     struct curl_slist *headers, const char *body, curl_mime *mime,
		     struct body *out, struct headers_seen *seen, struct dialbook_error *err)
{
	CURL *h = c->curl;
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, seen);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "libdialbook/0.1");
	if (mime)
		curl_easy_setopt(h, CURLOPT_MIMEPOST, mime);
	else if (body)
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	else if (strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0)
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
	CURLcode rc = curl_easy_perform(h);
	if (rc != CURLE_OK) {
		if (out->too_big)
			client_fail(err, DIALBOOK_EPROTO, 0, "the answer is larger than %u bytes",
				    MAX_RESPONSE);
		else
			client_fail(err,
				    rc == CURLE_OPERATION_TIMEDOUT ? DIALBOOK_ETIMEOUT
								   : DIALBOOK_ENET,
				    0, "%s: %s", url, curl_easy_strerror(rc));
		return -1;
	}
	long status = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	return status;
}

static void backoff(struct dialbook_client *c, int attempt, const struct dialbook_error *why)
{
	/* Exponential with full jitter, capped; a server's Retry-After wins. */
	double cap = 0.25 * pow(2.0, attempt);
	if (cap > 20.0)
		cap = 20.0;
	double wait = cap * (0.5 + 0.5 * ((double)rand() / RAND_MAX));
	if (why->retry_after > 0)
		wait = (double)why->retry_after;
	if (c->on_retry)
		c->on_retry(c->on_retry_ctx, why, wait);
	usleep((useconds_t)(wait * 1e6));
}

static int is_idempotent(const char *method)
{
	return strcmp(method, "GET") == 0 || strcmp(method, "PUT") == 0 ||
	       strcmp(method, "DELETE") == 0 || strcmp(method, "HEAD") == 0;
}

/* The exchange with its retries. Uploads (a form) are sent again only
 * after a 429: a POST that failed otherwise may have been taken. */
static int perform(struct dialbook_client *c, const char *method, const char *url,
		   struct curl_slist *headers, const char *body, const struct client_form *form,
		   char **response, long *http_status, struct dialbook_error *err)
{
	struct dialbook_error why = {0};
	for (int attempt = 0;; attempt++) {
		struct body out = {0};
		struct headers_seen seen = {0};
		curl_mime *mime = form ? form->build(c, form->ctx) : NULL;
		if (form && !mime)
			return client_fail(err, DIALBOOK_EIO, 0,
					   "the upload could not be sent again: its source does "
					   "not rewind");
		long status = exchange(c, method, url, headers, body, mime, &out, &seen, &why);
		curl_mime_free(mime);
		int retry = 0;
		if (status < 0) {
			retry = why.code == DIALBOOK_ENET && is_idempotent(method) && !form;
		} else if (status == 429) {
			client_http_error(&why, status, out.data);
			why.retry_after = seen.retry_after;
			retry = 1;
		} else if (status >= 500) {
			client_http_error(&why, status, out.data);
			retry = is_idempotent(method) && !form;
		} else if (status >= 400) {
			client_http_error(err, status, out.data);
			if (http_status)
				*http_status = status;
			free(out.data);
			return err ? err->code
				   : (status == 401 || status == 403 ? DIALBOOK_EAUTH
								     : DIALBOOK_EHTTP);
		} else {
			if (http_status)
				*http_status = status;
			if (response)
				*response = out.data;
			else
				free(out.data);
			return DIALBOOK_OK;
		}
		free(out.data);
		if (!retry || attempt + 1 >= c->max_retries) {
			if (err)
				*err = why;
			if (http_status)
				*http_status = status > 0 ? status : 0;
			return why.code;
		}
		backoff(c, attempt, &why);
	}
}

int dialbook_login(struct dialbook_client *c, struct dialbook_error *err)
{
	if (!c->client_id || !c->client_secret)
		return client_fail(err, DIALBOOK_EAUTH, 0,
				   "no client credentials: give a client id and secret");
	char url[600];
	snprintf(url, sizeof(url), "%s/oauth/token", c->login_base);
	curl_easy_reset(c->curl);
	char *id = curl_easy_escape(c->curl, c->client_id, 0);
	char *secret = curl_easy_escape(c->curl, c->client_secret, 0);
	size_t n = id && secret ? strlen(id) + strlen(secret) + 80 : 0;
	char *form = n ? malloc(n) : NULL;
	if (!form) {
		free(form);
		curl_free(id);
		curl_free(secret);
		return client_fail(err, DIALBOOK_ENOMEM, 0, "out of memory");
	}
	snprintf(form, n, "grant_type=client_credentials&client_id=%s&client_secret=%s", id,
		 secret);
	curl_free(id);
	curl_free(secret);
	struct curl_slist *headers =
		curl_slist_append(NULL, "Content-Type: application/x-www-form-urlencoded");
	char *answer = NULL;
	double asked = client_now();
	int rc = perform(c, "POST", url, headers, form, NULL, &answer, NULL, err);
	memset(form, 0, strlen(form));
	free(form);
	curl_slist_free_all(headers);
	if (rc == DIALBOOK_EHTTP && err && (err->http_status == 400 || err->http_status == 401))
		err->code = rc = DIALBOOK_EAUTH;
	if (rc)
		return rc;
	json_t *j = json_loads(answer, 0, NULL);
	const char *token = json_string_value(json_object_get(j, "access_token"));
	json_int_t ttl = json_integer_value(json_object_get(j, "expires_in"));
	if (!token || strlen(token) >= sizeof(c->token)) {
		json_decref(j);
		free(answer);
		return client_fail(err, DIALBOOK_EPROTO, 200,
				   "the token answer has no access_token");
	}
	snprintf(c->token, sizeof(c->token), "%s", token);
	c->token_ttl = (double)(ttl > 0 ? ttl : 60);
	c->token_expires = asked + c->token_ttl;
	json_decref(j);
	free(answer);
	return DIALBOOK_OK;
}

long dialbook_token_seconds_left(const struct dialbook_client *c)
{
	if (!c->token[0])
		return 0;
	double left = c->token_expires - client_now();
	return left > 0 ? (long)left : 0;
}

/* A token that will last the request: renewed once it has less than a
 * minute left (or half its life, for short-lived tokens). */
static int ensure_token(struct dialbook_client *c, struct dialbook_error *err)
{
	double margin = c->token_ttl / 2 < RENEW_MARGIN_S ? c->token_ttl / 2 : RENEW_MARGIN_S;
	if (c->token[0] && c->token_expires - client_now() > margin)
		return DIALBOOK_OK;
	return dialbook_login(c, err);
}

static int call(struct dialbook_client *c, const char *method, const char *path, const char *body,
		const struct client_form *form, char **response, long *http_status,
		struct dialbook_error *err)
{
	for (int renewed = 0;; renewed = 1) {
		int rc = ensure_token(c, err);
		if (rc)
			return rc;
		char url[2048], auth[600];
		snprintf(url, sizeof(url), "%s%s", c->api_base, path);
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", c->token);
		struct curl_slist *headers = curl_slist_append(NULL, auth);
		if (!form)
			headers = curl_slist_append(headers, "Content-Type: application/json");
		struct dialbook_error local = {0};
		rc = perform(c, method, url, headers, body, form, response, http_status, &local);
		curl_slist_free_all(headers);
		/* A token revoked or expired early: log in again, once. */
		if (rc == DIALBOOK_EAUTH && local.http_status == 401 && !renewed) {
			c->token[0] = '\0';
			continue;
		}
		if (rc && err)
			*err = local;
		return rc;
	}
}

int client_ensure_token(struct dialbook_client *c, struct dialbook_error *err)
{
	return ensure_token(c, err);
}

int client_call(struct dialbook_client *c, const char *method, const char *path, const char *body,
		const struct client_form *form, char **response, long *http_status,
		struct dialbook_error *err)
{
	return call(c, method, path, body, form, response, http_status, err);
}

int dialbook_request(struct dialbook_client *c, const char *method, const char *path,
		     const char *json_body, char **response, long *http_status,
		     struct dialbook_error *err)
{
	if (response)
		*response = NULL;
	if (!c || !method || !path || path[0] != '/')
		return client_fail(err, DIALBOOK_EINVAL, 0, "a method and a path starting with /");
	return call(c, method, path, json_body, NULL, response, http_status, err);
}

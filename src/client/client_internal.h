/* Shared by libdialbook's files: the client and its HTTP exchange. */
#ifndef DIALBOOK_CLIENT_INTERNAL_H
#define DIALBOOK_CLIENT_INTERNAL_H

#include <curl/curl.h>

#include "dialbook/dialbook.h"

struct dialbook_client {
	CURL *curl;
	char api_base[512];   /* https://api.mypurecloud.com or the dialbookd URL */
	char login_base[512]; /* https://login.mypurecloud.com or the same URL */
	char *client_id, *client_secret;
	char token[512];
	double token_expires; /* monotonic seconds */
	double token_ttl;     /* the lifetime the server gave it */
	int max_retries;
	long timeout_ms;
	void (*on_retry)(void *ctx, const struct dialbook_error *why, double wait_s);
	void *on_retry_ctx;
};

/* Records an error; returns code. err may be NULL. */
int client_fail(struct dialbook_error *err, int code, long http_status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Fills err from an ErrorBody (or OAuth error) answer. */
int client_http_error(struct dialbook_error *err, long status, const char *body);
double client_now(void);
/* A multipart body, built anew for each attempt: libcurl does not send a
 * used form's parts again, so a retry (after a 429) needs a fresh one.
 * build returns NULL when it cannot (a source that does not rewind). */
struct client_form {
	curl_mime *(*build)(struct dialbook_client *c, void *ctx);
	void *ctx;
};

/* An authenticated call (token renewed as needed), with retries; a form
 * (may be NULL) is a multipart upload. */
int client_call(struct dialbook_client *c, const char *method, const char *path, const char *body,
		const struct client_form *form, char **response, long *http_status,
		struct dialbook_error *err);
/* Logs in, or again when the token is about to expire: 0 or an error code. */
int client_ensure_token(struct dialbook_client *c, struct dialbook_error *err);
/* Writes a URL-encoded copy of s to out (size bytes); -1 when it does not
 * fit, so that a long id is refused rather than cut to another one. */
int client_escape(const char *s, char *out, size_t size);

/* Room for any path dialbook asks for: ids are at most a few hundred bytes. */
#define CLIENT_PATH_MAX 2048

/* Writes "/api/v2/outbound/contactlists/{list_id}{tail}", then
 * "/{contact_id}" when contact_id is not NULL, ids URL-encoded. Fails with
 * DIALBOOK_EINVAL when an id is empty or too long. */
int client_list_path(char *out, size_t size, const char *list_id, const char *tail,
		     const char *contact_id, struct dialbook_error *err);

#endif

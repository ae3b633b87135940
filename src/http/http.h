/* The request and response as handlers see them: no libmicrohttpd types. */
#ifndef DIALBOOK_HTTP_H
#define DIALBOOK_HTTP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#define HTTP_MAX_QUERY	 64 /* query arguments kept; more is a 400 */
#define HTTP_MAX_PARAMS	 4  /* {captures} in a route pattern */
#define HTTP_MAX_HEADERS 12 /* response headers a handler may add */

struct http_kv {
	const char *key;
	const char *value;
};

/* A request body streamed to the handler as it arrives (multipart uploads)
 * instead of being buffered: the handler's state. */
struct http_upload {
	/* Each piece of each form part. Returns 0 to go on; -1 stops feeding
	 * (the handler says why when the request completes). */
	int (*part)(struct http_upload *u, const char *name, const char *filename, const char *data,
		    size_t size);
	/* Set before each call of part: where its data sits in the part's
	 * value (0 for a part's first bytes; a part may also get an empty
	 * piece at 0 before them). */
	unsigned long long part_offset;
	/* After the response is sent, or when the connection is dropped. */
	void (*release)(struct http_upload *u);
};

struct http_request {
	const char *method;
	const char *path; /* without the query string */
	struct http_kv query[HTTP_MAX_QUERY];
	size_t query_count;
	bool query_overflow; /* more than HTTP_MAX_QUERY arguments arrived */
	const char *params[HTTP_MAX_PARAMS];
	size_t param_count;
	const char *body; /* NUL-terminated; NULL when there was none */
	size_t body_len;
	bool body_too_large; /* over the limit: the body was not kept */
	size_t body_limit;
	struct http_upload *upload; /* set on streamed requests */
	bool upload_malformed;	    /* the multipart body could not be parsed */
	const char *correlation_id;
	const char *client_addr;
	/* Heavy work (http_heavy_fn) finds no thread free for it: refuse that
	 * work at once. */
	bool heavy_refused;
	/* Set when the server stops: long work may end early. NULL: never. */
	const atomic_bool *cancel;
	double started_ms; /* when its headers were in (time_monotonic_ms) */
	/* Header lookup, case-insensitive; NULL when absent. */
	const char *(*header)(const struct http_request *req, const char *name);
	void *conn; /* for `header`; opaque (copies of the request share it) */
};

struct http_header {
	char name[48];
	char value[256];
};

struct http_response {
	int status;
	json_t *json; /* body, owned; NULL for none */
	char *raw;    /* or a raw body, malloc'd and owned */
	size_t raw_len;
	const char *raw_type;
	int fd; /* or a file to send, when fd_size > 0 or fd_used; closed after */
	bool fd_used;
	unsigned long long fd_size;
	struct http_header headers[HTTP_MAX_HEADERS];
	size_t header_count;
	/* Injected by the control API: wait this long before answering (the
	 * connection is suspended meanwhile, no thread waits; at most
	 * HTTP_MAX_DELAY_MS), and/or close the connection instead of
	 * answering. */
	unsigned delay_ms;
	bool drop;
};

#define HTTP_MAX_DELAY_MS 10000

void http_response_header(struct http_response *r, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void http_response_release(struct http_response *r);

/* First value of a query argument, or NULL. */
const char *http_query_get(const struct http_request *req, const char *name);
/* The token of `Authorization: Bearer <token>` (RFC 6750 2.1; the header
 * layer has trimmed the value), lent from the request; NULL when there is
 * none (or the request has no header lookup). */
const char *http_bearer_token(const struct http_request *req);

/* What dialbookd's HTTP layer calls for every complete request. */
typedef void (*http_dispatch_fn)(void *ctx, const struct http_request *req,
				 struct http_response *res);

/* Asked when a request's headers have arrived: returns an upload to stream
 * the body into; or NULL, with res->status set to refuse the request at
 * once (before its body is read), or left 0 for an ordinary request. */
typedef struct http_upload *(*http_upload_begin_fn)(void *ctx, const struct http_request *req,
						    struct http_response *res);

/* Asked when a request is complete: whether its handler does heavy work,
 * which then runs on a heavy thread instead of libmicrohttpd's. Cheap: no
 * store, no body parsing. */
typedef bool (*http_heavy_fn)(void *ctx, const struct http_request *req);

struct http_server_config {
	const char *host;
	unsigned port; /* 0: any free port */
	unsigned threads;
	unsigned max_connections;	      /* in total */
	unsigned max_connections_per_address; /* from one client address; 0: any */
	unsigned connection_timeout_s;	      /* idle: no byte in either direction */
	/* A request's line and headers must all arrive within this, counted
	 * from the connection's start or the previous answer on it, however
	 * much the client keeps sending; else the connection is closed. 0:
	 * no deadline. */
	unsigned header_timeout_s;
	/* PEM text (NUL-terminated) of a certificate chain and its key: serve
	 * HTTPS. NULL for plain HTTP. */
	const char *tls_cert_pem;
	const char *tls_key_pem;
	size_t max_body;
	unsigned long long max_upload;
	http_upload_begin_fn upload_begin;
	/* Requests is_heavy picks are dispatched on heavy_threads threads of
	 * their own while their connection waits, suspended: libmicrohttpd
	 * serves all of a worker's connections in one loop. When every heavy
	 * thread is busy, the request is dispatched at once with heavy_refused
	 * set. NULL or 0: every request is dispatched on libmicrohttpd's. */
	http_heavy_fn is_heavy;
	unsigned heavy_threads;
	http_dispatch_fn dispatch;
	void *dispatch_ctx;
	/* Told, with dispatch_ctx, of each request that ended (answered with
	 * `status`, or 0 when its connection ended first) and of each
	 * connection opened (+1) and closed (-1): the metrics. On
	 * libmicrohttpd's threads, so quick. NULL: no one. */
	void (*request_done)(void *ctx, const struct http_request *req, int status);
	void (*connection_count)(void *ctx, int delta);
};

struct http_server;

int http_server_start(const struct http_server_config *cfg, struct http_server **out, char *err,
		      size_t err_size);
unsigned http_server_port(const struct http_server *s);
/* Cancels heavy work (it answers at once), lets in-flight requests finish
 * (up to grace_ms), stops. */
void http_server_stop(struct http_server *s, unsigned grace_ms);

#endif

/* libmicrohttpd glue: epoll with a thread pool, connection limits and
 * timeouts, bounded request bodies, one log line per request. Everything
 * above this file sees struct http_request / http_response only. The path
 * handed up is the raw request target (see on_uri). */
#include "http/http.h"
#include "common/log.h"
#include "common/text.h"
#include "common/timeutil.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define DISCARD_MAX (64u << 20)

struct http_server {
	struct MHD_Daemon *daemon;
	struct http_server_config cfg;
	atomic_int in_flight;
};

/* Per-request state, from the URI callback to the completion callback. */
struct exchange {
	bool begun;	/* the access handler has seen the request */
	char *raw_path; /* as sent, still percent-encoded, without the query */
	struct http_request req;
	char correlation_id[UUID_STR_LEN];
	char client_addr[INET6_ADDRSTRLEN];
	char *body;
	size_t body_len, body_cap;
	unsigned long long received;  /* body bytes seen, kept or not */
	struct MHD_PostProcessor *pp; /* streamed uploads */
	bool upload_stopped;	      /* the handler asked to stop feeding it */
	bool answered;
	int status;
	double started_ms;
	char method[16];
	struct trimmed *trimmed; /* header values header_of had to copy */
};

struct trimmed {
	struct trimmed *next;
	char text[];
};

static bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* A field value without its surrounding white space (RFC 9110 5.5: it is
 * not part of the value). libmicrohttpd keeps what trails the value, so a
 * value with some is copied once and the copy lives as long as the request:
 * `Bearer <token> ` is the token. */
static const char *header_of(const struct http_request *req, const char *name)
{
	const char *v = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
	if (!v)
		return NULL;
	size_t len = strlen(v);
	const char *start = v;
	while (is_ows(*start))
		start++;
	while (len > (size_t)(start - v) && is_ows(v[len - 1]))
		len--;
	len -= (size_t)(start - v);
	if (start == v && v[len] == '\0')
		return v;
	struct exchange *ex = (struct exchange *)((char *)req - offsetof(struct exchange, req));
	struct trimmed *t = malloc(sizeof(*t) + len + 1);
	if (!t)
		abort();
	memcpy(t->text, start, len);
	t->text[len] = '\0';
	t->next = ex->trimmed;
	ex->trimmed = t;
	return t->text;
}

static void exchange_free(struct exchange *ex)
{
	while (ex->trimmed) {
		struct trimmed *next = ex->trimmed->next;
		free(ex->trimmed);
		ex->trimmed = next;
	}
	free(ex->body);
	free(ex->raw_path);
	free(ex);
}

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	(void)kind;
	struct http_request *req = cls;
	if (req->query_count == HTTP_MAX_QUERY) {
		req->query_overflow = true;
		return MHD_NO;
	}
	req->query[req->query_count].key = key;
	req->query[req->query_count].value = value ? value : "";
	req->query_count++;
	return MHD_YES;
}

static void client_address(struct MHD_Connection *conn, char *out, size_t size)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, size, "?");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
			  (socklen_t)size);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			  out, (socklen_t)size);
}

/* Hands a response to libmicrohttpd; takes what res owns. */
static enum MHD_Result queue(struct MHD_Connection *conn, struct exchange *ex,
			     struct http_response *res_in)
{
	struct http_response res = *res_in;
	memset(res_in, 0, sizeof(*res_in));
	char *data = NULL;
	size_t len = 0;
	const char *type = NULL;
	if (res.json) {
		data = json_dumps(res.json, JSON_COMPACT | JSON_PRESERVE_ORDER);
		len = data ? strlen(data) : 0;
		type = "application/json";
	} else if (res.raw) {
		data = res.raw;
		len = res.raw_len;
		type = res.raw_type;
		res.raw = NULL;
	}
	struct MHD_Response *r;
	if (res.fd_used) {
		r = MHD_create_response_from_fd64(res.fd_size, res.fd);
		res.fd_used = false; /* the response owns the descriptor now */
		type = res.raw_type;
	} else {
		r = MHD_create_response_from_buffer(len, data ? data : (void *)"",
						    data ? MHD_RESPMEM_MUST_FREE
							 : MHD_RESPMEM_PERSISTENT);
	}
	if (type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, "inin-correlation-id", ex->correlation_id);
	for (size_t i = 0; i < res.header_count; i++)
		MHD_add_response_header(r, res.headers[i].name, res.headers[i].value);
	ex->status = res.status;
	ex->answered = true;
	enum MHD_Result rc = MHD_queue_response(conn, (unsigned)res.status, r);
	MHD_destroy_response(r);
	http_response_release(&res);
	return rc;
}

static enum MHD_Result respond(struct http_server *srv, struct MHD_Connection *conn,
			       struct exchange *ex)
{
	struct http_response res;
	memset(&res, 0, sizeof(res));
	ex->req.body = ex->body;
	ex->req.body_len = ex->body_len;
	srv->cfg.dispatch(srv->cfg.dispatch_ctx, &ex->req, &res);
	return queue(conn, ex, &res);
}

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key,
			       const char *filename, const char *content_type,
			       const char *transfer_encoding, const char *data, uint64_t off,
			       size_t size)
{
	(void)kind;
	(void)content_type;
	(void)transfer_encoding;
	(void)off;
	struct exchange *ex = cls;
	if (ex->req.upload->part(ex->req.upload, key ? key : "", filename, data, size)) {
		ex->upload_stopped = true;
		return MHD_NO;
	}
	return MHD_YES;
}

/* Streams a piece of an upload into the post processor. */
static void feed_upload(struct exchange *ex, const char *data, size_t size)
{
	ex->received += size;
	if (ex->received > ex->req.body_limit)
		ex->req.body_too_large = true;
	if (ex->req.body_too_large || ex->req.upload_malformed || ex->upload_stopped || !ex->pp)
		return;
	if (MHD_post_process(ex->pp, data, size) != MHD_YES && !ex->upload_stopped)
		ex->req.upload_malformed = true;
}

static void end_upload(struct exchange *ex)
{
	if (!ex->pp)
		return;
	if (MHD_destroy_post_processor(ex->pp) != MHD_YES && !ex->upload_stopped &&
	    !ex->req.body_too_large)
		ex->req.upload_malformed = true; /* e.g. no closing boundary */
	ex->pp = NULL;
}

static void append_body(struct exchange *ex, const char *data, size_t size)
{
	if (ex->req.body_too_large || ex->body_len + size > ex->req.body_limit) {
		/* Over the limit: stop keeping it, the answer will be 413. */
		ex->req.body_too_large = true;
		free(ex->body);
		ex->body = NULL;
		ex->body_len = ex->body_cap = 0;
		return;
	}
	if (ex->body_len + size + 1 > ex->body_cap) {
		size_t cap = ex->body_cap ? ex->body_cap : 4096;
		while (cap < ex->body_len + size + 1)
			cap *= 2;
		if (cap > ex->req.body_limit + 1)
			cap = ex->req.body_limit + 1;
		char *grown = realloc(ex->body, cap);
		if (!grown)
			abort();
		ex->body = grown;
		ex->body_cap = cap;
	}
	memcpy(ex->body + ex->body_len, data, size);
	ex->body_len += size;
	ex->body[ex->body_len] = '\0';
}

/* libmicrohttpd percent-decodes the url it gives the access handler, after
 * which "a%2Fb" (one id) and "a/b" (two segments) look the same. This
 * callback sees the request target as sent, before any decoding: the
 * router splits that on '/' and decodes each segment once. The query
 * string is cut off; libmicrohttpd decodes its arguments itself. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	(void)cls;
	(void)conn;
	struct exchange *ex = calloc(1, sizeof(*ex));
	if (!ex)
		abort();
	if (!uri)
		uri = "";
	ex->raw_path = text_ndup(uri, strcspn(uri, "?"));
	return ex;
}

/* The rest of the exchange, once the headers have arrived. */
static void exchange_begin(struct http_server *srv, struct exchange *ex,
			   struct MHD_Connection *conn, const char *method)
{
	ex->begun = true;
	ex->started_ms = time_monotonic_ms();
	text_uuid_new(ex->correlation_id);
	client_address(conn, ex->client_addr, sizeof(ex->client_addr));
	snprintf(ex->method, sizeof(ex->method), "%s", method);
	ex->req.method = method;
	ex->req.path = ex->raw_path;
	ex->req.correlation_id = ex->correlation_id;
	ex->req.client_addr = ex->client_addr;
	ex->req.header = header_of;
	ex->req.conn = conn;
	ex->req.body_limit = srv->cfg.max_body;
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_query, &ex->req);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	(void)version;
	(void)url; /* decoded: ex->raw_path is routed instead */
	struct http_server *srv = cls;
	struct exchange *ex = *con_cls;
	if (!ex)
		return MHD_NO; /* on_uri made one for every request */
	if (!ex->begun) {
		exchange_begin(srv, ex, conn, method);
		atomic_fetch_add(&srv->in_flight, 1);
		if (srv->cfg.upload_begin) {
			struct http_response early;
			memset(&early, 0, sizeof(early));
			ex->req.upload =
				srv->cfg.upload_begin(srv->cfg.dispatch_ctx, &ex->req, &early);
			if (early.status) {
				ex->answered = true;
				return queue(conn, ex, &early);
			}
			if (ex->req.upload) {
				ex->req.body_limit = srv->cfg.max_upload;
				ex->pp = MHD_create_post_processor(conn, (size_t)64 * 1024, on_part,
								   ex);
				if (!ex->pp)
					ex->req.upload_malformed = true;
			}
		}
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > ex->req.body_limit) {
			/* Refused before a byte of the body is read. */
			ex->req.body_too_large = true;
			return respond(srv, conn, ex);
		}
		return MHD_YES;
	}
	if (ex->answered) {
		*upload_data_size = 0; /* discard what still arrives */
		return MHD_YES;
	}
	if (*upload_data_size && ex->req.upload) {
		feed_upload(ex, upload_data, *upload_data_size);
		*upload_data_size = 0;
		if (ex->received > ex->req.body_limit + DISCARD_MAX) {
			log_warn("event=body_abandoned correlation_id=%s bytes=%llu",
				 ex->correlation_id, ex->received);
			return MHD_NO;
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		/* libmicrohttpd 0.9.75 cannot answer while a body is still arriving,
		 * so an oversized body is read and dropped, and answered 413 at its
		 * end; one that goes on past DISCARD_MAX gets the connection closed. */
		ex->received += *upload_data_size;
		append_body(ex, upload_data, *upload_data_size);
		*upload_data_size = 0;
		if (ex->req.body_too_large && ex->received > DISCARD_MAX) {
			log_warn("event=body_abandoned correlation_id=%s bytes=%llu",
				 ex->correlation_id, ex->received);
			return MHD_NO;
		}
		return MHD_YES;
	}
	end_upload(ex);
	return respond(srv, conn, ex);
}

/* A raw path for the log line: a space, quote, backslash or byte outside
 * printable ASCII becomes %XX, so the path cannot forge a key=value. */
static void log_escape(char *out, size_t size, const char *raw)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;
	for (; *raw && o + 4 < size; raw++) {
		unsigned char c = (unsigned char)*raw;
		if (c > 0x20 && c < 0x7f && c != '"' && c != '\\') {
			out[o++] = (char)c;
			continue;
		}
		out[o++] = '%';
		out[o++] = hex[c >> 4];
		out[o++] = hex[c & 15];
	}
	out[o] = '\0';
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)conn;
	struct http_server *srv = cls;
	struct exchange *ex = *con_cls;
	if (!ex)
		return;
	*con_cls = NULL;
	if (!ex->begun) { /* ended before its headers were read */
		exchange_free(ex);
		return;
	}
	char path[256];
	log_escape(path, sizeof(path), ex->raw_path);
	log_info("event=request method=%s path=%s status=%d duration_ms=%.2f correlation_id=%s "
		 "client=%s%s",
		 ex->method, path, ex->answered ? ex->status : 0,
		 time_monotonic_ms() - ex->started_ms, ex->correlation_id, ex->client_addr,
		 toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=true");
	if (ex->pp)
		MHD_destroy_post_processor(ex->pp);
	if (ex->req.upload)
		ex->req.upload->release(ex->req.upload);
	exchange_free(ex);
	atomic_fetch_sub(&srv->in_flight, 1);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	log_debug("event=http_library message=\"%s\"", msg);
}

int http_server_start(const struct http_server_config *cfg, struct http_server **out, char *err,
		      size_t err_size)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC,
				 .ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_NUMERICSERV | AI_PASSIVE};
	struct addrinfo *ai = NULL;
	char port[16];
	snprintf(port, sizeof(port), "%u", cfg->port);
	int gai = getaddrinfo(cfg->host, port, &hints, &ai);
	if (gai != 0) {
		snprintf(err, err_size, "cannot resolve listen address %s: %s", cfg->host,
			 gai_strerror(gai));
		return -1;
	}
	struct http_server *srv = calloc(1, sizeof(*srv));
	if (!srv)
		abort();
	srv->cfg = *cfg;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	srv->daemon = MHD_start_daemon(
		flags, (uint16_t)cfg->port, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR,
		ai->ai_addr, MHD_OPTION_THREAD_POOL_SIZE, cfg->threads, MHD_OPTION_CONNECTION_LIMIT,
		cfg->max_connections, MHD_OPTION_CONNECTION_TIMEOUT, cfg->connection_timeout_s,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		cfg->max_connections / 4 ? cfg->max_connections / 4 : 1,
		MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
		srv, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_END);
	freeaddrinfo(ai);
	if (!srv->daemon) {
		snprintf(err, err_size,
			 "cannot listen on %s:%u (address in use, or not an address of this "
			 "machine?)",
			 cfg->host, cfg->port);
		free(srv);
		return -1;
	}
	*out = srv;
	return 0;
}

unsigned http_server_port(const struct http_server *s)
{
	const union MHD_DaemonInfo *info =
		MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	return info ? info->port : 0;
}

void http_server_stop(struct http_server *s, unsigned grace_ms)
{
	if (!s)
		return;
	double deadline = time_monotonic_ms() + grace_ms;
	while (atomic_load(&s->in_flight) > 0 && time_monotonic_ms() < deadline)
		usleep(10000);
	MHD_stop_daemon(s->daemon);
	free(s);
}

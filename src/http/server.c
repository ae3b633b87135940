/* libmicrohttpd glue: epoll with a thread pool, connection limits and
 * timeouts, bounded request bodies, strict framing, one log line per
 * request, heavy requests on threads of their own (see offload).
 * Everything above this file sees struct http_request / http_response
 * only. The path handed up is the raw request target (see on_uri). */
#include "http/http.h"
#include "http/workpool.h"
#include "http/delay.h"
#include "common/log.h"
#include "common/text.h"
#include "common/timeutil.h"
#include "model/problem.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DISCARD_MAX	(64u << 20)
#define EARLY_LINGER_MS 2000 /* reading after an early answer, before the close */

/* A connection as the header deadline sees it (see watch_*). */
struct watch {
	struct watch *prev, *next;
	int fd;
	atomic_llong phase_start_ms; /* the connection's start or its last answer */
	atomic_bool waiting;	     /* for a request's line and headers */
	atomic_bool has_line;	     /* the request line of that request arrived */
	bool cut;		     /* shut down by the reaper */
	char addr[INET6_ADDRSTRLEN];
};

struct http_server {
	struct MHD_Daemon *daemon;
	struct http_server_config cfg;
	atomic_int in_flight;
	atomic_bool started; /* libmicrohttpd's messages are errors until then */
	/* The header deadline: every connection, and a thread that cuts those
	 * whose request has not completed its headers in time. */
	pthread_mutex_t watch_lock;
	pthread_cond_t watch_wake;
	struct watch *watches;
	pthread_t reaper;
	bool reaper_running, stopping;
	/* Heavy requests (see offload): their threads, the flag that cancels
	 * their work at stop, and the lock between a heavy thread and the
	 * completion of its connection. */
	struct workpool *heavy;
	atomic_bool cancel;
	pthread_mutex_t heavy_lock;
	/* Answers that wait (http_response.delay_ms), on a timer. */
	struct delayer *delayer;
};

/* Where a heavy request is: on libmicrohttpd's thread (none), on a heavy
 * thread that owns the exchange while the connection is suspended, or
 * answered and resumed. */
enum heavy_state { HEAVY_NONE, HEAVY_RUNNING, HEAVY_DONE };

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
	bool answered_early;	/* written on the socket mid-body (answer_now) */
	double linger_until_ms; /* then the connection closes */
	int status;
	double started_ms;
	char method[16];
	struct trimmed *trimmed; /* header values header_of had to copy */
	struct MHD_Connection *conn;
	bool nul_in_path;  /* %00 in the path: the router refuses it */
	bool nul_in_query; /* %00 in the query string */
	bool close;	   /* answer with Connection: close */
	struct http_server *srv;
	enum heavy_state heavy;	    /* under srv->heavy_lock while RUNNING */
	bool orphaned;		    /* completed while RUNNING: the heavy thread frees it */
	struct http_response reply; /* HEAVY_DONE: queued when the connection resumes */
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
	/* req->conn is the exchange: handlers may copy the request (the
	 * router does), and the copies must find the same exchange. */
	struct exchange *ex = req->conn;
	const char *v = MHD_lookup_connection_value(ex->conn, MHD_HEADER_KIND, name);
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
	http_response_release(&ex->reply);
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
	if (res.drop) { /* closed without an answer: libmicrohttpd closes on MHD_NO */
		ex->status = 0;
		ex->answered = true;
		http_response_release(&res);
		return MHD_NO;
	}
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
	if (ex->close) /* libmicrohttpd closes the connection after this answer */
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	ex->status = res.status;
	ex->answered = true;
	enum MHD_Result rc = MHD_queue_response(conn, (unsigned)res.status, r);
	MHD_destroy_response(r);
	http_response_release(&res);
	return rc;
}

/* An ErrorBody 400 for a request that is not framed as dialbook accepts;
 * the connection is closed after it, so that nothing the client sent after
 * the refused headers is read as another request. */
static enum MHD_Result refuse(struct MHD_Connection *conn, struct exchange *ex, const char *why)
{
	struct problem p;
	problem_init(&p);
	problem_set(&p, 400, "bad.request", "%s", why);
	struct http_response res;
	memset(&res, 0, sizeof(res));
	res.status = 400;
	res.json = problem_to_json(&p, ex->correlation_id);
	problem_release(&p);
	ex->close = true;
	return queue(conn, ex, &res);
}

/* The headers that say where a request ends, and Host, counted. */
struct framing {
	unsigned content_length, transfer_encoding, host;
	const char *coding; /* the Transfer-Encoding value */
};

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	(void)kind;
	struct framing *f = cls;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
		f->content_length++;
	else if (strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0)
		f->host++;
	else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
		f->transfer_encoding++;
		f->coding = value ? value : "";
	}
	return MHD_YES;
}

static bool is_chunked(const char *coding)
{
	while (is_ows(*coding))
		coding++;
	size_t n = strlen(coding);
	while (n && is_ows(coding[n - 1]))
		n--;
	return n == 7 && strncasecmp(coding, "chunked", 7) == 0;
}

/* Why a request's framing is refused (RFC 9112 6.3: a message whose length
 * two parsers could read differently is how requests are smuggled), or
 * NULL. libmicrohttpd takes the first of two Content-Length headers and
 * lets Transfer-Encoding override one; dialbook refuses both. */
static const char *framing_problem(struct MHD_Connection *conn, const char *version,
				   const struct exchange *ex, char *why, size_t size)
{
	struct framing f = {0, 0, 0, NULL};
	MHD_get_connection_values(conn, MHD_HEADER_KIND, count_framing, &f);
	if (f.content_length > 1)
		snprintf(why, size,
			 "the request has %u Content-Length headers; send exactly one (or "
			 "Transfer-Encoding: chunked instead)",
			 f.content_length);
	else if (f.transfer_encoding && f.content_length)
		snprintf(why, size,
			 "the request has both Transfer-Encoding and Content-Length; send one of "
			 "them");
	else if (f.transfer_encoding > 1 || (f.transfer_encoding && !is_chunked(f.coding)))
		snprintf(why, size,
			 "Transfer-Encoding \"%.64s\" is not supported: dialbook reads bodies "
			 "sent with a Content-Length or Transfer-Encoding: chunked, once",
			 f.transfer_encoding > 1 ? "(given twice)" : f.coding);
	else if (f.host == 0 && version && strcmp(version, MHD_HTTP_VERSION_1_1) == 0)
		snprintf(why, size, "an HTTP/1.1 request needs a Host header");
	else if (f.host > 1)
		snprintf(why, size, "the request has %u Host headers; send exactly one", f.host);
	else if (ex->nul_in_query)
		snprintf(why, size,
			 "the query string holds %%00, a NUL byte, which no parameter can hold");
	else
		return NULL;
	return why;
}

/* The delay of an answer has passed: as a heavy request's end. */
static void delay_over(void *arg)
{
	struct exchange *ex = arg;
	struct http_server *srv = ex->srv;
	pthread_mutex_lock(&srv->heavy_lock);
	bool orphaned = ex->orphaned;
	ex->heavy = HEAVY_DONE;
	pthread_mutex_unlock(&srv->heavy_lock);
	if (orphaned)
		exchange_free(ex);
	else
		MHD_resume_connection(ex->conn);
}

/* Queues res, or, when it asks to wait (delay_ms), keeps it in the
 * exchange and suspends the connection until the delayer resumes it: the
 * same path as a heavy request's answer, so no worker sleeps. */
static enum MHD_Result deliver(struct http_server *srv, struct MHD_Connection *conn,
			       struct exchange *ex, struct http_response *res)
{
	if (!res->delay_ms || !srv->delayer || atomic_load(&srv->cancel))
		return queue(conn, ex, res);
	unsigned ms = res->delay_ms < HTTP_MAX_DELAY_MS ? res->delay_ms : HTTP_MAX_DELAY_MS;
	if (res != &ex->reply) {
		http_response_release(&ex->reply);
		ex->reply = *res;
		memset(res, 0, sizeof(*res));
	}
	ex->reply.delay_ms = 0;
	ex->heavy = HEAVY_RUNNING;
	MHD_suspend_connection(conn);
	delayer_add(srv->delayer, time_monotonic_ms() + ms, delay_over, ex);
	return MHD_YES;
}

static enum MHD_Result respond(struct http_server *srv, struct MHD_Connection *conn,
			       struct exchange *ex)
{
	struct http_response res;
	memset(&res, 0, sizeof(res));
	ex->req.body = ex->body;
	ex->req.body_len = ex->body_len;
	srv->cfg.dispatch(srv->cfg.dispatch_ctx, &ex->req, &res);
	return deliver(srv, conn, ex, &res);
}

/* A heavy thread: the dispatch; the answer waits in the exchange. */
static void run_heavy(void *arg)
{
	struct exchange *ex = arg;
	struct http_server *srv = ex->srv;
	srv->cfg.dispatch(srv->cfg.dispatch_ctx, &ex->req, &ex->reply);
}

/* Then, with the heavy thread free again (a client may send its next
 * search the moment it has this answer): the connection is resumed, and
 * libmicrohttpd calls on_request again on its worker, which queues the
 * answer. */
static void publish_heavy(void *arg)
{
	struct exchange *ex = arg;
	struct http_server *srv = ex->srv;
	pthread_mutex_lock(&srv->heavy_lock);
	bool orphaned = ex->orphaned;
	ex->heavy = HEAVY_DONE;
	pthread_mutex_unlock(&srv->heavy_lock);
	if (orphaned) /* on_completed left the exchange to this thread */
		exchange_free(ex);
	else
		MHD_resume_connection(ex->conn);
}

/* libmicrohttpd ties a connection to the worker that accepted it, and a
 * worker serves all of its connections in one loop: heavy work run there
 * (a search, up to the request deadline) would stall every other
 * connection of that worker, kept-alive ones included. So a request
 * cfg.is_heavy picks is dispatched on a heavy thread while its connection
 * is suspended. libmicrohttpd keeps a suspended connection's memory and
 * reads nothing from it, so the method, the query strings and the headers
 * (header_of) it points into stay valid; the body is the exchange's. When
 * no heavy thread is free the request is dispatched here, flagged
 * heavy_refused: its own faults still answer 4xx, its heavy work 503. */
static bool offload(struct http_server *srv, struct MHD_Connection *conn, struct exchange *ex)
{
	if (!srv->heavy || !srv->cfg.is_heavy(srv->cfg.dispatch_ctx, &ex->req))
		return false;
	if (!workpool_reserve(srv->heavy)) {
		ex->req.heavy_refused = true;
		return false;
	}
	ex->heavy = HEAVY_RUNNING;
	/* Before the work is handed over: it may resume the connection as
	 * soon as it ends, and a resume must follow the suspend. */
	MHD_suspend_connection(conn);
	workpool_run(srv->heavy, run_heavy, publish_heavy, ex);
	return true;
}

/* libmicrohttpd 0.9.75 queues a response only before a body or after all
 * of it, so an upload its handler stopped (a list that is not the caller's,
 * a form error) would be answered only once every byte had arrived, and a
 * client dripping a byte at a time would hold it open for as long as it
 * liked. The answer is written on the socket at once instead, as
 * answer_for_library does, with Connection: close, and the sending side is
 * shut; what the client still sends is dropped for EARLY_LINGER_MS, so that
 * it can read the answer rather than meet a reset, then the connection
 * closes. Over TLS the upload is answered at its end, as before. */
static enum MHD_Result answer_now(struct http_server *srv, struct MHD_Connection *conn,
				  struct exchange *ex)
{
	const union MHD_ConnectionInfo *fd =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (srv->cfg.tls_cert_pem || !fd)
		return MHD_YES;
	struct http_response res;
	memset(&res, 0, sizeof(res));
	srv->cfg.dispatch(srv->cfg.dispatch_ctx, &ex->req, &res);
	ex->status = res.status;
	ex->answered = ex->answered_early = true;
	ex->linger_until_ms = time_monotonic_ms() + EARLY_LINGER_MS;
	char *text = res.json ? json_dumps(res.json, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	char head[HTTP_MAX_HEADERS * 320 + 512];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.1 %d %s\r\nConnection: close\r\nContent-Type: "
			 "application/json\r\nContent-Length: %zu\r\ninin-correlation-id: %s\r\n",
			 res.status, MHD_get_reason_phrase_for((unsigned)res.status),
			 text ? strlen(text) : 0, ex->correlation_id);
	for (size_t i = 0; i < res.header_count && n > 0 && (size_t)n < sizeof(head); i++)
		n += snprintf(head + n, sizeof(head) - (size_t)n, "%s: %s\r\n", res.headers[i].name,
			      res.headers[i].value);
	if (n > 0 && (size_t)n + 2 < sizeof(head)) {
		head[n] = '\r';
		head[n + 1] = '\n';
		/* Small, on a socket that has sent nothing yet: it fits in one go. */
		struct iovec iov[2] = {{head, (size_t)n + 2}, {text, text ? strlen(text) : 0}};
		struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
		(void)sendmsg(fd->connect_fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
	}
	shutdown(fd->connect_fd, SHUT_WR);
	free(text);
	http_response_release(&res);
	return MHD_YES;
}

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key,
			       const char *filename, const char *content_type,
			       const char *transfer_encoding, const char *data, uint64_t off,
			       size_t size)
{
	(void)kind;
	(void)content_type;
	(void)transfer_encoding;
	struct exchange *ex = cls;
	ex->req.upload->part_offset = off;
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

/* The header deadline. libmicrohttpd's connection timeout is an idle
 * timeout, which a client that sends a header line every few seconds never
 * reaches: four addresses that hold every connection so are enough to lock
 * everyone out. So each connection is watched from its start, and again
 * from each answer (for the next request on it): when its request's line
 * and headers are not all in within cfg.header_timeout_s, whatever it kept
 * sending, a thread shuts its socket down and libmicrohttpd closes it.
 * libmicrohttpd reports a connection closed before it closes its socket,
 * and the reaper holds watch_lock while it shuts one down: it never touches
 * a descriptor that was reused. */
static struct watch *watch_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

/* A new phase: the connection waits for a request's headers from now on. */
static void watch_restart(struct watch *w)
{
	if (!w)
		return;
	atomic_store(&w->phase_start_ms, (long long)time_monotonic_ms());
	atomic_store(&w->has_line, false);
	atomic_store(&w->waiting, true);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct http_server *srv = cls;
	if (srv->cfg.connection_count)
		srv->cfg.connection_count(srv->cfg.dispatch_ctx,
					  code == MHD_CONNECTION_NOTIFY_STARTED ? 1 : -1);
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		struct watch *w = calloc(1, sizeof(*w));
		if (!w)
			abort();
		const union MHD_ConnectionInfo *fd =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		w->fd = fd ? fd->connect_fd : -1;
		client_address(conn, w->addr, sizeof(w->addr));
		watch_restart(w);
		pthread_mutex_lock(&srv->watch_lock);
		w->next = srv->watches;
		if (w->next)
			w->next->prev = w;
		srv->watches = w;
		pthread_mutex_unlock(&srv->watch_lock);
		*socket_context = w;
		return;
	}
	struct watch *w = *socket_context;
	if (!w)
		return;
	pthread_mutex_lock(&srv->watch_lock);
	if (w->prev)
		w->prev->next = w->next;
	else
		srv->watches = w->next;
	if (w->next)
		w->next->prev = w->prev;
	pthread_mutex_unlock(&srv->watch_lock);
	*socket_context = NULL;
	free(w);
}

/* Cuts the connections past the deadline; called with watch_lock held. */
static void reap(struct http_server *srv, double now)
{
	double limit = srv->cfg.header_timeout_s * 1000.0;
	for (struct watch *w = srv->watches; w; w = w->next) {
		if (w->cut || w->fd < 0 || !atomic_load(&w->waiting) ||
		    now - (double)atomic_load(&w->phase_start_ms) < limit)
			continue;
		w->cut = true;
		shutdown(w->fd, SHUT_RDWR);
		/* An idle kept-alive connection is ordinary; a started request
		 * that did not finish its headers in time is worth a line. */
		if (atomic_load(&w->has_line))
			log_info("event=connection_cut reason=header_timeout client=%s "
				 "header_timeout_s=%u",
				 w->addr, srv->cfg.header_timeout_s);
		else
			log_debug("event=connection_cut reason=idle client=%s header_timeout_s=%u",
				  w->addr, srv->cfg.header_timeout_s);
	}
}

static void *reaper_main(void *arg)
{
	struct http_server *srv = arg;
	/* A quarter of the deadline, so a connection lives at most 1.25 times it. */
	long period_ms = (long)srv->cfg.header_timeout_s * 250;
	if (period_ms > 1000)
		period_ms = 1000;
	pthread_mutex_lock(&srv->watch_lock);
	while (!srv->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += period_ms * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&srv->watch_wake, &srv->watch_lock, &until);
		if (!srv->stopping)
			reap(srv, time_monotonic_ms());
	}
	pthread_mutex_unlock(&srv->watch_lock);
	return NULL;
}

/* The exchange whose request line this thread read last and whose headers
 * it has not handed to on_request yet (see answer_for_library). */
static _Thread_local struct exchange *reading;

/* Whether a query ("?a=1&b=2", or "") has more than HTTP_MAX_QUERY
 * arguments. libmicrohttpd 0.9.75 keeps each argument in the connection's
 * 32 KiB memory pool; a few hundred fill it, and then it drops its own 431
 * and waits for headers it will never read, until the connection times
 * out. It calls on_uri on its own buffer just before it parses the
 * arguments, so on_uri ends the query there (the byte after '?') and the
 * request is answered at once: 400, too many query parameters. */
static bool too_many_arguments(const char *query)
{
	size_t count = 0;
	if (*query == '?')
		query++;
	while (*query) {
		size_t len = strcspn(query, "&");
		count += len > 0;
		query += len + (query[len] == '&');
	}
	return count > HTTP_MAX_QUERY;
}

/* libmicrohttpd percent-decodes the url it gives the access handler, after
 * which "a%2Fb" (one id) and "a/b" (two segments) look the same. This
 * callback sees the request target as sent, before any decoding: the
 * router splits that on '/' and decodes each segment once. The query
 * string is cut off; libmicrohttpd decodes its arguments itself. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	(void)cls;
	struct exchange *ex = calloc(1, sizeof(*ex));
	if (!ex)
		abort();
	if (!uri)
		uri = "";
	size_t path_len = strcspn(uri, "?");
	ex->raw_path = text_ndup(uri, path_len);
	ex->nul_in_path = strstr(ex->raw_path, "%00") != NULL;
	ex->nul_in_query = strstr(uri + path_len, "%00") != NULL;
	ex->req.query_overflow = too_many_arguments(uri + path_len);
	if (ex->req.query_overflow)
		((char *)uri)[path_len + 1] = '\0'; /* see too_many_arguments */
	ex->close = ex->nul_in_path;
	ex->conn = conn;
	ex->started_ms = time_monotonic_ms();
	struct watch *w = watch_of(conn);
	if (w)
		atomic_store(&w->has_line, true);
	reading = ex;
	return ex;
}

/* The rest of the exchange, once the headers have arrived. */
static void exchange_begin(struct http_server *srv, struct exchange *ex,
			   struct MHD_Connection *conn, const char *method)
{
	ex->begun = true;
	if (reading == ex)
		reading = NULL;
	struct watch *w = watch_of(conn);
	if (w)
		atomic_store(&w->waiting, false); /* the headers are in */
	ex->started_ms = time_monotonic_ms();
	text_uuid_new(ex->correlation_id);
	client_address(conn, ex->client_addr, sizeof(ex->client_addr));
	snprintf(ex->method, sizeof(ex->method), "%s", method);
	ex->req.method = method;
	ex->req.path = ex->raw_path;
	ex->req.correlation_id = ex->correlation_id;
	ex->req.client_addr = ex->client_addr;
	ex->req.header = header_of;
	ex->req.conn = ex;
	ex->req.cancel = &srv->cancel;
	ex->req.started_ms = ex->started_ms;
	ex->req.body_limit = srv->cfg.max_body;
	ex->srv = srv;
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_query, &ex->req);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	(void)url; /* decoded: ex->raw_path is routed instead */
	struct http_server *srv = cls;
	struct exchange *ex = *con_cls;
	if (!ex)
		return MHD_NO; /* on_uri made one for every request */
	if (!ex->begun) {
		exchange_begin(srv, ex, conn, method);
		atomic_fetch_add(&srv->in_flight, 1);
		char why[256];
		if (framing_problem(conn, version, ex, why, sizeof(why)))
			return refuse(conn, ex, why);
		if (srv->cfg.upload_begin) {
			struct http_response early;
			memset(&early, 0, sizeof(early));
			ex->req.upload =
				srv->cfg.upload_begin(srv->cfg.dispatch_ctx, &ex->req, &early);
			if (early.status) {
				/* Before the body: answered (or dropped) at once,
				 * never delayed mid-upload. */
				early.delay_ms = 0;
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
		bool done = *upload_data_size == 0; /* the body's end */
		*upload_data_size = 0;		    /* discard what still arrives */
		if (ex->answered_early && (done || time_monotonic_ms() > ex->linger_until_ms))
			return MHD_NO; /* answered: close */
		return MHD_YES;
	}
	if (ex->heavy == HEAVY_DONE) { /* resumed by publish_heavy or delay_over */
		ex->heavy = HEAVY_NONE;
		return deliver(srv, conn, ex, &ex->reply);
	}
	if (*upload_data_size && ex->req.upload) {
		feed_upload(ex, upload_data, *upload_data_size);
		*upload_data_size = 0;
		if (ex->upload_stopped && !ex->answered)
			return answer_now(srv, conn, ex);
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
	ex->req.body = ex->body;
	ex->req.body_len = ex->body_len;
	if (offload(srv, conn, ex))
		return MHD_YES;
	return respond(srv, conn, ex);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct exchange *ex = *con_cls;
	if (!ex)
		return;
	*con_cls = NULL;
	if (reading == ex)
		reading = NULL;
	/* The next request on this connection has the whole deadline again. */
	watch_restart(watch_of(conn));
	if ((ex->begun || ex->answered) && srv->cfg.request_done) {
		ex->req.method = ex->method; /* the copy: libmicrohttpd's may be gone */
		srv->cfg.request_done(srv->cfg.dispatch_ctx, &ex->req,
				      ex->answered ? ex->status : 0);
	}
	if (ex->begun || ex->answered) /* else it ended before its headers were read */
		log_info("event=request method=%s path=%s status=%d duration_ms=%.2f "
			 "correlation_id=%s client=%s aborted=%s",
			 ex->method, ex->raw_path, ex->answered ? ex->status : 0,
			 time_monotonic_ms() - ex->started_ms, ex->correlation_id, ex->client_addr,
			 toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "false" : "true");
	if (ex->pp)
		MHD_destroy_post_processor(ex->pp);
	if (ex->req.upload)
		ex->req.upload->release(ex->req.upload);
	if (ex->begun)
		atomic_fetch_sub(&srv->in_flight, 1);
	/* libmicrohttpd does not end a suspended connection (it does not see
	 * the client leave until it resumes it, and http_server_stop resumes
	 * every one first); should it, the heavy thread still owns the
	 * exchange and frees it. */
	pthread_mutex_lock(&srv->heavy_lock);
	bool running = ex->heavy == HEAVY_RUNNING;
	ex->orphaned = running;
	pthread_mutex_unlock(&srv->heavy_lock);
	if (!running)
		exchange_free(ex);
}

/* libmicrohttpd 0.9.75 answers a Content-Length it cannot read ("-5",
 * "+5", "5, 5", too many digits) itself, before dialbookd sees the request,
 * and sends that answer's header block twice: parse_connection_headers
 * queues it, then the state machine starts the same reply over. The only
 * sign of it is the message libmicrohttpd logs on the thread that reads
 * the request, before anything is sent. So dialbookd answers first, with an
 * ErrorBody and Connection: close, and shuts the socket for writing: the
 * client gets exactly one answer, libmicrohttpd's copy goes nowhere, and the
 * connection closes. Over TLS the socket carries records dialbookd cannot
 * write, and libmicrohttpd's own answer is left as it is. */
static void answer_for_library(struct http_server *srv, bool too_large)
{
	struct exchange *ex = reading;
	if (!ex || ex->begun || ex->answered || srv->cfg.tls_cert_pem)
		return;
	/* Only the connection whose headers are being parsed right now: its
	 * headers are complete and nothing is queued on it yet. */
	if (!MHD_get_connection_info(ex->conn, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE) ||
	    MHD_get_connection_info(ex->conn, MHD_CONNECTION_INFO_HTTP_STATUS))
		return;
	const union MHD_ConnectionInfo *fd =
		MHD_get_connection_info(ex->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (!fd)
		return;
	text_uuid_new(ex->correlation_id);
	client_address(ex->conn, ex->client_addr, sizeof(ex->client_addr));
	snprintf(ex->method, sizeof(ex->method), "-");
	struct problem p;
	problem_init(&p);
	if (too_large)
		problem_set(&p, 400, "bad.request",
			    "the Content-Length header is too large a number; send the body's "
			    "length in bytes, once");
	else
		problem_set(&p, 400, "bad.request",
			    "the Content-Length header is not a length: send the body's length "
			    "in bytes, as digits only, once");
	json_t *body = problem_to_json(&p, ex->correlation_id);
	problem_release(&p);
	char *text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(body);
	char head[256];
	int n = snprintf(
		head, sizeof(head),
		"HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: "
		"application/json\r\nContent-Length: %zu\r\ninin-correlation-id: %s\r\n\r\n",
		text ? strlen(text) : 0, ex->correlation_id);
	if (text && n > 0 && (size_t)n < sizeof(head)) {
		struct iovec iov[2] = {{head, (size_t)n}, {text, strlen(text)}};
		struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
		(void)sendmsg(fd->connect_fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
	}
	free(text);
	shutdown(fd->connect_fd, SHUT_WR);
	ex->answered = true;
	ex->status = 400;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct http_server *srv = cls;
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	if (strstr(msg, "Content-Length' header"))
		answer_for_library(srv, strstr(msg, "Too large") != NULL);
	else if (strncmp(msg, "Error processing request", 24) == 0)
		reading = NULL; /* libmicrohttpd answered: that request is over */
	/* Until the daemon runs, a message says why it could not start. */
	if (atomic_load(&srv->started))
		log_debug("event=http_library message=\"%s\"", msg);
	else
		log_error("event=http_library message=\"%s\"", msg);
}

/* Starts the reaper, or says why not. */
static int watch_start(struct http_server *srv, char *err, size_t err_size)
{
	pthread_mutex_init(&srv->watch_lock, NULL);
	pthread_cond_init(&srv->watch_wake, NULL);
	if (srv->cfg.header_timeout_s == 0)
		return 0; /* no deadline */
	int rc = pthread_create(&srv->reaper, NULL, reaper_main, srv);
	if (rc != 0) {
		snprintf(err, err_size, "cannot start the connection reaper: %s", strerror(rc));
		return -1;
	}
	srv->reaper_running = true;
	return 0;
}

static void watch_stop(struct http_server *srv)
{
	if (srv->reaper_running) {
		pthread_mutex_lock(&srv->watch_lock);
		srv->stopping = true;
		pthread_cond_signal(&srv->watch_wake);
		pthread_mutex_unlock(&srv->watch_lock);
		pthread_join(srv->reaper, NULL);
	}
	pthread_cond_destroy(&srv->watch_wake);
	pthread_mutex_destroy(&srv->watch_lock);
}

/* The heavy threads, when the configuration asks for them. */
static int heavy_start(struct http_server *srv, unsigned *flags, char *err, size_t err_size)
{
	/* Delayed answers suspend their connection too (deliver). */
	*flags |= MHD_ALLOW_SUSPEND_RESUME;
	if (delayer_start(&srv->delayer, err, err_size))
		return -1;
	if (!srv->cfg.is_heavy || srv->cfg.heavy_threads == 0)
		return 0;
	return workpool_start(srv->cfg.heavy_threads, &srv->heavy, err, err_size);
}

/* The TLS options when a certificate is configured: none otherwise. */
static int tls_options(const struct http_server_config *cfg, struct MHD_OptionItem opts[3],
		       unsigned *flags, char *err, size_t err_size)
{
	opts[0] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	if (!cfg->tls_cert_pem)
		return 0;
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		snprintf(err, err_size,
			 "this libmicrohttpd was built without TLS support, so --tls-cert "
			 "cannot be served; install one built with GnuTLS, or put a TLS proxy in "
			 "front of dialbookd");
		return -1;
	}
	*flags |= MHD_USE_TLS;
	opts[0] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)cfg->tls_key_pem};
	opts[1] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)cfg->tls_cert_pem};
	opts[2] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	return 0;
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
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	struct MHD_OptionItem tls[3];
	if (tls_options(cfg, tls, &flags, err, err_size)) {
		freeaddrinfo(ai);
		return -1;
	}
	struct http_server *srv = calloc(1, sizeof(*srv));
	if (!srv)
		abort();
	srv->cfg = *cfg;
	pthread_mutex_init(&srv->heavy_lock, NULL);
	if (watch_start(srv, err, err_size) || heavy_start(srv, &flags, err, err_size)) {
		freeaddrinfo(ai);
		delayer_free(srv->delayer);
		watch_stop(srv);
		pthread_mutex_destroy(&srv->heavy_lock);
		free(srv);
		return -1;
	}
	/* The logger first: libmicrohttpd reports what it finds in the options
	 * that follow through it. */
	srv->daemon = MHD_start_daemon(
		flags, (uint16_t)cfg->port, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER,
		mhd_log, srv, MHD_OPTION_SOCK_ADDR, ai->ai_addr, MHD_OPTION_THREAD_POOL_SIZE,
		cfg->threads, MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->max_connections_per_address,
		MHD_OPTION_CONNECTION_TIMEOUT, cfg->connection_timeout_s,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv, MHD_OPTION_URI_LOG_CALLBACK,
		on_uri, srv, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_ARRAY, tls,
		MHD_OPTION_END);
	freeaddrinfo(ai);
	if (!srv->daemon) {
		if (cfg->tls_cert_pem)
			snprintf(err, err_size,
				 "cannot serve HTTPS on %s:%u: the address is in use or not this "
				 "machine's, or GnuTLS refused the certificate or key (both PEM, "
				 "the key the certificate's; see the http_library lines above)",
				 cfg->host, cfg->port);
		else
			snprintf(err, err_size,
				 "cannot listen on %s:%u (address in use, or not an address of "
				 "this machine?)",
				 cfg->host, cfg->port);
		workpool_free(srv->heavy);
		delayer_free(srv->delayer);
		watch_stop(srv);
		pthread_mutex_destroy(&srv->heavy_lock);
		free(srv);
		return -1;
	}
	atomic_store(&srv->started, true);
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
	/* Heavy work ends now, answered 503, rather than hold the stop for up
	 * to its deadline; heavy requests that arrive from now on are refused. */
	atomic_store(&s->cancel, true);
	workpool_close(s->heavy);
	/* Delayed answers go now (deliver sends the rest at once). */
	delayer_flush(s->delayer);
	double deadline = time_monotonic_ms() + grace_ms;
	while (atomic_load(&s->in_flight) > 0 && time_monotonic_ms() < deadline)
		usleep(10000);
	/* libmicrohttpd must hold no suspended connection when it stops: each
	 * heavy request resumes its own before its thread is done. */
	workpool_free(s->heavy);
	delayer_free(s->delayer);
	MHD_stop_daemon(s->daemon);
	watch_stop(s);
	pthread_mutex_destroy(&s->heavy_lock);
	free(s);
}

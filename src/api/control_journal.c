/* The request journal (docs/control-api.md): the last N requests this
 * server answered, in a ring, with what a test asserts on and nothing of
 * their data: no header, body, token, secret or query value. */
#include "api/control_internal.h"
#include "common/timeutil.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PATH_KEPT 1024 /* bytes of a path kept */

struct journal_entry {
	uint64_t seq;
	int64_t at_ms; /* arrival, wall clock */
	char method[16];
	/* One allocation: the path, then each query parameter's name, each
	 * NUL-terminated; names_len bytes of names. */
	char *path;
	size_t names_len;
	int status; /* 0: dropped */
	char org_id[UUID_STR_LEN], client_id[65];
	char correlation_id[UUID_STR_LEN];
	int64_t duration_ms;
	char fault_id[UUID_STR_LEN];
};

static void entry_release(struct journal_entry *e)
{
	free(e->path);
	memset(e, 0, sizeof(*e));
}

void control_journal_clear(struct control *ctl)
{
	pthread_mutex_lock(&ctl->journal_lock);
	for (unsigned i = 0; ctl->journal && i < ctl->journal_size; i++)
		entry_release(&ctl->journal[i]);
	ctl->journal_count = ctl->journal_next = 0;
	pthread_mutex_unlock(&ctl->journal_lock);
}

void control_journal_free(struct control *ctl)
{
	control_journal_clear(ctl);
	free(ctl->journal);
	ctl->journal = NULL;
}

void control_journal_record(struct api_ctx *c)
{
	struct control *ctl = c->srv->control;
	if (!ctl->journal_size)
		return;
	const struct http_request *req = c->req;
	const struct http_response *res = c->res;
	double now = time_monotonic_ms();
	struct journal_entry e = {0};
	double took = req->started_ms > 0 ? now - req->started_ms : 0;
	e.at_ms = time_now_ms() - (int64_t)took;
	e.duration_ms = (int64_t)took + res->delay_ms;
	snprintf(e.method, sizeof(e.method), "%s", req->method);
	size_t path_len = strnlen(req->path, PATH_KEPT), names = 0;
	for (size_t i = 0; i < req->query_count; i++)
		names += strnlen(req->query[i].key, PATH_KEPT) + 1;
	e.path = malloc(path_len + 1 + names);
	if (!e.path)
		abort();
	memcpy(e.path, req->path, path_len);
	e.path[path_len] = '\0';
	char *at = e.path + path_len + 1;
	for (size_t i = 0; i < req->query_count; i++) {
		size_t n = strnlen(req->query[i].key, PATH_KEPT);
		memcpy(at, req->query[i].key, n);
		at[n] = '\0';
		at += n + 1;
	}
	e.names_len = names;
	e.status = res->drop ? 0 : res->status;
	if (c->org.id[0])
		memcpy(e.org_id, c->org.id, sizeof(e.org_id));
	if (c->org.id[0])
		snprintf(e.client_id, sizeof(e.client_id), "%s", c->token.client_id);
	snprintf(e.correlation_id, sizeof(e.correlation_id), "%s", req->correlation_id);
	memcpy(e.fault_id, c->fault_id, sizeof(e.fault_id));
	pthread_mutex_lock(&ctl->journal_lock);
	if (!ctl->journal) {
		ctl->journal = calloc(ctl->journal_size, sizeof(*ctl->journal));
		if (!ctl->journal)
			abort();
	}
	e.seq = ++ctl->journal_seq;
	struct journal_entry *slot = &ctl->journal[ctl->journal_next];
	struct journal_entry old = *slot;
	*slot = e;
	ctl->journal_next = (ctl->journal_next + 1) % ctl->journal_size;
	if (ctl->journal_count < ctl->journal_size)
		ctl->journal_count++;
	pthread_mutex_unlock(&ctl->journal_lock);
	entry_release(&old);
}

/* The query's filters, checked. */
struct journal_filter {
	const char *method, *prefix, *org_id;
	int status, status_class; /* status 0: any; class 4 for "4xx" */
	int64_t since_ms;	  /* INT64_MIN: any */
	uint64_t after_seq;
	long limit; /* 0: no limit */
};

/* "2026-11-29T16:41:02Z" or with ".123" before the Z: ms since the epoch. */
static bool parse_iso(const char *s, int64_t *out)
{
	struct tm tm = {0};
	const char *rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!rest)
		return false;
	int ms = 0;
	if (*rest == '.') {
		int digits = 0;
		for (rest++; *rest >= '0' && *rest <= '9'; rest++, digits++)
			if (digits < 3)
				ms = ms * 10 + (*rest - '0');
		if (!digits)
			return false;
		for (; digits < 3; digits++)
			ms *= 10;
	}
	if (strcmp(rest, "Z") != 0)
		return false;
	*out = (int64_t)timegm(&tm) * 1000 + ms;
	return true;
}

static bool parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static int read_filter(struct api_ctx *c, struct journal_filter *f)
{
	const struct http_request *req = c->req;
	memset(f, 0, sizeof(*f));
	f->since_ms = INT64_MIN;
	f->method = http_query_get(req, "method");
	f->prefix = http_query_get(req, "pathPrefix");
	f->org_id = http_query_get(req, "organizationId");
	const char *v = http_query_get(req, "status");
	long n;
	if (v) {
		if (strlen(v) == 3 && v[0] >= '1' && v[0] <= '5' && strcmp(v + 1, "xx") == 0)
			f->status_class = v[0] - '0';
		else if (parse_long(v, 100, 599, &n))
			f->status = (int)n;
		else
			return control_bad(c, "status",
					   "status must be a status (100 to 599, such as 429) or a "
					   "class (1xx to 5xx); got \"%.40s\" in the query",
					   v);
	}
	if ((v = http_query_get(req, "since")) && !parse_iso(v, &f->since_ms))
		return control_bad(
			c, "since",
			"since must be an ISO 8601 UTC time such as 2026-11-29T16:41:02Z "
			"(milliseconds allowed); got \"%.40s\" in the query",
			v);
	if ((v = http_query_get(req, "afterSeq"))) {
		if (!parse_long(v, 0, LONG_MAX, &n))
			return control_bad(
				c, "afterSeq",
				"afterSeq must be a whole number (a seq of the journal); "
				"got \"%.40s\" in the query",
				v);
		f->after_seq = (uint64_t)n;
	}
	if ((v = http_query_get(req, "limit")) && !parse_long(v, 1, CONTROL_JOURNAL_MAX, &f->limit))
		return control_bad(c, "limit",
				   "limit must be from 1 to %d; got \"%.40s\" in the query",
				   CONTROL_JOURNAL_MAX, v);
	return 0;
}

static bool keep(const struct journal_filter *f, const struct journal_entry *e)
{
	return (!f->method || strcmp(f->method, e->method) == 0) &&
	       (!f->prefix || strncmp(e->path, f->prefix, strlen(f->prefix)) == 0) &&
	       (!f->org_id || strcmp(f->org_id, e->org_id) == 0) &&
	       (!f->status || f->status == e->status) &&
	       (!f->status_class || e->status / 100 == f->status_class) &&
	       e->at_ms >= f->since_ms && e->seq > f->after_seq;
}

static json_t *entry_json(const struct journal_entry *e)
{
	char when[32];
	time_format_iso(e->at_ms, when, sizeof(when));
	json_t *o = json_object();
	json_object_set_new(o, "seq", json_integer((json_int_t)e->seq));
	json_object_set_new(o, "timestamp", json_string(when));
	json_object_set_new(o, "method", json_string(e->method));
	json_object_set_new(o, "path", json_string(e->path));
	json_t *names = json_array();
	const char *first = e->path + strlen(e->path) + 1;
	for (const char *n = first; n < first + e->names_len; n += strlen(n) + 1) {
		json_t *name = json_string(n); /* NULL: not UTF-8 */
		json_array_append_new(names, name ? name : json_string("?"));
	}
	json_object_set_new(o, "queryNames", names);
	json_object_set_new(o, "status", json_integer(e->status));
	json_object_set_new(o, "organizationId",
			    e->org_id[0] ? json_string(e->org_id) : json_null());
	json_object_set_new(o, "clientId",
			    e->client_id[0] ? json_string(e->client_id) : json_null());
	json_object_set_new(o, "correlationId", json_string(e->correlation_id));
	json_object_set_new(o, "durationMs", json_integer(e->duration_ms));
	json_object_set_new(o, "faultId", e->fault_id[0] ? json_string(e->fault_id) : json_null());
	return o;
}

int control_journal_get(struct api_ctx *c)
{
	struct journal_filter f;
	if (read_filter(c, &f))
		return -1;
	struct control *ctl = c->srv->control;
	json_t *list = json_array();
	pthread_mutex_lock(&ctl->journal_lock);
	/* Newest first while counting the limit, then answered oldest first. */
	unsigned n = ctl->journal_count, kept = 0;
	unsigned *slots = malloc((n ? n : 1) * sizeof(*slots));
	if (!slots)
		abort();
	for (unsigned i = 0; i < n && (!f.limit || kept < (unsigned long)f.limit); i++) {
		unsigned at = (ctl->journal_next + ctl->journal_size - 1 - i) % ctl->journal_size;
		if (keep(&f, &ctl->journal[at]))
			slots[kept++] = at;
	}
	while (kept--)
		json_array_append_new(list, entry_json(&ctl->journal[slots[kept]]));
	pthread_mutex_unlock(&ctl->journal_lock);
	free(slots);
	size_t total = json_array_size(list);
	return api_reply(c, 200,
			 json_pack("{s:o,s:I}", "entities", list, "total", (json_int_t)total));
}

int control_journal_delete(struct api_ctx *c)
{
	control_journal_clear(c->srv->control);
	return api_reply(c, 204, NULL);
}

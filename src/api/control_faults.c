/* Fault rules (docs/control-api.md, "Faults"): parsed and checked when
 * added, matched against each ordinary request once its caller is known,
 * in the order added; the first that matches and wins its draw answers. */
#include "api/control_internal.h"
#include "common/timeutil.h"
#include "common/uri.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SEGMENTS 32

struct fault_rule {
	char id[UUID_STR_LEN];
	char preset[8]; /* "" when none */
	char method[8]; /* "*": any */
	char *path;	/* the pattern as given; NULL: any path */
	char *segments; /* the pattern's segments, each NUL-terminated */
	size_t seg_count;
	char org_id[65], client_id[65]; /* "": any */
	int status;			/* 0: latency only */
	char code[48];
	char message[701];
	int retry_after; /* -1: none */
	double probability;
	int64_t times; /* 0: no limit */
	unsigned latency_ms;
	bool drop;
	int64_t fired;
	int64_t created_ms;
};

static void rule_free(struct fault_rule *r)
{
	if (!r)
		return;
	free(r->path);
	free(r->segments);
	free(r);
}

void control_faults_clear(struct control *ctl)
{
	pthread_mutex_lock(&ctl->faults_lock);
	for (size_t i = 0; i < ctl->rule_count; i++)
		rule_free(ctl->rules[i]);
	ctl->rule_count = 0;
	atomic_store(&ctl->rule_total, 0);
	pthread_mutex_unlock(&ctl->faults_lock);
}

/* The cloud's answers for the presets and the statuses they name. */
static const struct {
	const char *preset;
	const char *code, *message;
	int status;
	int retry_after;
} presets[] = {
	{"429", "too.many.requests",
	 "Rate limit exceeded the maximum. Retry the request in [1] seconds", 429, 1},
	{"503", "service.unavailable", "The service is currently unavailable", 503, 1},
	{"504", "gateway.timeout", "The request timed out", 504, -1},
	{"drop", "", "", 0, -1},
};

#define PRESET_COUNT (sizeof(presets) / sizeof(presets[0]))

static int preset_of_status(int status)
{
	for (size_t i = 0; i < PRESET_COUNT; i++)
		if (presets[i].status == status)
			return (int)i;
	return -1;
}

/* Splits a pattern into segments; false with *why when it is no pattern. */
static bool parse_pattern(struct fault_rule *r, const char *pattern, char *why, size_t size)
{
	if (pattern[0] != '/') {
		snprintf(why, size, "path must start with /, got \"%.100s\"", pattern);
		return false;
	}
	size_t len = strlen(pattern);
	r->segments = malloc(len + 1);
	if (!r->segments)
		abort();
	memcpy(r->segments, pattern + 1, len);
	size_t n = 0;
	char *seg = r->segments;
	for (;;) {
		char *slash = strchr(seg, '/');
		if (slash)
			*slash = '\0';
		if (!*seg && (slash || n == 0)) {
			snprintf(
				why, size,
				"path \"%.100s\" has an empty segment (//, or / alone); write each "
				"segment, or * for any one",
				pattern);
			return false;
		}
		if (*seg) {
			if (strcmp(seg, "**") == 0 && slash) {
				snprintf(why, size,
					 "path \"%.100s\": ** may only be the last segment",
					 pattern);
				return false;
			}
			if (strchr(seg, '*') && strcmp(seg, "*") != 0 && strcmp(seg, "**") != 0) {
				snprintf(
					why, size,
					"path \"%.100s\": a segment is * or ** whole, or has no *; "
					"got \"%.40s\"",
					pattern, seg);
				return false;
			}
			if (++n > MAX_SEGMENTS) {
				snprintf(why, size, "path has more than %d segments", MAX_SEGMENTS);
				return false;
			}
		}
		if (!slash)
			break;
		seg = slash + 1;
	}
	r->seg_count = n;
	r->path = strdup(pattern);
	if (!r->path)
		abort();
	return true;
}

static const char *segment_at(const struct fault_rule *r, size_t i)
{
	const char *s = r->segments;
	while (i--)
		s += strlen(s) + 1;
	return s;
}

/* The request's decoded segments (a trailing / adds none); false when one
 * does not decode: such a path matches no pattern. */
static bool split_path(const char *raw, char *scratch, size_t size, const char **segs,
		       size_t *count)
{
	size_t n = 0, used = 0;
	const char *p = raw[0] == '/' ? raw + 1 : raw;
	while (*p) {
		size_t len = strcspn(p, "/");
		if (n == (size_t)MAX_SEGMENTS * 2 || used + len + 1 > size)
			return false;
		size_t out_len;
		if (uri_segment_decode(p, len, scratch + used, &out_len, NULL) != URI_OK)
			return false;
		segs[n++] = scratch + used;
		used += out_len + 1;
		p += len;
		if (*p == '/')
			p++;
	}
	*count = n;
	return true;
}

static bool path_matches(const struct fault_rule *r, const char *const *segs, size_t n)
{
	if (!r->path)
		return true;
	for (size_t i = 0; i < r->seg_count; i++) {
		const char *pat = segment_at(r, i);
		if (strcmp(pat, "**") == 0)
			return n > i;
		if (i >= n || (strcmp(pat, "*") != 0 && strcmp(pat, segs[i]) != 0))
			return false;
	}
	return n == r->seg_count;
}

/* What a rule that fired asks of the request, copied out of the lock. */
struct fault_hit {
	char id[UUID_STR_LEN];
	int status;
	char code[48];
	char message[701];
	int retry_after;
	unsigned latency_ms;
	bool drop;
};

static bool draw(double probability)
{
	if (probability >= 1)
		return true;
	return probability > 0 && randombytes_uniform(1000000) < (uint32_t)(probability * 1e6);
}

int control_fault(struct api_ctx *c)
{
	struct control *ctl = c->srv->control;
	const struct http_request *req = c->req;
	if (!atomic_load(&ctl->rule_total))
		return 0; /* the common case: no rule, no work */
	char scratch[ROUTER_SCRATCH];
	const char *segs[MAX_SEGMENTS * 2];
	size_t n;
	if (!split_path(req->path, scratch, sizeof(scratch), segs, &n))
		return 0;
	struct fault_hit hit;
	bool fired = false;
	pthread_mutex_lock(&ctl->faults_lock);
	for (size_t i = 0; i < ctl->rule_count && !fired; i++) {
		struct fault_rule *r = ctl->rules[i];
		if ((r->times && r->fired >= r->times) ||
		    (strcmp(r->method, "*") != 0 && strcmp(r->method, req->method) != 0) ||
		    (r->org_id[0] && strcmp(r->org_id, c->org.id) != 0) ||
		    (r->client_id[0] && strcmp(r->client_id, c->token.client_id) != 0) ||
		    !path_matches(r, segs, n) || !draw(r->probability))
			continue;
		r->fired++;
		fired = true;
		memcpy(hit.id, r->id, sizeof(hit.id));
		hit.status = r->status;
		memcpy(hit.code, r->code, sizeof(hit.code));
		memcpy(hit.message, r->message, sizeof(hit.message));
		hit.retry_after = r->retry_after;
		hit.latency_ms = r->latency_ms;
		hit.drop = r->drop;
	}
	pthread_mutex_unlock(&ctl->faults_lock);
	if (!fired)
		return 0;
	memcpy(c->fault_id, hit.id, sizeof(c->fault_id));
	c->res->delay_ms = hit.latency_ms;
	if (hit.drop) {
		c->res->drop = true; /* the problem below is never sent */
		return problem_set(&c->problem, 503, "service.unavailable",
				   "dropped by fault rule %s", hit.id);
	}
	if (!hit.status)
		return 0; /* a delay only: served as usual */
	if (hit.retry_after >= 0)
		http_response_header(c->res, "Retry-After", "%d", hit.retry_after);
	return problem_set(&c->problem, hit.status, hit.code, "%s", hit.message);
}

static json_t *rule_json(const struct fault_rule *r)
{
	char when[32];
	time_format_iso(r->created_ms, when, sizeof(when));
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(r->id));
	json_object_set_new(o, "preset", r->preset[0] ? json_string(r->preset) : json_null());
	json_object_set_new(o, "method", json_string(r->method));
	json_object_set_new(o, "path", r->path ? json_string(r->path) : json_null());
	json_object_set_new(o, "organizationId",
			    r->org_id[0] ? json_string(r->org_id) : json_null());
	json_object_set_new(o, "clientId",
			    r->client_id[0] ? json_string(r->client_id) : json_null());
	json_object_set_new(o, "status", r->status ? json_integer(r->status) : json_null());
	json_object_set_new(o, "code", r->code[0] ? json_string(r->code) : json_null());
	json_object_set_new(o, "message", r->message[0] ? json_string(r->message) : json_null());
	json_object_set_new(o, "retryAfter",
			    r->retry_after >= 0 ? json_integer(r->retry_after) : json_null());
	json_object_set_new(o, "probability", json_real(r->probability));
	json_object_set_new(o, "times", r->times ? json_integer(r->times) : json_null());
	json_object_set_new(o, "latencyMs", json_integer(r->latency_ms));
	json_object_set_new(o, "drop", json_boolean(r->drop));
	json_object_set_new(o, "fired", json_integer(r->fired));
	json_object_set_new(o, "spent", json_boolean(r->times && r->fired >= r->times));
	json_object_set_new(o, "dateCreated", json_string(when));
	return o;
}

/* An integer member within [lo, hi], or absent (*out untouched). */
static int int_in(struct api_ctx *c, json_t *body, const char *name, long long lo, long long hi,
		  long long *out)
{
	json_t *v = json_object_get(body, name);
	if (!v)
		return 0;
	long long x = json_integer_value(v);
	if (x < lo || x > hi)
		return control_bad(c, name, "%s must be from %lld to %lld; got %lld", name, lo, hi,
				   x);
	*out = x;
	return 0;
}

static bool code_ok(const char *s)
{
	size_t len = strlen(s);
	return len > 0 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._") == len;
}

/* The rule a checked body describes; NULL with the problem recorded. */
static struct fault_rule *rule_from(struct api_ctx *c, json_t *body)
{
	if (field_check(body, control_fault_fields, FIELD_CREATE, "a fault rule", "", &c->problem))
		return NULL;
	struct fault_rule *r = calloc(1, sizeof(*r));
	if (!r)
		abort();
	r->retry_after = -1;
	r->probability = 1;
	const char *preset = json_string_value(json_object_get(body, "preset"));
	if (preset) {
		snprintf(r->preset, sizeof(r->preset), "%s", preset);
		for (size_t i = 0; i < PRESET_COUNT; i++) {
			if (strcmp(presets[i].preset, preset) != 0)
				continue;
			r->status = presets[i].status;
			r->drop = presets[i].status == 0;
			r->retry_after = presets[i].retry_after;
		}
	}
	const char *method = json_string_value(json_object_get(body, "method"));
	snprintf(r->method, sizeof(r->method), "%s", method ? method : "*");
	const char *path = json_string_value(json_object_get(body, "path"));
	char why[300];
	if (path && !parse_pattern(r, path, why, sizeof(why))) {
		control_bad(c, "path", "%s", why);
		goto bad;
	}
	const char *org = json_string_value(json_object_get(body, "organizationId"));
	const char *client = json_string_value(json_object_get(body, "clientId"));
	snprintf(r->org_id, sizeof(r->org_id), "%s", org ? org : "");
	snprintf(r->client_id, sizeof(r->client_id), "%s", client ? client : "");
	long long v;
	if (json_object_get(body, "status")) {
		v = 0;
		if (int_in(c, body, "status", 400, 599, &v))
			goto bad;
		if (r->drop) {
			control_bad(c, "status",
				    "status cannot go with the preset drop, which answers nothing");
			goto bad;
		}
		r->status = (int)v;
	}
	v = r->retry_after;
	if (int_in(c, body, "retryAfter", 0, CONTROL_MAX_RETRY_AFTER, &v))
		goto bad;
	r->retry_after = (int)v;
	v = 0;
	if (int_in(c, body, "times", 1, INT64_MAX / 2, &v))
		goto bad;
	r->times = v;
	v = 0;
	if (int_in(c, body, "latencyMs", 0, HTTP_MAX_DELAY_MS, &v))
		goto bad;
	r->latency_ms = (unsigned)v;
	json_t *p = json_object_get(body, "probability");
	if (p) {
		double x = json_number_value(p);
		if (!(x >= 0 && x <= 1)) {
			control_bad(c, "probability",
				    "probability must be a number from 0 to 1; got %g", x);
			goto bad;
		}
		r->probability = x;
	}
	const char *code = json_string_value(json_object_get(body, "code"));
	const char *message = json_string_value(json_object_get(body, "message"));
	if (code && !code_ok(code)) {
		control_bad(c, "code",
			    "code must be 1 to 47 characters of a-z, 0-9, . and _ (as the cloud's "
			    "too.many.requests); got \"%.60s\"",
			    code);
		goto bad;
	}
	if (r->drop && (code || message || json_object_get(body, "retryAfter"))) {
		control_bad(c,
			    code      ? "code"
			    : message ? "message"
				      : "retryAfter",
			    "the preset drop answers nothing: it takes no code, message or "
			    "retryAfter");
		goto bad;
	}
	if (!r->status && !r->drop && (code || message || json_object_get(body, "retryAfter"))) {
		control_bad(c, "status",
			    "status (400 to 599) or a preset is required with code, message or "
			    "retryAfter");
		goto bad;
	}
	if (!r->status && !r->drop && !r->latency_ms) {
		control_bad(c, "status",
			    "a rule needs status (400 to 599), a preset (429, 503, 504, drop) or "
			    "latencyMs; it has none");
		goto bad;
	}
	if (r->status) {
		int known = preset_of_status(r->status);
		snprintf(r->code, sizeof(r->code), "%s",
			 code	      ? code
			 : known >= 0 ? presets[known].code
				      : "fault.injected");
		/* A status of no preset without a message: its words name the rule,
		 * once it has an id (control_faults_add). */
		snprintf(r->message, sizeof(r->message), "%s",
			 message      ? message
			 : known >= 0 ? presets[known].message
				      : "");
	}
	return r;
bad:
	rule_free(r);
	return NULL;
}

int control_faults_add(struct api_ctx *c)
{
	json_t *body;
	if (control_body(c, false, &body))
		return -1;
	struct fault_rule *r = rule_from(c, body);
	if (!r)
		return -1;
	text_uuid_new(r->id);
	if (r->status && !r->message[0])
		snprintf(r->message, sizeof(r->message),
			 "A fault rule of dialbook's control API answered this request (rule %s)",
			 r->id);
	r->created_ms = time_now_ms();
	struct control *ctl = c->srv->control;
	pthread_mutex_lock(&ctl->faults_lock);
	bool full = ctl->rule_count == CONTROL_MAX_RULES;
	if (!full)
		ctl->rules[ctl->rule_count++] = r;
	atomic_store(&ctl->rule_total, ctl->rule_count);
	json_t *out = full ? NULL : rule_json(r);
	pthread_mutex_unlock(&ctl->faults_lock);
	if (full) {
		rule_free(r);
		return problem_set(&c->problem, 409, "general.conflict",
				   "there are %d fault rules already, the most there may be; "
				   "DELETE /_dialbook/faults/{id} (spent ones too) first",
				   CONTROL_MAX_RULES);
	}
	http_response_header(c->res, "Location", "/_dialbook/faults/%s", r->id);
	return api_reply(c, 201, out);
}

int control_faults_list(struct api_ctx *c)
{
	struct control *ctl = c->srv->control;
	json_t *list = json_array();
	pthread_mutex_lock(&ctl->faults_lock);
	for (size_t i = 0; i < ctl->rule_count; i++)
		json_array_append_new(list, rule_json(ctl->rules[i]));
	pthread_mutex_unlock(&ctl->faults_lock);
	size_t n = json_array_size(list);
	return api_reply(c, 200, json_pack("{s:o,s:I}", "entities", list, "total", (json_int_t)n));
}

int control_faults_delete(struct api_ctx *c)
{
	struct control *ctl = c->srv->control;
	const char *id = c->req->params[0];
	struct fault_rule *gone = NULL;
	pthread_mutex_lock(&ctl->faults_lock);
	for (size_t i = 0; i < ctl->rule_count; i++) {
		if (strcmp(ctl->rules[i]->id, id) != 0)
			continue;
		gone = ctl->rules[i];
		/* The rules are pointers: their slots move. */
		memmove(&ctl->rules[i], &ctl->rules[i + 1],
			(ctl->rule_count - i - 1) *
				sizeof(ctl->rules[0])); /* NOLINT(bugprone-sizeof-expression) */
		ctl->rule_count--;
		atomic_store(&ctl->rule_total, ctl->rule_count);
		break;
	}
	pthread_mutex_unlock(&ctl->faults_lock);
	if (!gone)
		return problem_set(&c->problem, 404, "not.found",
				   "The requested resource was not found: no fault rule with id "
				   "%.64s (GET /_dialbook/faults lists them)",
				   id);
	rule_free(gone);
	return api_reply(c, 204, NULL);
}

int control_faults_delete_all(struct api_ctx *c)
{
	control_faults_clear(c->srv->control);
	return api_reply(c, 204, NULL);
}

/* Segment-by-segment matching on decoded segments; the best route is the
 * one whose first difference from the others is a literal match. The raw
 * path is split before anything is decoded, and each segment is decoded
 * exactly once: "%2F" inside an id never becomes a separator, and "%252F"
 * reaches the handler as "%2F". */
#include "http/router.h"
#include "common/uri.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define MAX_SEGMENTS 12
#define SHOWN_BYTES  64 /* of a bad segment, in its error message */

struct segment {
	const char *raw;
	size_t raw_len;
	const char *text; /* decoded, NUL-terminated, in the match's scratch */
	size_t len;
	enum uri_error error; /* URI_OK, or why text is not to be used */
	size_t error_at;
};

static size_t split(const char *path, const char *seg[MAX_SEGMENTS], size_t len[MAX_SEGMENTS])
{
	size_t n = 0;
	const char *p = path;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		if (n == MAX_SEGMENTS)
			return MAX_SEGMENTS + 1;
		const char *start = p;
		while (*p && *p != '/')
			p++;
		seg[n] = start;
		len[n] = (size_t)(p - start);
		n++;
	}
	return n;
}

/* Splits the raw path and decodes each segment into m->scratch. Returns
 * the count, or more than MAX_SEGMENTS when no route could be this long. */
static size_t decode_path(const char *path, struct segment seg[MAX_SEGMENTS], struct route_match *m)
{
	const char *raw[MAX_SEGMENTS];
	size_t raw_len[MAX_SEGMENTS];
	size_t n = split(path, raw, raw_len);
	if (n > MAX_SEGMENTS)
		return n;
	size_t off = 0;
	for (size_t i = 0; i < n; i++) {
		if (off + raw_len[i] + 1 > sizeof(m->scratch))
			return MAX_SEGMENTS + 1;
		seg[i].raw = raw[i];
		seg[i].raw_len = raw_len[i];
		seg[i].text = m->scratch + off;
		seg[i].error_at = 0;
		seg[i].error = uri_segment_decode(raw[i], raw_len[i], m->scratch + off, &seg[i].len,
						  &seg[i].error_at);
		off += seg[i].len + 1;
	}
	return n;
}

/* Returns a score (literal matches count more) or -1 when it does not
 * match. A segment that does not decode can only stand for a capture. */
static int match_score(const char *pattern, const struct segment *seg, size_t n)
{
	const char *pseg[MAX_SEGMENTS];
	size_t plen[MAX_SEGMENTS];
	size_t pn = split(pattern, pseg, plen);
	if (pn != n)
		return -1;
	int score = 0;
	for (size_t i = 0; i < n; i++) {
		if (pseg[i][0] == '{') {
			score = score * 2;
			continue;
		}
		if (seg[i].error || plen[i] != seg[i].len ||
		    memcmp(pseg[i], seg[i].text, plen[i]) != 0)
			return -1;
		score = score * 2 + 1;
	}
	return score;
}

static const struct http_route *route_at(const void *table, size_t stride, size_t i)
{
	return (const void *)((const char *)table + i * stride);
}

/* Raw bytes for a message: printable ASCII as is, the rest as %XX, so the
 * text is what the client sent and always valid UTF-8. */
static void show_raw(char *out, size_t size, const char *raw, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;
	for (size_t i = 0; i < len && o + 4 < size; i++) {
		unsigned char c = (unsigned char)raw[i];
		if (c > 0x20 && c < 0x7f) {
			out[o++] = (char)c;
			continue;
		}
		out[o++] = '%';
		out[o++] = hex[c >> 4];
		out[o++] = hex[c & 15];
	}
	out[o] = '\0';
}

/* Fills m's bad_* fields for segment i; `pattern` is the best route's, or NULL. */
static void describe_bad(const struct segment *s, size_t i, const char *pattern,
			 struct route_match *m)
{
	m->bad_position = i + 1;
	m->bad_name[0] = '\0';
	if (pattern) {
		const char *pseg[MAX_SEGMENTS];
		size_t plen[MAX_SEGMENTS];
		if (split(pattern, pseg, plen) > i && pseg[i][0] == '{' && plen[i] > 2)
			snprintf(m->bad_name, sizeof(m->bad_name), "%.*s", (int)(plen[i] - 2),
				 pseg[i] + 1);
	}
	size_t shown = s->raw_len < SHOWN_BYTES ? s->raw_len : SHOWN_BYTES;
	show_raw(m->bad_text, sizeof(m->bad_text) - 3, s->raw, shown);
	if (shown < s->raw_len)
		memcpy(m->bad_text + strlen(m->bad_text), "...", 4);
	char esc[16];
	size_t at = s->error_at;
	switch (s->error) {
	case URI_BAD_ESCAPE:
		show_raw(esc, sizeof(esc), s->raw + at, s->raw_len - at < 3 ? s->raw_len - at : 3);
		snprintf(m->bad_reason, sizeof(m->bad_reason),
			 "\"%s\" at byte %zu is not a %% followed by two hex digits", esc, at + 1);
		break;
	case URI_NUL:
		snprintf(m->bad_reason, sizeof(m->bad_reason),
			 "%%00 at byte %zu decodes to a NUL byte, which no id can hold", at + 1);
		break;
	default:
		snprintf(m->bad_reason, sizeof(m->bad_reason),
			 "it decodes to bytes that are not UTF-8");
		break;
	}
}

/* The first segment that did not decode, or n. */
static size_t first_bad(const struct segment *seg, size_t n)
{
	size_t i = 0;
	while (i < n && !seg[i].error)
		i++;
	return i;
}

/* Points m->params at the decoded captures of route r; -1 when it has
 * more than HTTP_MAX_PARAMS. */
static int take_params(const struct http_route *r, const struct segment *seg, size_t n,
		       struct route_match *m)
{
	const char *pseg[MAX_SEGMENTS];
	size_t plen[MAX_SEGMENTS];
	split(r->pattern, pseg, plen);
	for (size_t i = 0; i < n; i++) {
		if (pseg[i][0] != '{')
			continue;
		if (m->param_count == HTTP_MAX_PARAMS)
			return -1;
		m->params[m->param_count++] = seg[i].text;
	}
	return 0;
}

/* HEAD is GET without the body (RFC 9110 9.3.2): a GET route serves it,
 * and libmicrohttpd leaves the body out of the answer. */
static bool method_serves(const char *route_method, const char *method)
{
	return strcmp(route_method, method) == 0 ||
	       (strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

enum route_result router_match(const void *table, size_t count, size_t stride, const char *method,
			       const char *path, struct route_match *m)
{
	struct segment seg[MAX_SEGMENTS];
	m->param_count = 0;
	m->allow[0] = '\0';
	m->bad_position = 0;
	size_t n = decode_path(path, seg, m);
	if (n > MAX_SEGMENTS)
		return ROUTE_NOT_FOUND;
	/* The best-scoring pattern decides which resource this is; then the method. */
	int best = -1;
	size_t best_at = 0;
	for (size_t i = 0; i < count; i++) {
		int s = match_score(route_at(table, stride, i)->pattern, seg, n);
		if (s > best) {
			best = s;
			best_at = i;
		}
	}
	size_t bad = first_bad(seg, n);
	if (bad < n) {
		describe_bad(&seg[bad], bad,
			     best < 0 ? NULL : route_at(table, stride, best_at)->pattern, m);
		return ROUTE_BAD_SEGMENT;
	}
	if (best < 0)
		return ROUTE_NOT_FOUND;
	size_t used = 0;
	bool found = false;
	for (size_t i = 0; i < count; i++) {
		const struct http_route *r = route_at(table, stride, i);
		if (match_score(r->pattern, seg, n) != best)
			continue;
		if (method_serves(r->method, method) && !found) {
			found = true;
			m->index = i;
		}
		bool get = strcmp(r->method, "GET") == 0;
		int w = snprintf(m->allow + used, sizeof(m->allow) - used, "%s%s%s",
				 used ? ", " : "", r->method, get ? ", HEAD" : "");
		if (w > 0 && (size_t)w < sizeof(m->allow) - used)
			used += (size_t)w;
	}
	if (!found)
		return ROUTE_WRONG_METHOD;
	if (take_params(route_at(table, stride, m->index), seg, n, m))
		return ROUTE_NOT_FOUND;
	return ROUTE_FOUND;
}

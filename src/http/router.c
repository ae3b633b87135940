/* Segment-by-segment matching; the best route is the one whose first
 * difference from the others is a literal match. */
#include "http/router.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define MAX_SEGMENTS 12

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

/* Returns a score (literal matches count more) or -1 when it does not match. */
static int match_score(const char *pattern, const char *const *seg, const size_t *len, size_t n)
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
		if (plen[i] != len[i] || memcmp(pseg[i], seg[i], len[i]) != 0)
			return -1;
		score = score * 2 + 1;
	}
	return score;
}

enum route_result router_match(const void *table, size_t count, size_t stride, const char *method,
			       const char *path, size_t *index, const char *params[HTTP_MAX_PARAMS],
			       size_t *param_count, char *scratch, size_t scratch_size, char *allow,
			       size_t allow_size)
{
	const char *seg[MAX_SEGMENTS];
	size_t len[MAX_SEGMENTS];
	size_t n = split(path, seg, len);
	*param_count = 0;
	allow[0] = '\0';
	if (n > MAX_SEGMENTS)
		return ROUTE_NOT_FOUND;
	/* The best-scoring pattern decides which resource this is; then the method. */
	int best = -1;
	for (size_t i = 0; i < count; i++) {
		const struct http_route *r = (const void *)((const char *)table + i * stride);
		int s = match_score(r->pattern, seg, len, n);
		if (s > best)
			best = s;
	}
	if (best < 0)
		return ROUTE_NOT_FOUND;
	size_t used = 0;
	bool found = false;
	for (size_t i = 0; i < count; i++) {
		const struct http_route *r = (const void *)((const char *)table + i * stride);
		if (match_score(r->pattern, seg, len, n) != best)
			continue;
		if (strcmp(r->method, method) == 0 && !found) {
			found = true;
			*index = i;
		}
		int w = snprintf(allow + used, allow_size - used, "%s%s", used ? ", " : "",
				 r->method);
		if (w > 0 && (size_t)w < allow_size - used)
			used += (size_t)w;
	}
	if (!found)
		return ROUTE_WRONG_METHOD;
	const struct http_route *r = (const void *)((const char *)table + *index * stride);
	const char *pseg[MAX_SEGMENTS];
	size_t plen[MAX_SEGMENTS];
	split(r->pattern, pseg, plen);
	size_t off = 0;
	for (size_t i = 0; i < n; i++) {
		if (pseg[i][0] != '{')
			continue;
		if (*param_count == HTTP_MAX_PARAMS || off + len[i] + 1 > scratch_size)
			return ROUTE_NOT_FOUND;
		memcpy(scratch + off, seg[i], len[i]);
		scratch[off + len[i]] = '\0';
		params[(*param_count)++] = scratch + off;
		off += len[i] + 1;
	}
	return ROUTE_FOUND;
}

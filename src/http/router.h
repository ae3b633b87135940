/* Matches a method and path against a route table. Patterns are literal
 * segments and {captures}; a literal segment wins over a capture, so
 * ".../divisionviews" is never taken for ".../{id}". */
#ifndef DIALBOOK_ROUTER_H
#define DIALBOOK_ROUTER_H

#include <stddef.h>

#include "http/http.h"

struct http_route {
	const char *method;
	const char *pattern;
};

enum route_result { ROUTE_FOUND = 0, ROUTE_NOT_FOUND = 404, ROUTE_WRONG_METHOD = 405 };

/* Routes are `stride` bytes apart, each starting with a struct http_route,
 * so callers keep their own route type. On ROUTE_FOUND, *index is the
 * route, captures are copied into `scratch` and pointed to by params. On
 * ROUTE_WRONG_METHOD, `allow` lists the methods the path has. */
enum route_result router_match(const void *table, size_t count, size_t stride, const char *method,
			       const char *path, size_t *index, const char *params[HTTP_MAX_PARAMS],
			       size_t *param_count, char *scratch, size_t scratch_size, char *allow,
			       size_t allow_size);

#endif

/* Matches a method and path against a route table. The path is the raw
 * request target (still percent-encoded): it is split on '/' first and each
 * segment decoded once, so a contact id "a/b" arrives as the one segment
 * "a%2Fb". Patterns are literal segments and {captures}; a literal segment
 * wins over a capture, so ".../divisionviews" is never taken for ".../{id}". */
#ifndef DIALBOOK_ROUTER_H
#define DIALBOOK_ROUTER_H

#include <stddef.h>

#include "http/http.h"

/* Bytes for the decoded segments of one path. A contact id (256 characters
 * of up to 4 UTF-8 bytes) and the rest of the longest route fit; a longer
 * path is no path of a route. */
#define ROUTER_SCRATCH 4096

struct http_route {
	const char *method;
	const char *pattern;
};

enum route_result {
	ROUTE_FOUND = 0,
	ROUTE_BAD_SEGMENT = 400,
	ROUTE_NOT_FOUND = 404,
	ROUTE_WRONG_METHOD = 405,
};

struct route_match {
	size_t index;			     /* ROUTE_FOUND: the route */
	const char *params[HTTP_MAX_PARAMS]; /* ROUTE_FOUND: decoded captures */
	size_t param_count;
	char allow[64]; /* ROUTE_WRONG_METHOD: the methods the path has */
	/* ROUTE_BAD_SEGMENT, for the first segment that does not decode: its
	 * position (1-based), the name of the capture it stands for in the
	 * best-matching route ("" when none), its raw text (bytes outside
	 * printable ASCII as %XX, cut at 64 bytes) and what is wrong. */
	size_t bad_position;
	char bad_name[32];
	char bad_text[200];
	char bad_reason[96];
	char scratch[ROUTER_SCRATCH]; /* the decoded segments; params point here */
};

/* Routes are `stride` bytes apart, each starting with a struct http_route,
 * so callers keep their own route type. A segment whose percent-encoding is
 * malformed, or decodes to a NUL byte or to invalid UTF-8, is
 * ROUTE_BAD_SEGMENT whatever the method and routes. */
enum route_result router_match(const void *table, size_t count, size_t stride, const char *method,
			       const char *path, struct route_match *m);

#endif

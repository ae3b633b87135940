/* Response and query helpers shared by the HTTP layer and handlers. */
#include "http/http.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

void http_response_header(struct http_response *r, const char *name, const char *fmt, ...)
{
	if (r->header_count == HTTP_MAX_HEADERS)
		return;
	struct http_header *h = &r->headers[r->header_count++];
	snprintf(h->name, sizeof(h->name), "%s", name);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(h->value, sizeof(h->value), fmt, ap);
	va_end(ap);
}

void http_response_release(struct http_response *r)
{
	json_decref(r->json);
	free(r->raw);
	if (r->fd_used)
		close(r->fd);
	memset(r, 0, sizeof(*r));
}

const char *http_query_get(const struct http_request *req, const char *name)
{
	for (size_t i = 0; i < req->query_count; i++)
		if (strcmp(req->query[i].key, name) == 0)
			return req->query[i].value;
	return NULL;
}

const char *http_bearer_token(const struct http_request *req)
{
	const char *h = req->header ? req->header(req, "Authorization") : NULL;
	if (!h || strncasecmp(h, "Bearer", 6) != 0 || (h[6] != ' ' && h[6] != '\t'))
		return NULL;
	h += 6;
	while (*h == ' ' || *h == '\t')
		h++;
	return *h ? h : NULL;
}

/* libFuzzer driver: the pieces of HTTP dialbook parses itself, on any
 * bytes: the router (method and raw path), the urlencoded form of token
 * requests. Nothing may crash; matches must point inside their scratch. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "common/text.h"
#include "http/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	/* Router: the first line is the method, the rest the path. */
	char *nl = strchr(text, '\n');
	const char *method = "GET", *path = text;
	if (nl) {
		*nl = '\0';
		method = text;
		path = nl + 1;
	}
	static struct route_match m;
	enum route_result rr =
		router_match(api_routes, api_route_count, sizeof(api_routes[0]), method, path, &m);
	if (rr == ROUTE_FOUND) {
		if (m.index >= api_route_count || m.param_count > HTTP_MAX_PARAMS)
			abort();
		/* Each capture was decoded once, in the scratch, to valid UTF-8. */
		for (size_t i = 0; i < m.param_count; i++) {
			const char *p = m.params[i];
			if (p < m.scratch || p >= m.scratch + sizeof(m.scratch) ||
			    !memchr(p, '\0', (size_t)(m.scratch + sizeof(m.scratch) - p)) ||
			    utf8_count(p, strlen(p)) < 0)
				abort();
		}
	} else if (rr == ROUTE_BAD_SEGMENT) {
		/* The error message shows the segment: it must be JSON-safe text. */
		if (m.bad_position == 0 || utf8_count(m.bad_text, strlen(m.bad_text)) < 0 ||
		    strlen(m.bad_text) >= sizeof(m.bad_text))
			abort();
	}
	/* Form decoding of the same bytes. */
	struct form f;
	char err[128];
	if (form_parse((const char *)data, size, &f, err, sizeof(err)) == 0)
		for (size_t i = 0; i < f.count; i++)
			if (!f.keys[i] || !f.values[i])
				abort();
	form_release(&f);
	free(text);
	return 0;
}

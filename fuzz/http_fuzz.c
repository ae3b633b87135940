/* libFuzzer driver: the pieces of HTTP dialbook parses itself, on any
 * bytes: the router (method and path), the urlencoded form of token
 * requests. Nothing may crash; matches must point inside their scratch. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
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
	size_t index, count;
	const char *params[HTTP_MAX_PARAMS];
	char scratch[512], allow[64];
	if (router_match(api_routes, api_route_count, sizeof(api_routes[0]), method, path, &index,
			 params, &count, scratch, sizeof(scratch), allow,
			 sizeof(allow)) == ROUTE_FOUND) {
		if (index >= api_route_count || count > HTTP_MAX_PARAMS)
			abort();
		for (size_t i = 0; i < count; i++)
			if (params[i] < scratch || params[i] >= scratch + sizeof(scratch))
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

/* A strict urlencoded decoder: anything it cannot decode exactly is an
 * error, not a guess. */
#include "http/form.h"
#include "common/uri.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decodes s[0..len) into out (in place is fine); returns the length or -1. */
static long decode(const char *s, size_t len, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%') {
			if (i + 2 >= len)
				return -1;
			int hi = uri_hex_value(s[i + 1]), lo = uri_hex_value(s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			char c = (char)(hi * 16 + lo);
			if (c == '\0')
				return -1;
			out[o++] = c;
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return (long)o;
}

int form_parse(const char *body, size_t len, struct form *out, char *err, size_t err_size)
{
	memset(out, 0, sizeof(*out));
	out->buf = malloc(len + 1);
	if (!out->buf)
		abort();
	if (memchr(body, '\0', len)) {
		snprintf(err, err_size, "the form body contains a NUL byte");
		return -1;
	}
	memcpy(out->buf, body, len);
	out->buf[len] = '\0';
	char *save = NULL;
	for (char *pair = strtok_r(out->buf, "&", &save); pair; pair = strtok_r(NULL, "&", &save)) {
		if (out->count == FORM_MAX_FIELDS) {
			snprintf(err, err_size, "the form has more than %d fields",
				 FORM_MAX_FIELDS);
			return -1;
		}
		char *eq = strchr(pair, '=');
		char *value = eq ? eq + 1 : pair + strlen(pair);
		size_t key_len = eq ? (size_t)(eq - pair) : strlen(pair);
		if (decode(pair, key_len, pair) < 0 || decode(value, strlen(value), value) < 0) {
			snprintf(err, err_size, "form field %zu has a malformed %%-escape",
				 out->count + 1);
			return -1;
		}
		out->keys[out->count] = pair;
		out->values[out->count] = value;
		out->count++;
	}
	return 0;
}

const char *form_get(const struct form *f, const char *key, int *repeated)
{
	const char *found = NULL;
	if (repeated)
		*repeated = 0;
	for (size_t i = 0; i < f->count; i++) {
		if (strcmp(f->keys[i], key) != 0)
			continue;
		if (found && repeated)
			*repeated = 1;
		if (!found)
			found = f->values[i];
	}
	return found;
}

void form_release(struct form *f)
{
	free(f->buf);
	memset(f, 0, sizeof(*f));
}

/* application/x-www-form-urlencoded bodies (the OAuth token request). */
#ifndef DIALBOOK_FORM_H
#define DIALBOOK_FORM_H

#include <stddef.h>

#define FORM_MAX_FIELDS 16

struct form {
	char *buf; /* decoded keys and values live here */
	const char *keys[FORM_MAX_FIELDS];
	const char *values[FORM_MAX_FIELDS];
	size_t count;
};

/* Decodes `body`. Returns 0, or -1 with a reason in err (bad %-escape,
 * too many fields, a NUL byte). */
int form_parse(const char *body, size_t len, struct form *out, char *err, size_t err_size);
/* The value of a field, or NULL; *repeated set when the field came twice. */
const char *form_get(const struct form *f, const char *key, int *repeated);
void form_release(struct form *f);

#endif

/* A growable byte buffer, and JSON text written straight into it: for
 * responses of a thousand contacts, building jansson objects first costs
 * more than the rest of the request. */
#ifndef DIALBOOK_STRBUF_H
#define DIALBOOK_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *data; /* NUL-terminated once anything was added */
	size_t len, cap;
};

void strbuf_add(struct strbuf *b, const char *s, size_t len);
void strbuf_adds(struct strbuf *b, const char *s);
void strbuf_addc(struct strbuf *b, char c);
/* s[0..len) as a JSON string, quotes included. s must be valid UTF-8. */
void strbuf_add_json_string(struct strbuf *b, const char *s, size_t len);
/* Hands the bytes over (the caller frees them) and empties the buffer. */
char *strbuf_detach(struct strbuf *b, size_t *len);
void strbuf_release(struct strbuf *b);

#endif

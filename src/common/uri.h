/* Percent-encoding of one URI path segment (RFC 3986). The server's
 * selfUri writer and its router share these two functions, so an id
 * written into a URI is read back as the same bytes. */
#ifndef DIALBOOK_URI_H
#define DIALBOOK_URI_H

#include <stddef.h>

struct strbuf;

enum uri_error {
	URI_OK = 0,
	URI_BAD_ESCAPE, /* a '%' not followed by two hex digits */
	URI_NUL,	/* %00: no C string can hold it */
	URI_NOT_UTF8,	/* the decoded bytes are not UTF-8 */
};

/* The value of a hexadecimal digit (either case), or -1. */
int uri_hex_value(char c);

/* Appends s[0..len) with every byte outside A-Za-z0-9-._~ written as %XX. */
void uri_segment_encode(struct strbuf *out, const char *s, size_t len);

/* Decodes raw[0..len) once into out, which has room for len + 1 bytes, and
 * NUL-terminates it; '+' stays '+' (that rule is for query strings). On an
 * error, *at (may be NULL) is the offset in raw of the bad escape, or 0
 * for URI_NOT_UTF8. */
enum uri_error uri_segment_decode(const char *raw, size_t len, char *out, size_t *out_len,
				  size_t *at);

#endif

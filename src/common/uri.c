/* One segment at a time: splitting on '/' happens before decoding, so an
 * encoded "%2F" stays inside its segment. */
#include "common/uri.h"
#include "common/strbuf.h"
#include "common/text.h"

#include <stdbool.h>

static bool unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

int uri_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void uri_segment_encode(struct strbuf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	/* "." and ".." are dot-segments (RFC 3986 5.2.4): clients remove them
	 * before sending, so `contacts/..` would address the list. Encoded,
	 * they are plain data. */
	bool dots = (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (unreserved(c) && !dots) {
			strbuf_addc(out, (char)c);
			continue;
		}
		char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
		strbuf_add(out, esc, sizeof(esc));
	}
}

enum uri_error uri_segment_decode(const char *raw, size_t len, char *out, size_t *out_len,
				  size_t *at)
{
	size_t o = 0;
	enum uri_error rc = URI_OK;
	for (size_t i = 0; i < len; i++) {
		if (raw[i] != '%') {
			out[o++] = raw[i];
			continue;
		}
		int hi = i + 1 < len ? uri_hex_value(raw[i + 1]) : -1;
		int lo = i + 2 < len ? uri_hex_value(raw[i + 2]) : -1;
		if (hi < 0 || lo < 0 || hi * 16 + lo == 0) {
			rc = hi < 0 || lo < 0 ? URI_BAD_ESCAPE : URI_NUL;
			if (at)
				*at = i;
			goto out;
		}
		out[o++] = (char)(hi * 16 + lo);
		i += 2;
	}
	if (utf8_count(out, o) < 0) {
		rc = URI_NOT_UTF8;
		if (at)
			*at = 0;
	}
out:
	out[o] = '\0';
	*out_len = o;
	return rc;
}

/* Doubling growth; abort on out-of-memory like the rest of dialbook. */
#include "common/strbuf.h"

#include <stdlib.h>
#include <string.h>

static void grow(struct strbuf *b, size_t more)
{
	if (b->len + more + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1)
		cap *= 2;
	b->data = realloc(b->data, cap);
	if (!b->data)
		abort();
	b->cap = cap;
}

void strbuf_add(struct strbuf *b, const char *s, size_t len)
{
	grow(b, len);
	memcpy(b->data + b->len, s, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void strbuf_adds(struct strbuf *b, const char *s)
{
	strbuf_add(b, s, strlen(s));
}

void strbuf_addc(struct strbuf *b, char c)
{
	grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

void strbuf_add_json_string(struct strbuf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	grow(b, len + 2);
	strbuf_addc(b, '"');
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		strbuf_add(b, s + start, i - start);
		char esc[7] = {'\\', 0};
		switch (c) {
		case '"':
		case '\\':
			esc[1] = (char)c;
			strbuf_add(b, esc, 2);
			break;
		case '\n':
			strbuf_add(b, "\\n", 2);
			break;
		case '\r':
			strbuf_add(b, "\\r", 2);
			break;
		case '\t':
			strbuf_add(b, "\\t", 2);
			break;
		default:
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			strbuf_add(b, esc, 6);
		}
		start = i + 1;
	}
	strbuf_add(b, s + start, len - start);
	strbuf_addc(b, '"');
}

char *strbuf_detach(struct strbuf *b, size_t *len)
{
	char *out = b->data ? b->data : calloc(1, 1);
	if (!out)
		abort();
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return out;
}

void strbuf_release(struct strbuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

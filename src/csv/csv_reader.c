/* The reader works in two passes over a record held whole in its buffer:
 * the first finds field boundaries (and restarts from the record's start
 * when the buffer runs dry, so it never has to resume mid-state); the
 * second computes columns, unescapes quoted fields in place and checks
 * UTF-8. Records are small next to the buffer, so restarts are rare. */
#include "csv/csv_reader.h"
#include "common/text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INITIAL_BUFFER (256u << 10)

struct span {
	size_t start, end; /* raw bytes, quotes included */
	size_t line_start; /* offset where the field's line begins */
	unsigned long line;
	bool quoted;
};

struct csv_reader {
	csv_read_fn read;
	void *ctx;
	char *buf;
	size_t cap, start, end;
	bool eof, failed, bom_checked, had_bom;
	unsigned long line; /* line number at `start` */
	unsigned long long consumed;
	struct span *spans;
	struct csv_field *fields;
	size_t spans_cap;
};

enum scan_result { SCAN_DONE, SCAN_MORE, SCAN_BAD, SCAN_FATAL };

struct csv_reader *csv_reader_new(csv_read_fn read, void *ctx)
{
	struct csv_reader *r = calloc(1, sizeof(*r));
	if (!r)
		abort();
	r->read = read;
	r->ctx = ctx;
	r->cap = INITIAL_BUFFER;
	r->buf = malloc(r->cap);
	r->spans_cap = 64;
	r->spans = malloc(r->spans_cap * sizeof(*r->spans));
	r->fields = malloc(r->spans_cap * sizeof(*r->fields));
	if (!r->buf || !r->spans || !r->fields)
		abort();
	r->line = 1;
	return r;
}

void csv_reader_free(struct csv_reader *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r->spans);
	free(r->fields);
	free(r);
}

bool csv_reader_failed(const struct csv_reader *r)
{
	return r->failed;
}

unsigned long long csv_reader_offset(const struct csv_reader *r)
{
	return r->consumed;
}

bool csv_reader_had_bom(const struct csv_reader *r)
{
	return r->had_bom;
}

static void set_error(struct csv_error *err, unsigned long line, unsigned long column,
		      const char *msg)
{
	err->line = line;
	err->column = column;
	snprintf(err->message, sizeof(err->message), "%s", msg);
}

/* Reads more input; returns 0, or -1 when the buffer cannot grow (the
 * record is too long) or the read failed. */
static int fill(struct csv_reader *r, struct csv_error *err)
{
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end == r->cap) {
		if (r->cap >= CSV_MAX_RECORD) {
			set_error(err, r->line, 1,
				  "a record is longer than 16 MiB (an unbalanced quote?)");
			return -1;
		}
		r->cap *= 2;
		r->buf = realloc(r->buf, r->cap);
		if (!r->buf)
			abort();
	}
	ssize_t n = r->read(r->ctx, r->buf + r->end, r->cap - r->end);
	if (n < 0) {
		set_error(err, r->line, 1, "reading the input failed");
		return -1;
	}
	if (n == 0)
		r->eof = true;
	r->end += (size_t)n;
	return 0;
}

static bool push_span(struct csv_reader *r, size_t *count)
{
	if (*count == CSV_MAX_FIELDS)
		return false;
	if (*count == r->spans_cap) {
		r->spans_cap *= 2;
		r->spans = realloc(r->spans, r->spans_cap * sizeof(*r->spans));
		r->fields = realloc(r->fields, r->spans_cap * sizeof(*r->fields));
		if (!r->spans || !r->fields)
			abort();
	}
	(*count)++;
	return true;
}

/* Byte classes for the unquoted fast path: 1 = a byte that ends or breaks a field. */
static const unsigned char stops[256] = {[','] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1};

static unsigned long chars_between(const char *a, const char *b)
{
	unsigned long n = 0;
	for (; a < b; a++)
		n += ((unsigned char)*a & 0xC0) != 0x80;
	return n;
}

/* Finds the end of the record starting at r->start. On SCAN_DONE, *next is
 * where the following record starts and *count the fields. On SCAN_BAD,
 * *next is past the end of the offending line. */
static enum scan_result scan(struct csv_reader *r, size_t *next, size_t *count,
			     unsigned long *line_out, struct csv_error *err)
{
	const char *b = r->buf, *p = b + r->start, *e = b + r->end;
	unsigned long line = r->line;
	size_t line_start = r->start;
	bool at_eof = r->eof;
	*count = 0;
	if (p < e && (*p == '\n' || *p == '\r')) { /* a blank line */
		if (*p == '\r' && p + 1 == e && !at_eof)
			return SCAN_MORE;
		p += (*p == '\r' && p + 1 < e && p[1] == '\n') ? 2 : 1;
		*next = (size_t)(p - b);
		*line_out = line + 1;
		return SCAN_DONE;
	}
	for (;;) {
		if (!push_span(r, count)) {
			set_error(err, line, 1, "a record has more than 4096 fields");
			goto bad_line;
		}
		struct span *s = &r->spans[*count - 1];
		s->start = (size_t)(p - b);
		s->line = line;
		s->line_start = line_start;
		s->quoted = p < e && *p == '"';
		if (s->quoted) {
			const char *q = p + 1;
			for (;;) {
				const char *quote = memchr(q, '"', (size_t)(e - q));
				const char *stop = quote ? quote : e;
				for (const char *nl = memchr(q, '\n', (size_t)(stop - q)); nl;
				     nl = memchr(nl + 1, '\n', (size_t)(stop - nl - 1))) {
					line++;
					line_start = (size_t)(nl + 1 - b);
				}
				if (!quote) {
					if (!at_eof)
						return SCAN_MORE;
					set_error(
						err, s->line,
						1 + chars_between(b + s->line_start, b + s->start),
						"unterminated quoted field: the quote opened here "
						"is "
						"never closed");
					return SCAN_FATAL;
				}
				if (quote + 1 == e && !at_eof)
					return SCAN_MORE;
				if (quote + 1 < e && quote[1] == '"') {
					q = quote + 2;
					continue;
				}
				p = quote + 1;
				break;
			}
			s->end = (size_t)(p - b);
			if (p < e && *p != ',' && *p != '\n' && *p != '\r') {
				set_error(err, line, 1 + chars_between(b + line_start, p),
					  "unexpected character after a closing quote; a quoted "
					  "field must end at its closing quote");
				goto bad_line;
			}
		} else {
			while (p < e && !stops[(unsigned char)*p])
				p++;
			if (p < e && *p == '"') {
				set_error(err, line, 1 + chars_between(b + line_start, p),
					  "a quote inside an unquoted field; quote the whole field "
					  "and double the quote (\"\")");
				goto bad_line;
			}
			s->end = (size_t)(p - b);
		}
		if (p == e) {
			if (!at_eof)
				return SCAN_MORE;
			*next = (size_t)(p - b);
			*line_out = line + 1;
			return SCAN_DONE;
		}
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '\r' && p + 1 == e && !at_eof)
			return SCAN_MORE;
		p += (*p == '\r' && p + 1 < e && p[1] == '\n') ? 2 : 1;
		*next = (size_t)(p - b);
		*line_out = line + 1;
		return SCAN_DONE;
	}
bad_line : {
	/* Skip to the end of the physical line and go on from there. */
	const char *nl = memchr(p, '\n', (size_t)(e - p));
	if (!nl && !at_eof)
		return SCAN_MORE;
	*next = nl ? (size_t)(nl + 1 - b) : (size_t)(e - b);
	*line_out = line + 1;
	return SCAN_BAD;
}
}

/* Offset of the first invalid UTF-8 byte in s[0..len), or len when valid. */
static size_t utf8_invalid_at(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		/* Fast path: eight ASCII bytes at a time. */
		if (i + 8 <= len) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (!(w & 0x8080808080808080ull)) {
				i += 8;
				continue;
			}
		}
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		size_t rest = len - i < 4 ? len - i : 4;
		size_t seq = 1;
		while (seq < rest && ((unsigned char)s[i + seq] & 0xC0) == 0x80)
			seq++;
		if (utf8_count(s + i, seq) != 1)
			return i;
		i += seq;
	}
	return len;
}

/* Second pass: columns, unescaping, UTF-8. Returns 0, or -1 with err set. */
static int finish(struct csv_reader *r, size_t count, struct csv_error *err)
{
	char *b = r->buf;
	/* Columns are counted on from the previous field of the same line,
	 * so a record costs one pass, not one per field. */
	size_t from = SIZE_MAX;
	unsigned long column = 1;
	for (size_t i = 0; i < count; i++) {
		struct span *s = &r->spans[i];
		struct csv_field *f = &r->fields[i];
		f->line = s->line;
		if (from == SIZE_MAX || s->line_start > from) {
			from = s->line_start;
			column = 1;
		}
		column += chars_between(b + from, b + s->start);
		from = s->start;
		f->column = column;
		f->quoted = s->quoted;
		char *data = b + s->start + (s->quoted ? 1 : 0);
		size_t len = s->end - s->start - (s->quoted ? 2 : 0);
		size_t bad = utf8_invalid_at(data, len);
		if (bad < len) {
			/* Position of the bad byte, on its own line. */
			unsigned long line = s->line;
			const char *ls = b + s->line_start;
			for (const char *c = data; c < data + bad; c++)
				if (*c == '\n') {
					line++;
					ls = c + 1;
				}
			set_error(err, line, 1 + chars_between(ls, data + bad),
				  "invalid UTF-8 (the file must be UTF-8; is it Latin-1 or "
				  "Windows-1252?)");
			return -1;
		}
		if (s->quoted) {
			size_t o = 0;
			for (size_t k = 0; k < len; k++) {
				data[o++] = data[k];
				if (data[k] == '"')
					k++; /* the second quote of a "" pair */
			}
			len = o;
		}
		f->data = data;
		f->len = len;
	}
	return 0;
}

int csv_reader_next(struct csv_reader *r, struct csv_record *out, struct csv_error *err)
{
	if (r->failed)
		return 0;
	memset(out, 0, sizeof(*out));
	for (;;) {
		if (!r->bom_checked) {
			if (r->end - r->start < 3 && !r->eof) {
				if (fill(r, err))
					goto fatal;
				continue;
			}
			r->bom_checked = true;
			if (r->end - r->start >= 3 &&
			    memcmp(r->buf + r->start, "\xEF\xBB\xBF", 3) == 0) {
				r->start += 3;
				r->had_bom = true;
			}
		}
		if (r->start == r->end) {
			if (r->eof)
				return 0;
			if (fill(r, err))
				goto fatal;
			continue;
		}
		size_t next = 0, count = 0;
		unsigned long next_line = r->line;
		enum scan_result res = scan(r, &next, &count, &next_line, err);
		if (res == SCAN_MORE) {
			if (fill(r, err))
				goto fatal;
			continue;
		}
		if (res == SCAN_FATAL)
			goto fatal;
		unsigned long first = r->line;
		size_t begin = r->start;
		r->consumed += next - begin;
		r->line = next_line;
		r->start = next;
		if (res == SCAN_BAD)
			return -1;
		out->line = first;
		out->lines = next_line - first;
		if (count == 0) {
			out->blank = true;
			return 1;
		}
		if (finish(r, count, err))
			return -1;
		out->fields = r->fields;
		out->count = count;
		return 1;
	}
fatal:
	r->failed = true;
	return -1;
}

/* The reference reader: each rule of csv_reader.h as a plain loop over
 * bytes. Slow on purpose; see csv_reference.h. */
#include "csv_reference.h"

#include <stdio.h>
#include <string.h>

#define SNIFF 64 /* bytes of the first line the encoding sniff looks at, at most */

void ref_reader_init(struct ref_reader *r, const char *data, size_t len)
{
	/* Not the fields: they are written before they are read, and clearing
	 * 4096 of them for every input would slow the fuzzer down. */
	r->data = data;
	r->len = len;
	r->pos = 0;
	r->line = 1;
	r->started = r->failed = r->had_bom = false;
	r->consumed = r->raw_offset = 0;
}

/* Characters (bytes that do not continue a UTF-8 sequence) in [a, b). */
static unsigned long chars(const unsigned char *d, size_t a, size_t b)
{
	unsigned long n = 0;
	for (size_t i = a; i < b; i++)
		if ((d[i] & 0xC0) != 0x80)
			n++;
	return n;
}

/* Length of the valid UTF-8 sequence starting with the byte >= 0x80 at s,
 * with avail bytes left, or 0: no overlong forms, no surrogates, nothing
 * past U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
	size_t need;
	unsigned lo = 0x80, hi = 0xBF; /* the second byte's range */
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		need = 2;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		need = 3;
		if (s[0] == 0xE0)
			lo = 0xA0;
		if (s[0] == 0xED)
			hi = 0x9F;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		need = 4;
		if (s[0] == 0xF0)
			lo = 0x90;
		if (s[0] == 0xF4)
			hi = 0x8F;
	} else {
		return 0;
	}
	if (avail < need)
		return 0;
	for (size_t k = 1; k < need; k++)
		if ((s[k] & 0xC0) != 0x80)
			return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	return need;
}

static void error(struct ref_result *out, unsigned long line, unsigned long column,
		  const char *message)
{
	out->rc = -1;
	out->err_line = line;
	out->err_column = column;
	snprintf(out->message, sizeof(out->message), "%s", message);
}

static void utf8_error(struct ref_result *out, unsigned long line, unsigned long column,
		       unsigned char byte)
{
	if (byte == 0x81 || byte == 0x8D || byte == 0x8F || byte == 0x90 || byte == 0x9D) {
		char text[192];
		snprintf(text, sizeof(text),
			 "invalid UTF-8 (byte 0x%02X, not Windows-1252 either); the file must be "
			 "UTF-8: convert it (dialbook's CLI converts with --encoding NAME)",
			 byte);
		error(out, line, column, text);
	} else {
		error(out, line, column,
		      "invalid UTF-8 (the file must be UTF-8; is it Latin-1 or Windows-1252?)");
	}
}

/* Text of two bytes a character: NULs in at least a quarter of the bytes,
 * all on the side where ASCII's high byte goes (the first byte of a pair
 * when big-endian). */
static bool two_byte(const unsigned char *s, size_t n, bool be)
{
	size_t high = 0, low = 0;
	n -= n % 2;
	for (size_t i = 0; i < n; i += 2) {
		unsigned char first = s[i], second = s[i + 1];
		high += (be ? first : second) == 0;
		low += (be ? second : first) == 0;
	}
	return n >= 4 && low == 0 && high >= n / 4;
}

static bool starts(const unsigned char *s, size_t n, const char *prefix, size_t plen)
{
	return n >= plen && memcmp(s, prefix, plen) == 0;
}

/* Why text that starts with these n bytes is not UTF-8, or NULL. */
static const char *sniff(const unsigned char *s, size_t n)
{
	if (starts(s, n, "\xFF\xFE\0\0", 4))
		return "the file is UTF-32 LE (it starts with the byte order mark FF FE 00 00), "
		       "not "
		       "UTF-8: convert it to UTF-8 (dialbook's CLI converts with --encoding "
		       "utf-32)";
	if (starts(s, n, "\0\0\xFE\xFF", 4))
		return "the file is UTF-32 BE (it starts with the byte order mark 00 00 FE FF), "
		       "not "
		       "UTF-8: convert it to UTF-8 (dialbook's CLI converts with --encoding "
		       "utf-32)";
	if (starts(s, n, "\xFF\xFE", 2))
		return "the file is UTF-16 LE (it starts with the byte order mark FF FE), not "
		       "UTF-8: "
		       "convert it to UTF-8 (dialbook's CLI converts with --encoding utf-16)";
	if (starts(s, n, "\xFE\xFF", 2))
		return "the file is UTF-16 BE (it starts with the byte order mark FE FF), not "
		       "UTF-8: "
		       "convert it to UTF-8 (dialbook's CLI converts with --encoding utf-16)";
	if (two_byte(s, n, false))
		return "the file looks like UTF-16 LE (every other byte is NUL), not UTF-8: "
		       "convert "
		       "it to UTF-8 (dialbook's CLI converts with --encoding utf-16le)";
	if (two_byte(s, n, true))
		return "the file looks like UTF-16 BE (every other byte is NUL), not UTF-8: "
		       "convert "
		       "it to UTF-8 (dialbook's CLI converts with --encoding utf-16be)";
	return NULL;
}

/* The first call: a UTF-8 byte order mark is skipped; the first line (4
 * bytes at least, SNIFF at most) must not be UTF-16 or UTF-32. */
static bool open_input(struct ref_reader *r, struct ref_result *out)
{
	const unsigned char *d = (const unsigned char *)r->data;
	size_t window = SNIFF;
	for (size_t k = 0; k < r->len && k < SNIFF; k++)
		if (d[k] == '\n') {
			window = k + 1 < 4 ? 4 : k + 1;
			break;
		}
	if (window > r->len)
		window = r->len;
	if (starts(d, r->len, "\xEF\xBB\xBF", 3)) {
		r->had_bom = true;
		r->pos = 3;
	}
	const char *wide = sniff(d + r->pos, window - r->pos);
	if (wide) {
		error(out, 1, 1, wide);
		r->failed = true;
		return false;
	}
	return true;
}

/* The record's raw bytes [begin, end) without a final LF, then CR. */
static void keep_raw(struct ref_reader *r, struct ref_result *out, size_t begin, size_t end)
{
	if (end > begin && r->data[end - 1] == '\n')
		end--;
	if (end > begin && r->data[end - 1] == '\r')
		end--;
	out->has_raw = true;
	out->raw = r->data + begin;
	out->raw_len = end - begin;
	r->raw_offset = r->consumed;
}

/* Done with the bytes [begin, next): the next record starts a line after `line`. */
static void advance(struct ref_reader *r, size_t begin, size_t next, unsigned long line)
{
	r->consumed += next - begin;
	r->pos = next;
	r->line = line + 1;
}

static void read_record(struct ref_reader *r, struct ref_result *out)
{
	const unsigned char *d = (const unsigned char *)r->data;
	size_t len = r->len, begin = r->pos, p = begin, n = 0, next;
	size_t line_start = begin;
	unsigned long line = r->line;
	unsigned long long bom = r->had_bom ? 3 : 0;
	if (d[p] == '\n' || d[p] == '\r') { /* an empty line: no fields */
		next = p + (d[p] == '\r' && p + 1 < len && d[p + 1] == '\n' ? 2 : 1);
		goto record;
	}
	for (;;) {
		if (n == REF_MAX_FIELDS) {
			error(out, line, 1, "a record has more than 4096 fields");
			goto bad_line;
		}
		struct ref_field *f = &r->fields[n++];
		size_t start = p;
		f->raw = r->data + p;
		f->line = line;
		f->column = 1 + chars(d, line_start, p);
		f->offset = bom + r->consumed + (p - begin);
		f->quoted = p < len && d[p] == '"';
		if (f->quoted) {
			size_t field_line_start = line_start, q = p + 1;
			for (;;) { /* to the closing quote: one not followed by another */
				if (q == len) {
					error(out, f->line, f->column,
					      "unterminated quoted field: the quote opened here is "
					      "never closed");
					keep_raw(r, out, begin, len);
					r->failed = true;
					return;
				}
				if (d[q] == '\n') {
					line++;
					line_start = q + 1;
				} else if (d[q] == '"') {
					if (q + 1 < len && d[q + 1] == '"')
						q++;
					else
						break;
				}
				q++;
			}
			p = q + 1;
			f->raw_len = p - start;
			/* The text between the quotes must be UTF-8. */
			unsigned long at_line = f->line;
			size_t at_line_start = field_line_start;
			for (size_t i = start + 1; i < q;) {
				if (d[i] < 0x80) {
					if (d[i] == '\n') {
						at_line++;
						at_line_start = i + 1;
					}
					i++;
					continue;
				}
				size_t k = utf8_len(d + i, q - i);
				if (!k) {
					utf8_error(out, at_line, 1 + chars(d, at_line_start, i),
						   d[i]);
					goto bad_line;
				}
				i += k;
			}
			if (p < len && d[p] != ',' && d[p] != '\n' && d[p] != '\r') {
				error(out, line, 1 + chars(d, line_start, p),
				      "unexpected character after a closing quote; a quoted field "
				      "must end at its closing quote");
				goto bad_line;
			}
		} else {
			while (p < len && d[p] != ',' && d[p] != '"' && d[p] != '\r' &&
			       d[p] != '\n') {
				if (d[p] < 0x80) {
					p++;
					continue;
				}
				size_t k = utf8_len(d + p, len - p);
				if (!k) {
					utf8_error(out, line, 1 + chars(d, line_start, p), d[p]);
					goto bad_line;
				}
				p += k;
			}
			f->raw_len = p - start;
			if (p < len && d[p] == '"') {
				error(out, line, 1 + chars(d, line_start, p),
				      "a quote inside an unquoted field; quote the whole field and "
				      "double the quote (\"\")");
				goto bad_line;
			}
		}
		if (p == len) {
			next = len;
			break;
		}
		if (d[p] == ',') {
			p++;
			continue;
		}
		next = p + (d[p] == '\r' && p + 1 < len && d[p + 1] == '\n' ? 2 : 1);
		break;
	}
record:
	out->rc = 1;
	out->fields = r->fields;
	out->count = n;
	out->line = r->line;
	out->lines = line + 1 - r->line;
	out->blank = true; /* no field took a byte */
	for (size_t i = 0; i < n; i++)
		if (r->fields[i].raw_len > 0)
			out->blank = false;
	out->nul = n > 0 && memchr(r->data + begin, '\0', next - begin) != NULL;
	keep_raw(r, out, begin, next);
	advance(r, begin, next, line);
	return;
bad_line:
	/* The rest of the physical line goes with the bad record. */
	next = p;
	while (next < len && d[next] != '\n')
		next++;
	if (next < len)
		next++;
	keep_raw(r, out, begin, next);
	advance(r, begin, next, line);
}

void ref_reader_next(struct ref_reader *r, struct ref_result *out)
{
	memset(out, 0, sizeof(*out));
	if (!r->failed && !r->started) {
		r->started = true;
		open_input(r, out);
	}
	if (out->rc == 0 && !r->failed && r->pos < r->len)
		read_record(r, out);
	out->failed = r->failed;
	out->had_bom = r->had_bom;
	out->consumed = r->consumed;
	out->record_offset = (r->had_bom ? 3 : 0) + (out->has_raw ? r->raw_offset : r->consumed);
}

size_t ref_field_value(const struct ref_field *f, char *out)
{
	if (!f->quoted) {
		memcpy(out, f->raw, f->raw_len);
		return f->raw_len;
	}
	size_t n = 0;
	for (size_t i = 1; i + 1 < f->raw_len; i++) {
		out[n++] = f->raw[i];
		if (f->raw[i] == '"')
			i++; /* the second quote of a "" pair */
	}
	return n;
}

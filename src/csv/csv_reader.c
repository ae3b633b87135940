/* The reader works in two passes over a record held whole in its buffer:
 * the first finds field boundaries and checks UTF-8 (and restarts from the
 * record's start when the buffer runs dry, so it never resumes mid-state);
 * the second points the fields at their bytes, unescaping quoted fields
 * that hold doubled quotes into a side buffer. The raw bytes stay as read,
 * so columns can be counted later, only for the fields an error names.
 * Field boundaries come from a structural index of the buffer built 64
 * bytes at a time with SIMD compares (one bit a byte: what ends plain
 * content, and what matters inside quotes), kept for the block in hand so
 * that short fields cost a bit scan each, not a pass of their own. */
#include "csv/csv_reader.h"
#include "common/text.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define INITIAL_BUFFER (256u << 10)
/* Bytes looked at before the first record for a UTF-8 BOM, or for text
 * that is UTF-16 or UTF-32 instead of UTF-8. */
#define SNIFF_BYTES 64

/* The structural index of the 64-byte block of the buffer at `base`, valid
 * until the buffer moves or grows (fill): `stop` marks commas, quotes, CR,
 * LF and bytes >= 0x80, `inquote` quotes and LF. Bits at and past the end
 * of the data are set, so a search finds the end there. The scan keeps a
 * copy in a local: stores to fields could alias the reader's own. */
struct block_index {
	const char *buf;
	size_t end, base;
	uint64_t stop, inquote;
	bool valid;
};

struct csv_reader {
	csv_read_fn read;
	void *ctx;
	char *buf;
	size_t cap, start, end;
	bool eof, failed, bom_checked, had_bom;
	unsigned long line; /* line number at `start` */
	unsigned long long consumed;
	size_t *spans; /* where each field's raw bytes begin (its quote included) */
	struct csv_field *fields;
	size_t spans_cap;
	char *unescaped; /* quoted fields with "" pairs, unescaped */
	size_t unescaped_cap;
	size_t escaped; /* fields of the current record holding "" pairs */
	/* The last record's raw bytes in buf, line ending included, for
	 * csv_reader_last_raw. */
	size_t raw_start, raw_end;
	unsigned long long raw_offset; /* raw_start's offset in the input, after the BOM */
	bool has_raw;
	struct block_index ix; /* of the block last looked at; see fill */
};

enum scan_result { SCAN_DONE, SCAN_MORE, SCAN_BAD, SCAN_FATAL };

ssize_t csv_read_fd(void *ctx, char *buf, size_t size)
{
	ssize_t n;
	do
		n = read(*(int *)ctx, buf, size);
	while (n < 0 && errno == EINTR);
	return n;
}

struct csv_reader *csv_reader_new(csv_read_fn read, void *ctx)
{
	struct csv_reader *r = calloc(1, sizeof(*r));
	if (!r)
		abort();
	r->read = read;
	r->ctx = ctx;
	r->cap = INITIAL_BUFFER;
	r->buf = malloc(r->cap + 1); /* a NUL after the data: see fill */
	r->spans_cap = 64;
	r->spans = malloc(r->spans_cap * sizeof(*r->spans));
	r->fields = malloc(r->spans_cap * sizeof(*r->fields));
	if (!r->buf || !r->spans || !r->fields)
		abort();
	r->line = 1;
	r->buf[0] = '\0';
	return r;
}

void csv_reader_free(struct csv_reader *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r->spans);
	free(r->fields);
	free(r->unescaped);
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

/* The length of the raw record at buf[start, end) without its line ending. */
static size_t raw_length(const struct csv_reader *r, size_t start, size_t end)
{
	if (end > start && r->buf[end - 1] == '\n')
		end--;
	if (end > start && r->buf[end - 1] == '\r')
		end--;
	return end - start;
}

int csv_reader_last_raw(const struct csv_reader *r, const char **data, size_t *len)
{
	*data = r->has_raw ? r->buf + r->raw_start : NULL;
	*len = r->has_raw ? raw_length(r, r->raw_start, r->raw_end) : 0;
	return r->has_raw ? 0 : -1;
}

/* Notes bytes [start, end) of the buffer as the last record. */
static void keep_raw(struct csv_reader *r, size_t start, size_t end)
{
	r->raw_offset = r->consumed;
	r->raw_start = start;
	r->raw_end = end;
	r->has_raw = true;
}

static void set_error(struct csv_error *err, unsigned long line, unsigned long column,
		      const char *msg)
{
	err->line = line;
	err->column = column;
	snprintf(err->message, sizeof(err->message), "%s", msg);
}

/* The encodings dialbook recognises when text is not UTF-8, and what it
 * says about each. Messages name the CLI's flag as a fact about the CLI,
 * so they read right in a server import's report too. */
static const struct {
	const char *bom; /* the byte order mark, or NULL */
	size_t bom_len;
	const char *message;
} wide_encodings[] = {
	{"\xFF\xFE\0\0", 4,
	 "the file is UTF-32 LE (it starts with the byte order mark FF FE 00 00), not UTF-8: "
	 "convert it to UTF-8 (dialbook's CLI converts with --encoding utf-32)"},
	{"\0\0\xFE\xFF", 4,
	 "the file is UTF-32 BE (it starts with the byte order mark 00 00 FE FF), not UTF-8: "
	 "convert it to UTF-8 (dialbook's CLI converts with --encoding utf-32)"},
	{"\xFF\xFE", 2,
	 "the file is UTF-16 LE (it starts with the byte order mark FF FE), not UTF-8: convert "
	 "it to UTF-8 (dialbook's CLI converts with --encoding utf-16)"},
	{"\xFE\xFF", 2,
	 "the file is UTF-16 BE (it starts with the byte order mark FE FF), not UTF-8: convert "
	 "it to UTF-8 (dialbook's CLI converts with --encoding utf-16)"},
	{NULL, 0,
	 "the file looks like UTF-16 LE (every other byte is NUL), not UTF-8: convert it to "
	 "UTF-8 (dialbook's CLI converts with --encoding utf-16le)"},
	{NULL, 0,
	 "the file looks like UTF-16 BE (every other byte is NUL), not UTF-8: convert it to "
	 "UTF-8 (dialbook's CLI converts with --encoding utf-16be)"},
};

/* Whether the n bytes at s are text of two bytes a character, high byte
 * first (be) or second: NUL bytes, which a CSV file never holds, in at
 * least half of the pairs, all on the side where ASCII's high byte goes. */
static bool two_byte_text(const unsigned char *s, size_t n, bool be)
{
	size_t high = 0, low = 0;
	n &= ~(size_t)1;
	for (size_t i = 0; i < n; i += 2) {
		high += s[i + !be] == 0;
		low += s[i + be] == 0;
	}
	return n >= 4 && low == 0 && high >= n / 4;
}

/* Why the start of the input is UTF-16 or UTF-32 rather than UTF-8, or
 * NULL when it is not. */
static const char *sniff_wide(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t count = sizeof(wide_encodings) / sizeof(wide_encodings[0]);
	for (size_t i = 0; i < count; i++)
		if (wide_encodings[i].bom && n >= wide_encodings[i].bom_len &&
		    memcmp(s, wide_encodings[i].bom, wide_encodings[i].bom_len) == 0)
			return wide_encodings[i].message;
	if (two_byte_text(s, n, false))
		return wide_encodings[count - 2].message;
	if (two_byte_text(s, n, true))
		return wide_encodings[count - 1].message;
	return NULL;
}

/* How many bytes from the start sniff_wide looks at: the first line (a
 * byte order mark's worth at least), or SNIFF_BYTES when the first line is
 * longer, so that the first record does not wait on (nor fail with) reads
 * further on. Set by the data alone, never by how reads split it, so the
 * answer is the same for a file and a pipe. */
static size_t sniff_window(const char *p, size_t n)
{
	const char *nl = memchr(p, '\n', n < SNIFF_BYTES ? n : SNIFF_BYTES);
	if (!nl)
		return SNIFF_BYTES;
	size_t w = (size_t)(nl - p) + 1;
	return w < 4 ? 4 : w;
}

/* Invalid UTF-8 at a byte, with a guess of the encoding the file is in: a
 * byte Windows-1252 (and, but for its C1 controls, Latin-1) defines makes
 * that the likely one; the five bytes it leaves undefined point
 * elsewhere. The Windows-1252 wording is the one the golden reports hold. */
static void utf8_error(struct csv_error *err, unsigned long line, unsigned long column,
		       unsigned char byte)
{
	bool cp1252 = byte != 0x81 && byte != 0x8D && byte != 0x8F && byte != 0x90 && byte != 0x9D;
	err->line = line;
	err->column = column;
	if (cp1252)
		snprintf(err->message, sizeof(err->message),
			 "invalid UTF-8 (the file must be UTF-8; is it Latin-1 or Windows-1252?)");
	else
		snprintf(err->message, sizeof(err->message),
			 "invalid UTF-8 (byte 0x%02X, not Windows-1252 either); the file must be "
			 "UTF-8: convert it (dialbook's CLI converts with --encoding NAME)",
			 byte);
}

static unsigned long chars_between(const char *a, const char *b)
{
	unsigned long n = 0;
	for (; a < b; a++)
		n += ((unsigned char)*a & 0xC0) != 0x80;
	return n;
}

unsigned long csv_field_column(const struct csv_record *rec, size_t i)
{
	const struct csv_reader *r = rec->reader;
	if (!r || i >= rec->count)
		return 1;
	/* The field's line starts after the last line feed before it in its
	 * record (records start lines). */
	const char *start = r->buf + r->spans[i], *ls = start;
	while (ls > r->buf + r->raw_start && ls[-1] != '\n')
		ls--;
	return 1 + chars_between(ls, start);
}

unsigned long long csv_record_offset(const struct csv_reader *r)
{
	return (r->had_bom ? 3 : 0) + (r->has_raw ? r->raw_offset : r->consumed);
}

unsigned long long csv_field_offset(const struct csv_record *rec, size_t i)
{
	const struct csv_reader *r = rec->reader;
	if (!r || i >= rec->count || !r->has_raw)
		return r ? csv_record_offset(r) : 0;
	return csv_record_offset(r) + (r->spans[i] - r->raw_start);
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
		r->cap = r->cap ? r->cap * 2 : INITIAL_BUFFER;
		r->buf = realloc(r->buf, r->cap + 1);
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
	/* A NUL after the data: the scan reads the byte where it stops without
	 * asking whether it is the end first (a NUL is no delimiter). */
	r->buf[r->end] = '\0';
	r->ix.valid = false;
	return 0;
}

/* Room for more fields; false past CSV_MAX_FIELDS (a power of two, so
 * the capacity reaches it exactly). */
static bool more_spans(struct csv_reader *r)
{
	if (r->spans_cap >= CSV_MAX_FIELDS)
		return false;
	assert(r->spans_cap > 0); /* 64 from the start */
	r->spans_cap *= 2;
	r->spans = realloc(r->spans, r->spans_cap * sizeof(*r->spans));
	r->fields = realloc(r->fields, r->spans_cap * sizeof(*r->fields));
	if (!r->spans || !r->fields)
		abort();
	return true;
}

/* Length of a valid multi-byte UTF-8 sequence at p (before e), or 0:
 * no overlong forms, no surrogates, nothing past U+10FFFF. */
static size_t utf8_sequence(const char *p, const char *e)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t avail = (size_t)(e - p);
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		return avail >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		if (avail < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] > 0x9F))
			return 0;
		return 3;
	}
	if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		if (avail < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
		    (s[3] & 0xC0) != 0x80)
			return 0;
		if ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] > 0x8F))
			return 0;
		return 4;
	}
	return 0;
}

/* Offset of the first invalid UTF-8 byte in s[0..len), or len when valid. */
static size_t utf8_invalid_at(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		if (i + 8 <= len) { /* eight ASCII bytes at a time */
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
		size_t n = utf8_sequence(s + i, s + len);
		if (!n)
			return i;
		i += n;
	}
	return len;
}

#if defined(__SSE2__)
/* Bits of the 16 bytes at p: stop bytes (low 16) and in-quote bytes (high). */
static inline uint32_t classify16(const char *p)
{
	const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
		lf = _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'));
	__m128i inq = _mm_or_si128(quote, lf);
	__m128i stop = _mm_or_si128(inq, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(',')),
						      _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))));
	/* movemask of v itself flags bytes >= 0x80 (non-ASCII). */
	uint32_t st = (uint32_t)(_mm_movemask_epi8(stop) | _mm_movemask_epi8(v));
	return st | (uint32_t)_mm_movemask_epi8(inq) << 16;
}
#endif

/* The two masks of the 64 bytes at p. */
static inline void classify64(const char *p, uint64_t *stop_out, uint64_t *inquote_out)
{
	uint64_t stop = 0, inquote = 0;
#if defined(__SSE2__)
	for (unsigned k = 0; k < 4; k++) {
		uint32_t m = classify16(p + 16 * (size_t)k);
		stop |= (uint64_t)(m & 0xFFFF) << (16 * k);
		inquote |= (uint64_t)(m >> 16) << (16 * k);
	}
#else
	for (unsigned k = 0; k < 64; k++) {
		unsigned char c = (unsigned char)p[k];
		bool q = c == '"' || c == '\n';
		inquote |= (uint64_t)q << k;
		stop |= (uint64_t)(q || c == ',' || c == '\r' || c >= 0x80) << k;
	}
#endif
	*stop_out = stop;
	*inquote_out = inquote;
}

/* The last block, where the data ends: a copy is looked at, and every
 * bit from the end on is set. Apart, so the common path stays small. */
__attribute__((noinline)) static void index_tail(const char *p, size_t n, uint64_t *stop,
						 uint64_t *inquote)
{
	char tail[64] = {0};
	memcpy(tail, p, n);
	classify64(tail, stop, inquote);
	uint64_t past = ~(uint64_t)0 << n;
	*stop |= past;
	*inquote |= past;
}

/* The structural index of the block at base (a multiple of 64). */
static void index_block(struct block_index *ix, size_t base)
{
	if (ix->end >= base + 64)
		classify64(ix->buf + base, &ix->stop, &ix->inquote);
	else
		index_tail(ix->buf + base, ix->end > base ? ix->end - base : 0, &ix->stop,
			   &ix->inquote);
	ix->base = base;
	ix->valid = true;
}

/* The first byte at or after p (p <= the end of data) that its mask marks
 * in the index, or the end. */
static inline const char *next_marked(struct block_index *ix, const char *p, bool inquote)
{
	for (;;) {
		size_t off = (size_t)(p - ix->buf), base = off & ~(size_t)63;
		if (!ix->valid || ix->base != base)
			index_block(ix, base);
		uint64_t m = (inquote ? ix->inquote : ix->stop) >> (off - base);
		if (m)
			return p + __builtin_ctzll(m);
		p = ix->buf + base + 64;
	}
}

/* Finds the end of the record starting at r->start. On SCAN_DONE, *next is
 * where the following record starts and *count the fields. On SCAN_BAD,
 * *next is past the end of the offending line. */
static enum scan_result scan_record(struct csv_reader *r, struct block_index *ix, size_t *next,
				    size_t *count, unsigned long *line_out, struct csv_error *err)
{
	const char *b = r->buf, *p = b + r->start, *e = b + r->end;
	size_t *spans = r->spans;
	struct csv_field *fields = r->fields;
	unsigned long line = r->line;
	size_t line_start = r->start, n = 0;
	bool at_eof = r->eof;
	r->escaped = 0;
	if (*p == '\n' || *p == '\r') { /* a blank line */
		if (*p == '\r' && p + 1 == e && !at_eof)
			return SCAN_MORE;
		p += (*p == '\r' && p + 1 < e && p[1] == '\n') ? 2 : 1;
		*count = 0;
		*next = (size_t)(p - b);
		*line_out = line + 1;
		return SCAN_DONE;
	}
	for (;;) {
		if (n == r->spans_cap) {
			if (!more_spans(r)) {
				set_error(err, line, 1, "a record has more than 4096 fields");
				goto bad_line;
			}
			spans = r->spans;
			fields = r->fields;
		}
		/* The field is filled here; finish() only unescapes "" pairs. */
		struct csv_field *f = &fields[n];
		const char *start = p;
		spans[n++] = (size_t)(p - b);
		f->line = line;
		f->quoted = *p == '"';
		if (!f->quoted) {
			/* Plain bytes up to the next stop in the index; a stop that is
			 * not ASCII is a UTF-8 sequence to check and go past. */
			for (;;) {
				p = next_marked(ix, p, false);
				if ((unsigned char)*p < 0x80)
					break;
				size_t k = utf8_sequence(p, e);
				if (!k && !at_eof && e - p < 4)
					return SCAN_MORE; /* a sequence cut by the buffer's end */
				if (!k) {
					utf8_error(err, line, 1 + chars_between(b + line_start, p),
						   (unsigned char)*p);
					goto bad_line;
				}
				p += k;
			}
			f->data = start;
			f->len = (size_t)(p - start);
			if (*p == ',') {
				p++;
				continue;
			}
			if (*p == '"') {
				set_error(err, line, 1 + chars_between(b + line_start, p),
					  "a quote inside an unquoted field; quote the whole field "
					  "and double the quote (\"\")");
				goto bad_line;
			}
		} else {
			size_t field_line_start = line_start;
			bool escaped = false;
			const char *q = p + 1;
			for (;;) {
				const char *hit = next_marked(ix, q, true);
				if (hit == e) {
					if (!at_eof)
						return SCAN_MORE;
					set_error(err, f->line,
						  1 + chars_between(b + field_line_start, start),
						  "unterminated quoted field: the quote opened "
						  "here is "
						  "never closed");
					return SCAN_FATAL;
				}
				if (*hit == '\n') {
					line++;
					line_start = (size_t)(hit + 1 - b);
					q = hit + 1;
					continue;
				}
				if (hit + 1 == e && !at_eof)
					return SCAN_MORE;
				if (hit[1] ==
				    '"') { /* hit + 1 < e: the NUL after the data is none */
					escaped = true;
					q = hit + 2;
					continue;
				}
				p = hit + 1;
				break;
			}
			r->escaped += escaped;
			f->data = start + 1;
			f->len = (size_t)(p - start) - 2;
			size_t bad = utf8_invalid_at(f->data, f->len);
			if (bad < f->len) {
				const char *at = f->data + bad, *ls = b + field_line_start;
				unsigned long bad_line = f->line;
				for (const char *c = start; c < at; c++)
					if (*c == '\n') {
						bad_line++;
						ls = c + 1;
					}
				utf8_error(err, bad_line, 1 + chars_between(ls, at),
					   (unsigned char)*at);
				goto bad_line;
			}
			if (*p == ',') {
				p++;
				continue;
			}
			if (p < e && *p != '\n' && *p != '\r') {
				set_error(err, line, 1 + chars_between(b + line_start, p),
					  "unexpected character after a closing quote; a quoted "
					  "field must end at its closing quote");
				goto bad_line;
			}
		}
		/* Here the record ends: a line ending, or the end of the data. */
		if (p == e) {
			if (!at_eof)
				return SCAN_MORE;
		} else {
			if (*p == '\r' && p + 1 == e && !at_eof)
				return SCAN_MORE;
			p += (*p == '\r' && p + 1 < e && p[1] == '\n') ? 2 : 1;
		}
		*count = n;
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

static enum scan_result scan(struct csv_reader *r, size_t *next, size_t *count,
			     unsigned long *line_out, struct csv_error *err)
{
	struct block_index ix = r->ix;
	if (!ix.valid) {
		ix.buf = r->buf;
		ix.end = r->end;
	}
	enum scan_result res = scan_record(r, &ix, next, count, line_out, err);
	r->ix = ix;
	return res;
}

/* Quoted fields holding "" pairs are unescaped into a side buffer, leaving
 * the raw record intact for csv_field_column. */
static void finish(struct csv_reader *r, size_t count, size_t record_len)
{
	if (!r->escaped)
		return;
	if (record_len > r->unescaped_cap) {
		r->unescaped_cap = record_len;
		r->unescaped = realloc(r->unescaped, r->unescaped_cap);
		if (!r->unescaped)
			abort();
	}
	size_t used = 0;
	for (size_t i = 0; i < count; i++) {
		struct csv_field *f = &r->fields[i];
		/* Inside quotes every quote is half of a "" pair. */
		if (!f->quoted || !memchr(f->data, '"', f->len))
			continue;
		char *out = r->unescaped + used;
		size_t o = 0;
		for (size_t k = 0; k < f->len; k++) {
			out[o++] = f->data[k];
			if (f->data[k] == '"')
				k++; /* the second quote of a "" pair */
		}
		f->data = out;
		f->len = o;
		used += o;
	}
}

int csv_reader_next(struct csv_reader *r, struct csv_record *out, struct csv_error *err)
{
	r->has_raw = false;
	if (r->failed)
		return 0;
	memset(out, 0, sizeof(*out));
	out->reader = r;
	for (;;) {
		if (!r->bom_checked) {
			size_t window = sniff_window(r->buf + r->start, r->end - r->start);
			if (!r->eof && r->end - r->start < window) {
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
			if (window > r->end)
				window = r->end;
			const char *wide = sniff_wide(r->buf + r->start, window - r->start);
			if (wide) {
				set_error(err, 1, 1, wide);
				goto fatal;
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
		if (res == SCAN_FATAL) {
			keep_raw(r, r->start, r->end); /* the rest of the input */
			goto fatal;
		}
		unsigned long first = r->line;
		size_t begin = r->start;
		keep_raw(r, begin, next); /* before `consumed` moves past it */
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
		/* Only delimiters: each field took no byte, so the raw record is
		 * the count - 1 commas alone (a quoted field takes two at least).
		 * The first test settles nearly every record. */
		out->blank = next - begin <= count + 1 && raw_length(r, begin, next) == count - 1;
		out->nul = memchr(r->buf + begin, '\0', next - begin) != NULL;
		finish(r, count, next - begin);
		out->fields = r->fields;
		out->count = count;
		return 1;
	}
fatal:
	r->failed = true;
	return -1;
}

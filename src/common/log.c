/* Structured logging: "ts=... level=... <fields>" written with one call so
 * lines from different threads never interleave; or, with the JSON
 * format, the same line as one JSON object.
 *
 * The format string is the call site's and is trusted; every %s argument is
 * a value and is escaped here, so that no call site can forget and no value
 * (a path, a header, a client name, a message of libmicrohttpd) can start a
 * line or a field of its own. Inside a quoted value (key="...%s...") a
 * quote, a backslash and control characters are backslash-escaped; in a bare
 * value (key=%s) so is a space. Valid UTF-8 is kept, except the C1 controls
 * and U+2028/U+2029, which some readers take for line breaks. */
#include "common/log.h"
#include "common/timeutil.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LINE_MAX_BYTES 2048

static atomic_int current_level = LOG_INFO;
static atomic_int current_format = LOG_FORMAT_TEXT;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

void log_set_format(enum log_format format)
{
	current_format = format;
}

int log_format_parse(const char *s, enum log_format *out)
{
	if (strcmp(s, "text") == 0 || strcmp(s, "json") == 0) {
		*out = s[0] == 't' ? LOG_FORMAT_TEXT : LOG_FORMAT_JSON;
		return 0;
	}
	return -1;
}

void log_set_level(enum log_level level)
{
	current_level = level;
}

bool log_enabled(enum log_level level)
{
	return (int)level >= current_level;
}

int log_level_parse(const char *s, enum log_level *out)
{
	for (int i = 0; i < 4; i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

/* A line being built; `len` never passes `cap`, and a unit (a character
 * or its escape) is written whole or not at all: the first that does not
 * fit ends the line. */
struct line {
	char *buf;
	size_t len, cap;
	bool full;
};

static void put(struct line *l, const char *s, size_t n)
{
	if (l->full || n > l->cap - l->len) {
		l->full = true;
		return;
	}
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

/* The length of the UTF-8 character at s (at most `left` bytes) and its
 * code point in *cp when it is valid (shortest form, no surrogate), else 0. */
static size_t utf8_decode(const unsigned char *s, size_t left, uint32_t *cp)
{
	size_t n;
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		n = 2;
		*cp = s[0] & 0x1Fu;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		n = 3;
		*cp = s[0] & 0x0Fu;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		n = 4;
		*cp = s[0] & 0x07u;
	} else {
		return 0;
	}
	if (left < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3Fu);
	}
	bool overlong = (n == 3 && *cp < 0x800) || (n == 4 && *cp < 0x10000);
	bool invalid = *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF);
	return overlong || invalid ? 0 : n;
}

/* Code points some readers take for line breaks: the C1 controls,
 * U+2028 and U+2029. */
static bool breaks_lines(uint32_t cp)
{
	return cp < 0xA0 || cp == 0x2028 || cp == 0x2029;
}

/* The length of the UTF-8 character at s (at most `left` bytes) when it is
 * valid and safe to show as is, else 0. */
static size_t safe_utf8(const unsigned char *s, size_t left)
{
	uint32_t cp;
	size_t n = utf8_decode(s, left, &cp);
	return n && !breaks_lines(cp) ? n : 0;
}

/* Appends s (at most max bytes of it) as a value. */
static void put_value(struct line *l, const char *s, size_t max, bool quoted)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!s)
		s = "(null)";
	size_t len = strnlen(s, max);
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		unsigned char c = u[i];
		if (c >= 0x80) {
			size_t n = safe_utf8(u + i, len - i);
			if (n) {
				put(l, s + i, n);
				i += n;
				continue;
			}
		}
		i++;
		if ((c > 0x20 && c < 0x7F && c != '"' && c != '\\') || (c == ' ' && quoted)) {
			put(l, (const char *)&c, 1);
		} else if (c == '"' || c == '\\') {
			char esc[2] = {'\\', (char)c};
			put(l, esc, 2);
		} else if (c == '\n' || c == '\r' || c == '\t') {
			char esc[2] = {'\\', c == '\n' ? 'n' : c == '\r' ? 'r' : 't'};
			put(l, esc, 2);
		} else {
			char esc[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
			put(l, esc, 4);
		}
	}
}

/* One conversion other than %s and %%, formatted by snprintf from `spec`
 * (its '*' already replaced by numbers). clang-tidy 14 neither follows a
 * va_list passed by address nor tells va_arg types apart (long and long
 * long differ on ILP32): both findings here are false positives. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
/* NOLINTBEGIN(clang-analyzer-valist.Uninitialized,bugprone-branch-clone) */
static void put_number(struct line *l, const char *spec, const char *length, char conv, va_list *ap)
{
	char tmp[128];
	int n = 0;
	bool is_l = strcmp(length, "l") == 0, is_ll = strcmp(length, "ll") == 0;
	bool is_z = strcmp(length, "z") == 0, is_j = strcmp(length, "j") == 0;
	bool is_t = strcmp(length, "t") == 0;
	if (strchr("di", conv)) {
		if (is_ll || is_j)
			n = snprintf(tmp, sizeof(tmp), spec, va_arg(*ap, long long));
		else if (is_l || is_z || is_t)
			n = snprintf(tmp, sizeof(tmp), spec, va_arg(*ap, long));
		else
			n = snprintf(tmp, sizeof(tmp), spec, va_arg(*ap, int));
	} else if (strchr("uxXo", conv)) {
		if (is_ll || is_j)
			n = snprintf(tmp, sizeof(tmp), spec, va_arg(*ap, unsigned long long));
		else if (is_l || is_z || is_t)
			n = snprintf(tmp, sizeof(tmp), spec, va_arg(*ap, unsigned long));
		else
			n = snprintf(tmp, sizeof(tmp), spec, va_arg(*ap, unsigned));
	} else if (strchr("fFeEgGaA", conv)) {
		if (strcmp(length, "L") == 0)
			n = snprintf(tmp, sizeof(tmp), spec, va_arg(*ap, long double));
		else
			n = snprintf(tmp, sizeof(tmp), spec, va_arg(*ap, double));
	} else if (conv == 'c') {
		char ch = (char)va_arg(*ap, int);
		put_value(l, &ch, 1, false);
		return;
	} else if (conv == 'p') {
		n = snprintf(tmp, sizeof(tmp), spec, va_arg(*ap, void *));
	}
	if (n > 0)
		put(l, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}
/* NOLINTEND(clang-analyzer-valist.Uninitialized,bugprone-branch-clone) */
#pragma GCC diagnostic pop

/* Reads a field width or precision: digits, or '*' taken from the
 * arguments. Returns -1 when there was none. */
static long read_number(const char **f, va_list *ap)
{
	if (**f == '*') {
		(*f)++;
		/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): as above */
		return va_arg(*ap, int);
	}
	if (**f < '0' || **f > '9')
		return -1;
	long v = 0;
	while (**f >= '0' && **f <= '9' && v < 100000)
		v = v * 10 + (*(*f)++ - '0');
	return v;
}

/* One conversion; *f points after the '%'. */
static void put_conversion(struct line *l, const char **f, bool quoted, va_list *ap)
{
	char spec[48] = "%";
	size_t s = 1;
	while (**f && strchr("-+ #0", **f) && s < 8)
		spec[s++] = *(*f)++;
	long width = read_number(f, ap);
	long precision = -1;
	if (**f == '.') {
		(*f)++;
		precision = read_number(f, ap);
		if (precision < 0)
			precision = 0;
	}
	char length[3] = "";
	size_t ln = 0;
	while (**f && strchr("hlzjtL", **f) && ln < 2)
		length[ln++] = *(*f)++;
	char conv = **f;
	if (!conv)
		return;
	(*f)++;
	if (conv == '%') {
		put(l, "%", 1);
		return;
	}
	if (conv == 's') {
		/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): see put_number */
		const char *v = va_arg(*ap, const char *);
		put_value(l, v, precision >= 0 ? (size_t)precision : SIZE_MAX, quoted);
		return;
	}
	if (width >= 0)
		s += (size_t)snprintf(spec + s, sizeof(spec) - s, "%ld", width);
	if (precision >= 0)
		s += (size_t)snprintf(spec + s, sizeof(spec) - s, ".%ld", precision);
	snprintf(spec + s, sizeof(spec) - s, "%s%c", length, conv);
	put_number(l, spec, length, conv, ap);
}

/* The fields: literal text of the format as is, arguments escaped. A '"'
 * in the literal text opens or closes a quoted value. */
static void put_fields(struct line *l, const char *fmt, va_list *ap)
{
	bool quoted = false;
	for (const char *f = fmt; *f;) {
		if (*f != '%') {
			if (*f == '"')
				quoted = !quoted;
			put(l, f++, 1);
			continue;
		}
		f++;
		put_conversion(l, &f, quoted, ap);
	}
}

/* ---- JSON lines (--log-format json) ---------------------------------
 * The logfmt line is built as always, then rewritten: one JSON object
 * with the same keys in the same order. Call sites stay as they are, and
 * the escaping above (which already guarantees one field per key=value)
 * is the one place that decides what a value is. */

/* Decodes the logfmt value at in[*i] (quoted: up to the closing quote;
 * bare: up to a space) into out, undoing put_value's escapes; a line cut
 * short ends the value. Sets *plain when nothing was escaped. */
static size_t decode_value(const char *in, size_t len, size_t *i, char *out, size_t size,
			   bool *plain)
{
	static const char hex[] = "0123456789ABCDEF";
	bool quoted = *i < len && in[*i] == '"';
	size_t n = 0;
	*plain = !quoted;
	if (quoted)
		(*i)++;
	while (*i < len && n < size) {
		char c = in[*i];
		if (quoted ? c == '"' : c == ' ')
			break;
		(*i)++;
		if (c != '\\' || *i >= len) {
			out[n++] = c;
			continue;
		}
		*plain = false;
		char e = in[(*i)++];
		const char *hi, *lo;
		if (e == 'n' || e == 'r' || e == 't') {
			out[n++] = e == 'n' ? '\n' : e == 'r' ? '\r' : '\t';
		} else if (e == 'x' && *i + 1 < len && (hi = strchr(hex, in[*i])) && in[*i] &&
			   (lo = strchr(hex, in[*i + 1])) && in[*i + 1]) {
			out[n++] = (char)((hi - hex) << 4 | (lo - hex));
			*i += 2;
		} else {
			out[n++] = e; /* \" \\ and, in a bare value, "\ " */
		}
	}
	if (quoted && *i < len)
		(*i)++; /* the closing quote */
	return n;
}

/* Whether a bare value reads as a JSON number, true or false: an
 * optional minus, digits without a leading zero, an optional fraction. */
static bool json_literal(const char *v, size_t n)
{
	if ((n == 4 && memcmp(v, "true", 4) == 0) || (n == 5 && memcmp(v, "false", 5) == 0))
		return true;
	size_t i = v[0] == '-' ? 1 : 0, digits = 0;
	if (i < n && v[i] == '0' && i + 1 < n && v[i + 1] != '.')
		return false;
	for (; i < n && v[i] >= '0' && v[i] <= '9'; i++)
		digits++;
	if (!digits)
		return false;
	if (i < n && v[i] == '.') {
		size_t frac = 0;
		for (i++; i < n && v[i] >= '0' && v[i] <= '9'; i++)
			frac++;
		if (!frac)
			return false;
	}
	return i == n;
}

/* Appends v as a JSON string: valid UTF-8 as is (line-breaking code
 * points as \uXXXX), controls escaped, a byte that is not UTF-8 as the
 * text \xHH (the text format's spelling: JSON strings hold no bytes). */
static void put_json_string(struct line *l, const char *v, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)v;
	put(l, "\"", 1);
	for (size_t i = 0; i < n;) {
		unsigned char c = u[i];
		uint32_t cp;
		size_t len = c >= 0x80 ? utf8_decode(u + i, n - i, &cp) : 0;
		if (len && !breaks_lines(cp)) {
			put(l, v + i, len);
			i += len;
			continue;
		}
		if (len) {
			char esc[6] = {'\\',
				       'u',
				       hex[cp >> 12 & 15],
				       hex[cp >> 8 & 15],
				       hex[cp >> 4 & 15],
				       hex[cp & 15]};
			put(l, esc, 6);
			i += len;
			continue;
		}
		i++;
		if (c == '"' || c == '\\') {
			char esc[2] = {'\\', (char)c};
			put(l, esc, 2);
		} else if (c == '\n' || c == '\r' || c == '\t') {
			char esc[2] = {'\\', c == '\n' ? 'n' : c == '\r' ? 'r' : 't'};
			put(l, esc, 2);
		} else if (c < 0x20 || c == 0x7F) {
			char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			put(l, esc, 6);
		} else if (c >= 0x80) {
			char esc[5] = {'\\', '\\', 'x', "0123456789ABCDEF"[c >> 4],
				       "0123456789ABCDEF"[c & 15]};
			put(l, esc, 5);
		} else {
			put(l, (const char *)&c, 1);
		}
	}
	put(l, "\"", 1);
}

#define JSON_TRUNCATED ",\"truncated\":true}"

size_t log_line_to_json(const char *in, size_t len, char *out, size_t size)
{
	if (size < sizeof(JSON_TRUNCATED) + 2) {
		if (size)
			out[0] = '\0';
		return 0;
	}
	/* Room kept for the end, so a line too long still closes. */
	struct line o = {out, 0, size - sizeof(JSON_TRUNCATED), false};
	char value[LINE_MAX_BYTES];
	bool first = true;
	put(&o, "{", 1);
	for (size_t i = 0; i < len && !o.full;) {
		if (in[i] == ' ') {
			i++;
			continue;
		}
		size_t key = i;
		while (i < len && in[i] != '=' && in[i] != ' ')
			i++;
		size_t key_len = i - key, mark = o.len;
		bool plain = false;
		size_t n;
		if (i < len && in[i] == '=') {
			i++;
			n = decode_value(in, len, &i, value, sizeof(value), &plain);
		} else { /* a word that is no key=value: kept as "msg" */
			n = key_len < sizeof(value) ? key_len : sizeof(value);
			memcpy(value, in + key, n);
			key = 0;
			key_len = 0;
		}
		if (!first)
			put(&o, ",", 1);
		if (key_len)
			put_json_string(&o, in + key, key_len);
		else
			put(&o, "\"msg\"", 5);
		put(&o, ":", 1);
		if (plain && n && json_literal(value, n))
			put(&o, value, n);
		else
			put_json_string(&o, value, n);
		if (o.full) {
			o.len = mark; /* no half field */
			break;
		}
		first = false;
	}
	if (o.full) {
		const char *end = first ? "\"truncated\":true}" : JSON_TRUNCATED;
		memcpy(out + o.len, end, strlen(end));
		o.len += strlen(end);
	} else {
		out[o.len++] = '}';
	}
	out[o.len] = '\0';
	return o.len;
}

void log_event(enum log_level level, const char *fmt, ...)
{
	if ((int)level < current_level)
		return;
	char buf[LINE_MAX_BYTES];
	struct line l = {buf, 0, sizeof(buf) - 1, false}; /* room for the '\n' */
	char ts[32];
	time_format_iso(time_now_ms(), ts, sizeof(ts));
	put(&l, "ts=", 3);
	put(&l, ts, strlen(ts));
	put(&l, " level=", 7);
	put(&l, level_names[level], strlen(level_names[level]));
	put(&l, " ", 1);
	va_list ap;
	va_start(ap, fmt);
	put_fields(&l, fmt, &ap);
	va_end(ap);
	if (current_format == LOG_FORMAT_JSON) {
		char json[2 * LINE_MAX_BYTES + 64];
		size_t n = log_line_to_json(buf, l.len, json, sizeof(json) - 1);
		json[n++] = '\n';
		ssize_t w = write(STDERR_FILENO, json, n);
		(void)w;
		return;
	}
	buf[l.len++] = '\n';
	ssize_t w = write(STDERR_FILENO, buf, l.len);
	(void)w;
}

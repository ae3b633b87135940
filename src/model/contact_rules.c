/* Value rules: phone numbers, e-mail addresses, numbers and timestamps.
 * Hand-written scanners: they run once per value of a million-row import. */
#include "model/contact.h"

#include <errno.h>
#include <pthread.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* How a value is written when it is a number a spreadsheet or pandas wrote
 * in place of a phone number held as a number: 15550100401.0 (a float),
 * 4155550101.00 (two decimals), 1.5550100401e10 or 1.55501E+10 (scientific
 * notation, the second with digits lost). A sign may lead. */
enum number_shape { SHAPE_OTHER, SHAPE_DECIMAL, SHAPE_SCIENTIFIC, SHAPE_SCIENTIFIC_LOST };

static size_t count_digits(const char *v, size_t len, size_t *i)
{
	size_t start = *i;
	while (*i < len && is_digit(v[*i]))
		(*i)++;
	return *i - start;
}

static enum number_shape number_shape(const char *v, size_t len)
{
	size_t i = 0;
	if (i < len && (v[i] == '+' || v[i] == '-'))
		i++;
	size_t whole = count_digits(v, len, &i), fraction = 0, zeros = 0;
	if (whole == 0)
		return SHAPE_OTHER;
	if (i < len && v[i] == '.') {
		i++;
		size_t start = i;
		fraction = count_digits(v, len, &i);
		while (zeros < fraction && v[start + zeros] == '0')
			zeros++;
	}
	if (i == len) /* a decimal whose whole part is as long as a phone number */
		return fraction > 0 && zeros == fraction && whole >= 7 && whole <= 15
			       ? SHAPE_DECIMAL
			       : SHAPE_OTHER;
	if (v[i] != 'e' && v[i] != 'E')
		return SHAPE_OTHER;
	i++;
	bool negative = i < len && v[i] == '-';
	if (i < len && (v[i] == '+' || v[i] == '-'))
		i++;
	size_t exp_start = i, exp_digits = count_digits(v, len, &i);
	if (exp_digits == 0 || i != len)
		return SHAPE_OTHER;
	/* The number has whole + exponent digits and the mantissa whole +
	 * fraction: fewer there means the writer rounded some away (Excel's
	 * 1.55501E+10 for 15550100401). */
	unsigned long exponent = 0;
	for (size_t k = exp_start; k < len && exponent < 1000; k++)
		exponent = exponent * 10 + (unsigned long)(v[k] - '0');
	return !negative && fraction < exponent ? SHAPE_SCIENTIFIC_LOST : SHAPE_SCIENTIFIC;
}

/* What each byte is to a phone number: a digit, a dot, other punctuation
 * a number may hold (space, hyphen, parentheses), or anything else. */
enum { PHONE_BAD, PHONE_DIGIT, PHONE_DOT, PHONE_PUNCT };

static const unsigned char phone_class[256] = {
	[' '] = PHONE_PUNCT, ['-'] = PHONE_PUNCT, ['('] = PHONE_PUNCT, [')'] = PHONE_PUNCT,
	['.'] = PHONE_DOT,   ['0'] = PHONE_DIGIT, ['1'] = PHONE_DIGIT, ['2'] = PHONE_DIGIT,
	['3'] = PHONE_DIGIT, ['4'] = PHONE_DIGIT, ['5'] = PHONE_DIGIT, ['6'] = PHONE_DIGIT,
	['7'] = PHONE_DIGIT, ['8'] = PHONE_DIGIT, ['9'] = PHONE_DIGIT,
};

bool contact_is_phone(const char *v, size_t len)
{
	size_t i = 0, digits = 0, dots = 0;
	bool plus = len > 0 && v[0] == '+';
	if (plus)
		i = 1;
	/* A value is checked whole, one table look-up a byte, no branch but
	 * the loop's: the counts say afterwards whether it was a number. */
	unsigned char bad = 0;
	for (; i < len; i++) {
		unsigned char k = phone_class[(unsigned char)v[i]];
		bad |= k == PHONE_BAD;
		digits += k == PHONE_DIGIT;
		dots += k == PHONE_DOT;
	}
	if (bad)
		return false;
	/* E.164 allows 15 digits; national numbers start at 7 (without a country code). */
	if (plus ? digits < 8 || digits > 15 : digits < 7 || digits > 15)
		return false;
	/* Digits with one dot and nothing else may be a float a spreadsheet or
	 * pandas wrote (15550100401.0), which is not a dotted phone number
	 * (555.010.0401, 555.0100). */
	return dots != 1 || number_shape(v, len) != SHAPE_DECIMAL;
}

/* The hints share their advice; each names what the writer did. A hint
 * follows the quoted value: `not a phone number: "1.5e10" looks ...`. */
#define REFORMATTED " looks rewritten by a spreadsheet or pandas "
#define AVOID	    ": read the file as text (pandas: dtype=str) or format the column as Text"

const char *contact_phone_hint(const char *v, size_t len)
{
	switch (number_shape(v, len)) {
	case SHAPE_DECIMAL:
		return REFORMATTED "(a decimal)" AVOID;
	case SHAPE_SCIENTIFIC:
		return REFORMATTED "(scientific notation)" AVOID;
	case SHAPE_SCIENTIFIC_LOST:
		return REFORMATTED "(scientific notation, digits lost)" AVOID;
	case SHAPE_OTHER:
	default:
		return NULL;
	}
}

/* Byte classes of e-mail addresses: 1 = allowed in the local part,
 * 2 = allowed in a domain label (letters, digits, hyphen, non-ASCII). */
static unsigned char email_class[256];

static void fill_email_classes(void)
{
	for (int c = 0; c < 256; c++) {
		bool alnum =
			(c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		unsigned char k = 0;
		if (alnum || c >= 0x80 || (c && strchr("!#$%&'*+/=?^_`{|}~-.", c)))
			k |= 1;
		if (alnum || c >= 0x80 || c == '-')
			k |= 2;
		email_class[c] = k;
	}
}

static void email_classes(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, fill_email_classes);
}

static bool email_local_char(unsigned char c)
{
	return email_class[c] & 1;
}

bool contact_is_email(const char *v, size_t len)
{
	email_classes();
	const char *at = memchr(v, '@', len);
	if (!at || len > 254)
		return false;
	size_t local = (size_t)(at - v), dlen = len - local - 1;
	const char *d = at + 1;
	if (local == 0 || local > 64 || dlen < 3 || memchr(d, '@', dlen))
		return false;
	if (v[0] == '.' || v[local - 1] == '.')
		return false;
	for (size_t i = 0; i < local; i++) {
		if (!email_local_char((unsigned char)v[i]) ||
		    (v[i] == '.' && i + 1 < local && v[i + 1] == '.'))
			return false;
	}
	/* Domain: dot-separated labels of letters, digits and hyphens (or
	 * non-ASCII, for internationalised names); at least two labels. */
	size_t labels = 0, label_len = 0;
	for (size_t i = 0; i <= dlen; i++) {
		unsigned char c = i < dlen ? (unsigned char)d[i] : '.';
		if (c == '.') {
			if (label_len == 0 || d[i - 1] == '-' || d[i - label_len] == '-')
				return false;
			labels++;
			label_len = 0;
			continue;
		}
		if (!(email_class[c] & 2))
			return false;
		if (++label_len > 63)
			return false;
	}
	return labels >= 2;
}

bool contact_is_number(const char *v, size_t len, double *out)
{
	size_t i = 0, digits = 0;
	if (i < len && (v[i] == '+' || v[i] == '-'))
		i++;
	while (i < len && is_digit(v[i])) {
		i++;
		digits++;
	}
	if (i < len && v[i] == '.') {
		i++;
		while (i < len && is_digit(v[i])) {
			i++;
			digits++;
		}
	}
	if (digits == 0)
		return false;
	bool exponent = i < len && (v[i] == 'e' || v[i] == 'E');
	if (exponent) {
		i++;
		if (i < len && (v[i] == '+' || v[i] == '-'))
			i++;
		size_t exp = 0;
		while (i < len && is_digit(v[i])) {
			i++;
			exp++;
		}
		if (exp == 0)
			return false;
	}
	if (i != len || len > 64)
		return false;
	/* Without an exponent, 64 characters cannot overflow a double: the
	 * conversion is needed only for a value asked for, or an exponent. */
	if (!out && !exponent)
		return true;
	char buf[72];
	memcpy(buf, v, len);
	buf[len] = '\0';
	errno = 0;
	double d = strtod(buf, NULL);
	if (!isfinite(d))
		return false;
	if (out)
		*out = d;
	return true;
}

static bool take_digits(const char *v, size_t len, size_t *i, size_t n, int *out)
{
	int value = 0;
	for (size_t k = 0; k < n; k++) {
		if (*i >= len || !is_digit(v[*i]))
			return false;
		value = value * 10 + (v[(*i)++] - '0');
	}
	*out = value;
	return true;
}

static bool take(const char *v, size_t len, size_t *i, char c)
{
	if (*i < len && v[*i] == c) {
		(*i)++;
		return true;
	}
	return false;
}

/* ISO 8601: YYYY-MM-DD, optionally THH:MM[:SS[.fraction]] and Z or ±HH:MM
 * (a space may stand for the T). */
bool contact_is_timestamp(const char *v, size_t len)
{
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	/* The common shape, 2024-05-31T09:30:00Z, checked in one pass. */
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	if (len == sizeof(shape) - 1) {
		size_t k = 0;
		for (; k < len; k++)
			if (shape[k] == 'd' ? !is_digit(v[k]) : v[k] != shape[k])
				break;
		if (k == len) {
			int mo = (v[5] - '0') * 10 + v[6] - '0', d = (v[8] - '0') * 10 + v[9] - '0';
			int y = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 +
				v[3] - '0';
			int h = (v[11] - '0') * 10 + v[12] - '0',
			    mi = (v[14] - '0') * 10 + v[15] - '0';
			int s = (v[17] - '0') * 10 + v[18] - '0';
			bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
			return mo >= 1 && mo <= 12 && d >= 1 && d <= days[mo - 1] &&
			       !(mo == 2 && d == 29 && !leap) && h <= 23 && mi <= 59 && s <= 60;
		}
	}
	size_t i = 0;
	int y, mo, d, h, mi, s, oh, om;
	if (!take_digits(v, len, &i, 4, &y) || !take(v, len, &i, '-') ||
	    !take_digits(v, len, &i, 2, &mo) || !take(v, len, &i, '-') ||
	    !take_digits(v, len, &i, 2, &d))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > days[mo - 1])
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo == 2 && d == 29 && !leap)
		return false;
	if (i == len)
		return true;
	if (!take(v, len, &i, 'T') && !take(v, len, &i, ' '))
		return false;
	if (!take_digits(v, len, &i, 2, &h) || !take(v, len, &i, ':') ||
	    !take_digits(v, len, &i, 2, &mi) || h > 23 || mi > 59)
		return false;
	if (take(v, len, &i, ':')) {
		if (!take_digits(v, len, &i, 2, &s) || s > 60)
			return false;
		if (take(v, len, &i, '.')) {
			size_t start = i;
			while (i < len && is_digit(v[i]))
				i++;
			if (i == start || i - start > 9)
				return false;
		}
	}
	if (i == len || take(v, len, &i, 'Z'))
		return i == len;
	if (!take(v, len, &i, '+') && !take(v, len, &i, '-'))
		return false;
	if (!take_digits(v, len, &i, 2, &oh) || oh > 23)
		return false;
	take(v, len, &i, ':');
	if (!take_digits(v, len, &i, 2, &om) || om > 59)
		return false;
	return i == len;
}

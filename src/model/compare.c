/* Typed comparison of contact values (see compare.h). The parsers accept
 * exactly what the NUMERIC and TIMESTAMP column rules accept, and only then
 * read the value, so a stored value is comparable whenever it was valid. */
#include "model/compare.h"
#include "model/contact.h"

#include <string.h>
#include <strings.h>

/* Exponents are clamped here: a value is at most 64 characters, so its
 * digits move the point by at most 64 and any larger exponent already
 * decides the order on its own. */
#define EXPONENT_CLAMP 1000000

static int sign_of(int x)
{
	return (x > 0) - (x < 0);
}

/* Reads the exponent digits after 'e' (the rule has checked there are some). */
static int exponent_of(const char *v, size_t len, size_t i)
{
	bool negative = false;
	if (i < len && (v[i] == '+' || v[i] == '-'))
		negative = v[i++] == '-';
	int e = 0;
	for (; i < len; i++)
		if (e < EXPONENT_CLAMP)
			e = e * 10 + (v[i] - '0');
	return negative ? -e : e;
}

bool value_number_parse(const char *v, size_t len, struct value_number *out)
{
	if (!contact_is_number(v, len, NULL))
		return false;
	size_t i = 0;
	bool negative = false;
	if (v[i] == '+' || v[i] == '-')
		negative = v[i++] == '-';
	/* point: how many of the kept digits stand before the decimal point;
	 * a zero skipped after the point moves it one place left. */
	int point = 0;
	unsigned char n = 0;
	bool after_point = false, leading = true;
	for (; i < len && v[i] != 'e' && v[i] != 'E'; i++) {
		if (v[i] == '.') {
			after_point = true;
			continue;
		}
		if (leading && v[i] == '0') {
			point -= after_point;
			continue;
		}
		leading = false;
		out->digits[n++] = v[i];
		point += !after_point;
	}
	while (n > 0 && out->digits[n - 1] == '0')
		n--; /* trailing zeros do not change the value: 20.50 is 20.5 */
	out->ndigits = n;
	if (n == 0) { /* every zero, whatever its sign, is the same number */
		out->sign = 0;
		out->exp = 0;
		return true;
	}
	out->sign = negative ? -1 : 1;
	out->exp = point + (i < len ? exponent_of(v, len, i + 1) : 0);
	return true;
}

int value_number_compare(const struct value_number *a, const struct value_number *b)
{
	if (a->sign != b->sign)
		return a->sign < b->sign ? -1 : 1;
	if (a->sign == 0)
		return 0;
	int magnitude;
	if (a->exp != b->exp) {
		magnitude = a->exp < b->exp ? -1 : 1;
	} else {
		size_t n = a->ndigits < b->ndigits ? a->ndigits : b->ndigits;
		magnitude = sign_of(memcmp(a->digits, b->digits, n));
		if (magnitude == 0) /* one is a prefix of the other: more digits, larger */
			magnitude = sign_of((int)a->ndigits - (int)b->ndigits);
	}
	return a->sign * magnitude;
}

static int digits_at(const char *v, size_t at, size_t n)
{
	int x = 0;
	for (size_t k = 0; k < n; k++)
		x = x * 10 + (v[at + k] - '0');
	return x;
}

/* Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* The fraction after the seconds, as nanoseconds (the rule allows 1-9 digits). */
static int32_t nanos_at(const char *v, size_t len, size_t *i)
{
	int32_t nanos = 0;
	int k = 0;
	for (; *i < len && v[*i] >= '0' && v[*i] <= '9'; (*i)++, k++)
		nanos = nanos * 10 + (v[*i] - '0');
	for (; k < 9; k++)
		nanos *= 10;
	return nanos;
}

bool value_instant_parse(const char *v, size_t len, struct value_instant *out)
{
	if (!contact_is_timestamp(v, len))
		return false;
	/* The rule has checked the shape: YYYY-MM-DD[(T| )HH:MM[:SS[.f]][Z|±HH[:]MM]]. */
	int64_t days = days_from_civil(digits_at(v, 0, 4), (unsigned)digits_at(v, 5, 2),
				       (unsigned)digits_at(v, 8, 2));
	int64_t seconds = days * 86400;
	int32_t nanos = 0;
	if (len > 10) {
		seconds += digits_at(v, 11, 2) * 3600 + digits_at(v, 14, 2) * 60;
		size_t i = 16;
		if (i < len && v[i] == ':') {
			seconds += digits_at(v, 17, 2);
			i = 19;
			if (i < len && v[i] == '.') {
				i++;
				nanos = nanos_at(v, len, &i);
			}
		}
		if (i < len && v[i] != 'Z') {
			int sign = v[i] == '-' ? -1 : 1;
			int minutes = digits_at(v, i + 1, 2) * 60;
			minutes += digits_at(v, v[i + 3] == ':' ? i + 4 : i + 3, 2);
			seconds -= (int64_t)sign * minutes * 60; /* 12:00+02:00 is 10:00Z */
		}
	}
	out->seconds = seconds;
	out->nanos = nanos;
	return true;
}

int value_instant_compare(const struct value_instant *a, const struct value_instant *b)
{
	if (a->seconds != b->seconds)
		return a->seconds < b->seconds ? -1 : 1;
	return sign_of(a->nanos - b->nanos);
}

int value_text_compare(const char *a, const char *b)
{
	return strcasecmp(a, b);
}

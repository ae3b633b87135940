/* Typed comparison of contact values: numbers as exact decimals, ISO-8601
 * timestamps as instants, text case-insensitively. Search compares values,
 * not their spelling: 007 equals 7, 20.50 equals 20.5, and 10:00Z equals
 * 12:00+02:00. Pure. */
#ifndef DIALBOOK_COMPARE_H
#define DIALBOOK_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A decimal number held exactly: 0.d1d2d3... x 10^exp, no leading or
 * trailing zero digits (zero has no digits and sign 0). Exact so that ids
 * with more digits than a double holds still compare correctly. */
struct value_number {
	signed char sign; /* -1, 0, 1 */
	unsigned char ndigits;
	int exp;
	char digits[64];
};

/* Parses what contact_is_number accepts (the rule of NUMERIC columns), so
 * any stored number is comparable; false for anything else. */
bool value_number_parse(const char *v, size_t len, struct value_number *out);
/* <0, 0, >0 as a is less than, equal to or greater than b. */
int value_number_compare(const struct value_number *a, const struct value_number *b);

/* A point in time: seconds since 1970-01-01T00:00:00Z and nanoseconds. */
struct value_instant {
	int64_t seconds;
	int32_t nanos;
};

/* Parses what contact_is_timestamp accepts (the rule of TIMESTAMP columns).
 * A date alone is midnight; no offset means UTC. */
bool value_instant_parse(const char *v, size_t len, struct value_instant *out);
int value_instant_compare(const struct value_instant *a, const struct value_instant *b);

/* Case-insensitive (ASCII letters) ordering of text. */
int value_text_compare(const char *a, const char *b);

#endif

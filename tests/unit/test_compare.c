/* Unit tests of typed value comparison (model/compare.c): exact decimal
 * numbers, ISO-8601 instants and case-insensitive text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "model/compare.h"

struct pair {
	const char *a, *b;
	int order; /* sign of compare(a, b) */
};

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static void numbers_compare_by_value(void **state)
{
	(void)state;
	static const struct pair pairs[] = {
		{"007", "7", 0},
		{"20.50", "20.5", 0},
		{"1e1", "10", 0},
		{"0.7E+1", "7", 0},
		{"-0", "0", 0},
		{"0.000", "+0", 0},
		{".5", "0.5", 0},
		{"5.", "5", 0},
		{"100", "1e2", 0},
		{"9", "10", -1},
		{"-10", "-9", -1},
		{"-1", "0", -1},
		{"0.1", "0.09", 1},
		{"12345678901234567", "12345678901234568", -1},
		{"1e-400", "0", 1},
		{"1e-400", "1e-399", -1},
		{"123.456", "123.4561", -1},
		{"-123.456", "-123.4561", 1},
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		struct value_number a, b;
		assert_true(value_number_parse(pairs[i].a, strlen(pairs[i].a), &a));
		assert_true(value_number_parse(pairs[i].b, strlen(pairs[i].b), &b));
		if (sign(value_number_compare(&a, &b)) != pairs[i].order ||
		    sign(value_number_compare(&b, &a)) != -pairs[i].order)
			fail_msg("%s vs %s should be %d", pairs[i].a, pairs[i].b, pairs[i].order);
	}
}

static void numbers_refuse_what_the_rule_refuses(void **state)
{
	(void)state;
	static const char *const bad[] = {"",	  "abc", "7a", "1e",	"e1", ".",
					  "0x10", "inf", " 7", "1e999", NULL};
	struct value_number n;
	for (const char *const *p = bad; *p; p++)
		if (value_number_parse(*p, strlen(*p), &n))
			fail_msg("%s should not be a number", *p);
}

static void instants_compare_by_time(void **state)
{
	(void)state;
	static const struct pair pairs[] = {
		{"2024-01-05T10:00:00Z", "2024-01-05T12:00:00+02:00", 0},
		{"2024-01-05T10:00:00Z", "2024-01-05T05:30:00-0430", 0},
		{"2024-01-05T10:00Z", "2024-01-05 10:00:00.000", 0},
		{"2024-01-05", "2024-01-05T00:00:00Z", 0},
		{"2024-01-05T11:00:00+02:00", "2024-01-05T10:00:00Z", -1},
		{"2024-01-05T10:00:00.1Z", "2024-01-05T10:00:00.099999999Z", 1},
		{"2024-02-29", "2024-03-01", -1},
		{"1969-12-31T23:59:59Z", "1970-01-01", -1},
		{"2023-12-31T23:59:60Z", "2024-01-01T00:00:00Z", 0},
		{"0001-01-01", "9999-12-31", -1},
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		struct value_instant a, b;
		assert_true(value_instant_parse(pairs[i].a, strlen(pairs[i].a), &a));
		assert_true(value_instant_parse(pairs[i].b, strlen(pairs[i].b), &b));
		if (sign(value_instant_compare(&a, &b)) != pairs[i].order ||
		    sign(value_instant_compare(&b, &a)) != -pairs[i].order)
			fail_msg("%s vs %s should be %d", pairs[i].a, pairs[i].b, pairs[i].order);
	}
	struct value_instant epoch;
	assert_true(value_instant_parse("1970-01-02T01:00:00+01:00", 25, &epoch));
	assert_int_equal(epoch.seconds, 86400);
	assert_int_equal(epoch.nanos, 0);
}

static void instants_refuse_what_the_rule_refuses(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "2024", "2024-02-30", "2023-02-29", "yesterday", "2024-01-05T25:00Z", NULL};
	struct value_instant t;
	for (const char *const *p = bad; *p; p++)
		if (value_instant_parse(*p, strlen(*p), &t))
			fail_msg("%s should not be a timestamp", *p);
}

static void text_ignores_case(void **state)
{
	(void)state;
	assert_int_equal(value_text_compare("Ann", "aNN"), 0);
	assert_true(value_text_compare("bob", "CID") < 0);
	assert_true(value_text_compare("", "a") < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbers_compare_by_value),
		cmocka_unit_test(numbers_refuse_what_the_rule_refuses),
		cmocka_unit_test(instants_compare_by_time),
		cmocka_unit_test(instants_refuse_what_the_rule_refuses),
		cmocka_unit_test(text_ignores_case),
	};
	return cmocka_run_group_tests_name("compare", tests, NULL, NULL);
}

/* Unit tests of path segments: percent-encoding and decoding (common/uri)
 * and the router's split-then-decode-once rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/strbuf.h"
#include "common/uri.h"
#include "http/router.h"

static void encode_writes_every_reserved_byte_as_hex(void **state)
{
	(void)state;
	struct strbuf b = {0};
	const char id[] = "ACC/2024/7 ?#%+;Zo\xc3\xab-\xc3\xbc._~";
	uri_segment_encode(&b, id, strlen(id));
	assert_string_equal(b.data, "ACC%2F2024%2F7%20%3F%23%25%2B%3BZo%C3%AB-%C3%BC._~");
	strbuf_release(&b);
	uri_segment_encode(&b, "a%2Fb", 5);
	assert_string_equal(b.data, "a%252Fb");
	strbuf_release(&b);
}

static enum uri_error decode(const char *raw, char *out, size_t *at)
{
	size_t len;
	*at = 99;
	return uri_segment_decode(raw, strlen(raw), out, &len, at);
}

static void decode_once_and_refuse_what_is_not_text(void **state)
{
	(void)state;
	char out[64];
	size_t at;
	assert_int_equal(decode("ACC%2F2024%2f7", out, &at), URI_OK);
	assert_string_equal(out, "ACC/2024/7");
	assert_int_equal(decode("a%252Fb+c", out, &at), URI_OK);
	assert_string_equal(out, "a%2Fb+c"); /* once, and '+' is not a space here */
	assert_int_equal(decode("Zo%C3%AB", out, &at), URI_OK);
	assert_string_equal(out, "Zo\xc3\xab");
	assert_int_equal(decode("", out, &at), URI_OK);
	assert_string_equal(out, "");
	assert_int_equal(decode("ab%G1", out, &at), URI_BAD_ESCAPE);
	assert_int_equal(at, 2);
	assert_int_equal(decode("ab%4", out, &at), URI_BAD_ESCAPE);
	assert_int_equal(at, 2);
	assert_int_equal(decode("%", out, &at), URI_BAD_ESCAPE);
	assert_int_equal(at, 0);
	assert_int_equal(decode("x%00y", out, &at), URI_NUL);
	assert_int_equal(at, 1);
	assert_int_equal(decode("%FF", out, &at), URI_NOT_UTF8);
	assert_int_equal(decode("%C3", out, &at), URI_NOT_UTF8);
	assert_int_equal(decode("\xc3(", out, &at), URI_NOT_UTF8);
}

struct test_route {
	struct http_route http;
	int id;
};

static const struct test_route routes[] = {
	{{"GET", "/lists/{id}"}, 1},
	{{"GET", "/lists/views"}, 2},
	{{"GET", "/lists/{id}/contacts/{contactId}"}, 3},
	{{"DELETE", "/lists/{id}/contacts/{contactId}"}, 4},
};

static struct route_match m;

static int route(const char *method, const char *path)
{
	enum route_result r = router_match(routes, 4, sizeof(routes[0]), method, path, &m);
	return r == ROUTE_FOUND ? routes[m.index].id : -(int)r;
}

static void router_splits_then_decodes(void **state)
{
	(void)state;
	assert_int_equal(route("GET", "/lists/L/contacts/ACC%2F2024%2F7"), 3);
	assert_string_equal(m.params[0], "L");
	assert_string_equal(m.params[1], "ACC/2024/7");
	assert_int_equal(route("GET", "/lists/L/contacts/a%252Fb"), 3);
	assert_string_equal(m.params[1], "a%2Fb");
	/* A decoded '/' never splits: this is not a contacts path. */
	assert_int_equal(route("GET", "/lists/a%2Fcontacts%2Fb"), 1);
	assert_string_equal(m.params[0], "a/contacts/b");
	/* Unreserved characters may be encoded; literals compare decoded. */
	assert_int_equal(route("GET", "/lists/vi%65ws"), 2);
	assert_int_equal(route("GET", "/lists/L/contacts/ACC/2024/7"), -404);
}

static void router_names_a_bad_segment(void **state)
{
	(void)state;
	assert_int_equal(route("GET", "/lists/L/contacts/ACC%G1"), -400);
	assert_int_equal(m.bad_position, 4);
	assert_string_equal(m.bad_name, "contactId");
	assert_string_equal(m.bad_text, "ACC%G1");
	assert_non_null(strstr(m.bad_reason, "\"%G1\" at byte 4"));
	/* Whatever the method, before 405. */
	assert_int_equal(route("PUT", "/lists/L/contacts/x%4"), -400);
	assert_string_equal(m.bad_name, "contactId");
	assert_non_null(strstr(m.bad_reason, "\"%4\" at byte 2"));
	assert_int_equal(route("GET", "/lists/L/contacts/x%00"), -400);
	assert_non_null(strstr(m.bad_reason, "NUL"));
	assert_int_equal(route("GET", "/lists/%FF%FE"), -400);
	assert_string_equal(m.bad_name, "id");
	assert_non_null(strstr(m.bad_reason, "UTF-8"));
	/* Raw bytes that are not UTF-8 are shown as %XX, so the message is text. */
	assert_int_equal(route("GET", "/lists/\xff"), -400);
	assert_string_equal(m.bad_text, "%FF");
	/* A literal position, or no route at all: named by position. */
	assert_int_equal(route("GET", "/li%ZZsts/L"), -400);
	assert_int_equal(m.bad_position, 1);
	assert_string_equal(m.bad_name, "");
	assert_int_equal(route("GET", "/nothing/here/%"), -400);
	assert_int_equal(m.bad_position, 3);
	assert_string_equal(m.bad_name, "");
}

static void router_shows_long_segments_cut(void **state)
{
	(void)state;
	char path[1200] = "/lists/L/contacts/";
	size_t n = strlen(path);
	for (size_t i = 0; i < 300; i++)
		memcpy(path + n + i * 3, "%E9", 3); /* Latin-1, not UTF-8 */
	path[n + 900] = '\0';
	assert_int_equal(route("GET", path), -400);
	assert_int_equal(strlen(m.bad_text), 64 + 3);
	assert_non_null(strstr(m.bad_text, "..."));
	/* Longer than the scratch holds: no route's path. */
	static char huge[ROUTER_SCRATCH + 64];
	memset(huge, 'a', sizeof(huge) - 1);
	memcpy(huge, "/lists/", 7);
	assert_int_equal(route("GET", huge), -404);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(encode_writes_every_reserved_byte_as_hex),
		cmocka_unit_test(decode_once_and_refuse_what_is_not_text),
		cmocka_unit_test(router_splits_then_decodes),
		cmocka_unit_test(router_names_a_bad_segment),
		cmocka_unit_test(router_shows_long_segments_cut),
	};
	return cmocka_run_group_tests_name("uri and router", tests, NULL, NULL);
}

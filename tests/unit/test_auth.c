/* Unit tests of grants, credentials, the rate limiter, the form decoder
 * and the router. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/ratelimit.h"
#include "auth/credentials.h"
#include "auth/permissions.h"
#include "http/form.h"
#include "http/router.h"

static permission_set grant(const char *g)
{
	permission_set s = 0;
	assert_int_equal(grant_parse(g, &s), 0);
	return s;
}

static void grants_map_to_permissions(void **state)
{
	(void)state;
	assert_int_equal(grant("outbound:contactList:add"), PERM(CONTACT_LIST_ADD));
	assert_int_equal(grant("OUTBOUND:CONTACTLIST:ADD"), PERM(CONTACT_LIST_ADD));
	assert_int_equal(grant("outbound"), PERM_ALL);
	assert_int_equal(grant("*"), PERM_ALL);
	assert_int_equal(grant("outbound:*:*"), PERM_ALL);
	assert_int_equal(grant("outbound:*:view"), PERM(CONTACT_LIST_VIEW) | PERM(CONTACT_VIEW) |
							   PERM(TEMPLATE_VIEW) | PERM(FILTER_VIEW));
	assert_int_equal(grant("outbound:contactListTemplate:*"),
			 PERM(TEMPLATE_ADD) | PERM(TEMPLATE_VIEW) | PERM(TEMPLATE_EDIT) |
				 PERM(TEMPLATE_DELETE));
	assert_int_equal(grant("outbound:contact:*"), PERM(CONTACT_ADD) | PERM(CONTACT_VIEW) |
							      PERM(CONTACT_EDIT) |
							      PERM(CONTACT_DELETE));
	assert_int_equal(grant("outbound:readonly"),
			 PERM(CONTACT_LIST_VIEW) | PERM(CONTACT_LIST_SEARCH) | PERM(CONTACT_VIEW) |
				 PERM(TEMPLATE_VIEW) | PERM(FILTER_VIEW));
	assert_int_equal(grant("outbound:contactlist:write"),
			 PERM(CONTACT_LIST_ADD) | PERM(CONTACT_LIST_EDIT) |
				 PERM(CONTACT_LIST_DELETE) | PERM(TEMPLATE_ADD) |
				 PERM(TEMPLATE_EDIT) | PERM(TEMPLATE_DELETE));
	assert_int_equal(grant("outbound:contact:read"), PERM(CONTACT_VIEW));
	permission_set s;
	assert_int_equal(grant_parse("outbound:contactList", &s), -1);
	assert_int_equal(grant_parse("outbound:typo:add", &s), -1);
	assert_int_equal(grant_parse("a:b:c:d", &s), -1);
	assert_int_equal(grant_parse("", &s), -1);
	assert_int_equal(grant_parse("::", &s), -1);
}

static void grant_lists(void **state)
{
	(void)state;
	char scratch[256];
	const char *bad;
	permission_set s;
	assert_int_equal(grant_list_parse("outbound:contact:read, outbound:contactlist:read", &s,
					  scratch, sizeof(scratch), &bad),
			 0);
	assert_int_equal(s, PERM(CONTACT_VIEW) | PERM(CONTACT_LIST_VIEW) |
				    PERM(CONTACT_LIST_SEARCH) | PERM(TEMPLATE_VIEW));
	assert_int_equal(
		grant_list_parse("outbound:contact:read nope", &s, scratch, sizeof(scratch), &bad),
		-1);
	assert_string_equal(bad, "nope");
	assert_int_equal(grant_list_parse(" , ", &s, scratch, sizeof(scratch), &bad), -1);
	char missing[256];
	permission_missing(PERM(CONTACT_LIST_VIEW) | PERM(CONTACT_VIEW), PERM(CONTACT_VIEW),
			   missing, sizeof(missing));
	assert_string_equal(missing, "outbound:contactList:view");
}

static void secrets_are_random_and_hashes_compare(void **state)
{
	(void)state;
	assert_int_equal(credentials_init(), 0);
	char a[SECRET_STR_LEN], b[SECRET_STR_LEN];
	credentials_new_secret(a);
	credentials_new_secret(b);
	assert_int_equal(strlen(a), 43);
	assert_string_not_equal(a, b);
	assert_int_equal(
		strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
	char ha[HASH_HEX_LEN], ha2[HASH_HEX_LEN], hb[HASH_HEX_LEN];
	credentials_hash(a, strlen(a), ha);
	credentials_hash(a, strlen(a), ha2);
	credentials_hash(b, strlen(b), hb);
	assert_int_equal(strlen(ha), 64);
	assert_true(credentials_hash_equal(ha, ha2));
	assert_false(credentials_hash_equal(ha, hb));
	assert_false(credentials_hash_equal(ha, "short"));
	assert_null(strstr(ha, a));
}

static void rate_limiter_windows(void **state)
{
	(void)state;
	struct rate_limiter *rl = rate_limiter_new(3, 60);
	struct rate_verdict v;
	for (int i = 1; i <= 3; i++) {
		rate_limiter_hit(rl, "t:a", 1000, true, &v);
		assert_true(v.allowed);
		assert_int_equal(v.count, (unsigned)i);
	}
	rate_limiter_hit(rl, "t:a", 30000, true, &v);
	assert_false(v.allowed);
	assert_int_equal(v.reset_s, 30); /* windows are aligned: this one ends at 60 s */
	rate_limiter_hit(rl, "t:b", 30000, true, &v); /* another key, its own budget */
	assert_true(v.allowed);
	rate_limiter_hit(rl, "t:a", 61000, true, &v); /* a new window */
	assert_true(v.allowed);
	assert_int_equal(v.count, 1);
	rate_limiter_free(rl);
	rl = rate_limiter_new(0, 60); /* off */
	for (int i = 0; i < 1000; i++)
		rate_limiter_hit(rl, "k", 0, true, &v);
	assert_true(v.allowed);
	rate_limiter_free(rl);
}

/* Two servers' limiters on one database (two connections to one SQLite
 * file): each counts locally and learns the other's counts at a sync. */
static void rate_limiter_shares_through_the_store(void **state)
{
	(void)state;
	char path[] = "/tmp/dialbook-rate-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path); /* store_open creates it */
	struct store *sa, *sb;
	char err[256];
	assert_int_equal(store_open(path, &sa, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_open(path, &sb, err, sizeof(err)), STORE_OK);
	struct rate_limiter *a = rate_limiter_new(5, 60), *b = rate_limiter_new(5, 60);
	struct rate_verdict v;
	for (int i = 0; i < 3; i++)
		rate_limiter_hit(a, "t:k", 1000, true, &v);
	assert_int_equal(rate_limiter_sync(a, sa, 1100), STORE_OK);
	rate_limiter_hit(b, "t:k", 1200, true, &v); /* b has not heard of a's 3 yet */
	assert_true(v.allowed);
	assert_int_equal(v.count, 1);
	assert_int_equal(rate_limiter_sync(b, sb, 1300), STORE_OK);
	rate_limiter_hit(b, "t:k", 1400, true, &v); /* now it has: 3 + 2 */
	assert_true(v.allowed);
	assert_int_equal(v.count, 5);
	rate_limiter_hit(b, "t:k", 1500, true, &v);
	assert_false(v.allowed);
	assert_int_equal(rate_limiter_sync(b, sb, 1600), STORE_OK);
	assert_int_equal(rate_limiter_sync(a, sa, 1700), STORE_OK);
	rate_limiter_hit(a, "t:k", 1800, true, &v); /* a learned b's 3 */
	assert_false(v.allowed);
	assert_int_equal(v.count, 7);
	rate_limiter_hit(a, "t:other", 1800, true, &v); /* another key, its own budget */
	assert_true(v.allowed);
	/* A store that cannot be reached keeps the counts for the next sync. */
	assert_int_equal(rate_limiter_sync(a, NULL, 1900), STORE_FAILED);
	assert_int_equal(rate_limiter_sync(a, sa, 2000), STORE_OK);
	rate_limiter_hit(b, "t:other", 2050, true, &v); /* a key b has not seen: its own only */
	assert_int_equal(v.count, 1);
	assert_int_equal(rate_limiter_sync(b, sb, 2100), STORE_OK);
	rate_limiter_hit(b, "t:other", 2200, true, &v); /* a's one arrived after all */
	assert_int_equal(v.count, 3);
	/* The next window starts from nothing, on both. */
	rate_limiter_hit(a, "t:k", 61000, true, &v);
	assert_true(v.allowed);
	assert_int_equal(v.count, 1);
	rate_limiter_free(a);
	rate_limiter_free(b);
	store_close(sa);
	store_close(sb);
	char more[64];
	unlink(path);
	snprintf(more, sizeof(more), "%s-wal", path);
	unlink(more);
	snprintf(more, sizeof(more), "%s-shm", path);
	unlink(more);
	snprintf(more, sizeof(more), "%s.files", path);
	rmdir(more);
}

static void rate_limiter_survives_many_keys(void **state)
{
	(void)state;
	struct rate_limiter *rl = rate_limiter_new(1, 60);
	struct rate_verdict v;
	char key[32];
	for (int i = 0; i < 20000; i++) {
		snprintf(key, sizeof(key), "ip:%d", i);
		rate_limiter_hit(rl, key, i, true, &v);
		assert_true(v.allowed);
	}
	rate_limiter_free(rl);
}

static void form_decoding(void **state)
{
	(void)state;
	struct form f;
	char err[128];
	const char *body = "grant_type=client_credentials&scope=a+b%3Ac&empty=&flag";
	assert_int_equal(form_parse(body, strlen(body), &f, err, sizeof(err)), 0);
	assert_string_equal(form_get(&f, "grant_type", NULL), "client_credentials");
	assert_string_equal(form_get(&f, "scope", NULL), "a b:c");
	assert_string_equal(form_get(&f, "empty", NULL), "");
	assert_string_equal(form_get(&f, "flag", NULL), "");
	assert_null(form_get(&f, "missing", NULL));
	form_release(&f);
	int repeated;
	assert_int_equal(form_parse("a=1&a=2", 7, &f, err, sizeof(err)), 0);
	assert_string_equal(form_get(&f, "a", &repeated), "1");
	assert_true(repeated);
	form_release(&f);
	static const char *const bad[] = {"a=%", "a=%4", "a=%zz", "a=%00", NULL};
	for (const char *const *b = bad; *b; b++) {
		assert_int_equal(form_parse(*b, strlen(*b), &f, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "escape"));
		form_release(&f);
	}
	assert_int_equal(form_parse("a\0b", 3, &f, err, sizeof(err)), -1);
	form_release(&f);
}

struct test_route {
	struct http_route http;
	int id;
};

static const struct test_route routes[] = {
	{{"GET", "/lists"}, 1},	      {{"POST", "/lists"}, 2},
	{{"GET", "/lists/{id}"}, 3},  {{"PUT", "/lists/{id}"}, 4},
	{{"GET", "/lists/views"}, 5}, {{"GET", "/lists/{id}/contacts/{cid}"}, 6},
};

static int route(const char *method, const char *path, const char **p0, const char **p1,
		 char *allow)
{
	static struct route_match m; /* the params point into it */
	enum route_result r = router_match(routes, 6, sizeof(routes[0]), method, path, &m);
	if (allow)
		snprintf(allow, 64, "%s", m.allow);
	if (r != ROUTE_FOUND)
		return -(int)r;
	if (p0)
		*p0 = m.param_count > 0 ? m.params[0] : NULL;
	if (p1)
		*p1 = m.param_count > 1 ? m.params[1] : NULL;
	return routes[m.index].id;
}

static void router_prefers_literals_and_reports_methods(void **state)
{
	(void)state;
	const char *p0, *p1;
	char allow[64];
	assert_int_equal(route("GET", "/lists", NULL, NULL, NULL), 1);
	assert_int_equal(route("GET", "/lists/", NULL, NULL, NULL), 1);
	assert_int_equal(route("GET", "/lists/views", NULL, NULL, NULL), 5);
	assert_int_equal(route("GET", "/lists/abc", &p0, NULL, NULL), 3);
	assert_string_equal(p0, "abc");
	assert_int_equal(route("GET", "/lists/a/contacts/b", &p0, &p1, NULL), 6);
	assert_string_equal(p0, "a");
	assert_string_equal(p1, "b");
	assert_int_equal(route("DELETE", "/lists/abc", NULL, NULL, allow), -405);
	assert_string_equal(allow, "GET, HEAD, PUT");
	assert_int_equal(route("PUT", "/lists/views", NULL, NULL, allow), -405);
	assert_string_equal(allow, "GET, HEAD");
	/* HEAD is served by a GET route. */
	assert_int_equal(route("HEAD", "/lists/abc", &p0, NULL, NULL), 3);
	assert_string_equal(p0, "abc");
	assert_int_equal(route("HEAD", "/lists/views", NULL, NULL, NULL), 5);
	assert_int_equal(route("GET", "/nothing", NULL, NULL, NULL), -404);
	assert_int_equal(route("GET", "/lists/a/b", NULL, NULL, NULL), -404);
	assert_int_equal(route("GET", "/a/b/c/d/e/f/g/h/i/j/k/l/m/n", NULL, NULL, NULL), -404);
	assert_int_equal(route("GET", "", NULL, NULL, NULL), -404);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(grants_map_to_permissions),
		cmocka_unit_test(grant_lists),
		cmocka_unit_test(secrets_are_random_and_hashes_compare),
		cmocka_unit_test(rate_limiter_windows),
		cmocka_unit_test(rate_limiter_shares_through_the_store),
		cmocka_unit_test(rate_limiter_survives_many_keys),
		cmocka_unit_test(form_decoding),
		cmocka_unit_test(router_prefers_literals_and_reports_methods),
	};
	return cmocka_run_group_tests_name("auth and http", tests, NULL, NULL);
}

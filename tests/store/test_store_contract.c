/* The store contract: what every backend must do, through the store_*
 * facade only (store.h), as any caller sees it.
 *
 * DIALBOOK_TEST_STORE names the store to run against: a location as
 * store_open takes it (a SQLite database path, or a libpq URI
 * "postgresql://user:password@host:port/database"). Unset, each test
 * gets a new SQLite file in a temporary directory, or with
 * DIALBOOK_TEST_PG (a libpq URI of a PostgreSQL server) a new database on
 * that server, dropped after the test. Set, every test uses
 * that one store and leaves its data there, so the tests never assume an
 * empty store: each makes its own organizations (unique names), lists
 * (unique ids) and jobs, and looks only at those. Example:
 *   DIALBOOK_TEST_STORE=/tmp/shared.db build/test_store_contract */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "common/timeutil.h"
#include "store/store.h"

struct fixture {
	char dir[64];	    /* scratch, always a new temporary directory */
	char location[512]; /* the store under test */
	char database[64];  /* with DIALBOOK_TEST_PG: the test's database, dropped after */
	struct store *s;
};

/* Runs sql on conn; fails the test when it fails. */
static void pg_must(PGconn *conn, const char *sql)
{
	PGresult *r = PQexec(conn, sql);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(conn));
	PQclear(r);
}

/* Creates database "<prefix><8 hex digits>" on the server of `server`
 * (a libpq URI) and writes its name and its URI (server's, with the
 * database replaced) to name and uri. */
static void pg_create_database(const char *server, const char *prefix, char *name, size_t name_size,
			       char *uri, size_t uri_size)
{
	PGconn *admin = PQconnectdb(server);
	if (PQstatus(admin) != CONNECTION_OK)
		fail_msg("cannot connect to %s: %s", server, PQerrorMessage(admin));
	char id[UUID_STR_LEN], sql[128];
	text_uuid_new(id);
	snprintf(name, name_size, "%s%.8s", prefix, id);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	pg_must(admin, sql);
	PQfinish(admin);
	/* The database is the URI's path: after the authority, before '?'. */
	const char *auth = strstr(server, "://") + 3;
	const char *path = auth + strcspn(auth, "/?");
	const char *query = strchr(path, '?');
	snprintf(uri, uri_size, "%.*s/%s%s", (int)(path - server), server, name,
		 query ? query : "");
}

/* Drops database `name` of the server of `server`, sessions and all. */
static void pg_drop_database(const char *server, const char *name)
{
	PGconn *admin = PQconnectdb(server);
	char sql[160];
	snprintf(sql, sizeof(sql), "DROP DATABASE %s WITH (FORCE)", name);
	pg_must(admin, sql);
	PQfinish(admin);
}

/* DIALBOOK_TEST_PG (a libpq URI of a PostgreSQL server where the test may
 * create databases): each test gets a new, empty database of its own. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/dialbook-store-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	const char *named = getenv("DIALBOOK_TEST_STORE");
	const char *pg = getenv("DIALBOOK_TEST_PG");
	if (named && *named)
		snprintf(f->location, sizeof(f->location), "%s", named);
	else if (pg && *pg)
		pg_create_database(pg, "dialbook_contract_", f->database, sizeof(f->database),
				   f->location, sizeof(f->location));
	else
		snprintf(f->location, sizeof(f->location), "%s/store.db", f->dir);
	char err[256];
	if (store_open(f->location, &f->s, err, sizeof(err)) != STORE_OK)
		fail_msg("cannot open the store %s: %s", f->location, err);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	store_close(f->s);
	if (f->database[0])
		pg_drop_database(getenv("DIALBOOK_TEST_PG"), f->database);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* A name no other run has used: "<base>-<8 hex digits>". */
static void unique_name(char *out, size_t size, const char *base)
{
	char id[UUID_STR_LEN];
	text_uuid_new(id);
	snprintf(out, size, "%s-%.8s", base, id);
}

static struct org new_org(const char *base)
{
	struct org o;
	memset(&o, 0, sizeof(o));
	text_uuid_new(o.id);
	text_uuid_new(o.home_division_id);
	unique_name(o.name, sizeof(o.name), base);
	o.date_created = time_now_ms();
	return o;
}

static struct org add_org(struct store *s, const char *base)
{
	struct org o = new_org(base);
	assert_int_equal(store_org_add(s, &o), STORE_OK);
	return o;
}

static void make_list(struct contact_list *cl, const struct org *o, const char *name)
{
	memset(cl, 0, sizeof(*cl));
	text_uuid_new(cl->id);
	snprintf(cl->org_id, sizeof(cl->org_id), "%s", o->id);
	snprintf(cl->division_id, sizeof(cl->division_id), "%s", o->home_division_id);
	cl->name = strdup(name);
	cl->version = 1;
	cl->date_created = cl->date_modified = time_now_ms();
	cl->doc = json_pack("{s:s,s:[s]}", "name", name, "columnNames", "a");
}

/* A list of the org, stored; the caller releases it. */
static void add_list(struct store *s, struct contact_list *cl, const struct org *o,
		     const char *name)
{
	make_list(cl, o, name);
	assert_int_equal(store_list_create(s, cl, 100), STORE_OK);
}

static void orgs(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	int64_t before = -1, after = -1;
	assert_int_equal(store_org_count(s, &before), STORE_OK);
	struct org a = add_org(s, "acme"), got;
	struct org again = new_org("acme");
	snprintf(again.name, sizeof(again.name), "%s", a.name);
	assert_int_equal(store_org_add(s, &again), STORE_CONFLICT); /* the name */
	again = new_org("other");
	snprintf(again.id, sizeof(again.id), "%s", a.id);
	assert_int_equal(store_org_add(s, &again), STORE_CONFLICT); /* the id */
	assert_int_equal(store_org_get_by_name(s, a.name, &got), STORE_OK);
	assert_string_equal(got.id, a.id);
	assert_string_equal(got.home_division_id, a.home_division_id);
	assert_int_equal(got.date_created, a.date_created);
	assert_int_equal(store_org_get(s, a.id, &got), STORE_OK);
	assert_string_equal(got.name, a.name);
	assert_int_equal(store_org_get(s, "nope", &got), STORE_NOT_FOUND);
	char upper[sizeof(a.name)];
	snprintf(upper, sizeof(upper), "ACME%s", a.name + 4);
	assert_int_equal(store_org_get_by_name(s, upper, &got), STORE_NOT_FOUND);
	assert_int_equal(store_org_count(s, &after), STORE_OK);
	assert_true(after >= before + 1);
}

struct client_count {
	const char *org_id;
	int n;
};

static int count_clients(const struct oauth_client *c, void *ctx)
{
	struct client_count *cc = ctx;
	if (strcmp(c->org_id, cc->org_id) == 0)
		cc->n++;
	return 0;
}

static struct token_info a_token(const struct oauth_client *c, int64_t expires_at)
{
	struct token_info t = {.permissions = PERM_ALL, .expires_at = expires_at};
	snprintf(t.client_id, sizeof(t.client_id), "%s", c->id);
	snprintf(t.org_id, sizeof(t.org_id), "%s", c->org_id);
	return t;
}

/* A token hash no other run has used. */
static void a_hash(char out[UUID_STR_LEN])
{
	text_uuid_new(out);
}

static void clients_and_tokens(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	struct org o = add_org(s, "acme");
	struct oauth_client c = {0}, got;
	text_uuid_new(c.id);
	snprintf(c.org_id, sizeof(c.org_id), "%s", o.id);
	snprintf(c.name, sizeof(c.name), "ci");
	snprintf(c.grants, sizeof(c.grants), "outbound");
	snprintf(c.secret_hash, sizeof(c.secret_hash), "%064d", 7);
	c.date_created = 42;
	assert_int_equal(store_client_add(s, &c), STORE_OK);
	assert_int_equal(store_client_add(s, &c), STORE_CONFLICT);
	struct oauth_client orphan = c;
	text_uuid_new(orphan.id);
	text_uuid_new(orphan.org_id);
	assert_int_equal(store_client_add(s, &orphan), STORE_NOT_FOUND); /* no such org */
	assert_int_equal(store_client_get(s, c.id, &got), STORE_OK);
	assert_string_equal(got.org_name, o.name);
	assert_string_equal(got.grants, "outbound");
	assert_string_equal(got.secret_hash, c.secret_hash);
	assert_false(got.revoked);
	struct client_count cc = {o.id, 0};
	assert_int_equal(store_client_list(s, count_clients, &cc), STORE_OK);
	assert_int_equal(cc.n, 1);

	int64_t now = time_now_ms();
	struct token_info t = a_token(&c, now + 60000), tg;
	char h1[UUID_STR_LEN], h2[UUID_STR_LEN], old_hash[UUID_STR_LEN];
	a_hash(h1);
	a_hash(h2);
	a_hash(old_hash);
	assert_int_equal(store_token_add(s, h1, &t), STORE_OK);
	assert_int_equal(store_token_get(s, h1, &tg), STORE_OK);
	assert_int_equal(tg.permissions, PERM_ALL);
	assert_int_equal(tg.expires_at, t.expires_at);
	assert_string_equal(tg.org_id, o.id);
	assert_int_equal(store_token_get(s, h2, &tg), STORE_NOT_FOUND);

	/* Expiry is the caller's clock: a token past it is found until swept. */
	struct token_info old = a_token(&c, now - 1);
	assert_int_equal(store_token_add(s, old_hash, &old), STORE_OK);
	assert_int_equal(store_token_get(s, old_hash, &tg), STORE_OK);
	int64_t swept = -1;
	assert_int_equal(store_tokens_expire(s, now, &swept), STORE_OK);
	assert_true(swept >= 1);
	assert_int_equal(store_token_get(s, old_hash, &tg), STORE_NOT_FOUND);
	assert_int_equal(store_token_get(s, h1, &tg), STORE_OK); /* not expired: kept */

	assert_int_equal(store_client_revoke(s, c.id), STORE_OK);
	assert_int_equal(store_token_get(s, h1, &tg), STORE_NOT_FOUND);
	assert_int_equal(store_client_get(s, c.id, &got), STORE_OK);
	assert_true(got.revoked);
	assert_int_equal(store_client_revoke(s, "nope"), STORE_NOT_FOUND);
}

static void lists_create_get_conflict_limit(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	struct org o = add_org(s, "acme"), other = add_org(s, "other");
	struct contact_list a, dup, got, b;
	make_list(&a, &o, "Spring");
	assert_int_equal(store_list_create(s, &a, 2), STORE_OK);
	assert_int_equal(store_list_get(s, o.id, a.id, &got), STORE_OK);
	assert_string_equal(got.name, "Spring");
	assert_int_equal(got.version, 1);
	assert_int_equal(got.date_created, a.date_created);
	assert_true(json_equal(got.doc, a.doc));
	contact_list_release(&got);
	assert_int_equal(store_list_get(s, other.id, a.id, &got), STORE_NOT_FOUND);

	make_list(&dup, &o, "SPRING");
	assert_int_equal(store_list_create(s, &dup, 2), STORE_CONFLICT);
	contact_list_release(&dup);
	make_list(&dup, &other, "spring"); /* another org may use the name */
	assert_int_equal(store_list_create(s, &dup, 2), STORE_OK);
	contact_list_release(&dup);
	struct org nobody = new_org("nobody"); /* never stored */
	make_list(&dup, &nobody, "x");
	assert_int_equal(store_list_create(s, &dup, 2), STORE_NOT_FOUND);
	contact_list_release(&dup);

	make_list(&b, &o, "Summer");
	assert_int_equal(store_list_create(s, &b, 2), STORE_OK);
	make_list(&dup, &o, "Autumn");
	assert_int_equal(store_list_create(s, &dup, 2), STORE_LIMIT);
	assert_int_equal(store_list_get(s, o.id, dup.id, &got), STORE_NOT_FOUND);
	contact_list_release(&dup);
	contact_list_release(&a);
	contact_list_release(&b);
}

static void lists_update_with_versions(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	struct org o = add_org(s, "acme");
	struct contact_list a, b, got;
	add_list(s, &a, &o, "one");
	add_list(s, &b, &o, "two");
	free(a.name);
	a.name = strdup("uno");
	a.version = 2;
	a.date_modified += 5;
	assert_int_equal(store_list_update(s, &a, 1), STORE_OK);
	assert_int_equal(store_list_update(s, &a, 1), STORE_STALE);
	assert_int_equal(store_list_get(s, o.id, a.id, &got), STORE_OK);
	assert_string_equal(got.name, "uno");
	assert_int_equal(got.version, 2);
	assert_int_equal(got.date_modified, a.date_modified);
	contact_list_release(&got);
	free(a.name);
	a.name = strdup("TWO");
	a.version = 3;
	assert_int_equal(store_list_update(s, &a, 2), STORE_CONFLICT);
	text_uuid_new(a.id);
	assert_int_equal(store_list_update(s, &a, 2), STORE_NOT_FOUND);
	contact_list_release(&a);
	contact_list_release(&b);
}

static int collect_names(const struct contact_list *cl, void *ctx)
{
	json_array_append_new(ctx, json_string(cl->name));
	return 0;
}

static size_t count_lists(struct store *s, const char *org_id)
{
	json_t *seen = json_array();
	assert_int_equal(store_list_scan(s, org_id, collect_names, seen), STORE_OK);
	size_t n = json_array_size(seen);
	json_decref(seen);
	return n;
}

static void lists_delete_and_scan(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	struct org o = add_org(s, "acme"), other = add_org(s, "other");
	struct contact_list l[3], foreign;
	const char *names[] = {"a", "b", "c"};
	for (int i = 0; i < 3; i++)
		add_list(s, &l[i], &o, names[i]);
	add_list(s, &foreign, &other, "x");

	const char *missing = NULL;
	const char *ids[] = {l[0].id, foreign.id};
	assert_int_equal(store_list_delete_many(s, o.id, ids, 2, &missing, NULL, NULL),
			 STORE_NOT_FOUND);
	assert_string_equal(missing, foreign.id);
	assert_int_equal(count_lists(s, o.id), 3); /* all or nothing */

	const char *two[] = {l[0].id, l[1].id};
	assert_int_equal(store_list_delete_many(s, o.id, two, 2, &missing, NULL, NULL), STORE_OK);
	assert_null(missing);
	assert_int_equal(store_list_delete(s, o.id, l[2].id, NULL, NULL), STORE_OK);
	assert_int_equal(store_list_delete(s, o.id, l[2].id, NULL, NULL), STORE_NOT_FOUND);
	assert_int_equal(store_list_delete(s, o.id, foreign.id, NULL, NULL), STORE_NOT_FOUND);
	assert_int_equal(count_lists(s, o.id), 0);
	assert_int_equal(count_lists(s, other.id), 1);
	for (int i = 0; i < 3; i++)
		contact_list_release(&l[i]);
	contact_list_release(&foreign);
}

static void data_survives_reopening(void **state)
{
	struct fixture *f = *state;
	struct org o = add_org(f->s, "acme");
	struct contact_list a, got;
	add_list(f->s, &a, &o, "kept");
	store_close(f->s);
	char err[256];
	assert_int_equal(store_open(f->location, &f->s, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_list_get(f->s, o.id, a.id, &got), STORE_OK);
	assert_string_equal(got.name, "kept");
	contact_list_release(&got);
	contact_list_release(&a);
	/* A second connection sees the same data (one connection per thread). */
	struct store *second;
	assert_int_equal(store_open(f->location, &second, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_org_get(second, o.id, &o), STORE_OK);
	store_close(second);
}

static struct contact_row row(const char *id, const char *packed)
{
	return (struct contact_row){.id = id,
				    .packed = packed,
				    .packed_len = strlen(packed),
				    .callable = true,
				    .date_created = 1,
				    .date_modified = 2};
}

static int collect_ids(const struct contact_record *c, void *ctx)
{
	json_array_append_new(ctx, json_string(c->id));
	return 0;
}

static int64_t size_of(struct store *s, const struct contact_list *cl)
{
	int64_t size = -1;
	assert_int_equal(store_list_size(s, cl->org_id, cl->id, &size), STORE_OK);
	return size;
}

static void contacts_upsert_count_and_limits(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	struct org o = add_org(s, "acme"), other = add_org(s, "other");
	struct contact_list a, b;
	add_list(s, &a, &o, "a");
	add_list(s, &b, &o, "b");
	struct contact_limits lim = {.per_list = 3, .per_org = 4};
	struct contact_row rows[] = {row("c1", "\x01x"), row("c2", "\x01y")};
	size_t added;
	assert_int_equal(store_contacts_upsert(s, o.id, a.id, rows, 2, &lim, &added), STORE_OK);
	assert_int_equal(added, 2);
	/* The same ids again: replaced, not added. */
	rows[0].packed = "\x01z";
	rows[0].meta = "{\"name\":\"n\"}";
	rows[0].date_created = 99;
	assert_int_equal(store_contacts_upsert(s, o.id, a.id, rows, 2, &lim, &added), STORE_OK);
	assert_int_equal(added, 0);
	assert_int_equal(size_of(s, &a), 2);
	struct contact_record rec;
	assert_int_equal(store_contact_get(s, o.id, a.id, "c1", &rec), STORE_OK);
	assert_int_equal(rec.packed_len, 2);
	assert_memory_equal(rec.packed, "\x01z", 2);
	assert_string_equal(rec.meta, "{\"name\":\"n\"}");
	assert_int_equal(rec.date_created, 1); /* kept from the first write */
	contact_record_release(&rec);
	assert_int_equal(store_contact_get(s, o.id, b.id, "c1", &rec), STORE_NOT_FOUND);

	/* Over the list limit: nothing of the batch is written. */
	struct contact_row more[] = {row("c3", "\x00"), row("c4", "\x00")};
	assert_int_equal(store_contacts_upsert(s, o.id, a.id, more, 2, &lim, &added), STORE_LIMIT);
	assert_int_equal(added, 0);
	assert_int_equal(store_contact_get(s, o.id, a.id, "c3", &rec), STORE_NOT_FOUND);
	/* Over the org limit (2 in a + 3 in b > 4). */
	struct contact_row three[] = {row("d1", "\x00"), row("d2", "\x00"), row("d3", "\x00")};
	assert_int_equal(store_contacts_upsert(s, o.id, b.id, three, 3, &lim, &added), STORE_LIMIT);
	assert_int_equal(size_of(s, &b), 0);
	/* Another org cannot write into the list. */
	assert_int_equal(store_contacts_upsert(s, other.id, a.id, more, 1, &lim, &added),
			 STORE_NOT_FOUND);

	json_t *ids = json_array();
	assert_int_equal(store_contacts_scan(s, o.id, a.id, collect_ids, ids), STORE_OK);
	assert_int_equal(json_array_size(ids), 2);
	assert_string_equal(json_string_value(json_array_get(ids, 0)), "c1");
	json_decref(ids);

	const char *del[] = {"c1", "nope"};
	size_t deleted;
	assert_int_equal(store_contacts_delete(s, o.id, a.id, del, 2, &deleted), STORE_OK);
	assert_int_equal(deleted, 1);
	assert_int_equal(store_contact_delete(s, o.id, a.id, "c1"), STORE_NOT_FOUND);
	assert_int_equal(size_of(s, &a), 1);
	assert_int_equal(store_contact_delete(s, o.id, a.id, "c2"), STORE_OK);
	assert_int_equal(size_of(s, &a), 0);
	assert_int_equal(store_contacts_upsert(s, o.id, a.id, rows, 2, &lim, &added), STORE_OK);
	assert_int_equal(store_contacts_clear(s, o.id, a.id), STORE_OK);
	assert_int_equal(size_of(s, &a), 0);

	/* Deleting a list deletes its contacts. */
	assert_int_equal(store_contacts_upsert(s, o.id, a.id, rows, 2, &lim, &added), STORE_OK);
	assert_int_equal(store_list_delete(s, o.id, a.id, NULL, NULL), STORE_OK);
	assert_int_equal(store_contacts_scan(s, o.id, a.id, collect_ids, NULL), STORE_NOT_FOUND);
	contact_list_release(&a);
	contact_list_release(&b);
}

/* store.h: an update keeps the system state it does not give, merges the
 * meta it gives, and clear_system resets the state first. */
/* store_contacts_get: the given ids' contacts in the order given, a
 * repeated id twice, missing ones left out, ids with the characters an
 * array literal must escape, another org's list not found. */
static void contacts_get_many_in_order(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	struct org o = add_org(s, "acme"), other = add_org(s, "other");
	struct contact_list a;
	add_list(s, &a, &o, "a");
	struct contact_limits lim = {.per_list = 100, .per_org = 100};
	struct contact_row rows[] = {row("c1", "\x01x"), row("q\"u,o{t}e\\", "\x01y"),
				     row("c3", "\x01z")};
	size_t added;
	assert_int_equal(store_contacts_upsert(s, o.id, a.id, rows, 3, &lim, &added), STORE_OK);
	const char *ids[] = {"c3", "missing", "q\"u,o{t}e\\", "c1", "c3"};
	json_t *got = json_array();
	assert_int_equal(store_contacts_get(s, o.id, a.id, ids, 5, collect_ids, got), STORE_OK);
	assert_int_equal(json_array_size(got), 4);
	const char *want[] = {"c3", "q\"u,o{t}e\\", "c1", "c3"};
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(json_string_value(json_array_get(got, i)), want[i]);
	json_decref(got);
	got = json_array();
	assert_int_equal(store_contacts_get(s, other.id, a.id, ids, 5, collect_ids, got),
			 STORE_NOT_FOUND);
	assert_int_equal(store_contacts_get(s, o.id, a.id, ids, 0, collect_ids, got), STORE_OK);
	assert_int_equal(json_array_size(got), 0);
	json_decref(got);
	contact_list_release(&a);
}

static void contacts_upsert_keeps_system_state(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	struct org o = add_org(s, "acme");
	struct contact_list a;
	add_list(s, &a, &o, "a");
	struct contact_limits lim = {.per_list = 10, .per_org = 10};
	struct contact_row r = row("p1", "\x01x");
	r.callable = false;
	r.callable_given = true;
	r.meta = "{\"name\":\"Kim\",\"phoneNumberStatus\":{\"home\":{\"callable\":false}}}";
	size_t added;
	assert_int_equal(store_contacts_upsert(s, o.id, a.id, &r, 1, &lim, &added), STORE_OK);

	struct contact_row update = row("p1", "\x01y"); /* no state given */
	assert_int_equal(store_contacts_upsert(s, o.id, a.id, &update, 1, &lim, &added), STORE_OK);
	struct contact_record rec;
	assert_int_equal(store_contact_get(s, o.id, a.id, "p1", &rec), STORE_OK);
	assert_false(rec.callable);
	assert_memory_equal(rec.packed, "\x01y", 2);
	json_t *meta = json_loads(rec.meta, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(meta, "name")), "Kim");
	assert_true(json_is_false(json_object_get(
		json_object_get(json_object_get(meta, "phoneNumberStatus"), "home"), "callable")));
	json_decref(meta);
	contact_record_release(&rec);

	/* Given entries are merged in; others stay. */
	update.meta = "{\"phoneNumberStatus\":{\"cell\":{\"callable\":false}}}";
	assert_int_equal(store_contacts_upsert(s, o.id, a.id, &update, 1, &lim, &added), STORE_OK);
	assert_int_equal(store_contact_get(s, o.id, a.id, "p1", &rec), STORE_OK);
	meta = json_loads(rec.meta, 0, NULL);
	assert_int_equal(json_object_size(json_object_get(meta, "phoneNumberStatus")), 2);
	json_decref(meta);
	contact_record_release(&rec);

	/* clear_system: callable again, statuses gone, the name kept. */
	update.meta = NULL;
	update.clear_system = true;
	assert_int_equal(store_contacts_upsert(s, o.id, a.id, &update, 1, &lim, &added), STORE_OK);
	assert_int_equal(store_contact_get(s, o.id, a.id, "p1", &rec), STORE_OK);
	assert_true(rec.callable);
	assert_string_equal(rec.meta, "{\"name\":\"Kim\"}");
	contact_record_release(&rec);
	contact_list_release(&a);
}

/* A batch as large as an import's (a backend may write it otherwise than
 * a few rows: PostgreSQL copies it into a staging table) keeps the same
 * rules: new and replaced contacts counted, system state kept unless
 * given, meta merged, clear_system, limits with nothing written. */
#define BIG_BATCH 300
static void contacts_upsert_in_large_batches(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	struct org o = add_org(s, "acme");
	struct contact_list a;
	add_list(s, &a, &o, "a");
	struct contact_limits lim = {.per_list = BIG_BATCH + 50, .per_org = 10000};
	static char ids[BIG_BATCH + 100][16];
	static struct contact_row rows[BIG_BATCH + 100];
	for (int i = 0; i < BIG_BATCH + 100; i++) {
		snprintf(ids[i], sizeof(ids[i]), "k%04d", i);
		rows[i] = row(ids[i], "\x01x");
	}
	rows[0].callable = false;
	rows[0].callable_given = true;
	rows[0].meta = "{\"name\":\"Kim\",\"phoneNumberStatus\":{\"home\":{\"callable\":false}}}";
	rows[1].meta = rows[0].meta;
	rows[2].meta = rows[0].meta;
	size_t added;
	assert_int_equal(store_contacts_upsert(s, o.id, a.id, rows, BIG_BATCH, &lim, &added),
			 STORE_OK);
	assert_int_equal(added, BIG_BATCH);

	/* The same ids again and 20 new: 0 keeps its state, 1 gets a status
	 * merged in, 2 is cleared. */
	for (int i = 0; i < BIG_BATCH + 20; i++) {
		rows[i] = row(ids[i], "\x02y");
		rows[i].date_created = 99;
	}
	rows[1].meta = "{\"phoneNumberStatus\":{\"cell\":{\"callable\":false}}}";
	rows[2].clear_system = true;
	assert_int_equal(store_contacts_upsert(s, o.id, a.id, rows, BIG_BATCH + 20, &lim, &added),
			 STORE_OK);
	assert_int_equal(added, 20);
	assert_int_equal(size_of(s, &a), BIG_BATCH + 20);
	struct contact_record rec;
	assert_int_equal(store_contact_get(s, o.id, a.id, ids[0], &rec), STORE_OK);
	assert_false(rec.callable);
	assert_memory_equal(rec.packed, "\x02y", 2);
	assert_int_equal(rec.date_created, 1);
	assert_int_equal(rec.date_modified, 2);
	assert_non_null(strstr(rec.meta, "\"Kim\""));
	contact_record_release(&rec);
	assert_int_equal(store_contact_get(s, o.id, a.id, ids[1], &rec), STORE_OK);
	json_t *meta = json_loads(rec.meta, 0, NULL);
	assert_int_equal(json_object_size(json_object_get(meta, "phoneNumberStatus")), 2);
	json_decref(meta);
	contact_record_release(&rec);
	assert_int_equal(store_contact_get(s, o.id, a.id, ids[2], &rec), STORE_OK);
	assert_true(rec.callable);
	assert_string_equal(rec.meta, "{\"name\":\"Kim\"}");
	contact_record_release(&rec);
	assert_int_equal(store_contact_get(s, o.id, a.id, ids[BIG_BATCH + 19], &rec), STORE_OK);
	assert_int_equal(rec.date_created, 99); /* new: as given */
	contact_record_release(&rec);

	/* Over the list's limit by the last 80: nothing of the batch written. */
	for (int i = 0; i < BIG_BATCH + 100; i++)
		rows[i] = row(ids[i], "\x03z");
	assert_int_equal(store_contacts_upsert(s, o.id, a.id, rows, BIG_BATCH + 100, &lim, &added),
			 STORE_LIMIT);
	assert_int_equal(added, 0);
	assert_int_equal(size_of(s, &a), BIG_BATCH + 20);
	assert_int_equal(store_contact_get(s, o.id, a.id, ids[0], &rec), STORE_OK);
	assert_memory_equal(rec.packed, "\x02y", 2);
	contact_record_release(&rec);
	assert_int_equal(store_contact_get(s, o.id, a.id, ids[BIG_BATCH + 99], &rec),
			 STORE_NOT_FOUND);

	/* One id twice in a batch: the second replaces the first. */
	rows[0] = row(ids[0], "4a");
	rows[1] = row(ids[0], "4b");
	rows[1].meta = "{\"name\":\"Lee\"}";
	assert_int_equal(store_contacts_upsert(s, o.id, a.id, rows, BIG_BATCH, &lim, &added),
			 STORE_OK);
	assert_int_equal(added, 0);
	assert_int_equal(store_contact_get(s, o.id, a.id, ids[0], &rec), STORE_OK);
	assert_memory_equal(rec.packed, "4b", 2);
	assert_non_null(strstr(rec.meta, "\"Lee\""));
	contact_record_release(&rec);
	contact_list_release(&a);
}

/* Job rows and the files they name (DESIGN.md §7: files have a lifetime
 * and an owner). */
static struct import_job an_import(const struct org *o, const char *list_id, enum job_state st,
				   int64_t created)
{
	struct import_job j = {.state = st, .date_created = created, .date_modified = created};
	text_uuid_new(j.id);
	snprintf(j.org_id, sizeof(j.org_id), "%s", o->id);
	snprintf(j.list_id, sizeof(j.list_id), "%s", list_id);
	snprintf(j.upload_key, sizeof(j.upload_key), "%s.upload.csv", j.id);
	snprintf(j.rejects_key, sizeof(j.rejects_key), "%s.rejects.csv", j.id);
	return j;
}

static struct export_job an_export(const struct org *o, const char *list_id, enum job_state st,
				   int64_t created)
{
	struct export_job e = {.state = st, .date_created = created, .date_modified = created};
	text_uuid_new(e.id);
	snprintf(e.org_id, sizeof(e.org_id), "%s", o->id);
	snprintf(e.list_id, sizeof(e.list_id), "%s", list_id);
	snprintf(e.file_key, sizeof(e.file_key), "%s.export.csv", e.id);
	return e;
}

/* Adds an import that has finished in state st (one may be active at once). */
static struct import_job add_finished_import(struct store *s, const struct org *o,
					     const char *list_id, enum job_state st,
					     int64_t created)
{
	struct import_job j = an_import(o, list_id, JOB_PENDING, created);
	assert_int_equal(store_import_add(s, &j), STORE_OK);
	j.state = st;
	assert_int_equal(store_import_update(s, &j), STORE_OK);
	return j;
}

static void import_and_export_jobs(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	struct org o = add_org(s, "acme");
	struct contact_list l;
	add_list(s, &l, &o, "l");
	struct import_job j = an_import(&o, l.id, JOB_PENDING, 1);
	assert_int_equal(store_import_add(s, &j), STORE_OK);
	struct import_job second = an_import(&o, l.id, JOB_PENDING, 1);
	assert_int_equal(store_import_add(s, &second), STORE_CONFLICT); /* one at a time */
	struct import_job nowhere = an_import(&o, "no-such-list", JOB_PENDING, 1);
	assert_int_equal(store_import_add(s, &nowhere), STORE_NOT_FOUND);
	j.state = JOB_RUNNING;
	j.completed = 5;
	assert_int_equal(store_import_update(s, &j), STORE_OK);
	struct import_job got;
	assert_int_equal(store_import_latest(s, o.id, l.id, &got), STORE_OK);
	assert_string_equal(got.id, j.id);
	assert_int_equal(got.state, JOB_RUNNING);
	assert_int_equal(got.completed, 5);

	struct export_job e = an_export(&o, l.id, JOB_RUNNING, 1);
	assert_int_equal(store_export_add(s, &e, 0), STORE_OK);
	struct export_job lost = an_export(&o, "no-such-list", JOB_RUNNING, 1);
	assert_int_equal(store_export_add(s, &lost, 0), STORE_NOT_FOUND);

	/* Their lease (none: 0) ended before 77: failed with the caller's words. */
	struct job_interruption why = {"INTERRUPTED", "stopped; upload again", "stopped", 77};
	int64_t n = -1;
	assert_int_equal(store_jobs_expire(s, &why, &n), STORE_OK);
	assert_true(n >= 1); /* and any other test's, on a shared store */
	assert_int_equal(store_import_get(s, o.id, j.id, &got), STORE_OK);
	assert_int_equal(got.state, JOB_FAILED);
	assert_string_equal(got.failure_reason, "INTERRUPTED");
	assert_string_equal(got.failure_detail, "stopped; upload again");
	assert_int_equal(got.date_modified, 77);
	assert_int_equal(got.completed, 5); /* progress kept */
	struct export_job eg;
	assert_int_equal(store_export_get(s, o.id, e.id, &eg), STORE_OK);
	assert_int_equal(eg.state, JOB_FAILED);
	assert_string_equal(eg.failure_detail, "stopped");

	second.date_created = 2;
	assert_int_equal(store_import_add(s, &second), STORE_OK);
	assert_int_equal(store_import_latest(s, o.id, l.id, &got), STORE_OK);
	assert_string_equal(got.id, second.id);
	assert_int_equal(store_import_get(s, o.id, "nope", &got), STORE_NOT_FOUND);

	struct export_job done = an_export(&o, l.id, JOB_RUNNING, 2);
	assert_int_equal(store_export_add(s, &done, 0), STORE_OK);
	done.state = JOB_DONE;
	done.rows = 7;
	assert_int_equal(store_export_update(s, &done), STORE_OK);
	assert_int_equal(store_export_latest(s, o.id, l.id, &eg), STORE_OK);
	assert_string_equal(eg.id, done.id);
	assert_int_equal(eg.rows, 7);
	assert_int_equal(eg.state, JOB_DONE);
	assert_int_equal(store_export_get(s, o.id, "nope", &eg), STORE_NOT_FOUND);
	contact_list_release(&l);
}

static int collect_paths(const char *path, void *ctx)
{
	json_array_append_new(ctx, json_string(path));
	return 0;
}

static bool has_path(json_t *paths, const char *path)
{
	size_t i;
	json_t *v;
	json_array_foreach(paths, i, v)
	{
		if (strcmp(json_string_value(v), path) == 0)
			return true;
	}
	return false;
}

static void jobs_and_their_files_go_with_their_list(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	struct org o = add_org(s, "acme");
	struct contact_list l, m;
	add_list(s, &l, &o, "l");
	add_list(s, &m, &o, "m");
	struct import_job done = add_finished_import(s, &o, l.id, JOB_DONE, 1);
	struct import_job running = an_import(&o, l.id, JOB_RUNNING, 2);
	assert_int_equal(store_import_add(s, &running), STORE_OK);
	struct export_job ex = an_export(&o, l.id, JOB_DONE, 1);
	assert_int_equal(store_export_add(s, &ex, 0), STORE_OK);
	struct import_job other = add_finished_import(s, &o, m.id, JOB_DONE, 1);
	struct export_job other_ex = an_export(&o, m.id, JOB_DONE, 1);
	assert_int_equal(store_export_add(s, &other_ex, 0), STORE_OK);

	/* A refused bulk delete reports no file and deletes no job. */
	json_t *paths = json_array();
	const char *missing;
	const char *ids[] = {l.id, "no-such-list"};
	assert_int_equal(store_list_delete_many(s, o.id, ids, 2, &missing, collect_paths, paths),
			 STORE_NOT_FOUND);
	assert_int_equal(json_array_size(paths), 0);
	struct import_job ig;
	assert_int_equal(store_import_get(s, o.id, done.id, &ig), STORE_OK);

	assert_int_equal(store_list_delete(s, o.id, l.id, collect_paths, paths), STORE_OK);
	assert_int_equal(json_array_size(paths), 5);
	assert_true(has_path(paths, done.upload_key));
	assert_true(has_path(paths, done.rejects_key));
	assert_true(has_path(paths, running.upload_key));
	assert_true(has_path(paths, running.rejects_key));
	assert_true(has_path(paths, ex.file_key));
	json_decref(paths);
	struct export_job eg;
	assert_int_equal(store_import_get(s, o.id, done.id, &ig), STORE_NOT_FOUND);
	assert_int_equal(store_import_get(s, o.id, running.id, &ig), STORE_NOT_FOUND);
	assert_int_equal(store_export_get(s, o.id, ex.id, &eg), STORE_NOT_FOUND);
	assert_int_equal(store_import_latest(s, o.id, l.id, &ig), STORE_NOT_FOUND);
	/* A job that was running learns it when it next writes its state. */
	running.completed = 10;
	assert_int_equal(store_import_update(s, &running), STORE_NOT_FOUND);
	ex.rows = 3;
	assert_int_equal(store_export_update(s, &ex), STORE_NOT_FOUND);
	/* The other list keeps its jobs. */
	assert_int_equal(store_import_get(s, o.id, other.id, &ig), STORE_OK);
	assert_int_equal(store_export_get(s, o.id, other_ex.id, &eg), STORE_OK);
	contact_list_release(&l);
	contact_list_release(&m);
}

static void exports_are_capped_per_org(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	struct org o = add_org(s, "acme"), other = add_org(s, "other");
	struct contact_list l, theirs_list;
	add_list(s, &l, &o, "l");
	add_list(s, &theirs_list, &other, "t");
	struct export_job e[3];
	for (int i = 0; i < 3; i++)
		e[i] = an_export(&o, l.id, i ? JOB_RUNNING : JOB_PENDING, i + 1);
	assert_int_equal(store_export_add(s, &e[0], 2), STORE_OK);
	assert_int_equal(store_export_add(s, &e[1], 2), STORE_OK);
	assert_int_equal(store_export_add(s, &e[2], 2), STORE_LIMIT);
	struct export_job got;
	assert_int_equal(store_export_get(s, o.id, e[2].id, &got), STORE_NOT_FOUND); /* not added */
	struct export_job theirs = an_export(&other, theirs_list.id, JOB_RUNNING, 1);
	assert_int_equal(store_export_add(s, &theirs, 2), STORE_OK); /* per organization */
	e[0].state = JOB_DONE; /* finished ones do not count */
	assert_int_equal(store_export_update(s, &e[0]), STORE_OK);
	assert_int_equal(store_export_add(s, &e[2], 2), STORE_OK);
	struct export_job more = an_export(&o, l.id, JOB_RUNNING, 9);
	assert_int_equal(store_export_add(s, &more, 0), STORE_OK); /* 0: no cap */
	contact_list_release(&l);
	contact_list_release(&theirs_list);
}

static void prune_keeps_one_import_and_one_export_per_list(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	struct org o = add_org(s, "acme");
	struct contact_list l, l2;
	add_list(s, &l, &o, "l");
	add_list(s, &l2, &o, "l2");
	struct import_job i1 = add_finished_import(s, &o, l.id, JOB_DONE, 1);
	struct import_job i2 = add_finished_import(s, &o, l.id, JOB_FAILED, 2);
	struct import_job i3 = an_import(&o, l.id, JOB_RUNNING, 3);
	assert_int_equal(store_import_add(s, &i3), STORE_OK);
	struct import_job elsewhere = add_finished_import(s, &o, l2.id, JOB_DONE, 1);
	struct export_job e[5];
	const enum job_state states[] = {JOB_DONE, JOB_FAILED, JOB_DONE, JOB_RUNNING, JOB_FAILED};
	for (int i = 0; i < 5; i++) {
		e[i] = an_export(&o, l.id, states[i], i + 1);
		assert_int_equal(store_export_add(s, &e[i], 0), STORE_OK);
	}
	json_t *paths = json_array();
	assert_int_equal(store_jobs_prune(s, o.id, l.id, collect_paths, paths), STORE_OK);
	/* The imports before the newest, and the exports before the newest DONE. */
	assert_int_equal(json_array_size(paths), 6);
	assert_true(has_path(paths, i1.upload_key) && has_path(paths, i1.rejects_key));
	assert_true(has_path(paths, i2.upload_key) && has_path(paths, i2.rejects_key));
	assert_true(has_path(paths, e[0].file_key) && has_path(paths, e[1].file_key));
	struct import_job ig;
	struct export_job eg;
	assert_int_equal(store_import_get(s, o.id, i1.id, &ig), STORE_NOT_FOUND);
	assert_int_equal(store_import_get(s, o.id, i2.id, &ig), STORE_NOT_FOUND);
	assert_int_equal(store_import_get(s, o.id, i3.id, &ig), STORE_OK);
	assert_int_equal(store_import_get(s, o.id, elsewhere.id, &ig), STORE_OK);
	assert_int_equal(store_export_get(s, o.id, e[0].id, &eg), STORE_NOT_FOUND);
	assert_int_equal(store_export_get(s, o.id, e[1].id, &eg), STORE_NOT_FOUND);
	for (int i = 2; i < 5; i++)
		assert_int_equal(store_export_get(s, o.id, e[i].id, &eg), STORE_OK);
	assert_int_equal(store_import_latest(s, o.id, l.id, &ig), STORE_OK);
	assert_string_equal(ig.id, i3.id);
	assert_int_equal(store_export_latest(s, o.id, l.id, &eg), STORE_OK);
	assert_string_equal(eg.id, e[4].id);
	/* Nothing is reported twice. */
	json_array_clear(paths);
	assert_int_equal(store_jobs_prune(s, o.id, l.id, collect_paths, paths), STORE_OK);
	assert_int_equal(json_array_size(paths), 0);
	json_decref(paths);
	contact_list_release(&l);
	contact_list_release(&l2);
}

/* Tenancy (store.h): for every function that takes a tenant, another
 * organization's list, contact or job is STORE_NOT_FOUND, exactly as one
 * that does not exist, and is left as it was. */
static void another_orgs_data_is_not_found(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	struct org a = add_org(s, "mine"), b = add_org(s, "theirs");
	struct contact_list l, theirs;
	add_list(s, &l, &a, "l");
	add_list(s, &theirs, &b, "t");
	struct contact_limits lim = {.per_list = 10, .per_org = 10};
	struct contact_row c1 = row("c1", "\x01x");
	size_t n;
	assert_int_equal(store_contacts_upsert(s, a.id, l.id, &c1, 1, &lim, &n), STORE_OK);
	struct import_job old = add_finished_import(s, &a, l.id, JOB_DONE, 1);
	struct import_job im = add_finished_import(s, &a, l.id, JOB_DONE, 2);
	struct export_job ex = an_export(&a, l.id, JOB_DONE, 1);
	assert_int_equal(store_export_add(s, &ex, 0), STORE_OK);

	/* Lists. */
	struct contact_list cl;
	assert_int_equal(store_list_get(s, b.id, l.id, &cl), STORE_NOT_FOUND);
	struct contact_list as_b = l;
	snprintf(as_b.org_id, sizeof(as_b.org_id), "%s", b.id);
	as_b.version = 2;
	assert_int_equal(store_list_update(s, &as_b, 1), STORE_NOT_FOUND);
	assert_int_equal(store_list_delete(s, b.id, l.id, NULL, NULL), STORE_NOT_FOUND);
	const char *missing = NULL, *ids[] = {theirs.id, l.id};
	assert_int_equal(store_list_delete_many(s, b.id, ids, 2, &missing, NULL, NULL),
			 STORE_NOT_FOUND);
	assert_string_equal(missing, l.id);
	assert_int_equal(count_lists(s, b.id), 1); /* theirs only, and it stays */
	int64_t size;
	assert_int_equal(store_list_size(s, b.id, l.id, &size), STORE_NOT_FOUND);

	/* Contacts. */
	struct contact_record rec;
	const char *cids[] = {"c1"};
	assert_int_equal(store_contacts_upsert(s, b.id, l.id, &c1, 1, &lim, &n), STORE_NOT_FOUND);
	assert_int_equal(store_contact_get(s, b.id, l.id, "c1", &rec), STORE_NOT_FOUND);
	assert_int_equal(store_contact_delete(s, b.id, l.id, "c1"), STORE_NOT_FOUND);
	assert_int_equal(store_contacts_delete(s, b.id, l.id, cids, 1, &n), STORE_NOT_FOUND);
	assert_int_equal(n, 0);
	assert_int_equal(store_contacts_clear(s, b.id, l.id), STORE_NOT_FOUND);
	json_t *seen = json_array();
	assert_int_equal(store_contacts_scan(s, b.id, l.id, collect_ids, seen), STORE_NOT_FOUND);
	assert_int_equal(json_array_size(seen), 0);
	json_decref(seen);

	/* Jobs. */
	struct import_job ig, im_b = an_import(&b, l.id, JOB_PENDING, 3);
	struct export_job eg, ex_b = an_export(&b, l.id, JOB_RUNNING, 3);
	assert_int_equal(store_import_add(s, &im_b), STORE_NOT_FOUND);
	assert_int_equal(store_export_add(s, &ex_b, 0), STORE_NOT_FOUND);
	struct import_job im_as_b = im;
	snprintf(im_as_b.org_id, sizeof(im_as_b.org_id), "%s", b.id);
	im_as_b.state = JOB_FAILED;
	assert_int_equal(store_import_update(s, &im_as_b), STORE_NOT_FOUND);
	struct export_job ex_as_b = ex;
	snprintf(ex_as_b.org_id, sizeof(ex_as_b.org_id), "%s", b.id);
	ex_as_b.state = JOB_FAILED;
	assert_int_equal(store_export_update(s, &ex_as_b), STORE_NOT_FOUND);
	assert_int_equal(store_import_get(s, b.id, im.id, &ig), STORE_NOT_FOUND);
	assert_int_equal(store_import_latest(s, b.id, l.id, &ig), STORE_NOT_FOUND);
	assert_int_equal(store_export_get(s, b.id, ex.id, &eg), STORE_NOT_FOUND);
	assert_int_equal(store_export_latest(s, b.id, l.id, &eg), STORE_NOT_FOUND);
	json_t *paths = json_array();
	assert_int_equal(store_jobs_prune(s, b.id, l.id, collect_paths, paths), STORE_OK);
	assert_int_equal(json_array_size(paths), 0); /* nothing of another org is pruned */
	json_decref(paths);

	/* All of it is still there for its own organization... */
	assert_int_equal(store_list_get(s, a.id, l.id, &cl), STORE_OK);
	assert_int_equal(cl.version, 1);
	contact_list_release(&cl);
	assert_int_equal(store_list_size(s, a.id, l.id, &size), STORE_OK);
	assert_int_equal(size, 1);
	assert_int_equal(store_contact_get(s, a.id, l.id, "c1", &rec), STORE_OK);
	contact_record_release(&rec);
	assert_int_equal(store_import_get(s, a.id, old.id, &ig), STORE_OK);
	assert_int_equal(store_import_get(s, a.id, im.id, &ig), STORE_OK);
	assert_int_equal(ig.state, JOB_DONE);
	assert_int_equal(store_export_get(s, a.id, ex.id, &eg), STORE_OK);
	assert_int_equal(eg.state, JOB_DONE);
	/* ...and for the sweeper, which acts for no organization. */
	assert_int_equal(store_import_get_any_org(s, im.id, &ig), STORE_OK);
	assert_string_equal(ig.org_id, a.id);
	assert_int_equal(store_export_get_any_org(s, ex.id, &eg), STORE_OK);
	assert_string_equal(eg.org_id, a.id);
	assert_int_equal(store_import_get_any_org(s, "nope", &ig), STORE_NOT_FOUND);
	assert_int_equal(store_export_get_any_org(s, "nope", &eg), STORE_NOT_FOUND);
	contact_list_release(&l);
	contact_list_release(&theirs);
}

/* Two connections (two servers on one database) at once. */
struct racer {
	const char *location;
	const struct org *org;
	const char *list_id;  /* exports are added to it, under a cap of 3 */
	const char *prune_id; /* or this list is pruned */
	int added;
	json_t *paths;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	struct store *s;
	char err[256];
	if (store_open(r->location, &s, err, sizeof(err)) != STORE_OK)
		return NULL;
	for (int i = 0; i < 20; i++) {
		if (!r->prune_id) {
			struct export_job e = an_export(r->org, r->list_id, JOB_RUNNING, i);
			if (store_export_add(s, &e, 3) == STORE_OK)
				r->added++;
		} else {
			store_jobs_prune(s, r->org->id, r->prune_id, collect_paths, r->paths);
		}
	}
	store_close(s);
	return NULL;
}

static void two_servers_share_the_cap_and_the_pruning(void **state)
{
	struct fixture *f = *state;
	struct store *s = f->s;
	struct org o = add_org(s, "acme");
	struct contact_list pruned, capped;
	add_list(s, &pruned, &o, "pruned");
	add_list(s, &capped, &o, "capped");
	for (int i = 0; i < 30; i++) {
		struct export_job e = an_export(&o, pruned.id, JOB_DONE, i + 1);
		assert_int_equal(store_export_add(s, &e, 0), STORE_OK);
	}
	struct racer r[4];
	pthread_t t[4];
	for (int i = 0; i < 4; i++) {
		r[i] = (struct racer){.location = f->location, .org = &o, .list_id = capped.id};
		r[i].prune_id = i % 2 ? pruned.id : NULL;
		r[i].paths = json_array();
		assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
	}
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(r[0].added + r[2].added, 3);
	/* The 29 older exports were deleted once each, by one of the two. */
	json_t *all = json_array();
	json_array_extend(all, r[1].paths);
	json_array_extend(all, r[3].paths);
	assert_int_equal(json_array_size(all), 29);
	for (size_t i = 0; i < json_array_size(all); i++)
		for (size_t j = i + 1; j < json_array_size(all); j++)
			assert_string_not_equal(json_string_value(json_array_get(all, i)),
						json_string_value(json_array_get(all, j)));
	json_decref(all);
	for (int i = 0; i < 4; i++)
		json_decref(r[i].paths);
	contact_list_release(&pruned);
	contact_list_release(&capped);
}

/* ---- Several processes, several connections each, at once ------------ */

/* Each of RACE_PROCS processes runs RACE_CONNS threads, each with its own
 * connection; they all wait on one pipe that the parent closes once every
 * one is ready, so that they really race. A racer says what it got in
 * lines (one write each, atomic on a pipe) that the parent collects. */
#define RACE_PROCS     4
#define RACE_CONNS     2
#define RACE_TIMEOUT_S 60

typedef void (*racer_fn)(struct store *s, int racer, const void *ctx, int out);

struct race_spec {
	const char *location;
	racer_fn fn;
	const void *ctx;
	int go, out, racer;
};

static void say(int out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(int out, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line) - 1)
		_exit(3);
	line[n++] = '\n';
	if (write(out, line, (size_t)n) != n)
		_exit(4);
}

static void *race_connection(void *arg)
{
	const struct race_spec *r = arg;
	struct store *s;
	char err[256], go;
	if (store_open(r->location, &s, err, sizeof(err)) != STORE_OK)
		_exit(5);
	if (read(r->go, &go, 1) != 0) /* EOF: every racer is ready */
		_exit(6);
	r->fn(s, r->racer, r->ctx, r->out);
	store_close(s);
	return NULL;
}

/* The child: RACE_CONNS connections at once; never returns. */
static void race_child(const char *location, racer_fn fn, const void *ctx, int proc, int go,
		       int out)
{
	alarm(RACE_TIMEOUT_S);
	struct race_spec spec[RACE_CONNS];
	pthread_t t[RACE_CONNS];
	for (int i = 0; i < RACE_CONNS; i++) {
		spec[i] = (struct race_spec){location, fn, ctx, go, out, proc * RACE_CONNS + i};
		if (pthread_create(&t[i], NULL, race_connection, &spec[i]) != 0)
			_exit(7);
	}
	for (int i = 0; i < RACE_CONNS; i++)
		pthread_join(t[i], NULL);
	_exit(0);
}

/* Runs fn in every racer at once; returns their lines (a JSON array of
 * strings), once every process has exited cleanly. */
static json_t *race_processes(const struct fixture *f, racer_fn fn, const void *ctx)
{
	int go[2], out[2];
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(out), 0);
	pid_t kids[RACE_PROCS];
	for (int p = 0; p < RACE_PROCS; p++) {
		kids[p] = fork();
		assert_true(kids[p] >= 0);
		if (kids[p] == 0) {
			close(go[1]);
			close(out[0]);
			race_child(f->location, fn, ctx, p, go[0], out[1]);
		}
	}
	close(go[0]);
	close(out[1]);
	usleep(200 * 1000); /* let every racer open its connection and block */
	close(go[1]);
	json_t *lines = json_array();
	char buf[4096], line[256];
	size_t len = 0;
	ssize_t n;
	while ((n = read(out[0], buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				assert_true(len < sizeof(line) - 1);
				line[len++] = buf[i];
				continue;
			}
			line[len] = '\0';
			json_array_append_new(lines, json_string(line));
			len = 0;
		}
	}
	close(out[0]);
	for (int p = 0; p < RACE_PROCS; p++) {
		int status;
		assert_int_equal(waitpid(kids[p], &status, 0), kids[p]);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			fail_msg("racer process %d ended with status %d", p, status);
	}
	return lines;
}

/* How many of the lines are `what`. */
static size_t count_lines(json_t *lines, const char *what)
{
	size_t n = 0, i;
	json_t *v;
	json_array_foreach(lines, i, v) n += strcmp(json_string_value(v), what) == 0;
	return n;
}

static const char *status_word(int rc)
{
	return store_status_key(rc);
}

/* Every racer creates lists in one org under a cap of 5, and a list of one
 * same name: 5 lists exist in the end, one of them with that name. */
static void create_lists(struct store *s, int racer, const void *ctx, int out)
{
	const struct org *o = ctx;
	for (int i = 0; i < 3; i++) {
		struct contact_list cl;
		char name[64];
		snprintf(name, sizeof(name), "racer-%d-%d", racer, i);
		make_list(&cl, o, i == 0 ? "the same name" : name);
		say(out, "%s %s", i == 0 ? "same" : "own",
		    status_word(store_list_create(s, &cl, 5)));
		contact_list_release(&cl);
	}
}

static void processes_race_for_list_names_and_the_list_limit(void **state)
{
	struct fixture *f = *state;
	struct org o = add_org(f->s, "racing");
	json_t *lines = race_processes(f, create_lists, &o);
	size_t created = count_lines(lines, "same ok") + count_lines(lines, "own ok");
	assert_int_equal(created, 5);
	assert_int_equal(count_lines(lines, "same ok"), 1);
	assert_int_equal(count_lines(lines, "same ok") + count_lines(lines, "same conflict") +
				 count_lines(lines, "same limit"),
			 RACE_PROCS * RACE_CONNS);
	assert_int_equal(count_lines(lines, "own ok") + count_lines(lines, "own limit"),
			 RACE_PROCS * RACE_CONNS * 2);
	assert_int_equal(count_lists(f->s, o.id), 5);
	json_decref(lines);
}

/* Each racer has a list of the org and adds batches of 5 new contacts to
 * it; the org may hold 25: exactly 25 are stored, all-or-nothing batches. */
struct contact_race {
	struct org org;
	char list_ids[RACE_PROCS * RACE_CONNS][UUID_STR_LEN];
};

static void add_contacts(struct store *s, int racer, const void *ctx, int out)
{
	const struct contact_race *c = ctx;
	const struct contact_limits lim = {.per_list = 1000, .per_org = 25};
	for (int b = 0; b < 4; b++) {
		char ids[5][32];
		struct contact_row rows[5];
		for (int i = 0; i < 5; i++) {
			snprintf(ids[i], sizeof(ids[i]), "c-%d-%d", b, i);
			rows[i] = row(ids[i], "\x01x");
		}
		size_t added = 0;
		int rc = store_contacts_upsert(s, c->org.id, c->list_ids[racer], rows, 5, &lim,
					       &added);
		say(out, "%s %zu", status_word(rc), added);
	}
}

static void processes_race_for_the_orgs_contact_limit(void **state)
{
	struct fixture *f = *state;
	struct contact_race c = {.org = add_org(f->s, "racing")};
	struct contact_list lists[RACE_PROCS * RACE_CONNS];
	for (int i = 0; i < RACE_PROCS * RACE_CONNS; i++) {
		char name[32];
		snprintf(name, sizeof(name), "l%d", i);
		add_list(f->s, &lists[i], &c.org, name);
		snprintf(c.list_ids[i], sizeof(c.list_ids[i]), "%s", lists[i].id);
	}
	json_t *lines = race_processes(f, add_contacts, &c);
	assert_int_equal(count_lines(lines, "ok 5"), 5);
	assert_int_equal(count_lines(lines, "limit 0"), RACE_PROCS * RACE_CONNS * 4 - 5);
	int64_t stored = 0;
	for (int i = 0; i < RACE_PROCS * RACE_CONNS; i++) {
		stored += size_of(f->s, &lists[i]);
		contact_list_release(&lists[i]);
	}
	assert_int_equal(stored, 25);
	json_decref(lines);
}

/* One list: every racer adds an import to it, and updates it from version 1. */
static void import_and_update(struct store *s, int racer, const void *ctx, int out)
{
	const struct contact_list *l = ctx;
	struct org o = {0};
	snprintf(o.id, sizeof(o.id), "%s", l->org_id);
	struct import_job j = an_import(&o, l->id, JOB_PENDING, 1);
	say(out, "import %s", status_word(store_import_add(s, &j)));
	struct contact_list mine = *l;
	char name[32];
	snprintf(name, sizeof(name), "renamed by %d", racer);
	mine.name = name;
	mine.version = 2;
	say(out, "update %s", status_word(store_list_update(s, &mine, 1)));
}

static void processes_race_for_one_import_per_list_and_a_version(void **state)
{
	struct fixture *f = *state;
	struct org o = add_org(f->s, "racing");
	struct contact_list l, got;
	add_list(f->s, &l, &o, "contended");
	json_t *lines = race_processes(f, import_and_update, &l);
	const int n = RACE_PROCS * RACE_CONNS;
	assert_int_equal(count_lines(lines, "import ok"), 1);
	assert_int_equal(count_lines(lines, "import conflict"), n - 1);
	assert_int_equal(count_lines(lines, "update ok"), 1);
	assert_int_equal(count_lines(lines, "update stale"), n - 1);
	assert_int_equal(store_list_get(f->s, o.id, l.id, &got), STORE_OK);
	assert_int_equal(got.version, 2);
	assert_non_null(strstr(got.name, "renamed by "));
	contact_list_release(&got);
	contact_list_release(&l);
	json_decref(lines);
}

/* Every racer claims until nothing is pending, naming what it got. */
/* Rate-limit counts: each racer adds 1 to two keys, 10 times, in one
 * order or the other; no add is lost and every call succeeds. */
#define RATE_ROUNDS 10
static void add_rates(struct store *s, int racer, const void *ctx, int out)
{
	const char *const *keys = ctx;
	for (int i = 0; i < RATE_ROUNDS; i++) {
		struct rate_count in[2] = {{keys[racer % 2], 1}, {keys[1 - racer % 2], 1}};
		int64_t totals[2];
		say(out, "%s", status_word(store_rate_counts_add(s, 1000, in, 2, 0, totals)));
	}
}

static void processes_add_rate_counts_without_losing_any(void **state)
{
	struct fixture *f = *state;
	char a[64], b[64];
	unique_name(a, sizeof(a), "t:rate-a");
	unique_name(b, sizeof(b), "t:rate-b");
	const char *keys[] = {a, b};
	json_t *lines = race_processes(f, add_rates, keys);
	assert_int_equal(count_lines(lines, "ok"), RACE_PROCS * RACE_CONNS * RATE_ROUNDS);
	json_decref(lines);
	struct rate_count read[2] = {{a, 0}, {b, 0}};
	int64_t totals[2] = {-1, -1};
	assert_int_equal(store_rate_counts_add(f->s, 1000, read, 2, 0, totals), STORE_OK);
	assert_int_equal(totals[0], RACE_PROCS * RACE_CONNS * RATE_ROUNDS);
	assert_int_equal(totals[1], RACE_PROCS * RACE_CONNS * RATE_ROUNDS);
	/* Windows that started before expire_before go. */
	assert_int_equal(store_rate_counts_add(f->s, 2000, read, 2, 2000, totals), STORE_OK);
	assert_int_equal(totals[0], 0);
	assert_int_equal(store_rate_counts_add(f->s, 1000, read, 2, 0, totals), STORE_OK);
	assert_int_equal(totals[0], 0);
}

static void claim_all(struct store *s, int racer, const void *ctx, int out)
{
	(void)ctx;
	char owner[UUID_STR_LEN];
	snprintf(owner, sizeof(owner), "racer-%d", racer);
	const struct job_lease lease = {owner, time_now_ms() + 60000};
	struct job_claimed c;
	int rc;
	while ((rc = store_job_claim(s, &lease, &c)) == STORE_OK)
		say(out, "%s %s", c.kind == STORE_JOB_IMPORT ? "import" : "export", c.id);
	if (rc != STORE_NOT_FOUND)
		say(out, "failed %s", status_word(rc));
}

static void processes_claim_each_job_exactly_once(void **state)
{
	struct fixture *f = *state;
	struct org o = add_org(f->s, "racing");
	enum { IMPORTS = 12, EXPORTS = 24 };
	struct contact_list lists[IMPORTS];
	char ids[IMPORTS + EXPORTS][UUID_STR_LEN + 8]; /* "import <id>" */
	for (int i = 0; i < IMPORTS; i++) {
		char name[32];
		snprintf(name, sizeof(name), "l%d", i);
		add_list(f->s, &lists[i], &o, name);
		struct import_job j = an_import(&o, lists[i].id, JOB_PENDING, 1);
		assert_int_equal(store_import_add(f->s, &j), STORE_OK);
		snprintf(ids[i], sizeof(ids[i]), "import %s", j.id);
	}
	for (int i = 0; i < EXPORTS; i++) {
		struct export_job e = an_export(&o, lists[i % IMPORTS].id, JOB_PENDING, 1);
		assert_int_equal(store_export_add(f->s, &e, 0), STORE_OK);
		snprintf(ids[IMPORTS + i], sizeof(ids[0]), "export %s", e.id);
	}
	json_t *lines = race_processes(f, claim_all, NULL);
	for (size_t i = 0; i < json_array_size(lines); i++)
		assert_null(strstr(json_string_value(json_array_get(lines, i)), "failed"));
	/* Each of ours exactly once (a shared store may hold others' too). */
	for (int i = 0; i < IMPORTS + EXPORTS; i++)
		assert_int_equal(count_lines(lines, ids[i]), 1);
	for (size_t i = 0; i < json_array_size(lines); i++)
		for (size_t j = i + 1; j < json_array_size(lines); j++)
			assert_string_not_equal(json_string_value(json_array_get(lines, i)),
						json_string_value(json_array_get(lines, j)));
	/* Claimed means running, with its claimer's lease. */
	struct import_job got;
	assert_int_equal(store_import_get(f->s, o.id, ids[0] + strlen("import "), &got), STORE_OK);
	assert_int_equal(got.state, JOB_RUNNING);
	assert_non_null(strstr(got.owner, "racer-"));
	assert_true(got.lease_expires_at > time_now_ms());
	for (int i = 0; i < IMPORTS; i++)
		contact_list_release(&lists[i]);
	json_decref(lines);
}

/* Leases: a live holder's job is never touched; an expired one fails and
 * is not taken over; a pending job is anyone's. Times are explicit. */
static void leases_expire_and_fence_their_holder(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	struct org o = add_org(s, "leased");
	struct contact_list a, b;
	add_list(s, &a, &o, "a");
	add_list(s, &b, &o, "b");
	const int64_t base = time_now_ms();
	struct import_job held = an_import(&o, a.id, JOB_RUNNING, 1);
	snprintf(held.owner, sizeof(held.owner), "server-x");
	held.lease_expires_at = base + 1000;
	assert_int_equal(store_import_add(s, &held), STORE_OK);
	struct export_job ex = an_export(&o, a.id, JOB_RUNNING, 1);
	snprintf(ex.owner, sizeof(ex.owner), "server-x");
	ex.lease_expires_at = base + 1000;
	assert_int_equal(store_export_add(s, &ex, 0), STORE_OK);
	struct import_job pending = an_import(&o, b.id, JOB_PENDING, 1);
	assert_int_equal(store_import_add(s, &pending), STORE_OK);

	/* Another server starting before the lease ends touches nothing. */
	struct job_interruption why = {"INTERRUPTED", "its server stopped", "stopped", base + 999};
	int64_t n = -1;
	assert_int_equal(store_jobs_expire(s, &why, &n), STORE_OK);
	struct import_job got;
	assert_int_equal(store_import_get(s, o.id, held.id, &got), STORE_OK);
	assert_int_equal(got.state, JOB_RUNNING);
	assert_string_equal(got.owner, "server-x");
	/* Only the holder renews its lease; the renewal moves the end. */
	const struct job_lease other = {"server-y", base + 5000};
	assert_int_equal(store_jobs_renew(s, &other, NULL), STORE_OK);
	assert_int_equal(store_import_get(s, o.id, held.id, &got), STORE_OK);
	assert_int_equal(got.lease_expires_at, base + 1000);
	const struct job_lease x = {"server-x", base + 2000};
	int64_t renewed = -1;
	assert_int_equal(store_jobs_renew(s, &x, &renewed), STORE_OK);
	assert_int_equal(renewed, 2);
	why.at = base + 1500;
	assert_int_equal(store_jobs_expire(s, &why, &n), STORE_OK);
	assert_int_equal(store_import_get(s, o.id, held.id, &got), STORE_OK);
	assert_int_equal(got.state, JOB_RUNNING);
	assert_int_equal(got.lease_expires_at, base + 2000);
	/* The holder updates its job while it holds it. */
	held.completed = 7;
	assert_int_equal(store_import_update(s, &held), STORE_OK);

	/* Past the lease: failed with the caller's words, progress kept, the
	 * holder fenced off (its updates and renewals are refused). */
	why.at = base + 2001;
	assert_int_equal(store_jobs_expire(s, &why, &n), STORE_OK);
	assert_true(n >= 1);
	assert_int_equal(store_import_get(s, o.id, held.id, &got), STORE_OK);
	assert_int_equal(got.state, JOB_FAILED);
	assert_string_equal(got.failure_reason, "INTERRUPTED");
	assert_string_equal(got.failure_detail, "its server stopped");
	assert_int_equal(got.completed, 7);
	assert_int_equal(got.date_modified, base + 2001);
	assert_string_equal(got.owner, "");
	struct export_job eg;
	assert_int_equal(store_export_get(s, o.id, ex.id, &eg), STORE_OK);
	assert_int_equal(eg.state, JOB_FAILED);
	assert_string_equal(eg.failure_detail, "stopped");
	held.state = JOB_DONE;
	assert_int_equal(store_import_update(s, &held), STORE_NOT_FOUND);
	ex.state = JOB_DONE;
	assert_int_equal(store_export_update(s, &ex), STORE_NOT_FOUND);
	assert_int_equal(store_jobs_renew(s, &x, &renewed), STORE_OK);
	assert_int_equal(renewed, 0);
	assert_int_equal(store_import_get(s, o.id, held.id, &got), STORE_OK);
	assert_int_equal(got.state, JOB_FAILED);

	/* A pending job never expires; any server claims it (on a shared
	 * store, perhaps after older pending jobs of other tests). */
	assert_int_equal(store_import_get(s, o.id, pending.id, &got), STORE_OK);
	assert_int_equal(got.state, JOB_PENDING);
	const struct job_lease y = {"server-y", base + 60000};
	struct job_claimed c;
	bool mine = false;
	while (!mine && store_job_claim(s, &y, &c) == STORE_OK)
		mine = strcmp(c.id, pending.id) == 0;
	assert_true(mine);
	assert_int_equal(c.kind, STORE_JOB_IMPORT);
	assert_string_equal(c.org_id, o.id);
	assert_string_equal(c.list_id, b.id);
	assert_int_equal(store_import_get(s, o.id, pending.id, &got), STORE_OK);
	assert_int_equal(got.state, JOB_RUNNING);
	assert_string_equal(got.owner, "server-y");
	assert_int_equal(got.lease_expires_at, base + 60000);
	/* Once claimed, not again: a running job is never claimed. */
	while (store_job_claim(s, &y, &c) == STORE_OK)
		assert_string_not_equal(c.id, pending.id);
	contact_list_release(&a);
	contact_list_release(&b);
}

/* The backend's name in logs: a libpq URI is PostgreSQL's. */
static const char *backend_name(const struct fixture *f)
{
	return strncmp(f->location, "postgresql://", 13) == 0 ||
			       strncmp(f->location, "postgres://", 11) == 0
		       ? "postgres"
		       : "sqlite";
}

/* Runs `run` at log level `level` and returns what fd 2 (the log)
 * received meanwhile. */
static char *capture_log(const struct fixture *f, enum log_level level,
			 void (*run)(const struct fixture *))
{
	char path[128];
	snprintf(path, sizeof(path), "%s/log", f->dir);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	int saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	log_set_level(level);
	run(f);
	log_set_level(LOG_INFO);
	dup2(saved, STDERR_FILENO);
	close(saved);
	off_t len = lseek(fd, 0, SEEK_END);
	assert_true(len >= 0);
	char *text = calloc(1, (size_t)len + 1);
	assert_int_equal(pread(fd, text, (size_t)len, 0), len);
	close(fd);
	return text;
}

static void traced_calls(const struct fixture *f)
{
	struct store *s;
	char err[256];
	assert_int_equal(store_open(f->location, &s, err, sizeof(err)), STORE_OK);
	struct org o = add_org(s, "traced");
	struct contact_list cl;
	assert_int_equal(store_list_get(s, o.id, "no-such-list", &cl), STORE_NOT_FOUND);
	store_close(s);
}

/* At debug level every call is logged with its duration and its answer,
 * and nothing of what it carried; at info level, nothing. */
static void debug_level_traces_every_call(void **state)
{
	const struct fixture *f = *state;
	char *log = capture_log(f, LOG_DEBUG, traced_calls);
	char add[128], get_line[128];
	snprintf(add, sizeof(add),
		 "event=store_call backend=%s op=org_add duration_ms=", backend_name(f));
	snprintf(get_line, sizeof(get_line),
		 "event=store_call backend=%s op=list_get duration_ms=", backend_name(f));
	assert_non_null(strstr(log, add));
	const char *get = strstr(log, get_line);
	assert_non_null(get);
	const char *status = strstr(get, " status=not_found\n");
	assert_non_null(status);
	assert_true(status < strchr(get, '\n'));
	assert_null(strstr(log, "no-such-list"));
	assert_null(strstr(log, "traced-"));
	free(log);
	log = capture_log(*state, LOG_INFO, traced_calls);
	assert_string_equal(log, "");
	free(log);
}

static void open_refuses_what_is_not_a_database(void **state)
{
	struct fixture *f = *state;
	char path[160], err[256];
	snprintf(path, sizeof(path), "%s/garbage", f->dir);
	FILE *g = fopen(path, "w");
	for (int i = 0; i < 200; i++)
		fputs("garbage garbage ", g);
	fclose(g);
	struct store *s = NULL;
	assert_int_equal(store_open(path, &s, err, sizeof(err)), STORE_FAILED);
	assert_null(s);
	assert_non_null(strstr(err, "not a database"));
	assert_int_equal(store_open("/nonexistent/dir/x.db", &s, err, sizeof(err)), STORE_FAILED);
	assert_non_null(strstr(err, "cannot open database"));
}

/* A URI that cannot be reached fails at open with one line saying what
 * libpq said, and never the password (in the userinfo or a parameter). */
static void open_refuses_an_unreachable_uri_without_its_password(void **state)
{
	(void)state;
	static const char *const uris[] = {
		"postgresql://dialbook:s3cret-pw@127.0.0.1:1/nodb",
		"postgres://127.0.0.1:1/nodb?user=dialbook&password=s3cret-pw&connect_timeout=5",
	};
	static const char *const shown[] = {
		"cannot connect to PostgreSQL at postgresql://dialbook:***@127.0.0.1:1/nodb: ",
		"cannot connect to PostgreSQL at postgres://127.0.0.1:1/nodb?user=dialbook&"
		"password=***&connect_timeout=5: ",
	};
	for (size_t i = 0; i < sizeof(uris) / sizeof(uris[0]); i++) {
		struct store *s = (struct store *)uris; /* must be reset */
		char err[512];
		assert_int_equal(store_open(uris[i], &s, err, sizeof(err)), STORE_FAILED);
		assert_null(s);
		assert_non_null(strstr(err, shown[i]));
		assert_true(strlen(err) > strlen(shown[i])); /* libpq's words follow */
		assert_null(strstr(err, "s3cret-pw"));
		assert_null(strchr(err, '\n'));
		char redacted[256];
		store_location_redact(uris[i], redacted, sizeof(redacted));
		assert_null(strstr(redacted, "s3cret-pw"));
	}
}

/* ---- PostgreSQL only: a database of the test's own -------------------- */

static bool on_postgres(const struct fixture *f)
{
	return strcmp(backend_name(f), "postgres") == 0;
}

/* A database of the test's own beside the fixture's: *admin is a
 * connection to the fixture's (to end the new one's sessions). */
static void pg_new_database(const struct fixture *f, PGconn **admin, char *name, size_t name_size,
			    char *uri, size_t uri_size)
{
	pg_create_database(f->location, "dialbook_contract_", name, name_size, uri, uri_size);
	*admin = PQconnectdb(f->location);
	assert_int_equal(PQstatus(*admin), CONNECTION_OK);
}

/* A database migrated by a newer dialbookd is refused, naming both
 * versions; servers opening a new database at once migrate it once. */
static void a_newer_schema_is_refused(void **state)
{
	const struct fixture *f = *state;
	if (!on_postgres(f))
		skip();
	PGconn *admin;
	char name[64], uri[512], err[512];
	pg_new_database(f, &admin, name, sizeof(name), uri, sizeof(uri));
	struct store *s;
	assert_int_equal(store_open(uri, &s, err, sizeof(err)), STORE_OK);
	store_close(s);
	PGconn *c = PQconnectdb(uri);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	PGresult *r = PQexec(c, "SELECT count(*), max(version) FROM schema_version");
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	char known[16];
	snprintf(known, sizeof(known), "%s", PQgetvalue(r, 0, 1));
	assert_string_equal(PQgetvalue(r, 0, 0), known); /* each step once */
	PQclear(r);
	pg_must(c, "INSERT INTO schema_version VALUES(999)");
	PQfinish(c);
	assert_int_equal(store_open(uri, &s, err, sizeof(err)), STORE_FAILED);
	char words[128];
	snprintf(words, sizeof(words),
		 "database schema version 999 is newer than this dialbookd knows (%s)", known);
	assert_non_null(strstr(err, words));
	PQfinish(admin);
	pg_drop_database(f->location, name);
}

/* Ends every session of the database but admin's. */
static void pg_kill_sessions(PGconn *admin, const char *name)
{
	char sql[256];
	snprintf(sql, sizeof(sql),
		 "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
		 "WHERE datname = '%s' AND pid <> pg_backend_pid()",
		 name);
	pg_must(admin, sql);
}

/* A connection that broke is reopened by the next call, which then runs
 * (reads, and writes that had not been sent); while the database cannot
 * be reached, calls answer STORE_FAILED with STORE_FAULT_UNAVAILABLE,
 * and once it is back the connection comes back on its own. */
static void a_lost_connection_is_reopened(void **state)
{
	const struct fixture *f = *state;
	if (!on_postgres(f))
		skip();
	PGconn *admin;
	char name[64], uri[512], err[512], sql[160];
	pg_new_database(f, &admin, name, sizeof(name), uri, sizeof(uri));
	struct store *s;
	assert_int_equal(store_open(uri, &s, err, sizeof(err)), STORE_OK);
	struct org o = add_org(s, "lost"), got;
	pg_kill_sessions(admin, name);
	assert_int_equal(store_org_get(s, o.id, &got), STORE_OK);
	pg_kill_sessions(admin, name);
	struct org other = add_org(s, "lost");
	assert_int_equal(store_org_get(s, other.id, &got), STORE_OK);

	snprintf(sql, sizeof(sql), "ALTER DATABASE %s ALLOW_CONNECTIONS false", name);
	pg_must(admin, sql);
	pg_kill_sessions(admin, name);
	assert_int_equal(store_org_get(s, o.id, &got), STORE_FAILED);
	assert_int_equal(store_last_failure(s)->fault, STORE_FAULT_UNAVAILABLE);
	assert_int_equal(store_org_get(s, o.id, &got), STORE_FAILED); /* still away */
	snprintf(sql, sizeof(sql), "ALTER DATABASE %s ALLOW_CONNECTIONS true", name);
	pg_must(admin, sql);
	assert_int_equal(store_org_get(s, o.id, &got), STORE_OK);
	assert_int_equal(store_last_failure(s)->fault, STORE_FAULT_NONE);
	store_close(s);
	PQfinish(admin);
	pg_drop_database(f->location, name);
}

/* ---- Blobs ------------------------------------------------------------ */

/* A key no other run of the suite uses (the store may be shared). */
static void blob_key(char *out, size_t size, const char *kind)
{
	char id[UUID_STR_LEN];
	text_uuid_new(id);
	snprintf(out, size, "%s.%s", id, kind);
}

static void put_blob(struct store *s, const char *key, const char *text)
{
	struct store_blob *b;
	assert_int_equal(store_blob_create(s, key, &b), STORE_OK);
	assert_int_equal(store_blob_write(b, text, strlen(text)), STORE_OK);
	assert_int_equal(store_blob_finish(b), STORE_OK);
	store_blob_close(b);
}

/* The blob's content, or NULL when it is not found. Owned by the caller. */
static char *read_blob(struct store *s, const char *key)
{
	struct store_blob_read r;
	int rc = store_blob_open(s, key, &r);
	if (rc == STORE_NOT_FOUND)
		return NULL;
	assert_int_equal(rc, STORE_OK);
	char *text = calloc(1, (size_t)r.size + 1);
	assert_int_equal(read(r.fd, text, (size_t)r.size + 1), (ssize_t)r.size);
	close(r.fd);
	return text;
}

static void blobs_are_written_finished_read_and_deleted(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	char key[64];
	blob_key(key, sizeof(key), "export.csv");
	struct store_blob *b;
	assert_int_equal(store_blob_create(s, key, &b), STORE_OK);
	assert_int_equal(store_blob_write(b, "id,name\n", 8), STORE_OK);
	assert_int_equal(store_blob_write(b, "1,Kim\n", 6), STORE_OK);
	assert_null(read_blob(s, key)); /* invisible until finished */
	assert_int_equal(store_blob_finish(b), STORE_OK);
	char *text = read_blob(s, key); /* visible while its writer still holds it */
	assert_string_equal(text, "id,name\n1,Kim\n");
	free(text);
	store_blob_close(b);
	text = read_blob(s, key);
	assert_string_equal(text, "id,name\n1,Kim\n");
	free(text);
	assert_int_equal(store_blob_delete(s, key), STORE_OK);
	assert_null(read_blob(s, key));
	assert_int_equal(store_blob_delete(s, key), STORE_OK); /* twice: no harm */
}

static void a_blob_finished_again_replaces_the_old_one(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	char key[64];
	blob_key(key, sizeof(key), "export.csv");
	put_blob(s, key, "old");
	struct store_blob *b;
	assert_int_equal(store_blob_create(s, key, &b), STORE_OK);
	assert_int_equal(store_blob_write(b, "new", 3), STORE_OK);
	char *text = read_blob(s, key);
	assert_string_equal(text, "old");
	free(text);
	assert_int_equal(store_blob_finish(b), STORE_OK);
	store_blob_close(b);
	text = read_blob(s, key);
	assert_string_equal(text, "new");
	free(text);
	assert_int_equal(store_blob_delete(s, key), STORE_OK);
}

/* The sweep's view: which of `mine` it was asked about, and it lets those go. */
struct sweep_probe {
	const char *mine[4];
	bool asked[4], finished[4];
};

static bool keep_all_but_mine(const char *key, bool finished, void *ctx)
{
	struct sweep_probe *p = ctx;
	for (int i = 0; i < 4; i++) {
		if (p->mine[i] && strcmp(p->mine[i], key) == 0) {
			p->asked[i] = true;
			p->finished[i] = finished;
			return false;
		}
	}
	return true; /* not this test's: another test's, or another run's */
}

static void an_aborted_blob_leaves_nothing(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	char key[64];
	blob_key(key, sizeof(key), "upload.csv");
	struct store_blob *b;
	assert_int_equal(store_blob_create(s, key, &b), STORE_OK);
	assert_int_equal(store_blob_write(b, "half", 4), STORE_OK);
	store_blob_close(b);
	assert_null(read_blob(s, key));
	struct sweep_probe p = {.mine = {key}};
	assert_int_equal(store_blob_sweep(s, keep_all_but_mine, &p, NULL, NULL), STORE_OK);
	assert_false(p.asked[0]);
}

static void the_sweep_takes_only_blobs_no_one_holds(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	char writing[64], reading[64], idle[64], died[64];
	blob_key(writing, sizeof(writing), "export.csv");
	blob_key(reading, sizeof(reading), "export.csv");
	blob_key(idle, sizeof(idle), "rejects.csv");
	blob_key(died, sizeof(died), "upload.csv");
	struct store_blob *w;
	assert_int_equal(store_blob_create(s, writing, &w), STORE_OK);
	assert_int_equal(store_blob_write(w, "a", 1), STORE_OK);
	put_blob(s, reading, "r");
	put_blob(s, idle, "i");
	struct store_blob_read r;
	assert_int_equal(store_blob_open(s, reading, &r), STORE_OK);
	/* A writer whose process died half-way: its hold went with it. */
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct store_blob *b;
		_exit(store_blob_create(s, died, &b) == STORE_OK &&
				      store_blob_write(b, "x", 1) == STORE_OK
			      ? 0
			      : 1);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);

	struct sweep_probe p = {.mine = {writing, reading, idle, died}};
	unsigned seen, deleted;
	assert_int_equal(store_blob_sweep(s, keep_all_but_mine, &p, &seen, &deleted), STORE_OK);
	assert_false(p.asked[0]);
	assert_false(p.asked[1]);
	assert_true(p.asked[2] && p.finished[2]);
	assert_true(p.asked[3] && !p.finished[3]);
	assert_true(deleted >= 2 && seen >= 4);
	assert_null(read_blob(s, idle));

	/* What was held is whole: the writer finishes, the reader reads. */
	assert_int_equal(store_blob_finish(w), STORE_OK);
	store_blob_close(w);
	char c;
	assert_int_equal(read(r.fd, &c, 1), 1);
	assert_int_equal(c, 'r');
	close(r.fd);
	char *text = read_blob(s, writing);
	assert_string_equal(text, "a");
	free(text);
	struct sweep_probe again = {.mine = {writing, reading}};
	assert_int_equal(store_blob_sweep(s, keep_all_but_mine, &again, NULL, NULL), STORE_OK);
	assert_true(again.asked[0] && again.asked[1]);
	assert_null(read_blob(s, writing));
	assert_null(read_blob(s, reading));
}

static void blob_keys_are_names_not_paths(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	const char *bad[] = {"",
			     ".hidden",
			     "../escape",
			     "a/b",
			     "x.csv.part",
			     "a b",
			     "0123456789012345678901234567890123456789012345678901234567890123456"
			     "789012345678901234567890123456789"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct store_blob *b = (struct store_blob *)&bad; /* must be reset */
		struct store_blob_read r;
		assert_int_equal(store_blob_create(s, bad[i], &b), STORE_FAILED);
		assert_null(b);
		assert_int_equal(store_blob_open(s, bad[i], &r), STORE_FAILED);
		assert_int_equal(store_blob_delete(s, bad[i]), STORE_FAILED);
	}
}

/* ---- Contact list templates ---- */

static void make_template(struct contact_list *t, const struct org *o, const char *name)
{
	make_list(t, o, name);
	t->division_id[0] = '\0';
}

static size_t count_templates(struct store *s, const char *org_id)
{
	json_t *seen = json_array();
	assert_int_equal(store_template_scan(s, org_id, collect_names, seen), STORE_OK);
	size_t n = json_array_size(seen);
	json_decref(seen);
	return n;
}

static void templates_create_get_conflict_limit(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	struct org o = add_org(s, "acme"), other = add_org(s, "other");
	struct contact_list t[3], got, list;
	size_t bad = 99;
	make_template(&t[0], &o, "Spring");
	assert_int_equal(store_template_create(s, t, 1, 3, &bad), STORE_OK);
	assert_int_equal(store_template_get(s, o.id, t[0].id, &got), STORE_OK);
	assert_string_equal(got.name, "Spring");
	assert_int_equal(got.version, 1);
	assert_int_equal(got.date_created, t[0].date_created);
	assert_true(json_equal(got.doc, t[0].doc));
	contact_list_release(&got);
	assert_int_equal(store_template_get(s, other.id, t[0].id, &got), STORE_NOT_FOUND);
	/* Templates are not lists, nor lists templates. */
	assert_int_equal(store_list_get(s, o.id, t[0].id, &got), STORE_NOT_FOUND);
	add_list(s, &list, &o, "Spring");
	assert_int_equal(store_template_get(s, o.id, list.id, &got), STORE_NOT_FOUND);
	contact_list_release(&list);
	contact_list_release(&t[0]);

	/* A batch is all or nothing: a name taken by a stored template, or
	 * twice in the batch, names the element and stores none. */
	make_template(&t[0], &o, "Summer");
	make_template(&t[1], &o, "SPRING");
	assert_int_equal(store_template_create(s, t, 2, 10, &bad), STORE_CONFLICT);
	assert_int_equal(bad, 1);
	contact_list_release(&t[1]);
	make_template(&t[1], &o, "summer");
	assert_int_equal(store_template_create(s, t, 2, 10, &bad), STORE_CONFLICT);
	assert_int_equal(bad, 1);
	assert_int_equal(count_templates(s, o.id), 1);
	contact_list_release(&t[1]);
	/* The limit counts the whole batch. */
	make_template(&t[1], &o, "Autumn");
	make_template(&t[2], &o, "Winter");
	assert_int_equal(store_template_create(s, t, 3, 3, &bad), STORE_LIMIT);
	assert_int_equal(count_templates(s, o.id), 1);
	assert_int_equal(store_template_create(s, t, 2, 3, &bad), STORE_OK);
	assert_int_equal(count_templates(s, o.id), 3);
	assert_int_equal(store_template_create(s, &t[2], 1, 3, &bad), STORE_LIMIT);
	/* Another org has its own names and count. */
	struct contact_list mine;
	make_template(&mine, &other, "spring");
	assert_int_equal(store_template_create(s, &mine, 1, 1, NULL), STORE_OK);
	contact_list_release(&mine);
	struct org nobody = new_org("nobody"); /* never stored */
	make_template(&mine, &nobody, "x");
	assert_int_equal(store_template_create(s, &mine, 1, 1, NULL), STORE_NOT_FOUND);
	contact_list_release(&mine);
	for (int i = 0; i < 3; i++)
		contact_list_release(&t[i]);
}

static void templates_update_delete_and_scan(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	struct org o = add_org(s, "acme"), other = add_org(s, "other");
	struct contact_list t[3], foreign, got;
	const char *names[] = {"c", "a", "b"};
	for (int i = 0; i < 3; i++)
		make_template(&t[i], &o, names[i]);
	assert_int_equal(store_template_create(s, t, 3, 10, NULL), STORE_OK);
	make_template(&foreign, &other, "x");
	assert_int_equal(store_template_create(s, &foreign, 1, 10, NULL), STORE_OK);

	free(t[0].name);
	t[0].name = strdup("uno");
	t[0].version = 2;
	t[0].date_modified += 5;
	json_object_set_new(t[0].doc, "columnNames", json_pack("[s,s]", "a", "b"));
	assert_int_equal(store_template_update(s, &t[0], 1), STORE_OK);
	assert_int_equal(store_template_update(s, &t[0], 1), STORE_STALE);
	assert_int_equal(store_template_get(s, o.id, t[0].id, &got), STORE_OK);
	assert_string_equal(got.name, "uno");
	assert_int_equal(got.version, 2);
	assert_int_equal(got.date_modified, t[0].date_modified);
	assert_true(json_equal(got.doc, t[0].doc));
	contact_list_release(&got);
	free(t[0].name);
	t[0].name = strdup("A");
	t[0].version = 3;
	assert_int_equal(store_template_update(s, &t[0], 2), STORE_CONFLICT);
	/* Another org's template is not found, by update or delete. */
	snprintf(foreign.org_id, sizeof(foreign.org_id), "%s", o.id);
	assert_int_equal(store_template_update(s, &foreign, 1), STORE_NOT_FOUND);

	/* Scans are in id order, of the org only. */
	json_t *seen = json_array();
	assert_int_equal(store_template_scan(s, o.id, collect_names, seen), STORE_OK);
	assert_int_equal(json_array_size(seen), 3);
	json_decref(seen);

	const char *missing = NULL;
	const char *ids[] = {t[1].id, foreign.id};
	assert_int_equal(store_template_delete_many(s, o.id, ids, 2, &missing), STORE_NOT_FOUND);
	assert_string_equal(missing, foreign.id);
	assert_int_equal(count_templates(s, o.id), 3); /* all or nothing */
	const char *two[] = {t[1].id, t[2].id};
	assert_int_equal(store_template_delete_many(s, o.id, two, 2, &missing), STORE_OK);
	assert_null(missing);
	assert_int_equal(store_template_delete_many(s, o.id, two, 1, &missing), STORE_NOT_FOUND);
	assert_int_equal(count_templates(s, o.id), 1);
	assert_int_equal(count_templates(s, other.id), 1);
	for (int i = 0; i < 3; i++)
		contact_list_release(&t[i]);
	contact_list_release(&foreign);
}

/* Every racer creates templates in one org under a cap of 5, one of them
 * of a name all share: 5 exist in the end, one with that name. */
static void create_templates(struct store *s, int racer, const void *ctx, int out)
{
	const struct org *o = ctx;
	for (int i = 0; i < 3; i++) {
		struct contact_list t;
		char name[64];
		snprintf(name, sizeof(name), "racer-%d-%d", racer, i);
		make_template(&t, o, i == 0 ? "the same name" : name);
		say(out, "%s %s", i == 0 ? "same" : "own",
		    status_word(store_template_create(s, &t, 1, 5, NULL)));
		contact_list_release(&t);
	}
}

static void processes_race_for_template_names_and_the_limit(void **state)
{
	struct fixture *f = *state;
	struct org o = add_org(f->s, "racing");
	json_t *lines = race_processes(f, create_templates, &o);
	assert_int_equal(count_lines(lines, "same ok") + count_lines(lines, "own ok"), 5);
	assert_int_equal(count_lines(lines, "same ok"), 1);
	assert_int_equal(count_lines(lines, "same ok") + count_lines(lines, "same conflict") +
				 count_lines(lines, "same limit"),
			 RACE_PROCS * RACE_CONNS);
	assert_int_equal(count_templates(f->s, o.id), 5);
	json_decref(lines);
}

/* ---- Contact list filters ---- */

static void make_filter(struct contact_filter *f, const struct org *o, const char *list_id,
			const char *name)
{
	memset(f, 0, sizeof(*f));
	text_uuid_new(f->id);
	snprintf(f->org_id, sizeof(f->org_id), "%s", o->id);
	snprintf(f->list_id, sizeof(f->list_id), "%s", list_id);
	f->name = strdup(name);
	f->version = 1;
	f->date_created = f->date_modified = time_now_ms();
	f->doc = json_pack("{s:s,s:[]}", "name", name, "clauses");
}

static int count_filter(const struct contact_filter *f, void *ctx)
{
	(void)f;
	(*(size_t *)ctx)++;
	return 0;
}

static size_t count_filters(struct store *s, const char *org_id)
{
	size_t n = 0;
	assert_int_equal(store_filter_scan(s, org_id, count_filter, &n), STORE_OK);
	return n;
}

static void filters_live_and_die_with_their_list(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	struct org o = add_org(s, "acme"), other = add_org(s, "other");
	struct contact_list l1, l2, foreign;
	add_list(s, &l1, &o, "one");
	add_list(s, &l2, &o, "two");
	add_list(s, &foreign, &other, "x");
	struct contact_filter a, b, dup, got;
	make_filter(&a, &o, l1.id, "Adults");
	assert_int_equal(store_filter_create(s, &a, 2), STORE_OK);
	assert_int_equal(store_filter_get(s, o.id, a.id, &got), STORE_OK);
	assert_string_equal(got.list_id, l1.id);
	assert_string_equal(got.name, "Adults");
	assert_true(json_equal(got.doc, a.doc));
	contact_filter_release(&got);
	assert_int_equal(store_filter_get(s, other.id, a.id, &got), STORE_NOT_FOUND);
	/* The list must be one of the org's; names unique; a cap. */
	make_filter(&dup, &o, foreign.id, "x");
	assert_int_equal(store_filter_create(s, &dup, 2), STORE_NOT_FOUND);
	contact_filter_release(&dup);
	make_filter(&dup, &o, l2.id, "ADULTS");
	assert_int_equal(store_filter_create(s, &dup, 2), STORE_CONFLICT);
	contact_filter_release(&dup);
	make_filter(&b, &o, l2.id, "Kids");
	assert_int_equal(store_filter_create(s, &b, 2), STORE_OK);
	make_filter(&dup, &o, l2.id, "Third");
	assert_int_equal(store_filter_create(s, &dup, 2), STORE_LIMIT);
	contact_filter_release(&dup);
	/* Versions. */
	free(a.name);
	a.name = strdup("Grown-ups");
	a.version = 2;
	assert_int_equal(store_filter_update(s, &a, 1), STORE_OK);
	assert_int_equal(store_filter_update(s, &a, 1), STORE_STALE);
	free(a.name);
	a.name = strdup("kids");
	a.version = 3;
	assert_int_equal(store_filter_update(s, &a, 2), STORE_CONFLICT);
	assert_int_equal(store_filter_get(s, o.id, a.id, &got), STORE_OK);
	assert_string_equal(got.name, "Grown-ups");
	contact_filter_release(&got);
	/* Deletes: all or nothing; a list takes its filters with it. */
	const char *missing = NULL;
	const char *ids[] = {a.id, "nope"};
	assert_int_equal(store_filter_delete_many(s, o.id, ids, 2, &missing), STORE_NOT_FOUND);
	assert_string_equal(missing, "nope");
	assert_int_equal(count_filters(s, o.id), 2);
	assert_int_equal(store_list_delete(s, o.id, l2.id, NULL, NULL), STORE_OK);
	assert_int_equal(store_filter_get(s, o.id, b.id, &got), STORE_NOT_FOUND);
	assert_int_equal(count_filters(s, o.id), 1);
	assert_int_equal(store_filter_delete_many(s, o.id, ids, 1, &missing), STORE_OK);
	assert_int_equal(count_filters(s, o.id), 0);
	contact_filter_release(&a);
	contact_filter_release(&b);
	contact_list_release(&l1);
	contact_list_release(&l2);
	contact_list_release(&foreign);
}

#define TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(orgs),
		TEST(clients_and_tokens),
		TEST(lists_create_get_conflict_limit),
		TEST(lists_update_with_versions),
		TEST(lists_delete_and_scan),
		TEST(data_survives_reopening),
		TEST(open_refuses_what_is_not_a_database),
		TEST(open_refuses_an_unreachable_uri_without_its_password),
		TEST(a_newer_schema_is_refused),
		TEST(a_lost_connection_is_reopened),
		TEST(contacts_upsert_count_and_limits),
		TEST(contacts_get_many_in_order),
		TEST(contacts_upsert_keeps_system_state),
		TEST(contacts_upsert_in_large_batches),
		TEST(import_and_export_jobs),
		TEST(jobs_and_their_files_go_with_their_list),
		TEST(exports_are_capped_per_org),
		TEST(prune_keeps_one_import_and_one_export_per_list),
		TEST(another_orgs_data_is_not_found),
		TEST(two_servers_share_the_cap_and_the_pruning),
		TEST(processes_race_for_list_names_and_the_list_limit),
		TEST(templates_create_get_conflict_limit),
		TEST(templates_update_delete_and_scan),
		TEST(processes_race_for_template_names_and_the_limit),
		TEST(filters_live_and_die_with_their_list),
		TEST(processes_race_for_the_orgs_contact_limit),
		TEST(processes_race_for_one_import_per_list_and_a_version),
		TEST(processes_claim_each_job_exactly_once),
		TEST(processes_add_rate_counts_without_losing_any),
		TEST(leases_expire_and_fence_their_holder),
		TEST(debug_level_traces_every_call),
		TEST(blobs_are_written_finished_read_and_deleted),
		TEST(a_blob_finished_again_replaces_the_old_one),
		TEST(an_aborted_blob_leaves_nothing),
		TEST(the_sweep_takes_only_blobs_no_one_holds),
		TEST(blob_keys_are_names_not_paths),
	};
	const char *named = getenv("DIALBOOK_TEST_STORE");
	return cmocka_run_group_tests_name(named && *named ? named : "store contract (new sqlite)",
					   tests, NULL, NULL);
}

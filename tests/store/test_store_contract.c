/* The store contract: what every backend must do, run against each one
 * (SQLite now; PostgreSQL joins this table when it lands). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/timeutil.h"
#include "store/store.h"

struct fixture {
	char dir[64];
	char path[128];
	struct store *s;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/dialbook-store-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/store.db", f->dir);
	char err[256];
	assert_int_equal(store_open(f->path, &f->s, err, sizeof(err)), STORE_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	store_close(f->s);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static struct org add_org(struct store *s, const char *name)
{
	struct org o;
	assert_int_equal(s->ops->org_add(s, name, &o), STORE_OK);
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

static void orgs(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	int64_t n = -1;
	assert_int_equal(s->ops->org_count(s, &n), STORE_OK);
	assert_int_equal(n, 0);
	struct org a = add_org(s, "acme"), got;
	assert_int_equal(s->ops->org_add(s, "acme", &got), STORE_CONFLICT);
	assert_int_equal(s->ops->org_get_by_name(s, "acme", &got), STORE_OK);
	assert_string_equal(got.id, a.id);
	assert_string_equal(got.home_division_id, a.home_division_id);
	assert_int_equal(s->ops->org_get(s, a.id, &got), STORE_OK);
	assert_int_equal(s->ops->org_get(s, "nope", &got), STORE_NOT_FOUND);
	assert_int_equal(s->ops->org_get_by_name(s, "ACME", &got), STORE_NOT_FOUND);
	assert_int_equal(s->ops->org_count(s, &n), STORE_OK);
	assert_int_equal(n, 1);
}

static int count_clients(const struct oauth_client *c, void *ctx)
{
	(void)c;
	(*(int *)ctx)++;
	return 0;
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
	assert_int_equal(s->ops->client_add(s, &c), STORE_OK);
	assert_int_equal(s->ops->client_add(s, &c), STORE_CONFLICT);
	assert_int_equal(s->ops->client_get(s, c.id, &got), STORE_OK);
	assert_string_equal(got.org_name, "acme");
	assert_string_equal(got.grants, "outbound");
	assert_string_equal(got.secret_hash, c.secret_hash);
	assert_false(got.revoked);
	int n = 0;
	assert_int_equal(s->ops->client_list(s, count_clients, &n), STORE_OK);
	assert_int_equal(n, 1);

	struct token_info t = {.permissions = PERM_ALL, .expires_at = time_now_ms() + 60000}, tg;
	snprintf(t.client_id, sizeof(t.client_id), "%s", c.id);
	snprintf(t.org_id, sizeof(t.org_id), "%s", o.id);
	assert_int_equal(s->ops->token_add(s, "hash-1", &t), STORE_OK);
	assert_int_equal(s->ops->token_get(s, "hash-1", &tg), STORE_OK);
	assert_int_equal(tg.permissions, PERM_ALL);
	assert_int_equal(tg.expires_at, t.expires_at);
	assert_string_equal(tg.org_id, o.id);
	assert_int_equal(s->ops->token_get(s, "hash-2", &tg), STORE_NOT_FOUND);

	/* Expired tokens are swept when new ones are added. */
	struct token_info old = t;
	old.expires_at = time_now_ms() - 1;
	assert_int_equal(s->ops->token_add(s, "hash-old", &old), STORE_OK);
	assert_int_equal(s->ops->token_add(s, "hash-3", &t), STORE_OK);
	assert_int_equal(s->ops->token_get(s, "hash-old", &tg), STORE_NOT_FOUND);

	assert_int_equal(s->ops->client_revoke(s, c.id), STORE_OK);
	assert_int_equal(s->ops->token_get(s, "hash-1", &tg), STORE_NOT_FOUND);
	assert_int_equal(s->ops->client_get(s, c.id, &got), STORE_OK);
	assert_true(got.revoked);
	assert_int_equal(s->ops->client_revoke(s, "nope"), STORE_NOT_FOUND);
}

static void lists_create_get_conflict_limit(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	struct org o = add_org(s, "acme"), other = add_org(s, "other");
	struct contact_list a, dup, got, b;
	make_list(&a, &o, "Spring");
	assert_int_equal(s->ops->list_create(s, &a, 2), STORE_OK);
	assert_int_equal(s->ops->list_get(s, o.id, a.id, &got), STORE_OK);
	assert_string_equal(got.name, "Spring");
	assert_int_equal(got.version, 1);
	assert_int_equal(got.date_created, a.date_created);
	assert_true(json_equal(got.doc, a.doc));
	contact_list_release(&got);
	assert_int_equal(s->ops->list_get(s, other.id, a.id, &got), STORE_NOT_FOUND);

	make_list(&dup, &o, "SPRING");
	assert_int_equal(s->ops->list_create(s, &dup, 2), STORE_CONFLICT);
	contact_list_release(&dup);
	make_list(&dup, &other, "spring"); /* another org may use the name */
	assert_int_equal(s->ops->list_create(s, &dup, 2), STORE_OK);
	contact_list_release(&dup);

	make_list(&b, &o, "Summer");
	assert_int_equal(s->ops->list_create(s, &b, 2), STORE_OK);
	make_list(&dup, &o, "Autumn");
	assert_int_equal(s->ops->list_create(s, &dup, 2), STORE_LIMIT);
	assert_int_equal(s->ops->list_get(s, o.id, dup.id, &got), STORE_NOT_FOUND);
	contact_list_release(&dup);
	contact_list_release(&a);
	contact_list_release(&b);
}

static void lists_update_with_versions(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	struct org o = add_org(s, "acme");
	struct contact_list a, b, got;
	make_list(&a, &o, "one");
	make_list(&b, &o, "two");
	assert_int_equal(s->ops->list_create(s, &a, 10), STORE_OK);
	assert_int_equal(s->ops->list_create(s, &b, 10), STORE_OK);
	free(a.name);
	a.name = strdup("uno");
	a.version = 2;
	a.date_modified += 5;
	assert_int_equal(s->ops->list_update(s, &a, 1), STORE_OK);
	assert_int_equal(s->ops->list_update(s, &a, 1), STORE_STALE);
	assert_int_equal(s->ops->list_get(s, o.id, a.id, &got), STORE_OK);
	assert_string_equal(got.name, "uno");
	assert_int_equal(got.version, 2);
	assert_int_equal(got.date_modified, a.date_modified);
	contact_list_release(&got);
	free(a.name);
	a.name = strdup("TWO");
	a.version = 3;
	assert_int_equal(s->ops->list_update(s, &a, 2), STORE_CONFLICT);
	text_uuid_new(a.id);
	assert_int_equal(s->ops->list_update(s, &a, 2), STORE_NOT_FOUND);
	contact_list_release(&a);
	contact_list_release(&b);
}

static int collect_names(const struct contact_list *cl, void *ctx)
{
	json_array_append_new(ctx, json_string(cl->name));
	return 0;
}

static void lists_delete_and_scan(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	struct org o = add_org(s, "acme"), other = add_org(s, "other");
	struct contact_list l[3], foreign;
	const char *names[] = {"a", "b", "c"};
	for (int i = 0; i < 3; i++) {
		make_list(&l[i], &o, names[i]);
		assert_int_equal(s->ops->list_create(s, &l[i], 10), STORE_OK);
	}
	make_list(&foreign, &other, "x");
	assert_int_equal(s->ops->list_create(s, &foreign, 10), STORE_OK);

	const char *missing = NULL;
	const char *ids[] = {l[0].id, foreign.id};
	assert_int_equal(s->ops->list_delete_many(s, o.id, ids, 2, &missing, NULL, NULL),
			 STORE_NOT_FOUND);
	assert_string_equal(missing, foreign.id);
	json_t *seen = json_array();
	assert_int_equal(s->ops->list_scan(s, o.id, collect_names, seen), STORE_OK);
	assert_int_equal(json_array_size(seen), 3); /* all or nothing */
	json_decref(seen);

	const char *two[] = {l[0].id, l[1].id};
	assert_int_equal(s->ops->list_delete_many(s, o.id, two, 2, &missing, NULL, NULL), STORE_OK);
	assert_int_equal(s->ops->list_delete(s, o.id, l[2].id, NULL, NULL), STORE_OK);
	assert_int_equal(s->ops->list_delete(s, o.id, l[2].id, NULL, NULL), STORE_NOT_FOUND);
	assert_int_equal(s->ops->list_delete(s, o.id, foreign.id, NULL, NULL), STORE_NOT_FOUND);
	seen = json_array();
	assert_int_equal(s->ops->list_scan(s, o.id, collect_names, seen), STORE_OK);
	assert_int_equal(json_array_size(seen), 0);
	json_decref(seen);
	seen = json_array();
	assert_int_equal(s->ops->list_scan(s, other.id, collect_names, seen), STORE_OK);
	assert_int_equal(json_array_size(seen), 1);
	json_decref(seen);
	for (int i = 0; i < 3; i++)
		contact_list_release(&l[i]);
	contact_list_release(&foreign);
}

static void data_survives_reopening(void **state)
{
	struct fixture *f = *state;
	struct org o = add_org(f->s, "acme");
	struct contact_list a, got;
	make_list(&a, &o, "kept");
	assert_int_equal(f->s->ops->list_create(f->s, &a, 10), STORE_OK);
	store_close(f->s);
	char err[256];
	assert_int_equal(store_open(f->path, &f->s, err, sizeof(err)), STORE_OK);
	assert_int_equal(f->s->ops->list_get(f->s, o.id, a.id, &got), STORE_OK);
	assert_string_equal(got.name, "kept");
	contact_list_release(&got);
	contact_list_release(&a);
	/* A second connection sees the same data (one connection per thread). */
	struct store *second;
	assert_int_equal(store_open(f->path, &second, err, sizeof(err)), STORE_OK);
	assert_int_equal(second->ops->org_get(second, o.id, &o), STORE_OK);
	store_close(second);
}

static void every_operation_is_implemented(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	/* The ops table is a name followed by function pointers only. */
	size_t n = (sizeof(*s->ops) - sizeof(const char *)) / sizeof(void (*)(void));
	const char *base = (const char *)s->ops + sizeof(const char *);
	for (size_t i = 0; i < n; i++) {
		void (*fn)(void);
		memcpy(&fn, base + i * sizeof(fn), sizeof(fn));
		if (!fn)
			fail_msg("operation %zu of the %s backend is missing", i, s->ops->name);
	}
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

static void contacts_upsert_count_and_limits(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	struct org o = add_org(s, "acme"), other = add_org(s, "other");
	struct contact_list a, b;
	make_list(&a, &o, "a");
	make_list(&b, &o, "b");
	assert_int_equal(s->ops->list_create(s, &a, 10), STORE_OK);
	assert_int_equal(s->ops->list_create(s, &b, 10), STORE_OK);
	struct contact_limits lim = {.per_list = 3, .per_org = 4};
	struct contact_row rows[] = {row("c1", "\x01x"), row("c2", "\x01y")};
	size_t added;
	assert_int_equal(s->ops->contacts_upsert(s, o.id, a.id, rows, 2, &lim, &added), STORE_OK);
	assert_int_equal(added, 2);
	/* The same ids again: replaced, not added. */
	rows[0].packed = "\x01z";
	rows[0].meta = "{\"name\":\"n\"}";
	rows[0].date_created = 99;
	assert_int_equal(s->ops->contacts_upsert(s, o.id, a.id, rows, 2, &lim, &added), STORE_OK);
	assert_int_equal(added, 0);
	int64_t size;
	assert_int_equal(s->ops->list_size(s, a.id, &size), STORE_OK);
	assert_int_equal(size, 2);
	struct contact_record rec;
	assert_int_equal(s->ops->contact_get(s, a.id, "c1", &rec), STORE_OK);
	assert_int_equal(rec.packed_len, 2);
	assert_memory_equal(rec.packed, "\x01z", 2);
	assert_string_equal(rec.meta, "{\"name\":\"n\"}");
	assert_int_equal(rec.date_created, 1); /* kept from the first write */
	contact_record_release(&rec);
	assert_int_equal(s->ops->contact_get(s, b.id, "c1", &rec), STORE_NOT_FOUND);

	/* Over the list limit: nothing of the batch is written. */
	struct contact_row more[] = {row("c3", "\x00"), row("c4", "\x00")};
	assert_int_equal(s->ops->contacts_upsert(s, o.id, a.id, more, 2, &lim, &added),
			 STORE_LIMIT);
	assert_int_equal(s->ops->contact_get(s, a.id, "c3", &rec), STORE_NOT_FOUND);
	/* Over the org limit (2 in a + 3 in b > 4). */
	struct contact_row three[] = {row("d1", "\x00"), row("d2", "\x00"), row("d3", "\x00")};
	assert_int_equal(s->ops->contacts_upsert(s, o.id, b.id, three, 3, &lim, &added),
			 STORE_LIMIT);
	assert_int_equal(s->ops->list_size(s, b.id, &size), STORE_OK);
	assert_int_equal(size, 0);
	/* Another org cannot write into the list. */
	assert_int_equal(s->ops->contacts_upsert(s, other.id, a.id, more, 1, &lim, &added),
			 STORE_NOT_FOUND);

	json_t *ids = json_array();
	assert_int_equal(s->ops->contacts_scan(s, a.id, collect_ids, ids), STORE_OK);
	assert_int_equal(json_array_size(ids), 2);
	assert_string_equal(json_string_value(json_array_get(ids, 0)), "c1");
	json_decref(ids);

	const char *del[] = {"c1", "nope"};
	size_t deleted;
	assert_int_equal(s->ops->contacts_delete(s, a.id, del, 2, &deleted), STORE_OK);
	assert_int_equal(deleted, 1);
	assert_int_equal(s->ops->contact_delete(s, a.id, "c1"), STORE_NOT_FOUND);
	assert_int_equal(s->ops->list_size(s, a.id, &size), STORE_OK);
	assert_int_equal(size, 1);
	assert_int_equal(s->ops->contacts_clear(s, a.id), STORE_OK);
	assert_int_equal(s->ops->list_size(s, a.id, &size), STORE_OK);
	assert_int_equal(size, 0);

	/* Deleting a list deletes its contacts. */
	assert_int_equal(s->ops->contacts_upsert(s, o.id, a.id, rows, 2, &lim, &added), STORE_OK);
	assert_int_equal(s->ops->list_delete(s, o.id, a.id, NULL, NULL), STORE_OK);
	assert_int_equal(s->ops->contacts_scan(s, a.id, collect_ids, NULL), STORE_NOT_FOUND);
	contact_list_release(&a);
	contact_list_release(&b);
}

/* store.h: an update keeps the system state it does not give, merges the
 * meta it gives, and clear_system resets the state first. */
static void contacts_upsert_keeps_system_state(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	struct org o = add_org(s, "acme");
	struct contact_list a;
	make_list(&a, &o, "a");
	assert_int_equal(s->ops->list_create(s, &a, 10), STORE_OK);
	struct contact_limits lim = {.per_list = 10, .per_org = 10};
	struct contact_row r = row("p1", "\x01x");
	r.callable = false;
	r.callable_given = true;
	r.meta = "{\"name\":\"Kim\",\"phoneNumberStatus\":{\"home\":{\"callable\":false}}}";
	size_t added;
	assert_int_equal(s->ops->contacts_upsert(s, o.id, a.id, &r, 1, &lim, &added), STORE_OK);

	struct contact_row update = row("p1", "\x01y"); /* no state given */
	assert_int_equal(s->ops->contacts_upsert(s, o.id, a.id, &update, 1, &lim, &added),
			 STORE_OK);
	struct contact_record rec;
	assert_int_equal(s->ops->contact_get(s, a.id, "p1", &rec), STORE_OK);
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
	assert_int_equal(s->ops->contacts_upsert(s, o.id, a.id, &update, 1, &lim, &added),
			 STORE_OK);
	assert_int_equal(s->ops->contact_get(s, a.id, "p1", &rec), STORE_OK);
	meta = json_loads(rec.meta, 0, NULL);
	assert_int_equal(json_object_size(json_object_get(meta, "phoneNumberStatus")), 2);
	json_decref(meta);
	contact_record_release(&rec);

	/* clear_system: callable again, statuses gone, the name kept. */
	update.meta = NULL;
	update.clear_system = true;
	assert_int_equal(s->ops->contacts_upsert(s, o.id, a.id, &update, 1, &lim, &added),
			 STORE_OK);
	assert_int_equal(s->ops->contact_get(s, a.id, "p1", &rec), STORE_OK);
	assert_true(rec.callable);
	assert_string_equal(rec.meta, "{\"name\":\"Kim\"}");
	contact_record_release(&rec);
	contact_list_release(&a);
}

static void import_and_export_jobs(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	struct import_job j = {.state = JOB_PENDING, .date_created = 1, .date_modified = 1};
	text_uuid_new(j.id);
	snprintf(j.list_id, sizeof(j.list_id), "list-1");
	snprintf(j.file_path, sizeof(j.file_path), "/tmp/x");
	assert_int_equal(s->ops->import_add(s, &j), STORE_OK);
	struct import_job second = j;
	text_uuid_new(second.id);
	assert_int_equal(s->ops->import_add(s, &second), STORE_CONFLICT); /* one at a time */
	j.state = JOB_RUNNING;
	j.completed = 5;
	assert_int_equal(s->ops->import_update(s, &j), STORE_OK);
	struct import_job got;
	assert_int_equal(s->ops->import_latest(s, "list-1", &got), STORE_OK);
	assert_string_equal(got.id, j.id);
	assert_int_equal(got.completed, 5);
	int64_t n;
	assert_int_equal(s->ops->jobs_interrupt(s, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(s->ops->import_get(s, j.id, &got), STORE_OK);
	assert_int_equal(got.state, JOB_FAILED);
	assert_string_equal(got.failure_reason, "INTERRUPTED");
	second.date_created = 2;
	assert_int_equal(s->ops->import_add(s, &second), STORE_OK);
	assert_int_equal(s->ops->import_latest(s, "list-1", &got), STORE_OK);
	assert_string_equal(got.id, second.id);
	assert_int_equal(s->ops->import_get(s, "nope", &got), STORE_NOT_FOUND);

	struct export_job e = {.state = JOB_RUNNING, .date_created = 1};
	text_uuid_new(e.id);
	snprintf(e.list_id, sizeof(e.list_id), "list-1");
	assert_int_equal(s->ops->export_add(s, &e, 0), STORE_OK);
	e.state = JOB_DONE;
	e.rows = 7;
	assert_int_equal(s->ops->export_update(s, &e), STORE_OK);
	struct export_job eg;
	assert_int_equal(s->ops->export_latest(s, "list-1", &eg), STORE_OK);
	assert_int_equal(eg.rows, 7);
	assert_int_equal(eg.state, JOB_DONE);
	assert_int_equal(s->ops->export_get(s, "nope", &eg), STORE_NOT_FOUND);
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
	snprintf(j.file_path, sizeof(j.file_path), "/f/%s.upload.csv", j.id);
	snprintf(j.rejects_path, sizeof(j.rejects_path), "/f/%s.rejects.csv", j.id);
	return j;
}

static struct export_job an_export(const struct org *o, const char *list_id, enum job_state st,
				   int64_t created)
{
	struct export_job e = {.state = st, .date_created = created, .date_modified = created};
	text_uuid_new(e.id);
	snprintf(e.org_id, sizeof(e.org_id), "%s", o->id);
	snprintf(e.list_id, sizeof(e.list_id), "%s", list_id);
	snprintf(e.file_path, sizeof(e.file_path), "/f/%s.export.csv", e.id);
	return e;
}

/* Adds an import that has finished in state st (one may be active at once). */
static struct import_job add_finished_import(struct store *s, const struct org *o,
					     const char *list_id, enum job_state st,
					     int64_t created)
{
	struct import_job j = an_import(o, list_id, JOB_PENDING, created);
	assert_int_equal(s->ops->import_add(s, &j), STORE_OK);
	j.state = st;
	assert_int_equal(s->ops->import_update(s, &j), STORE_OK);
	return j;
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
	make_list(&l, &o, "l");
	make_list(&m, &o, "m");
	assert_int_equal(s->ops->list_create(s, &l, 10), STORE_OK);
	assert_int_equal(s->ops->list_create(s, &m, 10), STORE_OK);
	struct import_job done = add_finished_import(s, &o, l.id, JOB_DONE, 1);
	struct import_job running = an_import(&o, l.id, JOB_RUNNING, 2);
	assert_int_equal(s->ops->import_add(s, &running), STORE_OK);
	struct export_job ex = an_export(&o, l.id, JOB_DONE, 1);
	assert_int_equal(s->ops->export_add(s, &ex, 0), STORE_OK);
	struct import_job other = add_finished_import(s, &o, m.id, JOB_DONE, 1);
	struct export_job other_ex = an_export(&o, m.id, JOB_DONE, 1);
	assert_int_equal(s->ops->export_add(s, &other_ex, 0), STORE_OK);

	/* A refused bulk delete reports no file and deletes no job. */
	json_t *paths = json_array();
	const char *missing;
	const char *ids[] = {l.id, "no-such-list"};
	assert_int_equal(s->ops->list_delete_many(s, o.id, ids, 2, &missing, collect_paths, paths),
			 STORE_NOT_FOUND);
	assert_int_equal(json_array_size(paths), 0);
	struct import_job ig;
	assert_int_equal(s->ops->import_get(s, done.id, &ig), STORE_OK);

	assert_int_equal(s->ops->list_delete(s, o.id, l.id, collect_paths, paths), STORE_OK);
	assert_int_equal(json_array_size(paths), 5);
	assert_true(has_path(paths, done.file_path));
	assert_true(has_path(paths, done.rejects_path));
	assert_true(has_path(paths, running.file_path));
	assert_true(has_path(paths, running.rejects_path));
	assert_true(has_path(paths, ex.file_path));
	json_decref(paths);
	struct export_job eg;
	assert_int_equal(s->ops->import_get(s, done.id, &ig), STORE_NOT_FOUND);
	assert_int_equal(s->ops->import_get(s, running.id, &ig), STORE_NOT_FOUND);
	assert_int_equal(s->ops->export_get(s, ex.id, &eg), STORE_NOT_FOUND);
	assert_int_equal(s->ops->import_latest(s, l.id, &ig), STORE_NOT_FOUND);
	/* A job that was running learns it when it next writes its state. */
	running.completed = 10;
	assert_int_equal(s->ops->import_update(s, &running), STORE_NOT_FOUND);
	ex.rows = 3;
	assert_int_equal(s->ops->export_update(s, &ex), STORE_NOT_FOUND);
	/* The other list keeps its jobs. */
	assert_int_equal(s->ops->import_get(s, other.id, &ig), STORE_OK);
	assert_int_equal(s->ops->export_get(s, other_ex.id, &eg), STORE_OK);
	contact_list_release(&l);
	contact_list_release(&m);
}

static void exports_are_capped_per_org(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	struct org o = add_org(s, "acme"), other = add_org(s, "other");
	struct export_job e[3];
	for (int i = 0; i < 3; i++)
		e[i] = an_export(&o, "list-1", i ? JOB_RUNNING : JOB_PENDING, i + 1);
	assert_int_equal(s->ops->export_add(s, &e[0], 2), STORE_OK);
	assert_int_equal(s->ops->export_add(s, &e[1], 2), STORE_OK);
	assert_int_equal(s->ops->export_add(s, &e[2], 2), STORE_LIMIT);
	struct export_job got;
	assert_int_equal(s->ops->export_get(s, e[2].id, &got), STORE_NOT_FOUND); /* nothing added */
	struct export_job theirs = an_export(&other, "list-2", JOB_RUNNING, 1);
	assert_int_equal(s->ops->export_add(s, &theirs, 2), STORE_OK); /* per organization */
	e[0].state = JOB_DONE; /* finished ones do not count */
	assert_int_equal(s->ops->export_update(s, &e[0]), STORE_OK);
	assert_int_equal(s->ops->export_add(s, &e[2], 2), STORE_OK);
	struct export_job more = an_export(&o, "list-1", JOB_RUNNING, 9);
	assert_int_equal(s->ops->export_add(s, &more, 0), STORE_OK); /* 0: no cap */
}

static void prune_keeps_one_import_and_one_export_per_list(void **state)
{
	struct store *s = ((struct fixture *)*state)->s;
	struct org o = add_org(s, "acme");
	struct import_job i1 = add_finished_import(s, &o, "list-1", JOB_DONE, 1);
	struct import_job i2 = add_finished_import(s, &o, "list-1", JOB_FAILED, 2);
	struct import_job i3 = an_import(&o, "list-1", JOB_RUNNING, 3);
	assert_int_equal(s->ops->import_add(s, &i3), STORE_OK);
	struct import_job elsewhere = add_finished_import(s, &o, "list-2", JOB_DONE, 1);
	struct export_job e[5];
	const enum job_state states[] = {JOB_DONE, JOB_FAILED, JOB_DONE, JOB_RUNNING, JOB_FAILED};
	for (int i = 0; i < 5; i++) {
		e[i] = an_export(&o, "list-1", states[i], i + 1);
		assert_int_equal(s->ops->export_add(s, &e[i], 0), STORE_OK);
	}
	json_t *paths = json_array();
	assert_int_equal(s->ops->jobs_prune(s, "list-1", collect_paths, paths), STORE_OK);
	/* The imports before the newest, and the exports before the newest DONE. */
	assert_int_equal(json_array_size(paths), 6);
	assert_true(has_path(paths, i1.file_path) && has_path(paths, i1.rejects_path));
	assert_true(has_path(paths, i2.file_path) && has_path(paths, i2.rejects_path));
	assert_true(has_path(paths, e[0].file_path) && has_path(paths, e[1].file_path));
	struct import_job ig;
	struct export_job eg;
	assert_int_equal(s->ops->import_get(s, i1.id, &ig), STORE_NOT_FOUND);
	assert_int_equal(s->ops->import_get(s, i2.id, &ig), STORE_NOT_FOUND);
	assert_int_equal(s->ops->import_get(s, i3.id, &ig), STORE_OK);
	assert_int_equal(s->ops->import_get(s, elsewhere.id, &ig), STORE_OK);
	assert_int_equal(s->ops->export_get(s, e[0].id, &eg), STORE_NOT_FOUND);
	assert_int_equal(s->ops->export_get(s, e[1].id, &eg), STORE_NOT_FOUND);
	for (int i = 2; i < 5; i++)
		assert_int_equal(s->ops->export_get(s, e[i].id, &eg), STORE_OK);
	assert_int_equal(s->ops->import_latest(s, "list-1", &ig), STORE_OK);
	assert_string_equal(ig.id, i3.id);
	assert_int_equal(s->ops->export_latest(s, "list-1", &eg), STORE_OK);
	assert_string_equal(eg.id, e[4].id);
	/* Nothing is reported twice. */
	json_array_clear(paths);
	assert_int_equal(s->ops->jobs_prune(s, "list-1", collect_paths, paths), STORE_OK);
	assert_int_equal(json_array_size(paths), 0);
	json_decref(paths);
}

/* Two connections (two servers on one database) at once. */
struct racer {
	const char *path;
	const char *org_id;
	int op; /* 0: add exports under a cap of 3; 1: prune list-1 */
	int added;
	json_t *paths;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	struct store *s;
	char err[256];
	if (store_open(r->path, &s, err, sizeof(err)) != STORE_OK)
		return NULL;
	struct org o;
	snprintf(o.id, sizeof(o.id), "%s", r->org_id);
	for (int i = 0; i < 20; i++) {
		if (r->op == 0) {
			struct export_job e = an_export(&o, "list-9", JOB_RUNNING, i);
			if (s->ops->export_add(s, &e, 3) == STORE_OK)
				r->added++;
		} else {
			s->ops->jobs_prune(s, "list-1", collect_paths, r->paths);
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
	for (int i = 0; i < 30; i++) {
		struct export_job e = an_export(&o, "list-1", JOB_DONE, i + 1);
		assert_int_equal(s->ops->export_add(s, &e, 0), STORE_OK);
	}
	struct racer r[4];
	pthread_t t[4];
	for (int i = 0; i < 4; i++) {
		r[i] = (struct racer){.path = f->path, .org_id = o.id, .op = i % 2};
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(orgs, setup, teardown),
		cmocka_unit_test_setup_teardown(clients_and_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(lists_create_get_conflict_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(lists_update_with_versions, setup, teardown),
		cmocka_unit_test_setup_teardown(lists_delete_and_scan, setup, teardown),
		cmocka_unit_test_setup_teardown(data_survives_reopening, setup, teardown),
		cmocka_unit_test_setup_teardown(open_refuses_what_is_not_a_database, setup,
						teardown),
		cmocka_unit_test_setup_teardown(every_operation_is_implemented, setup, teardown),
		cmocka_unit_test_setup_teardown(contacts_upsert_count_and_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(contacts_upsert_keeps_system_state, setup,
						teardown),
		cmocka_unit_test_setup_teardown(import_and_export_jobs, setup, teardown),
		cmocka_unit_test_setup_teardown(jobs_and_their_files_go_with_their_list, setup,
						teardown),
		cmocka_unit_test_setup_teardown(exports_are_capped_per_org, setup, teardown),
		cmocka_unit_test_setup_teardown(prune_keeps_one_import_and_one_export_per_list,
						setup, teardown),
		cmocka_unit_test_setup_teardown(two_servers_share_the_cap_and_the_pruning, setup,
						teardown),
	};
	return cmocka_run_group_tests_name("store contract (sqlite)", tests, NULL, NULL);
}

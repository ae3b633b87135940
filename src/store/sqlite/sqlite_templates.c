/* Contact list templates in SQLite: one row per template, the writable
 * fields kept as a JSON document, as lists' are (sqlite_lists.c); the
 * transactions are the documents' (sqlite_docs.c). */
#include "store/sqlite/sqlite_docs.h"

#include <string.h>

static const struct sql_doc_kind templates = {
	.count = SQL_TEMPLATE_COUNT,
	.insert = SQL_TEMPLATE_INSERT,
	.get = SQL_TEMPLATE_GET,
	.update = SQL_TEMPLATE_UPDATE,
	.del = SQL_TEMPLATE_DELETE,
	.scan = SQL_TEMPLATE_SCAN,
	.create_op = "template_create",
	.count_op = "template_count",
	.get_op = "template_get",
	.update_op = "template_update",
	.delete_op = "template_delete",
	.scan_op = "template_scan",
};

static int read_template(sqlite3_stmt *st, void *dst)
{
	struct contact_list *out = dst;
	memset(out, 0, sizeof(*out));
	sql_copy_text(st, 0, out->id, sizeof(out->id));
	sql_copy_text(st, 1, out->org_id, sizeof(out->org_id));
	const char *name = (const char *)sqlite3_column_text(st, 2);
	out->name = text_ndup(name ? name : "", name ? strlen(name) : 0);
	out->version = sqlite3_column_int64(st, 3);
	out->date_created = sqlite3_column_int64(st, 4);
	out->date_modified = sqlite3_column_int64(st, 5);
	const char *doc = (const char *)sqlite3_column_text(st, 6);
	out->doc = doc ? json_loads(doc, 0, NULL) : NULL;
	return out->doc ? STORE_OK : STORE_FAILED;
}

static struct sql_doc as_doc(const struct contact_list *t, const char *name_key)
{
	return (struct sql_doc){.id = t->id,
				.org_id = t->org_id,
				.name = t->name,
				.name_key = name_key,
				.version = t->version,
				.date_created = t->date_created,
				.date_modified = t->date_modified,
				.doc = t->doc};
}

int sqlite_template_create(struct store *base, const struct contact_list *ts,
			   const char *const *name_keys, size_t n, unsigned max_per_org,
			   size_t *bad)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	/* Count and inserts in one write transaction, so the limit holds. */
	if (sql_exec(s, SQL_BEGIN))
		return STORE_FAILED;
	int rc = sql_doc_count_check(s, &templates, ts[0].org_id, n, max_per_org);
	for (size_t i = 0; i < n && rc == STORE_OK; i++) {
		struct sql_doc d = as_doc(&ts[i], name_keys[i]);
		if ((rc = sql_doc_insert(s, &templates, &d)) == STORE_CONFLICT)
			*bad = i;
	}
	return sql_end(s, rc);
}

int sqlite_template_get(struct store *base, const char *org_id, const char *id,
			struct contact_list *out)
{
	return sql_doc_get((struct sqlite_store *)base, &templates, org_id, id, read_template, out);
}

int sqlite_template_update(struct store *base, const struct contact_list *t, const char *name_key,
			   int64_t expected_version)
{
	struct sql_doc d = as_doc(t, name_key);
	return sql_doc_update((struct sqlite_store *)base, &templates, &d, expected_version);
}

int sqlite_template_delete_many(struct store *base, const char *org_id, const char *const *ids,
				size_t n, const char **missing)
{
	return sql_doc_delete_many((struct sqlite_store *)base, &templates, org_id, ids, n,
				   missing);
}

struct scan_ctx {
	store_list_cb cb;
	void *ctx;
};

static int scan_row(sqlite3_stmt *st, void *ctx, int *stop)
{
	const struct scan_ctx *sc = ctx;
	struct contact_list t;
	int rc = read_template(st, &t);
	*stop = rc == STORE_OK ? sc->cb(&t, sc->ctx) : 1;
	contact_list_release(&t);
	return rc;
}

int sqlite_template_scan(struct store *base, const char *org_id, store_list_cb cb, void *ctx)
{
	struct scan_ctx sc = {cb, ctx};
	return sql_doc_scan((struct sqlite_store *)base, &templates, org_id, scan_row, &sc);
}

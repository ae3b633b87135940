/* Contact list filters in SQLite: one row per filter, naming its list,
 * the writable fields kept as a JSON document (as lists' are); the
 * transactions are the documents' (sqlite_docs.c). A list's filters are
 * deleted with it (sqlite_lists.c). */
#include "store/sqlite/sqlite_docs.h"

#include <string.h>

static const struct sql_doc_kind filters = {
	.count = SQL_FILTER_COUNT,
	.insert = SQL_FILTER_INSERT,
	.get = SQL_FILTER_GET,
	.update = SQL_FILTER_UPDATE,
	.del = SQL_FILTER_DELETE,
	.scan = SQL_FILTER_SCAN,
	.create_op = "filter_create",
	.count_op = "filter_count",
	.get_op = "filter_get",
	.update_op = "filter_update",
	.delete_op = "filter_delete",
	.scan_op = "filter_scan",
};

static int read_filter(sqlite3_stmt *st, void *dst)
{
	struct contact_filter *out = dst;
	memset(out, 0, sizeof(*out));
	sql_copy_text(st, 0, out->id, sizeof(out->id));
	sql_copy_text(st, 1, out->org_id, sizeof(out->org_id));
	sql_copy_text(st, 2, out->list_id, sizeof(out->list_id));
	const char *name = (const char *)sqlite3_column_text(st, 3);
	out->name = text_ndup(name ? name : "", name ? strlen(name) : 0);
	out->version = sqlite3_column_int64(st, 4);
	out->date_created = sqlite3_column_int64(st, 5);
	out->date_modified = sqlite3_column_int64(st, 6);
	const char *doc = (const char *)sqlite3_column_text(st, 7);
	out->doc = doc ? json_loads(doc, 0, NULL) : NULL;
	return out->doc ? STORE_OK : STORE_FAILED;
}

static struct sql_doc as_doc(const struct contact_filter *f, const char *name_key)
{
	return (struct sql_doc){.id = f->id,
				.org_id = f->org_id,
				.list_id = f->list_id,
				.name = f->name,
				.name_key = name_key,
				.version = f->version,
				.date_created = f->date_created,
				.date_modified = f->date_modified,
				.doc = f->doc};
}

/* In the caller's transaction: the list exists, the count is under the
 * cap, then the insert. */
static int create_in(struct sqlite_store *s, const struct contact_filter *f, const char *name_key,
		     unsigned max_per_org)
{
	int rc = sql_list_exists(s, f->org_id, f->list_id);
	if (rc == STORE_OK)
		rc = sql_doc_count_check(s, &filters, f->org_id, 1, max_per_org);
	if (rc != STORE_OK)
		return rc;
	struct sql_doc d = as_doc(f, name_key);
	return sql_doc_insert(s, &filters, &d);
}

int sqlite_filter_create(struct store *base, const struct contact_filter *f, const char *name_key,
			 unsigned max_per_org)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	if (sql_exec(s, SQL_BEGIN))
		return STORE_FAILED;
	return sql_end(s, create_in(s, f, name_key, max_per_org));
}

int sqlite_filter_get(struct store *base, const char *org_id, const char *id,
		      struct contact_filter *out)
{
	return sql_doc_get((struct sqlite_store *)base, &filters, org_id, id, read_filter, out);
}

int sqlite_filter_update(struct store *base, const struct contact_filter *f, const char *name_key,
			 int64_t expected_version)
{
	struct sql_doc d = as_doc(f, name_key);
	return sql_doc_update((struct sqlite_store *)base, &filters, &d, expected_version);
}

int sqlite_filter_delete_many(struct store *base, const char *org_id, const char *const *ids,
			      size_t n, const char **missing)
{
	return sql_doc_delete_many((struct sqlite_store *)base, &filters, org_id, ids, n, missing);
}

struct scan_ctx {
	store_filter_cb cb;
	void *ctx;
};

static int scan_row(sqlite3_stmt *st, void *ctx, int *stop)
{
	const struct scan_ctx *sc = ctx;
	struct contact_filter f;
	int rc = read_filter(st, &f);
	*stop = rc == STORE_OK ? sc->cb(&f, sc->ctx) : 1;
	contact_filter_release(&f);
	return rc;
}

int sqlite_filter_scan(struct store *base, const char *org_id, store_filter_cb cb, void *ctx)
{
	struct scan_ctx sc = {cb, ctx};
	return sql_doc_scan((struct sqlite_store *)base, &filters, org_id, scan_row, &sc);
}

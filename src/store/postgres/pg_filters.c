/* Contact list filters in PostgreSQL: one row per filter, naming its
 * list, the writable fields kept as a JSON document (as lists' are); the
 * transactions are the documents' (pg_docs.c). A list's filters are
 * deleted with it (pg_lists.c). */
#include "store/postgres/pg_docs.h"

#include <stdlib.h>
#include <string.h>

static const struct pg_doc_kind filters = {
	.count = PG_SQL_FILTER_COUNT,
	.insert = PG_SQL_FILTER_INSERT,
	.get = PG_SQL_FILTER_GET,
	.update = PG_SQL_FILTER_UPDATE,
	.del = PG_SQL_FILTER_DELETE,
	.scan = PG_SQL_FILTER_SCAN,
	.create_op = "filter_create",
	.count_op = "filter_count",
	.get_op = "filter_get",
	.update_op = "filter_update",
	.delete_op = "filter_delete",
	.scan_op = "filter_scan",
};

static int read_filter(const PGresult *r, int row, void *dst)
{
	struct contact_filter *out = dst;
	memset(out, 0, sizeof(*out));
	pg_copy_text(r, row, 0, out->id, sizeof(out->id));
	pg_copy_text(r, row, 1, out->org_id, sizeof(out->org_id));
	pg_copy_text(r, row, 2, out->list_id, sizeof(out->list_id));
	const char *name = PQgetvalue(r, row, 3);
	out->name = text_ndup(name, strlen(name));
	out->version = pg_int(r, row, 4);
	out->date_created = pg_int(r, row, 5);
	out->date_modified = pg_int(r, row, 6);
	out->doc = json_loads(PQgetvalue(r, row, 7), 0, NULL);
	return out->doc ? STORE_OK : STORE_FAILED;
}

static struct pg_doc as_doc(const struct contact_filter *f, const char *name_key, const char *doc)
{
	return (struct pg_doc){.id = f->id,
			       .org_id = f->org_id,
			       .list_id = f->list_id,
			       .name = f->name,
			       .name_key = name_key,
			       .version = f->version,
			       .date_created = f->date_created,
			       .date_modified = f->date_modified,
			       .doc = doc};
}

/* The list locked (so it cannot be deleted before this commits), the
 * count under the org's lock, then the insert. */
static int create_once(struct pg_store *s, const struct contact_filter *f, const char *name_key,
		       const char *doc, unsigned max_per_org)
{
	if (pg_begin(s))
		return STORE_FAILED;
	int64_t key = 0;
	int rc = pg_list_key(s, f->org_id, f->list_id, true, &key, NULL);
	if (rc == STORE_OK)
		rc = pg_org_lock(s, f->org_id);
	if (rc == STORE_OK)
		rc = pg_doc_count_check(s, &filters, f->org_id, 1, max_per_org);
	if (rc == STORE_OK) {
		struct pg_doc d = as_doc(f, name_key, doc);
		rc = pg_doc_insert(s, &filters, &d);
	}
	return pg_end(s, rc);
}

int pg_filter_create(struct store *base, const struct contact_filter *f, const char *name_key,
		     unsigned max_per_org)
{
	struct pg_store *s = (struct pg_store *)base;
	char *doc = json_dumps(f->doc, JSON_COMPACT);
	if (!doc)
		return store_fail_record(&base->failure, "postgres", "filter_create",
					 STORE_FAULT_MEMORY, "out of memory");
	int rc;
	PG_CALL(s, rc, create_once(s, f, name_key, doc, max_per_org));
	free(doc);
	return rc;
}

int pg_filter_get(struct store *base, const char *org_id, const char *id,
		  struct contact_filter *out)
{
	return pg_doc_get((struct pg_store *)base, &filters, org_id, id, read_filter, out);
}

int pg_filter_update(struct store *base, const struct contact_filter *f, const char *name_key,
		     int64_t expected_version)
{
	struct pg_doc d = as_doc(f, name_key, NULL);
	return pg_doc_update((struct pg_store *)base, &filters, &d, f->doc, expected_version);
}

int pg_filter_delete_many(struct store *base, const char *org_id, const char *const *ids, size_t n,
			  const char **missing)
{
	return pg_doc_delete_many((struct pg_store *)base, &filters, org_id, ids, n, missing);
}

struct scan_ctx {
	store_filter_cb cb;
	void *ctx;
};

static int scan_row(const PGresult *r, int row, void *ctx, int *stop)
{
	const struct scan_ctx *sc = ctx;
	struct contact_filter f;
	int rc = read_filter(r, row, &f);
	*stop = rc == STORE_OK ? sc->cb(&f, sc->ctx) : 1;
	contact_filter_release(&f);
	return rc;
}

int pg_filter_scan(struct store *base, const char *org_id, store_filter_cb cb, void *ctx)
{
	struct scan_ctx sc = {cb, ctx};
	return pg_doc_scan((struct pg_store *)base, &filters, org_id, scan_row, &sc);
}

/* Contact list templates in PostgreSQL: one row per template, the
 * writable fields kept as a JSON document, as lists' are (pg_lists.c);
 * the transactions are the documents' (pg_docs.c). */
#include "store/postgres/pg_docs.h"

#include <stdlib.h>
#include <string.h>

static const struct pg_doc_kind templates = {
	.count = PG_SQL_TEMPLATE_COUNT,
	.insert = PG_SQL_TEMPLATE_INSERT,
	.get = PG_SQL_TEMPLATE_GET,
	.update = PG_SQL_TEMPLATE_UPDATE,
	.del = PG_SQL_TEMPLATE_DELETE,
	.scan = PG_SQL_TEMPLATE_SCAN,
	.create_op = "template_create",
	.count_op = "template_count",
	.get_op = "template_get",
	.update_op = "template_update",
	.delete_op = "template_delete",
	.scan_op = "template_scan",
};

static int read_template(const PGresult *r, int row, void *dst)
{
	struct contact_list *out = dst;
	memset(out, 0, sizeof(*out));
	pg_copy_text(r, row, 0, out->id, sizeof(out->id));
	pg_copy_text(r, row, 1, out->org_id, sizeof(out->org_id));
	const char *name = PQgetvalue(r, row, 2);
	out->name = text_ndup(name, strlen(name));
	out->version = pg_int(r, row, 3);
	out->date_created = pg_int(r, row, 4);
	out->date_modified = pg_int(r, row, 5);
	out->doc = json_loads(PQgetvalue(r, row, 6), 0, NULL);
	return out->doc ? STORE_OK : STORE_FAILED;
}

static struct pg_doc as_doc(const struct contact_list *t, const char *name_key, const char *doc)
{
	return (struct pg_doc){.id = t->id,
			       .org_id = t->org_id,
			       .name = t->name,
			       .name_key = name_key,
			       .version = t->version,
			       .date_created = t->date_created,
			       .date_modified = t->date_modified,
			       .doc = doc};
}

/* The count and the inserts under the org's lock, so the limit holds;
 * names are unique by their index (a taken one: STORE_CONFLICT). */
static int create_once(struct pg_store *s, const struct contact_list *ts,
		       const char *const *name_keys, char **docs, size_t n, unsigned max_per_org,
		       size_t *bad)
{
	if (pg_begin(s))
		return STORE_FAILED;
	int rc = pg_org_lock(s, ts[0].org_id);
	if (rc == STORE_OK)
		rc = pg_doc_count_check(s, &templates, ts[0].org_id, n, max_per_org);
	for (size_t i = 0; i < n && rc == STORE_OK; i++) {
		struct pg_doc d = as_doc(&ts[i], name_keys[i], docs[i]);
		if ((rc = pg_doc_insert(s, &templates, &d)) == STORE_CONFLICT)
			*bad = i;
	}
	return pg_end(s, rc);
}

int pg_template_create(struct store *base, const struct contact_list *ts,
		       const char *const *name_keys, size_t n, unsigned max_per_org, size_t *bad)
{
	struct pg_store *s = (struct pg_store *)base;
	char **docs = calloc(n, sizeof(*docs));
	int rc = docs ? STORE_OK : STORE_FAILED;
	for (size_t i = 0; i < n && rc == STORE_OK; i++)
		if (!(docs[i] = json_dumps(ts[i].doc, JSON_COMPACT)))
			rc = STORE_FAILED;
	if (rc == STORE_OK)
		PG_CALL(s, rc, create_once(s, ts, name_keys, docs, n, max_per_org, bad));
	else
		rc = store_fail_record(&base->failure, "postgres", "template_create",
				       STORE_FAULT_MEMORY, "out of memory");
	for (size_t i = 0; docs && i < n; i++)
		free(docs[i]);
	free(docs);
	return rc;
}

int pg_template_get(struct store *base, const char *org_id, const char *id,
		    struct contact_list *out)
{
	return pg_doc_get((struct pg_store *)base, &templates, org_id, id, read_template, out);
}

int pg_template_update(struct store *base, const struct contact_list *t, const char *name_key,
		       int64_t expected_version)
{
	struct pg_doc d = as_doc(t, name_key, NULL);
	return pg_doc_update((struct pg_store *)base, &templates, &d, t->doc, expected_version);
}

int pg_template_delete_many(struct store *base, const char *org_id, const char *const *ids,
			    size_t n, const char **missing)
{
	return pg_doc_delete_many((struct pg_store *)base, &templates, org_id, ids, n, missing);
}

struct scan_ctx {
	store_list_cb cb;
	void *ctx;
};

static int scan_row(const PGresult *r, int row, void *ctx, int *stop)
{
	const struct scan_ctx *sc = ctx;
	struct contact_list t;
	int rc = read_template(r, row, &t);
	*stop = rc == STORE_OK ? sc->cb(&t, sc->ctx) : 1;
	contact_list_release(&t);
	return rc;
}

int pg_template_scan(struct store *base, const char *org_id, store_list_cb cb, void *ctx)
{
	struct scan_ctx sc = {cb, ctx};
	return pg_doc_scan((struct pg_store *)base, &templates, org_id, scan_row, &sc);
}

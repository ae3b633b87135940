/* Versioned named documents of an organization in PostgreSQL: the rows
 * of contact list templates and filters, each an id, an org, a unique
 * name key, a version and a JSON document. The two kinds share one way to
 * insert under a cap, read, compare-and-set, delete and scan
 * (pg_docs.c); a small table says which statements and words are whose. */
#ifndef DIALBOOK_PG_DOCS_H
#define DIALBOOK_PG_DOCS_H

#include "store/postgres/pg_internal.h"

struct pg_doc_kind {
	enum pg_sql count, insert, get, update, del, scan;
	/* The words a failure is logged with: "template_create"... */
	const char *create_op, *count_op, *get_op, *update_op, *delete_op, *scan_op;
};

/* One document's stored fields, its JSON already text; list_id NULL for
 * a kind without one. */
struct pg_doc {
	const char *id, *org_id, *list_id, *name, *name_key;
	int64_t version, date_created, date_modified;
	const char *doc;
};

/* Reads row `row` of a get or scan result into the caller's struct. */
typedef int (*pg_doc_read_fn)(const PGresult *r, int row, void *out);
/* Called for each scanned row; sets *stop to stop; returns the read's rc. */
typedef int (*pg_doc_row_fn)(const PGresult *r, int row, void *ctx, int *stop);

/* In the caller's transaction, under the org's lock: STORE_LIMIT when
 * the org's n more would pass max_per_org. */
int pg_doc_count_check(struct pg_store *s, const struct pg_doc_kind *k, const char *org_id,
		       size_t n, unsigned max_per_org);
/* In the caller's transaction: inserts d (STORE_CONFLICT: its name key
 * or id is taken). */
int pg_doc_insert(struct pg_store *s, const struct pg_doc_kind *k, const struct pg_doc *d);
/* STORE_NOT_FOUND or read(r, 0, out). */
int pg_doc_get(struct pg_store *s, const struct pg_doc_kind *k, const char *org_id, const char *id,
	       pg_doc_read_fn read, void *out);
/* Compare-and-set on the version: STORE_STALE when the document changed
 * since, STORE_NOT_FOUND when it is gone. d->doc is ignored: json is
 * dumped here. */
int pg_doc_update(struct pg_store *s, const struct pg_doc_kind *k, const struct pg_doc *d,
		  const json_t *json, int64_t expected_version);
/* All of ids or none, one transaction; *missing names the one absent. */
int pg_doc_delete_many(struct pg_store *s, const struct pg_doc_kind *k, const char *org_id,
		       const char *const *ids, size_t n, const char **missing);
/* The org's documents in id order (one result: a cap keeps them few),
 * row() for each until it stops. */
int pg_doc_scan(struct pg_store *s, const struct pg_doc_kind *k, const char *org_id,
		pg_doc_row_fn row, void *ctx);

#endif

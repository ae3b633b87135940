/* Versioned named documents of an organization in SQLite: the rows of
 * contact list templates and filters, each an id, an org, a unique name
 * key, a version and a JSON document. The two kinds share one way to
 * insert under a cap, read, compare-and-set and delete (sqlite_docs.c);
 * a small table says which statements and words belong to each kind. */
#ifndef DIALBOOK_SQLITE_DOCS_H
#define DIALBOOK_SQLITE_DOCS_H

#include "store/sqlite/sqlite_internal.h"

struct sql_doc_kind {
	enum sql_statement count, insert, get, update, del, scan;
	/* The words a failure is logged with: "template_create"... */
	const char *create_op, *count_op, *get_op, *update_op, *delete_op, *scan_op;
};

/* One document's stored fields; list_id NULL for a kind without one. */
struct sql_doc {
	const char *id, *org_id, *list_id, *name, *name_key;
	int64_t version, date_created, date_modified;
	const json_t *doc;
};

/* Reads the row a get or scan statement is on into the caller's struct. */
typedef int (*sql_doc_read_fn)(sqlite3_stmt *st, void *out);
/* Called for each scanned row with the row's statement; nonzero stops. */
typedef int (*sql_doc_row_fn)(sqlite3_stmt *st, void *ctx, int *stop);

/* In the caller's transaction: STORE_LIMIT when the org's n more would
 * pass max_per_org. */
int sql_doc_count_check(struct sqlite_store *s, const struct sql_doc_kind *k, const char *org_id,
			size_t n, unsigned max_per_org);
/* In the caller's transaction: inserts d (STORE_CONFLICT: its name key
 * or id is taken). */
int sql_doc_insert(struct sqlite_store *s, const struct sql_doc_kind *k, const struct sql_doc *d);
/* STORE_NOT_FOUND or read(st, out). */
int sql_doc_get(struct sqlite_store *s, const struct sql_doc_kind *k, const char *org_id,
		const char *id, sql_doc_read_fn read, void *out);
/* Compare-and-set on the version in its own transaction: STORE_STALE
 * when the document changed since, STORE_NOT_FOUND when it is gone. */
int sql_doc_update(struct sqlite_store *s, const struct sql_doc_kind *k, const struct sql_doc *d,
		   int64_t expected_version);
/* All of ids or none, one transaction; *missing names the one absent. */
int sql_doc_delete_many(struct sqlite_store *s, const struct sql_doc_kind *k, const char *org_id,
			const char *const *ids, size_t n, const char **missing);
/* The org's documents in id order: row() for each until it stops. */
int sql_doc_scan(struct sqlite_store *s, const struct sql_doc_kind *k, const char *org_id,
		 sql_doc_row_fn row, void *ctx);

#endif

/* Shared by the SQLite backend's files: the connection and its cache of
 * prepared statements. */
#ifndef DIALBOOK_SQLITE_INTERNAL_H
#define DIALBOOK_SQLITE_INTERNAL_H

#include <sqlite3.h>

#include "store/store.h"

#define IMPORT_COLUMNS                                                                             \
	"id, org_id, list_id, state, total, completed, failed, blank, failure_reason, "            \
	"failure_detail, file_path, rejects_path, contact_id_column, date_created, "               \
	"date_modified, clear_system_data, ignored_columns"
#define EXPORT_COLUMNS                                                                             \
	"id, org_id, list_id, state, rows, file_path, failure_detail, date_created, "              \
	"date_modified"

#define SQL_STATEMENT_TABLE(X)                                                                     \
	X(ORG_ADD, "INSERT INTO orgs(id, name, home_division_id, date_created) "                   \
		   "VALUES(?1, ?2, ?3, ?4)")                                                       \
	X(ORG_BY_NAME, "SELECT id, name, home_division_id FROM orgs WHERE name = ?1")              \
	X(ORG_BY_ID, "SELECT id, name, home_division_id FROM orgs WHERE id = ?1")                  \
	X(ORG_COUNT, "SELECT count(*) FROM orgs")                                                  \
	X(CLIENT_ADD, "INSERT INTO oauth_clients(id, org_id, name, secret_hash, grants, "          \
		      "date_created) VALUES(?1, ?2, ?3, ?4, ?5, ?6)")                              \
	X(CLIENT_GET, "SELECT c.id, c.org_id, o.name, c.name, c.grants, c.secret_hash, "           \
		      "c.date_created, c.revoked FROM oauth_clients c JOIN orgs o ON "             \
		      "o.id = c.org_id WHERE c.id = ?1")                                           \
	X(CLIENT_LIST, "SELECT c.id, c.org_id, o.name, c.name, c.grants, c.secret_hash, "          \
		       "c.date_created, c.revoked FROM oauth_clients c JOIN orgs o ON "            \
		       "o.id = c.org_id ORDER BY c.date_created, c.id")                            \
	X(CLIENT_REVOKE, "UPDATE oauth_clients SET revoked = 1 WHERE id = ?1")                     \
	X(TOKENS_OF_CLIENT_DELETE, "DELETE FROM tokens WHERE client_id = ?1")                      \
	X(TOKEN_ADD, "INSERT INTO tokens(hash, client_id, org_id, permissions, expires_at) "       \
		     "VALUES(?1, ?2, ?3, ?4, ?5)")                                                 \
	X(TOKEN_GET, "SELECT client_id, org_id, permissions, expires_at FROM tokens "              \
		     "WHERE hash = ?1")                                                            \
	X(TOKENS_EXPIRED_DELETE, "DELETE FROM tokens WHERE expires_at < ?1")                       \
	X(LIST_COUNT, "SELECT count(*) FROM contact_lists WHERE org_id = ?1")                      \
	X(LIST_INSERT, "INSERT INTO contact_lists(id, org_id, division_id, name, name_key, "       \
		       "version, date_created, date_modified, doc) "                               \
		       "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")                               \
	X(LIST_GET, "SELECT id, org_id, division_id, name, version, date_created, "                \
		    "date_modified, doc FROM contact_lists WHERE org_id = ?1 AND id = ?2")         \
	X(LIST_UPDATE, "UPDATE contact_lists SET name = ?3, name_key = ?4, version = ?5, "         \
		       "date_modified = ?6, doc = ?7 WHERE org_id = ?1 AND id = ?2 "               \
		       "AND version = ?8")                                                         \
	X(LIST_DELETE, "DELETE FROM contact_lists WHERE org_id = ?1 AND id = ?2")                  \
	X(LIST_CONTACTS_DELETE, "DELETE FROM contacts WHERE list_key = (SELECT rowid FROM "        \
				"contact_lists WHERE org_id = ?1 AND id = ?2)")                    \
	X(LIST_KEY, "SELECT rowid, size, org_id FROM contact_lists WHERE id = ?1")                 \
	X(LIST_SIZE_ADD, "UPDATE contact_lists SET size = size + ?2 WHERE rowid = ?1")             \
	X(ORG_CONTACTS, "SELECT coalesce(sum(size), 0) FROM contact_lists WHERE org_id = ?1")      \
	X(CONTACT_INSERT, "INSERT OR IGNORE INTO contacts(list_key, id, data, callable, "          \
			  "meta, date_created, date_modified) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)") \
	/* System state survives unless given (?8) or cleared (?7): see store.h. */                \
	X(CONTACT_REPLACE,                                                                         \
	  "UPDATE contacts SET data = ?3, "                                                        \
	  "callable = CASE WHEN ?8 THEN ?4 WHEN ?7 THEN 1 ELSE callable END, "                     \
	  "meta = nullif(json_patch(CASE WHEN ?7 THEN json_remove(coalesce(meta, '{}'), "          \
	  "'$.phoneNumberStatus', '$.contactableStatus') ELSE coalesce(meta, '{}') END, "          \
	  "coalesce(?5, '{}')), '{}'), "                                                           \
	  "date_modified = ?6 WHERE list_key = ?1 AND id = ?2")                                    \
	X(CONTACT_GET, "SELECT id, data, callable, meta, date_created, date_modified FROM "        \
		       "contacts WHERE list_key = ?1 AND id = ?2")                                 \
	X(CONTACT_DELETE, "DELETE FROM contacts WHERE list_key = ?1 AND id = ?2")                  \
	X(CONTACTS_CLEAR, "DELETE FROM contacts WHERE list_key = ?1")                              \
	X(LIST_SIZE_SET, "UPDATE contact_lists SET size = ?2 WHERE rowid = ?1")                    \
	X(CONTACTS_SCAN, "SELECT id, data, callable, meta, date_created, date_modified FROM "      \
			 "contacts WHERE list_key = ?1 ORDER BY id")                               \
	X(IMPORT_INSERT,                                                                           \
	  "INSERT INTO import_jobs(id, org_id, list_id, state, total, "                            \
	  "completed, failed, blank, failure_reason, failure_detail, file_path, "                  \
	  "rejects_path, contact_id_column, date_created, date_modified, clear_system_data, "      \
	  "ignored_columns) "                                                                      \
	  "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)")    \
	X(IMPORT_UPDATE, "UPDATE import_jobs SET state = ?4, total = ?5, completed = ?6, "         \
			 "failed = ?7, blank = ?8, failure_reason = ?9, failure_detail = ?10, "    \
			 "date_modified = ?15, ignored_columns = ?17 WHERE id = ?1")               \
	X(IMPORT_ACTIVE, "SELECT 1 FROM import_jobs WHERE list_id = ?1 AND state IN (0, 1)")       \
	X(IMPORT_GET, "SELECT " IMPORT_COLUMNS " FROM import_jobs WHERE id = ?1")                  \
	X(IMPORT_LATEST, "SELECT " IMPORT_COLUMNS " FROM import_jobs WHERE list_id = ?1 "          \
			 "ORDER BY date_created DESC, rowid DESC LIMIT 1")                         \
	X(IMPORTS_INTERRUPT, "UPDATE import_jobs SET state = 3, failure_reason = "                 \
			     "'INTERRUPTED', failure_detail = 'dialbookd stopped while the "       \
			     "import ran; rows committed before that are kept. Upload the "        \
			     "file again (with contact-id-name, a re-run is idempotent)', "        \
			     "date_modified = ?1 WHERE state IN (0, 1)")                           \
	X(EXPORTS_INTERRUPT, "UPDATE export_jobs SET state = 3, failure_detail = 'dialbookd "      \
			     "stopped during the export; start a new one', date_modified = ?1 "    \
			     "WHERE state IN (0, 1)")                                              \
	X(EXPORT_INSERT, "INSERT INTO export_jobs(id, org_id, list_id, state, rows, "              \
			 "file_path, failure_detail, date_created, date_modified) "                \
			 "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")                             \
	X(EXPORT_UPDATE, "UPDATE export_jobs SET state = ?4, rows = ?5, failure_detail = ?7, "     \
			 "date_modified = ?9 WHERE id = ?1")                                       \
	X(EXPORT_GET, "SELECT " EXPORT_COLUMNS " FROM export_jobs WHERE id = ?1")                  \
	X(EXPORT_LATEST, "SELECT " EXPORT_COLUMNS " FROM export_jobs WHERE list_id = ?1 "          \
			 "ORDER BY date_created DESC, rowid DESC LIMIT 1")                         \
	X(EXPORTS_ACTIVE,                                                                          \
	  "SELECT count(*) FROM export_jobs WHERE org_id = ?1 AND state IN (0, 1)")                \
	/* A list's jobs go with it; their files are reported to the caller. */                    \
	X(LIST_IMPORTS_DELETE, "DELETE FROM import_jobs WHERE org_id = ?1 AND list_id = ?2 "       \
			       "RETURNING file_path, rejects_path")                                \
	X(LIST_EXPORTS_DELETE, "DELETE FROM export_jobs WHERE org_id = ?1 AND list_id = ?2 "       \
			       "RETURNING file_path")                                              \
	/* One import per list: the newest (only it can be pending or running). */                 \
	X(IMPORTS_PRUNE, "DELETE FROM import_jobs WHERE list_id = ?1 AND state IN (2, 3) AND "     \
			 "rowid <> (SELECT rowid FROM import_jobs WHERE list_id = ?1 "             \
			 "ORDER BY date_created DESC, rowid DESC LIMIT 1) "                        \
			 "RETURNING file_path, rejects_path")                                      \
	/* One finished export per list: the newest DONE one, and what is newer. */                \
	X(EXPORTS_PRUNE, "DELETE FROM export_jobs AS old WHERE list_id = ?1 AND state IN (2, 3) "  \
			 "AND EXISTS (SELECT 1 FROM export_jobs n WHERE n.list_id = ?1 AND "       \
			 "n.state = 2 AND (n.date_created > old.date_created OR "                  \
			 "(n.date_created = old.date_created AND n.rowid > old.rowid))) "          \
			 "RETURNING file_path")                                                    \
	X(LIST_EXISTS, "SELECT 1 FROM contact_lists WHERE org_id = ?1 AND id = ?2")                \
	X(LIST_SCAN, "SELECT id, org_id, division_id, name, version, date_created, "               \
		     "date_modified, doc FROM contact_lists WHERE org_id = ?1 ORDER BY id")        \
	X(BEGIN, "BEGIN IMMEDIATE")                                                                \
	X(COMMIT, "COMMIT")                                                                        \
	X(ROLLBACK, "ROLLBACK")

enum sql_statement {
#define X(id, sql) SQL_##id,
	SQL_STATEMENT_TABLE(X)
#undef X
		SQL_COUNT
};

struct sqlite_store {
	struct store base;
	sqlite3 *db;
	sqlite3_stmt *stmts[SQL_COUNT];
};

/* The statement, prepared on first use and reset for reuse; NULL on failure. */
sqlite3_stmt *sql_stmt(struct sqlite_store *s, enum sql_statement id);
/* Logs the connection's last error with `what`; returns STORE_FAILED. */
int sql_fail(struct sqlite_store *s, const char *what);
int sql_exec(struct sqlite_store *s, enum sql_statement id);
/* Copies column `col` (text) into a fixed buffer, truncating safely. */
void sql_copy_text(sqlite3_stmt *st, int col, char *out, size_t size);

/* File paths read from job rows while a transaction deletes them, reported
 * once it has committed. */
struct sql_paths {
	char **v;
	size_t n, cap;
};
/* Steps a DELETE ... RETURNING to its end, keeping every non-empty text
 * column; STORE_OK or STORE_FAILED. */
int sql_paths_collect(struct sqlite_store *s, sqlite3_stmt *st, struct sql_paths *p);
/* Hands each path to cb (when not NULL), then frees them all. */
void sql_paths_report(struct sql_paths *p, store_path_cb cb, void *ctx);

int sqlite_org_add(struct store *base, const char *name, struct org *out);
int sqlite_org_get_by_name(struct store *base, const char *name, struct org *out);
int sqlite_org_get(struct store *base, const char *id, struct org *out);
int sqlite_org_count(struct store *base, int64_t *out);
int sqlite_client_add(struct store *base, const struct oauth_client *c);
int sqlite_client_get(struct store *base, const char *id, struct oauth_client *out);
int sqlite_client_list(struct store *base, store_client_cb cb, void *ctx);
int sqlite_client_revoke(struct store *base, const char *id);
int sqlite_token_add(struct store *base, const char *hash, const struct token_info *t);
int sqlite_token_get(struct store *base, const char *hash, struct token_info *out);

int sqlite_list_create(struct store *base, const struct contact_list *cl, unsigned max_per_org);
int sqlite_list_get(struct store *base, const char *org_id, const char *id,
		    struct contact_list *out);
int sqlite_list_update(struct store *base, const struct contact_list *cl, int64_t expected_version);
int sqlite_list_delete(struct store *base, const char *org_id, const char *id, store_path_cb files,
		       void *ctx);
int sqlite_list_delete_many(struct store *base, const char *org_id, const char *const *ids,
			    size_t n, const char **missing, store_path_cb files, void *ctx);
int sqlite_list_scan(struct store *base, const char *org_id, store_list_cb cb, void *ctx);
int sqlite_list_size(struct store *base, const char *list_id, int64_t *out);

/* The list's rowid, size and org; STORE_NOT_FOUND when it is gone. */
int sql_list_key(struct sqlite_store *s, const char *list_id, int64_t *key, int64_t *size,
		 char org_id[UUID_STR_LEN]);
int sqlite_contacts_upsert(struct store *base, const char *org_id, const char *list_id,
			   const struct contact_row *rows, size_t n,
			   const struct contact_limits *lim, size_t *added);
int sqlite_contact_get(struct store *base, const char *list_id, const char *id,
		       struct contact_record *out);
int sqlite_contact_delete(struct store *base, const char *list_id, const char *id);
int sqlite_contacts_delete(struct store *base, const char *list_id, const char *const *ids,
			   size_t n, size_t *deleted);
int sqlite_contacts_clear(struct store *base, const char *list_id);
int sqlite_contacts_scan(struct store *base, const char *list_id, store_contact_cb cb, void *ctx);

int sqlite_import_add(struct store *base, const struct import_job *job);
int sqlite_import_update(struct store *base, const struct import_job *job);
int sqlite_import_get(struct store *base, const char *id, struct import_job *out);
int sqlite_import_latest(struct store *base, const char *list_id, struct import_job *out);
int sqlite_jobs_interrupt(struct store *base, int64_t *count);
int sqlite_export_add(struct store *base, const struct export_job *job, unsigned max_active);
int sqlite_export_update(struct store *base, const struct export_job *job);
int sqlite_export_get(struct store *base, const char *id, struct export_job *out);
int sqlite_export_latest(struct store *base, const char *list_id, struct export_job *out);
int sqlite_jobs_prune(struct store *base, const char *list_id, store_path_cb files, void *ctx);

/* The write operations of the ops table, taking their turn (sqlite_locked.c). */
int sqlite_locked_org_add(struct store *s, const char *name, struct org *out);
int sqlite_locked_client_add(struct store *s, const struct oauth_client *c);
int sqlite_locked_client_revoke(struct store *s, const char *id);
int sqlite_locked_token_add(struct store *s, const char *hash, const struct token_info *t);
int sqlite_locked_list_create(struct store *s, const struct contact_list *cl, unsigned max);
int sqlite_locked_list_update(struct store *s, const struct contact_list *cl, int64_t version);
int sqlite_locked_list_delete(struct store *s, const char *org_id, const char *id,
			      store_path_cb files, void *ctx);
int sqlite_locked_list_delete_many(struct store *s, const char *org_id, const char *const *ids,
				   size_t n, const char **missing, store_path_cb files, void *ctx);
int sqlite_locked_contacts_upsert(struct store *s, const char *org_id, const char *list_id,
				  const struct contact_row *rows, size_t n,
				  const struct contact_limits *lim, size_t *added);
int sqlite_locked_contact_delete(struct store *s, const char *list_id, const char *id);
int sqlite_locked_contacts_delete(struct store *s, const char *list_id, const char *const *ids,
				  size_t n, size_t *deleted);
int sqlite_locked_contacts_clear(struct store *s, const char *list_id);
int sqlite_locked_import_add(struct store *s, const struct import_job *job);
int sqlite_locked_import_update(struct store *s, const struct import_job *job);
int sqlite_locked_jobs_interrupt(struct store *s, int64_t *count);
int sqlite_locked_export_add(struct store *s, const struct export_job *job, unsigned max_active);
int sqlite_locked_export_update(struct store *s, const struct export_job *job);
int sqlite_locked_jobs_prune(struct store *s, const char *list_id, store_path_cb files, void *ctx);

#endif

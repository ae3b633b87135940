/* Shared by the SQLite backend's files: the connection and its cache of
 * prepared statements. */
#ifndef DIALBOOK_SQLITE_INTERNAL_H
#define DIALBOOK_SQLITE_INTERNAL_H

#include <sqlite3.h>

#include "store/store_backend.h"

#define IMPORT_COLUMNS                                                                             \
	"id, org_id, list_id, state, total, completed, failed, blank, failure_reason, "            \
	"failure_detail, upload_key, rejects_key, contact_id_column, date_created, "               \
	"date_modified, clear_system_data, ignored_columns, owner, lease_expires_at"
#define EXPORT_COLUMNS                                                                             \
	"id, org_id, list_id, state, rows, file_key, failure_detail, date_created, "               \
	"date_modified, owner, lease_expires_at"

/* Job states are bound as text (job_state_name), never written here:
 * ?A, ?B of "state IN (?A, ?B)" are the active states (sql_bind_active) or
 * the finished ones (sql_bind_finished). */
#define SQL_STATEMENT_TABLE(X)                                                                     \
	X(ORG_ADD, "INSERT INTO orgs(id, name, home_division_id, date_created) "                   \
		   "VALUES(?1, ?2, ?3, ?4)")                                                       \
	X(ORG_BY_NAME, "SELECT id, name, home_division_id, date_created FROM orgs "                \
		       "WHERE name = ?1")                                                          \
	X(ORG_BY_ID, "SELECT id, name, home_division_id, date_created FROM orgs WHERE id = ?1")    \
	X(ORG_COUNT, "SELECT count(*) FROM orgs")                                                  \
	X(ORG_SCAN, "SELECT id, name, home_division_id, date_created FROM orgs ORDER BY id")       \
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
	X(TOKENS_EXPIRED_DELETE, "DELETE FROM tokens WHERE expires_at <= ?1")                      \
	X(TOKENS_OF_CLIENT_EXPIRE, "UPDATE tokens SET expires_at = ?2 WHERE client_id = ?1 "       \
				   "AND expires_at > ?2")                                          \
	X(RATE_ADD, "INSERT INTO rate_counts(key, window_start, count) VALUES(?1, ?2, ?3) "        \
		    "ON CONFLICT(key, window_start) DO UPDATE SET count = count + excluded.count " \
		    "RETURNING count")                                                             \
	X(RATE_GET, "SELECT count FROM rate_counts WHERE key = ?1 AND window_start = ?2")          \
	X(RATE_EXPIRE, "DELETE FROM rate_counts WHERE window_start < ?1")                          \
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
	/* The tenant is checked where a list is found: its org_id. */                             \
	X(LIST_KEY, "SELECT rowid, size FROM contact_lists WHERE org_id = ?1 AND id = ?2")         \
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
	X(CONTACT_GET, "SELECT c.id, c.data, c.callable, c.meta, c.date_created, "                 \
		       "c.date_modified FROM contacts c JOIN contact_lists l ON "                  \
		       "l.rowid = c.list_key WHERE l.org_id = ?1 AND l.id = ?2 AND c.id = ?3")     \
	X(CONTACT_DELETE, "DELETE FROM contacts WHERE list_key = ?1 AND id = ?2")                  \
	X(CONTACTS_CLEAR, "DELETE FROM contacts WHERE list_key = ?1")                              \
	X(LIST_SIZE_SET, "UPDATE contact_lists SET size = ?2 WHERE rowid = ?1")                    \
	X(CONTACTS_SCAN, "SELECT id, data, callable, meta, date_created, date_modified FROM "      \
			 "contacts WHERE list_key = ?1 ORDER BY id")                               \
	X(IMPORT_INSERT,                                                                           \
	  "INSERT INTO import_jobs(id, org_id, list_id, state, total, "                            \
	  "completed, failed, blank, failure_reason, failure_detail, upload_key, "                 \
	  "rejects_key, contact_id_column, date_created, date_modified, clear_system_data, "       \
	  "ignored_columns, owner, lease_expires_at) "                                             \
	  "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "    \
	  "?18, ?19)")                                                                             \
	X(IMPORT_UPDATE, "UPDATE import_jobs SET state = ?4, total = ?5, completed = ?6, "         \
			 "failed = ?7, blank = ?8, failure_reason = ?9, failure_detail = ?10, "    \
			 "date_modified = ?15, ignored_columns = ?17 WHERE id = ?1 AND "           \
			 "org_id = ?2 AND owner = ?18")                                            \
	X(IMPORT_ACTIVE, "SELECT 1 FROM import_jobs WHERE list_id = ?1 AND state IN (?2, ?3)")     \
	/* ?2 NULL: any organization (the sweeper). */                                             \
	X(IMPORT_GET, "SELECT " IMPORT_COLUMNS " FROM import_jobs WHERE id = ?1 AND "              \
		      "(?2 IS NULL OR org_id = ?2)")                                               \
	X(IMPORT_LATEST, "SELECT " IMPORT_COLUMNS " FROM import_jobs WHERE list_id = ?1 "          \
			 "AND org_id = ?2 ORDER BY date_created DESC, rowid DESC LIMIT 1")         \
	/* ?2 the failed state, ?5 RUNNING; the owner goes, which fences it. */                    \
	X(IMPORTS_EXPIRE, "UPDATE import_jobs SET state = ?2, failure_reason = ?3, "               \
			  "failure_detail = ?4, date_modified = ?1, owner = '' WHERE state = ?5 "  \
			  "AND lease_expires_at < ?1")                                             \
	X(EXPORTS_EXPIRE, "UPDATE export_jobs SET state = ?2, failure_detail = ?3, "               \
			  "date_modified = ?1, owner = '' WHERE state = ?4 AND "                   \
			  "lease_expires_at < ?1")                                                 \
	/* ?1 RUNNING, ?2 owner, ?3 lease end, ?4 PENDING: the oldest pending job. */              \
	X(IMPORT_CLAIM, "UPDATE import_jobs SET state = ?1, owner = ?2, lease_expires_at = ?3 "    \
			"WHERE rowid = (SELECT rowid FROM import_jobs WHERE state = ?4 ORDER BY "  \
			"date_created, rowid LIMIT 1) RETURNING id, org_id, list_id")              \
	X(EXPORT_CLAIM, "UPDATE export_jobs SET state = ?1, owner = ?2, lease_expires_at = ?3 "    \
			"WHERE rowid = (SELECT rowid FROM export_jobs WHERE state = ?4 ORDER BY "  \
			"date_created, rowid LIMIT 1) RETURNING id, org_id, list_id")              \
	X(IMPORTS_RENEW, "UPDATE import_jobs SET lease_expires_at = ?3 WHERE owner = ?2 AND "      \
			 "state = ?1")                                                             \
	X(EXPORTS_RENEW, "UPDATE export_jobs SET lease_expires_at = ?3 WHERE owner = ?2 AND "      \
			 "state = ?1")                                                             \
	X(EXPORT_INSERT, "INSERT INTO export_jobs(id, org_id, list_id, state, rows, "              \
			 "file_key, failure_detail, date_created, date_modified, owner, "          \
			 "lease_expires_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)") \
	X(EXPORT_UPDATE, "UPDATE export_jobs SET state = ?4, rows = ?5, failure_detail = ?7, "     \
			 "date_modified = ?9 WHERE id = ?1 AND org_id = ?2 AND owner = ?10")       \
	X(EXPORT_GET, "SELECT " EXPORT_COLUMNS " FROM export_jobs WHERE id = ?1 AND "              \
		      "(?2 IS NULL OR org_id = ?2)")                                               \
	X(EXPORT_LATEST, "SELECT " EXPORT_COLUMNS " FROM export_jobs WHERE list_id = ?1 "          \
			 "AND org_id = ?2 ORDER BY date_created DESC, rowid DESC LIMIT 1")         \
	X(EXPORTS_ACTIVE,                                                                          \
	  "SELECT count(*) FROM export_jobs WHERE org_id = ?1 AND state IN (?2, ?3)")              \
	/* A list's jobs go with it; their files are reported to the caller. */                    \
	X(LIST_IMPORTS_DELETE, "DELETE FROM import_jobs WHERE org_id = ?1 AND list_id = ?2 "       \
			       "RETURNING upload_key, rejects_key")                                \
	X(LIST_EXPORTS_DELETE, "DELETE FROM export_jobs WHERE org_id = ?1 AND list_id = ?2 "       \
			       "RETURNING file_key")                                               \
	/* One import per list: the newest (only it can be pending or running).                    \
	 * ?3, ?4: the finished states. */                                                         \
	X(IMPORTS_PRUNE, "DELETE FROM import_jobs WHERE list_id = ?1 AND org_id = ?2 AND "         \
			 "state IN (?3, ?4) AND rowid <> (SELECT rowid FROM import_jobs WHERE "    \
			 "list_id = ?1 ORDER BY date_created DESC, rowid DESC LIMIT 1) "           \
			 "RETURNING upload_key, rejects_key")                                      \
	/* One finished export per list: the newest DONE (?3) one, and what is newer. */           \
	X(EXPORTS_PRUNE, "DELETE FROM export_jobs AS old WHERE list_id = ?1 AND org_id = ?2 AND "  \
			 "state IN (?3, ?4) AND EXISTS (SELECT 1 FROM export_jobs n WHERE "        \
			 "n.list_id = ?1 AND n.state = ?3 AND (n.date_created > old.date_created " \
			 "OR (n.date_created = old.date_created AND n.rowid > old.rowid))) "       \
			 "RETURNING file_key")                                                     \
	X(LIST_EXISTS, "SELECT 1 FROM contact_lists WHERE org_id = ?1 AND id = ?2")                \
	X(LIST_SCAN, "SELECT id, org_id, division_id, name, version, date_created, "               \
		     "date_modified, doc FROM contact_lists WHERE org_id = ?1 ORDER BY id")        \
	X(TEMPLATE_COUNT, "SELECT count(*) FROM contact_list_templates WHERE org_id = ?1")         \
	X(TEMPLATE_INSERT, "INSERT INTO contact_list_templates(id, org_id, name, name_key, "       \
			   "version, date_created, date_modified, doc) "                           \
			   "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")                               \
	X(TEMPLATE_GET, "SELECT id, org_id, name, version, date_created, date_modified, doc "      \
			"FROM contact_list_templates WHERE org_id = ?1 AND id = ?2")               \
	X(TEMPLATE_UPDATE, "UPDATE contact_list_templates SET name = ?3, name_key = ?4, "          \
			   "version = ?5, date_modified = ?6, doc = ?7 WHERE org_id = ?1 AND "     \
			   "id = ?2 AND version = ?8")                                             \
	X(TEMPLATE_DELETE, "DELETE FROM contact_list_templates WHERE org_id = ?1 AND id = ?2")     \
	X(TEMPLATE_SCAN, "SELECT id, org_id, name, version, date_created, date_modified, doc "     \
			 "FROM contact_list_templates WHERE org_id = ?1 ORDER BY id")              \
	X(FILTER_COUNT, "SELECT count(*) FROM contact_list_filters WHERE org_id = ?1")             \
	X(FILTER_INSERT, "INSERT INTO contact_list_filters(id, org_id, list_id, name, name_key, "  \
			 "version, date_created, date_modified, doc) "                             \
			 "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")                             \
	X(FILTER_GET, "SELECT id, org_id, list_id, name, version, date_created, date_modified, "   \
		      "doc FROM contact_list_filters WHERE org_id = ?1 AND id = ?2")               \
	X(FILTER_UPDATE,                                                                           \
	  "UPDATE contact_list_filters SET name = ?3, name_key = ?4, version = ?5, "               \
	  "date_modified = ?6, doc = ?7 WHERE org_id = ?1 AND id = ?2 AND "                        \
	  "version = ?8")                                                                          \
	X(FILTER_DELETE, "DELETE FROM contact_list_filters WHERE org_id = ?1 AND id = ?2")         \
	X(FILTER_SCAN, "SELECT id, org_id, list_id, name, version, date_created, date_modified, "  \
		       "doc FROM contact_list_filters WHERE org_id = ?1 ORDER BY id")              \
	X(LIST_FILTERS_DELETE, "DELETE FROM contact_list_filters WHERE org_id = ?1 AND "           \
			       "list_id = ?2")                                                     \
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
	char *blob_dir; /* "<database>.files"; NULL for ":memory:" */
	int serving_fd; /* holds the flock on "<blob_dir>/.serving"; -1 for ":memory:" */
	bool exclusive; /* options.exclusive: the only connection (a restore) */
};

/* Blobs: files in blob_dir (sqlite_blobs.c). */
int sqlite_blob_create(struct store *s, const char *key, struct store_blob **out);
int sqlite_blob_open(struct store *s, const char *key, struct store_blob_read *out);
int sqlite_blob_delete(struct store *s, const char *key);
int sqlite_blob_sweep(struct store *s, store_blob_keep_cb keep, void *ctx, unsigned *seen,
		      unsigned *deleted);

/* The statement, prepared on first use and reset for reuse; NULL on failure. */
sqlite3_stmt *sql_stmt(struct sqlite_store *s, enum sql_statement id);
/* Logs the connection's last error with `what`; returns STORE_FAILED. */
int sql_fail(struct sqlite_store *s, const char *what);
int sql_exec(struct sqlite_store *s, enum sql_statement id);
/* Ends the transaction: COMMIT when rc is STORE_OK (its failure is then
 * the answer), ROLLBACK otherwise; returns the answer. */
int sql_end(struct sqlite_store *s, int rc);
/* Copies column `col` (text) into a fixed buffer, truncating safely. */
void sql_copy_text(sqlite3_stmt *st, int col, char *out, size_t size);
/* Binds text that lives as long as the statement's use, or NULL. */
void sql_bind_str(sqlite3_stmt *st, int col, const char *text);
/* The STORE_* answer to a failed step of an INSERT or UPDATE: a unique
 * key taken is STORE_CONFLICT, a reference to a row that does not exist
 * (an org) STORE_NOT_FOUND, anything else STORE_FAILED (logged). */
int sql_write_failed(struct sqlite_store *s, const char *what);
/* Job states: the stored text of job_state.h, at column idx... */
void sql_bind_state(sqlite3_stmt *st, int idx, enum job_state state);
/* ...the active states at idx and idx + 1, or the finished ones. */
void sql_bind_active(sqlite3_stmt *st, int idx);
void sql_bind_finished(sqlite3_stmt *st, int idx);
/* STORE_OK and *out for a stored state; STORE_FAILED (logged) otherwise. */
int sql_read_state(struct sqlite_store *s, sqlite3_stmt *st, int col, enum job_state *out);
/* Whether the list is one of the org's: STORE_OK or STORE_NOT_FOUND. */
int sql_list_exists(struct sqlite_store *s, const char *org_id, const char *id);

/* Blob keys read from job rows while a transaction deletes them, reported
 * once it has committed. */
struct sql_paths {
	char **v;
	size_t n, cap;
};
/* Steps a DELETE ... RETURNING to its end, keeping every non-empty text
 * column; STORE_OK or STORE_FAILED. */
int sql_paths_collect(struct sqlite_store *s, sqlite3_stmt *st, struct sql_paths *p);
/* Hands each path to cb (when not NULL), then frees them all. */
void sql_paths_report(struct sql_paths *p, store_key_cb cb, void *ctx);

/* The operations, named as in struct store_ops (store_backend.h). */
int sqlite_org_add(struct store *base, const struct org *org);
int sqlite_org_get_by_name(struct store *base, const char *name, struct org *out);
int sqlite_org_get(struct store *base, const char *id, struct org *out);
int sqlite_org_count(struct store *base, int64_t *out);
int sqlite_org_scan(struct store *base, store_org_cb cb, void *ctx);
int sqlite_client_add(struct store *base, const struct oauth_client *c);
int sqlite_client_get(struct store *base, const char *id, struct oauth_client *out);
int sqlite_client_list(struct store *base, store_client_cb cb, void *ctx);
int sqlite_client_revoke(struct store *base, const char *id);
int sqlite_token_add(struct store *base, const char *hash, const struct token_info *t);
int sqlite_token_get(struct store *base, const char *hash, struct token_info *out);
int sqlite_tokens_expire(struct store *base, int64_t now_ms, int64_t *deleted);
int sqlite_client_tokens_expire(struct store *base, const char *client_id, int64_t now_ms,
				int64_t *expired);
/* Shared rate-limit counts (sqlite_rate.c). */
int sqlite_rate_counts_add(struct store *base, int64_t window_start, const struct rate_count *in,
			   size_t n, int64_t expire_before, int64_t *totals);
/* Snapshots: database files in "<database>.snapshots" (sqlite_snapshots.c). */
int sqlite_snapshot_save(struct store *base, const char *name);
int sqlite_snapshot_restore(struct store *base, const char *name);
/* Copies every page of from's main database into to's, in one step: the
 * source is read as of one moment, the destination replaced in one
 * transaction (its busy handler waits for other writers). An SQLite
 * result code. */
int sqlite_copy_database(sqlite3 *to, sqlite3 *from);
/* Writes a copy of db's main database as of one moment into the new file
 * tmp (made 0600 before SQLite opens it; an old tmp is replaced, a
 * failed copy removed). NULL when done, else why (static words). */
const char *sqlite_copy_out(sqlite3 *db, const char *tmp);
/* Backups to and from a file, with the blobs (sqlite_backup.c). */
int sqlite_backup_to(struct store *base, const char *path, char *err, size_t err_size);
int sqlite_restore_from(struct store *base, const char *path, char *err, size_t err_size);
/* The schema version this binary migrates to (sqlite_store.c). */
int sqlite_schema_latest(void);

int sqlite_list_create(struct store *base, const struct contact_list *cl, const char *name_key,
		       unsigned max_per_org);
int sqlite_list_get(struct store *base, const char *org_id, const char *id,
		    struct contact_list *out);
int sqlite_list_update(struct store *base, const struct contact_list *cl, const char *name_key,
		       int64_t expected_version);
int sqlite_list_delete_many(struct store *base, const char *org_id, const char *const *ids,
			    size_t n, const char **missing, store_key_cb files, void *ctx);
int sqlite_list_scan(struct store *base, const char *org_id, store_list_cb cb, void *ctx);
int sqlite_list_size(struct store *base, const char *org_id, const char *list_id, int64_t *out);
int sqlite_template_create(struct store *base, const struct contact_list *ts,
			   const char *const *name_keys, size_t n, unsigned max_per_org,
			   size_t *bad);
int sqlite_template_get(struct store *base, const char *org_id, const char *id,
			struct contact_list *out);
int sqlite_template_update(struct store *base, const struct contact_list *t, const char *name_key,
			   int64_t expected_version);
int sqlite_template_delete_many(struct store *base, const char *org_id, const char *const *ids,
				size_t n, const char **missing);
int sqlite_template_scan(struct store *base, const char *org_id, store_list_cb cb, void *ctx);
int sqlite_filter_create(struct store *base, const struct contact_filter *f, const char *name_key,
			 unsigned max_per_org);
int sqlite_filter_get(struct store *base, const char *org_id, const char *id,
		      struct contact_filter *out);
int sqlite_filter_update(struct store *base, const struct contact_filter *f, const char *name_key,
			 int64_t expected_version);
int sqlite_filter_delete_many(struct store *base, const char *org_id, const char *const *ids,
			      size_t n, const char **missing);
int sqlite_filter_scan(struct store *base, const char *org_id, store_filter_cb cb, void *ctx);

/* The org's list: its rowid and size; STORE_NOT_FOUND when it is gone or
 * another org's. */
int sql_list_key(struct sqlite_store *s, const char *org_id, const char *list_id, int64_t *key,
		 int64_t *size);
int sqlite_contacts_upsert(struct store *base, const char *org_id, const char *list_id,
			   const struct contact_row *rows, size_t n,
			   const struct contact_limits *lim, size_t *added);
int sqlite_contact_get(struct store *base, const char *org_id, const char *list_id, const char *id,
		       struct contact_record *out);
int sqlite_contacts_delete(struct store *base, const char *org_id, const char *list_id,
			   const char *const *ids, size_t n, size_t *deleted);
int sqlite_contacts_clear(struct store *base, const char *org_id, const char *list_id);
int sqlite_contacts_get(struct store *base, const char *org_id, const char *list_id,
			const char *const *ids, size_t n, store_contact_cb cb, void *ctx);
int sqlite_contacts_scan(struct store *base, const char *org_id, const char *list_id,
			 store_contact_cb cb, void *ctx);

int sqlite_import_add(struct store *base, const struct import_job *job);
int sqlite_import_update(struct store *base, const struct import_job *job);
int sqlite_import_get(struct store *base, const char *org_id, const char *id,
		      struct import_job *out);
int sqlite_import_latest(struct store *base, const char *org_id, const char *list_id,
			 struct import_job *out);
int sqlite_export_add(struct store *base, const struct export_job *job, unsigned max_active);
int sqlite_export_update(struct store *base, const struct export_job *job);
int sqlite_export_get(struct store *base, const char *org_id, const char *id,
		      struct export_job *out);
int sqlite_export_latest(struct store *base, const char *org_id, const char *list_id,
			 struct export_job *out);
int sqlite_jobs_prune(struct store *base, const char *org_id, const char *list_id,
		      store_key_cb files, void *ctx);
int sqlite_job_claim(struct store *base, const struct job_lease *lease, struct job_claimed *out);
int sqlite_jobs_renew(struct store *base, const struct job_lease *lease, int64_t *renewed);
int sqlite_jobs_expire(struct store *base, const struct job_interruption *why, int64_t *count);

/* The write operations, taking their turn (sqlite_locked.c): the table's
 * entries for every operation that writes. */
#define SQLITE_WRITE_OPS(X)                                                                        \
	X(org_add, (struct store * s, const struct org *org), (s, org))                            \
	X(client_add, (struct store * s, const struct oauth_client *c), (s, c))                    \
	X(client_revoke, (struct store * s, const char *id), (s, id))                              \
	X(token_add, (struct store * s, const char *hash, const struct token_info *t),             \
	  (s, hash, t))                                                                            \
	X(tokens_expire, (struct store * s, int64_t now_ms, int64_t * deleted),                    \
	  (s, now_ms, deleted))                                                                    \
	X(client_tokens_expire,                                                                    \
	  (struct store * s, const char *client_id, int64_t now_ms, int64_t *expired),             \
	  (s, client_id, now_ms, expired))                                                         \
	X(snapshot_restore, (struct store * s, const char *name), (s, name))                       \
	X(list_create,                                                                             \
	  (struct store * s, const struct contact_list *cl, const char *key, unsigned max),        \
	  (s, cl, key, max))                                                                       \
	X(list_update,                                                                             \
	  (struct store * s, const struct contact_list *cl, const char *key, int64_t version),     \
	  (s, cl, key, version))                                                                   \
	X(list_delete_many,                                                                        \
	  (struct store * s, const char *org_id, const char *const *ids, size_t n,                 \
	   const char **missing, store_key_cb files, void *ctx),                                   \
	  (s, org_id, ids, n, missing, files, ctx))                                                \
	X(contacts_upsert,                                                                         \
	  (struct store * s, const char *org_id, const char *list_id,                              \
	   const struct contact_row *rows, size_t n, const struct contact_limits *lim,             \
	   size_t *added),                                                                         \
	  (s, org_id, list_id, rows, n, lim, added))                                               \
	X(contacts_delete,                                                                         \
	  (struct store * s, const char *org_id, const char *list_id, const char *const *ids,      \
	   size_t n, size_t *deleted),                                                             \
	  (s, org_id, list_id, ids, n, deleted))                                                   \
	X(contacts_clear, (struct store * s, const char *org_id, const char *list_id),             \
	  (s, org_id, list_id))                                                                    \
	X(import_add, (struct store * s, const struct import_job *job), (s, job))                  \
	X(import_update, (struct store * s, const struct import_job *job), (s, job))               \
	X(export_add, (struct store * s, const struct export_job *job, unsigned max_active),       \
	  (s, job, max_active))                                                                    \
	X(export_update, (struct store * s, const struct export_job *job), (s, job))               \
	X(jobs_prune,                                                                              \
	  (struct store * s, const char *org_id, const char *list_id, store_key_cb files,          \
	   void *ctx),                                                                             \
	  (s, org_id, list_id, files, ctx))                                                        \
	X(rate_counts_add,                                                                         \
	  (struct store * s, int64_t window_start, const struct rate_count *in, size_t n,          \
	   int64_t expire_before, int64_t *totals),                                                \
	  (s, window_start, in, n, expire_before, totals))                                         \
	X(job_claim, (struct store * s, const struct job_lease *lease, struct job_claimed *out),   \
	  (s, lease, out))                                                                         \
	X(jobs_renew, (struct store * s, const struct job_lease *lease, int64_t *renewed),         \
	  (s, lease, renewed))                                                                     \
	X(jobs_expire, (struct store * s, const struct job_interruption *why, int64_t *count),     \
	  (s, why, count))

#define X(name, params, args) int sqlite_locked_##name params;
SQLITE_WRITE_OPS(X)
#undef X

#endif

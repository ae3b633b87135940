/* SQLite connection set-up: WAL, busy timeout, versioned migrations and
 * the prepared-statement cache. One connection per thread. */
#include "store/sqlite/sqlite_internal.h"
#include "store/sqlite/sqlite_store.h"
#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const statement_sql[] = {
#define X(id, sql) sql,
	SQL_STATEMENT_TABLE(X)
#undef X
};

/* Migration N brings the schema from version N to N+1. Append only. */
static const char *const migrations[] = {
	"CREATE TABLE orgs("
	" id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
	" home_division_id TEXT NOT NULL, date_created INTEGER NOT NULL);"
	"CREATE TABLE oauth_clients("
	" id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES orgs(id),"
	" name TEXT NOT NULL, secret_hash TEXT NOT NULL, grants TEXT NOT NULL,"
	" date_created INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE tokens("
	" hash TEXT PRIMARY KEY, client_id TEXT NOT NULL, org_id TEXT NOT NULL,"
	" permissions INTEGER NOT NULL, expires_at INTEGER NOT NULL);"
	"CREATE INDEX tokens_by_expiry ON tokens(expires_at);"
	"CREATE INDEX tokens_by_client ON tokens(client_id);"
	"CREATE TABLE contact_lists("
	" id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES orgs(id),"
	" division_id TEXT NOT NULL, name TEXT NOT NULL, name_key TEXT NOT NULL,"
	" version INTEGER NOT NULL, date_created INTEGER NOT NULL,"
	" date_modified INTEGER NOT NULL, doc TEXT NOT NULL,"
	" UNIQUE(org_id, name_key));",

	/* Contacts are keyed by the list's rowid: an integer in each of
	 * millions of rows instead of a 36-byte id. */
	"ALTER TABLE contact_lists ADD COLUMN size INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE contacts("
	" list_key INTEGER NOT NULL, id TEXT NOT NULL, data BLOB NOT NULL,"
	" callable INTEGER NOT NULL, meta TEXT, date_created INTEGER NOT NULL,"
	" date_modified INTEGER NOT NULL, PRIMARY KEY(list_key, id)) WITHOUT ROWID;"
	"CREATE TABLE import_jobs("
	" id TEXT PRIMARY KEY, org_id TEXT NOT NULL, list_id TEXT NOT NULL,"
	" state INTEGER NOT NULL, total INTEGER NOT NULL, completed INTEGER NOT NULL,"
	" failed INTEGER NOT NULL, blank INTEGER NOT NULL, failure_reason TEXT NOT NULL,"
	" failure_detail TEXT NOT NULL, file_path TEXT NOT NULL, rejects_path TEXT NOT NULL,"
	" contact_id_column TEXT NOT NULL, date_created INTEGER NOT NULL,"
	" date_modified INTEGER NOT NULL);"
	"CREATE INDEX import_jobs_by_list ON import_jobs(list_id, date_created);"
	"CREATE TABLE export_jobs("
	" id TEXT PRIMARY KEY, org_id TEXT NOT NULL, list_id TEXT NOT NULL,"
	" state INTEGER NOT NULL, rows INTEGER NOT NULL, file_path TEXT NOT NULL,"
	" failure_detail TEXT NOT NULL, date_created INTEGER NOT NULL,"
	" date_modified INTEGER NOT NULL);"
	"CREATE INDEX export_jobs_by_list ON export_jobs(list_id, date_created);",

	/* Imports: the upload's clearSystemData, the header's ignored columns. */
	"ALTER TABLE import_jobs ADD COLUMN clear_system_data INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE import_jobs ADD COLUMN ignored_columns TEXT NOT NULL DEFAULT '';",

	/* Job states as text (model/job_state.h), no longer numbers: the
	 * numbers were 0 PENDING, 1 RUNNING, 2 DONE, 3 FAILED. SQLite cannot
	 * change a column's type, so each table is rebuilt, rowids kept (they
	 * order jobs created in the same millisecond). */
	"CREATE TABLE import_jobs_text("
	" id TEXT PRIMARY KEY, org_id TEXT NOT NULL, list_id TEXT NOT NULL,"
	" state TEXT NOT NULL, total INTEGER NOT NULL, completed INTEGER NOT NULL,"
	" failed INTEGER NOT NULL, blank INTEGER NOT NULL, failure_reason TEXT NOT NULL,"
	" failure_detail TEXT NOT NULL, file_path TEXT NOT NULL, rejects_path TEXT NOT NULL,"
	" contact_id_column TEXT NOT NULL, date_created INTEGER NOT NULL,"
	" date_modified INTEGER NOT NULL, clear_system_data INTEGER NOT NULL DEFAULT 0,"
	" ignored_columns TEXT NOT NULL DEFAULT '');"
	"INSERT INTO import_jobs_text(rowid, id, org_id, list_id, state, total, completed,"
	" failed, blank, failure_reason, failure_detail, file_path, rejects_path,"
	" contact_id_column, date_created, date_modified, clear_system_data, ignored_columns)"
	" SELECT rowid, id, org_id, list_id, CASE state WHEN 0 THEN 'PENDING' WHEN 1 THEN"
	" 'RUNNING' WHEN 2 THEN 'DONE' ELSE 'FAILED' END, total, completed, failed, blank,"
	" failure_reason, failure_detail, file_path, rejects_path, contact_id_column,"
	" date_created, date_modified, clear_system_data, ignored_columns FROM import_jobs;"
	"DROP TABLE import_jobs;"
	"ALTER TABLE import_jobs_text RENAME TO import_jobs;"
	"CREATE INDEX import_jobs_by_list ON import_jobs(list_id, date_created);"
	"CREATE TABLE export_jobs_text("
	" id TEXT PRIMARY KEY, org_id TEXT NOT NULL, list_id TEXT NOT NULL,"
	" state TEXT NOT NULL, rows INTEGER NOT NULL, file_path TEXT NOT NULL,"
	" failure_detail TEXT NOT NULL, date_created INTEGER NOT NULL,"
	" date_modified INTEGER NOT NULL);"
	"INSERT INTO export_jobs_text(rowid, id, org_id, list_id, state, rows, file_path,"
	" failure_detail, date_created, date_modified)"
	" SELECT rowid, id, org_id, list_id, CASE state WHEN 0 THEN 'PENDING' WHEN 1 THEN"
	" 'RUNNING' WHEN 2 THEN 'DONE' ELSE 'FAILED' END, rows, file_path, failure_detail,"
	" date_created, date_modified FROM export_jobs;"
	"DROP TABLE export_jobs;"
	"ALTER TABLE export_jobs_text RENAME TO export_jobs;"
	"CREATE INDEX export_jobs_by_list ON export_jobs(list_id, date_created);",

	/* Job leases (store_job_claim): the server that runs a job and when
	 * its hold ends. Rows left running by an older server have lease 0:
	 * expired, so the first store_jobs_expire fails them, as the old
	 * start-up did. Indexes for the claim and the expiry scans. */
	"ALTER TABLE import_jobs ADD COLUMN owner TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE import_jobs ADD COLUMN lease_expires_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE export_jobs ADD COLUMN owner TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE export_jobs ADD COLUMN lease_expires_at INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX import_jobs_by_state ON import_jobs(state, date_created);"
	"CREATE INDEX export_jobs_by_state ON export_jobs(state, date_created);",

	/* Exports are blobs (store_blob_*): a row names its blob's key, the
	 * file's name in <db>.files, no longer its path. The rtrim keeps the
	 * path up to its last '/', so what follows is the name. */
	"ALTER TABLE export_jobs RENAME COLUMN file_path TO file_key;"
	"UPDATE export_jobs SET file_key ="
	" substr(file_key, length(rtrim(file_key, replace(file_key, '/', ''))) + 1);",

	/* Rejected rows are blobs too: the key, as exports' above. */
	"ALTER TABLE import_jobs RENAME COLUMN rejects_path TO rejects_key;"
	"UPDATE import_jobs SET rejects_key ="
	" substr(rejects_key, length(rtrim(rejects_key, replace(rejects_key, '/', ''))) + 1);",

	/* And uploads: every job file is a blob. */
	"ALTER TABLE import_jobs RENAME COLUMN file_path TO upload_key;"
	"UPDATE import_jobs SET upload_key ="
	" substr(upload_key, length(rtrim(upload_key, replace(upload_key, '/', ''))) + 1);",

	/* Rate-limit counts every server on the database adds to. */
	"CREATE TABLE rate_counts (key TEXT NOT NULL, window_start INTEGER NOT NULL,"
	" count INTEGER NOT NULL, PRIMARY KEY (key, window_start)) WITHOUT ROWID;",

	/* Contact list templates: a list's shape without contacts; names
	 * unique among the org's templates. */
	"CREATE TABLE contact_list_templates("
	" id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES orgs(id),"
	" name TEXT NOT NULL, name_key TEXT NOT NULL, version INTEGER NOT NULL,"
	" date_created INTEGER NOT NULL, date_modified INTEGER NOT NULL, doc TEXT NOT NULL,"
	" UNIQUE(org_id, name_key));",

	/* Contact list filters: each of one list, deleted with it. */
	"CREATE TABLE contact_list_filters("
	" id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES orgs(id),"
	" list_id TEXT NOT NULL, name TEXT NOT NULL, name_key TEXT NOT NULL,"
	" version INTEGER NOT NULL, date_created INTEGER NOT NULL,"
	" date_modified INTEGER NOT NULL, doc TEXT NOT NULL, UNIQUE(org_id, name_key));"
	"CREATE INDEX contact_list_filters_by_list ON contact_list_filters(list_id);",
};

sqlite3_stmt *sql_stmt(struct sqlite_store *s, enum sql_statement id)
{
	sqlite3_stmt *st = s->stmts[id];
	if (!st) {
		if (sqlite3_prepare_v3(s->db, statement_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &st,
				       NULL) != SQLITE_OK) {
			sql_fail(s, "prepare");
			return NULL;
		}
		s->stmts[id] = st;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

/* SQLite's primary result codes by kind of failure. */
static enum store_fault sql_fault(int code)
{
	switch (code & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_FAULT_BUSY;
	case SQLITE_FULL:
		return STORE_FAULT_FULL;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
	case SQLITE_PROTOCOL:
		return STORE_FAULT_IO;
	case SQLITE_NOMEM:
		return STORE_FAULT_MEMORY;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return STORE_FAULT_CORRUPT;
	default:
		return STORE_FAULT_INTERNAL;
	}
}

int sql_fail(struct sqlite_store *s, const char *what)
{
	return store_fail_record(&s->base.failure, "sqlite", what,
				 sql_fault(sqlite3_extended_errcode(s->db)), "%s",
				 sqlite3_errmsg(s->db));
}

int sql_exec(struct sqlite_store *s, enum sql_statement id)
{
	sqlite3_stmt *st = sql_stmt(s, id);
	if (!st)
		return STORE_FAILED;
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : sql_fail(s, "exec");
}

int sql_end(struct sqlite_store *s, int rc)
{
	if (rc == STORE_OK)
		return sql_exec(s, SQL_COMMIT);
	sql_exec(s, SQL_ROLLBACK);
	return rc;
}

void sql_copy_text(sqlite3_stmt *st, int col, char *out, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	snprintf(out, size, "%s", t ? (const char *)t : "");
}

void sql_bind_str(sqlite3_stmt *st, int col, const char *text)
{
	if (text)
		sqlite3_bind_text(st, col, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, col);
}

int sql_write_failed(struct sqlite_store *s, const char *what)
{
	int code = sqlite3_extended_errcode(s->db);
	if (code == SQLITE_CONSTRAINT_FOREIGNKEY)
		return STORE_NOT_FOUND;
	if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
		return STORE_CONFLICT;
	return sql_fail(s, what);
}

void sql_bind_state(sqlite3_stmt *st, int idx, enum job_state state)
{
	/* The names are string literals: static. */
	sqlite3_bind_text(st, idx, job_state_name(state), -1, SQLITE_STATIC);
}

void sql_bind_active(sqlite3_stmt *st, int idx)
{
	sql_bind_state(st, idx, JOB_PENDING);
	sql_bind_state(st, idx + 1, JOB_RUNNING);
}

void sql_bind_finished(sqlite3_stmt *st, int idx)
{
	sql_bind_state(st, idx, JOB_DONE);
	sql_bind_state(st, idx + 1, JOB_FAILED);
}

int sql_read_state(struct sqlite_store *s, sqlite3_stmt *st, int col, enum job_state *out)
{
	const char *text = (const char *)sqlite3_column_text(st, col);
	if (job_state_parse(text, out) == 0)
		return STORE_OK;
	return store_fail_record(&s->base.failure, "sqlite", "read_state", STORE_FAULT_CORRUPT,
				 "unknown job state %.32s", text ? text : "(null)");
}

int sql_list_exists(struct sqlite_store *s, const char *org_id, const char *id)
{
	sqlite3_stmt *st = sql_stmt(s, SQL_LIST_EXISTS);
	if (!st)
		return STORE_FAILED;
	sqlite3_bind_text(st, 1, org_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	sqlite3_reset(st);
	return step == SQLITE_ROW    ? STORE_OK
	       : step == SQLITE_DONE ? STORE_NOT_FOUND
				     : sql_fail(s, "list_exists");
}

int sqlite_schema_latest(void)
{
	return (int)(sizeof(migrations) / sizeof(migrations[0]));
}

static int migrate(sqlite3 *db, char *err, size_t err_size)
{
	sqlite3_stmt *st;
	int version = 0;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	int latest = sqlite_schema_latest();
	if (version > latest) {
		snprintf(err, err_size,
			 "database schema version %d is newer than this dialbookd knows (%d)",
			 version, latest);
		return STORE_FAILED;
	}
	if (version == latest)
		return STORE_OK;
	/* IMMEDIATE: two processes opening a new database migrate one at a time. */
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		goto fail_rollback;
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	for (int v = version; v < latest; v++) {
		if (sqlite3_exec(db, migrations[v], NULL, NULL, NULL) != SQLITE_OK)
			goto fail_rollback;
	}
	char pragma[64];
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", latest);
	if (sqlite3_exec(db, pragma, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail_rollback;
	return STORE_OK;
fail_rollback:
	snprintf(err, err_size, "schema migration failed: %s", sqlite3_errmsg(db));
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return STORE_FAILED;
fail:
	snprintf(err, err_size, "cannot read the schema version: %s", sqlite3_errmsg(db));
	return STORE_FAILED;
}

static void sqlite_close(struct store *base)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	for (int i = 0; i < SQL_COUNT; i++)
		sqlite3_finalize(s->stmts[i]);
	sqlite3_close(s->db);
	if (s->serving_fd >= 0)
		close(s->serving_fd); /* lets go of the flock */
	free(s->blob_dir);
	free(s);
}

/* Reads run as they are; writes take their turn (sqlite_locked.c). */
static const struct store_ops sqlite_ops = {.name = "sqlite",
					    .close = sqlite_close,
					    .org_get_by_name = sqlite_org_get_by_name,
					    .org_get = sqlite_org_get,
					    .org_count = sqlite_org_count,
					    .org_scan = sqlite_org_scan,
					    .snapshot_save = sqlite_snapshot_save,
					    .client_get = sqlite_client_get,
					    .client_list = sqlite_client_list,
					    .token_get = sqlite_token_get,
					    .list_get = sqlite_list_get,
					    .list_scan = sqlite_list_scan,
					    .list_size = sqlite_list_size,
					    .template_create = sqlite_template_create,
					    .template_get = sqlite_template_get,
					    .template_update = sqlite_template_update,
					    .template_delete_many = sqlite_template_delete_many,
					    .template_scan = sqlite_template_scan,
					    .filter_create = sqlite_filter_create,
					    .filter_get = sqlite_filter_get,
					    .filter_update = sqlite_filter_update,
					    .filter_delete_many = sqlite_filter_delete_many,
					    .filter_scan = sqlite_filter_scan,
					    .contact_get = sqlite_contact_get,
					    .contacts_get = sqlite_contacts_get,
					    .contacts_scan = sqlite_contacts_scan,
					    .import_get = sqlite_import_get,
					    .import_latest = sqlite_import_latest,
					    .export_get = sqlite_export_get,
					    .export_latest = sqlite_export_latest,
					    .blob_create = sqlite_blob_create,
					    .blob_open = sqlite_blob_open,
					    .blob_delete = sqlite_blob_delete,
					    .blob_sweep = sqlite_blob_sweep,
					    .backup_to = sqlite_backup_to,
					    .restore_from = sqlite_restore_from,
#define X(op, params, args) .op = sqlite_locked_##op,
					    SQLITE_WRITE_OPS(X)
#undef X
};

/* Blobs live in "<database>.files", made 0700 (it holds personal data). */
static int open_blob_dir(struct sqlite_store *s, const char *path, char *err, size_t err_size)
{
	if (strcmp(path, ":memory:") == 0)
		return STORE_OK;
	size_t size = strlen(path) + sizeof(".files");
	s->blob_dir = malloc(size);
	if (!s->blob_dir) {
		snprintf(err, err_size, "out of memory");
		return STORE_FAILED;
	}
	snprintf(s->blob_dir, size, "%s.files", path);
	if (mkdir(s->blob_dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, err_size, "cannot create %s: %s", s->blob_dir, strerror(errno));
		return STORE_FAILED;
	}
	return STORE_OK;
}

/* Every connection holds an flock on "<blob_dir>/.serving": shared for
 * the servers and commands that use the database, exclusive for a
 * restore, which must be alone. Neither waits: a restore refuses while
 * anything uses the database, and a server refuses to start during a
 * restore. The lock goes with the process, however it ends. */
static int hold_serving(struct sqlite_store *s, const char *path, bool exclusive, char *err,
			size_t err_size)
{
	if (!s->blob_dir)
		return STORE_OK;
	size_t size = strlen(s->blob_dir) + sizeof("/.serving");
	char *lock = malloc(size);
	if (!lock) {
		snprintf(err, err_size, "out of memory");
		return STORE_FAILED;
	}
	snprintf(lock, size, "%s/.serving", s->blob_dir);
	s->serving_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	int rc = STORE_OK;
	if (s->serving_fd < 0) {
		snprintf(err, err_size, "cannot open %s: %s", lock, strerror(errno));
		rc = STORE_FAILED;
	} else if (flock(s->serving_fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK)
			snprintf(err, err_size, "cannot lock %s: %s", lock, strerror(errno));
		else if (exclusive)
			snprintf(err, err_size,
				 "database %s is in use by a running dialbookd (or a dialbookd "
				 "command): stop every server on it first",
				 path);
		else
			snprintf(err, err_size,
				 "database %s is being restored (dialbookd restore holds %s); "
				 "start again when it is done",
				 path, lock);
		rc = STORE_FAILED;
	}
	s->exclusive = exclusive;
	free(lock);
	return rc;
}

int sqlite_store_open(const char *path, const struct store_options *opt, struct store **out,
		      char *err, size_t err_size)
{
	*out = NULL;
	struct sqlite_store *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, err_size, "out of memory");
		return STORE_FAILED;
	}
	s->base.ops = &sqlite_ops;
	s->serving_fd = -1;
	/* A new database is created 0600: it holds personal data. SQLite gives
	 * the -wal and -shm files the mode of the database file. O_EXCL: an
	 * existing one is never opened here, since closing a descriptor of a
	 * file drops every POSIX lock this process's connections hold on it. */
	if (strcmp(path, ":memory:") != 0) {
		int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0)
			close(fd); /* else it exists, or sqlite3_open_v2 says why */
	}
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		snprintf(err, err_size, "cannot open database %s: %s", path,
			 s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	/* Writers from several threads and processes queue instead of failing. */
	sqlite3_busy_timeout(s->db, (int)opt->lock_wait_ms);
	if (sqlite3_exec(s->db,
			 "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA "
			 "cache_size=-16384; PRAGMA wal_autocheckpoint=16384;"
			 " PRAGMA foreign_keys=ON;",
			 NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, err_size, "cannot configure database %s: %s", path,
			 sqlite3_errmsg(s->db));
		goto fail;
	}
	/* The blob directory and the serving lock before migrating: a
	 * restore's connection must be alone before anything is written. */
	if (open_blob_dir(s, path, err, err_size) != STORE_OK ||
	    hold_serving(s, path, opt->exclusive, err, err_size) != STORE_OK)
		goto fail;
	if (migrate(s->db, err, err_size) != STORE_OK)
		goto fail;
	*out = &s->base;
	return STORE_OK;
fail:
	sqlite_close(&s->base);
	return STORE_FAILED;
}

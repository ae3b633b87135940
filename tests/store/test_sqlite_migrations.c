/* The SQLite backend's migrations, from a database an older dialbookd
 * wrote: what each one must keep. SQLite only (the contract suite is for
 * any backend). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

/* The job tables as schema version 3 had them: states as numbers. */
static const char v3_jobs[] =
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
	"CREATE INDEX export_jobs_by_list ON export_jobs(list_id, date_created);"
	"ALTER TABLE import_jobs ADD COLUMN clear_system_data INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE import_jobs ADD COLUMN ignored_columns TEXT NOT NULL DEFAULT '';"
	/* Written in this order, all in the same millisecond: the rowid
	 * decides which is the newest. */
	"INSERT INTO import_jobs VALUES('i0', 'o', 'l', 0, 0, 0, 0, 0, '', '', 'p0', 'r0', '',"
	" 5, 5, 0, '');"
	"INSERT INTO import_jobs VALUES('i1', 'o', 'l', 1, 9, 4, 0, 0, '', '',"
	" '/d.files/i1.upload.csv', '/d.files/i1.rejects.csv', '', 5, 6, 1, '[\"x\"]');"
	"INSERT INTO import_jobs VALUES('i2', 'o', 'l', 2, 0, 0, 0, 0, '', '', 'p2', 'r2', '',"
	" 5, 7, 0, '');"
	"INSERT INTO import_jobs VALUES('i3', 'o', 'l', 3, 0, 0, 2, 0, 'MISSING_COLUMNS',"
	" 'no phone', 'p3', 'r3', 'id', 5, 8, 0, '');"
	"INSERT INTO export_jobs VALUES('e0', 'o', 'l', 0, 0, 'x0', '', 5, 5);"
	"INSERT INTO export_jobs VALUES('e2', 'o', 'l', 2, 3, '/var/db.files/e2.export.csv', '',"
	" 5, 6);"
	"INSERT INTO export_jobs VALUES('e3', 'o', 'l', 3, 0, 'x3', 'disk full', 5, 7);"
	"PRAGMA user_version = 3;";

static void job_states_become_text(void **state)
{
	(void)state;
	char dir[] = "/tmp/dialbook-migrate-XXXXXX", path[64], err[256];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/old.db", dir);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, v3_jobs, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	struct store *s;
	assert_int_equal(store_open(path, &s, err, sizeof(err)), STORE_OK);
	const enum job_state want[] = {JOB_PENDING, JOB_RUNNING, JOB_DONE, JOB_FAILED};
	const char *ids[] = {"i0", "i1", "i2", "i3"};
	struct import_job im;
	for (int i = 0; i < 4; i++) {
		assert_int_equal(store_import_get(s, "o", ids[i], &im), STORE_OK);
		assert_int_equal(im.state, want[i]);
	}
	/* Every other column kept. */
	assert_int_equal(store_import_get(s, "o", "i1", &im), STORE_OK);
	assert_int_equal(im.total, 9);
	assert_int_equal(im.completed, 4);
	assert_true(im.clear_system_data);
	assert_string_equal(im.ignored_columns, "[\"x\"]");
	assert_string_equal(im.upload_key, "i1.upload.csv");
	assert_string_equal(im.rejects_key, "i1.rejects.csv"); /* a path became a key */
	assert_int_equal(im.date_modified, 6);
	assert_int_equal(store_import_get(s, "o", "i3", &im), STORE_OK);
	assert_string_equal(im.failure_reason, "MISSING_COLUMNS");
	assert_string_equal(im.contact_id_column, "id");
	assert_int_equal(im.failed, 2);
	/* The order of jobs created in one millisecond is kept. */
	assert_int_equal(store_import_latest(s, "o", "l", &im), STORE_OK);
	assert_string_equal(im.id, "i3");
	struct export_job ex;
	assert_int_equal(store_export_latest(s, "o", "l", &ex), STORE_OK);
	assert_string_equal(ex.id, "e3");
	assert_int_equal(ex.state, JOB_FAILED);
	assert_string_equal(ex.failure_detail, "disk full");
	assert_int_equal(store_export_get(s, "o", "e0", &ex), STORE_OK);
	assert_int_equal(ex.state, JOB_PENDING);
	assert_int_equal(store_export_get(s, "o", "e2", &ex), STORE_OK);
	assert_int_equal(ex.state, JOB_DONE);
	assert_int_equal(ex.rows, 3);
	assert_string_equal(ex.file_key, "e2.export.csv"); /* a path became a blob key */
	assert_int_equal(store_export_get(s, "o", "e3", &ex), STORE_OK);
	assert_string_equal(ex.file_key, "x3");
	store_close(s);

	/* Stored as the table's names, which is what a second backend reads. */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT group_concat(state, ',') FROM (SELECT state "
					    "FROM import_jobs ORDER BY id)",
					    -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0),
			    "PENDING,RUNNING,DONE,FAILED");
	sqlite3_finalize(st);
	sqlite3_close(db);
	char cmd[96];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(job_states_become_text),
	};
	return cmocka_run_group_tests_name("sqlite migrations", tests, NULL, NULL);
}

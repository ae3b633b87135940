/* Snapshots of the whole database (the control API): files in
 * "<database>.snapshots/<name>.db", copied with SQLite's online backup
 * (sqlite3_backup_*), which reads one consistent snapshot of the source
 * and writes the destination in one transaction. */
#include "store/sqlite/sqlite_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A database in memory has nowhere to keep snapshots beside it. */
static bool in_memory(struct sqlite_store *s)
{
	const char *db = sqlite3_db_filename(s->db, "main");
	return !db || !db[0];
}

/* "<database>.snapshots/<name>.db<suffix>"; false for ":memory:" or a
 * name too long (the facade checked its alphabet). */
static bool snapshot_path(struct sqlite_store *s, const char *name, const char *suffix, char *out,
			  size_t size, bool make_dir)
{
	const char *db = sqlite3_db_filename(s->db, "main");
	int n = snprintf(out, size, "%s.snapshots", db);
	if (n < 0 || (size_t)n >= size)
		return false;
	if (make_dir && mkdir(out, 0700) != 0 && errno != EEXIST)
		return false;
	n = snprintf(out, size, "%s.snapshots/%s.db%s", db, name, suffix);
	return n > 0 && (size_t)n < size;
}

int sqlite_copy_database(sqlite3 *to, sqlite3 *from)
{
	sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
	if (!b)
		return sqlite3_errcode(to);
	int rc = sqlite3_backup_step(b, -1);
	int fin = sqlite3_backup_finish(b);
	return rc == SQLITE_DONE ? fin : rc;
}

const char *sqlite_copy_out(sqlite3 *db, const char *tmp)
{
	/* Made 0600 before SQLite opens it: it holds personal data. */
	unlink(tmp);
	int fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return strerror(errno);
	close(fd);
	sqlite3 *out = NULL;
	int rc = sqlite3_open_v2(tmp, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite_copy_database(out, db);
	/* The copy took the source's WAL mode: back to one self-contained
	 * file, with no -wal and -shm left beside it. */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(out, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	const char *why = rc == SQLITE_OK ? NULL : out ? sqlite3_errstr(rc) : "out of memory";
	if (sqlite3_close(out) != SQLITE_OK && !why)
		why = "cannot close the copy";
	if (why)
		unlink(tmp);
	return why;
}

int sqlite_snapshot_save(struct store *base, const char *name)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char tmp[4096], path[4096];
	if (in_memory(s))
		return STORE_UNSUPPORTED;
	if (!snapshot_path(s, name, ".part", tmp, sizeof(tmp), true) ||
	    !snapshot_path(s, name, "", path, sizeof(path), false))
		return store_fail_record(&s->base.failure, "sqlite", "snapshot_save",
					 STORE_FAULT_IO, "cannot make the snapshot directory: %s",
					 strerror(errno));
	const char *why = sqlite_copy_out(s->db, tmp);
	if (!why && rename(tmp, path) != 0) {
		why = strerror(errno);
		unlink(tmp);
	}
	if (why)
		return store_fail_record(&s->base.failure, "sqlite", "snapshot_save",
					 STORE_FAULT_IO, "snapshot %s: %s", name, why);
	return STORE_OK;
}

int sqlite_snapshot_restore(struct store *base, const char *name)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char path[4096];
	if (in_memory(s))
		return STORE_UNSUPPORTED;
	if (!snapshot_path(s, name, "", path, sizeof(path), false))
		return STORE_NOT_FOUND;
	if (access(path, F_OK) != 0)
		return STORE_NOT_FOUND;
	sqlite3 *in = NULL;
	int rc = sqlite3_open_v2(path, &in, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite_copy_database(s->db, in);
	sqlite3_close(in);
	if (rc == SQLITE_OK)
		return STORE_OK;
	return store_fail_record(&s->base.failure, "sqlite", "snapshot_restore",
				 (rc & 0xff) == SQLITE_BUSY ? STORE_FAULT_BUSY : STORE_FAULT_IO,
				 "snapshot %s: %s", name, sqlite3_errstr(rc));
}

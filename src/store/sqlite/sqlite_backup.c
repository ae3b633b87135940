/* Backups of the SQLite backend to a file and back (dialbookd backup and
 * restore): the database with SQLite's online backup (sqlite_copy_out,
 * shared with the snapshots), and the blobs its job rows name, copied
 * into "<backup>.files/".
 *
 * Why the blobs are consistent with the rows: a finished blob is never
 * written again (a new one replaces it by rename), and a job row names a
 * blob only once it is finished. So the backup opens every finished blob
 * first, then copies the database as of one moment, then opens the blobs
 * that appeared meanwhile: every blob the copied rows name is then open
 * (an open descriptor reads the whole blob even if it is deleted after),
 * except one finished after the first pass and deleted before the second
 * (a short import's upload), whose job the restored server fails as
 * interrupted anyway. Blobs no copied row names are left out. */
#include "store/sqlite/sqlite_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PART ".part"

/* Finished blobs held open, by key. */
struct held {
	char key[STORE_BLOB_KEY_MAX + 1];
	int fd;
};

struct held_set {
	struct held *v;
	size_t n, cap;
};

static void held_release(struct held_set *h)
{
	for (size_t i = 0; i < h->n; i++)
		close(h->v[i].fd);
	free(h->v);
	memset(h, 0, sizeof(*h));
}

static bool held_has(const struct held_set *h, const char *key)
{
	for (size_t i = 0; i < h->n; i++)
		if (strcmp(h->v[i].key, key) == 0)
			return true;
	return false;
}

/* A finished blob's file name: not hidden (".serving"), not ".part". */
static bool finished_blob(const char *name)
{
	size_t len = strlen(name), plen = strlen(PART);
	if (name[0] == '.' || len > STORE_BLOB_KEY_MAX)
		return false;
	return !(len > plen && strcmp(name + len - plen, PART) == 0);
}

/* "<a>/<b>" or "<a><b>" into out; false when it does not fit. */
static bool join(char *out, size_t size, const char *a, const char *sep, const char *b)
{
	int n = snprintf(out, size, "%s%s%s", a, sep, b);
	return n > 0 && (size_t)n < size;
}

/* Opens every finished blob of dir not held yet. A blob deleted between
 * the listing and the open is skipped: no row can name it any more. */
static int hold_blobs(const char *dir, struct held_set *h, char *err, size_t err_size)
{
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, err_size, "cannot read %s: %s", dir, strerror(errno));
		return STORE_FAILED;
	}
	int rc = STORE_OK;
	const struct dirent *e;
	while (rc == STORE_OK && (e = readdir(d)) != NULL) {
		char path[4096];
		if (!finished_blob(e->d_name) || held_has(h, e->d_name) ||
		    !join(path, sizeof(path), dir, "/", e->d_name))
			continue;
		int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0) {
			if (errno == ENOENT)
				continue;
			snprintf(err, err_size, "cannot read blob %s: %s", path, strerror(errno));
			rc = STORE_FAILED;
			break;
		}
		if (h->n == h->cap) {
			size_t cap = h->cap ? h->cap * 2 : 64;
			struct held *v = realloc(h->v, cap * sizeof(*v));
			if (!v) {
				close(fd);
				snprintf(err, err_size, "out of memory");
				rc = STORE_FAILED;
				break;
			}
			h->v = v;
			h->cap = cap;
		}
		size_t klen = strlen(e->d_name); /* <= STORE_BLOB_KEY_MAX: finished_blob */
		memcpy(h->v[h->n].key, e->d_name, klen + 1);
		h->v[h->n++].fd = fd;
	}
	closedir(d);
	return rc;
}

/* Copies all of `in` (from offset 0) into the new file dst, made 0600 and
 * synced. NULL when done, else why. */
static const char *copy_fd(int in, const char *dst)
{
	unlink(dst);
	int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (out < 0)
		return strerror(errno);
	char buf[65536];
	off_t at = 0;
	const char *why = NULL;
	for (;;) {
		ssize_t n = pread(in, buf, sizeof(buf), at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0)
				why = strerror(errno);
			break;
		}
		at += n;
		for (ssize_t done = 0; done < n && !why;) {
			ssize_t w = write(out, buf + done, (size_t)(n - done));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				why = strerror(w < 0 ? errno : ENOSPC);
			else
				done += w;
		}
		if (why)
			break;
	}
	if (!why && fsync(out) != 0)
		why = strerror(errno);
	if (close(out) != 0 && !why)
		why = strerror(errno);
	if (why)
		unlink(dst);
	return why;
}

/* Removes a directory of plain files (a leftover of an earlier run). */
static void remove_flat_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	const struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
		    join(path, sizeof(path), dir, "/", e->d_name))
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

/* Whether a job row of the copy names key. */
static bool named_by_rows(sqlite3_stmt *st, const char *key)
{
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return found;
}

/* Copies the held blobs that the copied database's job rows name into
 * the new directory files_tmp. */
static int copy_named_blobs(const char *db_copy, const struct held_set *h, const char *files_tmp,
			    char *err, size_t err_size)
{
	sqlite3 *copy = NULL;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_open_v2(db_copy, &copy, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(copy,
					"SELECT 1 FROM import_jobs WHERE upload_key = ?1 OR "
					"rejects_key = ?1 UNION ALL SELECT 1 FROM export_jobs "
					"WHERE file_key = ?1",
					-1, &st, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, err_size, "cannot read the copy %s: %s", db_copy,
			 copy ? sqlite3_errmsg(copy) : "out of memory");
		goto out;
	}
	remove_flat_dir(files_tmp);
	if (mkdir(files_tmp, 0700) != 0) {
		snprintf(err, err_size, "cannot create %s: %s", files_tmp, strerror(errno));
		rc = SQLITE_ERROR;
		goto out;
	}
	for (size_t i = 0; i < h->n; i++) {
		char dst[4096];
		if (!named_by_rows(st, h->v[i].key))
			continue;
		const char *why = join(dst, sizeof(dst), files_tmp, "/", h->v[i].key)
					  ? copy_fd(h->v[i].fd, dst)
					  : "path too long";
		if (why) {
			snprintf(err, err_size, "cannot copy blob %s into %s: %s", h->v[i].key,
				 files_tmp, why);
			rc = SQLITE_ERROR;
			goto out;
		}
	}
out:
	sqlite3_finalize(st);
	sqlite3_close(copy);
	return rc == SQLITE_OK ? STORE_OK : STORE_FAILED;
}

/* Whether path names the database file itself (a backup over it would
 * replace it under the servers). */
static bool is_database(struct sqlite_store *s, const char *path)
{
	struct stat a, b;
	const char *db = sqlite3_db_filename(s->db, "main");
	return stat(path, &a) == 0 && db && stat(db, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

int sqlite_backup_to(struct store *base, const char *path, char *err, size_t err_size)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char tmp[4096], files[4096], files_tmp[4096], files_old[4096];
	struct held_set h = {0};
	if (!s->blob_dir) {
		snprintf(err, err_size, "an in-memory database has no backup");
		return STORE_FAILED;
	}
	if (!join(tmp, sizeof(tmp), path, "", PART) ||
	    !join(files, sizeof(files), path, "", ".files") ||
	    !join(files_tmp, sizeof(files_tmp), path, "", ".files" PART) ||
	    !join(files_old, sizeof(files_old), path, "", ".files.old")) {
		snprintf(err, err_size, "backup path too long");
		return STORE_FAILED;
	}
	if (is_database(s, path)) {
		snprintf(err, err_size, "%s is the database itself; name another file", path);
		return STORE_FAILED;
	}
	int rc = hold_blobs(s->blob_dir, &h, err, err_size);
	if (rc != STORE_OK)
		goto out;
	const char *why = sqlite_copy_out(s->db, tmp);
	if (why) {
		snprintf(err, err_size, "cannot write backup %s: %s", path, why);
		rc = STORE_FAILED;
		goto out;
	}
	rc = hold_blobs(s->blob_dir, &h, err, err_size);
	if (rc == STORE_OK)
		rc = copy_named_blobs(tmp, &h, files_tmp, err, err_size);
	if (rc != STORE_OK)
		goto out;
	/* The database's rename is the commit: until it, `path` is the old
	 * backup; a crash in between leaves .part and .old to the next run. */
	remove_flat_dir(files_old);
	if ((rename(files, files_old) != 0 && errno != ENOENT) || rename(files_tmp, files) != 0 ||
	    rename(tmp, path) != 0) {
		snprintf(err, err_size, "cannot put backup %s in place: %s", path, strerror(errno));
		rc = STORE_FAILED;
		goto out;
	}
	remove_flat_dir(files_old);
out:
	if (rc != STORE_OK) {
		unlink(tmp);
		remove_flat_dir(files_tmp);
	}
	held_release(&h);
	return rc;
}

/* Checks that `in` is a dialbook database this binary can read: the
 * tables of its first schema, and a schema no newer than ours. */
static int check_backup(sqlite3 *in, const char *path, char *err, size_t err_size)
{
	sqlite3_stmt *st = NULL;
	int version = -1, tables = 0;
	if (sqlite3_prepare_v2(in, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (version >= 0 &&
	    sqlite3_prepare_v2(in,
			       "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name "
			       "IN ('orgs', 'oauth_clients', 'contact_lists')",
			       -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		tables = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version < 0) {
		snprintf(err, err_size, "%s is not a dialbook database: %s", path,
			 sqlite3_errmsg(in));
		return STORE_FAILED;
	}
	if (version < 1 || tables != 3) {
		snprintf(err, err_size, "%s is not a dialbook database: it has no dialbook tables",
			 path);
		return STORE_FAILED;
	}
	int latest = sqlite_schema_latest();
	if (version > latest) {
		snprintf(
			err, err_size,
			"%s has schema version %d, newer than this dialbookd's %d: restore it with "
			"a dialbookd as new as the one that wrote it",
			path, version, latest);
		return STORE_FAILED;
	}
	return STORE_OK;
}

/* Copies each finished blob of files_in into blob_dir (as <key>.part,
 * then renamed, so a blob is whole or absent). */
static int restore_blobs(const char *files_in, const char *blob_dir, char *err, size_t err_size)
{
	struct held_set h = {0};
	int rc = hold_blobs(files_in, &h, err, err_size);
	for (size_t i = 0; rc == STORE_OK && i < h.n; i++) {
		char part[4096], dst[4096];
		const char *why = "path too long";
		if (join(dst, sizeof(dst), blob_dir, "/", h.v[i].key) &&
		    join(part, sizeof(part), dst, "", PART))
			why = copy_fd(h.v[i].fd, part);
		if (!why && rename(part, dst) != 0) {
			why = strerror(errno);
			unlink(part);
		}
		if (why) {
			snprintf(err, err_size, "cannot restore blob %s into %s: %s", h.v[i].key,
				 blob_dir, why);
			rc = STORE_FAILED;
		}
	}
	held_release(&h);
	return rc;
}

/* Deletes the blobs of blob_dir that the backup's files_in does not hold:
 * no restored row names them. */
static void drop_other_blobs(const char *files_in, const char *blob_dir)
{
	DIR *d = opendir(blob_dir);
	if (!d)
		return;
	const struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char mine[4096], theirs[4096];
		if (e->d_name[0] == '.' || !join(mine, sizeof(mine), blob_dir, "/", e->d_name) ||
		    !join(theirs, sizeof(theirs), files_in, "/", e->d_name))
			continue;
		if (access(theirs, F_OK) != 0 && errno == ENOENT)
			unlink(mine);
	}
	closedir(d);
}

int sqlite_restore_from(struct store *base, const char *path, char *err, size_t err_size)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char files_in[4096];
	if (!s->blob_dir) {
		snprintf(err, err_size, "an in-memory database cannot be restored into");
		return STORE_FAILED;
	}
	if (!s->exclusive) {
		snprintf(err, err_size,
			 "a restore needs the database to itself (a connection opened exclusive)");
		return STORE_FAILED;
	}
	if (!join(files_in, sizeof(files_in), path, "", ".files")) {
		snprintf(err, err_size, "backup path too long");
		return STORE_FAILED;
	}
	if (access(path, R_OK) != 0) {
		int e = errno;
		snprintf(err, err_size, "cannot read backup %s: %s", path, strerror(e));
		return e == ENOENT ? STORE_NOT_FOUND : STORE_FAILED;
	}
	sqlite3 *in = NULL;
	int rc = sqlite3_open_v2(path, &in, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, err_size, "cannot open backup %s: %s", path,
			 in ? sqlite3_errmsg(in) : "out of memory");
		sqlite3_close(in);
		return STORE_FAILED;
	}
	struct stat st;
	bool with_blobs = stat(files_in, &st) == 0 && S_ISDIR(st.st_mode);
	int out = check_backup(in, path, err, err_size);
	if (out == STORE_OK && with_blobs)
		out = restore_blobs(files_in, s->blob_dir, err, err_size);
	if (out == STORE_OK) {
		rc = sqlite_copy_database(s->db, in);
		if (rc != SQLITE_OK) {
			snprintf(err, err_size, "cannot restore %s: %s", path, sqlite3_errstr(rc));
			out = STORE_FAILED;
		}
	}
	sqlite3_close(in);
	if (out == STORE_OK && with_blobs)
		drop_other_blobs(files_in, s->blob_dir);
	return out;
}

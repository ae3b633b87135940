/* The SQLite backend's blobs: files in "<database>.files", the directory
 * beside the database that this backend owns. Blob `key` is the file
 * <key>; while written it is <key>.part, renamed into place when
 * finished. Whoever holds a blob holds an flock on its file (exclusive
 * while writing, shared while reading if it can), and the sweep takes only a file
 * it can lock, deciding while it holds the lock: so no age rule is needed,
 * a crash (the lock goes with the process) is swept later, and a server
 * sharing the directory is never robbed of a file it is using. */
#include "store/sqlite/sqlite_internal.h"
#include "common/log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define PART ".part"

struct sqlite_blob {
	struct store_blob base;
	int fd;
	char *path, *part;
};

/* "<dir>/<key><suffix>", owned by the caller; NULL without a directory
 * (":memory:") or memory. */
static char *blob_path(const struct sqlite_store *s, const char *key, const char *suffix)
{
	if (!s->blob_dir)
		return NULL;
	size_t size = strlen(s->blob_dir) + strlen(key) + strlen(suffix) + 2;
	char *p = malloc(size);
	if (p)
		snprintf(p, size, "%s/%s%s", s->blob_dir, key, suffix);
	return p;
}

/* errno's kind of failure: a full disk says so, the rest is storage. */
static int blob_fail(struct store_failure *rec, const char *op, const char *path)
{
	int err = errno;
	enum store_fault fault = err == ENOSPC || err == EDQUOT ? STORE_FAULT_FULL
				 : err == ENOMEM		? STORE_FAULT_MEMORY
								: STORE_FAULT_IO;
	if (!path)
		store_fail_record(rec, "sqlite", op, STORE_FAULT_INTERNAL,
				  "no blob directory (in-memory database) or no memory");
	else
		store_fail_record(rec, "sqlite", op, fault, "%s: %s", path, strerror(err));
	return STORE_FAILED;
}

/* Whether fd is still the file named path: a sweep may have unlinked it
 * between our open and our lock. */
static bool still_named(int fd, const char *path)
{
	struct stat a, b;
	return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

static int blob_write(struct store_blob *base, const void *data, size_t len)
{
	struct sqlite_blob *b = (struct sqlite_blob *)base;
	const char *p = data;
	while (len) {
		ssize_t n = write(b->fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return blob_fail(&b->base.failure, "blob_write", b->part);
		p += n;
		len -= (size_t)n;
	}
	return STORE_OK;
}

static int blob_finish(struct store_blob *base)
{
	struct sqlite_blob *b = (struct sqlite_blob *)base;
	/* On disk before a job row names it. */
	if (fsync(b->fd) != 0 || rename(b->part, b->path) != 0)
		return blob_fail(&b->base.failure, "blob_finish", b->part);
	return STORE_OK;
}

/* Closing the descriptor ends the hold; an unfinished blob goes first. */
static void blob_close(struct store_blob *base)
{
	struct sqlite_blob *b = (struct sqlite_blob *)base;
	if (!base->finished)
		unlink(b->part);
	close(b->fd);
	free(b->path);
	free(b->part);
	free(b);
}

static const struct store_blob_ops blob_ops = {
	.write = blob_write, .finish = blob_finish, .close = blob_close};

/* Opens and locks path, retrying when a sweep unlinked the file we
 * opened before we got its lock. */
static int open_locked(const char *path)
{
	for (int attempt = 0; attempt < 8; attempt++) {
		int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0)
			return -1;
		if (flock(fd, LOCK_EX) == 0 && still_named(fd, path))
			return fd;
		close(fd);
	}
	errno = EAGAIN;
	return -1;
}

int sqlite_blob_create(struct store *base, const char *key, struct store_blob **out)
{
	const struct sqlite_store *s = (const struct sqlite_store *)base;
	struct sqlite_blob *b = calloc(1, sizeof(*b));
	if (!b) {
		errno = ENOMEM;
		return blob_fail(&base->failure, "blob_create", "(memory)");
	}
	b->base.ops = &blob_ops;
	b->path = blob_path(s, key, "");
	b->part = blob_path(s, key, PART);
	b->fd = b->part ? open_locked(b->part) : -1;
	if (b->fd < 0 || ftruncate(b->fd, 0) != 0) {
		int rc = blob_fail(&base->failure, "blob_create", b->part);
		if (b->fd >= 0) {
			unlink(b->part);
			close(b->fd);
		}
		free(b->path);
		free(b->part);
		free(b);
		return rc;
	}
	*out = &b->base;
	return STORE_OK;
}

/* A reader's shared lock keeps the sweep off the file while it is read,
 * but it is not waited for: a writer still holding a blob it finished
 * holds the lock exclusively. A descriptor stays readable even if the
 * file is deleted meanwhile, so the lock is a courtesy, not a need. */
int sqlite_blob_open(struct store *base, const char *key, struct store_blob_read *out)
{
	char *path = blob_path((const struct sqlite_store *)base, key, "");
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) : -1;
	struct stat st;
	int rc = STORE_OK;
	if (fd < 0)
		rc = path && errno == ENOENT ? STORE_NOT_FOUND
					     : blob_fail(&base->failure, "blob_open", path);
	else if (fstat(fd, &st) != 0)
		rc = blob_fail(&base->failure, "blob_open", path);
	if (rc == STORE_OK) {
		flock(fd, LOCK_SH | LOCK_NB);
		out->fd = fd;
		out->size = (uint64_t)st.st_size;
	} else if (fd >= 0) {
		close(fd);
	}
	free(path);
	return rc;
}

int sqlite_blob_delete(struct store *base, const char *key)
{
	const struct sqlite_store *s = (const struct sqlite_store *)base;
	int rc = STORE_OK;
	for (int i = 0; i < 2; i++) {
		char *path = blob_path(s, key, i ? PART : "");
		if (!path || (unlink(path) != 0 && errno != ENOENT))
			rc = blob_fail(&base->failure, "blob_delete", path);
		free(path);
	}
	return rc;
}

/* Takes one file if no one holds it and keep() lets it go. */
static bool sweep_one(const struct sqlite_store *s, const char *name, store_blob_keep_cb keep,
		      void *ctx)
{
	char key[STORE_BLOB_KEY_MAX + 1];
	size_t len = strlen(name), plen = strlen(PART);
	bool finished = !(len > plen && strcmp(name + len - plen, PART) == 0);
	size_t klen = finished ? len : len - plen;
	if (klen > STORE_BLOB_KEY_MAX)
		return false;
	memcpy(key, name, klen);
	key[klen] = '\0';
	char *path = blob_path(s, name, "");
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK) : -1;
	bool deleted = false;
	/* The lock first, then the question: a writer that holds the lock
	 * adds its job row before it lets go, so a row missing now is
	 * missing for good. */
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0 && still_named(fd, path) &&
	    !keep(key, finished, ctx))
		deleted = unlink(path) == 0;
	if (fd >= 0)
		close(fd);
	free(path);
	return deleted;
}

int sqlite_blob_sweep(struct store *base, store_blob_keep_cb keep, void *ctx, unsigned *seen,
		      unsigned *deleted)
{
	const struct sqlite_store *s = (const struct sqlite_store *)base;
	DIR *d = s->blob_dir ? opendir(s->blob_dir) : NULL;
	if (!d)
		return blob_fail(&base->failure, "blob_sweep", s->blob_dir);
	const struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		(*seen)++;
		if (sweep_one(s, e->d_name, keep, ctx))
			(*deleted)++;
	}
	closedir(d);
	return STORE_OK;
}

/* The PostgreSQL backend's blobs live in the database, so that a server
 * needs nothing but it: a row of `blobs` per blob (finished or being
 * written) and its bytes in `blob_chunks`, PG_BLOB_CHUNK bytes a row.
 *
 * A writer has a connection of its own (the handle must not tie up the
 * store's; kept for the next writer once closed) that holds a session
 * advisory lock on the blob's id from the moment its row is visible until
 * the handle is closed; chunks are
 * committed as they fill, so memory does not grow with the blob, and the
 * row turns finished (replacing the key's older blob) in one transaction.
 * A writer that dies loses its connection, and so its lock: the sweep
 * then finds the row unfinished and free.
 *
 * A reader gets the blob copied, chunk by chunk from one snapshot, into
 * an unlinked temporary file: it reads the whole blob whatever happens to
 * the rows meanwhile. This process's readers are kept from the sweep
 * while their descriptor is open (reader_holds). */
#include "store/postgres/pg_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PG_BLOB_CHUNK (256 * 1024)
/* How long the sweep gives a writer's lock to go once its connection
 * closed (a process that died a moment ago), in ms. */
#define PG_BLOB_GRACE_MS 100

struct pg_blob {
	struct store_blob base;
	struct pg_store pg; /* the writer's own connection */
	char *conninfo;	    /* the store's, to keep the connection for the next writer */
	int64_t id;
	int seq;
	uint64_t size;
	size_t used;
	char key[STORE_BLOB_KEY_MAX + 1];
	unsigned char buf[PG_BLOB_CHUNK];
};

/* Copies the connection's failure into the handle's record. */
static int blob_fail(struct pg_blob *b, const char *what)
{
	pg_fail(&b->pg, what);
	b->base.failure = b->pg.base.failure;
	return STORE_FAILED;
}

static int flush(struct pg_blob *b)
{
	if (!b->used)
		return STORE_OK;
	struct pg_params p = {0};
	pp_int(&p, b->id);
	pp_int(&p, b->seq);
	pp_bytes(&p, b->buf, b->used);
	PGresult *r = pg_run(&b->pg, PG_SQL_BLOB_CHUNK, &p, false);
	if (!r)
		return blob_fail(b, "blob_write");
	PQclear(r);
	b->seq++;
	b->used = 0;
	return STORE_OK;
}

static int blob_write(struct store_blob *base, const void *data, size_t len)
{
	struct pg_blob *b = (struct pg_blob *)base;
	const unsigned char *p = data;
	while (len) {
		size_t n = sizeof(b->buf) - b->used;
		if (n > len)
			n = len;
		memcpy(b->buf + b->used, p, n);
		b->used += n;
		b->size += n;
		p += n;
		len -= n;
		if (b->used == sizeof(b->buf) && flush(b) != STORE_OK)
			return STORE_FAILED;
	}
	return STORE_OK;
}

/* The older blob of the key goes and this one turns finished, at once. */
static int blob_finish(struct store_blob *base)
{
	struct pg_blob *b = (struct pg_blob *)base;
	if (flush(b) != STORE_OK)
		return STORE_FAILED;
	struct pg_params k = {0}, f = {0};
	pp_text(&k, b->key);
	pp_int(&f, b->id);
	pp_int(&f, (int64_t)b->size);
	if (pg_begin(&b->pg))
		return blob_fail(b, "blob_finish");
	int rc = pg_exec(&b->pg, PG_SQL_BLOB_DROP_FINISHED, &k, "blob_finish");
	PGresult *r = rc == STORE_OK ? pg_run(&b->pg, PG_SQL_BLOB_FINISH, &f, false) : NULL;
	if (rc == STORE_OK && !r)
		rc = pg_fail(&b->pg, "blob_finish");
	if (r && strcmp(PQcmdTuples(r), "1") != 0) /* deleted while written */
		rc = store_fail_record(&b->pg.base.failure, "postgres", "blob_finish",
				       STORE_FAULT_INTERNAL, "the blob was deleted while written");
	PQclear(r);
	rc = pg_end(&b->pg, rc);
	if (rc != STORE_OK)
		b->base.failure = b->pg.base.failure;
	return rc;
}

/* ---- Writers' connections ------------------------------------------- */

/* A few writers' connections are kept for the next writer of this process
 * (a new one costs a server process and an authentication: most of an
 * upload of a few rows). One is kept only with no hold and no transaction
 * left; its prepared statements stay with it; a child process after fork
 * never takes its parent's (they share the socket). */
#define PG_BLOB_POOL 4

struct pooled {
	PGconn *conn;
	char *conninfo;
	unsigned lock_wait_ms;
	pid_t pid;
	bool prepared[PG_SQL_COUNT];
};

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pooled pool[PG_BLOB_POOL];
static int pool_count;

/* A kept connection for s's database, or NULL. */
static bool conn_take(const struct pg_store *s, struct pg_store *into)
{
	struct pooled got = {0};
	pthread_mutex_lock(&pool_lock);
	for (int i = pool_count - 1; i >= 0; i--) {
		if (pool[i].pid != getpid() || pool[i].lock_wait_ms != s->lock_wait_ms ||
		    strcmp(pool[i].conninfo, s->conninfo) != 0)
			continue;
		got = pool[i];
		pool[i] = pool[--pool_count];
		break;
	}
	pthread_mutex_unlock(&pool_lock);
	free(got.conninfo);
	if (!got.conn)
		return false;
	if (PQstatus(got.conn) != CONNECTION_OK) {
		PQfinish(got.conn);
		return false;
	}
	into->conn = got.conn;
	memcpy(into->prepared, got.prepared, sizeof(into->prepared));
	return true;
}

/* Keeps conn for another writer, or closes it. */
static void conn_give(const struct pg_blob *b)
{
	PGconn *conn = b->pg.conn;
	char *info = NULL;
	if (PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) == PQTRANS_IDLE)
		info = strdup(b->conninfo);
	pthread_mutex_lock(&pool_lock);
	if (info && pool_count < PG_BLOB_POOL) {
		struct pooled *k = &pool[pool_count++];
		k->conn = conn;
		k->conninfo = info;
		k->lock_wait_ms = b->pg.lock_wait_ms;
		k->pid = getpid();
		memcpy(k->prepared, b->pg.prepared, sizeof(k->prepared));
		conn = NULL;
		info = NULL;
	}
	pthread_mutex_unlock(&pool_lock);
	free(info);
	PQfinish(conn);
}

/* Keeps one connection ready for this process's next writer if none is:
 * the sweep calls it, at a server's start and then every interval, so
 * that the first upload does not wait for a connection to be made. */
static void conn_warm(const struct pg_store *s)
{
	bool have = false;
	pthread_mutex_lock(&pool_lock);
	for (int i = 0; i < pool_count && !have; i++)
		have = pool[i].pid == getpid() && pool[i].lock_wait_ms == s->lock_wait_ms &&
		       strcmp(pool[i].conninfo, s->conninfo) == 0;
	pthread_mutex_unlock(&pool_lock);
	if (have)
		return;
	struct pg_blob *b = calloc(1, sizeof(*b));
	struct store_failure ignored = {0};
	if (!b)
		return;
	b->pg.lock_wait_ms = s->lock_wait_ms;
	b->conninfo = strdup(s->conninfo);
	b->pg.conn = b->conninfo ? pg_connect_more((struct pg_store *)s, &ignored) : NULL;
	if (b->pg.conn)
		conn_give(b);
	free(b->conninfo);
	free(b);
}

/* An unfinished blob goes; then the hold is let go and the connection
 * kept for the next writer (closing it would let go of the hold too, as
 * a writer that dies does). */
static void blob_close(struct store_blob *base)
{
	struct pg_blob *b = (struct pg_blob *)base;
	struct pg_params p = {0};
	pp_int(&p, b->id);
	if (!base->finished && b->id)
		PQclear(pg_run(&b->pg, PG_SQL_BLOB_DROP, &p, false));
	PGresult *r = b->id ? pg_run(&b->pg, PG_SQL_BLOB_UNHOLD, &p, false) : NULL;
	bool released = r && pg_bool(r, 0, 0);
	PQclear(r);
	if (released)
		conn_give(b);
	else
		PQfinish(b->pg.conn);
	free(b->conninfo);
	free(b);
}

static const struct store_blob_ops blob_ops = {
	.write = blob_write, .finish = blob_finish, .close = blob_close};

/* The row, visible only once its writer holds it. */
static int blob_row(struct pg_blob *b)
{
	struct pg_params p = {0};
	pp_text(&p, b->key);
	if (pg_begin(&b->pg))
		return STORE_FAILED;
	PGresult *r = pg_run(&b->pg, PG_SQL_BLOB_INSERT, &p, false);
	int rc = r ? STORE_OK : pg_fail(&b->pg, "blob_create");
	if (r)
		b->id = pg_int(r, 0, 0);
	PQclear(r);
	struct pg_params h = {0};
	pp_int(&h, b->id);
	if (rc == STORE_OK)
		rc = pg_exec(&b->pg, PG_SQL_BLOB_HOLD, &h, "blob_create");
	rc = pg_end(&b->pg, rc);
	if (rc != STORE_OK)
		b->id = 0;
	return rc;
}

int pg_blob_create(struct store *base, const char *key, struct store_blob **out)
{
	struct pg_store *s = (struct pg_store *)base;
	struct pg_blob *b = calloc(1, sizeof(*b));
	if (!b)
		return store_fail_record(&base->failure, "postgres", "blob_create",
					 STORE_FAULT_MEMORY, "out of memory");
	b->base.ops = &blob_ops;
	snprintf(b->key, sizeof(b->key), "%s", key);
	b->pg.lock_wait_ms = s->lock_wait_ms;
	b->conninfo = strdup(s->conninfo);
	bool kept = b->conninfo && conn_take(s, &b->pg);
	if (!b->conninfo || (!kept && !(b->pg.conn = pg_connect_more(s, &base->failure)))) {
		if (!b->conninfo)
			store_fail_record(&base->failure, "postgres", "blob_create",
					  STORE_FAULT_MEMORY, "out of memory");
		free(b->conninfo);
		free(b);
		return STORE_FAILED;
	}
	int rc = blob_row(b);
	if (rc != STORE_OK && kept && PQstatus(b->pg.conn) != CONNECTION_OK) {
		/* A kept connection the server has closed meanwhile: a new one. */
		PQfinish(b->pg.conn);
		memset(b->pg.prepared, 0, sizeof(b->pg.prepared));
		b->pg.conn = pg_connect_more(s, &base->failure);
		if (!b->pg.conn) {
			free(b->conninfo);
			free(b);
			return STORE_FAILED;
		}
		rc = blob_row(b);
	}
	if (rc != STORE_OK) {
		base->failure = b->pg.base.failure;
		PQfinish(b->pg.conn);
		free(b->conninfo);
		free(b);
		return STORE_FAILED;
	}
	*out = &b->base;
	return STORE_OK;
}

/* ---- Readers ---------------------------------------------------------- */

/* This process's open readers: the descriptor given out and the file it
 * was, so that one closed (or reused for another file) no longer holds. */
struct reader {
	char key[STORE_BLOB_KEY_MAX + 1];
	int fd;
	dev_t dev;
	ino_t ino;
};

static pthread_mutex_t readers_lock = PTHREAD_MUTEX_INITIALIZER;
static struct reader *readers;
static size_t reader_count, reader_cap;

static bool reader_open(const struct reader *r)
{
	struct stat st;
	return fstat(r->fd, &st) == 0 && st.st_dev == r->dev && st.st_ino == r->ino;
}

static void reader_add(const char *key, int fd)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return;
	pthread_mutex_lock(&readers_lock);
	/* Forget the closed ones first: the list stays as long as the open. */
	size_t kept = 0;
	for (size_t i = 0; i < reader_count; i++)
		if (reader_open(&readers[i]))
			readers[kept++] = readers[i];
	reader_count = kept;
	if (reader_count == reader_cap) {
		size_t cap = reader_cap ? reader_cap * 2 : 16;
		struct reader *more = realloc(readers, cap * sizeof(*more));
		if (!more)
			goto out; /* the sweep may then take it: the copy stays readable */
		readers = more;
		reader_cap = cap;
	}
	struct reader *r = &readers[reader_count++];
	snprintf(r->key, sizeof(r->key), "%s", key);
	r->fd = fd;
	r->dev = st.st_dev;
	r->ino = st.st_ino;
out:
	pthread_mutex_unlock(&readers_lock);
}

static bool reader_holds(const char *key)
{
	bool held = false;
	pthread_mutex_lock(&readers_lock);
	for (size_t i = 0; i < reader_count && !held; i++)
		held = strcmp(readers[i].key, key) == 0 && reader_open(&readers[i]);
	pthread_mutex_unlock(&readers_lock);
	return held;
}

/* An unlinked temporary file in $TMPDIR (or /tmp). */
static int temp_file(void)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
#ifdef O_TMPFILE
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
#endif
	char path[4096];
	snprintf(path, sizeof(path), "%s/dialbook-blob-XXXXXX", dir);
	fd = mkstemp(path);
	if (fd >= 0)
		unlink(path);
	return fd;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int file_fail(struct pg_store *s, const char *what)
{
	int err = errno;
	enum store_fault fault = err == ENOSPC || err == EDQUOT ? STORE_FAULT_FULL
				 : err == ENOMEM		? STORE_FAULT_MEMORY
								: STORE_FAULT_IO;
	return store_fail_record(&s->base.failure, "postgres", what, fault, "temporary file: %s",
				 strerror(err));
}

/* Copies the chunks, one statement each, from one snapshot into fd. */
static int copy_chunks(struct pg_store *s, int64_t id, int fd, uint64_t *size)
{
	for (int seq = 0;; seq++) {
		struct pg_params p = {0};
		pp_int(&p, id);
		pp_int(&p, seq);
		PGresult *r = pg_run(s, PG_SQL_BLOB_READ, &p, true);
		if (!r)
			return pg_fail(s, "blob_open");
		if (!PQntuples(r)) {
			PQclear(r);
			return STORE_OK;
		}
		size_t len = (size_t)PQgetlength(r, 0, 0);
		int w = write_all(fd, PQgetvalue(r, 0, 0), len);
		PQclear(r);
		if (w != 0)
			return file_fail(s, "blob_open");
		*size += len;
	}
}

static int open_once(struct pg_store *s, const char *key, int fd, uint64_t *size)
{
	*size = 0;
	if (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0)
		return file_fail(s, "blob_open");
	struct pg_params p = {0};
	pp_text(&p, key);
	if (pg_exec(s, PG_SQL_BEGIN_SNAPSHOT, NULL, "blob_open"))
		return STORE_FAILED;
	PGresult *r = pg_run(s, PG_SQL_BLOB_FIND, &p, false);
	int rc = r ? STORE_OK : pg_fail(s, "blob_open");
	if (rc == STORE_OK && !PQntuples(r))
		rc = STORE_NOT_FOUND;
	int64_t id = rc == STORE_OK ? pg_int(r, 0, 0) : 0;
	PQclear(r);
	if (rc == STORE_OK)
		rc = copy_chunks(s, id, fd, size);
	if (rc != STORE_OK)
		return pg_end(s, rc);
	pg_end(s, STORE_FAILED); /* read only: nothing to commit */
	return STORE_OK;
}

int pg_blob_open(struct store *base, const char *key, struct store_blob_read *out)
{
	struct pg_store *s = (struct pg_store *)base;
	int fd = temp_file();
	if (fd < 0)
		return file_fail(s, "blob_open");
	uint64_t size = 0;
	int rc;
	PG_CALL(s, rc, open_once(s, key, fd, &size));
	if (rc == STORE_OK && lseek(fd, 0, SEEK_SET) != 0)
		rc = file_fail(s, "blob_open");
	if (rc != STORE_OK) {
		close(fd);
		return rc;
	}
	reader_add(key, fd);
	out->fd = fd;
	out->size = size;
	return STORE_OK;
}

static int delete_once(struct pg_store *s, const char *key)
{
	struct pg_params p = {0};
	pp_text(&p, key);
	if (pg_begin(s))
		return STORE_FAILED;
	return pg_end(s, pg_exec(s, PG_SQL_BLOB_DELETE, &p, "blob_delete"));
}

int pg_blob_delete(struct store *base, const char *key)
{
	struct pg_store *s = (struct pg_store *)base;
	int rc;
	PG_CALL(s, rc, delete_once(s, key));
	return rc;
}

/* ---- The sweep --------------------------------------------------------- */

/* Tries to hold blob id for the sweep: 1 held, 0 someone else holds it,
 * -1 failed. */
static int try_hold(struct pg_store *s, int64_t id)
{
	struct pg_params p = {0};
	pp_int(&p, id);
	PGresult *r = pg_run(s, PG_SQL_BLOB_TRY_HOLD, &p, false);
	if (!r)
		return -1;
	int got = pg_bool(r, 0, 0);
	PQclear(r);
	return got;
}

/* Asks keep() about a blob the sweep holds, deletes it if told, lets go. */
static int decide(struct pg_store *s, int64_t id, const char *key, bool finished,
		  store_blob_keep_cb keep, void *ctx, unsigned *deleted)
{
	struct pg_params p = {0};
	pp_int(&p, id);
	int rc = STORE_OK;
	if (!keep(key, finished, ctx)) {
		rc = pg_exec(s, PG_SQL_BLOB_DROP, &p, "blob_sweep");
		if (rc == STORE_OK)
			(*deleted)++;
	}
	PGresult *r = pg_run(s, PG_SQL_BLOB_UNHOLD, &p, false);
	PQclear(r);
	return r ? rc : pg_fail(s, "blob_sweep");
}

int pg_blob_sweep(struct store *base, store_blob_keep_cb keep, void *ctx, unsigned *seen,
		  unsigned *deleted)
{
	struct pg_store *s = (struct pg_store *)base;
	pg_call_begin(s);
	PGresult *all = pg_run(s, PG_SQL_BLOB_LIST, NULL, false);
	if (!all && s->retry == PG_RETRY_RECONNECT) {
		int attempt = 0;
		if (pg_call_retry(s, &attempt))
			all = pg_run(s, PG_SQL_BLOB_LIST, NULL, false);
	}
	if (!all)
		return pg_fail(s, "blob_sweep");
	int rows = PQntuples(all), rc = STORE_OK;
	int *later = calloc((size_t)rows + 1, sizeof(*later));
	int nlater = 0;
	if (!later) {
		PQclear(all);
		return store_fail_record(&base->failure, "postgres", "blob_sweep",
					 STORE_FAULT_MEMORY, "out of memory");
	}
	for (int pass = 0; pass < 2 && rc == STORE_OK; pass++) {
		int n = pass ? nlater : rows;
		if (pass && !n)
			break;
		if (pass)
			usleep(PG_BLOB_GRACE_MS * 1000);
		for (int k = 0; k < n && rc == STORE_OK; k++) {
			int i = pass ? later[k] : k;
			int64_t id = pg_int(all, i, 0);
			const char *key = PQgetvalue(all, i, 1);
			bool finished = pg_bool(all, i, 2);
			if (!pass)
				(*seen)++;
			if (reader_holds(key))
				continue;
			int got = try_hold(s, id);
			if (got < 0)
				rc = pg_fail(s, "blob_sweep");
			else if (got)
				rc = decide(s, id, key, finished, keep, ctx, deleted);
			else if (!pass && !finished)
				later[nlater++] = i; /* a writer that died just now? */
		}
	}
	free(later);
	PQclear(all);
	conn_warm(s);
	return rc;
}

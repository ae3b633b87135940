/* The store: dialbookd's only way to its data. Callers use these store_*
 * functions and nothing else; a backend (sqlite/ now, postgres/ next) is a
 * table of functions behind them (store_backend.h), which only the facade
 * (store.c) and the backends see. The facade is where tenancy, tracing and
 * timing live.
 *
 * A `struct store` is one connection, used by one thread at a time.
 *
 * Tenancy. Data that belongs to one organization is read and written with
 * the caller's organization id (`org_id`, or the record's own org_id for
 * the functions that take a record). Another organization's list, contact
 * or job answers STORE_NOT_FOUND, exactly as one that does not exist: the
 * store checks it, in the same statement or transaction as the work.
 * Functions that act for no tenant (the administration commands, the
 * token endpoint, the sweeper, recovery at start) say so.
 *
 * Isolation under concurrent writers (several threads, several processes
 * on one database). Every function that writes is one transaction: it is
 * atomic (all of it or none of it becomes visible, even when the process
 * dies half-way), and a count or a row it checks before writing (a limit,
 * "one import per list", a version, a list's owner) still holds when it
 * commits, whoever else writes at the same time. What a backend must give
 * for that: serializable write transactions. Reads see committed data
 * only, as of the statement that reads it; a function that reads in two
 * statements says what it may see in between. The SQLite backend gives
 * one writer at a time on the whole database (BEGIN IMMEDIATE; a writer
 * waits up to lock_wait_ms for the lock, then answers STORE_FAILED) and readers
 * that never wait for a writer (WAL); a scan is one statement, so it reads
 * one snapshot for its whole run.
 *
 * Return codes: every function returns STORE_OK or a negative
 * store_status; STORE_FAILED means the backend failed (logged, with the
 * reason; store_last_failure says why) and nothing was written. Out parameters are set only on
 * STORE_OK unless said otherwise. Strings are NUL-terminated; ids are
 * compared exactly, names as documented. */
#ifndef DIALBOOK_STORE_H
#define DIALBOOK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/permissions.h"
#include "common/text.h"
#include "model/contactlist.h"
#include "model/job_state.h"

/* X(enumerator, value, key in logs, words for people) */
#define STORE_STATUS_TABLE(X)                                                                      \
	X(STORE_OK, 0, "ok", "ok")                                                                 \
	X(STORE_NOT_FOUND, -1, "not_found", "not found")                                           \
	X(STORE_CONFLICT, -2, "conflict", "conflict") /* a unique key (a name) is taken */         \
	X(STORE_STALE, -3, "stale", "stale version") /* the version given is not the stored one */ \
	X(STORE_LIMIT, -4, "limit", "limit reached") /* a count limit would be exceeded */         \
	X(STORE_FAILED, -5, "failed", "store failure") /* the backend failed; logged */            \
	X(STORE_UNSUPPORTED, -6, "unsupported", "not supported by this backend")

enum store_status {
#define X(id, value, key, text) id = value,
	STORE_STATUS_TABLE(X)
#undef X
};

/* Why a call answered STORE_FAILED, for its caller (the API answers 503
 * with these words and Retry-After; the backend's own words go to the
 * log only: they may name files and statements).
 * X(enumerator, key in logs, words for people, seconds to wait) */
#define STORE_FAULT_TABLE(X)                                                                       \
	X(STORE_FAULT_NONE, "none", "no failure", 0)                                               \
	X(STORE_FAULT_BUSY, "busy", "the database is busy: another writer held it too long", 2)    \
	X(STORE_FAULT_UNAVAILABLE, "unavailable", "the database cannot be reached", 5)             \
	X(STORE_FAULT_FULL, "full", "the database's storage is full", 60)                          \
	X(STORE_FAULT_IO, "io", "the database's storage failed to read or write", 30)              \
	X(STORE_FAULT_MEMORY, "memory", "the server ran out of memory", 5)                         \
	X(STORE_FAULT_CORRUPT, "corrupt", "the database is damaged", 60)                           \
	X(STORE_FAULT_INTERNAL, "internal", "the database refused a statement", 30)

enum store_fault {
#define X(id, key, text, retry) id,
	STORE_FAULT_TABLE(X)
#undef X
};

struct store_failure {
	enum store_fault fault;
	char detail[256]; /* the backend's words, for the log */
};

const char *store_fault_key(enum store_fault f);
const char *store_fault_text(enum store_fault f);
/* Seconds a client should wait before retrying (Retry-After). */
int store_fault_retry_after(enum store_fault f);

/* Words for people ("not found"); anything unknown is "store failure". */
const char *store_status_name(int status);
/* One word for logs ("not_found"). */
const char *store_status_key(int status);

#define ORG_NAME_MAX 128
/* The longest blob key (see Blobs below). */
#define STORE_BLOB_KEY_MAX 96

struct org {
	char id[UUID_STR_LEN];
	char name[ORG_NAME_MAX + 1];
	char home_division_id[UUID_STR_LEN];
	int64_t date_created; /* ms */
};

struct oauth_client {
	char id[UUID_STR_LEN];
	char org_id[UUID_STR_LEN];
	char org_name[ORG_NAME_MAX + 1]; /* read back only */
	char name[257];
	char grants[1024];    /* as given: comma-separated grant strings */
	char secret_hash[65]; /* hex of a keyless BLAKE2b-256 */
	int64_t date_created; /* ms */
	bool revoked;
};

struct token_info {
	char client_id[UUID_STR_LEN];
	char org_id[UUID_STR_LEN];
	permission_set permissions;
	int64_t expires_at; /* ms */
};

/* A contact to store: values packed in column order (model/contact.h).
 * On a contact that exists, the values and date_modified replace the
 * stored ones; its system state (callable, meta's phoneNumberStatus and
 * contactableStatus) is kept unless given: `callable` only counts when
 * callable_given, and `meta` is merged into the stored one (RFC 7396).
 * clear_system first resets that state, as the cloud's clearSystemData. */
struct contact_row {
	const char *id;
	const char *packed;
	size_t packed_len;
	bool callable; /* for a new contact: true unless callable_given says otherwise */
	bool callable_given;
	bool clear_system;
	const char *meta; /* JSON text (name, phoneNumberStatus, contactableStatus), or NULL */
	int64_t date_created, date_modified;
};

/* A contact read back; every pointer is owned (free with contact_record_release). */
struct contact_record {
	char *id;
	char *packed;
	size_t packed_len;
	bool callable;
	char *meta;
	int64_t date_created, date_modified;
};

void contact_record_release(struct contact_record *r);

struct contact_limits {
	int64_t per_list;
	int64_t per_org;
};

struct import_job {
	char id[UUID_STR_LEN];
	char org_id[UUID_STR_LEN];
	char list_id[UUID_STR_LEN];
	enum job_state state;
	int64_t total, completed, failed, blank;
	char failure_reason[64];		  /* e.g. MISSING_COLUMNS; empty unless FAILED */
	char failure_detail[512];		  /* what and where, for people */
	char upload_key[STORE_BLOB_KEY_MAX + 1];  /* blob of the upload: "<id>.upload.csv" */
	char rejects_key[STORE_BLOB_KEY_MAX + 1]; /* blob of rejected rows: "<id>.rejects.csv" */
	char contact_id_column[4 * 128 + 1];	  /* up to 128 characters of UTF-8 */
	bool clear_system_data;			  /* the upload's clearSystemData */
	/* The header's columns that are not the list's, ignored: a JSON array
	 * of strings, as many as fit (empty when none). */
	char ignored_columns[8192];
	int64_t date_created, date_modified;
	/* The server that claimed the job (empty until claimed, and again once
	 * its lease expired) and when its lease ends, ms. Set by
	 * store_job_claim and store_jobs_renew; add and update keep them. */
	char owner[UUID_STR_LEN];
	int64_t lease_expires_at;
};

struct export_job {
	char id[UUID_STR_LEN];
	char org_id[UUID_STR_LEN];
	char list_id[UUID_STR_LEN];
	enum job_state state;
	int64_t rows;
	char file_key[STORE_BLOB_KEY_MAX + 1]; /* the blob it writes: "<id>.export.csv" */
	char failure_detail[256];
	int64_t date_created, date_modified;
	char owner[UUID_STR_LEN]; /* as in import_job */
	int64_t lease_expires_at;
};

/* What a running job whose lease expired (its server died) becomes
 * (src/jobs decides the words; the store writes them). */
struct job_interruption {
	const char *import_reason; /* failure_reason of the imports */
	const char *import_detail; /* their failure_detail */
	const char *export_detail; /* failure_detail of the exports */
	int64_t at;		   /* now: leases that end before it expired; date_modified */
};

/* A server's hold on jobs: its instance id (random per process start) and
 * the end of the lease it takes or renews, ms. */
struct job_lease {
	const char *owner;
	int64_t expires_at;
};

enum store_job_kind { STORE_JOB_IMPORT, STORE_JOB_EXPORT };

/* A job just claimed: enough to run it and to stop it with its list. */
struct job_claimed {
	enum store_job_kind kind;
	char id[UUID_STR_LEN];
	char org_id[UUID_STR_LEN];
	char list_id[UUID_STR_LEN];
};

struct store;

/* Callbacks are called with records lent for the duration of the call;
 * a non-zero return stops the scan (which still answers STORE_OK). They
 * must not call the store on the same connection. */
typedef int (*store_contact_cb)(const struct contact_record *c, void *ctx);
typedef int (*store_client_cb)(const struct oauth_client *c, void *ctx);
typedef int (*store_list_cb)(const struct contact_list *cl, void *ctx);
/* A blob that belonged to job rows just deleted, by its key: the caller
 * deletes it (store_blob_delete). Called after the deletion is committed,
 * once per key; the return value is ignored. The callback may call the
 * store's blob functions. */
typedef int (*store_key_cb)(const char *key, void *ctx);

/* ---- Connections ---------------------------------------------------- */

/* Opens a connection to `location` (a file path: SQLite; a libpq URI
 * "postgresql://..." or "postgres://...": PostgreSQL) and brings the
 * schema up to date (two processes opening a new database migrate one at
 * a time). When the log level is debug the connection is traced: one
 * `event=store_call` line per call with its duration. STORE_FAILED with
 * a reason in err (for people) otherwise; *out is then NULL. */
int store_open(const char *location, struct store **out, char *err, size_t err_size);

/* How a connection behaves; zero members take the defaults. */
struct store_options {
	/* How long a write waits for another writer's lock before it answers
	 * STORE_FAILED with STORE_FAULT_BUSY, in ms (default 10000). */
	unsigned lock_wait_ms;
	/* The connection must be the only one on the database, of any
	 * process (a restore): open fails, with err naming the database,
	 * while another is open, and any other open fails while this one is.
	 * The SQLite backend holds an flock on "<database>.files/.serving",
	 * shared by every other connection; PostgreSQL ignores it. */
	bool exclusive;
};
#define STORE_LOCK_WAIT_MS_DEFAULT 10000

/* store_open with options (NULL: the defaults). */
int store_open_with(const char *location, const struct store_options *opt, struct store **out,
		    char *err, size_t err_size);
/* Told of every call on every connection opened after it is set: the
 * operation (as store_backend.h names it), its duration in ms and its
 * status. For the server's metrics; called on the caller's thread, so it
 * must be quick and thread-safe. Set once before the first store_open;
 * NULL (the default): no one, and no timing unless the log is debug. */
typedef void (*store_call_observer)(const char *op, double ms, int status);
void store_set_call_observer(store_call_observer fn);
/* location as it may be shown in logs and messages: a PostgreSQL URI's
 * password masked ("***"); truncated to size. */
void store_location_redact(const char *location, char *out, size_t size);
/* Accepts NULL. */
void store_close(struct store *s);
/* Why the last call on s answered STORE_FAILED (STORE_FAULT_NONE after
 * any other answer). NULL s (no connection could be opened) is
 * STORE_FAULT_UNAVAILABLE. The record is s's until its next call. */
const struct store_failure *store_last_failure(const struct store *s);

/* ---- Organizations (no tenant: they are the tenants) ----------------- */

/* Adds org as given (the caller mints its ids). STORE_CONFLICT: the name
 * or the id is taken (names compare exactly). Atomic; of several
 * processes adding one name, exactly one succeeds. */
int store_org_add(struct store *s, const struct org *org);
/* STORE_NOT_FOUND when there is none. */
int store_org_get(struct store *s, const char *id, struct org *out);
int store_org_get_by_name(struct store *s, const char *name, struct org *out);
/* How many organizations there are; may be outdated as soon as read. */
int store_org_count(struct store *s, int64_t *out);
typedef int (*store_org_cb)(const struct org *o, void *ctx);
/* Every organization in id order, one snapshot; a callback's non-zero
 * answer stops the scan (STORE_OK). For the control API's reset. */
int store_org_scan(struct store *s, store_org_cb cb, void *ctx);

/* ---- OAuth clients and tokens (no tenant: they name one) ------------- */

/* STORE_CONFLICT: the id is taken; STORE_NOT_FOUND: c->org_id is no
 * organization. Atomic. */
int store_client_add(struct store *s, const struct oauth_client *c);
/* STORE_NOT_FOUND when there is none; a revoked client is found. */
int store_client_get(struct store *s, const char *id, struct oauth_client *out);
/* Every client of every organization, oldest first; one snapshot. */
int store_client_list(struct store *s, store_client_cb cb, void *ctx);
/* Marks the client revoked and deletes its tokens, in one transaction:
 * from its commit on, no process finds them. STORE_NOT_FOUND: no client. */
int store_client_revoke(struct store *s, const char *id);

/* Tokens are keyed by the hash of the token, never the token. Adding an
 * existing hash fails (STORE_FAILED): hashes of 256-bit random tokens do
 * not collide. */
int store_token_add(struct store *s, const char *hash, const struct token_info *t);
/* STORE_NOT_FOUND for an unknown (or revoked, or swept) token. The store
 * does not judge expiry: the caller compares expires_at with its clock. */
int store_token_get(struct store *s, const char *hash, struct token_info *out);
/* Deletes the tokens that expired before now_ms (the caller's clock);
 * *deleted (may be NULL) counts them. Several processes may sweep at once. */
int store_tokens_expire(struct store *s, int64_t now_ms, int64_t *deleted);
/* The control API's "expire a client's tokens now": every token of the
 * client that expires after now_ms gets expires_at = now_ms (so callers
 * judge it expired; the sweep deletes it later). *expired (may be NULL)
 * counts them. STORE_NOT_FOUND: no such client (a revoked one is found
 * and has none). One transaction: a token added after it commits is not
 * touched, one added before is. */
int store_client_tokens_expire(struct store *s, const char *client_id, int64_t now_ms,
			       int64_t *expired);

/* ---- Contact lists (tenant: org_id, or the list's own org_id) -------- */

/* Creates cl in cl->org_id. STORE_CONFLICT: a list of the org has the
 * same name compared as model/contactlist.h's contact_list_name_key says
 * (case-insensitively); STORE_LIMIT: the org already holds max_per_org
 * lists; STORE_NOT_FOUND: cl->org_id is no organization. Atomic; the count and the name are checked
 * in the transaction that inserts, so concurrent creators cannot pass either together. */
int store_list_create(struct store *s, const struct contact_list *cl, unsigned max_per_org);
/* STORE_NOT_FOUND: no such list in the org. *out is owned by the caller
 * (contact_list_release). */
int store_list_get(struct store *s, const char *org_id, const char *id, struct contact_list *out);
/* Replaces name, doc, version and dateModified of the list cl->id of
 * cl->org_id when its stored version equals expected_version: a
 * compare-and-set, so of two concurrent updates from one version exactly
 * one wins and the other gets STORE_STALE. STORE_NOT_FOUND: no such list;
 * STORE_CONFLICT: the new name is another list's. */
int store_list_update(struct store *s, const struct contact_list *cl, int64_t expected_version);
/* Deletes the list, its contacts and its import and export job rows in
 * one transaction; `files` (may be NULL) then gets the key of each blob
 * those rows named, so that the caller deletes them. STORE_NOT_FOUND: no such list.
 * Its filters go in the same transaction. A job of the list running
 * elsewhere finds its row gone at its next update (STORE_NOT_FOUND). */
int store_list_delete(struct store *s, const char *org_id, const char *id, store_key_cb files,
		      void *ctx);
/* All or nothing: STORE_NOT_FOUND (and nothing deleted) when one id is
 * not a list of the org; *missing then names it (one of ids). Jobs and
 * files as store_list_delete. */
int store_list_delete_many(struct store *s, const char *org_id, const char *const *ids, size_t n,
			   const char **missing, store_key_cb files, void *ctx);
/* The org's lists in id order, one snapshot. */
int store_list_scan(struct store *s, const char *org_id, store_list_cb cb, void *ctx);
/* How many contacts the list holds (committed; may be outdated as soon
 * as read). STORE_NOT_FOUND: no such list in the org. */
int store_list_size(struct store *s, const char *org_id, const char *list_id, int64_t *out);

/* ---- Contact list templates (tenant: org_id, or the template's own) -- */

/* A template is stored as a struct contact_list (division_id empty): the
 * same columns and rules, no contacts, no jobs. Its name is unique among
 * the org's templates (not its lists), by contact_list_name_key. */

/* Creates the n templates ts[0..n-1] (each in its own org_id, all of one
 * org) in one transaction: all of them or none. STORE_CONFLICT: a name
 * is taken, by a stored template or by another of ts; *bad (may be NULL)
 * is then its index; STORE_LIMIT: the org would hold more than
 * max_per_org templates; STORE_NOT_FOUND: the org does not exist. The
 * count and the names are checked in the transaction that inserts, so
 * concurrent creators cannot pass either together. */
int store_template_create(struct store *s, const struct contact_list *ts, size_t n,
			  unsigned max_per_org, size_t *bad);
/* STORE_NOT_FOUND: no such template in the org. *out is owned by the
 * caller (contact_list_release). */
int store_template_get(struct store *s, const char *org_id, const char *id,
		       struct contact_list *out);
/* store_list_update for a template: a compare-and-set on the version
 * (STORE_STALE), STORE_NOT_FOUND, STORE_CONFLICT on a taken name. */
int store_template_update(struct store *s, const struct contact_list *t, int64_t expected_version);
/* All or nothing: STORE_NOT_FOUND (nothing deleted) when one id is not a
 * template of the org; *missing then names it. One transaction. */
int store_template_delete_many(struct store *s, const char *org_id, const char *const *ids,
			       size_t n, const char **missing);
/* The org's templates in id order, one snapshot. */
int store_template_scan(struct store *s, const char *org_id, store_list_cb cb, void *ctx);

/* ---- Contact list filters (tenant: org_id, or the filter's own) ------ */

/* A saved filter of one contact list: `doc` holds its writable fields
 * (name, clauses, filterType...), validated by the API against the list's
 * columns. Its name is unique among the org's filters, compared by
 * contact_list_name_key. */
struct contact_filter {
	char id[UUID_STR_LEN];
	char org_id[UUID_STR_LEN];
	char list_id[UUID_STR_LEN];
	char *name;
	int64_t version;
	int64_t date_created, date_modified; /* ms */
	json_t *doc;
};

void contact_filter_release(struct contact_filter *f);
typedef int (*store_filter_cb)(const struct contact_filter *f, void *ctx);

/* Adds f. STORE_NOT_FOUND: f->list_id is not a list of f->org_id (checked
 * in the transaction that inserts, so a filter never outlives its list);
 * STORE_CONFLICT: the name is taken; STORE_LIMIT: the org already holds
 * max_per_org filters. Atomic, as store_list_create. */
int store_filter_create(struct store *s, const struct contact_filter *f, unsigned max_per_org);
/* STORE_NOT_FOUND: no such filter in the org. *out is the caller's
 * (contact_filter_release). */
int store_filter_get(struct store *s, const char *org_id, const char *id,
		     struct contact_filter *out);
/* Replaces name, doc, version and dateModified (not the list) when the
 * stored version equals expected_version (STORE_STALE otherwise);
 * STORE_NOT_FOUND, STORE_CONFLICT as store_list_update. */
int store_filter_update(struct store *s, const struct contact_filter *f, int64_t expected_version);
/* All or nothing: STORE_NOT_FOUND (nothing deleted) when one id is not a
 * filter of the org; *missing names it. Deleting a list deletes its
 * filters in the same transaction (store_list_delete_many). */
int store_filter_delete_many(struct store *s, const char *org_id, const char *const *ids, size_t n,
			     const char **missing);
/* The org's filters in id order, one snapshot. */
int store_filter_scan(struct store *s, const char *org_id, store_filter_cb cb, void *ctx);

/* ---- Contacts (tenant: org_id; the list must be one of the org's) ---- */

/* Adds or replaces contacts by id, all in one transaction (a concurrent
 * reader sees all of the batch or none). STORE_NOT_FOUND: no such list in
 * the org; STORE_LIMIT (nothing written): the list would pass lim->per_list
 * or the org lim->per_org contacts, counted in the same transaction.
 * *added counts the contacts that are new (0 unless STORE_OK). */
int store_contacts_upsert(struct store *s, const char *org_id, const char *list_id,
			  const struct contact_row *rows, size_t n,
			  const struct contact_limits *lim, size_t *added);
/* STORE_NOT_FOUND: no such contact, or no such list in the org. *out is
 * owned by the caller (contact_record_release). */
int store_contact_get(struct store *s, const char *org_id, const char *list_id, const char *id,
		      struct contact_record *out);
/* The contacts of the list whose ids are given, in one round trip where
 * the backend can: cb gets each that exists, in the order of ids (an id
 * given twice, twice), its record lent for the call; a non-zero return
 * stops. Reads committed data: writes committed while it reads may or may
 * not be seen. STORE_NOT_FOUND: no such list in the org. */
int store_contacts_get(struct store *s, const char *org_id, const char *list_id,
		       const char *const *ids, size_t n, store_contact_cb cb, void *ctx);
/* STORE_NOT_FOUND: no such contact, or no such list in the org. Atomic
 * with the list's size. */
int store_contact_delete(struct store *s, const char *org_id, const char *list_id, const char *id);
/* Deletes those of the ids that exist, in one transaction; *deleted
 * counts them. STORE_NOT_FOUND: no such list in the org. */
int store_contacts_delete(struct store *s, const char *org_id, const char *list_id,
			  const char *const *ids, size_t n, size_t *deleted);
/* Deletes every contact of the list, atomically. STORE_NOT_FOUND: no such
 * list in the org. Contacts written by others after it commits stay. */
int store_contacts_clear(struct store *s, const char *org_id, const char *list_id);
/* Every contact of the list in id order; one snapshot, taken when the
 * scan starts (writes committed during the scan are not seen). The record
 * is lent to cb. STORE_NOT_FOUND: no such list in the org. The list is
 * found first: one deleted between that and the scan reads as empty. */
int store_contacts_scan(struct store *s, const char *org_id, const char *list_id,
			store_contact_cb cb, void *ctx);

/* ---- Import and export jobs (tenant: org_id, or the job's own) ------- */

/* Adds job to job->list_id of job->org_id. STORE_NOT_FOUND: no such list
 * in the org; STORE_CONFLICT: the list already has an import pending or
 * running (one import per list, checked in the inserting transaction:
 * of concurrent adders exactly one succeeds). */
int store_import_add(struct store *s, const struct import_job *job);
/* Writes the job's state, counts, failure and ignored columns (the rest
 * is fixed at add) when the row's owner is still job->owner. STORE_NOT_FOUND
 * when the row is gone (its list was deleted) or no longer job->owner's
 * (its lease expired and another server failed it): the job stops and
 * removes its files. Same for export_update. One job has one writer, the
 * lease holder; the owner check fences a server that lost its lease. */
int store_import_update(struct store *s, const struct import_job *job);
/* STORE_NOT_FOUND: no such import in the org. */
int store_import_get(struct store *s, const char *org_id, const char *id, struct import_job *out);
/* The list's newest import (by date_created). STORE_NOT_FOUND: none, or
 * no such list in the org. */
int store_import_latest(struct store *s, const char *org_id, const char *list_id,
			struct import_job *out);

/* Adds job to job->list_id of job->org_id. STORE_NOT_FOUND: no such list
 * in the org; STORE_LIMIT (nothing added): the org already has max_active
 * exports pending or running, counted in the inserting transaction, so
 * that several servers on one database cannot pass the cap together;
 * 0: no cap. */
int store_export_add(struct store *s, const struct export_job *job, unsigned max_active);
int store_export_update(struct store *s, const struct export_job *job);
/* STORE_NOT_FOUND: no such export in the org. */
int store_export_get(struct store *s, const char *org_id, const char *id, struct export_job *out);
/* The list's newest export. STORE_NOT_FOUND: none, or not the org's. */
int store_export_latest(struct store *s, const char *org_id, const char *list_id,
			struct export_job *out);

/* Keeps one export and one import per list: deletes the list's finished
 * imports older than its newest import, and its finished exports older
 * than its newest DONE export; `files` gets their blobs' keys. Several servers
 * may prune at once: each row is deleted, and each key reported, once. */
int store_jobs_prune(struct store *s, const char *org_id, const char *list_id, store_key_cb files,
		     void *ctx);

/* No tenant: for the sweeper, which finds a job by the id in a file's
 * name, whoever owns it. STORE_NOT_FOUND: no such job. */
int store_import_get_any_org(struct store *s, const char *id, struct import_job *out);
int store_export_get_any_org(struct store *s, const char *id, struct export_job *out);

/* ---- Job leases (no tenant: any server runs any organization's jobs) -- */

/* Claims the oldest PENDING job (imports before exports): sets it RUNNING
 * with lease->owner and lease->expires_at and says which it is in *out.
 * STORE_NOT_FOUND: none is pending. Atomic: of any number of servers
 * claiming at once, exactly one gets each job. A RUNNING job is never
 * claimed, even when its lease expired (an import half-done cannot be
 * taken over: its committed batches stay): store_jobs_expire fails it. */
int store_job_claim(struct store *s, const struct job_lease *lease, struct job_claimed *out);
/* Moves the lease of every RUNNING job held by lease->owner to
 * lease->expires_at; *renewed (may be NULL) counts them. A job already
 * failed by store_jobs_expire is not revived. */
int store_jobs_renew(struct store *s, const struct job_lease *lease, int64_t *renewed);
/* Every RUNNING import and export whose lease ended before why->at fails
 * as `why` says and loses its owner (so that the server that held it, if
 * it lives, finds its updates refused), in one transaction; *count says
 * how many imports. Any server may call it at any time: a live server
 * renews its leases long before they end, so its jobs are never touched.
 * PENDING jobs are left for store_job_claim. */
int store_jobs_expire(struct store *s, const struct job_interruption *why, int64_t *count);

/* ---- Blobs (no tenant: a blob is owned through the job row that names
 * its key, and tenancy is checked there) ------------------------------- */

/* A blob is bytes under a key: an upload being imported, an import's
 * rejected rows, an export. Keys are short names the caller makes from a
 * job id ("<job id>.upload.csv"): 1 to STORE_BLOB_KEY_MAX characters of
 * [A-Za-z0-9._-], not starting with '.'; the facade refuses others
 * (STORE_FAILED). A backend keeps blobs where it likes (the SQLite one in
 * the directory "<database>.files" beside the database).
 *
 * Writing: store_blob_create, store_blob_write as often as needed,
 * store_blob_finish, then store_blob_close. Until finished a blob is
 * invisible under its key (store_blob_open answers STORE_NOT_FOUND, or
 * the blob finished before under that key), and store_blob_close of an
 * unfinished blob (an abort) leaves nothing. A blob being written is
 * never taken by store_blob_sweep, nor one being read (as far as the
 * backend can: a reader does not wait for a writer's hold): a writer
 * keeps it from the sweep until closed, so it may add the job row naming the blob after
 * finishing and before closing. */
struct store_blob;

/* A finished blob to read. The SQLite backend gives a descriptor of a
 * local file (positioned at 0; the caller closes it), which reads the
 * whole blob even if it is deleted or replaced meanwhile; a backend that keeps blobs elsewhere may
 * give a reader function instead: callers today need fd. */
struct store_blob_read {
	int fd;
	uint64_t size;
};

/* Starts writing blob `key`. The handle does not tie up the connection:
 * it may be written from another thread and outlive the call. */
int store_blob_create(struct store *s, const char *key, struct store_blob **out);
/* Appends. STORE_FAILED (disk full, logged): the blob can only be closed. */
int store_blob_write(struct store_blob *b, const void *data, size_t len);
/* Why the last write or finish of b answered STORE_FAILED. */
const struct store_failure *store_blob_last_failure(const struct store_blob *b);
/* Makes everything written visible under the key, atomically, replacing
 * any blob of that key. The handle keeps its hold until closed. */
int store_blob_finish(struct store_blob *b);
/* Ends the handle; an unfinished blob is dropped (an abort). Accepts NULL. */
void store_blob_close(struct store_blob *b);
/* Opens finished blob `key` for reading. STORE_NOT_FOUND: none. */
int store_blob_open(struct store *s, const char *key, struct store_blob_read *out);
/* Deletes blob `key`, and what is being written under it. STORE_OK
 * whether or not it existed (several servers may delete one blob). */
int store_blob_delete(struct store *s, const char *key);
/* Asked of each blob in no one's hand, finished or being written (a
 * writer that died): true keeps it, false deletes it, which the backend
 * does while it still holds it, so no writer or reader takes it meanwhile.
 * The callback may call the store on the same connection. */
typedef bool (*store_blob_keep_cb)(const char *key, bool finished, void *ctx);
/* For the sweeper, no tenant: *deleted (may be NULL) counts the blobs
 * deleted, *seen (may be NULL) those looked at. */
int store_blob_sweep(struct store *s, store_blob_keep_cb keep, void *ctx, unsigned *seen,
		     unsigned *deleted);

/* ---- Rate limit counts (no tenant: the key says whose) --------------- */

/* Requests counted by one server since it last said, for one rate-limit
 * key ("t:<token hash>" or "ip:<address>", at most 72 bytes) in the window
 * starting at window_start (ms, aligned by the caller so every server
 * names the same window). */
struct rate_count {
	const char *key;
	int64_t delta; /* 0: only read the total */
};

/* Adds each delta to its key's count of the window, in one transaction,
 * and sets totals[i] (n of them) to the count after it, every server's
 * requests included; counts of windows that started before expire_before
 * are deleted. Atomic: concurrent adds from any number of processes are
 * never lost. */
int store_rate_counts_add(struct store *s, int64_t window_start, const struct rate_count *in,
			  size_t n, int64_t expire_before, int64_t *totals);

/* ---- Snapshots (the control API; no tenant: the whole database) ------ */

/* A snapshot is a copy of every row of every table (organizations,
 * clients, tokens, lists, contacts, job rows; not blobs) kept by the
 * backend under a name: 1 to STORE_SNAPSHOT_NAME_MAX characters of
 * [A-Za-z0-9_-]; the facade refuses others (STORE_FAILED). The SQLite
 * backend keeps them as database files in "<database>.snapshots/"
 * (SQLite's online backup). A backend without snapshots answers
 * STORE_UNSUPPORTED to both. */
#define STORE_SNAPSHOT_NAME_MAX 64
/* Saves the database as of one moment (a read snapshot: concurrent
 * writers neither wait long nor show half-way) under `name`, replacing a
 * snapshot of that name atomically. */
int store_snapshot_save(struct store *s, const char *name);
/* Replaces the whole database with snapshot `name` in one write
 * transaction: every connection, of any process, then sees all of the
 * snapshot's rows and nothing of what was there. STORE_NOT_FOUND: no such
 * snapshot. Jobs that were RUNNING in the snapshot come back RUNNING with
 * their old owner and lease (store_jobs_expire fails them once it ends;
 * the control API takes no snapshot while its server runs a job). Blobs
 * are not touched. */
int store_snapshot_restore(struct store *s, const char *name);

/* ---- Backups (the admin commands; no tenant: the whole database) --- */

/* Which backend serves `location`: "sqlite" or "postgresql" (a libpq
 * URI), without opening it. */
const char *store_location_backend(const char *location);

/* Writes a copy of the database as of one moment (a read snapshot: the
 * other connections, of any process, go on reading and writing) to the
 * file `path`, made 0600 as "<path>.part" and renamed into place, so
 * `path` is a whole backup or what was there before. The SQLite backend
 * also copies the blobs that the copied job rows name into
 * "<path>.files/" (see docs/operations.md for what "consistent" means
 * for them). STORE_UNSUPPORTED: the backend has its own tools
 * (PostgreSQL: pg_dump). STORE_FAILED: err (may be NULL) says why, for
 * people, naming the file. */
int store_backup(struct store *s, const char *path, char *err, size_t err_size);
/* Replaces the whole database with the backup at `path` (and the blobs
 * with those of "<path>.files/" when there is one), in one write
 * transaction. s must have been opened with options.exclusive, so no
 * server runs on it. An older schema is migrated by the next open.
 * STORE_NOT_FOUND: no file at path; STORE_FAILED, with err saying why: not
 * a dialbook database, a schema newer than this binary's (both versions
 * named), s not exclusive, storage; STORE_UNSUPPORTED as store_backup. */
int store_restore(struct store *s, const char *path, char *err, size_t err_size);

#endif

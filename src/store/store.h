/* The store: a backend-neutral table of functions. Handlers and the CLI
 * commands of dialbookd talk to this interface only; SQL lives in the
 * backends (sqlite/ now, postgres/ next). A `struct store` is one
 * connection, used by one thread at a time. */
#ifndef DIALBOOK_STORE_H
#define DIALBOOK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/permissions.h"
#include "common/text.h"
#include "model/contactlist.h"

enum store_status {
	STORE_OK = 0,
	STORE_NOT_FOUND = -1,
	STORE_CONFLICT = -2, /* a unique key (e.g. a name) is taken */
	STORE_STALE = -3,    /* the version given is not the stored one */
	STORE_LIMIT = -4,    /* a count limit would be exceeded */
	STORE_FAILED = -5,   /* the backend failed; details were logged */
};

const char *store_status_name(int status);

#define ORG_NAME_MAX 128

struct org {
	char id[UUID_STR_LEN];
	char name[ORG_NAME_MAX + 1];
	char home_division_id[UUID_STR_LEN];
};

struct oauth_client {
	char id[UUID_STR_LEN];
	char org_id[UUID_STR_LEN];
	char org_name[ORG_NAME_MAX + 1];
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

enum job_state { JOB_PENDING, JOB_RUNNING, JOB_DONE, JOB_FAILED };

struct import_job {
	char id[UUID_STR_LEN];
	char org_id[UUID_STR_LEN];
	char list_id[UUID_STR_LEN];
	enum job_state state;
	int64_t total, completed, failed, blank;
	char failure_reason[64];  /* e.g. MISSING_COLUMNS; empty unless FAILED */
	char failure_detail[512]; /* what and where, for people */
	char file_path[512];
	char rejects_path[512];
	char contact_id_column[4 * 128 + 1]; /* up to 128 characters of UTF-8 */
	bool clear_system_data;		     /* the upload's clearSystemData */
	/* The header's columns that are not the list's, ignored: a JSON array
	 * of strings, as many as fit (empty when none). */
	char ignored_columns[8192];
	int64_t date_created, date_modified;
};

struct export_job {
	char id[UUID_STR_LEN];
	char org_id[UUID_STR_LEN];
	char list_id[UUID_STR_LEN];
	enum job_state state;
	int64_t rows;
	char file_path[512];
	char failure_detail[256];
	int64_t date_created, date_modified;
};

struct store;

typedef int (*store_contact_cb)(const struct contact_record *c, void *ctx);
typedef int (*store_client_cb)(const struct oauth_client *c, void *ctx);
/* The record is lent for the duration of the call. Return non-zero to stop. */
typedef int (*store_list_cb)(const struct contact_list *cl, void *ctx);
/* A file that belonged to job rows just deleted: the caller removes it (an
 * export's path also stands for its "<path>.part"). Called after the
 * deletion is committed, once per path; the return value is ignored. */
typedef int (*store_path_cb)(const char *path, void *ctx);

struct store_ops {
	const char *name;
	void (*close)(struct store *s);

	int (*org_add)(struct store *s, const char *name, struct org *out);
	int (*org_get_by_name)(struct store *s, const char *name, struct org *out);
	int (*org_get)(struct store *s, const char *id, struct org *out);
	int (*org_count)(struct store *s, int64_t *out);

	int (*client_add)(struct store *s, const struct oauth_client *c);
	int (*client_get)(struct store *s, const char *id, struct oauth_client *out);
	int (*client_list)(struct store *s, store_client_cb cb, void *ctx);
	/* Also deletes the client's tokens: revocation takes effect at once. */
	int (*client_revoke)(struct store *s, const char *id);

	/* Tokens are keyed by the hash of the token, never the token. */
	int (*token_add)(struct store *s, const char *hash, const struct token_info *t);
	int (*token_get)(struct store *s, const char *hash, struct token_info *out);

	/* STORE_CONFLICT: the name is taken; STORE_LIMIT: the org holds max_per_org lists. */
	int (*list_create)(struct store *s, const struct contact_list *cl, unsigned max_per_org);
	int (*list_get)(struct store *s, const char *org_id, const char *id,
			struct contact_list *out);
	/* Replaces name, doc, version and dateModified when the stored version
	 * equals expected_version (STORE_STALE otherwise). */
	int (*list_update)(struct store *s, const struct contact_list *cl,
			   int64_t expected_version);
	/* Deletes the list, its contacts and its import and export job rows in
	 * one transaction; `files` (may be NULL) then gets each file those rows
	 * named, so that the caller deletes them. */
	int (*list_delete)(struct store *s, const char *org_id, const char *id, store_path_cb files,
			   void *ctx);
	/* All or nothing: STORE_NOT_FOUND (and nothing deleted) when one id is
	 * not a list of the org; *missing then names it. Jobs and files as
	 * list_delete. */
	int (*list_delete_many)(struct store *s, const char *org_id, const char *const *ids,
				size_t n, const char **missing, store_path_cb files, void *ctx);
	int (*list_scan)(struct store *s, const char *org_id, store_list_cb cb, void *ctx);
	int (*list_size)(struct store *s, const char *list_id, int64_t *out);

	/* Adds or replaces contacts by id, all in one transaction. STORE_LIMIT
	 * (nothing written) when the list or the org would pass its limit;
	 * *added counts the contacts that are new. */
	int (*contacts_upsert)(struct store *s, const char *org_id, const char *list_id,
			       const struct contact_row *rows, size_t n,
			       const struct contact_limits *lim, size_t *added);
	int (*contact_get)(struct store *s, const char *list_id, const char *id,
			   struct contact_record *out);
	int (*contact_delete)(struct store *s, const char *list_id, const char *id);
	/* Deletes those of the ids that exist; *deleted counts them. */
	int (*contacts_delete)(struct store *s, const char *list_id, const char *const *ids,
			       size_t n, size_t *deleted);
	int (*contacts_clear)(struct store *s, const char *list_id);
	/* Every contact of the list in id order; the record is lent to cb. */
	int (*contacts_scan)(struct store *s, const char *list_id, store_contact_cb cb, void *ctx);

	/* STORE_CONFLICT when the list already has an import pending or running. */
	int (*import_add)(struct store *s, const struct import_job *job);
	/* STORE_NOT_FOUND when the row is gone (its list was deleted): the job
	 * stops and removes its files. Same for export_update. */
	int (*import_update)(struct store *s, const struct import_job *job);
	int (*import_get)(struct store *s, const char *id, struct import_job *out);
	int (*import_latest)(struct store *s, const char *list_id, struct import_job *out);
	/* After a restart: pending and running imports fail with INTERRUPTED
	 * (*count says how many), unfinished exports fail too. */
	int (*jobs_interrupt)(struct store *s, int64_t *count);

	/* STORE_LIMIT (nothing added) when the org already has max_active
	 * exports pending or running, counted in the same transaction, so that
	 * several servers on one database cannot pass the cap together; 0: no cap. */
	int (*export_add)(struct store *s, const struct export_job *job, unsigned max_active);
	int (*export_update)(struct store *s, const struct export_job *job);
	int (*export_get)(struct store *s, const char *id, struct export_job *out);
	int (*export_latest)(struct store *s, const char *list_id, struct export_job *out);
	/* Keeps one export and one import per list: deletes the list's
	 * finished imports older than its newest import, and its finished
	 * exports older than its newest DONE export; `files` gets their files.
	 * Several servers may prune at once: each row is deleted, and each
	 * path reported, once. */
	int (*jobs_prune)(struct store *s, const char *list_id, store_path_cb files, void *ctx);
};

struct store {
	const struct store_ops *ops;
};

/* Opens a connection. `location` is a file path (SQLite). On failure
 * returns STORE_FAILED and writes a reason into err. */
int store_open(const char *location, struct store **out, char *err, size_t err_size);
void store_close(struct store *s);

#endif

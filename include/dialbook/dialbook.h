/* libdialbook: a client for the Genesys Cloud contact-list API, and for
 * dialbookd, which speaks the same API.
 *
 * Conventions: functions return 0 (DIALBOOK_OK) or a negative
 * DIALBOOK_E* code; details go to a caller-owned struct dialbook_error,
 * which may be NULL. Strings returned through `char **` are the caller's
 * to free() with dialbook_free(). Resource bodies are JSON text, exactly
 * as the API defines them. A client is not thread-safe: use one per thread.
 */
#ifndef DIALBOOK_DIALBOOK_H
#define DIALBOOK_DIALBOOK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(DIALBOOK_BUILDING)
#define DIALBOOK_API __attribute__((visibility("default")))
#else
#define DIALBOOK_API
#endif

/* X(name, value, text): every error code, for dialbook_strerror. */
#define DIALBOOK_ERRNO_MAP(X)                                                                      \
	X(EINVAL, -1, "invalid argument")                                                          \
	X(EHTTP, -2, "the server refused the request")                                             \
	X(ENET, -3, "the server could not be reached")                                             \
	X(EAUTH, -4, "authentication failed")                                                      \
	X(ENOMEM, -5, "out of memory")                                                             \
	X(EIO, -6, "a local file could not be read or written")                                    \
	X(ETIMEOUT, -7, "the operation did not finish in time")                                    \
	X(EPROTO, -8, "the server's answer was not what the API defines")

enum dialbook_status {
	DIALBOOK_OK = 0,
#define X(name, value, text) DIALBOOK_##name = value,
	DIALBOOK_ERRNO_MAP(X)
#undef X
};

/* The error text of a code, and its name ("DIALBOOK_EHTTP"). */
DIALBOOK_API const char *dialbook_strerror(int code);
DIALBOOK_API const char *dialbook_err_name(int code);

/* What went wrong: for DIALBOOK_EHTTP, the server's ErrorBody fields. */
struct dialbook_error {
	int code;	     /* the DIALBOOK_E* code */
	long http_status;    /* 0 when there was no answer */
	char api_code[64];   /* ErrorBody.code, e.g. "invalid.value" */
	char message[1024];  /* ErrorBody.message, or a description */
	char field[128];     /* details[0].fieldName, when there is one */
	char context_id[64]; /* ErrorBody.contextId: quote it when reporting */
	long retry_after;    /* seconds, from a 429 */
};

struct dialbook_options {
	/* Where: a base URL (a dialbookd: "http://127.0.0.1:8080"), or a
	 * Genesys Cloud region name such as "us_east_1". One is required. */
	const char *base_url;
	const char *region;
	const char *client_id;
	const char *client_secret;
	int max_retries; /* 0 means the default, 5 */
	long timeout_ms; /* per HTTP exchange; 0 means 60000 */
	/* Called before each retry, e.g. to print "retrying in 2.0 s"; may be NULL. */
	void (*on_retry)(void *ctx, const struct dialbook_error *why, double wait_s);
	void *on_retry_ctx;
};

struct dialbook_client;

DIALBOOK_API int dialbook_client_new(const struct dialbook_options *opt,
				     struct dialbook_client **out, struct dialbook_error *err);
DIALBOOK_API void dialbook_client_free(struct dialbook_client *c);
DIALBOOK_API void dialbook_free(void *p);

/* The API base URL of a region name, or NULL for an unknown one. */
DIALBOOK_API const char *dialbook_region_api(const char *region);

/* Gets a token now (calls log in by themselves, and renew the token
 * before it expires). */
DIALBOOK_API int dialbook_login(struct dialbook_client *c, struct dialbook_error *err);
/* Seconds the current token has left (0 when there is none). */
DIALBOOK_API long dialbook_token_seconds_left(const struct dialbook_client *c);

/* Any API call: method, path ("/api/v2/..."), JSON body or NULL. On
 * success *response (may be NULL) holds the body. Retries on 429 (after
 * Retry-After), and on 5xx and connection failures when the method is
 * idempotent, with exponential backoff and jitter. */
DIALBOOK_API int dialbook_request(struct dialbook_client *c, const char *method, const char *path,
				  const char *json_body, char **response, long *http_status,
				  struct dialbook_error *err);

/* Contact lists. Bodies and results are ContactList JSON. */
DIALBOOK_API int dialbook_list_create(struct dialbook_client *c, const char *list_json,
				      char **created, struct dialbook_error *err);
DIALBOOK_API int dialbook_list_get(struct dialbook_client *c, const char *list_id, char **list_json,
				   struct dialbook_error *err);
/* A page of the listing; name_filter may be NULL. */
DIALBOOK_API int dialbook_list_page(struct dialbook_client *c, const char *name_filter,
				    int page_number, int page_size, char **listing_json,
				    struct dialbook_error *err);
DIALBOOK_API int dialbook_list_update(struct dialbook_client *c, const char *list_id,
				      const char *list_json, char **updated,
				      struct dialbook_error *err);
DIALBOOK_API int dialbook_list_delete(struct dialbook_client *c, const char *list_id,
				      struct dialbook_error *err);

/* Contacts: a JSON array of up to 1,000 WritableDialerContact. */
DIALBOOK_API int dialbook_contacts_add(struct dialbook_client *c, const char *list_id,
				       const char *contacts_json, char **added,
				       struct dialbook_error *err);
DIALBOOK_API int dialbook_contact_get(struct dialbook_client *c, const char *list_id,
				      const char *contact_id, char **contact_json,
				      struct dialbook_error *err);
DIALBOOK_API int dialbook_contact_delete(struct dialbook_client *c, const char *list_id,
					 const char *contact_id, struct dialbook_error *err);

/* Import of a CSV file through the multipart upload endpoint. */
DIALBOOK_API int dialbook_upload(struct dialbook_client *c, const char *list_id,
				 const char *csv_path, const char *contact_id_name,
				 char **correlation_id, struct dialbook_error *err);

/* A file to upload read through callbacks, such as one converted to UTF-8
 * on the fly. read fills buf with up to size bytes and returns how many, 0
 * at the end, or -1 when it fails; rewind goes back to the first byte (a
 * request sent again, after a 429, sends the file again) and returns 0 or
 * -1, or is NULL when the file cannot be read twice. */
struct dialbook_source {
	const char *file_name; /* the name sent with the file part */
	int64_t size;	       /* the bytes read gives in all; -1 when unknown (sent chunked) */
	int64_t (*read)(void *ctx, char *buf, size_t size);
	int (*rewind)(void *ctx);
	void *ctx;
};

/* dialbook_upload with the file's bytes from src. When read fails, or gives
 * other than size bytes, the upload is abandoned with DIALBOOK_EIO. */
DIALBOOK_API int dialbook_upload_source(struct dialbook_client *c, const char *list_id,
					const struct dialbook_source *src,
					const char *contact_id_name, char **correlation_id,
					struct dialbook_error *err);

struct dialbook_import_status {
	int in_progress; /* 1 while running */
	int failed;	 /* 1 when the import failed */
	int64_t total_records;
	int64_t completed_records;
	int percent_complete;
	int64_t failed_records; /* dialbookd only; 0 from the cloud */
	char failure_reason[64];
	char failure_detail[512];
	char rejected_rows_uri[256];
};

DIALBOOK_API int dialbook_import_status(struct dialbook_client *c, const char *list_id,
					struct dialbook_import_status *out,
					struct dialbook_error *err);
/* Polls until the import ends (or timeout_s passes), calling progress
 * after each poll (may be NULL). Fails with EHTTP-free DIALBOOK_OK even
 * when the import failed: look at out->failed. */
DIALBOOK_API int
dialbook_import_wait(struct dialbook_client *c, const char *list_id, double timeout_s,
		     void (*progress)(void *ctx, const struct dialbook_import_status *s), void *ctx,
		     struct dialbook_import_status *out, struct dialbook_error *err);

/* Starts an export, waits for it, downloads the CSV to out_path. */
DIALBOOK_API int dialbook_export(struct dialbook_client *c, const char *list_id,
				 const char *out_path, double timeout_s, int64_t *bytes,
				 struct dialbook_error *err);

/* Downloads a URI the server handed out (an export's uri, an import's
 * rejectedRowsUri: absolute, or a path on the API) to out_path, written as
 * out_path.part and renamed when complete. The token goes only to the
 * API's own host. *bytes (may be NULL) is the size written. Fails with
 * DIALBOOK_EINVAL (not such a URI), DIALBOOK_EIO (out_path cannot be
 * written), DIALBOOK_EHTTP (404 unknown, 410 past its retention: the
 * server's message in err), DIALBOOK_ENET, DIALBOOK_EAUTH. */
DIALBOOK_API int dialbook_download(struct dialbook_client *c, const char *uri, const char *out_path,
				   int64_t *bytes, struct dialbook_error *err);

/* Validation: dialbookd's import checks of a contact file, run locally,
 * streaming (memory does not grow with the file): the header against the
 * list's columns, every value, UTF-8, quoting, field counts and, with a
 * contact id column, repeated ids. The same engine as `dialbook validate`.
 *
 *	struct dialbook_validator *v;
 *	if (dialbook_validate_open(list_json, NULL, &v, &err) == 0 &&
 *	    dialbook_validate_path(v, "contacts.csv", &err) == 0)
 *		for (size_t i = 0; (p = dialbook_validate_problem(v, i)); i++)
 *			printf("%lu:%lu: %s: %s\n", p->line, p->column, p->code, p->message);
 *	dialbook_validate_free(v);
 */
struct dialbook_validator;

struct dialbook_validate_options {
	const char *contact_id_name; /* the column of contact ids, or NULL */
	const char *encoding; /* the file's encoding (iconv's names) when not UTF-8, or NULL */
	size_t max_problems;  /* problems kept (all are counted); 0 means 1000 */
};

/* One problem. Strings are lent by the validator until the next
 * dialbook_validate_path/_bytes or dialbook_validate_free. */
struct dialbook_problem {
	const char *severity;	/* "error" (the row or the file would be rejected) or "warning" */
	const char *code;	/* EMPTY_FILE, INVALID_HEADER, MISSING_COLUMNS... (the import's
				   failureReason for a header), IGNORED_COLUMN, BLANK_ROW,
				   INVALID_VALUE (a value breaks a rule), INVALID_ROW (field count,
				   contact id), INVALID_RECORD (quoting, UTF-8), INVALID_FILE (the
				   file cannot be read on), DUPLICATE_CONTACT_ID */
	const char *message;	/* the import's reason, as in rejected rows; `dialbook
				   validate` prints it after the field, without the leading
				   column "NAME": it may start with */
	const char *field_name; /* the file's header cell of the field, or NULL */
	long field_index;	/* 0-based field of the record, or -1 (the whole row or file);
				   reports print it from 1: field "phone" (3) */
	unsigned long line;	/* 1-based physical line */
	unsigned long column;	/* 1-based character column on that line */
	uint64_t offset;	/* byte offset in the (UTF-8) input where the field or row starts */
};

struct dialbook_validate_summary {
	int header_ok;		  /* 1 when the header is importable */
	int byte_order_mark;	  /* 1 when the input began with a UTF-8 BOM (allowed) */
	int duplicates_unchecked; /* 1 when ids could not be checked (the input was a pipe) */
	uint64_t rows;		  /* data rows, blank ones excluded */
	uint64_t valid, invalid, blank;
	uint64_t errors, warnings; /* problems of each severity, counted */
	uint64_t kept;		   /* problems kept: dialbook_validate_problem's range */
};

/* A validator for a list definition: ContactList JSON in either column
 * form (columnNames/phoneColumns... or columnDefinitions), as
 * dialbook_list_get returns it or as written by hand; opt may be NULL.
 * Fails with DIALBOOK_EINVAL: not JSON (err->message has line and column),
 * not a list definition (naming the field), an encoding iconv does not
 * know. *out is the caller's, to dialbook_validate_free. */
DIALBOOK_API int dialbook_validate_open(const char *list_json,
					const struct dialbook_validate_options *opt,
					struct dialbook_validator **out,
					struct dialbook_error *err);
/* Checks a whole file ("-": standard input) or a whole buffer; the
 * problems of an earlier call are dropped. DIALBOOK_OK even when the file
 * has problems (see the summary); DIALBOOK_EIO when it cannot be read. */
DIALBOOK_API int dialbook_validate_path(struct dialbook_validator *v, const char *path,
					struct dialbook_error *err);
DIALBOOK_API int dialbook_validate_bytes(struct dialbook_validator *v, const char *data, size_t len,
					 struct dialbook_error *err);
/* The i-th problem kept (in the order found), or NULL past the last. */
DIALBOOK_API const struct dialbook_problem *
dialbook_validate_problem(const struct dialbook_validator *v, size_t i);
DIALBOOK_API void dialbook_validate_summary(const struct dialbook_validator *v,
					    struct dialbook_validate_summary *out);
DIALBOOK_API void dialbook_validate_free(struct dialbook_validator *v);

#ifdef __cplusplus
}
#endif
#endif

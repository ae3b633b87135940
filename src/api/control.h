/* The control API under /_dialbook/ (dialbookd --control-api): fault
 * rules, import and export progression, reset, snapshots, token expiry and
 * a request journal, for people who test their code against dialbook.
 * Contract: docs/control-api.md. All of its state is this process's, in
 * memory; its handlers are in control_*.c. */
#ifndef DIALBOOK_API_CONTROL_H
#define DIALBOOK_API_CONTROL_H

#include <stdbool.h>
#include <stddef.h>

#include "api/api.h"
#include "jobs/pacing.h"
#include "model/control_fields.h"

/* 64 lowercase hex characters: 256 random bits. */
#define CONTROL_TOKEN_LEN 64

struct control;

/* A new control state with a fresh random token (control_token), keeping
 * the last journal_size requests (0: no journal). srv is the server it
 * serves (its job runner and pool, at request time). */
struct control *control_new(struct api_server *srv, unsigned journal_size);
void control_free(struct control *ctl);
/* The token, NUL-terminated; owned by ctl. */
const char *control_token(const struct control *ctl);
/* The pacer the job threads consult (jobs/pacing.h); owned by ctl. */
const struct job_pacer *control_pacer(struct control *ctl);

/* ---- For the dispatcher (dispatch.c) --------------------------------- */

/* Whether a raw path is the control API's: /_dialbook or under it. */
bool control_path(const char *path);
extern const struct api_route control_routes[];
extern const size_t control_route_count;
/* The control token as `Authorization: Bearer`: 0, or -1 with a 401. */
int control_admit(struct api_ctx *c);
/* After the caller is known, before the handler of an ordinary request:
 * the first fault rule that matches and wins its draw answers it (-1, the
 * problem set, the response maybe to drop) or delays it (0, delay set). */
int control_fault(struct api_ctx *c);
/* Records the answered request in the journal (not for control paths). */
void control_journal_record(struct api_ctx *c);

/* ---- For exports (exports.c) ----------------------------------------- */

/* An export of the list started: a "not ready for N polls" setting takes
 * effect for it. */
void control_export_started(struct control *ctl, const char *org_id, const char *list_id);
/* Whether this GET of the list's export is to be answered "not ready"
 * (counts one poll down). */
bool control_export_held(struct control *ctl, const char *list_id);

/* The OpenAPI schemas of the control API's bodies (for openapi.c). */
extern const struct api_schema control_schemas[];

#endif

/* Import and export progression (docs/control-api.md): settings per
 * organization or list, the manual imports' credit and the exports held
 * "not ready", and the pacer the job threads consult (jobs/pacing.h). */
#include "api/control_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct progression {
	struct progression *next;
	bool org_scope;
	char id[UUID_STR_LEN];
	bool has_import, has_export;
	struct import_pace pace;
	unsigned not_ready;
};

struct credit {
	struct credit *next;
	char list_id[UUID_STR_LEN];
	int64_t rows;
};

struct export_hold {
	struct export_hold *next;
	char list_id[UUID_STR_LEN];
	unsigned left;
};

static const char *const mode_names[] = {"immediate", "rate", "manual"};

/* ---- Lookups, under progress_lock ------------------------------------ */

static struct progression **setting_at(struct control *ctl, bool org_scope, const char *id)
{
	struct progression **p = &ctl->settings;
	while (*p && ((*p)->org_scope != org_scope || strcmp((*p)->id, id) != 0))
		p = &(*p)->next;
	return p;
}

/* The list's setting, else its organization's, that has `import` (or
 * export) set; NULL when none. */
static const struct progression *effective(struct control *ctl, const char *org_id,
					   const char *list_id, bool import)
{
	const struct progression *s = *setting_at(ctl, false, list_id);
	if (s && (import ? s->has_import : s->has_export))
		return s;
	s = org_id ? *setting_at(ctl, true, org_id) : NULL;
	return s && (import ? s->has_import : s->has_export) ? s : NULL;
}

static struct credit **credit_at(struct control *ctl, const char *list_id)
{
	struct credit **p = &ctl->credits;
	while (*p && strcmp((*p)->list_id, list_id) != 0)
		p = &(*p)->next;
	return p;
}

/* ---- The pacer (job threads) ----------------------------------------- */

static bool plan(void *ctx, const char *org_id, const char *list_id, struct import_pace *out)
{
	struct control *ctl = ctx;
	pthread_mutex_lock(&ctl->progress_lock);
	const struct progression *s = effective(ctl, org_id, list_id, true);
	bool paced = s && (s->pace.mode != IMPORT_PACE_IMMEDIATE || s->pace.fail_at_percent >= 0);
	if (paced)
		*out = s->pace;
	pthread_mutex_unlock(&ctl->progress_lock);
	return paced;
}

static int64_t take_rows(void *ctx, const char *org_id, const char *list_id, int64_t want)
{
	struct control *ctl = ctx;
	pthread_mutex_lock(&ctl->progress_lock);
	struct credit *c = *credit_at(ctl, list_id);
	int64_t got = c ? (c->rows < want ? c->rows : want) : 0;
	if (c)
		c->rows -= got;
	/* Its setting deleted (or no longer manual): a held import is let go
	 * rather than left waiting for an advance nobody will send. */
	const struct progression *s = got ? NULL : effective(ctl, org_id, list_id, true);
	if (!got && (!s || s->pace.mode != IMPORT_PACE_MANUAL))
		got = want;
	pthread_mutex_unlock(&ctl->progress_lock);
	return got;
}

static void import_ended(void *ctx, const char *list_id)
{
	struct control *ctl = ctx;
	pthread_mutex_lock(&ctl->progress_lock);
	struct credit **p = credit_at(ctl, list_id);
	struct credit *gone = *p;
	if (gone)
		*p = gone->next;
	pthread_mutex_unlock(&ctl->progress_lock);
	free(gone);
}

void control_progress_init(struct control *ctl)
{
	ctl->pacer = (struct job_pacer){.ctx = ctl,
					.import_plan = plan,
					.take_rows = take_rows,
					.import_ended = import_ended};
}

void control_progress_clear(struct control *ctl)
{
	pthread_mutex_lock(&ctl->progress_lock);
	while (ctl->settings) {
		struct progression *next = ctl->settings->next;
		free(ctl->settings);
		ctl->settings = next;
	}
	while (ctl->credits) {
		struct credit *next = ctl->credits->next;
		free(ctl->credits);
		ctl->credits = next;
	}
	while (ctl->holds) {
		struct export_hold *next = ctl->holds->next;
		free(ctl->holds);
		ctl->holds = next;
	}
	pthread_mutex_unlock(&ctl->progress_lock);
}

/* ---- Exports --------------------------------------------------------- */

void control_export_started(struct control *ctl, const char *org_id, const char *list_id)
{
	pthread_mutex_lock(&ctl->progress_lock);
	const struct progression *s = effective(ctl, org_id, list_id, false);
	struct export_hold **p = &ctl->holds;
	while (*p && strcmp((*p)->list_id, list_id) != 0)
		p = &(*p)->next;
	if (s && s->not_ready) {
		if (!*p) {
			*p = calloc(1, sizeof(**p));
			if (!*p)
				abort();
			snprintf((*p)->list_id, sizeof((*p)->list_id), "%s", list_id);
		}
		(*p)->left = s->not_ready;
	} else if (*p) {
		(*p)->left = 0;
	}
	pthread_mutex_unlock(&ctl->progress_lock);
}

bool control_export_held(struct control *ctl, const char *list_id)
{
	bool held = false;
	pthread_mutex_lock(&ctl->progress_lock);
	for (struct export_hold *h = ctl->holds; h; h = h->next) {
		if (strcmp(h->list_id, list_id) == 0 && h->left > 0) {
			h->left--;
			held = true;
			break;
		}
	}
	pthread_mutex_unlock(&ctl->progress_lock);
	return held;
}

/* ---- Handlers -------------------------------------------------------- */

static json_t *setting_json(const struct progression *s)
{
	json_t *imp = json_null(), *exp = json_null();
	if (s->has_import) {
		imp = json_pack("{s:s}", "mode", mode_names[s->pace.mode]);
		json_object_set_new(imp, "rowsPerSecond",
				    s->pace.mode == IMPORT_PACE_RATE
					    ? json_integer(s->pace.rows_per_second)
					    : json_null());
		json_object_set_new(imp, "failAtPercent",
				    s->pace.fail_at_percent >= 0
					    ? json_integer(s->pace.fail_at_percent)
					    : json_null());
		json_object_set_new(imp, "failureReason",
				    s->pace.fail_at_percent >= 0
					    ? json_string(s->pace.failure_reason)
					    : json_null());
	}
	if (s->has_export)
		exp = json_pack("{s:i}", "notReadyPolls", (int)s->not_ready);
	return json_pack("{s:s,s:s,s:o,s:o}", "scope",
			 s->org_scope ? "organization" : "contactlist", "id", s->id, "import", imp,
			 "export", exp);
}

static bool reason_ok(const char *s)
{
	size_t len = strlen(s);
	return len > 0 && s[0] >= 'A' && s[0] <= 'Z' &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == len;
}

static int import_from(struct api_ctx *c, json_t *imp, struct progression *s)
{
	s->has_import = true;
	s->pace.fail_at_percent = -1;
	const char *mode = json_string_value(json_object_get(imp, "mode"));
	for (int m = 0; m < 3; m++)
		if (strcmp(mode, mode_names[m]) == 0)
			s->pace.mode = (enum import_pace_mode)m;
	json_t *rate = json_object_get(imp, "rowsPerSecond");
	if (s->pace.mode == IMPORT_PACE_RATE) {
		if (!rate)
			return control_bad(c, "import.rowsPerSecond",
					   "import.rowsPerSecond (1 to %d) is required with mode "
					   "rate",
					   CONTROL_MAX_RATE);
		json_int_t r = json_integer_value(rate);
		if (r < 1 || r > CONTROL_MAX_RATE)
			return control_bad(c, "import.rowsPerSecond",
					   "import.rowsPerSecond must be from 1 to %d; got %lld",
					   CONTROL_MAX_RATE, (long long)r);
		s->pace.rows_per_second = (unsigned)r;
	} else if (rate) {
		return control_bad(c, "import.rowsPerSecond",
				   "import.rowsPerSecond goes with mode rate only; mode is %s",
				   mode);
	}
	json_t *at = json_object_get(imp, "failAtPercent");
	const char *reason = json_string_value(json_object_get(imp, "failureReason"));
	if (at) {
		json_int_t p = json_integer_value(at);
		if (p < 0 || p > 99)
			return control_bad(c, "import.failAtPercent",
					   "import.failAtPercent must be from 0 to 99; got %lld",
					   (long long)p);
		if (!reason)
			return control_bad(
				c, "import.failureReason",
				"import.failureReason is required with failAtPercent: the "
				"reason importstatus is to give, such as "
				"CONTACT_COLUMNS_LIMIT_EXCEEDED");
		s->pace.fail_at_percent = (int)p;
	} else if (reason) {
		return control_bad(c, "import.failAtPercent",
				   "import.failureReason goes with import.failAtPercent (0 to 99), "
				   "which is missing");
	}
	if (reason) {
		if (!reason_ok(reason))
			return control_bad(c, "import.failureReason",
					   "import.failureReason must be an upper-case reason such "
					   "as CONTACT_COLUMNS_LIMIT_EXCEEDED (A-Z, 0-9 and _, "
					   "starting with a letter); got \"%.64s\"",
					   reason);
		snprintf(s->pace.failure_reason, sizeof(s->pace.failure_reason), "%s", reason);
	}
	return 0;
}

static int setting_from(struct api_ctx *c, struct progression *s)
{
	json_t *body;
	if (control_body(c, false, &body))
		return -1;
	if (field_check(body, control_progression_fields, FIELD_CREATE, "a progression setting", "",
			&c->problem))
		return -1;
	json_t *imp = json_object_get(body, "import");
	json_t *exp = json_object_get(body, "export");
	if (!imp && !exp)
		return control_bad(c, "import",
				   "give import ({\"mode\": ...}), export ({\"notReadyPolls\": N}) "
				   "or both");
	if (imp && import_from(c, imp, s))
		return -1;
	if (exp) {
		s->has_export = true;
		json_t *n = json_object_get(exp, "notReadyPolls");
		json_int_t polls = n ? json_integer_value(n) : 0;
		if (polls < 0 || polls > CONTROL_MAX_NOT_READY)
			return control_bad(c, "export.notReadyPolls",
					   "export.notReadyPolls must be from 0 to %d; got %lld",
					   CONTROL_MAX_NOT_READY, (long long)polls);
		s->not_ready = (unsigned)polls;
	}
	return 0;
}

static int put(struct api_ctx *c, bool org_scope)
{
	const char *id = c->req->params[0];
	struct org org;
	int rc = org_scope ? store_org_get(c->store, id, &org) : control_find_list(c, id, &org);
	if (org_scope && rc == STORE_NOT_FOUND)
		return problem_set(&c->problem, 404, "not.found",
				   "The requested resource was not found: no organization with id "
				   "%.64s",
				   id);
	if (org_scope && rc != STORE_OK)
		return api_store_failed(c);
	if (!org_scope && rc)
		return -1;
	struct progression fresh = {.org_scope = org_scope};
	snprintf(fresh.id, sizeof(fresh.id), "%s", id);
	if (setting_from(c, &fresh))
		return -1;
	struct control *ctl = c->srv->control;
	pthread_mutex_lock(&ctl->progress_lock);
	struct progression **p = setting_at(ctl, org_scope, id);
	if (!*p) {
		*p = calloc(1, sizeof(**p));
		if (!*p)
			abort();
	}
	struct progression *next = (*p)->next;
	**p = fresh;
	(*p)->next = next;
	json_t *out = setting_json(*p);
	pthread_mutex_unlock(&ctl->progress_lock);
	return api_reply(c, 200, out);
}

int control_progress_put_org(struct api_ctx *c)
{
	return put(c, true);
}

int control_progress_put_list(struct api_ctx *c)
{
	return put(c, false);
}

int control_progress_list(struct api_ctx *c)
{
	struct control *ctl = c->srv->control;
	json_t *list = json_array();
	pthread_mutex_lock(&ctl->progress_lock);
	for (struct progression *s = ctl->settings; s; s = s->next)
		json_array_append_new(list, setting_json(s));
	pthread_mutex_unlock(&ctl->progress_lock);
	size_t n = json_array_size(list);
	return api_reply(c, 200, json_pack("{s:o,s:I}", "entities", list, "total", (json_int_t)n));
}

static int delete_one(struct api_ctx *c, bool org_scope)
{
	struct control *ctl = c->srv->control;
	pthread_mutex_lock(&ctl->progress_lock);
	struct progression **p = setting_at(ctl, org_scope, c->req->params[0]);
	struct progression *gone = *p;
	if (gone)
		*p = gone->next;
	pthread_mutex_unlock(&ctl->progress_lock);
	if (!gone)
		return problem_set(
			&c->problem, 404, "not.found",
			"The requested resource was not found: no progression is set for "
			"the %s %.64s",
			org_scope ? "organization" : "contact list", c->req->params[0]);
	free(gone);
	return api_reply(c, 204, NULL);
}

int control_progress_delete_org(struct api_ctx *c)
{
	return delete_one(c, true);
}

int control_progress_delete_list(struct api_ctx *c)
{
	return delete_one(c, false);
}

int control_progress_delete_all(struct api_ctx *c)
{
	control_progress_clear(c->srv->control);
	return api_reply(c, 204, NULL);
}

int control_progress_advance(struct api_ctx *c)
{
	const char *id = c->req->params[0];
	json_t *body;
	if (control_body(c, false, &body) ||
	    field_check(body, control_advance_fields, FIELD_CREATE, "an advance", "", &c->problem))
		return -1;
	json_int_t rows = json_integer_value(json_object_get(body, "rows"));
	if (rows < 1 || rows > CONTROL_MAX_ADVANCE)
		return control_bad(c, "rows", "rows must be from 1 to %d; got %lld",
				   CONTROL_MAX_ADVANCE, (long long)rows);
	struct org org = {0};
	if (control_find_list(c, id, &org))
		return -1;
	struct control *ctl = c->srv->control;
	pthread_mutex_lock(&ctl->progress_lock);
	struct credit **p = credit_at(ctl, id);
	if (!*p) {
		*p = calloc(1, sizeof(**p));
		if (!*p)
			abort();
		snprintf((*p)->list_id, sizeof((*p)->list_id), "%s", id);
	}
	(*p)->rows += rows;
	int64_t credit = (*p)->rows;
	pthread_mutex_unlock(&ctl->progress_lock);
	return api_reply(
		c, 200,
		json_pack("{s:s,s:I}", "contactListId", id, "creditRows", (json_int_t)credit));
}

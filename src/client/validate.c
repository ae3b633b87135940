/* dialbook_validate_*: the validation engine behind a small public API
 * that keeps the problems (up to a bound, counting them all) for callers
 * that look at them afterwards: Python's dialbook.validate through ctypes,
 * programs that check a file before dialbook_upload. */
#include "client/validate_engine.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_PROBLEMS 1000

struct dialbook_validator {
	struct contact_schema schema;
	char *id_name, *encoding;
	size_t max;
	struct dialbook_problem *problems; /* kept, with their strings owned */
	size_t kept, cap;
	uint64_t errors, warnings;
	struct validate_counts counts;
};

static char *dup_or_null(const char *s)
{
	if (!s)
		return NULL;
	char *d = strdup(s);
	if (!d)
		abort();
	return d;
}

static void clear(struct dialbook_validator *v)
{
	for (size_t i = 0; i < v->kept; i++) {
		free((char *)v->problems[i].code);
		free((char *)v->problems[i].message);
		free((char *)v->problems[i].field_name);
	}
	v->kept = 0;
	v->errors = v->warnings = 0;
	memset(&v->counts, 0, sizeof(v->counts));
}

/* Severities are static strings; codes (a header's reason is the
 * engine's), messages and names are copied. */
static void keep(void *ctx, const struct dialbook_problem *p, bool rejected,
		 const struct contact_csv *check, const struct csv_record *rec,
		 const struct csv_reader *reader)
{
	(void)rejected, (void)check, (void)rec, (void)reader;
	struct dialbook_validator *v = ctx;
	if (p->severity[0] == 'w')
		v->warnings++;
	else
		v->errors++;
	if (v->kept >= v->max)
		return;
	if (v->kept == v->cap) { /* grows as problems come: most files have few */
		v->cap = v->cap ? v->cap * 2 : 16;
		if (v->cap > v->max)
			v->cap = v->max;
		v->problems = realloc(v->problems, v->cap * sizeof(*v->problems));
		if (!v->problems)
			abort();
	}
	struct dialbook_problem *k = &v->problems[v->kept++];
	*k = *p;
	k->code = dup_or_null(p->code);
	k->message = dup_or_null(p->message);
	k->field_name = dup_or_null(p->field_name);
}

int dialbook_validate_open(const char *list_json, const struct dialbook_validate_options *opt,
			   struct dialbook_validator **out, struct dialbook_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
	if (!out || !list_json) {
		if (err) {
			err->code = DIALBOOK_EINVAL;
			snprintf(err->message, sizeof(err->message),
				 "dialbook_validate_open: no list definition given");
		}
		return DIALBOOK_EINVAL;
	}
	*out = NULL;
	if (opt && opt->encoding && !csv_decoder_supports(opt->encoding)) {
		if (err) {
			err->code = DIALBOOK_EINVAL;
			snprintf(err->message, sizeof(err->message),
				 "encoding %.900s: not an encoding iconv knows", opt->encoding);
		}
		return DIALBOOK_EINVAL;
	}
	struct dialbook_validator *v = calloc(1, sizeof(*v));
	if (!v)
		return DIALBOOK_ENOMEM;
	int rc = validate_schema_load(list_json, "list definition", &v->schema, err);
	if (rc) {
		free(v);
		return rc;
	}
	v->max = opt && opt->max_problems ? opt->max_problems : DEFAULT_MAX_PROBLEMS;
	v->id_name = dup_or_null(
		opt && opt->contact_id_name && *opt->contact_id_name ? opt->contact_id_name : NULL);
	v->encoding = dup_or_null(opt ? opt->encoding : NULL);
	*out = v;
	return DIALBOOK_OK;
}

static int run(struct dialbook_validator *v, struct vsource *src)
{
	struct validate_hooks hooks = {.problem = keep, .ctx = v};
	int rc = validate_engine_run(src, &v->schema, v->id_name, &hooks, &v->counts);
	vsource_close(src);
	return rc;
}

int dialbook_validate_path(struct dialbook_validator *v, const char *path,
			   struct dialbook_error *err)
{
	if (!v || !path)
		return DIALBOOK_EINVAL;
	clear(v);
	struct vsource src;
	int rc = vsource_open_path(&src, path, v->encoding, err);
	return rc ? rc : run(v, &src);
}

int dialbook_validate_bytes(struct dialbook_validator *v, const char *data, size_t len,
			    struct dialbook_error *err)
{
	if (!v || (!data && len))
		return DIALBOOK_EINVAL;
	clear(v);
	struct vsource src;
	int rc = vsource_open_bytes(&src, data, len, v->encoding, err);
	return rc ? rc : run(v, &src);
}

const struct dialbook_problem *dialbook_validate_problem(const struct dialbook_validator *v,
							 size_t i)
{
	return v && i < v->kept ? &v->problems[i] : NULL;
}

void dialbook_validate_summary(const struct dialbook_validator *v,
			       struct dialbook_validate_summary *out)
{
	memset(out, 0, sizeof(*out));
	if (!v)
		return;
	out->header_ok = v->counts.header_ok;
	out->byte_order_mark = v->counts.byte_order_mark;
	out->duplicates_unchecked = v->counts.duplicates_unchecked;
	out->rows = v->counts.rows;
	out->invalid = v->counts.invalid;
	out->valid = v->counts.rows - v->counts.invalid;
	out->blank = v->counts.blank;
	out->errors = v->errors;
	out->warnings = v->warnings;
	out->kept = v->kept;
}

void dialbook_validate_free(struct dialbook_validator *v)
{
	if (!v)
		return;
	clear(v);
	free(v->problems);
	free(v->id_name);
	free(v->encoding);
	contact_schema_release(&v->schema);
	free(v);
}

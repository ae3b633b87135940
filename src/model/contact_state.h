/* A contact's system state as CSV columns. The state is `callable`,
 * `phoneNumberStatus` (phone column -> {callable}) and `contactableStatus`
 * (Voice, SMS, Email -> {contactable, columnStatus: column -> {contactable}});
 * in a CSV file it travels in the cloud's export columns (reference
 * "Round trips"): ContactCallable, Callable-<phone column>,
 * ContactableByVoice|Sms|Email and ContactableByVoice|Sms|Email-<column>.
 * An export writes them and an import reads them back, so re-importing an
 * export restores every barred number. Values are 1 or 0 (true/false
 * accepted); an empty cell means "not given": the stored state is kept.
 * Pure. */
#ifndef DIALBOOK_CONTACT_STATE_H
#define DIALBOOK_CONTACT_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "common/strbuf.h"
#include "model/contact.h"

enum state_kind {
	STATE_CALLABLE,		 /* ContactCallable: the contact's callable */
	STATE_PHONE_CALLABLE,	 /* Callable-<col>: phoneNumberStatus.<col>.callable */
	STATE_CONTACTABLE,	 /* ContactableBy<m>: contactableStatus.<m>.contactable */
	STATE_COLUMN_CONTACTABLE /* ContactableBy<m>-<col>: ….<m>.columnStatus.<col>.contactable */
};

struct state_column {
	enum state_kind kind;
	int medium; /* for the contactable kinds: 0 Voice, 1 SMS, 2 Email */
	int column; /* for the per-column kinds: the schema column, else -1 */
};

/* Recognises a header cell (case-insensitively; the column part names one
 * of the schema's columns of a kind the state applies to). Returns true
 * and fills *out when the cell is a state column. */
bool state_column_parse(const struct contact_schema *s, const char *name, size_t len,
			struct state_column *out);

/* The state columns an export writes for the schema, in order: fills up to
 * max entries and returns how many there are. */
size_t state_columns_of(const struct contact_schema *s, struct state_column *out, size_t max);

/* Appends the column's header name (the cloud's spelling) to out. */
void state_column_name(const struct contact_schema *s, const struct state_column *c,
		       struct strbuf *out);

/* The cell of a stored contact: "1", "0", or "" when the state is not set
 * (callable is always set). meta may be NULL. */
const char *state_column_value(const struct contact_schema *s, const struct state_column *c,
			       bool callable, const json_t *meta);

/* Applies one cell of a row. Empty: nothing. Otherwise sets *callable (and
 * *callable_given) or the matching entry of *meta (created when NULL; the
 * caller owns it). Returns 0, or -1 when the value is not 1, 0, true or
 * false. */
int state_column_apply(const struct contact_schema *s, const struct state_column *c, const char *v,
		       size_t len, bool *callable, bool *callable_given, json_t **meta);

#endif

/* The cloud's state column names, read and written in one place. */
#include "model/contact_state.h"

#include <string.h>
#include <strings.h>

#define CALLABLE_COLUMN "ContactCallable"
#define PHONE_CALLABLE	"Callable-"

/* contactableStatus media: their CSV prefix, JSON key and the column kind
 * a per-column entry names. */
static const struct {
	const char *csv;
	const char *json;
	enum column_kind kind;
} media[] = {
	{"ContactableByVoice", "Voice", KIND_PHONE},
	{"ContactableBySms", "SMS", KIND_PHONE},
	{"ContactableByEmail", "Email", KIND_EMAIL},
};
#define MEDIA_COUNT (sizeof(media) / sizeof(media[0]))

static bool has_prefix(const char *name, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && strncasecmp(name, prefix, n) == 0;
}

/* The column part of a per-column name: a schema column of `kind`. */
static int column_of(const struct contact_schema *s, const char *name, size_t len,
		     enum column_kind kind)
{
	int col = contact_schema_find(s, name, len);
	return col >= 0 && s->columns[col].kind == kind ? col : -1;
}

bool state_column_parse(const struct contact_schema *s, const char *name, size_t len,
			struct state_column *out)
{
	*out = (struct state_column){STATE_CALLABLE, -1, -1};
	if (len == strlen(CALLABLE_COLUMN) && has_prefix(name, len, CALLABLE_COLUMN))
		return true;
	size_t plen = strlen(PHONE_CALLABLE);
	if (has_prefix(name, len, PHONE_CALLABLE)) {
		out->kind = STATE_PHONE_CALLABLE;
		out->column = column_of(s, name + plen, len - plen, KIND_PHONE);
		return out->column >= 0;
	}
	for (size_t m = 0; m < MEDIA_COUNT; m++) {
		size_t mlen = strlen(media[m].csv);
		if (!has_prefix(name, len, media[m].csv))
			continue;
		out->medium = (int)m;
		if (len == mlen) {
			out->kind = STATE_CONTACTABLE;
			return true;
		}
		if (name[mlen] != '-')
			return false;
		out->kind = STATE_COLUMN_CONTACTABLE;
		out->column = column_of(s, name + mlen + 1, len - mlen - 1, media[m].kind);
		return out->column >= 0;
	}
	return false;
}

size_t state_columns_of(const struct contact_schema *s, struct state_column *out, size_t max)
{
	size_t n = 0;
#define PUT(...)                                                                                   \
	do {                                                                                       \
		if (n < max)                                                                       \
			out[n] = (struct state_column){__VA_ARGS__};                               \
		n++;                                                                               \
	} while (0)
	PUT(STATE_CALLABLE, -1, -1);
	for (int m = 0; m < (int)MEDIA_COUNT; m++)
		PUT(STATE_CONTACTABLE, m, -1);
	for (size_t k = 0; k < s->count; k++)
		if (s->columns[k].kind == KIND_PHONE)
			PUT(STATE_PHONE_CALLABLE, -1, (int)k);
	for (int m = 0; m < (int)MEDIA_COUNT; m++)
		for (size_t k = 0; k < s->count; k++)
			if (s->columns[k].kind == media[m].kind)
				PUT(STATE_COLUMN_CONTACTABLE, m, (int)k);
#undef PUT
	return n;
}

void state_column_name(const struct contact_schema *s, const struct state_column *c,
		       struct strbuf *out)
{
	switch (c->kind) {
	case STATE_CALLABLE:
		strbuf_adds(out, CALLABLE_COLUMN);
		return;
	case STATE_PHONE_CALLABLE:
		strbuf_adds(out, PHONE_CALLABLE);
		break;
	case STATE_CONTACTABLE:
		strbuf_adds(out, media[c->medium].csv);
		return;
	case STATE_COLUMN_CONTACTABLE:
		strbuf_adds(out, media[c->medium].csv);
		strbuf_addc(out, '-');
		break;
	}
	strbuf_adds(out, s->columns[c->column].name);
}

/* The object holding the state's boolean, and the boolean's key. */
static json_t *holder(const struct contact_schema *s, const struct state_column *c, json_t *meta,
		      bool create, const char **key)
{
	const char *path[4];
	size_t depth = 0;
	if (c->kind == STATE_PHONE_CALLABLE) {
		path[depth++] = "phoneNumberStatus";
		path[depth++] = s->columns[c->column].name;
		*key = "callable";
	} else {
		path[depth++] = "contactableStatus";
		path[depth++] = media[c->medium].json;
		if (c->kind == STATE_COLUMN_CONTACTABLE) {
			path[depth++] = "columnStatus";
			path[depth++] = s->columns[c->column].name;
		}
		*key = "contactable";
	}
	json_t *o = meta;
	for (size_t i = 0; o && i < depth; i++) {
		json_t *next = json_object_get(o, path[i]);
		if (!json_is_object(next)) {
			if (!create)
				return NULL;
			next = json_object();
			json_object_set_new(o, path[i], next);
		}
		o = next;
	}
	return o;
}

const char *state_column_value(const struct contact_schema *s, const struct state_column *c,
			       bool callable, const json_t *meta)
{
	if (c->kind == STATE_CALLABLE)
		return callable ? "1" : "0";
	const char *key;
	json_t *o = holder(s, c, (json_t *)meta, false, &key);
	json_t *v = o ? json_object_get(o, key) : NULL;
	return json_is_boolean(v) ? (json_is_true(v) ? "1" : "0") : "";
}

static bool parse_bool(const char *v, size_t len, bool *out)
{
	if ((len == 1 && v[0] == '1') || (len == 4 && strncasecmp(v, "true", 4) == 0)) {
		*out = true;
		return true;
	}
	if ((len == 1 && v[0] == '0') || (len == 5 && strncasecmp(v, "false", 5) == 0)) {
		*out = false;
		return true;
	}
	return false;
}

int state_column_apply(const struct contact_schema *s, const struct state_column *c, const char *v,
		       size_t len, bool *callable, bool *callable_given, json_t **meta)
{
	bool b;
	if (len == 0)
		return 0;
	if (!parse_bool(v, len, &b))
		return -1;
	if (c->kind == STATE_CALLABLE) {
		*callable = b;
		*callable_given = true;
		return 0;
	}
	if (!*meta)
		*meta = json_object();
	const char *key;
	json_t *o = holder(s, c, *meta, true, &key); /* sets key: a statement of its own */
	json_object_set_new(o, key, json_boolean(b));
	return 0;
}

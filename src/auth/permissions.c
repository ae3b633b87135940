/* Grant matching. Permission strings compare case-insensitively because
 * the cloud spells them "contactList" while its scopes say "contactlist". */
#include "auth/permissions.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const names[] = {
#define X(id, str) str,
	PERMISSION_TABLE(X)
#undef X
};

static const struct {
	const char *scope;
	permission_set set;
} scopes[] = {
	{"outbound", PERM_ALL},
	{"outbound:readonly", PERM(CONTACT_LIST_VIEW) | PERM(CONTACT_LIST_SEARCH) |
				      PERM(CONTACT_VIEW) | PERM(TEMPLATE_VIEW) | PERM(FILTER_VIEW)},
	/* Templates go with the lists they describe. */
	{"outbound:contactlist:write", PERM(CONTACT_LIST_ADD) | PERM(CONTACT_LIST_EDIT) |
					       PERM(CONTACT_LIST_DELETE) | PERM(TEMPLATE_ADD) |
					       PERM(TEMPLATE_EDIT) | PERM(TEMPLATE_DELETE)},
	{"outbound:contactlist:read",
	 PERM(CONTACT_LIST_VIEW) | PERM(CONTACT_LIST_SEARCH) | PERM(TEMPLATE_VIEW)},
	{"outbound:contact:write", PERM(CONTACT_ADD) | PERM(CONTACT_EDIT) | PERM(CONTACT_DELETE)},
	{"outbound:contact:read", PERM(CONTACT_VIEW)},
};

/* Splits "a:b:c" into at most three parts; returns how many. */
static int split3(const char *s, char parts[3][64])
{
	int n = 0;
	const char *start = s;
	for (const char *c = s;; c++) {
		if (*c == ':' || *c == '\0') {
			size_t len = (size_t)(c - start);
			if (n == 3 || len == 0 || len >= 64)
				return -1;
			memcpy(parts[n], start, len);
			parts[n][len] = '\0';
			n++;
			if (*c == '\0')
				break;
			start = c + 1;
		}
	}
	return n;
}

static int part_matches(const char *pattern, const char *value)
{
	return strcmp(pattern, "*") == 0 || strcasecmp(pattern, value) == 0;
}

int grant_parse(const char *grant, permission_set *out)
{
	for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
		if (strcasecmp(grant, scopes[i].scope) == 0) {
			*out = scopes[i].set;
			return 0;
		}
	}
	if (strcmp(grant, "*") == 0) {
		*out = PERM_ALL;
		return 0;
	}
	char g[3][64];
	if (split3(grant, g) != 3)
		return -1;
	permission_set set = 0;
	for (int bit = 0; bit < PERM_COUNT; bit++) {
		char p[3][64];
		split3(names[bit], p);
		if (part_matches(g[0], p[0]) && part_matches(g[1], p[1]) &&
		    part_matches(g[2], p[2]))
			set |= (permission_set)1u << bit;
	}
	if (set == 0)
		return -1;
	*out = set;
	return 0;
}

int grant_list_parse(const char *list, permission_set *out, char *scratch, size_t scratch_size,
		     const char **bad)
{
	*out = 0;
	*bad = NULL;
	if (snprintf(scratch, scratch_size, "%s", list) >= (int)scratch_size) {
		*bad = "(list too long)";
		return -1;
	}
	int count = 0;
	char *save = NULL;
	for (char *tok = strtok_r(scratch, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		permission_set one;
		if (grant_parse(tok, &one)) {
			*bad = tok;
			return -1;
		}
		*out |= one;
		count++;
	}
	if (count == 0) {
		*bad = "(empty)";
		return -1;
	}
	return 0;
}

void permission_missing(permission_set need, permission_set have, char *out, size_t size)
{
	size_t used = 0;
	out[0] = '\0';
	for (int bit = 0; bit < PERM_COUNT; bit++) {
		permission_set b = (permission_set)1u << bit;
		if (!(need & b) || (have & b))
			continue;
		int n = snprintf(out + used, size - used, "%s%s", used ? ", " : "", names[bit]);
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
}

/* The permissions dialbook checks, and how grant strings (the cloud's
 * permission strings with wildcards, or OAuth scopes) map onto them.
 * A set of permissions is a bit mask over this table. */
#ifndef DIALBOOK_PERMISSIONS_H
#define DIALBOOK_PERMISSIONS_H

#include <stddef.h>
#include <stdint.h>

#define PERMISSION_TABLE(X)                                                                        \
	X(CONTACT_LIST_ADD, "outbound:contactList:add")                                            \
	X(CONTACT_LIST_VIEW, "outbound:contactList:view")                                          \
	X(CONTACT_LIST_EDIT, "outbound:contactList:edit")                                          \
	X(CONTACT_LIST_DELETE, "outbound:contactList:delete")                                      \
	X(CONTACT_LIST_UPLOAD, "outbound:contactList:upload")                                      \
	X(CONTACT_LIST_SEARCH, "outbound:contactList:search")                                      \
	X(CONTACT_ADD, "outbound:contact:add")                                                     \
	X(CONTACT_VIEW, "outbound:contact:view")                                                   \
	X(CONTACT_EDIT, "outbound:contact:edit")                                                   \
	X(CONTACT_DELETE, "outbound:contact:delete")                                               \
	X(TEMPLATE_ADD, "outbound:contactListTemplate:add")                                        \
	X(TEMPLATE_VIEW, "outbound:contactListTemplate:view")                                      \
	X(TEMPLATE_EDIT, "outbound:contactListTemplate:edit")                                      \
	X(TEMPLATE_DELETE, "outbound:contactListTemplate:delete")                                  \
	X(FILTER_VIEW, "outbound:contactListFilter:view")                                          \
	X(FILTER_ADD, "outbound:contactListFilter:add")                                            \
	X(FILTER_EDIT, "outbound:contactListFilter:edit")                                          \
	X(FILTER_DELETE, "outbound:contactListFilter:delete")

enum permission_bit {
#define X(id, str) PERM_BIT_##id,
	PERMISSION_TABLE(X)
#undef X
		PERM_COUNT
};

typedef uint32_t permission_set;

#define PERM(id) ((permission_set)1u << PERM_BIT_##id)
#define PERM_ALL (((permission_set)1u << PERM_COUNT) - 1)

/* The permissions one grant string stands for: a permission such as
 * "outbound:contactList:add", one with '*' in any part, or a scope such
 * as "outbound:readonly". Returns 0 and sets *out, or -1 when the string is
 * neither (a typo, most likely). */
int grant_parse(const char *grant, permission_set *out);

/* Parses a list separated by commas and/or spaces. On failure, *bad points
 * at the first unknown grant (lent from a copy in `scratch`). */
int grant_list_parse(const char *list, permission_set *out, char *scratch, size_t scratch_size,
		     const char **bad);

/* Writes the names of the permissions in `need` but not in `have`,
 * comma-separated, into out. */
void permission_missing(permission_set need, permission_set have, char *out, size_t size);

#endif

/* Typed calls over dialbook_request: contact lists and contacts. */
#include "client/client_internal.h"

#include <stdio.h>

int dialbook_list_create(struct dialbook_client *c, const char *list_json, char **created,
			 struct dialbook_error *err)
{
	return dialbook_request(c, "POST", "/api/v2/outbound/contactlists", list_json, created,
				NULL, err);
}

int dialbook_list_get(struct dialbook_client *c, const char *list_id, char **list_json,
		      struct dialbook_error *err)
{
	char path[CLIENT_PATH_MAX];
	if (client_list_path(path, sizeof(path), list_id, "", NULL, err))
		return DIALBOOK_EINVAL;
	return dialbook_request(c, "GET", path, NULL, list_json, NULL, err);
}

int dialbook_list_page(struct dialbook_client *c, const char *name_filter, int page_number,
		       int page_size, char **listing_json, struct dialbook_error *err)
{
	char path[CLIENT_PATH_MAX], name[CLIENT_PATH_MAX / 2] = "";
	if (name_filter && client_escape(name_filter, name, sizeof(name)))
		return client_fail(err, DIALBOOK_EINVAL, 0, "the name filter is too long");
	snprintf(
		path, sizeof(path),
		"/api/v2/outbound/contactlists?pageNumber=%d&pageSize=%d&allowEmptyResult=true%s%s",
		page_number > 0 ? page_number : 1, page_size > 0 ? page_size : 25,
		name_filter ? "&filterType=Contains&name=" : "", name);
	return dialbook_request(c, "GET", path, NULL, listing_json, NULL, err);
}

int dialbook_list_update(struct dialbook_client *c, const char *list_id, const char *list_json,
			 char **updated, struct dialbook_error *err)
{
	char path[CLIENT_PATH_MAX];
	if (client_list_path(path, sizeof(path), list_id, "", NULL, err))
		return DIALBOOK_EINVAL;
	return dialbook_request(c, "PUT", path, list_json, updated, NULL, err);
}

int dialbook_list_delete(struct dialbook_client *c, const char *list_id, struct dialbook_error *err)
{
	char path[CLIENT_PATH_MAX];
	if (client_list_path(path, sizeof(path), list_id, "", NULL, err))
		return DIALBOOK_EINVAL;
	return dialbook_request(c, "DELETE", path, NULL, NULL, NULL, err);
}

int dialbook_contacts_add(struct dialbook_client *c, const char *list_id, const char *contacts_json,
			  char **added, struct dialbook_error *err)
{
	char path[CLIENT_PATH_MAX];
	if (client_list_path(path, sizeof(path), list_id, "/contacts", NULL, err))
		return DIALBOOK_EINVAL;
	return dialbook_request(c, "POST", path, contacts_json, added, NULL, err);
}

int dialbook_contact_get(struct dialbook_client *c, const char *list_id, const char *contact_id,
			 char **contact_json, struct dialbook_error *err)
{
	char path[CLIENT_PATH_MAX];
	if (client_list_path(path, sizeof(path), list_id, "/contacts", contact_id, err))
		return DIALBOOK_EINVAL;
	return dialbook_request(c, "GET", path, NULL, contact_json, NULL, err);
}

int dialbook_contact_delete(struct dialbook_client *c, const char *list_id, const char *contact_id,
			    struct dialbook_error *err)
{
	char path[CLIENT_PATH_MAX];
	if (client_list_path(path, sizeof(path), list_id, "/contacts", contact_id, err))
		return DIALBOOK_EINVAL;
	return dialbook_request(c, "DELETE", path, NULL, NULL, NULL, err);
}

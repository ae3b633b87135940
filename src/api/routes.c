/* The one route table: every path dialbookd serves, with the permission it
 * needs (the cloud's, from the reference's endpoint table). */
#include "api/api.h"

#define LISTS "/api/v2/outbound/contactlists"

const struct api_route api_routes[] = {
	{{"POST", "/oauth/token"}, oauth_token, 0, API_PUBLIC},
	{{"GET", LISTS}, contactlists_list, PERM(CONTACT_LIST_VIEW), 0},
	{{"POST", LISTS}, contactlists_create, PERM(CONTACT_LIST_ADD), API_JSON_BODY},
	{{"DELETE", LISTS}, contactlists_delete_many, PERM(CONTACT_LIST_DELETE), 0},
	{{"GET", LISTS "/divisionviews"}, divisionviews_list, PERM(CONTACT_LIST_SEARCH), 0},
	{{"GET", LISTS "/divisionviews/{id}"}, divisionviews_get, PERM(CONTACT_LIST_SEARCH), 0},
	{{"GET", LISTS "/{id}"}, contactlists_get, PERM(CONTACT_LIST_VIEW), 0},
	{{"PUT", LISTS "/{id}"}, contactlists_update, PERM(CONTACT_LIST_EDIT), API_JSON_BODY},
	{{"DELETE", LISTS "/{id}"}, contactlists_delete, PERM(CONTACT_LIST_DELETE), 0},
	{{"POST", LISTS "/{id}/contacts"}, contacts_add, PERM(CONTACT_ADD), API_JSON_BODY},
	{{"DELETE", LISTS "/{id}/contacts"}, contacts_delete_many, PERM(CONTACT_DELETE), 0},
	{{"GET", LISTS "/{id}/contacts/{cid}"}, contacts_get, PERM(CONTACT_VIEW), 0},
	{{"PUT", LISTS "/{id}/contacts/{cid}"}, contacts_update, PERM(CONTACT_EDIT), API_JSON_BODY},
	{{"DELETE", LISTS "/{id}/contacts/{cid}"}, contacts_delete, PERM(CONTACT_DELETE), 0},
	{{"POST", LISTS "/{id}/contacts/bulk"},
	 contacts_bulk_get,
	 PERM(CONTACT_VIEW),
	 API_JSON_BODY},
	{{"POST", LISTS "/{id}/contacts/search"},
	 contacts_search,
	 PERM(CONTACT_VIEW),
	 API_JSON_BODY},
	{{"POST", LISTS "/{id}/clear"}, contacts_clear, PERM(CONTACT_DELETE), 0},
	{{"GET", LISTS "/{id}/importstatus"}, importstatus_get, PERM(CONTACT_LIST_VIEW), 0},
	{{"POST", LISTS "/{id}/export"},
	 exports_start,
	 PERM(CONTACT_VIEW) | PERM(CONTACT_LIST_VIEW),
	 0},
	{{"GET", LISTS "/{id}/export"},
	 exports_get,
	 PERM(CONTACT_VIEW) | PERM(CONTACT_LIST_VIEW),
	 0},
	{{"GET", "/api/v2/downloads/{id}"}, downloads_get, 0, 0},
	{{"POST", API_UPLOAD_PATH}, uploads_finish, PERM(CONTACT_ADD), 0},
};

const size_t api_route_count = sizeof(api_routes) / sizeof(api_routes[0]);

/* Validation of names and grants happens here, before anything is stored. */
#include "server/provision.h"
#include "common/timeutil.h"

#include <stdio.h>
#include <string.h>

static int check_name(const char *what, const char *name, size_t max, char *err, size_t err_size)
{
	size_t len = strlen(name);
	if (len == 0 || strspn(name, " \t") == len) {
		snprintf(err, err_size, "%s must not be empty", what);
		return 1;
	}
	if (len > max || utf8_count(name, len) < 0 || text_has_control(name, len)) {
		snprintf(err, err_size,
			 "%s must be valid UTF-8 without control characters, at most %zu bytes",
			 what, max);
		return 1;
	}
	return 0;
}

int provision_org(struct store *s, const char *name, struct org *out, bool *created, char *err,
		  size_t err_size)
{
	*created = false;
	if (check_name("the organization name", name, ORG_NAME_MAX, err, err_size))
		return 1;
	int rc = store_org_get_by_name(s, name, out);
	if (rc == STORE_NOT_FOUND) {
		struct org org;
		memset(&org, 0, sizeof(org));
		text_uuid_new(org.id);
		text_uuid_new(org.home_division_id);
		snprintf(org.name, sizeof(org.name), "%s", name);
		org.date_created = time_now_ms();
		rc = store_org_add(s, &org);
		if (rc == STORE_CONFLICT) { /* created meanwhile by another process */
			rc = store_org_get_by_name(s, name, out);
		} else if (rc == STORE_OK) {
			*out = org;
			*created = true;
		}
	}
	if (rc != STORE_OK) {
		snprintf(err, err_size, "the database failed: %s", store_status_name(rc));
		return 3;
	}
	return 0;
}

int provision_client(struct store *s, const char *org_name, const char *name, const char *grants,
		     struct oauth_client *out, char secret[SECRET_STR_LEN], char *err,
		     size_t err_size)
{
	if (check_name("the client name", name, sizeof(out->name) - 1, err, err_size))
		return 1;
	permission_set set;
	char scratch[sizeof(out->grants)];
	const char *bad = NULL;
	if (strlen(grants) >= sizeof(out->grants) ||
	    grant_list_parse(grants, &set, scratch, sizeof(scratch), &bad)) {
		snprintf(err, err_size,
			 "unknown grant %.64s; use permissions such as outbound:contactList:add "
			 "(with * wildcards) or the scopes outbound, outbound:readonly, "
			 "outbound:contactlist:write, outbound:contactlist:read, "
			 "outbound:contact:write, outbound:contact:read",
			 bad ? bad : "(too long)");
		return 1;
	}
	struct org org;
	bool created = false;
	int rc = provision_org(s, org_name, &org, &created, err, err_size);
	if (rc)
		return rc;
	memset(out, 0, sizeof(*out));
	text_uuid_new(out->id);
	snprintf(out->org_id, sizeof(out->org_id), "%s", org.id);
	snprintf(out->org_name, sizeof(out->org_name), "%s", org.name);
	snprintf(out->name, sizeof(out->name), "%s", name);
	snprintf(out->grants, sizeof(out->grants), "%s", grants);
	out->date_created = time_now_ms();
	credentials_new_secret(secret);
	credentials_hash(secret, strlen(secret), out->secret_hash);
	if ((rc = store_client_add(s, out)) != STORE_OK) {
		snprintf(err, err_size, "the database failed: %s", store_status_name(rc));
		return 3;
	}
	return 0;
}

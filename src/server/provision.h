/* Creating organizations and OAuth clients: shared by `dialbookd client
 * add` and the development client of the first start. */
#ifndef DIALBOOK_PROVISION_H
#define DIALBOOK_PROVISION_H

#include "auth/credentials.h"
#include "store/store.h"

/* Creates the client (and its organization when missing). On success the
 * secret, shown only this once, is in `secret`. Returns 0, 1 for bad input
 * (reason in err) or 3 when the store failed. */
int provision_client(struct store *s, const char *org_name, const char *name, const char *grants,
		     struct oauth_client *out, char secret[SECRET_STR_LEN], char *err,
		     size_t err_size);

/* Finds or creates an organization; same return codes. */
int provision_org(struct store *s, const char *name, struct org *out, bool *created, char *err,
		  size_t err_size);

#endif

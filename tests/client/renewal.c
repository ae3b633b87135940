/* Drives libdialbook against a dialbookd whose tokens live 2 seconds:
 * calls made across several token lifetimes must all succeed, the library
 * renewing the token by itself. Usage: renewal BASE_URL ID SECRET SECONDS */
#include <dialbook/dialbook.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 5)
		return 2;
	struct dialbook_options opt = {
		.base_url = argv[1], .client_id = argv[2], .client_secret = argv[3]};
	struct dialbook_client *c;
	struct dialbook_error err;
	if (dialbook_client_new(&opt, &c, &err)) {
		fprintf(stderr, "new: %s\n", err.message);
		return 1;
	}
	int seconds = atoi(argv[4]);
	for (int i = 0; i <= seconds; i++) {
		char *page = NULL;
		int rc = dialbook_list_page(c, NULL, 1, 1, &page, &err);
		if (rc) {
			fprintf(stderr, "call %d: %s: %s\n", i, dialbook_err_name(rc), err.message);
			dialbook_client_free(c);
			return 1;
		}
		printf("call %d ok, token left %ld s\n", i, dialbook_token_seconds_left(c));
		dialbook_free(page);
		if (i < seconds)
			sleep(1);
	}
	/* Bad input gives clear errors, not crashes. */
	struct dialbook_options none = {0};
	struct dialbook_client *bad;
	if (dialbook_client_new(&none, &bad, &err) != DIALBOOK_EINVAL)
		return 1;
	struct dialbook_options unknown = {.region = "mars_north_1"};
	if (dialbook_client_new(&unknown, &bad, &err) != DIALBOOK_EINVAL)
		return 1;
	printf("%s\n", err.message);
	if (dialbook_request(c, "GET", "no-slash", NULL, NULL, NULL, &err) != DIALBOOK_EINVAL)
		return 1;
	dialbook_client_free(c);
	return 0;
}

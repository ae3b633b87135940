/* GET /healthz and GET /readyz: what a load balancer asks. Live: the
 * process answers HTTP. Ready: it also reaches its database, so it can
 * serve the API. Neither needs a token or counts against a rate limit
 * (api_dispatch skips both for API_PROBE routes): a balancer asks every
 * second or two from one address. */
#include "api/api.h"

int health_live(struct api_ctx *c)
{
	http_response_header(c->res, "Cache-Control", "no-store");
	return api_reply(c, 200, json_pack("{s:s}", "status", "live"));
}

/* One cheap read through this thread's connection: a broken connection
 * is reopened by the pool or the backend, so a database that came back
 * makes the server ready again on its own. */
int health_ready(struct api_ctx *c)
{
	http_response_header(c->res, "Cache-Control", "no-store");
	c->store = store_pool_get(c->srv->pool);
	int64_t orgs;
	if (!c->store || store_org_count(c->store, &orgs) != STORE_OK)
		return api_store_failed(c);
	return api_reply(c, 200, json_pack("{s:s}", "status", "ready"));
}

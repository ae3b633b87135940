"""GET /healthz (live) and GET /readyz (the database answers too): what a
load balancer asks, with no token and outside the rate limit."""
import requests

from conftest import assert_error


def test_probes_answer_without_a_token_and_are_not_cached(server):
    for path, status in (("/healthz", "live"), ("/readyz", "ready")):
        r = requests.get(server.base + path)
        assert r.status_code == 200, r.text
        assert r.json() == {"status": status}
        assert r.headers["Cache-Control"] == "no-store"
        assert requests.head(server.base + path).status_code == 200


def test_probes_are_outside_the_rate_limit(make_server):
    s = make_server("--rate-limit", "2")
    for _ in range(3):  # spend the address's budget
        requests.post(s.base + "/oauth/token", data={"grant_type": "client_credentials"})
    r = requests.post(s.base + "/oauth/token", data={"grant_type": "client_credentials"})
    assert r.status_code == 429
    for _ in range(10):
        assert requests.get(s.base + "/healthz").status_code == 200
        assert requests.get(s.base + "/readyz").status_code == 200
    # ...and they did not count: the budget is still spent, not reset.
    r = requests.post(s.base + "/oauth/token", data={"grant_type": "client_credentials"})
    assert r.status_code == 429


def test_probes_take_only_get(server):
    for method in ("POST", "PUT", "DELETE"):
        r = requests.request(method, server.base + "/readyz")
        assert_error(r, 405, "method.not.allowed")
        assert r.headers["Allow"] == "GET, HEAD"


def test_probes_are_in_the_openapi_document(server):
    doc = requests.get(server.base + "/api/v2/docs/openapi.json").json()
    assert "get" in doc["paths"]["/healthz"] and "get" in doc["paths"]["/readyz"]

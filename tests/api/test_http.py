"""HTTP behaviour: routing, headers on every response, rate limits, status
profiles, limits, restarts and clean shutdown (DESIGN §3.9-3.14)."""
import concurrent.futures
import socket
import threading
import time

import pytest
import requests

from conftest import LISTS, Api, assert_error, cloud_list


def test_unknown_path_and_wrong_method(api):
    assert_error(api.get("/api/v2/outbound/nothing"), 404, "not.found", contains="not an endpoint")
    assert_error(api.get("/"), 404, "not.found")
    r = api.patch(LISTS)
    assert_error(r, 405, "method.not.allowed")
    assert set(r.headers["Allow"].split(", ")) == {"GET", "HEAD", "POST", "DELETE"}
    r = api.post(f"{LISTS}/some-id", json={})
    assert_error(r, 405, "method.not.allowed")
    assert set(r.headers["Allow"].split(", ")) == {"GET", "HEAD", "PUT", "DELETE"}
    assert_error(api.get("/" + "a/" * 40), 404, "not.found")


def test_every_response_carries_correlation_and_rate_limit_headers(server, api):
    responses = [
        api.get(LISTS),
        api.post(LISTS, json={"bad": 1}),
        requests.get(server.base + LISTS),
        requests.post(server.base + "/oauth/token", data={}),
        api.get("/nowhere"),
    ]
    seen = set()
    for r in responses:
        cid = r.headers["inin-correlation-id"]
        assert len(cid) == 36 and cid not in seen
        seen.add(cid)
        for h in ("inin-ratelimit-allowed", "inin-ratelimit-count", "inin-ratelimit-reset"):
            assert r.headers[h].isdigit(), (h, r.headers)


def test_request_log_line(server, api):
    r = api.get(LISTS, params={"pageSize": 3})
    cid = r.headers["inin-correlation-id"]
    deadline = time.time() + 5
    while cid not in server.log_text() and time.time() < deadline:
        time.sleep(0.02)
    line = next(l for l in server.log_text().splitlines() if cid in l)
    assert "method=GET" in line and f"path={LISTS}" in line and "status=200" in line
    assert "duration_ms=" in line
    assert api.headers["Authorization"].split()[1] not in server.log_text()


def test_rate_limit_answers_429_with_retry_after(make_server):
    srv = make_server("--rate-limit", "5")
    api = srv.session()
    codes = [api.get(LISTS) for _ in range(5)]
    assert all(r.status_code == 200 for r in codes)
    assert [int(r.headers["inin-ratelimit-count"]) for r in codes] == [1, 2, 3, 4, 5]
    assert codes[0].headers["inin-ratelimit-allowed"] == "5"
    r = api.get(LISTS)
    err = assert_error(r, 429, "too.many.requests", contains="Retry the request in")
    retry = int(r.headers["Retry-After"])
    assert 1 <= retry <= 60
    assert f"[{retry}]" in err["message"]
    # Another token has its own budget.
    assert srv.session().get(LISTS).status_code == 200


def test_genesys_profile_answers_like_the_cloud(make_server):
    srv = make_server("--profile", "genesys")
    api = srv.session()
    r = api.post(LISTS, json=cloud_list())
    assert r.status_code == 200 and "Location" not in r.headers
    r = api.delete(f"{LISTS}/{r.json()['id']}")
    assert r.status_code == 200
    ids = [api.post(LISTS, json=cloud_list(name=f"n{i}")).json()["id"] for i in range(2)]
    assert api.delete(LISTS, params={"id": ",".join(ids)}).status_code == 204


def test_data_survives_a_restart(make_server, tmp_path):
    db = str(tmp_path / "persist.db")
    first = make_server(db=db)
    client = first.client()
    api = Api(first.base, first.token(client))
    made = api.post(LISTS, json=cloud_list()).json()
    first.stop()
    second = make_server(db=db)
    api = Api(second.base, second.token(client))
    assert api.get(f"{LISTS}/{made['id']}").json() == made


def test_sigterm_lets_in_flight_requests_finish(make_server):
    srv = make_server()
    api = srv.session()
    done = {}

    def slow_upload():
        # A request still sending its body when SIGTERM arrives.
        def body():
            yield b'{"name": "in flight", '
            time.sleep(0.5)
            yield b'"columnNames": ["a"]}'
        done["r"] = api.post(LISTS, data=body(), headers={"Content-Type": "application/json"})

    t = threading.Thread(target=slow_upload)
    t.start()
    time.sleep(0.2)
    srv.stop()  # asserts exit 0 and a clean log
    t.join()
    assert done["r"].status_code == 201, done["r"].text


def test_concurrent_creates_of_one_name_store_exactly_one(server):
    api = server.session()

    def create(_):
        s = Api(server.base, api.headers["Authorization"].split()[1])
        return s.post(LISTS, json=cloud_list(name="race")).status_code

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(create, range(16)))
    assert codes.count(201) == 1 and codes.count(409) == 15
    assert api.get(LISTS).json()["total"] == 1


def test_list_limit_per_organization(server):
    api = server.session()
    for i in range(1000):
        r = api.post(LISTS, json={"name": f"l{i}", "columnNames": ["a"]})
        assert r.status_code == 201, r.text
    r = api.post(LISTS, json={"name": "one too many", "columnNames": ["a"]})
    err = assert_error(r, 400, "max.entity.count.reached")
    assert err["limit"]["value"] == 1000
    assert api.get(LISTS).json()["total"] == 1000


def raw_exchange(server, payload, timeout=5):
    host, port = server.base.replace("http://", "").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as s:
        s.sendall(payload)
        s.shutdown(socket.SHUT_WR)
        chunks = []
        try:
            while True:
                c = s.recv(65536)
                if not c:
                    break
                chunks.append(c)
        except socket.timeout:
            pass
        return b"".join(chunks)


@pytest.mark.parametrize("payload", [
    b"\x00\xff\x13garbage\r\n\r\n",
    b"GET " + b"/x" * 5000 + b" HTTP/1.1\r\nHost: a\r\n\r\n",
    b"POST /api/v2/outbound/contactlists HTTP/1.1\r\nHost: a\r\nContent-Length: -5\r\n\r\n",
    b"POST /api/v2/outbound/contactlists HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
    b"\r\nzz\r\n",
    b"GET /api/v2/outbound/contactlists HTTP/1.1\r\n" + b"X-A: b\r\n" * 2000 + b"\r\n",
])
def test_garbage_on_the_wire_never_hurts_the_server(server, api, payload):
    raw_exchange(server, payload)
    assert api.get(LISTS).status_code == 200


def test_query_with_too_many_parameters(api):
    q = "&".join(f"id=x{i}" for i in range(70))
    assert_error(api.get(LISTS + "?" + q), 400, "bad.request", contains="too many")


@pytest.mark.parametrize("method,path", [
    ("POST", LISTS + "/x/contacts/bulk/remove"),
    ("POST", LISTS + "/x/contacts/bulk/update"),
    ("GET", LISTS + "/x/timezonemappingpreview"),
    ("GET", LISTS + "/x/contacts/bulk/jobs"),
])
def test_cloud_endpoints_dialbook_does_not_serve_are_404(api, method, path):
    r = api.request(method, path, json={} if method == "POST" else None)
    assert_error(r, 404, "not.found", contains="is not an endpoint of dialbook")


@pytest.mark.parametrize("param", ["timeZone", "dateExpiration"])
def test_unsupported_listing_filters_are_named(api, param):
    assert_error(api.get(LISTS, params={param: "x"}), 400, "invalid.value", field=param)

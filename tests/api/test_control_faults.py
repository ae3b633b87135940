"""The control API's presence, token and fault rules (docs/control-api.md):
absent without --control-api, refused off loopback, its own token, and
every field of a fault rule, with bad input for each."""
import os
import stat
import subprocess
import threading

import pytest
import requests

from conftest import BINARY, LISTS, assert_error
from control_support import (CONTROL, capi, cserver, ctl, log_token, make_list,  # noqa: F401
                             read_token, start_control_server, wait_until)

CONTACTS = LISTS + "/{}/contacts"
PRESET_429 = "Rate limit exceeded the maximum. Retry the request in [1] seconds"


# ---- Without --control-api, off loopback, its options ---------------------

@pytest.mark.parametrize("method,path", [
    ("GET", "/_dialbook/faults"), ("POST", "/_dialbook/faults"), ("GET", "/_dialbook/journal"),
    ("POST", "/_dialbook/reset"), ("GET", "/_dialbook"), ("DELETE", "/_dialbook/faults")])
def test_absent_without_the_flag(server, method, path):
    r = requests.request(method, server.base + path, json={"preset": "429"})
    assert_error(r, 404, "not.found", contains="is not an endpoint of dialbook")


def test_openapi_lists_the_control_api_only_when_served(server, cserver):
    plain = requests.get(server.base + "/api/v2/docs/openapi.json").json()
    assert not [p for p in plain["paths"] if p.startswith(CONTROL)]
    assert "dialbookControl" not in plain["components"]["securitySchemes"]
    doc = requests.get(cserver.base + "/api/v2/docs/openapi.json").json()
    ops = {(p, m): op for p, item in doc["paths"].items() for m, op in item.items()
           if p.startswith(CONTROL)}
    for path, method in [("/_dialbook/faults", "post"), ("/_dialbook/faults/{id}", "delete"),
                         ("/_dialbook/journal", "get"), ("/_dialbook/reset", "post"),
                         ("/_dialbook/snapshots/{name}/restore", "post"),
                         ("/_dialbook/progression/contactlists/{contactListId}/advance", "post"),
                         ("/_dialbook/clients/{clientId}/expire-tokens", "post")]:
        op = ops[(path, method)]
        assert op["tags"] == ["dialbook control"], op
        assert op["security"] == [{"dialbookControl": []}]
    schemas = doc["components"]["schemas"]
    assert "latencyMs" in schemas["FaultRule"]["properties"]
    assert schemas["FaultRule"]["properties"]["preset"]["enum"] == ["429", "503", "504", "drop"]
    assert "failAtPercent" in str(schemas["Progression"])
    assert doc["components"]["securitySchemes"]["dialbookControl"]["scheme"] == "bearer"


def run_binary(*args):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize("listen", ["0.0.0.0:0", "[::]:0"])
def test_refused_off_loopback_without_remote(tmp_path, listen):
    p = run_binary("--listen", listen, "--db", str(tmp_path / "x.db"), "--control-api")
    assert p.returncode == 2, p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    assert "--control-api" in lines[0] and "--control-api-remote" in lines[0]
    assert "loopback" in lines[0]
    assert not os.path.exists(tmp_path / "x.db")  # refused before anything


def test_served_off_loopback_with_remote(tmp_path):
    p = subprocess.Popen([BINARY, "--listen", "0.0.0.0:0", "--db", str(tmp_path / "r.db"),
                          "--control-api", "--control-api-remote"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        seen = []
        for line in p.stdout:
            seen.append(line)
            if "event=listening" in line or "startup_failed" in line:
                break
        assert "event=listening" in line and "address=0.0.0.0" in line, seen
        assert any("event=control_api" in s and "remote=true" in s for s in seen), seen
    finally:
        p.terminate()
        assert p.wait(timeout=30) == 0


@pytest.mark.parametrize("args,words", [
    (["--control-api-remote"], "--control-api-remote is an option of the control API"),
    (["--control-token-file", "x"], "--control-token-file is an option of the control API"),
    (["--journal-size", "5"], "--journal-size is an option of the control API"),
    (["--control-api", "--journal-size", "lots"], "--journal-size wants 0 to 100000, got lots"),
    (["--control-api", "--journal-size", "100001"], "--journal-size wants 0 to 100000"),
    (["--control-api", "--control-token-file"], "--control-token-file needs a value"),
])
def test_bad_control_flags(tmp_path, args, words):
    p = run_binary("--db", str(tmp_path / "x.db"), *args)
    assert p.returncode == 2, p.stderr
    assert words in p.stderr, p.stderr


def test_help_documents_the_flags():
    out = run_binary("--help").stdout
    for flag in ("--control-api ", "--control-api-remote", "--control-token-file",
                 "--journal-size"):
        assert flag in out, flag


# ---- The control token -----------------------------------------------------

def test_token_is_logged_once_and_written(make_server, tmp_path):
    dev, own = tmp_path / "dev.env", tmp_path / "control.env"
    s = make_server("--control-api", "--dev-client-file", str(dev), "--control-token-file",
                    str(own))
    token = read_token(own)
    assert len(token) == 64 and int(token, 16) >= 0
    assert read_token(dev) == token
    text = dev.read_text()
    assert "DIALBOOK_CLIENT_ID=" in text and "DIALBOOK_CLIENT_SECRET=" in text
    assert text.count("DIALBOOK_CONTROL_TOKEN=") == 1
    assert own.read_text() == f"DIALBOOK_CONTROL_TOKEN={token}\n"
    for f in (dev, own):
        assert stat.S_IMODE(os.stat(f).st_mode) == 0o600
    assert log_token(s) == token
    assert s.log_text().count(token) == 1
    # Another start: a new token replaces the line, the credentials stay.
    s.stop()
    s.start()
    token2 = read_token(dev)
    assert token2 != token and read_token(own) == token2
    assert dev.read_text().count("DIALBOOK_CONTROL_TOKEN=") == 1
    assert "DIALBOOK_CLIENT_SECRET=" in dev.read_text()


def test_control_token_required(cserver, capi):
    url = cserver.base + "/_dialbook/faults"
    r = requests.get(url)
    assert_error(r, 401, "authentication.required", contains="control token")
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    oauth = capi.headers["Authorization"]
    r = requests.get(url, headers={"Authorization": oauth})
    assert_error(r, 401, "bad.credentials", contains="never an OAuth access token")
    for wrong in ("0" * 64, cserver.ctl.token[:-1], cserver.ctl.token + "0",
                  cserver.ctl.token.upper()):
        r = requests.get(url, headers={"Authorization": "Bearer " + wrong})
        assert_error(r, 401, "bad.credentials")
    r = requests.post(url, json={"preset": "503"}, headers={"Authorization": oauth})
    assert r.status_code == 401
    assert cserver.ctl.get("/faults").json()["total"] == 0  # nothing was added


def test_control_token_is_not_an_oauth_token(cserver):
    r = requests.get(cserver.base + LISTS,
                     headers={"Authorization": "Bearer " + cserver.ctl.token})
    assert_error(r, 401, "bad.credentials")


def test_unknown_control_path_and_method(ctl):
    assert_error(ctl.get("/nothing"), 404, "not.found")
    assert_error(ctl.put("/faults", json={}), 405, "method.not.allowed")


# ---- Fault rules: presets and fields --------------------------------------

def add_contacts(api, list_id, n=1):
    return api.post(CONTACTS.format(list_id),
                    json=[{"id": str(i), "contactListId": list_id,
                           "data": {"id": str(i), "phone": "+15551234567"}} for i in range(n)])


def test_preset_429_once_on_bulk_add(ctl, capi):
    lst = make_list(capi)
    rule = ctl.fault(preset="429", method="POST", path=LISTS + "/*/contacts", times=1)
    assert rule["status"] == 429 and rule["code"] == "too.many.requests"
    assert rule["retryAfter"] == 1 and rule["message"] == PRESET_429
    assert rule["fired"] == 0 and rule["spent"] is False and rule["times"] == 1
    r = add_contacts(capi, lst["id"])
    body = assert_error(r, 429, "too.many.requests")
    assert body["message"] == PRESET_429
    assert r.headers["Retry-After"] == "1"
    assert capi.get(f"{LISTS}/{lst['id']}/contacts/0").status_code == 404  # nothing written
    assert add_contacts(capi, lst["id"]).status_code == 200
    got = ctl.get("/faults").json()["entities"]
    assert [(g["id"], g["fired"], g["spent"]) for g in got] == [(rule["id"], 1, True)]


@pytest.mark.parametrize("preset,status,code,retry", [
    ("503", 503, "service.unavailable", "1"), ("504", 504, "gateway.timeout", None)])
def test_presets_503_504(ctl, capi, preset, status, code, retry):
    ctl.fault(preset=preset, path=LISTS)
    r = capi.get(LISTS)
    assert_error(r, status, code)
    assert r.headers.get("Retry-After") == retry
    assert "inin-correlation-id" in r.headers


def test_preset_drop_closes_without_an_answer(ctl, capi):
    rule = ctl.fault(preset="drop", path=LISTS, times=1)
    assert rule["drop"] is True and rule["status"] is None
    with pytest.raises(requests.ConnectionError):
        requests.get(capi.base + LISTS, headers=capi.headers)
    assert capi.get(LISTS).status_code == 200
    entry = ctl.journal(pathPrefix=LISTS)[0]
    assert entry["status"] == 0 and entry["faultId"] == rule["id"]


def test_own_status_code_message_retry_after(ctl, capi):
    ctl.fault(path=LISTS, status=418, code="teapot.here", message="short and stout",
              retryAfter=7)
    r = capi.get(LISTS)
    body = assert_error(r, 418, "teapot.here")
    assert body["message"] == "short and stout" and r.headers["Retry-After"] == "7"


def test_status_without_preset_gets_words_naming_the_rule(ctl, capi):
    rule = ctl.fault(path=LISTS, status=500)
    assert rule["code"] == "fault.injected" and rule["id"] in rule["message"]
    body = assert_error(capi.get(LISTS), 500, "fault.injected")
    assert rule["id"] in body["message"]


def test_preset_fields_can_be_overridden(ctl, capi):
    ctl.fault(preset="429", path=LISTS, retryAfter=3, message="slow down")
    r = capi.get(LISTS)
    body = assert_error(r, 429, "too.many.requests")
    assert body["message"] == "slow down" and r.headers["Retry-After"] == "3"


def test_method_filter(ctl, capi):
    ctl.fault(preset="503", method="POST", path=LISTS)
    assert capi.get(LISTS).status_code == 200
    assert capi.post(LISTS, json={"name": "x", "columnDefinitions": [
        {"name": "p", "type": "phone"}]}).status_code == 503


def test_lower_case_method_is_spelled_as_the_table(ctl):
    assert ctl.fault(preset="503", method="delete", path="/x")["method"] == "DELETE"


@pytest.mark.parametrize("pattern,hit,miss", [
    (LISTS + "/*", LISTS + "/abc", LISTS),
    (LISTS + "/*/importstatus", LISTS + "/abc/importstatus", LISTS + "/abc/importstatus/1"),
    ("/api/v2/**", LISTS + "/abc/contacts/1", "/api/v2"),
    (LISTS + "/a%20b", LISTS + "/a%2520b", LISTS + "/a%20b"),
    (LISTS + "/a b", LISTS + "/a%20b", LISTS + "/a+b"),
])
def test_path_patterns_match_decoded_segments(ctl, capi, pattern, hit, miss):
    ctl.fault(status=599, code="x.hit", path=pattern)
    assert capi.get(hit).status_code == 599, hit
    assert capi.get(miss).status_code != 599, miss


def test_no_path_is_every_path_but_never_the_control_api(ctl, capi):
    rule = ctl.fault(preset="503")
    assert rule["path"] is None
    assert capi.get(LISTS).status_code == 503
    assert capi.get("/api/v2/docs/openapi.json").status_code == 503
    assert ctl.get("/faults").status_code == 200
    assert ctl.get("/journal").status_code == 200
    ctl.fault(preset="drop", path="/_dialbook/**")
    ctl.fault(preset="504", path="/**")
    assert ctl.get("/faults").json()["total"] == 3
    assert ctl.delete("/faults").status_code == 204


def test_organization_and_client_filters(ctl, cserver):
    a, b = cserver.session(), cserver.session()
    a2 = cserver.session(org=None)
    a_client = a.client_info
    org_a = a.get(LISTS).json() and ctl.journal(pathPrefix=LISTS)[-1]["organizationId"]
    ctl.delete("/journal")
    ctl.fault(preset="503", organizationId=org_a, path=LISTS)
    assert a.get(LISTS).status_code == 503
    assert b.get(LISTS).status_code == 200
    ctl.delete("/faults")
    ctl.fault(preset="503", clientId=a_client["client_id"], path=LISTS)
    assert a.get(LISTS).status_code == 503
    assert a2.get(LISTS).status_code == 200 and b.get(LISTS).status_code == 200
    # The token endpoint has no caller yet: a filtered rule never hits it.
    ctl.fault(preset="503", clientId=a_client["client_id"], path="/oauth/token")
    assert cserver.token(a_client)


def test_token_endpoint_can_fail(ctl, cserver):
    c = cserver.client()
    ctl.fault(preset="503", path="/oauth/token", times=1)
    r = requests.post(cserver.base + "/oauth/token", auth=(c["client_id"], c["client_secret"]),
                      data={"grant_type": "client_credentials"})
    assert r.status_code == 503
    assert cserver.token(c)


def test_probability(ctl, capi):
    never = ctl.fault(preset="503", path=LISTS, probability=0)
    for _ in range(30):
        assert capi.get(LISTS).status_code == 200
    ctl.delete("/faults/" + never["id"])
    ctl.fault(preset="503", path=LISTS, probability=1)
    assert capi.get(LISTS).status_code == 503
    ctl.delete("/faults")
    half = ctl.fault(preset="503", path=LISTS, probability=0.5)
    codes = {capi.get(LISTS).status_code for _ in range(60)}
    assert codes == {200, 503}  # (1/2)^60 that one is missing
    fired = [r for r in ctl.get("/faults").json()["entities"] if r["id"] == half["id"]]
    assert 0 < fired[0]["fired"] < 60


def test_times_then_spent(ctl, capi):
    rule = ctl.fault(preset="503", path=LISTS, times=2)
    assert [capi.get(LISTS).status_code for _ in range(4)] == [503, 503, 200, 200]
    got = ctl.get("/faults").json()["entities"][0]
    assert got["id"] == rule["id"] and got["fired"] == 2 and got["spent"] is True


def test_first_matching_rule_wins_in_order_added(ctl, capi):
    first = ctl.fault(status=501, code="first.rule", path=LISTS, times=1)
    ctl.fault(status=502, code="second.rule", path=LISTS)
    assert capi.get(LISTS).status_code == 501
    assert capi.get(LISTS).status_code == 502
    assert ctl.journal(pathPrefix=LISTS)[0]["faultId"] == first["id"]


def test_latency_alone_delays_then_serves(ctl, capi):
    rule = ctl.fault(path=LISTS, latencyMs=400, times=1)
    assert rule["status"] is None and rule["latencyMs"] == 400
    assert capi.get(LISTS).status_code == 200
    entry = ctl.journal(pathPrefix=LISTS)[-1]
    assert entry["status"] == 200 and entry["faultId"] == rule["id"]
    assert entry["durationMs"] >= 400


def test_latency_with_an_error(ctl, capi):
    ctl.fault(preset="429", path=LISTS, latencyMs=300, times=1)
    assert capi.get(LISTS).status_code == 429
    assert ctl.journal(status="429")[-1]["durationMs"] >= 300


def test_a_delayed_request_holds_no_worker(make_server, tmp_path):
    """One worker thread: while a request waits out its latency, another
    request is answered on that same worker."""
    s = start_control_server(tmp_path, "--threads", "1", "--heavy-slots", "1")
    try:
        api = s.session()
        s.ctl.fault(path="/api/v2/docs/openapi.json", latencyMs=5000, times=1)
        done = {}

        def slow():
            done["slow"] = requests.get(s.base + "/api/v2/docs/openapi.json").status_code
        t = threading.Thread(target=slow)
        t.start()
        # Until the rule fired, the slow one has not been taken up.
        wait_until(lambda: s.ctl.get("/faults").json()["entities"][0]["fired"], "the delay")
        assert api.get(LISTS).status_code == 200
        assert "slow" not in done  # answered while the other still waited
        t.join(30)
        assert done["slow"] == 200
    finally:
        s.stop()


def test_delete_one_and_all(ctl):
    a = ctl.fault(preset="503", path="/a")
    b = ctl.fault(preset="504", path="/b")
    r = ctl.get("/faults").json()
    assert r["total"] == 2 and [e["id"] for e in r["entities"]] == [a["id"], b["id"]]
    assert ctl.delete("/faults/" + a["id"]).status_code == 204
    assert_error(ctl.delete("/faults/" + a["id"]), 404, "not.found", contains=a["id"])
    assert [e["id"] for e in ctl.get("/faults").json()["entities"]] == [b["id"]]
    assert ctl.delete("/faults").status_code == 204
    assert ctl.get("/faults").json() == {"entities": [], "total": 0}


def test_at_most_100_rules(ctl):
    for i in range(100):
        ctl.fault(preset="503", path=f"/r{i}")
    assert_error(ctl.post("/faults", json={"preset": "503"}), 409, "general.conflict",
                 contains="100")
    assert ctl.get("/faults").json()["total"] == 100


# ---- Bad rules: 400 naming the field, nothing added -----------------------

BAD_RULES = [
    ({"preset": "500"}, "preset", "Allowable values are: 429, 503, 504, drop"),
    ({"preset": 429}, "preset", "must be a string"),
    ({"preset": "503", "method": "FETCH"}, "method", "Allowable values"),
    ({"preset": "503", "path": "api/v2"}, "path", "must start with /"),
    ({"preset": "503", "path": "/api//v2"}, "path", "empty segment"),
    ({"preset": "503", "path": "/"}, "path", "empty segment"),
    ({"preset": "503", "path": "/**/x"}, "path", "** may only be the last"),
    ({"preset": "503", "path": "/a*b"}, "path", "* or ** whole"),
    ({"preset": "503", "path": "/a\nb"}, "path", "control character"),
    ({"preset": "503", "path": "/" + "a" * 600}, "path", "the limit is 512"),
    ({"preset": "503", "organizationId": 5}, "organizationId", "must be a string"),
    ({"preset": "503", "clientId": ["x"]}, "clientId", "must be a string"),
    ({"status": 399}, "status", "from 400 to 599; got 399"),
    ({"status": 600}, "status", "from 400 to 599; got 600"),
    ({"status": "429"}, "status", "must be an integer"),
    ({"status": 429, "code": "Too Many"}, "code", "a-z, 0-9"),
    ({"status": 429, "code": ""}, "code", "a-z, 0-9"),
    ({"status": 429, "code": "x" * 48}, "code", "the limit is 47"),
    ({"status": 429, "message": 5}, "message", "must be a string"),
    ({"status": 429, "message": "m" * 701}, "message", "the limit is 700"),
    ({"status": 429, "retryAfter": -1}, "retryAfter", "from 0 to 86400; got -1"),
    ({"status": 429, "retryAfter": 86401}, "retryAfter", "got 86401"),
    ({"status": 429, "retryAfter": 1.5}, "retryAfter", "must be an integer"),
    ({"preset": "503", "probability": 1.5}, "probability", "from 0 to 1; got 1.5"),
    ({"preset": "503", "probability": -0.1}, "probability", "got -0.1"),
    ({"preset": "503", "probability": "1"}, "probability", "must be a number"),
    ({"preset": "503", "times": 0}, "times", "got 0"),
    ({"preset": "503", "times": -3}, "times", "got -3"),
    ({"preset": "503", "latencyMs": 10001}, "latencyMs", "from 0 to 10000; got 10001"),
    ({"preset": "503", "latencyMs": -1}, "latencyMs", "got -1"),
    ({"preset": "drop", "status": 503}, "status", "cannot go with the preset drop"),
    ({"preset": "drop", "code": "x.y"}, "code", "takes no code"),
    ({"preset": "drop", "retryAfter": 2}, "retryAfter", "takes no code"),
    ({"code": "x.y"}, "status", "required with code"),
    ({"latencyMs": 0}, "status", "it has none"),
    ({}, "status", "it has none"),
    ({"preset": "503", "id": "mine"}, "id", "assigned by the server"),
    ({"preset": "503", "fired": 3}, "fired", "assigned by the server"),
]


@pytest.mark.parametrize("body,field,words", BAD_RULES)
def test_bad_rule_is_400_naming_the_field(ctl, body, field, words):
    r = ctl.post("/faults", json=body)
    b = assert_error(r, 400, "invalid.value", field=field)
    assert words in b["message"], b["message"]
    assert ctl.get("/faults").json()["total"] == 0


def test_bad_rule_message_says_where(ctl):
    b = ctl.post("/faults", json={"preset": "503", "times": 0}).json()
    assert "POST /_dialbook/faults" in b["message"]


def test_unknown_property_is_named_with_a_hint(ctl):
    b = assert_error(ctl.post("/faults", json={"preset": "503", "statuss": 3}), 400,
                     "invalid.property", field="statuss")
    assert "did you mean status" in b["message"]
    assert ctl.get("/faults").json()["total"] == 0


@pytest.mark.parametrize("data,ctype,status,code,words", [
    ('{"preset": ', "application/json", 400, "bad.request", "line 1"),
    ('[1]', "application/json", 400, "invalid.value", "must be a JSON object"),
    ('', "application/json", 400, "bad.request", "body is empty"),
    ('{"preset":"503"}', "text/plain", 415, "unsupported.media.type", "JSON"),
    ('{"preset":"503","preset":"429"}', "application/json", 400, "bad.request", "duplicate"),
])
def test_bad_bodies(ctl, data, ctype, status, code, words):
    r = ctl.post("/faults", data=data, headers={"Content-Type": ctype})
    b = assert_error(r, status, code)
    assert words in b["message"], b["message"]
    assert ctl.get("/faults").json()["total"] == 0

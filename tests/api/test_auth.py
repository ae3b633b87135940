"""OAuth2 client credentials, bearer tokens, permissions and scopes
(DESIGN §3.11-3.12)."""
import base64
import subprocess
import time

import pytest
import requests

from conftest import LISTS, PG_SERVER, Api, assert_error, cloud_list, run_cli


def token_request(server, data=None, auth=None, headers=None, raw=None):
    return requests.post(server.base + "/oauth/token", data=raw if raw is not None else data,
                         auth=auth, headers=headers)


def oauth_error(r, status, error, contains=None):
    assert r.status_code == status, r.text
    body = r.json()
    assert body["error"] == error
    assert body["description"] == body["error_description"]
    assert r.headers["Cache-Control"] == "no-store"
    if contains:
        assert contains in body["error_description"]
    return body


def test_token_with_basic_auth_and_with_form_fields(server):
    c = server.client()
    r = token_request(server, {"grant_type": "client_credentials"},
                      auth=(c["client_id"], c["client_secret"]))
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 86399
    assert len(body["access_token"]) >= 43
    assert r.headers["Cache-Control"] == "no-store"
    r2 = token_request(server, {"grant_type": "client_credentials",
                                "client_id": c["client_id"],
                                "client_secret": c["client_secret"]})
    assert r2.status_code == 200 and r2.json()["access_token"] != body["access_token"]
    for tok in (body["access_token"], r2.json()["access_token"]):
        assert Api(server.base, tok).get(LISTS).status_code == 200


def test_tokens_and_secrets_are_stored_only_as_hashes(server):
    c = server.client()
    tok = server.token(c)
    if PG_SERVER:  # every row of the database, as text
        dump = subprocess.run(["pg_dump", "--data-only", server.db], capture_output=True,
                              timeout=60)
        assert dump.returncode == 0, dump.stderr
        data = dump.stdout
        assert c["client_id"].encode() in data  # the dump holds the clients
    else:
        data = open(server.db, "rb").read()
        wal = server.db + "-wal"
        try:
            data += open(wal, "rb").read()
        except FileNotFoundError:
            pass
    assert tok.encode() not in data
    assert c["client_secret"].encode() not in data
    assert tok not in server.log_text() and c["client_secret"] not in server.log_text()


def test_wrong_secret_and_unknown_client(server):
    """One answer for both (issue 9): it does not tell which client ids exist."""
    c = server.client()
    r = token_request(server, {"grant_type": "client_credentials"},
                      auth=(c["client_id"], "wrong"))
    wrong = oauth_error(r, 401, "invalid_client", "authentication failed")
    assert r.headers["WWW-Authenticate"].startswith("Basic")
    r = token_request(server, {"grant_type": "client_credentials"}, auth=("nobody", "x"))
    assert oauth_error(r, 401, "invalid_client") == wrong
    assert r.headers["WWW-Authenticate"].startswith("Basic")
    r = token_request(server, {"grant_type": "client_credentials", "client_id": "nobody",
                               "client_secret": "x"})
    assert oauth_error(r, 401, "invalid_client") == wrong
    assert "WWW-Authenticate" not in r.headers


@pytest.mark.parametrize("data,status,error", [
    ({}, 400, "invalid_request"),
    ({"grant_type": "password"}, 400, "unsupported_grant_type"),
    ({"grant_type": "client_credentials"}, 401, "invalid_client"),
])
def test_token_request_errors(server, data, status, error):
    oauth_error(token_request(server, data), status, error)


@pytest.mark.parametrize("raw,headers,contains", [
    ("grant_type=client_credentials%zz", None, "escape"),
    ("grant_type=client_credentials%00", None, "escape"),
    ('{"grant_type":"client_credentials"}', {"Content-Type": "application/json"}, "form"),
    ("&".join(f"k{i}=v" for i in range(40)), None, "fields"),
])
def test_malformed_token_requests(server, raw, headers, contains):
    h = {"Content-Type": "application/x-www-form-urlencoded"}
    h.update(headers or {})
    oauth_error(token_request(server, raw=raw, headers=h), 400, "invalid_request", contains)


def test_bad_basic_header_and_mixed_credentials(server):
    c = server.client()
    r = token_request(server, {"grant_type": "client_credentials"},
                      headers={"Authorization": "Basic !!!notbase64"})
    oauth_error(r, 400, "invalid_request", "Basic")
    nocolon = base64.b64encode(b"justanid").decode()
    r = token_request(server, {"grant_type": "client_credentials"},
                      headers={"Authorization": "Basic " + nocolon})
    oauth_error(r, 400, "invalid_request")
    r = token_request(server, {"grant_type": "client_credentials", "client_id": c["client_id"]},
                      auth=(c["client_id"], c["client_secret"]))
    oauth_error(r, 400, "invalid_request", "not both")


def test_scope_narrows_a_token(server):
    c = server.client()
    r = token_request(server, {"grant_type": "client_credentials",
                               "scope": "outbound:contactlist:read"},
                      auth=(c["client_id"], c["client_secret"]))
    assert r.status_code == 200, r.text
    api = Api(server.base, r.json()["access_token"])
    assert api.get(LISTS).status_code == 200
    err = assert_error(api.post(LISTS, json=cloud_list()), 403, "missing.permissions")
    assert "outbound:contactList:add" in err["message"]


def test_an_empty_scope_narrows_nothing(server):
    # Swagger UI's Authorize sends scope= when no scope is ticked.
    c = server.client()
    r = token_request(server, {"grant_type": "client_credentials", "scope": ""},
                      auth=(c["client_id"], c["client_secret"]))
    assert r.status_code == 200, r.text
    assert Api(server.base, r.json()["access_token"]).post(LISTS, json=cloud_list()).status_code == 201


def test_scope_cannot_widen_a_token(server):
    c = server.client(grant="outbound:readonly")
    r = token_request(server, {"grant_type": "client_credentials", "scope": "outbound"},
                      auth=(c["client_id"], c["client_secret"]))
    oauth_error(r, 400, "invalid_scope", "outbound:contactList:add")
    r = token_request(server, {"grant_type": "client_credentials", "scope": "outbound:bogus"},
                      auth=(c["client_id"], c["client_secret"]))
    oauth_error(r, 400, "invalid_scope", "outbound:bogus")


def test_missing_token_and_bad_tokens(server):
    r = requests.get(server.base + LISTS)
    assert_error(r, 401, "authentication.required")
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    r = requests.get(server.base + LISTS, headers={"Authorization": "Bearer nope"})
    assert_error(r, 401, "bad.credentials")
    assert 'error="invalid_token"' in r.headers["WWW-Authenticate"]
    r = requests.get(server.base + LISTS, headers={"Authorization": "Basic abc"})
    assert_error(r, 401, "authentication.required")
    r = requests.get(server.base + LISTS, headers={"Authorization": "Bearer "})
    assert_error(r, 401, "authentication.required")


def test_client_without_add_gets_403_and_nothing_is_stored(server):
    reader = server.session(grant="outbound:contactList:view")
    r = reader.post(LISTS, json=cloud_list())
    err = assert_error(r, 403, "missing.permissions")
    assert "outbound:contactList:add" in err["message"]
    assert 'error="insufficient_scope"' in r.headers["WWW-Authenticate"]
    assert reader.get(LISTS).json()["total"] == 0


@pytest.mark.parametrize("grant,method,path,allowed", [
    ("outbound:contactList:view", "GET", LISTS, True),
    ("outbound:contactList:view", "DELETE", LISTS + "?id=x", False),
    ("outbound:contactList:*", "DELETE", LISTS + "?id=x", True),
    ("outbound:*:view", "GET", LISTS, True),
    ("outbound:contact:*", "GET", LISTS, False),
    ("outbound:readonly", "GET", LISTS + "/divisionviews", True),
    ("outbound:contactlist:write", "GET", LISTS, False),
    ("outbound:contactlist:read", "GET", LISTS + "/divisionviews", True),
    ("*", "POST", LISTS, True),
])
def test_grant_matching(server, grant, method, path, allowed):
    api = server.session(grant=grant)
    r = api.request(method, path, json=cloud_list() if method == "POST" else None)
    if allowed:
        assert r.status_code != 403, r.text
    else:
        assert_error(r, 403, "missing.permissions")


def test_revoked_client_loses_its_tokens_at_once(server):
    api = server.session()
    assert api.get(LISTS).status_code == 200
    out = run_cli("client", "revoke", api.client_info["client_id"], "--db", server.db)
    assert api.client_info["client_id"] in out.stdout
    assert_error(api.get(LISTS), 401, "bad.credentials")
    r = token_request(server, {"grant_type": "client_credentials"},
                      auth=(api.client_info["client_id"], api.client_info["client_secret"]))
    oauth_error(r, 401, "invalid_client")


def test_tokens_expire(make_server):
    srv = make_server("--token-ttl", "1")
    c = srv.client()
    r = token_request(srv, {"grant_type": "client_credentials"},
                      auth=(c["client_id"], c["client_secret"]))
    assert r.json()["expires_in"] == 1
    api = Api(srv.base, r.json()["access_token"])
    assert api.get(LISTS).status_code == 200
    time.sleep(1.2)
    assert_error(api.get(LISTS), 401, "bad.credentials")

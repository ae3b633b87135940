"""Header values are trimmed as HTTP says (RFC 9110 5.5: surrounding white
space is not part of the value), and a refusal of a malformed token says
what is wrong with it instead of advising a new one (issue 8, item 8)."""
import http.client
import json

import pytest

from conftest import LISTS, assert_error



@pytest.fixture
def srv(profile_server):
    return profile_server


def raw_get(srv, path, headers):
    """A request with header values exactly as given (requests would strip them)."""
    host, port = srv.base.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.putrequest("GET", path)
    for k, v in headers:
        conn.putheader(k, v)
    conn.endheaders()
    r = conn.getresponse()
    body = json.loads(r.read() or b"null")
    conn.close()
    return r.status, body


@pytest.mark.parametrize("value", ["Bearer {} ", "Bearer {}\t", "Bearer  {}  ", "Bearer\t{}",
                                   "bearer {}", "  Bearer {}"])
def test_the_token_is_the_same_whatever_white_space_surrounds_it(srv, value):
    api = srv.session()
    token = api.headers["Authorization"].split(" ", 1)[1]
    status, body = raw_get(srv, LISTS, [("Authorization", value.format(token))])
    assert status == 200, body
    assert body["entities"] == []


def test_other_header_values_are_trimmed_too(srv):
    api = srv.session()
    r = api.post(LISTS, data=json.dumps({"name": "trimmed", "columnNames": ["a"]}),
                 headers={"Content-Type": "application/json \t"})
    assert r.status_code in (200, 201), r.text


@pytest.mark.parametrize("token,needle", [
    ("<token>", "a character outside base64url at character 1"),
    ("abc def" + "x" * 36, "white space at character 4"),
    ("x" * 42, "it has 42 characters"),
    ("\u00e9" + "x" * 42, "not printable ASCII"),
])
def test_a_malformed_token_is_explained_without_advising_a_new_one(srv, token, needle):
    status, body = raw_get(srv, LISTS, [("Authorization", ("Bearer " + token).encode("utf-8")
                                         .decode("latin-1"))])
    assert status == 401 and body["code"] == "bad.credentials", body
    assert needle in body["message"], body["message"]
    assert "get a new one" not in body["message"]
    assert "Authorization: Bearer" in body["message"]


def test_an_unknown_token_advises_a_new_one(srv):
    api = srv.session()
    api.headers["Authorization"] = "Bearer " + "A" * 43
    body = assert_error(api.get(LISTS), 401, "bad.credentials")
    assert "get a new one" in body["message"]

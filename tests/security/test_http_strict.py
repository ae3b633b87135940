"""Strict HTTP (issue 9 item 2): a request whose framing two parsers could
read differently is refused with exactly one 400 and the connection closed,
so a request smuggled behind it is never served; absolute URIs come from
--public-url, never from Host; HEAD works wherever GET does; a form field
given twice is refused."""
import socket
import subprocess
import time
from urllib.parse import urlsplit

import pytest
import requests

from api_harness import BINARY
from conftest import LISTS, assert_error

# Pipelined after each refused request: served, it would answer 401.
SMUGGLED = b"GET /api/v2/outbound/contactlists HTTP/1.1\r\nHost: x\r\n\r\n"


def host_port(server):
    u = urlsplit(server.base)
    return u.hostname, u.port


def read_to_eof(server, data, timeout=10):
    """Sends data on a fresh connection and reads until the server closes it."""
    s = socket.create_connection(host_port(server), timeout=timeout)
    s.sendall(data)
    out = b""
    deadline = time.time() + timeout
    try:
        while True:
            assert time.time() < deadline, "the server did not close the connection"
            chunk = s.recv(65536)
            if not chunk:
                return out
            out += chunk
    except ConnectionResetError:
        return out
    except socket.timeout:
        raise AssertionError("the server did not close the connection: " + repr(out[:300]))
    finally:
        s.close()


def parse_responses(raw):
    """Splits a byte stream into (status, headers, body) by Content-Length;
    anything that is not a whole response fails the test."""
    out = []
    while raw:
        head, sep, rest = raw.partition(b"\r\n\r\n")
        assert sep, "a truncated response: " + repr(raw[:300])
        lines = head.decode("latin-1").split("\r\n")
        assert lines[0].startswith("HTTP/1.1 "), "not a status line: " + repr(lines[0])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            assert name.lower() not in headers, "header given twice: " + name
            headers[name.lower()] = value.strip()
        n = int(headers.get("content-length", "0"))
        body, raw = rest[:n], rest[n:]
        out.append((int(lines[0].split()[1]), headers, body))
    return out


def refused_once(server, request):
    responses = parse_responses(read_to_eof(server, request + SMUGGLED))
    assert len(responses) == 1, [r[:2] for r in responses]
    status, headers, body = responses[0]
    assert status == 400
    assert headers["connection"] == "close"
    return headers, body


BAD_FRAMING = {
    "two different Content-Length":
        b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n\r\nabcdef",
    "the same Content-Length twice":
        b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n"
        b"\r\nabcde",
    "Content-Length with Transfer-Encoding":
        b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "a negative Content-Length":
        b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
    "a signed Content-Length":
        b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nabcde",
    "a Content-Length too large for a number":
        b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n"
        b"\r\nabcde",
    "a Content-Length list":
        b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\nabcde",
    "HTTP/1.1 without Host":
        b"GET /api/v2/outbound/contactlists HTTP/1.1\r\n\r\n",
    "two Host headers":
        b"GET /api/v2/outbound/contactlists HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    "%00 in the path":
        b"GET /api/v2/outbound/contactlists/ab%00cd HTTP/1.1\r\nHost: x\r\n\r\n",
    "%00 in the query":
        b"GET /api/v2/outbound/contactlists?pageSize=1%00 HTTP/1.1\r\nHost: x\r\n\r\n",
    "Transfer-Encoding: xchunked":
        b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
    "a coding before chunked":
        b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
        b"0\r\n\r\n",
    "Transfer-Encoding twice":
        b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
}


@pytest.mark.parametrize("request_bytes", BAD_FRAMING.values(), ids=BAD_FRAMING.keys())
def test_bad_framing_is_one_400_and_the_connection_closes(server, request_bytes):
    headers, body = refused_once(server, request_bytes)
    assert headers["content-type"] == "application/json"
    err = requests.models.complexjson.loads(body)
    assert err["status"] == 400 and err["code"] == "bad.request" and err["message"]
    assert err["contextId"] == headers["inin-correlation-id"]


def test_the_refusals_say_what_is_wrong(server):
    msg = lambda name: requests.models.complexjson.loads(
        refused_once(server, BAD_FRAMING[name])[1])["message"]
    assert "2 Content-Length headers" in msg("two different Content-Length")
    assert "both Transfer-Encoding and Content-Length" in msg(
        "Content-Length with Transfer-Encoding")
    assert "Content-Length header is not a length" in msg("a negative Content-Length")
    assert "Host" in msg("HTTP/1.1 without Host")
    assert '"xchunked"' in msg("Transfer-Encoding: xchunked")
    assert "%00" in msg("%00 in the query")
    assert "contactListId" in msg("%00 in the path")


def test_well_framed_pipelined_requests_are_all_served(server):
    """The control: the same reader sees both answers when nothing is wrong,
    so the tests above can fail."""
    good = b"GET /api/v2/outbound/contactlists HTTP/1.1\r\nHost: x\r\n\r\n"
    last = b"GET /api/v2/outbound/contactlists HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    responses = parse_responses(read_to_eof(server, good + good + last))
    assert [r[0] for r in responses] == [401, 401, 401]
    chunked = (b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
               b"Content-Type: application/x-www-form-urlencoded\r\n\r\n"
               b"b\r\ngrant_type=\r\n0\r\n\r\n")
    responses = parse_responses(read_to_eof(server, chunked + last))
    assert [r[0] for r in responses] == [400, 401]  # grant_type empty, then the next one


def test_an_oversized_body_is_refused_with_one_answer(server, api):
    """413 before the body is read: one answer, and what follows is not a request."""
    head = (f"POST {LISTS} HTTP/1.1\r\nHost: x\r\n"
            f"Authorization: {api.headers['Authorization']}\r\n"
            "Content-Type: application/json\r\nContent-Length: 600000\r\n\r\n").encode()
    responses = parse_responses(read_to_eof(server, head + SMUGGLED))
    assert [r[0] for r in responses] == [413]


def export_of(api):
    lst = api.post(LISTS, json={"name": "exported", "columnDefinitions": [
        {"name": "phone", "type": "phone"}]}).json()
    assert api.post(f"{LISTS}/{lst['id']}/export", json={}).status_code == 200
    deadline = time.time() + 30
    while api.get(f"{LISTS}/{lst['id']}/export").status_code == 404:
        assert time.time() < deadline
        time.sleep(0.05)
    return lst


def test_absolute_uris_never_come_from_host(server, api):
    lst = export_of(api)
    evil = {"Host": "attacker.example"}
    body = api.get(f"{LISTS}/{lst['id']}/export", headers=evil).json()
    assert body["uri"].startswith(server.base + "/api/v2/downloads/"), body
    r = api.get(f"{LISTS}/{lst['id']}/export", params={"download": "true"}, headers=evil,
                allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"] == body["uri"]
    download_id = body["uri"].rsplit("/", 1)[1]
    r = api.get(f"/api/v2/downloads/{download_id}", params={"issueRedirect": "false"},
                headers=evil)
    assert r.json()["url"] == body["uri"]
    assert "attacker" not in r.text


def test_public_url_is_the_base_of_absolute_uris(make_server):
    srv = make_server("--public-url", "https://dialbook.example.com/outbound/")
    api = srv.session()
    lst = export_of(api)
    uri = api.get(f"{LISTS}/{lst['id']}/export").json()["uri"]
    assert uri.startswith("https://dialbook.example.com/outbound/api/v2/downloads/"), uri
    assert "public_url=https://dialbook.example.com/outbound " in srv.log_text()


@pytest.mark.parametrize("url", ["dialbook.example.com", "ftp://x", "http://", "http://x/?a=1",
                                 "http://a b", "https://x/#f", "http:///path"])
def test_a_bad_public_url_is_refused_at_start(tmp_path, url):
    proc = subprocess.run([BINARY, "--listen", "127.0.0.1:0", "--db", str(tmp_path / "d.db"),
                           "--public-url", url], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2, proc.stderr
    assert "--public-url wants an absolute http:// or https:// URL" in proc.stderr


def test_head_answers_as_get_without_a_body(server, api):
    lst = api.post(LISTS, json={"name": "head", "columnDefinitions": [{"name": "a"}]}).json()
    for path in (LISTS, f"{LISTS}/{lst['id']}", f"{LISTS}/{lst['id']}/importstatus",
                 "/api/v2/docs/openapi.json"):
        g, h = api.get(path), api.head(path)
        assert g.status_code == h.status_code == 200, (path, h.status_code)
        assert h.content == b""
        for name in ("Content-Type", "Content-Length", "inin-ratelimit-allowed"):
            assert h.headers[name] == g.headers[name], (path, name)
    assert api.head(f"{LISTS}/nope").status_code == 404
    r = requests.head(server.base + LISTS)
    assert r.status_code == 401 and r.content == b""
    r = api.head("/oauth/token")
    assert r.status_code == 405 and r.headers["Allow"] == "POST"
    r = api.patch(LISTS)
    assert set(r.headers["Allow"].split(", ")) == {"GET", "HEAD", "POST", "DELETE"}


def test_head_of_a_download_sends_no_file(api):
    lst = export_of(api)
    uri = api.get(f"{LISTS}/{lst['id']}/export").json()["uri"]
    g, h = api.get(uri), api.head(uri)
    assert g.status_code == h.status_code == 200 and g.content
    assert h.content == b"" and h.headers["Content-Length"] == g.headers["Content-Length"]


@pytest.mark.parametrize("field", ["id", "fileType", "contact-id-name", "clearSystemData",
                                   "file"])
def test_a_form_field_given_twice_is_refused(api, field):
    lst = api.post(LISTS, json={"name": "twice", "columnDefinitions": [
        {"name": "phone", "type": "phone"}]}).json()
    values = {"id": lst["id"], "fileType": "contactlist", "contact-id-name": "phone",
              "clearSystemData": "false"}
    parts = [(name, (None, value)) for name, value in values.items()]
    parts.append(("file", ("a.csv", b"phone\n5551234567\n", "text/csv")))
    twin = next(p for p in parts if p[0] == field)
    parts.append(twin)
    r = api.post("/uploads/v2/contactlist", files=parts)
    assert_error(r, 400, "bad.request", contains=f"the form field {field} is given twice")
    r = api.post("/uploads/v2/contactlist", files=parts[:-1])
    assert r.status_code == 200, r.text

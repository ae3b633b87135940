"""Logs cannot be forged (issue 9 item 3): whatever a client puts in a path,
a query, a header, an upload field or an import, the log keeps one line per
event, each `ts=... level=... event=...` with well-formed key=value fields,
and the client's text shows up escaped inside the value it belongs to."""
import re
import socket
import time
from urllib.parse import urlsplit

from conftest import LISTS

FORGED = "ts=2030-01-01T00:00:00Z level=error event=admin_login user=root"
# A bare value, or a quoted one with \" \\ \n \r \t \xHH escapes.
FIELD = r'[A-Za-z_][A-Za-z0-9_.-]*=(?:"(?:[^"\\\x00-\x1f\x7f]|\\["\\nrt]|\\x[0-9A-F]{2})*"' \
        r'|(?:[^\s"\\\x00-\x1f\x7f]|\\["\\nrt]|\\x[0-9A-F]{2})*)'
LINE = re.compile(r"ts=\S+ level=(?:debug|info|warn|error) event=[a-z_]+(?: " + FIELD + ")*")


def check_log(text):
    """Every line is one event of the logger's own shape."""
    lines = text.splitlines()
    assert lines, "no log"
    for line in lines:
        assert LINE.fullmatch(line), "not a log line: " + repr(line)
        assert "event=admin_login" not in line.split(" ")[2], line
    return lines


def raw_request(srv, data, timeout=5):
    u = urlsplit(srv.base)
    s = socket.create_connection((u.hostname, u.port), timeout=timeout)
    s.sendall(data)
    out = b""
    try:
        while chunk := s.recv(65536):
            out += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    s.close()
    return out


def wait_for(srv, needle, timeout=5):
    deadline = time.time() + timeout
    while needle not in srv.log_text():
        assert time.time() < deadline, "not logged: " + needle
        time.sleep(0.02)


def test_forged_lines_through_the_request_stay_inside_their_values(make_server):
    srv = make_server("--log-level", "debug")
    api = srv.session()
    forged_path = "/x%0A" + FORGED.replace(" ", "%20")
    api.get(forged_path, params={"q": "\n" + FORGED})
    # Headers: tabs, a folded line, a correlation id of the client's.
    tabs = FORGED.replace(" ", "\t").encode()
    raw_request(srv, b"GET " + LISTS.encode() + b" HTTP/1.1\r\nHost: x\r\nUser-Agent: a\t" +
                tabs + b"\r\nX-Forwarded-For: b\r\n " + tabs + b"\r\ninin-correlation-id: " +
                tabs + b"\r\nAuthorization: " + api.headers["Authorization"].encode() +
                b"\r\nConnection: close\r\n\r\n")
    # Raw bytes a URL cannot carry: control characters, a quote, a
    # backslash, a UTF-8 line separator, invalid UTF-8.
    raw_path = b"/y\x0b\x1b[31m\"\\\xe2\x80\xa8\xff" + FORGED.replace(" ", "\t").encode()
    raw_request(srv, b"GET " + raw_path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    # libmicrohttpd's own messages (logged at debug) quote the path too.
    raw_request(srv, b"POST /z\x0b" + FORGED.replace(" ", "\t").encode() +
                b" HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n")
    wait_for(srv, "path=/z\\x0Bts=")
    lines = check_log(srv.log_text())
    assert any("event=http_library" in l and "`/z\\x0Bts=" in l for l in lines), lines
    request = [l for l in lines if "event=request " in l]
    assert any("path=" + forged_path + " " in l for l in request), request
    assert any('path=/y\\x0B\\x1B[31m\\"\\\\\\xE2\\x80\\xA8\\xFF' in l for l in request), request
    assert any("\\tlevel=error\\tevent=admin_login" in l for l in request)
    assert not any("admin_login" in l.split(" ")[2] for l in lines)


def test_upload_fields_and_import_values_cannot_forge_lines(make_server):
    srv = make_server("--log-level", "debug")
    api = srv.session()
    lst = api.post(LISTS, json={"name": "forge", "columnDefinitions": [
        {"name": "phone", "type": "phone"}]}).json()
    # A field name of the client's, and a contact-id-name that is no column.
    r = api.post("/uploads/v2/contactlist", files=[
        ("id", (None, lst["id"])), ("fileType", (None, "contactlist")),
        ("evil\n" + FORGED, (None, "x")), ("file", ("a.csv", b"phone\n5551234567\n"))])
    assert r.status_code == 400
    r = api.post("/uploads/v2/contactlist", files=[
        ("id", (None, lst["id"])), ("fileType", (None, "contactlist")),
        ("contact-id-name", (None, "id\n" + FORGED)),
        ("file", ("a.csv", b"phone\n5551234567\n"))])
    assert r.status_code == 200, r.text
    deadline = time.time() + 30
    while api.get(f"{LISTS}/{lst['id']}/importstatus").json().get("state") == "IN_PROGRESS":
        assert time.time() < deadline
        time.sleep(0.05)
    # A list id and a contact id full of line breaks reach the log only escaped.
    api.get(f"{LISTS}/%0A{FORGED.replace(' ', '%20')}/contacts/%0D%0A")
    wait_for(srv, "event=import_finished")
    check_log(srv.log_text())


def test_the_logger_escapes_what_it_is_given(make_server):
    """A bare value escapes spaces and quotes; a quoted one keeps spaces.
    mhd_log's message is a quoted value: a path with a quote and a space
    inside it cannot close it."""
    srv = make_server("--log-level", "debug")
    raw_request(srv, b'POST /q"\x20x=1 HTTP/1.1\r\nHost: x\r\nContent-Length: +1\r\n\r\n')
    wait_for(srv, 'path=/q\\"\\x20x=1 ')
    lines = check_log(srv.log_text())
    assert any("event=http_library message=" in l and "`/q\\\" x=1'" in l for l in lines), lines

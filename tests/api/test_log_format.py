"""--log-format json (issue 13 item 6, docs/operations.md): every line a
server writes is one JSON object with ts, level and event, numbers as
numbers, and hostile request paths come back as the strings they were."""
import json
import signal
import socket
import subprocess
import time

import requests

from conftest import BINARY, LISTS, SANITIZER_MARKS, Server, run_cli


def start_json_server(tmp_path, *flags):
    """A server logging JSON (the harness's Server looks for the text
    format); returns (process, base URL, log path)."""
    db = Server(tmp_path).db  # a PostgreSQL database under DIALBOOK_TEST_PG
    log_path = tmp_path / "json.log"
    log = open(log_path, "w")
    proc = subprocess.Popen([BINARY, "--listen", "127.0.0.1:0", "--db", db,
                             "--log-format", "json", *flags],
                            stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 20
    while time.time() < deadline:
        for line in log_path.read_text().splitlines():
            entry = json.loads(line)
            if entry.get("event") == "listening":
                return proc, f"http://127.0.0.1:{entry['port']}", log_path, db
        assert proc.poll() is None, log_path.read_text()
        time.sleep(0.02)
    proc.kill()
    raise AssertionError("no listening line: " + log_path.read_text())


def test_every_line_is_a_json_object(tmp_path):
    proc, base, log_path, db = start_json_server(tmp_path, "--rate-limit", "0")
    try:
        client = json.loads(run_cli("client", "add", "--db", db, "--org", "json",
                                    "--name", "c", "--grant", "outbound").stdout)
        r = requests.post(base + "/oauth/token", data={"grant_type": "client_credentials"},
                          auth=(client["client_id"], client["client_secret"]))
        token = r.json()["access_token"]
        h = {"Authorization": "Bearer " + token}
        assert requests.get(base + LISTS, headers=h).status_code == 200
        weird = LISTS + '/a%20b%22c%5Cd%0Ae%E2%80%A8f%FF'
        assert requests.get(base + weird, headers=h).status_code in (400, 404)
        assert requests.get(base + LISTS, headers={"Authorization": "Bearer nope"}) \
            .status_code == 401
        # A raw path with a quote, a backslash and UTF-8 (requests would
        # percent-encode them): logged escaped, read back as they were.
        host, port = base[7:].split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall('GET /x"y\\z\u00e9 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n'
                         .encode())
            while sock.recv(4096):
                pass
    finally:
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=30)
    text = log_path.read_text()
    for mark in SANITIZER_MARKS:
        assert mark not in text, text
    assert rc == 0, text
    entries = [json.loads(line) for line in text.splitlines()]  # every line parses
    for e in entries:
        assert isinstance(e["ts"], str) and e["ts"].endswith("Z"), e
        assert e["level"] in ("debug", "info", "warn", "error"), e
        assert isinstance(e["event"], str), e
        assert list(e)[:2] == ["ts", "level"], e
    events = [e["event"] for e in entries]
    assert "listening" in events and "stopped" in events
    listening = next(e for e in entries if e["event"] == "listening")
    assert isinstance(listening["port"], int) and listening["rate_limit"] == 0
    requests_seen = [e for e in entries if e["event"] == "request"]
    assert {e["status"] for e in requests_seen} >= {200, 401}
    for e in requests_seen:
        assert isinstance(e["status"], int) and isinstance(e["duration_ms"], (int, float))
    paths = [e["path"] for e in requests_seen]
    assert LISTS + "/a%20b%22c%5Cd%0Ae%E2%80%A8f%FF" in paths, paths
    assert '/x"y\\z\u00e9' in paths, paths
    # Nothing secret: the token is in no line.
    assert token not in text and client["client_secret"] not in text


def test_bad_log_format_is_one_line_and_exit_2(tmp_path):
    proc = subprocess.run([BINARY, "--log-format", "xml", "--db", str(tmp_path / "x.db")],
                          capture_output=True, text=True, timeout=20)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "--log-format is text or json, not xml" in lines[0]
    proc = subprocess.run([BINARY, "--help"], capture_output=True, text=True, timeout=20)
    assert "--log-format" in proc.stdout

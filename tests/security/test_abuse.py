"""Abuse limits that hold (issue 9 item 4): token requests are counted per
address and per client whatever else they carry; an unknown client and a
wrong secret get one answer; a connection must complete its request's
headers within --header-timeout however slowly it keeps sending, and caps
per address and in total keep a few addresses from taking every slot."""
import base64
import http.client
import socket
import threading
import time
import uuid
from urllib.parse import urlsplit

import requests

from conftest import LISTS, run_cli

TOKEN = "/oauth/token"


def host_port(srv):
    u = urlsplit(srv.base)
    return u.hostname, u.port


def token_from(srv, source, client_id, secret, headers=None):
    """A token request from a loopback address of our choice."""
    conn = http.client.HTTPConnection(*host_port(srv), timeout=10,
                                      source_address=(source, 0))
    auth = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    h = {"Content-Type": "application/x-www-form-urlencoded", "Authorization": "Basic " + auth}
    h.update(headers or {})
    conn.request("POST", TOKEN, body="grant_type=client_credentials", headers=h)
    r = conn.getresponse()
    r.read()
    conn.close()
    return r.status


def test_a_made_up_bearer_token_does_not_reset_the_token_budget(make_server):
    srv = make_server("--rate-limit", "5")
    codes = []
    for _ in range(8):
        r = requests.post(srv.base + TOKEN, data={"grant_type": "client_credentials"},
                          headers={"Authorization": "Bearer " + uuid.uuid4().hex})
        codes.append(r.status_code)
    assert codes[:5] == [401] * 5, codes
    assert codes[5:] == [429] * 3, codes
    assert int(r.headers["Retry-After"]) > 0
    assert r.json()["code"] == "too.many.requests"


def test_one_client_is_limited_across_addresses(make_server):
    """Guessing a secret from many addresses is as slow as from one."""
    srv = make_server("--rate-limit", "4")
    c = srv.client()
    sources = [f"127.0.0.{i}" for i in range(2, 9)]
    codes = [token_from(srv, src, c["client_id"], "wrong") for src in sources]
    assert codes[:4] == [401] * 4 and codes[4:] == [429] * 3, codes
    # Its right secret waits too; another client from a fresh address does not.
    assert token_from(srv, "127.0.0.9", c["client_id"], c["client_secret"]) == 429
    other = srv.client()
    assert token_from(srv, "127.0.0.10", other["client_id"], other["client_secret"]) == 200


def test_an_unknown_client_and_a_wrong_secret_get_the_same_answer(server):
    c = server.client()
    revoked = server.client()
    run_cli("client", "revoke", "--db", server.db, revoked["client_id"])
    answers = []
    for client_id, secret in ((c["client_id"], "wrong"), ("no-such-client", "x"),
                              (revoked["client_id"], revoked["client_secret"]),
                              ("x" * 300, "y")):
        r = requests.post(server.base + TOKEN, data={"grant_type": "client_credentials"},
                          auth=(client_id, secret))
        answers.append((r.status_code, r.json(), r.headers.get("WWW-Authenticate")))
        r = requests.post(server.base + TOKEN, data={
            "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})
        answers.append((r.status_code, r.json(), r.headers.get("WWW-Authenticate")))
    basic, form = answers[0::2], answers[1::2]
    assert all(a == basic[0] for a in basic), basic
    assert all(a == form[0] for a in form), form
    assert basic[0][0] == 401 and basic[0][1]["error"] == "invalid_client"
    assert basic[0][1] == form[0][1] and form[0][2] is None
    assert c["client_id"] not in str(answers)
    # An id longer than any client's (it fits no Basic header) answers the same.
    r = requests.post(server.base + TOKEN, data={
        "grant_type": "client_credentials", "client_id": "x" * 500, "client_secret": "y"})
    assert (r.status_code, r.json(), r.headers.get("WWW-Authenticate")) == form[0]


class SlowClient:
    """Sends a request line and then one header line every `every` seconds,
    never the blank line; notes when the server closed the connection."""

    def __init__(self, srv, source, every):
        self.closed_at = None
        self.opened = time.time()
        self.sock = socket.socket()
        self.sock.bind((source, 0))
        self.sock.settimeout(5)
        self.sock.connect(host_port(srv))
        self.every = every
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        try:
            self.sock.sendall(b"GET " + LISTS.encode() + b" HTTP/1.1\r\nHost: x\r\n")
            n = 0
            while True:
                self.sock.settimeout(self.every)
                try:
                    if self.sock.recv(4096) == b"":
                        break
                except socket.timeout:
                    pass
                n += 1
                self.sock.sendall(f"X-Slow-{n}: still here\r\n".encode())
        except OSError:
            pass
        self.closed_at = time.time()

    def lifetime(self):
        return None if self.closed_at is None else self.closed_at - self.opened


def served_from(srv, source, timeout):
    conn = http.client.HTTPConnection(*host_port(srv), timeout=timeout,
                                      source_address=(source, 0))
    started = time.time()
    conn.request("GET", LISTS)
    status = conn.getresponse().status
    conn.close()
    return status, time.time() - started


def test_slow_headers_are_cut_at_the_deadline_however_often_they_send(make_server):
    srv = make_server("--header-timeout", "2", "--max-connections", "64",
                      "--max-connections-per-address", "4")
    slow = [SlowClient(srv, f"127.0.0.{2 + i % 4}", every=0.3) for i in range(16)]
    time.sleep(0.5)
    assert all(s.closed_at is None for s in slow), "cut before the deadline"
    deadline = time.time() + 6
    while any(s.closed_at is None for s in slow):
        assert time.time() < deadline, "slow clients outlived the header deadline"
        time.sleep(0.05)
    # Each kept sending every 0.3 s, and each was cut at 2 s (+ the reaper's 0.5 s).
    for s in slow:
        assert 1.9 <= s.lifetime() <= 3.5, s.lifetime()
    assert "event=connection_cut reason=header_timeout client=127.0.0.2" in srv.log_text()


def test_slow_clients_holding_every_slot_do_not_lock_everyone_out(make_server):
    """Four addresses take every connection; a client from a fifth is served
    as soon as the deadline has freed a slot, not never."""
    srv = make_server("--header-timeout", "2", "--max-connections", "8",
                      "--max-connections-per-address", "2")
    slow = [SlowClient(srv, f"127.0.0.{2 + i % 4}", every=0.3) for i in range(8)]
    time.sleep(0.3)
    status, took = served_from(srv, "127.0.0.1", timeout=10)
    assert status == 401 and took < 4.5, took
    for s in slow:
        s.thread.join(timeout=6)
        assert s.closed_at is not None


def test_one_address_cannot_take_more_than_its_share(make_server):
    srv = make_server("--header-timeout", "5", "--max-connections", "32",
                      "--max-connections-per-address", "2")
    slow = [SlowClient(srv, "127.0.0.2", every=0.3) for _ in range(5)]
    time.sleep(1)
    cut_at_once = [s for s in slow if s.closed_at is not None]
    assert len(cut_at_once) == 3, [s.lifetime() for s in slow]
    assert all(s.lifetime() < 1 for s in cut_at_once)
    # Another address is served at once while 127.0.0.2 holds its two.
    status, took = served_from(srv, "127.0.0.3", timeout=5)
    assert status == 401 and took < 1, took

"""Helpers of the control API's tests (tests/api/test_control_*.py): a
server started with --control-api, a session that sends its control token,
and small steps the tests share. docs/control-api.md is the contract."""
import os
import re
import time

import pytest
import requests

from conftest import LISTS, Server, upload

CONTROL = "/_dialbook"


def read_token(path):
    """DIALBOOK_CONTROL_TOKEN from a KEY=value file."""
    with open(path) as f:
        for line in f:
            if line.startswith("DIALBOOK_CONTROL_TOKEN="):
                return line.strip().split("=", 1)[1]
    raise AssertionError(f"no DIALBOOK_CONTROL_TOKEN in {path}")


class Control(requests.Session):
    """A session on /_dialbook/ with the control token."""

    def __init__(self, base, token):
        super().__init__()
        self.base = base
        self.token = token
        self.headers["Authorization"] = "Bearer " + token

    def request(self, method, url, *args, **kwargs):
        if url.startswith("/"):
            url = self.base + CONTROL + url
        return super().request(method, url, *args, **kwargs)

    def fault(self, **rule):
        r = self.post("/faults", json=rule)
        assert r.status_code == 201, r.text
        return r.json()

    def journal(self, **filters):
        r = self.get("/journal", params=filters)
        assert r.status_code == 200, r.text
        return r.json()["entities"]

    def clear(self):
        for path in ("/faults", "/progression", "/journal"):
            r = self.delete(path)
            assert r.status_code == 204, r.text


def start_control_server(tmp_path, *flags):
    """A server with the control API; .ctl is its control session."""
    token_file = tmp_path / f"control-{os.urandom(4).hex()}.env"
    s = Server(tmp_path, "--rate-limit", "0", "--control-api", "--control-token-file",
               str(token_file), *flags).start()
    s.token_file = token_file
    s.ctl = Control(s.base, read_token(token_file))
    return s


@pytest.fixture(scope="module")
def cserver(tmp_path_factory):
    s = start_control_server(tmp_path_factory.mktemp("control"))
    yield s
    s.stop()


@pytest.fixture
def ctl(cserver):
    """The control session, with no rule, setting or journal entry left
    by an earlier test."""
    cserver.ctl.clear()
    yield cserver.ctl
    cserver.ctl.clear()


@pytest.fixture
def capi(cserver):
    """A fresh organization's session on the control server."""
    return cserver.session()


def make_list(api, name="control"):
    r = api.post(LISTS, json={"name": name, "columnDefinitions": [
        {"name": "id"}, {"name": "phone", "type": "phone", "required": True}]})
    assert r.status_code == 201, r.text
    return r.json()


def csv_rows(n, start=1):
    rows = "".join(f"{i},+1555{i:07d}\r\n" for i in range(start, start + n))
    return ("id,phone\r\n" + rows).encode()


def status(api, list_id):
    return api.get(f"{LISTS}/{list_id}/importstatus").json()


def wait_until(fn, what, timeout=60):
    """fn()'s first truthy answer, polled; fails naming `what`."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def contact_count(api, list_id):
    r = api.get(f"{LISTS}/{list_id}", params={"includeSize": "true"})
    assert r.status_code == 200, r.text
    return r.json()["size"]


def log_token(server):
    m = re.search(r"event=control_api token=([0-9a-f]+)", server.log_text())
    return m and m.group(1)


__all__ = ["CONTROL", "Control", "capi", "contact_count", "cserver", "csv_rows", "ctl",
           "log_token", "make_list", "read_token", "start_control_server", "status",
           "upload", "wait_until"]

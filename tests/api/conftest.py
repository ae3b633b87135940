"""Black-box harness: starts the real dialbookd on a free port with a
temporary database and talks HTTP to it. The binary comes from $DIALBOOKD
(set by scripts/run-tests: the normal and the sanitizer build).

With $DIALBOOK_TEST_PG set (a libpq URI of a PostgreSQL server where the
tests may create databases), every database is PostgreSQL instead: each
database path a test names gets a fresh database of its own, so servers
given one path share one database, as they would share the file."""
import json
import os
import re
import signal
import subprocess
import time
import urllib.parse
import uuid

import pytest
import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("DIALBOOKD", os.path.join(ROOT, "build", "dialbookd"))
LISTS = "/api/v2/outbound/contactlists"
SANITIZER_MARKS = ("Sanitizer", "runtime error:")
PG_SERVER = os.environ.get("DIALBOOK_TEST_PG", "")
# Tests that look into SQLite's files (the .db, <db>.files) say so.
sqlite_only = pytest.mark.skipif(bool(PG_SERVER),
                                 reason="looks into the SQLite backend's files")
_pg_databases = {}


def pg_database(path):
    """The PostgreSQL database standing for database path `path` (created
    on first use, empty), as a libpq URI."""
    if path not in _pg_databases:
        name = "dialbook_" + uuid.uuid4().hex[:16]
        proc = subprocess.run(["psql", PG_SERVER, "-v", "ON_ERROR_STOP=1", "-qAtc",
                               f"CREATE DATABASE {name}"],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, f"cannot create database {name}: {proc.stderr}"
        _pg_databases[path] = urllib.parse.urlsplit(PG_SERVER)._replace(
            path="/" + name).geturl()
    return _pg_databases[path]


def run_cli(*args, check=True):
    """Runs dialbookd as a command (org/client administration)."""
    proc = subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=60)
    for mark in SANITIZER_MARKS:
        assert mark not in proc.stderr, proc.stderr
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


class Server:
    def __init__(self, tmp_path, *flags, db=None):
        self.tmp = tmp_path
        self.db = db or str(tmp_path / "dialbook.db")
        if PG_SERVER and not self.db.startswith(("postgresql://", "postgres://")):
            self.db = pg_database(self.db)
        self.flags = list(flags)
        self.proc = None
        self.log_path = None
        self.base = None

    def start(self):
        self.log_path = self.tmp / f"dialbookd-{uuid.uuid4().hex[:8]}.log"
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [BINARY, "--listen", "127.0.0.1:0", "--db", self.db, *self.flags],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while time.time() < deadline:
            text = self.log_path.read_text()
            m = re.search(r"event=listening .*port=(\d+)", text)
            if m:
                self.base = f"http://127.0.0.1:{m.group(1)}"
                return self
            if self.proc.poll() is not None:
                raise AssertionError(f"dialbookd exited: {text}")
            time.sleep(0.02)
        raise AssertionError("dialbookd did not start: " + self.log_path.read_text())

    # Set by a suite that bounds memory (tests/security): the most resident
    # memory a server may have reached, in MiB, checked when it stops.
    max_peak_rss_mib = None

    def peak_rss_mib(self):
        """The server's peak resident memory so far (VmHWM), in MiB."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        raise AssertionError("no VmHWM in /proc")

    def stop(self):
        """SIGTERM; the server must exit 0 with no sanitizer report."""
        if not self.proc:
            return
        if self.max_peak_rss_mib is not None and self.proc.poll() is None:
            peak = self.peak_rss_mib()
            assert peak < self.max_peak_rss_mib, f"peak resident memory {peak:.0f} MiB"
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=30)
        self.log.close()
        text = self.log_path.read_text()
        self.proc = None
        for mark in SANITIZER_MARKS:
            assert mark not in text, text
        assert rc == 0, f"dialbookd exited {rc}: {text[-3000:]}"
        assert "event=stopped" in text

    def log_text(self):
        return self.log_path.read_text()

    def client(self, org=None, grant="outbound", name="test client"):
        org = org or "org-" + uuid.uuid4().hex[:10]
        out = run_cli("client", "add", "--db", self.db, "--org", org, "--name", name,
                      "--grant", grant)
        return json.loads(out.stdout)

    def token(self, client, scope=None):
        data = {"grant_type": "client_credentials"}
        if scope:
            data["scope"] = scope
        r = requests.post(self.base + "/oauth/token",
                          auth=(client["client_id"], client["client_secret"]), data=data)
        assert r.status_code == 200, r.text
        return r.json()["access_token"]

    def session(self, org=None, grant="outbound", scope=None):
        """A requests session authenticated as a new client of `org`."""
        c = self.client(org=org, grant=grant)
        s = Api(self.base, self.token(c, scope))
        s.client_info = c
        return s


class Api(requests.Session):
    def __init__(self, base, token):
        super().__init__()
        self.base = base
        self.headers["Authorization"] = "Bearer " + token

    def request(self, method, url, *args, **kwargs):
        if url.startswith("/"):
            url = self.base + url
        return super().request(method, url, *args, **kwargs)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("shared"), "--rate-limit", "0").start()
    yield s
    s.stop()


@pytest.fixture
def api(server):
    """A fresh organization with an `outbound` client: tests never see each other."""
    return server.session()


@pytest.fixture(scope="module", params=["rest", "genesys"])
def profile_server(request, tmp_path_factory):
    """A server a module and status profile: the contract's cases run under
    both (`--profile genesys` answers as the cloud, e.g. 200 on create)."""
    flags = ["--rate-limit", "0"]
    if request.param == "genesys":
        flags += ["--profile", "genesys"]
    s = Server(tmp_path_factory.mktemp(request.param), *flags).start()
    yield s
    s.stop()


@pytest.fixture
def papi(profile_server):
    """Like `api`, on the profile server: each test runs under both profiles."""
    return profile_server.session()


@pytest.fixture
def make_server(tmp_path):
    started = []

    def make(*flags, db=None):
        s = Server(tmp_path, *flags, db=db).start()
        started.append(s)
        return s

    yield make
    for s in started:
        s.stop()


def assert_error(r, status, code, field=None, error_code=None, contains=None):
    """The cloud's ErrorBody, with contextId equal to the correlation header."""
    assert r.status_code == status, r.text
    body = r.json()
    assert body["status"] == status
    assert body["code"] == code, body
    assert isinstance(body["details"], list)
    assert isinstance(body["messageParams"], dict)
    assert body["contextId"] == r.headers["inin-correlation-id"]
    assert body["message"]
    if field is not None:
        assert field in [d.get("fieldName") for d in body["details"]], body
    if error_code is not None:
        assert error_code in [d["errorCode"] for d in body["details"]], body
    if contains is not None:
        assert contains in body["message"], body["message"]
    return body


def assert_store_failed(server, r, fault, retry_after):
    """A request the store failed: 503 with Retry-After and the kind of
    failure in words; the database's own words only in the server's log,
    under the answer's correlation id."""
    body = assert_error(r, 503, "service.unavailable", contains=f"({fault}: ")
    assert r.headers["Retry-After"] == str(retry_after)
    assert "nothing of it was stored" in body["message"]
    line = re.search(rf"event=store_failed correlation_id={body['contextId']} "
                     rf"fault={fault} error=\"([^\"]+)\"", server.log_text())
    assert line, server.log_text()
    assert line.group(1) not in body["message"]
    return body


def phone_list(name="Spring campaign", **extra):
    body = {
        "name": name,
        "status": "ACTIVE",
        "columnDefinitions": [
            {"name": "phone", "type": "phone", "required": True},
            {"name": "email", "type": "email", "required": False},
        ],
    }
    body.update(extra)
    return body


def cloud_list(name="Cloud list", **extra):
    body = {
        "name": name,
        "columnNames": ["First", "Last", "Cell", "Email"],
        "phoneColumns": [{"columnName": "Cell", "type": "cell"}],
        "emailColumns": [{"columnName": "Email", "type": "work"}],
    }
    body.update(extra)
    return body


def upload(api, list_id, data, contact_id_name="id", file_type="contactlist", extra=None,
           status=200):
    """POST /uploads/v2/contactlist: the multipart form of an import."""
    fields = {"id": (None, list_id), "fileType": (None, file_type)}
    if contact_id_name is not None:
        fields["contact-id-name"] = (None, contact_id_name)
    fields["file"] = ("contacts.csv", data, "text/csv")
    fields.update(extra or {})
    r = api.post("/uploads/v2/contactlist", files=fields)
    assert r.status_code == status, r.text
    return r


def wait_import(api, list_id, timeout=60):
    """The import status once the list's import is no longer in progress."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        st = api.get(f"{LISTS}/{list_id}/importstatus").json()
        if st.get("state") != "IN_PROGRESS":
            return st
        time.sleep(0.05)
    raise AssertionError("import did not finish")

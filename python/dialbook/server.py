"""dialbook.Server: a dialbookd of one's own for a test, a notebook or a
script, on a free loopback port with a temporary database.

    with dialbook.Server() as srv:
        srv.session.get("/api/v2/outbound/contactlists").json()

It starts dialbookd with --listen 127.0.0.1:0 (the port is read from its
`event=listening ... port=N` log line), --dev-client-file (the development
client it creates is the one `session` uses) and --control-api (the
/_dialbook/ helpers), and stops it (SIGTERM) on exit.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import requests

from .control import Control, Exports, Faults, Imports, Journal, snapshot_name
from .env import read_env
from .errors import Error, bad_argument
from .session import Session

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
# The repository the package sits in when it is used from the tree (python/dialbook).
TREE = os.path.dirname(os.path.dirname(PACKAGE_DIR))

_LISTENING = re.compile(r"event=listening .*?\bport=(\d+)")
_ERROR_LINE = re.compile(r"^.*level=(?:error|fatal).*$", re.M)


def find_dialbookd():
    """The dialbookd to run: $DIALBOOKD, else the build tree the package sits
    in (<repo>/build/dialbookd), else PATH. Raises dialbook.Error when none is found."""
    env = os.environ.get("DIALBOOKD")
    if env:
        if not os.access(env, os.X_OK):
            raise Error(f"$DIALBOOKD is {env}, which is not an executable file",
                        code="server.not_found")
        return env
    built = os.path.join(TREE, "build", "dialbookd")
    if os.access(built, os.X_OK):
        return built
    found = shutil.which("dialbookd")
    if found:
        return found
    raise Error("dialbookd not found: set $DIALBOOKD, build the tree (make build) or "
                "install it (make install)", code="server.not_found")


class Server:
    """A running dialbookd, as a context manager.

    binary       the dialbookd to run (default: find_dialbookd())
    args         more flags for dialbookd, e.g. ["--profile", "genesys"]
    control_api  serve /_dialbook/ (default True: the helpers need it)
    rate_limit   --rate-limit (requests a minute per token; 0 = off); None: the server's default
    start_timeout seconds to wait for the listening line
    keep         keep the temporary directory (database, log) after exit
    db           the database: None (a new SQLite file in the temporary
                 directory), a path, or a libpq URI (postgresql://...) of an
                 empty PostgreSQL database, which the server sets up

    Attributes once started: base_url, client_id, client_secret, session
    (an authenticated dialbook.Session), log_path, db_path, directory.
    Raises dialbook.Error (code "server.failed", the server's own error line
    as message, the whole log in .log) when dialbookd does not start.
    """

    def __init__(self, binary=None, args=(), control_api=True, rate_limit=None,
                 start_timeout=30.0, keep=False, db=None):
        if isinstance(args, str) or not all(isinstance(a, str) for a in args):
            raise bad_argument(f"Server: args must be a list of strings, got {args!r}")
        if rate_limit is not None and (not isinstance(rate_limit, int) or rate_limit < 0):
            raise bad_argument(f"Server: rate_limit must be a whole number >= 0, got {rate_limit!r}")
        if db is not None and (not isinstance(db, str) or not db):
            raise bad_argument(f"Server: db must be a path or a postgresql:// URI, got {db!r}")
        self.db = db
        self.binary = binary or find_dialbookd()
        self.args = list(args)
        self.control_api = control_api
        self.rate_limit = rate_limit
        self.start_timeout = start_timeout
        self.keep = keep
        self.proc = None
        self.directory = None
        self.base_url = None
        self.client_id = self.client_secret = None
        self.control_token = None
        self.control = self.faults = self.imports = self.exports = self.journal = None
        self._session = None
        self._log = None

    # -- life cycle -------------------------------------------------------

    def command(self):
        cmd = [self.binary, "--listen", "127.0.0.1:0", "--db", self.db_path,
               "--dev-client-file", self.env_path]
        if self.control_api:
            cmd.append("--control-api")
        if self.rate_limit is not None:
            cmd += ["--rate-limit", str(self.rate_limit)]
        return cmd + self.args

    def start(self):
        """Starts dialbookd and waits until it listens; returns self."""
        if self.proc:
            raise Error("Server.start: the server is already running", code="bad.argument")
        self.directory = tempfile.mkdtemp(prefix="dialbook-")
        self.db_path = self.db or os.path.join(self.directory, "dialbook.db")
        self.env_path = os.path.join(self.directory, "dev-client.env")
        self.log_path = os.path.join(self.directory, "dialbookd.log")
        self._log = open(self.log_path, "wb")
        try:
            self.proc = subprocess.Popen(self.command(), stdout=self._log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        except OSError as e:
            self._cleanup()
            raise Error(f"cannot run {self.binary}: {e}", code="server.failed") from e
        deadline = time.monotonic() + self.start_timeout
        while True:
            text = self.log_text()
            m = _LISTENING.search(text)
            if m:
                break
            if self.proc.poll() is not None:
                rc, self.proc = self.proc.returncode, None
                self._fail(f"dialbookd exited with status {rc}", self.log_text())
            if time.monotonic() > deadline:
                self.proc.kill()
                self.proc.wait()
                self.proc = None
                self._fail(f"dialbookd did not listen within {self.start_timeout:g} s", text)
            time.sleep(0.02)
        self.port = int(m.group(1))
        self.base_url = f"http://127.0.0.1:{self.port}"
        # The caller's os.environ is left alone: this server is one of many.
        env = read_env(self.env_path) if os.path.exists(self.env_path) else {}
        self.client_id = env.get("DIALBOOK_CLIENT_ID")
        self.client_secret = env.get("DIALBOOK_CLIENT_SECRET")
        self.control_token = env.get("DIALBOOK_CONTROL_TOKEN")
        self.control = Control(self.base_url, self.control_token)
        self.faults = Faults(self.control)
        self.imports = Imports(self.control, self)
        self.exports = Exports(self.control, self)
        self.journal = Journal(self.control)
        if not self.client_id or not self.client_secret:
            self.stop()
            self._fail(f"dialbookd wrote no development client to {self.env_path}", text)
        self._wait_ready(deadline)
        return self

    def _wait_ready(self, deadline):
        """Until GET /readyz answers 200 (its database answers); a dialbookd
        without /readyz (404) is ready once it listens."""
        while True:
            try:
                status = requests.get(self.base_url + "/readyz", timeout=5).status_code
            except requests.RequestException:
                status = 0
            if status in (200, 404):
                return
            if self.proc.poll() is not None or time.monotonic() > deadline:
                text = self.log_text()
                try:
                    self.stop()
                except Error:
                    pass
                self._fail(f"dialbookd did not become ready (GET /readyz: {status or 'no answer'})",
                           text)
            time.sleep(0.05)

    def _fail(self, what, text):
        # The server's own words: its error line, else the last line it wrote.
        lines = _ERROR_LINE.findall(text) or [l for l in text.splitlines() if l.strip()]
        message = f"{what}: {lines[-1].strip()}" if lines else what
        self._cleanup()
        raise Error(message, code="server.failed", log=text)

    def stop(self):
        """SIGTERM, then waits; raises dialbook.Error (with the log) when the
        server exits with a failure status."""
        proc, self.proc = self.proc, None
        if self._session is not None:
            self._session.close()
            self._session = None
        if self.control is not None:
            self.control.close()
        if proc is None:
            self._cleanup()
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        text = self.log_text()
        rc = proc.returncode
        self._cleanup()
        if rc != 0:
            raise Error(f"dialbookd exited with status {rc}", code="server.failed", log=text)

    def _cleanup(self):
        if self._log:
            self._log.close()
            self._log = None
        if self.directory and not self.keep:
            self._last_log = self.log_text()
            shutil.rmtree(self.directory, ignore_errors=True)

    def log_text(self):
        """The server's log so far (its stdout and stderr)."""
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except (OSError, AttributeError):
            return getattr(self, "_last_log", "")

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            # The log says what the server made of what the code sent.
            sys.stderr.write(f"--- dialbookd log ({self.log_path}) ---\n{self.log_text()[-20000:]}"
                             "--- end of dialbookd log ---\n")
        try:
            self.stop()
        except Error:
            if exc_type is None:
                raise
        return False

    # -- clients ----------------------------------------------------------

    @property
    def session(self):
        """An authenticated requests.Session (dialbook.Session) as the
        development client (organization "default", grant outbound)."""
        if not self.base_url:
            raise Error("the server is not running: use `with Server() as srv:` or srv.start()",
                        code="server.not_started")
        if self._session is None:
            self._session = Session(self.base_url, self.client_id, self.client_secret)
        return self._session

    def new_session(self, scope=None):
        """Another session of the development client (a token of its own)."""
        return Session(self.base_url, self.client_id, self.client_secret, scope=scope)

    def url(self, path):
        return self.base_url + path

    # -- state (the control API) -------------------------------------------

    def _control(self, where):
        if self.control is None:
            raise Error(f"{where}: the server is not running", code="server.not_started")
        return self.control

    def reset(self, organization_id=None):
        """Deletes every list, contact, import and export (of one organization
        when organization_id is given; then fault rules, progression and the
        journal stay). The development client keeps working. Returns
        {"organizations": N, "contactLists": M}."""
        body = {}
        if organization_id is not None:
            if not isinstance(organization_id, str) or not organization_id:
                raise bad_argument(f"reset: organization_id must be an organization id, got "
                                   f"{organization_id!r}")
            body["organizationId"] = organization_id
        return self._control("reset").call("POST", "/reset", "reset", json=body)

    def snapshot(self, name):
        """Copies the whole database under name (1-64 of A-Z a-z 0-9 _ -)."""
        return self._control("snapshot").call("POST", "/snapshots", "snapshot",
                                              json={"name": snapshot_name(name, "snapshot")})

    def restore(self, name):
        """Replaces the whole database with the snapshot name."""
        name = snapshot_name(name, "restore")
        return self._control("restore").call("POST", f"/snapshots/{name}/restore", "restore",
                                             json={})

    def expire_tokens(self, client_id=None):
        """Expires every token of the client (default: the development
        client) now; sessions renew theirs on the next 401."""
        client_id = client_id or self.client_id
        if not isinstance(client_id, str):
            raise bad_argument(f"expire_tokens: client_id must be a client id, got {client_id!r}")
        return self._control("expire_tokens").call(
            "POST", f"/clients/{client_id}/expire-tokens", "expiring tokens", json={})

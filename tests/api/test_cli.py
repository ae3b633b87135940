"""dialbookd's command line: serve flags, org and client administration,
and the development client of `make run`'s first start."""
import json
import os
import re
import stat
import subprocess
import time
import urllib.parse

import pytest
import requests

from conftest import BINARY, LISTS, PG_SERVER, Api, Server, run_cli


def test_help_everywhere(tmp_path):
    for args in (["--help"], ["org", "--help"], ["client", "--help"], ["client", "add", "--help"]):
        out = run_cli(*args)
        assert out.stdout.startswith("usage: dialbookd"), args
        assert out.stderr == ""
    assert "--rate-limit" in run_cli("--help").stdout


@pytest.mark.parametrize("args", [
    ["--bogus"],
    ["--listen"],
    ["--listen", "nocolon"],
    ["--listen", "127.0.0.1:99999"],
    ["--profile", "aws"],
    ["--rate-limit", "-1"],
    ["--threads", "0"],
    ["--jobs", "0"],
    ["--rate-window", "0"],
    ["--rate-window", "60s"],
    ["--docs-dir", "/nonexistent/dialbook-api-page"],
    ["--docs-dir", "/etc/hostname"],
    ["--log-level", "loud"],
    ["--token-ttl", "x"],
    ["--max-upload-bytes", "-5"],
    ["--max-upload-bytes=0"],
    ["--max-contacts-per-list", "lots"],
    ["--max-contacts-per-org", ""],
    ["extra-argument-here"],
    ["org", "remove", "x"],
    ["org", "add"],
    ["client", "add", "--org", "o", "--name", "n"],
    ["client", "add", "--org", "o", "--name", "n", "--grant", "outbound:typo:add"],
    ["client", "revoke"],
    ["client", "frobnicate"],
    ["client", "list", "--zzz"],
])
def test_bad_usage_is_one_line_and_exit_2(tmp_path, args):
    db = str(tmp_path / "x.db")
    proc = subprocess.run([BINARY, *args, *(["--db", db, "--create"] if args[0] in ("org", "client")
                                            else [])],
                          capture_output=True, text=True, timeout=20)
    assert proc.returncode == 2, (args, proc.stderr)
    assert proc.stderr.startswith("dialbookd: ")
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stdout == ""


def test_client_add_prints_exactly_one_json_object(tmp_path):
    db = str(tmp_path / "c.db")
    out = run_cli("client", "add", "--db", db, "--create", "--org", "acme", "--name", "ci",
                  "--grant", "outbound:contactList:view,outbound:contact:*")
    obj = json.loads(out.stdout)
    assert set(obj) == {"client_id", "client_secret", "org", "grants"}
    assert obj["org"] == "acme"
    assert obj["grants"] == ["outbound:contactList:view", "outbound:contact:*"]
    listed = json.loads(run_cli("client", "list", "--db", db).stdout)
    assert [c["client_id"] for c in listed] == [obj["client_id"]]
    assert "client_secret" not in listed[0] and obj["client_secret"] not in out.stderr
    assert listed[0]["revoked"] is False
    run_cli("client", "revoke", obj["client_id"], "--db", db)
    assert json.loads(run_cli("client", "list", "--db", db).stdout)[0]["revoked"] is True
    gone = run_cli("client", "revoke", "no-such-client", "--db", db, check=False)
    assert gone.returncode == 1 and "no client" in gone.stderr


def test_org_add(tmp_path):
    db = str(tmp_path / "o.db")
    out = run_cli("org", "add", "tenant-a", "--db", db, "--create")
    assert re.match(r"^[0-9a-f-]{36}\n$", out.stdout)
    again = run_cli("org", "add", "tenant-a", "--db", db, check=False)
    assert again.returncode == 1 and "already exists" in again.stderr
    blank = run_cli("org", "add", " ", "--db", db, check=False)
    assert blank.returncode == 1 and "empty" in blank.stderr


def test_admin_commands_work_while_the_server_runs(make_server):
    srv = make_server()
    for i in range(5):
        c = srv.client(org="busy")
        assert Api(srv.base, srv.token(c)).get(LISTS).status_code == 200


def test_unusable_database_is_a_clear_error(tmp_path):
    bad = tmp_path / "not-a-db"
    bad.write_bytes(b"this is not sqlite" * 100)
    proc = subprocess.run([BINARY, "--listen", "127.0.0.1:0", "--db", str(bad)],
                          capture_output=True, text=True, timeout=20)
    assert proc.returncode == 3 and "not a database" in proc.stderr
    proc = subprocess.run([BINARY, "client", "list", "--db", str(tmp_path / "no/such/dir.db")],
                          capture_output=True, text=True, timeout=20)
    assert proc.returncode == 3 and "no/such/dir.db: no such database" in proc.stderr


@pytest.mark.parametrize("args", [["--listen", "127.0.0.1:0"], ["client", "list"],
                                  ["org", "add", "x"]])
def test_a_postgresql_uri_that_fails_is_one_line_without_its_password(args):
    # Nothing listens on port 1; with a PostgreSQL server at hand, a wrong
    # password too.
    uris = ["postgresql://dialbook:s3cret-pw@127.0.0.1:1/dialbook"]
    if PG_SERVER:
        u = urllib.parse.urlsplit(PG_SERVER)
        uris.append(u._replace(netloc=f"{u.username}:s3cret-pw@{u.hostname}:{u.port}").geturl())
    for uri in uris:
        proc = subprocess.run([BINARY, *args, "--db", uri], capture_output=True, text=True,
                              timeout=30)
        assert proc.returncode == 3, proc.stderr
        shown = uri.replace(":s3cret-pw@", ":***@")
        lines = [l for l in proc.stderr.splitlines() if "cannot connect to PostgreSQL" in l]
        assert len(lines) == 1 and f"at {shown}: " in lines[0], proc.stderr
        assert "s3cret-pw" not in proc.stderr + proc.stdout


@pytest.mark.parametrize("args", [["client", "list"], ["org", "add", "x"],
                                  ["client", "revoke", "some-id"],
                                  ["client", "add", "--org", "o", "--name", "n", "--grant",
                                   "outbound"]])
def test_admin_commands_never_create_a_database_silently(tmp_path, args):
    # Without --db: the default of every command, var/dialbook.db (make run's).
    proc = subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=20,
                          cwd=tmp_path)
    assert proc.returncode == 3 and proc.stdout == ""
    assert proc.stderr == ("dialbookd: var/dialbook.db: no such database; give --db PATH of "
                           "the server's database, start dialbookd on it once, or pass "
                           "--create\n")
    assert os.listdir(tmp_path) == []
    proc = subprocess.run([BINARY, *args, "--create"], capture_output=True, text=True,
                          timeout=20, cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr  # revoke: no such client (1)
    assert os.path.exists(tmp_path / "var" / "dialbook.db")


def test_the_server_and_the_admin_commands_share_one_default_database(tmp_path):
    assert "default var/dialbook.db" in run_cli("--help").stdout
    for command in ("org", "client"):
        assert "var/dialbook.db" in run_cli(command, "--help").stdout
    proc = subprocess.Popen([BINARY, "--listen", "127.0.0.1:0"], cwd=tmp_path,
                            stderr=subprocess.PIPE, text=True)
    try:
        for line in proc.stderr:
            if "event=listening" in line:
                assert "db=var/dialbook.db" in line
                break
        listed = subprocess.run([BINARY, "client", "list"], capture_output=True, text=True,
                                timeout=20, cwd=tmp_path)
        assert listed.returncode == 0 and json.loads(listed.stdout) == []
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_port_in_use_is_a_clear_error(make_server, tmp_path):
    srv = make_server()
    port = srv.base.rsplit(":", 1)[1]
    proc = subprocess.run([BINARY, "--listen", f"127.0.0.1:{port}", "--db",
                           str(tmp_path / "other.db")], capture_output=True, text=True, timeout=20)
    assert proc.returncode == 3 and "cannot listen" in proc.stderr


def test_first_start_creates_a_dev_client_and_later_starts_reuse_it(tmp_path):
    env_file = tmp_path / "dev-client.env"
    db = str(tmp_path / "dev.db")
    srv = Server(tmp_path, "--dev-client-file", str(env_file), db=db).start()
    try:
        assert stat.S_IMODE(os.stat(env_file).st_mode) == 0o600
        values = dict(l.split("=", 1) for l in env_file.read_text().splitlines()
                      if l and not l.startswith("#"))
        log = srv.log_text()
        assert values["DIALBOOK_CLIENT_ID"] in log and "curl -s -u" in log
        assert "import requests" in log
        r = requests.post(srv.base + "/oauth/token",
                          auth=(values["DIALBOOK_CLIENT_ID"], values["DIALBOOK_CLIENT_SECRET"]),
                          data={"grant_type": "client_credentials"})
        assert r.status_code == 200
    finally:
        srv.stop()
    again = Server(tmp_path, "--dev-client-file", str(env_file), db=db).start()
    try:
        assert values["DIALBOOK_CLIENT_SECRET"] in again.log_text()
        clients = json.loads(run_cli("client", "list", "--db", again.db).stdout)
        assert len(clients) == 1 and clients[0]["org"] == "default"
        assert clients[0]["grants"] == ["outbound"]
    finally:
        again.stop()

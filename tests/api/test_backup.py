"""dialbookd backup and restore (issue 13 item 6, docs/operations.md): a
SQLite database copied while a server writes to it, put back into a fresh
path and served again; and every wrong invocation refused with one line
and a non-zero exit status."""
import csv
import fcntl
import io
import os
import sqlite3
import subprocess
import threading
import urllib.parse

import pytest

from conftest import BINARY, LISTS, Api, run_cli, sqlite_only, upload, wait_import

pytestmark = sqlite_only

HEADER = "id,name,phone\n"


def new_list(api):
    r = api.post(LISTS, json={"name": "backed up", "columnDefinitions": [
        {"name": "id"}, {"name": "name"}, {"name": "phone", "type": "phone"}]})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def path_of(uri):
    """A URI the old server handed out, as a path for the new one."""
    return urllib.parse.urlsplit(uri).path


def export_ids(api, lid):
    """The contact ids of an export of the list, made and downloaded now."""
    r = api.post(f"{LISTS}/{lid}/export", json={})
    assert r.status_code == 200, r.text
    eid = r.json()["id"]
    for _ in range(3000):
        g = api.get(f"{LISTS}/{lid}/export")
        if g.status_code == 200 and g.json()["uri"].endswith(eid):
            break
        threading.Event().wait(0.02)
    else:
        raise AssertionError(f"export did not finish: {g.text}")
    body = api.get(path_of(g.json()["uri"]))
    assert body.status_code == 200, body.text
    rows = list(csv.DictReader(io.StringIO(body.content.decode("utf-8-sig"))))
    return {row["inin-outbound-id"] for row in rows}, g.json()["uri"], body.content


class Writer(threading.Thread):
    """Adds batches of contacts until stopped; `acked` holds, per batch
    acknowledged (200), its ids and whether the answer came before
    `cutoff` was set (the backup's start)."""

    def __init__(self, api, lid):
        super().__init__(daemon=True)
        self.api, self.lid = api, lid
        self.stop = threading.Event()
        self.cutoff = threading.Event()
        self.before, self.after, self.errors = set(), set(), []

    def run(self):
        n = 0
        while not self.stop.is_set():
            ids = [f"w{n}-{i}" for i in range(20)]
            n += 1
            r = self.api.post(f"{LISTS}/{self.lid}/contacts", json=[
                {"id": c, "contactListId": self.lid,
                 "data": {"id": c, "name": "load", "phone": "5551234567"}}
                for c in ids])
            if r.status_code != 200:
                self.errors.append(r.text)
                return
            # Read after the answer: a batch counted "before" was
            # acknowledged before the backup started.
            (self.after if self.cutoff.is_set() else self.before).update(ids)


def test_backup_under_write_load_restores_every_acknowledged_contact(make_server, tmp_path):
    srv = make_server("--rate-limit", "0")
    api = srv.session()
    lid = new_list(api)
    # A finished import with rejected rows, and an export: blobs to carry.
    upload(api, lid, (HEADER + "r1,A,5551234567\nr2,B,12ab\n").encode())
    st = wait_import(api, lid)
    assert st["failedRecords"] == 1, st
    rejects = api.get(st["rejectedRowsUri"])
    assert rejects.status_code == 200
    _, export_uri, export_body = export_ids(api, lid)

    writer = Writer(Api(srv.base, api.headers["Authorization"][7:]), lid)
    writer.start()
    while len(writer.before) < 400:  # the load is well under way
        assert writer.is_alive() and not writer.errors, writer.errors
        threading.Event().wait(0.01)
    writer.cutoff.set()
    out = tmp_path / "backups" / "dialbook.backup"
    out.parent.mkdir()
    proc = run_cli("backup", "--db", srv.db, str(out))
    assert proc.stdout.strip() == str(out)
    writer.stop.set()
    writer.join(timeout=60)
    assert not writer.errors, writer.errors
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert not os.path.exists(str(out) + ".part")
    assert sorted(os.listdir(str(out) + ".files"))  # the rejected rows and the export

    fresh = str(tmp_path / "restored" / "dialbook.db")
    os.mkdir(os.path.dirname(fresh))
    proc = run_cli("restore", "--db", fresh, str(out))
    assert "restored" in proc.stdout
    again = make_server("--rate-limit", "0", db=fresh)
    api2 = Api(again.base, again.token(api.client_info))
    # The blobs came along: the same rejected rows and export bytes (read
    # before a new export replaces the old one).
    assert api2.get(path_of(st["rejectedRowsUri"])).content == rejects.content
    assert api2.get(path_of(export_uri)).content == export_body
    ids, _, _ = export_ids(api2, lid)
    missing = writer.before - ids
    assert not missing, f"{len(missing)} acknowledged contacts lost, e.g. {sorted(missing)[:5]}"
    assert "r1" in ids
    # Whatever the copy holds of the load is whole batches only.
    assert (ids - writer.before - writer.after) <= {"r1"}


def lines(proc):
    return [line for line in proc.stderr.splitlines() if line.strip()]


def refused(*args, rc=None, needle=None):
    """The command fails with one line on stderr (containing needle)."""
    proc = run_cli(*args, check=False)
    assert proc.returncode != 0, proc.stdout
    if rc is not None:
        assert proc.returncode == rc, proc.stderr
    assert len(lines(proc)) == 1, proc.stderr
    if needle:
        assert needle in proc.stderr, proc.stderr
    return proc.stderr


@pytest.fixture
def backup_file(tmp_path):
    db = str(tmp_path / "src.db")
    run_cli("org", "add", "acme", "--db", db, "--create")
    out = str(tmp_path / "src.backup")
    run_cli("backup", "--db", db, out)
    return out


def test_restore_refuses_a_database_a_server_runs_on(make_server, backup_file):
    srv = make_server()
    err = refused("restore", "--db", srv.db, backup_file, rc=3, needle=srv.db)
    assert "in use by a running dialbookd" in err
    # The server's data is untouched and it goes on answering.
    assert srv.session().get(LISTS).status_code == 200


def test_nothing_opens_a_database_while_a_restore_holds_it(tmp_path):
    """The other side of the lock: a restore holds <db>.files/.serving
    exclusively (taken here as restore takes it), and a server or an admin
    command refuses to start meanwhile, naming the database."""
    db = str(tmp_path / "held.db")
    run_cli("org", "add", "acme", "--db", db, "--create")
    fd = os.open(db + ".files/.serving", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        proc = subprocess.run([BINARY, "--listen", "127.0.0.1:0", "--db", db],
                              capture_output=True, text=True, timeout=30)
        assert proc.returncode == 3 and "is being restored" in proc.stderr, proc.stderr
        assert db in proc.stderr
        refused("client", "list", "--db", db, rc=3, needle="is being restored")
    finally:
        os.close(fd)
    assert run_cli("client", "list", "--db", db).stdout.strip() == "[]"


def test_restore_refuses_a_newer_schema_naming_both_versions(tmp_path, backup_file):
    with sqlite3.connect(backup_file) as c:
        ours = c.execute("PRAGMA user_version").fetchone()[0]
        c.execute("PRAGMA user_version = 999")
    c.close()
    err = refused("restore", "--db", str(tmp_path / "new.db"), backup_file, rc=1,
                  needle="schema version 999")
    assert f"dialbookd's {ours}" in err
    assert not os.path.exists(tmp_path / "new.db")  # nothing left where nothing was


def test_restore_refuses_files_that_are_not_dialbook_databases(tmp_path):
    junk = tmp_path / "junk"
    junk.write_bytes(b"not sqlite at all " * 300)
    refused("restore", "--db", str(tmp_path / "a.db"), str(junk), rc=1,
            needle="not a dialbook database")
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as c:
        c.execute("CREATE TABLE t(x)")
    c.close()
    refused("restore", "--db", str(tmp_path / "a.db"), str(other), rc=1,
            needle="no dialbook tables")
    refused("restore", "--db", str(tmp_path / "a.db"), str(tmp_path / "missing"), rc=1,
            needle="cannot read backup")
    refused("restore", "--db", str(tmp_path / "a.db"), str(tmp_path), rc=1,
            needle="not a regular file")
    assert not os.path.exists(tmp_path / "a.db")


def test_backup_bad_input(tmp_path, backup_file):
    db = str(tmp_path / "src.db")
    refused("backup", str(tmp_path / "out"), rc=2, needle="--db")
    refused("backup", "--db", db, rc=2, needle="OUT")
    refused("backup", "--db", db, "a", "b", rc=2, needle="unexpected argument b")
    refused("backup", "--db", db, "--bogus", "x", rc=2, needle="unknown option --bogus")
    refused("backup", "--db", db, str(tmp_path / "no" / "dir" / "out"), rc=1,
            needle="does not exist")
    refused("backup", "--db", str(tmp_path / "missing.db"), str(tmp_path / "out"), rc=3,
            needle="missing.db")
    assert not os.path.exists(tmp_path / "missing.db")
    refused("backup", "--db", db, db, rc=1, needle="the database itself")
    refused("restore", str(backup_file), rc=2, needle="--db")
    refused("restore", "--db", db, rc=2, needle="IN")


def test_postgresql_points_to_pg_dump(tmp_path):
    uri = "postgresql://dialbook@127.0.0.1:1/nowhere"
    refused("backup", "--db", uri, str(tmp_path / "out"), rc=2, needle="pg_dump")
    refused("restore", "--db", uri, str(tmp_path / "out"), rc=2, needle="pg_restore")


def test_help_names_every_flag():
    for command in ("backup", "restore"):
        proc = run_cli(command, "--help")
        assert f"usage: dialbookd {command} --db PATH" in proc.stdout
        assert "--db PATH" in proc.stdout and "--help" in proc.stdout

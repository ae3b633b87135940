"""A store that fails: the request answers 503 service.unavailable with
Retry-After, the kind of failure in words and the correlation id; the
database's own words go to the log only; nothing of the request is stored.
The failures are real: another process holds SQLite's write lock, or the
blob directory is not a directory."""
import os
import sqlite3
import subprocess

import pytest

from conftest import (BINARY, LISTS, assert_store_failed, phone_list, sqlite_only, upload,
                      wait_import)

# Another process holds SQLite's lock, <db>.files is moved: SQLite's faults
# (tests/api/test_postgres.py makes PostgreSQL's).
pytestmark = sqlite_only

LOCK_WAIT_MS = 300


class WriteLock:
    """Another process's SQLite write transaction on the server's database,
    held until released: every write of the server waits, then gives up."""

    def __init__(self, db):
        self.conn = sqlite3.connect(db, isolation_level=None, timeout=5)
        self.conn.execute("BEGIN IMMEDIATE")

    def release(self):
        self.conn.execute("ROLLBACK")
        self.conn.close()


@pytest.fixture
def locked_server(make_server):
    return make_server("--rate-limit", "0", "--db-lock-wait-ms", str(LOCK_WAIT_MS))


def test_a_create_that_waits_past_the_lock_wait_answers_503_busy(locked_server):
    api = locked_server.session()
    lock = WriteLock(locked_server.db)
    try:
        r = api.post(LISTS, json=phone_list("Busy list"))
        assert_store_failed(locked_server, r, "busy", 2)
        # Readers never wait for a writer (WAL): reads still answer.
        assert api.get(LISTS).status_code == 200
    finally:
        lock.release()
    names = [e["name"] for e in api.get(LISTS).json()["entities"]]
    assert "Busy list" not in names
    assert api.post(LISTS, json=phone_list("Busy list")).status_code in (200, 201)


def test_contact_writes_and_deletes_while_locked_change_nothing(locked_server):
    api = locked_server.session()
    cl = api.post(LISTS, json=phone_list("Kept")).json()
    r = api.post(f"{LISTS}/{cl['id']}/contacts",
                 json=[{"id": "a", "contactListId": cl["id"], "data": {"phone": "+15551230001"}}])
    assert r.status_code == 200, r.text
    lock = WriteLock(locked_server.db)
    try:
        r = api.post(f"{LISTS}/{cl['id']}/contacts",
                     json=[{"id": "b", "contactListId": cl["id"],
                            "data": {"phone": "+15551230002"}}])
        assert_store_failed(locked_server, r, "busy", 2)
        r = api.delete(f"{LISTS}/{cl['id']}/contacts/a")
        assert_store_failed(locked_server, r, "busy", 2)
        r = api.put(f"{LISTS}/{cl['id']}", json=dict(cl, name="Renamed"))
        assert_store_failed(locked_server, r, "busy", 2)
    finally:
        lock.release()
    assert api.get(f"{LISTS}/{cl['id']}/contacts/a").status_code == 200
    assert api.get(f"{LISTS}/{cl['id']}/contacts/b").status_code == 404
    assert api.get(f"{LISTS}/{cl['id']}").json()["name"] == "Kept"


def test_a_token_request_while_locked_answers_503(locked_server):
    client = locked_server.client()
    lock = WriteLock(locked_server.db)
    try:
        import requests
        r = requests.post(locked_server.base + "/oauth/token",
                          auth=(client["client_id"], client["client_secret"]),
                          data={"grant_type": "client_credentials"})
        assert r.status_code == 503, r.text
        assert r.headers["Retry-After"] == "2"
    finally:
        lock.release()
    assert locked_server.token(client)


def test_an_upload_whose_blob_cannot_be_written_answers_503_io(make_server):
    server = make_server("--rate-limit", "0")
    api = server.session()
    cl = api.post(LISTS, json=phone_list("Uploads")).json()
    files = server.db + ".files"
    moved = files + ".away"
    os.rename(files, moved)
    with open(files, "w") as f:  # a file where the directory was
        f.write("not a directory")
    try:
        r = upload(api, cl["id"], b"id,phone,email\n1,+15551230001,\n", status=503)
        assert_store_failed(server, r, "io", 30)
    finally:
        os.unlink(files)
        os.rename(moved, files)
    r = api.get(f"{LISTS}/{cl['id']}/importstatus")
    assert r.status_code == 404 or r.json().get("state") != "IN_PROGRESS", r.text
    assert api.get(f"{LISTS}/{cl['id']}/contacts/1").status_code == 404
    upload(api, cl["id"], b"id,phone,email\n1,+15551230001,\n")
    st = wait_import(api, cl["id"])
    assert "state" not in st and st["completedRecords"] == 1, st


@pytest.mark.parametrize("value", ["0", "-5", "abc", "600001", "", "10ms"])
def test_a_bad_lock_wait_is_refused_at_start(tmp_path, value):
    proc = subprocess.run([BINARY, "--listen", "127.0.0.1:0", "--db", str(tmp_path / "x.db"),
                           "--db-lock-wait-ms", value],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode != 0
    assert "--db-lock-wait-ms wants 1 to 600000" in proc.stderr + proc.stdout
    assert not os.path.exists(tmp_path / "x.db")

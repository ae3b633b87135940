"""Faults of the PostgreSQL backend, for real (run when $DIALBOOK_TEST_PG
names a server): a database that goes away answers 503 service.unavailable
with Retry-After and the kind, and the server reconnects on its own once it
is back; another writer holding a list's row past --db-lock-wait-ms answers
503 busy; nothing of a refused request is stored."""
import subprocess
import urllib.parse

import pytest

from conftest import LISTS, PG_SERVER, assert_store_failed, phone_list

pytestmark = pytest.mark.skipif(not PG_SERVER, reason="needs $DIALBOOK_TEST_PG")

LOCK_WAIT_MS = 300


def database_of(server):
    return urllib.parse.urlsplit(server.db).path.lstrip("/")


def psql(sql, uri=None):
    proc = subprocess.run(["psql", uri or PG_SERVER, "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture
def server(make_server):
    return make_server("--rate-limit", "0", "--db-lock-wait-ms", str(LOCK_WAIT_MS))


def test_a_database_that_goes_away_answers_503_then_comes_back(server):
    api = server.session()
    kept = api.post(LISTS, json=phone_list("Kept"))
    assert kept.status_code in (200, 201), kept.text
    name = database_of(server)
    psql(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
    try:
        psql("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
             f"WHERE datname = '{name}'")
        r = api.post(LISTS, json=phone_list("While away"))
        assert_store_failed(server, r, "unavailable", 5)
        assert_store_failed(server, api.get(f"{LISTS}/{kept.json()['id']}"), "unavailable", 5)
    finally:
        psql(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
    # Back: the same connections reopen on their own.
    assert api.get(f"{LISTS}/{kept.json()['id']}").status_code == 200
    names = [e["name"] for e in api.get(LISTS, params={"pageSize": 100}).json()["entities"]]
    assert names == ["Kept"]
    again = api.post(LISTS, json=phone_list("While away"))
    assert again.status_code in (200, 201), again.text


def test_a_write_that_waits_past_the_lock_wait_answers_503_busy(server):
    api = server.session()
    lst = api.post(LISTS, json=phone_list("Locked")).json()
    # Another session holds the list's row, as a long writer would.
    holder = subprocess.Popen(
        ["psql", server.db, "-v", "ON_ERROR_STOP=1", "-qAt"], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        holder.stdin.write("BEGIN;\nSELECT 'held' FROM contact_lists "
                           f"WHERE id = '{lst['id']}' FOR UPDATE;\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "held"
        r = api.post(f"{LISTS}/{lst['id']}/contacts",
                     json=[{"contactListId": lst["id"], "data": {"phone": "+15551230001"}}])
        assert_store_failed(server, r, "busy", 2)
    finally:
        holder.stdin.write("ROLLBACK;\n")
        holder.stdin.close()
        holder.wait(timeout=30)
    size = api.get(f"{LISTS}/{lst['id']}", params={"includeSize": "true"}).json()["size"]
    assert size == 0  # nothing of the refused request
    r = api.post(f"{LISTS}/{lst['id']}/contacts",
                 json=[{"contactListId": lst["id"], "data": {"phone": "+15551230001"}}])
    assert r.status_code == 200, r.text

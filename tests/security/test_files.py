"""Files have a lifetime and an owner; orphans are swept (issue 9, item 5;
DESIGN.md §7). Exports and rejected rows expire after --retention, go with
their list, and a newer export replaces the older; what a crash leaves in
<db>.files/ is swept at the next start, orphans periodically, but never a
file an upload is still writing; an upload to a list that is not the
caller's is refused as soon as its id is read; uploads and exports are
capped per organization. Every test is bounded in time."""
import json
import os
import signal
import socket
import subprocess
import time
import uuid
from urllib.parse import urlparse

import pytest

from conftest import LISTS, Api, assert_error, run_cli

HEADER = b"id,phone\n"
BAD_ROWS = b"1,5551234567\n2,not-a-phone\n3,5551234568\n"
BOUNDARY = b"XyZ"


PG = bool(os.environ.get("DIALBOOK_TEST_PG"))


def psql(srv, sql):
    out = subprocess.run(["psql", srv.db, "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return out.stdout


def files_of(srv):
    """The store's blobs by name: files in <db>.files (SQLite), rows of the
    blobs table (PostgreSQL); one being written ends in .part."""
    if PG:
        return set(psql(srv, "SELECT key || CASE WHEN finished THEN '' ELSE '.part' END "
                        "FROM blobs").split())
    return set(os.listdir(srv.db + ".files"))


def size_of(srv, name):
    """Bytes the blob `name` (as files_of names it) holds so far."""
    if PG:
        key = name[:-len(".part")] if name.endswith(".part") else name
        return int(psql(srv, "SELECT coalesce(sum(length(c.data)), 0) FROM blobs b JOIN "
                        f"blob_chunks c ON c.blob_id = b.id WHERE b.key = '{key}' AND "
                        f"b.finished = {str(not name.endswith('.part')).lower()}"))
    return os.path.getsize(f"{srv.db}.files/{name}")


def put_stray(srv, name):
    """A blob no job names: a file (SQLite) or a row (PostgreSQL)."""
    if PG:
        key = name[:-len(".part")] if name.endswith(".part") else name
        psql(srv, f"INSERT INTO blobs(key, finished, size) VALUES('{key}', "
             f"{str(not name.endswith('.part')).lower()}, 1)")
        return
    with open(f"{srv.db}.files/{name}", "w") as f:
        f.write("x")


def wait_for(what, check, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = check()
        if got:
            return got
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def new_list(api, name="files"):
    r = api.post(LISTS, json={"name": name, "columnDefinitions": [
        {"name": "id"}, {"name": "phone", "type": "phone"}]})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def upload(api, list_id, data):
    r = api.post("/uploads/v2/contactlist", files={
        "id": (None, list_id), "fileType": (None, "contactlist"),
        "contact-id-name": (None, "id"), "file": ("c.csv", data, "text/csv")})
    assert r.status_code == 200, r.text
    return r.json()["correlationId"]


def wait_import(api, list_id, timeout=60):
    def done():
        st = api.get(f"{LISTS}/{list_id}/importstatus").json()
        return st if st.get("state") != "IN_PROGRESS" else None
    return wait_for("the import", done, timeout)


def export(api, list_id):
    """Starts an export and waits until it is the list's ready one; its id."""
    r = api.post(f"{LISTS}/{list_id}/export", json={})
    assert r.status_code == 200, r.text
    eid = r.json()["id"]

    def ready():
        g = api.get(f"{LISTS}/{list_id}/export")
        return g.status_code == 200 and g.json()["uri"].endswith(eid)
    wait_for("the export", ready, 30)
    return eid


def rejects_and_export(api, list_id):
    """An import with a rejected row, then an export: both download ids."""
    import_id = upload(api, list_id, HEADER + BAD_ROWS)
    st = wait_import(api, list_id)
    assert st["failedRecords"] == 1, st
    return import_id, export(api, list_id)


# A multipart upload on a raw socket, to send it as slowly as a test needs.

def token_of(api):
    return api.headers["Authorization"].split(" ", 1)[1]


def part(name, value, filename=None):
    disposition = f'form-data; name="{name}"'
    if filename:
        disposition += f'; filename="{filename}"'
    head = b"--" + BOUNDARY + f"\r\nContent-Disposition: {disposition}\r\n\r\n".encode()
    return head + value + (b"" if filename else b"\r\n")


def open_upload(srv, api, content_length):
    """Sends the request's headers only; the caller sends the body."""
    u = urlparse(srv.base)
    s = socket.create_connection((u.hostname, u.port), timeout=10)
    s.sendall((f"POST /uploads/v2/contactlist HTTP/1.1\r\nHost: {u.netloc}\r\n"
               f"Authorization: Bearer {token_of(api)}\r\n"
               f"Content-Type: multipart/form-data; boundary={BOUNDARY.decode()}\r\n"
               f"Content-Length: {content_length}\r\n\r\n").encode())
    return s


def drip_until_answered(s, first, timeout=10):
    """Sends `first`, then a byte every 50 ms until the server answers;
    returns (status, body, bytes sent)."""
    s.sendall(first)
    sent = len(first)
    got = b""
    s.settimeout(0.05)
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
            head, sep, body = got.partition(b"\r\n\r\n")
            length = [int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:")]
            if sep and length and len(body) >= length[0]:
                return int(head.split()[1]), json.loads(body[:length[0]]), sent
            continue
        except socket.timeout:
            pass
        try:
            s.sendall(b"1")
            sent += 1
        except OSError:
            pass  # the server shut its side: read what it said
    raise AssertionError(f"no answer while the body was still being sent: {got!r}")


def kill_9(srv):
    srv.proc.send_signal(signal.SIGKILL)
    srv.proc.wait()
    srv.proc = None
    srv.log.close()


def test_exports_and_rejected_rows_expire_after_the_retention(make_server):
    srv = make_server("--retention", "2s", "--sweep-interval", "1s")
    api = srv.session()
    lid = new_list(api)
    import_id, export_id = rejects_and_export(api, lid)
    assert api.get(f"/api/v2/downloads/{import_id}").status_code == 200
    assert api.get(f"/api/v2/downloads/{export_id}").status_code == 200
    assert {f"{import_id}.rejects.csv", f"{export_id}.export.csv"} <= files_of(srv)
    time.sleep(2.1)
    for did, what in ((export_id, "export"), (import_id, "rejected rows")):
        body = assert_error(api.get(f"/api/v2/downloads/{did}"), 410, "resource.expired")
        assert what in body["message"] and "expired" in body["message"], body["message"]
        assert "2s (--retention)" in body["message"], body["message"]
    r = api.get(f"/api/v2/downloads/{export_id}", params={"issueRedirect": "false"})
    assert_error(r, 410, "resource.expired")
    assert_error(api.get(f"{LISTS}/{lid}/export"), 404, "not.found", contains="expired")
    # The sweep deletes both files; the import's status still tells its story.
    wait_for("the sweep", lambda: not {f"{import_id}.rejects.csv",
                                       f"{export_id}.export.csv"} & files_of(srv), 5)
    assert "event=files_swept" in srv.log_text()
    assert api.get(f"{LISTS}/{lid}/importstatus").json()["failedRecords"] == 1
    # A new export is downloadable again.
    again = export(api, lid)
    assert api.get(f"/api/v2/downloads/{again}").status_code == 200


def test_a_newer_export_replaces_the_older(server, api):
    lid = new_list(api)
    upload(api, lid, HEADER + b"1,5551234567\n")
    wait_import(api, lid)
    first = export(api, lid)
    second = export(api, lid)
    assert_error(api.get(f"/api/v2/downloads/{first}"), 404, "not.found")
    assert api.get(f"/api/v2/downloads/{second}").status_code == 200
    names = files_of(server)
    assert f"{first}.export.csv" not in names and f"{second}.export.csv" in names


def test_a_newer_import_replaces_the_older_rejected_rows(server, api):
    lid = new_list(api)
    first = upload(api, lid, HEADER + BAD_ROWS)
    wait_import(api, lid)
    second = upload(api, lid, HEADER + BAD_ROWS)
    st = wait_import(api, lid)
    assert st["rejectedRowsUri"].endswith(second)
    assert_error(api.get(f"/api/v2/downloads/{first}"), 404, "not.found")
    assert api.get(st["rejectedRowsUri"]).status_code == 200
    names = files_of(server)
    assert f"{first}.rejects.csv" not in names and f"{second}.rejects.csv" in names


@pytest.mark.parametrize("bulk", [False, True])
def test_deleting_a_list_deletes_its_files_and_downloads(server, api, bulk):
    lid, kept = new_list(api, "doomed"), new_list(api, "kept")
    import_id, export_id = rejects_and_export(api, lid)
    kept_ids = rejects_and_export(api, kept)
    if bulk:
        assert api.delete(LISTS, params={"id": lid}).status_code == 204
    else:
        assert api.delete(f"{LISTS}/{lid}").status_code == 204
    for did in (import_id, export_id):
        assert_error(api.get(f"/api/v2/downloads/{did}"), 404, "not.found")
    names = files_of(server)
    assert not any(n.startswith((import_id, export_id)) for n in names), names
    # The other list keeps its files.
    for did in kept_ids:
        assert api.get(f"/api/v2/downloads/{did}").status_code == 200


def test_deleting_a_list_stops_its_import_and_deletes_the_upload(make_server):
    srv = make_server("--jobs", "1")
    api = srv.session()
    lid = new_list(api)
    big = HEADER + b"".join(b"%d,5551234567\n" % i for i in range(900000))
    import_id = upload(api, lid, big)
    wait_for("the import to run", lambda: api.get(f"{LISTS}/{lid}/importstatus").json()
             .get("completedRecords", 0) > 0, 60)
    assert api.delete(f"{LISTS}/{lid}").status_code == 204
    assert f"{import_id}.upload.csv" not in files_of(srv)
    wait_for("the import to stop", lambda: f"event=import_finished import_id={import_id}"
             in srv.log_text(), 30)
    assert not any(n.startswith(import_id) for n in files_of(srv))
    # The job thread is free again: another list imports.
    other = new_list(api, "next")
    upload(api, other, HEADER + b"1,5551234567\n")
    assert "state" not in wait_import(api, other)


def test_kill_9_during_an_upload_leaves_nothing_after_the_restart(make_server, tmp_path):
    db = str(tmp_path / "crash.db")
    srv = make_server(db=db)
    client = srv.client()
    api = Api(srv.base, srv.token(client))
    lid = new_list(api)
    s = open_upload(srv, api, 10_000_000)
    # More than a blob's first chunk (PostgreSQL writes 256 KiB at a time).
    s.sendall(part("id", lid.encode()) + part("file", HEADER + b"1,5551234567\n" * 25000,
                                             "c.csv"))
    half = wait_for("the half-received upload", lambda: [
        n for n in files_of(srv) if n.endswith(".upload.csv.part") and size_of(srv, n) > 0])
    kill_9(srv)
    s.close()
    assert half[0] in files_of(srv)  # the crash left it
    again = make_server(db=db)
    assert not [n for n in files_of(again) if ".upload.csv" in n], files_of(again)
    assert "event=files_swept" in again.log_text()


def test_kill_9_during_an_import_sweeps_its_upload(make_server, tmp_path):
    db = str(tmp_path / "crash.db")
    srv = make_server("--job-lease", "2s", db=db)
    client = srv.client()
    api = Api(srv.base, srv.token(client))
    lid = new_list(api)
    big = HEADER + b"".join(b"%d,5551234567\n" % i for i in range(900000))
    import_id = upload(api, lid, big)
    wait_for("the import to run", lambda: api.get(f"{LISTS}/{lid}/importstatus").json()
             .get("completedRecords", 0) > 0, 60)
    kill_9(srv)
    assert f"{import_id}.upload.csv" in files_of(srv)
    # Its lease ends after 2 s; then it is failed and its upload swept.
    again = make_server("--job-lease", "2s", "--sweep-interval", "1s", db=db)
    api = Api(again.base, again.token(client))
    wait_for("the import to fail", lambda: api.get(f"{LISTS}/{lid}/importstatus").json()
             .get("state") == "FAILED", 30)
    st = api.get(f"{LISTS}/{lid}/importstatus").json()
    assert st["state"] == "FAILED" and st["failureReason"] == "INTERRUPTED", st
    wait_for("its upload to be swept",
             lambda: f"{import_id}.upload.csv" not in files_of(again), 10)


def test_orphans_are_swept_periodically_but_not_a_live_upload(make_server):
    srv = make_server("--sweep-interval", "1s")
    api = srv.session()
    lid = new_list(api)
    s = open_upload(srv, api, 10_000_000)
    s.sendall(part("id", lid.encode()) + part("file", HEADER, "c.csv"))
    live = wait_for("the live upload", lambda: [
        n for n in files_of(srv) if n.endswith(".upload.csv.part")])
    stray = [f"{uuid.uuid4()}.upload.csv", f"{uuid.uuid4()}.export.csv.part",
             f"{uuid.uuid4()}.export.csv", f"{uuid.uuid4()}.rejects.csv"]
    for name in stray + ["notes.txt"]:
        put_stray(srv, name)
    # A few sweeps pass while the upload goes on, a byte at a time.
    deadline = time.time() + 3
    while time.time() < deadline:
        s.sendall(b"1")
        time.sleep(0.1)
    names = files_of(srv)
    assert not set(stray) & names, names
    assert live[0] in names and "notes.txt" in names  # in use; not dialbookd's
    s.close()


@pytest.mark.parametrize("whose", ["unknown", "other org", "inactive"])
@pytest.mark.parametrize("order", ["id first", "file first"])
def test_an_upload_to_a_list_not_the_callers_is_refused_at_its_id(server, api, whose, order):
    lid = new_list(api)
    if whose == "unknown":
        target, status = str(uuid.uuid4()), 404
    elif whose == "other org":
        target, status = new_list(server.session()), 404
    else:
        cur = api.get(f"{LISTS}/{lid}").json()
        assert api.put(f"{LISTS}/{lid}", json=dict(cur, status="INACTIVE")).status_code == 200
        target, status = lid, 409
    before = {n for n in files_of(server) if ".upload.csv" in n}
    s = open_upload(server, api, 1_000_000_000)  # announces 1 GB, sends a few KB
    if order == "id first":
        first = part("id", target.encode()) + part("file", HEADER, "c.csv")
    else:
        first = (part("file", HEADER + b"1,5551234567\n" * 100, "c.csv") + b"\r\n" +
                 part("id", target.encode()) + part("fileType", b""))
    got, body, sent = drip_until_answered(s, first)
    s.close()
    assert got == status, body
    assert sent < 100_000
    if status == 404:
        assert body["code"] == "not.found" and target in body["message"], body
    else:
        assert body["code"] == "general.conflict" and "INACTIVE" in body["message"], body
    wait_for("the upload file to go", lambda: {
        n for n in files_of(server) if ".upload.csv" in n} <= before, 5)


def test_uploads_in_flight_are_capped_per_org(make_server):
    srv = make_server("--max-uploads-per-org", "2")
    api = srv.session()
    lid = new_list(api)
    held = []
    for _ in range(2):
        s = open_upload(srv, api, 10_000_000)
        s.sendall(part("id", lid.encode()) + part("file", HEADER, "c.csv"))
        held.append(s)
    wait_for("two uploads in flight", lambda: len(
        [n for n in files_of(srv) if n.endswith(".upload.csv.part")]) == 2)
    r = api.post("/uploads/v2/contactlist", files={
        "id": (None, lid), "fileType": (None, "contactlist"), "file": ("c.csv", HEADER)})
    body = assert_error(r, 429, "too.many.requests", contains="--max-uploads-per-org")
    assert "2 uploads in flight" in body["message"]
    assert int(r.headers["Retry-After"]) > 0
    # Per organization: another one is not held back.
    other = srv.session()
    upload(other, new_list(other), HEADER + b"1,5551234567\n")
    # A slot comes back when an upload ends.
    held.pop().close()
    wait_for("a free slot", lambda: api.post("/uploads/v2/contactlist", files={
        "id": (None, lid), "fileType": (None, "contactlist"),
        "file": ("c.csv", HEADER + b"1,5551234567\n")}).status_code == 200)
    for s in held:
        s.close()


def test_exports_pending_or_running_are_capped_per_org(make_server):
    # One job thread, busy with a big import: the exports queue behind it.
    srv = make_server("--jobs", "1", "--max-exports-per-org", "2")
    api = srv.session()
    busy, lid = new_list(api, "busy"), new_list(api, "exported")
    upload(api, busy, HEADER + b"".join(b"%d,5551234567\n" % i for i in range(900000)))
    for _ in range(2):
        assert api.post(f"{LISTS}/{lid}/export").status_code == 200
    r = api.post(f"{LISTS}/{lid}/export")
    body = assert_error(r, 429, "too.many.requests", contains="--max-exports-per-org")
    assert "2 exports pending or running" in body["message"]
    assert int(r.headers["Retry-After"]) > 0
    assert api.get(f"{LISTS}/{busy}/importstatus").json()["state"] == "IN_PROGRESS"
    other = srv.session()
    assert other.post(f"{LISTS}/{new_list(other)}/export").status_code == 200
    # Once they ran, there is room again.
    wait_for("the exports", lambda: api.post(f"{LISTS}/{lid}/export").status_code == 200, 120)


@pytest.mark.parametrize("flag,value,needle", [
    ("--retention", "0", "--retention wants a duration"),
    ("--retention", "24x", "--retention wants a duration"),
    ("--retention", "400d", "366d"),
    ("--retention", "h", "--retention wants a duration"),
    ("--sweep-interval", "0s", "--sweep-interval wants a duration"),
    ("--max-uploads-per-org", "0", "--max-uploads-per-org wants 1 to 10000"),
    ("--max-exports-per-org", "x", "--max-exports-per-org wants 1 to 10000"),
])
def test_file_flags_are_checked(tmp_path, flag, value, needle):
    proc = run_cli("--db", str(tmp_path / "x.db"), flag, value, check=False)
    assert proc.returncode == 2 and needle in proc.stderr, proc.stderr


def test_retention_takes_minutes_and_hours(make_server):
    srv = make_server("--retention", "90m", "--sweep-interval", "1h")
    api = srv.session()
    lid = new_list(api)
    eid = export(api, lid)
    assert api.get(f"/api/v2/downloads/{eid}").status_code == 200

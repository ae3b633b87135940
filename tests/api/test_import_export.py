"""CSV import through /uploads/v2/contactlist, importstatus, rejected rows,
export and download, and what happens when things go wrong."""
import csv
import io
import os
import signal
import subprocess
import time

import pytest
import requests

from conftest import LISTS, PG_SERVER, Api, assert_error, upload, wait_import

HEADER = "id,name,phone,email\r\n"


@pytest.fixture
def lst(api):
    r = api.post(LISTS, json={"name": "import", "columnDefinitions": [
        {"name": "id"}, {"name": "name"}, {"name": "phone", "type": "phone", "required": True},
        {"name": "email", "type": "email"}]})
    assert r.status_code == 201, r.text
    return r.json()


def no_upload_left(server, timeout=5):
    """Uploads that were refused are deleted once their connection completes:
    no file in <db>.files (SQLite), no blob row (PostgreSQL)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if PG_SERVER:
            out = subprocess.run(["psql", server.db, "-qAtc",
                                  "SELECT key FROM blobs WHERE key LIKE '%.upload.csv'"],
                                 capture_output=True, text=True, timeout=30)
            assert out.returncode == 0, out.stderr
            left = out.stdout.split()
        else:
            left = [f for f in os.listdir(server.db + ".files") if ".upload.csv" in f]
        if not left:
            return True
        time.sleep(0.02)
    raise AssertionError(f"uploads left behind: {left}")


def search_all(api, list_id):
    out = api.post(f"{LISTS}/{list_id}/contacts/search",
                   json={"pageSize": 100, "contactSorts": [{"fieldName": "id"}]}).json()
    return {e["id"]: e for e in out["entities"]}


def test_import_happy_path(api, lst):
    data = ("\ufeff" + HEADER + '1,"Doe, Jane",+15551234567,jane@example.com\r\n'
            '2,"Multi\nline",020 7946 0018,\r\n'
            '3,Élodie Ñúñez,5551234567,e@x.io\r\n').encode()
    r = upload(api, lst["id"], data)
    assert set(r.json()) == {"correlationId"}
    st = wait_import(api, lst["id"])
    assert "state" not in st, st
    assert st["percentComplete"] == 100
    assert st["totalRecords"] == 3 and st["completedRecords"] == 3 and st["failedRecords"] == 0
    got = search_all(api, lst["id"])
    assert set(got) == {"1", "2", "3"}
    assert got["1"]["data"]["name"] == "Doe, Jane"
    assert got["2"]["data"]["name"] == "Multi\nline"
    assert got["2"]["data"]["phone"] == "020 7946 0018"
    assert got["3"]["data"]["name"] == "Élodie Ñúñez"
    size = api.get(f"{LISTS}/{lst['id']}", params={"includeSize": "true",
                                                  "includeImportStatus": "true"}).json()
    assert size["size"] == 3 and size["importStatus"]["percentComplete"] == 100


def test_bad_rows_are_skipped_counted_and_downloadable(api, lst):
    data = (HEADER + "1,A,+15551234567,\n"
            "2,B,12ab,\n"
            "3,C,5551234567,not-an-email\n"
            "4,D,5551234567\n"
            "5,\"E\"x,5551234567,\n"
            "6,F,,\n"
            "7,G,5551234567,\n"
            "\n\n").encode()
    upload(api, lst["id"], data)
    st = wait_import(api, lst["id"])
    assert "state" not in st
    assert st["totalRecords"] == 7 and st["failedRecords"] == 5 and st["blankRecords"] == 2
    assert set(search_all(api, lst["id"])) == {"1", "7"}
    rej = api.get(st["rejectedRowsUri"])
    assert rej.status_code == 200 and rej.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(rej.text)))
    assert rows[0] == ["line", "column", "reason", "id", "name", "phone", "email"]
    by_line = {r[0]: r for r in rows[1:]}
    assert set(by_line) == {"3", "4", "5", "6", "7"}
    assert 'not a phone number: "12ab"' in by_line["3"][2] and by_line["3"][1] == "5"
    assert "not an e-mail address" in by_line["4"][2]
    assert "3 fields; the header has 4" in by_line["5"][2]
    assert "quote" in by_line["6"][2]
    assert "required value is blank" in by_line["7"][2]


@pytest.mark.parametrize("data,reason,detail", [
    (b"", "EMPTY_FILE", "empty"),
    (b"id,name,Name,phone\n", "DUPLICATE_COLUMNS", "appears twice"),
    (b"id,name,email\n1,a,b@c.de\n", "MISSING_COLUMNS", '"phone"'),
    (b"id,phone,color\n1,5551234567,red\n", "MISSING_COLUMNS", '"name", "email"'),
    (b"name,phone,email\nx,5551234567,\n", "MISSING_CUSTOM_ID", "contact-id-name"),
    (("id,phone," + ",".join(f"c{i}" for i in range(60)) + "\n").encode(),
     "CONTACT_COLUMNS_LIMIT_EXCEEDED", "at most 50"),
    (b"id,phone," + b"x" * 129 + b"\n", "COLUMN_NAME_TOO_LONG", "128"),
    (b"id,,phone\n", "INVALID_HEADER", "empty"),
    (b"\n\nid,phone\n", "INVALID_HEADER", "blank"),
    (b"id,\"ph\"one\n", "INVALID_HEADER", "line 1"),
])
def test_header_problems_fail_the_import(api, lst, data, reason, detail):
    upload(api, lst["id"], data)
    st = wait_import(api, lst["id"])
    assert st["state"] == "FAILED", st
    assert st["failureReason"] == reason
    assert detail in st["failureDetail"], st["failureDetail"]
    assert api.get(f"{LISTS}/{lst['id']}", params={"includeSize": "true"}).json()["size"] == 0


def test_unterminated_quote_fails_with_its_line_and_keeps_nothing_half_done(api, lst):
    rows = "".join(f"{i},n{i},5551234567,\n" for i in range(1, 10))
    data = (HEADER + rows + '10,"never closed,5551234567,\n' + rows).encode()
    upload(api, lst["id"], data)
    st = wait_import(api, lst["id"])
    assert st["state"] == "FAILED" and st["failureReason"] == "INVALID_FILE"
    assert "line 11" in st["failureDetail"] and "unterminated" in st["failureDetail"]
    got = search_all(api, lst["id"])
    assert set(got) == {str(i) for i in range(1, 10)}  # whole contacts only


def test_random_bytes_and_latin1(api, lst):
    upload(api, lst["id"], os.urandom(20000))
    st = wait_import(api, lst["id"])
    assert st.get("state") == "FAILED" or st["failedRecords"] >= 0
    assert "failureReason" in st or "totalRecords" in st
    upload(api, lst["id"], HEADER.encode() + "1,Jos\xe9,5551234567,\n".encode("latin-1"))
    st = wait_import(api, lst["id"])
    assert st["failedRecords"] == 1
    rej = api.get(st["rejectedRowsUri"])
    assert "invalid UTF-8" in rej.content.decode("utf-8", "replace")


def test_reimport_with_contact_id_name_is_idempotent(api, lst):
    data = (HEADER + "".join(f"{i},n{i},5551234567,\n" for i in range(50))).encode()
    for _ in range(2):
        upload(api, lst["id"], data)
        assert "state" not in wait_import(api, lst["id"])
    assert api.get(f"{LISTS}/{lst['id']}", params={"includeSize": "true"}).json()["size"] == 50


def test_without_contact_id_name_ids_are_generated(api, lst):
    upload(api, lst["id"], b"NAME,Phone,id,email\nA,5551234567,,\nB,5551234568,,\n",
           contact_id_name=None)
    assert "state" not in wait_import(api, lst["id"])
    got = search_all(api, lst["id"])
    assert len(got) == 2 and all(len(i) == 36 for i in got)


def test_trim_whitespace_is_honoured(api):
    for trim, expected in ((True, "Ann"), (False, "  Ann  ")):
        r = api.post(LISTS, json={"name": f"trim {trim}", "trimWhitespace": trim,
                                  "columnDefinitions": [{"name": "id"}, {"name": "name"}]})
        lid = r.json()["id"]
        upload(api, lid, b'id,name\n1,"  Ann  "\n')
        assert "state" not in wait_import(api, lid)
        assert search_all(api, lid)["1"]["data"]["name"] == expected


@pytest.mark.parametrize("fields,field,needle", [
    ({"id": (None, "")}, "id", "id"),
    ({"fileType": (None, "csv")}, "fileType", "contactlist"),
])
def test_upload_form_errors(api, lst, fields, field, needle):
    r = upload(api, lst["id"], HEADER.encode(), extra=fields, status=400)
    assert_error(r, 400, "invalid.value", field=field)


def test_upload_errors(api, lst, server):
    r = api.post("/uploads/v2/contactlist", files={"id": (None, lst["id"]),
                                                    "fileType": (None, "contactlist")})
    assert_error(r, 400, "invalid.value", field="file")
    r = api.post("/uploads/v2/contactlist", files={"id": (None, lst["id"]), "bogus": (None, "x"),
                                                    "file": ("a.csv", b"x")})
    assert_error(r, 400, "bad.request", contains="bogus")
    r = api.post("/uploads/v2/contactlist", data=b"id=x", headers={
        "Content-Type": "application/x-www-form-urlencoded"})
    assert_error(r, 415, "unsupported.media.type")
    r = api.post("/uploads/v2/contactlist", data=b"--XX\r\nContent-Disposition: form-data; name",
                 headers={"Content-Type": "multipart/form-data; boundary=XX"})
    assert_error(r, 400, "bad.request", contains="malformed")
    r = upload(api, "no-such-list", HEADER.encode(), status=404)
    assert_error(r, 404, "not.found")
    other = server.session()
    r = other.post("/uploads/v2/contactlist", files={
        "id": (None, lst["id"]), "fileType": (None, "contactlist"), "file": ("a", b"x")})
    assert_error(r, 404, "not.found")
    r = requests.post(server.base + "/uploads/v2/contactlist", files={"file": ("a", b"x")})
    assert_error(r, 401, "authentication.required")
    reader = server.session(grant="outbound:readonly")
    r = reader.post("/uploads/v2/contactlist", files={"file": ("a", b"x")})
    assert_error(r, 403, "missing.permissions")
    # No upload leaves a file behind.
    assert no_upload_left(server)


def test_inactive_list_refuses_imports(api, lst):
    cur = api.get(f"{LISTS}/{lst['id']}").json()
    api.put(f"{LISTS}/{lst['id']}", json=dict(cur, status="INACTIVE"))
    r = upload(api, lst["id"], HEADER.encode(), status=409)
    assert_error(r, 409, "general.conflict", contains="INACTIVE")


def test_upload_over_the_limit_is_413(make_server):
    srv = make_server("--max-upload-bytes", "1000")
    api = srv.session()
    lid = api.post(LISTS, json={"name": "x", "columnNames": ["id"]}).json()["id"]
    r = upload(api, lid, b"id\n" + b"1\n" * 2000, status=413)
    assert_error(r, 413, "request.entity.too.large", contains="1000")
    assert no_upload_left(srv)


def test_export_round_trip(api, lst):
    data = (HEADER + '1,"Doe, Jane",+15551234567,jane@example.com\n'
            '2,"say ""hi""\nthere",0049 30 901820,\n'
            '3,Ünïcødé,5551234567,u@x.de\n').encode()
    upload(api, lst["id"], data)
    assert "state" not in wait_import(api, lst["id"])
    assert_error(api.get(f"{LISTS}/{lst['id']}/export"), 404, "not.found", contains="POST")
    r = api.post(f"{LISTS}/{lst['id']}/export", json={})
    assert r.status_code == 200 and r.json()["id"]
    deadline = time.time() + 30
    while (g := api.get(f"{LISTS}/{lst['id']}/export")).status_code == 404:
        assert time.time() < deadline
        time.sleep(0.05)
    body = g.json()
    assert body["uri"].endswith(f"/api/v2/downloads/{r.json()['id']}")
    assert body["exportTimestamp"].endswith("Z")
    csv_bytes = api.get(body["uri"]).content
    assert csv_bytes.startswith(
        b"\xef\xbb\xbf\"inin-outbound-id\",\"id\",\"name\",\"phone\",\"email\",\"ContactCallable\","
        b"\"ContactableByVoice\",\"ContactableBySms\",\"ContactableByEmail\",\"Callable-phone\","
        b"\"ContactableByVoice-phone\",\"ContactableBySms-phone\",\"ContactableByEmail-email\"\r\n")
    rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    assert len(rows) == 4
    # download=true redirects to the same file.
    r = api.get(f"{LISTS}/{lst['id']}/export", params={"download": "true"},
                allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"] == body["uri"]
    # Re-import into a new list with the same columns: identical contacts.
    copy = api.post(LISTS, json={"name": "copy", "columnDefinitions": lst["columnDefinitions"]})
    upload(api, copy.json()["id"], csv_bytes, contact_id_name=None)
    assert "state" not in wait_import(api, copy.json()["id"])
    a, b = search_all(api, lst["id"]), search_all(api, copy.json()["id"])
    strip = lambda d: {k: (v["data"], v["callable"]) for k, v in d.items()}
    assert strip(a) == strip(b)


def test_downloads_are_private_to_the_org(server, api, lst):
    upload(api, lst["id"], HEADER.encode() + b"1,A,5551234567,\n")
    wait_import(api, lst["id"])
    eid = api.post(f"{LISTS}/{lst['id']}/export").json()["id"]
    deadline = time.time() + 30
    while api.get(f"{LISTS}/{lst['id']}/export").status_code == 404:
        assert time.time() < deadline
        time.sleep(0.05)
    assert api.get(f"/api/v2/downloads/{eid}").status_code == 200
    assert_error(server.session().get(f"/api/v2/downloads/{eid}"), 404, "not.found")
    assert_error(requests.get(f"{server.base}/api/v2/downloads/{eid}"), 401,
                 "authentication.required")
    r = api.get(f"/api/v2/downloads/{eid}", params={"issueRedirect": "false"})
    assert r.json()["url"].endswith(eid)
    assert_error(api.get("/api/v2/downloads/nope"), 404, "not.found")


def test_export_body_rules(api, lst):
    assert api.post(f"{LISTS}/{lst['id']}/export").status_code == 200
    assert_error(api.post(f"{LISTS}/{lst['id']}/export", json={"x": 1}), 400, "invalid.property")
    r = api.post(f"{LISTS}/{lst['id']}/export", data="{", headers={"Content-Type": "application/json"})
    assert_error(r, 400, "bad.request")


def test_two_imports_into_different_lists_at_once(api):
    ids = []
    for n in range(2):
        r = api.post(LISTS, json={"name": f"parallel {n}", "columnDefinitions": [
            {"name": "id"}, {"name": "phone", "type": "phone"}]})
        ids.append(r.json()["id"])
    data = ("id,phone\n" + "".join(f"{i},5551234567\n" for i in range(20000))).encode()
    for lid in ids:
        upload(api, lid, data)
    for lid in ids:
        st = wait_import(api, lid)
        assert "state" not in st and st["completedRecords"] == 20000
        assert api.get(f"{LISTS}/{lid}", params={"includeSize": "true"}).json()["size"] == 20000


def test_second_import_into_a_busy_list_is_409(make_server):
    # One job thread: the big import into "first" holds it, so the import
    # into "busy" stays pending while the second upload to it arrives.
    srv = make_server("--jobs", "1")
    api = srv.session()
    first, busy = [api.post(LISTS, json={"name": n, "columnDefinitions": [
        {"name": "id"}, {"name": "phone", "type": "phone"}]}).json()["id"] for n in ("first", "busy")]
    big = ("id,phone\n" + "".join(f"{i},5551234567\n" for i in range(900000))).encode()
    upload(api, first, big)
    upload(api, busy, b"id,phone\n1,5551234567\n")
    r = api.post("/uploads/v2/contactlist", files={
        "id": (None, busy), "fileType": (None, "contactlist"), "file": ("a.csv", b"id,phone\n")})
    assert_error(r, 409, "general.conflict", contains="already running")
    assert "state" not in wait_import(api, first)
    assert "state" not in wait_import(api, busy)


def test_kill_9_during_an_import_reports_interrupted(make_server, tmp_path):
    # The killed server's lease on the import ends after --job-lease; then
    # the server started next fails it (it would never touch a live one's).
    db = str(tmp_path / "crash.db")
    srv = make_server("--job-lease", "2s", "--rate-limit", "0", db=db)
    client = srv.client()
    api = Api(srv.base, srv.token(client))
    lid = api.post(LISTS, json={"name": "crash", "columnDefinitions": [
        {"name": "id"}, {"name": "phone", "type": "phone"}]}).json()["id"]
    big = ("id,phone\n" + "".join(f"{i},5551234567\n" for i in range(900000))).encode()
    upload(api, lid, big)
    deadline = time.time() + 60
    while time.time() < deadline:
        st = api.get(f"{LISTS}/{lid}/importstatus").json()
        if st.get("completedRecords", 0) > 0:
            break
        time.sleep(0.01)
    assert st.get("state") == "IN_PROGRESS", st
    srv.proc.send_signal(signal.SIGKILL)
    srv.proc.wait()
    srv.proc = None
    srv.log.close()
    again = make_server("--job-lease", "2s", "--rate-limit", "0", db=db)
    api = Api(again.base, again.token(client))
    st = wait_import(api, lid, timeout=30)
    assert st["state"] == "FAILED" and st["failureReason"] == "INTERRUPTED", st
    size = api.get(f"{LISTS}/{lid}", params={"includeSize": "true"}).json()["size"]
    assert size % 5000 == 0 and size < 900000  # whole batches only
    # Re-running the import with contact-id-name is idempotent and completes.
    upload(api, lid, big)
    st = wait_import(api, lid, timeout=120)
    assert "state" not in st
    assert api.get(f"{LISTS}/{lid}", params={"includeSize": "true"}).json()["size"] == 900000


def test_contact_limits_hold_for_the_api_and_imports(make_server):
    srv = make_server("--max-contacts-per-list", "3", "--max-contacts-per-org", "5")
    api = srv.session()
    lids = [api.post(LISTS, json={"name": f"l{i}", "columnDefinitions": [{"name": "id"}]}).json()["id"]
            for i in range(2)]
    body = [{"contactListId": lids[0], "data": {"id": str(i)}} for i in range(4)]
    err = assert_error(api.post(f"{LISTS}/{lids[0]}/contacts", json=body), 400,
                       "max.entity.count.reached", contains="nothing was added")
    assert err["limit"]["value"] == 3
    assert api.post(f"{LISTS}/{lids[0]}/contacts", json=body[:3]).status_code == 200
    # The org's limit: 3 in the first list, 3 more would make 6 > 5.
    upload(api, lids[1], b"id\n1\n2\n3\n")
    st = wait_import(api, lids[1])
    assert st["state"] == "FAILED" and st["failureReason"] == "CONTACT_LIMIT_EXCEEDED", st
    sizes = [api.get(f"{LISTS}/{l}", params={"includeSize": "true"}).json()["size"] for l in lids]
    assert sizes == [3, 0]


def test_an_endless_upload_is_cut_off_and_the_server_goes_on(make_server):
    srv = make_server("--max-upload-bytes", "100000")
    api = srv.session()
    lid = api.post(LISTS, json={"name": "x", "columnNames": ["id"]}).json()["id"]

    def endless():
        yield (b"--B\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n" + lid.encode() +
               b"\r\n--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\""
               b"\r\n\r\nid\n")
        for _ in range(20000):  # 80 MB unless cut off
            yield b"1\n" * 2048

    try:
        r = api.post("/uploads/v2/contactlist", data=endless(),
                     headers={"Content-Type": "multipart/form-data; boundary=B"})
        assert_error(r, 413, "request.entity.too.large")
    except requests.exceptions.ConnectionError:
        # Closed once the body ran 64 MiB past the limit, never earlier.
        assert "event=body_abandoned" in srv.log_text()
    assert no_upload_left(srv)
    assert api.get(LISTS).status_code == 200
    st = api.get(f"{LISTS}/{lid}/importstatus").json()
    assert st == {"totalRecords": 0, "completedRecords": 0, "percentComplete": 100}

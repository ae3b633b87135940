"""Rejected rows keep the row (issue 8, item 5): every rejects file — the
import's download and `dialbook validate --rejects` — carries each rejected
row's line, column, reason and the row's own data, nothing dropped. A row
the reader cannot split (invalid UTF-8, a stray quote) keeps its raw bytes
in one field."""
import csv
import io


from conftest import LISTS, upload, wait_import
from test_dialbook_cli import dialbook

HEADER = b"id,phone,name\n"
# Each bad row, and the bytes that must come back in its rejects row.
BAD_ROWS = [
    (b"1,+15550100301,Jos\xe9", [b"1,+15550100301,Jos\xe9"], "Windows-1252"),
    (b'2,+15550100302,Ann "Nan" Lee', [b'2,+15550100302,Ann "Nan" Lee'], "quote"),
    (b"3,+15550100303", [b"3", b"+15550100303"], "2 fields"),
    (b"4,+15550100304,Bo,extra", [b"4", b"+15550100304", b"Bo", b"extra"], "4 fields"),
    (b"5,15550100305.0,Cy", [b"5", b"15550100305.0", b"Cy"], "phone"),
]
GOOD = b"9,+15550100309,Good Row\n"
FILE = HEADER + b"".join(row + b"\n" for row, _, _ in BAD_ROWS) + GOOD


def rejects_rows(data):
    """The rejects file's rows, as bytes fields (it may hold bytes that are not UTF-8)."""
    text = data.decode("latin-1")
    return [[f.encode("latin-1") for f in r] for r in csv.reader(io.StringIO(text))]


def check(rows):
    assert rows[0] == [b"line", b"column", b"reason", b"id", b"phone", b"name"]
    assert len(rows) == 1 + len(BAD_ROWS), rows
    for (raw, fields, needle), got in zip(BAD_ROWS, rows[1:]):
        assert got[3:] == fields, (raw, got)
        assert needle.encode() in got[2], got[2]
    # line numbers are the file's
    assert [r[0] for r in rows[1:]] == [b"2", b"3", b"4", b"5", b"6"]




def test_import_rejects_keep_each_row(papi):
    r = papi.post(LISTS, json={"name": "rejects", "columnDefinitions": [
        {"name": "id"}, {"name": "phone", "type": "phone"}, {"name": "name"}]})
    lid = r.json()["id"]
    upload(papi, lid, FILE)
    st = wait_import(papi, lid)
    assert "state" not in st and st["failedRecords"] == len(BAD_ROWS), st
    check(rejects_rows(papi.get(st["rejectedRowsUri"]).content))
    got = papi.get(f"{LISTS}/{lid}/contacts/9").json()
    assert got["data"]["name"] == "Good Row"
    assert papi.get(f"{LISTS}/{lid}", params={"includeSize": "true"}).json()["size"] == 1


def test_validate_rejects_keep_each_row(tmp_path):
    lst = tmp_path / "list.json"
    lst.write_text('{"columnDefinitions": [{"name": "id"}, {"name": "phone", "type": "phone"},'
                   ' {"name": "name"}], "name": "x"}')
    f = tmp_path / "c.csv"
    f.write_bytes(FILE)
    out = tmp_path / "rejects.csv"
    proc = dialbook("validate", "--list", str(lst), "--rejects", str(out), str(f))
    assert proc.returncode == 1, proc
    assert "Windows-1252" in proc.stdout
    check(rejects_rows(out.read_bytes()))


def test_the_record_that_stops_an_import_is_kept_too(papi):
    r = papi.post(LISTS, json={"name": "stopped", "columnDefinitions": [
        {"name": "id"}, {"name": "phone", "type": "phone"}, {"name": "name"}]})
    lid = r.json()["id"]
    data = HEADER + b'1,+15550100301,Ann\n2,+15550100302,"never closed\n3,x,y\n'
    upload(papi, lid, data)
    st = wait_import(papi, lid)
    assert st["state"] == "FAILED" and st["failureReason"] == "INVALID_FILE", st
    rows = rejects_rows(papi.get(st["rejectedRowsUri"]).content)
    assert rows[1][0] == b"3" and rows[1][3] == b'2,+15550100302,"never closed\n3,x,y', rows


def test_a_nul_in_json_is_named_without_jansson_words(papi):
    r = papi.post(LISTS, data=b'{"name": "a\\u0000b", "columnNames": ["x"]}',
                  headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert "NUL character" in r.json()["message"] and "JSON_ALLOW" not in r.json()["message"]

"""Files as spreadsheets, pandas and Windows leave them: phone numbers turned
into numbers (decimals, scientific notation), text in Windows-1252 or UTF-16,
rows of bare delimiters. The server's import and `dialbook validate` say the
same thing about each; `--encoding` converts on the fly."""
import csv
import io
import json
import os
import subprocess
import time
import uuid

import pytest

from conftest import BINARY, LISTS, SANITIZER_MARKS, upload, wait_import


@pytest.fixture
def api(papi):
    """Every test here runs under both status profiles."""
    return papi


CLI = os.path.join(os.path.dirname(os.path.abspath(BINARY)), "dialbook")
LIST_JSON = {"name": "mangled", "columnDefinitions": [
    {"name": "id"}, {"name": "name"}, {"name": "phone", "type": "phone", "required": True}]}

# (value, what the hint says happened); each becomes one row of the file.
REWRITTEN = [
    ("15550100401.0", "(a decimal)"),
    ("4155550101.00", "(a decimal)"),
    ("+15550100401.0", "(a decimal)"),
    ("4.155550123E+9", "(scientific notation)"),
    ("1.5550100401e10", "(scientific notation)"),
    ("4.155550123e+09", "(scientific notation)"),
    ("-1.5550100401E10", "(scientific notation)"),
    ("1.55501E+10", "(scientific notation, digits lost)"),
]
# Forms of real phone numbers that must stay accepted.
VALID = ["+15550100401", "(317) 555-4012", "555.010.0401", "555.0100", "1 555 010 0401",
         "555-010-0401", "0044 20 7946 0018"]
HINT = "looks rewritten by a spreadsheet or pandas"
ADVICE = "read the file as text (pandas: dtype=str) or format the column as Text"


def mangled_csv():
    rows = ["id,name,phone"]
    rows += [f"v{i},ok,{p}" for i, p in enumerate(VALID)]
    rows += [f"m{i},bad,{v}" for i, (v, _) in enumerate(REWRITTEN)]
    return ("\r\n".join(rows) + "\r\n").encode()


def dialbook(*args, env=None, cwd=None, check=None):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DIALBOOK_")}
    full_env.update(env or {})
    proc = subprocess.run([CLI, *args], capture_output=True, env=full_env, cwd=cwd, timeout=120)
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    for mark in SANITIZER_MARKS:
        assert mark not in err, err
    if check is not None:
        assert proc.returncode == check, (args, proc.returncode, out, err)
    return proc.returncode, out, err


@pytest.fixture
def target(server, tmp_path):
    c = server.client()
    return {"DIALBOOK_BASE_URL": server.base, "DIALBOOK_CLIENT_ID": c["client_id"],
            "DIALBOOK_CLIENT_SECRET": c["client_secret"], "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
            "HOME": str(tmp_path)}


@pytest.fixture
def list_file(tmp_path):
    p = tmp_path / "list.json"
    p.write_text(json.dumps(LIST_JSON))
    return str(p)


def write(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data)
    return str(p)


def test_import_rejects_each_rewritten_phone_with_the_hint(api):
    lst = api.post(LISTS, json=LIST_JSON).json()
    upload(api, lst["id"], mangled_csv())
    st = wait_import(api, lst["id"])
    assert "state" not in st, st
    assert st["totalRecords"] == len(VALID) + len(REWRITTEN)
    assert st["failedRecords"] == len(REWRITTEN)
    rej = api.get(st["rejectedRowsUri"])
    assert rej.status_code == 200
    rows = list(csv.reader(io.StringIO(rej.text)))
    assert rows[0][:3] == ["line", "column", "reason"]
    by_line = {r[0]: r for r in rows[1:]}
    for i, (value, kind) in enumerate(REWRITTEN):
        line = str(2 + len(VALID) + i)
        reason = by_line[line][2]
        assert reason == f'column "phone": not a phone number: "{value}" {HINT} {kind}: {ADVICE}'
        assert by_line[line][1] == str(len(f"m{i},bad,") + 1)  # the phone's column
    search = api.post(f"{LISTS}/{lst['id']}/contacts/search", json={"pageSize": 100}).json()
    assert sorted(c["data"]["phone"] for c in search["entities"]) == sorted(VALID)


def test_validate_gives_the_same_hints_with_line_and_field(tmp_path, list_file):
    f = write(tmp_path, "pandas.csv", mangled_csv())
    rc, out, _ = dialbook("validate", "--list", list_file, f, check=1)
    for i, (value, kind) in enumerate(REWRITTEN):
        line = 2 + len(VALID) + i
        assert (f'{f}:{line}: field "phone" (3): error: not a phone number: "{value}" '
                f'{HINT} {kind}: {ADVICE}\n') in out
    assert out.splitlines()[-1].startswith(
        f"{f}: {len(VALID) + len(REWRITTEN)} rows: {len(VALID)} valid, {len(REWRITTEN)} invalid")


def test_the_api_says_it_too(api):
    lst = api.post(LISTS, json=LIST_JSON).json()
    r = api.post(f"{LISTS}/{lst['id']}/contacts",
                 json=[{"contactListId": lst["id"],
                        "data": {"id": "1", "name": "a", "phone": "1.5550100401e10"}}])
    assert r.status_code == 400, r.text
    assert HINT in r.json()["message"] and "dtype=str" in r.json()["message"]


WIN1252 = "id,name,phone\r\n1,José,5551234567\r\n2,“quoted” Renée,5551234568\r\n"


def make_list(target):
    _, out, _ = dialbook("lists", "create", "--name", f"enc {uuid.uuid4()}", "--column", "id",
                         "--column", "name", "--column", "phone:phone:required", env=target,
                         check=0)
    return out.strip()


def get_name(target, list_id, contact_id):
    _, out, _ = dialbook("contacts", "get", "--list-id", list_id, contact_id, env=target,
                         check=0)
    return json.loads(out)["data"]["name"]


def test_windows_1252_is_guessed_then_converted(tmp_path, list_file, target):
    f = write(tmp_path, "excel.csv", WIN1252.encode("cp1252"))
    rc, out, err = dialbook("validate", "--list", list_file, f, check=1)
    assert f"{f}:2: character 6: error: invalid UTF-8" in out and "Windows-1252" in out
    rc, out, err = dialbook("validate", "--list", list_file, "--encoding", "windows-1252", f,
                            check=0)
    assert "2 rows: 2 valid, 0 invalid" in out and err == ""
    for via in ("upload", "api"):
        lid = make_list(target)
        rc, out, err = dialbook("contacts", "import", "--list-id", lid, "--contact-id-name",
                                "id", "--encoding", "windows-1252", "--via", via, f,
                                env=target, check=0)
        assert get_name(target, lid, "1") == "José"
        assert get_name(target, lid, "2") == "“quoted” Renée"
    # Without --encoding, import refuses the file before sending anything.
    rc, out, err = dialbook("contacts", "import", "--list-id", lid, "--contact-id-name", "id",
                            f, env=target, check=1)
    assert "Windows-1252" in err and "nothing was imported" in err


LE_BOM = b"\xff\xfe" + WIN1252.encode("utf-16-le")


@pytest.mark.parametrize("encoding,data,guess", [
    ("utf-16", LE_BOM, "UTF-16 LE (it starts with the byte order mark FF FE)"),
    ("utf-16le", LE_BOM, "UTF-16 LE (it starts with the byte order mark FF FE)"),
    ("utf-16le", WIN1252.encode("utf-16-le"), "looks like UTF-16 LE (every other byte is NUL)"),
    ("utf-16be", WIN1252.encode("utf-16-be"), "looks like UTF-16 BE (every other byte is NUL)"),
])
def test_utf16_is_named_then_converted(tmp_path, list_file, target, encoding, data, guess):
    f = write(tmp_path, "utf16.csv", data)
    rc, out, err = dialbook("validate", "--list", list_file, f, check=1)
    assert f"{f}:1: error: INVALID_HEADER: " in out and guess in out, out
    assert "--encoding utf-16" in out
    rc, out, err = dialbook("validate", "--list", list_file, "--encoding", encoding, f, check=0)
    assert "2 rows: 2 valid, 0 invalid" in out
    lid = make_list(target)
    dialbook("contacts", "import", "--list-id", lid, "--contact-id-name", "id", "--encoding",
             encoding, f, env=target, check=0)
    assert get_name(target, lid, "1") == "José"
    assert get_name(target, lid, "2") == "“quoted” Renée"


@pytest.mark.parametrize("data,encoding,needle", [
    (LE_BOM, "windows-1252", "UTF-16 byte order mark: pass --encoding utf-16"),
    (b"\xef\xbb\xbf" + WIN1252.encode("utf-8"), "windows-1252", "it is UTF-8 already"),
])
def test_a_byte_order_mark_overrules_a_wrong_encoding(tmp_path, list_file, data, encoding,
                                                      needle):
    f = write(tmp_path, "bom.csv", data)
    rc, out, err = dialbook("validate", "--list", list_file, "--encoding", encoding, f, check=1)
    assert needle in out and "DUPLICATE_COLUMNS" not in out, out


def test_the_server_names_utf16_too(api):
    lst = api.post(LISTS, json=LIST_JSON).json()
    upload(api, lst["id"], WIN1252.encode("utf-16"))
    st = wait_import(api, lst["id"])
    assert st["state"] == "FAILED" and st["failureReason"] == "INVALID_HEADER"
    assert "UTF-16 LE" in st["failureDetail"]


def test_bad_encoding_names_are_usage_errors(tmp_path, list_file):
    f = write(tmp_path, "f.csv", b"id,name,phone\n")
    for args in (["validate", "--list", list_file, "--encoding", "klingon", f],
                 ["contacts", "import", "--list-id", "x", "--encoding", "klingon", f],
                 ["validate", "--list", list_file, "--encoding=", f]):
        rc, out, err = dialbook(*args, check=2)
        assert out == ""
        assert err.startswith("dialbook: --encoding ") and "not an encoding iconv knows" in err
    assert "--encoding klingon" in dialbook(
        "validate", "--list", list_file, "--encoding", "klingon", f)[2]


def test_bytes_the_encoding_does_not_define_are_errors_with_their_offset(tmp_path, list_file):
    # 0x81 is undefined in Windows-1252; the rows before it are checked.
    data = "id,name,phone\r\n1,José,5551234567\r\n".encode("cp1252") + b"2,a\x81b,5551234567\r\n"
    f = write(tmp_path, "bad.csv", data)
    rc, out, err = dialbook("validate", "--list", list_file, "--encoding", "windows-1252", f,
                            check=1)
    offset = data.index(b"\x81")
    assert (f"{f}:3: character 4: error: the byte at offset {offset} (0x81) is not valid windows-1252"
            in out)
    assert "2 rows: 1 valid, 1 invalid" in out
    # Without --encoding the reader cannot guess one for that byte: it says so.
    rc, out, err = dialbook("validate", "--list", list_file, f, check=1)
    assert "byte 0x81, not Windows-1252 either" in out


def test_rows_of_delimiters_are_blank_in_both_paths(api, tmp_path, list_file):
    data = b'id,name,phone\r\n1,a,5551234567\r\n,,\r\n,,\r\n"","",""\r\n2,b,5551234567\r\n'
    lst = api.post(LISTS, json=LIST_JSON).json()
    upload(api, lst["id"], data)
    st = wait_import(api, lst["id"])
    assert st["blankRecords"] == 2, st
    # Quoted empties are a row someone wrote: it fails (phone is required).
    assert st["totalRecords"] == 3 and st["failedRecords"] == 1
    f = write(tmp_path, "commas.csv", data)
    rc, out, err = dialbook("validate", "--list", list_file, f, check=1)
    assert f"{f}:3: warning: blank row (imports skip it)" in out
    assert f"{f}:4: warning: blank row (imports skip it)" in out
    assert out.splitlines()[-1].startswith(f"{f}: 3 rows: 2 valid, 1 invalid; 2 blank rows")


def test_exports_quote_leading_and_trailing_blanks(api):
    lst = api.post(LISTS, json=dict(LIST_JSON, trimWhitespace=False)).json()
    upload(api, lst["id"], b'id,name,phone\r\n1," Ann ",5551234567\r\n2,\tBo,5551234568\r\n')
    assert "state" not in wait_import(api, lst["id"])
    assert api.post(f"{LISTS}/{lst['id']}/export", json={}).status_code == 200
    deadline = time.time() + 30
    while True:
        r = api.get(f"{LISTS}/{lst['id']}/export")
        if r.status_code == 200:
            break
        assert time.time() < deadline
        time.sleep(0.05)
    text = api.get(r.json()["uri"]).content.decode("utf-8-sig")
    assert ',1," Ann ",5551234567,' in text and ',2,"\tBo",5551234568,' in text


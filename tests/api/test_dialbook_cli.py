"""The dialbook CLI and libdialbook, black-box: every subcommand and exit
code against a dialbookd on a free port, golden validation reports, the 429
path and token renewal."""
import csv
import json
import os
import stat
import subprocess

import pytest

from conftest import BINARY, LISTS, SANITIZER_MARKS

BUILD = os.path.dirname(os.path.abspath(BINARY))
CLI = os.path.join(BUILD, "dialbook")
GOLDEN = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                      "data", "validate")


def dialbook(*args, env=None, cwd=None, check=None):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DIALBOOK_")}
    full_env.update(env or {})
    proc = subprocess.run([CLI, *args], capture_output=True, text=True, env=full_env, cwd=cwd,
                          timeout=120)
    for mark in SANITIZER_MARKS:
        assert mark not in proc.stderr, proc.stderr
    if check is not None:
        assert proc.returncode == check, (args, proc.returncode, proc.stdout, proc.stderr)
    return proc


@pytest.fixture
def target(server, tmp_path):
    """Environment for a fresh organization's client, and a private config dir."""
    c = server.client()
    return {"DIALBOOK_BASE_URL": server.base, "DIALBOOK_CLIENT_ID": c["client_id"],
            "DIALBOOK_CLIENT_SECRET": c["client_secret"], "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
            "HOME": str(tmp_path)}


@pytest.mark.parametrize("name", sorted(f[:-4] for f in os.listdir(GOLDEN) if f.endswith(".csv")))
def test_golden_validation_reports(name):
    expected = open(os.path.join(GOLDEN, name + ".expected")).read()
    proc = dialbook("validate", "--list", "list.json", name + ".csv", cwd=GOLDEN)
    assert proc.stdout + f"exit {proc.returncode}\n" == expected
    assert proc.stderr == ""


def write(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data)
    return str(p)


def test_max_errors_counts_everything_and_says_so(tmp_path):
    rows = "".join(f"{i},x,bad{i},,\n" for i in range(5))
    f = write(tmp_path, "many.csv", ("id,name,phone,email,zip\n" + rows).encode())
    proc = dialbook("validate", "--list", os.path.join(GOLDEN, "list.json"), "--max-errors", "2",
                    f, check=1)
    lines = proc.stdout.splitlines()
    assert len(lines) == 3
    assert "5 invalid" in lines[-1] and "5 errors" in lines[-1]
    assert "(3 not printed; see --max-errors)" in lines[-1]


def test_rejects_file_and_json(tmp_path):
    f = write(tmp_path, "r.csv", b"id,name,phone,email,zip\n1,a,5551234567,,\n2,b,12ab,,\n")
    out = str(tmp_path / "rejects.csv")
    proc = dialbook("validate", "--list", os.path.join(GOLDEN, "list.json"), "--rejects", out,
                    "--json", f, check=1)
    summary = json.loads(proc.stdout)
    assert summary["rows"] == 2 and summary["invalid"] == 1 and summary["valid"] == 1
    # Every place separately: the line, the character, the field by name and
    # number (from 1), the byte offset.
    assert summary["problems"][0] == {"severity": "error", "code": "INVALID_VALUE", "line": 3,
                                      "column": 5, "field": "phone", "fieldNumber": 3,
                                      "offset": 45,
                                      "message": 'column "phone": not a phone number: "12ab"'}
    assert open(f, "rb").read()[45:49] == b"12ab"
    rows = list(csv.reader(open(out)))
    assert rows[0] == ["line", "column", "reason", "id", "name", "phone", "email", "zip"]
    assert rows[1][:3] == ["3", "5", 'column "phone": not a phone number: "12ab"']


def test_json_summary_notes_the_byte_order_mark():
    proc = dialbook("validate", "--list", "list.json", "--json", "bom_crlf_quotes.csv",
                    cwd=GOLDEN, check=0)
    out = json.loads(proc.stdout)
    assert out["byteOrderMark"] is True and out["valid"] == 2
    proc = dialbook("validate", "--list", "list.json", "--json", "header_case.csv", cwd=GOLDEN,
                    check=0)
    assert json.loads(proc.stdout)["byteOrderMark"] is False


def test_repeated_contact_ids(tmp_path):
    data = "id,name,phone,email,zip\n" + "".join(f"{i % 1000},n,5551234567,,\n"
                                                  for i in range(1002))
    f = write(tmp_path, "d.csv", data.encode())
    proc = dialbook("validate", "--list", os.path.join(GOLDEN, "list.json"),
                    "--contact-id-name", "id", f, check=1)
    assert 'd.csv:1002: field "id" (1): error: contact id "0" repeats line 2' in proc.stdout
    assert 'd.csv:1003: field "id" (1): error: contact id "1" repeats line 3' in proc.stdout
    assert "2 invalid" in proc.stdout.splitlines()[-1]
    ok = write(tmp_path, "ok.csv", b"id,name,phone,email,zip\n1,a,5551234567,,\n2,b,5551234567,,\n")
    dialbook("validate", "--list", os.path.join(GOLDEN, "list.json"), "--contact-id-name", "id",
             ok, check=0)


@pytest.mark.parametrize("args", [
    [],
    ["bogus"],
    ["validate"],
    ["validate", "x.csv"],
    ["validate", "--list", "a.json", "--list-id", "b", "x.csv"],
    ["validate", "--list", "a.json", "x.csv", "y.csv"],
    ["validate", "--list", "a.json", "--max-errors", "-1", "x.csv"],
    ["validate", "--nope"],
    ["lists"],
    ["lists", "frob"],
    ["lists", "create", "--name", "x"],
    ["lists", "get"],
    ["contacts", "get", "x"],
    ["contacts", "import", "--list-id", "x"],
    ["contacts", "import", "--list-id", "x", "--via", "ftp", "f.csv"],
    ["contacts", "export", "--list-id", "x"],
    ["contacts", "import", "--list-id", "x", "--parallel", "0", "f.csv"],
    ["contacts", "import", "--list-id", "x", "--parallel", "65", "f.csv"],
    ["contacts", "import", "--list-id", "x", "--max-errors", "many", "f.csv"],
    ["contacts", "add", "--list-id", "x", "--data", "no-equals-sign"],
    ["contacts", "add", "--list-id", "x"],
    ["login", "extra"],
    ["download"],
    ["download", "http://x/a"],
    ["download", "not-a-uri", "-o", "f.csv"],
    ["download", "/a", "/b", "-o", "f.csv"],
    ["download", "--nope"],
    ["contacts", "import", "--list-id", "x", "--progress", "loud", "f.csv"],
    ["contacts", "import", "--list-id", "x", "--progress"],
    ["contacts", "import", "--list-id", "x", "--rejects"],
    ["contacts", "import", "--list-id", "x", "--via", "api", "--rejects", "r.csv", "f.csv"],
    ["contacts", "export", "--list-id", "x", "-o", "f.csv", "--rejects", "r.csv"],
    ["contacts", "import", "--list-id", "x", "--rejects", "/nonexistent-dir/r.csv", "f.csv"],
])
def test_usage_errors_exit_2(args):
    proc = dialbook(*args, check=2)
    assert proc.stdout == ""
    assert proc.stderr.startswith("dialbook: ") or proc.stderr.startswith("usage:")
    if proc.stderr.startswith("dialbook: "):  # one line: what, and where to read more
        assert proc.stderr.count("\n") == 1, proc.stderr


@pytest.mark.parametrize("args", [["--help"], ["validate", "--help"], ["login", "--help"],
                                  ["lists", "--help"], ["contacts", "--help"],
                                  ["lists", "create", "--help"]])
def test_help_everywhere(args):
    proc = dialbook(*args, check=0)
    assert "usage: dialbook" in proc.stdout


def test_bad_list_definition_is_invalid_data(tmp_path):
    bad = write(tmp_path, "bad.json", b'{"name": "x", "columnNames": []}')
    f = write(tmp_path, "f.csv", b"a\n1\n")
    proc = dialbook("validate", "--list", bad, f, check=1)
    assert "not a contact list definition" in proc.stderr and "at least one column" in proc.stderr
    nojson = write(tmp_path, "no.json", b"{nope")
    proc = dialbook("validate", "--list", nojson, f, check=1)
    assert "no.json:1:" in proc.stderr
    proc = dialbook("validate", "--list", os.path.join(GOLDEN, "list.json"),
                    str(tmp_path / "missing.csv"), check=2)
    assert "missing.csv: No such file" in proc.stderr and proc.stderr.count("\n") == 1


def test_login_saves_credentials_for_the_other_commands(target, tmp_path):
    proc = dialbook("login", env=target, check=0)
    assert "logged in to" in proc.stdout
    path = tmp_path / "cfg" / "dialbook" / "credentials"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    only_home = {"XDG_CONFIG_HOME": target["XDG_CONFIG_HOME"], "HOME": target["HOME"]}
    dialbook("lists", "ls", env=only_home, check=0)
    wrong = dict(target, DIALBOOK_CLIENT_SECRET="wrong")
    proc = dialbook("login", env=wrong, check=4)
    assert "login failed" in proc.stderr and "authentication failed" in proc.stderr
    proc = dialbook("lists", "ls", env={"HOME": str(tmp_path / "nowhere")}, check=2)
    assert "no server" in proc.stderr


def test_lists_lifecycle(target, tmp_path):
    proc = dialbook("lists", "create", "--name", "CLI list", "--column", "phone:phone:required",
                    "--column", "email:email", "--column", "note", env=target, check=0)
    list_id = proc.stdout.strip()
    assert len(list_id) == 36
    got = json.loads(dialbook("lists", "get", list_id, env=target, check=0).stdout)
    assert got["columnDefinitions"][0] == {"name": "phone", "type": "phone", "required": True}
    assert got["columnNames"] == ["phone", "email", "note"]
    proc = dialbook("lists", "ls", env=target, check=0)
    assert f"{list_id}\tCLI list" in proc.stdout
    proc = dialbook("lists", "update", list_id, "--status", "INACTIVE", env=target, check=0)
    assert "version 2" in proc.stdout
    # The server refuses: the same name again is invalid data (exit 1).
    proc = dialbook("lists", "create", "--name", "cli LIST", "--column", "a", env=target,
                    check=1)
    assert "already exists" in proc.stderr and "HTTP 409" in proc.stderr
    proc = dialbook("lists", "create", "--name", "x", "--column", "a:fax", env=target, check=2)
    assert "--column wants NAME:TYPE" in proc.stderr
    body = write(tmp_path, "list.json", json.dumps(
        {"name": "from file", "columnNames": ["a", "b"]}).encode())
    proc = dialbook("lists", "create", "--from", body, "--json", env=target, check=0)
    assert json.loads(proc.stdout)["columnNames"] == ["a", "b"]
    dialbook("lists", "rm", list_id, env=target, check=0)
    proc = dialbook("lists", "get", list_id, env=target, check=2)
    assert "HTTP 404" in proc.stderr


def test_network_failure_is_exit_3(target):
    env = dict(target, DIALBOOK_BASE_URL="http://127.0.0.1:9")
    proc = dialbook("lists", "ls", env=env, check=3)
    assert "127.0.0.1:9" in proc.stderr
    proc = dialbook("lists", "ls", env=dict(target, DIALBOOK_BASE_URL="ftp://x"), check=2)
    assert "http://" in proc.stderr


def test_bad_ids_and_outputs_are_refused_before_any_request(target, tmp_path):
    # Port 9 answers nothing: a refusal here never reached the network.
    env = dict(target, DIALBOOK_BASE_URL="http://127.0.0.1:9")
    proc = dialbook("lists", "get", "x" * 600, env=env, check=2)
    assert "an id is too long" in proc.stderr
    proc = dialbook("contacts", "get", "--list-id", "x", "é" * 400, env=env, check=2)
    assert "an id is too long" in proc.stderr
    out = tmp_path / "missing-dir" / "out.csv"
    proc = dialbook("contacts", "export", "--list-id", "x", "-o", str(out), env=env, check=2)
    assert f"{out}.part: No such file" in proc.stderr
    assert not (tmp_path / "missing-dir").exists()


def make_list(target):
    return dialbook("lists", "create", "--name", "people", "--column", "id",
                    "--column", "name", "--column", "phone:phone:required",
                    env=target, check=0).stdout.strip()


def test_contacts_add_get_rm(target):
    lid = make_list(target)
    cid = dialbook("contacts", "add", "--list-id", lid, "--data", "name=Ann",
                   "--data", "phone=5551234567", env=target, check=0).stdout.strip()
    got = json.loads(dialbook("contacts", "get", "--list-id", lid, cid, env=target, check=0).stdout)
    assert got["data"]["name"] == "Ann"
    proc = dialbook("contacts", "add", "--list-id", lid, "--data", "phone=nope", env=target,
                    check=1)
    assert "not a phone number" in proc.stderr
    assert dialbook("contacts", "rm", "--list-id", lid, cid, env=target, check=0).stdout == \
        f"deleted {cid}\n"
    dialbook("contacts", "get", "--list-id", lid, cid, env=target, check=2)


def test_import_refuses_invalid_files_then_imports_and_exports(target, tmp_path):
    lid = make_list(target)
    bad = write(tmp_path, "bad.csv", b"id,name,phone\n1,Ann,5551234567\n2,Bob,12ab\n")
    proc = dialbook("contacts", "import", "--list-id", lid, "--contact-id-name", "id", bad,
                    env=target, check=1)
    assert 'bad.csv:3: field "phone" (3): error:' in proc.stderr
    assert "nothing was imported" in proc.stderr
    size = json.loads(dialbook("lists", "get", lid, env=target, check=0).stdout)
    proc = dialbook("contacts", "import", "--list-id", lid, "--contact-id-name", "id",
                    "--skip-invalid", bad, env=target, check=0)
    assert "imported 1 of 2 rows; 1 rejected" in proc.stdout
    good = write(tmp_path, "good.csv",
                 ("id,name,phone\n" + "".join(f"{i},\"N, {i}\",5551234567\n"
                                              for i in range(2500))).encode())
    proc = dialbook("contacts", "import", "--list-id", lid, "--contact-id-name", "id", good,
                    env=target, check=0)
    assert "imported 2500 of 2500 rows" in proc.stdout
    out = str(tmp_path / "export.csv")
    proc = dialbook("contacts", "export", "--list-id", lid, "-o", out, env=target, check=0)
    assert "exported to" in proc.stdout
    rows = list(csv.reader(open(out, encoding="utf-8-sig")))
    assert rows[0] == ["inin-outbound-id", "id", "name", "phone", "ContactCallable",
                       "ContactableByVoice", "ContactableBySms", "ContactableByEmail",
                       "Callable-phone", "ContactableByVoice-phone", "ContactableBySms-phone"]
    assert len(rows) == 2501  # ids 0..2499; "1" replaced by the second import
    assert size["id"] == lid


def test_import_via_api_in_parallel(target, tmp_path):
    lid = make_list(target)
    f = write(tmp_path, "api.csv", ("id,name,phone\n" + "".join(
        f"{i},n{i},5551234567\n" for i in range(3500))).encode())
    proc = dialbook("contacts", "import", "--list-id", lid, "--contact-id-name", "id",
                    "--via", "api", "--parallel", "3", f, env=target, check=0)
    assert "added 3500 contacts" in proc.stdout
    got = json.loads(dialbook("lists", "get", lid, env=target, check=0).stdout)
    assert got["id"] == lid


def test_rate_limited_commands_wait_and_succeed(make_server, tmp_path):
    srv = make_server("--rate-limit", "1", "--rate-window", "2")
    c = srv.client()
    env = {"DIALBOOK_BASE_URL": srv.base, "DIALBOOK_CLIENT_ID": c["client_id"],
           "DIALBOOK_CLIENT_SECRET": c["client_secret"], "HOME": str(tmp_path)}
    lid = dialbook("lists", "create", "--name", "r", "--column", "a", env=env, check=0).stdout.strip()
    proc = dialbook("lists", "update", lid, "--name", "renamed", env=env, check=0)
    assert "HTTP 429" in proc.stderr and "retrying in" in proc.stderr
    assert "version 2" in proc.stdout


@pytest.mark.parametrize("encoding", [None, "windows-1252"])
def test_an_upload_refused_with_429_is_sent_again_whole(make_server, tmp_path, encoding):
    # The form is built anew for each attempt: a retried upload carries its
    # file (a path, or a converting source that rewinds).
    srv = make_server("--rate-limit", "1", "--rate-window", "2")
    c = srv.client()
    env = {"DIALBOOK_BASE_URL": srv.base, "DIALBOOK_CLIENT_ID": c["client_id"],
           "DIALBOOK_CLIENT_SECRET": c["client_secret"], "HOME": str(tmp_path)}
    lid = dialbook("lists", "create", "--name", "r", "--column", "id", "--column", "name",
                   env=env, check=0).stdout.strip()
    f = write(tmp_path, "c.csv", "id,name\n1,José\n".encode("cp1252" if encoding else "utf-8"))
    args = ["contacts", "import", "--list-id", lid, "--contact-id-name", "id", f]
    if encoding:
        args += ["--encoding", encoding]
    proc = dialbook(*args, env=env, check=0)
    assert "HTTP 429" in proc.stderr and "imported 1 of 1 rows" in proc.stdout, proc


def test_libdialbook_renews_tokens(make_server):
    srv = make_server("--token-ttl", "2")
    c = srv.client()
    proc = subprocess.run([os.path.join(BUILD, "client_renewal"), srv.base, c["client_id"],
                           c["client_secret"], "5"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(" ok, token left") == 6
    assert "unknown region mars_north_1" in proc.stdout
    assert srv.log_text().count("path=/oauth/token status=200") >= 3


def test_only_the_public_api_is_exported():
    lib = os.path.join(BUILD, "libdialbook.so")
    out = subprocess.run(["nm", "-D", "--defined-only", lib], capture_output=True, text=True,
                         check=True).stdout
    names = [line.split()[-1] for line in out.splitlines() if line.strip()]
    assert names and all(n.startswith("dialbook_") for n in names), names
    header = open(os.path.join(os.path.dirname(GOLDEN), "..", "..", "include", "dialbook",
                               "dialbook.h")).read()
    for n in names:
        assert n + "(" in header, n


COLUMNS = [{"name": "id"}, {"name": "name"}, {"name": "phone", "type": "phone", "required": True}]


@pytest.mark.parametrize("form", ["contactlist", "object", "array"])
def test_validate_takes_every_form_of_a_list(tmp_path, form):
    body = {"contactlist": {"name": "x", "columnDefinitions": COLUMNS},
            "object": {"columnDefinitions": COLUMNS}, "array": COLUMNS}[form]
    definition = write(tmp_path, "list.json", json.dumps(body).encode())
    f = write(tmp_path, "c.csv", b"id,name,phone\n1,Ann,5551234567\n2,Bob,12ab\n")
    proc = dialbook("validate", "--list", definition, f, check=1)
    assert proc.stdout.splitlines()[0] == f'{f}:3: field "phone" (3): error: not a phone ' \
        'number: "12ab"'
    ok = write(tmp_path, "ok.csv", b"id,name,phone\n1,Ann,5551234567\n")
    dialbook("validate", "--list", definition, ok, check=0)


def test_validate_takes_a_list_id_on_the_server(target, tmp_path):
    lid = make_list(target)
    f = write(tmp_path, "c.csv", b"id,name,phone\n1,Ann,5551234567\n2,Bob,12ab\n")
    proc = dialbook("validate", "--list", lid, f, env=target, check=1)
    assert "1 invalid" in proc.stdout
    proc = dialbook("validate", "--list", "no-such-list", f, env=target, check=2)
    assert proc.stderr == "dialbook: --list no-such-list: neither a file nor the id of a list " \
        "on the server (`dialbook lists ls` shows them)\n"
    proc = dialbook("validate", "--list", str(tmp_path / "nope.json"), f, env=target, check=2)
    assert "nope.json: No such file" in proc.stderr and proc.stderr.count("\n") == 1


def test_import_downloads_its_rejected_rows_and_download_fetches_any_uri(target, tmp_path):
    lid = make_list(target)
    bad = write(tmp_path, "bad.csv", b"id,name,phone\n1,Ann,5551234567\n2,Bob,12ab\n")
    rejects = tmp_path / "rejects.csv"
    proc = dialbook("contacts", "import", "--list-id", lid, "--contact-id-name", "id",
                    "--skip-invalid", "--rejects", str(rejects), "--json", bad, env=target,
                    check=0)
    status = json.loads(proc.stdout)
    # Absolute, from --public-url (the server's own address here).
    assert status["rejectedRowsUri"].startswith(target["DIALBOOK_BASE_URL"] + "/api/v2/downloads/")
    rows = list(csv.reader(open(rejects, encoding="utf-8-sig")))
    assert rows == [["line", "column", "reason", "id", "name", "phone"],
                    ["3", "7", 'column "phone": not a phone number: "12ab"', "2", "Bob", "12ab"]]
    again = tmp_path / "again.csv"
    proc = dialbook("download", status["rejectedRowsUri"], "-o", str(again), env=target, check=0)
    assert again.read_bytes() == rejects.read_bytes() and "downloaded to" in proc.stdout
    assert not os.path.exists(str(again) + ".part")
    gone = status["rejectedRowsUri"][:-4] + "0000"
    proc = dialbook("download", gone, "-o", str(tmp_path / "x.csv"), env=target, check=2)
    assert "HTTP 404" in proc.stderr and not (tmp_path / "x.csv").exists()
    # A clean import writes no rejects file, and says so.
    good = write(tmp_path, "good.csv", b"id,name,phone\n3,Cy,5551234567\n")
    none = tmp_path / "none.csv"
    proc = dialbook("contacts", "import", "--list-id", lid, "--rejects", str(none), good,
                    env=target, check=0)
    assert "no row was rejected" in proc.stdout and not none.exists()


def test_import_progress_is_json_lines_off_a_terminal(target, tmp_path):
    lid = make_list(target)
    f = write(tmp_path, "p.csv", ("id,name,phone\n" + "".join(
        f"{i},n{i},5551234567\n" for i in range(3000))).encode())
    proc = dialbook("contacts", "import", "--list-id", lid, f, env=target, check=0)
    lines = [json.loads(line) for line in proc.stderr.splitlines()]
    assert lines[0] == {"phase": "upload", "file": f}
    assert lines[-1]["phase"] == "import" and lines[-1]["completedRecords"] == 3000
    assert lines[-1]["totalRecords"] == 3000 and lines[-1]["percentComplete"] == 100
    assert all(set(x) == {"phase", "completedRecords", "totalRecords", "percentComplete",
                          "elapsedSeconds"} for x in lines[1:])
    assert "imported 3000 of 3000 rows" in proc.stdout
    proc = dialbook("contacts", "import", "--list-id", lid, "--progress", "none", f, env=target,
                    check=0)
    assert proc.stderr == ""
    proc = dialbook("contacts", "import", "--list-id", lid, "--progress=json", "--via", "api", f,
                    env=target, check=0)
    assert json.loads(proc.stderr.splitlines()[-1])["completedRecords"] == 3000


def test_exit_status_table(target, tmp_path):
    """One test per code of `dialbook --help`'s table."""
    table = dialbook("--help", check=0).stdout
    for line in ("0  done", "1  invalid data", "2  usage error", "3  server or network failure",
                 "4  authentication failed"):
        assert line in table
    lid = make_list(target)
    good = write(tmp_path, "g.csv", b"id,name,phone\n1,Ann,5551234567\n")
    bad = write(tmp_path, "b.csv", b"id,name,phone\n1,Ann,12ab\n")
    dialbook("validate", "--list", lid, good, env=target, check=0)
    dialbook("validate", "--list", lid, bad, env=target, check=1)  # invalid data
    dialbook("contacts", "import", "--list-id", lid, bad, env=target, check=1)
    dialbook("validate", "--list", lid, "--bogus", good, env=target, check=2)  # usage
    proc = dialbook("contacts", "import", "--list-id", lid, str(tmp_path / "missing.csv"),
                    env=target, check=2)  # a missing file
    assert proc.stderr.count("\n") == 1 and "missing.csv: No such file" in proc.stderr
    proc = dialbook("contacts", "import", "--list-id", "no-such-list", good, env=target,
                    check=2)  # an unknown list id
    assert "HTTP 404" in proc.stderr and proc.stderr.count("\n") == 1
    down = dict(target, DIALBOOK_BASE_URL="http://127.0.0.1:9")
    dialbook("lists", "ls", env=down, check=3)  # server down
    wrong = dict(target, DIALBOOK_CLIENT_SECRET="wrong")
    proc = dialbook("lists", "ls", env=wrong, check=4)  # wrong secret
    assert proc.stderr.count("\n") == 1 and "HTTP 401" in proc.stderr

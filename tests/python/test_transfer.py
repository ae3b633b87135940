"""dialbook.upload and dialbook.export against a real dialbookd."""
import csv
import io
import logging

import pytest

import dialbook
from conftest import LISTS, make_list

GOOD = "id,phone,email\n1,+15551234567,a@example.com\n2,+15557654321,\n"


def write(tmp_path, text, name="contacts.csv"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_upload_waits_for_the_import(srv, tmp_path):
    list_id = make_list(srv.session)
    result = dialbook.upload(srv.session, list_id, write(tmp_path, GOOD), "id")
    assert result.ok
    assert result["percentComplete"] == 100 and "state" not in result
    assert result["completedRecords"] == 2
    assert result.rejected == []
    assert result.correlation_id == result["importId"]
    r = srv.session.get(f"{LISTS}/{list_id}/contacts/2")
    assert r.status_code == 200, r.text
    assert r.json()["data"]["phone"] == "+15557654321"


def test_upload_fetches_the_rejected_rows_with_their_reasons(srv, tmp_path, caplog):
    list_id = make_list(srv.session)
    text = GOOD + "3,not a phone,\n4,5551234567.0,\n"
    with caplog.at_level(logging.WARNING, logger="dialbook"):
        result = dialbook.upload(srv.session, list_id, write(tmp_path, text), "id",
                                 progress=False)
    assert not result.ok
    assert result["failedRecords"] == 2
    assert [(r["line"], r["id"]) for r in result.rejected] == [("4", "3"), ("5", "4")]
    assert 'not a phone number: "not a phone"' in result.rejected[0]["reason"]
    assert "looks rewritten by a spreadsheet or pandas" in result.rejected[1]["reason"]
    assert "2 rows rejected" in caplog.text


def test_upload_progress_without_tqdm_is_log_lines(srv, tmp_path, caplog, monkeypatch):
    import builtins
    real_import = builtins.__import__

    def no_tqdm(name, *args, **kwargs):
        if name.startswith("tqdm"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tqdm)
    list_id = make_list(srv.session)
    with caplog.at_level(logging.INFO, logger="dialbook"):
        dialbook.upload(srv.session, list_id, write(tmp_path, GOOD), "id")
    assert f"import into {list_id}: 100%" in caplog.text


def test_a_failed_import_raises_with_its_failure_reason(srv, tmp_path):
    list_id = make_list(srv.session)
    with pytest.raises(dialbook.Error) as e:
        dialbook.upload(srv.session, list_id, write(tmp_path, "id,email\n1,a@example.com\n"),
                        "id")
    assert e.value.code == "import.failed"
    assert e.value.details == [{"errorCode": "MISSING_COLUMNS"}]
    assert "MISSING_COLUMNS" in e.value.message and "phone" in e.value.message
    assert e.value.body["state"] == "FAILED"


def test_upload_without_waiting_then_wait_import(srv, tmp_path):
    list_id = make_list(srv.session)
    started = dialbook.upload(srv.session, list_id, write(tmp_path, GOOD), "id", wait=False)
    assert started.correlation_id and started["correlationId"] == started.correlation_id
    done = dialbook.wait_import(srv.session, list_id, started.correlation_id, progress=False)
    assert done["importId"] == started.correlation_id
    assert done["completedRecords"] == 2


def test_upload_to_an_unknown_list_is_the_servers_refusal(srv, tmp_path):
    with pytest.raises(dialbook.Error) as e:
        dialbook.upload(srv.session, "00000000-0000-4000-8000-000000000000",
                        write(tmp_path, GOOD), "id")
    assert e.value.status == 404
    assert e.value.code == "not.found"
    assert e.value.context_id  # the correlation id to quote
    assert e.value.context_id in str(e.value)


def test_upload_with_a_contact_id_column_the_file_lacks(srv, tmp_path):
    list_id = make_list(srv.session)
    with pytest.raises(dialbook.Error) as e:
        dialbook.upload(srv.session, list_id, write(tmp_path, GOOD), "customer")
    assert e.value.details == [{"errorCode": "MISSING_CUSTOM_ID"}]


@pytest.mark.parametrize("args, text", [
    (("not a session", "L", "f.csv"), "session must be a dialbook.Session"),
    ((None, "", "f.csv"), "list_id must be a contact list id"),
    ((None, None, "f.csv"), "list_id must be a contact list id"),
    ((None, "L", 12), "path must be a file name"),
    ((None, "L", "f.csv", ""), "contact_id_name must be a column name"),
])
def test_upload_bad_arguments(srv, args, text):
    args = (srv.session if args[0] is None else args[0],) + args[1:]
    with pytest.raises(dialbook.Error) as e:
        dialbook.upload(*args)
    assert e.value.code == "bad.argument"
    assert text in e.value.message


def test_upload_of_a_file_that_does_not_exist(srv, tmp_path):
    with pytest.raises(dialbook.Error) as e:
        dialbook.upload(srv.session, make_list(srv.session), tmp_path / "missing.csv")
    assert e.value.code == "file.unreadable"
    assert "missing.csv" in e.value.message and "No such file" in e.value.message


def test_export_returns_or_writes_the_csv(srv, tmp_path):
    list_id = make_list(srv.session)
    dialbook.upload(srv.session, list_id, write(tmp_path, GOOD), "id", progress=False)
    text = dialbook.export(srv.session, list_id)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["id"], r["phone"]) for r in rows] == [("1", "+15551234567"),
                                                     ("2", "+15557654321")]
    out = tmp_path / "out.csv"
    assert dialbook.export(srv.session, list_id, out) == str(out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # the export's BOM, as the cloud's
    assert out.read_bytes().decode("utf-8-sig") == text


def test_export_of_an_unknown_list(srv):
    with pytest.raises(dialbook.Error) as e:
        dialbook.export(srv.session, "00000000-0000-4000-8000-000000000000")
    assert e.value.status == 404 and e.value.code == "not.found"


@pytest.mark.parametrize("args, text", [
    ((object(), "L"), "session must be a dialbook.Session"),
    ((None, 5), "list_id must be a contact list id"),
    ((None, "L", 3.5), "path must be a file name or None"),
])
def test_export_bad_arguments(srv, args, text):
    args = (srv.session if args[0] is None else args[0],) + args[1:]
    with pytest.raises(dialbook.Error) as e:
        dialbook.export(*args)
    assert e.value.code == "bad.argument"
    assert text in e.value.message


def test_export_to_a_path_that_cannot_be_written(srv, tmp_path):
    list_id = make_list(srv.session)
    with pytest.raises(dialbook.Error) as e:
        dialbook.export(srv.session, list_id, tmp_path / "no" / "such" / "dir.csv")
    assert e.value.code == "file.unwritable"


def test_error_from_a_refusal_carries_the_error_body(srv):
    r = srv.session.post(LISTS, json={"name": "x", "contactListId": "mine",
                                      "columnNames": ["phone"]})
    e = dialbook.Error.from_response(r)
    assert e.status == 400 and e.code == "invalid.value"
    assert e.field_names == ["contactListId"]
    assert e.contextId == r.headers["inin-correlation-id"]
    assert "assigned by the server" in e.message
    with pytest.raises(dialbook.Error):
        dialbook.check(r)
    assert dialbook.check(srv.session.get(LISTS)).status_code == 200


@pytest.mark.parametrize("call, text", [
    (lambda s: dialbook.import_status(s, ""), "list_id must be a contact list id"),
    (lambda s: dialbook.import_status("s", "L"), "session must be a dialbook.Session"),
    (lambda s: dialbook.wait_import(s, None), "list_id must be a contact list id"),
    (lambda s: dialbook.wait_import(s, "L", timeout=0), "timeout must be a number of seconds"),
    (lambda s: dialbook.rejected_rows(s, "status"), "status must be an importstatus dict"),
    (lambda s: dialbook.rejected_rows(None, {}), "session must be a dialbook.Session"),
])
def test_import_helpers_bad_arguments(srv, call, text):
    with pytest.raises(dialbook.Error) as e:
        call(srv.session)
    assert e.value.code == "bad.argument"
    assert text in e.value.message


def test_no_rejected_rows_is_an_empty_list(srv):
    assert dialbook.rejected_rows(srv.session, {"failedRecords": 0}) == []

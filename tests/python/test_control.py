"""The control helpers of dialbook.Server (faults, imports, exports, journal,
reset, snapshots, token expiry) against dialbookd --control-api, and what
upload/export make of the faults they inject."""
import datetime
import logging
import time

import pytest

import dialbook
from conftest import LISTS, make_list, server

ROWS = "id,phone,email\n" + "".join(f"{i},+1555000{i:04d},\n" for i in range(60))


@pytest.fixture
def ctl(srv):
    srv.reset()
    return srv


def csv_file(tmp_path, text=ROWS):
    p = tmp_path / "c.csv"
    p.write_text(text)
    return p


def test_a_fault_rule_answers_fires_and_is_spent(ctl):
    rule = ctl.faults.add(preset="503", method="GET", path=LISTS, times=2)
    assert rule["status"] == 503 and rule["fired"] == 0
    assert [ctl.session.get(LISTS).status_code for _ in range(3)] == [503, 503, 200]
    [listed] = ctl.faults.list()
    assert listed["fired"] == 2 and listed["spent"]
    assert ctl.faults.get(rule["id"])["id"] == rule["id"]
    ctl.faults.delete(rule)
    assert ctl.faults.list() == []


def test_fault_rules_deleted_one_or_all(ctl):
    a = ctl.faults.add(status=418, path="/api/v2/downloads/*")
    ctl.faults.add(latency_ms=1, path="/api/v2/downloads/*")
    ctl.faults.delete(a["id"])
    assert [r["status"] for r in ctl.faults.list()] == [None]
    ctl.faults.clear()
    assert ctl.faults.list() == []
    with pytest.raises(dialbook.Error) as e:
        ctl.faults.delete(a["id"])
    assert e.value.status == 404


@pytest.mark.parametrize("kwargs, text", [
    ({"preset": "500"}, "preset must be one of 429, 503, 504, drop"),
    ({"path": "/x"}, "give a preset, a status or latency_ms"),
    ({"preset": "429", "retry_afterr": 3}, "unknown field 'retry_afterr'"),
])
def test_faults_add_bad_arguments(ctl, kwargs, text):
    with pytest.raises(dialbook.Error) as e:
        ctl.faults.add(**kwargs)
    assert e.value.code == "bad.argument"
    assert text in e.value.message


def test_a_rule_dialbookd_refuses_names_the_field(ctl):
    with pytest.raises(dialbook.Error) as e:
        ctl.faults.add(preset="429", probability=1.5)
    assert e.value.status == 400 and e.value.field_names == ["probability"]
    assert "adding a fault rule" in e.value.message
    with pytest.raises(dialbook.Error) as e:
        ctl.faults.add(status=200)
    assert e.value.field_names == ["status"]


def test_upload_and_its_polls_retry_injected_429s_and_503s(ctl, tmp_path, caplog):
    list_id = make_list(ctl.session)
    ctl.faults.add(preset="429", method="POST", path="/uploads/v2/contactlist", times=1)
    ctl.faults.add(preset="503", method="GET", path=LISTS + "/*/importstatus", times=2,
                   retry_after=0)
    with caplog.at_level(logging.INFO, logger="dialbook"):
        result = dialbook.upload(ctl.session, list_id, csv_file(tmp_path), "id", progress=False)
    assert result["completedRecords"] == 60
    uploads = ctl.journal(path_prefix="/uploads/")
    assert [e["status"] for e in uploads] == [429, 200]  # the streamed file was sent again
    assert [e["status"] for e in ctl.journal(status="5xx")] == [503, 503]
    assert "HTTP 429, retrying in 1.0 s" in caplog.text


def test_a_refusal_the_helpers_do_not_retry(ctl, tmp_path):
    list_id = make_list(ctl.session)
    ctl.faults.add(status=409, code="general.conflict", message="not now", method="POST",
                   path="/uploads/v2/contactlist")
    with pytest.raises(dialbook.Error) as e:
        dialbook.upload(ctl.session, list_id, csv_file(tmp_path), "id")
    assert (e.value.status, e.value.code, e.value.message) == (409, "general.conflict",
                                                               "upload of %s: not now"
                                                               % csv_file(tmp_path))
    assert e.value.context_id == ctl.journal(status=409)[0]["correlationId"]


def test_a_rate_limited_import_shows_its_progress(ctl, tmp_path):
    list_id = make_list(ctl.session)
    ctl.imports.rate(40, list_id=list_id)
    seen = []
    started = dialbook.upload(ctl.session, list_id, csv_file(tmp_path), "id", wait=False)
    while True:
        status = dialbook.import_status(ctl.session, list_id)
        seen.append(status["completedRecords"])
        if status.get("state") != "IN_PROGRESS":
            break
        time.sleep(0.05)
    assert status["completedRecords"] == 60 and status["importId"] == started.correlation_id
    assert any(0 < n < 60 for n in seen), seen


def test_a_manual_import_advanced_then_failed(ctl, tmp_path):
    list_id = make_list(ctl.session)
    setting = ctl.imports.manual(list_id, fail_at_percent=50, failure_reason="MISSING_COLUMNS")
    assert setting["import"]["mode"] == "manual"
    dialbook.upload(ctl.session, list_id, csv_file(tmp_path), "id", wait=False)
    assert ctl.imports.advance(list_id, 10, wait=True)["completedRecords"] == 10
    assert ctl.imports.advance(list_id, 5, wait=True)["completedRecords"] == 15
    ctl.imports.advance(list_id, 100)
    with pytest.raises(dialbook.Error) as e:
        dialbook.wait_import(ctl.session, list_id, progress=False)
    assert e.value.code == "import.failed"
    assert e.value.details == [{"errorCode": "MISSING_COLUMNS"}]
    assert e.value.body["completedRecords"] == 30
    with pytest.raises(dialbook.Error) as e:
        ctl.imports.advance(list_id, 1, wait=True)
    assert e.value.code == "import.not_running"


@pytest.mark.parametrize("call, text", [
    (lambda c: c.imports.manual(), "give list_id or organization_id"),
    (lambda c: c.imports.manual("L", organization_id="O"), "give list_id or organization_id"),
    (lambda c: c.imports.rate(0, list_id="L"), "rows_per_second must be a whole number"),
    (lambda c: c.imports.rate(1.5, list_id="L"), "rows_per_second must be a whole number"),
    (lambda c: c.imports.manual("L", fail_at_percent=40), "go together"),
    (lambda c: c.imports.immediate("L", fail_at_percent=100, failure_reason="X"),
     "fail_at_percent must be a whole number from 0 to 99"),
    (lambda c: c.imports.advance("L", 0), "rows must be a whole number"),
    (lambda c: c.imports.advance("", 1), "list_id must be a non-empty string"),
    (lambda c: c.exports.not_ready(-1, list_id="L"), "polls must be a whole number"),
    (lambda c: c.journal(after_seq=-1), "after_seq must be a whole number"),
    (lambda c: c.journal(limit=0), "limit must be a whole number"),
    (lambda c: c.reset(organization_id=7), "organization_id must be an organization id"),
    (lambda c: c.snapshot("has space"), "a snapshot name is 1 to 64 characters"),
    (lambda c: c.restore(""), "a snapshot name is 1 to 64 characters"),
    (lambda c: c.expire_tokens(5), "client_id must be a client id"),
])
def test_control_helpers_bad_arguments(ctl, call, text):
    with pytest.raises(dialbook.Error) as e:
        call(ctl)
    assert e.value.code == "bad.argument"
    assert text in e.value.message


def test_progression_refusals_from_dialbookd(ctl):
    with pytest.raises(dialbook.Error) as e:
        ctl.imports.manual("00000000-0000-4000-8000-000000000000")
    assert e.value.status == 404
    with pytest.raises(dialbook.Error) as e:
        ctl.imports.manual(make_list(ctl.session), fail_at_percent=40, failure_reason="lower")
    assert e.value.field_names == ["import.failureReason"]


def test_an_export_not_ready_for_some_polls(ctl, tmp_path):
    list_id = make_list(ctl.session)
    dialbook.upload(ctl.session, list_id, csv_file(tmp_path), "id", progress=False)
    ctl.imports.manual(list_id)
    setting = ctl.exports.not_ready(3, list_id=list_id)
    assert setting["export"] == {"notReadyPolls": 3}
    assert setting["import"]["mode"] == "manual"  # one member set, the other kept
    text = dialbook.export(ctl.session, list_id)
    assert text.count("\n") == 61
    polls = ctl.journal(method="GET", path_prefix=f"{LISTS}/{list_id}/export")
    assert [e["status"] for e in polls] == [404, 404, 404, 200]
    ctl.imports.clear(list_id=list_id)
    assert ctl.imports.settings() == []


def test_the_journal_filters(ctl):
    before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1)
    ctl.session.get(LISTS)
    ctl.session.get(LISTS + "/nope")
    entries = ctl.journal(path_prefix=LISTS)
    assert [e["status"] for e in entries] == [200, 404]
    assert ctl.journal(status="4xx")[0]["path"] == LISTS + "/nope"
    assert len(ctl.journal(since=before, path_prefix=LISTS)) == 2
    assert ctl.journal(after_seq=entries[0]["seq"], path_prefix=LISTS) == entries[1:]
    assert ctl.journal(limit=1, path_prefix=LISTS) == entries[1:]
    with pytest.raises(dialbook.Error) as e:
        ctl.journal(status="6xx")
    assert e.value.status == 400 and e.value.field_names == ["status"]
    ctl.journal.clear()
    assert ctl.journal() == []


def test_reset_snapshot_restore(ctl):
    list_id = make_list(ctl.session)
    assert ctl.snapshot("with-one-list")["name"] == "with-one-list"
    assert ctl.reset()["contactLists"] == 1
    assert ctl.session.get(f"{LISTS}/{list_id}").status_code == 404
    ctl.restore("with-one-list")
    assert ctl.session.get(f"{LISTS}/{list_id}").status_code == 200
    with pytest.raises(dialbook.Error) as e:
        ctl.restore("never-taken")
    assert e.value.status == 404


def test_expired_tokens_are_renewed_by_the_session(ctl):
    s = ctl.new_session()
    assert s.get(LISTS).ok
    assert ctl.expire_tokens()["expiredTokens"] >= 1
    assert s.get(LISTS).ok
    assert s.token_renewals == 2
    assert [e["status"] for e in ctl.journal(path_prefix=LISTS)][-2:] == [401, 200]


def test_without_the_control_api_the_helpers_say_so():
    with server(control_api=False) as srv:
        with pytest.raises(dialbook.Error) as e:
            srv.reset()
        assert e.value.code == "control.unavailable"
        assert "--control-api" in e.value.message
        assert srv.session.get(LISTS).ok

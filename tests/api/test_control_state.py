"""State and journal through the control API (docs/control-api.md): reset
of one organization or all, snapshots and restores, a client's tokens
expired now, and the request journal with its filters and what it never
keeps."""
import os
import stat

import pytest

from conftest import LISTS, Api, assert_error
from control_support import (capi, cserver, csv_rows, ctl, make_list,  # noqa: F401
                             start_control_server, status, upload, wait_until)

def list_ids(api):
    r = api.get(LISTS, params={"pageSize": 100})
    assert r.status_code == 200, r.text
    return {e["id"] for e in r.json()["entities"]}


def org_of(ctl, api):
    api.get(LISTS)
    return ctl.journal(pathPrefix=LISTS)[-1]["organizationId"]


# ---- Reset -------------------------------------------------------------------

@pytest.fixture
def own(tmp_path):
    """A control server of this test alone (reset and restore act on all)."""
    s = start_control_server(tmp_path)
    yield s
    s.stop()


def test_reset_everything(own):
    a, b = own.session(), own.session()
    la, lb = make_list(a, "a"), make_list(b, "b")
    upload(a, la["id"], csv_rows(5))
    wait_until(lambda: "state" not in status(a, la["id"]), "the import")
    own.ctl.fault(preset="503", path="/nowhere")
    own.ctl.put(f"/progression/contactlists/{lb['id']}", json={"export": {"notReadyPolls": 1}})
    r = own.ctl.post("/reset")
    assert r.status_code == 200, r.text
    assert r.json()["contactLists"] == 2 and r.json()["organizations"] >= 2
    assert list_ids(a) == set() and list_ids(b) == set()  # the tokens still work
    assert own.ctl.get("/faults").json()["total"] == 0
    assert own.ctl.get("/progression").json()["total"] == 0
    # The journal was emptied: only the two listings since.
    assert [e["path"] for e in own.ctl.journal()] == [LISTS, LISTS]
    if not os.environ.get("DIALBOOK_TEST_PG"):  # the SQLite backend's blob directory
        assert not [f for f in os.listdir(own.db + ".files") if la["id"] in f]
    # The names are free again.
    make_list(a, "a")
    assert own.ctl.post("/reset", json={}).status_code == 200


def test_reset_one_organization(own):
    a, b = own.session(), own.session()
    make_list(a, "a1"), make_list(a, "a2")
    lb = make_list(b, "b")
    rule = own.ctl.fault(preset="503", path="/nowhere")
    r = own.ctl.post("/reset", json={"organizationId": org_of(own.ctl, a)})
    assert r.status_code == 200, r.text
    assert r.json() == {"organizations": 1, "contactLists": 2}
    assert list_ids(a) == set() and list_ids(b) == {lb["id"]}
    assert [f["id"] for f in own.ctl.get("/faults").json()["entities"]] == [rule["id"]]


def test_reset_stops_a_held_import(own):
    a = own.session()
    lst = make_list(a)
    own.ctl.put(f"/progression/contactlists/{lst['id']}", json={"import": {"mode": "manual"}})
    upload(a, lst["id"], csv_rows(5))
    wait_until(lambda: status(a, lst["id"])["totalRecords"] == 5, "the import's start")
    assert own.ctl.post("/reset").status_code == 200
    assert list_ids(a) == set()
    other = make_list(a, "after")  # a job thread is free: the held import ended
    upload(a, other["id"], csv_rows(2))
    wait_until(lambda: "state" not in status(a, other["id"]), "the next import")


@pytest.mark.parametrize("body,status_,field", [
    ({"organizationId": 5}, 400, "organizationId"), ({"org": "x"}, 400, "org"),
    ({"organizationId": "nope"}, 404, None)])
def test_bad_reset(ctl, capi, body, status_, field):
    lst = make_list(capi)
    r = ctl.post("/reset", json=body)
    assert r.status_code == status_, r.text
    if field:
        assert field in [d.get("fieldName") for d in r.json()["details"]]
    assert lst["id"] in list_ids(capi)  # nothing changed


# ---- Snapshots ---------------------------------------------------------------

def test_snapshot_and_restore(own):
    a = own.session()
    before = make_list(a, "before")
    r = own.ctl.post("/snapshots", json={"name": "s-1"})
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "s-1" and r.json()["dateCreated"].endswith("Z")
    if not os.environ.get("DIALBOOK_TEST_PG"):  # SQLite keeps it as a file
        path = own.db + ".snapshots/s-1.db"
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    after = make_list(a, "after")
    assert a.delete(f"{LISTS}/{before['id']}").status_code in (200, 204)
    r = own.ctl.post("/snapshots/s-1/restore")
    assert r.status_code == 200, r.text
    assert r.json() == {"name": "s-1"}
    assert list_ids(a) == {before["id"]}
    assert after["id"] not in list_ids(a)
    # The same name again replaces it.
    assert own.ctl.post("/snapshots", json={"name": "s-1"}).status_code == 201
    make_list(a, "later")
    assert own.ctl.post("/snapshots/s-1/restore").status_code == 200
    assert list_ids(a) == {before["id"]}


def test_restore_brings_back_clients_and_tokens(own):
    own.ctl.post("/snapshots", json={"name": "empty"})
    a = own.session()  # a client made after the snapshot
    assert a.get(LISTS).status_code == 200
    assert own.ctl.post("/snapshots/empty/restore").status_code == 200
    assert_error(a.get(LISTS), 401, "bad.credentials")


@pytest.mark.parametrize("name", ["", "a/b", "../x", "a.b", "x" * 65, "sp ace", "é"])
def test_bad_snapshot_names(ctl, name):
    r = ctl.post("/snapshots", json={"name": name})
    b = assert_error(r, 400, "invalid.value", field="name")
    assert "A-Z, a-z, 0-9, _ and -" in b["message"] or "the limit is 64" in b["message"]


def test_snapshot_body_checked(ctl):
    assert_error(ctl.post("/snapshots", json={}), 400, "invalid.value", field="name")
    assert_error(ctl.post("/snapshots", json={"name": 5}), 400, "invalid.value", field="name")
    assert_error(ctl.post("/snapshots", json={"name": "a", "x": 1}), 400, "invalid.property",
                 field="x")


def test_restore_unknown_or_bad_name(ctl):
    assert_error(ctl.post("/snapshots/never-saved/restore"), 404, "not.found",
                 contains="no snapshot named never-saved")
    assert_error(ctl.post("/snapshots/a.b/restore"), 400, "invalid.value", field="name")


def test_snapshot_refused_while_a_job_runs(own):
    a = own.session()
    lst = make_list(a)
    own.ctl.put(f"/progression/contactlists/{lst['id']}", json={"import": {"mode": "manual"}})
    upload(a, lst["id"], csv_rows(3))
    wait_until(lambda: status(a, lst["id"])["totalRecords"] == 3, "the import's start")
    assert_error(own.ctl.post("/snapshots", json={"name": "x"}), 409, "general.conflict",
                 contains="running")
    assert_error(own.ctl.post("/snapshots/x/restore"), 409, "general.conflict")
    own.ctl.post(f"/progression/contactlists/{lst['id']}/advance", json={"rows": 3})
    wait_until(lambda: "state" not in status(a, lst["id"]), "the import's end")
    assert own.ctl.post("/snapshots", json={"name": "x"}).status_code == 201


# ---- Tokens expired now ------------------------------------------------------

def test_expire_a_clients_tokens(ctl, cserver):
    a, b = cserver.session(), cserver.session()
    client = a.client_info
    second = Api(cserver.base, cserver.token(client))
    r = ctl.post(f"/clients/{client['client_id']}/expire-tokens")
    assert r.status_code == 200, r.text
    assert r.json() == {"clientId": client["client_id"], "expiredTokens": 2}
    for s in (a, second):
        assert_error(s.get(LISTS), 401, "bad.credentials")
    assert b.get(LISTS).status_code == 200  # another client's token
    renewed = Api(cserver.base, cserver.token(client))
    assert renewed.get(LISTS).status_code == 200
    assert ctl.post(f"/clients/{client['client_id']}/expire-tokens").json()["expiredTokens"] == 1


def test_expire_unknown_client(ctl):
    assert_error(ctl.post("/clients/nope/expire-tokens"), 404, "not.found",
                 contains="no OAuth client with id nope")


# ---- The journal --------------------------------------------------------------

def test_journal_records_requests_without_their_data(ctl, cserver):
    c = cserver.client()
    token = cserver.token(c)
    api = Api(cserver.base, token)
    lst = make_list(api)
    secret_value = "SECRETQUERYVALUE"
    api.get(LISTS, params={"name": secret_value, "pageSize": 5})
    api.post(f"{LISTS}/{lst['id']}/contacts",
             json=[{"contactListId": lst["id"], "data": {"id": "1", "phone": "+15559998877"}}])
    entries = ctl.journal()
    text = str(entries)
    for never in (secret_value, token, c["client_secret"], "+15559998877"):
        assert never not in text
    first = entries[0]
    assert first["path"] == "/oauth/token" and first["method"] == "POST"
    assert first["organizationId"] is None and first["status"] == 200
    listing = [e for e in entries if e["method"] == "GET" and e["path"] == LISTS][0]
    assert sorted(listing["queryNames"]) == ["name", "pageSize"]
    assert listing["clientId"] == c["client_id"] and listing["organizationId"]
    assert listing["faultId"] is None and listing["durationMs"] >= 0
    assert listing["timestamp"].endswith("Z")
    seqs = [e["seq"] for e in entries]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    r = api.get(LISTS)
    assert ctl.journal()[-1]["correlationId"] == r.headers["inin-correlation-id"]
    assert not [e for e in ctl.journal() if e["path"].startswith("/_dialbook")]


def test_journal_filters(ctl, cserver):
    a, b = cserver.session(), cserver.session()
    a.get(LISTS)
    b.get(LISTS)
    a.get(LISTS + "/nope")
    a.post(LISTS, json={"name": "j", "columnDefinitions": [{"name": "p", "type": "phone"}]})
    org_a = ctl.journal(method="GET", pathPrefix=LISTS)[0]["organizationId"]
    all_ = ctl.journal()
    assert {e["method"] for e in ctl.journal(method="POST")} == {"POST"}
    assert [e["status"] for e in ctl.journal(status="404")] == [404]
    assert {e["status"] // 100 for e in ctl.journal(status="2xx")} == {2}
    assert all(e["organizationId"] == org_a for e in ctl.journal(organizationId=org_a))
    assert len(ctl.journal(organizationId=org_a)) == 3
    assert all(e["path"].startswith(LISTS + "/") for e in ctl.journal(pathPrefix=LISTS + "/"))
    mid = all_[len(all_) // 2]["seq"]
    assert [e["seq"] for e in ctl.journal(afterSeq=mid)] == [e["seq"] for e in all_
                                                            if e["seq"] > mid]
    assert [e["seq"] for e in ctl.journal(limit=2)] == [e["seq"] for e in all_[-2:]]
    assert ctl.journal(since="2000-01-01T00:00:00Z") == all_
    assert ctl.journal(since="2999-01-01T00:00:00.000Z") == []
    stamp = all_[-1]["timestamp"]
    assert ctl.journal(since=stamp)[0]["seq"] <= all_[-1]["seq"]
    assert ctl.journal(method="POST", status="201", organizationId=org_a)[0]["path"] == LISTS


@pytest.mark.parametrize("param,value,words", [
    ("status", "abc", "status must be a status"), ("status", "600", "status must be"),
    ("status", "6xx", "status must be"), ("since", "yesterday", "since must be an ISO 8601"),
    ("since", "2026-11-29T16:41:02", "ISO 8601"), ("since", "2026-11-29T16:41:02.Z", "ISO"),
    ("afterSeq", "-1", "afterSeq must be a whole number"), ("afterSeq", "x", "afterSeq"),
    ("limit", "0", "limit must be from 1 to 100000"), ("limit", "100001", "limit must be"),
])
def test_bad_journal_filters(ctl, param, value, words):
    r = ctl.get("/journal", params={param: value})
    b = assert_error(r, 400, "invalid.value", field=param)
    assert words in b["message"] and "in the query" in b["message"], b["message"]


def test_unknown_journal_parameter(ctl):
    assert_error(ctl.get("/journal", params={"stauts": "429"}), 400, "invalid.value",
                 contains="accepts: method, pathPrefix, status")


def test_journal_clear_keeps_counting(ctl, capi):
    capi.get(LISTS)
    last = ctl.journal()[-1]["seq"]
    assert ctl.delete("/journal").status_code == 204
    assert ctl.journal() == []
    capi.get(LISTS)
    assert ctl.journal()[0]["seq"] == last + 1


def test_journal_size(tmp_path):
    s = start_control_server(tmp_path, "--journal-size", "3")
    try:
        api = s.session()
        for _ in range(5):
            api.get(LISTS)
        got = s.ctl.journal()
        assert len(got) == 3 and [e["seq"] for e in got] == [4, 5, 6]  # the token was 1
    finally:
        s.stop()
    s = start_control_server(tmp_path, "--journal-size", "0")
    try:
        s.session().get(LISTS)
        assert s.ctl.journal() == []
    finally:
        s.stop()


def test_a_refused_upload_is_recorded_once(ctl, capi):
    r = capi.post("/uploads/v2/contactlist", files={"id": (None, "nope"),
                                                    "fileType": (None, "contactlist"),
                                                    "file": ("c.csv", b"id\n1\n", "text/csv")})
    assert r.status_code == 404
    got = [e for e in ctl.journal() if e["path"] == "/uploads/v2/contactlist"]
    assert [e["status"] for e in got] == [404]


def test_an_upload_is_recorded_once_with_its_answer(ctl, capi):
    lst = make_list(capi)
    upload(capi, lst["id"], csv_rows(2))
    got = [e for e in ctl.journal() if e["path"] == "/uploads/v2/contactlist"]
    assert [e["status"] for e in got] == [200]


def test_fault_on_upload_answers_before_the_body(ctl, capi):
    lst = make_list(capi)
    ctl.fault(preset="429", path="/uploads/v2/contactlist", times=1)
    r = capi.post("/uploads/v2/contactlist", files={"id": (None, lst["id"]),
                                                    "fileType": (None, "contactlist"),
                                                    "file": ("c.csv", csv_rows(2), "text/csv")})
    assert_error(r, 429, "too.many.requests")
    assert status(capi, lst["id"])["totalRecords"] == 0
    upload(capi, lst["id"], csv_rows(2))


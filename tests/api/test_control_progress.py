"""Import and export progression through the control API
(docs/control-api.md): rate, manual, a failure at a percentage, exports
not ready for N polls; settings per organization or list; bad input."""
import time

import pytest
import requests

from conftest import LISTS, Api, assert_error
from control_support import (capi, contact_count, cserver, csv_rows, ctl,  # noqa: F401
                             make_list, start_control_server, status, upload, wait_until)


def org_of(ctl, api):
    """The organization id of a session, as the journal saw it."""
    api.get(LISTS)
    return ctl.journal(pathPrefix=LISTS)[-1]["organizationId"]


def put_list(ctl, list_id, body, code=200):
    r = ctl.put(f"/progression/contactlists/{list_id}", json=body)
    assert r.status_code == code, r.text
    return r.json()


def advance(ctl, list_id, rows):
    r = ctl.post(f"/progression/contactlists/{list_id}/advance", json={"rows": rows})
    assert r.status_code == 200, r.text
    return r.json()


def test_immediate_is_todays_behaviour(ctl, capi):
    lst = make_list(capi)
    got = put_list(ctl, lst["id"], {"import": {"mode": "immediate"}})
    assert got == {"scope": "contactlist", "id": lst["id"], "export": None,
                   "import": {"mode": "immediate", "rowsPerSecond": None,
                              "failAtPercent": None, "failureReason": None}}
    upload(capi, lst["id"], csv_rows(20))
    st = wait_until(lambda: (s := status(capi, lst["id"])).get("state") != "IN_PROGRESS" and s,
                    "the import")
    assert "state" not in st and st["completedRecords"] == 20


def test_rate_shows_progress(ctl, capi):
    lst = make_list(capi)
    put_list(ctl, lst["id"], {"import": {"mode": "rate", "rowsPerSecond": 40}})
    upload(capi, lst["id"], csv_rows(80))
    seen = []

    def finished():
        st = status(capi, lst["id"])
        seen.append(st)
        return st.get("state") != "IN_PROGRESS" and st

    final = wait_until(finished, "the rate import")
    assert "state" not in final and final["completedRecords"] == 80
    partial = [s for s in seen if s.get("state") == "IN_PROGRESS"
               and 0 < s["completedRecords"] < 80]
    assert partial, seen
    assert all(s["totalRecords"] == 80 for s in partial)  # counted first: exact
    assert all(0 < s["percentComplete"] < 100 for s in partial)
    done = [s["completedRecords"] for s in partial]
    assert done == sorted(done)
    assert contact_count(capi, lst["id"]) == 80


def test_manual_moves_only_when_advanced(ctl, capi):
    lst = make_list(capi)
    put_list(ctl, lst["id"], {"import": {"mode": "manual"}})
    upload(capi, lst["id"], csv_rows(10))
    for _ in range(5):
        st = status(capi, lst["id"])
        assert st["state"] == "IN_PROGRESS" and st["completedRecords"] == 0, st
    assert advance(ctl, lst["id"], 4) == {"contactListId": lst["id"], "creditRows": 4}
    st = wait_until(lambda: (s := status(capi, lst["id"]))["completedRecords"] == 4 and s,
                    "4 rows")
    assert st["state"] == "IN_PROGRESS" and st["totalRecords"] == 10
    assert st["percentComplete"] == 40
    assert contact_count(capi, lst["id"]) == 4
    advance(ctl, lst["id"], 100)  # more than is left: the rest is dropped at the end
    st = wait_until(lambda: (s := status(capi, lst["id"])).get("state") != "IN_PROGRESS" and s,
                    "the end")
    assert "state" not in st and st["completedRecords"] == 10
    assert contact_count(capi, lst["id"]) == 10
    # The credit left went with the import: a new manual import waits again.
    upload(capi, lst["id"], csv_rows(3, start=50))
    wait_until(lambda: status(capi, lst["id"])["totalRecords"] == 3, "the second import")
    assert status(capi, lst["id"])["completedRecords"] == 0
    advance(ctl, lst["id"], 3)
    wait_until(lambda: "state" not in status(capi, lst["id"]), "the second import's end")


def test_credit_given_before_the_import_is_kept(ctl, capi):
    lst = make_list(capi)
    put_list(ctl, lst["id"], {"import": {"mode": "manual"}})
    assert advance(ctl, lst["id"], 2)["creditRows"] == 2
    assert advance(ctl, lst["id"], 1)["creditRows"] == 3
    upload(capi, lst["id"], csv_rows(5))
    wait_until(lambda: status(capi, lst["id"])["completedRecords"] == 3, "3 rows")
    advance(ctl, lst["id"], 2)
    wait_until(lambda: "state" not in status(capi, lst["id"]), "the end")


def test_script_sees_an_import_fail_at_40_percent(ctl, capi):
    """What a user's script does: upload, then poll importstatus printing
    progress, and see the import fail with the cloud's reason."""
    lst = make_list(capi)
    put_list(ctl, lst["id"], {"import": {"mode": "rate", "rowsPerSecond": 25, "failAtPercent": 40,
                                         "failureReason": "CONTACT_COLUMNS_LIMIT_EXCEEDED"}})
    upload(capi, lst["id"], csv_rows(100))
    lines = []
    deadline = time.time() + 60
    while time.time() < deadline:
        st = capi.get(f"{LISTS}/{lst['id']}/importstatus").json()
        lines.append(f"{st.get('state', 'DONE')} {st['percentComplete']}%")
        if st.get("state") != "IN_PROGRESS":
            break
        time.sleep(0.05)
    assert st["state"] == "FAILED", lines
    assert st["failureReason"] == "CONTACT_COLUMNS_LIMIT_EXCEEDED"
    assert "40%" in st["failureDetail"]
    assert st["completedRecords"] == 40 and st["totalRecords"] == 100
    assert st["percentComplete"] == 40
    assert any(line.startswith("IN_PROGRESS") and line != "IN_PROGRESS 0%" for line in lines)
    assert contact_count(capi, lst["id"]) == 40  # the rows before it stored
    got = capi.get(f"{LISTS}/{lst['id']}", params={"includeImportStatus": "true"}).json()
    assert got["importStatus"]["state"] == "FAILED"


@pytest.mark.parametrize("percent,stored", [(0, 0), (50, 5), (99, 9)])
def test_fail_at_percent_with_manual(ctl, capi, percent, stored):
    lst = make_list(capi)
    put_list(ctl, lst["id"], {"import": {"mode": "manual", "failAtPercent": percent,
                                         "failureReason": "MISSING_COLUMNS"}})
    advance(ctl, lst["id"], 1000)
    upload(capi, lst["id"], csv_rows(10))
    st = wait_until(lambda: (s := status(capi, lst["id"])).get("state") != "IN_PROGRESS" and s,
                    "the failure")
    assert st["state"] == "FAILED" and st["failureReason"] == "MISSING_COLUMNS"
    assert st["completedRecords"] == stored
    assert contact_count(capi, lst["id"]) == stored


def test_organization_setting_and_the_list_winning(ctl, cserver):
    api = cserver.session()
    org = org_of(ctl, api)
    a, b = make_list(api, "a"), make_list(api, "b")
    r = ctl.put(f"/progression/organizations/{org}", json={"import": {"mode": "manual"}})
    assert r.status_code == 200, r.text
    assert r.json()["scope"] == "organization" and r.json()["id"] == org
    put_list(ctl, b["id"], {"import": {"mode": "immediate"}})
    upload(api, a["id"], csv_rows(3))
    upload(api, b["id"], csv_rows(3))
    wait_until(lambda: "state" not in status(api, b["id"]), "b, immediate")
    assert status(api, a["id"])["state"] == "IN_PROGRESS"  # a: the organization's, manual
    other = cserver.session()  # another organization: not paced
    c = make_list(other, "c")
    upload(other, c["id"], csv_rows(3))
    wait_until(lambda: "state" not in status(other, c["id"]), "another org's import")
    advance(ctl, a["id"], 3)
    wait_until(lambda: "state" not in status(api, a["id"]), "a, advanced")


def test_export_not_ready_for_n_polls(ctl, capi):
    lst = make_list(capi)
    upload(capi, lst["id"], csv_rows(3))
    wait_until(lambda: "state" not in status(capi, lst["id"]), "the import")
    put_list(ctl, lst["id"], {"export": {"notReadyPolls": 3}})
    url = f"{LISTS}/{lst['id']}/export"
    assert capi.post(url, json={}).status_code == 200
    for _ in range(3):
        assert_error(capi.get(url), 404, "not.found", contains="still running")
    got = wait_until(lambda: (r := capi.get(url)).status_code == 200 and r.json(), "the export")
    assert got["uri"]
    # Each new export is held again.
    assert capi.post(url, json={}).status_code == 200
    assert_error(capi.get(url), 404, "not.found", contains="still running")


def test_list_and_delete_settings(ctl, cserver):
    api = cserver.session()
    org = org_of(ctl, api)
    lst = make_list(api)
    put_list(ctl, lst["id"], {"export": {"notReadyPolls": 1}})
    assert ctl.put(f"/progression/organizations/{org}",
                   json={"import": {"mode": "rate", "rowsPerSecond": 5}}).status_code == 200
    got = ctl.get("/progression").json()
    assert got["total"] == 2
    assert {(e["scope"], e["id"]) for e in got["entities"]} == {("contactlist", lst["id"]),
                                                                ("organization", org)}
    assert ctl.delete(f"/progression/contactlists/{lst['id']}").status_code == 204
    assert_error(ctl.delete(f"/progression/contactlists/{lst['id']}"), 404, "not.found")
    assert ctl.delete(f"/progression/organizations/{org}").status_code == 204
    assert_error(ctl.delete(f"/progression/organizations/{org}"), 404, "not.found")
    put_list(ctl, lst["id"], {"export": {"notReadyPolls": 1}})
    assert ctl.delete("/progression").status_code == 204
    assert ctl.get("/progression").json() == {"entities": [], "total": 0}


BAD = [
    ({}, "import", "give import"),
    ({"import": {}}, "import.mode", "is required"),
    ({"import": {"mode": "fast"}}, "import.mode", "Allowable values are: immediate, rate, manual"),
    ({"import": "rate"}, "import", "must be an object"),
    ({"import": {"mode": "rate"}}, "import.rowsPerSecond", "is required with mode rate"),
    ({"import": {"mode": "rate", "rowsPerSecond": 0}}, "import.rowsPerSecond", "got 0"),
    ({"import": {"mode": "rate", "rowsPerSecond": 1000001}}, "import.rowsPerSecond",
     "got 1000001"),
    ({"import": {"mode": "rate", "rowsPerSecond": "5"}}, "import.rowsPerSecond",
     "must be an integer"),
    ({"import": {"mode": "manual", "rowsPerSecond": 5}}, "import.rowsPerSecond",
     "goes with mode rate only"),
    ({"import": {"mode": "manual", "failAtPercent": 100, "failureReason": "X"}},
     "import.failAtPercent", "from 0 to 99; got 100"),
    ({"import": {"mode": "manual", "failAtPercent": -1, "failureReason": "X"}},
     "import.failAtPercent", "got -1"),
    ({"import": {"mode": "manual", "failAtPercent": 40}}, "import.failureReason",
     "is required with failAtPercent"),
    ({"import": {"mode": "manual", "failureReason": "X"}}, "import.failAtPercent",
     "goes with import.failAtPercent"),
    ({"import": {"mode": "manual", "failAtPercent": 4, "failureReason": "too_low"}},
     "import.failureReason", "upper-case"),
    ({"import": {"mode": "manual", "failAtPercent": 4, "failureReason": "A" * 64}},
     "import.failureReason", "the limit is 63"),
    ({"import": {"mode": "manual", "speed": 1}}, "import.speed", "not a property"),
    ({"export": {"notReadyPolls": -1}}, "export.notReadyPolls", "from 0 to 1000; got -1"),
    ({"export": {"notReadyPolls": 1001}}, "export.notReadyPolls", "got 1001"),
    ({"export": {"notReadyPolls": 1.5}}, "export.notReadyPolls", "must be an integer"),
    ({"export": {"polls": 1}}, "export.polls", "not a property"),
    ({"scope": "organization", "import": {"mode": "manual"}}, "scope", "assigned by the server"),
]


@pytest.mark.parametrize("body,field,words", BAD)
def test_bad_progression_is_400_naming_the_field(ctl, capi, body, field, words):
    lst = make_list(capi)
    r = ctl.put(f"/progression/contactlists/{lst['id']}", json=body)
    assert r.status_code == 400, r.text
    b = r.json()
    assert field in [d.get("fieldName") for d in b["details"]], b
    assert words in b["message"], b["message"]
    assert ctl.get("/progression").json()["total"] == 0


def test_unknown_targets_are_404(ctl):
    body = {"import": {"mode": "manual"}}
    assert_error(ctl.put("/progression/contactlists/nope", json=body), 404, "not.found",
                 contains="no contact list with id nope")
    assert_error(ctl.put("/progression/organizations/nope", json=body), 404, "not.found",
                 contains="no organization with id nope")
    assert_error(ctl.post("/progression/contactlists/nope/advance", json={"rows": 1}), 404,
                 "not.found")
    assert ctl.get("/progression").json()["total"] == 0


@pytest.mark.parametrize("body,words", [
    ({"rows": 0}, "from 1 to 100000000; got 0"), ({"rows": -5}, "got -5"),
    ({"rows": 100000001}, "got 100000001"), ({"rows": "5"}, "must be an integer"),
    ({}, "rows is required"), ({"rows": 1, "more": 1}, "not a property")])
def test_bad_advance(ctl, capi, body, words):
    lst = make_list(capi)
    r = ctl.post(f"/progression/contactlists/{lst['id']}/advance", json=body)
    assert r.status_code == 400, r.text
    assert words in r.json()["message"], r.json()["message"]


def test_sigterm_stops_a_held_import(tmp_path):
    s = start_control_server(tmp_path, "--job-lease", "2s")
    api = s.session()
    lst = make_list(api)
    assert s.ctl.put(f"/progression/contactlists/{lst['id']}",
                     json={"import": {"mode": "manual"}}).status_code == 200
    upload(api, lst["id"], csv_rows(10))
    s.ctl.post(f"/progression/contactlists/{lst['id']}/advance", json={"rows": 2})
    wait_until(lambda: status(api, lst["id"])["completedRecords"] == 2, "2 rows")
    s.stop()  # SIGTERM: exits 0 within the harness's wait, no sanitizer report
    s.start()
    st = status(Api(s.base, api.headers["Authorization"][len("Bearer "):]), lst["id"])
    assert st["state"] == "FAILED" and st["failureReason"] == "INTERRUPTED", st
    assert st["completedRecords"] == 2
    s.stop()


def test_deleting_the_list_stops_a_held_import(ctl, capi):
    lst = make_list(capi)
    put_list(ctl, lst["id"], {"import": {"mode": "manual"}})
    upload(capi, lst["id"], csv_rows(5))
    wait_until(lambda: status(capi, lst["id"])["totalRecords"] == 5, "the import's start")
    assert capi.delete(f"{LISTS}/{lst['id']}").status_code in (200, 204)
    # Its job thread is free again: another list's import runs.
    other = make_list(capi, "other")
    upload(capi, other["id"], csv_rows(2))
    wait_until(lambda: "state" not in status(capi, other["id"]), "the other import")


def test_requests_library_is_enough(cserver):
    """The control API needs nothing but HTTP and the token."""
    r = requests.get(cserver.base + "/_dialbook/progression",
                     headers={"Authorization": "Bearer " + cserver.ctl.token})
    assert r.status_code == 200 and "entities" in r.json()



def test_deleting_the_setting_lets_a_held_import_go(ctl, capi):
    lst = make_list(capi)
    put_list(ctl, lst["id"], {"import": {"mode": "manual"}})
    upload(capi, lst["id"], csv_rows(6))
    advance(ctl, lst["id"], 2)
    wait_until(lambda: status(capi, lst["id"])["completedRecords"] == 2, "2 rows")
    assert status(capi, lst["id"])["state"] == "IN_PROGRESS"
    assert ctl.delete(f"/progression/contactlists/{lst['id']}").status_code == 204
    st = wait_until(lambda: (s := status(capi, lst["id"])).get("state") != "IN_PROGRESS" and s,
                    "the released import")
    assert "state" not in st and st["completedRecords"] == 6

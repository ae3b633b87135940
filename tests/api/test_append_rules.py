"""Appending to a list as the cloud documents it (issue 8, items 1 and 6):
the header holds every column of the list (any case, any order), extra
columns are ignored and reported, and a contact's system state (callable,
phoneNumberStatus, contactableStatus) survives every update unless the
request asks for clearSystemData. Each case runs under both profiles."""
import csv
import io
import time

import pytest

from conftest import LISTS, assert_error, wait_import
from conftest import upload as post_upload

CONTACTS = LISTS + "/{}/contacts"




def make_list(api, columns, name="append"):
    r = api.post(LISTS, json={"name": name, "columnDefinitions": columns})
    assert r.status_code in (200, 201), r.text
    return r.json()["id"]


def upload(api, lid, data, contact_id_name="id", extra=None):
    """Imports data into the list; the import's final status."""
    post_upload(api, lid, data, contact_id_name=contact_id_name, extra=extra)
    return wait_import(api, lid)


def get(api, lid, cid):
    r = api.get(CONTACTS.format(lid) + "/" + cid)
    assert r.status_code == 200, r.text
    return r.json()


def size(api, lid):
    return api.get(f"{LISTS}/{lid}", params={"includeSize": "true"}).json()["size"]


KIM = [{"name": "id"}, {"name": "phone", "type": "phone"}, {"name": "name"}]


def test_a_file_lacking_a_column_fails_and_blanks_nothing(papi):
    lid = make_list(papi, KIM)
    assert upload(papi, lid, b"id,phone,name\n1,+15550100201,Kim Example\n").get("state") is None
    st = upload(papi, lid, b"id,phone\n1,+15550100209\n")
    assert st["state"] == "FAILED" and st["failureReason"] == "MISSING_COLUMNS", st
    assert '"name"' in st["failureDetail"]
    kim = get(papi, lid, "1")["data"]
    assert kim == {"id": "1", "phone": "+15550100201", "name": "Kim Example"}


def test_extra_columns_are_ignored_and_reported(papi):
    lid = make_list(papi, KIM)
    st = upload(papi, lid, b"id,phone,name,region\n2,+15550100210,Lee Example,north\n")
    assert "state" not in st, st
    assert st["ignoredColumns"] == ["region"]
    assert get(papi, lid, "2")["data"] == {"id": "2", "phone": "+15550100210",
                                            "name": "Lee Example"}
    # A later import without extra columns reports none.
    st = upload(papi, lid, b"id,phone,name\n3,+15550100211,Max\n")
    assert "ignoredColumns" not in st


def test_header_matches_in_any_case_and_order(papi):
    lid = make_list(papi, KIM)
    st = upload(papi, lid, b"NAME,Phone,iD\nAda,+15550100212,7\n", contact_id_name="ID")
    assert "state" not in st, st
    assert get(papi, lid, "7")["data"] == {"id": "7", "phone": "+15550100212", "name": "Ada"}


def test_every_missing_column_is_named(papi):
    lid = make_list(papi, KIM + [{"name": "zip"}, {"name": "email", "type": "email"}])
    st = upload(papi, lid, b"id,phone\n1,+15550100201\n")
    assert st["failureReason"] == "MISSING_COLUMNS"
    for name in ('"name"', '"zip"', '"email"'):
        assert name in st["failureDetail"], st["failureDetail"]
    assert size(papi, lid) == 0


def test_contact_id_name_must_be_a_column_of_the_file(papi):
    lid = make_list(papi, KIM)
    st = upload(papi, lid, b"id,phone,name\n1,+15550100201,Kim\n", contact_id_name="account")
    assert st["state"] == "FAILED" and st["failureReason"] == "MISSING_CUSTOM_ID", st
    assert '"account"' in st["failureDetail"]
    assert size(papi, lid) == 0


# --- system state -----------------------------------------------------------

STATE_LIST = [{"name": "id"}, {"name": "home", "type": "phone"},
              {"name": "cell", "type": "phone"}, {"name": "email", "type": "email"}]


def seed_barred(api):
    """p1: home not callable, e-mail not contactable; p2: not callable."""
    lid = make_list(api, STATE_LIST, name="barred")
    r = api.post(CONTACTS.format(lid), json=[
        {"id": "p1", "contactListId": lid,
         "data": {"id": "p1", "home": "+15550100301", "cell": "", "email": "p1@example.com"},
         "phoneNumberStatus": {"home": {"callable": False}},
         "contactableStatus": {"Email": {"contactable": False,
                                         "columnStatus": {"email": {"contactable": False}}}}},
        {"id": "p2", "contactListId": lid, "callable": False,
         "data": {"id": "p2", "home": "+15550100302", "cell": "", "email": ""}},
    ])
    assert r.status_code == 200, r.text
    return lid


def state(c):
    return (c["callable"], c.get("phoneNumberStatus"), c.get("contactableStatus"))


P1_STATE = (True, {"home": {"callable": False}},
            {"Email": {"contactable": False, "columnStatus": {"email": {"contactable": False}}}})
P2_STATE = (False, None, None)


def test_a_csv_append_keeps_every_barred_state(papi):
    lid = seed_barred(papi)
    st = upload(papi, lid, b"id,home,cell,email\np1,+15550100301,+15550100311,p1@example.com\n"
                           b"p2,+15550100302,+15550100312,\n")
    assert "state" not in st, st
    p1, p2 = get(papi, lid, "p1"), get(papi, lid, "p2")
    assert p1["data"]["cell"] == "+15550100311" and p2["data"]["cell"] == "+15550100312"
    assert state(p1) == P1_STATE
    assert state(p2) == P2_STATE


def test_an_upsert_and_a_put_keep_every_barred_state(papi):
    lid = seed_barred(papi)
    created = get(papi, lid, "p1")["dateCreated"]
    time.sleep(0.01)
    r = papi.post(CONTACTS.format(lid), json=[
        {"id": "p1", "contactListId": lid, "data": {"id": "p1", "home": "+15550100301",
                                                    "cell": "+15550100321", "email": ""}},
        {"id": "p2", "contactListId": lid, "data": {"id": "p2", "home": "+15550100302"}}])
    assert r.status_code == 200, r.text
    answered = {c["id"]: c for c in r.json()}
    # The answer shows what is stored: the original dateCreated and the kept state.
    assert answered["p1"]["dateCreated"] == created
    assert state(answered["p1"]) == P1_STATE and state(answered["p2"]) == P2_STATE
    r = papi.put(CONTACTS.format(lid) + "/p2", json={
        "contactListId": lid, "data": {"id": "p2", "home": "+15550100399"}})
    assert r.status_code == 200, r.text
    assert state(r.json()) == P2_STATE and r.json()["data"]["home"] == "+15550100399"
    assert r.json()["dateCreated"] == get(papi, lid, "p2")["dateCreated"]
    assert state(get(papi, lid, "p1")) == P1_STATE
    assert state(get(papi, lid, "p2")) == P2_STATE


def test_given_state_replaces_its_own_entry_only(papi):
    lid = seed_barred(papi)
    r = papi.post(CONTACTS.format(lid), json=[
        {"id": "p1", "contactListId": lid, "data": {"id": "p1", "home": "+15550100301"},
         "phoneNumberStatus": {"cell": {"callable": False}}},
        {"id": "p2", "contactListId": lid, "data": {"id": "p2"}, "callable": True}])
    assert r.status_code == 200, r.text
    p1 = get(papi, lid, "p1")
    assert p1["phoneNumberStatus"] == {"home": {"callable": False}, "cell": {"callable": False}}
    assert p1["contactableStatus"] == P1_STATE[2]
    assert get(papi, lid, "p2")["callable"] is True


def test_clear_system_data_clears_on_the_add_call(papi):
    lid = seed_barred(papi)
    r = papi.post(CONTACTS.format(lid), params={"clearSystemData": "true"}, json=[
        {"id": "p1", "contactListId": lid, "data": {"id": "p1", "home": "+15550100301"}},
        {"id": "p2", "contactListId": lid, "data": {"id": "p2"}}])
    assert r.status_code == 200, r.text
    for cid in ("p1", "p2"):
        assert state(get(papi, lid, cid)) == (True, None, None)


def test_clear_system_data_clears_on_the_upload(papi):
    lid = seed_barred(papi)
    st = upload(papi, lid, b"id,home,cell,email\np1,+15550100301,,\np2,+15550100302,,\n",
                extra={"clearSystemData": (None, "true")})
    assert "state" not in st, st
    for cid in ("p1", "p2"):
        assert state(get(papi, lid, cid)) == (True, None, None)


def test_clear_system_data_must_be_a_boolean(papi):
    lid = seed_barred(papi)
    for bad in ("yes", "1"):
        r = papi.post(CONTACTS.format(lid), params={"clearSystemData": bad},
                      json=[{"contactListId": lid, "data": {"id": "x"}}])
        assert_error(r, 400, "invalid.value", contains="clearSystemData")
        r = papi.post("/uploads/v2/contactlist", files={
            "id": (None, lid), "fileType": (None, "contactlist"),
            "clearSystemData": (None, bad), "file": ("c.csv", b"id,home,cell,email\n")})
        assert_error(r, 400, "invalid.value", field="clearSystemData")
    assert size(papi, lid) == 2


def export(api, lid):
    eid = api.post(f"{LISTS}/{lid}/export", json={}).json()["id"]
    deadline = time.time() + 30
    while (g := api.get(f"{LISTS}/{lid}/export")).status_code == 404:
        assert time.time() < deadline
        time.sleep(0.05)
    assert eid in g.json()["uri"]
    return api.get(g.json()["uri"]).content


def test_the_export_carries_the_state_and_a_reimport_restores_it(papi):
    lid = seed_barred(papi)
    data = export(papi, lid)
    rows = {r["inin-outbound-id"]: r
            for r in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))}
    assert rows["p1"]["ContactCallable"] == "1" and rows["p2"]["ContactCallable"] == "0"
    assert rows["p1"]["Callable-home"] == "0" and rows["p1"]["Callable-cell"] == ""
    assert rows["p1"]["ContactableByEmail"] == "0"
    assert rows["p1"]["ContactableByEmail-email"] == "0"
    assert rows["p2"]["Callable-home"] == ""
    copy = make_list(papi, STATE_LIST, name="copy")
    st = upload(papi, copy, data, contact_id_name=None)
    assert "state" not in st and "ignoredColumns" not in st, st
    for cid in ("p1", "p2"):
        a, b = get(papi, lid, cid), get(papi, copy, cid)
        assert (a["data"], state(a)) == (b["data"], state(b))


def test_a_bad_state_cell_rejects_its_row_only(papi):
    lid = make_list(papi, STATE_LIST)
    st = upload(papi, lid, b"id,home,cell,email,Callable-home,ContactCallable\n"
                           b"a,+15550100301,,,maybe,\nb,+15550100302,,,0,1\n")
    assert "state" not in st and st["failedRecords"] == 1, st
    rejects = papi.get(st["rejectedRowsUri"]).text
    assert "Callable-home must be 1, 0, true, false or empty" in rejects
    assert get(papi, lid, "b")["phoneNumberStatus"] == {"home": {"callable": False}}
    assert size(papi, lid) == 1


def test_excel_sep_line_is_explained(papi):
    lid = make_list(papi, KIM)
    st = upload(papi, lid, b"sep=,\nid,phone,name\n1,+15550100201,Kim\n")
    assert st["state"] == "FAILED" and st["failureReason"] == "INVALID_HEADER", st
    assert "Excel's delimiter hint" in st["failureDetail"] and "delete" in st["failureDetail"]
    assert size(papi, lid) == 0


# --- the same rules through the CLI -----------------------------------------

def cli_env(server, api):
    c = api.client_info
    return {"DIALBOOK_BASE_URL": server.base, "DIALBOOK_CLIENT_ID": c["client_id"],
            "DIALBOOK_CLIENT_SECRET": c["client_secret"]}


@pytest.mark.parametrize("via", ["upload", "api"])
def test_cli_import_refuses_a_file_lacking_a_column(server, api, tmp_path, via):
    from test_dialbook_cli import dialbook
    lid = make_list(api, KIM)
    assert upload(api, lid, b"id,phone,name\n1,+15550100201,Kim Example\n").get("state") is None
    f = tmp_path / "short.csv"
    f.write_bytes(b"id,phone\n1,+15550100209\n")
    env = dict(cli_env(server, api), HOME=str(tmp_path))
    proc = dialbook("contacts", "import", "--list-id", lid, "--contact-id-name", "id",
                    "--via", via, str(f), env=env)
    assert proc.returncode != 0 and 'MISSING_COLUMNS' in proc.stdout + proc.stderr, proc
    assert get(api, lid, "1")["data"]["name"] == "Kim Example"


def test_cli_import_via_api_keeps_barred_states(server, api, tmp_path):
    from test_dialbook_cli import dialbook
    lid = seed_barred(api)
    f = tmp_path / "new-cells.csv"
    f.write_bytes(b"id,home,cell,email,Callable-cell\n"
                  b"p1,+15550100301,+15550100311,p1@example.com,0\np2,+15550100302,,,\n")
    env = dict(cli_env(server, api), HOME=str(tmp_path))
    dialbook("contacts", "import", "--list-id", lid, "--contact-id-name", "id", "--via", "api",
             str(f), env=env, check=0)
    p1 = get(api, lid, "p1")
    assert p1["data"]["cell"] == "+15550100311"
    assert p1["phoneNumberStatus"] == {"home": {"callable": False}, "cell": {"callable": False}}
    assert p1["contactableStatus"] == P1_STATE[2]
    assert state(get(api, lid, "p2")) == P2_STATE


# --- status maps: one spelling per column, one shape ------------------------

def test_status_keys_take_the_lists_spelling_and_survive_an_export(papi):
    lid = make_list(papi, [{"name": "id"}, {"name": "Cell", "type": "phone"},
                           {"name": "Mail", "type": "email"}], name="spelling")
    r = papi.post(CONTACTS.format(lid), json=[{
        "id": "s1", "contactListId": lid, "data": {"id": "s1", "Cell": "+15550100401"},
        "phoneNumberStatus": {"cELL": {"callable": False}},
        "contactableStatus": {"Email": {"columnStatus": {"mail": {"contactable": False}}}}}])
    assert r.status_code == 200, r.text
    got = get(papi, lid, "s1")
    assert got["phoneNumberStatus"] == {"Cell": {"callable": False}}
    assert got["contactableStatus"] == {"Email": {"columnStatus": {"Mail": {"contactable": False}}}}
    # Another spelling later updates the same entry.
    papi.post(CONTACTS.format(lid), json=[{
        "id": "s1", "contactListId": lid, "data": {"id": "s1", "Cell": "+15550100401"},
        "phoneNumberStatus": {"cell": {"callable": True}}}])
    assert get(papi, lid, "s1")["phoneNumberStatus"] == {"Cell": {"callable": True}}
    rows = list(csv.DictReader(io.StringIO(export(papi, lid).decode("utf-8-sig"))))
    assert rows[0]["Callable-Cell"] == "1" and rows[0]["ContactableByEmail-Mail"] == "0"


@pytest.mark.parametrize("extra,field", [
    ({"phoneNumberStatus": {"nope": {"callable": False}}}, "phoneNumberStatus.nope"),
    ({"phoneNumberStatus": {"mail": {"callable": False}}}, "phoneNumberStatus.mail"),
    ({"phoneNumberStatus": {"cell": {"callable": False}, "CELL": {"callable": True}}},
     "phoneNumberStatus.CELL"),
    ({"phoneNumberStatus": {"cell": None}}, "phoneNumberStatus.cell"),
    ({"phoneNumberStatus": {"cell": {"callable": "no"}}}, "phoneNumberStatus.cell"),
    ({"phoneNumberStatus": {"cell": {"callable": False, "x": 1}}}, "phoneNumberStatus.cell"),
    ({"contactableStatus": {"Fax": {"contactable": False}}}, "contactableStatus.Fax"),
    ({"contactableStatus": {"Voice": {"contactable": None}}}, "contactableStatus.Voice.contactable"),
    ({"contactableStatus": {"Voice": {"colour": 1}}}, "contactableStatus.Voice.colour"),
    ({"contactableStatus": {"Voice": {"columnStatus": {"mail": {"contactable": False}}}}},
     "contactableStatus.Voice.columnStatus.mail"),
    ({"contactableStatus": {"Email": {"columnStatus": {"cell": {"contactable": False}}}}},
     "contactableStatus.Email.columnStatus.cell"),
    ({"contactableStatus": {"SMS": {"columnStatus": {"nosuch": {"contactable": False}}}}},
     "contactableStatus.SMS.columnStatus.nosuch"),
    ({"contactableStatus": {"SMS": "no"}}, "contactableStatus.SMS"),
])
def test_bad_status_maps_are_refused_naming_the_entry(papi, extra, field):
    lid = make_list(papi, [{"name": "id"}, {"name": "cell", "type": "phone"},
                           {"name": "mail", "type": "email"}], name="bad maps")
    body = dict({"id": "b1", "contactListId": lid, "data": {"id": "b1"}}, **extra)
    body_err = assert_error(papi.post(CONTACTS.format(lid), json=[body]), 400, "invalid.value",
                            field="[0]." + field)
    assert ("[0]." + field) in body_err["message"]
    assert size(papi, lid) == 0


# --- CSV values and header cells ---------------------------------------------

def test_a_nul_byte_rejects_its_row_and_names_it(papi):
    lid = make_list(papi, KIM)
    st = upload(papi, lid, b"id,phone,name\n1,+15550100201,ab\x00cd\n2,+15550100202,Ok\n")
    assert "state" not in st and st["failedRecords"] == 1, st
    rejects = papi.get(st["rejectedRowsUri"]).content
    assert b"NUL byte" in rejects and b"ab\x00cd" in rejects
    assert size(papi, lid) == 1
    st = upload(papi, lid, b"id,phone,name,x\x00y\n3,+15550100203,Z,\n")
    assert st["state"] == "FAILED" and "NUL byte" in st["failureDetail"], st


def test_header_cells_are_trimmed(papi):
    lid = make_list(papi, KIM)
    st = upload(papi, lid, b" id ,\tphone, name \n1,+15550100201,Kim\n")
    assert "state" not in st, st
    assert get(papi, lid, "1")["data"]["name"] == "Kim"


def test_a_csv_id_may_have_256_characters_of_any_width(papi):
    lid = make_list(papi, KIM)
    ok, long = "é" * 256, "é" * 257
    data = f"id,phone,name\n{ok},+15550100201,A\n{long},+15550100202,B\n".encode()
    st = upload(papi, lid, data)
    assert st["failedRecords"] == 1, st
    assert "longer than 256 characters" in papi.get(st["rejectedRowsUri"]).text
    assert papi.post(f"{LISTS}/{lid}/contacts/bulk", json=[ok]).json()[0]["id"] == ok


def test_a_semicolon_sep_line_says_the_file_is_not_comma_delimited(papi):
    lid = make_list(papi, KIM)
    st = upload(papi, lid, b"sep=;\nid;phone;name\n1;+15550100201;Kim\n")
    assert st["failureReason"] == "INVALID_HEADER"
    assert "delimited by ';'" in st["failureDetail"] and "Comma delimited" in st["failureDetail"]

"""GET one, PUT and DELETE of a contact list (DESIGN §3.2, 3.4)."""
import uuid

import pytest

from conftest import LISTS, assert_error, cloud_list, phone_list


@pytest.fixture
def created(api):
    r = api.post(LISTS, json=cloud_list())
    assert r.status_code == 201, r.text
    return r.json()


def test_get_one_with_and_without_extras(api, created):
    r = api.get(f"{LISTS}/{created['id']}")
    assert r.status_code == 200
    assert r.json() == created
    assert "size" not in r.json() and "importStatus" not in r.json()
    r = api.get(f"{LISTS}/{created['id']}", params={"includeSize": "true",
                                                    "includeImportStatus": "TRUE"})
    assert r.json()["size"] == 0
    assert r.json()["importStatus"] == {"totalRecords": 0, "completedRecords": 0,
                                        "percentComplete": 100}
    assert_error(api.get(f"{LISTS}/{created['id']}", params={"includeSize": "yes"}), 400,
                 "invalid.value", field="includeSize")
    assert_error(api.get(f"{LISTS}/{created['id']}", params={"expand": "x"}), 400,
                 "invalid.value", contains="expand")


def test_unknown_id_is_404(api):
    assert_error(api.get(f"{LISTS}/{uuid.uuid4()}"), 404, "not.found")
    assert_error(api.get(f"{LISTS}/not-a-uuid"), 404, "not.found")
    # %00 decodes to no id at all: the segment is named (test_contact_ids.py).
    assert_error(api.get(f"{LISTS}/not-a-uuid%00"), 400, "bad.request", field="contactListId")


def test_put_whole_object_echoed_back_from_get(api, created):
    body = api.get(f"{LISTS}/{created['id']}").json()
    body["name"] = "Renamed"
    body["trimWhitespace"] = False
    r = api.put(f"{LISTS}/{created['id']}", json=body)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["version"] == 2
    assert out["name"] == "Renamed" and out["trimWhitespace"] is False
    assert out["id"] == created["id"]
    assert out["dateCreated"] == created["dateCreated"]
    assert out["dateModified"] >= created["dateModified"]
    assert api.get(f"{LISTS}/{created['id']}").json() == out


def test_put_ignores_read_only_values(api, created):
    body = dict(created, dateCreated="1999-01-01T00:00:00.000Z", selfUri="/elsewhere", size=9)
    out = api.put(f"{LISTS}/{created['id']}", json=body).json()
    assert out["dateCreated"] == created["dateCreated"]
    assert out["selfUri"] == created["selfUri"]


def test_put_needs_the_current_version(api, created):
    body = dict(created)
    del body["version"]
    err = assert_error(api.put(f"{LISTS}/{created['id']}", json=body), 400, "invalid.value",
                       field="version", error_code="REQUIRED")
    assert "current version is 1" in err["message"]
    stale = dict(created, version=7)
    err = assert_error(api.put(f"{LISTS}/{created['id']}", json=stale), 409, "general.conflict")
    assert "does not match the current version" in err["message"]
    # Two writers read version 1; the second loses.
    assert api.put(f"{LISTS}/{created['id']}", json=dict(created, name="first")).status_code == 200
    err = assert_error(api.put(f"{LISTS}/{created['id']}", json=dict(created, name="second")), 409,
                       "general.conflict")
    assert "does not match the current version" in err["message"]
    assert api.get(f"{LISTS}/{created['id']}").json()["name"] == "first"


def test_put_with_another_id_is_refused(api, created):
    body = dict(created, id=str(uuid.uuid4()))
    assert_error(api.put(f"{LISTS}/{created['id']}", json=body), 400, "invalid.value", field="id")
    assert api.get(f"{LISTS}/{created['id']}").json()["version"] == 1


@pytest.mark.parametrize("change,code", [
    ({"columnNames": ["First", "Last", "Cell", "Email", "Extra"]}, "cannot.update.column.names"),
    ({"columnNames": ["Last", "First", "Cell", "Email"]}, "cannot.update.column.names"),
    ({"phoneColumns": [{"columnName": "Cell", "type": "home"}]}, "cannot.update.phone.columns"),
    ({"phoneColumns": []}, "cannot.update.phone.columns"),
    ({"emailColumns": [{"columnName": "First", "type": "work"}]}, "cannot.update.email.columns"),
])
def test_column_changes_are_refused(api, created, change, code):
    body = dict(created, **change)
    err = assert_error(api.put(f"{LISTS}/{created['id']}", json=body), 400, code)
    assert "An attempt was made to update a ContactList in an invalid way" in err["message"]
    assert api.get(f"{LISTS}/{created['id']}").json() == created


def test_put_keeps_extensions_a_cloud_client_does_not_send(api):
    made = api.post(LISTS, json=phone_list(status="INACTIVE")).json()
    cloud_shape = {k: v for k, v in made.items() if k not in ("status", "columnDefinitions")}
    out = api.put(f"{LISTS}/{made['id']}", json=cloud_shape).json()
    assert out["status"] == "INACTIVE"
    assert out["columnDefinitions"] == made["columnDefinitions"]  # required flag kept
    out = api.put(f"{LISTS}/{made['id']}", json=dict(out, status="ACTIVE")).json()
    assert out["status"] == "ACTIVE" and out["version"] == 3


def test_put_can_change_required_flags(api):
    made = api.post(LISTS, json=phone_list()).json()
    defs = [dict(d, required=True) for d in made["columnDefinitions"]]
    body = dict(made, columnDefinitions=defs)
    out = api.put(f"{LISTS}/{made['id']}", json=body)
    assert out.status_code == 200, out.text
    assert all(d["required"] for d in out.json()["columnDefinitions"])


def test_put_rename_onto_a_taken_name_conflicts(api, created):
    api.post(LISTS, json=cloud_list(name="Taken"))
    err = assert_error(api.put(f"{LISTS}/{created['id']}", json=dict(created, name="TAKEN")),
                       409, "general.conflict", field="name")
    assert "already exists" in err["message"]


def test_put_validates_like_create(api, created):
    assert_error(api.put(f"{LISTS}/{created['id']}", json=dict(created, name=" ")), 400,
                 "invalid.value")
    assert_error(api.put(f"{LISTS}/{created['id']}", json=dict(created, nmae="x")), 400,
                 "invalid.property", field="nmae")
    r = api.put(f"{LISTS}/{created['id']}", data="{", headers={"Content-Type": "application/json"})
    assert_error(r, 400, "bad.request")
    assert_error(api.put(f"{LISTS}/{uuid.uuid4()}", json=created), 404, "not.found")
    assert api.get(f"{LISTS}/{created['id']}").json() == created


def test_delete_one(api, created):
    r = api.delete(f"{LISTS}/{created['id']}")
    assert r.status_code == 204 and r.content == b""
    assert_error(api.get(f"{LISTS}/{created['id']}"), 404, "not.found")
    assert_error(api.delete(f"{LISTS}/{created['id']}"), 404, "not.found")
    # The name is free again.
    assert api.post(LISTS, json=cloud_list()).status_code == 201


def test_bulk_delete_comma_joined_and_repeated(api):
    ids = [api.post(LISTS, json=cloud_list(name=f"bulk {i}")).json()["id"] for i in range(5)]
    r = api.delete(LISTS, params=[("id", f"{ids[0]},{ids[1]}"), ("id", ids[2])])
    assert r.status_code == 204, r.text
    left = {e["id"] for e in api.get(LISTS).json()["entities"]}
    assert left == {ids[3], ids[4]}


def test_bulk_delete_is_all_or_nothing(api):
    ids = [api.post(LISTS, json=cloud_list(name=f"keep {i}")).json()["id"] for i in range(2)]
    ghost = str(uuid.uuid4())
    err = assert_error(api.delete(LISTS, params={"id": f"{ids[0]},{ghost},{ids[1]}"}), 404,
                       "not.found")
    assert ghost in err["message"] and "nothing was deleted" in err["message"]
    assert api.get(LISTS).json()["total"] == 2


def test_bulk_delete_needs_ids(api):
    assert_error(api.delete(LISTS), 400, "invalid.value", field="id")
    assert_error(api.delete(LISTS, params={"id": ",,"}), 400, "invalid.value", field="id")
    many = ",".join(str(uuid.uuid4()) for _ in range(101))
    assert_error(api.delete(LISTS, params={"id": many}), 400, "invalid.value")


def test_other_organizations_get_404_never_403(server):
    owner, other = server.session(), server.session()
    made = owner.post(LISTS, json=cloud_list()).json()
    url = f"{LISTS}/{made['id']}"
    assert_error(other.get(url), 404, "not.found")
    assert_error(other.put(url, json=made), 404, "not.found")
    assert_error(other.delete(url), 404, "not.found")
    assert_error(other.delete(LISTS, params={"id": made["id"]}), 404, "not.found")
    assert_error(other.get(f"{LISTS}/divisionviews/{made['id']}"), 404, "not.found")
    assert other.get(LISTS).json()["total"] == 0
    assert owner.get(url).json() == made


def test_editing_definitions_keeps_cloud_labels_and_limits(api):
    made = api.post(LISTS, json=cloud_list(columnDataTypeSpecifications=[
        {"columnName": "Last", "columnDataType": "NUMERIC", "min": 1, "max": 9}],
        phoneColumns=[{"columnName": "Cell", "type": "home"}])).json()
    defs = [dict(d, required=d["name"] == "Cell") for d in made["columnDefinitions"]]
    r = api.put(f"{LISTS}/{made['id']}", json=dict(made, columnDefinitions=defs))
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["phoneColumns"] == [{"columnName": "Cell", "type": "home"}]
    assert out["columnDataTypeSpecifications"] == made["columnDataTypeSpecifications"]
    assert [d["required"] for d in out["columnDefinitions"]] == [False, False, True, False]

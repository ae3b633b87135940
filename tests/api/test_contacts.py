"""Contacts: add (an upsert by id), read, replace, delete, bulk operations,
clear, search, and the one contact validator (issue: contacts, import, export)."""
import pytest

from conftest import LISTS, assert_error, cloud_list


@pytest.fixture
def lst(api):
    body = {
        "name": "people",
        "columnDefinitions": [
            {"name": "id", "type": "text"},
            {"name": "first", "type": "text", "required": True},
            {"name": "phone", "type": "phone", "required": True},
            {"name": "email", "type": "email"},
            {"name": "age", "type": "numeric"},
            {"name": "seen", "type": "timestamp"},
        ],
        "columnDataTypeSpecifications": [
            {"columnName": "age", "columnDataType": "NUMERIC", "min": 0, "max": 130}],
    }
    r = api.post(LISTS, json=body)
    assert r.status_code == 201, r.text
    return r.json()


def contact(lst, **data):
    base = {"first": "Ann", "phone": "+15551234567"}
    base.update(data)
    return {"contactListId": lst["id"], "data": base}


def add(api, lst, *contacts, status=200):
    r = api.post(f"{LISTS}/{lst['id']}/contacts", json=list(contacts))
    assert r.status_code == status, r.text
    return r.json()


def size(api, lst):
    return api.get(f"{LISTS}/{lst['id']}", params={"includeSize": "true"}).json()["size"]


def test_add_generates_ids_and_returns_contacts(api, lst):
    out = add(api, lst, contact(lst), contact(lst, first="Bob", phone="020 7946 0018"))
    assert len(out) == 2
    a = out[0]
    assert len(a["id"]) == 36 and a["contactListId"] == lst["id"]
    assert a["data"] == {"id": "", "first": "Ann", "phone": "+15551234567", "email": "",
                         "age": "", "seen": ""}
    assert a["callable"] is True
    assert a["selfUri"] == f"{LISTS}/{lst['id']}/contacts/{a['id']}"
    assert out[1]["data"]["phone"] == "020 7946 0018"  # stored exactly, leading zero kept
    assert size(api, lst) == 2
    got = api.get(f"{LISTS}/{lst['id']}/contacts/{a['id']}")
    assert got.status_code == 200 and got.json() == a


def test_add_is_an_upsert_by_id(api, lst):
    add(api, lst, dict(contact(lst), id="c-1"))
    out = add(api, lst, dict(contact(lst, first="Changed"), id="c-1", callable=False))
    assert out[0]["data"]["first"] == "Changed" and out[0]["callable"] is False
    assert size(api, lst) == 1
    assert api.get(f"{LISTS}/{lst['id']}/contacts/c-1").json()["data"]["first"] == "Changed"


def test_data_keys_match_case_insensitively_and_use_list_spelling(api, lst):
    out = add(api, lst, {"contactListId": lst["id"],
                         "data": {"FIRST": "  Ann  ", "Phone": "5551234567"}})
    assert out[0]["data"]["first"] == "Ann"  # trimWhitespace
    assert out[0]["data"]["phone"] == "5551234567"


@pytest.mark.parametrize("data,field,needle", [
    ({"nickname": "x"}, "[0].data.nickname", "not a column"),
    ({"first": ""}, "[0].data.first", "required value is blank"),
    ({"first": "   "}, "[0].data.first", "required value is blank"),
    ({"phone": "12ab"}, "[0].data.phone", 'not a phone number: "12ab"'),
    ({"phone": "123456"}, "[0].data.phone", "not a phone number"),
    ({"phone": "+1234567"}, "[0].data.phone", "not a phone number"),
    ({"phone": "1234567890123456"}, "[0].data.phone", "not a phone number"),
    ({"email": "ann@"}, "[0].data.email", "not an e-mail address"),
    ({"email": "ann@example"}, "[0].data.email", "not an e-mail address"),
    ({"email": "a b@example.com"}, "[0].data.email", "not an e-mail address"),
    ({"age": "ten"}, "[0].data.age", "not a number"),
    ({"age": "131"}, "[0].data.age", "outside the column's range"),
    ({"seen": "2024-02-30"}, "[0].data.seen", "not an ISO-8601 timestamp"),
    ({"seen": "yesterday"}, "[0].data.seen", "not an ISO-8601 timestamp"),
    ({"first": "x" * 513}, "[0].data.first", "limit is 512"),
    ({"first": 42}, "[0].data.first", "must be a string"),
])
def test_bad_values_are_refused_with_the_field(api, lst, data, field, needle):
    err = assert_error(api.post(f"{LISTS}/{lst['id']}/contacts", json=[contact(lst, **data)]),
                       400, "invalid.value", field=field)
    assert needle in err["message"]
    assert size(api, lst) == 0


@pytest.mark.parametrize("phone", ["+15551234567", "+44 20 7946 0018", "(555) 123-4567",
                                   "555.123.4567", "0049 30 901820", "1234567"])
def test_phone_formats_accepted(api, lst, phone):
    assert add(api, lst, contact(lst, phone=phone))[0]["data"]["phone"] == phone


@pytest.mark.parametrize("seen", ["2024-05-31", "2024-05-31T09:30:00Z", "2024-05-31 09:30",
                                  "2024-02-29T23:59:59.123+02:00"])
def test_timestamps_accepted(api, lst, seen):
    add(api, lst, contact(lst, seen=seen))


def test_one_bad_contact_refuses_the_whole_batch(api, lst):
    err = assert_error(api.post(f"{LISTS}/{lst['id']}/contacts",
                                json=[contact(lst), contact(lst, phone="nope")]),
                       400, "invalid.value", field="[1].data.phone")
    assert size(api, lst) == 0


def test_batch_limits_and_shapes(api, lst):
    assert_error(api.post(f"{LISTS}/{lst['id']}/contacts", json=[]), 400, "invalid.value")
    many = [contact(lst) for _ in range(1001)]
    err = assert_error(api.post(f"{LISTS}/{lst['id']}/contacts", json=many), 400,
                       "invalid.value")
    assert err["limit"]["value"] == 1000
    assert_error(api.post(f"{LISTS}/{lst['id']}/contacts", json=contact(lst)), 400,
                 "bad.request", contains="array")
    r = api.post(f"{LISTS}/{lst['id']}/contacts", json=[dict(contact(lst), contactListId="x")])
    assert_error(r, 400, "invalid.value", field="[0].contactListId")
    r = api.post(f"{LISTS}/{lst['id']}/contacts", json=[{"data": {"first": "x"}}])
    assert_error(r, 400, "invalid.value", field="[0].contactListId")
    r = api.post(f"{LISTS}/{lst['id']}/contacts", json=[dict(contact(lst), dataa={})])
    assert_error(r, 400, "invalid.property", field="[0].dataa")
    assert_error(api.post(f"{LISTS}/{lst['id']}/contacts?priority=maybe", json=[contact(lst)]),
                 400, "invalid.value", field="priority")
    add(api, lst, contact(lst))  # priority etc. are accepted
    r = api.post(f"{LISTS}/{lst['id']}/contacts",
                 params={"priority": "true", "clearSystemData": "false", "doNotQueue": "true"},
                 json=[contact(lst)])
    assert r.status_code == 200


def test_1000_contacts_in_one_call(api, lst):
    out = add(api, lst, *[contact(lst, first=f"n{i}") for i in range(1000)])
    assert len(out) == 1000 and size(api, lst) == 1000


def test_status_maps_are_checked_and_kept(api, lst):
    c = dict(contact(lst), phoneNumberStatus={"phone": {"callable": False}},
             contactableStatus={"Email": {"contactable": False}}, name="Ann A.")
    out = add(api, lst, c)[0]
    assert out["phoneNumberStatus"] == {"phone": {"callable": False}}
    assert out["contactableStatus"] == {"Email": {"contactable": False}}
    assert out["name"] == "Ann A."
    bad = dict(contact(lst), phoneNumberStatus={"email": {"callable": False}})
    assert_error(api.post(f"{LISTS}/{lst['id']}/contacts", json=[bad]), 400, "invalid.value")
    bad = dict(contact(lst), contactableStatus={"Fax": {}})
    assert_error(api.post(f"{LISTS}/{lst['id']}/contacts", json=[bad]), 400, "invalid.value")


def test_put_replaces_a_contact(api, lst):
    a = add(api, lst, contact(lst))[0]
    url = f"{LISTS}/{lst['id']}/contacts/{a['id']}"
    r = api.put(url, json=dict(a, data={"first": "Zed", "phone": "5550001111"}))
    assert r.status_code == 200, r.text
    assert r.json()["data"]["first"] == "Zed" and r.json()["data"]["email"] == ""
    assert api.get(url).json()["data"]["first"] == "Zed"
    assert_error(api.put(url, json=dict(a, id="other")), 400, "invalid.value", field="id")
    assert_error(api.put(url, json=dict(a, data={"phone": "x"})), 400, "invalid.value")
    assert_error(api.put(f"{LISTS}/{lst['id']}/contacts/missing", json=a), 404, "not.found")
    assert size(api, lst) == 1


def test_delete_one_and_many(api, lst):
    ids = [c["id"] for c in add(api, lst, *[contact(lst) for _ in range(4)])]
    r = api.delete(f"{LISTS}/{lst['id']}/contacts/{ids[0]}")
    assert r.status_code == 204
    assert_error(api.get(f"{LISTS}/{lst['id']}/contacts/{ids[0]}"), 404, "not.found")
    assert_error(api.delete(f"{LISTS}/{lst['id']}/contacts/{ids[0]}"), 404, "not.found")
    r = api.delete(f"{LISTS}/{lst['id']}/contacts", params={"contactIds": f"{ids[1]},{ids[2]},nope"})
    assert r.status_code == 204
    assert size(api, lst) == 1
    assert_error(api.delete(f"{LISTS}/{lst['id']}/contacts"), 400, "invalid.value",
                 field="contactIds")


def test_bulk_get(api, lst):
    ids = [c["id"] for c in add(api, lst, *[contact(lst, first=f"p{i}") for i in range(3)])]
    r = api.post(f"{LISTS}/{lst['id']}/contacts/bulk", json=[ids[2], "missing", ids[0]])
    assert r.status_code == 200
    assert [c["id"] for c in r.json()] == [ids[2], ids[0]]
    assert_error(api.post(f"{LISTS}/{lst['id']}/contacts/bulk", json=[1]), 400, "invalid.value")
    assert_error(api.post(f"{LISTS}/{lst['id']}/contacts/bulk", json={"ids": []}), 400,
                 "bad.request")


def test_clear(api, lst):
    add(api, lst, *[contact(lst) for _ in range(5)])
    assert api.post(f"{LISTS}/{lst['id']}/clear").status_code == 204
    assert size(api, lst) == 0


def test_inactive_list_refuses_writes_but_reads(api, lst):
    a = add(api, lst, contact(lst))[0]
    cur = api.get(f"{LISTS}/{lst['id']}").json()
    assert api.put(f"{LISTS}/{lst['id']}", json=dict(cur, status="INACTIVE")).status_code == 200
    base = f"{LISTS}/{lst['id']}"
    for r in (api.post(f"{base}/contacts", json=[contact(lst)]),
              api.put(f"{base}/contacts/{a['id']}", json=a),
              api.delete(f"{base}/contacts/{a['id']}"),
              api.delete(f"{base}/contacts", params={"contactIds": a["id"]}),
              api.post(f"{base}/clear")):
        assert_error(r, 409, "general.conflict", contains="INACTIVE")
    assert api.get(f"{base}/contacts/{a['id']}").status_code == 200
    assert size(api, lst) == 1


def test_contacts_of_another_org_are_404(server, lst, api):
    a = add(api, lst, contact(lst))[0]
    other = server.session()
    base = f"{LISTS}/{lst['id']}"
    assert_error(other.get(f"{base}/contacts/{a['id']}"), 404, "not.found")
    assert_error(other.post(f"{base}/contacts", json=[contact(lst)]), 404, "not.found")
    assert_error(other.post(f"{base}/contacts/search", json={}), 404, "not.found")


def test_deleting_a_list_deletes_its_contacts(api, lst):
    add(api, lst, contact(lst))
    assert api.delete(f"{LISTS}/{lst['id']}").status_code == 204
    assert_error(api.get(f"{LISTS}/{lst['id']}/contacts/x"), 404, "not.found")


def test_contact_permissions(server, lst, api):
    viewer = server.session(org=None)
    reader = server.session(grant="outbound:contact:view")
    r = reader.post(f"{LISTS}/{lst['id']}/contacts", json=[contact(lst)])
    assert_error(r, 403, "missing.permissions", contains="outbound:contact:add")
    assert viewer  # a different org; covered above

"""POST /api/v2/outbound/contactlistfilters/preview: what a filter not yet
saved selects (the SDK's ContactListFilter -> FilterPreviewResponse). Its
clauses are a search's, checked against the list's columns: an unknown
column or operator is 400 naming it (docs/api-rules.md, "Contact list
filters")."""
import uuid

import pytest

from conftest import LISTS, assert_error

PREVIEW = "/api/v2/outbound/contactlistfilters/preview"


@pytest.fixture
def api(papi):
    """Every test here runs under both status profiles."""
    return papi


@pytest.fixture
def lst(api):
    r = api.post(LISTS, json={"name": "filtered", "columnDefinitions": [
        {"name": "first"}, {"name": "age", "type": "numeric"},
        {"name": "seen", "type": "timestamp"}]})
    assert r.status_code in (200, 201), r.text
    lst = r.json()
    people = [("Ann", "30", "2024-01-05"), ("bob", "9", "2024-03-01"),
              ("Cid", "100", "2023-12-31"), ("Dee", "", "2024-06-30")]
    body = [{"id": f"p{i}", "contactListId": lst["id"],
             "data": {"first": f, "age": a, "seen": s}} for i, (f, a, s) in enumerate(people)]
    assert api.post(f"{LISTS}/{lst['id']}/contacts", json=body).status_code == 200
    return lst


def flt(lst, *preds, op="AND", top=None, **extra):
    body = {"name": "f", "contactList": {"id": lst["id"]},
            "clauses": [{"filterType": op, "predicates": list(preds)}]}
    if top:
        body["filterType"] = top
    body.update(extra)
    return body


def preview(api, body):
    r = api.post(PREVIEW, json=body)
    assert r.status_code == 200, r.text
    return r.json()


def test_preview_counts_and_shows_the_selected_contacts(api, lst):
    out = preview(api, flt(lst, {"column": "age", "operator": "GREATER_THAN", "value": "10"}))
    assert out["filteredContacts"] == 2 and out["totalContacts"] == 4
    assert [c["data"]["first"] for c in out["preview"]] == ["Ann", "Cid"]
    assert out["preview"][0]["contactListId"] == lst["id"]
    # The search's rules: typed comparisons, inverted, OR, IN, BETWEEN.
    out = preview(api, flt(lst, {"column": "first", "operator": "EQUALS", "value": "BOB"},
                           {"column": "seen", "operator": "BEFORE", "value": "2024-01-01"},
                           op="OR"))
    assert [c["id"] for c in out["preview"]] == ["p1", "p2"]
    out = preview(api, flt(lst, {"column": "age", "operator": "IN",
                                 "range": {"inSet": ["009", "30"]}, "inverted": True}))
    assert [c["id"] for c in out["preview"]] == ["p2", "p3"]
    out = preview(api, flt(lst, {"column": "age", "operator": "BETWEEN",
                                 "range": {"min": "9", "max": "30", "maxInclusive": False}}))
    assert [c["id"] for c in out["preview"]] == ["p1"]
    # No clauses: every contact.
    out = preview(api, {"name": "all", "contactList": {"id": lst["id"]}})
    assert out["filteredContacts"] == 4 and len(out["preview"]) == 4


def test_the_preview_shows_at_most_25(api):
    r = api.post(LISTS, json={"name": "many", "columnNames": ["n"]})
    lid = r.json()["id"]
    body = [{"id": f"c{i:03d}", "contactListId": lid, "data": {"n": str(i)}} for i in range(30)]
    assert api.post(f"{LISTS}/{lid}/contacts", json=body).status_code == 200
    out = preview(api, {"name": "all", "contactList": {"id": lid}})
    assert out["filteredContacts"] == 30 and len(out["preview"]) == 25
    assert out["preview"][0]["id"] == "c000"


@pytest.mark.parametrize("pred,field", [
    ({"column": "nope", "operator": "EQUALS", "value": "x"},
     "clauses[0].predicates[0].column"),
    ({"column": "age", "operator": "SOUNDS_LIKE", "value": "x"},
     "clauses[0].predicates[0].operator"),
    ({"column": "age", "operator": "GREATER_THAN", "value": "ten"},
     "clauses[0].predicates[0].value"),
    ({"column": "age", "operator": "GREATER_THAN"}, "clauses[0].predicates[0].value"),
    ({"column": "age", "operator": "BETWEEN", "range": {"min": "5"}},
     "clauses[0].predicates[0].range.max"),
    ({"column": "age", "operator": "IN"}, "clauses[0].predicates[0].range.inSet"),
    ({"column": "seen", "operator": "EQUALS", "value": "x", "columnType": "numeric"},
     "clauses[0].predicates[0].columnType"),
    ({"column": "age", "operator": "EQUALS", "value": "1", "columnType": "roman"},
     "clauses[0].predicates[0].columnType"),
    ({"operator": "EQUALS", "value": "1"}, "clauses[0].predicates[0].column"),
    ({"column": "age", "operator": "EQUALS", "value": 1}, "clauses[0].predicates[0].value"),
])
def test_bad_predicates_are_400_naming_them(api, lst, pred, field):
    assert_error(api.post(PREVIEW, json=flt(lst, pred)), 400, "invalid.value", field=field)


@pytest.mark.parametrize("change,field,code", [
    ({"contactList": None}, "contactList", "invalid.value"),
    ({"contactList": {}}, "contactList.id", "invalid.value"),
    ({"name": None}, "name", "invalid.value"),
    ({"name": ""}, "name", "invalid.value"),
    ({"filterType": "XOR"}, "filterType", "invalid.value"),
    ({"sourceType": "Campaign"}, "sourceType", "invalid.value"),
    ({"clauses": {}}, "clauses", "invalid.value"),
    ({"clauses": [{"filterType": "AND"}]}, "clauses[0].predicates", "invalid.value"),
    ({"contactListTemplate": {"id": "t"}}, "contactListTemplate", "invalid.value"),
    ({"criteria": {}}, "criteria", "invalid.property"),
])
def test_bad_filters_are_400_naming_the_field(api, lst, change, field, code):
    body = flt(lst, {"column": "age", "operator": "EQUALS", "value": "30"})
    for k, v in change.items():
        if v is None:
            body.pop(k)
        else:
            body[k] = v
    assert_error(api.post(PREVIEW, json=body), 400, code, field=field)


def test_a_list_that_is_not_the_callers_is_404(api, lst, profile_server):
    other = profile_server.session()
    assert_error(other.post(PREVIEW, json=flt(lst)), 404, "not.found", field="contactList.id")
    missing = flt(lst)
    missing["contactList"] = {"id": str(uuid.uuid4())}
    assert_error(api.post(PREVIEW, json=missing), 404, "not.found", field="contactList.id")


def test_bodies_and_permissions(api, lst, profile_server):
    assert_error(api.post(PREVIEW, json=[flt(lst)]), 400, "invalid.value", contains="object")
    assert_error(api.post(PREVIEW, data="{", headers={"Content-Type": "application/json"}),
                 400, "bad.request")
    no_contacts = profile_server.session(grant="outbound:contactListFilter:view")
    err = assert_error(no_contacts.post(PREVIEW, json=flt(lst)), 403, "missing.permissions")
    assert "outbound:contact:view" in err["message"]
    no_filters = profile_server.session(grant="outbound:contact:view")
    err = assert_error(no_filters.post(PREVIEW, json=flt(lst)), 403, "missing.permissions")
    assert "outbound:contactListFilter:view" in err["message"]
    readonly = profile_server.session(grant="outbound:readonly")
    r = readonly.post(PREVIEW, json=flt(lst))
    assert r.status_code in (200, 404), r.text  # permitted; the list is another org's


FILTERS = "/api/v2/outbound/contactlistfilters"


def saved(api, lst, name="adults", *preds):
    preds = preds or ({"column": "age", "operator": "GREATER_THAN", "value": "18"},)
    r = api.post(FILTERS, json=flt(lst, *preds, name=name))
    assert r.status_code in (200, 201), r.text
    return r.json()


def test_saved_filters_create_get_list_update_delete(api, lst):
    r = api.post(FILTERS, json=flt(lst, {"column": "age", "operator": "GREATER_THAN",
                                         "value": "18"}, name="  adults  "))
    assert r.status_code in (200, 201), r.text
    f = r.json()
    uuid.UUID(f["id"])
    if r.status_code == 201:
        assert r.headers["Location"] == f"{FILTERS}/{f['id']}"
    assert f["name"] == "adults" and f["version"] == 1
    assert f["selfUri"] == f"{FILTERS}/{f['id']}"
    assert f["contactList"] == {"id": lst["id"], "selfUri": f"{LISTS}/{lst['id']}"}
    assert f["filterType"] == "AND" and f["sourceType"] == "ContactList"
    assert f["clauses"][0]["predicates"][0]["column"] == "age"
    assert api.get(f"{FILTERS}/{f['id']}").json() == f
    page = api.get(FILTERS).json()
    assert page["total"] == 1 and page["entities"] == [f]
    assert api.get(FILTERS, params={"contactListId": "other"}).json()["total"] == 0
    assert api.get(FILTERS, params={"contactListId": lst["id"], "name": "ADU"}).json()[
        "total"] == 1
    # GET, modify, PUT the whole object.
    f["clauses"][0]["predicates"][0]["value"] = "50"
    f["name"] = "elders"
    r = api.put(f"{FILTERS}/{f['id']}", json=f)
    assert r.status_code == 200, r.text
    u = r.json()
    assert u["version"] == 2 and u["name"] == "elders"
    assert u["clauses"][0]["predicates"][0]["value"] == "50"
    assert_error(api.put(f"{FILTERS}/{f['id']}", json=f), 409, "general.conflict",
                 field="version", contains="does not match the current version")
    r = api.delete(f"{FILTERS}/{f['id']}")
    assert r.status_code in (200, 204)
    assert_error(api.get(f"{FILTERS}/{f['id']}"), 404, "not.found")
    assert_error(api.delete(f"{FILTERS}/{f['id']}"), 404, "not.found")


def test_saved_filter_rules(api, lst, profile_server):
    f = saved(api, lst)
    assert_error(api.post(FILTERS, json=flt(lst, name="ADULTS")), 409, "general.conflict",
                 field="name")
    assert_error(api.post(FILTERS, json=flt(lst, {"column": "height", "operator": "EQUALS",
                                                  "value": "1"}, name="b")),
                 400, "invalid.value", field="clauses[0].predicates[0].column")
    assert_error(api.post(FILTERS, json=flt(lst, {"column": "age", "operator": "NEAR",
                                                  "value": "1"}, name="b")),
                 400, "invalid.value", field="clauses[0].predicates[0].operator")
    assert_error(api.post(FILTERS, json=dict(flt(lst, name="b"), id="mine")), 400,
                 "invalid.value", field="id")
    assert_error(api.post(FILTERS, json=dict(flt(lst, name="b"), contactListTemplate={
        "id": "t"})), 400, "invalid.value", field="contactListTemplate")
    assert_error(api.post(FILTERS, json=dict(flt(lst, name="b"), contactList={
        "id": str(uuid.uuid4())})), 404, "not.found", field="contactList.id")
    assert_error(api.post(FILTERS, json=dict(flt(lst, name="x" * 257))), 400, "invalid.value",
                 field="name")
    assert api.get(FILTERS).json()["total"] == 1  # nothing else stored
    path = f"{FILTERS}/{f['id']}"
    body = dict(f)
    del body["version"]
    assert_error(api.put(path, json=body), 400, "invalid.value", field="version")
    assert_error(api.put(path, json=dict(f, id=str(uuid.uuid4()))), 400, "invalid.value",
                 field="id")
    other = api.post(LISTS, json={"name": "other", "columnNames": ["age"]}).json()
    assert_error(api.put(path, json=dict(f, contactList={"id": other["id"]})), 400,
                 "invalid.value", field="contactList.id")
    bad = dict(f, clauses=[{"predicates": [{"column": "nope", "operator": "EQUALS",
                                            "value": "1"}]}])
    assert_error(api.put(path, json=bad), 400, "invalid.value",
                 field="clauses[0].predicates[0].column")
    assert api.get(path).json() == f
    # Another organization never sees it.
    stranger = profile_server.session()
    assert_error(stranger.get(path), 404, "not.found")
    assert stranger.get(FILTERS).json()["total"] == 0


def test_bulk_retrieve_and_search_by_saved_filter(api, lst):
    a = saved(api, lst, "a")
    b = saved(api, lst, "b", {"column": "first", "operator": "BEGINS_WITH", "value": "c"})
    r = api.post(f"{FILTERS}/bulk/retrieve", json={"ids": [b["id"], "nope", a["id"]]})
    assert r.status_code == 200, r.text
    assert [e["id"] for e in r.json()["entities"]] == [b["id"], a["id"]]
    assert_error(api.post(f"{FILTERS}/bulk/retrieve", json={"ids": []}), 400,
                 "invalid.value", field="ids")
    assert_error(api.post(f"{FILTERS}/bulk/retrieve", json={"ids": [1]}), 400,
                 "invalid.value", field="ids[0]")
    assert_error(api.post(f"{FILTERS}/bulk/retrieve", json={"ids": ["a"], "x": 1}), 400,
                 "invalid.property", field="x")
    search = f"{LISTS}/{lst['id']}/contacts/search"
    r = api.post(search, json={"contactListFilterId": a["id"]})
    assert r.status_code == 200, r.text
    assert sorted(e["id"] for e in r.json()["entities"]) == ["p0", "p2"]
    r = api.post(search, json={"contactListFilterId": b["id"]})
    assert [e["id"] for e in r.json()["entities"]] == ["p2"]
    assert_error(api.post(search, json={"contactListFilterId": a["id"], "criteria": {}}), 400,
                 "invalid.value", field="contactListFilterId")
    assert_error(api.post(search, json={"contactListFilterId": str(uuid.uuid4())}), 404,
                 "not.found", field="contactListFilterId")
    other = api.post(LISTS, json={"name": "other", "columnNames": ["age"]}).json()
    assert_error(api.post(f"{LISTS}/{other['id']}/contacts/search",
                          json={"contactListFilterId": a["id"]}), 400, "invalid.value",
                 field="contactListFilterId")


def test_a_lists_filters_go_with_it(api, lst):
    f = saved(api, lst)
    assert api.delete(f"{LISTS}/{lst['id']}").status_code in (200, 204)
    assert_error(api.get(f"{FILTERS}/{f['id']}"), 404, "not.found")
    assert api.get(FILTERS).json()["total"] == 0


def test_saved_filter_permissions(api, lst, profile_server):
    viewer = profile_server.session(grant="outbound:contactListFilter:view")
    assert viewer.get(FILTERS).status_code == 200
    err = assert_error(viewer.post(FILTERS, json=flt(lst)), 403, "missing.permissions")
    assert "outbound:contactListFilter:add" in err["message"]
    err = assert_error(viewer.delete(f"{FILTERS}/x"), 403, "missing.permissions")
    assert "outbound:contactListFilter:delete" in err["message"]


def test_exports_do_not_take_a_filter_yet(api, lst):
    f = saved(api, lst)
    err = assert_error(api.post(f"{LISTS}/{lst['id']}/export",
                                json={"contactListFilterId": f["id"]}), 400, "invalid.property")
    assert "contactListFilterId" in err["message"]

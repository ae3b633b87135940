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

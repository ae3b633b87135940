"""GET /api/v2/outbound/contactlists and the division views: paging,
filters, ids, sorting, extras (reference: list query parameters)."""
import time
import urllib.parse

import pytest

from conftest import LISTS, assert_error, cloud_list

NAMES = ["alpha", "Beta", "gamma", "delta one", "Delta two", "epsilon"]


@pytest.fixture
def lists(api):
    made = []
    for n in NAMES:
        r = api.post(LISTS, json=cloud_list(name=n))
        assert r.status_code == 201
        made.append(r.json())
        time.sleep(0.002)  # distinct dateCreated for the date sorts
    return made


def names(r):
    assert r.status_code == 200, r.text
    return [e["name"] for e in r.json()["entities"]]


def test_default_listing_sorted_by_name(api, lists):
    r = api.get(LISTS)
    body = r.json()
    assert names(r) == sorted(NAMES, key=str.lower)
    assert body["pageSize"] == 25 and body["pageNumber"] == 1
    assert body["total"] == 6 and body["pageCount"] == 1
    assert "nextUri" not in body and "previousUri" not in body
    assert body["selfUri"] == f"{LISTS}?pageSize=25&pageNumber=1"
    assert "size" not in body["entities"][0]


def test_paging_and_uris(api, lists):
    r = api.get(LISTS, params={"pageSize": 4, "pageNumber": 2})
    body = r.json()
    assert names(r) == sorted(NAMES, key=str.lower)[4:]
    assert body["pageCount"] == 2
    assert body["previousUri"] == f"{LISTS}?pageSize=4&pageNumber=1"
    assert body["firstUri"] == f"{LISTS}?pageSize=4&pageNumber=1"
    assert body["lastUri"] == f"{LISTS}?pageSize=4&pageNumber=2"
    assert "nextUri" not in body
    first = api.get(LISTS, params={"pageSize": 4}).json()
    assert first["nextUri"] == f"{LISTS}?pageSize=4&pageNumber=2"
    # Following nextUri works and keeps the filter.
    r = api.get(LISTS, params={"pageSize": 1, "name": "delta"})
    nxt = r.json()["nextUri"]
    assert "name=delta" in nxt
    assert names(api.get(nxt)) == ["Delta two"]


@pytest.mark.parametrize("params,field", [
    ({"pageSize": 101}, "pageSize"),
    ({"pageSize": 0}, "pageSize"),
    ({"pageSize": "ten"}, "pageSize"),
    ({"pageNumber": 0}, "pageNumber"),
    ({"pageNumber": "-1"}, "pageNumber"),
    ({"filterType": "Fuzzy", "name": "a"}, "filterType"),
    ({"sortBy": "size"}, "sortBy"),
    ({"sortOrder": "up"}, "sortOrder"),
    ({"includeSize": "1"}, "includeSize"),
    ({"allowEmptyResult": "maybe"}, "allowEmptyResult"),
])
def test_bad_query_values_name_the_parameter(api, params, field):
    err = assert_error(api.get(LISTS, params=params), 400, "invalid.value", field=field)
    assert "Allowable values" in err["message"]


def test_unknown_query_parameter_is_refused(api):
    err = assert_error(api.get(LISTS, params={"pagesize": 5}), 400, "invalid.value",
                       field="pagesize")
    assert "pageSize" in err["message"]


def test_page_past_the_end(api, lists):
    assert_error(api.get(LISTS, params={"pageNumber": 3, "pageSize": 5}), 400, "invalid.value",
                 field="pageNumber")
    r = api.get(LISTS, params={"pageNumber": 3, "pageSize": 5, "allowEmptyResult": "true"})
    assert r.status_code == 200 and r.json()["entities"] == []
    assert r.json()["total"] == 6


def test_empty_organization_lists_nothing(api):
    body = api.get(LISTS).json()
    assert body["entities"] == [] and body["total"] == 0 and body["pageCount"] == 0


@pytest.mark.parametrize("filter_type,value,expected", [
    (None, "del", ["delta one", "Delta two"]),          # default Prefix
    ("Prefix", "DELTA", ["delta one", "Delta two"]),
    ("BeginsWith", "g", ["gamma"]),
    ("Equals", "beta", ["Beta"]),
    ("Equals", "bet", []),
    ("Contains", "TA", ["Beta", "delta one", "Delta two"]),
    ("EndsWith", "two", ["Delta two"]),
    ("RegEx", "d.*(one|two)", ["delta one", "Delta two"]),
    ("RegEx", "elt", []),                                 # whole-name match
    ("LessThan", "beta", ["alpha"]),
    ("LessThanEqualTo", "beta", ["alpha", "Beta"]),
    ("GreaterThan", "epsilon", ["gamma"]),
    ("GreaterThanEqualTo", "epsilon", ["epsilon", "gamma"]),
])
def test_name_filters(api, lists, filter_type, value, expected):
    params = {"name": value}
    if filter_type:
        params["filterType"] = filter_type
    assert names(api.get(LISTS, params=params)) == expected


def test_bad_regex_is_400(api, lists):
    assert_error(api.get(LISTS, params={"filterType": "RegEx", "name": "(unclosed"}), 400,
                 "invalid.value", field="name", contains="regular expression")


def test_id_filter_comma_joined_repeated_and_mixed(api, lists):
    ids = [lists[0]["id"], lists[2]["id"], lists[4]["id"]]
    r = api.get(LISTS, params=[("id", f"{ids[0]},{ids[1]}"), ("id", ids[2])])
    assert sorted(e["id"] for e in r.json()["entities"]) == sorted(ids)
    r = api.get(LISTS, params={"id": ids[0]})
    assert [e["id"] for e in r.json()["entities"]] == [ids[0]]


def test_division_filter(api, lists):
    home = lists[0]["division"]["id"]
    assert api.get(LISTS, params={"divisionId": home}).json()["total"] == 6
    assert api.get(LISTS, params={"divisionId": "elsewhere"}).json()["total"] == 0


@pytest.mark.parametrize("sort_by,order,expected", [
    ("name", "descending", sorted(NAMES, key=str.lower, reverse=True)),
    ("dateCreated", "ascending", NAMES),
    ("dateCreated", "desc", list(reversed(NAMES))),
    ("dateModified", "a", NAMES),
])
def test_sorting(api, lists, sort_by, order, expected):
    assert names(api.get(LISTS, params={"sortBy": sort_by, "sortOrder": order})) == expected


def test_sort_by_id(api, lists):
    got = [e["id"] for e in api.get(LISTS, params={"sortBy": "id"}).json()["entities"]]
    assert got == sorted(got)


def test_include_size_and_import_status(api, lists):
    r = api.get(LISTS, params={"includeSize": "true", "includeImportStatus": "true"})
    e = r.json()["entities"][0]
    assert e["size"] == 0
    assert e["importStatus"]["percentComplete"] == 100


def test_division_views(api, lists):
    r = api.get(f"{LISTS}/divisionviews", params={"name": "delta", "pageSize": 1})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == 2
    view = body["entities"][0]
    assert set(view) == {"id", "name", "division", "columnNames", "phoneColumns",
                         "emailColumns", "selfUri"}
    assert view["selfUri"] == f"{LISTS}/divisionviews/{view['id']}"
    assert body["nextUri"].startswith(f"{LISTS}/divisionviews?")
    one = api.get(f"{LISTS}/divisionviews/{view['id']}", params={"includeSize": "true"})
    assert one.status_code == 200
    assert one.json()["size"] == 0 and one.json()["name"] == view["name"]
    assert_error(api.get(f"{LISTS}/divisionviews/nope"), 404, "not.found")


def test_listing_with_odd_characters_in_the_query(api, lists):
    r = api.get(LISTS + "?name=" + urllib.parse.quote("é&%") + "&filterType=Contains")
    assert r.status_code == 200 and r.json()["entities"] == []
    assert "name=%C3%A9%26%25" in r.json()["selfUri"]

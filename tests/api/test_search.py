"""POST .../contacts/search: every operator, AND/OR, inverted, numeric and
alphabetic columns, sorting, paging and contactsCount."""
import pytest

from conftest import LISTS, assert_error

PEOPLE = [
    ("Ann", "Smith", "30", "2024-01-05"),
    ("bob", "Jones", "9", "2024-03-01"),
    ("Cid", "smithers", "100", "2023-12-31"),
    ("Dee", "Brown", "", "2024-06-30"),
    ("Eve", "Adams", "45.5", "2024-02-29"),
]


@pytest.fixture
def lst(api):
    r = api.post(LISTS, json={"name": "search", "columnDefinitions": [
        {"name": "first"}, {"name": "last"}, {"name": "age", "type": "numeric"},
        {"name": "seen", "type": "timestamp"}]})
    assert r.status_code == 201, r.text
    lst = r.json()
    body = [{"id": f"p{i}", "contactListId": lst["id"],
             "data": {"first": f, "last": l, "age": a, "seen": s}}
            for i, (f, l, a, s) in enumerate(PEOPLE)]
    assert api.post(f"{LISTS}/{lst['id']}/contacts", json=body).status_code == 200
    return lst


def search(api, lst, body, status=200):
    r = api.post(f"{LISTS}/{lst['id']}/contacts/search", json=body)
    assert r.status_code == status, r.text
    return r.json()


def firsts(out):
    return [e["data"]["first"] for e in out["entities"]]


def pred(column, operator, value=None, **extra):
    p = {"column": column, "operator": operator}
    if value is not None:
        p["value"] = value
    p.update(extra)
    return p


def where(*preds, op="AND"):
    return {"criteria": {"clauses": [{"filterType": op, "predicates": list(preds)}]}}


def test_empty_body_counts_everything(api, lst):
    out = search(api, lst, {})
    assert out["contactsCount"] == 5 and out["total"] == 5
    assert out["pageSize"] == 25 and out["pageNumber"] == 1 and out["pageCount"] == 1
    assert sorted(firsts(out)) == sorted(p[0] for p in PEOPLE)


@pytest.mark.parametrize("p,expected", [
    (pred("first", "EQUALS", "ANN"), ["Ann"]),
    (pred("last", "CONTAINS", "smith"), ["Ann", "Cid"]),
    (pred("last", "BEGINS_WITH", "SMITH"), ["Ann", "Cid"]),
    (pred("last", "ENDS_WITH", "s"), ["bob", "Cid", "Eve"]),
    (pred("age", "LESS_THAN", "30", columnType="numeric"), ["bob"]),
    (pred("age", "LESS_THAN_EQUALS", "30", columnType="numeric"), ["Ann", "bob"]),
    (pred("age", "GREATER_THAN", "30", columnType="numeric"), ["Cid", "Eve"]),
    (pred("age", "GREATER_THAN_EQUALS", "45.5", columnType="numeric"), ["Cid", "Eve"]),
    (pred("age", "EQUALS", "9.0", columnType="numeric"), ["bob"]),
    (pred("first", "LESS_THAN", "c"), ["Ann", "bob"]),
    (pred("seen", "BEFORE", "2024-01-01"), ["Cid"]),
    (pred("seen", "AFTER", "2024-03-01"), ["Dee"]),
    (pred("age", "BETWEEN", range={"min": "9", "max": "45.5"}, columnType="numeric"),
     ["Ann", "bob", "Eve"]),
    (pred("age", "BETWEEN", range={"min": "9", "max": "45.5", "minInclusive": False},
          columnType="numeric"), ["Ann", "Eve"]),
    (pred("first", "BETWEEN", range={"min": "b", "max": "d"}), ["bob", "Cid"]),
    (pred("first", "IN", range={"inSet": ["eve", "ann", "zed"]}), ["Ann", "Eve"]),
    (pred("first", "EQUALS", "Ann", inverted=True), ["bob", "Cid", "Dee", "Eve"]),
])
def test_each_operator(api, lst, p, expected):
    out = search(api, lst, dict(where(p), contactSorts=[{"fieldName": "first"}]))
    assert firsts(out) == expected
    assert out["contactsCount"] == len(expected)


def test_and_or_clauses(api, lst):
    a = pred("last", "CONTAINS", "smith")
    b = pred("age", "GREATER_THAN", "50", columnType="numeric")
    sort = [{"fieldName": "first"}]
    assert firsts(search(api, lst, dict(where(a, b), contactSorts=sort))) == ["Cid"]
    assert firsts(search(api, lst, dict(where(a, b, op="OR"), contactSorts=sort))) == ["Ann", "Cid"]
    two = {"criteria": {"filterType": "OR", "clauses": [
        {"predicates": [pred("first", "EQUALS", "dee")]},
        {"predicates": [pred("first", "EQUALS", "eve")]}]}, "contactSorts": sort}
    assert firsts(search(api, lst, two)) == ["Dee", "Eve"]


def test_sorting_and_paging(api, lst):
    body = {"contactSorts": [{"fieldName": "age", "numeric": True, "direction": "DESC"}],
            "pageSize": 2}
    assert firsts(search(api, lst, body)) == ["Cid", "Eve"]
    page2 = search(api, lst, dict(body, pageNumber=2))
    assert firsts(page2) == ["Ann", "bob"]
    assert page2["pageCount"] == 3 and page2["total"] == 5
    assert firsts(search(api, lst, dict(body, pageNumber=3))) == ["Dee"]  # not a number: last
    assert firsts(search(api, lst, {"contactSorts": [{"fieldName": "last"}]})) == \
        ["Eve", "Dee", "bob", "Ann", "Cid"]
    # Without sorts, pages follow contact ids.
    assert firsts(search(api, lst, {"pageSize": 2, "pageNumber": 2})) == ["Cid", "Dee"]


@pytest.mark.parametrize("body,needle", [
    ({"pageSize": 101}, "pageSize"),
    ({"pageNumber": 0}, "pageNumber"),
    (where(pred("nope", "EQUALS", "x")), "not a column"),
    (where(pred("first", "LIKE", "x")), "Allowable values"),
    (where(pred("first", "EQUALS")), "needs a value"),
    (where(pred("age", "LESS_THAN", "x", columnType="numeric")), "must be a number"),
    (where(pred("first", "BETWEEN", range={"min": "a"})), "range.min and range.max"),
    (where(pred("first", "IN")), "inSet"),
    ({"contactSorts": [{"fieldName": "nope"}]}, "not a column"),
    ({"criteria": {"clauses": [{}]}}, "predicates is required"),
    ({"criteria": {"clause": []}}, "did you mean clauses"),
])
def test_bad_requests(api, lst, body, needle):
    out = search(api, lst, body, status=400)
    assert needle in out["message"], out["message"]


def test_search_body_must_be_json_object(api, lst):
    r = api.post(f"{LISTS}/{lst['id']}/contacts/search", json=[])
    assert_error(r, 400, "invalid.value")

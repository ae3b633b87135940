"""POST .../contacts/search: every operator, AND/OR, inverted, numeric and
alphabetic columns, sorting, paging and contactsCount."""
import pytest

from conftest import LISTS, assert_error


@pytest.fixture
def api(papi):
    """Every test here runs under both status profiles."""
    return papi


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
    assert r.status_code in (200, 201), r.text
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


# Typed comparisons (issue 8 item 7): every operator on every column type
# compares values, not their spelling. `code` is a text column (numbers only
# when a predicate says columnType numeric), `qty` a numeric column, `at` a
# timestamp column; t4 is blank in all three.
TYPED = [
    # id    name   code     qty      at
    ("t0", "Ann", "007", "007", "2024-01-05T10:00:00Z"),        # 10:00Z
    ("t1", "bob", "20.50", "20.50", "2024-01-05T11:00:00+02:00"),  # 09:00Z
    ("t2", "CID", "abc", "1e1", "2024-01-05"),                  # 00:00Z
    ("t3", "dee", "ABD", "-3", "2024-01-06T00:30:00+01:00"),    # 23:30Z on the 5th
    ("t4", "Eve", "", "", ""),
]


@pytest.fixture
def typed(api):
    r = api.post(LISTS, json={"name": "typed", "columnDefinitions": [
        {"name": "name"}, {"name": "code"}, {"name": "qty", "type": "numeric"},
        {"name": "at", "type": "timestamp"}]})
    assert r.status_code in (200, 201), r.text
    lst = r.json()
    body = [{"id": i, "contactListId": lst["id"],
             "data": {"name": n, "code": c, "qty": q, "at": t}}
            for i, n, c, q, t in TYPED]
    r = api.post(f"{LISTS}/{lst['id']}/contacts", json=body)
    assert r.status_code == 200, r.text
    return lst


def ids(out):
    return sorted(e["id"] for e in out["entities"])


NUM = {"columnType": "numeric"}
ALPHA = {"columnType": "alphabetic"}
T10 = "2024-01-05T10:00:00Z"


def rng(lo, hi, **extra):
    return {"range": dict({"min": lo, "max": hi}, **extra)}


def inset(*values):
    return {"range": {"inSet": list(values)}}


TYPED_CASES = [
    # columnType numeric on a text column: numbers, and "abc", "ABD", "" never match.
    ("num-eq-leading-zeros", pred("code", "EQUALS", "7", **NUM), ["t0"]),
    ("num-eq-trailing-zero", pred("code", "EQUALS", "20.5", **NUM), ["t1"]),
    ("num-in-example", pred("code", "IN", **inset("7", "20.5"), **NUM), ["t0", "t1"]),
    ("num-in-exponent", pred("code", "IN", **inset("0.7e1", "2.05E+1", "9"), **NUM),
     ["t0", "t1"]),
    ("num-lt", pred("code", "LESS_THAN", "10", **NUM), ["t0"]),
    ("num-le", pred("code", "LESS_THAN_EQUALS", "20.5", **NUM), ["t0", "t1"]),
    ("num-gt", pred("code", "GREATER_THAN", "7", **NUM), ["t1"]),
    ("num-ge", pred("code", "GREATER_THAN_EQUALS", "7.000", **NUM), ["t0", "t1"]),
    ("num-before", pred("code", "BEFORE", "10", **NUM), ["t0"]),
    ("num-after", pred("code", "AFTER", "7", **NUM), ["t1"]),
    ("num-between", pred("code", "BETWEEN", **rng("7", "20.5"), **NUM), ["t0", "t1"]),
    ("num-between-exclusive",
     pred("code", "BETWEEN", **rng("7", "20.5", minInclusive=False), **NUM), ["t1"]),
    ("num-between-9-10", pred("code", "BETWEEN", **rng("9", "10"), **NUM), []),
    ("num-inverted-keeps-non-numbers", pred("code", "EQUALS", "7", inverted=True, **NUM),
     ["t1", "t2", "t3", "t4"]),
    # A numeric column without columnType compares numbers too.
    ("col-eq", pred("qty", "EQUALS", "7"), ["t0"]),
    ("col-eq-exponent", pred("qty", "EQUALS", "10"), ["t2"]),
    ("col-in", pred("qty", "IN", **inset("10", "-3.0", "+7")), ["t0", "t2", "t3"]),
    ("col-lt", pred("qty", "LESS_THAN", "0"), ["t3"]),
    ("col-le", pred("qty", "LESS_THAN_EQUALS", "7"), ["t0", "t3"]),
    ("col-gt", pred("qty", "GREATER_THAN", "9.99"), ["t1", "t2"]),
    ("col-ge", pred("qty", "GREATER_THAN_EQUALS", "1E1"), ["t1", "t2"]),
    ("col-before", pred("qty", "BEFORE", "0"), ["t3"]),
    ("col-after", pred("qty", "AFTER", "10"), ["t1"]),
    ("col-between", pred("qty", "BETWEEN", **rng("-3", "10")), ["t0", "t2", "t3"]),
    ("col-between-max-exclusive",
     pred("qty", "BETWEEN", **rng("-3", "10", maxInclusive=False)), ["t0", "t3"]),
    ("col-numeric-explicit", pred("qty", "IN", **inset("7", "20.5"), **NUM), ["t0", "t1"]),
    # ...and matches its text as written with alphabetic or a text operator.
    ("col-alpha-eq", pred("qty", "EQUALS", "7", **ALPHA), []),
    ("col-alpha-eq-spelling", pred("qty", "EQUALS", "007", **ALPHA), ["t0"]),
    ("col-alpha-in", pred("qty", "IN", **inset("7", "20.5"), **ALPHA), []),
    ("col-contains", pred("qty", "CONTAINS", "E"), ["t2"]),
    ("col-begins", pred("qty", "BEGINS_WITH", "00"), ["t0"]),
    ("col-ends", pred("qty", "ENDS_WITH", "50"), ["t1"]),
    # alphabetic: case-insensitive for every operator; a blank has no order.
    ("alpha-eq", pred("name", "EQUALS", "ann"), ["t0"]),
    ("alpha-eq-explicit", pred("name", "EQUALS", "CiD", **ALPHA), ["t2"]),
    ("alpha-in", pred("name", "IN", **inset("ANN", "Bob", "zed")), ["t0", "t1"]),
    ("alpha-lt", pred("name", "LESS_THAN", "C"), ["t0", "t1"]),
    ("alpha-le", pred("name", "LESS_THAN_EQUALS", "BOB"), ["t0", "t1"]),
    ("alpha-gt", pred("name", "GREATER_THAN", "cid"), ["t3", "t4"]),
    ("alpha-ge", pred("name", "GREATER_THAN_EQUALS", "cid"), ["t2", "t3", "t4"]),
    ("alpha-before", pred("name", "BEFORE", "B"), ["t0"]),
    ("alpha-after", pred("name", "AFTER", "D"), ["t3", "t4"]),
    ("alpha-between", pred("name", "BETWEEN", **rng("B", "d")), ["t1", "t2"]),
    ("alpha-contains", pred("name", "CONTAINS", "E"), ["t3", "t4"]),
    ("alpha-begins", pred("name", "BEGINS_WITH", "B"), ["t1"]),
    ("alpha-ends", pred("name", "ENDS_WITH", "d"), ["t2"]),
    ("alpha-code-between", pred("code", "BETWEEN", **rng("ABC", "abd")), ["t2", "t3"]),
    ("alpha-code-eq-spelling", pred("code", "EQUALS", "7"), []),
    ("alpha-blank-no-order", pred("code", "LESS_THAN", "b"), ["t0", "t1", "t2", "t3"]),
    ("alpha-blank-equals", pred("code", "EQUALS", ""), ["t4"]),
    ("alpha-blank-in", pred("code", "IN", **inset("", "ABC")), ["t2", "t4"]),
    ("alpha-empty-in", pred("code", "IN", **inset()), []),
    ("alpha-empty-in-inverted", pred("code", "IN", **inset(), inverted=True),
     ["t0", "t1", "t2", "t3", "t4"]),
    # Timestamp columns compare instants (with or without alphabetic).
    ("ts-eq", pred("at", "EQUALS", "2024-01-05T09:00:00Z"), ["t1"]),
    ("ts-eq-offset", pred("at", "EQUALS", "2024-01-05T12:00:00+02:00"), ["t0"]),
    ("ts-eq-date", pred("at", "EQUALS", "2024-01-05"), ["t2"]),
    ("ts-in", pred("at", "IN", **inset("2024-01-05T00:00:00Z", "2024-01-05T10:00:00.000Z")),
     ["t0", "t2"]),
    ("ts-lt", pred("at", "LESS_THAN", "2024-01-05T09:00:00Z"), ["t2"]),
    ("ts-le", pred("at", "LESS_THAN_EQUALS", "2024-01-05T09:00:00Z"), ["t1", "t2"]),
    ("ts-gt", pred("at", "GREATER_THAN", T10), ["t3"]),
    ("ts-ge", pred("at", "GREATER_THAN_EQUALS", T10), ["t0", "t3"]),
    ("ts-before", pred("at", "BEFORE", T10), ["t1", "t2"]),
    ("ts-before-alphabetic", pred("at", "BEFORE", "2024-01-05T10:00:00+00:00", **ALPHA),
     ["t1", "t2"]),
    ("ts-after", pred("at", "AFTER", "2024-01-05T09:30:00Z"), ["t0", "t3"]),
    ("ts-after-offset", pred("at", "AFTER", "2024-01-05T23:00:00-01:00"), []),
    ("ts-between", pred("at", "BETWEEN", **rng("2024-01-05T08:00:00Z", T10)), ["t0", "t1"]),
    ("ts-between-exclusive",
     pred("at", "BETWEEN", **rng("2024-01-05T08:00:00Z", T10, maxInclusive=False)), ["t1"]),
    ("ts-between-day", pred("at", "BETWEEN", **rng("2024-01-05", "2024-01-05T23:59:59Z")),
     ["t0", "t1", "t2", "t3"]),
    ("ts-between-offsets",
     pred("at", "BETWEEN", **rng("2024-01-05T11:00:00+02:00", "2024-01-05T10:00:00Z")),
     ["t0", "t1"]),
    ("ts-inverted-keeps-blank", pred("at", "BEFORE", T10, inverted=True), ["t0", "t3", "t4"]),
    ("ts-begins", pred("at", "BEGINS_WITH", "2024-01-05"), ["t0", "t1", "t2"]),
    ("ts-contains", pred("at", "CONTAINS", "+02:00"), ["t1"]),
    ("ts-ends", pred("at", "ENDS_WITH", "z"), ["t0"]),
]


@pytest.mark.parametrize("p,expected", [c[1:] for c in TYPED_CASES],
                         ids=[c[0] for c in TYPED_CASES])
def test_typed_comparisons(api, typed, p, expected):
    out = search(api, typed, where(p))
    assert ids(out) == expected, p
    assert out["contactsCount"] == len(expected)


def test_numeric_in_matches_values_not_spelling(api):
    """The issue's example: 007, 20.50 and abc; IN ["7","20.5"] finds the first two."""
    r = api.post(LISTS, json={"name": "codes", "columnDefinitions": [
        {"name": "code"}, {"name": "n", "type": "numeric"}]})
    assert r.status_code in (200, 201), r.text
    lid = r.json()["id"]
    body = [{"id": f"c{i}", "contactListId": lid, "data": {"code": v, "n": n}}
            for i, (v, n) in enumerate([("007", "007"), ("20.50", "20.50"), ("abc", "")])]
    assert api.post(f"{LISTS}/{lid}/contacts", json=body).status_code == 200
    url = f"{LISTS}/{lid}/contacts/search"
    for column, extra in (("code", NUM), ("n", {}), ("n", NUM)):
        r = api.post(url, json=where(pred(column, "IN", **inset("7", "20.5"), **extra)))
        assert r.status_code == 200, r.text
        assert ids(r.json()) == ["c0", "c1"], (column, extra)


def test_numbers_compare_exactly(api):
    """Ids with more digits than a double holds are still told apart."""
    r = api.post(LISTS, json={"name": "big", "columnDefinitions": [
        {"name": "n", "type": "numeric"}]})
    assert r.status_code in (200, 201), r.text
    lid = r.json()["id"]
    values = ["12345678901234567", "12345678901234568", "0.1", "-0", "1e-400"]
    body = [{"id": f"b{i}", "contactListId": lid, "data": {"n": v}}
            for i, v in enumerate(values)]
    assert api.post(f"{LISTS}/{lid}/contacts", json=body).status_code == 200
    url = f"{LISTS}/{lid}/contacts/search"

    def found(p):
        r = api.post(url, json=where(p))
        assert r.status_code == 200, r.text
        return ids(r.json())

    assert found(pred("n", "EQUALS", "12345678901234567")) == ["b0"]
    assert found(pred("n", "GREATER_THAN", "12345678901234567")) == ["b1"]
    assert found(pred("n", "EQUALS", "0.10")) == ["b2"]
    assert found(pred("n", "EQUALS", "0")) == ["b3"]           # -0 is 0
    assert found(pred("n", "BETWEEN", **rng("0", "0.1", minInclusive=False,
                                            maxInclusive=False))) == ["b4"]


P0 = "criteria.clauses[0].predicates[0]"
P1 = "criteria.clauses[0].predicates[1]"
OK = pred("name", "EQUALS", "ann")


def bad(case_id, p, field, needle, first=None):
    """A refused predicate: `field` is the path the answer must name."""
    body = where(first, p) if first else where(p)
    return pytest.param(body, field, needle, id=case_id)


@pytest.mark.parametrize("body,field,needle", [
    # numeric operands must be numbers
    bad("num-value", pred("code", "EQUALS", "x", **NUM), f"{P1}.value", "must be a number",
        first=OK),
    bad("numeric-column-value", pred("qty", "LESS_THAN", "seven"), f"{P0}.value",
        "must be a number"),
    bad("num-inset-entry", pred("code", "IN", **inset("7", "x", "8"), **NUM),
        f"{P0}.range.inSet[1]", "must be a number"),
    bad("numeric-column-inset-blank", pred("qty", "IN", **inset("7", "")),
        f"{P0}.range.inSet[1]", "must be a number"),
    bad("num-range-min", pred("code", "BETWEEN", **rng("a", "9"), **NUM), f"{P0}.range.min",
        "must be a number"),
    bad("numeric-column-range-max", pred("qty", "BETWEEN", **rng("1", "nine")),
        f"{P0}.range.max", "must be a number"),
    # timestamp operands must be timestamps
    bad("ts-value", pred("at", "BEFORE", "yesterday"), f"{P0}.value", "ISO-8601"),
    bad("ts-inset-entry", pred("at", "IN", **inset(T10, "2024-02-30")), f"{P0}.range.inSet[1]",
        "ISO-8601"),
    bad("ts-range-min", pred("at", "BETWEEN", **rng("2024", T10)), f"{P0}.range.min",
        "ISO-8601"),
    # text operators do not compare numbers; timestamps are never numbers
    bad("contains-numeric", pred("code", "CONTAINS", "7", **NUM), f"{P0}.operator",
        "matches text"),
    bad("begins-numeric", pred("qty", "BEGINS_WITH", "7", **NUM), f"{P0}.operator",
        "matches text"),
    bad("ends-numeric", pred("qty", "ENDS_WITH", "7", **NUM), f"{P0}.operator", "matches text"),
    bad("ts-column-numeric", pred("at", "BEFORE", "5", **NUM), f"{P0}.columnType",
        "holds timestamps"),
    # BETWEEN with its bounds the wrong way round, by the comparison that applies
    bad("between-numbers-reversed", pred("code", "BETWEEN", **rng("10", "9"), **NUM),
        f"{P0}.range", "greater than max"),
    bad("between-exponent-reversed", pred("qty", "BETWEEN", **rng("1e1", "9")), f"{P0}.range",
        "as numbers"),
    bad("between-text-reversed", pred("name", "BETWEEN", **rng("b", "A")), f"{P0}.range",
        "as text"),
    bad("between-instants-reversed",
        pred("at", "BETWEEN", **rng(T10, "2024-01-05T11:00:00+02:00")), f"{P0}.range",
        "as instants"),
    # missing operands
    bad("between-no-range", pred("name", "BETWEEN"), f"{P0}.range", "range.min and range.max"),
    bad("between-no-min", pred("name", "BETWEEN", range={"max": "b"}), f"{P0}.range.min",
        "range.min"),
    bad("between-no-max", pred("name", "BETWEEN", range={"min": "a"}), f"{P0}.range.max",
        "range.max"),
    bad("in-no-range", pred("name", "IN"), f"{P0}.range.inSet", "IN needs range.inSet"),
    bad("in-no-inset", pred("name", "IN", range={"min": "a"}), f"{P0}.range.inSet",
        "IN needs range.inSet"),
    bad("value-missing", pred("qty", "GREATER_THAN"), f"{P1}.value", "needs a value", first=OK),
])
def test_typed_bad_operands(api, typed, body, field, needle):
    r = api.post(f"{LISTS}/{typed['id']}/contacts/search", json=body)
    out = assert_error(r, 400, "invalid.value", field=field, error_code="INVALID_VALUE",
                       contains=needle)
    assert field in out["message"], out["message"]


@pytest.mark.parametrize("p", [
    pred("code", "BETWEEN", **rng("9", "10"), **NUM),     # text would say 9 > 10
    pred("at", "BETWEEN", **rng("2024-01-05T11:00:00+02:00", T10)),  # 09:00Z < 10:00Z
    pred("name", "BETWEEN", **rng("a", "A")),            # equal, case aside
    pred("qty", "BETWEEN", **rng("7", "7", minInclusive=False)),  # empty, but ordered
])
def test_between_bounds_in_order_are_accepted(api, typed, p):
    search(api, typed, where(p))


def test_a_sorted_search_of_an_empty_list_or_with_no_match_is_an_empty_page(api):
    r = api.post(LISTS, json={"name": "empty", "columnDefinitions": [{"name": "first"}]})
    lid = r.json()["id"]
    out = api.post(f"{LISTS}/{lid}/contacts/search",
                   json={"contactSorts": [{"fieldName": "first"}]})
    assert out.status_code == 200, out.text
    assert out.json()["entities"] == [] and out.json()["contactsCount"] == 0


@pytest.mark.parametrize("predicate,field", [
    ({"column": "first", "operator": "EQUALS", "value": "a", "columnType": "date"},
     "criteria.clauses[0].predicates[0].columnType"),
    ({"column": "first", "operator": "IN", "range": {"inSet": ["x"] * 1001}},
     "criteria.clauses[0].predicates[0].range.inSet"),
])
def test_field_refusals_in_a_search_name_their_field(api, lst, predicate, field):
    body = {"criteria": {"clauses": [{"predicates": [predicate]}]}}
    assert_error(api.post(f"{LISTS}/{lst['id']}/contacts/search", json=body), 400,
                 "invalid.value", field=field)

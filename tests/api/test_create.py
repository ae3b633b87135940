"""POST /api/v2/outbound/contactlists: server-owned ids, both column views,
name rules, unknown properties, malformed bodies (DESIGN §3.1, 3.4-3.8)."""
import re
import uuid

import pytest
import requests

from conftest import LISTS, assert_error, cloud_list, phone_list

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def count_lists(api, name=None):
    params = {"filterType": "Equals", "name": name} if name else {}
    r = api.get(LISTS, params=params)
    assert r.status_code == 200
    return r.json()["total"]


def test_users_corrected_script_gets_201_and_a_server_uuid(server):
    client = server.client()
    token = requests.post(server.base + "/oauth/token",
                          auth=(client["client_id"], client["client_secret"]),
                          data={"grant_type": "client_credentials"}).json()["access_token"]
    headers = {"Authorization": "Bearer " + token}
    payload = {
        "name": "Spring renewals",
        "status": "ACTIVE",
        "columnDefinitions": [
            {"name": "phone", "type": "phone", "required": True},
            {"name": "email", "type": "email", "required": False},
        ],
    }
    r = requests.post(server.base + LISTS, json=payload, headers=headers)
    assert r.status_code == 201, r.text
    body = r.json()
    assert UUID_RE.match(body["id"])
    assert r.headers["Location"] == f"{LISTS}/{body['id']}"
    assert body["selfUri"] == f"{LISTS}/{body['id']}"
    assert body["version"] == 1
    assert body["status"] == "ACTIVE"
    assert body["columnNames"] == ["phone", "email"]
    assert body["phoneColumns"] == [{"columnName": "phone", "type": "cell"}]
    assert body["emailColumns"] == [{"columnName": "email", "type": "work"}]
    assert body["columnDefinitions"][0] == {"name": "phone", "type": "phone", "required": True}
    assert body["division"]["name"] == "Home"
    assert body["dateCreated"].endswith("Z") and body["dateCreated"] == body["dateModified"]
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", body["dateCreated"])

    # The user's original mistake: the same payload plus a client-chosen id.
    bad = dict(payload, name="Spring renewals 2", contactListId=str(uuid.uuid4()))
    r = requests.post(server.base + LISTS, json=bad, headers=headers)
    err = assert_error(r, 400, "invalid.value", field="contactListId", error_code="INVALID_VALUE")
    assert "remove it" in err["message"]
    assert "assigned by the server" in err["message"]
    # Nothing stored: the name is still free and the list count unchanged.
    r = requests.get(server.base + LISTS, headers=headers)
    assert r.json()["total"] == 1
    r = requests.post(server.base + LISTS, json=dict(payload, name="Spring renewals 2"),
                      headers=headers)
    assert r.status_code == 201


def test_every_read_only_field_gets_its_own_detail(api):
    body = cloud_list(id="x", dateCreated="2020-01-01T00:00:00.000Z", selfUri="/x", size=3)
    err = assert_error(api.post(LISTS, json=body), 400, "invalid.value")
    fields = sorted(d["fieldName"] for d in err["details"])
    assert fields == ["dateCreated", "id", "selfUri", "size"]
    assert all(d["errorCode"] == "INVALID_VALUE" for d in err["details"])
    assert "remove them" in err["message"]
    assert count_lists(api) == 0


@pytest.mark.parametrize("field", ["id", "dateModified", "importStatus", "contactListId"])
def test_single_read_only_field_refused(api, field):
    body = cloud_list(**{field: {"state": "x"} if field == "importStatus" else "v"})
    assert_error(api.post(LISTS, json=body), 400, "invalid.value", field=field)


def test_cloud_view_is_accepted_and_columnDefinitions_derived(api):
    r = api.post(LISTS, json=cloud_list(columnDataTypeSpecifications=[
        {"columnName": "First", "columnDataType": "text"}]))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["columnDefinitions"] == [
        {"name": "First", "type": "text", "required": False},
        {"name": "Last", "type": "text", "required": False},
        {"name": "Cell", "type": "phone", "required": False},
        {"name": "Email", "type": "email", "required": False},
    ]
    # The enum is accepted in either case and stored in the cloud's spelling.
    assert body["columnDataTypeSpecifications"][0]["columnDataType"] == "TEXT"
    assert body["trimWhitespace"] is True
    assert body["status"] == "ACTIVE"


def test_numeric_and_timestamp_definitions_become_data_type_specs(api):
    r = api.post(LISTS, json={"name": "typed", "columnDefinitions": [
        {"name": "age", "type": "numeric"}, {"name": "seen", "type": "timestamp"},
        {"name": "note"}]})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["columnDataTypeSpecifications"] == [
        {"columnName": "age", "columnDataType": "NUMERIC"},
        {"columnName": "seen", "columnDataType": "TIMESTAMP"}]
    assert body["columnDefinitions"][2] == {"name": "note", "type": "text", "required": False}


def test_both_views_allowed_when_they_agree(api):
    body = phone_list(columnNames=["phone", "email"],
                      phoneColumns=[{"columnName": "phone", "type": "home"}])
    r = api.post(LISTS, json=body)
    assert r.status_code == 201, r.text
    assert r.json()["phoneColumns"] == [{"columnName": "phone", "type": "home"}]


@pytest.mark.parametrize("extra,what", [
    ({"columnNames": ["email", "phone"]}, "columnNames"),
    ({"columnNames": ["phone", "email", "x"]}, "columnNames"),
    ({"phoneColumns": [{"columnName": "email", "type": "cell"}]}, "phoneColumns"),
    ({"emailColumns": []}, "emailColumns"),
])
def test_views_that_disagree_are_refused(api, extra, what):
    err = assert_error(api.post(LISTS, json=phone_list(**extra)), 400, "invalid.value",
                       field="columnDefinitions")
    assert what in err["message"]
    assert count_lists(api) == 0


def test_columns_are_required(api):
    err = assert_error(api.post(LISTS, json={"name": "no columns"}), 400, "invalid.value",
                       field="columnNames", error_code="REQUIRED")
    assert "columnDefinitions" in err["message"]


@pytest.mark.parametrize("columns,needle", [
    ([], "at least one column"),
    ([f"c{i}" for i in range(51)], "at most 50 columns"),
    (["x" * 129], "limited to 128"),
    (["Phone", "phone"], "unique"),
    (["a\\b"], "backslash"),
    (["  "], "blank"),
    (["tab\there"], "control character"),
])
def test_column_name_rules(api, columns, needle):
    err = assert_error(api.post(LISTS, json={"name": "cols", "columnNames": columns}), 400,
                       "invalid.value")
    assert needle in err["message"]


def test_fifty_columns_of_128_characters_are_fine(api):
    cols = [f"{i:02d}" + "x" * 126 for i in range(50)]
    r = api.post(LISTS, json={"name": "wide", "columnNames": cols})
    assert r.status_code == 201, r.text


@pytest.mark.parametrize("extra,field", [
    ({"phoneColumns": [{"columnName": "Nope", "type": "cell"}]}, "phoneColumns[0].columnName"),
    ({"phoneColumns": [{"columnName": "Cell", "type": "cell", "callableTimeColumnName": "zz"}]},
     "phoneColumns[0].callableTimeColumnName"),
    ({"emailColumns": [{"columnName": "Nope", "type": "work"}]}, "emailColumns[0].columnName"),
    ({"previewModeColumnName": "nope"}, "previewModeColumnName"),
    ({"columnDataTypeSpecifications": [{"columnName": "nope", "columnDataType": "NUMERIC"}]},
     "columnDataTypeSpecifications[0].columnName"),
])
def test_column_references_must_name_a_column(api, extra, field):
    err = assert_error(api.post(LISTS, json=cloud_list(**extra)), 400, "invalid.value",
                       field=field)
    assert "not in columnNames" in err["message"]


def test_column_references_match_case_insensitively_and_keep_list_spelling(api):
    r = api.post(LISTS, json=cloud_list(phoneColumns=[{"columnName": "cell", "type": "cell"}]))
    assert r.status_code == 201, r.text
    assert r.json()["phoneColumns"][0]["columnName"] == "Cell"


def test_zip_code_column_needs_automatic_time_zone_mapping(api):
    assert_error(api.post(LISTS, json=cloud_list(zipCodeColumnName="Last")), 400,
                 "invalid.value", field="zipCodeColumnName")
    r = api.post(LISTS, json=cloud_list(zipCodeColumnName="Last", automaticTimeZoneMapping=True))
    assert r.status_code == 201, r.text


def test_data_type_spec_rules(api):
    spec = {"columnName": "First", "columnDataType": "NUMERIC", "min": 5, "max": 1}
    err = assert_error(api.post(LISTS, json=cloud_list(columnDataTypeSpecifications=[spec])),
                       400, "invalid.value")
    assert "min" in err["message"]
    spec = {"columnName": "First", "columnDataType": "BLOB"}
    err = assert_error(api.post(LISTS, json=cloud_list(columnDataTypeSpecifications=[spec])),
                       400, "invalid.value")
    assert "TEXT, NUMERIC, TIMESTAMP" in err["message"]


def test_status_values(api):
    err = assert_error(api.post(LISTS, json=phone_list(status="PAUSED")), 400, "invalid.value")
    assert "ACTIVE, INACTIVE" in err["message"] and "PAUSED" in err["message"]
    r = api.post(LISTS, json=phone_list(name="inactive one", status="inactive"))
    assert r.status_code == 201 and r.json()["status"] == "INACTIVE"


@pytest.mark.parametrize("name,needle", [
    ("", "blank"),
    ("   ", "blank"),
    ("x" * 257, "limit is 256"),
    ("tab\tname", "control character"),
    ("bell\u0007", "control character"),
    ("c1\u0085", "control character"),
])
def test_name_rules(api, name, needle):
    err = assert_error(api.post(LISTS, json=phone_list(name=name)), 400, "invalid.value")
    assert needle in err["message"]
    assert count_lists(api) == 0


def test_name_is_trimmed_and_unicode_counts_characters(api):
    r = api.post(LISTS, json=phone_list(name="  Ünïcødé " + "é" * 240 + "  "))
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "Ünïcødé " + "é" * 240


def test_name_required_and_typed(api):
    body = phone_list()
    del body["name"]
    assert_error(api.post(LISTS, json=body), 400, "invalid.value", field="name",
                 error_code="REQUIRED")
    err = assert_error(api.post(LISTS, json=phone_list(name=42)), 400, "invalid.value",
                       field="name")
    assert "must be a string, not an integer" in err["message"]


def test_duplicate_names_conflict_case_insensitively(api):
    assert api.post(LISTS, json=phone_list(name="Renewals")).status_code == 201
    err = assert_error(api.post(LISTS, json=phone_list(name=" renewals ")), 409,
                       "general.conflict", field="name")
    assert "already exists" in err["message"]
    assert count_lists(api) == 1


def test_same_name_in_another_org_is_fine(server):
    a, b = server.session(), server.session()
    assert a.post(LISTS, json=phone_list(name="Shared")).status_code == 201
    assert b.post(LISTS, json=phone_list(name="Shared")).status_code == 201


def test_unknown_property_is_named_with_a_suggestion(api):
    body = {"name": "typo", "columnName": ["a"]}
    err = assert_error(api.post(LISTS, json=body), 400, "invalid.property", field="columnName")
    assert "did you mean columnNames" in err["message"]
    err = assert_error(api.post(LISTS, json=cloud_list(zzz=1)), 400, "invalid.property",
                       field="zzz")
    assert "zzz is not a property of a contact list" in err["message"]


def test_unknown_nested_property_is_named_with_its_path(api):
    body = cloud_list(phoneColumns=[{"columnName": "Cell", "type": "cell", "kind": "x"}])
    assert_error(api.post(LISTS, json=body), 400, "invalid.property",
                 field="phoneColumns[0].kind")


@pytest.mark.parametrize("field,value,expected", [
    ("columnNames", "a,b", "must be an array, not a string"),
    ("columnNames", [1], "must be a string, not an integer"),
    ("trimWhitespace", "yes", "must be a boolean"),
    ("phoneColumns", [{"columnName": "Cell"}], "type is required"),
    ("phoneColumns", [None], "must not be null"),
    ("division", "Home", "must be an object"),
    ("version", 1.5, "must be an integer"),
    ("columnDefinitions", [{"name": "a", "type": "fax"}], "Allowable values are"),
])
def test_wrong_types_name_the_field(api, field, value, expected):
    err = assert_error(api.post(LISTS, json=cloud_list(**{field: value})), 400, "invalid.value")
    assert expected in err["message"]
    assert count_lists(api) == 0


def test_null_means_absent(api):
    r = api.post(LISTS, json=cloud_list(previewModeColumnName=None, status=None))
    assert r.status_code == 201, r.text
    # An unset column reference is answered as the cloud answers it: "".
    assert r.json()["previewModeColumnName"] == ""
    assert r.json()["status"] == "ACTIVE"


def test_unknown_division_is_refused_home_is_fine(api):
    r = api.post(LISTS, json=cloud_list(division={"id": str(uuid.uuid4())}))
    assert_error(r, 400, "invalid.value", field="division.id")
    home = api.get(LISTS, params={"pageSize": 1})  # no list yet: learn Home from a create
    assert home.status_code == 200
    created = api.post(LISTS, json=cloud_list()).json()
    r = api.post(LISTS, json=cloud_list(name="again", division={"id": created["division"]["id"]}))
    assert r.status_code == 201, r.text


@pytest.mark.parametrize("raw,line,col", [
    ('{"name": "x",\n  "columnNames": ["a",]}', 2, None),
    ('{"name": "x"', 1, None),
    ('{"name": "x", "name": "y", "columnNames": ["a"]}', 1, None),
    ("\xff\xfe", 1, None),
])
def test_malformed_json_names_line_and_column(api, raw, line, col):
    r = api.post(LISTS, data=raw.encode("latin-1"), headers={"Content-Type": "application/json"})
    err = assert_error(r, 400, "bad.request")
    assert f"line {line}, column" in err["message"]
    assert count_lists(api) == 0


@pytest.mark.parametrize("raw", ['[]', '"name"', '42', 'null'])
def test_body_must_be_an_object(api, raw):
    r = api.post(LISTS, data=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert "object" in r.json()["message"]


def test_deeply_nested_json_is_refused_not_crashing(api):
    raw = '{"name": "deep", "columnNames": ' + "[" * 5000 + "]" * 5000 + "}"
    r = api.post(LISTS, data=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 400


def test_empty_body_and_wrong_media_type(api):
    assert_error(api.post(LISTS, data=b"", headers={"Content-Type": "application/json"}), 400,
                 "bad.request", contains="empty")
    assert_error(api.post(LISTS, data=b"name=x", headers={"Content-Type": "text/plain"}), 415,
                 "unsupported.media.type")
    assert_error(api.post(LISTS, data=b"{}"), 415, "unsupported.media.type")
    r = api.post(LISTS, data=b'{"name":"charset","columnNames":["a"]}',
                 headers={"Content-Type": "application/json; charset=UTF-8"})
    assert r.status_code == 201, r.text


def test_body_over_512000_bytes_is_413(api):
    big = '{"name": "big", "columnNames": ["a"], "retentionType": "' + "x" * 512000 + '"}'
    r = api.post(LISTS, data=big, headers={"Content-Type": "application/json"})
    assert_error(r, 413, "request.entity.too.large", contains="512000")
    assert count_lists(api) == 0


def test_chunked_body_over_the_limit_is_413(api):
    def chunks():
        yield b'{"name": "chunky", "columnNames": ["a"], "retentionType": "'
        for _ in range(100):
            yield b"x" * 10000
        yield b'"}'
    r = api.post(LISTS, data=chunks(), headers={"Content-Type": "application/json"})
    assert_error(r, 413, "request.entity.too.large")
    assert count_lists(api) == 0


def test_body_just_under_the_limit_reaches_validation(api):
    pad = 512000 - len('{"name":"n","columnNames":["a"],"timeZone":""}')
    raw = '{"name":"n","columnNames":["a"],"timeZone":"' + "x" * pad + '"}'
    assert len(raw) == 512000
    err = assert_error(api.post(LISTS, data=raw, headers={"Content-Type": "application/json"}),
                       400, "invalid.value", contains="timeZone")
    assert "limit is 64" in err["message"]


@pytest.mark.parametrize("body,field", [
    ({"status": ""}, "status"),
    ({"status": " ACTIVE "}, "status"),
    ({"name": "x" * 300}, "name"),
    ({"name": "   "}, "name"),
    ({"columnNames": ["a"] * 0 + ["a", None]}, "columnNames[1]"),
    ({"columnNames": [f"c{i}" for i in range(60)]}, "columnNames"),
])
def test_every_field_refusal_names_its_field_in_details(api, body, field):
    b = dict({"name": "details", "columnNames": ["a"]}, **body)
    assert_error(api.post(LISTS, json=b), 400, "invalid.value", field=field)

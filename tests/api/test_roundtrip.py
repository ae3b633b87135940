"""Round trips of the cloud's own list shape (docs/api-rules.md, "Round trips
of the cloud's list shape"): what a GET answers is accepted back on PUT and,
less the server-owned fields, on POST; every field that names columns is
either fixed after creation or updatable, and a PUT that leaves it out keeps
it; the names the export writes for its own columns are reserved."""
import copy

import pytest

from conftest import LISTS, Server, assert_error, cloud_list, phone_list

SERVER_OWNED = ("id", "selfUri", "dateCreated", "dateModified", "size", "importStatus",
                "contactListId")
# What changes on every successful PUT.
BUMPED = ("version", "dateModified")

# The export's own columns (the cloud's, and dialbook's exports): whole names,
# and prefixes written once per list column.
SYSTEM_NAMES = ["inin-outbound-id", "ContactCallable", "ContactableByVoice", "ContactableBySms",
                "ContactableByEmail", "ContactableByWhatsApp", "AutomaticTimeZone"]
SYSTEM_PREFIXES = ["CallRecordLastAttempt-", "CallRecordLastResult-",
                   "CallRecordLastAgentWrapup-", "CallRecordLastAttemptCampaign-",
                   "SmsLastAttempt-", "SmsLastResult-", "SmsLastAttemptCampaign-", "Callable-",
                   "ContactableByVoice-", "ContactableBySms-", "ContactableByEmail-",
                   "ContactableByWhatsApp-"]

# Every list field that names columns, with its rule on PUT.
FIXED = {
    "columnNames": "cannot.update.column.names",
    "phoneColumns": "cannot.update.phone.columns",
    "emailColumns": "cannot.update.email.columns",
    "whatsAppColumns": "cannot.update.whatsapp.columns",
    "automaticTimeZoneMapping": "cannot.update.automatic.time.zone.mapping",
    "zipCodeColumnName": "cannot.update.zip.code.column",
}
UPDATABLE = ("previewModeColumnName", "previewModeAcceptedValues",
             "columnDataTypeSpecifications")


@pytest.fixture(scope="module")
def genesys_server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("genesys"), "--profile", "genesys",
               "--rate-limit", "0").start()
    yield s
    s.stop()


@pytest.fixture(params=["rest", "genesys"])
def profiled(request, server, genesys_server):
    """(session of a fresh organization, the status a create answers)."""
    if request.param == "rest":
        return server.session(), 201
    return genesys_server.session(), 200


def home_division(api):
    """The organization's Home division, as the cloud answers a reference."""
    made = api.post(LISTS, json={"name": "division probe", "columnNames": ["x"]})
    assert made.status_code in (200, 201), made.text
    division = made.json()["division"]
    assert api.delete(f"{LISTS}/{made.json()['id']}").status_code in (200, 204)
    return division


def cloud_object(division, name="Renewals Q3", zone_mapping=True):
    """A list as the cloud answers it, less the server-owned fields: unset
    references are "", unset values null. With automatic time-zone mapping
    the zip column is set and the phone columns have no callable-time column
    (the cloud allows none then); without it, the other way round."""
    body = {
        "name": name,
        "version": 7,
        "division": division,
        "columnNames": ["First Name", "Last Name", "Cell", "Home", "Email", "WhatsApp", "Zip",
                        "CallWindow", "MailWindow", "Balance", "DueDate", "Segment", "Preview"],
        "phoneColumns": [
            {"columnName": "Cell", "type": "Cell",
             "callableTimeColumnName": "", "callableTimeColumn": None},
            {"columnName": "Home", "type": "Home",
             "callableTimeColumnName": "", "callableTimeColumn": ""},
        ],
        "emailColumns": [
            {"columnName": "Email", "type": "Work", "contactableTimeColumnName": "MailWindow",
             "contactableTimeColumn": "MailWindow"},
        ],
        "whatsAppColumns": [
            {"columnName": "WhatsApp", "type": "Cell", "contactableTimeColumnName": "",
             "contactableTimeColumn": None},
        ],
        "previewModeColumnName": "",
        "previewModeAcceptedValues": [],
        "attemptLimits": None,
        "automaticTimeZoneMapping": True,
        "zipCodeColumnName": "Zip",
        "columnDataTypeSpecifications": [
            {"columnName": "Balance", "columnDataType": "NUMERIC", "min": 0, "max": 100000,
             "maxLength": None},
            {"columnName": "DueDate", "columnDataType": "TIMESTAMP", "min": None, "max": None,
             "maxLength": None},
            {"columnName": "Segment", "columnDataType": "TEXT", "min": None, "max": None,
             "maxLength": 20},
        ],
        "trimWhitespace": True,
        "retentionType": "",
        "retentionDays": None,
        "dateExpiration": None,
        "timeZone": "",
    }
    if not zone_mapping:
        body.update(automaticTimeZoneMapping=False, zipCodeColumnName="",
                    previewModeColumnName="Preview", previewModeAcceptedValues=["yes", "Y"],
                    attemptLimits={"id": "8a7e2a55-8ac4-4b0e-9d1a-2f5f4c8f6e01",
                                   "name": "Three a day",
                                   "selfUri": "/api/v2/outbound/attemptlimits/"
                                              "8a7e2a55-8ac4-4b0e-9d1a-2f5f4c8f6e01"},
                    retentionDays=90, dateExpiration="2030-01-31T00:00:00.000Z",
                    timeZone="America/Chicago")
        body["phoneColumns"][0].update(callableTimeColumnName="CallWindow",
                                       callableTimeColumn="CallWindow")
    return body


def without(body, *keys):
    return {k: v for k, v in body.items() if k not in keys}


def same_list(a, b, ignore=BUMPED):
    assert without(a, *ignore) == without(b, *ignore)


def make(api, body, status=(200, 201)):
    r = api.post(LISTS, json=body)
    assert r.status_code in ((status,) if isinstance(status, int) else status), r.text
    return r.json()


def read(api, made, **params):
    r = api.get(f"{LISTS}/{made['id']}", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def put(api, made, body):
    return api.put(f"{LISTS}/{made['id']}", json=body)


# --- the cloud's shape on create -----------------------------------------


@pytest.mark.parametrize("zone_mapping", [True, False], ids=["zone-mapping", "callable-times"])
def test_cloud_shaped_object_is_accepted_on_create(profiled, zone_mapping):
    api, created = profiled
    division = home_division(api)
    body = cloud_object(division, zone_mapping=zone_mapping)
    r = api.post(LISTS, json=body)
    assert r.status_code == created, r.text
    out = r.json()
    assert out == read(api, out)
    assert out["version"] == 1 and out["division"] == division
    assert out["columnNames"] == body["columnNames"]
    # "" and null inside an entry are no reference: the entry comes back without it.
    assert out["phoneColumns"][1] == {"columnName": "Home", "type": "Home"}
    assert out["whatsAppColumns"] == [{"columnName": "WhatsApp", "type": "Cell"}]
    assert out["emailColumns"] == body["emailColumns"]
    assert out["columnDataTypeSpecifications"] == [
        {"columnName": "Balance", "columnDataType": "NUMERIC", "min": 0, "max": 100000},
        {"columnName": "DueDate", "columnDataType": "TIMESTAMP"},
        {"columnName": "Segment", "columnDataType": "TEXT", "maxLength": 20}]
    for key in ("automaticTimeZoneMapping", "zipCodeColumnName", "previewModeColumnName",
                "previewModeAcceptedValues", "trimWhitespace", "retentionType", "timeZone"):
        assert out[key] == body[key], key
    if zone_mapping:
        assert out["phoneColumns"][0] == {"columnName": "Cell", "type": "Cell"}
        assert "attemptLimits" not in out and "retentionDays" not in out
    else:
        assert out["phoneColumns"][0]["callableTimeColumnName"] == "CallWindow"
        assert out["attemptLimits"] == body["attemptLimits"]
        assert out["retentionDays"] == 90 and out["dateExpiration"] == body["dateExpiration"]
    assert [d["type"] for d in out["columnDefinitions"]] == [
        "text", "text", "phone", "phone", "email", "text", "text", "text", "text", "numeric",
        "timestamp", "text", "text"]


@pytest.mark.parametrize("field", SERVER_OWNED)
def test_server_owned_fields_stay_refused_on_create(api, field):
    body = cloud_object(home_division(api))
    body[field] = {"state": "FAILED"} if field == "importStatus" else (
        3 if field == "size" else "v")
    assert_error(api.post(LISTS, json=body), 400, "invalid.value", field=field,
                 error_code="INVALID_VALUE")
    assert api.get(LISTS).json()["total"] == 0


def test_unset_fields_are_answered_as_the_cloud_answers_them(api):
    out = make(api, {"name": "bare", "columnNames": ["a"]})
    assert out["phoneColumns"] == [] and out["emailColumns"] == []
    assert out["whatsAppColumns"] == [] and out["columnDataTypeSpecifications"] == []
    assert out["previewModeColumnName"] == "" and out["zipCodeColumnName"] == ""
    assert out["previewModeAcceptedValues"] == []
    assert out["automaticTimeZoneMapping"] is False
    # Not column fields: left out when unset, as before.
    for key in ("attemptLimits", "retentionType", "retentionDays", "dateExpiration", "timeZone"):
        assert key not in out


@pytest.mark.parametrize("change", [
    {"zipCodeColumnName": "", "automaticTimeZoneMapping": False},
    {"zipCodeColumnName": ""},
    {"previewModeColumnName": ""},
])
def test_an_empty_reference_is_no_reference(api, change):
    body = cloud_list(**change)
    out = make(api, body)
    for key in change:
        if key.endswith("ColumnName"):
            assert out[key] == ""


def test_a_time_column_and_its_alias_must_agree(api):
    body = cloud_list(columnNames=["Cell", "W1", "W2"], emailColumns=[], phoneColumns=[
        {"columnName": "Cell", "type": "cell", "callableTimeColumnName": "W1",
         "callableTimeColumn": "W2"}])
    err = assert_error(api.post(LISTS, json=body), 400, "invalid.value",
                       field="phoneColumns[0].callableTimeColumn")
    assert "different columns" in err["message"]
    body["phoneColumns"][0]["callableTimeColumn"] = "nope"
    assert_error(api.post(LISTS, json=body), 400, "invalid.value",
                 field="phoneColumns[0].callableTimeColumn", contains="not in columnNames")
    body["phoneColumns"][0]["callableTimeColumn"] = "w1"  # any case, stored as the list spells it
    out = make(api, body)
    assert out["phoneColumns"][0]["callableTimeColumn"] == "W1"


def test_a_put_may_spell_a_time_column_either_way(api):
    """The alias names the same column: sending it on PUT is no change."""
    body = cloud_list(columnNames=["Cell", "W1", "W2"], emailColumns=[], phoneColumns=[
        {"columnName": "Cell", "type": "cell", "callableTimeColumnName": "W1"}])
    made = make(api, body)
    for entry in ({"callableTimeColumnName": "W1", "callableTimeColumn": "W1"},
                  {"callableTimeColumn": "w1"}):
        now = read(api, made)
        now["phoneColumns"] = [dict({"columnName": "Cell", "type": "cell"}, **entry)]
        r = put(api, made, now)
        assert r.status_code == 200, r.text
    now = read(api, made)
    now["phoneColumns"] = [{"columnName": "Cell", "type": "cell", "callableTimeColumn": "W2"}]
    assert_error(put(api, made, now), 400, "cannot.update.phone.columns")


# --- GET -> PUT -> GET, and GET -> POST ------------------------------------


def made_by(api, view):
    if view == "cloud":
        return make(api, cloud_object(home_division(api), zone_mapping=False))
    return make(api, phone_list(columnDefinitions=[
        {"name": "phone", "type": "phone", "required": True},
        {"name": "email", "type": "email"}, {"name": "age", "type": "numeric"},
        {"name": "seen", "type": "timestamp"}, {"name": "note"}]))


@pytest.mark.parametrize("view", ["cloud", "definitions"])
def test_get_put_get_changes_nothing(profiled, view):
    api, _ = profiled
    made = made_by(api, view)
    for params in ({}, {"includeSize": "true", "includeImportStatus": "true"}):
        before = read(api, made)
        echo = read(api, made, **params)
        r = put(api, made, echo)
        assert r.status_code == 200, r.text
        after = read(api, made)
        same_list(after, before)
        assert after["version"] == before["version"] + 1
        assert r.json() == after


@pytest.mark.parametrize("view", ["cloud", "definitions"])
def test_get_strip_post_creates_an_equal_list(profiled, view):
    api, created = profiled
    made = made_by(api, view)
    shape = without(read(api, made, includeSize="true", includeImportStatus="true"),
                    *SERVER_OWNED)
    # Beside the original, under another name...
    twin = make(api, dict(shape, name="twin"), created)
    same_list(twin, made, ignore=("id", "selfUri", "dateCreated", "dateModified", "name"))
    # ...and in its place.
    assert api.delete(f"{LISTS}/{made['id']}").status_code in (200, 204)
    again = make(api, shape, created)
    same_list(again, made, ignore=("id", "selfUri", "dateCreated", "dateModified"))


def test_cloud_shaped_put_with_empty_strings_and_nulls(api):
    made = make(api, cloud_object(home_division(api)))
    # The whole object as a cloud client sends it back: server-owned fields,
    # "" and null where unset, the import status and size it read.
    body = read(api, made, includeSize="true", includeImportStatus="true")
    body.update(attemptLimits=None, retentionDays=None, dateExpiration=None,
                previewModeColumnName="")
    body["phoneColumns"] = [dict(e, callableTimeColumnName="", callableTimeColumn=None)
                            for e in body["phoneColumns"]]
    body["whatsAppColumns"][0]["contactableTimeColumn"] = ""
    r = put(api, made, body)
    assert r.status_code == 200, r.text
    same_list(read(api, made), made)


# --- every field that names columns ---------------------------------------


def changed(field, body):
    """Another value of `field` that keeps the rest of the list valid."""
    return {
        "columnNames": body["columnNames"] + ["Extra"],
        "phoneColumns": body["phoneColumns"][:1],
        "emailColumns": [],
        "whatsAppColumns": [{"columnName": "Cell", "type": "Cell"}],
        "automaticTimeZoneMapping": False,
        "zipCodeColumnName": "Home",
        "previewModeColumnName": "Segment",
        "previewModeAcceptedValues": ["1"],
        "columnDataTypeSpecifications": body["columnDataTypeSpecifications"][:1],
    }[field]


@pytest.mark.parametrize("field", FIXED)
def test_fixed_fields_cannot_change(api, field):
    made = make(api, cloud_object(home_division(api)))
    body = dict(read(api, made), **{field: changed(field, made)})
    if field == "automaticTimeZoneMapping":
        body["zipCodeColumnName"] = ""
    err = assert_error(put(api, made, body), 400, FIXED[field], field=field)
    assert "An attempt was made to update a ContactList in an invalid way" in err["message"]
    assert f"{field} cannot change after creation" in err["message"]
    assert read(api, made) == made


@pytest.mark.parametrize("field,empty", [
    ("phoneColumns", []), ("emailColumns", []), ("whatsAppColumns", []),
    ("zipCodeColumnName", ""), ("automaticTimeZoneMapping", False)])
def test_fixed_fields_cannot_be_cleared(api, field, empty):
    made = make(api, cloud_object(home_division(api)))
    body = dict(made, **{field: empty})
    assert_error(put(api, made, body), 400, FIXED[field], field=field)
    assert read(api, made) == made


def test_fixed_fields_compare_as_the_list_spells_them(api):
    made = make(api, cloud_object(home_division(api)))
    body = copy.deepcopy(made)
    body["phoneColumns"].reverse()  # any order
    body["whatsAppColumns"][0]["columnName"] = "WHATSAPP"  # any case
    body["zipCodeColumnName"] = "zip"
    r = put(api, made, body)
    assert r.status_code == 200, r.text
    same_list(r.json(), made)


@pytest.mark.parametrize("field", UPDATABLE)
def test_updatable_fields_change_and_clear(api, field):
    made = make(api, cloud_object(home_division(api)))
    new = changed(field, made)
    r = put(api, made, dict(made, **{field: new}))
    assert r.status_code == 200, r.text
    assert read(api, made)[field] == new
    empty = "" if field == "previewModeColumnName" else []
    r = put(api, made, dict(r.json(), **{field: empty}))
    assert r.status_code == 200, r.text
    assert read(api, made)[field] == empty


@pytest.mark.parametrize("field", [*FIXED, *UPDATABLE, "columnDefinitions"])
def test_a_put_that_leaves_a_column_field_out_keeps_it(api, field):
    made = make(api, cloud_object(home_division(api)))
    if field in UPDATABLE:  # a value to keep that is not the one it was created with
        made = put(api, made, dict(made, **{field: changed(field, made)})).json()
    body = without(made, field)
    if field == "columnNames":  # both views left out: the columns stay
        body = without(body, "columnDefinitions")
    r = put(api, made, body)
    assert r.status_code == 200, r.text
    same_list(read(api, made), made)
    # null is "not given" too.
    r = put(api, made, dict(r.json(), **{field: None}))
    assert r.status_code == 200, r.text
    same_list(read(api, made), made)


def column_fields(body):
    return {k: body[k] for k in (*FIXED, *UPDATABLE, "columnDefinitions")}


def test_a_put_of_name_and_version_only_keeps_every_column(api):
    made = make(api, cloud_object(home_division(api), zone_mapping=False))
    r = put(api, made, {"name": "renamed", "version": made["version"]})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "renamed"
    assert column_fields(r.json()) == column_fields(made)
    # The other fields follow PUT's replace rule: left out is unset (or the default).
    assert "attemptLimits" not in r.json() and "timeZone" not in r.json()


def test_editing_definitions_keeps_what_they_cannot_say(api):
    made = make(api, cloud_object(home_division(api)))
    defs = [dict(d, required=d["name"] == "Cell") for d in made["columnDefinitions"]]
    r = put(api, made, {"name": made["name"], "version": 1, "columnDefinitions": defs})
    assert r.status_code == 200, r.text
    out = r.json()
    # The TEXT specification's maxLength, the labels, the WhatsApp column...
    assert column_fields(out) == dict(column_fields(made), columnDefinitions=defs)


# --- reserved names --------------------------------------------------------


RESERVED = SYSTEM_NAMES + [p + "Cell" for p in SYSTEM_PREFIXES]


@pytest.mark.parametrize("name", RESERVED + [n.upper() for n in SYSTEM_NAMES[:2]] +
                         [SYSTEM_PREFIXES[0].lower() + "x", "callable-"])
def test_system_column_names_are_refused(api, name):
    err = assert_error(api.post(LISTS, json={"name": "sys", "columnNames": ["a", "b", name]}),
                       400, "invalid.value", field="columnNames[2]", error_code="INVALID_VALUE")
    assert "reserved for the export's system columns" in err["message"]
    assert name in err["message"]
    err = assert_error(api.post(LISTS, json={"name": "sys", "columnDefinitions": [
        {"name": "a"}, {"name": name, "type": "phone"}]}), 400, "invalid.value",
        field="columnDefinitions[1].name")
    assert "reserved" in err["message"]
    assert api.get(LISTS).json()["total"] == 0


@pytest.mark.parametrize("name", ["Callable", "ContactCallables", "inin-outbound-id2",
                                  "My Callable-x", "SmsLastAttempt", "AutomaticTimeZoneId",
                                  "ContactableByFax-x"])
def test_names_that_only_resemble_system_columns_are_fine(api, name):
    make(api, {"name": "near " + name, "columnNames": [name]})


# --- status ----------------------------------------------------------------


@pytest.mark.parametrize("value", [1, True, 0.5, ["ACTIVE"], {"value": "ACTIVE"}])
def test_a_status_that_is_not_a_string_names_the_allowed_values(api, value):
    err = assert_error(api.post(LISTS, json=phone_list(status=value)), 400, "invalid.value",
                       field="status")
    assert "Allowable values are: ACTIVE, INACTIVE" in err["message"]
    made = make(api, phone_list())
    err = assert_error(put(api, made, dict(made, status=value)), 400, "invalid.value",
                       field="status")
    assert "Allowable values are: ACTIVE, INACTIVE" in err["message"]
    assert read(api, made) == made

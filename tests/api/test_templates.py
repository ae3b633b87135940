"""/api/v2/outbound/contactlisttemplates: create (one and bulk/add), get,
list, update, delete (one and ?id=), bulk/retrieve. The model is the SDK's
ContactListTemplate (a list's columns without contacts); the column rules
are a list's; every refusal is 400 naming the field and stores nothing
(docs/api-rules.md, "Contact list templates")."""
import uuid

import pytest

from conftest import assert_error

TEMPLATES = "/api/v2/outbound/contactlisttemplates"


def template(name="Renewals template", **extra):
    body = {
        "name": name,
        "columnNames": ["Phone", "First", "Email", "Zip"],
        "phoneColumns": [{"columnName": "Phone", "type": "cell"}],
        "emailColumns": [{"columnName": "Email", "type": "work"}],
    }
    body.update(extra)
    return body


def count(api):
    r = api.get(TEMPLATES, params={"pageSize": 100})
    assert r.status_code == 200, r.text
    return r.json()["total"]


def create(api, body):
    r = api.post(TEMPLATES, json=body)
    assert r.status_code in (200, 201), r.text
    return r.json()


def test_create_get_list_update_delete(papi, profile_server):
    r = papi.post(TEMPLATES, json=template(columnNames=["phone", "First", "Email", "Zip"]))
    assert r.status_code in (200, 201), r.text
    t = r.json()
    if r.status_code == 201:
        assert r.headers["Location"] == f"{TEMPLATES}/{t['id']}"
    uuid.UUID(t["id"])
    assert t["selfUri"] == f"{TEMPLATES}/{t['id']}"
    assert t["version"] == 1
    assert t["dateCreated"].endswith("Z") and t["dateModified"] == t["dateCreated"]
    # A column reference is stored in the template's spelling.
    assert t["phoneColumns"] == [{"columnName": "phone", "type": "cell"}]
    assert t["trimWhitespace"] is True
    # Like the cloud's list answer: unset column fields answered empty.
    assert t["whatsAppColumns"] == [] and t["previewModeColumnName"] == ""
    for member in ("division", "importStatus", "size", "status", "dateExpiration"):
        assert member not in t
    assert [d["name"] for d in t["columnDefinitions"]] == ["phone", "First", "Email", "Zip"]

    got = papi.get(f"{TEMPLATES}/{t['id']}")
    assert got.status_code == 200 and got.json() == t

    page = papi.get(TEMPLATES).json()
    assert page["total"] == 1 and page["entities"] == [t]
    assert page["pageNumber"] == 1 and page["pageSize"] == 25

    # GET, modify, PUT the whole object; columns may change (no contacts).
    t["name"] = "Renamed"
    t["columnNames"] = ["phone", "First"]
    t["emailColumns"] = []
    t.pop("columnDefinitions")
    r = papi.put(f"{TEMPLATES}/{t['id']}", json=t)
    assert r.status_code == 200, r.text
    u = r.json()
    assert u["version"] == 2 and u["name"] == "Renamed"
    assert u["columnNames"] == ["phone", "First"] and u["emailColumns"] == []
    assert papi.get(f"{TEMPLATES}/{t['id']}").json() == u

    r = papi.delete(f"{TEMPLATES}/{t['id']}")
    assert r.status_code in (200, 204)
    assert_error(papi.get(f"{TEMPLATES}/{t['id']}"), 404, "not.found")
    assert_error(papi.delete(f"{TEMPLATES}/{t['id']}"), 404, "not.found")


def test_status_codes_follow_the_profile(make_server):
    for flags, created, deleted in ((("--rate-limit", "0"), 201, 204),
                                    (("--rate-limit", "0", "--profile", "genesys"), 200, 200)):
        api = make_server(*flags).session()
        r = api.post(TEMPLATES, json=template())
        assert r.status_code == created, r.text
        assert ("Location" in r.headers) == (created == 201)
        assert api.delete(f"{TEMPLATES}/{r.json()['id']}").status_code == deleted


@pytest.mark.parametrize("field,value,error_field,code", [
    ("id", "mine", "id", "invalid.value"),
    ("dateCreated", "2024-01-01T00:00:00.000Z", "dateCreated", "invalid.value"),
    ("selfUri", "/x", "selfUri", "invalid.value"),
    ("division", {"id": "x"}, "division", "invalid.property"),
    ("importStatus", {}, "importStatus", "invalid.property"),
    ("size", 3, "size", "invalid.property"),
    ("status", "ACTIVE", "status", "invalid.property"),
    ("columnName", ["a"], "columnName", "invalid.property"),
    ("name", "", "name", "invalid.value"),
    ("name", "   ", "name", "invalid.value"),
    ("name", "x" * 257, "name", "invalid.value"),
    ("name", "bad\u0007name", "name", "invalid.value"),
    ("name", 5, "name", "invalid.value"),
    ("columnNames", [], "columnNames", "invalid.value"),
    ("columnNames", "Phone", "columnNames", "invalid.value"),
    ("columnNames", ["Phone", "phone"], None, "invalid.value"),
    ("columnNames", ["Phone", "a\\b"], None, "invalid.value"),
    ("columnNames", ["Phone", "inin-outbound-id"], "columnNames[1]", "invalid.value"),
    ("columnNames", ["c%d" % i for i in range(51)], "columnNames", "invalid.value"),
    ("phoneColumns", [{"columnName": "Nope", "type": "cell"}], "phoneColumns[0].columnName",
     "invalid.value"),
    ("phoneColumns", [{"columnName": "Phone"}], "phoneColumns[0].type", "invalid.value"),
    ("emailColumns", [{"columnName": "Email", "type": "work", "x": 1}], None,
     "invalid.property"),
    ("previewModeColumnName", "Nope", "previewModeColumnName", "invalid.value"),
    ("zipCodeColumnName", "Zip", "zipCodeColumnName", "invalid.value"),
    ("automaticTimeZoneMapping", "yes", "automaticTimeZoneMapping", "invalid.value"),
    ("trimWhitespace", 1, "trimWhitespace", "invalid.value"),
    ("retentionDays", "ten", "retentionDays", "invalid.value"),
    ("columnDataTypeSpecifications", [{"columnName": "Zip", "columnDataType": "DATE"}],
     None, "invalid.value"),
    ("columnDataTypeSpecifications",
     [{"columnName": "Zip", "columnDataType": "NUMERIC", "min": 5, "max": 1}], None,
     "invalid.value"),
    ("columnDefinitions", [{"name": "Phone", "type": "fax"}], None, "invalid.value"),
])
def test_bad_fields_are_400_naming_them_and_store_nothing(api, field, value, error_field,
                                                          code):
    body = template()
    body[field] = value
    r = api.post(TEMPLATES, json=body)
    err = assert_error(r, 400, code, field=error_field)
    if error_field is None:
        assert field in err["message"], err["message"]
    assert count(api) == 0


def test_bad_bodies(api):
    assert_error(api.post(TEMPLATES, json=[template()]), 400, "bad.request")
    assert_error(api.post(TEMPLATES, data="{", headers={"Content-Type": "application/json"}),
                 400, "bad.request")
    assert api.post(TEMPLATES, data="{}", headers={"Content-Type": "text/plain"}).status_code == 415
    missing = template()
    del missing["name"]
    assert_error(api.post(TEMPLATES, json=missing), 400, "invalid.value", field="name")
    missing = template()
    del missing["columnNames"]
    assert_error(api.post(TEMPLATES, json=missing), 400, "invalid.value", field="columnNames")
    assert count(api) == 0


def test_names_are_unique_case_insensitively_per_org(api, server):
    create(api, template("Spring"))
    assert_error(api.post(TEMPLATES, json=template("SPRING")), 409, "general.conflict",
                 field="name")
    # A list of the same name is another resource.
    r = api.post("/api/v2/outbound/contactlists", json=template("Spring"))
    assert r.status_code == 201, r.text
    # Another organization has its own names and never sees these.
    other = server.session()
    create(other, template("Spring"))
    assert count(other) == 1 and count(api) == 1


def test_update_rules(api):
    t = create(api, template())
    path = f"{TEMPLATES}/{t['id']}"
    body = dict(t, name="New")
    del body["version"]
    assert_error(api.put(path, json=body), 400, "invalid.value", field="version")
    assert_error(api.put(path, json=dict(t, version=7)), 409, "general.conflict",
                 field="version", contains="does not match the current version")
    assert_error(api.put(path, json=dict(t, id=str(uuid.uuid4()))), 400, "invalid.value",
                 field="id")
    assert_error(api.put(path, json=dict(t, columnNames=["Phone"])), 400, "invalid.value",
                 field="emailColumns[0].columnName")
    assert_error(api.put(path, json=dict(t, status="ACTIVE")), 400, "invalid.property",
                 field="status")
    other = create(api, template("Other"))
    assert_error(api.put(path, json=dict(t, name="other")), 409, "general.conflict",
                 field="name")
    assert api.get(path).json() == t  # nothing changed
    # A PUT that leaves column fields out keeps them.
    r = api.put(path, json={"name": "Kept", "version": 1})
    assert r.status_code == 200, r.text
    assert r.json()["columnNames"] == t["columnNames"]
    assert r.json()["phoneColumns"] == t["phoneColumns"]
    assert_error(api.put(f"{TEMPLATES}/{other['id']}x", json=other), 404, "not.found")


def test_bulk_add_is_all_or_nothing(papi):
    r = papi.post(f"{TEMPLATES}/bulk/add", json=[template("A"), template("B")])
    assert r.status_code == 200, r.text
    page = r.json()
    assert [e["name"] for e in page["entities"]] == ["A", "B"]
    assert page["total"] == 2
    assert all(e["version"] == 1 for e in page["entities"])
    assert count(papi) == 2

    bad = template("D", phoneColumns=[{"columnName": "Nope", "type": "cell"}])
    err = assert_error(papi.post(f"{TEMPLATES}/bulk/add", json=[template("C"), bad]), 400,
                       "invalid.value", field="[1].phoneColumns[0].columnName")
    assert err["message"].startswith("[1]: ")
    # A name taken by a stored template, or twice in the batch.
    assert_error(papi.post(f"{TEMPLATES}/bulk/add", json=[template("C"), template("a")]), 409,
                 "general.conflict", field="[1].name")
    assert_error(papi.post(f"{TEMPLATES}/bulk/add", json=[template("E"), template("e")]), 409,
                 "general.conflict", field="[1].name")
    assert_error(papi.post(f"{TEMPLATES}/bulk/add", json=[]), 400, "invalid.value")
    assert_error(papi.post(f"{TEMPLATES}/bulk/add", json=template("F")), 400, "invalid.value")
    assert_error(papi.post(f"{TEMPLATES}/bulk/add",
                           json=[template("G%d" % i) for i in range(101)]), 400,
                 "invalid.value")
    assert_error(papi.post(f"{TEMPLATES}/bulk/add", json=[template("H"), 5]), 400,
                 "bad.request", contains="[1]")
    assert count(papi) == 2


def test_bulk_retrieve(api, server):
    a = create(api, template("A"))
    b = create(api, template("B"))
    foreign = create(server.session(), template("X"))
    r = api.post(f"{TEMPLATES}/bulk/retrieve",
                 json={"ids": [b["id"], str(uuid.uuid4()), a["id"], foreign["id"]]})
    assert r.status_code == 200, r.text
    assert [e["id"] for e in r.json()["entities"]] == [b["id"], a["id"]]
    assert r.json()["entities"][0] == b
    assert_error(api.post(f"{TEMPLATES}/bulk/retrieve", json={}), 400, "invalid.value",
                 field="ids")
    assert_error(api.post(f"{TEMPLATES}/bulk/retrieve", json={"ids": []}), 400,
                 "invalid.value", field="ids")
    assert_error(api.post(f"{TEMPLATES}/bulk/retrieve", json={"ids": "a"}), 400,
                 "invalid.value", field="ids")
    assert_error(api.post(f"{TEMPLATES}/bulk/retrieve", json={"ids": [a["id"], 3]}), 400,
                 "invalid.value", field="ids[1]")
    assert_error(api.post(f"{TEMPLATES}/bulk/retrieve", json={"ids": ["x"] * 101}), 400,
                 "invalid.value", field="ids")
    assert_error(api.post(f"{TEMPLATES}/bulk/retrieve", json={"ids": [a["id"]], "id": 1}),
                 400, "invalid.property", field="id")
    assert_error(api.post(f"{TEMPLATES}/bulk/retrieve", json=[a["id"]]), 400, "bad.request")


def test_bulk_delete_is_all_or_nothing(api, server):
    a = create(api, template("A"))
    b = create(api, template("B"))
    foreign = create(server.session(), template("X"))
    assert_error(api.delete(TEMPLATES, params={"id": f"{a['id']},{foreign['id']}"}), 404,
                 "not.found", contains=foreign["id"])
    assert count(api) == 2
    assert_error(api.delete(TEMPLATES), 400, "invalid.value", field="id")
    r = api.delete(f"{TEMPLATES}?id={a['id']}&id={b['id']}")
    assert r.status_code == 204, r.text
    assert count(api) == 0


def test_listing_filter_sort_and_paging(api):
    for name in ("beta", "Alpha", "gamma", "alps"):
        create(api, template(name))
    page = api.get(TEMPLATES, params={"name": "al"}).json()
    assert [e["name"] for e in page["entities"]] == ["Alpha", "alps"]
    page = api.get(TEMPLATES, params={"sortOrder": "descending", "pageSize": 2}).json()
    assert [e["name"] for e in page["entities"]] == ["gamma", "beta"]
    assert page["pageCount"] == 2 and "nextUri" in page
    page = api.get(TEMPLATES, params={"filterType": "Equals", "name": "BETA"}).json()
    assert [e["name"] for e in page["entities"]] == ["beta"]
    page = api.get(TEMPLATES, params={"filterType": "RegEx", "name": "a.*s"}).json()
    assert [e["name"] for e in page["entities"]] == ["alps"]
    assert_error(api.get(TEMPLATES, params={"pageNumber": 9}), 400, "invalid.value",
                 field="pageNumber")
    assert api.get(TEMPLATES, params={"pageNumber": 9, "allowEmptyResult": "true"}).json()[
        "entities"] == []
    assert_error(api.get(TEMPLATES, params={"pageSize": 101}), 400, "invalid.value")
    assert_error(api.get(TEMPLATES, params={"sortBy": "size"}), 400, "invalid.value")
    assert_error(api.get(TEMPLATES, params={"timeZone": "UTC"}), 400, "invalid.value",
                 contains="timeZone")
    assert_error(api.get(TEMPLATES, params={"includeSize": "true"}), 400, "invalid.value",
                 contains="includeSize")


def test_permissions(server):
    viewer = server.session(grant="outbound:contactListTemplate:view")
    assert viewer.get(TEMPLATES).status_code == 200
    err = assert_error(viewer.post(TEMPLATES, json=template()), 403, "missing.permissions")
    assert "outbound:contactListTemplate:add" in err["message"]
    lists_only = server.session(grant="outbound:contactList:*")
    err = assert_error(lists_only.get(TEMPLATES), 403, "missing.permissions")
    assert "outbound:contactListTemplate:view" in err["message"]
    editor = server.session(grant="outbound:contactListTemplate:*")
    t = create(editor, template())
    assert editor.put(f"{TEMPLATES}/{t['id']}", json=t).status_code == 200
    assert editor.delete(f"{TEMPLATES}/{t['id']}").status_code == 204
    readonly = server.session(grant="outbound:readonly")
    assert readonly.get(TEMPLATES).status_code == 200
    assert_error(readonly.delete(TEMPLATES, params={"id": "x"}), 403, "missing.permissions")


def test_the_api_document_describes_templates(server):
    import requests
    doc = requests.get(server.base + "/api/v2/docs/openapi.json").json()
    schema = doc["components"]["schemas"]["ContactListTemplate"]
    assert "columnNames" in schema["properties"] and "division" not in schema["properties"]
    for path in (TEMPLATES, TEMPLATES + "/bulk/add", TEMPLATES + "/bulk/retrieve",
                 TEMPLATES + "/{contactListTemplateId}"):
        assert path in doc["paths"], path


def test_an_org_holds_at_most_1000_templates(api):
    for batch in range(10):
        r = api.post(f"{TEMPLATES}/bulk/add",
                     json=[{"name": f"t{batch}-{i}", "columnNames": ["a"]} for i in range(100)])
        assert r.status_code == 200, r.text
    err = assert_error(api.post(TEMPLATES, json=template("one more")), 400,
                       "max.entity.count.reached")
    assert err["limit"]["value"] == 1000
    assert_error(api.post(f"{TEMPLATES}/bulk/add", json=[template("x")]), 400,
                 "max.entity.count.reached")
    assert count(api) == 1000
    # Lists are counted apart.
    assert api.post("/api/v2/outbound/contactlists", json=template("a list")).status_code == 201

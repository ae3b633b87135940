"""Data is never silently changed (issue 9, item 7): a CSV value with a NUL
byte was stored cut short with failedRecords 0; now the row is rejected
with a reason and nothing of it is stored."""
import time

from conftest import LISTS


def test_a_nul_in_a_csv_value_rejects_the_row(api):
    lid = api.post(LISTS, json={"name": "nul", "columnDefinitions": [
        {"name": "id"}, {"name": "phone", "type": "phone"}, {"name": "note"}]}).json()["id"]
    data = b"id,phone,note\n1,+15551234567,a\x00b\n2,+15551234568,fine\n"
    r = api.post("/uploads/v2/contactlist", files={
        "id": (None, lid), "fileType": (None, "contactlist"), "contact-id-name": (None, "id"),
        "file": ("c.csv", data, "text/csv")})
    assert r.status_code == 200, r.text
    deadline = time.time() + 20
    while (st := api.get(f"{LISTS}/{lid}/importstatus").json()).get("state") == "IN_PROGRESS":
        assert time.time() < deadline
        time.sleep(0.05)
    assert st["failedRecords"] == 1, st
    assert b"NUL byte" in api.get(st["rejectedRowsUri"]).content
    assert api.get(f"{LISTS}/{lid}/contacts/1").status_code == 404
    assert api.get(f"{LISTS}/{lid}/contacts/2").json()["data"]["note"] == "fine"

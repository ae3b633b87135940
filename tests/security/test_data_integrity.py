"""Data is never silently changed (issue 9, item 7): a CSV value with a NUL
byte was stored cut short with failedRecords 0; now the row is rejected
with a reason and nothing of it is stored."""
from conftest import LISTS, upload, wait_import


def test_a_nul_in_a_csv_value_rejects_the_row(api):
    lid = api.post(LISTS, json={"name": "nul", "columnDefinitions": [
        {"name": "id"}, {"name": "phone", "type": "phone"}, {"name": "note"}]}).json()["id"]
    data = b"id,phone,note\n1,+15551234567,a\x00b\n2,+15551234568,fine\n"
    upload(api, lid, data)
    st = wait_import(api, lid)
    assert st["failedRecords"] == 1, st
    assert b"NUL byte" in api.get(st["rejectedRowsUri"]).content
    assert api.get(f"{LISTS}/{lid}/contacts/1").status_code == 404
    assert api.get(f"{LISTS}/{lid}/contacts/2").json()["data"]["note"] == "fine"

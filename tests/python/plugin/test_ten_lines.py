from pytest import raises
from dialbook import Error, upload, wait_import


def test_a_429_and_an_import_failing_at_40_percent(dialbook, tmp_path):
    s, lists = dialbook.session, "/api/v2/outbound/contactlists"
    list_id = s.post(lists, json={"name": "calls", "columnNames": ["phone"]}).json()["id"]
    dialbook.faults.add(preset="429", method="GET", path=lists + "/*", times=1)
    assert [s.get(f"{lists}/{list_id}").status_code for _ in "ab"] == [429, 200]
    dialbook.imports.manual(list_id, fail_at_percent=40, failure_reason="CONTACT_COLUMNS_LIMIT_EXCEEDED")
    (tmp_path / "c.csv").write_text("phone\n" + "".join(f"+1555000000{i}\n" for i in range(10)))
    upload(s, list_id, tmp_path / "c.csv", wait=False)
    assert dialbook.imports.advance(list_id, 3, wait=True)["percentComplete"] == 30
    dialbook.imports.advance(list_id, 5)
    with raises(Error, match="CONTACT_COLUMNS_LIMIT_EXCEEDED"):
        wait_import(s, list_id)
    assert [e["status"] for e in dialbook.journal(method="GET", path_prefix=f"{lists}/{list_id}")][:2] == [429, 200]

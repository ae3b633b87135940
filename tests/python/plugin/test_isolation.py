"""The `dialbook` fixture resets the shared server before each test: what one
test leaves (lists, fault rules, the journal) the next does not see."""
LISTS = "/api/v2/outbound/contactlists"


def test_leaves_a_list_a_rule_and_requests_behind(dialbook):
    assert dialbook.session.post(LISTS, json={"name": "left", "columnNames": ["a"]}).ok
    dialbook.faults.add(preset="503", path="/api/v2/downloads/*")
    assert dialbook.journal()


def test_sees_none_of_it(dialbook, dialbook_server):
    assert dialbook is dialbook_server
    assert dialbook.session.get(LISTS).json()["total"] == 0
    assert dialbook.faults.list() == []
    assert [e["path"] for e in dialbook.journal()] == [LISTS]

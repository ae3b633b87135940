"""The dialbook Python package's own tests: it is imported from the tree
(python/), and its Server runs the dialbookd of $DIALBOOKD (scripts/run-tests
sets it for each build), its validate() the libdialbook of $LIBDIALBOOK."""
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "python"))

import dialbook  # noqa: E402

LISTS = "/api/v2/outbound/contactlists"
# Files run by test_plugin.py with `-p dialbook.pytest_plugin`, as a user would.
collect_ignore = ["plugin"]
# --control-api: on once dialbookd has it (issue 12 item 1).
CONTROL = True


def server(**kwargs):
    """A dialbook.Server as these tests start it."""
    kwargs.setdefault("control_api", CONTROL)
    return dialbook.Server(**kwargs)


@pytest.fixture(scope="session")
def srv():
    """One server for the module's tests; each test makes lists of its own."""
    with server() as s:
        yield s


def make_list(session, name=None, id_column=True):
    columns = [{"name": "phone", "type": "phone", "required": True},
               {"name": "email", "type": "email", "required": False}]
    if id_column:
        columns.insert(0, {"name": "id"})
    name = name or "list " + os.urandom(6).hex()
    r = session.post(LISTS, json={"name": name, "columnDefinitions": columns})
    assert r.status_code == 201, r.text
    return r.json()["id"]

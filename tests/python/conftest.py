"""The dialbook Python package's own tests: it is imported from the tree
(python/), and its Server runs the dialbookd of $DIALBOOKD (scripts/run-tests
sets it for each build), its validate() the libdialbook of $LIBDIALBOOK."""
import os
import subprocess
import sys
import urllib.parse
import uuid

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "python"))

import dialbook  # noqa: E402

LISTS = "/api/v2/outbound/contactlists"
# Files run by test_plugin.py with `-p dialbook.pytest_plugin`, as a user would.
collect_ignore = ["plugin"]
# --control-api: on once dialbookd has it (issue 12 item 1).
CONTROL = True


# With $DIALBOOK_TEST_PG (a libpq URI of a PostgreSQL server where the
# tests may create databases) every server gets a fresh database there.
PG_SERVER = os.environ.get("DIALBOOK_TEST_PG", "")


def pg_database():
    name = "dialbook_" + uuid.uuid4().hex[:16]
    subprocess.run(["psql", PG_SERVER, "-v", "ON_ERROR_STOP=1", "-qAtc",
                    f"CREATE DATABASE {name}"], check=True, capture_output=True, timeout=60)
    return urllib.parse.urlsplit(PG_SERVER)._replace(path="/" + name).geturl()


def server(**kwargs):
    """A dialbook.Server as these tests start it."""
    kwargs.setdefault("control_api", CONTROL)
    if PG_SERVER and "db" not in kwargs:
        kwargs["db"] = pg_database()
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

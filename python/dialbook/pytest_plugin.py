"""pytest fixtures for tests against dialbookd: enable with
`pytest -p dialbook.pytest_plugin` (or `pytest_plugins = ["dialbook.pytest_plugin"]`
in a conftest.py).

dialbook_server  one dialbook.Server for the whole test session
dialbook         the same server, reset before each test (no lists, no fault
                 rules, no journal left over from another test)
"""
import pytest

from .server import Server


def pytest_addoption(parser):
    group = parser.getgroup("dialbook")
    group.addoption("--dialbookd", default=None,
                    help="the dialbookd to run (default: $DIALBOOKD, the build tree, PATH)")


@pytest.fixture(scope="session")
def dialbook_server(request):
    """A running dialbook.Server, shared by the session's tests."""
    srv = Server(binary=request.config.getoption("--dialbookd"))
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def dialbook(dialbook_server, request):
    """The session's server, reset to its first state (the development client
    kept) before the test. A failing test's report shows what the server
    logged during it."""
    dialbook_server.reset()
    request.node._dialbook_log = (dialbook_server, len(dialbook_server.log_text()))
    yield dialbook_server


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    held = getattr(item, "_dialbook_log", None)
    if held and report.failed and report.when == "call":
        srv, start = held
        report.sections.append(("dialbookd log", srv.log_text()[start:][-20000:]))

"""dialbook: test and script against dialbookd (or the Genesys Cloud
contact-list API) from Python.

    import dialbook
    with dialbook.Server() as srv:                      # a dialbookd of one's own
        lists = srv.session.get("/api/v2/outbound/contactlists").json()

Server         starts dialbookd on a free port with a temporary database
Session        a requests.Session that gets and renews an OAuth token
load_env       var/dev-client.env into a dict and os.environ
upload, export a contact file in (import watched, rejected rows fetched), a list out
validate       the CLI's and the server's checks of a file or DataFrame (libdialbook)
Error          the one exception type, with the ErrorBody fields
pytest_plugin  fixtures dialbook_server and dialbook (-p dialbook.pytest_plugin)

docs/python.md in the repository walks through it all.
"""
from .env import find_env, load_env, read_env
from .errors import Error, check
from .server import Server, find_dialbookd
from .session import Session
from .transfer import ImportResult, export, import_status, rejected_rows, upload, wait_import
from .validation import Problem, Report, load_library, validate

__all__ = ["Error", "ImportResult", "Problem", "Report", "Server", "Session", "check", "export",
           "find_dialbookd", "find_env", "import_status", "load_env", "load_library",
           "read_env", "rejected_rows", "upload", "validate", "wait_import"]
__version__ = "0.1.0"


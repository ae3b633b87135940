"""The security suite (issue 9) runs on the API suite's harness: the real
dialbookd on a free port (tests/api/conftest.py, loaded under another name
so the two conftest modules do not collide). Each test is bounded in time."""
import importlib.util
import os
import sys

_path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "api",
                     "conftest.py")
_spec = importlib.util.spec_from_file_location("api_harness", _path)
api_harness = importlib.util.module_from_spec(_spec)
sys.modules["api_harness"] = api_harness
_spec.loader.exec_module(api_harness)

# Fixtures and helpers of the API suite.
from api_harness import (LISTS, Api, Server, api, assert_error, make_server,  # noqa: E402,F401
                         run_cli, server, upload, wait_import)

# Issue 9: resident memory stays under 256 MiB through the whole suite; the
# sanitizer build's shadow memory is not the server's, so it gets more room.
api_harness.Server.max_peak_rss_mib = 1024 if "asan" in api_harness.BINARY else 256

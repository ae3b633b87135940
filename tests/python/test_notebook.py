"""examples/contact-list.ipynb, run top to bottom by Debian's nbconvert
against a server of its own, as a user runs it: from a directory where
dialbook.load_env() finds var/dev-client.env."""
import json
import os
import shutil
import subprocess
import sys

import nbformat

from conftest import ROOT, server

NOTEBOOK = os.path.join(ROOT, "examples", "contact-list.ipynb")


def outputs(nb):
    text = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text.append(out.get("text", "") + json.dumps(out.get("data", {})))
    return "\n".join(text)


def test_the_notebook_is_committed_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert all(not c.get("outputs") and not c.get("execution_count")
               for c in nb.cells if c.cell_type == "code")


def test_the_notebook_runs_top_to_bottom(tmp_path):
    with server() as srv:
        (tmp_path / "var").mkdir()
        shutil.copy(srv.env_path, tmp_path / "var" / "dev-client.env")
        shutil.copy(NOTEBOOK, tmp_path / "contact-list.ipynb")
        env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"),
                   PYDEVD_DISABLE_FILE_VALIDATION="1")
        for name in ("DIALBOOK_BASE_URL", "DIALBOOK_CLIENT_ID", "DIALBOOK_CLIENT_SECRET"):
            env.pop(name, None)  # a kernel that did not inherit the shell's variables
        run = subprocess.run(
            [sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute",
             "--ExecutePreprocessor.timeout=300", "--output", "executed.ipynb",
             str(tmp_path / "contact-list.ipynb")],
            capture_output=True, text=True, env=env, timeout=600)
        assert run.returncode == 0, run.stderr[-5000:]
        executed = nbformat.read(tmp_path / "executed.ipynb", as_version=4)
        text = outputs(executed)
        assert srv.base_url in text  # it talked to this server
        assert "INVALID_VALUE" in text and "contactListId is assigned by the server" in text
        assert "looks rewritten by a spreadsheet or pandas" in text
        assert "<table>" in text  # the report as a table
        assert "5 rows read, 1 rejected" in text
        assert (tmp_path / "exported.csv").read_bytes().startswith(b"\xef\xbb\xbf")
        assert [e["status"] for e in srv.journal(method="POST", path_prefix="/uploads/")] == [200]

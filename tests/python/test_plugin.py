"""dialbook.pytest_plugin as a user enables it (`pytest -p dialbook.pytest_plugin`),
on the files in plugin/ (kept out of this suite's own collection)."""
import os
import subprocess
import sys

from conftest import ROOT

HERE = os.path.dirname(os.path.abspath(__file__))


def run_pytest(*args):
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"), PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-p", "dialbook.pytest_plugin", *args], capture_output=True, text=True,
                          cwd=HERE, env=env, timeout=300)


def test_the_ten_line_file_of_issue_12():
    path = os.path.join(HERE, "plugin", "test_ten_lines.py")
    with open(path) as f:
        body = [line for line in f.read().splitlines()[4:] if line.strip()]
    assert len(body) <= 13  # the test itself: a def and ten lines or so
    out = run_pytest("plugin/test_ten_lines.py")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1 passed" in out.stdout


def test_the_dialbook_fixture_resets_between_tests():
    out = run_pytest("plugin/test_isolation.py")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "2 passed" in out.stdout


def test_a_failing_assertion_in_a_plugin_test_fails_the_run(tmp_path):
    (tmp_path / "test_fails.py").write_text(
        "def test_no_429(dialbook):\n"
        "    dialbook.faults.add(preset='429', path='/api/v2/outbound/contactlists')\n"
        "    assert dialbook.session.get('/api/v2/outbound/contactlists').ok\n")
    out = run_pytest(str(tmp_path / "test_fails.py"))
    assert out.returncode == 1, out.stdout + out.stderr
    assert "1 failed" in out.stdout and "assert False" in out.stdout
    # The report shows what the server logged during the test.
    assert "dialbookd log" in out.stdout
    assert "status=429" in out.stdout or "429" in out.stdout.split("dialbookd log", 1)[1]


def test_a_dialbookd_flag_the_plugin_passes_on(tmp_path):
    (tmp_path / "test_which.py").write_text(
        "def test_which(dialbook_server):\n"
        "    assert dialbook_server.binary == " + repr(os.environ.get("DIALBOOKD", "x")) + "\n")
    out = run_pytest("--dialbookd", os.environ.get("DIALBOOKD", "x"), str(tmp_path / "test_which.py"))
    assert out.returncode == 0, out.stdout + out.stderr

"""README.md's walkthroughs as a person follows them: the fenced blocks
marked `<!-- walkthrough -->` (the API with curl) run in order in one shell,
those marked `<!-- walkthrough: cli -->` (the CLI, no curl) in another,
each from a stand-in for the repository (var/dev-client.env of a server of
our own, build/ the build under test); then the Python snippet. The report
the README shows is the one printed, and nothing is left in the
repository."""
import os
import re
import subprocess

from conftest import BINARY, SANITIZER_MARKS

BUILD = os.path.dirname(os.path.abspath(BINARY))
README = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "README.md")


def blocks(marker):
    text = open(README).read()
    return re.findall(rf"^<!-- {re.escape(marker)} -->\n```\w+\n(.*?)^```$", text, re.M | re.S)


def shown_report():
    """The report the README shows after the CLI walkthrough."""
    text = open(README).read()
    m = re.search(r"exits 0 only when the file would import with no\nrejected row:\n\n```\n"
                  r"(.*?)^```$", text, re.M | re.S)
    assert m, "the README's validate report is gone"
    return m.group(1).splitlines()


def repository(make_server, tmp_path):
    """A directory laid out as the repository is after `make run`."""
    repo = tmp_path / "repo"
    (repo / "var").mkdir(parents=True)
    os.symlink(BUILD, repo / "build")
    make_server("--dev-client-file", str(repo / "var" / "dev-client.env"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIALBOOK_")}
    (tmp_path / "home").mkdir()
    (tmp_path / "scratch").mkdir()
    env.update(HOME=str(tmp_path / "home"), TMPDIR=str(tmp_path / "scratch"))
    env.pop("XDG_CONFIG_HOME", None)
    return repo, env


def run_blocks(marker, make_server, tmp_path):
    """The marked blocks in one bash -e; (its stdout, the scratch directory)."""
    repo, env = repository(make_server, tmp_path)
    script = blocks(marker)
    assert script, marker
    proc = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", "\n".join(script)], cwd=repo,
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for mark in SANITIZER_MARKS:
        assert mark not in proc.stderr, proc.stderr
    # Nothing landed in the repository; the files are in one scratch directory.
    assert sorted(os.listdir(repo)) == ["build", "var"]
    assert os.listdir(repo / "var") == ["dev-client.env"]
    [scratch] = os.listdir(tmp_path / "scratch")
    return proc.stdout, tmp_path / "scratch" / scratch


def test_the_api_walkthrough_runs_as_written(make_server, tmp_path):
    out, scratch = run_blocks("walkthrough", make_server, tmp_path)
    assert len(blocks("walkthrough")) >= 5
    # The refused contactListId, then the list created and changed.
    assert '"fieldName":"contactListId"' in out and "HTTP/1.1 201" in out
    assert '"version":2' in out.replace(" ", "")
    # The upload: one row imported, one rejected, its rows downloadable.
    assert '"failedRecords":1' in out.replace(" ", "") and "rejectedRowsUri" in out
    assert {"list.json", "contacts.csv"} <= set(os.listdir(scratch))


def test_the_cli_walkthrough_runs_as_written_with_no_curl(make_server, tmp_path):
    assert not any("curl" in b for b in blocks("walkthrough: cli"))
    out, scratch = run_blocks("walkthrough: cli", make_server, tmp_path)
    # The validate report as the README shows it (before the list exists).
    assert "\n".join(shown_report()) in out, out
    # Imported, rejected rows downloaded, renamed, exported.
    assert "imported 2 of 4 rows; 2 rejected" in out and "rejected rows written to" in out
    assert re.search(r"^[0-9a-f-]{36} version 2$", out, re.M)
    assert "exported to exported.csv" in out
    assert {"contacts.csv", "columns.json", "rejected.csv", "exported.csv"} <= set(
        os.listdir(scratch))
    rejected = open(scratch / "rejected.csv").read()
    assert rejected.startswith("line,column,reason,") and '"12ab"' in rejected


def test_the_python_snippet_checks_status_codes(make_server, tmp_path):
    repo, env = repository(make_server, tmp_path)
    [snippet] = blocks("walkthrough: python")
    for line in open(repo / "var" / "dev-client.env"):
        if "=" in line and not line.startswith("#"):
            key, value = line.strip().split("=", 1)
            env[key] = value
    run = lambda: subprocess.run(["/usr/bin/python3", "-c", snippet], cwd=tmp_path, env=env,
                                 capture_output=True, text=True, timeout=60)
    first = run()
    assert first.returncode == 0, first.stderr
    assert re.fullmatch(r"201 [0-9a-f-]{36}\n2\n", first.stdout)
    again = run()  # the new name is taken now: said, not a KeyError
    assert again.returncode == 1 and "Traceback" not in again.stderr
    assert again.stderr.startswith("not changed: 409 ") and "already exists" in again.stderr

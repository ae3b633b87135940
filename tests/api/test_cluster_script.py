"""scripts/cluster's bad input: each wrong invocation exits 2 with one line
saying what, before anything is started (tests/cluster runs a real one)."""
import os
import subprocess

import pytest

from conftest import ROOT

SCRIPT = os.path.join(ROOT, "scripts", "cluster")


def run(*args):
    return subprocess.run([SCRIPT, *args], capture_output=True, text=True, timeout=30,
                          env={**os.environ, "DIALBOOKD": "/nonexistent/dialbookd"})


@pytest.mark.parametrize("args, says", [
    (["start", "--servers", "0"], "--servers wants a number from 1 to 32, got 0"),
    (["start", "--servers", "33"], "--servers wants a number from 1 to 32, got 33"),
    (["start", "--servers", "x1"], "--servers wants a number from 1 to 32, got x1"),
    (["start", "--servers"], "--servers wants a number"),
    (["start", "--port", "70000"], "--port wants a port number from 1 to 65535, got 70000"),
    (["start", "--port", "-1"], "--port wants a port number from 1 to 65535, got -1"),
    (["start", "--bogus"], "unknown argument --bogus"),
    (["stop"], "stop wants the DIR that start printed"),
    (["stop", "/nonexistent/dir"], "/nonexistent/dir is not a directory of cluster start"),
])
def test_bad_invocations_exit_2_with_one_line(args, says):
    r = run(*args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert says in r.stderr, r.stderr
    assert r.stdout == ""


def test_a_missing_binary_is_named_before_anything_starts():
    r = run("start", "--servers", "1", "--port", "18999")
    assert r.returncode == 2 and "DIALBOOKD=/nonexistent/dialbookd is not an executable" in r.stderr


def test_no_command_prints_the_usage():
    r = run()
    assert r.returncode == 2 and "usage: cluster start" in r.stderr

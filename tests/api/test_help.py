"""Help texts that cannot drift from the flags: every getopt_long option
table (src/server/serve.c, src/server/admin.c, cli/*.c) against the
--help of its command, both ways; `lists --help` against what `lists ls`
prints; each `lists ACTION --help` about that action only."""
import os
import re
import subprocess

import pytest

from conftest import BINARY

BUILD = os.path.dirname(os.path.abspath(BINARY))
CLI = os.path.join(BUILD, "dialbook")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Each source file's table, and the commands whose help (together) tells it.
TABLES = {
    "src/server/serve.c": [[BINARY, "--help"]],
    "src/server/admin.c": [[BINARY, "org", "--help"], [BINARY, "client", "--help"]],
    "src/server/backup.c": [[BINARY, "backup", "--help"], [BINARY, "restore", "--help"]],
    "cli/cmd_validate.c": [[CLI, "validate", "--help"]],
    "cli/cmd_login.c": [[CLI, "login", "--help"]],
    "cli/cmd_lists.c": [[CLI, "lists", "--help"]],
    "cli/cmd_contacts.c": [[CLI, "contacts", "--help"]],
    "cli/cmd_download.c": [[CLI, "download", "--help"]],
}
TARGET_OPTIONS = ["base-url", "region", "client-id", "client-secret"]  # cli.h


def table_flags(path):
    """The long options of the file's `struct option` table."""
    text = open(os.path.join(ROOT, path)).read()
    table = re.search(r"struct option \w+\[\] = \{(.*?)\{NULL, 0, NULL, 0\}", text, re.S)
    assert table, f"no option table in {path}"
    flags = set(re.findall(r'\{\s*"([a-z][a-z-]*)",\s*(?:no|required|optional)_argument',
                           table.group(1)))
    if "CLI_TARGET_OPTIONS" in table.group(1):
        flags |= set(TARGET_OPTIONS)
    return flags


def help_text(commands):
    out = ""
    for cmd in commands:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        assert proc.returncode == 0 and proc.stderr == "", (cmd, proc.stderr)
        out += proc.stdout
    return out


@pytest.mark.parametrize("path", sorted(TABLES))
def test_every_flag_is_in_the_help_and_every_flag_of_the_help_exists(path):
    flags = table_flags(path)
    text = help_text(TABLES[path])
    helped = set(re.findall(r"(?<![\w-])--([a-z][a-z-]*[a-z])", text))
    assert flags - helped == set(), f"{path}: flags missing from the help"
    assert helped - flags == set(), f"{path}: the help names flags the command lacks"


def test_the_top_level_help_lists_every_command():
    text = help_text([[CLI, "--help"]])
    main = open(os.path.join(ROOT, "cli", "main.c")).read()
    commands = re.findall(r'\{"([a-z]+)", cmd_\w+\}', main)
    assert len(commands) >= 5
    for name in commands:
        assert re.search(rf"^  {name} ", text, re.M), name


def test_lists_help_says_what_ls_prints(server, tmp_path):
    c = server.client()
    env = {"DIALBOOK_BASE_URL": server.base, "DIALBOOK_CLIENT_ID": c["client_id"],
           "DIALBOOK_CLIENT_SECRET": c["client_secret"], "HOME": str(tmp_path)}
    lid = subprocess.run([CLI, "lists", "create", "--name", "help check", "--column", "a"],
                         capture_output=True, text=True, env=env, check=True).stdout.strip()
    out = subprocess.run([CLI, "lists", "ls"], capture_output=True, text=True, env=env,
                         check=True).stdout
    assert out == f"{lid}\thelp check\n"
    for action in ("lists", "ls"):
        args = [CLI, "lists", "--help"] if action == "lists" else [CLI, "lists", "ls", "--help"]
        assert "its id, a tab, its name" in help_text([args])


@pytest.mark.parametrize("group, action", [
    ("lists", "create"), ("lists", "get"), ("lists", "ls"), ("lists", "update"), ("lists", "rm"),
    ("contacts", "add"), ("contacts", "get"), ("contacts", "rm"), ("contacts", "import"),
    ("contacts", "export")])
def test_an_actions_help_is_that_actions_only(group, action):
    text = help_text([[CLI, group, action, "--help"]])
    usages = re.findall(rf"dialbook {group} (\w+)", text.split("\n\n")[0])
    assert usages and set(usages) == {action}, text
    assert "exit status:" in text

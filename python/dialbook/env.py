"""dialbook.load_env: the development client's credentials for a process that
did not inherit the shell's variables (a notebook kernel, an IDE runner).

`dialbookd --dev-client-file var/dev-client.env` (what `make run` does)
writes lines `NAME=value`, with `#` comments.
"""
import os
import re

from .errors import Error, bad_argument

DEFAULT = os.path.join("var", "dev-client.env")
_LINE = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$")


def find_env(start=None):
    """The nearest var/dev-client.env from start (default: the cwd) upwards, or None."""
    here = os.path.abspath(start or os.getcwd())
    while True:
        candidate = os.path.join(here, DEFAULT)
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def _unquote(value):
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def load_env(path=None, override=True):
    """Reads an env file into a dict {NAME: value} and into os.environ.

    path: the file; None looks for var/dev-client.env from the current
    directory upwards. override=False keeps variables already set.
    Raises dialbook.Error naming the file and line when it cannot be read or
    a line is not NAME=value.
    """
    values = read_env(path)
    for name, value in values.items():
        if override or name not in os.environ:
            os.environ[name] = value
    return values


def read_env(path=None):
    """load_env without touching os.environ: the file's {NAME: value}."""
    if path is None:
        path = find_env()
        if path is None:
            raise Error(f"no {DEFAULT} in {os.getcwd()} or any directory above it: start "
                        "dialbookd with --dev-client-file (make run does) or give the path",
                        code="env.not_found")
    elif not isinstance(path, (str, os.PathLike)):
        raise bad_argument(f"load_env: path must be a file name, not {type(path).__name__}")
    path = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise Error(f"{path}: cannot read: {e}", code="env.unreadable") from e
    values = {}
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        m = _LINE.match(text)
        if not m:
            raise Error(f"{path}:{number}: not NAME=value: {text[:80]!r}", code="env.invalid")
        values[m.group(1)] = _unquote(m.group(2))
    return values

"""dialbook.validate: a contact file (or a pandas DataFrame) checked against a
contact list's columns by libdialbook (dialbook_validate_*, through ctypes):
the very checks of `dialbook validate` and of dialbookd's import, so a file
it passes is one the server imports without a rejected row.

libdialbook.so is found at $LIBDIALBOOK, else in the build tree the package
sits in (<repo>/build), else where `make install` put it, else the system's.
"""
import ctypes
import ctypes.util
import html
import io
import json
import os
import threading

from .errors import Error, bad_argument

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
TREE = os.path.dirname(os.path.dirname(PACKAGE_DIR))
DEFAULT_MAX_PROBLEMS = 10000


class _Problem(ctypes.Structure):
    _fields_ = [("severity", ctypes.c_char_p), ("code", ctypes.c_char_p),
                ("message", ctypes.c_char_p), ("field_name", ctypes.c_char_p),
                ("field_index", ctypes.c_long), ("line", ctypes.c_ulong),
                ("column", ctypes.c_ulong), ("offset", ctypes.c_uint64)]


class _Options(ctypes.Structure):
    _fields_ = [("contact_id_name", ctypes.c_char_p), ("encoding", ctypes.c_char_p),
                ("max_problems", ctypes.c_size_t)]


class _Summary(ctypes.Structure):
    _fields_ = [("header_ok", ctypes.c_int), ("byte_order_mark", ctypes.c_int),
                ("duplicates_unchecked", ctypes.c_int), ("rows", ctypes.c_uint64),
                ("valid", ctypes.c_uint64), ("invalid", ctypes.c_uint64),
                ("blank", ctypes.c_uint64), ("errors", ctypes.c_uint64),
                ("warnings", ctypes.c_uint64), ("kept", ctypes.c_uint64)]


class _CError(ctypes.Structure):
    _fields_ = [("code", ctypes.c_int), ("http_status", ctypes.c_long),
                ("api_code", ctypes.c_char * 64), ("message", ctypes.c_char * 1024),
                ("field", ctypes.c_char * 128), ("context_id", ctypes.c_char * 64),
                ("retry_after", ctypes.c_long)]


_lib = None
_lib_lock = threading.Lock()


def _candidates():
    env = os.environ.get("LIBDIALBOOK")
    if env:
        return [env]
    paths = [os.path.join(TREE, "build", "libdialbook.so")]
    if os.path.basename(os.path.dirname(PACKAGE_DIR)) == "dist-packages":
        # Installed by `make install`: <prefix>/lib/python3/dist-packages/dialbook.
        prefix_lib = os.path.dirname(os.path.dirname(os.path.dirname(PACKAGE_DIR)))
        paths += [os.path.join(prefix_lib, "libdialbook.so.0"),
                  os.path.join(prefix_lib, "x86_64-linux-gnu", "libdialbook.so.0")]
    return paths + [ctypes.util.find_library("dialbook") or "libdialbook.so.0"]


def load_library():
    """libdialbook as a ctypes.CDLL, with the validation API's signatures.
    Raises dialbook.Error (code "libdialbook.not_found") saying where it looked."""
    global _lib
    with _lib_lock:
        if _lib is not None:
            return _lib
        tried = []
        for path in _candidates():
            if os.sep in path and not os.path.exists(path):
                tried.append(f"{path} (no such file)")
                continue
            try:
                lib = ctypes.CDLL(path)
                lib.dialbook_validate_open  # noqa: B018 -- an older libdialbook lacks it
            except (OSError, AttributeError) as e:
                tried.append(f"{path} ({e})")
                if os.environ.get("LIBDIALBOOK"):
                    break
                continue
            _declare(lib)
            _lib = lib
            return lib
        raise Error("libdialbook with dialbook_validate_* not found: set $LIBDIALBOOK, build "
                    "the tree (make build) or install it (make install); tried " +
                    "; ".join(tried), code="libdialbook.not_found")


def _declare(lib):
    P = ctypes.POINTER
    lib.dialbook_validate_open.argtypes = [ctypes.c_char_p, P(_Options), P(ctypes.c_void_p),
                                           P(_CError)]
    lib.dialbook_validate_open.restype = ctypes.c_int
    lib.dialbook_validate_path.argtypes = [ctypes.c_void_p, ctypes.c_char_p, P(_CError)]
    lib.dialbook_validate_path.restype = ctypes.c_int
    lib.dialbook_validate_bytes.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
                                            P(_CError)]
    lib.dialbook_validate_bytes.restype = ctypes.c_int
    lib.dialbook_validate_problem.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    lib.dialbook_validate_problem.restype = P(_Problem)
    lib.dialbook_validate_summary.argtypes = [ctypes.c_void_p, P(_Summary)]
    lib.dialbook_validate_summary.restype = None
    lib.dialbook_validate_free.argtypes = [ctypes.c_void_p]
    lib.dialbook_validate_free.restype = None


class Problem:
    """One problem: where (line; column, the character on that line;
    field_name and field_index, from 0, which str(report) prints from 1 as the
    CLI does; offset, the byte in the file), what (code, message) and how bad
    (severity "error" or "warning").
    row: for a DataFrame, the position of its row (0-based; None for the
    header or the file); index: that row's index label."""

    __slots__ = ("line", "column", "field_name", "field_index", "offset", "code", "message",
                 "severity", "row", "index")
    COLUMNS = ("severity", "code", "line", "column", "field_name", "field_index", "offset",
               "row", "index", "message")

    def __init__(self, **values):
        for name in self.__slots__:
            setattr(self, name, values.get(name))

    def as_dict(self):
        return {name: getattr(self, name) for name in self.COLUMNS}

    def __repr__(self):
        where = f"line {self.line}, column {self.column}"
        if self.field_name is not None:
            where += f" ({self.field_name})"
        return f"<{self.severity} {self.code} at {where}: {self.message}>"


def _report_line(name, p):
    """A problem as `dialbook validate` prints it (cli/validate.c): the field
    by name and number (from 1), else the character on the line."""
    if p.field_index is not None and p.field_name is not None:
        prefix = f'column "{p.field_name}": '
        message = p.message[len(prefix):] if p.message.startswith(prefix) else p.message
        return (f'{name}:{p.line}: field "{p.field_name}" ({p.field_index + 1}): '
                f"{p.severity}: {message}")
    if p.column and p.column > 1:
        return f"{name}:{p.line}: character {p.column}: {p.severity}: {p.message}"
    return f"{name}:{p.line}: {p.severity}: {p.message}"


class Report:
    """The outcome of dialbook.validate.

    ok         True when the file would import with no rejected row (warnings allowed)
    problems   list of Problem, in the order found (at most max_problems kept)
    header_ok, rows, valid, invalid, blank, errors, warnings, truncated
    to_dataframe()  the problems as a pandas DataFrame
    In Jupyter the report shows as a table.
    """

    def __init__(self, name, summary, problems):
        self.name = name
        self.problems = problems
        self.header_ok = bool(summary.header_ok)
        self.byte_order_mark = bool(summary.byte_order_mark)
        self.duplicates_unchecked = bool(summary.duplicates_unchecked)
        for field in ("rows", "valid", "invalid", "blank", "errors", "warnings"):
            setattr(self, field, int(getattr(summary, field)))
        self.truncated = self.errors + self.warnings > len(problems)

    @property
    def ok(self):
        return self.header_ok and self.invalid == 0 and self.errors == 0

    def __bool__(self):
        return self.ok

    @property
    def summary(self):
        """One line, as `dialbook validate` ends its report."""
        text = (f"{self.name}: {self.rows} {'row' if self.rows == 1 else 'rows'}: "
                f"{self.valid} valid, {self.invalid} invalid; {self.blank} blank; "
                f"{self.errors} {'error' if self.errors == 1 else 'errors'}, {self.warnings} "
                f"{'warning' if self.warnings == 1 else 'warnings'}")
        if self.truncated:
            text += f" ({self.errors + self.warnings - len(self.problems)} not kept; see " \
                    "max_problems)"
        if not self.header_ok:
            text += "; the header is not importable"
        return text

    def __str__(self):
        return "\n".join([_report_line(self.name, p) for p in self.problems] + [self.summary])

    def __repr__(self):
        return f"<dialbook.validate report: {self.summary}>"

    def to_dataframe(self):
        """The problems as a pandas DataFrame (one row each, Problem.COLUMNS)."""
        import pandas
        return pandas.DataFrame([p.as_dict() for p in self.problems], columns=Problem.COLUMNS)

    def _repr_html_(self):
        status = "✔ importable with no rejected row" if self.ok else "✘ not clean"
        out = [f"<p><b>{html.escape(status)}</b> — {html.escape(self.summary)}</p>"]
        if self.problems:
            out.append("<table><thead><tr>" + "".join(
                f"<th>{c}</th>" for c in Problem.COLUMNS) + "</tr></thead><tbody>")
            for p in self.problems:
                out.append("<tr>" + "".join(
                    f"<td>{html.escape('' if v is None else str(v))}</td>"
                    for v in p.as_dict().values()) + "</tr>")
            out.append("</tbody></table>")
        return "".join(out)


def _definition(columns, session, where="validate"):
    """The list definition JSON text for what `columns` is."""
    if isinstance(columns, dict):
        if not any(k in columns for k in ("columnNames", "columnDefinitions")):
            raise bad_argument(f"{where}: a list definition needs columnNames or "
                               "columnDefinitions")
        body = dict(columns)
    elif isinstance(columns, (list, tuple)):
        if not columns:
            raise bad_argument(f"{where}: columns is an empty list")
        defs = []
        for i, c in enumerate(columns):
            if isinstance(c, str):
                defs.append({"name": c})
            elif isinstance(c, dict):
                defs.append(c)
            else:
                raise bad_argument(f"{where}: columns[{i}] must be a column name or a "
                                   f"{{\"name\", \"type\", \"required\"}} dict, got {c!r}")
        body = {"columnDefinitions": defs}
    elif isinstance(columns, str):
        if session is None:
            raise bad_argument(f"{where}: columns {columns!r} is a list id: give session= (a "
                               "dialbook.Session or Server) to fetch its definition")
        http = getattr(session, "session", session)
        if not hasattr(http, "base_url"):
            raise bad_argument(f"{where}: session must be a dialbook.Session or Server, got "
                               f"{type(session).__name__}")
        from .transfer import LISTS, request
        body = request(http, "GET", f"{LISTS}/{columns}", f"fetching list {columns}").json()
    else:
        raise bad_argument(f"{where}: columns must be a list definition (dict), a "
                           f"columnDefinitions list or a list id, got {type(columns).__name__}")
    body.setdefault("name", "validate")
    return json.dumps(body)


def _source(source, where="validate"):
    """(name, path or None, bytes or None, frame or None)."""
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        return path, path, None, None
    if isinstance(source, (bytes, bytearray, memoryview)):
        return "<bytes>", None, bytes(source), None
    if type(source).__name__ == "DataFrame" and hasattr(source, "to_csv"):
        # As DataFrame.to_csv(path, index=False) writes it: what would be uploaded.
        text = source.to_csv(index=False)
        return "<DataFrame>", None, text.encode("utf-8"), source
    raise bad_argument(f"{where}: source must be a file name, bytes or a pandas DataFrame, got "
                       f"{type(source).__name__}")


def _row_starts(data):
    """The physical line each data record of CSV bytes starts on, in order."""
    import csv
    text = data.decode("utf-8", "replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    starts, line = [], 1
    for _ in reader:
        starts.append(line)
        line = reader.line_num + 1
    return starts[1:]  # the header is not a row


def validate(source, columns, session=None, contact_id_name=None, encoding=None,
             max_problems=DEFAULT_MAX_PROBLEMS):
    """Checks a contact file against a list's columns, as dialbookd's import would.

    source           a CSV file name, bytes, or a pandas DataFrame (checked as
                     DataFrame.to_csv(index=False) writes it: a phone column
                     pandas turned into floats, 5551234567.0, is caught)
    columns          a list definition (a ContactList dict, either column form),
                     a columnDefinitions list ([{"name", "type", "required"}] or
                     plain names), or a list id with session=
    session          a dialbook.Session or Server, to fetch a list id's definition
    contact_id_name  the column of contact ids (repeated ids are reported)
    encoding         the file's encoding when it is not UTF-8 ("windows-1252"...)
    max_problems     problems kept in the report (all are counted)
    Returns a Report. Raises dialbook.Error for a definition that is not one
    (naming why), a file that cannot be read, or libdialbook not found.
    """
    if isinstance(max_problems, bool) or not isinstance(max_problems, int) or max_problems < 1:
        raise bad_argument(f"validate: max_problems must be a whole number >= 1, got "
                           f"{max_problems!r}")
    for name, value in (("contact_id_name", contact_id_name), ("encoding", encoding)):
        if value is not None and (not isinstance(value, str) or not value):
            raise bad_argument(f"validate: {name} must be a non-empty string, got {value!r}")
    name, path, data, frame = _source(source)
    definition = _definition(columns, session)
    lib = load_library()
    opt = _Options(contact_id_name.encode() if contact_id_name else None,
                   encoding.encode() if encoding else None, max_problems)
    handle = ctypes.c_void_p()
    err = _CError()
    rc = lib.dialbook_validate_open(definition.encode(), ctypes.byref(opt), ctypes.byref(handle),
                                    ctypes.byref(err))
    if rc:
        raise Error("validate: " + err.message.decode("utf-8", "replace"),
                    code="validate.invalid_list")
    try:
        if path is not None:
            rc = lib.dialbook_validate_path(handle, os.fsencode(path), ctypes.byref(err))
        else:
            rc = lib.dialbook_validate_bytes(handle, data, len(data), ctypes.byref(err))
        if rc:
            raise Error("validate: " + err.message.decode("utf-8", "replace"),
                        code="file.unreadable" if path else "validate.failed")
        summary = _Summary()
        lib.dialbook_validate_summary(handle, ctypes.byref(summary))
        problems = []
        for i in range(summary.kept):
            p = lib.dialbook_validate_problem(handle, i).contents
            problems.append(Problem(
                severity=p.severity.decode(), code=p.code.decode(),
                message=p.message.decode("utf-8", "replace"),
                field_name=p.field_name.decode("utf-8", "replace") if p.field_name else None,
                field_index=p.field_index if p.field_index >= 0 else None, line=p.line,
                column=p.column, offset=p.offset))
    finally:
        lib.dialbook_validate_free(handle)
    if frame is not None:
        _place_in_frame(problems, data, frame)
    return Report(name, summary, problems)


def _place_in_frame(problems, data, frame):
    """Each row problem's DataFrame row (position and index label)."""
    starts = None
    simple = data.count(b"\n") == len(frame) + 1 and b"\r" not in data
    for p in problems:
        if p.line is None or p.line < 2 or p.code in ("BLANK_ROW",):
            continue
        if simple:
            row = p.line - 2
        else:
            if starts is None:
                starts = {line: i for i, line in enumerate(_row_starts(data))}
            row = starts.get(p.line)
        if row is not None and 0 <= row < len(frame):
            p.row = row
            p.index = frame.index[row]

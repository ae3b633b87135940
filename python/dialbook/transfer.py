"""dialbook.upload and dialbook.export: a contact file into a list through the
multipart upload (POST /uploads/v2/contactlist), its import watched through
importstatus, its rejected rows fetched; and a list's export downloaded.

Progress is a tqdm bar when tqdm is installed (python3-tqdm), else log lines
on the "dialbook" logger. Polls retry the answers the SDKs retry (429, 503,
504) after Retry-After.
"""
import csv
import importlib.util
import io
import logging
import os
import time
import uuid

import requests

from .errors import Error, bad_argument, check

log = logging.getLogger("dialbook")
LISTS = "/api/v2/outbound/contactlists"
RETRIED = (429, 503, 504)
MAX_RETRIES = 8


class _MultipartBody:
    """A multipart/form-data body read as a stream: the form's fields, then
    the file's bytes as they are read (never the whole file in memory)."""

    def __init__(self, fields, file_name, fileobj, size):
        self.boundary = "dialbook-" + uuid.uuid4().hex
        head = b""
        for name, value in fields:
            head += (f"--{self.boundary}\r\nContent-Disposition: form-data; "
                     f"name=\"{name}\"\r\n\r\n{value}\r\n").encode()
        head += (f"--{self.boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                 f"filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n").encode()
        self.parts = [head, fileobj, f"\r\n--{self.boundary}--\r\n".encode()]
        self.length = len(head) + size + len(self.parts[2])
        self.content_type = "multipart/form-data; boundary=" + self.boundary
        self.seek(0)

    def seek(self, offset, whence=0):
        # Only back to the start: a request sent again sends it all again.
        self.index, self.offset = 0, 0
        self.parts[1].seek(0)

    def __len__(self):
        return self.length

    def read(self, size=-1):
        out = b""
        while self.index < len(self.parts) and (size < 0 or len(out) < size):
            part = self.parts[self.index]
            want = -1 if size < 0 else size - len(out)
            if isinstance(part, bytes):
                chunk = part[self.offset:] if want < 0 else part[self.offset:self.offset + want]
                self.offset += len(chunk)
                if self.offset >= len(part):
                    self.index, self.offset = self.index + 1, 0
            else:
                chunk = part.read(want if want >= 0 else -1)
                if not chunk or want < 0:
                    self.index += 1
            out += chunk
        return out


def _check_session(session, where):
    if not isinstance(session, requests.Session) or not hasattr(session, "base_url"):
        raise bad_argument(f"{where}: session must be a dialbook.Session (Server.session or "
                           f"dialbook.Session(base_url, id, secret)), got {type(session).__name__}")


def _check_id(list_id, where):
    if not isinstance(list_id, str) or not list_id.strip():
        raise bad_argument(f"{where}: list_id must be a contact list id (a non-empty string), "
                           f"got {list_id!r}")


def request(session, method, path, what, retries=MAX_RETRIES, **kwargs):
    """session.request, retrying 429/503/504 after Retry-After; raises
    dialbook.Error for any other refusal."""
    timeout = kwargs.pop("timeout", 120)
    for attempt in range(retries + 1):
        try:
            r = session.request(method, path, timeout=timeout, **kwargs)
        except requests.RequestException as e:
            raise Error(f"{what}: cannot reach {session.base_url}: {e}", code="network") from e
        if r.status_code not in RETRIED or attempt == retries:
            return check(r, what)
        wait = r.headers.get("Retry-After")
        try:
            wait = min(float(wait), 30.0) if wait else 0.2 * 2 ** attempt
        except ValueError:
            wait = 0.2 * 2 ** attempt
        log.info("%s: HTTP %d, retrying in %.1f s", what, r.status_code, wait)
        body = kwargs.get("data")
        if hasattr(body, "seek"):
            body.seek(0)
        time.sleep(wait)
    raise AssertionError("unreachable")


def _tqdm():
    """tqdm's class: the notebook widget when ipywidgets is there (tqdm.auto
    warns without it), else the text bar; None without tqdm."""
    try:
        if importlib.util.find_spec("ipywidgets"):
            from tqdm.auto import tqdm
        else:
            from tqdm import tqdm
    except ImportError:
        return None
    return tqdm


class _Progress:
    """A tqdm bar of imported rows when tqdm is there, else a log line at each
    ten percent."""

    def __init__(self, enabled, what):
        self.bar = None
        self.last = -10
        self.what = what
        self.enabled = enabled
        if enabled:
            tqdm = _tqdm()
            if tqdm is not None:
                self.bar = tqdm(total=100, desc=what,
                                bar_format="{desc}: {percentage:3.0f}%|{bar}| {postfix}")

    def update(self, status):
        percent = int(status.get("percentComplete", 0))
        if self.bar is not None:
            self.bar.total = 100
            self.bar.n = percent
            self.bar.set_postfix(rows=status.get("completedRecords", 0),
                                 rejected=status.get("failedRecords", 0), refresh=False)
            self.bar.refresh()
        elif self.enabled and (percent >= self.last + 10 or percent == 100):
            self.last = percent
            log.info("%s: %d%% (%s of about %s rows, %s rejected)", self.what, percent,
                     status.get("completedRecords"), status.get("totalRecords"),
                     status.get("failedRecords", 0))

    def close(self):
        if self.bar is not None:
            self.bar.close()


class ImportResult(dict):
    """The final importstatus (a dict), plus:
    correlation_id  the import's id (the upload's correlationId)
    rejected        the rejected rows, a list of dicts (line, column, reason, then the row)
    """

    correlation_id = None
    rejected = ()

    @property
    def ok(self):
        return self.get("state") != "FAILED" and not self.get("failedRecords")


def upload(session, list_id, path, contact_id_name=None, wait=True, progress=True,
           timeout=3600.0, poll_interval=0.25, clear_system_data=None):
    """Uploads a CSV file into a contact list and, with wait=True, watches its import.

    session          a dialbook.Session (Server.session)
    list_id          the contact list's id
    path             the CSV file (UTF-8), a str or path-like
    contact_id_name  the column holding contact ids (None: ids are generated)
    wait             poll importstatus until the import ends (False: return at once)
    progress         a tqdm bar, or log lines, while waiting
    timeout          seconds to wait for the import
    Returns an ImportResult (the final importstatus; with wait=False the
    upload's answer) with .correlation_id and .rejected.
    Raises dialbook.Error: the upload refused (the ErrorBody's fields), the
    import FAILED (code "import.failed", details [{"errorCode": failureReason}],
    .body the importstatus), a file that cannot be read, or the timeout.
    """
    _check_session(session, "upload")
    _check_id(list_id, "upload")
    if not isinstance(path, (str, os.PathLike)):
        raise bad_argument(f"upload: path must be a file name, got {type(path).__name__}")
    if contact_id_name is not None and (not isinstance(contact_id_name, str)
                                        or not contact_id_name):
        raise bad_argument(f"upload: contact_id_name must be a column name, got "
                           f"{contact_id_name!r}")
    path = os.fspath(path)
    try:
        f = open(path, "rb")
        size = os.fstat(f.fileno()).st_size
    except OSError as e:
        raise Error(f"upload: {path}: {e.strerror}", code="file.unreadable") from e
    fields = [("id", list_id), ("fileType", "contactlist")]
    if contact_id_name:
        fields.append(("contact-id-name", contact_id_name))
    if clear_system_data is not None:
        fields.append(("clearSystemData", "true" if clear_system_data else "false"))
    with f:
        body = _MultipartBody(fields, os.path.basename(path), f, size)
        r = request(session, "POST", "/uploads/v2/contactlist", f"upload of {path}", data=body,
                    headers={"Content-Type": body.content_type})
    answer = r.json()
    correlation_id = answer.get("correlationId")
    if not wait:
        result = ImportResult(answer)
        result.correlation_id = correlation_id
        return result
    return wait_import(session, list_id, correlation_id, progress=progress, timeout=timeout,
                       poll_interval=poll_interval)


def import_status(session, list_id):
    """GET .../importstatus: the latest import's status (a dict)."""
    _check_session(session, "import_status")
    _check_id(list_id, "import_status")
    return request(session, "GET", f"{LISTS}/{list_id}/importstatus", "import status").json()


def wait_import(session, list_id, correlation_id=None, progress=True, timeout=3600.0,
                poll_interval=0.25):
    """Polls importstatus until the import (correlation_id, or the latest) ends.
    Returns an ImportResult; raises dialbook.Error when it FAILED or timed out."""
    _check_session(session, "wait_import")
    _check_id(list_id, "wait_import")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise bad_argument(f"wait_import: timeout must be a number of seconds > 0, got "
                           f"{timeout!r}")
    deadline = time.monotonic() + timeout
    bar = _Progress(progress, f"import into {list_id}")
    try:
        while True:
            status = import_status(session, list_id)
            mine = correlation_id is None or status.get("importId") == correlation_id
            if mine:
                bar.update(status)
                if status.get("state") != "IN_PROGRESS":
                    break
            if time.monotonic() > deadline:
                raise Error(f"import into {list_id} did not end within {timeout:g} s "
                            f"({status.get('percentComplete')}% done)", code="import.timeout",
                            body=status)
            time.sleep(poll_interval)
    finally:
        bar.close()
    result = ImportResult(status)
    result.correlation_id = status.get("importId", correlation_id)
    if status.get("state") == "FAILED":
        reason = status.get("failureReason", "FAILED")
        raise Error(f"import into {list_id} failed: {reason}: "
                    f"{status.get('failureDetail', '')}".rstrip(": "),
                    code="import.failed", details=[{"errorCode": reason}],
                    context_id=result.correlation_id, body=status)
    result.rejected = rejected_rows(session, status)
    if result.rejected:
        n = len(result.rejected)
        log.warning("import into %s: %d %s rejected (result.rejected has them)", list_id, n,
                    "row" if n == 1 else "rows")
    return result


def rejected_rows(session, status):
    """The rejected rows of an importstatus (a list of dicts: line, column,
    reason, then the row's own fields), [] when there are none."""
    _check_session(session, "rejected_rows")
    if not isinstance(status, dict):
        raise bad_argument(f"rejected_rows: status must be an importstatus dict, got "
                           f"{type(status).__name__}")
    uri = status.get("rejectedRowsUri")
    if not uri:
        return []
    r = request(session, "GET", uri, "rejected rows")
    text = r.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def export(session, list_id, path=None, timeout=3600.0, poll_interval=0.25, progress=True):
    """Exports a contact list and downloads the CSV.

    path   where to write it (returned); None returns the CSV text instead
    Raises dialbook.Error when the export is refused, fails, or is not ready
    within timeout seconds (code "export.timeout").
    """
    _check_session(session, "export")
    _check_id(list_id, "export")
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise bad_argument(f"export: path must be a file name or None, got {type(path).__name__}")
    started = request(session, "POST", f"{LISTS}/{list_id}/export", "export", json={}).json()
    deadline = time.monotonic() + timeout
    polls = 0
    while True:
        r = session.get(f"{LISTS}/{list_id}/export", timeout=120)
        polls += 1
        if r.status_code == 200:
            break
        if r.status_code == 404 and "not.found" in r.text and _export_pending(r):
            if progress and polls % 20 == 0:
                log.info("export of %s: not ready after %d polls", list_id, polls)
        elif r.status_code not in RETRIED:
            check(r, "export")
        if time.monotonic() > deadline:
            raise Error(f"export of {list_id} (id {started.get('id')}) not ready within "
                        f"{timeout:g} s", code="export.timeout")
        time.sleep(poll_interval)
    uri = r.json()["uri"]
    with request(session, "GET", uri, "export download", stream=True) as d:
        if path is None:
            return d.content.decode("utf-8-sig")
        path = os.fspath(path)
        try:
            with open(path, "wb") as out:
                for chunk in d.iter_content(1 << 16):
                    out.write(chunk)
        except OSError as e:
            raise Error(f"export: {path}: {e.strerror}", code="file.unwritable") from e
    return path


def _export_pending(r):
    """A 404 that means "not ready yet", not a failed or missing export."""
    try:
        message = r.json().get("message", "")
    except ValueError:
        return False
    return "still running" in message or "not ready" in message

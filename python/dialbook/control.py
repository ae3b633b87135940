"""Helpers for dialbookd's control API (/_dialbook/, docs/control-api.md):
fault rules, import and export progression, reset, snapshots, token expiry
and the request journal. Server gives them as srv.faults, srv.imports,
srv.exports, srv.journal, srv.reset(), srv.snapshot(), srv.restore().

Every call sends the control token (DIALBOOK_CONTROL_TOKEN, written by
dialbookd next to the development client) and raises dialbook.Error with
the ErrorBody's fields when dialbookd refuses it (a 400 names the field).
"""
import datetime
import numbers
import time

import requests

from .errors import Error, bad_argument, check

PRESETS = ("429", "503", "504", "drop")


def _camel(name):
    head, *rest = name.split("_")
    return head + "".join(w.title() for w in rest)


def _check_id(value, what, where):
    if not isinstance(value, str) or not value.strip():
        raise bad_argument(f"{where}: {what} must be a non-empty string, got {value!r}")
    return value


def _check_int(value, what, where, low, high=None):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low or (
            high is not None and value > high):
        bound = f"from {low} to {high}" if high is not None else f"of at least {low}"
        raise bad_argument(f"{where}: {what} must be a whole number {bound}, got {value!r}")
    return int(value)


class Control:
    """The control API of one server: base_url and the control token."""

    def __init__(self, base_url, token):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.http = requests.Session()
        if token:
            self.http.headers["Authorization"] = "Bearer " + token

    def call(self, method, path, what, json=None, params=None, expect_body=True):
        if not self.token:
            raise Error(f"{what}: this server has no control token: start dialbookd with "
                        "--control-api (dialbook.Server does unless control_api=False)",
                        code="control.unavailable")
        try:
            r = self.http.request(method, self.base_url + "/_dialbook" + path, json=json,
                                  params=params, timeout=120)
        except requests.RequestException as e:
            raise Error(f"{what}: cannot reach {self.base_url}: {e}", code="network") from e
        check(r, what)
        return r.json() if expect_body and r.content else None

    def close(self):
        self.http.close()


class Faults:
    """srv.faults: rules that answer matching requests with an error, a
    dropped connection or a delay (POST/GET/DELETE /_dialbook/faults)."""

    FIELDS = ("method", "path", "organization_id", "client_id", "status", "code", "message",
              "retry_after", "probability", "times", "latency_ms")

    def __init__(self, control):
        self.control = control

    def add(self, preset=None, **fields):
        """Adds a rule; returns it as dialbookd answered (a dict with "id",
        "fired"...). preset: "429", "503", "504" or "drop"; fields:
        method, path ("/api/v2/outbound/contactlists/*/contacts"),
        organization_id, client_id, status, code, message, retry_after (s),
        probability (0..1), times, latency_ms."""
        unknown = sorted(set(fields) - set(self.FIELDS))
        if unknown:
            raise bad_argument(f"faults.add: unknown field {unknown[0]!r} (known: "
                               f"{', '.join(self.FIELDS)})")
        if preset is not None:
            preset = str(preset)
            if preset not in PRESETS:
                raise bad_argument(f"faults.add: preset must be one of {', '.join(PRESETS)}; "
                                   f"got {preset!r}")
        if preset is None and "status" not in fields and "latency_ms" not in fields:
            raise bad_argument("faults.add: give a preset, a status or latency_ms")
        body = {_camel(k): v for k, v in fields.items() if v is not None}
        if preset is not None:
            body["preset"] = preset
        return self.control.call("POST", "/faults", "adding a fault rule", json=body)

    def list(self):
        """Every rule, in the order added, with how often each "fired"."""
        return self.control.call("GET", "/faults", "listing fault rules")["entities"]

    def get(self, rule_id):
        for rule in self.list():
            if rule["id"] == rule_id:
                return rule
        raise Error(f"no fault rule {rule_id}", status=404, code="not.found")

    def delete(self, rule_id=None):
        """Deletes one rule (by id, or the dict add() returned), or all of them."""
        if isinstance(rule_id, dict):
            rule_id = rule_id.get("id")
        if rule_id is None:
            self.control.call("DELETE", "/faults", "deleting fault rules", expect_body=False)
        else:
            _check_id(rule_id, "rule_id", "faults.delete")
            self.control.call("DELETE", f"/faults/{rule_id}", "deleting a fault rule",
                              expect_body=False)

    clear = delete


class _Progression:
    def __init__(self, control, server=None):
        self.control = control
        self.server = server  # its session watches imports (advance(wait=True))

    def _put(self, kind, body, list_id, organization_id, where):
        """Sets one member (import or export) of a list's or organization's
        setting, keeping the other: a PUT replaces the whole setting."""
        if (list_id is None) == (organization_id is None):
            raise bad_argument(f"{where}: give list_id or organization_id (one of them)")
        if list_id is not None:
            scope, key = "contactlist", _check_id(list_id, "list_id", where)
            path = f"/progression/contactlists/{key}"
        else:
            scope, key = "organization", _check_id(organization_id, "organization_id", where)
            path = f"/progression/organizations/{key}"
        setting = {kind: body}
        for current in self.settings():
            if current.get("scope") == scope and current.get("id") == key:
                for other in ("import", "export"):
                    if other != kind and current.get(other):
                        setting[other] = {k: v for k, v in current[other].items()
                                          if v is not None}
        return self.control.call("PUT", path, f"setting the {kind} progression", json=setting)

    def settings(self):
        """Every progression setting (GET /_dialbook/progression)."""
        return self.control.call("GET", "/progression", "listing progression")["entities"]

    def clear(self, list_id=None, organization_id=None):
        """Removes one list's or organization's setting, or all of them."""
        if list_id is not None:
            path = f"/progression/contactlists/{_check_id(list_id, 'list_id', 'clear')}"
        elif organization_id is not None:
            path = f"/progression/organizations/" \
                   f"{_check_id(organization_id, 'organization_id', 'clear')}"
        else:
            path = "/progression"
        self.control.call("DELETE", path, "clearing progression", expect_body=False)


class Imports(_Progression):
    """srv.imports: how this server moves imports along, per list (list_id)
    or per organization (organization_id). fail_at_percent with
    failure_reason (e.g. "CONTACT_COLUMNS_LIMIT_EXCEEDED") makes the import
    end FAILED at that point, in any mode."""

    def _set(self, mode, list_id, organization_id, fail_at_percent, failure_reason, where,
             **extra):
        body = {"mode": mode, **extra}
        if fail_at_percent is not None or failure_reason is not None:
            if fail_at_percent is None or failure_reason is None:
                raise bad_argument(f"{where}: fail_at_percent and failure_reason go together")
            body["failAtPercent"] = _check_int(fail_at_percent, "fail_at_percent", where, 0, 99)
            body["failureReason"] = _check_id(failure_reason, "failure_reason", where)
        return self._put("import", body, list_id, organization_id, where)

    def immediate(self, list_id=None, organization_id=None, fail_at_percent=None,
                  failure_reason=None):
        """Imports run at full speed (dialbook's normal behaviour)."""
        return self._set("immediate", list_id, organization_id, fail_at_percent,
                         failure_reason, "imports.immediate")

    def rate(self, rows_per_second, list_id=None, organization_id=None, fail_at_percent=None,
             failure_reason=None):
        """Imports read at most rows_per_second data rows a second."""
        rows_per_second = _check_int(rows_per_second, "rows_per_second", "imports.rate", 1,
                                     1000000)
        return self._set("rate", list_id, organization_id, fail_at_percent, failure_reason,
                         "imports.rate", rowsPerSecond=rows_per_second)

    def manual(self, list_id=None, organization_id=None, fail_at_percent=None,
               failure_reason=None):
        """Imports read nothing until advance(list_id, rows) lets them."""
        return self._set("manual", list_id, organization_id, fail_at_percent, failure_reason,
                         "imports.manual")

    def advance(self, list_id, rows, wait=False, timeout=60.0):
        """Lets the list's manual import read rows more data rows; returns
        {"contactListId", "creditRows"} (the credit not yet used). With
        wait=True, waits until the running import has read them (or ended)
        and returns its importstatus instead."""
        _check_id(list_id, "list_id", "imports.advance")
        rows = _check_int(rows, "rows", "imports.advance", 1, 100000000)
        if not wait:
            return self.control.call("POST", f"/progression/contactlists/{list_id}/advance",
                                     "advancing an import", json={"rows": rows})
        if self.server is None:
            raise bad_argument("imports.advance(wait=True) needs the Server's session")
        from .transfer import import_status
        session = self.server.session
        before = import_status(session, list_id)
        if before.get("state") != "IN_PROGRESS":
            raise Error(f"imports.advance: no import of list {list_id} is running",
                        code="import.not_running", body=before)
        target = before.get("completedRecords", 0) + rows
        self.control.call("POST", f"/progression/contactlists/{list_id}/advance",
                          "advancing an import", json={"rows": rows})
        deadline = time.monotonic() + timeout
        while True:
            status = import_status(session, list_id)
            if status.get("state") != "IN_PROGRESS" or status.get("completedRecords", 0) >= target:
                return status
            if time.monotonic() > deadline:
                raise Error(f"imports.advance: the import of list {list_id} did not read "
                            f"{rows} more rows within {timeout:g} s", code="import.timeout",
                            body=status)
            time.sleep(0.05)


class Exports(_Progression):
    """srv.exports: exports that are not ready for the next N polls."""

    def not_ready(self, polls, list_id=None, organization_id=None):
        polls = _check_int(polls, "polls", "exports.not_ready", 0, 1000)
        return self._put("export", {"notReadyPolls": polls}, list_id, organization_id,
                         "exports.not_ready")


class Journal:
    """srv.journal(...): the requests this server answered, oldest first
    (GET /_dialbook/journal); srv.journal.clear() empties it."""

    FILTERS = ("method", "path_prefix", "status", "organization_id", "since", "after_seq",
               "limit")

    def __init__(self, control):
        self.control = control

    def __call__(self, method=None, path_prefix=None, status=None, organization_id=None,
                 since=None, after_seq=None, limit=None):
        """Entries (dicts: seq, timestamp, method, path, queryNames, status,
        organizationId, clientId, correlationId, durationMs, faultId).
        status: 429 or "4xx"; since: a datetime (UTC) or ISO 8601 text."""
        params = {}
        for name, value in (("method", method), ("path_prefix", path_prefix),
                            ("status", status), ("organization_id", organization_id),
                            ("since", since), ("after_seq", after_seq), ("limit", limit)):
            if value is None:
                continue
            if name == "since" and isinstance(value, datetime.datetime):
                if value.tzinfo is not None:
                    value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
                value = value.isoformat(timespec="milliseconds") + "Z"
            if name in ("after_seq", "limit"):
                value = _check_int(value, name, "journal", 0 if name == "after_seq" else 1)
            if name == "status" and isinstance(value, bool):
                raise bad_argument(f"journal: status must be a status or a class such as "
                                   f"'4xx', got {value!r}")
            params[_camel(name)] = str(value)
        return self.control.call("GET", "/journal", "reading the journal",
                                 params=params)["entities"]

    def clear(self):
        self.control.call("DELETE", "/journal", "clearing the journal", expect_body=False)


def snapshot_name(name, where):
    if not isinstance(name, str) or not name or len(name) > 64 or not all(
            c.isascii() and (c.isalnum() or c in "_-") for c in name):
        raise bad_argument(f"{where}: a snapshot name is 1 to 64 characters of A-Z a-z 0-9 _ -, "
                           f"got {name!r}")
    return name

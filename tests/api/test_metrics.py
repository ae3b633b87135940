"""GET /metrics (issue 13 item 6, docs/operations.md): the Prometheus text
format 0.0.4, parsed strictly here (and by python3-prometheus-client's
parser when it is installed), with counters that move as requests,
imports, exports, store calls and rate-limit refusals happen; loopback
only unless --metrics-token, then the bearer token from anywhere."""
import re
import socket
import subprocess
import time

import pytest
import requests

from conftest import BINARY, LISTS, phone_list, upload, wait_import

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:  # the strict parser below still runs
    text_string_to_metric_families = None

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = rf'({NAME})="((?:[^"\\\n]|\\\\|\\"|\\n)*)"'
SAMPLE = re.compile(rf"^({NAME})(?:\{{((?:{LABEL}(?:,{LABEL})*)?)\}})? (\S+)$")
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def parse(text):
    """{(name, ((label, value), ...)): float}; fails on anything the 0.0.4
    text format does not allow, on a sample of an undeclared family, and
    on histograms whose buckets do not add up."""
    assert text.endswith("\n")
    types, samples = {}, {}
    for line in text.splitlines():
        if line.startswith("# HELP "):
            name, _, help_text = line[7:].partition(" ")
            assert re.fullmatch(NAME, name) and help_text, line
            continue
        if line.startswith("# TYPE "):
            name, _, kind = line[7:].partition(" ")
            assert kind in TYPES and name not in types, line
            types[name] = kind
            continue
        assert not line.startswith("#") and line.strip(), repr(line)
        m = SAMPLE.match(line)
        assert m, f"not a sample line: {line!r}"
        name, labels_text, value = m.group(1), m.group(2) or "", m.group(m.lastindex)
        labels = tuple(re.findall(LABEL, labels_text))
        family = re.sub(r"_(bucket|sum|count)$", "", name)
        assert name in types or (family in types and types[family] == "histogram"), line
        key = (name, labels)
        assert key not in samples, f"duplicate sample {line!r}"
        samples[key] = float(value)
    for (name, labels), count in samples.items():
        if not name.endswith("_count") or types.get(name[:-6]) != "histogram":
            continue
        base = name[:-6]
        buckets = sorted(((float(dict(l)["le"]), v) for (n, l), v in samples.items()
                          if n == base + "_bucket"
                          and tuple(x for x in l if x[0] != "le") == labels),
                         key=lambda b: b[0])
        assert buckets and buckets[-1][0] == float("inf") and buckets[-1][1] == count
        assert all(a[1] <= b[1] for a, b in zip(buckets, buckets[1:])), buckets
        assert (base + "_sum", labels) in samples
    return samples


def scrape(base, **kw):
    r = requests.get(base + "/metrics", **kw)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == CONTENT_TYPE
    if text_string_to_metric_families:
        list(text_string_to_metric_families(r.text))  # raises on what it cannot read
    return parse(r.text)


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_counters_move_with_requests(make_server):
    srv = make_server("--rate-limit", "0")
    api = srv.session()
    before = scrape(srv.base)
    lst = api.post(LISTS, json=phone_list()).json()
    for _ in range(2):
        assert api.get(f"{LISTS}/{lst['id']}").status_code == 200
    assert api.get(f"{LISTS}/no-such-list").status_code == 404
    assert api.get("/api/v2/not-a-route").status_code == 404
    after = scrape(srv.base)
    one = "/api/v2/outbound/contactlists/{contactListId}"

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    req = "dialbook_http_requests_total"
    assert moved(req, method="GET", route=one, status="200") == 2
    assert moved(req, method="GET", route=one, status="404") == 1
    assert moved(req, method="POST", route=LISTS, status="201") == 1
    assert moved(req, method="", route="(unmatched)", status="404") == 1
    lat = "dialbook_http_request_duration_seconds_count"
    assert moved(lat, method="GET", route=one) == 3
    assert moved("dialbook_store_call_duration_seconds_count", op="list_create") >= 1
    assert moved("dialbook_store_call_duration_seconds_count", op="list_get") >= 3
    assert value(after, "dialbook_open_connections") >= 1
    # Routes are patterns: no id of a list is a label.
    text = requests.get(srv.base + "/metrics").text
    assert lst["id"] not in text and "no-such-list" not in text


def test_import_and_export_jobs_and_rows(make_server):
    srv = make_server("--rate-limit", "0")
    api = srv.session()
    lst = api.post(LISTS, json=phone_list()).json()
    before = scrape(srv.base)
    data = b"id,phone,email\n1,5551234567,\n2,12ab,\n3,5551234568,a@b.cd\n"
    upload(api, lst["id"], data)
    st = wait_import(api, lst["id"])
    assert st["completedRecords"] == 3 and st["failedRecords"] == 1, st
    eid = api.post(f"{LISTS}/{lst['id']}/export", json={}).json()["id"]
    for _ in range(1500):
        g = api.get(f"{LISTS}/{lst['id']}/export")
        if g.status_code == 200 and g.json()["uri"].endswith(eid):
            break
        time.sleep(0.02)
    else:
        raise AssertionError(f"export did not finish: {g.text}")
    after = scrape(srv.base)

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("dialbook_import_jobs_total", outcome="done") == 1
    assert moved("dialbook_import_jobs_total", outcome="failed") == 0
    assert moved("dialbook_import_rows_total", result="imported") == 2
    assert moved("dialbook_import_rows_total", result="rejected") == 1
    assert moved("dialbook_export_jobs_total", outcome="done") == 1
    assert moved("dialbook_export_rows_total") == 2


def test_rate_limit_refusals_are_counted(make_server):
    srv = make_server("--rate-limit", "3")
    api = srv.session()
    statuses = [api.get(LISTS).status_code for _ in range(6)]
    assert 429 in statuses
    after = scrape(srv.base)  # /metrics itself is never rate limited
    assert value(after, "dialbook_rate_limited_total") == statuses.count(429)
    assert value(after, "dialbook_http_requests_total", method="GET", route=LISTS,
                 status="429") == statuses.count(429)


def test_a_token_lets_scrapers_in_from_anywhere(make_server):
    token = "s3cret-metrics-token-0123"
    srv = make_server("--metrics-token", token)
    r = requests.get(srv.base + "/metrics")
    assert r.status_code == 401 and r.json()["code"] == "authentication.required"
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    r = requests.get(srv.base + "/metrics", headers={"Authorization": "Bearer " + token + "x"})
    assert r.status_code == 401 and r.json()["code"] == "bad.credentials"
    # An OAuth access token is no metrics token.
    oauth = srv.session().headers["Authorization"]
    assert requests.get(srv.base + "/metrics",
                        headers={"Authorization": oauth}).status_code == 401
    scrape(srv.base, headers={"Authorization": "Bearer " + token})


def local_address():
    """An address of this machine that is not loopback, or None."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # TEST-NET: nothing is sent
            addr = s.getsockname()[0]
    except OSError:
        return None
    return None if addr.startswith("127.") else addr


def test_without_a_token_only_loopback_is_served(make_server):
    addr = local_address()
    if not addr:
        pytest.skip("this machine has no address besides loopback")
    srv = make_server("--listen", "0.0.0.0:0")
    port = srv.base.rsplit(":", 1)[1]
    r = requests.get(f"http://{addr}:{port}/metrics")
    assert r.status_code == 403, r.text
    assert "loopback" in r.json()["message"] and "--metrics-token" in r.json()["message"]
    scrape(srv.base)  # 127.0.0.1 is served
    token = "another-metrics-token-456"
    other = make_server("--listen", "0.0.0.0:0", "--metrics-token", token)
    port = other.base.rsplit(":", 1)[1]
    scrape(f"http://{addr}:{port}", headers={"Authorization": "Bearer " + token})


@pytest.mark.parametrize("value_", ["short", "has a space in it ok", "x" * 15, ""])
def test_bad_metrics_token_is_one_line_and_exit_2(tmp_path, value_):
    proc = subprocess.run([BINARY, "--metrics-token", value_, "--db", str(tmp_path / "x.db")],
                          capture_output=True, text=True, timeout=20)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "--metrics-token wants 16 or more" in lines[0], proc.stderr

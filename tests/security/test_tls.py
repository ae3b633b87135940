"""Data at rest and in transit (issue 9 item 6): the database, its -wal and
-shm and the files directory are the service user's only; --tls-cert and
--tls-key serve HTTPS (tested with curl against a certificate made here),
and a missing, unreadable or wrong file is a clear error at start."""
import json
import os
import re
import shutil
import stat
import subprocess
import time

import pytest

from api_harness import BINARY
from conftest import LISTS

pytestmark = pytest.mark.skipif(not shutil.which("openssl") or not shutil.which("curl"),
                                reason="needs openssl and curl (scripts/install-deps)")


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def make_cert(d, name="server", cn="127.0.0.1"):
    cert, key = d / f"{name}.crt", d / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", f"/CN={cn}",
                    "-addext", f"subjectAltName=IP:{cn}", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def curl(*args):
    proc = subprocess.run(["curl", "-sS", "--max-time", "20", *args], capture_output=True,
                          text=True, timeout=30)
    return proc


def https_base(srv):
    port = re.search(r"event=listening .*port=(\d+)", srv.log_text()).group(1)
    return f"https://127.0.0.1:{port}"


@pytest.mark.skipif(bool(os.environ.get("DIALBOOK_TEST_PG")),
                    reason="the modes of the SQLite database and its <db>.files")
def test_database_and_files_are_the_service_users_only(make_server):
    srv = make_server()
    api = srv.session()
    lst = api.post(LISTS, json={"name": "modes", "columnDefinitions": [
        {"name": "phone", "type": "phone"}]}).json()
    r = api.post("/uploads/v2/contactlist", files={
        "id": (None, lst["id"]), "fileType": (None, "contactlist"),
        "file": ("a.csv", b"phone\nnot-a-phone\n")})
    assert r.status_code == 200, r.text
    assert api.post(f"{LISTS}/{lst['id']}/export", json={}).status_code == 200
    deadline = time.time() + 30
    while api.get(f"{LISTS}/{lst['id']}/export").status_code == 404:
        assert time.time() < deadline
        time.sleep(0.05)
    files = srv.db + ".files"
    assert mode(srv.db) == 0o600
    for suffix in ("-wal", "-shm"):
        if os.path.exists(srv.db + suffix):
            assert mode(srv.db + suffix) == 0o600, suffix
    assert mode(files) == 0o700
    made = os.listdir(files)
    assert any(f.endswith(".export.csv") for f in made), made
    for f in made:
        assert mode(os.path.join(files, f)) & 0o077 == 0, (f, oct(mode(os.path.join(files, f))))


def test_a_database_made_by_the_admin_commands_is_private_too(tmp_path):
    db = tmp_path / "admin.db"
    subprocess.run([BINARY, "org", "add", "acme", "--db", str(db), "--create"], check=True,
                   capture_output=True, timeout=60)
    assert mode(db) == 0o600


def test_https_with_a_certificate_made_here(make_server, tmp_path):
    cert, key = make_cert(tmp_path)
    srv = make_server("--tls-cert", str(cert), "--tls-key", str(key))
    base = https_base(srv)
    assert f"public_url={base} tls=on" in srv.log_text()
    c = srv.client()
    proc = curl("--cacert", str(cert), "-u", f"{c['client_id']}:{c['client_secret']}",
                "-d", "grant_type=client_credentials", base + "/oauth/token")
    assert proc.returncode == 0, proc.stderr
    token = json.loads(proc.stdout)["access_token"]
    proc = curl("--cacert", str(cert), "-H", f"Authorization: Bearer {token}",
                "-w", "\n%{http_code} %{ssl_verify_result}", base + LISTS)
    body, _, status = proc.stdout.rpartition("\n")
    assert status == "200 0" and json.loads(body)["entities"] == [], proc.stdout
    # An export's uri is https, from the served scheme.
    proc = curl("--cacert", str(cert), "-H", f"Authorization: Bearer {token}",
                "-H", "Content-Type: application/json", "-d",
                '{"name": "tls", "columnDefinitions": [{"name": "a"}]}', base + LISTS)
    list_id = json.loads(proc.stdout)["id"]
    curl("--cacert", str(cert), "-H", f"Authorization: Bearer {token}", "-X", "POST",
         base + f"{LISTS}/{list_id}/export")
    deadline = time.time() + 30
    while True:
        proc = curl("--cacert", str(cert), "-H", f"Authorization: Bearer {token}",
                    base + f"{LISTS}/{list_id}/export")
        if '"uri"' in proc.stdout:
            break
        assert time.time() < deadline, proc.stdout
        time.sleep(0.1)
    assert json.loads(proc.stdout)["uri"].startswith(base + "/api/v2/downloads/")
    # Plain HTTP on the HTTPS port gets no API answer.
    proc = curl("-w", "%{http_code}", base.replace("https", "http") + LISTS)
    assert "entities" not in proc.stdout and "401" not in proc.stdout


def test_a_certificate_curl_does_not_trust_is_refused_by_curl(make_server, tmp_path):
    cert, key = make_cert(tmp_path)
    other, _ = make_cert(tmp_path, "other")
    srv = make_server("--tls-cert", str(cert), "--tls-key", str(key))
    proc = curl("--cacert", str(other), https_base(srv) + LISTS)
    assert proc.returncode == 60, (proc.returncode, proc.stderr)  # peer certificate


def start_error(tmp_path, *flags):
    proc = subprocess.run([BINARY, "--listen", "127.0.0.1:0", "--db", str(tmp_path / "d.db"),
                           *flags], capture_output=True, text=True, timeout=30)
    assert proc.returncode != 0, proc.stderr
    return proc.returncode, proc.stderr


def test_tls_files_that_cannot_be_used_are_clear_errors(tmp_path):
    cert, key = make_cert(tmp_path)
    other_cert, other_key = make_cert(tmp_path, "other")
    missing = tmp_path / "missing.pem"
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate\n")
    unreadable = tmp_path / "dir.pem"
    unreadable.mkdir()

    rc, err = start_error(tmp_path, "--tls-cert", str(cert))
    assert rc == 2 and "--tls-cert and --tls-key go together" in err
    rc, err = start_error(tmp_path, "--tls-cert", str(missing), "--tls-key", str(key))
    assert rc == 3 and f"cannot read --tls-cert {missing}: No such file" in err
    rc, err = start_error(tmp_path, "--tls-cert", str(cert), "--tls-key", str(missing))
    assert rc == 3 and f"cannot read --tls-key {missing}" in err
    rc, err = start_error(tmp_path, "--tls-cert", str(garbage), "--tls-key", str(key))
    assert rc == 3 and f"--tls-cert {garbage} holds no PEM certificate" in err
    rc, err = start_error(tmp_path, "--tls-cert", str(cert), "--tls-key", str(cert))
    assert rc == 3 and "holds no PEM private key" in err
    rc, err = start_error(tmp_path, "--tls-cert", str(unreadable), "--tls-key", str(key))
    assert rc == 3 and "is not a PEM file" in err
    rc, err = start_error(tmp_path, "--tls-cert", str(cert), "--tls-key", str(other_key))
    assert rc == 3 and "GnuTLS refused the certificate or key" in err
    assert "cannot serve HTTPS" in err

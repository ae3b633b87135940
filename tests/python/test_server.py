"""dialbook.Server and dialbook.Session against a real dialbookd."""
import os
import stat

import pytest
import requests

import dialbook
from conftest import LISTS, server


def test_server_serves_an_authenticated_session(srv):
    assert srv.base_url.startswith("http://127.0.0.1:")
    assert srv.port > 0
    assert srv.client_id and srv.client_secret
    r = srv.session.get(LISTS)
    assert r.status_code == 200, r.text
    assert "entities" in r.json()
    # Without the session's token the same request is refused.
    assert requests.get(srv.base_url + LISTS).status_code == 401


def test_session_renews_a_token_the_server_no_longer_knows(srv):
    s = srv.new_session()
    assert s.get(LISTS).status_code == 200
    assert s.token_renewals == 1
    s.token = "0" * 43  # as a token that expired or was revoked
    r = s.get(LISTS)
    assert r.status_code == 200, r.text
    assert s.token_renewals == 2


def test_session_with_wrong_credentials_raises_the_servers_error(srv):
    s = dialbook.Session(srv.base_url, srv.client_id, "not the secret")
    with pytest.raises(dialbook.Error) as e:
        s.get(LISTS)
    assert e.value.status == 401
    assert "cannot get a token" in str(e.value)


@pytest.mark.parametrize("args", [("", "id", "secret"), ("http://x", None, "s"),
                                  ("http://x", "id", 5)])
def test_session_bad_arguments(args):
    with pytest.raises(dialbook.Error) as e:
        dialbook.Session(*args)
    assert e.value.code == "bad.argument"
    assert "must be a non-empty string" in e.value.message


def test_server_stops_and_removes_its_directory():
    srv = server(db=None).start()  # the SQLite file of its own directory
    directory, proc = srv.directory, srv.proc
    assert os.path.isfile(srv.db_path)
    assert stat.S_IMODE(os.stat(srv.env_path).st_mode) == 0o600
    srv.stop()
    assert proc.returncode == 0
    assert not os.path.exists(directory)
    assert "event=stopped" in srv.log_text()
    srv.stop()  # a second stop does nothing


def test_server_that_cannot_start_fails_with_its_own_error_line():
    # A database in a directory that does not exist: dialbookd's startup_failed line.
    with pytest.raises(dialbook.Error) as e:
        server(args=["--db", "/nonexistent/dir/x.db"]).start()
    assert e.value.code == "server.failed"
    assert "event=startup_failed" in e.value.message
    assert "cannot open database /nonexistent/dir/x.db" in e.value.message
    assert "event=startup_failed" in e.value.log


def test_server_refusing_a_flag_fails_with_its_usage_line():
    with pytest.raises(dialbook.Error) as e:
        server(args=["--no-such-flag"]).start()
    assert "exited with status 2" in e.value.message
    assert "unknown option --no-such-flag" in e.value.message


def test_server_binary_that_does_not_exist(tmp_path):
    with pytest.raises(dialbook.Error) as e:
        server(binary=str(tmp_path / "dialbookd")).start()
    assert e.value.code == "server.failed"
    assert "cannot run" in e.value.message


def test_dialbookd_env_naming_no_program(monkeypatch, tmp_path):
    monkeypatch.setenv("DIALBOOKD", str(tmp_path / "missing"))
    with pytest.raises(dialbook.Error) as e:
        dialbook.find_dialbookd()
    assert e.value.code == "server.not_found"
    assert "$DIALBOOKD" in e.value.message


@pytest.mark.parametrize("kwargs, text", [
    ({"args": "--profile genesys"}, "args must be a list of strings"),
    ({"args": [1]}, "args must be a list of strings"),
    ({"rate_limit": -1}, "rate_limit must be a whole number"),
    ({"rate_limit": "10"}, "rate_limit must be a whole number"),
    ({"db": ""}, "db must be a path or a postgresql:// URI"),
    ({"db": 5}, "db must be a path or a postgresql:// URI"),
])
def test_server_bad_arguments(kwargs, text):
    with pytest.raises(dialbook.Error) as e:
        dialbook.Server(**kwargs)
    assert e.value.code == "bad.argument"
    assert text in e.value.message


def test_session_before_start_is_an_error():
    with pytest.raises(dialbook.Error) as e:
        server().session
    assert e.value.code == "server.not_started"


def test_failure_in_the_block_shows_the_servers_log(capfd):
    with pytest.raises(ZeroDivisionError):
        with server() as srv:
            srv.session.get(LISTS + "/not-a-list")
            1 / 0
    err = capfd.readouterr().err
    assert "--- dialbookd log" in err
    assert "event=listening" in err
    assert "end of dialbookd log" in err


def test_profile_flag_is_passed_through():
    with server(args=["--profile", "genesys"], rate_limit=0) as srv:
        r = srv.session.post(LISTS, json={"name": "genesys profile",
                                          "columnNames": ["phone"], "phoneColumns": [
                                              {"columnName": "phone", "type": "cell"}]})
        assert r.status_code == 200, r.text  # the cloud's answer to a create


def test_a_server_leaves_the_callers_environment_alone(monkeypatch):
    for name in ("DIALBOOK_CLIENT_ID", "DIALBOOK_CLIENT_SECRET", "DIALBOOK_BASE_URL",
                 "DIALBOOK_CONTROL_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    with server() as srv:
        assert srv.session.get(LISTS).ok
        assert "DIALBOOK_CLIENT_ID" not in os.environ
        assert "DIALBOOK_BASE_URL" not in os.environ

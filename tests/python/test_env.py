"""dialbook.load_env: var/dev-client.env into a dict and os.environ."""
import os

import pytest

import dialbook


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_loads_a_given_file(tmp_path, monkeypatch):
    monkeypatch.delenv("DIALBOOK_CLIENT_ID", raising=False)
    f = write(tmp_path / "dev.env", "# a comment\nDIALBOOK_CLIENT_ID=abc\n\n"
              "DIALBOOK_BASE_URL='http://127.0.0.1:8080'\nexport OTHER=\"x y\"\n")
    values = dialbook.load_env(f)
    assert values == {"DIALBOOK_CLIENT_ID": "abc", "DIALBOOK_BASE_URL": "http://127.0.0.1:8080",
                      "OTHER": "x y"}
    assert os.environ["DIALBOOK_CLIENT_ID"] == "abc"
    monkeypatch.delenv("OTHER")
    monkeypatch.delenv("DIALBOOK_BASE_URL")


def test_finds_var_dev_client_env_upwards(tmp_path, monkeypatch):
    write(tmp_path / "var" / "dev-client.env", "DIALBOOK_CLIENT_SECRET=s3\n")
    nested = tmp_path / "notebooks" / "deep"
    nested.mkdir(parents=True)
    monkeypatch.chdir(nested)
    monkeypatch.delenv("DIALBOOK_CLIENT_SECRET", raising=False)
    assert dialbook.load_env() == {"DIALBOOK_CLIENT_SECRET": "s3"}
    assert os.environ["DIALBOOK_CLIENT_SECRET"] == "s3"
    monkeypatch.delenv("DIALBOOK_CLIENT_SECRET")


def test_override_false_keeps_the_shells_values(tmp_path, monkeypatch):
    monkeypatch.setenv("DIALBOOK_CLIENT_ID", "from the shell")
    f = write(tmp_path / "e.env", "DIALBOOK_CLIENT_ID=from the file\n")
    assert dialbook.load_env(f, override=False)["DIALBOOK_CLIENT_ID"] == "from the file"
    assert os.environ["DIALBOOK_CLIENT_ID"] == "from the shell"


def test_the_file_a_server_writes_loads(srv):
    values = dialbook.load_env(srv.env_path, override=False)
    assert values["DIALBOOK_CLIENT_ID"] == srv.client_id
    assert values["DIALBOOK_BASE_URL"] == srv.base_url


def test_no_file_anywhere_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(dialbook.Error) as e:
        dialbook.load_env()
    assert e.value.code == "env.not_found"
    assert "--dev-client-file" in e.value.message


def test_a_missing_file(tmp_path):
    with pytest.raises(dialbook.Error) as e:
        dialbook.load_env(tmp_path / "nope.env")
    assert e.value.code == "env.unreadable"
    assert "nope.env" in e.value.message


def test_a_line_that_is_not_name_value_names_file_and_line(tmp_path):
    f = write(tmp_path / "bad.env", "A=1\nthis is not it\n")
    with pytest.raises(dialbook.Error) as e:
        dialbook.load_env(f)
    assert e.value.code == "env.invalid"
    assert f"{f}:2:" in e.value.message
    assert "A" not in os.environ or os.environ["A"] != "1"  # nothing was set


def test_a_path_of_the_wrong_type():
    with pytest.raises(dialbook.Error) as e:
        dialbook.load_env(42)
    assert e.value.code == "bad.argument"

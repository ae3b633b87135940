"""dialbook.validate: libdialbook's checks (the CLI's and the server's) from
Python, on files, bytes and pandas DataFrames."""
import io
import json
import os
import subprocess

import pandas as pd
import pytest

import dialbook
from conftest import ROOT, make_list

COLUMNS = [{"name": "id"}, {"name": "phone", "type": "phone", "required": True},
           {"name": "email", "type": "email"}]
HINT = "looks rewritten by a spreadsheet or pandas (a decimal): read the file as text " \
       "(pandas: dtype=str) or format the column as Text"


def test_a_dataframe_with_float_mangled_phones_reports_each_bad_row_with_the_hint():
    # What pandas makes of a phone column with a blank cell: float64.
    text = ("id,phone,email\n1,5551234567,a@example.com\n2,,b@example.com\n"
            "3,15557654321,\n4,+15550001111,d@example.com\n")
    df = pd.read_csv(io.StringIO(text))
    assert df["phone"].dtype == "float64"  # "+15550001111" too
    report = dialbook.validate(df, COLUMNS)
    assert not report.ok
    assert report.rows == 4 and report.invalid == 4
    hinted = [p for p in report.problems if HINT in p.message]
    assert [(p.row, p.line, p.field_name, p.code) for p in hinted] == [
        (0, 2, "phone", "INVALID_VALUE"), (2, 4, "phone", "INVALID_VALUE"),
        (3, 5, "phone", "INVALID_VALUE")]
    assert 'not a phone number: "5551234567.0"' in hinted[0].message
    blank = [p for p in report.problems if p.row == 1]
    assert len(blank) == 1 and "required value is blank" in blank[0].message
    # Read as text, as the hint says: clean.
    fixed = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    clean = dialbook.validate(fixed.drop(index=1), COLUMNS)
    assert clean.ok, str(clean)
    assert clean.rows == 3 and clean.problems == []


def test_problems_carry_the_dataframes_index_labels():
    df = pd.DataFrame({"id": ["a", "b"], "phone": ["+15551234567", "12ab"], "email": ["", ""]},
                      index=["first", "second"])
    report = dialbook.validate(df, COLUMNS)
    [p] = report.problems
    assert (p.row, p.index, p.line, p.column, p.field_index) == (1, "second", 3, 3, 1)
    frame = report.to_dataframe()
    assert list(frame.columns) == list(dialbook.Problem.COLUMNS)
    assert frame.loc[0, "index"] == "second" and frame.loc[0, "code"] == "INVALID_VALUE"


def test_rows_after_a_value_spanning_lines_are_placed_right():
    df = pd.DataFrame({"id": ["1", "2"], "phone": ["+15551234567", "oops"],
                       "email": ["", ""], "notes": ["two\nlines", ""]})
    report = dialbook.validate(df, COLUMNS)
    bad = [p for p in report.problems if p.severity == "error"]
    assert [(p.line, p.row) for p in bad] == [(4, 1)]
    assert report.warnings == 1 and report.problems[0].code == "IGNORED_COLUMN"
    assert report.problems[0].field_name == "notes"


def test_the_same_problems_as_the_cli(tmp_path):
    """dialbook.validate and `dialbook validate --json` report alike."""
    cli = os.path.join(os.path.dirname(os.environ.get("DIALBOOKD", "")), "dialbook")
    if not os.environ.get("DIALBOOKD"):
        cli = os.path.join(ROOT, "build", "dialbook")
    f = tmp_path / "c.csv"
    f.write_text("id,phone,email,extra\n1,+15551234567,not-mail,\n\n2,5551234567.0,,x\n"
                 "3,\"+1555\"0,,\n")
    definition = tmp_path / "list.json"
    definition.write_text(json.dumps({"name": "x", "columnDefinitions": COLUMNS}))
    out = subprocess.run([cli, "validate", "--list", str(definition), "--json", str(f)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1, out.stderr
    expected = json.loads(out.stdout)
    report = dialbook.validate(f, COLUMNS)
    assert [(p.severity, p.line, p.column, p.message) for p in report.problems] == [
        (p["severity"], p["line"], p["column"], p["message"]) for p in expected["problems"]]
    # The field by name and number (from 1), the byte offset: the same.
    assert [(p.field_name, None if p.field_index is None else p.field_index + 1, p.offset)
            for p in report.problems] == [
        (p.get("field"), p.get("fieldNumber"), p["offset"]) for p in expected["problems"]]
    # And the text report's problem lines, word for word.
    text = subprocess.run([cli, "validate", "--list", str(definition), str(f)],
                          capture_output=True, text=True, timeout=60).stdout
    assert str(report).splitlines()[:-1] == text.splitlines()[:-1]
    assert 'c.csv:2: field "email" (3): error: not an e-mail address' in text
    assert (report.rows, report.valid, report.invalid, report.blank) == (
        expected["rows"], expected["valid"], expected["invalid"], expected["blank"])
    assert [p.code for p in report.problems] == ["IGNORED_COLUMN", "INVALID_VALUE", "BLANK_ROW",
                                                 "INVALID_VALUE", "INVALID_RECORD"]


def test_offsets_point_into_the_file(tmp_path):
    text = "id,phone,email\n1,+15551234567,\n2,12ab,\n"
    f = tmp_path / "c.csv"
    f.write_text(text)
    [p] = dialbook.validate(f, COLUMNS).problems
    assert p.offset == text.index("12ab")
    assert text[p.offset:].startswith("12ab")


def test_header_problems_and_the_columns_forms():
    data = b"id,email\n1,a@example.com\n"
    for columns in (COLUMNS, {"name": "L", "columnDefinitions": COLUMNS},
                    {"columnNames": ["id", "phone", "email"],
                     "phoneColumns": [{"columnName": "phone", "type": "cell"}]}):
        report = dialbook.validate(data, columns)
        assert not report.header_ok and not report.ok
        assert report.problems[0].code == "MISSING_COLUMNS"
        assert "the header is not importable" in report.summary
    assert dialbook.validate(b"phone\n+15551234567\n", ["phone"]).ok


def test_repeated_contact_ids_and_the_kept_bound():
    rows = "".join(f"{i % 3},+1555123456{i % 10},\n" for i in range(30))
    report = dialbook.validate(("id,phone,email\n" + rows).encode(), COLUMNS,
                               contact_id_name="id", max_problems=5)
    assert report.errors == 27  # every row after the first three repeats an id
    assert len(report.problems) == 5 and report.truncated
    assert all(p.code == "DUPLICATE_CONTACT_ID" for p in report.problems)
    assert "22 not kept" in report.summary


def test_another_encoding(tmp_path):
    f = tmp_path / "latin.csv"
    f.write_bytes("id,phone,email\n1,+15551234567,\n2,caf\xe9,\n".encode("latin-1"))
    report = dialbook.validate(f, COLUMNS, encoding="windows-1252")
    assert 'not a phone number: "café"' in report.problems[0].message
    without = dialbook.validate(f, COLUMNS)
    assert without.problems[0].code == "INVALID_RECORD"  # not UTF-8
    assert "UTF-8" in without.problems[0].message


def test_a_list_id_on_a_server(srv):
    list_id = make_list(srv.session)
    report = dialbook.validate(b"id,phone,email\n1,12ab,\n", list_id, session=srv.session)
    assert [p.code for p in report.problems] == ["INVALID_VALUE"]
    assert dialbook.validate(b"id,phone,email\n1,+15551234567,\n", list_id, session=srv).ok
    with pytest.raises(dialbook.Error) as e:
        dialbook.validate(b"", "00000000-0000-4000-8000-000000000000", session=srv)
    assert e.value.status == 404


def test_the_report_renders_in_jupyter_and_as_text():
    report = dialbook.validate(b"id,phone,email\n1,<b>,\n", COLUMNS)
    page = report._repr_html_()
    assert "<table>" in page and "INVALID_VALUE" in page
    assert "&lt;b&gt;" in page and "<b>," not in page  # values are escaped
    assert str(report).startswith('<bytes>:2: field "phone" (2): error: not a phone number')
    assert "1 row: 0 valid, 1 invalid" in repr(report)
    assert not report


@pytest.mark.parametrize("source, columns, kwargs, text", [
    (42, COLUMNS, {}, "source must be a file name, bytes or a pandas DataFrame"),
    (b"", 42, {}, "columns must be a list definition"),
    (b"", [], {}, "columns is an empty list"),
    (b"", [3], {}, "columns[0] must be a column name"),
    (b"", {"name": "x"}, {}, "needs columnNames or columnDefinitions"),
    (b"", "some-list-id", {}, "give session="),
    (b"", "some-list-id", {"session": "http://x"}, "session must be a dialbook.Session"),
    (b"", COLUMNS, {"max_problems": 0}, "max_problems must be a whole number"),
    (b"", COLUMNS, {"contact_id_name": ""}, "contact_id_name must be a non-empty string"),
])
def test_bad_arguments(source, columns, kwargs, text):
    with pytest.raises(dialbook.Error) as e:
        dialbook.validate(source, columns, **kwargs)
    assert e.value.code == "bad.argument"
    assert text in e.value.message


def test_a_definition_the_server_would_refuse_names_why():
    with pytest.raises(dialbook.Error) as e:
        dialbook.validate(b"", [{"name": "phone", "type": "fax"}])
    assert e.value.code == "validate.invalid_list"
    assert "not a contact list definition" in e.value.message
    assert "fax" in e.value.message or "type" in e.value.message


def test_an_unknown_encoding_and_a_missing_file(tmp_path):
    with pytest.raises(dialbook.Error) as e:
        dialbook.validate(b"", COLUMNS, encoding="klingon")
    assert "not an encoding iconv knows" in e.value.message
    with pytest.raises(dialbook.Error) as e:
        dialbook.validate(tmp_path / "none.csv", COLUMNS)
    assert e.value.code == "file.unreadable"
    assert "none.csv: No such file or directory" in e.value.message


def test_libdialbook_not_found_says_where_it_looked(monkeypatch):
    import dialbook.validation as v
    monkeypatch.setattr(v, "_lib", None)
    monkeypatch.setenv("LIBDIALBOOK", "/nonexistent/libdialbook.so")
    with pytest.raises(dialbook.Error) as e:
        dialbook.validate(b"", COLUMNS)
    assert e.value.code == "libdialbook.not_found"
    assert "/nonexistent/libdialbook.so (no such file)" in e.value.message

"""The API page's files: only plain names with a known type, from --docs-dir."""
import requests

from conftest import assert_error


def test_api_page_serves_only_plain_files_from_its_directory(make_server, tmp_path):
    page = tmp_path / "page"
    page.mkdir()
    (page / "index.html").write_text("<title>api</title>")
    (page / "ui.js").write_text("ok()")
    (page / "notes.txt").write_text("not a page type")
    s = make_server("--docs-dir", str(page))
    r = requests.get(s.base + "/api/v2/docs")
    assert r.status_code == 200 and r.text == "<title>api</title>"
    assert r.headers["Content-Type"].startswith("text/html")
    r = requests.get(s.base + "/api/v2/docs/ui.js")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/javascript")
    body = assert_error(requests.get(s.base + "/api/v2/docs/missing.css"), 404, "not.found")
    assert str(page) in body["message"]
    for name in ["notes.txt", ".hidden.js", "..%2Findex.html", "%2e%2e", "x" * 80 + ".js"]:
        assert_error(requests.get(s.base + "/api/v2/docs/" + name), 404, "not.found")
    # A NUL byte is no file name: the segment is refused before any lookup.
    assert_error(requests.get(s.base + "/api/v2/docs/a%00.js"), 400, "bad.request", field="file")


def test_api_page_missing_directory_contents_say_how_to_install(make_server, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    s = make_server("--docs-dir", str(empty))
    body = assert_error(requests.get(s.base + "/api/v2/docs"), 404, "not.found")
    assert "make build" in body["message"]

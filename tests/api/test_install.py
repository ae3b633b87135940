"""`make install` and `make deb`, as a user elsewhere gets them: the build of
$DIALBOOKD installed into a temporary prefix (and staged with DESTDIR), a
small C program compiled against it with pkg-config and run, the installed
dialbookd serving its API page, the man pages; then the Debian package
unpacked into a scratch root and run from there."""
import glob
import json
import os
import re
import shutil
import subprocess

import pytest
import requests

from conftest import BINARY, SANITIZER_MARKS

BUILD = os.path.dirname(os.path.abspath(BINARY))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# What the installed files are checked with, not the storage backend: once per build.
pytestmark = pytest.mark.skipif(bool(os.environ.get("DIALBOOK_TEST_PG")),
                                reason="the install does not depend on the backend")

PROGRAM = r"""
#include <dialbook/dialbook.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	struct dialbook_validator *v;
	struct dialbook_error err;
	const char *list = "[{\"name\": \"phone\", \"type\": \"phone\"}]";
	const char *csv = "phone\n5551234567\n12ab\n";
	if (dialbook_validate_open(list, NULL, &v, &err) || dialbook_validate_bytes(v, csv, strlen(csv), &err))
		return 1;
	const struct dialbook_problem *p = dialbook_validate_problem(v, 0);
	printf("%s line %lu field %s (%ld): %s\n", dialbook_err_name(DIALBOOK_EHTTP), p->line,
	       p->field_name, p->field_index + 1, p->code);
	dialbook_validate_free(v);
	return 0;
}
"""


def sanitized():
    out = subprocess.run(["ldd", os.path.join(BUILD, "libdialbook.so")], capture_output=True,
                         text=True).stdout
    return "libasan" in out


def install(prefix, destdir=None):
    env = dict(os.environ)
    if destdir:
        env["DESTDIR"] = str(destdir)
    proc = subprocess.run(["cmake", "--install", BUILD, "--prefix", str(prefix)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr


def serve_docs(dialbookd, tmp_path, env=None):
    """Starts an installed dialbookd, fetches /api/v2/docs, stops it."""
    proc = subprocess.Popen([str(dialbookd), "--listen", "127.0.0.1:0", "--db",
                             str(tmp_path / "installed.db")], stderr=subprocess.PIPE, text=True,
                            env=env)
    try:
        port = None
        for line in proc.stderr:
            m = re.search(r"event=listening .*port=(\d+)", line)
            if m:
                port = m.group(1)
                break
        assert port, "the installed dialbookd did not start"
        page = requests.get(f"http://127.0.0.1:{port}/api/v2/docs", timeout=30)
        assert page.status_code == 200 and "swagger-ui" in page.text
        css = requests.get(f"http://127.0.0.1:{port}/api/v2/docs/swagger-ui.css", timeout=30)
        assert css.status_code == 200
    finally:
        proc.terminate()
        rest = proc.communicate(timeout=30)[1]
    for mark in SANITIZER_MARKS:
        assert mark not in rest, rest


def test_install_into_a_prefix_works_from_there(tmp_path):
    prefix = tmp_path / "prefix"
    install(prefix)
    pc = (prefix / "lib" / "pkgconfig" / "dialbook.pc").read_text()
    assert f"prefix={prefix}\n" in pc
    env = dict(os.environ, PKG_CONFIG_PATH=str(prefix / "lib" / "pkgconfig"))
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "dialbook"], capture_output=True,
                           text=True, env=env, check=True).stdout.split()
    assert f"-I{prefix}/include" in flags and f"-L{prefix}/lib" in flags
    source = tmp_path / "prog.c"
    source.write_text(PROGRAM)
    extra = ["-fsanitize=address,undefined"] if sanitized() else []
    subprocess.run(["cc", "-std=c11", "-Wall", "-Werror", str(source), "-o",
                    str(tmp_path / "prog"), *flags, f"-Wl,-rpath,{prefix}/lib", *extra],
                   check=True, timeout=120)
    out = subprocess.run([str(tmp_path / "prog")], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "DIALBOOK_EHTTP line 3 field phone (1): INVALID_VALUE\n"
    # The API page where the installed dialbookd looks for it.
    assert (prefix / "share" / "dialbook" / "api-page" / "index.html").exists()
    serve_docs(prefix / "bin" / "dialbookd", tmp_path)
    # Man pages made from the help texts: every flag of the help is in them.
    for page, program, section in (("dialbookd.8", "dialbookd", "man8"),
                                   ("dialbook.1", "dialbook", "man1")):
        text = (prefix / "share" / "man" / section / page).read_text().replace("\\-", "-")
        helptext = subprocess.run([str(prefix / "bin" / program), "--help"],
                                  capture_output=True, text=True).stdout
        for flag in set(re.findall(r"--[a-z][a-z-]+", helptext)):
            assert flag in text, (page, flag)
    assert "exit status" in (prefix / "share" / "man" / "man1" / "dialbook.1").read_text()
    unit = (prefix / "lib" / "systemd" / "system" / "dialbookd@.service").read_text()
    assert f"ExecStart={prefix}/bin/dialbookd --listen" in unit
    assert (prefix / "share" / "dialbook" / "types" / "dialbook.d.ts").exists()
    # The Python package, beside its library.
    if not sanitized():
        py = subprocess.run(["/usr/bin/python3", "-c",
                             "import dialbook; print(dialbook.validate(b'phone\\n12ab\\n', "
                             "[{'name': 'phone', 'type': 'phone'}]).invalid)"],
                            capture_output=True, text=True, timeout=60, cwd=tmp_path,
                            env=dict(os.environ, LIBDIALBOOK="", PYTHONPATH=str(
                                prefix / "lib" / "python3" / "dist-packages")))
        assert py.returncode == 0 and py.stdout == "1\n", py.stderr


def test_destdir_stages_an_install_for_its_prefix(tmp_path):
    stage = tmp_path / "stage"
    install("/opt/dialbook", destdir=stage)
    pc = (stage / "opt" / "dialbook" / "lib" / "pkgconfig" / "dialbook.pc").read_text()
    assert pc.startswith("prefix=/opt/dialbook\n")
    assert (stage / "opt" / "dialbook" / "bin" / "dialbookd").exists()
    assert not os.path.exists("/opt/dialbook/bin/dialbookd")


@pytest.mark.skipif(not shutil.which("cpack") or not shutil.which("dpkg-deb"),
                    reason="cpack and dpkg-deb (scripts/install-deps) make the package")
def test_the_debian_package_installs_and_runs_from_a_scratch_root(tmp_path):
    out = tmp_path / "deb"
    proc = subprocess.run(["cpack", "-G", "DEB", "-B", str(out), "--config",
                           os.path.join(BUILD, "CPackConfig.cmake")], capture_output=True,
                          text=True, timeout=600, cwd=BUILD)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    [deb] = glob.glob(str(out / "*.deb"))
    info = subprocess.run(["dpkg-deb", "--field", deb, "Package", "Depends"],
                          capture_output=True, text=True, check=True).stdout
    assert "Package: dialbook" in info and "libmicrohttpd" in info and "libcurl" in info
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", deb, str(root)], check=True)
    assert (root / "usr" / "lib" / "pkgconfig" / "dialbook.pc").read_text().startswith(
        "prefix=/usr\n")
    assert (root / "usr" / "share" / "man" / "man8" / "dialbookd.8").exists()
    unit = (root / "usr" / "lib" / "systemd" / "system" / "dialbookd@.service").read_text()
    assert "ExecStart=/usr/bin/dialbookd --listen" in unit
    cli = subprocess.run([str(root / "usr" / "bin" / "dialbook"), "--help"],
                         capture_output=True, text=True, timeout=60)
    assert cli.returncode == 0 and "usage: dialbook" in cli.stdout
    serve_docs(root / "usr" / "bin" / "dialbookd", tmp_path)
    listed = subprocess.run([str(root / "usr" / "bin" / "dialbookd"), "client", "list", "--db",
                             str(tmp_path / "installed.db")], capture_output=True, text=True,
                            timeout=60)
    assert listed.returncode == 0 and json.loads(listed.stdout) == []

"""A real Virtuoso server for the tests, on 127.0.0.1 only, with its database in a temp folder.

Debian's ``virtuoso-opensource-7`` package is used as installed (``.ci/run`` installs it): the
shipped ``virtuoso.ini`` is copied, its two ports (SQL and HTTP) are pointed at free loopback
ports and its database files at the temp folder, and ``virtuoso-t +foreground`` is started.
``stop()`` sends SIGTERM to that PID and waits, then SIGKILL if it must.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from servers import free_port

#: the configuration the package installs, and the template it is made from
SHIPPED_INI = (Path("/etc/virtuoso-opensource-7/virtuoso.ini"),
               Path("/usr/share/virtuoso-opensource-7/virtuoso.ini"))
USER, PASSWORD = "dba", "dba"  # the fresh database's administrator


def virtuoso_binary() -> str | None:
    """The ``virtuoso-t`` server binary, or None when the package is not installed."""
    return shutil.which("virtuoso-t")


def _set(text: str, section: str, key: str, value: str) -> str:
    """``text`` (an ini file) with ``key = value`` in ``[section]`` (replaced or added)."""
    pattern = re.compile(rf"(^\[{re.escape(section)}\]\s*$)(.*?)(?=^\[|\Z)", re.M | re.S)
    match = pattern.search(text)
    if match is None:
        return text + f"\n[{section}]\n{key} = {value}\n"
    body = match.group(2)
    line = re.compile(rf"^{re.escape(key)}\s*=.*$", re.M)
    body = line.sub(f"{key} = {value}", body, count=1) if line.search(body) \
        else f"\n{key} = {value}" + body
    return text[:match.start(2)] + body + text[match.end(2):]


class VirtuosoServer:
    """One ``virtuoso-t`` process with its database in ``location``."""

    def __init__(self, location: Path) -> None:
        self.location = Path(location)
        self.sql_port = free_port()
        self.http_port = free_port()
        self.url = f"http://127.0.0.1:{self.http_port}"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def query_url(self) -> str:
        return f"{self.url}/sparql"

    @property
    def store_url(self) -> str:
        """The Graph Store endpoint that accepts writes (HTTP Digest, ``graph-uri=``)."""
        return f"{self.url}/sparql-graph-crud-auth"

    def _ini(self) -> Path:
        shipped = next((p for p in SHIPPED_INI if p.is_file()), None)
        if shipped is None:
            raise RuntimeError("virtuoso.ini is missing: apt-get install virtuoso-opensource-7")
        text = shipped.read_text(encoding="utf-8")
        db = self.location
        for section, prefix in (("Database", "virtuoso"), ("TempDatabase", "virtuoso-temp")):
            text = _set(text, section, "DatabaseFile", str(db / f"{prefix}.db"))
            text = _set(text, section, "TransactionFile", str(db / f"{prefix}.trx"))
        text = _set(text, "Database", "ErrorLogFile", str(db / "virtuoso.log"))
        text = _set(text, "Database", "LockFile", str(db / "virtuoso.lck"))
        text = _set(text, "Database", "xa_persistent_file", str(db / "virtuoso.pxa"))
        text = _set(text, "Parameters", "ServerPort", f"127.0.0.1:{self.sql_port}")
        text = _set(text, "Parameters", "DirsAllowed",
                    f"., {db}, /usr/share/virtuoso-opensource-7/vad")
        text = _set(text, "Parameters", "NumberOfBuffers", "10000")
        text = _set(text, "Parameters", "MaxDirtyBuffers", "6000")
        text = _set(text, "HTTPServer", "ServerPort", f"127.0.0.1:{self.http_port}")
        path = db / "virtuoso.ini"
        path.write_text(text, encoding="utf-8")
        return path

    def start(self, timeout: float = 60.0) -> "VirtuosoServer":
        binary = virtuoso_binary()
        if binary is None:
            raise RuntimeError("virtuoso-t is missing: apt-get install virtuoso-opensource-7")
        self.location.mkdir(parents=True, exist_ok=True)
        ini = self._ini()
        self.process = subprocess.Popen(
            [binary, "+foreground", "+configfile", str(ini)], cwd=self.location,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = (self.location / "virtuoso.log")
                tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                self.process = None
                raise RuntimeError(f"virtuoso-t exited:\n{tail}")
            try:
                urllib.request.urlopen(f"{self.query_url}?query=ASK%7B%7D", timeout=2).read()
                return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"virtuoso did not answer on {self.url} within {timeout} s")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def isql(self, statements: str, timeout: float = 120.0) -> str:
        """Run SQL through ``isql-vt`` on the server's loopback SQL port; its output."""
        run = subprocess.run(["isql-vt", f"127.0.0.1:{self.sql_port}", USER, PASSWORD,
                              f"exec={statements}"], capture_output=True, text=True,
                             timeout=timeout)
        if run.returncode != 0 or "*** Error" in run.stdout:
            raise RuntimeError(f"isql failed: {run.stdout}\n{run.stderr}")
        return run.stdout

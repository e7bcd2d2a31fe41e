"""Real servers for the tests, on 127.0.0.1 only, stopped by their PID.

An Oxigraph server (the ``oxigraph`` package's binary, installed with the test extras) is started
on a free loopback port; ``stop()`` sends SIGTERM and waits, then SIGKILL if it must.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or \
        shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the oxigraph server binary is missing: pip install -e '.[test]'")
    return found


class OxigraphServer:
    """One ``oxigraph serve`` process with its data in ``location``."""

    def __init__(self, location: Path) -> None:
        self.location = Path(location)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.url}/update"

    @property
    def store_url(self) -> str:
        return f"{self.url}/store"

    def start(self, timeout: float = 15.0) -> "OxigraphServer":
        self.location.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [oxigraph_binary(), "serve", "--location", str(self.location),
             "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oxigraph exited: {self.process.stderr.read().decode()}")
            try:
                urllib.request.urlopen(f"{self.query_url}?query=ASK%7B%7D", timeout=1).read()
                return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"oxigraph did not answer on {self.url} within {timeout} s")

    def clear(self) -> None:
        """Drop every graph (between tests that share one server)."""
        request = urllib.request.Request(self.update_url, data=b"DROP ALL", method="POST",
                                         headers={"Content-Type": "application/sparql-update"})
        urllib.request.urlopen(request, timeout=10).read()

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        if self.process.stderr:
            self.process.stderr.close()
        self.process = None

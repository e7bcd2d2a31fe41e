"""The editor's loop of ``kzgraph serve``: the first build, then one edited page seen again.

Not a test: it prints figures. A real ``kzgraph serve`` is started on a free loopback port over
a content folder with a cache folder of its own (``XDG_CACHE_HOME``), and stopped by its PID in
every case (SIGTERM, then SIGKILL; its process group after it, for the workers of a build it
was killed in). Measured:

* **first**: from the command to the first good answer (the site built, the query workers
  loaded), with the server's CPU time (its own and its children's, from ``/proc``) and its
  peak memory (the largest sum of the proportional set sizes of the server and its
  descendants, sampled every 0.5 s);
* **edit**: one source page's title changed (the file written at once, as an editor saves),
  then, polling over loopback every 20 ms, the seconds from the write until (a) the page's
  HTML at its IRI path shows the new title, (b) its Turtle (``Accept: text/turtle`` on the
  same path) shows it, (c) a SPARQL query on ``/sparql`` returns it; with the server's CPU
  time over the edit. Several edits, each on another page; the medians.

    python -m benchmarks.serve_loop --content DIR [--edits 5] [--json FILE]

``benchmarks.run`` runs the same as the stages ``serve_first`` and ``serve_edit``.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

#: how often a client asks whether the edit shows (loopback: a request costs ~1 ms)
POLL_S = 0.02
#: the longest an edit may take to show before the run fails
EDIT_TIMEOUT_S = 600.0
_CLK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(p) for p in handle.read().split()]
    except OSError:
        return []


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of ``pid`` and every live descendant, with the children
    each of them has waited for."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
        todo += _children(p)
    return total / _CLK


def tree_pss_mb(pid: int) -> float:
    """The proportional set size of ``pid`` and its live descendants, in MiB."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
        todo += _children(p)
    return total / 1024


class PeakWatch:
    """The largest :func:`tree_pss_mb` of a process, sampled every ``interval`` s by a thread
    (of the benchmark's process, not the measured one)."""

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        self.pid, self.interval, self.peak = pid, interval, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_pss_mb(self.pid))
            self._stop.wait(self.interval)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak


@dataclass
class Server:
    """A running ``kzgraph serve`` (see :func:`running`)."""

    process: subprocess.Popen
    port: int
    log: Path
    content: Path
    started: float
    ready_s: float = 0.0
    cpu_first_s: float = 0.0
    peak_first_mb: float = 0.0
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def get(self, path: str, accept: str, timeout: float = 30) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("GET", path, headers={"Accept": accept})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def log_tail(self, n: int = 3000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-n:]

    def built_in(self) -> list[float]:
        """The seconds of every build the server logged (``Built in X s.``)."""
        return [float(x) for x in re.findall(r"Built in ([0-9.]+) s", self.log_tail(10**7))]


def _stop(process: subprocess.Popen) -> int:
    """Stop the server by its PID: SIGTERM, then SIGKILL; then whatever is left of its process
    group (it leads one of its own)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(30)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    return process.returncode


def start(content: Path, xdg: Path, log: Path, *, watch: bool = True,
          timeout: float = 7200) -> Server:
    """Start ``kzgraph serve`` on a free loopback port and wait until it answers after a good
    first build. The caller stops it (:func:`_stop`); :func:`running` does both."""
    port = free_port()
    env = {**os.environ, "XDG_CACHE_HOME": str(xdg)}
    extra = [] if watch else ["--no-watch"]
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "kzgraph", "serve", "--host", "127.0.0.1", "--port",
             str(port), "--content", str(content), "--timeout", "30", *extra],
            stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    server = Server(process, port, log, content, time.perf_counter())
    try:
        watch_mem = PeakWatch(process.pid)
        try:
            deadline = time.monotonic() + timeout
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"kzgraph serve exited:\n{server.log_tail()}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"kzgraph serve did not answer in {timeout:.0f} s")
                try:
                    status, body = server.get("/_kzgraph/version", "application/json", 2)
                except OSError:
                    time.sleep(0.1)
                    continue
                if status == 200:
                    state = json.loads(body)
                    if state.get("failed"):
                        raise RuntimeError(f"the content has errors:\n{server.log_tail()}")
                    break
        finally:
            server.peak_first_mb = watch_mem.stop()
        server.ready_s = time.perf_counter() - server.started
        server.cpu_first_s = tree_cpu_s(process.pid)
    except BaseException:
        _stop(process)
        raise
    return server


@contextlib.contextmanager
def running(content: Path, xdg: Path, log: Path, **options: Any) -> Iterator[Server]:
    server = start(content, xdg, log, **options)
    try:
        yield server
    finally:
        server.notes["exit_code"] = _stop(server.process)


# -- edits ---------------------------------------------------------------------------------------

_TITLE = re.compile(r"^title:[^\n]*\n(?=\S)", re.M)


def pages_to_edit(content: Path, n: int) -> list[Path]:
    """``n`` source pages spread over the folder, each with a one-line ``title:``."""
    folders = sorted(p for p in (content / "sources").iterdir() if p.is_dir())
    out: list[Path] = []
    step = max(1, len(folders) // (n + 1))
    for start in range(step, len(folders), step):  # the first fit at or after each step
        for folder in folders[start:start + step]:
            page = folder / "index.md"
            if page.is_file() and _TITLE.search(page.read_text(encoding="utf-8")):
                out.append(page)
                break
        if len(out) == n:
            break
    return out


def _sparql_path(iri: str, title: str) -> str:
    query = (f'SELECT ?t WHERE {{ <{iri}> <http://purl.org/dc/terms/title> ?t '
             f'FILTER(STR(?t) = "{title}") }}')
    return "/sparql?" + urllib.parse.urlencode({"query": query})


def edit_and_time(server: Server, page: Path, token: str) -> dict[str, Any]:
    """Give ``page`` the title ``token`` and time until the server shows it as HTML, as
    Turtle and through SPARQL (seconds from the file's write)."""
    slug = page.parent.name
    path = f"/sources/sources/{slug}/"
    iri = server.base + path[1:]
    text = page.read_text(encoding="utf-8")
    edited = _TITLE.sub(f'title: "{token}"\n', text, count=1)
    wanted = token.encode()
    checks = {"html_s": (path, "text/html"), "rdf_s": (path, "text/turtle"),
              "sparql_s": (_sparql_path(iri, token), "application/sparql-results+json")}
    seen: dict[str, float] = {}
    broken: list[str] = []
    builds = len(server.built_in())
    cpu0 = tree_cpu_s(server.process.pid)
    started = time.perf_counter()
    with open(page, "w", encoding="utf-8") as handle:  # as an editor saves: in place
        handle.write(edited)
    while len(seen) < len(checks):
        now = time.perf_counter() - started
        if now > EDIT_TIMEOUT_S:
            raise RuntimeError(f"the edit of {page} did not show in {EDIT_TIMEOUT_S:.0f} s "
                               f"(seen: {seen}):\n{server.log_tail()}")
        if server.process.poll() is not None:
            raise RuntimeError(f"kzgraph serve exited:\n{server.log_tail()}")
        for key, (url, accept) in checks.items():
            if key in seen:
                continue
            try:
                status, body = server.get(url, accept)
            except (OSError, http.client.HTTPException) as exc:
                # (a refused or broken answer: counted, as a reader would have seen it)
                broken.append(f"{key}: {type(exc).__name__}: {exc}")
                continue
            if status == 200 and wanted in body:
                seen[key] = time.perf_counter() - started
        time.sleep(POLL_S)
    # the server's work for this edit is over when it has logged the build
    while len(server.built_in()) <= builds and time.perf_counter() - started < EDIT_TIMEOUT_S:
        time.sleep(POLL_S)
    built = server.built_in()
    return {"page": page.relative_to(server.content).as_posix(), **seen,
            "done_s": time.perf_counter() - started,
            "built_in_s": built[-1] if len(built) > builds else None,
            "server_cpu_s": tree_cpu_s(server.process.pid) - cpu0,
            "broken_answers": len(broken), "first_broken": broken[:3]}


def edits(server: Server, n: int, pause: float = 1.0) -> list[dict[str, Any]]:
    """``n`` edits, each of another page, ``pause`` s apart."""
    out = []
    for i, page in enumerate(pages_to_edit(server.content, n)):
        time.sleep(pause)
        out.append(edit_and_time(server, page, f"Loop edit {i} {time.time_ns()}"))
    return out


def medians(results: list[dict[str, Any]]) -> dict[str, float]:
    keys = ("html_s", "rdf_s", "sparql_s", "done_s", "built_in_s", "server_cpu_s")
    return {f"median_{k}": round(statistics.median(r[k] for r in results), 3)
            for k in keys if results and all(r.get(k) is not None for r in results)}


def describe(server: Server, results: list[dict[str, Any]]) -> str:
    lines = [f"first build: {server.ready_s:.1f} s to the first answer, server CPU "
             f"{server.cpu_first_s:.1f} s, peak {server.peak_first_mb:.0f} MB"]
    for r in results:
        lines.append(f"  {r['page']}: html {r['html_s']:.2f} s, rdf {r['rdf_s']:.2f} s, "
                     f"sparql {r['sparql_s']:.2f} s, built in {r['built_in_s']} s, "
                     f"server CPU {r['server_cpu_s']:.2f} s")
    m = medians(results)
    if m:
        lines.append("medians: " + ", ".join(f"{k[7:]} {v:.2f}" for k, v in m.items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serve_loop",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--content", type=Path, required=True,
                        help="a content folder (copied first: pages are edited)")
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--work", type=Path, default=None,
                        help="folder for the copy, the cache and the log (kept)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    work = Path(args.work or tempfile.mkdtemp(prefix="kzgraph-serve-loop-"))
    work.mkdir(parents=True, exist_ok=True)
    content = work / "content"
    if not content.exists():
        shutil.copytree(args.content, content)
    try:
        with running(content, work / "xdg", work / "serve.log") as server:
            print(f"first build: {server.ready_s:.1f} s", file=sys.stderr, flush=True)
            results = edits(server, args.edits)
        print(describe(server, results))
        figures = {"ready_s": server.ready_s, "cpu_first_s": server.cpu_first_s,
                   "peak_first_mb": server.peak_first_mb, "edits": results,
                   **medians(results), **server.notes}
        if args.json:
            args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())


# -- the stages of benchmarks.run ----------------------------------------------------------------

#: edits the ``serve_edit`` stage makes (each of another page)
STAGE_EDITS = 5


def first_setup(ctx: Any, prepared: Any) -> Any:
    """A new work folder with an empty cache folder (a first ``kzgraph serve`` on the content:
    the server only reads the content)."""
    from types import SimpleNamespace

    work = Path(tempfile.mkdtemp(prefix="serve-first-", dir=ctx.scratch))
    return SimpleNamespace(ctx=ctx, work=work, content=ctx.content)


def first_run(state: Any) -> dict[str, Any]:
    """Start the server and wait for its first answer; stopped again before this returns,
    whatever happens (its CPU time and memory taken before)."""
    server = start(state.content, state.work / "xdg", state.work / "serve.log")
    try:
        return {"ready_s": server.ready_s, "server_cpu_s": server.cpu_first_s,
                "server_peak_mb": server.peak_first_mb,
                "built_in_s": (server.built_in() or [None])[0]}
    finally:
        _stop(server.process)


def first_after(state: Any) -> dict[str, Any]:
    shutil.rmtree(state.work, ignore_errors=True)
    return {}


def edit_setup(ctx: Any, prepared: Any) -> Any:
    """A copy of the content (pages are edited), and a server started on it (its first
    build untimed)."""
    from types import SimpleNamespace

    work = Path(tempfile.mkdtemp(prefix="serve-edit-", dir=ctx.scratch))
    shutil.copytree(ctx.content, work / "content")
    server = start(work / "content", work / "xdg", work / "serve.log")
    return SimpleNamespace(ctx=ctx, work=work, server=server, results=[])


def edit_run(state: Any) -> None:
    """:data:`STAGE_EDITS` edits, each timed to HTML, RDF and SPARQL (the server is stopped
    if one fails)."""
    try:
        state.results = edits(state.server, STAGE_EDITS)
    except BaseException:
        _stop(state.server.process)
        raise


def edit_after(state: Any) -> dict[str, Any]:
    try:
        server = state.server
        out = {"first_ready_s": server.ready_s, "first_server_cpu_s": server.cpu_first_s,
               "first_server_peak_mb": server.peak_first_mb, **medians(state.results),
               "edits": state.results,
               "broken_answers": sum(r["broken_answers"] for r in state.results)}
        return out
    finally:
        _stop(state.server.process)
        shutil.rmtree(state.work, ignore_errors=True)

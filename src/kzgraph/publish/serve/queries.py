"""Running the endpoint's queries in worker processes, so that a runaway query can be stopped.

Oxigraph cannot interrupt a query once it runs, and a thread cannot be killed: each query runs
in a worker process that holds the published graph in its own in-memory store (loaded by
:meth:`kzgraph.query.engines.LocalEngine.from_file`, the path ``kzgraph query --data`` takes),
and a worker that passes the time limit is killed and replaced. The answer is written in the
worker (:mod:`kzgraph.publish.serve.worker`) by :func:`kzgraph.query.results.render`, the writer
``kzgraph query --format`` uses, so the endpoint and the command give the same rows.
"""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import sys
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path


@dataclass(frozen=True)
class Answer:
    """What a query gave: an HTTP status, the body and its media type."""

    status: int
    body: bytes
    media_type: str = "text/plain; charset=utf-8"


def _message(status: int, text: str) -> Answer:
    return Answer(status, (text.rstrip() + "\n").encode("utf-8"))


class _Worker:
    """One worker process (``python -m kzgraph.publish.serve.worker DATA BASE MAX_ROWS``),
    spoken to over its standard input and output."""

    def __init__(self, data: Path | None, base: str, max_rows: int, generation: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kzgraph.publish.serve.worker", str(data or ""), base,
             str(max_rows)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self.process.stdin is not None and self.process.stdout is not None
        self.to = Connection(os.dup(self.process.stdin.fileno()), readable=False)
        self.back = Connection(os.dup(self.process.stdout.fileno()), writable=False)
        self.process.stdin.close()
        self.process.stdout.close()
        self.generation = generation

    def wait_ready(self, timeout: float) -> None:
        try:
            if not self.back.poll(timeout):
                raise RuntimeError(f"a query worker did not load the graph within {timeout:g} s")
            kind, detail = self.back.recv()
        except (EOFError, OSError):
            kind, detail = "failed", "it ended at once"
        except RuntimeError:
            self.kill()
            raise
        if kind != "ready":
            self.kill()
            raise RuntimeError(f"a query worker could not load the graph: {detail}")

    def send(self, job: object) -> None:
        self.to.send(job)

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.to.send(None)
        try:
            self.process.wait(2)
        except subprocess.TimeoutExpired:
            self.kill()
        self._close()

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(5)
        self._close()

    def _close(self) -> None:
        for conn in (self.to, self.back):
            with contextlib.suppress(OSError):
                conn.close()


class QueryPool:
    """``size`` worker processes holding the graph in ``data`` (an N-Triples file).

    :param timeout: seconds a query may run before its worker is killed (HTTP 503)
    :param max_rows: the most rows (or triples) an answer may have (HTTP 400 beyond)
    """

    def __init__(self, data: Path | None, base: str, *, size: int = 2, timeout: float = 10.0,
                 max_rows: int = 100_000, load_timeout: float = 300.0) -> None:
        self.base, self.size, self.timeout, self.max_rows = base, size, timeout, max_rows
        self.load_timeout = load_timeout
        self.data = data
        self.generation = 0
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    def _spawn(self) -> _Worker:
        worker = _Worker(self.data, self.base, self.max_rows, self.generation)
        with self._lock:
            self._all.add(worker)
        return worker

    def start(self) -> QueryPool:
        """Start the workers and wait until each has loaded the graph."""
        workers = [self._spawn() for _ in range(self.size)]
        for worker in workers:
            worker.wait_ready(self.load_timeout)
            self._idle.put(worker)
        return self

    def reload(self, data: Path | None) -> None:
        """Serve ``data`` from now on: new workers load it; the old ones end after their query."""
        with self._lock:
            self.data = data
            self.generation += 1
        fresh = [self._spawn() for _ in range(self.size)]
        for worker in fresh:
            worker.wait_ready(self.load_timeout)
        old = []
        while True:
            try:
                old.append(self._idle.get_nowait())
            except queue.Empty:
                break
        for worker in fresh:
            self._idle.put(worker)
        for worker in old:
            self._retire(worker)

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.stop()

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker that ran too long and start another in the background."""
        with self._lock:
            self._all.discard(worker)
        worker.kill()

        def start() -> None:
            if self._closed or worker.generation != self.generation:
                return  # (a worker of older data: reload() has started the new ones)
            fresh = self._spawn()
            try:
                fresh.wait_ready(self.load_timeout)
            except RuntimeError:
                with self._lock:
                    self._all.discard(fresh)
                return
            self._idle.put(fresh)
        threading.Thread(target=start, daemon=True).start()

    def run(self, text: str, fmt: str) -> Answer:
        """Run ``text`` and write its answer in ``fmt`` (a result or RDF format name).
        Blocking: the server calls it in a thread."""
        try:
            worker = self._idle.get(timeout=self.timeout + self.load_timeout)
        except queue.Empty:
            return _message(503, "Every query worker is busy; try again in a moment.")
        if worker.generation != self.generation:  # a worker of older data
            self._retire(worker)
            return self.run(text, fmt)
        try:
            worker.send((text, fmt))
            if not worker.back.poll(self.timeout):
                self._replace(worker)
                return _message(503, f"The query ran longer than this server's limit of "
                                f"{self.timeout:g} s and was stopped: narrow it or add a LIMIT.")
            kind, (status, body, media_type) = worker.back.recv()
        except (EOFError, OSError):
            self._replace(worker)
            return _message(500, "The query worker ended unexpectedly (out of memory?); it "
                            "has been restarted.")
        self._idle.put(worker)
        return Answer(status, body, media_type)

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()

"""Benchmark: ``kzgraph serve`` under load on loopback.

Not a test: it prints figures. It starts a real ``kzgraph serve`` on a free loopback port over
a content folder (the repository's, or one generated with ``benchmarks.generate``), times its
start (from the command to the first answer: the site build and the query workers' load
included), then runs CLIENTS concurrent clients (threads, each with one keep-alive
connection) sending REQUESTS requests each, mixing resource pages (a browser's Accept), their
RDF (Turtle, JSON-LD, N-Triples by Accept) and the saved queries (with their default
parameters) on /sparql. It reports p50/p99 latency overall and per kind, the errors (any
answer but 200, or a failed connection), and the memory (PSS) of the server and its query
workers, idle and after the load.

    .venv/bin/python -m benchmarks.bench_serve                         # the real content
    .venv/bin/python -m benchmarks.bench_serve --pages 10000 [--clients 20 --requests 200]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
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
from pathlib import Path

from benchmarks.memwatch import tree_mb

ROOT = Path(__file__).resolve().parents[1]
KZGRAPH = str(Path(sys.executable).parent / "kzgraph")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RDF = ("text/turtle", "application/ld+json", "application/n-triples")
REQUIRED = {"describe": {"resource": "category:local-ngo"},
            "modified-since": {"since": "2020-01-01"}, "sources-by-keyword": {"text": "gender"}}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(content: Path, port: int, log: Path, watch: bool) -> tuple[subprocess.Popen, float]:
    extra = [] if watch else ["--no-watch"]
    started = time.perf_counter()
    with open(log, "wb") as out:
        process = subprocess.Popen([KZGRAPH, "serve", "--port", str(port), "--content",
                                    str(content), "--timeout", "30", *extra],
                                   stdout=out, stderr=subprocess.STDOUT)
    while True:
        if process.poll() is not None:
            raise SystemExit(f"kzgraph serve exited:\n{log.read_text()}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/_kzgraph/version")
            if connection.getresponse().status == 200:
                return process, time.perf_counter() - started
        except OSError:
            time.sleep(0.1)


def get(connection: http.client.HTTPConnection, path: str, accept: str) -> tuple[int, bytes]:
    connection.request("GET", path, headers={"Accept": accept})
    response = connection.getresponse()
    return response.status, response.read()


def resources(port: int, limit: int) -> list[str]:
    """Paths of resource IRIs, found by asking the endpoint (so the mix matches the data)."""
    query = ("SELECT DISTINCT ?s WHERE { ?s a ?type FILTER(isIRI(?s) && !CONTAINS(STR(?s), '#')"
             " && STRSTARTS(STR(?s), 'http://127.0.0.1')) } ORDER BY ?s LIMIT " + str(limit))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    status, body = get(connection, "/sparql?" + urllib.parse.urlencode({"query": query}),
                       "application/sparql-results+json")
    assert status == 200, body[:300]
    rows = json.loads(body)["results"]["bindings"]
    return [urllib.parse.urlsplit(r["s"]["value"]).path for r in rows]


def saved_queries(base: str) -> list[tuple[str, str]]:
    from kzgraph.query.saved import bind, catalog
    from kzgraph.query.sparql import prepare

    out = []
    for saved in catalog().all():
        bindings = bind(saved.params, REQUIRED.get(saved.name, {}), base)
        text = prepare(saved.text, base, bindings).full_text
        graph = saved.form in ("CONSTRUCT", "DESCRIBE")
        out.append((saved.name, "/sparql?" + urllib.parse.urlencode({"query": text}),
                    "text/turtle" if graph else "application/sparql-results+json"))
    return out  # type: ignore[return-value]


def load(port: int, clients: int, requests: int, pages: list[str],
         queries: list[tuple[str, str, str]], seed: int) -> dict[str, list]:
    results: dict[str, list] = {"page": [], "rdf": [], "query": [], "errors": []}
    lock = threading.Lock()

    def client(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine: dict[str, list] = {"page": [], "rdf": [], "query": [], "errors": []}
        for _ in range(requests):
            roll = rng.random()
            if roll < 0.45:
                kind, path, accept = "page", rng.choice(pages), BROWSER
            elif roll < 0.9:
                kind, path, accept = "rdf", rng.choice(pages), rng.choice(RDF)
            else:
                name, path, accept = rng.choice(queries)
                kind = "query"
            started = time.perf_counter()
            try:
                status, _ = get(connection, path, accept)
            except (OSError, http.client.HTTPException) as exc:
                mine["errors"].append(f"{path}: {exc}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                continue
            mine[kind].append(time.perf_counter() - started)
            if status != 200:
                mine["errors"].append(f"{path} ({accept}): HTTP {status}")
        connection.close()
        with lock:
            for key, values in mine.items():
                results[key].extend(values)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results["seconds"] = [time.perf_counter() - started]
    return results


def edit_and_wait(port: int, content: Path, timeout: float = 1800) -> float | None:
    """Edit one source's title and time until the server has rebuilt (its version goes up):
    what an editor waits between a save and the page reloading."""
    def version() -> int:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        return json.loads(get(connection, "/_kzgraph/version", "application/json")[1])["version"]

    page = sorted((content / "sources").glob("*/index.md"))[0]
    before = version()
    started = time.perf_counter()
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace('title: "', 'title: "Edited ', 1), encoding="utf-8")
    while time.perf_counter() - started < timeout:
        if version() > before:
            return round(time.perf_counter() - started, 2)
        time.sleep(0.1)
    return None


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_serve",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--content", type=Path, default=None,
                        help="the content folder (default: the repository's)")
    parser.add_argument("--pages", type=int, default=0,
                        help="generate a content folder of this many page files instead")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=200, help="per client")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-watch", action="store_true", help="start the server without "
                        "watching the content (for folders larger than inotify allows)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="kzgraph-bench-serve-"))
    os.environ["XDG_CACHE_HOME"] = str(work / "cache")  # a cold, private cache
    try:
        content = work / "content"  # a copy: the benchmark edits a page
        if not args.pages:
            shutil.copytree(args.content or ROOT / "content", content)
        else:
            from benchmarks.generate import generate

            t = time.perf_counter()
            generate(content, args.pages, args.seed)
            print(f"generated {args.pages:,} page files in {time.perf_counter() - t:.1f} s")
        port = free_port()
        process, start_s = start(content, port, work / "serve.log", not args.no_watch)
        try:
            idle_mb = tree_mb(process.pid)
            base = f"http://127.0.0.1:{port}/"
            pages = resources(port, 5000)
            queries = saved_queries(base)
            results = load(port, args.clients, args.requests, pages, queries, args.seed)
            loaded_mb = tree_mb(process.pid)
            edit_s = None if args.no_watch else edit_and_wait(port, content)
        finally:
            stopping = time.perf_counter()
            process.send_signal(signal.SIGTERM)
            try:
                code = process.wait(120)
            except subprocess.TimeoutExpired:
                process.kill()
                code = process.wait(10)
            stop_s = time.perf_counter() - stopping
            print((work / "serve.log").read_text(errors="replace")[-3000:], file=sys.stderr)
        everything = results["page"] + results["rdf"] + results["query"]
        figures = {
            "content": str(args.content or "repository content") if not args.pages
            else f"generated, {args.pages} page files",
            "clients": args.clients, "requests_per_client": args.requests,
            "requests": len(everything) + len(results["errors"]),
            "errors": len(results["errors"]), "first_errors": results["errors"][:5],
            "start_s": round(start_s, 2), "memory_idle_mib": round(idle_mb, 1),
            "memory_after_load_mib": round(loaded_mb, 1),
            "wall_s": round(results["seconds"][0], 2),
            "requests_per_s": round(len(everything) / results["seconds"][0], 1),
            "resources_sampled": len(pages), "exit_code": code, "stop_s": round(stop_s, 2),
            "edit_to_rebuilt_s": edit_s,
        }
        for kind in ("page", "rdf", "query"):
            values = results[kind]
            if values:
                figures[kind] = {"n": len(values),
                                 "p50_ms": round(statistics.median(values) * 1000, 1),
                                 "p99_ms": round(percentile(values, 0.99) * 1000, 1)}
        figures["all"] = {"n": len(everything),
                          "p50_ms": round(statistics.median(everything) * 1000, 1),
                          "p99_ms": round(percentile(everything, 0.99) * 1000, 1)}
        print(json.dumps(figures, indent=2))
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        return 0 if not results["errors"] else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())

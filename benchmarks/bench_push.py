"""Push a dump of 1,000,000 generated triples into a real Oxigraph server through ``kzgraph push``;
report the wall time and the client's peak memory.

    python -m benchmarks.bench_push                       # 1,000,000 triples, 3 runs
    python -m benchmarks.bench_push --triples 200000 --repeat 1 --json /tmp/push.json

The dump is N-Quads written by a simple generator (a mix of IRIs, language-tagged and typed
literals, spread over ``--graphs`` named graphs under the base), streamed to a temp file. Each run
is a fresh ``python -m kzgraph push --dump FILE`` process against an Oxigraph server on
127.0.0.1 (a free port, stopped by its PID); its peak memory is that process's ``ru_maxrss``
(from ``os.wait4``), next to the peak of a process that only imports kzgraph's push code, so the
memory the push itself takes shows. Three kinds of run:

- ``per-graph``: one PUT per named graph, into an empty store;
- ``per-graph again``: the same push again (every graph replaced, nothing else changes);
- ``one graph``: ``--graph IRI``, all triples in one PUT of one streamed body;
- ``curl, one graph``: the baseline: ``curl -T`` PUTs the same statements, as an N-Triples file,
  into one graph. ``one graph`` over it is what kzgraph's client costs on top of the store's work.

After each run the store is counted with SPARQL, and the run fails unless it holds exactly the
triples pushed. Figures go to the terminal and to ``--json`` (default
``benchmarks/results/push.json``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from servers import OxigraphServer  # noqa: E402  (the tests' server helper)

BASE = "https://kzgraph.example/"


def generate(path: Path, triples: int, graphs: int, quads: bool = True) -> int:
    """Write an N-Quads dump of ``triples`` statements over ``graphs`` graphs (or, without
    ``quads``, the same statements as N-Triples); its byte size."""
    per_graph = max(1, triples // graphs)
    with open(path, "w", encoding="utf-8", buffering=1 << 20) as out:
        for i in range(triples):
            g = f"<{BASE}graph/bench/{i // per_graph:06d}>"
            s = f"<{BASE}bench/s{i // 10}>"
            kind = i % 5
            if kind == 0:
                line = (f"{s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                        f"<{BASE}ontology#T{i % 7}>")
            elif kind == 1:
                line = f'{s} <http://purl.org/dc/terms/title> "Source number {i}"@en'
            elif kind == 2:
                line = f'{s} <http://purl.org/dc/terms/title> "Источник номер {i}"@ru'
            elif kind == 3:
                line = (f'{s} <http://purl.org/dc/terms/modified> "2024-{1 + i % 12:02d}-'
                        f'{1 + i % 28:02d}"^^<http://www.w3.org/2001/XMLSchema#date>')
            else:
                line = f"{s} <https://kzgraph.example/ontology#category> <{BASE}category/c{i % 9}>"
            out.write(f"{line} {g} .\n" if quads else f"{line} .\n")
    return path.stat().st_size


def count(server: OxigraphServer, graph_prefix: str) -> int:
    query = ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
             f'FILTER(STRSTARTS(STR(?g), "{graph_prefix}")) }}')
    request = urllib.request.Request(
        server.query_url, data=urllib.parse.urlencode({"query": query}).encode(),
        headers={"Accept": "application/sparql-results+json",
                 "Content-Type": "application/x-www-form-urlencoded"})
    rows = json.loads(urllib.request.urlopen(request, timeout=600).read())["results"]["bindings"]
    return int(rows[0]["n"]["value"])


def run(args: list[str], cwd: Path) -> tuple[float, int, str]:
    """Run a command in a fresh process; wall seconds, peak RSS in KiB, its stderr."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        err.seek(0)
        text = err.read().decode("utf-8", errors="replace")
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} exited {process.returncode}:\n{text}")
    return seconds, usage.ru_maxrss, text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--graphs", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks/results/push.json")
    options = parser.parse_args(argv)

    python = sys.executable
    results: dict[str, Any] = {
        "benchmark": "kzgraph push --dump (N-Quads) into Oxigraph over the Graph Store Protocol",
        "date": dt.date.today().isoformat(),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform()},
        "triples": options.triples, "graphs": options.graphs, "repeat": options.repeat,
        "runs": {},
    }
    with tempfile.TemporaryDirectory(prefix="kzgraph-bench-push-") as tmp:
        folder = Path(tmp)
        dump = folder / "bench.nq"
        t = time.perf_counter()
        size = generate(dump, options.triples, options.graphs)
        print(f"Generated {options.triples:,} triples in {options.graphs:,} graphs: "
              f"{size / 1e6:.1f} MB in {time.perf_counter() - t:.1f} s")
        results["dump_bytes"] = size
        ntriples = folder / "bench.nt"
        generate(ntriples, options.triples, options.graphs, quads=False)
        _, baseline_kib, _ = run([python, "-c", "import kzgraph.publish.push, kzgraph.cli"], ROOT)
        results["import_only_peak_rss_mib"] = round(baseline_kib / 1024, 1)
        print(f"A process that only imports kzgraph.publish.push: peak RSS {baseline_kib / 1024:.1f} MiB")

        one = f"{BASE}graph/bench-all"
        kinds = [("per-graph", [], True), ("per-graph again", [], False),
                 ("one graph", ["--graph", one], True), ("curl, one graph", None, True)]
        for name, extra, fresh in kinds:
            seconds_list, peaks = [], []
            for _ in range(options.repeat):
                server = OxigraphServer(folder / f"db-{name.replace(' ', '-')}-{len(peaks)}")
                server.start()
                try:
                    push = [python, "-m", "kzgraph", "push", "--endpoint", server.store_url,
                            "--dump", str(dump), "--quiet", *(extra or [])]
                    if extra is None:
                        push = ["curl", "-sSf", "-o", "/dev/null", "-X", "PUT", "-H",
                                "Content-Type: application/n-triples", "-T", str(ntriples),
                                f"{server.store_url}?graph={urllib.parse.quote(one, safe='')}"]
                    if not fresh:  # the store already holds the first push
                        run(push, ROOT)
                    seconds, peak_kib, _ = run(push, ROOT)
                    held = count(server, f"{BASE}graph/bench")
                    if held != options.triples:
                        raise SystemExit(f"{name}: the store holds {held:,} triples, not "
                                         f"{options.triples:,}")
                finally:
                    server.stop()
                seconds_list.append(seconds)
                peaks.append(peak_kib / 1024)
            results["runs"][name] = {
                "wall_seconds_median": round(statistics.median(seconds_list), 2),
                "wall_seconds": [round(s, 2) for s in seconds_list],
                "client_peak_rss_mib_median": round(statistics.median(peaks), 1),
                "client_peak_rss_mib": [round(p, 1) for p in peaks],
                "triples_per_second_median": round(options.triples
                                                   / statistics.median(seconds_list)),
            }
            r = results["runs"][name]
            print(f"{name:16} wall {r['wall_seconds_median']:7.2f} s (median of "
                  f"{options.repeat})  {r['triples_per_second_median']:>9,} triples/s  client "
                  f"peak RSS {r['client_peak_rss_mib_median']:6.1f} MiB  (dump "
                  f"{size / 2**20:.0f} MiB)")
    ours = [r for name, r in results["runs"].items() if not name.startswith("curl")]
    results["peak_rss_over_dump_size"] = round(
        max(r["client_peak_rss_mib_median"] for r in ours) / (size / 2**20), 3)
    runs = results["runs"]
    results["one_graph_wall_over_curl"] = round(
        runs["one graph"]["wall_seconds_median"] / runs["curl, one graph"]["wall_seconds_median"],
        2)
    print(f"kzgraph push over curl, one graph: {results['one_graph_wall_over_curl']:.2f}x wall time")
    options.json.parent.mkdir(parents=True, exist_ok=True)
    options.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                            encoding="utf-8")
    print(f"Wrote {options.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Time every stage of kzgraph, and the straightforward rdflib/pyshacl pipeline, on generated
content; report median, min and max wall time, CPU time and peak memory, and our time over its
time, stage by stage.

    python -m benchmarks.run --pages 10000 --repeat 3
    python -m benchmarks.run --pages 100000 --repeat 1 --no-baseline --no-verify-rebuild \
        --stages 'floor,load,build,build_1job,rebuild,check,query:*'
    python -m benchmarks.run --pages 10000 --stages 'export_*,base_turtle' --json /tmp/x.json
    python -m benchmarks.run --pages 100000 --profile heavy --repeat 3 --no-baseline \
        --stages 'floor,build,build_all,rebuild,check,check_after_build,query_first,query_later*,query:*,cli:*'
    python -m benchmarks.run --pages 100000 --profile heavy --no-baseline --stages 'serve_*'

``--profile heavy`` generates content the way editors write it (:mod:`benchmarks.heavy`); the
report then ends with the figures of issue 11's table, each next to its target.

The content is generated once per (pages, seed, generator) under ``--cache-dir`` and reused.
Every timed run is a process of its own (see :mod:`benchmarks.worker`): with ``--isolation
fork`` (the default) the data a group of stages starts from (the loaded pages, the mapped graph,
the query store) is prepared once and each run is a child forked from it; with ``--isolation
fresh`` each run is a new interpreter that prepares everything itself (much slower at scale;
at 10,000 pages both give the same figures within 5%, see ``results/isolation-10000-*.json``).
The saved queries run once untimed before the timed run: a forked child's first touch of the
store's memory costs page copies a fresh process would not pay.

Peak memory is the run's process's ``ru_maxrss`` (the prepared data it starts from included);
for stages that start processes of their own (``build``, ``rebuild``, ``check``) it is the
largest sum, sampled every 0.5 s by a watcher process (``memwatch.py``), of the proportional set
sizes of the process and all its descendants, when that is larger. CPU time includes the
children's, not the watcher's. (A sampler thread inside the measured process, every 0.2 s,
cost a 100,000-page build 2.7 s of CPU and 2 s of wall time; the watcher at 0.5 s costs about
1 s of CPU on the other core.)

``--snapshot`` measures a copy of the working tree's kzgraph taken at the start, so edits made
during a long run do not change what it measures. Figures go to the terminal and to ``--json``
(default ``benchmarks/results/run-<pages>.json``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .stages import BASELINE_TOTAL, OURS_TOTAL, STAGES, Stage, select

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "kzgraph-bench"
GROUP_ORDER = ("none", "content", "mapped", "store", "querystore")

#: the issue's targets
TARGET_BUILD_S = 60.0
TARGET_FLOOR_RATIO = 3.0
TARGET_SPEEDUP = 5.0
TARGET_PEAK_MB = 1.5 * 1024
TARGET_QUERY_S = 0.5
TARGET_REBUILD_S = 5.0


# -- content -------------------------------------------------------------------------------------

def _generator_hash() -> str:
    digest = hashlib.sha256()
    for name in ("generate.py", "corpus.py", "heavy.py"):
        digest.update((Path(__file__).with_name(name)).read_bytes())
    return digest.hexdigest()[:10]


def ensure_content(pages: int, seed: int, cache: Path,
                   profile: str = "light") -> tuple[Path, dict[str, Any]]:
    """The generated content folder for (pages, seed, profile), made once and reused after."""
    from .generate import GENERATOR_VERSION, generate

    folder = cache / (f"pages-{pages}-seed-{seed}-g{GENERATOR_VERSION}-{_generator_hash()}"
                      + ("" if profile == "light" else f"-{profile}"))
    content = folder / "content"
    info_file = folder / "corpus.json"
    if content.is_dir() and info_file.is_file():
        info = json.loads(info_file.read_text(encoding="utf-8"))
        info["reused"] = True
        return content, info
    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    corpus = generate(content, pages, seed, force=True, profile=profile)
    info = {**corpus.stats, "seed": seed, "profile": profile, "generate_s": round(time.perf_counter() - t0, 2)}
    info_file.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return content, {**info, "reused": False}


def warm_file_cache(content: Path) -> float:
    """Read every file under ``content`` once (untimed by the stages); returns the seconds."""
    t0 = time.perf_counter()
    for folder, _, names in os.walk(content):
        for name in names:
            with open(os.path.join(folder, name), "rb") as handle:
                while handle.read(1 << 20):
                    pass
    return round(time.perf_counter() - t0, 2)


# -- the code measured ---------------------------------------------------------------------------

#: what a copy of kzgraph needs: the package and the data folders it reads at run time
CODE_PARTS = ("src", "shapes", "ontology", "contexts", "queries")
CODE_ENV = "KZGRAPH_BENCH_CODE"


def snapshot_code(cache: Path) -> Path:
    """Copy the working tree's kzgraph (package and data folders) to a folder named by its
    content hash, so edits made while a long benchmark runs do not change what it measures."""
    import shutil

    digest = hashlib.sha256()
    files = sorted(p for part in CODE_PARTS if (ROOT / part).exists()
                   for p in (ROOT / part).rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts)
    for path in files:
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    target = cache / f"code-{digest.hexdigest()[:12]}"
    if not target.is_dir():
        staging = cache / f".{target.name}.tmp-{os.getpid()}"
        for path in files:
            dest = staging / path.relative_to(ROOT)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest)
        staging.rename(target)
    return target


def _use_code(code: Path, argv: list[str]) -> None:
    """Re-run this command with kzgraph imported from ``code`` (workers inherit it)."""
    code = code.resolve()
    if os.environ.get(CODE_ENV) == str(code):
        return
    env = {**os.environ, CODE_ENV: str(code),
           "PYTHONPATH": os.pathsep.join([str(code / "src"), str(ROOT)])}
    os.execve(sys.executable, [sys.executable, "-m", "benchmarks.run", *argv], env)


# -- running -------------------------------------------------------------------------------------

def _worker(args: list[str], timeout: float,
            on_record: Any = None) -> tuple[list[dict[str, Any]], str]:
    """Start a worker and read its JSON records as they come (``on_record`` sees each); returns
    them and the tail of its error output. A worker past ``timeout`` is killed."""
    import threading

    cmd = [sys.executable, "-m", "benchmarks.worker", *args]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [*filter(None, [os.environ.get("PYTHONPATH")]), str(ROOT)])}
    with tempfile.TemporaryFile() as err_file:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=err_file, text=True)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        records = []
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue
                records.append(record)
                if on_record is not None:
                    on_record(record)
            proc.wait()
        finally:
            timer.cancel()
        err_file.seek(0)
        err = err_file.read().decode("utf-8", "replace")
    if proc.returncode and proc.returncode < 0:
        err += f"\nthe worker was killed (signal {-proc.returncode}; timeout {timeout:.0f} s?)"
    return records, "\n".join(err.strip().splitlines()[-8:])


def _paired_order(stages: list[Stage]) -> list[Stage]:
    """Each straightforward stage right after ours that it is compared with, so both see the
    same load on the machine."""
    names = {s.name: s for s in stages}
    out: list[Stage] = []
    for s in stages:
        if s in out:
            continue
        out.append(s)
        pair = names.get(s.pair or "")
        if pair is not None and pair not in out:
            out.append(pair)
    return out


def run_stages(stages: list[Stage], content: Path, *, repeat: int, isolation: str, base: str,
               timeout: float, scratch: Path, progress: bool = True,
               verify: bool = True) -> dict[str, Any]:
    """Run every stage ``repeat`` times; returns the runs per stage and the preparations."""
    runs: dict[str, list[dict[str, Any]]] = {s.name: [] for s in stages}
    preps: list[dict[str, Any]] = []
    common = ["--content", str(content), "--base", base, "--scratch", str(scratch),
              "--timeout", str(timeout), *([] if verify else ["--no-verify"])]
    by_group = {g: _paired_order([s for s in stages if s.group == g]) for g in GROUP_ORDER}
    jobs: list[tuple[str, list[Stage], int, str]] = []
    for group, members in by_group.items():
        if not members:
            continue
        if isolation == "fork":
            jobs.append((group, members, repeat, "fork"))
        else:
            for rep in range(repeat):
                jobs += [(group, [s], 1, "inline") for s in members]
    for group, members, reps, mode in jobs:
        names = ",".join(s.name for s in members)
        if progress:
            print(f"  [{group}] {names} x{reps} ...", file=sys.stderr, flush=True)
        budget = timeout * (len(members) * reps + 2)
        got = {s.name: 0 for s in members}

        def seen(record: dict[str, Any]) -> None:
            if record.get("type") == "prep":
                preps.append(record)
            elif record.get("type") == "run" and record.get("stage") in runs:
                runs[record["stage"]].append(record)
                got[record["stage"]] += 1
                if progress:
                    what = (f"{record['wall_s']:.2f} s, {run_peak_mb(record):.0f} MB"
                            if record["status"] == "ok" else
                            f"{record['status']}: {record.get('error')}")
                    print(f"    {record['stage']}: {what}", file=sys.stderr, flush=True)

        _, err = _worker(["--group", group, "--stages", names, "--repeat", str(reps),
                          "--isolation", mode, *common], budget, seen)
        for name, n in got.items():
            for _ in range(reps - n):  # the worker died before reporting these
                runs[name].append({"status": "error",
                                   "error": f"the worker ended without a result: {err}"})
    return {"runs": runs, "preps": preps}


# -- summarising ---------------------------------------------------------------------------------

def run_peak_mb(record: dict[str, Any]) -> float:
    """A run's memory: its process's peak RSS, or the sampled sum over the processes it
    started when that is larger (a stage that runs ``kzgraph query`` in a new process peaks
    in that process: its own peak is only the small process that waited for it)."""
    return max(record["peak_rss_mb"], record.get("tree_peak_pss_mb") or 0.0)


def summarise(stage: Stage, runs: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in runs if r.get("status") == "ok"]
    out: dict[str, Any] = {"family": stage.family, "group": stage.group, "doc": stage.doc,
                           "pair": stage.pair, "runs": len(runs), "ok": len(ok)}
    if not ok:
        statuses = {r.get("status") for r in runs}
        out["status"] = "unavailable" if statuses == {"unavailable"} else "error"
        out["error"] = next((r.get("error") for r in runs if r.get("error")), "no runs")
        tb = next((r.get("traceback") for r in runs if r.get("traceback")), None)
        if tb:
            out["traceback"] = tb
        return out
    walls = [r["wall_s"] for r in ok]
    peaks = [run_peak_mb(r) for r in ok]
    out.update(
        status="ok" if len(ok) == len(runs) else "partial",
        median_s=statistics.median(walls), min_s=min(walls), max_s=max(walls),
        cpu_median_s=statistics.median(r["cpu_s"] + (r.get("children_cpu_s") or 0.0)
                                       for r in ok),
        peak_rss_mb=max(peaks), peak_rss_median_mb=statistics.median(peaks),
        start_rss_mb=statistics.median(r["start_rss_mb"] for r in ok),
        wall_s=walls,
    )
    if any("tree_peak_pss_mb" in r for r in ok):
        out["process_peak_rss_mb"] = max(r["peak_rss_mb"] for r in ok)
        out["tree_peak_pss_mb"] = max(r.get("tree_peak_pss_mb") or 0.0 for r in ok)
        out["children_cpu_median_s"] = statistics.median(r.get("children_cpu_s") or 0.0
                                                         for r in ok)
    extra = dict(ok[0].get("extra") or {})
    for key in list(extra):
        if key.endswith("_s") and all(isinstance((r.get("extra") or {}).get(key), (int, float))
                                      for r in ok):
            extra[key] = statistics.median(r["extra"][key] for r in ok)
    out["extra"] = extra
    if len(ok) < len(runs):
        out["error"] = next(r.get("error") for r in runs if r.get("status") != "ok")
    return out


def _median(summary: dict[str, Any], name: str) -> float | None:
    s = summary.get(name)
    return s.get("median_s") if s and s.get("status") in ("ok", "partial") else None


def _sum(summary: dict[str, Any], names: tuple[str, ...]) -> tuple[float | None, list[str]]:
    missing = [n for n in names if _median(summary, n) is None]
    if missing:
        return None, missing
    return sum(_median(summary, n) or 0.0 for n in names), []


def compare(summary: dict[str, Any]) -> dict[str, Any]:
    """Our time over the straightforward time, stage by stage and in total; the floor ratio;
    the issue's targets, each met or not (None when a figure is missing)."""
    ratios: dict[str, Any] = {}
    for name, s in summary.items():
        pair = s.get("pair")
        ours, theirs = _median(summary, name), _median(summary, pair) if pair else None
        if pair and ours is not None and theirs:
            cpu = summary[name]["cpu_median_s"], summary[pair]["cpu_median_s"]
            ratios[name] = {"vs": pair, "ours_s": ours, "theirs_s": theirs,
                            "ratio": ours / theirs,
                            "cpu_ratio": cpu[0] / cpu[1] if cpu[1] else None}
    ours_total, ours_missing = _sum(summary, OURS_TOTAL)
    base_total, base_missing = _sum(summary, BASELINE_TOTAL)
    floor = _median(summary, "floor")
    build = _median(summary, "build")
    totals: dict[str, Any] = {
        "ours_stages": list(OURS_TOTAL), "ours_s": ours_total, "ours_missing": ours_missing,
        "baseline_stages": list(BASELINE_TOTAL), "baseline_s": base_total,
        "baseline_missing": base_missing,
        "floor_s": floor, "build_s": build,
        "ours_over_baseline": ours_total / base_total if ours_total and base_total else None,
        "build_over_baseline": build / base_total if build and base_total else None,
        "ours_over_floor": ours_total / floor if ours_total and floor else None,
        "build_over_floor": build / floor if build and floor else None,
    }
    ours_peaks = [s["peak_rss_mb"] for s in summary.values()
                  if s.get("family") in ("ours", "library") and "peak_rss_mb" in s]
    query_medians = {n: s["median_s"] for n, s in summary.items()
                     if n.startswith("query:") and "median_s" in s}
    cold = build if build is not None else ours_total
    build_peak = summary.get("build", {}).get("peak_rss_mb")
    peak = build_peak if build_peak is not None else (max(ours_peaks) if ours_peaks else None)
    rebuild = summary.get("rebuild", {})
    identical = (rebuild.get("extra") or {}).get("identical_to_cold_build")
    targets = {
        "build_under_60s": None if cold is None else cold < TARGET_BUILD_S,
        "within_3x_floor": None if cold is None or not floor else cold <= TARGET_FLOOR_RATIO * floor,
        "5x_faster_than_straightforward": None if cold is None or not base_total
        else base_total / cold >= TARGET_SPEEDUP,
        "peak_under_1.5GB": None if peak is None else peak < TARGET_PEAK_MB,
        "rebuild_under_5s": None if "median_s" not in rebuild
        else rebuild["median_s"] < TARGET_REBUILD_S,
        "rebuild_identical_to_cold": identical,
        "queries_under_0.5s": None if not query_medians
        else all(v < TARGET_QUERY_S for v in query_medians.values()),
        "measured_with": ("build (cold, end to end)" if build is not None
                          else "the sum of our stages"),
    }
    return {"ratios": ratios, "totals": totals, "targets": targets,
            "peak_mb_build": build_peak,
            "peak_mb_ours_any_stage": max(ours_peaks) if ours_peaks else None}


# -- issue 11's table ----------------------------------------------------------------------------

#: the targets of issue 11 (heavy content at 100,000 pages)
ISSUE_FLOOR_BUILD = 3.0
ISSUE_FLOOR_BUILD_ALL = 3.5
ISSUE_REBUILD_S = 2.0
ISSUE_FLOOR_VALIDATE = 2.0
#: "nearly free right after a build", read as at most a tenth of the floor
ISSUE_FLOOR_VALIDATE_WARM = 0.1
ISSUE_QUERY_S = 0.5
ISSUE_PEAK_MB = 1024.0


def issue_table(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Each figure of issue 11's table, its target and whether it is met (None: not run)."""
    floor = _median(summary, "floor")

    def row(stage: str, what: str, target: str, limit: float | None,
            per_floor: bool = False) -> dict[str, Any]:
        value = _median(summary, stage)
        out: dict[str, Any] = {"what": what, "stage": stage, "median_s": value,
                               "target": target}
        if value is not None and floor and per_floor:
            out["over_floor"] = value / floor
        if value is None or limit is None:
            out["met"] = None
        elif per_floor:
            out["met"] = None if not floor else value <= limit * floor
        else:
            out["met"] = value <= limit
        first = ((summary.get(stage) or {}).get("extra") or {}).get("first_row_s")
        if first is not None:
            out["first_row_s"] = first
        return out

    rows = [
        row("floor", "floor: walk, read, parse front matter, one core", "-", None),
        row("build", "build, 4 formats (ttl, jsonld, nt, nq), cold",
            f"<= {ISSUE_FLOOR_BUILD:g}x the floor", ISSUE_FLOOR_BUILD, True),
        row("build_all", "build, all formats, cold", f"<= {ISSUE_FLOOR_BUILD_ALL:g}x the floor",
            ISSUE_FLOOR_BUILD_ALL, True),
        row("rebuild", "rebuild after one edit (4 formats)", f"<= {ISSUE_REBUILD_S:g} s",
            ISSUE_REBUILD_S),
        row("check", "validate, cold", f"<= {ISSUE_FLOOR_VALIDATE:g}x the floor",
            ISSUE_FLOOR_VALIDATE, True),
        row("check_after_build", "validate right after a build",
            f"nearly free (<= {ISSUE_FLOOR_VALIDATE_WARM:g}x the floor)",
            ISSUE_FLOOR_VALIDATE_WARM, True),
        row("query_first", "kzgraph query on the content, first call after a build", "-", None),
        row("query_later", "kzgraph query on the content, a later call",
            f"<= {ISSUE_QUERY_S:g} s", ISSUE_QUERY_S),
        row("query_later_labels", "kzgraph query labels (a bulk answer), a later call",
            f"<= {ISSUE_QUERY_S:g} s", ISSUE_QUERY_S),
        row("query_later_bulk", "kzgraph query sources-by-category (the most rows), later",
            f"<= {ISSUE_QUERY_S:g} s", ISSUE_QUERY_S),
    ]
    def serve_row(stage: str, key: str, what: str, limit: float | None) -> dict[str, Any]:
        """A figure of the ``serve_*`` stages, from what they report (medians of the runs)."""
        s = summary.get(stage) or {}
        value = (s.get("extra") or {}).get(key) if s.get("status") in ("ok", "partial") \
            else None
        return {"what": what, "stage": stage, "median_s": value,
                "target": "-" if limit is None else f"<= {limit:g} s",
                "met": None if value is None or limit is None else value <= limit}

    rows += [
        serve_row("serve_first", "ready_s", "serve: first build, to the first answer", None),
        serve_row("serve_edit", "median_html_s", "serve: one edit, to its HTML page",
                  ISSUE_REBUILD_S),
        serve_row("serve_edit", "median_rdf_s", "serve: one edit, to its RDF (Turtle)",
                  ISSUE_REBUILD_S),
        serve_row("serve_edit", "median_sparql_s", "serve: one edit, to a SPARQL answer", None),
        serve_row("serve_edit", "median_server_cpu_s", "serve: one edit, the server's CPU time",
                  None),
    ]

    def every_query(prefix: str, what: str) -> dict[str, Any]:
        """The row of a family of stages (``query:NAME``, ``cli:NAME``): the slowest median,
        and the queries over the target, slowest first."""
        medians = {n[len(prefix):]: s["median_s"] for n, s in summary.items()
                   if n.startswith(prefix) and "median_s" in s}
        over = {n: v for n, v in sorted(medians.items(), key=lambda x: -x[1])
                if v > ISSUE_QUERY_S}
        return {"what": what, "stage": f"{prefix}*",
                "median_s": max(medians.values()) if medians else None,
                "target": f"every one <= {ISSUE_QUERY_S:g} s", "over": over,
                "met": None if not medians else not over}

    rows.append(every_query("query:", "saved queries, in-process store"))
    rows.append(every_query("cli:", "saved queries, kzgraph query later calls"))
    peaks = [s.get("peak_rss_mb") for n, s in summary.items()
             if n in ("build", "build_all", "rebuild", "check") and s.get("peak_rss_mb")]
    rows.append({"what": "peak memory (process tree), builds and validate", "stage": "build*",
                 "peak_mb": max(peaks) if peaks else None, "target": "<= 1 GB",
                 "met": None if not peaks else max(peaks) <= ISSUE_PEAK_MB})
    serving = (summary.get("serve_first") or {}).get("peak_rss_mb")
    rows.append({"what": "peak memory (process tree), serve's first build",
                 "stage": "serve_first", "peak_mb": serving, "target": "-", "met": None})
    first = (summary.get("query_first") or {}).get("peak_rss_mb")
    rows.append({"what": "peak memory (process tree), the first query (makes the store)",
                 "stage": "query_first", "peak_mb": first, "target": "<= 1 GB",
                 "met": None if not first else first <= ISSUE_PEAK_MB})
    return rows


def issue_text(rows: list[dict[str, Any]]) -> str:
    lines = ["", "issue 11's table:", f"{'stage':58} {'measured':>26}  {'target':28} met"]
    for r in rows:
        if "peak_mb" in r:
            figure = "-" if r["peak_mb"] is None else f"{r['peak_mb']:.0f} MB"
        elif r["median_s"] is None:
            figure = "-"
        else:
            figure = f"{_fmt_s(r['median_s'])} s"
            if "over_floor" in r:
                figure += f" ({r['over_floor']:.2f}x)"
            if "first_row_s" in r:
                figure += f", first row {_fmt_s(r['first_row_s'])} s"
            if r.get("over"):
                figure = f"{len(r['over'])} over, max {figure}"
        met = {True: "yes", False: "NO", None: "?"}[r["met"]] if r["target"] != "-" else ""
        lines.append(f"{r['what']:58} {figure:>26}  {r['target']:28} {met}")
        if r.get("over"):
            lines.append("    over: " + ", ".join(f"{n} {v:.2f} s" for n, v in r["over"].items()))
    return "\n".join(lines)


# -- the report ----------------------------------------------------------------------------------

def _fmt_s(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def table(summary: dict[str, Any], comparison: dict[str, Any]) -> str:
    """The figures as a plain-text table."""
    header = ("stage", "median s", "min s", "max s", "cpu s", "peak MB", "vs", "theirs s",
              "ours/theirs", "cpu ratio")
    rows = [header]
    for name, s in summary.items():
        if s.get("status") in ("ok", "partial"):
            r = comparison["ratios"].get(name)
            rows.append((name, _fmt_s(s["median_s"]), _fmt_s(s["min_s"]), _fmt_s(s["max_s"]),
                         _fmt_s(s["cpu_median_s"]), f"{s['peak_rss_mb']:.0f}",
                         r["vs"] if r else "", _fmt_s(r["theirs_s"]) if r else "",
                         f"{r['ratio']:.2f}" if r else "",
                         f"{r['cpu_ratio']:.2f}" if r and r.get("cpu_ratio") else ""))
        else:
            rows.append((name, s.get("status", "?").upper(), "", "", "", "", "", "", "", ""))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(header))]
    lines = []
    for i, row in enumerate(rows):
        cells = [str(c).ljust(w) if j == 0 or j == 6 else str(c).rjust(w)
                 for j, (c, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    problems = [(n, s) for n, s in summary.items() if s.get("status") not in ("ok",)]
    for name, s in problems:
        lines.append(f"  {name}: {s.get('status')}: {s.get('error')}")
    t = comparison["totals"]
    lines += [
        "",
        f"ours ({' + '.join(t['ours_stages'])}): {_fmt_s(t['ours_s'])} s"
        + (f" (missing {', '.join(t['ours_missing'])})" if t["ours_missing"] else ""),
        f"straightforward ({' + '.join(t['baseline_stages'])}): {_fmt_s(t['baseline_s'])} s"
        + (f" (missing {', '.join(t['baseline_missing'])})" if t["baseline_missing"] else ""),
        f"build end to end: {_fmt_s(t['build_s'])} s; floor: {_fmt_s(t['floor_s'])} s",
    ]
    for label, key in (("ours / straightforward", "ours_over_baseline"),
                       ("build / straightforward", "build_over_baseline"),
                       ("ours / floor", "ours_over_floor"), ("build / floor", "build_over_floor")):
        if t[key] is not None:
            lines.append(f"{label}: {t[key]:.2f}")
    targets = comparison["targets"]
    lines.append("targets (" + targets["measured_with"] + "): " + ", ".join(
        f"{k} {'yes' if v else 'NO' if v is not None else '?'}"
        for k, v in targets.items() if k != "measured_with"))
    return "\n".join(lines)


def _git(*args: str) -> str | None:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=10).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in ("rdflib", "pyshacl", "pyoxigraph", "PyYAML", "python-frontmatter"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", choices=("light", "heavy"), default="light",
                        help="the generator's profile (heavy: content as editors write it)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stages", default=None,
                        help="comma-separated stage names or patterns (default: all): "
                             + ", ".join(STAGES))
    parser.add_argument("--baseline", action=argparse.BooleanOptionalAction, default=True,
                        help="also time the straightforward pipeline (default: yes)")
    parser.add_argument("--json", type=Path, default=None,
                        help="where to write the figures (default benchmarks/results/"
                             "run-<pages>.json)")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--content", type=Path, default=None,
                        help="time this content folder instead of generated content")
    parser.add_argument("--isolation", choices=("fork", "fresh"), default="fork")
    parser.add_argument("--timeout", type=float, default=1800.0,
                        help="seconds one run may take before it is reported as failed")
    parser.add_argument("--base", default="https://kzgraph.example/")
    parser.add_argument("--verify-rebuild", action=argparse.BooleanOptionalAction, default=True,
                        help="check that a rebuild writes the bytes of a cold build (one more "
                             "cold build per run; default: yes)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument("--code", type=Path, default=None,
                        help="measure the kzgraph in this folder (with src/, shapes/, ...)")
    parser.add_argument("--snapshot", action="store_true",
                        help="measure a copy of the working tree's kzgraph taken now, so "
                             "edits made during the run do not change it")
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    if args.snapshot or args.code:
        code = args.code or snapshot_code(args.cache_dir.resolve())
        rest = [a for a in argv if a != "--snapshot"]
        if args.code is None:
            rest += ["--code", str(code)]
        _use_code(code, rest)
    import kzgraph

    kzgraph_path = str(Path(kzgraph.__file__).resolve().parents[1])

    try:
        stages = select(args.stages, args.baseline)
    except ValueError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    if args.content is not None:
        content, corpus = args.content.resolve(), {"content": str(args.content)}
    else:
        content, corpus = ensure_content(args.pages, args.seed, args.cache_dir, args.profile)
    print(f"content: {content} ({corpus.get('pages', '?')} pages"
          + (", reused" if corpus.get("reused") else "") + ")", file=sys.stderr)
    # every stage is timed on a warm file cache, the first (the floor) included, as the
    # issue's figures are: a floor read from disk would flatter every ratio to it
    corpus["warm_up_s"] = warm_file_cache(content)
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="scratch-", dir=args.cache_dir))
    commit, dirty = _git("rev-parse", "HEAD"), bool(_git("status", "--porcelain", "--", *CODE_PARTS))
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    try:
        raw = run_stages(stages, content, repeat=args.repeat, isolation=args.isolation,
                         base=args.base, timeout=args.timeout, scratch=scratch,
                         progress=not args.quiet, verify=args.verify_rebuild)
    finally:
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)
    elapsed = time.perf_counter() - t0
    summary = {s.name: summarise(s, raw["runs"][s.name]) for s in stages}
    comparison = compare(summary)
    report = {
        "pages": args.pages if args.content is None else corpus.get("pages"),
        "seed": args.seed,
        "profile": args.profile,
        "repeat": args.repeat,
        "isolation": args.isolation,
        "baseline": args.baseline,
        "corpus": corpus,
        "when": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "commit": commit,
        "dirty": dirty,
        "code": kzgraph_path,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "loadavg_before": load_before, "loadavg_after": os.getloadavg(),
                    "memory_gb": round(os.sysconf("SC_PAGE_SIZE")
                                       * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)},
        "versions": _versions(),
        "elapsed_s": elapsed,
        "preparations": raw["preps"],
        "stages": summary,
        **comparison,
        "issue_11": issue_table(summary),
    }
    out = args.json or ROOT / "benchmarks" / "results" / f"run-{report['pages']}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(summary, comparison))
    print(issue_text(report["issue_11"]))
    triples = next((s["extra"].get("triples") for n, s in summary.items()
                    if n in ("map", "build") and s.get("extra")), None)
    print(f"\n{report['pages']} pages"
          + (f", {triples} triples ({triples / report['pages']:.1f} a page)"
             if triples and report["pages"] else "")
          + f"; {args.repeat} run(s) per stage, isolation {args.isolation}; "
          f"load average {load_before[0]:.1f} -> {os.getloadavg()[0]:.1f}; "
          f"took {elapsed:.0f} s. Figures in {out}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

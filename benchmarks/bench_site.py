"""The static site at scale: a cold ``kzgraph site`` build of generated content, a rebuild with
nothing changed, and a rebuild after one source page's edit (which files it rewrote), with the
site's size. Prints the figures and writes them as JSON.

    python -m benchmarks.bench_site --pages 10000 [--seed 0] [--no-search] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.generate import generate
from kzgraph.config import Settings
from kzgraph.publish.site import build_site


def _cpu() -> float:
    """CPU seconds of this process and its finished children (workers, Pagefind)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _timed(label: str, figures: dict, run) -> object:
    wall, cpu = time.perf_counter(), _cpu()
    report = run()
    figures[f"{label}_seconds"] = round(time.perf_counter() - wall, 2)
    figures[f"{label}_cpu_seconds"] = round(_cpu() - cpu, 2)
    figures[f"{label}_written"] = len(report.written)
    figures[f"{label}_rendered"] = report.rendered
    return report


def _edit_one_source(content: Path) -> Path:
    for path in sorted((content / "sources").glob("*/index.md")):
        text = path.read_text(encoding="utf-8")
        if "\ndescription: " in text:
            path.write_text(text.replace("\ndescription: \"", "\ndescription: \"Edited. ", 1),
                            encoding="utf-8")
            return path
    raise SystemExit("no source with a description to edit")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_site",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-search", action="store_true", help="skip the Pagefind index")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--work", type=Path, default=None, help="folder for content and site")
    args = parser.parse_args(argv)
    work = Path(args.work or tempfile.mkdtemp(prefix="kzgraph-site-bench-"))
    content, site, cache = work / "content", work / "site", work / "cache"
    for folder in (site, cache):
        shutil.rmtree(folder, ignore_errors=True)
    if not content.exists():
        generate(content, args.pages, args.seed)
    settings = Settings(base="https://bench.example/", content=content)
    search = not args.no_search
    figures: dict[str, object] = {"pages_generated": args.pages, "search": search,
                                  "cpus": os.cpu_count()}

    cold = _timed("cold", figures, lambda: build_site(settings, site, cache=cache,
                                                     search=search))
    figures.update(html_pages=cold.pages, rdf_files=cold.rdf_files, files=cold.files,
                   size_bytes=cold.size)
    print(f"cold build: {figures['cold_seconds']} s ({figures['cold_cpu_seconds']} s CPU), "
          f"{cold.pages:,} HTML pages, {cold.rdf_files:,} RDF files, {cold.files:,} files, "
          f"{cold.size / 1e6:.1f} MB", flush=True)
    same = _timed("unchanged", figures, lambda: build_site(settings, site, cache=cache,
                                                          search=search))
    print(f"rebuild, nothing changed: {figures['unchanged_seconds']} s "
          f"({figures['unchanged_cpu_seconds']} s CPU), {same.rendered} pages rendered, "
          f"{len(same.written)} files written", flush=True)
    edited = _edit_one_source(content)
    one = _timed("one_edit", figures, lambda: build_site(settings, site, cache=cache,
                                                        search=search))
    figures["one_edit_written_files"] = one.written
    print(f"rebuild after editing {edited.relative_to(content)}: {figures['one_edit_seconds']} s "
          f"({figures['one_edit_cpu_seconds']} s CPU), {one.rendered} pages rendered, "
          f"{len(one.written)} files written "
          f"({', '.join(one.written[:6])}{', ...' if len(one.written) > 6 else ''})", flush=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The static site at scale: a cold ``kzgraph site`` build of generated content, a rebuild with
nothing changed, and a rebuild after one source page's edit (which files it rewrote), with the
site's size. Prints the figures and writes them as JSON.

    python -m benchmarks.bench_site --pages 10000 [--seed 0] [--no-search] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.generate import generate
from kzgraph.config import Settings
from kzgraph.publish.site import build_site


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

    started = time.perf_counter()
    cold = build_site(settings, site, cache=cache, search=search)
    figures["cold_seconds"] = round(time.perf_counter() - started, 2)
    figures.update(html_pages=cold.pages, rdf_files=cold.rdf_files, files=cold.files,
                   size_bytes=cold.size)
    print(f"cold build: {figures['cold_seconds']} s, {cold.pages:,} HTML pages, "
          f"{cold.rdf_files:,} RDF files, {cold.files:,} files, {cold.size / 1e6:.1f} MB",
          flush=True)

    started = time.perf_counter()
    same = build_site(settings, site, cache=cache, search=search)
    figures["unchanged_seconds"] = round(time.perf_counter() - started, 2)
    figures["unchanged_written"] = len(same.written)
    print(f"rebuild, nothing changed: {figures['unchanged_seconds']} s, "
          f"{len(same.written)} files written", flush=True)

    edited = _edit_one_source(content)
    started = time.perf_counter()
    one = build_site(settings, site, cache=cache, search=search)
    figures["one_edit_seconds"] = round(time.perf_counter() - started, 2)
    figures["one_edit_written"] = len(one.written)
    figures["one_edit_written_files"] = one.written[:40]
    print(f"rebuild after editing {edited.relative_to(content)}: "
          f"{figures['one_edit_seconds']} s, {len(one.written)} files written "
          f"({', '.join(one.written[:8])}{', ...' if len(one.written) > 8 else ''})", flush=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Building what the server serves, and building it again when the content changes.

A build writes the static site (:func:`kzgraph.publish.site.build_site`) with the server's own
origin as the base IRI, through the build engine (parallel and cached, so a rebuild after one
edit redoes one page); the query workers load the site's own N-Triples dump (``kzgraph.nt``,
the graph ``kzgraph query`` queries).
A build that finds errors keeps the last good graph for the endpoint, and every page shows
the errors until a save fixes them.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable

from kzgraph.config import Settings
from kzgraph.errors import ContentError, KzgraphError
from kzgraph.publish.serve.app import ServerState
from kzgraph.publish.serve.queries import QueryPool

#: the site's N-Triples dump: the union of the data graphs, the default graph of the endpoint
DUMP = "kzgraph.nt"
#: ``builder(settings, output, first)``: writes the static site for ``settings`` into ``output``
#: (``first``: the server's first build)
SiteBuilder = Callable[[Settings, Path, bool], object]


def default_site_builder(settings: Settings, output: Path, first: bool = True) -> object:
    """The static site, built with a cache of its own (``.../serve`` in the content's cache
    folder): the cache is keyed by the base IRI, so sharing ``kzgraph build``'s would empty it
    at every switch between the two. The search index is made by the first build only: a
    rebuild after an edit keeps it (a new title is found by search after a restart), so the
    editor waits for the pages alone."""
    from kzgraph.engine.cachedirs import default_cache_dir
    from kzgraph.publish.site import build_site

    # a rebuild runs on one core: it runs in a thread of the server, and the engine's pool
    # forks; forked from a process with other threads running, a worker hung on a lock one
    # of them held (seen at 10,000 pages: the rebuild never ended). One edit is one batch,
    # made in process anyway; only an edit of many files at once is slower for it.
    return build_site(settings, output, base=settings.base, search=first,
                      cache=default_cache_dir(settings) / "serve", jobs=None if first else 1)


class Preview:
    """The server's content: builds it, and rebuilds it on request (the watcher asks).

    :param settings: the project's settings (content folder, default language, ...)
    :param base: the base IRI to publish under: the server's own origin
    :param workdir: a private folder for the graph files the query workers load
    :param site: where the site is built (default: ``workdir/site``); :func:`serve` keeps it in
        the cache folder, so a restart rewrites only what changed and a stop deletes nothing
        (deleting 70,000 files took 77 s here)
    """

    def __init__(self, settings: Settings, base: str, workdir: Path, *, site: Path | None = None,
                 site_builder: SiteBuilder | None = None,
                 workers: int = 2, timeout: float = 10.0, max_rows: int = 100_000,
                 live: bool = True, log: Callable[[str], None] | None = None) -> None:
        self.settings = replace(settings, base=base)
        self.workdir = Path(workdir)
        self.site = Path(site) if site is not None else self.workdir / "site"
        self.site_builder = site_builder or default_site_builder
        self.state = ServerState(live=live)
        self.pool_options = {"size": workers, "timeout": timeout, "max_rows": max_rows}
        self.log = log or (lambda message: None)
        self.builds = 0

    def build(self) -> bool:
        """Build the site and load its graph; True when the content had no errors."""
        if not self.settings.content.is_dir():
            raise KzgraphError(f"The content folder '{self.settings.content}' does not exist.")
        started = time.monotonic()
        self.builds += 1
        data = self.workdir / f"graph-{self.builds}.nt"
        site = self.site
        state = self.state
        try:
            report = self.site_builder(self.settings, site, self.builds == 1)
        except ContentError as exc:
            with state.lock:
                state.problems = [str(p) for p in exc.problems]
                state.failed = True
                state.version += 1
            self.log(f"The content has errors ({len(exc.problems)} problem(s)); pages show "
                     "them until a save fixes them:\n" + "\n".join(state.problems))
            return False
        # the site's may be replaced while workers load it: a hard link keeps this build's
        # (the site's dumps are replaced by a rename, never written in place; a copy of the
        # 500 MB at 100,000 pages took seconds), a copy where no link can be made
        data.unlink(missing_ok=True)
        try:
            os.link(site / DUMP, data)
        except OSError:
            shutil.copyfile(site / DUMP, data)
        problems = getattr(report, "problems", None) or []
        if state.pool is None:
            state.pool = QueryPool(data, self.settings.base, **self.pool_options).start()
        else:
            state.pool.reload(data)
        for old in self.workdir.glob("graph-*.nt"):
            if old != data:
                old.unlink(missing_ok=True)
        with state.lock:
            state.site = site
            state.problems = [str(p) for p in problems]
            state.failed = False
            state.version += 1
        self.log(f"Built in {time.monotonic() - started:.1f} s.")
        return True

    async def watch(self) -> None:
        """Rebuild whenever a file under the content folder changes (until cancelled)."""
        import watchfiles
        from starlette.concurrency import run_in_threadpool

        async for changes in watchfiles.awatch(self.settings.content, debounce=300, step=50):
            names = sorted({Path(p).name for _, p in changes})
            self.log(f"Changed: {', '.join(names[:5])}{' ...' if len(names) > 5 else ''}")
            try:
                await run_in_threadpool(self.build)
            except Exception as exc:  # noqa: BLE001 - the server stays up and says what failed
                with self.state.lock:
                    self.state.problems = [f"The rebuild failed: {type(exc).__name__}: {exc}"]
                    self.state.failed = True
                    self.state.version += 1
                self.log(self.state.problems[0])

    def close(self) -> None:
        if self.state.pool is not None:
            self.state.pool.close()
            self.state.pool = None
        shutil.rmtree(self.workdir, ignore_errors=True)

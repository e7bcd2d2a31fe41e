"""Starting the server: the socket (with a clear error when the port is taken), the first
build, the watcher, and uvicorn; everything stopped when uvicorn stops (Ctrl-C, SIGTERM)."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import socket
import sys
import tempfile
from pathlib import Path
from typing import AsyncIterator, Callable
from urllib.parse import urlsplit

from kzgraph.config import Settings
from kzgraph.errors import ConfigError
from kzgraph.publish.serve.app import create_app
from kzgraph.publish.serve.preview import Preview, SiteBuilder


def open_socket(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: any free one). A port in use or a host
    that is not this machine's is a :class:`ConfigError` saying what to do."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ConfigError(f"The port {port} on {host} is in use (another server is "
                              f"running there): choose another with --port.") from None
        if exc.errno == errno.EACCES:
            raise ConfigError(f"Not allowed to listen on port {port}: choose one above 1023 "
                              "with --port.") from None
        raise ConfigError(f"Cannot listen on {host}:{port}: {exc.strerror}.") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def origin_of(host: str, port: int) -> str:
    """The server's own base IRI: ``http://host:port/`` (loopback when bound to every address)."""
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def _server_class() -> type:
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn's server, except that after a graceful stop on SIGINT or SIGTERM it does not
        raise the signal again: kzgraph's own clean-up (the query workers, the built site) runs
        and the command exits with 0, not with a KeyboardInterrupt or a kill by signal."""

        def handle_exit(self, sig: int, frame: object) -> None:
            super().handle_exit(sig, frame)  # type: ignore[arg-type]
            captured = getattr(self, "_captured_signals", None)
            if isinstance(captured, list):
                captured.clear()

    return Server


def site_folder(settings: Settings, base: str) -> Path:
    """Where the served site is built: in the content's cache folder, one per base IRI (a
    server on another port publishes under another base, so its pages differ)."""
    import hashlib

    from kzgraph.engine.cachedirs import default_cache_dir

    digest = hashlib.sha256(base.encode()).hexdigest()[:12]
    return default_cache_dir(settings) / "serve" / f"site-{digest}"


def serve(settings: Settings, *, host: str = "127.0.0.1", port: int = 8000,
          base: str | None = None, watch: bool = True, workers: int = 2,
          timeout: float = 10.0, max_rows: int = 100_000,
          site_builder: SiteBuilder | None = None,
          log: Callable[[str], None] | None = None) -> None:
    """Build the content and serve it until interrupted; ``log`` says what happens (by default
    on standard error)."""
    import uvicorn

    if log is None:
        def log(message: str) -> None:
            print(message, file=sys.stderr, flush=True)
    if not settings.content.is_dir():
        raise ConfigError(f"The content folder '{settings.content}' does not exist: give it "
                          "with --content DIR.")
    if timeout <= 0 or max_rows < 1 or workers < 1:
        raise ConfigError("--timeout must be above 0, and --max-rows and --workers at least 1.")
    if base is not None:
        Settings(base=base)  # checks it (ConfigError: an absolute http(s) IRI ending with /)
    if base is not None and urlsplit(base).path not in ("", "/"):
        raise ConfigError(f"The base {base!r} has a path: kzgraph serve answers from the root "
                          "of its address, so give a base such as 'https://example.org/' (and "
                          "put a path prefix in the proxy in front of it).")
    sock = open_socket(host, port)
    port = sock.getsockname()[1]
    origin = origin_of(host, port)
    with tempfile.TemporaryDirectory(prefix="kzgraph-serve-") as work:
        preview = Preview(settings, base or origin, Path(work),
                          site=site_folder(settings, base or origin),
                          site_builder=site_builder,
                          workers=workers, timeout=timeout, max_rows=max_rows,
                          live=watch, log=log)
        try:
            log(f"Building {settings.content} for {origin} ...")
            preview.build()

            @contextlib.asynccontextmanager
            async def lifespan(app: object) -> AsyncIterator[None]:
                task = asyncio.create_task(preview.watch()) if watch else None
                log(f"Serving {settings.content} at {origin} (the site; SPARQL at "
                    f"{origin}sparql){' and watching it for changes' if watch else ''}. "
                    "Ctrl-C stops.")
                yield
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

            app = create_app(preview.state, lifespan=lifespan)
            _Server = _server_class()
            config = uvicorn.Config(app, log_level="warning", access_log=False,
                                    timeout_graceful_shutdown=2)
            _Server(config).run(sockets=[sock])
        finally:
            preview.close()
            sock.close()

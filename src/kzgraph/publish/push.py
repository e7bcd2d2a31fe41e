"""Send the graph to a triple store over the SPARQL 1.1 Graph Store HTTP Protocol.

Each named graph is sent with ``PUT {endpoint}?graph=IRI`` as N-Triples, which replaces that
graph and nothing else. The store keeps a manifest of what the last push put there: the graph
``{base}graph/push-manifest`` says ``<manifest> prov:hadMember <graph>`` for each graph. A push

1. reads the manifest (graphs of earlier pushes);
2. writes the manifest as old ∪ new, so that whatever happens next, it names every graph a push
   may have written;
3. replaces every new graph, in IRI order;
4. deletes the graphs of earlier pushes that are no longer in the content;
5. writes the manifest as exactly the new graphs.

Pushing twice gives the store the first push gave it; graphs that no push of ours wrote are never
read, replaced or deleted. When a step fails, :class:`PushError` says which graphs were replaced
and which were not; the manifest still names every graph of ours, so the next push finishes the
job.

Bodies are streamed from generators in chunks (``Transfer-Encoding: chunked``, or a
``Content-Length`` counted beforehand for stores that need it, such as Virtuoso, which accepts a
chunked body but stores nothing of it), so a large graph is never one request in memory.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence, TextIO

from rdflib import URIRef

from kzgraph.errors import ConfigError, KzgraphError
from kzgraph.publish.payloads import GraphPayload, manifest_payload, payloads_from_dump
from kzgraph.publish.store import TOKEN_VARIABLE, GraphStore, Progress, StoreError
from kzgraph.vocab import PROV

if TYPE_CHECKING:
    from kzgraph.config import Settings
    from kzgraph.errors import Problem

MANIFEST_GRAPH = "push-manifest"


class PushError(KzgraphError):
    """A push stopped part-way; says what was and was not replaced.

    :param replaced: graphs replaced by this push
    :param not_replaced: graphs this push should have replaced but did not
    :param deleted: graphs of an earlier push removed by this one
    :param not_deleted: graphs of an earlier push that should have been removed but were not
    """

    def __init__(self, message: str, replaced: Sequence[str] = (),
                 not_replaced: Sequence[str] = (), deleted: Sequence[str] = (),
                 not_deleted: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.replaced = list(replaced)
        self.not_replaced = list(not_replaced)
        self.deleted = list(deleted)
        self.not_deleted = list(not_deleted)


# -- what is sent ---------------------------------------------------------------------------------




# -- progress -------------------------------------------------------------------------------------


# -- the store ------------------------------------------------------------------------------------


# -- the push -------------------------------------------------------------------------------------

@dataclass
class PushReport:
    """What a push did."""

    endpoint: str
    replaced: list[str]
    deleted: list[str]
    triples: int | None
    bytes: int
    seconds: float


def _listing(graphs: Sequence[str], limit: int = 10) -> str:
    shown = ", ".join(f"<{g}>" for g in graphs[:limit])
    more = f" and {len(graphs) - limit} more" if len(graphs) > limit else ""
    return (shown + more) if graphs else "none"


def push(store: GraphStore, payloads: Sequence[GraphPayload], manifest: str,
         progress: TextIO | None = None) -> PushReport:
    """Replace in ``store`` what the previous push put there with ``payloads``.

    :param store: the Graph Store endpoint
    :param payloads: the graphs to send (each IRI once)
    :param manifest: the IRI of the manifest graph (``{base}graph/push-manifest``)
    :param progress: where to draw a progress line (a terminal), or None for silence
    :raises PushError: a step failed; the message says what was and was not replaced
    """
    try:
        return _push(store, payloads, manifest, progress)
    finally:
        store.close()


def _push(store: GraphStore, payloads: Sequence[GraphPayload], manifest: str,
          progress: TextIO | None) -> PushReport:
    started = time.monotonic()
    names = [p.iri for p in payloads]
    if len(set(names)) != len(names):
        raise ConfigError("Two payloads name the same graph.")
    if manifest in names:
        raise ConfigError(f"<{manifest}> is the push manifest; push the data into another graph.")
    where = store.endpoint
    try:
        held = store.get(manifest)
    except StoreError as exc:
        raise PushError(f"Could not read the push manifest: {exc} Nothing in the store was "
                        "changed.", not_replaced=names) from exc
    old = sorted({str(o) for o in held.objects(URIRef(manifest), PROV.hadMember)}) \
        if held is not None else []
    stale = [g for g in old if g not in set(names)]
    try:
        store.put(manifest_payload(manifest, [*old, *names]))
    except StoreError as exc:
        raise PushError(f"Could not write the push manifest: {exc} Nothing in the store was "
                        "changed.", not_replaced=names) from exc

    sizes = [p.size for p in payloads]
    bar = Progress(progress, len(payloads), sum(s for s in sizes if s is not None)
                   if None not in sizes else None)
    replaced: list[str] = []
    for index, payload in enumerate(payloads, 1):
        bar.graph(index, payload.iri)
        try:
            store.put(payload, bar)
        except StoreError as exc:
            bar.finish()
            rest = names[index - 1:]
            raise PushError(
                f"Push to {where} failed at graph {index} of {len(names)}: {exc}\n"
                f"Replaced ({len(replaced)}): {_listing(replaced)}.\n"
                f"Not replaced ({len(rest)}): {_listing(rest)}.\n"
                + (f"Not removed ({len(stale)}): graphs of the previous push that are no longer "
                   f"in the content: {_listing(stale)}.\n" if stale else "")
                + f"The store now holds part of this push and part of the previous one. The "
                f"manifest <{manifest}> names every graph of both, so the next push finishes "
                "the job.",
                replaced, rest, [], stale) from exc
        replaced.append(payload.iri)
    bar.finish()
    deleted: list[str] = []
    for index, graph in enumerate(stale):
        try:
            store.delete(graph)
        except StoreError as exc:
            raise PushError(
                f"Push to {where}: all {len(names)} graphs were replaced, but removing the graphs "
                f"no longer in the content failed: {exc}\n"
                f"Removed ({len(deleted)}): {_listing(deleted)}.\n"
                f"Not removed ({len(stale) - index}): {_listing(stale[index:])}.\n"
                f"The manifest <{manifest}> still names them, so the next push removes them.",
                replaced, [], deleted, stale[index:]) from exc
        deleted.append(graph)
    try:
        store.put(manifest_payload(manifest, names))
    except StoreError as exc:
        raise PushError(
            f"Push to {where}: all {len(names)} graphs were replaced and {len(deleted)} removed, "
            f"but the manifest could not be rewritten: {exc} It still names the removed graphs; "
            "the next push rewrites it.", replaced, [], deleted, []) from exc
    triples = [p.triples for p in payloads]
    return PushReport(where, replaced, deleted,
                      None if None in triples else sum(t for t in triples if t is not None),
                      bar.sent, time.monotonic() - started)


def token_from_environment(environ: dict[str, str] | None = None) -> str | None:
    """The bearer token in ``KZGRAPH_TOKEN``, if set."""
    value = (os.environ if environ is None else environ).get(TOKEN_VARIABLE, "").strip()
    return value or None


def push_content(settings: "Settings", store: GraphStore, *, graph: str | None = None,
                 dump: Path | None = None, lang: str = "en",
                 progress: TextIO | None = None) -> tuple[PushReport, list["Problem"]]:
    """Check the content (as ``build`` does) and push its published dataset, or push ``dump``.

    Content with errors is not pushed (:class:`~kzgraph.errors.ContentError`). The manifest is
    ``{base}graph/push-manifest``.
    """
    import tempfile

    from kzgraph.engine.pipeline import export_file
    from kzgraph.errors import ContentError
    from kzgraph.formats.registry import get_format
    from kzgraph.graph.iris import Minter

    manifest = str(Minter(settings.base).graph(MANIFEST_GRAPH))
    if dump is not None:
        with tempfile.TemporaryDirectory(prefix="kzgraph-push-") as tmp:
            payloads = payloads_from_dump(Path(dump), Path(tmp), graph)
            return push(store, payloads, manifest, progress), []
    with tempfile.TemporaryDirectory(prefix="kzgraph-push-") as tmp:
        dump_file = Path(tmp) / "kzgraph.nq"
        try:
            _, problems = export_file(settings, get_format("nquads"), dump_file)
        except ContentError as exc:
            raise ContentError(exc.problems, "Refusing to push") from None
        payloads = payloads_from_dump(dump_file, Path(tmp), graph)
        return push(store, payloads, manifest, progress), problems

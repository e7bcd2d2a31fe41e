"""``kzgraph serve``: the site and its data over HTTP, for people and programs, in one process.

Every resource IRI answers with HTML or RDF by the ``Accept`` header (:mod:`.conneg`); ``/sparql``
is a read-only SPARQL 1.1 Protocol endpoint whose queries run in worker processes that can be
stopped (:mod:`.sparql`, :mod:`.queries`); the content folder is watched and rebuilt through the
build engine, and pages reload themselves after each rebuild (:mod:`.preview`). The application
(:func:`create_app`) runs in process for tests; :func:`serve` runs it under uvicorn.
"""

from kzgraph.publish.serve.app import ServerState, create_app
from kzgraph.publish.serve.run import serve

__all__ = ["ServerState", "create_app", "serve"]

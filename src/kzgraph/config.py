"""Settings: the base IRI, the content folder and the default language.

They are read from ``kzgraph.toml`` (top-level keys) or from the ``[tool.kzgraph]`` table of a
``pyproject.toml``, searched for from the working folder upwards. Nothing else in kzgraph knows
the base IRI: every module receives it through :class:`Settings`.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from kzgraph.errors import ConfigError

DEFAULT_BASE = "https://kzgraph.example/"
DEFAULT_LANGUAGE = "en"
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
DEFAULT_PUBLISHER = "kzgraph contributors"


@dataclass(frozen=True)
class Settings:
    """What a run needs to know besides the content itself.

    :param base: the base IRI every data IRI is minted under; ends with ``/``
    :param content: the content folder
    :param default_language: the language of ``index.md`` files (those with no language suffix)
    :param license: the IRI of the licence the published data is under (DCAT ``dcterms:license``)
    :param publisher: who publishes the data: a name, or the IRI of an agent
    :param sparql_endpoint: the public SPARQL endpoint serving the data, where there is one
    :param drafts: publish drafts; :param build_date: the date publication is judged on;
    :param site_bases: the Hugo site's own addresses, if other than ``base``
    """

    base: str = DEFAULT_BASE
    content: Path = Path("content")
    default_language: str = DEFAULT_LANGUAGE
    license: str = DEFAULT_LICENSE
    publisher: str = DEFAULT_PUBLISHER
    sparql_endpoint: str | None = None
    #: publish pages marked ``draft: true`` (``--drafts``, as ``hugo -D``)
    drafts: bool = False
    #: the date publication windows (``publishDate``, ``expiryDate``) are judged on; None: today
    build_date: dt.date | None = None
    #: other addresses the site is published under (a Hugo ``baseURL``): links to them are
    #: links within the site
    site_bases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        parts = urlsplit(self.base)
        if parts.scheme not in ("http", "https") or not parts.netloc or not self.base.endswith("/"):
            raise ConfigError(
                f"The base IRI {self.base!r} must be an absolute http(s) IRI ending with '/'."
            )
        for key in ("license", "sparql_endpoint"):
            value = getattr(self, key)
            if value is not None and not _is_web_iri(value):
                raise ConfigError(f"The setting '{key}' ({value!r}) must be an absolute http(s) "
                                  "IRI, such as 'https://creativecommons.org/licenses/by/4.0/'.")
        if not self.publisher.strip():
            raise ConfigError("The setting 'publisher' is empty: give a name or an IRI.")

    def with_content(self, content: Path | str | None) -> Settings:
        return self if content is None else replace(self, content=Path(content))


def _is_web_iri(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value


def _table(path: Path) -> dict[str, object] | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the settings: {exc}") from exc
    if path.name == "kzgraph.toml":
        return data
    tool = data.get("tool", {})
    table = tool.get("kzgraph") if isinstance(tool, dict) else None
    return table if isinstance(table, dict) else None


def find_settings(start: Path | None = None) -> Settings:
    """Settings from the nearest ``kzgraph.toml`` or ``pyproject.toml`` with ``[tool.kzgraph]``.

    Relative paths in the file are taken relative to the file's folder. Without such a file,
    the defaults apply, with ``content`` relative to the working folder.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for name in ("kzgraph.toml", "pyproject.toml"):
            candidate = folder / name
            if not candidate.is_file():
                continue
            table = _table(candidate)
            if table is None:
                continue
            return Settings(
                base=str(table.get("base", DEFAULT_BASE)),
                content=folder / str(table.get("content", "content")),
                default_language=str(table.get("default_language", DEFAULT_LANGUAGE)),
                license=str(table.get("license", DEFAULT_LICENSE)),
                publisher=str(table.get("publisher", DEFAULT_PUBLISHER)),
                sparql_endpoint=(str(table["sparql_endpoint"])
                                 if table.get("sparql_endpoint") else None),
            )
    return Settings()

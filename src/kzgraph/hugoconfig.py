"""A Hugo site's configuration, read and merged as Hugo (0.111) reads and merges it.

Hugo reads, each merged on top of the one before:

1. the site configuration file in the site's folder: the first of ``hugo.toml``,
   ``hugo.yaml``, ``hugo.yml``, ``hugo.json``, ``config.toml``, ... (:data:`HUGO_CONFIG_FILES`);
   only that one;
2. the configuration folder ``config/``: every ``.toml``, ``.yaml``, ``.yml`` and ``.json``
   file of ``config/_default/`` and then of ``config/<environment>/`` (``production``, or
   ``HUGO_ENVIRONMENT``, else ``HUGO_ENV``, as ``hugo`` builds), each folder walked in name
   order, sub-folders included. A file named ``hugo.*`` or ``config.*`` holds root keys; any
   other holds the one root key it is named after (``languages.toml`` is the ``languages``
   table); a file with a language in its name goes under that language (``params.ru.toml`` ->
   ``languages.ru.params``, ``menus.en.toml`` -> ``languages.en.menus``, any other
   ``<name>.<lang>.toml`` -> ``languages.<lang>``);
3. environment variables ``HUGO_<KEY>`` (``HUGO_BASEURL``; the character after ``HUGO``
   separates nested keys: ``HUGO_LANGUAGES_RU_CONTENTDIR``).

Hugo's ``--configDir`` flag can name another folder; no variable can (Hugo 0.111 looks
``HUGO_CONFIGDIR`` up only when that flag is empty, and it never is), so kzgraph reads
``config/``. Merging is Hugo's: tables merge key by key, at every depth; any other value
replaces the one before it. Keys are case-insensitive (Hugo lower-cases them): ``baseURL`` and
``baseurl`` are one key. The merged configuration remembers which file gave each value, so
that an error about a value names the file it is written in.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from kzgraph.errors import ConfigError

#: Hugo's site configuration files, in the order Hugo looks for them (it reads the first found)
HUGO_CONFIG_FILES = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml",
                     "config.yaml", "config.yml", "config.json")
#: the file names (without extension) that hold root keys in the configuration folder
ROOT_NAMES = ("hugo", "config")
#: the extensions Hugo reads configuration from
EXTENSIONS = ("toml", "yaml", "yml", "json")
#: the environment ``hugo`` builds for unless told otherwise
DEFAULT_ENVIRONMENT = "production"

Key = tuple[str, ...]

#: the tokens of a ``[permalinks]`` pattern Hugo 0.111 expands and kzgraph follows
#: (:mod:`kzgraph.content.permalinks`); Hugo 0.111 also takes ``:sections[...]`` slices and
#: Go date layouts (``:2006``), which kzgraph does not read, and knows no other (no
#: ``:contentbasename``: that came later)
PERMALINK_TOKENS = ("year", "month", "monthname", "day", "weekday", "weekdayname", "yearday",
                    "section", "sections", "title", "slug", "filename", "slugorfilename")
#: a token of a permalink pattern, as Hugo finds them
PERMALINK_TOKEN = re.compile(r":(\w+)(\[[^\]]*\])?")


def unknown_tokens(pattern: str) -> list[str]:
    """The tokens of a permalink pattern kzgraph cannot expand (as written, ``:foo``)."""
    return [m.group(0) for m in PERMALINK_TOKEN.finditer(pattern)
            if m.group(2) or m.group(1) not in PERMALINK_TOKENS]


@dataclass
class HugoConfig:
    """A Hugo site's merged configuration.

    :param site: the site's folder
    :param environment: the environment whose configuration folder was merged
    :param files: the files read, in the order they were merged
    :param data: the merged configuration, every key lower-cased
    """

    site: Path
    environment: str
    files: list[Path] = field(default_factory=list)
    data: dict[str, object] = field(default_factory=dict)
    #: which file (or environment variable) gave the value at a key path
    origins: dict[Key, str] = field(default_factory=dict)

    def get(self, *keys: str) -> object | None:
        """The value at a key path (any case), or None."""
        node: object = self.data
        for key in keys:
            if not isinstance(node, dict):
                return None
            node = node.get(key.lower())
        return node

    def origin(self, *keys: str) -> str:
        """The file (or environment variable) that gave the value at a key path."""
        path = tuple(k.lower() for k in keys)
        for end in range(len(path), 0, -1):
            if path[:end] in self.origins:
                return self.origins[path[:end]]
        return str(self.files[-1]) if self.files else str(self.site)

    def merge(self, item: dict[str, object], origin: str | HugoConfig, under: Key = ()) -> None:
        """Merge ``item`` (keys lower-cased) at the key path ``under``, as Hugo's ``Set`` does:
        tables key by key, any other value replacing the one before. ``origin`` is the file
        (or variable) ``item`` comes from, or the configuration it is the data of."""
        def origin_of(at: Key) -> str:
            return origin if isinstance(origin, str) else origin.origin(*at[len(under):])

        node = self.data
        for depth, key in enumerate(under):
            child = node.get(key)
            if not isinstance(child, dict):
                child = node[key] = {}
                self.origins[under[:depth + 1]] = origin_of(under[:depth + 1])
            node = child
        self._merge(node, item, under, origin_of)

    def _merge(self, node: dict, item: dict, at: Key, origin_of) -> None:
        for key, value in item.items():
            old = node.get(key)
            if isinstance(old, dict) and isinstance(value, dict):
                self._merge(old, value, (*at, key), origin_of)
            else:
                node[key] = value
                self._mark(value, (*at, key), origin_of)

    def _mark(self, value: object, at: Key, origin_of) -> None:
        self.origins[at] = origin_of(at)
        if isinstance(value, dict):
            for key, child in value.items():
                self._mark(child, (*at, key), origin_of)


def environment_of(environ: Mapping[str, str]) -> str:
    """The environment Hugo builds for: ``HUGO_ENVIRONMENT``, else ``HUGO_ENV`` (Netlify's),
    else ``production`` (what ``hugo`` builds; ``hugo server`` would take ``development``)."""
    for name in ("HUGO_ENVIRONMENT", "HUGO_ENV"):
        if environ.get(name):
            return environ[name]
    return DEFAULT_ENVIRONMENT


def hugo_config(site: Path, environ: Mapping[str, str] | None = None) -> HugoConfig | None:
    """The configuration of the Hugo site in the folder ``site``, merged as Hugo merges it, or
    None when the site has neither a configuration file nor a configuration folder.

    :param environ: the environment variables (``HUGO_ENVIRONMENT``, ``HUGO_ENV``,
        ``HUGO_<KEY>``); the process's own by default
    """
    environ = os.environ if environ is None else environ
    config = HugoConfig(site=site, environment=environment_of(environ))
    for name in HUGO_CONFIG_FILES:
        path = site / name
        if path.is_file():
            config.merge(read_file(path), str(path))
            config.files.append(path)
            break
    # the configuration folder is merged on its own, then on top of the file (as Hugo does:
    # not the same as merging each of its files on top of the file, when a table replaces
    # a text that replaced a table)
    folder = site / "config"
    directory = HugoConfig(site=site, environment=config.environment)
    for sub in ("_default", config.environment):
        if (folder / sub).is_dir():
            for path in _walk(folder / sub):
                directory.merge(read_file(path), str(path), _key_path(path))
                directory.files.append(path)
    config.merge(directory.data, directory)
    config.files.extend(directory.files)
    if not config.files:
        return None
    _apply_environment(config, environ)
    return config


def _walk(folder: Path) -> list[Path]:
    """The configuration files of ``folder`` and its sub-folders, in the order Hugo walks them
    (the entries of each folder by name, a sub-folder's files where its name sorts)."""
    found: list[Path] = []
    for name in sorted(os.listdir(folder)):
        path = folder / name
        if path.is_dir() and not path.is_symlink():
            found.extend(_walk(path))
        elif path.suffix[1:].lower() in EXTENSIONS and path.is_file():
            found.append(path)
    return found


def _key_path(path: Path) -> Key:
    """Where a file of the configuration folder goes: at the root (``hugo.toml``), under its
    name (``languages.toml``), or under a language (``params.ru.toml``)."""
    name = path.name.rsplit(".", 1)[0]
    if name in ROOT_NAMES:
        return ()
    stem, dot, lang = name.rpartition(".")
    if not dot:
        return (name.lower(),)
    stem, lang = stem.lower(), lang.lower()
    if stem in ("menu", "menus"):
        return ("languages", lang, "menus")
    if stem == "params":
        return ("languages", lang, "params")
    return ("languages", lang)


def read_file(path: Path) -> dict[str, object]:
    """One configuration file as a table, its keys lower-cased as Hugo has them.

    :raises ConfigError: the file cannot be read or parsed (with its line where the parser
        gives one), is not a table, or writes one key twice in two cases (``baseURL`` and
        ``baseurl``: Hugo would take either)
    """
    kind = path.suffix[1:].lower()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the Hugo site configuration: {exc}") from exc
    try:
        if kind == "toml":
            data = tomllib.loads(text)
        elif kind == "json":
            data = json.loads(text) if text.strip() else {}
        else:
            import yaml

            data = yaml.safe_load(text)
            data = {} if data is None else data
    except Exception as exc:  # any parser's error: the site's configuration is unusable
        line = _line_of(exc)
        where = f"{path}:{line}" if line else str(path)
        raise ConfigError(f"{where}: cannot read the Hugo site configuration: "
                          f"{_message_of(exc)}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the Hugo site configuration must be a table of keys, "
                          f"not a {type(data).__name__}.")
    return _lowered(data, path, ())


def _line_of(exc: Exception) -> int | None:
    if isinstance(exc, json.JSONDecodeError):
        return exc.lineno
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:  # YAML: marks count lines from 0
        return mark.line + 1
    m = re.search(r"\(at line (\d+), column \d+\)", str(exc))  # TOML
    return int(m.group(1)) if m else None


def _message_of(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} (column {exc.colno})"
    return " ".join(str(exc).split())


def _lowered(data: dict, path: Path, at: Key) -> dict[str, object]:
    out: dict[str, object] = {}
    spelled: dict[str, str] = {}
    for key, value in data.items():
        text = str(key)
        low = text.lower()
        if low in spelled:
            where = ".".join((*at, low))
            raise ConfigError(f"{path}: the key '{where}' is written twice, as "
                              f"'{spelled[low]}' and '{text}': Hugo does not tell keys apart "
                              "by case, so keep one.")
        spelled[low] = text
        out[low] = _lowered(value, path, (*at, low)) if isinstance(value, dict) else value
    return out


def _apply_environment(config: HugoConfig, environ: Mapping[str, str]) -> None:
    """Hugo's ``HUGO_<KEY>`` overrides: ``HUGO`` then a separator, then the key path with that
    separator between its keys (``HUGO_BASEURL``, ``HUGO_LANGUAGES_RU_CONTENTDIR``). A value
    replaces a text, or sets a key not yet set; kzgraph reads only texts, so it leaves
    overrides of other values (numbers, tables) to Hugo."""
    for name in sorted(environ):
        if not name.startswith("HUGO") or len(name) < 6:
            continue
        sep, rest = name[4], name[5:]
        keys = tuple(k.lower() for k in rest.split(sep))
        if not all(keys) or name in ("HUGO_ENVIRONMENT", "HUGO_ENV"):
            continue
        old = config.get(*keys)
        parent = config.get(*keys[:-1]) if len(keys) > 1 else config.data
        if (old is None or isinstance(old, str)) and (parent is None or isinstance(parent, dict)):
            config.merge({keys[-1]: environ[name]}, f"the environment variable {name}",
                         keys[:-1])

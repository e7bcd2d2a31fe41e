"""Generate a realistic content folder of any size, for benchmarks and tests.

The folder has exactly kzgraph's layout and front-matter keys: the real category and perspective
schemes (copied from the repository's ``content/``), one guide per country (in two or three
languages, a ``## `` section per category, each listing the country's sources with a few words
about each) and sources in two or three of English, Russian and Kazakh. Countries come from
pycountry (all 249, cycling). The same arguments give the same bytes: every choice is drawn from
``random.Random(seed)`` in a fixed order.

``violations=K`` breaks K pages on purpose, each in a different way (an unknown category, an
impossible date, a weight that is not a number, a homepage that is not a URL, a dead link, a
missing title, ...) and returns a manifest saying what was broken where, and which file, key and
line kzgraph should report.

``profile="heavy"`` writes content the way editors write it (see :mod:`benchmarks.heavy`):
front matter with plain scalars, block lists, folded descriptions and comments, longer bodies,
one to four language versions, and 1% guide pages linking 50 to 300 sources each.

    python -m benchmarks.generate --pages 10000 --out /tmp/content [--seed 0] [--violations 12]
        [--profile heavy]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pycountry

from kzgraph.content.countries import country_name

from . import corpus as C
from . import heavy as H

#: bump when the output for a given (pages, seed, violations) changes, so caches are refreshed
GENERATOR_VERSION = 1
REPO_CONTENT = Path(__file__).resolve().parents[1] / "content"
#: the schemes copied as they are from the repository
COPIED = ("categories", "perspectives")
#: content pages per country guide, roughly: decides how many countries a small corpus uses
PAGES_PER_COUNTRY = 20

PROFILES = ("light", "heavy")

#: the ways a page can be broken, in the order they are used
VIOLATION_KINDS = (
    "unknown_category", "bad_date", "bad_weight", "homepage_not_url", "dead_link",
    "missing_title", "unknown_country", "unknown_key", "bad_language", "broken_yaml",
    "empty_tags", "dead_category_link",
)
#: kinds that break every language version of a source (a language-independent value)
_WHOLE_SOURCE = {"bad_date", "bad_weight", "homepage_not_url"}
_IN_GUIDE = {"dead_link", "dead_category_link"}


class GenerateError(ValueError):
    """The requested corpus cannot be made (too few pages for what was asked)."""


@dataclass
class PageText:
    """One file before rendering: front-matter lines (key, YAML value) and a body."""

    rel: str
    fields: list[tuple[str, str]]
    body: str
    #: each key's value as YAML must read it (keys written as comments, ``#...``, are none)
    values: dict[str, object] = field(default_factory=dict)

    def render(self) -> str:
        front = "\n".join(value if key.startswith("#") else
                          f"{key}:{value}" if value.startswith("\n") else f"{key}: {value}"
                          for key, value in self.fields)
        return f"---\n{front}\n---\n\n{self.body}\n"

    def set(self, key: str, value: str) -> None:
        for i, (k, _) in enumerate(self.fields):
            if k == key:
                self.fields[i] = (key, value)
                return
        self.fields.append((key, value))

    def drop(self, key: str) -> None:
        self.fields = [(k, v) for k, v in self.fields if k != key]

    def get(self, key: str) -> str | None:
        return next((v for k, v in self.fields if k == key), None)


@dataclass
class Source:
    slug: str
    country: str
    category: str
    langs: list[str]
    titles: dict[str, str]
    topics: list[int]
    region: str
    also: str | None = None  # a second country whose guide lists it too


@dataclass
class Corpus:
    """A generated content folder, in memory: relative path -> file text, plus the manifest."""

    files: dict[str, bytes]
    manifest: dict[str, object]
    stats: dict[str, int] = field(default_factory=dict)
    #: every generated page before rendering (its front-matter values included)
    texts: dict[str, PageText] = field(default_factory=dict, repr=False)


# -- small helpers -------------------------------------------------------------------------------

def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _list(items: list[str]) -> str:
    return "[" + ", ".join(_q(x) for x in items) + "]"


def _unquote(value: str | None) -> str:
    """The text a scalar written in any style holds (a quoted one, or a plain one)."""
    if not value:
        return ""
    if value.startswith('"'):
        return json.loads(value)
    if value.startswith(">-"):
        return " ".join(line.strip() for line in value[2:].split("\n") if line.strip())
    return value


def slugify(text: str) -> str:
    """ASCII letters and digits joined by '-' (a valid kzgraph slug)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower())) or "x"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _clean(text: str) -> str:
    """Text safe inside a Markdown link: no brackets."""
    return text.replace("[", "(").replace("]", ")")


def _regions(code: str) -> list[str]:
    subdivisions = pycountry.subdivisions.get(country_code=code) or []
    names = sorted({_clean(s.name) for s in subdivisions if getattr(s, "parent_code", None) is None})
    return names or [_clean(country_name(code, "en"))]


def _date(rng: random.Random) -> tuple[str, str]:
    created = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(1600))
    modified = created + dt.timedelta(days=rng.randrange(500))
    return created.isoformat(), modified.isoformat()


# -- planning ------------------------------------------------------------------------------------

def _copied_files(repo_content: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for folder in COPIED:
        for path in sorted((repo_content / folder).rglob("*.md")):
            files[path.relative_to(repo_content).as_posix()] = path.read_bytes()
    return files


def _source_langs(rng: random.Random, remaining: int) -> list[str]:
    """Two or three language versions (English and Russian, and Kazakh for three), never leaving
    a single page over."""
    if remaining in (2, 3):
        n = remaining
    elif remaining == 4:
        n = 2
    else:
        n = 3 if rng.random() < 0.4 else 2
        if remaining - n == 1:
            n = 5 - n
    if n == 3:
        return ["en", "ru", "kk"]
    # every page in English and Russian, the languages the shapes expect a title in (a page
    # missing one gets a language-coverage warning); the draw that once picked a pair is kept,
    # so the rest of the corpus comes out as before
    rng.choice(range(5))
    return ["en", "ru"]


class _Generator:
    def __init__(self, pages: int, seed: int, repo_content: Path,
                 profile: str = "light") -> None:
        if profile not in PROFILES:
            raise GenerateError(f"unknown profile {profile!r}: use one of {', '.join(PROFILES)}")
        self.rng = random.Random(seed)
        self.seed = seed
        self.pages = pages
        self.heavy = profile == "heavy"
        #: draws for the heavy profile's styles and bodies (the light profile makes none)
        self.hrng = random.Random(f"heavy-{seed}")
        self.mentions = 0
        self.quoted_files = 0
        self.files: dict[str, bytes] = _copied_files(repo_content)
        self.texts: dict[str, PageText] = {}
        self.sources: list[Source] = []
        self.slugs: set[str] = set()
        self._names: dict[tuple[str, str], str] = {}

    def name(self, code: str, lang: str) -> str:
        key = (code, lang)
        if key not in self._names:
            self._names[key] = country_name(code, lang)
        return self._names[key]

    def unique(self, slug: str) -> str:
        candidate, n = slug, 1
        while candidate in self.slugs:
            n += 1
            candidate = f"{slug}-{n}"
        self.slugs.add(candidate)
        return candidate

    # the plan: how many countries, guides and sources fill the page budget
    def run(self) -> None:
        rng = self.rng
        remaining = self.pages - len(self.files)
        if remaining < 4:
            raise GenerateError(
                f"{self.pages} pages are too few: the category and perspective schemes alone "
                f"take {len(self.files)}; ask for at least {len(self.files) + 4}.")
        codes = sorted(c.alpha_2 for c in pycountry.countries)
        rng.shuffle(codes)
        n_countries = max(1, min(len(codes), remaining // PAGES_PER_COUNTRY))
        countries = codes[:n_countries]
        if self.heavy:
            self.run_heavy(countries, remaining)
            return
        guide_langs = {code: (["en", "ru", "kk"] if rng.random() < 0.5 else ["en", "ru"])
                       for code in countries}
        remaining -= sum(len(v) for v in guide_langs.values())
        if remaining == 1:  # no source fits in one page: give a guide a third language instead
            two = next(code for code in countries if len(guide_langs[code]) == 2)
            guide_langs[two] = ["en", "ru", "kk"]
            remaining = 0
        per_country, regions = self._fill_sources(
            countries, remaining, lambda left: _source_langs(rng, left), least=2)
        for source in self.sources:  # a source about two countries is in both guides
            if source.also is not None:
                per_country[source.also].append(source)
        for code in countries:
            self.guide(code, guide_langs[code], per_country[code], regions[code])

    def run_heavy(self, countries: list[str], remaining: int) -> None:
        """The heavy profile's plan: 1% of the pages are guides (one per country, then one per
        country and topic), each linking 50-300 sources; the rest are sources in one to four
        languages."""
        hrng = self.hrng
        n_countries = len(countries)
        guide_pages = min(remaining - 1, max(1, round(self.pages * H.GUIDE_SHARE)))
        guides: list[tuple[str, list[str], int | None]] = []
        i = 0
        while guide_pages > 0:
            langs = (["en", "ru", "kk"] if hrng.random() < 0.5 else ["en", "ru"])[:guide_pages]
            topic = None if i < n_countries else (i // n_countries - 1) % len(C.TOPICS)
            guides.append((countries[i % n_countries], langs, topic))
            guide_pages -= len(langs)
            remaining -= len(langs)
            i += 1
        per_country, regions = self._fill_sources(
            countries, remaining, lambda left: H.languages(hrng, left), least=1)
        for code, langs, topic in guides:
            lo, hi = H.GUIDE_LINKS
            wanted = min(len(self.sources), hrng.randint(lo, hi))
            own = per_country[code][:wanted]
            others = [s for s in self.sources if s.country != code]
            picked = own + hrng.sample(others, min(len(others), wanted - len(own)))
            self.mentions += len(picked)
            self.guide(code, langs, picked, regions[code], topic)

    def _fill_sources(self, countries: list[str], remaining: int,
                      languages: Callable[[int], list[str]], least: int
                      ) -> tuple[dict[str, list[Source]], dict[str, list[str]]]:
        """Sources, country by country in turn, each filed under the next category of its
        country, until fewer than ``least`` pages remain (``languages(left)`` draws a source's
        language versions). Returns each country's sources and its regions."""
        rng = self.rng
        offsets = {code: rng.randrange(len(C.CATEGORIES)) for code in countries}
        regions = {code: _regions(code) for code in countries}
        per_country: dict[str, list[Source]] = {code: [] for code in countries}
        i = 0
        while remaining >= least:
            code = countries[i % len(countries)]
            langs = languages(remaining)
            remaining -= len(langs)
            category = C.CATEGORIES[(offsets[code] + len(per_country[code])) % len(C.CATEGORIES)]
            source = self.source(code, category, langs, rng.choice(regions[code]), countries)
            per_country[code].append(source)
            self.sources.append(source)
            i += 1
        return per_country, regions

    def _fields(self, spec: list[tuple[str, object, str]], style: H.Style
                ) -> tuple[list[tuple[str, str]], dict[str, object]]:
        """A file's front-matter lines in its style, and the values YAML must read."""
        fields = [(key, style.render(key, value, kind)) for key, value, kind in spec]
        values = {key: value for key, value, _ in spec}
        if style.comment:
            hrng = self.hrng
            at = hrng.randrange(len(fields) + 1)
            note = hrng.choice(H.COMMENTS).format(d=f"2024-0{hrng.randint(1, 9)}-1{hrng.randint(0, 9)}")
            fields.insert(at, ("#1", note))
            if fields[-1][1][:1].isdigit() and hrng.random() < 0.5:  # after a value, too
                fields[-1] = (fields[-1][0], fields[-1][1] + "  # as agreed")
        return fields, values

    # -- sources ------------------------------------------------------------------------------
    def source(self, code: str, category: str, langs: list[str], region: str,
               countries: list[str]) -> Source:
        rng = self.rng
        templates, descriptions = C.NAMES[category]
        template = rng.choice(templates)
        brand = rng.choice(C.BRANDS)
        topics = rng.sample(range(len(C.TOPICS)), rng.randint(5, 9))
        topic = topics[0]
        li = H.TEMPLATE if self.heavy else {"en": 0, "ru": 1, "kk": 2}
        titles: dict[str, str] = {}
        for lang in langs:
            t = C.TOPICS[topic][li[lang]]
            title = template[li[lang]].format(c=self.name(code, lang), r=region, b=brand,
                                              t=_cap(t) if lang == "en" else t)
            titles[lang] = _clean(title)
        english = template[0].format(c=self.name(code, "en"), r=region, b=brand,
                                     t=C.TOPICS[topic][0])
        slug = self.unique(f"{code.lower()}_{slugify(english)}")
        host = slugify(english.replace(self.name(code, "en"), "")) or slug.replace("_", "-")
        tld = "org" if category in ("ingo", "local-ngo") else ("uk" if code == "GB" else code.lower())
        homepage = f"https://{host}.{tld}/"
        others = [c for c in countries if c != code]
        extra_country = rng.choice(others) if others and rng.random() < 0.3 else None
        categories = [category]
        if rng.random() < 0.15:
            categories.append(rng.choice([c for c in C.CATEGORIES if c != category]))
        published = rng.sample(C.PUBLISHING_LANGUAGES, rng.randint(1, 4))
        contributors = rng.sample(C.CONTRIBUTORS, rng.randint(1, 3)) if rng.random() < 0.7 else []
        style = H.Style(self.heavy and self.hrng.random() >= H.QUOTED_SHARE, self.hrng)
        if self.heavy and contributors:
            contributors = self.hrng.sample(C.CONTRIBUTORS, self.hrng.randint(1, 4))
        created, modified = _date(rng)
        weight = rng.randint(1, 100) if rng.random() < 0.8 else None
        link_title = rng.random() < 0.6
        n_general = rng.randint(2, 3)
        general = rng.sample(range(len(C.BODY["en"]["*"])), n_general)
        specific = rng.randrange(len(C.BODY["en"][category]))
        by_code = rng.random() < 0.1
        for lang in langs:
            ti = li[lang]
            words_lang = "en" if lang not in C.BODY else lang
            spec: list[tuple[str, object, str]] = [("title", titles[lang], "text")]
            if link_title:
                spec.append(("linkTitle", brand if "{b}" in template[0] else titles[lang],
                             "text"))
            country_names = [code if by_code else self.name(code, lang)]
            if extra_country:
                country_names.append(self.name(extra_country, lang))
            description = descriptions[ti].format(
                name=titles[lang], c=self.name(code, lang), r=region,
                t=C.TOPICS[topic][ti])
            spec += [
                ("description", description, "long"),
                ("countries", country_names, "list"),
                ("categories", categories, "list"),
                ("languages", published, "list"),
                ("homepage", homepage, "text"),
            ]
            if contributors:
                spec.append(("contributor", contributors, "list"))
            spec += [
                ("tags", [C.TOPICS[t][ti] for t in topics], "list"),
                ("created", created, "date"),
                ("date", modified, "date"),
            ]
            if weight is not None:
                spec.append(("weight", weight, "int"))
            fields, values = self._fields(spec, style)
            self.quoted_files += self.heavy and not style.editor
            words = {"name": titles[lang], "c": self.name(code, lang), "r": region,
                     "t": C.TOPICS[topic][ti], "t2": C.TOPICS[topics[1]][ti],
                     "langs": ", ".join(C.LANGUAGE_NAMES[words_lang][p] for p in published)}
            sentences = [C.BODY[words_lang][category][specific]] + \
                [C.BODY[words_lang]["*"][g] for g in general]
            body = " ".join(s.format(**words) for s in sentences)
            if self.heavy:
                general_all = [s.format(**words) for s in
                               C.BODY[words_lang]["*"] + C.BODY[words_lang][category]]
                body = H.source_body(self.hrng, words_lang, [body], general_all,
                                     [C.TOPICS[t][ti] for t in topics], titles[lang], homepage)
            name = "index.md" if lang == "en" else f"index.{lang}.md"
            rel = f"sources/{slug}/{name}"
            self.texts[rel] = PageText(rel, fields, body, values)
        return Source(slug, code, category, langs, titles, topics, region, extra_country)

    # -- guides -------------------------------------------------------------------------------
    def guide(self, code: str, langs: list[str], sources: list[Source], regions: list[str],
              topic: int | None = None) -> None:
        rng = self.rng
        name_en = self.name(code, "en") + ("" if topic is None else f" {C.TOPICS[topic][0]}")
        slug = self.unique(slugify(name_en))
        style = H.Style(self.heavy and self.hrng.random() >= H.QUOTED_SHARE, self.hrng)
        created, modified = _date(rng)
        contributor = rng.choice(C.CONTRIBUTORS)
        by_category = {c: [s for s in sources if s.category == c] for c in C.CATEGORIES}
        notes = {s.slug: (rng.randrange(len(C.NOTES["en"])), rng.random() < 0.8) for s in sources}
        li = {"en": 0, "ru": 1, "kk": 2}
        for lang in langs:
            c = self.name(code, lang)
            title = C.GUIDE_TITLE[lang].format(c=c) if topic is None else \
                H.GUIDE_TOPIC_TITLE[lang].format(c=c, t=C.TOPICS[topic][li[lang]])
            spec: list[tuple[str, object, str]] = [
                ("title", title, "text"),
                ("linkTitle", C.GUIDE_LINK_TITLE[lang].format(c=c), "text"),
                ("countries", [c], "list"),
                ("contributor", [contributor], "list"),
                ("tags", C.GUIDE_TAGS[lang], "list"),
                ("created", created, "date"),
                ("date", modified, "date"),
                ("weight", 1, "int"),
                ("description", C.GUIDE_DESCRIPTION[lang].format(c=c), "long"),
            ]
            fields, values = self._fields(spec, style)
            self.quoted_files += self.heavy and not style.editor
            lines = [C.GUIDE_INTRO[lang].format(c=c)]
            for category in C.CATEGORIES:
                listed = by_category[category]
                if not listed:
                    continue
                heading = C.CATEGORY_TITLES[category][lang]
                lines += ["", f"## {heading}", "",
                          f"[{heading}](/category/{category}) {C.CATEGORY_PROSE[category][lang]}",
                          "", C.FOR_EXAMPLE[lang], ""]
                for s in listed:
                    title = s.titles.get(lang) or s.titles.get("en") or s.titles[s.langs[0]]
                    item = f"- [{title}](/sources/sources/{s.slug}/)"
                    which, has_note = notes[s.slug]
                    if has_note:
                        note = C.NOTES[lang][which].format(t=C.TOPICS[s.topics[0]][li[lang]],
                                                           r=s.region)
                        item += note if note.startswith(",") else f" {note}"
                    lines.append(item)
            name = "index.md" if lang == "en" else f"index.{lang}.md"
            rel = f"guides/{slug}/{name}"
            self.texts[rel] = PageText(rel, fields, "\n".join(lines), values)


# -- violations ----------------------------------------------------------------------------------

def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.split("\n"), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not written")


def _inject(gen: _Generator, count: int) -> list[dict[str, object]]:
    """Break ``count`` pages, each once, and say where kzgraph should report each break."""
    if count <= 0:
        return []
    rng = random.Random(f"violations-{gen.seed}")
    sources = sorted(gen.sources, key=lambda s: s.slug)
    rng.shuffle(sources)
    guide_files = sorted(rel for rel, page in gen.texts.items()
                         if rel.startswith("guides/") and "\n- [" in page.body)
    rng.shuffle(guide_files)
    kinds = [VIOLATION_KINDS[i % len(VIOLATION_KINDS)] for i in range(count)]
    need_guides = sum(k in _IN_GUIDE for k in kinds)
    need_sources = count - need_guides
    if need_sources > len(sources) or need_guides > len(guide_files):
        raise GenerateError(
            f"{count} violations need {need_sources} sources and {need_guides} guide files; "
            f"this corpus has {len(sources)} and {len(guide_files)}. Ask for more pages.")
    manifest: list[dict[str, object]] = []
    for kind in kinds:
        entry: dict[str, object] = {"kind": kind}
        if kind in _IN_GUIDE:
            page = gen.texts[guide_files.pop()]
            first_item = page.body.index("\n- [")
            if kind == "dead_link":
                gone = f"{page.rel.split('/')[1]}-archive-gone"
                href = f"/sources/sources/{gone}/"
                added = f"\n- [Archived page]({href}) no longer online"
            else:
                href = "/category/archive"
                added = f"\n\n[Archived sources]({href}) are kept for reference.\n"
            page.body = page.body[:first_item] + added + page.body[first_item:]
            entry.update(files=[page.rel], key=None, stage="map", value=href,
                         needle=href)
        else:
            source = sources.pop()
            rels = [f"sources/{source.slug}/{'index.md' if lang == 'en' else f'index.{lang}.md'}"
                    for lang in source.langs]
            if kind not in _WHOLE_SOURCE:
                rels = [rng.choice(rels)]
            pages = [gen.texts[rel] for rel in rels]
            key: str | None
            if kind == "unknown_category":
                key, value, stage = "categories", f"{source.category}s", "shacl"
                for p in pages:
                    p.set(key, _list([value]))
            elif kind == "bad_date":
                key, value, stage = "created", "2023-02-30", "shacl"
                for p in pages:
                    p.set(key, value)
            elif kind == "bad_weight":
                key, value, stage = "weight", "high", "shacl"
                for p in pages:
                    p.set(key, value)
            elif kind == "homepage_not_url":
                key, stage = "homepage", "shacl"
                value = "www." + _unquote(pages[0].get(key)).split("//", 1)[-1]
                for p in pages:
                    p.set(key, _q(value))
            elif kind == "missing_title":
                key, value, stage = "title", "", "map"
                for p in pages:
                    p.drop(key)
            elif kind == "unknown_country":
                key, value, stage = "countries", "Narnia", "map"
                for p in pages:
                    p.set(key, _list([value]))
            elif kind == "unknown_key":
                key, value, stage = "author", source.region, "map"
                for p in pages:
                    p.set(key, _q(value))
            elif kind == "bad_language":
                key, value, stage = "languages", "xx", "map"
                for p in pages:
                    p.set(key, _list([value]))
            elif kind == "broken_yaml":
                key, value, stage = "title", "", "load"
                for p in pages:
                    p.set(key, '"' + _unquote(p.get(key)))
            elif kind == "empty_tags":
                key, value, stage = "tags", "[]", "map"
                for p in pages:
                    p.set(key, "[]")
            else:  # pragma: no cover - the kinds are listed above
                raise AssertionError(kind)
            entry.update(files=rels, key=None if kind == "broken_yaml" else key, stage=stage,
                         value=value, needle=None if kind == "missing_title" else f"{key}:")
        manifest.append(entry)
    return manifest


def build_corpus(pages: int, seed: int = 0, violations: int = 0,
                 repo_content: Path = REPO_CONTENT, profile: str = "light") -> Corpus:
    """The generated folder in memory: ``pages`` files (a page is one file), deterministic for
    ``seed`` and ``profile``, with ``violations`` pages broken on purpose (listed in the
    manifest)."""
    gen = _Generator(pages, seed, repo_content, profile)
    gen.run()
    injected = _inject(gen, violations)
    files = dict(gen.files)
    for rel, page in gen.texts.items():
        files[rel] = page.render().encode("utf-8")
    for entry in injected:
        needle = entry.pop("needle")
        # a missing key is reported where the front matter starts (line 2)
        entry["lines"] = {rel: 2 if needle is None else
                          _line_of(files[rel].decode("utf-8"), str(needle))
                          for rel in entry["files"]}  # type: ignore[union-attr]
    files = dict(sorted(files.items()))
    stats = {
        "pages": len(files),
        "guides": len({rel.split("/")[1] for rel in files if rel.startswith("guides/")}),
        "guide_pages": sum(rel.startswith("guides/") for rel in files),
        "sources": len(gen.sources),
        "source_pages": sum(rel.startswith("sources/") for rel in files),
        "countries": len({s.country for s in gen.sources}),
        "copied_pages": len(gen.files),
        "bytes": sum(len(b) for b in files.values()),
    }
    if gen.heavy:
        stats.update(profile="heavy", mentions=gen.mentions, quoted_style_pages=gen.quoted_files)
    manifest = {"generator_version": GENERATOR_VERSION, "pages": pages, "seed": seed,
                "violations": injected, **({"profile": profile} if gen.heavy else {})}
    corpus = Corpus(files, manifest, stats, gen.texts)
    return corpus


def write_corpus(corpus: Corpus, out: Path, *, force: bool = False) -> None:
    """Write the files under ``out`` (built in a sibling folder, then renamed into place)."""
    out = Path(out)
    if out.exists():
        if not force and any(out.iterdir()):
            raise GenerateError(f"{out} exists and is not empty: choose another folder or "
                                "pass --force to replace it.")
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    made: set[str] = set()
    try:
        for rel, data in corpus.files.items():
            folder = rel.rpartition("/")[0]
            if folder not in made:
                os.makedirs(staging / folder, exist_ok=True)
                made.add(folder)
            with open(staging / rel, "wb") as handle:
                handle.write(data)
        os.rename(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def generate(out: Path, pages: int, seed: int = 0, violations: int = 0, *,
             manifest: Path | None = None, force: bool = False,
             profile: str = "light") -> Corpus:
    """Generate and write a content folder; with violations, also write the manifest JSON
    (default: ``<out>.violations.json`` beside the folder)."""
    corpus = build_corpus(pages, seed, violations, profile=profile)
    write_corpus(corpus, out, force=force)
    if violations:
        target = manifest or Path(out).with_name(f"{Path(out).name}.violations.json")
        target.write_text(json.dumps(corpus.manifest, ensure_ascii=False, indent=2) + "\n",
                          encoding="utf-8")
    return corpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, required=True, help="files to write (all kinds)")
    parser.add_argument("--out", type=Path, required=True, help="the content folder to create")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--violations", type=int, default=0,
                        help="pages to break on purpose (a manifest says where)")
    parser.add_argument("--manifest", type=Path, default=None,
                        help="where to write the manifest (default <out>.violations.json)")
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    parser.add_argument("--profile", choices=PROFILES, default="light",
                        help="light: quoted front matter, short bodies; heavy: front matter as "
                             "editors write it, long bodies, 1-4 languages, link-heavy guides")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        corpus = generate(args.out, args.pages, args.seed, args.violations,
                          manifest=args.manifest, force=args.force, profile=args.profile)
    except GenerateError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - start
    s = corpus.stats
    print(f"Wrote {s['pages']} pages to {args.out} in {elapsed:.1f} s: {s['guides']} guides "
          f"({s['guide_pages']} pages), {s['sources']} sources ({s['source_pages']} pages) in "
          f"{s['countries']} countries, {s['copied_pages']} category/perspective pages, "
          f"{s['bytes'] / 1e6:.1f} MB"
          + (f"; {s['mentions']} guide links, {s['quoted_style_pages']} pages in the quoted "
             "style" if "mentions" in s else "")
          + (f"; {args.violations} violations" if args.violations else "") + ".",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

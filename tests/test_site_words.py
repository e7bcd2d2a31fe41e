"""The static site's own words come from the message catalogues (src/kzgraph/locale/<lang>.po),
as the CLI's messages do: a translation changed there shows on every page of the next site
build, and only a language with a catalogue is a language of the site."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import CONTENT
from kzgraph import errors
from kzgraph.config import Settings
from kzgraph.publish.site import build_site
from kzgraph.publish.site.i18n import SEARCH_WORDS, SITE_LANGUAGES, search_words, words

BASE = "https://kzgraph.example/"


@pytest.fixture
def catalogues(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the catalogues that the site reads its words from, for a translator to edit
    (the lookups made once a process are forgotten before and after)."""
    folder = tmp_path / "locale"
    shutil.copytree(errors.LOCALE_DIR, folder)
    monkeypatch.setattr(errors, "LOCALE_DIR", folder)
    errors.catalogue.cache_clear()
    words.cache_clear()
    yield folder
    errors.catalogue.cache_clear()
    words.cache_clear()


def test_a_translation_changed_in_the_catalogue_shows_on_the_next_build(
        tmp_path: Path, catalogues: Path) -> None:
    out = tmp_path / "public"
    settings = Settings(base=BASE, content=CONTENT)
    cold = build_site(settings, out, cache=tmp_path / "cache", search=False)
    page = out / "sources/sources/feminita/index.ru.html"
    assert "Перейти к содержанию" in page.read_text(encoding="utf-8")
    again = build_site(settings, out, cache=tmp_path / "cache", search=False)
    assert again.rendered < cold.rendered / 5  # nothing changed: few pages rendered again

    po = catalogues / "ru.po"
    text = po.read_text(encoding="utf-8")
    old = 'msgid "Skip to the content"\nmsgstr "Перейти к содержанию"\n'
    assert old in text
    po.write_text(text.replace(old, 'msgid "Skip to the content"\nmsgstr "К содержанию"\n'),
                  encoding="utf-8")
    errors.catalogue.cache_clear()
    words.cache_clear()
    report = build_site(settings, out, cache=tmp_path / "cache", search=False)
    assert report.rendered == cold.rendered  # every page shows the word
    shown = page.read_text(encoding="utf-8")
    assert "К содержанию" in shown and "Перейти к содержанию" not in shown
    assert "Skip to the content" in (out / "sources/sources/feminita/index.html").read_text(
        encoding="utf-8")


def test_a_language_with_a_catalogue_is_a_language_of_the_site(catalogues: Path) -> None:
    assert SITE_LANGUAGES == frozenset(errors.MESSAGE_LANGUAGES) == {"en", "ru", "kk"}
    assert {p.stem for p in catalogues.glob("*.po")} == set(SITE_LANGUAGES)
    # a language without a catalogue: English words, whatever its pages' text is in
    assert words("de") is not words("en") and dict(words("de")) == dict(words("en"))


def test_the_search_box_has_the_words_of_every_site_language() -> None:
    """Pagefind's UI has Russian words of its own and no Kazakh ones: the search page gives it
    the catalogues' words in each language, each with Pagefind's ``[TOKENS]`` kept."""
    english = json.loads(search_words("en"))
    assert english["placeholder"] == "Search"
    assert set(english) == set(SEARCH_WORDS)
    for lang in SITE_LANGUAGES - {"en"}:
        shown = json.loads(search_words(lang))
        assert set(shown) == set(english), lang
        for key, text in shown.items():
            assert text != english[key], (lang, key)
            assert sorted(re.findall(r"\[[A-Z_]+\]", text)) == sorted(
                re.findall(r"\[[A-Z_]+\]", english[key])), (lang, key)
    assert json.loads(search_words("kk"))["placeholder"] == "Іздеу"

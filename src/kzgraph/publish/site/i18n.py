"""The site's own words: msgids of kzgraph's message catalogues (``src/kzgraph/locale/<lang>.po``,
where the CLI's messages are translated too), by the name the templates use (``w.home``). A
word's ``{name}`` fields are filled in by the page that shows it. The site has a language's
interface where a catalogue of it exists; a page in another language gets English words around
its content (the page says the content's language, not the interface's)."""

from __future__ import annotations

from functools import lru_cache
from types import MappingProxyType
from typing import Mapping

from kzgraph.errors import MESSAGE_LANGUAGES, Message, msg

#: the languages the site has its own words in (a page in another is shown in these)
SITE_LANGUAGES = frozenset(MESSAGE_LANGUAGES)

#: the site's words: a catalogue message, or a name that is the same in every language
WORDS: dict[str, Message | str] = {
    "site": "kzgraph", "sparql": "SPARQL",
    "home": msg("Home"), "guides": msg("Guides"), "categories": msg("Categories"),
    "perspectives": msg("Perspectives"), "countries": msg("Countries"),
    "people": msg("People"), "search": msg("Search"), "language": msg("Language"),
    "fallback": msg("This text is not available in English; it is shown in {lang}."),
    "data": msg("This page as data"), "points_here": msg("What points here"),
    "statements": msg("All statements"), "sources": msg("Sources"),
    "offers": msg("Perspectives it offers"),
    "misses": msg("Blind spots (perspectives it may miss)"),
    "offered_by": msg("Categories that offer it"), "missed_by": msg("Categories that miss it"),
    "category": msg("Categories"), "homepage": msg("Website"), "country": msg("Countries"),
    "created": msg("Created"), "modified": msg("Updated"),
    "contributors": msg("Contributors"), "sections": msg("Sections"),
    "mentions": msg("Sources mentioned"), "guides_about": msg("Guides about it"),
    "dumps": msg("Download the whole graph"), "dataset": msg("The dataset"),
    "query_title": msg("Query the graph in your browser"),
    "query_intro": msg("SPARQL queries run here, in your browser, on the site's own data "
                       "(loaded from {dump}); nothing is sent anywhere. Pick a saved query:"),
    "loading": msg("Loading the data…"), "ready": msg("{n} statements loaded."),
    "search_intro": msg("Search every title and description, in every language."),
    "keywords": msg("Keywords"), "property": msg("Property"), "value": msg("Value"),
    "skip": msg("Skip to the content"), "triples": msg("statements"),
    "resources": msg("resources"), "written_by": msg("Contributed by"),
    "editor": msg("SPARQL query"), "page_size": msg("Rows per page"),
    "terms": msg("Terms in {name}"), "tagged": msg("Pages with this term"),
    "see_all": msg("All {n} →"), "source_count": msg("sources: {n}"), "pages": msg("Pages"),
    "page_of": msg("Page {n} of {total}"), "page_n": msg("Page {n}"),
    "previous": msg("← Previous page"), "next": msg("Next page →"),
    "incoming_more": msg("…and {n} more statements point here: this page's data holds them "
                         "all, and the lists above show them page by page."),
}

#: the words of Pagefind's search box and results, by its names for them (Pagefind's UI has
#: its own for Russian, none for Kazakh: these make every language's search page alike);
#: ``[SEARCH_TERM]``, ``[COUNT]`` and ``[DIFFERENT_TERM]`` are filled in by Pagefind
SEARCH_WORDS: dict[str, Message] = {
    "placeholder": msg("Search"), "clear_search": msg("Clear"),
    "load_more": msg("Load more results"), "search_label": msg("Search this site"),
    "filters_label": msg("Filters"), "zero_results": msg("No results for [SEARCH_TERM]"),
    "many_results": msg("[COUNT] results for [SEARCH_TERM]"),
    "one_result": msg("[COUNT] result for [SEARCH_TERM]"),
    "alt_search": msg("No results for [SEARCH_TERM]. Showing results for [DIFFERENT_TERM] "
                      "instead"),
    "search_suggestion": msg("No results for [SEARCH_TERM]. Try one of the following "
                             "searches:"),
    "searching": msg("Searching for [SEARCH_TERM]..."),
}

LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "kk": "Қазақша"}


@lru_cache(maxsize=None)
def words(lang: str) -> Mapping[str, str]:
    """The site's words in ``lang`` (English for a language without a catalogue), each looked
    up in the catalogue once a process: a site renders thousands of pages."""
    shown = lang if lang in SITE_LANGUAGES else "en"
    return MappingProxyType({key: word if isinstance(word, str) else word.render(shown)
                             for key, word in WORDS.items()})


@lru_cache(maxsize=None)
def search_words(lang: str) -> str:
    """Pagefind's translations for the search page in ``lang``, as JSON."""
    import json

    shown = lang if lang in SITE_LANGUAGES else "en"
    return json.dumps({key: word.render(shown) for key, word in SEARCH_WORDS.items()},
                      ensure_ascii=False, sort_keys=True)


def language_name(lang: str | None) -> str:
    return LANGUAGE_NAMES.get(lang or "", lang or "?")

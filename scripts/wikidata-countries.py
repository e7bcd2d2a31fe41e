"""Make the table of each ISO 3166-1 country's Wikidata item that kzgraph links countries to
(src/kzgraph/content/wikidata/countries.tsv), from two sources that may be vendored, compared
code by code, and a third that is only compared (nothing of it is copied).

    .venv/bin/python scripts/wikidata-countries.py --country-coder borders.json \\
        --owid CountriesRegions.ts --check countries.csv

- ``--country-coder``: ``src/data/borders.json`` of rapideditor/country-coder (ISC licence):
  features whose properties have ``iso1A2`` and ``wikidata``.
- ``--owid``: ``packages/@ourworldindata/grapher/src/mapCharts/CountriesRegions.ts`` of
  owid/owid-grapher at commit c7402d12 (MIT licence then; the repository left MIT in May 2026,
  so take no later version): a CSV with ``iso_alpha2`` and ``wikidata_uri``.
- ``--check``: ``csv/countries.csv`` of dr5hn/countries-states-cities-database (ODbL): columns
  ``iso2`` and ``wikiDataId``, read only to compare.

A code gets an item when both vendorable sources give the same one and the check gives it too
(or none). Every other case is settled in :data:`RESOLVED` with its reason (an item, or none to
leave the country without a link); a resolution records what each source said, so when a
source changes the script stops and asks for the case to be looked at again, as it does for a
new disagreement, a resolution no longer needed, or two codes with one item. Only the codes
pycountry knows are kept. The table is written sorted, one ``code<TAB>item`` a line, and the
script prints the coverage and the settled cases for the provenance note
(src/kzgraph/content/wikidata/README.md).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "src" / "kzgraph" / "content" / "wikidata" / "countries.tsv"
ITEM = re.compile(r"Q[1-9][0-9]*")
HEADER = ("# ISO 3166-1 alpha-2 code and Wikidata item of each country, made by\n"
          "# scripts/wikidata-countries.py: do not edit by hand. Sources, licences and the\n"
          "# settled disagreements: README.md beside this file.\n")


@dataclass(frozen=True)
class Resolution:
    """How a disagreement is settled: ``item`` (None: no link), what each source said when it
    was settled (``country-coder``, ``owid``, ``check``; None where a source has nothing), and
    why."""

    item: str | None
    seen: tuple[str | None, str | None, str | None]
    reason: str


#: every code the sources disagree on, settled by hand
RESOLVED: dict[str, Resolution] = {
    "AQ": Resolution(
        None, ("Q51", "Q21590062", "Q51"),
        "Q51 is the continent Antarctica, Q21590062 the Antarctic Treaty area; ISO 3166-1 "
        "gives AQ to the territories south of 60° S, which matches neither exactly: no link."),
    "DK": Resolution(
        "Q35", ("Q756617", "Q35", "Q35"),
        "Q35 is Denmark, Q756617 the Kingdom of Denmark with Greenland and the Faroe Islands. "
        "Those two have codes of their own (GL, FO) and ISO 3166-2:DK (pycountry) lists only "
        "the five regions of Denmark itself, so DK is Q35; country-coder gives DK to the realm "
        "because it draws FO and GL inside it (its Q35 feature is Denmark itself)."),
    "GS": Resolution(
        "Q35086", ("Q35086", "Q35086", "Q1137202"),
        "Both vendorable sources give Q35086, which OWID labels 'South Georgia and the South "
        "Sandwich Islands' (the ISO name); the check's Q1137202 is another item."),
    "NL": Resolution(
        "Q29999", ("Q29999", "Q29999", "Q55"),
        "Q29999 is the Kingdom of the Netherlands, Q55 the Netherlands in Europe. ISO 3166-2:NL "
        "(pycountry) lists Aruba, Curaçao, Sint Maarten and the Caribbean Netherlands "
        "(NL-AW, NL-CW, NL-SX, NL-BQ1..3) besides the provinces, and pycountry's official name "
        "is 'Kingdom of the Netherlands': NL is the kingdom, as both vendorable sources say."),
    "PN": Resolution(
        "Q35672", ("Q35672", "Q35672", "Q1779748"),
        "Both vendorable sources give Q35672, labelled 'Pitcairn Islands' (ISO: Pitcairn); the "
        "check's Q1779748 is another item."),
    "PS": Resolution(
        "Q219060", ("Q219060", "Q219060", "Q407199"),
        "ISO 3166-1 names PS 'Palestine, State of': Q219060 is the State of Palestine, as both "
        "vendorable sources say; the check's Q407199 is the Palestinian territories."),
    "RE": Resolution(
        "Q17070", ("Q17070", "Q17070", "Q293585"),
        "Both vendorable sources give Q17070, labelled 'Réunion' (the ISO name); the check's "
        "Q293585 is another item."),
    "SH": Resolution(
        "Q192184", ("Q192184", "Q192184", "Q34497"),
        "ISO 3166-1 SH is 'Saint Helena, Ascension and Tristan da Cunha', Q192184 (both "
        "vendorable sources); the check's Q34497 is the island of Saint Helena alone (SH-HL)."),
}


class SourceError(Exception):
    """A source, or the comparison of the sources, that the table cannot be made from."""


def read_country_coder(text: str) -> dict[str, str]:
    """Code -> item of country-coder's borders.json (features with an ISO code only)."""
    out: dict[str, str] = {}
    for feature in json.loads(text)["features"]:
        props = feature["properties"]
        if "iso1A2" in props:
            out[props["iso1A2"]] = props["wikidata"]
    return out


def read_owid(text: str) -> dict[str, str]:
    """Code -> item of OWID's CountriesRegions.ts (a CSV in a template string)."""
    body = text[text.index("`") + 1:text.rindex("`")]
    return {row["iso_alpha2"]: row["wikidata_uri"].rsplit("/", 1)[1]
            for row in csv.DictReader(io.StringIO(body))
            if row["iso_alpha2"] and row["wikidata_uri"]}


def read_check(text: str) -> dict[str, str]:
    """Code -> item of countries-states-cities-database's countries.csv."""
    return {row["iso2"]: row["wikiDataId"] for row in csv.DictReader(io.StringIO(text))
            if row["iso2"] and row["wikiDataId"]}


def merge(codes: set[str], coder: dict[str, str], owid: dict[str, str],
          check: dict[str, str], resolved: dict[str, Resolution] = RESOLVED
          ) -> tuple[dict[str, str], dict[str, Resolution]]:
    """The table (code -> item) for ``codes``, and the resolutions it used. Raises
    :class:`SourceError` naming every code to look at."""
    table: dict[str, str] = {}
    used: dict[str, Resolution] = {}
    problems: list[str] = []
    for code in sorted(codes):
        said = (coder.get(code), owid.get(code), check.get(code))
        for item in said:
            if item is not None and not ITEM.fullmatch(item):
                problems.append(f"{code}: '{item}' is not a Wikidata item identifier")
        agreed = said[0] if said[0] == said[1] and said[2] in (None, said[0]) else None
        if code in resolved:
            resolution = resolved[code]
            if said != resolution.seen:
                problems.append(f"{code}: the sources now say {said}, not {resolution.seen} as "
                                "when it was settled: look at it again")
            elif agreed is not None:
                problems.append(f"{code}: the sources agree now; remove its resolution")
            used[code] = resolution
            if resolution.item is not None:
                table[code] = resolution.item
        elif agreed is not None:
            table[code] = agreed
        elif said != (None, None, None):
            problems.append(f"{code}: the sources say {said} (country-coder, OWID, check): "
                            "settle it in RESOLVED")
    for code in sorted(set(resolved) - codes):
        problems.append(f"{code}: resolved, but not an ISO 3166-1 code pycountry knows")
    by_item: dict[str, list[str]] = {}
    for code, item in table.items():
        by_item.setdefault(item, []).append(code)
    problems += [f"{item} is the item of {' and '.join(codes_)}: one item, one country"
                 for item, codes_ in sorted(by_item.items()) if len(codes_) > 1]
    if problems:
        raise SourceError("\n".join(problems))
    return table, used


def render(table: dict[str, str]) -> str:
    return HEADER + "".join(f"{code}\t{table[code]}\n" for code in sorted(table))


def _write(path: Path, text: str) -> None:
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
        out.write(text)
    os.replace(temporary, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--country-coder", type=Path, required=True)
    parser.add_argument("--owid", type=Path, required=True)
    parser.add_argument("--check", type=Path, required=True)
    parser.add_argument("--output", type=Path, default=TABLE)
    args = parser.parse_args(argv)
    import pycountry

    texts = {name: path.read_text(encoding="utf-8") for name, path in
             (("country-coder", args.country_coder), ("owid", args.owid),
              ("check", args.check))}
    coder, owid, check = (read_country_coder(texts["country-coder"]),
                          read_owid(texts["owid"]), read_check(texts["check"]))
    codes = {c.alpha_2 for c in pycountry.countries}
    try:
        table, used = merge(codes, coder, owid, check)
    except SourceError as e:
        print(f"wikidata-countries: the table was not written:\n{e}", file=sys.stderr)
        return 1
    _write(args.output, render(table))
    for name, text in texts.items():
        print(f"{name}: sha256 {hashlib.sha256(text.encode()).hexdigest()}")
    extra = sorted((set(coder) | set(owid) | set(check)) - codes)
    print(f"{len(table)} of {len(codes)} pycountry codes have an item; without one: "
          f"{', '.join(sorted(codes - set(table))) or 'none'}")
    print(f"codes of the sources pycountry does not know (left out): {', '.join(extra)}")
    unanimous = sum(1 for code in codes if code in coder and coder[code] == owid.get(code)
                    == check.get(code) and code not in used)
    print(f"the same item in all three sources: {unanimous}; settled by hand: {len(used)}")
    for code, resolution in sorted(used.items()):
        print(f"{code}\t{resolution.item or '-'}\t{resolution.seen}\t{resolution.reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

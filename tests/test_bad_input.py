"""A corpus of bad input. Each case is one editor's mistake (or one hostile file); each must get
a message naming the file (and the line where there is one), no traceback, the documented exit
code, every other page still loaded, and no output half-written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from kzgraph.cli import cli
from kzgraph.config import Settings
from kzgraph.engine.pipeline import load_and_map
from kzgraph.vocab import KZ, RDF
from conftest import BASE, CONTENT, replace_in

FEM_EN = "sources/feminita/index.md"
FEM_RU = "sources/feminita/index.ru.md"
GUIDE_RU = "guides/kazakhstan/index.ru.md"


def _line_of(root: Path, rel: str, needle: str) -> int:
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def _set(rel: str, data: bytes | str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return setup


def _edit(rel: str, old: str, new: str) -> Callable[[Path], None]:
    return lambda root: replace_in(root / rel, old, new)


def _copy_folder(src: str, dst: str) -> Callable[[Path], None]:
    return lambda root: shutil.copytree(root / src, root / dst)


def _move_folder(src: str, dst: str) -> Callable[[Path], None]:
    return lambda root: shutil.move(root / src, root / dst)


def _symlink(rel: str, target: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, root / rel)
    return setup


def _replace_file_with_symlink(rel: str, target: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        (root / rel).unlink()
        os.symlink(target, root / rel)
    return setup


def _fifo(rel: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        (root / rel).unlink()
        os.mkfifo(root / rel)
    return setup


def _crlf(rel: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        path = root / rel
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    return setup


def _bom(rel: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        path = root / rel
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    return setup


def _cp1251(rel: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        path = root / rel
        path.write_bytes(path.read_text(encoding="utf-8").encode("cp1251", "replace"))
    return setup


def _ten_thousand_dead_links(root: Path) -> None:
    items = "".join(f"- [Missing {n}](/sources/sources/missing_{n}/)\n" for n in range(10_000))
    path = root / GUIDE_RU
    path.write_text(path.read_text(encoding="utf-8") + "\n## Ещё\n\n" + items, encoding="utf-8")


def _ten_thousand_good_links(root: Path) -> None:
    """A section of 10,000 links, in both language versions (as a section must be)."""
    items = "".join(f"- [Feminita](/sources/sources/feminita/) {n}\n" for n in range(10_000))
    for rel, title in ((GUIDE_RU, "Ещё"), ("guides/kazakhstan/index.md", "More")):
        path = root / rel
        path.write_text(path.read_text(encoding="utf-8") + f"\n## {title}\n\n" + items,
                        encoding="utf-8")


FRONT = '---\ntitle: "X"\ncategories: ["local-ngo"]\n---\nBody.\n'
BILLION_LAUGHS = ('---\ntitle: "X"\ncategories: ["local-ngo"]\n'
                  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
                  + "".join(f'{chr(98 + i)}: &{chr(98 + i)} [' + ",".join([f"*{chr(97 + i)}"] * 9)
                            + "]\n" for i in range(8)) + "tags: *i\n---\n")


@dataclass
class Case:
    """One bad input: how to make it, and what the editor must be told."""

    name: str
    setup: Callable[[Path], None]
    path: str                      # the file named in the message, relative to content/
    fragment: str                  # words the message must contain
    code: int = 1                  # the exit code of `kzgraph build`
    line: int | str | None = None  # the line, or a text to find on the line, or None
    touches: str | None = "source"  # what kind of page the case breaks (for "others load")


CASES = [
    Case("malformed_yaml", _edit(FEM_RU, 'title: "Feminita"', 'title: "Feminita'), FEM_RU,
         "quote opened on this line is never closed", line=2),
    Case("yaml_bad_indent", _edit(FEM_RU, "categories:", "  categories:"), FEM_RU,
         "not valid YAML", line="categories:"),
    Case("tab_in_front_matter", _edit(FEM_RU, "tags:", "\ttags:"), FEM_RU,
         "contains a tab", line="tags:"),
    Case("byte_order_mark", _bom(FEM_RU), FEM_RU, "byte-order mark", code=0, line=1),
    Case("crlf_line_endings", _crlf(FEM_RU), FEM_RU, "line endings", code=0, line=1),
    Case("not_utf8", _cp1251(FEM_RU), FEM_RU, "not UTF-8 text", line="description:"),
    Case("binary_file", _set(FEM_RU, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), FEM_RU,
         "binary file"),
    Case("empty_file", _set(FEM_RU, b""), FEM_RU, "The file is empty", line=1),
    Case("no_front_matter", _set(FEM_RU, "Feminita — коллектив.\n"), FEM_RU,
         "no front matter", line=1),
    Case("front_matter_not_closed", _set(FEM_RU, '---\ntitle: "F"\n\nBody\n'), FEM_RU,
         "not closed", line=1),
    Case("toml_front_matter_broken", _set(FEM_RU, '+++\ncategories = ["local-ngo"]\n'
                                                  'title = "F\n+++\n'), FEM_RU,
         "not valid TOML", line=3),
    Case("json_front_matter_broken", _set(FEM_RU, '{"title": "F",\n "categories": }\n\nBody\n'),
         FEM_RU, "not valid JSON", line=2),
    Case("toml_front_matter_unknown_key", _set(FEM_RU, '+++\ntitle = "F"\ncategories = '
                                                       '["local-ngo"]\nfounded = 2014\n+++\n'),
         FEM_RU, "would be lost", line=4),
    Case("json_front_matter_key_twice", _set(FEM_RU, '{\n "title": "F",\n "categories": '
                                                     '["local-ngo"],\n "title": "G"\n}\n'),
         FEM_RU, "written twice (first on line 2)", line=4),
    Case("front_matter_is_a_list", _set(FEM_RU, "---\n- title\n- F\n---\n"), FEM_RU,
         "'key: value' lines", line=2),
    Case("duplicate_keys", _edit(FEM_RU, "tags:", 'title: "Again"\ntags:'), FEM_RU,
         "written twice (first on line 2)", line='title: "Again"'),
    Case("same_slug_twice", _copy_folder("sources/feminita", "sources/tmp") and
         (lambda root: shutil.copy(root / FEM_EN, root / "sources/feminita/index.en.md")),
         "sources/feminita/index.md", "already describes the same page in language 'en'",
         line=1),
    Case("slug_differs_in_case", _copy_folder("sources/feminita", "sources/Feminita"),
         "sources/feminita/index.md", "differs only in case", line=1),
    Case("slug_with_space", _move_folder("sources/kazfem", "sources/kaz fem"),
         "sources/kaz fem/index.md", "cannot be used as a slug"),
    Case("slug_with_quote", _move_folder("sources/kazfem", 'sources/kaz"fem'),
         'sources/kaz"fem/index.md', "cannot be used as a slug"),
    Case("slug_with_angle_brackets", _move_folder("sources/kazfem", "sources/<kazfem>"),
         "sources/<kazfem>/index.md", "cannot be used as a slug"),
    Case("not_a_language_in_file_name", _set("sources/feminita/index.xx.md", FRONT),
         "sources/feminita/index.xx.md", "'xx' in the file name is not an ISO 639-1"),
    Case("impossible_date", _edit(FEM_RU, "created: 2023-11-21", "created: 2023-02-30"),
         FEM_RU, "YYYY-MM-DD", line="created:"),
    Case("date_with_time", _edit(FEM_RU, "date: 2023-12-03", "date: 2023-12-03T10:00:00"),
         FEM_RU, "'date' must be one real date", line="date:"),
    Case("list_where_string_belongs", _edit(FEM_RU, 'title: "Feminita"', 'title: ["A", "B"]'),
         FEM_RU, "must be a single value, not a list", line=2),
    Case("string_where_list_belongs", _edit(FEM_RU, 'categories: ["local-ngo"]',
                                            "categories: local-ngo"),
         FEM_RU, "should be a list", code=0, line="categories:"),
    Case("mapping_where_string_belongs", _edit(FEM_RU, 'title: "Feminita"', "title: {a: b}"),
         FEM_RU, "not a set of keys", line=2),
    Case("boolean_title", _edit(FEM_RU, 'title: "Feminita"', "title: yes"), FEM_RU,
         "must be a word or a sentence", line=2),
    Case("empty_value", _edit(FEM_RU, 'title: "Feminita"', "title:"), FEM_RU,
         "has no value", line=2),
    Case("control_character", _edit(FEM_RU, 'title: "Feminita"', 'title: "Femi\\x01nita"'),
         FEM_RU, "control character U+0001", line=2),
    Case("one_megabyte_description",
         _edit(FEM_RU, "description:", 'description: "' + "д" * 1_048_576 + '"\nx_old:'),
         FEM_RU, "would be lost", line="x_old:"),
    Case("one_megabyte_description_alone",
         lambda root: replace_in(root / FEM_RU, 'title: "Feminita"',
                                 'title: "Feminita"\nlinkTitle: "' + "д" * 1_048_576 + '"'),
         FEM_RU, "1,048,576 characters long", code=0, line="linkTitle:"),
    Case("guide_with_ten_thousand_dead_links", _ten_thousand_dead_links, GUIDE_RU,
         "no source 'missing_9999'", line="missing_9999/", touches="guide"),
    Case("guide_with_ten_thousand_links", _ten_thousand_good_links, GUIDE_RU,
         "", code=0, touches="guide"),
    Case("guide_links_to_itself", _edit(GUIDE_RU, "## Правительство",
                                        "## Правительство\n\nСм. [это](/guides/kazakhstan/)."),
         GUIDE_RU, "points to this guide itself", code=0, line="(/guides/kazakhstan/)",
         touches="guide"),
    Case("dead_source_link", _edit(GUIDE_RU, "/sources/sources/kazfem/",
                                   "/sources/sources/kazfemm/"),
         GUIDE_RU, "no source 'kazfemm'", line="kazfemm", touches="guide"),
    Case("dead_category_link", _edit(GUIDE_RU, "(/category/government)",
                                     "(/category/goverment)"),
         GUIDE_RU, "no category 'goverment'", line="goverment", touches="guide"),
    Case("section_only_in_one_language",
         _edit(GUIDE_RU, "## Международные", "## Введение\n\nТекст.\n\n## Международные"),
         GUIDE_RU, "has no counterpart in content/guides/kazakhstan/index.md",
         line="## Введение", touches="guide"),
    Case("dead_relative_link", _edit(GUIDE_RU, "(/sources/sources/kazfem/)",
                                     "(../../sources/sources/kazfemm/)"),
         GUIDE_RU, "no source 'kazfemm'", line="kazfemm", touches="guide"),
    Case("dead_ref_shortcode", _edit(GUIDE_RU, "(/sources/sources/kazfem/)",
                                     '({{< ref "sources/kazfemm" >}})'),
         GUIDE_RU, "no source 'kazfemm'", line="kazfemm", touches="guide"),
    Case("unclassifiable_link", _edit(FEM_RU, "---\n\n", "---\n\n[Фото](/images/a.png). "),
         FEM_RU, "kzgraph cannot tell what '/images/a.png' is", code=0, line="/images/a.png"),
    Case("draft_translation", _edit(FEM_RU, "tags:", "draft: true\ntags:"), FEM_RU,
         "This page is not published: it is a draft", code=0, line="draft:"),
    Case("symlink_loop_folder", _symlink("sources/loop", ".."), "sources/loop",
         "symbolic link", code=0, touches=None),
    Case("symlink_loop_file", _replace_file_with_symlink(FEM_RU, "index.ru.md"), FEM_RU,
         "symbolic links loop"),
    Case("dangling_symlink", _replace_file_with_symlink(FEM_RU, "gone.md"), FEM_RU,
         "does not exist"),
    Case("named_pipe", _fifo(FEM_RU), FEM_RU, "not a regular file"),
    Case("unknown_key", _edit(FEM_RU, "tags:", "founded: 2014\ntags:"), FEM_RU,
         "would be lost", line="founded:"),
    Case("key_for_another_kind", _edit(GUIDE_RU, "tags:", 'categories: ["ingo"]\ntags:'),
         GUIDE_RU, "does not know the key 'categories' on a guide page", line="categories:",
         touches="guide"),
    Case("unknown_country", _edit(FEM_RU, '["Казахстан"]', '["Нарния"]'), FEM_RU,
         "'Нарния' is not a country", line="countries:"),
    Case("unknown_category", _edit(FEM_RU, '"local-ngo"', '"local-ngos"'), FEM_RU,
         "known category", line="categories:"),
    Case("unknown_perspective", _edit("categories/ingo/index.md", "global-comparative",
                                      "global-comparitive"),
         "categories/ingo/index.md", "known perspective", line="perspectives:",
         touches="category"),
    Case("weight_not_a_number", _edit("categories/ingo/index.md", "weight: 1", "weight: heavy"),
         "categories/ingo/index.md", "one whole number", line="weight:", touches="category"),
    Case("homepage_not_a_url", _edit(FEM_RU, '"https://feminita.kz/"', '"feminita.kz"'), FEM_RU,
         "full web address", line="homepage:"),
    Case("file_outside_the_layout", _set("notes.md", FRONT), "notes.md",
         "not where kzgraph looks", touches=None),
    Case("wrong_file_name", _set("sources/feminita/readme.md", FRONT),
         "sources/feminita/readme.md", "should be 'index.md'", touches=None),
    Case("deeply_nested_yaml", _edit(FEM_RU, "tags:", "deep: " + "[" * 5000 + "]" * 5000
                                     + "\ntags:"),
         FEM_RU, "nested too deeply", line="deep:"),
    Case("billion_laughs", _set(FEM_RU, BILLION_LAUGHS), FEM_RU,
         "must be a word or a sentence"),
]


@pytest.fixture(scope="module")
def previous_output(tmp_path_factory) -> Path:
    """A good build, standing in for what was published before the bad edit."""
    out = tmp_path_factory.mktemp("previous") / "public"
    result = CliRunner().invoke(cli, ["build", "-c", str(CONTENT), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _expected_line(case: Case, root: Path) -> int | None:
    if isinstance(case.line, str):
        return _line_of(root, case.path, case.line)
    return case.line


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Case, tmp_path: Path, previous_output: Path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    out = tmp_path / "public"
    shutil.copytree(previous_output, out)
    before = _snapshot(out)
    line = _expected_line(case, CONTENT) if case.name == "not_utf8" else None
    case.setup(root)
    if line is None:
        line = _expected_line(case, root)

    result = CliRunner().invoke(cli, ["build", "-c", str(root), "-o", str(out)])
    output = result.output
    assert "Traceback" not in output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception,
                                                                      SystemExit), output[-2000:]
    assert result.exit_code == case.code, output[-2000:]
    shown = f"content/{case.path}"
    if case.fragment:
        matching = [l for l in output.splitlines() if l.startswith(shown) and case.fragment in l]
        assert matching, f"no message for {shown} with {case.fragment!r}:\n{output[-3000:]}"
        if line is not None:
            assert any(l.startswith(f"{shown}:{line} ") for l in matching), matching[:3]
    # nothing half-written: a refused build leaves the previous output as it was
    if case.code == 1:
        assert _snapshot(out) == before
    else:
        assert sorted(_snapshot(out)) == sorted(before)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "public"]
    # every other page still loads
    graph = load_and_map(Settings(base=BASE, content=root)).mapped.graph
    sources = set(graph.subjects(RDF.type, KZ.Source))
    assert len(sources) >= (11 if case.touches == "source" else 12)
    if case.touches != "guide":
        assert len(set(graph.subjects(RDF.type, KZ.Guide))) == 1
    assert len(set(graph.subjects(RDF.type, KZ.Category))) == 9


def test_the_corpus_is_big_enough():
    assert len(CASES) >= 30
    assert len({c.name for c in CASES}) == len(CASES)


def test_unreadable_file(tmp_path: Path):
    """A file the process may not read (mode 000; as root, run without the capabilities that
    let root read anything)."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    (root / FEM_RU).chmod(0)
    command = [sys.executable, "-m", "kzgraph", "validate", "-c", str(root)]
    if os.geteuid() == 0:
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"content/{FEM_RU} [ru]: error: The file cannot be read: permission denied." \
        in run.stdout
    assert "Traceback" not in run.stderr

"""The package's layout: each stage imports only the stages below it (docs/engine.md, *The map*).

Read from the code's own import statements (those inside functions too), so a new import that
runs against the flow fails here, not in review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "kzgraph"

#: modules every stage may import; they import only one another
FOUNDATION = {"errors", "config", "hugoconfig", "resources", "vocab"}
#: each stage and the stages it may import (besides the foundation)
ALLOWED = {
    "content": set(),
    "formats": set(),
    "graph": {"content", "formats"},
    "check": {"content", "formats", "graph"},
    "engine": {"content", "formats", "graph", "check"},
    "query": {"content", "formats", "graph", "check", "engine"},
    "publish": {"content", "formats", "graph", "check", "engine", "query"},
}
#: the longest a module may grow before it is split along its seams
MAX_LINES = 600


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "_data" not in p.parts)


def _unit(path: Path) -> str:
    """The stage a module belongs to (``graph``), or its own name for a top-level module."""
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _imported_units(path: Path, rel: Path | None = None) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = rel or path.relative_to(PACKAGE)
    here = ["kzgraph", *rel.parts[:-1]]
    units = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            names = [module] if node.module else [f"{module}.{a.name}" for a in node.names]
            if node.module == "kzgraph" or (node.level and not node.module):
                names = [f"{module}.{a.name}" for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "kzgraph" and len(parts) > 1 and parts[1] != "__version__":
                units.add(parts[1])
    return units


def _cases() -> list[tuple[str, Path]]:
    return [(str(p.relative_to(PACKAGE)), p) for p in _modules()]


@pytest.mark.parametrize("name,path", _cases(), ids=[c[0] for c in _cases()])
def test_imports_follow_the_flow(name: str, path: Path) -> None:
    unit = _unit(path)
    imported = _imported_units(path) - {unit}
    if unit in ("cli", "__main__", "__init__"):
        return
    if unit in FOUNDATION:
        allowed = FOUNDATION
    else:
        assert unit in ALLOWED, f"{name}: the stage {unit!r} is not in the map; add it to ALLOWED"
        allowed = FOUNDATION | ALLOWED[unit]
    wrong = sorted(imported - allowed)
    assert not wrong, f"{name} ({unit}) imports {wrong}, which its stage may not"


def test_every_stage_says_what_it_owns() -> None:
    for stage in ALLOWED:
        init = PACKAGE / stage / "__init__.py"
        assert init.is_file(), f"{stage}/ has no __init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "import" in doc, f"{stage}/__init__.py must say what it owns and imports"


@pytest.mark.parametrize("name,path", _cases(), ids=[c[0] for c in _cases()])
def test_modules_stay_readable(name: str, path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines; split it along its seams"


def test_the_checker_sees_a_wrong_import(tmp_path: Path) -> None:
    """The rule can fail: an import of ``engine`` from ``graph`` is seen, relative or absolute."""
    for text in ("from ..engine import run\n", "import kzgraph.engine.run\n",
                 "def f():\n    from kzgraph.engine.pipeline import build\n"):
        fake = tmp_path / "probe.py"
        fake.write_text(text, encoding="utf-8")
        assert "engine" in _imported_units(fake, Path("graph/probe.py"))

"""The layers point one way (STYLE.md rule 9): organizations ← members ← assessment ← reports.
Every module of each app is parsed (imports inside functions included); a lower app that imports
a higher one fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

LAYERS = ["organizations", "members", "assessment", "reports"]
ROOT = Path(__file__).resolve().parent.parent


def upward_imports(source: str, app: str) -> list[tuple[int, str]]:
    """(line, module) of every import in `source` (a module of `app`) that names a higher app."""
    rank = LAYERS.index(app)
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in LAYERS and LAYERS.index(top) > rank:
                found.append((node.lineno, name))
    return sorted(found)


def test_the_check_catches_an_upward_import():
    source = "def f():\n    from reports.summary import x\nimport assessment.models\n"
    assert upward_imports(source, "members") == [(2, "reports.summary"), (3, "assessment.models")]
    assert upward_imports("from organizations.models import Kind\n", "members") == []


@pytest.mark.parametrize("app", LAYERS[:-1])
def test_no_app_imports_a_higher_layer(app):
    modules = sorted((ROOT / app).rglob("*.py"))
    assert len(modules) > 5  # the app is there
    offending = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in modules
        for line, name in upward_imports(path.read_text(encoding="utf-8"), app)
    ]
    assert offending == []

"""The apps depend one way: articles -> media_credits -> newsroom."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: app -> the apps it must never import
FORBIDDEN = {"media_credits": {"articles"}, "newsroom": {"articles", "media_credits"}}
# The URL configuration and the WSGI entry glue every app together.
GLUE = {ROOT / "newsroom" / "urls.py"}


def imported_top_level_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):  # function-level imports count too
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_an_app_never_imports_the_apps_that_depend_on_it(app):
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_top_level_names(path) & FORBIDDEN[app])
        for path in (ROOT / app).rglob("*.py")
        if path not in GLUE and "migrations" not in path.parts
    }
    assert {path: names for path, names in offenders.items() if names} == {}

"""The shape the house keeps (docs/ARCHITECTURE.md): every domain module in a layer of the
import-linter contract, short functions, small domain modules."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LONGEST_FUNCTION = 40
LONGEST_DOMAIN_MODULE = 200


def _layers_contract() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    (layers,) = [c["layers"] for c in contracts if c["type"] == "layers"]
    return [name.strip() for layer in layers for name in layer.replace("|", ":").split(":")]


def _sources(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (ROOT / folder).rglob("*.py"))


def test_every_module_at_the_top_of_the_domain_belongs_to_a_layer():
    named = set(_layers_contract())
    top = {
        f"domain.{path.stem if path.is_file() else path.name}"
        for path in (ROOT / "domain").iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").exists()
    }
    assert top - named == set(), "add the new module to a layer in pyproject.toml"
    assert named - top == set(), "the contract names a module that is gone"


def test_no_function_in_the_service_is_longer_than_forty_lines():
    long = [
        f"{path.relative_to(ROOT)}:{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for path in _sources("app", "domain", "adapters")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (node.end_lineno or node.lineno) - node.lineno + 1 > LONGEST_FUNCTION
    ]
    assert long == []


def test_no_domain_module_is_longer_than_two_hundred_lines():
    long = [
        f"{path.relative_to(ROOT)} ({count} lines)"
        for path in _sources("domain")
        if (count := len(path.read_text().splitlines())) > LONGEST_DOMAIN_MODULE
    ]
    assert long == []

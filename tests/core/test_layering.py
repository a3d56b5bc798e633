"""`core` depends on nothing above it: no module of core imports a part of the product."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "src" / "mosprom" / "core"
PARTS = ("registry", "partnerships", "tours", "analytics", "intake", "companies", "demo", "home", "api", "urls")


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_core_imports_no_part() -> None:
    offenders = [
        f"{path.relative_to(CORE)}: {name}"
        for path in sorted(CORE.rglob("*.py"))
        for name in _imports(path)
        if any(name == f"mosprom.{part}" or name.startswith(f"mosprom.{part}.") for part in PARTS)
    ]
    assert offenders == []

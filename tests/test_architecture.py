"""Dependencies point one way: api -> (rules, solver) -> assign.

Walks every module's imports with `ast` (including imports inside functions), so a lazy
import cannot sneak past.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "assign": {"rules", "solver", "api"},
    "rules": {"solver", "api"},
    "solver": {"rules", "api"},
    "api": set(),
}


def imported_top_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
            "import_module", "__import__"
        ):
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.add(node.args[0].value.split(".")[0])
    return found


def violations() -> list[str]:
    bad = []
    for package, forbidden in FORBIDDEN.items():
        for path in sorted((ROOT / package).rglob("*.py")):
            hit = imported_top_packages(path) & forbidden
            if hit:
                bad.append(f"{path.relative_to(ROOT)} imports {sorted(hit)}")
    return bad


def test_imports_point_one_way() -> None:
    assert violations() == []


def test_checker_detects_a_backward_import(tmp_path: Path) -> None:
    bad = tmp_path / "m.py"
    bad.write_text("def f():\n    from api.service import x\n    import solver.model\n", encoding="utf-8")
    assert imported_top_packages(bad) >= {"api", "solver"}


def test_only_one_module_imports_durable() -> None:
    users = [
        str(p.relative_to(ROOT))
        for pkg in FORBIDDEN
        for p in (ROOT / pkg).rglob("*.py")
        if "durable" in imported_top_packages(p)
    ]
    assert users in ([], ["rules/engine.py"])

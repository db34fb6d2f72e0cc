"""Dependencies point one way: api -> (rules, solver) -> assign.

Walks every module's imports with `ast` (including imports inside functions), so a lazy
import cannot sneak past. `lint-imports` (the contracts in pyproject.toml) checks the same
layers on the import graph; this test also sees `import_module` calls and code loaded by path.
"""

from __future__ import annotations

import ast
from importlib.metadata import distribution
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "assign": {"rules", "solver", "api"},
    "rules": {"solver", "api"},
    "solver": {"rules", "api"},
    "api": set(),
}
PRODUCTION = tuple(FORBIDDEN)
# Every top-level module the durable-rules distribution installs (durable, durable.engine,
# durable.lang and the C engine durable_rules_engine): only rules/engine.py may import them.
DURABLE_MODULES = frozenset((distribution("durable-rules").read_text("top_level.txt") or "").split())
# Loading code by file path bypasses every import check (and is how production code reached into bench/).
PATH_LOADERS = {"spec_from_file_location", "SourceFileLoader", "run_path", "load_source"}


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


def production_modules() -> list[Path]:
    return sorted(p for pkg in PRODUCTION for p in (ROOT / pkg).rglob("*.py"))


def test_only_rules_engine_imports_the_durable_engine() -> None:
    assert DURABLE_MODULES >= {"durable", "durable_rules_engine"}
    users = [str(p.relative_to(ROOT)) for p in production_modules() if imported_top_packages(p) & DURABLE_MODULES]
    # == rather than "at most": if nothing imports it, the check has lost its subject (moved or renamed)
    assert users == ["rules/engine.py"]


def test_the_durable_check_sees_every_engine_module(tmp_path: Path) -> None:
    for line in ("import durable_rules_engine", "from durable.lang import ruleset", "import durable.engine as e",
                 "from durable import engine", "importlib.import_module('durable.lang')"):
        probe = tmp_path / "probe.py"
        probe.write_text(f"def f():\n    {line}\n", encoding="utf-8")
        assert imported_top_packages(probe) & DURABLE_MODULES, line


def test_production_code_never_imports_tests_or_bench() -> None:
    hits = [f"{p.relative_to(ROOT)} imports {sorted(hit)}" for p in production_modules()
            if (hit := imported_top_packages(p) & {"tests", "bench"})]
    assert hits == []


def loads_code_by_path(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return any(isinstance(n, ast.Attribute | ast.Name) and getattr(n, "attr", getattr(n, "id", "")) in PATH_LOADERS
               for n in ast.walk(tree))


def test_production_code_never_loads_code_by_path(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("import importlib.util\nspec = importlib.util.spec_from_file_location('b', 'bench/x.py')\n",
                     encoding="utf-8")
    assert loads_code_by_path(probe)
    assert [str(p.relative_to(ROOT)) for p in production_modules() if loads_code_by_path(p)] == []


def builds_queries(path: Path) -> list[int]:
    """The lines where a module builds a SELECT itself (`select(...)`, `sa.select(...)`, `Table.select()`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Call)
            and getattr(n.func, "attr", getattr(n.func, "id", "")) == "select"]


def test_persistence_lives_in_assign(tmp_path: Path) -> None:
    """Routes, console read models, CLI, nightly and the pipeline read through `assign`'s repository functions
    (issue 16): no module under api/ writes a query of its own."""
    probe = tmp_path / "probe.py"
    probe.write_text("import sqlalchemy as sa\nq = sa.select(x).where(y)\n", encoding="utf-8")
    assert builds_queries(probe) == [2]
    hits = [f"{p.relative_to(ROOT)}:{line}" for p in sorted((ROOT / "api").rglob("*.py")) for line in builds_queries(p)]
    assert hits == []


# Building a process pool or process directly starts workers by fork (Linux's default), which hangs a worker
# on any lock another thread held at that instant (assign/processes.py). `api/executors.py` spawns.
OWN_CONTEXT = {"assign/processes.py", "api/executors.py"}


def builds_pools(path: Path) -> list[int]:
    """The lines where a module builds a `ProcessPoolExecutor` or imports `multiprocessing` itself."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [n.lineno for n in ast.walk(tree)
            if (isinstance(n, ast.Call) and getattr(n.func, "attr", getattr(n.func, "id", "")) == "ProcessPoolExecutor")
            or (isinstance(n, ast.Import) and any(a.name.split(".")[0] == "multiprocessing" for a in n.names))
            or (isinstance(n, ast.ImportFrom) and (n.module or "").split(".")[0] == "multiprocessing")]


def test_worker_pools_come_from_assign_processes(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("import concurrent.futures as cf\nfrom multiprocessing import Pool\n"
                     "with cf.ProcessPoolExecutor(2) as ex:\n    pass\n", encoding="utf-8")
    assert builds_pools(probe) == [2, 3]
    hits = [f"{p.relative_to(ROOT)}:{line}" for p in production_modules()
            if str(p.relative_to(ROOT)) not in OWN_CONTEXT for line in builds_pools(p)]
    assert hits == []

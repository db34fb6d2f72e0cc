"""Every `# type: ignore` names its error code and says why, on the same line.

`# type: ignore[import-untyped]  # durable has no stubs` passes; a bare `# type: ignore` or one
with a code but no reason fails, so a silenced check is always a decision someone wrote down.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKED = ("assign", "rules", "solver", "api", "bench", "tests")
IGNORE = re.compile(r"#\s*type:\s*ignore\b(?P<codes>\[[^\]]*\])?(?P<rest>.*)$")


def unexplained(line: str) -> bool:
    found = IGNORE.search(line)
    if found is None:
        return False
    return not found["codes"] or not re.match(r"\s+#\s*\S", found["rest"])


def test_every_type_ignore_has_a_code_and_a_reason() -> None:
    bad = []
    for package in CHECKED:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if path == Path(__file__).resolve():  # this file quotes examples
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if unexplained(line):
                    bad.append(f"{rel}:{number}: {line.strip()}")
    assert bad == []


def test_the_check_tells_explained_from_unexplained() -> None:
    assert unexplained("x = f()  # type: ignore")
    assert unexplained("x = f()  # type: ignore[arg-type]")
    assert unexplained("x = f()  # type: ignore[arg-type]  ")
    assert not unexplained("import durable  # type: ignore[import-untyped]  # durable has no stubs")
    assert not unexplained("x = 1  # no ignore here")

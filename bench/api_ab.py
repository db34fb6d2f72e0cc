"""A/B of the API load figures: `bench/api_load.py` run alternately in two source trees.

    .venv/bin/python bench/api_ab.py --a /path/to/baseline-tree [--b .] [--runs 3] [-- api_load args]
    .venv/bin/python bench/api_ab.py --a ../base --runs 3 -- --workers 2 --rate 200

Each run starts `<tree>/bench/api_load.py` with that tree first on the import path (its
uvicorn workers too), so each side serves its own code and data; the venv is the one this
script runs in. Runs alternate A, B, B, A, A, B, ... so that a drift of the machine's load
weighs on both sides alike. The table gives, per figure, the median of each side (and its
range), the ratio B/A and whether B is within 10 % of A in the figure's good direction
(throughput: higher is better; latency and CPU per request: lower). The load average before
each run is printed: on a shared machine the figures are indicative only; only the same
day's A/B on the same machine compares (absolute figures vary with the machine).
`--json FILE` keeps every run's report.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TOLERANCE = 0.10  # the issues' "no regression by more than 10 %"


@dataclass(frozen=True)
class Figure:
    label: str
    section: str
    key: str
    higher_is_better: bool


FIGURES = (
    Figure("1 client: p50 ms", "single_case_one_client", "p50_ms", False),
    Figure("1 client: p99 ms", "single_case_one_client", "p99_ms", False),
    Figure("1 client: server CPU ms/req", "single_case_one_client", "server_cpu_ms_per_request", False),
    Figure("32 clients: req/s", "single_case_recommendation", "rps", True),
    Figure("32 clients: p50 ms", "single_case_recommendation", "p50_ms", False),
    Figure("32 clients: p99 ms", "single_case_recommendation", "p99_ms", False),
    Figure("32 clients: server CPU ms/req", "single_case_recommendation", "server_cpu_ms_per_request", False),
    Figure("open loop: p50 ms", "single_case_open_loop", "p50_ms", False),
    Figure("open loop: p99 ms", "single_case_open_loop", "p99_ms", False),
    Figure("open loop: server CPU ms/req", "single_case_open_loop", "server_cpu_ms_per_request", False),
    Figure("batch evaluation: cases/s", "batch_evaluation", "cases_per_s", True),
)


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def run_once(tree: Path, args: list[str]) -> dict[str, Any]:
    """One api_load run in `tree`; its JSON report (errors in it are kept, not hidden)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    proc = subprocess.run([sys.executable, str(tree / "bench" / "api_load.py"), *args], cwd=tree, env=env,
                          capture_output=True, text=True, check=False)
    start = proc.stdout.find("{\n")
    if proc.returncode != 0 or start < 0:
        raise RuntimeError(f"api_load in {tree} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    report: dict[str, Any] = json.loads(proc.stdout[start:])
    return report


def value(report: dict[str, Any], figure: Figure) -> float | None:
    section = report.get(figure.section)
    if not isinstance(section, dict) or figure.key not in section:
        return None
    return float(section[figure.key])


def errors_of(report: dict[str, Any]) -> dict[str, Any]:
    return {name: s["errors"] for name, s in report.items() if isinstance(s, dict) and s.get("errors")}


def table(runs: dict[str, list[dict[str, Any]]]) -> list[str]:
    lines = [f"{'figure':34} {'A median (range)':>24} {'B median (range)':>24} {'B/A':>6}  within 10 %"]
    for figure in FIGURES:
        a = [v for r in runs["A"] if (v := value(r, figure)) is not None]
        b = [v for r in runs["B"] if (v := value(r, figure)) is not None]
        if not a or not b:
            continue
        ma, mb = statistics.median(a), statistics.median(b)
        ratio = mb / ma if ma else float("inf")
        ok = ratio >= 1 - TOLERANCE if figure.higher_is_better else ratio <= 1 + TOLERANCE
        lines.append(f"{figure.label:34} {_cell(ma, a):>24} {_cell(mb, b):>24} {ratio:6.2f}  "
                     f"{'yes' if ok else 'NO'}")
    return lines


def _cell(median: float, values: list[float]) -> str:
    return f"{median:.2f} ({min(values):.2f}-{max(values):.2f})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--a", type=Path, required=True, help="the baseline tree (a checkout with bench/api_load.py)")
    ap.add_argument("--b", type=Path, default=Path(__file__).resolve().parent.parent, help="default: this tree")
    ap.add_argument("--runs", type=int, default=3, help="runs per side")
    ap.add_argument("--json", type=Path, help="write every run's report here")
    ap.add_argument("load_args", nargs="*", help="arguments for api_load.py (after --)")
    a = ap.parse_args(argv)
    trees = {"A": a.a.resolve(), "B": a.b.resolve()}
    runs: dict[str, list[dict[str, Any]]] = {"A": [], "B": []}
    print(f"A = {trees['A']}\nB = {trees['B']}\napi_load.py {' '.join(a.load_args)}", flush=True)  # noqa: T201
    for i in range(a.runs):
        for side in ("AB" if i % 2 == 0 else "BA"):
            before = load_average()
            try:
                report = run_once(trees[side], a.load_args)
            except RuntimeError as e:  # e.g. a keep-alive connection timed out under load: the other runs count
                print(f"run {i + 1} {side}: load before {before}; FAILED: {str(e)[-300:]}", flush=True)  # noqa: T201
                continue
            runs[side].append(report)
            bad = errors_of(report)
            print(f"run {i + 1} {side}: load before {before}"  # noqa: T201
                  + "".join(f"; {f.label} {v:g}" for f in FIGURES[3:4] + FIGURES[-1:]
                            if (v := value(report, f)) is not None)
                  + (f"; ERRORS {bad}" if bad else ""), flush=True)
    print("\n".join(table(runs)))  # noqa: T201
    print(f"load average after: {load_average()}")  # noqa: T201
    if a.json:
        a.json.write_text(json.dumps({"trees": {k: str(v) for k, v in trees.items()}, "args": a.load_args,
                                      "runs": runs}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

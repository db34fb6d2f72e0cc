"""Benchmark: peak memory of importing a case file, by size and format (issue 15, fault 2).

    .venv/bin/python bench/import_memory.py                          # 100k and 1M cases, json/jsonl/csv
    .venv/bin/python bench/import_memory.py --cases 100000 --formats jsonl

Each file is generated once (deterministic, cached in --dir) and imported by a fresh child
process into a fresh SQLite store through `api.service.store.import_case_file`, the path the
CLI and `POST /v1/cases/import` take. The child prints its RSS after start-up (imports and
the court network loaded) and its peak RSS after the import; the growth is what the import
itself held. A streaming import holds about the same at 100k and at 1M cases. Figures are
printed, not asserted: they depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2025, 6, 30)


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        line = next(ln for ln in f if ln.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def write_file(path: Path, cases: int, fmt: str, seed: int) -> None:
    from assign.generator import generate_cases
    from assign.interchange import write_cases
    from assign.network import builtin_network

    tmp = path.with_suffix(".part")
    with tmp.open("w", encoding="utf-8") as f:
        write_cases(generate_cases(builtin_network(), cases, seed=seed, as_of=AS_OF), f, fmt)
    tmp.rename(path)


def child(file: Path, fmt: str) -> None:
    """Import `file` into a fresh SQLite store; print one JSON line of figures."""
    from api.service.store import current_network, import_case_file, open_store

    with tempfile.TemporaryDirectory() as tmp:
        engine = open_store(f"sqlite:///{Path(tmp) / 'import.sqlite'}")
        network = current_network(engine)
        before = rss_mb()
        started = time.perf_counter()
        report = import_case_file(engine, file, fmt=fmt, as_of=AS_OF, network=network)
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    say(json.dumps({"rss_before_mb": round(before, 1), "peak_rss_mb": round(peak, 1),
                      "seconds": round(seconds, 1), "stored": report.counts["stored"],
                      "rejected": report.rejected_rows}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--formats", nargs="+", default=["jsonl", "json", "csv"], choices=["jsonl", "json", "csv"])
    parser.add_argument("--dir", type=Path, default=ROOT / "var" / "bench-import-memory",
                        help="where the generated files are kept between runs")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--child", nargs=2, metavar=("FILE", "FORMAT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), args.child[1])
        return
    args.dir.mkdir(parents=True, exist_ok=True)
    say(f"{'cases':>9} {'format':>6} {'file MB':>8} {'RSS before':>10} {'peak RSS':>9} {'growth':>7} "
          f"{'seconds':>8} {'stored':>8}")
    for n in args.cases:
        for fmt in args.formats:
            file = args.dir / f"cases-{n}-{args.seed}.{fmt}"
            if not file.exists():
                sys.stderr.write(f"generating {file.name} ...\n")
                write_file(file, n, fmt, args.seed)
            out = subprocess.run([sys.executable, __file__, "--child", str(file), fmt], cwd=ROOT, check=True,
                                 capture_output=True, text=True).stdout.strip().splitlines()[-1]
            row = json.loads(out)
            growth = row["peak_rss_mb"] - row["rss_before_mb"]
            say(f"{n:>9,} {fmt:>6} {file.stat().st_size / 2**20:>8.0f} {row['rss_before_mb']:>10.0f} "
                  f"{row['peak_rss_mb']:>9.0f} {growth:>7.0f} {row['seconds']:>8.1f} {row['stored']:>8,}")


if __name__ == "__main__":
    main()

"""Rule-step throughput: durable-rules vs plain Python on the same compiled predicates and facts.

    .venv/bin/python bench/rules_throughput.py [N] [--seed S] [--as-of YYYY-MM-DD]

Prints cases/s for each stage (fact building, engine step, plain step, verdicts) and RSS,
and checks that the engine and the plain evaluator fired the same rules for every case.
Figures depend on the machine's load: say so when quoting them.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date

import psutil

from assign.generator import generate_cases
from assign.network import builtin_network
from rules.compiler import compile_rulebook
from rules.engine import RuleEngine
from rules.evaluate import make_verdict, rulebook_version
from rules.facts import BatchContext, build_facts
from rules.loader import load_rulebook
from rules.plain import CompiledPlainEvaluator, PlainEvaluator


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--as-of", default="2025-06-30")
    ap.add_argument("--rounds", type=int, default=3, help="repeat the rule steps, report the best round")
    args = ap.parse_args(argv)
    as_of = date.fromisoformat(args.as_of)
    network = builtin_network()
    rulebook = load_rulebook("rules/rulebook")
    engine = RuleEngine(rulebook)
    plain = PlainEvaluator(compile_rulebook(rulebook))
    closures = CompiledPlainEvaluator(compile_rulebook(rulebook))

    t = time.perf_counter()
    cases = list(generate_cases(network, args.n, seed=args.seed, as_of=as_of))
    t_gen = time.perf_counter() - t
    t = time.perf_counter()
    batch = BatchContext.from_cases(cases)
    facts = [build_facts(c, network, as_of, batch) for c in cases]
    t_facts = time.perf_counter() - t
    records = [f.facts for f in facts]
    rss_before = rss_mb()

    best_engine = best_plain = best_closures = float("inf")
    for _ in range(args.rounds):
        t = time.perf_counter()
        fired = engine.fire(records)
        best_engine = min(best_engine, time.perf_counter() - t)
        t = time.perf_counter()
        expected = plain.evaluate(records)
        best_plain = min(best_plain, time.perf_counter() - t)
        t = time.perf_counter()
        expected_closures = closures.evaluate(records)
        best_closures = min(best_closures, time.perf_counter() - t)
    mismatches = sum(1 for a, b, c in zip(fired, expected, expected_closures, strict=True) if not a == b == c)
    t = time.perf_counter()
    version = rulebook_version(rulebook)
    verdicts = [make_verdict(f, ids, rulebook, as_of, version) for f, ids in zip(facts, fired, strict=True)]
    t_verdicts = time.perf_counter() - t
    outcomes: dict[str, int] = {}
    for v in verdicts:
        outcomes[v.outcome.value] = outcomes.get(v.outcome.value, 0) + 1

    n = len(records)
    out = sys.stdout
    out.write(f"cases {n}, rulebook {rulebook.versioned_name}, {len(rulebook.rules)} rules\n")
    out.write(f"generate      {n / t_gen:>10,.0f} cases/s\n")
    out.write(f"facts         {n / t_facts:>10,.0f} cases/s\n")
    out.write(f"engine step   {n / best_engine:>10,.0f} cases/s  (durable-rules, chunks of {engine.chunk_size})\n")
    out.write(f"plain step    {n / best_plain:>10,.0f} cases/s  (same compiled predicates)\n")
    out.write(f"plain closures{n / best_closures:>10,.0f} cases/s  (same predicates compiled to closures)\n")
    out.write(f"engine/plain  {best_plain / best_engine:>10.2f}  (aim >= 0.5; vs closures "
              f"{best_closures / best_engine:.2f})\n")
    out.write(f"verdicts      {n / t_verdicts:>10,.0f} cases/s\n")
    out.write(f"RSS           {rss_before:>10.0f} MB before rule steps, {rss_mb():.0f} MB after\n")
    out.write(f"mismatches    {mismatches:>10}\n")
    out.write(f"outcomes      {outcomes}\n")
    engine.retire()
    return 1 if mismatches else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The placement service and its two CLI entry points."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from api.cli import app
from api.service.placement import place_cases
from solver import Conflict, SolveParams
from tests.factories import make_network, make_verdict
from tests.solver.verifier import asset, debtor, labelled

FAST = SolveParams(time_limit_s=1.0, workers=1, deterministic=True, choose_mode=False)


def test_place_cases_explains_each_group_and_never_raises_on_infeasible() -> None:
    network = make_network()
    cases = [labelled("a1", debtor=debtor("D1")), labelled("a2", court_code="B510105", debtor=debtor("D1")),
             labelled("b1", court_code="B510703", debtor=debtor("D2", "510781"), assets=asset("510703")),
             labelled("c1", debtor=debtor("D3"))]
    verdicts = [make_verdict("a1", mode="concentrate"), make_verdict("a2", mode="concentrate"),
                make_verdict("b1", forum="I510700", flags=["INTERFERENCE"]), make_verdict("c1", mode="order")]
    plan, recs = place_cases(cases, verdicts, network, params=FAST, conflicts=[Conflict(court="B510105", party="D3")])
    by_cases = {tuple(r.case_nos): r for r in recs}
    assert set(by_cases) == {("a1", "a2"), ("b1",)}  # c1's verdict needs no court
    group = by_cases[("a1", "a2")]
    assert group.target_court == "B510112" and group.mode.value == "concentrate" and group.plan_id == plan.plan_id
    assert group.solver is not None and group.solver.status == "OPTIMAL" and group.solver.seed == FAST.seed
    stuck = by_cases[("b1",)]
    assert stuck.target_court is None and stuck.unplaced_reason == "hard.not_debtor_home"
    assert plan.unplaced == {"b1": "hard.not_debtor_home"} and plan.violations == []


def test_previous_plan_and_pins_flow_through() -> None:
    network = make_network()
    cases = [labelled(f"x{i}", debtor=debtor(f"D{i}")) for i in range(4)]
    verdicts = [make_verdict(c.case_no) for c in cases]
    first, _ = place_cases(cases, verdicts, network, params=FAST)
    second, _ = place_cases(cases, verdicts, network, params=FAST, previous_plan=first,
                            pinned={"x0": first.assignments["x0"]})
    assert second.assignments == first.assignments


def test_cli_bench_solver_prints_solver_beside_greedy() -> None:
    result = CliRunner().invoke(app, ["bench", "solver", "--cases", "60", "--province", "50", "--seed", "2",
                                      "--time-limit", "1", "--workers", "1", "--no-lp"])
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout)
    assert row["solver"]["placed"] + row["solver"]["unplaced"] == 60
    assert {"objective", "bound", "gap", "time_s", "worst_transfer_per_officer", "distance_km"} <= set(row["solver"])
    assert row["greedy"]["status"] == "GREEDY" and "distance_solver_over_greedy" in row["ratios"]


def test_cli_recommend_prints_recommendations(tmp_path) -> None:
    from assign.generator import generate_case_dicts
    from assign.network import builtin_network

    records = list(generate_case_dicts(builtin_network(), 300, seed=3, as_of=__import__("datetime").date(2025, 6, 30),
                                       province="50"))
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(records, default=str, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(app, ["recommend", "--as-of", "2025-06-30", "--time-limit", "1", "--deterministic",
                                      str(path)])
    assert result.exit_code == 0, result.output
    recs = json.loads(result.stdout)
    assert isinstance(recs, list)
    for r in recs:
        assert {"case_nos", "mode", "target_court", "forum", "score", "alternatives", "excluded", "solver"} <= set(r)
    assert "wall" not in result.stderr
    timed = CliRunner().invoke(app, ["recommend", "--as-of", "2025-06-30", "--time-limit", "1", "--deterministic",
                                     "--timings", str(path)])
    def plan(rows: list[dict]) -> list[dict]:  # all but the solver's own time
        return [{k: v for k, v in r.items() if k != "solver"} | {"objective": r["solver"]["objective"]} for r in rows]

    assert plan(json.loads(timed.stdout)) == plan(recs)  # the same plan; stages and solver figures on stderr
    stages = ("start-up", "network", "read", "rules", "place", "output", "solver", "gap")
    assert all(word in timed.stderr for word in stages), timed.stderr


def test_place_cases_in_worker_processes_matches_in_process() -> None:
    network = make_network()
    cases = [labelled(f"p{i}", court_code=["B510104", "B510703"][i % 2], debtor=debtor(f"D{i}")) for i in range(8)]
    verdicts = [make_verdict(c.case_no, forum=network.parent(c.court_code).code) for c in cases]
    alone, _ = place_cases(cases, verdicts, network, params=FAST)
    pooled, recs = place_cases(cases, verdicts, network, params=FAST, processes=2)
    assert pooled.assignments == alone.assignments and len(recs) == 8


def test_a_split_group_gets_one_recommendation_per_court_and_the_overflow_its_reason() -> None:
    network = make_network()
    cases = [labelled(f"s{i}", debtor=debtor("D1")) for i in range(3)]
    verdicts = [make_verdict(c.case_no, mode="concentrate") for c in cases]
    tight = FAST.model_copy(update={"capacity_per_officer": 0.1})
    plan, recs = place_cases(cases, verdicts, network, params=tight)
    targets = sorted((r.target_court or "-", len(r.case_nos), r.unplaced_reason or "") for r in recs)
    assert targets == [("-", 1, "hard.capacity"), ("B510105", 1, ""), ("B510112", 1, "")]
    assert plan.contributions["medium.group_together"] == 50.0
    stuck = next(r for r in recs if r.target_court is None)
    assert {e.constraint for e in stuck.excluded} >= {"hard.capacity", "hard.not_original_court"}


def test_on_a_generated_batch_the_solver_beats_greedy_on_every_reported_figure() -> None:
    from solver.benchmark import run

    row = run(200, "50", 1, 1.0, workers=1, with_lp=False)
    assert row["solver"]["objective"] < row["greedy"]["objective"]
    assert row["ratios"]["worst_transfer_solver_over_greedy"] < 0.5
    assert row["ratios"]["distance_solver_over_greedy"] < 1.0
    assert row["solver"]["bound"] <= row["solver"]["objective"]
    # per pool: every case's pool reported once, each with a bound no higher than its plan
    assert sum(r["cases"] for r in row["per_pool"]) == row["solver"]["placed"] + row["solver"]["unplaced"]
    assert len({r["pool"] for r in row["per_pool"]}) == len(row["per_pool"]) > 1
    assert all(r["gap_points"] >= -1e-6 for r in row["per_pool"])


def test_per_pool_bench_bounds_hold_across_parameter_sets_and_engines(capsys) -> None:
    from tests.bench_script import load_bench_script

    pools = load_bench_script("solver_pools")
    assert pools.main(["--cases", "30", "--province", "50", "--seed", "2", "--time-limit", "2",
                       "--params", "shipped,single,highs"]) == 0
    out = capsys.readouterr().out.splitlines()
    rows = [line.split() for line in out[1:] if not line.startswith("#")]
    assert [s.split(":")[0] for s in out if s.startswith("#")] == ["# shipped", "# single", "# highs"]
    by_pool: dict[str, list[list[str]]] = {}
    for r in rows:
        by_pool.setdefault(r[0], []).append(r)
    assert len(by_pool) > 1 and all([r[2] for r in rs] == ["shipped", "single", "highs"] for rs in by_pool.values())
    assert any(r[3] == "OPTIMAL" for r in rows)
    for rs in by_pool.values():
        # HiGHS solves the same model (coefficients rounded as for CP-SAT): a bound proven by one
        # engine or parameter set holds for the plan found by any other, and so does the LP bound;
        # proven optima agree (to the printed hundredth)
        best = min(float(r[5]) for r in rs)
        assert max(float(r[6]) for r in rs) <= best + 0.011
        assert float(rs[0][7]) <= best + 0.011
        proven = {float(r[5]) for r in rs if r[3] == "OPTIMAL"}
        assert len(proven) <= 1 and (not proven or abs(proven.pop() - best) < 0.011)


def test_a_case_pinned_to_its_forum_is_an_escalation_next_time_it_is_placed() -> None:
    """An accepted 提级 binds the case to the forum itself. Placed again (the next night), the pin must
    hold as an escalation, with or without the mode choice, and a designated neighbour must still place."""
    network = make_network()
    cases = [labelled(f"e{i}", debtor=debtor(f"E{i}")) for i in range(3)]
    forum = network.parent(cases[0].court_code).code
    verdicts = [make_verdict(c.case_no) for c in cases]  # permits escalate and designate, recommends designate
    for choose_mode in (False, True):
        params = FAST.model_copy(update={"choose_mode": choose_mode})
        plan, recs = place_cases(cases, verdicts, network, params=params, pinned={"e0": forum})
        assert plan.assignments["e0"] == forum, plan.unplaced
        assert {"e1", "e2"} <= set(plan.assignments) and plan.violations == []
        pinned_rec = next(r for r in recs if r.case_nos == ["e0"])
        assert pinned_rec.mode.value == "escalate" and pinned_rec.target_court == forum


def test_a_case_pinned_outside_its_pool_keeps_its_court() -> None:
    """A justified override may bind a case to a court a hard constraint excludes (here: outside the
    forum's jurisdiction); the next placement keeps it there instead of failing the forum."""
    network = make_network()
    cases = [labelled(f"o{i}", debtor=debtor(f"O{i}")) for i in range(3)]
    plan, _ = place_cases(cases, [make_verdict(c.case_no) for c in cases], network, params=FAST,
                          pinned={"o0": "B510703"})
    assert plan.assignments["o0"] == "B510703" and {"o1", "o2"} <= set(plan.assignments)

"""The workload generator: determinism, validity, the documented shares, court volumes."""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from datetime import date, timedelta
from operator import mul

import pytest
from dateutil.relativedelta import relativedelta

from assign.errors import DataError
from assign.generator import generate_case_dicts, generate_cases
from assign.network import CourtNetwork
from assign.schemas import EXCLUDED_PERIOD_KINDS, Case, CourtLevel, PartyKind
from tests.factories import make_court, make_network

AS_OF = date(2026, 6, 30)
CASE_NO = re.compile(r"^\((\d{4})\)([\u4e00-\u9fff])(\d{2}|\d{4})(执恢|执)(\d+)号$")


def two_province_network() -> CourtNetwork:
    """Sichuan (4 prefectures x 6 basic courts, loads 1,000..36,000) and Chongqing (1 x 4)."""
    courts = [make_court("H510000", level="high", division="510000", open_cases=5000)]
    for p in range(1, 5):
        pref = f"51{p:02d}00"
        courts.append(make_court(f"I{pref}", level="intermediate", parent="H510000", division=pref,
                                 open_cases=20000))
        for k in range(1, 7):
            div = f"51{p:02d}{k:02d}"
            courts.append(make_court(f"B{div}", parent=f"I{pref}", division=div,
                                     open_cases=1000 * (p * 6 + k - 6) + 1000))
    courts.append(make_court("H500000", level="high", division="500000", open_cases=5000))
    courts.append(make_court("I500100", level="intermediate", parent="H500000", division="500100",
                             open_cases=10000))
    for k in range(1, 5):
        courts.append(make_court(f"B5001{k:02d}", parent="I500100", division=f"5001{k:02d}",
                                 open_cases=8000))
    return CourtNetwork(courts)


@pytest.fixture(scope="module")
def network() -> CourtNetwork:
    return two_province_network()


@pytest.fixture(scope="module")
def cases(network: CourtNetwork) -> list[Case]:
    # Validate every one explicitly: the generator must produce schema-valid input.
    return [Case.model_validate(d) for d in generate_case_dicts(network, 5000, seed=7, as_of=AS_OF)]


def _json(cases: list[Case]) -> list[str]:
    return [c.model_dump_json() for c in cases]


def test_same_seed_same_cases_other_seed_other_cases(network: CourtNetwork) -> None:
    first = _json(list(generate_cases(network, 300, seed=1, as_of=AS_OF)))
    again = _json(list(generate_cases(network, 300, seed=1, as_of=AS_OF)))
    other = _json(list(generate_cases(network, 300, seed=2, as_of=AS_OF)))
    assert first == again
    assert len(set(first) & set(other)) == 0


def test_streams_and_is_prefix_stable(network: CourtNetwork) -> None:
    stream = generate_cases(network, 10**9, seed=1, as_of=AS_OF)
    assert iter(stream) is stream  # a lazy iterator, not a list of a billion cases
    head = [next(stream).model_dump_json() for _ in range(50)]
    assert head == _json(list(generate_cases(network, 50, seed=1, as_of=AS_OF)))


def test_dates_courts_and_case_numbers_are_consistent(cases: list[Case], network: CourtNetwork) -> None:
    assert len({c.case_no for c in cases}) == len(cases)
    for c in cases:
        assert c.latest_date() <= AS_OF, c.case_no
        assert c.received_on >= AS_OF - timedelta(days=3 * 365)
        assert 0 <= (c.filed_on - c.received_on).days <= 20
        for field, code in c.court_codes().items():
            assert code in network, (c.case_no, field, code)
        court = network.get(c.court_code)
        assert court.level in (CourtLevel.BASIC, CourtLevel.INTERMEDIATE)
        m = CASE_NO.match(c.case_no)
        assert m, c.case_no
        assert int(m.group(1)) == c.filed_on.year
        assert m.group(3) == (court.division_code[2:6] if court.level == CourtLevel.BASIC
                              else court.division_code[2:4])
        assert (m.group(4) == "执恢") == (c.restored_on is not None)
        for p in (*c.excluded_periods, *c.other_periods):
            assert p.end is None or p.end >= p.start
        if c.amount > 0:
            assert c.recovered <= c.amount
    assert {CASE_NO.match(c.case_no).group(2) for c in cases} == {"川", "渝"}


def test_most_cases_sit_at_basic_courts_in_proportion_to_load(cases: list[Case], network: CourtNetwork) -> None:
    per_court = Counter(c.court_code for c in cases)
    levels = Counter(network.get(code).level for code in per_court.elements())
    assert 0.005 < levels[CourtLevel.INTERMEDIATE] / len(cases) < 0.08
    basic = [c for c in network if c.level == CourtLevel.BASIC]
    r = statistics.correlation([c.open_cases for c in basic], [per_court[c.code] for c in basic])
    assert r > 0.95


def test_about_43_percent_have_no_enforceable_assets(cases: list[Case]) -> None:
    with_obligation = [c for c in cases if c.obligation.value != "behaviour"]
    share = sum(not c.assets for c in with_obligation) / len(with_obligation)
    assert share == pytest.approx(0.43, abs=0.025)
    later = [a for c in cases for a in c.assets if not a.available_at_application]
    assert later and all(a.discovered_on is not None for a in later)
    assert any(a.available_at_application for c in cases for a in c.assets)


def test_all_six_excluded_kinds_with_realistic_lengths(cases: list[Case]) -> None:
    periods = [p for c in cases for p in c.excluded_periods]
    assert {p.kind for p in periods} == set(EXCLUDED_PERIOD_KINDS)
    closed = [p for p in periods if p.end is not None]
    for p in closed:
        days = (p.end - p.start).days + 1
        if p.kind.value == "stay":
            assert days <= 365
        if p.kind.value == "appraisal":
            assert days <= 150
    stays = [(p.end - p.start).days + 1 for p in closed if p.kind.value == "stay"]
    assert sum(d <= 92 for d in stays) / len(stays) > 0.5  # most stays within three months
    assert any(p.end is None for p in periods)  # some still running on as_of
    straddling = [p for c in cases for p in c.excluded_periods
                  if p.start <= c.received_on + relativedelta(months=6) <= (p.end or AS_OF)]
    assert len(straddling) > 50


def test_party_kinds_statuses_and_minority_signals(cases: list[Case]) -> None:
    assert {c.debtor.kind for c in cases} == set(PartyKind)
    assert any(c.debtor.key_local_taxpayer for c in cases)
    statuses = Counter(c.status.value for c in cases)
    assert set(statuses) == {"open", "concluded", "zhongben", "terminated"}
    assert statuses["open"] / len(cases) > 0.5
    n = len(cases)
    assert 0.02 < sum(bool(c.petitions) for c in cases) / n < 0.10
    assert 0.005 < sum(bool(c.interference_reports) for c in cases) / n < 0.05
    assert 0.002 < sum(c.officer_conflict for c in cases) / n < 0.025
    assert 0.005 < sum(c.entrusted is not None for c in cases) / n < 0.04
    local = sum(c.debtor.domicile_division == c.court_code[1:] for c in cases) / n
    assert 0.6 < local < 0.9  # mostly the court's own county: local protection is a real concern


def test_repeat_debtors_span_courts_and_link_their_cases(cases: list[Case]) -> None:
    courts_of: dict[str, set[str]] = defaultdict(set)
    nos_of: dict[str, set[str]] = defaultdict(set)
    for c in cases:
        courts_of[c.debtor.id].add(c.court_code)
        nos_of[c.debtor.id].add(c.case_no)
    multi_court = [d for d, courts in courts_of.items() if len(courts) >= 2]
    assert len(multi_court) >= 10
    assert max(len(nos) for nos in nos_of.values()) >= 8
    linked = [c for c in cases if c.related_case_nos]
    assert linked
    for c in linked:
        assert set(c.related_case_nos) <= nos_of[c.debtor.id] - {c.case_no}


def test_zhongben_records_cover_proper_and_improper(cases: list[Case]) -> None:
    zb = [c for c in cases if c.status.value == "zhongben"]
    assert all(c.zhongben is not None for c in zb)
    assert 0.1 < len(zb) / len(cases) < 0.35
    too_early = [c for c in zb if c.zhongben.ruled_on <= c.filed_on + relativedelta(months=3)]
    undisposed = [c for c in zb if c.zhongben.undisposed_asset_ids]
    assert too_early and undisposed and len(too_early) < len(zb) / 4
    lapsed = 0
    for c in zb:
        z = c.zhongben
        assert z is not None
        assert all(z.ruled_on < q <= AS_OF for q in z.asset_queries)
        last = z.asset_queries[-1] if z.asset_queries else z.ruled_on
        lapsed += (AS_OF - last).days > 200
    assert 0 < lapsed < len(zb)


def test_orders_and_applications_go_to_the_forum_mostly(cases: list[Case], network: CourtNetwork) -> None:
    def forum(c: Case) -> str | None:
        return network.get(c.entrusted.to_court if c.entrusted else c.court_code).parent_code

    orders = [(c, o) for c in cases for o in c.supervision_orders]
    assert orders and all(o.issued_by == forum(c) for c, o in orders)
    assert any(o.deadline < AS_OF for _, o in orders) and any(o.deadline >= AS_OF for _, o in orders)
    assert any(o.good_reason for _, o in orders)
    apps = [c for c in cases if c.application]
    right = sum(c.application.filed_with == forum(c) for c in apps)
    assert 0.75 < right / len(apps) < 0.97


def test_ids_carry_valid_check_characters(cases: list[Case]) -> None:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    uscc_w = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    id_w = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    for p in (party for c in cases[:1000] for party in (c.debtor, c.applicant)):
        assert len(p.id) == 18
        if p.kind == PartyKind.PERSON:
            assert p.id[:6] == p.domicile_division
            assert "10X98765432"[sum(map(mul, map(int, p.id[:17]), id_w)) % 11] == p.id[17]
        else:
            assert p.id[2:8] == p.domicile_division
            total = sum(alphabet.index(ch) * w for ch, w in zip(p.id[:17], uscc_w, strict=True))
            assert alphabet[(31 - total % 31) % 31] == p.id[17]


def test_transferable_share_is_in_the_target_band(cases: list[Case], network: CourtNetwork) -> None:
    """docs/workload.md: once the Art. 237 rulebook runs, 5–10% of open cases are transferable."""
    from api.config import BUILTIN_RULEBOOK_DIR
    from api.service.evaluation import evaluate_cases, get_engine  # the real rulebook, not a re-reading of it

    verdicts = evaluate_cases(cases, network, AS_OF, engine=get_engine(BUILTIN_RULEBOOK_DIR))
    open_outcomes = Counter(v.outcome.value for c, v in zip(cases, verdicts, strict=True) if c.status.value == "open")
    share = (open_outcomes["ELIGIBLE"] + open_outcomes["MANDATORY_TRANSFER"]) / sum(open_outcomes.values())
    assert 0.04 < share < 0.12, open_outcomes
    # every outcome the dispatchers must handle occurs
    assert {"NOT_ELIGIBLE", "NOT_YET", "ELIGIBLE", "MANDATORY_TRANSFER", "ROUTE_TO_PROPER_COURT", "WAIT"} <= set(
        open_outcomes)


def test_province_restriction(network: CourtNetwork) -> None:
    by_prefix = _json(list(generate_cases(network, 200, seed=3, as_of=AS_OF, province="50")))
    by_code = _json(list(generate_cases(network, 200, seed=3, as_of=AS_OF, province="H500000")))
    by_division = _json(list(generate_cases(network, 200, seed=3, as_of=AS_OF, province="500000")))
    assert by_prefix == by_code == by_division
    chongqing = set(network.subtree_codes("H500000"))
    for c in generate_cases(network, 200, seed=3, as_of=AS_OF, province="50"):
        assert set(c.court_codes().values()) <= chongqing
        assert c.case_no.startswith(f"({c.filed_on.year})渝")
    with pytest.raises(DataError):
        generate_cases(network, 10, seed=3, as_of=AS_OF, province="99")
    with pytest.raises(DataError):
        generate_cases(network, 10, seed=3, as_of=AS_OF, province="I510100")


def test_works_on_the_small_factory_network() -> None:
    got = list(generate_cases(make_network(), 200, seed=5, as_of=AS_OF))
    assert len(got) == 200 and {c.court_code for c in got} <= set(make_network().codes)

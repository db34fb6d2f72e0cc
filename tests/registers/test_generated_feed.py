"""The synthetic register feed (docs/workload.md "Register feeds"): with the store's 终本 rulings most of a 终本
debtor's rows are registered after its ruling; without them the feed is exactly as before."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from assign.generator.registers import generate_register_records
from assign.importer import import_cases
from assign.leads import zhongben_rulings
from tests.factories import make_case, make_network

AS_OF = date(2026, 6, 30)
RULED = date(2025, 6, 30)
DEBTOR = "91510104MA6C000001"


def test_a_zhongben_debtors_rows_are_mostly_registered_after_its_ruling() -> None:
    plain = list(generate_register_records([DEBTOR], 2000, debtor_share=1.0, seed=3, as_of=AS_OF))
    ruled = list(generate_register_records([DEBTOR], 2000, debtor_share=1.0, seed=3, as_of=AS_OF,
                                           rulings={DEBTOR: RULED}))
    after = [r for r in ruled if r.registered_on > RULED]
    assert sum(r.registered_on > RULED for r in plain) < 0.15 * 2000  # one year of ten
    assert 0.70 * 2000 < len(after) < 0.80 * 2000  # 70% moved after the ruling, plus the tenth drawn there anyway
    assert all(r.registered_on <= AS_OF and (r.released_on is None or r.released_on <= AS_OF) for r in ruled)
    # a debtor without a ruling, or no rulings at all: the stream is unchanged
    assert list(generate_register_records([DEBTOR], 50, debtor_share=1.0, seed=3, as_of=AS_OF,
                                          rulings={"OTHER": RULED})) == plain[:50]


def test_the_latest_ruling_of_each_zhongben_debtor(engine: Engine) -> None:
    import_cases(engine, [
        make_case("(2024)川0104执1号", status="zhongben", zhongben={"ruled_on": "2024-06-30"}),
        make_case("(2024)川0104执2号", status="zhongben", zhongben={"ruled_on": "2025-03-31"}),
        make_case("(2024)川0104执3号"),  # open: no ruling
    ], as_of=AS_OF, network=make_network())
    assert zhongben_rulings(engine) == {DEBTOR: date(2025, 3, 31)}

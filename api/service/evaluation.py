"""Cases -> verdicts: the one pipeline the CLI, the API and the nightly job call.

- `evaluate_each`: a batch of validated cases on one network and date, each case inside its own
  error boundary (a case that raises is reported and skipped); `evaluate_cases` when every case
  must be evaluated (a failure is a DataError naming the case). Both take the engine.
- `get_engine(rulebook_dir)`: one RuleEngine per process and rulebook directory, reloaded when
  the rulebook file changes. A new version gets a new engine (durable cannot re-register a
  ruleset name); the swap is atomic and the old ruleset is retired, so memory stays flat;
  verdicts carry the version that made them. A rulebook that fails its checks is never
  loaded: the old engine stays in service. The directory always comes from the caller
  (`Settings.rulebook_dir` through `api.deps.RuleEngineDep`, the CLI's settings or
  `--rulebook`): there is no fallback to the built-in rulebook here, so every entry point
  evaluates with the configured one.
- `evaluate_store`: every open case in the store, in case_no ranges over a pool of worker
  processes (each with its own engine: the engine is not thread-safe), linked cases counted
  across the whole store first (GROUP BY debtor). Given the alerts ruleset (the nightly job
  does), the same pass reads the 终本 cases too and fires the alerts ruleset on every case it
  read: one read and one parse per case for verdicts and node alerts.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import as_completed
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine

from assign import events, repository
from assign.alert_saves import CaseNoSpan, publish_pending, save_range_alerts
from assign.alerts import AlertValues, RaisedAlert
from assign.db import WRITER_CACHE_MIB, make_engine, session_scope, write_lock
from assign.errors import DataError, RowProblem, RulebookError
from assign.fields import require_not_future
from assign.heap import collector_paused, settle_heap
from assign.masking import mask_text
from assign.network import CourtNetwork
from assign.processes import process_pool, start_server
from assign.schemas import Case, CaseStatus, Verdict
from assign.stored_case import StoredRecord, read_stored, stamp_checked
from rules.alerts import evaluate_alert_values
from rules.engine import RuleEngine
from rules.evaluate import evaluate_facts
from rules.facts import UNFINISHED_STATUSES, BatchContext, CaseFacts, build_facts
from rules.loader import load_rulebook, rulebook_file
from rules.spec import Rulebook

log = logging.getLogger(__name__)

_engine_lock = threading.Lock()
_current: dict[str, tuple[tuple[int, int], RuleEngine]] = {}  # rulebook path -> (file stamp, engine)


_files: dict[str, tuple[int, Path]] = {}  # rulebook dir -> (the dir's mtime, its resolved rulebook file)


def _rulebook_path(where: str | Path) -> Path:
    """`rulebook_file(where)` resolved, re-read only when the directory's entries change (its
    mtime): the glob and resolve cost more than the evaluation of one case."""
    key = str(where)
    try:
        listed = os.stat(where).st_mtime_ns
    except OSError:
        listed = -1
    cached = _files.get(key)
    if cached is not None and cached[0] == listed and listed != -1:
        return cached[1]
    file = rulebook_file(where).resolve()
    _files[key] = (listed, file)
    return file


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return (st.st_mtime_ns, st.st_size)


def cached_engine(rulebook_dir: str | Path) -> RuleEngine | None:
    """The engine for `rulebook_dir` when it is loaded and its file unchanged, else None.

    Never loads or waits (no lock): the API's async dependency calls it on the event loop
    and falls back to `get_engine` in a thread only when a (re)load is due."""
    try:
        file = _rulebook_path(rulebook_dir)
        cached = _current.get(str(file))
        if cached and cached[0] == _stamp(file) and not cached[1].retired:
            return cached[1]
    except (OSError, RulebookError):
        return None
    return None


def get_engine(rulebook_dir: str | Path) -> RuleEngine:
    """The process's engine for `rulebook_dir`, rebuilt when the file changed (hot reload)."""
    file = _rulebook_path(rulebook_dir)
    key = str(file)
    stamp = _stamp(file)
    with _engine_lock:
        cached = _current.get(key)
        if cached and cached[0] == stamp and not cached[1].retired:
            return cached[1]
        try:
            rulebook = load_rulebook(file)
        except RulebookError:
            if cached is None:
                raise
            log.exception("rulebook %s changed but fails its checks; keeping version %s", file, cached[1].name)
            _current[key] = (stamp, cached[1])
            return cached[1]
        if cached and cached[1].rulebook.content_hash == rulebook.content_hash and not cached[1].retired:
            _current[key] = (stamp, cached[1])  # touched, not changed
            return cached[1]
        engine = RuleEngine(rulebook)
        _current[key] = (stamp, engine)
    if cached and not cached[1].retired:
        cached[1].retire()  # waits for evaluations in flight (they hold the engine lock)
        log.info("rulebook reloaded: %s -> %s", cached[1].name, engine.name)
    return engine


@dataclass(frozen=True)
class CaseFailure:
    """A case that could not be evaluated, and why (first line of the error, party IDs masked)."""

    case_no: str
    reason: str

    @classmethod
    def of(cls, case_no: str, error: BaseException) -> CaseFailure:
        text = (str(error).splitlines() or [""])[0]
        return cls(case_no, mask_text(f"{type(error).__name__}: {text}"[:300]))

    def __str__(self) -> str:
        return f"case {self.case_no}: {self.reason}"


@dataclass(frozen=True)
class Evaluated:
    """The cases that were evaluated (aligned with their verdicts) and the ones that could not be."""

    cases: list[Case]
    verdicts: list[Verdict]
    failures: list[CaseFailure]


def _each_guarded(cases: Sequence[Case], network: CourtNetwork, as_of: date, engine: RuleEngine,
                  batch: BatchContext) -> Evaluated:
    """The error boundary of every bulk evaluation: a case whose facts or verdict raise is reported
    and skipped, the others are evaluated. The batch is fired at once; only if that raises is it
    fired again case by case, to find the ones at fault (a retired engine is re-raised: reload)."""
    built: list[tuple[Case, CaseFacts]] = []
    failures: list[CaseFailure] = []
    for case in cases:
        try:
            built.append((case, build_facts(case, network, as_of, batch)))
        except Exception as e:  # noqa: BLE001 - whatever one case raises must not stop the others
            failures.append(CaseFailure.of(case.case_no, e))
    try:
        return Evaluated([c for c, _ in built], evaluate_facts([f for _, f in built], engine, as_of), failures)
    except Exception:
        if engine.retired:
            raise
    done: list[Case] = []
    verdicts: list[Verdict] = []
    for case, facts in built:
        try:
            verdicts += evaluate_facts([facts], engine, as_of)
            done.append(case)
        except Exception as e:  # noqa: BLE001
            failures.append(CaseFailure.of(case.case_no, e))
    return Evaluated(done, verdicts, failures)


def evaluate_each(
    cases: Sequence[Case], network: CourtNetwork, as_of: date, *, engine: RuleEngine,
    batch: BatchContext | None = None,
) -> Evaluated:
    """Verdicts for validated cases, in input order, by `engine` (the caller's configured rulebook),
    each case inside its own error boundary (the nightly pass, batch jobs and `POST /v1/evaluate`
    report a failing case and go on). Linked cases are counted across `cases` unless a store-wide
    `batch` context is given. An engine retired by a hot reload between the caller's look-up and
    this call is replaced by the current engine of the same rulebook file."""
    context = batch if batch is not None else BatchContext.from_cases(cases)
    try:
        return _each_guarded(cases, network, as_of, engine, context)
    except RulebookError:
        if not engine.retired or not Path(engine.rulebook.source).is_file():
            raise
        return _each_guarded(cases, network, as_of, get_engine(engine.rulebook.source), context)  # reloaded


def evaluate_cases(
    cases: Sequence[Case], network: CourtNetwork, as_of: date, *, engine: RuleEngine,
    batch: BatchContext | None = None,
) -> list[Verdict]:
    """`evaluate_each` for callers that need every case's verdict (one case, a decision): a case
    that cannot be evaluated is a DataError (422, exit 2) naming it."""
    result = evaluate_each(cases, network, as_of, engine=engine, batch=batch)
    if result.failures:
        raise DataError(f"{len(result.failures)} case(s) cannot be evaluated on {as_of}",
                        [RowProblem(0, "case", f.reason, f.case_no) for f in result.failures])
    return result.verdicts


# ---------------------------------------------------------------- store-wide pass


@dataclass(frozen=True)
class StoreRun:
    evaluated: int
    saved: int
    ranges: int
    rulebook: str
    rejected: int = 0  # stored cases that could not be evaluated (unknown court, unreadable record)
    problems: tuple[str, ...] = ()  # the first MAX_REPORTED_PROBLEMS reasons, each naming the case
    alerts: int = 0  # node alerts found (when the pass was given the alerts ruleset)
    alerts_saved: dict[str, int] = field(default_factory=dict)  # new, updated, resolved, events
    alerts_s: float = 0.0  # of the workers' time, spent on alerts (read nodes, fire, serialize, save)


@dataclass(frozen=True)
class _RangeDone:
    read: int  # stored records read (open, and 终本 with alerts)
    evaluated: int
    problems: list[str]
    alerts: int  # found
    alerts_new: list[RaisedAlert]  # stored, to publish (`assign.alert_saves.publish_pending`)
    alerts_saved: dict[str, int]  # new, updated, resolved
    alerts_s: float


MAX_REPORTED_PROBLEMS = 200


@dataclass(frozen=True)
class _WorkerState:
    """What a store-pass worker process keeps between its ranges (set once by `_init_worker`)."""

    db: Engine
    engine: RuleEngine
    network: CourtNetwork
    batch: BatchContext
    alerts: RuleEngine | None  # the alerts ruleset's engine when the pass stores the node alerts too
    # the workers' saves queue on the store's write lock instead of SQLite's sleeping busy handler
    write_lock: AbstractContextManager[object]


_worker: list[_WorkerState] = []  # this worker process's state, once it is initialised


def _init_worker(url: str, rulebook: Rulebook, network: CourtNetwork, counts: dict[str, int],
                 alerts: Rulebook | None = None) -> None:
    # the rule engines: the versions the main process checked, one per pass
    db = make_engine(url, cache_mib=WRITER_CACHE_MIB)  # it saves pages of thousands of verdicts
    _worker[:] = [_WorkerState(db=db, engine=RuleEngine(rulebook), network=network, batch=BatchContext(counts),
                               alerts=RuleEngine(alerts) if alerts is not None else None, write_lock=write_lock(db))]
    # The network and the debtor counts live as long as the worker: keep the collector off them,
    # and let it run less often (each page creates and drops ~10 objects per case; measured: the
    # default thresholds cost ~40% of the verdict step). Only this worker process is affected.
    settle_heap()


def _evaluate_range(lo: str, hi: str, as_of: date, page: int, span: CaseNoSpan | None) -> _RangeDone:
    """`_evaluate_range_now`, the cyclic collector paused meanwhile: the range's cases and verdicts stay
    alive until saved, and each collector pass would only re-traverse them (`assign.heap.collector_paused`)."""
    with collector_paused():
        return _evaluate_range_now(lo, hi, as_of, page, span)


def _evaluate_range_now(lo: str, hi: str, as_of: date, page: int, span: CaseNoSpan | None) -> _RangeDone:
    """Evaluate and save the open cases with lo <= case_no <= hi; a bad stored case is skipped
    and reported (case number and reason), never allowed to stop the night's pass. With the
    alerts ruleset, the range's 终本 cases are read too and every case read, parsed once, also
    gets its node alerts, saved here for the case numbers of `span` (`assign.alert_saves.save_range_alerts`;
    given exactly when the pass has the alerts ruleset); the new ones are returned, for the main process to
    publish."""
    state = _worker[0]
    db, engine, network, batch = state.db, state.engine, state.network, state.batch
    alerts_engine = state.alerts
    done = 0
    problems: list[str] = []
    found: list[AlertValues] = []
    alerts_s = 0.0
    with session_scope(db) as session:
        rows = repository.case_records_between(session=session, first=lo, last=hi,
                                               status=_statuses(alerts_engine is not None))
    for start in range(0, len(rows), page):
        unreadable: dict[str, str] = {}
        checked: list[StoredRecord] = []  # rows fully checked now: stamped with the verdicts (assign.stored_case)
        read = (read_stored(record, unreadable, checked) for record in rows[start : start + page])
        cases = [case for case in read if case is not None]
        open_cases = [c for c in cases if c.status == CaseStatus.OPEN] if alerts_engine is not None else cases
        result = _each_guarded(open_cases, network, as_of, engine, batch)
        problems += [f"case {no}: {why}" for no, why in unreadable.items()] + [str(f) for f in result.failures]
        with state.write_lock, session_scope(db) as session:
            repository.save_verdicts(session=session, verdicts=result.verdicts)
            stamp_checked(session=session, records=checked)
        done += len(result.verdicts)
        if alerts_engine is not None:
            started = time.perf_counter()
            found += evaluate_alert_values(cases, as_of, alerts_engine)
            alerts_s += time.perf_counter() - started
    new: list[RaisedAlert] = []
    saved: dict[str, int] = {}
    if alerts_engine is not None:
        if span is None:
            raise ValueError("a store pass with node alerts names each range's span of case numbers")
        with state.write_lock, session_scope(db) as session:
            started = time.perf_counter()  # the save, not the wait for the lock
            saved, new = save_range_alerts(session=session, as_of=as_of, alerts=found, span=span)
        alerts_s += time.perf_counter() - started
    return _RangeDone(len(rows), done, problems, len(found), new, saved, alerts_s)


def _spans(lasts: Sequence[str]) -> list[CaseNoSpan]:
    """Per range (given its last case number, in order), the case numbers whose alerts it answers for:
    from after the previous range's last to its own last, the first and the last range unbounded."""
    return [CaseNoSpan(lasts[i - 1] if i else None, last if i < len(lasts) - 1 else None)
            for i, last in enumerate(lasts)]


def _statuses(with_alerts: bool) -> tuple[CaseStatus, ...]:
    """The cases the pass reads: the open ones, and the 终本 ones too when their alerts are asked."""
    return (CaseStatus.OPEN, CaseStatus.ZHONGBEN) if with_alerts else (CaseStatus.OPEN,)


def evaluate_store(
    url: str, as_of: date, *, network: CourtNetwork, rulebook: Rulebook, workers: int = 2,
    range_size: int = 10_000, page: int = 2_500, progress: Callable[[int, int], None] | None = None,
    alerts: Rulebook | None = None,
) -> StoreRun:
    """Evaluate every open case in the store on `as_of` and save the verdicts.

    `progress(done, total)` is called as ranges finish. Each worker process builds its own
    engine from `rulebook`, loaded once by the caller (the verdicts carry exactly the version
    the caller reports); linked cases are counted over the whole store before any range starts.

    With `alerts` (the alerts ruleset, loaded by the caller) the same pass is the store's alerts
    pass too: each open and 终本 case is read and parsed once, the art237 rulebook fires on the
    open ones and the alerts ruleset on all of them, and the alerts are then saved and the new
    ones published exactly as `api.service.alerts.store_alerts` saves a whole-store pass
    (`assign.alert_saves.save_alert_values`, every court): each worker saves its range's alerts as it
    saves the verdicts (`save_range_alerts`, under the store's write lock), and the new ones are
    published here at the end, per court (`publish_pending`).
    """
    require_not_future(as_of)  # verdicts are stored
    start_server([_init_worker.__module__])  # its imports overlap the counts and ranges below
    db = make_engine(url)
    statuses = _statuses(alerts is not None)
    with session_scope(db) as session:
        counts = repository.debtor_case_counts(session=session, status=UNFINISHED_STATUSES)  # §12.8: 未实结
        total = sum(repository.count_cases(session=session, status=s) for s in statuses)
    with session_scope(db) as session:
        # one status: its (status, case_no) index in order; two: ranges over every case (the index cannot
        # give two statuses in case_no order; the workers read the two statuses of their range)
        ranges = list(repository.case_no_ranges(session=session, size=range_size,
                                                status=statuses[0] if len(statuses) == 1 else None))
    db.dispose()  # the pass holds no connection while its workers write
    done = read = 0
    if progress:
        progress(0, total)
    found = 0
    new: list[RaisedAlert] = []
    saved: dict[str, int] = {}
    alerts_s = 0.0
    spans = _spans([hi for _, hi, _ in ranges]) if alerts is not None else [None] * len(ranges)
    with process_pool(workers, initializer=_init_worker, initargs=(url, rulebook, network, counts, alerts)) as pool:
        futures = [pool.submit(_evaluate_range, lo, hi, as_of, page, span)
                   for (lo, hi, _), span in zip(ranges, spans, strict=True)]
        problems: list[str] = []
        rejected = 0
        for f in as_completed(futures):
            ranged = f.result()
            done += ranged.evaluated
            read += ranged.read
            rejected += len(ranged.problems)
            problems += ranged.problems[: max(0, MAX_REPORTED_PROBLEMS - len(problems))]
            found += ranged.alerts
            new += ranged.alerts_new
            saved = {k: saved.get(k, 0) + v for k, v in ranged.alerts_saved.items()}
            alerts_s += ranged.alerts_s
            if progress:
                progress(read, total)
    if alerts is not None:
        with session_scope(make_engine(url)) as session:
            if not ranges:  # no open or 终本 case left: every active alert is resolved
                saved = save_range_alerts(session=session, as_of=as_of, alerts=[], span=CaseNoSpan(None, None)).counts
            saved = {"new": 0, "updated": 0, "resolved": 0, **saved,
                     "events": publish_pending(session=session, as_of=as_of, alerts=new)}
    if rejected:
        log.warning("store pass on %s: %d stored cases could not be evaluated", as_of, rejected)
        with session_scope(make_engine(url)) as session:  # visible on the event feed and to the command centre
            events.publish(session=session, kind="cases.not_evaluated", subject=f"{rejected} on {as_of}",
                           payload={"as_of": as_of.isoformat(), "count": rejected, "cases": problems})
    return StoreRun(evaluated=done, saved=done, ranges=len(ranges), rulebook=rulebook.versioned_name,
                    rejected=rejected, problems=tuple(problems), alerts=found, alerts_saved=saved,
                    alerts_s=round(alerts_s, 3))

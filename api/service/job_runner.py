"""One job runner for batch placement jobs (`api.service.jobs`) and the nightly run (`api.nightly.pipeline`):
claim the job, run its work with a cancel check between stages, and turn a cancel or a failure into the job's
final state (the error boundary around each job).

What differs between the two is the `JobControl` each passes, not the runner:

- a batch job is claimed by moving it from queued to running (not claimed: it was cancelled while queued), is
  cancelled by the flag a DELETE sets, and its failure is its result: recorded on the job row and logged, never
  raised (the API's job thread goes on with the next job);
- a nightly run is claimed by its run lock (held around the runner), is cancelled when another process took that
  lock over (nothing is recorded: the run belongs to the new holder; the caller gets a `Conflict`), and a domain
  failure is recorded on the run row and raised to the caller (the CLI's exit code).

`Checkpoint` is what the work calls between stages (and what a solve's stop callback polls): it raises
`Cancelled` once the control says a cancel was asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Cancelled(Exception):
    """Raised at a checkpoint when the job's cancel was asked for."""


class JobControl(Protocol[T_co]):
    """How one kind of job is claimed, asked whether to stop, and ended when it does not finish."""

    def claim(self) -> bool:
        """Take the job (False: there is nothing to run, e.g. it was cancelled first)."""
        ...

    def cancel_requested(self) -> bool:
        ...

    def cancelled(self) -> T_co:
        """End a cancelled (or unclaimed) job: record it, or raise what the caller must see."""
        ...

    def failed(self, error: Exception) -> T_co:
        """End a job whose work raised `error`: record it, and return or raise what the caller must see."""
        ...


@dataclass(frozen=True)
class Checkpoint:
    """The work's cancel check: call it between stages, or poll `requested` (a solve's stop callback)."""

    control: JobControl[object]

    def requested(self) -> bool:
        return self.control.cancel_requested()

    def __call__(self) -> None:
        if self.control.cancel_requested():
            raise Cancelled


def run_job(control: JobControl[T], work: Callable[[Checkpoint], T]) -> T:
    """Claim the job, run `work`, and end it through `control` when it is cancelled or fails."""
    if not control.claim():
        return control.cancelled()
    try:
        return work(Checkpoint(control))
    except Cancelled:
        return control.cancelled()
    except Exception as e:  # the error boundary: every failure of the work reaches the job's control
        return control.failed(e)
